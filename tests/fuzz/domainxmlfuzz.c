/*
 * domainxmlfuzz.c: libFuzzer target of the domain XML parser and formatter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first byte of the input chooses how the rest, a domain XML, is
 * read (bit 0):
 *
 *   0  a new definition from a client (VIR_DOMAIN_DEF_PARSE_INACTIVE)
 *      with the QEMU driver's defaults, default devices and addresses;
 *   1  the live definition of a status file (VIR_DOMAIN_DEF_PARSE_STATUS,
 *      no defaults), as the daemon reads it back at start.
 *
 * Whatever parses is formatted in the formats the daemon writes (config,
 * live, status, migratable) and each is read back as its reader reads it;
 * the round trip must hold: what a format writes must parse, and format
 * again to the same text.  A failure of that is reported as a crash
 * (abort) with both texts, like a sanitizer report.
 */
#include <config.h>

#include "domain_conf.h"
#include "qemu_domain_address.h"
#include "fuzzutils.h"

/* A fixed stand-in for QEMU 7.2's machine types, as in domainxmltest. */
static char *
fuzzMachineResolve(virArch arch G_GNUC_UNUSED,
                   virDomainVirtType virtType G_GNUC_UNUSED,
                   const char *machine, void *opaque G_GNUC_UNUSED)
{
    if (!machine || STREQ(machine, "pc"))
        return g_strdup("pc-i440fx-7.2");
    if (STREQ(machine, "q35"))
        return g_strdup("pc-q35-7.2");
    if (STRPREFIX(machine, "pc-i440fx-") || STRPREFIX(machine, "pc-q35-"))
        return g_strdup(machine);
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   "machine type '%s' is not supported", machine);
    return NULL;
}


static char *
fuzzDefaultCPU(virArch arch G_GNUC_UNUSED,
               virDomainVirtType virtType G_GNUC_UNUSED,
               const char *machine G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    return g_strdup("qemu64");
}


static const virDomainDefParserConfig fuzzConfig = {
    .defaultArch = VIR_ARCH_X86_64,
    .defaultEmulator = "/usr/bin/qemu-system-x86_64",
    .machineResolve = fuzzMachineResolve,
    .defaultCPU = fuzzDefaultCPU,
    .addDefaultDevices = qemuDomainDefAddDefaultDevices,
    .assignAddresses = qemuDomainAssignAddresses,
};


G_GNUC_NORETURN static void
fuzzFail(const char *what, const char *first, const char *second)
{
    fprintf(stderr, "domainxmlfuzz: %s\n--- first:\n%s\n--- second:\n%s\n",
            what, first, NULLSTR(second));
    if (virErrorGetLastMessage())
        fprintf(stderr, "--- error: %s\n", virErrorGetLastMessage());
    abort();
}


/* Formats @def with @formatFlags, reads it back with @parseFlags (and
 * @config) and formats that again: both texts must be equal. */
static void
fuzzRoundTrip(const virDomainDef *def, unsigned int formatFlags,
              const virDomainDefParserConfig *config, unsigned int parseFlags)
{
    g_autofree char *xml = virDomainDefFormat(def, formatFlags);
    g_autofree char *again = NULL;
    g_autoptr(virDomainDef) back = NULL;

    if (!xml)
        fuzzFail("a parsed definition does not format", "", NULL);
    if (!(back = virDomainDefParseString(xml, config, parseFlags)))
        fuzzFail("formatted XML does not parse back", xml, NULL);
    again = virDomainDefFormat(back, formatFlags);
    if (STRNEQ_NULLABLE(xml, again))
        fuzzFail("formatted XML does not format back the same", xml, again);
}


static void
fuzzConfigDef(const virDomainDef *def)
{
    g_autofree char *mig = NULL;
    g_autoptr(virDomainDef) fromMig = NULL;

    fuzzRoundTrip(def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                  VIR_DOMAIN_DEF_FORMAT_INACTIVE,
                  &fuzzConfig, VIR_DOMAIN_DEF_PARSE_INACTIVE);
    /* a destination reads the migratable XML as a new definition */
    mig = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                             VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
    if (!mig)
        fuzzFail("a parsed definition does not format migratable", "", NULL);
    if (!(fromMig = virDomainDefParseString(mig, &fuzzConfig,
                                            VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        fuzzFail("migratable XML does not parse on the destination", mig, NULL);
}


static void
fuzzLiveDef(const virDomainDef *def)
{
    g_autoptr(virDomainDef) copy = NULL;
    g_autoptr(virDomainDef) migCopy = NULL;

    fuzzRoundTrip(def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                  VIR_DOMAIN_DEF_FORMAT_STATUS,
                  NULL, VIR_DOMAIN_DEF_PARSE_STATUS);
    fuzzRoundTrip(def, 0, NULL, VIR_DOMAIN_DEF_PARSE_STATUS);
    /* what the driver copies: the live definition and the migratable one */
    if (!(copy = virDomainDefCopy(def, false)))
        fuzzFail("a live definition does not copy", "", NULL);
    if (!(migCopy = virDomainDefCopy(def, true)))
        fuzzFail("a live definition does not copy as migratable", "", NULL);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    bool live;

    fuzzInit();
    if (size < 1)
        return 0;
    live = data[0] & 1;
    xml = fuzzString(data + 1, size - 1);
    if (live)
        def = virDomainDefParseString(xml, NULL, VIR_DOMAIN_DEF_PARSE_STATUS);
    else
        def = virDomainDefParseString(xml, &fuzzConfig,
                                      VIR_DOMAIN_DEF_PARSE_INACTIVE);
    if (def) {
        if (live)
            fuzzLiveDef(def);
        else
            fuzzConfigDef(def);
    }
    virErrorResetLast();
    return 0;
}
