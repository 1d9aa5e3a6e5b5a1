/*
 * qemumigrationjobtest.c: the migration job helpers, phases, status XML,
 * monitor access inside jobs, job statistics and abort
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every rule of the seed (shared/seeds/qemu-migration.rst) is exercised
 * here with threads standing in for the API calls of a migration; no
 * QEMU is needed (a fake monitor object stands in for QMP).
 */
#include <config.h>

#include <glib/gstdio.h>

#include "testutils.h"
#include "virdomainobjtestutils.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_migration_job.h"
#include "qemu_migration_nbd.h"
#include "qemu_process_periph.h"
#include "virdomainobjlist.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virthread.h"
#include "virthreadjob.h"
#include "virtypedparam.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_TIMEOUT_MS 500
#define TEST_PRECISE_TIMEOUT_MS 1000
#define TEST_LONG_TIMEOUT_MS 30000
#define TEST_UUID "c7a5fdbd-edaf-9455-926a-d65c16db1809"
#define TEST_STARTED 1670000000000ULL
#define API_BEGIN3 "remoteDispatchDomainMigrateBegin3Params"
#define API_PERFORM3 "remoteDispatchDomainMigratePerform3Params"
#define API_CONFIRM3 "remoteDispatchDomainMigrateConfirm3Params"
#define API_PREPARE3 "remoteDispatchDomainMigratePrepare3Params"
#define API_FINISH3 "remoteDispatchDomainMigrateFinish3Params"

/* The fake QMP monitor: only the lockable object the job code handles. */
struct _qemuMonitor {
    virObjectLockable parent;
};

typedef struct {
    virDomainObjConfig cfg;
    char *dir;                  /* status directory */
    virDomainObj *vm;           /* unlocked between steps */
    GMutex lock;
    int calls;                  /* hook calls */
} testData;


static testData *
testDataNewFull(unsigned long long timeoutMs, bool withStatusDir)
{
    testData *data = g_new0(testData, 1);
    qemuDomainObjPrivate *priv;

    if (withStatusDir)
        data->dir = virTestTempDirNew();
    virTestDomainObjConfigInit(&data->cfg, data->dir, timeoutMs);
    qemuDomainObjConfigInit(&data->cfg, data->dir);
    data->vm = virTestDomainObjNew(&data->cfg, "guest", TEST_UUID, 1);
    data->vm->pid = 4242;
    priv = data->vm->privateData;
    priv->monPath = g_strdup("/run/virtmig/hostA/run/guest.monitor");
    priv->mon = virObjectLockableNew(sizeof(qemuMonitor), NULL);
    virObjectUnlock(data->vm);
    g_mutex_init(&data->lock);
    return data;
}


static testData *
testDataNew(unsigned long long timeoutMs)
{
    return testDataNewFull(timeoutMs, true);
}


static void
testDataFree(testData *data)
{
    qemuDomainObjPrivate *priv = data->vm->privateData;

    g_clear_pointer(&priv->mon, virObjectUnref);
    virObjectUnref(data->vm);
    virTestTempDirFree(data->dir);
    g_mutex_clear(&data->lock);
    g_free(data);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testData, testDataFree);


/* The phase recorded in @vm's status file ("" without a job). */
static char *
testStatusPhase(testData *data)
{
    g_autofree char *path = virDomainObjStatusPath(data->dir, "guest");
    g_autofree char *xml = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    if (!(p = strstr(xml, " phase='")))
        return g_strdup("");
    p += strlen(" phase='");
    return g_strndup(p, strchr(p, '\'') - p);
}


static void
testAssertStatusPhase(testData *data, const char *phase)
{
    g_autofree char *onDisk = testStatusPhase(data);

    g_assert_cmpstr(onDisk, ==, phase);
}


static void
testAssertError(int code, const char *message)
{
    g_assert_cmpint(virErrorGetLastCode(), ==, code);
    g_assert_cmpstr(virErrorGetLastMessage(), ==, message);
}


/* The phase names are libvirt's, in libvirt's order, without holes. */
static void
testPhaseEnum(void)
{
    const char *expect[] = {
        "none", "perform2", "begin3", "perform3", "perform3_done",
        "confirm3_cancelled", "confirm3", "prepare", "finish2", "finish3",
        "postcopy_failed", "begin_resume", "perform_resume", "confirm_resume",
        "prepare_resume", "finish_resume",
    };
    unsigned int n = 0;
    const char *const *table = qemuMigrationJobPhaseTypeTable(&n);
    size_t i;

    g_assert_cmpuint(n, ==, QEMU_MIGRATION_PHASE_LAST);
    g_assert_cmpuint(G_N_ELEMENTS(expect), ==, n);
    for (i = 0; i < n; i++) {
        g_assert_nonnull(table[i]);
        g_assert_cmpstr(table[i], ==, expect[i]);
        g_assert_cmpint(qemuMigrationJobPhaseTypeFromString(expect[i]), ==, i);
    }
    g_assert_cmpstr(qemuDomainAsyncJobPhaseToString(VIR_ASYNC_JOB_SAVE, 3), ==,
                    "none");
    g_assert_cmpint(qemuDomainAsyncJobPhaseFromString(VIR_ASYNC_JOB_DUMP,
                                                      "none"), ==, 0);
    g_assert_cmpint(qemuDomainAsyncJobPhaseFromString(VIR_ASYNC_JOB_DUMP,
                                                      "begin3"), ==, -1);
}


/* The transition table, written out independently of the code. */
static const char *const testEdgesOut[] = {
    "none>begin3", "none>perform2", "none>perform3",
    "perform2>postcopy_failed",
    "begin3>perform3", "begin3>confirm3" /* offline */,
    "begin3>confirm3_cancelled",
    "perform3>perform3_done", "perform3>confirm3_cancelled",
    "perform3>postcopy_failed",
    "perform3_done>confirm3", "perform3_done>confirm3_cancelled",
    "perform3_done>postcopy_failed",
    "confirm3_cancelled>confirm3", "confirm3_cancelled>postcopy_failed",
    "confirm3>postcopy_failed",
    "postcopy_failed>begin_resume", "postcopy_failed>confirm_resume",
    "begin_resume>perform_resume", "begin_resume>confirm_resume",
    "begin_resume>postcopy_failed",
    "perform_resume>confirm_resume", "perform_resume>postcopy_failed",
    "confirm_resume>postcopy_failed",
    NULL
};

static const char *const testEdgesIn[] = {
    "none>prepare",
    "prepare>finish2", "prepare>finish3",
    "finish2>postcopy_failed", "finish3>postcopy_failed",
    "postcopy_failed>prepare_resume", "postcopy_failed>finish_resume",
    "prepare_resume>finish_resume", "prepare_resume>postcopy_failed",
    "finish_resume>postcopy_failed",
    NULL
};


/* True if @phase appears in @edges (it belongs to that direction). */
static bool
testPhaseInEdges(const char *const *edges, const char *phase)
{
    g_autofree char *to = g_strdup_printf(">%s", phase);
    g_autofree char *from = g_strdup_printf("%s>", phase);

    for (; *edges; edges++) {
        if (g_str_has_suffix(*edges, to) || g_str_has_prefix(*edges, from))
            return true;
    }
    return false;
}


static bool
testEdgeExpected(const char *const *edges, int from, int to)
{
    g_autofree char *edge = NULL;

    if (to == QEMU_MIGRATION_PHASE_NONE)
        return false;
    if (from == to)
        return testPhaseInEdges(edges, qemuMigrationJobPhaseTypeToString(to));
    edge = g_strdup_printf("%s>%s", qemuMigrationJobPhaseTypeToString(from),
                           qemuMigrationJobPhaseTypeToString(to));
    return g_strv_contains((const char *const *)edges, edge);
}


/* One direction: every (from, to) pair through qemuMigrationJobSetPhase
 * on a live job; refusals leave the phase, on disk too, as it was. */
static void
testPhaseTableDirection(virDomainAsyncJob asyncJob, const char *const *edges)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    int from;
    int to;

    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, asyncJob, 0), ==, 0);
    for (from = 0; from < QEMU_MIGRATION_PHASE_LAST; from++) {
        for (to = 0; to < QEMU_MIGRATION_PHASE_LAST; to++) {
            bool expect = testEdgeExpected(edges, from, to);
            const char *fromStr = qemuMigrationJobPhaseTypeToString(from);
            const char *toStr = qemuMigrationJobPhaseTypeToString(to);

            g_assert_cmpint(qemuMigrationJobPhaseAllowed(asyncJob, from, to),
                            ==, expect);
            vm->job->phase = from;      /* tests may; src/ may not */
            g_assert_cmpint(virDomainObjSaveStatus(vm), ==, 0);
            virErrorResetLast();
            if (expect) {
                g_assert_cmpint(qemuMigrationJobSetPhase(vm, to), ==, 0);
                g_assert_cmpint(vm->job->phase, ==, to);
                testAssertStatusPhase(data, toStr);
                continue;
            }
            g_assert_cmpint(qemuMigrationJobSetPhase(vm, to), ==, -1);
            g_assert_cmpint(vm->job->phase, ==, from);
            testAssertStatusPhase(data, from ? fromStr : "");
            if (to < QEMU_MIGRATION_PHASE_POSTCOPY_FAILED && to < from) {
                g_autofree char *msg =
                    g_strdup_printf("internal error: migration protocol going backwards %s => %s",
                                    fromStr, toStr);
                testAssertError(VIR_ERR_INTERNAL_ERROR, msg);
            } else {
                g_autofree char *msg =
                    g_strdup_printf("Requested operation is not valid: '%s' job of domain 'guest' cannot go from phase '%s' to '%s'",
                                    virDomainAsyncJobTypeToString(asyncJob),
                                    fromStr, toStr);
                testAssertError(VIR_ERR_OPERATION_INVALID, msg);
            }
        }
    }
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
}


static void
testPhaseTable(void)
{
    testPhaseTableDirection(VIR_ASYNC_JOB_MIGRATION_OUT, testEdgesOut);
    testPhaseTableDirection(VIR_ASYNC_JOB_MIGRATION_IN, testEdgesIn);
    g_assert_false(qemuMigrationJobPhaseAllowed(VIR_ASYNC_JOB_SAVE,
                                                QEMU_MIGRATION_PHASE_NONE,
                                                QEMU_MIGRATION_PHASE_BEGIN3));
    g_assert_false(qemuMigrationJobPhaseAllowed(VIR_ASYNC_JOB_MIGRATION_OUT,
                                                QEMU_MIGRATION_PHASE_NONE,
                                                QEMU_MIGRATION_PHASE_LAST));
}


/* No phase without a migration job; backwards is libvirt's error. */
static void
testPhaseRefusals(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_BEGIN3),
                    ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: no migration job is active on domain 'guest'");
    g_assert_cmpint(virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_SAVE,
                                              VIR_DOMAIN_JOB_OPERATION_SAVE,
                                              0), ==, 0);
    g_assert_cmpint(qemuMigrationJobStartPhase(vm, QEMU_MIGRATION_PHASE_BEGIN3),
                    ==, -1);
    virDomainObjEndAsyncJob(vm);

    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_BEGIN3),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PERFORM3),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm,
                                             QEMU_MIGRATION_PHASE_PERFORM3_DONE),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PERFORM3),
                    ==, -1);
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: migration protocol going backwards perform3_done => perform3");
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_PERFORM3_DONE);
    testAssertStatusPhase(data, "perform3_done");
    /* a destination phase on the source */
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_FINISH3),
                    ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: 'migration out' job of domain 'guest' cannot go from phase 'perform3_done' to 'finish3'");
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
}


/* Saving the status fails: the phase does not change (in memory or on
 * disk), and StartPhase leaves ownership as it was. */
static void
testPhaseSaveFailure(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autofree char *missing = g_build_filename(data->dir, "missing", NULL);
    virDomainObj *vm = data->vm;

    virThreadJobSet(API_BEGIN3);
    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_BEGIN3),
                    ==, 0);
    qemuMigrationJobContinue(vm, NULL);

    data->cfg.statusDir = missing;
    virThreadJobSet(API_PERFORM3);
    g_assert_cmpint(qemuMigrationJobStartPhase(vm,
                                               QEMU_MIGRATION_PHASE_PERFORM3),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_SYSTEM_ERROR);
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_BEGIN3);
    g_assert_cmpuint(vm->job->asyncOwner, ==, 0);
    g_assert_cmpstr(vm->job->asyncOwnerAPI, ==, API_BEGIN3);
    data->cfg.statusDir = data->dir;
    testAssertStatusPhase(data, "begin3");

    g_assert_cmpint(qemuMigrationJobStartPhase(vm,
                                               QEMU_MIGRATION_PHASE_PERFORM3),
                    ==, 0);
    g_assert_cmpstr(vm->job->asyncOwnerAPI, ==, API_PERFORM3);
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* What one API call of a migration does, on its own thread. */
typedef struct {
    testData *data;
    const char *api;
    virDomainAsyncJob asyncJob;
    bool start;                 /* first API: qemuMigrationJobStart */
    qemuMigrationJobPhase phases[3];   /* Start/SetPhase order, NONE ends */
    bool finish;                /* last API: qemuMigrationJobFinish */
    unsigned long long tid;     /* the thread that ran it */
    int rc;
} testStep;


static void
testStepThread(void *opaque)
{
    testStep *step = opaque;
    virDomainObj *vm = step->data->vm;
    size_t i;

    virThreadJobSet(step->api);
    step->tid = virThreadJobSelfID();
    virObjectLock(vm);
    step->rc = -1;
    if (step->start) {
        if (qemuMigrationJobStart(vm, step->asyncJob, 0x42) < 0)
            goto cleanup;
        vm->job->asyncStarted = TEST_STARTED;
    } else if (!qemuMigrationJobIsActive(vm, step->asyncJob)) {
        goto cleanup;
    }
    for (i = 0; i < G_N_ELEMENTS(step->phases) && step->phases[i]; i++) {
        int rc = (i == 0 && !step->start) ?
                 qemuMigrationJobStartPhase(vm, step->phases[i]) :
                 qemuMigrationJobSetPhase(vm, step->phases[i]);
        g_assert_cmpint(rc, ==, 0);
        g_assert_cmpuint(vm->job->asyncOwner, ==, step->tid);
        g_assert_cmpstr(vm->job->asyncOwnerAPI, ==, step->api);
    }
    if (step->finish)
        qemuMigrationJobFinish(vm);
    else
        qemuMigrationJobContinue(vm, NULL);
    step->rc = 0;
 cleanup:
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* Runs @step on a new thread and waits for it. */
static void
testRunStep(testStep *step)
{
    virThreadJoin(virThreadCreate("test-api", testStepThread, step));
    g_assert_cmpint(step->rc, ==, 0);
}


/* Takes and ends @job on @vm (unlocked) from the calling thread as
 * @api; returns what Begin returned, the time it took and the error. */
static int
testTryJob(virDomainObj *vm, virDomainJob job, const char *api,
           long long *elapsedMs, char **msg)
{
    long long start = virTimeMonotonicMs();
    int rc;

    virThreadJobSet(api);
    virObjectLock(vm);
    rc = virDomainObjBeginJob(vm, job);
    if (rc == 0)
        virDomainObjEndJob(vm);
    virObjectUnlock(vm);
    virThreadJobClear();
    if (elapsedMs)
        *elapsedMs = virTimeMonotonicMs() - start;
    if (msg)
        *msg = rc < 0 ? g_strdup(virErrorGetLastMessage()) : NULL;
    return rc;
}


/* Between two APIs of an outgoing migration: observers, abort, tuning,
 * suspend and destroy get in; MODIFY times out naming the last API. */
static void
testJobsBetweenSourceAPIs(testData *data, const char *lastAPI)
{
    g_autofree char *msg = NULL;
    g_autofree char *expect =
        g_strdup_printf("Timed out during operation: cannot acquire state change lock (held by monitor=%s)",
                        lastAPI);
    virDomainJob allowed[] = { VIR_JOB_QUERY, VIR_JOB_DESTROY, VIR_JOB_ABORT,
                               VIR_JOB_SUSPEND, VIR_JOB_MIGRATION_OP,
                               VIR_JOB_MODIFY_MIGRATION_SAFE };
    long long elapsed = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(allowed); i++)
        g_assert_cmpint(testTryJob(data->vm, allowed[i], "remoteDispatchTest",
                                   NULL, NULL), ==, 0);
    g_assert_cmpint(testTryJob(data->vm, VIR_JOB_MODIFY,
                               "remoteDispatchDomainResume", &elapsed, &msg),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(msg, ==, expect);
    virTestAssertTimeout(elapsed, TEST_TIMEOUT_MS);
}


/* The seed's v3 source sequence, each API on its own thread: Begin
 * starts the job and parks it, Perform and Confirm take it over; the
 * phase is on disk after every step. */
static void
testSourceV3Threads(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    testStep begin = { data, API_BEGIN3, VIR_ASYNC_JOB_MIGRATION_OUT, true,
                       { QEMU_MIGRATION_PHASE_BEGIN3 }, false, 0, 0 };
    testStep perform = { data, API_PERFORM3, VIR_ASYNC_JOB_MIGRATION_OUT,
                         false, { QEMU_MIGRATION_PHASE_PERFORM3,
                                  QEMU_MIGRATION_PHASE_PERFORM3_DONE },
                         false, 0, 0 };
    testStep confirm = { data, API_CONFIRM3, VIR_ASYNC_JOB_MIGRATION_OUT,
                         false, { QEMU_MIGRATION_PHASE_CONFIRM3 }, true, 0, 0 };
    virDomainObj *vm = data->vm;

    testRunStep(&begin);
    virObjectLock(vm);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_MIGRATION_OUT);
    g_assert_cmpuint(vm->job->asyncOwner, ==, 0);
    g_assert_cmpuint(vm->job->apiFlags, ==, 0x42);
    g_assert_cmphex(vm->job->mask, ==,
                    qemuMigrationJobAllowedMask(VIR_ASYNC_JOB_MIGRATION_OUT,
                                                false));
    virObjectUnlock(vm);
    testAssertStatusPhase(data, "begin3");
    testJobsBetweenSourceAPIs(data, API_BEGIN3);

    testRunStep(&perform);
    g_assert_cmpuint(perform.tid, !=, begin.tid);
    testAssertStatusPhase(data, "perform3_done");
    testJobsBetweenSourceAPIs(data, API_PERFORM3);

    testRunStep(&confirm);
    virObjectLock(vm);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_NONE);
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_NONE);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virObjectUnlock(vm);
    testAssertStatusPhase(data, "");
    g_assert_cmpint(testTryJob(vm, VIR_JOB_MODIFY, "remoteDispatchTest",
                               NULL, NULL), ==, 0);
}


/* A MODIFY job during a parked outgoing migration waits, then fails with
 * VIR_ERR_OPERATION_TIMEOUT naming the last migration API, within 10 %
 * of the configured timeout. */
static void
testModifyTimesOut(void)
{
    g_autoptr(testData) data = testDataNew(TEST_PRECISE_TIMEOUT_MS);
    testStep begin = { data, API_BEGIN3, VIR_ASYNC_JOB_MIGRATION_OUT, true,
                       { QEMU_MIGRATION_PHASE_BEGIN3 }, false, 0, 0 };
    g_autofree char *msg = NULL;
    long long elapsed = 0;

    testRunStep(&begin);
    g_assert_cmpint(testTryJob(data->vm, VIR_JOB_MODIFY,
                               "remoteDispatchDomainSetVcpus", &elapsed, &msg),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(msg, ==,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=" API_BEGIN3 ")");
    virTestAssertTimeoutPrecise(elapsed, TEST_PRECISE_TIMEOUT_MS);
}


/* v2 source: one API, Perform2 from start to finish. */
static void
testSourceV2(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    testStep perform = { data, "remoteDispatchDomainMigratePerform",
                         VIR_ASYNC_JOB_MIGRATION_OUT, true,
                         { QEMU_MIGRATION_PHASE_PERFORM2 }, true, 0, 0 };

    testRunStep(&perform);
    g_assert_cmpint(data->vm->job->asyncJob, ==, VIR_ASYNC_JOB_NONE);
}


/* The destination: Prepare parks a MIGRATION_IN job during which only
 * DESTROY (and internal handlers) get in; Finish ends it. */
static void
testDestinationThreads(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    testStep prepare = { data, API_PREPARE3, VIR_ASYNC_JOB_MIGRATION_IN, true,
                         { QEMU_MIGRATION_PHASE_PREPARE }, false, 0, 0 };
    testStep finish = { data, API_FINISH3, VIR_ASYNC_JOB_MIGRATION_IN, false,
                        { QEMU_MIGRATION_PHASE_FINISH3 }, true, 0, 0 };
    g_autofree char *msg = NULL;
    long long elapsed = 0;

    testRunStep(&prepare);
    testAssertStatusPhase(data, "prepare");
    g_assert_cmpint(testTryJob(data->vm, VIR_JOB_DESTROY, "remoteDispatchTest",
                               NULL, NULL), ==, 0);
    g_assert_cmpint(testTryJob(data->vm, VIR_JOB_MODIFY_MIGRATION_SAFE,
                               "remoteDispatchTest", NULL, NULL), ==, 0);
    g_assert_cmpint(testTryJob(data->vm, VIR_JOB_QUERY,
                               "remoteDispatchDomainGetInfo", &elapsed, &msg),
                    ==, -1);
    g_assert_cmpstr(msg, ==,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=" API_PREPARE3 ")");
    virTestAssertTimeout(elapsed, TEST_TIMEOUT_MS);

    testRunStep(&finish);
    g_assert_cmpuint(finish.tid, !=, prepare.tid);
    testAssertStatusPhase(data, "");
}


/* One migration job per domain, either direction; IsActive messages. */
static void
testOneMigrationAtATime(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    virObjectLock(vm);
    g_assert_false(qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_OUT));
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain 'guest' is not being migrated");
    g_assert_false(qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_IN));
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain 'guest' is not processing incoming migration");

    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, 0),
                    ==, 0);
    g_assert_true(qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_IN));
    g_assert_false(qemuMigrationJobIsActive(vm, VIR_ASYNC_JOB_MIGRATION_OUT));
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: another migration job is already running for domain 'guest'");
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, 0),
                    ==, -1);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_SAVE, 0), ==, -1);
    qemuMigrationJobFinish(vm);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virObjectUnlock(vm);
}


static void
testStartPhaseThread(void *opaque)
{
    testStep *step = opaque;
    virDomainObj *vm = step->data->vm;

    virThreadJobSet(step->api);
    virObjectLock(vm);
    step->rc = qemuMigrationJobStartPhase(vm, step->phases[0]);
    if (step->rc < 0)
        step->tid = virErrorGetLastCode();
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* While one thread drives the job, another API cannot take it over (nor
 * set its phase); once parked it can. */
static void
testOwnerRefusesTakeover(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    testStep other = { data, API_CONFIRM3, VIR_ASYNC_JOB_MIGRATION_OUT, false,
                       { QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED }, false, 0, 0 };
    virDomainObj *vm = data->vm;

    virThreadJobSet(API_PERFORM3);
    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_PERFORM3),
                    ==, 0);
    virObjectUnlock(vm);

    virThreadJoin(virThreadCreate("test-api", testStartPhaseThread, &other));
    g_assert_cmpint(other.rc, ==, -1);
    g_assert_cmpint(other.tid, ==, VIR_ERR_OPERATION_INVALID);
    virObjectLock(vm);
    g_assert_cmpuint(vm->job->asyncOwner, ==, virThreadJobSelfID());
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_PERFORM3);
    qemuMigrationJobContinue(vm, NULL);
    virObjectUnlock(vm);

    virThreadJoin(virThreadCreate("test-api", testStartPhaseThread, &other));
    g_assert_cmpint(other.rc, ==, 0);
    virObjectLock(vm);
    g_assert_cmpstr(vm->job->asyncOwnerAPI, ==, API_CONFIRM3);
    /* the previous driver cannot set the phase behind the new owner */
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_CONFIRM3),
                    ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: migration of domain guest is being actively monitored by another thread");
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
    virThreadJobClear();
}


static int testCleanupCalls;

static void
testCleanupDiscard(virDomainObj *vm)
{
    testCleanupCalls++;
    qemuDomainObjDiscardAsyncJob(vm);
}


static void
testModifyWaiterThread(void *opaque)
{
    testStep *step = opaque;

    step->rc = testTryJob(step->data->vm, VIR_JOB_MODIFY, step->api,
                          NULL, NULL);
}


/* QEMU dies while the job is parked: the callback registered by Continue
 * discards it and the threads waiting for it get in. */
static void
testContinueCleanup(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    testStep waiter = { data, "remoteDispatchDomainSetMemory", 0, false,
                        { 0 }, false, 0, -1 };
    virDomainObj *vm = data->vm;
    GThread *thread;

    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    g_assert_cmpint(qemuMigrationJobSetPhase(vm, QEMU_MIGRATION_PHASE_BEGIN3),
                    ==, 0);
    qemuMigrationJobContinue(vm, testCleanupDiscard);
    qemuMigrationJobContinue(vm, testCleanupDiscard);   /* registered once */
    virObjectUnlock(vm);

    thread = virThreadCreate("test-waiter", testModifyWaiterThread, &waiter);
    virTestWaitJobsQueued(vm, 2);
    virObjectLock(vm);
    vm->def->id = -1;           /* QEMU died; qemuProcessStop cleans up */
    qemuDomainCleanupRun(vm);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_NONE);
    virObjectUnlock(vm);
    virThreadJoin(thread);
    g_assert_cmpint(waiter.rc, ==, 0);
    g_assert_cmpint(testCleanupCalls, ==, 1);

    virObjectLock(vm);
    qemuDomainCleanupAdd(vm, testCleanupDiscard);
    qemuDomainCleanupRemove(vm, testCleanupDiscard);
    qemuDomainCleanupRun(vm);
    g_assert_cmpint(testCleanupCalls, ==, 1);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virObjectUnlock(vm);
}


typedef struct {
    virDomainObj *vm;
    virDomainJob seen;          /* the job slot while the monitor is used */
    bool kill;                  /* make the domain stop meanwhile */
} testPeek;


/* Another thread can lock the domain while its monitor is in use. */
static void
testPeekThread(void *opaque)
{
    testPeek *peek = opaque;

    virObjectLock(peek->vm);
    peek->seen = peek->vm->job->active;
    if (peek->kill)
        peek->vm->def->id = -1;
    virObjectUnlock(peek->vm);
}


/* EnterMonitorAsync inside the async job: nested job, domain unlocked
 * while the monitor is held, nested job ended by ExitMonitor, which
 * notices a domain that died meanwhile. */
static void
testMonitorAsync(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    qemuDomainObjPrivate *priv = vm->privateData;
    testPeek peek = { vm, VIR_JOB_NONE, false };

    virThreadJobSet(API_PERFORM3);
    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    /* the async owner must use a nested job */
    g_assert_cmpint(qemuDomainObjEnterMonitor(vm), ==, -1);
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: the owner of async job 'migration out' of domain 'guest' must take a nested job to enter the monitor");
    g_assert_cmpint(qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN),
                    ==, -1);

    g_assert_cmpint(qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, 0);
    g_assert_cmpint(priv->monStart, >, 0);
    virThreadJoin(virThreadCreate("test-peek", testPeekThread, &peek));
    g_assert_cmpint(peek.seen, ==, VIR_JOB_ASYNC_NESTED);
    g_assert_cmpint(qemuDomainObjExitMonitor(vm), ==, 0);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_NONE);
    g_assert_cmpint(priv->monStart, ==, 0);
    g_assert_nonnull(priv->mon);

    peek.kill = true;
    g_assert_cmpint(qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, 0);
    virThreadJoin(virThreadCreate("test-peek", testPeekThread, &peek));
    g_assert_cmpint(qemuDomainObjExitMonitor(vm), ==, -1);
    testAssertError(VIR_ERR_OPERATION_FAILED,
                    "operation failed: domain is no longer running");
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_NONE);

    /* dead domain: no monitor access at all */
    g_assert_cmpint(qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, -1);
    testAssertError(VIR_ERR_OPERATION_FAILED,
                    "operation failed: domain is no longer running");
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_NONE);
    qemuMigrationJobFinish(vm);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* EnterMonitor needs a job; the nested job of an async job waits for
 * another thread's normal job and times out naming it. */
static void
testMonitorNeedsJob(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    long long start;

    virObjectLock(vm);
    g_assert_cmpint(qemuDomainObjEnterMonitor(vm), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_MODIFY), ==, 0);
    g_assert_cmpint(qemuDomainObjEnterMonitor(vm), ==, 0);
    g_assert_cmpint(qemuDomainObjExitMonitor(vm), ==, 0);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_MODIFY);   /* not nested */
    virDomainObjEndJob(vm);

    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    virThreadJobSet("remoteDispatchDomainGetJobStats");
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_QUERY), ==, 0);
    vm->job->owner = 1;                         /* as if another thread's */
    start = virTimeMonotonicMs();
    g_assert_cmpint(qemuDomainObjEnterMonitorAsync(vm,
                                                   VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, -2);
    virTestAssertTimeout(virTimeMonotonicMs() - start, TEST_TIMEOUT_MS);
    testAssertError(VIR_ERR_OPERATION_TIMEOUT,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainGetJobStats)");
    virDomainObjEndJob(vm);
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
    virThreadJobClear();
}


static int testHookThrottle = -1;    /* QEMU's "not throttling" */

static int
testHookRefresh(virDomainObj *vm, virDomainJobData *jobData)
{
    qemuDomainJobDataPrivate *priv = jobData->privateData;

    g_assert_cmpint(vm->job->active, ==, VIR_JOB_QUERY);
    priv->mig.ram_total = 1024;
    priv->mig.ram_transferred = 256;
    priv->mig.ram_remaining = 768;
    priv->mig.ram_bps = 4096;
    priv->mig.cpu_throttle_percentage = testHookThrottle;
    return 0;
}


static int testHookCancels;
static int testHookPauses;

static int
testHookCancel(virDomainObj *vm)
{
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_ABORT);
    g_assert_true(vm->job->abortJob);
    testHookCancels++;
    return 0;
}


static int
testHookPause(virDomainObj *vm G_GNUC_UNUSED)
{
    testHookPauses++;
    return 0;
}


static const qemuDomainJobHooks testHooks = {
    .migrateCancel = testHookCancel,
    .migratePause = testHookPause,
    .refreshStats = testHookRefresh,
};


static const virTypedParameter *
testFindParam(const virTypedParameter *params, int n, const char *name)
{
    int i;

    for (i = 0; i < n; i++) {
        if (STREQ(params[i].field, name))
            return &params[i];
    }
    return NULL;
}


/* The parameter @name, which must be there. */
static const virTypedParameter *
testGetParam(const virTypedParameter *params, int n, const char *name)
{
    const virTypedParameter *p = testFindParam(params, n, name);

    if (!p)
        g_error("no job statistic %s", name);
    return p;
}


/* domjobinfo/domjobstats: a running migration is UNBOUNDED with its
 * operation, elapsed time and the statistics QEMU reports (hook). */
static void
testJobStatsRunning(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    virTypedParameterPtr params = NULL;
    const virTypedParameter *p;
    virDomainJobInfo info;
    int nparams = 0;
    int type = -1;

    qemuDomainJobSetHooks(&testHooks);
    virObjectLock(vm);
    g_assert_cmpint(qemuDomainJobGetStats(vm, 0, &type, &params, &nparams),
                    ==, 0);
    g_assert_cmpint(type, ==, VIR_DOMAIN_JOB_NONE);
    g_assert_cmpint(nparams, ==, 0);

    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    vm->job->current->started -= 1500;     /* started 1.5 s ago */
    g_assert_cmpint(qemuDomainJobGetStats(vm, 0, &type, &params, &nparams),
                    ==, 0);
    g_assert_cmpint(type, ==, VIR_DOMAIN_JOB_UNBOUNDED);
    p = testGetParam(params, nparams, VIR_DOMAIN_JOB_OPERATION);
    g_assert_cmpint(p->type, ==, VIR_TYPED_PARAM_INT);
    g_assert_cmpint(p->value.i, ==, VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
    p = testGetParam(params, nparams, VIR_DOMAIN_JOB_TIME_ELAPSED);
    g_assert_cmpint(p->type, ==, VIR_TYPED_PARAM_ULLONG);
    g_assert_cmpuint(p->value.ul, >=, 1500);
    g_assert_cmpuint(p->value.ul, <, 1500 + TEST_LONG_TIMEOUT_MS);
    g_assert_cmpuint(testGetParam(params, nparams,
                                   VIR_DOMAIN_JOB_MEMORY_TOTAL)->value.ul,
                     ==, 1024);
    g_assert_cmpuint(testGetParam(params, nparams,
                                   VIR_DOMAIN_JOB_DATA_REMAINING)->value.ul,
                     ==, 768);
    g_assert_cmpuint(testGetParam(params, nparams,
                                   VIR_DOMAIN_JOB_MEMORY_BPS)->value.ul,
                     ==, 4096);
    g_assert_null(testFindParam(params, nparams, VIR_DOMAIN_JOB_DOWNTIME));
    /* no throttle reported, none shown (was "Auto converge throttle: -1") */
    g_assert_null(testFindParam(params, nparams,
                                VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE));
    g_assert_cmpstr(params[0].field, ==, "operation");
    g_assert_cmpstr(params[1].field, ==, "time_elapsed");
    virTypedParamArrayFree(params, nparams);

    testHookThrottle = 30;
    g_assert_cmpint(qemuDomainJobGetStats(vm, 0, &type, &params, &nparams),
                    ==, 0);
    p = testGetParam(params, nparams, VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE);
    g_assert_cmpint(p->type, ==, VIR_TYPED_PARAM_INT);
    g_assert_cmpint(p->value.i, ==, 30);
    virTypedParamArrayFree(params, nparams);
    testHookThrottle = -1;
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_NONE);

    g_assert_cmpint(qemuDomainJobGetInfo(vm, &info), ==, 0);
    g_assert_cmpint(info.type, ==, VIR_DOMAIN_JOB_UNBOUNDED);
    g_assert_cmpuint(info.memTotal, ==, 1024);
    g_assert_cmpuint(info.dataProcessed, ==, 256);

    /* no completed stats while a job runs */
    g_assert_cmpint(qemuDomainJobGetStats(vm, VIR_DOMAIN_JOB_STATS_COMPLETED,
                                          &type, &params, &nparams), ==, 0);
    g_assert_cmpint(type, ==, VIR_DOMAIN_JOB_NONE);
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
    qemuDomainJobSetHooks(NULL);
}


/* The completed job stays readable after the job ended (once, unless
 * KEEP_COMPLETED); destinations and inactive domains are refused. */
static void
testJobStatsCompleted(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    virTypedParameterPtr params = NULL;
    virDomainJobInfo info;
    int nparams = 0;
    int type = -1;

    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    qemuDomainJobSaveCompleted(vm, VIR_DOMAIN_JOB_STATUS_COMPLETED);
    qemuMigrationJobFinish(vm);
    g_assert_cmpint(qemuDomainJobGetStats(vm, VIR_DOMAIN_JOB_STATS_COMPLETED |
                                          VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED,
                                          &type, &params, &nparams), ==, 0);
    g_assert_cmpint(type, ==, VIR_DOMAIN_JOB_COMPLETED);
    virTypedParamArrayFree(params, nparams);
    g_assert_cmpint(qemuDomainJobGetStats(vm, VIR_DOMAIN_JOB_STATS_COMPLETED,
                                          &type, &params, &nparams), ==, 0);
    g_assert_cmpint(type, ==, VIR_DOMAIN_JOB_COMPLETED);
    g_assert_cmpint(testGetParam(params, nparams,
                                  VIR_DOMAIN_JOB_OPERATION)->value.i,
                    ==, VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
    virTypedParamArrayFree(params, nparams);
    g_assert_null(vm->job->completed);
    g_assert_cmpint(qemuDomainJobGetStats(vm, 0x4, &type, &params, &nparams),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);

    /* the destination has no statistics to give, and says so at once */
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, 0),
                    ==, 0);
    g_assert_cmpint(qemuDomainJobGetInfo(vm, &info), ==, -1);
    testAssertError(VIR_ERR_OPERATION_UNSUPPORTED,
                    "Operation not supported: migration statistics are available only on the source host");
    qemuMigrationJobFinish(vm);

    vm->def->id = -1;
    g_assert_cmpint(qemuDomainJobGetInfo(vm, &info), ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain is not running");
    virObjectUnlock(vm);
}


static void
testWaitAbortThread(void *opaque)
{
    testStep *step = opaque;
    virDomainObj *vm = step->data->vm;
    long long deadline = virTimeMonotonicMs() + TEST_LONG_TIMEOUT_MS;
    int rc = 0;

    /* the migration thread waiting for QEMU, as qemuMigrationSrcWait... */
    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    g_mutex_lock(&step->data->lock);
    step->data->calls = 1;          /* job started */
    g_mutex_unlock(&step->data->lock);
    while (!vm->job->abortJob && rc == 0)
        rc = qemuDomainObjWait(vm, deadline);
    step->rc = rc;
    qemuMigrationJobFinish(vm);
    virObjectUnlock(vm);
}


/* domjobabort during an outgoing migration: ABORT job, abort request,
 * the migration thread woken, QEMU asked to cancel (hook). */
static void
testAbortMigrationOut(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    testStep migration = { data, API_PERFORM3, 0, false, { 0 }, false, 0, -1 };
    virDomainObj *vm = data->vm;
    GThread *thread;
    int started = 0;

    qemuDomainJobSetHooks(&testHooks);
    testHookCancels = 0;
    thread = virThreadCreate("test-migration", testWaitAbortThread, &migration);
    while (!started) {
        g_mutex_lock(&data->lock);
        started = data->calls;
        g_mutex_unlock(&data->lock);
        g_usleep(1000);
    }
    virThreadJobSet("remoteDispatchDomainAbortJob");
    virObjectLock(vm);
    g_assert_cmpint(qemuDomainJobAbort(vm, 0), ==, 0);
    virObjectUnlock(vm);
    virThreadJoin(thread);
    g_assert_cmpint(migration.rc, ==, 0);
    g_assert_cmpint(testHookCancels, ==, 1);

    virObjectLock(vm);
    g_assert_cmpint(qemuDomainJobAbort(vm, 0), ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: no job is active on the domain");
    g_assert_cmpint(qemuDomainJobAbort(vm, 0x2), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
    virObjectUnlock(vm);
    virThreadJobClear();
    qemuDomainJobSetHooks(NULL);
}


/* Post-copy: aborting needs --postcopy and pauses the migration. */
static void
testAbortPostcopy(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    qemuDomainJobSetHooks(&testHooks);
    testHookPauses = 0;
    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_OUT, 0),
                    ==, 0);
    g_assert_cmpint(qemuDomainJobAbort(vm, VIR_DOMAIN_ABORT_JOB_POSTCOPY), ==,
                    -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: current job is not outgoing migration in post-copy mode");
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY);
    g_assert_cmpint(qemuDomainJobAbort(vm, 0), ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: cannot abort migration in post-copy mode");
    g_assert_false(vm->job->abortJob);
    g_assert_cmpint(qemuDomainJobAbort(vm, VIR_DOMAIN_ABORT_JOB_POSTCOPY), ==,
                    0);
    g_assert_cmpint(testHookPauses, ==, 1);
    g_assert_true(vm->job->abortJob);
    qemuMigrationJobFinish(vm);
    g_assert_false(vm->job->abortJob);
    virObjectUnlock(vm);
    qemuDomainJobSetHooks(NULL);
}


/* Where the mask has no ABORT: an incoming migration is refused at once
 * with libvirt's message; other jobs time out like any job. */
static void
testAbortRefusedByMask(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    long long start;

    virThreadJobSet(API_PREPARE3);
    virObjectLock(vm);
    g_assert_cmpint(qemuMigrationJobStart(vm, VIR_ASYNC_JOB_MIGRATION_IN, 0),
                    ==, 0);
    start = virTimeMonotonicMs();
    g_assert_cmpint(qemuDomainJobAbort(vm, 0), ==, -1);
    g_assert_cmpint(virTimeMonotonicMs() - start, <, TEST_TIMEOUT_MS);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: cannot abort incoming migration; use virDomainDestroy instead");
    g_assert_false(vm->job->abortJob);
    qemuMigrationJobFinish(vm);

    virThreadJobSet("remoteDispatchDomainSnapshotCreateXML");
    g_assert_cmpint(virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_SNAPSHOT,
                                              VIR_DOMAIN_JOB_OPERATION_SNAPSHOT,
                                              0), ==, 0);
    qemuDomainObjSetAsyncJobMask(vm, 0);
    g_assert_cmphex(vm->job->mask, ==, JOB_MASK(VIR_JOB_DESTROY));
    start = virTimeMonotonicMs();
    g_assert_cmpint(qemuDomainJobAbort(vm, 0), ==, -1);
    virTestAssertTimeout(virTimeMonotonicMs() - start, TEST_TIMEOUT_MS);
    testAssertError(VIR_ERR_OPERATION_TIMEOUT,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainSnapshotCreateXML)");
    virDomainObjEndAsyncJob(vm);

    g_assert_cmpint(virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_DUMP,
                                              VIR_DOMAIN_JOB_OPERATION_DUMP,
                                              VIR_DUMP_MEMORY_ONLY), ==, 0);
    g_assert_cmpint(qemuDomainJobAbort(vm, 0), ==, -1);
    testAssertError(VIR_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: cannot abort memory-only dump");
    virDomainObjEndAsyncJob(vm);
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* One step of a walk through the phases: the API doing it, the domain
 * state it leaves, and whether it produces the golden file of @phase. */
typedef struct {
    qemuMigrationJobPhase phase;
    const char *api;
    virDomainState state;
    int reason;
    bool golden;
} testWalkStep;

#define OUT_RUNNING VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED
#define OUT_PAUSED VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION
#define PC_PAUSED VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED
#define IN_PAUSED VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION
#define IN_RUNNING VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED
#define PC_RUNNING VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_POSTCOPY_FAILED

static const testWalkStep testWalkOutV3[] = {
    { QEMU_MIGRATION_PHASE_BEGIN3, API_BEGIN3, OUT_RUNNING, true },
    { QEMU_MIGRATION_PHASE_PERFORM3, API_PERFORM3, OUT_RUNNING, true },
    { QEMU_MIGRATION_PHASE_PERFORM3_DONE, API_PERFORM3, OUT_PAUSED, true },
    { QEMU_MIGRATION_PHASE_CONFIRM3, API_CONFIRM3, OUT_PAUSED, true },
    { 0 }
};
static const testWalkStep testWalkOutCancelled[] = {
    { QEMU_MIGRATION_PHASE_BEGIN3, API_BEGIN3, OUT_RUNNING, false },
    { QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED, API_CONFIRM3, VIR_DOMAIN_RUNNING,
      VIR_DOMAIN_RUNNING_MIGRATION_CANCELED, true },
    { 0 }
};
static const testWalkStep testWalkOutV2[] = {
    { QEMU_MIGRATION_PHASE_PERFORM2, "remoteDispatchDomainMigratePerform",
      OUT_RUNNING, true },
    { 0 }
};
static const testWalkStep testWalkOutPostcopy[] = {
    { QEMU_MIGRATION_PHASE_BEGIN3, API_BEGIN3, OUT_RUNNING, false },
    { QEMU_MIGRATION_PHASE_PERFORM3, API_PERFORM3, OUT_RUNNING, false },
    { QEMU_MIGRATION_PHASE_POSTCOPY_FAILED, API_PERFORM3, PC_PAUSED, true },
    { QEMU_MIGRATION_PHASE_BEGIN_RESUME, API_BEGIN3, PC_PAUSED, true },
    { QEMU_MIGRATION_PHASE_PERFORM_RESUME, API_PERFORM3, PC_PAUSED, true },
    { QEMU_MIGRATION_PHASE_CONFIRM_RESUME, API_CONFIRM3, PC_PAUSED, true },
    { 0 }
};
static const testWalkStep testWalkInV3[] = {
    { QEMU_MIGRATION_PHASE_PREPARE, API_PREPARE3, IN_PAUSED, true },
    { QEMU_MIGRATION_PHASE_FINISH3, API_FINISH3, IN_RUNNING, true },
    { 0 }
};
static const testWalkStep testWalkInV2[] = {
    { QEMU_MIGRATION_PHASE_PREPARE, "remoteDispatchDomainMigratePrepare2",
      IN_PAUSED, false },
    { QEMU_MIGRATION_PHASE_FINISH2, "remoteDispatchDomainMigrateFinish2",
      IN_RUNNING, true },
    { 0 }
};
static const testWalkStep testWalkInPostcopy[] = {
    { QEMU_MIGRATION_PHASE_PREPARE, API_PREPARE3, IN_PAUSED, false },
    { QEMU_MIGRATION_PHASE_FINISH3, API_FINISH3, IN_RUNNING, false },
    { QEMU_MIGRATION_PHASE_POSTCOPY_FAILED, API_FINISH3, PC_RUNNING, true },
    { QEMU_MIGRATION_PHASE_PREPARE_RESUME, API_PREPARE3, PC_RUNNING, true },
    { QEMU_MIGRATION_PHASE_FINISH_RESUME, API_FINISH3, PC_RUNNING, true },
    { 0 }
};


static char *
testGoldenName(virDomainAsyncJob asyncJob, const char *phase)
{
    return g_strdup_printf("statusxmldata/migration-%s-%s.xml",
                           asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT ? "out"
                                                                   : "in",
                           phase);
}


/* Compares @vm's status file with the golden file of @phase. */
static void
testCompareStatusFile(testData *data, virDomainAsyncJob asyncJob,
                      const char *phase)
{
    g_autofree char *path = virDomainObjStatusPath(data->dir, "guest");
    g_autofree char *golden = testGoldenName(asyncJob, phase);
    g_autofree char *xml = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    g_assert_cmpint(virTestCompareToFile(xml, golden), ==, 0);
}


/*
 * Walks @steps the way the migration APIs do (each step a new API that
 * takes the parked job over) and checks, after each phase change, that
 * the status file on disk is the golden file of that phase.
 */
static void
testWalk(virDomainAsyncJob asyncJob, const testWalkStep *steps)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    size_t i;

    virThreadJobSet(steps[0].api);
    virObjectLock(vm);
    virDomainObjSetState(vm, steps[0].state, steps[0].reason);
    g_assert_cmpint(qemuMigrationJobStart(vm, asyncJob, 0x42), ==, 0);
    vm->job->asyncStarted = TEST_STARTED;
    if (steps == testWalkOutV3 || steps == testWalkInV3) {
        g_autofree char *xml = virDomainObjFormatStatus(vm);
        g_autofree char *golden = testGoldenName(asyncJob, "none");

        g_assert_cmpint(virTestCompareToFile(xml, golden), ==, 0);
    }
    qemuMigrationJobContinue(vm, NULL);

    for (i = 0; steps[i].phase; i++) {
        virThreadJobSet(steps[i].api);
        virDomainObjSetState(vm, steps[i].state, steps[i].reason);
        vm->job->asyncPaused =
            steps[i].reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED ||
            steps[i].reason == VIR_DOMAIN_RUNNING_POSTCOPY_FAILED;
        g_assert_cmpint(qemuMigrationJobStartPhase(vm, steps[i].phase), ==, 0);
        if (steps[i].golden)
            testCompareStatusFile(data, asyncJob,
                                  qemuMigrationJobPhaseTypeToString(steps[i].phase));
        qemuMigrationJobContinue(vm, NULL);
    }
    qemuMigrationJobFinish(vm);
    testAssertStatusPhase(data, "");
    virObjectUnlock(vm);
    virThreadJobClear();
}


static void
testStatusGolden(void)
{
    testWalk(VIR_ASYNC_JOB_MIGRATION_OUT, testWalkOutV3);
    testWalk(VIR_ASYNC_JOB_MIGRATION_OUT, testWalkOutCancelled);
    testWalk(VIR_ASYNC_JOB_MIGRATION_OUT, testWalkOutV2);
    testWalk(VIR_ASYNC_JOB_MIGRATION_OUT, testWalkOutPostcopy);
    testWalk(VIR_ASYNC_JOB_MIGRATION_IN, testWalkInV3);
    testWalk(VIR_ASYNC_JOB_MIGRATION_IN, testWalkInV2);
    testWalk(VIR_ASYNC_JOB_MIGRATION_IN, testWalkInPostcopy);
}


/* Every golden file parses, and formats back byte for byte. */
static void
testStatusRoundTrip(void)
{
    g_autofree char *dir = virTestSrcPath("statusxmldata");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    virDomainObjConfig cfg = { 0 };
    const char *ent;
    int n = 0;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    qemuDomainObjConfigInit(&cfg, NULL);
    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *rel = g_build_filename("statusxmldata", ent, NULL);
        g_autofree char *xml = NULL;
        g_autofree char *again = NULL;
        virDomainObj *vm;

        if (!g_str_has_prefix(ent, "migration-"))
            continue;
        xml = virTestLoadFile(rel, NULL);
        vm = virDomainObjParseStatus(xml, rel, &cfg);
        if (!vm)
            g_error("%s: %s", rel, virErrorGetLastMessage());
        g_assert_cmpint(vm->job->asyncStarted, ==, TEST_STARTED);
        g_assert_cmpuint(vm->job->apiFlags, ==, 0x42);
        again = virDomainObjFormatStatus(vm);
        g_assert_cmpint(virTestCompareToFile(again, rel), ==, 0);
        virDomainObjEndAPI(&vm);
        n++;
    }
    /* 10 source phases, 6 destination ones, "none" of each */
    g_assert_cmpint(n, ==, 18);
}


/* The driver's own migration elements of the status XML: <migration>
 * (protocol, state before, the peer daemon's URI, escaped) while a
 * migration runs, <undecided> for a copy kept paused until its peer can
 * say what it holds, <agentTimeout> once guest-agent-timeout changed it;
 * formatted as the golden file, parsed back into the same fields,
 * formatted again byte for byte. */
static void
testStatusPrivateElements(void)
{
    g_autoptr(testData) data = testDataNewFull(TEST_LONG_TIMEOUT_MS, false);
    const char *peer = "qemu+unix:///system?socket=/run/a&b's/virtmigd-sock";
    const char *golden = "statusxmldata/private-migration.xml";
    qemuDomainObjPrivate *priv = data->vm->privateData;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;
    virDomainObj *vm;

    virObjectLock(data->vm);
    virDomainObjSetState(data->vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN);
    priv->migrationProtocol = 3;
    priv->preMigrationState = VIR_DOMAIN_RUNNING;
    priv->migrationPeer = g_strdup(peer);
    priv->undecidedPeer = g_strdup(peer);
    priv->undecidedSource = false;
    priv->undecidedPreState = VIR_DOMAIN_PAUSED;
    priv->nbd = qemuMigrationNBDNew();
    g_ptr_array_add(priv->nbd->created, g_strdup("/images/guest-vda.qcow2"));
    g_ptr_array_add(priv->nbd->created, g_strdup("/images/a&b's.raw"));
    qemuProcessPeriphSetAgentTimeout(data->vm, 2);
    xml = virDomainObjFormatStatus(data->vm);
    virObjectUnlock(data->vm);
    g_assert_cmpint(virTestCompareToFile(xml, golden), ==, 0);

    vm = virDomainObjParseStatus(xml, golden, &data->cfg);
    if (!vm)
        g_error("%s: %s", golden, virErrorGetLastMessage());
    priv = vm->privateData;
    g_assert_cmpint(priv->migrationProtocol, ==, 3);
    g_assert_cmpint(priv->preMigrationState, ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpstr(priv->migrationPeer, ==, peer);
    g_assert_cmpstr(priv->undecidedPeer, ==, peer);
    g_assert_false(priv->undecidedSource);
    g_assert_cmpint(priv->undecidedPreState, ==, VIR_DOMAIN_PAUSED);
    g_assert_nonnull(priv->nbd);
    g_assert_cmpuint(priv->nbd->created->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(priv->nbd->created, 0), ==,
                    "/images/guest-vda.qcow2");
    g_assert_cmpstr(g_ptr_array_index(priv->nbd->created, 1), ==,
                    "/images/a&b's.raw");
    g_assert_cmpint(qemuProcessPeriphGetAgentTimeout(vm), ==, 2);
    again = virDomainObjFormatStatus(vm);
    g_assert_cmpstr(again, ==, xml);
    virDomainObjEndAPI(&vm);
}


/* Copies golden file @golden into @dir as <name>.xml, renaming the
 * domain to @name and giving it @uuid. */
static void
testInstallStatus(const char *dir, const char *golden, const char *name,
                  const char *uuid)
{
    g_autofree char *rel = g_build_filename("statusxmldata", golden, NULL);
    g_autofree char *xml = virTestLoadFile(rel, NULL);
    g_autofree char *path = virDomainObjStatusPath(dir, name);
    g_autoptr(GString) str = g_string_new(xml);
    g_autofree char *nameElem = g_strdup_printf("<name>%s</name>", name);

    g_string_replace(str, "<name>guest</name>", nameElem, 1);
    g_string_replace(str, TEST_UUID, uuid, 1);
    g_assert_true(g_file_set_contents(path, str->str, -1, NULL));
}


/* A restarted daemon loads every status file and finds each domain's job
 * and phase; recovery moves the job out and restores it, parked, with
 * the restored mask, in the saved phase or in POSTCOPY_FAILED. */
static void
testLoadAndRestore(void)
{
    g_autofree char *dir = virTestTempDirNew();
    g_autofree char *junk = g_build_filename(dir, "broken.xml", NULL);
    /* before @doms: the objects keep pointing at it until @doms goes */
    virDomainObjConfig cfg = { 0 };
    g_autoptr(virDomainObjList) doms = virDomainObjListNew();
    g_autoptr(virDomainJobObj) saved = NULL;
    virDomainObj *vm;

    virTestDomainObjConfigInit(&cfg, dir, TEST_LONG_TIMEOUT_MS);
    qemuDomainObjConfigInit(&cfg, dir);
    testInstallStatus(dir, "migration-out-perform3_done.xml", "src",
                      "11111111-2222-3333-4444-555555555555");
    testInstallStatus(dir, "migration-in-finish3.xml", "dst",
                      "11111111-2222-3333-4444-666666666666");
    g_assert_true(g_file_set_contents(junk, "<domstatus", -1, NULL));
    g_assert_cmpint(virDomainObjListLoadAllStatus(doms, dir, &cfg), ==, 2);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_XML_ERROR);

    vm = virDomainObjListFindByName(doms, "dst");
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_MIGRATION_IN);
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_FINISH3);
    g_assert_cmpint(virDomainObjGetState(vm, NULL), ==, VIR_DOMAIN_RUNNING);
    virDomainObjEndAPI(&vm);

    vm = virDomainObjListFindByName(doms, "src");
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_MIGRATION_OUT);
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_PERFORM3_DONE);
    g_assert_cmpint(vm->pid, ==, 4242);
    g_assert_cmpstr(QEMU_DOMAIN_PRIVATE(vm)->monPath, ==,
                    "/run/virtmig/hostA/run/guest.monitor");
    g_assert_cmpint(virDomainObjListAllocID(doms), ==, 2);

    saved = virDomainObjPreserveJob(vm);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_NONE);
    g_assert_cmpint(qemuMigrationJobRestore(vm, saved,
                                            QEMU_MIGRATION_PHASE_PREPARE),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpint(qemuMigrationJobRestore(vm, saved,
                                            QEMU_MIGRATION_PHASE_POSTCOPY_FAILED),
                    ==, 0);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_MIGRATION_OUT);
    g_assert_cmpint(vm->job->phase, ==, QEMU_MIGRATION_PHASE_POSTCOPY_FAILED);
    g_assert_cmpuint(vm->job->asyncOwner, ==, 0);
    g_assert_cmpstr(vm->job->asyncOwnerAPI, ==, API_PERFORM3);
    g_assert_cmpuint(vm->job->asyncStarted, ==, TEST_STARTED);
    g_assert_cmpuint(vm->job->apiFlags, ==, 0x42);
    g_assert_cmphex(vm->job->mask, ==,
                    qemuMigrationJobAllowedMask(VIR_ASYNC_JOB_MIGRATION_OUT,
                                                true) |
                    JOB_MASK(VIR_JOB_DESTROY));
    g_assert_false(vm->job->mask & JOB_MASK(VIR_JOB_SUSPEND));
    g_assert_cmpint(vm->job->current->status, ==,
                    VIR_DOMAIN_JOB_STATUS_PAUSED);
    g_assert_cmpint(vm->job->current->operation, ==,
                    VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
    g_assert_cmpint(vm->job->jobsQueued, ==, 1);
    /* the restored job is on disk, and the next API may take it over */
    g_assert_cmpint(qemuMigrationJobStartPhase(vm,
                                               QEMU_MIGRATION_PHASE_BEGIN_RESUME),
                    ==, 0);
    qemuMigrationJobFinish(vm);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virDomainObjEndAPI(&vm);
    virTestTempDirFree(g_steal_pointer(&dir));
}


/* Broken status files are refused with libvirt's messages. */
static void
testStatusParseErrors(void)
{
    virDomainObjConfig cfg = { 0 };
    const char *dom = "<domain type='test' id='1'><name>guest</name>"
                      "<uuid>" TEST_UUID "</uuid></domain>";
    struct {
        const char *head;
        const char *message;
    } cases[] = {
        { "<domstatus state='running' reason='booted' pid='1'><job type='bogus' async='none'/>",
          "internal error: Unknown job type bogus" },
        { "<domstatus state='running' reason='booted' pid='1'><job type='none' async='bogus'/>",
          "internal error: Unknown async job type bogus" },
        { "<domstatus state='running' reason='booted' pid='1'><job type='none' async='migration out' phase='prepare_everything'/>",
          "internal error: Unknown job phase prepare_everything" },
        { "<domstatus state='running' reason='booted' pid='1'><job type='none' async='save' phase='begin3'/>",
          "internal error: Unknown job phase begin3" },
        { "<domstatus state='running' reason='booted' pid='1'><job type='none' async='migration in' asyncStarted='soon'/>",
          "internal error: Invalid async job start" },
        { "<domstatus state='running' reason='booted' pid='1'><job type='none' async='migration in' flags='0xZZ'/>",
          "XML error: Invalid value for attribute 'flags' in element 'job': '0xZZ'" },
        { "<domstatus state='running' reason='dozing' pid='1'>",
          "unsupported configuration: invalid domain state reason 'dozing'" },
        { "<domstatus state='asleep' pid='1'>",
          "XML error: Invalid value for attribute 'state' in element 'domstatus': 'asleep'" },
        { "<domstatus state='running' reason='booted'>",
          "XML error: Invalid value for attribute 'pid' in element 'domstatus': '<null>'" },
        { "<domstatus state='running' reason='booted' pid='1'><monitor path='/x' type='pty'/>",
          "internal error: unsupported monitor type 'pty'" },
        { "<domstatus state='running' reason='booted' pid='1'><migration protocol='4' preState='running'/>",
          "internal error: malformed migration element in the status XML" },
        { "<domstatus state='running' reason='booted' pid='1'><migration protocol='3' preState='dozing'/>",
          "internal error: malformed migration element in the status XML" },
        { "<domstatus state='paused' reason='unknown' pid='1'><undecided side='left' preState='running' peer='qemu:///x'/>",
          "internal error: malformed undecided element in the status XML" },
        { "<domstatus state='paused' reason='unknown' pid='1'><undecided side='source' preState='running'/>",
          "internal error: malformed undecided element in the status XML" },
        { "<domstatus state='paused' reason='unknown' pid='1'><undecided side='source' preState='asleep' peer='qemu:///x'/>",
          "internal error: malformed undecided element in the status XML" },
        { "<domstatus state='paused' reason='migration' pid='1'><nbd><created/></nbd>",
          "internal error: malformed nbd element in the status XML" },
        { "<domstatus state='paused' reason='migration' pid='1'><nbd><created path='images/x.qcow2'/></nbd>",
          "internal error: malformed nbd element in the status XML" },
    };
    size_t i;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    qemuDomainObjConfigInit(&cfg, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = g_strdup_printf("%s%s</domstatus>",
                                               cases[i].head, dom);

        g_assert_null(virDomainObjParseStatus(xml, "test", &cfg));
        g_assert_cmpstr(virErrorGetLastMessage(), ==, cases[i].message);
    }
    g_assert_null(virDomainObjParseStatus("<domstatus state='running' pid='1'/>",
                                          "test", &cfg));
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "internal error: no domain config");
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);

    g_test_add_func("/phase/enum", testPhaseEnum);
    g_test_add_func("/phase/table-exhaustive", testPhaseTable);
    g_test_add_func("/phase/refusals", testPhaseRefusals);
    g_test_add_func("/phase/save-failure", testPhaseSaveFailure);
    g_test_add_func("/seed/source-v3-threads", testSourceV3Threads);
    g_test_add_func("/seed/modify-times-out", testModifyTimesOut);
    g_test_add_func("/seed/source-v2", testSourceV2);
    g_test_add_func("/seed/destination-threads", testDestinationThreads);
    g_test_add_func("/seed/one-migration-at-a-time", testOneMigrationAtATime);
    g_test_add_func("/seed/owner-refuses-takeover", testOwnerRefusesTakeover);
    g_test_add_func("/seed/continue-cleanup", testContinueCleanup);
    g_test_add_func("/monitor/async", testMonitorAsync);
    g_test_add_func("/monitor/needs-job", testMonitorNeedsJob);
    g_test_add_func("/stats/running", testJobStatsRunning);
    g_test_add_func("/stats/completed", testJobStatsCompleted);
    g_test_add_func("/abort/migration-out", testAbortMigrationOut);
    g_test_add_func("/abort/postcopy", testAbortPostcopy);
    g_test_add_func("/abort/refused-by-mask", testAbortRefusedByMask);
    g_test_add_func("/status/golden", testStatusGolden);
    g_test_add_func("/status/round-trip", testStatusRoundTrip);
    g_test_add_func("/status/load-and-restore", testLoadAndRestore);
    g_test_add_func("/status/parse-errors", testStatusParseErrors);
    g_test_add_func("/status/private-elements", testStatusPrivateElements);

    return g_test_run();
}
