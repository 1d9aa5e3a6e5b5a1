/*
 * virhoststats.h: usage counters of the host, of processes and of network
 * devices, read from /proc and /sys
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The numbers behind virNodeGetCPUStats, virNodeGetMemoryStats,
 * virNodeGetFreeMemory, virNodeGetCPUMap and the per-domain statistics
 * (vCPU threads, QEMU's CPU time and RSS, tap devices), in libvirt's
 * units: nanoseconds, KiB (bytes for free memory).  The parsers take
 * the text of the file so that tests can feed them recorded files.
 */
#pragma once

#include "internal.h"

/* What /proc/<pid>[/task/<tid>]/stat says about one process or thread. */
typedef struct _virProcStat virProcStat;
struct _virProcStat {
    unsigned long long userNs;      /* utime */
    unsigned long long systemNs;    /* stime */
    int lastCPU;                    /* "processor": where it last ran */
    unsigned long long rssKiB;
};

int virProcStatParse(const char *text, virProcStat *ret);
int virProcStatRead(pid_t pid, pid_t tid, virProcStat *ret);

/* Host CPU time of one CPU (@cpuNum >= 0) or of all (VIR_NODE_CPU_STATS_
 * ALL_CPUS): "kernel", "user", "idle", "iowait" in ns. */
int virHostStatsParseCPU(const char *procStat, int cpuNum,
                         virNodeCPUStats *params, int *nparams);
int virHostStatsGetCPU(int cpuNum, virNodeCPUStats *params, int *nparams);

/* Host memory: "total", "free", "buffers", "cached" in KiB. */
int virHostStatsParseMemory(const char *meminfo, virNodeMemoryStats *params,
                            int *nparams);
/* Of NUMA cell @cellNum, or of all with VIR_NODE_MEMORY_STATS_ALL_CELLS. */
int virHostStatsGetMemory(int cellNum, virNodeMemoryStats *params,
                          int *nparams);
int virHostStatsGetFreeMemory(int cellNum, unsigned long long *retBytes);
int virHostStatsGetCellCount(void);

/* The present CPUs as a bitmap (*@retMap, caller frees, may be NULL to
 * ask only the count), the online ones' count; returns the number of
 * CPUs the map covers or -1. */
int virHostStatsGetCPUMap(unsigned char **retMap, unsigned int *retOnline);

/* Counters of network device @ifname from /proc/net/dev (of the calling
 * thread's network namespace).  @swapped: the device is a tap whose
 * receive is the guest's transmit, so both directions are exchanged. */
int virHostStatsParseNetDev(const char *procNetDev, const char *ifname,
                            bool swapped, virDomainInterfaceStatsStruct *ret);
int virHostStatsGetNetDev(const char *ifname, bool swapped,
                          virDomainInterfaceStatsStruct *ret);

/* The CPU affinity of thread @tid into @map (@maplen bytes, zeroed
 * first).  Returns 0 or -1. */
int virHostStatsGetAffinity(pid_t tid, unsigned char *map, int maplen);
