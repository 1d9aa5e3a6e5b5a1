/*
 * virhostinfo.c: facts about the host (CPUs, memory, NUMA cells, name)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "virhostinfo.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("util.hostinfo");

#define SYSFS_CPU "/sys/devices/system/cpu"
#define SYSFS_NODE "/sys/devices/system/node"
#define PROC_CPUINFO "/proc/cpuinfo"
#define PROC_MEMINFO "/proc/meminfo"
#define HOSTINFO_FILE_MAX (1024 * 1024)

static int
virHostInfoCompareUInt(gconstpointer a, gconstpointer b)
{
    unsigned int x = *(const unsigned int *)a;
    unsigned int y = *(const unsigned int *)b;

    return x < y ? -1 : x > y;
}


/**
 * virHostInfoParseCPUList:
 * Parses a kernel CPU list such as "0-3,8,10-11" into *@cpus, a sorted
 * GArray of unsigned int without duplicates that the caller owns.  An
 * empty list gives an empty array.  Returns 0, or -1 with
 * VIR_ERR_INTERNAL_ERROR reported for a malformed list.
 */
int
virHostInfoParseCPUList(const char *str, GArray **cpus)
{
    g_autoptr(GArray) ret = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_autofree char *copy = g_strstrip(g_strdup(str));
    g_auto(GStrv) parts = g_strsplit(copy, ",", -1);
    size_t i;

    for (i = 0; *copy && parts[i]; i++) {
        g_auto(GStrv) range = g_strsplit(parts[i], "-", 2);
        guint64 lo;
        guint64 hi;
        unsigned int c;

        if (!range[0] ||
            !g_ascii_string_to_unsigned(range[0], 10, 0, 65535, &lo, NULL) ||
            !g_ascii_string_to_unsigned(range[1] ? range[1] : range[0], 10,
                                        lo, 65535, &hi, NULL)) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("malformed CPU list '%1$s'"), str);
            return -1;
        }
        for (c = lo; c <= hi; c++)
            g_array_append_val(ret, c);
    }
    g_array_sort(ret, virHostInfoCompareUInt);
    for (i = 1; i < ret->len; i++) {
        if (g_array_index(ret, unsigned int, i) ==
            g_array_index(ret, unsigned int, i - 1))
            g_array_remove_index(ret, i--);
    }
    *cpus = g_steal_pointer(&ret);
    return 0;
}


/* Reads a small sysfs/procfs file; NULL (with a debug log) when absent. */
static char *
virHostInfoReadFile(const char *path)
{
    g_autofree char *buf = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(path, &buf, NULL, &gerr)) {
        VIR_DEBUG("cannot read %s: %s", path, gerr->message);
        return NULL;
    }
    return g_steal_pointer(&buf);
}


static int
virHostInfoReadInt(const char *path, int dflt)
{
    g_autofree char *buf = virHostInfoReadFile(path);
    gint64 v;

    if (!buf || !g_ascii_string_to_signed(g_strstrip(buf), 10, G_MININT,
                                          G_MAXINT, &v, NULL))
        return dflt;
    return v;
}


static GArray *
virHostInfoReadCPUList(const char *path)
{
    g_autofree char *buf = virHostInfoReadFile(path);
    GArray *cpus = NULL;

    if (!buf || virHostInfoParseCPUList(buf, &cpus) < 0)
        return NULL;
    return cpus;
}


static bool
virHostInfoCPUListHas(GArray *list, unsigned int cpu)
{
    size_t i;

    for (i = 0; list && i < list->len; i++) {
        if (g_array_index(list, unsigned int, i) == cpu)
            return true;
    }
    return false;
}


static void
virHostInfoCPUClear(gpointer p)
{
    virHostInfoCPU *cpu = p;

    g_free(cpu->siblings);
}


static void
virHostInfoCellFree(virHostInfoCell *cell)
{
    if (!cell)
        return;
    if (cell->cpus)
        g_array_unref(cell->cpus);
    g_free(cell);
}


/* Frees @info; accepts NULL. */
void
virHostInfoFree(virHostInfo *info)
{
    if (!info)
        return;
    g_free(info->cpuModel);
    g_free(info->cpuVendor);
    g_free(info->cpuFlags);
    if (info->cells)
        g_ptr_array_unref(info->cells);
    g_free(info);
}


/* Topology of one online CPU from /sys/devices/system/cpu/cpuN/topology. */
static void
virHostInfoCPURead(unsigned int id, virHostInfoCPU *cpu)
{
    g_autofree char *dir = g_strdup_printf(SYSFS_CPU "/cpu%u/topology", id);
    g_autofree char *p = NULL;

    cpu->id = id;
    p = g_build_filename(dir, "physical_package_id", NULL);
    cpu->socket = virHostInfoReadInt(p, -1);
    g_free(p);
    p = g_build_filename(dir, "die_id", NULL);
    cpu->die = MAX(virHostInfoReadInt(p, 0), 0);
    g_free(p);
    p = g_build_filename(dir, "core_id", NULL);
    cpu->core = virHostInfoReadInt(p, -1);
    g_free(p);
    p = g_build_filename(dir, "thread_siblings_list", NULL);
    cpu->siblings = virHostInfoReadFile(p);
    if (cpu->siblings)
        g_strstrip(cpu->siblings);
    else
        cpu->siblings = g_strdup_printf("%u", id);
}


static unsigned int
virHostInfoCountList(const char *list)
{
    g_autoptr(GArray) cpus = NULL;

    if (virHostInfoParseCPUList(list, &cpus) < 0) {
        virErrorResetLast();
        return 1;
    }
    return MAX(cpus->len, 1);
}


/* Online CPUs of the cell whose CPU list is @list (NULL: all online). */
static GArray *
virHostInfoCellCPUs(GArray *list, GArray *online)
{
    GArray *cpus = g_array_new(FALSE, TRUE, sizeof(virHostInfoCPU));
    size_t i;

    g_array_set_clear_func(cpus, virHostInfoCPUClear);
    for (i = 0; i < (list ? list : online)->len; i++) {
        unsigned int id = g_array_index(list ? list : online, unsigned int, i);
        virHostInfoCPU cpu = { 0 };

        if (!virHostInfoCPUListHas(online, id))
            continue;
        virHostInfoCPURead(id, &cpu);
        g_array_append_val(cpus, cpu);
    }
    return cpus;
}


static unsigned long long
virHostInfoMeminfoKiB(const char *path, const char *key)
{
    g_autofree char *buf = virHostInfoReadFile(path);
    g_auto(GStrv) lines = buf ? g_strsplit(buf, "\n", -1) : NULL;
    size_t i;

    for (i = 0; lines && lines[i]; i++) {
        const char *p = strstr(lines[i], key);

        if (p)
            return g_ascii_strtoull(p + strlen(key), NULL, 10);
    }
    return 0;
}


/* NUMA cells from /sys/devices/system/node; one cell holding every online
 * CPU and all memory when the host has no NUMA information. */
static GPtrArray *
virHostInfoProbeCells(GArray *online)
{
    GPtrArray *cells = g_ptr_array_new_with_free_func((GDestroyNotify)virHostInfoCellFree);
    g_autoptr(GArray) nodes = virHostInfoReadCPUList(SYSFS_NODE "/online");
    size_t i;

    for (i = 0; nodes && i < nodes->len; i++) {
        unsigned int id = g_array_index(nodes, unsigned int, i);
        g_autofree char *cpulist = g_strdup_printf(SYSFS_NODE "/node%u/cpulist", id);
        g_autofree char *meminfo = g_strdup_printf(SYSFS_NODE "/node%u/meminfo", id);
        g_autoptr(GArray) list = virHostInfoReadCPUList(cpulist);
        virHostInfoCell *cell = g_new0(virHostInfoCell, 1);

        if (!list) /* a cell without CPUs (memory only) */
            list = g_array_new(FALSE, FALSE, sizeof(unsigned int));
        cell->id = id;
        cell->memory = virHostInfoMeminfoKiB(meminfo, "MemTotal:");
        cell->cpus = virHostInfoCellCPUs(list, online);
        g_ptr_array_add(cells, cell);
    }
    if (cells->len == 0) {
        virHostInfoCell *cell = g_new0(virHostInfoCell, 1);

        cell->memory = virHostInfoMeminfoKiB(PROC_MEMINFO, "MemTotal:");
        cell->cpus = virHostInfoCellCPUs(NULL, online);
        g_ptr_array_add(cells, cell);
    }
    return cells;
}


/* The value of "key : value" lines of /proc/cpuinfo; the last one wins
 * (libvirt reads the frequency that way too).  Caller owns the result. */
static char *
virHostInfoCpuinfoValue(const char *cpuinfo, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);
    char *ret = NULL;
    size_t i;

    for (i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');

        if (!colon || !STRPREFIX(lines[i], key))
            continue;
        *colon = '\0';
        if (STRNEQ(g_strstrip(lines[i]), key))
            continue;
        g_free(ret);
        ret = g_strdup(g_strstrip(colon + 1));
    }
    return ret;
}


typedef enum {
    VIR_HOST_INFO_FIELD_SOCKET,
    VIR_HOST_INFO_FIELD_DIE,
    VIR_HOST_INFO_FIELD_CORE,
} virHostInfoField;

/* Distinct values of @field over the CPUs of every cell (only those of
 * @socket when it is not -1); at least 1. */
static unsigned int
virHostInfoCountDistinct(GPtrArray *cells, virHostInfoField field, int socket)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    size_t i;
    size_t j;

    for (i = 0; i < cells->len; i++) {
        virHostInfoCell *cell = g_ptr_array_index(cells, i);

        for (j = 0; j < cell->cpus->len; j++) {
            virHostInfoCPU *cpu = &g_array_index(cell->cpus, virHostInfoCPU, j);
            int v = field == VIR_HOST_INFO_FIELD_SOCKET ? cpu->socket :
                    field == VIR_HOST_INFO_FIELD_DIE ? cpu->die : cpu->core;

            if (socket < 0 || cpu->socket == socket)
                g_hash_table_add(seen, GINT_TO_POINTER(v + 1));
        }
    }
    return MAX(g_hash_table_size(seen), 1);
}


/* Host CPU topology for the capabilities: all sockets, and dies, cores and
 * threads of the first CPU's socket. */
static void
virHostInfoProbeTopology(virHostInfo *info)
{
    virHostInfoCell *cell0 = g_ptr_array_index(info->cells, 0);
    virHostInfoCPU *cpu0 = cell0->cpus->len ?
        &g_array_index(cell0->cpus, virHostInfoCPU, 0) : NULL;
    int socket0 = cpu0 ? cpu0->socket : 0;

    info->sockets = virHostInfoCountDistinct(info->cells,
                                             VIR_HOST_INFO_FIELD_SOCKET, -1);
    info->dies = virHostInfoCountDistinct(info->cells,
                                          VIR_HOST_INFO_FIELD_DIE, socket0);
    info->cores = virHostInfoCountDistinct(info->cells,
                                           VIR_HOST_INFO_FIELD_CORE, socket0);
    info->cores = MAX(info->cores / info->dies, 1);
    info->threads = cpu0 ? virHostInfoCountList(cpu0->siblings) : 1;
}


/**
 * virHostInfoProbe:
 * Reads the host's architecture, CPU model, vendor and flags, CPU topology and
 * NUMA cells.  Returns a new object the caller owns (never NULL: missing
 * files give defaults, one cell at least).
 */
virHostInfo *
virHostInfoProbe(void)
{
    g_autoptr(virHostInfo) info = g_new0(virHostInfo, 1);
    g_autofree char *cpuinfo = virHostInfoReadFile(PROC_CPUINFO);
    g_autofree char *vendor = NULL;
    g_autoptr(GArray) online = virHostInfoReadCPUList(SYSFS_CPU "/online");

    info->arch = virArchFromHost();
    if (cpuinfo) {
        info->cpuModel = virHostInfoCpuinfoValue(cpuinfo, "model name");
        vendor = virHostInfoCpuinfoValue(cpuinfo, "vendor_id");
        info->cpuFlags = virHostInfoCpuinfoValue(cpuinfo, "flags");
    }
    if (STREQ_NULLABLE(vendor, "GenuineIntel"))
        info->cpuVendor = g_strdup("Intel");
    else if (STREQ_NULLABLE(vendor, "AuthenticAMD"))
        info->cpuVendor = g_strdup("AMD");
    else
        info->cpuVendor = g_steal_pointer(&vendor);
    if (!online) {
        unsigned int n = MAX(sysconf(_SC_NPROCESSORS_ONLN), 1);
        unsigned int i;

        online = g_array_new(FALSE, FALSE, sizeof(unsigned int));
        for (i = 0; i < n; i++)
            g_array_append_val(online, i);
    }
    info->cells = virHostInfoProbeCells(online);
    virHostInfoProbeTopology(info);
    return g_steal_pointer(&info);
}


/* Sockets, cores per socket and threads per core of one cell, as libvirt
 * counts them for virNodeInfo. */
static void
virHostInfoCellCounts(const virHostInfoCell *cell, unsigned int *sockets,
                      unsigned int *cores, unsigned int *threads)
{
    g_autoptr(GHashTable) socks = g_hash_table_new(NULL, NULL);
    size_t i;
    size_t j;

    *cores = *threads = 0;
    for (i = 0; i < cell->cpus->len; i++) {
        virHostInfoCPU *cpu = &g_array_index(cell->cpus, virHostInfoCPU, i);
        g_autoptr(GHashTable) coreIds = g_hash_table_new(NULL, NULL);

        g_hash_table_add(socks, GINT_TO_POINTER(cpu->socket + 1));
        for (j = 0; j < cell->cpus->len; j++) {
            virHostInfoCPU *other = &g_array_index(cell->cpus, virHostInfoCPU, j);

            if (other->socket == cpu->socket)
                g_hash_table_add(coreIds, GINT_TO_POINTER(other->core + 1));
        }
        *cores = MAX(*cores, g_hash_table_size(coreIds));
        *threads = MAX(*threads, virHostInfoCountList(cpu->siblings));
    }
    *sockets = g_hash_table_size(socks);
}


/* The "cpu MHz" of the last CPU listed in /proc/cpuinfo, 0 if none. */
static unsigned int
virHostInfoMHz(void)
{
    g_autofree char *cpuinfo = virHostInfoReadFile(PROC_CPUINFO);
    g_autofree char *mhz = cpuinfo ? virHostInfoCpuinfoValue(cpuinfo, "cpu MHz")
                                   : NULL;

    return mhz ? (unsigned int)g_ascii_strtoull(mhz, NULL, 10) : 0;
}


/**
 * virHostInfoGetNodeInfo:
 * Fills libvirt's public virNodeInfo as libvirtd does on Linux: model is
 * the host architecture, memory the MemTotal of /proc/meminfo in KiB, cpus
 * the online CPUs, mhz from /proc/cpuinfo, and nodes/sockets/cores/threads
 * per NUMA cell; when their product does not match the CPU count, libvirt's
 * fallback of 1 node, 1 socket, cpus cores, 1 thread.
 * Returns 0, or -1 with an error reported when no CPU is found.
 */
int
virHostInfoGetNodeInfo(virNodeInfo *nodeinfo)
{
    g_autoptr(virHostInfo) info = virHostInfoProbe();
    virNodeInfo ret = { 0 };
    size_t i;

    g_strlcpy(ret.model, virArchTypeToString(info->arch), sizeof(ret.model));
    ret.memory = virHostInfoMeminfoKiB(PROC_MEMINFO, "MemTotal:");
    ret.mhz = virHostInfoMHz();
    ret.nodes = info->cells->len;
    for (i = 0; i < info->cells->len; i++) {
        virHostInfoCell *cell = g_ptr_array_index(info->cells, i);
        unsigned int sockets, cores, threads;

        virHostInfoCellCounts(cell, &sockets, &cores, &threads);
        ret.cpus += cell->cpus->len;
        ret.sockets = MAX(ret.sockets, sockets);
        ret.cores = MAX(ret.cores, cores);
        ret.threads = MAX(ret.threads, threads);
    }
    if (ret.cpus == 0 || ret.sockets == 0 || ret.threads == 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no CPUs found"));
        return -1;
    }
    if (ret.nodes * ret.sockets * ret.cores * ret.threads != ret.cpus) {
        ret.nodes = ret.sockets = ret.threads = 1;
        ret.cores = ret.cpus;
    }
    *nodeinfo = ret;
    return 0;
}


/**
 * virHostInfoGetHostname:
 * Returns the host name from gethostname(2), as the kernel has it (no DNS
 * lookup, so it never blocks); caller owns the result.  NULL with a system
 * error reported on failure.
 */
char *
virHostInfoGetHostname(void)
{
    char name[HOST_NAME_MAX + 1] = "";

    if (gethostname(name, sizeof(name) - 1) < 0) {
        virReportSystemError(errno, "%s", _("cannot get the host name"));
        return NULL;
    }
    if (!*name) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("the host name is empty"));
        return NULL;
    }
    return g_strdup(name);
}
