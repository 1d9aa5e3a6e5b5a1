/*
 * qemu_process_qmpevents.c: QMP events that become domain events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What QEMU says about disks and memory, turned into the domain events
 * libvirt 9.0 raises for it:
 *   - BLOCK_JOB_READY/COMPLETED/CANCELLED of a disk's job (the mirrors
 *     of a storage migration, job "drive-<alias>"): BLOCK_JOB (local
 *     disks, by path: all are) and BLOCK_JOB_2 (by target).  A job cancelled at
 *     once is FAILED, as libvirt reads it from query-jobs ("Operation
 *     canceled"); one cancelled when ready completes;
 *   - BLOCK_IO_ERROR: IO_ERROR and IO_ERROR_REASON ("enospc" when the
 *     host's storage is full, else ""); with action "stop" the domain
 *     is paused for an I/O error (SUSPENDED/IOERROR);
 *   - BLOCK_WRITE_THRESHOLD: BLOCK_THRESHOLD, the threshold being spent
 *     (QEMU forgets it);
 *   - MEMORY_FAILURE: MEMORY_FAILURE (QEMU reports it under KVM only);
 *   - DEVICE_DELETED (a device_del the guest agreed to),
 *     DEVICE_UNPLUG_GUEST_ERROR (one it refused) and DEVICE_TRAY_MOVED:
 *     to the hotplug code (qemu_hotplug.c), which finishes an unplug and
 *     raises DEVICE_REMOVAL_FAILED and TRAY_CHANGE;
 *   - BALLOON_CHANGE (the guest's balloon driver took or gave back
 *     memory): the live definition's current memory follows it, as
 *     libvirt's does (what dominfo and the domain XML show: what the
 *     guest has, not what it was asked for), and BALLOON_CHANGE in KiB.
 * Monitor thread, monitor unlocked, as every monitor callback.
 */
#include <config.h>

#include "qemu_process_qmpevents.h"
#include "qemu_domain.h"
#include "qemu_eventloop.h"
#include "qemu_hotplug.h"
#include "qemu_monitor_json.h"
#include "qemu_domain_event.h"
#include "qemu_process_periph.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_process_qmpevents");


/* The disk of @def whose job, node (libvirt-N-format/-storage) or
 * alias is @name; NULL if none. */
static virDomainDiskDef *
qemuProcessQMPEventDisk(const virDomainDef *def, const char *name)
{
    size_t i;

    if (!name || !*name)
        return NULL;
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        g_autofree char *job = g_strdup_printf("drive-%s", NULLSTR(disk->info.alias));
        g_autofree char *format = g_strdup_printf("libvirt-%u-format", disk->src->index);
        g_autofree char *storage = g_strdup_printf("libvirt-%u-storage", disk->src->index);

        if (STREQ_NULLABLE(disk->info.alias, name) || STREQ(job, name) ||
            STREQ(format, name) || STREQ(storage, name))
            return disk;
    }
    return NULL;
}


/**
 * qemuProcessQMPEventBlockJobStatus:
 * The VIR_DOMAIN_BLOCK_JOB_* status libvirt reports for QMP block job
 * event @event (@hasError: its "error" member is there), or -1 for an
 * event that reports no status (BLOCK_JOB_ERROR, ...).
 */
int
qemuProcessQMPEventBlockJobStatus(const char *event, bool hasError)
{
    if (STREQ(event, "BLOCK_JOB_READY"))
        return VIR_DOMAIN_BLOCK_JOB_READY;
    if (STREQ(event, "BLOCK_JOB_COMPLETED"))
        return hasError ? VIR_DOMAIN_BLOCK_JOB_FAILED : VIR_DOMAIN_BLOCK_JOB_COMPLETED;
    if (STREQ(event, "BLOCK_JOB_CANCELLED"))
        return VIR_DOMAIN_BLOCK_JOB_FAILED;
    return -1;
}


/* The VIR_DOMAIN_BLOCK_JOB_TYPE_* of QMP job type @type (-1: none). */
static int
qemuProcessQMPEventBlockJobType(const char *type)
{
    if (STREQ_NULLABLE(type, "mirror"))
        return VIR_DOMAIN_BLOCK_JOB_TYPE_COPY;
    if (STREQ_NULLABLE(type, "commit"))
        return VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT;
    if (STREQ_NULLABLE(type, "stream"))
        return VIR_DOMAIN_BLOCK_JOB_TYPE_PULL;
    if (STREQ_NULLABLE(type, "backup"))
        return VIR_DOMAIN_BLOCK_JOB_TYPE_BACKUP;
    return -1;
}


/* BLOCK_JOB and BLOCK_JOB_2 for a job of a disk of locked @vm. */
static void
qemuProcessQMPEventBlockJob(virDomainObj *vm, const char *event,
                            json_object *data)
{
    virDomainDiskDef *disk;
    virDomainEvent *ev;
    int status;
    int type;

    status = qemuProcessQMPEventBlockJobStatus(event,
                                               json_object_object_get_ex(data, "error", NULL));
    type = qemuProcessQMPEventBlockJobType(qemuMonitorJSONGetString(data, "type"));
    disk = qemuProcessQMPEventDisk(vm->def, qemuMonitorJSONGetString(data, "device"));
    if (status < 0 || type < 0 || !disk)
        return;
    VIR_INFO("domain %s: block job of %s: %s", vm->def->name, disk->dst, event);
    if (disk->src->path) {
        ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_BLOCK_JOB);
        ev->path = g_strdup(disk->src->path);
        ev->event = type;
        ev->detail = status;
        qemuDomainEventQueue(ev);
    }
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2);
    ev->dev = g_strdup(disk->dst);
    ev->event = type;
    ev->detail = status;
    qemuDomainEventQueue(ev);
}


/**
 * qemuProcessQMPEventIOErrorAction:
 * VIR_DOMAIN_EVENT_IO_ERROR_* of BLOCK_IO_ERROR's @action.
 */
int
qemuProcessQMPEventIOErrorAction(const char *action)
{
    if (STREQ_NULLABLE(action, "stop"))
        return VIR_DOMAIN_EVENT_IO_ERROR_PAUSE;
    if (STREQ_NULLABLE(action, "report"))
        return VIR_DOMAIN_EVENT_IO_ERROR_REPORT;
    return VIR_DOMAIN_EVENT_IO_ERROR_NONE;
}


/* IO_ERROR, IO_ERROR_REASON and, for "stop", the pause of locked @vm. */
static void
qemuProcessQMPEventIOError(virDomainObj *vm, json_object *data)
{
    const char *node = qemuMonitorJSONGetString(data, "node-name");
    virDomainDiskDef *disk = qemuProcessQMPEventDisk(vm->def, node);
    int action = qemuProcessQMPEventIOErrorAction(qemuMonitorJSONGetString(data, "action"));
    json_object *nospace = NULL;
    const char *reason = "";
    int id;

    if (!disk)
        disk = qemuProcessQMPEventDisk(vm->def, qemuMonitorJSONGetString(data, "device"));
    if (json_object_object_get_ex(data, "nospace", &nospace) &&
        json_object_get_boolean(nospace))
        reason = "enospc";
    VIR_WARN("domain %s: I/O error on disk %s (%s, action %d)", vm->def->name,
             disk ? disk->dst : "?", NULLSTR(qemuMonitorJSONGetString(data, "reason")),
             action);
    for (id = VIR_DOMAIN_EVENT_ID_IO_ERROR; id <= VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON;
         id += VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON - VIR_DOMAIN_EVENT_ID_IO_ERROR) {
        virDomainEvent *ev = qemuDomainEventNew(vm, id);

        ev->path = g_strdup(disk && disk->src->path ? disk->src->path : "");
        ev->dev = g_strdup(disk && disk->info.alias ? disk->info.alias : "");
        ev->event = action;
        if (id == VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON)
            ev->reason = g_strdup(reason);
        qemuDomainEventQueue(ev);
    }
    if (action == VIR_DOMAIN_EVENT_IO_ERROR_PAUSE &&
        virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING) {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_IOERROR);
        if (virDomainObjSaveStatus(vm) < 0)
            virErrorResetLast();
        virDomainObjBroadcast(vm);  /* a migration may abort on it */
    }
}


/* BLOCK_THRESHOLD for the disk of locked @vm whose node crossed it. */
static void
qemuProcessQMPEventThreshold(virDomainObj *vm, json_object *data)
{
    virDomainDiskDef *disk = qemuProcessQMPEventDisk(vm->def,
                                                     qemuMonitorJSONGetString(data, "node-name"));
    virDomainEvent *ev;

    if (!disk)
        return;
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD);
    ev->dev = g_strdup(disk->dst);
    ev->path = g_strdup(disk->src->path);
    ignore_value(qemuMonitorJSONGetULL(data, "write-threshold", &ev->threshold));
    ignore_value(qemuMonitorJSONGetULL(data, "amount-exceeded", &ev->excess));
    VIR_INFO("domain %s: disk %s crossed its write threshold %llu by %llu",
             vm->def->name, disk->dst, ev->threshold, ev->excess);
    qemuDomainEventQueue(ev);
}


/**
 * qemuProcessQMPEventMemoryFailure:
 * Fills MEMORY_FAILURE's recipient, action and flags in @ev from QMP's
 * @data.  Returns 0, or -1 for values libvirt does not know (the event
 * is then dropped, as libvirt does).
 */
int
qemuProcessQMPEventMemoryFailure(json_object *data, virDomainEvent *ev)
{
    static const char *const recipients[] = { "hypervisor", "guest" };
    static const char *const actions[] = { "ignore", "inject", "fatal", "reset" };
    const char *recipient = qemuMonitorJSONGetString(data, "recipient");
    const char *action = qemuMonitorJSONGetString(data, "action");
    json_object *flags = NULL;
    json_object *flag = NULL;
    int r = -1;
    int a = -1;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(recipients); i++)
        if (STREQ_NULLABLE(recipient, recipients[i]))
            r = i;
    for (i = 0; i < G_N_ELEMENTS(actions); i++)
        if (STREQ_NULLABLE(action, actions[i]))
            a = i;
    if (r < 0 || a < 0)
        return -1;
    ev->event = r;                  /* VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_* */
    ev->detail = a;                 /* VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_* */
    ev->flags = 0;
    if (json_object_object_get_ex(data, "flags", &flags)) {
        if (json_object_object_get_ex(flags, "action-required", &flag) &&
            json_object_get_boolean(flag))
            ev->flags |= VIR_DOMAIN_MEMORY_FAILURE_ACTION_REQUIRED;
        if (json_object_object_get_ex(flags, "recursive", &flag) &&
            json_object_get_boolean(flag))
            ev->flags |= VIR_DOMAIN_MEMORY_FAILURE_RECURSIVE;
    }
    return 0;
}


static void
qemuProcessQMPEventMemory(virDomainObj *vm, json_object *data)
{
    virDomainEvent *ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE);

    if (qemuProcessQMPEventMemoryFailure(data, ev) < 0) {
        VIR_WARN("domain %s: MEMORY_FAILURE with unknown values", vm->def->name);
        qemuDomainEventFree(ev);
        return;
    }
    qemuDomainEventQueue(ev);
}


/**
 * qemuProcessQMPEventBalloonActual:
 * The memory BALLOON_CHANGE's @data leaves the guest ("actual", bytes)
 * in KiB in @retKiB.  Returns 0, or -1 when it has none.
 */
int
qemuProcessQMPEventBalloonActual(json_object *data, unsigned long long *retKiB)
{
    unsigned long long actual;

    if (!qemuMonitorJSONGetULL(data, "actual", &actual))
        return -1;
    *retKiB = actual / 1024;
    return 0;
}


static void
qemuProcessQMPEventBalloon(virDomainObj *vm, json_object *data)
{
    unsigned long long kib;
    virDomainEvent *ev;

    if (qemuProcessQMPEventBalloonActual(data, &kib) < 0) {
        VIR_WARN("domain %s: BALLOON_CHANGE without 'actual'", vm->def->name);
        return;
    }
    VIR_DEBUG("domain %s: balloon from %llu to %llu KiB", vm->def->name,
              vm->def->currentMemory, kib);
    vm->def->currentMemory = kib;
    if (virDomainObjSaveStatus(vm) < 0)
        virErrorResetLast();
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE);
    ev->actual = kib;
    qemuDomainEventQueue(ev);
}


/* DUMP_COMPLETED: {"result": {"status": "completed"|"failed", ...},
 * "error": "..."}; wakes qemuDumpMemory. */
static void
qemuProcessQMPEventDump(virDomainObj *vm, json_object *data)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    json_object *result = NULL;
    json_object *status = NULL;
    json_object *error = NULL;

    g_clear_pointer(&priv->dumpError, g_free);
    if (json_object_object_get_ex(data, "error", &error))
        priv->dumpError = g_strdup(json_object_get_string(error));
    else if (!json_object_object_get_ex(data, "result", &result) ||
             !json_object_object_get_ex(result, "status", &status) ||
             STRNEQ_NULLABLE(json_object_get_string(status), "completed"))
        priv->dumpError = g_strdup("unknown reason");
    priv->dumpCompleted = true;
    virDomainObjBroadcast(vm);
}


/* Every QMP event of @vm's QEMU @mon as libvirt-qemu's monitor event, for
 * virsh qemu-monitor-event. */
static void
qemuProcessQMPEventMonitor(virDomainObj *vm, qemuMonitor *mon,
                           const char *event, json_object *data,
                           long long seconds, unsigned int micros)
{
    int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
    virDomainEvent *ev;

    virObjectLock(vm);
    if (QEMU_DOMAIN_PRIVATE(vm)->mon != mon || !virDomainObjIsActive(vm)) {
        virObjectUnlock(vm);
        return;
    }
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_QEMU_MONITOR);
    virObjectUnlock(vm);
    ev->name = g_strdup(event);
    ev->seconds = seconds;
    ev->micros = micros;
    if (data)
        ev->details = g_strdup(json_object_to_json_string_ext(data, flags));
    qemuDomainEventQueue(ev);
}


/* DEVICE_DELETED and DEVICE_UNPLUG_GUEST_ERROR of a device (not of a
 * backend: those have no "device") and DEVICE_TRAY_MOVED ("id": the
 * device's id) go to the hotplug code. */
static void
qemuProcessQMPEventDevice(virDomainObj *vm, const char *event,
                          json_object *data)
{
    const char *device = qemuMonitorJSONGetString(data, "device");
    const char *id = qemuMonitorJSONGetString(data, "id");
    json_object *open = NULL;

    if (STREQ(event, "DEVICE_DELETED") && device && *device)
        qemuHotplugHandleDeviceDeleted(vm, device);
    else if (STREQ(event, "DEVICE_UNPLUG_GUEST_ERROR") && device && *device)
        qemuHotplugHandleUnplugError(vm, device);
    else if (STREQ(event, "DEVICE_TRAY_MOVED") && id && *id &&
             json_object_object_get_ex(data, "tray-open", &open))
        qemuHotplugHandleTrayMoved(vm, id, json_object_get_boolean(open));
}


/**
 * qemuProcessHandleQMPEvent:
 * The monitor's callback for every QMP event: the ones above, and the
 * serial port changes of qemuProcessPeriphHandleEvent.
 */
void
qemuProcessHandleQMPEvent(qemuMonitor *mon, const char *event,
                          json_object *data, long long seconds,
                          unsigned int micros, void *opaque)
{
    virDomainObj *vm = opaque;

    qemuProcessQMPEventMonitor(vm, mon, event, data, seconds, micros);
    if (STREQ(event, "VSERPORT_CHANGE")) {
        qemuProcessPeriphHandleEvent(mon, event, data, seconds, micros, opaque);
        return;
    }
    if (!data ||
        (!g_str_has_prefix(event, "BLOCK_") &&
         !g_str_has_prefix(event, "DEVICE_") &&
         STRNEQ(event, "MEMORY_FAILURE") && STRNEQ(event, "BALLOON_CHANGE") &&
         STRNEQ(event, "DUMP_COMPLETED")))
        return;
    virObjectLock(vm);
    if (QEMU_DOMAIN_PRIVATE(vm)->mon != mon || !virDomainObjIsActive(vm) ||
        QEMU_DOMAIN_PRIVATE(vm)->beingDestroyed) {
        virObjectUnlock(vm);
        return;
    }
    if (g_str_has_prefix(event, "BLOCK_JOB_"))
        qemuProcessQMPEventBlockJob(vm, event, data);
    else if (STREQ(event, "BLOCK_IO_ERROR"))
        qemuProcessQMPEventIOError(vm, data);
    else if (STREQ(event, "BLOCK_WRITE_THRESHOLD"))
        qemuProcessQMPEventThreshold(vm, data);
    else if (STREQ(event, "MEMORY_FAILURE"))
        qemuProcessQMPEventMemory(vm, data);
    else if (STREQ(event, "DUMP_COMPLETED"))
        qemuProcessQMPEventDump(vm, data);
    else if (STREQ(event, "BALLOON_CHANGE"))
        qemuProcessQMPEventBalloon(vm, data);
    else if (g_str_has_prefix(event, "DEVICE_"))
        qemuProcessQMPEventDevice(vm, event, data);
    virObjectUnlock(vm);
}
