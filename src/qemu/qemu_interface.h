/*
 * qemu_interface.h: the host side of a domain's interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tap devices for <interface type='bridge'> and type 'ethernet', opened
 * by the daemon and handed to QEMU as file descriptors, as libvirt does.
 * A tap the daemon creates is not persistent: it disappears with the last
 * fd, i.e. when QEMU exits, and leaves its bridge with it.
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"

int qemuInterfaceOpenTap(virDomainNetDef *net, int *retFd);
int qemuInterfaceOpenTaps(virDomainDef *def, int **retFds, size_t *retNfds);
void qemuInterfaceCloseFds(int *fds, size_t nfds);
