/*
 * qemu_monitor_hotplug.c: QMP commands that plug devices into a running
 * QEMU and take them out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * blockdev-add, netdev_add and device_add of the objects the command
 * line builder writes (qemu_command.c); netdev_del for an interface
 * whose device QEMU deleted (device_del is qemuMonitorDelDevice, shared
 * with the vCPUs); the steps of a CD-ROM's media change as libvirt 9.0
 * sends them: blockdev-open-tray, blockdev-remove-medium,
 * blockdev-insert-medium, blockdev-close-tray; and the ids of the
 * devices QEMU has (qom-list of /machine/peripheral, as libvirt's
 * qemuMonitorGetDeviceAliases).
 */
#include <config.h>

#include "qemu_monitor_hotplug.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_hotplug");


/* blockdev-add of node @props (stolen). */
int
qemuMonitorBlockdevAdd(qemuMonitor *mon, json_object *props)
{
    return qemuMonitorJSONSimple(mon, "blockdev-add", props);
}


/* netdev_add of backend @props (stolen). */
int
qemuMonitorNetdevAdd(qemuMonitor *mon, json_object *props)
{
    return qemuMonitorJSONSimple(mon, "netdev_add", props);
}


/* netdev_del of backend @id. */
int
qemuMonitorNetdevDel(qemuMonitor *mon, const char *id)
{
    return qemuMonitorJSONSimpleID(mon, "netdev_del", id);
}


/* device_add of device @props (stolen). */
int
qemuMonitorDeviceAdd(qemuMonitor *mon, json_object *props)
{
    return qemuMonitorJSONSimple(mon, "device_add", props);
}


/* blockdev-open-tray (forced: the guest's lock does not hold it) or
 * blockdev-close-tray of the removable-media device @id. */
int
qemuMonitorTrayMove(qemuMonitor *mon, const char *id, bool open)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "id", json_object_new_string(id));
    if (open)
        json_object_object_add(args, "force", json_object_new_boolean(true));
    return qemuMonitorJSONSimple(mon,
                                 open ? "blockdev-open-tray"
                                      : "blockdev-close-tray",
                                 args);
}


/* blockdev-remove-medium of device @id (its tray open). */
int
qemuMonitorMediumRemove(qemuMonitor *mon, const char *id)
{
    return qemuMonitorJSONSimpleID(mon, "blockdev-remove-medium", id);
}


/* blockdev-insert-medium of node @node into device @id (tray open). */
int
qemuMonitorMediumInsert(qemuMonitor *mon, const char *id, const char *node)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "id", json_object_new_string(id));
    json_object_object_add(args, "node-name", json_object_new_string(node));
    return qemuMonitorJSONSimple(mon, "blockdev-insert-medium", args);
}


/**
 * qemuMonitorGetDeviceAliases:
 * The ids of the devices QEMU has (the children of /machine/peripheral,
 * qom-list), in *@retAliases (a GHashTable set the caller owns).
 * Returns 0 or -1 (reported).
 */
int
qemuMonitorGetDeviceAliases(qemuMonitor *mon, GHashTable **retAliases)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GHashTable)
        aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    json_object *args = json_object_new_object();
    json_object *ret;
    size_t i;

    json_object_object_add(args, "path",
                           json_object_new_string("/machine/peripheral"));
    if (!(ret = qemuMonitorJSONCommand(mon, "qom-list", args, json_type_array,
                                       &reply)))
        return -1;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *prop = json_object_array_get_idx(ret, i);
        const char *name = qemuMonitorJSONGetString(prop, "name");
        const char *type = qemuMonitorJSONGetString(prop, "type");

        if (name && type && g_str_has_prefix(type, "child<"))
            g_hash_table_add(aliases, g_strdup(name));
    }
    *retAliases = g_steal_pointer(&aliases);
    return 0;
}
