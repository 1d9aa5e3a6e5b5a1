/*
 * qemu_monitor_stats.h: QMP queries behind the statistics APIs, and the
 * balloon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Same contract as qemu_monitor.h: @mon locked by the caller's
 * EnterMonitor, errors reported once.
 */
#pragma once

#include "qemu_monitor.h"

/* One disk frontend's counters (query-blockstats), times in ns, and its
 * image's virtual and host size (query-block). */
typedef struct _qemuMonitorBlockStats qemuMonitorBlockStats;
struct _qemuMonitorBlockStats {
    long long rdReq;
    long long rdBytes;
    long long rdTotalTimes;
    long long wrReq;
    long long wrBytes;
    long long wrTotalTimes;
    long long flushReq;
    long long flushTotalTimes;
    bool wrHighestOffsetValid;
    unsigned long long wrHighestOffset;
    unsigned long long capacity;        /* 0: unknown */
    unsigned long long physical;        /* the image's host allocation
                                         * (actual-size), 0: unknown */
};

/* *@retStats (caller owns): device alias ("virtio-disk0") ->
 * qemuMonitorBlockStats. */
int qemuMonitorGetBlockStats(qemuMonitor *mon, GHashTable **retStats);

/* The host thread of each vCPU, indexed by cpu-index (query-cpus-fast);
 * *@retTids is a GArray of pid_t the caller owns. */
int qemuMonitorGetVcpuThreads(qemuMonitor *mon, GArray **retTids);

/* The balloon's current size in bytes (query-balloon). */
int qemuMonitorGetBalloonActual(qemuMonitor *mon, unsigned long long *retBytes);
/* Resizes the balloon to @bytes ("balloon"). */
int qemuMonitorSetBalloon(qemuMonitor *mon, unsigned long long bytes);

/* The statistics the guest's balloon driver last reported (qom-get
 * guest-stats of /machine/peripheral/@alias), as libvirt's tags in KiB,
 * at most @max of them into @stats.  Returns how many, or -1. */
int qemuMonitorGetBalloonGuestStats(qemuMonitor *mon, const char *alias,
                                    virDomainMemoryStatPtr stats,
                                    unsigned int max);
