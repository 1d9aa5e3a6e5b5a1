/*
 * qemumigrationuritest.c: the migration URI in both of libvirt's spellings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A source must accept what any destination hands out: virtmigd and stock
 * libvirt return "tcp:HOST:PORT" from Prepare, and "tcp://HOST:PORT" when
 * the client's --migrateuri was spelt so and lacked the port, and a
 * client may give either.  QEMU itself only understands "tcp:HOST:PORT"
 * (given "tcp://127.0.0.3:49152" it looks up the host "//127.0.0.3").
 * A destination reads the client's URI, port optional.
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


/* The destination reads a client's --migrateuri: the port is optional,
 * and when it picks one it answers in the client's spelling. */
typedef struct {
    const char *uri;
    const char *host;       /* NULL: refused with @code and @message */
    unsigned int port;
    const char *withPort;   /* the answer when the destination picks 49152 */
    int code;
    const char *message;
} testDstCase;

static const testDstCase testDstCases[] = {
    { "tcp://127.0.0.4", "127.0.0.4", 0, "tcp://127.0.0.4:49152", 0, NULL },
    { "tcp://127.0.0.4/", "127.0.0.4", 0, "tcp://127.0.0.4:49152", 0, NULL },
    { "tcp:127.0.0.4", "127.0.0.4", 0, "tcp:127.0.0.4:49152", 0, NULL },
    { "tcp:hostB:7", "hostB", 7, "tcp:hostB:49152", 0, NULL },
    { "tcp://[::1]", "::1", 0, "tcp://[::1]:49152", 0, NULL },
    { "tcp:[fe80::2]:5", "fe80::2", 5, "tcp:[fe80::2]:49152", 0, NULL },
    { "tcp://", NULL, 0, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing host in migration URI: tcp://" },
    { "tcp://h:99999", NULL, 0, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid port '99999' in migration URI tcp://h:99999" },
    { "unix:///run/x.sock", NULL, 0, NULL, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: unsupported scheme unix in migration URI unix:///run/x.sock" },
    { "127.0.0.4", NULL, 0, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: missing scheme in migration URI: 127.0.0.4" },
};


static void
testDstURI(gconstpointer data)
{
    const testDstCase *tc = data;
    g_autoptr(qemuMigrationURI) uri = NULL;
    g_autofree char *withPort = NULL;

    virErrorResetLast();
    uri = qemuMigrationDstParseURI(tc->uri);
    if (!tc->host) {
        g_assert_null(uri);
        g_assert_cmpint(virErrorGetLastCode(), ==, tc->code);
        g_assert_cmpstr(virTestLastErrorMessage(), ==, tc->message);
        return;
    }
    g_assert_nonnull(uri);
    g_assert_null(virErrorGetLast());
    g_assert_cmpstr(uri->scheme, ==, "tcp");
    g_assert_cmpstr(uri->host, ==, tc->host);
    g_assert_cmpuint(uri->port, ==, tc->port);
    withPort = qemuMigrationDstURIWithPort(uri, 49152);
    g_assert_cmpstr(withPort, ==, tc->withPort);
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
    for (i = 0; i < G_N_ELEMENTS(testDstCases); i++) {
        g_autofree char *name = g_strdup_printf("/migrationuri/dst/%zu", i);

        g_test_add_data_func(name, &testDstCases[i], testDstURI);
    }
    return g_test_run();
}
