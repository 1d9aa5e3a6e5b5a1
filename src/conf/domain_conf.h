/*
 * domain_conf.h: the domain definition (libvirt's domain XML model)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

typedef struct _virDomainDef virDomainDef;
struct _virDomainDef {
    int id;                 /* -1 while inactive */
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *name;
};

virDomainDef *virDomainDefNew(void);
void virDomainDefFree(virDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDef, virDomainDefFree);
