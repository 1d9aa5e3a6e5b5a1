/*
 * qemu_process_qmpevents.h: QMP events that become domain events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_process_qmpevents.c.
 */
#pragma once

#include <json-c/json.h>

#include "internal.h"
#include "qemu_monitor.h"
#include "virhypervisordriver.h"

void qemuProcessHandleQMPEvent(qemuMonitor *mon, const char *event,
                               json_object *data, long long seconds,
                               unsigned int micros, void *opaque);

/* The mappings, for the unit tests. */
int qemuProcessQMPEventBlockJobStatus(const char *event, bool hasError);
int qemuProcessQMPEventIOErrorAction(const char *action);
int qemuProcessQMPEventMemoryFailure(json_object *data, virDomainEvent *ev);
int
qemuProcessQMPEventBalloonActual(json_object *data, unsigned long long *retKiB);
