/*
 * domain_conf.c: the domain definition (libvirt's domain XML model)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "domain_conf.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

virDomainDef *
virDomainDefNew(void)
{
    virDomainDef *def = g_new0(virDomainDef, 1);

    def->id = -1;
    return def;
}


void
virDomainDefFree(virDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def);
}
