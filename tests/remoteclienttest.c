/*
 * remoteclienttest.c: the remote client driver: URI parsing, libvirt.so's
 * handshake and every table entry against a fake remote program
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#define LIBVIRT_REMOTE_CLIENT_DRIVERPRIV_H_ALLOW
#include "remote_client_driverpriv.h"
#include "remote_protocol.h"
#include "virnetserver.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* ---- URI parsing ---- */

typedef struct {
    const char *uri;
    unsigned int flags;
    remoteClientTransport transport;
    const char *socketPath;
    const char *host;
    const char *port;
    const char *name;
} testURIData;

static void
testURIParse(const void *opaque)
{
    const testURIData *d = opaque;
    g_autoptr(remoteClientURI) u = NULL;

    if (remoteClientURIParse(d->uri, d->flags, &u) < 0)
        g_error("%s: %s", d->uri, virErrorGetLastMessage());
    g_assert_cmpint(u->transport, ==, d->transport);
    g_assert_cmpstr(u->socketPath, ==, d->socketPath);
    g_assert_cmpstr(u->host, ==, d->host);
    g_assert_cmpstr(u->port, ==, d->port);
    g_assert_cmpstr(u->name, ==, d->name);
}

typedef struct {
    const char *uri;
    int code;
    const char *message;
} testURIErrorData;

static void
testURIError(const void *opaque)
{
    const testURIErrorData *d = opaque;
    g_autoptr(remoteClientURI) u = NULL;

    g_assert_cmpint(remoteClientURIParse(d->uri, 0, &u), ==, -1);
    g_assert_null(u);
    g_assert_cmpint(virErrorGetLastCode(), ==, d->code);
    g_assert_cmpstr(virErrorGetLastMessage(), ==, d->message);
}

#define UNIX REMOTE_CLIENT_TRANSPORT_UNIX
#define TCP REMOTE_CLIENT_TRANSPORT_TCP
static const testURIData testURIs[] = {
    { "qemu:///system", 0, UNIX, REMOTE_CLIENT_DEFAULT_SOCKET, NULL, NULL,
      "qemu:///system" },
    { "qemu+unix:///system", VIR_CONNECT_RO, UNIX,
      REMOTE_CLIENT_DEFAULT_SOCKET_RO, NULL, NULL, "qemu:///system" },
    { "qemu+unix:///system?socket=/tmp/a%20b/sock", 0, UNIX, "/tmp/a b/sock",
      NULL, NULL, "qemu:///system" },
    { "QEMU+UNIX:///system?no_verify=1&socket=/s&foo=b%26r&mode=direct", 0,
      UNIX, "/s", NULL, NULL, "qemu:///system?foo=b%26r" },
    { "qemu+unix:///system?socket=/s&name=qemu:///session", 0, UNIX, "/s",
      NULL, NULL, "qemu:///session" },
    { "qemu+tcp://host.example/system", 0, TCP, NULL, "host.example", "16509",
      "qemu:///system" },
    { "qemu+tcp://[::1]:1234/system?pkipath=/x&keep=1", 0, TCP, NULL, "::1",
      "1234", "qemu:///system?keep=1" },
    { "qemu+tcp:///system", 0, TCP, NULL, "localhost", "16509",
      "qemu:///system" },
};

static const testURIErrorData testURIErrors[] = {
    { "xen:///system", VIR_ERR_NO_CONNECT,
      "no connection driver available for xen:///system" },
    { "qemu+ssh://h/system", VIR_ERR_INVALID_ARG,
      "invalid argument: transport 'ssh' in URI 'qemu+ssh://h/system' is not supported (should be unix|tcp)" },
    { "qemu+bogus:///system", VIR_ERR_INVALID_ARG,
      "invalid argument: transport 'bogus' in URI 'qemu+bogus:///system' is not supported (should be unix|tcp)" },
    { "qemu://h/system", VIR_ERR_INVALID_ARG,
      "invalid argument: URI 'qemu://h/system' implies the TLS transport, which is not supported; use qemu+tcp:// or qemu+unix://" },
    { "qemu+unix://h/system", VIR_ERR_INVALID_ARG,
      "invalid argument: the unix transport cannot reach the remote server 'h'" },
    { "", VIR_ERR_INVALID_ARG, "invalid argument: a connection URI is required" },
};

/* ---- a fake remote program ---- */

static GMutex testLock;
static GString *testLog;        /* procedures seen, in order */
static int testAuthType;

static void
testLogAdd(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void
testLogAdd(const char *fmt, ...)
{
    va_list ap;

    g_mutex_lock(&testLock);
    if (testLog->len)
        g_string_append_c(testLog, ' ');
    va_start(ap, fmt);
    g_string_append_vprintf(testLog, fmt, ap);
    va_end(ap);
    g_mutex_unlock(&testLock);
}

static char *
testLogTake(void)
{
    char *ret;

    g_mutex_lock(&testLock);
    ret = g_strdup(testLog->str);
    g_string_truncate(testLog, 0);
    g_mutex_unlock(&testLock);
    return ret;
}

static int
fakeAuthList(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_auth_list_ret *ret = r;

    testLogAdd("66");
    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = testAuthType;
    return 0;
}

static int
fakeSupportsFeature(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_connect_supports_feature_args *args = a;
    remote_connect_supports_feature_ret *ret = r;

    testLogAdd("60:%d", args->feature);
    if (args->feature == 10)
        virNetServerClientEnableKeepalive(c);
    ret->supported = args->feature == 10 || args->feature == 14 ||
        args->feature == 15 || args->feature == 4;
    return 0;
}

static int
fakeOpen(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_connect_open_args *args = a;
    const char *name = args->name ? *args->name : "(null)";

    testLogAdd("1:%s:%u", name, args->flags);
    if (g_str_has_suffix(name, "/fail")) {
        virReportErrorFull(VIR_FROM_RPC, VIR_ERR_NO_CONNECT, __FILE__,
                           __func__, __LINE__,
                           "no connection driver available for %s", name);
        return -1;
    }
    return 0;
}

#define FAKE_VOID(fn, num) \
    static int \
    fn(virNetServerClient *c, virNetMessage *m, void *a, void *r) \
    { \
        testLogAdd("%d", num); \
        if (num == REMOTE_PROC_CONNECT_CLOSE) \
            virNetServerClientDelayedClose(c); \
        return 0; \
    }
FAKE_VOID(fakeClose, REMOTE_PROC_CONNECT_CLOSE)
FAKE_VOID(fakeRegisterClose, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK)
FAKE_VOID(fakeUnregisterClose, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK)

static int
fakeGetType(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    testLogAdd("3");
    ((remote_connect_get_type_ret *)r)->type = g_strdup("QEMU");
    return 0;
}

static int
fakeGetVersion(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    ((remote_connect_get_version_ret *)r)->hv_ver = 8002000;
    return 0;
}

static int
fakeGetHostname(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    ((remote_connect_get_hostname_ret *)r)->hostname = g_strdup("peer-host");
    return 0;
}

static int
fakeGetCapabilities(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    ((remote_connect_get_capabilities_ret *)r)->capabilities =
        g_strdup("<capabilities/>");
    return 0;
}

static int
fakeGetMaxVcpus(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_connect_get_max_vcpus_args *args = a;

    testLogAdd("5:%s", args->type ? *args->type : "(null)");
    ((remote_connect_get_max_vcpus_ret *)r)->max_vcpus = 255;
    return 0;
}

static int
fakeNodeGetInfo(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_node_get_info_ret *ret = r;

    memset(ret->model, 'x', sizeof(ret->model));
    memcpy(ret->model, "x86_64", 6);
    ret->memory = 1048576;
    ret->cpus = 4;
    ret->mhz = 2000;
    ret->nodes = 1;
    ret->sockets = 1;
    ret->cores = 2;
    ret->threads = 2;
    return 0;
}

static const unsigned char testUUIDa[VIR_UUID_BUFLEN] = { 0xaa, 1, 2, 3 };
static const unsigned char testUUIDb[VIR_UUID_BUFLEN] = { 0xbb, 1, 2, 3 };

static void
fakeFillDomain(remote_nonnull_domain *dom, bool a)
{
    dom->name = g_strdup(a ? "a" : "b");
    memcpy(dom->uuid, a ? testUUIDa : testUUIDb, VIR_UUID_BUFLEN);
    dom->id = a ? 1 : -1;
}

static int
fakeListAll(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_connect_list_all_domains_args *args = a;
    remote_connect_list_all_domains_ret *ret = r;

    testLogAdd("273:%d:%u", args->need_results, args->flags);
    ret->ret = 2;
    if (!args->need_results)
        return 0;
    ret->domains.domains_len = 2;
    ret->domains.domains_val = g_new0(remote_nonnull_domain, 2);
    fakeFillDomain(&ret->domains.domains_val[0], true);
    fakeFillDomain(&ret->domains.domains_val[1], false);
    return 0;
}

static int
fakeListDomains(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_connect_list_domains_ret *ret = r;

    ret->ids.ids_len = 1;
    ret->ids.ids_val = g_new0(int, 1);
    ret->ids.ids_val[0] = 1;
    return 0;
}

static int
fakeListDefined(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_connect_list_defined_domains_ret *ret = r;

    ret->names.names_len = 1;
    ret->names.names_val = g_new0(char *, 1);
    ret->names.names_val[0] = g_strdup("b");
    return 0;
}

static int
fakeNumOf(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    *(int *)r = m->header.proc == REMOTE_PROC_CONNECT_NUM_OF_DOMAINS ? 1 : 7;
    return 0;
}

static int
fakeLookupFinish(bool found, const char *what, remote_nonnull_domain *dom)
{
    if (!found) {
        virReportErrorFull(VIR_FROM_QEMU, VIR_ERR_NO_DOMAIN, __FILE__, __func__,
                           __LINE__, "no domain with matching %s", what);
        return -1;
    }
    fakeFillDomain(dom, true);
    return 0;
}

static int
fakeLookupByID(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    return fakeLookupFinish(((remote_domain_lookup_by_id_args *)a)->id == 1,
                            "id", r);
}

static int
fakeLookupByName(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    return fakeLookupFinish(STREQ(((remote_domain_lookup_by_name_args *)a)->name, "a"),
                            "name", r);
}

static int
fakeLookupByUUID(virNetServerClient *c, virNetMessage *m, void *a, void *r)
{
    remote_domain_lookup_by_uuid_args *args = a;

    return fakeLookupFinish(memcmp(args->uuid, testUUIDa, VIR_UUID_BUFLEN) == 0,
                            "uuid", r);
}

#define XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)
#define FAKE(num, fn, at, rt) \
    [num] = { .name = #num, .func = fn, \
              .argsLen = sizeof(at), .argsFilter = (xdrproc_t)xdr_##at, \
              .retLen = sizeof(rt), .retFilter = (xdrproc_t)xdr_##rt, \
              .highPriority = true, .readonlyAllowed = true }
#define FAKE_RET(num, fn, rt) \
    [num] = { .name = #num, .func = fn, .argsFilter = XDR_VOID, \
              .retLen = sizeof(rt), .retFilter = (xdrproc_t)xdr_##rt, \
              .highPriority = true, .readonlyAllowed = true }
#define FAKE_NONE(num, fn) \
    [num] = { .name = #num, .func = fn, .argsFilter = XDR_VOID, \
              .retFilter = XDR_VOID, .highPriority = true, \
              .readonlyAllowed = true }

static const virNetServerProgramProc fakeProcs[] = {
    FAKE_RET(REMOTE_PROC_AUTH_LIST, fakeAuthList, remote_auth_list_ret),
    FAKE(REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, fakeSupportsFeature,
         remote_connect_supports_feature_args, remote_connect_supports_feature_ret),
    [REMOTE_PROC_CONNECT_OPEN] = { .name = "OPEN", .func = fakeOpen,
        .argsLen = sizeof(remote_connect_open_args),
        .argsFilter = (xdrproc_t)xdr_remote_connect_open_args,
        .retFilter = XDR_VOID, .readonlyAllowed = true },
    FAKE_NONE(REMOTE_PROC_CONNECT_CLOSE, fakeClose),
    FAKE_NONE(REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, fakeRegisterClose),
    FAKE_NONE(REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, fakeUnregisterClose),
    FAKE_RET(REMOTE_PROC_CONNECT_GET_TYPE, fakeGetType, remote_connect_get_type_ret),
    FAKE_RET(REMOTE_PROC_CONNECT_GET_VERSION, fakeGetVersion,
             remote_connect_get_version_ret),
    FAKE_RET(REMOTE_PROC_CONNECT_GET_HOSTNAME, fakeGetHostname,
             remote_connect_get_hostname_ret),
    FAKE_RET(REMOTE_PROC_CONNECT_GET_CAPABILITIES, fakeGetCapabilities,
             remote_connect_get_capabilities_ret),
    FAKE(REMOTE_PROC_CONNECT_GET_MAX_VCPUS, fakeGetMaxVcpus,
         remote_connect_get_max_vcpus_args, remote_connect_get_max_vcpus_ret),
    FAKE_RET(REMOTE_PROC_NODE_GET_INFO, fakeNodeGetInfo, remote_node_get_info_ret),
    FAKE(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, fakeListAll,
         remote_connect_list_all_domains_args, remote_connect_list_all_domains_ret),
    FAKE(REMOTE_PROC_CONNECT_LIST_DOMAINS, fakeListDomains,
         remote_connect_list_domains_args, remote_connect_list_domains_ret),
    FAKE(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, fakeListDefined,
         remote_connect_list_defined_domains_args,
         remote_connect_list_defined_domains_ret),
    FAKE_RET(REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, fakeNumOf,
             remote_connect_num_of_domains_ret),
    FAKE_RET(REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, fakeNumOf,
             remote_connect_num_of_defined_domains_ret),
    FAKE(REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, fakeLookupByID,
         remote_domain_lookup_by_id_args, remote_domain_lookup_by_id_ret),
    FAKE(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, fakeLookupByName,
         remote_domain_lookup_by_name_args, remote_domain_lookup_by_name_ret),
    FAKE(REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, fakeLookupByUUID,
         remote_domain_lookup_by_uuid_args, remote_domain_lookup_by_uuid_ret),
};

typedef struct {
    char *dir;
    char *sock;
    char *uri;
    virNetServer *srv;
    virNetServerProgram *prog;
    GThread *thread;
} testServer;

static void
testServerRun(void *opaque)
{
    virNetServerRun(opaque);
}

static testServer *
testServerStart(void)
{
    testServer *t = g_new0(testServer, 1);
    virNetServerConfig cfg;

    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = 2;
    cfg.prioWorkers = 2;
    t->dir = g_dir_make_tmp("remoteclienttest-XXXXXX", NULL);
    t->sock = g_build_filename(t->dir, "sock", NULL);
    t->uri = g_strdup_printf("qemu+unix:///system?socket=%s", t->sock);
    t->srv = virNetServerNew(&cfg, NULL, NULL);
    t->prog = virNetServerProgramNew(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
                                     fakeProcs, G_N_ELEMENTS(fakeProcs));
    virNetServerAddProgram(t->srv, t->prog);
    g_assert_cmpint(virNetServerAddServiceUNIX(t->srv, t->sock, 0600, false), ==, 0);
    t->thread = virThreadCreate("test-srv", testServerRun, t->srv);
    testAuthType = REMOTE_AUTH_NONE;
    g_free(testLogTake());
    return t;
}

static void
testServerStop(testServer *t)
{
    virNetServerQuit(t->srv);
    virThreadJoin(t->thread);
    virNetServerFree(t->srv);
    virNetServerProgramFree(t->prog);
    rmdir(t->dir);
    g_free(t->uri);
    g_free(t->sock);
    g_free(t->dir);
    g_free(t);
}

/* ---- tests ---- */

/* The handshake and the close are libvirt.so's, in order. */
static void
testHandshake(void)
{
    testServer *t = testServerStart();
    g_autofree char *uri = g_strdup_printf("%s&foo=bar&no_verify=1", t->uri);
    g_autofree char *log1 = NULL;
    g_autofree char *log2 = NULL;
    virConn *conn = remoteClientConnOpen(uri, VIR_CONNECT_RO);

    g_assert_nonnull(conn);
    g_assert_cmpstr(conn->uri, ==, uri);
    g_assert_true(conn->readonly);
    g_assert_true(remoteClientConnIsAlive(conn));
    log1 = testLogTake();
    g_assert_cmpstr(log1, ==, "66 60:10 1:qemu:///system?foo=bar:1 60:14 60:15 360");
    g_assert_cmpint(conn->driver->connectClose(conn), ==, 0);
    log2 = testLogTake();
    g_assert_cmpstr(log2, ==, "361 2");
    testServerStop(t);
}

static void
testEntries(void)
{
    testServer *t = testServerStart();
    virConn *conn = remoteClientConnOpen(t->uri, 0);
    const virHypervisorDriver *drv;
    g_autofree char *hostname = NULL;
    g_autofree char *caps = NULL;
    g_autofree char *log = NULL;
    g_autoptr(virDomainIdent) dom = NULL;
    virDomainIdent **doms = NULL;
    unsigned long long ver = 0;
    virNodeInfo info;
    char *names[4] = { NULL };
    int ids[4] = { 0 };

    g_assert_nonnull(conn);
    drv = conn->driver;
    g_free(testLogTake());
    g_assert_cmpstr(drv->connectGetType(conn), ==, "QEMU");
    g_assert_cmpstr(drv->connectGetType(conn), ==, "QEMU");
    log = testLogTake();
    g_assert_cmpstr(log, ==, "3");         /* cached */
    g_assert_cmpint(drv->connectGetVersion(conn, &ver), ==, 0);
    g_assert_cmpuint(ver, ==, 8002000);
    hostname = drv->connectGetHostname(conn);
    g_assert_cmpstr(hostname, ==, "peer-host");
    caps = drv->connectGetCapabilities(conn);
    g_assert_cmpstr(caps, ==, "<capabilities/>");
    g_assert_cmpint(drv->connectGetMaxVcpus(conn, "kvm"), ==, 255);
    g_assert_cmpint(drv->connectSupportsFeature(conn, 4), ==, 1);
    g_assert_cmpint(drv->connectSupportsFeature(conn, 5), ==, 0);
    g_assert_cmpint(drv->nodeGetInfo(conn, &info), ==, 0);
    /* 32 bytes without a NUL on the wire: cut to 31 and terminated */
    g_assert_cmpstr(info.model, ==, "x86_64xxxxxxxxxxxxxxxxxxxxxxxxx");
    g_assert_cmpuint(info.memory, ==, 1048576);
    g_assert_cmpuint(info.cpus, ==, 4);
    g_assert_cmpuint(info.threads, ==, 2);

    g_assert_cmpint(drv->connectListAllDomains(conn, &doms, 3), ==, 2);
    g_assert_cmpstr(doms[0]->name, ==, "a");
    g_assert_cmpint(doms[0]->id, ==, 1);
    g_assert_cmpint(doms[1]->id, ==, -1);
    g_assert_cmpmem(doms[1]->uuid, VIR_UUID_BUFLEN, testUUIDb, VIR_UUID_BUFLEN);
    g_assert_null(doms[2]);
    virDomainIdentListFree(doms, 2);
    g_assert_cmpint(drv->connectListAllDomains(conn, NULL, 0), ==, 2);
    g_assert_cmpint(drv->connectListDomains(conn, ids, 4), ==, 1);
    g_assert_cmpint(ids[0], ==, 1);
    g_assert_cmpint(drv->connectListDefinedDomains(conn, names, 4), ==, 1);
    g_assert_cmpstr(names[0], ==, "b");
    g_free(names[0]);
    g_assert_cmpint(drv->connectNumOfDomains(conn), ==, 1);
    g_assert_cmpint(drv->connectNumOfDefinedDomains(conn), ==, 7);
    g_free(log);
    log = testLogTake();
    g_assert_cmpstr(log, ==, "5:kvm 60:4 60:5 273:1:3 273:0:0");

    dom = drv->domainLookupByName(conn, "a");
    g_assert_nonnull(dom);
    g_assert_cmpmem(dom->uuid, VIR_UUID_BUFLEN, testUUIDa, VIR_UUID_BUFLEN);
    g_clear_pointer(&dom, virDomainIdentFree);
    dom = drv->domainLookupByUUID(conn, testUUIDa);
    g_assert_cmpstr(dom->name, ==, "a");
    g_clear_pointer(&dom, virDomainIdentFree);
    dom = drv->domainLookupByID(conn, 1);
    g_assert_cmpint(dom->id, ==, 1);
    g_clear_pointer(&dom, virDomainIdentFree);

    g_assert_null(drv->domainLookupByName(conn, "zz"));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_NO_DOMAIN);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "Domain not found: no domain with matching name");
    g_assert_cmpint(virErrorGetLast()->domain, ==, VIR_FROM_QEMU);

    /* not served by the fake: "unknown procedure" becomes NO_SUPPORT */
    g_assert_null(drv->connectGetSysinfo(conn, 0));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_NO_SUPPORT);
    g_assert_cmpint(drv->connectClose(conn), ==, 0);
    testServerStop(t);
}

/* A failed CONNECT_OPEN passes the peer's error through and closes the
 * socket without CONNECT_CLOSE. */
static void
testOpenFailure(void)
{
    testServer *t = testServerStart();
    g_autofree char *uri = g_strdup_printf("%s&name=qemu:///fail", t->uri);
    g_autofree char *log = NULL;

    g_assert_null(remoteClientConnOpen(uri, 0));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_NO_CONNECT);
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "no connection driver available for qemu:///fail");
    log = testLogTake();
    g_assert_cmpstr(log, ==, "66 60:10 1:qemu:///fail:0");

    testAuthType = 1;   /* SASL */
    g_assert_null(remoteClientConnOpen(t->uri, 0));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_AUTH_FAILED);
    testServerStop(t);
}

static void
testConnectFailure(void)
{
    g_assert_null(remoteClientConnOpen("qemu+unix:///system?socket=/nonexistent/sock", 0));
    g_assert_nonnull(strstr(virErrorGetLastMessage(), "'/nonexistent/sock'"));
    g_assert_null(remoteClientConnOpen("qemu+tcp://127.0.0.1:1/system", 0));
    g_assert_nonnull(strstr(virErrorGetLastMessage(), "127.0.0.1:1"));
    g_assert_null(remoteClientConnOpen("qemu:///system", 0x10));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
    g_assert_false(remoteClientConnIsAlive(NULL));
}

int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    testLog = g_string_new(NULL);
    for (i = 0; i < G_N_ELEMENTS(testURIs); i++) {
        g_autofree char *name = g_strdup_printf("/remote/client/uri/%zu", i);
        g_test_add_data_func(name, &testURIs[i], testURIParse);
    }
    for (i = 0; i < G_N_ELEMENTS(testURIErrors); i++) {
        g_autofree char *name = g_strdup_printf("/remote/client/uri-error/%zu", i);
        g_test_add_data_func(name, &testURIErrors[i], testURIError);
    }
    g_test_add_func("/remote/client/handshake", testHandshake);
    g_test_add_func("/remote/client/entries", testEntries);
    g_test_add_func("/remote/client/open-failure", testOpenFailure);
    g_test_add_func("/remote/client/connect-failure", testConnectFailure);
    return g_test_run();
}
