/*
 * qemuprocesstest.c: the QEMU driver's domain lifecycle on real QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Drives the driver table itself (no RPC) under a temporary root with the
 * project's test guest (tests/guest): define, start (heartbeat in the
 * serial log within 2 s), suspend/resume, info and XML, reset, destroy,
 * transient domains, undefine while running, kill -9 of QEMU (SHUTOFF/
 * CRASHED and STOPPED/FAILED), a driver restart without stopping QEMU
 * (reconnect: still running, same boot, destroy works), autostart, and
 * libvirt's errors.  Prints how long start and destroy take.  Exits 77
 * when QEMU or the guest kernel is missing.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu_conf.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virhypervisordriver.h"
#include "virthread.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE

const virHypervisorDriver *virDriverModuleGet(void);

#define TEST_EVENT_WAIT_MS 3000
#define TEST_CYCLES 5

typedef struct {
    int eventID;
    char *name;
    int event;
    int detail;
} testEvent;

static struct {
    char *root;
    char *guest;
    const virHypervisorDriver *drv;
    virConn conn;
    unsigned char hostUUID[VIR_UUID_BUFLEN];
    GMutex lock;
    GCond cond;
    GPtrArray *events;      /* testEvent, protected by @lock */
} test;


static void
testEventFree(gpointer opaque)
{
    testEvent *ev = opaque;

    g_free(ev->name);
    g_free(ev);
}


/* The driver's event sink (runs on the driver's event thread). */
static void
testEventSink(const virDomainEvent *event, void *opaque G_GNUC_UNUSED)
{
    testEvent *ev = g_new0(testEvent, 1);

    ev->eventID = event->eventID;
    ev->name = g_strdup(event->dom->name);
    ev->event = event->event;
    ev->detail = event->detail;
    g_mutex_lock(&test.lock);
    g_ptr_array_add(test.events, ev);
    g_cond_broadcast(&test.cond);
    g_mutex_unlock(&test.lock);
}


/* Waits until lifecycle event @event/@detail of @name arrives, and
 * forgets every event up to it. */
static void
testWaitEvent(const char *name, int event, int detail)
{
    long long deadline = virTimeMonotonicMs() + TEST_EVENT_WAIT_MS;
    guint i;

    g_mutex_lock(&test.lock);
    for (;;) {
        for (i = 0; i < test.events->len; i++) {
            testEvent *ev = g_ptr_array_index(test.events, i);

            if (ev->eventID == VIR_DOMAIN_EVENT_ID_LIFECYCLE &&
                STREQ(ev->name, name) && ev->event == event &&
                ev->detail == detail) {
                g_ptr_array_remove_range(test.events, 0, i + 1);
                g_mutex_unlock(&test.lock);
                return;
            }
        }
        if (virCondWaitUntil(&test.cond, &test.lock, deadline) < 0)
            break;
    }
    g_mutex_unlock(&test.lock);
    g_error("no lifecycle event %d/%d for %s", event, detail, name);
}


/* True if an event with @eventID about @name arrived (and forgets it). */
static bool
testTakeEvent(const char *name, int eventID)
{
    long long deadline = virTimeMonotonicMs() + TEST_EVENT_WAIT_MS;
    guint i;

    g_mutex_lock(&test.lock);
    do {
        for (i = 0; i < test.events->len; i++) {
            testEvent *ev = g_ptr_array_index(test.events, i);

            if (ev->eventID == eventID && STREQ(ev->name, name)) {
                g_ptr_array_remove_index(test.events, i);
                g_mutex_unlock(&test.lock);
                return true;
            }
        }
    } while (virCondWaitUntil(&test.cond, &test.lock, deadline) == 0);
    g_mutex_unlock(&test.lock);
    return false;
}


static void
testClearEvents(void)
{
    g_mutex_lock(&test.lock);
    g_ptr_array_set_size(test.events, 0);
    g_mutex_unlock(&test.lock);
}


static void
testDriverStart(void)
{
    virDriverStateConfig cfg = {
        .runDir = NULL, .stateDir = NULL, .logDir = NULL,
        .hostName = "testhost", .hostUUID = test.hostUUID,
        .eventSink = testEventSink,
    };
    g_autofree char *run = g_build_filename(test.root, "run", NULL);
    g_autofree char *lib = g_build_filename(test.root, "lib", NULL);
    g_autofree char *log = g_build_filename(test.root, "log", NULL);

    cfg.runDir = run;
    cfg.stateDir = lib;
    cfg.logDir = log;
    g_assert_cmpint(test.drv->stateInitialize(&cfg), ==, 0);
    test.conn.driver = test.drv;
    g_assert_cmpint(test.drv->connectOpen(&test.conn, 0), ==, 0);
}


static void
testDriverStop(void)
{
    test.drv->connectClose(&test.conn);
    test.drv->stateCleanup();
}


static char *
testSerialPath(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s-serial.log", name);

    return g_build_filename(test.root, file, NULL);
}


/* The test guest's XML; @uuid (may be NULL) and @hbMs vary. */
static char *
testGuestXMLFull(const char *name, const char *uuid, int hbMs)
{
    g_autofree char *serial = testSerialPath(name);
    g_autofree char *uuidElem = uuid ? g_strdup_printf("  <uuid>%s</uuid>\n", uuid)
                                     : g_strdup("");

    return g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>%s</name>\n"
        "%s"
        "  <memory unit='MiB'>64</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <kernel>%s</kernel>\n"
        "    <cmdline>hb_ms=%d wss_mib=4</cmdline>\n"
        "  </os>\n"
        "  <devices>\n"
        "    <serial type='file'>\n"
        "      <source path='%s' append='on'/>\n"
        "    </serial>\n"
        "    <controller type='usb' model='none'/>\n"
        "    <video><model type='none'/></video>\n"
        "    <memballoon model='none'/>\n"
        "  </devices>\n"
        "</domain>\n", name, uuidElem, test.guest, hbMs, serial);
}


static char *
testGuestXML(const char *name)
{
    return testGuestXMLFull(name, NULL, 50);
}


/* Heartbeat lines of @name's serial log so far; *@boot gets the boot id
 * of the last one (caller frees; may be NULL). */
static size_t
testHeartbeats(const char *name, char **boot)
{
    g_autofree char *path = testSerialPath(name);
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    size_t n = 0;
    size_t i;

    if (!g_file_get_contents(path, &log, NULL, NULL))
        return 0;
    lines = g_strsplit(log, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *p = strstr(lines[i], "virtmig-guest boot=");

        if (!p || !strstr(p, " state="))
            continue;
        n++;
        if (boot) {
            g_free(*boot);
            *boot = g_strndup(p + strlen("virtmig-guest boot="), 16);
        }
    }
    return n;
}


/* Waits up to @timeoutMs for more than @n heartbeats; returns how long it
 * took in ms, or fails the test. */
static long long
testWaitHeartbeat(const char *name, size_t n, long long timeoutMs)
{
    long long start = virTimeMonotonicMs();

    while (testHeartbeats(name, NULL) <= n) {
        if (virTimeMonotonicMs() - start > timeoutMs)
            g_error("no heartbeat from %s within %lld ms", name, timeoutMs);
        g_usleep(2000);
    }
    return virTimeMonotonicMs() - start;
}


static void
testCheckState(const virDomainIdent *dom, int state, int reason)
{
    int s = -1;
    int r = -1;

    g_assert_cmpint(test.drv->domainGetState(&test.conn, dom, &s, &r, 0), ==, 0);
    if (s != state || r != reason)
        g_error("%s: state %d/%d, expected %d/%d", dom->name, s, r, state, reason);
}


/* The pid of @name's QEMU, from its pid file. */
static pid_t
testQemuPid(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.pid", name);
    g_autofree char *path = g_build_filename(test.root, "run", "qemu", file, NULL);
    g_autofree char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return (pid_t)g_ascii_strtoll(text, NULL, 10);
}


static virDomainIdent *
testDefine(const char *name)
{
    g_autofree char *xml = testGuestXML(name);
    virDomainIdent *dom = test.drv->domainDefineXMLFlags(&test.conn, xml, 0);

    g_assert_nonnull(dom);
    testWaitEvent(name, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED);
    return dom;
}


/* Starts @dom and waits for its first heartbeat; returns the start time
 * in ms (the API call) and prints both figures. */
static double
testStart(virDomainIdent *dom)
{
    size_t n = testHeartbeats(dom->name, NULL);
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(virDomainIdent) started =
        test.drv->domainCreateWithFlags(&test.conn, dom, 0);
    double ms = (g_get_monotonic_time() - t0) / 1000.0;
    long long hb;

    g_assert_nonnull(started);
    g_assert_cmpint(started->id, >, 0);
    dom->id = started->id;
    hb = testWaitHeartbeat(dom->name, n, 2000);
    printf("  start %s: %.1f ms, first heartbeat %.0f ms after the call\n",
           dom->name, ms, ms + hb);
    testWaitEvent(dom->name, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    testCheckState(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    return ms;
}


static double
testDestroy(virDomainIdent *dom)
{
    gint64 t0 = g_get_monotonic_time();
    pid_t pid = testQemuPid(dom->name);
    double ms;

    g_assert_cmpint(test.drv->domainDestroyFlags(&test.conn, dom, 0), ==, 0);
    ms = (g_get_monotonic_time() - t0) / 1000.0;
    printf("  destroy %s: %.1f ms\n", dom->name, ms);
    g_assert_cmpint(kill(pid, 0), ==, -1); /* gone and reaped */
    testWaitEvent(dom->name, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    return ms;
}


static void
testExpectError(int rc, int code, const char *message)
{
    const virError *err = virErrorGetLast();

    g_assert_cmpint(rc, <, 0);
    g_assert_nonnull(err);
    if (err->code != code || (message && !strstr(err->message, message)))
        g_error("expected error %d '%s', got %d '%s'", code, NULLSTR(message),
                err->code, err->message);
    virErrorResetLast();
}


static int
testCompareDouble(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : x > y;
}


static void
testPrintFigures(const char *what, double *ms, size_t n)
{
    qsort(ms, n, sizeof(*ms), testCompareDouble);
    printf("%s over %zu runs: min %.1f ms, median %.1f ms, max %.1f ms\n",
           what, n, ms[0], ms[n / 2], ms[n - 1]);
}


/* define, start, info, XML, suspend/resume, reset, destroy, undefine */
static void
testLifecycle(void)
{
    g_autoptr(virDomainIdent) dom = testDefine("life");
    g_autofree char *xml = NULL;
    g_autofree char *boot1 = NULL;
    g_autofree char *boot2 = NULL;
    g_autoptr(virDomainIdent) again = NULL;
    virDomainInfo info;
    size_t n;

    testCheckState(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    testStart(dom);
    again = test.drv->domainCreateWithFlags(&test.conn, dom, 0);
    testExpectError(again ? 0 : -1, VIR_ERR_OPERATION_INVALID, "domain is already running");

    g_assert_cmpint(test.drv->domainGetInfo(&test.conn, dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpuint(info.maxMem, ==, 64 * 1024);
    g_assert_cmpuint(info.memory, ==, 64 * 1024);
    g_assert_cmpuint(info.nrVirtCpu, ==, 1);
    g_assert_cmpuint(info.cpuTime, >, 0);
    xml = test.drv->domainGetXMLDesc(&test.conn, dom, 0);
    /* the domain id, not the id of a device (<audio id='1'>) */
    g_assert_true(g_str_has_prefix(xml, "<domain type='qemu' id='"));
    g_assert_nonnull(strstr(xml, "<alias name='serial0'/>"));
    g_clear_pointer(&xml, g_free);
    xml = test.drv->domainGetXMLDesc(&test.conn, dom, VIR_DOMAIN_XML_INACTIVE);
    g_assert_true(g_str_has_prefix(xml, "<domain type='qemu'>"));

    g_assert_cmpint(test.drv->domainSuspend(&test.conn, dom), ==, 0);
    testCheckState(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    testWaitEvent("life", VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    n = testHeartbeats("life", NULL);
    g_usleep(300 * 1000);
    g_assert_cmpuint(testHeartbeats("life", NULL), <=, n + 1);
    g_assert_cmpint(test.drv->domainResume(&test.conn, dom), ==, 0);
    testCheckState(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    testWaitEvent("life", VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    testWaitHeartbeat("life", testHeartbeats("life", NULL), 1000);
    testExpectError(test.drv->domainResume(&test.conn, dom),
                    VIR_ERR_OPERATION_INVALID, "domain is already running");

    /* reset: the guest boots again, with a new boot id */
    testHeartbeats("life", &boot1);
    n = testHeartbeats("life", NULL);
    g_assert_cmpint(test.drv->domainReset(&test.conn, dom, 0), ==, 0);
    g_assert_true(testTakeEvent("life", VIR_DOMAIN_EVENT_ID_REBOOT));
    testWaitHeartbeat("life", n + 1, 2000);
    testHeartbeats("life", &boot2);
    g_assert_cmpstr(boot1, !=, boot2);
    g_assert_cmpint(test.drv->domainShutdownFlags(&test.conn, dom, 0), ==, 0);
    testExpectError(test.drv->domainShutdownFlags(&test.conn, dom,
                                                  VIR_DOMAIN_SHUTDOWN_GUEST_AGENT),
                    VIR_ERR_ARGUMENT_UNSUPPORTED, "guest agent is not configured");
    testExpectError(test.drv->domainShutdownFlags(&test.conn, dom,
                                                  VIR_DOMAIN_SHUTDOWN_INITCTL),
                    VIR_ERR_INVALID_ARG, "unsupported flags");

    testDestroy(dom);
    testCheckState(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
    testExpectError(test.drv->domainSuspend(&test.conn, dom),
                    VIR_ERR_OPERATION_INVALID, "domain is not running");
    testExpectError(test.drv->domainDestroyFlags(&test.conn, dom, 0),
                    VIR_ERR_OPERATION_INVALID, "domain is not running");
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
    testWaitEvent("life", VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    testExpectError(test.drv->domainGetState(&test.conn, dom, NULL, NULL, 0),
                    VIR_ERR_NO_DOMAIN, "no domain with matching uuid");
}


/* Start and destroy timings, printed. */
static void
testTimings(void)
{
    g_autoptr(virDomainIdent) dom = testDefine("timing");
    double start[TEST_CYCLES];
    double destroy[TEST_CYCLES];
    size_t i;

    for (i = 0; i < TEST_CYCLES; i++) {
        start[i] = testStart(dom);
        destroy[i] = testDestroy(dom);
    }
    testPrintFigures("start (domainCreateWithFlags)", start, TEST_CYCLES);
    testPrintFigures("destroy (domainDestroyFlags)", destroy, TEST_CYCLES);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
}


/* kill -9 of QEMU: SHUTOFF/CRASHED at once, STOPPED/FAILED (libvirt);
 * SIGTERM: a host shutdown. */
static void
testKillQemu(void)
{
    g_autoptr(virDomainIdent) dom = testDefine("crash");
    gint64 t0;
    int state = -1;
    int reason = -1;

    testStart(dom);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(kill(testQemuPid("crash"), SIGKILL), ==, 0);
    testWaitEvent("crash", VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED);
    do {
        g_assert_cmpint(test.drv->domainGetState(&test.conn, dom, &state, &reason, 0), ==, 0);
    } while (state != VIR_DOMAIN_SHUTOFF && g_get_monotonic_time() - t0 < 2000000);
    printf("  kill -9 of QEMU noticed after %.1f ms\n",
           (g_get_monotonic_time() - t0) / 1000.0);
    testCheckState(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED);

    /* SIGTERM from someone else: QEMU says SHUTDOWN (host) and exits,
     * which is a shutdown, not a crash */
    testStart(dom);
    g_assert_cmpint(kill(testQemuPid("crash"), SIGTERM), ==, 0);
    testWaitEvent("crash", VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_HOST);
    testWaitEvent("crash", VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    testCheckState(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);

    testStart(dom);
    testDestroy(dom);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
}


/* Transient domains vanish when they stop; undefine of a running domain
 * makes it transient. */
static void
testTransient(void)
{
    g_autofree char *xml = testGuestXML("trans");
    g_autoptr(virDomainIdent) dom = test.drv->domainCreateXML(&test.conn, xml, 0);
    g_autoptr(virDomainIdent) def2 = NULL;

    g_assert_nonnull(dom);
    testWaitEvent("trans", VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    g_assert_cmpint(test.drv->domainIsPersistent(&test.conn, dom), ==, 0);
    testExpectError(test.drv->domainUndefineFlags(&test.conn, dom, 0),
                    VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain");
    testExpectError(test.drv->domainSetAutostart(&test.conn, dom, 1),
                    VIR_ERR_OPERATION_INVALID, "transient");
    testDestroy(dom);
    testExpectError(test.drv->domainIsActive(&test.conn, dom), VIR_ERR_NO_DOMAIN, NULL);

    def2 = testDefine("trans2");
    testStart(def2);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, def2, 0), ==, 0);
    g_assert_cmpint(test.drv->domainIsPersistent(&test.conn, def2), ==, 0);
    g_assert_cmpint(test.drv->domainIsActive(&test.conn, def2), ==, 1);
    testDestroy(def2);
    testExpectError(test.drv->domainIsActive(&test.conn, def2), VIR_ERR_NO_DOMAIN, NULL);
}


/* virDomainCreateXML with the UUID of a defined domain: it runs that
 * definition once and keeps its config. */
static void
testCreateDefined(void)
{
    g_autoptr(virDomainIdent) dom = testDefine("credef");
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *other = testGuestXMLFull("credef",
                                              virUUIDFormat(dom->uuid, uuid), 60);
    g_autofree char *live = NULL;
    g_autofree char *config = NULL;
    g_autoptr(virDomainIdent) started = NULL;

    started = test.drv->domainCreateXML(&test.conn, other, 0);
    g_assert_nonnull(started);
    testWaitEvent("credef", VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    g_assert_cmpint(test.drv->domainIsPersistent(&test.conn, dom), ==, 1);
    live = test.drv->domainGetXMLDesc(&test.conn, dom, 0);
    config = test.drv->domainGetXMLDesc(&test.conn, dom, VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(strstr(live, "hb_ms=60"));
    g_assert_nonnull(strstr(config, "hb_ms=50"));
    testDestroy(dom);
    g_clear_pointer(&live, g_free);
    live = test.drv->domainGetXMLDesc(&test.conn, dom, 0);
    g_assert_nonnull(strstr(live, "hb_ms=50"));
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
    testClearEvents();
}


/* AUTODESTROY: the domain goes when the connection that started it
 * closes; other connections leave it alone. */
static void
testAutoDestroy(void)
{
    g_autofree char *xml = testGuestXML("autodes");
    virConn conn2 = { .driver = test.drv };
    g_autoptr(virDomainIdent) dom = NULL;
    g_autoptr(virDomainIdent) pers = testDefine("autodes2");
    g_autoptr(virDomainIdent) started = NULL;
    virConn conn3 = { .driver = test.drv };

    g_assert_cmpint(test.drv->connectOpen(&conn2, 0), ==, 0);
    g_assert_cmpint(test.drv->connectOpen(&conn3, 0), ==, 0);
    dom = test.drv->domainCreateXML(&conn2, xml, VIR_DOMAIN_START_AUTODESTROY);
    g_assert_nonnull(dom);
    started = test.drv->domainCreateWithFlags(&conn2, pers,
                                              VIR_DOMAIN_START_AUTODESTROY);
    g_assert_nonnull(started);
    test.drv->connectClose(&conn3);
    g_assert_cmpint(test.drv->domainIsActive(&test.conn, dom), ==, 1);
    test.drv->connectClose(&conn2);
    testWaitEvent("autodes", VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    testExpectError(test.drv->domainIsActive(&test.conn, dom), VIR_ERR_NO_DOMAIN, NULL);
    testCheckState(pers, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, pers, 0), ==, 0);
    testClearEvents();
}


/* Devices on real QEMU: a virtio and an IDE disk, NICs, pty and file
 * serial ports, VNC with autoport and a password, VGA, the balloon; the
 * live XML shows what QEMU chose (pty path, VNC port). */
static void
testDevices(void)
{
    g_autofree char *disk = g_build_filename(test.root, "disk.img", NULL);
    g_autofree char *disk2 = g_build_filename(test.root, "disk2.img", NULL);
    g_autofree char *serial = testSerialPath("devs");
    g_autofree char *xml = NULL;
    g_autofree char *live = NULL;
    g_autofree char *secure = NULL;
    g_autoptr(virDomainIdent) dom = NULL;
    g_autoptr(virDomainIdent) started = NULL;

    g_assert_true(g_file_set_contents(disk, "", 0, NULL));
    g_assert_cmpint(truncate(disk, 1024 * 1024), ==, 0);
    g_assert_true(g_file_set_contents(disk2, "", 0, NULL));
    g_assert_cmpint(truncate(disk2, 1024 * 1024), ==, 0);
    xml = g_strdup_printf(
        "<domain type='qemu'><name>devs</name><memory unit='MiB'>64</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>%s</kernel>"
        "<cmdline>hb_ms=50</cmdline></os><devices>"
        "<disk type='file' device='disk'><source file='%s'/>"
        "<target dev='vda' bus='virtio'/></disk>"
        "<disk type='file' device='disk'><source file='%s'/>"
        "<target dev='hdb' bus='ide'/></disk>"
        "<interface type='user'><model type='virtio'/></interface>"
        "<interface type='user'/>"
        "<serial type='file'><source path='%s' append='on'/></serial>"
        "<serial type='pty'/>"
        "<graphics type='vnc' autoport='yes' passwd='s3cret'/>"
        "<memballoon model='virtio'/></devices></domain>",
        test.guest, disk, disk2, serial);
    g_assert_nonnull((dom = test.drv->domainDefineXMLFlags(&test.conn, xml, 0)));
    g_assert_nonnull((started = test.drv->domainCreateWithFlags(&test.conn, dom, 0)));
    testWaitHeartbeat("devs", 0, 2000);
    live = test.drv->domainGetXMLDesc(&test.conn, dom, 0);
    g_assert_nonnull(strstr(live, "<source path='/dev/pts/"));
    g_assert_nonnull(strstr(live, "<graphics type='vnc' port='59"));
    g_assert_null(strstr(live, "s3cret"));
    secure = test.drv->domainGetXMLDesc(&test.conn, dom, VIR_DOMAIN_XML_SECURE);
    g_assert_nonnull(strstr(secure, "passwd='s3cret'"));
    testDestroy(dom);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
    testClearEvents();
}


static void
testCreateThread(void *opaque)
{
    virDomainIdent *dom = opaque;
    g_autoptr(virDomainIdent) started = test.drv->domainCreateWithFlags(&test.conn,
                                                                        dom, 0);

    if (!started)
        virErrorResetLast();
}


static void
testDestroyThread(void *opaque)
{
    if (test.drv->domainDestroyFlags(&test.conn, opaque, 0) < 0)
        g_error("parallel destroy failed: %s", virErrorGetLastMessage());
}


/* Starts and destroys in parallel, and destroys while a start is under
 * way (the START job lets DESTROY through): no deadlock, no QEMU left. */
static void
testConcurrent(void)
{
    virDomainIdent *doms[4];
    GThread *threads[G_N_ELEMENTS(doms)];
    int state = -1;
    int delayMs;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(doms); i++) {
        g_autofree char *name = g_strdup_printf("conc%zu", i);

        doms[i] = testDefine(name);
    }
    for (i = 0; i < G_N_ELEMENTS(doms); i++)
        threads[i] = virThreadCreate("test-create", testCreateThread, doms[i]);
    for (i = 0; i < G_N_ELEMENTS(doms); i++) {
        virThreadJoin(threads[i]);
        testCheckState(doms[i], VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    }
    for (i = 0; i < G_N_ELEMENTS(doms); i++)
        threads[i] = virThreadCreate("test-destroy", testDestroyThread, doms[i]);
    for (i = 0; i < G_N_ELEMENTS(doms); i++) {
        virThreadJoin(threads[i]);
        testCheckState(doms[i], VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
    }

    for (delayMs = 0; delayMs <= 50; delayMs += 5) {
        GThread *creator = virThreadCreate("test-create", testCreateThread, doms[0]);

        g_usleep(delayMs * 1000);
        if (test.drv->domainDestroyFlags(&test.conn, doms[0], 0) < 0)
            virErrorResetLast(); /* not started yet */
        virThreadJoin(creator);
        if (test.drv->domainIsActive(&test.conn, doms[0]) == 1)
            g_assert_cmpint(test.drv->domainDestroyFlags(&test.conn, doms[0], 0), ==, 0);
        g_assert_cmpint(test.drv->domainGetState(&test.conn, doms[0], &state, NULL, 0), ==, 0);
        g_assert_cmpint(state, ==, VIR_DOMAIN_SHUTOFF);
    }
    for (i = 0; i < G_N_ELEMENTS(doms); i++) {
        g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, doms[i], 0), ==, 0);
        virDomainIdentFree(doms[i]);
    }
    testClearEvents();
}


/* Bad XML and duplicates: libvirt's errors, nothing written. */
static void
testBadDefine(void)
{
    g_autofree char *dir = g_build_filename(test.root, "lib", "qemu", NULL);
    g_autofree char *good = testGuestXML("dup");
    g_autofree char *other = testGuestXML("dup");
    g_autoptr(virDomainIdent) dom = NULL;
    g_autoptr(GDir) d = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    const char *name;
    size_t nfiles = 0;

    testExpectError(test.drv->domainDefineXMLFlags(&test.conn, "<domain", 0) ? 0 : -1,
                    VIR_ERR_XML_ERROR, NULL);
    testExpectError(test.drv->domainDefineXMLFlags(&test.conn,
                    "<domain type='qemu'><name>a/b</name><memory>1024</memory></domain>", 0) ? 0 : -1,
                    VIR_ERR_XML_ERROR, "cannot contain '/'");
    dom = test.drv->domainDefineXMLFlags(&test.conn, good, 0);
    g_assert_nonnull(dom);
    /* the same name with another (generated) UUID */
    testExpectError(test.drv->domainDefineXMLFlags(&test.conn, other, 0) ? 0 : -1,
                    VIR_ERR_OPERATION_FAILED, "already exists with uuid");
    virUUIDFormat(dom->uuid, uuid);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
    d = g_dir_open(dir, 0, NULL);
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".xml"))
            nfiles++;
    }
    g_assert_cmpuint(nfiles, ==, 0); /* beside autostart/ and save/ */
    testClearEvents();
}


/* A driver restart with QEMU left running: reconnect, then destroy. */
static void
testReconnect(void)
{
    g_autoptr(virDomainIdent) dom = testDefine("recon");
    g_autofree char *boot1 = NULL;
    g_autofree char *boot2 = NULL;
    pid_t pid;
    size_t n;

    testStart(dom);
    pid = testQemuPid("recon");
    testDriverStop();
    g_assert_cmpint(kill(pid, 0), ==, 0);
    testHeartbeats("recon", &boot1);
    testDriverStart();
    testCheckState(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(test.drv->domainIsPersistent(&test.conn, dom), ==, 1);
    n = testHeartbeats("recon", NULL);
    testWaitHeartbeat("recon", n, 1000);
    testHeartbeats("recon", &boot2);
    g_assert_cmpstr(boot1, ==, boot2);
    g_assert_cmpint(test.drv->domainSuspend(&test.conn, dom), ==, 0);
    testWaitEvent("recon", VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);

    /* paused across a restart, and a QEMU that dies while we are away */
    testDriverStop();
    testDriverStart();
    testCheckState(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    testDriverStop();
    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    while (kill(pid, 0) == 0 && waitpid(pid, NULL, WNOHANG) == 0)
        g_usleep(1000);
    testDriverStart();
    testCheckState(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED);

    testStart(dom);
    testDriverStop();
    testDriverStart();
    testDestroy(dom);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
}


/* Autostart at driver start. */
static void
testAutostart(void)
{
    g_autoptr(virDomainIdent) dom = testDefine("auto");

    g_assert_cmpint(test.drv->domainGetAutostart(&test.conn, dom), ==, 0);
    g_assert_cmpint(test.drv->domainSetAutostart(&test.conn, dom, 1), ==, 0);
    g_assert_cmpint(test.drv->domainGetAutostart(&test.conn, dom), ==, 1);
    testDriverStop();
    testDriverStart();
    testCheckState(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(test.drv->domainGetAutostart(&test.conn, dom), ==, 1);
    testWaitHeartbeat("auto", 0, 2000);
    testDestroy(dom);
    g_assert_cmpint(test.drv->domainSetAutostart(&test.conn, dom, 0), ==, 0);
    g_assert_cmpint(test.drv->domainUndefineFlags(&test.conn, dom, 0), ==, 0);
}


static int
testRemoveTree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *child = g_build_filename(path, ent, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            testRemoveTree(child);
        else
            unlink(child);
    }
    return rmdir(path);
}


int
main(int argc, char **argv)
{
    const char *builddir = g_getenv("VIRTMIG_BUILDDIR");
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    int ret;

    virTestInit(&argc, &argv);
    if (!qemu) {
        printf("SKIP: qemu-system-x86_64 not found\n");
        return 77;
    }
    test.guest = g_build_filename(builddir ? builddir : BUILDDIR, "tests",
                                  "guest", "guest.elf", NULL);
    if (!virFileExists(test.guest)) {
        printf("SKIP: the test guest %s was not built\n", test.guest);
        return 77;
    }
    test.root = g_dir_make_tmp("qemuprocesstest-XXXXXX", NULL);
    test.events = g_ptr_array_new_with_free_func(testEventFree);
    g_mutex_init(&test.lock);
    g_cond_init(&test.cond);
    virUUIDGenerate(test.hostUUID);
    test.drv = virDriverModuleGet();
    testDriverStart();

    g_test_add_func("/qemuprocess/lifecycle", testLifecycle);
    g_test_add_func("/qemuprocess/timings", testTimings);
    g_test_add_func("/qemuprocess/kill-qemu", testKillQemu);
    g_test_add_func("/qemuprocess/transient", testTransient);
    g_test_add_func("/qemuprocess/create-defined", testCreateDefined);
    g_test_add_func("/qemuprocess/devices", testDevices);
    g_test_add_func("/qemuprocess/autodestroy", testAutoDestroy);
    g_test_add_func("/qemuprocess/concurrent", testConcurrent);
    g_test_add_func("/qemuprocess/bad-define", testBadDefine);
    g_test_add_func("/qemuprocess/reconnect", testReconnect);
    g_test_add_func("/qemuprocess/autostart", testAutostart);
    ret = g_test_run();

    testDriverStop();
    testRemoveTree(test.root);
    g_ptr_array_unref(test.events);
    g_free(test.root);
    g_free(test.guest);
    return ret;
}
