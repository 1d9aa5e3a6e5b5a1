/*
 * qemu_migration_converge.c: the daemon's convergence policy for outgoing
 * migrations (see the header for the ladder)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_migration_converge.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_migration.h"
#include "qemu_monitor.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_migration_converge");

/* QEMU's default downtime-limit, when it does not say. */
#define QEMU_MIGRATION_CONVERGE_DOWNTIME_MS 300

#define MIB (1024ULL * 1024)


/* The next downtime limit: what @remaining bytes need at @bps (+25%),
 * at least twice the current one, at most the cap. */
static unsigned long long
qemuMigrationConvergeDowntime(const qemuMigrationConverge *cv,
                              const qemuMigrationConvergeSample *sample)
{
    unsigned long long needed = cv->capMs;
    unsigned long long next;

    if (sample->bps > 0)
        needed = sample->remaining * 1000 / sample->bps;
    next = MAX(cv->downtimeMs * 2, needed + needed / 4);
    return MIN(next, cv->capMs);
}


/* The throttle rung after @pct (0: none yet). */
static unsigned int
qemuMigrationConvergeNextThrottle(unsigned int pct)
{
    if (pct == 0)
        return QEMU_MIGRATION_CONVERGE_THROTTLE_FIRST;
    return MIN(pct + QEMU_MIGRATION_CONVERGE_THROTTLE_STEP,
               QEMU_MIGRATION_CONVERGE_THROTTLE_MAX);
}


/**
 * qemuMigrationConvergeDecide:
 * The policy's decision on @sample: QEMU_MIGRATION_CONVERGE_NONE (wait),
 * or the step to take now (for DOWNTIME, cv->downtimeMs is the new
 * limit; for THROTTLE, cv->throttlePct the new throttle).  Decides once
 * per iteration: the first full pass is never judged; later ones are
 * progress when they start with a fifth less data than the best so far,
 * unless the guest dirties memory faster than QEMU sends it.  A throttle
 * rung is judged only once QEMU throttles that much (it decides at its
 * own pace, every other dirty-bitmap sync at best).  No I/O: the unit
 * tests drive it with made-up samples.
 */
qemuMigrationConvergeAction
qemuMigrationConvergeDecide(qemuMigrationConverge *cv,
                            const qemuMigrationConvergeSample *sample)
{
    bool diverging = sample->dirtyBps >= sample->bps && sample->bps > 0;

    if (!cv->enabled || sample->iteration <= cv->iteration)
        return QEMU_MIGRATION_CONVERGE_NONE;
    cv->iteration = sample->iteration;
    if (sample->iteration < 2 ||
        (!diverging && sample->remaining < cv->best - cv->best / 5)) {
        cv->best = sample->remaining;
        return QEMU_MIGRATION_CONVERGE_NONE;
    }
    cv->best = MIN(cv->best, sample->remaining);
    if (cv->last == QEMU_MIGRATION_CONVERGE_THROTTLE &&
        sample->throttle < cv->throttlePct)
        return QEMU_MIGRATION_CONVERGE_NONE;

    if (cv->downtimeMs < cv->capMs) {
        cv->downtimeMs = qemuMigrationConvergeDowntime(cv, sample);
        cv->last = QEMU_MIGRATION_CONVERGE_DOWNTIME;
    } else if (cv->postcopy && cv->last < QEMU_MIGRATION_CONVERGE_POSTCOPY) {
        cv->last = QEMU_MIGRATION_CONVERGE_POSTCOPY;
    } else if (cv->throttle &&
               cv->throttlePct < QEMU_MIGRATION_CONVERGE_THROTTLE_MAX) {
        cv->throttlePct = qemuMigrationConvergeNextThrottle(cv->throttlePct);
        cv->last = QEMU_MIGRATION_CONVERGE_THROTTLE;
    } else if (cv->last < QEMU_MIGRATION_CONVERGE_EXHAUSTED) {
        cv->last = QEMU_MIGRATION_CONVERGE_EXHAUSTED;
    } else {
        return QEMU_MIGRATION_CONVERGE_NONE;
    }
    return cv->last;
}


/* Whether the policy runs for this migration: the client's
 * virtmig.converge (checked to be 0 or 1 by qemuMigrationArgsParse),
 * else the host's migration_converge. */
static int
qemuMigrationConvergeWanted(const qemuMigrationArgs *args)
{
    if (args->converge >= 0)
        return args->converge;
    return qemu_driver->cfg->migrationConverge ? 1 : 0;
}


/**
 * qemuMigrationConvergeSetup:
 * Right before the migration's parameters go to QEMU (its capabilities
 * and original parameters known): turns @cv on if this migration wants
 * the policy, and then asks for auto-converge held at 1% in @migParams
 * unless the client asked for auto-converge itself (QEMU throttles on its
 * own terms then).  @vm is the source, with the async job.  Returns 0 or
 * -1 (reported).
 */
int
qemuMigrationConvergeSetup(qemuMigrationConverge *cv, virDomainObj *vm,
                           const qemuMigrationArgs *args,
                           qemuMigrationParams *migParams)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuDomainJobDataPrivate *jp = vm->job->current->privateData;
    unsigned long long downtime = QEMU_MIGRATION_CONVERGE_DOWNTIME_MS;
    int wanted = qemuMigrationConvergeWanted(args);

    *cv = (qemuMigrationConverge) { 0 };
    if (wanted <= 0)
        return wanted;
    if (priv->migrationOrigParams)
        ignore_value(qemuMigrationParamsGetULL(priv->migrationOrigParams,
                                               QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                               &downtime));
    cv->enabled = true;
    cv->postcopy = !!(args->flags & VIR_MIGRATE_POSTCOPY);
    cv->capMs = qemu_driver->cfg->migrationConvergeMaxDowntime;
    cv->downtimeMs = downtime;
    if (!(args->flags & VIR_MIGRATE_AUTO_CONVERGE) &&
        (priv->migrationCaps &
         QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_AUTO_CONVERGE))) {
        /* QEMU wants initial <= max */
        qemuMigrationParamsSetCap(migParams, QEMU_MIGRATION_CAP_AUTO_CONVERGE);
        if (qemuMigrationParamsSetInt(migParams,
                                      QEMU_MIGRATION_PARAM_THROTTLE_INITIAL,
                                      1) < 0 ||
            qemuMigrationParamsSetInt(migParams,
                                      QEMU_MIGRATION_PARAM_MAX_CPU_THROTTLE,
                                      1) < 0)
            return -1;
        cv->throttle = true;
    }
    jp->converge = (qemuDomainConvergeStats) {
        .enabled = true,
        .downtimeLimit = downtime,
    };
    VIR_INFO("domain %s: convergence policy on (downtime limit %llu ms, at most %llu ms%s%s)",
             vm->def->name, downtime, cv->capMs,
             cv->postcopy ? ", then post-copy" : "",
             cv->throttle ? ", then vCPU throttle" : "");
    return 0;
}


/* The parameters that move QEMU's throttle to @pct at its next decision:
 * QEMU sets the throttle to MIN(now + increment, max), or to initial
 * when it is not throttling yet (migration/ram.c, QEMU 7.2). */
static int
qemuMigrationConvergeThrottle(qemuMigrationParams *params, unsigned int pct)
{
    if (qemuMigrationParamsSetInt(params, QEMU_MIGRATION_PARAM_MAX_CPU_THROTTLE,
                                  pct) < 0 ||
        qemuMigrationParamsSetInt(params, QEMU_MIGRATION_PARAM_THROTTLE_INITIAL,
                                  pct) < 0)
        return -1;
    return qemuMigrationParamsSetInt(params,
                                     QEMU_MIGRATION_PARAM_THROTTLE_INCREMENT,
                                     pct);
}


/* Sends the step @action of @cv to QEMU.  @vm locked, with the async job
 * MIGRATION_OUT.  Returns 0 or -1 (reported). */
static int
qemuMigrationConvergeApply(qemuMigrationConverge *cv, virDomainObj *vm,
                           qemuMigrationConvergeAction action)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationParams) params = qemuMigrationParamsNew();
    int rc = 0;

    if (action == QEMU_MIGRATION_CONVERGE_DOWNTIME)
        rc = qemuMigrationParamsSetULL(params, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                       cv->downtimeMs);
    else if (action == QEMU_MIGRATION_CONVERGE_THROTTLE)
        rc = qemuMigrationConvergeThrottle(params, cv->throttlePct);
    else if (action != QEMU_MIGRATION_CONVERGE_POSTCOPY)
        return 0;
    if (rc < 0 ||
        qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT) < 0)
        return -1;
    if (action == QEMU_MIGRATION_CONVERGE_POSTCOPY)
        rc = qemuMonitorMigrateStartPostCopy(priv->mon);
    else /* parameters only: capabilities cannot change now */
        rc = qemuMigrationParamsApply(priv->mon, VIR_ASYNC_JOB_NONE, params,
                                      priv->migrationCaps, 0);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/* The log line of a step. */
static void
qemuMigrationConvergeLog(const qemuMigrationConverge *cv, virDomainObj *vm,
                         const qemuMigrationConvergeSample *s,
                         qemuMigrationConvergeAction action)
{
    g_autofree char *step = NULL;

    if (action == QEMU_MIGRATION_CONVERGE_DOWNTIME)
        step = g_strdup_printf("raising the downtime limit to %llu ms",
                               cv->downtimeMs);
    else if (action == QEMU_MIGRATION_CONVERGE_POSTCOPY)
        step = g_strdup("switching to post-copy");
    else if (action == QEMU_MIGRATION_CONVERGE_THROTTLE)
        step = g_strdup_printf("throttling the vCPUs by up to %u%%",
                               cv->throttlePct);
    else
        step = g_strdup("no step left to take");
    VIR_WARN("domain %s: migration not converging at iteration %llu (%llu MiB left, sending %llu MiB/s, guest dirtying %llu MiB/s): %s",
             vm->def->name, s->iteration, s->remaining / MIB, s->bps / MIB,
             s->dirtyBps / MIB, step);
}


/**
 * qemuMigrationConvergeCheck:
 * One look at the running migration (every
 * QEMU_MIGRATION_CONVERGE_PERIOD_MS while Perform waits): fresh
 * statistics, the ETA, and the step qemuMigrationConvergeDecide asks
 * for.  A step QEMU refuses turns the policy off (logged); the migration
 * goes on.  @vm locked, with the async job MIGRATION_OUT.
 */
void
qemuMigrationConvergeCheck(qemuMigrationConverge *cv, virDomainObj *vm)
{
    virDomainJobData *cur = vm->job->current;
    qemuDomainJobDataPrivate *jp = cur->privateData;
    qemuMigrationConvergeSample s;
    qemuMigrationConvergeAction action;

    if (!cv->enabled || cur->status != VIR_DOMAIN_JOB_STATUS_MIGRATING ||
        qemuMigrationAnyRefreshStats(vm, VIR_ASYNC_JOB_MIGRATION_OUT, cur) < 0) {
        virErrorResetLast();
        return;
    }
    s = (qemuMigrationConvergeSample){
        .iteration = jp->mig.ram_iteration,
        .remaining = jp->mig.ram_remaining,
        .bps = jp->mig.ram_bps,
        .dirtyBps = jp->mig.ram_dirty_rate * jp->mig.ram_page_size,
        .throttle = MAX(jp->mig.cpu_throttle_percentage, 0),
    };
    jp->converge.etaSet = s.bps > s.dirtyBps;
    if (jp->converge.etaSet)
        jp->converge.eta = s.remaining / ((s.bps - s.dirtyBps) / 1000 + 1);

    action = qemuMigrationConvergeDecide(cv, &s);
    if (action == QEMU_MIGRATION_CONVERGE_NONE)
        return;
    qemuMigrationConvergeLog(cv, vm, &s, action);
    if (qemuMigrationConvergeApply(cv, vm, action) < 0) {
        VIR_WARN("domain %s: convergence policy off, QEMU refused its step: %s",
                 vm->def->name, virErrorGetLastMessage());
        virErrorResetLast();
        cv->enabled = false;
        return;
    }
    jp->converge.steps++;
    jp->converge.action = action;
    jp->converge.downtimeLimit = cv->downtimeMs;
    jp->converge.throttle = cv->throttlePct;
}
