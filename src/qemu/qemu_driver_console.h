/*
 * qemu_driver_console.h: driver entry points that stream from a running
 * guest: its serial console, screenshots and display connections
 * (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainOpenConsole(virConn *conn, const virDomainIdent *dom,
                          const char *devName, virStream *st,
                          unsigned int flags);
char *qemuDomainScreenshot(virConn *conn, const virDomainIdent *dom,
                           virStream *st, unsigned int screen,
                           unsigned int flags);
int qemuDomainOpenGraphicsFD(virConn *conn, const virDomainIdent *dom,
                             unsigned int idx, unsigned int flags);
