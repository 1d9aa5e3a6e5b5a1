/*
 * qemu_migration_nbd_src.c: storage migration over NBD, the source's part
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Perform mirrors each disk to copy into the destination's NBD export of
 * it: blockdev-add of the export ("migration-<target>-storage", an nbd
 * node, under "migration-<target>-format", a raw one), then
 * blockdev-mirror from the disk's top node, job "drive-<alias>", as
 * libvirt 9.0 names them.  The memory migration starts only once every
 * mirror is ready (source and copy in sync, guest writes mirrored from
 * then on); at pre-switchover, the vCPUs stopped, each ready mirror is
 * completed (block-job-cancel without force: the copy is made consistent
 * and the source stays in use) and its nodes detached, and only then is
 * QEMU allowed to switch over.  The jobs are watched with
 * query-block-jobs; they are kept after they end (auto-dismiss off) so
 * that a failure is read from them, then dismissed.
 */
#include <config.h>

#include "qemu_migration_nbd.h"
#include "qemu_migration.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_migration_tls.h"
#include "qemu_monitor_block.h"
#include "qemu_state.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_nbd_src");

/* How often the mirrors are looked at while they sync. */
#define QEMU_MIGRATION_NBD_POLL_MS 50
/* How long cancelled mirrors may take to end. */
#define QEMU_MIGRATION_NBD_CANCEL_MS 10000


/* The disk of @vm with target @target, or NULL. */
static virDomainDiskDef *
qemuMigrationSrcNBDDisk(virDomainObj *vm, const char *target)
{
    size_t i;

    for (i = 0; i < vm->def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);

        if (STREQ(disk->dst, target))
            return disk;
    }
    return NULL;
}


/**
 * qemuMigrationSrcNBDCookieDisks:
 * The <nbd> of Begin's cookie: every disk to copy with its size (QEMU's
 * virtual size of its top node).  *@ret stays NULL without a storage
 * migration.  Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcNBDCookieDisks(virDomainObj *vm, const qemuMigrationArgs *args,
                               qemuMigrationCookieNBD **ret)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationCookieNBD) nbd = NULL;
    g_autoptr(GHashTable) sizes = NULL;
    size_t i;
    int rc;

    if (!qemuMigrationNBDCopyAny(vm->def, args) || !virDomainObjIsActive(vm))
        return 0;
    if (qemuDomainObjEnterMonitorAsync(vm, vm->job->asyncJob) < 0)
        return -1;
    rc = qemuMonitorGetBlockCapacities(priv->mon, &sizes);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    nbd = qemuMigrationCookieNBDNew(0);
    for (i = 0; i < vm->def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);
        g_autofree char *node = g_strdup_printf("libvirt-%u-format",
                                                disk->src->index);
        const unsigned long long *size = g_hash_table_lookup(sizes, node);

        if (size && qemuMigrationNBDCopyDisk(disk, args))
            qemuMigrationCookieNBDAddDisk(nbd, disk->dst, *size);
    }
    *ret = g_steal_pointer(&nbd);
    return 0;
}


/* Perform: the port of the destination's NBD server, from its cookie's
 * <nbd> (@nbd borrowed; NULL: the destination sent none). */
void
qemuMigrationSrcNBDCookieEat(virDomainObj *vm, qemuMigrationCookieNBD *nbd)
{
    if (!nbd)
        return;
    qemuMigrationNBDGet(vm)->remotePort = nbd->port;
}


/* Where the mirrors connect: the destination's address in the migration
 * URI @uri and the port from its cookie, unless --disks-uri says
 * otherwise.  Returns 0 or -1 (reported). */
static int
qemuMigrationSrcNBDTarget(virDomainObj *vm, const qemuMigrationArgs *args,
                          const char *uri, qemuMigrationNBDURI **ret)
{
    const char *disksURI = args->disksURI;
    qemuMigrationNBD *nbd = qemuMigrationNBDGet(vm);
    g_autoptr(qemuMigrationNBDURI) target = NULL;
    g_autoptr(qemuMigrationURI) mig = NULL;

    if (disksURI && !(target = qemuMigrationNBDParseURI(disksURI)))
        return -1;
    if (!target)
        target = g_new0(qemuMigrationNBDURI, 1);
    if (!target->socketPath && !target->host) {
        if (!(mig = qemuMigrationAnyParseURI(uri)))
            return -1;
        target->host = g_steal_pointer(&mig->host);
    }
    if (!target->socketPath && !target->port)
        target->port = nbd->remotePort;
    if (!target->socketPath && !target->port) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("migration of non-shared disks requested but NBD is not set up"));
        return -1;
    }
    *ret = g_steal_pointer(&target);
    return 0;
}


/* Attaches the export of @disk and starts its mirror; on success the
 * disk is recorded in nbd->mirrors.  With --tls the connection uses the
 * migration's credentials, the certificate checked against
 * tls.destination (else the host connected to).  Returns 0 or -1
 * (reported). */
static int
qemuMigrationSrcNBDMirrorOne(virDomainObj *vm, virDomainDiskDef *disk,
                             const qemuMigrationNBDURI *target,
                             const qemuMonitorMirrorArgs *tmpl,
                             const char *tlsHostname)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *exportName = qemuMigrationNBDExportName(disk);
    qemuMonitorNBDTarget where = {
        .host = target->host, .port = target->port,
        .socketPath = target->socketPath, .exportName = exportName,
        .tlsCreds = priv->migrationTLS ? QEMU_MIGRATION_TLS_ALIAS : NULL,
        .tlsHostname = tlsHostname,
    };
    g_autofree char *node = g_strdup_printf("migration-%s", disk->dst);
    g_autofree char *device = g_strdup_printf("libvirt-%u-format", disk->src->index);
    g_autofree char *format = g_strdup_printf("%s-format", node);
    qemuMonitorMirrorArgs margs = *tmpl;
    int rc;

    margs.jobId = exportName;
    margs.device = device;
    margs.target = format;
    VIR_INFO("mirroring disk %s of %s to %s:%u", disk->dst, vm->def->name,
             target->socketPath ? target->socketPath : target->host,
             target->port);
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    rc = qemuMonitorBlockdevAddNBD(priv->mon, node, &where);
    if (rc == 0 && (rc = qemuMonitorBlockdevMirror(priv->mon, &margs)) < 0) {
        g_autofree char *storage = g_strdup_printf("%s-storage", node);
        virError *err = NULL;

        virErrorPreserveLast(&err);
        ignore_value(qemuMonitorBlockdevDel(priv->mon, format));
        ignore_value(qemuMonitorBlockdevDel(priv->mon, storage));
        virErrorRestore(&err);
    }
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    g_ptr_array_add(priv->nbd->mirrors, g_strdup(disk->dst));
    return 0;
}


/* The mirror speed: the migration's bandwidth (MiB/s), 0 for unlimited. */
static unsigned long long
qemuMigrationSrcNBDSpeed(virDomainObj *vm)
{
    unsigned long long mib = QEMU_DOMAIN_PRIVATE(vm)->migMaxBandwidth;

    if (!mib || mib >= QEMU_MIGRATION_BANDWIDTH_MAX)
        return 0;
    return mib << 20;
}


/* query-block-jobs into *@jobs.  Here and below, monitor calls are made
 * in the domain's async job: the MIGRATION_OUT job of the migration, or
 * none for the recovery of a restarted daemon (which holds a MODIFY job).
 * Returns 0 or -1 (reported). */
static int
qemuMigrationSrcNBDJobs(virDomainObj *vm, GPtrArray **jobs)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    if (qemuDomainObjEnterMonitorAsync(vm, vm->job->asyncJob) < 0)
        return -1;
    rc = qemuMonitorGetBlockJobs(priv->mon, jobs);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


static const qemuMonitorBlockJobInfo *
qemuMigrationSrcNBDFindJob(GPtrArray *jobs, const char *id)
{
    size_t i;

    for (i = 0; i < jobs->len; i++) {
        const qemuMonitorBlockJobInfo *job = g_ptr_array_index(jobs, i);

        if (STREQ(job->id, id))
            return job;
    }
    return NULL;
}


/* One look at the mirrors: progress into the job's statistics.  Returns
 * 1 when every mirror is ready (@wantEnded: every one ended), 0 when
 * some are not yet, -1 when one failed or vanished (reported). */
static int
qemuMigrationSrcNBDCheck(virDomainObj *vm, bool wantEnded)
{
    qemuMigrationNBD *nbd = QEMU_DOMAIN_PRIVATE(vm)->nbd;
    qemuDomainJobDataPrivate *jp = vm->job->current->privateData;
    g_autoptr(GPtrArray) jobs = NULL;
    unsigned long long total = 0;
    unsigned long long done = 0;
    size_t notYet = 0;
    size_t i;

    if (qemuMigrationSrcNBDJobs(vm, &jobs) < 0)
        return -1;
    for (i = 0; i < nbd->mirrors->len; i++) {
        const char *target = g_ptr_array_index(nbd->mirrors, i);
        virDomainDiskDef *disk = qemuMigrationSrcNBDDisk(vm, target);
        g_autofree char *id = disk ? qemuMigrationNBDExportName(disk) : NULL;
        const qemuMonitorBlockJobInfo *job = id ? qemuMigrationSrcNBDFindJob(jobs, id) : NULL;
        bool ended = job && STREQ_NULLABLE(job->status, "concluded");

        if (!job || job->error || (ended && !wantEnded)) {
            if (job && job->error)
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("migration of disk %1$s failed: %2$s"),
                               target, job->error);
            else
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("migration of disk %1$s failed"), target);
            return -1;
        }
        total += job->len;
        done += job->offset;
        if (wantEnded ? !ended : !job->ready)
            notYet++;
    }
    jp->mirrorStats.total = total;
    jp->mirrorStats.transferred = done;
    return notYet == 0;
}


/* Waits until every mirror is ready (@wantEnded: has ended), for at most
 * @timeoutMs (0: no limit), giving up when the job is aborted.  Returns
 * 0 or -1 (reported). */
static int
qemuMigrationSrcNBDWait(virDomainObj *vm, bool wantEnded, long long timeoutMs)
{
    long long deadline = timeoutMs ? virTimeMonotonicMs() + timeoutMs : 0;
    int rc;

    while ((rc = qemuMigrationSrcNBDCheck(vm, wantEnded)) == 0) {
        if (vm->job->abortJob && !wantEnded) {
            vm->job->current->status = VIR_DOMAIN_JOB_STATUS_CANCELED;
            virReportError(VIR_ERR_OPERATION_ABORTED,
                           _("job '%1$s' canceled by client"), "migration out");
            return -1;
        }
        if (deadline && virTimeMonotonicMs() >= deadline) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                           _("the disk mirrors did not end in time"));
            return -1;
        }
        if (qemuDomainObjWait(vm, virTimeMonotonicMs() + QEMU_MIGRATION_NBD_POLL_MS) < 0)
            return -1;
    }
    return rc < 0 ? -1 : 0;
}


/**
 * qemuMigrationSrcNBDCopy:
 * Perform, before the memory: mirrors every disk to copy into the
 * destination's exports (at the migration's speed; "top" only with -inc;
 * write-blocking with --copy-storage-synchronous-writes) and waits until
 * all are ready, the progress in the job's statistics (disk_total,
 * disk_processed).  @uri is the migration URI, whose host the mirrors
 * connect to.  On failure the caller cancels what started
 * (qemuMigrationSrcNBDCancel).  Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcNBDCopy(virDomainObj *vm, const qemuMigrationArgs *args,
                        const char *uri)
{
    g_autoptr(qemuMigrationNBDURI) target = NULL;
    qemuMonitorMirrorArgs tmpl = {
        .speed = qemuMigrationSrcNBDSpeed(vm),
        .shallow = args->flags & VIR_MIGRATE_NON_SHARED_INC,
        .syncWrites = args->flags & VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES,
    };
    size_t i;

    if (!qemuMigrationNBDCopyAny(vm->def, args))
        return 0;
    if (qemuMigrationSrcNBDTarget(vm, args, uri, &target) < 0)
        return -1;
    if (QEMU_DOMAIN_PRIVATE(vm)->migrationTLS && target->socketPath) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("NBD migration with TLS is not supported over UNIX socket"));
        return -1;
    }
    for (i = 0; i < vm->def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);

        if (qemuMigrationNBDCopyDisk(disk, args) &&
            qemuMigrationSrcNBDMirrorOne(vm, disk, target, &tmpl,
                                         args->tlsDestination) < 0)
            return -1;
    }
    if (qemuMigrationSrcNBDWait(vm, false, 0) < 0)
        return -1;
    VIR_INFO("all %u disk mirrors of %s are ready", QEMU_DOMAIN_PRIVATE(vm)->nbd->mirrors->len,
             vm->def->name);
    return 0;
}


/* block-job-cancel of every mirror (@force: at once, else completing a
 * ready one).  Returns 0 or -1 (reported). */
static int
qemuMigrationSrcNBDCancelJobs(virDomainObj *vm, bool force)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc = 0;
    size_t i;

    if (qemuDomainObjEnterMonitorAsync(vm, vm->job->asyncJob) < 0)
        return -1;
    for (i = 0; i < priv->nbd->mirrors->len; i++) {
        const char *target = g_ptr_array_index(priv->nbd->mirrors, i);
        virDomainDiskDef *disk = qemuMigrationSrcNBDDisk(vm, target);
        g_autofree char *id = disk ? qemuMigrationNBDExportName(disk) : NULL;

        if (id && qemuMonitorBlockJobCancel(priv->mon, id, force) < 0 && !force)
            rc = -1;
    }
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/* Dismisses the ended mirror jobs and detaches their nodes (errors are
 * logged: a job or node already gone is fine). */
static void
qemuMigrationSrcNBDDetach(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(GPtrArray) mirrors = g_steal_pointer(&priv->nbd->mirrors);
    size_t i;

    priv->nbd->mirrors = g_ptr_array_new_with_free_func(g_free);
    if (!virDomainObjIsActive(vm) ||
        qemuDomainObjEnterMonitorAsync(vm, vm->job->asyncJob) < 0) {
        virErrorResetLast();
        return;
    }
    for (i = 0; i < mirrors->len; i++) {
        const char *target = g_ptr_array_index(mirrors, i);
        virDomainDiskDef *disk = qemuMigrationSrcNBDDisk(vm, target);
        g_autofree char *id = disk ? qemuMigrationNBDExportName(disk) : NULL;
        g_autofree char *format = g_strdup_printf("migration-%s-format", target);
        g_autofree char *storage = g_strdup_printf("migration-%s-storage", target);

        if (id)
            ignore_value(qemuMonitorJobDismiss(priv->mon, id));
        ignore_value(qemuMonitorBlockdevDel(priv->mon, format));
        ignore_value(qemuMonitorBlockdevDel(priv->mon, storage));
    }
    virErrorResetLast();
    ignore_value(qemuDomainObjExitMonitor(vm));
}


/**
 * qemuMigrationSrcNBDComplete:
 * Pre-switchover (the vCPUs stopped, the memory sent but the devices
 * not yet): completes every mirror (the copy gets the last writes and
 * the source keeps its disk), waits for all to end, checks that none
 * failed, and detaches them.  Returns 0 or -1 (reported; the caller
 * cancels the migration and the mirrors).
 */
int
qemuMigrationSrcNBDComplete(virDomainObj *vm)
{
    qemuMigrationNBD *nbd = QEMU_DOMAIN_PRIVATE(vm)->nbd;

    if (!nbd || !nbd->mirrors->len)
        return 0;
    if (qemuMigrationSrcNBDCheck(vm, false) != 1) {
        if (virErrorGetLastCode() == VIR_ERR_OK)
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("a disk mirror is not ready at switch-over"));
        return -1;
    }
    if (qemuMigrationSrcNBDCancelJobs(vm, false) < 0 ||
        qemuMigrationSrcNBDWait(vm, true, QEMU_MIGRATION_NBD_CANCEL_MS) < 0)
        return -1;
    VIR_INFO("the disk mirrors of %s completed", vm->def->name);
    qemuMigrationSrcNBDDetach(vm);
    g_clear_pointer(&QEMU_DOMAIN_PRIVATE(vm)->nbd, qemuMigrationNBDFree);
    return 0;
}


/* After a forced cancel: waits until no mirror job runs any more (each
 * concluded or gone), for at most QEMU_MIGRATION_NBD_CANCEL_MS.  Returns
 * 0 or -1 (reported). */
static int
qemuMigrationSrcNBDWaitEnded(virDomainObj *vm)
{
    qemuMigrationNBD *nbd = QEMU_DOMAIN_PRIVATE(vm)->nbd;
    long long deadline = virTimeMonotonicMs() + QEMU_MIGRATION_NBD_CANCEL_MS;

    for (;;) {
        g_autoptr(GPtrArray) jobs = NULL;
        size_t running = 0;
        size_t i;

        if (qemuMigrationSrcNBDJobs(vm, &jobs) < 0)
            return -1;
        for (i = 0; i < nbd->mirrors->len; i++) {
            virDomainDiskDef *disk = qemuMigrationSrcNBDDisk(vm, g_ptr_array_index(nbd->mirrors, i));
            g_autofree char *id = disk ? qemuMigrationNBDExportName(disk) : NULL;
            const qemuMonitorBlockJobInfo *job = id ? qemuMigrationSrcNBDFindJob(jobs, id) : NULL;

            if (job && STRNEQ_NULLABLE(job->status, "concluded"))
                running++;
        }
        if (!running)
            return 0;
        if (virTimeMonotonicMs() >= deadline) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                           _("the disk mirrors did not end in time"));
            return -1;
        }
        if (qemuDomainObjWait(vm, virTimeMonotonicMs() + QEMU_MIGRATION_NBD_POLL_MS) < 0)
            return -1;
    }
}


/**
 * qemuMigrationSrcNBDCancel:
 * A failed storage migration: every mirror still there is cancelled at
 * once and detached; the guest goes on with its own disks.  Errors are
 * logged, the caller's error stays.
 */
void
qemuMigrationSrcNBDCancel(virDomainObj *vm)
{
    qemuMigrationNBD *nbd = QEMU_DOMAIN_PRIVATE(vm)->nbd;
    virError *err = NULL;

    if (!nbd)
        return;
    virErrorPreserveLast(&err);
    if (nbd->mirrors->len && virDomainObjIsActive(vm)) {
        VIR_WARN("cancelling the %u disk mirrors of %s", nbd->mirrors->len,
                 vm->def->name);
        if (qemuMigrationSrcNBDCancelJobs(vm, true) < 0 ||
            qemuMigrationSrcNBDWaitEnded(vm) < 0)
            VIR_WARN("disk mirrors of %s: %s", vm->def->name,
                     NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        qemuMigrationSrcNBDDetach(vm);
    }
    g_clear_pointer(&QEMU_DOMAIN_PRIVATE(vm)->nbd, qemuMigrationNBDFree);
    virErrorRestore(&err);
}


/**
 * qemuMigrationSrcNBDRecover:
 * A daemon restarted in the middle of a storage migration knows nothing of
 * its mirrors, but QEMU still runs them: every block job of QEMU named as
 * the mirror of a disk of @vm (query-block-jobs) is cancelled at once and
 * detached, so the guest goes on alone with its own disks.  @vm locked
 * and active, holding a MODIFY job and no async job (qemuProcessReconnect).
 * Errors are logged.
 */
void
qemuMigrationSrcNBDRecover(virDomainObj *vm)
{
    g_autoptr(GPtrArray) jobs = NULL;
    qemuMigrationNBD *nbd;
    size_t i;

    if (qemuMigrationSrcNBDJobs(vm, &jobs) < 0) {
        VIR_WARN("cannot look for the disk mirrors of %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return;
    }
    nbd = qemuMigrationNBDGet(vm);
    for (i = 0; i < vm->def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);
        g_autofree char *id = qemuMigrationNBDExportName(disk);

        if (qemuMigrationSrcNBDFindJob(jobs, id))
            g_ptr_array_add(nbd->mirrors, g_strdup(disk->dst));
    }
    if (nbd->mirrors->len)
        VIR_WARN("domain %s: %u disk mirrors of an interrupted storage migration are left",
                 vm->def->name, nbd->mirrors->len);
    qemuMigrationSrcNBDCancel(vm);
}
