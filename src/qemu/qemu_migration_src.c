/*
 * qemu_migration_src.c: the source side of a migration: Begin, Perform,
 * Confirm (v3) and Perform (v2)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With change protection (always, for v3 from stock clients) one
 * MIGRATION_OUT async job runs from Begin to Confirm: Begin starts it and
 * parks it, Perform and Confirm take it over on whatever worker thread
 * they run.  The guest keeps running on the source until QEMU stops its
 * vCPUs at switch-over; Confirm then either stops QEMU (the destination
 * has the guest) or resumes the vCPUs (it does not), so the guest runs on
 * exactly one host.  Protocol v2 has no Begin or Confirm: its Perform is
 * one whole job that stops the source QEMU as soon as the data is sent.
 *
 * A parked job is watched twice: a cleanup callback drops it if QEMU
 * stops meanwhile, and a close callback acts when the client driving the
 * migration disconnects (qemuMigrationSrcConnectionClosed).
 */
#include <config.h>

#include "qemu_closecallbacks.h"
#include "qemu_migration_converge.h"
#include "qemu_migration.h"
#include "qemu_migration_job.h"
#include "qemu_migration_nbd.h"
#include "qemu_migration_params.h"
#include "qemu_migration_peer.h"
#include "qemu_migration_tunnel.h"
#include "qemu_migration_undecided.h"
#include "qemu_migration_tls.h"
#include "qemu_migration_uri.h"
#include "qemu_domainjob.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_domain.h"
#include "domain_conf.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virsocket.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_src");

/* The name of the migration stream the daemon connected, in QEMU. */
#define QEMU_MIGRATION_SRC_FD "migrate"
#define QEMU_MIGRATION_SRC_FD_URI "fd:" QEMU_MIGRATION_SRC_FD

/* How often a transfer looks whether the destination's daemon is still
 * connected (peer-to-peer). */
#define QEMU_MIGRATION_SRC_PEER_CHECK_MS 500

static void qemuMigrationSrcConnectionClosed(virDomainObj *vm);


/* Cleanup callback of a parked MIGRATION_OUT job: QEMU stopped (it died,
 * or was destroyed) between two steps, so no step will end the job.  A
 * step that runs handles the death itself. */
static void
qemuMigrationSrcCleanup(virDomainObj *vm)
{
    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT ||
        vm->job->asyncOwner != 0)
        return;
    VIR_INFO("domain %s stopped while its migration was in phase %s; dropping the job",
             vm->def->name, qemuMigrationJobPhaseTypeToString(vm->job->phase));
    qemuCloseCallbacksUnset(vm, qemuMigrationSrcConnectionClosed);
    qemuMigrationAnyDropParams(vm);
    qemuDomainObjDiscardAsyncJob(vm);
}


/* A post-copy recovery takes the parked job of locked @vm over: the
 * callbacks of the first migration go. */
void
qemuMigrationSrcUnwatch(virDomainObj *vm)
{
    qemuCloseCallbacksUnset(vm, qemuMigrationSrcConnectionClosed);
    qemuDomainCleanupRemove(vm, qemuMigrationSrcCleanup);
}


/* Parks the job of locked @vm until the next step of the client on
 * @conn, watched by the cleanup and close callbacks. */
static void
qemuMigrationSrcPark(virDomainObj *vm, virConn *conn)
{
    qemuCloseCallbacksSet(vm, conn, qemuMigrationSrcConnectionClosed);
    qemuMigrationJobContinue(vm, qemuMigrationSrcCleanup);
}


/* Ends whatever Begin took: the async job (parked when @ok), or the
 * MODIFY job without change protection. */
static void
qemuMigrationSrcBeginEndJob(virDomainObj *vm, virConn *conn, bool protect,
                            bool ok)
{
    if (!protect)
        virDomainObjEndJob(vm);
    else if (ok)
        qemuMigrationSrcPark(vm, conn);
    else
        qemuMigrationJobFinish(vm);
}


/* The XML the destination gets: the user's (destination_xml) as given,
 * else the live definition without host-local details. */
static char *
qemuMigrationSrcBeginXML(virDomainObj *vm, const qemuMigrationArgs *args)
{
    const char *xmlin = args->destXML;
    g_autoptr(virDomainDef) def = NULL;
    /* offline: only the definition the guest boots with next moves */
    virDomainDef *current = (args->flags & VIR_MIGRATE_OFFLINE) && vm->newDef ?
                            vm->newDef : vm->def;

    if (!xmlin)
        return virDomainDefFormat(current, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                  VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
    if (!(def = qemuDomainDefParseConfig(xmlin, false)))
        return NULL;
    if (virDomainDefCheckABIStability(vm->def, def) < 0)
        return NULL;
    return virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                              VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
}


/**
 * qemuMigrationSrcBegin:
 * Begin3: checks that @vm can migrate with these flags and parameters,
 * starts (with CHANGE_PROTECTION) the MIGRATION_OUT job in phase begin3,
 * and returns the domain XML for the destination; the cookie goes to
 * args->cookieout.  Nothing in QEMU changes.  With VIR_MIGRATE_OFFLINE
 * the domain may be inactive and its persistent definition is returned.
 * @vm locked and referenced.
 */
char *
qemuMigrationSrcBegin(virDomainObj *vm, qemuMigrationArgs *args)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    bool protect = args->flags & VIR_MIGRATE_CHANGE_PROTECTION;
    g_autofree char *xml = NULL;
    int rc;

    rc = protect ? qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT,
                                         args->flags)
                 : virDomainObjBeginJob(vm, VIR_JOB_MODIFY);
    if (rc < 0)
        return NULL;
    priv->preMigrationState = virDomainObjGetState(vm, NULL);
    if (protect)
        priv->migrationProtocol = 3;
    if ((!(args->flags & VIR_MIGRATE_OFFLINE) && virDomainObjCheckActive(vm) < 0) ||
        (protect && qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_BEGIN3) < 0) ||
        qemuMigrationSrcNBDBegin(vm, args) < 0 ||
        !(xml = qemuMigrationSrcBeginXML(vm, args)) ||
        qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_BEGIN, args) < 0) {
        qemuMigrationSrcBeginEndJob(vm, args->conn, protect, false);
        return NULL;
    }
    VIR_INFO("migration of domain %s begins (flags 0x%llx)", vm->def->name,
             args->flags);
    qemuMigrationSrcBeginEndJob(vm, args->conn, protect, true);
    return g_steal_pointer(&xml);
}


/* Resumes the source if it ran before the migration (failure paths). */
static void
qemuMigrationSrcRestoreRunning(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int reason = 0;

    if (!virDomainObjIsActive(vm) ||
        priv->preMigrationState != VIR_DOMAIN_RUNNING ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED)
        return;
    if (qemuDomainObjIsPostcopy(vm)) {
        VIR_WARN("not resuming domain %s: the destination ran it in post-copy",
                 vm->def->name);
        return;
    }
    VIR_INFO("resuming domain %s after a failed migration", vm->def->name);
    if (qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED,
                             VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        VIR_WARN("could not resume domain %s: %s", vm->def->name,
                 virErrorGetLastMessage());
}


/* Sets QEMU's capabilities and parameters for this migration, keeping
 * the original ones to restore afterwards, and sets up the convergence
 * policy @cv.  Returns 0 or -1. */
static int
qemuMigrationSrcApplyParams(virDomainObj *vm, qemuMigrationArgs *args,
                            qemuMigrationConverge *cv)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationParams) migParams = g_steal_pointer(&args->migParams);
    int rc = -1;

    if (!migParams) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the migration parameters were applied already"));
        return -1;
    }
    if (qemuMigrationParamsSetMaxBandwidth(migParams, priv->migMaxBandwidth) < 0)
        return -1;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    if (qemuMigrationAnyPrepareParams(vm, priv->mon, migParams,
                                      QEMU_MIGRATION_SOURCE) == 0 &&
        qemuMigrationAnySetupTLS(vm, priv->mon, migParams,
                                 QEMU_MIGRATION_SOURCE, args->flags) == 0 &&
        qemuMigrationConvergeSetup(cv, vm, args, migParams) == 0)
        rc = qemuMigrationParamsApply(priv->mon, VIR_ASYNC_JOB_MIGRATION_OUT,
                                      migParams, priv->migrationCaps,
                                      args->flags);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


static int
qemuMigrationSrcStart(virDomainObj *vm, const char *uri)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    if (vm->job->abortJob) {
        vm->job->current->status = VIR_DOMAIN_JOB_STATUS_CANCELED;
        virReportError(VIR_ERR_OPERATION_ABORTED, _("job '%1$s' canceled by client"),
                       "migration out");
        return -1;
    }
    /* before the command: QEMU's events may come before its reply, and
     * the status they set must not be overwritten */
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_MIGRATING;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    rc = qemuMonitorMigrate(priv->mon, uri, false);
    if (rc < 0 && STREQ(uri, QEMU_MIGRATION_SRC_FD_URI))
        ignore_value(qemuMonitorCloseFileHandle(priv->mon, QEMU_MIGRATION_SRC_FD));
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    return 0;
}


/* As libvirt, the daemon opens a plain TCP migration stream itself, with
 * Nagle's algorithm off, and hands it to QEMU as "fd:migrate".  QEMU's
 * own connection keeps Nagle on: the last bytes of the device state then
 * waited for the destination's delayed acknowledgement, and 4 migrations
 * in 10 had 40 ms more downtime.  Not with --parallel, whose channels
 * QEMU opens itself.  With TLS, QEMU can no longer take the host name to
 * check the certificate against from the URI: tls-hostname gets it,
 * unless the client chose one (tls.destination).  Sets *@dest to the
 * parsed URI when the daemon is to connect (NULL otherwise).  Returns 0
 * or -1 (reported). */
static int
qemuMigrationSrcOwnStream(qemuMigrationArgs *args, const char *uri,
                          qemuMigrationURI **dest)
{
    *dest = NULL;
    if ((args->flags & VIR_MIGRATE_PARALLEL) || !STRPREFIX(uri, "tcp:"))
        return 0;
    if (!(*dest = qemuMigrationAnyParseURI(uri)))
        return -1;
    if (!(args->flags & VIR_MIGRATE_TLS) || args->tlsDestination ||
        !args->migParams)
        return 0;
    return qemuMigrationParamsSetString(args->migParams,
                                        QEMU_MIGRATION_PARAM_TLS_HOSTNAME,
                                        (*dest)->host);
}


/* Connects to @dest (see qemuMigrationSrcOwnStream) with the domain
 * unlocked and passes the socket to QEMU.  Returns the URI to give QEMU
 * (caller owns it), or NULL (reported). */
static char *
qemuMigrationSrcConnect(virDomainObj *vm, const qemuMigrationURI *dest)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *port = g_strdup_printf("%u", dest->port);
    VIR_AUTOCLOSE fd = -1;
    int rc;

    qemuDomainObjEnterRemote(vm);
    fd = virSocketConnectTCP(dest->host, port);
    if (qemuDomainObjExitRemote(vm, true) < 0 || fd < 0)
        return NULL;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return NULL;
    rc = qemuMonitorSendFileHandle(priv->mon, QEMU_MIGRATION_SRC_FD, fd);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return NULL;
    return g_strdup(QEMU_MIGRATION_SRC_FD_URI);
}


/* pre-switchover: QEMU waits for us before stopping the vCPUs. */
static int
qemuMigrationSrcContinue(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    /* before the command: the postcopy-active or completed event may
     * come before its reply (seen with post-copy), and must stay */
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_MIGRATING;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    rc = qemuMonitorMigrateContinue(priv->mon,
                                    QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    return 0;
}


/* Peer-to-peer: fails (reported) once the connection to the
 * destination's daemon is lost (keepalive, EOF): nothing would finish
 * the migration there. */
static int
qemuMigrationSrcCheckPeer(const qemuMigrationArgs *args)
{
    virConn *dconn = args->dconn;

    if (!dconn || !dconn->driver->connectIsAlive ||
        dconn->driver->connectIsAlive(dconn) == 1)
        return 0;
    virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                   _("Lost connection to destination host"));
    return -1;
}


/* --abort-on-error: fails (reported) once the guest is paused by an I/O
 * error, as libvirt's wait for completion does. */
static int
qemuMigrationSrcCheckIOError(virDomainObj *vm, const qemuMigrationArgs *args)
{
    int reason = 0;

    if (!(args->flags & VIR_MIGRATE_ABORT_ON_ERROR) ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED ||
        reason != VIR_DOMAIN_PAUSED_IOERROR)
        return 0;
    virReportError(VIR_ERR_OPERATION_FAILED, _("job '%1$s' failed due to I/O error"),
                   "migration out");
    return -1;
}


/* Waits for QEMU to finish sending, continuing at pre-switchover (once
 * the disk mirrors, if any, completed); the convergence policy @cv,
 * the destination's connection, if any, and with --abort-on-error the
 * guest's state are looked at now and then. */
static int
qemuMigrationSrcWaitDone(virDomainObj *vm, const qemuMigrationArgs *args,
                         qemuMigrationConverge *cv)
{
    bool postcopy = args->flags & VIR_MIGRATE_POSTCOPY;
    long long slice = cv->enabled ? QEMU_MIGRATION_CONVERGE_PERIOD_MS
                                  : QEMU_MIGRATION_SRC_PEER_CHECK_MS;
    int rc;

    for (;;) {
        if (qemuMigrationSrcCheckIOError(vm, args) < 0)
            return -1;
        rc = qemuMigrationAnyWaitFor(vm, VIR_ASYNC_JOB_MIGRATION_OUT, postcopy,
                                     slice);
        if (rc == 2 && qemuMigrationSrcCheckPeer(args) < 0)
            return -1;
        if (rc == 2 && cv->enabled)
            qemuMigrationConvergeCheck(cv, vm);
        if (rc == 1 && (qemuMigrationSrcNBDComplete(vm) < 0 ||
                        qemuMigrationSrcContinue(vm) < 0))
            return -1;
        if (rc != 1 && rc != 2)
            return rc;
    }
}


/* Final statistics of a successful transfer, for domjobinfo --completed
 * and the cookie. */
static void
qemuMigrationSrcFinishStats(virDomainObj *vm)
{
    virDomainJobData *cur = vm->job->current;

    if (qemuMigrationAnyRefreshStats(vm, VIR_ASYNC_JOB_MIGRATION_OUT, cur) < 0)
        VIR_WARN("no final statistics for domain %s", vm->def->name);
    qemuDomainJobDataUpdateDowntime(cur);
    cur->sent = virTimeMillisNow();
    g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
    vm->job->completed = virDomainJobDataCopy(cur);
    vm->job->completed->status = VIR_DOMAIN_JOB_STATUS_COMPLETED;
}


/* The speed of this migration: the "bandwidth" parameter (MiB/s) while it
 * runs, else the domain's migrate-setspeed value (libvirt's rule, so
 * migrate-getspeed shows it meanwhile).  Returns 1 with the value to put
 * back afterwards in *@restore, 0 when there is none. */
static int
qemuMigrationSrcUseBandwidth(virDomainObj *vm, const qemuMigrationArgs *args,
                             unsigned long long *restore)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    unsigned long long bandwidth = args->bandwidth;

    if (!bandwidth)
        return 0;
    *restore = priv->migMaxBandwidth;
    priv->migMaxBandwidth = bandwidth;
    return 1;
}


/* The transfer itself: parameters, migrate, wait.  On failure a running
 * QEMU migration is cancelled.  Returns 0 or -1 (reported). */
static int
qemuMigrationSrcTransfer(virDomainObj *vm, qemuMigrationArgs *args, const char *uri)
{
    qemuMigrationConverge cv = { 0 };
    g_autoptr(qemuMigrationURI) dest = NULL;
    g_autofree char *qemuURI = NULL;
    bool started = false;
    virError *err = NULL;

    if (qemuMigrationSrcOwnStream(args, uri, &dest) < 0 ||
        qemuMigrationSrcApplyParams(vm, args, &cv) < 0 ||
        qemuMigrationSrcNBDCopy(vm, args, uri) < 0)
        goto error;
    if (!(args->flags & VIR_MIGRATE_LIVE) &&
        qemuProcessStopCPUs(vm, VIR_DOMAIN_PAUSED_MIGRATION,
                            VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        goto error;
    if (!(qemuURI = dest ? qemuMigrationSrcConnect(vm, dest) : g_strdup(uri)) ||
        qemuMigrationSrcStart(vm, qemuURI) < 0)
        goto error;
    started = true;
    if (qemuMigrationSrcWaitDone(vm, args, &cv) < 0)
        goto error;
    qemuMigrationSrcFinishStats(vm);
    return 0;

 error:
    virErrorPreserveLast(&err);
    if (started && virDomainObjIsActive(vm) &&
        vm->job->current->status != VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED &&
        vm->job->current->status != VIR_DOMAIN_JOB_STATUS_CANCELED) {
        ignore_value(qemuMigrationSrcCancel(vm, VIR_ASYNC_JOB_MIGRATION_OUT));
        ignore_value(qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_MIGRATION_OUT, false));
    }
    qemuMigrationSrcNBDCancel(vm);
    if (vm->job->current->status != VIR_DOMAIN_JOB_STATUS_CANCELED)
        vm->job->current->status = VIR_DOMAIN_JOB_STATUS_FAILED;
    virErrorRestore(&err);
    return -1;
}


/* Tunnelled: the transfer into the socket whose data goes on
 * args->stream (qemu_migration_tunnel.c).  Returns 0 once the
 * destination confirmed all of it, or -1 (reported). */
static int
qemuMigrationSrcTransferTunnelled(virDomainObj *vm, qemuMigrationArgs *args)
{
    qemuMigrationTunnel *tunnel = qemuMigrationSrcTunnelStart(args->stream);
    virError *err = NULL;
    int rc;

    if (!tunnel)
        return -1;
    rc = qemuMigrationSrcTransfer(vm, args, qemuMigrationSrcTunnelURI(tunnel));
    if (rc < 0)
        virErrorPreserveLast(&err);
    qemuDomainObjEnterRemote(vm);
    /* a tunnel that failed by itself is the cause: its error wins */
    if (qemuMigrationSrcTunnelStop(tunnel, rc < 0) < 0) {
        rc = -1;
        g_clear_pointer(&err, virErrorFree);
    }
    ignore_value(qemuDomainObjExitRemote(vm, false));
    if (err)
        virErrorRestore(&err);
    return rc;
}


/* The transfer, at the speed of qemuMigrationSrcUseBandwidth.  Returns 0
 * or -1 (reported). */
static int
qemuMigrationSrcRun(virDomainObj *vm, qemuMigrationArgs *args, const char *uri)
{
    unsigned long long restore = 0;
    int temporary = qemuMigrationSrcUseBandwidth(vm, args, &restore);
    int rc;

    if (temporary < 0)
        return -1;
    if (args->stream)
        rc = qemuMigrationSrcTransferTunnelled(vm, args);
    else
        rc = qemuMigrationSrcTransfer(vm, args, uri);
    if (temporary)
        QEMU_DOMAIN_PRIVATE(vm)->migMaxBandwidth = restore;
    return rc;
}


/* The URI QEMU sends to, from migrate_uri of Prepare (or the user's),
 * in either spelling ("tcp:HOST:PORT" or "tcp://HOST:PORT").  Caller owns
 * the result.  Returns it, or NULL (reported). */
char *
qemuMigrationSrcURI(const qemuMigrationArgs *args)
{
    const char *uri = args->uri;

    if (!uri) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("missing migration URI: the destination did not give one"));
        return NULL;
    }
    return qemuMigrationSrcQEMUURI(uri);
}


/* Failure of Perform: roll the source back, end the job. */
static void
qemuMigrationSrcPerformFailed(virDomainObj *vm)
{
    virError *err = NULL;

    virErrorPreserveLast(&err);
    qemuCloseCallbacksUnset(vm, qemuMigrationSrcConnectionClosed);
    qemuMigrationSrcRestoreRunning(vm);
    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_MIGRATION_OUT);
    qemuDomainJobSaveCompleted(vm, vm->job->current->status);
    qemuMigrationJobFinish(vm);
    virErrorRestore(&err);
}


/**
 * qemuMigrationSrcPerform:
 * Perform3 (client-managed): sends the guest to the URI Prepare gave,
 * leaving the source paused at switch-over; the job stays in phase
 * perform3_done until Confirm.  On failure the source runs again and the
 * job ends (the client calls Finish3(cancelled) and no Confirm3).
 * @vm locked and referenced.  Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcPerform(virDomainObj *vm, qemuMigrationArgs *args)
{
    g_autofree char *uri = NULL;

    if (!(args->flags & VIR_MIGRATE_CHANGE_PROTECTION)) {
        g_autofree char *names =
            qemuMigrationArgsFlagNames(VIR_MIGRATE_CHANGE_PROTECTION);

        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("migration v3 without change protection is not supported: needs %1$s"),
                       names);
        return -1;
    }
    if (!qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_OUT) ||
        qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_PERFORM3) < 0)
        return -1;
    if ((!args->stream && !(uri = qemuMigrationSrcURI(args))) ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_PERFORM, args) < 0 ||
        qemuMigrationSrcRun(vm, args, uri) < 0 ||
        qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PERFORM3_DONE) < 0) {
        qemuMigrationSrcPerformFailed(vm);
        return -1;
    }
    if (qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_PERFORM, args) < 0)
        VIR_WARN("no cookie for the destination of %s: %s", vm->def->name,
                 virErrorGetLastMessage());
    VIR_INFO("domain %s sent; waiting for confirmation", vm->def->name);
    qemuMigrationSrcPark(vm, args->conn);
    return 0;
}


/* The destination runs the guest: stop ours, record the completed job
 * and tell clients (STOPPED/MIGRATED, then JOB_COMPLETED), and only then,
 * with VIR_MIGRATE_UNDEFINE_SOURCE in @flags, remove its definition,
 * without an event: libvirt 9.0's order (qemuMigrationSrcComplete, then
 * the virDomainDeleteConfig at the end of qemuMigrationSrcConfirm), and
 * stock libvirtd sends no UNDEFINED there (observed: STOPPED/MIGRATED,
 * JOB_COMPLETED and nothing else). */
void
qemuMigrationSrcComplete(virDomainObj *vm, unsigned long long flags)
{
    qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_MIGRATED,
                    VIR_ASYNC_JOB_MIGRATION_OUT, QEMU_PROCESS_STOP_MIGRATED);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                  VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
    qemuDomainJobSaveCompleted(vm, VIR_DOMAIN_JOB_STATUS_COMPLETED);
    qemuDomainEventQueueJobCompleted(vm);
    if ((flags & VIR_MIGRATE_UNDEFINE_SOURCE) && vm->persistent &&
        qemuDomainConfigDelete(vm) == 0)
        vm->persistent = false;
}


/* Confirm3 of an offline migration: only the definition moved, so nothing
 * stops here; with UNDEFINE_SOURCE an inactive domain's definition goes
 * (a running one keeps it), without an event, as in libvirt.  Ends the
 * job. */
static void
qemuMigrationSrcConfirmOffline(virDomainObj *vm, const qemuMigrationArgs *args)
{
    VIR_INFO("offline migration of domain %s %s", vm->def->name,
             args->cancelled ? "cancelled" : "confirmed");
    qemuDomainCleanupRemove(vm, qemuMigrationSrcCleanup);
    if (!args->cancelled && (args->flags & VIR_MIGRATE_UNDEFINE_SOURCE) &&
        !virDomainObjIsActive(vm) && vm->persistent &&
        qemuDomainConfigDelete(vm) == 0)
        vm->persistent = false;
    qemuMigrationJobFinish(vm);
    if (!virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
}


/* Whether Confirm3 undoes the migration: as the client says, except when
 * QEMU finished sending a post-copy migration although Finish failed
 * (the destination has the whole guest then). */
static bool
qemuMigrationSrcConfirmCancelled(virDomainObj *vm, const qemuMigrationArgs *args,
                                 bool postcopy)
{
    if (!args->cancelled)
        return false;
    if (postcopy &&
        vm->job->current->status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED) {
        VIR_INFO("post-copy migration of %s completed although Finish failed",
                 vm->def->name);
        return false;
    }
    return true;
}


/* Post-copy: the statistics taken at the switch are obsolete once QEMU
 * has sent everything; the completed record Confirm keeps is made from
 * fresh ones (QEMU's downtime included, as libvirt shows it). */
void
qemuMigrationSrcPostcopyStats(virDomainObj *vm)
{
    if (qemuMigrationAnyRefreshStats(vm, VIR_ASYNC_JOB_MIGRATION_OUT,
                                     vm->job->current) < 0)
        VIR_WARN("no final post-copy statistics for domain %s", vm->def->name);
}


/* What the source does with a guest it sent when the client's word does
 * not settle it (docs/internals/recovery.rst). */
typedef enum {
    QEMU_MIGRATION_SRC_SENT_RESUME,   /* the destination has no copy */
    QEMU_MIGRATION_SRC_SENT_STOP,     /* the destination has the guest */
    QEMU_MIGRATION_SRC_SENT_HOLD,     /* cannot tell: stay paused */
} qemuMigrationSrcSentAction;


/* Asks the destination what became of the guest @vm sent.  A stock
 * destination (no <virtmig-peer> in its cookie) cannot be asked: then
 * @stockResume says whether to do as libvirt (resume on Confirm3
 * cancelled) or to hold.  @vm locked, holding its MIGRATION_OUT job. */
static qemuMigrationSrcSentAction
qemuMigrationSrcSentDecide(virDomainObj *vm, bool stockResume)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->migrationPeer) {
        VIR_WARN("the destination of domain %s is not a virtmigd host and cannot be asked whether it runs the guest; %s, as libvirt does",
                 vm->def->name, stockResume ? "resuming it" : "it stays paused");
        return stockResume ? QEMU_MIGRATION_SRC_SENT_RESUME
                           : QEMU_MIGRATION_SRC_SENT_HOLD;
    }
    switch (qemuMigrationPeerAsk(vm, QEMU_MIGRATION_PEER_PENDING_WAIT_MS)) {
    case QEMU_MIGRATION_PEER_ABSENT:
        return QEMU_MIGRATION_SRC_SENT_RESUME;
    case QEMU_MIGRATION_PEER_RUNS:
    case QEMU_MIGRATION_PEER_HAS:
        return QEMU_MIGRATION_SRC_SENT_STOP;
    case QEMU_MIGRATION_PEER_UNKNOWN:
    case QEMU_MIGRATION_PEER_PENDING:
    case QEMU_MIGRATION_PEER_LAST:
    default:
        return QEMU_MIGRATION_SRC_SENT_HOLD;
    }
}


/* Cannot tell whether the destination runs the guest: the source stays
 * paused, with a reason of its own (paused/unknown: the outcome is
 * unknown; libvirt 9.0 has no better one) so that neither "virsh
 * domstate --reason" nor a recovery mistakes it for a migration still
 * running; the event says SUSPENDED/API_ERROR. */
static void
qemuMigrationSrcHold(virDomainObj *vm)
{
    VIR_WARN("cannot tell whether the destination runs domain %s (%s): it stays paused here (paused/unknown); resume it only once the destination is known not to run it",
             vm->def->name, NULLSTR(virErrorGetLastMessage()));
    virErrorResetLast();
    if (!virDomainObjIsActive(vm))
        return;
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                  VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR);
    /* a virtmigd destination is asked again until it can say */
    qemuMigrationUndecidedStart(vm, true, 500);
}


/* The guest was sent and the migration is cancelled (by the client, or
 * because it is gone): acts on what the destination holds.  @vm locked,
 * holding its MIGRATION_OUT job, which the caller ends. */
static void
qemuMigrationSrcSentCancelled(virDomainObj *vm, bool stockResume)
{
    switch (qemuMigrationSrcSentDecide(vm, stockResume)) {
    case QEMU_MIGRATION_SRC_SENT_RESUME:
        VIR_INFO("migration of domain %s cancelled and the destination has no copy; resuming it",
                 vm->def->name);
        virErrorResetLast();
        qemuMigrationSrcRestoreRunning(vm);
        break;
    case QEMU_MIGRATION_SRC_SENT_STOP:
        VIR_WARN("domain %s runs on the destination although its migration was cancelled; stopping it here",
                 vm->def->name);
        qemuMigrationSrcComplete(vm, 0);
        return;
    case QEMU_MIGRATION_SRC_SENT_HOLD:
    default:
        qemuMigrationSrcHold(vm);
        break;
    }
    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_MIGRATION_OUT);
    g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
}


/**
 * qemuMigrationSrcConfirm:
 * Confirm3: with cancelled=0 the destination owns the guest, so the source
 * QEMU stops (SHUTOFF/migrated, and the definition goes with
 * UNDEFINE_SOURCE); with cancelled=1 the source runs again, unless it is
 * in post-copy: then the destination already ran the guest, so this side
 * is marked post-copy failed and its job stays.  Ends the MIGRATION_OUT
 * job otherwise.  @vm locked and referenced.  Returns 0 or -1.
 */
int
qemuMigrationSrcConfirm(virDomainObj *vm, qemuMigrationArgs *args)
{
    bool postcopy;
    bool cancelled;
    bool sent;

    if (!qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_OUT))
        return -1;
    sent = vm->job->phase == QEMU_MIGRATION_PHASE_PERFORM3_DONE;
    postcopy = qemuDomainObjIsPostcopy(vm);
    cancelled = qemuMigrationSrcConfirmCancelled(vm, args, postcopy);
    if (qemuMigrationJobStartPhase(vm, cancelled ? QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED
                                                 : QEMU_MIGRATION_PHASE_CONFIRM3) < 0)
        return -1;
    qemuCloseCallbacksUnset(vm, qemuMigrationSrcConnectionClosed);
    if (vm->job->apiFlags & VIR_MIGRATE_OFFLINE) {
        qemuMigrationSrcConfirmOffline(vm, args);
        return 0;
    }
    if (cancelled && postcopy) {
        /* the destination ran the guest: resuming here would make two */
        qemuMigrationAnyPostcopyFailed(vm);
        return 0;
    }
    qemuDomainCleanupRemove(vm, qemuMigrationSrcCleanup);
    if (!cancelled) {
        ignore_value(qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_CONFIRM, args));
        VIR_INFO("domain %s now runs on the destination; stopping it here",
                 vm->def->name);
        if (postcopy)
            qemuMigrationSrcPostcopyStats(vm);
        qemuMigrationSrcComplete(vm, args->flags);
    } else if (sent) {
        /* a lost Finish3 reply looks like a failed Finish3 to the client */
        qemuMigrationSrcSentCancelled(vm, true);
    } else {
        VIR_INFO("migration of domain %s cancelled; resuming it", vm->def->name);
        qemuMigrationSrcRestoreRunning(vm);
        qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_MIGRATION_OUT);
        g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
    }
    qemuMigrationJobFinish(vm);
    if (!virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
    return 0;
}


/* ---- protocol v2 ---- */

/* Starts the one MIGRATION_OUT job of a v2 migration, in phase perform2,
 * after Begin's checks of the disks (v2 has no Begin; libvirt checks
 * them here too). */
static int
qemuMigrationSrcPerformV2Start(virDomainObj *vm, const qemuMigrationArgs *args)
{
    if (qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, args->flags) < 0)
        return -1;
    QEMU_DOMAIN_PRIVATE(vm)->preMigrationState = virDomainObjGetState(vm, NULL);
    QEMU_DOMAIN_PRIVATE(vm)->migrationProtocol = 2;
    if (virDomainObjCheckActive(vm) < 0 ||
        qemuMigrationSrcNBDBegin(vm, args) < 0 ||
        qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PERFORM2) < 0) {
        qemuMigrationJobFinish(vm);
        return -1;
    }
    return 0;
}


/**
 * qemuMigrationSrcPerformV2:
 * Perform of protocol v2 (client-managed): one whole MIGRATION_OUT job,
 * phase perform2.  Sends the guest to the URI Prepare2 gave; as soon as
 * QEMU has sent everything the source QEMU stops (SHUTOFF/migrated, event
 * STOPPED/MIGRATED; the definition goes with UNDEFINE_SOURCE): v2 has no
 * Confirm, the destination's Finish2 runs the guest.  On failure the
 * source runs again as it did before.  @vm locked and referenced.
 * Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcPerformV2(virDomainObj *vm, qemuMigrationArgs *args)
{
    g_autofree char *uri = NULL;

    if (qemuMigrationSrcPerformV2Start(vm, args) < 0)
        return -1;
    VIR_INFO("outgoing migration of domain %s with protocol v2 (flags 0x%llx)",
             vm->def->name, args->flags);
    if (!(uri = qemuMigrationSrcURI(args)) ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_PERFORM, args) < 0 ||
        qemuMigrationSrcRun(vm, args, uri) < 0) {
        qemuMigrationSrcPerformFailed(vm);
        return -1;
    }
    VIR_INFO("domain %s sent with protocol v2; stopping it here", vm->def->name);
    qemuMigrationSrcComplete(vm, args->flags);
    qemuMigrationJobFinish(vm);
    if (!virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
    return 0;
}


/* ---- the client disappears (close callbacks) ---- */

/* The client left while a step of it runs.  During Perform3 the QEMU
 * migration is cancelled as domjobabort does: Perform3 then fails as any
 * Perform3 failure does (the guest runs on here; the job ends).  Should
 * QEMU complete first, Perform3 parks the job in perform3_done for a
 * client that is gone, and this callback runs again for that phase. */
static void
qemuMigrationSrcClientLeftDuringStep(virDomainObj *vm)
{
    if (vm->job->phase != QEMU_MIGRATION_PHASE_PERFORM3) {
        VIR_DEBUG("migration step of %s in phase %s finishes by itself",
                  vm->def->name, qemuMigrationJobPhaseTypeToString(vm->job->phase));
        return;
    }
    VIR_WARN("the client migrating domain %s disconnected during perform3; cancelling the migration",
             vm->def->name);
    if (qemuDomainJobAbort(vm, 0) < 0) {
        VIR_WARN("cannot cancel the migration of domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* Ends the parked job of locked @vm for a client that is gone, leaving
 * the domain as it is (running after Begin, paused after Perform). */
static void
qemuMigrationSrcAbandon(virDomainObj *vm)
{
    if (qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED) < 0) {
        VIR_WARN("cannot end the abandoned migration of domain %s: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return;
    }
    qemuDomainCleanupRemove(vm, qemuMigrationSrcCleanup);
    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_MIGRATION_OUT);
    qemuMigrationJobFinish(vm);
}


/* The client left after Perform3 sent the guest, before Confirm3: the
 * destination may run it (Finish3 came) or may be about to kill it
 * (it did not).  The source asks it (qemuMigrationSrcSentCancelled):
 * resumed if the destination has no copy, stopped if it runs the guest,
 * else left paused (libvirt always leaves it paused).  The phase stays
 * perform3_done meanwhile: a daemon restarted in the middle asks again.
 * Post-copy (the destination ran it) is parked as failed. */
static void
qemuMigrationSrcAbandonSent(virDomainObj *vm)
{
    bool postcopy = qemuDomainObjIsPostcopy(vm);

    if (qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_PERFORM3_DONE) < 0) {
        VIR_WARN("cannot end the abandoned migration of domain %s: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return;
    }
    if (postcopy) {
        VIR_WARN("the client migrating domain %s in post-copy disconnected before Confirm; the migration is marked failed, for recovery",
                 vm->def->name);
        qemuMigrationAnyPostcopyFailed(vm);
        return;
    }
    VIR_WARN("Migration of domain %s finished but we don't know if the domain was successfully started on destination or not: its client disconnected before Confirm; asking the destination",
             vm->def->name);
    qemuDomainCleanupRemove(vm, qemuMigrationSrcCleanup);
    qemuMigrationSrcSentCancelled(vm, false);
    qemuMigrationJobFinish(vm);
    if (!virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
}


/*
 * Close callback of an outgoing migration (set by Begin3 and Perform3
 * for the client's connection): the client is gone, so no further step
 * will come.  Runs with @vm locked, without a job (qemu-driver-facts
 * 2.7): a parked job is taken over and ended by its phase; a step still
 * running is cancelled if it is Perform3.
 */
static void
qemuMigrationSrcConnectionClosed(virDomainObj *vm)
{
    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT)
        return;
    if (vm->job->asyncOwner != 0) {
        qemuMigrationSrcClientLeftDuringStep(vm);
        return;
    }
    switch ((qemuMigrationJobPhase) vm->job->phase) {
    case QEMU_MIGRATION_PHASE_BEGIN3:
        VIR_INFO("the client migrating domain %s disconnected after Begin; migration cancelled, domain untouched",
                 vm->def->name);
        qemuMigrationSrcAbandon(vm);
        break;
    case QEMU_MIGRATION_PHASE_PERFORM3_DONE:
        qemuMigrationSrcAbandonSent(vm);
        break;
    case QEMU_MIGRATION_PHASE_NONE:
    case QEMU_MIGRATION_PHASE_PERFORM2:
    case QEMU_MIGRATION_PHASE_PERFORM3:
    case QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED:
    case QEMU_MIGRATION_PHASE_CONFIRM3:
    case QEMU_MIGRATION_PHASE_PREPARE:
    case QEMU_MIGRATION_PHASE_FINISH2:
    case QEMU_MIGRATION_PHASE_FINISH3:
    case QEMU_MIGRATION_PHASE_POSTCOPY_FAILED:
    case QEMU_MIGRATION_PHASE_BEGIN_RESUME:
    case QEMU_MIGRATION_PHASE_PERFORM_RESUME:
    case QEMU_MIGRATION_PHASE_CONFIRM_RESUME:
    case QEMU_MIGRATION_PHASE_PREPARE_RESUME:
    case QEMU_MIGRATION_PHASE_FINISH_RESUME:
    case QEMU_MIGRATION_PHASE_LAST:
    default:
        VIR_DEBUG("nothing to do for the migration of %s in phase %s",
                  vm->def->name, qemuMigrationJobPhaseTypeToString(vm->job->phase));
        break;
    }
}


/**
 * qemuMigrationSrcStartPostCopy:
 * migrate-start-postcopy for the running outgoing migration of @vm, which
 * must have been started with VIR_MIGRATE_POSTCOPY.  @vm locked, holding
 * a MIGRATION_OP job.  Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcStartPostCopy(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("post-copy can only be started while outgoing migration is in progress"));
        return -1;
    }
    if (!(vm->job->apiFlags & VIR_MIGRATE_POSTCOPY)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("switching to post-copy requires migration to be started with VIR_MIGRATE_POSTCOPY flag"));
        return -1;
    }
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorMigrateStartPostCopy(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}
