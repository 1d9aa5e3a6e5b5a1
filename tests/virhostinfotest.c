/*
 * virhostinfotest.c: sanity of the host facts read from /proc and /sys
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The machine running the tests is unknown, so these are consistency
 * checks between independent sources, not fixed numbers.
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "virarch.h"
#include "virerror.h"
#include "virhostinfo.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static void
testNodeInfo(void)
{
    virNodeInfo info;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    long pages = sysconf(_SC_PHYS_PAGES);
    long pagesize = sysconf(_SC_PAGESIZE);
    unsigned long long physKiB = (unsigned long long)pages * pagesize / 1024;

    g_assert_cmpint(virHostInfoGetNodeInfo(&info), ==, 0);
    g_assert_cmpstr(info.model, ==, virArchTypeToString(virArchFromHost()));
    g_assert_cmpint(info.cpus, ==, online);
    g_assert_cmpuint(info.nodes, >=, 1);
    g_assert_cmpuint(info.sockets, >=, 1);
    g_assert_cmpuint(info.cores, >=, 1);
    g_assert_cmpuint(info.threads, >=, 1);
    g_assert_cmpuint(info.nodes * info.sockets * info.cores * info.threads,
                     ==, info.cpus);
    /* MemTotal and sysconf agree to within a few percent */
    g_assert_cmpuint(info.memory, >, 16 * 1024);
    g_assert_cmpuint(info.memory, <=, physKiB + physKiB / 20);
    g_assert_cmpuint(info.memory, >=, physKiB - physKiB / 20);
    if (ARCH_IS_X86(virArchFromHost()))
        g_assert_cmpuint(info.mhz, <, 100000);
}


static void
testProbe(void)
{
    g_autoptr(virHostInfo) info = virHostInfoProbe();
    virNodeInfo node;
    unsigned long long mem = 0;
    unsigned int cpus = 0;
    size_t i;

    g_assert_cmpint(virHostInfoGetNodeInfo(&node), ==, 0);
    g_assert_cmpuint(info->cells->len, >=, 1);
    for (i = 0; i < info->cells->len; i++) {
        virHostInfoCell *cell = g_ptr_array_index(info->cells, i);

        mem += cell->memory;
        cpus += cell->cpus->len;
    }
    g_assert_cmpuint(cpus, ==, node.cpus);
    g_assert_cmpuint(mem, >, 0);
    g_assert_cmpuint(mem, <=, node.memory);
    g_assert_cmpuint(info->sockets * info->dies * info->cores * info->threads,
                     <=, node.cpus);
    g_assert_cmpuint(info->threads, >=, 1);
    if (ARCH_IS_X86(info->arch))
        g_assert_nonnull(info->cpuVendor);
}


static void
testHostname(void)
{
    g_autofree char *name = virHostInfoGetHostname();

    g_assert_nonnull(name);
    g_assert_cmpuint(strlen(name), >, 0);
    g_assert_null(strchr(name, '\n'));
}


static void
testCPUList(void)
{
    static const struct {
        const char *in;
        const char *out; /* NULL: malformed */
    } cases[] = {
        { "0-3,8", "0 1 2 3 8" }, { "5\n", "5" }, { "", "" },
        { "2,1-2,0", "0 1 2" }, { "3-1", NULL }, { "a", NULL },
        { "1,", NULL },
    };
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GArray) cpus = NULL;
        g_autoptr(GString) str = g_string_new(NULL);
        int rc = virHostInfoParseCPUList(cases[i].in, &cpus);

        if (!cases[i].out) {
            g_assert_cmpint(rc, ==, -1);
            g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
            continue;
        }
        g_assert_cmpint(rc, ==, 0);
        for (j = 0; j < cpus->len; j++)
            g_string_append_printf(str, "%s%u", j ? " " : "",
                                   g_array_index(cpus, unsigned int, j));
        g_assert_cmpstr(str->str, ==, cases[i].out);
    }
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/hostinfo/nodeinfo", testNodeInfo);
    g_test_add_func("/hostinfo/probe", testProbe);
    g_test_add_func("/hostinfo/hostname", testHostname);
    g_test_add_func("/hostinfo/cpulist", testCPUList);
    return g_test_run();
}
