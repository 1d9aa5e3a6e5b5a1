/*
 * qemu_saveimage.c: the file format of saved domains (virsh save,
 * managed save)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layout is in qemu_saveimage.h.  Writing happens in two steps: the
 * header (marked partial) and the XML before QEMU's stream, the final
 * header once the stream is complete and on disk; reading refuses
 * anything that is not a complete image of a version we know, before a
 * QEMU is started for it.
 */
#include <config.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_saveimage.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.saveimage");


/* ---- little-endian fields ---- */

static void
qemuSaveImagePut32(unsigned char *p, unsigned int v)
{
    size_t i;

    for (i = 0; i < 4; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}


static void
qemuSaveImagePut64(unsigned char *p, unsigned long long v)
{
    size_t i;

    for (i = 0; i < 8; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}


static unsigned int
qemuSaveImageGet32(const unsigned char *p)
{
    return (unsigned int)p[0] | (unsigned int)p[1] << 8 |
           (unsigned int)p[2] << 16 | (unsigned int)p[3] << 24;
}


static unsigned long long
qemuSaveImageGet64(const unsigned char *p)
{
    return (unsigned long long)qemuSaveImageGet32(p) |
           (unsigned long long)qemuSaveImageGet32(p + 4) << 32;
}


/* SHA-256 of @len bytes at @data into @out. */
static void
qemuSaveImageDigest(const char *data, size_t len,
                    unsigned char out[QEMU_SAVE_IMAGE_SHA256_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    gsize outLen = QEMU_SAVE_IMAGE_SHA256_LEN;

    g_checksum_update(sum, (const guchar *)data, len);
    g_checksum_get_digest(sum, out, &outLen);
}


/**
 * qemuSaveImageDataOffset:
 * Where QEMU's stream begins in a new image of @xml: at the first
 * multiple of QEMU_SAVE_IMAGE_ALIGN after the XML and
 * QEMU_SAVE_IMAGE_XML_ROOM bytes of room for a longer one.
 */
unsigned long long
qemuSaveImageDataOffset(const char *xml)
{
    unsigned long long end = QEMU_SAVE_IMAGE_HEADER_LEN + strlen(xml) +
                             QEMU_SAVE_IMAGE_XML_ROOM;

    return (end + QEMU_SAVE_IMAGE_ALIGN - 1) / QEMU_SAVE_IMAGE_ALIGN *
           QEMU_SAVE_IMAGE_ALIGN;
}


/* A partial header for an image of @xml (qemuSaveImageDataOffset). */
void
qemuSaveImageHeaderInit(qemuSaveImageHeader *hdr, const char *xml, bool running)
{
    size_t len = strlen(xml);

    memset(hdr, 0, sizeof(*hdr));
    hdr->partial = true;
    hdr->version = QEMU_SAVE_IMAGE_VERSION;
    hdr->flags = running ? QEMU_SAVE_IMAGE_RUNNING : 0;
    hdr->xmlLen = len;
    hdr->dataOffset = qemuSaveImageDataOffset(xml);
    qemuSaveImageDigest(xml, len, hdr->xmlSHA256);
}


/* The on-disk form of @hdr. */
void
qemuSaveImageHeaderEncode(const qemuSaveImageHeader *hdr,
                          unsigned char buf[QEMU_SAVE_IMAGE_HEADER_LEN])
{
    memset(buf, 0, QEMU_SAVE_IMAGE_HEADER_LEN);
    memcpy(buf,
           hdr->partial ? QEMU_SAVE_IMAGE_MAGIC_PARTIAL : QEMU_SAVE_IMAGE_MAGIC,
           QEMU_SAVE_IMAGE_MAGIC_LEN);
    qemuSaveImagePut32(buf + 8, hdr->version);
    qemuSaveImagePut32(buf + 12, hdr->flags);
    qemuSaveImagePut32(buf + 16, hdr->xmlLen);
    qemuSaveImagePut64(buf + 24, hdr->dataOffset);
    qemuSaveImagePut64(buf + 32, hdr->dataLen);
    memcpy(buf + 40, hdr->xmlSHA256, QEMU_SAVE_IMAGE_SHA256_LEN);
}


/* The checks of a header that need nothing but the header. */
static int
qemuSaveImageHeaderCheck(const qemuSaveImageHeader *hdr, const char *path)
{
    if (hdr->partial) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%1$s' is incomplete"), path);
        return -1;
    }
    if (hdr->version == 0 || hdr->version > QEMU_SAVE_IMAGE_VERSION) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("image version is not supported (%1$u > %2$u)"),
                       hdr->version, QEMU_SAVE_IMAGE_VERSION);
        return -1;
    }
    if (hdr->xmlLen == 0 || hdr->xmlLen > QEMU_SAVE_IMAGE_XML_MAX ||
        hdr->dataOffset <
            QEMU_SAVE_IMAGE_HEADER_LEN + (unsigned long long)hdr->xmlLen ||
        hdr->dataOffset % QEMU_SAVE_IMAGE_ALIGN != 0 || hdr->dataLen == 0 ||
        hdr->dataLen > G_MAXINT64 - hdr->dataOffset) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%1$s' has an invalid header"), path);
        return -1;
    }
    return 0;
}


/**
 * qemuSaveImageHeaderDecode:
 * Reads the header at @buf (@len bytes of the file's start) of the image
 * @path (for messages) into @hdr and checks it: magic, version, lengths.
 * A partial image ("VMIGPART") is refused too.  Returns 0, or -1 with
 * VIR_ERR_OPERATION_FAILED reported (@hdr untouched).
 */
int
qemuSaveImageHeaderDecode(const unsigned char *buf, size_t len,
                          const char *path, qemuSaveImageHeader *hdr)
{
    qemuSaveImageHeader tmp = { 0 };

    if (len < QEMU_SAVE_IMAGE_HEADER_LEN) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("failed to read the header of save image '%1$s': the file is too short"),
                       path);
        return -1;
    }
    if (memcmp(buf, QEMU_SAVE_IMAGE_MAGIC_PARTIAL, QEMU_SAVE_IMAGE_MAGIC_LEN) ==
        0) {
        tmp.partial = true;
    } else if (memcmp(buf, QEMU_SAVE_IMAGE_MAGIC, QEMU_SAVE_IMAGE_MAGIC_LEN) !=
               0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("image magic is incorrect: '%1$s' is not a virtmig save image"),
                       path);
        return -1;
    }
    tmp.version = qemuSaveImageGet32(buf + 8);
    tmp.flags = qemuSaveImageGet32(buf + 12);
    tmp.xmlLen = qemuSaveImageGet32(buf + 16);
    tmp.dataOffset = qemuSaveImageGet64(buf + 24);
    tmp.dataLen = qemuSaveImageGet64(buf + 32);
    memcpy(tmp.xmlSHA256, buf + 40, QEMU_SAVE_IMAGE_SHA256_LEN);
    if (qemuSaveImageHeaderCheck(&tmp, path) < 0)
        return -1;
    *hdr = tmp;
    return 0;
}


/* ---- file I/O ---- */

/* Writes all of @len bytes at @offset.  Returns 0 or -1 (reported). */
static int
qemuSaveImagePwrite(int fd, const char *path, const void *data, size_t len,
                    off_t offset)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            virReportSystemError(n < 0 ? errno : ENOSPC,
                                 _("cannot write save image '%1$s'"), path);
            return -1;
        }
        p += n;
        len -= n;
        offset += n;
    }
    return 0;
}


/* Reads exactly @len bytes at @offset; a short file is 1 (nothing
 * reported).  Returns 0, 1, or -1 (reported). */
static int
qemuSaveImagePread(int fd, const char *path, void *data, size_t len,
                   off_t offset)
{
    char *p = data;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            virReportSystemError(errno, _("cannot read save image '%1$s'"),
                                 path);
            return -1;
        }
        if (n == 0)
            return 1;
        p += n;
        len -= n;
        offset += n;
    }
    return 0;
}


/**
 * qemuSaveImageWriteStart:
 * Writes the partial header @hdr (from qemuSaveImageHeaderInit) and @xml
 * to the empty file @fd (@path for messages) and moves @fd to where
 * QEMU's stream goes.  Returns 0 or -1 (reported).
 */
int
qemuSaveImageWriteStart(int fd, const char *path, qemuSaveImageHeader *hdr,
                        const char *xml)
{
    unsigned char buf[QEMU_SAVE_IMAGE_HEADER_LEN];

    qemuSaveImageHeaderEncode(hdr, buf);
    if (qemuSaveImagePwrite(fd, path, buf, sizeof(buf), 0) < 0 ||
        qemuSaveImagePwrite(fd, path, xml, hdr->xmlLen,
                            QEMU_SAVE_IMAGE_HEADER_LEN) < 0)
        return -1;
    /* the padding up to dataOffset reads as zeros (a hole) */
    if (lseek(fd, hdr->dataOffset, SEEK_SET) < 0) {
        virReportSystemError(errno, _("cannot seek in save image '%1$s'"),
                             path);
        return -1;
    }
    return 0;
}


/**
 * qemuSaveImageWriteFinish:
 * QEMU's stream of @dataLen bytes is in @fd: flushes it to disk, then
 * writes the final header (the image becomes valid) and flushes again,
 * so a crash leaves either a partial image or a complete one.  Returns 0
 * or -1 (reported).
 */
int
qemuSaveImageWriteFinish(int fd, const char *path, qemuSaveImageHeader *hdr,
                         unsigned long long dataLen)
{
    unsigned char buf[QEMU_SAVE_IMAGE_HEADER_LEN];

    if (dataLen == 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("QEMU wrote no data into save image '%1$s'"), path);
        return -1;
    }
    if (fdatasync(fd) < 0) {
        virReportSystemError(errno, _("cannot flush save image '%1$s'"), path);
        return -1;
    }
    hdr->partial = false;
    hdr->dataLen = dataLen;
    qemuSaveImageHeaderEncode(hdr, buf);
    if (qemuSaveImagePwrite(fd, path, buf, sizeof(buf), 0) < 0)
        return -1;
    if (fdatasync(fd) < 0) {
        virReportSystemError(errno, _("cannot flush save image '%1$s'"), path);
        return -1;
    }
    return 0;
}


/* Reads and checks the XML of the image @fd with header @hdr. */
static char *
qemuSaveImageReadXML(int fd, const char *path, const qemuSaveImageHeader *hdr)
{
    g_autofree char *xml = g_new0(char, hdr->xmlLen + 1);
    unsigned char sum[QEMU_SAVE_IMAGE_SHA256_LEN];
    int rc;

    if ((rc = qemuSaveImagePread(fd, path, xml, hdr->xmlLen,
                                 QEMU_SAVE_IMAGE_HEADER_LEN)) != 0) {
        if (rc > 0)
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("failed to read domain XML of save image '%1$s': the file is truncated"),
                           path);
        return NULL;
    }
    qemuSaveImageDigest(xml, hdr->xmlLen, sum);
    if (memcmp(sum, hdr->xmlSHA256, sizeof(sum)) != 0 ||
        memchr(xml, '\0', hdr->xmlLen)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the domain XML of save image '%1$s' is corrupted"),
                       path);
        return NULL;
    }
    return g_steal_pointer(&xml);
}


/**
 * qemuSaveImageOpen:
 * Opens the save image @path for reading (and writing if @writable) and
 * checks it whole: header,
 * size (dataOffset + dataLen bytes at least: a truncated image is
 * refused), XML checksum.  *@retHdr gets the header, *@retXML the domain
 * XML (caller owns it).  Returns the descriptor (O_CLOEXEC, positioned at
 * QEMU's stream; caller closes it), or -1 with an error reported
 * (VIR_ERR_OPERATION_FAILED for a bad image, VIR_ERR_SYSTEM_ERROR for
 * I/O).
 */
int
qemuSaveImageOpen(const char *path, bool writable, qemuSaveImageHeader *retHdr,
                  char **retXML)
{
    VIR_AUTOCLOSE fd = -1;
    unsigned char buf[QEMU_SAVE_IMAGE_HEADER_LEN];
    qemuSaveImageHeader hdr;
    struct stat sb;
    int rc;
    char *xml;

    if ((fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, _("cannot open save image '%1$s'"), path);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        virReportSystemError(errno, _("cannot stat save image '%1$s'"), path);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%1$s' is not a regular file"), path);
        return -1;
    }
    if ((rc = qemuSaveImagePread(fd, path, buf, sizeof(buf), 0)) < 0)
        return -1;
    if (qemuSaveImageHeaderDecode(buf, rc == 0 ? sizeof(buf) : 0, path, &hdr) <
        0)
        return -1;
    if ((unsigned long long)sb.st_size < hdr.dataOffset + hdr.dataLen) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%1$s' is truncated: %2$llu bytes of %3$llu"),
                       path, (unsigned long long)sb.st_size,
                       hdr.dataOffset + hdr.dataLen);
        return -1;
    }
    if (!(xml = qemuSaveImageReadXML(fd, path, &hdr)))
        return -1;
    if (lseek(fd, hdr.dataOffset, SEEK_SET) < 0) {
        virReportSystemError(errno, _("cannot seek in save image '%1$s'"),
                             path);
        g_free(xml);
        return -1;
    }
    *retHdr = hdr;
    *retXML = xml;
    rc = fd;
    fd = -1;
    return rc;
}


/**
 * qemuSaveImageRewriteXML:
 * Replaces the domain XML of the complete image @fd (opened writable by
 * qemuSaveImageOpen, header @hdr, @path for messages) by @xml and its
 * running flag by @running, in place as libvirt does: header and XML go
 * in one write, then to disk.  A crash in the middle of that write can
 * leave a header whose checksum does not match the XML; the image is
 * then refused as corrupted, never restored with a torn XML.  An XML
 * that does not fit before the stream is refused with libvirt's message
 * (nothing written).  Returns 0 (@hdr updated) or -1 (reported).
 */
int
qemuSaveImageRewriteXML(int fd, const char *path, qemuSaveImageHeader *hdr,
                        const char *xml, bool running)
{
    qemuSaveImageHeader tmp = *hdr;
    size_t len = strlen(xml);
    size_t span = QEMU_SAVE_IMAGE_HEADER_LEN + MAX(len, hdr->xmlLen);
    g_autofree unsigned char *buf = NULL;

    if (len == 0 || len > QEMU_SAVE_IMAGE_XML_MAX ||
        QEMU_SAVE_IMAGE_HEADER_LEN + (unsigned long long)len >
            hdr->dataOffset) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("new xml too large to fit in file"));
        return -1;
    }
    tmp.xmlLen = len;
    tmp.flags = running ? QEMU_SAVE_IMAGE_RUNNING : 0;
    qemuSaveImageDigest(xml, len, tmp.xmlSHA256);
    /* zeros after a shorter XML, where the old one was */
    buf = g_new0(unsigned char, span);
    qemuSaveImageHeaderEncode(&tmp, buf);
    memcpy(buf + QEMU_SAVE_IMAGE_HEADER_LEN, xml, len);
    if (qemuSaveImagePwrite(fd, path, buf, span, 0) < 0)
        return -1;
    if (fdatasync(fd) < 0) {
        virReportSystemError(errno, _("cannot flush save image '%1$s'"), path);
        return -1;
    }
    *hdr = tmp;
    return 0;
}


/* "<saveDir>/<name>.save": where the managed save image of domain @name
 * lives.  Caller owns the result. */
char *
qemuSaveImageManagedPath(const char *saveDir, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.save", name);

    return g_build_filename(saveDir, file, NULL);
}
