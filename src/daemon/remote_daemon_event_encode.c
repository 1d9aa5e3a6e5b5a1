/*
 * remote_daemon_event_encode.c: domain events as libvirt 9.0's messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One message per event and registration.  A registration made with the
 * callback procedures (316, what virsh and python-libvirt use) gets the
 * callback flavour carrying its ID; a legacy one (105/167) gets the old
 * message where libvirt has one, and nothing for the events that exist
 * only in their callback flavour (as libvirt's daemon does).  The
 * encoders are generated from the .x (@event: which member of the event
 * each field carries) into remote_event_encode.h; these are the helpers
 * they call.
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.event_encode");

/* A MESSAGE packet of @proc with body @data (NULL on failure, logged). */
static virNetMessage *
remoteEventMessage(int proc, xdrproc_t filter, void *data)
{
    return virNetServerProgramNewEvent(REMOTE_PROGRAM, proc, filter, data);
}


/* The strings of an event are never NULL on the wire. */
static char *
remoteEventStr(char *str)
{
    return str ? str : (char *)"";
}


/* The typed parameters of @event (at most @max) in wire form, to free
 * with remoteTypedParamsFreeWire.  Returns 0, or -1 when they cannot be
 * encoded (logged: the event is dropped for this registration). */
static int
remoteEventParams(const virDomainEvent *event, int max,
                  remote_typed_param **val, u_int *len)
{
    if (remoteSerializeTypedParameters(event->params, event->nparams, max,
                                       val, len) == 0)
        return 0;
    VIR_WARN("cannot encode the parameters of event %d of %s",
             event->eventID, event->dom->name);
    virErrorResetLast();
    return -1;
}


#include "remote_event_encode.h"


/* QEMU_MONITOR: the QEMU program's DOMAIN_MONITOR_EVENT (6). */
static virNetMessage *
remoteEventEncodeQemuMonitor(const virDomainEvent *event,
                             const remoteEventCallback *cb,
                             remote_nonnull_domain dom)
{
    xdrproc_t filter = (xdrproc_t)xdr_qemu_domain_monitor_event_msg;
    qemu_domain_monitor_event_msg data = { 0 };

    data.callbackID = cb->callbackID;
    data.dom = dom;
    data.event = remoteEventStr(event->name);
    data.seconds = event->seconds;
    data.micros = event->micros;
    data.details = event->details ? (char **)&event->details : NULL;
    return virNetServerProgramNewEvent(QEMU_PROGRAM,
                                       QEMU_PROC_DOMAIN_MONITOR_EVENT, filter,
                                       &data);
}


/**
 * remoteEventEncode:
 * The message that tells registration @cb about @event (caller owns
 * it), or NULL when this registration gets no message for it (a legacy
 * registration of an event without a legacy message, an event this
 * daemon does not raise) or encoding failed (logged).
 */
virNetMessage *
remoteEventEncode(const virDomainEvent *event, const remoteEventCallback *cb)
{
    remote_nonnull_domain dom;

    dom.name = event->dom->name;
    memcpy(dom.uuid, event->dom->uuid, VIR_UUID_BUFLEN);
    dom.id = event->dom->id;
    if (event->eventID == VIR_DOMAIN_EVENT_ID_QEMU_MONITOR)
        return remoteEventEncodeQemuMonitor(event, cb, dom);
    return remoteEventEncodeAny(event, cb, dom);
}
