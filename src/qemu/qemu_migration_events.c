/*
 * qemu_migration_events.c: QEMU's migration events routed to both sides
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one file above the shared core (qemu_migration.c), the destination
 * (qemu_migration_dst.c) and crash recovery (qemu_migration_recover.c):
 * the process code's MIGRATION event hooks and the job code's cancel,
 * pause and statistics hooks land here and go to whichever of them
 * handles them.  Nothing below calls back up into this file, so the
 * core no longer reaches into the destination side.
 */
#include <config.h>

#include "qemu_migration.h"
#include "qemu_domainjob.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_domain.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_events");


/* MIGRATION event (monitor thread, @vm locked, an async job active):
 * migrations, and the save, restore and dump jobs (qemu_save.c,
 * qemu_dump.c), whose data QEMU moves with its migration code too. */
static void
qemuMigrationAnyHandleStatus(virDomainObj *vm, qemuMonitorMigrationStatus status)
{
    int jobStatus = qemuMigrationAnyStatusToJob(status);

    if (vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_OUT &&
        vm->job->asyncJob != VIR_ASYNC_JOB_MIGRATION_IN &&
        vm->job->asyncJob != VIR_ASYNC_JOB_SAVE &&
        vm->job->asyncJob != VIR_ASYNC_JOB_DUMP &&
        vm->job->asyncJob != VIR_ASYNC_JOB_START)
        return;
    if (jobStatus < 0 || !vm->job->current)
        return;
    /* A finished record keeps its verdict. */
    if (vm->job->current->status == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED ||
        vm->job->current->status == VIR_DOMAIN_JOB_STATUS_COMPLETED)
        return;
    vm->job->current->status = jobStatus;
    if (jobStatus == VIR_DOMAIN_JOB_STATUS_POSTCOPY) {
        qemuMigrationSrcCorrectPostcopyPause(vm);
        qemuMigrationAnyPostcopyRecovered(vm);
    }
    if (jobStatus == VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED)
        qemuMigrationAnyPostcopyPaused(vm);
    if (jobStatus == VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED &&
        qemuMigrationAnyPostcopyDoneLater(vm))
        return;
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN)
        qemuMigrationDstIncomingEvent(vm);
}


static int
qemuMigrationAnyCancelHook(virDomainObj *vm)
{
    return qemuMigrationSrcCancel(vm, VIR_ASYNC_JOB_NONE);
}


/* domjobabort --postcopy: the source's QEMU pauses its post-copy
 * migration (it becomes post-copy failed, ready for --postcopy-resume). */
static int
qemuMigrationAnyPauseHook(virDomainObj *vm)
{
    return qemuMigrationAnyPause(vm, VIR_ASYNC_JOB_NONE);
}


static int
qemuMigrationAnyRefreshHook(virDomainObj *vm, virDomainJobData *jobData)
{
    return qemuMigrationAnyRefreshStats(vm, VIR_ASYNC_JOB_NONE, jobData);
}


static const qemuProcessMigrationEventHooks qemuMigrationEventHooks = {
    .migrationStatus = qemuMigrationAnyHandleStatus,
    /* MIGRATION_PASS: the process code's default (an iteration event) */
    .migrationUnowned = qemuMigrationRecoverUnowned,
};

static const qemuDomainJobHooks qemuMigrationJobHooks = {
    .migrateCancel = qemuMigrationAnyCancelHook,
    .migratePause = qemuMigrationAnyPauseHook,
    .refreshStats = qemuMigrationAnyRefreshHook,
};


/* Plugs the migration code into the process and job code (driver start). */
void
qemuMigrationInit(void)
{
    qemuProcessSetMigrationEventHooks(&qemuMigrationEventHooks);
    qemuDomainJobSetHooks(&qemuMigrationJobHooks);
    qemuProcessSetRecoverJobHook(qemuMigrationRecoverJob);
}
