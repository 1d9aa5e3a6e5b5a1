/*
 * vircommandtest.c: spawning children, pidfds and killing, on real /bin/sh
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virthread.h"
#define VIR_COMMAND_PRIV_H_ALLOW
#include "vircommandpriv.h"
#define VIR_PROCESS_PRIV_H_ALLOW
#include "virprocesspriv.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static char *
testMakeTmpDir(void)
{
    g_autoptr(GError) gerr = NULL;
    char *dir = g_dir_make_tmp("vircommandtest-XXXXXX", &gerr);

    g_assert_no_error(gerr);
    return dir;
}


static void
testRemoveTree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        unlink(path);
    }
    rmdir(dir);
}


static void
testToString(void)
{
    g_autoptr(virCommand) cmd = virCommandNewArgList("/usr/bin/qemu", "-name",
                                                     "guest=my vm", NULL);
    g_autofree char *str = NULL;

    virCommandAddEnvPair(cmd, "LC_ALL", "C");
    virCommandAddEnvPair(cmd, "HOME", "/var/lib/it's");
    virCommandAddArgFormat(cmd, "-m%d", 64);
    virCommandAddArgList(cmd, "", "a,b:c=d", "$x", NULL);
    str = virCommandToString(cmd);
    g_assert_cmpstr(str, ==,
                    "LC_ALL=C HOME='/var/lib/it'\\''s' /usr/bin/qemu -name "
                    "'guest=my vm' -m64 '' a,b:c=d '$x'");
}


/* Spawns @cmd, asserting success.  Returns the pidfd. */
static int
testSpawn(virCommand *cmd, pid_t *pid)
{
    int pidfd = -1;

    g_assert_cmpint(virCommandRunAsync(cmd, pid, &pidfd), ==, 0);
    g_assert_cmpint(*pid, >, 1);
    g_assert_cmpint(pidfd, >=, 0);
    return pidfd;
}


/* Kills a sleeping child and measures how soon its pidfd says so. */
static void
testKillNoticed(bool pidfd_supported)
{
    g_autoptr(virCommand) cmd = virCommandNewArgList("/bin/sleep", "30", NULL);
    VIR_AUTOCLOSE pidfd = -1;
    long long t0;
    long long waited;
    pid_t pid;
    int status = 0;

    virProcessSetPidfdSupported(pidfd_supported);
    pidfd = testSpawn(cmd, &pid);
    g_assert_cmpint(virProcessWaitPidfd(pidfd, 0), ==, 0);

    t0 = g_get_monotonic_time();
    g_assert_cmpint(virProcessKill(pid, SIGKILL), ==, 0);
    g_assert_cmpint(virProcessWaitPidfd(pidfd, 5000), ==, 1);
    waited = g_get_monotonic_time() - t0;
    g_printerr("# %s: SIGKILLed child noticed after %.3f ms\n",
               pidfd_supported ? "pidfd" : "SIGCHLD fallback", waited / 1000.0);
    g_assert_cmpint(waited, <, 200 * 1000);

    g_assert_cmpint(virProcessReap(pid, &status), ==, 0);
    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);
    virProcessSetPidfdSupported(true);
}


static void
testKillNoticedPidfd(void)
{
    testKillNoticed(true);
}


static void
testKillNoticedFallback(void)
{
    testKillNoticed(false);
}


static gint
testCompareInt(gconstpointer a, gconstpointer b)
{
    return *(const int *)a - *(const int *)b;
}


/* Waits until @pid sleeps (past exec and libc start-up). */
static void
testWaitSleeping(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%lld/stat", (long long)pid);
    long long deadline = virTimeMonotonicMs() + 5000;

    while (virTimeMonotonicMs() < deadline) {
        g_autofree char *stat = NULL;
        const char *p;

        if (g_file_get_contents(path, &stat, NULL, NULL) &&
            (p = strrchr(stat, ')')) && p[1] == ' ' && p[2] == 'S')
            return;
        g_usleep(1000);
    }
    g_assert_not_reached();
}


static void
testKillPainfully(void)
{
    g_autoptr(virCommand) polite = virCommandNewArgList("/bin/sleep", "30", NULL);
    g_autoptr(virCommand) stubborn = virCommandNewArgList(
        "/bin/sh", "-c", "trap '' TERM; exec /bin/sleep 30", NULL);
    VIR_AUTOCLOSE pidfd = -1;
    long long t0;
    pid_t pid;

    pidfd = testSpawn(polite, &pid);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(virProcessKillPainfully(pid, pidfd, 5000), ==, 0);
    g_printerr("# SIGTERM kill took %.3f ms\n",
               (g_get_monotonic_time() - t0) / 1000.0);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 1000 * 1000);
    g_assert_cmpint(virProcessReap(pid, NULL), ==, 0);
    virForceCloseHelper(&pidfd);

    /* Ignores SIGTERM (an ignored signal survives exec): SIGKILL after
     * the grace period, and no longer. */
    pidfd = testSpawn(stubborn, &pid);
    testWaitSleeping(pid);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(virProcessKillPainfully(pid, -1, 100), ==, 1);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 100 * 1000);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 1000 * 1000);
    g_assert_cmpint(virProcessReap(pid, NULL), ==, 0);
}


/* The child holds exactly 0-2 and the fd we passed, whatever else we had
 * open, close-on-exec or not. */
static void
testNoFdLeak(void)
{
    g_autofree char *dir = testMakeTmpDir();
    g_autofree char *log = g_build_filename(dir, "child.log", NULL);
    g_autofree char *fddir = NULL;
    g_autoptr(virCommand) cmd = virCommandNewArgList("/bin/sleep", "30", NULL);
    g_autoptr(GDir) d = NULL;
    g_autoptr(GString) seen = g_string_new(NULL);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_autofree char *stdinpath = NULL;
    g_autofree char *stdoutpath = NULL;
    g_autofree char *link0 = NULL;
    VIR_AUTOCLOSE pidfd = -1;
    VIR_AUTOCLOSE leaky = open("/dev/zero", O_RDONLY); /* no O_CLOEXEC */
    VIR_AUTOCLOSE passed = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    g_autofree char *expect = g_strdup_printf("0 1 2 %d ", passed);
    const char *name;
    size_t i;
    pid_t pid;

    g_assert_cmpint(leaky, >, 2);
    virCommandAddEnvPair(cmd, "LC_ALL", "C");
    virCommandSetLogFile(cmd, log);
    virCommandPassFD(cmd, passed, 0);
    pidfd = testSpawn(cmd, &pid);
    testWaitSleeping(pid);

    fddir = g_strdup_printf("/proc/%lld/fd", (long long)pid);
    d = g_dir_open(fddir, 0, NULL);
    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        int fd = (int)g_ascii_strtoll(name, NULL, 10);
        g_array_append_val(fds, fd);
    }
    g_array_sort(fds, testCompareInt);
    for (i = 0; i < fds->len; i++)
        g_string_append_printf(seen, "%d ", g_array_index(fds, int, i));
    g_assert_cmpstr(seen->str, ==, expect);

    link0 = g_strdup_printf("%s/0", fddir);
    stdinpath = g_file_read_link(link0, NULL);
    g_free(link0);
    link0 = g_strdup_printf("%s/1", fddir);
    stdoutpath = g_file_read_link(link0, NULL);
    g_assert_cmpstr(stdinpath, ==, "/dev/null");
    g_assert_cmpstr(stdoutpath, ==, log);

    g_assert_cmpint(virProcessKillPainfully(pid, pidfd, 1000), ==, 0);
    g_assert_cmpint(virProcessReap(pid, NULL), ==, 0);
    testRemoveTree(dir);
}


/* Environment, working directory, appended log and pid file. */
static void
testEnvCwdLog(void)
{
    g_autofree char *dir = testMakeTmpDir();
    g_autofree char *log = g_build_filename(dir, "child.log", NULL);
    g_autofree char *pidfile = g_build_filename(dir, "child.pid", NULL);
    g_autoptr(virCommand) cmd = virCommandNewArgList(
        "sh", "-c", "echo \"$VIRT_TEST_VAR $(pwd)\"; echo to-stderr >&2; exit 3",
        NULL);
    g_autofree char *content = NULL;
    g_autofree char *pidcontent = NULL;
    g_autofree char *tail = g_strdup_printf("value %s\nto-stderr\n", dir);
    g_autofree char *pidexpect = NULL;
    g_autofree char *statusstr = NULL;
    VIR_AUTOCLOSE pidfd = -1;
    pid_t pid;
    int status = 0;

    g_assert_true(g_file_set_contents(log, "old line\n", -1, NULL));
    virCommandAddEnvPair(cmd, "VIRT_TEST_VAR", "value");
    virCommandSetWorkingDirectory(cmd, dir);
    virCommandSetLogFile(cmd, log);
    virCommandSetPidFile(cmd, pidfile);
    pidfd = testSpawn(cmd, &pid);
    g_assert_cmpint(virProcessWaitPidfd(pidfd, 5000), ==, 1);
    g_assert_cmpint(virProcessReap(pid, &status), ==, 0);
    statusstr = virProcessTranslateStatus(status);
    g_assert_cmpstr(statusstr, ==, "exit status 3");

    g_assert_true(g_file_get_contents(log, &content, NULL, NULL));
    g_assert_true(g_str_has_prefix(content, "old line\n"));
    g_assert_nonnull(strstr(content, "+0000: starting: VIRT_TEST_VAR=value sh -c "));
    g_assert_true(g_str_has_suffix(content, tail));

    pidexpect = g_strdup_printf("%lld\n", (long long)pid);
    g_assert_true(g_file_get_contents(pidfile, &pidcontent, NULL, NULL));
    g_assert_cmpstr(pidcontent, ==, pidexpect);
    testRemoveTree(dir);
}


static void
testSpawnFailures(void)
{
    g_autoptr(virCommand) missing = virCommandNew("/nonexistent/binary");
    g_autoptr(virCommand) notinpath = virCommandNew("virtmig-no-such-program");
    g_autoptr(virCommand) baddir = virCommandNewArgList("/bin/true", NULL);
    g_autoptr(virCommand) badfd = virCommandNewArgList("/bin/true", NULL);
    pid_t pid = 0;
    int pidfd = -1;

    g_assert_cmpint(virCommandRunAsync(missing, &pid, &pidfd), ==, -1);
    g_assert_nonnull(strstr(virTestLastErrorMessage(),
                            "cannot execute binary '/nonexistent/binary'"));
    g_assert_cmpint(virCommandRunAsync(notinpath, &pid, &pidfd), ==, -1);
    g_assert_nonnull(strstr(virTestLastErrorMessage(), "cannot find"));

    virCommandSetWorkingDirectory(baddir, "/nonexistent/dir");
    g_assert_cmpint(virCommandRunAsync(baddir, &pid, &pidfd), ==, -1);
    g_assert_nonnull(strstr(virTestLastErrorMessage(), "cannot change directory"));

    virCommandPassFD(badfd, 1, 0);
    g_assert_cmpint(virCommandRunAsync(badfd, &pid, &pidfd), ==, -1);
    g_assert_nonnull(strstr(virTestLastErrorMessage(), "file descriptor 1"));

    /* outputs untouched on failure; no zombie left behind */
    g_assert_cmpint(pid, ==, 0);
    g_assert_cmpint(pidfd, ==, -1);
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
}


/* A child that has not exec()ed when the bound is reached (0 ms here: no
 * child is that fast) is killed and reaped, and the spawn fails with a
 * timeout instead of waiting for it without limit. */
static void
testExecTimeout(void)
{
    g_autoptr(virCommand) cmd = virCommandNewArgList("/bin/sleep", "30", NULL);
    long long start = virTimeMonotonicMs();
    pid_t pid = 0;
    int pidfd = -1;

    virCommandSetExecTimeout(0);
    g_assert_cmpint(virCommandRunAsync(cmd, &pid, &pidfd), ==, -1);
    virCommandSetExecTimeout(VIR_COMMAND_EXEC_TIMEOUT_MS);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(
        strstr(virTestLastErrorMessage(),
               "child process for '/bin/sleep' did not start within 0 ms"));
    g_assert_cmpint(pid, ==, 0);
    g_assert_cmpint(pidfd, ==, -1);
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
    g_assert_cmpint(virTimeMonotonicMs() - start, <, 10000);

    /* the default bound lets the same command start */
    g_assert_cmpint(virCommandRunAsync(cmd, &pid, &pidfd), ==, 0);
    g_assert_cmpint(virProcessKill(pid, SIGKILL), ==, 0);
    g_assert_cmpint(virProcessWaitPidfd(pidfd, 10000), ==, 1);
    g_assert_cmpint(virProcessReap(pid, NULL), ==, 0);
    close(pidfd);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/command/to-string", testToString);
    g_test_add_func("/command/kill-noticed-pidfd", testKillNoticedPidfd);
    g_test_add_func("/command/kill-noticed-sigchld", testKillNoticedFallback);
    g_test_add_func("/command/kill-painfully", testKillPainfully);
    g_test_add_func("/command/no-fd-leak", testNoFdLeak);
    g_test_add_func("/command/env-cwd-log", testEnvCwdLog);
    g_test_add_func("/command/spawn-failures", testSpawnFailures);
    g_test_add_func("/command/exec-timeout", testExecTimeout);
    return g_test_run();
}
