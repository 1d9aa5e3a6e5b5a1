/*
 * qemucapstest.c: QEMU version and machine types from recorded output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/qemucapsdata/qemu-7.2-* were recorded from Debian's QEMU 7.2 with
 *   qemu-system-x86_64 -version
 *   qemu-system-x86_64 -machine help
 *   query-machines over -qmp stdio (see QEMU_CAPS_QMP_INPUT)
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "qemu_capabilities.h"
#include "virerror.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static qemuCaps *
testLoadCaps(bool withQMP)
{
    g_autofree char *version = virTestLoadFile("qemucapsdata/qemu-7.2-version.txt", NULL);
    g_autofree char *help = virTestLoadFile("qemucapsdata/qemu-7.2-machine-help.txt", NULL);
    g_autofree char *qmp = virTestLoadFile("qemucapsdata/qemu-7.2-query-machines.json", NULL);
    qemuCaps *caps = qemuCapsNewFromOutput("/usr/bin/qemu-system-x86_64",
                                           version, help, withQMP ? qmp : NULL);

    g_assert_nonnull(caps);
    return caps;
}


static void
testVersion(void)
{
    unsigned int version = 0;
    g_autofree char *package = NULL;
    qemuCaps *caps = testLoadCaps(true);

    g_assert_cmpuint(caps->version, ==, 7002022);
    g_assert_cmpstr(caps->package, ==, "Debian 1:7.2+dfsg-7+deb12u18+b3");
    g_assert_cmpint(qemuCapsParseVersion("QEMU emulator version 8.0.0\n",
                                         &version, &package), ==, 0);
    g_assert_cmpuint(version, ==, 8000000);
    g_assert_null(package);
    g_assert_cmpint(qemuCapsParseVersion("QEMU emulator version 6.2\n",
                                         &version, &package), ==, 0);
    g_assert_cmpuint(version, ==, 6002000);
    g_assert_cmpint(qemuCapsParseVersion("qemu-kvm 1", &version, &package),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    virObjectUnref(caps);
}


static void
testMachines(void)
{
    qemuCaps *caps = testLoadCaps(true);
    qemuCapsMachine *first = g_ptr_array_index(caps->machines, 0);

    /* default first, with its alias folded in */
    g_assert_cmpstr(first->name, ==, "pc-i440fx-7.2");
    g_assert_cmpstr(first->alias, ==, "pc");
    g_assert_true(first->isDefault);
    g_assert_cmpuint(caps->machines->len, ==, 59);

    g_assert_cmpstr(qemuCapsResolveMachine(caps, "pc"), ==, "pc-i440fx-7.2");
    g_assert_cmpstr(qemuCapsResolveMachine(caps, "q35"), ==, "pc-q35-7.2");
    g_assert_cmpstr(qemuCapsResolveMachine(caps, "pc-q35-4.0.1"), ==, "pc-q35-4.0.1");
    g_assert_cmpstr(qemuCapsResolveMachine(caps, NULL), ==, "pc-i440fx-7.2");
    g_assert_null(qemuCapsResolveMachine(caps, "virt"));

    g_assert_cmpuint(qemuCapsGetMachineMaxCpus(caps, "pc"), ==, 255);
    g_assert_cmpuint(qemuCapsGetMachineMaxCpus(caps, "q35"), ==, 288);
    g_assert_cmpuint(qemuCapsGetMachineMaxCpus(caps, "isapc"), ==, 1);
    virObjectUnref(caps);

    /* without the QMP transcript the limits are unknown, not wrong */
    caps = testLoadCaps(false);
    g_assert_cmpuint(qemuCapsGetMachineMaxCpus(caps, "pc"), ==, 0);
    virObjectUnref(caps);
}


static void
testDeprecated(void)
{
    qemuCaps *caps = testLoadCaps(true);
    size_t i;
    unsigned int deprecated = 0;

    for (i = 0; i < caps->machines->len; i++) {
        qemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        if (m->deprecated) {
            g_assert_true(g_str_has_prefix(m->name, "pc-i440fx-1."));
            deprecated++;
        }
    }
    g_assert_cmpuint(deprecated, ==, 4);
    virObjectUnref(caps);
}


static void
testResolveCallback(void)
{
    qemuCaps *caps = testLoadCaps(true);
    g_autofree char *pc = qemuCapsMachineResolveCallback(VIR_ARCH_I686,
                                                         VIR_DOMAIN_VIRT_QEMU,
                                                         "pc", caps);
    g_autofree char *bad = NULL;

    g_assert_cmpstr(pc, ==, "pc-i440fx-7.2");
    bad = qemuCapsMachineResolveCallback(VIR_ARCH_X86_64, VIR_DOMAIN_VIRT_QEMU,
                                         "virt", caps);
    g_assert_null(bad);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_CONFIG_UNSUPPORTED);
    g_assert_cmpstr(virTestLastErrorMessage(), ==,
                    "unsupported configuration: Emulator '/usr/bin/qemu-system-x86_64' does not support machine type 'virt'");
    virObjectUnref(caps);
}


static void
testBadHelp(void)
{
    GPtrArray *machines = NULL;

    g_assert_cmpint(qemuCapsParseMachineHelp("Supported machines are:\n",
                                             &machines), ==, -1);
    g_assert_null(machines);
}


/* A fixed host: one cell, two CPUs of one core. */
static virHostInfo *
testFixedHost(void)
{
    virHostInfo *host = g_new0(virHostInfo, 1);
    virHostInfoCell *cell = g_new0(virHostInfoCell, 1);
    virHostInfoCPU cpus[] = {
        { .id = 0, .socket = 0, .die = 0, .core = 0, .siblings = (char *)"0-1" },
        { .id = 1, .socket = 0, .die = 0, .core = 0, .siblings = (char *)"0-1" },
    };

    host->arch = VIR_ARCH_X86_64;
    host->cpuModel = g_strdup("Intel(R) Xeon(R) Processor");
    host->cpuVendor = g_strdup("Intel");
    host->sockets = host->dies = host->cores = 1;
    host->threads = 2;
    cell->memory = 5728460;
    cell->cpus = g_array_new(FALSE, TRUE, sizeof(virHostInfoCPU));
    g_array_append_vals(cell->cpus, cpus, G_N_ELEMENTS(cpus));
    host->cells = g_ptr_array_new();
    g_ptr_array_add(host->cells, cell);
    return host;
}


static void
testFixedHostFree(virHostInfo *host)
{
    virHostInfoCell *cell = g_ptr_array_index(host->cells, 0);

    g_array_unref(cell->cpus);
    g_free(cell);
    g_clear_pointer(&host->cells, g_ptr_array_unref);
    virHostInfoFree(host);
}


static void
testHostCaps(const void *opaque)
{
    bool kvm = GPOINTER_TO_INT(opaque);
    qemuCaps *caps = testLoadCaps(true);
    virHostInfo *host = testFixedHost();
    unsigned char uuid[VIR_UUID_BUFLEN];
    g_autoptr(virCaps) vcaps = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;

    g_assert_cmpint(virUUIDParse("0b7d9c4e-3f2a-4e61-9d58-1a2b3c4d5e6f", uuid),
                    ==, 0);
    vcaps = qemuCapsBuildHostCaps(caps, host, uuid, kvm);
    xml = virCapabilitiesFormatXML(vcaps);
    g_assert_cmpint(virTestCompareToFile(xml, kvm ? "capabilitiesdata/qemu-7.2-kvm.xml"
                                                  : "capabilitiesdata/qemu-7.2-tcg.xml"),
                    ==, 0);
    doc = virXMLParseStringCtxt(xml, "capabilities", "capabilities", &ctxt);
    g_assert_nonnull(doc);
    if (virXMLValidateAgainstSchema(VIR_CAPABILITIES_SCHEMA_PATH, doc) < 0)
        g_error("invalid capabilities: %s", virTestLastErrorMessage());
    testFixedHostFree(host);
    virObjectUnref(caps);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/qemucaps/version", testVersion);
    g_test_add_func("/qemucaps/machines", testMachines);
    g_test_add_func("/qemucaps/deprecated", testDeprecated);
    g_test_add_func("/qemucaps/resolve-callback", testResolveCallback);
    g_test_add_func("/qemucaps/bad-help", testBadHelp);
    if (access(VIR_CAPABILITIES_SCHEMA_PATH, R_OK) == 0) {
        g_test_add_data_func("/qemucaps/hostcaps-tcg", GINT_TO_POINTER(0),
                             testHostCaps);
        g_test_add_data_func("/qemucaps/hostcaps-kvm", GINT_TO_POINTER(1),
                             testHostCaps);
    }
    return g_test_run();
}
