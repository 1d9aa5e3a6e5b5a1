/*
 * virnetsocket.c: listening and connected stream sockets (unix, tcp)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "virnetsocket.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virsocket.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netsocket");

static int
virNetSocketFillUNIX(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("UNIX socket path '%1$s' too long"), path);
        return -1;
    }
    g_strlcpy(addr->sun_path, path, sizeof(addr->sun_path));
    return 0;
}


int
virNetSocketListenUNIX(const char *path, mode_t mode)
{
    struct sockaddr_un addr;
    VIR_AUTOCLOSE fd = -1;
    int ret;

    if (virNetSocketFillUNIX(&addr, path) < 0)
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        virReportSystemError(errno, "%s", _("Failed to create socket"));
        return -1;
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportSystemError(errno, _("Failed to bind socket to '%1$s'"), path);
        return -1;
    }
    if (chmod(path, mode) < 0 || listen(fd, 128) < 0) {
        virReportSystemError(errno, _("Failed to listen on '%1$s'"), path);
        unlink(path);
        return -1;
    }
    ret = fd;
    fd = -1;
    return ret;
}


/* Splits "HOST:PORT" or "[V6]:PORT" into newly allocated strings. */
static int
virNetSocketSplitHostPort(const char *hostport, char **host, char **port)
{
    const char *colon = strrchr(hostport, ':');

    if (!colon || colon == hostport || !colon[1]) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("listen address '%1$s' must be HOST:PORT"), hostport);
        return -1;
    }
    if (hostport[0] == '[' && colon[-1] == ']')
        *host = g_strndup(hostport + 1, colon - hostport - 2);
    else
        *host = g_strndup(hostport, colon - hostport);
    *port = g_strdup(colon + 1);
    return 0;
}


static bool
virNetSocketAddrIsLoopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return false;
}


int
virNetSocketListenTCP(const char *hostport, bool allowRemote)
{
    g_autofree char *host = NULL;
    g_autofree char *port = NULL;
    struct addrinfo *res;
    VIR_AUTOCLOSE fd = -1;
    int on = 1;
    int ret;

    if (virNetSocketSplitHostPort(hostport, &host, &port) < 0 ||
        !(res = virSocketResolve(host, port, true)))
        return -1;
    if (!allowRemote && !virNetSocketAddrIsLoopback(res->ai_addr)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("refusing to listen on non-loopback address '%1$s' without authentication; set listen_tcp_allow_remote = 1 to allow it"),
                       hostport);
        freeaddrinfo(res);
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 128) < 0) {
        virReportSystemError(errno, _("Failed to listen on '%1$s'"), hostport);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    ret = fd;
    fd = -1;
    return ret;
}


int
virNetSocketAccept(int listenfd)
{
    int fd = accept4(listenfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
            errno == ECONNABORTED)
            return -2;
        virReportSystemError(errno, "%s", _("Unable to accept client"));
        return -1;
    }
    virSocketSetNoDelay(fd);
    return fd;
}


int
virNetSocketConnectUNIX(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    if (virNetSocketFillUNIX(&addr, path) < 0)
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportSystemError(errno, _("Failed to connect socket to '%1$s'"), path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}


ssize_t
virNetSocketRead(int fd, char *buf, size_t len)
{
    ssize_t n;

 retry:
    n = read(fd, buf, len);
    if (n < 0 && errno == EINTR)
        goto retry;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n < 0) {
        virReportSystemError(errno, "%s", _("Cannot recv data"));
        return -1;
    }
    if (n == 0)
        return -2;
    return n;
}


ssize_t
virNetSocketWrite(int fd, const char *buf, size_t len)
{
    ssize_t n;

 retry:
    n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
        goto retry;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n < 0) {
        virReportSystemError(errno, "%s", _("Cannot write data"));
        return -1;
    }
    return n;
}


/**
 * virNetSocketSendFD:
 * Passes @fd over the unix socket @sock (non-blocking) with SCM_RIGHTS,
 * carried by one zero byte, as libvirt's peers expect after a packet
 * that announces descriptors.  Returns 1 when sent, 0 when the socket
 * would block, -1 (reported) on error.  @fd stays the caller's.
 */
int
virNetSocketSendFD(int sock, int fd)
{
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = ctl.buf,
                         .msg_controllen = sizeof(ctl.buf) };
    struct cmsghdr *cmsg;
    ssize_t n;

    memset(&ctl, 0, sizeof(ctl));
    cmsg = CMSG_FIRSTHDR(&mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    do {
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n < 0) {
        virReportSystemError(errno, _("Failed to send file descriptor %1$d"), fd);
        return -1;
    }
    return 1;
}


ssize_t
virNetSocketIORead(const virNetSocketIO *io, char *buf, size_t len)
{
    if (io->tls)
        return virNetTLSSessionRead(io->tls, buf, len);
    return virNetSocketRead(io->fd, buf, len);
}


ssize_t
virNetSocketIOWrite(const virNetSocketIO *io, const char *buf, size_t len)
{
    if (io->tls)
        return virNetTLSSessionWrite(io->tls, buf, len);
    return virNetSocketWrite(io->fd, buf, len);
}


void
virNetSocketGetPeer(int fd, pid_t *pid, uid_t *uid)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    *pid = -1;
    *uid = (uid_t)-1;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        *pid = cred.pid;
        *uid = cred.uid;
    }
}


char *
virNetSocketDescribePeer(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    pid_t pid;
    uid_t uid;

    if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
        ss.ss_family != AF_UNIX &&
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        return g_strdup_printf("%s;%s", host, serv);
    virNetSocketGetPeer(fd, &pid, &uid);
    return g_strdup_printf("unix pid=%lld uid=%lld", (long long)pid,
                           (long long)uid);
}


typedef struct {
    GSource base;
    gpointer tag;
    GIOCondition polled;
    virNetSocketWatchEventsFunc events;
    virNetSocketWatchDispatchFunc dispatch;
    void *opaque;
    virNetTLSSession *tls;
} virNetSocketWatch;


/* Whether TLS holds input the poll cannot see, and input is wanted. */
static bool
virNetSocketWatchTLSPending(virNetSocketWatch *watch)
{
    return watch->tls && (watch->polled & G_IO_IN) &&
           virNetTLSSessionPending(watch->tls) > 0;
}


static gboolean
virNetSocketWatchPrepare(GSource *base, gint *timeout)
{
    virNetSocketWatch *watch = (virNetSocketWatch *)base;
    bool closing = false;
    GIOCondition events = watch->events(watch->opaque, &closing);

    *timeout = -1;
    if (events != watch->polled) {
        g_source_modify_unix_fd(base, watch->tag, events);
        watch->polled = events;
    }
    return closing || virNetSocketWatchTLSPending(watch);
}


static gboolean
virNetSocketWatchCheck(GSource *base)
{
    virNetSocketWatch *watch = (virNetSocketWatch *)base;
    bool closing = false;

    watch->events(watch->opaque, &closing);
    return g_source_query_unix_fd(base, watch->tag) != 0 || closing ||
           virNetSocketWatchTLSPending(watch);
}


static gboolean
virNetSocketWatchDispatch(GSource *base, GSourceFunc cb G_GNUC_UNUSED,
                          gpointer data G_GNUC_UNUSED)
{
    virNetSocketWatch *watch = (virNetSocketWatch *)base;
    GIOCondition revents = g_source_query_unix_fd(base, watch->tag);

    if (virNetSocketWatchTLSPending(watch))
        revents |= G_IO_IN;
    return watch->dispatch(watch->opaque, revents);
}


static GSourceFuncs virNetSocketWatchFuncs = {
    .prepare = virNetSocketWatchPrepare,
    .check = virNetSocketWatchCheck,
    .dispatch = virNetSocketWatchDispatch,
};


/**
 * virNetSocketWatchAttach:
 * Watches @fd for readability first, then for what @events asks, in the
 * main context @ctx (see virNetSocketWatchEventsFunc).  @opaque must
 * outlive the watch.  Returns the attached source; the caller holds its
 * reference and ends it with g_source_destroy and g_source_unref, in the
 * thread running @ctx.
 */
GSource *
virNetSocketWatchAttach(int fd, const char *name, GMainContext *ctx,
                        virNetSocketWatchEventsFunc events,
                        virNetSocketWatchDispatchFunc dispatch, void *opaque)
{
    GSource *base = g_source_new(&virNetSocketWatchFuncs,
                                 sizeof(virNetSocketWatch));
    virNetSocketWatch *watch = (virNetSocketWatch *)base;

    watch->events = events;
    watch->dispatch = dispatch;
    watch->opaque = opaque;
    watch->polled = G_IO_IN;
    watch->tag = g_source_add_unix_fd(base, fd, G_IO_IN);
    g_source_set_name(base, name);
    /* Nothing dispatched here runs a nested main loop, and a source that
     * cannot recurse is taken out of the poll set and put back around
     * every dispatch, each time waking the context with a write to its
     * eventfd and so costing a second poll round per message. */
    g_source_set_can_recurse(base, TRUE);
    g_source_attach(base, ctx);
    return base;
}


void
virNetSocketWatchSetTLS(GSource *watch, virNetTLSSession *tls)
{
    ((virNetSocketWatch *)watch)->tls = tls;
}
