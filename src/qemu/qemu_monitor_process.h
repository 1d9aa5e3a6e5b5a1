/*
 * qemu_monitor_process.h: QMP commands the process code needs at start
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Typed wrappers on top of qemuMonitorSend for what a starting domain
 * asks QEMU once its monitor is up: where the pty serial ports ended up,
 * which VNC port QEMU took, the VNC password.  Same contract as the
 * wrappers in qemu_monitor.h: @mon locked, errors reported once.
 */
#pragma once

#include "qemu_monitor.h"

int qemuMonitorGetPtyPaths(qemuMonitor *mon, GHashTable **retPaths);
int qemuMonitorGetVNCPort(qemuMonitor *mon, int *retPort);
int qemuMonitorSetVNCPassword(qemuMonitor *mon, const char *password);
