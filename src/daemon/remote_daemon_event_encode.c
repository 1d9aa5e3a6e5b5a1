/*
 * remote_daemon_event_encode.c: domain events as libvirt 9.0's messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One message per event and registration.  A registration made with the
 * callback procedures (316, what virsh and python-libvirt use) gets the
 * callback flavour carrying its ID; a legacy one (105/167) gets the old
 * message where libvirt has one, and nothing for the events that exist
 * only in their callback flavour (as libvirt's daemon does).
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


/* The legacy or the callback flavour of an event whose callback message
 * wraps the legacy one (@legacyData is the .msg member of @cbData). */
static virNetMessage *
remoteEventPick(const remoteEventCallback *cb, int legacyProc,
                xdrproc_t legacyFilter, void *legacyData, int cbProc,
                xdrproc_t cbFilter, void *cbData)
{
    if (cb->legacy)
        return remoteEventMessage(legacyProc, legacyFilter, legacyData);
    return remoteEventMessage(cbProc, cbFilter, cbData);
}


static virNetMessage *
remoteEventEncodeLifecycle(const virDomainEvent *event,
                           const remoteEventCallback *cb,
                           remote_nonnull_domain dom)
{
    remote_domain_event_callback_lifecycle_msg data = {
        .callbackID = cb->callbackID,
        .msg = { .dom = dom, .event = event->event, .detail = event->detail } };

    return remoteEventPick(cb, REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE,
                           (xdrproc_t)xdr_remote_domain_event_lifecycle_msg,
                           &data.msg,
                           REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                           (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                           &data);
}


static virNetMessage *
remoteEventEncodeReboot(const remoteEventCallback *cb,
                        remote_nonnull_domain dom)
{
    remote_domain_event_callback_reboot_msg data = {
        .callbackID = cb->callbackID, .msg = { .dom = dom } };

    return remoteEventPick(cb, REMOTE_PROC_DOMAIN_EVENT_REBOOT,
                           (xdrproc_t)xdr_remote_domain_event_reboot_msg,
                           &data.msg,
                           REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
                           (xdrproc_t)xdr_remote_domain_event_callback_reboot_msg,
                           &data);
}


/* The strings of an event are never NULL on the wire. */
static char *
remoteEventStr(char *str)
{
    return str ? str : (char *)"";
}


static virNetMessage *
remoteEventEncodeIOError(const virDomainEvent *event,
                         const remoteEventCallback *cb,
                         remote_nonnull_domain dom)
{
    remote_domain_event_callback_io_error_msg data = {
        .callbackID = cb->callbackID,
        .msg = { .dom = dom, .srcPath = remoteEventStr(event->path),
                 .devAlias = remoteEventStr(event->dev),
                 .action = event->event } };

    return remoteEventPick(cb, REMOTE_PROC_DOMAIN_EVENT_IO_ERROR,
                           (xdrproc_t)xdr_remote_domain_event_io_error_msg,
                           &data.msg,
                           REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR,
                           (xdrproc_t)xdr_remote_domain_event_callback_io_error_msg,
                           &data);
}


static virNetMessage *
remoteEventEncodeIOErrorReason(const virDomainEvent *event,
                               const remoteEventCallback *cb,
                               remote_nonnull_domain dom)
{
    remote_domain_event_callback_io_error_reason_msg data = {
        .callbackID = cb->callbackID,
        .msg = { .dom = dom, .srcPath = remoteEventStr(event->path),
                 .devAlias = remoteEventStr(event->dev),
                 .action = event->event,
                 .reason = remoteEventStr(event->reason) } };

    return remoteEventPick(cb, REMOTE_PROC_DOMAIN_EVENT_IO_ERROR_REASON,
                           (xdrproc_t)xdr_remote_domain_event_io_error_reason_msg,
                           &data.msg,
                           REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON,
                           (xdrproc_t)xdr_remote_domain_event_callback_io_error_reason_msg,
                           &data);
}


static virNetMessage *
remoteEventEncodeBlockJob(const virDomainEvent *event,
                          const remoteEventCallback *cb,
                          remote_nonnull_domain dom)
{
    remote_domain_event_callback_block_job_msg data = {
        .callbackID = cb->callbackID,
        .msg = { .dom = dom, .path = remoteEventStr(event->path),
                 .type = event->event, .status = event->detail } };

    return remoteEventPick(cb, REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB,
                           (xdrproc_t)xdr_remote_domain_event_block_job_msg,
                           &data.msg,
                           REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB,
                           (xdrproc_t)xdr_remote_domain_event_callback_block_job_msg,
                           &data);
}


static virNetMessage *
remoteEventEncodeDeviceRemoved(const virDomainEvent *event,
                               const remoteEventCallback *cb,
                               remote_nonnull_domain dom)
{
    remote_domain_event_callback_device_removed_msg data = {
        .callbackID = cb->callbackID,
        .msg = { .dom = dom, .devAlias = remoteEventStr(event->dev) } };

    return remoteEventPick(cb, REMOTE_PROC_DOMAIN_EVENT_DEVICE_REMOVED,
                           (xdrproc_t)xdr_remote_domain_event_device_removed_msg,
                           &data.msg,
                           REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
                           (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg,
                           &data);
}


/* Frees typed parameters remoteSerializeTypedParameters made. */
static void
remoteEventParamsFree(remote_typed_param *params, u_int nparams)
{
    remote_domain_event_callback_tunable_msg tmp = {
        .params = { .params_len = nparams, .params_val = params } };

    xdr_free((xdrproc_t)xdr_remote_domain_event_callback_tunable_msg,
             (char *)&tmp);
}


/* JOB_COMPLETED and TUNABLE: the callback ID, the domain and typed
 * parameters (at most @max). */
static virNetMessage *
remoteEventEncodeParams(const virDomainEvent *event,
                        const remoteEventCallback *cb,
                        remote_nonnull_domain dom, int max)
{
    remote_typed_param *params = NULL;
    u_int nparams = 0;
    virNetMessage *msg;

    if (remoteSerializeTypedParameters(event->params, event->nparams, max,
                                       &params, &nparams) < 0) {
        VIR_WARN("cannot encode the parameters of event %d of %s",
                 event->eventID, dom.name);
        virErrorResetLast();
        return NULL;
    }
    if (event->eventID == VIR_DOMAIN_EVENT_ID_TUNABLE) {
        remote_domain_event_callback_tunable_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .params = { .params_len = nparams, .params_val = params } };

        msg = remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_TUNABLE,
                                 (xdrproc_t)xdr_remote_domain_event_callback_tunable_msg,
                                 &data);
    } else {
        remote_domain_event_callback_job_completed_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .params = { .params_len = nparams, .params_val = params } };

        msg = remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_JOB_COMPLETED,
                                 (xdrproc_t)xdr_remote_domain_event_callback_job_completed_msg,
                                 &data);
    }
    remoteEventParamsFree(params, nparams);
    return msg;
}


/* The events that exist in their callback flavour only. */
static virNetMessage *
remoteEventEncodeCallbackOnly(const virDomainEvent *event,
                              const remoteEventCallback *cb,
                              remote_nonnull_domain dom)
{
    switch (event->eventID) {
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2: {
        remote_domain_event_block_job_2_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .dst = remoteEventStr(event->dev), .type = event->event,
            .status = event->detail };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2,
                                  (xdrproc_t)xdr_remote_domain_event_block_job_2_msg,
                                  &data);
    }
    case VIR_DOMAIN_EVENT_ID_TUNABLE:
        return remoteEventEncodeParams(event, cb, dom,
                                       REMOTE_DOMAIN_EVENT_TUNABLE_MAX);
    case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE: {
        remote_domain_event_callback_agent_lifecycle_msg data = {
            .callbackID = cb->callbackID, .dom = dom, .state = event->event,
            .reason = event->detail };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE,
                                  (xdrproc_t)xdr_remote_domain_event_callback_agent_lifecycle_msg,
                                  &data);
    }
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED: {
        remote_domain_event_callback_device_added_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .devAlias = remoteEventStr(event->dev) };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
                                  (xdrproc_t)xdr_remote_domain_event_callback_device_added_msg,
                                  &data);
    }
    case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION: {
        remote_domain_event_callback_migration_iteration_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .iteration = event->iteration };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION,
                                  (xdrproc_t)xdr_remote_domain_event_callback_migration_iteration_msg,
                                  &data);
    }
    case VIR_DOMAIN_EVENT_ID_JOB_COMPLETED:
        return remoteEventEncodeParams(event, cb, dom,
                                       REMOTE_DOMAIN_JOB_STATS_MAX);
    case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE: {
        char *nsuri = event->nsuri;
        remote_domain_event_callback_metadata_change_msg data = {
            .callbackID = cb->callbackID, .dom = dom, .type = event->event,
            .nsuri = nsuri ? &nsuri : NULL };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
                                  (xdrproc_t)xdr_remote_domain_event_callback_metadata_change_msg,
                                  &data);
    }
    case VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD: {
        char *path = event->path;
        remote_domain_event_block_threshold_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .dev = remoteEventStr(event->dev), .path = path ? &path : NULL,
            .threshold = event->threshold, .excess = event->excess };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_BLOCK_THRESHOLD,
                                  (xdrproc_t)xdr_remote_domain_event_block_threshold_msg,
                                  &data);
    }
    case VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE: {
        remote_domain_event_memory_failure_msg data = {
            .callbackID = cb->callbackID, .dom = dom,
            .recipient = event->event, .action = event->detail,
            .flags = event->flags };

        return remoteEventMessage(REMOTE_PROC_DOMAIN_EVENT_MEMORY_FAILURE,
                                  (xdrproc_t)xdr_remote_domain_event_memory_failure_msg,
                                  &data);
    }
    default:
        return NULL;
    }
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

    switch (event->eventID) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
        return remoteEventEncodeLifecycle(event, cb, dom);
    case VIR_DOMAIN_EVENT_ID_REBOOT:
        return remoteEventEncodeReboot(cb, dom);
    case VIR_DOMAIN_EVENT_ID_IO_ERROR:
        return remoteEventEncodeIOError(event, cb, dom);
    case VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON:
        return remoteEventEncodeIOErrorReason(event, cb, dom);
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB:
        return remoteEventEncodeBlockJob(event, cb, dom);
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
        return remoteEventEncodeDeviceRemoved(event, cb, dom);
    default:
        return cb->legacy ? NULL : remoteEventEncodeCallbackOnly(event, cb, dom);
    }
}
