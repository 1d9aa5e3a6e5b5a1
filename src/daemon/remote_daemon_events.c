/*
 * remote_daemon_events.c: domain event registrations and delivery
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Modern clients (feature 14) register per event ID and get a callback ID
 * that every event message carries; legacy ones (105/167) get the old
 * message procedures.  The driver hands every event to
 * remoteDispatchDomainEvent, which encodes it once per matching
 * registration (remote_daemon_event_encode.c) and queues it on the
 * client.
 */
#include <config.h>

#include <libvirt/libvirt-qemu.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.events");

#define REMOTE_QEMU_EVENT_REGEX \
    VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX
#define REMOTE_QEMU_EVENT_NOCASE \
    VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE

/* Every event ID libvirt 9.0 knows (virsh event --all registers them). */
#define REMOTE_EVENT_ID_LAST 27

static int
remoteEventCheckID(int eventID)
{
    if (eventID < 0 || eventID >= REMOTE_EVENT_ID_LAST) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("unsupported event ID %1$d"),
                       eventID);
        return -1;
    }
    return 0;
}


/* A new registration of @eventID, for the domain of @uuid or all. */
static remoteEventCallback *
remoteEventCallbackNew(int eventID, bool legacy, const unsigned char *uuid)
{
    remoteEventCallback *cb = g_new0(remoteEventCallback, 1);

    cb->eventID = eventID;
    cb->legacy = legacy;
    if (uuid) {
        cb->hasDom = true;
        memcpy(cb->uuid, uuid, VIR_UUID_BUFLEN);
    }
    return cb;
}


/* Gives @cb (stolen) the next callback ID of @priv (locked) and adds it;
 * returns the ID. */
static int
remoteEventInsertLocked(remoteClientPrivate *priv, remoteEventCallback *cb)
{
    cb->callbackID = priv->nextCallbackID++;
    g_ptr_array_add(priv->callbacks, cb);
    return cb->callbackID;
}


/* Adds a registration; returns its callback ID or -1 (reported). */
static int
remoteEventAdd(virNetServerClient *client, int eventID, bool legacy,
               const unsigned char *uuid)
{
    remoteClientPrivate *priv = remoteClientGetPrivate(client);
    remoteEventCallback *cb;
    guint i;
    int id;

    if (remoteEventCheckID(eventID) < 0)
        return -1;
    g_mutex_lock(&priv->lock);
    for (i = 0; legacy && i < priv->callbacks->len; i++) {
        remoteEventCallback *old = g_ptr_array_index(priv->callbacks, i);
        if (old->legacy && old->eventID == eventID) {
            g_mutex_unlock(&priv->lock);
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("domain event %1$d already registered"), eventID);
            return -1;
        }
    }
    cb = remoteEventCallbackNew(eventID, legacy, uuid);
    id = remoteEventInsertLocked(priv, cb);
    g_mutex_unlock(&priv->lock);
    return id;
}


/**
 * remoteEventAddQemu:
 * Registers @client for the QMP events of the domain of @uuid (NULL: of
 * every domain) named @event (NULL: all), which with
 * VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX in @flags is a
 * regular expression, and with _NOCASE is compared without case.
 * Returns the callback ID, or -1 (reported).
 */
int
remoteEventAddQemu(virNetServerClient *client, const unsigned char *uuid,
                   const char *event, unsigned int flags)
{
    remoteClientPrivate *priv = remoteClientGetPrivate(client);
    bool nocase = flags & REMOTE_QEMU_EVENT_NOCASE;
    remoteEventCallback *cb;
    g_autoptr(GError) err = NULL;
    GRegex *regex = NULL;
    int id;

    virCheckFlags(REMOTE_QEMU_EVENT_REGEX | REMOTE_QEMU_EVENT_NOCASE, -1);
    if (event && (flags & REMOTE_QEMU_EVENT_REGEX) &&
        !(regex = g_regex_new(event, nocase ? G_REGEX_CASELESS : 0, 0, &err))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("failed to compile regex '%1$s': %2$s"), event,
                       err->message);
        return -1;
    }
    cb = remoteEventCallbackNew(VIR_DOMAIN_EVENT_ID_QEMU_MONITOR, false, uuid);
    cb->regex = regex;
    if (!regex)
        cb->qemuEvent = g_strdup(event);
    cb->nocase = nocase;
    g_mutex_lock(&priv->lock);
    id = remoteEventInsertLocked(priv, cb);
    g_mutex_unlock(&priv->lock);
    return id;
}


/* Whether the QEMU monitor registration @cb wants QMP event @name. */
static bool
remoteEventQemuMonitorWants(const remoteEventCallback *cb, const char *name)
{
    if (cb->regex)
        return g_regex_match(cb->regex, name, 0, NULL);
    if (!cb->qemuEvent)
        return true;
    return cb->nocase ? g_ascii_strcasecmp(cb->qemuEvent, name) == 0
                      : STREQ(cb->qemuEvent, name);
}


/* Removes the registration matching @callbackID (a QEMU monitor one
 * with @qemu, else a domain event one), or the legacy one of @eventID
 * when @callbackID is -1.  Returns 0 or -1 (reported). */
static int
remoteEventRemove(virNetServerClient *client, int callbackID, int eventID,
                  bool qemu)
{
    remoteClientPrivate *priv = remoteClientGetPrivate(client);
    guint i;

    g_mutex_lock(&priv->lock);
    for (i = 0; i < priv->callbacks->len; i++) {
        remoteEventCallback *cb = g_ptr_array_index(priv->callbacks, i);
        bool isQemu = cb->eventID == VIR_DOMAIN_EVENT_ID_QEMU_MONITOR;

        if (callbackID >= 0 ? cb->callbackID == callbackID && isQemu == qemu
                            : (cb->legacy && cb->eventID == eventID)) {
            g_ptr_array_remove_index(priv->callbacks, i);
            g_mutex_unlock(&priv->lock);
            return 0;
        }
    }
    g_mutex_unlock(&priv->lock);
    if (callbackID >= 0)
        virReportError(VIR_ERR_INVALID_ARG, _("callbackID %1$d not registered"),
                       callbackID);
    else
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("domain event %1$d not registered"), eventID);
    return -1;
}


/* Removes @client's QEMU monitor registration @callbackID; 0 or -1
 * (reported). */
int
remoteEventRemoveQemu(virNetServerClient *client, int callbackID)
{
    return remoteEventRemove(client, callbackID, -1, true);
}


int
remoteDispatchConnectDomainEventCallbackRegisterAny(virNetServerClient *client,
                                                    virConn *conn G_GNUC_UNUSED,
                                                    remote_connect_domain_event_callback_register_any_args *args,
                                                    remote_connect_domain_event_callback_register_any_ret *ret)
{
    int id = remoteEventAdd(client, args->eventID, false,
                            args->dom ? (const unsigned char *)args->dom->uuid : NULL);

    if (id < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}


int
remoteDispatchConnectDomainEventCallbackDeregisterAny(virNetServerClient *client,
                                                      virConn *conn G_GNUC_UNUSED,
                                                      remote_connect_domain_event_callback_deregister_any_args *args)
{
    return remoteEventRemove(client, args->callbackID, -1, false);
}


int
remoteDispatchConnectDomainEventRegisterAny(virNetServerClient *client,
                                            virConn *conn G_GNUC_UNUSED,
                                            remote_connect_domain_event_register_any_args *args)
{
    return remoteEventAdd(client, args->eventID, true, NULL) < 0 ? -1 : 0;
}


int
remoteDispatchConnectDomainEventDeregisterAny(virNetServerClient *client,
                                              virConn *conn G_GNUC_UNUSED,
                                              remote_connect_domain_event_deregister_any_args *args)
{
    return remoteEventRemove(client, -1, args->eventID, false);
}


/* The oldest calls (105/106): the legacy lifecycle registration on or
 * off, and *@registered says which it is now. */
static int
remoteEventLegacyLifecycle(virNetServerClient *client, bool on,
                           int *registered)
{
    int id = VIR_DOMAIN_EVENT_ID_LIFECYCLE;

    if ((on ? remoteEventAdd(client, id, true, NULL)
            : remoteEventRemove(client, -1, id, false)) < 0)
        return -1;
    *registered = on;
    return 0;
}


int
remoteDispatchConnectDomainEventRegister(virNetServerClient *client,
                                         virConn *conn G_GNUC_UNUSED,
                                         remote_connect_domain_event_register_ret *ret)
{
    return remoteEventLegacyLifecycle(client, true, &ret->cb_registered);
}


int
remoteDispatchConnectDomainEventDeregister(virNetServerClient *client,
                                           virConn *conn G_GNUC_UNUSED,
                                           remote_connect_domain_event_deregister_ret *ret)
{
    return remoteEventLegacyLifecycle(client, false, &ret->cb_registered);
}


static void
remoteEventDeliver(virNetServerClient *client, void *opaque)
{
    const virDomainEvent *event = opaque;
    remoteClientPrivate *priv = remoteClientGetPrivate(client);
    g_autoptr(GPtrArray) msgs = g_ptr_array_new();
    guint i;

    g_mutex_lock(&priv->lock);
    for (i = 0; priv->conn && i < priv->callbacks->len; i++) {
        remoteEventCallback *cb = g_ptr_array_index(priv->callbacks, i);
        virNetMessage *msg;

        if (cb->eventID != event->eventID ||
            (cb->hasDom &&
             memcmp(cb->uuid, event->dom->uuid, VIR_UUID_BUFLEN) != 0) ||
            (event->eventID == VIR_DOMAIN_EVENT_ID_QEMU_MONITOR &&
             !remoteEventQemuMonitorWants(cb, event->name)))
            continue;
        if ((msg = remoteEventEncode(event, cb)))
            g_ptr_array_add(msgs, msg);
    }
    g_mutex_unlock(&priv->lock);

    for (i = 0; i < msgs->len; i++)
        virNetServerClientSendMessage(client, g_ptr_array_index(msgs, i));
}


void
remoteDispatchDomainEvent(const virDomainEvent *event, void *opaque)
{
    virtmigdDaemon *daemon = opaque;

    if (!daemon->srv)
        return;
    VIR_DEBUG("event id=%d dom=%s event=%d detail=%d", event->eventID,
              event->dom->name, event->event, event->detail);
    virNetServerForEachClient(daemon->srv, remoteEventDeliver, (void *)event);
}
