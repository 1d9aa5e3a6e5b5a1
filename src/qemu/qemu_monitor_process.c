/*
 * qemu_monitor_process.c: QMP commands the process code needs at start
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_monitor_process.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_process");


/* Sends @name (@args stolen) and returns its "return" value if it is of
 * @type, borrowed from *@reply (caller owns); NULL with an error. */
static json_object *
qemuMonitorProcessCommand(qemuMonitor *mon, const char *name,
                          json_object *args, json_type type,
                          json_object **reply)
{
    json_object *ret = NULL;

    if (qemuMonitorSend(mon, qemuMonitorJSONMakeCommand(name, args), reply,
                        -1) < 0)
        return NULL;
    if (!json_object_object_get_ex(*reply, "return", &ret) ||
        !json_object_is_type(ret, type)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected type returned by QEMU command '%1$s'"),
                       name);
        return NULL;
    }
    return ret;
}


/**
 * qemuMonitorGetPtyPaths:
 * "query-chardev": stores in *@retPaths (caller owns) a table from each
 * pty chardev's label ("charserial0") to its host path ("/dev/pts/3").
 * Returns 0 or -1 (reported).
 */
int
qemuMonitorGetPtyPaths(qemuMonitor *mon, GHashTable **retPaths)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GHashTable) paths = NULL;
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorProcessCommand(mon, "query-chardev", NULL,
                                          json_type_array, &reply)))
        return -1;
    paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *entry = json_object_array_get_idx(ret, i);
        const char *label = qemuMonitorJSONGetString(entry, "label");
        const char *file = qemuMonitorJSONGetString(entry, "filename");

        if (label && file && STRPREFIX(file, "pty:"))
            g_hash_table_insert(paths, g_strdup(label),
                                g_strdup(file + strlen("pty:")));
    }
    *retPaths = g_steal_pointer(&paths);
    return 0;
}


/**
 * qemuMonitorGetVNCPort:
 * "query-vnc": the TCP port the VNC server listens on, in *@retPort.
 * Returns 0 or -1 (reported; also when VNC is not enabled).
 */
int
qemuMonitorGetVNCPort(qemuMonitor *mon, int *retPort)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;
    const char *service;
    gint64 port = 0;

    if (!(ret = qemuMonitorProcessCommand(mon, "query-vnc", NULL,
                                          json_type_object, &reply)))
        return -1;
    service = qemuMonitorJSONGetString(ret, "service");
    if (!service ||
        !g_ascii_string_to_signed(service, 10, 1, 65535, &port, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU reported no valid VNC port: '%1$s'"),
                       NULLSTR(service));
        return -1;
    }
    *retPort = (int)port;
    return 0;
}


/* "set_password" for VNC.  Returns 0 or -1 (reported). */
int
qemuMonitorSetVNCPassword(qemuMonitor *mon, const char *password)
{
    g_autoptr(json_object) reply = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "protocol", json_object_new_string("vnc"));
    json_object_object_add(args, "password", json_object_new_string(password));
    return qemuMonitorProcessCommand(mon, "set_password", args,
                                     json_type_object, &reply) ? 0 : -1;
}
