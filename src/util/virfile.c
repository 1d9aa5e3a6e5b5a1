/*
 * virfile.c: file and directory helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virfile.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

void
virForceCloseHelper(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}


/* mkdir -p with @mode for the directories it creates.  Returns 0 or -1
 * with an error reported. */
int
virFileMakePathWithMode(const char *path, mode_t mode)
{
    if (g_mkdir_with_parents(path, mode) < 0) {
        virReportSystemError(errno, _("cannot create directory '%1$s'"), path);
        return -1;
    }
    return 0;
}


/* Reads all of @path (at most @maxlen bytes) into a NUL-terminated *@buf,
 * which the caller owns.  Returns the length or -1 with an error reported. */
int
virFileReadAll(const char *path, size_t maxlen, char **buf)
{
    g_autoptr(GError) gerr = NULL;
    char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot read file '%1$s': %2$s"),
                       path, gerr->message);
        return -1;
    }
    if (len > maxlen) {
        g_free(data);
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("file '%1$s' is too large (%2$zu bytes, limit %3$zu)"),
                       path, (size_t)len, maxlen);
        return -1;
    }
    *buf = data;
    return len;
}


/* Writes @data to @path through a temporary file, fsync and rename, so a
 * crash leaves either the old or the new content.  Returns 0 or -1. */
int
virFileWriteAtomic(const char *path, const char *data, mode_t mode)
{
    g_autofree char *tmp = g_strdup_printf("%s.new", path);
    size_t len = strlen(data);
    VIR_AUTOCLOSE fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

    if (fd < 0) {
        virReportSystemError(errno, _("cannot create file '%1$s'"), tmp);
        return -1;
    }
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            virReportSystemError(errno, _("cannot write file '%1$s'"), tmp);
            unlink(tmp);
            return -1;
        }
        data += n;
        len -= n;
    }
    if (fdatasync(fd) < 0 || rename(tmp, path) < 0) {
        virReportSystemError(errno, _("cannot save file '%1$s'"), path);
        unlink(tmp);
        return -1;
    }
    return 0;
}


int
virFileRemoveIfExists(const char *path)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove file '%1$s'"), path);
        return -1;
    }
    return 0;
}


bool
virFileExists(const char *path)
{
    return access(path, F_OK) == 0;
}


int
virPidFileAcquire(const char *path, pid_t pid, const char *what)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    g_autofree char *text = g_strdup_printf("%lld\n", (long long)pid);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        virReportSystemError(errno, _("cannot open pid file '%1$s'"), path);
        return -1;
    }
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        if (errno == EAGAIN || errno == EACCES)
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("%1$s is already running (pid file '%2$s' is locked)"),
                           what, path);
        else
            virReportSystemError(errno, _("cannot lock pid file '%1$s'"), path);
        close(fd);
        return -1;
    }
    if (ftruncate(fd, 0) < 0 || write(fd, text, strlen(text)) < 0) {
        virReportSystemError(errno, _("cannot write pid file '%1$s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}


void
virPidFileRelease(const char *path, int fd)
{
    if (fd < 0)
        return;
    unlink(path);
    close(fd);
}
