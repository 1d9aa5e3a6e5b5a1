/*
 * qemu_domain_stats.c: the statistics of one domain, from QEMU and /proc
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/stat.h>

#include "qemu_domain_stats.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_monitor_stats.h"
#include "virerror.h"
#include "virhoststats.h"
#include "virlog.h"
#include "virprocess.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.domain_stats");


void
qemuDomainStatsDataClear(qemuDomainStatsData *data)
{
    g_clear_pointer(&data->block, g_hash_table_unref);
    g_clear_pointer(&data->vcpuTids, g_array_unref);
    memset(data, 0, sizeof(*data));
}


static bool
qemuDomainStatsHasBalloon(virDomainObj *vm)
{
    return vm->def->memballoon &&
           vm->def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
           vm->def->memballoon->info.alias;
}


/* The monitor calls of qemuDomainStatsFetch; @vm is locked, in a job. */
static int
qemuDomainStatsFetchMonitor(virDomainObj *vm, unsigned int groups,
                            qemuDomainStatsData *data)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autofree char *balloon = NULL;
    unsigned long long bytes = 0;
    int rc = 0;

    if (qemuDomainStatsHasBalloon(vm))
        balloon = g_strdup(vm->def->memballoon->info.alias);
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    if (groups & VIR_DOMAIN_STATS_BLOCK)
        rc = qemuMonitorGetBlockStats(priv->mon, &data->block);
    if (rc == 0 && (groups & VIR_DOMAIN_STATS_VCPU))
        rc = qemuMonitorGetVcpuThreads(priv->mon, &data->vcpuTids);
    if (rc == 0 && balloon && (groups & VIR_DOMAIN_STATS_BALLOON)) {
        rc = qemuMonitorGetBalloonActual(priv->mon, &bytes);
        if (rc == 0) {
            data->balloonSet = true;
            data->balloonKiB = bytes / 1024;
            /* QEMU refuses while the guest's driver never reported */
            data->nguest = qemuMonitorGetBalloonGuestStats(
                priv->mon, balloon, data->guest, G_N_ELEMENTS(data->guest));
            if (data->nguest < 0) {
                data->nguest = 0;
                virErrorResetLast();
            }
        }
    }
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    data->fetched = true;
    return 0;
}


/**
 * qemuDomainStatsFetch:
 * Asks QEMU what @groups (VIR_DOMAIN_STATS_*) need, under a QUERY job;
 * nothing for an inactive domain.  @nowait: give up at once (returning
 * 0, nothing fetched) when another job holds the domain.  @vm is locked.
 * Returns 0 or -1 (reported).
 */
int
qemuDomainStatsFetch(virDomainObj *vm, unsigned int groups, bool nowait,
                     qemuDomainStatsData *data)
{
    int rc;

    groups &= VIR_DOMAIN_STATS_BLOCK | VIR_DOMAIN_STATS_VCPU |
              VIR_DOMAIN_STATS_BALLOON;
    if (!groups || !virDomainObjIsActive(vm))
        return 0;
    if (nowait) {
        if (virDomainObjBeginJobNowait(vm, VIR_JOB_QUERY) < 0) {
            virErrorResetLast();
            return 0;
        }
    } else if (virDomainObjBeginJob(vm, VIR_JOB_QUERY) < 0) {
        return -1;
    }
    rc = virDomainObjIsActive(vm) ? qemuDomainStatsFetchMonitor(vm, groups, data) : 0;
    virDomainObjEndJob(vm);
    return rc;
}


/* The disk @path names: its target or its source; NULL reported. */
static virDomainDiskDef *
qemuDomainStatsFindDisk(virDomainObj *vm, const char *path)
{
    size_t i;

    for (i = 0; i < vm->def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);

        if (g_str_equal(disk->dst, path) ||
            (disk->src->path && g_str_equal(disk->src->path, path)))
            return disk;
    }
    virReportError(VIR_ERR_INVALID_ARG, _("invalid path: %1$s"), path);
    return NULL;
}


/* Adds @src's counters into @sum. */
static void
qemuDomainStatsBlockAdd(qemuMonitorBlockStats *sum,
                        const qemuMonitorBlockStats *src)
{
    sum->rdReq += src->rdReq;
    sum->rdBytes += src->rdBytes;
    sum->rdTotalTimes += src->rdTotalTimes;
    sum->wrReq += src->wrReq;
    sum->wrBytes += src->wrBytes;
    sum->wrTotalTimes += src->wrTotalTimes;
    sum->flushReq += src->flushReq;
    sum->flushTotalTimes += src->flushTotalTimes;
}


/**
 * qemuDomainStatsBlockParams:
 * virDomainBlockStatsFlags of running @vm: the counters of disk @path,
 * or of all disks together for "", in libvirt's order.  Returns 0 or -1.
 */
int
qemuDomainStatsBlockParams(virDomainObj *vm, const qemuDomainStatsData *data,
                           const char *path, virTypedParamList *list)
{
    qemuMonitorBlockStats sum = { 0 };
    const qemuMonitorBlockStats *st;
    virDomainDiskDef *disk;

    if (!data->block) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return -1;
    }
    if (*path) {
        if (!(disk = qemuDomainStatsFindDisk(vm, path)))
            return -1;
        if (!disk->info.alias ||
            !(st = g_hash_table_lookup(data->block, disk->info.alias))) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("cannot find statistics for device '%1$s'"), path);
            return -1;
        }
        qemuDomainStatsBlockAdd(&sum, st);
    } else {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init(&iter, data->block);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            qemuDomainStatsBlockAdd(&sum, value);
    }
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, sum.wrBytes);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, sum.wrReq);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_READ_BYTES, sum.rdBytes);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_READ_REQ, sum.rdReq);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, sum.flushReq);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES,
                              sum.wrTotalTimes);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES,
                              sum.rdTotalTimes);
    virTypedParamListAddLLong(list, VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES,
                              sum.flushTotalTimes);
    return 0;
}


/**
 * qemuDomainStatsMemory:
 * virDomainMemoryStats of running @vm: what the guest's balloon driver
 * reported, the balloon's size and QEMU's RSS, at most @max.  Returns
 * the count.
 */
int
qemuDomainStatsMemory(virDomainObj *vm, const qemuDomainStatsData *data,
                      virDomainMemoryStatPtr stats, unsigned int max)
{
    virProcStat ps = { 0 };
    unsigned int n = 0;
    int i;

    for (i = 0; i < data->nguest && n < max; i++)
        stats[n++] = data->guest[i];
    if (n < max) {
        stats[n].tag = VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON;
        stats[n++].val = data->balloonSet ? data->balloonKiB
                                          : vm->def->currentMemory;
    }
    if (n < max && virDomainObjIsActive(vm) &&
        virProcStatRead(vm->pid, 0, &ps) == 0) {
        stats[n].tag = VIR_DOMAIN_MEMORY_STAT_RSS;
        stats[n++].val = ps.rssKiB;
    }
    virErrorResetLast();
    return n;
}


/**
 * qemuDomainStatsVcpus:
 * virDomainGetVcpus of running @vm: state, CPU time and last host CPU of
 * each vCPU thread, and its affinity into @cpumaps when given.  Returns
 * the count.
 */
int
qemuDomainStatsVcpus(virDomainObj *vm, const qemuDomainStatsData *data,
                     virVcpuInfoPtr info, int maxinfo,
                     unsigned char *cpumaps, int maplen)
{
    int n = MIN(maxinfo, (int)vm->def->vcpus);
    int i;

    for (i = 0; i < n; i++) {
        pid_t tid = data->vcpuTids && (guint)i < data->vcpuTids->len ?
                    g_array_index(data->vcpuTids, pid_t, i) : 0;
        virProcStat ps = { .lastCPU = -1 };

        if (tid > 0 && virProcStatRead(vm->pid, tid, &ps) < 0)
            virErrorResetLast();
        info[i].number = i;
        info[i].state = VIR_VCPU_RUNNING;
        info[i].cpuTime = ps.userNs + ps.systemNs;
        info[i].cpu = ps.lastCPU;
        if (cpumaps && maplen > 0 &&
            virHostStatsGetAffinity(tid > 0 ? tid : vm->pid,
                                    VIR_GET_CPUMAP(cpumaps, maplen, i), maplen) < 0)
            return -1;
    }
    return n;
}


/* The tap NIC of @vm named @device (target dev or MAC); NULL reported. */
virDomainNetDef *
qemuDomainStatsFindNet(virDomainObj *vm, const char *device)
{
    size_t i;

    for (i = 0; i < vm->def->nets->len; i++) {
        virDomainNetDef *net = g_ptr_array_index(vm->def->nets, i);
        char mac[VIR_MAC_STRING_BUFLEN];

        if ((net->ifname && g_str_equal(net->ifname, device)) ||
            g_ascii_strcasecmp(virDomainMacFormat(net->mac, mac), device) == 0) {
            if (net->ifname)
                return net;
            break;
        }
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("invalid path, '%1$s' is not a known interface"), device);
    return NULL;
}


/* The counters of @net's tap as the guest sees them. */
int
qemuDomainStatsNet(const virDomainNetDef *net, virDomainInterfaceStatsStruct *st)
{
    return virHostStatsGetNetDev(net->ifname, true, st);
}


/* ---- virConnectGetAllDomainStats groups ---- */

static void
qemuDomainStatsAddState(virDomainObj *vm, virTypedParamList *list)
{
    int reason = 0;
    int state = virDomainObjGetState(vm, &reason);

    virTypedParamListAddInt(list, "state.state", state);
    virTypedParamListAddInt(list, "state.reason", reason);
}


static void
qemuDomainStatsAddCpuTotal(virDomainObj *vm, virTypedParamList *list)
{
    virProcStat ps = { 0 };

    if (!virDomainObjIsActive(vm))
        return;
    if (virProcStatRead(vm->pid, 0, &ps) < 0) {
        virErrorResetLast();
        return;
    }
    virTypedParamListAddULLong(list, "cpu.time", virProcessGetCPUTime(vm->pid));
    virTypedParamListAddULLong(list, "cpu.user", ps.userNs);
    virTypedParamListAddULLong(list, "cpu.system", ps.systemNs);
}


/* libvirt's names of the memory statistics tags in "balloon.*". */
static const char *const qemuDomainStatsBalloonNames[VIR_DOMAIN_MEMORY_STAT_NR] = {
    [VIR_DOMAIN_MEMORY_STAT_SWAP_IN] = "swap_in",
    [VIR_DOMAIN_MEMORY_STAT_SWAP_OUT] = "swap_out",
    [VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT] = "major_fault",
    [VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT] = "minor_fault",
    [VIR_DOMAIN_MEMORY_STAT_UNUSED] = "unused",
    [VIR_DOMAIN_MEMORY_STAT_AVAILABLE] = "available",
    [VIR_DOMAIN_MEMORY_STAT_RSS] = "rss",
    [VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE] = "last-update",
    [VIR_DOMAIN_MEMORY_STAT_USABLE] = "usable",
    [VIR_DOMAIN_MEMORY_STAT_DISK_CACHES] = "disk_caches",
    [VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC] = "hugetlb_pgalloc",
    [VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL] = "hugetlb_pgfail",
};


static void
qemuDomainStatsAddBalloon(virDomainObj *vm, const qemuDomainStatsData *data,
                          virTypedParamList *list)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    int n;
    int i;

    virTypedParamListAddULLong(list, "balloon.current",
                               data->balloonSet ? data->balloonKiB
                                                : vm->def->currentMemory);
    virTypedParamListAddULLong(list, "balloon.maximum", vm->def->memory);
    if (!virDomainObjIsActive(vm))
        return;
    n = qemuDomainStatsMemory(vm, data, stats, G_N_ELEMENTS(stats));
    for (i = 0; i < n; i++) {
        g_autofree char *name = NULL;

        if (stats[i].tag < 0 || stats[i].tag >= VIR_DOMAIN_MEMORY_STAT_NR ||
            !qemuDomainStatsBalloonNames[stats[i].tag])
            continue;
        name = g_strdup_printf("balloon.%s", qemuDomainStatsBalloonNames[stats[i].tag]);
        virTypedParamListAddULLong(list, name, stats[i].val);
    }
}


static void
qemuDomainStatsAddVcpu(virDomainObj *vm, const qemuDomainStatsData *data,
                       virTypedParamList *list)
{
    g_autofree virVcpuInfo *info = NULL;
    int n;
    int i;

    virTypedParamListAddUInt(list, "vcpu.current", vm->def->vcpus);
    virTypedParamListAddUInt(list, "vcpu.maximum", vm->def->maxvcpus);
    if (!data->vcpuTids)
        return;
    info = g_new0(virVcpuInfo, MAX(vm->def->vcpus, 1));
    n = qemuDomainStatsVcpus(vm, data, info, vm->def->vcpus, NULL, 0);
    for (i = 0; i < n; i++) {
        g_autofree char *state = g_strdup_printf("vcpu.%d.state", i);
        g_autofree char *time = g_strdup_printf("vcpu.%d.time", i);

        virTypedParamListAddInt(list, state, info[i].state);
        virTypedParamListAddULLong(list, time, info[i].cpuTime);
    }
}


/* Adds "<prefix>.<name>" = @value. */
static void
qemuDomainStatsAddNamed(virTypedParamList *list, const char *prefix,
                        const char *name, unsigned long long value)
{
    g_autofree char *field = g_strdup_printf("%s.%s", prefix, name);

    virTypedParamListAddULLong(list, field, value);
}


static void
qemuDomainStatsAddInterfaces(virDomainObj *vm, virTypedParamList *list)
{
    unsigned int count = 0;
    size_t i;

    if (!virDomainObjIsActive(vm)) {
        virTypedParamListAddUInt(list, "net.count", 0);
        return;
    }
    for (i = 0; i < vm->def->nets->len; i++)
        count += ((virDomainNetDef *)g_ptr_array_index(vm->def->nets, i))->ifname != NULL;
    virTypedParamListAddUInt(list, "net.count", count);
    for (i = 0, count = 0; i < vm->def->nets->len; i++) {
        virDomainNetDef *net = g_ptr_array_index(vm->def->nets, i);
        g_autofree char *prefix = NULL;
        g_autofree char *name = NULL;
        virDomainInterfaceStatsStruct st = { 0 };

        if (!net->ifname)
            continue;
        prefix = g_strdup_printf("net.%u", count++);
        name = g_strdup_printf("%s.name", prefix);
        virTypedParamListAddString(list, name, net->ifname);
        if (qemuDomainStatsNet(net, &st) < 0) {
            virErrorResetLast();
            continue;
        }
        qemuDomainStatsAddNamed(list, prefix, "rx.bytes", st.rx_bytes);
        qemuDomainStatsAddNamed(list, prefix, "rx.pkts", st.rx_packets);
        qemuDomainStatsAddNamed(list, prefix, "rx.errs", st.rx_errs);
        qemuDomainStatsAddNamed(list, prefix, "rx.drop", st.rx_drop);
        qemuDomainStatsAddNamed(list, prefix, "tx.bytes", st.tx_bytes);
        qemuDomainStatsAddNamed(list, prefix, "tx.pkts", st.tx_packets);
        qemuDomainStatsAddNamed(list, prefix, "tx.errs", st.tx_errs);
        qemuDomainStatsAddNamed(list, prefix, "tx.drop", st.tx_drop);
    }
}


static void
qemuDomainStatsAddOneBlock(virDomainDiskDef *disk, const qemuDomainStatsData *data,
                           const char *prefix, virTypedParamList *list)
{
    const qemuMonitorBlockStats *st = NULL;
    struct stat sb;

    if (data->block && disk->info.alias)
        st = g_hash_table_lookup(data->block, disk->info.alias);
    if (st) {
        qemuDomainStatsAddNamed(list, prefix, "rd.reqs", st->rdReq);
        qemuDomainStatsAddNamed(list, prefix, "rd.bytes", st->rdBytes);
        qemuDomainStatsAddNamed(list, prefix, "rd.times", st->rdTotalTimes);
        qemuDomainStatsAddNamed(list, prefix, "wr.reqs", st->wrReq);
        qemuDomainStatsAddNamed(list, prefix, "wr.bytes", st->wrBytes);
        qemuDomainStatsAddNamed(list, prefix, "wr.times", st->wrTotalTimes);
        qemuDomainStatsAddNamed(list, prefix, "fl.reqs", st->flushReq);
        qemuDomainStatsAddNamed(list, prefix, "fl.times", st->flushTotalTimes);
        if (st->wrHighestOffsetValid)
            qemuDomainStatsAddNamed(list, prefix, "allocation", st->wrHighestOffset);
        if (st->capacity)
            qemuDomainStatsAddNamed(list, prefix, "capacity", st->capacity);
    }
    if (disk->src->path && stat(disk->src->path, &sb) == 0)
        qemuDomainStatsAddNamed(list, prefix, "physical",
                                S_ISREG(sb.st_mode) ? (unsigned long long)sb.st_size : 0);
}


static void
qemuDomainStatsAddBlocks(virDomainObj *vm, const qemuDomainStatsData *data,
                         virTypedParamList *list)
{
    size_t i;

    virTypedParamListAddUInt(list, "block.count", vm->def->disks->len);
    for (i = 0; i < vm->def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);
        g_autofree char *prefix = g_strdup_printf("block.%zu", i);
        g_autofree char *name = g_strdup_printf("%s.name", prefix);
        g_autofree char *path = g_strdup_printf("%s.path", prefix);

        virTypedParamListAddString(list, name, disk->dst);
        if (disk->src->path)
            virTypedParamListAddString(list, path, disk->src->path);
        qemuDomainStatsAddOneBlock(disk, data, prefix, list);
    }
}


/**
 * qemuDomainStatsGroups:
 * Adds the parameters of @groups (VIR_DOMAIN_STATS_*) of locked @vm to
 * @list, from @data (qemuDomainStatsFetch) and /proc.  Returns 0.
 */
int
qemuDomainStatsGroups(virDomainObj *vm, const qemuDomainStatsData *data,
                      unsigned int groups, virTypedParamList *list)
{
    if (groups & VIR_DOMAIN_STATS_STATE)
        qemuDomainStatsAddState(vm, list);
    if (groups & VIR_DOMAIN_STATS_CPU_TOTAL)
        qemuDomainStatsAddCpuTotal(vm, list);
    if (groups & VIR_DOMAIN_STATS_BALLOON)
        qemuDomainStatsAddBalloon(vm, data, list);
    if (groups & VIR_DOMAIN_STATS_VCPU)
        qemuDomainStatsAddVcpu(vm, data, list);
    if (groups & VIR_DOMAIN_STATS_INTERFACE)
        qemuDomainStatsAddInterfaces(vm, list);
    if (groups & VIR_DOMAIN_STATS_BLOCK)
        qemuDomainStatsAddBlocks(vm, data, list);
    return 0;
}
