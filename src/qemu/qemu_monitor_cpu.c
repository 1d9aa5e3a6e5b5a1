/*
 * qemu_monitor_cpu.c: QMP commands for vCPU hotplug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_monitor_cpu.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_cpu");

/* More slots than this in a reply is garbage (QEMU's x86 limit is 1024
 * per machine, 4096 with x2APIC in newer versions). */
#define QEMU_MONITOR_CPU_SLOTS_MAX 4096


void
qemuMonitorHotplugCPUFree(qemuMonitorHotplugCPU *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->type);
    json_object_put(cpu->props);
    g_free(cpu->qomPath);
    g_free(cpu);
}


/* One entry; caller owns the result, NULL if malformed (reported). */
static qemuMonitorHotplugCPU *
qemuMonitorHotplugCPUParse(json_object *entry)
{
    g_autoptr(qemuMonitorHotplugCPU) cpu = g_new0(qemuMonitorHotplugCPU, 1);
    json_object *props = NULL;
    unsigned long long count = 1;
    const char *type = qemuMonitorJSONGetString(entry, "type");

    if (!type || !json_object_object_get_ex(entry, "props", &props) ||
        !json_object_is_type(props, json_type_object)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-hotpluggable-cpus reply has an entry without 'type' or 'props'"));
        return NULL;
    }
    qemuMonitorJSONGetULL(entry, "vcpus-count", &count);
    cpu->type = g_strdup(type);
    cpu->props = json_object_get(props);
    cpu->qomPath = g_strdup(qemuMonitorJSONGetString(entry, "qom-path"));
    cpu->vcpusCount = count;
    return g_steal_pointer(&cpu);
}


/**
 * qemuMonitorGetHotpluggableCPUs:
 * query-hotpluggable-cpus: every vCPU slot of the machine, a GPtrArray
 * of qemuMonitorHotplugCPU in *@retCPUs (caller owns), in QEMU's order.
 * Returns 0 or -1 (reported).
 */
int
qemuMonitorGetHotpluggableCPUs(qemuMonitor *mon, GPtrArray **retCPUs)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GPtrArray) cpus = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMonitorHotplugCPUFree);
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-hotpluggable-cpus", NULL,
                                       json_type_array, &reply)))
        return -1;
    if (json_object_array_length(ret) > QEMU_MONITOR_CPU_SLOTS_MAX) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-hotpluggable-cpus reply is too long"));
        return -1;
    }
    for (i = 0; i < json_object_array_length(ret); i++) {
        qemuMonitorHotplugCPU *cpu;

        if (!(cpu = qemuMonitorHotplugCPUParse(json_object_array_get_idx(ret, i))))
            return -1;
        g_ptr_array_add(cpus, cpu);
    }
    *retCPUs = g_steal_pointer(&cpus);
    return 0;
}


/**
 * qemuMonitorAddCPU:
 * device_add of a vCPU of the type and at the place of slot @cpu, with
 * device id @id.  Returns 0 or -1 (reported).
 */
int
qemuMonitorAddCPU(qemuMonitor *mon, const qemuMonitorHotplugCPU *cpu,
                  const char *id)
{
    g_autoptr(json_object) reply = NULL;
    json_object *args = json_object_new_object();
    struct json_object_iterator it = json_object_iter_begin(cpu->props);
    struct json_object_iterator end = json_object_iter_end(cpu->props);

    json_object_object_add(args, "driver", json_object_new_string(cpu->type));
    json_object_object_add(args, "id", json_object_new_string(id));
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
        json_object_object_add(args, json_object_iter_peek_name(&it),
                               json_object_get(json_object_iter_peek_value(&it)));
    if (!qemuMonitorJSONCommand(mon, "device_add", args, json_type_object,
                                &reply))
        return -1;
    return 0;
}


/**
 * qemuMonitorDelDevice:
 * device_del of the device with id @id: a request the guest has to
 * answer (ACPI eject) before the device goes.  Returns 0 or -1.
 */
int
qemuMonitorDelDevice(qemuMonitor *mon, const char *id)
{
    return qemuMonitorJSONSimpleID(mon, "device_del", id);
}
