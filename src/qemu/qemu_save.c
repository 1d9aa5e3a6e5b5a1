/*
 * qemu_save.c: saving a running domain to a file and starting it again
 * from one (virsh save/restore, managed save)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_save.h for the sequence; the image format is
 * qemu_saveimage.c's.  The image is written under "<path>.part" and
 * renamed into place once complete, so neither a failed save nor a crash
 * in the middle replaces an earlier image or leaves one that looks valid.
 */
#include <config.h>

#include <fcntl.h>
#include <unistd.h>

#include "qemu_save.h"
#include "qemu_conf.h"
#include "qemu_save_direct.h"
#include "qemu_domain_event.h"
#include "qemu_domainjob.h"
#include "qemu_migration.h"
#include "qemu_migration_params.h"
#include "qemu_migration_tunnel.h"
#include "qemu_process.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.save");


/**
 * qemuSaveCheckFlags:
 * Refuses, libvirt's way, what a save or restore call cannot do: flags
 * outside @supported (VIR_ERR_INVALID_ARG), RUNNING with PAUSED
 * (VIR_ERR_INVALID_ARG).  Returns 0 or -1 (reported).
 */
int
qemuSaveCheckFlags(unsigned int flags, unsigned int supported)
{
    virCheckFlags(supported, -1);
    if ((flags & VIR_DOMAIN_SAVE_RUNNING) && (flags & VIR_DOMAIN_SAVE_PAUSED)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("Flags '%1$s' and '%2$s' are mutually exclusive"),
                       "VIR_DOMAIN_SAVE_RUNNING", "VIR_DOMAIN_SAVE_PAUSED");
        return -1;
    }
    return 0;
}


/* Closes *@fd if open and sets it to -1; returns close()'s result. */
static int
qemuSaveCloseFD(int *fd)
{
    int rc = 0;

    if (*fd >= 0)
        rc = close(*fd);
    *fd = -1;
    return rc;
}


/* ---- the image file as the tunnel's stream ---- */

/* The tunnel sends QEMU's data to a virStream; this one appends it to
 * the image, through @direct when it bypasses the page cache.  Written
 * from the tunnel's thread only. */
typedef struct {
    int fd;
    const char *path;
    qemuSaveDirectWriter *direct;
    unsigned long long written;
} qemuSaveSink;

static int
qemuSaveSinkSend(virStream *st, const char *data, size_t len)
{
    qemuSaveSink *sink = st->privateData;

    if (sink->direct) {
        if (qemuSaveDirectWriterWrite(sink->direct, data, len) < 0)
            return -1;
        sink->written += len;
        return 0;
    }
    while (len > 0) {
        ssize_t n = write(sink->fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            virReportSystemError(n < 0 ? errno : ENOSPC,
                                 _("cannot write save image '%1$s'"),
                                 sink->path);
            return -1;
        }
        data += n;
        len -= n;
        sink->written += n;
    }
    return 0;
}


/* Nothing to confirm: qemuSaveImageWriteFinish flushes. */
static int
qemuSaveSinkFinish(virStream *st G_GNUC_UNUSED)
{
    return 0;
}


static const virStreamDriver qemuSaveSinkDriver = {
    .streamSend = qemuSaveSinkSend,
    .streamFinish = qemuSaveSinkFinish,
    .streamAbort = qemuSaveSinkFinish,
};


/* ---- save ---- */

/* The XML the image keeps: @dxml (checked for ABI compatibility with the
 * live definition) or the live definition, migratable.  Caller owns it. */
static char *
qemuSaveFormatXML(virDomainObj *vm, const char *dxml)
{
    g_autoptr(virDomainDef) def = NULL;
    unsigned int flags = VIR_DOMAIN_DEF_FORMAT_SECURE |
                         VIR_DOMAIN_DEF_FORMAT_MIGRATABLE;

    if (!dxml)
        return virDomainDefFormat(vm->def, flags);
    if (!(def = qemuDomainDefParseConfig(dxml, false)))
        return NULL;
    if (virDomainDefCheckABIStability(vm->def, def) < 0)
        return NULL;
    return virDomainDefFormat(def, flags);
}


/* QEMU's migration settings for a save or a dump: no capability but
 * "events", no bandwidth limit.  The originals are kept to be put back
 * afterwards.  @vm locked, holding @asyncJob.  Returns 0 or -1
 * (reported). */
static int
qemuSaveApplyParams(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autoptr(qemuMigrationParams) params = qemuMigrationParamsNew();
    int rc = -1;

    if (qemuMigrationParamsSetMaxBandwidth(params,
                                           QEMU_MIGRATION_BANDWIDTH_MAX) < 0 ||
        qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    if (qemuMigrationCapsProbe(priv->mon, false, &priv->migrationCaps) == 0 &&
        (priv->migrationOrigParams ||
         qemuMigrationParamsFetch(priv->mon, &priv->migrationOrigParams) == 0))
        rc = qemuMigrationParamsApply(priv->mon, asyncJob, params,
                                      priv->migrationCaps, 0);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/* "migrate" to @uri and the wait for its end; cancelled on failure.
 * @vm locked, holding @asyncJob (SAVE or DUMP).  Returns 0 or -1
 * (reported). */
static int
qemuSaveMigrate(virDomainObj *vm, virDomainAsyncJob asyncJob, const char *uri)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virError *err = NULL;
    int rc;

    if (vm->job->abortJob) {
        vm->job->current->status = VIR_DOMAIN_JOB_STATUS_CANCELED;
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("job '%1$s' canceled by client"),
                       asyncJob == VIR_ASYNC_JOB_DUMP ? "domain core dump"
                                                      : "domain save");
        return -1;
    }
    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_MIGRATING;
    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuMonitorMigrate(priv->mon, uri, false);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    if (rc == 0 && (rc = qemuMigrationAnyWait(vm, asyncJob, false)) > 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("QEMU paused the save before its end"));
        rc = -1;
    }
    if (rc < 0 && virDomainObjIsActive(vm)) {
        virErrorPreserveLast(&err);
        if (qemuMigrationSrcCancel(vm, asyncJob) < 0)
            VIR_DEBUG("cancelling the save's migration: %s",
                      NULLSTR(virErrorGetLastMessage()));
        virErrorRestore(&err);
    }
    return rc;
}


/* QEMU's migration stream of locked @vm (holding @asyncJob, SAVE or
 * DUMP) into @st, through the tunnel, with the save's settings.
 * Returns 0 or -1 (reported). */
static int
qemuSaveStreamTo(virDomainObj *vm, virDomainAsyncJob asyncJob, virStream *st)
{
    qemuMigrationTunnel *tunnel;
    int rc;

    if (qemuSaveApplyParams(vm, asyncJob) < 0 ||
        !(tunnel = qemuMigrationSrcTunnelStart(st)))
        return -1;
    rc = qemuSaveMigrate(vm, asyncJob, qemuMigrationSrcTunnelURI(tunnel));
    /* the tunnel's thread ends once QEMU closed its socket */
    virObjectUnlock(vm);
    if (qemuMigrationSrcTunnelStop(tunnel, rc < 0) < 0)
        rc = -1;
    virObjectLock(vm);
    return rc;
}


/* QEMU's state of locked @vm (SAVE job held) into the open, empty image
 * @fd: header, XML, stream (through @direct if not NULL: O_DIRECT),
 * final header.  Returns 0 or -1 (reported). */
static int
qemuSaveWriteImage(virDomainObj *vm, int fd, const char *path, const char *xml,
                   bool running, qemuSaveDirectWriter *direct)
{
    qemuSaveSink sink = { .fd = fd, .path = path, .direct = direct };
    virStream st = { .driver = &qemuSaveSinkDriver, .privateData = &sink };
    qemuSaveImageHeader hdr;
    int rc;

    qemuSaveImageHeaderInit(&hdr, xml, running);
    if (qemuSaveImageWriteStart(fd, path, &hdr, xml) < 0)
        return -1;
    rc = qemuSaveStreamTo(vm, VIR_ASYNC_JOB_SAVE, &st);
    if (rc < 0 || (direct && qemuSaveDirectWriterFinish(direct) < 0))
        return -1;
    return qemuSaveImageWriteFinish(fd, path, &hdr, sink.written);
}


/**
 * qemuSaveDumpStream:
 * QEMU's state of locked @vm (DUMP job held) into the open, empty file
 * @fd at @path, the stream a save image holds but without its header
 * (libvirt's "virsh dump" without --memory-only); with @bypass through
 * an O_DIRECT writer of @path.  QEMU's migration settings are put back.
 * Returns 0 or -1 (reported).
 */
int
qemuSaveDumpStream(virDomainObj *vm, int fd, const char *path, bool bypass)
{
    g_autoptr(qemuSaveDirectWriter) direct = NULL;
    qemuSaveSink sink = { .fd = fd, .path = path };
    virStream st = { .driver = &qemuSaveSinkDriver, .privateData = &sink };
    int rc;

    if (bypass && !(sink.direct = direct = qemuSaveDirectWriterNew(path, 0)))
        return -1;
    rc = qemuSaveStreamTo(vm, VIR_ASYNC_JOB_DUMP, &st);
    if (rc == 0 && direct && qemuSaveDirectWriterFinish(direct) < 0)
        rc = -1;
    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_DUMP);
    return rc;
}


/* Creates "<path>.part" @tmp (replacing a leftover) for the image of
 * @xml: its descriptor, and with @bypass in *@direct the O_DIRECT writer
 * of its stream (caller frees it).  Returns -1 (reported; nothing left)
 * if either cannot be. */
static int
qemuSaveCreatePart(const char *tmp, const char *xml, bool bypass,
                   qemuSaveDirectWriter **direct)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0) {
        virReportSystemError(errno, _("cannot create save image '%1$s'"), tmp);
        return -1;
    }
    if (bypass &&
        !(*direct = qemuSaveDirectWriterNew(tmp,
                                            qemuSaveImageDataOffset(xml)))) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    return fd;
}


/* Writes the image into *@fd, the open "<path>.part" @tmp (closed here),
 * and renames it to @path.  Returns 0 or -1 (reported; @tmp stays for the
 * caller to remove). */
static int
qemuSaveToPath(virDomainObj *vm, int *fd, const char *tmp, const char *path,
               const char *xml, bool running, qemuSaveDirectWriter *direct)
{
    if (qemuSaveWriteImage(vm, *fd, tmp, xml, running, direct) < 0)
        return -1;
    if (qemuSaveCloseFD(fd) < 0) {
        virReportSystemError(errno, _("cannot close save image '%1$s'"), tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        virReportSystemError(errno,
                             _("cannot rename save image '%1$s' to '%2$s'"),
                             tmp, path);
        return -1;
    }
    return 0;
}


/* After a failed save: vCPUs back on if they ran, QEMU's migration
 * settings back.  Keeps the error that made the save fail. */
static void
qemuSaveRollback(virDomainObj *vm, bool wasRunning)
{
    virError *err = NULL;

    virErrorPreserveLast(&err);
    if (wasRunning && virDomainObjIsActive(vm) &&
        virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED &&
        qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_SAVE_CANCELED,
                             VIR_ASYNC_JOB_SAVE) < 0) {
        VIR_WARN("cannot resume domain %s after its save failed: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                      VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR);
    }
    qemuMigrationAnyResetParams(vm, VIR_ASYNC_JOB_SAVE);
    virErrorRestore(&err);
}


/* The part of qemuSaveDomain inside the SAVE job: the file is created
 * before the guest is paused, so a path that cannot be written changes
 * nothing. */
static int
qemuSaveDomainJob(virDomainObj *vm, const char *path, const char *dxml,
                  unsigned int flags)
{
    g_autofree char *xml = NULL;
    g_autofree char *tmp = g_strdup_printf("%s.part", path);
    g_autoptr(qemuSaveDirectWriter) direct = NULL;
    VIR_AUTOCLOSE fd = -1;
    bool wasRunning = false;
    bool running;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    qemuDomainJobSetStatsType(vm->job->current,
                              QEMU_DOMAIN_JOB_STATS_TYPE_SAVEDUMP);
    if (!(xml = qemuSaveFormatXML(vm, dxml)) ||
        (fd = qemuSaveCreatePart(tmp, xml, flags & VIR_DOMAIN_SAVE_BYPASS_CACHE,
                                 &direct)) < 0)
        return -1;
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING) {
        if (qemuProcessStopCPUs(vm, VIR_DOMAIN_PAUSED_SAVE,
                                VIR_ASYNC_JOB_SAVE) < 0) {
            unlink(tmp);
            return -1;
        }
        wasRunning = true;
    }
    running = wasRunning;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        running = true;
    else if (flags & VIR_DOMAIN_SAVE_PAUSED)
        running = false;
    if (virDomainObjCheckActive(vm) < 0 ||
        qemuSaveToPath(vm, &fd, tmp, path, xml, running, direct) < 0) {
        unlink(tmp);
        qemuSaveRollback(vm, wasRunning);
        return -1;
    }
    VIR_INFO("domain %s saved to %s", vm->def->name, path);
    qemuDomainJobSaveCompleted(vm, VIR_DOMAIN_JOB_STATUS_COMPLETED);
    qemuMigrationAnyDropParams(vm);
    qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_SAVED, VIR_ASYNC_JOB_SAVE, 0);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                  VIR_DOMAIN_EVENT_STOPPED_SAVED);
    return 0;
}


/**
 * qemuSaveDomain:
 * @vm: locked, referenced domain
 * @path: the image to write (replaced only once the new one is complete)
 * @dxml: the XML to keep in the image instead of the live one, or NULL
 * @flags: VIR_DOMAIN_SAVE_RUNNING / _PAUSED / _BYPASS_CACHE (checked by
 *         the caller)
 *
 * virDomainSaveFlags under the async SAVE job (domjobinfo shows it,
 * domjobabort cancels it): pauses a running guest, writes the image,
 * stops QEMU (SHUTOFF/SAVED, STOPPED/SAVED) and removes a transient
 * domain.  On failure the guest runs again as before and no image is
 * left.  Returns 0 or -1 (reported).
 */
int
qemuSaveDomain(virDomainObj *vm, const char *path, const char *dxml,
               unsigned int flags)
{
    int ret;

    if (virDomainObjBeginAsyncJob(vm, VIR_ASYNC_JOB_SAVE,
                                  VIR_DOMAIN_JOB_OPERATION_SAVE, flags) < 0)
        return -1;
    ret = qemuSaveDomainJob(vm, path, dxml, flags);
    virDomainObjEndAsyncJob(vm);
    if (ret == 0)
        qemuDomainRemoveInactive(vm);
    return ret;
}


/* ---- restore ---- */

/**
 * qemuSaveImageReadDef:
 * Opens and checks the image @path (qemuSaveImageOpen) and parses its
 * domain XML, or @dxml instead when given (it must keep the image's
 * guest ABI).  *@retHdr gets the header, *@retFD the descriptor
 * positioned at QEMU's stream (caller closes it).  Returns the definition
 * (caller owns it) or NULL (reported; nothing open).
 */
virDomainDef *
qemuSaveImageReadDef(const char *path, const char *dxml,
                     qemuSaveImageHeader *retHdr, int *retFD)
{
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) alt = NULL;
    VIR_AUTOCLOSE fd = -1;

    if ((fd = qemuSaveImageOpen(path, false, retHdr, &xml)) < 0 ||
        !(def = qemuDomainDefParseConfig(xml, false)))
        return NULL;
    if (dxml) {
        if (!(alt = qemuDomainDefParseConfig(dxml, false)) ||
            virDomainDefCheckABIStability(def, alt) < 0)
            return NULL;
        virDomainDefFree(def);
        def = g_steal_pointer(&alt);
    }
    *retFD = fd;
    fd = -1;
    return g_steal_pointer(&def);
}


/* The XML to keep in an image instead of @xml, its definition @def:
 * @dxml in the form a save writes, refused unless it keeps @def's guest
 * ABI; @xml itself without @dxml.  Caller owns the result. */
static char *
qemuSaveImageDefineFormat(const char *xml, const virDomainDef *def,
                          const char *dxml)
{
    g_autoptr(virDomainDef) newdef = NULL;

    if (!dxml)
        return g_strdup(xml);
    if (!(newdef = qemuDomainDefParseConfig(dxml, false)) ||
        virDomainDefCheckABIStability(def, newdef) < 0)
        return NULL;
    return virDomainDefFormat(newdef, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                          VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
}


/**
 * qemuSaveImageDefine:
 * virDomainSaveImageDefineXML on the image @path: its domain XML becomes
 * @dxml (NULL keeps it), which must keep the guest ABI of the image's
 * (virDomainDefCheckABIStability, libvirt's VIR_ERR_CONFIG_UNSUPPORTED
 * "Target ... does not match source ..."); with VIR_DOMAIN_SAVE_RUNNING
 * or _PAUSED (checked by the caller) the state a restore leaves the
 * guest in changes too.  Nothing to change: nothing written.  A refused
 * call leaves the image as it was.  Returns 0 or -1 (reported).
 */
int
qemuSaveImageDefine(const char *path, const char *dxml, unsigned int flags)
{
    g_autofree char *xml = NULL;
    g_autofree char *newxml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    qemuSaveImageHeader hdr;
    VIR_AUTOCLOSE fd = -1;
    bool wasRunning;
    bool running;

    if ((fd = qemuSaveImageOpen(path, true, &hdr, &xml)) < 0 ||
        !(def = qemuDomainDefParseConfig(xml, false)) ||
        !(newxml = qemuSaveImageDefineFormat(xml, def, dxml)))
        return -1;
    wasRunning = hdr.flags & QEMU_SAVE_IMAGE_RUNNING;
    running = wasRunning;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        running = true;
    else if (flags & VIR_DOMAIN_SAVE_PAUSED)
        running = false;
    if (STREQ(newxml, xml) && running == wasRunning)
        return 0;
    if (qemuSaveImageRewriteXML(fd, path, &hdr, newxml, running) < 0)
        return -1;
    VIR_INFO("domain XML of save image %s replaced (%s on restore)", path,
             running ? "running" : "paused");
    return 0;
}


/* Loads the image QEMU was given as fd @fd: migrate-incoming, then the
 * wait for the end.  @vm locked, holding the START job. */
static int
qemuSaveRestoreLoad(virDomainObj *vm, int fd)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *uri = g_strdup_printf("fd:%d", fd);
    int rc = -1;

    vm->job->current->status = VIR_DOMAIN_JOB_STATUS_MIGRATING;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_START) < 0)
        return -1;
    if (qemuMigrationCapsProbe(priv->mon, false, &priv->migrationCaps) == 0)
        rc = qemuMonitorMigrateIncoming(priv->mon, uri);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    return qemuMigrationAnyWait(vm, VIR_ASYNC_JOB_START, false) == 0 ? 0 : -1;
}


/* The vCPUs after a load: running when @running, else paused with the
 * SUSPENDED event libvirt sends (PAUSED when the caller asked for it). */
static int
qemuSaveRestoreFinish(virDomainObj *vm, bool running, bool startPaused)
{
    if (running)
        return qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_RESTORED,
                                    VIR_ASYNC_JOB_START);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                  startPaused
                                      ? VIR_DOMAIN_EVENT_SUSPENDED_PAUSED
                                      : VIR_DOMAIN_EVENT_SUSPENDED_RESTORED);
    return 0;
}


/**
 * qemuSaveRestore:
 * @vm: locked, inactive domain whose definition is the image's, holding
 *      the async START job
 * @fd: the image, positioned at QEMU's stream (stolen: closed, -1 after)
 * @running: run the vCPUs once loaded
 * @startPaused: the caller asked for a paused start (event detail)
 *
 * Starts QEMU from the image: STARTED/RESTORED, then RESUMED or
 * SUSPENDED.  On failure QEMU is stopped (SHUTOFF/FAILED) and the
 * definition is as before.  Returns 0 or -1 (reported).
 */
int
qemuSaveRestore(virDomainObj *vm, int *fd, bool running, bool startPaused)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int qemuFD = *fd;
    virError *err = NULL;

    vm->job->current->operation = VIR_DOMAIN_JOB_OPERATION_RESTORE;
    priv->incomingFD = g_steal_fd(fd);
    if (qemuProcessStart(vm, VIR_ASYNC_JOB_START, "defer",
                         QEMU_PROCESS_START_PAUSED) < 0) {
        ignore_value(qemuSaveCloseFD(&priv->incomingFD));
        return -1;
    }
    ignore_value(qemuSaveCloseFD(&priv->incomingFD));
    if (qemuSaveRestoreLoad(vm, qemuFD) < 0)
        goto stop;
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STARTED,
                                  VIR_DOMAIN_EVENT_STARTED_RESTORED);
    if (qemuSaveRestoreFinish(vm, running, startPaused) < 0) {
        virErrorPreserveLast(&err);
        qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_FAILED, VIR_ASYNC_JOB_START,
                        QEMU_PROCESS_STOP_MIGRATED);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                      VIR_DOMAIN_EVENT_STOPPED_FAILED);
        virErrorRestore(&err);
        return -1;
    }
    VIR_INFO("domain %s restored (%s)", vm->def->name,
             running ? "running" : "paused");
    return virDomainObjSaveStatus(vm);

stop:
    virErrorPreserveLast(&err);
    qemuProcessStop(vm, VIR_DOMAIN_SHUTOFF_FAILED, VIR_ASYNC_JOB_START,
                    QEMU_PROCESS_STOP_MIGRATED);
    virErrorRestore(&err);
    return -1;
}


/**
 * qemuSaveRestoreImage:
 * qemuSaveRestore (same @vm, @running, @startPaused) from the image
 * @path that qemuSaveImageReadDef opened: header @hdr, descriptor *@fd
 * (stolen).  With @bypass (VIR_DOMAIN_SAVE_BYPASS_CACHE) QEMU reads the
 * stream from a pipe that a thread fills from the image opened with
 * O_DIRECT (qemu_save_direct.c), as libvirt's iohelper does.  Returns 0
 * or -1 (reported).
 */
int
qemuSaveRestoreImage(virDomainObj *vm, const char *path,
                     const qemuSaveImageHeader *hdr, int *fd, bool bypass,
                     bool running, bool startPaused)
{
    qemuSaveDirectReader *reader = NULL;
    int ret;

    if (bypass && !(reader = qemuSaveDirectReaderStart(path, hdr->dataOffset,
                                                       hdr->dataLen, fd))) {
        ignore_value(qemuSaveCloseFD(fd));
        return -1;
    }
    ret = qemuSaveRestore(vm, fd, running, startPaused);
    /* qemuSaveRestore closed our end of the pipe */
    if (reader)
        qemuSaveDirectReaderFinish(reader, ret < 0);
    return ret;
}


/* ---- managed save ---- */

/* The managed save image of @vm; caller owns it. */
char *
qemuSaveManagedPath(const virDomainObj *vm)
{
    return qemuSaveImageManagedPath(qemu_driver->cfg->saveDir, vm->def->name);
}


/* Locked @vm's definition becomes the image's @def (stolen), its own
 * coming back when it stops; refused unless @def is the same domain. */
static int
qemuSaveManagedAssignDef(virDomainObj *vm, virDomainDef **def)
{
    char uuidA[VIR_UUID_STRING_BUFLEN];
    char uuidB[VIR_UUID_STRING_BUFLEN];

    if (STRNEQ(vm->def->name, (*def)->name) ||
        memcmp(vm->def->uuid, (*def)->uuid, VIR_UUID_BUFLEN) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot restore domain '%1$s' uuid %2$s from a file which belongs to domain '%3$s' uuid %4$s"),
                       vm->def->name, virUUIDFormat(vm->def->uuid, uuidA),
                       (*def)->name, virUUIDFormat((*def)->uuid, uuidB));
        return -1;
    }
    if (!vm->newDef)
        vm->newDef = g_steal_pointer(&vm->def);
    else
        virDomainDefFree(vm->def);
    vm->def = g_steal_pointer(def);
    return 0;
}


/* A failed restore that left @vm inactive: its own definition back. */
static void
qemuSaveManagedRevertDef(virDomainObj *vm)
{
    if (virDomainObjIsActive(vm) || !vm->newDef)
        return;
    virDomainDefFree(vm->def);
    vm->def = g_steal_pointer(&vm->newDef);
    vm->def->id = -1;
}


/* Restores locked, inactive @vm (START job held) from its managed image
 * @path, which goes once the guest runs from it. */
static int
qemuSaveManagedRestore(virDomainObj *vm, const char *path,
                       unsigned int startFlags)
{
    g_autoptr(virDomainDef) def = NULL;
    qemuSaveImageHeader hdr;
    bool paused = startFlags & VIR_DOMAIN_START_PAUSED;
    int fd = -1;
    int rc;

    if (!(def = qemuSaveImageReadDef(path, NULL, &hdr, &fd)))
        return -1;
    if (qemuSaveManagedAssignDef(vm, &def) < 0) {
        ignore_value(qemuSaveCloseFD(&fd));
        return -1;
    }
    rc = qemuSaveRestoreImage(vm, path, &hdr, &fd,
                              startFlags & VIR_DOMAIN_START_BYPASS_CACHE,
                              (hdr.flags & QEMU_SAVE_IMAGE_RUNNING) && !paused,
                              paused);
    if (rc < 0) {
        qemuSaveManagedRevertDef(vm);
        return -1;
    }
    if (unlink(path) < 0)
        VIR_WARN("cannot remove the managed save image %s: %s", path,
                 g_strerror(errno));
    else
        vm->hasManagedSave = false;
    return 0;
}


/**
 * qemuSaveManagedStart:
 * The managed save part of starting locked, inactive @vm (START job
 * held), as libvirt does it: with an image, the domain is restored from
 * it (and the image removed), or with VIR_DOMAIN_START_FORCE_BOOT the
 * image is removed and the domain boots.  Returns 1 when restored (the
 * events are sent), 0 when the caller should boot, -1 (reported; the
 * image stays).
 */
int
qemuSaveManagedStart(virDomainObj *vm, unsigned int startFlags)
{
    g_autofree char *path = qemuSaveManagedPath(vm);

    if (!virFileExists(path)) {
        vm->hasManagedSave = false;
        return 0;
    }
    if (startFlags & VIR_DOMAIN_START_FORCE_BOOT)
        return qemuSaveManagedRemove(vm, false) < 0 ? -1 : 0;
    VIR_INFO("restoring domain %s from its managed save image", vm->def->name);
    if (qemuSaveManagedRestore(vm, path, startFlags) < 0)
        return -1;
    return 1;
}


/**
 * qemuSaveManagedRemove:
 * Removes the managed save image of locked @vm.  Without @quiet a
 * missing image is an error (virDomainManagedSaveRemove on a domain
 * without one fails in libvirt too).  Returns 0 or -1 (reported).
 */
int
qemuSaveManagedRemove(virDomainObj *vm, bool quiet)
{
    g_autofree char *path = qemuSaveManagedPath(vm);

    if (unlink(path) < 0 && !(quiet && errno == ENOENT)) {
        virReportSystemError(errno,
                             _("Failed to remove managed save file '%1$s'"),
                             path);
        return -1;
    }
    vm->hasManagedSave = false;
    return 0;
}


/**
 * qemuSaveManagedDefine:
 * virDomainManagedSaveDefineXML on locked @vm (a MODIFY job held, so no
 * start restores the image meanwhile): qemuSaveImageDefine on its
 * managed save image.  No image: VIR_ERR_OPERATION_INVALID, as in
 * libvirt.  Returns 0 or -1 (reported).
 */
int
qemuSaveManagedDefine(virDomainObj *vm, const char *dxml, unsigned int flags)
{
    g_autofree char *path = qemuSaveManagedPath(vm);

    if (!virFileExists(path)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain does not have managed save image"));
        return -1;
    }
    return qemuSaveImageDefine(path, dxml, flags);
}


/* At daemon start: whether locked @vm has a managed save image. */
void
qemuSaveManagedLoad(virDomainObj *vm)
{
    g_autofree char *path = qemuSaveManagedPath(vm);

    vm->hasManagedSave = virFileExists(path);
}
