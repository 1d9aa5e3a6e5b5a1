/*
 * qemu_migration_dst.c: the destination side of a migration: Prepare,
 * Finish
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Prepare starts the incoming QEMU paused ("-incoming defer", then
 * migrate-incoming on a port of the range) inside a MIGRATION_IN job that
 * Finish takes over.  Finish waits for the incoming stream to complete
 * and starts the vCPUs, or, when the migration was cancelled or failed,
 * kills the incoming QEMU: the source still has the guest.
 */
#include <config.h>

#include "qemu_closecallbacks.h"
#include "qemu_migration.h"
#include "qemu_migration_job.h"
#include "qemu_migration_nbd.h"
#include "qemu_migration_tunnel.h"
#include "qemu_migration_params.h"
#include "qemu_migration_peer.h"
#include "qemu_migration_tls.h"
#include "qemu_migration_uri.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_domain.h"
#include "domain_conf.h"
#include "virdomainobjlist.h"
#include "virfile.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_dst");

/* The definition to receive: the source's XML, renamed by
 * destination_name.  Caller owns the result. */
virDomainDef *
qemuMigrationDstParseDef(const qemuMigrationArgs *args, char **origname)
{
    const char *xml = args->destXML;
    const char *dname = args->destName;
    g_autoptr(virDomainDef) def = NULL;

    if (!xml) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("no domain XML passed"));
        return NULL;
    }
    if (!(def = qemuDomainDefParseConfig(xml, false)))
        return NULL;
    if (dname && STRNEQ(dname, def->name)) {
        if (virDomainDefValidateName(dname) < 0)
            return NULL;
        *origname = g_steal_pointer(&def->name);
        def->name = g_strdup(dname);
    }
    return g_steal_pointer(&def);
}


/* The URI the client gave Prepare (--migrateuri) into *@ret, NULL when
 * it gave none.  Returns 0 or -1 (reported). */
static int
qemuMigrationDstURIIn(const qemuMigrationArgs *args, qemuMigrationURI **ret)
{
    const char *uriIn = args->uri;
    qemuMigrationURI *parsed = NULL;

    if (uriIn && !(parsed = qemuMigrationDstParseURI(uriIn)))
        return -1;
    *ret = parsed;
    return 0;
}


/* The address the incoming QEMU listens on (on @port) and the URI the
 * source is told to send to: tcp:<migration_host>:<port> when the client
 * gave no URI, the client's URI completed with @port when it named no
 * port, none when it did (the source sends to the client's URI, as with
 * libvirt). */
void
qemuMigrationDstAddresses(const qemuMigrationArgs *args,
                          const qemuMigrationURI *uriIn, unsigned short port,
                          char **incoming, char **uriOut)
{
    const char *listen = args->listenAddress;
    const char *host = qemu_driver->cfg->migrationHost;

    if (!listen)
        listen = qemu_driver->cfg->migrationListen;
    *incoming = g_strdup_printf(strchr(listen, ':') ? "tcp:[%s]:%u" : "tcp:%s:%u",
                                listen, port);
    if (!uriIn)
        *uriOut = g_strdup_printf(strchr(host, ':') ? "tcp:[%s]:%u" : "tcp:%s:%u",
                                  host, port);
    else if (!uriIn->port)
        *uriOut = qemuMigrationDstURIWithPort(uriIn, port);
}


/* Caps, parameters and migrate-incoming on the freshly started QEMU. */
static int
qemuMigrationDstStartIncoming(virDomainObj *vm, qemuMigrationArgs *args,
                              const char *incoming)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationParams) migParams = g_steal_pointer(&args->migParams);
    int rc = -1;

    if (!migParams) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the migration parameters were applied already"));
        return -1;
    }
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return -1;
    if (qemuMigrationAnyPrepareParams(vm, priv->mon, migParams,
                                      QEMU_MIGRATION_DESTINATION) == 0 &&
        qemuMigrationAnySetupTLS(vm, priv->mon, migParams,
                                 QEMU_MIGRATION_DESTINATION, args->flags) == 0 &&
        qemuMigrationParamsApply(priv->mon, VIR_ASYNC_JOB_MIGRATION_IN,
                                 migParams, priv->migrationCaps,
                                 args->flags) == 0)
        rc = qemuMonitorMigrateIncoming(priv->mon, incoming);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/* Undoes a failed Prepare or a cancelled/failed Finish: the incoming QEMU
 * dies, the domain goes.  @vm holds the MIGRATION_IN job, which ends. */
static void
qemuMigrationDstDiscard(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virError *err = NULL;

    virErrorPreserveLast(&err);
    if (virDomainObjIsActive(vm)) {
        qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_FAILED, VIR_ASYNC_JOB_MIGRATION_IN,
                        QEMU_PROCESS_STOP_MIGRATED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                      VIR_DOMAIN_EVENT_STOPPED_FAILED);
    } else if (vm->newDef) {
        /* offline: the domain's own definition comes back */
        virDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&vm->newDef);
    }
    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = 0;
    qemuMigrationDstNBDDiscard(vm);
    qemuMigrationAnyDropParams(vm);
    qemuMigrationJobFinish(vm);
    qemuDomainRemoveInactive(vm);
    virErrorRestore(&err);
}


static void qemuMigrationDstConnectionClosed(virDomainObj *vm);
static void qemuMigrationDstConnectionClosedV2(virDomainObj *vm);


/* Cleanup callback of a parked MIGRATION_IN job: QEMU stopped (it died,
 * or was destroyed) between Prepare and Finish, so nobody will finish
 * the job; the port goes back to the range. */
static void
qemuMigrationDstPrepareCleanup(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = 0;
    qemuMigrationDstNBDDiscard(vm);
    qemuMigrationAnyDropParams(vm);
    qemuCloseCallbacksUnset(vm, qemuMigrationDstConnectionClosed);
    qemuCloseCallbacksUnset(vm, qemuMigrationDstConnectionClosedV2);
    priv->migrationOrphaned = false;
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN) {
        VIR_INFO("incoming migration of domain %s ended: its QEMU stopped",
                 vm->def->name);
        qemuDomainObjDiscardAsyncJob(vm);
    }
}


/* Takes over the parked MIGRATION_IN job of locked @vm for the step
 * @phase (Finish, or the daemon itself for an abandoned v2 migration).
 * Returns 0 or -1 (reported). */
static int
qemuMigrationDstTakeOver(virDomainObj *vm, qemuMigrationJobPhase phase)
{
    if (!qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_IN) ||
        qemuMigrationJobStartPhase(vm, phase) < 0)
        return -1;
    qemuDomainCleanupRemove(vm, qemuMigrationDstPrepareCleanup);
    qemuCloseCallbacksUnset(vm, qemuMigrationDstConnectionClosed);
    qemuCloseCallbacksUnset(vm, qemuMigrationDstConnectionClosedV2);
    QEMU_DOMAIN_PRIVATE(vm)->migrationOrphaned = false;
    return 0;
}


/* The guest is ours now (Finish, or a kept v2 copy): the incoming
 * migration's port, QEMU settings and job go.  The caller kept the
 * statistics (qemuMigrationAnyFinishStats). */
void
qemuMigrationDstEndIncoming(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = 0;
    qemuMigrationDstNBDKeep(vm);
    qemuMigrationJobFinish(vm);
}


/* Where the incoming QEMU listens (*@incoming) and what the source is
 * told (*@uriOut): a port of the range or the client's; tunnelled
 * (args->stream), a unix socket the stream is attached to once QEMU
 * listens (*@tunnelPath, no URI).  Returns 0 or -1 (reported). */
static int
qemuMigrationDstListenOn(virDomainObj *vm, const qemuMigrationArgs *args,
                         char **incoming, char **uriOut, char **tunnelPath)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationURI) uriIn = NULL;
    unsigned short port;

    if (args->stream) {
        if (!(*tunnelPath = qemuMigrationTunnelNewPath("in")))
            return -1;
        *incoming = g_strdup_printf("unix:%s", *tunnelPath);
        return 0;
    }
    if (qemuMigrationDstURIIn(args, &uriIn) < 0)
        return -1;
    /* A port the client chose is its business, not one of the range. */
    if (uriIn && uriIn->port)
        port = uriIn->port;
    else if (!(port = priv->migrationPort = qemuMigrationDstPortAcquire()))
        return -1;
    qemuMigrationDstAddresses(args, uriIn, port, incoming, uriOut);
    return 0;
}


static int
qemuMigrationDstPrepareActive(virDomainObj *vm, qemuMigrationArgs *args,
                              char **uriOut)
{
    g_autofree char *incoming = NULL;
    g_autofree char *tunnelPath = NULL;

    if (qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PREPARE) < 0 ||
        qemuMigrationDstListenOn(vm, args, &incoming, uriOut, &tunnelPath) < 0)
        return -1;
    if (qemuMigrationDstNBDPrecreate(vm, args) < 0 ||
        qemuProcessStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, "defer",
                         QEMU_PROCESS_START_PAUSED) < 0)
        return -1;
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STARTED,
                                  VIR_DOMAIN_EVENT_STARTED_MIGRATED);
    if (qemuMigrationDstStartIncoming(vm, args, incoming) < 0 ||
        qemuMigrationDstNBDStart(vm, args) < 0 ||
        (tunnelPath && qemuMigrationDstTunnelAttach(tunnelPath, args->stream) < 0) ||
        qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_PREPARE, args) < 0)
        return -1;
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_MIGRATING;
    return 0;
}


/* Prepare3 of an offline migration: no QEMU, no port held; the client
 * still needs a URI (libvirt returns one too), so the first port of the
 * range is named. */
static int
qemuMigrationDstPrepareOffline(virDomainObj *vm, qemuMigrationArgs *args,
                               char **uriOut)
{
    g_autoptr(qemuMigrationURI) uriIn = NULL;
    g_autofree char *incoming = NULL;

    if (qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PREPARE) < 0 ||
        qemuMigrationDstURIIn(args, &uriIn) < 0)
        return -1;
    qemuMigrationDstAddresses(args, uriIn,
                              uriIn && uriIn->port ? uriIn->port :
                              qemu_driver->cfg->migrationPortMin,
                              &incoming, uriOut);
    return qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_PREPARE, args);
}


/* Prepare3 and Prepare2: returns the new incoming domain, locked and
 * referenced, its MIGRATION_IN job still owned by the caller, or NULL
 * (reported; nothing remains). */
static virDomainObj *
qemuMigrationDstPrepareAny(qemuMigrationArgs *args, char **uriOut)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *origname = NULL;
    g_autofree char *peer = NULL;
    g_autoptr(qemuMigrationCookieNBD) nbd = NULL;
    virDomainObj *vm;

    if (!(def = qemuMigrationDstParseDef(args, &origname)) ||
        qemuMigrationAnyCookieCheck(def, origname, args, &peer, &nbd) < 0 ||
        !(vm = virDomainObjListAdd(qemu_driver->domains, &def,
                                   &qemu_driver->domainCfg,
                                   VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                                   VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE)))
        return NULL;
    QEMU_DOMAIN_PRIVATE(vm)->origname = g_steal_pointer(&origname);
    if (qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, args->flags) < 0) {
        qemuDomainRemoveInactive(vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    QEMU_DOMAIN_PRIVATE(vm)->migrationPeer = g_steal_pointer(&peer);
    QEMU_DOMAIN_PRIVATE(vm)->migrationProtocol = args->protocol == 2 ? 2 : 3;
    qemuMigrationDstNBDInit(vm, args, &nbd);
    if (((args->flags & VIR_MIGRATE_OFFLINE) ?
         qemuMigrationDstPrepareOffline(vm, args, uriOut) :
         qemuMigrationDstPrepareActive(vm, args, uriOut)) < 0) {
        qemuMigrationDstDiscard(vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    VIR_INFO("incoming migration of domain %s with protocol v%d prepared on %s",
             vm->def->name, args->protocol,
             args->stream ? "a tunnel" :
             *uriOut ? *uriOut : NULLSTR(args->uri));
    return vm;
}


/**
 * qemuMigrationDstPrepare:
 * Prepare3: adds the incoming domain (paused, PAUSED/migration, event
 * STARTED/MIGRATED), starts its QEMU waiting on a port of the range and
 * returns in *@uriOut the URI the source must send to.  The MIGRATION_IN
 * job stays active for Finish, bound to the client's connection
 * (qemuMigrationDstConnectionClosed).  Returns 0 or -1 (reported;
 * nothing remains).
 */
int
qemuMigrationDstPrepare(qemuMigrationArgs *args, char **uriOut)
{
    g_autofree char *uri = NULL;
    virDomainObj *vm = qemuMigrationDstPrepareAny(args, &uri);

    if (!vm)
        return -1;
    qemuCloseCallbacksSet(vm, args->conn, qemuMigrationDstConnectionClosed);
    qemuMigrationJobContinue(vm, qemuMigrationDstPrepareCleanup);
    virDomainObjEndAPI(&vm);
    *uriOut = g_steal_pointer(&uri);
    return 0;
}


/* PERSIST_DEST: the guest's definition becomes persistent here. */
static int
qemuMigrationDstPersist(virDomainObj *vm)
{
    bool existed = vm->persistent;

    if (qemuDomainConfigSave(vm->newDef ? vm->newDef : vm->def) < 0)
        return -1;
    vm->persistent = true;
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_DEFINED,
                                  existed ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
                                          : VIR_DOMAIN_EVENT_DEFINED_ADDED);
    return 0;
}


/* The point of no return of the destination, checked just before the
 * vCPUs would start: a Finish whose client is gone is refused, because
 * that client's Confirm(cancelled) may already have reached the source
 * (libvirt.so sends it when its connection to us fails), and the source
 * then asks us what we hold (qemuMigrationPeerAsk) and resumes if the
 * answer is "nothing".  Returns true, with an error reported and the
 * refusal logged, when the client is gone. */
static bool
qemuMigrationDstClientGone(virDomainObj *vm, const qemuMigrationArgs *args)
{
    if (!qemuCloseCallbacksConnIsClosed(args->conn))
        return false;
    VIR_WARN("refusing Finish of domain %s: the client driving its migration is gone, so its source keeps or resumes the guest; destroying the incoming copy",
             vm->def->name);
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("the client of the incoming migration of domain '%1$s' is gone; Finish refused"),
                   vm->def->name);
    return true;
}


/* The incoming stream is complete, or post-copy is active: run the guest
 * (or keep it paused with VIR_MIGRATE_PAUSED).  *@inPostCopy says the
 * vCPUs run before all of the guest's memory is here. */
static int
qemuMigrationDstRunGuest(virDomainObj *vm, const qemuMigrationArgs *args,
                         bool *inPostCopy)
{
    if (qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_MIGRATION_IN,
                             args->flags & VIR_MIGRATE_POSTCOPY) < 0 ||
        qemuMigrationDstClientGone(vm, args) ||
        qemuMigrationDstNBDStop(vm) < 0)
        return -1;
    if ((args->flags & VIR_MIGRATE_PERSIST_DEST) && qemuMigrationDstPersist(vm) < 0)
        return -1;
    if (args->flags & VIR_MIGRATE_PAUSED) {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        return 0;
    }
    *inPostCopy = vm->job->current->status == VIR_DOMAIN_JOB_STATUS_POSTCOPY;
    return qemuProcessStartCPUs(vm, *inPostCopy ? VIR_DOMAIN_RUNNING_POSTCOPY
                                                : VIR_DOMAIN_RUNNING_MIGRATED,
                                VIR_ASYNC_JOB_MIGRATION_IN);
}


/* How often a post-copy destination without news asks its source. */
#define QEMU_MIGRATION_DST_PEER_CHECK_MS 2000

/**
 * qemuMigrationDstPostcopyWatch:
 * Waits for QEMU to complete the post-copy migration of @vm here.  Every
 * 2 s without news the source (a virtmigd peer) is asked whether its
 * QEMU gave the migration up (paused, post-copy failed): a link cut while
 * no page request was in flight from here leaves this QEMU waiting on a
 * silent connection forever, while the source's sends time out.  Then
 * this end is paused too (migrate-pause), so the wait ends as a failure
 * and both sides can be recovered.  @vm locked, holding its MIGRATION_IN
 * job.  Returns 0 when complete, -1 (reported).
 */
int
qemuMigrationDstPostcopyWatch(virDomainObj *vm)
{
    bool paused = false;
    int rc;

    while ((rc = qemuMigrationAnyWaitFor(vm, VIR_ASYNC_JOB_MIGRATION_IN, false,
                                         QEMU_MIGRATION_DST_PEER_CHECK_MS)) == 2) {
        if (paused || !qemuMigrationPeerPostcopyFailed(vm) ||
            vm->job->current->status != VIR_DOMAIN_JOB_STATUS_POSTCOPY)
            continue;
        VIR_WARN("the source of domain %s reports its post-copy migration failed while QEMU here still waits for it; pausing this end too",
                 vm->def->name);
        if (qemuMigrationAnyPause(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0) {
            VIR_WARN("cannot pause the post-copy migration of domain %s: %s",
                     vm->def->name, NULLSTR(virErrorGetLastMessage()));
            virErrorResetLast();
        }
        paused = true;
    }
    return rc;
}


/* Post-copy: the guest runs here while the source still sends the pages
 * it has not asked for yet; Finish returns once all have come, with the
 * domain RUNNING/migrated and a second RESUMED/MIGRATED event, as
 * libvirt's API documentation promises.  Returns 0 or -1 (reported). */
static int
qemuMigrationDstPostcopyWait(virDomainObj *vm)
{
    if (qemuMigrationDstPostcopyWatch(vm) < 0)
        return -1;
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING)
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_RESUMED,
                                  VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
    VIR_INFO("post-copy migration of domain %s completed", vm->def->name);
    return 0;
}


/* Post-copy broke while the guest ran here: this host has the only
 * running copy but not all of its memory, so it is neither killed nor
 * finished; the job stays, in phase postcopy_failed. */
static virDomainIdent *
qemuMigrationDstFinishPostcopyFailed(virDomainObj *vm)
{
    /* the port stays taken: QEMU listens on it until the job ends */
    /* never auto-destroyed when a client goes: it runs the guest */
    qemuProcessAutoDestroyAdd(vm, NULL);
    qemuMigrationAnyPostcopyFailed(vm);
    virDomainObjEndAPI(&vm);
    return NULL;
}


/* Finish3 with cancelled=1, or a failed Finish: libvirt's clients need an
 * error either way. */
static virDomainIdent *
qemuMigrationDstFinishCancelled(virDomainObj *vm)
{
    VIR_INFO("incoming migration of domain %s cancelled", vm->def->name);
    qemuMigrationDstDiscard(vm);
    virDomainObjEndAPI(&vm);
    if (virErrorGetLastCode() == VIR_ERR_OK)
        virReportError(VIR_ERR_MIGRATE_FINISH_OK, NULL);
    return NULL;
}


/* Finish3 of an offline migration (no cookie, nothing was sent): the
 * definition Prepare kept becomes persistent, event DEFINED; the domain
 * stays shut off.  Ends the MIGRATION_IN job. */
static virDomainIdent *
qemuMigrationDstFinishOffline(virDomainObj *vm, qemuMigrationArgs *args)
{
    virDomainIdent *ident;

    if (args->cancelled ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_FINISH, args) < 0 ||
        qemuMigrationDstPersist(vm) < 0)
        return qemuMigrationDstFinishCancelled(vm);
    VIR_INFO("offline migration of domain %s finished", vm->def->name);
    qemuMigrationJobFinish(vm);
    ident = virDomainIdentNew(vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return ident;
}


/**
 * qemuMigrationDstFinish:
 * Finish3: with cancelled=0 waits for the incoming stream, starts the
 * vCPUs (RUNNING/migrated) and returns the domain; in post-copy the vCPUs
 * start (RUNNING/post-copy) as soon as post-copy is active and Finish
 * returns once the last page came.  Otherwise, or on any failure before
 * the vCPUs ran, kills the incoming QEMU and reports an error (the source
 * resumes in Confirm).  Ends the MIGRATION_IN job, except when post-copy
 * fails: then the running guest stays, its job parked.
 */
virDomainIdent *
qemuMigrationDstFinish(qemuMigrationArgs *args)
{
    const char *name = args->destName;
    virDomainObj *vm;
    virDomainIdent *ident;
    bool inPostCopy = false;

    if (!name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("missing destination name"));
        return NULL;
    }
    if (!(vm = virDomainObjListFindByName(qemu_driver->domains, name)))
        return NULL;
    if (qemuMigrationDstTakeOver(vm, QEMU_MIGRATION_PHASE_FINISH3) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    if (vm->job->apiFlags & VIR_MIGRATE_OFFLINE)
        return qemuMigrationDstFinishOffline(vm, args);
    if (args->cancelled || qemuMigrationDstClientGone(vm, args) ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_FINISH, args) < 0 ||
        qemuMigrationDstRunGuest(vm, args, &inPostCopy) < 0)
        return qemuMigrationDstFinishCancelled(vm);
    if (inPostCopy && qemuMigrationDstPostcopyWait(vm) < 0)
        return qemuMigrationDstFinishPostcopyFailed(vm);

    qemuMigrationAnyFinishStats(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    if (qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_FINISH, args) < 0)
        VIR_WARN("no cookie for the source of %s", vm->def->name);
    VIR_INFO("incoming migration of domain %s finished", vm->def->name);
    qemuMigrationDstEndIncoming(vm);
    ident = virDomainIdentNew(vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return ident;
}


/* ---- protocol v2: Prepare2, Finish2, and a client gone in between ----
 *
 * v2 has no Confirm: Perform stops the source as soon as its data is
 * sent, so from then on the incoming QEMU holds the only copy of the
 * guest.  libvirt destroys it anyway when the client's connection closes
 * before Finish2; here a copy whose stream completed is kept, paused
 * (qemuMigrationDstConnectionClosedV2). */

/**
 * qemuMigrationDstPrepare2:
 * Prepare2: as Prepare3 (no cookie comes in or goes out), and the incoming
 * domain is bound to the client's connection: if it closes before
 * Finish2, qemuMigrationDstConnectionClosedV2 decides what remains.
 * Returns 0 or -1 (reported; nothing remains).
 */
int
qemuMigrationDstPrepare2(qemuMigrationArgs *args, char **uriOut)
{
    g_autofree char *uri = NULL;
    virDomainObj *vm;

    if (!(vm = qemuMigrationDstPrepareAny(args, &uri)))
        return -1;
    qemuCloseCallbacksSet(vm, args->conn, qemuMigrationDstConnectionClosedV2);
    qemuMigrationJobContinue(vm, qemuMigrationDstPrepareCleanup);
    virDomainObjEndAPI(&vm);
    *uriOut = g_steal_pointer(&uri);
    return 0;
}


/* v2, the stream complete and the source gone: the guest is kept here,
 * paused (PAUSED/migration) until someone resumes it, and the
 * MIGRATION_IN job ends.  @why says what stopped it from running. */
static void
qemuMigrationDstKeepPaused(virDomainObj *vm, const char *why)
{
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION);
    VIR_WARN("domain %s: %s; its whole state arrived and its source is gone, so it stays here paused (paused/migration): 'virsh resume %s' runs it",
             vm->def->name, why, vm->def->name);
    qemuMigrationAnyFinishStats(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    qemuMigrationDstEndIncoming(vm);
}


/* PERSIST_DEST in v2: the source may already have dropped its definition
 * (UNDEFINE_SOURCE), so a failure here only warns. */
static void
qemuMigrationDstPersistV2(virDomainObj *vm, unsigned long long flags)
{
    if (!(flags & VIR_MIGRATE_PERSIST_DEST) || qemuMigrationDstPersist(vm) == 0)
        return;
    VIR_WARN("domain %s arrived but could not be made persistent: %s",
             vm->def->name, NULLSTR(virErrorGetLastMessage()));
    virErrorResetLast();
}


/* Finish2 with retcode 0: waits for the incoming stream, then runs the
 * guest (or pauses it with VIR_MIGRATE_PAUSED).  Returns 0 when the guest
 * is ours and running as asked, 1 when it arrived but could not be
 * resumed (error reported), -1 when it did not arrive (reported). */
static int
qemuMigrationDstRunGuestV2(virDomainObj *vm, unsigned long long flags)
{
    if (!virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("guest unexpectedly quit"));
        return -1;
    }
    if (qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_MIGRATION_IN, false) < 0)
        return -1;
    qemuMigrationDstPersistV2(vm, flags);
    if (flags & VIR_MIGRATE_PAUSED) {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        return 0;
    }
    if (qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_MIGRATED,
                             VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return 1;
    return 0;
}


/* False, with an error, if locked @vm has an incoming migration that
 * Prepare2 did not start (or whose Finish2 already came): a client mixing
 * the protocols could run the guest here while a v3 source still holds
 * its paused copy for Confirm3. */
static bool
qemuMigrationDstIsV2(virDomainObj *vm)
{
    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN ||
        qemuCloseCallbacksIsSet(vm, qemuMigrationDstConnectionClosedV2) ||
        QEMU_DOMAIN_PRIVATE(vm)->migrationOrphaned)
        return true;
    virReportError(VIR_ERR_OPERATION_INVALID,
                   _("domain '%1$s' is not processing an incoming migration of protocol v2"),
                   vm->def->name);
    return false;
}


static int qemuMigrationDstIncomingStarted(virDomainObj *vm);
static bool qemuMigrationDstOrphanDecide(virDomainObj *vm, const char *why);
static void qemuMigrationDstOrphan(virDomainObj *vm);


/* Finish2 with a failure code.  The client says Perform failed, but a
 * lost Perform reply looks the same to it, while the source, having sent
 * everything, has already stopped its QEMU (v2 has no Confirm): a
 * complete incoming copy may be the guest's only one, so it is kept,
 * paused; an incomplete one is destroyed (its source did not finish
 * sending, so it runs on); a stream no source connected to goes.  A
 * stream still arriving is not waited for (it may have stalled on a cut
 * link for good): it goes on as an orphan whose end decides
 * (qemuMigrationDstOrphan), and Finish2 returns at once.  Returns NULL
 * with an error. */
static virDomainIdent *
qemuMigrationDstFinish2Failed(virDomainObj *vm)
{
    virError *err = NULL;
    int started;

    virErrorPreserveLast(&err);
    if (!virDomainObjIsActive(vm) ||
        (started = qemuMigrationDstIncomingStarted(vm)) <= 0) {
        virErrorRestore(&err);
        return qemuMigrationDstFinishCancelled(vm);
    }
    if (vm->job->current->status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED ||
        vm->job->current->status == VIR_DOMAIN_JOB_STATUS_COMPLETED) {
        qemuMigrationDstOrphanDecide(vm, "keeping the complete incoming copy although Finish2 reports a failed Perform (a source stops its QEMU once everything is sent; a lost Perform reply looks the same)");
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' arrived complete although the migration is reported failed; it is kept here, paused"),
                       vm->def->name);
    } else if (qemuMigrationDstOrphanDecide(vm, "")) {
        virErrorRestore(&err);
        err = NULL;
        if (virErrorGetLastCode() == VIR_ERR_OK)
            virReportError(VIR_ERR_MIGRATE_FINISH_OK, NULL);
    } else {
        VIR_WARN("Finish2 of domain %s reports a failed Perform while its incoming stream still arrives; the stream's end decides",
                 vm->def->name);
        qemuMigrationDstOrphan(vm);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the incoming migration of domain '%1$s' is still arriving although reported failed; its end decides whether it is kept"),
                       vm->def->name);
    }
    virDomainObjEndAPI(&vm);
    virErrorFree(err);
    return NULL;
}


/**
 * qemuMigrationDstFinish2:
 * Finish2: with retcode != 0 (Perform failed, or its reply was lost)
 * keeps a complete incoming copy paused and kills an incomplete one
 * (qemuMigrationDstFinish2Failed), reporting an error either way.  With retcode 0 waits for the incoming
 * stream and runs the guest (RUNNING/migrated) and returns the domain; a
 * stream that did not complete is killed (nothing of the guest is
 * here), a guest that arrived but cannot be resumed stays paused (the
 * source already stopped in Perform) and Finish2 fails.  Ends the
 * MIGRATION_IN job.
 */
virDomainIdent *
qemuMigrationDstFinish2(qemuMigrationArgs *args)
{
    const char *name = args->destName;
    virDomainObj *vm;
    virDomainIdent *ident = NULL;
    int rc;

    if (!name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("missing destination name"));
        return NULL;
    }
    if (!(vm = virDomainObjListFindByName(qemu_driver->domains, name)))
        return NULL;
    if (!qemuMigrationDstIsV2(vm) ||
        qemuMigrationDstTakeOver(vm, QEMU_MIGRATION_PHASE_FINISH2) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    if (args->cancelled)
        return qemuMigrationDstFinish2Failed(vm);
    if ((rc = qemuMigrationDstRunGuestV2(vm, args->flags)) < 0)
        return qemuMigrationDstFinishCancelled(vm);
    if (rc > 0) {
        virError *err = NULL;

        virErrorPreserveLast(&err);
        qemuMigrationDstKeepPaused(vm, "it could not be resumed after migration v2");
        virErrorRestore(&err);
    } else {
        qemuMigrationAnyFinishStats(vm, VIR_ASYNC_JOB_MIGRATION_IN);
        VIR_INFO("incoming migration of domain %s finished (protocol v2)",
                 vm->def->name);
        qemuMigrationDstEndIncoming(vm);
        ident = virDomainIdentNew(vm->def->name, vm->def->uuid, vm->def->id);
    }
    virDomainObjEndAPI(&vm);
    return ident;
}


/* 1 if a source has connected to the incoming QEMU of @vm (the stream
 * runs, completed or failed), 0 if none has yet, -1 (reported).  @vm
 * locked, owning its MIGRATION_IN job. */
static int
qemuMigrationDstIncomingStarted(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMonitorMigrationStats stats = { 0 };
    int rc;

    if (vm->job->current->status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED)
        return 1;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return -1;
    rc = qemuMonitorGetMigrationStats(priv->mon, &stats);
    if (qemuDomainObjExitMonitor(vm) < 0)
        rc = -1;
    /* "setup" is QEMU listening after migrate-incoming: nobody came yet */
    if (rc == 0)
        rc = stats.status != QEMU_MONITOR_MIGRATION_STATUS_NONE &&
             stats.status != QEMU_MONITOR_MIGRATION_STATUS_SETUP;
    qemuMonitorMigrationStatsClear(&stats);
    return rc;
}


/* v2, the client gone: ends the incoming migration of @vm (which owns
 * its job, phase finish2) if its stream has ended, keeping a complete
 * copy paused and destroying an incomplete one.  Returns false, with
 * nothing done, while the stream still runs. */
static bool
qemuMigrationDstOrphanDecide(virDomainObj *vm, const char *why)
{
    switch (vm->job->current->status) {
    case VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED:
    case VIR_DOMAIN_JOB_STATUS_COMPLETED:
        qemuMigrationDstPersistV2(vm, vm->job->apiFlags);
        qemuMigrationDstKeepPaused(vm, why);
        return true;
    case VIR_DOMAIN_JOB_STATUS_NONE:
    case VIR_DOMAIN_JOB_STATUS_FAILED:
    case VIR_DOMAIN_JOB_STATUS_CANCELED:
    case VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED:
        VIR_WARN("incoming migration of domain %s (protocol v2) did not complete and its client gave up; destroying it",
                 vm->def->name);
        qemuMigrationDstDiscard(vm);
        return true;
    case VIR_DOMAIN_JOB_STATUS_ACTIVE:
    case VIR_DOMAIN_JOB_STATUS_MIGRATING:
    case VIR_DOMAIN_JOB_STATUS_PAUSED:
    case VIR_DOMAIN_JOB_STATUS_POSTCOPY:
    case VIR_DOMAIN_JOB_STATUS_LAST:
    default:
        return false;
    }
}


/* ---- an orphaned v2 stream that stopped arriving ----
 *
 * QEMU's incoming side reads its stream without ever writing, so a stream
 * whose link was cut for good never ends there: no error comes, and the
 * orphan would wait forever, paused, its port and job held.  Its QEMU is
 * watched instead: while the bytes it reads (/proc/PID/io, rchar: the
 * stream is nearly all of it) grow, the stream lives.  An incomplete
 * stream that brought nothing for longer than a TCP sender keeps
 * retransmitting unacknowledged data (net.ipv4.tcp_retries2 of this
 * namespace, the RTO doubling from 200 ms up to 120 s: about 15 minutes
 * by default) cannot bring anything any more, since the sender has given
 * up: the incoming copy goes (its source, if it did not send everything,
 * runs on; if it did, the part still missing is lost anyway). */

#define QEMU_MIGRATION_DST_STALL_TICK_MS 2000
#define QEMU_MIGRATION_DST_STALL_BYTES (64 * 1024)

typedef struct {
    virDomainObj *vm;           /* a reference */
    unsigned int procGen;       /* of the QEMU watched */
    unsigned long long read;    /* rchar when it last grew enough */
    long long since;            /* monotonic ms of that */
} qemuMigrationDstStall;


/* Bytes process @pid has read so far, or 0 if that cannot be told. */
static unsigned long long
qemuMigrationDstProcRead(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%lld/io", (long long)pid);
    g_autofree char *buf = NULL;
    const char *p;

    if (virFileReadAll(path, 4096, &buf) < 0) {
        virErrorResetLast();
        return 0;
    }
    if (!(p = strstr(buf, "rchar:")))
        return 0;
    return g_ascii_strtoull(p + strlen("rchar:"), NULL, 10);
}


/* How long (ms) a TCP sender in this network namespace retransmits
 * unacknowledged data before giving up. */
static long long
qemuMigrationDstTCPGiveUpMs(void)
{
    g_autofree char *buf = NULL;
    unsigned long long retries = 15;
    long long rto = 200;
    long long total = 0;
    unsigned long long i;

    if (virFileReadAll("/proc/sys/net/ipv4/tcp_retries2", 64, &buf) < 0)
        virErrorResetLast();
    else
        retries = MIN(g_ascii_strtoull(buf, NULL, 10), 255);
    for (i = 0; i <= retries; i++) {
        total += rto;
        rto = MIN(rto * 2, 120000);
    }
    return total;
}


static void qemuMigrationDstStallCheck(void *data);

static void
qemuMigrationDstStallFree(void *data)
{
    qemuMigrationDstStall *st = data;

    virObjectUnref(st->vm);
    g_free(st);
}


static void
qemuMigrationDstStallQueue(virDomainObj *vm, unsigned long long read,
                           long long since)
{
    qemuMigrationDstStall *st = g_new0(qemuMigrationDstStall, 1);

    st->vm = virObjectRef(vm);
    st->procGen = QEMU_DOMAIN_PRIVATE(vm)->procGen;
    st->read = read;
    st->since = since;
    qemuEventLoopSubmitLater(qemu_driver->eventLoop,
                             QEMU_MIGRATION_DST_STALL_TICK_MS,
                             qemuMigrationDstStallCheck, st,
                             qemuMigrationDstStallFree);
}


/* Worker: one look at an orphaned stream (@data). */
static void
qemuMigrationDstStallCheck(void *data)
{
    qemuMigrationDstStall *st = data;
    virDomainObj *vm = st->vm;
    qemuDomainObjPrivate *priv = vm->privateData;
    unsigned long long read;
    long long now = virTimeMonotonicMs();

    virObjectLock(vm);
    if (!virDomainObjIsActive(vm) || priv->procGen != st->procGen ||
        !priv->migrationOrphaned ||
        vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN ||
        vm->job->asyncOwner != 0)
        goto out;
    read = qemuMigrationDstProcRead(vm->pid);
    if (read < st->read || read - st->read >= QEMU_MIGRATION_DST_STALL_BYTES) {
        st->read = read;
        st->since = now;
    }
    if (now - st->since <= qemuMigrationDstTCPGiveUpMs()) {
        qemuMigrationDstStallQueue(vm, st->read, st->since);
        goto out;
    }
    VIR_WARN("the orphaned incoming migration of domain %s (protocol v2) brought nothing for %lld s, longer than its sender retransmits; destroying the incomplete copy",
             vm->def->name, (now - st->since) / 1000);
    if (qemuMigrationDstTakeOver(vm, QEMU_MIGRATION_PHASE_FINISH2) < 0) {
        virErrorResetLast();
        goto out;
    }
    if (!qemuMigrationDstOrphanDecide(vm, "its incoming migration (protocol v2) completed after its client gave up"))
        qemuMigrationDstDiscard(vm);
 out:
    virObjectUnlock(vm);
}


/* Parks the incoming migration of locked @vm (owning its job, phase
 * finish2) without a client: the stream's end decides
 * (qemuMigrationDstIncomingEvent), or its stall. */
static void
qemuMigrationDstOrphan(virDomainObj *vm)
{
    QEMU_DOMAIN_PRIVATE(vm)->migrationOrphaned = true;
    qemuMigrationJobContinue(vm, qemuMigrationDstPrepareCleanup);
    qemuMigrationDstStallQueue(vm, qemuMigrationDstProcRead(vm->pid),
                               virTimeMonotonicMs());
}


/*
 * Close callback of a v2 incoming migration (set by Prepare2, unset when
 * Finish2 takes the job over): the client is gone before Finish2.  Runs on
 * a driver worker with @vm locked and no job.  Perform stops the source
 * as soon as its data is sent, so what decides is the stream, and nothing
 * waits for it here:
 *   - no source ever connected: the domain goes, as libvirt's
 *     auto-destroy does (a source about to connect fails and resumes);
 *   - the stream ended: kept paused if it completed (the guest's only
 *     copy), destroyed if it failed (the source runs again);
 *   - the stream runs: the job is parked in phase finish2, marked
 *     orphaned; its end (a MIGRATION event, qemuMigrationDstIncomingEvent)
 *     brings the same decision.  QEMU dying meanwhile drops the job (the
 *     Prepare cleanup callback); "virsh destroy" ends it too.
 */
static void
qemuMigrationDstConnectionClosedV2(virDomainObj *vm)
{
    int started;

    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN ||
        vm->job->phase != QEMU_MIGRATION_PHASE_PREPARE ||
        vm->job->asyncOwner != 0)
        return;
    VIR_INFO("the client of the incoming migration of domain %s (protocol v2) disconnected before Finish2",
             vm->def->name);
    if (qemuMigrationDstTakeOver(vm, QEMU_MIGRATION_PHASE_FINISH2) < 0) {
        VIR_WARN("cannot take over the incoming migration of domain %s: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return;
    }
    if ((started = qemuMigrationDstIncomingStarted(vm)) <= 0) {
        VIR_WARN("incoming migration of domain %s (protocol v2) abandoned by its client before any data came; destroying it",
                 vm->def->name);
        virErrorResetLast();
        qemuMigrationDstDiscard(vm);
        return;
    }
    /* events that came during the query already updated the status */
    if (qemuMigrationDstOrphanDecide(vm, "the client of its incoming migration (protocol v2) went away before Finish2"))
        return;
    VIR_INFO("incoming migration of domain %s (protocol v2) goes on without its client; its end decides",
             vm->def->name);
    qemuMigrationDstOrphan(vm);
}


/* Worker: the stream of an orphaned v2 incoming migration (@data, a
 * domain reference) ended. */
static void
qemuMigrationDstOrphanEnded(void *data)
{
    virDomainObj *vm = data;

    virObjectLock(vm);
    if (virDomainObjIsActive(vm) &&
        vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN &&
        vm->job->asyncOwner == 0 &&
        qemuMigrationDstTakeOver(vm, QEMU_MIGRATION_PHASE_FINISH2) == 0 &&
        !qemuMigrationDstOrphanDecide(vm, "its incoming migration (protocol v2) completed after its client gave up")) {
        qemuMigrationDstOrphan(vm);
    }
    virErrorResetLast();
    virObjectUnlock(vm);
}


static void
qemuMigrationDstOrphanFree(void *data)
{
    virObjectUnref(data);
}


/**
 * qemuMigrationDstIncomingEvent:
 * QEMU's MIGRATION event changed the job status of @vm's incoming
 * migration (@vm locked; monitor or event thread).  An orphaned v2
 * migration whose stream has ended is finished on a driver worker.
 */
void
qemuMigrationDstIncomingEvent(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    switch (vm->job->current->status) {
    case VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED:
    case VIR_DOMAIN_JOB_STATUS_COMPLETED:
    case VIR_DOMAIN_JOB_STATUS_FAILED:
    case VIR_DOMAIN_JOB_STATUS_CANCELED:
    case VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED:
        break;
    case VIR_DOMAIN_JOB_STATUS_NONE:
    case VIR_DOMAIN_JOB_STATUS_ACTIVE:
    case VIR_DOMAIN_JOB_STATUS_MIGRATING:
    case VIR_DOMAIN_JOB_STATUS_PAUSED:
    case VIR_DOMAIN_JOB_STATUS_POSTCOPY:
    case VIR_DOMAIN_JOB_STATUS_LAST:
    default:
        return;
    }
    if (!priv->migrationOrphaned)
        return;
    priv->migrationOrphaned = false;
    qemuEventLoopSubmit(qemu_driver->eventLoop, qemuMigrationDstOrphanEnded,
                        virObjectRef(vm), qemuMigrationDstOrphanFree);
}


/* The client of an offline migration left between Prepare3 and Finish3:
 * the definition it sent is dropped (nothing else exists here). */
static void
qemuMigrationDstOfflineAbandoned(virDomainObj *vm)
{
    VIR_WARN("the client of the offline migration of domain %s disconnected before Finish; dropping the incoming definition",
             vm->def->name);
    if (qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_FINISH3) < 0) {
        VIR_WARN("cannot end the offline migration of domain %s: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return;
    }
    qemuDomainCleanupRemove(vm, qemuMigrationDstPrepareCleanup);
    qemuMigrationDstDiscard(vm);
}


/*
 * Close callback of a v3 incoming migration (set by Prepare3 for the
 * client's connection, unset by Finish3): the client is gone, so no
 * Finish3 will come.  Runs with @vm locked and no job.  A Finish3 already
 * running decides by itself.  Otherwise the incoming domain goes
 * (SHUTOFF/destroyed; its cleanup callback releases the port and drops
 * the job), as libvirt's auto-destroy does, even when the stream had
 * completed: in v3 the source keeps its QEMU, paused, until Confirm3,
 * which cannot come any more, so killing this copy never loses the
 * guest, and keeping it would leave two.
 */
static void
qemuMigrationDstConnectionClosed(virDomainObj *vm)
{
    bool complete;

    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN ||
        vm->job->phase != QEMU_MIGRATION_PHASE_PREPARE)
        return;
    if (vm->job->asyncOwner != 0) {
        VIR_DEBUG("Finish of domain %s is running; it decides", vm->def->name);
        return;
    }
    if (!virDomainObjIsActive(vm)) {
        qemuMigrationDstOfflineAbandoned(vm);
        return;
    }
    complete = vm->job->current &&
               vm->job->current->status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED;
    VIR_WARN("the client of the incoming migration of domain %s disconnected before Finish; destroying the incoming domain (%s)",
             vm->def->name,
             complete ? "its stream completed, but the source keeps the guest paused until Confirm"
                      : "the source still has the guest");
    if (qemuProcessDestroy(vm, false) < 0) {
        VIR_WARN("cannot destroy the incoming domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}
