/*
 * qemucapsprobetest.c: probe the real QEMU binary (skipped without one)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "qemu_capabilities.h"
#include "qemu_cpu.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static void
testProbe(void)
{
    qemuCaps *caps = qemuCapsCacheLookup(QEMU_DEFAULT_EMULATOR);
    qemuCaps *again;
    g_autoptr(virHostInfo) host = NULL;
    g_autoptr(virCaps) vcaps = NULL;
    g_autofree char *xml = NULL;

    if (!caps)
        g_error("probe failed: %s", virTestLastErrorMessage());
    g_assert_cmpuint(caps->version, >=, 2000000);
    g_assert_cmpuint(caps->machines->len, >, 0);
    g_assert_nonnull(qemuCapsResolveMachine(caps, NULL));
    g_assert_nonnull(qemuCapsResolveMachine(caps, "pc"));
    g_assert_cmpuint(qemuCapsGetMachineMaxCpus(caps, "pc"), >=, 1);
    /* the CPU models QEMU runs under TCG, and the features of "max" */
    g_assert_cmpuint(caps->cpuModels->len, >, 10);
    g_assert_nonnull(qemuCPUFindModel(caps, "qemu64"));
    g_assert_true(qemuCPUFindModel(caps, "qemu64")->usable);
    g_assert_null(qemuCPUFindModel(caps, "no-such-model"));
    g_assert_nonnull(caps->cpuMaxFeatures);
    g_assert_true(g_hash_table_contains(caps->cpuMaxFeatures, "sse2"));
    g_assert_true(g_hash_table_contains(caps->cpuMaxFeatures, "lm"));

    /* probed once: the cache hands out the same object */
    again = qemuCapsCacheLookup(QEMU_DEFAULT_EMULATOR);
    g_assert_true(again == caps);
    virObjectUnref(again);

    host = virHostInfoProbe();
    vcaps = qemuCapsBuildHostCaps(caps, host, NULL, false);
    xml = virCapabilitiesFormatXML(vcaps);
    g_assert_nonnull(xml);
    g_assert_nonnull(strstr(xml, "<domain type='qemu'/>"));
    virObjectUnref(caps);
    qemuCapsCacheClear();
}


static void
testMissing(void)
{
    g_assert_null(qemuCapsProbe("/nonexistent/qemu-system-x86_64"));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_SYSTEM_ERROR);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    if (access(QEMU_DEFAULT_EMULATOR, X_OK) < 0) {
        g_printerr("qemucapsprobetest: %s not found, skipping\n",
                   QEMU_DEFAULT_EMULATOR);
        return 77;
    }
    g_test_add_func("/qemucapsprobe/probe", testProbe);
    g_test_add_func("/qemucapsprobe/missing", testMissing);
    return g_test_run();
}
