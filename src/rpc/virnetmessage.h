/*
 * virnetmessage.h: one RPC packet: length word, header and XDR payload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virnetprotocol.h"
#include "virnetsocket.h"

typedef struct _virNetMessage virNetMessage;
struct _virNetMessage {
    char *buffer;           /* the whole packet, length word included */
    size_t bufferLength;    /* bytes expected (rx) or to send (tx) */
    size_t bufferOffset;    /* bytes read or written so far */

    virNetMessageHeader header;

    int *fds;               /* received or to be sent with SCM_RIGHTS */
    size_t nfds;
    size_t donefds;

    virNetMessage *next;    /* queue link */

    /* called once when the packet is done with (sent, or dropped unsent),
     * from whatever thread frees it, possibly under the sender's lock */
    void (*done)(void *opaque);
    void *doneOpaque;
};

virNetMessage *virNetMessageNew(void);
void virNetMessageFree(virNetMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetMessage, virNetMessageFree);
/* Drops the content, keeps nothing: ready for reuse. */
void virNetMessageClear(virNetMessage *msg);

void virNetMessageQueuePush(virNetMessage **queue, virNetMessage *msg);
virNetMessage *virNetMessageQueueServe(virNetMessage **queue);

/* Reading: prepare the buffer for the 4-byte length word, then decode it
 * to learn the packet size (the buffer grows to hold it). */
void virNetMessagePrepareRead(virNetMessage *msg);
int virNetMessageDecodeLength(virNetMessage *msg);
int virNetMessageDecodeHeader(virNetMessage *msg);
int virNetMessageDecodePayload(virNetMessage *msg, xdrproc_t filter,
                               void *data);
int virNetMessageDecodeNumFDs(virNetMessage *msg);

/* What virNetMessageRead found on the socket. */
typedef enum {
    VIR_NET_MESSAGE_READ_AGAIN = 0, /* would block: the rest comes later */
    VIR_NET_MESSAGE_READ_DONE,      /* one whole packet */
    VIR_NET_MESSAGE_READ_EOF,       /* the peer closed the connection */
    VIR_NET_MESSAGE_READ_ERROR,     /* the socket failed (reported) */
    VIR_NET_MESSAGE_READ_INVALID,   /* a length outside the limits (reported) */

    VIR_NET_MESSAGE_READ_LAST
} virNetMessageReadResult;

/* Reading and writing packets on a non-blocking socket, for the server
 * and the client alike. */
virNetMessageReadResult virNetMessageRead(const virNetSocketIO *io,
                                          virNetMessage **rx,
                                          virNetMessage **packet);
/* Handles one whole packet (steals @msg); false stops the reading. */
typedef bool (*virNetMessageReadFunc)(virNetMessage *msg, void *opaque);
virNetMessageReadResult virNetMessageReadAll(const virNetSocketIO *io,
                                             virNetMessage **rx,
                                             virNetMessageReadFunc func,
                                             void *opaque);
int virNetMessageQueueFlush(const virNetSocketIO *io, virNetMessage **queue, size_t *packets,
                            size_t *bytes);

/* Writing: encode the header (msg->header), then a payload; the length
 * word is filled in by each payload encoder. */
int virNetMessageEncodeHeader(virNetMessage *msg);
int virNetMessageEncodePayload(virNetMessage *msg, xdrproc_t filter,
                               void *data);
int virNetMessageEncodePayloadEmpty(virNetMessage *msg);
/* After the header of a *_WITH_FDS packet: the count of @msg->fds. */
int virNetMessageEncodeNumFDs(virNetMessage *msg);
int virNetMessageEncodePayloadRaw(virNetMessage *msg, const char *data,
                                  size_t len);
virNetMessage *virNetMessageNewHeader(unsigned int prog, unsigned int vers,
                                      int proc, virNetMessageType type,
                                      unsigned int serial,
                                      virNetMessageStatus status);
virNetMessage *virNetMessageNewStream(const virNetMessageHeader *hdr,
                                      int status, const char *data,
                                      size_t len);

/* A keepalive PING or PONG (@proc), encoded: an empty MESSAGE with serial
 * 0.  Caller owns the result; NULL (reported) on error. */
virNetMessage *virNetMessageNewKeepalive(int proc);

/* Fills @rerr from the calling thread's last error (or a generic one). */
void virNetMessageSaveError(virNetMessageError *rerr);
