/*
 * qemu_driver_block.c: driver entry points about a domain's disks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_driver_block.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_monitor_block.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_block");


/* The disk of @def with target @dev (libvirt's "vda"), or NULL with
 * VIR_ERR_INVALID_ARG reported. */
static virDomainDiskDef *
qemuDomainBlockDisk(const virDomainDef *def, const char *dev)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (STREQ(disk->dst, dev))
            return disk;
    }
    virReportError(VIR_ERR_INVALID_ARG, _("failed to find disk '%1$s'"), dev);
    return NULL;
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
