/*
 * qemu_dump.h: the guest's memory as a core file (virsh dump)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_dump.c.
 */
#pragma once

#include "internal.h"
#include "virdomainjob.h"
#include "virdomainobj.h"

int qemuDumpMemory(virDomainObj *vm, virDomainAsyncJob asyncJob, int fd,
                   const char *format);
int qemuDumpDomain(virDomainObj *vm, const char *path, unsigned int format,
                   unsigned int flags);
