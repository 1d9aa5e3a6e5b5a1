/*
 * virenum.c: string tables for enums
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virenum.h"

/* Returns the index of @type in @types, or -1 if absent or NULL. */
int
virEnumFromString(const char *const *types, unsigned int ntypes,
                  const char *type)
{
    unsigned int i;

    if (!type)
        return -1;
    for (i = 0; i < ntypes; i++) {
        if (types[i] && STREQ(types[i], type))
            return i;
    }
    return -1;
}

/* Returns the string for @type, or NULL when out of range. */
const char *
virEnumToString(const char *const *types, unsigned int ntypes, int type)
{
    if (type < 0 || (unsigned int)type >= ntypes)
        return NULL;
    return types[type];
}
