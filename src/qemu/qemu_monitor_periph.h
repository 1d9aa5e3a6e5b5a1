/*
 * qemu_monitor_periph.h: QMP commands for interfaces, graphics, balloon
 * and channels
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Same contract as qemu_monitor.h: @mon locked by the caller's
 * EnterMonitor, errors reported once.
 */
#pragma once

#include "qemu_monitor.h"

int qemuMonitorSetGraphicsPassword(qemuMonitor *mon, const char *protocol,
                                   const char *password);
int qemuMonitorGraphicsRelocate(qemuMonitor *mon, const char *hostname,
                                int port, int tlsPort, const char *tlsSubject);
int qemuMonitorSetLink(qemuMonitor *mon, const char *alias, bool up);
int qemuMonitorSetBalloonStatsPeriod(qemuMonitor *mon, const char *alias,
                                     unsigned int period);
int qemuMonitorGetChardevOpen(qemuMonitor *mon, GHashTable **retOpen);
