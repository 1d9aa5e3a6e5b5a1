/*
 * qemu_driver_block.c: driver entry points about a domain's disks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_driver_block.h"
#include "qemu_domain.h"
#include "qemu_domain_disk.h"
#include "qemu_domainjob.h"
#include "qemu_monitor_block.h"
#include "qemu_monitor_stats.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_block");


/* The disk of @def whose target (libvirt's "vda") is @name, or with
 * @byPath also whose source is; NULL if none (nothing reported). */
static virDomainDiskDef *
qemuDomainBlockFind(const virDomainDef *def, const char *name, bool byPath)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (STREQ(disk->dst, name) ||
            (byPath && STREQ_NULLABLE(disk->src->path, name)))
            return disk;
    }
    return NULL;
}


/* The disk of @def with target @dev, or NULL with VIR_ERR_INVALID_ARG
 * reported. */
static virDomainDiskDef *
qemuDomainBlockDisk(const virDomainDef *def, const char *dev)
{
    virDomainDiskDef *disk = qemuDomainBlockFind(def, dev, false);

    if (!disk)
        virReportError(VIR_ERR_INVALID_ARG, _("failed to find disk '%1$s'"),
                       dev);
    return disk;
}


/* The change of qemuDomainSetBlockThreshold on locked @vm in a MODIFY
 * job: block-set-write-threshold of the disk's storage node. */
static int
qemuDomainSetBlockThresholdLocked(virDomainObj *vm, const char *dev,
                                  unsigned long long threshold)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    virDomainDiskDef *disk;
    g_autofree char *node = NULL;
    int rc;

    if (virDomainObjCheckActive(vm) < 0 ||
        !(disk = qemuDomainBlockDisk(vm->def, dev)))
        return -1;
    if (!disk->src->path) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("threshold currently can't be set for block device '%1$s'"),
                       dev);
        return -1;
    }
    node = g_strdup_printf("libvirt-%u-storage", disk->src->index);
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorBlockSetWriteThreshold(priv->mon, node, threshold);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/**
 * qemuDomainSetBlockThreshold:
 * virDomainSetBlockThreshold (virsh domblkthreshold): once the guest
 * writes past @threshold bytes of the image of disk @dev (its target),
 * a BLOCK_THRESHOLD event says so; 0 removes the threshold.  The
 * domain must be running.
 */
int
qemuDomainSetBlockThreshold(virConn *conn G_GNUC_UNUSED,
                            const virDomainIdent *dom,
                            const char *dev, unsigned long long threshold,
                            unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s dev=%s threshold=%llu flags=0x%x", dom->name, dev,
              threshold, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuDomainSetBlockThresholdLocked(vm, dev, threshold);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* The disk of @def whose target or source is @path, with an image, or
 * NULL with libvirt's GetBlockInfo error reported. */
static virDomainDiskDef *
qemuDomainBlockInfoDisk(const virDomainDef *def, const char *path)
{
    virDomainDiskDef *disk = qemuDomainBlockFind(def, path, true);

    if (!disk) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("invalid path %1$s not assigned to domain"), path);
    } else if (!disk->src->path) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("disk '%1$s' does not currently have a source assigned"),
                       path);
        return NULL;
    }
    return disk;
}


/* The sizes of running @vm's @disk from QEMU, as libvirt makes them:
 * allocation is the highest offset the guest wrote (or the host's
 * allocation of a qcow2 file, or of an image not written yet), physical
 * the host's, or the file's size where those say nothing (a sparse or
 * untouched image). */
static int
qemuDomainBlockInfoLive(virDomainObj *vm, virDomainDiskDef *disk,
                        virDomainBlockInfo *info)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autoptr(GHashTable) stats = NULL;
    const qemuMonitorBlockStats *st;
    virDomainBlockInfo file;
    int rc;

    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorGetBlockStats(priv->mon, &stats);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    if (!disk->info.alias ||
        !(st = g_hash_table_lookup(stats, disk->info.alias))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot find statistics for device '%1$s'"),
                       NULLSTR(disk->info.alias));
        return -1;
    }
    info->capacity = st->capacity;
    info->allocation = st->physical;
    if (st->wrHighestOffsetValid &&
        disk->src->format != VIR_DOMAIN_DISK_FORMAT_QCOW2)
        info->allocation = st->wrHighestOffset;
    info->physical = st->physical;
    if (st->physical == 0 || info->allocation == 0 ||
        info->allocation == st->physical) {
        if (info->allocation == 0)
            info->allocation = st->physical;
        if (qemuDomainDiskReadSizes(disk->src, &file) == 0)
            info->physical = file.physical;
        else
            virErrorResetLast();
    }
    return 0;
}


/**
 * qemuDomainGetBlockInfo:
 * virDomainGetBlockInfo (virsh domblkinfo): the capacity, allocation
 * and physical size of the disk whose target or source is @path, from
 * QEMU while the domain runs, from the image otherwise.
 */
int
qemuDomainGetBlockInfo(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                       const char *path, virDomainBlockInfo *info,
                       unsigned int flags)
{
    virDomainObj *vm;
    virDomainDiskDef *disk;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_QUERY) == 0) {
        if (!(disk = qemuDomainBlockInfoDisk(vm->def, path)))
            ret = -1;
        else if (virDomainObjIsActive(vm))
            ret = qemuDomainBlockInfoLive(vm, disk, info);
        else
            ret = qemuDomainDiskReadSizes(disk->src, info);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* block_resize of running @vm's disk @path to @bytes, in a MODIFY job. */
static int
qemuDomainBlockResizeLocked(virDomainObj *vm, const char *path,
                            unsigned long long bytes)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    virDomainDiskDef *disk;
    g_autofree char *node = NULL;
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (!(disk = qemuDomainBlockFind(vm->def, path, true))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("disk '%1$s' was not found in the domain config"),
                       path);
        return -1;
    }
    if (!disk->src->path || disk->readonly) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("can't resize empty or readonly disk '%1$s'"),
                       disk->dst);
        return -1;
    }
    /* a qcow2 image's size is in whole sectors */
    if (disk->src->format == VIR_DOMAIN_DISK_FORMAT_QCOW2)
        bytes = (bytes + 511) & ~511ULL;
    node = g_strdup_printf("libvirt-%u-format", disk->src->index);
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorBlockResize(priv->mon, node, bytes);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/**
 * qemuDomainBlockResize:
 * virDomainBlockResize (virsh blockresize): the image of the running
 * domain's disk @path (target or source) grows (or shrinks) to @size KiB,
 * or bytes with VIR_DOMAIN_BLOCK_RESIZE_BYTES; the guest sees the new
 * capacity.
 */
int
qemuDomainBlockResize(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      const char *path, unsigned long long size,
                      unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s path=%s size=%llu flags=0x%x", dom->name, path, size,
              flags);
    virCheckFlags(VIR_DOMAIN_BLOCK_RESIZE_BYTES, -1);
    if (!(flags & VIR_DOMAIN_BLOCK_RESIZE_BYTES)) {
        if (size > ULLONG_MAX / 1024) {
            virReportError(VIR_ERR_OVERFLOW, _("size must be less than %1$llu"),
                           ULLONG_MAX / 1024);
            return -1;
        }
        size *= 1024;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuDomainBlockResizeLocked(vm, path, size);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}
