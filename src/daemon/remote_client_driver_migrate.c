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
 * The entries, their procedures' calls (moving a remoteMigrateWire to
 * and from the procedure's structs) and a table row per step saying
 * which calls serve it are generated from the .x; here is what each
 * kind of step does with them.
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

/* One step's call: the wire view of the caller's arguments and the
 * storage behind it, then the reply's parts until they are handed on. */
typedef struct {
    remoteMigrateWire w;
    remote_nonnull_domain dom;
    char *cookieout;
    u_int cookieoutlen;
    char *xml;
    remote_string uri;
    remote_nonnull_domain ddom;
} remoteClientMig;


static void
remoteClientMigClear(remoteClientMig *m)
{
    remoteTypedParamsFreeWire(m->w.params, m->w.nparams);
    g_free(m->cookieout);
    g_free(m->xml);
    if (m->uri)
        g_free(*m->uri);
    g_free(m->uri);
    g_free(m->ddom.name);
    memset(m, 0, sizeof(*m));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(remoteClientMig, remoteClientMigClear);


/* Picks the parameters the positional procedures carry out of @args
 * into @w (borrowed from @args); refuses any other one. */
static int
remoteClientMigToPositional(const virMigrateArgs *args, remoteMigrateWire *w)
{
    int i;

    for (i = 0; i < args->nparams; i++) {
        const virTypedParameter *p = &args->params[i];
        bool isString = p->type == VIR_TYPED_PARAM_STRING;

        if (STREQ(p->field, VIR_MIGRATE_PARAM_URI) && isString) {
            w->uri = p->value.s;
        } else if (STREQ(p->field, VIR_MIGRATE_PARAM_DEST_NAME) && isString) {
            w->dname = p->value.s;
        } else if (STREQ(p->field, VIR_MIGRATE_PARAM_DEST_XML) && isString) {
            w->xml = p->value.s;
        } else if (STREQ(p->field, VIR_MIGRATE_PARAM_BANDWIDTH) &&
                   p->type == VIR_TYPED_PARAM_ULLONG) {
            w->resource = p->value.ul;
        } else {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                           _("migration parameter '%1$s' needs a peer that supports migration parameters"),
                           p->field);
            return -1;
        }
    }
    return 0;
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


/* The positional arguments of @needs all present in @w?  Returns 0 or
 * -1 (reported). */
static int
remoteClientMigCheckNeeds(const remoteMigrateWire *w, unsigned int needs)
{
    if (((needs & REMOTE_CLIENT_MIG_NEEDS_XML) &&
         remoteClientMigRequire(w->xml, VIR_MIGRATE_PARAM_DEST_XML) < 0) ||
        ((needs & REMOTE_CLIENT_MIG_NEEDS_DNAME) &&
         remoteClientMigRequire(w->dname, VIR_MIGRATE_PARAM_DEST_NAME) < 0) ||
        ((needs & REMOTE_CLIENT_MIG_NEEDS_URI) &&
         remoteClientMigRequire(w->uri, VIR_MIGRATE_PARAM_URI) < 0))
        return -1;
    return 0;
}


/* Sets up @m for a step of @args on @dom (NULL for the destination's
 * steps): the typed parameters with @useParams, else the positional
 * arguments.  Returns 0 or -1 (reported). */
static int
remoteClientMigInit(remoteClientMig *m, const virDomainIdent *dom,
                    const virMigrateArgs *args, bool useParams)
{
    remoteMigrateWire *w = &m->w;

    if (dom) {
        remoteClientFillDomain(&m->dom, dom);
        w->dom = &m->dom;
    }
    w->cookiein = (char *)args->cookiein;
    w->cookieinlen = args->cookieinlen;
    w->dconnuri = (char *)args->dconnuri;
    w->flags = args->flags;
    w->cancelled = args->cancelled;
    w->cookieout = &m->cookieout;
    w->cookieoutlen = &m->cookieoutlen;
    w->xmlout = &m->xml;
    w->uriout = &m->uri;
    w->domout = &m->ddom;
    if (!useParams)
        return remoteClientMigToPositional(args, w);
    /* the params procedures take 32-bit flags */
    if (args->flags > G_MAXUINT) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unsupported migration flags (0x%1$llx)"), args->flags);
        return -1;
    }
    w->hasParams = true;
    return remoteSerializeTypedParameters(args->params, args->nparams,
                                          REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                          &w->params, &w->nparams);
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


/* Hands the reply's cookie (taken from @m) to the caller's slot. */
static int
remoteClientMigTakeCookie(virMigrateArgs *args, remoteClientMig *m)
{
    if (m->cookieoutlen > 0 && (!args->cookieout || !args->cookieoutlen)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("caller ignores cookieout or cookieoutlen"));
        return -1;
    }
    if (!args->cookieout || !args->cookieoutlen)
        return 0;
    *args->cookieout = m->cookieoutlen > 0 ? g_steal_pointer(&m->cookieout)
                                           : NULL;
    *args->cookieoutlen = m->cookieoutlen;
    return 0;
}


/**
 * remoteClientMigRun:
 * Makes the call of @step for @args on @dom (NULL for the destination's
 * steps) over @conn: the *_PARAMS procedure when the peer takes it, the
 * positional one otherwise.  On success the reply's parts are in @m and
 * its cookie is the caller's.  Returns 0 or -1 (reported).
 */
static int
remoteClientMigRun(virConn *conn, const remoteClientMigStep *step,
                   remoteClientMig *m, const virDomainIdent *dom,
                   virMigrateArgs *args)
{
    int useParams = step->withParams ? remoteClientMigUseParams(conn) : 0;

    if (useParams < 0)
        return -1;
    if (!useParams && !step->positional) {
        /* only the tunnelled Prepare has no positional form */
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("tunnelled migration needs a peer that supports migration parameters"));
        return -1;
    }
    if (remoteClientMigInit(m, dom, args, useParams) < 0 ||
        (!useParams && remoteClientMigCheckNeeds(&m->w, step->needs) < 0) ||
        (useParams ? step->withParams : step->positional)(conn, &m->w) < 0)
        return -1;
    return step->cookie ? remoteClientMigTakeCookie(args, m) : 0;
}


/* ---- the kinds of step (remote_client_driver_entries.h) ----
 *
 * The generated entries call these with their step's table row. */

/* Begin3: the domain XML for the destination (caller owns it). */
char *
remoteClientMigBegin(virConn *conn, const virDomainIdent *dom,
                     virMigrateArgs *args, const remoteClientMigStep *step)
{
    g_auto(remoteClientMig) m = { 0 };

    if (remoteClientMigRun(conn, step, &m, dom, args) < 0)
        return NULL;
    return g_steal_pointer(&m.xml);
}


/* Prepare3 and Prepare2: on success *@uriOut is the URI the peer wants
 * the source to migrate to (NULL if it sent none; caller owns it). */
int
remoteClientMigPrepare(virConn *dconn, virMigrateArgs *args, char **uriOut,
                       const remoteClientMigStep *step)
{
    g_auto(remoteClientMig) m = { 0 };

    if (remoteClientMigRun(dconn, step, &m, NULL, args) < 0)
        return -1;
    *uriOut = m.uri ? g_steal_pointer(m.uri) : NULL;
    return 0;
}


/* PrepareTunnel3: PREPARE_TUNNEL3_PARAMS, which opens @st on the peer; a
 * peer without parameters is refused. */
int
remoteClientMigPrepareTunnel(virConn *dconn, virStream *st,
                             virMigrateArgs *args,
                             const remoteClientMigStep *step)
{
    g_auto(remoteClientMig) m = { 0 };

    if (remoteClientMigRun(dconn, step, &m, NULL, args) < 0)
        return -1;
    return remoteClientStreamBind(dconn, st,
                                  REMOTE_PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS,
                                  m.w.serial);
}


/* Perform3, Confirm3 and Perform2: a step with nothing to return. */
int
remoteClientMigOnDomain(virConn *conn, const virDomainIdent *dom,
                        virMigrateArgs *args, const remoteClientMigStep *step)
{
    g_auto(remoteClientMig) m = { 0 };

    return remoteClientMigRun(conn, step, &m, dom, args);
}


/* Finish3 and Finish2: the migrated domain (caller owns it), or NULL
 * with the peer's error (always so when args->cancelled). */
virDomainIdent *
remoteClientMigFinish(virConn *dconn, virMigrateArgs *args,
                      const remoteClientMigStep *step)
{
    g_auto(remoteClientMig) m = { 0 };

    if (remoteClientMigRun(dconn, step, &m, NULL, args) < 0)
        return NULL;
    return remoteDomainFromWire(&m.ddom);
}
