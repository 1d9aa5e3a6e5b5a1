/*
 * domainabitest.c: virDomainDefCheckABIStability on pairs of XML
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/domainabidata/base.xml against each variant: what the guest can
 * see (memory, vCPUs, machine, features, devices, their models and
 * addresses, the identity) is refused with libvirt's message naming the
 * difference; host-side details (paths, title, display port, balloon
 * size) are not.
 */
#include <config.h>

#include "domain_conf.h"
#include "qemu_domain_address.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static char *
testMachineResolve(virArch arch G_GNUC_UNUSED,
                   virDomainVirtType virtType G_GNUC_UNUSED,
                   const char *machine, void *opaque G_GNUC_UNUSED)
{
    if (!machine || STREQ(machine, "pc"))
        return g_strdup("pc-i440fx-7.2");
    return g_strdup(machine);
}


static const virDomainDefParserConfig testConfig = {
    .defaultArch = VIR_ARCH_X86_64,
    .defaultEmulator = "/usr/bin/qemu-system-x86_64",
    .machineResolve = testMachineResolve,
    .addDefaultDevices = qemuDomainDefAddDefaultDevices,
    .assignAddresses = qemuDomainAssignAddresses,
};

typedef struct {
    const char *name;
    const char *error;          /* NULL: the two are compatible */
} testCase;

static const testCase testCases[] = {
    { "base", NULL },
    { "ok-host-side", NULL },
    { "memory", "Target domain max memory 131072 does not match source 65536" },
    { "vcpus", "Target domain vCPU max 2 does not match source 1" },
    { "machine", "Target domain machine type pc-i440fx-7.1 does not match source pc-i440fx-7.2" },
    { "feature", "State of feature 'acpi' differs: source: 'on', destination: 'absent'" },
    { "uuid", "Target domain uuid 6b8f5b3a-3b1e-4c2f-9a57-6f0c1d2e3f40 does not match source 5b8f5b3a-3b1e-4c2f-9a57-6f0c1d2e3f40" },
    { "name", "Target domain name 'g2' does not match source 'g1'" },
    { "disk-bus", "Target disk bus sata does not match source virtio" },
    { "disk-count", "Target domain disk count 2 does not match source 1" },
    { "net-model", "Target network card model e1000 does not match source virtio" },
    { "net-mac", "Target network card mac 52:54:00:11:22:34 does not match source 52:54:00:11:22:33" },
    /* the NIC pinned to slot 9, the disk takes slot 3, the NIC's in base */
    { "net-address", "Target device PCI address 0000:00:03.0 does not match source 0000:00:04.0" },
    { "video-model", "Target video card model cirrus does not match source vga" },
};


static virDomainDef *
testParse(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/domainabidata/%s.xml",
                                            g_getenv("abs_srcdir"), name);
    g_autofree char *xml = NULL;
    virDomainDef *def;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = virDomainDefParseString(xml, &testConfig, 0);
    if (!def)
        g_error("%s: %s", path, virErrorGetLastMessage());
    return def;
}


static void
testPair(const void *opaque)
{
    const testCase *tc = opaque;
    g_autoptr(virDomainDef) src = testParse("base");
    g_autoptr(virDomainDef) dst = testParse(tc->name);
    int rc = virDomainDefCheckABIStability(src, dst);
    g_autofree char *want = NULL;

    if (!tc->error) {
        if (rc < 0)
            g_error("%s: %s", tc->name, virErrorGetLastMessage());
        return;
    }
    g_assert_cmpint(rc, ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_CONFIG_UNSUPPORTED);
    want = g_strdup_printf("unsupported configuration: %s", tc->error);
    g_assert_cmpstr(virErrorGetLastMessage(), ==, want);
    virErrorResetLast();
    /* the other way round is refused too */
    g_assert_cmpint(virDomainDefCheckABIStability(dst, src), ==, -1);
    virErrorResetLast();
}


int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *path = g_strdup_printf("/domainabi/%s",
                                                testCases[i].name);

        g_test_add_data_func(path, &testCases[i], testPair);
    }
    return g_test_run();
}
