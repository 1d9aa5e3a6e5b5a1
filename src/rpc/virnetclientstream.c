/*
 * virnetclientstream.c: data streams riding on a client connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Sending: each chunk becomes one STREAM/CONTINUE packet, queued on the
 * connection once no more than VIR_NET_CLIENT_STREAM_QUEUE_MAX bytes wait
 * to be written, so a peer that reads slowly (a slow destination, whose
 * daemon stops reading while its own queue is full) holds the sender
 * back instead of filling this process's memory.  Receiving: the
 * connection's I/O thread hands every STREAM packet to
 * virNetClientStreamDispatch, which finds the stream by (client, program,
 * version, serial) and records the server's confirmation or error; the
 * sender sees it at its next call.  Data from the server (a console) is
 * not taken yet: it is dropped with a debug line.
 *
 * Locking: one lock for every client stream (streams are few and their
 * packets rare next to their data); never held while a packet is
 * queued, which may wait for room.
 */
#include <config.h>

#include "virnetclientstream.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netclientstream");

/* Bytes a stream sender lets wait in the connection's output queue. */
#define VIR_NET_CLIENT_STREAM_QUEUE_MAX (4 * (size_t)VIR_NET_CLIENT_STREAM_CHUNK)

struct _virNetClientStream {
    virNetClient *client;       /* a reference */
    virNetMessageHeader hdr;    /* of the call that opened the stream */
    /* protected by virNetClientStreamLock */
    GCond cond;                 /* one of the following changed */
    bool confirmed;             /* the server's OK to our end or abort */
    bool closed;                /* the connection closed */
    virError *err;              /* the server's error */
};

static GMutex virNetClientStreamLock;
static GPtrArray *virNetClientStreams;     /* open streams, not owned */


static virNetClientStream *
virNetClientStreamFindLocked(virNetClient *client, const virNetMessageHeader *hdr)
{
    guint i;

    for (i = 0; virNetClientStreams && i < virNetClientStreams->len; i++) {
        virNetClientStream *st = g_ptr_array_index(virNetClientStreams, i);

        if (st->client == client && st->hdr.prog == hdr->prog &&
            st->hdr.vers == hdr->vers && st->hdr.serial == hdr->serial)
            return st;
    }
    return NULL;
}


/* The server's error on a stream: a copy kept for the sender. */
static virError *
virNetClientStreamDecodeError(virNetMessage *msg)
{
    virNetMessageError rerr;
    virError err = { 0 };
    virError *copy = NULL;

    memset(&rerr, 0, sizeof(rerr));
    if (virNetMessageDecodePayload(msg, (xdrproc_t)xdr_virNetMessageError,
                                   &rerr) == 0) {
        err.code = rerr.code;
        err.domain = rerr.domain;
        err.level = rerr.level ? rerr.level : VIR_ERR_ERROR;
        err.message = rerr.message ? *rerr.message : (char *)_("stream aborted by the server");
        copy = virErrorCopyNew(&err);
    }
    xdr_free((xdrproc_t)xdr_virNetMessageError, (char *)&rerr);
    return copy;
}


/* virNetClientStreamFunc: a STREAM packet (@msg), or the close (NULL). */
static int
virNetClientStreamDispatch(virNetClient *client, virNetMessage *msg,
                           void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virError) err = NULL;
    virNetClientStream *st = NULL;
    guint i;

    if (msg && msg->header.status == VIR_NET_ERROR &&
        !(err = virNetClientStreamDecodeError(msg)))
        return -1;
    g_mutex_lock(&virNetClientStreamLock);
    if (!msg) {
        for (i = 0; virNetClientStreams && i < virNetClientStreams->len; i++) {
            st = g_ptr_array_index(virNetClientStreams, i);
            if (st->client == client) {
                st->closed = true;
                g_cond_broadcast(&st->cond);
            }
        }
    } else if (!(st = virNetClientStreamFindLocked(client, &msg->header))) {
        VIR_DEBUG("no stream for packet serial=%u status=%d",
                  msg->header.serial, msg->header.status);
    } else if (msg->header.status == VIR_NET_OK) {
        st->confirmed = true;
    } else if (msg->header.status == VIR_NET_ERROR) {
        VIR_DEBUG("stream serial=%u aborted by the server: %s",
                  msg->header.serial, NULLSTR(err->message));
        virErrorFree(st->err);
        st->err = g_steal_pointer(&err);
    } else {
        VIR_DEBUG("dropping %zu bytes of server data on stream serial=%u",
                  msg->bufferLength - msg->bufferOffset, msg->header.serial);
    }
    if (msg && st)
        g_cond_broadcast(&st->cond);
    g_mutex_unlock(&virNetClientStreamLock);
    return 0;
}


/**
 * virNetClientStreamNew:
 * The stream of the call @prog/@vers/@proc that went with @serial on
 * @client (virNetClientCallSerial) and succeeded.  Caller owns the
 * result; virNetClientStreamFree ends it (after Finish or Abort).
 */
virNetClientStream *
virNetClientStreamNew(virNetClient *client, unsigned int prog,
                      unsigned int vers, int proc, unsigned int serial)
{
    virNetClientStream *st = g_new0(virNetClientStream, 1);

    st->client = virNetClientRef(client);
    st->hdr.prog = prog;
    st->hdr.vers = vers;
    st->hdr.proc = proc;
    st->hdr.serial = serial;
    g_cond_init(&st->cond);
    virNetClientSetStreamCallback(client, virNetClientStreamDispatch, NULL);
    g_mutex_lock(&virNetClientStreamLock);
    if (!virNetClientStreams)
        virNetClientStreams = g_ptr_array_new();
    g_ptr_array_add(virNetClientStreams, st);
    g_mutex_unlock(&virNetClientStreamLock);
    VIR_DEBUG("stream proc=%d serial=%u to %s", proc, serial,
              virNetClientGetPeer(client));
    return st;
}


void
virNetClientStreamFree(virNetClientStream *st)
{
    if (!st)
        return;
    g_mutex_lock(&virNetClientStreamLock);
    g_ptr_array_remove_fast(virNetClientStreams, st);
    g_mutex_unlock(&virNetClientStreamLock);
    virErrorFree(st->err);
    g_cond_clear(&st->cond);
    virNetClientUnref(st->client);
    g_free(st);
}


/* Reports why @st cannot go on (the server's error, or the close).
 * Returns -1 if so, 0 if it may.  virNetClientStreamLock held. */
static int
virNetClientStreamCheckLocked(virNetClientStream *st)
{
    if (st->err) {
        virErrorSetLast(st->err);
        return -1;
    }
    if (st->closed) {
        virReportError(VIR_ERR_RPC, _("the connection to %1$s closed while a stream was open"),
                       virNetClientGetPeer(st->client));
        return -1;
    }
    return 0;
}


/* Queues one packet of @st with @status.  Returns 0 or -1 (reported). */
static int
virNetClientStreamQueue(virNetClientStream *st, int status, const char *data,
                        size_t len)
{
    virNetMessage *msg;
    int rc;

    g_mutex_lock(&virNetClientStreamLock);
    rc = virNetClientStreamCheckLocked(st);
    g_mutex_unlock(&virNetClientStreamLock);
    if (rc < 0 || !(msg = virNetMessageNewStream(&st->hdr, status, data, len)))
        return -1;
    return virNetClientSendPacket(st->client, msg,
                                  VIR_NET_CLIENT_STREAM_QUEUE_MAX);
}


/**
 * virNetClientStreamSend:
 * Sends @len bytes of @data, in packets of at most
 * VIR_NET_CLIENT_STREAM_CHUNK bytes, waiting while the connection's
 * output queue is full.  Fails if the server aborted the stream (its
 * error becomes the caller's) or the connection closed.  Returns 0 or -1
 * (reported).
 */
int
virNetClientStreamSend(virNetClientStream *st, const char *data, size_t len)
{
    while (len > 0) {
        size_t n = MIN(len, VIR_NET_CLIENT_STREAM_CHUNK);

        if (virNetClientStreamQueue(st, VIR_NET_CONTINUE, data, n) < 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}


/* Waits up to @timeoutMs for the server's answer to our end or abort. */
static int
virNetClientStreamWait(virNetClientStream *st, int timeoutMs, const char *what)
{
    long long deadline = virTimeMonotonicMs() + timeoutMs;
    int rc = 0;

    g_mutex_lock(&virNetClientStreamLock);
    while (!st->confirmed && !st->err && !st->closed) {
        if (virCondWaitUntil(&st->cond, &virNetClientStreamLock, deadline) < 0 &&
            !st->confirmed && !st->err && !st->closed) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("no answer from %1$s to the %2$s of a stream within %3$d ms"),
                           virNetClientGetPeer(st->client), what, timeoutMs);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && !st->confirmed)
        rc = virNetClientStreamCheckLocked(st);
    g_mutex_unlock(&virNetClientStreamLock);
    return rc;
}


/**
 * virNetClientStreamFinish:
 * Ends the stream: sends the end and waits (up to @timeoutMs) until the
 * server confirms it delivered everything.  Returns 0, or -1 (reported:
 * the server's error, the close, or the timeout).
 */
int
virNetClientStreamFinish(virNetClientStream *st, int timeoutMs)
{
    if (virNetClientStreamQueue(st, VIR_NET_OK, NULL, 0) < 0)
        return -1;
    return virNetClientStreamWait(st, timeoutMs, "end");
}


/**
 * virNetClientStreamAbort:
 * Aborts the stream: sends the abort and waits (up to @timeoutMs) for
 * the server to confirm.  A stream the server aborted already, or whose
 * connection closed, is simply over.  Returns 0, or -1 (reported) if the
 * abort could not be sent or was not confirmed in time.
 */
int
virNetClientStreamAbort(virNetClientStream *st, int timeoutMs)
{
    bool over;

    g_mutex_lock(&virNetClientStreamLock);
    over = st->err || st->closed || st->confirmed;
    g_mutex_unlock(&virNetClientStreamLock);
    if (over)
        return 0;
    if (virNetClientStreamQueue(st, VIR_NET_ERROR, NULL, 0) < 0)
        return -1;
    if (virNetClientStreamWait(st, timeoutMs, "abort") < 0 &&
        virErrorGetLastCode() == VIR_ERR_OPERATION_TIMEOUT)
        return -1;
    virErrorResetLast();
    return 0;
}
