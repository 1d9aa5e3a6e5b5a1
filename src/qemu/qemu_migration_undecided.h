/*
 * qemu_migration_undecided.h: a copy of a guest kept paused because what
 * became of its migration is unknown, until the peer daemon can say
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * When neither the client nor the peer could tell whether the other side
 * of a migration runs the guest, the copy here stays paused (reason
 * unknown).  With a virtmigd peer (its URI from the cookie) the question
 * is asked again, in the background, until the peer answers
 * (docs/internals/recovery.rst, "Undecided copies"): a source resumes
 * when the destination has no copy and stops when it has one; a
 * destination runs its complete copy when the source has none and
 * destroys it when the source runs the guest.  The record survives a
 * daemon restart (<undecided> in the status XML).
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"

void qemuMigrationUndecidedStart(virDomainObj *vm, bool source,
                                 unsigned int delayMs);
void qemuMigrationUndecidedReconnect(virDomainObj *vm);
