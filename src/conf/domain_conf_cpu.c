/*
 * domain_conf_cpu.c: the <cpu> of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Modes custom, host-model, host-passthrough and maximum; <model>,
 * <topology> and <feature> lists, with libvirt 9.0's QEMU driver defaults
 * (check per mode, the machine's default model when none is written).
 * Feature names are not checked against a CPU map (we carry none): QEMU
 * refuses an unknown one when the guest starts.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

static const char *const virDomainCPUModeTable[] = {
    [VIR_DOMAIN_CPU_MODE_NONE] = "none",
    [VIR_DOMAIN_CPU_MODE_CUSTOM] = "custom",
    [VIR_DOMAIN_CPU_MODE_HOST_MODEL] = "host-model",
    [VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH] = "host-passthrough",
    [VIR_DOMAIN_CPU_MODE_MAXIMUM] = "maximum",
};
VIR_ENUM_IMPL_TABLE(virDomainCPUMode, virDomainCPUModeTable,
                    VIR_DOMAIN_CPU_MODE_LAST);

static const char *const virDomainCPUMatchTable[] = {
    [VIR_DOMAIN_CPU_MATCH_NONE] = "none",
    [VIR_DOMAIN_CPU_MATCH_MINIMUM] = "minimum",
    [VIR_DOMAIN_CPU_MATCH_EXACT] = "exact",
    [VIR_DOMAIN_CPU_MATCH_STRICT] = "strict",
};
VIR_ENUM_IMPL_TABLE(virDomainCPUMatch, virDomainCPUMatchTable,
                    VIR_DOMAIN_CPU_MATCH_LAST);

static const char *const virDomainCPUCheckTable[] = {
    [VIR_DOMAIN_CPU_CHECK_DEFAULT] = "default",
    [VIR_DOMAIN_CPU_CHECK_NONE] = "none",
    [VIR_DOMAIN_CPU_CHECK_PARTIAL] = "partial",
    [VIR_DOMAIN_CPU_CHECK_FULL] = "full",
};
VIR_ENUM_IMPL_TABLE(virDomainCPUCheck, virDomainCPUCheckTable,
                    VIR_DOMAIN_CPU_CHECK_LAST);

static const char *const virDomainCPUFallbackTable[] = {
    [VIR_DOMAIN_CPU_FALLBACK_NONE] = "none",
    [VIR_DOMAIN_CPU_FALLBACK_ALLOW] = "allow",
    [VIR_DOMAIN_CPU_FALLBACK_FORBID] = "forbid",
};
VIR_ENUM_IMPL_TABLE(virDomainCPUFallback, virDomainCPUFallbackTable,
                    VIR_DOMAIN_CPU_FALLBACK_LAST);

static const char *const virDomainCPUFeaturePolicyTable[] = {
    [VIR_DOMAIN_CPU_FEATURE_POLICY_NONE] = "none",
    [VIR_DOMAIN_CPU_FEATURE_POLICY_FORCE] = "force",
    [VIR_DOMAIN_CPU_FEATURE_POLICY_REQUIRE] = "require",
    [VIR_DOMAIN_CPU_FEATURE_POLICY_OPTIONAL] = "optional",
    [VIR_DOMAIN_CPU_FEATURE_POLICY_DISABLE] = "disable",
    [VIR_DOMAIN_CPU_FEATURE_POLICY_FORBID] = "forbid",
};
VIR_ENUM_IMPL_TABLE(virDomainCPUFeaturePolicy, virDomainCPUFeaturePolicyTable,
                    VIR_DOMAIN_CPU_FEATURE_POLICY_LAST);

const virXMLAllowed virDomainXMLAllowedCPU[] = {
    { "domain/cpu", "mode match check migratable", 0 },
    { "domain/cpu/model", "fallback", VIR_XML_ALLOW_TEXT },
    { "domain/cpu/topology", "sockets dies cores threads", 0 },
    { "domain/cpu/feature", "policy name", VIR_XML_ALLOW_REPEAT },
    { NULL, NULL, 0 },
};


static void
virDomainCPUFeatureDefFree(virDomainCPUFeatureDef *feature)
{
    g_free(feature->name);
    g_free(feature);
}


/* Frees a <cpu> definition; accepts NULL. */
void
virDomainCPUDefFree(virDomainCPUDef *def)
{
    if (!def)
        return;
    g_free(def->model);
    g_clear_pointer(&def->features, g_ptr_array_unref);
    g_free(def);
}


static int
virDomainCPUDefParseModel(virDomainCPUDef *cpu, xmlNode *node)
{
    xmlNode *model = virXMLNodeChild(node, "model");

    if (cpu->mode != VIR_DOMAIN_CPU_MODE_CUSTOM) {
        if (model) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("a CPU <model> is only supported with mode 'custom', not '%1$s'"),
                           virDomainCPUModeTypeToString(cpu->mode));
            return -1;
        }
        return 0;
    }
    /* without a model, the emulator's default one is filled in later */
    if (!model)
        return 0;
    if (!*(cpu->model = g_strstrip(virXMLNodeContent(model)))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("CPU mode 'custom' needs a <model>"));
        return -1;
    }
    cpu->fallback = VIR_DOMAIN_CPU_FALLBACK_ALLOW;
    return virDomainXMLPropEnum(model, "fallback", virDomainCPUFallback,
                                false, &cpu->fallback);
}


static int
virDomainCPUDefParseTopology(virDomainCPUDef *cpu, xmlNode *node)
{
    xmlNode *topology = virXMLNodeChild(node, "topology");
    const char *names[] = { "sockets", "dies", "cores", "threads" };
    unsigned int *vals[] = { &cpu->sockets, &cpu->dies, &cpu->cores,
                             &cpu->threads };
    size_t i;

    if (!topology)
        return 0;
    cpu->dies = 1;
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        /* dies may be left out */
        if (virDomainXMLPropUInt(topology, names[i], i != 1, vals[i]) < 0)
            return -1;
        if (*vals[i] == 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("invalid value '0' for attribute '%1$s' of element 'topology'"),
                           names[i]);
            return -1;
        }
    }
    return 0;
}


static int
virDomainCPUDefParseFeatures(virDomainCPUDef *cpu, xmlNode *node)
{
    xmlNode *cur;

    for (cur = node->children; cur; cur = cur->next) {
        g_autofree virDomainCPUFeatureDef *feature = NULL;
        size_t i;

        if (cur->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(cur->name, BAD_CAST "feature"))
            continue;
        if (!cpu->model && cpu->mode == VIR_DOMAIN_CPU_MODE_CUSTOM) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("Non-empty feature list specified without CPU model"));
            return -1;
        }
        feature = g_new0(virDomainCPUFeatureDef, 1);
        feature->policy = VIR_DOMAIN_CPU_FEATURE_POLICY_REQUIRE;
        if (virDomainXMLPropEnum(cur, "policy", virDomainCPUFeaturePolicy,
                                 false, &feature->policy) < 0)
            return -1;
        feature->name = virXMLPropString(cur, "name");
        if (!feature->name || !*feature->name ||
            strspn(feature->name, "abcdefghijklmnopqrstuvwxyz0123456789_.-") !=
            strlen(feature->name)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("Invalid CPU feature name '%1$s'"),
                           NULLSTR(feature->name));
            g_free(feature->name);
            return -1;
        }
        for (i = 0; i < cpu->features->len; i++) {
            virDomainCPUFeatureDef *other = g_ptr_array_index(cpu->features, i);

            if (STREQ(other->name, feature->name)) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("CPU feature '%1$s' specified more than once"),
                               feature->name);
                g_free(feature->name);
                return -1;
            }
        }
        g_ptr_array_add(cpu->features, g_steal_pointer(&feature));
    }
    return 0;
}


/**
 * virDomainCPUDefParse:
 * Parses <cpu> of <domain> @root into def->cpu (left NULL when absent).
 * Returns 0 or -1 (reported).
 */
int
virDomainCPUDefParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *node = virXMLNodeChild(root, "cpu");
    g_autoptr(virDomainCPUDef) cpu = NULL;

    if (!node)
        return 0;
    cpu = g_new0(virDomainCPUDef, 1);
    cpu->features = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCPUFeatureDefFree);
    cpu->mode = VIR_DOMAIN_CPU_MODE_CUSTOM;
    if (virDomainXMLPropEnum(node, "mode", virDomainCPUMode, false,
                             &cpu->mode) < 0 ||
        virDomainXMLPropEnum(node, "check", virDomainCPUCheck, false,
                             &cpu->check) < 0 ||
        virDomainXMLPropEnum(node, "migratable", virTristateSwitch, false,
                             &cpu->migratable) < 0)
        return -1;
    if (cpu->mode == VIR_DOMAIN_CPU_MODE_CUSTOM) {
        cpu->match = VIR_DOMAIN_CPU_MATCH_EXACT;
        if (virDomainXMLPropEnum(node, "match", virDomainCPUMatch, false,
                                 &cpu->match) < 0)
            return -1;
    }
    if (cpu->migratable &&
        cpu->mode != VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH &&
        cpu->mode != VIR_DOMAIN_CPU_MODE_MAXIMUM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("attribute 'migratable' of element 'cpu' is only supported with modes 'host-passthrough' and 'maximum'"));
        return -1;
    }
    if (virDomainCPUDefParseModel(cpu, node) < 0 ||
        virDomainCPUDefParseTopology(cpu, node) < 0 ||
        virDomainCPUDefParseFeatures(cpu, node) < 0)
        return -1;
    def->cpu = g_steal_pointer(&cpu);
    return 0;
}


/* As libvirt 9.0's QEMU driver: a definition without a CPU model gets the
 * one the emulator runs by default for its machine type (qemu64), as
 * <cpu mode='custom' match='exact' check='none'> with fallback forbid, so
 * that the guest CPU is written down and kept across migrations. */
static int
virDomainCPUDefSetDefault(virDomainDef *def,
                          const virDomainDefParserConfig *config)
{
    g_autofree char *model = NULL;

    if (def->cpu && (def->cpu->mode != VIR_DOMAIN_CPU_MODE_CUSTOM ||
                     def->cpu->model))
        return 0;
    if (config && config->defaultCPU)
        model = config->defaultCPU(def->os.arch, def->virtType,
                                   def->os.machine, config->opaque);
    if (!model) {
        if (!def->cpu)
            return 0;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("CPU mode 'custom' needs a <model>"));
        return -1;
    }
    if (!def->cpu) {
        def->cpu = g_new0(virDomainCPUDef, 1);
        def->cpu->features = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCPUFeatureDefFree);
    }
    def->cpu->mode = VIR_DOMAIN_CPU_MODE_CUSTOM;
    def->cpu->match = VIR_DOMAIN_CPU_MATCH_EXACT;
    def->cpu->check = VIR_DOMAIN_CPU_CHECK_NONE;
    def->cpu->fallback = VIR_DOMAIN_CPU_FALLBACK_FORBID;
    def->cpu->model = g_steal_pointer(&model);
    return 0;
}


/**
 * virDomainCPUDefPostParse:
 * The default model (see above), then the QEMU driver's defaults for x86:
 * migratable='on' for host-passthrough, and check per mode (none for
 * host-passthrough and maximum, partial for host-model, for custom none
 * under TCG and partial under KVM).  Returns 0 or -1 (reported).
 */
int
virDomainCPUDefPostParse(virDomainDef *def,
                         const virDomainDefParserConfig *config)
{
    virDomainCPUDef *cpu;

    if (virDomainCPUDefSetDefault(def, config) < 0)
        return -1;
    if (!(cpu = def->cpu))
        return 0;
    if (cpu->mode == VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH && !cpu->migratable)
        cpu->migratable = VIR_TRISTATE_SWITCH_ON;
    if (cpu->check != VIR_DOMAIN_CPU_CHECK_DEFAULT)
        return 0;
    switch (cpu->mode) {
    case VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
    case VIR_DOMAIN_CPU_MODE_MAXIMUM:
        cpu->check = VIR_DOMAIN_CPU_CHECK_NONE;
        break;
    case VIR_DOMAIN_CPU_MODE_HOST_MODEL:
        cpu->check = VIR_DOMAIN_CPU_CHECK_PARTIAL;
        break;
    case VIR_DOMAIN_CPU_MODE_CUSTOM:
        cpu->check = def->virtType == VIR_DOMAIN_VIRT_QEMU
                         ? VIR_DOMAIN_CPU_CHECK_NONE
                         : VIR_DOMAIN_CPU_CHECK_PARTIAL;
        break;
    case VIR_DOMAIN_CPU_MODE_NONE:
    case VIR_DOMAIN_CPU_MODE_LAST:
    default:
        break;
    }
    return 0;
}


/**
 * virDomainCPUDefValidate:
 * The topology must give the maximum vCPU count, as libvirt's QEMU driver
 * requires.  Returns 0 or -1 (reported).
 */
int
virDomainCPUDefValidate(const virDomainDef *def)
{
    const virDomainCPUDef *cpu = def->cpu;
    unsigned long long n;

    if (!cpu || !cpu->sockets)
        return 0;
    n = (unsigned long long)cpu->sockets * cpu->dies * cpu->cores *
        cpu->threads;
    if (n != def->maxvcpus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("CPU topology doesn't match maximum vcpu count"));
        return -1;
    }
    return 0;
}


/**
 * virDomainCPUDefFormat:
 * Appends <cpu> as libvirt formats it: attributes, then <model>,
 * <topology> and the <feature> list.
 */
void
virDomainCPUDefFormat(virBuffer *buf, const virDomainCPUDef *cpu)
{
    size_t i;

    if (!cpu)
        return;
    virBufferAsprintf(buf, "<cpu mode='%s'",
                      virDomainCPUModeTypeToString(cpu->mode));
    if (cpu->mode == VIR_DOMAIN_CPU_MODE_CUSTOM)
        virBufferAsprintf(buf, " match='%s'",
                          virDomainCPUMatchTypeToString(cpu->match));
    if (cpu->check)
        virBufferAsprintf(buf, " check='%s'",
                          virDomainCPUCheckTypeToString(cpu->check));
    if (cpu->migratable)
        virBufferAsprintf(buf, " migratable='%s'",
                          virTristateSwitchTypeToString(cpu->migratable));
    if (!cpu->model && !cpu->sockets && cpu->features->len == 0) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    if (cpu->model) {
        virBufferAsprintf(buf, "<model fallback='%s'",
                          virDomainCPUFallbackTypeToString(cpu->fallback));
        virBufferEscapeString(buf, ">%s</model>\n", cpu->model);
    }
    if (cpu->sockets)
        virBufferAsprintf(buf, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                          cpu->sockets, cpu->dies, cpu->cores, cpu->threads);
    for (i = 0; i < cpu->features->len; i++) {
        const virDomainCPUFeatureDef *feature = g_ptr_array_index(cpu->features, i);

        virBufferAsprintf(buf, "<feature policy='%s'",
                          virDomainCPUFeaturePolicyTypeToString(feature->policy));
        virBufferEscapeString(buf, " name='%s'/>\n", feature->name);
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</cpu>\n");
}
