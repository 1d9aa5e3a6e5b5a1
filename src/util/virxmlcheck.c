/*
 * virxmlcheck.c: refuse XML elements and attributes a parser does not know
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virxmlcheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_XML

static const virXMLAllowed *
virXMLAllowedLookup(const virXMLAllowed *table, size_t ntable,
                    const char *path)
{
    size_t i;

    for (i = 0; i < ntable; i++) {
        if (STREQ(table[i].path, path))
            return &table[i];
    }
    return NULL;
}


/* Element names are reported with their namespace prefix, so that
 * <qemu:commandline> reads as such in the message. */
static char *
virXMLNodeQualifiedName(xmlNode *node)
{
    if (node->ns && node->ns->prefix)
        return g_strdup_printf("%s:%s", (const char *)node->ns->prefix,
                               (const char *)node->name);
    return g_strdup((const char *)node->name);
}


static bool
virXMLAttrListed(const char *attrs, const char *name)
{
    g_auto(GStrv) list = NULL;
    size_t i;

    if (!attrs)
        return false;
    list = g_strsplit(attrs, " ", -1);
    for (i = 0; list[i]; i++) {
        if (STREQ(list[i], name))
            return true;
    }
    return false;
}


static int
virXMLCheckAttrs(xmlNode *node, const virXMLAllowed *rule, const char *path)
{
    xmlAttr *attr;

    for (attr = node->properties; attr; attr = attr->next) {
        const char *name = (const char *)attr->name;

        if (attr->ns || !virXMLAttrListed(rule->attrs, name)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("attribute '%1$s' of element '%2$s' is not supported (at /%3$s)"),
                           name, (const char *)node->name, path);
            return -1;
        }
    }
    return 0;
}


static bool
virXMLTextIsBlank(const xmlChar *text)
{
    for (; text && *text; text++) {
        if (!g_ascii_isspace(*text))
            return false;
    }
    return true;
}


/* Checks that no element child of @node that may appear once does so
 * twice.  @table lookups use @path + "/" + child name. */
static int
virXMLCheckRepeats(xmlNode *node, const virXMLAllowed *table, size_t ntable,
                   const char *path)
{
    xmlNode *a;
    xmlNode *b;

    for (a = node->children; a; a = a->next) {
        g_autofree char *childPath = NULL;
        const virXMLAllowed *rule;

        if (a->type != XML_ELEMENT_NODE)
            continue;
        childPath = g_strdup_printf("%s/%s", path, (const char *)a->name);
        rule = virXMLAllowedLookup(table, ntable, childPath);
        if (!rule || (rule->flags & VIR_XML_ALLOW_REPEAT))
            continue;
        for (b = a->next; b; b = b->next) {
            if (b->type == XML_ELEMENT_NODE && !b->ns &&
                xmlStrEqual(a->name, b->name)) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("element '%1$s' may appear only once (at /%2$s)"),
                               (const char *)a->name, childPath);
                return -1;
            }
        }
    }
    return 0;
}


static int
virXMLCheckNode(xmlNode *node, const virXMLAllowed *table, size_t ntable,
                const char *parentPath)
{
    g_autofree char *name = virXMLNodeQualifiedName(node);
    g_autofree char *path = NULL;
    const virXMLAllowed *rule = NULL;
    xmlNode *child;

    path = parentPath ? g_strdup_printf("%s/%s", parentPath, name)
                      : g_strdup(name);
    if (!node->ns)
        rule = virXMLAllowedLookup(table, ntable, path);
    if (!rule) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("element '%1$s' is not supported (at /%2$s)"),
                       name, path);
        return -1;
    }
    if (virXMLCheckAttrs(node, rule, path) < 0)
        return -1;
    if (rule->flags & VIR_XML_ALLOW_ANY)
        return 0;
    if (virXMLCheckRepeats(node, table, ntable, path) < 0)
        return -1;

    for (child = node->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE) {
            if (virXMLCheckNode(child, table, ntable, path) < 0)
                return -1;
        } else if ((child->type == XML_TEXT_NODE ||
                    child->type == XML_CDATA_SECTION_NODE) &&
                   !(rule->flags & VIR_XML_ALLOW_TEXT) &&
                   !virXMLTextIsBlank(child->content)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("unexpected text in element '%1$s' (at /%2$s)"),
                           name, path);
            return -1;
        }
        /* comments, processing instructions: ignored */
    }
    return 0;
}


/**
 * virXMLCheckAllowed:
 * Checks the subtree at @root against @table (see virxmlcheck.h).
 * Returns 0, or -1 with the first undeclared element, attribute, repeated
 * element or stray text reported.
 */
int
virXMLCheckAllowed(xmlNode *root, const virXMLAllowed *table, size_t ntable)
{
    return virXMLCheckNode(root, table, ntable, NULL);
}


/**
 * virXMLCheckAllowedMulti:
 * Checks the subtree at @root against the union of @tables (each ended by
 * a NULL path).  Returns 0 or -1 as virXMLCheckAllowed.
 */
int
virXMLCheckAllowedMulti(xmlNode *root, const virXMLAllowed *const *tables,
                        size_t ntables)
{
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(virXMLAllowed));
    size_t i;
    const virXMLAllowed *row;

    for (i = 0; i < ntables; i++) {
        for (row = tables[i]; row->path; row++)
            g_array_append_val(all, *row);
    }
    return virXMLCheckNode(root, (const virXMLAllowed *)all->data, all->len,
                           NULL);
}


/* Returns the first child element of @parent (may be NULL) named @name,
 * without a namespace, or NULL.  The node belongs to the document. */
xmlNode *
virXMLNodeChild(xmlNode *parent, const char *name)
{
    xmlNode *cur;

    for (cur = parent ? parent->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && !cur->ns &&
            xmlStrEqual(cur->name, BAD_CAST name))
            return cur;
    }
    return NULL;
}


/* Returns the text content of @node, "" when empty; caller owns it. */
char *
virXMLNodeContent(xmlNode *node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret = g_strdup(content ? (const char *)content : "");

    xmlFree(content);
    return ret;
}
