/*
 * qemu_driver_migrate.c: driver entry points for migration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each step finds the domain and hands over to qemu_migration_*.c; the
 * tuning calls made during a migration run under a MIGRATION_OP job,
 * which an outgoing migration allows.
 */
#include <config.h>

#include "qemu_driver_migrate.h"
#include "qemu_domainjob.h"
#include "qemu_migration.h"
#include "qemu_migration_p2p.h"
#include "qemu_migration_params.h"
#include "qemu_domain.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_migrate");

/* Every step, of either protocol, parses the client's arguments here,
 * once, before it looks anything up (qemuMigrationArgsParse): flags and
 * typed parameters are refused as libvirt refuses them, and so are the
 * combinations that would send the stream in plain text against the
 * user's or the host's wish; then nothing below reads the wire bag
 * again.  A peer-to-peer Perform's protocol is the one the destination
 * supports, decided later. */

char *
qemuDomainMigrateBegin3(virConn *conn, const virDomainIdent *dom,
                        virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };
    virDomainObj *vm;
    char *xml;

    VIR_DEBUG("dom=%s flags=0x%llx nparams=%d", dom->name, in->flags,
              in->nparams);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_BEGIN,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V3, conn, in, &args) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if (args.flags & VIR_MIGRATE_POSTCOPY_RESUME)
        xml = qemuMigrationSrcBeginResume(vm, &args);
    else
        xml = qemuMigrationSrcBegin(vm, &args);
    virDomainObjEndAPI(&vm);
    return xml;
}


int
qemuDomainMigratePrepare3(virConn *dconn, virMigrateArgs *in, char **uriOut)
{
    g_auto(qemuMigrationArgs) args = { 0 };

    VIR_DEBUG("flags=0x%llx nparams=%d cookie=%d bytes", in->flags,
              in->nparams, in->cookieinlen);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PREPARE,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V3, dconn, in, &args) < 0)
        return -1;
    if (args.flags & VIR_MIGRATE_POSTCOPY_RESUME)
        return qemuMigrationDstPrepareResume(&args, uriOut);
    return qemuMigrationDstPrepare(&args, uriOut);
}


/* Tunnelled Prepare3: the data comes on @st instead of a port (the
 * parser refuses what a tunnel cannot carry). */
int
qemuDomainMigratePrepareTunnel3(virConn *dconn, virStream *st,
                                virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };
    g_autofree char *uri = NULL;

    VIR_DEBUG("flags=0x%llx nparams=%d cookie=%d bytes", in->flags,
              in->nparams, in->cookieinlen);
    in->stream = st;
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PREPARE,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V3, dconn, in, &args) < 0)
        return -1;
    return qemuMigrationDstPrepare(&args, &uri);
}


int
qemuDomainMigratePerform3(virConn *conn, const virDomainIdent *dom,
                          virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };
    bool p2p = qemuMigrationP2PRequested(in->flags);
    virDomainObj *vm;
    int rc;

    VIR_DEBUG("dom=%s flags=0x%llx dconnuri=%s", dom->name, in->flags,
              NULLSTR(in->dconnuri));
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PERFORM,
                               p2p ? QEMU_MIGRATION_ARGS_PROTOCOL_LATER
                                   : QEMU_MIGRATION_ARGS_PROTOCOL_V3,
                               conn, in, &args) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (p2p)
        rc = qemuMigrationSrcPerformP2P(vm, &args);
    else if (args.flags & VIR_MIGRATE_POSTCOPY_RESUME)
        rc = qemuMigrationSrcPerformResume(vm, &args);
    else
        rc = qemuMigrationSrcPerform(vm, &args);
    virDomainObjEndAPI(&vm);
    return rc;
}


virDomainIdent *
qemuDomainMigrateFinish3(virConn *dconn, virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };

    VIR_DEBUG("flags=0x%llx cancelled=%d", in->flags, in->cancelled);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_FINISH,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V3, dconn, in, &args) < 0)
        return NULL;
    if (args.flags & VIR_MIGRATE_POSTCOPY_RESUME)
        return qemuMigrationDstFinishResume(&args);
    return qemuMigrationDstFinish(&args);
}


int
qemuDomainMigrateConfirm3(virConn *conn, const virDomainIdent *dom,
                          virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };
    virDomainObj *vm;
    int rc;

    VIR_DEBUG("dom=%s flags=0x%llx cancelled=%d", dom->name, in->flags,
              in->cancelled);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_CONFIRM,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V3, conn, in, &args) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (args.flags & VIR_MIGRATE_POSTCOPY_RESUME)
        rc = qemuMigrationSrcConfirmResume(vm, &args);
    else
        rc = qemuMigrationSrcConfirm(vm, &args);
    virDomainObjEndAPI(&vm);
    return rc;
}


/* ---- protocol v2: Prepare2 (dst), Perform (src), Finish2 (dst) ---- */

int
qemuDomainMigratePrepare2(virConn *dconn, virMigrateArgs *in, char **uriOut)
{
    g_auto(qemuMigrationArgs) args = { 0 };

    VIR_DEBUG("flags=0x%llx nparams=%d", in->flags, in->nparams);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PREPARE,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V2, dconn, in, &args) < 0)
        return -1;
    return qemuMigrationDstPrepare2(&args, uriOut);
}


int
qemuDomainMigratePerform2(virConn *conn, const virDomainIdent *dom,
                          virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };
    bool p2p = qemuMigrationP2PRequested(in->flags);
    virDomainObj *vm;
    int rc;

    VIR_DEBUG("dom=%s flags=0x%llx nparams=%d", dom->name, in->flags,
              in->nparams);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_PERFORM,
                               p2p ? QEMU_MIGRATION_ARGS_PROTOCOL_LATER
                                   : QEMU_MIGRATION_ARGS_PROTOCOL_V2,
                               conn, in, &args) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (p2p)
        rc = qemuMigrationSrcPerformP2PV2(vm, &args);
    else
        rc = qemuMigrationSrcPerformV2(vm, &args);
    virDomainObjEndAPI(&vm);
    return rc;
}


virDomainIdent *
qemuDomainMigrateFinish2(virConn *dconn, virMigrateArgs *in)
{
    g_auto(qemuMigrationArgs) args = { 0 };

    VIR_DEBUG("flags=0x%llx retcode=%d", in->flags, in->cancelled);
    if (qemuMigrationArgsParse(QEMU_MIGRATION_STEP_FINISH,
                               QEMU_MIGRATION_ARGS_PROTOCOL_V2, dconn, in, &args) < 0)
        return NULL;
    return qemuMigrationDstFinish2(&args);
}


/* Reads QEMU's current migration parameters (@vm locked, in a job). */
static qemuMigrationParams *
qemuDomainMigrateFetchParams(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMigrationParams *params = NULL;
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        return NULL;
    rc = qemuMigrationParamsFetch(priv->mon, &params);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0) {
        qemuMigrationParamsFree(params);
        return NULL;
    }
    return params;
}


/* Sets one unsigned migration parameter of running, locked @vm's QEMU
 * (a MIGRATION_OP job, which an outgoing migration allows). */
static int
qemuDomainMigrateApplyParam(virDomainObj *vm, qemuMigrationParam param,
                            unsigned long long value, bool mib)
{
    g_autoptr(qemuMigrationParams) migParams = qemuMigrationParamsNew();
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc = -1;

    if ((mib ? qemuMigrationParamsSetMaxBandwidth(migParams, value)
             : qemuMigrationParamsSetULL(migParams, param, value)) == 0 &&
        virDomainObjBeginJob(vm, VIR_JOB_MIGRATION_OP) == 0) {
        if (virDomainObjCheckActive(vm) == 0 &&
            qemuDomainObjEnterMonitor(vm) == 0) {
            rc = qemuMigrationParamsApply(priv->mon, VIR_ASYNC_JOB_NONE,
                                          migParams, priv->migrationCaps, 0);
            if (qemuDomainObjExitMonitor(vm) < 0)
                rc = -1;
        }
        virDomainObjEndJob(vm);
    }
    return rc;
}


/* Sets one unsigned migration parameter of running @dom's QEMU. */
static int
qemuDomainMigrateSetParam(const virDomainIdent *dom, qemuMigrationParam param,
                          unsigned long long value, bool mib)
{
    virDomainObj *vm = qemuDomainObjFromIdent(dom);
    int rc;

    if (!vm)
        return -1;
    rc = qemuDomainMigrateApplyParam(vm, param, value, mib);
    virDomainObjEndAPI(&vm);
    return rc;
}


/* Reads one unsigned migration parameter of running @dom's QEMU. */
static int
qemuDomainMigrateGetParam(const virDomainIdent *dom, qemuMigrationParam param,
                          unsigned long long *value)
{
    g_autoptr(qemuMigrationParams) params = NULL;
    virDomainObj *vm = qemuDomainObjFromIdent(dom);
    int rc = -1;

    if (!vm)
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_QUERY) == 0) {
        if (virDomainObjCheckActive(vm) == 0 &&
            (params = qemuDomainMigrateFetchParams(vm)))
            rc = qemuMigrationParamsGetULL(params, param, value) < 0 ? -1 : 0;
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return rc;
}


int
qemuDomainMigrateSetMaxDowntime(virConn *conn G_GNUC_UNUSED,
                                const virDomainIdent *dom,
                                unsigned long long downtime, unsigned int flags)
{
    virCheckFlags(0, -1);
    return qemuDomainMigrateSetParam(dom, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                     downtime, false);
}


int
qemuDomainMigrateGetMaxDowntime(virConn *conn G_GNUC_UNUSED,
                                const virDomainIdent *dom,
                                unsigned long long *downtime, unsigned int flags)
{
    virCheckFlags(0, -1);
    return qemuDomainMigrateGetParam(dom, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                     downtime);
}


/* migrate-setspeed: the speed every outgoing migration of @dom gets
 * (stored; on a running domain QEMU's max-bandwidth changes at once,
 * also in the middle of a migration), as libvirt's migMaxBandwidth. */
static int
qemuDomainMigrateSetMaxBandwidth(const virDomainIdent *dom,
                                 unsigned long long bandwidth)
{
    virDomainObj *vm = qemuDomainObjFromIdent(dom);
    int rc = 0;

    if (!vm)
        return -1;
    if (bandwidth > QEMU_MIGRATION_BANDWIDTH_MAX) {
        virReportError(VIR_ERR_OVERFLOW, _("bandwidth must be less than %1$llu"),
                       (unsigned long long)QEMU_MIGRATION_BANDWIDTH_MAX + 1);
        rc = -1;
    } else if (virDomainObjIsActive(vm)) {
        rc = qemuDomainMigrateApplyParam(vm, QEMU_MIGRATION_PARAM_MAX_BANDWIDTH,
                                         bandwidth, true);
    }
    if (rc == 0)
        QEMU_DOMAIN_PRIVATE(vm)->migMaxBandwidth = bandwidth;
    virDomainObjEndAPI(&vm);
    return rc;
}


int
qemuDomainMigrateSetMaxSpeed(virConn *conn G_GNUC_UNUSED,
                             const virDomainIdent *dom,
                             unsigned long long bandwidth, unsigned int flags)
{
    /* QEMU's max-postcopy-bandwidth is in bytes/s, 64 bits wide. */
    const unsigned long long postcopyMax = ULLONG_MAX / (1024 * 1024);

    virCheckFlags(VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY, -1);
    if (!(flags & VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY))
        return qemuDomainMigrateSetMaxBandwidth(dom, bandwidth);
    if (bandwidth > postcopyMax) {
        virReportError(VIR_ERR_OVERFLOW, _("bandwidth must be less than %1$llu"),
                       postcopyMax + 1);
        return -1;
    }
    return qemuDomainMigrateSetParam(dom, QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH,
                                     bandwidth * 1024 * 1024, false);
}


/* migrate-compcache: the size of xbzrle's cache (bytes) in QEMU. */
int
qemuDomainMigrateGetCompressionCache(virConn *conn G_GNUC_UNUSED,
                                     const virDomainIdent *dom,
                                     unsigned long long *cacheSize,
                                     unsigned int flags)
{
    virCheckFlags(0, -1);
    return qemuDomainMigrateGetParam(dom, QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE,
                                     cacheSize);
}


/* migrate-compcache --size: sets it, before or during a migration. */
int
qemuDomainMigrateSetCompressionCache(virConn *conn G_GNUC_UNUSED,
                                     const virDomainIdent *dom,
                                     unsigned long long cacheSize,
                                     unsigned int flags)
{
    virCheckFlags(0, -1);
    return qemuDomainMigrateSetParam(dom, QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE,
                                     cacheSize, false);
}


/* migrate-getspeed: the stored speed (no job, no QEMU), as libvirt; the
 * post-copy speed is QEMU's max-postcopy-bandwidth. */
int
qemuDomainMigrateGetMaxSpeed(virConn *conn G_GNUC_UNUSED,
                             const virDomainIdent *dom,
                             unsigned long long *bandwidth, unsigned int flags)
{
    unsigned long long bytes = 0;
    virDomainObj *vm;

    virCheckFlags(VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY, -1);
    if (!(flags & VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY)) {
        if (!(vm = qemuDomainObjFromIdent(dom)))
            return -1;
        *bandwidth = QEMU_DOMAIN_PRIVATE(vm)->migMaxBandwidth;
        virDomainObjEndAPI(&vm);
        return 0;
    }
    if (qemuDomainMigrateGetParam(dom, QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH,
                                  &bytes) < 0)
        return -1;
    *bandwidth = bytes / (1024 * 1024);
    return 0;
}


int
qemuDomainMigrateStartPostCopy(virConn *conn G_GNUC_UNUSED,
                               const virDomainIdent *dom,
                               unsigned int flags)
{
    virDomainObj *vm = qemuDomainObjFromIdent(dom);
    int rc = -1;

    virCheckFlags(0, -1);
    if (!vm)
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MIGRATION_OP) == 0) {
        rc = qemuMigrationSrcStartPostCopy(vm);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return rc;
}
