/*
 * remote_daemon_dispatch_migrate.c: the migration steps of the remote
 * program: protocol v3 (positional and typed-parameter forms) and v2
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function serves every step, whichever procedure carried it: the
 * generated wrappers move the procedure's arguments and reply slots into
 * a remoteMigrateWire by field name and name the driver entry.  Positional arguments become
 * VIR_MIGRATE_PARAM_* parameters, so the driver has one code path per
 * step; v2 does the same with its own entries (args.protocol 2).
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
    virTypedParamList *params; /* behind args.params */
    char *cookieout;
    int cookieoutlen;
} remoteMigrateCall;


static void
remoteMigrateCallClear(remoteMigrateCall *call)
{
    virTypedParamListFree(call->params);
    g_free(call->cookieout);
    memset(call, 0, sizeof(*call));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(remoteMigrateCall, remoteMigrateCallClear);


/* The typed parameters of the step's arguments @w, or its positional
 * arguments as the parameters libvirt.so would send instead.  Returns
 * NULL (reported) when the wire's parameters are refused. */
static virTypedParamList *
remoteMigrateParams(const remoteMigrateWire *w)
{
    g_autoptr(virTypedParamList) list = NULL;
    virTypedParameterPtr params = NULL;
    int nparams = 0;

    if (w->hasParams) {
        if (remoteDeserializeTypedParameters(w->params, w->nparams,
                                             REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                             &params, &nparams) < 0)
            return NULL;
        list = virTypedParamListNewFromArray(params, nparams);
        virTypedParamArrayFree(params, nparams);
        return g_steal_pointer(&list);
    }
    list = virTypedParamListNew();
    if ((w->xml && virTypedParamListAddString(list, VIR_MIGRATE_PARAM_DEST_XML,
                                              w->xml) < 0) ||
        (w->uri &&
         virTypedParamListAddString(list, VIR_MIGRATE_PARAM_URI, w->uri) < 0) ||
        (w->dname &&
         virTypedParamListAddString(list, VIR_MIGRATE_PARAM_DEST_NAME,
                                    w->dname) < 0) ||
        (w->resource &&
         virTypedParamListAddULLong(list, VIR_MIGRATE_PARAM_BANDWIDTH,
                                    w->resource) < 0))
        return NULL;
    return g_steal_pointer(&list);
}


/* Sets up @call for protocol @protocol from the step's arguments @w:
 * cookie in, flags, cancelled, a cookie-out slot with @wantCookie, and
 * the parameters.  Returns 0 or -1 (reported). */
static int
remoteMigrateCallInit(remoteMigrateCall *call, const remoteMigrateWire *w,
                      int protocol, bool wantCookie)
{
    virMigrateArgs *a = &call->args;

    a->cookiein = w->cookieinlen ? w->cookiein : NULL;
    a->cookieinlen = w->cookieinlen;
    a->flags = w->flags;
    a->protocol = protocol;
    a->cancelled = w->cancelled;
    if (wantCookie) {
        a->cookieout = &call->cookieout;
        a->cookieoutlen = &call->cookieoutlen;
    }
    if (!(call->params = remoteMigrateParams(w)))
        return -1;
    a->params = virTypedParamListGetParams(call->params, &a->nparams);
    return 0;
}


/* Hands the driver's cookie to the reply (the RPC layer frees it). */
static void
remoteMigrateCallTakeCookie(remoteMigrateCall *call, remoteMigrateWire *w)
{
    if (!w->cookieout)
        return;
    *w->cookieout = g_steal_pointer(&call->cookieout);
    *w->cookieoutlen = *w->cookieout ? call->cookieoutlen : 0;
}


/* Puts the URI a Prepare step returned (steals @uri) into the reply. */
static void
remoteMigrateGiveURI(remoteMigrateWire *w, char *uri)
{
    if (!uri)
        return;
    *w->uriout = g_new0(char *, 1);
    **w->uriout = uri;
}


/* PREPARE_TUNNEL3_PARAMS: opens the call's stream; the driver attaches
 * the incoming QEMU to it.  Packets the client sends on it afterwards
 * are written there by the RPC layer (virnetserverstream.c). */
static int
remoteMigratePrepareTunnel(virNetServerClient *client, virConn *conn,
                           virMigrateArgs *args,
                           virDrvDomainMigratePrepareTunnel step)
{
    virStream *st = remoteDaemonStreamNew(client);

    return remoteDaemonStreamEnd(st, step(conn, st, args) >= 0);
}


/* The driver's part of a step: calls the entry of @entry and puts what
 * it returns into the reply.  Returns 0 or -1 (reported). */
static int
remoteMigrateCallDriver(virNetServerClient *client, virConn *conn,
                        remoteMigrateWire *w, virMigrateArgs *args,
                        const remoteMigrateEntry *entry)
{
    g_autoptr(virDomainIdent) dom = NULL;
    g_autoptr(virDomainIdent) arrived = NULL;
    char *uri = NULL;

    if (w->dom)
        dom = remoteDomainFromWire(w->dom);
    if (entry->begin)
        return (*w->xmlout = entry->begin(conn, dom, args)) ? 0 : -1;
    if (entry->onDomain)
        return entry->onDomain(conn, dom, args) < 0 ? -1 : 0;
    if (entry->prepareTunnel)
        return remoteMigratePrepareTunnel(client, conn, args,
                                          entry->prepareTunnel);
    if (entry->finish) {
        if (!(arrived = entry->finish(conn, args)))
            return -1;
        remoteMakeDomain(w->domout, arrived);
        return 0;
    }
    if (entry->prepare(conn, args, &uri) < 0)
        return -1;
    remoteMigrateGiveURI(w, uri);
    return 0;
}


/**
 * remoteMigrateStep:
 * Serves a migration step of @protocol (2 or 3) whose arguments and
 * reply slots the generated wrapper put in @w, calling the driver entry
 * of @entry.  A step hands the driver a cookie-out slot when its reply
 * carries a cookie, but not in v2 (libvirt's rule for QEMU: cookies were
 * too small for old peers) nor to peer-to-peer callers of Perform3
 * (@dconnuri set), which pass no cookie-out buffer.  Returns 0, or -1
 * (reported).
 */
int
remoteMigrateStep(virNetServerClient *client, virConn *conn,
                  remoteMigrateWire *w, int protocol,
                  const remoteMigrateEntry *entry)
{
    g_auto(remoteMigrateCall) call = { 0 };
    bool p2p = entry->onDomain && w->dconnuri && *w->dconnuri;

    if (remoteMigrateCallInit(&call, w, protocol,
                              protocol == 3 && w->cookieout && !p2p) < 0)
        return -1;
    call.args.dconnuri = entry->finish || p2p ? w->dconnuri : NULL;
    if (remoteMigrateCallDriver(client, conn, w, &call.args, entry) < 0)
        return -1;
    remoteMigrateCallTakeCookie(&call, w);
    return 0;
}
