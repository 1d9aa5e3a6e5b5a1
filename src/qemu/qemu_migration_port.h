/*
 * qemu_migration_port.h: the incoming migration port range
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

/* A free port of the configured range, or 0 (reported). */
unsigned short qemuMigrationDstPortAcquire(void);
/* Gives @port back (0: nothing). */
void qemuMigrationDstPortRelease(unsigned short port);
