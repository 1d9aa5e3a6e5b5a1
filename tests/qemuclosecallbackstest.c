/*
 * qemuclosecallbackstest.c: domains bound to client connections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rules of qemu_closecallbacks.c with the driver's real worker pool
 * and test domain objects: a callback runs once, on a worker, when its
 * connection closes; not after it was unset or rebound elsewhere; at once
 * when bound to a connection that is already closed (or unknown); never
 * for a domain that stopped or is being removed; never at driver cleanup.
 */
#include <config.h>

#include "testutils.h"
#include "virdomainobjtestutils.h"
#include "qemu_closecallbacks.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_eventloop.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_UUID "1d1b2f86-3fcd-4c3c-9f4e-6a0f3f1b0b7a"
#define TEST_WAIT_MS 2000

static virDomainObjConfig testCfg;
static GMutex testLock;
static GCond testCond;
static int testRuns;            /* callbacks run, under testLock */
static bool testLocked;         /* each ran with its domain locked */


/* The callback under test: counts, checks it holds the domain lock. */
static void
testCallback(virDomainObj *vm)
{
    bool locked = !g_mutex_trylock(&vm->parent.lock);

    if (!locked)
        g_mutex_unlock(&vm->parent.lock);
    g_mutex_lock(&testLock);
    testRuns++;
    testLocked = testLocked && locked;
    g_cond_broadcast(&testCond);
    g_mutex_unlock(&testLock);
}


static void
testOther(virDomainObj *vm G_GNUC_UNUSED)
{
    g_assert_not_reached();
}


/* Waits until @n callbacks ran in all (or TEST_WAIT_MS); then makes sure
 * no more come for a moment. */
static void
testWaitRuns(int n)
{
    gint64 deadline = g_get_monotonic_time() + TEST_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    g_mutex_lock(&testLock);
    while (testRuns < n &&
           g_cond_wait_until(&testCond, &testLock, deadline))
        ;
    g_mutex_unlock(&testLock);
    g_usleep(50 * G_TIME_SPAN_MILLISECOND);
    g_mutex_lock(&testLock);
    g_assert_cmpint(testRuns, ==, n);
    g_assert_true(testLocked);
    g_mutex_unlock(&testLock);
}


static void
testReset(void)
{
    g_mutex_lock(&testLock);
    testRuns = 0;
    testLocked = true;
    g_mutex_unlock(&testLock);
}


static virDomainObj *
testDomain(int id)
{
    virDomainObj *vm = virTestDomainObjNew(&testCfg, "guest", TEST_UUID, id);

    virObjectUnlock(vm);
    return vm;
}


static void
testBind(virDomainObj *vm, virConn *conn, qemuCloseCallback cb)
{
    virObjectLock(vm);
    qemuCloseCallbacksSet(vm, conn, cb);
    virObjectUnlock(vm);
}


/* Runs once when its connection closes, not again. */
static void
testCloseRuns(void)
{
    virConn conn = { 0 };
    g_autoptr(virDomainObj) vm = testDomain(1);

    testReset();
    qemuCloseCallbacksConnOpened(&conn);
    testBind(vm, &conn, testCallback);
    g_assert_true(qemuCloseCallbacksIsSet(vm, testCallback));
    testWaitRuns(0);
    qemuCloseCallbacksConnClosed(&conn);
    testWaitRuns(1);
    g_assert_false(qemuCloseCallbacksIsSet(vm, testCallback));
    qemuCloseCallbacksConnClosed(&conn);
    qemuCloseCallbacksConnForget(&conn);
    testWaitRuns(1);
}


/* Unset, or bound elsewhere since: nothing runs for this connection. */
static void
testUnsetAndRebind(void)
{
    virConn conn1 = { 0 };
    virConn conn2 = { 0 };
    g_autoptr(virDomainObj) vm = testDomain(1);

    testReset();
    qemuCloseCallbacksConnOpened(&conn1);
    qemuCloseCallbacksConnOpened(&conn2);
    testBind(vm, &conn1, testCallback);
    virObjectLock(vm);
    qemuCloseCallbacksUnset(vm, testCallback);
    virObjectUnlock(vm);
    qemuCloseCallbacksConnClosed(&conn1);
    testWaitRuns(0);

    testBind(vm, &conn2, testCallback);
    testBind(vm, &conn2, testCallback);
    qemuCloseCallbacksConnForget(&conn1);
    testWaitRuns(0);
    qemuCloseCallbacksConnForget(&conn2);
    testWaitRuns(1);
}


/* A connection that closed before the binding: the callback runs at
 * once; likewise for a connection the driver never saw.  No connection:
 * nothing is bound. */
static void
testLateBinding(void)
{
    virConn conn = { 0 };
    virConn unknown = { 0 };
    g_autoptr(virDomainObj) vm = testDomain(1);

    testReset();
    qemuCloseCallbacksConnOpened(&conn);
    qemuCloseCallbacksConnClosed(&conn);
    testBind(vm, &conn, testCallback);
    testWaitRuns(1);
    g_assert_false(qemuCloseCallbacksIsSet(vm, testCallback));
    testBind(vm, &unknown, testCallback);
    testWaitRuns(2);
    testBind(vm, NULL, testCallback);
    testWaitRuns(2);
    qemuCloseCallbacksConnForget(&conn);
}


/* Two callbacks of one domain are two bindings; a stopped or removed
 * domain's callbacks do not run; connectClose alone runs them. */
static void
testDomainGone(void)
{
    virConn conn = { 0 };
    g_autoptr(virDomainObj) vm = testDomain(1);
    g_autoptr(virDomainObj) stopped = testDomain(-1);
    g_autoptr(virDomainObj) removed = testDomain(2);

    testReset();
    qemuCloseCallbacksConnOpened(&conn);
    testBind(vm, &conn, testCallback);
    testBind(vm, &conn, testOther);
    virObjectLock(vm);
    qemuCloseCallbacksUnset(vm, testOther);
    virObjectUnlock(vm);
    testBind(stopped, &conn, testOther);
    testBind(removed, &conn, testOther);
    removed->removing = true;
    qemuCloseCallbacksConnForget(&conn);
    testWaitRuns(1);
}


/* Driver cleanup forgets every binding without running it. */
static void
testCleanup(void)
{
    virConn conn = { 0 };
    g_autoptr(virDomainObj) vm = testDomain(1);

    testReset();
    qemuCloseCallbacksConnOpened(&conn);
    testBind(vm, &conn, testOther);
    qemuCloseCallbacksCleanup();
    qemuCloseCallbacksConnClosed(&conn);
    qemuCloseCallbacksConnForget(&conn);
    testWaitRuns(0);
}


int
main(int argc, char **argv)
{
    virQEMUDriver driver = { 0 };
    int ret;

    virTestInit(&argc, &argv);
    virTestDomainObjConfigInit(&testCfg, NULL, 1000);
    qemuDomainObjConfigInit(&testCfg, NULL);
    driver.eventLoop = qemuEventLoopNew(NULL, NULL);
    qemu_driver = &driver;

    g_test_add_func("/closecallbacks/close-runs", testCloseRuns);
    g_test_add_func("/closecallbacks/unset-rebind", testUnsetAndRebind);
    g_test_add_func("/closecallbacks/late-binding", testLateBinding);
    g_test_add_func("/closecallbacks/domain-gone", testDomainGone);
    g_test_add_func("/closecallbacks/cleanup", testCleanup);
    ret = g_test_run();

    qemu_driver = NULL;
    qemuEventLoopFree(driver.eventLoop);
    return ret;
}
