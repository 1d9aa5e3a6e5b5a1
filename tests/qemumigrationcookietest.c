/*
 * qemumigrationcookietest.c: the <qemu-migration> cookie, golden files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Host A sends, host B receives (two virtmigd instances of one machine:
 * same host name, different host UUIDs).  For each case of testCases the
 * cookie A formats is compared to tests/qemumigrationcookiedata/NAME.xml,
 * parsed on B, and formatted again from what B read: byte for byte the
 * same document; every combination of the elements we produce goes
 * through the same round trip.  libvirt-*.xml are cookies written from
 * libvirt 9.0's formatter, one per v3 step, read with the flags of the
 * step that receives them.  Refusals are checked by code and message.
 */
#include <config.h>

#include "qemu_domainjob.h"
#include "qemu_migration_cookie.h"
#include "testutils.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_DATA "qemumigrationcookiedata/"

#define HOST_A_UUID "1a2b3c4d-0000-4000-8000-00000000000a"
#define HOST_B_UUID "1a2b3c4d-0000-4000-8000-00000000000b"
#define GUEST_UUID "c7a5fdbd-cdaf-9455-926a-d65c16db1809"

/* What QEMU 7.2 supports (qemumigrationparamsdata/qemu-7.2.replies). */
#define QEMU72_CAPS \
    ((QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_LAST) - 1) & \
     ~QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_EVENTS))

static const virDomainDefParserConfig testParserConfig = {
    .defaultArch = VIR_ARCH_X86_64,
    .defaultEmulator = "/usr/bin/qemu-system-x86_64",
};

static unsigned char testUUIDA[VIR_UUID_BUFLEN];
static unsigned char testUUIDB[VIR_UUID_BUFLEN];

/* Both hosts call themselves "localhost": only the UUIDs tell them apart. */
static qemuMigrationCookieHost testHostA = {
    .hostname = "localhost", .hostuuid = testUUIDA,
    .parserConfig = &testParserConfig,
};
static qemuMigrationCookieHost testHostB = {
    .hostname = "localhost", .hostuuid = testUUIDB,
    .parserConfig = &testParserConfig,
};

static virDomainDef *testDef;


static void
testAssertError(int code, const char *message)
{
    g_assert_cmpint(virErrorGetLastCode(), ==, code);
    g_assert_cmpstr(virTestLastErrorMessage(), ==, message);
    virErrorResetLast();
}


static virDomainDef *
testLoadDef(void)
{
    g_autofree char *xml = virTestLoadFile(TEST_DATA "guest.xml", NULL);
    virDomainDef *def = virDomainDefParseString(xml, &testParserConfig,
                                                VIR_DOMAIN_DEF_PARSE_INACTIVE);

    if (!def)
        g_error("guest.xml: %s", virTestLastErrorMessage());
    return def;
}


/* A completed outgoing migration, as the source keeps it. */
static virDomainJobData *
testStatsSource(void)
{
    virDomainJobData *jobData = virDomainJobDataInit(&qemuDomainJobDataPrivateCb);
    qemuDomainJobDataPrivate *priv = jobData->privateData;
    qemuDomainMigrationStats *mig = &priv->mig;

    qemuDomainJobSetStatsType(jobData, QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION);
    jobData->status = VIR_DOMAIN_JOB_STATUS_COMPLETED;
    jobData->started = 1795320838000ULL;
    jobData->stopped = 1795320838512ULL;
    jobData->sent = 1795320838530ULL;
    jobData->timeElapsed = 530;
    mig->downtime = 18;
    mig->downtime_set = true;
    mig->setup_time = 3;
    mig->setup_time_set = true;
    mig->ram_total = 135012352;
    mig->ram_transferred = 5245813;
    mig->ram_bps = 99614720;
    mig->ram_duplicate = 31734;
    mig->ram_normal = 1226;
    mig->ram_normal_bytes = 5021696;
    mig->ram_duplicate_set = true;
    mig->ram_iteration = 2;
    mig->ram_page_size = 4096;
    mig->cpu_throttle_percentage = 0;
    return jobData;
}


/* What the destination computes: a time delta, compression, throttle. */
static virDomainJobData *
testStatsDestination(void)
{
    virDomainJobData *jobData = testStatsSource();
    qemuDomainJobDataPrivate *priv = jobData->privateData;

    jobData->timeDelta = -4;
    jobData->timeDeltaSet = true;
    jobData->timeElapsed = 526;
    priv->mig.downtime = 14;
    priv->mig.ram_duplicate_set = false;
    priv->mig.setup_time_set = false;
    priv->mig.xbzrle_set = true;
    priv->mig.xbzrle_cache_size = 64 << 20;
    priv->mig.xbzrle_bytes = 1024;
    priv->mig.xbzrle_pages = 12;
    priv->mig.xbzrle_cache_miss = 3;
    priv->mig.cpu_throttle_percentage = 20;
    return jobData;
}


typedef struct {
    const char *name;
    unsigned int flags;
    qemuMigrationParty caps;        /* 0: no capabilities added */
    bool persistent;
    virDomainJobData *(*stats)(void);
    const char *leases;
    unsigned int parsed;            /* the elements B finds */
} testCase;

#define LOCK QEMU_MIGRATION_COOKIE_LOCKSTATE
#define PERSIST QEMU_MIGRATION_COOKIE_PERSISTENT
#define STATS QEMU_MIGRATION_COOKIE_STATS
#define CAPS QEMU_MIGRATION_COOKIE_CAPS
#define MEMHP QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG
#define CPUHP QEMU_MIGRATION_COOKIE_CPU_HOTPLUG
#define NBD QEMU_MIGRATION_COOKIE_NBD
#define SRC QEMU_MIGRATION_SOURCE
#define DST QEMU_MIGRATION_DESTINATION

static const testCase testCases[] = {
    /* what each v3 step sends */
    { "begin", LOCK | CAPS, SRC, false, NULL, NULL, LOCK | CAPS },
    { "prepare", CAPS, DST, false, NULL, NULL, CAPS },
    { "perform", PERSIST | STATS, 0, true, testStatsSource, NULL, PERSIST | STATS },
    { "perform-transient", STATS, 0, false, testStatsSource, NULL, STATS },
    { "finish", STATS, 0, false, testStatsDestination, NULL, STATS },
    /* ... with a storage copy */
    { "begin-nbd", LOCK | CAPS | NBD, SRC, false, NULL, NULL, LOCK | CAPS | NBD },
    { "prepare-nbd", CAPS | NBD, DST, false, NULL, NULL, CAPS | NBD },
    /* edges */
    { "minimal", 0, SRC, true, testStatsSource, NULL, 0 },
    { "no-data", PERSIST | STATS, 0, false, NULL, NULL, 0 },
    { "caps-empty", CAPS, 0, false, NULL, NULL, CAPS },
    { "hotplug", LOCK | MEMHP | CPUHP, 0, false, NULL, NULL, LOCK | MEMHP | CPUHP },
    { "lockstate-leases", LOCK, 0, false, NULL, "guest1:lease=0x7f&<x>", LOCK },
    { "all", QEMU_MIGRATION_COOKIE_SUPPORTED | QEMU_MIGRATION_COOKIE_GRAPHICS |
      QEMU_MIGRATION_COOKIE_NBD | QEMU_MIGRATION_COOKIE_CPU, SRC, true,
      testStatsDestination, "leases", QEMU_MIGRATION_COOKIE_SUPPORTED },
};


static qemuMigrationCookie *
testCookieNew(const testCase *tc)
{
    g_autoptr(qemuMigrationCookie) mig = qemuMigrationCookieNew(&testHostA,
                                                                testDef, NULL);

    if (tc->caps)
        qemuMigrationCookieAddCaps(mig, QEMU72_CAPS, tc->caps);
    if (tc->persistent) {
        virDomainDef *copy = virDomainDefCopy(testDef, true);

        g_assert_nonnull(copy);
        qemuMigrationCookieAddPersistent(mig, &copy);
        g_assert_null(copy);
    }
    if (tc->stats) {
        g_autoptr(virDomainJobData) jobData = tc->stats();

        qemuMigrationCookieAddStatistics(mig, jobData);
    }
    if (tc->flags & QEMU_MIGRATION_COOKIE_GRAPHICS) {
        /* what a destination with a SPICE display on all addresses sends */
        mig->graphics = g_new0(qemuMigrationCookieGraphics, 1);
        mig->graphics->type = VIR_DOMAIN_GRAPHICS_TYPE_SPICE;
        mig->graphics->port = 5901;
        mig->graphics->tlsPort = -1;
        mig->graphics->listen = g_strdup("0.0.0.0");
    }
    if (tc->flags & NBD) {
        /* Begin names the disks, Prepare the port */
        g_autoptr(qemuMigrationCookieNBD) nbd = NULL;

        nbd = qemuMigrationCookieNBDNew(tc->caps == SRC ? 0 : 49153);
        if (tc->caps != DST) {
            qemuMigrationCookieNBDAddDisk(nbd, "vda", 1073741824ULL);
            qemuMigrationCookieNBDAddDisk(nbd, "vdb", 8388608ULL);
        }
        qemuMigrationCookieAddNBD(mig, &nbd);
        g_assert_null(nbd);
    }
    if (tc->leases) {
        mig->lockDriver = g_strdup("sanlock");
        mig->lockState = g_strdup(tc->leases);
    }
    return g_steal_pointer(&mig);
}


/* Parses @cookie on host B and formats again what it read, as A. */
static char *
testReformat(const char *cookie, unsigned int expectParsed)
{
    g_autoptr(qemuMigrationCookie) mig = NULL;
    char *again = NULL;
    int len = 0;

    mig = qemuMigrationCookieParse(&testHostB, testDef, NULL, cookie,
                                   strlen(cookie) + 1,
                                   QEMU_MIGRATION_COOKIE_SUPPORTED);
    if (!mig)
        g_error("cannot parse back: %s\n%s", virTestLastErrorMessage(), cookie);
    g_assert_cmpuint(mig->parsedFlags, ==, expectParsed);
    g_assert_cmpstr(mig->remoteHostname, ==, "localhost");
    g_assert_cmpmem(mig->remoteHostuuid, VIR_UUID_BUFLEN, testUUIDA, VIR_UUID_BUFLEN);
    memcpy(mig->localHostuuid, mig->remoteHostuuid, VIR_UUID_BUFLEN);
    g_assert_cmpint(qemuMigrationCookieFormat(mig, mig->parsedFlags, &again,
                                              &len), ==, 0);
    g_assert_cmpint(len, ==, strlen(again) + 1);
    return again;
}


static void
testGolden(const void *opaque)
{
    const testCase *tc = opaque;
    g_autoptr(qemuMigrationCookie) mig = testCookieNew(tc);
    g_autofree char *rel = g_strdup_printf(TEST_DATA "%s.xml", tc->name);
    g_autofree char *cookie = NULL;
    g_autofree char *again = NULL;
    int len = 0;

    g_assert_cmpint(qemuMigrationCookieFormat(mig, tc->flags, &cookie, &len), ==, 0);
    g_assert_cmpint(len, ==, strlen(cookie) + 1);
    g_assert_cmpint(virTestCompareToFile(cookie, rel), ==, 0);
    again = testReformat(cookie, tc->parsed);
    g_assert_cmpstr(again, ==, cookie);
}


/* Every combination of the elements we produce, all data present. */
static void
testRoundTripAll(void)
{
    const testCase *all = &testCases[G_N_ELEMENTS(testCases) - 1];
    g_autoptr(qemuMigrationCookie) mig = testCookieNew(all);
    unsigned int flags;

    g_assert_cmpstr(all->name, ==, "all");
    for (flags = 0; flags <= QEMU_MIGRATION_COOKIE_SUPPORTED; flags++) {
        g_autofree char *cookie = NULL;
        g_autofree char *again = NULL;
        int len = 0;

        if (flags & ~QEMU_MIGRATION_COOKIE_SUPPORTED)
            continue;
        g_assert_cmpint(qemuMigrationCookieFormat(mig, flags, &cookie, &len), ==, 0);
        again = testReformat(cookie, flags);
        g_assert_cmpstr(again, ==, cookie);
    }
}


/* The parsed contents, beyond the text: definition, statistics, caps. */
static void
testParsedData(void)
{
    const testCase *all = &testCases[G_N_ELEMENTS(testCases) - 1];
    g_autoptr(qemuMigrationCookie) mig = testCookieNew(all);
    g_autoptr(qemuMigrationCookie) back = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainJobData) jobData = NULL;
    g_autofree char *cookie = NULL;
    g_autofree char *want = NULL;
    g_autofree char *got = NULL;
    qemuDomainJobDataPrivate *priv;
    int len = 0;

    g_assert_cmpint(qemuMigrationCookieFormat(mig, all->flags, &cookie, &len), ==, 0);
    back = qemuMigrationCookieParse(&testHostB, testDef, NULL, cookie, len,
                                    QEMU_MIGRATION_COOKIE_SUPPORTED);
    g_assert_nonnull(back);
    def = qemuMigrationCookieGetPersistent(back);
    g_assert_nonnull(def);
    g_assert_null(qemuMigrationCookieGetPersistent(back));
    want = virDomainDefFormat(testDef, VIR_DOMAIN_DEF_FORMAT_SECURE);
    got = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_SECURE);
    g_assert_cmpstr(got, ==, want);

    jobData = qemuMigrationCookieGetStatistics(back);
    g_assert_nonnull(jobData);
    priv = jobData->privateData;
    g_assert_cmpint(jobData->status, ==, VIR_DOMAIN_JOB_STATUS_COMPLETED);
    g_assert_cmpint(priv->statsType, ==, QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION);
    g_assert_cmpuint(jobData->timeElapsed, ==, 526);
    g_assert_true(jobData->timeDeltaSet);
    g_assert_cmpint(jobData->timeDelta, ==, -4);
    g_assert_true(priv->mig.downtime_set);
    g_assert_cmpuint(priv->mig.downtime, ==, 14);
    g_assert_false(priv->mig.setup_time_set);
    g_assert_false(priv->mig.ram_duplicate_set);
    g_assert_true(priv->mig.xbzrle_set);
    g_assert_cmpuint(priv->mig.ram_transferred, ==, 5245813);
    g_assert_cmpint(priv->mig.cpu_throttle_percentage, ==, 20);

    g_assert_nonnull(back->caps);
    g_assert_cmpuint(back->caps->supported, ==, QEMU72_CAPS);
    g_assert_cmpuint(back->caps->automatic, ==,
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_PAUSE_BEFORE_SWITCHOVER));
    g_assert_cmpstr(back->lockDriver, ==, "sanlock");
    g_assert_cmpstr(back->lockState, ==, "leases");
}


/* ---- cookies from libvirt 9.0 ---- */

static qemuMigrationCookie *
testParseFile(const char *file, const qemuMigrationCookieHost *host,
              unsigned int flags)
{
    g_autofree char *rel = g_strdup_printf(TEST_DATA "%s", file);
    size_t len = 0;
    g_autofree char *xml = virTestLoadFile(rel, &len);

    return qemuMigrationCookieParse(host, testDef, NULL, xml, len + 1, flags);
}


/* <virtmig-peer uri=''/>: every cookie between two virtmigd hosts names
 * the sender's daemon (escaped), whatever the step; B reads it back and
 * the same document comes out; a libvirt cookie has none. */
static void
testPeer(void)
{
    const char *uri = "qemu+unix:///system?socket=/run/virtmig/a&b's/virtmigd-sock";
    g_autoptr(qemuMigrationCookie) mig = qemuMigrationCookieNew(&testHostA,
                                                                testDef, NULL);
    g_autoptr(qemuMigrationCookie) back = NULL;
    g_autoptr(qemuMigrationCookie) stock = NULL;
    g_autofree char *cookie = NULL;
    g_autofree char *again = NULL;
    int len = 0;

    qemuMigrationCookieAddPeer(mig, uri);
    qemuMigrationCookieAddCaps(mig, QEMU72_CAPS, SRC);
    g_assert_cmpint(qemuMigrationCookieFormat(mig, CAPS, &cookie, &len), ==, 0);
    g_assert_cmpint(virTestCompareToFile(cookie, TEST_DATA "peer.xml"), ==, 0);
    back = qemuMigrationCookieParse(&testHostB, testDef, NULL, cookie, len, CAPS);
    g_assert_nonnull(back);
    g_assert_cmpstr(back->peerURI, ==, uri);
    memcpy(back->localHostuuid, back->remoteHostuuid, VIR_UUID_BUFLEN);
    g_assert_cmpint(qemuMigrationCookieFormat(back, back->parsedFlags, &again,
                                              &len), ==, 0);
    g_assert_cmpstr(again, ==, cookie);

    stock = testParseFile("libvirt-begin.xml", &testHostB, LOCK | CAPS);
    g_assert_nonnull(stock);
    g_assert_null(stock->peerURI);
}


/* Begin -> Prepare: lockstate announced without leases, a <cpu> we do not
 * ask for, the source's capabilities. */
static void
testLibvirtBegin(void)
{
    g_autoptr(qemuMigrationCookie) mig = testParseFile("libvirt-begin.xml",
                                                       &testHostB, LOCK | CAPS);

    g_assert_nonnull(mig);
    g_assert_cmpuint(mig->parsedFlags, ==, LOCK | CAPS);
    g_assert_cmpstr(mig->remoteHostname, ==, "libvirt-a.example.org");
    g_assert_null(mig->lockDriver);
    g_assert_null(mig->lockState);
    g_assert_cmpuint(mig->caps->supported, ==, QEMU72_CAPS);
    g_assert_cmpuint(mig->caps->automatic, ==,
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_PAUSE_BEFORE_SWITCHOVER));
}


/* Prepare -> Perform: SPICE graphics we do not ask for, a capability we
 * do not know, late-block-activate automatic on the destination. */
static void
testLibvirtPrepare(void)
{
    g_autoptr(qemuMigrationCookie) mig = testParseFile("libvirt-prepare.xml",
                                                       &testHostA, CAPS);

    g_assert_nonnull(mig);
    g_assert_cmpuint(mig->parsedFlags, ==, CAPS);
    g_assert_cmpuint(mig->caps->supported, ==, QEMU72_CAPS);
    g_assert_cmpuint(mig->caps->automatic, ==,
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_LATE_BLOCK_ACTIVATE));
    g_assert_null(mig->graphics);
}


/* Begin -> Prepare and Prepare -> Perform of a storage migration: the
 * disks and sizes stock's source lists, the port its destination gives. */
static void
testLibvirtNBD(void)
{
    g_autoptr(qemuMigrationCookie) begin = testParseFile("libvirt-begin-nbd.xml",
                                                         &testHostB, LOCK | CAPS | NBD);
    g_autoptr(qemuMigrationCookie) prepare = testParseFile("libvirt-prepare-nbd.xml",
                                                           &testHostA, CAPS | NBD);
    const qemuMigrationCookieNBDDisk *disk;

    g_assert_nonnull(begin);
    g_assert_cmpuint(begin->parsedFlags, ==, LOCK | CAPS | NBD);
    g_assert_cmpint(begin->nbd->port, ==, 0);
    g_assert_cmpuint(begin->nbd->disks->len, ==, 1);
    disk = qemuMigrationCookieNBDFindDisk(begin->nbd, "vda");
    g_assert_nonnull(disk);
    g_assert_cmpuint(disk->capacity, ==, 8589934592ULL);
    g_assert_null(qemuMigrationCookieNBDFindDisk(begin->nbd, "vdb"));
    g_assert_nonnull(prepare);
    g_assert_cmpuint(prepare->parsedFlags, ==, CAPS | NBD);
    g_assert_cmpint(prepare->nbd->port, ==, 49153);
}


/* A malformed <nbd>: libvirt's messages. */
static void
testNBDMalformed(void)
{
    static const struct {
        const char *nbd;
        const char *message;
    } bad[] = {
        { "<nbd port='x'/>", "internal error: Malformed nbd port 'x'" },
        { "<nbd port='70000'/>", "internal error: Malformed nbd port '70000'" },
        { "<nbd><disk capacity='1'/></nbd>", "internal error: Malformed disk target" },
        { "<nbd><disk target='vda'/></nbd>", "internal error: Malformed disk capacity: '<null>'" },
        { "<nbd><disk target='vda' capacity='-1'/></nbd>",
          "internal error: Malformed disk capacity: '-1'" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *cookie = g_strdup_printf("<qemu-migration>\n"
                                                  "  <name>guest1</name>\n"
                                                  "  <uuid>" GUEST_UUID "</uuid>\n"
                                                  "  <hostname>a</hostname>\n"
                                                  "  <hostuuid>" HOST_A_UUID "</hostuuid>\n"
                                                  "  %s\n"
                                                  "</qemu-migration>\n", bad[i].nbd);

        virErrorResetLast();
        g_assert_null(qemuMigrationCookieParse(&testHostB, testDef, NULL, cookie,
                                               strlen(cookie) + 1, NBD));
        g_assert_cmpstr(virTestLastErrorMessage(), ==, bad[i].message);
    }
}


/* Prepare -> Perform as Perform reads it: stock's SPICE display, formatted
 * back as stock wrote it. */
static void
testLibvirtPrepareGraphics(void)
{
    g_autoptr(qemuMigrationCookie) mig = testParseFile("libvirt-prepare.xml",
                                                       &testHostA,
                                                       CAPS | QEMU_MIGRATION_COOKIE_GRAPHICS);
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autofree char *xml = NULL;

    g_assert_nonnull(mig);
    g_assert_cmpuint(mig->parsedFlags, ==, CAPS | QEMU_MIGRATION_COOKIE_GRAPHICS);
    g_assert_nonnull(mig->graphics);
    g_assert_cmpint(mig->graphics->type, ==, VIR_DOMAIN_GRAPHICS_TYPE_SPICE);
    g_assert_cmpint(mig->graphics->port, ==, 5901);
    g_assert_cmpint(mig->graphics->tlsPort, ==, -1);
    g_assert_cmpstr(mig->graphics->listen, ==, "0.0.0.0");
    g_assert_null(mig->graphics->tlsSubject);
    g_assert_cmpint(qemuMigrationCookieXMLFormat(mig, &buf,
                                                 QEMU_MIGRATION_COOKIE_GRAPHICS), ==, 0);
    xml = virBufferContentAndReset(&buf);
    g_assert_nonnull(strstr(xml, "  <graphics type='spice' port='5901' listen='0.0.0.0' tlsPort='-1'/>\n"));
}


/* Perform -> Finish: the statistics, formatted back as ours. */
static void
testLibvirtPerform(void)
{
    g_autoptr(qemuMigrationCookie) mig = testParseFile("libvirt-perform.xml",
                                                       &testHostB, PERSIST | STATS);
    g_autofree char *xml = virTestLoadFile(TEST_DATA "libvirt-perform.xml", NULL);
    g_autofree char *again = NULL;
    int len = 0;

    g_assert_nonnull(mig);
    g_assert_cmpuint(mig->parsedFlags, ==, STATS);
    g_assert_null(mig->persistent);
    /* our formatter writes what libvirt's wrote */
    g_free(mig->localHostname);
    mig->localHostname = g_strdup(mig->remoteHostname);
    memcpy(mig->localHostuuid, mig->remoteHostuuid, VIR_UUID_BUFLEN);
    g_assert_cmpint(qemuMigrationCookieFormat(mig, STATS, &again, &len), ==, 0);
    g_assert_cmpstr(again, ==, xml);
}


/* With --persistent, libvirt's definition carries the PS/2 input devices
 * it adds to every x86 guest: the destination keeps them as they are. */
static void
testLibvirtPerformPersistent(void)
{
    g_autoptr(qemuMigrationCookie) mig = testParseFile("libvirt-perform-persistent.xml",
                                                       &testHostB,
                                                       PERSIST | STATS);
    const virDomainInputDef *mouse;
    const virDomainInputDef *kbd;

    g_assert_nonnull(mig);
    g_assert_nonnull(mig->persistent);
    g_assert_cmpuint(mig->persistent->inputs->len, ==, 2);
    mouse = g_ptr_array_index(mig->persistent->inputs, 0);
    kbd = g_ptr_array_index(mig->persistent->inputs, 1);
    g_assert_cmpint(mouse->type, ==, VIR_DOMAIN_INPUT_TYPE_MOUSE);
    g_assert_cmpint(kbd->type, ==, VIR_DOMAIN_INPUT_TYPE_KBD);
    g_assert_cmpint(kbd->bus, ==, VIR_DOMAIN_INPUT_BUS_PS2);
    /* a step that does not read the definition refuses its feature */
    g_assert_null(testParseFile("libvirt-perform-persistent.xml", &testHostB,
                                STATS));
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: Unsupported migration cookie feature persistent");
}


/* Finish -> Confirm: the destination's statistics with its time delta. */
static void
testLibvirtFinish(void)
{
    g_autoptr(qemuMigrationCookie) mig = testParseFile("libvirt-finish.xml",
                                                       &testHostA, STATS);
    g_autofree char *xml = virTestLoadFile(TEST_DATA "libvirt-finish.xml", NULL);
    g_autoptr(virDomainJobData) jobData = NULL;
    g_autofree char *again = NULL;
    int len = 0;

    g_assert_nonnull(mig);
    g_free(mig->localHostname);
    mig->localHostname = g_strdup(mig->remoteHostname);
    memcpy(mig->localHostuuid, mig->remoteHostuuid, VIR_UUID_BUFLEN);
    g_assert_cmpint(qemuMigrationCookieFormat(mig, STATS, &again, &len), ==, 0);
    g_assert_cmpstr(again, ==, xml);
    jobData = qemuMigrationCookieGetStatistics(mig);
    g_assert_cmpint(jobData->timeDelta, ==, -4);
    g_assert_cmpuint(jobData->sent, ==, 1795320838530ULL);
}


/* ---- refusals ---- */

#define HEAD(name, uuid, host, hostuuid) \
    "<qemu-migration>\n  <name>" name "</name>\n  <uuid>" uuid "</uuid>\n" \
    "  <hostname>" host "</hostname>\n  <hostuuid>" hostuuid "</hostuuid>\n"
#define HEAD_A HEAD("guest1", GUEST_UUID, "localhost", HOST_A_UUID)
#define TAIL "</qemu-migration>\n"

typedef struct {
    const char *name;
    const char *cookie;
    unsigned int flags;
    int code;
    const char *message;
} testBadCase;

static const testBadCase testBadCases[] = {
    { "same-host", HEAD("guest1", GUEST_UUID, "host-b", HOST_B_UUID) TAIL, 0,
      VIR_ERR_INTERNAL_ERROR,
      "internal error: Attempt to migrate guest to the same host " HOST_B_UUID },
    { "other-name", HEAD("guest2", GUEST_UUID, "localhost", HOST_A_UUID) TAIL, 0,
      VIR_ERR_INTERNAL_ERROR,
      "internal error: Incoming cookie data had unexpected name guest2 vs guest1" },
    { "other-uuid", HEAD("guest1", "c7a5fdbd-cdaf-9455-926a-d65c16db1800",
                         "localhost", HOST_A_UUID) TAIL, 0,
      VIR_ERR_INTERNAL_ERROR,
      "internal error: Incoming cookie data had unexpected UUID c7a5fdbd-cdaf-9455-926a-d65c16db1800 vs " GUEST_UUID },
    { "missing-name", "<qemu-migration><uuid>" GUEST_UUID "</uuid></qemu-migration>", 0,
      VIR_ERR_INTERNAL_ERROR, "internal error: missing name element in migration data" },
    { "missing-uuid", "<qemu-migration><name>guest1</name><hostname>h</hostname>"
      "<hostuuid>" HOST_A_UUID "</hostuuid></qemu-migration>", 0,
      VIR_ERR_INTERNAL_ERROR, "internal error: missing uuid element in migration data" },
    { "missing-hostname", "<qemu-migration><name>guest1</name><uuid>" GUEST_UUID
      "</uuid><hostuuid>" HOST_A_UUID "</hostuuid></qemu-migration>", 0,
      VIR_ERR_INTERNAL_ERROR, "internal error: missing hostname element in migration data" },
    { "missing-hostuuid", "<qemu-migration><name>guest1</name><uuid>" GUEST_UUID
      "</uuid><hostname>h</hostname></qemu-migration>", 0,
      VIR_ERR_INTERNAL_ERROR, "internal error: missing hostuuid element in migration data" },
    { "malformed-hostuuid", HEAD("guest1", GUEST_UUID, "h", "not-a-uuid") TAIL, 0,
      VIR_ERR_INTERNAL_ERROR, "internal error: malformed hostuuid element in migration data" },
    { "malformed-xml", "<qemu-migration>\n  <name>guest1</name>\n", 0,
      VIR_ERR_XML_ERROR,
      "XML error: (qemu_migration_cookie):3: Premature end of data in tag qemu-migration line 1" },
    { "wrong-root", "<domain/>", 0, VIR_ERR_XML_ERROR,
      "XML error: expecting root element of 'qemu-migration', not 'domain'" },
    { "unknown-feature", HEAD_A "  <feature name='zero-blocks'/>\n" TAIL,
      QEMU_MIGRATION_COOKIE_SUPPORTED, VIR_ERR_INTERNAL_ERROR,
      "internal error: Unknown migration cookie feature zero-blocks" },
    { "unsupported-feature", HEAD_A "  <feature name='memory-hotplug'/>\n" TAIL,
      LOCK | CAPS, VIR_ERR_INTERNAL_ERROR,
      "internal error: Unsupported migration cookie feature memory-hotplug" },
    { "feature-without-name", HEAD_A "  <feature/>\n" TAIL, 0, VIR_ERR_INTERNAL_ERROR,
      "internal error: missing feature name" },
    { "two-domains", HEAD_A "<domain/><domain/>" TAIL, PERSIST, VIR_ERR_INTERNAL_ERROR,
      "internal error: Too many domain elements in migration cookie" },
    { "bad-domain", HEAD_A "<feature name='persistent'/><domain type='qemu'>"
      "<name>guest1</name><devices><hostdev/></devices></domain>" TAIL, PERSIST,
      VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: element 'hostdev' is not supported (at /domain/devices/hostdev)" },
    { "lockstate-without-driver", HEAD_A "<lockstate><leases>x</leases></lockstate>" TAIL,
      LOCK, VIR_ERR_INTERNAL_ERROR,
      "internal error: Missing lock driver name in migration cookie" },
    { "cap-without-name", HEAD_A "<capabilities><cap auto='yes'/></capabilities>" TAIL,
      CAPS, VIR_ERR_INTERNAL_ERROR, "internal error: missing migration capability name" },
    { "malformed-statistics", HEAD_A "<statistics><memory_total>12k</memory_total>"
      "</statistics>" TAIL, STATS, VIR_ERR_INTERNAL_ERROR,
      "internal error: malformed memory_total in migration statistics" },
    { "malformed-delta", HEAD_A "<statistics><delta>--1</delta></statistics>" TAIL,
      STATS, VIR_ERR_INTERNAL_ERROR,
      "internal error: malformed delta in migration statistics" },
    { "malformed-throttle", HEAD_A "<statistics><auto_converge_throttle>99999999999"
      "</auto_converge_throttle></statistics>" TAIL, STATS, VIR_ERR_INTERNAL_ERROR,
      "internal error: malformed auto_converge_throttle in migration statistics" },
};


static void
testBad(const void *opaque)
{
    const testBadCase *tc = opaque;

    g_assert_null(qemuMigrationCookieParse(&testHostB, testDef, NULL, tc->cookie,
                                           strlen(tc->cookie) + 1, tc->flags));
    testAssertError(tc->code, tc->message);
}


static void
testBadLength(void)
{
    const char *cookie = HEAD_A TAIL;
    g_autofree char *huge = g_malloc0(QEMU_MIGRATION_COOKIE_MAX + 1);

    g_assert_null(qemuMigrationCookieParse(&testHostB, testDef, NULL, cookie,
                                           strlen(cookie), 0));
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: Migration cookie was not NULL terminated");
    g_assert_null(qemuMigrationCookieParse(&testHostB, testDef, NULL, huge,
                                           QEMU_MIGRATION_COOKIE_MAX + 1, 0));
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: migration cookie of 4194305 bytes exceeds the limit of 4194304 bytes");
    g_assert_null(qemuMigrationCookieParse(&testHostB, testDef, NULL, cookie, -1, 0));
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: invalid migration cookie length -1");
}


/* A cookie that would not fit on the wire is not produced. */
static void
testFormatTooLarge(void)
{
    const testCase *perform = &testCases[2];
    g_autoptr(qemuMigrationCookie) mig = testCookieNew(perform);
    char *cookie = NULL;
    int len = 0;

    g_assert_cmpstr(perform->name, ==, "perform");
    mig->persistent->description = g_strnfill(QEMU_MIGRATION_COOKIE_MAX, 'x');
    g_assert_cmpint(qemuMigrationCookieFormat(mig, PERSIST, &cookie, &len), ==, -1);
    g_assert_null(cookie);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_true(g_str_has_suffix(virTestLastErrorMessage(),
                                   "exceeds the limit of 4194304 bytes"));
    virErrorResetLast();
    /* no cookie wanted: nothing done */
    g_assert_cmpint(qemuMigrationCookieFormat(mig, PERSIST, NULL, &len), ==, 0);
}


/* No cookie at all (v2, or a client that sends none): an empty one. */
static void
testEmpty(void)
{
    g_autoptr(qemuMigrationCookie) mig = NULL;
    g_autoptr(qemuMigrationCookie) mig2 = NULL;

    mig = qemuMigrationCookieParse(&testHostB, testDef, NULL, NULL, 0,
                                   QEMU_MIGRATION_COOKIE_SUPPORTED);
    g_assert_nonnull(mig);
    g_assert_cmpuint(mig->parsedFlags, ==, 0);
    g_assert_null(mig->caps);
    g_assert_null(mig->remoteHostname);
    mig2 = qemuMigrationCookieParse(&testHostB, testDef, NULL, "", 0, 0);
    g_assert_nonnull(mig2);
}


/* With --dname the cookie keeps the source's name; the kept definition
 * takes the new one. */
static void
testRenamed(void)
{
    const testCase *perform = &testCases[2];
    g_autoptr(qemuMigrationCookie) mig = testCookieNew(perform);
    g_autoptr(qemuMigrationCookie) back = NULL;
    g_autoptr(virDomainDef) renamed = virDomainDefCopy(testDef, true);
    g_autoptr(virDomainDef) kept = NULL;
    g_autofree char *cookie = NULL;
    int len = 0;

    g_assert_cmpint(qemuMigrationCookieFormat(mig, PERSIST | STATS, &cookie, &len), ==, 0);
    g_free(renamed->name);
    renamed->name = g_strdup("guest1-moved");
    g_assert_null(qemuMigrationCookieParse(&testHostB, renamed, NULL, cookie, len,
                                           PERSIST | STATS));
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: Incoming cookie data had unexpected name guest1 vs guest1-moved");
    back = qemuMigrationCookieParse(&testHostB, renamed, "guest1", cookie, len,
                                    PERSIST | STATS);
    g_assert_nonnull(back);
    g_assert_cmpstr(back->name, ==, "guest1");
    kept = qemuMigrationCookieGetPersistent(back);
    g_assert_cmpstr(kept->name, ==, "guest1-moved");
}


static void
testFlagTable(void)
{
    unsigned int n = 0;
    const char *const *table = qemuMigrationCookieFlagTypeTable(&n);
    unsigned int i;

    g_assert_cmpuint(n, ==, QEMU_MIGRATION_COOKIE_FLAG_LAST);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
    g_assert_cmpstr(qemuMigrationCookieFlagTypeToString(QEMU_MIGRATION_COOKIE_FLAG_STATS),
                    ==, "statistics");
    g_assert_cmpint(QEMU_MIGRATION_COOKIE_CAPS, ==, 1 << 10);
}


int
main(int argc, char **argv)
{
    size_t i;
    int ret;

    virTestInit(&argc, &argv);
    g_assert_cmpint(virUUIDParse(HOST_A_UUID, testUUIDA), ==, 0);
    g_assert_cmpint(virUUIDParse(HOST_B_UUID, testUUIDB), ==, 0);
    testDef = testLoadDef();

    g_test_add_func("/qemumigrationcookie/flag-table", testFlagTable);
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *path = g_strdup_printf("/qemumigrationcookie/golden/%s",
                                                testCases[i].name);

        g_test_add_data_func(path, &testCases[i], testGolden);
    }
    g_test_add_func("/qemumigrationcookie/round-trip-all", testRoundTripAll);
    g_test_add_func("/qemumigrationcookie/peer", testPeer);
    g_test_add_func("/qemumigrationcookie/parsed-data", testParsedData);
    g_test_add_func("/qemumigrationcookie/libvirt/begin", testLibvirtBegin);
    g_test_add_func("/qemumigrationcookie/libvirt/prepare", testLibvirtPrepare);
    g_test_add_func("/qemumigrationcookie/libvirt/prepare-graphics", testLibvirtPrepareGraphics);
    g_test_add_func("/qemumigrationcookie/libvirt/perform", testLibvirtPerform);
    g_test_add_func("/qemumigrationcookie/libvirt/perform-persistent",
                    testLibvirtPerformPersistent);
    g_test_add_func("/qemumigrationcookie/libvirt/finish", testLibvirtFinish);
    g_test_add_func("/qemumigrationcookie/libvirt/nbd", testLibvirtNBD);
    g_test_add_func("/qemumigrationcookie/refused/nbd", testNBDMalformed);
    for (i = 0; i < G_N_ELEMENTS(testBadCases); i++) {
        g_autofree char *path = g_strdup_printf("/qemumigrationcookie/refused/%s",
                                                testBadCases[i].name);

        g_test_add_data_func(path, &testBadCases[i], testBad);
    }
    g_test_add_func("/qemumigrationcookie/refused/length", testBadLength);
    g_test_add_func("/qemumigrationcookie/format-too-large", testFormatTooLarge);
    g_test_add_func("/qemumigrationcookie/empty", testEmpty);
    g_test_add_func("/qemumigrationcookie/renamed", testRenamed);
    ret = g_test_run();
    virDomainDefFree(testDef);
    return ret;
}
