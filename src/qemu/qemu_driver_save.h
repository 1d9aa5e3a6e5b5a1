/*
 * qemu_driver_save.h: driver entry points that save domains to files and
 * start them from those (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainCoreDumpWithFormat(virConn *conn, const virDomainIdent *dom,
                                 const char *to, unsigned int dumpformat,
                                 unsigned int flags);
int qemuDomainSaveFlags(virConn *conn, const virDomainIdent *dom,
                        const char *to, const char *dxml, unsigned int flags);
int qemuDomainRestoreFlags(virConn *conn, const char *from, const char *dxml,
                           unsigned int flags);
int qemuDomainManagedSave(virConn *conn, const virDomainIdent *dom,
                          unsigned int flags);
int qemuDomainManagedSaveRemove(virConn *conn, const virDomainIdent *dom,
                                unsigned int flags);
char *qemuDomainSaveImageGetXMLDesc(virConn *conn, const char *file,
                                    unsigned int flags);
char *qemuDomainManagedSaveGetXMLDesc(virConn *conn, const virDomainIdent *dom,
                                      unsigned int flags);
int qemuDomainSaveImageDefineXML(virConn *conn, const char *file,
                                 const char *dxml, unsigned int flags);
int qemuDomainManagedSaveDefineXML(virConn *conn, const virDomainIdent *dom,
                                   const char *dxml, unsigned int flags);
int qemuDomainSaveParams(virConn *conn, const virDomainIdent *dom,
                         const virTypedParameter *params, int nparams,
                         unsigned int flags);
int qemuDomainRestoreParams(virConn *conn, const virTypedParameter *params,
                            int nparams, unsigned int flags);
