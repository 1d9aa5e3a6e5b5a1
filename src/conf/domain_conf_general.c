/*
 * domain_conf_general.c: domain-level elements that QEMU does not see
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Elements a guest defined on stock libvirt carries that are stored and
 * reported back as libvirt 9.0 formats them: <resource>.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

const virXMLAllowed virDomainXMLAllowedGeneral[] = {
    { "domain/resource", NULL, 0 },
    { "domain/resource/partition", NULL, VIR_XML_ALLOW_TEXT },
    { NULL, NULL, 0 },
};


/* ---- <resource> ---- */

/* <resource><partition>/machine</partition></resource>: the cgroup
 * partition libvirt places the guest in.  We have no cgroup setup: the
 * value is stored and reported, nothing more (docs/internals). */
static int
virDomainResourceParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *node = virXMLNodeChild(root, "resource");
    xmlNode *partition = virXMLNodeChild(node, "partition");
    g_autofree char *path = NULL;

    if (!partition)
        return 0;
    path = g_strstrip(virXMLNodeContent(partition));
    if (path[0] != '/') {
        virReportError(VIR_ERR_XML_ERROR,
                       _("resource partition '%1$s' must be an absolute path"),
                       path);
        return -1;
    }
    def->resourcePartition = g_steal_pointer(&path);
    return 0;
}


void
virDomainResourceFormat(virBuffer *buf, const virDomainDef *def)
{
    if (!def->resourcePartition)
        return;
    virBufferAddLit(buf, "<resource>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<partition>%s</partition>\n",
                          def->resourcePartition);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</resource>\n");
}


/* ---- entry points ---- */

/**
 * virDomainGeneralParse:
 * Parses the domain-level elements of this file from <domain> @root into
 * @def.  Returns 0 or -1 (reported).
 */
int
virDomainGeneralParse(virDomainDef *def, xmlNode *root,
                      unsigned int flags G_GNUC_UNUSED)
{
    if (virDomainResourceParse(def, root) < 0)
        return -1;
    return 0;
}


/* Frees what virDomainGeneralParse stored in @def. */
void
virDomainGeneralFree(virDomainDef *def)
{
    g_free(def->resourcePartition);
}
