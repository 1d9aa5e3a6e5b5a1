/*
 * qemu_graphics.h: VNC and SPICE ports and listen addresses of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt does, the daemon reserves the port of a graphics device with
 * autoport from remote_display_port_min..max (a port no other domain of
 * this daemon holds and nothing on the host has bound) and writes it on
 * the command line; the reservation lasts until the domain stops.
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"
#include "qemu_conf.h"

int qemuGraphicsPrepare(virDomainDef *def, const virQEMUDriverConfig *cfg);
int qemuGraphicsReserveRunning(const virDomainDef *def);
void qemuGraphicsRelease(const virDomainDef *def);
bool qemuGraphicsPortIsReserved(int port);
int qemuGraphicsConnect(const virDomainGraphicsDef *gr);
