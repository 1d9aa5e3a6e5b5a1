/*
 * qemumonitorfuzz.c: libFuzzer target of the QMP reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is what QEMU writes on the monitor socket, one message per
 * line.  A real qemuMonitor reads it from a socketpair (its event thread,
 * line framing, JSON parser, greeting, reply matching and events), while
 * the fuzz target plays QEMU on the other end: it sends the lines before
 * the first reply at once, then, for each command the monitor sends, the
 * next reply (a line holding "return" or "error") with the lines that
 * follow it up to the next reply, and finally closes the socket.  The
 * monitor negotiates capabilities and then asks what the driver asks
 * (status, migration statistics, capabilities and parameters, version,
 * machines, CPUs, open chardevs), so the replies reach the typed
 * parsers, and every event reaches the callbacks.  A peer that does not
 * answer a command within FUZZ_WAIT_MS is sent its next line anyway.
 */
#include <config.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu_monitor.h"
#include "qemu_monitor_periph.h"
#include "virobject.h"
#include "fuzzutils.h"

#define FUZZ_WAIT_MS 20
#define FUZZ_TIMEOUT_MS 2000

typedef struct {
    int fd;
    const char *data;
    size_t size;
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


/* Writes lines from @pos up to the next reply line (excluded), or to the
 * end; returns where it stopped. */
static size_t
fuzzSendUntilReply(const fuzzPeer *peer, size_t pos, bool firstIsReply)
{
    size_t start = pos;

    while (pos < peer->size) {
        size_t end = fuzzLineEnd(peer, pos);

        if (!(firstIsReply && pos == start) &&
            fuzzIsReply(peer->data + pos, end - pos))
            break;
        pos = end;
    }
    while (start < pos) {
        ssize_t n = send(peer->fd, peer->data + start, pos - start,
                         MSG_NOSIGNAL);

        if (n <= 0)
            return peer->size;
        start += n;
    }
    return pos;
}


/* Waits until the monitor has sent a whole command line (or
 * FUZZ_WAIT_MS passed).  Returns false at the end of its output. */
static bool
fuzzWaitCommand(const fuzzPeer *peer)
{
    struct pollfd pfd = { .fd = peer->fd, .events = POLLIN };
    char buf[4096];

    for (;;) {
        ssize_t n;

        if (poll(&pfd, 1, FUZZ_WAIT_MS) <= 0)
            return true;
        if ((n = read(peer->fd, buf, sizeof(buf))) <= 0)
            return false;
        if (memchr(buf, '\n', n))
            return true;
    }
}


static gpointer
fuzzPeerThread(gpointer opaque)
{
    fuzzPeer *peer = opaque;
    size_t pos = fuzzSendUntilReply(peer, 0, false);
    char buf[4096];

    while (pos < peer->size && fuzzWaitCommand(peer))
        pos = fuzzSendUntilReply(peer, pos, true);
    shutdown(peer->fd, SHUT_WR);
    while (read(peer->fd, buf, sizeof(buf)) > 0)
        ;
    return NULL;
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
    int fds[2];
    GThread *thread;
    qemuMonitor *mon;

    fuzzInit();
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        abort();
    peer.fd = fds[1];
    thread = g_thread_new("fuzz-qemu", fuzzPeerThread, &peer);
    mon = qemuMonitorOpenFD(fds[0], "fuzz", FUZZ_TIMEOUT_MS, &fuzzCallbacks,
                            NULL);
    if (mon) {
        fuzzQueries(mon);
        qemuMonitorClose(mon);
    }
    g_thread_join(thread);
    close(fds[1]);
    virErrorResetLast();
    return 0;
}
