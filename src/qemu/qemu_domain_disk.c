/*
 * qemu_domain_disk.c: disks of a domain being started
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Before QEMU starts, libvirt learns each disk's backing chain (so the
 * command line opens every layer itself, with "backing":null where the
 * chain ends, and live XML shows it).  We read the qcow2 header for the backing file name
 * and format; raw images and block devices have no backing chain.
 */
#include <config.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_domain_disk.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_domain_disk");

#define QEMU_QCOW2_MAGIC 0x514649fbU
#define QEMU_QCOW2_EXT_BACKING_FORMAT 0xe2792acaU
#define QEMU_QCOW2_HEADER_MAX 2048
#define QEMU_DISK_CHAIN_MAX 8


static guint32
qemuReadBE32(const unsigned char *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) |
           ((guint32)p[2] << 8) | p[3];
}


static guint64
qemuReadBE64(const unsigned char *p)
{
    return ((guint64)qemuReadBE32(p) << 32) | qemuReadBE32(p + 4);
}


/* The backing format from the header extensions, or NONE. */
static virDomainDiskFormat
qemuQcow2BackingFormat(const unsigned char *buf, size_t len)
{
    guint32 version = qemuReadBE32(buf + 4);
    size_t off = version >= 3 ? qemuReadBE32(buf + 100) : 72;

    while (off + 8 <= len) {
        guint32 type = qemuReadBE32(buf + off);
        guint32 size = qemuReadBE32(buf + off + 4);

        if (type == 0 || off + 8 + size > len)
            break;
        if (type == QEMU_QCOW2_EXT_BACKING_FORMAT) {
            if (size == 5 && memcmp(buf + off + 8, "qcow2", 5) == 0)
                return VIR_DOMAIN_DISK_FORMAT_QCOW2;
            if (size == 3 && memcmp(buf + off + 8, "raw", 3) == 0)
                return VIR_DOMAIN_DISK_FORMAT_RAW;
            return VIR_DOMAIN_DISK_FORMAT_NONE;
        }
        off += 8 + ((size + 7) & ~7U);
    }
    return VIR_DOMAIN_DISK_FORMAT_NONE;
}


/* Reads the start of @path.  Returns the byte count, -1 (reported). */
static ssize_t
qemuDiskReadHeader(const char *path, unsigned char *buf, size_t len)
{
    VIR_AUTOCLOSE fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got;

    if (fd < 0 || (got = read(fd, buf, len)) < 0) {
        virReportSystemError(errno, _("cannot read disk image '%1$s'"), path);
        return -1;
    }
    return got;
}


/* The layer below @layer (a qcow2 image) from its header, or NULL when it
 * has none; -1 on error (reported). */
static int
qemuDiskProbeBacking(virDomainDiskSource *layer, virDomainDiskSource **ret)
{
    unsigned char buf[QEMU_QCOW2_HEADER_MAX];
    g_autoptr(virDomainDiskSource) below = NULL;
    g_autofree char *name = NULL;
    ssize_t len;
    guint64 off;
    guint32 size;

    *ret = NULL;
    if ((len = qemuDiskReadHeader(layer->path, buf, sizeof(buf))) < 0)
        return -1;
    if (len < 72 || qemuReadBE32(buf) != QEMU_QCOW2_MAGIC) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk image '%1$s' is not in qcow2 format"),
                       layer->path);
        return -1;
    }
    off = qemuReadBE64(buf + 8);
    size = qemuReadBE32(buf + 16);
    if (off == 0 || size == 0)
        return 0;
    if (off + size > (guint64)len || size > 1023) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("unsupported backing file name in '%1$s'"),
                       layer->path);
        return -1;
    }
    name = g_strndup((const char *)buf + off, size);
    below = g_new0(virDomainDiskSource, 1);
    below->type = VIR_DOMAIN_DISK_TYPE_FILE;
    if (g_path_is_absolute(name)) {
        below->path = g_steal_pointer(&name);
    } else {
        g_autofree char *dir = g_path_get_dirname(layer->path);

        below->path = g_build_filename(dir, name, NULL);
    }
    below->format = qemuQcow2BackingFormat(buf, len);
    if (!below->format) {
        unsigned char magic[4] = { 0 };

        if (qemuDiskReadHeader(below->path, magic, sizeof(magic)) < 0)
            return -1;
        below->format = qemuReadBE32(magic) == QEMU_QCOW2_MAGIC
                            ? VIR_DOMAIN_DISK_FORMAT_QCOW2
                            : VIR_DOMAIN_DISK_FORMAT_RAW;
    }
    *ret = g_steal_pointer(&below);
    return 0;
}


/* Completes the chain below @top from the images' headers, or, without
 * @probe (unit tests), takes it as ending where the XML ends. */
static int
qemuDiskCompleteChain(virDomainDiskSource *top, bool probe)
{
    virDomainDiskSource *layer = top;
    size_t depth = 0;

    for (; layer; layer = layer->backing, depth++) {
        if (depth >= QEMU_DISK_CHAIN_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("backing chain of '%1$s' is longer than %2$d images"),
                           top->path, QEMU_DISK_CHAIN_MAX);
            return -1;
        }
        if (layer->backingKnown)
            continue;
        layer->backingKnown = true;
        layer->probed = true;
        if (!probe || layer->format != VIR_DOMAIN_DISK_FORMAT_QCOW2 ||
            layer->type != VIR_DOMAIN_DISK_TYPE_FILE)
            continue;
        if (qemuDiskProbeBacking(layer, &layer->backing) < 0)
            return -1;
    }
    return 0;
}


/**
 * qemuDomainPrepareDisks:
 * What libvirt does to the disks of a live definition before building the
 * command line: learns every backing chain (from the qcow2 headers when
 * @probe, else ending where the XML ends).  Returns 0 or -1 (reported).
 */
int
qemuDomainPrepareDisks(virDomainDef *def, bool probe)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->src->path && qemuDiskCompleteChain(disk->src, probe) < 0)
            return -1;
    }
    return 0;
}


/**
 * qemuDomainDiskReadSizes:
 * The sizes of @src's image as libvirt reads them for a domain that is
 * not running: capacity is the guest's size (a qcow2 header's, else the
 * file's or the device's), allocation what the host gave the file
 * (its blocks), physical the file's or device's size.  Returns 0, -1
 * (reported).
 */
int
qemuDomainDiskReadSizes(const virDomainDiskSource *src,
                        virDomainBlockInfo *info)
{
    VIR_AUTOCLOSE fd = open(src->path, O_RDONLY | O_CLOEXEC);
    unsigned char buf[32];
    struct stat sb;
    off_t end;

    if (fd < 0 || fstat(fd, &sb) < 0 || (end = lseek(fd, 0, SEEK_END)) < 0) {
        virReportSystemError(errno, _("cannot stat file '%1$s'"), src->path);
        return -1;
    }
    if (S_ISBLK(sb.st_mode)) {
        info->physical = end;
        info->allocation = end;
    } else {
        info->physical = sb.st_size;
        info->allocation = (unsigned long long)sb.st_blocks * 512;
    }
    info->capacity = info->physical;
    if (src->format == VIR_DOMAIN_DISK_FORMAT_QCOW2 &&
        pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) &&
        qemuReadBE32(buf) == QEMU_QCOW2_MAGIC)
        info->capacity = qemuReadBE64(buf + 24);
    return 0;
}


/**
 * qemuDomainPrepareDisk:
 * qemuDomainPrepareDisks (probing) for one disk about to be plugged into
 * a running domain or inserted as a CD-ROM's medium.  Returns 0 or -1
 * (reported).
 */
int
qemuDomainPrepareDisk(virDomainDiskDef *disk)
{
    if (!disk->src->path)
        return 0;
    return qemuDiskCompleteChain(disk->src, true);
}
