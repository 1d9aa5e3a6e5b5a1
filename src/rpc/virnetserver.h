/*
 * virnetserver.h: the RPC server: listeners, clients, I/O thread, workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virnetserverclient.h"
#include "virnetserverprogram.h"
#include "virnettlscontext.h"

typedef struct _virNetServerConfig virNetServerConfig;
struct _virNetServerConfig {
    size_t maxWorkers;          /* normal workers */
    size_t prioWorkers;         /* reserved for high-priority calls */
    size_t maxClients;          /* beyond this, new clients are refused */
    size_t maxClientRequests;   /* calls in flight per client */
    unsigned int keepaliveInterval; /* seconds; 0 disables our PINGs */
    unsigned int keepaliveCount;
    unsigned int openTimeout;   /* seconds a client may stay unopened */
};

/* libvirtd's defaults, except a larger in-flight window. */
void virNetServerConfigDefaults(virNetServerConfig *cfg);

/* Called for each accepted client before its first packet is read. */
typedef void (*virNetServerClientInitHook)(virNetServerClient *client,
                                           void *opaque);

virNetServer *virNetServerNew(const virNetServerConfig *cfg,
                              virNetServerClientInitHook hook,
                              void *hookOpaque);
void virNetServerFree(virNetServer *srv);
/* Stops listening, closes clients, waits for running calls. */
void virNetServerShutdown(virNetServer *srv);

void virNetServerAddProgram(virNetServer *srv, virNetServerProgram *prog);

/* Listeners; a unix path is unlinked when the server is freed. */
int virNetServerAddServiceUNIX(virNetServer *srv, const char *path,
                               mode_t mode, bool readonly);
int virNetServerAddServiceTCP(virNetServer *srv, const char *hostport,
                              bool allowRemote);
/* A TCP listener whose clients speak TLS with @ctx, which the server
 * owns from now on (even on failure). */
int virNetServerAddServiceTLS(virNetServer *srv, const char *hostport,
                              virNetTLSContext *ctx);
/* A unix socket already listening (systemd socket activation): the
 * server owns @fd from now on, and never unlinks its path. */
void virNetServerAddServiceFD(virNetServer *srv, int fd, bool readonly);

/* The main context the server runs in (for signal sources etc.). */
GMainContext *virNetServerGetContext(virNetServer *srv);

/* Runs the I/O loop in the calling thread until virNetServerQuit. */
void virNetServerRun(virNetServer *srv);
void virNetServerQuit(virNetServer *srv);

/* Calls @func for every open client (for event delivery). */
void virNetServerForEachClient(virNetServer *srv,
                               void (*func)(virNetServerClient *client,
                                            void *opaque),
                               void *opaque);
size_t virNetServerGetClientCount(virNetServer *srv);

/* Wakes the I/O thread so it notices queued output (client code). */
void virNetServerWakeup(virNetServer *srv);
