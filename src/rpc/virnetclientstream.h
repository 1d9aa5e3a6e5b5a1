/*
 * virnetclientstream.h: data streams riding on a client connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stream belongs to the call that opened it (a procedure such as
 * PREPARE_TUNNEL3_PARAMS): its packets carry that call's program,
 * version, procedure and serial, type STREAM, and a status: CONTINUE with
 * raw bytes, OK for the end (the server confirms it with an OK of its
 * own, once it has delivered everything), ERROR for an abort (from the
 * client, without payload; from the server, with a virNetMessageError).
 * This is libvirt's stream protocol, so stock daemons are peers too.
 */
#pragma once

#include "internal.h"
#include "virnetclient.h"

typedef struct _virNetClientStream virNetClientStream;

/* Largest data packet payload (libvirt's). */
#define VIR_NET_CLIENT_STREAM_CHUNK VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX

virNetClientStream *virNetClientStreamNew(virNetClient *client,
                                          unsigned int prog,
                                          unsigned int vers, int proc,
                                          unsigned int serial);
void virNetClientStreamFree(virNetClientStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetClientStream, virNetClientStreamFree);

int virNetClientStreamSend(virNetClientStream *st, const char *data,
                           size_t len);
int virNetClientStreamFinish(virNetClientStream *st, int timeoutMs);
int virNetClientStreamAbort(virNetClientStream *st, int timeoutMs);
