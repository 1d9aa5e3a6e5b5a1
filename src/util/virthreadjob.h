/*
 * virthreadjob.h: which API the calling thread is serving
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RPC dispatcher records, per worker thread, the name of the API it is
 * running (libvirt uses the generated dispatcher name, for instance
 * "remoteDispatchDomainMigrateBegin3Params").  The job code stores that
 * name as the owner of a job, and error messages such as "cannot acquire
 * state change lock (held by monitor=...)" show it to users.
 *
 */
#pragma once

#include "internal.h"

/* Records @api as the API the calling thread serves (copied). */
void virThreadJobSet(const char *api);

/* Forgets the calling thread's API name. */
void virThreadJobClear(void);

/*
 * The calling thread's API name; when none was set, the OS name of the
 * thread (worker threads are named by their pool); NULL if neither is
 * known.  The string stays valid until the thread's next virThreadJob*
 * call.
 */
const char *virThreadJobGet(void);

/* The kernel id of the calling thread (never 0), used as a job owner. */
unsigned long long virThreadJobSelfID(void);
