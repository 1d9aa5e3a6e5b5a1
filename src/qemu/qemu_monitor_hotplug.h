/*
 * qemu_monitor_hotplug.h: QMP commands that plug devices into a running
 * QEMU and take them out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Same contract as qemu_monitor.h: @mon locked by the caller's
 * EnterMonitor, errors reported once.  The props are the JSON objects
 * the command line builder writes for -blockdev, -netdev and -device,
 * so a device plugged in later is the device a start would create.
 */
#pragma once

#include <json-c/json.h>

#include "qemu_monitor.h"

int qemuMonitorBlockdevAdd(qemuMonitor *mon, json_object *props);
int qemuMonitorNetdevAdd(qemuMonitor *mon, json_object *props);
int qemuMonitorNetdevDel(qemuMonitor *mon, const char *id);
int qemuMonitorDeviceAdd(qemuMonitor *mon, json_object *props);
int qemuMonitorTrayMove(qemuMonitor *mon, const char *id, bool open);
int qemuMonitorMediumRemove(qemuMonitor *mon, const char *id);
int qemuMonitorMediumInsert(qemuMonitor *mon, const char *id, const char *node);
int qemuMonitorGetDeviceAliases(qemuMonitor *mon, GHashTable **retAliases);
