/*
 * qemu_driver_block.h: driver entry points about a domain's disks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainSetBlockThreshold(virConn *conn, const virDomainIdent *dom,
                                const char *dev, unsigned long long threshold,
                                unsigned int flags);
int qemuDomainBlockResize(virConn *conn, const virDomainIdent *dom,
                          const char *path, unsigned long long size,
                          unsigned int flags);
int qemuDomainGetBlockInfo(virConn *conn, const virDomainIdent *dom,
                           const char *path, virDomainBlockInfo *info,
                           unsigned int flags);
