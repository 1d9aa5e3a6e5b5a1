/*
 * domainxmltest.c: domain XML parse/format round trips and refusals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each tests/domainxmldata/NAME.xml: the inactive, live and migratable
 * formats against NAME-{inactive,live,migratable}-out.xml, each validated
 * against libvirt's domain.rng, and each read back to the same text.
 * For each bad-*.xml: the exact error code and message.
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "domain_conf.h"
#include "qemu_domain_address.h"
#include "qemu_domain_disk.h"
#include "virerror.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* A fixed stand-in for QEMU 7.2's machine list. */
static char *
testMachineResolve(virArch arch G_GNUC_UNUSED,
                   virDomainVirtType virtType G_GNUC_UNUSED,
                   const char *machine, void *opaque G_GNUC_UNUSED)
{
    static const char *const aliases[][2] = {
        { "pc", "pc-i440fx-7.2" },
        { "q35", "pc-q35-7.2" },
    };
    size_t i;

    if (!machine)
        return g_strdup("pc-i440fx-7.2");
    for (i = 0; i < G_N_ELEMENTS(aliases); i++) {
        if (STREQ(machine, aliases[i][0]))
            return g_strdup(aliases[i][1]);
    }
    if (STRPREFIX(machine, "pc-i440fx-") || STRPREFIX(machine, "pc-q35-"))
        return g_strdup(machine);
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   "machine type '%s' is not supported", machine);
    return NULL;
}


/* QEMU 7.2's x86 machines all run qemu64 without -cpu. */
static char *
testDefaultCPU(virArch arch G_GNUC_UNUSED,
               virDomainVirtType virtType G_GNUC_UNUSED,
               const char *machine G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    return g_strdup("qemu64");
}


static const virDomainDefParserConfig testConfig = {
    .defaultArch = VIR_ARCH_X86_64,
    .defaultEmulator = "/usr/bin/qemu-system-x86_64",
    .machineResolve = testMachineResolve,
    .defaultCPU = testDefaultCPU,
    .addDefaultDevices = qemuDomainDefAddDefaultDevices,
    .assignAddresses = qemuDomainAssignAddresses,
};


static void
testAssertSchemaValid(const char *xml, const char *what)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;

    doc = virXMLParseStringCtxt(xml, what, "domain", &ctxt);
    g_assert_nonnull(doc);
    if (virXMLValidateAgainstSchema(VIR_DOMAIN_SCHEMA_PATH, doc) < 0)
        g_error("%s does not validate against %s: %s", what,
                VIR_DOMAIN_SCHEMA_PATH, virTestLastErrorMessage());
}


/* Formats @def with @flags, compares to the golden file, validates it, and
 * checks that reading it back with @parseFlags gives the same text (unless
 * @parseBack is false: migratable XML leaves out what only this host knows,
 * so it reads back as a config, checked by the caller). */
static char *
testFormatCompare(const virDomainDef *def, unsigned int flags,
                  bool parseBack, unsigned int parseFlags, const char *rel)
{
    g_autofree char *xml = virDomainDefFormat(def, flags);
    g_autofree char *again = NULL;
    g_autoptr(virDomainDef) back = NULL;

    g_assert_nonnull(xml);
    g_assert_cmpint(virTestCompareToFile(xml, rel), ==, 0);
    testAssertSchemaValid(xml, rel);
    if (!parseBack)
        return g_steal_pointer(&xml);

    back = virDomainDefParseString(xml, &testConfig, parseFlags);
    if (!back)
        g_error("%s does not parse back: %s", rel, virTestLastErrorMessage());
    again = virDomainDefFormat(back, flags);
    g_assert_cmpstr(again, ==, xml);
    return g_steal_pointer(&xml);
}


/* What the driver does when it starts a domain: an id, device aliases and
 * the host-side facts (pty paths, VNC port, configured listen address). */
static void
testMakeLive(virDomainDef *def)
{
    size_t i;

    def->id = 7;
    g_assert_cmpint(qemuDomainPrepareDisks(def, false), ==, 0);
    g_assert_cmpint(virDomainDefAssignAliases(def), ==, 0);
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (chr->source.type == VIR_DOMAIN_CHR_TYPE_PTY)
            chr->source.path = g_strdup_printf("/dev/pts/%zu", i + 3);
    }
    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);

        if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN)
            continue;
        if (gr->autoport)
            gr->port = 5900 + i;
        if (!gr->listenAddress) {
            gr->listenAddress = g_strdup("0.0.0.0");
            gr->listenFromConfig = true;
        }
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (net->type != VIR_DOMAIN_NET_TYPE_USER && !net->ifname)
            net->ifname = g_strdup_printf("vnet%zu", i);
    }
    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);

        if (chan->autoPath)
            chan->source.path = g_strdup_printf("/run/virtmig/qemu/channel/7-%s/%s",
                                                def->name, chan->name);
        if (chan->source.type == VIR_DOMAIN_CHR_TYPE_UNIX)
            chan->state = VIR_DOMAIN_CHANNEL_STATE_DISCONNECTED;
    }
}


static int
testCompareStrings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char * const *)a, *(char * const *)b);
}


/* @a and @b hold the same lines, in any order. */
static void
testAssertSameLines(const char *a, const char *b)
{
    g_auto(GStrv) la = g_strsplit(a, "\n", -1);
    g_auto(GStrv) lb = g_strsplit(b, "\n", -1);
    g_autofree char *ja = NULL;
    g_autofree char *jb = NULL;

    qsort(la, g_strv_length(la), sizeof(char *), testCompareStrings);
    qsort(lb, g_strv_length(lb), sizeof(char *), testCompareStrings);
    ja = g_strjoinv("\n", la);
    jb = g_strjoinv("\n", lb);
    g_assert_cmpstr(ja, ==, jb);
}


/*
 * The destination reads the migratable XML @mig as a new config: the same
 * config as @inactive, except that the default USB controller and
 * pci-root the migratable XML leaves out come back where defaults are
 * added; and it migrates on as the same XML.
 */
static void
testMigratableReadBack(const char *mig, const char *inactive)
{
    g_autoptr(virDomainDef) fromMig = NULL;
    g_autofree char *migInactive = NULL;
    g_autofree char *migAgain = NULL;

    fromMig = virDomainDefParseString(mig, &testConfig,
                                      VIR_DOMAIN_DEF_PARSE_INACTIVE);
    g_assert_nonnull(fromMig);
    migInactive = virDomainDefFormat(fromMig,
                                     VIR_DOMAIN_DEF_FORMAT_SECURE |
                                         VIR_DOMAIN_DEF_FORMAT_INACTIVE);
    testAssertSameLines(migInactive, inactive);
    migAgain = virDomainDefFormat(fromMig,
                                  VIR_DOMAIN_DEF_FORMAT_SECURE |
                                      VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
    g_assert_cmpstr(migAgain, ==, mig);
}


/* domainxmldata/NAME-KIND-out.xml */
static char *
testGoldenPath(const char *name, const char *kind)
{
    return g_strdup_printf("domainxmldata/%s-%s-out.xml", name, kind);
}


/* Our inactive XML of stock's input @name is the one stock recorded
 * (tests/stockdata/NAME-inactive.xml, never regenerated here). */
static void
testCompareStockInactive(const char *name, const char *inactive)
{
    g_autofree char *rel = g_strdup_printf("stockdata/%s-inactive.xml", name);
    g_autofree char *want = virTestLoadFile(rel, NULL);

    g_assert_cmpstr(inactive, ==, want);
}


static void
testRoundTrip(const void *opaque)
{
    const char *name = opaque;
    /* stock's recorded inputs (tests/stockdata), our goldens beside ours */
    bool stock = g_str_has_prefix(name, "stockdata/");
    const char *base = stock ? name + strlen("stockdata/") : name;
    g_autofree char *in = g_strdup_printf("%s%s.xml",
                                          stock ? "" : "domainxmldata/", name);
    g_autofree char *inactiveRel = testGoldenPath(base, "inactive");
    g_autofree char *liveRel = testGoldenPath(base, "live");
    g_autofree char *migRel = testGoldenPath(base, "migratable");
    g_autofree char *xml = virTestLoadFile(in, NULL);
    g_autofree char *inactive = NULL;
    g_autofree char *mig = NULL;
    g_autofree char *live = NULL;
    g_autofree char *status = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) copy = NULL;

    def = virDomainDefParseString(xml, &testConfig,
                                  VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                  VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA);
    if (!def)
        g_error("%s: %s", in, virTestLastErrorMessage());
    inactive = testFormatCompare(def, VIR_DOMAIN_DEF_FORMAT_SECURE, true,
                                 VIR_DOMAIN_DEF_PARSE_INACTIVE, inactiveRel);
    if (stock)
        testCompareStockInactive(base, inactive);

    testMakeLive(def);
    live = testFormatCompare(def, 0, true, VIR_DOMAIN_DEF_PARSE_STATUS,
                             liveRel);
    mig = testFormatCompare(def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                            VIR_DOMAIN_DEF_FORMAT_MIGRATABLE, false, 0, migRel);

    testMigratableReadBack(mig, inactive);

    /* a status-format copy keeps every runtime detail */
    copy = virDomainDefCopy(def, false);
    g_assert_nonnull(copy);
    status = virDomainDefFormat(copy, 0);
    g_assert_cmpstr(status, ==, live);

    /* stopping brings back the persistent config */
    virDomainDefClearRuntime(def);
    g_clear_pointer(&status, g_free);
    status = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_SECURE);
    g_assert_cmpstr(status, ==, inactive);
}


typedef struct {
    const char *name;
    unsigned int parseFlags;
    int code;
    const char *message;
} testBadCase;

static const testBadCase testBadCases[] = {
    { "bad-malformed", 0, VIR_ERR_XML_ERROR,
      "XML error: (domain_definition):10: Premature end of data in tag os line 6" },
    { "bad-unknown-device", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: element 'hostdev' is not supported (at /domain/devices/hostdev)" },
    { "bad-unknown-device", VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA,
      VIR_ERR_XML_INVALID_SCHEMA, NULL },
    { "bad-unknown-attribute", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: attribute 'snapshot' of element 'disk' is not supported (at /domain/devices/disk)" },
    { "bad-unknown-value", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: value 'xen' of attribute 'bus' of element 'target' is not supported (supported: virtio, ide, scsi, usb, sata)" },
    { "bad-namespace", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: element 'qemu:commandline' is not supported (at /domain/qemu:commandline)" },
    { "bad-text", 0, VIR_ERR_XML_ERROR,
      "XML error: unexpected text in element 'devices' (at /domain/devices)" },
    { "bad-two-names", 0, VIR_ERR_XML_ERROR,
      "XML error: element 'name' may appear only once (at /domain/name)" },
    { "bad-memory-huge", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: memory size '17 TiB' is larger than the supported maximum of 16 TiB" },
    { "bad-memory-zero", 0, VIR_ERR_XML_ERROR,
      "XML error: element 'memory' must be greater than zero" },
    { "bad-memory-unit", 0, VIR_ERR_XML_ERROR,
      "XML error: unknown unit 'parsecs' in element 'memory'" },
    { "bad-current-memory", 0, VIR_ERR_XML_ERROR,
      "XML error: currentMemory (66560 KiB) must not exceed memory (65536 KiB)" },
    { "bad-os-type", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: os type 'hv..m' is not supported (supported: hvm)" },
    { "bad-vcpu-zero", 0, VIR_ERR_XML_ERROR,
      "XML error: a domain needs at least 1 vCPU" },
    { "bad-vcpu-huge", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: 4096 vCPUs requested, at most 255 are supported" },
    { "bad-name-slash", 0, VIR_ERR_XML_ERROR,
      "XML error: name web/01 cannot contain '/'" },
    { "bad-name-dotdot", 0, VIR_ERR_XML_ERROR,
      "XML error: name '..' is not allowed" },
    { "bad-name-missing", 0, VIR_ERR_NO_NAME, "missing name information" },
    { "bad-uuid", 0, VIR_ERR_XML_ERROR,
      "XML error: malformed uuid element 'c7a5fdbd-cdaf-9455-926a-d65c16db18zz'" },
    { "bad-interface-network", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: interface type 'network' needs libvirt's network driver (virtnetworkd), which virtmigd does not have: use <interface type='bridge'> with <source bridge='...'/> naming the host bridge" },
    { "bad-two-graphics", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: only one graphics device of type 'vnc' is supported" },
    { "bad-ide-target", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: disk target 'hde' is not valid for bus 'ide' (expected hda..hdd)" },
    { "bad-disk-controller-huge", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: disk 'hutcdc' needs ide controller 88413, more than the 256 supported" },
    { "bad-duplicate-target", 0, VIR_ERR_XML_ERROR,
      "XML error: target 'vda' duplicated for disk sources" },
    { "bad-append-pty", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: attribute 'append' of element 'source' is not supported for type 'pty'" },
    { "bad-user-alias-duplicate", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: non unique alias detected: ua-dev" },
    { "bad-console-mismatch", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: the console must use the same source as the first serial port" },
    { "bad-input-ps2-tablet", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: ps2 bus does not support tablet input device" },
    { "bad-resource-fibrechannel", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: element 'fibrechannel' is not supported (at /domain/resource/fibrechannel)" },
    { "bad-timer-platform", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: unsupported timer type (name) 'platform'" },
    { "bad-on-reboot-preserve", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'" },
    { "bad-on-poweroff-coredump", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: Lifecycle event 'on_poweroff' doesn't support 'coredump-destroy' action" },
    { "bad-cpu-topology", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: CPU topology doesn't match maximum vcpu count" },
    { "bad-feature-no-model", 0, VIR_ERR_XML_ERROR,
      "XML error: Non-empty feature list specified without CPU model" },
    { "bad-hugepages", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: memoryBacking <hugepages> is not supported: it needs host setup (a mounted hugetlbfs with reserved pages), which virtmigd does not do" },
    { "bad-memory-source-file", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: memoryBacking <source type='file'/> is not supported: it needs a host directory for the memory files (libvirt's memory_backing_dir); use type='memfd'" },
    { "bad-memory-access", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: memoryBacking <access mode='shared'/> is only supported with <source type='memfd'/> (otherwise QEMU needs a memory file in a host directory)" },
    { "bad-iothread-undefined", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: Disk iothread '3' not defined in iothreadid" },
    { "bad-iothread-bus", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: IOThreads not available for bus sata target sda" },
    { "bad-iothread-duplicate", 0, VIR_ERR_XML_ERROR,
      "XML error: duplicate iothread id '2' found" },
    { "bad-vcpu-cpuset", 0, VIR_ERR_INVALID_ARG,
      "invalid argument: Failed to parse bitmap '0-x'" },
    { "bad-vcpu-placement", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: value 'dynamic' of attribute 'placement' of element 'vcpu' is not supported (supported: static, auto)" },
    { "bad-numatune-static", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'" },
    { "bad-numatune-nodeset", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: attribute 'nodeset' of element 'memory' is not supported (at /domain/numatune/memory)" },
    { "bad-numatune-mode", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: value 'bogus' of attribute 'mode' of element 'memory' is not supported (supported: strict, preferred, interleave, restrictive)" },
    { "bad-numatune-memnode", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: element 'memnode' is not supported (at /domain/numatune/memnode)" },
    { "bad-cputune", 0, VIR_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: element 'iothreadpin' is not supported (at /domain/cputune/iothreadpin)" },
};


static void
testBad(const void *opaque)
{
    const testBadCase *tc = opaque;
    g_autofree char *in = g_strdup_printf("domainxmldata/%s.xml", tc->name);
    g_autofree char *xml = virTestLoadFile(in, NULL);
    g_autoptr(virDomainDef) def = NULL;

    virErrorResetLast();
    def = virDomainDefParseString(xml, &testConfig,
                                  VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                  tc->parseFlags);
    g_assert_null(def);
    g_assert_cmpint(virErrorGetLastCode(), ==, tc->code);
    if (tc->message)
        g_assert_cmpstr(virTestLastErrorMessage(), ==, tc->message);
    else
        g_assert_nonnull(virTestLastErrorMessage());
}


/* Absent uuid and MAC are generated, each time a different one. */
static void
testGenerated(void)
{
    const char *xml =
        "<domain type='qemu'><name>gen</name><memory>1024</memory>"
        "<os><type>hvm</type></os>"
        "<devices><interface type='user'/></devices></domain>";
    g_autoptr(virDomainDef) a = virDomainDefParseString(xml, &testConfig, 0);
    g_autoptr(virDomainDef) b = virDomainDefParseString(xml, &testConfig, 0);
    virDomainNetDef *na;
    virDomainNetDef *nb;

    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_false(virUUIDIsNull(a->uuid));
    g_assert_true(memcmp(a->uuid, b->uuid, VIR_UUID_BUFLEN) != 0);
    na = g_ptr_array_index(a->nets, 0);
    nb = g_ptr_array_index(b->nets, 0);
    g_assert_cmpint(na->mac[0], ==, 0x52);
    g_assert_cmpint(na->mac[1], ==, 0x54);
    g_assert_cmpint(na->mac[2], ==, 0x00);
    g_assert_true(memcmp(na->mac, nb->mac, VIR_MAC_BUFLEN) != 0);
    g_assert_cmpint(na->model, ==, VIR_DOMAIN_NET_MODEL_RTL8139);
    g_assert_cmpstr(a->os.machine, ==, "pc-i440fx-7.2");
}


/* An empty <uuid/> is treated as absent, as libvirt does. */
static void
testEmptyUUID(void)
{
    const char *xml =
        "<domain type='qemu'><name>e</name><uuid> </uuid><memory>1024</memory>"
        "<os><type>hvm</type></os></domain>";
    g_autoptr(virDomainDef) def = virDomainDefParseString(xml, &testConfig, 0);

    g_assert_nonnull(def);
    g_assert_false(virUUIDIsNull(def->uuid));
}


static void
testUnknownMachine(void)
{
    const char *xml =
        "<domain type='qemu'><name>m</name><memory>1024</memory>"
        "<os><type machine='virt'>hvm</type></os></domain>";
    g_autoptr(virDomainDef) def = virDomainDefParseString(xml, &testConfig, 0);

    g_assert_null(def);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_CONFIG_UNSUPPORTED);
}


/* The public VIR_DOMAIN_XML_* flags map onto ours. */
static void
testConvertFlags(void)
{
    g_assert_cmpuint(virDomainDefFormatConvertXMLFlags(VIR_DOMAIN_XML_SECURE |
                                                       VIR_DOMAIN_XML_INACTIVE |
                                                       VIR_DOMAIN_XML_MIGRATABLE |
                                                       VIR_DOMAIN_XML_UPDATE_CPU),
                     ==, VIR_DOMAIN_DEF_FORMAT_SECURE |
                         VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                         VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
}


static void
testNames(void)
{
    g_autofree char *longName = g_strnfill(VIR_DOMAIN_NAME_MAX_LEN + 1, 'a');

    g_assert_cmpint(virDomainDefValidateName("guest-1.example"), ==, 0);
    g_assert_cmpint(virDomainDefValidateName("."), ==, -1);
    g_assert_cmpint(virDomainDefValidateName(""), ==, -1);
    g_assert_cmpint(virDomainDefValidateName("a\nb"), ==, -1);
    g_assert_cmpint(virDomainDefValidateName(longName), ==, -1);
}


/* A channel socket path a daemon named (libvirt's per-domain form, or
 * under a configured channel directory) is dropped from a config, as
 * libvirt's QEMU driver does; a path of the user's is kept. */
static void
testChannelDefaultPath(void)
{
    static const char *const paths[][2] = {
        { "/var/lib/libvirt/qemu/channel/target/domain-1-g/org.qemu.guest_agent.0", NULL },
        { "/srv/run/qemu/channel/3-g/org.qemu.guest_agent.0", NULL },
        { "/srv/run/qemu/channel/3.1", NULL },
        { "/tmp/agent.sock", "/tmp/agent.sock" },
        { "/srv/run/qemu/channelx/org.qemu.guest_agent.0",
          "/srv/run/qemu/channelx/org.qemu.guest_agent.0" },
    };
    virDomainDefParserConfig config = testConfig;
    size_t i;

    config.channelDirs[1] = "/srv/run/qemu/channel";
    for (i = 0; i < G_N_ELEMENTS(paths); i++) {
        g_autofree char *xml = g_strdup_printf(
            "<domain type='qemu'><name>g</name><memory>1024</memory>"
            "<os><type>hvm</type></os><devices><channel type='unix'>"
            "<source mode='bind' path='%s'/>"
            "<target type='virtio' name='org.qemu.guest_agent.0'/>"
            "</channel></devices></domain>", paths[i][0]);
        /* as libvirt, a socket the daemon names is not shown in a config */
        g_autofree char *want = paths[i][1] ?
            g_strdup_printf("<source mode='bind' path='%s'/>", paths[i][1]) :
            g_strdup("<channel type='unix'>\n      <target ");
        g_autoptr(virDomainDef) def = virDomainDefParseString(
            xml, &config, VIR_DOMAIN_DEF_PARSE_INACTIVE);
        g_autofree char *out = NULL;

        g_assert_nonnull(def);
        out = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE);
        if (!strstr(out, want))
            g_error("%s: want %s in\n%s", paths[i][0], want, out);
    }
}


/* Every enum table: no NULL entry, and each name maps back to its value. */
static void
testEnumTables(void)
{
    const char *const *(*tables[])(unsigned int *) = {
        virDomainVirtTypeTable,
        virDomainOSTypeTable,
        virDomainBootTypeTable,
        virDomainFeatureTypeTable,
        virDomainCPUModeTypeTable,
        virDomainCPUMatchTypeTable,
        virDomainCPUCheckTypeTable,
        virDomainCPUFallbackTypeTable,
        virTristateSwitchTypeTable,
        virDomainClockOffsetTypeTable,
        virDomainOnActionTypeTable,
        virDomainDiskBusTypeTable,
        virDomainDiskFormatTypeTable,
        virDomainNetModelTypeTable,
        virDomainChrTypeTable,
        virDomainChrUnixModeTypeTable,
        virDomainVideoTypeTable,
        virDomainMemballoonModelTypeTable,
        virArchTypeTable,
        virDomainInputTypeTable,
        virDomainInputBusTypeTable,
        virDomainTimerNameTypeTable,
        virDomainTimerTickpolicyTypeTable,
        virDomainTimerTrackTypeTable,
        virTristateBoolTypeTable,
        virDomainCPUFeaturePolicyTypeTable,
        virDomainSeclabelTypeTable,
        virDomainSmbiosModeTypeTable,
        virDomainMemorySourceTypeTable,
        virDomainMemoryAccessTypeTable,
        virDomainMemoryAllocationTypeTable,
        virDomainCPUPlacementTypeTable,
        virDomainNumatuneModeTypeTable,
    };
    size_t i;
    unsigned int j;

    for (i = 0; i < G_N_ELEMENTS(tables); i++) {
        unsigned int n = 0;
        const char *const *names = tables[i](&n);

        g_assert_cmpuint(n, >, 1);
        for (j = 0; j < n; j++)
            g_assert_nonnull(names[j]);
    }
}


/* A vCPU pin is read within the maximum only, whatever the array
 * holds: raising <vcpu> after the parse reads nothing beyond it, a pin
 * of a vCPU beyond a lowered maximum is not written. */
static void
testCputuneMaxChange(void)
{
    g_autofree char *xml = virTestLoadFile("domainxmldata/cputune.xml", NULL);
    g_autoptr(virDomainDef) def = virDomainDefParseString(xml, &testConfig, 0);
    g_autofree char *more = NULL;
    g_autofree char *fewer = NULL;

    g_assert_nonnull(def);
    g_assert_nonnull(virDomainCputuneVcpupin(def, 3));
    def->maxvcpus = 64;
    g_assert_null(virDomainCputuneVcpupin(def, 63));
    more = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE);
    g_assert_nonnull(strstr(more, "<vcpupin vcpu='3' cpuset='2'/>"));
    virDomainCputuneSetVcpupin(def, 40,
                               g_new0(guint64, VIR_DOMAIN_CPUMASK_WORDS));
    g_assert_nonnull(virDomainCputuneVcpupin(def, 40));
    def->maxvcpus = 2;
    fewer = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE);
    g_assert_null(strstr(fewer, "vcpu='3'"));
    g_assert_nonnull(strstr(fewer, "<vcpupin vcpu='0' cpuset='1'/>"));
}


int
main(int argc, char **argv)
{
    static const char *const goodCases[] = {
        "test-guest",
        "minimal",
        "full",
        "vnc-default-listen",
        "cpu-custom",
        "stock-minimal",
        "general-q35",
        "general-metadata",
        "general-sysinfo",
        "device-info",
        "disks-q35",
        "disks-pc",
        "devices-pc",
        "devices-q35",
        "usb2-q35",
        "tune",
        "cputune",
        "numatune-auto",
        "numatune-memory",
        "stockdata/virt-install-q35",
        "stockdata/virt-install-pc",
        "stockdata/linux-guest",
    };
    size_t i;

    virTestInit(&argc, &argv);
    if (access(VIR_DOMAIN_SCHEMA_PATH, R_OK) < 0) {
        g_printerr("domainxmltest: %s is missing (install libvirt0)\n",
                   VIR_DOMAIN_SCHEMA_PATH);
        return 77;
    }
    for (i = 0; i < G_N_ELEMENTS(goodCases); i++) {
        g_autofree char *path = g_strdup_printf("/domainxml/roundtrip/%s",
                                                goodCases[i]);
        g_test_add_data_func(path, goodCases[i], testRoundTrip);
    }
    for (i = 0; i < G_N_ELEMENTS(testBadCases); i++) {
        g_autofree char *path = g_strdup_printf("/domainxml/bad/%s%s",
                                                testBadCases[i].name,
                                                testBadCases[i].parseFlags ? "-schema" : "");
        g_test_add_data_func(path, &testBadCases[i], testBad);
    }
    g_test_add_func("/domainxml/generated", testGenerated);
    g_test_add_func("/domainxml/empty-uuid", testEmptyUUID);
    g_test_add_func("/domainxml/unknown-machine", testUnknownMachine);
    g_test_add_func("/domainxml/convert-flags", testConvertFlags);
    g_test_add_func("/domainxml/names", testNames);
    g_test_add_func("/domainxml/channel-default-path", testChannelDefaultPath);
    g_test_add_func("/domainxml/enum-tables", testEnumTables);
    g_test_add_func("/domainxml/cputune-max-change", testCputuneMaxChange);

    return g_test_run();
}
