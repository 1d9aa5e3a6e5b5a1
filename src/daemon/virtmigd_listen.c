/*
 * virtmigd_listen.c: the daemon's listening sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three sources: the daemon's own sockets (bound here, or passed by
 * systemd's virtmigd.socket and virtmigd-ro.socket units), the optional
 * TCP listener, and in drop-in mode libvirt's standard sockets, which the
 * daemon binds only after making sure no libvirt daemon serves them.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "virtmigd_listen.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.listen");

#define VIRTMIGD_LISTEN_FDS_START 3


/* Adopts systemd's fd @fd as @lst's rw or ro socket by its path. */
static int
virtmigdListenAdopt(const virtmigdConfig *cfg, virtmigdListeners *lst, int fd)
{
    struct sockaddr_un addr = { 0 };
    socklen_t len = sizeof(addr);
    int *slot = NULL;

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0 ||
        addr.sun_family != AF_UNIX) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("socket activation: fd %1$d is not a unix socket"), fd);
        return -1;
    }
    addr.sun_path[sizeof(addr.sun_path) - 1] = '\0';
    if (STREQ(addr.sun_path, cfg->sockPath))
        slot = &lst->rw;
    else if (STREQ(addr.sun_path, cfg->sockPathRO))
        slot = &lst->ro;
    if (!slot || *slot >= 0) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("socket activation: '%1$s' is neither '%2$s' nor '%3$s' (or came twice)"),
                       addr.sun_path, cfg->sockPath, cfg->sockPathRO);
        return -1;
    }
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
        !g_unix_set_fd_nonblocking(fd, TRUE, NULL)) {
        virReportSystemError(errno, _("socket activation: cannot set up fd %1$d"), fd);
        return -1;
    }
    *slot = fd;
    VIR_INFO("systemd passed %s as fd %d", addr.sun_path, fd);
    return 0;
}


int
virtmigdListenInherit(const virtmigdConfig *cfg, virtmigdListeners *lst)
{
    const char *pidStr = g_getenv("LISTEN_PID");
    const char *fdsStr = g_getenv("LISTEN_FDS");
    guint64 pid = 0;
    guint64 nfds = 0;
    guint64 i;

    lst->rw = lst->ro = -1;
    if (!pidStr || !fdsStr ||
        !g_ascii_string_to_unsigned(pidStr, 10, 1, G_MAXINT, &pid, NULL) ||
        pid != (guint64)getpid())
        return 0;
    /* QEMUs and helpers must not think the sockets are theirs */
    g_unsetenv("LISTEN_PID");
    g_unsetenv("LISTEN_FDS");
    g_unsetenv("LISTEN_FDNAMES");
    if (!g_ascii_string_to_unsigned(fdsStr, 10, 0, 16, &nfds, NULL)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("socket activation: bad LISTEN_FDS '%1$s'"), fdsStr);
        return -1;
    }
    for (i = 0; i < nfds; i++) {
        if (virtmigdListenAdopt(cfg, lst, VIRTMIGD_LISTEN_FDS_START + i) < 0)
            return -1;
    }
    return 0;
}


/* 1 when something accepts connections at @path, 0 when nothing does (no
 * file, or a stale socket file); -1 when unknown (errno set). */
static int
virtmigdListenProbe(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    VIR_AUTOCLOSE fd = -1;

    if (g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path)) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
        return 1;
    if (errno == ENOENT || errno == ECONNREFUSED)
        return 0;
    return -1;
}


int
virtmigdListenCheckDropIn(const virtmigdConfig *cfg)
{
    const char *const owned[] = { VIRTMIGD_LIBVIRT_SOCK, VIRTMIGD_LIBVIRT_SOCK_RO };
    size_t i;
    int rc;

    if (!cfg->libvirtDropIn)
        return 0;
    for (i = 0; i < G_N_ELEMENTS(owned); i++) {
        if ((rc = virtmigdListenProbe(owned[i])) < 0) {
            virReportSystemError(errno,
                                 _("libvirt_drop_in: cannot probe '%1$s'"), owned[i]);
            return -1;
        }
        if (rc > 0) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("libvirt_drop_in: '%1$s' is served by another daemon (libvirtd?); stop it (and its socket units) first"),
                           owned[i]);
            return -1;
        }
    }
    /* Clients pick virtqemud's socket over libvirtd's when it exists, so a
     * leftover one, even stale, would take them away from this daemon. */
    if ((rc = virtmigdListenProbe(VIRTMIGD_VIRTQEMUD_SOCK)) > 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("libvirt_drop_in: '%1$s' is served by virtqemud, which clients prefer; stop it (and its socket units) first"),
                       VIRTMIGD_VIRTQEMUD_SOCK);
        return -1;
    }
    if (virFileExists(VIRTMIGD_VIRTQEMUD_SOCK)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("libvirt_drop_in: stale '%1$s' would send clients to virtqemud; remove it first"),
                       VIRTMIGD_VIRTQEMUD_SOCK);
        return -1;
    }
    return 0;
}


int
virtmigdListenPrepareTLS(const virtmigdConfig *cfg, virtmigdListeners *lst)
{
    if (!cfg->listenTLS)
        return 0;
    if (!(lst->tls = virNetTLSContextNewServer(&cfg->tls)))
        return -1;
    VIR_INFO("TLS credentials: CA %s, certificate %s, key %s",
             cfg->tls.caFile, cfg->tls.certFile, cfg->tls.keyFile);
    return 0;
}


void
virtmigdListenersClear(virtmigdListeners *lst)
{
    if (lst->rw >= 0)
        close(lst->rw);
    if (lst->ro >= 0)
        close(lst->ro);
    lst->rw = lst->ro = -1;
    g_clear_pointer(&lst->tls, virNetTLSContextFree);
}


/* listen_tls on listen_addr:tls_port; the server takes the credentials. */
static int
virtmigdListenTLS(virtmigdDaemon *daemon, virtmigdListeners *lst)
{
    const virtmigdConfig *cfg = daemon->cfg;
    g_autofree char *hostport = NULL;

    if (!lst->tls)
        return 0;
    hostport = g_strdup_printf(strchr(cfg->listenAddr, ':') ? "[%s]:%s" : "%s:%s",
                               cfg->listenAddr, cfg->tlsPort);
    return virNetServerAddServiceTLS(daemon->srv, hostport,
                                     g_steal_pointer(&lst->tls));
}


static int
virtmigdListenUNIX(virtmigdDaemon *daemon, int *inherited, const char *path,
                   mode_t mode, bool readonly)
{
    if (*inherited >= 0) {
        virNetServerAddServiceFD(daemon->srv, *inherited, readonly);
        *inherited = -1;
        return 0;
    }
    return virNetServerAddServiceUNIX(daemon->srv, path, mode, readonly);
}


/* Listening comes last, so no client sees a half-started daemon; the
 * daemon's own read-write socket, which clients and scripts wait for,
 * comes last of all, so once it answers every other socket does too. */
int
virtmigdListen(virtmigdDaemon *daemon, virtmigdListeners *lst)
{
    virtmigdConfig *cfg = daemon->cfg;

    if (virtmigdListenUNIX(daemon, &lst->ro, cfg->sockPathRO, 0666, true) < 0)
        return -1;
    if (cfg->listenTCP &&
        virNetServerAddServiceTCP(daemon->srv, cfg->listenTCP,
                                  cfg->listenTCPAllowRemote) < 0)
        return -1;
    if (virtmigdListenTLS(daemon, lst) < 0)
        return -1;
    if (cfg->libvirtDropIn) {
        g_autofree char *dir = g_path_get_dirname(VIRTMIGD_LIBVIRT_SOCK);

        /* checked again: a libvirtd may have come meanwhile */
        if (virtmigdListenCheckDropIn(cfg) < 0 ||
            virFileMakePathWithMode(dir, 0755) < 0 ||
            virNetServerAddServiceUNIX(daemon->srv, VIRTMIGD_LIBVIRT_SOCK_RO,
                                       0666, true) < 0 ||
            virNetServerAddServiceUNIX(daemon->srv, VIRTMIGD_LIBVIRT_SOCK,
                                       0600, false) < 0)
            return -1;
    }
    return virtmigdListenUNIX(daemon, &lst->rw, cfg->sockPath, 0600, false);
}


void
virtmigdNotifyReady(void)
{
    const char *path = g_getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    socklen_t len;
    VIR_AUTOCLOSE fd = -1;
    static const char msg[] = "READY=1";

    if (!path || (path[0] != '/' && path[0] != '@') ||
        strlen(path) >= sizeof(addr.sun_path))
        return;
    memcpy(addr.sun_path, path, strlen(path));
    if (path[0] == '@')
        addr.sun_path[0] = '\0';    /* abstract namespace */
    len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
        sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL,
               (struct sockaddr *)&addr, len) < 0)
        VIR_WARN("cannot notify systemd at %s: %s", path, g_strerror(errno));
}
