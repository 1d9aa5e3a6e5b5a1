/*
 * virenum.h: string tables for enums
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

int virEnumFromString(const char *const *types, unsigned int ntypes,
                      const char *type);
const char *virEnumToString(const char *const *types, unsigned int ntypes,
                            int type);

/*
 * VIR_ENUM_IMPL_TABLE: emit NameTypeToString/NameTypeFromString for a string
 * table written with designated initializers.  The table must have exactly
 * @last entries; a missing entry is caught by the enum table test.
 */
#define VIR_ENUM_IMPL_TABLE(name, table, last) \
    G_STATIC_ASSERT(G_N_ELEMENTS(table) == (last)); \
    const char *name##TypeToString(int type) \
    { \
        return virEnumToString(table, G_N_ELEMENTS(table), type); \
    } \
    int name##TypeFromString(const char *type) \
    { \
        return virEnumFromString(table, G_N_ELEMENTS(table), type); \
    } \
    const char *const *name##TypeTable(unsigned int *ntypes) \
    { \
        *ntypes = G_N_ELEMENTS(table); \
        return table; \
    }

#define VIR_ENUM_DECL(name) \
    const char *name##TypeToString(int type); \
    int name##TypeFromString(const char *type); \
    const char *const *name##TypeTable(unsigned int *ntypes)
