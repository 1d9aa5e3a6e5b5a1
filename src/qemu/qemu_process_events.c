/*
 * qemu_process_events.c: what happens to a running QEMU on its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Monitor callbacks run on the monitor's thread with the monitor
 * unlocked: they take the domain lock, check the monitor is still the
 * domain's, update the state, save the status file and queue the event.
 * They never talk to QEMU (that would wait on their own thread) and never
 * wait for a job: such work goes to a driver worker.
 *
 * While a destroy is killing QEMU (beingDestroyed), events are ignored:
 * QEMU answers SIGTERM with SHUTDOWN and STOP, which are not news.
 */
#include <config.h>

#include <fcntl.h>
#include <unistd.h>

#include "qemu_process_events.h"
#include "qemu_conf.h"
#include "qemu_domainjob.h"
#include "qemu_dump.h"
#include "qemu_eventloop.h"
#include "qemu_process.h"
#include "qemu_process_periph.h"
#include "qemu_process_qmpevents.h"
#include "qemu_domain.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_process_events");

/* How long the exit handler waits for the monitor's EOF. */
#define QEMU_PROCESS_EXIT_EOF_WAIT_MS 2000

static const qemuProcessMigrationEventHooks *qemuProcessMigrationHooks;

/* A QEMU process of a domain: its object (referenced) and which start of
 * it (qemuDomainObjPrivate.procGen). */
typedef struct {
    virDomainObj *vm;
    unsigned int gen;
} qemuProcessRef;


static qemuProcessRef *
qemuProcessRefNew(virDomainObj *vm)
{
    qemuProcessRef *ref = g_new0(qemuProcessRef, 1);

    ref->vm = virObjectRef(vm);
    ref->gen = QEMU_DOMAIN_PRIVATE(vm)->procGen;
    return ref;
}


static void
qemuProcessRefFree(void *opaque)
{
    qemuProcessRef *ref = opaque;

    virObjectUnref(ref->vm);
    g_free(ref);
}


/* Saves the status file from an event handler: a failure is logged. */
static void
qemuProcessEventSaveStatus(virDomainObj *vm)
{
    if (virDomainObjSaveStatus(vm) < 0) {
        VIR_WARN("cannot save the status of domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* ---- exit of the QEMU process ---- */

/* Whether the exit of start @gen of locked @vm is for this handler: not
 * an earlier QEMU, not one a destroy is taking care of. */
static bool
qemuProcessExitIsNews(virDomainObj *vm, unsigned int gen)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (priv->procGen == gen && virDomainObjIsActive(vm) &&
        !priv->beingDestroyed)
        return true;
    VIR_DEBUG("exit of an old QEMU of %s, or being destroyed", vm->def->name);
    return false;
}


/* QEMU is dead, but its monitor thread may still be handing over the
 * events it sent last (SHUTDOWN decides between a shutdown and a crash):
 * waits, @vm unlocked, until the monitor reported EOF.  Bounded: EOF
 * follows the death of the process at once. */
static void
qemuProcessWaitMonitorGone(virDomainObj *vm, unsigned int gen)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    long long deadline = virTimeMonotonicMs() + QEMU_PROCESS_EXIT_EOF_WAIT_MS;

    while (priv->mon && !priv->monGone && priv->procGen == gen) {
        if (virDomainObjWaitUntil(vm, deadline) > 0) {
            VIR_WARN("no EOF from the monitor of dead QEMU of domain %s",
                     vm->def->name);
            return;
        }
    }
}


/*
 * Worker: QEMU of ref->vm exited by itself (crash, kill -9, or after a
 * guest power-off we answered with SIGTERM).  Stops the domain with
 * SHUTOFF/SHUTDOWN if the guest had shut down, else SHUTOFF/CRASHED and
 * STOPPED/FAILED, as libvirt's monitor EOF handler does.
 */
static void
qemuProcessHandleExit(void *data)
{
    qemuProcessRef *ref = data;
    virDomainObj *vm = ref->vm;
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainShutoffReason reason = VIR_DOMAIN_SHUTOFF_CRASHED;
    int detail = VIR_DOMAIN_EVENT_STOPPED_FAILED;
    unsigned int stopFlags = 0;

    virObjectLock(vm);
    if (!qemuProcessExitIsNews(vm, ref->gen))
        goto unlock;
    VIR_INFO("QEMU of domain %s (pid %lld) exited", vm->def->name,
             (long long)vm->pid);
    qemuProcessWaitMonitorGone(vm, ref->gen);
    if (!qemuProcessExitIsNews(vm, ref->gen))
        goto unlock;
    if (qemuProcessBeginStopJob(vm, VIR_JOB_DESTROY, true) < 0)
        goto unlock;
    if (priv->procGen != ref->gen || !virDomainObjIsActive(vm))
        goto endjob;
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_SHUTDOWN) {
        reason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
        detail = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    }
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN)
        stopFlags |= QEMU_PROCESS_STOP_MIGRATED;
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED, detail);
    qemuProcessStop(vm, reason, VIR_ASYNC_JOB_NONE, stopFlags);

 endjob:
    qemuDomainRemoveInactive(vm);
    virDomainObjEndJob(vm);
 unlock:
    virObjectUnlock(vm);
    virErrorResetLast();
}


/* Event thread: the pidfd of ref's QEMU became readable. */
static void
qemuProcessExitReady(void *opaque)
{
    qemuProcessRef *ref = opaque;
    qemuProcessRef *work = g_new0(qemuProcessRef, 1);

    work->vm = virObjectRef(ref->vm);
    work->gen = ref->gen;
    qemuEventLoopSubmit(qemu_driver->eventLoop, qemuProcessHandleExit, work,
                        qemuProcessRefFree);
}


/**
 * qemuProcessWatchExit:
 * Watches the pidfd of locked, running @vm in the driver's event loop:
 * the moment QEMU exits, qemuProcessHandleExit runs on a worker.
 * qemuProcessStop and qemuProcessDetach remove the watch.
 */
void
qemuProcessWatchExit(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    qemuEventLoopUnwatch(&priv->exitWatch);
    priv->exitWatch = qemuEventLoopWatchFd(qemu_driver->eventLoop, priv->pidfd,
                                           qemuProcessExitReady,
                                           qemuProcessRefNew(vm),
                                           qemuProcessRefFree);
}


/* ---- guest power-off and fake reboot ---- */

/* Worker: the "reboot" half of an ACPI reboot (libvirt's fake reboot):
 * the guest powered off, QEMU stopped (-no-shutdown); reset and run. */
static void
qemuProcessFakeReboot(void *data)
{
    qemuProcessRef *ref = data;
    virDomainObj *vm = ref->vm;
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainRunningReason reason = VIR_DOMAIN_RUNNING_BOOTED;
    int rc = -1;

    virObjectLock(vm);
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0)
        goto cleanup;
    if (priv->procGen != ref->gen || virDomainObjCheckActive(vm) < 0)
        goto endjob;
    if (qemuDomainObjEnterMonitor(vm) < 0)
        goto endjob;
    rc = qemuMonitorSystemReset(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0) {
        rc = -1;
        goto endjob;
    }
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_CRASHED)
        reason = VIR_DOMAIN_RUNNING_CRASHED;
    rc = qemuProcessStartCPUs(vm, reason, VIR_ASYNC_JOB_NONE);
    if (rc == 0)
        qemuProcessEventSaveStatus(vm);

 endjob:
    virDomainObjEndJob(vm);
 cleanup:
    priv->pausedShutdown = false;
    priv->fakeReboot = false;
    if (rc < 0 && priv->procGen == ref->gen) {
        VIR_WARN("fake reboot of domain %s failed (%s); killing it",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        if (qemuProcessKill(vm, QEMU_PROCESS_KILL_FORCE |
                                QEMU_PROCESS_KILL_NOWAIT) < 0)
            virErrorResetLast();
    }
    virObjectUnlock(vm);
}


/**
 * qemuProcessShutdownOrReboot:
 * The guest powered off (QEMU stays, stopped, thanks to -no-shutdown):
 * for an ACPI reboot or on_poweroff=restart, reset and resume it on a
 * worker; otherwise send SIGTERM, and the exit handler records the
 * shutdown.  @vm locked.
 */
void
qemuProcessShutdownOrReboot(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (priv->fakeReboot || vm->def->onPoweroff == VIR_DOMAIN_ON_ACTION_RESTART) {
        qemuEventLoopSubmit(qemu_driver->eventLoop, qemuProcessFakeReboot,
                            qemuProcessRefNew(vm), qemuProcessRefFree);
        return;
    }
    if (qemuProcessKill(vm, QEMU_PROCESS_KILL_NOWAIT) < 0) {
        VIR_WARN("cannot stop QEMU of domain %s after its shutdown: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* ---- guest crash ----
 *
 * A guest with a pvpanic device (<panic model='isa'/>) tells QEMU when its
 * kernel panics; QEMU, started with -no-shutdown, sends GUEST_PANICKED and
 * stops the vCPUs.  As with libvirt 9.0, the domain becomes
 * CRASHED/PANICKED (event CRASHED/PANICKED) and its on_crash decides:
 *   - destroy: QEMU is stopped, SHUTOFF/CRASHED, event STOPPED/CRASHED,
 *     a transient domain goes away;
 *   - restart: reset and run again, as a fake reboot (RUNNING/CRASHED);
 *   - preserve: it stays crashed, paused, to be looked at or destroyed;
 *   - coredump-destroy, coredump-restart: the guest's memory is written to
 *     <configDir>/dump first (libvirt's auto_dump_path), then as above;
 *     when the dump fails the domain stays crashed, as with libvirt.
 * The dump and the destroy need the monitor or stop QEMU: a worker does
 * them under a job.
 */

/* Where a core dump of domain @id named @name goes:
 * "<dir>/<id>-<name's first 20 characters>-<local time to the second>",
 * as libvirt names its automatic dumps.  Caller owns the string. */
static char *
qemuProcessCrashDumpPath(const char *dir, int id, const char *name)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d-%H:%M:%S");
    glong len = MIN(g_utf8_strlen(name, -1), 20);
    g_autofree char *shortName = g_utf8_substring(name, 0, len);

    return g_strdup_printf("%s/%d-%s-%s", dir, id, shortName, stamp);
}


/* Writes the memory of crashed @vm (locked, holding the DUMP job) to
 * the dump directory.  Returns 0 or -1 (reported). */
static int
qemuProcessCrashDump(virDomainObj *vm)
{
    const char *dir = qemu_driver->cfg->dumpDir;
    g_autofree char *path = qemuProcessCrashDumpPath(dir, vm->def->id,
                                                     vm->def->name);
    VIR_AUTOCLOSE fd = -1;

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        virReportSystemError(errno, _("cannot create directory '%1$s'"), dir);
        return -1;
    }
    if ((fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC,
                   S_IRUSR | S_IWUSR)) < 0) {
        virReportSystemError(errno, _("failed to create '%1$s'"), path);
        return -1;
    }
    if (qemuDumpMemory(vm, VIR_ASYNC_JOB_DUMP, fd, NULL) < 0) {
        unlink(path);
        return -1;
    }
    VIR_INFO("domain %s crashed; its memory is in %s", vm->def->name, path);
    return 0;
}


/* Whether @vm (locked) is still the crashed start @gen of its QEMU. */
static bool
qemuProcessCrashIsCurrent(virDomainObj *vm, unsigned int gen)
{
    return QEMU_DOMAIN_PRIVATE(vm)->procGen == gen &&
           virDomainObjIsActive(vm) &&
           virDomainObjGetState(vm, NULL) == VIR_DOMAIN_CRASHED;
}


/* Dumps crashed @vm (locked) under a job; false if the dump failed or
 * the crash is over (destroyed, restarted), leaving the domain alone. */
static bool
qemuProcessCrashDumpJob(virDomainObj *vm, unsigned int gen)
{
    bool ok = false;

    if (virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_DUMP,
                                  VIR_DOMAIN_JOB_OPERATION_DUMP,
                                  VIR_DUMP_MEMORY_ONLY) < 0)
        return false;
    if (qemuProcessCrashIsCurrent(vm, gen))
        ok = qemuProcessCrashDump(vm) == 0;
    virDomainObjEndAsyncJob(vm);
    if (!ok) {
        VIR_WARN("domain %s crashed and was not dumped: %s; it stays crashed",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
    return ok;
}


/* Stops crashed @vm (locked): SHUTOFF/CRASHED, STOPPED/CRASHED. */
static void
qemuProcessCrashDestroy(virDomainObj *vm, unsigned int gen)
{
    if (qemuProcessBeginStopJob(vm, VIR_JOB_DESTROY, true) < 0) {
        virErrorResetLast();
        return;
    }
    if (QEMU_DOMAIN_PRIVATE(vm)->procGen == gen && virDomainObjIsActive(vm)) {
        qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_CRASHED, VIR_ASYNC_JOB_NONE, 0);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                      VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        qemuDomainRemoveInactive(vm);
    }
    virDomainObjEndJob(vm);
}


/* Worker: the part of on_crash that needs the monitor or stops QEMU. */
static void
qemuProcessCrashWork(void *data)
{
    qemuProcessRef *crash = data;
    virDomainObj *vm = crash->vm;
    virDomainOnAction action;
    bool dump;

    virObjectLock(vm);
    action = vm->def->onCrash;
    dump = action == VIR_DOMAIN_ON_ACTION_COREDUMP_DESTROY ||
           action == VIR_DOMAIN_ON_ACTION_COREDUMP_RESTART;
    if (qemuProcessCrashIsCurrent(vm, crash->gen) &&
        (!dump || qemuProcessCrashDumpJob(vm, crash->gen)) &&
        qemuProcessCrashIsCurrent(vm, crash->gen)) {
        if (action == VIR_DOMAIN_ON_ACTION_COREDUMP_RESTART) {
            QEMU_DOMAIN_PRIVATE(vm)->fakeReboot = true;
            qemuProcessShutdownOrReboot(vm);
        } else {
            qemuProcessCrashDestroy(vm, crash->gen);
        }
    }
    virObjectUnlock(vm);
}


/* ---- monitor callbacks ---- */

/* Locks @vm for a callback of @mon; false (unlocked) if @mon is not the
 * domain's monitor any more or a destroy is under way. */
static bool
qemuProcessEventBegin(qemuMonitor *mon, virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    virObjectLock(vm);
    if (priv->mon == mon && virDomainObjIsActive(vm) && !priv->beingDestroyed)
        return true;
    VIR_DEBUG("ignoring an event of an old monitor of %s", vm->def->name);
    virObjectUnlock(vm);
    return false;
}


static void
qemuProcessHandleMonitorDestroy(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    virObjectUnref(opaque);
}


/* EOF or error: no event will come any more.  The exit itself is seen
 * through the pidfd; its handler waits for this so it knows whether QEMU
 * said SHUTDOWN before it went. */
static void
qemuProcessMonitorGone(qemuMonitor *mon, virDomainObj *vm, bool error)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    virObjectLock(vm);
    if (priv->mon == mon) {
        if (error)
            VIR_WARN("monitor of domain %s failed; it cannot be used any more",
                     vm->def->name);
        else
            VIR_DEBUG("monitor of domain %s closed by QEMU", vm->def->name);
        priv->monGone = true;
        virDomainObjBroadcast(vm);
    }
    virObjectUnlock(vm);
}


static void
qemuProcessHandleMonitorEOF(qemuMonitor *mon, void *opaque)
{
    qemuProcessMonitorGone(mon, opaque, false);
}


static void
qemuProcessHandleMonitorError(qemuMonitor *mon, void *opaque)
{
    qemuProcessMonitorGone(mon, opaque, true);
}


static void
qemuProcessHandleStop(qemuMonitor *mon, void *opaque)
{
    virDomainObj *vm = opaque;
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainPausedReason reason;

    if (!qemuProcessEventBegin(mon, vm))
        return;
    reason = priv->pausedReason;
    priv->pausedReason = VIR_DOMAIN_PAUSED_UNKNOWN;
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING &&
        !priv->pausedShutdown) {
        if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT) {
            reason = vm->job->current &&
                     vm->job->current->status == VIR_DOMAIN_JOB_STATUS_POSTCOPY ?
                     VIR_DOMAIN_PAUSED_POSTCOPY : VIR_DOMAIN_PAUSED_MIGRATION;
        }
        if (vm->job->current)
            vm->job->current->stopped = virTimeMillisNow();
        VIR_INFO("domain %s paused (%s)", vm->def->name,
                 virDomainObjStateReasonToString(VIR_DOMAIN_PAUSED, reason));
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, reason);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      qemuDomainPausedReasonToSuspendedEvent(reason));
        qemuProcessEventSaveStatus(vm);
    }
    virDomainObjBroadcast(vm);
    virObjectUnlock(vm);
}


static void
qemuProcessHandleResume(qemuMonitor *mon, void *opaque)
{
    virDomainObj *vm = opaque;
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainRunningReason reason = VIR_DOMAIN_RUNNING_UNPAUSED;
    int detail;

    if (!qemuProcessEventBegin(mon, vm))
        return;
    if (priv->runningReason != VIR_DOMAIN_RUNNING_UNKNOWN)
        reason = priv->runningReason;
    priv->runningReason = VIR_DOMAIN_RUNNING_UNKNOWN;
    if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_RUNNING) {
        detail = qemuDomainRunningReasonToResumeEvent(reason);
        if (qemuDomainObjIsPostcopy(vm))
            reason = qemuDomainObjIsFailedPostcopy(vm) ?
                     VIR_DOMAIN_RUNNING_POSTCOPY_FAILED : VIR_DOMAIN_RUNNING_POSTCOPY;
        VIR_INFO("domain %s running (%s)", vm->def->name,
                 virDomainObjStateReasonToString(VIR_DOMAIN_RUNNING, reason));
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, reason);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED, detail);
        qemuProcessEventSaveStatus(vm);
    }
    virObjectUnlock(vm);
}


static void
qemuProcessHandleShutdown(qemuMonitor *mon, bool guest, const char *cause,
                          void *opaque)
{
    virDomainObj *vm = opaque;
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!qemuProcessEventBegin(mon, vm))
        return;
    VIR_INFO("domain %s: SHUTDOWN (guest=%d, reason=%s)", vm->def->name, guest,
             NULLSTR(cause));
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_SHUTDOWN) {
        virObjectUnlock(vm);
        return;
    }
    if (!priv->fakeReboot && vm->def->onPoweroff != VIR_DOMAIN_ON_ACTION_RESTART) {
        virDomainObjSetState(vm, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_UNKNOWN);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SHUTDOWN,
                                      guest ? VIR_DOMAIN_EVENT_SHUTDOWN_GUEST
                                            : VIR_DOMAIN_EVENT_SHUTDOWN_HOST);
        qemuProcessEventSaveStatus(vm);
    } else {
        priv->pausedShutdown = true;
    }
    qemuProcessShutdownOrReboot(vm);
    virObjectUnlock(vm);
}


static void
qemuProcessHandleReset(qemuMonitor *mon, void *opaque)
{
    virDomainObj *vm = opaque;
    qemuDomainObjPrivate *priv = vm->privateData;
    int reason = 0;

    if (!qemuProcessEventBegin(mon, vm))
        return;
    if (virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
        reason == VIR_DOMAIN_PAUSED_STARTING_UP) {
        virObjectUnlock(vm);
        return;
    }
    qemuDomainEventQueueSimple(vm, VIR_DOMAIN_EVENT_ID_REBOOT);
    priv->fakeReboot = false;
    qemuProcessEventSaveStatus(vm);
    virObjectUnlock(vm);
}


/* GUEST_PANICKED: records the crash and starts what on_crash asks for. */
static void
qemuProcessHandleGuestPanic(qemuMonitor *mon, void *opaque)
{
    virDomainObj *vm = opaque;
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!qemuProcessEventBegin(mon, vm))
        return;

    VIR_WARN("domain %s: the guest panicked (on_crash=%s)", vm->def->name,
             virDomainOnActionTypeToString(vm->def->onCrash));
    virDomainObjSetState(vm, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_CRASHED,
                                  VIR_DOMAIN_EVENT_CRASHED_PANICKED);
    qemuProcessEventSaveStatus(vm);
    switch (vm->def->onCrash) {
    case VIR_DOMAIN_ON_ACTION_PRESERVE:
        break;
    case VIR_DOMAIN_ON_ACTION_RESTART:
    case VIR_DOMAIN_ON_ACTION_RESTART_RENAME:
        priv->fakeReboot = true;
        qemuProcessShutdownOrReboot(vm);
        break;
    case VIR_DOMAIN_ON_ACTION_NONE:
    case VIR_DOMAIN_ON_ACTION_DESTROY:
    case VIR_DOMAIN_ON_ACTION_COREDUMP_DESTROY:
    case VIR_DOMAIN_ON_ACTION_COREDUMP_RESTART:
    case VIR_DOMAIN_ON_ACTION_LAST:
        qemuEventLoopSubmit(qemu_driver->eventLoop, qemuProcessCrashWork,
                            qemuProcessRefNew(vm), qemuProcessRefFree);
        break;
    }
    virObjectUnlock(vm);
}


/* Plugs in the migration code's handling of MIGRATION events. */
void
qemuProcessSetMigrationEventHooks(const qemuProcessMigrationEventHooks *hooks)
{
    g_atomic_pointer_set(&qemuProcessMigrationHooks, hooks);
}


static void
qemuProcessHandleMigrationStatus(qemuMonitor *mon,
                                 qemuMonitorMigrationStatus status,
                                 void *opaque)
{
    virDomainObj *vm = opaque;
    const qemuProcessMigrationEventHooks *hooks =
        g_atomic_pointer_get(&qemuProcessMigrationHooks);

    if (!qemuProcessEventBegin(mon, vm))
        return;
    VIR_DEBUG("migration of domain %s: %s", vm->def->name,
              qemuMonitorMigrationStatusTypeToString(status));
    if (vm->job->asyncJob != VIR_ASYNC_JOB_NONE) {
        if (hooks && hooks->migrationStatus)
            hooks->migrationStatus(vm, status);
        virDomainObjBroadcast(vm);
    } else if (hooks && hooks->migrationUnowned) {
        hooks->migrationUnowned(vm, status);
    }
    virObjectUnlock(vm);
}


static void
qemuProcessHandleMigrationPass(qemuMonitor *mon, int pass, void *opaque)
{
    virDomainObj *vm = opaque;
    const qemuProcessMigrationEventHooks *hooks =
        g_atomic_pointer_get(&qemuProcessMigrationHooks);

    if (!qemuProcessEventBegin(mon, vm))
        return;
    if (vm->job->asyncJob != VIR_ASYNC_JOB_NONE) {
        if (hooks && hooks->migrationPass) {
            hooks->migrationPass(vm, pass);
        } else {
            virDomainEvent *ev = qemuDomainEventNew(vm,
                                                    VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION);

            ev->iteration = pass;
            qemuDomainEventQueue(ev);
        }
    }
    virObjectUnlock(vm);
}


const qemuMonitorCallbacks qemuProcessMonitorCallbacks = {
    .destroy = qemuProcessHandleMonitorDestroy,
    .eofNotify = qemuProcessHandleMonitorEOF,
    .errorNotify = qemuProcessHandleMonitorError,
    .domainEvent = qemuProcessHandleQMPEvent,
    .domainStop = qemuProcessHandleStop,
    .domainResume = qemuProcessHandleResume,
    .domainShutdown = qemuProcessHandleShutdown,
    .domainReset = qemuProcessHandleReset,
    .domainGuestPanic = qemuProcessHandleGuestPanic,
    .migrationStatus = qemuProcessHandleMigrationStatus,
    .migrationPass = qemuProcessHandleMigrationPass,
};
