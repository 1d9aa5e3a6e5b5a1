/*
 * qemu_driver_custom.h: the user's own monitor commands and the messages
 * they leave (qemu_driver_custom.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainQemuMonitorCommand(virConn *conn, const virDomainIdent *dom,
                                 const char *cmd, char **result,
                                 unsigned int flags);
int qemuDomainGetMessages(virConn *conn, const virDomainIdent *dom,
                          char ***msgs, unsigned int flags);
