/*
 * domain_conf_metadata.c: a domain's title, description and <metadata>
 * elements, read and changed one at a time (virDomainGetMetadata,
 * virDomainSetMetadata)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Applications keep their own data in <metadata>, one element per
 * namespace URI (nova's instance data, virt-manager's, ...).
 */
#include <config.h>

#include "domain_conf.h"
#include "virerror.h"
#include "virxml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#define VIR_FROM_THIS VIR_FROM_DOMAIN

/* The child of <metadata> in namespace @uri, or NULL. */
static xmlNode *
virDomainMetadataFind(const virDomainDef *def, const char *uri)
{
    xmlNode *cur;

    for (cur = def->metadata ? def->metadata->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && cur->ns && cur->ns->href &&
            xmlStrEqual(cur->ns->href, BAD_CAST uri))
            return cur;
    }
    return NULL;
}


/* @node alone as XML text with its namespace declared on it. */
static char *
virDomainMetadataNodeToString(const xmlNode *node)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *copy = xmlDocCopyNode((xmlNode *)node, doc, 1);
    xmlBuffer *xmlbuf;
    char *ret = NULL;

    if (!copy) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot copy the metadata element"));
        return NULL;
    }
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    xmlbuf = xmlBufferCreate();
    if (xmlNodeDump(xmlbuf, doc, copy, 0, 0) >= 0)
        ret = g_strdup((const char *)xmlBufferContent(xmlbuf));
    else
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("Unable to format metadata element"));
    xmlBufferFree(xmlbuf);
    return ret;
}


/**
 * virDomainDefGetMetadata:
 * The title, the description, or the <metadata> element of namespace
 * @uri of @def (caller owns it).  NULL with VIR_ERR_NO_DOMAIN_METADATA
 * when there is none, VIR_ERR_INVALID_ARG for a bad @type or @uri.
 */
char *
virDomainDefGetMetadata(const virDomainDef *def, int type, const char *uri)
{
    const char *text = NULL;
    xmlNode *node;

    switch (type) {
    case VIR_DOMAIN_METADATA_DESCRIPTION:
        text = def->description;
        break;
    case VIR_DOMAIN_METADATA_TITLE:
        text = def->title;
        break;
    case VIR_DOMAIN_METADATA_ELEMENT:
        if (!uri) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("a namespace URI is needed for a metadata element"));
            return NULL;
        }
        if ((node = virDomainMetadataFind(def, uri)))
            return virDomainMetadataNodeToString(node);
        break;
    default:
        virReportError(VIR_ERR_INVALID_ARG, _("unknown metadata type '%1$d'"), type);
        return NULL;
    }
    if (text && *text)
        return g_strdup(text);
    virReportError(VIR_ERR_NO_DOMAIN_METADATA, "%s",
                   _("Requested metadata element is not present"));
    return NULL;
}


/* Parses @xml, one element, into a node of no document placed in
 * namespace @uri with prefix @key.  Caller owns it; NULL reported. */
static xmlNode *
virDomainMetadataParseElement(const char *xml, const char *key, const char *uri)
{
    g_autoptr(xmlDoc) doc = xmlReadMemory(xml, strlen(xml), "metadata.xml", NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                                          XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root;
    xmlNode *copy;

    if (!doc || !(root = xmlDocGetRootElement(doc))) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("the metadata is not a well-formed XML element"));
        return NULL;
    }
    if (!(copy = xmlDocCopyNode(root, NULL, 1))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot copy the metadata element"));
        return NULL;
    }
    xmlSetNs(copy, xmlNewNs(copy, BAD_CAST uri, BAD_CAST key));
    return copy;
}


/* Title and description: a string, or NULL/"" to remove it. */
static int
virDomainDefSetText(char **field, const char *metadata, const char *key,
                    const char *uri)
{
    if (key || uri) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a title or description takes no key or namespace URI"));
        return -1;
    }
    g_free(*field);
    *field = metadata && *metadata ? g_strdup(metadata) : NULL;
    return 0;
}


static int
virDomainDefSetElement(virDomainDef *def, const char *metadata,
                       const char *key, const char *uri)
{
    xmlNode *node = NULL;
    xmlNode *old;

    if (!uri || (metadata && (!key || !*key))) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a metadata element needs a namespace URI and a key"));
        return -1;
    }
    if (metadata && !(node = virDomainMetadataParseElement(metadata, key, uri)))
        return -1;
    if ((old = virDomainMetadataFind(def, uri))) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (!node)
        return 0;
    if (!def->metadata)
        def->metadata = xmlNewNode(NULL, BAD_CAST "metadata");
    xmlAddChild(def->metadata, node);
    return 0;
}


/**
 * virDomainDefSetMetadata:
 * Sets or (with @metadata NULL) removes the title, the description or
 * the <metadata> element of namespace @uri (prefix @key) of @def.
 * Returns 0, or -1 with VIR_ERR_INVALID_ARG or VIR_ERR_XML_ERROR and
 * @def unchanged.
 */
int
virDomainDefSetMetadata(virDomainDef *def, int type, const char *metadata,
                        const char *key, const char *uri)
{
    switch (type) {
    case VIR_DOMAIN_METADATA_TITLE:
        if (metadata && strchr(metadata, '\n')) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("Domain title can't contain newlines"));
            return -1;
        }
        return virDomainDefSetText(&def->title, metadata, key, uri);
    case VIR_DOMAIN_METADATA_DESCRIPTION:
        return virDomainDefSetText(&def->description, metadata, key, uri);
    case VIR_DOMAIN_METADATA_ELEMENT:
        return virDomainDefSetElement(def, metadata, key, uri);
    default:
        virReportError(VIR_ERR_INVALID_ARG, _("unknown metadata type '%1$d'"), type);
        return -1;
    }
}
