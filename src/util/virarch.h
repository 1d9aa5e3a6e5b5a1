/*
 * virarch.h: CPU architecture names as libvirt spells them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virenum.h"

typedef enum {
    VIR_ARCH_NONE = 0,
    VIR_ARCH_I686,
    VIR_ARCH_X86_64,
    VIR_ARCH_AARCH64,
    VIR_ARCH_LAST
} virArch;

VIR_ENUM_DECL(virArch);

#define ARCH_IS_X86(arch) ((arch) == VIR_ARCH_X86_64 || (arch) == VIR_ARCH_I686)

/* Word size in bits of @arch (32 or 64), 0 for VIR_ARCH_NONE. */
unsigned int virArchGetWordSize(virArch arch);

/* The architecture of the machine we run on, from uname(2); VIR_ARCH_NONE
 * when it is not one we know. */
virArch virArchFromHost(void);
