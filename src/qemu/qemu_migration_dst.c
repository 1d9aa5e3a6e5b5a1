/*
 * qemu_migration_dst.c: the destination side of a migration: Prepare,
 * Finish, and the incoming port range
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

#include "qemu_migration.h"
#include "qemu_migration_job.h"
#include "qemu_migration_params.h"
#include "qemu_domainjob.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_state.h"
#include "domain_conf.h"
#include "virdomainobjlist.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_dst");

static GMutex qemuMigrationPortLock;
static GHashTable *qemuMigrationPortsUsed;  /* port -> port */


/* A free port of the configured range, or 0 (reported). */
static unsigned short
qemuMigrationDstPortAcquire(void)
{
    const virQEMUDriverConfig *cfg = qemu_driver->cfg;
    unsigned int port;

    g_mutex_lock(&qemuMigrationPortLock);
    if (!qemuMigrationPortsUsed)
        qemuMigrationPortsUsed = g_hash_table_new(NULL, NULL);
    for (port = cfg->migrationPortMin; port <= cfg->migrationPortMax; port++) {
        if (!g_hash_table_contains(qemuMigrationPortsUsed, GUINT_TO_POINTER(port))) {
            g_hash_table_add(qemuMigrationPortsUsed, GUINT_TO_POINTER(port));
            g_mutex_unlock(&qemuMigrationPortLock);
            return port;
        }
    }
    g_mutex_unlock(&qemuMigrationPortLock);
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("no free migration port in the range %1$u-%2$u"),
                   cfg->migrationPortMin, cfg->migrationPortMax);
    return 0;
}


void
qemuMigrationDstPortRelease(unsigned short port)
{
    if (!port)
        return;
    g_mutex_lock(&qemuMigrationPortLock);
    if (qemuMigrationPortsUsed)
        g_hash_table_remove(qemuMigrationPortsUsed, GUINT_TO_POINTER((unsigned int)port));
    g_mutex_unlock(&qemuMigrationPortLock);
}


/* The definition to receive: the source's XML, renamed by
 * destination_name.  Caller owns the result. */
static virDomainDef *
qemuMigrationDstParseDef(const virMigrateArgs *args, char **origname)
{
    const char *xml = qemuMigrationAnyParamString(args, VIR_MIGRATE_PARAM_DEST_XML);
    const char *dname = qemuMigrationAnyParamString(args, VIR_MIGRATE_PARAM_DEST_NAME);
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


/* The address the incoming QEMU listens on and the one the source is
 * told to connect to. */
static int
qemuMigrationDstAddresses(const virMigrateArgs *args, unsigned short port,
                          char **incoming, char **uriOut)
{
    const char *listen = qemuMigrationAnyParamString(args, VIR_MIGRATE_PARAM_LISTEN_ADDRESS);
    const char *uriIn = qemuMigrationAnyParamString(args, VIR_MIGRATE_PARAM_URI);
    const char *host = qemu_driver->cfg->migrationHost;

    if (uriIn) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("a migration URI chosen by the client is not supported yet; let the destination choose"));
        return -1;
    }
    if (!listen)
        listen = qemu_driver->cfg->migrationListen;
    *incoming = g_strdup_printf(strchr(listen, ':') ? "tcp:[%s]:%u" : "tcp:%s:%u",
                                listen, port);
    *uriOut = g_strdup_printf(strchr(host, ':') ? "tcp:[%s]:%u" : "tcp:%s:%u",
                              host, port);
    return 0;
}


/* Caps, parameters and migrate-incoming on the freshly started QEMU. */
static int
qemuMigrationDstStartIncoming(virDomainObj *vm, const virMigrateArgs *args,
                              const char *incoming)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationParams) migParams = NULL;
    int rc = -1;

    if (!(migParams = qemuMigrationParamsFromFlags(args->params, args->nparams,
                                                   args->flags,
                                                   QEMU_MIGRATION_DESTINATION)))
        return -1;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return -1;
    if (qemuMigrationAnyPrepareParams(vm, priv->mon, migParams,
                                      QEMU_MIGRATION_DESTINATION) == 0 &&
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
    }
    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = 0;
    qemuMigrationAnyDropParams(vm);
    qemuMigrationJobFinish(vm);
    qemuDomainRemoveInactive(vm);
    virErrorRestore(&err);
}


static int
qemuMigrationDstPrepareActive(virDomainObj *vm, virMigrateArgs *args,
                              char **uriOut)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *incoming = NULL;

    if (qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PREPARE) < 0 ||
        !(priv->migrationPort = qemuMigrationDstPortAcquire()) ||
        qemuMigrationDstAddresses(args, priv->migrationPort, &incoming, uriOut) < 0 ||
        qemuProcessStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, "defer",
                         QEMU_PROCESS_START_PAUSED) < 0)
        return -1;
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STARTED,
                                  VIR_DOMAIN_EVENT_STARTED_MIGRATED);
    if (qemuMigrationDstStartIncoming(vm, args, incoming) < 0 ||
        qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_PREPARE, args) < 0)
        return -1;
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_MIGRATING;
    return 0;
}


/**
 * qemuMigrationDstPrepare:
 * Prepare3: adds the incoming domain (paused, PAUSED/migration, event
 * STARTED/MIGRATED), starts its QEMU waiting on a port of the range and
 * returns in *@uriOut the URI the source must send to.  The MIGRATION_IN
 * job stays active for Finish.  Returns 0 or -1 (reported; nothing
 * remains).
 */
int
qemuMigrationDstPrepare(virMigrateArgs *args, char **uriOut)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *origname = NULL;
    g_autofree char *uri = NULL;
    virDomainObj *vm;

    if (qemuMigrationAnyCheckFlags(args->flags) < 0 ||
        qemuMigrationParamsValidate(QEMU_MIGRATION_STEP_PREPARE, args->params,
                                    args->nparams) < 0 ||
        !(def = qemuMigrationDstParseDef(args, &origname)) ||
        qemuMigrationAnyCookieCheck(def, origname, args) < 0 ||
        !(vm = virDomainObjListAdd(qemu_driver->domains, &def,
                                   &qemu_driver->domainCfg,
                                   VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                                   VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE)))
        return -1;
    ((qemuDomainObjPrivate *)vm->privateData)->origname = g_steal_pointer(&origname);
    if (qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, args->flags) < 0) {
        qemuDomainRemoveInactive(vm);
        virDomainObjEndAPI(&vm);
        return -1;
    }
    if (qemuMigrationDstPrepareActive(vm, args, &uri) < 0) {
        qemuMigrationDstDiscard(vm);
        virDomainObjEndAPI(&vm);
        return -1;
    }
    VIR_INFO("incoming migration of domain %s prepared on %s", vm->def->name, uri);
    qemuMigrationJobContinue(vm, NULL);
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


/* The incoming stream is complete, or post-copy is active: run the guest
 * (or keep it paused with VIR_MIGRATE_PAUSED).  *@inPostCopy says the
 * vCPUs run before all of the guest's memory is here. */
static int
qemuMigrationDstRunGuest(virDomainObj *vm, const virMigrateArgs *args,
                         bool *inPostCopy)
{
    if (qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_MIGRATION_IN,
                             args->flags & VIR_MIGRATE_POSTCOPY) < 0)
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


/* Post-copy: the guest runs here while the source still sends the pages
 * it has not asked for yet; Finish returns once all have come, with the
 * domain RUNNING/migrated and a second RESUMED/MIGRATED event, as
 * libvirt's API documentation promises.  Returns 0 or -1 (reported). */
static int
qemuMigrationDstPostcopyWait(virDomainObj *vm)
{
    if (qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_MIGRATION_IN, false) < 0)
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
    qemuDomainObjPrivate *priv = vm->privateData;

    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = 0;
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
qemuMigrationDstFinish(virMigrateArgs *args)
{
    const char *name = qemuMigrationAnyParamString(args, VIR_MIGRATE_PARAM_DEST_NAME);
    virDomainObj *vm;
    virDomainIdent *ident;
    qemuDomainObjPrivate *priv;
    bool inPostCopy = false;

    if (!name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("missing destination name"));
        return NULL;
    }
    if (!(vm = virDomainObjListFindByName(qemu_driver->domains, name)))
        return NULL;
    if (!qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_IN) ||
        qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_FINISH3) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    if (args->cancelled ||
        qemuMigrationAnyCookieEat(vm, QEMU_MIGRATION_COOKIE_STEP_FINISH, args) < 0 ||
        qemuMigrationDstRunGuest(vm, args, &inPostCopy) < 0)
        return qemuMigrationDstFinishCancelled(vm);
    if (inPostCopy && qemuMigrationDstPostcopyWait(vm) < 0)
        return qemuMigrationDstFinishPostcopyFailed(vm);

    priv = vm->privateData;
    qemuMigrationAnyFinishStats(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_MIGRATION_IN);
    qemuMigrationDstPortRelease(priv->migrationPort);
    priv->migrationPort = 0;
    if (qemuMigrationAnyCookieBake(vm, QEMU_MIGRATION_COOKIE_STEP_FINISH, args) < 0)
        VIR_WARN("no cookie for the source of %s", vm->def->name);
    VIR_INFO("incoming migration of domain %s finished", vm->def->name);
    qemuMigrationJobFinish(vm);
    ident = virDomainIdentNew(vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return ident;
}
