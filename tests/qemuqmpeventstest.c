/*
 * qemuqmpeventstest.c: QMP events mapped to libvirt's domain events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The values libvirt 9.0 puts in BLOCK_JOB, IO_ERROR, MEMORY_FAILURE and
 * BALLOON_CHANGE for what QEMU says.  MEMORY_FAILURE cannot be raised under TCG (QEMU
 * reports it for a KVM guest whose memory the host kernel poisoned), so
 * this and the XDR golden files are its only tests.
 */
#include <config.h>

#include "qemu_process_qmpevents.h"
#include "qemu_eventloop.h"
#include "testutils.h"


static void
testBlockJobStatus(void)
{
    g_assert_cmpint(qemuProcessQMPEventBlockJobStatus("BLOCK_JOB_READY", false),
                    ==, VIR_DOMAIN_BLOCK_JOB_READY);
    g_assert_cmpint(qemuProcessQMPEventBlockJobStatus("BLOCK_JOB_COMPLETED", false),
                    ==, VIR_DOMAIN_BLOCK_JOB_COMPLETED);
    g_assert_cmpint(qemuProcessQMPEventBlockJobStatus("BLOCK_JOB_COMPLETED", true),
                    ==, VIR_DOMAIN_BLOCK_JOB_FAILED);
    /* a forced cancel: libvirt reads "Operation canceled" from query-jobs */
    g_assert_cmpint(qemuProcessQMPEventBlockJobStatus("BLOCK_JOB_CANCELLED", false),
                    ==, VIR_DOMAIN_BLOCK_JOB_FAILED);
    g_assert_cmpint(qemuProcessQMPEventBlockJobStatus("BLOCK_JOB_ERROR", false),
                    ==, -1);
    g_assert_cmpint(qemuProcessQMPEventBlockJobStatus("BLOCK_JOB_PENDING", false),
                    ==, -1);
}


static void
testIOErrorAction(void)
{
    g_assert_cmpint(qemuProcessQMPEventIOErrorAction("stop"), ==,
                    VIR_DOMAIN_EVENT_IO_ERROR_PAUSE);
    g_assert_cmpint(qemuProcessQMPEventIOErrorAction("report"), ==,
                    VIR_DOMAIN_EVENT_IO_ERROR_REPORT);
    g_assert_cmpint(qemuProcessQMPEventIOErrorAction("ignore"), ==,
                    VIR_DOMAIN_EVENT_IO_ERROR_NONE);
    g_assert_cmpint(qemuProcessQMPEventIOErrorAction(NULL), ==,
                    VIR_DOMAIN_EVENT_IO_ERROR_NONE);
}


static void
testBalloonActual(void)
{
    g_autoptr(json_object) data = json_tokener_parse("{\"actual\": 100663296}");
    g_autoptr(json_object) none = json_tokener_parse("{}");
    unsigned long long kib = 1;

    g_assert_cmpint(qemuProcessQMPEventBalloonActual(data, &kib), ==, 0);
    g_assert_cmpuint(kib, ==, 96 * 1024);
    g_assert_cmpint(qemuProcessQMPEventBalloonActual(none, &kib), ==, -1);
    g_assert_cmpuint(kib, ==, 96 * 1024);
}


static int
testMemoryFailureOne(const char *json, virDomainEvent *ev)
{
    g_autoptr(json_object) data = json_tokener_parse(json);

    g_assert_nonnull(data);
    return qemuProcessQMPEventMemoryFailure(data, ev);
}


static void
testMemoryFailure(void)
{
    virDomainEvent ev = { 0 };

    g_assert_cmpint(testMemoryFailureOne(
        "{\"recipient\": \"guest\", \"action\": \"inject\","
        " \"flags\": {\"action-required\": true, \"recursive\": false}}", &ev),
        ==, 0);
    g_assert_cmpint(ev.event, ==, VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_GUEST);
    g_assert_cmpint(ev.detail, ==, VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_INJECT);
    g_assert_cmpuint(ev.flags, ==, VIR_DOMAIN_MEMORY_FAILURE_ACTION_REQUIRED);

    g_assert_cmpint(testMemoryFailureOne(
        "{\"recipient\": \"hypervisor\", \"action\": \"reset\","
        " \"flags\": {\"action-required\": false, \"recursive\": true}}", &ev),
        ==, 0);
    g_assert_cmpint(ev.event, ==, VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_HYPERVISOR);
    g_assert_cmpint(ev.detail, ==, VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_RESET);
    g_assert_cmpuint(ev.flags, ==, VIR_DOMAIN_MEMORY_FAILURE_RECURSIVE);

    g_assert_cmpint(testMemoryFailureOne(
        "{\"recipient\": \"hypervisor\", \"action\": \"fatal\"}", &ev), ==, 0);
    g_assert_cmpint(ev.detail, ==, VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_FATAL);
    g_assert_cmpuint(ev.flags, ==, 0);

    /* values libvirt does not know: no event */
    g_assert_cmpint(testMemoryFailureOne(
        "{\"recipient\": \"nobody\", \"action\": \"ignore\"}", &ev), ==, -1);
    g_assert_cmpint(testMemoryFailureOne(
        "{\"recipient\": \"guest\", \"action\": \"explode\"}", &ev), ==, -1);
    g_assert_cmpint(testMemoryFailureOne("{}", &ev), ==, -1);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/qmpevents/block-job-status", testBlockJobStatus);
    g_test_add_func("/qmpevents/io-error-action", testIOErrorAction);
    g_test_add_func("/qmpevents/memory-failure", testMemoryFailure);
    g_test_add_func("/qmpevents/balloon-actual", testBalloonActual);
    return g_test_run();
}
