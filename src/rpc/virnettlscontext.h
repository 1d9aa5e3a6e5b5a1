/*
 * virnettlscontext.h: GnuTLS x509 credentials and sessions for RPC sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A context holds one side's credentials (CA, optional CRL, own
 * certificate and key), checked once when it is made; a session is one
 * TLS connection on a non-blocking socket, made from a context.  The
 * wire sequence is libvirt's: TLS handshake, each side checks the other's
 * certificate, then the server sends one byte, 1, inside the session when
 * it accepts the client; a client it refuses sees the connection close.
 */
#pragma once

#include "internal.h"

typedef struct _virNetTLSContext virNetTLSContext;
typedef struct _virNetTLSSession virNetTLSSession;

/* libvirt's file names inside a pkipath directory, and under /etc/pki. */
#define VIR_NET_TLS_CA_CERT "cacert.pem"
#define VIR_NET_TLS_CA_CRL "cacrl.pem"
#define VIR_NET_TLS_SERVER_CERT "servercert.pem"
#define VIR_NET_TLS_SERVER_KEY "serverkey.pem"
#define VIR_NET_TLS_CLIENT_CERT "clientcert.pem"
#define VIR_NET_TLS_CLIENT_KEY "clientkey.pem"
/* The priority string when none is configured (libvirt's default). */
#define VIR_NET_TLS_PRIORITY_DEFAULT "NORMAL"

typedef struct {
    char *caFile;
    char *crlFile;          /* NULL: none; a missing default is skipped */
    bool crlRequired;       /* configured explicitly: it must exist */
    char *certFile;
    char *keyFile;
    char *priority;         /* NULL: VIR_NET_TLS_PRIORITY_DEFAULT */
    GStrv dnAllowList;      /* server: glob patterns of client DNs; NULL: any */
    bool verifyPeer;        /* false: log a bad peer certificate, go on */
} virNetTLSConfig;

void virNetTLSConfigClear(virNetTLSConfig *cfg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virNetTLSConfig, virNetTLSConfigClear);

/* libvirt's layout: @dir/CA/cacert.pem, @dir/CA/cacrl.pem,
 * @dir/libvirt/{server,client}cert.pem and
 * @dir/libvirt/private/{server,client}key.pem (@dir is /etc/pki, or
 * ROOT/pki under --root). */
void virNetTLSConfigFromPKIRoot(virNetTLSConfig *cfg, const char *dir,
                                bool isServer);
/* A URI's pkipath=DIR: every file directly in @dir. */
void virNetTLSConfigFromPKIPath(virNetTLSConfig *cfg, const char *dir,
                                bool isServer);

virNetTLSContext *virNetTLSContextNewServer(const virNetTLSConfig *cfg);
virNetTLSContext *virNetTLSContextNewClient(const virNetTLSConfig *cfg);
void virNetTLSContextFree(virNetTLSContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetTLSContext, virNetTLSContextFree);

/* A session on the connected non-blocking socket @fd (not owned).
 * @hostname (client side) is what the server's certificate must name. */
virNetTLSSession *virNetTLSSessionNew(virNetTLSContext *ctx, int fd,
                                      const char *hostname);
void virNetTLSSessionFree(virNetTLSSession *sess);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetTLSSession, virNetTLSSessionFree);

/* One step of the handshake: 0 when done, 1 when it must wait for
 * virNetTLSSessionHandshakeEvents, -1 (reported). */
int virNetTLSSessionHandshake(virNetTLSSession *sess);
bool virNetTLSSessionHandshakeDone(virNetTLSSession *sess);
GIOCondition virNetTLSSessionHandshakeEvents(virNetTLSSession *sess);

/* Checks the peer's certificate after the handshake: chain to our CA
 * (and CRL), validity dates, the host name (client side) and the DN
 * allow-list (server side).  Returns 0 or -1 (reported). */
int virNetTLSSessionCheckPeer(virNetTLSSession *sess);
/* The peer certificate's DN once checked, else NULL. */
const char *virNetTLSSessionGetPeerDN(virNetTLSSession *sess);

/* Client side, on a fresh connection: handshake, check the server, wait
 * for its verdict byte, all within @timeoutMs.  Returns 0 or -1
 * (reported). */
int virNetTLSSessionClientStart(virNetTLSSession *sess, int timeoutMs);

/* As virNetSocketRead/virNetSocketWrite, through the session: bytes
 * done, 0 for would-block, -2 for EOF (read), -1 (reported). */
ssize_t virNetTLSSessionRead(virNetTLSSession *sess, char *buf, size_t len);
ssize_t virNetTLSSessionWrite(virNetTLSSession *sess, const char *buf,
                              size_t len);
/* Tells the peer, if the handshake is done, that we close (a TLS
 * close_notify; best effort, never blocks): a refused libvirt client
 * then says "server verification ... failed" rather than an I/O error. */
void virNetTLSSessionBye(virNetTLSSession *sess);

/* Bytes decrypted and waiting in the session: poll() will not tell. */
size_t virNetTLSSessionPending(virNetTLSSession *sess);
