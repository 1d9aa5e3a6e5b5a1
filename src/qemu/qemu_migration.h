/*
 * qemu_migration.h: live migration, protocol versions 2 and 3
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The steps of ../../docs/internals/migration.rst, split by where they
 * run: qemu_migration_src.c (Begin, Perform, Confirm), qemu_migration_dst.c
 * (Prepare, Finish), qemu_migration.c (what both sides share: what QEMU's
 * MIGRATION events change, waiting for completion, statistics, cookies),
 * and above them qemu_migration_events.c (the router of QEMU's events and
 * the job's hooks).  Each step gets its arguments parsed once by
 * qemuMigrationArgsParse (qemu_migration_args.h).  Jobs and phases go
 * through qemu_migration_job.c.
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"
#include "qemu_migration_args.h"
#include "qemu_migration_cookie.h"
#include "qemu_migration_job.h"
#include "qemu_migration_params.h"
#include "qemu_migration_port.h"
#include "qemu_migration_uri.h"
#include "qemu_monitor.h"
#include "virhypervisordriver.h"

/* Source (qemu_migration_src.c); @vm locked and referenced. */
char *qemuMigrationSrcBegin(virDomainObj *vm, qemuMigrationArgs *args);
int qemuMigrationSrcPerform(virDomainObj *vm, qemuMigrationArgs *args);
int qemuMigrationSrcConfirm(virDomainObj *vm, qemuMigrationArgs *args);
int qemuMigrationSrcStartPostCopy(virDomainObj *vm);
int qemuMigrationSrcPerformV2(virDomainObj *vm, qemuMigrationArgs *args);

/* Destination (qemu_migration_dst.c). */
int qemuMigrationDstPrepare(qemuMigrationArgs *args, char **uriOut);
virDomainIdent *qemuMigrationDstFinish(qemuMigrationArgs *args);
int qemuMigrationDstPrepare2(qemuMigrationArgs *args, char **uriOut);
virDomainIdent *qemuMigrationDstFinish2(qemuMigrationArgs *args);
void qemuMigrationDstIncomingEvent(virDomainObj *vm);

/* Post-copy recovery, VIR_MIGRATE_POSTCOPY_RESUME
 * (qemu_migration_resume.c); @vm locked and referenced. */
char *qemuMigrationSrcBeginResume(virDomainObj *vm, qemuMigrationArgs *args);
int qemuMigrationDstPrepareResume(qemuMigrationArgs *args, char **uriOut);
int qemuMigrationSrcPerformResume(virDomainObj *vm, qemuMigrationArgs *args);
virDomainIdent *qemuMigrationDstFinishResume(qemuMigrationArgs *args);
int qemuMigrationSrcConfirmResume(virDomainObj *vm, qemuMigrationArgs *args);

/* What the recovery steps share with the first migration's. */
char *qemuMigrationSrcURI(const qemuMigrationArgs *args);
void qemuMigrationSrcComplete(virDomainObj *vm, unsigned long long flags);
void qemuMigrationSrcPostcopyStats(virDomainObj *vm);
void qemuMigrationSrcUnwatch(virDomainObj *vm);
virDomainDef *qemuMigrationDstParseDef(const qemuMigrationArgs *args,
                                       char **origname);
void qemuMigrationDstAddresses(const qemuMigrationArgs *args,
                               const qemuMigrationURI *uriIn,
                               unsigned short port, char **incoming,
                               char **uriOut);
void qemuMigrationDstEndIncoming(virDomainObj *vm);
int qemuMigrationDstPostcopyWatch(virDomainObj *vm);

/* The event router (qemu_migration_events.c): plugs the migration code
 * into the process and job code (driver start). */
void qemuMigrationInit(void);

/* Shared (qemu_migration.c).  What QEMU's MIGRATION events change, for
 * the router; @vm locked. */
void qemuMigrationSrcCorrectPostcopyPause(virDomainObj *vm);
void qemuMigrationAnyPostcopyPaused(virDomainObj *vm);
void qemuMigrationAnyPostcopyRecovered(virDomainObj *vm);
bool qemuMigrationAnyPostcopyDoneLater(virDomainObj *vm);
void qemuMigrationAnyShutdownPrepare(void);
int qemuMigrationRecoverJob(virDomainObj *vm, virDomainJobObj *saved,
                            unsigned int *stopFlags);
void qemuMigrationRecoverUnowned(virDomainObj *vm,
                                 qemuMonitorMigrationStatus status);
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
                            qemuMigrationArgs *args);
int qemuMigrationAnyCookieEat(virDomainObj *vm, qemuMigrationCookieStep step,
                           qemuMigrationArgs *args);
/* Prepare: the Begin cookie against the definition to receive (same-host
 * check, name and UUID); @origname is the source's name if renamed. */
int qemuMigrationAnyCookieCheck(const virDomainDef *def, const char *origname,
                                const qemuMigrationArgs *args, char **peerURI,
                                qemuMigrationCookieNBD **nbd);
