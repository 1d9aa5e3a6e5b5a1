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
 * Threads: packets arrive in the I/O thread and are only queued there;
 * a watch on the descriptor (in the server's main context, so the I/O
 * thread again) writes them when it can take them, and sends the
 * confirmation of the end or the abort once everything before it is
 * written.  The handler that opened the stream attaches the descriptor
 * from its worker.  Each stream is locked on its own; the registry lock
 * is never held while a stream lock is taken.
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

VIR_LOG_INIT("rpc.netserverstream");

struct _virNetServerStream {
    virObjectLockable parent;

    virNetServerClient *client;     /* a reference */
    GMainContext *ctx;              /* the server's (a reference) */
    virNetMessageHeader hdr;        /* of the call that opened it */
    int fd;                         /* where data goes; -1 when none */
    virNetMessage *rx;              /* packets not written yet, each
                                     * counted as a call in flight */
    GSource *watch;                 /* @fd writable, while @rx waits */
    bool blocked;                   /* @fd took less than offered */
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
    virNetServerClientUnref(st->client);
    g_main_context_unref(st->ctx);
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


/* Ends @st (locked): no more packets, the descriptor closed, what waits
 * dropped (each a call done when @release), out of the registry. */
static void
virNetServerStreamEndLocked(virNetServerStream *st, bool release)
{
    st->closed = true;
    if (st->fd >= 0) {
        close(st->fd);
        st->fd = -1;
    }
    if (st->watch) {
        g_source_destroy(st->watch);
        g_clear_pointer(&st->watch, g_source_unref);
    }
    while (st->rx) {
        virNetMessageFree(virNetMessageQueueServe(&st->rx));
        if (release)
            virNetServerClientCallDone(st->client);
    }
    virNetServerStreamUnregister(st);
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
            int rc = virNetServerStreamWriteData(st, msg);

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


/**
 * virNetServerStreamAttachFD:
 * From now on the data of @st goes into @fd (stolen, made non-blocking),
 * starting with what arrived already.  Returns 0, or -1 (reported; @fd
 * is closed) if the stream is over.
 */
int
virNetServerStreamAttachFD(virNetServerStream *st, int fd)
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
    virNetServerStreamKickLocked(st);
    return 0;
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
