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
#include "remote_daemon_dispatch.h"
#include "remote_protocol.h"
#include "virnetserver.h"
#include "virthread.h"
#include "virtypedparam.h"

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
#define TLS REMOTE_CLIENT_TRANSPORT_TLS
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
    { "qemu+tls://127.0.0.1:16600/system?pkipath=/p&no_verify=1", 0, TLS,
      NULL, "127.0.0.1", "16600", "qemu:///system" },
    { "qemu://h/system", 0, TLS, NULL, "h", "16514", "qemu:///system" },
};

static const testURIErrorData testURIErrors[] = {
    { "xen:///system", VIR_ERR_NO_CONNECT,
      "no connection driver available for xen:///system" },
    { "qemu+bogus:///system", VIR_ERR_INVALID_ARG,
      "invalid argument: transport 'bogus' in URI 'qemu+bogus:///system' is not supported (should be unix|tcp|tls|ssh)" },
    { "qemu+ssh://h/system?proxy=socat", VIR_ERR_INVALID_ARG,
      "invalid argument: Unknown proxy type 'socat'" },
    { "qemu+ssh://h/system?mode=odd", VIR_ERR_INVALID_ARG,
      "invalid argument: Unknown remote mode 'odd'" },
    { "qemu+ssh://h/system?mode=direct", VIR_ERR_OPERATION_UNSUPPORTED,
      "Operation not supported: Cannot use direct socket mode for ssh transport" },
    { "qemu+unix://h/system", VIR_ERR_INVALID_ARG,
      "invalid argument: the unix transport cannot reach the remote server 'h'" },
    { "", VIR_ERR_INVALID_ARG,
      "invalid argument: a connection URI is required" },
};

/* qemu+ssh:// as libvirt.so reads it. */
typedef struct {
    const char *uri;
    unsigned int flags;
    const char *host;
    const char *port;
    const char *username;
    const char *socketPath;
    const char *command;
    const char *keyfile;
    const char *netcat;
    virNetClientProxy proxy;
    bool noTTY;
    bool noVerify;
    const char *name;
} testSSHURIData;

#define SSH_SOCK REMOTE_CLIENT_SSH_DEFAULT_SOCKET
#define AUTO VIR_NET_CLIENT_PROXY_AUTO
#define NETCAT VIR_NET_CLIENT_PROXY_NETCAT
#define NATIVE VIR_NET_CLIENT_PROXY_NATIVE
static const testSSHURIData testSSHURIs[] = {
    { "qemu+ssh://dest/system", 0, "dest", NULL, NULL, SSH_SOCK, NULL, NULL,
      NULL, AUTO, false, false, "qemu:///system" },
    { "qemu+ssh://dest/system", VIR_CONNECT_RO, "dest", NULL, NULL,
      REMOTE_CLIENT_SSH_DEFAULT_SOCKET_RO, NULL, NULL, NULL, AUTO, false, false,
      "qemu:///system" },
    { "qemu+ssh://root@127.0.0.1:2222/system?socket=/run/virtmig/virtmigd-sock",
      0, "127.0.0.1", "2222", "root", "/run/virtmig/virtmigd-sock", NULL, NULL,
      NULL, NETCAT, false, false, "qemu:///system" },
    { "qemu+ssh://a%20b@[::1]/system?command=/t/my%20ssh&keyfile=/k&no_tty=1"
      "&no_verify=1&netcat=/bin/nc&proxy=native&mode=legacy&keep=1",
      0, "::1", NULL, "a b", SSH_SOCK, "/t/my ssh", "/k", "/bin/nc", NATIVE,
      true, true, "qemu:///system?keep=1" },
    { "QEMU+SSH://h/system?socket=/s&proxy=auto&no_tty=0&mode=direct", 0, "h",
      NULL, NULL, "/s", NULL, NULL, NULL, AUTO, false, false,
      "qemu:///system" },
};

static void
testSSHURIParse(const void *opaque)
{
    const testSSHURIData *d = opaque;
    g_autoptr(remoteClientURI) u = NULL;

    if (remoteClientURIParse(d->uri, d->flags, &u) < 0)
        g_error("%s: %s", d->uri, virErrorGetLastMessage());
    g_assert_cmpint(u->transport, ==, REMOTE_CLIENT_TRANSPORT_SSH);
    g_assert_cmpstr(u->host, ==, d->host);
    g_assert_cmpstr(u->port, ==, d->port);
    g_assert_cmpstr(u->username, ==, d->username);
    g_assert_cmpstr(u->socketPath, ==, d->socketPath);
    g_assert_cmpstr(u->command, ==, d->command);
    g_assert_cmpstr(u->keyfile, ==, d->keyfile);
    g_assert_cmpstr(u->netcat, ==, d->netcat);
    g_assert_cmpint(u->proxy, ==, d->proxy);
    g_assert_cmpint(u->noTTY, ==, d->noTTY);
    g_assert_cmpint(u->noVerify, ==, d->noVerify);
    g_assert_cmpint(u->readonly, ==, !!(d->flags & VIR_CONNECT_RO));
    g_assert_cmpstr(u->name, ==, d->name);
}

/* ---- a fake remote program ---- */

static GMutex testLock;
static GString *testLog;        /* procedures seen, in order */
static int testAuthType;
static bool testMigParams;      /* what the fake answers for feature 13 */

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
fakeAuthList(virNetServerClient *c G_GNUC_UNUSED,
             virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    remote_auth_list_ret *ret = r;

    testLogAdd("66");
    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = testAuthType;
    return 0;
}

static int
fakeSupportsFeature(virNetServerClient *c, virNetMessage *m G_GNUC_UNUSED,
                    void *a, void *r)
{
    remote_connect_supports_feature_args *args = a;
    remote_connect_supports_feature_ret *ret = r;

    testLogAdd("60:%d", args->feature);
    if (args->feature == 10)
        virNetServerClientEnableKeepalive(c);
    ret->supported = args->feature == 10 || args->feature == 14 ||
        args->feature == 15 || args->feature == 4 ||
        (args->feature == 13 && testMigParams);
    return 0;
}

static int
fakeOpen(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m G_GNUC_UNUSED,
         void *a, void *r G_GNUC_UNUSED)
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
    fn(virNetServerClient *c, virNetMessage *m G_GNUC_UNUSED, \
       void *a G_GNUC_UNUSED, void *r G_GNUC_UNUSED) \
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
fakeGetType(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m G_GNUC_UNUSED,
            void *a G_GNUC_UNUSED, void *r)
{
    testLogAdd("3");
    ((remote_connect_get_type_ret *)r)->type = g_strdup("QEMU");
    return 0;
}

static int
fakeGetVersion(virNetServerClient *c G_GNUC_UNUSED,
               virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    ((remote_connect_get_version_ret *)r)->hv_ver = 8002000;
    return 0;
}

static int
fakeGetHostname(virNetServerClient *c G_GNUC_UNUSED,
                virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    ((remote_connect_get_hostname_ret *)r)->hostname = g_strdup("peer-host");
    return 0;
}

static int
fakeGetCapabilities(virNetServerClient *c G_GNUC_UNUSED,
                    virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED,
                    void *r)
{
    ((remote_connect_get_capabilities_ret *)r)->capabilities =
        g_strdup("<capabilities/>");
    return 0;
}

static int
fakeGetMaxVcpus(virNetServerClient *c G_GNUC_UNUSED,
                virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    remote_connect_get_max_vcpus_args *args = a;

    testLogAdd("5:%s", args->type ? *args->type : "(null)");
    ((remote_connect_get_max_vcpus_ret *)r)->max_vcpus = 255;
    return 0;
}

static int
fakeNodeGetInfo(virNetServerClient *c G_GNUC_UNUSED,
                virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
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
fakeListAll(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m G_GNUC_UNUSED,
            void *a, void *r)
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
fakeListDomains(virNetServerClient *c G_GNUC_UNUSED,
                virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    remote_connect_list_domains_ret *ret = r;

    ret->ids.ids_len = 1;
    ret->ids.ids_val = g_new0(int, 1);
    ret->ids.ids_val[0] = 1;
    return 0;
}

static int
fakeListDefined(virNetServerClient *c G_GNUC_UNUSED,
                virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    remote_connect_list_defined_domains_ret *ret = r;

    ret->names.names_len = 1;
    ret->names.names_val = g_new0(char *, 1);
    ret->names.names_val[0] = g_strdup("b");
    return 0;
}

static int
fakeNumOf(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m,
          void *a G_GNUC_UNUSED, void *r)
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
fakeLookupByID(virNetServerClient *c G_GNUC_UNUSED,
               virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    return fakeLookupFinish(((remote_domain_lookup_by_id_args *)a)->id == 1,
                            "id", r);
}

static int
fakeLookupByName(virNetServerClient *c G_GNUC_UNUSED,
                 virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    return fakeLookupFinish(STREQ(((remote_domain_lookup_by_name_args *)a)->name, "a"),
                            "name", r);
}

static int
fakeLookupByUUID(virNetServerClient *c G_GNUC_UNUSED,
                 virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    remote_domain_lookup_by_uuid_args *args = a;

    return fakeLookupFinish(memcmp(args->uuid, testUUIDa, VIR_UUID_BUFLEN) == 0,
                            "uuid", r);
}

/* ---- lifecycle, jobs and migration on the fake ---- */

static int
fakeDomFlags(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m, void *a,
             void *r G_GNUC_UNUSED)
{
    remote_domain_destroy_flags_args *args = a;

    testLogAdd("%d:%s:%u", m->header.proc, args->dom.name, args->flags);
    return 0;
}

static int
fakeDomOnly(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m, void *a,
            void *r G_GNUC_UNUSED)
{
    testLogAdd("%d:%s", m->header.proc, ((remote_domain_suspend_args *)a)->dom.name);
    return 0;
}

static int
fakeGetState(virNetServerClient *c G_GNUC_UNUSED,
             virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    remote_domain_get_state_ret *ret = r;

    ret->state = VIR_DOMAIN_PAUSED;
    ret->reason = VIR_DOMAIN_PAUSED_MIGRATION;
    return 0;
}

static int
fakeJobStats(virNetServerClient *c G_GNUC_UNUSED,
             virNetMessage *m G_GNUC_UNUSED, void *a G_GNUC_UNUSED, void *r)
{
    remote_domain_get_job_stats_ret *ret = r;

    ret->type = VIR_DOMAIN_JOB_UNBOUNDED;
    ret->params.params_len = 2;
    ret->params.params_val = g_new0(remote_typed_param, 2);
    ret->params.params_val[0].field = g_strdup(VIR_DOMAIN_JOB_TIME_ELAPSED);
    ret->params.params_val[0].value.type = VIR_TYPED_PARAM_ULLONG;
    ret->params.params_val[0].value.remote_typed_param_value_u.ul = 1234;
    ret->params.params_val[1].field = g_strdup("note");
    ret->params.params_val[1].value.type = VIR_TYPED_PARAM_STRING;
    ret->params.params_val[1].value.remote_typed_param_value_u.s = g_strdup("hi");
    return 0;
}

static void
fakeLogParams(const char *prefix, const remote_typed_param *val, u_int len,
              u_int cookieLen, unsigned long long flags)
{
    g_autoptr(GString) s = g_string_new(prefix);
    u_int i;

    for (i = 0; i < len; i++)
        g_string_append_printf(s, ":%s", val[i].field);
    testLogAdd("%s:cookie=%u:flags=0x%llx", s->str, cookieLen, flags);
}

static int
fakePrepare3Params(virNetServerClient *c G_GNUC_UNUSED,
                   virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    remote_domain_migrate_prepare3_params_args *args = a;
    remote_domain_migrate_prepare3_params_ret *ret = r;

    fakeLogParams("303", args->params.params_val, args->params.params_len,
                  args->cookie_in.cookie_in_len, args->flags);
    ret->cookie_out.cookie_out_val = g_strdup("cookie-p");
    ret->cookie_out.cookie_out_len = 8;
    ret->uri_out = g_new0(char *, 1);
    *ret->uri_out = g_strdup("tcp:dst:49152");
    return 0;
}

static int
fakePrepare3(virNetServerClient *c G_GNUC_UNUSED,
             virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    remote_domain_migrate_prepare3_args *args = a;
    remote_domain_migrate_prepare3_ret *ret = r;

    testLogAdd("214:xml=%s:dname=%s:resource=%llu:flags=0x%llx", args->dom_xml,
               args->dname ? *args->dname : "(null)",
               (unsigned long long)args->resource,
               (unsigned long long)args->flags);
    ret->uri_out = g_new0(char *, 1);
    *ret->uri_out = g_strdup("tcp:dst:49153");
    return 0;
}

static int
fakeFinish3Params(virNetServerClient *c G_GNUC_UNUSED,
                  virNetMessage *m G_GNUC_UNUSED, void *a, void *r)
{
    remote_domain_migrate_finish3_params_args *args = a;
    remote_domain_migrate_finish3_params_ret *ret = r;

    fakeLogParams("306", args->params.params_val, args->params.params_len,
                  args->cookie_in.cookie_in_len, args->flags);
    if (args->cancelled) {
        virReportErrorFull(VIR_FROM_QEMU, VIR_ERR_MIGRATE_FINISH_OK, __FILE__,
                           __func__, __LINE__, NULL);
        return -1;
    }
    fakeFillDomain(&ret->dom, true);
    return 0;
}

static int
fakeFinish3(virNetServerClient *c G_GNUC_UNUSED, virNetMessage *m G_GNUC_UNUSED,
            void *a, void *r)
{
    remote_domain_migrate_finish3_args *args = a;
    remote_domain_migrate_finish3_ret *ret = r;

    testLogAdd("217:dname=%s:uri=%s:cancelled=%d", args->dname,
               args->uri ? *args->uri : "(null)", args->cancelled);
    fakeFillDomain(&ret->dom, true);
    ret->cookie_out.cookie_out_val = g_strdup("c3");
    ret->cookie_out.cookie_out_len = 2;
    return 0;
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
#define FAKE_ARGS(num, fn, at) \
    [num] = { .name = #num, .func = fn, \
              .argsLen = sizeof(at), .argsFilter = (xdrproc_t)xdr_##at, \
              .retFilter = XDR_VOID, .highPriority = true, \
              .readonlyAllowed = true }
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
    FAKE_ARGS(REMOTE_PROC_DOMAIN_DESTROY_FLAGS, fakeDomFlags,
              remote_domain_destroy_flags_args),
    FAKE_ARGS(REMOTE_PROC_DOMAIN_SUSPEND, fakeDomOnly, remote_domain_suspend_args),
    FAKE_ARGS(REMOTE_PROC_DOMAIN_ABORT_JOB, fakeDomOnly,
              remote_domain_abort_job_args),
    FAKE(REMOTE_PROC_DOMAIN_GET_STATE, fakeGetState,
         remote_domain_get_state_args, remote_domain_get_state_ret),
    FAKE(REMOTE_PROC_DOMAIN_GET_JOB_STATS, fakeJobStats,
         remote_domain_get_job_stats_args, remote_domain_get_job_stats_ret),
    FAKE(REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, fakePrepare3Params,
         remote_domain_migrate_prepare3_params_args,
         remote_domain_migrate_prepare3_params_ret),
    FAKE(REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3, fakePrepare3,
         remote_domain_migrate_prepare3_args, remote_domain_migrate_prepare3_ret),
    FAKE(REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, fakeFinish3Params,
         remote_domain_migrate_finish3_params_args,
         remote_domain_migrate_finish3_params_ret),
    FAKE(REMOTE_PROC_DOMAIN_MIGRATE_FINISH3, fakeFinish3,
         remote_domain_migrate_finish3_args, remote_domain_migrate_finish3_ret),
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
    testMigParams = true;
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

/* Lifecycle and job entries; ABORT_JOB_FLAGS falls back to ABORT_JOB. */
static void
testDomainEntries(void)
{
    testServer *t = testServerStart();
    virConn *conn = remoteClientConnOpen(t->uri, 0);
    g_autoptr(virDomainIdent) dom = virDomainIdentNew("a", testUUIDa, 1);
    virTypedParameterPtr params = NULL;
    g_autofree char *log = NULL;
    int nparams = 0;
    int type = 0;
    int state = 0;
    int reason = 0;

    g_assert_nonnull(conn);
    g_free(testLogTake());
    g_assert_cmpint(conn->driver->domainDestroyFlags(conn, dom, 1), ==, 0);
    g_assert_cmpint(conn->driver->domainSuspend(conn, dom), ==, 0);
    g_assert_cmpint(conn->driver->domainAbortJobFlags(conn, dom, 0), ==, 0);
    g_assert_cmpint(conn->driver->domainAbortJobFlags(conn, dom, 1), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_NO_SUPPORT);
    log = testLogTake();
    g_assert_cmpstr(log, ==, "234:a:1 34:a 164:a");

    g_assert_cmpint(conn->driver->domainGetState(conn, dom, &state, &reason, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_PAUSED_MIGRATION);
    g_assert_cmpint(conn->driver->domainGetJobStats(conn, dom, &type, &params,
                                                    &nparams, 0), ==, 0);
    g_assert_cmpint(type, ==, VIR_DOMAIN_JOB_UNBOUNDED);
    g_assert_cmpint(nparams, ==, 2);
    g_assert_cmpstr(params[0].field, ==, VIR_DOMAIN_JOB_TIME_ELAPSED);
    g_assert_cmpuint(params[0].value.ul, ==, 1234);
    g_assert_cmpstr(params[1].value.s, ==, "hi");
    virTypedParamArrayFree(params, nparams);

    g_assert_null(conn->driver->domainGetOSType(conn, dom));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_NO_SUPPORT);
    g_assert_cmpint(conn->driver->connectClose(conn), ==, 0);
    testServerStop(t);
}


static virTypedParameter *
testMigParamsNew(int *n, bool extra)
{
    virTypedParameter *p = g_new0(virTypedParameter, 3);

    g_strlcpy(p[0].field, VIR_MIGRATE_PARAM_DEST_XML, sizeof(p[0].field));
    p[0].type = VIR_TYPED_PARAM_STRING;
    p[0].value.s = g_strdup("<domain/>");
    g_strlcpy(p[1].field, VIR_MIGRATE_PARAM_BANDWIDTH, sizeof(p[1].field));
    p[1].type = VIR_TYPED_PARAM_ULLONG;
    p[1].value.ul = 100;
    g_strlcpy(p[2].field, extra ? VIR_MIGRATE_PARAM_MIGRATE_DISKS :
              VIR_MIGRATE_PARAM_DEST_NAME, sizeof(p[2].field));
    p[2].type = VIR_TYPED_PARAM_STRING;
    p[2].value.s = g_strdup(extra ? "vda" : "guest");
    *n = 3;
    return p;
}


/* Prepare3 and Finish3 as a peer-to-peer source calls them, over the
 * params procedures, then over the positional ones. */
static void
testMigrateEntries(void)
{
    testServer *t = testServerStart();
    virConn *conn = remoteClientConnOpen(t->uri, 0);
    g_autoptr(virDomainIdent) dom = NULL;
    virMigrateArgs args = { 0 };
    virTypedParameter *params = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *cookie = NULL;
    g_autofree char *log = NULL;
    int cookielen = 0;

    g_assert_nonnull(conn);
    args.params = params = testMigParamsNew(&args.nparams, false);
    args.cookiein = "abc";
    args.cookieinlen = 3;
    args.cookieout = &cookie;
    args.cookieoutlen = &cookielen;
    args.flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER;
    args.protocol = 3;
    g_free(testLogTake());
    g_assert_cmpint(conn->driver->domainMigratePrepare3(conn, &args, &uri), ==, 0);
    g_assert_cmpstr(uri, ==, "tcp:dst:49152");
    g_assert_cmpint(cookielen, ==, 8);
    g_assert_cmpmem(cookie, cookielen, "cookie-p", 8);

    args.cancelled = 1;
    g_assert_null(conn->driver->domainMigrateFinish3(conn, &args));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_MIGRATE_FINISH_OK);
    g_assert_cmpstr(virErrorGetLastMessage(), ==, "migration successfully aborted");
    args.cancelled = 0;
    g_clear_pointer(&cookie, g_free);
    dom = conn->driver->domainMigrateFinish3(conn, &args);
    g_assert_nonnull(dom);
    g_assert_cmpstr(dom->name, ==, "a");
    g_assert_null(cookie);
    g_assert_cmpint(cookielen, ==, 0);
    log = testLogTake();
    g_assert_cmpstr(log, ==,
                    "60:13 303:destination_xml:bandwidth:destination_name:cookie=3:flags=0x3 "
                    "306:destination_xml:bandwidth:destination_name:cookie=3:flags=0x3 "
                    "306:destination_xml:bandwidth:destination_name:cookie=3:flags=0x3");
    virTypedParamArrayFree(params, args.nparams);
    g_assert_cmpint(conn->driver->connectClose(conn), ==, 0);
    testServerStop(t);
}


static void
testMigratePositional(void)
{
    testServer *t = testServerStart();
    virConn *conn;
    virMigrateArgs args = { 0 };
    virTypedParameter *params = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *log = NULL;

    testMigParams = false;
    conn = remoteClientConnOpen(t->uri, 0);
    g_assert_nonnull(conn);
    g_free(testLogTake());

    /* a parameter positional calls cannot carry: refused, nothing sent */
    args.params = params = testMigParamsNew(&args.nparams, true);
    g_assert_cmpint(conn->driver->domainMigratePrepare3(conn, &args, &uri), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_ARGUMENT_UNSUPPORTED);
    virTypedParamArrayFree(params, args.nparams);

    args.params = params = testMigParamsNew(&args.nparams, false);
    args.flags = VIR_MIGRATE_LIVE;
    g_assert_cmpint(conn->driver->domainMigratePrepare3(conn, &args, &uri), ==, 0);
    g_assert_cmpstr(uri, ==, "tcp:dst:49153");

    /* the peer sends a cookie but the caller has no slot for it */
    g_assert_null(conn->driver->domainMigrateFinish3(conn, &args));
    g_assert_cmpstr(virErrorGetLastMessage(), ==,
                    "internal error: caller ignores cookieout or cookieoutlen");
    log = testLogTake();
    g_assert_cmpstr(log, ==,
                    "60:13 214:xml=<domain/>:dname=guest:resource=100:flags=0x1 "
                    "217:dname=guest:uri=(null):cancelled=0");
    virTypedParamArrayFree(params, args.nparams);
    g_assert_cmpint(conn->driver->connectClose(conn), ==, 0);
    testServerStop(t);
}


/* ---- typed parameters left by a failed decode ---- */

/* A parameter list whose count is over its bound does not decode, and
 * libtirpc leaves the count without its array; the dispatcher runs no
 * handler on such arguments, and the conversion refuses both that list
 * and a NULL array with a count within the bound. */
static void
testTypedParamsDecodeFailure(void)
{
    char buf[512] = { 0 };
    remote_domain_migrate_begin3_params_args args;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    XDR xdr;

    buf[3] = 1;     /* dom.name: "g" */
    buf[4] = 'g';   /* dom.uuid at 8, dom.id at 24: zeros */
    buf[31] = REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX + 1;
    memset(&args, 0, sizeof(args));
    xdrmem_create(&xdr, buf, sizeof(buf), XDR_DECODE);
    g_assert_false(xdr_remote_domain_migrate_begin3_params_args(&xdr, &args));
    xdr_destroy(&xdr);
    g_assert_cmpuint(args.params.params_len, ==,
                     REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX + 1);
    g_assert_null(args.params.params_val);

    g_assert_cmpint(remoteDeserializeTypedParameters(args.params.params_val,
                                                     args.params.params_len,
                                                     REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                                     &params, &nparams), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_RPC);
    g_assert_cmpint(remoteDeserializeTypedParameters(NULL, 3,
                                                     REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                                     &params, &nparams), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_null(params);
    g_assert_cmpint(nparams, ==, 0);
    virErrorResetLast();
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_begin3_params_args,
             (char *)&args);
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
    for (i = 0; i < G_N_ELEMENTS(testSSHURIs); i++) {
        g_autofree char *name = g_strdup_printf("/remote/client/ssh-uri/%zu",
                                                i);
        g_test_add_data_func(name, &testSSHURIs[i], testSSHURIParse);
    }
    g_test_add_func("/remote/client/handshake", testHandshake);
    g_test_add_func("/remote/client/entries", testEntries);
    g_test_add_func("/remote/client/open-failure", testOpenFailure);
    g_test_add_func("/remote/client/connect-failure", testConnectFailure);
    g_test_add_func("/remote/client/domain-entries", testDomainEntries);
    g_test_add_func("/remote/client/migrate-params", testMigrateEntries);
    g_test_add_func("/remote/client/migrate-positional", testMigratePositional);
    g_test_add_func("/remote/typedparam/decode-failure",
                    testTypedParamsDecodeFailure);
    return g_test_run();
}
