/*
 * virdomainjob.c: the per-domain job object, shared by hypervisor drivers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virdomainjob.h"
#include "virdomainobj.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"
#include "virthreadjob.h"
#include "viruuid.h"

/* libvirt 9.0 reports job errors without an error domain; clients that
 * compare domains see the same thing from us. */
#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("conf.virdomainjob");

/* These strings are written to status XML and shown in errors and logs. */
static const char *const virDomainJobTable[] = {
    [VIR_JOB_NONE] = "none",
    [VIR_JOB_QUERY] = "query",
    [VIR_JOB_DESTROY] = "destroy",
    [VIR_JOB_SUSPEND] = "suspend",
    [VIR_JOB_MODIFY] = "modify",
    [VIR_JOB_ABORT] = "abort",
    [VIR_JOB_MIGRATION_OP] = "migration operation",
    [VIR_JOB_MODIFY_MIGRATION_SAFE] = "modify migration safe",
    [VIR_JOB_ASYNC] = "none",   /* never stored in @active */
    [VIR_JOB_ASYNC_NESTED] = "async nested",
};
VIR_ENUM_IMPL_TABLE(virDomainJob, virDomainJobTable, VIR_JOB_LAST);

static const char *const virDomainAgentJobTable[] = {
    [VIR_AGENT_JOB_NONE] = "none",
    [VIR_AGENT_JOB_QUERY] = "query",
    [VIR_AGENT_JOB_MODIFY] = "modify",
};
VIR_ENUM_IMPL_TABLE(virDomainAgentJob, virDomainAgentJobTable,
                    VIR_AGENT_JOB_LAST);

static const char *const virDomainAsyncJobTable[] = {
    [VIR_ASYNC_JOB_NONE] = "none",
    [VIR_ASYNC_JOB_MIGRATION_OUT] = "migration out",
    [VIR_ASYNC_JOB_MIGRATION_IN] = "migration in",
    [VIR_ASYNC_JOB_SAVE] = "save",
    [VIR_ASYNC_JOB_DUMP] = "dump",
    [VIR_ASYNC_JOB_SNAPSHOT] = "snapshot",
    [VIR_ASYNC_JOB_START] = "start",
    [VIR_ASYNC_JOB_BACKUP] = "backup",
};
VIR_ENUM_IMPL_TABLE(virDomainAsyncJob, virDomainAsyncJobTable,
                    VIR_ASYNC_JOB_LAST);

/* For logs only. */
static const char *const virDomainJobStatusTable[] = {
    [VIR_DOMAIN_JOB_STATUS_NONE] = "none",
    [VIR_DOMAIN_JOB_STATUS_ACTIVE] = "active",
    [VIR_DOMAIN_JOB_STATUS_MIGRATING] = "migrating",
    [VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED] = "hypervisor completed",
    [VIR_DOMAIN_JOB_STATUS_PAUSED] = "paused",
    [VIR_DOMAIN_JOB_STATUS_POSTCOPY] = "postcopy",
    [VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED] = "postcopy paused",
    [VIR_DOMAIN_JOB_STATUS_COMPLETED] = "completed",
    [VIR_DOMAIN_JOB_STATUS_FAILED] = "failed",
    [VIR_DOMAIN_JOB_STATUS_CANCELED] = "canceled",
};
VIR_ENUM_IMPL_TABLE(virDomainJobStatus, virDomainJobStatusTable,
                    VIR_DOMAIN_JOB_STATUS_LAST);

/* Async job ids for logs, unique for the life of the daemon. */
static gint virDomainAsyncJobLastId;


/* Returns a new statistics record using @cb (may be NULL) for its private
 * part; caller owns the result. */
virDomainJobData *
virDomainJobDataInit(const virDomainJobDataPrivateDataCallbacks *cb)
{
    virDomainJobData *data = g_new0(virDomainJobData, 1);

    data->privateDataCb = cb;
    if (cb && cb->allocPrivateData)
        data->privateData = cb->allocPrivateData();
    return data;
}


/* Returns a deep copy of @data; caller owns the result. */
virDomainJobData *
virDomainJobDataCopy(const virDomainJobData *data)
{
    virDomainJobData *copy = g_new0(virDomainJobData, 1);

    *copy = *data;
    copy->errmsg = g_strdup(data->errmsg);
    copy->privateData = NULL;
    if (data->privateDataCb && data->privateDataCb->copyPrivateData) {
        const virDomainJobDataPrivateDataCallbacks *cb = data->privateDataCb;

        copy->privateData = cb->copyPrivateData(data->privateData);
    }
    return copy;
}


/* Frees @data (may be NULL). */
void
virDomainJobDataFree(virDomainJobData *data)
{
    if (!data)
        return;
    if (data->privateDataCb && data->privateDataCb->freePrivateData)
        data->privateDataCb->freePrivateData(data->privateData);
    g_free(data->errmsg);
    g_free(data);
}


/* Maps a job's progress to the public virDomainJobType of domjobinfo. */
virDomainJobType
virDomainJobStatusToType(virDomainJobStatus status)
{
    switch (status) {
    case VIR_DOMAIN_JOB_STATUS_NONE:
        break;
    case VIR_DOMAIN_JOB_STATUS_ACTIVE:
    case VIR_DOMAIN_JOB_STATUS_MIGRATING:
    case VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED:
    case VIR_DOMAIN_JOB_STATUS_PAUSED:
    case VIR_DOMAIN_JOB_STATUS_POSTCOPY:
    case VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED:
        return VIR_DOMAIN_JOB_UNBOUNDED;
    case VIR_DOMAIN_JOB_STATUS_COMPLETED:
        return VIR_DOMAIN_JOB_COMPLETED;
    case VIR_DOMAIN_JOB_STATUS_FAILED:
        return VIR_DOMAIN_JOB_FAILED;
    case VIR_DOMAIN_JOB_STATUS_CANCELED:
        return VIR_DOMAIN_JOB_CANCELLED;
    case VIR_DOMAIN_JOB_STATUS_LAST:
        break;
    }
    return VIR_DOMAIN_JOB_NONE;
}


/* Returns a job object with every slot free, using @cfg (must outlive
 * it); caller owns the result. */
virDomainJobObj *
virDomainJobObjNew(const virDomainJobObjConfig *cfg)
{
    virDomainJobObj *job = g_new0(virDomainJobObj, 1);

    job->cfg = cfg;
    g_cond_init(&job->cond);
    g_cond_init(&job->asyncCond);
    job->mask = VIR_JOB_DEFAULT_MASK;
    if (cfg->cb.allocJobPrivate)
        job->privateData = cfg->cb.allocJobPrivate();
    return job;
}


/* Frees @job (may be NULL), including both statistics records.  Nobody may
 * be waiting on it. */
void
virDomainJobObjFree(virDomainJobObj *job)
{
    if (!job)
        return;
    virDomainObjResetJob(job);
    virDomainObjResetAgentJob(job);
    virDomainObjResetAsyncJob(job);
    g_clear_pointer(&job->completed, virDomainJobDataFree);
    if (job->cfg->cb.freeJobPrivate)
        job->cfg->cb.freeJobPrivate(job->privateData);
    g_cond_clear(&job->cond);
    g_cond_clear(&job->asyncCond);
    g_free(job);
}


/* Clears the normal job slot (no wakeup: see virDomainObjEndJob). */
void
virDomainObjResetJob(virDomainJobObj *job)
{
    job->active = VIR_JOB_NONE;
    job->owner = 0;
    g_clear_pointer(&job->ownerAPI, g_free);
    job->started = 0;
}


/* Clears the agent job slot (no wakeup). */
void
virDomainObjResetAgentJob(virDomainJobObj *job)
{
    job->agentActive = VIR_AGENT_JOB_NONE;
    job->agentOwner = 0;
    g_clear_pointer(&job->agentOwnerAPI, g_free);
    job->agentStarted = 0;
}


/* Clears the async job slot, its phase and statistics and the driver's
 * job data; the last completed statistics stay (no wakeup). */
void
virDomainObjResetAsyncJob(virDomainJobObj *job)
{
    job->asyncJob = VIR_ASYNC_JOB_NONE;
    job->asyncJobId = 0;
    job->asyncOwner = 0;
    g_clear_pointer(&job->asyncOwnerAPI, g_free);
    job->asyncStarted = 0;
    job->asyncPaused = false;
    job->phase = 0;
    job->mask = VIR_JOB_DEFAULT_MASK;
    job->abortJob = false;
    g_clear_pointer(&job->error, g_free);
    g_clear_pointer(&job->current, virDomainJobDataFree);
    job->apiFlags = 0;
    if (job->cfg->cb.resetJobPrivate)
        job->cfg->cb.resetJobPrivate(job->privateData);
}


/**
 * virDomainObjPreserveJob:
 * @vm: locked domain object
 *
 * Moves the job @vm holds (typically one just loaded from its status XML
 * at daemon start) into a new job object and leaves @vm without jobs, so
 * recovery can run ordinary jobs and then restore the async one.  Unlike
 * libvirt 9.0 this keeps the async job's start time, owner API and paused
 * flag, which the status XML records for exactly this purpose.
 *
 * Returns the saved job; caller owns it (virDomainJobObjFree).
 */
virDomainJobObj *
virDomainObjPreserveJob(virDomainObj *vm)
{
    virDomainJobObj *cur = vm->job;
    virDomainJobObj *saved = g_new0(virDomainJobObj, 1);

    saved->cfg = cur->cfg;
    g_cond_init(&saved->cond);
    g_cond_init(&saved->asyncCond);
    saved->active = cur->active;
    saved->owner = cur->owner;
    saved->asyncJob = cur->asyncJob;
    saved->asyncOwner = cur->asyncOwner;
    saved->asyncOwnerAPI = g_strdup(cur->asyncOwnerAPI);
    saved->asyncStarted = cur->asyncStarted;
    saved->asyncPaused = cur->asyncPaused;
    saved->phase = cur->phase;
    saved->mask = cur->mask;
    saved->apiFlags = cur->apiFlags;
    saved->privateData = g_steal_pointer(&cur->privateData);
    if (cur->cfg->cb.allocJobPrivate)
        cur->privateData = cur->cfg->cb.allocJobPrivate();

    virDomainObjResetJob(cur);
    virDomainObjResetAsyncJob(cur);
    return saved;
}


/* True if normal job @job is recorded in the status XML. */
bool
virDomainTrackJob(virDomainJob job)
{
    return (VIR_DOMAIN_TRACK_JOBS & JOB_MASK(job)) != 0;
}


/* True if normal job @newJob may start given the async job (if any):
 * NONE always may, others only when the async job's mask has them. */
bool
virDomainNestedJobAllowed(const virDomainJobObj *job, virDomainJob newJob)
{
    return job->asyncJob == VIR_ASYNC_JOB_NONE ||
           newJob == VIR_JOB_NONE ||
           (job->mask & JOB_MASK(newJob)) != 0;
}


/* True if the slots @newJob and @newAgentJob need are free. */
bool
virDomainObjCanSetJob(const virDomainJobObj *job, virDomainJob newJob,
                      virDomainAgentJob newAgentJob)
{
    return (newJob == VIR_JOB_NONE || job->active == VIR_JOB_NONE) &&
           (newAgentJob == VIR_AGENT_JOB_NONE ||
            job->agentActive == VIR_AGENT_JOB_NONE);
}


/* The configured job wait timeout in milliseconds. */
unsigned long long
virDomainJobObjWaitTimeout(const virDomainJobObj *job)
{
    return job->cfg->waitTimeoutMs ? job->cfg->waitTimeoutMs
                                   : VIR_JOB_WAIT_TIME_MS;
}


/* Saves @vm's status where a failure must not fail the caller. */
static void
virDomainObjSaveStatusQuiet(virDomainObj *vm)
{
    virError *orig = NULL;

    if (!vm->job->cfg->saveStatus)
        return;
    virErrorPreserveLast(&orig);
    if (vm->job->cfg->saveStatus(vm) < 0)
        VIR_WARN("Failed to save status of domain %s: %s", vm->def->name,
                 virErrorGetLastMessage());
    virErrorRestore(&orig);
}


static bool
virDomainObjJobQueueFull(const virDomainJobObj *jobObj, virDomainJob job)
{
    return job != VIR_JOB_ASYNC && job != VIR_JOB_DESTROY &&
           jobObj->cfg->maxQueuedJobs != 0 &&
           jobObj->jobsQueued > (int)jobObj->cfg->maxQueuedJobs;
}

static void
virDomainObjJobReportTimeout(const char *blocker, const char *agentBlocker)
{
    if (blocker && agentBlocker)
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("cannot acquire state change lock (held by monitor=%1$s agent=%2$s)"),
                       blocker, agentBlocker);
    else if (blocker)
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("cannot acquire state change lock (held by monitor=%1$s)"),
                       blocker);
    else if (agentBlocker)
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("cannot acquire state change lock (held by agent=%1$s)"),
                       agentBlocker);
    else
        virReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                       _("cannot acquire state change lock"));
}


static void
virDomainObjJobReportQueueFull(const char *blocker, const char *agentBlocker)
{
    if (blocker && agentBlocker)
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot acquire state change lock (held by monitor=%1$s agent=%2$s) due to max_queued limit"),
                       blocker, agentBlocker);
    else if (blocker)
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot acquire state change lock (held by monitor=%1$s) due to max_queued limit"),
                       blocker);
    else if (agentBlocker)
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot acquire state change lock (held by agent=%1$s) due to max_queued limit"),
                       agentBlocker);
    else
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("cannot acquire state change lock due to max_queued limit"));
}



/*
 * Reports why @job/@agentJob could not start on @vm: the wait timed out
 * (@timedOut) or too many jobs are queued.  The message names the API
 * holding what we waited for, as libvirt does: the normal job's owner if
 * the async job allowed us (or we are nested), else the async job's.
 * Returns -2.
 */
static int
virDomainObjJobBusyError(virDomainObj *vm, virDomainJob job,
                         virDomainAgentJob agentJob, bool timedOut)
{
    virDomainJobObj *jobObj = vm->job;
    const char *blocker = NULL;
    const char *agentBlocker = NULL;
    long long now = virTimeMillisNow();

    VIR_WARN("Cannot start job (%s, %s) in API %s for domain %s; current job "
             "is (%s, %s, %s) owned by (%llu %s, %llu %s, %llu %s "
             "(flags=0x%x)) for (%llus, %llus, %llus)",
             virDomainJobTypeToString(job),
             virDomainAgentJobTypeToString(agentJob),
             NULLSTR(virThreadJobGet()), vm->def->name,
             virDomainJobTypeToString(jobObj->active),
             virDomainAgentJobTypeToString(jobObj->agentActive),
             virDomainAsyncJobTypeToString(jobObj->asyncJob),
             jobObj->owner, NULLSTR(jobObj->ownerAPI),
             jobObj->agentOwner, NULLSTR(jobObj->agentOwnerAPI),
             jobObj->asyncOwner, NULLSTR(jobObj->asyncOwnerAPI),
             jobObj->apiFlags,
             jobObj->started ? (now - jobObj->started) / 1000 : 0,
             jobObj->agentStarted ? (now - jobObj->agentStarted) / 1000 : 0,
             jobObj->asyncStarted ? (now - jobObj->asyncStarted) / 1000 : 0);

    if (job != VIR_JOB_NONE) {
        if (job == VIR_JOB_ASYNC_NESTED ||
            virDomainNestedJobAllowed(jobObj, job))
            blocker = jobObj->ownerAPI;
        else
            blocker = jobObj->asyncOwnerAPI;
    }
    if (agentJob != VIR_AGENT_JOB_NONE)
        agentBlocker = jobObj->agentOwnerAPI;

    if (timedOut)
        virDomainObjJobReportTimeout(blocker, agentBlocker);
    else
        virDomainObjJobReportQueueFull(blocker, agentBlocker);
    return -2;
}


/*
 * Waits, with @vm's lock released, until @job and @agentJob may start:
 * first until the async job (if any) allows @job, then until the slots are
 * free; an async job may have started meanwhile, so both are checked again.
 * Every wait shares the one @deadlineMs.  Returns 0 when they may start,
 * -1 without an error if @nowait and they may not, -2 with an error
 * reported on timeout or when too many jobs are queued.
 */
static int
virDomainObjWaitForJob(virDomainObj *vm, virDomainJob job,
                       virDomainAgentJob agentJob, bool nowait,
                       long long deadlineMs)
{
    virDomainJobObj *jobObj = vm->job;
    GMutex *lock = virObjectGetLock(vm);
    bool nested = job == VIR_JOB_ASYNC_NESTED;

    for (;;) {
        if (virDomainObjJobQueueFull(jobObj, job))
            return virDomainObjJobBusyError(vm, job, agentJob, false);

        while (!nested && !virDomainNestedJobAllowed(jobObj, job)) {
            if (nowait)
                return -1;
            VIR_DEBUG("Waiting for async job (vm=%p name=%s)", vm,
                      vm->def->name);
            if (virCondWaitUntil(&jobObj->asyncCond, lock, deadlineMs) < 0 &&
                !virDomainNestedJobAllowed(jobObj, job))
                return virDomainObjJobBusyError(vm, job, agentJob, true);
        }

        while (!virDomainObjCanSetJob(jobObj, job, agentJob)) {
            if (nowait)
                return -1;
            VIR_DEBUG("Waiting for job (vm=%p name=%s)", vm, vm->def->name);
            if (virCondWaitUntil(&jobObj->cond, lock, deadlineMs) < 0 &&
                !virDomainObjCanSetJob(jobObj, job, agentJob))
                return virDomainObjJobBusyError(vm, job, agentJob, true);
        }

        if (nested || virDomainNestedJobAllowed(jobObj, job))
            return 0;
    }
}


/* Records the jobs just acquired by the calling thread. */
static void
virDomainObjRecordJob(virDomainObj *vm, virDomainJob job,
                      virDomainAgentJob agentJob, virDomainAsyncJob asyncJob)
{
    virDomainJobObj *jobObj = vm->job;
    unsigned long long now = virTimeMillisNow();
    unsigned long long me = virThreadJobSelfID();

    if (job == VIR_JOB_ASYNC) {
        virDomainObjResetAsyncJob(jobObj);
        jobObj->current = virDomainJobDataInit(&jobObj->cfg->jobDataPrivateCb);
        jobObj->current->status = VIR_DOMAIN_JOB_STATUS_ACTIVE;
        jobObj->current->started = now;
        jobObj->asyncJob = asyncJob;
        jobObj->asyncJobId = g_atomic_int_add(&virDomainAsyncJobLastId, 1) + 1;
        jobObj->asyncOwner = me;
        jobObj->asyncOwnerAPI = g_strdup(virThreadJobGet());
        jobObj->asyncStarted = now;
        VIR_DEBUG("Started async job: %s id=%llu (vm=%p name=%s)",
                  virDomainAsyncJobTypeToString(asyncJob), jobObj->asyncJobId,
                  vm, vm->def->name);
    } else if (job != VIR_JOB_NONE) {
        virDomainObjResetJob(jobObj);
        jobObj->active = job;
        jobObj->owner = me;
        jobObj->ownerAPI = g_strdup(virThreadJobGet());
        jobObj->started = now;
        VIR_DEBUG("Started job: %s (async=%s vm=%p name=%s)",
                  virDomainJobTypeToString(job),
                  virDomainAsyncJobTypeToString(jobObj->asyncJob),
                  vm, vm->def->name);
    }

    if (agentJob != VIR_AGENT_JOB_NONE) {
        virDomainObjResetAgentJob(jobObj);
        jobObj->agentActive = agentJob;
        jobObj->agentOwner = me;
        jobObj->agentOwnerAPI = g_strdup(virThreadJobGet());
        jobObj->agentStarted = now;
        VIR_DEBUG("Started agent job: %s (vm=%p name=%s)",
                  virDomainAgentJobTypeToString(agentJob), vm, vm->def->name);
    }
}


/*
 * The one way into every job slot.  @vm is locked (and released while
 * waiting).  Returns 0 with the jobs recorded, -1 if @nowait and they are
 * busy (no error) or the domain is being removed (error reported), -2 on
 * timeout or queue limit (error reported).
 */
static int
virDomainObjBeginJobInternal(virDomainObj *vm, virDomainJob job,
                             virDomainAgentJob agentJob,
                             virDomainAsyncJob asyncJob, bool nowait)
{
    virDomainJobObj *jobObj = vm->job;
    long long deadline = virTimeMonotonicMs() +
                         (long long)virDomainJobObjWaitTimeout(jobObj);
    int rc;

    VIR_DEBUG("Starting job: API=%s job=%s agentJob=%s asyncJob=%s "
              "(vm=%p name=%s, current job=%s agentJob=%s async=%s)",
              NULLSTR(virThreadJobGet()), virDomainJobTypeToString(job),
              virDomainAgentJobTypeToString(agentJob),
              virDomainAsyncJobTypeToString(asyncJob), vm, vm->def->name,
              virDomainJobTypeToString(jobObj->active),
              virDomainAgentJobTypeToString(jobObj->agentActive),
              virDomainAsyncJobTypeToString(jobObj->asyncJob));

    jobObj->jobsQueued++;
    rc = virDomainObjWaitForJob(vm, job, agentJob, nowait, deadline);
    if (rc == 0 && vm->removing) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        virUUIDFormat(vm->def->uuid, uuidstr);
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching uuid '%1$s' (%2$s)"),
                       uuidstr, vm->def->name);
        rc = -1;
    }
    if (rc < 0) {
        jobObj->jobsQueued--;
        return rc;
    }

    virDomainObjRecordJob(vm, job, agentJob, asyncJob);
    if (virDomainTrackJob(job))
        virDomainObjSaveStatusQuiet(vm);
    return 0;
}


/**
 * virDomainObjBeginJob:
 * @vm: locked domain object (the lock is dropped while waiting)
 * @job: the normal job to take (not ASYNC or ASYNC_NESTED)
 *
 * Takes the normal job slot, waiting up to the configured timeout for the
 * running async job to allow @job and for the slot to be free.  Must
 * precede anything that changes the domain or talks to its monitor; end it
 * with virDomainObjEndJob.  Returns 0, or -1 with an error reported
 * (VIR_ERR_OPERATION_TIMEOUT "cannot acquire state change lock (held by
 * monitor=API)" on timeout).
 */
int
virDomainObjBeginJob(virDomainObj *vm, virDomainJob job)
{
    if (virDomainObjBeginJobInternal(vm, job, VIR_AGENT_JOB_NONE,
                                     VIR_ASYNC_JOB_NONE, false) < 0)
        return -1;
    return 0;
}


/**
 * virDomainObjBeginJobNowait:
 * As virDomainObjBeginJob but never waits: returns -1 without reporting an
 * error if the job cannot start right now (or with one if the domain is
 * being removed), 0 when it got the job.
 */
int
virDomainObjBeginJobNowait(virDomainObj *vm, virDomainJob job)
{
    if (virDomainObjBeginJobInternal(vm, job, VIR_AGENT_JOB_NONE,
                                     VIR_ASYNC_JOB_NONE, true) < 0)
        return -1;
    return 0;
}


/**
 * virDomainObjBeginAgentJob:
 * Takes the agent job slot of locked @vm, for threads talking only to the
 * guest agent (never together with a normal job).  Async jobs do not block
 * it.  End with virDomainObjEndAgentJob.  Returns 0 or -1 (reported).
 */
int
virDomainObjBeginAgentJob(virDomainObj *vm, virDomainAgentJob agentJob)
{
    if (virDomainObjBeginJobInternal(vm, VIR_JOB_NONE, agentJob,
                                     VIR_ASYNC_JOB_NONE, false) < 0)
        return -1;
    return 0;
}


/**
 * virDomainObjBeginAsyncJob:
 * @vm: locked domain object
 * @asyncJob: the long operation starting
 * @operation: what domjobinfo reports as its operation
 * @apiFlags: flags of the API starting it (kept in the status XML)
 *
 * Waits for any other async job to end and for the normal slot to be
 * free, then makes the calling thread the owner of a new async job with a
 * fresh statistics record and the default mask (callers set theirs).  The
 * status XML is saved.  End with virDomainObjEndAsyncJob.  Returns 0 or
 * -1 with an error reported.
 */
int
virDomainObjBeginAsyncJob(virDomainObj *vm, virDomainAsyncJob asyncJob,
                          virDomainJobOperation operation,
                          unsigned int apiFlags)
{
    if (virDomainObjBeginJobInternal(vm, VIR_JOB_ASYNC, VIR_AGENT_JOB_NONE,
                                     asyncJob, false) < 0)
        return -1;
    vm->job->current->operation = operation;
    vm->job->apiFlags = apiFlags;
    return 0;
}


/**
 * virDomainObjBeginNestedJob:
 * @vm: locked domain object
 * @asyncJob: the async job the caller works for
 *
 * Takes the normal slot as ASYNC_NESTED on behalf of the running async job
 * (ignoring its mask), for one monitor call.  Refused, with
 * VIR_ERR_INTERNAL_ERROR, when @asyncJob is not the running async job or
 * when another thread is actively driving it; a parked job (no owner) may
 * be used by recovery code with a warning.  Returns 0, -1 (reported), or
 * -2 on timeout (reported).
 */
int
virDomainObjBeginNestedJob(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    virDomainJobObj *jobObj = vm->job;
    unsigned long long me = virThreadJobSelfID();

    if (asyncJob != jobObj->asyncJob) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected async job %1$d type expected %2$d"),
                       asyncJob, jobObj->asyncJob);
        return -1;
    }
    if (jobObj->asyncOwner != 0 && jobObj->asyncOwner != me) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("async job '%1$s' of domain '%2$s' is owned by thread %3$llu (%4$s)"),
                       virDomainAsyncJobTypeToString(asyncJob), vm->def->name,
                       jobObj->asyncOwner, NULLSTR(jobObj->asyncOwnerAPI));
        return -1;
    }
    if (jobObj->asyncOwner == 0)
        VIR_WARN("Nested job for parked async job '%s' of domain %s",
                 virDomainAsyncJobTypeToString(asyncJob), vm->def->name);

    return virDomainObjBeginJobInternal(vm, VIR_JOB_ASYNC_NESTED,
                                        VIR_AGENT_JOB_NONE,
                                        VIR_ASYNC_JOB_NONE, false);
}


/**
 * virDomainObjEndJob:
 * Ends the normal (or nested) job the caller holds on locked @vm and wakes
 * every waiter, which re-check their own conditions.
 */
void
virDomainObjEndJob(virDomainObj *vm)
{
    virDomainJob job = vm->job->active;

    VIR_DEBUG("Stopping job: %s (async=%s vm=%p name=%s)",
              virDomainJobTypeToString(job),
              virDomainAsyncJobTypeToString(vm->job->asyncJob),
              vm, vm->def->name);
    vm->job->jobsQueued--;
    virDomainObjResetJob(vm->job);
    if (virDomainTrackJob(job))
        virDomainObjSaveStatusQuiet(vm);
    g_cond_broadcast(&vm->job->cond);
}


/* Ends the agent job the caller holds on locked @vm and wakes waiters. */
void
virDomainObjEndAgentJob(virDomainObj *vm)
{
    VIR_DEBUG("Stopping agent job: %s (async=%s vm=%p name=%s)",
              virDomainAgentJobTypeToString(vm->job->agentActive),
              virDomainAsyncJobTypeToString(vm->job->asyncJob),
              vm, vm->def->name);
    vm->job->jobsQueued--;
    virDomainObjResetAgentJob(vm->job);
    g_cond_broadcast(&vm->job->cond);
}


/**
 * virDomainObjEndAsyncJob:
 * Ends the async job of locked @vm (whichever thread calls it: an async
 * job may be finished by the API that continues it), saves the status XML
 * and wakes every thread waiting for the async job.  The completed-job
 * statistics stay.
 */
void
virDomainObjEndAsyncJob(virDomainObj *vm)
{
    VIR_DEBUG("Stopping async job: %s id=%llu (vm=%p name=%s)",
              virDomainAsyncJobTypeToString(vm->job->asyncJob),
              vm->job->asyncJobId, vm, vm->def->name);
    vm->job->jobsQueued--;
    virDomainObjResetAsyncJob(vm->job);
    virDomainObjSaveStatusQuiet(vm);
    g_cond_broadcast(&vm->job->asyncCond);
}


/**
 * virDomainObjReleaseAsyncJob:
 * Parks the async job of locked @vm between API calls: nobody owns it
 * until the next API takes it over (qemuMigrationJobStartPhase).  Type,
 * phase, mask, statistics and the last owner's API name stay.
 */
void
virDomainObjReleaseAsyncJob(virDomainObj *vm)
{
    virDomainJobObj *jobObj = vm->job;

    VIR_DEBUG("Releasing ownership of '%s' async job id=%llu",
              virDomainAsyncJobTypeToString(jobObj->asyncJob),
              jobObj->asyncJobId);
    if (jobObj->asyncOwner != 0 &&
        jobObj->asyncOwner != virThreadJobSelfID())
        VIR_WARN("'%s' async job is owned by thread %llu",
                 virDomainAsyncJobTypeToString(jobObj->asyncJob),
                 jobObj->asyncOwner);
    jobObj->asyncOwner = 0;
}


/* The name of @phase of @job's async job, from the driver ("none" when
 * the driver has no phases). */
const char *
virDomainAsyncJobPhaseToString(const virDomainJobObj *job, int phase)
{
    const char *str = NULL;

    if (job->cfg->phaseToString)
        str = job->cfg->phaseToString(job->asyncJob, phase);
    return str ? str : "none";
}


/**
 * virDomainJobObjFormat:
 * Appends the <job> element of locked @vm's status XML to @buf: the
 * tracked normal job (only DESTROY is), the async job with its phase,
 * flags, start time and last owner API, and the driver's job data.
 * Nothing is written when there is neither.  Returns 0 or -1 (reported
 * by the driver's callback).
 */
int
virDomainJobObjFormat(virBuffer *buf, virDomainObj *vm)
{
    virDomainJobObj *job = vm->job;
    virDomainJob active = virDomainTrackJob(job->active) ? job->active
                                                         : VIR_JOB_NONE;
    g_auto(virBuffer) child = VIR_BUFFER_INITIALIZER;

    if (active == VIR_JOB_NONE && job->asyncJob == VIR_ASYNC_JOB_NONE)
        return 0;

    if (job->cfg->cb.formatJobPrivate &&
        job->cfg->cb.formatJobPrivate(&child, job, vm) < 0)
        return -1;

    virBufferAsprintf(buf, "<job type='%s' async='%s'",
                      virDomainJobTypeToString(active),
                      virDomainAsyncJobTypeToString(job->asyncJob));
    if (job->phase)
        virBufferAsprintf(buf, " phase='%s'",
                          virDomainAsyncJobPhaseToString(job, job->phase));
    if (job->asyncJob != VIR_ASYNC_JOB_NONE) {
        virBufferAsprintf(buf, " flags='0x%x' asyncStarted='%llu'",
                          job->apiFlags, job->asyncStarted);
        virBufferEscapeString(buf, " asyncOwnerAPI='%s'", job->asyncOwnerAPI);
        if (job->asyncPaused)
            virBufferAddLit(buf, " asyncPaused='yes'");
    }
    if (virBufferUse(&child) == 0) {
        virBufferAddLit(buf, "/>\n");
        return 0;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAddBuffer(buf, &child);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</job>\n");
    return 0;
}


/* Parses "0x1f"-style @str into *@value; returns 0 or -1. */
static int
virDomainJobParseHex(const char *str, unsigned int *value)
{
    guint64 v = 0;

    if (g_str_has_prefix(str, "0x") || g_str_has_prefix(str, "0X"))
        str += 2;
    if (!g_ascii_string_to_unsigned(str, 16, 0, G_MAXUINT, &v, NULL))
        return -1;
    *value = v;
    return 0;
}


/* Parses the async job attributes of the <job> element @node. */
static int
virDomainJobObjParseAsync(xmlNode *node, virDomainJobObj *job)
{
    g_autofree char *async = virXMLPropString(node, "async");
    g_autofree char *phase = virXMLPropString(node, "phase");
    g_autofree char *started = virXMLPropString(node, "asyncStarted");
    g_autofree char *paused = virXMLPropString(node, "asyncPaused");
    int value;
    guint64 ms = 0;

    if (!async)
        return 0;
    if ((value = virDomainAsyncJobTypeFromString(async)) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("Unknown async job type %1$s"),
                       async);
        return -1;
    }
    job->asyncJob = value;

    if (phase) {
        value = STREQ(phase, "none") ? 0 : -1;
        if (value < 0 && job->cfg->phaseFromString)
            value = job->cfg->phaseFromString(job->asyncJob, phase);
        if (value < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR, _("Unknown job phase %1$s"),
                           phase);
            return -1;
        }
        job->phase = value;
    }

    if (started &&
        !g_ascii_string_to_unsigned(started, 10, 0, G_MAXUINT64, &ms, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("Invalid async job start"));
        return -1;
    }
    job->asyncStarted = ms;
    job->asyncOwnerAPI = virXMLPropString(node, "asyncOwnerAPI");
    job->asyncPaused = STREQ_NULLABLE(paused, "yes");
    return 0;
}


/**
 * virDomainJobObjParse:
 * @ctxt: XPath context positioned on <domstatus>
 * @vm: the domain object being loaded (not yet visible to other threads)
 *
 * Loads the job recorded in a status file into @vm->job: a record for
 * recovery, not a job anybody holds (see virDomainObjPreserveJob).
 * Returns 0 (also when there is no <job>) or -1 with an error reported.
 */
int
virDomainJobObjParse(xmlXPathContext *ctxt, virDomainObj *vm)
{
    virDomainJobObj *job = vm->job;
    xmlNode *saved = ctxt->node;
    xmlNode *node = virXPathNode("./job[1]", ctxt);
    g_autofree char *type = NULL;
    g_autofree char *flags = NULL;
    int rc = -1;
    int value;

    if (!node)
        return 0;

    if ((type = virXMLPropString(node, "type"))) {
        if ((value = virDomainJobTypeFromString(type)) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR, _("Unknown job type %1$s"),
                           type);
            return -1;
        }
        job->active = value;
    }
    if (virDomainJobObjParseAsync(node, job) < 0)
        return -1;
    if ((flags = virXMLPropString(node, "flags")) &&
        virDomainJobParseHex(flags, &job->apiFlags) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'"),
                       "flags", "job", flags);
        return -1;
    }

    ctxt->node = node;
    if (!job->cfg->cb.parseJobPrivate ||
        job->cfg->cb.parseJobPrivate(ctxt, job, vm) >= 0)
        rc = 0;
    ctxt->node = saved;
    return rc;
}
