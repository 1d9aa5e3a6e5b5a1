/*
 * virxml.h: libxml2 helpers (parsing, XPath, RelaxNG validation)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject);

/* Parses @xml (named @what in messages); on success returns the document
 * and sets *@ctxt to an XPath context rooted at the root element, which
 * must be called @rootName (NULL: any name).  Errors are VIR_ERR_XML_ERROR
 * naming the line. */
xmlDoc *virXMLParseStringCtxt(const char *xml, const char *what,
                              const char *rootName, xmlXPathContext **ctxt);

/* XPath getters relative to ctxt->node.  String results are owned by the
 * caller; absent gives NULL. */
char *virXPathString(const char *xpath, xmlXPathContext *ctxt);
/* Return 0 on success, -1 if absent, -2 if not a number. */
int virXPathULongLong(const char *xpath, xmlXPathContext *ctxt,
                      unsigned long long *value);
int virXPathInt(const char *xpath, xmlXPathContext *ctxt, int *value);
/* Returns the number of nodes (list in *@list, caller frees) or -1. */
int virXPathNodeSet(const char *xpath, xmlXPathContext *ctxt,
                    xmlNode ***list);
xmlNode *virXPathNode(const char *xpath, xmlXPathContext *ctxt);
bool virXPathBoolean(const char *xpath, xmlXPathContext *ctxt);

/* Property helper: caller owns the result; NULL when absent. */
char *virXMLPropString(xmlNode *node, const char *name);

/* Validates @doc against the RelaxNG schema at @schemaPath.  Returns 0, or
 * -1 with VIR_ERR_XML_INVALID_SCHEMA describing the first problem. */
int virXMLValidateAgainstSchema(const char *schemaPath, xmlDoc *doc);
