/*
 * domain_conf_general.c: domain-level elements that QEMU does not see
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Elements a guest defined on stock libvirt carries that are stored and
 * reported back as libvirt 9.0 formats them: <resource>, <metadata>,
 * <seclabel>.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "viruuid.h"
#include "virxml.h"

#include <libxml/tree.h>

#define VIR_FROM_THIS VIR_FROM_DOMAIN

const virXMLAllowed virDomainXMLAllowedGeneral[] = {
    { "domain/resource", NULL, 0 },
    { "domain/resource/partition", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/metadata", NULL, VIR_XML_ALLOW_ANY },
    { "domain/sysinfo", "type", 0 },
    { "domain/sysinfo/bios", NULL, 0 },
    { "domain/sysinfo/bios/entry", "name", VIR_XML_ALLOW_REPEAT | VIR_XML_ALLOW_TEXT },
    { "domain/sysinfo/system", NULL, 0 },
    { "domain/sysinfo/system/entry", "name", VIR_XML_ALLOW_REPEAT | VIR_XML_ALLOW_TEXT },
    { "domain/sysinfo/baseBoard", NULL, 0 },
    { "domain/sysinfo/baseBoard/entry", "name", VIR_XML_ALLOW_REPEAT | VIR_XML_ALLOW_TEXT },
    { "domain/sysinfo/chassis", NULL, 0 },
    { "domain/sysinfo/chassis/entry", "name", VIR_XML_ALLOW_REPEAT | VIR_XML_ALLOW_TEXT },
    { "domain/sysinfo/oemStrings", NULL, 0 },
    { "domain/sysinfo/oemStrings/entry", NULL, VIR_XML_ALLOW_REPEAT | VIR_XML_ALLOW_TEXT },
    { "domain/os/smbios", "mode", 0 },
    { "domain/seclabel", "type model relabel", VIR_XML_ALLOW_REPEAT },
    { "domain/seclabel/label", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/seclabel/imagelabel", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/seclabel/baselabel", NULL, VIR_XML_ALLOW_TEXT },
    { NULL, NULL, 0 },
};


static const char *const virDomainSeclabelTable[] = {
    [VIR_DOMAIN_SECLABEL_DEFAULT] = "default",
    [VIR_DOMAIN_SECLABEL_NONE] = "none",
    [VIR_DOMAIN_SECLABEL_DYNAMIC] = "dynamic",
    [VIR_DOMAIN_SECLABEL_STATIC] = "static",
};
VIR_ENUM_IMPL_TABLE(virDomainSeclabel, virDomainSeclabelTable,
                    VIR_DOMAIN_SECLABEL_LAST);


static const char *const virDomainSmbiosModeTable[] = {
    [VIR_DOMAIN_SMBIOS_NONE] = "none",
    [VIR_DOMAIN_SMBIOS_EMULATE] = "emulate",
    [VIR_DOMAIN_SMBIOS_HOST] = "host",
    [VIR_DOMAIN_SMBIOS_SYSINFO] = "sysinfo",
};
VIR_ENUM_IMPL_TABLE(virDomainSmbiosMode, virDomainSmbiosModeTable,
                    VIR_DOMAIN_SMBIOS_LAST);

/* Element names and, in libvirt's (and -smbios's) order, entry names. */
static const char *const virDomainSysinfoSectionNames[] = {
    [VIR_DOMAIN_SYSINFO_BIOS] = "bios",
    [VIR_DOMAIN_SYSINFO_SYSTEM] = "system",
    [VIR_DOMAIN_SYSINFO_BASEBOARD] = "baseBoard",
    [VIR_DOMAIN_SYSINFO_CHASSIS] = "chassis",
};
static const char *const virDomainSysinfoKeyTable[][VIR_DOMAIN_SYSINFO_KEYS_MAX + 1] = {
    [VIR_DOMAIN_SYSINFO_BIOS] = { "vendor", "version", "date", "release" },
    [VIR_DOMAIN_SYSINFO_SYSTEM] = { "manufacturer", "product", "version",
                                    "serial", "uuid", "sku", "family" },
    [VIR_DOMAIN_SYSINFO_BASEBOARD] = { "manufacturer", "product", "version",
                                       "serial", "asset", "location" },
    [VIR_DOMAIN_SYSINFO_CHASSIS] = { "manufacturer", "version", "serial",
                                     "asset", "sku" },
};


const char *const *
virDomainSysinfoKeys(virDomainSysinfoSection section)
{
    return virDomainSysinfoKeyTable[section];
}


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


/* ---- <metadata> ---- */

static bool
virDomainMetadataIsBlank(const xmlChar *text)
{
    for (; text && *text; text++) {
        if (!g_ascii_isspace(*text))
            return false;
    }
    return true;
}


/* Drops the whitespace-only text nodes libvirt's parser drops (it reads
 * domain XML with xmlKeepBlanksDefault(0)), following libxml2's rule: a
 * blank run is kept only as an element's whole content, or next to other
 * text.  Then libxml2 can indent the copy when it is formatted. */
static void
virDomainMetadataStripBlanks(xmlNode *node)
{
    xmlNode *cur = node->children;
    xmlNode *first = NULL;
    xmlNode *last = NULL;

    while (cur) {
        xmlNode *next = cur->next;

        if (cur->type == XML_TEXT_NODE &&
            virDomainMetadataIsBlank(cur->content) &&
            (first || next) &&
            !(last && last->type == XML_TEXT_NODE) &&
            !(first && first->type == XML_TEXT_NODE)) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
            cur = next;
            continue;
        }
        if (cur->type == XML_ELEMENT_NODE)
            virDomainMetadataStripBlanks(cur);
        if (!first)
            first = cur;
        last = cur;
        cur = next;
    }
}


/* As libvirt keeps <metadata>: only children in a namespace, the first
 * one of each namespace. */
static void
virDomainMetadataSanitize(xmlNode *metadata)
{
    xmlNode *cur = metadata->children;

    while (cur) {
        xmlNode *next = cur->next;
        xmlNode *prev;
        bool dup = false;

        if (cur->type == XML_ELEMENT_NODE && cur->ns && cur->ns->href) {
            for (prev = metadata->children; prev != cur; prev = prev->next) {
                if (prev->type == XML_ELEMENT_NODE &&
                    xmlStrEqual(prev->ns->href, cur->ns->href))
                    dup = true;
            }
        }
        if (cur->type != XML_ELEMENT_NODE || !cur->ns || !cur->ns->href ||
            dup) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        }
        cur = next;
    }
}


static int
virDomainMetadataParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *node = virXMLNodeChild(root, "metadata");

    if (!node)
        return 0;
    /* a copy of no document: the parsed one (and the dictionary its
     * names are interned in) is freed after parsing */
    if (!(def->metadata = xmlDocCopyNode(node, NULL, 1))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot copy the <metadata> element"));
        return -1;
    }
    virDomainMetadataStripBlanks(def->metadata);
    virDomainMetadataSanitize(def->metadata);
    return 0;
}


/**
 * virDomainMetadataFormat:
 * Appends <metadata> the way libvirt does: libxml2's own serialization,
 * indented two spaces a level from @buf's indentation, double quotes.
 * Returns 0 or -1 (reported).
 */
int
virDomainMetadataFormat(virBuffer *buf, const virDomainDef *def)
{
    xmlBuffer *xmlbuf;
    int oldIndent = xmlIndentTreeOutput;
    const char *content;
    int rc;

    if (!def->metadata)
        return 0;
    xmlbuf = xmlBufferCreate();
    xmlIndentTreeOutput = 1;
    rc = xmlNodeDump(xmlbuf, NULL, def->metadata,
                     buf->indent / 2, 1);
    xmlIndentTreeOutput = oldIndent;
    if (rc < 0) {
        xmlBufferFree(xmlbuf);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("Unable to format metadata element"));
        return -1;
    }
    content = (const char *)xmlBufferContent(xmlbuf);
    while (*content == ' ')
        content++;
    virBufferAsprintf(buf, "%s\n", content);
    xmlBufferFree(xmlbuf);
    return 0;
}


/* ---- <seclabel> ---- */

static void
virDomainSeclabelDefFree(virDomainSeclabelDef *seclabel)
{
    g_free(seclabel->model);
    g_free(seclabel->label);
    g_free(seclabel->imagelabel);
    g_free(seclabel->baselabel);
    g_free(seclabel);
}


G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainSeclabelDef, virDomainSeclabelDefFree);


static char *
virDomainSeclabelChild(xmlNode *node, const char *name, bool required)
{
    xmlNode *child = virXMLNodeChild(node, name);
    char *text = child ? virXMLNodeContent(child) : NULL;

    if (required && (!text || !*text)) {
        g_free(text);
        virReportError(VIR_ERR_XML_ERROR, _("security %1$s is missing"),
                       STREQ(name, "label") ? "label" : name);
        return NULL;
    }
    return text;
}


/* libvirt's rules (virSecurityLabelDefParseXML), with "none" as the host's
 * security model: labels of a dynamic seclabel are runtime data. */
static virDomainSeclabelDef *
virDomainSeclabelDefParse(xmlNode *node, bool single, unsigned int flags)
{
    g_autoptr(virDomainSeclabelDef) sl = g_new0(virDomainSeclabelDef, 1);
    virTristateBool relabel = VIR_TRISTATE_BOOL_ABSENT;
    bool inactive = flags & VIR_DOMAIN_DEF_PARSE_INACTIVE;

    sl->model = virXMLPropString(node, "model");
    sl->type = VIR_DOMAIN_SECLABEL_DYNAMIC;
    if (virDomainXMLPropEnum(node, "type", virDomainSeclabel, false,
                             &sl->type) < 0 ||
        virDomainXMLPropEnum(node, "relabel", virTristateBool, false,
                             &relabel) < 0)
        return NULL;
    sl->relabel = sl->type == VIR_DOMAIN_SECLABEL_DYNAMIC;
    if (relabel)
        sl->relabel = relabel == VIR_TRISTATE_BOOL_YES;
    if (sl->type == VIR_DOMAIN_SECLABEL_DYNAMIC && !sl->relabel) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("dynamic label type must use resource relabeling"));
        return NULL;
    }
    if (sl->type == VIR_DOMAIN_SECLABEL_NONE && sl->relabel) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("resource relabeling is not compatible with 'none' label type"));
        return NULL;
    }
    if (!sl->model) {
        if (!single || (sl->type != VIR_DOMAIN_SECLABEL_NONE &&
                        !(sl->type == VIR_DOMAIN_SECLABEL_DYNAMIC &&
                          inactive && !virXMLNodeChild(node, "baselabel")))) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           single ? _("missing security model in domain seclabel")
                                  : _("missing security model when using multiple labels"));
            return NULL;
        }
        sl->model = g_strdup("none");
    }
    if (STREQ(sl->model, "none")) {
        if (inactive) {
            sl->type = VIR_DOMAIN_SECLABEL_NONE;
            sl->relabel = false;
        } else if (sl->type != VIR_DOMAIN_SECLABEL_NONE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("unsupported type='%1$s' to model 'none'"),
                           virDomainSeclabelTypeToString(sl->type));
            return NULL;
        }
        return g_steal_pointer(&sl);
    }
    /* a static label is config; the labels of a dynamic one are runtime
     * data, which libvirt's security drivers always fill in a live domain
     * and we (no security driver) never do: optional in live XML */
    if (sl->type == VIR_DOMAIN_SECLABEL_STATIC &&
        !(sl->label = virDomainSeclabelChild(node, "label", true)))
        return NULL;
    if (!inactive && sl->type == VIR_DOMAIN_SECLABEL_DYNAMIC)
        sl->label = virDomainSeclabelChild(node, "label", false);
    if (sl->relabel && !inactive && sl->type != VIR_DOMAIN_SECLABEL_NONE)
        sl->imagelabel = virDomainSeclabelChild(node, "imagelabel", false);
    if (sl->type == VIR_DOMAIN_SECLABEL_DYNAMIC)
        sl->baselabel = virDomainSeclabelChild(node, "baselabel", false);
    return g_steal_pointer(&sl);
}


static int
virDomainSeclabelsParse(virDomainDef *def, xmlNode *root, unsigned int flags)
{
    xmlNode *cur;
    size_t n = 0;
    size_t i;

    for (cur = root->children; cur; cur = cur->next)
        n += cur->type == XML_ELEMENT_NODE && !cur->ns &&
             xmlStrEqual(cur->name, BAD_CAST "seclabel");
    for (cur = root->children; cur; cur = cur->next) {
        virDomainSeclabelDef *sl;

        if (cur->type != XML_ELEMENT_NODE || cur->ns ||
            !xmlStrEqual(cur->name, BAD_CAST "seclabel"))
            continue;
        if (!(sl = virDomainSeclabelDefParse(cur, n == 1, flags)))
            return -1;
        for (i = 0; i < def->seclabels->len; i++) {
            virDomainSeclabelDef *other = g_ptr_array_index(def->seclabels, i);

            if (STREQ(other->model, sl->model)) {
                virReportError(VIR_ERR_XML_DETAIL,
                               _("seclabel for model %1$s is already provided"),
                               sl->model);
                virDomainSeclabelDefFree(sl);
                return -1;
            }
        }
        g_ptr_array_add(def->seclabels, sl);
    }
    return 0;
}


/**
 * virDomainSeclabelsFormat:
 * Appends the <seclabel> elements after <devices>, as libvirt formats
 * them.
 */
void
virDomainSeclabelsFormat(virBuffer *buf, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->seclabels->len; i++) {
        const virDomainSeclabelDef *sl = g_ptr_array_index(def->seclabels, i);

        virBufferAsprintf(buf, "<seclabel type='%s'",
                          virDomainSeclabelTypeToString(sl->type));
        virBufferEscapeString(buf, " model='%s'", sl->model);
        if (sl->type == VIR_DOMAIN_SECLABEL_NONE) {
            virBufferAddLit(buf, "/>\n");
            continue;
        }
        virBufferAsprintf(buf, " relabel='%s'", sl->relabel ? "yes" : "no");
        if (!sl->label && !sl->imagelabel && !sl->baselabel) {
            virBufferAddLit(buf, "/>\n");
            continue;
        }
        virBufferAddLit(buf, ">\n");
        virBufferAdjustIndent(buf, 2);
        virBufferEscapeString(buf, "<label>%s</label>\n", sl->label);
        if (sl->relabel)
            virBufferEscapeString(buf, "<imagelabel>%s</imagelabel>\n",
                                  sl->imagelabel);
        if (sl->type == VIR_DOMAIN_SECLABEL_DYNAMIC)
            virBufferEscapeString(buf, "<baselabel>%s</baselabel>\n",
                                  sl->baselabel);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</seclabel>\n");
    }
}


/* ---- <sysinfo>, <os><smbios> ---- */

static void
virDomainSysinfoDefFree(virDomainSysinfoDef *si)
{
    size_t i;
    size_t j;

    if (!si)
        return;
    for (i = 0; i < VIR_DOMAIN_SYSINFO_LAST; i++) {
        for (j = 0; j < VIR_DOMAIN_SYSINFO_KEYS_MAX; j++)
            g_free(si->values[i][j]);
    }
    g_clear_pointer(&si->oemStrings, g_ptr_array_unref);
    g_free(si);
}


static int
virDomainSysinfoParseSection(virDomainSysinfoDef *si,
                             virDomainSysinfoSection section, xmlNode *node)
{
    const char *const *keys = virDomainSysinfoKeyTable[section];
    xmlNode *cur;

    for (cur = node->children; cur; cur = cur->next) {
        g_autofree char *name = NULL;
        size_t k;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!(name = virDomainXMLPropRequired(cur, "name")))
            return -1;
        for (k = 0; keys[k] && STRNEQ(keys[k], name); k++)
            ;
        if (!keys[k]) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("sysinfo entry '%1$s' of '%2$s' is not supported"),
                           name, virDomainSysinfoSectionNames[section]);
            return -1;
        }
        g_free(si->values[section][k]);
        si->values[section][k] = virXMLNodeContent(cur);
    }
    return 0;
}


static int
virDomainSysinfoParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *node = virXMLNodeChild(root, "sysinfo");
    xmlNode *smbios = virXMLNodeChild(virXMLNodeChild(root, "os"), "smbios");
    xmlNode *oem = virXMLNodeChild(node, "oemStrings");
    virDomainSysinfoDef *si;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    const char *uuid;
    xmlNode *cur;
    size_t i;

    if (smbios && virDomainXMLPropEnum(smbios, "mode", virDomainSmbiosMode,
                                       true, &def->smbiosMode) < 0)
        return -1;
    if (!node)
        return 0;
    {
        g_autofree char *type = virDomainXMLPropRequired(node, "type");

        if (!type)
            return -1;
        if (STRNEQ(type, "smbios")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("value '%1$s' of attribute 'type' of element 'sysinfo' is not supported (supported: smbios)"),
                           type);
            return -1;
        }
    }
    si = def->sysinfo = g_new0(virDomainSysinfoDef, 1);
    si->oemStrings = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < VIR_DOMAIN_SYSINFO_LAST; i++) {
        xmlNode *sec = virXMLNodeChild(node, virDomainSysinfoSectionNames[i]);

        if (sec && virDomainSysinfoParseSection(si, i, sec) < 0)
            return -1;
    }
    for (cur = oem ? oem->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE)
            g_ptr_array_add(si->oemStrings, virXMLNodeContent(cur));
    }
    uuid = si->values[VIR_DOMAIN_SYSINFO_SYSTEM][4];
    if (uuid && g_ascii_strcasecmp(uuid, virUUIDFormat(def->uuid, uuidstr)) != 0) {
        virReportError(VIR_ERR_XML_DETAIL, "%s",
                       _("UUID mismatch between <uuid> and <sysinfo>"));
        return -1;
    }
    return 0;
}


void
virDomainSmbiosModeFormat(virBuffer *buf, const virDomainDef *def)
{
    if (def->smbiosMode)
        virBufferAsprintf(buf, "<smbios mode='%s'/>\n",
                          virDomainSmbiosModeTypeToString(def->smbiosMode));
}


/**
 * virDomainSysinfoFormat:
 * Appends <sysinfo type='smbios'> in libvirt's order of sections and
 * entries.
 */
void
virDomainSysinfoFormat(virBuffer *buf, const virDomainDef *def)
{
    const virDomainSysinfoDef *si = def->sysinfo;
    size_t i;
    size_t k;

    if (!si)
        return;
    virBufferAddLit(buf, "<sysinfo type='smbios'>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < VIR_DOMAIN_SYSINFO_LAST; i++) {
        const char *const *keys = virDomainSysinfoKeyTable[i];
        bool any = false;

        for (k = 0; keys[k]; k++)
            any |= si->values[i][k] != NULL;
        if (!any)
            continue;
        virBufferAsprintf(buf, "<%s>\n", virDomainSysinfoSectionNames[i]);
        virBufferAdjustIndent(buf, 2);
        for (k = 0; keys[k]; k++) {
            if (!si->values[i][k])
                continue;
            virBufferAsprintf(buf, "<entry name='%s'", keys[k]);
            virBufferEscapeString(buf, ">%s</entry>\n", si->values[i][k]);
        }
        virBufferAdjustIndent(buf, -2);
        virBufferAsprintf(buf, "</%s>\n", virDomainSysinfoSectionNames[i]);
    }
    if (si->oemStrings->len) {
        virBufferAddLit(buf, "<oemStrings>\n");
        virBufferAdjustIndent(buf, 2);
        for (k = 0; k < si->oemStrings->len; k++)
            virBufferEscapeString(buf, "<entry>%s</entry>\n",
                                  g_ptr_array_index(si->oemStrings, k));
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</oemStrings>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</sysinfo>\n");
}


/* ---- entry points ---- */

/**
 * virDomainGeneralParse:
 * Parses the domain-level elements of this file from <domain> @root into
 * @def.  Returns 0 or -1 (reported).
 */
int
virDomainGeneralParse(virDomainDef *def, xmlNode *root, unsigned int flags)
{
    def->seclabels = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainSeclabelDefFree);
    if (virDomainResourceParse(def, root) < 0 ||
        virDomainMetadataParse(def, root) < 0 ||
        virDomainSeclabelsParse(def, root, flags) < 0 ||
        virDomainSysinfoParse(def, root) < 0)
        return -1;
    if (def->smbiosMode == VIR_DOMAIN_SMBIOS_HOST) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("smbios mode 'host' is not supported (it needs the host's SMBIOS tables)"));
        return -1;
    }
    return 0;
}


/* Frees what virDomainGeneralParse stored in @def. */
void
virDomainGeneralFree(virDomainDef *def)
{
    g_free(def->resourcePartition);
    g_clear_pointer(&def->metadata, xmlFreeNode);
    g_clear_pointer(&def->seclabels, g_ptr_array_unref);
    g_clear_pointer(&def->sysinfo, virDomainSysinfoDefFree);
}
