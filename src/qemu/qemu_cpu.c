/*
 * qemu_cpu.c: CPU models as QEMU knows them, and comparing a CPU
 * description with what this host's QEMU can run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <json-c/json.h>

#include "qemu_cpu.h"
#include "qemu_monitor.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_CPU

VIR_LOG_INIT("qemu.cpu");

static void
qemuCapsCPUModelFree(qemuCapsCPUModel *model)
{
    g_free(model->name);
    g_strfreev(model->blockers);
    g_free(model);
}


/* libvirt's x86 feature names that QEMU spells differently. */
static const char *const qemuCPUFeatureNames[][2] = {
    { "cmp_legacy", "cmp-legacy" },       { "ds_cpl", "ds-cpl" },
    { "fxsr_opt", "fxsr-opt" },           { "kvm_pv_eoi", "kvm-pv-eoi" },
    { "kvm_pv_unhalt", "kvm-pv-unhalt" }, { "lahf_lm", "lahf-lm" },
    { "nodeid_msr", "nodeid-msr" },       { "pclmuldq", "pclmulqdq" },
    { "perfctr_core", "perfctr-core" },   { "perfctr_nb", "perfctr-nb" },
    { "tsc_adjust", "tsc-adjust" },
};


/* QEMU's spelling of libvirt's feature @name (-cpu, expansions). */
const char *
qemuCPUFeatureToQEMU(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuCPUFeatureNames); i++) {
        if (g_str_equal(name, qemuCPUFeatureNames[i][0]))
            return qemuCPUFeatureNames[i][1];
    }
    return name;
}


/* libvirt's spelling of QEMU's feature @name (CPU XML we write). */
const char *
qemuCPUFeatureFromQEMU(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuCPUFeatureNames); i++) {
        if (g_str_equal(name, qemuCPUFeatureNames[i][1]))
            return qemuCPUFeatureNames[i][0];
    }
    return name;
}


char *
qemuCPUFeatureName(const char *name)
{
    char *ret = g_ascii_strdown(qemuCPUFeatureToQEMU(name), -1);

    g_strdelimit(ret, "._", '-');
    return ret;
}


static void
qemuCPUReplyFree(gpointer reply)
{
    json_object_put(reply);
}


/**
 * qemuCPUParseReplies:
 * Reads @output, a QMP transcript with one message a line, once: returns
 * a table of the "return" of each reply by its string "id" (the first
 * reply of an id wins).  Lines that are not such a reply are skipped.
 * Looking every id up in one table keeps a transcript of a hundred model
 * expansions linear: parsing it again per id cost seconds, and a minute
 * under AddressSanitizer.
 */
GHashTable *
qemuCPUParseReplies(const char *output)
{
    g_auto(GStrv) lines = g_strsplit(output ? output : "", "\n", -1);
    GHashTable *replies = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                qemuCPUReplyFree);
    size_t i;

    for (i = 0; lines[i]; i++) {
        g_autoptr(json_object) msg = json_tokener_parse(lines[i]);
        json_object *v = NULL;
        json_object *ret = NULL;

        if (msg && json_object_object_get_ex(msg, "id", &v) &&
            json_object_is_type(v, json_type_string) &&
            json_object_object_get_ex(msg, "return", &ret) &&
            !g_hash_table_contains(replies, json_object_get_string(v)))
            g_hash_table_insert(replies, g_strdup(json_object_get_string(v)),
                                json_object_get(ret));
    }
    return replies;
}


static qemuCapsCPUModel *
qemuCPUModelFromJSON(json_object *def)
{
    qemuCapsCPUModel *model;
    json_object *v = NULL;
    GPtrArray *blockers = g_ptr_array_new();
    size_t i;

    if (!json_object_object_get_ex(def, "name", &v) ||
        !json_object_is_type(v, json_type_string)) {
        g_ptr_array_free(blockers, TRUE);
        return NULL;
    }
    model = g_new0(qemuCapsCPUModel, 1);
    model->name = g_strdup(json_object_get_string(v));
    if (json_object_object_get_ex(def, "deprecated", &v))
        model->deprecated = json_object_get_boolean(v);
    if (json_object_object_get_ex(def, "unavailable-features", &v) &&
        json_object_is_type(v, json_type_array)) {
        for (i = 0; i < json_object_array_length(v); i++)
            g_ptr_array_add(blockers, g_strdup(json_object_get_string(
                json_object_array_get_idx(v, i))));
    }
    model->usable = blockers->len == 0;
    g_ptr_array_add(blockers, NULL);
    model->blockers = (GStrv)g_ptr_array_free(blockers, FALSE);
    return model;
}


void
qemuCPUParseModels(const char *output, qemuCaps *caps)
{
    g_autoptr(GHashTable) replies = qemuCPUParseReplies(output);
    json_object *defs = g_hash_table_lookup(replies, "cpu-defs");
    json_object *max = g_hash_table_lookup(replies, "cpu-max");
    json_object *model = NULL;
    json_object *props = NULL;
    struct json_object_iterator it;
    struct json_object_iterator end;
    size_t i;

    caps->cpuModels = g_ptr_array_new_with_free_func((GDestroyNotify)qemuCapsCPUModelFree);
    for (i = 0; defs && json_object_is_type(defs, json_type_array) &&
                i < json_object_array_length(defs); i++) {
        qemuCapsCPUModel *m = qemuCPUModelFromJSON(json_object_array_get_idx(defs, i));

        if (m)
            g_ptr_array_add(caps->cpuModels, m);
    }
    if (!max || !json_object_object_get_ex(max, "model", &model) ||
        !json_object_object_get_ex(model, "props", &props))
        return;
    caps->cpuMaxFeatures = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                 g_free, NULL);
    it = json_object_iter_begin(props);
    end = json_object_iter_end(props);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        json_object *val = json_object_iter_peek_value(&it);

        if (json_object_is_type(val, json_type_boolean) &&
            json_object_get_boolean(val))
            g_hash_table_add(caps->cpuMaxFeatures,
                             qemuCPUFeatureName(json_object_iter_peek_name(&it)));
    }
}


const qemuCapsCPUModel *
qemuCPUFindModel(const qemuCaps *caps, const char *name)
{
    size_t i;

    for (i = 0; caps->cpuModels && i < caps->cpuModels->len; i++) {
        const qemuCapsCPUModel *m = g_ptr_array_index(caps->cpuModels, i);

        if (g_str_equal(m->name, name))
            return m;
    }
    return NULL;
}


/* Adds to @missing the features @cpu requires that "max" lacks. */
static void
qemuCPUMissingFeatures(const qemuCaps *caps, xmlXPathContext *ctxt,
                       GPtrArray *missing)
{
    g_autofree xmlNode **nodes = NULL;
    int n = virXPathNodeSet("./feature", ctxt, &nodes);
    int i;

    for (i = 0; i < n; i++) {
        g_autofree char *name = virXMLPropString(nodes[i], "name");
        g_autofree char *policy = virXMLPropString(nodes[i], "policy");
        g_autofree char *norm = NULL;

        if (!name || (policy && !g_str_equal(policy, "require") &&
                      !g_str_equal(policy, "force")))
            continue;
        norm = qemuCPUFeatureName(name);
        if (caps->cpuMaxFeatures &&
            !g_hash_table_contains(caps->cpuMaxFeatures, norm))
            g_ptr_array_add(missing, g_steal_pointer(&name));
    }
}


/* The verdict on a parsed <cpu>: @missing gets what QEMU lacks. */
static int
qemuCPUCompareParsed(const qemuCaps *caps, const char *hostModel,
                     xmlXPathContext *ctxt, GPtrArray *missing)
{
    g_autofree char *mode = virXPathString("string(./@mode)", ctxt);
    g_autofree char *model = virXPathString("string(./model)", ctxt);
    const qemuCapsCPUModel *m;
    size_t i;

    if (mode && *mode && !g_str_equal(mode, "custom"))
        return VIR_CPU_COMPARE_SUPERSET;   /* host-passthrough, maximum... */
    if (model && *model) {
        if (hostModel && g_str_equal(model, hostModel))
            return VIR_CPU_COMPARE_IDENTICAL;
        if (!(m = qemuCPUFindModel(caps, model))) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("Unknown CPU model %1$s"), model);
            return VIR_CPU_COMPARE_ERROR;
        }
        for (i = 0; m->blockers[i]; i++)
            g_ptr_array_add(missing, g_strdup(m->blockers[i]));
    }
    qemuCPUMissingFeatures(caps, ctxt, missing);
    return missing->len ? VIR_CPU_COMPARE_INCOMPATIBLE : VIR_CPU_COMPARE_SUPERSET;
}


/**
 * qemuCPUCompareXML:
 * A <cpu> of any type (host, guest): its model must be one QEMU runs
 * here and every feature it requires one QEMU's "max" model has; modes
 * other than custom are always satisfied.
 */
int
qemuCPUCompareXML(const qemuCaps *caps, const char *hostModel,
                  const char *xml, bool failIncompatible)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *list = NULL;
    int rc;

    if (!(doc = virXMLParseStringCtxt(xml, _("(CPU_definition)"), "cpu", &ctxt)))
        return VIR_CPU_COMPARE_ERROR;
    rc = qemuCPUCompareParsed(caps, hostModel, ctxt, missing);
    if (rc != VIR_CPU_COMPARE_INCOMPATIBLE || !failIncompatible)
        return rc;
    g_ptr_array_add(missing, NULL);
    list = g_strjoinv(", ", (char **)missing->pdata);
    virReportError(VIR_ERR_CPU_INCOMPATIBLE,
                   _("Host CPU does not provide required features: %1$s"), list);
    return VIR_CPU_COMPARE_ERROR;
}
