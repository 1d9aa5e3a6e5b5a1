/*
 * virdomainjobtest.c: the domain job object, domain objects and their list
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Threaded tests of the job rules (docs/internals/jobs.rst, libvirt's
 * qemu-threads.rst): which jobs wait for which, timeouts and their
 * messages, ownership, nested and agent jobs.  Timeouts are short here
 * (TEST_TIMEOUT_MS); where timing is not the point the timeout is long
 * (TEST_LONG_TIMEOUT_MS) so a loaded machine cannot make a test fail.
 */
#include <config.h>

#include <glib/gstdio.h>

#include "testutils.h"
#include "virdomainobjtestutils.h"
#include "virdomainobjlist.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virthread.h"
#include "virthreadjob.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_TIMEOUT_MS 500
#define TEST_PRECISE_TIMEOUT_MS 1000
#define TEST_LONG_TIMEOUT_MS 30000
#define TEST_UUID "c7a5fdbd-edaf-9455-926a-d65c16db1809"
#define TEST_UUID2 "c7a5fdbd-edaf-9455-926a-d65c16db1802"
#define TEST_UUID3 "c7a5fdbd-edaf-9455-926a-d65c16db1803"

/* Everything a threaded test shares.  @events records, in order, what the
 * threads did, under @lock. */
typedef struct {
    virDomainObjConfig cfg;
    virDomainObj *vm;           /* unlocked between steps */
    GMutex lock;
    GString *events;
    int rc;                     /* of the thread under test */
    int code;                   /* its error code */
    char *message;              /* its error message */
    long long elapsedMs;
    virDomainJob job;           /* what the thread asks for */
    virDomainAgentJob agentJob;
    virDomainAsyncJob asyncJob;
    const char *api;            /* the API name the thread runs as */
} testData;


static testData *
testDataNew(unsigned long long timeoutMs)
{
    testData *data = g_new0(testData, 1);

    virTestDomainObjConfigInit(&data->cfg, NULL, timeoutMs);
    data->vm = virTestDomainObjNew(&data->cfg, "guest", TEST_UUID, 1);
    virObjectUnlock(data->vm);
    g_mutex_init(&data->lock);
    data->events = g_string_new(NULL);
    return data;
}


static void
testDataFree(testData *data)
{
    virObjectUnref(data->vm);
    g_mutex_clear(&data->lock);
    g_string_free(data->events, TRUE);
    g_free(data->message);
    g_free(data);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testData, testDataFree);


static void
testEvent(testData *data, const char *what)
{
    g_mutex_lock(&data->lock);
    g_string_append_printf(data->events, "%s%s", data->events->len ? " " : "",
                           what);
    g_mutex_unlock(&data->lock);
}


static char *
testEvents(testData *data)
{
    char *ret;

    g_mutex_lock(&data->lock);
    ret = g_strdup(data->events->str);
    g_mutex_unlock(&data->lock);
    return ret;
}


/* Records the result of a Begin* call made by a test thread. */
static void
testRecord(testData *data, int rc, long long startMs)
{
    g_mutex_lock(&data->lock);
    data->rc = rc;
    data->elapsedMs = virTimeMonotonicMs() - startMs;
    data->code = rc < 0 ? virErrorGetLastCode() : VIR_ERR_OK;
    g_free(data->message);
    data->message = rc < 0 ? g_strdup(virErrorGetLastMessage()) : NULL;
    g_mutex_unlock(&data->lock);
}


/* Thread: takes @data->job (or agent/async job), records the outcome,
 * and ends it right away on success. */
static void
testBeginThread(void *opaque)
{
    testData *data = opaque;
    long long start;
    int rc;

    virThreadJobSet(data->api ? data->api : "remoteDispatchTestThread");
    virObjectLock(data->vm);
    start = virTimeMonotonicMs();
    if (data->asyncJob != VIR_ASYNC_JOB_NONE)
        rc = virDomainObjBeginAsyncJob(data->vm, data->asyncJob,
                                       VIR_DOMAIN_JOB_OPERATION_UNKNOWN, 0);
    else if (data->agentJob != VIR_AGENT_JOB_NONE)
        rc = virDomainObjBeginAgentJob(data->vm, data->agentJob);
    else
        rc = virDomainObjBeginJob(data->vm, data->job);
    testRecord(data, rc, start);
    if (rc == 0) {
        testEvent(data, "thread-got-job");
        if (data->asyncJob != VIR_ASYNC_JOB_NONE)
            virDomainObjEndAsyncJob(data->vm);
        else if (data->agentJob != VIR_AGENT_JOB_NONE)
            virDomainObjEndAgentJob(data->vm);
        else
            virDomainObjEndJob(data->vm);
    } else {
        testEvent(data, "thread-failed");
    }
    virObjectUnlock(data->vm);
    virThreadJobClear();
}


/* Runs testBeginThread for @job and returns once it is waiting. */
static GThread *
testStartWaiter(testData *data, virDomainJob job, int queuedAfter)
{
    GThread *thread;

    data->job = job;
    thread = virThreadCreate("test-waiter", testBeginThread, data);
    virTestWaitJobsQueued(data->vm, queuedAfter);
    return thread;
}


static void
testEnumTable(const char *const *(*getTable)(unsigned int *), unsigned int last)
{
    unsigned int n = 0;
    const char *const *table = getTable(&n);
    unsigned int i;

    g_assert_cmpuint(n, ==, last);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
}


/* Every table is full and has libvirt's strings (status XML, errors). */
static void
testEnums(void)
{
    unsigned int n = 0;
    int state;

    testEnumTable(virDomainJobTypeTable, VIR_JOB_LAST);
    testEnumTable(virDomainAgentJobTypeTable, VIR_AGENT_JOB_LAST);
    testEnumTable(virDomainAsyncJobTypeTable, VIR_ASYNC_JOB_LAST);
    testEnumTable(virDomainJobStatusTypeTable, VIR_DOMAIN_JOB_STATUS_LAST);
    testEnumTable(virDomainObjStateTypeTable, VIR_DOMAIN_OBJ_STATE_LAST);
    for (state = 0; state < VIR_DOMAIN_OBJ_STATE_LAST; state++) {
        const char *const *table = virDomainObjStateReasonTable(state, &n);
        unsigned int i;

        g_assert_cmpuint(n, >, 0);
        for (i = 0; i < n; i++)
            g_assert_nonnull(table[i]);
    }
    g_assert_null(virDomainObjStateReasonTable(VIR_DOMAIN_OBJ_STATE_LAST, &n));

    g_assert_cmpstr(virDomainJobTypeToString(VIR_JOB_MIGRATION_OP), ==,
                    "migration operation");
    g_assert_cmpstr(virDomainJobTypeToString(VIR_JOB_MODIFY_MIGRATION_SAFE),
                    ==, "modify migration safe");
    g_assert_cmpstr(virDomainJobTypeToString(VIR_JOB_ASYNC), ==, "none");
    g_assert_cmpstr(virDomainJobTypeToString(VIR_JOB_ASYNC_NESTED), ==,
                    "async nested");
    g_assert_cmpstr(virDomainAsyncJobTypeToString(VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, "migration out");
    g_assert_cmpstr(virDomainAsyncJobTypeToString(VIR_ASYNC_JOB_MIGRATION_IN),
                    ==, "migration in");
    g_assert_cmpstr(virDomainAsyncJobTypeToString(VIR_ASYNC_JOB_BACKUP), ==,
                    "backup");
    g_assert_cmpint(virDomainJobTypeFromString("none"), ==, VIR_JOB_NONE);
    g_assert_cmpstr(virDomainObjStateReasonToString(VIR_DOMAIN_PAUSED,
                                                    VIR_DOMAIN_PAUSED_POSTCOPY_FAILED),
                    ==, "post-copy failed");
    g_assert_cmpstr(virDomainObjStateReasonToString(VIR_DOMAIN_PAUSED,
                                                    VIR_DOMAIN_PAUSED_CRASHED),
                    ==, "panicked");
    g_assert_cmpint(virDomainObjStateReasonFromString(VIR_DOMAIN_RUNNING,
                                                      "migration canceled"),
                    ==, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED);
}


/* Masks are libvirt's: bit job-1, default QUERY|DESTROY|ABORT, tracked
 * DESTROY and ASYNC. */
static void
testMasks(void)
{
    g_assert_cmphex(JOB_MASK(VIR_JOB_NONE), ==, 0);
    g_assert_cmphex(JOB_MASK(VIR_JOB_QUERY), ==, 1);
    g_assert_cmphex(JOB_MASK(VIR_JOB_MODIFY_MIGRATION_SAFE), ==, 1 << 6);
    g_assert_cmphex(VIR_JOB_DEFAULT_MASK, ==, 0x1 | 0x2 | 0x10);
    g_assert_true(virDomainTrackJob(VIR_JOB_DESTROY));
    g_assert_true(virDomainTrackJob(VIR_JOB_ASYNC));
    g_assert_false(virDomainTrackJob(VIR_JOB_MODIFY));
    g_assert_false(virDomainTrackJob(VIR_JOB_ASYNC_NESTED));
    g_assert_cmpint(VIR_JOB_WAIT_TIME_MS, ==, 30000);
}


/* Two normal jobs serialize: the second waits until the first ends. */
static void
testNormalJobsSerialize(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autofree char *events = NULL;
    GThread *thread;

    virObjectLock(data->vm);
    g_assert_cmpint(virDomainObjBeginJob(data->vm, VIR_JOB_MODIFY), ==, 0);
    virObjectUnlock(data->vm);

    thread = testStartWaiter(data, VIR_JOB_MODIFY, 2);
    testEvent(data, "main-ends-job");
    virObjectLock(data->vm);
    virDomainObjEndJob(data->vm);
    virObjectUnlock(data->vm);
    virThreadJoin(thread);

    events = testEvents(data);
    g_assert_cmpstr(events, ==, "main-ends-job thread-got-job");
    g_assert_cmpint(data->rc, ==, 0);
    g_assert_cmpint(data->vm->job->jobsQueued, ==, 0);
    g_assert_cmpint(data->vm->job->active, ==, VIR_JOB_NONE);
}


/* A normal job records its owner thread, API and start time. */
static void
testOwnerBookkeeping(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    long long before = virTimeMillisNow();
    virDomainObj *vm = data->vm;

    virThreadJobSet("remoteDispatchDomainSuspend");
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_SUSPEND), ==, 0);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_SUSPEND);
    g_assert_cmpuint(vm->job->owner, ==, virThreadJobSelfID());
    g_assert_cmpstr(vm->job->ownerAPI, ==, "remoteDispatchDomainSuspend");
    g_assert_cmpuint(vm->job->started, >=, before);
    g_assert_cmpuint(vm->job->started, <=, virTimeMillisNow());
    virDomainObjEndJob(vm);
    g_assert_cmpuint(vm->job->owner, ==, 0);
    g_assert_null(vm->job->ownerAPI);
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* Starts an async job owned by "remoteDispatchDomainMigrateBegin3Params"
 * allowing @mask (DESTROY is not implied at this level). */
static void
testBeginMigrationOut(testData *data, unsigned long long mask)
{
    virThreadJobSet("remoteDispatchDomainMigrateBegin3Params");
    virObjectLock(data->vm);
    g_assert_cmpint(virDomainObjBeginAsyncJob(data->vm,
                                              VIR_ASYNC_JOB_MIGRATION_OUT,
                                              VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT,
                                              0x42), ==, 0);
    data->vm->job->mask = mask;
    virObjectUnlock(data->vm);
    virThreadJobClear();
}


/* During an async job the jobs of its mask start at once. */
static void
testAllowedDuringAsync(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    virObjectLock(vm);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_NONE);
    g_assert_cmpint(virDomainObjBeginJobNowait(vm, VIR_JOB_QUERY), ==, 0);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_QUERY);
    virDomainObjEndJob(vm);
    g_assert_cmpint(virDomainObjBeginJobNowait(vm, VIR_JOB_DESTROY), ==, 0);
    virDomainObjEndJob(vm);
    g_assert_cmpint(virDomainObjBeginJobNowait(vm, VIR_JOB_ABORT), ==, 0);
    virDomainObjEndJob(vm);

    /* not in the mask: refused without waiting, and without an error */
    virErrorResetLast();
    g_assert_cmpint(virDomainObjBeginJobNowait(vm, VIR_JOB_MODIFY), ==, -1);
    g_assert_null(virErrorGetLast());
    g_assert_cmpint(vm->job->jobsQueued, ==, 1);
    virDomainObjEndAsyncJob(vm);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virObjectUnlock(vm);
}


/* A job outside the mask waits, then fails with libvirt's timeout error
 * naming the API that owns the async job, within 10 % of the timeout. */
static void
testTimeoutNamesAsyncOwner(void)
{
    g_autoptr(testData) data = testDataNew(TEST_PRECISE_TIMEOUT_MS);

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    data->job = VIR_JOB_MODIFY;
    testBeginThread(data);

    g_assert_cmpint(data->rc, ==, -1);
    g_assert_cmpint(data->code, ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(data->message, ==,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainMigrateBegin3Params)");
    virTestAssertTimeoutPrecise(data->elapsedMs, TEST_PRECISE_TIMEOUT_MS);
    g_assert_cmpint(data->vm->job->jobsQueued, ==, 1);
}


/* A job allowed by the mask but blocked by a normal job names the normal
 * job's owner instead. */
static void
testTimeoutNamesJobOwner(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    virThreadJobSet("remoteDispatchDomainGetJobStats");
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_QUERY), ==, 0);
    virObjectUnlock(vm);
    virThreadJobClear();

    data->job = VIR_JOB_QUERY;
    testBeginThread(data);
    g_assert_cmpint(data->code, ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(data->message, ==,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainGetJobStats)");
    virTestAssertTimeout(data->elapsedMs, TEST_TIMEOUT_MS);

    virObjectLock(vm);
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
}


/* One deadline covers both waits: first for the async job to allow us,
 * then for the normal slot. */
static void
testTimeoutIsOneDeadline(void)
{
    g_autoptr(testData) data = testDataNew(TEST_PRECISE_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    GThread *thread;

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    virThreadJobSet("remoteDispatchDomainGetJobStats");
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_QUERY), ==, 0);
    virObjectUnlock(vm);
    virThreadJobClear();

    /* the waiter first waits for the async job (MODIFY not allowed) */
    thread = testStartWaiter(data, VIR_JOB_MODIFY, 3);
    g_usleep(TEST_PRECISE_TIMEOUT_MS / 2 * 1000);
    /* the async job ends; the waiter now waits for the QUERY job */
    virObjectLock(vm);
    virDomainObjEndAsyncJob(vm);
    virObjectUnlock(vm);
    virThreadJoin(thread);

    g_assert_cmpint(data->code, ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(data->message, ==,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainGetJobStats)");
    virTestAssertTimeoutPrecise(data->elapsedMs, TEST_PRECISE_TIMEOUT_MS);
    virObjectLock(vm);
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
}


/* Ending the async job wakes the jobs waiting for it. */
static void
testEndAsyncWakesWaiters(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autofree char *events = NULL;
    GThread *thread;

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    thread = testStartWaiter(data, VIR_JOB_MODIFY, 2);
    testEvent(data, "main-ends-async");
    virObjectLock(data->vm);
    virDomainObjEndAsyncJob(data->vm);
    virObjectUnlock(data->vm);
    virThreadJoin(thread);

    events = testEvents(data);
    g_assert_cmpstr(events, ==, "main-ends-async thread-got-job");
    g_assert_cmpint(data->rc, ==, 0);
    g_assert_cmpint(data->elapsedMs, <, TEST_LONG_TIMEOUT_MS);
}


/* A second async job waits for the first one to end. */
static void
testAsyncJobsSerialize(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autofree char *events = NULL;
    GThread *thread;

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    data->asyncJob = VIR_ASYNC_JOB_SAVE;
    thread = virThreadCreate("test-waiter", testBeginThread, data);
    virTestWaitJobsQueued(data->vm, 2);
    testEvent(data, "main-ends-async");
    virObjectLock(data->vm);
    virDomainObjEndAsyncJob(data->vm);
    virObjectUnlock(data->vm);
    virThreadJoin(thread);

    events = testEvents(data);
    g_assert_cmpstr(events, ==, "main-ends-async thread-got-job");
}


/* DESTROY may run during an async job whatever else its mask forbids
 * (drivers always put it in; here the mask is DESTROY alone). */
static void
testDestroyDuringAsync(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    testBeginMigrationOut(data, JOB_MASK(VIR_JOB_DESTROY));
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_DESTROY), ==, 0);
    virDomainObjEndJob(vm);
    g_assert_cmpint(virDomainObjBeginJobNowait(vm, VIR_JOB_QUERY), ==, -1);
    virDomainObjEndAsyncJob(vm);
    virObjectUnlock(vm);
}


typedef struct {
    virDomainObj *vm;
    virDomainAsyncJob asyncJob;
    int rc;
    int code;
    char *message;
} testNestedData;


static void
testNestedThread(void *opaque)
{
    testNestedData *nd = opaque;

    virObjectLock(nd->vm);
    nd->rc = virDomainObjBeginNestedJob(nd->vm, nd->asyncJob);
    nd->code = nd->rc < 0 ? virErrorGetLastCode() : 0;
    nd->message = nd->rc < 0 ? g_strdup(virErrorGetLastMessage()) : NULL;
    if (nd->rc == 0)
        virDomainObjEndJob(nd->vm);
    virObjectUnlock(nd->vm);
}


/* A nested job belongs to the running async job: refused for another
 * async job type, with no async job, and from a thread other than the
 * one driving it; allowed (with a warning) on a parked job. */
static void
testNestedOutsideAsyncRefused(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    testNestedData nd = { .vm = data->vm,
                          .asyncJob = VIR_ASYNC_JOB_MIGRATION_OUT };
    virDomainObj *vm = data->vm;
    GThread *thread;

    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginNestedJob(vm, VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "internal error: unexpected async job 1 type expected 0");
    virObjectUnlock(vm);

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginNestedJob(vm, VIR_ASYNC_JOB_MIGRATION_IN),
                    ==, -1);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "internal error: unexpected async job 2 type expected 1");
    /* the owner gets it, whatever the mask says */
    vm->job->mask = 0;
    g_assert_cmpint(virDomainObjBeginNestedJob(vm, VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, 0);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_ASYNC_NESTED);
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);

    /* another thread, while the owner drives the job */
    thread = virThreadCreate("test-nested", testNestedThread, &nd);
    virThreadJoin(thread);
    g_assert_cmpint(nd.rc, ==, -1);
    g_assert_cmpint(nd.code, ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_true(g_str_has_prefix(nd.message,
                                   "internal error: async job 'migration out' of domain 'guest' is owned by thread "));
    g_clear_pointer(&nd.message, g_free);

    /* parked: recovery code may use it */
    virObjectLock(vm);
    virDomainObjReleaseAsyncJob(vm);
    virObjectUnlock(vm);
    thread = virThreadCreate("test-nested", testNestedThread, &nd);
    virThreadJoin(thread);
    g_assert_cmpint(nd.rc, ==, 0);

    virObjectLock(vm);
    virDomainObjEndAsyncJob(vm);
    virObjectUnlock(vm);
}


/* A nested job waits for the normal job of another thread (mask or not)
 * and times out naming it. */
static void
testNestedWaitsForNormalJob(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    long long start;

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    data->job = VIR_JOB_QUERY;
    data->api = "remoteDispatchDomainGetJobStats";
    virObjectLock(vm);
    /* a QUERY job held for another API, as if by another thread */
    virThreadJobSet("remoteDispatchDomainGetJobStats");
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_QUERY), ==, 0);
    virThreadJobClear();
    vm->job->owner = 1;

    start = virTimeMonotonicMs();
    g_assert_cmpint(virDomainObjBeginNestedJob(vm, VIR_ASYNC_JOB_MIGRATION_OUT),
                    ==, -2);
    virTestAssertTimeout(virTimeMonotonicMs() - start, TEST_TIMEOUT_MS);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainGetJobStats)");
    virDomainObjEndJob(vm);
    virDomainObjEndAsyncJob(vm);
    virObjectUnlock(vm);
}


/* Agent jobs: independent of the async job and of the normal slot, one
 * at a time, timing out with the agent owner's name. */
static void
testAgentJobs(void)
{
    g_autoptr(testData) data = testDataNew(TEST_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    testBeginMigrationOut(data, JOB_MASK(VIR_JOB_DESTROY));
    virThreadJobSet("remoteDispatchDomainGetHostname");
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_DESTROY), ==, 0);
    g_assert_cmpint(virDomainObjBeginAgentJob(vm, VIR_AGENT_JOB_QUERY), ==, 0);
    g_assert_cmpint(vm->job->agentActive, ==, VIR_AGENT_JOB_QUERY);
    g_assert_cmpstr(vm->job->agentOwnerAPI, ==,
                    "remoteDispatchDomainGetHostname");
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
    virThreadJobClear();

    data->agentJob = VIR_AGENT_JOB_MODIFY;
    testBeginThread(data);
    g_assert_cmpint(data->code, ==, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(data->message, ==,
                    "Timed out during operation: cannot acquire state change lock (held by agent=remoteDispatchDomainGetHostname)");
    virTestAssertTimeout(data->elapsedMs, TEST_TIMEOUT_MS);

    virObjectLock(vm);
    virDomainObjEndAgentJob(vm);
    g_assert_cmpint(virDomainObjBeginAgentJob(vm, VIR_AGENT_JOB_MODIFY), ==, 0);
    virDomainObjEndAgentJob(vm);
    virDomainObjEndAsyncJob(vm);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    virObjectUnlock(vm);
}


/* With max_queued set, extra jobs fail at once (DESTROY and async jobs
 * excepted) with libvirt's message. */
static void
testMaxQueued(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    virDomainObj *vm = data->vm;

    data->cfg.job.maxQueuedJobs = 1;
    virThreadJobSet("remoteDispatchDomainSetMemory");
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_MODIFY), ==, 0);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_QUERY), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "operation failed: cannot acquire state change lock (held by monitor=remoteDispatchDomainSetMemory) due to max_queued limit");
    g_assert_cmpint(vm->job->jobsQueued, ==, 1);
    /* DESTROY is not limited (it still waits for the slot) */
    g_assert_cmpint(virDomainObjBeginJobNowait(vm, VIR_JOB_DESTROY), ==, -1);
    g_assert_cmpint(vm->job->jobsQueued, ==, 1);
    virDomainObjEndJob(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_DESTROY), ==, 0);
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* A domain removed from its list while a thread waits for its job: the
 * waiter fails with VIR_ERR_NO_DOMAIN. */
static void
testWaiterOfRemovedDomain(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autoptr(virDomainObjList) doms = virDomainObjListNew();
    virDomainObj *vm = data->vm;
    GThread *thread;

    g_assert_cmpint(virDomainObjListAddObj(doms, vm), ==, 0);
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_MODIFY), ==, 0);
    virObjectUnlock(vm);

    thread = testStartWaiter(data, VIR_JOB_MODIFY, 2);
    virObjectLock(vm);
    virDomainObjListRemove(doms, vm);
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
    virThreadJoin(thread);

    g_assert_cmpint(data->code, ==, VIR_ERR_NO_DOMAIN);
    g_assert_cmpstr(data->message, ==,
                    "Domain not found: no domain with matching uuid '" TEST_UUID "' (guest)");
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
}


/* Release parks the async job (no owner) and keeps everything else;
 * Preserve moves a job out of the domain for recovery. */
static void
testReleaseAndPreserve(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autoptr(virDomainJobObj) saved = NULL;
    virDomainObj *vm = data->vm;

    testBeginMigrationOut(data, VIR_JOB_DEFAULT_MASK);
    virObjectLock(vm);
    g_assert_cmpuint(vm->job->asyncOwner, ==, virThreadJobSelfID());
    g_assert_cmpuint(vm->job->asyncJobId, >, 0);
    vm->job->phase = 3;
    virDomainObjReleaseAsyncJob(vm);
    g_assert_cmpuint(vm->job->asyncOwner, ==, 0);
    g_assert_cmpstr(vm->job->asyncOwnerAPI, ==,
                    "remoteDispatchDomainMigrateBegin3Params");
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_MIGRATION_OUT);
    g_assert_cmpint(vm->job->phase, ==, 3);
    g_assert_nonnull(vm->job->current);
    g_assert_cmpint(vm->job->current->operation, ==,
                    VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
    g_assert_cmpuint(vm->job->apiFlags, ==, 0x42);

    saved = virDomainObjPreserveJob(vm);
    g_assert_cmpint(saved->asyncJob, ==, VIR_ASYNC_JOB_MIGRATION_OUT);
    g_assert_cmpint(saved->phase, ==, 3);
    g_assert_cmpuint(saved->apiFlags, ==, 0x42);
    g_assert_cmpuint(saved->asyncStarted, >, 0);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_NONE);
    g_assert_cmpint(vm->job->phase, ==, 0);
    g_assert_cmphex(vm->job->mask, ==, VIR_JOB_DEFAULT_MASK);
    vm->job->jobsQueued = 0;    /* the preserved job took it along */
    virObjectUnlock(vm);
}


/* Tracked jobs (async, DESTROY) save the status file when they begin and
 * end. */
static void
testTrackedJobsSaveStatus(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    g_autofree char *dir = virTestTempDirNew();
    g_autofree char *path = virDomainObjStatusPath(dir, "guest");
    g_autofree char *xml = NULL;
    virDomainObj *vm = data->vm;

    data->cfg.statusDir = dir;
    virThreadJobSet("remoteDispatchDomainDestroy");
    virObjectLock(vm);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_DESTROY), ==, 0);
    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    g_assert_nonnull(strstr(xml, "<job type='destroy' async='none'/>"));
    g_clear_pointer(&xml, g_free);
    virDomainObjEndJob(vm);
    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    g_assert_null(strstr(xml, "<job"));
    g_clear_pointer(&xml, g_free);

    /* QUERY is not tracked: no rewrite */
    g_assert_cmpint(g_unlink(path), ==, 0);
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_QUERY), ==, 0);
    virDomainObjEndJob(vm);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    g_assert_cmpint(virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_SAVE,
                                              VIR_DOMAIN_JOB_OPERATION_SAVE,
                                              0), ==, 0);
    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    g_assert_nonnull(strstr(xml, "<job type='none' async='save' flags='0x0'"));
    g_clear_pointer(&xml, g_free);
    virDomainObjEndAsyncJob(vm);
    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    g_assert_null(strstr(xml, "<job"));

    /* inactive domains have no status file */
    g_assert_cmpint(virDomainObjDeleteStatus(vm), ==, 0);
    vm->def->id = -1;
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_DESTROY), ==, 0);
    virDomainObjEndJob(vm);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    virObjectUnlock(vm);
    virThreadJobClear();
    virTestTempDirFree(g_steal_pointer(&dir));
}


static void
testBroadcastThread(void *opaque)
{
    testData *data = opaque;

    virTestWaitJobsQueued(data->vm, 1);
    virObjectLock(data->vm);
    testEvent(data, "broadcast");
    virDomainObjBroadcast(data->vm);
    virObjectUnlock(data->vm);
}


/* The domain condition: a wait gives up at its deadline, and a broadcast
 * wakes it (the lock is released meanwhile). */
static void
testDomainCondition(void)
{
    g_autoptr(testData) data = testDataNew(TEST_LONG_TIMEOUT_MS);
    virDomainObj *vm = data->vm;
    long long start = virTimeMonotonicMs();
    GThread *thread;
    int rc = 0;

    virObjectLock(vm);
    g_assert_cmpint(virDomainObjWaitUntil(vm, start + TEST_TIMEOUT_MS), ==, 1);
    virTestAssertTimeout(virTimeMonotonicMs() - start, TEST_TIMEOUT_MS);

    /* a job holder waits for an event another thread signals */
    g_assert_cmpint(virDomainObjBeginJob(vm, VIR_JOB_MODIFY), ==, 0);
    thread = virThreadCreate("test-broadcast", testBroadcastThread, data);
    while (data->events->len == 0 && rc == 0)
        rc = virDomainObjWaitUntil(vm, virTimeMonotonicMs() +
                                   TEST_LONG_TIMEOUT_MS);
    g_assert_cmpint(rc, ==, 0);
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
    virThreadJoin(thread);
}


static virDomainDef *
testDefNew(const char *name, const char *uuid)
{
    virDomainDef *def = virDomainDefNew();

    def->name = g_strdup(name);
    g_assert_cmpint(virUUIDParse(uuid, def->uuid), ==, 0);
    return def;
}


/* True if @vm's lock is free (checked from another thread, since GLib
 * mutexes are not recursive). */
static void
testTryLockThread(void *opaque)
{
    gpointer *args = opaque;

    args[1] = GINT_TO_POINTER(g_mutex_trylock(virObjectGetLock(args[0])));
    if (args[1])
        g_mutex_unlock(virObjectGetLock(args[0]));
}


static bool
testIsUnlocked(virDomainObj *vm)
{
    gpointer args[2] = { vm, NULL };

    virThreadJoin(virThreadCreate("test-trylock", testTryLockThread, args));
    return GPOINTER_TO_INT(args[1]);
}


/* Lookups by name, UUID and id return the domain locked and referenced;
 * EndAPI releases both; misses report libvirt's errors. */
static void
testListLookups(void)
{
    /* before @doms: the objects keep pointing at it until @doms goes */
    virDomainObjConfig cfg = { 0 };
    g_autoptr(virDomainObjList) doms = virDomainObjListNew();
    virDomainDef *def = testDefNew("guest", TEST_UUID);
    virDomainObj *vm;
    virDomainObj *found;
    unsigned char uuid[VIR_UUID_BUFLEN];

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    vm = virDomainObjListAdd(doms, &def, &cfg, 0);
    g_assert_nonnull(vm);
    g_assert_null(def);
    g_assert_false(testIsUnlocked(vm));
    vm->def->id = virDomainObjListAllocID(doms);
    g_assert_cmpint(vm->def->id, ==, 1);
    virDomainObjEndAPI(&vm);
    g_assert_null(vm);

    found = virDomainObjListFindByName(doms, "guest");
    g_assert_nonnull(found);
    g_assert_false(testIsUnlocked(found));
    g_assert_cmpint(g_atomic_int_get(&found->parent.refs), ==, 3);
    vm = found;
    virDomainObjEndAPI(&found);
    g_assert_null(found);
    g_assert_true(testIsUnlocked(vm));
    g_assert_cmpint(g_atomic_int_get(&vm->parent.refs), ==, 2);

    g_assert_cmpint(virUUIDParse(TEST_UUID, uuid), ==, 0);
    found = virDomainObjListFindByUUID(doms, uuid);
    g_assert_true(found == vm);
    virDomainObjEndAPI(&found);
    found = virDomainObjListFindByID(doms, 1);
    g_assert_true(found == vm);
    virDomainObjEndAPI(&found);
    found = virDomainObjListFindByDomain(doms, uuid, "guest");
    g_assert_true(found == vm);
    virDomainObjEndAPI(&found);

    g_assert_null(virDomainObjListFindByName(doms, "nope"));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_NO_DOMAIN);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Domain not found: no domain with matching name 'nope'");
    g_assert_null(virDomainObjListFindByID(doms, 7));
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Domain not found: no domain with matching id 7");
    g_assert_cmpint(virUUIDParse(TEST_UUID2, uuid), ==, 0);
    g_assert_null(virDomainObjListFindByUUID(doms, uuid));
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Domain not found: no domain with matching uuid '" TEST_UUID2 "'");
    g_assert_null(virDomainObjListFindByDomain(doms, uuid, "other"));
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Domain not found: no domain with matching uuid '" TEST_UUID2 "' (other)");

    /* a removed domain is not found any more, even by holders of refs */
    found = virDomainObjListFindByName(doms, "guest");
    virDomainObjListRemove(doms, found);
    g_assert_true(found->removing);
    virDomainObjEndAPI(&found);
    g_assert_null(virDomainObjListFindByName(doms, "guest"));
    g_assert_null(virDomainObjListFindByID(doms, 1));
    g_assert_cmpint(virDomainObjListAllocID(doms), ==, 2);
}


/* Adding refuses a taken UUID or name with libvirt's errors; the same
 * UUID and name redefines the domain. */
static void
testListDuplicates(void)
{
    /* before @doms: the objects keep pointing at it until @doms goes */
    virDomainObjConfig cfg = { 0 };
    g_autoptr(virDomainObjList) doms = virDomainObjListNew();
    g_autoptr(virDomainDef) def = testDefNew("guest", TEST_UUID);
    virDomainObj *vm;
    virDomainObj *again;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    vm = virDomainObjListAdd(doms, &def, &cfg, 0);
    vm->persistent = true;
    virDomainObjEndAPI(&vm);

    def = testDefNew("other", TEST_UUID);
    g_assert_null(virDomainObjListAdd(doms, &def, &cfg, 0));
    g_assert_nonnull(def);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "operation failed: domain 'guest' is already defined with uuid " TEST_UUID);
    g_clear_pointer(&def, virDomainDefFree);

    def = testDefNew("guest", TEST_UUID2);
    g_assert_null(virDomainObjListAdd(doms, &def, &cfg, 0));
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "operation failed: domain 'guest' already exists with uuid " TEST_UUID);
    g_clear_pointer(&def, virDomainDefFree);

    /* redefinition of an inactive domain replaces its definition */
    def = testDefNew("guest", TEST_UUID);
    again = virDomainObjListAdd(doms, &def, &cfg, 0);
    g_assert_nonnull(again);
    g_assert_null(def);
    g_assert_cmpstr(again->def->name, ==, "guest");

    /* a running one gets it as its next definition, or is refused */
    again->def->id = virDomainObjListAllocID(doms);
    virDomainObjEndAPI(&again);
    def = testDefNew("guest", TEST_UUID);
    again = virDomainObjListAdd(doms, &def, &cfg, 0);
    g_assert_nonnull(again->newDef);
    virDomainObjEndAPI(&again);
    def = testDefNew("guest", TEST_UUID);
    g_assert_null(virDomainObjListAdd(doms, &def, &cfg,
                                      VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Requested operation is not valid: domain 'guest' is already active");

    /* loaded status objects are checked too */
    vm = virTestDomainObjNew(&cfg, "guest", TEST_UUID3, 5);
    virObjectUnlock(vm);
    g_assert_cmpint(virDomainObjListAddObj(doms, vm), ==, -1);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "internal error: unexpected domain guest already exists");
    virObjectUnref(vm);
}


static int
testForEachCount(virDomainObj *vm, void *opaque)
{
    int *count = opaque;

    virObjectLock(vm);
    (*count)++;
    virObjectUnlock(vm);
    return 0;
}


static bool
testACLFilter(virDomainObj *vm, void *opaque G_GNUC_UNUSED)
{
    return STRNEQ(vm->def->name, "hidden");
}


/* Listing with libvirt's filters, in name order. */
static void
testListCollect(void)
{
    /* before @doms: the objects keep pointing at it until @doms goes */
    virDomainObjConfig cfg = { 0 };
    g_autoptr(virDomainObjList) doms = virDomainObjListNew();
    const char *names[] = { "zeta", "alpha", "hidden" };
    const char *uuids[] = { TEST_UUID, TEST_UUID2, TEST_UUID3 };
    virDomainIdent **idents = NULL;
    char *inactive[4] = { NULL };
    int ids[4] = { 0 };
    int count = 0;
    size_t i;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        virDomainDef *def = testDefNew(names[i], uuids[i]);
        virDomainObj *vm = virDomainObjListAdd(doms, &def, &cfg, 0);

        vm->persistent = i != 0;
        if (i == 0) {
            vm->def->id = virDomainObjListAllocID(doms);
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        }
        virDomainObjEndAPI(&vm);
    }

    g_assert_cmpint(virDomainObjListExport(doms, 0, testACLFilter, NULL,
                                           &idents), ==, 2);
    g_assert_cmpstr(idents[0]->name, ==, "alpha");
    g_assert_cmpint(idents[0]->id, ==, -1);
    g_assert_cmpstr(idents[1]->name, ==, "zeta");
    g_assert_cmpint(idents[1]->id, ==, 1);
    g_assert_null(idents[2]);
    virDomainIdentListFree(idents, 2);

    g_assert_cmpint(virDomainObjListExport(doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE,
                                           NULL, NULL, NULL), ==, 1);
    g_assert_cmpint(virDomainObjListExport(doms,
                                           VIR_CONNECT_LIST_DOMAINS_ACTIVE |
                                           VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                                           NULL, NULL, NULL), ==, 3);
    g_assert_cmpint(virDomainObjListExport(doms, VIR_CONNECT_LIST_DOMAINS_PAUSED,
                                           NULL, NULL, NULL), ==, 1);
    g_assert_cmpint(virDomainObjListExport(doms, VIR_CONNECT_LIST_DOMAINS_RUNNING,
                                           NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(virDomainObjListExport(doms, VIR_CONNECT_LIST_DOMAINS_SHUTOFF,
                                           NULL, NULL, NULL), ==, 2);
    g_assert_cmpint(virDomainObjListExport(doms, VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
                                           NULL, NULL, NULL), ==, 1);
    g_assert_cmpint(virDomainObjListExport(doms,
                                           VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                                           NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(virDomainObjListExport(doms,
                                           VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART,
                                           NULL, NULL, NULL), ==, 3);

    g_assert_cmpint(virDomainObjListNumOfDomains(doms, true), ==, 1);
    g_assert_cmpint(virDomainObjListNumOfDomains(doms, false), ==, 2);
    g_assert_cmpint(virDomainObjListGetActiveIDs(doms, ids, 4), ==, 1);
    g_assert_cmpint(ids[0], ==, 1);
    g_assert_cmpint(virDomainObjListGetInactiveNames(doms, inactive, 1), ==, 1);
    g_assert_cmpstr(inactive[0], ==, "alpha");
    g_free(inactive[0]);
    g_assert_cmpint(virDomainObjListForEach(doms, testForEachCount, &count),
                    ==, 0);
    g_assert_cmpint(count, ==, 3);
}


/* State setting clamps unknown reasons and ignores invalid states. */
static void
testObjState(void)
{
    virDomainObjConfig cfg = { 0 };
    virDomainObj *vm;
    int reason = -1;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    vm = virTestDomainObjNew(&cfg, "guest", TEST_UUID, -1);
    g_assert_cmpint(virDomainObjGetState(vm, &reason), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_false(virDomainObjIsActive(vm));
    g_assert_cmpint(virDomainObjCheckActive(vm), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Requested operation is not valid: domain is not running");
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, 99);
    g_assert_cmpint(virDomainObjGetState(vm, &reason), ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(reason, ==, 0);
    virDomainObjSetState(vm, 42, 1);
    g_assert_cmpint(virDomainObjGetState(vm, NULL), ==, VIR_DOMAIN_PAUSED);
    virDomainObjEndAPI(&vm);
}


/* The driver's job data (here: one number) in the status XML <job>. */
typedef struct {
    unsigned int downtime;
} testJobPrivate;


static void *
testJobPrivateAlloc(void)
{
    return g_new0(testJobPrivate, 1);
}


static void
testJobPrivateReset(void *data)
{
    ((testJobPrivate *)data)->downtime = 0;
}


static int
testJobPrivateFormat(virBuffer *buf, virDomainJobObj *job,
                     virDomainObj *vm G_GNUC_UNUSED)
{
    testJobPrivate *priv = job->privateData;

    if (priv->downtime) {
        virBufferAddLit(buf, "<migParams>\n");
        virBufferAdjustIndent(buf, 2);
        virBufferAsprintf(buf, "<param name='downtime-limit' value='%u'/>\n",
                          priv->downtime);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</migParams>\n");
    }
    return 0;
}


static int
testJobPrivateParse(xmlXPathContext *ctxt, virDomainJobObj *job,
                    virDomainObj *vm G_GNUC_UNUSED)
{
    testJobPrivate *priv = job->privateData;
    g_autofree char *value =
        virXPathString("string(./migParams/param/@value)", ctxt);
    g_autofree char *node = virXPathString("name(.)", ctxt);

    g_assert_cmpstr(node, ==, "job");
    if (value)
        priv->downtime = g_ascii_strtoull(value, NULL, 10);
    return 0;
}


/* A status document with driver job data and a destroy job in progress
 * formats back byte for byte; parsed jobs are records (nobody owns
 * them, nothing is queued). */
static void
testStatusJobPrivate(void)
{
    virDomainObjConfig cfg = { 0 };
    const char *xml =
        "<domstatus state='paused' reason='user' pid='77'>\n"
        "  <job type='destroy' async='dump' flags='0x10' asyncStarted='1670000000123' asyncOwnerAPI='remoteDispatchDomainCoreDumpWithFormat'>\n"
        "    <migParams>\n"
        "      <param name='downtime-limit' value='300'/>\n"
        "    </migParams>\n"
        "  </job>\n"
        "  <domain type='test' id='3'>\n"
        "    <name>guest</name>\n"
        "    <uuid>" TEST_UUID "</uuid>\n"
        "  </domain>\n"
        "</domstatus>\n";
    g_autofree char *again = NULL;
    virDomainObj *vm;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    cfg.job.cb.allocJobPrivate = testJobPrivateAlloc;
    cfg.job.cb.freeJobPrivate = g_free;
    cfg.job.cb.resetJobPrivate = testJobPrivateReset;
    cfg.job.cb.formatJobPrivate = testJobPrivateFormat;
    cfg.job.cb.parseJobPrivate = testJobPrivateParse;
    vm = virDomainObjParseStatus(xml, "test", &cfg);
    g_assert_nonnull(vm);
    g_assert_cmpint(vm->job->active, ==, VIR_JOB_DESTROY);
    g_assert_cmpint(vm->job->asyncJob, ==, VIR_ASYNC_JOB_DUMP);
    g_assert_cmpuint(vm->job->apiFlags, ==, 0x10);
    g_assert_cmpuint(vm->job->owner, ==, 0);
    g_assert_cmpint(vm->job->jobsQueued, ==, 0);
    g_assert_cmpuint(((testJobPrivate *)vm->job->privateData)->downtime, ==,
                     300);
    g_assert_cmpint(vm->def->id, ==, 3);
    g_assert_cmpint(vm->pid, ==, 77);
    again = virDomainObjFormatStatus(vm);
    g_assert_cmpstr(again, ==, xml);
    virDomainObjEndAPI(&vm);
}


/* Taints format back in the status document, an unknown one (of another
 * version) is dropped, and they are the domain's messages. */
static void
testStatusTaint(void)
{
    virDomainObjConfig cfg = { 0 };
#define TEST_TAINT_HEAD \
    "<domstatus state='running' reason='booted' pid='78'>\n" \
    "  <taint flag='custom-monitor'/>\n" \
    "  <taint flag='custom-ga-command'/>\n"
#define TEST_TAINT_TAIL \
    "  <domain type='test' id='4'>\n" \
    "    <name>guest</name>\n" \
    "    <uuid>" TEST_UUID "</uuid>\n" \
    "  </domain>\n" \
    "</domstatus>\n"
    const char *xml = TEST_TAINT_HEAD TEST_TAINT_TAIL;
    const char *withUnknown = TEST_TAINT_HEAD
        "  <taint flag='custom-dtb'/>\n" TEST_TAINT_TAIL;
    g_autofree char *again = NULL;
    g_auto(GStrv) msgs = NULL;
    virDomainObj *vm;

    virTestDomainObjConfigInit(&cfg, NULL, TEST_LONG_TIMEOUT_MS);
    vm = virDomainObjParseStatus(withUnknown, "test", &cfg);
    g_assert_nonnull(vm);
    g_assert_cmpuint(vm->taint, ==,
                     (1U << VIR_DOMAIN_TAINT_CUSTOM_MONITOR) |
                         (1U << VIR_DOMAIN_TAINT_CUSTOM_GA_COMMAND));
    again = virDomainObjFormatStatus(vm);
    g_assert_cmpstr(again, ==, xml);

    msgs = virDomainObjGetMessages(vm, VIR_DOMAIN_MESSAGE_TAINTING);
    g_assert_cmpuint(g_strv_length(msgs), ==, 2);
    g_assert_cmpstr(msgs[0], ==,
                    "tainted: custom monitor control commands issued");
    g_assert_cmpstr(msgs[1], ==,
                    "tainted: custom guest agent control commands issued");
    g_strfreev(g_steal_pointer(&msgs));
    msgs = virDomainObjGetMessages(vm, VIR_DOMAIN_MESSAGE_DEPRECATION);
    g_assert_cmpuint(g_strv_length(msgs), ==, 0);
    g_assert_false(virDomainObjTaint(vm, VIR_DOMAIN_TAINT_CUSTOM_MONITOR));
    virDomainObjEndAPI(&vm);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);

    g_test_add_func("/job/enums", testEnums);
    g_test_add_func("/job/masks", testMasks);
    g_test_add_func("/job/normal-jobs-serialize", testNormalJobsSerialize);
    g_test_add_func("/job/owner-bookkeeping", testOwnerBookkeeping);
    g_test_add_func("/job/allowed-during-async", testAllowedDuringAsync);
    g_test_add_func("/job/timeout-names-async-owner",
                    testTimeoutNamesAsyncOwner);
    g_test_add_func("/job/timeout-names-job-owner", testTimeoutNamesJobOwner);
    g_test_add_func("/job/timeout-is-one-deadline", testTimeoutIsOneDeadline);
    g_test_add_func("/job/end-async-wakes-waiters", testEndAsyncWakesWaiters);
    g_test_add_func("/job/async-jobs-serialize", testAsyncJobsSerialize);
    g_test_add_func("/job/destroy-during-async", testDestroyDuringAsync);
    g_test_add_func("/job/nested-outside-async-refused",
                    testNestedOutsideAsyncRefused);
    g_test_add_func("/job/nested-waits-for-normal-job",
                    testNestedWaitsForNormalJob);
    g_test_add_func("/job/agent-jobs", testAgentJobs);
    g_test_add_func("/job/max-queued", testMaxQueued);
    g_test_add_func("/job/waiter-of-removed-domain", testWaiterOfRemovedDomain);
    g_test_add_func("/job/release-and-preserve", testReleaseAndPreserve);
    g_test_add_func("/job/tracked-jobs-save-status", testTrackedJobsSaveStatus);
    g_test_add_func("/job/domain-condition", testDomainCondition);
    g_test_add_func("/obj/state", testObjState);
    g_test_add_func("/status/job-private", testStatusJobPrivate);
    g_test_add_func("/status/taint", testStatusTaint);
    g_test_add_func("/list/lookups", testListLookups);
    g_test_add_func("/list/duplicates", testListDuplicates);
    g_test_add_func("/list/collect", testListCollect);

    return g_test_run();
}
