/*
 * qemu_hotplug_vcpu.c: plugging and unplugging vCPUs of a running domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QEMU names the slots of a machine's vCPUs by topology (socket, die,
 * core and thread ids, query-hotpluggable-cpus); vCPU N is the slot whose
 * ids give N in the domain's topology, as QEMU numbers its CPUs.  Plugs
 * and unplugs always happen at the end of the online vCPUs, so the CPU
 * indexes QEMU gives them, and with them the migration stream's
 * sections, are the same on every host.
 */
#include <config.h>

#include "qemu_hotplug_vcpu.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_monitor_cpu.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_hotplug_vcpu");

/* How long an unplug waits for the guest to give the vCPU up, as
 * libvirt's wait for a device removal. */
#define QEMU_HOTPLUG_VCPU_UNPLUG_MS 5000
#define QEMU_HOTPLUG_VCPU_POLL_MS 50


/* Topology id @name of slot @cpu, 0 when QEMU leaves it out. */
static unsigned long long
qemuHotplugVcpuProp(const qemuMonitorHotplugCPU *cpu, const char *name)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(cpu->props, name, &v) ||
        !json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return 0;
    return json_object_get_int64(v);
}


/* The vCPU number of slot @cpu in @def's topology (-smp sockets,
 * dies, cores, threads). */
static unsigned long long
qemuHotplugVcpuIndex(const virDomainDef *def, const qemuMonitorHotplugCPU *cpu)
{
    unsigned long long dies = 1;
    unsigned long long cores = 1;
    unsigned long long threads = 1;

    if (def->cpu && def->cpu->sockets) {
        dies = def->cpu->dies;
        cores = def->cpu->cores;
        threads = def->cpu->threads;
    }
    return ((qemuHotplugVcpuProp(cpu, "socket-id") * dies +
             qemuHotplugVcpuProp(cpu, "die-id")) * cores +
            qemuHotplugVcpuProp(cpu, "core-id")) * threads +
           qemuHotplugVcpuProp(cpu, "thread-id");
}


/* The slot of vCPU @n in @cpus, or NULL with an error reported. */
static const qemuMonitorHotplugCPU *
qemuHotplugVcpuFind(const virDomainDef *def, GPtrArray *cpus, unsigned int n)
{
    size_t i;

    for (i = 0; i < cpus->len; i++) {
        const qemuMonitorHotplugCPU *cpu = g_ptr_array_index(cpus, i);

        if (cpu->vcpusCount == 1 && qemuHotplugVcpuIndex(def, cpu) == n)
            return cpu;
    }
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("QEMU has no hot-pluggable slot for vCPU %1$u"), n);
    return NULL;
}


/* device_add of vCPUs @from .. @to-1 (@mon entered); *@retDone says how
 * many went in.  Returns 0 or -1 (reported). */
static int
qemuHotplugVcpusPlugMonitor(virDomainObj *vm, qemuMonitor *mon,
                            unsigned int from, unsigned int to,
                            unsigned int *retDone)
{
    g_autoptr(GPtrArray) cpus = NULL;
    unsigned int n;

    *retDone = 0;
    if (qemuMonitorGetHotpluggableCPUs(mon, &cpus) < 0)
        return -1;
    for (n = from; n < to; n++) {
        g_autofree char *id = g_strdup_printf("vcpu%u", n);
        const qemuMonitorHotplugCPU *cpu = qemuHotplugVcpuFind(vm->def, cpus, n);

        if (!cpu)
            return -1;
        if (cpu->qomPath) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("vCPU %1$u is already plugged in QEMU"), n);
            return -1;
        }
        if (qemuMonitorAddCPU(mon, cpu, id) < 0)
            return -1;
        (*retDone)++;
    }
    return 0;
}


/**
 * qemuHotplugVcpusPlug:
 * Plugs vCPUs @from .. @to-1 of @vm (locked; a job as for
 * qemuDomainObjEnterMonitorAsync with @asyncJob) into QEMU.  With
 * @count they are new online vCPUs and the live definition counts each
 * one that went in (a start plugs what the definition already has).
 * Returns 0 or -1 (reported).
 */
int
qemuHotplugVcpusPlug(virDomainObj *vm, virDomainAsyncJob asyncJob,
                     unsigned int from, unsigned int to, bool count)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    unsigned int done = 0;
    int rc;

    VIR_DEBUG("domain %s: plugging vCPUs %u..%u", vm->def->name, from, to);
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuHotplugVcpusPlugMonitor(vm, priv->mon, from, to, &done);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    if (count && done > 0) {
        vm->def->vcpus += done;
        vm->def->hotplugVcpus += done;
        VIR_INFO("domain %s: %u vCPUs online (%u hot-plugged)", vm->def->name,
                 vm->def->vcpus, vm->def->hotplugVcpus);
        if (virDomainObjSaveStatus(vm) < 0)
            return -1;
    }
    return rc;
}


/* Whether vCPU @n is still plugged (@vm locked, job held); -1 on error. */
static int
qemuHotplugVcpuPlugged(virDomainObj *vm, unsigned int n)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(GPtrArray) cpus = NULL;
    const qemuMonitorHotplugCPU *cpu = NULL;
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorGetHotpluggableCPUs(priv->mon, &cpus);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    if (!(cpu = qemuHotplugVcpuFind(vm->def, cpus, n)))
        return -1;
    return cpu->qomPath != NULL;
}


/* Unplugs the last online vCPU of @vm: device_del, then waits for the
 * guest to eject it.  Returns 0 or -1 (reported). */
static int
qemuHotplugVcpuUnplugOne(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    unsigned int n = vm->def->vcpus - 1;
    g_autofree char *id = g_strdup_printf("vcpu%u", n);
    long long deadline = virTimeMonotonicMs() + QEMU_HOTPLUG_VCPU_UNPLUG_MS;
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorDelDevice(priv->mon, id);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    while ((rc = qemuHotplugVcpuPlugged(vm, n)) == 1) {
        if (virTimeMonotonicMs() >= deadline) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                           _("vcpu unplug request timed out. Unplug result must be manually inspected in the domain"));
            return -1;
        }
        /* the domain lock is released while waiting */
        if (qemuDomainObjWait(vm, MIN(deadline, virTimeMonotonicMs() +
                                                 QEMU_HOTPLUG_VCPU_POLL_MS)) < 0)
            return -1;
    }
    if (rc < 0)
        return -1;
    vm->def->vcpus--;
    vm->def->hotplugVcpus--;
    VIR_INFO("domain %s: vCPU %u unplugged", vm->def->name, n);
    return virDomainObjSaveStatus(vm);
}


/**
 * qemuHotplugVcpusUnplug:
 * Unplugs the hot-plugged vCPUs @from .. @to-1 of @vm (locked, MODIFY
 * job; @to is the number of online vCPUs), the last one first.  Each
 * needs the guest's consent (ACPI eject); one the guest keeps fails the
 * call after 5 s with the vCPUs unplugged so far gone.  Returns 0 or -1
 * (reported).
 */
int
qemuHotplugVcpusUnplug(virDomainObj *vm, unsigned int from, unsigned int to)
{
    VIR_DEBUG("domain %s: unplugging vCPUs %u..%u", vm->def->name, from, to);
    if (to != vm->def->vcpus || from < vm->def->vcpus - vm->def->hotplugVcpus) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("only hot-plugged vCPUs can be unplugged: vCPUs %1$u and above"),
                       vm->def->vcpus - vm->def->hotplugVcpus);
        return -1;
    }
    while (vm->def->vcpus > from) {
        if (qemuHotplugVcpuUnplugOne(vm) < 0)
            return -1;
    }
    return 0;
}
