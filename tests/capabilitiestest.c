/*
 * capabilitiestest.c: the capabilities XML of a fixed host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "capabilities.h"
#include "virerror.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* Two NUMA cells of one socket each, two cores with two threads. */
static virHostInfo *
testFixedHost(void)
{
    virHostInfo *host = g_new0(virHostInfo, 1);
    unsigned int cell;

    host->arch = VIR_ARCH_X86_64;
    host->cpuModel = g_strdup("Intel(R) Xeon(R) Processor");
    host->cpuVendor = g_strdup("Intel");
    host->sockets = 2;
    host->dies = 1;
    host->cores = 2;
    host->threads = 2;
    host->cells = g_ptr_array_new();
    for (cell = 0; cell < 2; cell++) {
        virHostInfoCell *c = g_new0(virHostInfoCell, 1);
        unsigned int i;

        c->id = cell;
        c->memory = 4 * 1024 * 1024;
        c->cpus = g_array_new(FALSE, TRUE, sizeof(virHostInfoCPU));
        for (i = 0; i < 4; i++) {
            virHostInfoCPU cpu = {
                .id = cell * 4 + i, .socket = cell, .die = 0, .core = i / 2,
                .siblings = g_strdup_printf("%u-%u", cell * 4 + (i / 2) * 2,
                                            cell * 4 + (i / 2) * 2 + 1),
            };
            g_array_append_val(c->cpus, cpu);
        }
        g_ptr_array_add(host->cells, c);
    }
    return host;
}


static void
testFixedHostFree(virHostInfo *host)
{
    size_t i;
    size_t j;

    for (i = 0; i < host->cells->len; i++) {
        virHostInfoCell *c = g_ptr_array_index(host->cells, i);

        for (j = 0; j < c->cpus->len; j++)
            g_free(g_array_index(c->cpus, virHostInfoCPU, j).siblings);
        g_array_unref(c->cpus);
        g_free(c);
    }
    g_ptr_array_unref(host->cells);
    host->cells = NULL;
    virHostInfoFree(host);
}


static void
testAssertValid(const char *xml)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;

    doc = virXMLParseStringCtxt(xml, "capabilities", "capabilities", &ctxt);
    g_assert_nonnull(doc);
    if (virXMLValidateAgainstSchema(VIR_CAPABILITIES_SCHEMA_PATH, doc) < 0)
        g_error("capabilities do not validate: %s", virTestLastErrorMessage());
}


static void
testFormat(void)
{
    virHostInfo *host = testFixedHost();
    g_autoptr(virCaps) caps = virCapabilitiesNew(VIR_ARCH_X86_64);
    g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    virCapsGuest *guest;

    g_assert_cmpint(virUUIDParse("d3b07384-d9a0-4c9b-8a1d-7f3e2c1b0a99", uuid),
                    ==, 0);
    virCapabilitiesSetHostInfo(caps, host);
    /* the driver names the CPU by a model, plus what it has beyond */
    g_ptr_array_add(features, g_strdup("ds"));
    g_ptr_array_add(features, g_strdup("vmx"));
    virCapabilitiesSetHostCPUModel(caps, "Skylake-Client", features);
    virCapabilitiesSetHostUUID(caps, uuid);
    caps->host.liveMigrate = true;
    virCapabilitiesAddMigrateTransport(caps, "tcp");

    guest = virCapabilitiesAddGuest(caps, VIR_DOMAIN_OSTYPE_HVM,
                                    VIR_ARCH_X86_64,
                                    "/usr/bin/qemu-system-x86_64");
    virCapabilitiesAddGuestMachine(guest, "pc-i440fx-7.2", NULL, 255, false);
    virCapabilitiesAddGuestMachine(guest, "pc", "pc-i440fx-7.2", 255, false);
    virCapabilitiesAddGuestMachine(guest, "pc-i440fx-1.4", NULL, 255, true);
    virCapabilitiesAddGuestDomain(guest, VIR_DOMAIN_VIRT_QEMU);
    virCapabilitiesAddGuestDomain(guest, VIR_DOMAIN_VIRT_KVM);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_ACPI, true, true);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_APIC, true, false);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_PAE, false, false);

    xml = virCapabilitiesFormatXML(caps);
    g_assert_cmpint(virTestCompareToFile(xml, "capabilitiesdata/fixed-host.xml"),
                    ==, 0);
    testAssertValid(xml);
    testFixedHostFree(host);
}


/* Without host facts the XML is still valid (no topology, no cells). */
static void
testEmpty(void)
{
    g_autoptr(virCaps) caps = virCapabilitiesNew(VIR_ARCH_X86_64);
    g_autofree char *xml = virCapabilitiesFormatXML(caps);

    testAssertValid(xml);
    g_assert_null(strstr(xml, "<topology"));
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    if (access(VIR_CAPABILITIES_SCHEMA_PATH, R_OK) < 0) {
        g_printerr("capabilitiestest: %s is missing (install libvirt0)\n",
                   VIR_CAPABILITIES_SCHEMA_PATH);
        return 77;
    }
    g_test_add_func("/capabilities/fixed-host", testFormat);
    g_test_add_func("/capabilities/empty", testEmpty);
    return g_test_run();
}
