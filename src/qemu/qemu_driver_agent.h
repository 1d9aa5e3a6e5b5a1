/*
 * qemu_driver_agent.h: driver entry points served by the guest agent
 * (qemu_driver_agent.c, qemu_driver_guestinfo.c), issue 16
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"
#include "qemu_agent.h"
#include "virdomainjob.h"

qemuAgent *qemuDomainAgentEnter(virDomainObj *vm, virDomainAgentJob job);
void qemuDomainAgentExit(virDomainObj *vm, qemuAgent *agent);
int qemuDomainAgentShutdown(virDomainObj *vm, bool reboot);
int qemuDomainSetVcpusAgent(virDomainObj *vm, unsigned int nvcpus);
int qemuDomainGetVcpusAgent(virDomainObj *vm, bool maximum);

char *qemuDomainQemuAgentCommand(virConn *conn, const virDomainIdent *dom,
                                 const char *cmd, int timeout,
                                 unsigned int flags);
char *qemuDomainGetHostname(virConn *conn, const virDomainIdent *dom,
                            unsigned int flags);
int qemuDomainGetTime(virConn *conn, const virDomainIdent *dom,
                      long long *seconds, unsigned int *nseconds,
                      unsigned int flags);
int qemuDomainSetTime(virConn *conn, const virDomainIdent *dom,
                      long long seconds, unsigned int nseconds,
                      unsigned int flags);
int qemuDomainGetGuestVcpus(virConn *conn, const virDomainIdent *dom,
                            virTypedParameterPtr *params, int *nparams,
                            unsigned int flags);
int qemuDomainSetGuestVcpus(virConn *conn, const virDomainIdent *dom,
                            const char *cpumap, int state, unsigned int flags);
int qemuDomainAgentSetResponseTimeout(virConn *conn, const virDomainIdent *dom,
                                      int timeout, unsigned int flags);

int qemuDomainGetGuestInfo(virConn *conn, const virDomainIdent *dom,
                           unsigned int types, virTypedParameterPtr *params,
                           int *nparams, unsigned int flags);
int qemuDomainInterfaceAddresses(virConn *conn, const virDomainIdent *dom,
                                 unsigned int source, GPtrArray **retIfaces,
                                 unsigned int flags);
int qemuDomainGetFSInfo(virConn *conn, const virDomainIdent *dom,
                        GPtrArray **retInfo, unsigned int flags);
int qemuDomainFSFreeze(virConn *conn, const virDomainIdent *dom,
                       const char **mountpoints, unsigned int nmountpoints,
                       unsigned int flags);
int qemuDomainFSThaw(virConn *conn, const virDomainIdent *dom,
                     const char **mountpoints, unsigned int nmountpoints,
                     unsigned int flags);
