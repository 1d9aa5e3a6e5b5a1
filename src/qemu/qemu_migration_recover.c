/*
 * qemu_migration_recover.c: a migration found in the status XML of a
 * domain when the daemon starts again
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt 9.0's qemuProcessRecoverMigrationIn/Out, phase by phase, with
 * a stronger rule (docs/internals/recovery.rst): a source is resumed only
 * when the destination is known not to run the guest, and a destination
 * copy that may be the only one is never killed.  Runs from
 * qemuProcessReconnect with @vm locked, a MODIFY job held and the
 * monitor connected; the saved job is not held by anyone.
 */
#include <config.h>

#include "qemu_migration.h"
#include "qemu_migration_job.h"
#include "qemu_migration_nbd.h"
#include "qemu_migration_peer.h"
#include "qemu_migration_undecided.h"
#include "qemu_conf.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_recover");

/* What the recovery of one domain ends with. */
typedef enum {
    QEMU_MIGRATION_RECOVER_KEEP = 0,  /* the domain stays as it is */
    QEMU_MIGRATION_RECOVER_KILL,      /* an incoming copy that is not the guest */
    QEMU_MIGRATION_RECOVER_MIGRATED,  /* a source whose guest runs elsewhere */
} qemuMigrationRecoverAction;


/* QEMU's migration status, or -1 (reported). */
static int
qemuMigrationRecoverQEMUStatus(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMonitorMigrationStats stats = { 0 };
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorGetMigrationStats(priv->mon, &stats);
    if (qemuDomainObjExitMonitor(vm) < 0)
        rc = -1;
    if (rc == 0)
        rc = stats.status;  /* read before the clear below zeroes it */
    qemuMonitorMigrationStatsClear(&stats);
    if (rc < 0)
        return -1;
    VIR_INFO("domain %s: QEMU's migration status is %s", vm->def->name,
             NULLSTR(qemuMonitorMigrationStatusTypeToString(rc)));
    return rc;
}


static bool
qemuMigrationRecoverIsPostcopy(int status)
{
    return status == QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE ||
           status == QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED ||
           status == QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER;
}


/* Resumes a source paused by the migration that ran before (nothing of
 * the guest can run elsewhere). */
static void
qemuMigrationRecoverResume(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int reason = 0;

    if (priv->preMigrationState != VIR_DOMAIN_RUNNING ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED ||
        (reason != VIR_DOMAIN_PAUSED_MIGRATION &&
         reason != VIR_DOMAIN_PAUSED_UNKNOWN))
        return;
    VIR_INFO("resuming domain %s: its interrupted migration left no copy elsewhere",
             vm->def->name);
    if (qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED,
                             VIR_ASYNC_JOB_NONE) < 0) {
        VIR_WARN("could not resume domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* Keeps a copy whose fate cannot be told, paused with reason unknown. */
static void
qemuMigrationRecoverHold(virDomainObj *vm, const char *why)
{
    VIR_WARN("domain %s: %s (%s); it stays paused (paused/unknown) until an operator decides",
             vm->def->name, why, NULLSTR(virErrorGetLastMessage()));
    virErrorResetLast();
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED)
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN);
}


/* Post-copy was running: neither side has the whole guest without the
 * other, so nothing is resumed or killed; the job is kept in
 * postcopy_failed with QEMU's status (asked again once the job exists,
 * since an event that came before had no job to update): a QEMU still
 * moving pages ends the job when it completes, a paused one waits for
 * --postcopy-resume (post-copy failed). */
static int
qemuMigrationRecoverPostcopy(virDomainObj *vm, virDomainJobObj *saved)
{
    int status;
    int jobStatus;

    VIR_WARN("domain %s was in post-copy when the daemon stopped; keeping its job as post-copy failed",
             vm->def->name);
    if (qemuMigrationJobRestore(vm, saved, QEMU_MIGRATION_PHASE_POSTCOPY_FAILED) < 0)
        return -1;
    if ((status = qemuMigrationRecoverQEMUStatus(vm)) < 0)
        virErrorResetLast();
    else if ((jobStatus = qemuMigrationAnyStatusToJob(status)) >= 0)
        vm->job->current->status = jobStatus;
    qemuMigrationAnyPostcopyFailed(vm);
    return 0;
}


/* The source sent the guest (QEMU completed): only the destination can
 * say what became of it.  The daemon's start does not wait for the
 * answer: the copy stays paused (reason unknown) and the destination is
 * asked in the background (qemu_migration_undecided.c), which resumes or
 * stops it. */
static qemuMigrationRecoverAction
qemuMigrationRecoverSent(virDomainObj *vm)
{
    /* mirrors complete before the switch-over: only their jobs and nodes
     * can be left */
    qemuMigrationSrcNBDRecover(vm);
    if (!QEMU_DOMAIN_PRIVATE(vm)->migrationPeer) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("the destination of this migration cannot be asked (not a virtmigd host)"));
        qemuMigrationRecoverHold(vm, "cannot tell whether the destination of its interrupted migration runs it");
        return QEMU_MIGRATION_RECOVER_KEEP;
    }
    VIR_INFO("domain %s was sent before the daemon stopped; it stays paused until its destination says what it holds",
             vm->def->name);
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED)
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN);
    qemuMigrationUndecidedStart(vm, true, 0);
    return QEMU_MIGRATION_RECOVER_KEEP;
}


/* The source's QEMU migration in @status after Perform was interrupted. */
static qemuMigrationRecoverAction
qemuMigrationRecoverPerform(virDomainObj *vm, int status, bool v2)
{
    switch (status) {
    case QEMU_MONITOR_MIGRATION_STATUS_COMPLETED:
        if (v2 && !QEMU_DOMAIN_PRIVATE(vm)->migrationPeer) {
            /* v2 Perform stops the source once all is sent: the copy the
             * destination keeps may be the guest now */
            qemuMigrationRecoverHold(vm, "its v2 migration sent everything and the destination cannot be asked");
            return QEMU_MIGRATION_RECOVER_KEEP;
        }
        return qemuMigrationRecoverSent(vm);
    case QEMU_MONITOR_MIGRATION_STATUS_SETUP:
    case QEMU_MONITOR_MIGRATION_STATUS_ACTIVE:
    case QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER:
    case QEMU_MONITOR_MIGRATION_STATUS_DEVICE:
    case QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG:
    case QEMU_MONITOR_MIGRATION_STATUS_CANCELLING:
        /* pre-copy not complete: the destination cannot run the guest */
        VIR_INFO("cancelling the interrupted migration of domain %s", vm->def->name);
        if (qemuMigrationSrcCancel(vm, VIR_ASYNC_JOB_NONE) < 0)
            virErrorResetLast();
        if (qemuMigrationRecoverQEMUStatus(vm) == QEMU_MONITOR_MIGRATION_STATUS_COMPLETED)
            return qemuMigrationRecoverSent(vm);
        qemuMigrationSrcNBDRecover(vm);
        qemuMigrationRecoverResume(vm);
        return QEMU_MIGRATION_RECOVER_KEEP;
    case QEMU_MONITOR_MIGRATION_STATUS_NONE:
    case QEMU_MONITOR_MIGRATION_STATUS_CANCELLED:
    case QEMU_MONITOR_MIGRATION_STATUS_FAILED:
        /* a storage migration copies the disks before the memory */
        qemuMigrationSrcNBDRecover(vm);
        qemuMigrationRecoverResume(vm);
        return QEMU_MIGRATION_RECOVER_KEEP;
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED:
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER:
    case QEMU_MONITOR_MIGRATION_STATUS_COLO:
    case QEMU_MONITOR_MIGRATION_STATUS_LAST:
    default:
        qemuMigrationRecoverHold(vm, "its interrupted migration is in an unexpected state");
        return QEMU_MIGRATION_RECOVER_KEEP;
    }
}


/* Source, by saved phase.  Returns the action, -1 (reported). */
static int
qemuMigrationRecoverOut(virDomainObj *vm, virDomainJobObj *saved, int status)
{
    switch ((qemuMigrationJobPhase) saved->phase) {
    case QEMU_MIGRATION_PHASE_NONE:
    case QEMU_MIGRATION_PHASE_BEGIN3:
        /* nothing was sent */
        qemuMigrationRecoverResume(vm);
        return QEMU_MIGRATION_RECOVER_KEEP;
    case QEMU_MIGRATION_PHASE_PERFORM2:
    case QEMU_MIGRATION_PHASE_PERFORM3:
        return qemuMigrationRecoverPerform(vm, status,
                                           saved->phase == QEMU_MIGRATION_PHASE_PERFORM2);
    case QEMU_MIGRATION_PHASE_PERFORM3_DONE:
    case QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED:
        /* the guest was sent; whatever the client said, the destination decides */
        return qemuMigrationRecoverSent(vm);
    case QEMU_MIGRATION_PHASE_CONFIRM3:
        VIR_INFO("finishing the confirmed migration of domain %s", vm->def->name);
        return QEMU_MIGRATION_RECOVER_MIGRATED;
    case QEMU_MIGRATION_PHASE_POSTCOPY_FAILED:
    case QEMU_MIGRATION_PHASE_BEGIN_RESUME:
    case QEMU_MIGRATION_PHASE_PERFORM_RESUME:
    case QEMU_MIGRATION_PHASE_CONFIRM_RESUME:
        return qemuMigrationRecoverPostcopy(vm, saved);
    case QEMU_MIGRATION_PHASE_PREPARE:
    case QEMU_MIGRATION_PHASE_FINISH2:
    case QEMU_MIGRATION_PHASE_FINISH3:
    case QEMU_MIGRATION_PHASE_PREPARE_RESUME:
    case QEMU_MIGRATION_PHASE_FINISH_RESUME:
    case QEMU_MIGRATION_PHASE_LAST:
    default:
        virReportEnumRangeError(qemuMigrationJobPhase, saved->phase);
        return -1;
    }
}


/* Destination: a complete copy that did not run, found after Finish3
 * started.  It stays paused (reason unknown) and the source is asked in
 * the background (qemu_migration_undecided.c): the copy is destroyed only
 * if the source runs the guest, run only if the source has none. */
static qemuMigrationRecoverAction
qemuMigrationRecoverFinishedCopy(virDomainObj *vm)
{
    if (!QEMU_DOMAIN_PRIVATE(vm)->migrationPeer) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("the source of this migration cannot be asked (not a virtmigd host)"));
        qemuMigrationRecoverHold(vm, "its incoming migration arrived complete but whether its source still has it cannot be told");
        return QEMU_MIGRATION_RECOVER_KEEP;
    }
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED)
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN);
    qemuMigrationUndecidedStart(vm, false, 0);
    return QEMU_MIGRATION_RECOVER_KEEP;
}


/* Destination, by saved phase. */
static int
qemuMigrationRecoverIn(virDomainObj *vm, virDomainJobObj *saved, int status)
{
    bool complete = status == QEMU_MONITOR_MIGRATION_STATUS_COMPLETED;
    bool running = virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING;
    bool v2 = QEMU_DOMAIN_PRIVATE(vm)->migrationProtocol == 2;

    switch ((qemuMigrationJobPhase) saved->phase) {
    case QEMU_MIGRATION_PHASE_NONE:
        return QEMU_MIGRATION_RECOVER_KILL;
    case QEMU_MIGRATION_PHASE_PREPARE:
        /* no Finish ran: a v3 source keeps its copy until a Confirm that
         * cannot come; a v2 source stopped its own if it sent everything */
        if (v2 && complete) {
            qemuMigrationRecoverHold(vm, "its v2 incoming migration arrived complete but its client is gone");
            return QEMU_MIGRATION_RECOVER_KEEP;
        }
        return QEMU_MIGRATION_RECOVER_KILL;
    case QEMU_MIGRATION_PHASE_FINISH2:
    case QEMU_MIGRATION_PHASE_FINISH3:
        if (running) {
            VIR_INFO("domain %s already runs here: its migration is complete", vm->def->name);
            qemuMigrationDstNBDKeep(vm);
            return QEMU_MIGRATION_RECOVER_KEEP;
        }
        if (!complete)
            return QEMU_MIGRATION_RECOVER_KILL;
        if (v2) {
            qemuMigrationRecoverHold(vm, "its v2 incoming migration arrived complete");
            return QEMU_MIGRATION_RECOVER_KEEP;
        }
        return qemuMigrationRecoverFinishedCopy(vm);
    case QEMU_MIGRATION_PHASE_POSTCOPY_FAILED:
    case QEMU_MIGRATION_PHASE_PREPARE_RESUME:
    case QEMU_MIGRATION_PHASE_FINISH_RESUME:
        return qemuMigrationRecoverPostcopy(vm, saved);
    case QEMU_MIGRATION_PHASE_PERFORM2:
    case QEMU_MIGRATION_PHASE_BEGIN3:
    case QEMU_MIGRATION_PHASE_PERFORM3:
    case QEMU_MIGRATION_PHASE_PERFORM3_DONE:
    case QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED:
    case QEMU_MIGRATION_PHASE_CONFIRM3:
    case QEMU_MIGRATION_PHASE_BEGIN_RESUME:
    case QEMU_MIGRATION_PHASE_PERFORM_RESUME:
    case QEMU_MIGRATION_PHASE_CONFIRM_RESUME:
    case QEMU_MIGRATION_PHASE_LAST:
    default:
        virReportEnumRangeError(qemuMigrationJobPhase, saved->phase);
        return -1;
    }
}


/**
 * qemuMigrationRecoverJob:
 * qemuProcessRecoverJobFunc of the migration code: recovers the
 * migration job @saved of @vm by its phase and QEMU's migration status.
 * A migration in post-copy keeps a postcopy_failed job; every other
 * ends here.  Returns 0 to keep the domain, 1 to stop it as migrated
 * (the guest runs on the destination), -1 (reported) to stop it (an
 * incoming copy that is not the guest; *@stopFlags says so).
 */
int
qemuMigrationRecoverJob(virDomainObj *vm, virDomainJobObj *saved,
                        unsigned int *stopFlags)
{
    int status;
    int rc;

    if (saved->asyncJob == VIR_ASYNC_JOB_NONE) {
        /* no job: a copy kept paused for its migration's outcome */
        qemuMigrationUndecidedReconnect(vm);
        return 0;
    }
    VIR_INFO("recovering the '%s' job of domain %s in phase %s",
             virDomainAsyncJobTypeToString(saved->asyncJob), vm->def->name,
             NULLSTR(qemuMigrationJobPhaseTypeToString(saved->phase)));
    if ((status = qemuMigrationRecoverQEMUStatus(vm)) < 0)
        return -1;
    if (saved->phase < QEMU_MIGRATION_PHASE_POSTCOPY_FAILED &&
        (qemuMigrationRecoverIsPostcopy(status) ||
         qemuDomainObjIsPostcopy(vm)))
        return qemuMigrationRecoverPostcopy(vm, saved);
    if (saved->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT)
        rc = qemuMigrationRecoverOut(vm, saved, status);
    else
        rc = qemuMigrationRecoverIn(vm, saved, status);
    QEMU_DOMAIN_PRIVATE(vm)->migrationProtocol = 0;
    g_clear_pointer(&QEMU_DOMAIN_PRIVATE(vm)->migrationPeer, g_free);
    switch (rc) {
    case QEMU_MIGRATION_RECOVER_KEEP:
        return 0;
    case QEMU_MIGRATION_RECOVER_MIGRATED:
        return 1;
    case QEMU_MIGRATION_RECOVER_KILL:
        VIR_WARN("destroying the incoming copy of domain %s: its source keeps the guest",
                 vm->def->name);
        *stopFlags |= QEMU_PROCESS_STOP_MIGRATED;
        /* what its Prepare created goes too (QEMU is killed next) */
        qemuMigrationDstNBDDiscard(vm);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("incoming migration of domain '%1$s' was interrupted"),
                       vm->def->name);
        return -1;
    default:
        return -1;
    }
}


static void
qemuMigrationRecoverUnref(void *data)
{
    virObjectUnref(data);
}


/* Worker: cancels the outgoing migration nobody drives of @data. */
static void
qemuMigrationRecoverUnownedCancel(void *data)
{
    virDomainObj *vm = data;

    virObjectLock(vm);
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0) {
        virErrorResetLast();
        goto out;
    }
    if (virDomainObjIsActive(vm) && vm->job->asyncJob == VIR_ASYNC_JOB_NONE) {
        VIR_WARN("domain %s: cancelling an outgoing migration no job drives (its daemon was restarted and the recovery kept the guest here)",
                 vm->def->name);
        if (qemuMigrationSrcCancel(vm, VIR_ASYNC_JOB_NONE) < 0)
            virErrorResetLast();
    }
    virDomainObjEndJob(vm);
 out:
    virObjectUnlock(vm);
}


/**
 * qemuMigrationRecoverUnowned:
 * A MIGRATION event of locked @vm, which has no migration job (monitor
 * thread).  Only an outgoing migration that outlived the daemon which
 * started it gets here (a migrate command QEMU carried out only after
 * the restart's recovery had looked): the recovery kept the guest here,
 * so it must not leave; the migration is cancelled (QEMU
 * runs the vCPUs again if it had stopped them for the switch-over).
 * Incoming QEMUs always have their job, and migrate_cancel does not
 * touch an incoming migration anyway.
 */
void
qemuMigrationRecoverUnowned(virDomainObj *vm, qemuMonitorMigrationStatus status)
{
    switch (status) {
    case QEMU_MONITOR_MIGRATION_STATUS_SETUP:
    case QEMU_MONITOR_MIGRATION_STATUS_ACTIVE:
    case QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER:
    case QEMU_MONITOR_MIGRATION_STATUS_DEVICE:
    case QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG:
        break;
    case QEMU_MONITOR_MIGRATION_STATUS_NONE:
    case QEMU_MONITOR_MIGRATION_STATUS_COMPLETED:
    case QEMU_MONITOR_MIGRATION_STATUS_FAILED:
    case QEMU_MONITOR_MIGRATION_STATUS_CANCELLING:
    case QEMU_MONITOR_MIGRATION_STATUS_CANCELLED:
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED:
    case QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER:
    case QEMU_MONITOR_MIGRATION_STATUS_COLO:
    case QEMU_MONITOR_MIGRATION_STATUS_LAST:
    default:
        return;
    }
    if (!qemu_driver || !qemu_driver->eventLoop)
        return;
    qemuEventLoopSubmit(qemu_driver->eventLoop, qemuMigrationRecoverUnownedCancel,
                        virObjectRef(vm), qemuMigrationRecoverUnref);
}
