/*
 * remote_daemon_dispatch_migrate.c: handlers of the remote program:
 * migration protocol v3 (positional and typed-parameter forms), protocol
 * v2, and the tuning calls made during a migration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Both v3 families reach the same driver entries: positional arguments
 * become VIR_MIGRATE_PARAM_* parameters here, so the driver has one code
 * path per step.  v2 does the same with its own entries (args.protocol 2).
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.dispatch_migrate");

/* One migration call: the driver's arguments and what they own. */
typedef struct {
    virMigrateArgs args;
    char *cookieout;
    int cookieoutlen;
} remoteMigrateCall;


static void
remoteMigrateCallClear(remoteMigrateCall *call)
{
    virTypedParamArrayFree(call->args.params, call->args.nparams);
    g_free(call->cookieout);
    memset(call, 0, sizeof(*call));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(remoteMigrateCall, remoteMigrateCallClear);


/* Sets up @call with the cookie in, flags and a cookie-out slot. */
static void
remoteMigrateCallInit(remoteMigrateCall *call, const char *cookie,
                      u_int cookieLen, unsigned long long flags,
                      bool wantCookie)
{
    call->args.cookiein = cookieLen ? cookie : NULL;
    call->args.cookieinlen = cookieLen;
    call->args.flags = flags;
    call->args.protocol = 3;
    if (wantCookie) {
        call->args.cookieout = &call->cookieout;
        call->args.cookieoutlen = &call->cookieoutlen;
    }
}


/* A *_PARAMS step: @call from its typed parameters.  Returns 0 or -1
 * (reported). */
static int
remoteMigrateCallParams(remoteMigrateCall *call, const remote_typed_param *val,
                        u_int len)
{
    return remoteDeserializeTypedParameters(val, len,
                                            REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                            &call->args.params,
                                            &call->args.nparams);
}


/* Positional arguments as parameters, as libvirt.so would send them. */
static void
remoteMigrateCallPositional(remoteMigrateCall *call, remote_string xml,
                            remote_string uri, remote_string dname,
                            unsigned long long resource)
{
    virMigrateArgs *a = &call->args;

    if (xml)
        remoteTypedParamsAddString(&a->params, &a->nparams,
                                   VIR_MIGRATE_PARAM_DEST_XML, *xml);
    if (uri)
        remoteTypedParamsAddString(&a->params, &a->nparams,
                                   VIR_MIGRATE_PARAM_URI, *uri);
    if (dname)
        remoteTypedParamsAddString(&a->params, &a->nparams,
                                   VIR_MIGRATE_PARAM_DEST_NAME, *dname);
    if (resource)
        remoteTypedParamsAddULLong(&a->params, &a->nparams,
                                   VIR_MIGRATE_PARAM_BANDWIDTH, resource);
}


/* The reply's cookie: where the step puts what the driver gave. */
typedef struct {
    char **val;
    u_int *len;
} remoteMigrateCookieOut;

/* Hands the driver's cookie to the reply (the RPC layer frees it). */
static void
remoteMigrateCallTakeCookie(remoteMigrateCall *call, remoteMigrateCookieOut out)
{
    *out.val = g_steal_pointer(&call->cookieout);
    *out.len = *out.val ? call->cookieoutlen : 0;
}

#define REMOTE_MIGRATE_COOKIE_OUT(ret) \
    ((remoteMigrateCookieOut){ &(ret)->cookie_out.cookie_out_val, \
                               &(ret)->cookie_out.cookie_out_len })


/* ---- the v3 steps, whichever form their arguments came in ---- */

static int
remoteMigrateBegin(virConn *conn, const remote_nonnull_domain *rdom,
                   remoteMigrateCall *call, char **xml,
                   remoteMigrateCookieOut cookie)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(rdom);

    if (!(*xml = conn->driver->domainMigrateBegin3(conn, dom, &call->args)))
        return -1;
    remoteMigrateCallTakeCookie(call, cookie);
    return 0;
}


static int
remoteMigratePrepare(virConn *conn, remoteMigrateCall *call,
                     remote_string *uriOut, remoteMigrateCookieOut cookie)
{
    char *uri = NULL;

    if (conn->driver->domainMigratePrepare3(conn, &call->args, &uri) < 0)
        return -1;
    if (uri) {
        *uriOut = g_new0(char *, 1);
        **uriOut = uri;
    }
    remoteMigrateCallTakeCookie(call, cookie);
    return 0;
}


/* Peer-to-peer callers (@dconnuri set) pass no cookie-out buffer: the
 * reply carries none. */
static int
remoteMigratePerform(virConn *conn, const remote_nonnull_domain *rdom,
                     remoteMigrateCall *call, remoteMigrateCookieOut cookie)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(rdom);

    if (conn->driver->domainMigratePerform3(conn, dom, &call->args) < 0)
        return -1;
    remoteMigrateCallTakeCookie(call, cookie);
    return 0;
}


static int
remoteMigrateFinish(virConn *conn, remoteMigrateCall *call,
                    remote_nonnull_domain *rdom, remoteMigrateCookieOut cookie)
{
    g_autoptr(virDomainIdent) dom = NULL;

    if (!(dom = conn->driver->domainMigrateFinish3(conn, &call->args)))
        return -1;
    remoteMakeDomain(rdom, dom);
    remoteMigrateCallTakeCookie(call, cookie);
    return 0;
}


static int
remoteMigrateConfirm(virConn *conn, const remote_nonnull_domain *rdom,
                     remoteMigrateCall *call)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(rdom);

    return conn->driver->domainMigrateConfirm3(conn, dom, &call->args);
}


/* ---- the handlers: positional and *_PARAMS forms ---- */

int
remoteDispatchDomainMigrateBegin3(virNetServerClient *client G_GNUC_UNUSED,
                                  virConn *conn,
                                  remote_domain_migrate_begin3_args *args,
                                  remote_domain_migrate_begin3_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, NULL, 0, args->flags, true);
    remoteMigrateCallPositional(&call, args->xmlin, NULL, args->dname,
                                args->resource);
    return remoteMigrateBegin(conn, &args->dom, &call, &ret->xml,
                              REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigrateBegin3Params(virNetServerClient *client G_GNUC_UNUSED,
                                        virConn *conn,
                                        remote_domain_migrate_begin3_params_args *args,
                                        remote_domain_migrate_begin3_params_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, NULL, 0, args->flags, true);
    if (remoteMigrateCallParams(&call, args->params.params_val,
                                args->params.params_len) < 0)
        return -1;
    return remoteMigrateBegin(conn, &args->dom, &call, &ret->xml,
                              REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigratePrepare3(virNetServerClient *client G_GNUC_UNUSED,
                                    virConn *conn,
                                    remote_domain_migrate_prepare3_args *args,
                                    remote_domain_migrate_prepare3_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, true);
    remoteMigrateCallPositional(&call, &args->dom_xml, args->uri_in,
                                args->dname, args->resource);
    return remoteMigratePrepare(conn, &call, &ret->uri_out,
                                REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigratePrepare3Params(virNetServerClient *client G_GNUC_UNUSED,
                                          virConn *conn,
                                          remote_domain_migrate_prepare3_params_args *args,
                                          remote_domain_migrate_prepare3_params_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, true);
    if (remoteMigrateCallParams(&call, args->params.params_val,
                                args->params.params_len) < 0)
        return -1;
    return remoteMigratePrepare(conn, &call, &ret->uri_out,
                                REMOTE_MIGRATE_COOKIE_OUT(ret));
}


/* ---- tunnelled: the data comes on a stream of the Prepare call ---- */

/* PREPARE_TUNNEL3_PARAMS: opens the call's stream; the driver attaches
 * the incoming QEMU to it.  Packets the client sends on it afterwards
 * are written there by the RPC layer (virnetserverstream.c). */
int
remoteDispatchDomainMigratePrepareTunnel3Params(virNetServerClient *client,
                                                virConn *conn,
                                                remote_domain_migrate_prepare_tunnel3_params_args *args,
                                                remote_domain_migrate_prepare_tunnel3_params_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };
    virStream *st;
    int rc;

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, true);
    if (remoteMigrateCallParams(&call, args->params.params_val,
                                args->params.params_len) < 0)
        return -1;
    st = remoteDaemonStreamNew(client);
    rc = conn->driver->domainMigratePrepareTunnel3(conn, st, &call.args);
    if (rc < 0)
        remoteDaemonStreamFail(st);
    remoteDaemonStreamFree(st);
    if (rc < 0)
        return -1;
    remoteMigrateCallTakeCookie(&call, REMOTE_MIGRATE_COOKIE_OUT(ret));
    return 0;
}


int
remoteDispatchDomainMigratePerform3(virNetServerClient *client G_GNUC_UNUSED,
                                    virConn *conn,
                                    remote_domain_migrate_perform3_args *args,
                                    remote_domain_migrate_perform3_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };
    bool p2p = args->dconnuri && *args->dconnuri;

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, !p2p);
    call.args.dconnuri = p2p ? *args->dconnuri : NULL;
    remoteMigrateCallPositional(&call, args->xmlin, args->uri, args->dname,
                                args->resource);
    return remoteMigratePerform(conn, &args->dom, &call,
                                REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigratePerform3Params(virNetServerClient *client G_GNUC_UNUSED,
                                          virConn *conn,
                                          remote_domain_migrate_perform3_params_args *args,
                                          remote_domain_migrate_perform3_params_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };
    bool p2p = args->dconnuri && *args->dconnuri;

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, !p2p);
    call.args.dconnuri = p2p ? *args->dconnuri : NULL;
    if (remoteMigrateCallParams(&call, args->params.params_val,
                                args->params.params_len) < 0)
        return -1;
    return remoteMigratePerform(conn, &args->dom, &call,
                                REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigrateFinish3(virNetServerClient *client G_GNUC_UNUSED,
                                   virConn *conn,
                                   remote_domain_migrate_finish3_args *args,
                                   remote_domain_migrate_finish3_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, true);
    call.args.cancelled = args->cancelled;
    call.args.dconnuri = args->dconnuri ? *args->dconnuri : NULL;
    remoteMigrateCallPositional(&call, NULL, args->uri, &args->dname, 0);
    return remoteMigrateFinish(conn, &call, &ret->dom,
                               REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigrateFinish3Params(virNetServerClient *client G_GNUC_UNUSED,
                                         virConn *conn,
                                         remote_domain_migrate_finish3_params_args *args,
                                         remote_domain_migrate_finish3_params_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, true);
    call.args.cancelled = args->cancelled;
    if (remoteMigrateCallParams(&call, args->params.params_val,
                                args->params.params_len) < 0)
        return -1;
    return remoteMigrateFinish(conn, &call, &ret->dom,
                               REMOTE_MIGRATE_COOKIE_OUT(ret));
}


int
remoteDispatchDomainMigrateConfirm3(virNetServerClient *client G_GNUC_UNUSED,
                                    virConn *conn,
                                    remote_domain_migrate_confirm3_args *args)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, false);
    call.args.cancelled = args->cancelled;
    return remoteMigrateConfirm(conn, &args->dom, &call);
}


int
remoteDispatchDomainMigrateConfirm3Params(virNetServerClient *client G_GNUC_UNUSED,
                                          virConn *conn,
                                          remote_domain_migrate_confirm3_params_args *args)
{
    g_auto(remoteMigrateCall) call = { 0 };

    remoteMigrateCallInit(&call, args->cookie_in.cookie_in_val,
                          args->cookie_in.cookie_in_len, args->flags, false);
    call.args.cancelled = args->cancelled;
    if (remoteMigrateCallParams(&call, args->params.params_val,
                                args->params.params_len) < 0)
        return -1;
    return remoteMigrateConfirm(conn, &args->dom, &call);
}


/* ---- v2: Prepare2, Perform, Finish2 (rpc-facts 6.2) ----
 *
 * No cookies flow in v2 for QEMU (libvirt's rule: they were too small for
 * old peers), so Prepare2 returns none and whatever comes in is handed
 * over as it is. */

int
remoteDispatchDomainMigratePrepare2(virNetServerClient *client G_GNUC_UNUSED,
                                    virConn *conn,
                                    remote_domain_migrate_prepare2_args *args,
                                    remote_domain_migrate_prepare2_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };
    char *uri = NULL;

    remoteMigrateCallInit(&call, NULL, 0, args->flags, false);
    call.args.protocol = 2;
    remoteMigrateCallPositional(&call, &args->dom_xml, args->uri_in,
                                args->dname, args->resource);
    if (conn->driver->domainMigratePrepare2(conn, &call.args, &uri) < 0)
        return -1;
    if (uri) {
        ret->uri_out = g_new0(char *, 1);
        *ret->uri_out = uri;
    }
    return 0;
}


int
remoteDispatchDomainMigratePerform(virNetServerClient *client G_GNUC_UNUSED,
                                   virConn *conn,
                                   remote_domain_migrate_perform_args *args)
{
    g_auto(remoteMigrateCall) call = { 0 };
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    remote_string uri = &args->uri;

    remoteMigrateCallInit(&call, args->cookie.cookie_val,
                          args->cookie.cookie_len, args->flags, false);
    call.args.protocol = 2;
    remoteMigrateCallPositional(&call, NULL, uri, args->dname, args->resource);
    return conn->driver->domainMigratePerform2(conn, dom, &call.args);
}


int
remoteDispatchDomainMigrateFinish2(virNetServerClient *client G_GNUC_UNUSED,
                                   virConn *conn,
                                   remote_domain_migrate_finish2_args *args,
                                   remote_domain_migrate_finish2_ret *ret)
{
    g_auto(remoteMigrateCall) call = { 0 };
    remote_string dname = &args->dname;
    remote_string uri = &args->uri;
    virDomainIdent *dom;

    remoteMigrateCallInit(&call, args->cookie.cookie_val,
                          args->cookie.cookie_len, args->flags, false);
    call.args.protocol = 2;
    call.args.cancelled = args->retcode != 0;
    remoteMigrateCallPositional(&call, NULL, uri, dname, 0);
    if (!(dom = conn->driver->domainMigrateFinish2(conn, &call.args)))
        return -1;
    remoteMakeDomain(&ret->ddom, dom);
    virDomainIdentFree(dom);
    return 0;
}
