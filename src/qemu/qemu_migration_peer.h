/*
 * qemu_migration_peer.h: asking the other side's daemon what became of
 * a migrated guest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * When the client driving a migration is lost after the source sent the
 * guest, only the destination knows whether its copy runs.  Between two
 * virtmigd hosts each cookie names the sender's daemon (<virtmig-peer>),
 * so one side connects to the other directly and asks
 * (docs/internals/recovery.rst).
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virenum.h"

typedef enum {
    QEMU_MIGRATION_PEER_UNKNOWN = 0,  /* no answer: cannot tell */
    QEMU_MIGRATION_PEER_ABSENT,       /* no copy there that runs or may run */
    QEMU_MIGRATION_PEER_PENDING,      /* a copy waiting for its migration's
                                       * end (paused/migrating) */
    QEMU_MIGRATION_PEER_HAS,          /* a copy that is the guest there:
                                       * running, or kept paused */
    QEMU_MIGRATION_PEER_RUNS,         /* a copy whose vCPUs run */

    QEMU_MIGRATION_PEER_LAST
} qemuMigrationPeerState;
VIR_ENUM_DECL(qemuMigrationPeerState);

/* How long one question may take, and how long a PENDING answer is
 * asked again before it counts as UNKNOWN. */
#define QEMU_MIGRATION_PEER_CALL_TIMEOUT_MS 5000
#define QEMU_MIGRATION_PEER_PENDING_WAIT_MS 15000

qemuMigrationPeerState qemuMigrationPeerAsk(virDomainObj *vm,
                                            long long pendingWaitMs);
qemuMigrationPeerState qemuMigrationPeerAskAt(virDomainObj *vm,
                                              const char *peer,
                                              long long pendingWaitMs);
bool qemuMigrationPeerPostcopyFailed(virDomainObj *vm);
