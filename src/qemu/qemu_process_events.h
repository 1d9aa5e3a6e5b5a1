/*
 * qemu_process_events.h: what happens to a running QEMU on its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QMP events (on the monitor's thread) and the exit of the process (on
 * the driver's event thread) change the domain state and send lifecycle
 * events as libvirt 9.0 does.  Whatever needs a job (stopping a domain
 * whose QEMU exited, a fake reboot) is passed to a driver worker.
 */
#pragma once

#include "internal.h"
#include "qemu_monitor.h"
#include "virdomainobj.h"
#include "qemu_domain_event.h"

extern const qemuMonitorCallbacks qemuProcessMonitorCallbacks;

void qemuProcessWatchExit(virDomainObj *vm);
void qemuProcessShutdownOrReboot(virDomainObj *vm);


/* What the migration code adds to the MIGRATION and MIGRATION_PASS
 * events (called on the monitor thread with @vm locked and, but for
 * migrationUnowned, an async job present).  NULL entries: only the domain condition is broadcast, and a
 * MIGRATION_ITERATION event is sent for each pass. */
typedef struct _qemuProcessMigrationEventHooks qemuProcessMigrationEventHooks;
struct _qemuProcessMigrationEventHooks {
    void (*migrationStatus)(virDomainObj *vm,
                            qemuMonitorMigrationStatus status);
    void (*migrationPass)(virDomainObj *vm, int pass);
    /* a MIGRATION event of a domain without an async job (a migration
     * that survived the daemon which started it) */
    void (*migrationUnowned)(virDomainObj *vm,
                             qemuMonitorMigrationStatus status);
};
void qemuProcessSetMigrationEventHooks(
    const qemuProcessMigrationEventHooks *hooks);
