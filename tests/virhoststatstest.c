/*
 * virhoststatstest.c: the /proc parsers behind the statistics APIs, on
 * recorded file contents, and the live host for consistency
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#include "virhoststats.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static unsigned long long
testTickNs(void)
{
    return 1000000000ULL / sysconf(_SC_CLK_TCK);
}


static void
testProcStat(void)
{
    /* a comm with spaces and a parenthesis, as QEMU's threads may have */
    const char *text = "4242 (CPU 0/KVM) x) S 1 4242 4242 0 -1 4194368 100 0 0 0 "
                       "250 50 0 0 20 0 3 0 123 1000000 512 18446744073709551615 "
                       "1 1 0 0 0 0 0 4096 0 0 0 0 17 3 0 0 0 0 0\n";
    virProcStat ps = { 0 };

    g_assert_cmpint(virProcStatParse(text, &ps), ==, 0);
    g_assert_cmpuint(ps.userNs, ==, 250 * testTickNs());
    g_assert_cmpuint(ps.systemNs, ==, 50 * testTickNs());
    g_assert_cmpuint(ps.rssKiB, ==, 512ULL * sysconf(_SC_PAGESIZE) / 1024);
    g_assert_cmpint(ps.lastCPU, ==, 3);
    g_assert_cmpint(virProcStatParse("12 (short) S 1 2 3\n", &ps), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpint(virProcStatRead(getpid(), 0, &ps), ==, 0);
}


static void
testCPU(void)
{
    const char *text = "cpu  10 2 30 400 5 6 7 0 0 0\n"
                       "cpu0 1 1 3 40 1 1 1 0 0 0\n"
                       "intr 123\n";
    virNodeCPUStats p[4];
    int n = 0;

    g_assert_cmpint(virHostStatsParseCPU(text, -1, p, &n), ==, 0);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpint(virHostStatsParseCPU(text, -1, p, &n), ==, 0);
    g_assert_cmpstr(p[0].field, ==, VIR_NODE_CPU_STATS_KERNEL);
    g_assert_cmpuint(p[0].value, ==, (30 + 6 + 7) * testTickNs());
    g_assert_cmpstr(p[1].field, ==, VIR_NODE_CPU_STATS_USER);
    g_assert_cmpuint(p[1].value, ==, 12 * testTickNs());
    g_assert_cmpuint(p[2].value, ==, 400 * testTickNs());
    g_assert_cmpstr(p[3].field, ==, VIR_NODE_CPU_STATS_IOWAIT);
    g_assert_cmpuint(p[3].value, ==, 5 * testTickNs());
    g_assert_cmpint(virHostStatsParseCPU(text, 0, p, &n), ==, 0);
    g_assert_cmpuint(p[2].value, ==, 40 * testTickNs());
    g_assert_cmpint(virHostStatsParseCPU(text, 1, p, &n), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
    n = 3;
    g_assert_cmpint(virHostStatsParseCPU(text, -1, p, &n), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
    n = 4;
    g_assert_cmpint(virHostStatsGetCPU(-1, p, &n), ==, 0);
    g_assert_cmpuint(p[2].value, >, 0);
}


static void
testMemory(void)
{
    const char *host = "MemTotal:  1000 kB\nMemFree:  200 kB\n"
                       "MemAvailable: 500 kB\nBuffers: 30 kB\nCached: 40 kB\n"
                       "SwapCached: 9 kB\n";
    const char *cell = "Node 1 MemTotal:  800 kB\nNode 1 MemFree: 100 kB\n";
    virNodeMemoryStats p[4];
    unsigned long long freeMem = 0;
    int n = 4;

    g_assert_cmpint(virHostStatsParseMemory(host, p, &n), ==, 0);
    g_assert_cmpstr(p[0].field, ==, VIR_NODE_MEMORY_STATS_TOTAL);
    g_assert_cmpuint(p[0].value, ==, 1000);
    g_assert_cmpuint(p[1].value, ==, 200);
    g_assert_cmpstr(p[3].field, ==, VIR_NODE_MEMORY_STATS_CACHED);
    g_assert_cmpuint(p[3].value, ==, 40);
    g_assert_cmpint(virHostStatsParseMemory(cell, p, &n), ==, 0);
    g_assert_cmpuint(p[0].value, ==, 800);
    g_assert_cmpuint(p[2].value, ==, 0);
    g_assert_cmpint(virHostStatsGetFreeMemory(-1, &freeMem), ==, 0);
    g_assert_cmpuint(freeMem, >, 1024 * 1024);
    g_assert_cmpint(virHostStatsGetMemory(100000, p, &n), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
}


static void
testNetDev(void)
{
    const char *text =
        "Inter-|   Receive                            |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|"
        "bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo: 100 2 0 0 0 0 0 0 100 2 0 0 0 0 0 0\n"
        "vnet10: 5000 50 1 2 0 0 0 0 7000 70 3 4 0 0 0 0\n";
    virDomainInterfaceStatsStruct st = { 0 };

    g_assert_cmpint(virHostStatsParseNetDev(text, "vnet10", false, &st), ==, 0);
    g_assert_cmpint(st.rx_bytes, ==, 5000);
    g_assert_cmpint(st.tx_drop, ==, 4);
    /* a tap: what the host receives the guest transmitted */
    g_assert_cmpint(virHostStatsParseNetDev(text, "vnet10", true, &st), ==, 0);
    g_assert_cmpint(st.rx_bytes, ==, 7000);
    g_assert_cmpint(st.rx_packets, ==, 70);
    g_assert_cmpint(st.tx_bytes, ==, 5000);
    g_assert_cmpint(st.tx_errs, ==, 1);
    g_assert_cmpint(virHostStatsParseNetDev(text, "vnet1", true, &st), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
}


static void
testCPUMap(void)
{
    g_autofree unsigned char *map = NULL;
    unsigned int online = 0;
    int n = virHostStatsGetCPUMap(&map, &online);
    unsigned int set = 0;
    int i;

    g_assert_cmpint(n, >=, 1);
    for (i = 0; i < n; i++)
        set += VIR_CPU_USED(map, i) ? 1 : 0;
    g_assert_cmpuint(set, ==, online);
    g_assert_cmpuint(online, ==, sysconf(_SC_NPROCESSORS_ONLN));
}


int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hoststats/procstat", testProcStat);
    g_test_add_func("/hoststats/cpu", testCPU);
    g_test_add_func("/hoststats/memory", testMemory);
    g_test_add_func("/hoststats/netdev", testNetDev);
    g_test_add_func("/hoststats/cpumap", testCPUMap);
    return g_test_run();
}
