/*
 * virnettlstest.c: TLS contexts (the pre-flight checks) and virNetClient
 * against virNetServer over TLS, with certificates certtool makes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#define LIBVIRT_VIRNETCLIENTPRIV_H_ALLOW
#include "virnetclientpriv.h"
#include "virnetserver.h"
#include "virnettlscontext.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_PROGRAM 0x7e57715
#define TEST_BIG_MAX (4 * 1024 * 1024)

enum {
    TEST_PROC_OPEN = 1,
    TEST_PROC_BIG = 2,      /* int n -> a string of n bytes */
    TEST_PROC_LAST
};

static char *testDir;


/* ---- certificates ---- */

static void
testCerttool(const char *const *argv)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                      &status, &gerr) || !g_spawn_check_wait_status(status, NULL))
        g_error("certtool failed: %s", gerr ? gerr->message : err);
}


static char *
testPath(const char *name)
{
    return g_build_filename(testDir, name, NULL);
}


/* @name-key.pem and @name-cert.pem signed by @ca (NULL: self-signed CA). */
static void
testIssue(const char *name, const char *ca, const char *tmpl)
{
    g_autofree char *key = g_strdup_printf("%s/%s-key.pem", testDir, name);
    g_autofree char *cert = g_strdup_printf("%s/%s-cert.pem", testDir, name);
    g_autofree char *info = g_strdup_printf("%s/%s.info", testDir, name);
    g_autofree char *cakey = ca ? g_strdup_printf("%s/%s-key.pem", testDir, ca) : NULL;
    g_autofree char *cacert = ca ? g_strdup_printf("%s/%s-cert.pem", testDir, ca) : NULL;
    const char *genkey[] = { "certtool", "--generate-privkey", "--outfile", key, NULL };
    const char *self[] = { "certtool", "--generate-self-signed", "--load-privkey",
                           key, "--template", info, "--outfile", cert, NULL };
    const char *sign[] = { "certtool", "--generate-certificate", "--load-privkey",
                           key, "--load-ca-certificate", cacert,
                           "--load-ca-privkey", cakey, "--template", info,
                           "--outfile", cert, NULL };

    g_assert_true(g_file_set_contents(info, tmpl, -1, NULL));
    testCerttool(genkey);
    g_assert_cmpint(chmod(key, 0600), ==, 0);
    testCerttool(ca ? sign : self);
}


static void
testMakeCerts(void)
{
    static const char caTmpl[] = "cn = \"test CA\"\nca\ncert_signing_key\nexpiration_days = 30\n";
    static const char serverTmpl[] = "cn = \"server\"\nip_address = \"127.0.0.1\"\n"
        "tls_www_server\nsigning_key\nencryption_key\nexpiration_days = 30\n";
    static const char goodTmpl[] = "cn = \"good-client\"\norganization = \"t\"\n"
        "tls_www_client\nsigning_key\nencryption_key\nexpiration_days = 30\n";
    static const char otherTmpl[] = "cn = \"other-client\"\norganization = \"t\"\n"
        "tls_www_client\nsigning_key\nencryption_key\nexpiration_days = 30\n";

    testIssue("ca", NULL, caTmpl);
    testIssue("rogueca", NULL, caTmpl);
    testIssue("server", "ca", serverTmpl);
    testIssue("good", "ca", goodTmpl);
    testIssue("other", "ca", otherTmpl);
    testIssue("rogue", "rogueca", goodTmpl);
}


/* A config with @ca's CA and @name's certificate and key. */
static void
testConfig(virNetTLSConfig *cfg, const char *ca, const char *name)
{
    cfg->caFile = g_strdup_printf("%s/%s-cert.pem", testDir, ca);
    cfg->certFile = g_strdup_printf("%s/%s-cert.pem", testDir, name);
    cfg->keyFile = g_strdup_printf("%s/%s-key.pem", testDir, name);
    cfg->verifyPeer = true;
}


/* ---- pre-flight ---- */

static void
testContextRefused(virNetTLSConfig *cfg, bool server, const char *expect)
{
    g_autoptr(virNetTLSContext) ctx = server ? virNetTLSContextNewServer(cfg) :
                                               virNetTLSContextNewClient(cfg);

    g_assert_null(ctx);
    if (!strstr(virErrorGetLastMessage(), expect))
        g_error("'%s' does not say '%s'", virErrorGetLastMessage(), expect);
    virErrorResetLast();
}


static void
testPreflight(void)
{
    g_auto(virNetTLSConfig) good = { 0 };
    g_auto(virNetTLSConfig) wrongCA = { 0 };
    g_auto(virNetTLSConfig) mismatch = { 0 };
    g_auto(virNetTLSConfig) perms = { 0 };
    g_autoptr(virNetTLSContext) ctx = NULL;
    g_autofree char *expect = NULL;

    testConfig(&good, "ca", "server");
    ctx = virNetTLSContextNewServer(&good);
    g_assert_nonnull(ctx);

    testConfig(&wrongCA, "rogueca", "server");
    expect = g_strdup_printf("server certificate '%s' is not signed by the CA in '%s'",
                             wrongCA.certFile, wrongCA.caFile);
    testContextRefused(&wrongCA, true, expect);

    testConfig(&mismatch, "ca", "server");
    g_free(mismatch.keyFile);
    mismatch.keyFile = testPath("good-key.pem");
    g_free(expect);
    expect = g_strdup_printf("private key '%s' does not match certificate '%s'",
                             mismatch.keyFile, mismatch.certFile);
    testContextRefused(&mismatch, true, expect);

    testConfig(&perms, "ca", "server");
    g_assert_cmpint(chmod(perms.keyFile, 0644), ==, 0);
    g_free(expect);
    expect = g_strdup_printf("private key '%s' has mode 0644", perms.keyFile);
    testContextRefused(&perms, true, expect);
    g_assert_cmpint(chmod(perms.keyFile, 0600), ==, 0);

    g_free(perms.crlFile);
    perms.crlFile = testPath("no-such-crl.pem");
    perms.crlRequired = true;
    testContextRefused(&perms, true, "no-such-crl.pem");
    perms.crlRequired = false;
    g_clear_pointer(&ctx, virNetTLSContextFree);
    ctx = virNetTLSContextNewServer(&perms);
    g_assert_nonnull(ctx);

    g_free(perms.priority);
    perms.priority = g_strdup("NORMAL:+NOT-A-THING");
    testContextRefused(&perms, true, "invalid TLS priority string");
}


/* ---- a server ---- */

static int
testOpen(virNetServerClient *client, virNetMessage *msg G_GNUC_UNUSED,
         void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    virNetServerClientSetOpen(client);
    return 0;
}


static int
testBig(virNetServerClient *client G_GNUC_UNUSED,
        virNetMessage *msg G_GNUC_UNUSED, void *args, void *ret)
{
    int n = *(int *)args;
    char *s;

    if (n < 0 || n > TEST_BIG_MAX) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", "bad size");
        return -1;
    }
    s = g_malloc(n + 1);
    memset(s, 'x', n);
    s[n] = '\0';
    *(char **)ret = s;
    return 0;
}


static bool_t
testXdrBig(XDR *xdr, char **s, ...)
{
    return xdr_string(xdr, s, TEST_BIG_MAX);
}

#define TEST_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)
static const virNetServerProgramProc testProcs[] = {
    [TEST_PROC_OPEN] = { .name = "OPEN", .func = testOpen,
                         .argsFilter = TEST_XDR_VOID, .retFilter = TEST_XDR_VOID,
                         .readonlyAllowed = true },
    [TEST_PROC_BIG] = { .name = "BIG", .func = testBig,
                        .argsLen = sizeof(int), .argsFilter = (xdrproc_t)xdr_int,
                        .retLen = sizeof(char *), .retFilter = (xdrproc_t)testXdrBig,
                        .readonlyAllowed = true, .needsOpen = true },
};

typedef struct {
    virNetServer *srv;
    virNetServerProgram *prog;
    GThread *thread;
    char port[16];
} testServer;


static void
testServerRun(void *opaque)
{
    virNetServerRun(opaque);
}


static int
testFreePort(void)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sin, &len), ==, 0);
    close(fd);
    return ntohs(sin.sin_port);
}


static testServer *
testServerStart(void)
{
    testServer *t = g_new0(testServer, 1);
    g_auto(virNetTLSConfig) cfg = { 0 };
    g_autofree char *hostport = NULL;
    virNetServerConfig scfg;
    virNetTLSContext *ctx;

    testConfig(&cfg, "ca", "server");
    cfg.dnAllowList = g_strsplit("*,CN=good-*", "|", -1);
    ctx = virNetTLSContextNewServer(&cfg);
    g_assert_nonnull(ctx);
    virNetServerConfigDefaults(&scfg);
    scfg.maxWorkers = 4;
    scfg.prioWorkers = 1;
    t->srv = virNetServerNew(&scfg, NULL, NULL);
    t->prog = virNetServerProgramNew(TEST_PROGRAM, 1, testProcs, TEST_PROC_LAST);
    virNetServerAddProgram(t->srv, t->prog);
    g_snprintf(t->port, sizeof(t->port), "%d", testFreePort());
    hostport = g_strdup_printf("127.0.0.1:%s", t->port);
    g_assert_cmpint(virNetServerAddServiceTLS(t->srv, hostport, ctx), ==, 0);
    t->thread = virThreadCreate("test-srv", testServerRun, t->srv);
    return t;
}


static void
testServerStop(testServer *t)
{
    virNetServerQuit(t->srv);
    virThreadJoin(t->thread);
    virNetServerFree(t->srv);
    virNetServerProgramFree(t->prog);
    g_free(t);
}


/* A client with @name's certificate; the rogue one trusts its own CA. */
static virNetClient *
testClientConnect(testServer *t, const char *name, bool verify)
{
    g_auto(virNetTLSConfig) cfg = { 0 };
    virNetTLSContext *ctx;

    testConfig(&cfg, STREQ(name, "rogue") ? "rogueca" : "ca", name);
    cfg.verifyPeer = verify;
    ctx = virNetTLSContextNewClient(&cfg);
    g_assert_nonnull(ctx);
    return virNetClientNewTLS("127.0.0.1", t->port, ctx, 10000);
}


/* Calls OPEN, then BIG for sizes that span many TLS records, checking
 * every byte. */
static void
testCalls(virNetClient *client)
{
    static const int sizes[] = { 0, 1, 16383, 16384, 100000, TEST_BIG_MAX };
    size_t i;

    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_OPEN,
                                     NULL, NULL, NULL, NULL, 10000), ==, 0);
    for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
        int n = sizes[i];
        char *s = NULL;
        size_t j;

        if (virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_BIG,
                             (xdrproc_t)xdr_int, &n, (xdrproc_t)testXdrBig, &s,
                             30000) < 0)
            g_error("BIG %d: %s", n, virErrorGetLastMessage());
        g_assert_cmpuint(strlen(s), ==, (size_t)n);
        for (j = 0; j < (size_t)n; j++)
            g_assert_cmpint(s[j], ==, 'x');
        xdr_free((xdrproc_t)testXdrBig, (char *)&s);
    }
}


static void
testRoundTrip(void)
{
    testServer *t = testServerStart();
    virNetClient *client = testClientConnect(t, "good", true);

    if (!client)
        g_error("connect: %s", virErrorGetLastMessage());
    testCalls(client);
    virNetClientClose(client);
    virNetClientUnref(client);
    testServerStop(t);
}


/* Several clients at once, each with calls in flight. */
static void
testConcurrentThread(void *opaque)
{
    testCalls(opaque);
}


static void
testConcurrent(void)
{
    testServer *t = testServerStart();
    virNetClient *clients[3];
    GThread *threads[G_N_ELEMENTS(clients) * 2];
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(clients); i++) {
        g_assert_nonnull((clients[i] = testClientConnect(t, "good", true)));
    }
    for (i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = virThreadCreate("test-calls", testConcurrentThread,
                                     clients[i % G_N_ELEMENTS(clients)]);
    for (i = 0; i < G_N_ELEMENTS(threads); i++)
        virThreadJoin(threads[i]);
    for (i = 0; i < G_N_ELEMENTS(clients); i++)
        virNetClientUnref(clients[i]);
    testServerStop(t);
}


static void
testRefused(void)
{
    testServer *t = testServerStart();
    static const char *const names[] = { "other", "rogue" };
    virNetClient *good;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        virNetClient *client = testClientConnect(t, names[i], false);

        g_assert_null(client);
        if (!strstr(virErrorGetLastMessage(), "the server refused this client"))
            g_error("%s: %s", names[i], virErrorGetLastMessage());
        virErrorResetLast();
    }
    /* and it still serves the good one */
    good = testClientConnect(t, "good", true);
    g_assert_nonnull(good);
    virNetClientUnref(good);
    testServerStop(t);
}


/* The client checks the server: a CA that did not sign it is refused. */
static void
testServerNotTrusted(void)
{
    testServer *t = testServerStart();
    g_auto(virNetTLSConfig) cfg = { 0 };
    virNetTLSContext *ctx;

    testConfig(&cfg, "rogueca", "rogue");
    ctx = virNetTLSContextNewClient(&cfg);
    g_assert_nonnull(ctx);
    g_assert_null(virNetClientNewTLS("127.0.0.1", t->port, ctx, 10000));
    if (!strstr(virErrorGetLastMessage(), "the server's certificate failed verification"))
        g_error("%s", virErrorGetLastMessage());
    virErrorResetLast();
    testServerStop(t);
}


static void
testRemoveDir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        unlink(path);
    }
    rmdir(dir);
}


int
main(int argc, char **argv)
{
    g_autofree char *certtool = g_find_program_in_path("certtool");
    int rc;

    virTestInit(&argc, &argv);
    if (!certtool) {
        g_print("1..0 # SKIP certtool (gnutls-bin) is not installed\n");
        return 77;
    }
    testDir = g_dir_make_tmp("virnettlstest-XXXXXX", NULL);
    testMakeCerts();
    g_test_add_func("/tls/preflight", testPreflight);
    g_test_add_func("/tls/round-trip", testRoundTrip);
    g_test_add_func("/tls/concurrent", testConcurrent);
    g_test_add_func("/tls/refused", testRefused);
    g_test_add_func("/tls/server-not-trusted", testServerNotTrusted);
    rc = g_test_run();
    testRemoveDir(testDir);
    g_free(testDir);
    return rc;
}
