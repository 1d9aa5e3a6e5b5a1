/*
 * qemu_domain_event.c: domain events of the QEMU driver, made and queued
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Whoever changes a domain (monitor callbacks, API entry points, the
 * migration code) makes its event here and queues it; the driver's event
 * thread hands it to the daemon, in order, with no domain lock held.
 */
#include <config.h>

#include "qemu_domain_event.h"
#include "qemu_conf.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_domain_event");

/* Queues @event (stolen) for delivery on the driver's event thread. */
void
qemuDomainEventQueue(virDomainEvent *event)
{
    if (!qemu_driver || !qemu_driver->eventLoop) {
        qemuDomainEventFree(event);
        return;
    }
    qemuEventLoopQueueEvent(qemu_driver->eventLoop, event);
}


/* A new event @eventID about locked @vm (caller owns it). */
virDomainEvent *
qemuDomainEventNew(virDomainObj *vm, int eventID)
{
    virDomainEvent *event = g_new0(virDomainEvent, 1);

    event->eventID = eventID;
    event->dom = virDomainIdentNew(vm->def->name, vm->def->uuid,
                                   vm->def->id);
    return event;
}


/**
 * qemuDomainEventQueueLifecycle:
 * Queues a lifecycle event (libvirt's virDomainEventType @event and its
 * @detail) about locked @vm for every client that registered for it.
 * Never blocks; delivery happens on the driver's event thread, in order.
 */
void
qemuDomainEventQueueLifecycle(virDomainObj *vm, int event, int detail)
{
    virDomainEvent *ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_LIFECYCLE);

    VIR_DEBUG("domain %s: lifecycle event %d detail %d", vm->def->name,
              event, detail);
    ev->event = event;
    ev->detail = detail;
    qemuDomainEventQueue(ev);
}


/* Queues an event without data (REBOOT...) about locked @vm. */
void
qemuDomainEventQueueSimple(virDomainObj *vm, int eventID)
{
    qemuDomainEventQueue(qemuDomainEventNew(vm, eventID));
}


/* Queues METADATA_CHANGE about locked @vm: @type changed (@nsuri: the
 * namespace of a changed element). */
void
qemuDomainEventQueueMetadataChange(virDomainObj *vm, int type,
                                   const char *nsuri)
{
    virDomainEvent *ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE);

    ev->event = type;
    ev->nsuri = g_strdup(nsuri);
    qemuDomainEventQueue(ev);
}


/**
 * qemuDomainEventQueueJobCompleted:
 * Queues JOB_COMPLETED about locked @vm with the statistics of its
 * completed job (what "domjobinfo --completed" shows), as libvirt does
 * when an outgoing migration ends on the source.  Nothing without them.
 */
void
qemuDomainEventQueueJobCompleted(virDomainObj *vm)
{
    virDomainEvent *ev;
    int type;

    if (!vm->job->completed)
        return;
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED);
    if (qemuDomainJobDataToParams(vm->job->completed, &type, &ev->params,
                                  &ev->nparams) < 0) {
        VIR_WARN("no statistics for the completed job of %s", vm->def->name);
        virErrorResetLast();
    }
    qemuDomainEventQueue(ev);
}


/* libvirt's mapping of a running reason to the RESUMED event detail. */
int
qemuDomainRunningReasonToResumeEvent(virDomainRunningReason reason)
{
    switch (reason) {
    case VIR_DOMAIN_RUNNING_RESTORED:
    case VIR_DOMAIN_RUNNING_FROM_SNAPSHOT:
        return VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT;
    case VIR_DOMAIN_RUNNING_MIGRATED:
    case VIR_DOMAIN_RUNNING_MIGRATION_CANCELED:
        return VIR_DOMAIN_EVENT_RESUMED_MIGRATED;
    case VIR_DOMAIN_RUNNING_POSTCOPY:
        return VIR_DOMAIN_EVENT_RESUMED_POSTCOPY;
    case VIR_DOMAIN_RUNNING_POSTCOPY_FAILED:
        return VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED;
    case VIR_DOMAIN_RUNNING_UNKNOWN:
    case VIR_DOMAIN_RUNNING_SAVE_CANCELED:
    case VIR_DOMAIN_RUNNING_BOOTED:
    case VIR_DOMAIN_RUNNING_UNPAUSED:
    case VIR_DOMAIN_RUNNING_WAKEUP:
    case VIR_DOMAIN_RUNNING_CRASHED:
    default:
        return VIR_DOMAIN_EVENT_RESUMED_UNPAUSED;
    }
}


/* libvirt's mapping of a paused reason to the SUSPENDED event detail. */
int
qemuDomainPausedReasonToSuspendedEvent(virDomainPausedReason reason)
{
    switch (reason) {
    case VIR_DOMAIN_PAUSED_MIGRATION:
        return VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED;
    case VIR_DOMAIN_PAUSED_FROM_SNAPSHOT:
        return VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT;
    case VIR_DOMAIN_PAUSED_POSTCOPY_FAILED:
        return VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED;
    case VIR_DOMAIN_PAUSED_POSTCOPY:
        return VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY;
    case VIR_DOMAIN_PAUSED_UNKNOWN:
    case VIR_DOMAIN_PAUSED_USER:
    case VIR_DOMAIN_PAUSED_SAVE:
    case VIR_DOMAIN_PAUSED_DUMP:
    case VIR_DOMAIN_PAUSED_IOERROR:
    case VIR_DOMAIN_PAUSED_WATCHDOG:
    case VIR_DOMAIN_PAUSED_SHUTTING_DOWN:
    case VIR_DOMAIN_PAUSED_SNAPSHOT:
    case VIR_DOMAIN_PAUSED_CRASHED:
    case VIR_DOMAIN_PAUSED_STARTING_UP:
    default:
        return VIR_DOMAIN_EVENT_SUSPENDED_PAUSED;
    }
}
