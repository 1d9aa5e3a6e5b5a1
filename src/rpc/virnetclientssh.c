/*
 * virnetclientssh.c: reaching a daemon through the OpenSSH client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builds the ssh command line and the shell command it runs on the
 * remote host, the way libvirt 9.0's remote driver does for its
 * OpenSSH-binary transport, so a host that stock virsh reaches with a
 * qemu+ssh:// URI is reached the same way by a peer-to-peer source.
 * The shell command goes through two shells (the remote user's login
 * shell, then the `sh -c` it starts), so what we insert in it is quoted
 * twice.
 */
#include <config.h>

#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "virnetclientssh.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virprocess.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netclientssh");

/* How much of ssh's stderr an error quotes (libvirt reads 1 KiB). */
#define VIR_NET_CLIENT_SSH_STDERR_MAX 1024
/* How long a failed connection waits for ssh to finish its stderr. */
#define VIR_NET_CLIENT_SSH_STDERR_WAIT_MS 500
/* At close: how long ssh gets to exit on its own after the end of its
 * input, then after SIGTERM, before SIGKILL. */
#define VIR_NET_CLIENT_SSH_EXIT_WAIT_MS 200
#define VIR_NET_CLIENT_SSH_TERM_WAIT_MS 1000

static const char *const virNetClientProxyTable[] = {
    [VIR_NET_CLIENT_PROXY_AUTO] = "auto",
    [VIR_NET_CLIENT_PROXY_NETCAT] = "netcat",
    [VIR_NET_CLIENT_PROXY_NATIVE] = "native",
};

VIR_ENUM_IMPL_TABLE(virNetClientProxy, virNetClientProxyTable,
                    VIR_NET_CLIENT_PROXY_LAST);

struct _virNetClientSSHChild {
    pid_t pid;
    int pidfd;
    int errfd;       /* read end of ssh's stderr, non-blocking */
    GString *errout; /* what was read of it so far */
    bool errEOF;
};


/**
 * virNetClientSSHEscapeShell:
 * @str as one word of a POSIX shell command: unchanged when it has no
 * character the shell treats specially, otherwise in single quotes with
 * each ' written as '\'' (the same result as libvirt's
 * virBufferEscapeShell).  Caller owns the result.
 */
char *
virNetClientSSHEscapeShell(const char *str)
{
    static const char special[] = "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~";
    GString *out;

    if (*str && !strpbrk(str, special))
        return g_strdup(str);
    out = g_string_new(NULL);
    virCommandAppendQuoted(out, str);
    return g_string_free(out, FALSE);
}


/* @str quoted for the login shell and then for `sh -c`. */
static char *
virNetClientSSHEscapeTwice(const char *str)
{
    g_autofree char *once = virNetClientSSHEscapeShell(str);

    return virNetClientSSHEscapeShell(once);
}


/* The netcat proxy: nc -U SOCKET, with -q0 where this nc has -q (the
 * Debian one needs it to quit at the end of its input).  Inserted in the
 * single quotes of `sh -c '...'`, a word that needs quoting closes them,
 * goes to the login shell quoted twice and opens them again: libvirt
 * does so for nc; a plain socket path stays as libvirt writes it (the
 * others it passes unquoted, which breaks the command). */
static char *
virNetClientSSHNetcatCommand(const virNetClientSSHParams *params)
{
    g_autofree char *nc = virNetClientSSHEscapeTwice(
        params->netcat ? params->netcat : "nc");
    g_autofree char *once = virNetClientSSHEscapeShell(params->socketPath);
    g_autofree char *twice = virNetClientSSHEscapeTwice(params->socketPath);
    g_autofree char *sock = NULL;

    if (STREQ(once, params->socketPath))
        sock = g_strdup(params->socketPath);
    else
        sock = g_strdup_printf("'%s'", twice);

    return g_strdup_printf("if '%1$s' -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'%1$s' $ARG -U %2$s",
                           nc, sock);
}


/**
 * virNetClientSSHHelperCommand:
 * The command ssh runs on the remote host (libvirt 9.0's
 * virNetClientSSHHelperCommand): with proxy "netcat", nc joins the
 * channel to @params->socketPath; "native" runs virt-ssh-helper [-r] on
 * @params->driverURI (it finds the daemon's socket itself); "auto" does
 * the latter where virt-ssh-helper is installed and the former elsewhere,
 * and turns into "netcat" when a netcat binary is named.  Caller owns the
 * result, or NULL (reported) for a netcat binary with "native".
 */
char *
virNetClientSSHHelperCommand(const virNetClientSSHParams *params)
{
    g_autofree char *nccmd = virNetClientSSHNetcatCommand(params);
    g_autofree char *uri = virNetClientSSHEscapeTwice(params->driverURI);
    g_autofree char *helper = g_strdup_printf("virt-ssh-helper%s'%s'",
                                              params->readonly ? " -r " : " ",
                                              uri);
    virNetClientProxy proxy = params->proxy;

    if (proxy == VIR_NET_CLIENT_PROXY_AUTO && params->netcat)
        proxy = VIR_NET_CLIENT_PROXY_NETCAT;

    switch (proxy) {
    case VIR_NET_CLIENT_PROXY_AUTO:
        return g_strdup_printf("sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     %s; else    %s; fi'",
                               helper, nccmd);
    case VIR_NET_CLIENT_PROXY_NETCAT:
        return g_strdup_printf("sh -c '%s'", nccmd);
    case VIR_NET_CLIENT_PROXY_NATIVE:
        if (params->netcat) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("netcat path not valid with native proxy mode"));
            return NULL;
        }
        return g_strdup_printf("sh -c '%s'", helper);
    case VIR_NET_CLIENT_PROXY_LAST:
    default:
        virReportEnumRangeError(virNetClientProxy, proxy);
        return NULL;
    }
}


/**
 * virNetClientSSHCommandNew:
 * The ssh command line of libvirt's OpenSSH transport:
 * BINARY [-p PORT] [-l USER] [-i KEYFILE] -T -e none [-o BatchMode=yes]
 * [-o StrictHostKeyChecking=no] -- HOST @remoteCommand.  Caller owns the
 * result.
 */
virCommand *
virNetClientSSHCommandNew(const virNetClientSSHParams *params,
                          const char *remoteCommand)
{
    virCommand *cmd = virCommandNew(params->binary ? params->binary : "ssh");

    if (params->port)
        virCommandAddArgList(cmd, "-p", params->port, NULL);
    if (params->username)
        virCommandAddArgList(cmd, "-l", params->username, NULL);
    if (params->keyfile)
        virCommandAddArgList(cmd, "-i", params->keyfile, NULL);
    virCommandAddArgList(cmd, "-T", "-e", "none", NULL);
    if (params->noTTY)
        virCommandAddArgList(cmd, "-o", "BatchMode=yes", NULL);
    if (params->noVerify)
        virCommandAddArgList(cmd, "-o", "StrictHostKeyChecking=no", NULL);
    virCommandAddArgList(cmd, "--", params->host, remoteCommand, NULL);
    return cmd;
}


/**
 * virNetClientSSHChildSpawn:
 * Runs @cmd with its stdin and stdout on one end of a new socketpair and
 * its stderr on a pipe.  On success *@retfd gets the other end of the
 * socketpair (CLOEXEC, blocking; caller owns it) and *@retChild the
 * child (caller owns it: virNetClientSSHChildFree reaps it, after
 * *@retfd is closed).  Returns 0, or -1 (reported) with no child left.
 */
int
virNetClientSSHChildSpawn(virCommand *cmd, int *retfd,
                          virNetClientSSHChild **retChild)
{
    g_autoptr(GError) gerr = NULL;
    VIR_AUTOCLOSE sockfd = -1;
    VIR_AUTOCLOSE childfd = -1;
    VIR_AUTOCLOSE errr = -1;
    VIR_AUTOCLOSE errw = -1;
    virNetClientSSHChild *child;
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        virReportSystemError(errno, "%s", _("unable to create socket pair"));
        return -1;
    }
    sockfd = fds[0];
    childfd = fds[1];
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, &gerr)) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot create a pipe for the stderr of ssh: %1$s"),
                       gerr->message);
        return -1;
    }
    errr = fds[0];
    errw = fds[1];
    if (!g_unix_set_fd_nonblocking(errr, TRUE, &gerr)) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot create a pipe for the stderr of ssh: %1$s"),
                       gerr->message);
        return -1;
    }
    child = g_new0(virNetClientSSHChild, 1);
    virCommandSetStdio(cmd, childfd, childfd, errw);
    if (virCommandRunAsync(cmd, &child->pid, &child->pidfd) < 0) {
        g_free(child);
        return -1;
    }
    child->errfd = errr;
    errr = -1;
    child->errout = g_string_new(NULL);
    *retfd = sockfd;
    sockfd = -1;
    *retChild = child;
    return 0;
}


/* The process id of @child, for logs and tests. */
pid_t
virNetClientSSHChildGetPid(const virNetClientSSHChild *child)
{
    return child->pid;
}


/* Reads what the pipe has now; false at its end, when full or failed. */
static bool
virNetClientSSHChildDrain(virNetClientSSHChild *child)
{
    char buf[256];

    while (child->errout->len < VIR_NET_CLIENT_SSH_STDERR_MAX) {
        size_t want = MIN(sizeof(buf),
                          VIR_NET_CLIENT_SSH_STDERR_MAX - child->errout->len);
        ssize_t n = read(child->errfd, buf, want);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;
        if (n <= 0) {
            child->errEOF = true;
            return false;
        }
        g_string_append_len(child->errout, buf, n);
    }
    return false;
}


/**
 * virNetClientSSHChildReadStderr:
 * What the child wrote on its stderr (the first KiB, trailing white
 * space removed), read until the end of the pipe (the child exited) or
 * for at most half a second.  Call it once the connection has failed, in
 * one thread at a time.  Returns a new string (caller owns it), or NULL
 * when the child said nothing.
 */
char *
virNetClientSSHChildReadStderr(virNetClientSSHChild *child)
{
    long long deadline = virTimeMonotonicMs() +
                         VIR_NET_CLIENT_SSH_STDERR_WAIT_MS;
    g_autofree char *text = NULL;

    while (!child->errEOF && virNetClientSSHChildDrain(child)) {
        struct pollfd pfd = { .fd = child->errfd, .events = POLLIN };
        long long left = deadline - virTimeMonotonicMs();

        if (left <= 0 || (poll(&pfd, 1, left) < 0 && errno != EINTR))
            break;
    }
    text = g_strndup(child->errout->str, child->errout->len);
    g_strchomp(text);
    if (!*text)
        return NULL;
    return g_steal_pointer(&text);
}


/**
 * virNetClientSSHChildFree:
 * Ends @child (NULL is fine): the caller has closed its socket, so ssh
 * normally exits on its own; one that does not gets SIGTERM, then
 * SIGKILL.  The child is reaped either way: no zombie is left.
 */
void
virNetClientSSHChildFree(virNetClientSSHChild *child)
{
    virError *saved = NULL;
    int exited;

    if (!child)
        return;
    virErrorPreserveLast(&saved);
    exited = virProcessWaitPidfd(child->pidfd, VIR_NET_CLIENT_SSH_EXIT_WAIT_MS);
    if (exited == 0 &&
        virProcessKillPainfully(child->pid, child->pidfd,
                                VIR_NET_CLIENT_SSH_TERM_WAIT_MS) < 0)
        VIR_WARN("ssh child %lld does not die", (long long)child->pid);
    if (virProcessReap(child->pid, NULL) == 0)
        VIR_DEBUG("reaped ssh child %lld", (long long)child->pid);
    close(child->pidfd);
    close(child->errfd);
    g_string_free(child->errout, TRUE);
    g_free(child);
    virErrorRestore(&saved);
}
