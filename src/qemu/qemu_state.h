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
 * Also the persistent config files themselves, and helpers the entry
 * points share (lookup, parsing a new definition, removing a domain).
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"

int qemuStateDomainsInit(virQEMUDriver *driver);
void qemuStateDomainsCleanup(virQEMUDriver *driver);

virDomainObj *qemuDomainObjFromIdent(const virDomainIdent *dom);
virDomainObj *qemuDomainObjFindQuiet(const unsigned char *uuid);
virDomainDef *qemuDomainDefParseConfig(const char *xml, bool validateSchema);
void qemuDomainRemoveInactive(virDomainObj *vm);

int qemuDomainConfigSave(const virDomainDef *def);
int qemuDomainConfigDelete(virDomainObj *vm);
int qemuDomainAutostartSet(virDomainObj *vm, bool autostart);
