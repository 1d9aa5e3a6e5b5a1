/*
 * virxmlcheck.h: refuse XML elements and attributes a parser does not know
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A parser that only looks up what it understands silently drops the rest.
 * Instead, a parser declares every element it handles in a table, with its
 * attributes, and runs virXMLCheckAllowed() over the document first: the
 * first element, attribute or stray text it does not declare is reported,
 * naming its place in the document.
 */
#pragma once

#include "internal.h"

#include <libxml/tree.h>

typedef enum {
    VIR_XML_ALLOW_REPEAT = 1 << 0, /* may appear more than once per parent */
    VIR_XML_ALLOW_TEXT = 1 << 1,   /* may hold text (otherwise only blanks) */
    VIR_XML_ALLOW_ANY = 1 << 2,    /* its subtree is not checked: any
                                    * children, namespaced or not, attributes
                                    * on them and text (e.g. <metadata>) */
} virXMLAllowFlags;

typedef struct _virXMLAllowed virXMLAllowed;
struct _virXMLAllowed {
    const char *path;   /* element names from the root, '/'-separated:
                         * "domain/devices/disk/source" */
    const char *attrs;  /* allowed attribute names, space-separated, or
                         * NULL for none */
    unsigned int flags; /* virXMLAllowFlags */
};

/*
 * virXMLCheckAllowed:
 * Walks the subtree at @root (whose path is @root's name) and checks each
 * element against @table of @ntable entries.  Comments and processing
 * instructions are ignored.
 *
 * Returns 0 when everything is declared, -1 with an error reported:
 * VIR_ERR_CONFIG_UNSUPPORTED for an unknown element or attribute,
 * VIR_ERR_XML_ERROR for a repeated single element or unexpected text.
 */
int virXMLCheckAllowed(xmlNode *root, const virXMLAllowed *table,
                       size_t ntable);

/*
 * virXMLCheckAllowedMulti:
 * As virXMLCheckAllowed, over the union of @ntables tables, each ending
 * with an entry whose path is NULL (so that each area of a parser can keep
 * its own table).  The first table holding a path wins.  @tables and its
 * tables must be static: an index of them is made on first use and kept.
 */
int virXMLCheckAllowedMulti(xmlNode *root, const virXMLAllowed *const *tables,
                            size_t ntables);

/* The first child element of @parent called @name, or NULL. */
xmlNode *virXMLNodeChild(xmlNode *parent, const char *name);

/* The text content of @node; caller owns the result.  Never NULL. */
char *virXMLNodeContent(xmlNode *node);
