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

char *remoteClientDomainMigrateBegin3(virConn *conn, const virDomainIdent *dom,
                                      virMigrateArgs *args);
int remoteClientDomainMigratePrepare3(virConn *dconn, virMigrateArgs *args,
                                      char **uriOut);
int remoteClientDomainMigratePrepareTunnel3(virConn *dconn, virStream *st,
                                            virMigrateArgs *args);
int remoteClientDomainMigratePerform3(virConn *conn, const virDomainIdent *dom,
                                      virMigrateArgs *args);
virDomainIdent *remoteClientDomainMigrateFinish3(virConn *dconn,
                                                 virMigrateArgs *args);
int remoteClientDomainMigrateConfirm3(virConn *conn, const virDomainIdent *dom,
                                      virMigrateArgs *args);
int remoteClientDomainMigratePrepare2(virConn *dconn, virMigrateArgs *args,
                                      char **uriOut);
int remoteClientDomainMigratePerform2(virConn *conn, const virDomainIdent *dom,
                                      virMigrateArgs *args);
virDomainIdent *remoteClientDomainMigrateFinish2(virConn *dconn,
                                                 virMigrateArgs *args);
