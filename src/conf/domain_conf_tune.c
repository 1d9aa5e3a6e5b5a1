/*
 * domain_conf_tune.c: <memoryBacking>, <iothreads>, <vcpu cpuset=''
 * placement=''>, <numatune>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How a guest's memory is backed, its I/O threads and the host CPUs it
 * may run on, as libvirt 9.0 parses and formats them.  Only what QEMU
 * does without host setup is accepted: huge pages (a mounted hugetlbfs
 * with reserved pages) and file-backed memory (libvirt's
 * memory_backing_dir) are refused by name.  Automatic NUMA placement
 * (numad) is stored and reported, and fails the start as it does on a
 * stock host without numad.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

const virXMLAllowed virDomainXMLAllowedTune[] = {
    { "domain/memoryBacking", NULL, 0 },
    /* accepted by the walker to be refused with the reason below */
    { "domain/memoryBacking/hugepages", NULL, 0 },
    { "domain/memoryBacking/hugepages/page", "size unit nodeset",
      VIR_XML_ALLOW_REPEAT },
    { "domain/memoryBacking/nosharepages", NULL, 0 },
    { "domain/memoryBacking/locked", NULL, 0 },
    { "domain/memoryBacking/source", "type", 0 },
    { "domain/memoryBacking/access", "mode", 0 },
    { "domain/memoryBacking/allocation", "mode threads", 0 },
    { "domain/memoryBacking/discard", NULL, 0 },
    { "domain/iothreads", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/iothreadids", NULL, 0 },
    { "domain/iothreadids/iothread", "id", VIR_XML_ALLOW_REPEAT },
    { "domain/numatune", NULL, 0 },
    { "domain/numatune/memory", "mode placement", 0 },
    { "domain/vcpus", NULL, 0 },
    { "domain/vcpus/vcpu", "id enabled hotpluggable order",
      VIR_XML_ALLOW_REPEAT },
    { NULL, NULL, 0 },
};

static const char *const virDomainMemorySourceTable[] = {
    [VIR_DOMAIN_MEMORY_SOURCE_NONE] = "none",
    [VIR_DOMAIN_MEMORY_SOURCE_FILE] = "file",
    [VIR_DOMAIN_MEMORY_SOURCE_ANONYMOUS] = "anonymous",
    [VIR_DOMAIN_MEMORY_SOURCE_MEMFD] = "memfd",
};
VIR_ENUM_IMPL_TABLE(virDomainMemorySource, virDomainMemorySourceTable,
                    VIR_DOMAIN_MEMORY_SOURCE_LAST);

static const char *const virDomainMemoryAccessTable[] = {
    [VIR_DOMAIN_MEMORY_ACCESS_DEFAULT] = "default",
    [VIR_DOMAIN_MEMORY_ACCESS_SHARED] = "shared",
    [VIR_DOMAIN_MEMORY_ACCESS_PRIVATE] = "private",
};
VIR_ENUM_IMPL_TABLE(virDomainMemoryAccess, virDomainMemoryAccessTable,
                    VIR_DOMAIN_MEMORY_ACCESS_LAST);

static const char *const virDomainMemoryAllocationTable[] = {
    [VIR_DOMAIN_MEMORY_ALLOCATION_NONE] = "none",
    [VIR_DOMAIN_MEMORY_ALLOCATION_IMMEDIATE] = "immediate",
    [VIR_DOMAIN_MEMORY_ALLOCATION_ONDEMAND] = "ondemand",
};
VIR_ENUM_IMPL_TABLE(virDomainMemoryAllocation, virDomainMemoryAllocationTable,
                    VIR_DOMAIN_MEMORY_ALLOCATION_LAST);

static const char *const virDomainCPUPlacementTable[] = {
    [VIR_DOMAIN_CPU_PLACEMENT_DEFAULT] = "default",
    [VIR_DOMAIN_CPU_PLACEMENT_STATIC] = "static",
    [VIR_DOMAIN_CPU_PLACEMENT_AUTO] = "auto",
};
VIR_ENUM_IMPL_TABLE(virDomainCPUPlacement, virDomainCPUPlacementTable,
                    VIR_DOMAIN_CPU_PLACEMENT_LAST);

static const char *const virDomainNumatuneModeTable[] = {
    [VIR_DOMAIN_NUMATUNE_MODE_NONE] = "none",
    [VIR_DOMAIN_NUMATUNE_MODE_STRICT] = "strict",
    [VIR_DOMAIN_NUMATUNE_MODE_PREFERRED] = "preferred",
    [VIR_DOMAIN_NUMATUNE_MODE_INTERLEAVE] = "interleave",
    [VIR_DOMAIN_NUMATUNE_MODE_RESTRICTIVE] = "restrictive",
};
VIR_ENUM_IMPL_TABLE(virDomainNumatuneMode, virDomainNumatuneModeTable,
                    VIR_DOMAIN_NUMATUNE_MODE_LAST);


/* ---- <memoryBacking> ---- */

static int
virDomainMemoryBackingParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *mb = virXMLNodeChild(root, "memoryBacking");
    virDomainMemoryBackingDef *mem = &def->mem;
    xmlNode *node;

    if (!mb)
        return 0;
    if (virXMLNodeChild(mb, "hugepages")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("memoryBacking <hugepages> is not supported: it needs host setup (a mounted hugetlbfs with reserved pages), which virtmigd does not do"));
        return -1;
    }
    mem->nosharepages = !!virXMLNodeChild(mb, "nosharepages");
    mem->locked = !!virXMLNodeChild(mb, "locked");
    mem->discard = !!virXMLNodeChild(mb, "discard");
    if ((node = virXMLNodeChild(mb, "source")) &&
        virDomainXMLPropEnum(node, "type", virDomainMemorySource, true,
                             &mem->source) < 0)
        return -1;
    if ((node = virXMLNodeChild(mb, "access")) &&
        virDomainXMLPropEnum(node, "mode", virDomainMemoryAccess, true,
                             &mem->access) < 0)
        return -1;
    if ((node = virXMLNodeChild(mb, "allocation")) &&
        (virDomainXMLPropEnum(node, "mode", virDomainMemoryAllocation, false,
                              &mem->allocation) < 0 ||
         virDomainXMLPropUInt(node, "threads", false,
                              &mem->allocationThreads) < 0))
        return -1;
    return 0;
}


/* What QEMU cannot do without host setup.  Returns 0 or -1 (reported). */
static int
virDomainMemoryBackingValidate(const virDomainMemoryBackingDef *mem)
{
    if (mem->source == VIR_DOMAIN_MEMORY_SOURCE_FILE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("memoryBacking <source type='file'/> is not supported: it needs a host directory for the memory files (libvirt's memory_backing_dir); use type='memfd'"));
        return -1;
    }
    if (mem->access && mem->source != VIR_DOMAIN_MEMORY_SOURCE_MEMFD) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("memoryBacking <access mode='%1$s'/> is only supported with <source type='memfd'/> (otherwise QEMU needs a memory file in a host directory)"),
                       virDomainMemoryAccessTypeToString(mem->access));
        return -1;
    }
    return 0;
}


/* libvirt's element order; nothing when nothing is set. */
static void
virDomainMemoryBackingFormat(virBuffer *buf, const virDomainMemoryBackingDef *mem)
{
    if (!mem->nosharepages && !mem->locked && !mem->source && !mem->access &&
        !mem->allocation && !mem->allocationThreads && !mem->discard)
        return;
    virBufferAddLit(buf, "<memoryBacking>\n");
    virBufferAdjustIndent(buf, 2);
    if (mem->nosharepages)
        virBufferAddLit(buf, "<nosharepages/>\n");
    if (mem->locked)
        virBufferAddLit(buf, "<locked/>\n");
    if (mem->source)
        virBufferAsprintf(buf, "<source type='%s'/>\n",
                          virDomainMemorySourceTypeToString(mem->source));
    if (mem->access)
        virBufferAsprintf(buf, "<access mode='%s'/>\n",
                          virDomainMemoryAccessTypeToString(mem->access));
    if (mem->allocation || mem->allocationThreads) {
        virBufferAddLit(buf, "<allocation");
        if (mem->allocation)
            virBufferAsprintf(buf, " mode='%s'",
                              virDomainMemoryAllocationTypeToString(mem->allocation));
        if (mem->allocationThreads)
            virBufferAsprintf(buf, " threads='%u'", mem->allocationThreads);
        virBufferAddLit(buf, "/>\n");
    }
    if (mem->discard)
        virBufferAddLit(buf, "<discard/>\n");
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</memoryBacking>\n");
}


/* ---- <iothreads>, <iothreadids> ---- */

/**
 * virDomainIOThreadIDFind:
 * Whether @def has the I/O thread @id.
 */
bool
virDomainIOThreadIDFind(const virDomainDef *def, unsigned int id)
{
    guint i;

    for (i = 0; i < def->iothreadids->len; i++) {
        if (g_array_index(def->iothreadids, virDomainIOThreadIDDef, i).id == id)
            return true;
    }
    return false;
}


static int
virDomainIOThreadIDsParse(virDomainDef *def, xmlNode *ids)
{
    xmlNode *cur;

    for (cur = ids ? ids->children : NULL; cur; cur = cur->next) {
        virDomainIOThreadIDDef thr = { 0 };

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (virDomainXMLPropUInt(cur, "id", true, &thr.id) < 0)
            return -1;
        if (thr.id == 0) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("invalid iothread 'id' value '0'"));
            return -1;
        }
        if (virDomainIOThreadIDFind(def, thr.id)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("duplicate iothread id '%1$u' found"), thr.id);
            return -1;
        }
        g_array_append_val(def->iothreadids, thr);
    }
    return 0;
}


/* <iothreads>N</iothreads> with the <iothreadids> written; the missing
 * ones get the lowest free ids, as libvirt. */
static int
virDomainIOThreadsParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *node = virXMLNodeChild(root, "iothreads");
    g_autofree char *text = node ? virXMLNodeContent(node) : NULL;
    guint64 count = 0;
    unsigned int next = 1;

    if (text && !g_ascii_string_to_unsigned(g_strstrip(text), 10, 0,
                                            VIR_DOMAIN_IOTHREADS_MAX,
                                            &count, NULL)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid iothreads count '%1$s' (at most %2$d)"),
                       text, VIR_DOMAIN_IOTHREADS_MAX);
        return -1;
    }
    if (virDomainIOThreadIDsParse(def, virXMLNodeChild(root, "iothreadids")) < 0)
        return -1;
    while (def->iothreadids->len < count) {
        virDomainIOThreadIDDef thr = { .id = next++, .autofill = true };

        if (!virDomainIOThreadIDFind(def, thr.id))
            g_array_append_val(def->iothreadids, thr);
    }
    return 0;
}


static void
virDomainIOThreadsFormat(virBuffer *buf, const virDomainDef *def)
{
    bool written = false;
    guint i;

    if (def->iothreadids->len == 0)
        return;
    virBufferAsprintf(buf, "<iothreads>%u</iothreads>\n", def->iothreadids->len);
    for (i = 0; i < def->iothreadids->len; i++)
        written |= !g_array_index(def->iothreadids, virDomainIOThreadIDDef, i).autofill;
    if (!written)
        return;
    virBufferAddLit(buf, "<iothreadids>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < def->iothreadids->len; i++)
        virBufferAsprintf(buf, "<iothread id='%u'/>\n",
                          g_array_index(def->iothreadids, virDomainIOThreadIDDef, i).id);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</iothreadids>\n");
}


/* The disks' iothread='' (libvirt's QEMU driver messages). */
static int
virDomainIOThreadsValidate(const virDomainDef *def)
{
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (!disk->iothread)
            continue;
        if (disk->bus != VIR_DOMAIN_DISK_BUS_VIRTIO) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("IOThreads not available for bus %1$s target %2$s"),
                           virDomainDiskBusTypeToString(disk->bus), disk->dst);
            return -1;
        }
        if (!virDomainIOThreadIDFind(def, disk->iothread)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("Disk iothread '%1$u' not defined in iothreadid"),
                           disk->iothread);
            return -1;
        }
    }
    return 0;
}


/* ---- <vcpu cpuset=''> ---- */

/**
 * virDomainCPUMaskIsSet:
 * Whether host CPU @cpu is in @mask (VIR_DOMAIN_CPUMASK_WORDS words).
 */
bool
virDomainCPUMaskIsSet(const guint64 *mask, unsigned int cpu)
{
    return cpu < VIR_DOMAIN_CPUMASK_LEN &&
           (mask[cpu / 64] >> (cpu % 64)) & 1;
}


static void
virDomainCPUMaskSet(guint64 *mask, unsigned int cpu, bool on)
{
    if (on)
        mask[cpu / 64] |= 1ULL << (cpu % 64);
    else
        mask[cpu / 64] &= ~(1ULL << (cpu % 64));
}


/* One item of a cpuset: "N", "N-M" or "^N". */
static int
virDomainCPUMaskParseItem(guint64 *mask, const char *item)
{
    g_auto(GStrv) range = NULL;
    bool negate = item[0] == '^';
    guint64 lo;
    guint64 hi;

    range = g_strsplit(item + negate, "-", 2);
    if (!g_ascii_string_to_unsigned(range[0], 10, 0,
                                    VIR_DOMAIN_CPUMASK_LEN - 1, &lo, NULL))
        return -1;
    hi = lo;
    if (range[1] &&
        (negate || !g_ascii_string_to_unsigned(range[1], 10, lo,
                                               VIR_DOMAIN_CPUMASK_LEN - 1,
                                               &hi, NULL)))
        return -1;
    for (; lo <= hi; lo++)
        virDomainCPUMaskSet(mask, lo, !negate);
    return 0;
}


/**
 * virDomainCPUMaskParse:
 * libvirt's cpuset syntax: "0-3,^2,8" (also the vCPU maps of the guest
 * agent APIs).  Returns a new mask of VIR_DOMAIN_CPUMASK_WORDS words
 * (caller owns it) or NULL with an error reported.
 */
guint64 *
virDomainCPUMaskParse(const char *str)
{
    g_autofree guint64 *mask = g_new0(guint64, VIR_DOMAIN_CPUMASK_WORDS);
    g_auto(GStrv) items = g_strsplit(str, ",", 0);
    bool any = false;
    size_t i;

    for (i = 0; items[i]; i++) {
        g_strstrip(items[i]);
        if (virDomainCPUMaskParseItem(mask, items[i]) < 0) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Failed to parse bitmap '%1$s'"), str);
            return NULL;
        }
    }
    for (i = 0; i < VIR_DOMAIN_CPUMASK_WORDS; i++)
        any |= mask[i] != 0;
    if (!any) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("Invalid value of 'cpuset': empty set"));
        return NULL;
    }
    return g_steal_pointer(&mask);
}


/**
 * virDomainCPUMaskFormat:
 * libvirt's form of a mask: ranges "0-3,5".
 */
void
virDomainCPUMaskFormat(virBuffer *buf, const guint64 *mask)
{
    unsigned int cpu = 0;
    bool first = true;

    while (cpu < VIR_DOMAIN_CPUMASK_LEN) {
        unsigned int start = cpu;

        if (!virDomainCPUMaskIsSet(mask, cpu++))
            continue;
        while (virDomainCPUMaskIsSet(mask, cpu))
            cpu++;
        virBufferAsprintf(buf, "%s%u", first ? "" : ",", start);
        if (cpu - 1 > start)
            virBufferAsprintf(buf, "-%u", cpu - 1);
        first = false;
    }
}


/* ---- <vcpu placement='auto'>, <numatune> ---- */

/*
 * <numatune><memory mode='' placement=''/></numatune>, as libvirt 9.0
 * reads it, for automatic placement only (a nodeset needs host NUMA
 * memory binding, which we do not do: the walker refuses 'nodeset' and
 * <memnode>).  Without <memory>, <vcpu placement='auto'> implies
 * mode='strict' placement='auto'; an automatic memory placement makes
 * the vCPU placement automatic too unless a cpuset is given.
 */
static int
virDomainNumatuneParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *numatune = virXMLNodeChild(root, "numatune");
    xmlNode *mem = numatune ? virXMLNodeChild(numatune, "memory") : NULL;
    virDomainCPUPlacement placement = VIR_DOMAIN_CPU_PLACEMENT_DEFAULT;
    bool cpuAuto = def->placement == VIR_DOMAIN_CPU_PLACEMENT_AUTO;

    if (!mem) {
        if (cpuAuto)
            def->numatuneMode = VIR_DOMAIN_NUMATUNE_MODE_STRICT;
        return 0;
    }
    def->numatuneMode = VIR_DOMAIN_NUMATUNE_MODE_STRICT;
    if (virDomainXMLPropEnum(mem, "mode", virDomainNumatuneMode, false,
                             &def->numatuneMode) < 0 ||
        virDomainXMLPropEnum(mem, "placement", virDomainCPUPlacement, false,
                             &placement) < 0)
        return -1;
    if (placement == VIR_DOMAIN_CPU_PLACEMENT_STATIC ||
        (placement == VIR_DOMAIN_CPU_PLACEMENT_DEFAULT && !cpuAuto)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("nodeset for NUMA memory tuning must be set if 'placement' is 'static'"));
        return -1;
    }
    if (!def->cpumask)
        def->placement = VIR_DOMAIN_CPU_PLACEMENT_AUTO;
    return 0;
}


/* <numatune> of automatic placement, after <iothreads> as libvirt. */
static void
virDomainNumatuneFormat(virBuffer *buf, const virDomainDef *def)
{
    if (def->numatuneMode == VIR_DOMAIN_NUMATUNE_MODE_NONE)
        return;
    virBufferAddLit(buf, "<numatune>\n");
    virBufferAsprintf(buf, "  <memory mode='%s' placement='auto'/>\n",
                      virDomainNumatuneModeTypeToString(def->numatuneMode));
    virBufferAddLit(buf, "</numatune>\n");
}


/**
 * virDomainDefNeedsPlacementAdvice:
 * Whether @def asks for automatic NUMA placement (numad's advice).
 */
bool
virDomainDefNeedsPlacementAdvice(const virDomainDef *def)
{
    return def->placement == VIR_DOMAIN_CPU_PLACEMENT_AUTO ||
           def->numatuneMode != VIR_DOMAIN_NUMATUNE_MODE_NONE;
}


/**
 * virDomainVcpuFormat:
 * <vcpu placement='static|auto' [cpuset=''] [current='']>N</vcpu>.
 */
void
virDomainVcpuFormat(virBuffer *buf, const virDomainDef *def)
{
    bool autoPlaced = def->placement == VIR_DOMAIN_CPU_PLACEMENT_AUTO;

    virBufferAsprintf(buf, "<vcpu placement='%s'",
                      autoPlaced ? "auto" : "static");
    if (def->cpumask) {
        virBufferAddLit(buf, " cpuset='");
        virDomainCPUMaskFormat(buf, def->cpumask);
        virBufferAddLit(buf, "'");
    }
    if (def->vcpus != def->maxvcpus)
        virBufferAsprintf(buf, " current='%u'", def->vcpus);
    virBufferAsprintf(buf, ">%u</vcpu>\n", def->maxvcpus);
}


/* ---- <vcpus> ---- */

/* One <vcpu id='' enabled='' hotpluggable=''/> of <vcpus>: @state[id]
 * becomes 1 (off), 2 (on, plugged at start) or 3 (on, hot-plugged). */
static int
virDomainVcpusParseOne(const virDomainDef *def, xmlNode *node,
                       unsigned char *state)
{
    unsigned int id;
    bool enabled = false;
    bool hotpluggable = false;

    if (virDomainXMLPropUInt(node, "id", true, &id) < 0 ||
        virDomainXMLPropYesNo(node, "enabled", &enabled) < 0 ||
        virDomainXMLPropYesNo(node, "hotpluggable", &hotpluggable) < 0)
        return -1;
    if (id >= def->maxvcpus || state[id]) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("vcpu id '%1$u' is out of range or duplicated"), id);
        return -1;
    }
    state[id] = enabled ? 2 + hotpluggable : 1;
    return 0;
}


/*
 * <vcpus>, libvirt's list of every vCPU (enabled, hotpluggable, order),
 * for the layouts a live setvcpus makes here: vCPUs 0 .. current-1
 * online, the last of them hot-plugged (the ones a live setvcpus may
 * unplug again), the rest off.  It is how the migratable XML tells the
 * destination which vCPUs to plug before the guest's state arrives.
 * Other layouts are refused.
 */
static int
virDomainVcpusParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *vcpus = virXMLNodeChild(root, "vcpus");
    g_autofree unsigned char *state = g_new0(unsigned char, def->maxvcpus);
    unsigned int boot = 0;
    unsigned int i;
    xmlNode *cur;

    if (!vcpus)
        return 0;
    for (cur = vcpus->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
            virDomainVcpusParseOne(def, cur, state) < 0)
            return -1;
    }
    while (boot < def->maxvcpus && state[boot] == 2)
        boot++;
    for (i = 0; i < def->maxvcpus; i++) {
        unsigned char want = i < boot ? 2 : i < def->vcpus ? 3 : 1;

        if (state[i] != want || boot == 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<vcpus> must list every vCPU: the first 'current' enabled, those plugged at start before the hot-pluggable ones, vCPU 0 not hot-pluggable"));
            return -1;
        }
    }
    def->hotplugVcpus = def->vcpus - boot;
    return 0;
}


/* <vcpus> when some vCPUs were hot-plugged, as libvirt writes it. */
static void
virDomainVcpusFormat(virBuffer *buf, const virDomainDef *def)
{
    unsigned int boot = def->vcpus - def->hotplugVcpus;
    unsigned int i;

    if (def->hotplugVcpus == 0)
        return;
    virBufferAddLit(buf, "<vcpus>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < def->maxvcpus; i++) {
        virBufferAsprintf(buf, "<vcpu id='%u' enabled='%s' hotpluggable='%s'",
                          i, i < def->vcpus ? "yes" : "no",
                          i < boot ? "no" : "yes");
        if (i < def->vcpus)
            virBufferAsprintf(buf, " order='%u'", i + 1);
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</vcpus>\n");
}


/* ---- entry points ---- */

/**
 * virDomainTuneParse:
 * <memoryBacking>, <iothreads>/<iothreadids>, <vcpu cpuset='' placement=''>,
 * <numatune> and <vcpus> of <domain> @root.  Returns 0 or -1 (reported).
 */
int
virDomainTuneParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *vcpu = virXMLNodeChild(root, "vcpu");
    g_autofree char *cpuset = NULL;

    if (vcpu && virDomainXMLPropEnum(vcpu, "placement", virDomainCPUPlacement,
                                     false, &def->placement) < 0)
        return -1;
    /* as libvirt, a cpuset is ignored with automatic placement */
    if (vcpu && def->placement != VIR_DOMAIN_CPU_PLACEMENT_AUTO)
        cpuset = virXMLPropString(vcpu, "cpuset");
    if (cpuset && !(def->cpumask = virDomainCPUMaskParse(cpuset)))
        return -1;
    if (virDomainNumatuneParse(def, root) < 0 ||
        virDomainVcpusParse(def, root) < 0 ||
        virDomainCputuneParse(def, root) < 0)
        return -1;
    if (virDomainMemoryBackingParse(def, root) < 0 ||
        virDomainMemoryBackingValidate(&def->mem) < 0 ||
        virDomainIOThreadsParse(def, root) < 0)
        return -1;
    return 0;
}


/**
 * virDomainTuneValidate:
 * Checks what refers to I/O threads.  Returns 0 or -1 (reported).
 */
int
virDomainTuneValidate(const virDomainDef *def)
{
    return virDomainIOThreadsValidate(def);
}


/**
 * virDomainTuneFormat:
 * <memoryBacking>, <vcpu>, <iothreads> and <numatune>, in libvirt's place
 * and order (after <currentMemory>).
 */
void
virDomainTuneFormat(virBuffer *buf, const virDomainDef *def)
{
    virDomainMemoryBackingFormat(buf, &def->mem);
    virDomainVcpuFormat(buf, def);
    virDomainVcpusFormat(buf, def);
    virDomainIOThreadsFormat(buf, def);
    virDomainCputuneFormat(buf, def);
    virDomainNumatuneFormat(buf, def);
}
