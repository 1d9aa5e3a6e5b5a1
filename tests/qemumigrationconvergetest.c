/*
 * qemumigrationconvergetest.c: the convergence policy's decisions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qemuMigrationConvergeDecide is fed the samples a migration would give
 * (iteration, bytes left, bytes/s sent and dirtied) and must take the
 * ladder's steps in order, once per iteration, and only when an
 * iteration did not shrink what is left.
 */
#include <config.h>

#include "testutils.h"
#include "qemu_migration_converge.h"

#define MIB (1024ULL * 1024)

typedef struct {
    unsigned long long iteration;
    unsigned long long remainingMiB;
    unsigned long long bpsMiB;
    unsigned long long dirtyMiB;
    qemuMigrationConvergeAction expect;
    unsigned long long downtimeMs;      /* after the decision */
    unsigned int qemuThrottle;          /* what QEMU throttles now */
    unsigned int throttlePct;           /* allowed, after the decision */
} testStep;


static void
testRun(qemuMigrationConverge *cv, const testStep *steps, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        qemuMigrationConvergeSample s = {
            .iteration = steps[i].iteration,
            .remaining = steps[i].remainingMiB * MIB,
            .bps = steps[i].bpsMiB * MIB,
            .dirtyBps = steps[i].dirtyMiB * MIB,
            .throttle = steps[i].qemuThrottle,
        };

        g_test_message("step %zu", i);
        g_assert_cmpint(qemuMigrationConvergeDecide(cv, &s), ==,
                        steps[i].expect);
        g_assert_cmpuint(cv->downtimeMs, ==, steps[i].downtimeMs);
        g_assert_cmpuint(cv->throttlePct, ==, steps[i].throttlePct);
    }
}


/* A migration that converges by itself: the policy never acts. */
static void
testConverging(void)
{
    qemuMigrationConverge cv = { .enabled = true, .capMs = 2000,
                                 .downtimeMs = 300, .throttle = true };
    static const testStep steps[] = {
        { 1, 500, 100, 0, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 1, 200, 100, 0, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 2, 100, 100, 20, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 3, 60, 100, 20, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 4, 30, 100, 20, QEMU_MIGRATION_CONVERGE_NONE, 300 },
    };

    testRun(&cv, steps, G_N_ELEMENTS(steps));
}


/* Stalled at 300 MiB left, sending 100 MiB/s: 3 s of data.  The limit
 * goes to the 2 s cap at once (3000 ms needed + 25%), then post-copy,
 * then nothing more; one decision per iteration. */
static void
testLadderPostcopy(void)
{
    qemuMigrationConverge cv = { .enabled = true, .capMs = 2000,
                                 .downtimeMs = 300, .postcopy = true };
    static const testStep steps[] = {
        { 1, 512, 100, 0, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 2, 300, 100, 90, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 3, 300, 100, 90, QEMU_MIGRATION_CONVERGE_DOWNTIME, 2000 },
        { 3, 100, 100, 90, QEMU_MIGRATION_CONVERGE_NONE, 2000 },
        { 4, 300, 100, 90, QEMU_MIGRATION_CONVERGE_POSTCOPY, 2000 },
        { 5, 300, 100, 90, QEMU_MIGRATION_CONVERGE_EXHAUSTED, 2000 },
        { 6, 300, 100, 90, QEMU_MIGRATION_CONVERGE_NONE, 2000 },
    };

    testRun(&cv, steps, G_N_ELEMENTS(steps));
}


/* Dirtying faster than sending is never progress, even while the data
 * left still shrinks; the limit at least doubles each time; without
 * post-copy the throttle comes next, rung by rung (50, 75, 99%),
 * each judged only once QEMU throttles that much. */
static void
testLadderThrottle(void)
{
    qemuMigrationConverge cv = { .enabled = true, .capMs = 5000,
                                 .downtimeMs = 300, .throttle = true };
    static const testStep steps[] = {
        { 1, 64, 100, 0, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 2, 40, 100, 150, QEMU_MIGRATION_CONVERGE_DOWNTIME, 600 },
        { 3, 20, 100, 150, QEMU_MIGRATION_CONVERGE_DOWNTIME, 1200 },
        { 4, 300, 100, 150, QEMU_MIGRATION_CONVERGE_DOWNTIME, 3750 },
        { 5, 300, 100, 150, QEMU_MIGRATION_CONVERGE_DOWNTIME, 5000 },
        { 6, 300, 100, 150, QEMU_MIGRATION_CONVERGE_THROTTLE, 5000, 1, 50 },
        { 7, 300, 100, 150, QEMU_MIGRATION_CONVERGE_NONE, 5000, 1, 50 },
        { 8, 300, 100, 150, QEMU_MIGRATION_CONVERGE_THROTTLE, 5000, 50, 75 },
        { 9, 300, 100, 120, QEMU_MIGRATION_CONVERGE_NONE, 5000, 50, 75 },
        { 10, 300, 100, 120, QEMU_MIGRATION_CONVERGE_THROTTLE, 5000, 75, 99 },
        { 11, 300, 100, 105, QEMU_MIGRATION_CONVERGE_EXHAUSTED, 5000, 99, 99 },
        { 12, 300, 100, 105, QEMU_MIGRATION_CONVERGE_NONE, 5000, 99, 99 },
    };

    testRun(&cv, steps, G_N_ELEMENTS(steps));
}


/* The first rung is enough: once QEMU throttles 50%, the data left
 * shrinks and the policy waits. */
static void
testThrottleWorks(void)
{
    qemuMigrationConverge cv = { .enabled = true,
                                 .capMs = 2000,
                                 .downtimeMs = 2000,
                                 .throttle = true };
    static const testStep steps[] = {
        { 1, 512, 100, 0, QEMU_MIGRATION_CONVERGE_NONE, 2000 },
        { 2, 256, 100, 400, QEMU_MIGRATION_CONVERGE_THROTTLE, 2000, 1, 50 },
        { 3, 256, 100, 400, QEMU_MIGRATION_CONVERGE_NONE, 2000, 1, 50 },
        { 4, 150, 100, 60, QEMU_MIGRATION_CONVERGE_NONE, 2000, 50, 50 },
        { 5, 90, 100, 40, QEMU_MIGRATION_CONVERGE_NONE, 2000, 50, 50 },
    };

    testRun(&cv, steps, G_N_ELEMENTS(steps));
}


/* Off: never a step. */
static void
testDisabled(void)
{
    qemuMigrationConverge cv = { .capMs = 2000, .downtimeMs = 300 };
    static const testStep steps[] = {
        { 2, 300, 100, 150, QEMU_MIGRATION_CONVERGE_NONE, 300 },
        { 3, 300, 100, 150, QEMU_MIGRATION_CONVERGE_NONE, 300 },
    };

    testRun(&cv, steps, G_N_ELEMENTS(steps));
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/converge/converging", testConverging);
    g_test_add_func("/converge/ladder-postcopy", testLadderPostcopy);
    g_test_add_func("/converge/ladder-throttle", testLadderThrottle);
    g_test_add_func("/converge/throttle-works", testThrottleWorks);
    g_test_add_func("/converge/disabled", testDisabled);
    return g_test_run();
}
