/*
 * qemu_migration_job.c: the migration async job and its phases
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_migration_job.h"
#include "qemu_domainjob.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "virthreadjob.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_migration_job");

/* Written to the status XML: the strings are libvirt's. */
static const char *const qemuMigrationJobPhaseTable[] = {
    [QEMU_MIGRATION_PHASE_NONE] = "none",
    [QEMU_MIGRATION_PHASE_PERFORM2] = "perform2",
    [QEMU_MIGRATION_PHASE_BEGIN3] = "begin3",
    [QEMU_MIGRATION_PHASE_PERFORM3] = "perform3",
    [QEMU_MIGRATION_PHASE_PERFORM3_DONE] = "perform3_done",
    [QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED] = "confirm3_cancelled",
    [QEMU_MIGRATION_PHASE_CONFIRM3] = "confirm3",
    [QEMU_MIGRATION_PHASE_PREPARE] = "prepare",
    [QEMU_MIGRATION_PHASE_FINISH2] = "finish2",
    [QEMU_MIGRATION_PHASE_FINISH3] = "finish3",
    [QEMU_MIGRATION_PHASE_POSTCOPY_FAILED] = "postcopy_failed",
    [QEMU_MIGRATION_PHASE_BEGIN_RESUME] = "begin_resume",
    [QEMU_MIGRATION_PHASE_PERFORM_RESUME] = "perform_resume",
    [QEMU_MIGRATION_PHASE_CONFIRM_RESUME] = "confirm_resume",
    [QEMU_MIGRATION_PHASE_PREPARE_RESUME] = "prepare_resume",
    [QEMU_MIGRATION_PHASE_FINISH_RESUME] = "finish_resume",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationJobPhase, qemuMigrationJobPhaseTable,
                    QEMU_MIGRATION_PHASE_LAST);

#define PHASE(p) (1U << QEMU_MIGRATION_PHASE_ ## p)
G_STATIC_ASSERT(QEMU_MIGRATION_PHASE_LAST <= 32);

/*
 * Where each phase may go next.  Every edge goes forward in the protocol
 * (v3: Begin3, Perform3, Perform3_done, Confirm3 or Confirm3_cancelled;
 * v2: Perform2 alone), into POSTCOPY_FAILED when post-copy breaks, or
 * along the recovery steps; the one edge that returns is a failed
 * recovery step parking the job in POSTCOPY_FAILED again.  Staying in the
 * same phase is always allowed (libvirt's Confirm starts its phase twice).
 */
static const unsigned int
qemuMigrationJobPhaseNextOut[QEMU_MIGRATION_PHASE_LAST] = {
    [QEMU_MIGRATION_PHASE_NONE] = PHASE(BEGIN3) | PHASE(PERFORM2) |
                                  PHASE(PERFORM3),
    [QEMU_MIGRATION_PHASE_PERFORM2] = PHASE(POSTCOPY_FAILED),
    /* offline migration: no Perform3 */
    [QEMU_MIGRATION_PHASE_BEGIN3] = PHASE(PERFORM3) | PHASE(CONFIRM3) |
                                    PHASE(CONFIRM3_CANCELLED),
    [QEMU_MIGRATION_PHASE_PERFORM3] = PHASE(PERFORM3_DONE) |
                                      PHASE(CONFIRM3_CANCELLED) |
                                      PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_PERFORM3_DONE] = PHASE(CONFIRM3) |
                                           PHASE(CONFIRM3_CANCELLED) |
                                           PHASE(POSTCOPY_FAILED),
    /* QEMU completed post-copy although Finish failed: success after all */
    [QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED] = PHASE(CONFIRM3) |
                                                PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_CONFIRM3] = PHASE(POSTCOPY_FAILED),
    /* recovery, or QEMU completing post-copy unattended */
    [QEMU_MIGRATION_PHASE_POSTCOPY_FAILED] = PHASE(BEGIN_RESUME) |
                                             PHASE(CONFIRM_RESUME),
    /* Confirm(cancelled) of a recovery whose Prepare failed */
    [QEMU_MIGRATION_PHASE_BEGIN_RESUME] = PHASE(PERFORM_RESUME) |
                                          PHASE(CONFIRM_RESUME) |
                                          PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_PERFORM_RESUME] = PHASE(CONFIRM_RESUME) |
                                            PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_CONFIRM_RESUME] = PHASE(POSTCOPY_FAILED),
};

static const unsigned int
qemuMigrationJobPhaseNextIn[QEMU_MIGRATION_PHASE_LAST] = {
    [QEMU_MIGRATION_PHASE_NONE] = PHASE(PREPARE),
    [QEMU_MIGRATION_PHASE_PREPARE] = PHASE(FINISH2) | PHASE(FINISH3),
    [QEMU_MIGRATION_PHASE_FINISH2] = PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_FINISH3] = PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_POSTCOPY_FAILED] = PHASE(PREPARE_RESUME) |
                                             PHASE(FINISH_RESUME),
    [QEMU_MIGRATION_PHASE_PREPARE_RESUME] = PHASE(FINISH_RESUME) |
                                            PHASE(POSTCOPY_FAILED),
    [QEMU_MIGRATION_PHASE_FINISH_RESUME] = PHASE(POSTCOPY_FAILED),
};

/* Everything that differs between the two directions, in one place. */
typedef struct {
    virDomainJobOperation operation;
    unsigned long long mask;            /* normal jobs allowed meanwhile */
    unsigned long long restoredMask;    /* same, after a daemon restart */
    const unsigned int *next;           /* transition table */
    const char *notActive;              /* IsActive's error, one %s */
} qemuMigrationJobDirection;

static const qemuMigrationJobDirection qemuMigrationJobOut = {
    .operation = VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT,
    /* observers, abort, tuning, pause; destroy is always allowed */
    .mask = VIR_JOB_DEFAULT_MASK | JOB_MASK(VIR_JOB_SUSPEND) |
            JOB_MASK(VIR_JOB_MIGRATION_OP) |
            JOB_MASK(VIR_JOB_MODIFY_MIGRATION_SAFE),
    /* libvirt 9.0 leaves SUSPEND out of a restored job; the guest is
     * paused in every phase a restored job can be in anyway */
    .restoredMask = VIR_JOB_DEFAULT_MASK | JOB_MASK(VIR_JOB_MIGRATION_OP) |
                    JOB_MASK(VIR_JOB_MODIFY_MIGRATION_SAFE),
    .next = qemuMigrationJobPhaseNextOut,
    .notActive = N_("domain '%1$s' is not being migrated"),
};

static const qemuMigrationJobDirection qemuMigrationJobIn = {
    .operation = VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN,
    /* the guest is not ours yet: nothing but destroy and event handlers */
    .mask = JOB_MASK(VIR_JOB_MODIFY_MIGRATION_SAFE),
    .restoredMask = JOB_MASK(VIR_JOB_MODIFY_MIGRATION_SAFE),
    .next = qemuMigrationJobPhaseNextIn,
    .notActive = N_("domain '%1$s' is not processing incoming migration"),
};


static const qemuMigrationJobDirection *
qemuMigrationJobGetDirection(virDomainAsyncJob job)
{
    switch (job) {
    case VIR_ASYNC_JOB_MIGRATION_OUT:
        return &qemuMigrationJobOut;
    case VIR_ASYNC_JOB_MIGRATION_IN:
        return &qemuMigrationJobIn;
    case VIR_ASYNC_JOB_NONE:
    case VIR_ASYNC_JOB_SAVE:
    case VIR_ASYNC_JOB_DUMP:
    case VIR_ASYNC_JOB_SNAPSHOT:
    case VIR_ASYNC_JOB_START:
    case VIR_ASYNC_JOB_BACKUP:
    case VIR_ASYNC_JOB_LAST:
        break;
    }
    return NULL;
}


/* True if some phase of @dir leads to @phase (it belongs to @dir). */
static bool
qemuMigrationJobPhaseInDirection(const qemuMigrationJobDirection *dir,
                                 qemuMigrationJobPhase phase)
{
    size_t i;

    if (phase >= QEMU_MIGRATION_PHASE_LAST)
        return false;
    for (i = 0; i < QEMU_MIGRATION_PHASE_LAST; i++) {
        if (dir->next[i] & (1U << phase))
            return true;
    }
    return false;
}


/**
 * qemuMigrationJobPhaseAllowed:
 * True if a @job migration may go from phase @from to phase @to: an edge
 * of the transition table, or staying in a phase of that direction.
 * False for any job other than MIGRATION_OUT/IN and for out-of-range
 * phases.
 */
bool
qemuMigrationJobPhaseAllowed(virDomainAsyncJob job, qemuMigrationJobPhase from,
                             qemuMigrationJobPhase to)
{
    const qemuMigrationJobDirection *dir = qemuMigrationJobGetDirection(job);

    if (!dir || from >= QEMU_MIGRATION_PHASE_LAST ||
        !qemuMigrationJobPhaseInDirection(dir, to))
        return false;
    return from == to || (dir->next[from] & (1U << to)) != 0;
}


/* The normal jobs a fresh (or, with @restored, a reloaded) @job migration
 * allows; 0 for other async jobs. */
unsigned long long
qemuMigrationJobAllowedMask(virDomainAsyncJob job, bool restored)
{
    const qemuMigrationJobDirection *dir = qemuMigrationJobGetDirection(job);

    if (!dir)
        return 0;
    return restored ? dir->restoredMask : dir->mask;
}


/*
 * THE writer of the migration phase (scripts/check-phase-writes.py).
 * Sets the phase of locked @vm's migration job, saves the status XML and
 * logs the change; if saving fails the old phase is put back, so memory
 * never runs ahead of the disk.  Returns 0 or -1 (reported).
 */
static int
qemuMigrationJobPhaseWrite(virDomainObj *vm, qemuMigrationJobPhase phase,
                           const char *how)
{
    virDomainJobObj *job = vm->job;
    int old = job->phase;

    job->phase = phase;
    if (virDomainObjSaveStatus(vm) < 0) {
        job->phase = old;
        return -1;
    }
    VIR_INFO("Domain %s: '%s' job %llu phase %s => %s (%s by %s)",
             vm->def->name, virDomainAsyncJobTypeToString(job->asyncJob),
             job->asyncJobId, qemuMigrationJobPhaseTypeToString(old),
             qemuMigrationJobPhaseTypeToString(phase), how,
             NULLSTR(virThreadJobGet()));
    return 0;
}


/* Checks that locked @vm has a migration job that may move to @phase. */
static int
qemuMigrationJobCheckPhase(virDomainObj *vm, qemuMigrationJobPhase phase)
{
    virDomainJobObj *job = vm->job;
    qemuMigrationJobPhase from = job->phase;

    if (!qemuMigrationJobGetDirection(job->asyncJob)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("no migration job is active on domain '%1$s'"),
                       vm->def->name);
        return -1;
    }
    if (qemuMigrationJobPhaseAllowed(job->asyncJob, from, phase))
        return 0;
    if (phase < QEMU_MIGRATION_PHASE_POSTCOPY_FAILED && phase < from) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration protocol going backwards %1$s => %2$s"),
                       qemuMigrationJobPhaseTypeToString(from),
                       NULLSTR(qemuMigrationJobPhaseTypeToString(phase)));
        return -1;
    }
    virReportError(VIR_ERR_OPERATION_INVALID,
                   _("'%1$s' job of domain '%2$s' cannot go from phase '%3$s' to '%4$s'"),
                   virDomainAsyncJobTypeToString(job->asyncJob),
                   vm->def->name, qemuMigrationJobPhaseTypeToString(from),
                   NULLSTR(qemuMigrationJobPhaseTypeToString(phase)));
    return -1;
}


/* Refuses to touch a migration job another thread is driving. */
static int
qemuMigrationJobCheckOwner(virDomainObj *vm)
{
    unsigned long long owner = vm->job->asyncOwner;

    if (owner != 0 && owner != virThreadJobSelfID()) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("migration of domain %1$s is being actively monitored by another thread"),
                       vm->def->name);
        return -1;
    }
    return 0;
}


/* Refuses a migration job while one (either direction) exists. */
static bool
qemuMigrationJobIsAllowed(virDomainObj *vm)
{
    if (qemuMigrationJobGetDirection(vm->job->asyncJob)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("another migration job is already running for domain '%1$s'"),
                       vm->def->name);
        return false;
    }
    return true;
}


/**
 * qemuMigrationJobStart:
 * @vm: locked domain object
 * @job: VIR_ASYNC_JOB_MIGRATION_OUT or VIR_ASYNC_JOB_MIGRATION_IN
 * @apiFlags: the VIR_MIGRATE_* flags of the API starting the migration
 *
 * Called by the first API of a migration (Begin3/Perform on the source,
 * Prepare on the destination).  Refuses a second migration job; waits (up
 * to the job timeout) for another async job to end; makes the calling
 * thread the owner of a new migration job in phase "none", with
 * migration statistics and the direction's mask of allowed jobs.
 * Returns 0, or -1 with an error reported.
 */
int
qemuMigrationJobStart(virDomainObj *vm, virDomainAsyncJob job,
                      unsigned int apiFlags)
{
    const qemuMigrationJobDirection *dir = qemuMigrationJobGetDirection(job);

    if (!dir) {
        virReportEnumRangeError(virDomainAsyncJob, job);
        return -1;
    }
    if (!qemuMigrationJobIsAllowed(vm))
        return -1;
    if (virDomainObjBeginAsyncJob(vm, job, dir->operation, apiFlags) < 0)
        return -1;
    qemuDomainJobSetStatsType(vm->job->current,
                              QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION);
    qemuDomainObjSetAsyncJobMask(vm, dir->mask);
    VIR_INFO("Domain %s: '%s' job %llu started by %s (flags 0x%x)",
             vm->def->name, virDomainAsyncJobTypeToString(job),
             vm->job->asyncJobId, NULLSTR(vm->job->asyncOwnerAPI), apiFlags);
    return 0;
}


/**
 * qemuMigrationJobSetPhase:
 * @vm: locked domain object whose migration job the caller drives
 * @phase: the phase the caller is about to carry out
 *
 * Moves the migration job to @phase if the transition table allows it,
 * logs it and saves the status XML before returning, so the caller's
 * action always comes after its phase is on disk.  Going backwards gets
 * libvirt's "migration protocol going backwards" internal error, other
 * disallowed moves VIR_ERR_OPERATION_INVALID; a job another thread
 * drives is refused.  Returns 0, or -1 with an error reported and the
 * phase unchanged.
 */
int
qemuMigrationJobSetPhase(virDomainObj *vm, qemuMigrationJobPhase phase)
{
    if (qemuMigrationJobCheckPhase(vm, phase) < 0 ||
        qemuMigrationJobCheckOwner(vm) < 0)
        return -1;
    if (vm->job->asyncOwner == 0)
        VIR_WARN("Setting phase %s of parked '%s' job of domain %s",
                 qemuMigrationJobPhaseTypeToString(phase),
                 virDomainAsyncJobTypeToString(vm->job->asyncJob),
                 vm->def->name);
    return qemuMigrationJobPhaseWrite(vm, phase, "set");
}


/**
 * qemuMigrationJobStartPhase:
 * @vm: locked domain object with a migration job (qemuMigrationJobIsActive)
 * @phase: the phase the calling API carries out
 *
 * Used by every API that resumes a parked migration job, on whatever
 * thread it runs: the caller becomes the job's owner (its API name is
 * recorded) and the job moves to @phase as qemuMigrationJobSetPhase
 * does.  On failure ownership is left as it was.  Returns 0, or -1 with
 * an error reported.
 */
int
qemuMigrationJobStartPhase(virDomainObj *vm, qemuMigrationJobPhase phase)
{
    virDomainJobObj *job = vm->job;
    unsigned long long oldOwner = job->asyncOwner;
    g_autofree char *oldAPI = NULL;

    if (qemuMigrationJobCheckPhase(vm, phase) < 0 ||
        qemuMigrationJobCheckOwner(vm) < 0)
        return -1;

    if (oldOwner == 0) {
        oldAPI = g_steal_pointer(&job->asyncOwnerAPI);
        job->asyncOwnerAPI = g_strdup(virThreadJobGet());
    }
    job->asyncOwner = virThreadJobSelfID();
    if (qemuMigrationJobPhaseWrite(vm, phase, "started") < 0) {
        job->asyncOwner = oldOwner;
        if (oldOwner == 0) {
            g_free(job->asyncOwnerAPI);
            job->asyncOwnerAPI = g_steal_pointer(&oldAPI);
        }
        return -1;
    }
    return 0;
}


/**
 * qemuMigrationJobContinue:
 * @vm: locked domain object whose migration job the caller drives
 * @cleanup: run if QEMU stops while the job is parked (may be NULL)
 *
 * Ends the calling API's part of the migration but keeps the job: it is
 * parked (no owner) until the next migration API takes it over with
 * qemuMigrationJobStartPhase.  Allowed jobs run meanwhile, others wait.
 */
void
qemuMigrationJobContinue(virDomainObj *vm, qemuDomainCleanupCallback cleanup)
{
    qemuDomainCleanupAdd(vm, cleanup);
    virDomainObjReleaseAsyncJob(vm);
}


/**
 * qemuMigrationJobIsActive:
 * True if locked @vm has a @job migration job.  Otherwise reports libvirt's
 * VIR_ERR_OPERATION_INVALID "domain '%s' is not being migrated" (or "...
 * is not processing incoming migration") and returns false.  Neither the
 * owner nor the phase is checked.
 */
bool
qemuMigrationJobIsActive(virDomainObj *vm, virDomainAsyncJob job)
{
    const qemuMigrationJobDirection *dir = qemuMigrationJobGetDirection(job);

    if (vm->job->asyncJob == job && dir)
        return true;
    if (!dir)
        dir = &qemuMigrationJobOut;
    virReportError(VIR_ERR_OPERATION_INVALID, _(dir->notActive),
                   vm->def->name);
    return false;
}


/**
 * qemuMigrationJobFinish:
 * Ends the migration job of locked @vm (called by the last migration API,
 * or on failure); the status XML is saved and waiting threads wake up.
 */
void
qemuMigrationJobFinish(virDomainObj *vm)
{
    VIR_INFO("Domain %s: '%s' job %llu finished in phase %s",
             vm->def->name, virDomainAsyncJobTypeToString(vm->job->asyncJob),
             vm->job->asyncJobId,
             qemuMigrationJobPhaseTypeToString(vm->job->phase));
    QEMU_DOMAIN_PRIVATE(vm)->migrationProtocol = 0;
    g_clear_pointer(&QEMU_DOMAIN_PRIVATE(vm)->migrationPeer, g_free);
    /* the name the source knew it by (--dname) is this migration's only */
    g_clear_pointer(&QEMU_DOMAIN_PRIVATE(vm)->origname, g_free);
    virDomainObjEndAsyncJob(vm);
}


/**
 * qemuMigrationJobRestore:
 * @vm: locked domain object without an async job (see
 *      virDomainObjPreserveJob), the caller holding a normal job
 * @saved: the migration job found in the status XML; its driver data
 *         moves to @vm
 * @phase: the phase to restore it in (the saved one, or POSTCOPY_FAILED)
 *
 * Recreates a migration job after a daemon restart, parked, with the
 * restored mask, its original flags and start time, in @phase (which must
 * be a phase of that direction), saving the status XML.  The caller
 * registers the cleanup callback.  Returns 0, or -1 with an error
 * reported and no job left.
 */
int
qemuMigrationJobRestore(virDomainObj *vm, virDomainJobObj *saved,
                        qemuMigrationJobPhase phase)
{
    const qemuMigrationJobDirection *dir =
        qemuMigrationJobGetDirection(saved->asyncJob);
    void *priv;

    if (!dir || vm->job->asyncJob != VIR_ASYNC_JOB_NONE ||
        !qemuMigrationJobPhaseInDirection(dir, phase)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot restore '%1$s' job in phase '%2$s' on domain '%3$s'"),
                       virDomainAsyncJobTypeToString(saved->asyncJob),
                       NULLSTR(qemuMigrationJobPhaseTypeToString(phase)),
                       vm->def->name);
        return -1;
    }
    qemuDomainObjRestoreAsyncJob(vm, saved->asyncJob, saved->asyncStarted,
                                 dir->operation,
                                 QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION,
                                 VIR_DOMAIN_JOB_STATUS_PAUSED,
                                 dir->restoredMask);
    priv = vm->job->privateData;
    vm->job->privateData = saved->privateData;
    saved->privateData = priv;
    vm->job->apiFlags = saved->apiFlags;
    vm->job->asyncPaused = saved->asyncPaused;
    if (saved->asyncOwnerAPI) {
        g_free(vm->job->asyncOwnerAPI);
        vm->job->asyncOwnerAPI = g_strdup(saved->asyncOwnerAPI);
    }
    if (qemuMigrationJobPhaseWrite(vm, phase, "restored") < 0) {
        qemuDomainObjDiscardAsyncJob(vm);
        return -1;
    }
    return 0;
}
