/*
 * qemu_driver_console.c: driver entry points that stream from a running
 * guest: its serial console and screenshots (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A console is one session per serial port: the stream the client's
 * call carries is attached to the port's host side (the pty QEMU
 * opened, or a connection to its listening unix socket) both ways, and
 * a handle on it is kept in the domain's private data so that a second
 * session is refused, or with VIR_DOMAIN_CONSOLE_FORCE takes the port
 * over: the first one is sent the end of its data.  When QEMU stops the
 * sessions are ended the same way.
 *
 * A screenshot is QMP "screendump" into a file of the domain's state
 * directory, opened, removed and streamed to the client (PPM).
 *
 * virDomainOpenGraphicsFD (what virt-manager uses for the display of a
 * guest on a local connection) hands the client a socket connected to
 * the display server.  libvirt makes a socketpair and gives QEMU one end
 * with "add_client"; this driver passes no descriptors to QEMU, so it
 * connects to the address and port QEMU listens on itself.  The client
 * sees the same thing: a display connection that authenticates as any
 * other (libvirt's SKIPAUTH flag cannot skip a password then, and is
 * refused for a display that has one); a display that does not listen
 * cannot be opened.
 */
#include <config.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "qemu_driver_console.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_graphics.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_console");


/* The serial port @devName (its alias) of @def, or the first one. */
static virDomainChrDef *
qemuConsoleFind(virDomainDef *def, const char *devName)
{
    guint i;

    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (!devName || g_strcmp0(chr->info.alias, devName) == 0)
            return chr;
    }
    virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot find character device %1$s"),
                   NULLSTR(devName));
    return NULL;
}


/* Opens the host side of @chr (pty or listening unix socket) for reading
 * and writing.  Returns the descriptor, or -1 (reported). */
static int
qemuConsoleOpenSource(const virDomainChrDef *chr)
{
    const virDomainChrSourceDef *src = &chr->source;
    struct termios tio;
    int fd;

    if (src->type == VIR_DOMAIN_CHR_TYPE_PTY && src->path) {
        if ((fd = open(src->path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
            virReportSystemError(errno, _("Unable to open character device %1$s"),
                                 src->path);
            return -1;
        }
        /* raw: the client's terminal does the echo and line editing */
        if (tcgetattr(fd, &tio) == 0) {
            cfmakeraw(&tio);
            tcsetattr(fd, TCSANOW, &tio);
        }
        return fd;
    }
    if (src->type == VIR_DOMAIN_CHR_TYPE_UNIX &&
        src->mode == VIR_DOMAIN_CHR_UNIX_MODE_BIND) {
        struct sockaddr_un addr = { .sun_family = AF_UNIX };

        if (g_strlcpy(addr.sun_path, src->path, sizeof(addr.sun_path)) >=
            sizeof(addr.sun_path)) {
            virReportError(VIR_ERR_INTERNAL_ERROR, _("UNIX socket path '%1$s' too long"),
                           src->path);
            return -1;
        }
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
            connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
            virReportSystemError(errno, _("failed to connect to console socket '%1$s'"),
                                 src->path);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        return fd;
    }
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("character device %1$s is not using a PTY or a listening UNIX socket"),
                   NULLSTR(chr->info.alias));
    return -1;
}


/* Registered cleanup: QEMU stopped, its console sessions end. */
static void
qemuConsoleCleanup(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    GHashTableIter iter;
    gpointer value;

    if (!priv->consoles)
        return;
    g_hash_table_iter_init(&iter, priv->consoles);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        virStream *held = value;

        held->driver->streamAbort(held);
    }
    g_hash_table_remove_all(priv->consoles);
}


/* The console session on @chr of running, locked @vm: refused while
 * another is open unless @force, which ends that one.  0 or -1. */
static int
qemuConsoleOpenLocked(virDomainObj *vm, virDomainChrDef *chr, virStream *st,
                      bool force)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    virStream *held = NULL;
    int fd;

    if (!st->driver->streamAttachFD || !st->driver->streamHold) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("this stream cannot carry a console"));
        return -1;
    }
    if (!priv->consoles)
        priv->consoles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify)
                                                   virDriverStreamFree);
    held = g_hash_table_lookup(priv->consoles, chr->info.alias);
    if (held && held->driver->streamIsOpen(held)) {
        if (!force) {
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("Active console session exists for this domain"));
            return -1;
        }
        VIR_INFO("domain %s: console %s taken over", vm->def->name,
                 chr->info.alias);
        held->driver->streamAbort(held);
    }
    if (held)
        g_hash_table_remove(priv->consoles, chr->info.alias);
    if ((fd = qemuConsoleOpenSource(chr)) < 0)
        return -1;
    if (st->driver->streamAttachFD(st, fd, VIR_STREAM_FD_IN | VIR_STREAM_FD_OUT) < 0)
        return -1;
    g_hash_table_insert(priv->consoles, g_strdup(chr->info.alias),
                        st->driver->streamHold(st));
    qemuDomainCleanupAdd(vm, qemuConsoleCleanup);
    return 0;
}


/**
 * qemuDomainOpenConsole:
 * virDomainOpenConsole: @st carries the serial port @devName (an alias,
 * NULL: the first) of a running domain, with libvirt's errors.
 */
int
qemuDomainOpenConsole(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      const char *devName, virStream *st, unsigned int flags)
{
    virDomainObj *vm;
    virDomainChrDef *chr;
    int ret = -1;

    VIR_DEBUG("dom=%s dev=%s flags=0x%x", dom->name, NULLSTR(devName), flags);
    virCheckFlags(VIR_DOMAIN_CONSOLE_SAFE | VIR_DOMAIN_CONSOLE_FORCE, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0 &&
        (chr = qemuConsoleFind(vm->def, devName)))
        ret = qemuConsoleOpenLocked(vm, chr, st,
                                    flags & VIR_DOMAIN_CONSOLE_FORCE);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Whether @def has a video device that shows something. */
static bool
qemuScreenshotHasScreen(const virDomainDef *def)
{
    guint i;

    for (i = 0; i < def->videos->len; i++) {
        const virDomainVideoDef *video = g_ptr_array_index(def->videos, i);

        if (video->type != VIR_DOMAIN_VIDEO_TYPE_NONE)
            return true;
    }
    return false;
}


/* The screendump of running, locked @vm in a QUERY job: attached to @st.
 * 0 or -1. */
static int
qemuScreenshotLocked(virDomainObj *vm, virStream *st)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    g_autofree char *path = NULL;
    g_autoptr(json_object) reply = NULL;
    json_object *args;
    bool ok;
    int fd;

    if (!st->driver->streamAttachFD) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("this stream cannot carry a screenshot"));
        return -1;
    }
    path = g_strdup_printf("%s/%s.screendump.XXXXXX",
                           qemu_driver->cfg->statusDir, vm->def->name);
    if ((fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR)) < 0) {
        virReportSystemError(errno, _("g_mkstemp(\"%1$s\") failed"), path);
        return -1;
    }
    close(fd);
    args = json_object_new_object();
    json_object_object_add(args, "filename", json_object_new_string(path));
    if (qemuDomainObjEnterMonitor(vm) < 0) {
        json_object_put(args);
        unlink(path);
        return -1;
    }
    ok = qemuMonitorJSONCommand(priv->mon, "screendump", args,
                                json_type_object, &reply) != NULL;
    if (qemuDomainObjExitMonitor(vm) < 0)
        ok = false;
    fd = ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (ok && fd < 0)
        virReportSystemError(errno, _("cannot open '%1$s'"), path);
    unlink(path);
    if (fd < 0)
        return -1;
    return st->driver->streamAttachFD(st, fd, VIR_STREAM_FD_OUT);
}


/**
 * qemuDomainScreenshot:
 * virDomainScreenshot: the primary screen of a running domain as PPM
 * ("image/x-portable-pixmap"; caller owns the string) on @st.
 */
char *
qemuDomainScreenshot(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom, virStream *st,
                     unsigned int screen, unsigned int flags)
{
    virDomainObj *vm;
    char *ret = NULL;

    virCheckFlags(0, NULL);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if (virDomainObjBeginJob(vm, VIR_JOB_QUERY) < 0)
        goto cleanup;
    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;
    if (!qemuScreenshotHasScreen(vm->def)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("no screens to take screenshot from"));
        goto endjob;
    }
    if (screen != 0) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s", _("no such screen ID"));
        goto endjob;
    }
    if (qemuScreenshotLocked(vm, st) == 0)
        ret = g_strdup("image/x-portable-pixmap");

 endjob:
    virDomainObjEndJob(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}


/* A copy of display @idx of running, locked @vm that can be connected
 * to with @flags, or NULL (reported). */
static virDomainGraphicsDef *
qemuGraphicsFDFind(virDomainObj *vm, unsigned int idx, unsigned int flags)
{
    const virDomainGraphicsDef *gr;
    virDomainGraphicsDef *copy;

    if (virDomainObjCheckActive(vm) < 0)
        return NULL;
    if (idx >= vm->def->graphics->len) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("No graphics backend with index %1$u"),
                       idx);
        return NULL;
    }
    gr = g_ptr_array_index(vm->def->graphics, idx);
    if ((flags & VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH) && gr->passwd) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("skipping the authentication of a display with a password is not supported"));
        return NULL;
    }
    copy = g_new0(virDomainGraphicsDef, 1);
    copy->type = gr->type;
    copy->port = gr->port;
    copy->listenType = gr->listenType;
    copy->listenAddress = g_strdup(gr->listenAddress);
    return copy;
}


/**
 * qemuDomainOpenGraphicsFD:
 * virDomainOpenGraphicsFD: a socket connected to the VNC or SPICE server
 * of display @idx of a running domain (caller owns it), or -1.
 */
int
qemuDomainOpenGraphicsFD(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                         unsigned int idx, unsigned int flags)
{
    virDomainObj *vm;
    g_autoptr(virDomainGraphicsDef) gr = NULL;

    VIR_DEBUG("dom=%s idx=%u flags=0x%x", dom->name, idx, flags);
    virCheckFlags(VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    gr = qemuGraphicsFDFind(vm, idx, flags);
    /* connecting to a local listener does not block: still, not under
     * the domain's lock */
    virDomainObjEndAPI(&vm);
    return gr ? qemuGraphicsConnect(gr) : -1;
}
