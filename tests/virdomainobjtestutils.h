/*
 * virdomainobjtestutils.h: helpers for tests of domain objects and jobs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"

/* A stand-in for the domain XML code: <domain type='test' id='N'> with a
 * <name> and a <uuid>, nothing else. */
int virTestDomainDefFormat(virBuffer *buf, const virDomainDef *def,
                           void *opaque);
virDomainDef *virTestDomainDefParse(xmlXPathContext *ctxt, void *opaque);

/* Fills @cfg with the test definition callbacks, @statusDir (may be NULL)
 * and a job wait timeout of @timeoutMs. */
void virTestDomainObjConfigInit(virDomainObjConfig *cfg, const char *statusDir,
                                unsigned long long timeoutMs);

/* A new domain object (locked, one reference) named @name with @uuid
 * (string form), running with @id (or inactive when -1). */
virDomainObj *virTestDomainObjNew(const virDomainObjConfig *cfg,
                                  const char *name, const char *uuid, int id);

/* Waits (polling, at most 20 s) until @vm has @n jobs queued, i.e. the
 * threads under test are inside Begin*Job; @vm must be unlocked. */
void virTestWaitJobsQueued(virDomainObj *vm, int n);

/* True unless the tests run under valgrind (VIR_TEST_VALGRIND=1), where
 * wakeup latencies are too large for tight timing assertions. */
bool virTestTimingStrict(void);

/* Asserts that @elapsedMs honours a timeout of @timeoutMs: never early
 * (1 ms of clock rounding allowed) and at most 10 % late.  For the tests
 * whose point is timing; use timeouts of a second or more so a loaded
 * machine keeps within the margin. */
void virTestAssertTimeoutPrecise(long long elapsedMs, long long timeoutMs);

/* Same, at most 50 % late: for tests where timing is not the point. */
void virTestAssertTimeout(long long elapsedMs, long long timeoutMs);

/* A temporary directory, removed with its files by virTestTempDirFree. */
char *virTestTempDirNew(void);
void virTestTempDirFree(char *dir);
