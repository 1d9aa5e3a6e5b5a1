/*
 * qemumigrationcookiefuzz.c: libFuzzer target of the migration cookie parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first byte of the input chooses which of the elements the
 * receiving step asks for (its bits, in order: lockstate, persistent,
 * statistics, capabilities, memory and CPU hotplug); the rest is the
 * cookie exactly as it comes off the wire (opaque bytes, NUL included
 * or not).  Host B parses it, for the domain of
 * tests/qemumigrationcookiedata (guest1).  What parses is formatted
 * again as the sender would have written it, which must parse on B and
 * format to the same text, as qemumigrationcookietest checks for its
 * golden cookies; a failure is reported as a crash (abort).
 */
#include <config.h>

#include "qemu_migration_cookie.h"
#include "viruuid.h"
#include "fuzzutils.h"

#define FUZZ_HOST_B_UUID "1a2b3c4d-0000-4000-8000-00000000000b"
#define FUZZ_GUEST_UUID "c7a5fdbd-cdaf-9455-926a-d65c16db1809"

static const virDomainDefParserConfig fuzzParserConfig = {
    .defaultArch = VIR_ARCH_X86_64,
    .defaultEmulator = "/usr/bin/qemu-system-x86_64",
};

static unsigned char fuzzUUIDB[VIR_UUID_BUFLEN];
static qemuMigrationCookieHost fuzzHostB = {
    .hostname = "localhost", .hostuuid = fuzzUUIDB,
    .parserConfig = &fuzzParserConfig,
};
static virDomainDef *fuzzDef;

static const unsigned int fuzzFlags[] = {
    QEMU_MIGRATION_COOKIE_LOCKSTATE,
    QEMU_MIGRATION_COOKIE_PERSISTENT,
    QEMU_MIGRATION_COOKIE_STATS,
    QEMU_MIGRATION_COOKIE_CAPS,
    QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG,
    QEMU_MIGRATION_COOKIE_CPU_HOTPLUG,
};


G_GNUC_NORETURN static void
fuzzFail(const char *what, const char *first, const char *second)
{
    fprintf(stderr, "qemumigrationcookiefuzz: %s\n--- first:\n%s\n--- second:\n%s\n",
            what, first, NULLSTR(second));
    if (virErrorGetLastMessage())
        fprintf(stderr, "--- error: %s\n", virErrorGetLastMessage());
    abort();
}


static void
fuzzSetup(void)
{
    if (fuzzDef)
        return;
    fuzzInit();
    if (virUUIDParse(FUZZ_HOST_B_UUID, fuzzUUIDB) < 0)
        abort();
    fuzzDef = virDomainDefNew();
    fuzzDef->name = g_strdup("guest1");
    if (virUUIDParse(FUZZ_GUEST_UUID, fuzzDef->uuid) < 0)
        abort();
}


/* Formats @mig as its sender wrote it (the sender's host identity) with
 * the elements it carried; caller owns the result. */
static char *
fuzzFormatAsSender(qemuMigrationCookie *mig)
{
    char *out = NULL;
    int len = 0;

    memcpy(mig->localHostuuid, mig->remoteHostuuid, VIR_UUID_BUFLEN);
    g_free(mig->localHostname);
    mig->localHostname = g_strdup(mig->remoteHostname);
    if (qemuMigrationCookieFormat(mig, mig->parsedFlags, &out, &len) < 0)
        fuzzFail("a parsed cookie does not format", "", NULL);
    if (len != (int)strlen(out) + 1)
        fuzzFail("a formatted cookie has the wrong length", out, NULL);
    return out;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(qemuMigrationCookie) mig = NULL;
    g_autoptr(qemuMigrationCookie) back = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;
    unsigned int flags = 0;
    size_t i;

    fuzzSetup();
    if (size < 1 || size - 1 > QEMU_MIGRATION_COOKIE_MAX)
        return 0;
    for (i = 0; i < G_N_ELEMENTS(fuzzFlags); i++) {
        if (data[0] & (1 << i))
            flags |= fuzzFlags[i];
    }
    mig = qemuMigrationCookieParse(&fuzzHostB, fuzzDef, NULL,
                                   (const char *)data + 1, size - 1, flags);
    /* (no cookie at all parses to an empty one: nothing was sent) */
    if (mig && mig->remoteHostname) {
        xml = fuzzFormatAsSender(mig);
        back = qemuMigrationCookieParse(&fuzzHostB, fuzzDef, NULL, xml,
                                        strlen(xml) + 1, mig->parsedFlags);
        if (!back)
            fuzzFail("a formatted cookie does not parse back", xml, NULL);
        again = fuzzFormatAsSender(back);
        if (STRNEQ(xml, again))
            fuzzFail("a cookie does not format back the same", xml, again);
    }
    virErrorResetLast();
    return 0;
}
