/*
 * qemu_driver_stats.h: driver entry points for domain and host statistics
 * (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainBlockStats(virConn *conn, const virDomainIdent *dom,
                         const char *path, virDomainBlockStatsStruct *stats);
int qemuDomainBlockStatsFlags(virConn *conn, const virDomainIdent *dom,
                              const char *path, virTypedParameterPtr *params,
                              int *nparams, unsigned int flags);
int qemuDomainInterfaceStats(virConn *conn, const virDomainIdent *dom,
                             const char *device,
                             virDomainInterfaceStatsStruct *stats);
int qemuDomainMemoryStats(virConn *conn, const virDomainIdent *dom,
                          virDomainMemoryStatPtr stats, unsigned int nrStats,
                          unsigned int flags);
int qemuDomainGetVcpus(virConn *conn, const virDomainIdent *dom,
                       virVcpuInfoPtr info, int maxinfo,
                       unsigned char *cpumaps, int maplen);
int qemuDomainGetMaxMemory(virConn *conn, const virDomainIdent *dom,
                           unsigned long long *memory);
int qemuDomainGetMaxVcpus(virConn *conn, const virDomainIdent *dom);
int qemuConnectGetAllDomainStats(virConn *conn, virDomainIdent *const *doms,
                                 unsigned int ndoms, unsigned int stats,
                                 GPtrArray **retStats, unsigned int flags);

int qemuNodeGetCPUStats(virConn *conn, int cpuNum, virNodeCPUStatsPtr params,
                        int *nparams, unsigned int flags);
int qemuNodeGetMemoryStats(virConn *conn, int cellNum,
                           virNodeMemoryStatsPtr params, int *nparams,
                           unsigned int flags);
int qemuNodeGetFreeMemory(virConn *conn, unsigned long long *freeMem);
int qemuNodeGetCellsFreeMemory(virConn *conn, unsigned long long *freeMems,
                               int startCell, int maxCells);
int qemuNodeGetCPUMap(virConn *conn, unsigned char **cpumap,
                      unsigned int *online, unsigned int flags);
