/*
 * virnetclient.h: the client side of an RPC connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One connection to a libvirt-protocol server (another virtmigd, or any
 * libvirtd), shared by many threads: each caller of virNetClientCall sends
 * its CALL and sleeps until the matching REPLY arrives, so calls overlap on
 * one socket and may complete in any order.  A dedicated I/O thread (its
 * own GMainContext) owns the socket: it reads continuously, matches
 * replies to waiting calls, answers keepalive PINGs, sends our own PINGs
 * when keepalive is on, hands events to a callback and reports the close
 * of the connection exactly once.
 */
#pragma once

#include "internal.h"
#include "virnetmessage.h"
#include "virnetclientssh.h"
#include "virnettlscontext.h"

typedef struct _virNetClient virNetClient;

/* An event (MESSAGE packet of the remote program) arrived.  Runs in the
 * I/O thread with no lock held; @msg is borrowed: decode its payload with
 * virNetMessageDecodePayload.  It must not call virNetClientCall. */
typedef void (*virNetClientEventFunc)(virNetClient *client,
                                      virNetMessage *msg, void *opaque);

/* The connection closed, with a VIR_CONNECT_CLOSE_REASON_* @reason.  Runs
 * once per client, in the I/O thread, with no lock held. */
typedef void (*virNetClientCloseFunc)(virNetClient *client, int reason,
                                      void *opaque);

/* The stream layer (virnetclientstream.c): gets STREAM packets (@msg
 * borrowed; I/O thread, no lock held) and, once, NULL at the close of the
 * connection.  Returns -1 (reported) to close the connection. */
typedef int (*virNetClientStreamFunc)(virNetClient *client,
                                      virNetMessage *msg, void *opaque);

virNetClient *virNetClientNewUNIX(const char *path);
virNetClient *virNetClientNewTCP(const char *host, const char *port);
virNetClient *virNetClientNewTLS(const char *host, const char *port,
                                 virNetTLSContext *ctx, int timeoutMs);
virNetClient *virNetClientNewSSH(const virNetClientSSHParams *params);

void *virNetClientRef(virNetClient *client);
void virNetClientUnref(virNetClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetClient, virNetClientUnref);

void virNetClientSetEventCallback(virNetClient *client,
                                  virNetClientEventFunc func, void *opaque,
                                  GDestroyNotify freeOpaque);
void virNetClientSetCloseCallback(virNetClient *client,
                                  virNetClientCloseFunc func, void *opaque,
                                  GDestroyNotify freeOpaque);

int virNetClientSetKeepAlive(virNetClient *client, int interval,
                             unsigned int count);

int virNetClientCall(virNetClient *client, unsigned int prog,
                     unsigned int vers, int proc,
                     xdrproc_t argsFilter, void *args,
                     xdrproc_t retFilter, void *ret, int timeoutMs);

int virNetClientCallSerial(virNetClient *client, unsigned int prog,
                           unsigned int vers, int proc,
                           xdrproc_t argsFilter, void *args,
                           xdrproc_t retFilter, void *ret, int timeoutMs,
                           unsigned int *serial);

void virNetClientSetStreamCallback(virNetClient *client,
                                   virNetClientStreamFunc func, void *opaque);
int virNetClientSendPacket(virNetClient *client, virNetMessage *msg,
                           size_t maxQueued);

bool virNetClientIsOpen(virNetClient *client);
const char *virNetClientGetPeer(virNetClient *client);
void virNetClientClose(virNetClient *client);
