/*
 * qemumonitortest.c: the QMP monitor against the scripted fake QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "qemu_monitor.h"
#include "qemu_monitor_block.h"
#include "qemu_monitor_json.h"
#include "qemumonitortestutils.h"
#include "testutils.h"
#include "vircommand.h"
#include "virerror.h"
#include "virfile.h"
#include "virobject.h"
#include "virprocess.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* What the callbacks saw, in order, as "a; b; c". */
typedef struct {
    GMutex lock;
    GCond cond;
    GString *log;
    int eofs;
    int errors;
    int destroys;
    int monitors;      /* monitors opened with this log as opaque */
    long long lastSeconds;
    unsigned int lastMicros;
    bool closeOnEof;
} testCallbackLog;


static void
testLogAdd(testCallbackLog *cbl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
testLogAdd(testCallbackLog *cbl, const char *fmt, ...)
{
    va_list ap;

    g_mutex_lock(&cbl->lock);
    if (cbl->log->len)
        g_string_append(cbl->log, "; ");
    va_start(ap, fmt);
    g_string_append_vprintf(cbl->log, fmt, ap);
    va_end(ap);
    g_cond_broadcast(&cbl->cond);
    g_mutex_unlock(&cbl->lock);
}


static void
testCbDestroy(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testCallbackLog *cbl = opaque;

    g_mutex_lock(&cbl->lock);
    cbl->destroys++;
    g_cond_broadcast(&cbl->cond);
    g_mutex_unlock(&cbl->lock);
}


static void
testCbEof(qemuMonitor *mon, void *opaque)
{
    testCallbackLog *cbl = opaque;

    g_mutex_lock(&cbl->lock);
    cbl->eofs++;
    g_mutex_unlock(&cbl->lock);
    testLogAdd(cbl, "eof");
    if (cbl->closeOnEof)
        qemuMonitorClose(mon);
}


static void
testCbError(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testCallbackLog *cbl = opaque;

    g_mutex_lock(&cbl->lock);
    cbl->errors++;
    g_mutex_unlock(&cbl->lock);
    testLogAdd(cbl, "error");
}


static void
testCbEvent(qemuMonitor *mon G_GNUC_UNUSED, const char *event,
            json_object *data G_GNUC_UNUSED, long long seconds,
            unsigned int micros, void *opaque)
{
    testCallbackLog *cbl = opaque;

    cbl->lastSeconds = seconds;
    cbl->lastMicros = micros;
    testLogAdd(cbl, "event %s", event);
}


static void
testCbStop(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testLogAdd(opaque, "stop");
}


static void
testCbResume(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testLogAdd(opaque, "resume");
}


static void
testCbShutdown(qemuMonitor *mon G_GNUC_UNUSED, bool guest, const char *reason,
               void *opaque)
{
    testLogAdd(opaque, "shutdown guest=%d reason=%s", guest, NULLSTR(reason));
}


static void
testCbReset(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testLogAdd(opaque, "reset");
}


static void
testCbPowerdown(qemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testLogAdd(opaque, "powerdown");
}


static void
testCbMigrationStatus(qemuMonitor *mon G_GNUC_UNUSED,
                      qemuMonitorMigrationStatus status, void *opaque)
{
    testLogAdd(opaque, "migration %s", qemuMonitorMigrationStatusTypeToString(status));
}


static void
testCbMigrationPass(qemuMonitor *mon G_GNUC_UNUSED, int pass, void *opaque)
{
    testLogAdd(opaque, "pass %d", pass);
}


static const qemuMonitorCallbacks testCallbacks = {
    .destroy = testCbDestroy,
    .eofNotify = testCbEof,
    .errorNotify = testCbError,
    .domainEvent = testCbEvent,
    .domainStop = testCbStop,
    .domainResume = testCbResume,
    .domainShutdown = testCbShutdown,
    .domainReset = testCbReset,
    .domainPowerdown = testCbPowerdown,
    .migrationStatus = testCbMigrationStatus,
    .migrationPass = testCbMigrationPass,
};


static testCallbackLog *
testLogNew(void)
{
    testCallbackLog *cbl = g_new0(testCallbackLog, 1);

    g_mutex_init(&cbl->lock);
    g_cond_init(&cbl->cond);
    cbl->log = g_string_new(NULL);
    return cbl;
}


static void testLogWaitCount(testCallbackLog *cbl, int *counter, int value);

/* Frees @cbl once every monitor using it is gone: a monitor closed while
 * its thread ran a callback is freed by that thread a little later, and
 * the callbacks' opaque must live until then (cb->destroy). */
static void
testLogFree(testCallbackLog *cbl)
{
    testLogWaitCount(cbl, &cbl->destroys, cbl->monitors);
    g_string_free(cbl->log, TRUE);
    g_mutex_clear(&cbl->lock);
    g_cond_clear(&cbl->cond);
    g_free(cbl);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testCallbackLog, testLogFree);


/* Waits until *@counter reaches @value (2 s at most). */
static void
testLogWaitCount(testCallbackLog *cbl, int *counter, int value)
{
    long long deadline = virTimeMonotonicMs() + 2000;

    g_mutex_lock(&cbl->lock);
    while (*counter < value &&
           virCondWaitUntil(&cbl->cond, &cbl->lock, deadline) == 0)
        ;
    g_assert_cmpint(*counter, ==, value);
    g_mutex_unlock(&cbl->lock);
}


static qemuMonitorTest *
testNew(const char *name, testCallbackLog *cbl)
{
    cbl->monitors++;
    return qemuMonitorTestNew(name, &testCallbacks, cbl);
}


static qemuMonitorTest *
testNewInline(const char *script, testCallbackLog *cbl)
{
    cbl->monitors++;
    return qemuMonitorTestNewInline(script, &testCallbacks, cbl);
}


static void
testAssertLog(testCallbackLog *cbl, const char *expect)
{
    g_mutex_lock(&cbl->lock);
    g_assert_cmpstr(cbl->log->str, ==, expect);
    g_string_truncate(cbl->log, 0);
    g_mutex_unlock(&cbl->lock);
}


static void
testAssertError(int code, const char *message)
{
    const virError *err = virErrorGetLast();

    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, code);
    if (!strstr(err->message, message))
        g_error("error '%s' does not contain '%s'", err->message, message);
    virErrorResetLast();
}


static void
testFinishOK(qemuMonitorTest *test)
{
    g_assert_cmpint(qemuMonitorTestFinish(test, NULL), ==, 0);
}


/* The number of open fds and of threads named @thread of this process. */
static void
testCountResources(const char *thread, unsigned int *fds, unsigned int *threads)
{
    g_autoptr(GDir) fddir = g_dir_open("/proc/self/fd", 0, NULL);
    g_autoptr(GDir) taskdir = g_dir_open("/proc/self/task", 0, NULL);
    const char *name;

    *fds = 0;
    *threads = 0;
    while ((name = g_dir_read_name(fddir)))
        (*fds)++;
    while ((name = g_dir_read_name(taskdir))) {
        g_autofree char *path = g_strdup_printf("/proc/self/task/%s/comm", name);
        g_autofree char *comm = NULL;

        if (g_file_get_contents(path, &comm, NULL, NULL) &&
            STREQ(g_strstrip(comm), thread))
            (*threads)++;
    }
}


static void
testHandshake(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    qemuMonitorTest *test = NULL;
    unsigned int fds0;
    unsigned int fds1;
    unsigned int threads;
    size_t i;

    /* The first session also makes GLib create its global default
     * context (pushing a thread-default context compares with it), whose
     * eventfd stays open: count from the second one. */
    for (i = 0; i < 2; i++) {
        testCountResources("mon-fake", &fds0, &threads);
        g_assert_cmpuint(threads, ==, 0);
        test = testNew("handshake", cbl);
        testCountResources("mon-fake", &fds1, &threads);
        g_assert_cmpuint(threads, ==, 1);
        testFinishOK(test);
        qemuMonitorTestFree(test);
    }
    testCountResources("mon-fake", &fds1, &threads);
    g_assert_cmpuint(threads, ==, 0);
    g_assert_cmpuint(fds1, ==, fds0);
    g_assert_cmpint(cbl->destroys, ==, 2);
    g_assert_cmpint(cbl->eofs + cbl->errors, ==, 0);
    testAssertLog(cbl, "");
}


static void
testLifecycleMachines(qemuMonitor *mon)
{
    g_autoptr(GPtrArray) machines = NULL;
    g_autofree char *package = NULL;
    qemuMonitorMachineInfo *m;
    unsigned int major = 0;
    unsigned int minor = 0;
    unsigned int micro = 0;
    unsigned int cpus = 0;

    g_assert_cmpint(qemuMonitorGetVersion(mon, &major, &minor, &micro, &package), ==, 0);
    g_assert_cmpuint(major * 1000000 + minor * 1000 + micro, ==, 7002022);
    g_assert_cmpstr(package, ==, "Debian 1:7.2+dfsg-7+deb12u18+b3");

    g_assert_cmpint(qemuMonitorGetMachines(mon, &machines), ==, 0);
    g_assert_cmpuint(machines->len, ==, 3);
    m = g_ptr_array_index(machines, 0);
    g_assert_cmpstr(m->name, ==, "isapc");
    g_assert_null(m->alias);
    g_assert_false(m->isDefault);
    g_assert_cmpuint(m->maxCpus, ==, 1);
    m = g_ptr_array_index(machines, 2);
    g_assert_cmpstr(m->name, ==, "pc-i440fx-7.2");
    g_assert_cmpstr(m->alias, ==, "pc");
    g_assert_true(m->isDefault);
    g_assert_true(m->hotplugCpus);
    g_assert_false(m->deprecated);
    g_assert_cmpuint(m->maxCpus, ==, 255);
    g_assert_cmpstr(m->defaultCPU, ==, "qemu64-x86_64-cpu");
    g_assert_cmpstr(m->defaultRAMid, ==, "pc.ram");

    g_assert_cmpint(qemuMonitorGetCPUCount(mon, &cpus), ==, 0);
    g_assert_cmpuint(cpus, ==, 2);
}


static void
testLifecycle(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("lifecycle", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    g_autofree char *status = NULL;
    g_autofree char *status2 = NULL;
    bool running = true;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, &status), ==, 0);
        g_assert_false(running);
        g_assert_cmpstr(status, ==, "prelaunch");
        g_assert_cmpint(qemuMonitorStartCPUs(mon), ==, 0);
        testAssertLog(cbl, "event RESUME; resume");
        g_assert_cmpint(cbl->lastSeconds, ==, 1795319678);
        g_assert_cmpuint(cbl->lastMicros, ==, 185034);
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, &status2), ==, 0);
        g_assert_true(running);
        g_assert_cmpstr(status2, ==, "running");
        g_assert_cmpint(qemuMonitorStopCPUs(mon), ==, 0);
        g_assert_cmpint(qemuMonitorSystemPowerdown(mon), ==, 0);
        g_assert_cmpint(qemuMonitorSystemReset(mon), ==, 0);
        testAssertLog(cbl, "event STOP; stop; event POWERDOWN; powerdown; "
                           "event RESET; reset");
        testLifecycleMachines(mon);
        g_assert_cmpint(qemuMonitorQuit(mon), ==, 0);
    }
    testLogWaitCount(cbl, &cbl->eofs, 1);
    testAssertLog(cbl, "event SHUTDOWN; shutdown guest=0 reason=host-qmp-quit; eof");
    testFinishOK(test);
}


static void
testMigrationSetup(qemuMonitor *mon)
{
    g_autoptr(GPtrArray) caps = NULL;
    g_autoptr(GPtrArray) set = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qemuMonitorMigrationCapFree);
    g_autoptr(json_object) params = NULL;
    json_object *val = NULL;
    json_object *newParams = json_object_new_object();
    qemuMonitorMigrationCap *cap;

    g_assert_cmpint(qemuMonitorGetMigrationCapabilities(mon, &caps), ==, 0);
    g_assert_cmpuint(caps->len, ==, 5);
    cap = g_ptr_array_index(caps, 3);
    g_assert_cmpstr(cap->name, ==, "postcopy-ram");
    g_assert_true(cap->state);

    g_ptr_array_add(set, qemuMonitorMigrationCapNew("events", true));
    g_ptr_array_add(set, qemuMonitorMigrationCapNew("pause-before-switchover", true));
    g_ptr_array_add(set, qemuMonitorMigrationCapNew("postcopy-ram", false));
    g_assert_cmpint(qemuMonitorSetMigrationCapabilities(mon, set), ==, 0);

    g_assert_cmpint(qemuMonitorGetMigrationParams(mon, &params), ==, 0);
    g_assert_true(json_object_object_get_ex(params, "max-bandwidth", &val));
    g_assert_cmpint(json_object_get_int64(val), ==, 134217728);

    json_object_object_add(newParams, "max-bandwidth",
                           json_object_new_int64(8796093022208LL));
    json_object_object_add(newParams, "downtime-limit", json_object_new_int(300));
    json_object_object_add(newParams, "tls-creds", json_object_new_string(""));
    json_object_object_add(newParams, "tls-hostname", json_object_new_string(""));
    g_assert_cmpint(qemuMonitorSetMigrationParams(mon, newParams), ==, 0);
}


static void
testMigrationActive(qemuMonitor *mon)
{
    qemuMonitorMigrationStats st = { 0 };

    g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, 0);
    g_assert_cmpint(st.status, ==, QEMU_MONITOR_MIGRATION_STATUS_ACTIVE);
    g_assert_cmpuint(st.total_time, ==, 301);
    g_assert_true(st.setup_time_set);
    g_assert_cmpuint(st.setup_time, ==, 0);
    g_assert_true(st.expected_downtime_set);
    g_assert_cmpuint(st.expected_downtime, ==, 300);
    g_assert_true(st.downtime_set);
    g_assert_cmpuint(st.downtime, ==, 300);
    g_assert_cmpint(st.cpu_throttle_percentage, ==, 20);
    g_assert_true(st.ram_set);
    g_assert_cmpuint(st.ram_transferred, ==, 320046);
    g_assert_cmpuint(st.ram_remaining, ==, 286720);
    g_assert_cmpuint(st.ram_total, ==, 67641344);
    g_assert_cmpuint(st.ram_bps, ==, 1072336);
    g_assert_true(st.ram_duplicate_set);
    g_assert_cmpuint(st.ram_duplicate, ==, 16402);
    g_assert_cmpuint(st.ram_normal, ==, 42);
    g_assert_cmpuint(st.ram_normal_bytes, ==, 172032);
    g_assert_cmpuint(st.ram_dirty_rate, ==, 12);
    g_assert_cmpuint(st.ram_page_size, ==, 4096);
    g_assert_cmpuint(st.ram_iteration, ==, 1);
    g_assert_cmpuint(st.ram_postcopy_reqs, ==, 0);
    g_assert_false(st.disk_set);
    g_assert_false(st.xbzrle_set);
    g_assert_null(st.error_desc);
    qemuMonitorMigrationStatsClear(&st);
}


static void
testMigrationEnd(qemuMonitor *mon)
{
    qemuMonitorMigrationStats st = { 0 };

    g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, 0);
    g_assert_cmpint(st.status, ==, QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER);
    g_assert_cmpuint(st.ram_iteration, ==, 3);
    g_assert_cmpint(st.cpu_throttle_percentage, ==, -1);
    g_assert_cmpint(qemuMonitorMigrateContinue(mon, st.status), ==, 0);

    g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, 0);
    g_assert_cmpint(st.status, ==, QEMU_MONITOR_MIGRATION_STATUS_COMPLETED);
    g_assert_true(st.downtime_set);
    g_assert_cmpuint(st.downtime, ==, 50);
    g_assert_false(st.expected_downtime_set);
    g_assert_cmpuint(st.total_time, ==, 355);

    g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, 0);
    g_assert_cmpint(st.status, ==, QEMU_MONITOR_MIGRATION_STATUS_FAILED);
    g_assert_cmpstr(st.error_desc, ==, "Unable to write to socket: Broken pipe");
    g_assert_false(st.ram_set);
    g_assert_false(st.downtime_set);
    qemuMonitorMigrationStatsClear(&st);
    g_assert_null(st.error_desc);
}


static void
testMigration(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("migration", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    qemuMonitorMigrationStats st = { .status = QEMU_MONITOR_MIGRATION_STATUS_FAILED };

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        testMigrationSetup(mon);
        g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, 0);
        g_assert_cmpint(st.status, ==, QEMU_MONITOR_MIGRATION_STATUS_NONE);
        g_assert_false(st.ram_set);
        g_assert_cmpint(qemuMonitorMigrate(mon, "tcp:host-b:49152", false), ==, 0);
        testMigrationActive(mon);
        testMigrationEnd(mon);
        g_assert_cmpint(qemuMonitorMigrateStartPostCopy(mon), ==, 0);
        g_assert_cmpint(qemuMonitorMigrateCancel(mon), ==, 0);
        g_assert_cmpint(qemuMonitorMigrateIncoming(mon, "tcp:[::]:49152"), ==, 0);
        g_assert_cmpint(qemuMonitorMigratePause(mon), ==, 0);
        g_assert_cmpint(qemuMonitorMigrateRecover(mon, "tcp:10.0.0.2:49153"), ==, 0);
    }
    testAssertLog(cbl, "event MIGRATION; migration setup; "
                       "event MIGRATION_PASS; pass 1; "
                       "event MIGRATION; migration active; "
                       "event MIGRATION; migration device");
    testFinishOK(test);
}


/* The block commands of a storage migration, in both sides' order. */
static void
testBlockNBD(qemuMonitor *mon)
{
    g_autoptr(GHashTable) sizes = NULL;
    const unsigned long long *size;

    g_assert_cmpint(qemuMonitorGetBlockCapacities(mon, &sizes), ==, 0);
    g_assert_cmpuint(g_hash_table_size(sizes), ==, 2);
    size = g_hash_table_lookup(sizes, "libvirt-1-format");
    g_assert_nonnull(size);
    g_assert_cmpuint(*size, ==, 16777216);
    g_assert_cmpint(qemuMonitorNBDServerStart(mon, "127.0.0.1", 49160, NULL, NULL), ==, 0);
    g_assert_cmpint(qemuMonitorBlockExportAddNBD(mon, "libvirt-nbd-libvirt-1-format",
                                                 "libvirt-1-format",
                                                 "drive-virtio-disk0"), ==, 0);
    g_assert_cmpint(qemuMonitorNBDServerStop(mon), ==, 0);
    g_assert_cmpint(qemuMonitorNBDServerStart(mon, NULL, 0, "/run/nbd.sock", "objtls0"), ==, -1);
    testAssertError(VIR_ERR_INTERNAL_ERROR, "NBD server already running");
}


static void
testBlock(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("block", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    qemuMonitorMirrorArgs mirror = {
        .jobId = "drive-virtio-disk0", .device = "libvirt-1-format",
        .target = "migration-vda-format", .speed = 4 << 20,
        .syncWrites = true,
    };
    qemuMonitorNBDTarget target = {
        .host = "host-b", .port = 49160, .exportName = "drive-virtio-disk0",
    };
    g_autoptr(GPtrArray) jobs = NULL;
    const qemuMonitorBlockJobInfo *job;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        testBlockNBD(mon);
        g_assert_cmpint(qemuMonitorBlockdevAddNBD(mon, "migration-vda", &target), ==, 0);
        g_assert_cmpint(qemuMonitorBlockdevMirror(mon, &mirror), ==, 0);
        g_assert_cmpint(qemuMonitorGetBlockJobs(mon, &jobs), ==, 0);
        g_assert_cmpuint(jobs->len, ==, 2);
        job = g_ptr_array_index(jobs, 0);
        g_assert_cmpstr(job->id, ==, "drive-virtio-disk0");
        g_assert_cmpstr(job->status, ==, "ready");
        g_assert_true(job->ready);
        g_assert_null(job->error);
        g_assert_cmpuint(job->offset, ==, 16777216);
        job = g_ptr_array_index(jobs, 1);
        g_assert_cmpstr(job->status, ==, "concluded");
        g_assert_cmpstr(job->error, ==, "Input/output error");
        g_assert_cmpuint(job->len, ==, 8388608);
        g_assert_cmpint(qemuMonitorBlockJobCancel(mon, "drive-virtio-disk0", false), ==, 0);
        g_assert_cmpint(qemuMonitorBlockJobCancel(mon, "drive-virtio-disk1", true), ==, 0);
        g_assert_cmpint(qemuMonitorJobDismiss(mon, "drive-virtio-disk0"), ==, 0);
        g_assert_cmpint(qemuMonitorBlockdevDel(mon, "migration-vda-format"), ==, 0);
        /* a failed format node takes its storage node with it */
        target.tlsCreds = "objtls0";
        target.tlsHostname = "b.example.org";
        g_assert_cmpint(qemuMonitorBlockdevAddNBD(mon, "migration-vda", &target), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, "Duplicate nodes");
    }
    testFinishOK(test);
}


static void
testErrors(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("errors", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    qemuMonitorMigrationStats st = { .status = QEMU_MONITOR_MIGRATION_STATUS_DEVICE };
    g_autofree char *status = NULL;
    unsigned int major = 42;
    bool running = true;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorMigrateIncoming(mon, "tcp:0:0"), ==, -1);
        g_assert_cmpint(virErrorGetLast()->domain, ==, VIR_FROM_QEMU);
        g_assert_cmpstr(virErrorGetLastMessage(), ==,
                        "internal error: unable to execute QEMU command "
                        "'migrate-incoming': The incoming migration has already been started");
        testAssertError(VIR_ERR_INTERNAL_ERROR, "");
        g_assert_cmpint(qemuMonitorStartCPUs(mon), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR,
                        "unable to execute QEMU command 'cont': Resetting the Virtual Machine is required");
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, &status), ==, -1);
        g_assert_cmpstr(virErrorGetLastMessage(), ==,
                        "internal error: unable to execute QEMU command 'query-status'");
        g_assert_cmpint(qemuMonitorGetVersion(mon, &major, &major, &major, NULL), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR,
                        "unexpected type returned by QEMU command 'query-version'");
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, &status), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, "query-status reply was missing running state");
        g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, "unexpected migration status in teleporting");
        g_assert_cmpint(qemuMonitorGetMigrationStats(mon, &st), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, "RAM 'transferred', 'remaining' or 'total'");
        /* outputs untouched by failures */
        g_assert_true(running);
        g_assert_null(status);
        g_assert_cmpuint(major, ==, 42);
        g_assert_cmpint(st.status, ==, QEMU_MONITOR_MIGRATION_STATUS_DEVICE);

        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, &status), ==, 0);
        g_assert_cmpstr(status, ==, "paused");
    }
    g_assert_cmpint(cbl->errors + cbl->eofs, ==, 0);
    testFinishOK(test);
}


static void
testEvents(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("events", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    bool running = true;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, 0);
    }
    /* everything sent before the reply was delivered before it */
    testAssertLog(cbl, "event STOP; stop; event RESUME; resume; "
                       "event SHUTDOWN; shutdown guest=1 reason=guest-shutdown; "
                       "event RESET; reset; event POWERDOWN; powerdown; "
                       "event MIGRATION; migration setup; "
                       "event MIGRATION_PASS; pass 2; "
                       "event MIGRATION; migration postcopy-active; "
                       "event BLOCK_JOB_READY; "
                       "event MIGRATION; "
                       "event MIGRATION; migration completed");
    g_assert_cmpint(cbl->lastSeconds, ==, 1795319678);
    g_assert_cmpuint(cbl->lastMicros, ==, 544278);
    testFinishOK(test);
}


static void
testSplit(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("split", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    unsigned int major = 0;
    unsigned int minor = 0;
    unsigned int micro = 0;
    bool running = false;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, 0);
        g_assert_true(running);
        g_assert_cmpint(qemuMonitorGetVersion(mon, &major, &minor, &micro, NULL), ==, 0);
        g_assert_cmpuint(minor, ==, 2);
    }
    testAssertLog(cbl, "event STOP; stop; event RESUME; resume");
    testFinishOK(test);
}


static void
testEof(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("eof", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    bool running = false;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, -1);
        testAssertError(VIR_ERR_OPERATION_FAILED, "End of file from qemu monitor (vm='fake')");
        /* later commands fail at once with the same error */
        g_assert_cmpint(qemuMonitorStopCPUs(mon), ==, -1);
        testAssertError(VIR_ERR_OPERATION_FAILED, "End of file from qemu monitor");
    }
    testLogWaitCount(cbl, &cbl->eofs, 1);
    g_usleep(20 * 1000);
    g_assert_cmpint(cbl->eofs, ==, 1);
    g_assert_cmpint(cbl->errors, ==, 0);
    testFinishOK(test);
}


/* Garbage instead of a reply: the command fails, errorNotify fires once,
 * and the monitor stays dead.  @garbage goes into an inline script. */
static void
testGarbageOne(const char *garbage, const char *message)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autofree char *script = g_strdup_printf("handshake\nexpect query-status\nraw %s\n",
                                              garbage);
    g_autoptr(qemuMonitorTest) test = testNewInline(script, cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    bool running = false;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, message);
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, message);
    }
    testLogWaitCount(cbl, &cbl->errors, 1);
    g_assert_cmpint(cbl->eofs, ==, 0);
    testFinishOK(test);
}


static void
testGarbage(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("garbage", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    bool running = false;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, "cannot parse QEMU monitor message");
    }
    testLogWaitCount(cbl, &cbl->errors, 1);
    testFinishOK(test);

    testGarbageOne("[1, 2]", "not a JSON object");
    testGarbageOne("\"just a string\"", "not a JSON object");
    testGarbageOne("{\"hello\": 1}", "unexpected message from QEMU monitor");
    testGarbageOne("{\"return\": {}} {\"return\": {}}", "trailing data");
    testGarbageOne("{\"return\": {\"a\": [1, 2}}", "cannot parse QEMU monitor message");
}


static void
testTimeout(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("timeout", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    unsigned int major = 0;
    unsigned int minor = 0;
    unsigned int micro = 0;
    bool running = false;
    long long t0;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        qemuMonitorSetCommandTimeout(mon, 50);
        t0 = virTimeMonotonicMs();
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, -1);
        g_assert_cmpint(virTimeMonotonicMs() - t0, >=, 50);
        g_assert_cmpint(virTimeMonotonicMs() - t0, <, 250);
        testAssertError(VIR_ERR_OPERATION_TIMEOUT,
                        "QEMU did not answer command 'query-status' in time");
        /* the late reply is dropped; the next command gets its own */
        qemuMonitorSetCommandTimeout(mon, QEMU_MONITOR_COMMAND_TIMEOUT_MS);
        g_assert_cmpint(qemuMonitorGetVersion(mon, &major, &minor, &micro, NULL), ==, 0);
        g_assert_cmpuint(micro, ==, 22);
    }
    g_assert_cmpint(cbl->errors + cbl->eofs, ==, 0);
    testFinishOK(test);
}


static void
testDelayed(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("delayed", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    bool running = false;
    long long t0 = virTimeMonotonicMs();

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, 0);
    }
    g_assert_true(running);
    g_assert_cmpint(virTimeMonotonicMs() - t0, >=, 100);
    testFinishOK(test);
}


typedef struct {
    qemuMonitor *mon;
    bool version; /* query-version rather than query-status */
    int rc;
    unsigned int minor;
    char *status;
} testConcurrentCall;


static void
testConcurrentThread(void *opaque)
{
    testConcurrentCall *call = opaque;
    unsigned int major = 0;
    unsigned int micro = 0;
    bool running = true;

    VIR_WITH_OBJECT_LOCK_GUARD(call->mon) {
        if (call->version)
            call->rc = qemuMonitorGetVersion(call->mon, &major, &call->minor, &micro, NULL);
        else
            call->rc = qemuMonitorGetStatus(call->mon, &running, &call->status);
    }
    virObjectUnref(call->mon);
}


static void
testConcurrent(void)
{
    size_t round;

    for (round = 0; round < 20; round++) {
        g_autoptr(testCallbackLog) cbl = testLogNew();
        g_autoptr(qemuMonitorTest) test = testNew("concurrent", cbl);
        qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
        testConcurrentCall a = { .mon = virObjectRef(mon), .version = false };
        testConcurrentCall b = { .mon = virObjectRef(mon), .version = true };
        GThread *ta = virThreadCreate("caller-a", testConcurrentThread, &a);
        GThread *tb = virThreadCreate("caller-b", testConcurrentThread, &b);

        virThreadJoin(ta);
        virThreadJoin(tb);
        g_assert_cmpint(a.rc, ==, 0);
        g_assert_cmpstr(a.status, ==, "paused");
        g_assert_cmpint(b.rc, ==, 0);
        g_assert_cmpuint(b.minor, ==, 2);
        g_free(a.status);
        testFinishOK(test);
    }
}


static void
testHuge(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("huge", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    g_autoptr(json_object) reply = NULL;
    g_autoptr(json_object) reply2 = NULL;
    json_object *ret = NULL;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorSend(mon, qemuMonitorJSONMakeCommand("query-qmp-schema", NULL),
                                        &reply, -1), ==, 0);
        g_assert_true(json_object_object_get_ex(reply, "return", &ret));
        g_assert_cmpint(json_object_get_string_len(ret), >, 5 * 1024 * 1024 - 100);
        g_assert_cmpint(qemuMonitorSend(mon, qemuMonitorJSONMakeCommand("query-qmp-schema", NULL),
                                        &reply2, -1), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR, "QEMU monitor message exceeds 10485760 bytes");
        g_assert_null(reply2);
    }
    testLogWaitCount(cbl, &cbl->errors, 1);
    testFinishOK(test);
}


/* Commands QEMU 7.2 lacks are caught by the fake monitor; every command
 * our typed wrappers send exists. */
static void
testSchema(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNew("schema", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    g_autoptr(json_object) reply = NULL;
    g_autofree char *failure = NULL;
    const char *used[] = {
        "qmp_capabilities", "query-status", "cont", "stop", "system_powerdown",
        "system_reset", "quit", "query-migrate", "migrate", "migrate_cancel",
        "migrate-incoming", "migrate-set-capabilities", "migrate-set-parameters",
        "query-migrate-parameters", "query-migrate-capabilities",
        "migrate-start-postcopy", "migrate-continue", "migrate-pause",
        "migrate-recover", "query-version",
        "query-machines", "query-cpus-fast", "query-qmp-schema",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(used); i++)
        g_assert_true(qemuMonitorTestSchemaHasCommand(used[i]));
    g_assert_false(qemuMonitorTestSchemaHasCommand("no-such-command"));
    g_assert_false(qemuMonitorTestSchemaHasCommand("STOP")); /* an event */

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorSend(mon, qemuMonitorJSONMakeCommand("no-such-command", NULL),
                                        &reply, 5000), ==, -1);
        testAssertError(VIR_ERR_OPERATION_FAILED, "End of file");
    }
    g_assert_cmpint(qemuMonitorTestFinish(test, &failure), ==, -1);
    g_assert_cmpstr(failure, ==, "command 'no-such-command' is not in the QMP schema of QEMU 7.2");
}


/* Bad arguments are caught too. */
static void
testSchemaArgs(void)
{
    const char *script = "handshake\nexpect migrate-incoming\nreply {\"return\": {}}\n";
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNewInline(script, cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    g_autoptr(json_object) reply = NULL;
    g_autofree char *failure = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "url", json_object_new_string("tcp:0:0"));
    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorSend(mon, qemuMonitorJSONMakeCommand("migrate-incoming", args),
                                        &reply, 5000), ==, -1);
    }
    virErrorResetLast();
    g_assert_cmpint(qemuMonitorTestFinish(test, &failure), ==, -1);
    g_assert_cmpstr(failure, ==, "command 'migrate-incoming' lacks mandatory argument 'uri'");
}


/* QEMU creates its socket a little after exec: we retry every few ms. */
static void
testConnectRetry(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autofree char *dir = g_dir_make_tmp("qemumonitortest-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qmp.sock", NULL);
    g_autoptr(qemuMonitorTest) test = qemuMonitorTestNewUnix("handshake\n", path, 40);
    long long t0 = g_get_monotonic_time();
    qemuMonitor *mon = qemuMonitorOpen(path, "retry", -1, 5000, &testCallbacks, cbl);
    long long took = g_get_monotonic_time() - t0;

    cbl->monitors++;
    g_assert_nonnull(mon);
    g_printerr("# socket listening after 40 ms: monitor ready after %.3f ms\n",
               took / 1000.0);
    g_assert_cmpint(took, >=, 40 * 1000);
    g_assert_cmpint(took, <, 200 * 1000);
    qemuMonitorClose(mon);
    testFinishOK(test);
    rmdir(dir);
}


/* No socket ever: a bounded wait, or none at all once QEMU is dead. */
static void
testConnectFailures(void)
{
    g_autoptr(virCommand) cmd = virCommandNewArgList("/bin/sh", "-c", "exit 1", NULL);
    VIR_AUTOCLOSE pidfd = -1;
    long long t0 = virTimeMonotonicMs();
    pid_t pid;

    g_assert_null(qemuMonitorOpen("/nonexistent/qmp.sock", "gone", -1, 50,
                                  &testCallbacks, NULL));
    g_assert_cmpint(virTimeMonotonicMs() - t0, >=, 50);
    g_assert_cmpint(virTimeMonotonicMs() - t0, <, 500);
    testAssertError(VIR_ERR_OPERATION_TIMEOUT, "did not appear");

    g_assert_cmpint(virCommandRunAsync(cmd, &pid, &pidfd), ==, 0);
    t0 = virTimeMonotonicMs();
    g_assert_null(qemuMonitorOpen("/nonexistent/qmp.sock", "gone", pidfd, 10000,
                                  &testCallbacks, NULL));
    g_assert_cmpint(virTimeMonotonicMs() - t0, <, 1000);
    testAssertError(VIR_ERR_OPERATION_FAILED, "QEMU exited before its monitor socket");
    g_assert_cmpint(virProcessReap(pid, NULL), ==, 0);
}


/* A failed handshake returns NULL and calls no callback at all. */
static void
testHandshakeFailureOne(const char *script, long long timeoutMs, int code,
                        const char *message)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = qemuMonitorTestNewServer(script);

    g_assert_null(qemuMonitorOpenFD(qemuMonitorTestTakeClientFD(test), "bad",
                                    timeoutMs, &testCallbacks, cbl));
    testAssertError(code, message);
    testFinishOK(test);
    g_assert_cmpint(cbl->destroys + cbl->eofs + cbl->errors, ==, 0);
    testAssertLog(cbl, "");
}


static void
testHandshakeFailures(void)
{
    testHandshakeFailureOne("delay 300\n", 100, VIR_ERR_OPERATION_TIMEOUT,
                            "no greeting from QEMU monitor");
    testHandshakeFailureOne("eof\n", 5000, VIR_ERR_OPERATION_FAILED,
                            "End of file from qemu monitor");
    testHandshakeFailureOne("raw garbage\n", 5000, VIR_ERR_INTERNAL_ERROR,
                            "cannot parse QEMU monitor message");
    testHandshakeFailureOne("greeting\nexpect qmp_capabilities\n"
                            "reply {\"error\": {\"class\": \"CommandNotFound\", "
                            "\"desc\": \"nope\"}}\n",
                            5000, VIR_ERR_INTERNAL_ERROR,
                            "unable to execute QEMU command 'qmp_capabilities': nope");
}


static void
testCloseWaiterThread(void *opaque)
{
    qemuMonitor *mon = opaque;
    bool running = false;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMonitorGetStatus(mon, &running, NULL), ==, -1);
        testAssertError(VIR_ERR_OPERATION_FAILED, "QEMU monitor was closed");
    }
    virObjectUnref(mon);
}


/* Closing wakes a waiting caller (which holds its own reference) with an
 * error at once, and notifies nobody. */
static void
testCloseWhileWaiting(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = testNewInline("handshake\nexpect query-status\ndelay 200\n", cbl);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    GThread *waiter = virThreadCreate("waiter", testCloseWaiterThread,
                                      virObjectRef(mon));
    long long t0;

    g_assert_true(qemuMonitorTestWaitCommands(test, 2, 2000));
    t0 = virTimeMonotonicMs();
    testFinishOK(test); /* closes the monitor */
    virThreadJoin(waiter);
    g_assert_cmpint(virTimeMonotonicMs() - t0, <, 1000);
    g_assert_cmpint(cbl->destroys, ==, 1);
    testAssertLog(cbl, "");
}


/* The EOF callback closes the monitor itself (it cannot join its own
 * thread; the thread finishes on its own and frees the object). */
static void
testCloseFromCallback(void)
{
    g_autoptr(testCallbackLog) cbl = testLogNew();
    g_autoptr(qemuMonitorTest) test = qemuMonitorTestNewServer("handshake\nflush\ndelay 20\neof\n");
    qemuMonitor *mon = NULL;

    cbl->closeOnEof = true;
    cbl->monitors++;
    mon = qemuMonitorOpenFD(qemuMonitorTestTakeClientFD(test), "selfclose", 5000,
                            &testCallbacks, cbl);
    g_assert_nonnull(mon);
    testLogWaitCount(cbl, &cbl->destroys, 1);
    testAssertLog(cbl, "eof");
    testFinishOK(test);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/monitor/handshake", testHandshake);
    g_test_add_func("/monitor/lifecycle", testLifecycle);
    g_test_add_func("/monitor/migration", testMigration);
    g_test_add_func("/monitor/block", testBlock);
    g_test_add_func("/monitor/errors", testErrors);
    g_test_add_func("/monitor/events", testEvents);
    g_test_add_func("/monitor/split", testSplit);
    g_test_add_func("/monitor/eof", testEof);
    g_test_add_func("/monitor/garbage", testGarbage);
    g_test_add_func("/monitor/timeout", testTimeout);
    g_test_add_func("/monitor/delayed", testDelayed);
    g_test_add_func("/monitor/concurrent", testConcurrent);
    g_test_add_func("/monitor/huge", testHuge);
    g_test_add_func("/monitor/schema", testSchema);
    g_test_add_func("/monitor/schema-args", testSchemaArgs);
    g_test_add_func("/monitor/connect-retry", testConnectRetry);
    g_test_add_func("/monitor/connect-failures", testConnectFailures);
    g_test_add_func("/monitor/handshake-failures", testHandshakeFailures);
    g_test_add_func("/monitor/close-while-waiting", testCloseWhileWaiting);
    g_test_add_func("/monitor/close-from-callback", testCloseFromCallback);
    return g_test_run();
}
