/*
 * qemumonitorfuzz.c: libFuzzer target of the QMP reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is what QEMU writes on the monitor socket, one message per
 * line.  A real qemuMonitor reads it (line framing, JSON parser,
 * greeting, reply matching, events, failure handling), while the target
 * plays QEMU: it hands over the lines before the first reply, then, each
 * time the monitor waits (for the greeting or for the reply to a
 * command), the next reply (a line holding "return" or "error") with the
 * lines that follow it up to the next reply, and finally the end of the
 * input as EOF.  The monitor negotiates capabilities and then asks what
 * the driver asks (status, migration statistics, capabilities and
 * parameters, version, machines, CPUs, open chardevs), so the replies
 * reach the typed parsers, and every event reaches the callbacks.
 *
 * The monitor is opened with qemuMonitorOpenPump: no socket, no event
 * thread, no peer thread; the input is fed from the thread that issues
 * the commands whenever it would wait.  A socket and two threads per
 * input, and a timed wait whenever the monitor sent no command the peer
 * could answer, had held the target to about 150 inputs a second; the
 * transport itself is covered by qemumonitortest.
 */
#include <config.h>

#include "qemu_monitor.h"
#include "qemu_monitor_periph.h"
#define QEMU_MONITOR_PRIV_H_ALLOW
#include "qemu_monitorpriv.h"
#include "virobject.h"
#include "fuzzutils.h"

/* Bounds a session that stops making progress: a finding, not a wait. */
#define FUZZ_TIMEOUT_MS 2000

typedef struct {
    const char *data;
    size_t size;
    size_t pos;         /* what the monitor has been given */
    bool started;       /* the lines before the first reply are given */
} fuzzPeer;


static void fuzzEvent(qemuMonitor *mon G_GNUC_UNUSED,
                      const char *event G_GNUC_UNUSED,
                      json_object *data G_GNUC_UNUSED,
                      long long seconds G_GNUC_UNUSED,
                      unsigned int micros G_GNUC_UNUSED,
                      void *opaque G_GNUC_UNUSED) {}
static void fuzzNotify(qemuMonitor *mon G_GNUC_UNUSED,
                       void *opaque G_GNUC_UNUSED) {}
static void fuzzShutdown(qemuMonitor *mon G_GNUC_UNUSED,
                         bool guest G_GNUC_UNUSED,
                         const char *reason G_GNUC_UNUSED,
                         void *opaque G_GNUC_UNUSED) {}
static void fuzzMigrationStatus(qemuMonitor *mon G_GNUC_UNUSED,
                                qemuMonitorMigrationStatus status G_GNUC_UNUSED,
                                void *opaque G_GNUC_UNUSED) {}
static void fuzzMigrationPass(qemuMonitor *mon G_GNUC_UNUSED,
                              int pass G_GNUC_UNUSED,
                              void *opaque G_GNUC_UNUSED) {}

static const qemuMonitorCallbacks fuzzCallbacks = {
    .eofNotify = fuzzNotify,
    .errorNotify = fuzzNotify,
    .domainEvent = fuzzEvent,
    .domainStop = fuzzNotify,
    .domainResume = fuzzNotify,
    .domainShutdown = fuzzShutdown,
    .domainReset = fuzzNotify,
    .domainPowerdown = fuzzNotify,
    .migrationStatus = fuzzMigrationStatus,
    .migrationPass = fuzzMigrationPass,
};


static bool
fuzzIsReply(const char *line, size_t len)
{
    return g_strstr_len(line, len, "\"return\"") ||
           g_strstr_len(line, len, "\"error\"");
}


/* The end of the line starting at @pos (after its '\n'). */
static size_t
fuzzLineEnd(const fuzzPeer *peer, size_t pos)
{
    const char *nl = memchr(peer->data + pos, '\n', peer->size - pos);

    return nl ? (size_t)(nl - peer->data) + 1 : peer->size;
}


/* The end of the lines from @pos up to the next reply line (excluded),
 * the line at @pos counting as no reply when @firstIsReply. */
static size_t
fuzzChunkEnd(const fuzzPeer *peer, size_t pos, bool firstIsReply)
{
    size_t start = pos;

    while (pos < peer->size) {
        size_t end = fuzzLineEnd(peer, pos);

        if (!(firstIsReply && pos == start) &&
            fuzzIsReply(peer->data + pos, end - pos))
            break;
        pos = end;
    }
    return pos;
}


/* The monitor waits: give it the next reply with the lines after it up
 * to the reply after that (the first time: the lines before the first
 * reply, if any), or, when all is given, the end of the input. */
static void
fuzzPump(qemuMonitor *mon, void *opaque)
{
    fuzzPeer *peer = opaque;
    size_t start = peer->pos;
    size_t end;

    /* QEMU reads the command the monitor wrote */
    ignore_value(qemuMonitorPumpTakeOutput(mon));
    if (start >= peer->size) {
        qemuMonitorPumpEOF(mon);
        return;
    }
    end = fuzzChunkEnd(peer, start, peer->started);
    if (end == start)
        end = fuzzChunkEnd(peer, start, true);
    peer->started = true;
    peer->pos = end;
    qemuMonitorPumpInput(mon, peer->data + start, end - start);
}


/* What the driver asks a QEMU it starts, minus what changes it. */
static void
fuzzQueries(qemuMonitor *mon)
{
    g_autofree char *status = NULL;
    g_autofree char *package = NULL;
    g_autoptr(GPtrArray) caps = NULL;
    g_autoptr(GPtrArray) machines = NULL;
    g_autoptr(json_object) params = NULL;
    g_autoptr(GHashTable) chardevs = NULL;
    qemuMonitorMigrationStats stats = { 0 };
    unsigned int major, minor, micro, count;
    bool running;

    virObjectLock(mon);
    qemuMonitorSetCommandTimeout(mon, FUZZ_TIMEOUT_MS);
    ignore_value(qemuMonitorGetStatus(mon, &running, &status));
    if (qemuMonitorGetMigrationStats(mon, &stats) == 0)
        qemuMonitorMigrationStatsClear(&stats);
    ignore_value(qemuMonitorGetMigrationCapabilities(mon, &caps));
    ignore_value(qemuMonitorGetMigrationParams(mon, &params));
    ignore_value(qemuMonitorGetVersion(mon, &major, &minor, &micro, &package));
    ignore_value(qemuMonitorGetMachines(mon, &machines));
    ignore_value(qemuMonitorGetCPUCount(mon, &count));
    ignore_value(qemuMonitorGetChardevOpen(mon, &chardevs));
    virObjectUnlock(mon);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzPeer peer = { .data = (const char *)data, .size = size };
    qemuMonitor *mon;

    fuzzInit();
    mon = qemuMonitorOpenPump("fuzz", FUZZ_TIMEOUT_MS, &fuzzCallbacks, NULL,
                              fuzzPump, &peer);
    if (mon) {
        fuzzQueries(mon);
        qemuMonitorClose(mon);
    }
    virErrorResetLast();
    return 0;
}
