/*
 * virdomainstatus.c: status XML of running domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.virdomainstatus");


/* The <taint flag='...'/> elements of @vm. */
static void
virDomainObjFormatTaint(virBuffer *buf, const virDomainObj *vm)
{
    size_t i;

    for (i = 0; i < VIR_DOMAIN_TAINT_LAST; i++) {
        if (vm->taint & (1U << i))
            virBufferAsprintf(buf, "<taint flag='%s'/>\n",
                              virDomainTaintTypeToString(i));
    }
}


/* Reads the <taint> elements into @vm; a name this daemon does not know
 * (a status file of another version) is dropped. */
static void
virDomainObjParseTaint(xmlXPathContext *ctxt, virDomainObj *vm)
{
    g_autofree xmlNodePtr *nodes = NULL;
    int n = virXPathNodeSet("./taint", ctxt, &nodes);
    int i;

    for (i = 0; i < n; i++) {
        g_autofree char *flag = virXMLPropString(nodes[i], "flag");
        int taint = virDomainTaintTypeFromString(flag);

        if (taint < 0)
            VIR_WARN("ignoring unknown taint '%s'", NULLSTR(flag));
        else
            virDomainObjTaint(vm, taint);
    }
}


/**
 * virDomainObjFormatStatus:
 * @vm: locked domain object with a definition
 *
 * Returns the status XML of @vm (state, pid, job, driver data, definition);
 * caller owns the result.  NULL with an error reported on failure.
 */
char *
virDomainObjFormatStatus(virDomainObj *vm)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    const virDomainObjConfig *cfg = vm->cfg;
    int reason = 0;
    virDomainState state = virDomainObjGetState(vm, &reason);

    if (!cfg->defFormat) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("no formatter for domain definitions"));
        return NULL;
    }
    virBufferAsprintf(&buf, "<domstatus state='%s' reason='%s' pid='%lld'>\n",
                      virDomainObjStateTypeToString(state),
                      virDomainObjStateReasonToString(state, reason),
                      (long long)vm->pid);
    virBufferAdjustIndent(&buf, 2);
    virDomainObjFormatTaint(&buf, vm);
    if (virDomainJobObjFormat(&buf, vm) < 0)
        return NULL;
    if (cfg->privateData.format && cfg->privateData.format(&buf, vm) < 0)
        return NULL;
    if (cfg->defFormat(&buf, vm->def, cfg->defOpaque) < 0)
        return NULL;
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domstatus>\n");
    return virBufferContentAndReset(&buf);
}


/* Parses the attributes of <domstatus> (@ctxt->node) into @vm. */
static int
virDomainObjParseStatusRoot(xmlXPathContext *ctxt, virDomainObj *vm)
{
    g_autofree char *stateStr = virXMLPropString(ctxt->node, "state");
    g_autofree char *reasonStr = virXMLPropString(ctxt->node, "reason");
    g_autofree char *pidStr = virXMLPropString(ctxt->node, "pid");
    int state = virDomainObjStateTypeFromString(stateStr);
    int reason = 0;
    gint64 pid = 0;

    if (state < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'"),
                       "state", "domstatus", NULLSTR(stateStr));
        return -1;
    }
    if (reasonStr &&
        (reason = virDomainObjStateReasonFromString(state, reasonStr)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("invalid domain state reason '%1$s'"), reasonStr);
        return -1;
    }
    if (!pidStr ||
        !g_ascii_string_to_signed(pidStr, 10, 0, G_MAXINT, &pid, NULL)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'"),
                       "pid", "domstatus", NULLSTR(pidStr));
        return -1;
    }
    virDomainObjSetState(vm, state, reason);
    vm->pid = (pid_t)pid;
    return 0;
}


/* Parses the <domain> child of <domstatus> with the driver's parser. */
static virDomainDef *
virDomainObjParseStatusDef(xmlXPathContext *ctxt,
                           const virDomainObjConfig *cfg)
{
    xmlNode *saved = ctxt->node;
    xmlNode *node = virXPathNode("./domain", ctxt);
    virDomainDef *def;

    if (!node) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no domain config"));
        return NULL;
    }
    if (!cfg->defParse) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("no parser for domain definitions"));
        return NULL;
    }
    ctxt->node = node;
    def = cfg->defParse(ctxt, cfg->defOpaque);
    ctxt->node = saved;
    return def;
}


/**
 * virDomainObjParseStatus:
 * @xml: a status document
 * @what: its name for error messages (usually the file path)
 * @cfg: the driver's callbacks, which the new object keeps
 *
 * Builds a domain object from a status document, with the recorded job
 * loaded as a record (see virDomainObjPreserveJob).  Returns the object
 * locked with one reference for the caller (virDomainObjEndAPI), or NULL
 * with an error reported.
 */
virDomainObj *
virDomainObjParseStatus(const char *xml, const char *what,
                        const virDomainObjConfig *cfg)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = virXMLParseStringCtxt(xml, what, "domstatus",
                                                  &ctxt);
    virDomainObj *vm = NULL;

    if (!doc)
        return NULL;
    vm = virDomainObjNew(cfg);
    virDomainObjParseTaint(ctxt, vm);
    if (!(vm->def = virDomainObjParseStatusDef(ctxt, cfg)) ||
        virDomainObjParseStatusRoot(ctxt, vm) < 0 ||
        virDomainJobObjParse(ctxt, vm) < 0 ||
        (cfg->privateData.parse && cfg->privateData.parse(ctxt, vm) < 0)) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vm;
}


/* Returns "<dir>/<name>.xml"; caller owns the result. */
char *
virDomainObjStatusPath(const char *dir, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, file, NULL);
}


/**
 * virDomainObjSaveStatus:
 * @vm: locked domain object
 *
 * Rewrites @vm's status file atomically (the old content or the new one
 * survives a crash, never a mix).  Inactive domains and drivers without a
 * status directory have no status file: then nothing happens.  Returns 0,
 * or -1 with an error reported.
 */
int
virDomainObjSaveStatus(virDomainObj *vm)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;

    if (!vm->cfg->statusDir || !virDomainObjIsActive(vm))
        return 0;
    if (!(xml = virDomainObjFormatStatus(vm)))
        return -1;
    path = virDomainObjStatusPath(vm->cfg->statusDir, vm->def->name);
    return virFileWriteAtomic(path, xml, 0600);
}


/* Removes @vm's (locked) status file if any.  Returns 0 or -1 (reported). */
int
virDomainObjDeleteStatus(virDomainObj *vm)
{
    g_autofree char *path = NULL;

    if (!vm->cfg->statusDir)
        return 0;
    path = virDomainObjStatusPath(vm->cfg->statusDir, vm->def->name);
    return virFileRemoveIfExists(path);
}


/* Loads one status file and adds the domain to @doms. */
static int
virDomainObjListLoadStatus(virDomainObjList *doms, const char *dir,
                           const char *file, const virDomainObjConfig *cfg)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *xml = NULL;
    g_autofree char *name = g_strndup(file, strlen(file) - strlen(".xml"));
    virDomainObj *vm = NULL;
    int rc = -1;

    if (virFileReadAll(path, VIR_DOMAIN_STATUS_MAX_SIZE, &xml) < 0 ||
        !(vm = virDomainObjParseStatus(xml, path, cfg)))
        return -1;
    if (STRNEQ(vm->def->name, name)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("status file '%1$s' describes domain '%2$s'"),
                       path, vm->def->name);
        virDomainObjEndAPI(&vm);
        return -1;
    }
    VIR_INFO("Loading status of domain %s (job %s, async %s, phase %s)",
             vm->def->name, virDomainJobTypeToString(vm->job->active),
             virDomainAsyncJobTypeToString(vm->job->asyncJob),
             virDomainAsyncJobPhaseToString(vm->job, vm->job->phase));
    /* nobody else sees @vm yet; unlocked, as the list lock comes first */
    virObjectUnlock(vm);
    rc = virDomainObjListAddObj(doms, vm);
    virObjectUnref(vm);
    return rc;
}


static int
virDomainObjStatusFileCompare(const void *a, const void *b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}


/**
 * virDomainObjListLoadAllStatus:
 * @doms: the list to fill (the caller owns it; nothing else uses it yet)
 * @dir: the status directory
 * @cfg: the driver's callbacks for the new objects
 *
 * Loads every "<name>.xml" of @dir, in name order, at daemon start.  A
 * file that cannot be loaded is skipped, its error reported (and so
 * logged), so one damaged file does not hide the other domains.  Returns
 * the number of domains loaded, or -1 if @dir cannot be read.
 */
int
virDomainObjListLoadAllStatus(virDomainObjList *doms, const char *dir,
                              const virDomainObjConfig *cfg)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &gerr);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    int loaded = 0;
    guint i;

    if (!d) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot open directory '%1$s': %2$s"),
                       dir, gerr->message);
        return -1;
    }
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".xml") && strlen(ent) > strlen(".xml"))
            g_ptr_array_add(files, g_strdup(ent));
    }
    g_ptr_array_sort(files, virDomainObjStatusFileCompare);
    for (i = 0; i < files->len; i++) {
        if (virDomainObjListLoadStatus(doms, dir, files->pdata[i], cfg) == 0)
            loaded++;
    }
    return loaded;
}
