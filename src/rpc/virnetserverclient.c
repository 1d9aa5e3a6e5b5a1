/*
 * virnetserverclient.c: one client connection of the RPC server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Locking: the client lock protects the output queue, the in-flight count,
 * the flags and the private data.
 *
 * Memory: a call counts against the client's limit (max_client_requests)
 * from the moment it is read until its reply is written, not merely until
 * a worker has run it: a client that sends calls and never reads the
 * replies stops being read (backpressure) once calls in flight plus
 * messages queued for it reach the limit.  Messages the server sends on
 * its own (events, keepalive) also queue; past VIR_NET_SERVER_CLIENT_TX_MAX
 * bytes not taken by the client, it is dropped with a logged reason.  The input state (rx) belongs to the I/O
 * thread alone.  Teardown also happens only in the I/O thread: any thread
 * may ask for a close, which marks the client and wakes the loop.
 */
#include <config.h>

#include <unistd.h>

#include "virnetserverclientpriv.h"
#include "virnetserver.h"
#include "virnetsocket.h"
#include "virkeepaliveprotocol.h"
#include "virerror.h"
#include "virlog.h"
#include "virobject.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netserverclient");

struct _virNetServerClient {
    virObjectLockable parent;

    unsigned long long id;
    virNetServer *srv;
    int fd;
    bool tcp;
    virNetTLSSession *tls;      /* NULL: plain; I/O thread once attached */
    char *peer;
    virNetServerClientLimits lim;
    char *rejectReason;

    bool readonly;
    bool opened;
    bool closeRequested;
    bool delayedClose;
    bool torndown;

    GSource *source;
    virNetMessage *rx;          /* I/O thread only */
    virNetMessage *tx;
    size_t ntx;                 /* messages queued in tx */
    size_t txBytes;             /* their buffers' size */
    size_t nrequests;

    bool keepalive;
    unsigned int kaUnanswered;
    gint64 lastRxUs;
    gint64 acceptedUs;

    void *privateData;
    GDestroyNotify privateDataFree;
    virNetServerClientCloseFunc closeFunc;
};

static gint virNetServerClientNextID = 1;

/* Output a client may leave unread before it is dropped: two messages of
 * the largest size. */
#define VIR_NET_SERVER_CLIENT_TX_MAX (2 * (size_t)VIR_NET_MESSAGE_MAX)


/* True when @client may be read: it has room for another call, counting
 * the calls in flight and the messages it has not taken yet.  Called
 * with the client locked. */
static bool
virNetServerClientHasRoom(virNetServerClient *client)
{
    return client->nrequests + client->ntx < client->lim.maxRequests;
}


static void
virNetServerClientDispose(void *obj)
{
    virNetServerClient *client = obj;
    virNetMessage *msg;

    if (client->privateDataFree)
        client->privateDataFree(client->privateData);
    while ((msg = virNetMessageQueueServe(&client->tx)))
        virNetMessageFree(msg);
    virNetMessageFree(client->rx);
    virNetTLSSessionFree(client->tls);
    if (client->fd >= 0)
        close(client->fd);
    g_free(client->peer);
    g_free(client->rejectReason);
}


virNetServerClient *
virNetServerClientNew(virNetServer *srv, int fd, bool readonly, bool tcp,
                      const virNetServerClientLimits *lim,
                      const char *rejectReason)
{
    virNetServerClient *client;

    client = virObjectLockableNew(sizeof(*client), virNetServerClientDispose);
    client->id = g_atomic_int_add(&virNetServerClientNextID, 1);
    client->srv = srv;
    client->fd = fd;
    client->tcp = tcp;
    client->readonly = readonly;
    client->lim = *lim;
    client->rejectReason = g_strdup(rejectReason);
    client->peer = virNetSocketDescribePeer(fd);
    client->acceptedUs = client->lastRxUs = g_get_monotonic_time();
    VIR_DEBUG("client=%llu peer=%s readonly=%d", client->id, client->peer,
              readonly);
    return client;
}


void *
virNetServerClientRef(virNetServerClient *client)
{
    return virObjectRef(client);
}


void
virNetServerClientUnref(virNetServerClient *client)
{
    virObjectUnref(client);
}


unsigned long long
virNetServerClientGetID(virNetServerClient *client)
{
    return client->id;
}


const char *
virNetServerClientGetPeer(virNetServerClient *client)
{
    return client->peer;
}


virNetServer *
virNetServerClientGetServer(virNetServerClient *client)
{
    return client->srv;
}


const char *
virNetServerClientGetRejectReason(virNetServerClient *client)
{
    return client->rejectReason;
}


bool
virNetServerClientGetReadonly(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    return client->readonly;
}


void
virNetServerClientSetReadonly(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    client->readonly = true;
}


bool
virNetServerClientIsTCP(virNetServerClient *client)
{
    return client->tcp;
}


bool
virNetServerClientIsEncrypted(virNetServerClient *client)
{
    return client->tls != NULL;
}


bool
virNetServerClientIsSecure(virNetServerClient *client)
{
    return !client->tcp || client->tls;
}


int
virNetServerClientStartTLS(virNetServerClient *client, virNetTLSContext *ctx)
{
    if (!(client->tls = virNetTLSSessionNew(ctx, client->fd, NULL)))
        return -1;
    return 0;
}


bool
virNetServerClientIsOpen(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    return client->opened;
}


void
virNetServerClientSetOpen(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    client->opened = true;
}


void
virNetServerClientSetPrivateData(virNetServerClient *client, void *data,
                                 GDestroyNotify freeFunc,
                                 virNetServerClientCloseFunc closeFunc)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    client->privateData = data;
    client->privateDataFree = freeFunc;
    client->closeFunc = closeFunc;
}


void *
virNetServerClientGetPrivateData(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    return client->privateData;
}


void
virNetServerClientEnableKeepalive(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    if (client->lim.keepaliveInterval > 0)
        client->keepalive = true;
}


/* Writes what the socket takes of the queued output, with the client
 * locked.  Returns -1 when the client must go. */
static int
virNetServerClientFlushLocked(virNetServerClient *client)
{
    virNetSocketIO io = { client->fd, client->tls };
    size_t packets = 0;
    size_t bytes = 0;
    int rc = virNetMessageQueueFlush(&io, &client->tx, &packets, &bytes);

    client->ntx -= packets;
    client->txBytes -= bytes;
    return rc;
}


/**
 * virNetServerClientSendMessage:
 * Queues @msg (stolen) for @client.  A plain socket with nothing queued
 * before is written at once by the calling thread, so a reply usually
 * leaves without waking the I/O thread; what the socket does not take
 * stays queued for the I/O thread.  TLS output is only ever written by
 * the I/O thread, which owns the session.
 */
int
virNetServerClientSendMessage(virNetServerClient *client, virNetMessage *msg)
{
    bool wake;

    virObjectLock(client);
    if (client->closeRequested || client->torndown) {
        virObjectUnlock(client);
        VIR_DEBUG("client=%llu closed, dropping message proc=%d serial=%u",
                  client->id, msg->header.proc, msg->header.serial);
        virNetMessageFree(msg);
        return -1;
    }
    if (client->txBytes + msg->bufferLength > VIR_NET_SERVER_CLIENT_TX_MAX) {
        VIR_WARN("client=%llu peer=%s leaves %zu bytes in %zu messages unread; closing",
                 client->id, client->peer, client->txBytes, client->ntx);
        client->closeRequested = true;
        virObjectUnlock(client);
        virNetMessageFree(msg);
        virNetServerWakeup(client->srv);
        return -1;
    }
    client->ntx++;
    client->txBytes += msg->bufferLength;
    virNetMessageQueuePush(&client->tx, msg);
    if (client->tx == msg && !client->tls &&
        virNetServerClientFlushLocked(client) < 0)
        client->closeRequested = true;
    wake = client->tx || client->closeRequested;
    virObjectUnlock(client);
    if (wake)
        virNetServerWakeup(client->srv);
    return 0;
}


void
virNetServerClientDelayedClose(virNetServerClient *client)
{
    virObjectLock(client);
    client->delayedClose = true;
    virObjectUnlock(client);
    virNetServerWakeup(client->srv);
}


void
virNetServerClientClose(virNetServerClient *client)
{
    virObjectLock(client);
    client->closeRequested = true;
    virObjectUnlock(client);
    virNetServerWakeup(client->srv);
}


bool
virNetServerClientIsClosed(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    return client->closeRequested || client->torndown;
}


void
virNetServerClientCallDone(virNetServerClient *client)
{
    bool wake;

    /* The I/O thread needs waking only when what it polls for changes:
     * reading resumes, or a delayed close may now happen. */
    virObjectLock(client);
    wake = !virNetServerClientHasRoom(client) || client->delayedClose;
    client->nrequests--;
    virObjectUnlock(client);
    if (wake)
        virNetServerWakeup(client->srv);
}


/* Sends a keepalive packet (PING or PONG) from the I/O thread. */
static void
virNetServerClientSendKeepalive(virNetServerClient *client, int proc)
{
    virNetMessage *msg = virNetMessageNewKeepalive(proc);

    if (!msg)
        return;
    virNetServerClientSendMessage(client, msg);
}


/* Handles one complete packet in the I/O thread; steals @msg. */
static void
virNetServerClientDispatchRead(virNetServerClient *client, virNetMessage *msg)
{
    client->lastRxUs = g_get_monotonic_time();
    virObjectLock(client);
    client->kaUnanswered = 0;
    virObjectUnlock(client);

    if (virNetMessageDecodeHeader(msg) < 0) {
        VIR_WARN("client=%llu peer=%s sent a malformed header: %s",
                 client->id, client->peer, virErrorGetLastMessage());
        virNetMessageFree(msg);
        virNetServerClientClose(client);
        return;
    }
    if (msg->header.prog == KEEPALIVE_PROGRAM) {
        if (msg->header.proc == KEEPALIVE_PROC_PING)
            virNetServerClientSendKeepalive(client, KEEPALIVE_PROC_PONG);
        virNetMessageFree(msg);
        return;
    }
    if (virNetServerHandleMessage(client->srv, client, msg) > 0) {
        virObjectLock(client);
        client->nrequests++;
        virObjectUnlock(client);
    }
}


/* Hands a packet read to the server (steals @msg); stops reading when
 * the client may not have more calls running, or is going. */
static bool
virNetServerClientHandlePacket(virNetMessage *msg, void *opaque)
{
    virNetServerClient *client = opaque;

    virNetServerClientDispatchRead(client, msg);
    VIR_WITH_OBJECT_LOCK_GUARD(client) {
        return virNetServerClientHasRoom(client) && !client->closeRequested;
    }
    return false;
}


/* Reads as much as is available.  Returns -1 when the client must go. */
static int
virNetServerClientDoRead(virNetServerClient *client)
{
    virNetSocketIO io = { client->fd, client->tls };

    switch (virNetMessageReadAll(&io, &client->rx,
                                 virNetServerClientHandlePacket, client)) {
    case VIR_NET_MESSAGE_READ_AGAIN:
    case VIR_NET_MESSAGE_READ_DONE:
        return 0;
    case VIR_NET_MESSAGE_READ_INVALID:
        VIR_WARN("client=%llu peer=%s: %s; closing", client->id,
                 client->peer, virErrorGetLastMessage());
        return -1;
    case VIR_NET_MESSAGE_READ_ERROR:
        VIR_DEBUG("client=%llu read failed: %s", client->id,
                  virErrorGetLastMessage());
        return -1;
    case VIR_NET_MESSAGE_READ_EOF:
    case VIR_NET_MESSAGE_READ_LAST:
    default:
        return -1;
    }
}


/* Writes queued output.  Returns -1 when the client must go. */
static int
virNetServerClientDoWrite(virNetServerClient *client)
{
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);

    return virNetServerClientFlushLocked(client);
}


/* Releases everything the I/O thread holds for @client (I/O thread). */
static void
virNetServerClientTeardown(virNetServerClient *client)
{
    virNetServerClientCloseFunc closeFunc;

    virObjectLock(client);
    client->torndown = true;
    closeFunc = client->closeFunc;
    virObjectUnlock(client);

    VIR_DEBUG("client=%llu peer=%s closed", client->id, client->peer);
    g_source_destroy(client->source);
    g_source_unref(client->source);
    client->source = NULL;
    shutdown(client->fd, SHUT_RDWR);
    virNetServerRemoveClient(client->srv, client, closeFunc);
}


/* What the socket watch polls for: input while the client may send
 * more calls, output while queued. */
static GIOCondition
virNetServerClientWatchEvents(void *opaque, bool *closing)
{
    virNetServerClient *client = opaque;
    VIR_LOCK_GUARD lock = virObjectLockGuard(client);
    GIOCondition events = 0;

    /* CONNECT_CLOSE: go once its reply (and everything else) is out. */
    if (client->delayedClose && !client->tx && client->nrequests == 0)
        client->closeRequested = true;
    *closing = client->closeRequested;
    if (!*closing && client->tls && !virNetTLSSessionHandshakeDone(client->tls))
        return virNetTLSSessionHandshakeEvents(client->tls);
    if (!*closing && !client->delayedClose && virNetServerClientHasRoom(client))
        events |= G_IO_IN;
    if (client->tx)
        events |= G_IO_OUT;
    return events;
}


/* Queues the byte libvirt's clients wait for after the handshake: 1,
 * the server accepts them. */
static void
virNetServerClientSendVerdict(virNetServerClient *client)
{
    virNetMessage *msg = virNetMessageNew();

    msg->bufferLength = 1;
    msg->buffer = g_new0(char, 1);
    msg->buffer[0] = 1;
    virNetServerClientSendMessage(client, msg);
}


/* One step of the TLS handshake, then the check of the client's
 * certificate.  Returns -1 when the client must go (logged). */
static int
virNetServerClientHandshake(virNetServerClient *client)
{
    int rc = virNetTLSSessionHandshake(client->tls);

    if (rc > 0)
        return 0;
    if (rc < 0 || virNetTLSSessionCheckPeer(client->tls) < 0) {
        /* the reason was logged when it was reported: say only whom */
        VIR_WARN("client=%llu peer=%s refused at the TLS handshake",
                 client->id, client->peer);
        virNetTLSSessionBye(client->tls);
        return -1;
    }
    VIR_INFO("client=%llu peer=%s: TLS with certificate '%s'", client->id,
             client->peer, NULLSTR(virNetTLSSessionGetPeerDN(client->tls)));
    virNetServerClientSendVerdict(client);
    virNetSocketWatchSetTLS(client->source, client->tls);
    return 0;
}


static gboolean
virNetServerClientWatchDispatch(void *opaque, GIOCondition rev)
{
    virNetServerClient *client = opaque;
    bool bad = false;

    if (client->tls && !virNetTLSSessionHandshakeDone(client->tls)) {
        if (rev && virNetServerClientHandshake(client) < 0)
            virNetServerClientClose(client);
        rev = 0;
    }
    if ((rev & G_IO_OUT) && virNetServerClientDoWrite(client) < 0)
        bad = true;
    if (!bad && (rev & G_IO_IN) && virNetServerClientDoRead(client) < 0)
        bad = true;
    if (!bad && (rev & (G_IO_HUP | G_IO_ERR)) && !(rev & G_IO_IN))
        bad = true;
    if (bad)
        virNetServerClientClose(client);

    if (virNetServerClientIsClosed(client)) {
        virNetServerClientTeardown(client);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}


void
virNetServerClientAttach(virNetServerClient *client, GMainContext *ctx)
{
    client->source = virNetSocketWatchAttach(client->fd, "rpc-client", ctx,
                                             virNetServerClientWatchEvents,
                                             virNetServerClientWatchDispatch,
                                             client);
}


/**
 * virNetServerClientTick:
 * Once a second in the I/O thread: closes a client that did not open a
 * connection in time, and for clients that asked for keepalive sends a
 * PING after each interval of silence, closing them after too many.
 */
void
virNetServerClientTick(virNetServerClient *client, gint64 nowUs)
{
    gint64 idle = (nowUs - client->lastRxUs) / G_USEC_PER_SEC;
    bool ping = false;

    virObjectLock(client);
    if (!client->opened && client->lim.openTimeout &&
        (nowUs - client->acceptedUs) / G_USEC_PER_SEC >= client->lim.openTimeout) {
        VIR_WARN("client=%llu peer=%s did not open a connection within %u s; closing",
                 client->id, client->peer, client->lim.openTimeout);
        client->closeRequested = true;
    } else if (client->keepalive &&
               idle >= (gint64)client->lim.keepaliveInterval * (client->kaUnanswered + 1)) {
        if (client->kaUnanswered >= client->lim.keepaliveCount) {
            VIR_WARN("client=%llu peer=%s: no answer to %u keepalive probes; closing",
                     client->id, client->peer, client->kaUnanswered);
            client->closeRequested = true;
        } else {
            client->kaUnanswered++;
            ping = true;
        }
    }
    virObjectUnlock(client);
    if (ping)
        virNetServerClientSendKeepalive(client, KEEPALIVE_PROC_PING);
}
