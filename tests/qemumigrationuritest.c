/*
 * qemumigrationuritest.c: the migration URI in both of libvirt's spellings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A source must accept what any destination hands out: virtmigd and stock
 * libvirt return "tcp:HOST:PORT" from Prepare, stock returns
 * "tcp://HOST:PORT" when the client's --migrateuri lacked the port, and a
 * client may give either.  QEMU itself only understands "tcp:HOST:PORT"
 * (given "tcp://127.0.0.3:49152" it looks up the host "//127.0.0.3").
 */
#include <config.h>

#include "testutils.h"
#include "qemu_migration_uri.h"
#include "virerror.h"

typedef struct {
    const char *uri;
    const char *qemu;       /* NULL: refused with @code and @message */
    int code;
    const char *message;
} testCase;

static const testCase testCases[] = {
    { "tcp:127.0.0.3:49152", "tcp:127.0.0.3:49152", 0, NULL },
    { "tcp://127.0.0.3:49152", "tcp:127.0.0.3:49152", 0, NULL },
    { "tcp://127.0.0.3:49152/", "tcp:127.0.0.3:49152", 0, NULL },
    { "tcp:hostB:5000", "tcp:hostB:5000", 0, NULL },
    { "tcp://hostB.example.org:65535", "tcp:hostB.example.org:65535", 0, NULL },
    { "tcp:[::1]:49152", "tcp:[::1]:49152", 0, NULL },
    { "tcp://[fe80::1]:1", "tcp:[fe80::1]:1", 0, NULL },
    { "tcp://127.0.0.3", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing port in migration URI: tcp://127.0.0.3" },
    { "tcp:127.0.0.3", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing port in migration URI: tcp:127.0.0.3" },
    { "tcp://:49152", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing host in migration URI: tcp://:49152" },
    { "tcp:", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing host in migration URI: tcp:" },
    { "tcp:///x:1", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing host in migration URI: tcp:///x:1" },
    { "tcp://h:0", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid port '0' in migration URI tcp://h:0" },
    { "tcp://h:65536", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid port '65536' in migration URI tcp://h:65536" },
    { "tcp://h:12ab", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid port '12ab' in migration URI tcp://h:12ab" },
    { "tcp://h:1:2", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid port '1:2' in migration URI tcp://h:1:2" },
    { "tcp://[::1:49152", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: malformed IPv6 address in migration URI: tcp://[::1:49152" },
    { "tcp://[::1]x:1", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: malformed IPv6 address in migration URI: tcp://[::1]x:1" },
    { "127.0.0.3:49152", NULL, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: unsupported scheme 127.0.0.3 in migration URI 127.0.0.3:49152" },
    { "hostB", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing scheme in migration URI: hostB" },
    { ":49152", NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing scheme in migration URI: :49152" },
    { "unix:///run/mig.sock", NULL, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: unsupported scheme unix in migration URI unix:///run/mig.sock" },
    { "rdma://127.0.0.3:49152", NULL, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: unsupported scheme rdma in migration URI rdma://127.0.0.3:49152" },
};


static void
testQEMUURI(gconstpointer data)
{
    const testCase *tc = data;
    g_autofree char *qemu = NULL;

    virErrorResetLast();
    qemu = qemuMigrationSrcQEMUURI(tc->uri);
    if (tc->qemu) {
        g_assert_cmpstr(qemu, ==, tc->qemu);
        g_assert_null(virErrorGetLast());
        return;
    }
    g_assert_null(qemu);
    g_assert_cmpint(virErrorGetLastCode(), ==, tc->code);
    g_assert_cmpstr(virTestLastErrorMessage(), ==, tc->message);
}


/* The parsed parts, for what the destination will read from a client's
 * URI: the port is optional there. */
static void
testParse(void)
{
    g_autoptr(qemuMigrationURI) a = qemuMigrationAnyParseURI("tcp://[::1]");
    g_autoptr(qemuMigrationURI) b = qemuMigrationAnyParseURI("tcp:hostB:7");

    g_assert_nonnull(a);
    g_assert_cmpstr(a->scheme, ==, "tcp");
    g_assert_cmpstr(a->host, ==, "::1");
    g_assert_cmpuint(a->port, ==, 0);
    g_assert_nonnull(b);
    g_assert_cmpstr(b->host, ==, "hostB");
    g_assert_cmpuint(b->port, ==, 7);
}


int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *name = g_strdup_printf("/migrationuri/qemu/%zu", i);

        g_test_add_data_func(name, &testCases[i], testQEMUURI);
    }
    g_test_add_func("/migrationuri/parse", testParse);
    return g_test_run();
}
