/*
 * qemu_state.h: the driver's domains across daemon restarts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * At start (after qemuStateInitialize built the driver): the directories,
 * the event loop, every status file of <runDir>/qemu (running domains),
 * every config of <stateDir>/qemu (persistent domains, autostart links in
 * <stateDir>/qemu/autostart), reconnection to the running QEMUs, then
 * autostart.  At shutdown: let go of every QEMU without stopping it.
 *
 * The persistent config files and the lookups the entry points share
 * are qemu_domain.c's.
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"

int qemuStateDomainsInit(virQEMUDriver *driver);
void qemuStateDomainsCleanup(virQEMUDriver *driver);
