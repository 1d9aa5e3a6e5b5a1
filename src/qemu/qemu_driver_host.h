/*
 * qemu_driver_host.h: driver entry points for the connection and the host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuStateInitialize(const virDriverStateConfig *dcfg);
void qemuStateCleanup(void);

int qemuConnectOpen(virConn *conn, unsigned int flags);
int qemuConnectClose(virConn *conn);
void qemuConnectClosed(virConn *conn);
int qemuConnectSupportsFeature(virConn *conn, int feature);
const char *qemuConnectGetType(virConn *conn);
int qemuConnectGetVersion(virConn *conn, unsigned long long *hvVer);
char *qemuConnectGetHostname(virConn *conn);
char *qemuConnectGetCapabilities(virConn *conn);
int qemuConnectGetMaxVcpus(virConn *conn, const char *type);
int qemuNodeGetInfo(virConn *conn, virNodeInfo *info);
