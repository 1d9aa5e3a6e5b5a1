/*
 * qemu_migration_nbd.c: storage migration over NBD (libvirt 9.0's way),
 * the destination's part, and what both sides share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With --copy-storage-all (VIR_MIGRATE_NON_SHARED_DISK) or -inc
 * (VIR_MIGRATE_NON_SHARED_INC) the disks move with the guest:
 *
 *   Begin (src)    the disks to copy and their sizes go in the cookie's
 *                  <nbd>; a guest whose writable disks are neither shared
 *                  nor copied is refused unless --unsafe
 *   Prepare (dst)  creates each missing image (same format and size; -inc
 *                  over the same backing file), starts QEMU, starts its
 *                  NBD server on a port of the migration range (or the
 *                  client's --disks-port / --disks-uri) and exports each
 *                  disk as "drive-<alias>"; the port goes in <nbd port=''>
 *   Perform (src)  attaches each export (blockdev-add) and mirrors the
 *                  disk into it (blockdev-mirror), waits until every
 *                  mirror is ready, then migrates the memory; at
 *                  pre-switchover (the vCPUs stopped) the mirrors are
 *                  completed (block-job-cancel of a ready mirror) before
 *                  QEMU is let to switch over
 *   Finish (dst)   stops the NBD server before the vCPUs run
 *
 * On any failure the mirrors are cancelled and detached (the guest runs
 * on its own disks at the source) and the destination removes the images
 * its Prepare created.  The source side is qemu_migration_nbd_src.c.
 */
#include <config.h>

#include <sys/statfs.h>
#include <sys/wait.h>

#include "qemu_migration_nbd.h"
#include "qemu_migration.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_migration_tls.h"
#include "qemu_monitor_block.h"
#include "qemu_state.h"
#include "vircommand.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virprocess.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_nbd");

/* How long qemu-img may take to create one image. */
#define QEMU_MIGRATION_NBD_IMG_TIMEOUT_MS 30000


/* The storage migration state of @vm, made on first use. */
qemuMigrationNBD *
qemuMigrationNBDGet(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->nbd)
        priv->nbd = qemuMigrationNBDNew();
    return priv->nbd;
}


/* Whether @target is among the migrate_disks parameters of @args; with
 * none given, *@any is false. */
static bool
qemuMigrationNBDListed(const qemuMigrationArgs *args, const char *target,
                       bool *any)
{
    *any = args->migrateDisks && args->migrateDisks[0];
    return *any && g_strv_contains((const char *const *)args->migrateDisks,
                                   target);
}


/**
 * qemuMigrationNBDCopyDisk:
 * Whether @disk is copied by a storage migration with @args: the disks
 * migrate_disks (--migrate-disks) names, else, as libvirt, every disk
 * that has a source and is neither read-only nor shareable.
 */
bool
qemuMigrationNBDCopyDisk(const virDomainDiskDef *disk,
                         const qemuMigrationArgs *args)
{
    bool any;
    bool listed = qemuMigrationNBDListed(args, disk->dst, &any);

    if (any)
        return listed;
    return disk->src->path && !disk->readonly && !disk->shareable;
}


/* Whether a storage migration with @args copies any disk of @def (none:
 * nothing of NBD is set up, as with libvirt). */
bool
qemuMigrationNBDCopyAny(const virDomainDef *def, const qemuMigrationArgs *args)
{
    size_t i;

    if (!(args->flags & QEMU_MIGRATION_NBD_FLAGS))
        return false;
    for (i = 0; i < def->disks->len; i++) {
        if (qemuMigrationNBDCopyDisk(g_ptr_array_index(def->disks, i), args))
            return true;
    }
    return false;
}


/* The name libvirt exports a disk under and names its mirror job by:
 * "drive-<alias>".  Caller owns the result. */
char *
qemuMigrationNBDExportName(const virDomainDiskDef *disk)
{
    return g_strdup_printf("drive-%s", disk->info.alias);
}


/* Frees @uri (NULL is fine). */
void
qemuMigrationNBDURIFree(qemuMigrationNBDURI *uri)
{
    if (!uri)
        return;
    g_free(uri->host);
    g_free(uri->socketPath);
    g_free(uri);
}


/**
 * qemuMigrationNBDParseURI:
 * A --disks-uri as libvirt takes it: tcp://HOST[:PORT] (a server part is
 * required) or unix:///PATH.  Caller owns the result; NULL with
 * VIR_ERR_INVALID_ARG reported.
 */
qemuMigrationNBDURI *
qemuMigrationNBDParseURI(const char *text)
{
    g_autoptr(qemuMigrationNBDURI) ret = g_new0(qemuMigrationNBDURI, 1);
    g_autoptr(GUri) uri = g_uri_parse(text, G_URI_FLAGS_NONE, NULL);
    const char *scheme = uri ? g_uri_get_scheme(uri) : NULL;

    if (!scheme) {
        virReportError(VIR_ERR_INVALID_ARG, _("No URI scheme specified: %1$s"),
                       text);
        return NULL;
    }
    if (STREQ(scheme, "tcp")) {
        if (!g_uri_get_host(uri) || !*g_uri_get_host(uri)) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("URI with tcp scheme did not provide a server part: %1$s"),
                           text);
            return NULL;
        }
        ret->host = g_strdup(g_uri_get_host(uri));
        ret->port = MAX(g_uri_get_port(uri), 0);
    } else if (STREQ(scheme, "unix")) {
        if (!g_uri_get_path(uri) || !*g_uri_get_path(uri)) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("UNIX disks URI does not include path"));
            return NULL;
        }
        ret->socketPath = g_strdup(g_uri_get_path(uri));
    } else {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("Unsupported scheme in disks URI: %1$s"), scheme);
        return NULL;
    }
    return g_steal_pointer(&ret);
}


/* ---- the safety check (Begin) ---- */

/* Network and cluster file systems whose files the other host sees too,
 * by statfs() magic (libvirt's list, less its FUSE subtypes). */
static const long long qemuMigrationNBDSharedFS[] = {
    0x6969,             /* NFS */
    0x517B,             /* SMB */
    0xFF534D42,         /* CIFS */
    0xFE534D42,         /* SMB2 */
    0x01161970,         /* GFS2 */
    0x7461636F,         /* OCFS2 */
    0x5346414F,         /* AFS */
    0x00C36400,         /* CEPH */
    0x47504653,         /* GPFS */
    0x19830326,         /* BeeGFS */
};


/* 1 if @path (or, while it does not exist, its nearest parent) is on a
 * shared file system, 0 if not, -1 (reported). */
static int
qemuMigrationNBDIsSharedFS(const char *path)
{
    g_autofree char *dir = g_strdup(path);
    struct statfs sb;
    size_t i;

    while (statfs(dir, &sb) < 0) {
        char *parent;

        if (errno != ENOENT || STREQ(dir, "/")) {
            virReportSystemError(errno,
                                 _("cannot determine filesystem for '%1$s'"),
                                 path);
            return -1;
        }
        parent = g_path_get_dirname(dir);
        g_free(dir);
        dir = parent;
    }
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationNBDSharedFS); i++) {
        if ((long long)(unsigned int)sb.f_type == qemuMigrationNBDSharedFS[i])
            return 1;
    }
    return 0;
}


/*
 * libvirt's qemuMigrationSrcIsSafe: a writable disk that is not copied
 * must be on storage the destination sees too.  Empty and read-only
 * disks are safe, copied ones too, a file on a local file system is not
 * ("Migration without shared storage is unsafe", VIR_ERR_MIGRATE_UNSAFE);
 * block devices are taken as shared, as libvirt does.  libvirt's second
 * rule, a cache mode other than none/directsync on shared storage, only
 * refuses with a QEMU that cannot drop its page cache at switch-over;
 * QEMU 7.2 can (file driver's drop-cache), so it never applies here.
 * Returns 0 when safe, -1 (reported).
 */
static int
qemuMigrationSrcNBDIsSafe(const virDomainDef *def, const qemuMigrationArgs *args)
{
    bool storage = args->flags & QEMU_MIGRATION_NBD_FLAGS;
    size_t i;
    int rc;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (!disk->src->path || disk->readonly ||
            (storage && qemuMigrationNBDCopyDisk(disk, args)) ||
            disk->src->type != VIR_DOMAIN_DISK_TYPE_FILE)
            continue;
        if ((rc = qemuMigrationNBDIsSharedFS(disk->src->path)) < 0)
            return -1;
        if (rc == 0) {
            VIR_DEBUG("disk %s of %s (%s) is on local storage", disk->dst,
                      def->name, disk->src->path);
            virReportError(VIR_ERR_MIGRATE_UNSAFE, "%s",
                           _("Migration without shared storage is unsafe"));
            return -1;
        }
    }
    return 0;
}


static bool
qemuMigrationNBDHasDisk(const virDomainDef *def, const char *target)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (STREQ(disk->dst, target))
            return true;
    }
    return false;
}


/**
 * qemuMigrationSrcNBDBegin:
 * Begin's checks of the disks, as libvirt's: every migrate_disks target
 * must exist; without --unsafe the migration must be safe
 * (qemuMigrationSrcNBDIsSafe).
 * Returns 0 or -1 (reported).
 */
int
qemuMigrationSrcNBDBegin(virDomainObj *vm, const qemuMigrationArgs *args)
{
    size_t i;

    /* offline with a storage copy is refused by qemuMigrationArgsParse */
    for (i = 0; (args->flags & QEMU_MIGRATION_NBD_FLAGS) &&
                args->migrateDisks && args->migrateDisks[i]; i++) {
        const char *target = args->migrateDisks[i];

        if (!qemuMigrationNBDHasDisk(vm->def, target)) {
            virReportError(VIR_ERR_INVALID_ARG, _("disk target %1$s not found"),
                           target);
            return -1;
        }
    }
    if (args->flags & (VIR_MIGRATE_UNSAFE | VIR_MIGRATE_OFFLINE))
        return 0;
    return qemuMigrationSrcNBDIsSafe(vm->def, args);
}


/* ---- destination: the images ---- */

/* Runs qemu-img create for @disk's image of @capacity bytes (over its
 * backing file with @overBacking).  Returns 0 or -1 (reported). */
static int
qemuMigrationDstNBDCreateImage(const virDomainDiskDef *disk,
                               unsigned long long capacity, bool overBacking)
{
    const virDomainDiskSource *src = disk->src;
    const char *format = virDomainDiskFormatTypeToString(src->format ? src->format
                                                         : VIR_DOMAIN_DISK_FORMAT_RAW);
    g_autoptr(virCommand) cmd = virCommandNewArgList("qemu-img", "create", "-q",
                                                     "-f", format, NULL);
    VIR_AUTOCLOSE pidfd = -1;
    pid_t pid;
    int status = 0;
    int rc;

    if (overBacking)
        virCommandAddArgList(cmd, "-b", src->backing->path, "-F",
                             virDomainDiskFormatTypeToString(src->backing->format),
                             NULL);
    virCommandAddArg(cmd, src->path);
    virCommandAddArgFormat(cmd, "%llu", capacity);
    VIR_INFO("creating the image of disk %s for an incoming storage migration: %s",
             disk->dst, NULLSTR(virCommandToString(cmd)));
    if (virCommandRunAsync(cmd, &pid, &pidfd) < 0)
        return -1;
    if ((rc = virProcessWaitPidfd(pidfd, QEMU_MIGRATION_NBD_IMG_TIMEOUT_MS)) <= 0) {
        virProcessKill(pid, SIGKILL);
        ignore_value(virProcessReap(pid, NULL));
        if (rc == 0)
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("qemu-img did not create '%1$s' in time"), src->path);
        return -1;
    }
    if (virProcessReap(pid, &status) < 0)
        return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_autofree char *why = virProcessTranslateStatus(status);

        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot create the image '%1$s' of disk %2$s: qemu-img ended with %3$s"),
                       src->path, disk->dst, why);
        return -1;
    }
    return 0;
}


/* Makes sure @disk of the incoming @vm has an image to receive the copy.
 * Returns 0 or -1 (reported). */
static int
qemuMigrationDstNBDPrecreateDisk(virDomainObj *vm, virDomainDiskDef *disk,
                                 bool incremental)
{
    qemuMigrationNBD *nbd = qemuMigrationNBDGet(vm);
    const qemuMigrationCookieNBDDisk *size;

    if (!disk->src->path || disk->readonly) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("Cannot migrate empty or read-only disk %1$s"),
                       disk->dst);
        return -1;
    }
    if (!incremental) {
        /* a full copy is one flat image: its chain is probed at start */
        g_clear_pointer(&disk->src->backing, virDomainDiskSourceFree);
        disk->src->backingKnown = false;
    }
    if (virFileExists(disk->src->path)) {
        VIR_DEBUG("image %s of disk %s exists; not creating it",
                  disk->src->path, disk->dst);
        return 0;
    }
    if (disk->src->type != VIR_DOMAIN_DISK_TYPE_FILE) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot precreate storage for disk type '%1$s'"),
                       virDomainDiskTypeTypeToString(disk->src->type));
        return -1;
    }
    if (incremental && !disk->src->backing) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("pre-creation of storage targets for incremental storage migration is not supported"));
        return -1;
    }
    if (!(size = qemuMigrationCookieNBDFindDisk(nbd->cookie, disk->dst))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unable to find disk by target: %1$s"), disk->dst);
        return -1;
    }
    if (qemuMigrationDstNBDCreateImage(disk, size->capacity, incremental) < 0)
        return -1;
    g_ptr_array_add(nbd->created, g_strdup(disk->src->path));
    return 0;
}


/* Prepare, before QEMU starts: keeps the source's <nbd> disks (the
 * cookie's, stolen from *@cookieNBD) for the images to create. */
void
qemuMigrationDstNBDInit(virDomainObj *vm, const qemuMigrationArgs *args,
                        qemuMigrationCookieNBD **cookieNBD)
{
    qemuMigrationNBD *nbd;

    if (!(args->flags & QEMU_MIGRATION_NBD_FLAGS))
        return;
    nbd = qemuMigrationNBDGet(vm);
    qemuMigrationCookieNBDFree(nbd->cookie);
    nbd->cookie = g_steal_pointer(cookieNBD);
}


/**
 * qemuMigrationDstNBDPrecreate:
 * Prepare, before QEMU starts: the image of every disk to copy is
 * created unless it exists (libvirt's rule: an existing one is the
 * user's, used as it is, and never removed); with a full copy its
 * backing chain goes from the definition.  Returns 0 or -1 (reported);
 * what was created is removed by qemuMigrationDstNBDDiscard.
 */
int
qemuMigrationDstNBDPrecreate(virDomainObj *vm, const qemuMigrationArgs *args)
{
    bool incremental = args->flags & VIR_MIGRATE_NON_SHARED_INC;
    size_t i;

    /* v2 is refused by qemuMigrationArgsParse */
    if (!(args->flags & QEMU_MIGRATION_NBD_FLAGS))
        return 0;
    for (i = 0; i < vm->def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);

        if (qemuMigrationNBDCopyDisk(disk, args) &&
            qemuMigrationDstNBDPrecreateDisk(vm, disk, incremental) < 0)
            return -1;
    }
    return 0;
}


/* ---- destination: the NBD server ---- */

/* Where the NBD server listens: --disks-uri (tcp://HOST[:PORT] or
 * unix:///PATH), else @listen on --disks-port or a port of the range.
 * Returns 0 or -1 (reported). */
static int
qemuMigrationDstNBDAddress(qemuMigrationNBD *nbd, const qemuMigrationArgs *args,
                           const char *listen, char **host, char **socketPath)
{
    const char *disksURI = args->disksURI;
    int port = args->disksPort;

    if (disksURI && port) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Both port and URI requested for disk migration while being mutually exclusive"));
        return -1;
    }
    if (disksURI) {
        g_autoptr(qemuMigrationNBDURI) uri = qemuMigrationNBDParseURI(disksURI);

        if (!uri)
            return -1;
        if (uri->socketPath) {
            *socketPath = g_steal_pointer(&uri->socketPath);
            return 0;
        }
        *host = g_steal_pointer(&uri->host);
        port = uri->port;
    } else {
        if (port < 0 || port > 65535) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("nbd port must be in range 0-65535"));
            return -1;
        }
        *host = g_strdup(listen);
    }
    if (port) {
        nbd->port = port;
        return 0;
    }
    if (!(nbd->port = qemuMigrationDstPortAcquire()))
        return -1;
    nbd->portFromRange = true;
    return 0;
}


/* nbd-server-start and a block-export-add per disk to copy.  Returns 0
 * or -1 (reported). */
static int
qemuMigrationDstNBDExport(virDomainObj *vm, const qemuMigrationArgs *args,
                          const char *host, const char *socketPath)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    qemuMigrationNBD *nbd = priv->nbd;
    int rc = 0;
    size_t i;

    /* with --tls the disks travel encrypted too, with the stream's
     * credentials (qemuMigrationAnySetupTLS made them) */
    const char *tls = priv->migrationTLS ? QEMU_MIGRATION_TLS_ALIAS : NULL;

    if (tls && socketPath) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("NBD migration with TLS is not supported over UNIX socket"));
        return -1;
    }
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return -1;
    if ((rc = qemuMonitorNBDServerStart(priv->mon, host, nbd->port, socketPath,
                                        tls)) == 0)
        nbd->serverStarted = true;
    for (i = 0; rc == 0 && i < vm->def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(vm->def->disks, i);
        g_autofree char *node = NULL;
        g_autofree char *id = NULL;
        g_autofree char *name = NULL;

        if (!qemuMigrationNBDCopyDisk(disk, args))
            continue;
        node = g_strdup_printf("libvirt-%u-format", disk->src->index);
        id = g_strdup_printf("libvirt-nbd-%s", node);
        name = qemuMigrationNBDExportName(disk);
        rc = qemuMonitorBlockExportAddNBD(priv->mon, id, node, name);
    }
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/**
 * qemuMigrationDstNBDStart:
 * Prepare, once QEMU runs: starts its NBD server on the incoming
 * migration's address (--listen-address, else migration_address) and a
 * port of the range, or where the client said (--disks-port,
 * --disks-uri), and exports every disk to copy.  Returns 0 or -1
 * (reported).
 */
int
qemuMigrationDstNBDStart(virDomainObj *vm, const qemuMigrationArgs *args)
{
    const char *listen = args->listenAddress;
    qemuMigrationNBD *nbd;
    g_autofree char *host = NULL;
    g_autofree char *socketPath = NULL;

    if (!qemuMigrationNBDCopyAny(vm->def, args))
        return 0;
    nbd = qemuMigrationNBDGet(vm);
    if (!listen)
        listen = qemu_driver->cfg->migrationListen;
    if (qemuMigrationDstNBDAddress(nbd, args, listen, &host, &socketPath) < 0 ||
        qemuMigrationDstNBDExport(vm, args, host, socketPath) < 0)
        return -1;
    VIR_INFO("NBD server of the incoming domain %s on %s:%u", vm->def->name,
             socketPath ? socketPath : host, nbd->port);
    return 0;
}


/* The <nbd> of Prepare's cookie: the server's TCP port.  Caller owns the
 * result; NULL when no storage migration runs. */
qemuMigrationCookieNBD *
qemuMigrationDstNBDCookie(virDomainObj *vm)
{
    qemuMigrationNBD *nbd = QEMU_DOMAIN_PRIVATE(vm)->nbd;

    if (!nbd || !nbd->serverStarted)
        return NULL;
    return qemuMigrationCookieNBDNew(nbd->port);
}


/**
 * qemuMigrationDstNBDStop:
 * Finish, before the vCPUs run: nbd-server-stop (the source completed
 * its mirrors before switching over).  Returns 0 or -1 (reported).
 */
int
qemuMigrationDstNBDStop(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int rc;

    if (!priv->nbd || !priv->nbd->serverStarted)
        return 0;
    if (qemuDomainObjEnterMonitorAsync(vm, VIR_ASYNC_JOB_MIGRATION_IN) < 0)
        return -1;
    rc = qemuMonitorNBDServerStop(priv->mon);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    priv->nbd->serverStarted = false;
    return 0;
}


/* The incoming guest is ours: its images stay, the port goes back. */
void
qemuMigrationDstNBDKeep(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->nbd)
        return;
    if (priv->nbd->portFromRange)
        qemuMigrationDstPortRelease(priv->nbd->port);
    g_clear_pointer(&priv->nbd, qemuMigrationNBDFree);
}


/**
 * qemuMigrationDstNBDDiscard:
 * The incoming migration failed and its QEMU is gone: the images Prepare
 * created are removed (never one that existed before) and the port goes
 * back to the range.
 */
void
qemuMigrationDstNBDDiscard(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    size_t i;

    if (!priv->nbd)
        return;
    for (i = 0; i < priv->nbd->created->len; i++) {
        const char *path = g_ptr_array_index(priv->nbd->created, i);

        VIR_INFO("removing %s, created for the failed incoming storage migration of %s",
                 path, vm->def->name);
        if (virFileRemoveIfExists(path) < 0) {
            VIR_WARN("cannot remove %s: %s", path, virErrorGetLastMessage());
            virErrorResetLast();
        }
    }
    g_ptr_array_set_size(priv->nbd->created, 0);
    qemuMigrationDstNBDKeep(vm);
}
