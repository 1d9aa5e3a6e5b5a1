/*
 * virnetmessage.c: one RPC packet: length word, header and XDR payload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <unistd.h>

#include "virnetmessage.h"
#include "virnetsocket.h"
#include "virkeepaliveprotocol.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netmessage");

/* The smallest packet is a length word and a header with no payload. */
#define VIR_NET_MESSAGE_MIN (VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX)

virNetMessage *
virNetMessageNew(void)
{
    return g_new0(virNetMessage, 1);
}


void
virNetMessageClear(virNetMessage *msg)
{
    size_t i;

    if (msg->done)
        msg->done(msg->doneOpaque);
    for (i = msg->donefds; i < msg->nfds; i++) {
        if (msg->fds[i] >= 0)
            close(msg->fds[i]);
    }
    g_free(msg->fds);
    g_free(msg->buffer);
    memset(msg, 0, sizeof(*msg));
}


void
virNetMessageFree(virNetMessage *msg)
{
    if (!msg)
        return;
    virNetMessageClear(msg);
    g_free(msg);
}


void
virNetMessageQueuePush(virNetMessage **queue, virNetMessage *msg)
{
    while (*queue)
        queue = &(*queue)->next;
    msg->next = NULL;
    *queue = msg;
}


virNetMessage *
virNetMessageQueueServe(virNetMessage **queue)
{
    virNetMessage *msg = *queue;

    if (msg) {
        *queue = msg->next;
        msg->next = NULL;
    }
    return msg;
}


void
virNetMessagePrepareRead(virNetMessage *msg)
{
    g_free(msg->buffer);
    msg->bufferLength = VIR_NET_MESSAGE_LEN_MAX;
    msg->buffer = g_new0(char, msg->bufferLength);
    msg->bufferOffset = 0;
}


/**
 * virNetMessageDecodeLength:
 * Decodes the length word at the start of the buffer and grows the buffer
 * to the full packet.  Refuses a packet shorter than a header or longer
 * than VIR_NET_MESSAGE_MAX.  Returns 0 or -1 (reported).
 */
int
virNetMessageDecodeLength(virNetMessage *msg)
{
    uint32_t len;

    memcpy(&len, msg->buffer, sizeof(len));
    len = g_ntohl(len);
    if (len < VIR_NET_MESSAGE_MIN) {
        virReportError(VIR_ERR_RPC, _("packet %1$u bytes received too small, want %2$d"),
                       len, VIR_NET_MESSAGE_MIN);
        return -1;
    }
    if (len > VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX) {
        virReportError(VIR_ERR_RPC, _("packet %1$u bytes received too large, want %2$d"),
                       len, VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX);
        return -1;
    }
    msg->bufferLength = len;
    msg->buffer = g_realloc(msg->buffer, len);
    return 0;
}


/**
 * virNetMessageRead:
 * Reads from the non-blocking socket @io into *@rx, the packet being
 * received (a new one when *@rx is NULL), until it is whole or the
 * socket has nothing more.  On VIR_NET_MESSAGE_READ_DONE *@packet is the
 * whole packet, ready for virNetMessageDecodeHeader (caller owns it), and
 * *@rx is NULL again; on every other result a partial packet stays in
 * *@rx, which the caller frees with the connection.  A length word
 * outside the protocol limits is READ_INVALID: the stream cannot be
 * resynchronised, so the caller drops the connection.
 */
virNetMessageReadResult
virNetMessageRead(const virNetSocketIO *io, virNetMessage **rx,
                  virNetMessage **packet)
{
    for (;;) {
        virNetMessage *msg;
        ssize_t n;

        if (!*rx) {
            *rx = virNetMessageNew();
            virNetMessagePrepareRead(*rx);
        }
        msg = *rx;
        n = virNetSocketIORead(io, msg->buffer + msg->bufferOffset,
                             msg->bufferLength - msg->bufferOffset);
        if (n == 0)
            return VIR_NET_MESSAGE_READ_AGAIN;
        if (n == -2)
            return VIR_NET_MESSAGE_READ_EOF;
        if (n < 0)
            return VIR_NET_MESSAGE_READ_ERROR;
        msg->bufferOffset += n;
        if (msg->bufferOffset < msg->bufferLength)
            continue;
        if (msg->bufferLength == VIR_NET_MESSAGE_LEN_MAX) {
            if (virNetMessageDecodeLength(msg) < 0)
                return VIR_NET_MESSAGE_READ_INVALID;
            continue;
        }
        msg->bufferOffset = 0;
        *packet = g_steal_pointer(rx);
        return VIR_NET_MESSAGE_READ_DONE;
    }
}


/**
 * virNetMessageNewHeader:
 * A message with the header @prog, @vers, @proc, @type, @serial and
 * @status set and encoded, ready for one of the payload encoders: every
 * packet either side sends starts here.  Caller owns the result; NULL
 * (reported) on error.
 */
virNetMessage *
virNetMessageNewHeader(unsigned int prog, unsigned int vers, int proc,
                       virNetMessageType type, unsigned int serial,
                       virNetMessageStatus status)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();

    msg->header.prog = prog;
    msg->header.vers = vers;
    msg->header.proc = proc;
    msg->header.type = type;
    msg->header.serial = serial;
    msg->header.status = status;
    if (virNetMessageEncodeHeader(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}


virNetMessage *
virNetMessageNewKeepalive(int proc)
{
    g_autoptr(virNetMessage) msg = NULL;

    if (!(msg = virNetMessageNewHeader(KEEPALIVE_PROGRAM,
                                       KEEPALIVE_PROTOCOL_VERSION, proc,
                                       VIR_NET_MESSAGE, 0, VIR_NET_OK)) ||
        virNetMessageEncodePayloadEmpty(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}


/**
 * virNetMessageReadAll:
 * Reads packets from @io as virNetMessageRead does and hands each whole
 * one to @func, until the socket has nothing more, fails or ends, or
 * @func returns false.  Returns why it stopped: VIR_NET_MESSAGE_READ_DONE
 * when @func stopped it, else as virNetMessageRead.
 */
virNetMessageReadResult
virNetMessageReadAll(const virNetSocketIO *io, virNetMessage **rx,
                     virNetMessageReadFunc func, void *opaque)
{
    virNetMessageReadResult rc;
    virNetMessage *msg = NULL;

    while ((rc = virNetMessageRead(io, rx, &msg)) ==
           VIR_NET_MESSAGE_READ_DONE) {
        if (!func(g_steal_pointer(&msg), opaque))
            break;
    }
    return rc;
}


/* Sends the descriptors of @msg, whose bytes are all written, after it
 * on the unix socket @io, each closed once sent.  Returns 1 when all are
 * sent, 0 when the socket would block, -1 (reported) on error. */
static int
virNetMessageSendFDs(const virNetSocketIO *io, virNetMessage *msg)
{
    if (io->tls) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("file descriptors cannot be passed over TLS"));
        return -1;
    }
    while (msg->donefds < msg->nfds) {
        int rc = virNetSocketSendFD(io->fd, msg->fds[msg->donefds]);

        if (rc <= 0)
            return rc;
        close(msg->fds[msg->donefds]);
        msg->fds[msg->donefds++] = -1;
    }
    return 1;
}


/**
 * virNetMessageQueueFlush:
 * Writes the packets of @queue to the non-blocking socket @io until the
 * queue is empty or the socket is full, freeing each packet once it is
 * written whole.  *@packets and *@bytes (always written) count the
 * packets taken off the queue and their sizes.  The caller holds
 * whatever lock protects @queue.  Returns 0, or -1 (reported) when the
 * socket failed.
 */
int
virNetMessageQueueFlush(const virNetSocketIO *io, virNetMessage **queue,
                        size_t *packets, size_t *bytes)
{
    *packets = 0;
    *bytes = 0;
    while (*queue) {
        virNetMessage *msg = *queue;

        if (msg->bufferOffset < msg->bufferLength) {
            ssize_t n = virNetSocketIOWrite(io, msg->buffer + msg->bufferOffset,
                                            msg->bufferLength - msg->bufferOffset);
            if (n < 0)
                return -1;
            if (n == 0)
                return 0;
            msg->bufferOffset += n;
            if (msg->bufferOffset < msg->bufferLength)
                continue;
        }
        if (msg->donefds < msg->nfds) {
            int rc = virNetMessageSendFDs(io, msg);

            if (rc <= 0)
                return rc;
        }
        (*packets)++;
        *bytes += msg->bufferLength;
        virNetMessageFree(virNetMessageQueueServe(queue));
    }
    return 0;
}


int
virNetMessageDecodeHeader(virNetMessage *msg)
{
    XDR xdr;
    int rc = 0;

    xdrmem_create(&xdr, msg->buffer + VIR_NET_MESSAGE_LEN_MAX,
                  msg->bufferLength - VIR_NET_MESSAGE_LEN_MAX, XDR_DECODE);
    if (!xdr_virNetMessageHeader(&xdr, &msg->header)) {
        virReportError(VIR_ERR_RPC, "%s", _("Unable to decode message header"));
        rc = -1;
    } else {
        msg->bufferOffset = VIR_NET_MESSAGE_LEN_MAX + xdr_getpos(&xdr);
    }
    xdr_destroy(&xdr);
    return rc;
}


/* Decodes the payload after the header (and fd count) into @data, which
 * the caller frees with xdr_free(@filter, @data). */
int
virNetMessageDecodePayload(virNetMessage *msg, xdrproc_t filter, void *data)
{
    XDR xdr;
    int rc = 0;

    xdrmem_create(&xdr, msg->buffer + msg->bufferOffset,
                  msg->bufferLength - msg->bufferOffset, XDR_DECODE);
    if (!filter(&xdr, data, 0)) {
        virReportError(VIR_ERR_RPC, "%s", _("Unable to decode message payload"));
        rc = -1;
    } else {
        msg->bufferOffset += xdr_getpos(&xdr);
    }
    xdr_destroy(&xdr);
    return rc;
}


int
virNetMessageDecodeNumFDs(virNetMessage *msg)
{
    unsigned int nfds = 0;
    XDR xdr;
    int rc = 0;

    xdrmem_create(&xdr, msg->buffer + msg->bufferOffset,
                  msg->bufferLength - msg->bufferOffset, XDR_DECODE);
    if (!xdr_u_int(&xdr, &nfds) || nfds > VIR_NET_MESSAGE_NUM_FDS_MAX) {
        virReportError(VIR_ERR_RPC, "%s", _("Unable to decode number of FDs"));
        rc = -1;
    } else {
        size_t i;

        msg->bufferOffset += xdr_getpos(&xdr);
        /* the descriptors themselves come later: none is open yet, and
         * virNetMessageClear must find -1 in every slot */
        msg->fds = g_new(int, MAX(nfds, 1));
        for (i = 0; i < nfds; i++)
            msg->fds[i] = -1;
        msg->nfds = nfds;
    }
    xdr_destroy(&xdr);
    return rc;
}


/* Writes the total length into the length word. */
static void
virNetMessageEncodeLength(virNetMessage *msg)
{
    uint32_t len = g_htonl(msg->bufferLength);

    memcpy(msg->buffer, &len, sizeof(len));
}


int
virNetMessageEncodeHeader(virNetMessage *msg)
{
    XDR xdr;
    int rc = 0;

    g_free(msg->buffer);
    msg->bufferLength = VIR_NET_MESSAGE_INITIAL + VIR_NET_MESSAGE_LEN_MAX;
    msg->buffer = g_new0(char, msg->bufferLength);
    msg->bufferOffset = 0;

    xdrmem_create(&xdr, msg->buffer + VIR_NET_MESSAGE_LEN_MAX,
                  msg->bufferLength - VIR_NET_MESSAGE_LEN_MAX, XDR_ENCODE);
    if (!xdr_virNetMessageHeader(&xdr, &msg->header)) {
        virReportError(VIR_ERR_RPC, "%s", _("Unable to encode message header"));
        rc = -1;
    } else {
        msg->bufferOffset = VIR_NET_MESSAGE_LEN_MAX + xdr_getpos(&xdr);
        msg->bufferLength = msg->bufferOffset;
        virNetMessageEncodeLength(msg);
    }
    xdr_destroy(&xdr);
    return rc;
}


/**
 * virNetMessageEncodeNumFDs:
 * Appends to the header of a *_WITH_FDS packet the count of descriptors
 * (@msg->nfds) sent after it.  Returns 0 or -1 (reported).
 */
int
virNetMessageEncodeNumFDs(virNetMessage *msg)
{
    uint32_t count = htonl(msg->nfds);

    if (msg->nfds > VIR_NET_MESSAGE_NUM_FDS_MAX) {
        virReportError(VIR_ERR_RPC, _("Too many FDs to send %1$zu, expected %2$d maximum"),
                       msg->nfds, VIR_NET_MESSAGE_NUM_FDS_MAX);
        return -1;
    }
    msg->buffer = g_realloc(msg->buffer, msg->bufferOffset + sizeof(count));
    memcpy(msg->buffer + msg->bufferOffset, &count, sizeof(count));
    msg->bufferOffset += sizeof(count);
    msg->bufferLength = msg->bufferOffset;
    virNetMessageEncodeLength(msg);
    return 0;
}


/**
 * virNetMessageEncodePayload:
 * Appends @data encoded by @filter after the header, growing the buffer
 * by doubling up to VIR_NET_MESSAGE_MAX.  Returns 0 or -1 (reported).
 */
int
virNetMessageEncodePayload(virNetMessage *msg, xdrproc_t filter, void *data)
{
    size_t start = msg->bufferOffset;
    size_t room = VIR_NET_MESSAGE_INITIAL;

    for (;;) {
        XDR xdr;
        bool ok;

        msg->buffer = g_realloc(msg->buffer, start + room);
        xdrmem_create(&xdr, msg->buffer + start, room, XDR_ENCODE);
        ok = filter(&xdr, data, 0);
        if (ok) {
            msg->bufferLength = start + xdr_getpos(&xdr);
            msg->bufferOffset = 0;
            xdr_destroy(&xdr);
            /* Queued replies keep their buffer until written: only what
             * is sent stays allocated. */
            msg->buffer = g_realloc(msg->buffer, msg->bufferLength);
            virNetMessageEncodeLength(msg);
            return 0;
        }
        xdr_destroy(&xdr);
        if (start + room >= VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX) {
            virReportError(VIR_ERR_RPC, "%s", _("Unable to encode message payload"));
            return -1;
        }
        room = MIN(room * 2, VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX - start);
    }
}


int
virNetMessageEncodePayloadEmpty(virNetMessage *msg)
{
    msg->bufferLength = msg->bufferOffset;
    msg->bufferOffset = 0;
    virNetMessageEncodeLength(msg);
    return 0;
}


/**
 * virNetMessageSaveError:
 * Copies the calling thread's last error into @rerr (whose strings the
 * caller frees with xdr_free).  A failure that forgot to report gets a
 * generic internal error so clients never see a NULL message.
 */
void
virNetMessageSaveError(virNetMessageError *rerr)
{
    const virError *err = virErrorGetLast();

    memset(rerr, 0, sizeof(*rerr));
    if (!err) {
        rerr->code = VIR_ERR_INTERNAL_ERROR;
        rerr->domain = VIR_FROM_RPC;
        rerr->message = g_new0(char *, 1);
        *rerr->message = g_strdup(_("internal error: unexpected failure with no error reported"));
        rerr->level = VIR_ERR_ERROR;
        return;
    }
    rerr->code = err->code;
    rerr->domain = err->domain;
    rerr->level = err->level ? err->level : VIR_ERR_ERROR;
    rerr->message = g_new0(char *, 1);
    *rerr->message = g_strdup(err->message ? err->message : _("unknown error"));
    if (err->str1) {
        rerr->str1 = g_new0(char *, 1);
        *rerr->str1 = g_strdup(err->str1);
    }
    rerr->int1 = err->int1;
    rerr->int2 = err->int2;
}


/**
 * virNetMessageEncodePayloadRaw:
 * Appends @len bytes of @data as they are after the header (a stream
 * packet's payload).  Returns 0 or -1 (reported) when the packet would
 * exceed VIR_NET_MESSAGE_MAX.
 */
int
virNetMessageEncodePayloadRaw(virNetMessage *msg, const char *data, size_t len)
{
    size_t start = msg->bufferOffset;

    if (len > VIR_NET_MESSAGE_MAX - (start - VIR_NET_MESSAGE_LEN_MAX)) {
        virReportError(VIR_ERR_RPC, _("stream data of %1$zu bytes is too large"),
                       len);
        return -1;
    }
    msg->buffer = g_realloc(msg->buffer, start + len);
    if (len)
        memcpy(msg->buffer + start, data, len);
    msg->bufferLength = start + len;
    msg->bufferOffset = 0;
    virNetMessageEncodeLength(msg);
    return 0;
}


/**
 * virNetMessageNewStream:
 * An encoded STREAM packet of the stream @hdr names (program, version,
 * procedure and serial of the call that opened it) with @status: data
 * (CONTINUE, @len bytes of @data), the end (OK, no data) or an abort
 * (ERROR from a client, no data).  Caller owns the result; NULL
 * (reported) on error.
 */
virNetMessage *
virNetMessageNewStream(const virNetMessageHeader *hdr, int status,
                       const char *data, size_t len)
{
    g_autoptr(virNetMessage) msg = NULL;

    if (!(msg = virNetMessageNewHeader(hdr->prog, hdr->vers, hdr->proc,
                                       VIR_NET_STREAM, hdr->serial,
                                       status)) ||
        virNetMessageEncodePayloadRaw(msg, data, len) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}
