/*
 * qemu_driver_migrate.h: driver entry points for migration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

char *qemuDomainMigrateBegin3(virConn *conn, const virDomainIdent *dom,
                              virMigrateArgs *args);
int qemuDomainMigratePrepareTunnel3(virConn *dconn, virStream *st,
                                    virMigrateArgs *args);
int qemuDomainMigratePrepare3(virConn *dconn, virMigrateArgs *args,
                              char **uriOut);
int qemuDomainMigratePerform3(virConn *conn, const virDomainIdent *dom,
                              virMigrateArgs *args);
virDomainIdent *qemuDomainMigrateFinish3(virConn *dconn, virMigrateArgs *args);
int qemuDomainMigrateConfirm3(virConn *conn, const virDomainIdent *dom,
                              virMigrateArgs *args);
int qemuDomainMigratePrepare2(virConn *dconn, virMigrateArgs *args,
                              char **uriOut);
int qemuDomainMigratePerform2(virConn *conn, const virDomainIdent *dom,
                              virMigrateArgs *args);
virDomainIdent *qemuDomainMigrateFinish2(virConn *dconn, virMigrateArgs *args);
int qemuDomainMigrateSetMaxDowntime(virConn *conn, const virDomainIdent *dom,
                                    unsigned long long downtime,
                                    unsigned int flags);
int qemuDomainMigrateGetMaxDowntime(virConn *conn, const virDomainIdent *dom,
                                    unsigned long long *downtime,
                                    unsigned int flags);
int qemuDomainMigrateSetMaxSpeed(virConn *conn, const virDomainIdent *dom,
                                 unsigned long long bandwidth,
                                 unsigned int flags);
int qemuDomainMigrateGetMaxSpeed(virConn *conn, const virDomainIdent *dom,
                                 unsigned long long *bandwidth,
                                 unsigned int flags);
int qemuDomainMigrateStartPostCopy(virConn *conn, const virDomainIdent *dom,
                                   unsigned int flags);
int qemuDomainMigrateGetCompressionCache(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned long long *cacheSize,
                                         unsigned int flags);
int qemuDomainMigrateSetCompressionCache(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned long long cacheSize,
                                         unsigned int flags);
