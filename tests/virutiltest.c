/*
 * virutiltest.c: tests of src/util (errors, enums, config, uuid, buffer)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "testutils.h"
#include "virbuffer.h"
#include "virconf.h"
#include "virenum.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef enum {
    TEST_COLOUR_NONE = 0,
    TEST_COLOUR_RED,
    TEST_COLOUR_BLUE,
    TEST_COLOUR_LAST
} testColour;

VIR_ENUM_DECL(testColour);
static const char *const testColourTable[] = {
    [TEST_COLOUR_NONE] = "none",
    [TEST_COLOUR_RED] = "red",
    [TEST_COLOUR_BLUE] = "blue",
};
VIR_ENUM_IMPL_TABLE(testColour, testColourTable, TEST_COLOUR_LAST);


static void
testEnum(void)
{
    g_assert_cmpstr(testColourTypeToString(TEST_COLOUR_BLUE), ==, "blue");
    g_assert_null(testColourTypeToString(TEST_COLOUR_LAST));
    g_assert_null(testColourTypeToString(-1));
    g_assert_cmpint(testColourTypeFromString("red"), ==, TEST_COLOUR_RED);
    g_assert_cmpint(testColourTypeFromString("green"), ==, -1);
    g_assert_cmpint(testColourTypeFromString(NULL), ==, -1);
}


/* Error numbers are wire ABI: pin the ones the daemon sends. */
static void
testErrorNumbers(void)
{
    g_assert_cmpint(VIR_ERR_INTERNAL_ERROR, ==, 1);
    g_assert_cmpint(VIR_ERR_NO_SUPPORT, ==, 3);
    g_assert_cmpint(VIR_ERR_INVALID_ARG, ==, 8);
    g_assert_cmpint(VIR_ERR_OPERATION_FAILED, ==, 9);
    g_assert_cmpint(VIR_ERR_XML_ERROR, ==, 27);
    g_assert_cmpint(VIR_ERR_OPERATION_DENIED, ==, 29);
    g_assert_cmpint(VIR_ERR_RPC, ==, 39);
    g_assert_cmpint(VIR_ERR_NO_DOMAIN, ==, 42);
    g_assert_cmpint(VIR_ERR_OPERATION_INVALID, ==, 55);
    g_assert_cmpint(VIR_ERR_OPERATION_TIMEOUT, ==, 68);
    g_assert_cmpint(VIR_ERR_ARGUMENT_UNSUPPORTED, ==, 74);
    g_assert_cmpint(VIR_ERR_OPERATION_ABORTED, ==, 78);
    g_assert_cmpint(VIR_ERR_MIGRATE_FINISH_OK, ==, 93);
    g_assert_cmpint(VIR_FROM_QEMU, ==, 10);
    g_assert_cmpint(VIR_FROM_RPC, ==, 7);
    g_assert_cmpint(VIR_FROM_REMOTE, ==, 13);
    g_assert_cmpint(VIR_MIGRATE_LIVE, ==, 0x1);
    g_assert_cmpint(VIR_MIGRATE_CHANGE_PROTECTION, ==, 0x100);
    g_assert_cmpint(VIR_MIGRATE_POSTCOPY, ==, 0x8000);
}


static void
testErrorReport(void)
{
    g_autoptr(virError) saved = NULL;

    virErrorResetLast();
    g_assert_null(virErrorGetLast());
    virReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Requested operation is not valid: domain is not running");
    g_assert_cmpint(virErrorGetLast()->domain, ==, VIR_FROM_NONE);

    virErrorPreserveLast(&saved);
    virReportError(VIR_ERR_INTERNAL_ERROR, "%s", "cleanup failed");
    virErrorRestore(&saved);
    g_assert_null(saved);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_INVALID);
    virErrorResetLast();
}


static int
testCheckFlagsHelper(unsigned int flags)
{
    virCheckFlags(0x3, -1);
    return 0;
}


static void
testCheckFlags(void)
{
    g_assert_cmpint(testCheckFlagsHelper(0x2), ==, 0);
    g_assert_cmpint(testCheckFlagsHelper(0x6), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
    g_assert_nonnull(strstr(virErrorGetLastMessage(),
                            "unsupported flags (0x4) in function testCheckFlagsHelper"));
}


static void
testConf(void)
{
    const char *good =
        "# comment\n"
        "host_name = \"hostA\"\n"
        "listen_tcp = 127.0.0.1:16509\n"
        "max_clients = 120\n"
        "allow_remote = 1\n";
    const char *const known[] = { "host_name", "listen_tcp", "max_clients",
                                  "allow_remote", NULL };
    g_autoptr(virConf) conf = virConfLoadData("/etc/x.conf", good, "virtmigd");
    g_autoptr(virConf) bad = NULL;
    g_autofree char *name = NULL;
    g_autofree char *listen = NULL;
    long long n = 0;
    bool b = false;

    g_assert_nonnull(conf);
    g_assert_cmpint(virConfCheckKeys(conf, known), ==, 0);
    g_assert_cmpint(virConfGetString(conf, "host_name", &name), ==, 1);
    g_assert_cmpstr(name, ==, "hostA");
    g_assert_cmpint(virConfGetString(conf, "listen_tcp", &listen), ==, 1);
    g_assert_cmpstr(listen, ==, "127.0.0.1:16509");
    g_assert_cmpint(virConfGetInt(conf, "max_clients", 1, 1000, &n), ==, 1);
    g_assert_cmpint(n, ==, 120);
    g_assert_cmpint(virConfGetBool(conf, "allow_remote", &b), ==, 1);
    g_assert_true(b);
    g_assert_cmpint(virConfGetInt(conf, "absent", 0, 1, &n), ==, 0);
    g_assert_cmpint(virConfGetInt(conf, "max_clients", 1, 100, &n), ==, -1);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "configuration file syntax error: /etc/x.conf:4: max_clients: expected an integer from 1 to 100, got '120'");

    bad = virConfLoadData("/etc/y.conf", "a = 1\nthis line is wrong\n", "g");
    g_assert_null(bad);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "configuration file syntax error: /etc/y.conf:2: expected 'key = value'");

    bad = virConfLoadData("/etc/z.conf", "host_name = x\n\nbogus = 2\n", "g");
    g_assert_nonnull(bad);
    g_assert_cmpint(virConfCheckKeys(bad, known), ==, -1);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "configuration file syntax error: /etc/z.conf:3: bogus: unknown setting");
}


static void
testUUID(void)
{
    unsigned char a[VIR_UUID_BUFLEN], b[VIR_UUID_BUFLEN];
    char str[VIR_UUID_STRING_BUFLEN];

    virUUIDGenerate(a);
    g_assert_false(virUUIDIsNull(a));
    virUUIDFormat(a, str);
    g_assert_cmpint(strlen(str), ==, 36);
    g_assert_cmpint(virUUIDParse(str, b), ==, 0);
    g_assert_cmpmem(a, sizeof(a), b, sizeof(b));
    g_assert_cmpint(virUUIDParse("c7a5fdbd-edaf-9455-926a-d65c16db1809", b), ==, 0);
    g_assert_cmpstr(virUUIDFormat(b, str), ==, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
    g_assert_cmpint(virUUIDParse("c7a5fdbd-edaf-9455-926a-d65c16db18", b), ==, -1);
    g_assert_cmpint(virUUIDParse("zz", b), ==, -1);
}


static void
testBuffer(void)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autofree char *out = NULL;

    virBufferAddLit(&buf, "<a>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<b>%s</b>\n", "x<y&'z'");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</a>\n");
    out = virBufferContentAndReset(&buf);
    g_assert_cmpstr(out, ==, "<a>\n  <b>x&lt;y&amp;&apos;z&apos;</b>\n</a>\n");
}


static void
testLogFilters(void)
{
    g_autofree char *filters = NULL;

    g_assert_cmpint(virLogSetFilters("1:qemu 3:rpc 2:+util.error"), ==, 0);
    filters = virLogGetFilters();
    g_assert_cmpstr(filters, ==, "1:qemu 3:rpc 2:util.error");
    g_assert_cmpint(virLogSetFilters("9:qemu"), ==, -1);
    g_assert_cmpint(virLogSetOutputs("1:syslog:x"), ==, -1);
    g_assert_cmpint(virLogSetOutputs("1:file:relative"), ==, -1);
    virLogReset();
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/util/enum", testEnum);
    g_test_add_func("/util/error-numbers", testErrorNumbers);
    g_test_add_func("/util/error-report", testErrorReport);
    g_test_add_func("/util/check-flags", testCheckFlags);
    g_test_add_func("/util/conf", testConf);
    g_test_add_func("/util/uuid", testUUID);
    g_test_add_func("/util/buffer", testBuffer);
    g_test_add_func("/util/log-filters", testLogFilters);
    return g_test_run();
}
