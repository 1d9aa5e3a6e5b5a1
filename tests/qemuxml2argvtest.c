/*
 * qemuxml2argvtest.c: domain XML -> QEMU command line, against golden files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every domain of tests/domainxmldata (except the bad-* ones) and of
 * tests/qemuxml2argvdata is parsed as a config with QEMU 7.2's machine
 * list (tests/qemucapsdata), made live as a start would (aliases, the
 * default VNC listen address) and turned into an argv, compared with
 * qemuxml2argvdata/NAME.args: one argument per line, shell-quoted, as
 * libvirt's tests write them.  A definition the driver refuses gives
 * NAME.err with the error message instead.  VIR_TEST_REGENERATE_OUTPUT=1
 * rewrites the golden files.
 */
#include <config.h>

#include <unistd.h>

#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_domain_address.h"
#include "qemu_domain_disk.h"
#include "testutils.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef struct {
    char *name;             /* golden file stem */
    char *input;            /* path relative to tests/ */
    const char *incoming;   /* -incoming, or NULL */
    bool stock;             /* input of tests/stockdata: the device
                             * arguments must be stock's NAME.args' */
} testCase;

static qemuCaps *testCaps;


static void
testCaseFree(gpointer opaque)
{
    testCase *tc = opaque;

    g_free(tc->name);
    g_free(tc->input);
    g_free(tc);
}


/* Single-quotes @arg when the shell would need it. */
static void
testQuoteArg(GString *buf, const char *arg)
{
    const char *safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_./,:=@%+-";
    const char *p;

    if (*arg && strspn(arg, safe) == strlen(arg)) {
        g_string_append(buf, arg);
        return;
    }
    g_string_append_c(buf, '\'');
    for (p = arg; *p; p++) {
        if (*p == '\'')
            g_string_append(buf, "'\\''");
        else
            g_string_append_c(buf, *p);
    }
    g_string_append_c(buf, '\'');
}


/* libvirt's .args layout: "LC_ALL=C \", then one option (with its value)
 * per line. */
static char *
testFormatArgv(char **argv)
{
    GString *buf = g_string_new("LC_ALL=C \\\n");
    size_t i;

    testQuoteArg(buf, argv[0]);
    for (i = 1; argv[i]; i++) {
        g_string_append(buf, argv[i][0] == '-' ? " \\\n" : " ");
        testQuoteArg(buf, argv[i]);
    }
    g_string_append_c(buf, '\n');
    return g_string_free(buf, FALSE);
}


/* What qemuProcessInit and the device preparation do to a config before
 * building the argv: aliases, listen addresses and ports from the config
 * defaults, channel socket paths, tap names and fds (fake: 30, 31, ...). */
static void
testMakeLive(virDomainDef *def, GArray *tapfds)
{
    size_t i;

    def->id = 1;
    g_assert_cmpint(qemuDomainPrepareDisks(def, false), ==, 0);
    virDomainDefAssignAliases(def);
    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);

        if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN)
            continue;
        if (gr->autoport)
            gr->port = 5900 + i;
        if (!gr->listenAddress) {
            gr->listenAddress = g_strdup("127.0.0.1");
            gr->listenFromConfig = true;
        }
    }
    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);

        if (chan->autoPath)
            chan->source.path = g_strdup_printf("/run/virtmig/qemu/channel/1-%s/%s",
                                                def->name, chan->name);
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *net = g_ptr_array_index(def->nets, i);
        int fd = net->type == VIR_DOMAIN_NET_TYPE_USER ? -1 : 30 + (int)i;

        if (fd >= 0 && !net->ifname)
            net->ifname = g_strdup_printf("vnet%zu", i);
        g_array_append_val(tapfds, fd);
    }
}


static char *
testBuild(const testCase *tc, char **retErr)
{
    virDomainDefParserConfig config = {
        .defaultArch = VIR_ARCH_X86_64,
        .defaultEmulator = "/usr/bin/qemu-system-x86_64",
        .machineResolve = qemuCapsMachineResolveCallback,
        .defaultCPU = qemuCapsDefaultCPUCallback,
        .addDefaultDevices = qemuDomainDefAddDefaultDevices,
        .assignAddresses = qemuDomainAssignAddresses,
        .opaque = testCaps,
    };
    g_autofree char *xml = virTestLoadFile(tc->input, NULL);
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *monitor = NULL;
    g_autofree char *pidfile = NULL;
    qemuCommandParams params = { 0 };
    g_auto(GStrv) argv = NULL;
    g_autoptr(GArray) tapfds = g_array_new(FALSE, FALSE, sizeof(int));

    def = virDomainDefParseString(xml, &config, VIR_DOMAIN_DEF_PARSE_INACTIVE);
    g_assert_nonnull(def);
    testMakeLive(def, tapfds);
    params.tapfds = (const int *)tapfds->data;
    params.ntapfds = tapfds->len;
    monitor = g_strdup_printf("/run/virtmig/qemu/%s.monitor", def->name);
    pidfile = g_strdup_printf("/run/virtmig/qemu/%s.pid", def->name);
    params.monitorPath = monitor;
    params.pidfilePath = pidfile;
    params.incomingURI = tc->incoming;
    if (!(argv = qemuBuildCommandArgv(def, &params))) {
        *retErr = g_strdup_printf("%s\n", virTestLastErrorMessage());
        return NULL;
    }
    return testFormatArgv(argv);
}


/*
 * Whether stock's argument line @line is one of the differences
 * docs/internals/domain-xml.rst lists: the master key secret object (we
 * have no secrets), and, when @ours does not use one, the RAM backend
 * object (we give -m size=Nk when no <memoryBacking> needs a backend).
 */
static bool
testStockOnly(const char *line, const char *ours)
{
    bool backend = strstr(ours, "memory-backend=pc.ram") != NULL;

    if (strstr(line, "\"qom-type\":\"secret\",\"id\":\"masterKey0\""))
        return true;
    return !backend &&
           strstr(line,
                  "\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\"");
}


/* The lines of @args (NAME.args format) that give QEMU its machine and
 * devices, but those starting with @skip; with @ours (then @args are
 * stock's), without stock's known differences from @ours. */
static char *
testDeviceLines(const char *args, const char *ours, const char *skip)
{
    static const char *const opts[] = {
        "-device ",  "-blockdev ", "-netdev ", "-object ",
        "-machine ", "-cpu ",      "-smp ",    "-global ",
    };
    g_auto(GStrv) lines = g_strsplit(args, "\n", -1);
    GString *out = g_string_new(NULL);
    size_t i;
    size_t j;

    for (i = 0; lines[i]; i++) {
        g_autofree char *line = g_strdup(lines[i]);
        char *backend = strstr(line, ",memory-backend=pc.ram");

        if ((ours && testStockOnly(line, ours)) ||
            (skip && g_str_has_prefix(line, skip)))
            continue;
        if (ours && backend && !strstr(ours, "memory-backend=pc.ram"))
            memmove(backend, backend + strlen(",memory-backend=pc.ram"),
                    strlen(backend + strlen(",memory-backend=pc.ram")) + 1);
        for (j = 0; j < G_N_ELEMENTS(opts); j++) {
            if (g_str_has_prefix(line, opts[j]))
                g_string_append_printf(out, "%s\n", line);
        }
    }
    return g_string_free(out, FALSE);
}


/* @args gives QEMU the machine and devices stock libvirt 9.0 gave it for
 * the same XML (tests/stockdata/NAME.args, recorded from a stock host),
 * but for the differences we chose. */
static void
testCompareStock(const testCase *tc, const char *args)
{
    g_autofree char *rel = g_strdup_printf("stockdata/%s.args", tc->name);
    g_autofree char *stockArgs = virTestLoadFile(rel, NULL);
    g_autofree char *want = NULL;
    g_autofree char *got = NULL;

    /* an i686 guest: stock runs qemu-system-i386, whose default CPU is
     * qemu32; we run qemu-system-x86_64 (a listed difference) */
    const char *skip = STREQ(tc->name, "vnc-default-listen") ? "-cpu " : NULL;

    g_assert_nonnull(args);
    want = testDeviceLines(stockArgs, args, skip);
    got = testDeviceLines(args, NULL, skip);
    g_assert_cmpstr(got, ==, want);
}


static void
testXML2Argv(gconstpointer opaque)
{
    const testCase *tc = opaque;
    g_autofree char *err = NULL;
    g_autofree char *args = testBuild(tc, &err);
    g_autofree char *golden = g_strdup_printf("qemuxml2argvdata/%s.%s",
                                              tc->name, args ? "args" : "err");

    g_assert_cmpint(virTestCompareToFile(args ? args : err, golden), ==, 0);
    if (tc->stock)
        testCompareStock(tc, args);
}


/* Adds a case for each usable NAME.xml of tests/@dir. */
static void
testAddDir(GPtrArray *cases, const char *dir)
{
    g_autofree char *path = virTestSrcPath(dir);
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    guint i;

    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".xml") && !g_str_has_suffix(ent, "-out.xml") &&
            !g_str_has_prefix(ent, "bad-"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (i = 0; i < names->len; i++) {
        testCase *tc = g_new0(testCase, 1);

        tc->name = g_strdup(g_ptr_array_index(names, i));
        tc->input = g_strdup_printf("%s/%s.xml", dir, tc->name);
        g_ptr_array_add(cases, tc);
    }
}


int
main(int argc, char **argv)
{
    /* stock's inputs that only tests/stockdata holds */
    static const char *const stockCases[] = {
        "linux-guest",
    };
    g_autofree char *version = NULL;
    g_autofree char *help = NULL;
    g_autofree char *qmp = NULL;
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(testCaseFree);
    testCase *incoming = g_new0(testCase, 1);
    guint i;
    int ret;

    virTestInit(&argc, &argv);
    version = virTestLoadFile("qemucapsdata/qemu-7.2-version.txt", NULL);
    help = virTestLoadFile("qemucapsdata/qemu-7.2-machine-help.txt", NULL);
    qmp = virTestLoadFile("qemucapsdata/qemu-7.2-query-machines.json", NULL);
    testCaps = qemuCapsNewFromOutput("/usr/bin/qemu-system-x86_64", version,
                                     help, qmp);
    g_assert_nonnull(testCaps);

    testAddDir(cases, "domainxmldata");
    testAddDir(cases, "qemuxml2argvdata");
    incoming->name = g_strdup("test-guest-incoming");
    incoming->input = g_strdup("domainxmldata/test-guest.xml");
    incoming->incoming = "defer";
    g_ptr_array_add(cases, incoming);
    for (i = 0; i < G_N_ELEMENTS(stockCases); i++) {
        testCase *tc = g_new0(testCase, 1);

        tc->name = g_strdup(stockCases[i]);
        tc->input = g_strdup_printf("stockdata/%s.xml", tc->name);
        g_ptr_array_add(cases, tc);
    }

    for (i = 0; i < cases->len; i++) {
        testCase *tc = g_ptr_array_index(cases, i);
        g_autofree char *path = g_strdup_printf("/qemuxml2argv/%s", tc->name);
        g_autofree char *stock = g_strdup_printf("stockdata/%s.args", tc->name);
        g_autofree char *stockPath = virTestSrcPath(stock);

        tc->stock = !tc->incoming && access(stockPath, R_OK) == 0;

        g_test_add_data_func(path, tc, testXML2Argv);
    }
    ret = g_test_run();
    virObjectUnref(testCaps);
    return ret;
}
