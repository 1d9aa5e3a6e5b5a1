/*
 * qemu_cpu_baseline.c: the baseline of several CPU definitions (virsh
 * cpu-baseline, hypervisor-cpu-baseline)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_cpu_baseline.h.  Feature names: the CPU XML uses libvirt's
 * spelling, QEMU its own; they differ for a handful of features
 * (qemu_cpu.c), mostly in '.', '_' and '-', which qemuCPUFeatureName
 * folds.  Output uses libvirt's spelling, so the
 * result is a <cpu> libvirt itself accepts.
 */
#include <config.h>

#include "qemu_cpu_baseline.h"
#include "qemu_cpu.h"
#include "qemu_monitor.h"
#include "virbuffer.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_CPU

VIR_LOG_INIT("qemu.cpu_baseline");

/* Features libvirt knows and QEMU does not (cache monitoring): a host
 * CPU may list them, no guest model can have them; they are dropped. */
static const char *const qemuCPUFeaturesHostOnly[] = {
    "cmt",
    "mbm_total",
    "mbm_local",
};

/* Features a migratable baseline leaves out (libvirt's cpu_map marks
 * them migratable='no'). */
static const char *const qemuCPUFeaturesUnmigratable[] = {
    "invtsc",
    "xsaves",
};

/* CPUID vendor strings and libvirt's names for them. */
static const char *const qemuCPUVendors[][2] = {
    { "GenuineIntel", "Intel" },
    { "AuthenticAMD", "AMD" },
    { "HygonGenuine", "Hygon" },
    { "  Shanghai  ", "Zhaoxin" },
};

typedef struct {
    char *name;
    char *vendor;         /* libvirt's vendor name, or NULL */
    bool usable;          /* runs under this QEMU (query-cpu-definitions) */
    GHashTable *features; /* QEMU's names of the features it has */
} qemuCPUModelData;

struct _qemuCPUModelMap {
    GPtrArray *models;       /* qemuCPUModelData, in QEMU's order */
    GHashTable *names;       /* folded name -> QEMU's name, every feature */
    GHashTable *maxFeatures; /* QEMU's names of what "max" has */
};


static void
qemuCPUModelDataFree(qemuCPUModelData *model)
{
    g_free(model->name);
    g_free(model->vendor);
    if (model->features)
        g_hash_table_unref(model->features);
    g_free(model);
}


void
qemuCPUModelMapFree(qemuCPUModelMap *map)
{
    if (!map)
        return;
    g_ptr_array_unref(map->models);
    g_hash_table_unref(map->names);
    g_hash_table_unref(map->maxFeatures);
    g_free(map);
}


/* Models worth expanding: the named ones, not their "-vN" versions nor
 * the special "max", "host" and "base". */
static bool
qemuCPUBaselineWantModel(const char *name)
{
    const char *v = strrchr(name, '-');

    if (g_str_equal(name, "max") || g_str_equal(name, "host") ||
        g_str_equal(name, "base"))
        return false;
    return !(v && v[1] == 'v' && v[2] &&
             strspn(v + 2, "0123456789") == strlen(v + 2));
}


/**
 * qemuCPUModelMapProbeInput:
 * The QMP commands that expand every model of @caps and "max" (replies
 * tagged "exp-<index in cpuModels>" and "exp-max").  Caller owns it.
 */
char *
qemuCPUModelMapProbeInput(const qemuCaps *caps)
{
    g_autoptr(GString)
        in = g_string_new("{\"execute\":\"qmp_capabilities\"}\n");
    const char *
        fmt = "{\"execute\":\"query-cpu-model-expansion\",\"id\":\"exp-%s\","
              "\"arguments\":{\"type\":\"static\",\"model\":{\"name\":\"%s\"}}}\n";
    size_t i;

    for (i = 0; caps->cpuModels && i < caps->cpuModels->len; i++) {
        const qemuCapsCPUModel *m = g_ptr_array_index(caps->cpuModels, i);
        g_autofree char *id = g_strdup_printf("%zu", i);

        if (qemuCPUBaselineWantModel(m->name) && !strpbrk(m->name, "\"\\"))
            g_string_append_printf(in, fmt, id, m->name);
    }
    g_string_append_printf(in, fmt, "max", "max");
    g_string_append(in, "{\"execute\":\"quit\"}\n");
    return g_string_free(g_steal_pointer(&in), FALSE);
}


/* libvirt's vendor name of the CPUID vendor string @str, or NULL. */
static const char *
qemuCPUVendorFromCPUID(const char *str)
{
    size_t i;

    for (i = 0; str && i < G_N_ELEMENTS(qemuCPUVendors); i++) {
        if (g_str_equal(str, qemuCPUVendors[i][0]))
            return qemuCPUVendors[i][1];
    }
    return NULL;
}


/* The features (true booleans) and vendor of the static expansion @ret;
 * every feature name goes into @map->names. */
static GHashTable *
qemuCPUModelMapExpansion(qemuCPUModelMap *map, json_object *ret, char **vendor)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
    json_object *model = NULL;
    json_object *props = NULL;
    struct json_object_iterator it;
    struct json_object_iterator end;

    if (!json_object_object_get_ex(ret, "model", &model) ||
        !json_object_object_get_ex(model, "props", &props))
        return set;
    it = json_object_iter_begin(props);
    end = json_object_iter_end(props);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *name = json_object_iter_peek_name(&it);
        json_object *val = json_object_iter_peek_value(&it);

        if (g_str_equal(name, "vendor") &&
            json_object_is_type(val, json_type_string)) {
            g_free(*vendor);
            *vendor = g_strdup(
                qemuCPUVendorFromCPUID(json_object_get_string(val)));
        }
        if (!json_object_is_type(val, json_type_boolean))
            continue;
        if (!g_hash_table_contains(map->names, name))
            g_hash_table_insert(map->names, qemuCPUFeatureName(name),
                                g_strdup(name));
        if (json_object_get_boolean(val))
            g_hash_table_add(set, g_strdup(name));
    }
    return set;
}


/**
 * qemuCPUModelMapParse:
 * Builds the model map from @output, QEMU's answers to
 * qemuCPUModelMapProbeInput(@caps).  Models QEMU did not expand are left
 * out.  Returns the map (caller frees it) or NULL with
 * VIR_ERR_INTERNAL_ERROR reported when "max" was not expanded.
 */
qemuCPUModelMap *
qemuCPUModelMapParse(const char *output, const qemuCaps *caps)
{
    g_autoptr(qemuCPUModelMap) map = g_new0(qemuCPUModelMap, 1);
    g_autoptr(GHashTable) replies = qemuCPUParseReplies(output);
    json_object *max = g_hash_table_lookup(replies, "exp-max");
    g_autofree char *maxVendor = NULL;
    size_t i;

    map->models = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qemuCPUModelDataFree);
    map->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (!max) {
        map->maxFeatures = g_hash_table_new(g_str_hash, g_str_equal);
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU '%1$s' did not expand its CPU models"),
                       caps->binary);
        return NULL;
    }
    map->maxFeatures = qemuCPUModelMapExpansion(map, max, &maxVendor);
    for (i = 0; caps->cpuModels && i < caps->cpuModels->len; i++) {
        const qemuCapsCPUModel *m = g_ptr_array_index(caps->cpuModels, i);
        g_autofree char *id = g_strdup_printf("exp-%zu", i);
        json_object *ret = g_hash_table_lookup(replies, id);
        qemuCPUModelData *data;

        if (!ret)
            continue;
        data = g_new0(qemuCPUModelData, 1);
        data->name = g_strdup(m->name);
        data->usable = m->usable;
        data->features = qemuCPUModelMapExpansion(map, ret, &data->vendor);
        g_ptr_array_add(map->models, data);
    }
    return g_steal_pointer(&map);
}


static const qemuCPUModelData *
qemuCPUModelMapFind(const qemuCPUModelMap *map, const char *name)
{
    size_t i;

    for (i = 0; i < map->models->len; i++) {
        const qemuCPUModelData *m = g_ptr_array_index(map->models, i);

        if (g_str_equal(m->name, name))
            return m;
    }
    return NULL;
}


/* ---- feature names ---- */

static bool
qemuCPUNameIn(const char *name, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (g_str_equal(name, list[i]))
            return true;
    }
    return false;
}


/* QEMU's name of the feature libvirt calls @name, or NULL if unknown. */
static const char *
qemuCPUBaselineFeatureLookup(const qemuCPUModelMap *map, const char *name)
{
    g_autofree char *folded = qemuCPUFeatureName(name);

    return g_hash_table_lookup(map->names, folded);
}


/* ---- the CPUs to baseline ---- */

typedef struct {
    char *model;
    char *vendor;
    GHashTable *features; /* QEMU's names */
} qemuCPUBaselineInput;

static void
qemuCPUBaselineInputClear(qemuCPUBaselineInput *in)
{
    g_free(in->model);
    g_free(in->vendor);
    if (in->features)
        g_hash_table_unref(in->features);
}


/* Applies the <feature> @node to @in->features. */
static int
qemuCPUBaselineInputFeature(const qemuCPUModelMap *map, xmlNode *node,
                            qemuCPUBaselineInput *in)
{
    g_autofree char *name = virXMLPropString(node, "name");
    g_autofree char *policy = virXMLPropString(node, "policy");
    const char *qname;

    if (!name || !*name) {
        virReportError(VIR_ERR_XML_ERROR, "%s", _("Invalid CPU feature name"));
        return -1;
    }
    if (policy && !g_str_equal(policy, "require") &&
        !g_str_equal(policy, "force") && !g_str_equal(policy, "optional") &&
        !g_str_equal(policy, "disable") && !g_str_equal(policy, "forbid")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid CPU feature policy '%1$s'"), policy);
        return -1;
    }
    if (!(qname = qemuCPUBaselineFeatureLookup(map, name))) {
        if (qemuCPUNameIn(name, qemuCPUFeaturesHostOnly,
                          G_N_ELEMENTS(qemuCPUFeaturesHostOnly)))
            return 0;
        virReportError(VIR_ERR_INTERNAL_ERROR, _("Unknown CPU feature %1$s"),
                       name);
        return -1;
    }
    if (policy &&
        (g_str_equal(policy, "disable") || g_str_equal(policy, "forbid")))
        g_hash_table_remove(in->features, qname);
    else
        g_hash_table_add(in->features, g_strdup(qname));
    return 0;
}


/* Checks the <cpu> of @ctxt's arch, model and vendor into @in; returns
 * the model's data, or NULL (reported). */
static const qemuCPUModelData *
qemuCPUBaselineInputModel(const qemuCPUModelMap *map, xmlXPathContext *ctxt,
                          size_t idx, qemuCPUBaselineInput *in)
{
    g_autofree char *arch = virXPathString("string(./arch)", ctxt);
    const qemuCPUModelData *m;

    if (arch && *arch && !g_str_equal(arch, "x86_64") &&
        !g_str_equal(arch, "i686")) {
        virReportError(VIR_ERR_NO_SUPPORT,
                       _("cannot compute baseline CPU of %1$s architecture"),
                       arch);
        return NULL;
    }
    in->model = virXPathString("string(./model)", ctxt);
    in->vendor = virXPathString("string(./vendor)", ctxt);
    if (!in->model || !*in->model) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("no CPU model specified at index %1$zu"), idx);
        return NULL;
    }
    if (in->vendor && !*in->vendor)
        g_clear_pointer(&in->vendor, g_free);
    if (in->vendor && !qemuCPUVendorFromCPUID(in->vendor) &&
        !qemuCPUNameIn(in->vendor,
                       (const char *const[]){ "Intel", "AMD", "Hygon",
                                              "Zhaoxin" },
                       4)) {
        virReportError(VIR_ERR_OPERATION_FAILED, _("Unknown CPU vendor %1$s"),
                       in->vendor);
        return NULL;
    }
    if (!(m = qemuCPUModelMapFind(map, in->model))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("Unknown CPU model %1$s"),
                       in->model);
        return NULL;
    }
    if (in->vendor && qemuCPUVendorFromCPUID(in->vendor)) {
        g_autofree char *cpuid = g_steal_pointer(&in->vendor);

        in->vendor = g_strdup(qemuCPUVendorFromCPUID(cpuid));
    }
    if (in->vendor && m->vendor && !g_str_equal(in->vendor, m->vendor)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("CPU vendor %1$s of model %2$s differs from vendor %3$s"),
                       m->vendor, m->name, in->vendor);
        return NULL;
    }
    in->features = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return m;
}


/* Parses the @idx-th CPU @xml into @in: its model's features, then its
 * own <feature>s.  Returns 0 or -1 (reported). */
static int
qemuCPUBaselineInputParse(const qemuCPUModelMap *map, const char *xml,
                          size_t idx, qemuCPUBaselineInput *in)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree xmlNode **nodes = NULL;
    const qemuCPUModelData *m;
    GHashTableIter it;
    gpointer key;
    int n;
    int i;

    if (!(doc = virXMLParseStringCtxt(xml, _("(CPU_definition)"), "cpu",
                                      &ctxt)) ||
        !(m = qemuCPUBaselineInputModel(map, ctxt, idx, in)))
        return -1;
    g_hash_table_iter_init(&it, m->features);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_hash_table_add(in->features, g_strdup(key));
    if ((n = virXPathNodeSet("./feature", ctxt, &nodes)) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (qemuCPUBaselineInputFeature(map, nodes[i], in) < 0)
            return -1;
    }
    return 0;
}


/* ---- the baseline ---- */

/* Keeps in @data only what @other has too. */
static void
qemuCPUBaselineIntersect(GHashTable *data, GHashTable *other)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, data);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_hash_table_contains(other, key))
            g_hash_table_iter_remove(&it);
    }
}


static bool
qemuCPUBaselineSubset(GHashTable *sub, GHashTable *set)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, sub);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_hash_table_contains(set, key))
            return false;
    }
    return true;
}


/* The common vendor of @in: *@vendor, NULL if some CPU names none
 * (libvirt then prints none).  Returns 0 or -1 (reported). */
static int
qemuCPUBaselineVendor(const qemuCPUBaselineInput *in, unsigned int n,
                      const char **vendor)
{
    const char *seen = NULL;
    bool all = true;
    unsigned int i;

    for (i = 0; i < n; i++) {
        if (!in[i].vendor) {
            all = false;
        } else if (!seen) {
            seen = in[i].vendor;
        } else if (!g_str_equal(in[i].vendor, seen)) {
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("CPU vendors do not match"));
            return -1;
        }
    }
    *vendor = all ? seen : NULL;
    return 0;
}


/* The richest model whose features all lie in @data: with @vendor, one
 * of that vendor; with @hypervisor, one this QEMU runs.  Among equals,
 * a model some input names.  NULL (reported) if none fits. */
static const qemuCPUModelData *
qemuCPUBaselineModel(const qemuCPUModelMap *map, GHashTable *data,
                     const char *vendor, bool hypervisor,
                     const qemuCPUBaselineInput *in, unsigned int n)
{
    const qemuCPUModelData *best = NULL;
    size_t i;
    unsigned int j;

    for (i = 0; i < map->models->len; i++) {
        const qemuCPUModelData *m = g_ptr_array_index(map->models, i);
        bool named = false;

        if ((hypervisor && !m->usable) ||
            (vendor && m->vendor && !g_str_equal(vendor, m->vendor)) ||
            !qemuCPUBaselineSubset(m->features, data))
            continue;
        for (j = 0; j < n; j++)
            named |= g_str_equal(in[j].model, m->name);
        if (!best ||
            g_hash_table_size(m->features) >
                g_hash_table_size(best->features) ||
            (named && g_hash_table_size(m->features) ==
                          g_hash_table_size(best->features)))
            best = m;
    }
    if (!best)
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("Cannot find suitable CPU model for given data"));
    return best;
}


static int
qemuCPUBaselineCompareNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}


/* The <cpu> of the result: @model, @vendor and the features of @data
 * (all of them with @expand, else those @model lacks), sorted. */
static char *
qemuCPUBaselineFormat(const qemuCPUModelData *model, const char *vendor,
                      GHashTable *data, bool expand, bool forbid)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    size_t i;

    g_hash_table_iter_init(&it, data);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (expand || !g_hash_table_contains(model->features, key))
            g_ptr_array_add(names, (gpointer)qemuCPUFeatureFromQEMU(key));
    }
    g_ptr_array_sort(names, qemuCPUBaselineCompareNames);
    virBufferAddLit(&buf, "<cpu mode='custom' match='exact'>\n");
    virBufferAsprintf(&buf, "  <model fallback='%s'>",
                      forbid ? "forbid" : "allow");
    virBufferEscapeString(&buf, "%s</model>\n", model->name);
    if (vendor)
        virBufferEscapeString(&buf, "  <vendor>%s</vendor>\n", vendor);
    for (i = 0; i < names->len; i++)
        virBufferEscapeString(&buf, "  <feature policy='require' name='%s'/>\n",
                              g_ptr_array_index(names, i));
    virBufferAddLit(&buf, "</cpu>\n");
    return virBufferContentAndReset(&buf);
}


/* What the result keeps of the inputs' common features: with
 * @hypervisor only what QEMU's "max" has, with @migratable none of the
 * features migration cannot carry.  NULL (reported) if nothing is left. */
static GHashTable *
qemuCPUBaselineData(const qemuCPUModelMap *map, qemuCPUBaselineInput *in,
                    unsigned int n, bool hypervisor, bool migratable)
{
    g_autoptr(GHashTable) data = g_hash_table_ref(in[0].features);
    unsigned int i;

    for (i = 1; i < n; i++)
        qemuCPUBaselineIntersect(data, in[i].features);
    if (hypervisor)
        qemuCPUBaselineIntersect(data, map->maxFeatures);
    for (i = 0; migratable && i < G_N_ELEMENTS(qemuCPUFeaturesUnmigratable);
         i++)
        g_hash_table_remove(data, qemuCPUFeaturesUnmigratable[i]);
    if (g_hash_table_size(data) == 0) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("CPUs are incompatible"));
        return NULL;
    }
    return g_steal_pointer(&data);
}


/**
 * qemuCPUBaselineCompute:
 * The baseline of the @ncpus <cpu> XMLs @xmlCPUs on @map, as a guest
 * <cpu> (caller owns it).  @flags: VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES
 * (list every feature, the model's too), _MIGRATABLE (leave out what
 * migration cannot carry).  @hypervisor: hypervisor-cpu-baseline (only
 * models and features this QEMU runs; fallback 'forbid').  Errors are
 * libvirt's: no CPUs, unknown model, feature or vendor, vendors that
 * differ, nothing in common.  Returns NULL (reported) on error.
 */
char *
qemuCPUBaselineCompute(const qemuCPUModelMap *map, const char **xmlCPUs,
                       unsigned int ncpus, unsigned int flags, bool hypervisor)
{
    g_autofree qemuCPUBaselineInput *in = NULL;
    g_autoptr(GHashTable) data = NULL;
    const qemuCPUModelData *model = NULL;
    const char *vendor = NULL;
    char *ret = NULL;
    bool oneModel = true;
    unsigned int i;

    if (ncpus == 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("no CPUs given"));
        return NULL;
    }
    in = g_new0(qemuCPUBaselineInput, ncpus);
    for (i = 0; i < ncpus; i++) {
        if (qemuCPUBaselineInputParse(map, xmlCPUs[i], i, &in[i]) < 0)
            goto cleanup;
        oneModel &= g_str_equal(in[i].model, in[0].model);
    }
    if (qemuCPUBaselineVendor(in, ncpus, &vendor) == 0 &&
        (data = qemuCPUBaselineData(map, in, ncpus, hypervisor,
                                    flags &
                                        VIR_CONNECT_BASELINE_CPU_MIGRATABLE)) &&
        (model = qemuCPUBaselineModel(map, data, vendor, hypervisor, in,
                                      ncpus)))
        /* libvirt forbids the fallback when the one model named is kept */
        ret = qemuCPUBaselineFormat(model, vendor, data,
                                    flags &
                                        VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES,
                                    hypervisor ||
                                        (oneModel && g_str_equal(model->name,
                                                                 in[0].model)));

cleanup:
    for (i = 0; i < ncpus; i++)
        qemuCPUBaselineInputClear(&in[i]);
    return ret;
}


/* ---- the host CPU ---- */

/* Linux's names (/proc/cpuinfo flags) that neither fold nor lose their
 * '_' into QEMU's. */
static const char *const qemuCPUHostFlagAliases[][2] = {
    { "tsc_deadline_timer", "tsc-deadline" },
};


/* QEMU's name of the Linux CPU flag @flag, or NULL for the flags Linux
 * makes up (constant_tsc, rep_good...) or QEMU does not know. */
static const char *
qemuCPUHostFlagLookup(const qemuCPUModelMap *map, const char *flag)
{
    g_autoptr(GString) joined = g_string_new(NULL);
    const char *qname;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuCPUHostFlagAliases); i++) {
        if (g_str_equal(flag, qemuCPUHostFlagAliases[i][0]))
            flag = qemuCPUHostFlagAliases[i][1];
    }
    if ((qname = qemuCPUBaselineFeatureLookup(map, flag)))
        return qname;
    /* "avx512_vnni" is QEMU's "avx512vnni", "cr8_legacy" its "cr8legacy" */
    for (i = 0; flag[i]; i++) {
        if (flag[i] != '_')
            g_string_append_c(joined, flag[i]);
    }
    return qemuCPUBaselineFeatureLookup(map, joined->str);
}


/**
 * qemuCPUHostModelCompute:
 * The model libvirt's capabilities give a host CPU of vendor @vendor
 * (libvirt's name or the CPUID string; NULL: any) and Linux flags @flags
 * (space separated), on @map: the richest model of that vendor whose
 * features the host has.  *@retFeatures gets the host's features the
 * model lacks (libvirt's names, sorted).  Returns the model's name
 * (caller owns it) or NULL (reported) if no model fits.
 */
char *
qemuCPUHostModelCompute(const qemuCPUModelMap *map, const char *vendor,
                        const char *flags, GPtrArray **retFeatures)
{
    g_autoptr(GHashTable)
        data = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) words = g_strsplit(flags ? flags : "", " ", -1);
    const qemuCPUModelData *model;
    GHashTableIter it;
    gpointer key;
    size_t i;

    if (vendor && qemuCPUVendorFromCPUID(vendor))
        vendor = qemuCPUVendorFromCPUID(vendor);
    for (i = 0; words[i]; i++) {
        const char *qname = *words[i] ? qemuCPUHostFlagLookup(map, words[i])
                                      : NULL;

        if (qname)
            g_hash_table_add(data, g_strdup(qname));
    }
    if (!(model = qemuCPUBaselineModel(map, data, vendor, false, NULL, 0)))
        return NULL;
    g_hash_table_iter_init(&it, data);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_hash_table_contains(model->features, key))
            g_ptr_array_add(extra, g_strdup(qemuCPUFeatureFromQEMU(key)));
    }
    g_ptr_array_sort(extra, qemuCPUBaselineCompareNames);
    *retFeatures = g_steal_pointer(&extra);
    return g_strdup(model->name);
}


/* ---- the cached map ---- */

static GMutex qemuCPUModelMapLock;
static qemuCPUModelMap *qemuCPUModelMapCached; /* of the binary below */
static char *qemuCPUModelMapBinary;
static gint64 qemuCPUModelMapCtime;


/* The map of @caps's binary, probed if needed; qemuCPUModelMapLock held. */
static const qemuCPUModelMap *
qemuCPUModelMapGet(const qemuCaps *caps)
{
    g_autofree char *input = NULL;
    g_autofree char *output = NULL;
    qemuCPUModelMap *map;

    if (qemuCPUModelMapCached &&
        g_str_equal(qemuCPUModelMapBinary, caps->binary) &&
        qemuCPUModelMapCtime == caps->ctime)
        return qemuCPUModelMapCached;
    if (!caps->cpuModels || caps->cpuModels->len == 0) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("QEMU '%1$s' does not support any CPU models"),
                       caps->binary);
        return NULL;
    }
    input = qemuCPUModelMapProbeInput(caps);
    if (!(output = qemuCapsRunQMP(caps->binary, input)) ||
        !(map = qemuCPUModelMapParse(output, caps)))
        return NULL;
    VIR_INFO("expanded %u CPU models of %s", map->models->len, caps->binary);
    qemuCPUModelMapFree(qemuCPUModelMapCached);
    g_free(qemuCPUModelMapBinary);
    qemuCPUModelMapCached = map;
    qemuCPUModelMapBinary = g_strdup(caps->binary);
    qemuCPUModelMapCtime = caps->ctime;
    return map;
}


/**
 * qemuCPUBaseline:
 * qemuCPUBaselineCompute on the model map of @caps's QEMU, which the
 * first call builds (one short QEMU run, ~100 ms) and later calls reuse
 * while the binary is unchanged.  Serialized: the map is shared.
 */
char *
qemuCPUBaseline(const qemuCaps *caps, const char **xmlCPUs, unsigned int ncpus,
                unsigned int flags, bool hypervisor)
{
    const qemuCPUModelMap *map;
    g_autoptr(GMutexLocker)
        locker G_GNUC_UNUSED = g_mutex_locker_new(&qemuCPUModelMapLock);

    if (ncpus == 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("no CPUs given"));
        return NULL;
    }
    if (!(map = qemuCPUModelMapGet(caps)))
        return NULL;
    return qemuCPUBaselineCompute(map, xmlCPUs, ncpus, flags, hypervisor);
}


/**
 * qemuCPUHostModel:
 * qemuCPUHostModelCompute on the model map of @caps's QEMU (see
 * qemuCPUBaseline).  Returns the model (caller owns it) or NULL
 * (reported).
 */
char *
qemuCPUHostModel(const qemuCaps *caps, const char *vendor, const char *flags,
                 GPtrArray **retFeatures)
{
    const qemuCPUModelMap *map;
    g_autoptr(GMutexLocker)
        locker G_GNUC_UNUSED = g_mutex_locker_new(&qemuCPUModelMapLock);

    if (!(map = qemuCPUModelMapGet(caps)))
        return NULL;
    return qemuCPUHostModelCompute(map, vendor, flags, retFeatures);
}
