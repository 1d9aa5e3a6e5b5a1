/*
 * qemu_driver_info.h: driver entry points that describe domains and their
 * jobs (issue 4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainGetInfo(virConn *conn, const virDomainIdent *dom,
                      virDomainInfo *info);
int qemuDomainGetState(virConn *conn, const virDomainIdent *dom, int *state,
                       int *reason, unsigned int flags);
char *qemuDomainGetXMLDesc(virConn *conn, const virDomainIdent *dom,
                           unsigned int flags);
int qemuDomainIsActive(virConn *conn, const virDomainIdent *dom);
int qemuDomainIsPersistent(virConn *conn, const virDomainIdent *dom);
int qemuDomainIsUpdated(virConn *conn, const virDomainIdent *dom);
int qemuDomainGetAutostart(virConn *conn, const virDomainIdent *dom);
int qemuDomainSetAutostart(virConn *conn, const virDomainIdent *dom,
                           int autostart);
char *qemuDomainGetOSType(virConn *conn, const virDomainIdent *dom);
int qemuDomainHasManagedSaveImage(virConn *conn, const virDomainIdent *dom,
                                  unsigned int flags);

int qemuDomainGetJobInfo(virConn *conn, const virDomainIdent *dom,
                         virDomainJobInfo *info);
int qemuDomainGetJobStats(virConn *conn, const virDomainIdent *dom, int *type,
                          virTypedParameterPtr *params, int *nparams,
                          unsigned int flags);
int qemuDomainAbortJobFlags(virConn *conn, const virDomainIdent *dom,
                            unsigned int flags);
