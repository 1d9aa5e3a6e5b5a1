/*
 * qemu_process.c: starting, stopping and reconnecting QEMU processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Start: validate, turn the definition into a live one (id, aliases,
 * paths), spawn QEMU paused (-S) as our child, write an early status
 * file, connect the monitor, read back what QEMU chose (pty paths, VNC
 * port), then "cont" unless asked to stay paused, watch the pidfd and
 * save the status again.  Any failure stops what was started.
 *
 * Stop: forget the pidfd watch, close the monitor, make sure QEMU is gone
 * (SIGKILL; it normally is already), reap it, remove the socket, pid file
 * and status file, and put the persistent definition back.
 *
 * Nothing here sleeps: waiting for QEMU to die is a poll() on its pidfd,
 * which returns the moment it exits.
 */
#include <config.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu_process.h"
#include "qemu_hotplug.h"
#include "qemu_hotplug_vcpu.h"
#include "qemu_domain_disk.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_conf.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "qemu_monitor_process.h"
#include "qemu_process_events.h"
#include "qemu_process_cputune.h"
#include "qemu_process_periph.h"
#include "qemu_domain.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virprocess.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_process");

/* How much of QEMU's log a start failure quotes. */
#define QEMU_PROCESS_LOG_TAIL 4096
#define QEMU_PROCESS_EXIT_WAIT_MS 200

static qemuProcessRecoverJobFunc qemuProcessRecoverJobHook;


/**
 * qemuProcessBeginJob:
 * Takes the async START job libvirt uses for starting a domain: only a
 * DESTROY job may interrupt it.  @vm locked.  Returns 0, or < 0 with an
 * error reported (job timeout, domain removed).
 */
int
qemuProcessBeginJob(virDomainObj *vm, virDomainJobOperation operation,
                    unsigned int apiFlags)
{
    if (virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_START, operation,
                                  apiFlags) < 0)
        return -1;
    qemuDomainObjSetAsyncJobMask(vm, VIR_JOB_NONE);
    return 0;
}


/* Ends the START job taken by qemuProcessBeginJob; @vm locked. */
void
qemuProcessEndJob(virDomainObj *vm)
{
    virDomainObjEndAsyncJob(vm);
}


/* "<runDir>/qemu/<name>.pid"; caller owns it. */
static char *
qemuProcessPidfilePath(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.pid", name);

    return g_build_filename(qemu_driver->cfg->statusDir, file, NULL);
}


/* The QMP socket path of @vm: "<statusDir>/<name>.monitor", or by id when
 * that does not fit a unix socket address.  Returns NULL (reported). */
static char *
qemuProcessMonitorPath(virDomainObj *vm)
{
    const char *dir = qemu_driver->cfg->statusDir;
    struct sockaddr_un addr;
    g_autofree char *file = g_strdup_printf("%s.monitor", vm->def->name);
    g_autofree char *path = g_build_filename(dir, file, NULL);

    if (strlen(path) < sizeof(addr.sun_path))
        return g_steal_pointer(&path);
    g_free(file);
    g_free(path);
    file = g_strdup_printf("domain-%d.monitor", vm->def->id);
    path = g_build_filename(dir, file, NULL);
    if (strlen(path) >= sizeof(addr.sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Monitor path %1$s too big for destination"), path);
        return NULL;
    }
    return g_steal_pointer(&path);
}


/* Checks what start needs from the host for @vm. */
static int
qemuProcessCheckHost(virDomainObj *vm)
{
    if (virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("VM is already active"));
        return -1;
    }
    if (qemuValidateDomainDef(vm->def) < 0)
        return -1;
    if (qemuProcessCputuneCheck(vm->def) < 0)
        return -1;
    if (vm->def->virtType == VIR_DOMAIN_VIRT_KVM && !qemuCapsKVMUsable()) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("Domain requires KVM, but it is not available. Check that virtualization is enabled in the host BIOS, and host configuration is setup to load the kvm modules."));
        return -1;
    }
    /* no numad here: stock's error where numad is not installed */
    if (virDomainDefNeedsPlacementAdvice(vm->def)) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("Failed to query numad for the advisory nodeset"));
        return -1;
    }
    return 0;
}


/*
 * Turns the definition of locked, inactive @vm into a live one: keeps a
 * copy of the persistent definition, assigns the id, aliases and the VNC
 * listen address, the monitor and pid file paths; state PAUSED/STARTING_UP.
 * Returns 0 or -1 (reported; nothing changed).
 */
static int
qemuProcessInit(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(virDomainDef) persistent = NULL;

    if (qemuProcessCheckHost(vm) < 0)
        return -1;
    if (vm->persistent && !vm->newDef &&
        !(persistent = virDomainDefCopy(vm->def, false)))
        return -1;
    /* the backing chains are read before the node indexes are given */
    if (qemuDomainPrepareDisks(vm->def, true) < 0)
        return -1;

    vm->def->id = virDomainObjListAllocID(qemu_driver->domains);
    if (!(priv->monPath = qemuProcessMonitorPath(vm))) {
        vm->def->id = -1;
        return -1;
    }
    if (persistent)
        vm->newDef = g_steal_pointer(&persistent);
    virDomainDefAssignAliases(vm->def);
    g_free(priv->pidfile);
    priv->pidfile = qemuProcessPidfilePath(vm->def->name);
    priv->procGen++;
    priv->pausedReason = VIR_DOMAIN_PAUSED_UNKNOWN;
    priv->runningReason = VIR_DOMAIN_RUNNING_UNKNOWN;
    priv->fakeReboot = false;
    priv->pausedShutdown = false;
    vm->taint = 0;
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);
    return 0;
}


/* Current size of @path (0 if missing): where this start's log begins. */
static off_t
qemuProcessLogOffset(const char *path)
{
    struct stat sb;

    if (stat(path, &sb) < 0)
        return 0;
    return sb.st_size;
}


/*
 * Replaces the calling thread's error by "process exited while connecting
 * to monitor: <QEMU's last words>" when QEMU died during start, as
 * libvirt does; keeps it otherwise.  A QEMU that closed its monitor is
 * given QEMU_PROCESS_EXIT_WAIT_MS to be seen exiting (its VNC port taken,
 * say, it fails after accepting the monitor).  @vm locked.
 */
static void
qemuProcessReportLogError(virDomainObj *vm, const char *logPath, off_t offset)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GString) msg = g_string_new(NULL);
    const char *tail;
    size_t i;

    if (priv->pidfd < 0 ||
        virProcessWaitPidfd(priv->pidfd, QEMU_PROCESS_EXIT_WAIT_MS) != 1)
        return;
    if (virFileReadAll(logPath, 16 * 1024 * 1024, &log) < 0) {
        virErrorResetLast();
        return;
    }
    tail = (size_t)offset < strlen(log) ? log + offset : "";
    if (strlen(tail) > QEMU_PROCESS_LOG_TAIL)
        tail += strlen(tail) - QEMU_PROCESS_LOG_TAIL;
    lines = g_strsplit(tail, "\n", -1);
    for (i = 0; lines[i]; i++) {
        /* our own "starting: ..." line is not QEMU's message */
        if (!*lines[i] || strstr(lines[i], "+0000: starting: "))
            continue;
        g_string_append_printf(msg, "%s%s", msg->len ? "\n" : "", lines[i]);
    }
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("process exited while connecting to monitor: %1$s"),
                   msg->len ? msg->str : _("(no output)"));
}


/* <vcpu cpuset=''>: QEMU starts on those host CPUs, so its vCPU, I/O and
 * emulator threads all inherit them (<cputune> pins some of them again
 * once QEMU runs).  Returns 0 or -1 (reported). */
static int
qemuProcessSetAffinity(const virDomainDef *def, virCommand *cmd)
{
    cpu_set_t set;

    if (!def->cpumask)
        return 0;
    if (qemuProcessCPUSet(def->cpumask, &set) < 0)
        return -1;
    virCommandSetAffinity(cmd, &set);
    return 0;
}


/* Logs a warning when a step of starting (or reconnecting to) domain
 * @name, begun at @since (virTimeMonotonicMs), took
 * QEMU_PROCESS_SLOW_STEP_MS or more: on a loaded host the log then says
 * where a slow start spent its time (each step is bounded, by up to 30 s).
 * Returns the time now, the start of the next step. */
static long long
qemuProcessStepDone(const char *name, const char *step, long long since)
{
    long long now = virTimeMonotonicMs();

    if (now - since >= QEMU_PROCESS_SLOW_STEP_MS)
        VIR_WARN("domain %s: %s took %lld ms", name, step, now - since);
    return now;
}


/* Spawns QEMU for live @vm (locked) and saves an early status file, so a
 * daemon that dies now finds (and kills) the half-started domain. */
static int
qemuProcessLaunch(virDomainObj *vm, const char *incomingURI,
                  const char *logPath)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuCommandParams params = {
        .monitorPath = priv->monPath,
        .pidfilePath = priv->pidfile,
        .incomingURI = incomingURI,
    };
    g_autoptr(virCommand) cmd = NULL;
    pid_t pid = 0;
    int pidfd = -1;
    long long t;

    if (qemuProcessPeriphPrepare(vm) < 0)
        return -1;
    qemuProcessPeriphCommandParams(vm, &params);
    if (!(cmd = qemuBuildCommandLine(vm->def, &params)))
        return -1;
    qemuProcessPeriphPassFDs(vm, cmd);
    if (priv->incomingFD >= 0) {
        VIR_DEBUG("passing incoming migration fd %d to QEMU of %s",
                  priv->incomingFD, vm->def->name);
        virCommandPassFD(cmd, priv->incomingFD,
                         VIR_COMMAND_PASS_FD_CLOSE_PARENT);
        priv->incomingFD = -1;
    }
    if (qemuProcessSetAffinity(vm->def, cmd) < 0)
        return -1;
    virCommandSetLogFile(cmd, logPath);
    if (virFileRemoveIfExists(priv->monPath) < 0 ||
        virFileRemoveIfExists(priv->pidfile) < 0)
        return -1;
    t = virTimeMonotonicMs();
    if (virCommandRunAsync(cmd, &pid, &pidfd) < 0)
        return -1;
    t = qemuProcessStepDone(vm->def->name, "spawning QEMU", t);
    VIR_INFO("started QEMU for domain %s: pid %lld", vm->def->name,
             (long long)pid);
    vm->pid = pid;
    priv->pidfd = pidfd;
    if (virDomainObjSaveStatus(vm) < 0)
        return -1;
    qemuProcessStepDone(vm->def->name, "saving its status", t);
    return 0;
}


/* Monitor callbacks' opaque is a domain reference, dropped here. */
static qemuMonitor *
qemuProcessOpenMonitor(virDomainObj *vm, const char *path, int pidfd)
{
    qemuMonitor *mon;
    g_autofree char *name = g_strdup(vm->def->name);

    virObjectRef(vm);
    mon = qemuMonitorOpen(path, name, pidfd, QEMU_PROCESS_MONITOR_TIMEOUT_MS,
                          &qemuProcessMonitorCallbacks, vm);
    if (!mon)
        virObjectUnref(vm);
    return mon;
}


/*
 * Connects @vm's monitor.  @vm is locked and its caller holds a normal
 * job, or the async job @asyncJob (a nested job is taken).  The domain is
 * unlocked while connecting (QEMU needs ~25 ms to get there); if it was
 * stopped meanwhile (destroy), that is an error.  Returns 0 or -1.
 */
static int
qemuProcessConnectMonitor(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    unsigned int gen = priv->procGen;
    g_autofree char *path = g_strdup(priv->monPath);
    g_autofree char *name = g_strdup(vm->def->name);
    VIR_AUTOCLOSE pidfd = priv->pidfd >= 0 ?
                          fcntl(priv->pidfd, F_DUPFD_CLOEXEC, 3) : -1;
    qemuMonitor *mon;
    long long t = virTimeMonotonicMs();

    if (asyncJob != VIR_ASYNC_JOB_NONE &&
        virDomainObjBeginNestedJob(vm, asyncJob) < 0)
        return -1;
    t = qemuProcessStepDone(vm->def->name, "waiting for the job", t);
    virObjectUnlock(vm);
    mon = qemuProcessOpenMonitor(vm, path, pidfd);
    t = qemuProcessStepDone(name, "connecting to the monitor", t);
    virObjectLock(vm);
    qemuProcessStepDone(name, "waiting for the domain lock", t);
    if (asyncJob != VIR_ASYNC_JOB_NONE)
        virDomainObjEndJob(vm);

    if (mon && (priv->procGen != gen || !virDomainObjIsActive(vm))) {
        qemuMonitorClose(mon);
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("domain is no longer running"));
        return -1;
    }
    if (!mon)
        return -1;
    priv->mon = mon;
    priv->monGone = false;
    return 0;
}


/* Fills in the pty paths, plugs the hot-plugged vCPUs of the definition
 * (before the guest runs or its state arrives), then sets up the other
 * devices (qemu_process_periph.c).  @vm locked, job as for
 * qemuDomainObjEnterMonitorAsync. */
static int
qemuProcessSetupDevices(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(GHashTable) ptys = NULL;
    int rc;
    size_t i;

    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorGetPtyPaths(priv->mon, &ptys);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;

    for (i = 0; i < vm->def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(vm->def->serials, i);
        g_autofree char *label = g_strdup_printf("char%s", chr->info.alias);
        const char *path = g_hash_table_lookup(ptys, label);

        if (chr->source.type == VIR_DOMAIN_CHR_TYPE_PTY && path) {
            g_free(chr->source.path);
            chr->source.path = g_strdup(path);
        }
    }
    if (vm->def->hotplugVcpus > 0 &&
        qemuHotplugVcpusPlug(vm, asyncJob,
                             vm->def->vcpus - vm->def->hotplugVcpus,
                             vm->def->vcpus, false) < 0)
        return -1;
    if (qemuProcessCputunePin(vm, asyncJob) < 0)
        return -1;
    return qemuProcessPeriphSetup(vm, asyncJob);
}


/* Last step of a start: vCPUs running (or paused with @pausedReason),
 * exit watched, status saved.  @vm locked, job as for EnterMonitorAsync. */
static int
qemuProcessFinishStartup(virDomainObj *vm, virDomainAsyncJob asyncJob,
                         bool startCPUs, virDomainPausedReason pausedReason)
{
    if (startCPUs) {
        if (qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_BOOTED, asyncJob) < 0)
            return -1;
    } else {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, pausedReason);
    }
    if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_RUNNING && startCPUs) {
        /* QEMU sends RESUME before its reply to "cont", so the handler
         * has normally done this already */
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED,
                                      VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    }
    qemuProcessWatchExit(vm);
    return virDomainObjSaveStatus(vm);
}


/**
 * qemuProcessStart:
 * @vm: locked, inactive domain; the caller holds the async job @asyncJob
 *      (START from qemuProcessBeginJob, or MIGRATION_IN)
 * @incomingURI: -incoming for a migration destination, or NULL
 * @flags: qemuProcessStartFlags
 *
 * Starts QEMU for @vm.  On success the domain runs (RUNNING/BOOTED, with
 * the RESUMED event QEMU's RESUME causes), or is PAUSED (USER, or
 * MIGRATION for an incoming migration); the caller sends the STARTED
 * event.  On failure everything started is stopped (SHUTOFF/FAILED, no
 * event) and the error is reported: QEMU's own message when it exited.
 * Returns 0 or -1.
 */
int
qemuProcessStart(virDomainObj *vm, virDomainAsyncJob asyncJob,
                 const char *incomingURI, unsigned int flags)
{
    g_autofree char *logPath = qemuDomainLogPath(vm->def->name);
    bool startCPUs = !(flags & QEMU_PROCESS_START_PAUSED) && !incomingURI;
    off_t logOffset = qemuProcessLogOffset(logPath);

    VIR_DEBUG("vm=%s asyncJob=%s incoming=%s flags=0x%x", vm->def->name,
              virDomainAsyncJobTypeToString(asyncJob), NULLSTR(incomingURI),
              flags);
    if (qemuProcessInit(vm) < 0)
        return -1;
    if (qemuProcessLaunch(vm, incomingURI, logPath) < 0)
        goto stop;
    if (qemuProcessConnectMonitor(vm, asyncJob) < 0 ||
        qemuProcessSetupDevices(vm, asyncJob) < 0 ||
        qemuProcessFinishStartup(vm, asyncJob, startCPUs,
                                 incomingURI ? VIR_DOMAIN_PAUSED_MIGRATION
                                             : VIR_DOMAIN_PAUSED_USER) < 0) {
        qemuProcessReportLogError(vm, logPath, logOffset);
        goto stop;
    }
    VIR_INFO("domain %s started (id %d, pid %lld)", vm->def->name,
             vm->def->id, (long long)vm->pid);
    return 0;

 stop:
    qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_FAILED, asyncJob,
                    incomingURI ? QEMU_PROCESS_STOP_MIGRATED : 0);
    return -1;
}


/* Waits (with @vm unlocked) up to @timeoutMs for QEMU to exit; uses its
 * own copy of the pidfd, as the domain's may be closed meanwhile.
 * Returns 1 if it exited, 0 on timeout, -1 (reported). */
static int
qemuProcessWaitExit(virDomainObj *vm, long long timeoutMs)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    VIR_AUTOCLOSE pidfd = -1;
    int rc;

    if (priv->pidfd < 0)
        return 1;
    if ((pidfd = fcntl(priv->pidfd, F_DUPFD_CLOEXEC, 3)) < 0) {
        virReportSystemError(errno, "%s", _("cannot duplicate pidfd"));
        return -1;
    }
    virObjectUnlock(vm);
    rc = virProcessWaitPidfd(pidfd, timeoutMs);
    virObjectLock(vm);
    return rc;
}


/* Sends @sig to QEMU of locked @vm.  A QEMU that has exited already is
 * left alone: its pid may belong to another process once its new parent
 * (after a daemon restart) reaped it.  Returns 0 or -1 (reported). */
static int
qemuProcessSignal(virDomainObj *vm, int sig)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (priv->pidfd >= 0 && virProcessWaitPidfd(priv->pidfd, 0) == 1)
        return 0;
    if (virProcessKill(vm->pid, sig) < 0 && errno != ESRCH) {
        virReportSystemError(errno, _("Failed to kill process %1$lld"),
                             (long long)vm->pid);
        return -1;
    }
    return 0;
}


/* qemuProcessSignal for cleanup paths: a failure is only logged. */
static void
qemuProcessSignalQuiet(virDomainObj *vm, int sig)
{
    if (qemuProcessSignal(vm, sig) < 0) {
        VIR_WARN("%s", NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* Removes a file of ours if present; a failure is only logged. */
static void
qemuProcessRemoveFile(const char *path)
{
    if (virFileRemoveIfExists(path) < 0) {
        VIR_WARN("%s", NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/**
 * qemuProcessKill:
 * @vm: locked domain (its lock is dropped while waiting)
 * @flags: qemuProcessKillFlags
 *
 * SIGTERM, then waits on the pidfd (no fixed sleep: it returns as soon as
 * QEMU exits) for up to 10 s and, with FORCE, SIGKILL and up to 10 s more;
 * without FORCE it gives up after 15 s with EBUSY, as libvirt's graceful
 * destroy does.  NOWAIT only sends the signal (SIGKILL with FORCE).  QEMU
 * is not reaped here.  Returns 0 once it is gone (or NOWAIT), -1 with an
 * error reported.
 */
int
qemuProcessKill(virDomainObj *vm, unsigned int flags)
{
    bool force = flags & QEMU_PROCESS_KILL_FORCE;
    pid_t pid = vm->pid;
    int rc;

    VIR_DEBUG("vm=%s pid=%lld flags=0x%x", vm->def->name, (long long)pid, flags);
    if (!virDomainObjIsActive(vm) || pid <= 0)
        return 0;
    if (flags & QEMU_PROCESS_KILL_NOWAIT)
        return qemuProcessSignal(vm, force ? SIGKILL : SIGTERM);
    if (force && vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN &&
        qemuDomainObjIsFailedPostcopy(vm)) {
        /* a vCPU waiting for a page that will never come does not let
         * QEMU end on SIGTERM: straight to SIGKILL */
        VIR_DEBUG("post-copy failed on the destination: no SIGTERM");
    } else {
        if (qemuProcessSignal(vm, SIGTERM) < 0)
            return -1;
        rc = qemuProcessWaitExit(vm, force ? QEMU_PROCESS_KILL_GRACE_MS
                                           : QEMU_PROCESS_KILL_GRACEFUL_MS);
        if (rc != 0 || !force) {
            if (rc == 0)
                virReportSystemError(EBUSY, _("Failed to terminate process %1$lld with SIGTERM"),
                                     (long long)pid);
            return rc > 0 ? 0 : -1;
        }
    }
    if (qemuProcessSignal(vm, SIGKILL) < 0 ||
        (rc = qemuProcessWaitExit(vm, QEMU_PROCESS_KILL_GRACE_MS)) < 0)
        return -1;
    if (rc == 0) {
        virReportSystemError(EBUSY, _("Failed to terminate process %1$lld with SIGKILL"),
                             (long long)pid);
        return -1;
    }
    return 0;
}


/**
 * qemuProcessBeginStopJob:
 * Kills QEMU without holding any job (so a stuck job holder cannot stop
 * it), wakes every thread waiting on the domain condition (they fail with
 * "domain is not running"), then takes job @job (DESTROY is in every
 * async job's mask).  While it runs, event handlers leave the domain
 * alone (beingDestroyed).  @vm locked.  Returns 0 holding @job, or -1.
 */
int
qemuProcessBeginStopJob(virDomainObj *vm, virDomainJob job, bool forceKill)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int ret = -1;

    priv->beingDestroyed = true;
    if (qemuProcessKill(vm, forceKill ? QEMU_PROCESS_KILL_FORCE : 0) < 0)
        goto cleanup;
    VIR_DEBUG("waking up all jobs waiting on the domain condition");
    virDomainObjBroadcast(vm);
    if (virDomainObjBeginJob(vm, job) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    priv->beingDestroyed = false;
    return ret;
}


/* Collects QEMU's exit status if it is our child; a QEMU adopted after a
 * daemon restart is reaped by its new parent.  QEMU has exited. */
static void
qemuProcessReap(virDomainObj *vm)
{
    int status = 0;
    pid_t rc;

    do {
        rc = waitpid(vm->pid, &status, 0);
    } while (rc < 0 && errno == EINTR);
    if (rc == vm->pid) {
        g_autofree char *what = virProcessTranslateStatus(status);

        VIR_DEBUG("QEMU of domain %s (pid %lld) ended with %s", vm->def->name,
                  (long long)vm->pid, what);
    } else if (errno != ECHILD) {
        VIR_WARN("cannot reap QEMU process %lld: %s", (long long)vm->pid,
                 g_strerror(errno));
    }
}


/* Makes sure QEMU of locked @vm is gone (SIGKILL if needed), reaps it and
 * closes its pidfd. */
static void
qemuProcessEnsureDead(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (vm->pid > 0 && priv->pidfd >= 0) {
        if (virProcessWaitPidfd(priv->pidfd, 0) == 0) {
            qemuProcessSignalQuiet(vm, SIGKILL);
            if (virProcessWaitPidfd(priv->pidfd, VIR_PROCESS_KILL_TIMEOUT_MS) != 1)
                VIR_WARN("QEMU process %lld of domain %s survived SIGKILL",
                         (long long)vm->pid, vm->def->name);
        }
        qemuProcessReap(vm);
    } else if (vm->pid > 0) {
        qemuProcessSignalQuiet(vm, SIGKILL);
    }
    if (priv->pidfd >= 0)
        close(priv->pidfd);
    priv->pidfd = -1;
}


/* Back to the persistent definition (or a clean transient one). */
static void
qemuProcessRestoreDef(virDomainObj *vm)
{
    if (vm->newDef) {
        virDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&vm->newDef);
        vm->def->id = -1;
    } else {
        virDomainDefClearRuntime(vm->def);
    }
}


/* The process part of qemuProcessStop, on an active @vm. */
static void
qemuProcessStopActive(virDomainObj *vm, virDomainShutoffReason reason)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *stopLine = NULL;

    VIR_INFO("stopping domain %s (pid %lld), reason %s", vm->def->name,
             (long long)vm->pid,
             virDomainObjStateReasonToString(VIR_DOMAIN_SHUTOFF, reason));
    qemuEventLoopUnwatch(&priv->exitWatch);
    if (priv->mon)
        qemuMonitorClose(g_steal_pointer(&priv->mon));
    qemuProcessEnsureDead(vm);
    if (priv->monPath)
        qemuProcessRemoveFile(priv->monPath);
    if (priv->pidfile)
        qemuProcessRemoveFile(priv->pidfile);
    qemuDomainCleanupRun(vm);
    stopLine = g_strdup_printf("shutting down, reason=%s",
                               virDomainObjStateReasonToString(VIR_DOMAIN_SHUTOFF,
                                                               reason));
    qemuDomainLogAppend(vm, stopLine);

    if (virDomainObjDeleteStatus(vm) < 0)
        virErrorResetLast();
    vm->def->id = -1;
    virDomainObjBroadcast(vm);
    vm->pid = 0;
    priv->procGen++;
    priv->fakeReboot = false;
    priv->pausedShutdown = false;
    vm->taint = 0;
    priv->autoDestroyConn = NULL;
    g_clear_pointer(&priv->monPath, g_free);
    virDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, reason);
    qemuProcessRestoreDef(vm);
}


/**
 * qemuProcessStop:
 * @vm: locked domain; the caller holds a normal job (DESTROY), or the
 *      async job @asyncJob (a nested job is taken here)
 * @reason: the SHUTOFF reason to record
 * @flags: qemuProcessStopFlags
 *
 * Stops QEMU for good and cleans up after it (see the top of the file).
 * Never fails and keeps the caller's error; does nothing if @vm is not
 * running.  Sends no event: the caller knows which one.
 */
void
qemuProcessStop(virDomainObj *vm, virDomainShutoffReason reason,
                virDomainAsyncJob asyncJob, unsigned int flags)
{
    virError *orig = NULL;
    bool nested = false;

    VIR_DEBUG("vm=%s id=%d pid=%lld reason=%d asyncJob=%s flags=0x%x",
              vm->def->name, vm->def->id, (long long)vm->pid, reason,
              virDomainAsyncJobTypeToString(asyncJob), flags);
    virErrorPreserveLast(&orig);
    if (asyncJob != VIR_ASYNC_JOB_NONE) {
        if (virDomainObjBeginNestedJob(vm, asyncJob) < 0)
            VIR_WARN("stopping domain %s without a nested job", vm->def->name);
        else
            nested = true;
    }
    if (virDomainObjIsActive(vm))
        qemuProcessStopActive(vm, reason);
    if (nested)
        virDomainObjEndJob(vm);
    virErrorRestore(&orig);
}


/**
 * qemuProcessDestroy:
 * @vm: locked, running domain (the caller checked)
 * @graceful: never SIGKILL (VIR_DOMAIN_DESTROY_GRACEFUL)
 *
 * virDomainDestroy: kills QEMU first, with no job (so a hung job cannot
 * block it), then under a DESTROY job cleans up (SHUTOFF/DESTROYED),
 * sends STOPPED/DESTROYED and removes a transient domain.  A domain that
 * was still starting and died meanwhile counts as destroyed (libvirt's
 * rule).  Returns 0 or -1 (reported).
 */
int
qemuProcessDestroy(virDomainObj *vm, bool graceful)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int reason = 0;
    bool starting = virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
                    reason == VIR_DOMAIN_PAUSED_STARTING_UP &&
                    !priv->beingDestroyed;
    int ret = -1;

    if (qemuProcessBeginStopJob(vm, VIR_JOB_DESTROY, !graceful) < 0)
        return -1;
    if (!virDomainObjIsActive(vm)) {
        if (starting)
            ret = 0;
        else
            virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                           _("domain is not running"));
        goto endjob;
    }
    qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_ASYNC_JOB_NONE,
                    vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN ?
                    QEMU_PROCESS_STOP_MIGRATED : 0);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                  VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    qemuDomainRemoveInactive(vm);
    ret = 0;

 endjob:
    virDomainObjEndJob(vm);
    return ret;
}


/**
 * qemuProcessAutoDestroyAdd:
 * Ties running @vm (locked) to client connection @conn: when it closes
 * (qemuProcessAutoDestroyRun), the domain is destroyed.  NULL @conn
 * unties it.  A stop unties it too.
 */
void
qemuProcessAutoDestroyAdd(virDomainObj *vm, const void *conn)
{
    QEMU_DOMAIN_PRIVATE(vm)->autoDestroyConn = conn;
}


static int
qemuProcessAutoDestroyOne(virDomainObj *vm, void *opaque)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    virObjectLock(vm);
    if (priv->autoDestroyConn == opaque && virDomainObjIsActive(vm)) {
        VIR_INFO("destroying domain %s: its connection closed", vm->def->name);
        priv->autoDestroyConn = NULL;
        if (qemuProcessDestroy(vm, false) < 0) {
            VIR_WARN("cannot autodestroy domain %s: %s", vm->def->name,
                     NULLSTR(virErrorGetLastMessage()));
            virErrorResetLast();
        }
    }
    virObjectUnlock(vm);
    return 0;
}


/* Destroys every domain tied to connection @conn, which is closing. */
void
qemuProcessAutoDestroyRun(const void *conn)
{
    if (!qemu_driver)
        return;
    virDomainObjListForEach(qemu_driver->domains, qemuProcessAutoDestroyOne,
                            (void *)conn);
}


/**
 * qemuProcessStartCPUs:
 * "cont".  The RESUME event handler sets RUNNING with @reason and sends
 * the RESUMED event before this returns.  @vm locked, holding a normal
 * job or the async job @asyncJob.  Returns 0 or -1 (reported).
 */
int
qemuProcessStartCPUs(virDomainObj *vm, virDomainRunningReason reason,
                     virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    priv->runningReason = reason;
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0) {
        priv->runningReason = VIR_DOMAIN_RUNNING_UNKNOWN;
        return -1;
    }
    rc = qemuMonitorStartCPUs(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0) {
        priv->runningReason = VIR_DOMAIN_RUNNING_UNKNOWN;
        return -1;
    }
    return 0;
}


/**
 * qemuProcessStopCPUs:
 * "stop".  The STOP event handler sets PAUSED with @reason and sends the
 * SUSPENDED event before this returns.  @vm locked, holding a normal job
 * or the async job @asyncJob.  Returns 0 or -1 (reported).
 */
int
qemuProcessStopCPUs(virDomainObj *vm, virDomainPausedReason reason,
                    virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    priv->pausedReason = reason;
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0) {
        priv->pausedReason = VIR_DOMAIN_PAUSED_UNKNOWN;
        return -1;
    }
    rc = qemuMonitorStopCPUs(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0) {
        priv->pausedReason = VIR_DOMAIN_PAUSED_UNKNOWN;
        return -1;
    }
    if (vm->job->current)
        vm->job->current->stopped = virTimeMillisNow();
    return 0;
}


/* ---- reconnect after a daemon restart ---- */

/* Plugs in the migration code's job recovery (NULL: the default). */
void
qemuProcessSetRecoverJobHook(qemuProcessRecoverJobFunc hook)
{
    qemuProcessRecoverJobHook = hook;
}


/* True if /proc says @pid runs QEMU for domain @name (a QEMU we started
 * has "-name guest=<name>,..."), so a reused pid is not mistaken for it. */
static bool
qemuProcessIsDomainQEMU(pid_t pid, const char *name)
{
    g_autofree char *path = g_strdup_printf("/proc/%lld/cmdline", (long long)pid);
    g_autofree char *cmdline = NULL;
    g_autoptr(GString) want = g_string_new("guest=");
    gsize len = 0;
    gsize i;

    if (!g_file_get_contents(path, &cmdline, &len, NULL))
        return false;
    for (i = 0; name[i]; i++) {
        if (name[i] == ',')
            g_string_append_c(want, ',');
        g_string_append_c(want, name[i]);
    }
    g_string_append_c(want, ',');
    for (i = 0; i + 1 < len; i += strlen(cmdline + i) + 1) {
        if (STREQ(cmdline + i, "-name"))
            return STRPREFIX(cmdline + i + strlen(cmdline + i) + 1, want->str);
    }
    return false;
}


/* Finds @vm's QEMU again: a pidfd on the recorded pid, checked to still be
 * that QEMU.  Returns 0, or -1 (reported) if it is gone. */
static int
qemuProcessReconnectProcess(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int pidfd;

    if (vm->pid <= 0 || !priv->monPath) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("no pid or monitor recorded for domain '%1$s'"),
                       vm->def->name);
        return -1;
    }
    if ((pidfd = virProcessPidfdOpen(vm->pid)) < 0)
        return -1;
    g_free(priv->pidfile);
    priv->pidfile = qemuProcessPidfilePath(vm->def->name);
    if (!qemuProcessIsDomainQEMU(vm->pid, vm->def->name) ||
        virProcessWaitPidfd(pidfd, 0) != 0) {
        close(pidfd);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("QEMU process %1$lld of domain '%2$s' is gone"),
                       (long long)vm->pid, vm->def->name);
        return -1;
    }
    priv->pidfd = pidfd;
    return 0;
}


/* The paused reason for a QEMU run state (query-status "status"). */
static virDomainPausedReason
qemuProcessPausedReasonFromStatus(const char *status)
{
    if (STREQ_NULLABLE(status, "inmigrate") ||
        STREQ_NULLABLE(status, "postmigrate") ||
        STREQ_NULLABLE(status, "finish-migrate"))
        return VIR_DOMAIN_PAUSED_MIGRATION;
    if (STREQ_NULLABLE(status, "io-error"))
        return VIR_DOMAIN_PAUSED_IOERROR;
    if (STREQ_NULLABLE(status, "shutdown"))
        return VIR_DOMAIN_PAUSED_SHUTTING_DOWN;
    if (STREQ_NULLABLE(status, "guest-panicked"))
        return VIR_DOMAIN_PAUSED_CRASHED;
    if (STREQ_NULLABLE(status, "paused") || STREQ_NULLABLE(status, "prelaunch"))
        return VIR_DOMAIN_PAUSED_USER;
    return VIR_DOMAIN_PAUSED_UNKNOWN;
}


/* Brings the recorded state in line with what QEMU says, as libvirt's
 * qemuProcessUpdateState does (no events: nobody watched meanwhile). */
static int
qemuProcessUpdateState(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *status = NULL;
    bool running = false;
    int reason = 0;
    virDomainState state;
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorGetStatus(priv->mon, &running, &status);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;

    state = virDomainObjGetState(vm, &reason);
    if (running && state == VIR_DOMAIN_PAUSED &&
        reason == VIR_DOMAIN_PAUSED_STARTING_UP) {
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    } else if (running && state != VIR_DOMAIN_RUNNING) {
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    } else if (!running && state == VIR_DOMAIN_RUNNING) {
        virDomainPausedReason paused = qemuProcessPausedReasonFromStatus(status);

        if (paused == VIR_DOMAIN_PAUSED_SHUTTING_DOWN)
            virDomainObjSetState(vm, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_UNKNOWN);
        else
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, paused);
    } else {
        return 0;
    }
    VIR_INFO("domain %s changed state while the daemon was away: now %s (%s)",
             vm->def->name,
             virDomainObjStateTypeToString(virDomainObjGetState(vm, &reason)),
             NULLSTR(virDomainObjStateReasonToString(vm->state.state, reason)));
    return 0;
}


/* A save the daemon died in (qemu_save.c): its QEMU may still be
 * migrating into the socket that went with the daemon, so the migration
 * is cancelled, and a guest the save paused runs again, as libvirt
 * recovers it.  The image was never renamed into place.  @vm locked,
 * MODIFY job held. */
static void
qemuProcessRecoverSave(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int reason = 0;

    VIR_WARN("domain %s was being saved; cancelling the save", vm->def->name);
    if (qemuDomainObjEnterMonitor(vm) == 0) {
        if (qemuMonitorMigrateCancel(priv->mon) < 0)
            virErrorResetLast();
        ignore_value(qemuDomainObjExitMonitor(vm));
    }
    if (virDomainObjIsActive(vm) &&
        virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
        reason == VIR_DOMAIN_PAUSED_SAVE &&
        qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_SAVE_CANCELED,
                             VIR_ASYNC_JOB_NONE) < 0) {
        VIR_WARN("cannot resume domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* The saved job: a DESTROY or START in progress means kill; migrations
 * go to the migration code.  @vm locked, MODIFY job held. */
static int
qemuProcessRecoverJob(virDomainObj *vm, virDomainJobObj *saved,
                      unsigned int *stopFlags)
{
    int reason = 0;

    if (saved->active == VIR_JOB_DESTROY) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' was being destroyed"), vm->def->name);
        return -1;
    }
    switch (saved->asyncJob) {
    case VIR_ASYNC_JOB_MIGRATION_OUT:
    case VIR_ASYNC_JOB_MIGRATION_IN:
        if (qemuProcessRecoverJobHook)
            return qemuProcessRecoverJobHook(vm, saved, stopFlags);
        if (saved->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN) {
            *stopFlags |= QEMU_PROCESS_STOP_MIGRATED;
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("incoming migration of domain '%1$s' was interrupted"),
                           vm->def->name);
            return -1;
        }
        VIR_WARN("outgoing migration of domain %s was interrupted; leaving it as it is",
                 vm->def->name);
        return 0;
    case VIR_ASYNC_JOB_NONE:
        /* the migration code asks again about a copy it kept paused */
        if (qemuProcessRecoverJobHook)
            return qemuProcessRecoverJobHook(vm, saved, stopFlags);
        return 0;
    case VIR_ASYNC_JOB_SAVE:
        qemuProcessRecoverSave(vm);
        return 0;
    case VIR_ASYNC_JOB_START:
        /* a restore still loading its image: the image stays, the
         * half-loaded QEMU goes */
        if (virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
            reason == VIR_DOMAIN_PAUSED_MIGRATION) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("restore of domain '%1$s' was interrupted"),
                           vm->def->name);
            return -1;
        }
        return 0;
    case VIR_ASYNC_JOB_DUMP:
    case VIR_ASYNC_JOB_SNAPSHOT:
    case VIR_ASYNC_JOB_BACKUP:
    case VIR_ASYNC_JOB_LAST:
    default:
        return 0; /* START: caught by the "starting up" check */
    }
}


/* Reconnect steps that need the monitor; -1 (reported) stops @vm, 1
 * stops it as migrated (its guest runs on another host). */
static int
qemuProcessReconnectState(virDomainObj *vm, virDomainJobObj *saved,
                          unsigned int *stopFlags)
{
    int reason = 0;
    virDomainState state;
    int rc;

    if (qemuProcessUpdateState(vm) < 0)
        return -1;
    state = virDomainObjGetState(vm, &reason);
    if (state == VIR_DOMAIN_SHUTOFF ||
        (state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_STARTING_UP)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' was not fully started"), vm->def->name);
        return -1;
    }
    if ((rc = qemuProcessRecoverJob(vm, saved, stopFlags)) != 0)
        return rc;
    state = virDomainObjGetState(vm, &reason);
    if (state == VIR_DOMAIN_SHUTDOWN ||
        (state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_SHUTTING_DOWN)) {
        VIR_INFO("finishing the shutdown of domain %s", vm->def->name);
        qemuProcessShutdownOrReboot(vm);
    }
    return 0;
}


/**
 * qemuProcessReconnect:
 * @vm: locked domain loaded from its status file (pid set), referenced
 *
 * Takes the running QEMU back under management after a daemon restart:
 * checks the recorded pid still is that QEMU, opens its pidfd and
 * monitor, drops the devices the guest unplugged meanwhile, syncs the
 * state with query-status, recovers the saved job and watches its exit.  A QEMU that died meanwhile (or cannot be reached)
 * is stopped: SHUTOFF/CRASHED (DAEMON if the monitor answered), status
 * file removed, STOPPED/FAILED sent.  Returns 0 if the domain runs, 1 if
 * it was stopped (the caller removes a transient one), -1 if no job could
 * be had.
 */
int
qemuProcessReconnect(virDomainObj *vm)
{
    g_autoptr(virDomainJobObj) saved = virDomainObjPreserveJob(vm);
    virDomainShutoffReason reason = VIR_DOMAIN_SHUTOFF_CRASHED;
    unsigned int stopFlags = 0;
    int rc;

    VIR_INFO("reconnecting to domain %s (pid %lld)", vm->def->name,
             (long long)vm->pid);
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0)
        return -1;
    if (qemuProcessReconnectProcess(vm) < 0 ||
        qemuProcessConnectMonitor(vm, VIR_ASYNC_JOB_NONE) < 0)
        goto error;
    reason = VIR_DOMAIN_SHUTOFF_DAEMON;
    if (qemuProcessPeriphReconnect(vm) < 0)
        goto error;
    qemuHotplugReconnect(vm);
    if ((rc = qemuProcessReconnectState(vm, saved, &stopFlags)) > 0) {
        qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_MIGRATED, VIR_ASYNC_JOB_NONE,
                        QEMU_PROCESS_STOP_MIGRATED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                      VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
        virDomainObjEndJob(vm);
        return 1;
    }
    if (rc < 0)
        goto error;
    qemuProcessWatchExit(vm);
    if (virDomainObjSaveStatus(vm) < 0)
        goto error;
    virDomainObjEndJob(vm);
    return 0;

 error:
    VIR_WARN("cannot reconnect to domain %s: %s", vm->def->name,
             NULLSTR(virErrorGetLastMessage()));
    qemuProcessStop(vm, reason, VIR_ASYNC_JOB_NONE, stopFlags);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                  VIR_DOMAIN_EVENT_STOPPED_FAILED);
    virDomainObjEndJob(vm);
    return 1;
}


/**
 * qemuProcessDetach:
 * Lets go of a running domain without stopping it, for a driver that
 * shuts down: the exit watch, the monitor and the pidfd go; QEMU keeps
 * running and its status file stays for the next daemon.  @vm locked.
 */
void
qemuProcessDetach(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    qemuEventLoopUnwatch(&priv->exitWatch);
    if (priv->mon)
        qemuMonitorClose(g_steal_pointer(&priv->mon));
    if (priv->pidfd >= 0)
        close(priv->pidfd);
    priv->pidfd = -1;
    priv->procGen++;
}
