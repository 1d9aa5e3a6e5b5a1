/*
 * qemu_migration_p2p.h: peer-to-peer migration, the source daemon
 * driving the destination's daemon itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

/* Whether a Perform step asks for peer-to-peer migration. */
bool qemuMigrationP2PRequested(const virMigrateArgs *args);

int qemuMigrationSrcPerformP2P(virDomainObj *vm, virMigrateArgs *args);
int qemuMigrationSrcPerformP2PV2(virDomainObj *vm, virMigrateArgs *args);
