/*
 * qemu_monitor.c: the QMP monitor transport of one QEMU process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_monitor.h for the threading model.  In short: the event thread
 * owns the socket; callers queue commands and wait on @notify; replies are
 * matched to their waiter by "id"; events go to the callbacks in order.
 *
 * QMP frames each message as one line of JSON ending in "\r\n" (strings
 * never contain a raw newline), so input is split on '\n' and each line is
 * parsed whole.  A line longer than QEMU_MONITOR_MAX_MESSAGE, a line that is
 * not a JSON object, or an object that is neither greeting, reply nor event
 * is a protocol error: the monitor stops reading and reports it.
 */
#include <config.h>

#include <fcntl.h>
#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemu_monitor.h"
#include "qemu_monitor_json.h"
#define QEMU_MONITOR_PRIV_H_ALLOW
#include "qemu_monitorpriv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virobject.h"
#include "virprocess.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor");

/* How often a missing socket is retried while QEMU starts up. */
#define QEMU_MONITOR_CONNECT_RETRY_MS 2
/* Bytes read per wake-up of the event thread. */
#define QEMU_MONITOR_READ_CHUNK (64 * 1024)

/* One command in flight; lives on its sender's stack. */
typedef struct {
    char *id;
    bool finished;
    json_object *reply; /* set by the event thread; NULL on EOF/error */
} qemuMonitorMessage;

struct _qemuMonitor {
    virObjectLockable parent; /* must stay first */

    char *vmname;
    int fd;
    const qemuMonitorCallbacks *cb;
    void *opaque;

    GMainContext *context;
    GMainLoop *loop;
    GThread *thread;
    GSource *readSource;
    GSource *writeSource;

    /* Everything below is protected by the object lock. */
    GCond notify;            /* broadcast on reply, greeting, EOF, error */
    GByteArray *inbuf;       /* received, not yet processed */
    size_t scanned;          /* bytes of @inbuf known to hold no '\n' */
    GByteArray *outbuf;      /* queued, not yet written */
    int outFD;               /* to pass with the byte at @outFDAt, or -1 */
    size_t outFDAt;          /* offset in @outbuf of that byte */
    GHashTable *pending;     /* id -> qemuMonitorMessage of waiting senders */
    unsigned long long nextSerial;
    long long cmdTimeoutMs;
    virError *lastError;     /* first fatal error: EOF, I/O, garbage, close */
    bool greeted;            /* the QMP greeting arrived */
    bool ready;              /* handshake done: notify the callbacks */
    bool notified;           /* eofNotify/errorNotify already called */
    bool inCallback;         /* the event thread is running a callback */
    bool closing;

    /* A monitor of qemuMonitorOpenPump (tests) has no socket, context or
     * event thread: a waiter calls @pump, which feeds the input. */
    qemuMonitorPumpFunc pump;
    void *pumpOpaque;
};

typedef enum {
    QEMU_MONITOR_IO_OK = 0,
    QEMU_MONITOR_IO_EOF,
    QEMU_MONITOR_IO_ERROR,
} qemuMonitorIOResult;

static const char *const qemuMonitorMigrationStatusTable[] = {
    [QEMU_MONITOR_MIGRATION_STATUS_NONE] = "none",
    [QEMU_MONITOR_MIGRATION_STATUS_SETUP] = "setup",
    [QEMU_MONITOR_MIGRATION_STATUS_CANCELLING] = "cancelling",
    [QEMU_MONITOR_MIGRATION_STATUS_CANCELLED] = "cancelled",
    [QEMU_MONITOR_MIGRATION_STATUS_ACTIVE] = "active",
    [QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE] = "postcopy-active",
    [QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED] = "postcopy-paused",
    [QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER] = "postcopy-recover",
    [QEMU_MONITOR_MIGRATION_STATUS_COMPLETED] = "completed",
    [QEMU_MONITOR_MIGRATION_STATUS_FAILED] = "failed",
    [QEMU_MONITOR_MIGRATION_STATUS_COLO] = "colo",
    [QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER] = "pre-switchover",
    [QEMU_MONITOR_MIGRATION_STATUS_DEVICE] = "device",
    [QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG] = "wait-unplug",
};
VIR_ENUM_IMPL_TABLE(qemuMonitorMigrationStatus, qemuMonitorMigrationStatusTable,
                    QEMU_MONITOR_MIGRATION_STATUS_LAST);

static gboolean qemuMonitorIOWritable(int fd, GIOCondition cond, gpointer opaque);


static void
qemuMonitorDispose(void *obj)
{
    qemuMonitor *mon = obj;

    VIR_DEBUG("mon=%p vm=%s", mon, mon->vmname);
    if (mon->cb && mon->cb->destroy)
        mon->cb->destroy(mon, mon->opaque);
    if (mon->fd >= 0)
        close(mon->fd);
    virForceCloseHelper(&mon->outFD);
    g_clear_pointer(&mon->loop, g_main_loop_unref);
    g_clear_pointer(&mon->context, g_main_context_unref);
    g_cond_clear(&mon->notify);
    g_byte_array_unref(mon->inbuf);
    g_byte_array_unref(mon->outbuf);
    g_hash_table_unref(mon->pending);
    virErrorFree(mon->lastError);
    g_free(mon->vmname);
}


/* Records the calling thread's last error as the monitor's fatal error
 * (the first one wins), fails every waiting command and wakes them.
 * @mon must be locked. */
static void
qemuMonitorSetFailed(qemuMonitor *mon)
{
    GHashTableIter iter;
    gpointer value;

    if (!mon->lastError) {
        const virError *err = virErrorGetLast();

        if (!err) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("Error while processing monitor IO (vm='%1$s')"),
                           mon->vmname);
            err = virErrorGetLast();
        }
        mon->lastError = virErrorCopyNew(err);
    }
    g_hash_table_iter_init(&iter, mon->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        ((qemuMonitorMessage *)value)->finished = true;
        g_hash_table_iter_remove(&iter);
    }
    g_byte_array_set_size(mon->outbuf, 0);
    g_cond_broadcast(&mon->notify);
}


/* Stores @detail as the monitor's fatal error (unless it has one already)
 * without logging it: EOF and close are normal ends, an error only for a
 * command that was still waiting.  @mon must be locked. */
static void
qemuMonitorSetEndError(qemuMonitor *mon, const char *detail)
{
    g_autofree char *msg = NULL;
    virError err = { 0 };

    if (mon->lastError)
        return;
    msg = g_strdup_printf(virErrorPrefix(VIR_ERR_OPERATION_FAILED, true), detail);
    err.code = VIR_ERR_OPERATION_FAILED;
    err.domain = VIR_FROM_THIS;
    err.level = VIR_ERR_ERROR;
    err.message = msg;
    mon->lastError = virErrorCopyNew(&err);
}


static void
qemuMonitorRemoveSource(GSource **source)
{
    if (*source) {
        g_source_destroy(*source);
        g_clear_pointer(source, g_source_unref);
    }
}


/* Creates the write watch if there is output and none exists yet.  Safe
 * from any thread: attaching a source wakes the monitor's context.
 * @mon must be locked. */
static void
qemuMonitorUpdateWatch(qemuMonitor *mon)
{
    if (!mon->context || mon->writeSource || mon->outbuf->len == 0 ||
        mon->lastError)
        return;
    mon->writeSource = g_unix_fd_source_new(mon->fd, G_IO_OUT);
    g_source_set_callback(mon->writeSource, G_SOURCE_FUNC(qemuMonitorIOWritable),
                          mon, NULL);
    g_source_attach(mon->writeSource, mon->context);
}


/* Writes from the start of @outbuf: up to the byte a descriptor goes
 * with, or from that byte on with the descriptor attached (SCM_RIGHTS;
 * QEMU keeps it for the command those bytes belong to). */
static ssize_t
qemuMonitorIOWriteSome(qemuMonitor *mon, int fd)
{
    char control[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { .iov_base = mon->outbuf->data,
                         .iov_len = mon->outbuf->len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    struct cmsghdr *cmsg;
    ssize_t n;

    if (mon->outFD < 0)
        return send(fd, mon->outbuf->data, mon->outbuf->len, MSG_NOSIGNAL);
    if (mon->outFDAt > 0) {
        if ((n = send(fd, mon->outbuf->data, mon->outFDAt, MSG_NOSIGNAL)) > 0)
            mon->outFDAt -= n;
        return n;
    }
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &mon->outFD, sizeof(int));
    if ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) > 0)
        virForceCloseHelper(&mon->outFD);
    return n;
}


/* Event thread: writes queued commands.  An EPIPE is left for the read
 * side to report as EOF, since QEMU may still have replies for us. */
static gboolean
qemuMonitorIOWritable(int fd, GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    qemuMonitor *mon = opaque;
    VIR_LOCK_GUARD lock = virObjectLockGuard(mon);
    ssize_t n;

    if (mon->closing)
        return G_SOURCE_REMOVE; /* qemuMonitorClose released the source */
    if (mon->outbuf->len > 0) {
        n = qemuMonitorIOWriteSome(mon, fd);
        if (n > 0) {
            g_byte_array_remove_range(mon->outbuf, 0, n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            if (errno == EPIPE || errno == ECONNRESET) {
                VIR_DEBUG("mon=%p peer closed while we were writing", mon);
                g_byte_array_set_size(mon->outbuf, 0);
            } else {
                virReportSystemError(errno, "%s", _("Unable to write to monitor"));
                qemuMonitorSetFailed(mon);
            }
        }
    }
    if (mon->outbuf->len > 0 && !mon->lastError)
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&mon->writeSource, g_source_unref);
    return G_SOURCE_REMOVE;
}


/* Reads what is available into @inbuf.  @mon must be locked. */
static qemuMonitorIOResult
qemuMonitorIORead(qemuMonitor *mon)
{
    guint oldlen = mon->inbuf->len;
    ssize_t n;

    g_byte_array_set_size(mon->inbuf, oldlen + QEMU_MONITOR_READ_CHUNK);
    do {
        n = read(mon->fd, mon->inbuf->data + oldlen, QEMU_MONITOR_READ_CHUNK);
    } while (n < 0 && errno == EINTR);
    g_byte_array_set_size(mon->inbuf, oldlen + MAX(n, 0));
    if (n > 0)
        return QEMU_MONITOR_IO_OK;
    if (n == 0 || errno == ECONNRESET)
        return QEMU_MONITOR_IO_EOF;
    if (errno == EAGAIN)
        return QEMU_MONITOR_IO_OK;
    virReportSystemError(errno, "%s", _("Unable to read from monitor"));
    return QEMU_MONITOR_IO_ERROR;
}


/* Hands a reply to the command waiting for it.  @mon must be locked. */
static void
qemuMonitorDeliverReply(qemuMonitor *mon, json_object *reply)
{
    json_object *idobj = NULL;
    qemuMonitorMessage *msg = NULL;

    if (json_object_object_get_ex(reply, "id", &idobj) &&
        json_object_is_type(idobj, json_type_string)) {
        msg = g_hash_table_lookup(mon->pending, json_object_get_string(idobj));
    } else if (g_hash_table_size(mon->pending) == 1) {
        /* QEMU omits the id when it could not parse the command at all. */
        GHashTableIter iter;

        g_hash_table_iter_init(&iter, mon->pending);
        g_hash_table_iter_next(&iter, NULL, (gpointer *)&msg);
    }
    if (!msg) {
        VIR_WARN("dropping QEMU reply nobody waits for (vm='%s'): %s",
                 mon->vmname, json_object_to_json_string(reply));
        json_object_put(reply);
        return;
    }
    g_hash_table_remove(mon->pending, msg->id);
    msg->reply = reply;
    msg->finished = true;
    g_cond_broadcast(&mon->notify);
}


/* Looks for a typed handler of @name and calls the matching callback. */
static void
qemuMonitorEmitTyped(qemuMonitor *mon, const char *name, json_object *data)
{
    const qemuMonitorCallbacks *cb = mon->cb;
    json_object *val = NULL;

    if (STREQ(name, "STOP") && cb->domainStop) {
        cb->domainStop(mon, mon->opaque);
    } else if (STREQ(name, "RESUME") && cb->domainResume) {
        cb->domainResume(mon, mon->opaque);
    } else if (STREQ(name, "RESET") && cb->domainReset) {
        cb->domainReset(mon, mon->opaque);
    } else if (STREQ(name, "GUEST_PANICKED") && cb->domainGuestPanic) {
        cb->domainGuestPanic(mon, mon->opaque);
    } else if (STREQ(name, "POWERDOWN") && cb->domainPowerdown) {
        cb->domainPowerdown(mon, mon->opaque);
    } else if (STREQ(name, "SHUTDOWN") && cb->domainShutdown) {
        bool guest = json_object_object_get_ex(data, "guest", &val) &&
                     json_object_get_boolean(val);
        const char *reason = json_object_object_get_ex(data, "reason", &val) ?
                             json_object_get_string(val) : NULL;

        cb->domainShutdown(mon, guest, reason, mon->opaque);
    } else if (STREQ(name, "MIGRATION") && cb->migrationStatus) {
        int status = -1;

        if (json_object_object_get_ex(data, "status", &val))
            status = qemuMonitorMigrationStatusTypeFromString(json_object_get_string(val));
        if (status < 0)
            VIR_WARN("unknown migration status in MIGRATION event (vm='%s'): %s",
                     mon->vmname, json_object_to_json_string(data));
        else
            cb->migrationStatus(mon, status, mon->opaque);
    } else if (STREQ(name, "MIGRATION_PASS") && cb->migrationPass) {
        if (json_object_object_get_ex(data, "pass", &val) &&
            json_object_is_type(val, json_type_int))
            cb->migrationPass(mon, json_object_get_int(val), mon->opaque);
        else
            VIR_WARN("MIGRATION_PASS event without a pass number (vm='%s')",
                     mon->vmname);
    }
}


/* Delivers one event to the callbacks.  Called with @mon locked; drops
 * the lock while the callbacks run. */
static void
qemuMonitorEmitEvent(qemuMonitor *mon, json_object *event)
{
    json_object *nameobj = NULL;
    json_object *data = NULL;
    json_object *stamp = NULL;
    json_object *val = NULL;
    long long seconds = -1;
    unsigned int micros = 0;
    const char *name;

    json_object_object_get_ex(event, "event", &nameobj);
    if (!json_object_is_type(nameobj, json_type_string)) {
        VIR_WARN("ignoring QEMU event without a name (vm='%s')", mon->vmname);
        return;
    }
    name = json_object_get_string(nameobj);
    json_object_object_get_ex(event, "data", &data);
    if (json_object_object_get_ex(event, "timestamp", &stamp)) {
        if (json_object_object_get_ex(stamp, "seconds", &val))
            seconds = json_object_get_int64(val);
        if (json_object_object_get_ex(stamp, "microseconds", &val))
            micros = json_object_get_int(val);
    }
    VIR_DEBUG("mon=%p vm=%s event=%s", mon, mon->vmname, name);
    if (!mon->ready || mon->closing || !mon->cb) {
        VIR_WARN("dropping QEMU event %s outside a session (vm='%s')", name,
                 mon->vmname);
        return;
    }
    mon->inCallback = true;
    virObjectUnlock(mon);
    if (mon->cb->domainEvent)
        mon->cb->domainEvent(mon, name, data, seconds, micros, mon->opaque);
    qemuMonitorEmitTyped(mon, name, data);
    virObjectLock(mon);
    mon->inCallback = false;
}


/* Acts on one parsed message.  @mon must be locked (may be dropped for
 * events).  Returns 0, or -1 with an error reported for a message that is
 * none of greeting, reply or event. */
static int
qemuMonitorDispatch(qemuMonitor *mon, json_object *obj)
{
    if (json_object_object_get_ex(obj, "QMP", NULL)) {
        mon->greeted = true;
        g_cond_broadcast(&mon->notify);
        json_object_put(obj);
    } else if (json_object_object_get_ex(obj, "event", NULL)) {
        qemuMonitorEmitEvent(mon, obj);
        json_object_put(obj);
    } else if (json_object_object_get_ex(obj, "return", NULL) ||
               json_object_object_get_ex(obj, "error", NULL)) {
        qemuMonitorDeliverReply(mon, obj);
    } else {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected message from QEMU monitor (vm='%1$s'): %2$s"),
                       mon->vmname, json_object_to_json_string(obj));
        json_object_put(obj);
        return -1;
    }
    return 0;
}


/* Parses and dispatches the complete line [@start, @nl) of @inbuf.
 * @mon must be locked.  Returns 0, or -1 with an error reported. */
static int
qemuMonitorIOProcessLine(qemuMonitor *mon, size_t start, const char *nl)
{
    const char *line = (const char *)mon->inbuf->data + start;
    size_t len = nl - line;
    json_object *obj;

    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;
    if (len > QEMU_MONITOR_MAX_MESSAGE) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU monitor message exceeds %1$d bytes (vm='%2$s')"),
                       QEMU_MONITOR_MAX_MESSAGE, mon->vmname);
        return -1;
    }
    VIR_DEBUG("mon=%p recv=%.*s", mon, (int)MIN(len, 4096), line);
    if (!(obj = qemuMonitorJSONParse(line, len)))
        return -1;
    return qemuMonitorDispatch(mon, obj);
}


/* Splits @inbuf into lines and dispatches each complete one, keeping an
 * incomplete tail for the next read.  @mon must be locked (it is dropped
 * while events are delivered; only this thread touches @inbuf).  Returns
 * OK, or ERROR with an error reported. */
static qemuMonitorIOResult
qemuMonitorIOProcess(qemuMonitor *mon)
{
    size_t start = 0;
    int rc = 0;

    while (!mon->closing && rc == 0) {
        const char *data = (const char *)mon->inbuf->data;
        size_t from = MAX(start, mon->scanned);
        const char *nl = memchr(data + from, '\n', mon->inbuf->len - from);

        if (!nl) {
            mon->scanned = mon->inbuf->len;
            break;
        }
        rc = qemuMonitorIOProcessLine(mon, start, nl);
        start = nl - data + 1;
    }
    if (rc < 0 || mon->closing)
        return rc < 0 ? QEMU_MONITOR_IO_ERROR : QEMU_MONITOR_IO_OK;
    g_byte_array_remove_range(mon->inbuf, 0, start);
    mon->scanned -= MIN(mon->scanned, start);
    if (mon->inbuf->len > QEMU_MONITOR_MAX_MESSAGE + 1) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU monitor message exceeds %1$d bytes (vm='%2$s')"),
                       QEMU_MONITOR_MAX_MESSAGE, mon->vmname);
        return QEMU_MONITOR_IO_ERROR;
    }
    return QEMU_MONITOR_IO_OK;
}


/* Tells the owner, once, that the monitor is dead.  Called with @mon
 * locked; drops the lock around the callback. */
static void
qemuMonitorNotifyFailure(qemuMonitor *mon, qemuMonitorIOResult res)
{
    void (*notify)(qemuMonitor *mon, void *opaque);

    if (!mon->ready || mon->notified || mon->closing || !mon->cb)
        return;
    mon->notified = true;
    notify = res == QEMU_MONITOR_IO_EOF ? mon->cb->eofNotify
                                        : mon->cb->errorNotify;
    if (!notify)
        return;
    VIR_DEBUG("mon=%p vm=%s notifying %s", mon, mon->vmname,
              res == QEMU_MONITOR_IO_EOF ? "EOF" : "error");
    mon->inCallback = true;
    virObjectUnlock(mon);
    notify(mon, mon->opaque);
    virObjectLock(mon);
    mon->inCallback = false;
}


/* Processes the input read into @inbuf, @res telling how the read went;
 * on EOF or an error fails the monitor and notifies its owner once.
 * @mon must be locked (dropped around callbacks).  Returns false once the
 * monitor stops reading. */
static bool
qemuMonitorIOInput(qemuMonitor *mon, qemuMonitorIOResult res)
{
    if (res == QEMU_MONITOR_IO_OK)
        res = qemuMonitorIOProcess(mon);
    if (res == QEMU_MONITOR_IO_OK || mon->closing)
        return true;
    if (res == QEMU_MONITOR_IO_EOF) {
        g_autofree char *detail = g_strdup_printf(
            _("End of file from qemu monitor (vm='%1$s')"), mon->vmname);

        VIR_DEBUG("mon=%p vm=%s EOF", mon, mon->vmname);
        qemuMonitorSetEndError(mon, detail);
    }
    qemuMonitorSetFailed(mon);
    qemuMonitorRemoveSource(&mon->writeSource);
    g_clear_pointer(&mon->readSource, g_source_unref);
    qemuMonitorNotifyFailure(mon, res);
    return false;
}


/* Event thread: input from QEMU (or hangup).  Its errors are the
 * monitor's (qemuMonitorSetFailed keeps the first): the thread's own
 * copy is dropped. */
static gboolean
qemuMonitorIOReadable(int fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                      gpointer opaque)
{
    qemuMonitor *mon = opaque;
    bool reading;

    virObjectLock(mon);
    if (mon->closing) {
        virObjectUnlock(mon);
        return G_SOURCE_REMOVE; /* qemuMonitorClose released the source */
    }
    reading = qemuMonitorIOInput(mon, qemuMonitorIORead(mon));
    virObjectUnlock(mon);
    virErrorResetLast();
    return reading ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}


static gboolean
qemuMonitorQuitLoop(gpointer opaque)
{
    g_main_loop_quit(opaque);
    return G_SOURCE_REMOVE;
}


/* The event thread.  It holds its own reference to @mon, so the object
 * outlives it whatever order things end in. */
static void
qemuMonitorThread(void *opaque)
{
    qemuMonitor *mon = opaque;

    g_main_context_push_thread_default(mon->context);
    g_main_loop_run(mon->loop);
    g_main_context_pop_thread_default(mon->context);

    virObjectLock(mon);
    if (mon->thread) {
        /* qemuMonitorClose found us inside a callback and could not wait
         * (the callback may be blocked on a lock its caller holds), so
         * nobody will join us: let GLib free the handle as we exit. */
        g_thread_unref(g_steal_pointer(&mon->thread));
    }
    virObjectUnlock(mon);
    virObjectUnref(mon);
}


/* Creates the object, without a socket or thread.  Caller owns the
 * single reference. */
static qemuMonitor *
qemuMonitorAlloc(const char *vmname, const qemuMonitorCallbacks *cb,
                 void *opaque)
{
    qemuMonitor *mon = virObjectLockableNew(sizeof(qemuMonitor), qemuMonitorDispose);

    mon->fd = -1;
    mon->vmname = g_strdup(vmname);
    mon->cb = cb;
    mon->opaque = opaque;
    mon->cmdTimeoutMs = QEMU_MONITOR_COMMAND_TIMEOUT_MS;
    g_cond_init(&mon->notify);
    mon->inbuf = g_byte_array_new();
    mon->outbuf = g_byte_array_new();
    mon->outFD = -1;
    mon->pending = g_hash_table_new(g_str_hash, g_str_equal);
    return mon;
}


/* Creates the object and starts its event thread on the connected @fd
 * (stolen).  Caller owns the single reference. */
static qemuMonitor *
qemuMonitorNew(int fd, const char *vmname, const qemuMonitorCallbacks *cb,
               void *opaque)
{
    qemuMonitor *mon = qemuMonitorAlloc(vmname, cb, opaque);
    g_autofree char *thname = g_strdup_printf("mon-%s", vmname);

    mon->fd = fd;
    mon->context = g_main_context_new();
    mon->loop = g_main_loop_new(mon->context, FALSE);

    mon->readSource = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(mon->readSource, G_SOURCE_FUNC(qemuMonitorIOReadable),
                          mon, NULL);
    g_source_attach(mon->readSource, mon->context);
    mon->thread = virThreadCreate(thname, qemuMonitorThread, virObjectRef(mon));
    VIR_DEBUG("mon=%p vm=%s fd=%d", mon, vmname, fd);
    return mon;
}


/* Waits until the event thread changes something (greeting, reply,
 * EOF, error) or @deadline passes.  A monitor without an event thread
 * (qemuMonitorOpenPump) calls its pump instead, which feeds input.
 * @mon must be locked.  Returns 0, or -1 once @deadline passed. */
static int
qemuMonitorWait(qemuMonitor *mon, long long deadline)
{
    if (mon->pump) {
        mon->pump(mon, mon->pumpOpaque);
        return virTimeMonotonicMs() < deadline ? 0 : -1;
    }
    return virCondWaitUntil(&mon->notify, virObjectGetLock(mon), deadline);
}


/* Waits for the greeting and negotiates capabilities.  @mon must be
 * locked.  Returns 0, or -1 with an error reported. */
static int
qemuMonitorHandshake(qemuMonitor *mon, long long deadline)
{
    g_autoptr(json_object) reply = NULL;

    while (!mon->greeted && !mon->lastError) {
        if (qemuMonitorWait(mon, deadline) < 0 &&
            !mon->greeted && !mon->lastError) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("no greeting from QEMU monitor (vm='%1$s')"),
                           mon->vmname);
            return -1;
        }
    }
    if (!mon->greeted) {
        virErrorSetLast(mon->lastError);
        return -1;
    }
    return qemuMonitorSend(mon,
                           qemuMonitorJSONMakeCommand("qmp_capabilities", NULL),
                           &reply, MAX(deadline - virTimeMonotonicMs(), 1));
}


/* Runs the handshake of the new @mon, whose reference it takes.  Returns
 * @mon ready for commands, or NULL with an error reported (@mon closed). */
static qemuMonitor *
qemuMonitorStart(qemuMonitor *mon, long long deadline)
{
    int rc;

    virObjectLock(mon);
    rc = qemuMonitorHandshake(mon, deadline);
    if (rc == 0)
        mon->ready = true;
    else
        mon->cb = NULL;
    virObjectUnlock(mon);
    if (rc < 0) {
        qemuMonitorClose(mon);
        return NULL;
    }
    return mon;
}


/*
 * qemuMonitorOpenFD:
 * @fd: a socket connected to QEMU's QMP server (stolen, closed on error)
 * @vmname: the domain name, for thread names and messages
 * @timeoutMs: how long the greeting and capabilities negotiation may take
 * @cb: callbacks (must outlive the monitor; a static table)
 * @opaque: passed to the callbacks; cb->destroy releases it when the
 *          monitor object is freed (not called if this fails)
 *
 * Starts the monitor's event thread, reads QEMU's greeting and sends
 * qmp_capabilities.  Blocks for the handshake only.  No callback is called
 * before this returns.  Returns the monitor (caller owns one reference,
 * given back with qemuMonitorClose) or NULL with an error reported.
 */
qemuMonitor *
qemuMonitorOpenFD(int fd, const char *vmname, long long timeoutMs,
                  const qemuMonitorCallbacks *cb, void *opaque)
{
    long long deadline = virTimeMonotonicMs() + timeoutMs;
    qemuMonitor *mon;

    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        virReportSystemError(errno, "%s", _("cannot make monitor socket non-blocking"));
        close(fd);
        return NULL;
    }
    mon = qemuMonitorNew(fd, vmname, cb, opaque);
    return qemuMonitorStart(mon, deadline);
}


/* Connects to @path, retrying while QEMU has not created or not yet
 * listened on it.  Returns the fd or -1 with an error reported. */
static int
qemuMonitorConnect(const char *path, int pidfd, long long deadline)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int ret;

    if (g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path)) >= sizeof(addr.sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Monitor path %1$s too big for destination"), path);
        return -1;
    }
    for (;;) {
        VIR_AUTOCLOSE fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        long long left;

        if (fd < 0) {
            virReportSystemError(errno, "%s", _("cannot create socket"));
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            ret = fd;
            fd = -1;
            return ret;
        }
        if (errno != ENOENT && errno != ECONNREFUSED && errno != EAGAIN) {
            virReportSystemError(errno, _("failed to connect to monitor socket '%1$s'"),
                                 path);
            return -1;
        }
        if ((left = deadline - virTimeMonotonicMs()) <= 0) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("monitor socket '%1$s' did not appear"), path);
            return -1;
        }
        /* Sleep a few ms, or less if QEMU dies meanwhile. */
        left = MIN(left, QEMU_MONITOR_CONNECT_RETRY_MS);
        if (pidfd < 0) {
            g_usleep(left * 1000);
        } else if ((ret = virProcessWaitPidfd(pidfd, left)) != 0) {
            if (ret > 0)
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("QEMU exited before its monitor socket '%1$s' was ready"),
                               path);
            return -1;
        }
    }
}


/*
 * qemuMonitorOpen:
 * @socketPath: QEMU's QMP unix socket (QEMU listens with server=on,wait=off)
 * @pidfd: QEMU's pidfd, or -1; if QEMU exits while we wait, we stop at once
 * @timeoutMs: bound on the whole connect + handshake
 *
 * Connects to @socketPath, retrying every few ms until QEMU has created it,
 * then as qemuMonitorOpenFD (same @vmname, @cb, @opaque and contract).
 */
qemuMonitor *
qemuMonitorOpen(const char *socketPath, const char *vmname, int pidfd,
                long long timeoutMs, const qemuMonitorCallbacks *cb,
                void *opaque)
{
    long long deadline = virTimeMonotonicMs() + timeoutMs;
    int fd;

    VIR_DEBUG("path=%s vm=%s pidfd=%d timeout=%lld", socketPath, vmname, pidfd,
              timeoutMs);
    if ((fd = qemuMonitorConnect(socketPath, pidfd, deadline)) < 0)
        return NULL;
    return qemuMonitorOpenFD(fd, vmname, MAX(deadline - virTimeMonotonicMs(), 1),
                             cb, opaque);
}


/*
 * qemuMonitorClose:
 * Shuts the monitor down: closes the socket, fails any command still
 * waiting ("QEMU monitor was closed"), stops the event thread and drops
 * the caller's reference.  From the moment it is called no callback
 * starts.  It joins the event thread unless that thread is inside a
 * callback right now: such a callback may be waiting for a lock our
 * caller holds (the domain lock), so we do not wait for it; it finishes
 * on its own and must re-check, under the domain lock, that this monitor
 * is still the domain's before acting.  May be called from a callback.
 * @mon must not be locked by the caller.  NULL is fine.  Reports nothing:
 * the calling thread's last error is left alone.
 */
void
qemuMonitorClose(qemuMonitor *mon)
{
    GThread *thread = NULL;
    GSource *quit;

    if (!mon)
        return;
    VIR_DEBUG("mon=%p vm=%s", mon, mon->vmname);
    virObjectLock(mon);
    mon->closing = true;
    qemuMonitorSetEndError(mon, _("QEMU monitor was closed"));
    qemuMonitorSetFailed(mon);
    qemuMonitorRemoveSource(&mon->readSource);
    qemuMonitorRemoveSource(&mon->writeSource);
    if (mon->fd >= 0)
        close(mon->fd);
    mon->fd = -1;

    /* Quit from inside the loop, so the quit cannot be lost by racing
     * the thread's g_main_loop_run(). */
    if (mon->context) {
        quit = g_idle_source_new();
        g_source_set_priority(quit, G_PRIORITY_HIGH);
        g_source_set_callback(quit, qemuMonitorQuitLoop,
                              g_main_loop_ref(mon->loop),
                              (GDestroyNotify)g_main_loop_unref);
        g_source_attach(quit, mon->context);
        g_source_unref(quit);
    }
    if (!mon->inCallback)
        thread = g_steal_pointer(&mon->thread);
    virObjectUnlock(mon);

    virThreadJoin(thread);
    virObjectUnref(mon);
}


/*
 * qemuMonitorSetCommandTimeout:
 * Sets how long the typed commands wait for a reply (default
 * QEMU_MONITOR_COMMAND_TIMEOUT_MS).  @mon must be locked.
 */
void
qemuMonitorSetCommandTimeout(qemuMonitor *mon, long long timeoutMs)
{
    mon->cmdTimeoutMs = timeoutMs;
}


/* Whether a command may be sent now.  @mon must be locked.  Returns 0, or
 * -1 with an error set (the monitor's own fatal error when it has one). */
static int
qemuMonitorCheckUsable(qemuMonitor *mon, const char *name)
{
    if (mon->lastError) {
        VIR_DEBUG("mon=%p not sending %s: %s", mon, name,
                  NULLSTR(mon->lastError->message));
        virErrorSetLast(mon->lastError);
        return -1;
    }
    if (g_thread_self() == mon->thread) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU command '%1$s' issued from the monitor's own thread"),
                       name);
        return -1;
    }
    return 0;
}


/* Waits until @msg is finished or @deadline.  @mon must be locked.  On
 * timeout @msg is withdrawn (a late reply is dropped) and -1 returned with
 * an error reported. */
static int
qemuMonitorWaitReply(qemuMonitor *mon, qemuMonitorMessage *msg,
                     const char *name, long long deadline)
{
    while (!msg->finished) {
        if (qemuMonitorWait(mon, deadline) < 0 &&
            !msg->finished) {
            g_hash_table_remove(mon->pending, msg->id);
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("QEMU did not answer command '%1$s' in time (vm='%2$s')"),
                           name, mon->vmname);
            return -1;
        }
    }
    return 0;
}


/* qemuMonitorSend with a descriptor passed along with @cmd's bytes
 * (@passFD >= 0, duplicated; ours stays open), or without (-1). */
static int
qemuMonitorSendInternal(qemuMonitor *mon, json_object *cmd, int passFD,
                        bool checkError, json_object **reply,
                        long long timeoutMs)
{
    g_autoptr(json_object) owned G_GNUC_UNUSED = cmd;
    g_autofree char *name = g_strdup(qemuMonitorJSONCommandName(cmd));
    g_autofree char *text = NULL;
    qemuMonitorMessage msg = { 0 };
    long long deadline;
    int rc;

    if (qemuMonitorCheckUsable(mon, name) < 0)
        return -1;
    if (passFD >= 0 && (mon->outFD >= 0 ||
                        (mon->outFD = fcntl(passFD, F_DUPFD_CLOEXEC, 0)) < 0)) {
        virReportSystemError(mon->outFD >= 0 ? EBUSY : errno,
                             _("cannot pass a descriptor to QEMU with '%1$s'"), name);
        return -1;
    }
    mon->outFDAt = mon->outbuf->len;
    deadline = virTimeMonotonicMs() + (timeoutMs < 0 ? mon->cmdTimeoutMs : timeoutMs);
    msg.id = g_strdup_printf("virtmig-%llu", ++mon->nextSerial);
    json_object_object_add(cmd, "id", json_object_new_string(msg.id));
    text = qemuMonitorJSONFormat(cmd);
    VIR_DEBUG("mon=%p send=%s%s", mon, text, passFD >= 0 ? " (with a descriptor)" : "");

    g_byte_array_append(mon->outbuf, (const guint8 *)text, strlen(text));
    g_byte_array_append(mon->outbuf, (const guint8 *)"\r\n", 2);
    g_hash_table_insert(mon->pending, msg.id, &msg);
    qemuMonitorUpdateWatch(mon);

    rc = qemuMonitorWaitReply(mon, &msg, name, deadline);
    if (passFD >= 0)
        virForceCloseHelper(&mon->outFD); /* not sent: timed out or failed */
    g_free(msg.id);
    if (rc < 0)
        return -1;
    if (!msg.reply) {
        virErrorSetLast(mon->lastError);
        return -1;
    }
    if (checkError && qemuMonitorJSONCheckError(name, msg.reply) < 0) {
        json_object_put(msg.reply);
        return -1;
    }
    *reply = msg.reply;
    return 0;
}


/*
 * qemuMonitorSend:
 * @cmd: the command object {"execute": ..., "arguments": ...} (stolen)
 * @reply: set to QEMU's reply object on success; caller owns it
 * @timeoutMs: how long to wait for the reply; < 0 means the monitor's
 *             command timeout
 *
 * Sends @cmd and waits for its reply.  @mon must be locked by the caller
 * (it is released while waiting), and the caller must hold a reference.
 * Returns 0 when QEMU answered with "return"; -1 with an error reported
 * on a QMP error ("unable to execute QEMU command '%s': %s"), a timeout
 * (VIR_ERR_OPERATION_TIMEOUT), EOF or any monitor failure.
 */
int
qemuMonitorSend(qemuMonitor *mon, json_object *cmd, json_object **reply,
                long long timeoutMs)
{
    return qemuMonitorSendInternal(mon, cmd, -1, true, reply, timeoutMs);
}


/*
 * qemuMonitorSendWithFD:
 * As qemuMonitorSend, passing a duplicate of @fd to QEMU with @cmd's
 * bytes (for "getfd"); the caller keeps @fd.
 */
int
qemuMonitorSendWithFD(qemuMonitor *mon, json_object *cmd, int fd,
                      json_object **reply, long long timeoutMs)
{
    return qemuMonitorSendInternal(mon, cmd, fd, true, reply, timeoutMs);
}


/*
 * qemuMonitorArbitraryCommand:
 * virDomainQemuMonitorCommand: sends @cmdText, a QMP command as the user
 * wrote it, and stores QEMU's whole reply as compact JSON in *@result
 * (caller owns), an error reply included: it is the user's to read.
 * With @hmp, @cmdText is a human monitor command line, and *@result its
 * output; a QMP error is reported then.  Returns 0 or -1 (reported).
 */
int
qemuMonitorArbitraryCommand(qemuMonitor *mon, const char *cmdText, bool hmp,
                            char **result)
{
    g_autoptr(json_object) reply = NULL;
    json_object *cmd;
    json_object *out;
    const char *text;

    if (hmp) {
        json_object *args = json_object_new_object();

        json_object_object_add(args, "command-line",
                               json_object_new_string(cmdText));
        if (!(out = qemuMonitorJSONCommand(mon, "human-monitor-command", args,
                                           json_type_string, &reply)))
            return -1;
        *result = g_strdup(json_object_get_string(out));
        return 0;
    }
    cmd = json_tokener_parse(cmdText);
    if (!cmd || !json_object_is_type(cmd, json_type_object)) {
        json_object_put(cmd);
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot parse json %1$s: not a JSON object"), cmdText);
        return -1;
    }
    if (qemuMonitorSendInternal(mon, cmd, -1, false, &reply, -1) < 0)
        return -1;
    text = json_object_to_json_string_ext(reply,
                                          JSON_C_TO_STRING_PLAIN |
                                              JSON_C_TO_STRING_NOSLASHESCAPE);
    *result = g_strdup(text);
    return 0;
}


/* ---- a monitor without socket or thread (qemu_monitorpriv.h) ---- */

/*
 * qemuMonitorOpenPump:
 * As qemuMonitorOpenFD, for a monitor with no socket and no event thread:
 * whenever a caller waits (greeting, reply), @pump(mon, @pumpOpaque) runs
 * on the caller's thread with @mon locked, and feeds what QEMU would have
 * written with qemuMonitorPumpInput or ends it with qemuMonitorPumpEOF;
 * commands pile up until qemuMonitorPumpTakeOutput.  Everything past the
 * socket (framing, parsing, greeting, reply matching, events, callbacks,
 * failures) is the code the event thread runs.  Each call of @pump must
 * feed input or end it.
 */
qemuMonitor *
qemuMonitorOpenPump(const char *vmname, long long timeoutMs,
                    const qemuMonitorCallbacks *cb, void *opaque,
                    qemuMonitorPumpFunc pump, void *pumpOpaque)
{
    long long deadline = virTimeMonotonicMs() + timeoutMs;
    qemuMonitor *mon = qemuMonitorAlloc(vmname, cb, opaque);

    mon->pump = pump;
    mon->pumpOpaque = pumpOpaque;
    return qemuMonitorStart(mon, deadline);
}


/*
 * qemuMonitorPumpInput:
 * Hands @len bytes of @data to @mon as if read from its socket (ignored
 * once the monitor stopped reading).  @mon must be locked: call it from
 * the pump.  The calling thread's last error is left alone.
 */
void
qemuMonitorPumpInput(qemuMonitor *mon, const char *data, size_t len)
{
    g_autoptr(virError) saved = NULL;

    if (mon->lastError)
        return;
    virErrorPreserveLast(&saved);
    g_byte_array_append(mon->inbuf, (const guint8 *)data, len);
    qemuMonitorIOInput(mon, QEMU_MONITOR_IO_OK);
    virErrorResetLast();
    virErrorRestore(&saved);
}


/*
 * qemuMonitorPumpEOF:
 * Ends @mon's input as QEMU closing its socket does.  @mon must be
 * locked: call it from the pump.
 */
void
qemuMonitorPumpEOF(qemuMonitor *mon)
{
    g_autoptr(virError) saved = NULL;

    if (mon->lastError)
        return;
    virErrorPreserveLast(&saved);
    qemuMonitorIOInput(mon, QEMU_MONITOR_IO_EOF);
    virErrorResetLast();
    virErrorRestore(&saved);
}


/*
 * qemuMonitorPumpTakeOutput:
 * Drops what @mon has queued for QEMU (its commands, one line each).
 * @mon must be locked.  Returns the number of bytes dropped.
 */
size_t
qemuMonitorPumpTakeOutput(qemuMonitor *mon)
{
    size_t len = mon->outbuf->len;

    g_byte_array_set_size(mon->outbuf, 0);
    return len;
}
