/*
 * virxmlcheck.c: refuse XML elements and attributes a parser does not know
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virxmlcheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_XML

/* Paths to rules, one index per table set: a parse looks up every
 * element twice, and a linear scan of a few hundred paths per element
 * made the check cost more than the parse (and each comparison is a
 * hooked strcmp under libFuzzer). */
static GMutex virXMLAllowedIndexLock;
static GHashTable *virXMLAllowedIndexes; /* tables -> (path -> row) */


/* Adds the @ntable rows of @table to @index; a path already there keeps
 * its row. */
static void
virXMLAllowedIndexAdd(GHashTable *index, const virXMLAllowed *table,
                      size_t ntable)
{
    size_t i;

    for (i = 0; i < ntable; i++) {
        if (!g_hash_table_contains(index, table[i].path))
            g_hash_table_insert(index, (gpointer)table[i].path,
                                (gpointer)&table[i]);
    }
}


/* The index of the @ntables tables of @tables (each ending with a NULL
 * path), made once per @tables and kept for the process: the tables are
 * static.  Never modified once made, so it is read without the lock. */
static GHashTable *
virXMLAllowedIndexGet(const virXMLAllowed *const *tables, size_t ntables)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED =
        g_mutex_locker_new(&virXMLAllowedIndexLock);
    GHashTable *index;
    size_t i;

    if (!virXMLAllowedIndexes)
        virXMLAllowedIndexes = g_hash_table_new(g_direct_hash, g_direct_equal);
    if ((index = g_hash_table_lookup(virXMLAllowedIndexes, tables)))
        return index;
    index = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < ntables; i++) {
        size_t n = 0;

        while (tables[i][n].path)
            n++;
        virXMLAllowedIndexAdd(index, tables[i], n);
    }
    g_hash_table_insert(virXMLAllowedIndexes, (gpointer)tables, index);
    return index;
}


/* Appends the name of element @node to @path, with its namespace prefix
 * (so that <qemu:commandline> reads as such in messages), after a '/'
 * unless @path is empty. */
static void
virXMLPathPush(GString *path, xmlNode *node)
{
    if (path->len)
        g_string_append_c(path, '/');
    if (node->ns && node->ns->prefix) {
        g_string_append(path, (const char *)node->ns->prefix);
        g_string_append_c(path, ':');
    }
    g_string_append(path, (const char *)node->name);
}


/* Whether @name is one of the space-separated names of @attrs. */
static bool
virXMLAttrListed(const char *attrs, const char *name)
{
    size_t len = strlen(name);
    const char *p = attrs;

    while (p && *p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n == len && memcmp(p, name, len) == 0)
            return true;
        p = end ? end + 1 : NULL;
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
 * twice.  Rules are looked up as @path + "/" + child name (@path is
 * restored on return). */
static int
virXMLCheckRepeats(xmlNode *node, GHashTable *index, GString *path)
{
    size_t len = path->len;
    xmlNode *a;
    xmlNode *b;

    for (a = node->children; a; a = a->next) {
        const virXMLAllowed *rule;

        if (a->type != XML_ELEMENT_NODE)
            continue;
        g_string_append_c(path, '/');
        g_string_append(path, (const char *)a->name);
        rule = g_hash_table_lookup(index, path->str);
        if (rule && !(rule->flags & VIR_XML_ALLOW_REPEAT)) {
            for (b = a->next; b; b = b->next) {
                if (b->type == XML_ELEMENT_NODE && !b->ns &&
                    xmlStrEqual(a->name, b->name)) {
                    virReportError(VIR_ERR_XML_ERROR,
                                   _("element '%1$s' may appear only once (at /%2$s)"),
                                   (const char *)a->name, path->str);
                    return -1;
                }
            }
        }
        g_string_truncate(path, len);
    }
    return 0;
}


/* Checks the children of @node, whose rule is @rule and whose name
 * starts at @nameAt in @path. */
static int
virXMLCheckChildren(xmlNode *node, const virXMLAllowed *rule,
                    GHashTable *index, GString *path, size_t nameAt);


/* Checks @node, whose parent's path is @path (empty for the root;
 * restored on return). */
static int
virXMLCheckNode(xmlNode *node, GHashTable *index, GString *path)
{
    size_t len = path->len;
    size_t nameAt = len ? len + 1 : 0;
    const virXMLAllowed *rule = NULL;

    virXMLPathPush(path, node);
    if (!node->ns)
        rule = g_hash_table_lookup(index, path->str);
    if (!rule) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("element '%1$s' is not supported (at /%2$s)"),
                       path->str + nameAt, path->str);
        return -1;
    }
    if (virXMLCheckAttrs(node, rule, path->str) < 0)
        return -1;
    if (!(rule->flags & VIR_XML_ALLOW_ANY) &&
        (virXMLCheckRepeats(node, index, path) < 0 ||
         virXMLCheckChildren(node, rule, index, path, nameAt) < 0))
        return -1;
    g_string_truncate(path, len);
    return 0;
}


static int
virXMLCheckChildren(xmlNode *node, const virXMLAllowed *rule,
                    GHashTable *index, GString *path, size_t nameAt)
{
    xmlNode *child;

    for (child = node->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE) {
            if (virXMLCheckNode(child, index, path) < 0)
                return -1;
        } else if ((child->type == XML_TEXT_NODE ||
                    child->type == XML_CDATA_SECTION_NODE) &&
                   !(rule->flags & VIR_XML_ALLOW_TEXT) &&
                   !virXMLTextIsBlank(child->content)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("unexpected text in element '%1$s' (at /%2$s)"),
                           path->str + nameAt, path->str);
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
    g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GString) path = g_string_sized_new(128);

    virXMLAllowedIndexAdd(index, table, ntable);
    return virXMLCheckNode(root, index, path);
}


/**
 * virXMLCheckAllowedMulti:
 * Checks the subtree at @root against the union of @tables (each ended by
 * a NULL path; @tables must be static: its index is kept).  Returns 0 or
 * -1 as virXMLCheckAllowed.
 */
int
virXMLCheckAllowedMulti(xmlNode *root, const virXMLAllowed *const *tables,
                        size_t ntables)
{
    g_autoptr(GString) path = g_string_sized_new(128);

    return virXMLCheckNode(root, virXMLAllowedIndexGet(tables, ntables), path);
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
