/*
 * qemu_monitor_json.h: QMP message helpers shared by the monitor code
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The typed commands themselves are declared in qemu_monitor.h; these are
 * the building blocks they, the transport and the tests share.
 */
#pragma once

#include "qemu_monitor.h"

json_object *qemuMonitorJSONMakeCommand(const char *name, json_object *args);
const char *qemuMonitorJSONCommandName(json_object *cmd);
char *qemuMonitorJSONFormat(json_object *obj);
json_object *qemuMonitorJSONParse(const char *data, size_t len);
int qemuMonitorJSONCheckError(const char *name, json_object *reply);

/* The "return" of command @name (@args stolen) if it is of @type,
 * borrowed from *@reply (caller owns); NULL with an error reported. */
json_object *qemuMonitorJSONCommand(qemuMonitor *mon, const char *name,
                                    json_object *args, json_type type,
                                    json_object **reply);
/* Command @name (@args stolen) whose "return" is an empty object.
 * Returns 0 or -1 (reported). */
int
qemuMonitorJSONSimple(qemuMonitor *mon, const char *name, json_object *args);
/* The same for a command whose only argument is {"id": @id}. */
int qemuMonitorJSONSimpleID(qemuMonitor *mon, const char *name, const char *id);
/* Member @key of @obj as a number; false if absent or of another type
 * (nothing reported). */
bool qemuMonitorJSONGetULL(json_object *obj, const char *key,
                           unsigned long long *val);
const char *qemuMonitorJSONGetString(json_object *obj, const char *key);
