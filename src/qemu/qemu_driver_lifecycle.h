/*
 * qemu_driver_lifecycle.h: driver entry points that start, stop and
 * change domains (issue 4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDriverStateInitialize(const virDriverStateConfig *dcfg);
void qemuDriverStateCleanup(void);
int qemuDriverConnectClose(virConn *conn);

virDomainIdent *qemuDomainDefineXMLFlags(virConn *conn, const char *xml,
                                         unsigned int flags);
int qemuDomainUndefineFlags(virConn *conn, const virDomainIdent *dom,
                            unsigned int flags);
virDomainIdent *qemuDomainCreateWithFlags(virConn *conn,
                                          const virDomainIdent *dom,
                                          unsigned int flags);
virDomainIdent *qemuDomainCreateXML(virConn *conn, const char *xml,
                                    unsigned int flags);
virDomainObj *qemuDomainCreateXMLAdd(virDomainDef **def);
int qemuDomainDestroyFlags(virConn *conn, const virDomainIdent *dom,
                           unsigned int flags);
int qemuDomainShutdownFlags(virConn *conn, const virDomainIdent *dom,
                            unsigned int flags);
int qemuDomainReboot(virConn *conn, const virDomainIdent *dom,
                     unsigned int flags);
int qemuDomainInjectNMI(virConn *conn, const virDomainIdent *dom,
                        unsigned int flags);
int qemuDomainReset(virConn *conn, const virDomainIdent *dom,
                    unsigned int flags);
int qemuDomainSuspend(virConn *conn, const virDomainIdent *dom);
int qemuDomainResume(virConn *conn, const virDomainIdent *dom);
