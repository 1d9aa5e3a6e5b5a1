/*
 * qemu_domaincaps.h: the domain capabilities XML (virsh domcapabilities)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "qemu_capabilities.h"

/* What a domain of @virtType on @machine (canonical) of @caps's emulator
 * can use, as libvirt's domaincaps.rng describes it.  Caller owns the
 * result. */
char *qemuDomainCapsFormat(const qemuCaps *caps, const char *machine,
                           virDomainVirtType virtType);
