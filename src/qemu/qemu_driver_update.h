/*
 * qemu_driver_update.h: driver entry points that change parts of a
 * domain's definition: metadata and memory (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

/* The live and persistent definitions AFFECT @flags name (also for
 * qemu_driver_device.c), and saving them. */
int qemuDomainAffectDefs(virDomainObj *vm, unsigned int flags,
                         virDomainDef **live, virDomainDef **config);
int qemuDomainAffectSave(virDomainObj *vm, virDomainDef *live,
                         virDomainDef *config);

char *qemuDomainGetMetadata(virConn *conn, const virDomainIdent *dom, int type,
                            const char *uri, unsigned int flags);
int qemuDomainSetMetadata(virConn *conn, const virDomainIdent *dom, int type,
                          const char *metadata, const char *key,
                          const char *uri, unsigned int flags);
int qemuDomainSetMemoryFlags(virConn *conn, const virDomainIdent *dom,
                             unsigned long long memory, unsigned int flags);
int qemuDomainSetVcpusFlags(virConn *conn, const virDomainIdent *dom,
                            unsigned int nvcpus, unsigned int flags);
int qemuDomainGetVcpusFlags(virConn *conn, const virDomainIdent *dom,
                            unsigned int flags);
