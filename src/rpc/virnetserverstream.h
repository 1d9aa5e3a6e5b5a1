/*
 * virnetserverstream.h: data streams a client opens on the server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The handler of a procedure that opens a stream (PREPARE_TUNNEL3_PARAMS)
 * creates it for its call; the client then sends STREAM packets with that
 * call's serial (virnetclientstream.h has the protocol).  What the client
 * sends goes into a file descriptor the handler attaches (a socket to the
 * incoming QEMU); the end and the abort are confirmed once what came
 * before them is written.  Data from the server to the client (consoles)
 * is not done yet.
 */
#pragma once

#include "internal.h"
#include "virnetserverclient.h"

typedef struct _virNetServerStream virNetServerStream;

virNetServerStream *virNetServerStreamNew(virNetServerClient *client,
                                          GMainContext *ctx,
                                          const virNetMessageHeader *call);
int virNetServerStreamAttachFD(virNetServerStream *st, int fd);
void virNetServerStreamClose(virNetServerStream *st);
void virNetServerStreamUnref(virNetServerStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetServerStream, virNetServerStreamUnref);

/* For the server (I/O thread). */
int virNetServerStreamHandlePacket(virNetServerClient *client,
                                   virNetMessage *msg);
void virNetServerStreamDropClient(virNetServerClient *client);
