/*
 * virhoststats.c: usage counters of the host, of processes and of network
 * devices, read from /proc and /sys
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sched.h>
#include <unistd.h>

#include "virhoststats.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostinfo.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("util.hoststats");

#define HOSTSTATS_FILE_MAX (4 * 1024 * 1024)
#define HOSTSTATS_CPU_PARAMS 4
#define HOSTSTATS_MEM_PARAMS 4

/* Clock ticks to nanoseconds. */
static unsigned long long
virHostStatsTicksToNs(unsigned long long ticks)
{
    long hz = sysconf(_SC_CLK_TCK);

    return ticks * (1000000000ULL / (hz > 0 ? hz : 100));
}


/* Splits @line on blanks, dropping empty words; caller owns the result. */
static GStrv
virHostStatsSplit(const char *line)
{
    g_auto(GStrv) raw = g_strsplit_set(line, " \t", -1);
    GPtrArray *words = g_ptr_array_new();
    char **w;

    for (w = raw; *w; w++) {
        if (**w)
            g_ptr_array_add(words, g_strdup(*w));
    }
    g_ptr_array_add(words, NULL);
    return (GStrv)g_ptr_array_free(words, FALSE);
}


static unsigned long long
virHostStatsNumber(const char *word)
{
    return g_ascii_strtoull(word, NULL, 10);
}


/**
 * virProcStatParse:
 * Parses the text of a /proc/<pid>/stat file into @ret.  Returns 0, or
 * -1 with VIR_ERR_INTERNAL_ERROR for a malformed file.
 */
int
virProcStatParse(const char *text, virProcStat *ret)
{
    g_auto(GStrv) fields = NULL;
    const char *end = strrchr(text, ')');
    long page = sysconf(_SC_PAGESIZE);

    /* after "pid (comm) ": field N of proc(5) is fields[N - 3] */
    if (end && end[1] == ' ')
        fields = virHostStatsSplit(end + 2);
    if (!fields || g_strv_length(fields) < 37) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("malformed process statistics"));
        return -1;
    }
    ret->userNs = virHostStatsTicksToNs(virHostStatsNumber(fields[11]));
    ret->systemNs = virHostStatsTicksToNs(virHostStatsNumber(fields[12]));
    ret->rssKiB = virHostStatsNumber(fields[21]) * (page > 0 ? page : 4096) / 1024;
    ret->lastCPU = (int)g_ascii_strtoll(fields[36], NULL, 10);
    return 0;
}


/**
 * virProcStatRead:
 * The statistics of process @pid, or of its thread @tid when @tid > 0.
 * Returns 0 or -1 (reported).
 */
int
virProcStatRead(pid_t pid, pid_t tid, virProcStat *ret)
{
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;

    if (tid > 0)
        path = g_strdup_printf("/proc/%lld/task/%lld/stat", (long long)pid,
                               (long long)tid);
    else
        path = g_strdup_printf("/proc/%lld/stat", (long long)pid);
    if (virFileReadAll(path, HOSTSTATS_FILE_MAX, &text) < 0)
        return -1;
    return virProcStatParse(text, ret);
}


static void
virHostStatsSetCPUParam(virNodeCPUStats *param, const char *field,
                        unsigned long long ticks)
{
    g_strlcpy(param->field, field, sizeof(param->field));
    param->value = virHostStatsTicksToNs(ticks);
}


/* Reports the nparams error of a call whose answer has @want entries. */
static int
virHostStatsCheckNparams(const char *api, int nparams, int want)
{
    if (nparams == want)
        return 0;
    virReportError(VIR_ERR_INVALID_ARG,
                   _("nparams in %1$s must be %2$d"), api, want);
    return -1;
}


/**
 * virHostStatsParseCPU:
 * From the text of /proc/stat: with *@nparams 0 only the count (4);
 * otherwise *@nparams must be 4 and @params gets kernel (system, irq and
 * softirq), user (with nice), idle and iowait in ns, of CPU @cpuNum or
 * of all.  Returns 0 or -1 (reported; VIR_ERR_INVALID_ARG for a CPU
 * that does not exist).
 */
int
virHostStatsParseCPU(const char *procStat, int cpuNum,
                     virNodeCPUStats *params, int *nparams)
{
    g_auto(GStrv) lines = g_strsplit(procStat, "\n", -1);
    g_autofree char *want = NULL;
    char **line;

    if (*nparams == 0) {
        *nparams = HOSTSTATS_CPU_PARAMS;
        return 0;
    }
    if (virHostStatsCheckNparams("virNodeGetCPUStats", *nparams,
                                 HOSTSTATS_CPU_PARAMS) < 0)
        return -1;
    want = cpuNum == VIR_NODE_CPU_STATS_ALL_CPUS ? g_strdup("cpu")
                                                 : g_strdup_printf("cpu%d", cpuNum);
    for (line = lines; *line; line++) {
        g_auto(GStrv) f = virHostStatsSplit(*line);

        if (!f[0] || !g_str_equal(f[0], want) || g_strv_length(f) < 8)
            continue;
        virHostStatsSetCPUParam(&params[0], VIR_NODE_CPU_STATS_KERNEL,
                                virHostStatsNumber(f[3]) + virHostStatsNumber(f[6]) +
                                virHostStatsNumber(f[7]));
        virHostStatsSetCPUParam(&params[1], VIR_NODE_CPU_STATS_USER,
                                virHostStatsNumber(f[1]) + virHostStatsNumber(f[2]));
        virHostStatsSetCPUParam(&params[2], VIR_NODE_CPU_STATS_IDLE,
                                virHostStatsNumber(f[4]));
        virHostStatsSetCPUParam(&params[3], VIR_NODE_CPU_STATS_IOWAIT,
                                virHostStatsNumber(f[5]));
        return 0;
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("Invalid cpuNum in %1$s"), "virNodeGetCPUStats");
    return -1;
}


/* virHostStatsParseCPU on the host's /proc/stat. */
int
virHostStatsGetCPU(int cpuNum, virNodeCPUStats *params, int *nparams)
{
    g_autofree char *text = NULL;

    if (cpuNum < VIR_NODE_CPU_STATS_ALL_CPUS) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("Invalid cpuNum in %1$s"), "virNodeGetCPUStats");
        return -1;
    }
    if (*nparams != 0 && virFileReadAll("/proc/stat", HOSTSTATS_FILE_MAX,
                                        &text) < 0)
        return -1;
    return virHostStatsParseCPU(text ? text : "", cpuNum, params, nparams);
}


/**
 * virHostStatsParseMemory:
 * From the text of /proc/meminfo (or a NUMA node's meminfo, whose lines
 * start with "Node N"): total, free, buffers and cached in KiB, with the
 * same *@nparams rule as virHostStatsParseCPU.  Returns 0 or -1.
 */
int
virHostStatsParseMemory(const char *meminfo, virNodeMemoryStats *params,
                        int *nparams)
{
    static const char *const keys[HOSTSTATS_MEM_PARAMS][2] = {
        { "MemTotal:", VIR_NODE_MEMORY_STATS_TOTAL },
        { "MemFree:", VIR_NODE_MEMORY_STATS_FREE },
        { "Buffers:", VIR_NODE_MEMORY_STATS_BUFFERS },
        { "Cached:", VIR_NODE_MEMORY_STATS_CACHED },
    };
    g_auto(GStrv) lines = g_strsplit(meminfo, "\n", -1);
    char **line;
    size_t i;

    if (*nparams == 0) {
        *nparams = HOSTSTATS_MEM_PARAMS;
        return 0;
    }
    if (virHostStatsCheckNparams("virNodeGetMemoryStats", *nparams,
                                 HOSTSTATS_MEM_PARAMS) < 0)
        return -1;
    for (i = 0; i < HOSTSTATS_MEM_PARAMS; i++) {
        g_strlcpy(params[i].field, keys[i][1], sizeof(params[i].field));
        params[i].value = 0;
    }
    for (line = lines; *line; line++) {
        g_auto(GStrv) f = virHostStatsSplit(*line);
        size_t k = f[0] && g_str_equal(f[0], "Node") && f[1] ? 2 : 0;

        if (g_strv_length(f) < k + 2)
            continue;
        for (i = 0; i < HOSTSTATS_MEM_PARAMS; i++) {
            if (g_str_equal(f[k], keys[i][0]))
                params[i].value = virHostStatsNumber(f[k + 1]);
        }
    }
    return 0;
}


/* The number of NUMA cells (1 without NUMA information). */
int
virHostStatsGetCellCount(void)
{
    g_autofree char *text = NULL;
    g_autoptr(GArray) cells = NULL;

    if (!g_file_get_contents("/sys/devices/system/node/online", &text, NULL, NULL) ||
        virHostInfoParseCPUList(g_strstrip(text), &cells) < 0 || cells->len == 0) {
        virErrorResetLast();
        return 1;
    }
    return g_array_index(cells, unsigned int, cells->len - 1) + 1;
}


/**
 * virHostStatsGetMemory:
 * virHostStatsParseMemory on /proc/meminfo (@cellNum
 * VIR_NODE_MEMORY_STATS_ALL_CELLS) or on NUMA cell @cellNum's meminfo.
 * Returns 0 or -1 (VIR_ERR_INVALID_ARG for a cell that does not exist).
 */
int
virHostStatsGetMemory(int cellNum, virNodeMemoryStats *params, int *nparams)
{
    g_autofree char *text = NULL;
    g_autofree char *path = NULL;

    if (cellNum != VIR_NODE_MEMORY_STATS_ALL_CELLS &&
        (cellNum < 0 || cellNum >= virHostStatsGetCellCount())) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("Invalid cell number"));
        return -1;
    }
    if (cellNum == VIR_NODE_MEMORY_STATS_ALL_CELLS ||
        !g_file_test("/sys/devices/system/node", G_FILE_TEST_IS_DIR))
        path = g_strdup("/proc/meminfo");
    else
        path = g_strdup_printf("/sys/devices/system/node/node%d/meminfo", cellNum);
    if (*nparams != 0 && virFileReadAll(path, HOSTSTATS_FILE_MAX, &text) < 0)
        return -1;
    return virHostStatsParseMemory(text ? text : "", params, nparams);
}


/* The free memory in bytes (MemFree) of cell @cellNum or of all (-1).
 * Returns 0 or -1. */
int
virHostStatsGetFreeMemory(int cellNum, unsigned long long *retBytes)
{
    virNodeMemoryStats params[HOSTSTATS_MEM_PARAMS];
    int nparams = HOSTSTATS_MEM_PARAMS;

    if (virHostStatsGetMemory(cellNum, params, &nparams) < 0)
        return -1;
    *retBytes = params[1].value * 1024;
    return 0;
}


/* The CPU list in sysfs file @name, as a sorted array of ids. */
static int
virHostStatsReadCPUList(const char *name, GArray **ret)
{
    g_autofree char *path = g_strdup_printf("/sys/devices/system/cpu/%s", name);
    g_autofree char *text = NULL;

    if (virFileReadAll(path, HOSTSTATS_FILE_MAX, &text) < 0)
        return -1;
    return virHostInfoParseCPUList(g_strstrip(text), ret);
}


/**
 * virHostStatsGetCPUMap:
 * virNodeGetCPUMap: the map covers the present CPUs (highest id + 1),
 * its set bits are the online ones.  Returns that CPU count or -1.
 */
int
virHostStatsGetCPUMap(unsigned char **retMap, unsigned int *retOnline)
{
    g_autoptr(GArray) present = NULL;
    g_autoptr(GArray) online = NULL;
    int ncpus;
    size_t i;

    if (virHostStatsReadCPUList("present", &present) < 0 ||
        virHostStatsReadCPUList("online", &online) < 0)
        return -1;
    ncpus = present->len ? g_array_index(present, unsigned int, present->len - 1) + 1 : 0;
    if (retMap) {
        unsigned char *map = g_new0(unsigned char, MAX(VIR_CPU_MAPLEN(ncpus), 1));

        for (i = 0; i < online->len; i++) {
            unsigned int cpu = g_array_index(online, unsigned int, i);

            if (cpu < (unsigned int)ncpus)
                VIR_USE_CPU(map, cpu);
        }
        *retMap = map;
    }
    if (retOnline)
        *retOnline = online->len;
    return ncpus;
}


/**
 * virHostStatsParseNetDev:
 * The counters of @ifname in the text of /proc/net/dev.  Returns 0, or
 * -1 with VIR_ERR_INVALID_ARG when the device is not there.
 */
int
virHostStatsParseNetDev(const char *procNetDev, const char *ifname,
                        bool swapped, virDomainInterfaceStatsStruct *ret)
{
    g_auto(GStrv) lines = g_strsplit(procNetDev, "\n", -1);
    g_autofree char *want = g_strdup_printf("%s:", ifname);
    char **line;

    for (line = lines; *line; line++) {
        g_autofree char *spaced = NULL;
        g_auto(GStrv) f = NULL;
        long long v[16];
        size_t i;

        if (!g_str_has_prefix(g_strchug(*line), want))
            continue;
        spaced = g_strdup(*line + strlen(want));
        f = virHostStatsSplit(spaced);
        if (g_strv_length(f) < 16)
            break;
        for (i = 0; i < 16; i++)
            v[i] = (long long)virHostStatsNumber(f[i]);
        /* receive: bytes packets errs drop ...; transmit from word 8 */
        ret->rx_bytes = v[swapped ? 8 : 0];
        ret->rx_packets = v[swapped ? 9 : 1];
        ret->rx_errs = v[swapped ? 10 : 2];
        ret->rx_drop = v[swapped ? 11 : 3];
        ret->tx_bytes = v[swapped ? 0 : 8];
        ret->tx_packets = v[swapped ? 1 : 9];
        ret->tx_errs = v[swapped ? 2 : 10];
        ret->tx_drop = v[swapped ? 3 : 11];
        return 0;
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("invalid path, '%1$s' is not a known interface"), ifname);
    return -1;
}


/* virHostStatsParseNetDev on this network namespace's /proc/net/dev. */
int
virHostStatsGetNetDev(const char *ifname, bool swapped,
                      virDomainInterfaceStatsStruct *ret)
{
    g_autofree char *text = NULL;

    if (virFileReadAll("/proc/net/dev", HOSTSTATS_FILE_MAX, &text) < 0)
        return -1;
    return virHostStatsParseNetDev(text, ifname, swapped, ret);
}


/* The affinity of thread @tid as a libvirt CPU map of @maplen bytes. */
int
virHostStatsGetAffinity(pid_t tid, unsigned char *map, int maplen)
{
    cpu_set_t set;
    int cpu;

    memset(map, 0, maplen);
    CPU_ZERO(&set);
    if (sched_getaffinity(tid, sizeof(set), &set) < 0) {
        virReportSystemError(errno, _("cannot get the CPU affinity of thread %1$lld"),
                             (long long)tid);
        return -1;
    }
    for (cpu = 0; cpu < maplen * 8 && cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set))
            VIR_USE_CPU(map, cpu);
    }
    return 0;
}
