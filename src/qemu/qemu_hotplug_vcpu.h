/*
 * qemu_hotplug_vcpu.h: plugging and unplugging vCPUs of a running domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The model (domain_conf.h): vCPUs 0 .. def->vcpus-1 are online, the
 * last def->hotplugVcpus of them were added as devices ("vcpu<N>") with
 * device_add.  QEMU starts with -smp of the others, and the daemon plugs
 * the rest before the guest runs or the incoming migration starts, so a
 * migration's destination has the same vCPU objects as its source.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virdomainjob.h"

int qemuHotplugVcpusPlug(virDomainObj *vm, virDomainAsyncJob asyncJob,
                         unsigned int from, unsigned int to, bool count);
int qemuHotplugVcpusUnplug(virDomainObj *vm, unsigned int from,
                           unsigned int to);
