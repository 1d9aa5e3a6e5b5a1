/*
 * qemu_migration_job.h: the migration async job and its phases
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A MIGRATION_OUT job lives from Begin to Confirm on the source and a
 * MIGRATION_IN job from Prepare to Finish on the destination, across API
 * calls that may run on different threads:
 *
 *   first API:   qemuMigrationJobStart; qemuMigrationJobSetPhase;
 *                ...work...; qemuMigrationJobContinue
 *   middle APIs: qemuMigrationJobIsActive; qemuMigrationJobStartPhase;
 *                ...work...; qemuMigrationJobContinue
 *   last API:    qemuMigrationJobIsActive; qemuMigrationJobStartPhase;
 *                ...work...; qemuMigrationJobFinish
 *
 * The phase only changes through qemuMigrationJobSetPhase/StartPhase/
 * Restore, which check the change against a transition table, log it and
 * save the status XML before returning: the action a phase names always
 * comes after that phase is on disk (scripts/check-phase-writes.py keeps
 * every other writer out).
 */
#pragma once

#include "internal.h"
#include "qemu_domain.h"
#include "virdomainjob.h"
#include "virenum.h"

typedef enum {
    QEMU_MIGRATION_PHASE_NONE = 0,
    QEMU_MIGRATION_PHASE_PERFORM2,
    QEMU_MIGRATION_PHASE_BEGIN3,
    QEMU_MIGRATION_PHASE_PERFORM3,
    QEMU_MIGRATION_PHASE_PERFORM3_DONE,
    QEMU_MIGRATION_PHASE_CONFIRM3_CANCELLED,
    QEMU_MIGRATION_PHASE_CONFIRM3,
    QEMU_MIGRATION_PHASE_PREPARE,
    QEMU_MIGRATION_PHASE_FINISH2,
    QEMU_MIGRATION_PHASE_FINISH3,
    QEMU_MIGRATION_PHASE_POSTCOPY_FAILED, /* first of the recovery phases */
    QEMU_MIGRATION_PHASE_BEGIN_RESUME,
    QEMU_MIGRATION_PHASE_PERFORM_RESUME,
    QEMU_MIGRATION_PHASE_CONFIRM_RESUME,
    QEMU_MIGRATION_PHASE_PREPARE_RESUME,
    QEMU_MIGRATION_PHASE_FINISH_RESUME,

    QEMU_MIGRATION_PHASE_LAST
} qemuMigrationJobPhase;
VIR_ENUM_DECL(qemuMigrationJobPhase);

bool qemuMigrationJobPhaseAllowed(virDomainAsyncJob job,
                                  qemuMigrationJobPhase from,
                                  qemuMigrationJobPhase to);
unsigned long long qemuMigrationJobAllowedMask(virDomainAsyncJob job,
                                               bool restored);

int qemuMigrationJobStart(virDomainObj *vm, virDomainAsyncJob job,
                          unsigned int apiFlags)
    ATTRIBUTE_NONNULL(1) G_GNUC_WARN_UNUSED_RESULT;
int qemuMigrationJobSetPhase(virDomainObj *vm, qemuMigrationJobPhase phase)
    ATTRIBUTE_NONNULL(1) G_GNUC_WARN_UNUSED_RESULT;
int qemuMigrationJobStartPhase(virDomainObj *vm, qemuMigrationJobPhase phase)
    ATTRIBUTE_NONNULL(1) G_GNUC_WARN_UNUSED_RESULT;
void qemuMigrationJobContinue(virDomainObj *vm,
                              qemuDomainCleanupCallback cleanup)
    ATTRIBUTE_NONNULL(1);
bool qemuMigrationJobIsActive(virDomainObj *vm, virDomainAsyncJob job)
    ATTRIBUTE_NONNULL(1);
void qemuMigrationJobFinish(virDomainObj *vm) ATTRIBUTE_NONNULL(1);
int qemuMigrationJobRestore(virDomainObj *vm, virDomainJobObj *saved,
                            qemuMigrationJobPhase phase)
    ATTRIBUTE_NONNULL(1) ATTRIBUTE_NONNULL(2) G_GNUC_WARN_UNUSED_RESULT;
