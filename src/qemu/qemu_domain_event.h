/*
 * qemu_domain_event.h: domain events of the QEMU driver, made and queued
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

virDomainEvent *qemuDomainEventNew(virDomainObj *vm, int eventID);
void qemuDomainEventQueue(virDomainEvent *event);
void qemuDomainEventQueueLifecycle(virDomainObj *vm, int event, int detail);
void qemuDomainEventQueueSimple(virDomainObj *vm, int eventID);
void qemuDomainEventQueueJobCompleted(virDomainObj *vm);
void qemuDomainEventQueueMetadataChange(virDomainObj *vm, int type,
                                        const char *nsuri);

int qemuDomainRunningReasonToResumeEvent(virDomainRunningReason reason);
int qemuDomainPausedReasonToSuspendedEvent(virDomainPausedReason reason);
