/*
 * qemu_save.h: saving a running domain to a file and starting it again
 * from one (virsh save/restore, managed save)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Save: under the async SAVE job the vCPUs stop, QEMU's migration stream
 * goes through a unix socket of ours (the tunnel of
 * qemu_migration_tunnel.c) into the image (qemu_saveimage.h), and only
 * once the image is complete on disk does QEMU stop: a failed save
 * resumes the guest, and never leaves an image that looks valid.
 *
 * Restore: QEMU starts paused with "-incoming defer", is handed the
 * image's descriptor at exec, and loads it with migrate-incoming "fd:N";
 * the vCPUs then run if the guest ran when saved (or as the flags say).
 */
#pragma once

#include "internal.h"
#include "qemu_domain.h"
#include "qemu_saveimage.h"

/* Save flags this driver implements (BYPASS_CACHE: the stream with
 * O_DIRECT, qemu_save_direct.h). */
#define QEMU_SAVE_FLAGS \
    (VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED | \
     VIR_DOMAIN_SAVE_BYPASS_CACHE)

int qemuSaveCheckFlags(unsigned int flags, unsigned int supported);

int qemuSaveDomain(virDomainObj *vm, const char *path, const char *dxml,
                   unsigned int flags);
int qemuSaveDumpStream(virDomainObj *vm, int fd, const char *path, bool bypass);

virDomainDef *qemuSaveImageReadDef(const char *path, const char *dxml,
                                   qemuSaveImageHeader *retHdr, int *retFD);
int qemuSaveRestore(virDomainObj *vm, int *fd, bool running, bool startPaused);
int qemuSaveRestoreImage(virDomainObj *vm, const char *path,
                         const qemuSaveImageHeader *hdr, int *fd, bool bypass,
                         bool running, bool startPaused);
int qemuSaveImageDefine(const char *path, const char *dxml, unsigned int flags);

char *qemuSaveManagedPath(const virDomainObj *vm);
int qemuSaveManagedStart(virDomainObj *vm, unsigned int startFlags);
int qemuSaveManagedRemove(virDomainObj *vm, bool quiet);
int
qemuSaveManagedDefine(virDomainObj *vm, const char *dxml, unsigned int flags);
void qemuSaveManagedLoad(virDomainObj *vm);
