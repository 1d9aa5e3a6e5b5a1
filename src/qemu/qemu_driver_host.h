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
char *qemuConnectGetDomainCapabilities(virConn *conn, const char *emulatorbin,
                                       const char *arch, const char *machine,
                                       const char *virttype, unsigned int flags);
int qemuConnectCompareCPU(virConn *conn, const char *xml, unsigned int flags);
int qemuConnectCompareHypervisorCPU(virConn *conn, const char *emulator,
                                    const char *arch, const char *machine,
                                    const char *virttype, const char *xmlCPU,
                                    unsigned int flags);
char *qemuConnectBaselineCPU(virConn *conn, const char **xmlCPUs,
                             unsigned int ncpus, unsigned int flags);
char *
qemuConnectBaselineHypervisorCPU(virConn *conn, const char *emulator,
                                 const char *arch, const char *machine,
                                 const char *virttype, const char **xmlCPUs,
                                 unsigned int ncpus, unsigned int flags);
