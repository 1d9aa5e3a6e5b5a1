/*
 * qemu_dump.c: the guest's memory as a core file (virsh dump)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virDomainCoreDumpWithFormat as libvirt 9.0's QEMU driver does it, under
 * the async DUMP job:
 *   - memory-only (VIR_DUMP_MEMORY_ONLY): QEMU's dump-guest-memory into
 *     the file, ELF or one of the kdump and win-dmp formats this QEMU
 *     lists, in the background; DUMP_COMPLETED ends it.  It cannot be
 *     aborted (libvirt's "cannot abort memory-only dump");
 *   - otherwise QEMU's migration stream, as a save writes it
 *     (qemu_save.c) but without the save image's header, as libvirt's
 *     dump; domjobabort cancels it.
 * The guest is paused for the dump unless VIR_DUMP_LIVE and runs again
 * afterwards, reset first with VIR_DUMP_RESET; VIR_DUMP_CRASH stops it
 * instead (SHUTOFF/CRASHED, STOPPED/CRASHED).  VIR_DUMP_BYPASS_CACHE
 * leaves nothing of the file in the page cache: a full dump is written
 * with O_DIRECT as a save is (qemu_save_direct.c); a memory-only one,
 * which QEMU writes itself, is synced and dropped from the cache once
 * written (libvirt gives QEMU a pipe to its O_DIRECT helper; the result
 * on the host is the same).
 */
#include <config.h>

#include <fcntl.h>
#include <unistd.h>

#include "qemu_dump.h"
#include "qemu_domain.h"
#include "qemu_domain_event.h"
#include "qemu_domainjob.h"
#include "qemu_monitor.h"
#include "qemu_process.h"
#include "qemu_save.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_dump");

/* the name QEMU knows the descriptor of the file by */
#define QEMU_DUMP_FD_NAME "dump"

/* QEMU's names of virDomainCoreDumpFormat, in its order */
static const char *const qemuDumpFormatNames[] = {
    "elf", "kdump-zlib", "kdump-lzo", "kdump-snappy", "win-dmp",
};
#define QEMU_DUMP_FORMAT_LAST (VIR_DOMAIN_CORE_DUMP_FORMAT_WIN_DMP + 1)
G_STATIC_ASSERT(G_N_ELEMENTS(qemuDumpFormatNames) == QEMU_DUMP_FORMAT_LAST);


#define QEMU_DUMP_FLAGS \
    (VIR_DUMP_LIVE | VIR_DUMP_CRASH | VIR_DUMP_BYPASS_CACHE | VIR_DUMP_RESET | \
     VIR_DUMP_MEMORY_ONLY)

/* Pairs of flags that exclude each other. */
static const struct {
    unsigned int a;
    unsigned int b;
    const char *names[2];
} qemuDumpExclusiveFlags[] = {
    { VIR_DUMP_CRASH, VIR_DUMP_LIVE, { "VIR_DUMP_CRASH", "VIR_DUMP_LIVE" } },
    { VIR_DUMP_CRASH, VIR_DUMP_RESET, { "VIR_DUMP_CRASH", "VIR_DUMP_RESET" } },
    { VIR_DUMP_LIVE, VIR_DUMP_RESET, { "VIR_DUMP_LIVE", "VIR_DUMP_RESET" } },
};


/* Refuses, with libvirt's errors, flags that exclude each other and
 * formats that do not exist or need a memory-only dump.  Returns 0 or
 * -1. */
static int
qemuDumpCheckArgs(unsigned int format, unsigned int flags)
{
    size_t i;

    virCheckFlags(QEMU_DUMP_FLAGS, -1);
    for (i = 0; i < G_N_ELEMENTS(qemuDumpExclusiveFlags); i++) {
        if ((flags & qemuDumpExclusiveFlags[i].a) &&
            (flags & qemuDumpExclusiveFlags[i].b)) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Flags '%1$s' and '%2$s' are mutually exclusive"),
                           qemuDumpExclusiveFlags[i].names[0],
                           qemuDumpExclusiveFlags[i].names[1]);
            return -1;
        }
    }
    if (format >= QEMU_DUMP_FORMAT_LAST) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("dumpformat '%1$u' is not supported"), format);
        return -1;
    }
    if (format != VIR_DOMAIN_CORE_DUMP_FORMAT_RAW &&
        !(flags & VIR_DUMP_MEMORY_ONLY)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("kdump-compressed format is only supported with memory-only dump"));
        return -1;
    }
    return 0;
}


/* Whether this QEMU writes @format; else VIR_ERR_INVALID_ARG.  @mon
 * entered.  Returns 0 or -1. */
static int
qemuDumpCheckFormat(qemuMonitor *mon, const char *format)
{
    g_auto(GStrv) formats = qemuMonitorDumpFormats(mon);

    if (!formats)
        return -1;
    if (!g_strv_contains((const char *const *)formats, format)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unsupported dumpformat '%1$s' for this QEMU binary"),
                       format);
        return -1;
    }
    return 0;
}


/**
 * qemuDumpMemory:
 * Writes the memory of @vm (locked, holding @asyncJob) to @fd in @format
 * (NULL: ELF): QEMU gets a copy of @fd and dumps in the background while
 * this waits, @vm unlocked, for DUMP_COMPLETED.  Returns 0 or -1
 * (reported).
 */
int
qemuDumpMemory(virDomainObj *vm, virDomainAsyncJob asyncJob, int fd,
               const char *format)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    priv->dumpCompleted = false;
    g_clear_pointer(&priv->dumpError, g_free);
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = format ? qemuDumpCheckFormat(priv->mon, format) : 0;
    if (rc == 0)
        rc = qemuMonitorSendFileHandle(priv->mon, QEMU_DUMP_FD_NAME, fd);
    if (rc == 0)
        rc = qemuMonitorDumpGuestMemory(priv->mon, "fd:" QEMU_DUMP_FD_NAME,
                                        format, true);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    while (!priv->dumpCompleted) {
        if (qemuDomainObjWait(vm, virTimeMonotonicMs() + 1000) < 0)
            return -1;
    }
    if (priv->dumpError) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("memory-only dump failed: %1$s"), priv->dumpError);
        return -1;
    }
    return 0;
}


/* Writes the dump of @vm (DUMP job held) to the new file @path; on
 * failure the file is removed.  Returns 0 or -1 (reported). */
static int
qemuDumpWrite(virDomainObj *vm, const char *path, unsigned int format,
              unsigned int flags)
{
    /* QEMU's default is ELF */
    const char *name = format ? qemuDumpFormatNames[format] : NULL;
    VIR_AUTOCLOSE fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC,
                            S_IRUSR | S_IWUSR);
    int rc;

    if (fd < 0) {
        virReportSystemError(errno, _("failed to create '%1$s'"), path);
        return -1;
    }
    if (flags & VIR_DUMP_MEMORY_ONLY) {
        qemuDomainJobSetStatsType(vm->job->current,
                                  QEMU_DOMAIN_JOB_STATS_TYPE_MEMDUMP);
        rc = qemuDumpMemory(vm, VIR_ASYNC_JOB_DUMP, fd, name);
    } else {
        rc = qemuSaveDumpStream(vm, fd, path, flags & VIR_DUMP_BYPASS_CACHE);
    }
    /* QEMU wrote a memory-only dump itself, through the page cache */
    if (rc == 0 && (flags & VIR_DUMP_BYPASS_CACHE) &&
        (flags & VIR_DUMP_MEMORY_ONLY) &&
        (fdatasync(fd) < 0 ||
         posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)) {
        virReportSystemError(errno, _("unable to flush '%1$s'"), path);
        rc = -1;
    }
    if (rc == 0 && close(g_steal_fd(&fd)) < 0) {
        virReportSystemError(errno, _("unable to close file %1$s"), path);
        rc = -1;
    }
    if (rc < 0)
        unlink(path);
    return rc;
}


/* After the dump (@ok) of @vm: stopped for VIR_DUMP_CRASH, else reset
 * for VIR_DUMP_RESET and run again if @resume.  Keeps a dump error. */
static int
qemuDumpFinish(virDomainObj *vm, bool ok, bool resume, unsigned int flags)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int ret = ok ? 0 : -1;

    if (ok && (flags & VIR_DUMP_CRASH)) {
        qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_CRASHED, VIR_ASYNC_JOB_DUMP, 0);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                      VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        return 0;
    }
    if (!virDomainObjIsActive(vm))
        return ret;
    if (ok && (flags & VIR_DUMP_RESET)) {
        if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_DUMP) < 0)
            return -1;
        ret = qemuMonitorSystemReset(priv->mon);
        if (qemuDomainObjExitMonitor(vm) < 0)
            ret = -1;
    }
    if (resume && virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED &&
        qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_UNPAUSED,
                             VIR_ASYNC_JOB_DUMP) < 0) {
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR);
        ret = -1;
    }
    return ret;
}


/**
 * qemuDumpDomain:
 * virDomainCoreDumpWithFormat of locked @vm to @path in @format
 * (virDomainCoreDumpFormat) with VIR_DUMP_* @flags, under the async
 * DUMP job.  Returns 0 or -1 (reported).
 */
int
qemuDumpDomain(virDomainObj *vm, const char *path, unsigned int format,
               unsigned int flags)
{
    bool resume = false;
    bool ok = false;
    int ret = -1;

    if (qemuDumpCheckArgs(format, flags) < 0 ||
        virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_DUMP,
                                  VIR_DOMAIN_JOB_OPERATION_DUMP, flags) < 0)
        return -1;
    if (virDomainObjCheckActive(vm) == 0) {
        qemuDomainJobSetStatsType(vm->job->current,
                                  QEMU_DOMAIN_JOB_STATS_TYPE_SAVEDUMP);
        resume = virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING;
        if (!resume || (flags & VIR_DUMP_LIVE) ||
            qemuProcessStopCPUs(vm, VIR_DOMAIN_PAUSED_DUMP,
                                VIR_ASYNC_JOB_DUMP) == 0)
            ok = virDomainObjCheckActive(vm) == 0 &&
                 qemuDumpWrite(vm, path, format, flags) == 0;
        ret = qemuDumpFinish(vm, ok, resume, flags);
    }
    virDomainObjEndAsyncJob(vm);
    if (ret == 0 && (flags & VIR_DUMP_CRASH))
        qemuDomainRemoveInactive(vm);
    return ret;
}
