/*
 * qemu_domain_address.c: default controllers and device addresses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt 9.0's PCI address model, rewritten: every PCI bus (one per PCI
 * controller) says which kinds of device it accepts and has slots of
 * eight functions.  Addresses written in the XML are reserved first; the
 * chipset's fixed devices next (i440fx: PIIX3 at slot 1, the primary
 * video at slot 2; q35: SATA at 0x1f.2, the primary video at slot 1);
 * then every device without an address gets the first free slot that
 * accepts it, type by type in libvirt's order.  A first dry run counts
 * the buses that are missing and adds their controllers (pcie-root-ports
 * on q35, pci-bridges on i440fx) exactly as libvirt does, so a guest gets
 * the same addresses, and so the same migration stream layout, here and
 * on a stock libvirt host.
 */
#include <config.h>

#include "qemu_domain_address.h"
#include "qemu_command.h"
#include "domain_conf_controller.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_domain_address");

#define QEMU_PCI_CONNECT_TYPES_MASK 0xfc
#define QEMU_PCI_CONNECT_TYPES_ENDPOINT \
    (QEMU_PCI_CONNECT_TYPE_PCI_DEVICE | QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE)
#define QEMU_PCI_SLOTS 32
#define QEMU_PCI_FLAGS_PCI \
    (QEMU_PCI_CONNECT_TYPE_PCI_DEVICE | QEMU_PCI_CONNECT_AUTOASSIGN)

typedef struct {
    unsigned char functions;    /* bit N: function N in use */
    bool aggregate;             /* root ports may share the slot */
} qemuPCISlot;

typedef struct {
    int model;                  /* virDomainControllerModelPCI */
    unsigned int flags;         /* what it accepts */
    unsigned int minSlot;
    unsigned int maxSlot;
    qemuPCISlot slot[QEMU_PCI_SLOTS];
} qemuPCIBus;

typedef struct {
    GArray *buses;              /* qemuPCIBus */
    bool dryRun;                /* missing buses are added, not refused */
} qemuPCIAddressSet;


static void
qemuPCIAddressSetFree(qemuPCIAddressSet *addrs)
{
    if (!addrs)
        return;
    g_array_unref(addrs->buses);
    g_free(addrs);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuPCIAddressSet, qemuPCIAddressSetFree);


static qemuPCIBus *
qemuPCIBusAt(qemuPCIAddressSet *addrs, unsigned int bus)
{
    return &g_array_index(addrs->buses, qemuPCIBus, bus);
}


static bool
qemuDomainHasPCIeRoot(const virDomainDef *def)
{
    virDomainControllerDef *root =
        virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0);

    return root && root->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT;
}


/* What a bus of @model accepts downstream (libvirt's table). */
static void
qemuPCIBusSetModel(qemuPCIBus *bus, int model)
{
    bus->model = model;
    bus->minSlot = 1;
    bus->maxSlot = QEMU_PCI_SLOTS - 1;
    switch ((virDomainControllerModelPCI)model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        bus->flags = QEMU_PCI_CONNECT_AUTOASSIGN |
                     QEMU_PCI_CONNECT_TYPE_PCI_DEVICE |
                     QEMU_PCI_CONNECT_TYPE_PCI_BRIDGE;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
        bus->flags = QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE |
                     QEMU_PCI_CONNECT_TYPE_PCIE_ROOT_PORT |
                     QEMU_PCI_CONNECT_TYPE_DMI_TO_PCI_BRIDGE;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        bus->flags = QEMU_PCI_CONNECT_TYPE_PCI_DEVICE |
                     QEMU_PCI_CONNECT_TYPE_PCI_BRIDGE;
        bus->minSlot = 0;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        bus->flags = QEMU_PCI_CONNECT_AUTOASSIGN |
                     QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE |
                     QEMU_PCI_CONNECT_TYPE_PCIE_TO_PCI_BRIDGE;
        bus->minSlot = 0;
        bus->maxSlot = 0;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        bus->flags = 0;
        break;
    }
}


/* The connection a PCI controller of @model needs upstream. */
static unsigned int
qemuPCIControllerConnectType(int model)
{
    switch ((virDomainControllerModelPCI)model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        return QEMU_PCI_CONNECT_TYPE_PCI_BRIDGE;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        return QEMU_PCI_CONNECT_TYPE_DMI_TO_PCI_BRIDGE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return QEMU_PCI_CONNECT_TYPE_PCIE_TO_PCI_BRIDGE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        return QEMU_PCI_CONNECT_TYPE_PCIE_ROOT_PORT |
               QEMU_PCI_CONNECT_AGGREGATE_SLOT;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        return 0;
    }
}


static unsigned int
qemuControllerConnectFlags(const virDomainControllerDef *cont,
                           unsigned int pcieFlags)
{
    switch (cont->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        return qemuPCIControllerConnectType(cont->model);
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
    case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
        return QEMU_PCI_FLAGS_PCI;
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
            return 0;
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI)
            return pcieFlags;
        return QEMU_PCI_FLAGS_PCI;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI)
            return pcieFlags;
        return QEMU_PCI_FLAGS_PCI;
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return pcieFlags;
    case VIR_DOMAIN_CONTROLLER_TYPE_NONE:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
    default:
        return 0;
    }
}


/**
 * qemuDomainDeviceConnectFlags:
 * How device @dev of @def connects to PCI, as libvirt 9.0 decides it with
 * QEMU 7.2: 0 for a device that is not PCI; virtio devices are PCI Express
 * on q35 (QEMU has transitional virtio), legacy devices (VGA, e1000,
 * rtl8139, UHCI, ...) conventional PCI.  A new PCI device type adds its
 * case here and its pass to qemuDomainAssignPCIPasses.
 */
unsigned int
qemuDomainDeviceConnectFlags(const virDomainDef *def,
                             const virDomainDeviceDef *dev)
{
    unsigned int pcieFlags = QEMU_PCI_CONNECT_AUTOASSIGN |
                             (qemuDomainHasPCIeRoot(def)
                                  ? QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE
                                  : QEMU_PCI_CONNECT_TYPE_PCI_DEVICE);

    switch (dev->type) {
    case VIR_DOMAIN_DEVICE_CONTROLLER:
        return qemuControllerConnectFlags(dev->data.controller, pcieFlags);
    case VIR_DOMAIN_DEVICE_DISK:
        return dev->data.disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO ? pcieFlags
                                                                 : 0;
    case VIR_DOMAIN_DEVICE_NET:
        return dev->data.net->model == VIR_DOMAIN_NET_MODEL_VIRTIO ||
               dev->data.net->model == VIR_DOMAIN_NET_MODEL_E1000E
                   ? pcieFlags : QEMU_PCI_FLAGS_PCI;
    case VIR_DOMAIN_DEVICE_VIDEO:
        switch (dev->data.video->type) {
        case VIR_DOMAIN_VIDEO_TYPE_NONE:
            return 0;
        case VIR_DOMAIN_VIDEO_TYPE_VIRTIO:
        case VIR_DOMAIN_VIDEO_TYPE_BOCHS:
            return pcieFlags;
        case VIR_DOMAIN_VIDEO_TYPE_VGA:
        case VIR_DOMAIN_VIDEO_TYPE_CIRRUS:
        case VIR_DOMAIN_VIDEO_TYPE_QXL:
        case VIR_DOMAIN_VIDEO_TYPE_LAST:
        default:
            return QEMU_PCI_FLAGS_PCI;
        }
    case VIR_DOMAIN_DEVICE_SOUND:
        return QEMU_PCI_FLAGS_PCI;
    case VIR_DOMAIN_DEVICE_WATCHDOG:
        return dev->data.watchdog->model == VIR_DOMAIN_WATCHDOG_MODEL_I6300ESB
                   ? QEMU_PCI_FLAGS_PCI : 0;
    case VIR_DOMAIN_DEVICE_RNG:
        return pcieFlags;
    case VIR_DOMAIN_DEVICE_CHANNEL:
    case VIR_DOMAIN_DEVICE_PANIC:
    case VIR_DOMAIN_DEVICE_MEMBALLOON:
        return dev->data.memballoon->model ==
               VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO ? pcieFlags : 0;
    case VIR_DOMAIN_DEVICE_INPUT:
        return dev->data.input->bus == VIR_DOMAIN_INPUT_BUS_VIRTIO
                   ? pcieFlags : 0;
    case VIR_DOMAIN_DEVICE_CHR:
    case VIR_DOMAIN_DEVICE_NONE:
    case VIR_DOMAIN_DEVICE_LAST:
    default:
        return 0;
    }
}


/* ---- the address set ---- */

static qemuPCIAddressSet *
qemuPCIAddressSetNew(const virDomainDef *def, unsigned int nbuses,
                     bool dryRun)
{
    g_autoptr(qemuPCIAddressSet) addrs = g_new0(qemuPCIAddressSet, 1);
    int dflt = qemuDomainHasPCIeRoot(def)
                   ? VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT
                   : VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE;
    unsigned int i;

    addrs->buses = g_array_new(FALSE, TRUE, sizeof(qemuPCIBus));
    g_array_set_size(addrs->buses, nbuses);
    addrs->dryRun = dryRun;
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            (unsigned int)cont->idx < nbuses)
            qemuPCIBusSetModel(qemuPCIBusAt(addrs, cont->idx), cont->model);
    }
    for (i = 0; i < nbuses; i++) {
        qemuPCIBus *bus = qemuPCIBusAt(addrs, i);

        if (!bus->flags)
            qemuPCIBusSetModel(bus, i == 0 ? VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT
                                           : dflt);
    }
    return g_steal_pointer(&addrs);
}


/* May a device with @devFlags sit on a bus accepting @busFlags?  An
 * address from the config may put any endpoint on any endpoint bus. */
static bool
qemuPCIFlagsCompatible(const virPCIDeviceAddress *addr, unsigned int busFlags,
                       unsigned int devFlags, bool fromConfig, bool report)
{
    g_autofree char *str = virPCIDeviceAddressAsString(addr);
    virErrorNumber code = fromConfig ? VIR_ERR_XML_ERROR
                                     : VIR_ERR_INTERNAL_ERROR;

    if (fromConfig) {
        if (busFlags & QEMU_PCI_CONNECT_TYPES_ENDPOINT)
            busFlags |= QEMU_PCI_CONNECT_TYPES_ENDPOINT;
        if (devFlags & QEMU_PCI_CONNECT_TYPE_PCI_BRIDGE)
            devFlags |= QEMU_PCI_CONNECT_TYPE_PCI_DEVICE;
    } else if ((devFlags & QEMU_PCI_CONNECT_AUTOASSIGN) &&
               !(busFlags & QEMU_PCI_CONNECT_AUTOASSIGN)) {
        if (report)
            virReportError(code,
                           _("The device at PCI address %1$s was auto-assigned this address, but the PCI controller with index='%2$d' doesn't allow auto-assignment"),
                           str, addr->bus);
        return false;
    }
    if (devFlags & busFlags & QEMU_PCI_CONNECT_TYPES_MASK)
        return true;
    if (report)
        virReportError(code,
                       _("The device at PCI address %1$s cannot be plugged into the PCI controller with index='%2$d'. It requires a controller that accepts a %3$s."),
                       str, addr->bus,
                       (devFlags & QEMU_PCI_CONNECT_TYPE_PCI_DEVICE) ? "standard PCI device" :
                       (devFlags & QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE) ? "PCI Express device" :
                       (devFlags & QEMU_PCI_CONNECT_TYPE_PCIE_ROOT_PORT) ? "pcie-root-port" :
                       (devFlags & QEMU_PCI_CONNECT_TYPE_DMI_TO_PCI_BRIDGE) ? "dmi-to-pci-bridge" :
                       (devFlags & QEMU_PCI_CONNECT_TYPE_PCIE_TO_PCI_BRIDGE) ? "pcie-to-pci-bridge" :
                       "pci-bridge");
    return false;
}


static bool
qemuPCIAddressValidate(qemuPCIAddressSet *addrs, const virPCIDeviceAddress *addr,
                       unsigned int flags, bool fromConfig)
{
    g_autofree char *str = virPCIDeviceAddressAsString(addr);
    virErrorNumber code = fromConfig ? VIR_ERR_XML_ERROR
                                     : VIR_ERR_INTERNAL_ERROR;
    qemuPCIBus *bus;

    if (addr->bus >= addrs->buses->len) {
        virReportError(code,
                       _("Invalid PCI address %1$s. Only PCI buses up to %2$u are available"),
                       str, addrs->buses->len - 1);
        return false;
    }
    bus = qemuPCIBusAt(addrs, addr->bus);
    if (!qemuPCIFlagsCompatible(addr, bus->flags, flags, fromConfig, true))
        return false;
    if (addr->slot < bus->minSlot) {
        virReportError(code,
                       _("Invalid PCI address %1$s. slot must be >= %2$u"),
                       str, bus->minSlot);
        return false;
    }
    if (addr->slot > bus->maxSlot) {
        virReportError(code,
                       _("Invalid PCI address %1$s. slot must be <= %2$u"),
                       str, bus->maxSlot);
        return false;
    }
    return true;
}


/* Adds the buses a dry run needs for @addr (libvirt's SetGrow): a
 * pcie-root-port per PCI Express device, a pci-bridge per 31 PCI devices,
 * preceded on a pure PCIe guest by a pcie-root-port and a
 * pcie-to-pci-bridge.  Returns 0 or -1 (reported). */
static int
qemuPCIAddressSetGrow(qemuPCIAddressSet *addrs, virPCIDeviceAddress *addr,
                      unsigned int flags)
{
    unsigned int i = addrs->buses->len;
    int add = (int)addr->bus - (int)addrs->buses->len + 1;
    bool needPCIeToPCIBridge = false;
    int model;

    if (add <= 0)
        return 0;
    if (flags & QEMU_PCI_CONNECT_TYPE_PCI_DEVICE) {
        size_t b;

        model = VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE;
        needPCIeToPCIBridge = true;
        for (b = 0; b < addrs->buses->len; b++) {
            if (qemuPCIBusAt(addrs, b)->flags & QEMU_PCI_CONNECT_TYPE_PCI_BRIDGE)
                needPCIeToPCIBridge = false;
        }
        if (needPCIeToPCIBridge && add == 1) {
            add++;
            addr->bus++;
        }
    } else if (flags & QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE) {
        model = VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT;
    } else {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Cannot automatically add a new PCI bus for a device with connect flags %1$.2x"),
                       flags);
        return -1;
    }
    g_array_set_size(addrs->buses, addrs->buses->len + add);
    if (needPCIeToPCIBridge) {
        qemuPCIBusSetModel(qemuPCIBusAt(addrs, i),
                           VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT);
        qemuPCIBusAt(addrs, i++)->flags = QEMU_PCI_CONNECT_TYPE_PCIE_TO_PCI_BRIDGE;
        qemuPCIBusSetModel(qemuPCIBusAt(addrs, i++),
                           VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE);
    }
    for (; i < addrs->buses->len; i++)
        qemuPCIBusSetModel(qemuPCIBusAt(addrs, i), model);
    return 0;
}


/* Marks @addr used.  Returns 0 or -1 (reported; a clash is libvirt's
 * "Attempted double use of PCI Address"). */
static int
qemuPCIAddressReserve(qemuPCIAddressSet *addrs, virPCIDeviceAddress *addr,
                      unsigned int flags, bool fromConfig)
{
    g_autofree char *str = virPCIDeviceAddressAsString(addr);
    qemuPCISlot *slot;

    if (addrs->dryRun && qemuPCIAddressSetGrow(addrs, addr, flags) < 0)
        return -1;
    if (!qemuPCIAddressValidate(addrs, addr, flags, fromConfig))
        return -1;
    slot = &qemuPCIBusAt(addrs, addr->bus)->slot[addr->slot];
    if (slot->functions & (1 << addr->function)) {
        virReportError(fromConfig ? VIR_ERR_XML_ERROR : VIR_ERR_INTERNAL_ERROR,
                       _("Attempted double use of PCI Address %1$s"), str);
        return -1;
    }
    if (!slot->functions && (flags & QEMU_PCI_CONNECT_AGGREGATE_SLOT))
        slot->aggregate = true;
    slot->functions |= 1 << addr->function;
    return 0;
}


static bool
qemuPCIFindFreeOnBus(qemuPCIBus *bus, virPCIDeviceAddress *a, int function,
                     unsigned int flags)
{
    if (!qemuPCIFlagsCompatible(a, bus->flags, flags, false, false))
        return false;
    for (; a->slot <= bus->maxSlot; a->slot++) {
        qemuPCISlot *slot = &bus->slot[a->slot];

        if (!slot->functions)
            return true;
        if (!(flags & QEMU_PCI_CONNECT_AGGREGATE_SLOT) || !slot->aggregate)
            continue;
        if (!(slot->functions & (1 << a->function)))
            return true;
        if (function != -1)
            continue;
        for (; a->function < 8; a->function++) {
            if (!(slot->functions & (1 << a->function)))
                return true;
        }
        a->function = 0;
    }
    return false;
}


/* Reserves the first free address accepting @flags (function @function,
 * -1: any) and, unless this is a dry run, gives it to @info. */
static int
qemuPCIAddressReserveNext(qemuPCIAddressSet *addrs, virDomainDeviceInfo *info,
                          unsigned int flags, int function)
{
    virPCIDeviceAddress a = { .function = function < 0 ? 0 : function };
    bool found = false;

    for (a.bus = 0; a.bus < addrs->buses->len && !found; a.bus++) {
        a.slot = qemuPCIBusAt(addrs, a.bus)->minSlot;
        if ((found = qemuPCIFindFreeOnBus(qemuPCIBusAt(addrs, a.bus), &a,
                                          function, flags)))
            break;
    }
    if (!found && !addrs->dryRun) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("No more available PCI slots"));
        return -1;
    }
    if (!found) {
        if (qemuPCIAddressSetGrow(addrs, &a, flags) < 0)
            return -1;
        a.slot = qemuPCIBusAt(addrs, a.bus)->minSlot;
    }
    if (qemuPCIAddressReserve(addrs, &a, flags, false) < 0)
        return -1;
    if (!addrs->dryRun && info) {
        a.multi = info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI
                      ? info->addr.pci.multi : 0;
        info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        info->addr.pci = a;
    }
    return 0;
}


/* Wants an address: none given, or <address type='pci'/> without one. */
static bool
qemuPCIAddressWanted(const virDomainDeviceInfo *info)
{
    return info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE ||
           (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            virPCIDeviceAddressIsEmpty(&info->addr.pci));
}


/* ---- collecting what the config says ---- */

typedef struct {
    qemuPCIAddressSet *addrs;
    bool i440fx;
} qemuPCICollectData;


static int
qemuPCICollectOne(virDomainDef *def, virDomainDeviceDef *dev,
                  virDomainDeviceInfo *info, void *opaque)
{
    qemuPCICollectData *data = opaque;
    virPCIDeviceAddress *addr = &info->addr.pci;
    unsigned int flags;

    if (!virDomainDeviceInfoHasPCIAddress(info))
        return 0;
    /* PIIX3's IDE (1.1) and UHCI (1.2) are reserved with the chipset */
    if (data->i440fx && dev->type == VIR_DOMAIN_DEVICE_CONTROLLER &&
        addr->bus == 0 && addr->slot == 1 && dev->data.controller->idx == 0 &&
        ((dev->data.controller->type == VIR_DOMAIN_CONTROLLER_TYPE_IDE &&
          addr->function == 1) ||
         (dev->data.controller->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
          dev->data.controller->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI &&
          addr->function == 2)))
        return 0;
    if (!(flags = qemuDomainDeviceConnectFlags(def, dev)))
        flags = QEMU_PCI_CONNECT_TYPE_PCI_DEVICE;
    return qemuPCIAddressReserve(data->addrs, addr, flags, true);
}


static qemuPCIAddressSet *
qemuPCIAddressSetCreate(virDomainDef *def, unsigned int nbuses, bool dryRun)
{
    g_autoptr(qemuPCIAddressSet) addrs = qemuPCIAddressSetNew(def, nbuses,
                                                              dryRun);
    qemuPCICollectData data = {
        .addrs = addrs,
        .i440fx = qemuMachineGetFamily(def->os.machine) ==
                  QEMU_MACHINE_FAMILY_I440FX,
    };

    if (virDomainDeviceInfoIterate(def, qemuPCICollectOne, &data) != 0)
        return NULL;
    return g_steal_pointer(&addrs);
}


/* ---- the chipsets' fixed devices ---- */

/* Puts controller @cont (idx 0) at @fixed, or checks it is there. */
static int
qemuPCIFixController(qemuPCIAddressSet *addrs, virDomainControllerDef *cont,
                     const virPCIDeviceAddress *fixed, unsigned int flags,
                     const char *msg, bool reserve)
{
    virPCIDeviceAddress *addr = &cont->info.addr.pci;

    if (virDomainDeviceInfoHasPCIAddress(&cont->info)) {
        if (addr->bus != fixed->bus || addr->slot != fixed->slot ||
            addr->function != fixed->function) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s", msg);
            return -1;
        }
    } else {
        virDomainDeviceInfoSetPCI(&cont->info, fixed->bus, fixed->slot,
                                  fixed->function);
    }
    if (!reserve)
        return 0;
    return qemuPCIAddressReserve(addrs, addr, flags, true);
}


/* The primary video adapter at @slot of bus 0 when free, else the next
 * free slot (QEMU's own placement of the first VGA). */
static int
qemuPCIPlacePrimaryVideo(virDomainDef *def, qemuPCIAddressSet *addrs,
                         unsigned int slot, unsigned int flags)
{
    virPCIDeviceAddress a = { .slot = slot };
    virDomainVideoDef *video = def->videos->len > 0
                                   ? g_ptr_array_index(def->videos, 0) : NULL;

    if (!video || video->type == VIR_DOMAIN_VIDEO_TYPE_NONE ||
        !qemuPCIAddressWanted(&video->info))
        return 0;
    if (!qemuPCIAddressValidate(addrs, &a, flags, true))
        return -1;
    if (qemuPCIBusAt(addrs, 0)->slot[slot].functions)
        return qemuPCIAddressReserveNext(addrs, &video->info,
                                         QEMU_PCI_FLAGS_PCI, -1);
    if (qemuPCIAddressReserve(addrs, &a, flags, true) < 0)
        return -1;
    virDomainDeviceInfoSetPCI(&video->info, 0, slot, 0);
    return 0;
}


static int
qemuPCIReserveI440FX(virDomainDef *def, qemuPCIAddressSet *addrs)
{
    const virPCIDeviceAddress ide = { .slot = 1, .function = 1 };
    const virPCIDeviceAddress usb = { .slot = 1, .function = 2 };
    virPCIDeviceAddress a = { .slot = 1 };
    unsigned int flags = QEMU_PCI_FLAGS_PCI;
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->idx != 0)
            continue;
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_IDE &&
            qemuPCIFixController(addrs, cont, &ide, flags,
                                 _("Primary IDE controller must have PCI address 0:0:1.1"),
                                 true) < 0)
            return -1;
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI &&
            qemuPCIFixController(addrs, cont, &usb, flags,
                                 _("PIIX3 USB controller at index 0 must have PCI address 0:0:1.2"),
                                 true) < 0)
            return -1;
    }
    /* the ISA bridge (1.0) and the power management bridge (1.3) */
    if (qemuPCIAddressReserve(addrs, &a, flags, true) < 0)
        return -1;
    a.function = 3;
    if (qemuPCIAddressReserve(addrs, &a, flags, true) < 0)
        return -1;
    return qemuPCIPlacePrimaryVideo(def, addrs, 2, flags);
}


static int
qemuPCIReserveQ35(virDomainDef *def, qemuPCIAddressSet *addrs)
{
    const virPCIDeviceAddress sata = { .slot = 0x1f, .function = 2 };
    virPCIDeviceAddress a = { .slot = 0x1f };
    unsigned int flags = QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE;
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        /* reserved when the config's addresses are collected */
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_SATA && cont->idx == 0 &&
            qemuPCIFixController(addrs, cont, &sata, flags,
                                 _("Primary SATA controller must have PCI address 0:0:1f.2"),
                                 false) < 0)
            return -1;
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1 &&
            cont->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
            virPCIDeviceAddress u = { .slot = 0x1d };

            if (qemuPCIBusAt(addrs, 0)->slot[u.slot].functions)
                u.slot = 0x1a;
            if (qemuPCIBusAt(addrs, 0)->slot[u.slot].functions)
                continue;
            if (qemuPCIAddressReserve(addrs, &u, flags, true) < 0)
                return -1;
            virDomainDeviceInfoSetPCI(&cont->info, 0, u.slot, 0);
            cont->info.addr.pci.multi = VIR_TRISTATE_SWITCH_ON;
        }
    }
    /* the LPC/ISA bridge (0x1f.0) and SMBus (0x1f.3) are always there */
    if (qemuPCIAddressReserve(addrs, &a, flags, true) < 0)
        return -1;
    a.function = 3;
    if (qemuPCIAddressReserve(addrs, &a, flags, true) < 0)
        return -1;
    return qemuPCIPlacePrimaryVideo(def, addrs, 1, flags);
}


static int
qemuPCIReserveChipset(virDomainDef *def, qemuPCIAddressSet *addrs)
{
    switch (qemuMachineGetFamily(def->os.machine)) {
    case QEMU_MACHINE_FAMILY_I440FX:
        return qemuPCIReserveI440FX(def, addrs);
    case QEMU_MACHINE_FAMILY_Q35:
        return qemuPCIReserveQ35(def, addrs);
    case QEMU_MACHINE_FAMILY_NONE:
    case QEMU_MACHINE_FAMILY_LAST:
    default:
        return 0;
    }
}


/* ---- assigning ---- */

static bool
qemuUSB2Companion(const virDomainControllerDef *cont)
{
    return cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
           (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1 ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1 ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2 ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3);
}


/* EHCI and its UHCI companions share one slot: EHCI function 7, UHCI1..3
 * functions 0..2 (libvirt's layout). */
static int
qemuPCIAssignUSB2(virDomainDef *def, qemuPCIAddressSet *addrs,
                  virDomainControllerDef *cont, unsigned int flags)
{
    virPCIDeviceAddress addr = { 0 };
    bool found = false;
    size_t j;

    for (j = 0; j < def->controllers->len && !found; j++) {
        virDomainControllerDef *o = g_ptr_array_index(def->controllers, j);

        if (qemuUSB2Companion(o) && o->idx == cont->idx &&
            virDomainDeviceInfoHasPCIAddress(&o->info)) {
            addr = o->info.addr.pci;
            found = true;
        }
    }
    addr.multi = 0;
    switch (cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1:
        addr.function = 7;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1:
        addr.function = 0;
        addr.multi = VIR_TRISTATE_SWITCH_ON;
        break;
    default:
        addr.function = cont->model - VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1;
        break;
    }
    if (!found) {
        if (qemuPCIAddressReserveNext(addrs, &cont->info, flags,
                                      addr.function) < 0)
            return -1;
        cont->info.addr.pci.multi = addr.multi;
        return 0;
    }
    if (qemuPCIAddressReserve(addrs, &addr, flags, true) < 0)
        return -1;
    cont->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    cont->info.addr.pci = addr;
    return 0;
}


typedef enum {
    QEMU_PCI_PASS_PCI_CONTROLLERS,
    QEMU_PCI_PASS_OTHER_CONTROLLERS,
    QEMU_PCI_PASS_DEVICE,
} qemuPCIPassKind;

/* libvirt's order of qemuDomainAssignDevicePCISlots.  Sound cards come
 * after NICs, rng and watchdog after the balloon: a device type added
 * later slots in at its place here. */
static const struct {
    qemuPCIPassKind kind;
    virDomainDeviceType type;
} qemuPCIPasses[] = {
    { QEMU_PCI_PASS_PCI_CONTROLLERS, VIR_DOMAIN_DEVICE_CONTROLLER },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_NET },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_SOUND },
    { QEMU_PCI_PASS_OTHER_CONTROLLERS, VIR_DOMAIN_DEVICE_CONTROLLER },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_DISK },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_MEMBALLOON },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_RNG },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_WATCHDOG },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_VIDEO },
    { QEMU_PCI_PASS_DEVICE, VIR_DOMAIN_DEVICE_INPUT },
};

typedef struct {
    qemuPCIAddressSet *addrs;
    size_t pass;
} qemuPCIAssignData;


static int
qemuPCIAssignOne(virDomainDef *def, virDomainDeviceDef *dev,
                 virDomainDeviceInfo *info, void *opaque)
{
    qemuPCIAssignData *data = opaque;
    qemuPCIPassKind kind = qemuPCIPasses[data->pass].kind;
    virDomainControllerDef *cont = dev->data.controller;
    unsigned int flags;

    if (dev->type != qemuPCIPasses[data->pass].type ||
        !qemuPCIAddressWanted(info) ||
        !(flags = qemuDomainDeviceConnectFlags(def, dev)))
        return 0;
    if (dev->type == VIR_DOMAIN_DEVICE_CONTROLLER) {
        bool pci = cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI;

        if (pci != (kind == QEMU_PCI_PASS_PCI_CONTROLLERS))
            return 0;
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_IDE && cont->idx == 0)
            return 0;
        if (qemuUSB2Companion(cont))
            return qemuPCIAssignUSB2(def, data->addrs, cont, flags) < 0 ? -1 : 0;
    }
    if (dev->type == VIR_DOMAIN_DEVICE_DISK &&
        info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
        info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("virtio disk cannot have an address of type '%1$s'"),
                       virDomainDeviceAddressTypeToString(info->type));
        return -1;
    }
    return qemuPCIAddressReserveNext(data->addrs, info, flags, -1) < 0 ? -1 : 0;
}


static int
qemuPCIAssignDevices(virDomainDef *def, qemuPCIAddressSet *addrs)
{
    qemuPCIAssignData data = { .addrs = addrs };

    for (data.pass = 0; data.pass < G_N_ELEMENTS(qemuPCIPasses); data.pass++) {
        if (virDomainDeviceInfoIterate(def, qemuPCIAssignOne, &data) != 0)
            return -1;
    }
    return 0;
}


static int
qemuPCIMaxControllerIndex(const virDomainDef *def)
{
    int max = -1;
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI && cont->idx > max)
            max = cont->idx;
    }
    return max;
}


static bool
qemuPCIBusesFullyReserved(qemuPCIAddressSet *addrs)
{
    size_t b;
    unsigned int s;

    for (b = 0; b < addrs->buses->len; b++) {
        qemuPCIBus *bus = qemuPCIBusAt(addrs, b);

        for (s = bus->minSlot; s <= bus->maxSlot; s++) {
            if (!bus->slot[s].functions)
                return false;
        }
    }
    return true;
}


/* The dry run: how many buses does the guest need?  Adds the controllers
 * of the missing ones (libvirt's first pass of
 * qemuDomainAssignPCIAddresses).  Returns the bus count, -1 on error. */
static int
qemuPCICountBuses(virDomainDef *def, int maxIdx)
{
    g_autoptr(qemuPCIAddressSet) addrs = NULL;
    virDomainDeviceInfo dummy = { 0 };
    size_t i;

    if (!(addrs = qemuPCIAddressSetCreate(def, maxIdx + 1, true)) ||
        qemuPCIReserveChipset(def, addrs) < 0)
        return -1;
    /* pci-root: keep one slot free for a future bridge */
    if (!qemuDomainHasPCIeRoot(def) && !qemuPCIBusesFullyReserved(addrs) &&
        qemuPCIAddressReserveNext(addrs, &dummy, QEMU_PCI_FLAGS_PCI, -1) < 0)
        return -1;
    if (qemuPCIAssignDevices(def, addrs) < 0)
        return -1;
    /* a new q35 guest gets one spare pcie-root-port for hotplug */
    if (maxIdx <= 0 && (int)addrs->buses->len > maxIdx + 1 &&
        qemuDomainHasPCIeRoot(def) &&
        qemuPCIAddressReserveNext(addrs, &dummy,
                                  QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE |
                                  QEMU_PCI_CONNECT_AUTOASSIGN, -1) < 0)
        return -1;
    for (i = 1; i < addrs->buses->len; i++) {
        virDomainControllerDef *cont;
        virDomainDeviceDef dev = { .type = VIR_DOMAIN_DEVICE_CONTROLLER };
        int model = qemuPCIBusAt(addrs, i)->model;

        if (virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, i))
            continue;
        cont = virDomainDefEnsureController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI,
                                            i, model);
        dev.data.controller = cont;
        if (qemuPCIAddressReserveNext(addrs, NULL,
                                      qemuDomainDeviceConnectFlags(def, &dev),
                                      -1) < 0)
            return -1;
    }
    return addrs->buses->len;
}


static int
qemuPCISetMultiOne(virDomainDef *def G_GNUC_UNUSED,
                   virDomainDeviceDef *dev G_GNUC_UNUSED,
                   virDomainDeviceInfo *info, void *opaque)
{
    const virPCIDeviceAddress *other = opaque;
    virPCIDeviceAddress *addr = &info->addr.pci;

    if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
        addr->bus == other->bus && addr->slot == other->slot &&
        addr->function == 0 && !addr->multi)
        addr->multi = VIR_TRISTATE_SWITCH_ON;
    return 0;
}


static int
qemuPCISetAllMultiOne(virDomainDef *def, virDomainDeviceDef *dev G_GNUC_UNUSED,
                      virDomainDeviceInfo *info, void *opaque G_GNUC_UNUSED)
{
    if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
        info->addr.pci.function != 0)
        virDomainDeviceInfoIterate(def, qemuPCISetMultiOne, &info->addr.pci);
    return 0;
}


/* <model name=''> and <target> values libvirt fills for PCI controllers. */
static int
qemuPCIControllerDefaults(virDomainControllerDef *cont)
{
    virDomainControllerPCIOpts *opts = &cont->pci;
    const virPCIDeviceAddress *addr = &cont->info.addr.pci;

    switch ((virDomainControllerModelPCI)cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        if (!opts->modelName)
            opts->modelName = VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCI_BRIDGE;
        if (opts->chassisNr == -1)
            opts->chassisNr = cont->idx;
        if (cont->idx <= (int)addr->bus) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("PCI controller at index %1$d (0x%2$02x) has bus='0x%3$02x', but index must be larger than bus"),
                           cont->idx, cont->idx, addr->bus);
            return -1;
        }
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        if (!opts->modelName)
            opts->modelName = VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_I82801B11_BRIDGE;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        if (!opts->modelName)
            opts->modelName = VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_PCI_BRIDGE;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        if (!opts->modelName)
            opts->modelName = VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_ROOT_PORT;
        if (opts->chassis == -1)
            opts->chassis = cont->idx;
        if (opts->port == -1)
            opts->port = (addr->slot << 3) + addr->function;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        break;
    }
    return 0;
}


static int
qemuDomainAssignPCIAddresses(virDomainDef *def)
{
    g_autoptr(qemuPCIAddressSet) addrs = NULL;
    int maxIdx = qemuPCIMaxControllerIndex(def);
    int nbuses;
    size_t i;

    if (maxIdx < 0)
        return 0;
    if ((nbuses = qemuPCICountBuses(def, maxIdx)) < 0)
        return -1;
    if (!(addrs = qemuPCIAddressSetCreate(def, nbuses, false)) ||
        qemuPCIReserveChipset(def, addrs) < 0 ||
        qemuPCIAssignDevices(def, addrs) < 0)
        return -1;
    virDomainDeviceInfoIterate(def, qemuPCISetAllMultiOne, NULL);
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            qemuPCIControllerDefaults(cont) < 0)
            return -1;
    }
    return 0;
}


/* ---- USB ports ---- */

/* Ports of a USB controller: ports='' or the model's default. */
static unsigned int
qemuUSBControllerPorts(const virDomainControllerDef *cont)
{
    if (cont->ports > 0)
        return cont->ports;
    switch (cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3:
        return 2;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1:
        return 6;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI:
        return 4;
    default:
        return 0;
    }
}


typedef struct {
    GHashTable *used;           /* "bus.port" of taken ports */
    bool assign;                /* false: collect the given ones */
} qemuUSBData;


static bool
qemuDeviceIsUSB(const virDomainDeviceDef *dev)
{
    return (dev->type == VIR_DOMAIN_DEVICE_INPUT &&
            dev->data.input->bus == VIR_DOMAIN_INPUT_BUS_USB) ||
           (dev->type == VIR_DOMAIN_DEVICE_DISK &&
            dev->data.disk->bus == VIR_DOMAIN_DISK_BUS_USB);
}


static int
qemuUSBAssignOne(virDomainDef *def, virDomainDeviceDef *dev,
                 virDomainDeviceInfo *info, void *opaque)
{
    qemuUSBData *data = opaque;
    size_t i;

    if (!qemuDeviceIsUSB(dev))
        return 0;
    if (!data->assign) {
        if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB &&
            info->addr.usb.port[0] &&
            !g_hash_table_add(data->used,
                              g_strdup_printf("%u.%u", info->addr.usb.bus,
                                              info->addr.usb.port[0]))) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("Duplicate USB address bus %1$u port %2$u"),
                           info->addr.usb.bus, info->addr.usb.port[0]);
            return -1;
        }
        return 0;
    }
    if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB &&
        info->addr.usb.port[0])
        return 0;
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);
        unsigned int port;

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_USB ||
            cont->info.usbMaster)
            continue;
        for (port = 1; port <= qemuUSBControllerPorts(cont); port++) {
            g_autofree char *key = g_strdup_printf("%d.%u", cont->idx, port);

            if (g_hash_table_contains(data->used, key))
                continue;
            g_hash_table_add(data->used, g_steal_pointer(&key));
            memset(&info->addr, 0, sizeof(info->addr));
            info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB;
            info->addr.usb.bus = cont->idx;
            info->addr.usb.port[0] = port;
            return 0;
        }
    }
    /* no controller or no free port: QEMU would refuse; the validation
     * of the command line reports it */
    return 0;
}


static int
qemuDomainAssignUSBAddresses(virDomainDef *def)
{
    g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal,
                                                       g_free, NULL);
    qemuUSBData data = { .used = used };

    if (virDomainDeviceInfoIterate(def, qemuUSBAssignOne, &data) != 0)
        return -1;
    data.assign = true;
    return virDomainDeviceInfoIterate(def, qemuUSBAssignOne, &data) != 0 ? -1
                                                                        : 0;
}


/* ---- entry points (virDomainDefParserConfig callbacks) ---- */

/* Controllers libvirt gives a model when none is written. */
static void
qemuDomainControllerDefaultModels(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->model != -1)
            continue;
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
            cont->model = VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI;
        else if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_SCSI)
            cont->model = VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC;
    }
}


static int
qemuDomainAddRootController(virDomainDef *def, int model)
{
    virDomainControllerDef *root =
        virDomainDefEnsureController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0,
                                     model);

    if (root->model == -1)
        root->model = model;
    if (root->model != model) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("The PCI controller with index='0' must be model='%1$s' for this machine type, but model='%2$s' was found instead"),
                       virDomainControllerModelPCITypeToString(model),
                       NULLSTR(virDomainControllerModelToString(root)));
        return -1;
    }
    return 0;
}


/**
 * qemuDomainDefAddDefaultDevices:
 * The controllers libvirt 9.0 adds to every pc or q35 guest when it is
 * parsed: a USB controller 0 unless one is written (piix3-uhci on pc,
 * qemu-xhci on q35), q35's SATA controller 0, and the root bus (pci-root
 * or pcie-root).  @opaque is unused.  Returns 0 or -1 (reported).
 */
int
qemuDomainDefAddDefaultDevices(virDomainDef *def, void *opaque G_GNUC_UNUSED)
{
    switch (qemuMachineGetFamily(def->os.machine)) {
    case QEMU_MACHINE_FAMILY_I440FX:
        virDomainDefEnsureController(def, VIR_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                     VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI);
        return qemuDomainAddRootController(def,
                                           VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT);
    case QEMU_MACHINE_FAMILY_Q35:
        virDomainDefEnsureController(def, VIR_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                     VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI);
        virDomainDefEnsureController(def, VIR_DOMAIN_CONTROLLER_TYPE_SATA, 0,
                                     -1);
        return qemuDomainAddRootController(def,
                                           VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT);
    case QEMU_MACHINE_FAMILY_NONE:
    case QEMU_MACHINE_FAMILY_LAST:
    default:
        return 0;
    }
}


/**
 * qemuDomainAssignAddresses:
 * Fills the controller models libvirt defaults, then gives every PCI
 * device without an address the one libvirt 9.0 would (adding the
 * pcie-root-ports or bridges the guest needs) and every USB device a
 * port.  Addresses already written are kept; a clash is refused.  Run
 * when a definition is parsed, after the implicit controllers are added.
 * @opaque is unused.  Returns 0 or -1 (reported).
 */
int
qemuDomainAssignAddresses(virDomainDef *def, void *opaque G_GNUC_UNUSED)
{
    qemuDomainControllerDefaultModels(def);
    if (qemuMachineGetFamily(def->os.machine) == QEMU_MACHINE_FAMILY_NONE)
        return 0;
    if (qemuDomainAssignPCIAddresses(def) < 0 ||
        qemuDomainAssignUSBAddresses(def) < 0)
        return -1;
    return 0;
}
