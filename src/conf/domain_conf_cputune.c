/*
 * domain_conf_cputune.c: <cputune>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The host CPUs each vCPU (<vcpupin>) and QEMU's emulator thread
 * (<emulatorpin>) may run on, and the CPU scheduler's tuning (<shares>,
 * <period>, <quota> and their global, emulator and I/O thread kinds), as
 * libvirt 9.0 parses and formats them.  The pins are applied as the
 * threads' affinity; the scheduler's values need a cgroup CPU controller
 * this daemon does not manage, so a domain with any of them is kept and
 * migrated but refused at start, as a libvirt host without cgroups does.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

const virXMLAllowed virDomainXMLAllowedCputune[] = {
    { "domain/cputune", NULL, 0 },
    { "domain/cputune/shares", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/period", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/quota", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/global_period", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/global_quota", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/emulator_period", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/emulator_quota", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/iothread_period", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/iothread_quota", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/cputune/vcpupin", "vcpu cpuset", VIR_XML_ALLOW_REPEAT },
    { "domain/cputune/emulatorpin", "cpuset", 0 },
    { NULL, NULL, 0 },
};

/* The scheduler's values in libvirt's order, with their ranges. */
/* clang-format off */
static const struct {
    const char *name;
    long long min;
    long long max;
    bool quota;         /* also -1: no limit */
} virDomainCputuneSched[VIR_DOMAIN_CPUTUNE_SCHED_LAST] = {
    [VIR_DOMAIN_CPUTUNE_SHARES] = { "shares", 0, 262144, false },
    [VIR_DOMAIN_CPUTUNE_PERIOD] = { "period", 1000, 1000000, false },
    [VIR_DOMAIN_CPUTUNE_QUOTA] = { "quota", 1000, 17592186044415LL, true },
    [VIR_DOMAIN_CPUTUNE_GLOBAL_PERIOD] = { "global_period", 1000, 1000000, false },
    [VIR_DOMAIN_CPUTUNE_GLOBAL_QUOTA] = { "global_quota", 1000, 17592186044415LL, true },
    [VIR_DOMAIN_CPUTUNE_EMULATOR_PERIOD] = { "emulator_period", 1000, 1000000, false },
    [VIR_DOMAIN_CPUTUNE_EMULATOR_QUOTA] = { "emulator_quota", 1000, 17592186044415LL, true },
    [VIR_DOMAIN_CPUTUNE_IOTHREAD_PERIOD] = { "iothread_period", 1000, 1000000, false },
    [VIR_DOMAIN_CPUTUNE_IOTHREAD_QUOTA] = { "iothread_quota", 1000, 17592186044415LL, true },
};
/* clang-format on */


/* One scheduler value, the text of element @node. */
static int
virDomainCputuneSchedParse(virDomainCputune *tune, int which, xmlNode *node)
{
    g_autofree char *text = (char *)xmlNodeGetContent(node);
    const char *name = virDomainCputuneSched[which].name;
    gint64 v;

    if (!text || !g_ascii_string_to_signed(g_strstrip(text), 10, G_MININT64,
                                           G_MAXINT64, &v, NULL)) {
        virReportError(VIR_ERR_XML_ERROR, _("invalid value for cputune %1$s"),
                       name);
        return -1;
    }
    if ((v < virDomainCputuneSched[which].min ||
         v > virDomainCputuneSched[which].max) &&
        !(v == -1 && virDomainCputuneSched[which].quota) &&
        !(v == 0 && !virDomainCputuneSched[which].quota)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Value of cputune '%1$s' must be in range [%2$lld, %3$lld]"),
                       name, virDomainCputuneSched[which].min,
                       virDomainCputuneSched[which].max);
        return -1;
    }
    tune->sched[which] = v;
    tune->schedSet[which] = true;
    return 0;
}


/* One <vcpupin vcpu='' cpuset=''/> of @def. */
static int
virDomainCputuneVcpupinParse(virDomainDef *def, xmlNode *node)
{
    g_autofree char *cpuset = virXMLPropString(node, "cpuset");
    g_autofree guint64 *mask = NULL;
    unsigned int vcpu;

    if (virDomainXMLPropUInt(node, "vcpu", true, &vcpu) < 0)
        return -1;
    if (vcpu >= def->maxvcpus) {
        virReportError(VIR_ERR_INVALID_ARG, _("invalid vcpu '%1$u' in vcpupin"),
                       vcpu);
        return -1;
    }
    if (virDomainCputuneVcpupin(def, vcpu)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("duplicate vcpupin for vcpu '%1$u'"), vcpu);
        return -1;
    }
    if (!cpuset) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("missing cpuset for vcpupin"));
        return -1;
    }
    if (!(mask = virDomainCPUMaskParse(cpuset)))
        return -1;
    virDomainCputuneSetVcpupin(def, vcpu, g_steal_pointer(&mask));
    return 0;
}


/* One child @node of <cputune>. */
static int
virDomainCputuneParseOne(virDomainDef *def, xmlNode *node)
{
    g_autofree char *cpuset = NULL;
    size_t i;

    if (STREQ((const char *)node->name, "vcpupin"))
        return virDomainCputuneVcpupinParse(def, node);
    if (STREQ((const char *)node->name, "emulatorpin")) {
        if (!(cpuset = virXMLPropString(node, "cpuset"))) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("missing cpuset for emulatorpin"));
            return -1;
        }
        g_free(def->cputune.emulatorpin);
        def->cputune.emulatorpin = virDomainCPUMaskParse(cpuset);
        return def->cputune.emulatorpin ? 0 : -1;
    }
    for (i = 0; i < VIR_DOMAIN_CPUTUNE_SCHED_LAST; i++) {
        if (STREQ((const char *)node->name, virDomainCputuneSched[i].name))
            return virDomainCputuneSchedParse(&def->cputune, i, node);
    }
    return 0;
}


/**
 * virDomainCputuneParse:
 * <cputune> of <domain> @root (after <vcpu>).  Returns 0 or -1
 * (reported).
 */
int
virDomainCputuneParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *tune = virXMLNodeChild(root, "cputune");
    xmlNode *cur;

    for (cur = tune ? tune->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
            virDomainCputuneParseOne(def, cur) < 0)
            return -1;
    }
    return 0;
}


/* Whether @def has anything to write in <cputune>. */
static bool
virDomainCputuneIsSet(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < VIR_DOMAIN_CPUTUNE_SCHED_LAST; i++) {
        if (def->cputune.schedSet[i])
            return true;
    }
    for (i = 0; i < def->maxvcpus; i++) {
        if (virDomainCputuneVcpupin(def, i))
            return true;
    }
    return def->cputune.emulatorpin != NULL;
}


/**
 * virDomainCputuneFormat:
 * <cputune>, in libvirt's order, if @def has any of it.
 */
void
virDomainCputuneFormat(virBuffer *buf, const virDomainDef *def)
{
    size_t i;

    if (!virDomainCputuneIsSet(def))
        return;
    virBufferAddLit(buf, "<cputune>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < VIR_DOMAIN_CPUTUNE_SCHED_LAST; i++) {
        if (def->cputune.schedSet[i])
            virBufferAsprintf(buf, "<%s>%lld</%s>\n",
                              virDomainCputuneSched[i].name,
                              def->cputune.sched[i],
                              virDomainCputuneSched[i].name);
    }
    for (i = 0; i < def->maxvcpus; i++) {
        if (!virDomainCputuneVcpupin(def, i))
            continue;
        virBufferAsprintf(buf, "<vcpupin vcpu='%zu' cpuset='", i);
        virDomainCPUMaskFormat(buf, virDomainCputuneVcpupin(def, i));
        virBufferAddLit(buf, "'/>\n");
    }
    if (def->cputune.emulatorpin) {
        virBufferAddLit(buf, "<emulatorpin cpuset='");
        virDomainCPUMaskFormat(buf, def->cputune.emulatorpin);
        virBufferAddLit(buf, "'/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</cputune>\n");
}


/* Frees what @def's <cputune> holds. */
void
virDomainCputuneClear(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->cputune.nvcpupin; i++)
        g_free(def->cputune.vcpupin[i]);
    g_clear_pointer(&def->cputune.vcpupin, g_free);
    def->cputune.nvcpupin = 0;
    g_clear_pointer(&def->cputune.emulatorpin, g_free);
}


/**
 * virDomainCputuneVcpupin:
 * The pin of vCPU @vcpu of @def, or NULL (none, or a vCPU beyond its
 * maximum, whose pin whoever lowered the maximum should have dropped).
 */
const guint64 *
virDomainCputuneVcpupin(const virDomainDef *def, unsigned int vcpu)
{
    if (vcpu >= def->cputune.nvcpupin || vcpu >= def->maxvcpus)
        return NULL;
    return def->cputune.vcpupin[vcpu];
}


/* Pins vCPU @vcpu of @def to @mask (stolen; NULL unpins it). */
void
virDomainCputuneSetVcpupin(virDomainDef *def, unsigned int vcpu, guint64 *mask)
{
    if (vcpu >= def->cputune.nvcpupin) {
        def->cputune.vcpupin = g_renew(guint64 *, def->cputune.vcpupin,
                                       vcpu + 1);
        memset(def->cputune.vcpupin + def->cputune.nvcpupin, 0,
               (vcpu + 1 - def->cputune.nvcpupin) * sizeof(guint64 *));
        def->cputune.nvcpupin = vcpu + 1;
    }
    g_free(def->cputune.vcpupin[vcpu]);
    def->cputune.vcpupin[vcpu] = mask;
}
