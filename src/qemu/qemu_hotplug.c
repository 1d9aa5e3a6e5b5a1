/*
 * qemu_hotplug.c: disks and interfaces plugged into a running domain and
 * taken out, and a CD-ROM's media changed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0 does it, on our command line's objects:
 *   - attach: the new device gets the address the definition's address
 *     assignment gives it and the alias and block node names a start
 *     would; blockdev-add (or netdev_add) of exactly the objects the
 *     command line builder writes, then device_add; the device joins the
 *     live definition (so the status file, and the XML a migration's
 *     destination starts from, have it) and DEVICE_ADDED is raised;
 *   - detach: device_del asks the guest (ACPI on i440fx) to let go; the
 *     call waits up to 5 s for QEMU's DEVICE_DELETED, then removes the
 *     backends (blockdev-del, netdev_del), the device from the live
 *     definition and raises DEVICE_REMOVED.  A guest that has not
 *     answered within 5 s leaves the removal pending and the call
 *     succeeds, as libvirt's; a DEVICE_DELETED that comes later is
 *     finished by a worker under its own job;
 *   - change media: blockdev-open-tray, blockdev-remove-medium, then for
 *     a new image blockdev-add and blockdev-insert-medium, and
 *     blockdev-close-tray.  QEMU's DEVICE_TRAY_MOVED becomes
 *     TRAY_CHANGE.
 * A bridge or ethernet interface gets its tap as at start
 * (qemu_interface.c), handed to QEMU with "getfd" for its netdev; the
 * tap goes with QEMU's descriptor when the netdev is deleted.  What QEMU
 * cannot plug on these machines (IDE and SATA disks, a new controller)
 * is refused before anything changes.
 */
#include <config.h>

#include "qemu_hotplug.h"
#include "qemu_command.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_domain_disk.h"
#include "qemu_domain_event.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "qemu_interface.h"
#include "qemu_monitor_block.h"
#include "qemu_monitor_cpu.h"
#include "qemu_monitor_hotplug.h"
#include "qemu_monitor_json.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_hotplug");

/* How long a detach waits for the guest, as libvirt's QEMU_UNPLUG_TIMEOUT. */
#define QEMU_HOTPLUG_UNPLUG_MS 5000


/* ---- attach ---- */

/* Refuses what cannot be plugged live: a disk on a bus QEMU cannot
 * hotplug here, a device type other than disk and interface.  Returns 0
 * or -1 (reported). */
static int
qemuHotplugAttachCheck(const virDomainDef *def,
                       const virDomainDeviceParsed *dev)
{
    if (dev->type == VIR_DOMAIN_DEVICE_NET)
        return 0;
    if (dev->type != VIR_DOMAIN_DEVICE_DISK) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("live attach of device '%1$s' is not supported"),
                       dev->typeName);
        return -1;
    }
    if (virDomainDefFindDisk(def, dev->disk->dst) >= 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("target %1$s already exists"), dev->disk->dst);
        return -1;
    }
    if (dev->disk->bus != VIR_DOMAIN_DISK_BUS_VIRTIO &&
        dev->disk->bus != VIR_DOMAIN_DISK_BUS_SCSI) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("disk bus '%1$s' cannot be hotplugged."),
                       virDomainDiskBusTypeToString(dev->disk->bus));
        return -1;
    }
    return 0;
}


/* The device of @dev placed as the live definition of @vm would place
 * it: added to a copy of it with the definition's address rules, then
 * taken out again (into @dev).  A device that would need a new
 * controller is refused.  Returns 0 or -1 (reported). */
static int
qemuHotplugAttachPlace(virDomainObj *vm, virDomainDeviceParsed *dev)
{
    g_autoptr(virDomainDef) copy = virDomainDefCopy(vm->def, false);
    const char *dst = dev->disk ? dev->disk->dst : NULL;
    g_autofree char *target = g_strdup(dst);
    int idx;

    if (!copy ||
        virDomainDefAddDevice(copy, dev, &qemu_driver->parserCfg) < 0 ||
        qemuValidateDomainDef(copy) < 0)
        return -1;
    if (copy->controllers->len != vm->def->controllers->len) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("live attach of device '%1$s' would need a new controller, which cannot be hot plugged"),
                       dev->typeName);
        return -1;
    }
    if (target) {
        idx = virDomainDefFindDisk(copy, target);
        dev->disk = g_ptr_array_steal_index(copy->disks, idx);
    } else {
        dev->net = g_ptr_array_steal_index(copy->nets, copy->nets->len - 1);
    }
    return 0;
}


/* Deletes backend @props (a -blockdev node or a -netdev) from QEMU, to
 * undo a failed plug: errors are dropped, the first one stays. */
static void
qemuHotplugBackendDel(qemuMonitor *mon, json_object *props)
{
    const char *node = qemuMonitorJSONGetString(props, "node-name");
    const char *id = qemuMonitorJSONGetString(props, "id");
    virError *err = NULL;

    virErrorPreserveLast(&err);
    if (node)
        ignore_value(qemuMonitorBlockdevDel(mon, node));
    else if (id)
        ignore_value(qemuMonitorNetdevDel(mon, id));
    virErrorRestore(&err);
}


/* blockdev-add/netdev_add of @backends then device_add of @device (NULL:
 * none); what went in is taken out again on failure.  @mon entered.
 * Returns 0 or -1 (reported). */
static int
qemuHotplugPlugMonitor(qemuMonitor *mon, GPtrArray *backends,
                       json_object *device)
{
    size_t done;

    for (done = 0; done < backends->len; done++) {
        json_object *props = g_ptr_array_index(backends, done);
        int rc;

        if (qemuMonitorJSONGetString(props, "node-name"))
            rc = qemuMonitorBlockdevAdd(mon, json_object_get(props));
        else
            rc = qemuMonitorNetdevAdd(mon, json_object_get(props));
        if (rc < 0)
            break;
    }
    if (done == backends->len &&
        (!device || qemuMonitorDeviceAdd(mon, json_object_get(device)) == 0))
        return 0;
    while (done-- > 0)
        qemuHotplugBackendDel(mon, g_ptr_array_index(backends, done));
    return -1;
}


/* As qemuHotplugPlugMonitor, the tap descriptor @tapfd (-1: none) handed
 * to QEMU first under @fdname, for the netdev to take. */
static int
qemuHotplugPlugMonitorTap(qemuMonitor *mon, int tapfd, const char *fdname,
                          GPtrArray *backends, json_object *device)
{
    virError *err = NULL;

    if (tapfd >= 0 && qemuMonitorSendFileHandle(mon, fdname, tapfd) < 0)
        return -1;
    if (qemuHotplugPlugMonitor(mon, backends, device) == 0)
        return 0;
    if (tapfd >= 0) {
        /* gone already if the netdev took it */
        virErrorPreserveLast(&err);
        ignore_value(qemuMonitorCloseFileHandle(mon, fdname));
        virErrorRestore(&err);
    }
    return -1;
}


/* Names the new device of @dev for the live definition of @vm, opens
 * the tap of a bridge or ethernet interface, and plugs it into QEMU.
 * Returns 0 or -1 (reported; a tap the daemon created goes with its
 * descriptor). */
static int
qemuHotplugPlug(virDomainObj *vm, virDomainDeviceParsed *dev)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autoptr(GPtrArray) backends = NULL;
    g_autoptr(json_object) device = NULL;
    g_autofree char *fdname = NULL;
    VIR_AUTOCLOSE tapfd = -1;
    int rc;

    if (dev->disk && qemuDomainPrepareDisk(dev->disk) < 0)
        return -1;
    if (dev->disk) {
        virDomainDefNameNewDisk(vm->def, dev->disk);
    } else {
        virDomainDefNameNewNet(vm->def, dev->net);
        if (dev->net->type != VIR_DOMAIN_NET_TYPE_USER &&
            qemuInterfaceOpenTap(dev->net, &tapfd) < 0)
            return -1;
        if (tapfd >= 0)
            fdname = g_strdup_printf("fd-%s", dev->net->info.alias);
    }
    if (qemuBuildHotplugProps(vm->def, dev->disk, dev->net, fdname, &backends,
                              &device) < 0)
        return -1;
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuHotplugPlugMonitorTap(priv->mon, tapfd, fdname, backends, device);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/**
 * qemuHotplugAttachLive:
 * Plugs the disk or interface of @dev into running @vm (locked, MODIFY
 * job) and adds it to the live definition, whose status file is saved;
 * raises DEVICE_ADDED.  Takes the device from @dev on success.  Returns
 * 0 or -1 (reported; QEMU and the definition unchanged).
 */
int
qemuHotplugAttachLive(virDomainObj *vm, virDomainDeviceParsed *dev)
{
    virDomainEvent *ev;
    const char *alias;

    if (qemuHotplugAttachCheck(vm->def, dev) < 0 ||
        qemuHotplugAttachPlace(vm, dev) < 0 || qemuHotplugPlug(vm, dev) < 0)
        return -1;
    if (dev->disk) {
        alias = dev->disk->info.alias;
        g_ptr_array_add(vm->def->disks, g_steal_pointer(&dev->disk));
    } else {
        alias = dev->net->info.alias;
        g_ptr_array_add(vm->def->nets, g_steal_pointer(&dev->net));
    }
    VIR_INFO("domain %s: device %s plugged in", vm->def->name, alias);
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED);
    ev->dev = g_strdup(alias);
    qemuDomainEventQueue(ev);
    return virDomainObjSaveStatus(vm);
}


/* ---- detach ---- */

/* blockdev-del of the format and storage nodes of every layer of
 * @disk, top down (errors logged: the device is gone already). */
static void
qemuHotplugDiskNodesDel(qemuMonitor *mon, const virDomainDiskDef *disk)
{
    const virDomainDiskSource *layer;

    if (!disk->src->path)
        return;
    for (layer = disk->src; layer; layer = layer->backing) {
        g_autofree char *format = g_strdup_printf("libvirt-%u-format",
                                                  layer->index);
        g_autofree char *storage = g_strdup_printf("libvirt-%u-storage",
                                                   layer->index);

        if (qemuMonitorBlockdevDel(mon, format) < 0 ||
            qemuMonitorBlockdevDel(mon, storage) < 0) {
            VIR_WARN("cannot delete the block nodes of disk %s: %s", disk->dst,
                     NULLSTR(virErrorGetLastMessage()));
            virErrorResetLast();
        }
    }
}


/* Deletes the backends of the device QEMU deleted (index @idx of type
 * @type in the live definition of @vm).  Returns 0, -1 when the domain
 * died meanwhile. */
static int
qemuHotplugBackendsDel(virDomainObj *vm, virDomainDeviceType type, int idx)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    virDomainDiskDef *disk = NULL;
    g_autofree char *hostnet = NULL;

    if (type == VIR_DOMAIN_DEVICE_DISK) {
        disk = g_ptr_array_index(vm->def->disks, idx);
    } else {
        virDomainNetDef *net = g_ptr_array_index(vm->def->nets, idx);

        hostnet = g_strdup_printf("host%s", net->info.alias);
    }
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    if (disk) {
        qemuHotplugDiskNodesDel(priv->mon, disk);
    } else if (qemuMonitorNetdevDel(priv->mon, hostnet) < 0) {
        VIR_WARN("cannot delete netdev %s: %s", hostnet,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
    return qemuDomainObjExitMonitor(vm);
}


/**
 * qemuHotplugRemoveDevice:
 * Finishes the removal of the device QEMU deleted, @alias, from running
 * @vm (locked, MODIFY job): its backends, its place in the live
 * definition (status file saved), DEVICE_REMOVED.  Nothing if the
 * definition has no such disk or interface.  Returns 0 or -1 (reported).
 */
int
qemuHotplugRemoveDevice(virDomainObj *vm, const char *alias)
{
    virDomainDeviceType type = VIR_DOMAIN_DEVICE_NONE;
    virDomainEvent *ev;
    int idx;

    if ((idx = virDomainDefFindAlias(vm->def, alias, &type)) < 0) {
        virErrorResetLast();
        return 0;
    }
    if (qemuHotplugBackendsDel(vm, type, idx) < 0)
        return -1;
    /* the index holds: only jobs change the device lists */
    if (type == VIR_DOMAIN_DEVICE_DISK)
        virDomainDiskDefFree(g_ptr_array_steal_index(vm->def->disks, idx));
    else
        virDomainNetDefFree(g_ptr_array_steal_index(vm->def->nets, idx));
    VIR_INFO("domain %s: device %s removed", vm->def->name, alias);
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED);
    ev->dev = g_strdup(alias);
    qemuDomainEventQueue(ev);
    return virDomainObjSaveStatus(vm);
}


/* Refuses a device QEMU cannot unplug: a disk that is not on virtio or
 * SCSI.  Returns 0 or -1 (reported). */
static int
qemuHotplugDetachCheck(const virDomainDef *def, virDomainDeviceType type,
                       int idx, const char **retAlias)
{
    const virDomainDeviceInfo *info;

    if (type == VIR_DOMAIN_DEVICE_DISK) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, idx);

        if (disk->bus != VIR_DOMAIN_DISK_BUS_VIRTIO &&
            disk->bus != VIR_DOMAIN_DISK_BUS_SCSI) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                           _("This type of disk cannot be hot unplugged"));
            return -1;
        }
        info = &disk->info;
    } else {
        info = &((virDomainNetDef *)g_ptr_array_index(def->nets, idx))->info;
    }
    if (!info->alias) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Cannot detach %1$s device with no alias"),
                       type == VIR_DOMAIN_DEVICE_DISK ? "disk" : "net");
        return -1;
    }
    *retAlias = info->alias;
    return 0;
}


/* Waits (the domain unlocked) until QEMU deleted the device @vm's
 * detach asked for, or 5 s passed.  Returns 1 deleted, 0 not yet, -1
 * (reported) when the guest refused or the domain died. */
static int
qemuHotplugWaitDeleted(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    long long deadline = virTimeMonotonicMs() + QEMU_HOTPLUG_UNPLUG_MS;
    int rc;

    while (!priv->unplugDeleted) {
        if (priv->unplugRejected) {
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("unplug of device was rejected by the guest"));
            return -1;
        }
        if ((rc = qemuDomainObjWait(vm, deadline)) < 0)
            return -1;
        if (rc == 1)
            return priv->unplugDeleted;
    }
    return 1;
}


/**
 * qemuHotplugDetachLive:
 * Asks QEMU to unplug the disk or interface of @vm (locked, MODIFY job)
 * at index @idx of type @type in its live definition and, unless
 * @async, waits up to 5 s for the guest to let it go: then it is removed
 * (qemuHotplugRemoveDevice).  A guest still holding it leaves the
 * removal pending (finished when QEMU reports it) and the call succeeds,
 * as libvirt's.  Returns 0 or -1 (reported).
 */
int
qemuHotplugDetachLive(virDomainObj *vm, virDomainDeviceType type, int idx,
                      bool async)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autofree char *alias = NULL;
    const char *name = NULL;
    int rc;

    if (qemuHotplugDetachCheck(vm->def, type, idx, &name) < 0)
        return -1;
    alias = g_strdup(name);
    priv->unplugAlias = async ? NULL : g_strdup(alias);
    priv->unplugDeleted = false;
    priv->unplugRejected = false;
    if (qemuDomainObjEnterMonitor(vm) < 0) {
        g_clear_pointer(&priv->unplugAlias, g_free);
        return -1;
    }
    rc = qemuMonitorDelDevice(priv->mon, alias);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0) {
        g_clear_pointer(&priv->unplugAlias, g_free);
        return -1;
    }
    if (async)
        return 0;
    rc = qemuHotplugWaitDeleted(vm);
    g_clear_pointer(&priv->unplugAlias, g_free);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        VIR_INFO("domain %s: unplug of %s requested; the guest has not released it yet",
                 vm->def->name, alias);
        return 0;
    }
    return qemuHotplugRemoveDevice(vm, alias);
}


/* The aliases of the disks and interfaces of @def that are not in
 * @present (caller owns the result). */
static GPtrArray *
qemuHotplugGoneAliases(const virDomainDef *def, GHashTable *present)
{
    GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->info.alias &&
            !g_hash_table_contains(present, disk->info.alias))
            g_ptr_array_add(gone, g_strdup(disk->info.alias));
    }
    for (i = 0; i < def->nets->len; i++) {
        const virDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (net->info.alias && !g_hash_table_contains(present, net->info.alias))
            g_ptr_array_add(gone, g_strdup(net->info.alias));
    }
    return gone;
}


/**
 * qemuHotplugReconnect:
 * After a daemon restart, for running @vm (locked, MODIFY job, monitor
 * up): finishes the removal of the disks and interfaces the guest let go
 * while no daemon listened (their DEVICE_DELETED is lost), as libvirt's
 * reconnect does from QEMU's list of devices.  Failures are logged only:
 * the domain keeps running.
 */
void
qemuHotplugReconnect(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autoptr(GHashTable) present = NULL;
    g_autoptr(GPtrArray) gone = NULL;
    size_t i;
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        goto error;
    rc = qemuMonitorGetDeviceAliases(priv->mon, &present);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        goto error;
    gone = qemuHotplugGoneAliases(vm->def, present);
    for (i = 0; i < gone->len; i++) {
        VIR_INFO("domain %s: device %s left while the daemon was away",
                 vm->def->name, (const char *)g_ptr_array_index(gone, i));
        if (qemuHotplugRemoveDevice(vm, g_ptr_array_index(gone, i)) < 0)
            goto error;
    }
    return;

error:
    VIR_WARN("domain %s: cannot check which devices QEMU still has: %s",
             vm->def->name, NULLSTR(virErrorGetLastMessage()));
    virErrorResetLast();
}


/* ---- QEMU's device events ---- */

typedef struct {
    virDomainObj *vm;
    unsigned int gen;
    char *alias;
} qemuHotplugDeleted;


static void
qemuHotplugDeletedFree(void *opaque)
{
    qemuHotplugDeleted *del = opaque;

    virObjectUnref(del->vm);
    g_free(del->alias);
    g_free(del);
}


/* Worker: a DEVICE_DELETED nobody waited for (the detach call had given
 * up waiting); finishes the removal under a job of its own. */
static void
qemuHotplugDeletedWork(void *opaque)
{
    qemuHotplugDeleted *del = opaque;
    virDomainObj *vm = del->vm;

    virObjectLock(vm);
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0) {
        VIR_WARN("domain %s: device %s left by the guest stays in the definition: %s",
                 vm->def->name, del->alias, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        virObjectUnlock(vm);
        return;
    }
    if (QEMU_DOMAIN_PRIVATE(vm)->procGen == del->gen &&
        virDomainObjIsActive(vm) && qemuHotplugRemoveDevice(vm, del->alias) < 0)
        virErrorResetLast();
    virDomainObjEndJob(vm);
    virObjectUnlock(vm);
}


/**
 * qemuHotplugHandleDeviceDeleted:
 * QEMU's DEVICE_DELETED of device @alias of @vm (locked; monitor
 * thread): wakes the detach that waits for it, or has a worker finish a
 * removal that was left pending.  Devices that are no disk or interface
 * of the definition (vCPUs, backends) are not ours.
 */
void
qemuHotplugHandleDeviceDeleted(virDomainObj *vm, const char *alias)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    virDomainDeviceType type;
    qemuHotplugDeleted *del;

    VIR_DEBUG("domain %s: QEMU deleted device %s", vm->def->name, alias);
    if (STREQ_NULLABLE(priv->unplugAlias, alias)) {
        priv->unplugDeleted = true;
        virDomainObjBroadcast(vm);
        return;
    }
    if (virDomainDefFindAlias(vm->def, alias, &type) < 0) {
        virErrorResetLast();
        return;
    }
    del = g_new0(qemuHotplugDeleted, 1);
    del->vm = virObjectRef(vm);
    del->gen = priv->procGen;
    del->alias = g_strdup(alias);
    qemuEventLoopSubmit(qemu_driver->eventLoop, qemuHotplugDeletedWork, del,
                        qemuHotplugDeletedFree);
}


/**
 * qemuHotplugHandleUnplugError:
 * QEMU's DEVICE_UNPLUG_GUEST_ERROR of device @alias of @vm (locked;
 * monitor thread): the guest refused to let it go.  DEVICE_REMOVAL_FAILED,
 * and the detach that waits for it fails, as libvirt's.
 */
void
qemuHotplugHandleUnplugError(virDomainObj *vm, const char *alias)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    virDomainDeviceType type;
    virDomainEvent *ev;

    if (virDomainDefFindAlias(vm->def, alias, &type) < 0) {
        virErrorResetLast();
        return;
    }
    VIR_WARN("domain %s: the guest refused to release device %s", vm->def->name,
             alias);
    if (STREQ_NULLABLE(priv->unplugAlias, alias)) {
        priv->unplugRejected = true;
        virDomainObjBroadcast(vm);
    }
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED);
    ev->dev = g_strdup(alias);
    qemuDomainEventQueue(ev);
}


/**
 * qemuHotplugHandleTrayMoved:
 * QEMU's DEVICE_TRAY_MOVED of device @id of @vm (locked): TRAY_CHANGE
 * with the disk's alias and VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN/CLOSE.
 */
void
qemuHotplugHandleTrayMoved(virDomainObj *vm, const char *id, bool open)
{
    virDomainDeviceType type = VIR_DOMAIN_DEVICE_NONE;
    virDomainEvent *ev;

    if (virDomainDefFindAlias(vm->def, id, &type) < 0) {
        virErrorResetLast();
        return;
    }
    if (type != VIR_DOMAIN_DEVICE_DISK)
        return;
    ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_TRAY_CHANGE);
    ev->dev = g_strdup(id);
    ev->event = open ? VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN
                     : VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE;
    qemuDomainEventQueue(ev);
}


/* ---- media ---- */

/* The tray steps of a media change of CD-ROM @orig to @src (NULL:
 * eject); @mon entered.  Returns 0 or -1 (reported). */
static int
qemuHotplugMediaMonitor(qemuMonitor *mon, const virDomainDiskDef *orig,
                        GPtrArray *backends)
{
    const char *id = orig->info.alias;
    json_object *top;

    if (qemuMonitorTrayMove(mon, id, true) < 0 ||
        qemuMonitorMediumRemove(mon, id) < 0)
        return -1;
    qemuHotplugDiskNodesDel(mon, orig);
    if (backends && backends->len > 0) {
        top = g_ptr_array_index(backends, backends->len - 1);
        if (qemuHotplugPlugMonitor(mon, backends, NULL) < 0)
            return -1;
        if (qemuMonitorMediumInsert(mon, id,
                                    qemuMonitorJSONGetString(top,
                                                             "node-name")) < 0)
            return -1;
    }
    return qemuMonitorTrayMove(mon, id, false);
}


/**
 * qemuHotplugChangeMedia:
 * Changes the medium of CD-ROM @orig of running @vm (locked, MODIFY job)
 * to the source of @disk (empty: eject), with new block node numbers;
 * the live definition follows (status file saved).  Returns 0 or -1
 * (reported).
 */
int
qemuHotplugChangeMedia(virDomainObj *vm, virDomainDiskDef *orig,
                       virDomainDiskDef *disk)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autoptr(GPtrArray) backends = NULL;
    g_autoptr(json_object) device = NULL;
    virDomainDiskSource *tmp;
    int rc;

    g_clear_pointer(&disk->info.alias, g_free);
    disk->info.alias = g_strdup(orig->info.alias);
    if (qemuDomainPrepareDisk(disk) < 0)
        return -1;
    virDomainDefNameNewDisk(vm->def, disk);
    if (disk->src->path && qemuBuildHotplugProps(vm->def, disk, NULL, NULL,
                                                 &backends, &device) < 0)
        return -1;
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuHotplugMediaMonitor(priv->mon, orig, backends);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    tmp = orig->src;
    orig->src = disk->src;
    disk->src = tmp;
    VIR_INFO("domain %s: medium of %s is now %s", vm->def->name, orig->dst,
             NULLSTR(orig->src->path));
    return virDomainObjSaveStatus(vm);
}
