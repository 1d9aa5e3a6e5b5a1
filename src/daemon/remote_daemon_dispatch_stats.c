/*
 * remote_daemon_dispatch_stats.c: handlers of the statistics procedures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Counters of domains and of the host (issue 16).  Sizes that arrive on
 * the wire are checked against the protocol's limits before anything is
 * allocated from them; the driver's entry was checked by the generated
 * wrapper.  The legacy block statistics and the lists of records (a
 * domain's memory statistics, the host's CPU and memory statistics) are
 * generated from the .x.
 */
#include <config.h>

#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.dispatch_stats");


int
remoteDispatchDomainBlockStatsFlags(virNetServerClient *client G_GNUC_UNUSED,
                                    virConn *conn,
                                    remote_domain_block_stats_flags_args *args,
                                    remote_domain_block_stats_flags_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    virTypedParameterPtr params = NULL;
    int nparams = args->nparams;
    int rc;

    if (remoteCheckCount("nparams", args->nparams,
                         REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) < 0)
        return -1;
    if (conn->driver->domainBlockStatsFlags(conn, dom, args->path, &params,
                                            &nparams, args->flags) < 0)
        return -1;
    if (args->nparams == 0) {
        ret->nparams = nparams;
        virTypedParamArrayFree(params, nparams);
        return 0;
    }
    rc = remoteSerializeTypedParameters(params, MIN(nparams, args->nparams),
                                        REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX,
                                        &ret->params.params_val,
                                        &ret->params.params_len);
    ret->nparams = MIN(nparams, args->nparams);
    virTypedParamArrayFree(params, nparams);
    return rc;
}


int
remoteDispatchDomainGetVcpus(virNetServerClient *client G_GNUC_UNUSED,
                             virConn *conn,
                             remote_domain_get_vcpus_args *args,
                             remote_domain_get_vcpus_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    g_autofree virVcpuInfo *info = NULL;
    g_autofree unsigned char *maps = NULL;
    long long mapsLen = (long long)args->maxinfo * args->maplen;
    int n;
    int i;

    if (remoteCheckCount("maxinfo", args->maxinfo, REMOTE_VCPUINFO_MAX) < 0 ||
        remoteCheckCount("maplen", args->maplen, REMOTE_CPUMAPS_MAX) < 0 ||
        remoteCheckCount("maxinfo * maplen", mapsLen, REMOTE_CPUMAPS_MAX) < 0)
        return -1;
    info = g_new0(virVcpuInfo, MAX(args->maxinfo, 1));
    if (mapsLen > 0)
        maps = g_new0(unsigned char, mapsLen);
    if ((n = conn->driver->domainGetVcpus(conn, dom, info, args->maxinfo, maps,
                                          args->maplen)) < 0)
        return -1;
    ret->info.info_len = n;
    ret->info.info_val = g_new0(remote_vcpu_info, MAX(n, 1));
    for (i = 0; i < n; i++) {
        ret->info.info_val[i].number = info[i].number;
        ret->info.info_val[i].state = info[i].state;
        ret->info.info_val[i].cpu_time = info[i].cpuTime;
        ret->info.info_val[i].cpu = info[i].cpu;
    }
    /* all the maps the caller asked for, as libvirt sends them */
    ret->cpumaps.cpumaps_len = mapsLen;
    ret->cpumaps.cpumaps_val = (char *)g_steal_pointer(&maps);
    return 0;
}


int
remoteDispatchNodeGetCellsFreeMemory(virNetServerClient *client G_GNUC_UNUSED,
                                     virConn *conn,
                                     remote_node_get_cells_free_memory_args *args,
                                     remote_node_get_cells_free_memory_ret *ret)
{
    g_autofree unsigned long long *cells = NULL;
    int n;
    int i;

    if (remoteCheckCount("maxCells", args->maxcells, REMOTE_NODE_MAX_CELLS) < 0)
        return -1;
    cells = g_new0(unsigned long long, MAX(args->maxcells, 1));
    if ((n = conn->driver->nodeGetCellsFreeMemory(conn, cells, args->startCell,
                                                  args->maxcells)) < 0)
        return -1;
    /* copied: uint64_t need not be unsigned long long */
    ret->cells.cells_len = n;
    ret->cells.cells_val = g_new0(uint64_t, MAX(n, 1));
    for (i = 0; i < n; i++)
        ret->cells.cells_val[i] = cells[i];
    return 0;
}


int
remoteDispatchNodeGetCpuMap(virNetServerClient *client G_GNUC_UNUSED,
                            virConn *conn,
                            remote_node_get_cpu_map_args *args,
                            remote_node_get_cpu_map_ret *ret)
{
    unsigned char *map = NULL;
    unsigned int online = 0;
    int n;

    if ((n = conn->driver->nodeGetCPUMap(conn, args->need_map ? &map : NULL,
                                         args->need_online ? &online : NULL,
                                         args->flags)) < 0)
        return -1;
    if (map && VIR_CPU_MAPLEN(n) > REMOTE_CPUMAP_MAX) {
        g_free(map);
        virReportError(VIR_ERR_RPC, "%s", _("CPU map too large"));
        return -1;
    }
    if (map) {
        ret->cpumap.cpumap_len = VIR_CPU_MAPLEN(n);
        ret->cpumap.cpumap_val = (char *)map;
    }
    ret->online = online;
    ret->ret = n;
    return 0;
}


/* Moves the driver's records into the reply.  Returns 0 or -1. */
static int
remoteMakeStatsRecords(GPtrArray *recs, remote_connect_get_all_domain_stats_ret *ret)
{
    remote_domain_stats_record *out;
    size_t i;

    if (recs->len > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, "%s", _("too many domain statistics records"));
        return -1;
    }
    out = g_new0(remote_domain_stats_record, MAX(recs->len, 1));
    ret->retStats.retStats_val = out;
    ret->retStats.retStats_len = recs->len;
    for (i = 0; i < recs->len; i++) {
        virDomainStatsRec *rec = g_ptr_array_index(recs, i);

        remoteMakeDomain(&out[i].dom, rec->dom);
        if (remoteSerializeTypedParameters(rec->params, rec->nparams,
                                           REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX,
                                           &out[i].params.params_val,
                                           &out[i].params.params_len) < 0)
            return -1;
    }
    return 0;
}


int
remoteDispatchConnectGetAllDomainStats(virNetServerClient *client G_GNUC_UNUSED,
                                       virConn *conn,
                                       remote_connect_get_all_domain_stats_args *args,
                                       remote_connect_get_all_domain_stats_ret *ret)
{
    g_autoptr(GPtrArray) recs = NULL;
    g_autoptr(GPtrArray) doms =
        g_ptr_array_new_with_free_func((GDestroyNotify)virDomainIdentFree);
    u_int i;

    for (i = 0; i < args->doms.doms_len; i++)
        g_ptr_array_add(doms, remoteDomainFromWire(&args->doms.doms_val[i]));
    if (conn->driver->connectGetAllDomainStats(conn,
                                               (virDomainIdent *const *)doms->pdata,
                                               doms->len, args->stats, &recs,
                                               args->flags) < 0)
        return -1;
    if (remoteMakeStatsRecords(recs, ret) < 0) {
        /* the RPC layer frees replies only when they are sent */
        xdr_free((xdrproc_t)xdr_remote_connect_get_all_domain_stats_ret,
                 (char *)ret);
        memset(ret, 0, sizeof(*ret));
        return -1;
    }
    return 0;
}


/* The pin calls: vCPU @vcpu (-1: the emulator) of @wire on the host CPUs
 * of the @len bytes at @map. */
static int
remotePinCPUs(virConn *conn, const remote_nonnull_domain *wire, long long vcpu,
              const char *map, u_int len, unsigned int flags)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(wire);
    const unsigned char *cpumap = (const unsigned char *)map;

    if (vcpu < 0)
        return conn->driver->domainPinEmulator(conn, dom, cpumap, len, flags);
    return conn->driver->domainPinVcpuFlags(conn, dom, vcpu, cpumap, len,
                                            flags);
}


/* The oldest call (virsh vcpupin without --live or --config): the
 * running domain only, as libvirt. */
int
remoteDispatchDomainPinVcpu(virNetServerClient *client G_GNUC_UNUSED,
                            virConn *conn, remote_domain_pin_vcpu_args *args)
{
    return remotePinCPUs(conn, &args->dom, args->vcpu, args->cpumap.cpumap_val,
                         args->cpumap.cpumap_len, VIR_DOMAIN_AFFECT_LIVE);
}


int
remoteDispatchDomainPinVcpuFlags(virNetServerClient *client G_GNUC_UNUSED,
                                 virConn *conn,
                                 remote_domain_pin_vcpu_flags_args *args)
{
    return remotePinCPUs(conn, &args->dom, args->vcpu, args->cpumap.cpumap_val,
                         args->cpumap.cpumap_len, args->flags);
}


int
remoteDispatchDomainGetVcpuPinInfo(virNetServerClient *client G_GNUC_UNUSED,
                                   virConn *conn,
                                   remote_domain_get_vcpu_pin_info_args *args,
                                   remote_domain_get_vcpu_pin_info_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    long long mapsLen = (long long)args->ncpumaps * args->maplen;
    g_autofree unsigned char *maps = NULL;
    int n;

    if (remoteCheckCount("ncpumaps", args->ncpumaps, REMOTE_VCPUINFO_MAX) < 0 ||
        remoteCheckCount("maplen", args->maplen, REMOTE_CPUMAPS_MAX) < 0 ||
        remoteCheckCount("ncpumaps * maplen", mapsLen, REMOTE_CPUMAPS_MAX) < 0)
        return -1;
    maps = g_new0(unsigned char, MAX(mapsLen, 1));
    if ((n = conn->driver->domainGetVcpuPinInfo(conn, dom, args->ncpumaps, maps,
                                                args->maplen, args->flags)) < 0)
        return -1;
    ret->num = n;
    ret->cpumaps.cpumaps_len = (long long)n * args->maplen;
    ret->cpumaps.cpumaps_val = (char *)g_steal_pointer(&maps);
    return 0;
}


int
remoteDispatchDomainPinEmulator(virNetServerClient *client G_GNUC_UNUSED,
                                virConn *conn,
                                remote_domain_pin_emulator_args *args)
{
    return remotePinCPUs(conn, &args->dom, -1, args->cpumap.cpumap_val,
                         args->cpumap.cpumap_len, args->flags);
}


int
remoteDispatchDomainGetEmulatorPinInfo(
    virNetServerClient *client G_GNUC_UNUSED, virConn *conn,
    remote_domain_get_emulator_pin_info_args *args,
    remote_domain_get_emulator_pin_info_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    g_autofree unsigned char *map = NULL;
    int r;

    if (remoteCheckCount("maplen", args->maplen, REMOTE_CPUMAPS_MAX) < 0)
        return -1;
    map = g_new0(unsigned char, MAX(args->maplen, 1));
    if ((r = conn->driver->domainGetEmulatorPinInfo(conn, dom, map,
                                                    args->maplen,
                                                    args->flags)) < 0)
        return -1;
    ret->ret = r;
    ret->cpumaps.cpumaps_len = r > 0 ? args->maplen : 0;
    ret->cpumaps.cpumaps_val = (char *)g_steal_pointer(&map);
    return 0;
}
