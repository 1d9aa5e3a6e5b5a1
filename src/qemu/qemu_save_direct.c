/*
 * qemu_save_direct.c: QEMU's stream of a save image written and read
 * past the page cache (VIR_DOMAIN_SAVE_BYPASS_CACHE)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_save_direct.h.  Only the stream bypasses the cache: the
 * header and the XML (a few KiB at offset 0) go through the ordinary
 * descriptor of qemu_saveimage.c, as libvirt writes its header before
 * the iohelper takes over.
 */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "qemu_save_direct.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.save_direct");

G_STATIC_ASSERT(QEMU_SAVE_DIRECT_BUFSIZE % QEMU_SAVE_DIRECT_ALIGN == 0);


/* @path opened with O_DIRECT and @mode (O_RDONLY or O_WRONLY); -1
 * (reported) when it cannot be, e.g. on a file system without
 * O_DIRECT. */
static int
qemuSaveDirectOpen(const char *path, int mode)
{
    int fd = open(path, mode | O_DIRECT | O_CLOEXEC);

    if (fd < 0)
        virReportSystemError(errno,
                             _("cannot open save image '%1$s' to bypass the file system cache"),
                             path);
    return fd;
}


/* ---- writer ---- */

struct _qemuSaveDirectWriter {
    int fd; /* the image, O_DIRECT */
    char *path;
    unsigned long long offset; /* where buf[0] goes in the file */
    unsigned char *buf;        /* QEMU_SAVE_DIRECT_BUFSIZE, aligned */
    size_t used;
};


/**
 * qemuSaveDirectWriterNew:
 * A writer of QEMU's stream into the existing image @path from @offset
 * (a multiple of QEMU_SAVE_DIRECT_ALIGN) on, through O_DIRECT.  Caller
 * frees it.  Returns NULL (reported) if @path cannot be opened so.
 */
qemuSaveDirectWriter *
qemuSaveDirectWriterNew(const char *path, unsigned long long offset)
{
    g_autoptr(qemuSaveDirectWriter) w = g_new0(qemuSaveDirectWriter, 1);

    w->fd = -1;
    w->path = g_strdup(path);
    w->offset = offset;
    if (offset % QEMU_SAVE_DIRECT_ALIGN != 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("save image stream offset %1$llu is not aligned"),
                       offset);
        return NULL;
    }
    if ((w->fd = qemuSaveDirectOpen(path, O_WRONLY)) < 0)
        return NULL;
    w->buf = g_aligned_alloc0(1, QEMU_SAVE_DIRECT_BUFSIZE,
                              QEMU_SAVE_DIRECT_ALIGN);
    return g_steal_pointer(&w);
}


/* The first @len bytes of the buffer (a multiple of the alignment) to
 * the file at w->offset, which moves past them.  Returns 0 or -1
 * (reported). */
static int
qemuSaveDirectWriterFlush(qemuSaveDirectWriter *w, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(w->fd, w->buf + done, len - done, w->offset + done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            virReportSystemError(n < 0 ? errno : ENOSPC,
                                 _("cannot write save image '%1$s'"), w->path);
            return -1;
        }
        done += n;
    }
    w->offset += len;
    return 0;
}


/**
 * qemuSaveDirectWriterWrite:
 * Appends @len bytes of QEMU's stream: kept in the buffer, written
 * whenever it is full.  Returns 0 or -1 (reported).
 */
int
qemuSaveDirectWriterWrite(qemuSaveDirectWriter *w, const char *data, size_t len)
{
    while (len > 0) {
        size_t n = MIN(len, QEMU_SAVE_DIRECT_BUFSIZE - w->used);

        memcpy(w->buf + w->used, data, n);
        w->used += n;
        data += n;
        len -= n;
        if (w->used == QEMU_SAVE_DIRECT_BUFSIZE) {
            if (qemuSaveDirectWriterFlush(w, QEMU_SAVE_DIRECT_BUFSIZE) < 0)
                return -1;
            w->used = 0;
        }
    }
    return 0;
}


/**
 * qemuSaveDirectWriterFinish:
 * The end of the stream: the rest of the buffer is written padded with
 * zeros to a whole block (O_DIRECT writes nothing shorter), then the file
 * is cut back to the stream's end.  Flushing to disk is the caller's
 * (fdatasync of any descriptor of the file).  Returns 0 or -1 (reported).
 */
int
qemuSaveDirectWriterFinish(qemuSaveDirectWriter *w)
{
    size_t padded = (w->used + QEMU_SAVE_DIRECT_ALIGN - 1) /
                    QEMU_SAVE_DIRECT_ALIGN * QEMU_SAVE_DIRECT_ALIGN;
    unsigned long long end = w->offset + w->used;

    if (padded > 0) {
        memset(w->buf + w->used, 0, padded - w->used);
        if (qemuSaveDirectWriterFlush(w, padded) < 0)
            return -1;
    }
    w->used = 0;
    if (ftruncate(w->fd, end) < 0) {
        virReportSystemError(errno, _("cannot truncate save image '%1$s'"),
                             w->path);
        return -1;
    }
    return 0;
}


/* Frees @w (NULL is fine), closing its descriptor. */
void
qemuSaveDirectWriterFree(qemuSaveDirectWriter *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    g_aligned_free(w->buf);
    g_free(w->path);
    g_free(w);
}


/* ---- reader ---- */

struct _qemuSaveDirectReader {
    int fd;        /* the image, O_DIRECT */
    int pipeFD;    /* write end, non-blocking; the thread's */
    int stopFD[2]; /* readable once Finish wants the end */
    char *path;
    unsigned long long offset; /* of the stream, aligned */
    unsigned long long len;    /* of the stream */
    GThread *thread;
    virError *err; /* the image error that ended the thread */
};


static void
qemuSaveDirectReaderFree(qemuSaveDirectReader *r)
{
    size_t i;

    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->pipeFD >= 0)
        close(r->pipeFD);
    for (i = 0; i < 2; i++) {
        if (r->stopFD[i] >= 0)
            close(r->stopFD[i]);
    }
    virErrorFree(r->err);
    g_free(r->path);
    g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuSaveDirectReader, qemuSaveDirectReaderFree);


/* Waits until the pipe takes data; false when QEMU is gone (POLLERR) or
 * Finish asked the thread to stop. */
static bool
qemuSaveDirectReaderWait(qemuSaveDirectReader *r)
{
    struct pollfd fds[2] = {
        { .fd = r->pipeFD, .events = POLLOUT },
        { .fd = r->stopFD[0], .events = POLLIN },
    };

    while (poll(fds, 2, -1) < 0) {
        if (errno != EINTR)
            return false;
    }
    return !(fds[1].revents & POLLIN) && (fds[0].revents & (POLLOUT | POLLERR));
}


/* @len bytes to QEMU.  Returns 0, or -1 when QEMU stopped reading (its
 * own failure, which the restore reports) or the thread must stop. */
static int
qemuSaveDirectReaderSend(qemuSaveDirectReader *r, const unsigned char *p,
                         size_t len)
{
    while (len > 0) {
        ssize_t n = write(r->pipeFD, p, len);

        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            if (!qemuSaveDirectReaderWait(r))
                return -1;
            continue;
        }
        if (n < 0) {
            VIR_DEBUG("QEMU stopped reading save image %s: %s", r->path,
                      g_strerror(errno));
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}


/* Reads the next block at @off into @buf: the bytes read, or -1 with
 * the error kept in @r (a read error, or the end of the file before the
 * stream's: O_DIRECT reads are whole blocks until the file ends). */
static ssize_t
qemuSaveDirectReaderRead(qemuSaveDirectReader *r, unsigned char *buf,
                         unsigned long long off, unsigned long long left)
{
    ssize_t n;

    do {
        n = pread(r->fd, buf, QEMU_SAVE_DIRECT_BUFSIZE, off);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        virReportSystemError(errno, _("cannot read save image '%1$s'"),
                             r->path);
    } else if (n == 0 ||
               ((size_t)n < QEMU_SAVE_DIRECT_BUFSIZE && (size_t)n < left)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%1$s' is truncated: %2$llu bytes of %3$llu"),
                       r->path, off + n, r->offset + r->len);
        n = -1;
    }
    if (n < 0)
        virErrorPreserveLast(&r->err);
    return n;
}


/* The thread: the stream, block by block, into the pipe; an error of
 * the image is kept for Finish.  The pipe closes when it ends (QEMU
 * reads the end of the file there), at once on a short block. */
static void
qemuSaveDirectReaderRun(void *opaque)
{
    qemuSaveDirectReader *r = opaque;
    unsigned char *buf = g_aligned_alloc(1, QEMU_SAVE_DIRECT_BUFSIZE,
                                         QEMU_SAVE_DIRECT_ALIGN);
    unsigned long long off = r->offset;
    unsigned long long left = r->len;

    while (left > 0) {
        ssize_t n = qemuSaveDirectReaderRead(r, buf, off, left);
        size_t chunk = n < 0 ? 0 : MIN((unsigned long long)n, left);

        if (n <= 0 || qemuSaveDirectReaderSend(r, buf, chunk) < 0)
            break;
        off += n;
        left -= chunk;
    }
    g_aligned_free(buf);
    close(r->pipeFD);
    r->pipeFD = -1;
}


/**
 * qemuSaveDirectReaderStart:
 * @path: the image
 * @offset: where QEMU's stream starts in it (aligned)
 * @len: the stream's length
 * @fd: in: the image's ordinary descriptor (closed here on success);
 *      out: the read end of the pipe QEMU reads the stream from (caller
 *      owns it, and gives it to QEMU)
 *
 * Starts the thread that reads the stream with O_DIRECT into the pipe.
 * Returns the reader, which qemuSaveDirectReaderFinish ends, or NULL
 * (reported; *@fd untouched).
 */
qemuSaveDirectReader *
qemuSaveDirectReaderStart(const char *path, unsigned long long offset,
                          unsigned long long len, int *fd)
{
    g_autoptr(qemuSaveDirectReader) r = g_new0(qemuSaveDirectReader, 1);
    int fds[2];

    r->pipeFD = r->stopFD[0] = r->stopFD[1] = -1;
    r->path = g_strdup(path);
    r->offset = offset;
    r->len = len;
    if ((r->fd = qemuSaveDirectOpen(path, O_RDONLY)) < 0)
        return NULL;
    if (pipe2(r->stopFD, O_CLOEXEC) < 0 || pipe2(fds, O_CLOEXEC) < 0) {
        virReportSystemError(errno, "%s", _("cannot create a pipe"));
        return NULL;
    }
    r->pipeFD = fds[1];
    /* bigger requests, fewer wake-ups; the default size works too */
    ignore_value(fcntl(r->pipeFD, F_SETPIPE_SZ, QEMU_SAVE_DIRECT_BUFSIZE));
    if (fcntl(r->pipeFD, F_SETFL, O_NONBLOCK) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot set the pipe non-blocking"));
        close(fds[0]);
        return NULL;
    }
    r->thread = virThreadCreate("qemu-save-read", qemuSaveDirectReaderRun, r);
    close(*fd);
    *fd = fds[0];
    return g_steal_pointer(&r);
}


/**
 * qemuSaveDirectReaderFinish:
 * Ends @r (freed): a thread still writing is told to stop, then joined.
 * The caller has closed its read end of the pipe (QEMU holds the other
 * copy, or is gone).  With @failed (the restore failed), an error of the
 * image that stopped the thread (a read error, a short file) becomes the
 * last error: it is the first cause, QEMU's failure to load came from
 * it.
 */
void
qemuSaveDirectReaderFinish(qemuSaveDirectReader *r, bool failed)
{
    char byte = 0;

    if (write(r->stopFD[1], &byte, 1) < 0)
        VIR_WARN("cannot wake the reader of %s: %s", r->path,
                 g_strerror(errno));
    virThreadJoin(r->thread);
    if (r->err && failed)
        virErrorRestore(&r->err);
    else if (r->err)
        VIR_WARN("reading save image %s: %s", r->path,
                 NULLSTR(r->err->message));
    qemuSaveDirectReaderFree(r);
}
