/*
 * qemu_driver_domain.h: driver entry points for listing and looking up
 * domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuConnectListAllDomains(virConn *conn, virDomainIdent ***domains,
                              unsigned int flags);
int qemuConnectListDomains(virConn *conn, int *ids, int maxids);
int qemuConnectNumOfDomains(virConn *conn);
int qemuConnectListDefinedDomains(virConn *conn, char **names, int maxnames);
int qemuConnectNumOfDefinedDomains(virConn *conn);
virDomainIdent *qemuDomainLookupByID(virConn *conn, int id);
virDomainIdent *qemuDomainLookupByName(virConn *conn, const char *name);
virDomainIdent *qemuDomainLookupByUUID(virConn *conn,
                                       const unsigned char *uuid);
