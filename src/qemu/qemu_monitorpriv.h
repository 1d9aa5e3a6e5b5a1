/*
 * qemu_monitorpriv.h: a QMP monitor without socket or event thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For tests and fuzz targets only: they play QEMU from the thread that
 * issues the commands, so what QEMU writes goes through the monitor's own
 * framing, parsing, reply matching and event code without a socket, a
 * peer thread or timed waits (see qemuMonitorOpenPump).
 */
#pragma once

#ifndef QEMU_MONITOR_PRIV_H_ALLOW
# error "qemu_monitorpriv.h is for qemu_monitor.c and its tests"
#endif

#include "qemu_monitor.h"

/* Called, @mon locked, whenever a caller of @mon waits for QEMU: it must
 * feed input (qemuMonitorPumpInput) or end it (qemuMonitorPumpEOF). */
typedef void (*qemuMonitorPumpFunc)(qemuMonitor *mon, void *opaque);

qemuMonitor *qemuMonitorOpenPump(const char *vmname, long long timeoutMs,
                                 const qemuMonitorCallbacks *cb, void *opaque,
                                 qemuMonitorPumpFunc pump, void *pumpOpaque);
void qemuMonitorPumpInput(qemuMonitor *mon, const char *data, size_t len);
void qemuMonitorPumpEOF(qemuMonitor *mon);
size_t qemuMonitorPumpTakeOutput(qemuMonitor *mon);
