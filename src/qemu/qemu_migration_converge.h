/*
 * qemu_migration_converge.h: the daemon's convergence policy for outgoing
 * migrations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pre-copy migration ends when what is left to send fits in QEMU's
 * downtime limit; a guest that dirties memory faster than the link
 * carries it never gets there, and libvirt leaves it to the operator to
 * notice.  With the policy on (migration_converge in the config, or the
 * typed parameter virtmig.converge), the thread driving Perform looks at
 * QEMU's statistics every QEMU_MIGRATION_CONVERGE_PERIOD_MS and, at each
 * new iteration that did not shrink the remaining data by a fifth (or
 * whenever the guest dirties faster than QEMU sends), takes the next step
 * of a ladder:
 *
 *   1. downtime-limit raised to what the remaining data needs at the
 *      current speed (+25%), at least doubled, up to
 *      migration_converge_max_downtime;
 *   2. post-copy, if the migration was started with VIR_MIGRATE_POSTCOPY;
 *   3. else QEMU's vCPU throttle, one rung per stalled iteration: the
 *      policy starts the migration with auto-converge on but held at 1%
 *      (cpu-throttle-initial = max-cpu-throttle = 1), and each rung sets
 *      initial = increment = max to the next percentage of
 *      QEMU_MIGRATION_CONVERGE_THROTTLE_FIRST, +_STEP, ... up to _MAX, so
 *      that QEMU's next throttle decision jumps straight to it (KVM and
 *      TCG guests alike: QEMU 7.2's throttle sleeps with the big lock
 *      released, and its monitor answered within 0.15 s at every
 *      percentage up to 99 under TCG, see docs/performance.rst);
 *   4. nothing is left: logged once ("exhausted").
 *
 * Each step is a log line and the job statistics' virtmig.converge.*
 * fields (steps, last action, downtime limit, the throttle allowed, and
 * an ETA while the remaining data shrinks).
 */
#pragma once

#include "internal.h"
#include "qemu_domainjob.h"
#include "qemu_migration_args.h"
#include "qemu_migration_params.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

#define QEMU_MIGRATION_CONVERGE_PERIOD_MS 250

/* The throttle rungs (percent of each vCPU's time QEMU takes away). */
#define QEMU_MIGRATION_CONVERGE_THROTTLE_FIRST 50
#define QEMU_MIGRATION_CONVERGE_THROTTLE_STEP 25
#define QEMU_MIGRATION_CONVERGE_THROTTLE_MAX 99

/* What one query-migrate says, as the policy reads it. */
typedef struct {
    unsigned long long iteration;   /* dirty-sync-count */
    unsigned long long remaining;   /* RAM bytes left to send */
    unsigned long long bps;         /* bytes/s QEMU sends */
    unsigned long long dirtyBps;    /* bytes/s the guest dirties */
    unsigned int throttle;          /* % QEMU throttles the vCPUs now */
} qemuMigrationConvergeSample;

typedef struct _qemuMigrationConverge qemuMigrationConverge;
struct _qemuMigrationConverge {
    bool enabled;
    bool postcopy;                  /* may switch to post-copy */
    bool throttle;                  /* holds QEMU's throttle back */
    unsigned long long capMs;       /* the highest downtime limit */
    unsigned long long downtimeMs;  /* the limit QEMU has now */
    unsigned long long iteration;   /* the last one decided on */
    unsigned long long best;        /* least data left at an iteration */
    unsigned int throttlePct;       /* the throttle allowed now (0: none) */
    qemuMigrationConvergeAction last;
};

qemuMigrationConvergeAction
qemuMigrationConvergeDecide(qemuMigrationConverge *cv,
                            const qemuMigrationConvergeSample *sample);

int qemuMigrationConvergeSetup(qemuMigrationConverge *cv, virDomainObj *vm,
                               const qemuMigrationArgs *args,
                               qemuMigrationParams *migParams);
void qemuMigrationConvergeCheck(qemuMigrationConverge *cv, virDomainObj *vm);
