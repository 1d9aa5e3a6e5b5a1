/*
 * qemu_process_cputune.c: a starting domain's <vcpu cpuset>, <cputune>
 * pins and scheduler tuning
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt pins through cgroups and the affinity of each thread; this
 * daemon manages no cgroups, so it sets the affinity: the whole QEMU at
 * exec (<vcpu cpuset>), then each vCPU thread (<vcpupin>) and the
 * emulator's main thread (<emulatorpin>) once QEMU runs, before the
 * guest does.  The scheduler's values (<shares>, <period>, <quota> ...)
 * need the cgroup CPU controller: a start is refused with libvirt's
 * error for a host without it.
 */
#include <config.h>

#include "qemu_process_cputune.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_monitor_stats.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_process_cputune");


/**
 * qemuProcessCPUSet:
 * @mask (VIR_DOMAIN_CPUMASK_WORDS words) as a cpu_set_t.  Returns 0, or
 * -1 (reported) for a host CPU beyond what the kernel's set holds.
 */
int
qemuProcessCPUSet(const guint64 *mask, cpu_set_t *set)
{
    unsigned int cpu;

    CPU_ZERO(set);
    for (cpu = 0; cpu < VIR_DOMAIN_CPUMASK_LEN; cpu++) {
        if (!virDomainCPUMaskIsSet(mask, cpu))
            continue;
        if (cpu >= CPU_SETSIZE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("host CPU %1$u of <vcpu cpuset> is beyond the %2$d CPUs this daemon can pin"),
                           cpu, CPU_SETSIZE);
            return -1;
        }
        CPU_SET(cpu, set);
    }
    return 0;
}


/**
 * qemuProcessCputuneCheck:
 * Refuses the start of @def with CPU scheduler tuning, which needs the
 * cgroup CPU controller, as libvirt does on a host without it.
 */
int
qemuProcessCputuneCheck(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < VIR_DOMAIN_CPUTUNE_SCHED_LAST; i++) {
        if (def->cputune.schedSet[i]) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("cgroup cpu is required for scheduler tuning"));
            return -1;
        }
    }
    return 0;
}


/**
 * qemuProcessPinThread:
 * The affinity of thread @tid of QEMU, to @mask.  Returns 0 or -1
 * (reported).
 */
int
qemuProcessPinThread(pid_t tid, const guint64 *mask)
{
    cpu_set_t set;

    if (qemuProcessCPUSet(mask, &set) < 0)
        return -1;
    if (sched_setaffinity(tid, sizeof(set), &set) < 0) {
        virReportSystemError(errno,
                             _("cannot set CPU affinity on process %1$d"),
                             (int)tid);
        return -1;
    }
    return 0;
}


/* Whether @def pins any vCPU. */
static bool
qemuProcessHasVcpupin(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->maxvcpus; i++) {
        if (virDomainCputuneVcpupin(def, i))
            return true;
    }
    return false;
}


/**
 * qemuProcessCputunePin:
 * Pins the vCPU threads and the emulator's main thread of @vm (locked,
 * QEMU up, job as for qemuDomainObjEnterMonitorAsync) as its <cputune>
 * says.  Returns 0 or -1 (reported).
 */
int
qemuProcessCputunePin(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    const virDomainDef *def = vm->def;
    g_autoptr(GArray) tids = NULL;
    size_t i;
    int rc;

    if (def->cputune.emulatorpin &&
        qemuProcessPinThread(vm->pid, def->cputune.emulatorpin) < 0)
        return -1;
    if (!qemuProcessHasVcpupin(def))
        return 0;
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorGetVcpuThreads(priv->mon, &tids);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    for (i = 0; i < tids->len && i < def->maxvcpus; i++) {
        pid_t tid = g_array_index(tids, pid_t, i);

        const guint64 *mask = virDomainCputuneVcpupin(def, i);

        if (mask && tid > 0 && qemuProcessPinThread(tid, mask) < 0)
            return -1;
    }
    return 0;
}
