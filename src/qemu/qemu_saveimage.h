/*
 * qemu_saveimage.h: the file format of saved domains (virsh save,
 * managed save)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A save image is, in this order (integers little-endian):
 *
 *   offset  size  field
 *        0     8  magic: "VMIGSAVE" once complete, "VMIGPART" while the
 *                 save is being written (never a valid image)
 *        8     4  version: 1
 *       12     4  flags: bit 0 = the guest was running when saved
 *       16     4  xmlLen: bytes of domain XML (no terminating NUL)
 *       20     4  reserved, 0
 *       24     8  dataOffset: where QEMU's migration stream begins; a
 *                 multiple of 4096 past the XML (zero padding between,
 *                 64 KiB at least when written, room for a longer XML)
 *       32     8  dataLen: bytes of QEMU's migration stream
 *       40    32  SHA-256 of the domain XML
 *       72     -  the domain XML (migratable form, as the destination of
 *                 a migration gets it)
 *
 * A reader checks the magic, the version, that the lengths fit the file
 * (a truncated image is refused before any QEMU starts) and the XML's
 * checksum.  docs/internals/save-image.rst has the details.
 */
#pragma once

#include "internal.h"

#define QEMU_SAVE_IMAGE_MAGIC "VMIGSAVE"
#define QEMU_SAVE_IMAGE_MAGIC_PARTIAL "VMIGPART"
#define QEMU_SAVE_IMAGE_MAGIC_LEN 8
#define QEMU_SAVE_IMAGE_VERSION 1
#define QEMU_SAVE_IMAGE_HEADER_LEN 72
#define QEMU_SAVE_IMAGE_ALIGN 4096
/* Bound on the domain XML of an image (libvirt's domain XML limit). */
#define QEMU_SAVE_IMAGE_XML_MAX (10 * 1024 * 1024)
#define QEMU_SAVE_IMAGE_SHA256_LEN 32
/* Room left after the XML of a new image, so that a replacement
 * (save-image-define, managedsave-define) may be longer: libvirt leaves
 * 64 KiB too.  It is a hole in the file: no disk space is used. */
#define QEMU_SAVE_IMAGE_XML_ROOM (64 * 1024)

typedef enum {
    QEMU_SAVE_IMAGE_RUNNING = 1 << 0, /* the guest ran when saved */
} qemuSaveImageFlags;

typedef struct _qemuSaveImageHeader qemuSaveImageHeader;
struct _qemuSaveImageHeader {
    bool partial; /* "VMIGPART": the save did not finish */
    unsigned int version;
    unsigned int flags; /* qemuSaveImageFlags */
    unsigned int xmlLen;
    unsigned long long dataOffset;
    unsigned long long dataLen;
    unsigned char xmlSHA256[QEMU_SAVE_IMAGE_SHA256_LEN];
};

unsigned long long qemuSaveImageDataOffset(const char *xml);
void qemuSaveImageHeaderInit(qemuSaveImageHeader *hdr, const char *xml,
                             bool running);
void qemuSaveImageHeaderEncode(const qemuSaveImageHeader *hdr,
                               unsigned char buf[QEMU_SAVE_IMAGE_HEADER_LEN]);
int qemuSaveImageHeaderDecode(const unsigned char *buf, size_t len,
                              const char *path, qemuSaveImageHeader *hdr);

int qemuSaveImageWriteStart(int fd, const char *path, qemuSaveImageHeader *hdr,
                            const char *xml);
int qemuSaveImageWriteFinish(int fd, const char *path, qemuSaveImageHeader *hdr,
                             unsigned long long dataLen);
int qemuSaveImageOpen(const char *path, bool writable,
                      qemuSaveImageHeader *retHdr, char **retXML);
int qemuSaveImageRewriteXML(int fd, const char *path, qemuSaveImageHeader *hdr,
                            const char *xml, bool running);

char *qemuSaveImageManagedPath(const char *saveDir, const char *name);
