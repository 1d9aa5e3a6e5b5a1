/*
 * qemu_monitor_json.c: QMP commands, built and parsed with json-c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each typed command is a small function: build the arguments, send with
 * qemuMonitorSend, check the shape of "return", fill the caller's outputs.
 * Output parameters are written only on success.
 */
#include <config.h>

#include "qemu_monitor.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_json");

/*
 * qemuMonitorJSONMakeCommand:
 * Returns {"execute": @name} plus "arguments": @args when @args is not
 * NULL (stolen).  Caller owns the result.
 */
json_object *
qemuMonitorJSONMakeCommand(const char *name, json_object *args)
{
    json_object *cmd = json_object_new_object();

    json_object_object_add(cmd, "execute", json_object_new_string(name));
    if (args)
        json_object_object_add(cmd, "arguments", args);
    return cmd;
}


/*
 * qemuMonitorJSONCommandName:
 * The "execute" member of @cmd, or "<unknown>".  Borrowed from @cmd.
 */
const char *
qemuMonitorJSONCommandName(json_object *cmd)
{
    json_object *name = NULL;

    if (json_object_object_get_ex(cmd, "execute", &name) &&
        json_object_is_type(name, json_type_string))
        return json_object_get_string(name);
    return "<unknown>";
}


/*
 * qemuMonitorJSONFormat:
 * @obj as compact JSON on one line (QMP's framing), slashes unescaped.
 * Caller owns the result.
 */
char *
qemuMonitorJSONFormat(json_object *obj)
{
    return g_strdup(json_object_to_json_string_ext(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}


/*
 * qemuMonitorJSONParse:
 * Parses exactly one JSON object from the @len bytes at @data (trailing
 * white space allowed, nothing else).  Returns it (caller owns it) or NULL
 * with an error reported: what QEMU sent is not QMP.
 */
json_object *
qemuMonitorJSONParse(const char *data, size_t len)
{
    g_autoptr(json_object) obj = NULL;
    json_tokener *tok;
    enum json_tokener_error jerr = json_tokener_success;
    size_t used = 0;

    if (len > G_MAXINT || memchr(data, '\0', len)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot parse QEMU monitor message: not a JSON text"));
        return NULL;
    }
    tok = json_tokener_new();
    obj = json_tokener_parse_ex(tok, data, (int)len);
    jerr = json_tokener_get_error(tok);
    used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (used < len && g_ascii_isspace(data[used]))
        used++;
    if (jerr != json_tokener_success || !obj || used != len) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot parse QEMU monitor message: %1$s"),
                       jerr == json_tokener_success ? _("trailing data")
                                                    : json_tokener_error_desc(jerr));
        return NULL;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot parse QEMU monitor message: not a JSON object"));
        return NULL;
    }
    return g_steal_pointer(&obj);
}


/*
 * qemuMonitorJSONCheckError:
 * Reports QEMU's error in @reply to command @name the way libvirt words it
 * ("unable to execute QEMU command '%s': %s", VIR_ERR_INTERNAL_ERROR).
 * Returns 0 if @reply carries "return", else -1 (reported).
 */
int
qemuMonitorJSONCheckError(const char *name, json_object *reply)
{
    json_object *error = NULL;
    json_object *desc = NULL;

    if (json_object_object_get_ex(reply, "return", NULL))
        return 0;
    VIR_DEBUG("QEMU command %s failed: %s", name, json_object_to_json_string(reply));
    if (json_object_object_get_ex(reply, "error", &error) &&
        json_object_object_get_ex(error, "desc", &desc) &&
        json_object_is_type(desc, json_type_string)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unable to execute QEMU command '%1$s': %2$s"),
                       name, json_object_get_string(desc));
    } else {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unable to execute QEMU command '%1$s'"), name);
    }
    return -1;
}


/* Sends @name with @args (stolen, may be NULL) and checks that "return" is
 * of @type.  Returns the "return" value, borrowed from *@reply which the
 * caller owns, or NULL with an error reported. */
json_object *
qemuMonitorJSONCommand(qemuMonitor *mon, const char *name, json_object *args,
                       json_type type, json_object **reply)
{
    json_object *ret = NULL;

    if (qemuMonitorSend(mon, qemuMonitorJSONMakeCommand(name, args), reply, -1) < 0)
        return NULL;
    json_object_object_get_ex(*reply, "return", &ret);
    if (!json_object_is_type(ret, type)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected type returned by QEMU command '%1$s'"), name);
        return NULL;
    }
    return ret;
}


/* A command whose "return" is an empty object (@args stolen).  Returns 0
 * or -1 (reported). */
int
qemuMonitorJSONSimple(qemuMonitor *mon, const char *name, json_object *args)
{
    g_autoptr(json_object) reply = NULL;

    return qemuMonitorJSONCommand(mon, name, args, json_type_object, &reply) ? 0 : -1;
}


/* A command of argument {"id": @id} whose "return" is an empty object
 * (netdev_del, object-del, device_del ...).  Returns 0 or -1 (reported). */
int
qemuMonitorJSONSimpleID(qemuMonitor *mon, const char *name, const char *id)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "id", json_object_new_string(id));
    return qemuMonitorJSONSimple(mon, name, args);
}


/* @d as an unsigned number: negative and NaN become 0, anything at or
 * past 2^64 becomes ULLONG_MAX.  QEMU writes doubles the monitor cannot
 * trust to fit (a hostile or broken QEMU, "mbps": 1e300), and a plain cast
 * of an out-of-range double is undefined. */
static unsigned long long
qemuMonitorJSONDoubleToULL(double d)
{
    if (!(d > 0))
        return 0;
    if (d >= 18446744073709551616.0)
        return ULLONG_MAX;
    return (unsigned long long)d;
}


/* Member @key of @obj as an unsigned number; false if absent or not a
 * number (nothing reported). */
bool
qemuMonitorJSONGetULL(json_object *obj, const char *key, unsigned long long *val)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !(json_object_is_type(v, json_type_int) ||
          json_object_is_type(v, json_type_double)))
        return false;
    if (json_object_is_type(v, json_type_double))
        *val = qemuMonitorJSONDoubleToULL(json_object_get_double(v));
    else
        *val = json_object_get_uint64(v);
    return true;
}


/* Member @key of @obj if it is a string, else NULL.  Borrowed. */
const char *
qemuMonitorJSONGetString(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}


/* Member @key of @obj if it is a boolean; false if absent. */
static bool
qemuMonitorJSONGetBool(json_object *obj, const char *key, bool *val)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_boolean))
        return false;
    *val = json_object_get_boolean(v);
    return true;
}


/*
 * qemuMonitorGetStatus:
 * query-status: whether the vCPUs run, and QEMU's RunState string
 * ("prelaunch", "running", "paused", "inmigrate", "postmigrate", ...) in
 * *@retStatus (caller owns it; may be NULL).  @mon must be locked.
 * Returns 0 or -1 (reported).
 */
int
qemuMonitorGetStatus(qemuMonitor *mon, bool *retRunning, char **retStatus)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;
    const char *status;
    bool running;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-status", NULL,
                                       json_type_object, &reply)))
        return -1;
    if (!qemuMonitorJSONGetBool(ret, "running", &running) ||
        !(status = qemuMonitorJSONGetString(ret, "status"))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-status reply was missing running state"));
        return -1;
    }
    *retRunning = running;
    if (retStatus)
        *retStatus = g_strdup(status);
    return 0;
}


/* qemuMonitorStartCPUs: "cont".  @mon must be locked.  Returns 0 or -1. */
int
qemuMonitorStartCPUs(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "cont", NULL);
}


/* qemuMonitorStopCPUs: "stop".  @mon must be locked.  Returns 0 or -1. */
int
qemuMonitorStopCPUs(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "stop", NULL);
}


/* qemuMonitorSystemPowerdown: ACPI power button ("system_powerdown").
 * @mon must be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorSystemPowerdown(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "system_powerdown", NULL);
}


/* qemuMonitorSystemReset: "system_reset".  @mon must be locked.  Returns
 * 0 or -1 (reported). */
int
qemuMonitorSystemReset(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "system_reset", NULL);
}


/* qemuMonitorInjectNMI: "inject-nmi", an NMI to every vCPU.  @mon must
 * be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorInjectNMI(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "inject-nmi", NULL);
}


/* qemuMonitorQuit: "quit"; QEMU answers, then exits (the monitor then sees
 * EOF).  @mon must be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorQuit(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "quit", NULL);
}


/* The "mbps" member of @obj in bytes per second, 0 if absent. */
static unsigned long long
qemuMonitorJSONGetBps(json_object *obj)
{
    json_object *mbps = NULL;

    if (!json_object_object_get_ex(obj, "mbps", &mbps))
        return 0;
    return qemuMonitorJSONDoubleToULL(json_object_get_double(mbps) *
                                      (1000 * 1000 / 8));
}


/* Fills the "ram" part of @stats.  Returns 0 or -1 (reported). */
static int
qemuMonitorJSONParseMigrationRAM(json_object *ram, qemuMonitorMigrationStats *stats)
{

    if (!qemuMonitorJSONGetULL(ram, "transferred", &stats->ram_transferred) ||
        !qemuMonitorJSONGetULL(ram, "remaining", &stats->ram_remaining) ||
        !qemuMonitorJSONGetULL(ram, "total", &stats->ram_total)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("migration was active, but RAM 'transferred', 'remaining' or 'total' data was missing"));
        return -1;
    }
    stats->ram_set = true;
    stats->ram_bps = qemuMonitorJSONGetBps(ram);
    stats->ram_duplicate_set = qemuMonitorJSONGetULL(ram, "duplicate",
                                                     &stats->ram_duplicate);
    qemuMonitorJSONGetULL(ram, "normal", &stats->ram_normal);
    qemuMonitorJSONGetULL(ram, "normal-bytes", &stats->ram_normal_bytes);
    qemuMonitorJSONGetULL(ram, "dirty-pages-rate", &stats->ram_dirty_rate);
    qemuMonitorJSONGetULL(ram, "page-size", &stats->ram_page_size);
    qemuMonitorJSONGetULL(ram, "dirty-sync-count", &stats->ram_iteration);
    qemuMonitorJSONGetULL(ram, "postcopy-requests", &stats->ram_postcopy_reqs);
    return 0;
}


/* Fills the "disk" and "xbzrle-cache" parts of @stats (all optional). */
static void
qemuMonitorJSONParseMigrationOther(json_object *ret, qemuMonitorMigrationStats *stats)
{
    json_object *disk = NULL;
    json_object *xbzrle = NULL;

    if (json_object_object_get_ex(ret, "disk", &disk)) {
        stats->disk_set = true;
        qemuMonitorJSONGetULL(disk, "transferred", &stats->disk_transferred);
        qemuMonitorJSONGetULL(disk, "remaining", &stats->disk_remaining);
        qemuMonitorJSONGetULL(disk, "total", &stats->disk_total);
        stats->disk_bps = qemuMonitorJSONGetBps(disk);
    }
    if (json_object_object_get_ex(ret, "xbzrle-cache", &xbzrle)) {
        stats->xbzrle_set = true;
        qemuMonitorJSONGetULL(xbzrle, "cache-size", &stats->xbzrle_cache_size);
        qemuMonitorJSONGetULL(xbzrle, "bytes", &stats->xbzrle_bytes);
        qemuMonitorJSONGetULL(xbzrle, "pages", &stats->xbzrle_pages);
        qemuMonitorJSONGetULL(xbzrle, "cache-miss", &stats->xbzrle_cache_miss);
        qemuMonitorJSONGetULL(xbzrle, "overflow", &stats->xbzrle_overflow);
    }
}


/* Fills @stats from the "return" of query-migrate.  Returns 0 or -1. */
static int
qemuMonitorJSONParseMigrationStats(json_object *ret, qemuMonitorMigrationStats *stats)
{
    const char *status = qemuMonitorJSONGetString(ret, "status");
    json_object *ram = NULL;
    unsigned long long throttle = 0;
    int st = QEMU_MONITOR_MIGRATION_STATUS_NONE;

    /* No migration ever started: QEMU returns {}. */
    if (status && (st = qemuMonitorMigrationStatusTypeFromString(status)) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected migration status in %1$s"), status);
        return -1;
    }
    stats->status = st;
    stats->cpu_throttle_percentage = -1;
    qemuMonitorJSONGetULL(ret, "total-time", &stats->total_time);
    stats->setup_time_set = qemuMonitorJSONGetULL(ret, "setup-time", &stats->setup_time);
    stats->expected_downtime_set = qemuMonitorJSONGetULL(ret, "expected-downtime",
                                                         &stats->expected_downtime);
    if (st == QEMU_MONITOR_MIGRATION_STATUS_COMPLETED)
        stats->downtime_set = qemuMonitorJSONGetULL(ret, "downtime", &stats->downtime);
    else if ((stats->downtime_set = stats->expected_downtime_set))
        stats->downtime = stats->expected_downtime;
    if (qemuMonitorJSONGetULL(ret, "cpu-throttle-percentage", &throttle))
        stats->cpu_throttle_percentage = MIN(throttle, 100);
    if (json_object_object_get_ex(ret, "ram", &ram) &&
        qemuMonitorJSONParseMigrationRAM(ram, stats) < 0)
        return -1;
    qemuMonitorJSONParseMigrationOther(ret, stats);
    if (st == QEMU_MONITOR_MIGRATION_STATUS_FAILED)
        stats->error_desc = g_strdup(qemuMonitorJSONGetString(ret, "error-desc"));
    return 0;
}


/*
 * qemuMonitorGetMigrationStats:
 * query-migrate into *@retStats (overwritten on success; free its
 * error_desc with qemuMonitorMigrationStatsClear).  A QEMU that never
 * migrated reports status NONE.  @mon must be locked.  Returns 0 or -1.
 */
int
qemuMonitorGetMigrationStats(qemuMonitor *mon, qemuMonitorMigrationStats *retStats)
{
    g_autoptr(json_object) reply = NULL;
    qemuMonitorMigrationStats stats = { 0 };
    json_object *ret;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-migrate", NULL,
                                       json_type_object, &reply)))
        return -1;
    if (qemuMonitorJSONParseMigrationStats(ret, &stats) < 0) {
        qemuMonitorMigrationStatsClear(&stats);
        return -1;
    }
    *retStats = stats;
    return 0;
}


/* qemuMonitorMigrationStatsClear: frees what @stats owns and zeroes it. */
void
qemuMonitorMigrationStatsClear(qemuMonitorMigrationStats *stats)
{
    g_free(stats->error_desc);
    memset(stats, 0, sizeof(*stats));
}


/*
 * qemuMonitorMigrate:
 * Starts an outgoing migration to @uri ("tcp:host:port", "unix:/path",
 * "fd:name", ...) in the background (detach); @resume recovers a paused
 * post-copy migration.  Progress arrives as MIGRATION events.  @mon must
 * be locked.  Returns 0 or -1 (reported).
 */
int
qemuMonitorMigrate(qemuMonitor *mon, const char *uri, bool resume)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "detach", json_object_new_boolean(true));
    json_object_object_add(args, "resume", json_object_new_boolean(resume));
    json_object_object_add(args, "uri", json_object_new_string(uri));
    return qemuMonitorJSONSimple(mon, "migrate", args);
}


/**
 * qemuMonitorDumpGuestMemory:
 * "dump-guest-memory" of the guest's RAM (no paging) to @protocol
 * ("file:PATH", or "fd:NAME" of a descriptor given with "getfd") in
 * @format ("elf" when NULL, "kdump-zlib", "win-dmp"...).  With @detach
 * QEMU answers at once and sends DUMP_COMPLETED at the end; without, the
 * reply comes once the dump is written.  @mon must be locked.  Returns 0
 * or -1 (reported).
 */
int
qemuMonitorDumpGuestMemory(qemuMonitor *mon, const char *protocol,
                           const char *format, bool detach)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "paging", json_object_new_boolean(false));
    json_object_object_add(args, "protocol", json_object_new_string(protocol));
    if (format)
        json_object_object_add(args, "format", json_object_new_string(format));
    if (detach)
        json_object_object_add(args, "detach", json_object_new_boolean(true));
    return qemuMonitorJSONSimple(mon, "dump-guest-memory", args);
}


/**
 * qemuMonitorDumpFormats:
 * The formats "dump-guest-memory" of this QEMU writes, from
 * "query-dump-guest-memory-capability" (a NULL-terminated list the
 * caller frees).  @mon must be locked.  Returns NULL (reported) on
 * failure.
 */
char **
qemuMonitorDumpFormats(qemuMonitor *mon)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    json_object *ret;
    json_object *formats = NULL;
    size_t i;

    ret = qemuMonitorJSONCommand(mon, "query-dump-guest-memory-capability",
                                 NULL, json_type_object, &reply);
    if (!ret)
        return NULL;
    if (!json_object_object_get_ex(ret, "formats", &formats) ||
        !json_object_is_type(formats, json_type_array)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-dump-guest-memory-capability reply was missing 'formats'"));
        return NULL;
    }
    for (i = 0; i < json_object_array_length(formats); i++) {
        json_object *f = json_object_array_get_idx(formats, i);

        if (json_object_is_type(f, json_type_string))
            g_ptr_array_add(names, g_strdup(json_object_get_string(f)));
    }
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}


/* qemuMonitorSendFileHandle: "getfd": QEMU keeps a duplicate of @fd
 * under @fdname (for "fd:NAME" URIs, which consume it).  @mon must be
 * locked.  Returns 0 or -1 (reported). */
int
qemuMonitorSendFileHandle(qemuMonitor *mon, const char *fdname, int fd)
{
    json_object *args = json_object_new_object();
    g_autoptr(json_object) reply = NULL;

    json_object_object_add(args, "fdname", json_object_new_string(fdname));
    return qemuMonitorSendWithFD(mon, qemuMonitorJSONMakeCommand("getfd", args),
                                 fd, &reply, -1);
}


/* qemuMonitorCloseFileHandle: "closefd" of a descriptor "getfd" gave
 * QEMU and nothing consumed.  @mon must be locked.  Returns 0 or -1. */
int
qemuMonitorCloseFileHandle(qemuMonitor *mon, const char *fdname)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "fdname", json_object_new_string(fdname));
    return qemuMonitorJSONSimple(mon, "closefd", args);
}


/* qemuMonitorMigrateCancel: "migrate_cancel" (a no-op when nothing runs).
 * @mon must be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorMigrateCancel(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "migrate_cancel", NULL);
}


/* qemuMonitorMigrateIncoming: makes a QEMU started with -incoming defer
 * listen on @uri.  @mon must be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorMigrateIncoming(qemuMonitor *mon, const char *uri)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "uri", json_object_new_string(uri));
    return qemuMonitorJSONSimple(mon, "migrate-incoming", args);
}


/* qemuMonitorMigratePause: "migrate-pause", on either side of a
 * post-copy migration: shuts its migration channel down, so QEMU goes to
 * postcopy-paused (and can be recovered) instead of waiting for a dead
 * connection.  @mon must be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorMigratePause(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "migrate-pause", NULL);
}


/* qemuMonitorMigrateRecover: "migrate-recover" on the destination of a
 * paused post-copy migration: listens on @uri for the source's
 * "migrate" with resume.  @mon must be locked.  Returns 0 or -1
 * (reported). */
int
qemuMonitorMigrateRecover(qemuMonitor *mon, const char *uri)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "uri", json_object_new_string(uri));
    return qemuMonitorJSONSimple(mon, "migrate-recover", args);
}


/*
 * qemuMonitorMigrationCapNew:
 * A capability name and state, for qemuMonitorSetMigrationCapabilities.
 * Caller owns the result (qemuMonitorMigrationCapFree).
 */
qemuMonitorMigrationCap *
qemuMonitorMigrationCapNew(const char *name, bool state)
{
    qemuMonitorMigrationCap *cap = g_new0(qemuMonitorMigrationCap, 1);

    cap->name = g_strdup(name);
    cap->state = state;
    return cap;
}


/* qemuMonitorMigrationCapFree: frees @cap (NULL is fine). */
void
qemuMonitorMigrationCapFree(qemuMonitorMigrationCap *cap)
{
    if (!cap)
        return;
    g_free(cap->name);
    g_free(cap);
}


/*
 * qemuMonitorGetMigrationCapabilities:
 * query-migrate-capabilities: every capability QEMU knows with its current
 * state, as a GPtrArray of qemuMonitorMigrationCap in *@retCaps (caller
 * owns it; it frees its elements).  @mon must be locked.  Returns 0 or -1.
 */
int
qemuMonitorGetMigrationCapabilities(qemuMonitor *mon, GPtrArray **retCaps)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GPtrArray) caps = NULL;
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-migrate-capabilities", NULL,
                                       json_type_array, &reply)))
        return -1;
    caps = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMonitorMigrationCapFree);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *cap = json_object_array_get_idx(ret, i);
        const char *name = qemuMonitorJSONGetString(cap, "capability");
        bool state = false;

        if (!name || !qemuMonitorJSONGetBool(cap, "state", &state)) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("missing migration capability name or state"));
            return -1;
        }
        g_ptr_array_add(caps, qemuMonitorMigrationCapNew(name, state));
    }
    *retCaps = g_steal_pointer(&caps);
    return 0;
}


/*
 * qemuMonitorSetMigrationCapabilities:
 * migrate-set-capabilities with each qemuMonitorMigrationCap of @caps
 * (borrowed).  @mon must be locked.  Returns 0 or -1 (reported).
 */
int
qemuMonitorSetMigrationCapabilities(qemuMonitor *mon, GPtrArray *caps)
{
    json_object *args = json_object_new_object();
    json_object *list = json_object_new_array();
    size_t i;

    for (i = 0; i < caps->len; i++) {
        const qemuMonitorMigrationCap *cap = g_ptr_array_index(caps, i);
        json_object *item = json_object_new_object();

        json_object_object_add(item, "capability", json_object_new_string(cap->name));
        json_object_object_add(item, "state", json_object_new_boolean(cap->state));
        json_object_array_add(list, item);
    }
    json_object_object_add(args, "capabilities", list);
    return qemuMonitorJSONSimple(mon, "migrate-set-capabilities", args);
}


/*
 * qemuMonitorGetMigrationParams:
 * query-migrate-parameters; *@retParams is QEMU's object as is (caller
 * owns it).  @mon must be locked.  Returns 0 or -1 (reported).
 */
int
qemuMonitorGetMigrationParams(qemuMonitor *mon, json_object **retParams)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-migrate-parameters", NULL,
                                       json_type_object, &reply)))
        return -1;
    *retParams = json_object_get(ret);
    return 0;
}


/*
 * qemuMonitorSetMigrationParams:
 * migrate-set-parameters with @params, an object the caller built (stolen).
 * @mon must be locked.  Returns 0 or -1 (reported).
 */
int
qemuMonitorSetMigrationParams(qemuMonitor *mon, json_object *params)
{
    return qemuMonitorJSONSimple(mon, "migrate-set-parameters", params);
}


/**
 * qemuMonitorAddObject:
 * object-add of the QOM object described by @props (stolen): its
 * "qom-type", "id" and properties.  @mon must be locked.  Returns 0 or
 * -1 (reported).
 */
int
qemuMonitorAddObject(qemuMonitor *mon, json_object *props)
{
    return qemuMonitorJSONSimple(mon, "object-add", props);
}


/* qemuMonitorDelObject: object-del of @id.  @mon must be locked.
 * Returns 0 or -1 (reported). */
int
qemuMonitorDelObject(qemuMonitor *mon, const char *id)
{
    return qemuMonitorJSONSimpleID(mon, "object-del", id);
}


/* qemuMonitorMigrateStartPostCopy: switches a running migration to
 * post-copy.  @mon must be locked.  Returns 0 or -1 (reported). */
int
qemuMonitorMigrateStartPostCopy(qemuMonitor *mon)
{
    return qemuMonitorJSONSimple(mon, "migrate-start-postcopy", NULL);
}


/*
 * qemuMonitorMigrateContinue:
 * migrate-continue: lets a migration paused in @status (normally
 * PRE_SWITCHOVER) go on.  @mon must be locked.  Returns 0 or -1.
 */
int
qemuMonitorMigrateContinue(qemuMonitor *mon, qemuMonitorMigrationStatus status)
{
    const char *state = qemuMonitorMigrationStatusTypeToString(status);
    json_object *args;

    if (!state) {
        virReportEnumRangeError(qemuMonitorMigrationStatus, status);
        return -1;
    }
    args = json_object_new_object();
    json_object_object_add(args, "state", json_object_new_string(state));
    return qemuMonitorJSONSimple(mon, "migrate-continue", args);
}


/*
 * qemuMonitorGetVersion:
 * query-version: QEMU's version numbers and package string (*@retPackage,
 * caller owns it; may be NULL).  @mon must be locked.  Returns 0 or -1.
 */
int
qemuMonitorGetVersion(qemuMonitor *mon, unsigned int *retMajor,
                      unsigned int *retMinor, unsigned int *retMicro,
                      char **retPackage)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;
    json_object *qemu = NULL;
    unsigned long long major;
    unsigned long long minor;
    unsigned long long micro;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-version", NULL,
                                       json_type_object, &reply)))
        return -1;
    if (!json_object_object_get_ex(ret, "qemu", &qemu) ||
        !qemuMonitorJSONGetULL(qemu, "major", &major) ||
        !qemuMonitorJSONGetULL(qemu, "minor", &minor) ||
        !qemuMonitorJSONGetULL(qemu, "micro", &micro)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-version reply was missing version numbers"));
        return -1;
    }
    *retMajor = major;
    *retMinor = minor;
    *retMicro = micro;
    if (retPackage)
        *retPackage = g_strdup(qemuMonitorJSONGetString(ret, "package"));
    return 0;
}


/* qemuMonitorMachineInfoFree: frees @info (NULL is fine). */
void
qemuMonitorMachineInfoFree(qemuMonitorMachineInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_free(info->alias);
    g_free(info->defaultCPU);
    g_free(info->defaultRAMid);
    g_free(info);
}


/* One entry of query-machines, or NULL with an error reported. */
static qemuMonitorMachineInfo *
qemuMonitorJSONParseMachine(json_object *obj)
{
    g_autoptr(qemuMonitorMachineInfo) info = g_new0(qemuMonitorMachineInfo, 1);
    const char *name = qemuMonitorJSONGetString(obj, "name");
    unsigned long long maxCpus = 0;

    if (!name) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("query-machines reply data was missing 'name'"));
        return NULL;
    }
    info->name = g_strdup(name);
    info->alias = g_strdup(qemuMonitorJSONGetString(obj, "alias"));
    info->defaultCPU = g_strdup(qemuMonitorJSONGetString(obj, "default-cpu-type"));
    info->defaultRAMid = g_strdup(qemuMonitorJSONGetString(obj, "default-ram-id"));
    qemuMonitorJSONGetBool(obj, "is-default", &info->isDefault);
    qemuMonitorJSONGetBool(obj, "hotpluggable-cpus", &info->hotplugCpus);
    qemuMonitorJSONGetBool(obj, "deprecated", &info->deprecated);
    if (qemuMonitorJSONGetULL(obj, "cpu-max", &maxCpus))
        info->maxCpus = MIN(maxCpus, G_MAXUINT);
    return g_steal_pointer(&info);
}


/*
 * qemuMonitorGetMachines:
 * query-machines as a GPtrArray of qemuMonitorMachineInfo in
 * *@retMachines (caller owns it; it frees its elements).  @mon must be
 * locked.  Returns 0 or -1 (reported).
 */
int
qemuMonitorGetMachines(qemuMonitor *mon, GPtrArray **retMachines)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GPtrArray) machines = NULL;
    json_object *ret;
    size_t i;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-machines", NULL,
                                       json_type_array, &reply)))
        return -1;
    machines = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMonitorMachineInfoFree);
    for (i = 0; i < json_object_array_length(ret); i++) {
        qemuMonitorMachineInfo *info;

        if (!(info = qemuMonitorJSONParseMachine(json_object_array_get_idx(ret, i))))
            return -1;
        g_ptr_array_add(machines, info);
    }
    *retMachines = g_steal_pointer(&machines);
    return 0;
}


/*
 * qemuMonitorGetCPUCount:
 * The number of vCPUs QEMU runs (query-cpus-fast).  @mon must be locked.
 * Returns 0 or -1 (reported).
 */
int
qemuMonitorGetCPUCount(qemuMonitor *mon, unsigned int *retCount)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret;

    if (!(ret = qemuMonitorJSONCommand(mon, "query-cpus-fast", NULL,
                                       json_type_array, &reply)))
        return -1;
    *retCount = json_object_array_length(ret);
    return 0;
}
