/*
 * virprocess.c: watching, signalling and reaping child processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VIR_PROCESS_PRIV_H_ALLOW
#include "virprocesspriv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("util.process");

/*
 * The SIGCHLD fallback, for kernels without pidfd_open.  Each watched child
 * has a slot holding its pid and the write end of a pipe; the caller got
 * the read end.  The signal handler closes the write end of every slot
 * whose child has exited (checked with waitid(WNOWAIT), so the zombie is
 * left for the owner to reap), which makes the read end readable (EOF).
 *
 * Slots change hands with atomic compare-and-exchange on @pid only, so
 * the handler never takes a lock: 0 = free, -1 = being filled or being
 * released, > 0 = watching that pid.
 */
#define VIR_PROCESS_WATCH_SLOTS 1024

typedef struct {
    gint pid;
    int wfd;
} virProcessWatchSlot;

static virProcessWatchSlot virProcessWatchSlots[VIR_PROCESS_WATCH_SLOTS];
static struct sigaction virProcessOldSigchld;
static gint virProcessPidfdDisabled;


void
virProcessSetPidfdSupported(bool supported)
{
    g_atomic_int_set(&virProcessPidfdDisabled, !supported);
}


/* Releases @slot if its child @pid has exited (or was reaped behind our
 * back).  Async-signal-safe: waitid, close and lock-free atomics only. */
static void
virProcessWatchCheck(virProcessWatchSlot *slot, bool force)
{
    int pid = g_atomic_int_get(&slot->pid);
    siginfo_t si;

    if (pid <= 0)
        return;
    if (!force) {
        memset(&si, 0, sizeof(si));
        if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            si.si_pid == 0)
            return; /* still running */
    }
    if (!g_atomic_int_compare_and_exchange(&slot->pid, pid, -1))
        return; /* someone else is releasing it */
    close(slot->wfd);
    slot->wfd = -1;
    g_atomic_int_set(&slot->pid, 0);
}


static void
virProcessSigchldHandler(int sig, siginfo_t *info, void *ctx)
{
    int saved = errno;
    size_t i;

    for (i = 0; i < VIR_PROCESS_WATCH_SLOTS; i++)
        virProcessWatchCheck(&virProcessWatchSlots[i], false);
    errno = saved;

    /* Chain to whatever handler was there before us. */
    if (virProcessOldSigchld.sa_flags & SA_SIGINFO) {
        if (virProcessOldSigchld.sa_sigaction)
            virProcessOldSigchld.sa_sigaction(sig, info, ctx);
    } else if (virProcessOldSigchld.sa_handler != SIG_DFL &&
               virProcessOldSigchld.sa_handler != SIG_IGN) {
        virProcessOldSigchld.sa_handler(sig);
    }
}


static gpointer
virProcessSigchldInstall(gpointer data G_GNUC_UNUSED)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = virProcessSigchldHandler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, &virProcessOldSigchld) < 0)
        return GINT_TO_POINTER(errno);
    return GINT_TO_POINTER(0);
}


/* Releases the fallback slot watching @pid, if any (the child was reaped). */
static void
virProcessWatchRelease(pid_t pid)
{
    size_t i;

    for (i = 0; i < VIR_PROCESS_WATCH_SLOTS; i++) {
        if (g_atomic_int_get(&virProcessWatchSlots[i].pid) == pid)
            virProcessWatchCheck(&virProcessWatchSlots[i], true);
    }
}


static int
virProcessPidfdOpenFallback(pid_t pid)
{
    static GOnce once = G_ONCE_INIT;
    int err = GPOINTER_TO_INT(g_once(&once, virProcessSigchldInstall, NULL));
    VIR_AUTOCLOSE rfd = -1;
    int fds[2];
    int fd;
    size_t i;

    if (err != 0) {
        virReportSystemError(err, "%s", _("cannot install SIGCHLD handler"));
        return -1;
    }
    if (pipe2(fds, O_CLOEXEC) < 0) {
        virReportSystemError(errno, "%s", _("cannot create pipe"));
        return -1;
    }
    rfd = fds[0];
    for (i = 0; i < VIR_PROCESS_WATCH_SLOTS; i++) {
        virProcessWatchSlot *slot = &virProcessWatchSlots[i];

        if (!g_atomic_int_compare_and_exchange(&slot->pid, 0, -1))
            continue;
        slot->wfd = fds[1];
        g_atomic_int_set(&slot->pid, pid);
        /* The child may have exited before the slot was filled. */
        virProcessWatchCheck(slot, false);
        VIR_DEBUG("watching pid %lld through SIGCHLD (slot %zu)",
                  (long long)pid, i);
        fd = rfd;
        rfd = -1;
        return fd;
    }
    close(fds[1]);
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("too many child processes to watch (limit %1$d)"),
                   VIR_PROCESS_WATCH_SLOTS);
    return -1;
}


/*
 * virProcessPidfdOpen:
 * @pid: a child of this process that has not been reaped
 *
 * Returns an fd (close-on-exec) that becomes readable as soon as @pid
 * exits, for poll() or a GLib fd source: a pidfd where the kernel has
 * pidfd_open, otherwise a pipe signalled from a SIGCHLD handler (which
 * only works for our own children).  Reading it is never needed.  The
 * caller owns the fd and closes it; the child must still be reaped with
 * virProcessReap.  Returns -1 with an error reported on failure.
 */
int
virProcessPidfdOpen(pid_t pid)
{
    int fd;

    if (!g_atomic_int_get(&virProcessPidfdDisabled)) {
        fd = syscall(SYS_pidfd_open, pid, 0);
        if (fd >= 0)
            return fd;
        if (errno != ENOSYS) {
            virReportSystemError(errno, _("cannot open pidfd of process %1$lld"),
                                 (long long)pid);
            return -1;
        }
        VIR_INFO("pidfd_open is not available, watching children via SIGCHLD");
        g_atomic_int_set(&virProcessPidfdDisabled, 1);
    }
    return virProcessPidfdOpenFallback(pid);
}


/*
 * virProcessWaitPidfd:
 * @pidfd: from virProcessPidfdOpen
 * @timeoutMs: how long to wait, >= 0 (0 = just check)
 *
 * Blocks in poll() until the process has exited or @timeoutMs passed.
 * Returns 1 if it has exited, 0 on timeout, -1 with an error reported.
 */
int
virProcessWaitPidfd(int pidfd, long long timeoutMs)
{
    long long deadline = virTimeMonotonicMs() + MAX(timeoutMs, 0);
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

    for (;;) {
        long long left = MAX(deadline - virTimeMonotonicMs(), 0);
        int r = poll(&pfd, 1, (int)MIN(left, G_MAXINT));

        if (r > 0)
            return 1;
        if (r == 0) {
            if (left == 0)
                return 0;
            continue; /* woke a little early: re-check the deadline */
        }
        if (errno != EINTR) {
            virReportSystemError(errno, "%s", _("cannot poll process fd"));
            return -1;
        }
    }
}


/*
 * virProcessReap:
 * @pid: a child of this process
 * @retStatus: set to the raw waitpid() status on success (may be NULL)
 *
 * Waits for @pid and collects its exit status.  Call it once the pidfd is
 * readable, so it does not block.  Returns 0, or -1 with an error reported.
 */
int
virProcessReap(pid_t pid, int *retStatus)
{
    int status = 0;
    pid_t r;

    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    virProcessWatchRelease(pid);
    if (r < 0) {
        virReportSystemError(errno, _("cannot wait for process %1$lld"),
                             (long long)pid);
        return -1;
    }
    VIR_DEBUG("reaped pid %lld, status 0x%x", (long long)pid, status);
    if (retStatus)
        *retStatus = status;
    return 0;
}


/*
 * virProcessGetCPUTime:
 * The CPU time all threads of @pid used so far, in ns, read from the
 * process's CPU-time clock: one system call, where /proc/PID/stat takes
 * five and a text parse (about 30 us against 2 us per call here).
 * Returns 0 when @pid is gone or not ours to read (nothing reported).
 */
unsigned long long
virProcessGetCPUTime(pid_t pid)
{
    clockid_t clock;
    struct timespec ts;

    if (pid <= 0 || clock_getcpuclockid(pid, &clock) != 0 ||
        clock_gettime(clock, &ts) < 0)
        return 0;
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}


/*
 * virProcessKill:
 * Sends @sig to @pid, refusing pids 0, 1 and negative ones (which would
 * hit process groups or init).  Returns 0, or -1 with errno set and
 * nothing reported: ESRCH is often expected and the caller decides.
 * A child we have not reaped cannot have its pid reused, so this is safe
 * for our own children.
 */
int
virProcessKill(pid_t pid, int sig)
{
    if (pid <= 1) {
        errno = ESRCH;
        return -1;
    }
    return kill(pid, sig);
}


/*
 * virProcessKillPainfully:
 * @pid: the process to terminate (normally our child)
 * @pidfd: its pidfd, or -1 to open one here
 * @graceMs: how long SIGTERM gets before SIGKILL
 *
 * Sends SIGTERM and waits on the pidfd (no sleeping: it returns as soon as
 * the process exits) for up to @graceMs, then SIGKILL and waits up to
 * VIR_PROCESS_KILL_TIMEOUT_MS.  The process is not reaped.  Returns 0 if
 * it exited after SIGTERM, 1 if SIGKILL was needed, -1 with an error
 * reported if it survived both.
 */
int
virProcessKillPainfully(pid_t pid, int pidfd, long long graceMs)
{
    VIR_AUTOCLOSE ownfd = -1;
    int r;

    if (pidfd < 0) {
        if ((ownfd = virProcessPidfdOpen(pid)) < 0)
            return -1;
        pidfd = ownfd;
    }
    VIR_DEBUG("pid=%lld graceMs=%lld", (long long)pid, graceMs);
    if (virProcessKill(pid, SIGTERM) < 0 && errno != ESRCH) {
        virReportSystemError(errno, _("cannot send SIGTERM to process %1$lld"),
                             (long long)pid);
        return -1;
    }
    if ((r = virProcessWaitPidfd(pidfd, graceMs)) != 0)
        return r > 0 ? 0 : -1;

    VIR_DEBUG("pid %lld survived SIGTERM for %lld ms, sending SIGKILL",
              (long long)pid, graceMs);
    if (virProcessKill(pid, SIGKILL) < 0 && errno != ESRCH) {
        virReportSystemError(errno, _("cannot send SIGKILL to process %1$lld"),
                             (long long)pid);
        return -1;
    }
    if ((r = virProcessWaitPidfd(pidfd, VIR_PROCESS_KILL_TIMEOUT_MS)) != 0)
        return r > 0 ? 1 : -1;
    virReportSystemError(EBUSY, _("failed to terminate process %1$lld with SIGKILL"),
                         (long long)pid);
    return -1;
}


/*
 * virProcessTranslateStatus:
 * Describes a raw waitpid() @status for messages ("exit status 1",
 * "fatal signal 9").  Caller owns the result.
 */
char *
virProcessTranslateStatus(int status)
{
    if (WIFEXITED(status))
        return g_strdup_printf(_("exit status %1$d"), WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return g_strdup_printf(_("fatal signal %1$d"), WTERMSIG(status));
    return g_strdup_printf(_("invalid value %1$d"), status);
}
