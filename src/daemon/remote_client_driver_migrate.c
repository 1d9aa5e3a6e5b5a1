/*
 * remote_client_driver_migrate.c: remote client driver entries for
 * migration: the v3 and v2 steps
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table has one entry per step, with VIR_MIGRATE_PARAM_* parameters.
 * Like libvirt.so, v3 steps use the *_PARAMS procedures when the peer
 * supports them (feature 13, probed once per connection) and the
 * positional ones otherwise, which carry only the URI, destination name,
 * destination XML and bandwidth: any other parameter is refused with
 * VIR_ERR_ARGUMENT_UNSUPPORTED rather than dropped.  v2 is positional.
 *
 * Cookies: a cookie the peer sends goes to args->cookieout; a caller that
 * passed no slot gets libvirt's "caller ignores cookieout" error instead.
 * Outputs are written only on success.
 */
#include <config.h>

#include "remote_client_driver_entries.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

VIR_LOG_INIT("daemon.remote_client_driver_migrate");

/* The params and positional forms of a step reply with the same layout,
 * so one reply struct (the params one) serves both. */
G_STATIC_ASSERT(sizeof(remote_domain_migrate_begin3_ret) ==
                sizeof(remote_domain_migrate_begin3_params_ret));
G_STATIC_ASSERT(sizeof(remote_domain_migrate_prepare3_ret) ==
                sizeof(remote_domain_migrate_prepare3_params_ret));
G_STATIC_ASSERT(sizeof(remote_domain_migrate_perform3_ret) ==
                sizeof(remote_domain_migrate_perform3_params_ret));
G_STATIC_ASSERT(sizeof(remote_domain_migrate_finish3_ret) ==
                sizeof(remote_domain_migrate_finish3_params_ret));

/* A v3 call's outgoing parameters in wire form. */
typedef struct {
    remote_typed_param *val;
    u_int len;
    unsigned int flags;     /* the params procedures take 32-bit flags */
} remoteClientMigParams;

/* What the positional procedures can carry. */
typedef struct {
    const char *uri;
    const char *dname;
    const char *xml;
    unsigned long long bandwidth;
} remoteClientMigPositional;


static void
remoteClientMigParamsClear(remoteClientMigParams *p)
{
    u_int i;

    for (i = 0; i < p->len; i++) {
        g_free(p->val[i].field);
        if (p->val[i].value.type == VIR_TYPED_PARAM_STRING)
            g_free(p->val[i].value.remote_typed_param_value_u.s);
    }
    g_free(p->val);
    memset(p, 0, sizeof(*p));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(remoteClientMigParams, remoteClientMigParamsClear);


static int
remoteClientMigParamsInit(remoteClientMigParams *p, const virMigrateArgs *args)
{
    if (args->flags > G_MAXUINT) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unsupported migration flags (0x%1$llx)"), args->flags);
        return -1;
    }
    p->flags = args->flags;
    return remoteSerializeTypedParameters(args->params, args->nparams,
                                          REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                          &p->val, &p->len);
}


/* Picks the parameters the positional procedures carry out of @args;
 * refuses any other one.  The strings are borrowed from @args. */
static int
remoteClientMigToPositional(const virMigrateArgs *args,
                            remoteClientMigPositional *pos)
{
    int i;

    memset(pos, 0, sizeof(*pos));
    for (i = 0; i < args->nparams; i++) {
        const virTypedParameter *p = &args->params[i];
        bool isString = p->type == VIR_TYPED_PARAM_STRING;

        if (STREQ(p->field, VIR_MIGRATE_PARAM_URI) && isString) {
            pos->uri = p->value.s;
        } else if (STREQ(p->field, VIR_MIGRATE_PARAM_DEST_NAME) && isString) {
            pos->dname = p->value.s;
        } else if (STREQ(p->field, VIR_MIGRATE_PARAM_DEST_XML) && isString) {
            pos->xml = p->value.s;
        } else if (STREQ(p->field, VIR_MIGRATE_PARAM_BANDWIDTH) &&
                   p->type == VIR_TYPED_PARAM_ULLONG) {
            pos->bandwidth = p->value.ul;
        } else {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                           _("migration parameter '%1$s' needs a peer that supports migration parameters"),
                           p->field);
            return -1;
        }
    }
    return 0;
}


/* A borrowed optional wire string (the arguments are never freed). */
static remote_string
remoteClientOptString(const char **s)
{
    return *s ? (remote_string)s : NULL;
}


/* Reports a positional argument the protocol requires but @args lacks. */
static int
remoteClientMigRequire(const char *value, const char *param)
{
    if (value)
        return 0;
    virReportError(VIR_ERR_INVALID_ARG,
                   _("migration parameter '%1$s' is required"), param);
    return -1;
}


/* 1 if the peer takes the *_PARAMS procedures, 0 if not, -1 (reported). */
static int
remoteClientMigUseParams(virConn *conn)
{
    remoteClientPriv *priv = conn->privateData;
    int known;

    g_mutex_lock(&priv->lock);
    known = priv->migrateParams;
    g_mutex_unlock(&priv->lock);
    if (known >= 0)
        return known;
    if ((known = remoteClientProbeFeature(conn,
                                          REMOTE_CLIENT_FEATURE_MIGRATION_PARAMS)) < 0)
        return -1;
    g_mutex_lock(&priv->lock);
    priv->migrateParams = known;
    g_mutex_unlock(&priv->lock);
    return known;
}


/* Hands a reply's cookie (steals *@val) to the caller's slot. */
static int
remoteClientMigTakeCookie(virMigrateArgs *args, char **val, u_int len)
{
    if (len > 0 && (!args->cookieout || !args->cookieoutlen)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("caller ignores cookieout or cookieoutlen"));
        return -1;
    }
    if (!args->cookieout || !args->cookieoutlen)
        return 0;
    *args->cookieout = len > 0 ? g_steal_pointer(val) : NULL;
    *args->cookieoutlen = len;
    return 0;
}


/* ---- Begin3 ---- */

static int
remoteClientMigBegin3Call(virConn *conn, const virDomainIdent *dom,
                          virMigrateArgs *args, int useParams,
                          remote_domain_migrate_begin3_params_ret *ret)
{
    g_auto(remoteClientMigParams) p = { 0 };
    remote_domain_migrate_begin3_params_args pa;
    remote_domain_migrate_begin3_args a;
    remoteClientMigPositional pos;

    if (useParams) {
        memset(&pa, 0, sizeof(pa));
        if (remoteClientMigParamsInit(&p, args) < 0)
            return -1;
        remoteClientFillDomain(&pa.dom, dom);
        pa.params.params_val = p.val;
        pa.params.params_len = p.len;
        pa.flags = p.flags;
        return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS,
                                REMOTE_XDR(xdr_remote_domain_migrate_begin3_params_args), &pa,
                                REMOTE_XDR(xdr_remote_domain_migrate_begin3_params_ret), ret);
    }
    if (remoteClientMigToPositional(args, &pos) < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    remoteClientFillDomain(&a.dom, dom);
    a.xmlin = remoteClientOptString(&pos.xml);
    a.flags = args->flags;
    a.dname = remoteClientOptString(&pos.dname);
    a.resource = pos.bandwidth;
    return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3,
                            REMOTE_XDR(xdr_remote_domain_migrate_begin3_args), &a,
                            REMOTE_XDR(xdr_remote_domain_migrate_begin3_ret), ret);
}


/* Entry domainMigrateBegin3 (source side): BEGIN3_PARAMS (302) or BEGIN3
 * (213).  Returns the domain XML for the destination (caller owns it) or
 * NULL (reported). */
char *
remoteClientDomainMigrateBegin3(virConn *conn, const virDomainIdent *dom,
                                virMigrateArgs *args)
{
    remote_domain_migrate_begin3_params_ret ret;
    int useParams = remoteClientMigUseParams(conn);
    char *xml = NULL;

    memset(&ret, 0, sizeof(ret));
    if (useParams < 0 ||
        remoteClientMigBegin3Call(conn, dom, args, useParams, &ret) < 0)
        return NULL;
    if (remoteClientMigTakeCookie(args, &ret.cookie_out.cookie_out_val,
                                  ret.cookie_out.cookie_out_len) == 0)
        xml = g_steal_pointer(&ret.xml);
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_begin3_params_ret), (char *)&ret);
    return xml;
}


/* ---- Prepare3 ---- */

static int
remoteClientMigPrepare3Call(virConn *dconn, virMigrateArgs *args,
                            int useParams,
                            remote_domain_migrate_prepare3_params_ret *ret)
{
    g_auto(remoteClientMigParams) p = { 0 };
    remote_domain_migrate_prepare3_params_args pa;
    remote_domain_migrate_prepare3_args a;
    remoteClientMigPositional pos;

    if (useParams) {
        memset(&pa, 0, sizeof(pa));
        if (remoteClientMigParamsInit(&p, args) < 0)
            return -1;
        pa.params.params_val = p.val;
        pa.params.params_len = p.len;
        pa.cookie_in.cookie_in_val = (char *)args->cookiein;
        pa.cookie_in.cookie_in_len = args->cookieinlen;
        pa.flags = p.flags;
        return remoteClientCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
                                REMOTE_XDR(xdr_remote_domain_migrate_prepare3_params_args), &pa,
                                REMOTE_XDR(xdr_remote_domain_migrate_prepare3_params_ret), ret);
    }
    if (remoteClientMigToPositional(args, &pos) < 0 ||
        remoteClientMigRequire(pos.xml, VIR_MIGRATE_PARAM_DEST_XML) < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.cookie_in.cookie_in_val = (char *)args->cookiein;
    a.cookie_in.cookie_in_len = args->cookieinlen;
    a.uri_in = remoteClientOptString(&pos.uri);
    a.flags = args->flags;
    a.dname = remoteClientOptString(&pos.dname);
    a.resource = pos.bandwidth;
    a.dom_xml = (char *)pos.xml;
    return remoteClientCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3,
                            REMOTE_XDR(xdr_remote_domain_migrate_prepare3_args), &a,
                            REMOTE_XDR(xdr_remote_domain_migrate_prepare3_ret), ret);
}


/* Entry domainMigratePrepare3 (destination side): PREPARE3_PARAMS (303)
 * or PREPARE3 (214).  On success *@uriOut is the URI the peer wants the
 * source to migrate to (NULL if it sent none; caller owns it). */
int
remoteClientDomainMigratePrepare3(virConn *dconn, virMigrateArgs *args,
                                  char **uriOut)
{
    remote_domain_migrate_prepare3_params_ret ret;
    int useParams = remoteClientMigUseParams(dconn);
    int rc;

    memset(&ret, 0, sizeof(ret));
    if (useParams < 0 ||
        remoteClientMigPrepare3Call(dconn, args, useParams, &ret) < 0)
        return -1;
    rc = remoteClientMigTakeCookie(args, &ret.cookie_out.cookie_out_val,
                                   ret.cookie_out.cookie_out_len);
    if (rc == 0)
        *uriOut = ret.uri_out ? g_steal_pointer(ret.uri_out) : NULL;
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_prepare3_params_ret), (char *)&ret);
    return rc;
}


/* ---- PrepareTunnel3 ---- */

/* Entry domainMigratePrepareTunnel3 (destination side):
 * PREPARE_TUNNEL3_PARAMS (304), which opens @st on the peer; a peer
 * without parameters is refused.  Returns 0 or -1 (reported). */
int
remoteClientDomainMigratePrepareTunnel3(virConn *dconn, virStream *st,
                                        virMigrateArgs *args)
{
    remoteClientPriv *priv = dconn->privateData;
    remote_domain_migrate_prepare_tunnel3_params_args pa;
    remote_domain_migrate_prepare_tunnel3_params_ret ret;
    g_auto(remoteClientMigParams) p = { 0 };
    int useParams = remoteClientMigUseParams(dconn);
    unsigned int serial = 0;
    int rc;

    if (useParams < 0)
        return -1;
    if (!useParams) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("tunnelled migration needs a peer that supports migration parameters"));
        return -1;
    }
    memset(&pa, 0, sizeof(pa));
    memset(&ret, 0, sizeof(ret));
    if (remoteClientMigParamsInit(&p, args) < 0)
        return -1;
    pa.params.params_val = p.val;
    pa.params.params_len = p.len;
    pa.cookie_in.cookie_in_val = (char *)args->cookiein;
    pa.cookie_in.cookie_in_len = args->cookieinlen;
    pa.flags = p.flags;
    if (virNetClientCallSerial(priv->client, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
                               REMOTE_PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS,
                               REMOTE_XDR(xdr_remote_domain_migrate_prepare_tunnel3_params_args), &pa,
                               REMOTE_XDR(xdr_remote_domain_migrate_prepare_tunnel3_params_ret), &ret,
                               priv->timeoutMs, &serial) < 0)
        return -1;
    rc = remoteClientMigTakeCookie(args, &ret.cookie_out.cookie_out_val,
                                   ret.cookie_out.cookie_out_len);
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_prepare_tunnel3_params_ret), (char *)&ret);
    if (rc == 0)
        rc = remoteClientStreamBind(dconn, st,
                                    REMOTE_PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS,
                                    serial);
    return rc;
}


/* ---- Perform3 ---- */

static int
remoteClientMigPerform3Call(virConn *conn, const virDomainIdent *dom,
                            virMigrateArgs *args, int useParams,
                            remote_domain_migrate_perform3_params_ret *ret)
{
    g_auto(remoteClientMigParams) p = { 0 };
    remote_domain_migrate_perform3_params_args pa;
    remote_domain_migrate_perform3_args a;
    remoteClientMigPositional pos;

    if (useParams) {
        memset(&pa, 0, sizeof(pa));
        if (remoteClientMigParamsInit(&p, args) < 0)
            return -1;
        remoteClientFillDomain(&pa.dom, dom);
        pa.dconnuri = remoteClientOptString(&args->dconnuri);
        pa.params.params_val = p.val;
        pa.params.params_len = p.len;
        pa.cookie_in.cookie_in_val = (char *)args->cookiein;
        pa.cookie_in.cookie_in_len = args->cookieinlen;
        pa.flags = p.flags;
        return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS,
                                REMOTE_XDR(xdr_remote_domain_migrate_perform3_params_args), &pa,
                                REMOTE_XDR(xdr_remote_domain_migrate_perform3_params_ret), ret);
    }
    if (remoteClientMigToPositional(args, &pos) < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    remoteClientFillDomain(&a.dom, dom);
    a.xmlin = remoteClientOptString(&pos.xml);
    a.cookie_in.cookie_in_val = (char *)args->cookiein;
    a.cookie_in.cookie_in_len = args->cookieinlen;
    a.dconnuri = remoteClientOptString(&args->dconnuri);
    a.uri = remoteClientOptString(&pos.uri);
    a.flags = args->flags;
    a.dname = remoteClientOptString(&pos.dname);
    a.resource = pos.bandwidth;
    return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3,
                            REMOTE_XDR(xdr_remote_domain_migrate_perform3_args), &a,
                            REMOTE_XDR(xdr_remote_domain_migrate_perform3_ret), ret);
}


/* Entry domainMigratePerform3 (source side): PERFORM3_PARAMS (305) or
 * PERFORM3 (216).  Returns 0 or -1 (reported). */
int
remoteClientDomainMigratePerform3(virConn *conn, const virDomainIdent *dom,
                                  virMigrateArgs *args)
{
    remote_domain_migrate_perform3_params_ret ret;
    int useParams = remoteClientMigUseParams(conn);
    int rc;

    memset(&ret, 0, sizeof(ret));
    if (useParams < 0 ||
        remoteClientMigPerform3Call(conn, dom, args, useParams, &ret) < 0)
        return -1;
    rc = remoteClientMigTakeCookie(args, &ret.cookie_out.cookie_out_val,
                                   ret.cookie_out.cookie_out_len);
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_perform3_params_ret), (char *)&ret);
    return rc;
}


/* ---- Finish3 ---- */

static int
remoteClientMigFinish3Call(virConn *dconn, virMigrateArgs *args, int useParams,
                           remote_domain_migrate_finish3_params_ret *ret)
{
    g_auto(remoteClientMigParams) p = { 0 };
    remote_domain_migrate_finish3_params_args pa;
    remote_domain_migrate_finish3_args a;
    remoteClientMigPositional pos;

    if (useParams) {
        memset(&pa, 0, sizeof(pa));
        if (remoteClientMigParamsInit(&p, args) < 0)
            return -1;
        pa.params.params_val = p.val;
        pa.params.params_len = p.len;
        pa.cookie_in.cookie_in_val = (char *)args->cookiein;
        pa.cookie_in.cookie_in_len = args->cookieinlen;
        pa.flags = p.flags;
        pa.cancelled = args->cancelled;
        return remoteClientCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS,
                                REMOTE_XDR(xdr_remote_domain_migrate_finish3_params_args), &pa,
                                REMOTE_XDR(xdr_remote_domain_migrate_finish3_params_ret), ret);
    }
    if (remoteClientMigToPositional(args, &pos) < 0 ||
        remoteClientMigRequire(pos.dname, VIR_MIGRATE_PARAM_DEST_NAME) < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.dname = (char *)pos.dname;
    a.cookie_in.cookie_in_val = (char *)args->cookiein;
    a.cookie_in.cookie_in_len = args->cookieinlen;
    a.dconnuri = remoteClientOptString(&args->dconnuri);
    a.uri = remoteClientOptString(&pos.uri);
    a.flags = args->flags;
    a.cancelled = args->cancelled;
    return remoteClientCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3,
                            REMOTE_XDR(xdr_remote_domain_migrate_finish3_args), &a,
                            REMOTE_XDR(xdr_remote_domain_migrate_finish3_ret), ret);
}


/* Entry domainMigrateFinish3 (destination side): FINISH3_PARAMS (306) or
 * FINISH3 (217).  Returns the migrated domain (caller owns it), or NULL
 * with the peer's error (always so when args->cancelled). */
virDomainIdent *
remoteClientDomainMigrateFinish3(virConn *dconn, virMigrateArgs *args)
{
    remote_domain_migrate_finish3_params_ret ret;
    int useParams = remoteClientMigUseParams(dconn);
    virDomainIdent *dom = NULL;

    memset(&ret, 0, sizeof(ret));
    if (useParams < 0 ||
        remoteClientMigFinish3Call(dconn, args, useParams, &ret) < 0)
        return NULL;
    if (remoteClientMigTakeCookie(args, &ret.cookie_out.cookie_out_val,
                                  ret.cookie_out.cookie_out_len) == 0)
        dom = remoteDomainFromWire(&ret.dom);
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_finish3_params_ret), (char *)&ret);
    return dom;
}


/* ---- Confirm3 ---- */

static int
remoteClientMigConfirm3Call(virConn *conn, const virDomainIdent *dom,
                            virMigrateArgs *args, int useParams)
{
    g_auto(remoteClientMigParams) p = { 0 };
    remote_domain_migrate_confirm3_params_args pa;
    remote_domain_migrate_confirm3_args a;

    if (useParams) {
        memset(&pa, 0, sizeof(pa));
        if (remoteClientMigParamsInit(&p, args) < 0)
            return -1;
        remoteClientFillDomain(&pa.dom, dom);
        pa.params.params_val = p.val;
        pa.params.params_len = p.len;
        pa.cookie_in.cookie_in_val = (char *)args->cookiein;
        pa.cookie_in.cookie_in_len = args->cookieinlen;
        pa.flags = p.flags;
        pa.cancelled = args->cancelled;
        return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS,
                                REMOTE_XDR(xdr_remote_domain_migrate_confirm3_params_args), &pa,
                                NULL, NULL);
    }
    memset(&a, 0, sizeof(a));
    remoteClientFillDomain(&a.dom, dom);
    a.cookie_in.cookie_in_val = (char *)args->cookiein;
    a.cookie_in.cookie_in_len = args->cookieinlen;
    a.flags = args->flags;
    a.cancelled = args->cancelled;
    return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3,
                            REMOTE_XDR(xdr_remote_domain_migrate_confirm3_args), &a,
                            NULL, NULL);
}


/* Entry domainMigrateConfirm3 (source side): CONFIRM3_PARAMS (307) or
 * CONFIRM3 (218).  Returns 0 or -1 (reported). */
int
remoteClientDomainMigrateConfirm3(virConn *conn, const virDomainIdent *dom,
                                  virMigrateArgs *args)
{
    int useParams = remoteClientMigUseParams(conn);

    if (useParams < 0)
        return -1;
    return remoteClientMigConfirm3Call(conn, dom, args, useParams);
}


/* ---- v2 ---- */

/* Entry domainMigratePrepare2 (destination side): PREPARE2 (108); needs
 * the destination XML parameter.  *@uriOut as for Prepare3. */
int
remoteClientDomainMigratePrepare2(virConn *dconn, virMigrateArgs *args,
                                  char **uriOut)
{
    remote_domain_migrate_prepare2_args a;
    remote_domain_migrate_prepare2_ret ret;
    remoteClientMigPositional pos;
    int rc;

    if (remoteClientMigToPositional(args, &pos) < 0 ||
        remoteClientMigRequire(pos.xml, VIR_MIGRATE_PARAM_DEST_XML) < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    memset(&ret, 0, sizeof(ret));
    a.uri_in = remoteClientOptString(&pos.uri);
    a.flags = args->flags;
    a.dname = remoteClientOptString(&pos.dname);
    a.resource = pos.bandwidth;
    a.dom_xml = (char *)pos.xml;
    if (remoteClientCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_PREPARE2,
                         REMOTE_XDR(xdr_remote_domain_migrate_prepare2_args), &a,
                         REMOTE_XDR(xdr_remote_domain_migrate_prepare2_ret), &ret) < 0)
        return -1;
    rc = remoteClientMigTakeCookie(args, &ret.cookie.cookie_val,
                                   ret.cookie.cookie_len);
    if (rc == 0)
        *uriOut = ret.uri_out ? g_steal_pointer(ret.uri_out) : NULL;
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_prepare2_ret), (char *)&ret);
    return rc;
}


/* Entry domainMigratePerform2 (source side): MIGRATE_PERFORM (62); needs
 * the URI parameter. */
int
remoteClientDomainMigratePerform2(virConn *conn, const virDomainIdent *dom,
                                  virMigrateArgs *args)
{
    remote_domain_migrate_perform_args a;
    remoteClientMigPositional pos;

    if (remoteClientMigToPositional(args, &pos) < 0 ||
        remoteClientMigRequire(pos.uri, VIR_MIGRATE_PARAM_URI) < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    remoteClientFillDomain(&a.dom, dom);
    a.cookie.cookie_val = (char *)args->cookiein;
    a.cookie.cookie_len = args->cookieinlen;
    a.uri = (char *)pos.uri;
    a.flags = args->flags;
    a.dname = remoteClientOptString(&pos.dname);
    a.resource = pos.bandwidth;
    return remoteClientCall(conn, REMOTE_PROC_DOMAIN_MIGRATE_PERFORM,
                            REMOTE_XDR(xdr_remote_domain_migrate_perform_args), &a,
                            NULL, NULL);
}


/* Entry domainMigrateFinish2 (destination side): FINISH2 (109), with
 * retcode -1 when args->cancelled; needs the destination name and URI
 * parameters.  Returns the domain (caller owns it) or NULL (reported). */
virDomainIdent *
remoteClientDomainMigrateFinish2(virConn *dconn, virMigrateArgs *args)
{
    remote_domain_migrate_finish2_args a;
    remote_domain_migrate_finish2_ret ret;
    remoteClientMigPositional pos;
    virDomainIdent *dom;

    if (remoteClientMigToPositional(args, &pos) < 0 ||
        remoteClientMigRequire(pos.dname, VIR_MIGRATE_PARAM_DEST_NAME) < 0 ||
        remoteClientMigRequire(pos.uri, VIR_MIGRATE_PARAM_URI) < 0)
        return NULL;
    memset(&a, 0, sizeof(a));
    memset(&ret, 0, sizeof(ret));
    a.dname = (char *)pos.dname;
    a.cookie.cookie_val = (char *)args->cookiein;
    a.cookie.cookie_len = args->cookieinlen;
    a.uri = (char *)pos.uri;
    a.flags = args->flags;
    a.retcode = args->cancelled ? -1 : 0;
    if (remoteClientCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_FINISH2,
                         REMOTE_XDR(xdr_remote_domain_migrate_finish2_args), &a,
                         REMOTE_XDR(xdr_remote_domain_migrate_finish2_ret), &ret) < 0)
        return NULL;
    dom = remoteDomainFromWire(&ret.ddom);
    xdr_free(REMOTE_XDR(xdr_remote_domain_migrate_finish2_ret), (char *)&ret);
    return dom;
}
