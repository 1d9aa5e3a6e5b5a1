/*
 * domain_conf_abi.c: whether two definitions describe the same machine
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A guest migrates into a QEMU started from the destination's copy of
 * its definition: whatever the guest can see (memory size, vCPUs, the
 * machine type, its devices, their models and addresses) must be the
 * same on both sides, or the incoming QEMU refuses the stream ("Size
 * mismatch: pc.ram") after everything started.  libvirt checks a user's
 * XML (virsh migrate --xml) against the running guest first and says
 * what differs; this is that check, with libvirt 9.0's messages, for
 * what this domain model holds.  What the guest cannot see (host paths,
 * titles, graphics listen addresses, tap names, the current balloon
 * size) may differ.
 */
#include <config.h>

#include "domain_conf.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN


/* A count of devices; @msg says of what, with the destination's count
 * then the source's. */
static int
virDomainABICount(const char *msg, size_t src, size_t dst)
{
    if (src == dst)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED, msg, dst, src);
    return -1;
}


static size_t
virDomainABILen(const GPtrArray *array)
{
    return array ? array->len : 0;
}


/* The guest-visible address of a device: type and place. */
static int
virDomainABIDeviceInfo(const virDomainDeviceInfo *src,
                       const virDomainDeviceInfo *dst)
{
    const virPCIDeviceAddress *s = &src->addr.pci;
    const virPCIDeviceAddress *d = &dst->addr.pci;

    if (src->type != dst->type) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target device address type %1$s does not match source %2$s"),
                       virDomainDeviceAddressTypeToString(dst->type),
                       virDomainDeviceAddressTypeToString(src->type));
        return -1;
    }
    if (src->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
        (s->domain != d->domain || s->bus != d->bus || s->slot != d->slot ||
         s->function != d->function)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target device PCI address %1$04x:%2$02x:%3$02x.%4$d does not match source %5$04x:%6$02x:%7$02x.%8$d"),
                       d->domain, d->bus, d->slot, d->function,
                       s->domain, s->bus, s->slot, s->function);
        return -1;
    }
    if (src->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE &&
        (src->addr.drive.controller != dst->addr.drive.controller ||
         src->addr.drive.bus != dst->addr.drive.bus ||
         src->addr.drive.unit != dst->addr.drive.unit)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target device drive address %1$d:%2$d:%3$d does not match source %4$d:%5$d:%6$d"),
                       dst->addr.drive.controller, dst->addr.drive.bus,
                       dst->addr.drive.unit, src->addr.drive.controller,
                       src->addr.drive.bus, src->addr.drive.unit);
        return -1;
    }
    if (src->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL &&
        (src->addr.vioserial.controller != dst->addr.vioserial.controller ||
         src->addr.vioserial.bus != dst->addr.vioserial.bus ||
         src->addr.vioserial.port != dst->addr.vioserial.port)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target device virtio serial address %1$d:%2$d:%3$d does not match source %4$d:%5$d:%6$d"),
                       dst->addr.vioserial.controller, dst->addr.vioserial.bus,
                       dst->addr.vioserial.port, src->addr.vioserial.controller,
                       src->addr.vioserial.bus, src->addr.vioserial.port);
        return -1;
    }
    return 0;
}


/* Name, memory, vCPUs, machine and features. */
static int
virDomainABIGeneral(const virDomainDef *src, const virDomainDef *dst)
{
    char uuidsrc[VIR_UUID_STRING_BUFLEN];
    char uuiddst[VIR_UUID_STRING_BUFLEN];
    size_t i;

    if (src->virtType != dst->virtType) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain virt type %1$s does not match source %2$s"),
                       virDomainVirtTypeToString(dst->virtType),
                       virDomainVirtTypeToString(src->virtType));
        return -1;
    }
    if (memcmp(src->uuid, dst->uuid, VIR_UUID_BUFLEN) != 0) {
        virUUIDFormat(src->uuid, uuidsrc);
        virUUIDFormat(dst->uuid, uuiddst);
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain uuid %1$s does not match source %2$s"),
                       uuiddst, uuidsrc);
        return -1;
    }
    if (STRNEQ_NULLABLE(src->name, dst->name)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain name '%1$s' does not match source '%2$s'"),
                       dst->name, src->name);
        return -1;
    }
    if (src->memory != dst->memory) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain max memory %1$llu does not match source %2$llu"),
                       dst->memory, src->memory);
        return -1;
    }
    if (src->maxvcpus != dst->maxvcpus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain vCPU max %1$u does not match source %2$u"),
                       dst->maxvcpus, src->maxvcpus);
        return -1;
    }
    if (src->vcpus != dst->vcpus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("State of vCPU '%1$u' differs between source and destination definitions"),
                       MIN(src->vcpus, dst->vcpus));
        return -1;
    }
    if (src->hotplugVcpus != dst->hotplugVcpus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain has %1$u hot-plugged vCPUs, the source %2$u"),
                       dst->hotplugVcpus, src->hotplugVcpus);
        return -1;
    }
    if (src->os.type != dst->os.type) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain OS type %1$s does not match source %2$s"),
                       virDomainOSTypeToString(dst->os.type),
                       virDomainOSTypeToString(src->os.type));
        return -1;
    }
    if (src->os.arch != dst->os.arch) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain architecture %1$s does not match source %2$s"),
                       virArchTypeToString(dst->os.arch), virArchTypeToString(src->os.arch));
        return -1;
    }
    if (STRNEQ_NULLABLE(src->os.machine, dst->os.machine)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target domain machine type %1$s does not match source %2$s"),
                       NULLSTR(dst->os.machine), NULLSTR(src->os.machine));
        return -1;
    }
    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++) {
        if (src->features[i] == dst->features[i])
            continue;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("State of feature '%1$s' differs: source: '%2$s', destination: '%3$s'"),
                       virDomainFeatureTypeToString(i),
                       virTristateSwitchTypeToString(src->features[i]),
                       virTristateSwitchTypeToString(dst->features[i]));
        return -1;
    }
    return virDomainABICount(_("Target domain iothreads count %1$zu does not match source %2$zu"),
                             src->iothreadids ? src->iothreadids->len : 0,
                             dst->iothreadids ? dst->iothreadids->len : 0);
}


static int
virDomainABIDisk(const virDomainDiskDef *src, const virDomainDiskDef *dst)
{
    if (src->device != dst->device) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target disk device %1$s does not match source %2$s"),
                       virDomainDiskDeviceTypeToString(dst->device),
                       virDomainDiskDeviceTypeToString(src->device));
        return -1;
    }
    if (src->bus != dst->bus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target disk bus %1$s does not match source %2$s"),
                       virDomainDiskBusTypeToString(dst->bus),
                       virDomainDiskBusTypeToString(src->bus));
        return -1;
    }
    if (STRNEQ(src->dst, dst->dst)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target disk %1$s does not match source %2$s"),
                       dst->dst, src->dst);
        return -1;
    }
    if (STRNEQ_NULLABLE(src->serial, dst->serial)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target disk serial %1$s does not match source %2$s"),
                       NULLSTR(dst->serial), NULLSTR(src->serial));
        return -1;
    }
    if (src->readonly != dst->readonly || src->shareable != dst->shareable) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("Target disk access mode does not match source"));
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABIController(const virDomainControllerDef *src,
                       const virDomainControllerDef *dst)
{
    if (src->type != dst->type) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target controller type %1$s does not match source %2$s"),
                       virDomainControllerTypeToString(dst->type),
                       virDomainControllerTypeToString(src->type));
        return -1;
    }
    if (src->idx != dst->idx) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target controller index %1$d does not match source %2$d"),
                       dst->idx, src->idx);
        return -1;
    }
    if (src->model != dst->model) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target controller model %1$d does not match source %2$d"),
                       dst->model, src->model);
        return -1;
    }
    if (src->ports != dst->ports) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target controller ports %1$d does not match source %2$d"),
                       dst->ports, src->ports);
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABINet(const virDomainNetDef *src, const virDomainNetDef *dst)
{
    char macsrc[VIR_MAC_STRING_BUFLEN];
    char macdst[VIR_MAC_STRING_BUFLEN];

    if (memcmp(src->mac, dst->mac, VIR_MAC_BUFLEN) != 0) {
        virDomainMacFormat(src->mac, macsrc);
        virDomainMacFormat(dst->mac, macdst);
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target network card mac %1$s does not match source %2$s"),
                       macdst, macsrc);
        return -1;
    }
    if (src->model != dst->model) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target network card model %1$s does not match source %2$s"),
                       virDomainNetModelTypeToString(dst->model),
                       virDomainNetModelTypeToString(src->model));
        return -1;
    }
    if (src->mtu != dst->mtu) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target network card MTU %1$d does not match source %2$d"),
                       dst->mtu, src->mtu);
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABIVideo(const virDomainVideoDef *src, const virDomainVideoDef *dst)
{
    if (src->type != dst->type) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target video card model %1$s does not match source %2$s"),
                       virDomainVideoTypeToString(dst->type),
                       virDomainVideoTypeToString(src->type));
        return -1;
    }
    if (src->ram != dst->ram || src->vram != dst->vram) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target video card vram %1$u does not match source %2$u"),
                       src->vram != dst->vram ? dst->vram : dst->ram,
                       src->vram != dst->vram ? src->vram : src->ram);
        return -1;
    }
    if (src->vgamem != dst->vgamem || src->heads != dst->heads) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target video card heads %1$u does not match source %2$u"),
                       dst->heads, src->heads);
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


/* Each array of devices, pairwise in order (@check of each pair);
 * @countMsg for a different count. */
typedef int (*virDomainABICheckFunc)(const void *src, const void *dst);

static int
virDomainABIArray(const char *countMsg, const GPtrArray *src,
                  const GPtrArray *dst, virDomainABICheckFunc check)
{
    size_t i;

    if (virDomainABICount(countMsg, virDomainABILen(src), virDomainABILen(dst)) < 0)
        return -1;
    for (i = 0; i < virDomainABILen(src); i++) {
        if (check(g_ptr_array_index(src, i), g_ptr_array_index(dst, i)) < 0)
            return -1;
    }
    return 0;
}


static int
virDomainABIChannel(const void *s, const void *d)
{
    const virDomainChannelDef *src = s;
    const virDomainChannelDef *dst = d;

    if (STRNEQ_NULLABLE(src->name, dst->name)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target channel name %1$s does not match source %2$s"),
                       NULLSTR(dst->name), NULLSTR(src->name));
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABISerial(const void *s, const void *d)
{
    const virDomainChrDef *src = s;
    const virDomainChrDef *dst = d;

    if (src->port != dst->port) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target serial port %1$d does not match source %2$d"),
                       dst->port, src->port);
        return -1;
    }
    return 0;
}


static int
virDomainABIInput(const void *s, const void *d)
{
    const virDomainInputDef *src = s;
    const virDomainInputDef *dst = d;

    if (src->type != dst->type) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target input device type %1$s does not match source %2$s"),
                       virDomainInputTypeToString(dst->type),
                       virDomainInputTypeToString(src->type));
        return -1;
    }
    if (src->bus != dst->bus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target input device bus %1$s does not match source %2$s"),
                       virDomainInputBusTypeToString(dst->bus),
                       virDomainInputBusTypeToString(src->bus));
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABISound(const void *s, const void *d)
{
    const virDomainSoundDef *src = s;
    const virDomainSoundDef *dst = d;

    if (src->model != dst->model) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target sound card model %1$s does not match source %2$s"),
                       virDomainSoundModelTypeToString(dst->model),
                       virDomainSoundModelTypeToString(src->model));
        return -1;
    }
    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABIRNG(const void *s, const void *d)
{
    const virDomainRNGDef *src = s;
    const virDomainRNGDef *dst = d;

    return virDomainABIDeviceInfo(&src->info, &dst->info);
}


static int
virDomainABIPanic(const void *s, const void *d)
{
    const virDomainPanicDef *src = s;
    const virDomainPanicDef *dst = d;

    if (src->model != dst->model) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target panic model '%1$s' does not match source '%2$s'"),
                       virDomainPanicModelTypeToString(dst->model),
                       virDomainPanicModelTypeToString(src->model));
        return -1;
    }
    return 0;
}


static int
virDomainABIDiskAny(const void *s, const void *d)
{
    return virDomainABIDisk(s, d);
}


static int
virDomainABIControllerAny(const void *s, const void *d)
{
    return virDomainABIController(s, d);
}


static int
virDomainABINetAny(const void *s, const void *d)
{
    return virDomainABINet(s, d);
}


static int
virDomainABIVideoAny(const void *s, const void *d)
{
    return virDomainABIVideo(s, d);
}


/* The single devices: watchdog and balloon. */
static int
virDomainABISingles(const virDomainDef *src, const virDomainDef *dst)
{
    int smodel = src->memballoon ? (int)src->memballoon->model : VIR_DOMAIN_MEMBALLOON_MODEL_NONE;
    int dmodel = dst->memballoon ? (int)dst->memballoon->model : VIR_DOMAIN_MEMBALLOON_MODEL_NONE;

    if (!src->watchdog != !dst->watchdog)
        return virDomainABICount(_("Target domain watchdog count %1$zu does not match source %2$zu"),
                                 !!src->watchdog, !!dst->watchdog);
    if (src->watchdog && src->watchdog->model != dst->watchdog->model) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target watchdog model %1$s does not match source %2$s"),
                       virDomainWatchdogModelTypeToString(dst->watchdog->model),
                       virDomainWatchdogModelTypeToString(src->watchdog->model));
        return -1;
    }
    if (smodel != dmodel) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Target balloon model %1$s does not match source %2$s"),
                       virDomainMemballoonModelTypeToString(dmodel),
                       virDomainMemballoonModelTypeToString(smodel));
        return -1;
    }
    if (src->memballoon && dst->memballoon &&
        virDomainABIDeviceInfo(&src->memballoon->info, &dst->memballoon->info) < 0)
        return -1;
    return 0;
}


/* The arrays of devices checked pairwise, with their count messages. */
static const struct {
    size_t offset;              /* of the GPtrArray * in virDomainDef */
    const char *countMsg;
    virDomainABICheckFunc check;
} virDomainABIArrays[] = {
    { offsetof(virDomainDef, disks),
      N_("Target domain disk count %1$zu does not match source %2$zu"),
      virDomainABIDiskAny },
    { offsetof(virDomainDef, controllers),
      N_("Target domain controller count %1$zu does not match source %2$zu"),
      virDomainABIControllerAny },
    { offsetof(virDomainDef, nets),
      N_("Target domain net card count %1$zu does not match source %2$zu"),
      virDomainABINetAny },
    { offsetof(virDomainDef, inputs),
      N_("Target domain input device count %1$zu does not match source %2$zu"),
      virDomainABIInput },
    { offsetof(virDomainDef, sounds),
      N_("Target domain sound card count %1$zu does not match source %2$zu"),
      virDomainABISound },
    { offsetof(virDomainDef, videos),
      N_("Target domain video card count %1$zu does not match source %2$zu"),
      virDomainABIVideoAny },
    { offsetof(virDomainDef, serials),
      N_("Target domain serial port count %1$zu does not match source %2$zu"),
      virDomainABISerial },
    { offsetof(virDomainDef, channels),
      N_("Target domain channel count %1$zu does not match source %2$zu"),
      virDomainABIChannel },
    { offsetof(virDomainDef, rngs),
      N_("Target domain RNG device count %1$zu does not match source %2$zu"),
      virDomainABIRNG },
    { offsetof(virDomainDef, panics),
      N_("Target domain panic device count %1$zu does not match source %2$zu"),
      virDomainABIPanic },
};


/**
 * virDomainDefCheckABIStability:
 * Whether a guest running with definition @src can go on in a QEMU
 * started from @dst (a migration's destination XML): the same name,
 * UUID, memory, vCPUs, machine, features, and devices with the same
 * models and addresses, in the same order.  Returns 0, or -1 with
 * VIR_ERR_CONFIG_UNSUPPORTED naming the first difference, in
 * libvirt's words ("Target domain max memory 131072 does not match
 * source 65536").
 */
int
virDomainDefCheckABIStability(const virDomainDef *src, const virDomainDef *dst)
{
    size_t i;

    if (virDomainABIGeneral(src, dst) < 0)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(virDomainABIArrays); i++) {
        const GPtrArray *s = *(GPtrArray *const *)((const char *)src +
                                                   virDomainABIArrays[i].offset);
        const GPtrArray *d = *(GPtrArray *const *)((const char *)dst +
                                                   virDomainABIArrays[i].offset);

        if (virDomainABIArray(_(virDomainABIArrays[i].countMsg), s, d,
                              virDomainABIArrays[i].check) < 0)
            return -1;
    }
    return virDomainABISingles(src, dst);
}
