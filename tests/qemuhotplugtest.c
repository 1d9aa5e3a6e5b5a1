/*
 * qemuhotplugtest.c: what device hotplug builds, without QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * - For every disk and interface of every domain of
 *   tests/domainxmldata and tests/qemuxml2argvdata, the QMP arguments a
 *   hotplug sends (qemuBuildHotplugProps: blockdev-add/netdev_add, then
 *   device_add) are, byte for byte and in that order, the -blockdev,
 *   -netdev and -device arguments a start writes: a device plugged in
 *   later is the one the migration destination's command line creates
 *   (a tap interface's netdev given the descriptor the start had).
 * - A device element parsed alone (virDomainDeviceParse): disks and
 *   interfaces with the defaults of a definition, other elements named
 *   by libvirt's device type, unknown XML refused.
 * - A device added to a copy of a definition (virDomainDefAddDevice) gets
 *   its address; a SCSI disk without a SCSI controller needs a new
 *   controller (which a live attach refuses); the runtime names a running
 *   domain's new device gets (alias, block node numbers, netN after an
 *   unplug); the lookups by target, MAC and alias and their errors.
 */
#include <config.h>

#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_domain_address.h"
#include "qemu_domain_disk.h"
#include "testutils.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static qemuCaps *testCaps;
static virDomainDefParserConfig testConfig = {
    .defaultArch = VIR_ARCH_X86_64,
    .defaultEmulator = "/usr/bin/qemu-system-x86_64",
    .machineResolve = qemuCapsMachineResolveCallback,
    .defaultCPU = qemuCapsDefaultCPUCallback,
    .addDefaultDevices = qemuDomainDefAddDefaultDevices,
    .assignAddresses = qemuDomainAssignAddresses,
};


/* @rel parsed as a config and made live as a start makes it (aliases,
 * block node numbers). */
static virDomainDef *
testLiveDef(const char *rel)
{
    g_autofree char *xml = virTestLoadFile(rel, NULL);
    virDomainDef *def = virDomainDefParseString(xml, &testConfig,
                                                VIR_DOMAIN_DEF_PARSE_INACTIVE);

    g_assert_nonnull(def);
    def->id = 1;
    g_assert_cmpint(qemuDomainPrepareDisks(def, false), ==, 0);
    virDomainDefAssignAliases(def);
    return def;
}


/* The argv of live @def (fake tap fds), NULL if the driver refuses it. */
static GStrv
testArgv(const virDomainDef *def)
{
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    qemuCommandParams params = { .monitorPath = "/run/m.sock" };
    GStrv argv;
    size_t i;

    for (i = 0; i < def->nets->len; i++) {
        const virDomainNetDef *net = g_ptr_array_index(def->nets, i);
        int fd = net->type == VIR_DOMAIN_NET_TYPE_USER ? -1 : 30 + (int)i;

        g_array_append_val(fds, fd);
    }
    params.tapfds = (const int *)fds->data;
    params.ntapfds = fds->len;
    argv = qemuBuildCommandArgv(def, &params);
    if (!argv)
        virErrorResetLast();
    return argv;
}


/* @arg without its boot index: a device plugged in gets none from
 * <os><boot> (libvirt's rule), which a start gives the first disk, CD-ROM
 * and interface (a <boot order=''> it keeps); caller frees the result. */
static char *
testWithoutBootIndex(const char *arg)
{
    json_object *obj = json_tokener_parse(arg);
    char *ret;

    g_assert_nonnull(obj);
    json_object_object_del(obj, "bootindex");
    ret = g_strdup(
        json_object_to_json_string_ext(obj,
                                       JSON_C_TO_STRING_PLAIN |
                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
    return ret;
}


/* The index in @argv of the argument @opt whose value is @obj's JSON,
 * after @from; fails the test when there is none. */
static guint
testFindArg(GStrv argv, const char *opt, json_object *obj, guint from)
{
    const char *
        json = json_object_to_json_string_ext(obj,
                                              JSON_C_TO_STRING_PLAIN |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE);
    guint i;

    for (i = from; argv[i] && argv[i + 1]; i++) {
        g_autofree char *arg = NULL;

        if (STRNEQ(argv[i], opt))
            continue;
        if (STREQ(argv[i + 1], json))
            return i + 1;
        arg = STREQ(opt, "-device") ? testWithoutBootIndex(argv[i + 1]) : NULL;
        if (STREQ_NULLABLE(arg, json))
            return i + 1;
    }
    g_test_message("not on the command line: %s %s", opt, json);
    g_assert_not_reached();
    return 0;
}


/* Checks the hotplug arguments of @disk or @net (the other NULL) of
 * @def against its command line @argv. */
static void
testCheckProps(const virDomainDef *def, GStrv argv,
               const virDomainDiskDef *disk, const virDomainNetDef *net,
               const char *tapFd)
{
    g_autoptr(GPtrArray) backends = NULL;
    json_object *device = NULL;
    guint at = 0;
    guint i;

    g_assert_cmpint(qemuBuildHotplugProps(def, disk, net, tapFd, &backends,
                                          &device),
                    ==, 0);
    for (i = 0; i < backends->len; i++)
        at = testFindArg(argv, disk ? "-blockdev" : "-netdev",
                         g_ptr_array_index(backends, i), at);
    testFindArg(argv, "-device", device, at);
    json_object_put(device);
}


static void
testHotplugProps(gconstpointer opaque)
{
    g_autoptr(virDomainDef) def = testLiveDef(opaque);
    g_auto(GStrv) argv = testArgv(def);
    g_autoptr(GPtrArray) backends = NULL;
    json_object *device = NULL;
    size_t i;

    if (!argv)
        return; /* refused at start already (qemuxml2argvtest's .err) */
    for (i = 0; i < def->disks->len; i++)
        testCheckProps(def, argv, g_ptr_array_index(def->disks, i), NULL, NULL);
    for (i = 0; i < def->nets->len; i++) {
        const virDomainNetDef *net = g_ptr_array_index(def->nets, i);
        g_autofree char *fd = g_strdup_printf("%d", 30 + (int)i);

        if (net->type == VIR_DOMAIN_NET_TYPE_USER) {
            testCheckProps(def, argv, NULL, net, NULL);
            continue;
        }
        /* a tap: with the descriptor the start had, the start's netdev;
         * without one, refused */
        testCheckProps(def, argv, NULL, net, fd);
        g_assert_cmpint(qemuBuildHotplugProps(def, NULL, net, NULL, &backends,
                                              &device),
                        ==, -1);
        virErrorResetLast();
    }
}


static virDomainDeviceParsed *
testParse(const char *xml)
{
    virDomainDeviceParsed
        *dev = virDomainDeviceParse(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE);

    g_assert_nonnull(dev);
    return dev;
}


static void
testDeviceParse(void)
{
    g_autoptr(virDomainDeviceParsed) disk = testParse(
        "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>");
    g_autoptr(virDomainDeviceParsed)
        net = testParse("<interface type='user'/>");
    g_autoptr(virDomainDeviceParsed) sound = testParse("<sound model='ich6'/>");
    g_autoptr(virDomainDeviceParsed) chr = testParse("<serial type='pty'/>");

    g_assert_cmpint(disk->type, ==, VIR_DOMAIN_DEVICE_DISK);
    g_assert_true(disk->disk->readonly); /* a CD-ROM's default */
    g_assert_cmpint(disk->disk->info.type, ==,
                    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE);
    g_assert_cmpint(net->type, ==, VIR_DOMAIN_DEVICE_NET);
    g_assert_false(net->macGiven);
    g_assert_cmpint(net->net->model, ==, VIR_DOMAIN_NET_MODEL_RTL8139);
    g_assert_cmpint(sound->type, ==, VIR_DOMAIN_DEVICE_NONE);
    g_assert_cmpstr(sound->typeName, ==, "sound");
    g_assert_cmpstr(net->typeName, ==, "net");
    g_assert_cmpstr(chr->typeName, ==, "chr");
    g_assert_null(virDomainDeviceParse("<disk type='file'><target dev='vdb'/>"
                                       "<bogus/></disk>",
                                       0));
    g_assert_nonnull(strstr(virTestLastErrorMessage(), "bogus"));
    g_assert_null(virDomainDeviceParse("<disk type='file'>", 0));
    virErrorResetLast();
}


static void
testDeviceAdd(void)
{
    g_autoptr(virDomainDef) def = testLiveDef("domainxmldata/test-guest.xml");
    g_autoptr(virDomainDef) copy = virDomainDefCopy(def, false);
    g_autoptr(virDomainDef) copy2 = virDomainDefCopy(def, false);
    g_autoptr(virDomainDeviceParsed) vdb = testParse(
        "<disk type='file'><source file='/i/b.img'/><target dev='vdb'/></disk>");
    g_autoptr(virDomainDeviceParsed) sda = testParse(
        "<disk type='file'><source file='/i/a.img'/><target dev='sda'/></disk>");
    virDomainDiskDef *disk;

    g_assert_cmpint(virDomainDefAddDevice(copy, vdb, &testConfig), ==, 0);
    g_assert_null(vdb->disk);
    g_assert_cmpint(copy->controllers->len, ==, def->controllers->len);
    disk = g_ptr_array_index(copy->disks, virDomainDefFindDisk(copy, "vdb"));
    g_assert_cmpint(disk->info.type, ==, VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI);
    g_assert_cmpint(disk->info.addr.pci.slot, ==, 2);
    g_assert_cmpint(virDomainDefFindDisk(def, "vdb"), ==, -1);
    virDomainDefNameNewDisk(def, disk);
    g_assert_cmpstr(disk->info.alias, ==, "virtio-disk1");
    g_assert_cmpuint(disk->src->index, ==, 1);
    /* a SCSI disk needs a SCSI controller the guest does not have */
    g_assert_cmpint(virDomainDefAddDevice(copy2, sda, &testConfig), ==, 0);
    g_assert_cmpint(copy2->controllers->len, >, def->controllers->len);
}


static void
testDeviceNames(void)
{
    g_autoptr(virDomainDef) def = testLiveDef("domainxmldata/devices-pc.xml");
    g_autoptr(virDomainDeviceParsed) nic = testParse(
        "<interface type='user'><mac address='52:54:00:00:00:99'/></interface>");
    virDomainDeviceType type = VIR_DOMAIN_DEVICE_NONE;
    virDomainNetDef *first = g_ptr_array_index(def->nets, 0);
    size_t nnets = def->nets->len;
    g_autofree char *want = g_strdup_printf("net%zu", nnets);

    g_assert_cmpint(nnets, >=, 2);
    g_assert_cmpint(virDomainDefFindNet(def, nic->net, true), ==, -1);
    g_assert_cmpstr(virTestLastErrorMessage(), ==,
                    "no device matching MAC address 52:54:00:00:00:99 found");
    g_assert_cmpint(virDomainDefFindNet(def, first, true), ==, 0);
    g_assert_cmpint(virDomainDefFindNet(def, nic->net, false), ==, -1);
    g_assert_cmpint(virDomainDefFindAlias(def, "net1", &type), ==, 1);
    g_assert_cmpint(type, ==, VIR_DOMAIN_DEVICE_NET);
    g_assert_cmpint(virDomainDefFindAlias(def, "nosuch", &type), ==, -1);
    /* net0 unplugged: the new last interface cannot be net<len> again */
    virDomainNetDefFree(g_ptr_array_steal_index(def->nets, 0));
    virDomainDefNameNewNet(def, nic->net);
    g_assert_cmpstr(nic->net->info.alias, ==, want);
    virErrorResetLast();
}


/* Adds a props case for each usable NAME.xml of tests/@dir. */
static void
testAddDir(GPtrArray *inputs, const char *dir)
{
    g_autofree char *path = virTestSrcPath(dir);
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *ent;

    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *name = NULL;
        g_autofree char *test = NULL;
        char *input;

        if (!g_str_has_suffix(ent, ".xml") ||
            g_str_has_suffix(ent, "-out.xml") || g_str_has_prefix(ent, "bad-"))
            continue;
        name = g_strndup(ent, strlen(ent) - 4);
        test = g_strdup_printf("/qemuhotplug/props/%s/%s", dir, name);
        input = g_strdup_printf("%s/%s", dir, ent);
        g_ptr_array_add(inputs, input);
        g_test_add_data_func(test, input, testHotplugProps);
    }
}


int
main(int argc, char **argv)
{
    g_autofree char *version = NULL;
    g_autofree char *help = NULL;
    g_autofree char *qmp = NULL;
    g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func(g_free);
    int ret;

    virTestInit(&argc, &argv);
    version = virTestLoadFile("qemucapsdata/qemu-7.2-version.txt", NULL);
    help = virTestLoadFile("qemucapsdata/qemu-7.2-machine-help.txt", NULL);
    qmp = virTestLoadFile("qemucapsdata/qemu-7.2-query-machines.json", NULL);
    testCaps = qemuCapsNewFromOutput("/usr/bin/qemu-system-x86_64", version,
                                     help, qmp);
    g_assert_nonnull(testCaps);
    testConfig.opaque = testCaps;
    testAddDir(inputs, "domainxmldata");
    testAddDir(inputs, "qemuxml2argvdata");
    g_test_add_func("/qemuhotplug/parse", testDeviceParse);
    g_test_add_func("/qemuhotplug/add", testDeviceAdd);
    g_test_add_func("/qemuhotplug/names", testDeviceNames);
    ret = g_test_run();
    virObjectUnref(testCaps);
    return ret;
}
