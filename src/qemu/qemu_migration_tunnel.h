/*
 * qemu_migration_tunnel.h: tunnelled migration, QEMU's migration stream
 * carried by the daemons' own connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virhypervisordriver.h"

/* Destination: where the incoming QEMU listens (caller owns the path). */
char *qemuMigrationTunnelNewPath(const char *what);
int qemuMigrationDstTunnelAttach(const char *path, virStream *st);

/* Source: QEMU sends to a socket of ours; a thread forwards what it
 * reads into the stream. */
typedef struct _qemuMigrationTunnel qemuMigrationTunnel;

qemuMigrationTunnel *qemuMigrationSrcTunnelStart(virStream *st);
const char *qemuMigrationSrcTunnelURI(const qemuMigrationTunnel *tunnel);
int qemuMigrationSrcTunnelStop(qemuMigrationTunnel *tunnel, bool failed);
