/*
 * qemu_driver_device.h: driver entry points that attach, detach and
 * update devices
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainAttachDeviceFlags(virConn *conn, const virDomainIdent *dom,
                                const char *xml, unsigned int flags);
int qemuDomainDetachDeviceFlags(virConn *conn, const virDomainIdent *dom,
                                const char *xml, unsigned int flags);
int qemuDomainDetachDeviceAlias(virConn *conn, const virDomainIdent *dom,
                                const char *alias, unsigned int flags);
int qemuDomainUpdateDeviceFlags(virConn *conn, const virDomainIdent *dom,
                                const char *xml, unsigned int flags);
