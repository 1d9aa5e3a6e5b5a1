/*
 * qemu_hotplug.h: disks and interfaces plugged into a running domain and
 * taken out, and a CD-ROM's media changed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_hotplug.c.  Every function but the event handlers wants the
 * domain locked and a MODIFY job held.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "domain_conf.h"

int qemuHotplugAttachLive(virDomainObj *vm, virDomainDeviceParsed *dev);
int qemuHotplugDetachLive(virDomainObj *vm, virDomainDeviceType type, int idx,
                          bool async);
int qemuHotplugRemoveDevice(virDomainObj *vm, const char *alias);
void qemuHotplugReconnect(virDomainObj *vm);
int qemuHotplugChangeMedia(virDomainObj *vm, virDomainDiskDef *orig,
                           virDomainDiskDef *disk);

/* QMP events (monitor thread, @vm locked). */
void qemuHotplugHandleDeviceDeleted(virDomainObj *vm, const char *alias);
void qemuHotplugHandleUnplugError(virDomainObj *vm, const char *alias);
void qemuHotplugHandleTrayMoved(virDomainObj *vm, const char *id, bool open);
