/*
 * qemu_migration_resume.c: recovering a failed post-copy migration
 * (VIR_MIGRATE_POSTCOPY_RESUME, "virsh migrate --postcopy --postcopy-resume")
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Once the destination's vCPUs ran in post-copy, neither side holds the
 * whole guest: a broken migration stream leaves both QEMUs in
 * postcopy-paused and both jobs parked in phase postcopy_failed
 * (docs/internals/recovery.rst).  A client then runs the five steps of
 * protocol v3 again with VIR_MIGRATE_POSTCOPY_RESUME over a new
 * connection, as libvirt 9.0 does:
 *
 *   Begin (source)     QEMU must be postcopy-paused; the domain XML and
 *                      a cookie go back; phase begin_resume
 *   Prepare (dest.)    migrate-recover on a new port; phase prepare_resume
 *   Perform (source)   migrate with resume; returns once QEMU recovers
 *                      (postcopy-recover); phase perform_resume
 *   Finish (dest.)     waits for the last page: RUNNING/migrated, the job
 *                      ends; phase finish_resume
 *   Confirm (source)   QEMU stops (SHUTOFF/migrated), the job ends;
 *                      phase confirm_resume
 *
 * Any failure, or the client disappearing between two steps, parks the
 * job in postcopy_failed again, ready for another attempt; a recovery
 * QEMU has already started completes by itself and ends the job then.
 */
#include <config.h>

#include "qemu_domainjob.h"
#include "qemu_migration.h"
#include "qemu_migration_job.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_domain.h"
#include "domain_conf.h"
#include "virdomainobjlist.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_resume");

/* How long Perform waits for QEMU to reach the destination again. */
#define QEMU_MIGRATION_RESUME_CONNECT_MS 15000
/* How long a recovery waits for the pause it asked of a stale QEMU. */
#define QEMU_MIGRATION_RESUME_PAUSE_MS 5000


/* libvirt's checks before a recovery step @expected may act on the
 * @job migration of locked @vm.  Returns true, or false (reported). */
static bool
qemuMigrationResumeAllowed(virDomainObj *vm, virDomainAsyncJob job,
                           unsigned long long flags,
                           qemuMigrationJobPhase expected)
{
    /* --postcopy-resume without --postcopy is refused by
     * qemuMigrationArgsParse */
    if (job == VIR_ASYNC_JOB_MIGRATION_OUT &&
        expected < QEMU_MIGRATION_PHASE_PERFORM_RESUME &&
        !(flags & VIR_MIGRATE_CHANGE_PROTECTION)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("resuming failed post-copy migration requires change protection"));
        return false;
    }
    if (!qemuMigrationJobIsActive(vm, job))
        return false;
    if (vm->job->asyncOwner != 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("migration of domain %1$s is being actively monitored by another thread"),
                       vm->def->name);
        return false;
    }
    if (!qemuDomainObjIsPostcopy(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("migration of domain %1$s is not in post-copy phase"),
                       vm->def->name);
        return false;
    }
    if (vm->job->phase < QEMU_MIGRATION_PHASE_POSTCOPY_FAILED &&
        !qemuDomainObjIsFailedPostcopy(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("post-copy migration of domain %1$s has not failed"),
                       vm->def->name);
        return false;
    }
    if (vm->job->phase > (int) expected) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("resuming failed post-copy migration of domain %1$s already in progress"),
                       vm->def->name);
        return false;
    }
    return true;
}


/* QEMU's migration status of @vm into the job's record.  Returns it, or
 * -1 (reported). */
static int
qemuMigrationResumeQEMUStatus(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMonitorMigrationStats stats = { 0 };
    int rc;

    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorGetMigrationStats(priv->mon, &stats);
    if (qemuDomainObjExitMonitor(vm) < 0)
        rc = -1;
    if (rc == 0)
        rc = stats.status;
    qemuMonitorMigrationStatsClear(&stats);
    return rc;
}


/* A destination QEMU still in postcopy-active although its source's is
 * paused (the client's Begin checked it): after a link cut the end with
 * nothing in flight may never see an error.  Its end of the dead channel
 * is shut down (migrate-pause), so that it can listen again.  Returns
 * QEMU's status afterwards, or -1 (reported). */
static int
qemuMigrationResumePauseStale(virDomainObj *vm, virDomainAsyncJob asyncJob,
                              int status)
{
    long long deadline = virTimeMonotonicMs() + QEMU_MIGRATION_RESUME_PAUSE_MS;

    if (status != QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE)
        return status;
    VIR_WARN("domain %s: QEMU still runs the post-copy migration that failed; pausing it for the recovery",
             vm->def->name);
    if (qemuMigrationAnyPause(vm, asyncJob) < 0)
        return -1;
    while ((status = qemuMigrationResumeQEMUStatus(vm, asyncJob)) ==
           QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE &&
           virTimeMonotonicMs() < deadline) {
        if (qemuDomainObjWait(vm, virTimeMonotonicMs() + 100) < 0)
            return -1;
    }
    return status;
}


/* Refuses a recovery while QEMU's migration is not paused. */
static int
qemuMigrationResumeCheckPaused(int status)
{
    if (status == QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED)
        return 0;
    if (status >= 0) {
        VIR_WARN("QEMU's migration status is %s",
                 NULLSTR(qemuMonitorMigrationStatusTypeToString(status)));
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("QEMU reports migration is still running"));
    }
    return -1;
}


/* A failed recovery step: the job goes back to postcopy_failed (parked,
 * with the state post-copy failed), the error is kept. */
static void
qemuMigrationResumeFailed(virDomainObj *vm)
{
    VIR_WARN("recovery step of the post-copy migration of domain %s failed: %s",
             vm->def->name, NULLSTR(virErrorGetLastMessage()));
    qemuMigrationAnyPostcopyFailed(vm);
}


/* ---- source ---- */

/**
 * qemuMigrationSrcBeginResume:
 * Begin3 with VIR_MIGRATE_POSTCOPY_RESUME: the outgoing migration of @vm
 * must be parked with its post-copy failed (postcopy_failed, or a job
 * still waiting for its Confirm whose QEMU paused) and QEMU's migration
 * postcopy-paused.  Returns the domain XML (the cookie in args->cookieout)
 * with the job parked in begin_resume, or NULL (reported; the job stays
 * in postcopy_failed).
 */
char *
qemuMigrationSrcBeginResume(virDomainObj *vm, qemuMigrationArgs *args)
{
    g_autofree char *xml = NULL;

    if (!qemuMigrationResumeAllowed(vm, VIR_ASYNC_JOB_MIGRATION_OUT, args->flags,
                                    QEMU_MIGRATION_PHASE_POSTCOPY_FAILED))
        return NULL;
    if (vm->job->phase < QEMU_MIGRATION_PHASE_POSTCOPY_FAILED &&
        qemuMigrationAnyResumeTake(vm, QEMU_MIGRATION_PHASE_POSTCOPY_FAILED) < 0)
        return NULL;
    qemuMigrationSrcUnwatch(vm);
    if (qemuMigrationAnyResumeTake(vm, QEMU_MIGRATION_PHASE_BEGIN_RESUME) < 0) {
        if (vm->job->asyncOwner != 0)
            qemuMigrationResumeFailed(vm);
        return NULL;
    }
    /* the source sends all the time: a broken link shows here first */
    if (qemuMigrationResumeCheckPaused(qemuMigrationResumeQEMUStatus(
            vm, VIR_ASYNC_JOB_MIGRATION_OUT)) < 0 ||
        !(xml = virDomainDefFormat(vm->def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                   VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)) ||
        qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_BEGIN, args) < 0) {
        qemuMigrationResumeFailed(vm);
        return NULL;
    }
    VIR_INFO("resuming the failed post-copy migration of domain %s", vm->def->name);
    qemuMigrationAnyResumePark(vm, args->conn);
    return g_steal_pointer(&xml);
}


/* Waits until QEMU on the source reached the destination again
 * (postcopy-recover or postcopy-active; or completed).  A "migrate" with
 * resume whose connection fails leaves QEMU postcopy-paused without an
 * event, hence the bound.  Returns 0 or -1 (reported). */
static int
qemuMigrationSrcResumeWait(virDomainObj *vm)
{
    long long deadline = virTimeMonotonicMs() + QEMU_MIGRATION_RESUME_CONNECT_MS;

    for (;;) {
        virDomainJobStatus status = vm->job->current->status;

        if (status == VIR_DOMAIN_JOB_STATUS_POSTCOPY ||
            status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED)
            return 0;
        if (status == VIR_DOMAIN_JOB_STATUS_FAILED ||
            status == VIR_DOMAIN_JOB_STATUS_CANCELED) {
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("post-copy recovery failed"));
            return -1;
        }
        if (virTimeMonotonicMs() >= deadline) {
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("post-copy recovery did not reach the destination"));
            return -1;
        }
        if (qemuDomainObjWait(vm, deadline) < 0)
            return -1;
    }
}


/* migrate with resume to @uri. */
static int
qemuMigrationSrcResumeStart(virDomainObj *vm, const char *uri)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    /* still postcopy-paused until QEMU connects; its events move it on */
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    rc = qemuMonitorMigrate(priv->mon, uri, true);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    return qemuMigrationSrcResumeWait(vm);
}


/**
 * qemuMigrationSrcPerformResume:
 * Perform3 with VIR_MIGRATE_POSTCOPY_RESUME: QEMU sends the rest of the
 * guest to the URI Prepare gave (migrate with resume).  Returns 0 once
 * QEMU reached the destination, the job parked in perform_resume, or -1
 * (reported; the job back in postcopy_failed).
 */
int
qemuMigrationSrcPerformResume(virDomainObj *vm, qemuMigrationArgs *args)
{
    g_autofree char *uri = NULL;

    if (args->dconnuri) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("peer-to-peer migration is not supported by this host yet"));
        return -1;
    }
    if (!qemuMigrationResumeAllowed(vm, VIR_ASYNC_JOB_MIGRATION_OUT, args->flags,
                                    QEMU_MIGRATION_PHASE_BEGIN_RESUME) ||
        qemuMigrationAnyResumeTake(vm, QEMU_MIGRATION_PHASE_PERFORM_RESUME) < 0)
        return -1;
    if (!(uri = qemuMigrationSrcURI(args)) ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_PERFORM, args) < 0 ||
        qemuMigrationSrcResumeStart(vm, uri) < 0) {
        qemuMigrationResumeFailed(vm);
        return -1;
    }
    if (qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_PERFORM, args) < 0)
        VIR_WARN("no cookie for the destination of %s", vm->def->name);
    VIR_INFO("post-copy migration of domain %s resumed", vm->def->name);
    qemuMigrationAnyResumePark(vm, args->conn);
    return 0;
}


/**
 * qemuMigrationSrcConfirmResume:
 * Confirm3 with VIR_MIGRATE_POSTCOPY_RESUME: with cancelled=0 (or QEMU
 * completed anyway) the destination has the whole guest and the source
 * QEMU stops (SHUTOFF/migrated), the job ends; otherwise the job goes
 * back to postcopy_failed.  Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcConfirmResume(virDomainObj *vm, qemuMigrationArgs *args)
{
    if (!qemuMigrationResumeAllowed(vm, VIR_ASYNC_JOB_MIGRATION_OUT, args->flags,
                                    QEMU_MIGRATION_PHASE_PERFORM_RESUME) ||
        qemuMigrationAnyResumeTake(vm, QEMU_MIGRATION_PHASE_CONFIRM_RESUME) < 0)
        return -1;
    if (args->cancelled &&
        vm->job->current->status != VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED) {
        VIR_WARN("recovery of the post-copy migration of domain %s cancelled",
                 vm->def->name);
        qemuMigrationAnyPostcopyFailed(vm);
        return 0;
    }
    /* Finish returned: the destination has every page; QEMU here says so
     * at the latest now */
    if (qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_MIGRATION_OUT, false) < 0) {
        qemuMigrationResumeFailed(vm);
        return -1;
    }
    ignore_value(qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_CONFIRM, args));
    VIR_INFO("domain %s now runs on the destination (post-copy recovered); stopping it here",
             vm->def->name);
    qemuMigrationSrcPostcopyStats(vm);
    vm->job->asyncPaused = false;
    qemuMigrationSrcComplete(vm, args->flags);
    qemuMigrationJobFinish(vm);
    if (!virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
    return 0;
}


/* ---- destination ---- */

/* migrate-recover on a new port; the URI for the source in *@uriOut. */
static int
qemuMigrationDstResumeListen(virDomainObj *vm, const qemuMigrationArgs *args,
                             char **uriOut)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *incoming = NULL;
    unsigned short port;
    int rc;

    if (!(port = qemuMigrationDstPortAcquire()))
        return -1;
    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = port;
    qemuMigrationDstAddresses(args, NULL, port, &incoming, uriOut);
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return -1;
    rc = qemuMonitorMigrateRecover(priv->mon, incoming);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    /* waiting for the source counts as recovering: a new failure comes
     * as postcopy-paused again */
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_POSTCOPY;
    return 0;
}


/* The incoming domain a recovery names (the XML's name, or dname). */
static virDomainObj *
qemuMigrationDstResumeFind(const qemuMigrationArgs *args)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *origname = NULL;
    virDomainObj *vm;

    if (!(def = qemuMigrationDstParseDef(args, &origname)))
        return NULL;
    if (!(vm = virDomainObjListFindByName(qemu_driver->domains, def->name)))
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching name '%1$s'"), def->name);
    return vm;
}


/**
 * qemuMigrationDstPrepareResume:
 * Prepare3 with VIR_MIGRATE_POSTCOPY_RESUME: the incoming migration of
 * the domain the XML names must be parked in postcopy_failed; its QEMU
 * (paused first if it still waits on a dead channel) listens for the
 * source again (migrate-recover) on a new port of the range, whose URI
 * goes to *@uriOut.  The job stays in prepare_resume for Finish.
 * Returns 0 or -1 (reported; the job back in postcopy_failed).
 */
int
qemuMigrationDstPrepareResume(qemuMigrationArgs *args, char **uriOut)
{
    g_autofree char *uri = NULL;
    virDomainObj *vm;
    int status;

    if (!(vm = qemuMigrationDstResumeFind(args)))
        return -1;
    if (!qemuMigrationResumeAllowed(vm, VIR_ASYNC_JOB_MIGRATION_IN, args->flags,
                                    QEMU_MIGRATION_PHASE_POSTCOPY_FAILED) ||
        qemuMigrationAnyResumeTake(vm, QEMU_MIGRATION_PHASE_PREPARE_RESUME) < 0) {
        virDomainObjEndAPI(&vm);
        return -1;
    }
    status = qemuMigrationResumeQEMUStatus(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    if (qemuMigrationResumeCheckPaused(qemuMigrationResumePauseStale(vm, VIR_ASYNC_JOB_MIGRATION_IN, status)) < 0 ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_PREPARE, args) < 0 ||
        qemuMigrationDstResumeListen(vm, args, &uri) < 0 ||
        qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_PREPARE, args) < 0) {
        qemuMigrationResumeFailed(vm);
        virDomainObjEndAPI(&vm);
        return -1;
    }
    VIR_INFO("incoming post-copy migration of domain %s waits for its source again on %s",
             vm->def->name, uri);
    qemuMigrationAnyResumePark(vm, args->conn);
    virDomainObjEndAPI(&vm);
    *uriOut = g_steal_pointer(&uri);
    return 0;
}


/**
 * qemuMigrationDstFinishResume:
 * Finish3 with VIR_MIGRATE_POSTCOPY_RESUME: waits until the last page
 * came, then the domain is RUNNING/migrated (event RESUMED/MIGRATED) and
 * the job ends.  With cancelled=1, or when the recovered stream breaks
 * again, the job goes back to postcopy_failed and NULL is returned
 * (reported).
 */
virDomainIdent *
qemuMigrationDstFinishResume(qemuMigrationArgs *args)
{
    const char *name = args->destName;
    virDomainIdent *ident = NULL;
    virDomainObj *vm;

    if (!name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("missing destination name"));
        return NULL;
    }
    if (!(vm = virDomainObjListFindByName(qemu_driver->domains, name)))
        return NULL;
    if (!qemuMigrationResumeAllowed(vm, VIR_ASYNC_JOB_MIGRATION_IN, args->flags,
                                    QEMU_MIGRATION_PHASE_PREPARE_RESUME) ||
        qemuMigrationAnyResumeTake(vm, QEMU_MIGRATION_PHASE_FINISH_RESUME) < 0)
        goto cleanup;
    if (args->cancelled) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("post-copy recovery was cancelled by the source"));
        qemuMigrationResumeFailed(vm);
        goto cleanup;
    }
    if (qemuMigrationDstPostcopyWatch(vm) < 0) {
        qemuMigrationResumeFailed(vm);
        goto cleanup;
    }
    vm->job->asyncPaused = false;
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING)
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED,
                                  VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
    qemuMigrationAnyFinishStats(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    if (qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_FINISH, args) < 0)
        VIR_WARN("no cookie for the source of %s", vm->def->name);
    VIR_INFO("post-copy migration of domain %s recovered and finished", vm->def->name);
    qemuMigrationDstEndIncoming(vm);
    ident = virDomainIdentNew(vm->def->name, vm->def->uuid, vm->def->id);

 cleanup:
    virDomainObjEndAPI(&vm);
    return ident;
}
