/*
 * virnetsocket.h: listening and connected stream sockets (unix, tcp)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virnettlscontext.h"

/* Listens on @path (replacing a stale socket) with permissions @mode.
 * Returns the fd or -1 (reported). */
int virNetSocketListenUNIX(const char *path, mode_t mode);

/* Listens on "HOST:PORT" (IPv4 or [IPv6]).  Unless @allowRemote, anything
 * but a loopback address is refused.  Returns the fd or -1 (reported). */
int virNetSocketListenTCP(const char *hostport, bool allowRemote);

/* Accepts a connection: returns a non-blocking CLOEXEC fd, -1 (reported)
 * or -2 when nothing was pending. */
int virNetSocketAccept(int listenfd);

int virNetSocketConnectUNIX(const char *path);

/* Non-blocking read/write: return bytes done, 0 for would-block (read
 * returns -2 for EOF), -1 with an error reported. */
ssize_t virNetSocketRead(int fd, char *buf, size_t len);
ssize_t virNetSocketWrite(int fd, const char *buf, size_t len);

/* Passes @fd over the unix socket @sock: 1 sent, 0 would block, -1. */
int virNetSocketSendFD(int sock, int fd);

/* A connected socket as messages are read from and written to it:
 * directly, or through @tls once its handshake is done. */
typedef struct {
    int fd;
    virNetTLSSession *tls;      /* NULL: plain */
} virNetSocketIO;

/* virNetSocketRead/virNetSocketWrite on @io, with the same results. */
ssize_t virNetSocketIORead(const virNetSocketIO *io, char *buf, size_t len);
ssize_t virNetSocketIOWrite(const virNetSocketIO *io, const char *buf,
                            size_t len);

/* Credentials of a unix peer; -1 pid/uid when unknown. */
void virNetSocketGetPeer(int fd, pid_t *pid, uid_t *uid);

/* Describes the peer for logs ("unix pid=N uid=N" or "127.0.0.1;4567"). */
char *virNetSocketDescribePeer(int fd);

/* The I/O thread's watch of one connected socket, shared by the server's
 * clients and the client.  Before each poll, and again after it,
 * @events says what to wait for and sets *@closing when the connection
 * is going: then the watch dispatches without waiting.  @dispatch gets
 * what happened (possibly nothing, when closing) and returns
 * G_SOURCE_CONTINUE or G_SOURCE_REMOVE. */
typedef GIOCondition (*virNetSocketWatchEventsFunc)(void *opaque,
                                                    bool *closing);
typedef gboolean (*virNetSocketWatchDispatchFunc)(void *opaque,
                                                  GIOCondition revents);

GSource *virNetSocketWatchAttach(int fd, const char *name, GMainContext *ctx,
                                 virNetSocketWatchEventsFunc events,
                                 virNetSocketWatchDispatchFunc dispatch,
                                 void *opaque);

/* Makes @watch (from virNetSocketWatchAttach) also dispatch, as if the
 * socket were readable, while @tls holds decrypted input that poll()
 * cannot see and input is wanted.  @tls must outlive the watch. */
void virNetSocketWatchSetTLS(GSource *watch, virNetTLSSession *tls);
