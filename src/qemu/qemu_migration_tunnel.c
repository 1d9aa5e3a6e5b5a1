/*
 * qemu_migration_tunnel.c: tunnelled migration, QEMU's migration stream
 * carried by the daemons' own connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With VIR_MIGRATE_TUNNELLED no QEMU talks to the other host: the source
 * QEMU sends to a unix socket of the source daemon (under the run
 * directory, mode of the directory), a thread of ours reads it and sends
 * each chunk on the stream of the peer-to-peer connection; the
 * destination daemon writes what arrives into the unix socket its
 * incoming QEMU listens on.  Flow control is the stream's: the sender
 * waits while the connection's queue is full, and the destination stops
 * reading the connection while its QEMU is behind, so a slow destination
 * slows the source QEMU down instead of filling either daemon's memory.
 * At the end the source QEMU closes its socket; the thread then finishes
 * the stream, which the destination confirms once everything is written.
 */
#include <config.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemu_migration_tunnel.h"
#include "qemu_conf.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_tunnel");

/* What the forwarding thread reads from QEMU at once: one stream packet. */
#define QEMU_MIGRATION_TUNNEL_CHUNK (256 * 1024)

static gint qemuMigrationTunnelCounter;

struct _qemuMigrationTunnel {
    virStream *st;          /* borrowed: the caller's */
    char *path;
    char *uri;              /* "unix:<path>", for QEMU's migrate */
    int listenFD;
    GThread *thread;
    GMutex lock;            /* protects what follows */
    int connFD;             /* QEMU's connection, once accepted */
    bool failed;            /* the migration failed: abort, do not finish */
    virError *err;          /* why the thread failed */
    bool errFirst;          /* ... before the migration failed: its cause */
};


/**
 * qemuMigrationTunnelNewPath:
 * A fresh socket path for a tunnel (@what: "in" or "out") under the run
 * directory.  Caller owns the result; NULL (reported) if the path would
 * not fit a unix socket address.
 */
char *
qemuMigrationTunnelNewPath(const char *what)
{
    struct sockaddr_un addr;
    g_autofree char *path = g_strdup_printf("%s/tunnel-%s-%d.sock",
                                            qemu_driver->cfg->statusDir, what,
                                            g_atomic_int_add(&qemuMigrationTunnelCounter, 1));

    if (strlen(path) >= sizeof(addr.sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration tunnel socket path '%1$s' is too long for a unix socket"),
                       path);
        return NULL;
    }
    return g_steal_pointer(&path);
}


/* A unix socket address for @path (checked by qemuMigrationTunnelNewPath). */
static void
qemuMigrationTunnelAddr(const char *path, struct sockaddr_un *addr)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    g_strlcpy(addr->sun_path, path, sizeof(addr->sun_path));
}


/**
 * qemuMigrationDstTunnelAttach:
 * Connects to the incoming QEMU listening on @path (migrate-incoming
 * "unix:@path" done) and hands the connection to @st: what the source
 * sends on the stream goes to QEMU.  The socket file goes.  Returns 0 or
 * -1 (reported).
 */
int
qemuMigrationDstTunnelAttach(const char *path, virStream *st)
{
    struct sockaddr_un addr;
    int fd;

    if (!st->driver->streamAttachFD) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the migration stream cannot deliver into a socket"));
        return -1;
    }
    qemuMigrationTunnelAddr(path, &addr);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportSystemError(errno, _("cannot connect to the incoming migration socket '%1$s'"),
                             path);
        if (fd >= 0)
            close(fd);
        unlink(path);
        return -1;
    }
    unlink(path);
    VIR_DEBUG("incoming QEMU on %s attached to the migration stream (fd %d)",
              path, fd);
    return st->driver->streamAttachFD(st, fd, VIR_STREAM_FD_IN);
}


/* Accepts QEMU's connection; -1 (reported) if the tunnel stops first. */
static int
qemuMigrationTunnelAccept(qemuMigrationTunnel *tunnel)
{
    int fd;

    while ((fd = accept4(tunnel->listenFD, NULL, NULL, SOCK_CLOEXEC)) < 0 &&
           errno == EINTR)
        ;
    if (fd < 0) {
        virReportSystemError(errno, "%s",
                             _("QEMU did not connect to the migration tunnel"));
        return -1;
    }
    g_mutex_lock(&tunnel->lock);
    if (tunnel->failed) {
        g_mutex_unlock(&tunnel->lock);
        close(fd);
        virReportError(VIR_ERR_OPERATION_ABORTED, "%s",
                       _("the migration tunnel was stopped"));
        return -1;
    }
    tunnel->connFD = fd;
    g_mutex_unlock(&tunnel->lock);
    return fd;
}


/* Reads QEMU's data until it closes its end, sending each chunk.
 * Returns 0 at the end of QEMU's data, -1 (reported) on error. */
static int
qemuMigrationTunnelForward(qemuMigrationTunnel *tunnel, int fd)
{
    g_autofree char *buf = g_new(char, QEMU_MIGRATION_TUNNEL_CHUNK);
    ssize_t n;

    for (;;) {
        n = read(fd, buf, QEMU_MIGRATION_TUNNEL_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            virReportSystemError(errno, "%s",
                                 _("cannot read the migration data of QEMU"));
            return -1;
        }
        if (n == 0)
            return 0;
        if (tunnel->st->driver->streamSend(tunnel->st, buf, n) < 0)
            return -1;
    }
}


/* The forwarding thread: accept, forward, finish (or abort). */
static void
qemuMigrationTunnelRun(void *opaque)
{
    qemuMigrationTunnel *tunnel = opaque;
    bool failed;
    int fd;

    if ((fd = qemuMigrationTunnelAccept(tunnel)) < 0 ||
        qemuMigrationTunnelForward(tunnel, fd) < 0)
        goto error;
    g_mutex_lock(&tunnel->lock);
    failed = tunnel->failed;
    g_mutex_unlock(&tunnel->lock);
    if (failed) {
        virReportError(VIR_ERR_OPERATION_ABORTED, "%s",
                       _("the migration tunnel was stopped"));
        goto error;
    }
    if (tunnel->st->driver->streamFinish(tunnel->st) < 0)
        goto error;
    VIR_DEBUG("migration tunnel %s: all data delivered", tunnel->path);
    return;

 error:
    tunnel->err = virErrorCopyNew(virErrorGetLast());
    g_mutex_lock(&tunnel->lock);
    tunnel->errFirst = !tunnel->failed;
    g_mutex_unlock(&tunnel->lock);
    VIR_DEBUG("migration tunnel %s failed: %s", tunnel->path,
              NULLSTR(tunnel->err->message));
    /* QEMU's migration fails now instead of waiting for us */
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
    if (tunnel->st->driver->streamAbort(tunnel->st) < 0)
        VIR_DEBUG("aborting the stream: %s", virErrorGetLastMessage());
    virErrorResetLast();
}


static void
qemuMigrationTunnelFree(qemuMigrationTunnel *tunnel)
{
    if (tunnel->listenFD >= 0)
        close(tunnel->listenFD);
    if (tunnel->connFD >= 0)
        close(tunnel->connFD);
    unlink(tunnel->path);
    virErrorFree(tunnel->err);
    g_mutex_clear(&tunnel->lock);
    g_free(tunnel->path);
    g_free(tunnel->uri);
    g_free(tunnel);
}


/* Listens on a fresh socket for the source QEMU.  Returns 0 or -1. */
static int
qemuMigrationTunnelListen(qemuMigrationTunnel *tunnel)
{
    struct sockaddr_un addr;

    if (!(tunnel->path = qemuMigrationTunnelNewPath("out")))
        return -1;
    qemuMigrationTunnelAddr(tunnel->path, &addr);
    unlink(tunnel->path);
    if ((tunnel->listenFD = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(tunnel->listenFD, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(tunnel->listenFD, 1) < 0) {
        virReportSystemError(errno, _("cannot listen on the migration tunnel socket '%1$s'"),
                             tunnel->path);
        return -1;
    }
    tunnel->uri = g_strdup_printf("unix:%s", tunnel->path);
    return 0;
}


/**
 * qemuMigrationSrcTunnelStart:
 * Listens for the source QEMU (migrate to qemuMigrationSrcTunnelURI) and
 * starts the thread that forwards its data into @st (bound by
 * PrepareTunnel3, borrowed until Stop).  Returns the tunnel, which the
 * caller ends with qemuMigrationSrcTunnelStop, or NULL (reported).
 */
qemuMigrationTunnel *
qemuMigrationSrcTunnelStart(virStream *st)
{
    qemuMigrationTunnel *tunnel = g_new0(qemuMigrationTunnel, 1);

    tunnel->st = st;
    tunnel->listenFD = -1;
    tunnel->connFD = -1;
    g_mutex_init(&tunnel->lock);
    if (!st->driver->streamSend || qemuMigrationTunnelListen(tunnel) < 0) {
        if (!st->driver->streamSend)
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("the migration stream cannot be sent into"));
        qemuMigrationTunnelFree(tunnel);
        return NULL;
    }
    tunnel->thread = virThreadCreate("qemu-mig-tunnel", qemuMigrationTunnelRun,
                                     tunnel);
    VIR_DEBUG("migration tunnel listening on %s", tunnel->path);
    return tunnel;
}


const char *
qemuMigrationSrcTunnelURI(const qemuMigrationTunnel *tunnel)
{
    return tunnel->uri;
}


/**
 * qemuMigrationSrcTunnelStop:
 * Ends the tunnel and frees it.  After a successful transfer
 * (@failed false) waits until everything QEMU sent was delivered and
 * confirmed; after a failure aborts the stream.  May wait for the peer:
 * call it without the domain lock.  Returns 0, or -1 with the tunnel's
 * error reported when the tunnel failed on its own (the stream's error,
 * the destination gone): the cause of a failed transfer, then.
 */
int
qemuMigrationSrcTunnelStop(qemuMigrationTunnel *tunnel, bool failed)
{
    int rc = 0;

    g_mutex_lock(&tunnel->lock);
    tunnel->failed = failed;
    if (failed) {
        /* wakes the thread in accept() or read() */
        shutdown(tunnel->listenFD, SHUT_RDWR);
        if (tunnel->connFD >= 0)
            shutdown(tunnel->connFD, SHUT_RDWR);
    }
    g_mutex_unlock(&tunnel->lock);
    virThreadJoin(tunnel->thread);
    if (tunnel->err && (!failed || tunnel->errFirst)) {
        virErrorSetLast(tunnel->err);
        rc = -1;
    }
    qemuMigrationTunnelFree(tunnel);
    return rc;
}
