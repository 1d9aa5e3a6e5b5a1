/*
 * virnetclient.c: the client side of an RPC connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Threading: callers of virNetClientCall encode their CALL, queue it and
 * sleep on their own condition; only the I/O thread touches the socket.
 * It matches each REPLY to the waiting call by (prog, vers, serial), as
 * libvirt.so does, and wakes that caller, who checks the procedure and
 * decodes the result or the error in its own thread.
 *
 * Locking: the client lock protects the call list, the output queue, the
 * close state, keepalive counters and the callbacks.  The input message
 * (rx) and the GSource belong to the I/O thread alone.  Every close goes
 * through virNetClientMarkClosedLocked, which fails all pending calls at
 * once; the I/O thread then tears the socket down and runs the close
 * callback exactly once.
 */
#include <config.h>

#include <glib-unix.h>
#include <sys/socket.h>
#include <unistd.h>

#define LIBVIRT_VIRNETCLIENTPRIV_H_ALLOW
#include "virnetclientpriv.h"
#include "virnetclientssh.h"
#include "virnetsocket.h"
#include "virsocket.h"
#include "virkeepaliveprotocol.h"
#include "remote_protocol.h"
#include "virerror.h"
#include "virlog.h"
#include "virobject.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netclient");

/* How often the I/O thread looks at the keepalive state while it is on. */
#define VIR_NET_CLIENT_KEEPALIVE_TICK_MS 250
/* Waits for the I/O thread log a warning after this long, then go on. */
#define VIR_NET_CLIENT_WAIT_WARN_MS 30000

typedef struct {
    unsigned int prog;
    unsigned int vers;
    int proc;
    unsigned int serial;
    GCond cond;             /* signalled with the client lock */
    bool done;              /* a reply arrived or the connection closed */
    bool abandoned;         /* the caller timed out: the I/O thread frees it */
    virNetMessage *reply;
} virNetClientPending;

struct _virNetClient {
    virObjectLockable parent;

    int fd;
    virNetTLSContext *tlsCtx;   /* NULL: plain */
    virNetTLSSession *tls;
    char *peer;                  /* socket path, "host:port" or "ssh:..." */
    virNetClientSSHChild *child; /* ssh: I/O thread, then dispose only */
    GMainContext *ctx;
    GThread *thread;            /* the I/O thread */
    gint quit;                  /* atomic: the I/O thread exits */
    GSource *source;            /* socket watch: I/O thread only */
    virNetMessage *rx;          /* I/O thread only */

    /* Protected by the object lock. */
    GCond stateCond;            /* closeDone or inCallback changed */
    unsigned int serial;        /* next call serial, from 0 like libvirt.so */
    GPtrArray *calls;           /* of virNetClientPending*, not owning */
    virNetMessage *tx;
    size_t txBytes;             /* queued in tx, not written yet */
    bool closing;               /* no new calls; pending ones failed */
    bool closeDone;             /* torn down, close callback returned */
    int closeReason;            /* VIR_CONNECT_CLOSE_REASON_* */
    char *closeCause;
    bool closeVerbatim;         /* closeCause is the whole error */
    int inCallback;             /* callbacks running in the I/O thread */

    GSource *kaTimer;
    unsigned int kaInterval;    /* seconds; 0 = no PINGs of ours */
    unsigned int kaCount;
    unsigned int kaSent;        /* PINGs sent since the last packet */
    gint64 lastRxUs;

    virNetClientEventFunc eventFunc;
    void *eventOpaque;
    GDestroyNotify eventFree;
    virNetClientCloseFunc closeFunc;
    void *closeOpaque;
    GDestroyNotify closeFree;
    virNetClientStreamFunc streamFunc;
    void *streamOpaque;
};


static void
virNetClientCallFree(virNetClientPending *call)
{
    if (!call)
        return;
    virNetMessageFree(call->reply);
    g_cond_clear(&call->cond);
    g_free(call);
}


static bool
virNetClientOnIOThread(virNetClient *client)
{
    return g_thread_self() == client->thread;
}


/* Reports the error every call on a closed connection gets: @cause
 * itself when @verbatim (a system error naming what ssh said). */
static void
virNetClientReportClosed(const char *cause, bool verbatim)
{
    if (verbatim)
        virReportError(VIR_ERR_SYSTEM_ERROR, "%s", cause);
    else
        virReportError(VIR_ERR_RPC, _("client socket is closed: %1$s"), cause);
}


/**
 * virNetClientMarkClosedLocked:
 * Starts closing (once): refuses new calls, wakes every waiting call so it
 * fails at once, frees abandoned ones and drops unsent output.  The I/O
 * thread notices and tears the socket down.  @client must be locked.
 */
static void
virNetClientMarkClosedLocked(virNetClient *client, int reason,
                             const char *cause)
{
    guint i;

    if (client->closing)
        return;
    VIR_DEBUG("client=%p peer=%s closing: reason=%d cause=%s", client,
              client->peer, reason, cause);
    client->closing = true;
    client->closeReason = reason;
    client->closeCause = g_strdup(cause);
    for (i = client->calls->len; i > 0; i--) {
        virNetClientPending *call = g_ptr_array_index(client->calls, i - 1);

        if (call->abandoned) {
            g_ptr_array_remove_index_fast(client->calls, i - 1);
            virNetClientCallFree(call);
            continue;
        }
        call->done = true;
        g_cond_signal(&call->cond);
    }
    while (client->tx)
        virNetMessageFree(virNetMessageQueueServe(&client->tx));
    client->txBytes = 0;
    g_cond_broadcast(&client->stateCond);
    g_main_context_wakeup(client->ctx);
}


/* Closes, unless already closing, with the error just reported as the
 * one every call gets from now on. */
static void
virNetClientMarkClosedVerbatim(virNetClient *client, int reason)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    if (client->closing)
        return;
    virNetClientMarkClosedLocked(client, reason, virErrorGetLastMessage());
    client->closeVerbatim = true;
}


/* I/O thread: the connection through ssh ended (@reason EOF) or
 * failed (@err): what ssh said on its stderr makes the error, as in
 * libvirt.so ("Cannot recv data: ssh: connect to host ...").  Returns
 * false, doing nothing, when there is no ssh or it said nothing. */
static bool
virNetClientCloseWithStderr(virNetClient *client, int reason, int err)
{
    g_autofree char *errout = NULL;

    if (!client->child ||
        !(errout = virNetClientSSHChildReadStderr(client->child)))
        return false;
    if (reason == VIR_CONNECT_CLOSE_REASON_EOF)
        virReportSystemError(EIO, _("End of file while reading data: %1$s"),
                             errout);
    else
        virReportSystemError(err, _("Cannot recv data: %1$s"), errout);
    virNetClientMarkClosedVerbatim(client, reason);
    return true;
}


/* I/O thread: closes because of the error just reported. */
static void
virNetClientCloseOnError(virNetClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    virNetClientMarkClosedLocked(client, VIR_CONNECT_CLOSE_REASON_ERROR,
                                 virErrorGetLastMessage());
}


/* I/O thread: closes because a read or write on the socket failed with
 * @err (the error is reported). */
static void
virNetClientCloseOnSocketError(virNetClient *client, int err)
{
    if (!virNetClientCloseWithStderr(client, VIR_CONNECT_CLOSE_REASON_ERROR,
                                     err))
        virNetClientCloseOnError(client);
}


/* Queues @msg (steals it) unless closing.  @client must be locked. */
static void
virNetClientQueueLocked(virNetClient *client, virNetMessage *msg)
{
    if (client->closing) {
        virNetMessageFree(msg);
        return;
    }
    client->txBytes += msg->bufferLength;
    virNetMessageQueuePush(&client->tx, msg);
    g_main_context_wakeup(client->ctx);
}


/* ---- the I/O thread: input ---- */

/* Hands a reply to its waiting call (steals @msg).  Returns -1 (reported)
 * when no call waits for it: the caller then closes, as libvirt.so does. */
static int
virNetClientDispatchReply(virNetClient *client, virNetMessage *msg)
{
    const virNetMessageHeader *hdr = &msg->header;
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);
    guint i;

    for (i = 0; i < client->calls->len; i++) {
        virNetClientPending *call = g_ptr_array_index(client->calls, i);

        if (call->done || call->prog != hdr->prog || call->vers != hdr->vers ||
            call->serial != hdr->serial)
            continue;
        if (call->abandoned) {
            VIR_DEBUG("dropping late reply proc=%d serial=%u", hdr->proc,
                      hdr->serial);
            g_ptr_array_remove_index_fast(client->calls, i);
            virNetClientCallFree(call);
            virNetMessageFree(msg);
            return 0;
        }
        call->reply = msg;
        call->done = true;
        g_cond_signal(&call->cond);
        return 0;
    }
    virReportError(VIR_ERR_RPC,
                   _("no call waiting for reply with prog %1$u vers %2$u serial %3$u"),
                   hdr->prog, hdr->vers, hdr->serial);
    virNetMessageFree(msg);
    return -1;
}


/* Runs the event callback, if any, for a remote program MESSAGE. */
static void
virNetClientDispatchEvent(virNetClient *client, virNetMessage *msg)
{
    virNetClientEventFunc func;
    void *opaque;

    virObjectLock(client);
    func = client->eventFunc;
    opaque = client->eventOpaque;
    if (func)
        client->inCallback++;
    virObjectUnlock(client);
    if (!func) {
        VIR_DEBUG("no event callback; ignoring event proc=%d", msg->header.proc);
        return;
    }
    func(client, msg, opaque);
    virObjectLock(client);
    client->inCallback--;
    g_cond_broadcast(&client->stateCond);
    virObjectUnlock(client);
}


/* A MESSAGE packet: keepalive, an event, or a reason to close (-1,
 * reported) when it comes from a program libvirt.so does not register. */
static int
virNetClientDispatchMessage(virNetClient *client, virNetMessage *msg)
{
    const virNetMessageHeader *hdr = &msg->header;

    if (hdr->prog == KEEPALIVE_PROGRAM) {
        virNetMessage *pong;

        if (hdr->proc != KEEPALIVE_PROC_PING)
            return 0;
        if (!(pong = virNetMessageNewKeepalive(KEEPALIVE_PROC_PONG)))
            return -1;
        VIR_WITH_OBJECT_LOCK_GUARD(client) {
            virNetClientQueueLocked(client, pong);
        }
        return 0;
    }
    if (hdr->prog == REMOTE_PROGRAM && hdr->vers == REMOTE_PROTOCOL_VERSION) {
        virNetClientDispatchEvent(client, msg);
        return 0;
    }
    if ((hdr->prog == QEMU_PROGRAM && hdr->vers == QEMU_PROTOCOL_VERSION) ||
        (hdr->prog == LXC_PROGRAM && hdr->vers == LXC_PROTOCOL_VERSION)) {
        VIR_DEBUG("ignoring event prog=0x%x proc=%d", hdr->prog, hdr->proc);
        return 0;
    }
    virReportError(VIR_ERR_RPC,
                   _("unexpected message from program 0x%1$x version %2$u"),
                   hdr->prog, hdr->vers);
    return -1;
}


/* A STREAM packet goes to the stream layer (virnetclientstream.c), if
 * one is attached; without it there is no stream to match.  Returns -1
 * (reported) when the connection must close. */
static int
virNetClientDispatchStream(virNetClient *client, virNetMessage *msg)
{
    virNetClientStreamFunc func = NULL;
    void *opaque = NULL;

    VIR_WITH_OBJECT_LOCK_GUARD(client) {
        func = client->streamFunc;
        opaque = client->streamOpaque;
    }
    if (!func) {
        VIR_DEBUG("no stream open; ignoring stream packet serial=%u",
                  msg->header.serial);
        return 0;
    }
    return func(client, msg, opaque);
}


/* One complete packet (steals @msg).  Returns -1 (reported) when the
 * connection must close. */
static int
virNetClientDispatch(virNetClient *client, virNetMessage *msg)
{
    g_autoptr(virNetMessage) owned = msg;
    const virNetMessageHeader *hdr = &msg->header;

    VIR_WITH_OBJECT_LOCK_GUARD(client) {
        client->lastRxUs = g_get_monotonic_time();
        client->kaSent = 0;
    }
    if (virNetMessageDecodeHeader(msg) < 0)
        return -1;

    switch ((virNetMessageType)hdr->type) {
    case VIR_NET_REPLY:
        return virNetClientDispatchReply(client, g_steal_pointer(&owned));
    case VIR_NET_MESSAGE:
        return virNetClientDispatchMessage(client, msg);
    case VIR_NET_STREAM:
        return virNetClientDispatchStream(client, msg);
    case VIR_NET_STREAM_HOLE:
        VIR_DEBUG("ignoring stream hole serial=%u", hdr->serial);
        return 0;
    case VIR_NET_REPLY_WITH_FDS:
        virReportError(VIR_ERR_RPC, "%s",
                       _("the server passed file descriptors, which this client never asks for"));
        return -1;
    case VIR_NET_CALL:
    case VIR_NET_CALL_WITH_FDS:
    default:
        virReportError(VIR_ERR_RPC,
                       _("got unexpected RPC call prog %1$u vers %2$u proc %3$d type %4$d"),
                       hdr->prog, hdr->vers, hdr->proc, hdr->type);
        return -1;
    }
}


/* Dispatches a packet read (steals @msg); false stops reading. */
static bool
virNetClientHandlePacket(virNetMessage *msg, void *opaque)
{
    virNetClient *client = opaque;

    if (virNetClientDispatch(client, msg) < 0) {
        virNetClientCloseOnError(client);
        return false;
    }
    return virNetClientIsOpen(client);
}


/* Reads and dispatches everything available; closes on EOF and errors. */
static void
virNetClientDoRead(virNetClient *client)
{
    virNetSocketIO io = { client->fd, client->tls };
    virNetMessageReadResult rc = virNetMessageReadAll(&io, &client->rx,
                                                      virNetClientHandlePacket,
                                                      client);
    int err = errno;

    switch (rc) {
    case VIR_NET_MESSAGE_READ_AGAIN:
    case VIR_NET_MESSAGE_READ_DONE:
        break;
    case VIR_NET_MESSAGE_READ_EOF:
        if (virNetClientCloseWithStderr(client, VIR_CONNECT_CLOSE_REASON_EOF,
                                        0))
            break;
        VIR_WITH_OBJECT_LOCK_GUARD(client) {
            virNetClientMarkClosedLocked(client, VIR_CONNECT_CLOSE_REASON_EOF,
                                         _("end of file from the server"));
        }
        break;
    case VIR_NET_MESSAGE_READ_ERROR:
        virNetClientCloseOnSocketError(client, err);
        break;
    case VIR_NET_MESSAGE_READ_INVALID:
    case VIR_NET_MESSAGE_READ_LAST:
    default:
        virNetClientCloseOnError(client);
        break;
    }
}


/* ---- the I/O thread: output, keepalive, teardown ---- */

/* Writes queued output.  Returns -1 (reported) on a socket error. */
static int
virNetClientDoWrite(virNetClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);
    virNetSocketIO io = { client->fd, client->tls };
    size_t packets = 0;
    size_t bytes = 0;
    int rc = virNetMessageQueueFlush(&io, &client->tx, &packets, &bytes);

    client->txBytes -= MIN(bytes, client->txBytes);
    if (bytes)
        g_cond_broadcast(&client->stateCond);
    return rc;
}


/* Keepalive tick: a PING after each interval of silence, close after
 * kaCount unanswered ones (libvirt's virKeepAlive timing). */
static gboolean
virNetClientKeepAliveTick(gpointer opaque)
{
    virNetClient *client = opaque;
    gint64 now = g_get_monotonic_time();
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);
    gint64 idleMs = (now - client->lastRxUs) / 1000;
    virNetMessage *ping;

    if (client->closing || client->kaInterval == 0 ||
        idleMs < (gint64)client->kaInterval * 1000 * (client->kaSent + 1))
        return G_SOURCE_CONTINUE;
    if (client->kaSent >= client->kaCount) {
        VIR_WARN("no answer from %s to %u keepalive probes; closing",
                 client->peer, client->kaSent);
        virNetClientMarkClosedLocked(client, VIR_CONNECT_CLOSE_REASON_KEEPALIVE,
                                     _("connection closed due to keepalive timeout"));
        return G_SOURCE_CONTINUE;
    }
    if ((ping = virNetMessageNewKeepalive(KEEPALIVE_PROC_PING))) {
        client->kaSent++;
        virNetClientQueueLocked(client, ping);
    }
    return G_SOURCE_CONTINUE;
}


static void
virNetClientDestroySource(GSource **source)
{
    if (!*source)
        return;
    g_source_destroy(*source);
    g_source_unref(*source);
    *source = NULL;
}


/* Releases the socket side and runs the close callback, once. */
static void
virNetClientTeardown(virNetClient *client)
{
    virNetClientCloseFunc func;
    virNetClientStreamFunc sfunc = NULL;
    void *opaque;
    void *sopaque = NULL;
    GSource *timer;
    int reason;

    virNetClientDestroySource(&client->source);
    g_clear_pointer(&client->rx, virNetMessageFree);
    shutdown(client->fd, SHUT_RDWR);
    /* ssh sees the end of its input and exits: reap it now */
    g_clear_pointer(&client->child, virNetClientSSHChildFree);

    VIR_WITH_OBJECT_LOCK_GUARD(client) {
        sfunc = client->streamFunc;
        sopaque = client->streamOpaque;
    }
    /* open streams fail before the close callback runs */
    if (sfunc)
        ignore_value(sfunc(client, NULL, sopaque));

    virObjectLock(client);
    timer = g_steal_pointer(&client->kaTimer);
    func = client->closeFunc;
    opaque = client->closeOpaque;
    reason = client->closeReason;
    if (func)
        client->inCallback++;
    virObjectUnlock(client);

    virNetClientDestroySource(&timer);
    if (func)
        func(client, reason, opaque);

    virObjectLock(client);
    if (func)
        client->inCallback--;
    client->closeDone = true;
    g_cond_broadcast(&client->stateCond);
    virObjectUnlock(client);
}


/* What the socket watch polls for: input, and output while queued. */
static GIOCondition
virNetClientWatchEvents(void *opaque, bool *closing)
{
    virNetClient *client = opaque;
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    *closing = client->closing;
    if (client->closing)
        return 0;
    return G_IO_IN | (client->tx ? G_IO_OUT : 0);
}


static gboolean
virNetClientWatchDispatch(void *opaque, GIOCondition rev)
{
    virNetClient *client = opaque;

    if (virNetClientIsOpen(client) && (rev & G_IO_OUT) &&
        virNetClientDoWrite(client) < 0)
        virNetClientCloseOnSocketError(client, errno);
    if (virNetClientIsOpen(client) && (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        virNetClientDoRead(client);

    if (!virNetClientIsOpen(client)) {
        virNetClientTeardown(client);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}


static void
virNetClientIOThread(void *opaque)
{
    virNetClient *client = opaque;

    g_main_context_push_thread_default(client->ctx);
    while (!g_atomic_int_get(&client->quit))
        g_main_context_iteration(client->ctx, TRUE);
    g_main_context_pop_thread_default(client->ctx);
}


/* ---- life cycle ---- */

/* Waits (client locked, not in the I/O thread) until @done is true, with
 * a warning naming the peer whenever the I/O thread is slow. */
static void
virNetClientWaitStateLocked(virNetClient *client, const bool *done,
                            const char *what)
{
    while (!*done) {
        long long deadline = virTimeMonotonicMs() + VIR_NET_CLIENT_WAIT_WARN_MS;

        if (virCondWaitUntil(&client->stateCond, virObjectGetLock(client),
                             deadline) < 0 && !*done)
            VIR_WARN("still waiting for the I/O thread of %s to %s",
                     client->peer, what);
    }
}


static void
virNetClientWaitCallbacksLocked(virNetClient *client)
{
    while (client->inCallback > 0 && !virNetClientOnIOThread(client)) {
        long long deadline = virTimeMonotonicMs() + VIR_NET_CLIENT_WAIT_WARN_MS;

        if (virCondWaitUntil(&client->stateCond, virObjectGetLock(client),
                             deadline) < 0 && client->inCallback > 0)
            VIR_WARN("still waiting for a callback of %s to return",
                     client->peer);
    }
}


static void
virNetClientDispose(void *obj)
{
    virNetClient *client = obj;
    guint i;

    /* Programmer error: a callback dropped the last reference. */
    g_assert(!virNetClientOnIOThread(client));
    virNetClientClose(client);
    g_atomic_int_set(&client->quit, 1);
    g_main_context_wakeup(client->ctx);
    virThreadJoin(client->thread);

    virNetClientDestroySource(&client->source);
    virNetClientDestroySource(&client->kaTimer);
    for (i = 0; i < client->calls->len; i++)
        virNetClientCallFree(g_ptr_array_index(client->calls, i));
    g_ptr_array_unref(client->calls);
    while (client->tx)
        virNetMessageFree(virNetMessageQueueServe(&client->tx));
    virNetMessageFree(client->rx);
    if (client->eventFree && client->eventOpaque)
        client->eventFree(client->eventOpaque);
    if (client->closeFree && client->closeOpaque)
        client->closeFree(client->closeOpaque);
    virNetTLSSessionFree(client->tls);
    virNetTLSContextFree(client->tlsCtx);
    close(client->fd);
    virNetClientSSHChildFree(client->child);
    g_main_context_unref(client->ctx);
    g_cond_clear(&client->stateCond);
    g_free(client->closeCause);
    g_free(client->peer);
}


/* Makes @fd non-blocking; closes it on failure.  Returns 0 or -1. */
static int
virNetClientSetNonBlocking(int fd, const char *peer)
{
    g_autoptr(GError) gerr = NULL;

    if (!g_unix_set_fd_nonblocking(fd, TRUE, &gerr)) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot make the socket to %1$s non-blocking: %2$s"),
                       peer, gerr->message);
        close(fd);
        return -1;
    }
    return 0;
}


/* virNetClientNewFD on a non-blocking @fd, with TLS when @tls is set
 * (its handshake done; the client owns @tlsCtx and @tls from now on),
 * through ssh when @child is set (the client owns it too). */
static virNetClient *
virNetClientNewStarted(int fd, const char *peer, virNetTLSContext *tlsCtx,
                       virNetTLSSession *tls, virNetClientSSHChild *child)
{
    virNetClient *client;

    client = virObjectLockableNew(sizeof(*client), virNetClientDispose);
    client->fd = fd;
    client->child = child;
    client->tlsCtx = tlsCtx;
    client->tls = tls;
    client->peer = g_strdup(peer);
    client->ctx = g_main_context_new();
    client->calls = g_ptr_array_new();
    client->lastRxUs = g_get_monotonic_time();
    g_cond_init(&client->stateCond);

    client->source = virNetSocketWatchAttach(fd, "rpc-client", client->ctx,
                                             virNetClientWatchEvents,
                                             virNetClientWatchDispatch, client);
    if (tls)
        virNetSocketWatchSetTLS(client->source, tls);

    client->thread = virThreadCreate("rpc-client-io", virNetClientIOThread,
                                     client);
    VIR_DEBUG("client=%p connected to %s", client, peer);
    return client;
}


/**
 * virNetClientNewFD:
 * Wraps the connected stream socket @fd (stolen, closed on failure too)
 * to the peer described by @peer (used in messages) and starts the I/O
 * thread.  Returns a client holding one reference for the caller, or
 * NULL (reported).
 */
virNetClient *
virNetClientNewFD(int fd, const char *peer)
{
    if (virNetClientSetNonBlocking(fd, peer) < 0)
        return NULL;
    return virNetClientNewStarted(fd, peer, NULL, NULL, NULL);
}


/**
 * virNetClientNewUNIX:
 * Connects to the unix socket @path.  Returns a new client (caller owns
 * the reference) or NULL with an error naming @path reported.
 */
virNetClient *
virNetClientNewUNIX(const char *path)
{
    int fd = virNetSocketConnectUNIX(path);

    if (fd < 0)
        return NULL;
    return virNetClientNewFD(fd, path);
}


/**
 * virNetClientNewTCP:
 * Connects to @host:@port (any address family getaddrinfo returns).
 * Returns a new client (caller owns the reference) or NULL with an error
 * naming the host and port reported.
 */
virNetClient *
virNetClientNewTCP(const char *host, const char *port)
{
    g_autofree char *peer = NULL;
    int fd = virSocketConnectTCP(host, port);

    if (fd < 0)
        return NULL;
    if (strchr(host, ':'))
        peer = g_strdup_printf("[%s]:%s", host, port);
    else
        peer = g_strdup_printf("%s:%s", host, port);
    return virNetClientNewFD(fd, peer);
}


/**
 * virNetClientNewTLS:
 * Connects to @host:@port and starts TLS with the credentials of @ctx
 * (stolen): handshake, check of the server's certificate against our CA
 * and @host, and the server's verdict on ours, within @timeoutMs, before
 * anything else is sent (libvirt's order).  Returns a new client (caller
 * owns the reference) or NULL (reported: the connection, or why TLS
 * failed).
 */
virNetClient *
virNetClientNewTLS(const char *host, const char *port, virNetTLSContext *ctx,
                   int timeoutMs)
{
    g_autoptr(virNetTLSContext) owned = ctx;
    g_autoptr(virNetTLSSession) sess = NULL;
    g_autofree char *peer = NULL;
    int fd = virSocketConnectTCP(host, port);

    if (fd < 0)
        return NULL;
    peer = g_strdup_printf(strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
    if (virNetClientSetNonBlocking(fd, peer) < 0)
        return NULL;
    if (!(sess = virNetTLSSessionNew(ctx, fd, host)) ||
        virNetTLSSessionClientStart(sess, timeoutMs) < 0) {
        close(fd);
        return NULL;
    }
    return virNetClientNewStarted(fd, peer, g_steal_pointer(&owned),
                                  g_steal_pointer(&sess), NULL);
}


/* "ssh:[USER@]HOST[:PORT]", the peer of an ssh connection in messages. */
static char *
virNetClientSSHDescribe(const virNetClientSSHParams *params)
{
    bool v6 = strchr(params->host, ':') != NULL;

    return g_strdup_printf("ssh:%s%s%s%s%s%s%s",
                           params->username ? params->username : "",
                           params->username ? "@" : "", v6 ? "[" : "",
                           params->host, v6 ? "]" : "", params->port ? ":" : "",
                           params->port ? params->port : "");
}


/**
 * virNetClientNewSSH:
 * Runs ssh (libvirt's OpenSSH-binary transport: see virnetclientssh.h)
 * as our child on a socketpair and talks to the daemon @params names
 * through it.  ssh authenticates in the background: a host it cannot
 * reach or log in to shows up as the failure of the first call, with
 * what ssh said on its stderr.  The child is reaped when the connection
 * closes.  Returns a new client (caller owns the reference) or NULL
 * (reported).
 */
virNetClient *
virNetClientNewSSH(const virNetClientSSHParams *params)
{
    g_autofree char *remote = NULL;
    g_autofree char *peer = virNetClientSSHDescribe(params);
    g_autoptr(virCommand) cmd = NULL;
    g_autoptr(virNetClientSSHChild) child = NULL;
    int fd = -1;

    if (!(remote = virNetClientSSHHelperCommand(params)))
        return NULL;
    cmd = virNetClientSSHCommandNew(params, remote);
    if (virNetClientSSHChildSpawn(cmd, &fd, &child) < 0 ||
        virNetClientSetNonBlocking(fd, peer) < 0)
        return NULL;
    VIR_DEBUG("ssh child %lld for %s",
              (long long)virNetClientSSHChildGetPid(child), peer);
    return virNetClientNewStarted(fd, peer, NULL, NULL,
                                  g_steal_pointer(&child));
}


/* Adds a reference; returns @client. */
void *
virNetClientRef(virNetClient *client)
{
    return virObjectRef(client);
}


/**
 * virNetClientUnref:
 * Drops a reference.  The last one closes the connection (the close
 * callback, if still set, runs with VIR_CONNECT_CLOSE_REASON_CLIENT),
 * joins the I/O thread and frees everything.  Never drop the last
 * reference from a callback: they run in the I/O thread.
 */
void
virNetClientUnref(virNetClient *client)
{
    virObjectUnref(client);
}


/**
 * virNetClientSetEventCallback:
 * Sets (or, with NULL @func, clears) the callback for events of the remote
 * program; events of the qemu and lxc programs are always ignored.  When
 * this returns, the previous callback is no longer running (unless called
 * from it) and its @opaque has been freed with its @freeOpaque.
 */
void
virNetClientSetEventCallback(virNetClient *client, virNetClientEventFunc func,
                             void *opaque, GDestroyNotify freeOpaque)
{
    void *oldOpaque;
    GDestroyNotify oldFree;

    virObjectLock(client);
    virNetClientWaitCallbacksLocked(client);
    oldOpaque = client->eventOpaque;
    oldFree = client->eventFree;
    client->eventFunc = func;
    client->eventOpaque = opaque;
    client->eventFree = freeOpaque;
    virObjectUnlock(client);
    if (oldFree && oldOpaque)
        oldFree(oldOpaque);
}


/**
 * virNetClientSetCloseCallback:
 * Sets (or clears) the callback told, once, why the connection closed.
 * Same replacement guarantees as virNetClientSetEventCallback.  A callback
 * set after the close already happened is not called.
 */
void
virNetClientSetCloseCallback(virNetClient *client, virNetClientCloseFunc func,
                             void *opaque, GDestroyNotify freeOpaque)
{
    void *oldOpaque;
    GDestroyNotify oldFree;

    virObjectLock(client);
    virNetClientWaitCallbacksLocked(client);
    oldOpaque = client->closeOpaque;
    oldFree = client->closeFree;
    client->closeFunc = func;
    client->closeOpaque = opaque;
    client->closeFree = freeOpaque;
    virObjectUnlock(client);
    if (oldFree && oldOpaque)
        oldFree(oldOpaque);
}


/**
 * virNetClientSetKeepAlive:
 * Like virConnectSetKeepAlive: from now on, after @interval seconds in
 * which nothing was received, send a PING, then one per @interval, and
 * close (VIR_CONNECT_CLOSE_REASON_KEEPALIVE) after @count unanswered ones.
 * @interval <= 0 stops our PINGs (server PINGs are always answered).
 * Only enable it if the server probed positive for feature 10.  Returns 0,
 * or -1 (reported) when the connection is closed.
 */
int
virNetClientSetKeepAlive(virNetClient *client, int interval,
                         unsigned int count)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    if (client->closing) {
        virNetClientReportClosed(client->closeCause, client->closeVerbatim);
        return -1;
    }
    client->kaInterval = interval > 0 ? interval : 0;
    client->kaCount = count;
    client->kaSent = 0;
    client->lastRxUs = g_get_monotonic_time();
    if (client->kaInterval > 0 && !client->kaTimer) {
        client->kaTimer = g_timeout_source_new(VIR_NET_CLIENT_KEEPALIVE_TICK_MS);
        g_source_set_callback(client->kaTimer, virNetClientKeepAliveTick,
                              client, NULL);
        g_source_attach(client->kaTimer, client->ctx);
    }
    return 0;
}


/* ---- calls ---- */

/* Encodes the CALL packet for @call.  NULL @argsFilter means void. */
static virNetMessage *
virNetClientCallEncode(const virNetClientPending *call, xdrproc_t argsFilter,
                       void *args)
{
    g_autoptr(virNetMessage) msg = NULL;

    if (!(msg = virNetMessageNewHeader(call->prog, call->vers, call->proc,
                                       VIR_NET_CALL, call->serial,
                                       VIR_NET_OK)))
        return NULL;
    if (argsFilter ? virNetMessageEncodePayload(msg, argsFilter, args) < 0 :
        virNetMessageEncodePayloadEmpty(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}


/* Registers @call and queues @msg (both stolen).  Returns 0, or -1
 * (reported) when the connection is closed. */
static int
virNetClientCallQueue(virNetClient *client, virNetClientPending *call,
                      virNetMessage *msg)
{
    g_autofree char *cause = NULL;
    bool verbatim = false;

    virObjectLock(client);
    if (client->closing) {
        cause = g_strdup(client->closeCause);
        verbatim = client->closeVerbatim;
        virObjectUnlock(client);
        virNetMessageFree(msg);
        virNetClientCallFree(call);
        virNetClientReportClosed(cause, verbatim);
        return -1;
    }
    g_ptr_array_add(client->calls, call);
    virNetMessageQueuePush(&client->tx, msg);
    virObjectUnlock(client);
    g_main_context_wakeup(client->ctx);
    return 0;
}


/**
 * virNetClientCallWait:
 * Sleeps until @call (queued) is answered or the connection closes, or
 * until @timeoutMs passes (when > 0): then the call is abandoned to the
 * I/O thread, which drops its late reply.  On success *@reply gets the
 * reply (caller owns it); the call is freed either way.  Returns 0 or -1
 * (reported).
 */
static int
virNetClientCallWait(virNetClient *client, virNetClientPending *call,
                     int timeoutMs, virNetMessage **reply)
{
    long long deadline = timeoutMs > 0 ? virTimeMonotonicMs() + timeoutMs : 0;
    GMutex *lock = virObjectGetLock(client);
    g_autofree char *cause = NULL;
    bool verbatim = false;
    virNetMessage *msg;

    virObjectLock(client);
    while (!call->done) {
        if (deadline == 0) {
            g_cond_wait(&call->cond, lock);
        } else if (virCondWaitUntil(&call->cond, lock, deadline) < 0 &&
                   !call->done) {
            call->abandoned = true;
            virObjectUnlock(client);
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("no reply from %1$s to RPC procedure %2$d (serial %3$u) within %4$d ms"),
                           client->peer, call->proc, call->serial, timeoutMs);
            return -1;
        }
    }
    g_ptr_array_remove_fast(client->calls, call);
    msg = g_steal_pointer(&call->reply);
    if (!msg) {
        cause = g_strdup(client->closeCause);
        verbatim = client->closeVerbatim;
    }
    virObjectUnlock(client);
    virNetClientCallFree(call);
    if (!msg) {
        virNetClientReportClosed(cause, verbatim);
        return -1;
    }
    *reply = msg;
    return 0;
}


/* libvirt.so's fix-ups of error codes sent by old servers, so that a
 * caller sees the same code it would see through libvirt. */
static int
virNetClientFixErrorCode(const virNetMessageError *rerr)
{
    switch (rerr->code) {
    case VIR_ERR_INVALID_NWFILTER:
    case VIR_ERR_NO_NWFILTER:
    case VIR_ERR_BUILD_FIREWALL:
        return rerr->domain != VIR_FROM_NWFILTER ? rerr->code + 4 : rerr->code;
    case VIR_WAR_NO_SECRET:
        return rerr->domain == VIR_FROM_QEMU ? VIR_ERR_OPERATION_TIMEOUT : rerr->code;
    case VIR_ERR_INVALID_SECRET:
        return rerr->domain == VIR_FROM_XEN ? VIR_ERR_MIGRATE_PERSIST_FAILED : rerr->code;
    }
    if ((rerr->domain == VIR_FROM_REMOTE || rerr->domain == VIR_FROM_RPC) &&
        rerr->code == VIR_ERR_RPC && rerr->level == VIR_ERR_ERROR &&
        rerr->message && g_str_has_prefix(*rerr->message, "unknown procedure"))
        return VIR_ERR_NO_SUPPORT;
    return rerr->code;
}


/* Makes the error carried by @reply the calling thread's last error, its
 * message verbatim.  Always returns -1. */
static int
virNetClientRaiseError(virNetMessage *reply)
{
    virNetMessageError rerr;
    virError err = { 0 };

    memset(&rerr, 0, sizeof(rerr));
    if (virNetMessageDecodePayload(reply, (xdrproc_t)xdr_virNetMessageError,
                                   &rerr) < 0) {
        xdr_free((xdrproc_t)xdr_virNetMessageError, (char *)&rerr);
        return -1;
    }
    err.code = virNetClientFixErrorCode(&rerr);
    err.domain = rerr.domain;
    err.level = rerr.level;
    err.message = rerr.message ? *rerr.message : (char *)_("Unknown error");
    err.str1 = rerr.str1 ? *rerr.str1 : NULL;
    err.str2 = rerr.str2 ? *rerr.str2 : NULL;
    err.str3 = rerr.str3 ? *rerr.str3 : NULL;
    err.int1 = rerr.int1;
    err.int2 = rerr.int2;
    VIR_DEBUG("error reply: code=%d domain=%d message=%s", err.code,
              err.domain, err.message);
    virErrorSetLast(&err);
    xdr_free((xdrproc_t)xdr_virNetMessageError, (char *)&rerr);
    return -1;
}


/* Checks @reply against @call and decodes its result (NULL @retFilter
 * means void) or raises its error.  Returns 0 or -1 (reported). */
static int
virNetClientCallFinish(int proc, virNetMessage *reply, xdrproc_t retFilter,
                       void *ret)
{
    if (reply->header.proc != proc) {
        virReportError(VIR_ERR_RPC, _("Unexpected message proc %1$d != %2$d"),
                       reply->header.proc, proc);
        return -1;
    }
    switch ((virNetMessageStatus)reply->header.status) {
    case VIR_NET_OK:
        if (!retFilter)
            return 0;
        if (virNetMessageDecodePayload(reply, retFilter, ret) < 0) {
            xdr_free(retFilter, ret);
            return -1;
        }
        return 0;
    case VIR_NET_ERROR:
        return virNetClientRaiseError(reply);
    case VIR_NET_CONTINUE:
    default:
        virReportError(VIR_ERR_RPC, _("Unexpected message status %1$d"),
                       reply->header.status);
        return -1;
    }
}


/**
 * virNetClientCall:
 * Calls procedure @proc of program @prog/@vers with @args encoded by
 * @argsFilter and waits for the reply, which is decoded into @ret (zeroed
 * by the caller; the caller frees it with xdr_free(@retFilter, @ret)).
 * NULL filters mean void.  Callable from any number of threads at once,
 * but never from a callback (the I/O thread).  @timeoutMs > 0 bounds the
 * wait; otherwise it lasts until the reply or the close of the connection
 * (keepalive bounds a silent peer).  An error reply becomes the calling
 * thread's last error with the server's code, domain and message (libvirt's
 * "unknown procedure" turns into VIR_ERR_NO_SUPPORT, as in libvirt.so).
 * Returns 0, or -1 (reported).
 */
int
virNetClientCall(virNetClient *client, unsigned int prog, unsigned int vers,
                 int proc, xdrproc_t argsFilter, void *args,
                 xdrproc_t retFilter, void *ret, int timeoutMs)
{
    return virNetClientCallSerial(client, prog, vers, proc, argsFilter, args,
                                  retFilter, ret, timeoutMs, NULL);
}


/**
 * virNetClientCallSerial:
 * virNetClientCall that also tells, in *@serial (if not NULL, written on
 * success), the serial the call went with: the one of the stream a call
 * opens.
 */
int
virNetClientCallSerial(virNetClient *client, unsigned int prog,
                       unsigned int vers, int proc, xdrproc_t argsFilter,
                       void *args, xdrproc_t retFilter, void *ret,
                       int timeoutMs, unsigned int *serial)
{
    g_autoptr(virNetMessage) reply = NULL;
    virNetClientPending *call;
    unsigned int callSerial;
    virNetMessage *msg;

    if (virNetClientOnIOThread(client)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("RPC calls cannot be made from the client's I/O thread"));
        return -1;
    }
    call = g_new0(virNetClientPending, 1);
    g_cond_init(&call->cond);
    call->prog = prog;
    call->vers = vers;
    call->proc = proc;
    VIR_WITH_OBJECT_LOCK_GUARD(client) {
        call->serial = client->serial++;
    }
    VIR_DEBUG("client=%p prog=0x%x proc=%d serial=%u", client, prog, proc,
              call->serial);
    if (!(msg = virNetClientCallEncode(call, argsFilter, args))) {
        virNetClientCallFree(call);
        return -1;
    }
    callSerial = call->serial;
    if (virNetClientCallQueue(client, call, msg) < 0 ||
        virNetClientCallWait(client, call, timeoutMs, &reply) < 0 ||
        virNetClientCallFinish(proc, reply, retFilter, ret) < 0)
        return -1;
    if (serial)
        *serial = callSerial;
    return 0;
}


/* Whether the connection is still usable (no close has started). */
bool
virNetClientIsOpen(virNetClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    return !client->closing;
}


/* The socket path or "host:port" of the server, for messages. */
const char *
virNetClientGetPeer(virNetClient *client)
{
    return client->peer;
}


/**
 * virNetClientClose:
 * Closes the connection (VIR_CONNECT_CLOSE_REASON_CLIENT unless it already
 * closed for another reason): pending calls fail at once.  Outside the I/O
 * thread it returns after the socket is shut down and the close callback
 * has returned.  Safe to call more than once; the client stays allocated
 * until its last reference goes.
 */
void
virNetClientClose(virNetClient *client)
{
    virObjectLock(client);
    virNetClientMarkClosedLocked(client, VIR_CONNECT_CLOSE_REASON_CLIENT,
                                 _("connection closed by the client"));
    if (!virNetClientOnIOThread(client))
        virNetClientWaitStateLocked(client, &client->closeDone, "close");
    virObjectUnlock(client);
}


/**
 * virNetClientSetStreamCallback:
 * Attaches the stream layer: @func gets every STREAM packet (borrowed;
 * I/O thread, no lock held; -1 closes the connection) and, once, NULL
 * when the connection closes.  Set once, before the first stream opens;
 * it stays for the life of @client.
 */
void
virNetClientSetStreamCallback(virNetClient *client, virNetClientStreamFunc func,
                              void *opaque)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    client->streamFunc = func;
    client->streamOpaque = opaque;
}


/**
 * virNetClientSendPacket:
 * Queues @msg (stolen), a packet that expects no reply (stream data),
 * once no more than @maxQueued bytes wait to be written: a sender faster
 * than the socket waits here instead of filling memory.  Not from the
 * I/O thread.  Returns 0, or -1 (reported) when the connection is or gets
 * closed (the message is dropped).
 */
int
virNetClientSendPacket(virNetClient *client, virNetMessage *msg,
                       size_t maxQueued)
{
    g_autofree char *cause = NULL;
    bool verbatim = false;

    virObjectLock(client);
    while (!client->closing && client->txBytes > maxQueued)
        g_cond_wait(&client->stateCond, virObjectGetLock(client));
    if (client->closing) {
        cause = g_strdup(client->closeCause);
        verbatim = client->closeVerbatim;
        virObjectUnlock(client);
        virNetMessageFree(msg);
        virNetClientReportClosed(cause, verbatim);
        return -1;
    }
    virNetClientQueueLocked(client, msg);
    virObjectUnlock(client);
    return 0;
}
