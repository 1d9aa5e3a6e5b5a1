/*
 * qemu_migration_p2p.c: peer-to-peer migration, the source daemon
 * driving the destination's daemon itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With VIR_MIGRATE_PEER2PEER the client makes one call, Perform, on the
 * source.  This daemon then opens the destination URI itself (through
 * qemu_driver->peerOpen: the remote client driver of the daemon, so this
 * file sees only a virConn and its driver table) and runs the protocol
 * the client would have run: Begin3, Prepare3, Perform3, Finish3 and
 * Confirm3 with parameters, the positional v3 procedures against a peer
 * without parameters (the remote client driver picks them), or Prepare2,
 * Perform and Finish2 against a peer without v3.  The local steps are the
 * very functions the client-managed steps run, with no client connection
 * to watch: a client that leaves does not stop a peer-to-peer migration
 * (libvirt's rule), domjobabort does.  The destination's connection has
 * keepalive; its loss during the transfer cancels it
 * (qemuMigrationSrcTransfer), and the guest runs on here.
 */
#include <config.h>

#include "qemu_migration_p2p.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_migration.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_p2p");

/* One peer-to-peer migration: what flows from one step to the next. */
typedef struct {
    virDomainObj *vm;               /* locked, except during peer calls */
    virConn *dconn;                 /* the destination's daemon */
    virStream *stream;              /* tunnelled: the data's, on @dconn */
    const char *dconnuri;
    unsigned long long flags;       /* the local steps' */
    unsigned long long destFlags;   /* the destination's steps' */
    virTypedParamList *params;      /* the client's, then the steps' */
    int protocol;                   /* 3, or 2 against a v2-only peer */
    unsigned long long jobId;       /* the MIGRATION_OUT job Begin started */
    char *cookie;                   /* the last step's cookie */
    int cookielen;
    char *cookieout;                /* the running step's */
    int cookieoutlen;
} qemuMigrationP2P;


static void
qemuMigrationP2PClear(qemuMigrationP2P *p2p)
{
    virTypedParamListFree(p2p->params);
    g_free(p2p->cookie);
    g_free(p2p->cookieout);
    memset(p2p, 0, sizeof(*p2p));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuMigrationP2P, qemuMigrationP2PClear);


/**
 * qemuMigrationP2PRequested:
 * True if a Perform step asks for peer-to-peer migration (libvirt's test:
 * the flags, not the presence of a destination URI).
 */
bool
qemuMigrationP2PRequested(unsigned long long flags)
{
    return flags & (VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED);
}


/* What a peer-to-peer Perform cannot do beyond the flag rules of
 * qemuMigrationArgsParse: go nowhere, or, tunnelled, be given addresses
 * of the destination (QEMU sends to none).  Returns 0 or -1 (reported). */
static int
qemuMigrationP2PCheck(const qemuMigrationArgs *args)
{
    const char *given = NULL;

    if (!args->dconnuri || !*args->dconnuri) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("peer-to-peer migration needs the destination's connection URI"));
        return -1;
    }
    if (!(args->flags & VIR_MIGRATE_TUNNELLED))
        return 0;
    if (args->uri)
        given = VIR_MIGRATE_PARAM_URI;
    else if (args->listenAddress)
        given = VIR_MIGRATE_PARAM_LISTEN_ADDRESS;
    else if (args->disksPort)
        given = VIR_MIGRATE_PARAM_DISKS_PORT;
    else if (args->disksURI)
        given = VIR_MIGRATE_PARAM_DISKS_URI;
    if (!given)
        return 0;
    virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                   _("migration parameter '%1$s' is not supported by tunnelled migration"),
                   given);
    return -1;
}


/* Sets @p2p up from the Perform step's @args. */
static void
qemuMigrationP2PInit(qemuMigrationP2P *p2p, virDomainObj *vm,
                     const qemuMigrationArgs *args)
{
    p2p->vm = vm;
    p2p->dconnuri = args->dconnuri;
    /* one job spans every local step, as with a client's change
     * protection; the destination never sees these flags (an older one
     * refuses change protection) */
    p2p->flags = args->flags | VIR_MIGRATE_CHANGE_PROTECTION;
    p2p->destFlags = args->flags & ~(VIR_MIGRATE_CHANGE_PROTECTION |
                                     VIR_MIGRATE_ABORT_ON_ERROR |
                                     VIR_MIGRATE_AUTO_CONVERGE);
    p2p->params = virTypedParamListNewFromArray(args->params, args->nparams);
}


/* The arguments of one step, local (@local) or the destination's: the
 * current parameters, the previous step's cookie in, a cookie slot out. */
static void
qemuMigrationP2PArgs(qemuMigrationP2P *p2p, virMigrateArgs *args, bool local)
{
    int nparams = 0;

    memset(args, 0, sizeof(*args));
    args->params = virTypedParamListGetParams(p2p->params, &nparams);
    args->nparams = nparams;
    args->cookiein = p2p->cookie;
    args->cookieinlen = p2p->cookielen;
    g_clear_pointer(&p2p->cookieout, g_free);
    p2p->cookieoutlen = 0;
    args->cookieout = &p2p->cookieout;
    args->cookieoutlen = &p2p->cookieoutlen;
    args->flags = local ? p2p->flags : p2p->destFlags;
    args->protocol = p2p->protocol;
    args->dconn = local ? p2p->dconn : NULL;
    args->stream = local ? p2p->stream : NULL;
}


/* The step that ran passes its cookie on to the next one. */
static void
qemuMigrationP2PNextCookie(qemuMigrationP2P *p2p)
{
    g_free(p2p->cookie);
    p2p->cookie = g_steal_pointer(&p2p->cookieout);
    p2p->cookielen = p2p->cookie ? p2p->cookieoutlen : 0;
    p2p->cookieoutlen = 0;
}


/* Opens the destination URI with keepalive (@vm unlocked meanwhile).
 * Returns the connection or NULL (reported). */
static virConn *
qemuMigrationP2POpen(virDomainObj *vm, const char *dconnuri)
{
    virQEMUDriverConfig *cfg = qemu_driver->cfg;
    virConn *dconn;

    if (!qemu_driver->peerOpen) {
        virReportError(VIR_ERR_NO_SUPPORT, "%s",
                       _("this daemon cannot connect to a peer daemon"));
        return NULL;
    }
    qemuDomainObjEnterRemote(vm);
    dconn = qemu_driver->peerOpen(dconnuri, 0);
    if (dconn && dconn->driver->connectSetKeepAlive &&
        dconn->driver->connectSetKeepAlive(dconn, cfg->migrationKeepaliveInterval,
                                           cfg->migrationKeepaliveCount) < 0) {
        ignore_value(dconn->driver->connectClose(dconn));
        dconn = NULL;
    }
    ignore_value(qemuDomainObjExitRemote(vm, false));
    return dconn;
}


/* Closes the destination's connection (@vm unlocked meanwhile), keeping
 * the error of the migration. */
static void
qemuMigrationP2PClose(qemuMigrationP2P *p2p)
{
    virError *err = NULL;
    virConn *dconn = g_steal_pointer(&p2p->dconn);
    virStream *stream = g_steal_pointer(&p2p->stream);

    virDriverStreamFree(stream);
    if (!dconn)
        return;
    virErrorPreserveLast(&err);
    qemuDomainObjEnterRemote(p2p->vm);
    if (dconn->driver->connectClose(dconn) < 0)
        VIR_DEBUG("closing %s: %s", p2p->dconnuri, virErrorGetLastMessage());
    ignore_value(qemuDomainObjExitRemote(p2p->vm, false));
    virErrorRestore(&err);
}


/* One feature of the destination: 1, 0, or -1 (reported). */
static int
qemuMigrationP2PFeature(virConn *dconn, int feature)
{
    if (!dconn->driver->connectSupportsFeature)
        return 0;
    return dconn->driver->connectSupportsFeature(dconn, feature);
}


/* Asks the destination what it supports and picks the protocol, as
 * libvirt does: v3 if it answers v3, else v2.  Runs without the domain
 * lock.  Returns 0 or -1 (reported). */
static int
qemuMigrationP2PProbe(qemuMigrationP2P *p2p)
{
    int isP2P = qemuMigrationP2PFeature(p2p->dconn, VIR_DRV_FEATURE_MIGRATION_P2P);
    int v3 = isP2P > 0 ? qemuMigrationP2PFeature(p2p->dconn,
                                                 VIR_DRV_FEATURE_MIGRATION_V3) : 0;
    int offline = 1;

    if (v3 > 0 && (p2p->flags & VIR_MIGRATE_OFFLINE))
        offline = qemuMigrationP2PFeature(p2p->dconn, VIR_DRV_FEATURE_MIGRATION_OFFLINE);
    if (isP2P < 0 || v3 < 0 || offline < 0)
        return -1;
    if (!isP2P) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("Destination libvirt does not support peer-to-peer migration protocol"));
        return -1;
    }
    if ((p2p->flags & VIR_MIGRATE_OFFLINE) && (!v3 || !offline)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("offline migration is not supported by the destination host"));
        return -1;
    }
    if ((p2p->flags & VIR_MIGRATE_TUNNELLED) && !v3) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("tunnelled migration needs a destination with migration protocol v3"));
        return -1;
    }
    p2p->protocol = v3 ? 3 : 2;
    return 0;
}


/* A guest paused here stays paused there (libvirt.so's rule). */
static void
qemuMigrationP2PKeepPaused(qemuMigrationP2P *p2p)
{
    if (!(p2p->flags & VIR_MIGRATE_OFFLINE) &&
        virDomainObjGetState(p2p->vm, NULL) == VIR_DOMAIN_PAUSED)
        p2p->destFlags |= VIR_MIGRATE_PAUSED;
}


/* ---- protocol v3 ---- */

/* Begin3 here: starts the job; the XML goes to the destination. */
static int
qemuMigrationP2PBegin(qemuMigrationP2P *p2p)
{
    virMigrateArgs wire;
    g_auto(qemuMigrationArgs) args = { 0 };
    g_autofree char *xml = NULL;

    qemuMigrationP2PArgs(p2p, &wire, true);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_BEGIN, p2p->protocol, NULL,
                               &wire, &args) < 0 ||
        !(xml = qemuMigrationSrcBegin(p2p->vm, &args)))
        return -1;
    p2p->jobId = p2p->vm->job->asyncJobId;
    qemuMigrationP2PNextCookie(p2p);
    qemuMigrationP2PKeepPaused(p2p);
    return virTypedParamListReplaceString(p2p->params, VIR_MIGRATE_PARAM_DEST_XML,
                                          xml);
}


/* PrepareTunnel3 on the destination: the migration data will go on a
 * stream of the connection.  Runs without the domain lock. */
static int
qemuMigrationP2PPrepareTunnel(qemuMigrationP2P *p2p, virMigrateArgs *args)
{
    virConn *dconn = p2p->dconn;

    if (!dconn->driver->connectStreamNew ||
        !dconn->driver->domainMigratePrepareTunnel3) {
        virReportError(VIR_ERR_NO_SUPPORT, "%s",
                       _("this connection cannot carry tunnelled migration"));
        return -1;
    }
    p2p->stream = dconn->driver->connectStreamNew(dconn);
    return dconn->driver->domainMigratePrepareTunnel3(dconn, p2p->stream, args);
}


/* Prepare3 on the destination; its URI replaces the client's. */
static int
qemuMigrationP2PPrepare(qemuMigrationP2P *p2p)
{
    g_autofree char *uri = NULL;
    virMigrateArgs args;
    int rc;

    qemuMigrationP2PArgs(p2p, &args, false);
    qemuDomainObjEnterRemote(p2p->vm);
    if (p2p->flags & VIR_MIGRATE_TUNNELLED)
        rc = qemuMigrationP2PPrepareTunnel(p2p, &args);
    else
        rc = p2p->dconn->driver->domainMigratePrepare3(p2p->dconn, &args, &uri);
    ignore_value(qemuDomainObjExitRemote(p2p->vm, false));
    if (rc < 0)
        return -1;
    qemuMigrationP2PNextCookie(p2p);
    /* without one, Perform fails with "missing migration URI" */
    if (uri)
        return virTypedParamListReplaceString(p2p->params, VIR_MIGRATE_PARAM_URI,
                                              uri);
    return 0;
}


/* Perform3 here (the transfer).  On failure the job has ended and the
 * guest runs here again. */
static int
qemuMigrationP2PPerform(qemuMigrationP2P *p2p)
{
    virMigrateArgs wire;
    g_auto(qemuMigrationArgs) args = { 0 };

    qemuMigrationP2PArgs(p2p, &wire, true);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PERFORM, p2p->protocol, NULL,
                               &wire, &args) < 0 ||
        qemuMigrationSrcPerform(p2p->vm, &args) < 0)
        return -1;
    qemuMigrationP2PNextCookie(p2p);
    return 0;
}


/* Finish3 (or Finish2) on the destination: the domain there, or NULL. */
static virDomainIdent *
qemuMigrationP2PFinish(qemuMigrationP2P *p2p, bool cancelled)
{
    virDomainIdent *ddom;
    virMigrateArgs args;
    int nparams = 0;
    const virTypedParameter *params = virTypedParamListGetParams(p2p->params,
                                                                 &nparams);

    if (!virTypedParamArrayFind(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME) &&
        virTypedParamListAddString(p2p->params, VIR_MIGRATE_PARAM_DEST_NAME,
                                   p2p->vm->def->name) < 0)
        return NULL;
    qemuMigrationP2PArgs(p2p, &args, false);
    args.cancelled = cancelled;
    qemuDomainObjEnterRemote(p2p->vm);
    if (p2p->protocol == 3)
        ddom = p2p->dconn->driver->domainMigrateFinish3(p2p->dconn, &args);
    else
        ddom = p2p->dconn->driver->domainMigrateFinish2(p2p->dconn, &args);
    ignore_value(qemuDomainObjExitRemote(p2p->vm, false));
    if (ddom)
        qemuMigrationP2PNextCookie(p2p);
    return ddom;
}


/* Confirm3 here, if the job Begin started is still there (a failed
 * Perform ended it already). */
static void
qemuMigrationP2PConfirm(qemuMigrationP2P *p2p, bool cancelled)
{
    virDomainObj *vm = p2p->vm;
    virMigrateArgs wire;
    g_auto(qemuMigrationArgs) args = { 0 };

    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT ||
        vm->job->asyncJobId != p2p->jobId)
        return;
    qemuMigrationP2PArgs(p2p, &wire, true);
    wire.cancelled = cancelled;
    /* the arguments Perform accepted pass again */
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_CONFIRM, p2p->protocol,
                               NULL, &wire, &args) < 0 ||
        qemuMigrationSrcConfirm(vm, &args) < 0)
        VIR_WARN("confirming the migration of domain %s failed: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
}


/* The v3 sequence.  The first error is the one the client gets. */
static int
qemuMigrationP2PRunV3(qemuMigrationP2P *p2p)
{
    g_autoptr(virDomainIdent) ddom = NULL;
    virError *err = NULL;
    bool cancelled = true;

    if (qemuMigrationP2PBegin(p2p) < 0)
        return -1;
    if (qemuMigrationP2PPrepare(p2p) < 0) {
        virErrorPreserveLast(&err);
        qemuMigrationP2PConfirm(p2p, true);
        virErrorRestore(&err);
        return -1;
    }
    if ((p2p->flags & VIR_MIGRATE_OFFLINE) || qemuMigrationP2PPerform(p2p) == 0)
        cancelled = false;
    else
        virErrorPreserveLast(&err);
    ddom = qemuMigrationP2PFinish(p2p, cancelled);
    if (!ddom && !err)
        virErrorPreserveLast(&err);
    if (ddom && cancelled)
        VIR_ERROR("the destination of domain %s ignored that its migration was cancelled",
                  p2p->vm->def->name);
    qemuMigrationP2PConfirm(p2p, !ddom);
    virErrorRestore(&err);
    return ddom && !cancelled ? 0 : -1;
}


/* ---- protocol v2 (a destination without v3) ---- */

/* The XML Prepare2 gets: the client's destination XML, else ours. */
static int
qemuMigrationP2PXMLV2(qemuMigrationP2P *p2p)
{
    g_autofree char *xml = NULL;
    int nparams = 0;
    const virTypedParameter *params = virTypedParamListGetParams(p2p->params,
                                                                 &nparams);

    if (virTypedParamArrayFind(params, nparams, VIR_MIGRATE_PARAM_DEST_XML))
        return 0;
    if (!(xml = virDomainDefFormat(p2p->vm->def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                   VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)))
        return -1;
    return virTypedParamListAddString(p2p->params, VIR_MIGRATE_PARAM_DEST_XML,
                                      xml);
}


/* Prepare2 on the destination.  Returns 0 or -1 (reported). */
static int
qemuMigrationP2PPrepareV2(qemuMigrationP2P *p2p)
{
    g_autofree char *uri = NULL;
    virMigrateArgs args;
    int rc;

    if (virDomainObjCheckActive(p2p->vm) < 0 || qemuMigrationP2PXMLV2(p2p) < 0)
        return -1;
    qemuMigrationP2PKeepPaused(p2p);
    qemuMigrationP2PArgs(p2p, &args, false);
    qemuDomainObjEnterRemote(p2p->vm);
    rc = p2p->dconn->driver->domainMigratePrepare2(p2p->dconn, &args, &uri);
    ignore_value(qemuDomainObjExitRemote(p2p->vm, false));
    if (rc < 0)
        return -1;
    return virTypedParamListReplaceString(p2p->params, VIR_MIGRATE_PARAM_URI,
                                          uri ? uri : p2p->dconnuri);
}


/* The v2 sequence: Prepare2 there, the v2 Perform here (which stops the
 * source once QEMU sent everything, as a client's v2 Perform does),
 * Finish2 there. */
static int
qemuMigrationP2PRunV2(qemuMigrationP2P *p2p)
{
    g_autoptr(virDomainIdent) ddom = NULL;
    virError *err = NULL;
    virMigrateArgs wire;
    g_auto(qemuMigrationArgs) args = { 0 };
    bool cancelled = true;

    if (qemuMigrationP2PPrepareV2(p2p) < 0)
        return -1;
    qemuMigrationP2PArgs(p2p, &wire, true);
    wire.flags &= ~VIR_MIGRATE_CHANGE_PROTECTION;
    wire.cookiein = NULL;
    wire.cookieinlen = 0;
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PERFORM, p2p->protocol, NULL,
                               &wire, &args) == 0 &&
        qemuMigrationSrcPerformV2(p2p->vm, &args) == 0)
        cancelled = false;
    else
        virErrorPreserveLast(&err);
    g_clear_pointer(&p2p->cookie, g_free);
    p2p->cookielen = 0;
    ddom = qemuMigrationP2PFinish(p2p, cancelled);
    if (!ddom && !err)
        virErrorPreserveLast(&err);
    virErrorRestore(&err);
    return ddom && !cancelled ? 0 : -1;
}


/**
 * qemuMigrationSrcPerformP2P:
 * Perform with VIR_MIGRATE_PEER2PEER: opens args->dconnuri and migrates
 * @vm there by driving both sides (v3 with parameters, positional v3 or
 * v2, whatever the destination supports).  Returns when the guest runs
 * there (0) or the migration failed (-1, reported; the guest runs here
 * as before, or, when the destination cannot tell whether it runs the
 * guest, stays paused here: recovery.rst).  @vm locked and referenced,
 * without a job; the lock is dropped during calls to the destination.
 */
int
qemuMigrationSrcPerformP2P(virDomainObj *vm, qemuMigrationArgs *args)
{
    g_auto(qemuMigrationP2P) p2p = { 0 };
    int rc;

    if (qemuMigrationP2PCheck(args) < 0)
        return -1;
    qemuMigrationP2PInit(&p2p, vm, args);
    VIR_INFO("peer-to-peer migration of domain %s to %s (flags 0x%llx)",
             vm->def->name, p2p.dconnuri, args->flags);
    if (!(p2p.dconn = qemuMigrationP2POpen(vm, p2p.dconnuri)))
        return -1;
    qemuDomainObjEnterRemote(vm);
    rc = qemuMigrationP2PProbe(&p2p);
    ignore_value(qemuDomainObjExitRemote(vm, false));
    if (rc == 0) {
        VIR_INFO("peer-to-peer migration of domain %s uses protocol v%d",
                 vm->def->name, p2p.protocol);
        rc = p2p.protocol == 3 ? qemuMigrationP2PRunV3(&p2p)
                               : qemuMigrationP2PRunV2(&p2p);
    }
    qemuMigrationP2PClose(&p2p);
    return rc;
}


/**
 * qemuMigrationSrcPerformP2PV2:
 * The v2 Perform procedure with VIR_MIGRATE_PEER2PEER (from a client that
 * sees no v3 here): its URI is the destination's connection URI
 * (libvirt.so's rule).  As qemuMigrationSrcPerformP2P otherwise.
 */
int
qemuMigrationSrcPerformP2PV2(virDomainObj *vm, qemuMigrationArgs *args)
{
    g_autoptr(virTypedParamList) params = NULL;
    g_autofree char *dconnuri = g_strdup(args->uri);
    qemuMigrationArgs p2pArgs = *args;
    int nparams = 0;

    params = virTypedParamListNewFromArray(args->params, args->nparams);
    virTypedParamListRemove(params, VIR_MIGRATE_PARAM_URI);
    p2pArgs.params = virTypedParamListGetParams(params, &nparams);
    p2pArgs.nparams = nparams;
    p2pArgs.uri = NULL;
    p2pArgs.dconnuri = dconnuri;
    /* borrows what @args owns */
    return qemuMigrationSrcPerformP2P(vm, &p2pArgs);
}
