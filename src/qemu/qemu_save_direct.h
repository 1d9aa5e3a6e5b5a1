/*
 * qemu_save_direct.h: QEMU's stream of a save image written and read
 * past the page cache (VIR_DOMAIN_SAVE_BYPASS_CACHE)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt bypasses the cache with O_DIRECT through its iohelper process;
 * here the daemon does the same I/O itself.  O_DIRECT wants the buffer,
 * the length and the file offset aligned to the device's logical block:
 * both sides move whole QEMU_SAVE_DIRECT_ALIGN blocks from an aligned
 * buffer, starting at the image's dataOffset (a multiple of 4096).
 *
 * Writer: the save's sink hands it QEMU's bytes in any sizes; it writes
 * full buffers with O_DIRECT, then the tail padded with zeros to a block,
 * and cuts the file back to the stream's exact end.
 *
 * Reader: QEMU reads its incoming stream in sizes of its own, which an
 * O_DIRECT descriptor would refuse, so QEMU gets the read end of a pipe
 * and a thread of ours fills it from the image read with O_DIRECT.
 */
#pragma once

#include "internal.h"

/* The block O_DIRECT I/O is aligned to: 4096 covers 512-byte and 4K
 * sector devices. */
#define QEMU_SAVE_DIRECT_ALIGN 4096
/* One O_DIRECT request (a multiple of QEMU_SAVE_DIRECT_ALIGN). */
#define QEMU_SAVE_DIRECT_BUFSIZE (1024 * 1024)

typedef struct _qemuSaveDirectWriter qemuSaveDirectWriter;

qemuSaveDirectWriter *
qemuSaveDirectWriterNew(const char *path, unsigned long long offset);
int qemuSaveDirectWriterWrite(qemuSaveDirectWriter *w, const char *data,
                              size_t len);
int qemuSaveDirectWriterFinish(qemuSaveDirectWriter *w);
void qemuSaveDirectWriterFree(qemuSaveDirectWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuSaveDirectWriter, qemuSaveDirectWriterFree);

typedef struct _qemuSaveDirectReader qemuSaveDirectReader;

qemuSaveDirectReader *
qemuSaveDirectReaderStart(const char *path, unsigned long long offset,
                          unsigned long long len, int *fd);
void qemuSaveDirectReaderFinish(qemuSaveDirectReader *r, bool failed);
