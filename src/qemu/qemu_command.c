/*
 * qemu_command.c: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Layout: the i440fx host bridge is slot 0 and PIIX3 (with IDE) slot 1;
 * on q35 slot 0 is the host bridge and 0x1f ICH9 (with AHCI).  Then, in
 * this order, the video adapter, virtio disks, NICs and the balloon take
 * the next free slots of the root bus.  Serial ports are ISA devices.
 */
#include <config.h>

#include <json-c/json.h>

#include "qemu_command.h"
#include "qemu_monitor.h"
#include "domain_conf_controller.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_command");

/* Root-bus slots: the first one for devices, and one past the last. */
#define QEMU_PCI_SLOT_FIRST_I440FX 2
#define QEMU_PCI_SLOT_FIRST_Q35 1
#define QEMU_PCI_SLOT_END_I440FX 0x20
#define QEMU_PCI_SLOT_END_Q35 0x1f
/* ICH9's AHCI controller has six ports, one disk each. */
#define QEMU_Q35_AHCI_PORTS 6
/* Highest VNC display QEMU may pick with autoport (port 5900 + N). */
#define QEMU_VNC_DISPLAY_MAX (65535 - 5900)

typedef struct {
    GPtrArray *args;
    const virDomainDef *def;
    qemuMachineFamily family;
    const char *pciBus;
    unsigned int nextSlot;
    unsigned int endSlot;
    int bootDisk;           /* bootindex of the first disk, 0: none */
    int bootNet;            /* bootindex of the first NIC, 0: none */
} qemuCommandBuilder;


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
        if (disk->readonly) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("readonly ide disks are not supported"));
            return -1;
        }
        if (qemuDiskIDEIndex(disk->dst) < 0 ||
            (family == QEMU_MACHINE_FAMILY_Q35 &&
             qemuDiskIDEIndex(disk->dst) >= QEMU_Q35_AHCI_PORTS)) {
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


/* What the command line does not lay out yet: explicit addresses, per
 * device boot order and controllers other than <controller type='usb'
 * model='none'/>. */
static int
qemuValidateDeviceInfoOne(virDomainDef *def G_GNUC_UNUSED,
                          virDomainDeviceDef *dev, virDomainDeviceInfo *info,
                          void *opaque G_GNUC_UNUSED)
{
    const char *what = virDomainDeviceTypeToString(dev->type);

    if (dev->type == VIR_DOMAIN_DEVICE_CONTROLLER &&
        (dev->data.controller->type != VIR_DOMAIN_CONTROLLER_TYPE_USB ||
         dev->data.controller->model != VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("controller type '%1$s' is not supported by this QEMU driver yet"),
                       virDomainControllerTypeToString(dev->data.controller->type));
        return -1;
    }
    if (info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("an <address> on a %1$s device is not supported by this QEMU driver yet"),
                       what);
        return -1;
    }
    if (info->bootIndex) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<boot order> on a %1$s device is not supported by this QEMU driver yet"),
                       what);
        return -1;
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
        virDomainDeviceInfoIterate((virDomainDef *)def,
                                   qemuValidateDeviceInfoOne, NULL) != 0)
        return -1;
    return 0;
}


/* ---- building blocks ---- */

static void
qemuCommandAdd(qemuCommandBuilder *b, const char *arg)
{
    g_ptr_array_add(b->args, g_strdup(arg));
}


static void
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
static void
qemuCommandEscape(GString *buf, const char *value)
{
    for (; *value; value++) {
        if (*value == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *value);
    }
}


/* Adds "@opt <JSON of @obj>" and drops @obj. */
static void
qemuCommandAddJSON(qemuCommandBuilder *b, const char *opt, json_object *obj)
{
    qemuCommandAddPair(b, opt, json_object_to_json_string_ext(obj,
                           JSON_C_TO_STRING_PLAIN |
                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
}


static void
qemuJSONAddString(json_object *obj, const char *key, const char *value)
{
    json_object_object_add(obj, key, json_object_new_string(value));
}


static void
qemuJSONAddInt(json_object *obj, const char *key, int value)
{
    json_object_object_add(obj, key, json_object_new_int(value));
}


static void
qemuJSONAddBool(json_object *obj, const char *key, bool value)
{
    json_object_object_add(obj, key, json_object_new_boolean(value));
}


/* A -device object: {"driver": @driver, ...}. */
static json_object *
qemuDeviceNew(const char *driver)
{
    json_object *dev = json_object_new_object();

    qemuJSONAddString(dev, "driver", driver);
    return dev;
}


/* Puts @dev on the next free slot of the root bus. */
static int
qemuCommandAddPCIAddress(qemuCommandBuilder *b, json_object *dev)
{
    g_autofree char *addr = NULL;

    if (b->nextSlot >= b->endSlot) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("no free PCI slot left on bus '%1$s' of domain '%2$s'"),
                       b->pciBus, b->def->name);
        return -1;
    }
    addr = g_strdup_printf("0x%x", b->nextSlot++);
    qemuJSONAddString(dev, "bus", b->pciBus);
    qemuJSONAddString(dev, "addr", addr);
    return 0;
}


/* ---- machine, CPU, memory ---- */

static void
qemuBuildMachineArgs(qemuCommandBuilder *b)
{
    const virDomainDef *def = b->def;
    g_autoptr(GString) name = g_string_new("guest=");
    g_autoptr(GString) machine = g_string_new(NULL);

    qemuCommandEscape(name, def->name);
    g_string_append(name, ",debug-threads=on");
    qemuCommandAddPair(b, "-name", name->str);
    qemuCommandAdd(b, "-S");

    qemuCommandEscape(machine, def->os.machine);
    g_string_append(machine, ",usb=off,dump-guest-core=off");
    qemuCommandAddPair(b, "-machine", machine->str);
    qemuCommandAddPair(b, "-accel", def->virtType == VIR_DOMAIN_VIRT_KVM ?
                                     "kvm" : "tcg");
}


/* The -cpu value of @def; caller owns it. */
static char *
qemuBuildCPUModel(const virDomainDef *def)
{
    const virDomainCPUDef *cpu = def->cpu;
    const char *migratable = "";

    if (cpu && cpu->migratable == VIR_TRISTATE_SWITCH_ON)
        migratable = ",migratable=on";
    else if (cpu && cpu->migratable == VIR_TRISTATE_SWITCH_OFF)
        migratable = ",migratable=off";

    switch (cpu ? cpu->mode : VIR_DOMAIN_CPU_MODE_NONE) {
    case VIR_DOMAIN_CPU_MODE_CUSTOM:
        return g_strdup(cpu->model);
    case VIR_DOMAIN_CPU_MODE_HOST_MODEL:
        /* KVM only (validated); the host's CPU, kept migratable */
        return g_strdup("host,migratable=on");
    case VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
        return g_strdup_printf("host%s", migratable);
    case VIR_DOMAIN_CPU_MODE_MAXIMUM:
        return g_strdup_printf("max%s", migratable);
    case VIR_DOMAIN_CPU_MODE_NONE:
    case VIR_DOMAIN_CPU_MODE_LAST:
    default:
        return g_strdup("qemu64");
    }
}


static void
qemuBuildCPUMemoryArgs(qemuCommandBuilder *b)
{
    const virDomainDef *def = b->def;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_ptr_array_add(b->args, g_strdup("-cpu"));
    g_ptr_array_add(b->args, qemuBuildCPUModel(def));
    qemuCommandAddPairFormat(b, "-m", "size=%lluk", def->memory);
    qemuCommandAddPair(b, "-overcommit", "mem-lock=off");
    if (def->vcpus != def->maxvcpus)
        qemuCommandAddPairFormat(b, "-smp", "%u,maxcpus=%u,sockets=%u,cores=1,threads=1",
                                 def->vcpus, def->maxvcpus, def->maxvcpus);
    else
        qemuCommandAddPairFormat(b, "-smp", "%u,sockets=%u,cores=1,threads=1",
                                 def->vcpus, def->maxvcpus);
    qemuCommandAddPair(b, "-uuid", virUUIDFormat(def->uuid, uuidstr));
}


/* -display, defaults off, the QMP monitor, clock and life cycle. */
static void
qemuBuildControlArgs(qemuCommandBuilder *b, const qemuCommandParams *params)
{
    const virDomainDef *def = b->def;
    g_autoptr(GString) mon = g_string_new("socket,id=charmonitor,path=");

    if (!def->graphics)
        qemuCommandAddPair(b, "-display", "none");
    qemuCommandAdd(b, "-no-user-config");
    qemuCommandAdd(b, "-nodefaults");
    qemuCommandEscape(mon, params->monitorPath);
    g_string_append(mon, ",server=on,wait=off");
    qemuCommandAddPair(b, "-chardev", mon->str);
    qemuCommandAddPair(b, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    qemuCommandAddPair(b, "-rtc", def->clockOffset == VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME ?
                                  "base=localtime" : "base=utc");
    /* a guest power-off stops QEMU without exiting, so the SHUTDOWN event
     * can be told apart from a crash (and fake reboot works) */
    qemuCommandAdd(b, "-no-shutdown");
    if (def->onReboot == VIR_DOMAIN_ON_ACTION_DESTROY)
        qemuCommandAdd(b, "-no-reboot");
    /* as libvirt 9.0 writes it for QEMU 7.2 (not -machine acpi=off) */
    if (def->features[VIR_DOMAIN_FEATURE_ACPI] != VIR_TRISTATE_SWITCH_ON)
        qemuCommandAdd(b, "-no-acpi");
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
        case VIR_DOMAIN_BOOT_FLOPPY:
        case VIR_DOMAIN_BOOT_CDROM:
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

static int
qemuBuildVideoArgs(qemuCommandBuilder *b)
{
    const virDomainVideoDef *video = b->def->video;
    json_object *dev;

    if (!video || video->type != VIR_DOMAIN_VIDEO_TYPE_VGA)
        return 0;
    dev = qemuDeviceNew("VGA");
    qemuJSONAddString(dev, "id", video->info.alias);
    qemuJSONAddInt(dev, "vgamem_mb", MAX(video->vram / 1024, 1));
    if (qemuCommandAddPCIAddress(b, dev) < 0) {
        json_object_put(dev);
        return -1;
    }
    qemuCommandAddJSON(b, "-device", dev);
    return 0;
}


/* -blockdev for the file and format layers of disk number @n. */
static void
qemuBuildDiskBlockdevs(qemuCommandBuilder *b, const virDomainDiskDef *disk,
                       size_t n)
{
    g_autofree char *storage = g_strdup_printf("libvirt-%zu-storage", n);
    g_autofree char *format = g_strdup_printf("libvirt-%zu-format", n);
    json_object *file = json_object_new_object();
    json_object *fmt = json_object_new_object();

    qemuJSONAddString(file, "driver", "file");
    qemuJSONAddString(file, "filename", disk->src);
    qemuJSONAddString(file, "node-name", storage);
    qemuJSONAddBool(file, "auto-read-only", true);
    qemuJSONAddString(file, "discard", "unmap");
    qemuCommandAddJSON(b, "-blockdev", file);

    qemuJSONAddString(fmt, "node-name", format);
    qemuJSONAddBool(fmt, "read-only", disk->readonly);
    qemuJSONAddString(fmt, "driver",
                      virDomainDiskFormatTypeToString(disk->format));
    qemuJSONAddString(fmt, "file", storage);
    qemuCommandAddJSON(b, "-blockdev", fmt);
}


/* The -device of a disk whose format node is "libvirt-@n-format". */
static int
qemuBuildDiskDevice(qemuCommandBuilder *b, const virDomainDiskDef *disk,
                    size_t n, bool first)
{
    g_autofree char *drive = g_strdup_printf("libvirt-%zu-format", n);
    json_object *dev;
    int idx = qemuDiskIDEIndex(disk->dst);

    if (disk->bus == VIR_DOMAIN_DISK_BUS_IDE) {
        g_autofree char *bus = NULL;

        if (b->family == QEMU_MACHINE_FAMILY_Q35)
            bus = g_strdup_printf("ide.%d", idx);
        else
            bus = g_strdup_printf("ide.%d", idx / 2);
        dev = qemuDeviceNew("ide-hd");
        qemuJSONAddString(dev, "bus", bus);
        qemuJSONAddInt(dev, "unit", b->family == QEMU_MACHINE_FAMILY_Q35 ?
                                    0 : idx % 2);
    } else {
        dev = qemuDeviceNew("virtio-blk-pci");
        if (qemuCommandAddPCIAddress(b, dev) < 0) {
            json_object_put(dev);
            return -1;
        }
    }
    qemuJSONAddString(dev, "drive", drive);
    qemuJSONAddString(dev, "id", disk->info.alias);
    if (first && b->bootDisk)
        qemuJSONAddInt(dev, "bootindex", b->bootDisk);
    qemuCommandAddJSON(b, "-device", dev);
    return 0;
}


static int
qemuBuildDiskArgs(qemuCommandBuilder *b)
{
    GPtrArray *disks = b->def->disks;
    size_t i;

    for (i = 0; i < disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(disks, i);
        size_t n = disks->len - i; /* libvirt numbers nodes from the end */

        qemuBuildDiskBlockdevs(b, disk, n);
        if (qemuBuildDiskDevice(b, disk, n, i == 0) < 0)
            return -1;
    }
    return 0;
}


static const char *
qemuNetModelDriver(virDomainNetModel model)
{
    switch (model) {
    case VIR_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case VIR_DOMAIN_NET_MODEL_E1000:
        return "e1000";
    case VIR_DOMAIN_NET_MODEL_RTL8139:
    case VIR_DOMAIN_NET_MODEL_NONE:
    case VIR_DOMAIN_NET_MODEL_LAST:
    default:
        return "rtl8139";
    }
}


static int
qemuBuildNetArgs(qemuCommandBuilder *b)
{
    GPtrArray *nets = b->def->nets;
    size_t i;

    for (i = 0; i < nets->len; i++) {
        const virDomainNetDef *net = g_ptr_array_index(nets, i);
        g_autofree char *hostnet = g_strdup_printf("hostnet%zu", i);
        char mac[VIR_MAC_STRING_BUFLEN];
        json_object *netdev = json_object_new_object();
        json_object *dev = qemuDeviceNew(qemuNetModelDriver(net->model));

        qemuJSONAddString(netdev, "type", "user");
        qemuJSONAddString(netdev, "id", hostnet);
        qemuCommandAddJSON(b, "-netdev", netdev);

        qemuJSONAddString(dev, "netdev", hostnet);
        qemuJSONAddString(dev, "id", net->info.alias);
        qemuJSONAddString(dev, "mac", virDomainMacFormat(net->mac, mac));
        if (i == 0 && b->bootNet)
            qemuJSONAddInt(dev, "bootindex", b->bootNet);
        if (qemuCommandAddPCIAddress(b, dev) < 0) {
            json_object_put(dev);
            return -1;
        }
        qemuCommandAddJSON(b, "-device", dev);
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


static int
qemuBuildBalloonArgs(qemuCommandBuilder *b)
{
    const virDomainMemballoonDef *balloon = b->def->memballoon;
    json_object *dev;

    if (!balloon || balloon->model != VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
        return 0;
    dev = qemuDeviceNew("virtio-balloon-pci");
    qemuJSONAddString(dev, "id", balloon->info.alias);
    if (qemuCommandAddPCIAddress(b, dev) < 0) {
        json_object_put(dev);
        return -1;
    }
    qemuCommandAddJSON(b, "-device", dev);
    return 0;
}


/* -vnc host:display; autoport lets QEMU take the first free display. */
static void
qemuBuildGraphicsArgs(qemuCommandBuilder *b)
{
    const virDomainGraphicsDef *gr = b->def->graphics;
    const char *listen;
    g_autoptr(GString) vnc = g_string_new(NULL);

    if (!gr)
        return;
    listen = gr->listenAddress ? gr->listenAddress : "127.0.0.1";
    if (strchr(listen, ':'))
        g_string_append_printf(vnc, "[%s]", listen);
    else
        g_string_append(vnc, listen);
    if (gr->autoport || gr->port < 5900)
        g_string_append_printf(vnc, ":0,to=%d", QEMU_VNC_DISPLAY_MAX);
    else
        g_string_append_printf(vnc, ":%d", gr->port - 5900);
    if (gr->passwd)
        g_string_append(vnc, ",password=on");
    qemuCommandAddPair(b, "-vnc", vnc->str);
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
qemuCommandBuilderInit(qemuCommandBuilder *b, const virDomainDef *def)
{
    b->args = g_ptr_array_new_with_free_func(g_free);
    b->def = def;
    b->family = qemuMachineGetFamily(def->os.machine);
    if (b->family == QEMU_MACHINE_FAMILY_Q35) {
        b->pciBus = "pcie.0";
        b->nextSlot = QEMU_PCI_SLOT_FIRST_Q35;
        b->endSlot = QEMU_PCI_SLOT_END_Q35;
    } else {
        b->pciBus = "pci.0";
        b->nextSlot = QEMU_PCI_SLOT_FIRST_I440FX;
        b->endSlot = QEMU_PCI_SLOT_END_I440FX;
    }
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
    qemuCommandBuilderInit(&b, def);
    args = b.args;
    qemuCommandAdd(&b, def->emulator);
    qemuBuildMachineArgs(&b);
    qemuBuildCPUMemoryArgs(&b);
    qemuBuildControlArgs(&b, params);
    qemuBuildKernelArgs(&b);
    if (qemuBuildVideoArgs(&b) < 0 || qemuBuildDiskArgs(&b) < 0 ||
        qemuBuildNetArgs(&b) < 0)
        return NULL;
    qemuBuildSerialArgs(&b);
    if (qemuBuildBalloonArgs(&b) < 0)
        return NULL;
    qemuBuildGraphicsArgs(&b);
    qemuBuildTailArgs(&b, params);
    g_ptr_array_add(args, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&args), FALSE);
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
