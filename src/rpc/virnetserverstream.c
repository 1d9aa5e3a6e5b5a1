/*
 * virnetserverstream.c: data streams a client opens on the server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Flow control: every STREAM packet the I/O thread reads for a stream
 * counts as one of the client's calls in flight until its bytes are
 * written into the stream's descriptor.  A descriptor that takes data
 * slowly (a busy incoming QEMU) therefore fills the client's window
 * (max_client_requests), the server stops reading that socket, and the
 * sender's writes block: neither daemon queues more than a few packets.
 *
 * The other way (consoles, screenshots): a watch reads the descriptor
 * and sends what it reads as data packets, at most
 * VIR_NET_SERVER_STREAM_TX_MAX of them queued on the client at once; the
 * end of the descriptor's data is sent as an empty data packet (libvirt's
 * EOF), after which the stream waits for the client to end or abort it.
 *
 * Threads: packets arrive in the I/O thread and are only queued there;
 * watches on the descriptor (in the server's main context, so the I/O
 * thread again) write them when it can take them, send the confirmation
 * of the end or the abort once everything before it is written, and read
 * what goes to the client.  The handler that opened the stream attaches
 * the descriptor from its worker.  Each stream is locked on its own; the
 * registry lock is never held while a stream lock is taken, and a stream
 * lock is never taken while a client's lock is held (a sent packet's
 * callback only counts atomically and wakes the I/O thread).
 */
#include <config.h>

#include <glib-unix.h>
#include <sys/socket.h>
#include <unistd.h>

#include "virnetserverstream.h"
#include "virnetserverclientpriv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virobject.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* Data packets to the client: at most this many queued, this big each. */
#define VIR_NET_SERVER_STREAM_TX_MAX 4
#define VIR_NET_SERVER_STREAM_TX_CHUNK (64 * 1024)

VIR_LOG_INIT("rpc.netserverstream");

struct _virNetServerStream {
    virObjectLockable parent;

    virNetServerClient *client;     /* a reference */
    GMainContext *ctx;              /* the server's (a reference) */
    virNetMessageHeader hdr;        /* of the call that opened it */
    int fd;                         /* the descriptor; -1 when none */
    unsigned int dirs;              /* VIR_NET_SERVER_STREAM_{RX,TX} */
    virNetMessage *rx;              /* packets not written yet, each
                                     * counted as a call in flight */
    GSource *watch;                 /* @fd writable, while @rx waits */
    bool blocked;                   /* @fd took less than offered */
    GSource *txWatch;               /* @fd readable, while sending */
    int txQueued;                   /* data packets queued (atomic) */
    bool txEOF;                     /* the end of the data was sent */
    bool hungup;                    /* ended from the server's side: the
                                     * client's end or abort is still
                                     * confirmed */
    bool closed;                    /* over: no packet is taken any more */
};

static GMutex virNetServerStreamsLock;
static GPtrArray *virNetServerStreams;     /* one reference each */


static void
virNetServerStreamDispose(void *obj)
{
    virNetServerStream *st = obj;

    while (st->rx)
        virNetMessageFree(virNetMessageQueueServe(&st->rx));
    if (st->fd >= 0)
        close(st->fd);
    if (st->client)
        virNetServerClientUnref(st->client);
    g_main_context_unref(st->ctx);
}


/* Adds a reference to @st. */
virNetServerStream *
virNetServerStreamRef(virNetServerStream *st)
{
    return virObjectRef(st);
}


void
virNetServerStreamUnref(virNetServerStream *st)
{
    if (st)
        virObjectUnref(st);
}


static void
virNetServerStreamUnrefNotify(gpointer st)
{
    virObjectUnref(st);
}


static void virNetServerStreamEndLocked(virNetServerStream *st, bool release);

/**
 * virNetServerStreamNew:
 * The stream of the call @call of @client (its handler is running),
 * watched in @ctx, the server's main context (virNetServerGetContext):
 * packets with that call's program, version and serial are taken from
 * now on and wait until a descriptor is attached.  Returns a reference
 * for the caller, who ends the stream with virNetServerStreamClose if
 * its call fails, and drops the reference in any case.
 */
virNetServerStream *
virNetServerStreamNew(virNetServerClient *client, GMainContext *ctx,
                      const virNetMessageHeader *call)
{
    virNetServerStream *st = virObjectLockableNew(sizeof(*st),
                                                  virNetServerStreamDispose);

    st->client = virNetServerClientRef(client);
    st->ctx = g_main_context_ref(ctx);
    st->hdr = *call;
    st->fd = -1;
    g_mutex_lock(&virNetServerStreamsLock);
    if (!virNetServerStreams)
        virNetServerStreams = g_ptr_array_new();
    g_ptr_array_add(virNetServerStreams, virObjectRef(st));
    g_mutex_unlock(&virNetServerStreamsLock);
    VIR_DEBUG("client=%llu stream proc=%d serial=%u",
              virNetServerClientGetID(client), call->proc, call->serial);
    /* A client that went away while its call waited for a worker, or
     * while the handler ran up to here, was dropped before this stream
     * was registered (the I/O thread marks it closed first, then ends its
     * streams): the stream is born over, so that nothing (a console
     * session) is held for a client that is gone. */
    if (virNetServerClientIsClosed(client)) {
        VIR_LOCK_GUARD lock = virObjectLockGuard(st);

        VIR_DEBUG("client=%llu is gone: stream serial=%u ends at once",
                  virNetServerClientGetID(client), call->serial);
        if (!st->closed)
            virNetServerStreamEndLocked(st, false);
    }
    return st;
}


/* Takes @st out of the registry (once). */
static void
virNetServerStreamUnregister(virNetServerStream *st)
{
    bool found;

    g_mutex_lock(&virNetServerStreamsLock);
    found = virNetServerStreams && g_ptr_array_remove_fast(virNetServerStreams, st);
    g_mutex_unlock(&virNetServerStreamsLock);
    if (found)
        virObjectUnref(st);
}


/* The registered stream a packet of @client with @hdr belongs to, with a
 * reference for the caller, or NULL. */
static virNetServerStream *
virNetServerStreamFind(virNetServerClient *client, const virNetMessageHeader *hdr)
{
    virNetServerStream *found = NULL;
    guint i;

    g_mutex_lock(&virNetServerStreamsLock);
    for (i = 0; virNetServerStreams && i < virNetServerStreams->len; i++) {
        virNetServerStream *st = g_ptr_array_index(virNetServerStreams, i);

        if (st->client == client && st->hdr.prog == hdr->prog &&
            st->hdr.vers == hdr->vers && st->hdr.serial == hdr->serial) {
            found = virObjectRef(st);
            break;
        }
    }
    g_mutex_unlock(&virNetServerStreamsLock);
    return found;
}


/* Sends the client a packet of @st: the confirmation of its end or abort
 * (OK), or the calling thread's last error (ERROR). */
static void
virNetServerStreamReply(virNetServerStream *st, int status)
{
    virNetMessageError rerr;
    virNetMessage *msg;

    if (status == VIR_NET_OK) {
        msg = virNetMessageNewStream(&st->hdr, VIR_NET_OK, NULL, 0);
    } else {
        virNetMessageSaveError(&rerr);
        msg = virNetMessageNewHeader(st->hdr.prog, st->hdr.vers, st->hdr.proc,
                                     VIR_NET_STREAM, st->hdr.serial,
                                     VIR_NET_ERROR);
        if (msg &&
            virNetMessageEncodePayload(msg, (xdrproc_t)xdr_virNetMessageError,
                                       &rerr) < 0)
            g_clear_pointer(&msg, virNetMessageFree);
        xdr_free((xdrproc_t)xdr_virNetMessageError, (char *)&rerr);
    }
    if (!msg || virNetServerClientSendMessage(st->client, msg) < 0)
        VIR_DEBUG("client=%llu: no answer on stream serial=%u",
                  virNetServerClientGetID(st->client), st->hdr.serial);
}


/* Stops the watches of @st (locked) and drops the packets that wait
 * (each a call done when @release). */
static void
virNetServerStreamStopLocked(virNetServerStream *st, bool release)
{
    if (st->watch) {
        g_source_destroy(st->watch);
        g_clear_pointer(&st->watch, g_source_unref);
    }
    if (st->txWatch) {
        g_source_destroy(st->txWatch);
        g_clear_pointer(&st->txWatch, g_source_unref);
    }
    while (st->rx) {
        virNetMessageFree(virNetMessageQueueServe(&st->rx));
        if (release)
            virNetServerClientCallDone(st->client);
    }
}


/* Ends @st (locked): no more packets, the descriptor closed, what waits
 * dropped (each a call done when @release), out of the registry, its
 * client let go. */
static void
virNetServerStreamEndLocked(virNetServerStream *st, bool release)
{
    st->closed = true;
    if (st->fd >= 0) {
        close(st->fd);
        st->fd = -1;
    }
    virNetServerStreamStopLocked(st, release);
    virNetServerStreamUnregister(st);
    /* the client outlives its streams' ends (the server holds it until
     * virNetServerStreamDropClient has run): whoever drops the last
     * reference of an ended stream, a driver under its own locks, never
     * disposes of a client */
    g_clear_pointer(&st->client, virNetServerClientUnref);
}


/* Writes what is left of data packet @msg.  Returns 1 when all of it is
 * written, 0 when the descriptor would block, -1 (reported) on error. */
static int
virNetServerStreamWriteData(virNetServerStream *st, virNetMessage *msg)
{
    while (msg->bufferOffset < msg->bufferLength) {
        const char *buf = msg->buffer + msg->bufferOffset;
        size_t len = msg->bufferLength - msg->bufferOffset;
        ssize_t n = send(st->fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(st->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0) {
            virReportSystemError(errno, "%s",
                                 _("cannot write the data of a stream"));
            return -1;
        }
        msg->bufferOffset += n;
    }
    return 1;
}


/* Handles the packets of @st (locked) in order, as far as its descriptor
 * takes them. */
static void
virNetServerStreamFlushLocked(virNetServerStream *st)
{
    virNetMessage *msg;

    st->blocked = false;
    while (!st->closed && st->fd >= 0 && (msg = st->rx)) {
        if (msg->header.status == VIR_NET_CONTINUE) {
            int rc = -1;

            if (st->dirs & VIR_NET_SERVER_STREAM_RX)
                rc = virNetServerStreamWriteData(st, msg);
            else
                virReportError(VIR_ERR_RPC, "%s",
                               _("this stream does not take data from the client"));
            if (rc == 0) {
                st->blocked = true;
                return;
            }
            if (rc < 0) {
                virNetServerStreamReply(st, VIR_NET_ERROR);
                virNetServerStreamEndLocked(st, true);
                return;
            }
        } else {
            /* the end (OK) or an abort (ERROR): everything before it is
             * written; both are confirmed with OK, as libvirt does */
            VIR_DEBUG("stream serial=%u %s by the client", st->hdr.serial,
                      msg->header.status == VIR_NET_OK ? "ended" : "aborted");
            close(st->fd);
            st->fd = -1;
            virNetServerStreamReply(st, VIR_NET_OK);
            virNetServerStreamEndLocked(st, true);
            return;
        }
        virNetMessageFree(virNetMessageQueueServe(&st->rx));
        virNetServerClientCallDone(st->client);
    }
}


static gboolean
virNetServerStreamWatch(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                        gpointer opaque)
{
    virNetServerStream *st = opaque;
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);

    virNetServerStreamFlushLocked(st);
    if (st->blocked && !st->closed)
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&st->watch, g_source_unref);
    return G_SOURCE_REMOVE;
}


/* Makes the I/O thread write what waits on @st (locked) as soon as its
 * descriptor takes it. */
static void
virNetServerStreamKickLocked(virNetServerStream *st)
{
    if (st->closed || st->fd < 0 || !st->rx || st->watch)
        return;
    st->watch = g_unix_fd_source_new(st->fd, G_IO_OUT | G_IO_ERR | G_IO_HUP);
    g_source_set_callback(st->watch, G_SOURCE_FUNC(virNetServerStreamWatch),
                          virObjectRef(st), virNetServerStreamUnrefNotify);
    g_source_attach(st->watch, st->ctx);
}


/* ---- from the descriptor to the client ---- */

static void virNetServerStreamTxKickLocked(virNetServerStream *st);

static gboolean
virNetServerStreamTxResume(gpointer opaque)
{
    virNetServerStream *st = opaque;
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);

    virNetServerStreamTxKickLocked(st);
    return G_SOURCE_REMOVE;
}


/* A data packet of the stream @opaque is done with (any thread, maybe
 * under the client's lock): counts it and has the I/O thread read on;
 * the packet's reference goes to that wake-up. */
static void
virNetServerStreamTxDone(void *opaque)
{
    virNetServerStream *st = opaque;
    GSource *idle = g_idle_source_new();

    g_atomic_int_add(&st->txQueued, -1);
    g_source_set_callback(idle, virNetServerStreamTxResume, st,
                          virNetServerStreamUnrefNotify);
    g_source_attach(idle, st->ctx);
    g_source_unref(idle);
}


/* Queues @len bytes of data of @st (locked) for its client; no bytes is
 * the end of the data.  Returns 0, or -1 if the client is gone. */
static int
virNetServerStreamTxSend(virNetServerStream *st, const char *data, size_t len)
{
    virNetMessage *msg = virNetMessageNewStream(&st->hdr, VIR_NET_CONTINUE,
                                                data, len);

    if (!msg)
        return -1;
    g_atomic_int_inc(&st->txQueued);
    msg->done = virNetServerStreamTxDone;
    msg->doneOpaque = virObjectRef(st);
    return virNetServerClientSendMessage(st->client, msg);
}


/* Whether @st (locked) reads its descriptor for the client now. */
static bool
virNetServerStreamTxWanted(virNetServerStream *st)
{
    return (st->dirs & VIR_NET_SERVER_STREAM_TX) && !st->closed &&
           !st->hungup && !st->txEOF && st->fd >= 0 &&
           g_atomic_int_get(&st->txQueued) < VIR_NET_SERVER_STREAM_TX_MAX;
}


/* Reads one chunk of the descriptor of @st (locked) and sends it; at its
 * end sends the end of the data. */
static void
virNetServerStreamTxReadLocked(virNetServerStream *st)
{
    g_autofree char *buf = NULL;
    ssize_t n;

    if (!virNetServerStreamTxWanted(st))
        return;
    buf = g_malloc(VIR_NET_SERVER_STREAM_TX_CHUNK);
    do {
        n = read(st->fd, buf, VIR_NET_SERVER_STREAM_TX_CHUNK);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    /* EIO: the other side of a pty is closed (its QEMU is gone) */
    if (n < 0 && errno != EIO) {
        virReportSystemError(errno, "%s", _("cannot read the data of a stream"));
        virNetServerStreamReply(st, VIR_NET_ERROR);
        virNetServerStreamEndLocked(st, true);
        return;
    }
    if (n <= 0) {
        VIR_DEBUG("stream serial=%u: end of the data", st->hdr.serial);
        st->txEOF = true;
        virNetServerStreamTxSend(st, "", 0);
        return;
    }
    if (virNetServerStreamTxSend(st, buf, n) < 0)
        st->txEOF = true;
}


static gboolean
virNetServerStreamTxWatch(gint fd G_GNUC_UNUSED,
                          GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    virNetServerStream *st = opaque;
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);

    virNetServerStreamTxReadLocked(st);
    if (st->txWatch && virNetServerStreamTxWanted(st))
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&st->txWatch, g_source_unref);
    return G_SOURCE_REMOVE;
}


/* Makes the I/O thread read the descriptor of @st (locked) for its
 * client while it should. */
static void
virNetServerStreamTxKickLocked(virNetServerStream *st)
{
    if (st->txWatch || !virNetServerStreamTxWanted(st))
        return;
    st->txWatch = g_unix_fd_source_new(st->fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
    g_source_set_callback(st->txWatch, G_SOURCE_FUNC(virNetServerStreamTxWatch),
                          virObjectRef(st), virNetServerStreamUnrefNotify);
    g_source_attach(st->txWatch, st->ctx);
}


/**
 * virNetServerStreamAttachFD:
 * From now on @st uses @fd (stolen, made non-blocking) in the directions
 * @dirs (virNetServerStreamDir): with RX what the client sends goes into
 * it, starting with what arrived already; with TX what it gives is sent
 * to the client.  Returns 0, or -1 (reported; @fd is closed) if the
 * stream is over.
 */
int
virNetServerStreamAttachFD(virNetServerStream *st, int fd, unsigned int dirs)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);
    g_autoptr(GError) gerr = NULL;

    if (st->closed || st->fd >= 0) {
        close(fd);
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("the stream is over or has a destination already"));
        return -1;
    }
    if (!g_unix_set_fd_nonblocking(fd, TRUE, &gerr)) {
        close(fd);
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot make the stream's descriptor non-blocking: %1$s"),
                       gerr->message);
        return -1;
    }
    st->fd = fd;
    st->dirs = dirs;
    virNetServerStreamKickLocked(st);
    virNetServerStreamTxKickLocked(st);
    return 0;
}


/**
 * virNetServerStreamHangup:
 * Ends the data of @st from the server's side (its console was taken
 * over, its guest is gone): the descriptor is closed, the client is sent
 * the end of the data and what it sends from now on is dropped, except
 * its end or abort, still confirmed.
 */
void
virNetServerStreamHangup(virNetServerStream *st)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);
    virNetMessage *msg;

    if (st->closed || st->hungup)
        return;
    VIR_DEBUG("stream serial=%u hung up by the server", st->hdr.serial);
    st->hungup = true;
    while ((msg = virNetMessageQueueServe(&st->rx))) {
        bool control = msg->header.status != VIR_NET_CONTINUE;

        virNetMessageFree(msg);
        virNetServerClientCallDone(st->client);
        if (control) {
            virNetServerStreamReply(st, VIR_NET_OK);
            virNetServerStreamEndLocked(st, true);
            return;
        }
    }
    virNetServerStreamStopLocked(st, true);
    if (st->fd >= 0) {
        close(st->fd);
        st->fd = -1;
    }
    if ((st->dirs & VIR_NET_SERVER_STREAM_TX) && !st->txEOF) {
        st->txEOF = true;
        virNetServerStreamTxSend(st, "", 0);
    }
}


/**
 * virNetServerStreamIsOpen:
 * Whether @st still carries data: neither ended nor hung up.
 */
bool
virNetServerStreamIsOpen(virNetServerStream *st)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);

    return !st->closed && !st->hungup;
}


/**
 * virNetServerStreamClose:
 * Ends @st from the server's side (its call failed, or its owner gives
 * up): the descriptor is closed and later packets are dropped.
 */
void
virNetServerStreamClose(virNetServerStream *st)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(st);

    if (!st->closed)
        virNetServerStreamEndLocked(st, true);
}


/**
 * virNetServerStreamHandlePacket:
 * A STREAM packet from @client (I/O thread; steals @msg).  A packet of a
 * stream that is not (or no longer) open is dropped, as libvirt does.
 * Returns 1 when it was queued, counting as a call in flight until it is
 * written, 0 otherwise.
 */
int
virNetServerStreamHandlePacket(virNetServerClient *client, virNetMessage *msg)
{
    g_autoptr(virNetServerStream) st = virNetServerStreamFind(client, &msg->header);
    VIR_LOCK_GUARD lock = NULL;

    if (!st) {
        VIR_DEBUG("client=%llu: no stream for packet serial=%u status=%d",
                  virNetServerClientGetID(client), msg->header.serial,
                  msg->header.status);
        virNetMessageFree(msg);
        return 0;
    }
    lock = virObjectLockGuard(st);
    if (st->closed) {
        virNetMessageFree(msg);
        return 0;
    }
    if (st->hungup) {
        /* no descriptor any more: data is dropped, the end confirmed */
        if (msg->header.status != VIR_NET_CONTINUE) {
            virNetServerStreamReply(st, VIR_NET_OK);
            virNetServerStreamEndLocked(st, true);
        }
        virNetMessageFree(msg);
        return 0;
    }
    virNetMessageQueuePush(&st->rx, msg);
    virNetServerStreamKickLocked(st);
    return 1;
}


/**
 * virNetServerStreamDropClient:
 * @client is gone (I/O thread, torn down): its streams end, their
 * descriptors closed.
 */
void
virNetServerStreamDropClient(virNetServerClient *client)
{
    g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func(virNetServerStreamUnrefNotify);
    guint i;

    g_mutex_lock(&virNetServerStreamsLock);
    for (i = 0; virNetServerStreams && i < virNetServerStreams->len; i++) {
        virNetServerStream *st = g_ptr_array_index(virNetServerStreams, i);

        if (st->client == client)
            g_ptr_array_add(mine, virObjectRef(st));
    }
    g_mutex_unlock(&virNetServerStreamsLock);
    for (i = 0; i < mine->len; i++) {
        virNetServerStream *st = g_ptr_array_index(mine, i);
        VIR_LOCK_GUARD lock = virObjectLockGuard(st);

        VIR_DEBUG("client=%llu gone: closing its stream serial=%u",
                  virNetServerClientGetID(client), st->hdr.serial);
        virNetServerStreamEndLocked(st, false);
    }
}
