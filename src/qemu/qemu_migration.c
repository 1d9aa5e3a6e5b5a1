/*
 * qemu_migration.c: what both sides of a migration share: what QEMU's
 * MIGRATION events change, waiting for completion, statistics, cancel,
 * the cookie of each step
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Progress is event driven: QEMU's MIGRATION events (the "events"
 * capability is on from process start), routed by
 * qemu_migration_events.c, update the status of the job's statistics
 * record and wake the domain condition, on which the thread driving the
 * migration waits.  Nothing polls.
 */
#include <config.h>

#include "qemu_migration.h"
#include "qemu_closecallbacks.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "qemu_migration_cookie.h"
#include "qemu_migration_job.h"
#include "qemu_migration_nbd.h"
#include "qemu_migration_params.h"
#include "qemu_migration_tls.h"
#include "qemu_monitor_periph.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_domain.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration");

/* How long one wait on the domain condition lasts before the loop looks
 * again (a wake-up normally comes first, from an event). */
#define QEMU_MIGRATION_WAIT_SLICE_MS 10000

/* QEMU's migration status as the job's statistics record sees it (-1:
 * leave the record's status as it is). */
int
qemuMigrationAnyStatusToJob(qemuMonitorMigrationStatus status)
{
    switch (status) {
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER:
        return VIR_DOMAIN_JOB_STATUS_POSTCOPY;
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED:
        return VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED;
    case QEMU_MONITOR_MIGRATION_STATUS_COMPLETED:
        return VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED;
    case QEMU_MONITOR_MIGRATION_STATUS_NONE:
        return VIR_DOMAIN_JOB_STATUS_NONE;
    case QEMU_MONITOR_MIGRATION_STATUS_FAILED:
        return VIR_DOMAIN_JOB_STATUS_FAILED;
    case QEMU_MONITOR_MIGRATION_STATUS_CANCELLED:
        return VIR_DOMAIN_JOB_STATUS_CANCELED;
    case QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER:
        return VIR_DOMAIN_JOB_STATUS_PAUSED;
    case QEMU_MONITOR_MIGRATION_STATUS_DEVICE:
    case QEMU_MONITOR_MIGRATION_STATUS_ACTIVE:
        return VIR_DOMAIN_JOB_STATUS_MIGRATING;
    case QEMU_MONITOR_MIGRATION_STATUS_SETUP:
    case QEMU_MONITOR_MIGRATION_STATUS_CANCELLING:
    case QEMU_MONITOR_MIGRATION_STATUS_COLO:
    case QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG:
    case QEMU_MONITOR_MIGRATION_STATUS_LAST:
    default:
        return -1;
    }
}


/* The source's vCPUs stop before QEMU enters post-copy (STOP comes
 * while the job still says MIGRATING): once post-copy is active, the
 * pause is a post-copy one, as libvirt reports it. */
void
qemuMigrationSrcCorrectPostcopyPause(virDomainObj *vm)
{
    int reason = 0;

    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED ||
        reason != VIR_DOMAIN_PAUSED_MIGRATION)
        return;
    VIR_INFO("domain %s paused in post-copy", vm->def->name);
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                  VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY);
    if (virDomainObjSaveStatus(vm) < 0)
        VIR_WARN("could not save the status of domain %s", vm->def->name);
}


static void qemuMigrationAnyPostcopyCleanup(virDomainObj *vm);
static void qemuMigrationAnyMarkPostcopyFailed(virDomainObj *vm);


/* QEMU paused a post-copy migration (its channel broke, or migrate-pause):
 * whoever holds the job, clients see "post-copy failed" at once, as with
 * libvirt: the source PAUSED, the destination RUNNING (its vCPUs run
 * until they touch a page that did not come). */
void
qemuMigrationAnyPostcopyPaused(virDomainObj *vm)
{
    if (!qemuDomainObjIsPostcopy(vm) || qemuDomainObjIsFailedPostcopy(vm))
        return;
    qemuMigrationAnyMarkPostcopyFailed(vm);
    if (virDomainObjSaveStatus(vm) < 0)
        VIR_WARN("could not save the status of domain %s", vm->def->name);
}


/* A failed post-copy migration runs again (postcopy-recover, then
 * postcopy-active after --postcopy-resume): the reasons go back to
 * post-copy, with libvirt's events. */
void
qemuMigrationAnyPostcopyRecovered(virDomainObj *vm)
{
    int reason = 0;
    virDomainState state = virDomainObjGetState(vm, &reason);

    if (!qemuDomainObjIsFailedPostcopy(vm))
        return;
    VIR_INFO("post-copy migration of domain %s recovered", vm->def->name);
    vm->job->asyncPaused = false;
    if (state == VIR_DOMAIN_PAUSED) {
        if (reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED)
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY);
    } else if (state == VIR_DOMAIN_RUNNING) {
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_POSTCOPY);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED,
                                      VIR_DOMAIN_EVENT_RESUMED_POSTCOPY);
    }
    if (virDomainObjSaveStatus(vm) < 0)
        VIR_WARN("could not save the status of domain %s", vm->def->name);
}


/* Worker: QEMU finished a post-copy migration whose job was parked as
 * failed (@data, a domain reference): nobody drives it any more, so it
 * ends here.  The destination has the whole guest; the source's copy is
 * obsolete and stops (SHUTOFF/migrated). */
static void
qemuMigrationAnyPostcopyDone(void *data)
{
    virDomainObj *vm = data;
    bool out;

    virObjectLock(vm);
    out = vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT;
    if (!virDomainObjIsActive(vm) || vm->job->asyncOwner != 0 ||
        vm->job->phase != QEMU_MIGRATION_PHASE_POSTCOPY_FAILED ||
        qemuMigrationJobStartPhase(vm, out ? QEMU_MIGRATION_PHASE_CONFIRM_RESUME
                                           : QEMU_MIGRATION_PHASE_FINISH_RESUME) < 0) {
        virErrorResetLast();
        virObjectUnlock(vm);
        return;
    }
    VIR_INFO("post-copy migration of domain %s completed unattended", vm->def->name);
    qemuDomainCleanupRemove(vm, qemuMigrationAnyPostcopyCleanup);
    if (out) {
        qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_MIGRATED,
                        VIR_ASYNC_JOB_MIGRATION_OUT, QEMU_PROCESS_STOP_MIGRATED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                      VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
    } else if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING) {
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED,
                                      VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
    }
    qemuMigrationDstPortRelease(QEMU_DOMAIN_PRIVATE(vm)->migrationPort);
    QEMU_DOMAIN_PRIVATE(vm)->migrationPort = 0;
    vm->job->asyncPaused = false;
    qemuMigrationAnyDropParams(vm);
    qemuMigrationJobFinish(vm);
    if (!virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
    virObjectUnlock(vm);
}


static void
qemuMigrationAnyUnrefDomain(void *data)
{
    virObjectUnref(data);
}


/* QEMU completed the post-copy migration of locked @vm whose job is
 * parked as failed: it ends on a worker (qemuMigrationAnyPostcopyDone).
 * Returns true if it was submitted. */
bool
qemuMigrationAnyPostcopyDoneLater(virDomainObj *vm)
{
    if (vm->job->phase != QEMU_MIGRATION_PHASE_POSTCOPY_FAILED ||
        vm->job->asyncOwner != 0 || !qemu_driver || !qemu_driver->eventLoop)
        return false;
    qemuEventLoopSubmit(qemu_driver->eventLoop, qemuMigrationAnyPostcopyDone,
                        virObjectRef(vm), qemuMigrationAnyUnrefDomain);
    return true;
}


/* One domain of qemuMigrationAnyShutdownPrepare. */
static int
qemuMigrationAnyShutdownOne(virDomainObj *vm, void *opaque G_GNUC_UNUSED)
{
    virObjectLock(vm);
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT &&
        vm->job->asyncOwner != 0 &&
        (vm->job->phase == QEMU_MIGRATION_PHASE_PERFORM2 ||
         vm->job->phase == QEMU_MIGRATION_PHASE_PERFORM3) &&
        !qemuDomainObjIsPostcopy(vm)) {
        VIR_WARN("the daemon is stopping: cancelling the outgoing migration of domain %s (it runs on here)",
                 vm->def->name);
        if (qemuDomainJobAbort(vm, 0) < 0) {
            VIR_WARN("cannot cancel the migration of domain %s: %s",
                     vm->def->name, NULLSTR(virErrorGetLastMessage()));
            virErrorResetLast();
        }
    }
    virObjectUnlock(vm);
    return 0;
}


/**
 * qemuMigrationAnyShutdownPrepare:
 * The driver's stateShutdownPrepare: an outgoing migration still in its
 * pre-copy transfer is cancelled (the guest runs on at the source, as
 * after domjobabort), so that its Perform ends and the daemon can stop.
 * Everything else is left to the status files and the next start's
 * recovery (docs/internals/recovery.rst): a parked job, a post-copy
 * migration (cancelling it would lose the guest), an incoming one.
 */
void
qemuMigrationAnyShutdownPrepare(void)
{
    if (!qemu_driver)
        return;
    virDomainObjListForEach(qemu_driver->domains, qemuMigrationAnyShutdownOne,
                            NULL);
}


static void
qemuMigrationAnyStatsCopy(qemuDomainMigrationStats *dst,
                          const qemuMonitorMigrationStats *src)
{
    dst->setup_time = src->setup_time;
    dst->setup_time_set = src->setup_time_set;
    dst->downtime = src->downtime;
    dst->downtime_set = src->downtime_set;
    dst->ram_transferred = src->ram_transferred;
    dst->ram_remaining = src->ram_remaining;
    dst->ram_total = src->ram_total;
    dst->ram_bps = src->ram_bps;
    dst->ram_duplicate_set = src->ram_duplicate_set;
    dst->ram_duplicate = src->ram_duplicate;
    dst->ram_normal = src->ram_normal;
    dst->ram_normal_bytes = src->ram_normal_bytes;
    dst->ram_dirty_rate = src->ram_dirty_rate;
    dst->ram_page_size = src->ram_page_size;
    dst->ram_iteration = src->ram_iteration;
    dst->ram_postcopy_reqs = src->ram_postcopy_reqs;
    dst->disk_transferred = src->disk_transferred;
    dst->disk_remaining = src->disk_remaining;
    dst->disk_total = src->disk_total;
    dst->disk_bps = src->disk_bps;
    dst->xbzrle_set = src->xbzrle_set;
    dst->xbzrle_cache_size = src->xbzrle_cache_size;
    dst->xbzrle_bytes = src->xbzrle_bytes;
    dst->xbzrle_pages = src->xbzrle_pages;
    dst->xbzrle_cache_miss = src->xbzrle_cache_miss;
    dst->xbzrle_overflow = src->xbzrle_overflow;
    dst->cpu_throttle_percentage = src->cpu_throttle_percentage;
}


/**
 * qemuMigrationAnyRefreshStats:
 * query-migrate into @jobData's statistics.  @vm locked, holding the
 * async job @asyncJob (or a normal job with VIR_ASYNC_JOB_NONE).
 * Returns 0 or -1 (reported).
 */
int
qemuMigrationAnyRefreshStats(virDomainObj *vm, virDomainAsyncJob asyncJob,
                             virDomainJobData *jobData)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuDomainJobDataPrivate *jp = jobData->privateData;
    qemuMonitorMigrationStats stats = { 0 };
    int rc;

    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorGetMigrationStats(priv->mon, &stats);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0) {
        qemuMonitorMigrationStatsClear(&stats);
        return -1;
    }
    qemuMigrationAnyStatsCopy(&jp->mig, &stats);
    if (stats.status == QEMU_MONITOR_MIGRATION_STATUS_FAILED && stats.error_desc) {
        g_free(jobData->errmsg);
        jobData->errmsg = g_strdup(stats.error_desc);
    }
    qemuMonitorMigrationStatsClear(&stats);
    qemuDomainJobDataUpdateTime(jobData);
    return 0;
}


/* How errors name the job that waits for QEMU's migration code. */
static const char *
qemuMigrationAnyJobName(virDomainAsyncJob asyncJob)
{
    switch (asyncJob) {
    case VIR_ASYNC_JOB_MIGRATION_OUT:
        return "migration out";
    case VIR_ASYNC_JOB_SAVE:
        return "domain save";
    case VIR_ASYNC_JOB_DUMP:
        return "domain core dump";
    case VIR_ASYNC_JOB_START:
        return "domain restore";
    case VIR_ASYNC_JOB_MIGRATION_IN:
    case VIR_ASYNC_JOB_NONE:
    case VIR_ASYNC_JOB_SNAPSHOT:
    case VIR_ASYNC_JOB_BACKUP:
    case VIR_ASYNC_JOB_LAST:
        break;
    }
    return "migration in";
}


/* Reports why the migration job ended badly; returns -1. */
static int
qemuMigrationAnyReportFailure(virDomainObj *vm, virDomainAsyncJob asyncJob,
                              const char *what)
{
    virDomainJobData *cur = vm->job->current;

    /* After domjobabort QEMU may end in "failed" rather than "cancelled"
     * (its write failed as the destination went first): the client's
     * abort is still why the job ended. */
    if (cur->status == VIR_DOMAIN_JOB_STATUS_CANCELED ||
        (cur->status == VIR_DOMAIN_JOB_STATUS_FAILED && vm->job->abortJob)) {
        cur->status = VIR_DOMAIN_JOB_STATUS_CANCELED;
        virReportError(VIR_ERR_OPERATION_ABORTED, _("job '%1$s' canceled by client"),
                       what);
    } else if (cur->status == VIR_DOMAIN_JOB_STATUS_FAILED) {
        if (!cur->errmsg)
            ignore_value(qemuMigrationAnyRefreshStats(vm, asyncJob, cur));
        cur->status = VIR_DOMAIN_JOB_STATUS_FAILED;
        if (cur->errmsg)
            virReportError(VIR_ERR_OPERATION_FAILED, _("job '%1$s' failed: %2$s"),
                           what, cur->errmsg);
        else
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("job '%1$s' unexpectedly failed"), what);
    } else if (cur->status == VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("job '%1$s' failed in post-copy phase"), what);
    } else {
        virReportError(VIR_ERR_OPERATION_FAILED, _("job '%1$s' is not active"),
                       what);
    }
    return -1;
}


/**
 * qemuMigrationAnyWait:
 * Waits, with @vm unlocked meanwhile, until QEMU's migration completes
 * (or, with @postcopy, switches to post-copy).  @vm locked, holding the
 * async job @asyncJob.  Returns 0 when done, 1 when the source paused
 * before switch-over (the caller continues it), -1 (reported) when the
 * migration failed, was cancelled or the domain died.
 */
int
qemuMigrationAnyWait(virDomainObj *vm, virDomainAsyncJob asyncJob,
                     bool postcopy)
{
    int rc;

    while ((rc = qemuMigrationAnyWaitFor(vm, asyncJob, postcopy,
                                         QEMU_MIGRATION_WAIT_SLICE_MS)) == 2)
        ;
    return rc;
}


/**
 * qemuMigrationAnyWaitFor:
 * As qemuMigrationAnyWait, for at most @timeoutMs: returns 2 if the
 * migration still runs then.
 */
int
qemuMigrationAnyWaitFor(virDomainObj *vm, virDomainAsyncJob asyncJob,
                        bool postcopy, long long timeoutMs)
{
    const char *what = qemuMigrationAnyJobName(asyncJob);
    long long deadline = virTimeMonotonicMs() + timeoutMs;

    for (;;) {
        switch (vm->job->current->status) {
        case VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED:
        case VIR_DOMAIN_JOB_STATUS_COMPLETED:
            return 0;
        case VIR_DOMAIN_JOB_STATUS_POSTCOPY:
            if (postcopy)
                return 0;
            break;
        case VIR_DOMAIN_JOB_STATUS_PAUSED:
            return 1;
        case VIR_DOMAIN_JOB_STATUS_FAILED:
        case VIR_DOMAIN_JOB_STATUS_CANCELED:
        case VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED:
        case VIR_DOMAIN_JOB_STATUS_NONE:
            return qemuMigrationAnyReportFailure(vm, asyncJob, what);
        case VIR_DOMAIN_JOB_STATUS_ACTIVE:
        case VIR_DOMAIN_JOB_STATUS_MIGRATING:
        case VIR_DOMAIN_JOB_STATUS_LAST:
        default:
            break;
        }
        if (virTimeMonotonicMs() >= deadline)
            return 2;
        if (qemuDomainObjWait(vm, deadline) < 0)
            return -1;
    }
}


/**
 * qemuMigrationSrcCancel:
 * migrate_cancel; QEMU's CANCELLED event then ends the wait of the
 * thread driving the migration.  @vm locked, holding the async job
 * @asyncJob or a normal job (VIR_ASYNC_JOB_NONE).  Returns 0 or -1.
 */
int
qemuMigrationSrcCancel(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    VIR_INFO("cancelling the migration of domain %s", vm->def->name);
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorMigrateCancel(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/**
 * qemuMigrationAnyPause:
 * migrate-pause: QEMU shuts its post-copy channel down and goes to
 * postcopy-paused (its MIGRATION event marks @vm post-copy failed).
 * @vm locked, holding the async job @asyncJob or a normal job
 * (VIR_ASYNC_JOB_NONE).  Returns 0 or -1 (reported).
 */
int
qemuMigrationAnyPause(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    VIR_WARN("pausing the post-copy migration of domain %s", vm->def->name);
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorMigratePause(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/**
 * qemuMigrationAnyPrepareParams:
 * Before QEMU's migration settings change: probes what it supports (and
 * switches the MIGRATION events on), keeps its current parameters for
 * the reset at the end, and checks @migParams against the capabilities.
 * @vm locked with the monitor @mon entered.  Returns 0 or -1 (reported).
 */
int
qemuMigrationAnyPrepareParams(virDomainObj *vm, qemuMonitor *mon,
                              qemuMigrationParams *migParams,
                              qemuMigrationParty party)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (qemuMigrationCapsProbe(mon, false, &priv->migrationCaps) < 0)
        return -1;
    if (!priv->migrationOrigParams &&
        qemuMigrationParamsFetch(mon, &priv->migrationOrigParams) < 0)
        return -1;
    return qemuMigrationParamsCheck(migParams, party, priv->migrationCaps, 0);
}


/* Puts QEMU's migration settings back as they were before the
 * migration (failures are logged, not reported). */
void
qemuMigrationAnyResetParams(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->migrationOrigParams)
        return;
    if (virDomainObjIsActive(vm) &&
        qemuDomainObjEnterMonitorAsync(vm, asyncJob) == 0) {
        qemuMigrationParamsReset(priv->mon, priv->migrationOrigParams,
                                 priv->migrationCaps);
        qemuMigrationAnyRemoveTLS(vm, priv->mon);
        ignore_value(qemuDomainObjExitMonitor(vm));
    }
    qemuMigrationAnyDropParams(vm);
}


/* Forgets the saved settings (QEMU is gone or was reset). */
void
qemuMigrationAnyDropParams(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    g_clear_pointer(&priv->migrationOrigParams, qemuMigrationParamsFree);
    priv->migrationTLS = false;
}


/* Cleanup callback of a job parked in postcopy_failed: its QEMU stopped
 * (destroyed, or it died), so no recovery step can use the job any more;
 * it goes, and start, undefine and the rest no longer wait for it. */
static void
qemuMigrationAnyPostcopyCleanup(virDomainObj *vm)
{
    if ((vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT &&
         vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN) ||
        vm->job->asyncOwner != 0)
        return;
    VIR_INFO("domain %s stopped while its migration was in phase %s; dropping the job",
             vm->def->name, qemuMigrationJobPhaseTypeToString(vm->job->phase));
    qemuMigrationAnyDropParams(vm);
    qemuCloseCallbacksUnset(vm, qemuMigrationAnyResumeClosed);
    qemuMigrationDstPortRelease(QEMU_DOMAIN_PRIVATE(vm)->migrationPort);
    QEMU_DOMAIN_PRIVATE(vm)->migrationPort = 0;
    QEMU_DOMAIN_PRIVATE(vm)->migrationProtocol = 0;
    g_clear_pointer(&QEMU_DOMAIN_PRIVATE(vm)->migrationPeer, g_free);
    qemuDomainObjDiscardAsyncJob(vm);
}


/* Marks locked @vm "post-copy failed": RUNNING or PAUSED with reason
 * post-copy failed and libvirt's event (a guest paused for another
 * reason keeps it), asyncPaused set.  Once only. */
static void
qemuMigrationAnyMarkPostcopyFailed(virDomainObj *vm)
{
    int reason = 0;
    virDomainState state = virDomainObjGetState(vm, &reason);
    bool marked = vm->job->asyncPaused;

    vm->job->asyncPaused = true;
    if (marked || (state == VIR_DOMAIN_PAUSED &&
                   reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED) ||
        (state == VIR_DOMAIN_RUNNING &&
         reason == VIR_DOMAIN_RUNNING_POSTCOPY_FAILED))
        return;
    VIR_WARN("post-copy migration of domain %s failed", vm->def->name);
    if (state == VIR_DOMAIN_RUNNING) {
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                             VIR_DOMAIN_RUNNING_POSTCOPY_FAILED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED,
                                      VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED);
    } else if (state == VIR_DOMAIN_PAUSED) {
        if (reason == VIR_DOMAIN_PAUSED_POSTCOPY ||
            reason == VIR_DOMAIN_PAUSED_MIGRATION)
            reason = VIR_DOMAIN_PAUSED_POSTCOPY_FAILED;
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, reason);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED);
    }
}


/* Parks the migration job of locked @vm (held by the caller) in phase
 * postcopy_failed, watched by the cleanup callback that drops it when
 * QEMU stops; a migration QEMU completed meanwhile ends at once. */
static void
qemuMigrationAnyPostcopyPark(virDomainObj *vm)
{
    qemuCloseCallbacksUnset(vm, qemuMigrationAnyResumeClosed);
    if (qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_POSTCOPY_FAILED) < 0)
        VIR_WARN("could not record the failed post-copy of %s", vm->def->name);
    qemuMigrationJobContinue(vm, qemuMigrationAnyPostcopyCleanup);
    if (vm->job->current &&
        vm->job->current->status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED)
        ignore_value(qemuMigrationAnyPostcopyDoneLater(vm));
}


/**
 * qemuMigrationAnyPostcopyFailed:
 * Post-copy broke once the destination's vCPUs had run, or the step
 * driving it failed: neither side holds the whole guest, so neither is
 * killed or resumed.  The migration job is parked in phase
 * postcopy_failed for a recovery (--postcopy-resume) or for QEMU to
 * complete it unattended.  @vm is marked "post-copy failed" (RUNNING or
 * PAUSED, with the matching event) unless QEMU still moves pages (the
 * client went away, the stream is fine): then its own postcopy-paused
 * event marks it if the stream breaks later, so the state says what
 * QEMU does (a peer watching it relies on that).  @vm locked, holding its migration async job,
 * which this continues (the caller must not touch it any more).  Errors
 * are kept.
 */
void
qemuMigrationAnyPostcopyFailed(virDomainObj *vm)
{
    virError *err = NULL;

    virErrorPreserveLast(&err);
    /* a QEMU still moving pages has not failed (yet): its own
     * postcopy-paused event marks it if it does */
    if (!vm->job->current ||
        vm->job->current->status != VIR_DOMAIN_JOB_STATUS_POSTCOPY)
        qemuMigrationAnyMarkPostcopyFailed(vm);
    else
        VIR_WARN("the post-copy migration of domain %s lost its client; QEMU still runs it, and its end ends the job",
                 vm->def->name);
    qemuMigrationAnyPostcopyPark(vm);
    virErrorRestore(&err);
}


/*
 * Close callback of a post-copy recovery step (Begin/Perform on the
 * source, Prepare on the destination, with VIR_MIGRATE_POSTCOPY_RESUME):
 * the client is gone before the next step, so the job goes back to
 * postcopy_failed, ready for another --postcopy-resume.  A recovery QEMU
 * already runs keeps running; its completion ends the job.  @vm locked,
 * no job held.
 */
void
qemuMigrationAnyResumeClosed(virDomainObj *vm)
{
    if ((vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT &&
         vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN) ||
        vm->job->asyncOwner != 0 ||
        vm->job->phase <= QEMU_MIGRATION_PHASE_POSTCOPY_FAILED)
        return;
    VIR_WARN("the client resuming the post-copy migration of domain %s disconnected in phase %s",
             vm->def->name, qemuMigrationJobPhaseTypeToString(vm->job->phase));
    if (qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_POSTCOPY_FAILED) < 0) {
        VIR_WARN("cannot park the migration of domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return;
    }
    qemuMigrationAnyPostcopyPark(vm);
}


/**
 * qemuMigrationAnyResumePark:
 * Parks the migration job of locked @vm between two recovery steps of
 * the client on @conn (qemuMigrationAnyResumeClosed watches it).
 */
void
qemuMigrationAnyResumePark(virDomainObj *vm, virConn *conn)
{
    qemuCloseCallbacksSet(vm, conn, qemuMigrationAnyResumeClosed);
    qemuMigrationJobContinue(vm, qemuMigrationAnyPostcopyCleanup);
}


/**
 * qemuMigrationAnyResumeTake:
 * A recovery step takes over the parked job of locked @vm in @phase: the
 * callbacks watching the parked job go.  Returns 0 or -1 (reported).
 */
int
qemuMigrationAnyResumeTake(virDomainObj *vm, qemuMigrationJobPhase phase)
{
    if (qemuMigrationJobStartPhase(vm, phase) < 0)
        return -1;
    qemuCloseCallbacksUnset(vm, qemuMigrationAnyResumeClosed);
    qemuDomainCleanupRemove(vm, qemuMigrationAnyPostcopyCleanup);
    return 0;
}


/* The destination's record of a finished incoming migration: as libvirt,
 * the statistics the source sent in Finish's cookie (its totals and the
 * times it started, stopped the vCPUs and sent them), with the elapsed
 * time and the downtime measured now that the guest runs here; this
 * QEMU's own (near empty) statistics when the source sent none. */
void
qemuMigrationAnyFinishStats(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainJobData *cur = vm->job->current;
    g_autoptr(virDomainJobData) sent = g_steal_pointer(&priv->migrationStatsIn);

    g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
    if (sent && asyncJob == VIR_ASYNC_JOB_MIGRATION_IN) {
        sent->operation = cur->operation;
        qemuDomainJobDataUpdateTime(sent);
        qemuDomainJobDataUpdateDowntime(sent);
        vm->job->completed = g_steal_pointer(&sent);
        return;
    }
    if (qemuMigrationAnyRefreshStats(vm, asyncJob, cur) < 0)
        VIR_WARN("no statistics of the migration of %s", vm->def->name);
    cur->received = virTimeMillisNow();
    vm->job->completed = virDomainJobDataCopy(cur);
    vm->job->completed->status = VIR_DOMAIN_JOB_STATUS_COMPLETED;
}


/* ---- cookies ---- */

static void
qemuMigrationAnyCookieHost(qemuMigrationCookieHost *host)
{
    host->hostname = qemu_driver->cfg->hostName;
    host->hostuuid = qemu_driver->cfg->hostUUID;
    host->parserConfig = &qemu_driver->parserCfg;
}


/* What each step puts in its cookie, beyond name, UUID and host. */
static unsigned int
qemuMigrationAnyCookieFlags(qemuMigrationCookieStep step,
                            const qemuMigrationArgs *args)
{
    switch (step) {
    case QEMU_MIGRATION_COOKIE_STEP_PERFORM:
        /* <nbd> again, as libvirt: its Finish stops its NBD server only
         * when Perform's cookie has one */
        return QEMU_MIGRATION_COOKIE_STATS |
            ((args->flags & VIR_MIGRATE_PERSIST_DEST) ?
             QEMU_MIGRATION_COOKIE_PERSISTENT : 0) |
            ((args->flags & QEMU_MIGRATION_NBD_FLAGS) ?
             QEMU_MIGRATION_COOKIE_NBD : 0);
    case QEMU_MIGRATION_COOKIE_STEP_FINISH:
        return QEMU_MIGRATION_COOKIE_STATS;
    case QEMU_MIGRATION_COOKIE_STEP_PREPARE:
        return QEMU_MIGRATION_COOKIE_GRAPHICS | QEMU_MIGRATION_COOKIE_NBD;
    case QEMU_MIGRATION_COOKIE_STEP_BEGIN:
        return (args->flags & QEMU_MIGRATION_NBD_FLAGS) ?
               QEMU_MIGRATION_COOKIE_NBD : 0;
    case QEMU_MIGRATION_COOKIE_STEP_CONFIRM:
    default:
        return 0;
    }
}


int
qemuMigrationAnyCookieBake(virDomainObj *vm, qemuMigrationCookieStep step,
                           qemuMigrationArgs *args)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    unsigned int flags = qemuMigrationAnyCookieFlags(step, args);
    qemuMigrationCookieHost host;
    g_autoptr(qemuMigrationCookie) mig = NULL;

    if (!args->cookieout)
        return 0;
    qemuMigrationAnyCookieHost(&host);
    if (!(mig = qemuMigrationCookieNew(&host, vm->def, priv->origname)))
        return -1;
    qemuMigrationCookieAddPeer(mig, qemu_driver->selfURI);
    if ((flags & QEMU_MIGRATION_COOKIE_STATS) && vm->job->completed)
        qemuMigrationCookieAddStatistics(mig, vm->job->completed);
    if ((flags & QEMU_MIGRATION_COOKIE_GRAPHICS) && virDomainObjIsActive(vm))
        qemuMigrationCookieAddGraphics(mig, vm->def, qemu_driver->cfg->spiceListen);
    if (flags & QEMU_MIGRATION_COOKIE_NBD) {
        g_autoptr(qemuMigrationCookieNBD) nbd = NULL;

        if (step == QEMU_MIGRATION_COOKIE_STEP_PREPARE)
            nbd = qemuMigrationDstNBDCookie(vm);
        else if (qemuMigrationSrcNBDCookieDisks(vm, args, &nbd) < 0)
            return -1;
        qemuMigrationCookieAddNBD(mig, &nbd);
    }
    if (flags & QEMU_MIGRATION_COOKIE_PERSISTENT) {
        /* the client's persistent_xml (--persistent-xml), else ours */
        const char *xml = args->persistXML;
        virDomainDef *def = xml ? qemuDomainDefParseConfig(xml, false)
                                : virDomainDefCopy(vm->newDef ? vm->newDef : vm->def, true);

        if (!def)
            return -1;
        qemuMigrationCookieAddPersistent(mig, &def);
    }
    return qemuMigrationCookieFormat(mig, flags, args->cookieout,
                                     args->cookieoutlen);
}


/* The statistics of a received cookie, as libvirt uses them: Finish
 * keeps the source's (with the clocks' difference, sent to received) for
 * qemuMigrationAnyFinishStats; Confirm takes the downtime and the time
 * difference the destination measured into the source's completed job. */
static void
qemuMigrationAnyCookieStats(virDomainObj *vm, qemuMigrationCookieStep step,
                            qemuMigrationCookie *mig)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(virDomainJobData) stats = qemuMigrationCookieGetStatistics(mig);
    qemuDomainJobDataPrivate *in;
    qemuDomainJobDataPrivate *out;

    if (!stats)
        return;
    if (step == QEMU_MIGRATION_COOKIE_STEP_FINISH) {
        stats->received = virTimeMillisNow();
        if (stats->sent) {
            stats->timeDelta = stats->received - stats->sent;
            stats->timeDeltaSet = true;
        }
        virDomainJobDataFree(priv->migrationStatsIn);
        priv->migrationStatsIn = g_steal_pointer(&stats);
    } else if (step == QEMU_MIGRATION_COOKIE_STEP_CONFIRM) {
        /* the current job's data becomes the completed job's at its end */
        virDomainJobData *mine[] = { vm->job->current, vm->job->completed };
        size_t i;

        in = stats->privateData;
        for (i = 0; i < G_N_ELEMENTS(mine); i++) {
            if (!mine[i])
                continue;
            out = mine[i]->privateData;
            mine[i]->timeDeltaSet = stats->timeDeltaSet;
            mine[i]->timeDelta = stats->timeDelta;
            out->mig.downtime_set = in->mig.downtime_set;
            out->mig.downtime = in->mig.downtime;
        }
    }
}


/* Overrides of @graphicsuri (--graphicsuri spice://HOST:PORT?tlsPort=N&
 * tlsSubject=S) over the destination's display of its cookie.  Returns
 * 0 or -1 (reported). */
static int
qemuMigrationSrcGraphicsURI(const char *graphicsuri, int *type, char **host,
                            int *port, int *tlsPort, char **tlsSubject)
{
    g_autoptr(GUri) uri = NULL;
    g_autoptr(GHashTable) params = NULL;
    const char *value;
    gint64 n;

    if (!(uri = g_uri_parse(graphicsuri, G_URI_FLAGS_NONE, NULL))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("Unable to parse URI %1$s"),
                       graphicsuri);
        return -1;
    }
    if ((*type = virDomainGraphicsTypeFromString(g_uri_get_scheme(uri))) <= 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("unknown graphics type %1$s"),
                       g_uri_get_scheme(uri));
        return -1;
    }
    if (g_uri_get_host(uri) && *g_uri_get_host(uri)) {
        g_free(*host);
        *host = g_strdup(g_uri_get_host(uri));
    }
    if (g_uri_get_port(uri) > 0)
        *port = g_uri_get_port(uri);
    if (g_uri_get_query(uri) &&
        !(params = g_uri_parse_params(g_uri_get_query(uri), -1, "&",
                                      G_URI_PARAMS_CASE_INSENSITIVE, NULL)))
        return 0;
    if (params && (value = g_hash_table_lookup(params, "tlsPort"))) {
        if (!g_ascii_string_to_signed(value, 10, -1, 65535, &n, NULL)) {
            virReportError(VIR_ERR_INVALID_ARG, _("invalid tlsPort number: %1$s"),
                           value);
            return -1;
        }
        *tlsPort = n;
    }
    if (params && (value = g_hash_table_lookup(params, "tlsSubject"))) {
        g_free(*tlsSubject);
        *tlsSubject = g_strdup(value);
    }
    return 0;
}


/*
 * qemuMigrationSrcGraphicsRelocate:
 * Before the transfer: tells the SPICE clients of @vm's QEMU where the
 * display will be (client_migrate_info), from the <graphics> of the
 * destination's cookie @mig and @graphicsuri, as libvirt 9.0 does.  A
 * wildcard or missing listen address becomes the destination's host
 * name; VNC (QEMU cannot relocate its clients) and an unknown port are
 * no-ops.  @vm holds the MIGRATION_OUT job.  Returns 0 or -1 (reported).
 */
static int
qemuMigrationSrcGraphicsRelocate(virDomainObj *vm, const qemuMigrationCookie *mig,
                                 const char *graphicsuri)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *host = NULL;
    g_autofree char *tlsSubject = NULL;
    int type = 0;
    int port = -1;
    int tlsPort = -1;
    int rc;

    if (!mig->graphics && !graphicsuri)
        return 0;
    if (mig->graphics) {
        type = mig->graphics->type;
        port = mig->graphics->port;
        tlsPort = mig->graphics->tlsPort;
        tlsSubject = g_strdup(mig->graphics->tlsSubject);
        if (mig->graphics->listen && STRNEQ(mig->graphics->listen, "0.0.0.0") &&
            STRNEQ(mig->graphics->listen, "::"))
            host = g_strdup(mig->graphics->listen);
        else
            host = g_strdup(mig->remoteHostname);
    }
    if (graphicsuri &&
        qemuMigrationSrcGraphicsURI(graphicsuri, &type, &host, &port, &tlsPort,
                                    &tlsSubject) < 0)
        return -1;
    if (type != VIR_DOMAIN_GRAPHICS_TYPE_SPICE || (port <= 0 && tlsPort <= 0) ||
        !host)
        return 0;
    VIR_INFO("relocating the SPICE clients of %s to %s port %d", vm->def->name,
             host, port);
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    rc = qemuMonitorGraphicsRelocate(priv->mon, host, port, tlsPort, tlsSubject);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


int
qemuMigrationAnyCookieEat(virDomainObj *vm, qemuMigrationCookieStep step,
                          qemuMigrationArgs *args)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMigrationCookieHost host;
    g_autoptr(qemuMigrationCookie) mig = NULL;
    virDomainDef *persistent;

    if (!args->cookiein || args->cookieinlen <= 0)
        return 0;
    qemuMigrationAnyCookieHost(&host);
    if (!(mig = qemuMigrationCookieParse(&host, vm->def, priv->origname,
                                         args->cookiein, args->cookieinlen,
                                         QEMU_MIGRATION_COOKIE_SUPPORTED)))
        return -1;
    if (mig->peerURI && STRNEQ_NULLABLE(mig->peerURI, priv->migrationPeer)) {
        g_free(priv->migrationPeer);
        priv->migrationPeer = g_steal_pointer(&mig->peerURI);
    }
    if (step == QEMU_MIGRATION_COOKIE_STEP_FINISH &&
        (persistent = qemuMigrationCookieGetPersistent(mig))) {
        /* PERSIST_DEST keeps the source's persistent configuration */
        virDomainDefFree(vm->newDef);
        vm->newDef = persistent;
    }
    qemuMigrationAnyCookieStats(vm, step, mig);
    if (step == QEMU_MIGRATION_COOKIE_STEP_PERFORM)
        qemuMigrationSrcNBDCookieEat(vm, mig->nbd);
    if (step == QEMU_MIGRATION_COOKIE_STEP_PERFORM &&
        qemuMigrationSrcGraphicsRelocate(vm, mig, args->graphicsURI) < 0) {
        /* as libvirt: the clients stay behind, the guest still moves */
        VIR_WARN("unable to provide data for graphics client relocation of %s: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
    return 0;
}


/* Checks the cookie of Prepare (no domain object exists yet); the URI of
 * the source's daemon, if it gave one, goes to *@peerURI, its <nbd> to
 * *@nbd (caller owns both). */
int
qemuMigrationAnyCookieCheck(const virDomainDef *def, const char *origname,
                            const qemuMigrationArgs *args, char **peerURI,
                            qemuMigrationCookieNBD **nbd)
{
    qemuMigrationCookieHost host;
    g_autoptr(qemuMigrationCookie) mig = NULL;

    if (!args->cookiein || args->cookieinlen <= 0)
        return 0;
    qemuMigrationAnyCookieHost(&host);
    if (!(mig = qemuMigrationCookieParse(&host, def, origname, args->cookiein,
                                         args->cookieinlen,
                                         QEMU_MIGRATION_COOKIE_SUPPORTED)))
        return -1;
    *peerURI = g_steal_pointer(&mig->peerURI);
    *nbd = qemuMigrationCookieGetNBD(mig);
    return 0;
}
