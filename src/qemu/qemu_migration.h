/*
 * qemu_migration.h: live migration, protocol versions 2 and 3
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The steps of ../../docs/internals/migration.rst, split by where they
 * run: qemu_migration_src.c (Begin, Perform, Confirm), qemu_migration_dst.c
 * (Prepare, Finish), qemu_migration.c (what both sides share: QEMU's
 * MIGRATION events, waiting for completion, statistics).  Jobs and phases
 * go through qemu_migration_job.c.
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"
#include "qemu_migration_cookie.h"
#include "qemu_migration_job.h"
#include "qemu_migration_params.h"
#include "qemu_migration_uri.h"
#include "qemu_monitor.h"
#include "virhypervisordriver.h"

/* Source (qemu_migration_src.c); @vm locked and referenced. */
char *qemuMigrationSrcBegin(virDomainObj *vm, virMigrateArgs *args);
int qemuMigrationSrcPerform(virDomainObj *vm, virMigrateArgs *args);
int qemuMigrationSrcConfirm(virDomainObj *vm, virMigrateArgs *args);
int qemuMigrationSrcStartPostCopy(virDomainObj *vm);
int qemuMigrationSrcPerformV2(virDomainObj *vm, virMigrateArgs *args);

/* Destination (qemu_migration_dst.c). */
int qemuMigrationDstPrepare(virMigrateArgs *args, char **uriOut);
virDomainIdent *qemuMigrationDstFinish(virMigrateArgs *args);
void qemuMigrationDstPortRelease(unsigned short port);
int qemuMigrationDstPrepare2(virConn *dconn, virMigrateArgs *args,
                             char **uriOut);
virDomainIdent *qemuMigrationDstFinish2(virMigrateArgs *args);
void qemuMigrationDstIncomingEvent(virDomainObj *vm);

/* Post-copy recovery, VIR_MIGRATE_POSTCOPY_RESUME
 * (qemu_migration_resume.c); @vm locked and referenced. */
char *qemuMigrationSrcBeginResume(virDomainObj *vm, virMigrateArgs *args);
int qemuMigrationDstPrepareResume(virMigrateArgs *args, char **uriOut);
int qemuMigrationSrcPerformResume(virDomainObj *vm, virMigrateArgs *args);
virDomainIdent *qemuMigrationDstFinishResume(virMigrateArgs *args);
int qemuMigrationSrcConfirmResume(virDomainObj *vm, virMigrateArgs *args);

/* What the recovery steps share with the first migration's. */
char *qemuMigrationSrcURI(const virMigrateArgs *args);
void qemuMigrationSrcComplete(virDomainObj *vm, unsigned long long flags);
void qemuMigrationSrcPostcopyStats(virDomainObj *vm);
void qemuMigrationSrcUnwatch(virDomainObj *vm);
unsigned short qemuMigrationDstPortAcquire(void);
virDomainDef *qemuMigrationDstParseDef(const virMigrateArgs *args,
                                       char **origname);
void qemuMigrationDstAddresses(const virMigrateArgs *args,
                               const qemuMigrationURI *uriIn,
                               unsigned short port, char **incoming,
                               char **uriOut);
void qemuMigrationDstEndIncoming(virDomainObj *vm);
int qemuMigrationDstPostcopyWatch(virDomainObj *vm);

/* Shared (qemu_migration.c). */
void qemuMigrationInit(void);
void qemuMigrationAnyShutdownPrepare(void);
int qemuMigrationRecoverJob(virDomainObj *vm, virDomainJobObj *saved,
                            unsigned int *stopFlags);
void qemuMigrationRecoverUnowned(virDomainObj *vm,
                                 qemuMonitorMigrationStatus status);
int qemuMigrationAnyCheckFlags(unsigned long long flags);
const char *qemuMigrationAnyParamString(const virMigrateArgs *args,
                                        const char *name);
int qemuMigrationAnyParamULL(const virMigrateArgs *args, const char *name,
                             unsigned long long *value);
int qemuMigrationAnyWait(virDomainObj *vm, virDomainAsyncJob asyncJob,
                         bool postcopy);
int qemuMigrationAnyWaitFor(virDomainObj *vm, virDomainAsyncJob asyncJob,
                            bool postcopy, long long timeoutMs);
int qemuMigrationAnyRefreshStats(virDomainObj *vm, virDomainAsyncJob asyncJob,
                                 virDomainJobData *jobData);
int qemuMigrationSrcCancel(virDomainObj *vm, virDomainAsyncJob asyncJob);
int qemuMigrationAnyPrepareParams(virDomainObj *vm, qemuMonitor *mon,
                                  qemuMigrationParams *migParams,
                                  qemuMigrationParty party);
void qemuMigrationAnyResetParams(virDomainObj *vm, virDomainAsyncJob asyncJob);
void qemuMigrationAnyDropParams(virDomainObj *vm);
void qemuMigrationAnyFinishStats(virDomainObj *vm, virDomainAsyncJob asyncJob);
void qemuMigrationAnyPostcopyFailed(virDomainObj *vm);
int qemuMigrationAnyStatusToJob(qemuMonitorMigrationStatus status);
int qemuMigrationAnyPause(virDomainObj *vm, virDomainAsyncJob asyncJob);
void qemuMigrationAnyResumeClosed(virDomainObj *vm);
void qemuMigrationAnyResumePark(virDomainObj *vm, virConn *conn);
int qemuMigrationAnyResumeTake(virDomainObj *vm, qemuMigrationJobPhase phase);

/* The cookie at each step (qemu_migration_cookie.c underneath): Bake
 * writes the step's args->cookieout, Eat reads its args->cookiein (the
 * previous step's).  Both return 0 or -1 (reported). */
typedef enum {
    QEMU_MIGRATION_COOKIE_STEP_BEGIN,
    QEMU_MIGRATION_COOKIE_STEP_PREPARE,
    QEMU_MIGRATION_COOKIE_STEP_PERFORM,
    QEMU_MIGRATION_COOKIE_STEP_FINISH,
    QEMU_MIGRATION_COOKIE_STEP_CONFIRM,
} qemuMigrationCookieStep;

int qemuMigrationAnyCookieBake(virDomainObj *vm, qemuMigrationCookieStep step,
                            virMigrateArgs *args);
int qemuMigrationAnyCookieEat(virDomainObj *vm, qemuMigrationCookieStep step,
                           virMigrateArgs *args);
/* Prepare: the Begin cookie against the definition to receive (same-host
 * check, name and UUID); @origname is the source's name if renamed. */
int qemuMigrationAnyCookieCheck(const virDomainDef *def, const char *origname,
                                const virMigrateArgs *args, char **peerURI,
                                qemuMigrationCookieNBD **nbd);
