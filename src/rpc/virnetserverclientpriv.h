/*
 * virnetserverclientpriv.h: client functions used only by the server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "virnetserverclient.h"
#include "virnettlscontext.h"

typedef struct {
    size_t maxRequests;
    unsigned int keepaliveInterval;
    unsigned int keepaliveCount;
    unsigned int openTimeout;
} virNetServerClientLimits;

/* Wraps an accepted @fd (stolen); @rejectReason, if set, is sent as the
 * error of the first call before closing. */
virNetServerClient *virNetServerClientNew(virNetServer *srv, int fd,
                                          bool readonly, bool tcp,
                                          const virNetServerClientLimits *lim,
                                          const char *rejectReason);
/* Makes the client speak TLS with @ctx (which outlives it): handshake,
 * certificate check and the verdict byte come before any packet is read.
 * Call it before virNetServerClientAttach.  Returns 0 or -1 (reported). */
int virNetServerClientStartTLS(virNetServerClient *client,
                               virNetTLSContext *ctx);
/* Starts watching the socket in @ctx (I/O thread). */
void virNetServerClientAttach(virNetServerClient *client, GMainContext *ctx);
/* A call of this client finished (worker thread). */
void virNetServerClientCallDone(virNetServerClient *client);
/* Once a second, from the I/O thread: keepalive and open timeout. */
void virNetServerClientTick(virNetServerClient *client, gint64 nowUs);
const char *virNetServerClientGetRejectReason(virNetServerClient *client);

/* Defined by the server: a complete packet arrived (I/O thread); steals
 * @msg.  Returns the number of calls it started (0 or 1). */
int virNetServerHandleMessage(virNetServer *srv, virNetServerClient *client,
                              virNetMessage *msg);
/* Defined by the server: the client is closed and torn down; its close
 * function (may be NULL) runs on a worker. */
void virNetServerRemoveClient(virNetServer *srv, virNetServerClient *client,
                              virNetServerClientCloseFunc closeFunc);
