/*
 * qemu_monitor_periph.c: QMP commands for interfaces, graphics, balloon
 * and channels
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_monitor_periph.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_periph");


/* Sends @name (@args stolen); the "return" member in *@ret (borrowed from
 * *@reply, which the caller owns) when @ret is given.  Returns 0 or -1. */
static int
qemuMonitorPeriphCommand(qemuMonitor *mon, const char *name,
                         json_object *args, json_object **reply,
                         json_object **ret)
{
    if (qemuMonitorSend(mon, qemuMonitorJSONMakeCommand(name, args), reply,
                        -1) < 0)
        return -1;
    if (ret && !json_object_object_get_ex(*reply, "return", ret)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU command '%1$s' returned nothing"), name);
        return -1;
    }
    return 0;
}


/**
 * qemuMonitorSetGraphicsPassword:
 * "set_password" for @protocol ("vnc" or "spice").  Returns 0 or -1.
 */
int
qemuMonitorSetGraphicsPassword(qemuMonitor *mon, const char *protocol,
                               const char *password)
{
    g_autoptr(json_object) reply = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "protocol", json_object_new_string(protocol));
    json_object_object_add(args, "password", json_object_new_string(password));
    return qemuMonitorPeriphCommand(mon, "set_password", args, &reply, NULL);
}


/**
 * qemuMonitorGraphicsRelocate:
 * "client_migrate_info": tells the SPICE clients of this QEMU where the
 * guest's display will be after migration (@hostname, @port, @tlsPort;
 * a port <= 0 and a NULL @tlsSubject are left out).  Returns 0 or -1.
 */
int
qemuMonitorGraphicsRelocate(qemuMonitor *mon, const char *hostname, int port,
                            int tlsPort, const char *tlsSubject)
{
    g_autoptr(json_object) reply = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "protocol", json_object_new_string("spice"));
    json_object_object_add(args, "hostname", json_object_new_string(hostname));
    if (port > 0)
        json_object_object_add(args, "port", json_object_new_int(port));
    if (tlsPort > 0)
        json_object_object_add(args, "tls-port", json_object_new_int(tlsPort));
    if (tlsSubject)
        json_object_object_add(args, "cert-subject",
                               json_object_new_string(tlsSubject));
    return qemuMonitorPeriphCommand(mon, "client_migrate_info", args, &reply,
                                    NULL);
}


/**
 * qemuMonitorSetLink:
 * "set_link": the link of the NIC with id @alias up or down.  Returns 0 or
 * -1.
 */
int
qemuMonitorSetLink(qemuMonitor *mon, const char *alias, bool up)
{
    g_autoptr(json_object) reply = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "name", json_object_new_string(alias));
    json_object_object_add(args, "up", json_object_new_boolean(up));
    return qemuMonitorPeriphCommand(mon, "set_link", args, &reply, NULL);
}


/**
 * qemuMonitorSetBalloonStatsPeriod:
 * How often (seconds, 0 = never) the guest's balloon driver reports
 * memory statistics, as libvirt sets it with qom-set.  Returns 0 or -1.
 */
int
qemuMonitorSetBalloonStatsPeriod(qemuMonitor *mon, const char *alias,
                                 unsigned int period)
{
    g_autoptr(json_object) reply = NULL;
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", alias);
    json_object *args = json_object_new_object();

    json_object_object_add(args, "path", json_object_new_string(path));
    json_object_object_add(args, "property",
                           json_object_new_string("guest-stats-polling-interval"));
    json_object_object_add(args, "value", json_object_new_int64(period));
    return qemuMonitorPeriphCommand(mon, "qom-set", args, &reply, NULL);
}


/**
 * qemuMonitorGetChardevOpen:
 * "query-chardev": stores in *@retOpen (caller owns) a table from each
 * chardev label to GINT_TO_POINTER(1 + frontend-open), i.e. 2 when the
 * guest side has the port open.  Returns 0 or -1.
 */
int
qemuMonitorGetChardevOpen(qemuMonitor *mon, GHashTable **retOpen)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GHashTable) table = NULL;
    json_object *ret = NULL;
    size_t i;

    if (qemuMonitorPeriphCommand(mon, "query-chardev", NULL, &reply, &ret) < 0)
        return -1;
    if (!json_object_is_type(ret, json_type_array)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-chardev reply was not an array"));
        return -1;
    }
    table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *entry = json_object_array_get_idx(ret, i);
        json_object *label = NULL;
        json_object *open = NULL;

        if (!json_object_object_get_ex(entry, "label", &label) ||
            !json_object_object_get_ex(entry, "frontend-open", &open))
            continue;
        g_hash_table_insert(table, g_strdup(json_object_get_string(label)),
                            GINT_TO_POINTER(1 + json_object_get_boolean(open)));
    }
    *retOpen = g_steal_pointer(&table);
    return 0;
}
