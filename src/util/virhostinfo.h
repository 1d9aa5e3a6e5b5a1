/*
 * virhostinfo.h: facts about the host (CPUs, memory, NUMA cells, name)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Read from /proc and /sys the way libvirt's Linux nodeinfo code does, for
 * virNodeGetInfo and the <host> part of the capabilities XML.
 */
#pragma once

#include "internal.h"
#include "virarch.h"

/* One logical CPU of a NUMA cell. */
typedef struct _virHostInfoCPU virHostInfoCPU;
struct _virHostInfoCPU {
    unsigned int id;
    int socket;             /* physical_package_id, -1 if unknown */
    int die;                /* die_id, 0 if the kernel has none */
    int core;               /* core_id, -1 if unknown */
    char *siblings;         /* thread siblings as a list, e.g. "0,4" */
};

typedef struct _virHostInfoCell virHostInfoCell;
struct _virHostInfoCell {
    unsigned int id;
    unsigned long long memory;  /* KiB */
    GArray *cpus;               /* virHostInfoCPU, online CPUs only */
};

typedef struct _virHostInfo virHostInfo;
struct _virHostInfo {
    virArch arch;
    char *cpuModel;         /* "model name" of /proc/cpuinfo, or NULL */
    char *cpuVendor;        /* "Intel", "AMD", or the raw vendor_id */
    char *cpuFlags;         /* "flags" of /proc/cpuinfo (Linux's names) */
    unsigned int sockets;   /* all packages of the host */
    unsigned int dies;      /* per socket */
    unsigned int cores;     /* per die */
    unsigned int threads;   /* per core */
    GPtrArray *cells;       /* virHostInfoCell, at least one */
};

void virHostInfoFree(virHostInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostInfo, virHostInfoFree);

virHostInfo *virHostInfoProbe(void);
int virHostInfoGetNodeInfo(virNodeInfo *nodeinfo);
char *virHostInfoGetHostname(void);
int virHostInfoParseCPUList(const char *str, GArray **cpus);
