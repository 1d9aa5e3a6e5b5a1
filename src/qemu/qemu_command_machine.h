/*
 * qemu_command_machine.h: machine, CPU, clock and power management options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"

char *qemuBuildMachineValue(const virDomainDef *def);
char *qemuBuildCPUValue(const virDomainDef *def);
char *qemuBuildSmpValue(const virDomainDef *def);
void qemuBuildClockArgs(GPtrArray *args, const virDomainDef *def);
void qemuBuildPMArgs(GPtrArray *args, const virDomainDef *def, bool q35);
void qemuBuildSmbiosArgs(GPtrArray *args, const virDomainDef *def);
