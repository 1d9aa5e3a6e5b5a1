/*
 * qemu_command.c: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every device sits at the address of its <address> element (filled in
 * when the definition was parsed, qemu_domain_address.c) with its alias
 * as id, in libvirt 9.0's argument order: controllers, disks, NICs,
 * serial ports, graphics, video, balloon.  Serial ports are ISA devices.
 */
#include <config.h>

#include <json-c/json.h>

#include "qemu_command.h"
#define QEMU_COMMAND_PRIV_H_ALLOW
#include "qemu_command_priv.h"
#include "qemu_command_machine.h"
#include "qemu_monitor.h"
#include "domain_conf_controller.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_command");



/**
 * qemuMachineGetFamily:
 * The family of the canonical (or alias) machine type @machine, or
 * QEMU_MACHINE_FAMILY_NONE for one we do not lay out (isapc, microvm...).
 */
qemuMachineFamily
qemuMachineGetFamily(const char *machine)
{
    if (!machine)
        return QEMU_MACHINE_FAMILY_NONE;
    if (STREQ(machine, "pc") || STRPREFIX(machine, "pc-i440fx-"))
        return QEMU_MACHINE_FAMILY_I440FX;
    if (STREQ(machine, "q35") || STRPREFIX(machine, "pc-q35-"))
        return QEMU_MACHINE_FAMILY_Q35;
    return QEMU_MACHINE_FAMILY_NONE;
}


/* The index of an IDE target: hda 0 .. hdd 3; -1 for anything else. */
static int
qemuDiskIDEIndex(const char *dst)
{
    if (!dst || strlen(dst) != 3 || !STRPREFIX(dst, "hd") ||
        dst[2] < 'a' || dst[2] > 'd')
        return -1;
    return dst[2] - 'a';
}


static int
qemuValidateDisks(const virDomainDef *def, qemuMachineFamily family)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->bus != VIR_DOMAIN_DISK_BUS_IDE)
            continue;
        if (disk->readonly && disk->device == VIR_DOMAIN_DISK_DEVICE_DISK) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("readonly ide disks are not supported"));
            return -1;
        }
        if (family == QEMU_MACHINE_FAMILY_Q35) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("IDE controllers are unsupported for this QEMU binary or machine type"));
            return -1;
        }
        if (qemuDiskIDEIndex(disk->dst) < 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("unsupported ide disk target '%1$s'"),
                           NULLSTR(disk->dst));
            return -1;
        }
    }
    return 0;
}


static int
qemuValidateCPU(const virDomainDef *def)
{
    virDomainCPUMode mode = def->cpu ? def->cpu->mode : VIR_DOMAIN_CPU_MODE_NONE;

    if (def->virtType == VIR_DOMAIN_VIRT_KVM)
        return 0;
    if (mode == VIR_DOMAIN_CPU_MODE_HOST_MODEL ||
        mode == VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("CPU mode '%1$s' for %2$s %3$s domain on %4$s host is not supported by hypervisor"),
                       virDomainCPUModeTypeToString(mode),
                       virArchTypeToString(def->os.arch),
                       virDomainVirtTypeToString(def->virtType),
                       virArchTypeToString(def->os.arch));
        return -1;
    }
    return 0;
}


/* The USB controller whose companion @cont is (same index, no master),
 * or NULL. */
static const virDomainControllerDef *
qemuUSBMaster(const virDomainDef *def, const virDomainControllerDef *cont)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *o = g_ptr_array_index(def->controllers, i);

        if (o->type == VIR_DOMAIN_CONTROLLER_TYPE_USB && o->idx == cont->idx &&
            !o->info.usbMaster)
            return o;
    }
    return NULL;
}


static int
qemuValidateControllers(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        const virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
            cont->info.usbMaster && !qemuUSBMaster(def, cont)) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("masterbus not found"));
            return -1;
        }
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_IDE && cont->idx > 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("Only a single IDE controller is supported for this machine type"));
            return -1;
        }
        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE &&
            qemuMachineGetFamily(def->os.machine) != QEMU_MACHINE_FAMILY_Q35) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("the dmi-to-pci-bridge (i82801b11-bridge) controller is not supported in this QEMU binary"));
            return -1;
        }
    }
    return 0;
}


/**
 * qemuValidateDomainDef:
 * Checks what the domain XML parser accepts but this driver cannot run:
 * a machine type other than i440fx or q35, read-only IDE disks, host CPU
 * modes without KVM.  Run at define time and again at start.  Returns 0,
 * or -1 with VIR_ERR_CONFIG_UNSUPPORTED reported.
 */
int
qemuValidateDomainDef(const virDomainDef *def)
{
    qemuMachineFamily family = qemuMachineGetFamily(def->os.machine);

    if (family == QEMU_MACHINE_FAMILY_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("machine type '%1$s' is not supported (only i440fx and q35 machines are)"),
                       NULLSTR(def->os.machine));
        return -1;
    }
    if (qemuValidateDisks(def, family) < 0 || qemuValidateCPU(def) < 0 ||
        qemuValidateControllers(def) < 0 || qemuValidatePeriph(def, family) < 0)
        return -1;
    return 0;
}


/* ---- building blocks ---- */

void
qemuCommandAdd(qemuCommandBuilder *b, const char *arg)
{
    g_ptr_array_add(b->args, g_strdup(arg));
}


void
qemuCommandAddPair(qemuCommandBuilder *b, const char *opt, const char *value)
{
    qemuCommandAdd(b, opt);
    qemuCommandAdd(b, value);
}


static void G_GNUC_PRINTF(3, 4)
qemuCommandAddPairFormat(qemuCommandBuilder *b, const char *opt,
                         const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qemuCommandAdd(b, opt);
    g_ptr_array_add(b->args, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}


/* Appends @value to @buf as a QEMU option value: ',' doubled. */
void
qemuCommandEscape(GString *buf, const char *value)
{
    for (; *value; value++) {
        if (*value == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *value);
    }
}


/* Adds "@opt <JSON of @obj>" and drops @obj. */
void
qemuCommandAddJSON(qemuCommandBuilder *b, const char *opt, json_object *obj)
{
    qemuCommandAddPair(b, opt, json_object_to_json_string_ext(obj,
                           JSON_C_TO_STRING_PLAIN |
                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
}


void
qemuJSONAddString(json_object *obj, const char *key, const char *value)
{
    json_object_object_add(obj, key, json_object_new_string(value));
}


void
qemuJSONAddInt(json_object *obj, const char *key, int value)
{
    json_object_object_add(obj, key, json_object_new_int(value));
}


void
qemuJSONAddBool(json_object *obj, const char *key, bool value)
{
    json_object_object_add(obj, key, json_object_new_boolean(value));
}


/* A -device object: {"driver": @driver, ...}. */
json_object *
qemuDeviceNew(const char *driver)
{
    json_object *dev = json_object_new_object();

    qemuJSONAddString(dev, "driver", driver);
    return dev;
}


/* The -device id of the bus of PCI bus number @bus: the alias of the PCI
 * controller with that index. */
static const char *
qemuPCIBusAlias(const virDomainDef *def, unsigned int bus)
{
    virDomainControllerDef *cont =
        virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, bus);

    return cont ? cont->info.alias : NULL;
}


/**
 * qemuBuildDeviceAddress:
 * Adds the bus/addr (PCI) or bus/port (USB) of @info to -device @dev, in
 * libvirt's key order.  Returns 0 or -1 (reported) when the bus is not
 * known.
 */
static int
qemuBuildDeviceAddress(qemuCommandBuilder *b, json_object *dev,
                       const virDomainDeviceInfo *info)
{
    const virPCIDeviceAddress *pci = &info->addr.pci;
    virDomainControllerDef *usb;
    const char *bus;
    g_autofree char *addr = NULL;
    g_autofree char *usbBus = NULL;
    g_autofree char *port = NULL;

    switch (info->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        if (!(bus = qemuPCIBusAlias(b->def, pci->bus))) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("no PCI controller with index %1$u"), pci->bus);
            return -1;
        }
        if (pci->function)
            addr = g_strdup_printf("0x%x.0x%x", pci->slot, pci->function);
        else
            addr = g_strdup_printf("0x%x", pci->slot);
        qemuJSONAddString(dev, "bus", bus);
        if (pci->multi)
            qemuJSONAddBool(dev, "multifunction",
                            pci->multi == VIR_TRISTATE_SWITCH_ON);
        qemuJSONAddString(dev, "addr", addr);
        return 0;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
        if (!(usb = virDomainDefFindController(b->def,
                                               VIR_DOMAIN_CONTROLLER_TYPE_USB,
                                               info->addr.usb.bus)) ||
            !usb->info.alias) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("no USB controller with index %1$u"),
                           info->addr.usb.bus);
            return -1;
        }
        usbBus = g_strdup_printf("%s.0", usb->info.alias);
        qemuJSONAddString(dev, "bus", usbBus);
        if (info->addr.usb.port[0]) {
            port = g_strdup_printf("%u", info->addr.usb.port[0]);
            qemuJSONAddString(dev, "port", port);
        }
        return 0;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
    default:
        return 0;
    }
}


/* Adds -device @dev with the address of @info; drops @dev. */
int
qemuCommandAddDevice(qemuCommandBuilder *b, json_object *dev,
                     const virDomainDeviceInfo *info)
{
    if (qemuBuildDeviceAddress(b, dev, info) < 0) {
        json_object_put(dev);
        return -1;
    }
    qemuCommandAddJSON(b, "-device", dev);
    return 0;
}


/* ---- machine, CPU, memory ---- */

static void
qemuBuildMachineArgs(qemuCommandBuilder *b)
{
    const virDomainDef *def = b->def;
    g_autoptr(GString) name = g_string_new("guest=");

    qemuCommandEscape(name, def->name);
    g_string_append(name, ",debug-threads=on");
    qemuCommandAddPair(b, "-name", name->str);
    qemuCommandAdd(b, "-S");
    qemuCommandAdd(b, "-machine");
    g_ptr_array_add(b->args, qemuBuildMachineValue(def));
    qemuCommandAddPair(b, "-accel", def->virtType == VIR_DOMAIN_VIRT_KVM ?
                                     "kvm" : "tcg");
}


/* The guest RAM's memory-backend object (its RAM block keeps QEMU's
 * default name, pc.ram), as libvirt 9.0 writes it, for a <memoryBacking>
 * that needs one (qemuDomainNeedsMemoryBackend). */
static json_object *
qemuBuildMemoryBackendProps(const virDomainDef *def)
{
    const virDomainMemoryBackingDef *mem = &def->mem;
    bool memfd = mem->source == VIR_DOMAIN_MEMORY_SOURCE_MEMFD;
    json_object *obj = json_object_new_object();

    qemuJSONAddString(obj, "qom-type", memfd ? "memory-backend-memfd"
                                             : "memory-backend-ram");
    qemuJSONAddString(obj, "id", QEMU_DEFAULT_RAM_ID);
    if (memfd) {
        /* access='shared|private' is only accepted with memfd */
        if (mem->access)
            qemuJSONAddBool(obj, "share",
                            mem->access == VIR_DOMAIN_MEMORY_ACCESS_SHARED);
        qemuJSONAddBool(obj, "x-use-canonical-path-for-ramblock-id", false);
    }
    if (mem->allocation == VIR_DOMAIN_MEMORY_ALLOCATION_IMMEDIATE)
        qemuJSONAddBool(obj, "prealloc", true);
    if (mem->allocationThreads)
        qemuJSONAddInt(obj, "prealloc-threads", mem->allocationThreads);
    json_object_object_add(obj, "size",
                           json_object_new_uint64(def->memory * 1024));
    return obj;
}


/* -m, with a memory-backend object when <memoryBacking> needs one (then
 * in MiB, as libvirt, when the size is whole MiB: libvirt rounds every
 * guest it starts up to a MiB, this daemon keeps the size it was given),
 * and -overcommit. */
static void
qemuBuildMemoryArgs(qemuCommandBuilder *b)
{
    const virDomainDef *def = b->def;

    if (qemuDomainNeedsMemoryBackend(def)) {
        if (def->memory % 1024 == 0)
            qemuCommandAddPairFormat(b, "-m", "%llu", def->memory / 1024);
        else
            qemuCommandAddPairFormat(b, "-m", "size=%lluk", def->memory);
        qemuCommandAddJSON(b, "-object", qemuBuildMemoryBackendProps(def));
    } else {
        qemuCommandAddPairFormat(b, "-m", "size=%lluk", def->memory);
    }
    qemuCommandAddPair(b, "-overcommit",
                       def->mem.locked ? "mem-lock=on" : "mem-lock=off");
}


static void
qemuBuildIOThreadArgs(qemuCommandBuilder *b)
{
    guint i;

    for (i = 0; i < b->def->iothreadids->len; i++) {
        const virDomainIOThreadIDDef *thr =
            &g_array_index(b->def->iothreadids, virDomainIOThreadIDDef, i);
        g_autofree char *id = g_strdup_printf("iothread%u", thr->id);
        json_object *obj = json_object_new_object();

        qemuJSONAddString(obj, "qom-type", "iothread");
        qemuJSONAddString(obj, "id", id);
        qemuCommandAddJSON(b, "-object", obj);
    }
}


static void
qemuBuildCPUMemoryArgs(qemuCommandBuilder *b)
{
    const virDomainDef *def = b->def;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    qemuCommandAdd(b, "-cpu");
    g_ptr_array_add(b->args, qemuBuildCPUValue(def));
    qemuBuildMemoryArgs(b);
    qemuCommandAdd(b, "-smp");
    g_ptr_array_add(b->args, qemuBuildSmpValue(def));
    qemuBuildIOThreadArgs(b);
    qemuCommandAddPair(b, "-uuid", virUUIDFormat(def->uuid, uuidstr));
    qemuBuildSmbiosArgs(b->args, def);
}


/* -display, defaults off, the QMP monitor, clock and life cycle. */
static void
qemuBuildControlArgs(qemuCommandBuilder *b, const qemuCommandParams *params)
{
    const virDomainDef *def = b->def;
    g_autoptr(GString) mon = g_string_new("socket,id=charmonitor,path=");

    if (def->graphics->len == 0)
        qemuCommandAddPair(b, "-display", "none");
    qemuCommandAdd(b, "-no-user-config");
    qemuCommandAdd(b, "-nodefaults");
    qemuCommandEscape(mon, params->monitorPath);
    g_string_append(mon, ",server=on,wait=off");
    qemuCommandAddPair(b, "-chardev", mon->str);
    qemuCommandAddPair(b, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    qemuBuildClockArgs(b->args, def);
    /* a guest power-off stops QEMU without exiting, so the SHUTDOWN event
     * can be told apart from a crash (and fake reboot works) */
    qemuCommandAdd(b, "-no-shutdown");
    if (def->onReboot == VIR_DOMAIN_ON_ACTION_DESTROY)
        qemuCommandAdd(b, "-no-reboot");
    qemuBuildPMArgs(b->args, def, b->family == QEMU_MACHINE_FAMILY_Q35);
    qemuCommandAddPair(b, "-boot", "strict=on");
}


/* Boot indexes in <boot dev=''> order, as libvirt assigns them. */
static void
qemuBuildBootIndexes(qemuCommandBuilder *b)
{
    size_t i;

    for (i = 0; i < b->def->os.nBootDevs; i++) {
        switch (b->def->os.bootDevs[i]) {
        case VIR_DOMAIN_BOOT_DISK:
            if (!b->bootDisk)
                b->bootDisk = i + 1;
            break;
        case VIR_DOMAIN_BOOT_NET:
            if (!b->bootNet)
                b->bootNet = i + 1;
            break;
        case VIR_DOMAIN_BOOT_CDROM:
            if (!b->bootCdrom)
                b->bootCdrom = i + 1;
            break;
        case VIR_DOMAIN_BOOT_FLOPPY:
        case VIR_DOMAIN_BOOT_NONE:
        case VIR_DOMAIN_BOOT_LAST:
        default:
            break; /* no such devices */
        }
    }
}


static void
qemuBuildKernelArgs(qemuCommandBuilder *b)
{
    const virDomainOSDef *os = &b->def->os;

    if (os->kernel)
        qemuCommandAddPair(b, "-kernel", os->kernel);
    if (os->initrd)
        qemuCommandAddPair(b, "-initrd", os->initrd);
    if (os->cmdline)
        qemuCommandAddPair(b, "-append", os->cmdline);
}


/* ---- devices ---- */

/* QEMU's cache flags for <driver cache=''>: write-back, O_DIRECT,
 * no-flush. */
static void
qemuDiskCacheFlags(virDomainDiskCache cache, bool *wb, bool *direct,
                   bool *noflush)
{
    *wb = cache == VIR_DOMAIN_DISK_CACHE_NONE ||
          cache == VIR_DOMAIN_DISK_CACHE_WRITEBACK ||
          cache == VIR_DOMAIN_DISK_CACHE_UNSAFE;
    *direct = cache == VIR_DOMAIN_DISK_CACHE_NONE ||
              cache == VIR_DOMAIN_DISK_CACHE_DIRECTSYNC;
    *noflush = cache == VIR_DOMAIN_DISK_CACHE_UNSAFE;
}


/* A writable shareable disk without a cache mode runs with cache='none'
 * (libvirt writes that into the live XML; we keep the XML as written). */
static virDomainDiskCache
qemuDiskCache(const virDomainDiskDef *disk)
{
    if (!disk->cache && disk->shareable && !disk->readonly)
        return VIR_DOMAIN_DISK_CACHE_NONE;
    return disk->cache;
}


static void
qemuBlockdevAddCache(json_object *obj, const virDomainDiskDef *disk)
{
    json_object *cache;
    bool wb;
    bool direct;
    bool noflush;

    if (!qemuDiskCache(disk))
        return;
    qemuDiskCacheFlags(qemuDiskCache(disk), &wb, &direct, &noflush);
    cache = json_object_new_object();
    qemuJSONAddBool(cache, "direct", direct);
    qemuJSONAddBool(cache, "no-flush", noflush);
    json_object_object_add(obj, "cache", cache);
}


/* The storage driver of a layer: host_cdrom for a CD-ROM's own block
 * device, host_device for other block devices, file. */
static const char *
qemuBlockdevFileDriver(const virDomainDiskDef *disk,
                       const virDomainDiskSource *layer)
{
    if (layer->type != VIR_DOMAIN_DISK_TYPE_BLOCK)
        return "file";
    if (layer == disk->src && disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM)
        return "host_cdrom";
    return "host_device";
}


/* -blockdev for the storage and format nodes of @layer of @disk, the
 * layers below it first, as libvirt orders them. */
static void
qemuBuildDiskLayerBlockdevs(qemuCommandBuilder *b, const virDomainDiskDef *disk,
                            const virDomainDiskSource *layer)
{
    g_autofree char *storage = g_strdup_printf("libvirt-%u-storage", layer->index);
    g_autofree char *format = g_strdup_printf("libvirt-%u-format", layer->index);
    json_object *file;
    json_object *fmt;

    if (layer->backing)
        qemuBuildDiskLayerBlockdevs(b, disk, layer->backing);
    file = json_object_new_object();
    fmt = json_object_new_object();
    qemuJSONAddString(file, "driver", qemuBlockdevFileDriver(disk, layer));
    qemuJSONAddString(file, "filename", layer->path);
    if (disk->io)
        qemuJSONAddString(file, "aio", virDomainDiskIoTypeToString(disk->io));
    qemuJSONAddString(file, "node-name", storage);
    qemuBlockdevAddCache(file, disk);
    qemuJSONAddBool(file, "auto-read-only", true);
    qemuJSONAddString(file, "discard", "unmap");
    qemuCommandAddJSON(b, "-blockdev", file);

    qemuJSONAddString(fmt, "node-name", format);
    qemuJSONAddBool(fmt, "read-only", layer == disk->src ? disk->readonly
                                                         : true);
    if (disk->discard)
        qemuJSONAddString(fmt, "discard",
                          virDomainDiskDiscardTypeToString(disk->discard));
    qemuBlockdevAddCache(fmt, disk);
    qemuJSONAddString(fmt, "driver",
                      virDomainDiskFormatTypeToString(layer->format));
    qemuJSONAddString(fmt, "file", storage);
    if (layer->backing) {
        g_autofree char *below = g_strdup_printf("libvirt-%u-format",
                                                 layer->backing->index);

        qemuJSONAddString(fmt, "backing", below);
    } else if (layer->backingKnown &&
               layer->format == VIR_DOMAIN_DISK_FORMAT_QCOW2) {
        /* the chain ends here: QEMU must not open a backing file */
        json_object_object_add(fmt, "backing", NULL);
    }
    qemuCommandAddJSON(b, "-blockdev", fmt);
}


/* bus/unit (IDE), bus (SATA) or bus/channel/scsi-id/lun (SCSI) of a disk
 * on a drive address, as libvirt writes them. */
static int
qemuBuildDiskDriveAddress(qemuCommandBuilder *b, json_object *dev,
                          const virDomainDiskDef *disk)
{
    const virDomainDeviceDriveAddress *drive = &disk->info.addr.drive;
    virDomainControllerType type = VIR_DOMAIN_CONTROLLER_TYPE_IDE;
    virDomainControllerDef *cont;
    g_autofree char *bus = NULL;

    if (disk->bus == VIR_DOMAIN_DISK_BUS_SATA)
        type = VIR_DOMAIN_CONTROLLER_TYPE_SATA;
    else if (disk->bus == VIR_DOMAIN_DISK_BUS_SCSI)
        type = VIR_DOMAIN_CONTROLLER_TYPE_SCSI;
    if (!(cont = virDomainDefFindController(b->def, type, drive->controller)) ||
        !cont->info.alias) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("no %1$s controller with index %2$u for disk '%3$s'"),
                       virDomainControllerTypeToString(type), drive->controller,
                       disk->dst);
        return -1;
    }
    switch (disk->bus) {
    case VIR_DOMAIN_DISK_BUS_IDE:
        bus = g_strdup_printf("%s.%u", cont->info.alias, drive->bus);
        qemuJSONAddString(dev, "bus", bus);
        qemuJSONAddInt(dev, "unit", drive->unit);
        return 0;
    case VIR_DOMAIN_DISK_BUS_SATA:
        bus = g_strdup_printf("%s.%u", cont->info.alias, drive->unit);
        qemuJSONAddString(dev, "bus", bus);
        return 0;
    case VIR_DOMAIN_DISK_BUS_SCSI:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC) {
            bus = g_strdup_printf("%s.%u", cont->info.alias, drive->bus);
            qemuJSONAddString(dev, "bus", bus);
            qemuJSONAddInt(dev, "scsi-id", drive->unit);
            return 0;
        }
        bus = g_strdup_printf("%s.0", cont->info.alias);
        qemuJSONAddString(dev, "bus", bus);
        qemuJSONAddInt(dev, "channel", drive->bus);
        qemuJSONAddInt(dev, "scsi-id", drive->target);
        qemuJSONAddInt(dev, "lun", drive->unit);
        return 0;
    case VIR_DOMAIN_DISK_BUS_VIRTIO:
    case VIR_DOMAIN_DISK_BUS_USB:
    case VIR_DOMAIN_DISK_BUS_NONE:
    case VIR_DOMAIN_DISK_BUS_LAST:
    default:
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("address type drive is not supported for bus '%1$s'"),
                       virDomainDiskBusTypeToString(disk->bus));
        return -1;
    }
}


static const char *
qemuDiskDeviceDriver(const virDomainDiskDef *disk)
{
    bool cdrom = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM;

    switch (disk->bus) {
    case VIR_DOMAIN_DISK_BUS_IDE:
    case VIR_DOMAIN_DISK_BUS_SATA:
        return cdrom ? "ide-cd" : "ide-hd";
    case VIR_DOMAIN_DISK_BUS_SCSI:
        return cdrom ? "scsi-cd" : "scsi-hd";
    case VIR_DOMAIN_DISK_BUS_USB:
        return "usb-storage";
    case VIR_DOMAIN_DISK_BUS_VIRTIO:
    case VIR_DOMAIN_DISK_BUS_NONE:
    case VIR_DOMAIN_DISK_BUS_LAST:
    default:
        return "virtio-blk-pci";
    }
}


/* Appends "serial" with blanks escaped as libvirt does. */
static void
qemuDiskAddSerial(json_object *dev, const char *serial)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    for (; *serial; serial++) {
        if (*serial == ' ')
            g_string_append_c(buf, '\\');
        g_string_append_c(buf, *serial);
    }
    qemuJSONAddString(dev, "serial", buf->str);
}


/* The -device of @disk; @bootindex 0 for none. */
static int
qemuBuildDiskDevice(qemuCommandBuilder *b, const virDomainDiskDef *disk,
                    int bootindex)
{
    json_object *dev = qemuDeviceNew(qemuDiskDeviceDriver(disk));
    int rc;

    if (disk->iothread) {
        g_autofree char *iothread = g_strdup_printf("iothread%u", disk->iothread);

        qemuJSONAddString(dev, "iothread", iothread);
    }
    if (disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
        rc = qemuBuildDiskDriveAddress(b, dev, disk);
    else
        rc = qemuBuildDeviceAddress(b, dev, &disk->info);
    if (rc < 0) {
        json_object_put(dev);
        return -1;
    }
    if (disk->bus == VIR_DOMAIN_DISK_BUS_SCSI) {
        g_autofree char *devid = g_strdup_printf("drive-%s", disk->info.alias);

        qemuJSONAddString(dev, "device_id", disk->serial ? disk->serial : devid);
    }
    if (disk->shareable)
        qemuJSONAddBool(dev, "share-rw", true);
    if (disk->src->path) {
        g_autofree char *drive = g_strdup_printf("libvirt-%u-format",
                                                 disk->src->index);

        qemuJSONAddString(dev, "drive", drive);
    }
    qemuJSONAddString(dev, "id", disk->info.alias);
    if (bootindex)
        qemuJSONAddInt(dev, "bootindex", bootindex);
    if (disk->bus == VIR_DOMAIN_DISK_BUS_USB)
        qemuJSONAddBool(dev, "removable", false);
    if (qemuDiskCache(disk)) {
        bool wb;
        bool direct;
        bool noflush;

        qemuDiskCacheFlags(qemuDiskCache(disk), &wb, &direct, &noflush);
        qemuJSONAddString(dev, "write-cache", wb ? "on" : "off");
    }
    if (disk->serial)
        qemuDiskAddSerial(dev, disk->serial);
    qemuCommandAddJSON(b, "-device", dev);
    return 0;
}


/* Disks in definition order; without per-device <boot order>, the first
 * disk and the first CD-ROM get the <os><boot> indexes, as libvirt. */
static int
qemuBuildDiskArgs(qemuCommandBuilder *b)
{
    GPtrArray *disks = b->def->disks;
    bool diskDone = false;
    bool cdromDone = false;
    size_t i;

    for (i = 0; i < disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(disks, i);
        bool cdrom = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM;
        int bootindex = 0;

        if (b->deviceBoot) {
            bootindex = disk->info.bootIndex;
        } else if (cdrom && !cdromDone) {
            bootindex = b->bootCdrom;
            cdromDone = true;
        } else if (!cdrom && !diskDone) {
            bootindex = b->bootDisk;
            diskDone = true;
        }
        if (disk->src->path)
            qemuBuildDiskLayerBlockdevs(b, disk, disk->src);
        if (qemuBuildDiskDevice(b, disk, bootindex) < 0)
            return -1;
    }
    return 0;
}


/* The -chardev value for serial port @chr. */
static char *
qemuBuildChardevValue(const virDomainChrDef *chr)
{
    const virDomainChrSourceDef *src = &chr->source;
    GString *buf = g_string_new(NULL);

    switch (src->type) {
    case VIR_DOMAIN_CHR_TYPE_FILE:
        g_string_append_printf(buf, "file,id=char%s,path=", chr->info.alias);
        qemuCommandEscape(buf, src->path);
        if (src->append == VIR_TRISTATE_SWITCH_ON)
            g_string_append(buf, ",append=on");
        break;
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        g_string_append_printf(buf, "socket,id=char%s,path=", chr->info.alias);
        qemuCommandEscape(buf, src->path);
        if (src->mode == VIR_DOMAIN_CHR_UNIX_MODE_BIND)
            g_string_append(buf, ",server=on,wait=off");
        break;
    case VIR_DOMAIN_CHR_TYPE_PTY:
    case VIR_DOMAIN_CHR_TYPE_SPICEVMC:
    case VIR_DOMAIN_CHR_TYPE_NONE:
    case VIR_DOMAIN_CHR_TYPE_LAST:
    default:
        g_string_append_printf(buf, "pty,id=char%s", chr->info.alias);
        break;
    }
    return g_string_free(buf, FALSE);
}


static void
qemuBuildSerialArgs(qemuCommandBuilder *b)
{
    GPtrArray *serials = b->def->serials;
    size_t i;

    for (i = 0; i < serials->len; i++) {
        const virDomainChrDef *chr = g_ptr_array_index(serials, i);
        g_autofree char *chardev = g_strdup_printf("char%s", chr->info.alias);
        json_object *dev = qemuDeviceNew("isa-serial");

        g_ptr_array_add(b->args, g_strdup("-chardev"));
        g_ptr_array_add(b->args, qemuBuildChardevValue(chr));
        qemuJSONAddString(dev, "chardev", chardev);
        qemuJSONAddString(dev, "id", chr->info.alias);
        qemuJSONAddInt(dev, "index", chr->port);
        qemuCommandAddJSON(b, "-device", dev);
    }
}


/* ---- controllers ---- */

static const char *
qemuUSBControllerDriver(int model)
{
    switch ((virDomainControllerModelUSB)model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI:
        return "piix3-usb-uhci";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1:
        return "ich9-usb-ehci1";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1:
        return "ich9-usb-uhci1";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2:
        return "ich9-usb-uhci2";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3:
        return "ich9-usb-uhci3";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI:
        return "nec-usb-xhci";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI:
        return "qemu-xhci";
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST:
    default:
        return NULL;
    }
}


static json_object *
qemuBuildUSBControllerDevice(qemuCommandBuilder *b,
                             const virDomainControllerDef *cont)
{
    json_object *dev = qemuDeviceNew(qemuUSBControllerDriver(cont->model));
    const char *master;
    g_autofree char *masterbus = NULL;

    if (cont->ports != -1) {
        qemuJSONAddInt(dev, "p2", cont->ports);
        qemuJSONAddInt(dev, "p3", cont->ports);
    }
    if (!cont->info.usbMaster) {
        qemuJSONAddString(dev, "id", cont->info.alias);
        return dev;
    }
    if (!qemuUSBMaster(b->def, cont) ||
        !(master = qemuUSBMaster(b->def, cont)->info.alias)) {
        json_object_put(dev);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("masterbus not found"));
        return NULL;
    }
    masterbus = g_strdup_printf("%s.0", master);
    qemuJSONAddString(dev, "masterbus", masterbus);
    qemuJSONAddInt(dev, "firstport", cont->info.usbMasterStartport);
    return dev;
}


static json_object *
qemuBuildPCIControllerDevice(const virDomainControllerDef *cont)
{
    const char *name = virDomainControllerPCIModelNameTypeToString(cont->pci.modelName);
    json_object *dev = qemuDeviceNew(name);

    switch ((virDomainControllerModelPCI)cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        qemuJSONAddInt(dev, "chassis_nr", cont->pci.chassisNr);
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        qemuJSONAddInt(dev, "port", cont->pci.port);
        qemuJSONAddInt(dev, "chassis", cont->pci.chassis);
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        break;
    }
    qemuJSONAddString(dev, "id", cont->info.alias);
    return dev;
}


/* The -device of @cont, NULL for a controller that is part of the
 * machine (root buses, PIIX3's IDE, q35's first SATA, USB model none). */
static json_object *
qemuBuildControllerDevice(qemuCommandBuilder *b,
                          const virDomainControllerDef *cont)
{
    json_object *dev = NULL;

    switch (cont->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT)
            return NULL;
        return qemuBuildPCIControllerDevice(cont);
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
            return NULL;
        return qemuBuildUSBControllerDevice(b, cont);
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        dev = qemuDeviceNew(cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI
                                ? "virtio-scsi-pci" : "lsi");
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
        if (cont->idx == 0 && b->family == QEMU_MACHINE_FAMILY_Q35)
            return NULL;
        dev = qemuDeviceNew("ahci");
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        dev = qemuDeviceNew("virtio-serial-pci");
        qemuJSONAddString(dev, "id", cont->info.alias);
        if (cont->ports != -1)
            qemuJSONAddInt(dev, "max_ports", cont->ports);
        return dev;
    case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
    case VIR_DOMAIN_CONTROLLER_TYPE_NONE:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
    default:
        return NULL;
    }
    qemuJSONAddString(dev, "id", cont->info.alias);
    return dev;
}


/* Controllers in libvirt's order: PCI, USB, SCSI, IDE, SATA,
 * virtio-serial. */
static int
qemuBuildControllersArgs(qemuCommandBuilder *b)
{
    static const virDomainControllerType order[] = {
        VIR_DOMAIN_CONTROLLER_TYPE_PCI, VIR_DOMAIN_CONTROLLER_TYPE_USB,
        VIR_DOMAIN_CONTROLLER_TYPE_SCSI, VIR_DOMAIN_CONTROLLER_TYPE_IDE,
        VIR_DOMAIN_CONTROLLER_TYPE_SATA,
        VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    };
    GPtrArray *list = b->def->controllers;
    size_t t;
    size_t i;

    for (t = 0; t < G_N_ELEMENTS(order); t++) {
        for (i = 0; i < list->len; i++) {
            const virDomainControllerDef *cont = g_ptr_array_index(list, i);
            json_object *dev;

            if (cont->type != order[t] ||
                !(dev = qemuBuildControllerDevice(b, cont)))
                continue;
            if (qemuCommandAddDevice(b, dev, &cont->info) < 0)
                return -1;
        }
    }
    return 0;
}


static void
qemuBuildTailArgs(qemuCommandBuilder *b, const qemuCommandParams *params)
{
    if (params->pidfilePath)
        qemuCommandAddPair(b, "-pidfile", params->pidfilePath);
    if (params->incomingURI)
        qemuCommandAddPair(b, "-incoming", params->incomingURI);
    qemuCommandAddPair(b, "-msg", "timestamp=on");
}


static void
qemuCommandBuilderInit(qemuCommandBuilder *b, const virDomainDef *def,
                       const qemuCommandParams *params)
{
    b->args = g_ptr_array_new_with_free_func(g_free);
    b->def = def;
    b->params = params;
    b->family = qemuMachineGetFamily(def->os.machine);
    b->deviceBoot = virDomainDefHasDeviceBoot(def);
    qemuBuildBootIndexes(b);
}


/**
 * qemuBuildCommandArgv:
 * @def: a live definition: validated (qemuValidateDomainDef), aliases
 *       assigned (virDomainDefAssignAliases)
 * @params: the monitor socket, pid file and incoming migration URI
 *
 * Returns QEMU's argv (argv[0] is @def's emulator) as a NULL-terminated
 * array the caller owns, or NULL with an error reported.
 */
GStrv
qemuBuildCommandArgv(const virDomainDef *def, const qemuCommandParams *params)
{
    qemuCommandBuilder b = { 0 };
    g_autoptr(GPtrArray) args = NULL;

    if (qemuValidateDomainDef(def) < 0)
        return NULL;
    if (!def->emulator || !params->monitorPath) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("no emulator or monitor path for the QEMU command line"));
        return NULL;
    }
    qemuCommandBuilderInit(&b, def, params);
    args = b.args;
    qemuCommandAdd(&b, def->emulator);
    qemuBuildMachineArgs(&b);
    qemuBuildCPUMemoryArgs(&b);
    qemuBuildControlArgs(&b, params);
    qemuBuildKernelArgs(&b);
    if (qemuBuildControllersArgs(&b) < 0 || qemuBuildDiskArgs(&b) < 0 ||
        qemuBuildNetArgs(&b) < 0)
        return NULL;
    qemuBuildSerialArgs(&b);
    if (qemuBuildChannelArgs(&b) < 0 || qemuBuildInputArgs(&b) < 0 ||
        qemuBuildGraphicsArgs(&b) < 0 || qemuBuildVideoArgs(&b) < 0 ||
        qemuBuildSoundArgs(&b) < 0 || qemuBuildPeriphTailArgs(&b) < 0)
        return NULL;
    qemuBuildTailArgs(&b, params);
    g_ptr_array_add(args, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&args), FALSE);
}


/* A GDestroyNotify dropping a json_object. */
static void
qemuJSONFree(void *obj)
{
    json_object_put(obj);
}


/* Turns the "-opt JSON" pairs of @args into objects: the -device one in
 * *@retDevice, the others in @backends.  Returns 0 or -1 (reported). */
static int
qemuCommandArgsToProps(GPtrArray *args, GPtrArray *backends,
                       json_object **retDevice)
{
    size_t i;

    for (i = 0; i + 1 < args->len; i += 2) {
        const char *opt = g_ptr_array_index(args, i);
        json_object *obj = json_tokener_parse(g_ptr_array_index(args, i + 1));

        if (!obj) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("cannot turn '%1$s' into a QMP object"), opt);
            return -1;
        }
        if (STREQ(opt, "-device")) {
            json_object_put(*retDevice);
            *retDevice = obj;
        } else {
            g_ptr_array_add(backends, obj);
        }
    }
    return 0;
}


/**
 * qemuBuildHotplugProps:
 * What a start of @def would put on the command line for its disk @disk
 * or its interface @net (the other NULL), as QMP arguments: the
 * -blockdev or -netdev objects in the order QEMU needs them in
 * *@retBackends (a GPtrArray of json_object the caller owns) and the
 * -device object in *@retDevice (caller owns; for blockdev-add, netdev_add
 * and device_add).  The fd of a tap interface is @tapFd (a name "getfd"
 * gave it, or a number); without one a tap interface is refused.
 * Returns 0 or -1 (reported).
 */
int
qemuBuildHotplugProps(const virDomainDef *def, const virDomainDiskDef *disk,
                      const virDomainNetDef *net, const char *tapFd,
                      GPtrArray **retBackends, json_object **retDevice)
{
    qemuCommandBuilder b = { 0 };
    g_autoptr(GPtrArray) args = NULL;
    g_autoptr(GPtrArray)
        backends = g_ptr_array_new_with_free_func(qemuJSONFree);
    json_object *device = NULL;

    qemuCommandBuilderInit(&b, def, NULL);
    b.hotplugTapFd = tapFd;
    args = b.args;
    if (disk) {
        if (disk->src->path)
            qemuBuildDiskLayerBlockdevs(&b, disk, disk->src);
        if (qemuBuildDiskDevice(&b, disk,
                                b.deviceBoot ? disk->info.bootIndex : 0) < 0)
            return -1;
    } else if (qemuBuildNetDeviceArgs(&b, net) < 0) {
        return -1;
    }
    if (qemuCommandArgsToProps(args, backends, &device) < 0) {
        json_object_put(device);
        return -1;
    }
    *retBackends = g_steal_pointer(&backends);
    *retDevice = device;
    return 0;
}


/**
 * qemuBuildCommandLine:
 * As qemuBuildCommandArgv, as a command ready to spawn, with LC_ALL=C so
 * QEMU's messages are the ones we expect.  Caller owns the result; NULL
 * with an error reported.
 */
virCommand *
qemuBuildCommandLine(const virDomainDef *def, const qemuCommandParams *params)
{
    g_auto(GStrv) argv = qemuBuildCommandArgv(def, params);
    virCommand *cmd;
    size_t i;

    if (!argv)
        return NULL;
    cmd = virCommandNew(argv[0]);
    virCommandAddEnvPair(cmd, "LC_ALL", "C");
    for (i = 1; argv[i]; i++)
        virCommandAddArg(cmd, argv[i]);
    return cmd;
}
