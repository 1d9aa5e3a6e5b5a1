/*
 * vircommand.c: spawning child processes (QEMU and helpers)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything the child needs (argv, envp, fds, the sorted list of fds to
 * keep) is prepared before fork(): between fork() and exec() a child of a
 * multi-threaded process may only call async-signal-safe functions, so
 * the child side (virCommandChild) uses raw syscalls only.  An exec-status
 * pipe (close-on-exec) tells the parent whether exec() worked: EOF means
 * it did, otherwise the child wrote which step failed and its errno.
 */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIR_COMMAND_PRIV_H_ALLOW
#include "vircommandpriv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virprocess.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("util.command");

static long long virCommandExecTimeoutMs = VIR_COMMAND_EXEC_TIMEOUT_MS;

extern char **environ;

struct _virCommand {
    GPtrArray *args;  /* argv[0] is the binary as given */
    GPtrArray *env;   /* "NAME=value" additions */
    char *workdir;
    char *logfile;
    char *pidfile;
    GArray *passfds;  /* int: fds the child keeps */
    GArray *ownfds;   /* int: fds we close (VIR_COMMAND_PASS_FD_CLOSE_PARENT) */
    cpu_set_t *affinity; /* NULL: inherited */
    int stdio[3];        /* borrowed fds for 0-2; -1: /dev/null or the log */
};

/* What the child reports through the exec-status pipe on failure. */
typedef enum {
    VIR_COMMAND_STEP_NONE = 0,
    VIR_COMMAND_STEP_SETSID,
    VIR_COMMAND_STEP_DUP,
    VIR_COMMAND_STEP_KEEPFD,
    VIR_COMMAND_STEP_CHDIR,
    VIR_COMMAND_STEP_AFFINITY,
    VIR_COMMAND_STEP_EXEC,
} virCommandStep;

typedef struct {
    int step;
    int err;
} virCommandChildStatus;

/* Everything the child side needs, prepared before fork. */
typedef struct {
    const char *path;
    char **argv;
    char **envp;
    const char *workdir;
    const cpu_set_t *affinity;
    int nullfd;
    int logfd;
    int errfd;
    int statusfd;
    const int *keep;  /* sorted, includes statusfd */
    size_t nkeep;
    const int *passfds;
    size_t npassfds;
    long maxfd;
} virCommandChildSetup;


/*
 * virCommandNew:
 * Starts a command that will run @binary (an absolute path, or a name
 * looked up in $PATH when spawning).  Caller owns the result and frees it
 * with virCommandFree.
 */
virCommand *
virCommandNew(const char *binary)
{
    virCommand *cmd = g_new0(virCommand, 1);

    cmd->args = g_ptr_array_new_with_free_func(g_free);
    cmd->env = g_ptr_array_new_with_free_func(g_free);
    cmd->passfds = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->ownfds = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->stdio[0] = cmd->stdio[1] = cmd->stdio[2] = -1;
    g_ptr_array_add(cmd->args, g_strdup(binary));
    return cmd;
}


/*
 * virCommandNewArgList:
 * virCommandNew(@binary) plus the NULL-terminated argument list.  Caller
 * owns the result.
 */
virCommand *
virCommandNewArgList(const char *binary, ...)
{
    virCommand *cmd = virCommandNew(binary);
    const char *arg;
    va_list ap;

    va_start(ap, binary);
    while ((arg = va_arg(ap, const char *)))
        virCommandAddArg(cmd, arg);
    va_end(ap);
    return cmd;
}


/*
 * virCommandFree:
 * Frees @cmd (NULL is fine) and closes the fds it owns.  A child already
 * spawned is not affected.
 */
void
virCommandFree(virCommand *cmd)
{
    size_t i;

    if (!cmd)
        return;
    for (i = 0; i < cmd->ownfds->len; i++)
        close(g_array_index(cmd->ownfds, int, i));
    g_ptr_array_unref(cmd->args);
    g_ptr_array_unref(cmd->env);
    g_array_unref(cmd->passfds);
    g_array_unref(cmd->ownfds);
    g_free(cmd->workdir);
    g_free(cmd->affinity);
    g_free(cmd->logfile);
    g_free(cmd->pidfile);
    g_free(cmd);
}


/* virCommandAddArg: appends a copy of @arg to the argument list. */
void
virCommandAddArg(virCommand *cmd, const char *arg)
{
    g_ptr_array_add(cmd->args, g_strdup(arg));
}


/* virCommandAddArgFormat: appends a printf-formatted argument. */
void
virCommandAddArgFormat(virCommand *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(cmd->args, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}


/* virCommandAddArgList: appends each argument of a NULL-terminated list. */
void
virCommandAddArgList(virCommand *cmd, ...)
{
    const char *arg;
    va_list ap;

    va_start(ap, cmd);
    while ((arg = va_arg(ap, const char *)))
        virCommandAddArg(cmd, arg);
    va_end(ap);
}


/*
 * virCommandAddEnvPair:
 * Sets NAME=value in the child's environment, on top of (and overriding)
 * the daemon's own environment.
 */
void
virCommandAddEnvPair(virCommand *cmd, const char *name, const char *value)
{
    g_ptr_array_add(cmd->env, g_strdup_printf("%s=%s", name, value));
}


/* virCommandSetWorkingDirectory: the child chdir()s to @dir before exec. */
void
virCommandSetWorkingDirectory(virCommand *cmd, const char *dir)
{
    g_free(cmd->workdir);
    cmd->workdir = g_strdup(dir);
}


/*
 * virCommandSetAffinity:
 * The child runs on the host CPUs of @set (sched_setaffinity before exec,
 * so every thread it creates inherits them).
 */
void
virCommandSetAffinity(virCommand *cmd, const cpu_set_t *set)
{
    g_free(cmd->affinity);
    cmd->affinity = g_memdup2(set, sizeof(*set));
}


/*
 * virCommandSetLogFile:
 * The child's stdout and stderr are appended to @path (created 0600 when
 * missing).  Without a log file they go to /dev/null.
 */
void
virCommandSetLogFile(virCommand *cmd, const char *path)
{
    g_free(cmd->logfile);
    cmd->logfile = g_strdup(path);
}


/*
 * virCommandSetStdio:
 * The child gets @infd as stdin, @outfd as stdout and @errfd as stderr
 * instead of /dev/null and the log file; -1 keeps the default for that
 * one.  The fds are borrowed: they must stay open until
 * virCommandRunAsync returns, and the caller closes them after.
 */
void
virCommandSetStdio(virCommand *cmd, int infd, int outfd, int errfd)
{
    cmd->stdio[0] = infd;
    cmd->stdio[1] = outfd;
    cmd->stdio[2] = errfd;
}


/*
 * virCommandSetPidFile:
 * After a successful spawn, the child's pid is written to @path (by us,
 * atomically), so a restarted daemon can find the process again.
 */
void
virCommandSetPidFile(virCommand *cmd, const char *path)
{
    g_free(cmd->pidfile);
    cmd->pidfile = g_strdup(path);
}


/*
 * virCommandPassFD:
 * Keeps @fd open in the child under the same number; every fd not passed
 * this way (except 0-2) is closed in the child.  With
 * VIR_COMMAND_PASS_FD_CLOSE_PARENT the command steals @fd.  Passing one of
 * 0-2 or an invalid fd makes virCommandRunAsync fail.
 */
void
virCommandPassFD(virCommand *cmd, int fd, unsigned int flags)
{
    g_array_append_val(cmd->passfds, fd);
    if (flags & VIR_COMMAND_PASS_FD_CLOSE_PARENT)
        g_array_append_val(cmd->ownfds, fd);
}


/*
 * virCommandAppendQuoted:
 * Appends @str to @buf in single quotes, each ' in it written as '\'':
 * one word for a POSIX shell, whatever it holds.
 */
void
virCommandAppendQuoted(GString *buf, const char *str)
{
    const char *p;

    g_string_append_c(buf, '\'');
    for (p = str; *p; p++) {
        if (*p == '\'')
            g_string_append(buf, "'\\''");
        else
            g_string_append_c(buf, *p);
    }
    g_string_append_c(buf, '\'');
}


/* Appends @arg to @buf, single-quoted only when the shell needs it. */
static void
virCommandQuoteArg(GString *buf, const char *arg)
{
    const char *safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_./,:=@%+-";

    if (*arg && strspn(arg, safe) == strlen(arg))
        g_string_append(buf, arg);
    else
        virCommandAppendQuoted(buf, arg);
}


/*
 * virCommandToString:
 * The command as one shell-quoted line, environment additions first
 * ("A=b /usr/bin/qemu-system-x86_64 -name 'my vm' ..."), for logs and
 * golden tests.  Caller owns the result.
 */
char *
virCommandToString(const virCommand *cmd)
{
    GString *buf = g_string_new(NULL);
    size_t i;

    for (i = 0; i < cmd->env->len; i++) {
        const char *pair = g_ptr_array_index(cmd->env, i);
        const char *eq = strchr(pair, '=');

        g_string_append_len(buf, pair, eq - pair + 1);
        virCommandQuoteArg(buf, eq + 1);
        g_string_append_c(buf, ' ');
    }
    for (i = 0; i < cmd->args->len; i++) {
        if (i > 0)
            g_string_append_c(buf, ' ');
        virCommandQuoteArg(buf, g_ptr_array_index(cmd->args, i));
    }
    return g_string_free(buf, FALSE);
}


/* The daemon's environment with our additions replacing same-named
 * variables.  Caller owns the NULL-terminated result. */
static char **
virCommandBuildEnv(const virCommand *cmd)
{
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                        g_free, NULL);
    GPtrArray *env = g_ptr_array_new();
    char **e;
    size_t i;

    for (i = 0; i < cmd->env->len; i++) {
        const char *pair = g_ptr_array_index(cmd->env, i);

        g_hash_table_add(names, g_strndup(pair, strchr(pair, '=') - pair));
    }
    for (e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        g_autofree char *name = g_strndup(*e, eq ? (size_t)(eq - *e) : strlen(*e));

        if (!g_hash_table_contains(names, name))
            g_ptr_array_add(env, g_strdup(*e));
    }
    for (i = 0; i < cmd->env->len; i++)
        g_ptr_array_add(env, g_strdup(g_ptr_array_index(cmd->env, i)));
    g_ptr_array_add(env, NULL);
    return (char **)g_ptr_array_free(env, FALSE);
}


/* Makes sure *@fd is not one of 0-2, which the child overwrites. */
static int
virCommandFdAboveStdio(int *fd)
{
    int newfd;

    if (*fd > 2)
        return 0;
    if ((newfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3)) < 0) {
        virReportSystemError(errno, "%s", _("cannot duplicate file descriptor"));
        return -1;
    }
    close(*fd);
    *fd = newfd;
    return 0;
}


/* Copies the caller's @fd (virCommandSetStdio) above 0-2 into *@out, so
 * the child's dup2 of one onto another cannot clobber it. */
static int
virCommandDupStdio(int fd, int *out)
{
    if ((*out = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot duplicate file descriptor"));
        return -1;
    }
    return 0;
}


/* Opens /dev/null for stdin and the log file (or /dev/null) for output,
 * and writes the command line to the log.  Returns 0 or -1 (reported). */
static int
virCommandOpenDefaultStdio(const virCommand *cmd, const char *cmdstr,
                           int *nullfd, int *logfd)
{
    const char *out = cmd->logfile ? cmd->logfile : "/dev/null";
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    g_autofree char *line = g_strdup_printf("%s+0000: starting: %s\n", stamp,
                                            cmdstr);

    if ((*nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, _("cannot open '%1$s'"), "/dev/null");
        return -1;
    }
    *logfd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (*logfd < 0) {
        virReportSystemError(errno, _("cannot open log file '%1$s'"), out);
        return -1;
    }
    if (virCommandFdAboveStdio(nullfd) < 0 || virCommandFdAboveStdio(logfd) < 0)
        return -1;
    if (cmd->logfile && write(*logfd, line, strlen(line)) < 0)
        VIR_WARN("cannot write to log file '%s': %s", out, g_strerror(errno));
    return 0;
}


/* The child's stdin, stdout and stderr in *@fds[0..2] (all above 2,
 * closed by the caller, also on failure): the defaults, replaced by what
 * virCommandSetStdio gave.  Returns 0 or -1 (reported). */
static int
virCommandOpenStdio(const virCommand *cmd, const char *cmdstr, int *fds[3])
{
    int i;

    if (virCommandOpenDefaultStdio(cmd, cmdstr, fds[0], fds[1]) < 0 ||
        virCommandDupStdio(*fds[1], fds[2]) < 0)
        return -1;
    for (i = 0; i < 3; i++) {
        if (cmd->stdio[i] < 0)
            continue;
        virForceCloseHelper(fds[i]);
        if (virCommandDupStdio(cmd->stdio[i], fds[i]) < 0)
            return -1;
    }
    return 0;
}


static int
virCommandCompareInt(gconstpointer a, gconstpointer b)
{
    return *(const int *)a - *(const int *)b;
}


/* Checks the passed fds and returns the sorted list the child keeps
 * (passed fds plus @statusfd).  Returns NULL with an error reported. */
static GArray *
virCommandBuildKeepList(const virCommand *cmd, int statusfd)
{
    g_autoptr(GArray) keep = g_array_new(FALSE, FALSE, sizeof(int));
    size_t i;

    for (i = 0; i < cmd->passfds->len; i++) {
        int fd = g_array_index(cmd->passfds, int, i);

        if (fd <= 2 || fcntl(fd, F_GETFD) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("cannot pass file descriptor %1$d to a child"), fd);
            return NULL;
        }
        VIR_DEBUG("passing fd %d to %s", fd,
                  (const char *)g_ptr_array_index(cmd->args, 0));
        g_array_append_val(keep, fd);
    }
    g_array_append_val(keep, statusfd);
    g_array_sort(keep, virCommandCompareInt);
    return g_steal_pointer(&keep);
}


/* Closes every fd from @lo to @hi inclusive (async-signal-safe). */
static void
virCommandChildCloseRange(unsigned int lo, unsigned int hi, long maxfd)
{
    long fd;

    if (lo > hi)
        return;
    if (syscall(SYS_close_range, lo, hi, 0) == 0)
        return;
    for (fd = lo; fd <= (long)hi && fd < maxfd; fd++)
        close(fd);
}


static void G_GNUC_NORETURN
virCommandChildFail(const virCommandChildSetup *s, virCommandStep step)
{
    virCommandChildStatus st = { .step = step, .err = errno };

    if (write(s->statusfd, &st, sizeof(st)) < 0) {
        /* nothing we can do: the parent sees a short read */
    }
    _exit(127);
}


/* The child between fork() and exec(): async-signal-safe calls only. */
static void G_GNUC_NORETURN
virCommandChild(const virCommandChildSetup *s)
{
    struct sigaction sa;
    sigset_t set;
    unsigned int lo = 3;
    size_t i;
    int sig;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        sigaction(sig, &sa, NULL); /* fails harmlessly for KILL/STOP */
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);

    if (setsid() < 0)
        virCommandChildFail(s, VIR_COMMAND_STEP_SETSID);
    if (dup2(s->nullfd, STDIN_FILENO) < 0 ||
        dup2(s->logfd, STDOUT_FILENO) < 0 || dup2(s->errfd, STDERR_FILENO) < 0)
        virCommandChildFail(s, VIR_COMMAND_STEP_DUP);
    for (i = 0; i < s->npassfds; i++) {
        if (fcntl(s->passfds[i], F_SETFD, 0) < 0)
            virCommandChildFail(s, VIR_COMMAND_STEP_KEEPFD);
    }
    for (i = 0; i < s->nkeep; i++) {
        if ((unsigned int)s->keep[i] > lo)
            virCommandChildCloseRange(lo, s->keep[i] - 1, s->maxfd);
        lo = s->keep[i] + 1;
    }
    virCommandChildCloseRange(lo, ~0U, s->maxfd);
    if (s->workdir && chdir(s->workdir) < 0)
        virCommandChildFail(s, VIR_COMMAND_STEP_CHDIR);
    if (s->affinity &&
        sched_setaffinity(0, sizeof(*s->affinity), s->affinity) < 0)
        virCommandChildFail(s, VIR_COMMAND_STEP_AFFINITY);
    execve(s->path, s->argv, s->envp);
    virCommandChildFail(s, VIR_COMMAND_STEP_EXEC);
}


void
virCommandSetExecTimeout(long long timeoutMs)
{
    virCommandExecTimeoutMs = timeoutMs;
}


/* Waits up to VIR_COMMAND_EXEC_TIMEOUT_MS for the exec-status pipe to
 * have something to read (the child's report, or EOF once every copy of
 * the write end is closed).  Returns 0, or -1 with an error reported. */
static int
virCommandWaitExec(const char *path, int statusfd)
{
    long long deadline = virTimeMonotonicMs() + virCommandExecTimeoutMs;
    struct pollfd pfd = { .fd = statusfd, .events = POLLIN };

    for (;;) {
        long long left = deadline - virTimeMonotonicMs();
        int r;

        if (left <= 0) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("child process for '%1$s' did not start within %2$lld ms"),
                           path, virCommandExecTimeoutMs);
            return -1;
        }
        if ((r = poll(&pfd, 1, (int)MIN(left, G_MAXINT))) > 0)
            return 0;
        if (r < 0 && errno != EINTR) {
            virReportSystemError(errno,
                                 _("cannot wait for the child process for '%1$s'"),
                                 path);
            return -1;
        }
    }
}


/* Reads the exec-status pipe: returns 0 if exec() succeeded, else -1 with
 * the child's failure reported (the child is killed if it did not report
 * in time, and reaped). */
static int
virCommandCheckExec(const char *path, pid_t pid, int statusfd)
{
    virCommandChildStatus st = { 0 };
    ssize_t n;

    if (virCommandWaitExec(path, statusfd) < 0) {
        virError *orig = NULL;

        virErrorPreserveLast(&orig);
        virProcessKill(pid, SIGKILL);
        virProcessReap(pid, NULL);
        virErrorRestore(&orig);
        return -1;
    }
    do {
        n = read(statusfd, &st, sizeof(st));
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0;
    virProcessReap(pid, NULL);
    if (n != sizeof(st)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("child process for '%1$s' failed before exec"), path);
        return -1;
    }
    switch ((virCommandStep)st.step) {
    case VIR_COMMAND_STEP_CHDIR:
        virReportSystemError(st.err, _("child process for '%1$s' cannot change directory"),
                             path);
        break;
    case VIR_COMMAND_STEP_AFFINITY:
        virReportSystemError(st.err, _("cannot set the CPU affinity of '%1$s'"),
                             path);
        break;
    case VIR_COMMAND_STEP_EXEC:
        virReportSystemError(st.err, _("cannot execute binary '%1$s'"), path);
        break;
    case VIR_COMMAND_STEP_NONE:
    case VIR_COMMAND_STEP_SETSID:
    case VIR_COMMAND_STEP_DUP:
    case VIR_COMMAND_STEP_KEEPFD:
    default:
        virReportSystemError(st.err, _("cannot set up child process for '%1$s' (step %2$d)"),
                             path, st.step);
        break;
    }
    return -1;
}


/* The absolute path of the binary to run.  Caller owns it; NULL with an
 * error reported when it cannot be found. */
static char *
virCommandFindBinary(const virCommand *cmd)
{
    const char *binary = g_ptr_array_index(cmd->args, 0);
    char *path;

    if (strchr(binary, '/'))
        return g_strdup(binary);
    if (!(path = g_find_program_in_path(binary)))
        virReportSystemError(ENOENT, _("cannot find '%1$s' in path"), binary);
    return path;
}


/* fork() with every signal blocked, so no handler of ours runs in the
 * child before it has reset them.  Returns the pid, 0 in the child, -1. */
static pid_t
virCommandFork(void)
{
    sigset_t all;
    sigset_t old;
    pid_t pid;
    int err;

    sigfillset(&all);
    if ((err = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
        virReportSystemError(err, "%s", _("cannot block signals"));
        return -1;
    }
    pid = fork();
    if (pid == 0)
        return 0;
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        virReportSystemError(err, "%s", _("cannot fork child process"));
    return pid;
}


/* After a successful exec: pidfd, pid file.  On failure the child is
 * killed and reaped.  Returns the pidfd or -1 (reported). */
static int
virCommandFinishSpawn(virCommand *cmd, pid_t pid)
{
    g_autofree char *pidstr = g_strdup_printf("%lld\n", (long long)pid);
    VIR_AUTOCLOSE pidfd = virProcessPidfdOpen(pid);
    int ret;

    if (pidfd < 0 ||
        (cmd->pidfile && virFileWriteAtomic(cmd->pidfile, pidstr, 0644) < 0)) {
        virProcessKill(pid, SIGKILL);
        virProcessReap(pid, NULL);
        return -1;
    }
    ret = pidfd;
    pidfd = -1;
    return ret;
}


/*
 * virCommandRunAsync:
 * @cmd: the command (may be run again, unless it owned passed fds)
 * @retPid: set to the child's pid
 * @retPidfd: set to a pidfd (virProcessPidfdOpen) the caller owns
 *
 * Spawns the child and returns once it has exec()ed (a child that has
 * neither exec()ed nor failed within VIR_COMMAND_EXEC_TIMEOUT_MS is killed
 * and that is an error: no start waits without bound).  The child stays our
 * child: the caller must reap it (virProcessReap) after the pidfd becomes
 * readable.  Fds passed with VIR_COMMAND_PASS_FD_CLOSE_PARENT are closed.
 * Returns 0 with both outputs set, or -1 with an error reported and no
 * child left behind.
 */
int
virCommandRunAsync(virCommand *cmd, pid_t *retPid, int *retPidfd)
{
    g_autofree char *cmdstr = virCommandToString(cmd);
    g_autofree char *path = virCommandFindBinary(cmd);
    g_auto(GStrv) envp = NULL;
    g_autoptr(GArray) keep = NULL;
    VIR_AUTOCLOSE nullfd = -1;
    VIR_AUTOCLOSE logfd = -1;
    VIR_AUTOCLOSE errfd = -1;
    VIR_AUTOCLOSE statusr = -1;
    VIR_AUTOCLOSE statusw = -1;
    virCommandChildSetup setup = { 0 };
    int *stdio[3] = { &nullfd, &logfd, &errfd };
    int fds[2];
    int pidfd;
    pid_t pid;

    VIR_DEBUG("%s", cmdstr);
    if (!path || virCommandOpenStdio(cmd, cmdstr, stdio) < 0)
        return -1;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        virReportSystemError(errno, "%s", _("cannot create pipe"));
        return -1;
    }
    statusr = fds[0];
    statusw = fds[1];
    if (virCommandFdAboveStdio(&statusw) < 0 ||
        !(keep = virCommandBuildKeepList(cmd, statusw)))
        return -1;

    g_ptr_array_add(cmd->args, NULL);
    envp = virCommandBuildEnv(cmd);
    setup = (virCommandChildSetup) {
        .path = path, .argv = (char **)cmd->args->pdata, .envp = envp,
        .workdir = cmd->workdir, .affinity = cmd->affinity, .nullfd = nullfd, .logfd = logfd,
        .statusfd = statusw, .keep = (int *)keep->data, .nkeep = keep->len,
        .passfds = (int *)cmd->passfds->data, .npassfds = cmd->passfds->len,
        .maxfd = sysconf(_SC_OPEN_MAX),
    };
    setup.errfd = errfd;
    pid = virCommandFork();
    if (pid == 0)
        virCommandChild(&setup);
    g_ptr_array_remove_index(cmd->args, cmd->args->len - 1);
    if (pid < 0)
        return -1;

    virForceCloseHelper(&statusw);
    if (virCommandCheckExec(path, pid, statusr) < 0 ||
        (pidfd = virCommandFinishSpawn(cmd, pid)) < 0)
        return -1;
    VIR_DEBUG("spawned %s as pid %lld (pidfd %d)", path, (long long)pid, pidfd);
    while (cmd->ownfds->len > 0) {
        close(g_array_index(cmd->ownfds, int, 0));
        g_array_remove_index(cmd->ownfds, 0);
    }
    *retPid = pid;
    *retPidfd = pidfd;
    return 0;
}
