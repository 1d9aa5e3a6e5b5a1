/*
 * qemu_migration_p2p.h: peer-to-peer migration, the source daemon
 * driving the destination's daemon itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "qemu_migration_args.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

/* Whether a Perform step asks for peer-to-peer migration. */
bool qemuMigrationP2PRequested(unsigned long long flags);

int qemuMigrationSrcPerformP2P(virDomainObj *vm, qemuMigrationArgs *args);
int qemuMigrationSrcPerformP2PV2(virDomainObj *vm, qemuMigrationArgs *args);
