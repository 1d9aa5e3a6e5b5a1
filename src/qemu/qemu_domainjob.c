/*
 * qemu_domainjob.c: QEMU side of domain jobs: monitor access inside jobs,
 * job statistics (domjobinfo, domjobstats) and abort (domjobabort)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_domainjob.h"
#include "qemu_migration_job.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "virobject.h"
#include "virthread.h"
#include "virthreadjob.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_domainjob");

static const qemuDomainJobHooks *qemuDomainJobHooksCurrent;


static void *
qemuDomainJobDataPrivateAlloc(void)
{
    return g_new0(qemuDomainJobDataPrivate, 1);
}


static void *
qemuDomainJobDataPrivateCopy(const void *data)
{
    return g_memdup2(data, sizeof(qemuDomainJobDataPrivate));
}


/* The statistics behind a virDomainJobData of a QEMU domain. */
const virDomainJobDataPrivateDataCallbacks qemuDomainJobDataPrivateCb = {
    .allocPrivateData = qemuDomainJobDataPrivateAlloc,
    .copyPrivateData = qemuDomainJobDataPrivateCopy,
    .freePrivateData = g_free,
};


/* Says which statistics @jobData carries (migration, dump...). */
void
qemuDomainJobSetStatsType(virDomainJobData *jobData,
                          qemuDomainJobStatsType type)
{
    qemuDomainJobDataPrivate *priv = jobData->privateData;

    priv->statsType = type;
}


/* Recomputes @jobData's elapsed time from its start (wall clock). */
void
qemuDomainJobDataUpdateTime(virDomainJobData *jobData)
{
    unsigned long long now = virTimeMillisNow();

    if (!jobData->started)
        return;
    if (now < jobData->started) {
        VIR_WARN("Async job starts in the future");
        jobData->started = 0;
        return;
    }
    jobData->timeElapsed = now - jobData->started;
}


/* Recomputes the downtime as the time since the vCPUs stopped. */
void
qemuDomainJobDataUpdateDowntime(virDomainJobData *jobData)
{
    qemuDomainJobDataPrivate *priv = jobData->privateData;
    unsigned long long now = virTimeMillisNow();

    if (!jobData->stopped)
        return;
    if (now < jobData->stopped) {
        VIR_WARN("Guest's CPUs stopped in the future");
        jobData->stopped = 0;
        return;
    }
    priv->mig.downtime = now - jobData->stopped;
    priv->mig.downtime_set = true;
}


/**
 * qemuDomainJobDataToInfo:
 * Fills the old virDomainJobInfo of virDomainGetJobInfo from @jobData:
 * memory is RAM, file is disk plus storage mirrors, data is both.
 */
void
qemuDomainJobDataToInfo(const virDomainJobData *jobData,
                        virDomainJobInfo *info)
{
    const qemuDomainJobDataPrivate *priv = jobData->privateData;
    const qemuDomainMigrationStats *mig = &priv->mig;
    const qemuDomainMirrorStats *mirror = &priv->mirrorStats;

    memset(info, 0, sizeof(*info));
    info->type = virDomainJobStatusToType(jobData->status);
    info->timeElapsed = jobData->timeElapsed;
    if (priv->statsType == QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION ||
        priv->statsType == QEMU_DOMAIN_JOB_STATS_TYPE_SAVEDUMP) {
        info->memTotal = mig->ram_total;
        info->memRemaining = mig->ram_remaining;
        info->memProcessed = mig->ram_transferred;
    }
    if (priv->statsType == QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION) {
        info->fileTotal = mig->disk_total + mirror->total;
        info->fileRemaining = mig->disk_remaining +
                              (mirror->total - mirror->transferred);
        info->fileProcessed = mig->disk_transferred + mirror->transferred;
    }
    info->dataTotal = info->memTotal + info->fileTotal;
    info->dataRemaining = info->memRemaining + info->fileRemaining;
    info->dataProcessed = info->memProcessed + info->fileProcessed;
}


/* Appends a typed parameter called @name of @type to @params. */
static virTypedParameter *
qemuDomainJobParamAdd(GArray *params, const char *name, int type)
{
    virTypedParameter par = { .type = type };

    g_strlcpy(par.field, name, VIR_TYPED_PARAM_FIELD_LENGTH);
    g_array_append_val(params, par);
    return &g_array_index(params, virTypedParameter, params->len - 1);
}


static void
qemuDomainJobParamULL(GArray *params, const char *name, unsigned long long v)
{
    qemuDomainJobParamAdd(params, name, VIR_TYPED_PARAM_ULLONG)->value.ul = v;
}


static void
qemuDomainJobParamInt(GArray *params, const char *name, int v)
{
    qemuDomainJobParamAdd(params, name, VIR_TYPED_PARAM_INT)->value.i = v;
}


static const char *const qemuMigrationConvergeActionTable[] = {
    [QEMU_MIGRATION_CONVERGE_NONE] = "none",
    [QEMU_MIGRATION_CONVERGE_DOWNTIME] = "downtime",
    [QEMU_MIGRATION_CONVERGE_POSTCOPY] = "postcopy",
    [QEMU_MIGRATION_CONVERGE_THROTTLE] = "throttle",
    [QEMU_MIGRATION_CONVERGE_EXHAUSTED] = "exhausted",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationConvergeAction,
                    qemuMigrationConvergeActionTable,
                    QEMU_MIGRATION_CONVERGE_LAST);


/* virtmig's own fields: what the convergence policy did, when it ran. */
static void
qemuDomainJobParamsConverge(GArray *par, const qemuDomainConvergeStats *cv)
{
    virTypedParameter *p;

    if (!cv->enabled)
        return;
    qemuDomainJobParamAdd(par, "virtmig.converge.steps",
                          VIR_TYPED_PARAM_UINT)->value.ui = cv->steps;
    p = qemuDomainJobParamAdd(par, "virtmig.converge.action",
                              VIR_TYPED_PARAM_STRING);
    p->value.s = g_strdup(qemuMigrationConvergeActionTypeToString(cv->action));
    qemuDomainJobParamULL(par, "virtmig.converge.downtime_limit",
                          cv->downtimeLimit);
    if (cv->throttle > 0) {
        p = qemuDomainJobParamAdd(par, "virtmig.converge.throttle_max",
                                  VIR_TYPED_PARAM_UINT);
        p->value.ui = cv->throttle;
    }
    if (cv->etaSet)
        qemuDomainJobParamULL(par, "virtmig.converge.eta", cv->eta);
}


/* Time and totals every migration-like job reports. */
static void
qemuDomainJobParamsTimes(GArray *par, const virDomainJobData *jobData)
{
    const qemuDomainJobDataPrivate *priv = jobData->privateData;
    const qemuDomainMigrationStats *mig = &priv->mig;

    qemuDomainJobParamInt(par, VIR_DOMAIN_JOB_OPERATION, jobData->operation);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_TIME_ELAPSED,
                          jobData->timeElapsed);
    if (jobData->timeDeltaSet &&
        jobData->timeElapsed > (unsigned long long)jobData->timeDelta)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_TIME_ELAPSED_NET,
                              jobData->timeElapsed - jobData->timeDelta);
    if (mig->downtime_set)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DOWNTIME, mig->downtime);
    if (mig->downtime_set && jobData->timeDeltaSet &&
        mig->downtime > (unsigned long long)jobData->timeDelta)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DOWNTIME_NET,
                              mig->downtime - jobData->timeDelta);
    if (mig->setup_time_set)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_SETUP_TIME,
                              mig->setup_time);
}


/* RAM statistics. */
static void
qemuDomainJobParamsMemory(GArray *par, const qemuDomainMigrationStats *mig)
{
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_TOTAL, mig->ram_total);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_PROCESSED,
                          mig->ram_transferred);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_REMAINING,
                          mig->ram_remaining);
    if (mig->ram_bps)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_BPS, mig->ram_bps);
    if (mig->ram_duplicate_set) {
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_CONSTANT,
                              mig->ram_duplicate);
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_NORMAL,
                              mig->ram_normal);
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES,
                              mig->ram_normal_bytes);
    }
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE,
                          mig->ram_dirty_rate);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_ITERATION,
                          mig->ram_iteration);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS,
                          mig->ram_postcopy_reqs);
    if (mig->ram_page_size > 0)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE,
                              mig->ram_page_size);
}


/* Disk (and storage mirror), compression and throttling statistics. */
static void
qemuDomainJobParamsDisk(GArray *par, const qemuDomainJobDataPrivate *priv)
{
    const qemuDomainMigrationStats *mig = &priv->mig;
    const qemuDomainMirrorStats *mirror = &priv->mirrorStats;

    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DISK_TOTAL,
                          mig->disk_total + mirror->total);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DISK_PROCESSED,
                          mig->disk_transferred + mirror->transferred);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DISK_REMAINING,
                          mig->disk_remaining +
                          (mirror->total - mirror->transferred));
    if (mig->disk_bps)
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DISK_BPS, mig->disk_bps);
    if (mig->xbzrle_set) {
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_COMPRESSION_CACHE,
                              mig->xbzrle_cache_size);
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_COMPRESSION_BYTES,
                              mig->xbzrle_bytes);
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_COMPRESSION_PAGES,
                              mig->xbzrle_pages);
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_COMPRESSION_CACHE_MISSES,
                              mig->xbzrle_cache_miss);
        qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_COMPRESSION_OVERFLOW,
                              mig->xbzrle_overflow);
    }
    /* -1: QEMU did not say (it throttles nothing); libvirt leaves it out */
    if (mig->cpu_throttle_percentage > 0)
        qemuDomainJobParamInt(par, VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE,
                              mig->cpu_throttle_percentage);
}


/**
 * qemuDomainJobDataToParams:
 * @jobData: statistics of a running or completed job
 * @type: set to the public virDomainJobType
 * @params: set to a new array the caller frees with virTypedParamArrayFree
 * @nparams: set to its length
 *
 * Builds the typed parameters of virDomainGetJobStats with libvirt's
 * names (VIR_DOMAIN_JOB_*), in libvirt's order.  Like libvirt 9.0,
 * migration statistics carry no "success"/"errmsg" (only backup jobs do).
 * Returns 0, or -1 (reported) for statistics of a kind we do not produce
 * yet.
 */
int
qemuDomainJobDataToParams(const virDomainJobData *jobData, int *type,
                          virTypedParameterPtr *params, int *nparams)
{
    const qemuDomainJobDataPrivate *priv = jobData->privateData;
    g_autoptr(GArray) par = NULL;

    if (priv->statsType != QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION &&
        priv->statsType != QEMU_DOMAIN_JOB_STATS_TYPE_SAVEDUMP) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("invalid job statistics type"));
        return -1;
    }

    par = g_array_new(FALSE, TRUE, sizeof(virTypedParameter));
    qemuDomainJobParamsTimes(par, jobData);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DATA_TOTAL,
                          priv->mig.ram_total + priv->mig.disk_total +
                          priv->mirrorStats.total);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DATA_PROCESSED,
                          priv->mig.ram_transferred +
                          priv->mig.disk_transferred +
                          priv->mirrorStats.transferred);
    qemuDomainJobParamULL(par, VIR_DOMAIN_JOB_DATA_REMAINING,
                          priv->mig.ram_remaining + priv->mig.disk_remaining +
                          (priv->mirrorStats.total -
                           priv->mirrorStats.transferred));
    qemuDomainJobParamsMemory(par, &priv->mig);
    if (priv->statsType == QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION)
        qemuDomainJobParamsDisk(par, priv);
    qemuDomainJobParamsConverge(par, &priv->converge);

    *type = virDomainJobStatusToType(jobData->status);
    *nparams = par->len;
    *params = (virTypedParameterPtr)(void *)g_array_free(g_steal_pointer(&par),
                                                         FALSE);
    return 0;
}


/**
 * qemuDomainJobSaveCompleted:
 * Keeps a copy of the running async job's statistics of locked @vm, with
 * final @status and elapsed time, as the last completed job (what
 * "domjobinfo --completed" shows after the job ended).
 */
void
qemuDomainJobSaveCompleted(virDomainObj *vm, virDomainJobStatus status)
{
    virDomainJobObj *job = vm->job;

    if (!job->current)
        return;
    qemuDomainJobDataUpdateTime(job->current);
    virDomainJobDataFree(job->completed);
    job->completed = virDomainJobDataCopy(job->current);
    job->completed->status = status;
    g_free(job->completed->errmsg);
    job->completed->errmsg = g_strdup(job->error);
}


/* virDomainJobObjConfig.phaseToString: migration jobs have phases, the
 * others are always in phase "none". */
const char *
qemuDomainAsyncJobPhaseToString(virDomainAsyncJob job, int phase)
{
    switch (job) {
    case VIR_ASYNC_JOB_MIGRATION_OUT:
    case VIR_ASYNC_JOB_MIGRATION_IN:
        return qemuMigrationJobPhaseTypeToString(phase);
    case VIR_ASYNC_JOB_NONE:
    case VIR_ASYNC_JOB_SAVE:
    case VIR_ASYNC_JOB_DUMP:
    case VIR_ASYNC_JOB_SNAPSHOT:
    case VIR_ASYNC_JOB_START:
    case VIR_ASYNC_JOB_BACKUP:
    case VIR_ASYNC_JOB_LAST:
        break;
    }
    return "none";
}


/* virDomainJobObjConfig.phaseFromString: the phase called @phase of a
 * @job async job, or -1 if it has none of that name. */
int
qemuDomainAsyncJobPhaseFromString(virDomainAsyncJob job, const char *phase)
{
    switch (job) {
    case VIR_ASYNC_JOB_MIGRATION_OUT:
    case VIR_ASYNC_JOB_MIGRATION_IN:
        return qemuMigrationJobPhaseTypeFromString(phase);
    case VIR_ASYNC_JOB_NONE:
    case VIR_ASYNC_JOB_SAVE:
    case VIR_ASYNC_JOB_DUMP:
    case VIR_ASYNC_JOB_SNAPSHOT:
    case VIR_ASYNC_JOB_START:
    case VIR_ASYNC_JOB_BACKUP:
    case VIR_ASYNC_JOB_LAST:
        break;
    }
    return STREQ_NULLABLE(phase, "none") ? 0 : -1;
}


/* Sets which normal jobs may run during the async job of locked @vm
 * (DESTROY always may).  No-op without an async job. */
void
qemuDomainObjSetAsyncJobMask(virDomainObj *vm, unsigned long long allowedJobs)
{
    if (vm->job->asyncJob == VIR_ASYNC_JOB_NONE)
        return;
    vm->job->mask = allowedJobs | JOB_MASK(VIR_JOB_DESTROY);
}


/**
 * qemuDomainObjDiscardAsyncJob:
 * Drops the async job of locked @vm (and a nested job left by its dead
 * owner) without the owner's cooperation: used when QEMU died while the
 * job was parked.  Saves the status and wakes the threads waiting for the
 * async job.
 */
void
qemuDomainObjDiscardAsyncJob(virDomainObj *vm)
{
    VIR_DEBUG("Discarding '%s' async job of domain %s",
              virDomainAsyncJobTypeToString(vm->job->asyncJob),
              vm->def->name);
    if (vm->job->active == VIR_JOB_ASYNC_NESTED) {
        vm->job->jobsQueued--;
        virDomainObjResetJob(vm->job);
        g_cond_broadcast(&vm->job->cond);
    }
    if (vm->job->asyncJob != VIR_ASYNC_JOB_NONE)
        vm->job->jobsQueued--;
    virDomainObjResetAsyncJob(vm->job);
    if (virDomainObjSaveStatus(vm) < 0)
        VIR_WARN("Failed to save status of domain %s", vm->def->name);
    g_cond_broadcast(&vm->job->asyncCond);
}


/* Records a client's request to abort the async job of locked @vm and
 * wakes the job's thread if it waits on the domain condition. */
void
qemuDomainObjAbortAsyncJob(virDomainObj *vm)
{
    VIR_DEBUG("Requesting abort of async job: %s (vm=%p name=%s)",
              virDomainAsyncJobTypeToString(vm->job->asyncJob), vm,
              vm->def->name);
    vm->job->abortJob = true;
    virDomainObjBroadcast(vm);
}


/**
 * qemuDomainObjRestoreAsyncJob:
 * Recreates, on locked @vm without an async job, an async job found in
 * the status XML at daemon start: parked (no owner), with @allowedJobs,
 * statistics in @status, its original start time (@started, 0 = now).
 * The phase is set by the caller through qemuMigrationJobRestore.
 */
void
qemuDomainObjRestoreAsyncJob(virDomainObj *vm, virDomainAsyncJob asyncJob,
                             unsigned long long started,
                             virDomainJobOperation operation,
                             qemuDomainJobStatsType statsType,
                             virDomainJobStatus status,
                             unsigned long long allowedJobs)
{
    virDomainJobObj *job = vm->job;

    VIR_DEBUG("Restoring %s async job for domain %s",
              virDomainAsyncJobTypeToString(asyncJob), vm->def->name);
    if (started == 0)
        started = virTimeMillisNow();

    job->jobsQueued++;
    job->asyncJob = asyncJob;
    job->asyncOwner = 0;
    g_free(job->asyncOwnerAPI);
    job->asyncOwnerAPI = g_strdup(virThreadJobGet());
    job->asyncStarted = started;
    qemuDomainObjSetAsyncJobMask(vm, allowedJobs);

    virDomainJobDataFree(job->current);
    job->current = virDomainJobDataInit(&job->cfg->jobDataPrivateCb);
    qemuDomainJobSetStatsType(job->current, statsType);
    job->current->operation = operation;
    job->current->status = status;
    job->current->started = started;
}


/* Refuses monitor access from a thread that holds no normal job of @vm. */
static int
qemuDomainObjCheckMonitorJob(virDomainObj *vm)
{
    virDomainJobObj *job = vm->job;
    unsigned long long me = virThreadJobSelfID();

    if (job->active != VIR_JOB_NONE && job->owner == me)
        return 0;
    if (job->asyncOwner == me) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the owner of async job '%1$s' of domain '%2$s' must take a nested job to enter the monitor"),
                       virDomainAsyncJobTypeToString(job->asyncJob),
                       vm->def->name);
        return -1;
    }
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("entering the monitor of domain '%1$s' without a job (current job %2$s owned by %3$s)"),
                   vm->def->name, virDomainJobTypeToString(job->active),
                   NULLSTR(job->ownerAPI));
    return -1;
}


/* Locks and references the monitor, then unlocks @vm. */
static int
qemuDomainObjEnterMonitorInternal(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->mon) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("domain is no longer running"));
        return -1;
    }
    VIR_DEBUG("Entering monitor (mon=%p vm=%p name=%s)", priv->mon, vm,
              vm->def->name);
    priv->monEntered = virObjectRef(priv->mon);
    virObjectLock(priv->monEntered);
    priv->monStart = virTimeMonotonicMs();
    virObjectUnlock(vm);
    return 0;
}


/**
 * qemuDomainObjEnterMonitor:
 * @vm: locked domain object; the caller holds a normal job and checked
 *      that the domain runs
 *
 * Gives the caller the monitor: it returns with the monitor locked and
 * referenced and @vm unlocked.  Only monitor calls may follow, then
 * qemuDomainObjExitMonitor in the same function.  Not for async jobs (use
 * qemuDomainObjEnterMonitorAsync).  Returns 0, or -1 with an error
 * reported (no job held, or QEMU gone) and @vm still locked.
 */
int
qemuDomainObjEnterMonitor(virDomainObj *vm)
{
    if (qemuDomainObjCheckMonitorJob(vm) < 0)
        return -1;
    return qemuDomainObjEnterMonitorInternal(vm);
}


/**
 * qemuDomainObjEnterMonitorAsync:
 * @vm: locked domain object
 * @asyncJob: the async job the caller drives, or VIR_ASYNC_JOB_NONE when
 *            called from a normal job (as qemuDomainObjEnterMonitor)
 *
 * Takes a nested job for the running async job (waiting for other normal
 * jobs to end, up to the job timeout), checks the domain still runs and
 * gives the caller the monitor as qemuDomainObjEnterMonitor does.  Returns
 * 0 (pair with qemuDomainObjExitMonitor), -2 if the nested job timed out,
 * -1 otherwise; errors are reported and @vm is locked on failure.
 */
int
qemuDomainObjEnterMonitorAsync(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    int rc;

    if (asyncJob == VIR_ASYNC_JOB_NONE)
        return qemuDomainObjEnterMonitor(vm);

    if ((rc = virDomainObjBeginNestedJob(vm, asyncJob)) < 0)
        return rc;
    if (!virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("domain is no longer running"));
        virDomainObjEndJob(vm);
        return -1;
    }
    if (qemuDomainObjEnterMonitorInternal(vm) < 0) {
        virDomainObjEndJob(vm);
        return -1;
    }
    return 0;
}


/**
 * qemuDomainObjExitMonitor:
 * @vm: the domain object, unlocked, whose monitor the caller entered
 *
 * Gives the monitor back and locks @vm again; a nested job taken by
 * qemuDomainObjEnterMonitorAsync ends here.  If the monitor was closed
 * meanwhile its pointer is cleared.  The domain may have stopped while
 * unlocked: returns 0 if it still runs, -1 with "domain is no longer
 * running" (VIR_ERR_OPERATION_FAILED) reported if not; cleanup paths may
 * ignore that.
 */
int
qemuDomainObjExitMonitor(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMonitor *mon = priv->monEntered;    /* set by this thread */
    bool alive;

    virObjectUnlock(mon);
    alive = virObjectUnref(mon);

    virObjectLock(vm);
    VIR_DEBUG("Exited monitor (mon=%p vm=%p name=%s)", mon, vm,
              vm->def->name);
    priv->monStart = 0;
    priv->monEntered = NULL;
    if (!alive && priv->mon == mon)
        priv->mon = NULL;
    if (vm->job->active == VIR_JOB_ASYNC_NESTED &&
        vm->job->owner == virThreadJobSelfID())
        virDomainObjEndJob(vm);

    if (!virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("domain is no longer running"));
        return -1;
    }
    return 0;
}


/* Unlocks @vm around a call to the peer daemon (the caller holds a job,
 * usually the async migration job). */
void
qemuDomainObjEnterRemote(virDomainObj *vm)
{
    VIR_DEBUG("Entering remote (vm=%p name=%s)", vm, vm->def->name);
    virObjectUnlock(vm);
}


/**
 * qemuDomainObjExitRemote:
 * Locks @vm again after a peer call.  With @checkActive, returns -1 with
 * "domain '%s' is not running" (VIR_ERR_OPERATION_FAILED) reported if the
 * domain stopped meanwhile; else 0.
 */
int
qemuDomainObjExitRemote(virDomainObj *vm, bool checkActive)
{
    virObjectLock(vm);
    VIR_DEBUG("Exited remote (vm=%p name=%s)", vm, vm->def->name);
    if (checkActive && !virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' is not running"), vm->def->name);
        return -1;
    }
    return 0;
}


/**
 * qemuDomainObjWait:
 * @vm: locked domain object; the caller holds a job
 * @deadlineMs: virTimeMonotonicMs() value to give up at
 *
 * Waits for a domain condition broadcast (migration event, abort request,
 * domain death).  Returns 0 when woken (callers re-check their state), 1
 * at the deadline, -1 with "domain is not running" reported if the domain
 * stopped or is being destroyed.
 */
int
qemuDomainObjWait(virDomainObj *vm, long long deadlineMs)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc = virDomainObjWaitUntil(vm, deadlineMs);

    if (!virDomainObjIsActive(vm) || priv->beingDestroyed) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("domain is not running"));
        return -1;
    }
    return rc;
}


/* Plugs in what the job code asks of QEMU (see qemuDomainJobHooks).
 * @hooks must stay valid; set once by the driver before serving APIs. */
void
qemuDomainJobSetHooks(const qemuDomainJobHooks *hooks)
{
    g_atomic_pointer_set(&qemuDomainJobHooksCurrent, hooks);
}


static const qemuDomainJobHooks *
qemuDomainJobGetHooks(void)
{
    static const qemuDomainJobHooks none = { 0 };
    const qemuDomainJobHooks *hooks =
        g_atomic_pointer_get(&qemuDomainJobHooksCurrent);

    return hooks ? hooks : &none;
}


/**
 * qemuDomainJobGetStatsData:
 * @vm: locked domain object (no job held by the caller)
 * @completed: the last completed job instead of the running one
 * @jobData: set to a copy of the statistics (caller owns it), or NULL
 *           when there is none
 *
 * The data behind domjobinfo.  Completed statistics are returned only
 * while no async job runs, without taking a job.  Running ones need a
 * QUERY job (allowed during an outgoing migration) and a running domain;
 * on the destination of a migration they are refused at once, as
 * libvirt does.  Returns 0 or -1 with an error reported.
 */
int
qemuDomainJobGetStatsData(virDomainObj *vm, bool completed,
                          virDomainJobData **jobData)
{
    const qemuDomainJobHooks *hooks = qemuDomainJobGetHooks();
    g_autoptr(virDomainJobData) data = NULL;
    int rc = 0;

    *jobData = NULL;
    if (completed) {
        if (vm->job->completed && !vm->job->current)
            *jobData = virDomainJobDataCopy(vm->job->completed);
        return 0;
    }
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("migration statistics are available only on the source host"));
        return -1;
    }
    if (virDomainObjBeginJob(vm, VIR_JOB_QUERY) < 0)
        return -1;
    if (virDomainObjCheckActive(vm) < 0) {
        rc = -1;
    } else if (vm->job->current) {
        data = virDomainJobDataCopy(vm->job->current);
        if (hooks->refreshStats && data->status != VIR_DOMAIN_JOB_STATUS_NONE)
            rc = hooks->refreshStats(vm, data);
        qemuDomainJobDataUpdateTime(data);
    }
    virDomainObjEndJob(vm);
    if (rc == 0)
        *jobData = g_steal_pointer(&data);
    return rc;
}


/* virDomainGetJobInfo on locked @vm: fills @info (zeroed when no job).
 * Returns 0 or -1 with an error reported. */
int
qemuDomainJobGetInfo(virDomainObj *vm, virDomainJobInfo *info)
{
    g_autoptr(virDomainJobData) data = NULL;

    memset(info, 0, sizeof(*info));
    if (qemuDomainJobGetStatsData(vm, false, &data) < 0)
        return -1;
    if (data && data->status != VIR_DOMAIN_JOB_STATUS_NONE)
        qemuDomainJobDataToInfo(data, info);
    return 0;
}


/**
 * qemuDomainJobGetStats:
 * virDomainGetJobStats on locked @vm.  @flags: VIR_DOMAIN_JOB_STATS_
 * COMPLETED (and KEEP_COMPLETED, without which completed statistics are
 * forgotten once read).  Without a job: *@type is VIR_DOMAIN_JOB_NONE and
 * no parameters.  The caller frees *@params with virTypedParamArrayFree.
 * Returns 0 or -1 with an error reported.
 */
int
qemuDomainJobGetStats(virDomainObj *vm, unsigned int flags, int *type,
                      virTypedParameterPtr *params, int *nparams)
{
    g_autoptr(virDomainJobData) data = NULL;
    bool completed = flags & VIR_DOMAIN_JOB_STATS_COMPLETED;

    virCheckFlags(VIR_DOMAIN_JOB_STATS_COMPLETED |
                  VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED, -1);

    if (qemuDomainJobGetStatsData(vm, completed, &data) < 0)
        return -1;
    if (!data || data->status == VIR_DOMAIN_JOB_STATUS_NONE) {
        *type = VIR_DOMAIN_JOB_NONE;
        *params = NULL;
        *nparams = 0;
        return 0;
    }
    if (qemuDomainJobDataToParams(data, type, params, nparams) < 0)
        return -1;
    if (completed && !(flags & VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED))
        g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
    return 0;
}


/* Aborts the migration-like async job of locked @vm (ABORT job held). */
static int
qemuDomainJobAbortMigration(virDomainObj *vm, unsigned int flags)
{
    const qemuDomainJobHooks *hooks = qemuDomainJobGetHooks();

    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT &&
        qemuDomainObjIsPostcopy(vm)) {
        if (!(flags & VIR_DOMAIN_ABORT_JOB_POSTCOPY)) {
            virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                           _("cannot abort migration in post-copy mode"));
            return -1;
        }
        VIR_DEBUG("Suspending post-copy migration at client request");
        qemuDomainObjAbortAsyncJob(vm);
        return hooks->migratePause ? hooks->migratePause(vm) : 0;
    }
    VIR_DEBUG("Cancelling %s job at client request",
              virDomainAsyncJobTypeToString(vm->job->asyncJob));
    qemuDomainObjAbortAsyncJob(vm);
    /* backups stop their block jobs themselves (no backup support yet) */
    if (vm->job->asyncJob == VIR_ASYNC_JOB_BACKUP)
        return 0;
    return hooks->migrateCancel ? hooks->migrateCancel(vm) : 0;
}


/* Refuses aborting the async job of locked @vm, libvirt's way, for the
 * jobs that cannot be aborted.  Returns 0 if it may be. */
static int
qemuDomainJobAbortCheck(virDomainObj *vm)
{
    switch (vm->job->asyncJob) {
    case VIR_ASYNC_JOB_NONE:
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("no job is active on the domain"));
        return -1;
    case VIR_ASYNC_JOB_MIGRATION_IN:
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot abort incoming migration; use virDomainDestroy instead"));
        return -1;
    case VIR_ASYNC_JOB_START:
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot abort VM start; use virDomainDestroy instead"));
        return -1;
    case VIR_ASYNC_JOB_DUMP:
        if (vm->job->apiFlags & VIR_DUMP_MEMORY_ONLY) {
            virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                           _("cannot abort memory-only dump"));
            return -1;
        }
        return 0;
    case VIR_ASYNC_JOB_MIGRATION_OUT:
    case VIR_ASYNC_JOB_SAVE:
    case VIR_ASYNC_JOB_SNAPSHOT:
    case VIR_ASYNC_JOB_BACKUP:
        return 0;
    case VIR_ASYNC_JOB_LAST:
    default:
        virReportEnumRangeError(virDomainAsyncJob, vm->job->asyncJob);
        return -1;
    }
}


/**
 * qemuDomainJobAbort:
 * @vm: locked domain object (no job held by the caller)
 * @flags: VIR_DOMAIN_ABORT_JOB_POSTCOPY
 *
 * virDomainAbortJobFlags: takes an ABORT job (which the running async
 * job's mask must allow), records the abort request, wakes the job's
 * thread and asks QEMU to cancel (hook migrateCancel; migratePause for
 * --postcopy).  An incoming migration or a domain start, whose masks
 * never allow ABORT, are refused at once with libvirt's messages instead
 * of after the job timeout.  Returns 0 or -1 with an error reported.
 */
int
qemuDomainJobAbort(virDomainObj *vm, unsigned int flags)
{
    int rc = -1;

    virCheckFlags(VIR_DOMAIN_ABORT_JOB_POSTCOPY, -1);

    if ((vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN ||
         vm->job->asyncJob == VIR_ASYNC_JOB_START) &&
        !(vm->job->mask & JOB_MASK(VIR_JOB_ABORT)))
        return qemuDomainJobAbortCheck(vm);

    if (virDomainObjBeginJob(vm, VIR_JOB_ABORT) < 0)
        return -1;

    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;
    if ((flags & VIR_DOMAIN_ABORT_JOB_POSTCOPY) &&
        (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT ||
         !qemuDomainObjIsPostcopy(vm))) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("current job is not outgoing migration in post-copy mode"));
        goto endjob;
    }
    if (qemuDomainJobAbortCheck(vm) < 0)
        goto endjob;
    rc = qemuDomainJobAbortMigration(vm, flags);

 endjob:
    virDomainObjEndJob(vm);
    return rc;
}
