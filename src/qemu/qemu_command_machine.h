/*
 * qemu_command_machine.h: machine, CPU, clock and power management options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"

/* The RAM block of an x86 machine's RAM: QEMU's default backend's id,
 * and the id libvirt gives its memory-backend object. */
#define QEMU_DEFAULT_RAM_ID "pc.ram"

bool qemuDomainNeedsMemoryBackend(const virDomainDef *def);
char *qemuBuildMachineValue(const virDomainDef *def);
char *qemuBuildCPUValue(const virDomainDef *def);
char *qemuBuildSmpValue(const virDomainDef *def);
void qemuBuildClockArgs(GPtrArray *args, const virDomainDef *def);
void qemuBuildPMArgs(GPtrArray *args, const virDomainDef *def, bool q35);
void qemuBuildSmbiosArgs(GPtrArray *args, const virDomainDef *def);
