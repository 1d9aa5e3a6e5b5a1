/*
 * virlog.c: logging with libvirt-style levels, filters and outputs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "virlog.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef struct {
    char *match;    /* pattern "*name*" */
    int priority;
} virLogFilter;

typedef enum {
    VIR_LOG_TO_STDERR,
    VIR_LOG_TO_FILE,
} virLogDestination;

typedef struct {
    int priority;
    virLogDestination dest;
    char *path;
    int fd;
} virLogOutput;

static GMutex virLogMutex;
static int virLogDefaultPriority = VIR_LOG_WARN;
static GPtrArray *virLogFilters;   /* of virLogFilter* */
static GPtrArray *virLogOutputs;   /* of virLogOutput*; NULL = stderr */
static gint virLogFiltersSerial = 1;


static void
virLogFilterFree(virLogFilter *f)
{
    g_free(f->match);
    g_free(f);
}


static void
virLogOutputFree(virLogOutput *o)
{
    if (o->fd > STDERR_FILENO)
        close(o->fd);
    g_free(o->path);
    g_free(o);
}


/*
 * virLogSourceEnabled:
 * Cheap check done before formatting a message: the per-source priority is
 * recomputed only when the filters changed since it was last cached.
 */
bool
virLogSourceEnabled(virLogSource *src, int priority)
{
    unsigned int serial = g_atomic_int_get(&virLogFiltersSerial);

    /* The cache is read and refreshed by any thread: atomics keep it
     * race-free; a stale read only costs one more refresh. */
    if ((unsigned int)g_atomic_int_get((gint *)&src->serial) != serial) {
        int prio = virLogDefaultPriority;
        guint i;

        g_mutex_lock(&virLogMutex);
        for (i = 0; virLogFilters && i < virLogFilters->len; i++) {
            virLogFilter *f = g_ptr_array_index(virLogFilters, i);
            if (g_pattern_match_simple(f->match, src->name)) {
                prio = f->priority;
                break;
            }
        }
        g_mutex_unlock(&virLogMutex);
        g_atomic_int_set(&src->priority, prio);
        g_atomic_int_set((gint *)&src->serial, serial);
        return priority >= prio;
    }
    return priority >= g_atomic_int_get(&src->priority);
}


static const char *
virLogPriorityString(int priority)
{
    switch ((virLogPriority)priority) {
    case VIR_LOG_DEBUG:
        return "debug";
    case VIR_LOG_INFO:
        return "info";
    case VIR_LOG_WARN:
        return "warning";
    case VIR_LOG_ERROR:
        return "error";
    }
    return "unknown";
}


static void
virLogWriteFd(int fd, const char *line, size_t len)
{
    /* A failing log output must not fail the caller; nothing to do. */
    if (write(fd, line, len) < 0)
        return;
}


static void
virLogWriteLine(const char *line, size_t len, int priority)
{
    guint i;

    g_mutex_lock(&virLogMutex);
    if (!virLogOutputs || virLogOutputs->len == 0) {
        if (priority >= virLogDefaultPriority)
            virLogWriteFd(STDERR_FILENO, line, len);
    } else {
        for (i = 0; i < virLogOutputs->len; i++) {
            virLogOutput *o = g_ptr_array_index(virLogOutputs, i);
            if (priority >= o->priority)
                virLogWriteFd(o->fd, line, len);
        }
    }
    g_mutex_unlock(&virLogMutex);
}


/**
 * virLogMessage:
 * Formats one log line with a UTC timestamp, the thread id, the priority
 * and the source location, and writes it to every output whose priority
 * allows it.  Callers normally use the VIR_DEBUG/INFO/WARN/ERROR macros.
 */
void
virLogMessage(const char *category G_GNUC_UNUSED, int priority,
              const char *filename G_GNUC_UNUSED, size_t linenr,
              const char *funcname, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *line = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    line = g_strdup_printf("%s.%03d+0000: %d: %s : %s:%zu : %s\n", stamp,
                           g_date_time_get_microsecond(now) / 1000,
                           (int)gettid(), virLogPriorityString(priority),
                           funcname, linenr, msg);
    virLogWriteLine(line, strlen(line), priority);
}


int
virLogSetDefaultPriority(int priority)
{
    if (priority < VIR_LOG_DEBUG || priority > VIR_LOG_ERROR) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("Failed to set logging priority, argument '%1$d' is invalid"),
                       priority);
        return -1;
    }
    virLogDefaultPriority = priority;
    g_atomic_int_inc(&virLogFiltersSerial);
    return 0;
}


int
virLogGetDefaultPriority(void)
{
    return virLogDefaultPriority;
}


/* Parses "N:" at the start of @spec into *@prio; returns the rest or NULL. */
static const char *
virLogParsePriority(const char *spec)
{
    if (spec[0] < '1' || spec[0] > '4' || spec[1] != ':')
        return NULL;
    return spec + 2;
}


/**
 * virLogSetFilters:
 * Replaces the filters with those of @filters, e.g. "1:qemu 3:rpc": a
 * category whose name contains "qemu" logs from debug up.  A leading "+" on
 * the name is accepted and ignored (libvirt uses it for stack traces).
 */
int
virLogSetFilters(const char *filters)
{
    g_auto(GStrv) words = g_strsplit_set(filters ? filters : "", " \t\n", -1);
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)virLogFilterFree);
    char **w;

    for (w = words; *w; w++) {
        const char *name;
        virLogFilter *f;

        if (!**w)
            continue;
        if (!(name = virLogParsePriority(*w)) || !*name) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("Invalid log filter '%1$s': expected 'level:name' with level 1-4"),
                           *w);
            return -1;
        }
        if (*name == '+')
            name++;
        f = g_new0(virLogFilter, 1);
        f->priority = (*w)[0] - '0';
        f->match = g_strdup_printf("*%s*", name);
        g_ptr_array_add(list, f);
    }

    g_mutex_lock(&virLogMutex);
    g_clear_pointer(&virLogFilters, g_ptr_array_unref);
    virLogFilters = g_steal_pointer(&list);
    g_mutex_unlock(&virLogMutex);
    g_atomic_int_inc(&virLogFiltersSerial);
    return 0;
}


static virLogOutput *
virLogOutputParse(const char *spec)
{
    const char *rest = virLogParsePriority(spec);
    g_autofree virLogOutput *o = g_new0(virLogOutput, 1);

    if (!rest) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("Invalid log output '%1$s': expected 'level:stderr' or 'level:file:PATH'"),
                       spec);
        return NULL;
    }
    o->priority = spec[0] - '0';
    if (STREQ(rest, "stderr")) {
        o->dest = VIR_LOG_TO_STDERR;
        o->fd = STDERR_FILENO;
    } else if (STRPREFIX(rest, "file:") && rest[5] == '/') {
        o->dest = VIR_LOG_TO_FILE;
        o->path = g_strdup(rest + 5);
        o->fd = open(o->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (o->fd < 0) {
            virReportSystemError(errno, _("failed to open log file '%1$s'"),
                                 o->path);
            g_free(o->path);
            return NULL;
        }
    } else {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("Unsupported log output '%1$s': use stderr or file:ABSOLUTE-PATH"),
                       spec);
        return NULL;
    }
    return g_steal_pointer(&o);
}


/**
 * virLogSetOutputs:
 * Replaces the outputs with those of @outputs ("1:stderr 2:file:/var/log/x").
 * Nothing changes if any entry is invalid.
 */
int
virLogSetOutputs(const char *outputs)
{
    g_auto(GStrv) words = g_strsplit_set(outputs ? outputs : "", " \t\n", -1);
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)virLogOutputFree);
    char **w;

    for (w = words; *w; w++) {
        virLogOutput *o;

        if (!**w)
            continue;
        if (!(o = virLogOutputParse(*w)))
            return -1;
        g_ptr_array_add(list, o);
    }

    g_mutex_lock(&virLogMutex);
    g_clear_pointer(&virLogOutputs, g_ptr_array_unref);
    virLogOutputs = g_steal_pointer(&list);
    g_mutex_unlock(&virLogMutex);
    return 0;
}


char *
virLogGetOutputs(void)
{
    GString *s = g_string_new(NULL);
    guint i;

    g_mutex_lock(&virLogMutex);
    for (i = 0; virLogOutputs && i < virLogOutputs->len; i++) {
        virLogOutput *o = g_ptr_array_index(virLogOutputs, i);
        if (s->len)
            g_string_append_c(s, ' ');
        if (o->dest == VIR_LOG_TO_STDERR)
            g_string_append_printf(s, "%d:stderr", o->priority);
        else
            g_string_append_printf(s, "%d:file:%s", o->priority, o->path);
    }
    g_mutex_unlock(&virLogMutex);
    return g_string_free(s, FALSE);
}


char *
virLogGetFilters(void)
{
    GString *s = g_string_new(NULL);
    guint i;

    g_mutex_lock(&virLogMutex);
    for (i = 0; virLogFilters && i < virLogFilters->len; i++) {
        virLogFilter *f = g_ptr_array_index(virLogFilters, i);
        g_autofree char *name = g_strndup(f->match + 1, strlen(f->match) - 2);
        g_string_append_printf(s, "%s%d:%s", s->len ? " " : "", f->priority,
                               name);
    }
    g_mutex_unlock(&virLogMutex);
    return g_string_free(s, FALSE);
}


/* Back to defaults: warnings to stderr, no filters. */
void
virLogReset(void)
{
    g_mutex_lock(&virLogMutex);
    g_clear_pointer(&virLogFilters, g_ptr_array_unref);
    g_clear_pointer(&virLogOutputs, g_ptr_array_unref);
    virLogDefaultPriority = VIR_LOG_WARN;
    g_mutex_unlock(&virLogMutex);
    g_atomic_int_inc(&virLogFiltersSerial);
}
