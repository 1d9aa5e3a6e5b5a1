/*
 * domain_conf_disk.c: <disk> elements
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * File and block disks and CD-ROMs (an empty CD-ROM has no <source>),
 * raw or qcow2 with a <backingStore> chain, on virtio, IDE, SATA, SCSI or
 * USB, with cache, io, discard, readonly, shareable, serial and boot
 * order, in libvirt's shapes.  The node index of each layer
 * (libvirt-N-storage/-format) is runtime data, shown in live XML as
 * <source index=''> and <backingStore index=''>.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_disk");

static const char *const virDomainDiskBusTable[] = {
    [VIR_DOMAIN_DISK_BUS_NONE] = "none",
    [VIR_DOMAIN_DISK_BUS_VIRTIO] = "virtio",
    [VIR_DOMAIN_DISK_BUS_IDE] = "ide",
    [VIR_DOMAIN_DISK_BUS_SCSI] = "scsi",
    [VIR_DOMAIN_DISK_BUS_USB] = "usb",
    [VIR_DOMAIN_DISK_BUS_SATA] = "sata",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskBus, virDomainDiskBusTable,
                    VIR_DOMAIN_DISK_BUS_LAST);

static const char *const virDomainDiskFormatTable[] = {
    [VIR_DOMAIN_DISK_FORMAT_NONE] = "none",
    [VIR_DOMAIN_DISK_FORMAT_RAW] = "raw",
    [VIR_DOMAIN_DISK_FORMAT_QCOW2] = "qcow2",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskFormat, virDomainDiskFormatTable,
                    VIR_DOMAIN_DISK_FORMAT_LAST);

static const char *const virDomainDiskTypeTable[] = {
    [VIR_DOMAIN_DISK_TYPE_NONE] = "none",
    [VIR_DOMAIN_DISK_TYPE_FILE] = "file",
    [VIR_DOMAIN_DISK_TYPE_BLOCK] = "block",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskType, virDomainDiskTypeTable,
                    VIR_DOMAIN_DISK_TYPE_LAST);

static const char *const virDomainDiskDeviceTable[] = {
    [VIR_DOMAIN_DISK_DEVICE_NONE] = "none",
    [VIR_DOMAIN_DISK_DEVICE_DISK] = "disk",
    [VIR_DOMAIN_DISK_DEVICE_CDROM] = "cdrom",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskDevice, virDomainDiskDeviceTable,
                    VIR_DOMAIN_DISK_DEVICE_LAST);

static const char *const virDomainDiskCacheTable[] = {
    [VIR_DOMAIN_DISK_CACHE_DEFAULT] = "default",
    [VIR_DOMAIN_DISK_CACHE_NONE] = "none",
    [VIR_DOMAIN_DISK_CACHE_WRITETHROUGH] = "writethrough",
    [VIR_DOMAIN_DISK_CACHE_WRITEBACK] = "writeback",
    [VIR_DOMAIN_DISK_CACHE_DIRECTSYNC] = "directsync",
    [VIR_DOMAIN_DISK_CACHE_UNSAFE] = "unsafe",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskCache, virDomainDiskCacheTable,
                    VIR_DOMAIN_DISK_CACHE_LAST);

static const char *const virDomainDiskIoTable[] = {
    [VIR_DOMAIN_DISK_IO_DEFAULT] = "default",
    [VIR_DOMAIN_DISK_IO_NATIVE] = "native",
    [VIR_DOMAIN_DISK_IO_THREADS] = "threads",
    [VIR_DOMAIN_DISK_IO_URING] = "io_uring",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskIo, virDomainDiskIoTable,
                    VIR_DOMAIN_DISK_IO_LAST);

static const char *const virDomainDiskDiscardTable[] = {
    [VIR_DOMAIN_DISK_DISCARD_DEFAULT] = "default",
    [VIR_DOMAIN_DISK_DISCARD_UNMAP] = "unmap",
    [VIR_DOMAIN_DISK_DISCARD_IGNORE] = "ignore",
};
VIR_ENUM_IMPL_TABLE(virDomainDiskDiscard, virDomainDiskDiscardTable,
                    VIR_DOMAIN_DISK_DISCARD_LAST);

/* The disk part of the allowed-XML table; a backing chain may nest
 * VIR_DOMAIN_DISK_BACKING_DEPTH layers. */
#define VIR_DOMAIN_DISK_BACKING_DEPTH 4
const virXMLAllowed virDomainXMLAllowedDisk[] = {
    { "domain/devices/disk", "type device", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/disk/driver", "name type cache io discard iothread", 0 },
    { "domain/devices/disk/source", "file dev index", 0 },
    { "domain/devices/disk/target", "dev bus", 0 },
    { "domain/devices/disk/readonly", NULL, 0 },
    { "domain/devices/disk/shareable", NULL, 0 },
    { "domain/devices/disk/serial", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/devices/disk/alias", "name", 0 },
    { "domain/devices/disk/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/disk/boot", "order", 0 },
#define BS "domain/devices/disk/backingStore"
    { BS, "type index", 0 },
    { BS "/format", "type", 0 },
    { BS "/source", "file dev", 0 },
    { BS "/backingStore", "type index", 0 },
    { BS "/backingStore/format", "type", 0 },
    { BS "/backingStore/source", "file dev", 0 },
    { BS "/backingStore/backingStore", "type index", 0 },
    { BS "/backingStore/backingStore/format", "type", 0 },
    { BS "/backingStore/backingStore/source", "file dev", 0 },
    { BS "/backingStore/backingStore/backingStore", "type index", 0 },
    { BS "/backingStore/backingStore/backingStore/format", "type", 0 },
    { BS "/backingStore/backingStore/backingStore/source", "file dev", 0 },
    { BS "/backingStore/backingStore/backingStore/backingStore", NULL, 0 },
#undef BS
    { NULL, NULL, 0 },
};


/* Frees a chain of layers; accepts NULL. */
void
virDomainDiskSourceFree(virDomainDiskSource *src)
{
    while (src) {
        virDomainDiskSource *next = src->backing;

        g_free(src->path);
        g_free(src);
        src = next;
    }
}


/* Frees a disk definition; accepts NULL. */
void
virDomainDiskDefFree(virDomainDiskDef *def)
{
    if (!def)
        return;
    virDomainDiskSourceFree(def->src);
    g_free(def->dst);
    g_free(def->serial);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/**
 * virDomainDiskNameToIndex:
 * libvirt's disk index from a target name: "vda" -> 0, "hdc" -> 2,
 * "sdaa" -> 26.  Returns -1 when the name is not prefix + letters.
 */
int
virDomainDiskNameToIndex(const char *name)
{
    const char *p = name + 2;
    int idx = 0;
    size_t i;

    if (strlen(name) < 3 || strlen(name) > 6)
        return -1;
    for (i = 0; *p; i++, p++) {
        if (!g_ascii_islower(*p))
            return -1;
        idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
    }
    return idx;
}


static int
virDomainDiskDefParseTarget(virDomainDiskDef *disk, xmlNode *dev)
{
    xmlNode *target = virXMLNodeChild(dev, "target");

    if (!target) {
        virReportError(VIR_ERR_NO_TARGET, "%s",
                       _("missing <target> in disk"));
        return -1;
    }
    if (!(disk->dst = virDomainXMLPropRequired(target, "dev")) ||
        virDomainXMLPropEnum(target, "bus", virDomainDiskBus, false,
                             &disk->bus) < 0)
        return -1;
    if (!disk->bus && STRPREFIX(disk->dst, "vd"))
        disk->bus = VIR_DOMAIN_DISK_BUS_VIRTIO;
    else if (!disk->bus && STRPREFIX(disk->dst, "hd"))
        disk->bus = VIR_DOMAIN_DISK_BUS_IDE;
    else if (!disk->bus && STRPREFIX(disk->dst, "sd"))
        disk->bus = VIR_DOMAIN_DISK_BUS_SCSI;
    if (!disk->bus) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot infer the bus of disk '%1$s' (supported: vdX on virtio, hdX on ide, sdX on scsi)"),
                       disk->dst);
        return -1;
    }
    return 0;
}


/* <source file=''> or <source dev=''> of a layer of @type; with
 * @optional a missing source or path is an empty CD-ROM. */
static int
virDomainDiskSourceParsePath(virDomainDiskSource *src, xmlNode *source,
                             unsigned int flags, bool optional)
{
    const char *attr = src->type == VIR_DOMAIN_DISK_TYPE_BLOCK ? "dev"
                                                               : "file";

    if (!source && optional)
        return 0;
    if (!source) {
        virReportError(VIR_ERR_NO_SOURCE, "%s",
                       _("missing <source> in disk"));
        return -1;
    }
    if (!(src->path = virXMLPropString(source, attr)) && !optional) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("missing attribute '%1$s' of element '%2$s'"),
                       attr, "source");
        return -1;
    }
    if (!(flags & VIR_DOMAIN_DEF_PARSE_INACTIVE) &&
        virDomainXMLPropUInt(source, "index", false, &src->index) < 0)
        return -1;
    return 0;
}


/* The <backingStore> below @parent (a <disk> or a <backingStore>). */
static int
virDomainDiskBackingParse(virDomainDiskSource *top, xmlNode *parent,
                          unsigned int flags)
{
    xmlNode *node = virXMLNodeChild(parent, "backingStore");
    g_autoptr(virDomainDiskSource) layer = NULL;
    xmlNode *format;

    if (!node)
        return 0;
    top->backingKnown = true;
    if (!xmlHasProp(node, BAD_CAST "type"))
        return 0;   /* <backingStore/>: the chain ends here */
    layer = g_new0(virDomainDiskSource, 1);
    if (virDomainXMLPropEnum(node, "type", virDomainDiskType, true,
                             &layer->type) < 0)
        return -1;
    if (!(format = virXMLNodeChild(node, "format"))) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("missing disk backing store format"));
        return -1;
    }
    if (virDomainXMLPropEnum(format, "type", virDomainDiskFormat, true,
                             &layer->format) < 0 ||
        virDomainDiskSourceParsePath(layer, virXMLNodeChild(node, "source"),
                                     VIR_DOMAIN_DEF_PARSE_INACTIVE, false) < 0)
        return -1;
    if (!(flags & VIR_DOMAIN_DEF_PARSE_INACTIVE) &&
        virDomainXMLPropUInt(node, "index", false, &layer->index) < 0)
        return -1;
    if (virDomainDiskBackingParse(layer, node, flags) < 0)
        return -1;
    top->backing = g_steal_pointer(&layer);
    return 0;
}


static int
virDomainDiskDefParseDriver(virDomainDiskDef *disk, xmlNode *dev)
{
    xmlNode *driver = virXMLNodeChild(dev, "driver");
    g_autofree char *name = driver ? virXMLPropString(driver, "name") : NULL;

    if (!driver)
        return 0;
    if (name && STRNEQ(name, "qemu")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("unsupported driver name '%1$s' for disk '%2$s'"),
                       name, disk->dst);
        return -1;
    }
    if (virDomainXMLPropEnum(driver, "type", virDomainDiskFormat, false,
                             &disk->src->format) < 0 ||
        virDomainXMLPropEnum(driver, "cache", virDomainDiskCache, false,
                             &disk->cache) < 0 ||
        virDomainXMLPropEnum(driver, "io", virDomainDiskIo, false,
                             &disk->io) < 0 ||
        virDomainXMLPropEnum(driver, "discard", virDomainDiskDiscard, false,
                             &disk->discard) < 0 ||
        virDomainXMLPropUInt(driver, "iothread", false, &disk->iothread) < 0)
        return -1;
    return 0;
}


/**
 * virDomainDiskDefParse:
 * Parses one <disk> element; caller owns the result, NULL with an error
 * reported.
 */
virDomainDiskDef *
virDomainDiskDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainDiskDef) disk = g_new0(virDomainDiskDef, 1);
    xmlNode *serial = virXMLNodeChild(dev, "serial");

    disk->src = g_new0(virDomainDiskSource, 1);
    disk->src->type = VIR_DOMAIN_DISK_TYPE_FILE;
    disk->device = VIR_DOMAIN_DISK_DEVICE_DISK;
    if (virDomainXMLPropEnum(dev, "type", virDomainDiskType, false,
                             &disk->src->type) < 0 ||
        virDomainXMLPropEnum(dev, "device", virDomainDiskDevice, false,
                             &disk->device) < 0 ||
        virDomainDiskDefParseTarget(disk, dev) < 0 ||
        virDomainDiskDefParseDriver(disk, dev) < 0 ||
        virDomainDiskSourceParsePath(disk->src, virXMLNodeChild(dev, "source"),
                                     flags,
                                     disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM) < 0 ||
        virDomainDiskBackingParse(disk->src, dev, flags) < 0 ||
        virDomainDeviceInfoParseXML(dev, flags, &disk->info) < 0)
        return NULL;
    disk->readonly = virXMLNodeChild(dev, "readonly") != NULL;
    disk->shareable = virXMLNodeChild(dev, "shareable") != NULL;
    if (serial)
        disk->serial = virXMLNodeContent(serial);
    return g_steal_pointer(&disk);
}


/**
 * virDomainDiskDefPostParse:
 * libvirt's defaults: raw format, read-only CD-ROMs, and the drive
 * address from the target name when there is none (IDE 2 units x 2
 * buses per controller, SATA 6 units, SCSI 7 units per controller).
 */
void
virDomainDiskDefPostParse(virDomainDiskDef *disk)
{
    int idx = virDomainDiskNameToIndex(disk->dst);
    virDomainDeviceDriveAddress *drive = &disk->info.addr.drive;

    if (!disk->src->format)
        disk->src->format = VIR_DOMAIN_DISK_FORMAT_RAW;
    if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM)
        disk->readonly = true;
    if (disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE || idx < 0)
        return;
    switch (disk->bus) {
    case VIR_DOMAIN_DISK_BUS_IDE:
        disk->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
        drive->controller = idx / 4;
        drive->bus = (idx % 4) / 2;
        drive->unit = idx % 2;
        break;
    case VIR_DOMAIN_DISK_BUS_SATA:
        disk->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
        drive->controller = idx / 6;
        drive->unit = idx % 6;
        break;
    case VIR_DOMAIN_DISK_BUS_SCSI:
        disk->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
        drive->controller = idx / 7;
        drive->unit = idx % 7;
        break;
    case VIR_DOMAIN_DISK_BUS_USB:
    case VIR_DOMAIN_DISK_BUS_NONE:
    case VIR_DOMAIN_DISK_BUS_VIRTIO:
    case VIR_DOMAIN_DISK_BUS_LAST:
    default:
        break;
    }
}


/**
 * virDomainDiskDefValidate:
 * The target name fits the bus; a drive address only on a bus that has
 * one; an empty source only for a CD-ROM.  Returns 0 or -1 (reported).
 */
int
virDomainDiskDefValidate(const virDomainDiskDef *disk)
{
    int idx = virDomainDiskNameToIndex(disk->dst);
    const char *prefix = "sd";
    const char *expected = "sda, sdb, ...";

    if (disk->bus == VIR_DOMAIN_DISK_BUS_IDE) {
        prefix = "hd";
        expected = "hda..hdd";
    } else if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO) {
        prefix = "vd";
        expected = "vda, vdb, ...";
    }
    if (!STRPREFIX(disk->dst, prefix) || idx < 0 ||
        (disk->bus == VIR_DOMAIN_DISK_BUS_IDE && idx > 3)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk target '%1$s' is not valid for bus '%2$s' (expected %3$s)"),
                       disk->dst, virDomainDiskBusTypeToString(disk->bus),
                       expected);
        return -1;
    }
    if (disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE &&
        (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO ||
         disk->bus == VIR_DOMAIN_DISK_BUS_USB)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%1$s' on bus '%2$s' cannot have a drive address"),
                       disk->dst, virDomainDiskBusTypeToString(disk->bus));
        return -1;
    }
    if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM &&
        disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("disk type of 'vda' does not support ejectable media"));
        return -1;
    }
    return 0;
}


static void
virDomainDiskSourcePathFormat(virBuffer *buf, const virDomainDiskSource *src,
                              bool index)
{
    virBufferEscapeString(buf, src->type == VIR_DOMAIN_DISK_TYPE_BLOCK
                                   ? "<source dev='%s'" : "<source file='%s'",
                          src->path);
    if (index && src->index)
        virBufferAsprintf(buf, " index='%u'", src->index);
    virBufferAddLit(buf, "/>\n");
}


/* The <backingStore> chain below @top.  A known end is <backingStore/>;
 * inactive XML leaves it out when it was probed, not written. */
static void
virDomainDiskBackingFormat(virBuffer *buf, const virDomainDiskSource *top,
                           unsigned int flags)
{
    const virDomainDiskSource *layer = top->backing;
    bool live = !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                           VIR_DOMAIN_DEF_FORMAT_MIGRATABLE));

    if (!top->backingKnown || !top->path)
        return;
    if (!layer) {
        if (!(flags & VIR_DOMAIN_DEF_FORMAT_INACTIVE) || !top->probed)
            virBufferAddLit(buf, "<backingStore/>\n");
        return;
    }
    virBufferAsprintf(buf, "<backingStore type='%s'",
                      virDomainDiskTypeTypeToString(layer->type));
    if (live && layer->index)
        virBufferAsprintf(buf, " index='%u'", layer->index);
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<format type='%s'/>\n",
                      virDomainDiskFormatTypeToString(layer->format));
    virDomainDiskSourcePathFormat(buf, layer, false);
    virDomainDiskBackingFormat(buf, layer, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</backingStore>\n");
}


static void
virDomainDiskDriverFormat(virBuffer *buf, const virDomainDiskDef *disk)
{
    virBufferAsprintf(buf, "<driver name='qemu' type='%s'",
                      virDomainDiskFormatTypeToString(disk->src->format));
    if (disk->cache)
        virBufferAsprintf(buf, " cache='%s'",
                          virDomainDiskCacheTypeToString(disk->cache));
    if (disk->io)
        virBufferAsprintf(buf, " io='%s'",
                          virDomainDiskIoTypeToString(disk->io));
    if (disk->discard)
        virBufferAsprintf(buf, " discard='%s'",
                          virDomainDiskDiscardTypeToString(disk->discard));
    if (disk->iothread)
        virBufferAsprintf(buf, " iothread='%u'", disk->iothread);
    virBufferAddLit(buf, "/>\n");
}


/**
 * virDomainDiskDefFormat:
 * Appends @disk in libvirt's element order.
 */
void
virDomainDiskDefFormat(virBuffer *buf, const virDomainDiskDef *disk,
                       unsigned int flags)
{
    bool live = !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                           VIR_DOMAIN_DEF_FORMAT_MIGRATABLE));

    virBufferAsprintf(buf, "<disk type='%s' device='%s'>\n",
                      virDomainDiskTypeTypeToString(disk->src->type),
                      virDomainDiskDeviceTypeToString(disk->device));
    virBufferAdjustIndent(buf, 2);
    virDomainDiskDriverFormat(buf, disk);
    if (disk->src->path)
        virDomainDiskSourcePathFormat(buf, disk->src, live);
    virDomainDiskBackingFormat(buf, disk->src, flags);
    virBufferEscapeString(buf, "<target dev='%s'", disk->dst);
    virBufferAsprintf(buf, " bus='%s'/>\n",
                      virDomainDiskBusTypeToString(disk->bus));
    if (disk->readonly)
        virBufferAddLit(buf, "<readonly/>\n");
    if (disk->shareable)
        virBufferAddLit(buf, "<shareable/>\n");
    virBufferEscapeString(buf, "<serial>%s</serial>\n", disk->serial);
    virDomainDeviceInfoFormat(buf, &disk->info, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</disk>\n");
}


/**
 * virDomainDefAssignDiskIndexes:
 * Numbers every layer of every disk for the QEMU block nodes as libvirt
 * does: from the last disk to the first, each disk's layers top down, an
 * empty CD-ROM taking one number too.  Layers already numbered (a
 * running domain read back) keep theirs.
 */
void
virDomainDefAssignDiskIndexes(virDomainDef *def)
{
    unsigned int next = 1;
    size_t i;

    for (i = def->disks->len; i > 0; i--) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i - 1);
        virDomainDiskSource *layer;

        for (layer = disk->src; layer; layer = layer->backing) {
            if (!layer->index)
                layer->index = next;
            next = MAX(next, layer->index) + 1;
        }
    }
}


/* Drops the node indexes and the probed parts of the backing chains (a
 * domain that stops: the images may change before the next start). */
void
virDomainDefClearDiskIndexes(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        virDomainDiskSource *layer;

        for (layer = disk->src; layer; layer = layer->backing) {
            layer->index = 0;
            if (layer->probed) {
                g_clear_pointer(&layer->backing, virDomainDiskSourceFree);
                layer->backingKnown = false;
                layer->probed = false;
            }
        }
    }
}
