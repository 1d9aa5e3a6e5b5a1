/*
 * virxml.c: libxml2 helpers (parsing, XPath, RelaxNG validation)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <libxml/relaxng.h>
#include <libxml/xpathInternals.h>

#include "virxml.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_XML

xmlDoc *
virXMLParseStringCtxt(const char *xml, const char *what,
                      const char *rootName, xmlXPathContext **ctxt)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlParserCtxtPtr pctxt = xmlNewParserCtxt();
    xmlNode *root;

    doc = xmlCtxtReadDoc(pctxt, BAD_CAST xml, what, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR |
                         XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pctxt);
        virReportError(VIR_ERR_XML_ERROR, _("%1$s:%2$d: %3$s"), what,
                       e ? e->line : 0,
                       e && e->message ? g_strchomp(e->message) : _("malformed document"));
        xmlFreeParserCtxt(pctxt);
        return NULL;
    }
    xmlFreeParserCtxt(pctxt);

    root = xmlDocGetRootElement(doc);
    if (!root || (rootName && !xmlStrEqual(root->name, BAD_CAST rootName))) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("expecting root element of '%1$s', not '%2$s'"),
                       NULLSTR(rootName), root ? (const char *)root->name : "");
        return NULL;
    }
    *ctxt = xmlXPathNewContext(doc);
    (*ctxt)->node = root;
    return g_steal_pointer(&doc);
}


static xmlXPathObject *
virXPathEval(const char *xpath, xmlXPathContext *ctxt)
{
    xmlNode *saved = ctxt->node;
    xmlXPathObject *obj = xmlXPathEval(BAD_CAST xpath, ctxt);

    ctxt->node = saved;
    return obj;
}


char *
virXPathString(const char *xpath, xmlXPathContext *ctxt)
{
    g_autoptr(xmlXPathObject) obj = virXPathEval(xpath, ctxt);

    if (!obj || obj->type != XPATH_STRING || !obj->stringval ||
        !obj->stringval[0])
        return NULL;
    return g_strdup((const char *)obj->stringval);
}


int
virXPathULongLong(const char *xpath, xmlXPathContext *ctxt,
                  unsigned long long *value)
{
    g_autofree char *str = virXPathString(xpath, ctxt);
    guint64 v;

    if (!str)
        return -1;
    if (!g_ascii_string_to_unsigned(str, 10, 0, G_MAXUINT64, &v, NULL))
        return -2;
    *value = v;
    return 0;
}


int
virXPathInt(const char *xpath, xmlXPathContext *ctxt, int *value)
{
    g_autofree char *str = virXPathString(xpath, ctxt);
    gint64 v;

    if (!str)
        return -1;
    if (!g_ascii_string_to_signed(str, 10, G_MININT, G_MAXINT, &v, NULL))
        return -2;
    *value = v;
    return 0;
}


int
virXPathNodeSet(const char *xpath, xmlXPathContext *ctxt, xmlNode ***list)
{
    g_autoptr(xmlXPathObject) obj = virXPathEval(xpath, ctxt);
    int n;

    if (list)
        *list = NULL;
    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval)
        return 0;
    n = obj->nodesetval->nodeNr;
    if (list && n > 0)
        *list = g_memdup2(obj->nodesetval->nodeTab, sizeof(xmlNode *) * n);
    return n;
}


xmlNode *
virXPathNode(const char *xpath, xmlXPathContext *ctxt)
{
    g_autoptr(xmlXPathObject) obj = virXPathEval(xpath, ctxt);

    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval ||
        obj->nodesetval->nodeNr <= 0)
        return NULL;
    return obj->nodesetval->nodeTab[0];
}


bool
virXPathBoolean(const char *xpath, xmlXPathContext *ctxt)
{
    g_autoptr(xmlXPathObject) obj = virXPathEval(xpath, ctxt);

    return obj && obj->type == XPATH_BOOLEAN && obj->boolval;
}


char *
virXMLPropString(xmlNode *node, const char *name)
{
    xmlChar *val = xmlGetProp(node, BAD_CAST name);
    char *ret;

    if (!val)
        return NULL;
    ret = g_strdup((const char *)val);
    xmlFree(val);
    return ret;
}


static void
virXMLValidateRecord(void *opaque, const xmlError *error)
{
    GString *msg = opaque;

    if (msg->len == 0 && error && error->message)
        g_string_append_printf(msg, "line %d: %s", error->line,
                               g_strchomp(error->message));
}


/* Compiled schemas by path, kept for the life of the process: compiling
 * libvirt's domain.rng costs far more than validating a document with
 * it.  The lock also serializes validations, which share the schema. */
static GMutex virXMLSchemaLock;
static GHashTable *virXMLSchemas;   /* path -> xmlRelaxNGPtr */


/* Returns the compiled schema at @schemaPath (borrowed), or NULL with an
 * error reported.  Call with virXMLSchemaLock held. */
static xmlRelaxNGPtr
virXMLSchemaGet(const char *schemaPath)
{
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr schema;

    if (!virXMLSchemas)
        virXMLSchemas = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)xmlRelaxNGFree);
    if ((schema = g_hash_table_lookup(virXMLSchemas, schemaPath)))
        return schema;
    pctxt = xmlRelaxNGNewParserCtxt(schemaPath);
    schema = pctxt ? xmlRelaxNGParse(pctxt) : NULL;
    if (pctxt)
        xmlRelaxNGFreeParserCtxt(pctxt);
    if (!schema) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unable to load RNG schema '%1$s'"), schemaPath);
        return NULL;
    }
    g_hash_table_insert(virXMLSchemas, g_strdup(schemaPath), schema);
    return schema;
}


int
virXMLValidateAgainstSchema(const char *schemaPath, xmlDoc *doc)
{
    g_autoptr(GString) msg = g_string_new(NULL);
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED =
        g_mutex_locker_new(&virXMLSchemaLock);
    xmlRelaxNGPtr schema = virXMLSchemaGet(schemaPath);
    xmlRelaxNGValidCtxtPtr vctxt = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    int rc = -1;

    if (!vctxt) {
        if (schema)
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("unable to load RNG schema '%1$s'"), schemaPath);
        return -1;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, (xmlStructuredErrorFunc)virXMLValidateRecord, msg);
    if (xmlRelaxNGValidateDoc(vctxt, doc) != 0) {
        virReportError(VIR_ERR_XML_INVALID_SCHEMA, "%s",
                       msg->len ? msg->str : _("document does not match the schema"));
    } else {
        rc = 0;
    }
    xmlRelaxNGFreeValidCtxt(vctxt);
    return rc;
}
