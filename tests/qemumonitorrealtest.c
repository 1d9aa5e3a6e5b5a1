/*
 * qemumonitorrealtest.c: vircommand and the QMP monitor on a real QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Starts qemu-system-x86_64 paused (TCG, 64 MiB, no devices), drives it
 * through its monitor (status, cont, stop, events, passing a descriptor,
 * quit) and prints how long each step took: QMP readiness after exec, and
 * how soon the exit is noticed through the pidfd after quit or SIGTERM.  Skips (77) without
 * QEMU.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu_monitor.h"
#include "testutils.h"
#include "vircommand.h"
#include "virerror.h"
#include "virfile.h"
#include "virobject.h"
#include "virprocess.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef struct {
    GMutex lock;
    GCond cond;
    GString *events;
    int eofs;
} realLog;

typedef struct {
    char *binary;
    char *dir;
    char *sock;
    char *log;
    char *pidfile;
    pid_t pid;
    int pidfd;
    qemuMonitor *mon;
    realLog cbl;
    long long execUs;   /* spawn duration (fork to exec) */
    long long readyUs;  /* exec to handshake done */
} realQemu;


static void
realLogAdd(realLog *cbl, const char *what)
{
    g_mutex_lock(&cbl->lock);
    g_string_append_printf(cbl->events, "%s%s", cbl->events->len ? " " : "", what);
    g_cond_broadcast(&cbl->cond);
    g_mutex_unlock(&cbl->lock);
}


static void
realCbEvent(qemuMonitor *mon G_GNUC_UNUSED, const char *event,
            json_object *data G_GNUC_UNUSED, long long seconds G_GNUC_UNUSED,
            unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    realLogAdd(opaque, event);
}


static void
realCbEof(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    realLog *cbl = opaque;

    g_mutex_lock(&cbl->lock);
    cbl->eofs++;
    g_mutex_unlock(&cbl->lock);
    realLogAdd(cbl, "eof");
}


static const qemuMonitorCallbacks realCallbacks = {
    .eofNotify = realCbEof,
    .domainEvent = realCbEvent,
};


/* Waits (2 s at most) until the event log contains @what. */
static void
realWaitEvent(realLog *cbl, const char *what)
{
    long long deadline = virTimeMonotonicMs() + 2000;

    g_mutex_lock(&cbl->lock);
    while (!strstr(cbl->events->str, what) &&
           virCondWaitUntil(&cbl->cond, &cbl->lock, deadline) == 0)
        ;
    if (!strstr(cbl->events->str, what))
        g_error("event %s not seen; got '%s'", what, cbl->events->str);
    g_string_truncate(cbl->events, 0);
    g_mutex_unlock(&cbl->lock);
}


static unsigned int
realCountFds(void)
{
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    unsigned int n = 0;

    while (g_dir_read_name(dir))
        n++;
    return n;
}


/* A listening socket at @path, for QEMU to inherit (fd passing). */
static int
realListen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}


/* Starts QEMU and connects its monitor.  With @passListener we create and
 * listen on the QMP socket ourselves and pass it to QEMU, so connecting
 * never has to wait for QEMU to create it. */
static void
realStart(realQemu *q, bool passListener)
{
    g_autoptr(virCommand) cmd = virCommandNewArgList(
        q->binary, "-S", "-no-user-config", "-nodefaults", "-machine", "pc",
        "-accel", "tcg", "-m", "64", "-display", "none", NULL);
    long long t0;
    long long t1;

    unlink(q->sock);
    if (passListener) {
        int lfd = realListen(q->sock);

        virCommandAddArg(cmd, "-chardev");
        virCommandAddArgFormat(cmd, "socket,id=qmp,fd=%d,server=on,wait=off", lfd);
        virCommandAddArgList(cmd, "-mon", "chardev=qmp,mode=control", NULL);
        virCommandPassFD(cmd, lfd, VIR_COMMAND_PASS_FD_CLOSE_PARENT);
    } else {
        virCommandAddArg(cmd, "-qmp");
        virCommandAddArgFormat(cmd, "unix:%s,server=on,wait=off", q->sock);
    }
    virCommandSetLogFile(cmd, q->log);
    virCommandSetPidFile(cmd, q->pidfile);

    t0 = g_get_monotonic_time();
    if (virCommandRunAsync(cmd, &q->pid, &q->pidfd) < 0)
        g_error("cannot start QEMU: %s", virTestLastErrorMessage());
    t1 = g_get_monotonic_time();
    q->mon = qemuMonitorOpen(q->sock, "realtest", q->pidfd, 10000,
                             &realCallbacks, &q->cbl);
    if (!q->mon)
        g_error("cannot open the QEMU monitor: %s", virTestLastErrorMessage());
    q->execUs = t1 - t0;
    q->readyUs = g_get_monotonic_time() - t1;
}


/* Waits for QEMU to exit, reaps it and closes what we hold. */
static void
realStop(realQemu *q, int expectSignal)
{
    int status = 0;

    g_assert_cmpint(virProcessWaitPidfd(q->pidfd, 5000), ==, 1);
    g_assert_cmpint(virProcessReap(q->pid, &status), ==, 0);
    if (expectSignal)
        g_assert_true(WIFEXITED(status) || WTERMSIG(status) == expectSignal);
    else
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    qemuMonitorClose(g_steal_pointer(&q->mon));
    virForceCloseHelper(&q->pidfd);
    unlink(q->pidfile);
}


static void
realLifecycle(realQemu *q)
{
    g_autofree char *status = NULL;
    g_autofree char *status2 = NULL;
    g_autofree char *status3 = NULL;
    unsigned int major = 0;
    unsigned int minor = 0;
    unsigned int micro = 0;
    unsigned int cpus = 0;
    bool running = true;

    VIR_WITH_OBJECT_LOCK_GUARD(q->mon) {
        g_assert_cmpint(qemuMonitorGetStatus(q->mon, &running, &status), ==, 0);
        g_assert_false(running);
        g_assert_cmpstr(status, ==, "prelaunch");
        g_assert_cmpint(qemuMonitorGetVersion(q->mon, &major, &minor, &micro, NULL), ==, 0);
        g_assert_cmpint(qemuMonitorGetCPUCount(q->mon, &cpus), ==, 0);
        g_assert_cmpuint(cpus, ==, 1);

        g_assert_cmpint(qemuMonitorStartCPUs(q->mon), ==, 0);
        realWaitEvent(&q->cbl, "RESUME");
        g_assert_cmpint(qemuMonitorGetStatus(q->mon, &running, &status2), ==, 0);
        g_assert_true(running);
        g_assert_cmpstr(status2, ==, "running");

        g_assert_cmpint(qemuMonitorStopCPUs(q->mon), ==, 0);
        realWaitEvent(&q->cbl, "STOP");
        g_assert_cmpint(qemuMonitorGetStatus(q->mon, &running, &status3), ==, 0);
        g_assert_false(running);
        g_assert_cmpstr(status3, ==, "paused");
    }
    printf("QEMU %u.%u.%u\n", major, minor, micro);
}


/* getfd passes a descriptor (SCM_RIGHTS with the command's bytes) and
 * closefd drops it: QEMU's copy of a pipe's write end keeps the pipe
 * open after ours is closed, until closefd. */
static void
realPassFD(realQemu *q)
{
    int pipefd[2];
    char c;

    g_assert_cmpint(g_unix_open_pipe(pipefd, FD_CLOEXEC, NULL), !=, 0);
    g_assert_true(g_unix_set_fd_nonblocking(pipefd[0], TRUE, NULL));
    VIR_WITH_OBJECT_LOCK_GUARD(q->mon) {
        g_assert_cmpint(qemuMonitorSendFileHandle(q->mon, "t", pipefd[1]), ==, 0);
        virForceCloseHelper(&pipefd[1]);
        g_assert_cmpint(read(pipefd[0], &c, 1), ==, -1);
        g_assert_cmpint(errno, ==, EAGAIN);
        g_assert_cmpint(qemuMonitorCloseFileHandle(q->mon, "t"), ==, 0);
        g_assert_cmpint(read(pipefd[0], &c, 1), ==, 0);
        g_assert_cmpint(qemuMonitorCloseFileHandle(q->mon, "t"), ==, -1);
        g_assert_nonnull(strstr(virTestLastErrorMessage(), "not found"));
    }
    virForceCloseHelper(&pipefd[0]);
}


/* quit: how soon after the command is the exit seen on the pidfd? */
static void
realQuit(realQemu *q)
{
    long long t0 = g_get_monotonic_time();
    long long replied;
    long long exited;

    VIR_WITH_OBJECT_LOCK_GUARD(q->mon) {
        g_assert_cmpint(qemuMonitorQuit(q->mon), ==, 0);
    }
    replied = g_get_monotonic_time() - t0;
    g_assert_cmpint(virProcessWaitPidfd(q->pidfd, 5000), ==, 1);
    exited = g_get_monotonic_time() - t0;
    realWaitEvent(&q->cbl, "eof");
    printf("quit: reply after %.2f ms, exit noticed via pidfd after %.2f ms\n",
           replied / 1000.0, exited / 1000.0);
    g_assert_cmpint(exited, <, 1000 * 1000);
    realStop(q, 0);
}


/* virProcessKillPainfully: SIGTERM, noticed at once (no fixed sleep). */
static void
realKill(realQemu *q)
{
    long long t0 = g_get_monotonic_time();
    long long took;

    g_assert_cmpint(virProcessKillPainfully(q->pid, q->pidfd, 5000), ==, 0);
    took = g_get_monotonic_time() - t0;
    printf("SIGTERM: exit noticed via pidfd after %.2f ms\n", took / 1000.0);
    g_assert_cmpint(took, <, 1000 * 1000);
    realStop(q, SIGTERM);
}


static void
realCheckPidfile(realQemu *q)
{
    g_autofree char *content = NULL;
    g_autofree char *expect = g_strdup_printf("%lld\n", (long long)q->pid);

    g_assert_true(g_file_get_contents(q->pidfile, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, expect);
}


int
main(int argc, char **argv)
{
    realQemu q = { 0 };
    unsigned int fds0;
    size_t i;

    virTestInit(&argc, &argv);
    if (!(q.binary = g_find_program_in_path("qemu-system-x86_64"))) {
        printf("SKIP: qemu-system-x86_64 not found\n");
        return 77;
    }
    q.dir = g_dir_make_tmp("qemumonitorrealtest-XXXXXX", NULL);
    q.sock = g_build_filename(q.dir, "qmp.sock", NULL);
    q.log = g_build_filename(q.dir, "qemu.log", NULL);
    q.pidfile = g_build_filename(q.dir, "qemu.pid", NULL);
    g_mutex_init(&q.cbl.lock);
    g_cond_init(&q.cbl.cond);
    q.cbl.events = g_string_new(NULL);
    fds0 = realCountFds();

    for (i = 0; i < 6; i++) {
        bool pass = i % 2 == 1;

        /* the first monitor makes GLib open its global context's eventfd */
        if (i == 1)
            fds0 = realCountFds();
        realStart(&q, pass);
        printf("%s: spawn %.2f ms, QMP ready %.2f ms after exec\n",
               pass ? "passed listener" : "-qmp unix:PATH", q.execUs / 1000.0,
               q.readyUs / 1000.0);
        realCheckPidfile(&q);
        if (i < 2) {
            realLifecycle(&q);
            realPassFD(&q);
        }
        if (i < 4)
            realQuit(&q);
        else
            realKill(&q);
    }
    g_assert_cmpuint(realCountFds(), ==, fds0);
    printf("fds after: %u, before: %u\n", realCountFds(), fds0);

    unlink(q.sock);
    unlink(q.log);
    rmdir(q.dir);
    g_free(q.binary);
    g_free(q.dir);
    g_free(q.sock);
    g_free(q.log);
    g_free(q.pidfile);
    g_string_free(q.cbl.events, TRUE);
    g_mutex_clear(&q.cbl.lock);
    g_cond_clear(&q.cbl.cond);
    return 0;
}
