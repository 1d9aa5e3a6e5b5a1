/*
 * virarch.c: CPU architecture names as libvirt spells them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/utsname.h>

#include "virarch.h"

static const char *const virArchTable[] = {
    [VIR_ARCH_NONE] = "none",
    [VIR_ARCH_I686] = "i686",
    [VIR_ARCH_X86_64] = "x86_64",
    [VIR_ARCH_AARCH64] = "aarch64",
};
VIR_ENUM_IMPL_TABLE(virArch, virArchTable, VIR_ARCH_LAST);


/**
 * virArchGetWordSize:
 * Returns the word size in bits of @arch, or 0 for an unknown one.
 */
unsigned int
virArchGetWordSize(virArch arch)
{
    switch (arch) {
    case VIR_ARCH_I686:
        return 32;
    case VIR_ARCH_X86_64:
    case VIR_ARCH_AARCH64:
        return 64;
    case VIR_ARCH_NONE:
    case VIR_ARCH_LAST:
    default:
        return 0;
    }
}


/**
 * virArchFromHost:
 * Returns the host's architecture as uname(2) reports it, mapping the
 * 32-bit x86 spellings (i386..i686) to VIR_ARCH_I686, or VIR_ARCH_NONE when
 * uname fails or names an architecture this table does not hold.
 */
virArch
virArchFromHost(void)
{
    struct utsname ut;
    int arch;

    if (uname(&ut) < 0)
        return VIR_ARCH_NONE;
    if (ut.machine[0] == 'i' && ut.machine[1] && STREQ(ut.machine + 2, "86"))
        return VIR_ARCH_I686;
    arch = virArchTypeFromString(ut.machine);
    return arch > 0 ? arch : VIR_ARCH_NONE;
}
