/*
 * remote_daemon_dispatch.c: handlers of the remote program: connection,
 * host and domain lookup procedures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each handler turns its XDR arguments into one call through the
 * connection's driver table and its result into the XDR reply.  Access
 * (read-only, before-open) was checked by the RPC layer from the table,
 * and the driver's entry (@entry in the .x) by the generated wrapper;
 * the simple procedures are generated whole (@generate).  Strings put
 * into replies are heap copies: the RPC layer frees them.
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.dispatch");

/* The libvirt release whose protocol and behaviour we implement. */
#define REMOTE_LIB_VERSION 9000000

#include "remote_dispatch.h"

const virNetServerProgramProc *
remoteGetProcs(size_t *nprocs)
{
    *nprocs = REMOTE_NPROCS;
    return remoteProcs;
}


/* The client's open connection (the RPC layer guarantees it is open). */
virConn *
remoteGetConn(virNetServerClient *client)
{
    remoteClientPrivate *priv = remoteClientGetPrivate(client);
    virConn *conn;

    g_mutex_lock(&priv->lock);
    conn = priv->conn;
    g_mutex_unlock(&priv->lock);
    if (!conn)
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("hypervisor connection not open"));
    return conn;
}


void
remoteReportNoSupport(const char *api)
{
    virReportError(VIR_ERR_NO_SUPPORT, "%s", api);
}


int
remoteCheckListMax(int max, int limit)
{
    if (max < 0 || max > limit) {
        virReportError(VIR_ERR_RPC, _("maximum of %1$d exceeds the limit %2$d"),
                       max, limit);
        return -1;
    }
    return 0;
}


int
remoteCheckCount(const char *what, long long value, long long max)
{
    if (value < 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("%1$s must not be negative"),
                       what);
        return -1;
    }
    if (value > max) {
        virReportError(VIR_ERR_RPC, _("%1$s too large"), what);
        return -1;
    }
    return 0;
}


/* ---- handshake ---- */

int
remoteDispatchAuthList(virNetServerClient *client G_GNUC_UNUSED,
                       remote_auth_list_ret *ret)
{
    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = REMOTE_AUTH_NONE;
    return 0;
}


int
remoteDispatchConnectSupportsFeature(virNetServerClient *client,
                                     remote_connect_supports_feature_args *args,
                                     remote_connect_supports_feature_ret *ret)
{
    virConn *conn = NULL;
    int rc;

    switch (args->feature) {
    case VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: /* the daemon's, even before open */
        virNetServerClientEnableKeepalive(client);
        ret->supported = 1;
        return 0;
    case VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK:
    case VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK:
    /* replies carry descriptors (openGraphicsFD); a call that passes
     * some is refused with its own error (virNetServerDispatch) */
    case VIR_DRV_FEATURE_FD_PASSING:
        ret->supported = 1;
        return 0;
    }
    if (virNetServerClientIsOpen(client))
        conn = remoteGetConn(client);
    if (!conn || !conn->driver->connectSupportsFeature) {
        ret->supported = 0;
        return 0;
    }
    if ((rc = conn->driver->connectSupportsFeature(conn, args->feature)) < 0)
        return -1;
    ret->supported = rc;
    return 0;
}


/* Whether @name (a client URI such as "qemu:///system") is ours. */
static bool
remoteURIMatchesDriver(const virHypervisorDriver *drv, const char *name)
{
    size_t i;

    for (i = 0; drv->uriSchemes && drv->uriSchemes[i]; i++) {
        size_t len = strlen(drv->uriSchemes[i]);
        if (STREQLEN(name, drv->uriSchemes[i], len) &&
            (name[len] == ':' || name[len] == '+'))
            return true;
    }
    return false;
}


int
remoteDispatchConnectOpen(virNetServerClient *client,
                          remote_connect_open_args *args)
{
    remoteClientPrivate *priv = remoteClientGetPrivate(client);
    const virHypervisorDriver *drv = remoteDaemon->driver;
    const char *name = args->name && *args->name && **args->name ?
        *args->name : "qemu:///system";
    g_autofree virConn *conn = NULL;

    if (virNetServerClientIsOpen(client)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("connection already open"));
        return -1;
    }
    if (!remoteURIMatchesDriver(drv, name)) {
        virReportError(VIR_ERR_NO_CONNECT, _("no connection driver available for %1$s"),
                       name);
        return -1;
    }
    conn = g_new0(virConn, 1);
    conn->driver = drv;
    conn->uri = g_strdup(name);
    conn->readonly = (args->flags & VIR_CONNECT_RO) ||
        virNetServerClientGetReadonly(client);
    if (drv->connectOpen && drv->connectOpen(conn, args->flags) < 0) {
        g_free(conn->uri);
        return -1;
    }
    if (conn->readonly)
        virNetServerClientSetReadonly(client);

    g_mutex_lock(&priv->lock);
    priv->conn = g_steal_pointer(&conn);
    g_mutex_unlock(&priv->lock);
    virNetServerClientSetOpen(client);
    VIR_DEBUG("client=%llu opened %s", virNetServerClientGetID(client), name);
    return 0;
}


int
remoteDispatchConnectClose(virNetServerClient *client)
{
    /* The driver connection goes with the client's last reference, once
     * every call still running on it has finished. */
    virNetServerClientDelayedClose(client);
    return 0;
}


/* Whether @client is sent CONNECT_EVENT_CONNECTION_CLOSED. */
static int
remoteSetCloseCallback(virNetServerClient *client, bool wanted)
{
    remoteClientPrivate *priv = remoteClientGetPrivate(client);

    g_mutex_lock(&priv->lock);
    priv->closeCallback = wanted;
    g_mutex_unlock(&priv->lock);
    return 0;
}


int
remoteDispatchConnectRegisterCloseCallback(virNetServerClient *client,
                                           virConn *conn G_GNUC_UNUSED)
{
    return remoteSetCloseCallback(client, true);
}


int
remoteDispatchConnectUnregisterCloseCallback(virNetServerClient *client,
                                             virConn *conn G_GNUC_UNUSED)
{
    return remoteSetCloseCallback(client, false);
}


/* ---- host ---- */

int
remoteDispatchConnectGetType(virNetServerClient *client G_GNUC_UNUSED,
                             virConn *conn,
                             remote_connect_get_type_ret *ret)
{
    ret->type = g_strdup(conn->driver->connectGetType ?
                         conn->driver->connectGetType(conn) :
                         conn->driver->name);
    return 0;
}


int
remoteDispatchConnectGetLibVersion(virNetServerClient *client G_GNUC_UNUSED,
                                   virConn *conn G_GNUC_UNUSED,
                                   remote_connect_get_lib_version_ret *ret)
{
    ret->lib_ver = REMOTE_LIB_VERSION;
    return 0;
}


int
remoteDispatchConnectGetUri(virNetServerClient *client G_GNUC_UNUSED,
                            virConn *conn,
                            remote_connect_get_uri_ret *ret)
{
    ret->uri = g_strdup(conn->uri);
    return 0;
}


int
remoteDispatchNodeGetSecurityModel(virNetServerClient *client G_GNUC_UNUSED,
                                   virConn *conn G_GNUC_UNUSED,
                                   remote_node_get_security_model_ret *ret)
{
    /* No security driver: empty model and DOI, as libvirt with "none". */
    ret->model.model_len = 0;
    ret->doi.doi_len = 0;
    return 0;
}


int
remoteDispatchConnectIsSecure(virNetServerClient *client,
                              virConn *conn G_GNUC_UNUSED,
                              remote_connect_is_secure_ret *ret)
{
    /* A local unix socket is as safe as it gets, TLS too; plain TCP is
     * not. */
    ret->secure = virNetServerClientIsSecure(client) ? 1 : 0;
    return 0;
}


/* ---- CPU baselines (issue 16) ---- */

int
remoteDispatchConnectBaselineCpu(virNetServerClient *client G_GNUC_UNUSED,
                                 virConn *conn,
                                 remote_connect_baseline_cpu_args *args,
                                 remote_connect_baseline_cpu_ret *ret)
{
    ret->cpu = conn->driver->connectBaselineCPU(conn,
                                                (const char **)
                                                    args->xmlCPUs.xmlCPUs_val,
                                                args->xmlCPUs.xmlCPUs_len,
                                                args->flags);
    return ret->cpu ? 0 : -1;
}


int
remoteDispatchConnectBaselineHypervisorCpu(
    virNetServerClient *client G_GNUC_UNUSED, virConn *conn,
    remote_connect_baseline_hypervisor_cpu_args *args,
    remote_connect_baseline_hypervisor_cpu_ret *ret)
{
    ret->cpu = conn->driver
                   ->connectBaselineHypervisorCPU(conn,
                                                  args->emulator
                                                      ? *args->emulator
                                                      : NULL,
                                                  args->arch ? *args->arch
                                                             : NULL,
                                                  args->machine ? *args->machine
                                                                : NULL,
                                                  args->virttype
                                                      ? *args->virttype
                                                      : NULL,
                                                  (const char **)
                                                      args->xmlCPUs.xmlCPUs_val,
                                                  args->xmlCPUs.xmlCPUs_len,
                                                  args->flags);
    return ret->cpu ? 0 : -1;
}
