/*
 * qemu_driver_pin.h: vCPU and emulator pins (qemu_driver_pin.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainPinVcpuFlags(virConn *conn, const virDomainIdent *dom,
                           unsigned int vcpu, const unsigned char *cpumap,
                           int maplen, unsigned int flags);
int qemuDomainGetVcpuPinInfo(virConn *conn, const virDomainIdent *dom,
                             int ncpumaps, unsigned char *cpumaps, int maplen,
                             unsigned int flags);
int qemuDomainPinEmulator(virConn *conn, const virDomainIdent *dom,
                          const unsigned char *cpumap, int maplen,
                          unsigned int flags);
int qemuDomainGetEmulatorPinInfo(virConn *conn, const virDomainIdent *dom,
                                 unsigned char *cpumap, int maplen,
                                 unsigned int flags);
