/*
 * capabilities.c: the host and guest capabilities (virConnectGetCapabilities)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "capabilities.h"
#include "virbuffer.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_CAPABILITIES

static const char *const virCapsGuestFeatureTable[] = {
    [VIR_CAPS_GUEST_FEATURE_PAE] = "pae",
    [VIR_CAPS_GUEST_FEATURE_NONPAE] = "nonpae",
    [VIR_CAPS_GUEST_FEATURE_ACPI] = "acpi",
    [VIR_CAPS_GUEST_FEATURE_APIC] = "apic",
    [VIR_CAPS_GUEST_FEATURE_CPUSELECTION] = "cpuselection",
    [VIR_CAPS_GUEST_FEATURE_DEVICEBOOT] = "deviceboot",
    [VIR_CAPS_GUEST_FEATURE_DISKSNAPSHOT] = "disksnapshot",
};
VIR_ENUM_IMPL_TABLE(virCapsGuestFeature, virCapsGuestFeatureTable,
                    VIR_CAPS_GUEST_FEATURE_LAST);

/* Features that libvirt formats with default='' and toggle=''. */
static const bool virCapsGuestFeatureToggles[] = {
    [VIR_CAPS_GUEST_FEATURE_PAE] = false,
    [VIR_CAPS_GUEST_FEATURE_NONPAE] = false,
    [VIR_CAPS_GUEST_FEATURE_ACPI] = true,
    [VIR_CAPS_GUEST_FEATURE_APIC] = true,
    [VIR_CAPS_GUEST_FEATURE_CPUSELECTION] = false,
    [VIR_CAPS_GUEST_FEATURE_DEVICEBOOT] = false,
    [VIR_CAPS_GUEST_FEATURE_DISKSNAPSHOT] = true,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virCapsGuestFeatureToggles) ==
                VIR_CAPS_GUEST_FEATURE_LAST);


static void
virCapsGuestMachineFree(virCapsGuestMachine *machine)
{
    if (!machine)
        return;
    g_free(machine->name);
    g_free(machine->canonical);
    g_free(machine);
}


static void
virCapsGuestFree(virCapsGuest *guest)
{
    if (!guest)
        return;
    g_free(guest->emulator);
    g_ptr_array_unref(guest->machines);
    g_free(guest);
}


static void
virCapsHostCellCPUClear(gpointer p)
{
    virHostInfoCPU *cpu = p;

    g_free(cpu->siblings);
}


static void
virCapsHostCellFree(virCapsHostCell *cell)
{
    if (!cell)
        return;
    g_array_unref(cell->cpus);
    g_free(cell);
}


/**
 * virCapabilitiesNew:
 * Returns empty capabilities for a host of @hostArch, with the security
 * model "none"; caller owns them (virCapabilitiesFree).
 */
virCaps *
virCapabilitiesNew(virArch hostArch)
{
    virCaps *caps = g_new0(virCaps, 1);

    caps->host.arch = hostArch;
    caps->host.migrateTransports = g_ptr_array_new_with_free_func(g_free);
    caps->host.cells = g_ptr_array_new_with_free_func((GDestroyNotify)virCapsHostCellFree);
    caps->host.secModel = g_strdup("none");
    caps->host.secDoi = g_strdup("0");
    caps->guests = g_ptr_array_new_with_free_func((GDestroyNotify)virCapsGuestFree);
    return caps;
}


/* Frees @caps; accepts NULL. */
void
virCapabilitiesFree(virCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->host.cpuModel);
    g_free(caps->host.cpuVendor);
    if (caps->host.cpuFeatures)
        g_ptr_array_unref(caps->host.cpuFeatures);
    g_ptr_array_unref(caps->host.migrateTransports);
    g_ptr_array_unref(caps->host.cells);
    g_free(caps->host.secModel);
    g_free(caps->host.secDoi);
    g_ptr_array_unref(caps->guests);
    g_free(caps);
}


/* Sets the host UUID formatted as <host><uuid>. */
void
virCapabilitiesSetHostUUID(virCaps *caps, const unsigned char *uuid)
{
    memcpy(caps->host.uuid, uuid, VIR_UUID_BUFLEN);
    caps->host.haveUUID = true;
}


/**
 * virCapabilitiesAddHostCell:
 * Adds NUMA cell @id with @memory KiB; returns it (owned by @caps) for
 * virCapabilitiesAddHostCellCPU.
 */
virCapsHostCell *
virCapabilitiesAddHostCell(virCaps *caps, unsigned int id,
                           unsigned long long memory)
{
    virCapsHostCell *cell = g_new0(virCapsHostCell, 1);

    cell->id = id;
    cell->memory = memory;
    cell->cpus = g_array_new(FALSE, TRUE, sizeof(virHostInfoCPU));
    g_array_set_clear_func(cell->cpus, virCapsHostCellCPUClear);
    g_ptr_array_add(caps->host.cells, cell);
    return cell;
}


/* Adds logical CPU @id to @cell; @siblings (copied) may be NULL, and then
 * no topology attributes are formatted for it. */
void
virCapabilitiesAddHostCellCPU(virCapsHostCell *cell, unsigned int id,
                              int socket, int die, int core,
                              const char *siblings)
{
    virHostInfoCPU cpu = {
        .id = id, .socket = socket, .die = die, .core = core,
        .siblings = g_strdup(siblings),
    };

    g_array_append_val(cell->cpus, cpu);
}


/**
 * virCapabilitiesSetHostInfo:
 * Copies the host CPU (arch, model, vendor, topology) and the NUMA cells of
 * @info into @caps.
 */
void
virCapabilitiesSetHostInfo(virCaps *caps, const virHostInfo *info)
{
    size_t i;
    size_t j;

    caps->host.arch = info->arch;
    g_free(caps->host.cpuModel);
    caps->host.cpuModel = g_strdup(info->cpuModel);
    g_free(caps->host.cpuVendor);
    caps->host.cpuVendor = g_strdup(info->cpuVendor);
    caps->host.sockets = info->sockets;
    caps->host.dies = info->dies;
    caps->host.cores = info->cores;
    caps->host.threads = info->threads;
    for (i = 0; i < info->cells->len; i++) {
        virHostInfoCell *src = g_ptr_array_index(info->cells, i);
        virCapsHostCell *cell = virCapabilitiesAddHostCell(caps, src->id,
                                                           src->memory);

        for (j = 0; j < src->cpus->len; j++) {
            virHostInfoCPU *cpu = &g_array_index(src->cpus, virHostInfoCPU, j);

            virCapabilitiesAddHostCellCPU(cell, cpu->id, cpu->socket, cpu->die,
                                          cpu->core, cpu->siblings);
        }
    }
}


/**
 * virCapabilitiesSetHostCPUModel:
 * Replaces the host CPU's model with @model (copied; NULL: none) and its
 * features with @features (libvirt's names; referenced, may be NULL).
 */
void
virCapabilitiesSetHostCPUModel(virCaps *caps, const char *model,
                               GPtrArray *features)
{
    g_free(caps->host.cpuModel);
    caps->host.cpuModel = g_strdup(model);
    if (caps->host.cpuFeatures)
        g_ptr_array_unref(caps->host.cpuFeatures);
    caps->host.cpuFeatures = features ? g_ptr_array_ref(features) : NULL;
}


/* Adds a migration URI transport such as "tcp" (copied). */
void
virCapabilitiesAddMigrateTransport(virCaps *caps, const char *name)
{
    g_ptr_array_add(caps->host.migrateTransports, g_strdup(name));
}


/**
 * virCapabilitiesAddGuest:
 * Adds a guest of @ostype and @arch run by @emulator (copied); returns it
 * (owned by @caps) for the AddGuest* calls.
 */
virCapsGuest *
virCapabilitiesAddGuest(virCaps *caps, virDomainOSType ostype, virArch arch,
                        const char *emulator)
{
    virCapsGuest *guest = g_new0(virCapsGuest, 1);

    guest->ostype = ostype;
    guest->arch = arch;
    guest->emulator = g_strdup(emulator);
    guest->machines = g_ptr_array_new_with_free_func((GDestroyNotify)virCapsGuestMachineFree);
    g_ptr_array_add(caps->guests, guest);
    return guest;
}


/* Adds machine type @name (an alias of @canonical when that is set). */
void
virCapabilitiesAddGuestMachine(virCapsGuest *guest, const char *name,
                               const char *canonical, unsigned int maxCpus,
                               bool deprecated)
{
    virCapsGuestMachine *machine = g_new0(virCapsGuestMachine, 1);

    machine->name = g_strdup(name);
    machine->canonical = g_strdup(canonical);
    machine->maxCpus = maxCpus;
    machine->deprecated = deprecated;
    g_ptr_array_add(guest->machines, machine);
}


/* Declares that @guest can run as <domain type='@type'>. */
void
virCapabilitiesAddGuestDomain(virCapsGuest *guest, virDomainVirtType type)
{
    if (type > VIR_DOMAIN_VIRT_NONE && type < VIR_DOMAIN_VIRT_LAST)
        guest->domainTypes[type] = true;
}


/* Declares guest feature @feature; @defaultOn and @toggle only show for
 * the features that carry them in libvirt's format. */
void
virCapabilitiesAddGuestFeature(virCapsGuest *guest,
                               virCapsGuestFeatureType feature,
                               bool defaultOn, bool toggle)
{
    if (feature >= VIR_CAPS_GUEST_FEATURE_LAST)
        return;
    guest->features[feature].present = true;
    guest->features[feature].defaultOn = defaultOn;
    guest->features[feature].toggle = toggle;
}


/* ---- format ---- */

static void
virCapabilitiesFormatHostCPU(virBuffer *buf, const virCapsHost *host)
{
    size_t i;

    virBufferAddLit(buf, "<cpu>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<arch>%s</arch>\n", virArchTypeToString(host->arch));
    virBufferEscapeString(buf, "<model>%s</model>\n", host->cpuModel);
    virBufferEscapeString(buf, "<vendor>%s</vendor>\n", host->cpuVendor);
    if (host->sockets && host->cores && host->threads)
        virBufferAsprintf(buf, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                          host->sockets, MAX(host->dies, 1), host->cores,
                          host->threads);
    for (i = 0; host->cpuFeatures && i < host->cpuFeatures->len; i++)
        virBufferEscapeString(buf, "<feature name='%s'/>\n",
                              g_ptr_array_index(host->cpuFeatures, i));
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</cpu>\n");
}


static void
virCapabilitiesFormatCell(virBuffer *buf, const virCapsHostCell *cell)
{
    size_t j;

    virBufferAsprintf(buf, "<cell id='%u'>\n", cell->id);
    virBufferAdjustIndent(buf, 2);
    if (cell->memory)
        virBufferAsprintf(buf, "<memory unit='KiB'>%llu</memory>\n",
                          cell->memory);
    virBufferAsprintf(buf, "<cpus num='%u'>\n", cell->cpus->len);
    virBufferAdjustIndent(buf, 2);
    for (j = 0; j < cell->cpus->len; j++) {
        const virHostInfoCPU *cpu = &g_array_index(cell->cpus, virHostInfoCPU, j);

        virBufferAsprintf(buf, "<cpu id='%u'", cpu->id);
        if (cpu->siblings && cpu->socket >= 0 && cpu->core >= 0) {
            virBufferAsprintf(buf, " socket_id='%d' die_id='%d' core_id='%d'",
                              cpu->socket, cpu->die, cpu->core);
            virBufferEscapeString(buf, " siblings='%s'", cpu->siblings);
        }
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</cpus>\n");
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</cell>\n");
}


static void
virCapabilitiesFormatHostMisc(virBuffer *buf, const virCapsHost *host)
{
    size_t i;

    /* no suspend support is offered: an empty element says so */
    virBufferAddLit(buf, "<power_management/>\n");
    virBufferAsprintf(buf, "<iommu support='%s'/>\n", host->iommu ? "yes" : "no");
    virBufferAddLit(buf, "<migration_features>\n");
    virBufferAdjustIndent(buf, 2);
    if (host->liveMigrate)
        virBufferAddLit(buf, "<live/>\n");
    if (host->migrateTransports->len > 0) {
        virBufferAddLit(buf, "<uri_transports>\n");
        virBufferAdjustIndent(buf, 2);
        for (i = 0; i < host->migrateTransports->len; i++)
            virBufferEscapeString(buf, "<uri_transport>%s</uri_transport>\n",
                                  g_ptr_array_index(host->migrateTransports, i));
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</uri_transports>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</migration_features>\n");
}


static void
virCapabilitiesFormatHost(virBuffer *buf, const virCapsHost *host)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    size_t i;

    virBufferAddLit(buf, "<host>\n");
    virBufferAdjustIndent(buf, 2);
    if (host->haveUUID)
        virBufferAsprintf(buf, "<uuid>%s</uuid>\n",
                          virUUIDFormat(host->uuid, uuidstr));
    virCapabilitiesFormatHostCPU(buf, host);
    virCapabilitiesFormatHostMisc(buf, host);
    if (host->cells->len > 0) {
        virBufferAddLit(buf, "<topology>\n");
        virBufferAdjustIndent(buf, 2);
        virBufferAsprintf(buf, "<cells num='%u'>\n", host->cells->len);
        virBufferAdjustIndent(buf, 2);
        for (i = 0; i < host->cells->len; i++)
            virCapabilitiesFormatCell(buf, g_ptr_array_index(host->cells, i));
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</cells>\n");
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</topology>\n");
    }
    virBufferAddLit(buf, "<secmodel>\n");
    virBufferEscapeString(buf, "  <model>%s</model>\n", host->secModel);
    virBufferEscapeString(buf, "  <doi>%s</doi>\n", host->secDoi);
    virBufferAddLit(buf, "</secmodel>\n");
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</host>\n\n");
}


static void
virCapabilitiesFormatGuestFeatures(virBuffer *buf, const virCapsGuest *guest)
{
    size_t i;

    virBufferAddLit(buf, "<features>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < VIR_CAPS_GUEST_FEATURE_LAST; i++) {
        const virCapsGuestFeature *f = &guest->features[i];

        if (!f->present)
            continue;
        virBufferAsprintf(buf, "<%s", virCapsGuestFeatureTypeToString(i));
        if (virCapsGuestFeatureToggles[i])
            virBufferAsprintf(buf, " default='%s' toggle='%s'",
                              f->defaultOn ? "on" : "off",
                              f->toggle ? "yes" : "no");
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</features>\n");
}


static void
virCapabilitiesFormatGuest(virBuffer *buf, const virCapsGuest *guest)
{
    size_t i;

    virBufferAddLit(buf, "<guest>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<os_type>%s</os_type>\n",
                      virDomainOSTypeToString(guest->ostype));
    virBufferAsprintf(buf, "<arch name='%s'>\n", virArchTypeToString(guest->arch));
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<wordsize>%u</wordsize>\n",
                      virArchGetWordSize(guest->arch));
    virBufferEscapeString(buf, "<emulator>%s</emulator>\n", guest->emulator);
    for (i = 0; i < guest->machines->len; i++) {
        const virCapsGuestMachine *m = g_ptr_array_index(guest->machines, i);

        virBufferAddLit(buf, "<machine");
        virBufferEscapeString(buf, " canonical='%s'", m->canonical);
        if (m->maxCpus > 0)
            virBufferAsprintf(buf, " maxCpus='%u'", m->maxCpus);
        if (m->deprecated)
            virBufferAddLit(buf, " deprecated='yes'");
        virBufferEscapeString(buf, ">%s</machine>\n", m->name);
    }
    for (i = VIR_DOMAIN_VIRT_NONE + 1; i < VIR_DOMAIN_VIRT_LAST; i++) {
        if (guest->domainTypes[i])
            virBufferAsprintf(buf, "<domain type='%s'/>\n",
                              virDomainVirtTypeToString(i));
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</arch>\n");
    virCapabilitiesFormatGuestFeatures(buf, guest);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</guest>\n\n");
}


/**
 * virCapabilitiesFormatXML:
 * Returns the capabilities XML of @caps in libvirt's layout; caller owns
 * the result.
 */
char *
virCapabilitiesFormatXML(const virCaps *caps)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    virBufferAddLit(&buf, "<capabilities>\n\n");
    virBufferAdjustIndent(&buf, 2);
    virCapabilitiesFormatHost(&buf, &caps->host);
    for (i = 0; i < caps->guests->len; i++)
        virCapabilitiesFormatGuest(&buf, g_ptr_array_index(caps->guests, i));
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</capabilities>\n");
    return virBufferContentAndReset(&buf);
}
