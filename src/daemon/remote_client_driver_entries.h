/*
 * remote_client_driver_entries.h: what the files of the remote client
 * driver share: the connection's private data, the call helpers and the
 * hand-written table entries defined outside remote_client_driver.c (the
 * simple ones are generated from the .x: remote_client_stubs.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only remote_client_driver*.c include this.
 */
#pragma once

#include "remote_client_driver.h"
#include "remote_daemon_dispatch.h"
#include "remote_protocol.h"
#include "virnetclient.h"

#define REMOTE_XDR(f) ((xdrproc_t)(f))

/* virDrvFeature numbers we use (libvirt's src/libvirt_internal.h). */
enum {
    REMOTE_CLIENT_FEATURE_REMOTE = 2,
    REMOTE_CLIENT_FEATURE_PROGRAM_KEEPALIVE = 10,
    REMOTE_CLIENT_FEATURE_MIGRATION_PARAMS = 13,
    REMOTE_CLIENT_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    REMOTE_CLIENT_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
};

typedef struct {
    virNetClient *client;
    int timeoutMs;          /* per call; -1 when keepalive bounds it */
    bool keepalive;         /* the peer does keepalive (feature 10) */
    bool eventCallback;     /* the peer does callback-ID events (14) */
    bool closeCallback;     /* we registered a close callback (360) */
    GMutex lock;            /* protects what follows */
    char *type;             /* connectGetType's answer, once known */
    int migrateParams;      /* feature 13: -1 until probed, then 0 or 1 */
} remoteClientPriv;

/* ---- helpers (remote_client_driver.c) ---- */

int remoteClientCall(virConn *conn, int proc, xdrproc_t argsFilter,
                     void *args, xdrproc_t retFilter, void *ret);
int remoteClientCallSerial(virConn *conn, int proc, xdrproc_t argsFilter,
                           void *args, xdrproc_t retFilter, void *ret,
                           unsigned int *serial);
int remoteClientProbeFeature(virConn *conn, int feature);
void remoteClientFillDomain(remote_nonnull_domain *dst,
                            const virDomainIdent *src);

/* ---- information and jobs (remote_client_driver_domain.c) ---- */

int remoteClientDomainGetJobStats(virConn *conn, const virDomainIdent *dom,
                                  int *type, virTypedParameterPtr *params,
                                  int *nparams, unsigned int flags);
int remoteClientDomainAbortJobFlags(virConn *conn, const virDomainIdent *dom,
                                    unsigned int flags);

/* ---- streams (remote_client_driver_stream.c) ---- */

virStream *remoteClientConnectStreamNew(virConn *conn);
int remoteClientStreamBind(virConn *conn, virStream *st, int proc,
                           unsigned int serial);

/* ---- migration (remote_client_driver_migrate.c) ---- */

/* The call of one procedure of a step (generated from the .x). */
typedef int (*remoteClientMigCall)(virConn *conn, remoteMigrateWire *w);

/* Positional arguments a step's positional procedure cannot do without. */
typedef enum {
    REMOTE_CLIENT_MIG_NEEDS_XML = 1 << 0,
    REMOTE_CLIENT_MIG_NEEDS_URI = 1 << 1,
    REMOTE_CLIENT_MIG_NEEDS_DNAME = 1 << 2,
} remoteClientMigNeeds;

/* How a step travels (one generated row per step). */
typedef struct {
    remoteClientMigCall withParams;     /* NULL: positional only (v2) */
    remoteClientMigCall positional;     /* NULL: parameters only */
    unsigned int needs;                 /* remoteClientMigNeeds */
    bool cookie;                        /* the reply carries a cookie */
} remoteClientMigStep;

/* The kinds of step the generated entries call. */
char *remoteClientMigBegin(virConn *conn, const virDomainIdent *dom,
                           virMigrateArgs *args,
                           const remoteClientMigStep *step);
int remoteClientMigPrepare(virConn *dconn, virMigrateArgs *args,
                           char **uriOut, const remoteClientMigStep *step);
int remoteClientMigPrepareTunnel(virConn *dconn, virStream *st,
                                 virMigrateArgs *args,
                                 const remoteClientMigStep *step);
int remoteClientMigOnDomain(virConn *conn, const virDomainIdent *dom,
                            virMigrateArgs *args,
                            const remoteClientMigStep *step);
virDomainIdent *remoteClientMigFinish(virConn *dconn, virMigrateArgs *args,
                                      const remoteClientMigStep *step);
