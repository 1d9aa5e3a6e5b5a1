/*
 * qemu_driver_pin.c: driver entry points that pin a domain's vCPUs and
 * emulator (virsh vcpupin, emulatorpin) and report the pins
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pins are <cputune>'s <vcpupin> and <emulatorpin>: AFFECT_LIVE sets
 * the affinity of the running vCPU thread or QEMU's main thread and the
 * live definition (which a migration's destination starts from),
 * AFFECT_CONFIG the persistent one.  A CPU map is libvirt's: one bit a
 * host CPU, the lowest bit of the first byte CPU 0.
 */
#include <config.h>

#include <unistd.h>

#include "qemu_driver_pin.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_driver_update.h"
#include "qemu_monitor_stats.h"
#include "qemu_process_cputune.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_pin");

#define QEMU_PIN_AFFECT_FLAGS \
    (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)
#define QEMU_PIN_MASK_BYTES (VIR_DOMAIN_CPUMASK_WORDS * sizeof(guint64))


/* @map of @maplen bytes as a mask (caller owns it), or NULL with
 * libvirt's error for an empty one. */
static guint64 *
qemuPinMaskFromMap(const unsigned char *map, int maplen)
{
    g_autofree guint64 *mask = g_new0(guint64, VIR_DOMAIN_CPUMASK_WORDS);
    bool any = false;
    int cpu;

    for (cpu = 0; cpu < maplen * 8 && cpu < VIR_DOMAIN_CPUMASK_LEN; cpu++) {
        if (VIR_CPU_USABLE(map, maplen, 0, cpu)) {
            mask[cpu / 64] |= 1ULL << (cpu % 64);
            any = true;
        }
    }
    if (!any) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Empty cpu list for pinning"));
        return NULL;
    }
    return g_steal_pointer(&mask);
}


/* @mask into @map (@maplen bytes); NULL @mask: every host CPU. */
static void
qemuPinMaskToMap(const guint64 *mask, unsigned char *map, int maplen)
{
    long ncpus = sysconf(_SC_NPROCESSORS_CONF);
    int cpu;

    memset(map, 0, maplen);
    for (cpu = 0; cpu < maplen * 8; cpu++) {
        if (mask ? virDomainCPUMaskIsSet(mask, cpu) : cpu < ncpus)
            VIR_USE_CPU(map, cpu);
    }
}


/* The thread of running @vm's online vCPU @vcpu, or 0 (reported). */
static pid_t
qemuPinVcpuThread(virDomainObj *vm, unsigned int vcpu)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(GArray) tids = NULL;
    int rc;

    if (vcpu >= vm->def->vcpus) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("setting cpu pinning for inactive vcpu '%1$u' is not supported"),
                       vcpu);
        return 0;
    }
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return 0;
    rc = qemuMonitorGetVcpuThreads(priv->mon, &tids);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return 0;
    if (vcpu >= tids->len || g_array_index(tids, pid_t, vcpu) <= 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU reports no thread for vCPU %1$u"), vcpu);
        return 0;
    }
    return g_array_index(tids, pid_t, vcpu);
}


/* The pin of qemuDomainPinVcpuFlags on locked @vm in a MODIFY job. */
static int
qemuDomainPinVcpuLocked(virDomainObj *vm, unsigned int vcpu,
                        const guint64 *mask, unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    pid_t tid = 0;

    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0)
        return -1;
    if (live && vcpu >= live->maxvcpus) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("vcpu %1$u is out of range of live cpu count %2$u"),
                       vcpu, live->maxvcpus);
        return -1;
    }
    if (config && vcpu >= config->maxvcpus) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("vcpu %1$u is out of range of persistent cpu count %2$u"),
                       vcpu, config->maxvcpus);
        return -1;
    }
    if (live) {
        if (!(tid = qemuPinVcpuThread(vm, vcpu)) ||
            qemuProcessPinThread(tid, mask) < 0)
            return -1;
        virDomainCputuneSetVcpupin(live, vcpu,
                                   g_memdup2(mask, QEMU_PIN_MASK_BYTES));
    }
    if (config)
        virDomainCputuneSetVcpupin(config, vcpu,
                                   g_memdup2(mask, QEMU_PIN_MASK_BYTES));
    return qemuDomainAffectSave(vm, live, config);
}


/* The pin of qemuDomainPinEmulator on locked @vm in a MODIFY job. */
static int
qemuDomainPinEmulatorLocked(virDomainObj *vm, const guint64 *mask,
                            unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;

    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0)
        return -1;
    if (live && qemuProcessPinThread(vm->pid, mask) < 0)
        return -1;
    if (live) {
        g_free(live->cputune.emulatorpin);
        live->cputune.emulatorpin = g_memdup2(mask, QEMU_PIN_MASK_BYTES);
    }
    if (config) {
        g_free(config->cputune.emulatorpin);
        config->cputune.emulatorpin = g_memdup2(mask, QEMU_PIN_MASK_BYTES);
    }
    return qemuDomainAffectSave(vm, live, config);
}


/* The pin entry points: @mask from @cpumap, then @vcpu's pin (or, with
 * @vcpu -1, the emulator's) in a MODIFY job. */
static int
qemuDomainPinRun(const virDomainIdent *dom, long long vcpu,
                 const unsigned char *cpumap, int maplen, unsigned int flags)
{
    g_autofree guint64 *mask = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(QEMU_PIN_AFFECT_FLAGS, -1);
    if (!(mask = qemuPinMaskFromMap(cpumap, maplen)) ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        if (vcpu < 0)
            ret = qemuDomainPinEmulatorLocked(vm, mask, flags);
        else
            ret = qemuDomainPinVcpuLocked(vm, vcpu, mask, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainPinVcpuFlags:
 * virDomainPinVcpuFlags (virsh vcpupin DOM VCPU CPULIST): vCPU @vcpu on
 * the host CPUs of @cpumap, live (an online vCPU) and/or persistent.
 */
int
qemuDomainPinVcpuFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                       unsigned int vcpu, const unsigned char *cpumap,
                       int maplen, unsigned int flags)
{
    return qemuDomainPinRun(dom, vcpu, cpumap, maplen, flags);
}


/* The definition of locked @vm that @flags (one of LIVE and CONFIG, or
 * neither) asks about, or NULL (reported). */
static virDomainDef *
qemuPinInfoDef(virDomainObj *vm, unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;

    if ((flags & QEMU_PIN_AFFECT_FLAGS) == QEMU_PIN_AFFECT_FLAGS) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive"));
        return NULL;
    }
    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0)
        return NULL;
    return live ? live : config;
}


/**
 * qemuDomainGetVcpuPinInfo:
 * virDomainGetVcpuPinInfo (virsh vcpupin DOM): the host CPUs of each of
 * the first @ncpumaps vCPUs, @maplen bytes each: its pin, else <vcpu
 * cpuset>, else every host CPU.  Returns how many maps were filled.
 */
int
qemuDomainGetVcpuPinInfo(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                         int ncpumaps, unsigned char *cpumaps, int maplen,
                         unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    int n = -1;
    int i;

    virCheckFlags(QEMU_PIN_AFFECT_FLAGS, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((def = qemuPinInfoDef(vm, flags))) {
        n = MIN(ncpumaps, (int)def->maxvcpus);
        for (i = 0; i < n; i++) {
            const guint64 *mask = virDomainCputuneVcpupin(def, i);

            qemuPinMaskToMap(mask ? mask : def->cpumask,
                             VIR_GET_CPUMAP(cpumaps, maplen, i), maplen);
        }
    }
    virDomainObjEndAPI(&vm);
    return n;
}


/**
 * qemuDomainPinEmulator:
 * virDomainPinEmulator (virsh emulatorpin DOM CPULIST): QEMU's main
 * thread on the host CPUs of @cpumap, live and/or persistent.
 */
int
qemuDomainPinEmulator(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      const unsigned char *cpumap, int maplen,
                      unsigned int flags)
{
    return qemuDomainPinRun(dom, -1, cpumap, maplen, flags);
}


/**
 * qemuDomainGetEmulatorPinInfo:
 * virDomainGetEmulatorPinInfo (virsh emulatorpin DOM): the emulator's
 * host CPUs in @cpumap: its pin, else <vcpu cpuset>, else every host
 * CPU.  Returns 1.
 */
int
qemuDomainGetEmulatorPinInfo(virConn *conn G_GNUC_UNUSED,
                             const virDomainIdent *dom, unsigned char *cpumap,
                             int maplen, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    int ret = -1;

    virCheckFlags(QEMU_PIN_AFFECT_FLAGS, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((def = qemuPinInfoDef(vm, flags))) {
        qemuPinMaskToMap(def->cputune.emulatorpin ? def->cputune.emulatorpin
                                                  : def->cpumask,
                         cpumap, maplen);
        ret = 1;
    }
    virDomainObjEndAPI(&vm);
    return ret;
}
