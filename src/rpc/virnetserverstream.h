/*
 * virnetserverstream.h: data streams a client opens on the server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The handler of a procedure that opens a stream (PREPARE_TUNNEL3_PARAMS,
 * DOMAIN_OPEN_CONSOLE, DOMAIN_SCREENSHOT) creates it for its call; STREAM
 * packets with that call's serial then flow (virnetclientstream.h has the
 * protocol).  The handler attaches a file descriptor: what the client
 * sends goes into it (a socket to the incoming QEMU, a console), what it
 * gives goes to the client (a console, a screenshot file); the end and
 * the abort are confirmed once what came before them is written.
 */
#pragma once

#include "internal.h"
#include "virnetserverclient.h"

typedef struct _virNetServerStream virNetServerStream;

/* Which ways the data of a stream flows through its descriptor. */
typedef enum {
    VIR_NET_SERVER_STREAM_RX = 1 << 0,  /* from the client into it */
    VIR_NET_SERVER_STREAM_TX = 1 << 1,  /* from it to the client */
} virNetServerStreamDir;

virNetServerStream *virNetServerStreamNew(virNetServerClient *client,
                                          GMainContext *ctx,
                                          const virNetMessageHeader *call);
int virNetServerStreamAttachFD(virNetServerStream *st, int fd,
                               unsigned int dirs);
void virNetServerStreamClose(virNetServerStream *st);
void virNetServerStreamHangup(virNetServerStream *st);
bool virNetServerStreamIsOpen(virNetServerStream *st);
virNetServerStream *virNetServerStreamRef(virNetServerStream *st);
void virNetServerStreamUnref(virNetServerStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetServerStream, virNetServerStreamUnref);

/* For the server (I/O thread). */
int virNetServerStreamHandlePacket(virNetServerClient *client,
                                   virNetMessage *msg);
void virNetServerStreamDropClient(virNetServerClient *client);
