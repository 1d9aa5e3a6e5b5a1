/*
 * qemu_monitor_cpu.h: QMP commands for vCPU hotplug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * @mon must be locked (qemuDomainObjEnterMonitor) for every call.
 */
#pragma once

#include "qemu_monitor.h"

/* One entry of query-hotpluggable-cpus: a vCPU slot. */
typedef struct _qemuMonitorHotplugCPU qemuMonitorHotplugCPU;
struct _qemuMonitorHotplugCPU {
    char *type;             /* the device type to plug ("qemu64-x86_64-cpu") */
    json_object *props;     /* socket-id, die-id, core-id, thread-id */
    char *qomPath;          /* NULL while the slot is empty */
    unsigned int vcpusCount;
};

void qemuMonitorHotplugCPUFree(qemuMonitorHotplugCPU *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorHotplugCPU, qemuMonitorHotplugCPUFree);

int qemuMonitorGetHotpluggableCPUs(qemuMonitor *mon, GPtrArray **retCPUs);
int qemuMonitorAddCPU(qemuMonitor *mon, const qemuMonitorHotplugCPU *cpu,
                      const char *id);
int qemuMonitorDelDevice(qemuMonitor *mon, const char *id);
