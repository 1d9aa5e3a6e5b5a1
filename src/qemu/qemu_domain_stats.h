/*
 * qemu_domain_stats.h: the statistics of one domain, from QEMU and /proc
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One fetch asks QEMU, under a QUERY job (allowed during a migration),
 * for what the wanted groups need; the rest comes from /proc of the QEMU
 * process and its vCPU threads and from the tap devices.  The group
 * builders then add libvirt's typed parameters ("block.0.rd.bytes",
 * ...) for virConnectGetAllDomainStats.
 */
#pragma once

#include "qemu_conf.h"
#include "virtypedparam.h"

/* The VIR_DOMAIN_STATS_* groups this driver reports. */
#define QEMU_DOMAIN_STATS_SUPPORTED \
    (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
     VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
     VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

/* What QEMU said, for one domain. */
typedef struct _qemuDomainStatsData qemuDomainStatsData;
struct _qemuDomainStatsData {
    bool fetched;                   /* QEMU answered (the domain runs) */
    GHashTable *block;              /* alias -> qemuMonitorBlockStats */
    GArray *vcpuTids;               /* pid_t by vCPU index */
    bool balloonSet;
    unsigned long long balloonKiB;  /* the balloon's current size */
    virDomainMemoryStatStruct guest[VIR_DOMAIN_MEMORY_STAT_NR];
    int nguest;                     /* what the guest's driver reported */
};
void qemuDomainStatsDataClear(qemuDomainStatsData *data);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuDomainStatsData, qemuDomainStatsDataClear);

int qemuDomainStatsFetch(virDomainObj *vm, unsigned int groups, bool nowait,
                         qemuDomainStatsData *data);

int qemuDomainStatsBlockParams(virDomainObj *vm, const qemuDomainStatsData *data,
                               const char *path, virTypedParamList *list);
int qemuDomainStatsMemory(virDomainObj *vm, const qemuDomainStatsData *data,
                          virDomainMemoryStatPtr stats, unsigned int max);
int qemuDomainStatsVcpus(virDomainObj *vm, const qemuDomainStatsData *data,
                         virVcpuInfoPtr info, int maxinfo,
                         unsigned char *cpumaps, int maplen);
virDomainNetDef *qemuDomainStatsFindNet(virDomainObj *vm, const char *device);
int qemuDomainStatsNet(const virDomainNetDef *net,
                       virDomainInterfaceStatsStruct *st);

int qemuDomainStatsGroups(virDomainObj *vm, const qemuDomainStatsData *data,
                          unsigned int groups, virTypedParamList *list);
