/*
 * virnetserverclient.h: one client connection of the RPC server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * All socket I/O of a client happens in the server's I/O thread: it reads
 * packets, answers keepalive PINGs at once, hands calls to the worker pool
 * and writes queued replies and events.  Workers only queue messages.
 */
#pragma once

#include "internal.h"
#include "virnetmessage.h"

typedef struct _virNetServerClient virNetServerClient;
typedef struct _virNetServer virNetServer;

/* Called once when the client is closed (I/O thread, client unlocked). */
typedef void (*virNetServerClientCloseFunc)(virNetServerClient *client);

void *virNetServerClientRef(virNetServerClient *client);
void virNetServerClientUnref(virNetServerClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetServerClient, virNetServerClientUnref);

unsigned long long virNetServerClientGetID(virNetServerClient *client);
const char *virNetServerClientGetPeer(virNetServerClient *client);
virNetServer *virNetServerClientGetServer(virNetServerClient *client);

bool virNetServerClientGetReadonly(virNetServerClient *client);
void virNetServerClientSetReadonly(virNetServerClient *client);
/* Whether the socket is plain TCP (CONNECT_IS_SECURE answers 0 then). */
bool virNetServerClientIsTCP(virNetServerClient *client);
/* Whether the connection is encrypted (TLS). */
bool virNetServerClientIsEncrypted(virNetServerClient *client);
/* Whether nobody can read the traffic on the way: unix or TLS. */
bool virNetServerClientIsSecure(virNetServerClient *client);

/* Set once CONNECT_OPEN succeeded; calls needing it are refused before. */
bool virNetServerClientIsOpen(virNetServerClient *client);
void virNetServerClientSetOpen(virNetServerClient *client);

/* Private data of the layer above (the daemon's connection state); freed
 * with @freeFunc when the last reference goes. */
void virNetServerClientSetPrivateData(virNetServerClient *client, void *data,
                                      GDestroyNotify freeFunc,
                                      virNetServerClientCloseFunc closeFunc);
void *virNetServerClientGetPrivateData(virNetServerClient *client);

/* The client probed keepalive support: start sending PINGs when idle. */
void virNetServerClientEnableKeepalive(virNetServerClient *client);

/* Queues @msg (steals it) for sending.  Returns 0, or -1 when the client
 * is closed (the message is dropped). Callable from any thread. */
int virNetServerClientSendMessage(virNetServerClient *client,
                                  virNetMessage *msg);

/* Closes once everything queued has been written (CONNECT_CLOSE). */
void virNetServerClientDelayedClose(virNetServerClient *client);
/* Closes now (from any thread). */
void virNetServerClientClose(virNetServerClient *client);
bool virNetServerClientIsClosed(virNetServerClient *client);
