/*
 * qemu_monitor_stats.c: QMP queries behind the statistics APIs, and the
 * balloon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_monitor_stats.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_stats");

#define QEMU_PERIPHERAL "/machine/peripheral/"


/* The device alias of a "qdev" path such as
 * "/machine/peripheral/virtio-disk0/virtio-backend"; caller owns it,
 * NULL for anonymous devices. */
static char *
qemuMonitorQdevAlias(const char *qdev)
{
    const char *start;
    const char *end;

    if (!qdev)
        return NULL;
    if (!g_str_has_prefix(qdev, QEMU_PERIPHERAL))
        return qdev[0] && qdev[0] != '/' ? g_strdup(qdev) : NULL;
    start = qdev + strlen(QEMU_PERIPHERAL);
    end = strchr(start, '/');
    return end ? g_strndup(start, end - start) : g_strdup(start);
}


static long long
qemuMonitorStatsGet(json_object *obj, const char *key)
{
    unsigned long long v = 0;

    qemuMonitorJSONGetULL(obj, key, &v);
    return (long long)v;
}


static void
qemuMonitorBlockStatsFill(qemuMonitorBlockStats *st, json_object *stats)
{
    st->rdReq = qemuMonitorStatsGet(stats, "rd_operations");
    st->rdBytes = qemuMonitorStatsGet(stats, "rd_bytes");
    st->rdTotalTimes = qemuMonitorStatsGet(stats, "rd_total_time_ns");
    st->wrReq = qemuMonitorStatsGet(stats, "wr_operations");
    st->wrBytes = qemuMonitorStatsGet(stats, "wr_bytes");
    st->wrTotalTimes = qemuMonitorStatsGet(stats, "wr_total_time_ns");
    st->flushReq = qemuMonitorStatsGet(stats, "flush_operations");
    st->flushTotalTimes = qemuMonitorStatsGet(stats, "flush_total_time_ns");
    st->wrHighestOffsetValid =
        qemuMonitorJSONGetULL(stats, "wr_highest_offset", &st->wrHighestOffset);
}


/* Adds the virtual and host size of each inserted medium of query-block. */
static int
qemuMonitorBlockAddCapacity(qemuMonitor *mon, GHashTable *table)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-block", NULL,
                                       json_type_array, &reply)))
        return -1;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *dev = json_object_array_get_idx(ret, i);
        g_autofree char *alias =
            qemuMonitorQdevAlias(qemuMonitorJSONGetString(dev, "qdev"));
        json_object *inserted = NULL;
        json_object *image = NULL;
        qemuMonitorBlockStats *st;

        if (!alias || !(st = g_hash_table_lookup(table, alias)) ||
            !json_object_object_get_ex(dev, "inserted", &inserted) ||
            !json_object_object_get_ex(inserted, "image", &image))
            continue;
        qemuMonitorJSONGetULL(image, "virtual-size", &st->capacity);
        qemuMonitorJSONGetULL(image, "actual-size", &st->physical);
    }
    return 0;
}


/**
 * qemuMonitorGetBlockStats:
 * query-blockstats and query-block, keyed by the frontend's alias.
 * Returns 0 or -1.
 */
int
qemuMonitorGetBlockStats(qemuMonitor *mon, GHashTable **retStats)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GHashTable) table = NULL;
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-blockstats", NULL,
                                       json_type_array, &reply)))
        return -1;
    table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *dev = json_object_array_get_idx(ret, i);
        g_autofree char *alias =
            qemuMonitorQdevAlias(qemuMonitorJSONGetString(dev, "qdev"));
        json_object *stats = NULL;
        qemuMonitorBlockStats *st;

        if (!alias || !json_object_object_get_ex(dev, "stats", &stats))
            continue;
        st = g_new0(qemuMonitorBlockStats, 1);
        qemuMonitorBlockStatsFill(st, stats);
        g_hash_table_replace(table, g_steal_pointer(&alias), st);
    }
    if (qemuMonitorBlockAddCapacity(mon, table) < 0)
        return -1;
    *retStats = g_steal_pointer(&table);
    return 0;
}


/**
 * qemuMonitorGetVcpuThreads:
 * query-cpus-fast: thread ids by cpu-index (0 where QEMU gave none).
 * Returns 0 or -1.
 */
int
qemuMonitorGetVcpuThreads(qemuMonitor *mon, GArray **retTids)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GArray) tids = g_array_new(FALSE, TRUE, sizeof(pid_t));
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-cpus-fast", NULL,
                                       json_type_array, &reply)))
        return -1;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *cpu = json_object_array_get_idx(ret, i);
        unsigned long long index = i;
        unsigned long long tid = 0;
        pid_t t;

        qemuMonitorJSONGetULL(cpu, "cpu-index", &index);
        qemuMonitorJSONGetULL(cpu, "thread-id", &tid);
        if (index >= 4096) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("QEMU reported vCPU index %1$llu"), index);
            return -1;
        }
        if (index >= tids->len)
            g_array_set_size(tids, index + 1);
        t = (pid_t)tid;
        g_array_index(tids, pid_t, index) = t;
    }
    *retTids = g_steal_pointer(&tids);
    return 0;
}


/* query-balloon: "actual" in bytes.  Returns 0 or -1. */
int
qemuMonitorGetBalloonActual(qemuMonitor *mon, unsigned long long *retBytes)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;
    unsigned long long actual;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-balloon", NULL,
                                       json_type_object, &reply)))
        return -1;
    if (!qemuMonitorJSONGetULL(ret, "actual", &actual)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-balloon reply was missing 'actual' data"));
        return -1;
    }
    *retBytes = actual;
    return 0;
}


/* "balloon": asks the guest to give memory back down to @bytes (or take
 * it up to it).  Returns 0 or -1. */
int
qemuMonitorSetBalloon(qemuMonitor *mon, unsigned long long bytes)
{
    g_autoptr(json_object) reply = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "value", json_object_new_int64((int64_t)bytes));
    return qemuMonitorJSONCommand(mon, "balloon", args, json_type_object,
                                  &reply) ? 0 : -1;
}


/* QEMU's guest-stats names, libvirt's tags, and whether bytes (to KiB). */
static const struct {
    const char *name;
    int tag;
    bool bytes;
} qemuMonitorBalloonStats[] = {
    { "stat-swap-in", VIR_DOMAIN_MEMORY_STAT_SWAP_IN, true },
    { "stat-swap-out", VIR_DOMAIN_MEMORY_STAT_SWAP_OUT, true },
    { "stat-major-faults", VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, false },
    { "stat-minor-faults", VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT, false },
    { "stat-free-memory", VIR_DOMAIN_MEMORY_STAT_UNUSED, true },
    { "stat-total-memory", VIR_DOMAIN_MEMORY_STAT_AVAILABLE, true },
    { "stat-available-memory", VIR_DOMAIN_MEMORY_STAT_USABLE, true },
    { "stat-disk-caches", VIR_DOMAIN_MEMORY_STAT_DISK_CACHES, true },
    { "stat-htlb-pgalloc", VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, false },
    { "stat-htlb-pgfail", VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, false },
};


/**
 * qemuMonitorGetBalloonGuestStats:
 * Reports only what the guest reported (QEMU gives -1 for the rest);
 * LAST_UPDATE when the guest reported at all.  Returns the count or -1.
 */
int
qemuMonitorGetBalloonGuestStats(qemuMonitor *mon, const char *alias,
                                virDomainMemoryStatPtr stats, unsigned int max)
{
    g_autoptr(json_object) reply = NULL;
    g_autofree char *path = g_strdup_printf(QEMU_PERIPHERAL "%s", alias);
    json_object *args = json_object_new_object();
    json_object *ret;
    json_object *gstats = NULL;
    json_object *v = NULL;
    unsigned int n = 0;
    size_t i;

    json_object_object_add(args, "path", json_object_new_string(path));
    json_object_object_add(args, "property", json_object_new_string("guest-stats"));
    if (!(ret = qemuMonitorJSONCommand(mon, "qom-get", args, json_type_object,
                                       &reply)))
        return -1;
    if (!json_object_object_get_ex(ret, "stats", &gstats))
        return 0;
    for (i = 0; i < G_N_ELEMENTS(qemuMonitorBalloonStats) && n < max; i++) {
        unsigned long long val;

        /* QEMU sends the unsigned -1 for what the guest never reported */
        if (!json_object_object_get_ex(gstats, qemuMonitorBalloonStats[i].name, &v) ||
            (val = json_object_get_uint64(v)) >= (unsigned long long)G_MAXINT64)
            continue;
        stats[n].tag = qemuMonitorBalloonStats[i].tag;
        stats[n++].val = qemuMonitorBalloonStats[i].bytes ? val / 1024 : val;
    }
    if (n > 0 && n < max && json_object_object_get_ex(ret, "last-update", &v) &&
        json_object_get_int64(v) > 0) {
        stats[n].tag = VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE;
        stats[n++].val = json_object_get_int64(v);
    }
    return n;
}
