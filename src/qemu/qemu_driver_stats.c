/*
 * qemu_driver_stats.c: driver entry points for domain and host statistics
 * (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What QEMU knows (block counters, vCPU threads, the balloon) is asked
 * under a QUERY job, which a migration allows, so operators can watch a
 * guest while it moves; the rest is read from /proc.  Units are libvirt's.
 */
#include <config.h>

#include "qemu_driver_stats.h"
#include "qemu_domain_stats.h"
#include "qemu_domain.h"
#include "virerror.h"
#include "virhoststats.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_stats");

#define QEMU_STATS_LIST_FILTERS \
    (VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF | \
     VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER)


/* Fetches @groups of running @dom: locked, referenced *@vm and its data.
 * Returns 0 or -1 (reported; *@vm is NULL then). */
static int
qemuDomainStatsFetchRunning(const virDomainIdent *dom, unsigned int groups,
                            virDomainObj **vm, qemuDomainStatsData *data)
{
    if (!(*vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(*vm) < 0 ||
        qemuDomainStatsFetch(*vm, groups, false, data) < 0 ||
        virDomainObjCheckActive(*vm) < 0) {
        virDomainObjEndAPI(vm);
        return -1;
    }
    return 0;
}


/* virDomainBlockStatsFlags: the counters of disk @path ("" for all). */
int
qemuDomainBlockStatsFlags(virConn *conn G_GNUC_UNUSED,
                          const virDomainIdent *dom,
                          const char *path, virTypedParameterPtr *params,
                          int *nparams, unsigned int flags)
{
    g_auto(qemuDomainStatsData) data = { 0 };
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    virDomainObj *vm;
    int rc;

    VIR_DEBUG("dom=%s path=%s nparams=%d flags=0x%x", dom->name, path,
              *nparams, flags);
    virCheckFlags(VIR_TYPED_PARAM_STRING_OKAY, -1);
    if (qemuDomainStatsFetchRunning(dom, VIR_DOMAIN_STATS_BLOCK, &vm, &data) < 0)
        return -1;
    rc = qemuDomainStatsBlockParams(vm, &data, path, list);
    virDomainObjEndAPI(&vm);
    if (rc < 0)
        return -1;
    virTypedParamListSteal(list, params, nparams);
    return 0;
}


/* The LLONG counter @name of @params, 0 when absent. */
static long long
qemuBlockStatsGet(const virTypedParameter *params, int nparams,
                  const char *name)
{
    long long v = 0;

    if (virTypedParamArrayGetLLong(params, nparams, name, &v) != 1)
        return 0;
    return v;
}


/* virDomainBlockStats: the legacy counters of disk @path ("" for all),
 * read from the typed ones; QEMU counts no errors. */
int
qemuDomainBlockStats(virConn *conn, const virDomainIdent *dom, const char *path,
                     virDomainBlockStatsStruct *stats)
{
    virTypedParameterPtr params = NULL;
    int n = 0;

    if (qemuDomainBlockStatsFlags(conn, dom, path, &params, &n, 0) < 0)
        return -1;
    stats->rd_req = qemuBlockStatsGet(params, n,
                                      VIR_DOMAIN_BLOCK_STATS_READ_REQ);
    stats->rd_bytes = qemuBlockStatsGet(params, n,
                                        VIR_DOMAIN_BLOCK_STATS_READ_BYTES);
    stats->wr_req = qemuBlockStatsGet(params, n,
                                      VIR_DOMAIN_BLOCK_STATS_WRITE_REQ);
    stats->wr_bytes = qemuBlockStatsGet(params, n,
                                        VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES);
    stats->errs = -1;
    virTypedParamArrayFree(params, n);
    return 0;
}


/* virDomainInterfaceStats: a tap NIC's counters as the guest sees them. */
int
qemuDomainInterfaceStats(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                         const char *device, virDomainInterfaceStatsStruct *stats)
{
    virDomainObj *vm;
    virDomainNetDef *net;
    int rc = -1;

    VIR_DEBUG("dom=%s device=%s", dom->name, device);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0 &&
        (net = qemuDomainStatsFindNet(vm, device)))
        rc = qemuDomainStatsNet(net, stats);
    virDomainObjEndAPI(&vm);
    return rc;
}


/* virDomainMemoryStats: the guest's balloon statistics, the balloon and
 * QEMU's RSS, in KiB. */
int
qemuDomainMemoryStats(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      virDomainMemoryStatPtr stats, unsigned int nrStats,
                      unsigned int flags)
{
    g_auto(qemuDomainStatsData) data = { 0 };
    virDomainObj *vm;
    int n;

    VIR_DEBUG("dom=%s nrStats=%u flags=0x%x", dom->name, nrStats, flags);
    virCheckFlags(0, -1);
    if (qemuDomainStatsFetchRunning(dom, VIR_DOMAIN_STATS_BALLOON, &vm, &data) < 0)
        return -1;
    n = qemuDomainStatsMemory(vm, &data, stats, nrStats);
    virDomainObjEndAPI(&vm);
    return n;
}


/* virDomainGetVcpus: each vCPU thread's CPU time, host CPU and affinity. */
int
qemuDomainGetVcpus(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                   virVcpuInfoPtr info, int maxinfo,
                   unsigned char *cpumaps, int maplen)
{
    g_auto(qemuDomainStatsData) data = { 0 };
    virDomainObj *vm;
    int n;

    VIR_DEBUG("dom=%s maxinfo=%d maplen=%d", dom->name, maxinfo, maplen);
    if (qemuDomainStatsFetchRunning(dom, VIR_DOMAIN_STATS_VCPU, &vm, &data) < 0)
        return -1;
    n = qemuDomainStatsVcpus(vm, &data, info, maxinfo, cpumaps, maplen);
    virDomainObjEndAPI(&vm);
    return n;
}


/* virDomainGetMaxMemory: <memory> in KiB. */
int
qemuDomainGetMaxMemory(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                       unsigned long long *memory)
{
    virDomainObj *vm;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    *memory = vm->def->memory;
    virDomainObjEndAPI(&vm);
    return 0;
}


/* virDomainGetMaxVcpus: of a running domain, as libvirt's QEMU driver. */
int
qemuDomainGetMaxVcpus(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    virDomainObj *vm;
    int n = -1;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0)
        n = vm->def->maxvcpus;
    virDomainObjEndAPI(&vm);
    return n;
}


/* The record of @vm (referenced, unlocked) for @groups. */
static virDomainStatsRec *
qemuDomainStatsRecordOne(virDomainObj *vm, unsigned int groups, bool nowait)
{
    g_auto(qemuDomainStatsData) data = { 0 };
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    virDomainStatsRec *rec = g_new0(virDomainStatsRec, 1);

    virObjectLock(vm);
    /* without QEMU's answer the groups report what they know */
    if (qemuDomainStatsFetch(vm, groups, nowait, &data) < 0)
        virErrorResetLast();
    qemuDomainStatsGroups(vm, &data, groups, list);
    rec->dom = virDomainIdentNew(vm->def->name, vm->def->uuid, vm->def->id);
    virObjectUnlock(vm);
    virTypedParamListSteal(list, &rec->params, &rec->nparams);
    return rec;
}


/* The groups to report: all for 0; unknown ones refused with @enforce. */
static int
qemuDomainStatsGroupsWanted(unsigned int stats, bool enforce,
                            unsigned int *groups)
{
    if (stats == 0) {
        *groups = QEMU_DOMAIN_STATS_SUPPORTED;
        return 0;
    }
    if (enforce && (stats & ~QEMU_DOMAIN_STATS_SUPPORTED)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("Stats types bits 0x%1$x are not supported by this daemon"),
                       stats & ~QEMU_DOMAIN_STATS_SUPPORTED);
        return -1;
    }
    *groups = stats & QEMU_DOMAIN_STATS_SUPPORTED;
    return 0;
}


/* The domain of @vms with @uuid, or NULL. */
static virDomainObj *
qemuDomainStatsPick(virDomainObj **vms, size_t nvms, const unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < nvms; i++) {
        if (memcmp(vms[i]->def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return vms[i];
    }
    return NULL;
}


/**
 * qemuConnectGetAllDomainStats:
 * virConnectGetAllDomainStats / virDomainListGetStats: for @doms (those
 * that exist and pass the filters of @flags, in their order) or every
 * domain the filters select, the groups of @stats.  A domain whose QEMU
 * cannot answer (busy with NOWAIT, dying) still gets a record.
 */
int
qemuConnectGetAllDomainStats(virConn *conn G_GNUC_UNUSED,
                             virDomainIdent *const *doms,
                             unsigned int ndoms, unsigned int stats,
                             GPtrArray **retStats, unsigned int flags)
{
    g_autoptr(GPtrArray) recs =
        g_ptr_array_new_with_free_func((GDestroyNotify)virDomainStatsRecFree);
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    unsigned int groups;
    bool nowait = flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    size_t i;

    VIR_DEBUG("ndoms=%u stats=0x%x flags=0x%x", ndoms, stats, flags);
    virCheckFlags(QEMU_STATS_LIST_FILTERS |
                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |
                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |
                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS, -1);
    if (qemuDomainStatsGroupsWanted(
            stats, flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS,
            &groups) < 0)
        return -1;
    virDomainObjListCollect(qemu_driver->domains, flags & QEMU_STATS_LIST_FILTERS,
                            NULL, NULL, &vms, &nvms);
    for (i = 0; i < (ndoms ? ndoms : nvms); i++) {
        virDomainObj *vm = ndoms ? qemuDomainStatsPick(vms, nvms, doms[i]->uuid)
                                 : vms[i];

        if (vm)
            g_ptr_array_add(recs, qemuDomainStatsRecordOne(vm, groups, nowait));
    }
    virDomainObjListFreeCollected(vms, nvms);
    *retStats = g_steal_pointer(&recs);
    return 0;
}


/* ---- host ---- */

/* virNodeGetCPUStats: ns per state, of one CPU or of all (-1). */
int
qemuNodeGetCPUStats(virConn *conn G_GNUC_UNUSED, int cpuNum,
                    virNodeCPUStatsPtr params,
                    int *nparams, unsigned int flags)
{
    virCheckFlags(0, -1);
    return virHostStatsGetCPU(cpuNum, params, nparams);
}


/* virNodeGetMemoryStats: KiB, of one NUMA cell or of all (-1). */
int
qemuNodeGetMemoryStats(virConn *conn G_GNUC_UNUSED, int cellNum,
                       virNodeMemoryStatsPtr params, int *nparams,
                       unsigned int flags)
{
    virCheckFlags(0, -1);
    return virHostStatsGetMemory(cellNum, params, nparams);
}


/* virNodeGetFreeMemory: bytes. */
int
qemuNodeGetFreeMemory(virConn *conn G_GNUC_UNUSED, unsigned long long *freeMem)
{
    return virHostStatsGetFreeMemory(-1, freeMem);
}


/* virNodeGetCellsFreeMemory: bytes per NUMA cell from @startCell. */
int
qemuNodeGetCellsFreeMemory(virConn *conn G_GNUC_UNUSED,
                           unsigned long long *freeMems,
                           int startCell, int maxCells)
{
    int ncells = virHostStatsGetCellCount();
    int i;

    if (startCell < 0 || startCell >= ncells) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("start cell %1$d out of range (0-%2$d)"),
                       startCell, ncells - 1);
        return -1;
    }
    for (i = 0; i < maxCells && startCell + i < ncells; i++) {
        if (virHostStatsGetFreeMemory(ncells > 1 || startCell > 0 ? startCell + i : -1,
                                      &freeMems[i]) < 0)
            return -1;
    }
    return i;
}


/* virNodeGetCPUMap: present CPUs, the online ones set. */
int
qemuNodeGetCPUMap(virConn *conn G_GNUC_UNUSED, unsigned char **cpumap,
                  unsigned int *online,
                  unsigned int flags)
{
    virCheckFlags(0, -1);
    return virHostStatsGetCPUMap(cpumap, online);
}
