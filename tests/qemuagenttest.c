/*
 * qemuagenttest.c: the guest agent connection and the display ports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A fake guest agent (a thread serving a unix socket, as QEMU's chardev
 * does for org.qemu.guest_agent.0) answers guest-sync and guest-ping;
 * it can first send a stale reply, or stay silent to test the timeout.
 * The port reservation is checked against a port something else holds.
 */
#include <config.h>

#include <json-c/json.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_agent.h"
#include "qemu_agent_guest.h"
#include "qemu_graphics.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef enum {
    FAKE_AGENT_OK,
    FAKE_AGENT_STALE,       /* a leftover reply before each sync answer */
    FAKE_AGENT_SILENT,      /* reads, never answers */
} fakeAgentMode;

typedef struct {
    int listenFd;
    fakeAgentMode mode;
    int pings;              /* guest-ping commands seen */
} fakeAgent;


static void
fakeAgentReply(int fd, const char *line)
{
    g_assert_cmpint(write(fd, line, strlen(line)), ==, strlen(line));
}


/* Replies of the commands the typed calls use. */
static const struct {
    const char *cmd;
    const char *reply;
} fakeAgentReplies[] = {
    { "guest-info",
      "{\"return\": {\"version\": \"7.2.0\", \"supported_commands\": []}}\n" },
    { "guest-get-host-name",
      "{\"return\": {\"host-name\": \"fake/guest\"}}\n" },
    { "guest-network-get-interfaces",
      "{\"return\": [{\"name\": \"lo\", \"hardware-address\": \"00:00:00:00:00:00\","
      " \"ip-addresses\": [{\"ip-address-type\": \"ipv4\", \"ip-address\": \"127.0.0.1\", \"prefix\": 8}]},"
      " {\"name\": \"eth0\", \"hardware-address\": \"52:54:00:12:34:56\","
      " \"ip-addresses\": [{\"ip-address-type\": \"ipv4\", \"ip-address\": \"10.0.2.15\", \"prefix\": 24}]},"
      " {\"name\": \"eth0:1\", \"ip-addresses\": [{\"ip-address-type\": \"ipv6\", \"ip-address\": \"fe80::1\", \"prefix\": 64}]}]}\n" },
    { "guest-get-vcpus",
      "{\"return\": [{\"logical-id\": 0, \"online\": true, \"can-offline\": false},"
      " {\"logical-id\": 1, \"online\": false, \"can-offline\": true}]}\n" },
    { "guest-get-timezone", "{\"return\": {\"offset\": \"bad\"}}\n" },
    { "guest-get-fsinfo", "{\"error\": {\"class\": \"CommandNotFound\"}}\n" },
    { "guest-get-users",
      "{\"return\": [{\"user\": \"root\", \"login-time\": 1e300}]}\n" },
};


static bool
fakeAgentCanned(int fd, const char *cmd)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fakeAgentReplies); i++) {
        if (STREQ(cmd, fakeAgentReplies[i].cmd)) {
            fakeAgentReply(fd, fakeAgentReplies[i].reply);
            return true;
        }
    }
    return false;
}


/* Serves one connection until the client closes it. */
static gpointer
fakeAgentThread(gpointer opaque)
{
    fakeAgent *fa = opaque;
    int fd = accept(fa->listenFd, NULL, NULL);
    g_autoptr(GString) in = g_string_new(NULL);
    char buf[512];
    ssize_t n;

    g_assert_cmpint(fd, >=, 0);
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        char *nl;

        g_string_append_len(in, buf, n);
        while ((nl = strchr(in->str, '\n'))) {
            g_autofree char *line = g_strndup(in->str, nl - in->str);
            json_object *cmd = json_tokener_parse(line);
            json_object *exec = NULL;
            json_object *args = NULL;
            json_object *id = NULL;

            g_string_erase(in, 0, nl - in->str + 1);
            g_assert_nonnull(cmd);
            g_assert_true(json_object_object_get_ex(cmd, "execute", &exec));
            if (fa->mode == FAKE_AGENT_SILENT) {
                json_object_put(cmd);
                continue;
            }
            if (STREQ(json_object_get_string(exec), "guest-sync")) {
                g_autofree char *reply = NULL;

                g_assert_true(json_object_object_get_ex(cmd, "arguments", &args));
                g_assert_true(json_object_object_get_ex(args, "id", &id));
                if (fa->mode == FAKE_AGENT_STALE)
                    fakeAgentReply(fd, "{\"return\": 12345}\n{\"return\": {}}\ngarbage\n");
                reply = g_strdup_printf("{\"return\": %s}\n",
                                        json_object_to_json_string(id));
                fakeAgentReply(fd, reply);
            } else if (STREQ(json_object_get_string(exec), "guest-ping")) {
                fa->pings++;
                fakeAgentReply(fd, "{\"return\": {}}\n");
            } else if (fakeAgentCanned(fd, json_object_get_string(exec))) {
                ;
            } else {
                fakeAgentReply(fd, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no\"}}\n");
            }
            json_object_put(cmd);
        }
    }
    close(fd);
    return NULL;
}


static char *
fakeAgentListen(fakeAgent *fa, const char *dir)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char *path = g_build_filename(dir, "agent.sock", NULL);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    fa->listenFd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(bind(fa->listenFd, (struct sockaddr *)&addr,
                         sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fa->listenFd, 1), ==, 0);
    return path;
}


static void
testAgentPing(gconstpointer opaque)
{
    fakeAgent fa = { .mode = GPOINTER_TO_INT(opaque) };
    g_autofree char *dir = g_dir_make_tmp("qemuagenttest-XXXXXX", NULL);
    g_autofree char *path = fakeAgentListen(&fa, dir);
    GThread *thread = g_thread_new("fake-agent", fakeAgentThread, &fa);
    qemuAgent *agent = qemuAgentOpen(path);
    gint64 start;

    g_assert_nonnull(agent);
    if (fa.mode == FAKE_AGENT_SILENT) {
        start = g_get_monotonic_time();
        virErrorResetLast();
        g_assert_cmpint(qemuAgentPing(agent, 200), ==, -1);
        g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_AGENT_UNRESPONSIVE);
        g_assert_cmpint(g_get_monotonic_time() - start, >=, 190 * 1000);
        g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
    } else {
        g_assert_cmpint(qemuAgentPing(agent, 2000), ==, 0);
        g_assert_cmpint(qemuAgentPing(agent, 2000), ==, 0);
    }
    qemuAgentClose(agent);
    g_thread_join(thread);
    g_assert_cmpint(fa.pings, ==, fa.mode == FAKE_AGENT_SILENT ? 0 : 2);
    close(fa.listenFd);
    unlink(path);
    rmdir(dir);
}


/* Runs @fn against a fresh fake agent in OK mode. */
static void
testAgentWith(void (*fn)(qemuAgent *agent))
{
    fakeAgent fa = { .mode = FAKE_AGENT_OK };
    g_autofree char *dir = g_dir_make_tmp("qemuagenttest-XXXXXX", NULL);
    g_autofree char *path = fakeAgentListen(&fa, dir);
    GThread *thread = g_thread_new("fake-agent", fakeAgentThread, &fa);
    qemuAgent *agent = qemuAgentOpen(path);

    g_assert_nonnull(agent);
    fn(agent);
    qemuAgentClose(agent);
    g_thread_join(thread);
    close(fa.listenFd);
    unlink(path);
    rmdir(dir);
}


/* virsh qemu-agent-command: the whole reply, compact, "/" as is; an
 * error reply in libvirt's words; not JSON refused before sending. */
static void
testAgentArbitraryFn(qemuAgent *agent)
{
    g_autofree char *result = NULL;
    g_autofree char *name = NULL;

    g_assert_cmpint(qemuAgentArbitraryCommand(agent, "{\"execute\": \"guest-info\"}",
                                              -1, &result), ==, 0);
    g_assert_cmpstr(result, ==, "{\"return\":{\"version\":\"7.2.0\",\"supported_commands\":[]}}");
    g_clear_pointer(&result, g_free);
    g_assert_cmpint(qemuAgentArbitraryCommand(agent, "{\"execute\": \"guest-get-host-name\"}",
                                              5, &result), ==, 0);
    g_assert_cmpstr(result, ==, "{\"return\":{\"host-name\":\"fake/guest\"}}");
    virErrorResetLast();
    g_assert_cmpint(qemuAgentArbitraryCommand(agent, "{\"execute\": \"nope\"}",
                                              -1, &name), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(virErrorGetLastMessage(),
                            "unable to execute QEMU agent command 'nope': no"));
    g_assert_cmpint(qemuAgentArbitraryCommand(agent, "[1]", -1, &name), ==, -1);
    g_assert_cmpint(qemuAgentArbitraryCommand(agent, "{}", -3, &name), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
    g_assert_null(name);
    /* still in step after the errors */
    g_assert_cmpint(qemuAgentPing(agent, 2000), ==, 0);
}


static void
testAgentArbitrary(void)
{
    testAgentWith(testAgentArbitraryFn);
}


/* The typed replies: aliases merged, vCPUs, a malformed member refused,
 * an unknown command optional. */
static void
testAgentTypedFn(qemuAgent *agent)
{
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autoptr(GArray) cpus = NULL;
    g_autoptr(GPtrArray) fs = NULL;
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    g_autofree char *host = NULL;
    virDomainInterface *eth0;

    g_assert_cmpint(qemuAgentGetInterfaces(agent, true, &ifaces), ==, 0);
    g_assert_cmpint(ifaces->len, ==, 2);
    eth0 = g_ptr_array_index(ifaces, 1);
    g_assert_cmpstr(eth0->name, ==, "eth0");
    g_assert_cmpstr(eth0->hwaddr, ==, "52:54:00:12:34:56");
    g_assert_cmpint(eth0->naddrs, ==, 2);
    g_assert_cmpstr(eth0->addrs[0].addr, ==, "10.0.2.15");
    g_assert_cmpint(eth0->addrs[0].prefix, ==, 24);
    g_assert_cmpint(eth0->addrs[1].type, ==, VIR_IP_ADDR_TYPE_IPV6);
    g_assert_cmpint(qemuAgentGetVCPUs(agent, &cpus), ==, 0);
    g_assert_cmpint(cpus->len, ==, 2);
    g_assert_false(g_array_index(cpus, qemuAgentCPUInfo, 0).offlinable);
    g_assert_false(g_array_index(cpus, qemuAgentCPUInfo, 1).online);
    g_assert_cmpint(qemuAgentGetHostname(agent, true, &host), ==, 0);
    g_assert_cmpstr(host, ==, "fake/guest");
    virErrorResetLast();
    g_assert_cmpint(qemuAgentGetTimezone(agent, true, list), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpint(qemuAgentGetFSInfo(agent, false, &fs), ==, -2);
    g_assert_null(fs);
    g_assert_cmpint(qemuAgentGetFSInfo(agent, true, &fs), ==, -1);
    g_assert_nonnull(strstr(virErrorGetLastMessage(),
                            "The command has not been found"));
    /* a number out of range is malformed, not converted */
    virErrorResetLast();
    g_assert_cmpint(qemuAgentGetUsers(agent, true, list), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(virErrorGetLastMessage(), "login-time"));
}


static void
testAgentTyped(void)
{
    testAgentWith(testAgentTypedFn);
}


static void
testAgentNoSocket(void)
{
    virErrorResetLast();
    g_assert_null(qemuAgentOpen("/nonexistent/agent.sock"));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_SYSTEM_ERROR);
}


/* A port another process listens on is skipped; a reserved one is not
 * handed out twice; released ones come back. */
static void
testGraphicsPorts(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(addr);
    int busy = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    virQEMUDriverConfig cfg = { .vncListen = (char *)"127.0.0.1",
                                .spiceListen = (char *)"127.0.0.1" };
    const char *xml =
        "<domain type='qemu'><name>p</name><memory>1024</memory>"
        "<os><type>hvm</type></os><devices>"
        "<graphics type='vnc' autoport='yes'/>"
        "<graphics type='spice' autoport='yes'/>"
        "</devices></domain>";
    g_autoptr(virDomainDef) a = virDomainDefParseString(xml, NULL, 0);
    g_autoptr(virDomainDef) b = virDomainDefParseString(xml, NULL, 0);
    virDomainGraphicsDef *vncA;
    virDomainGraphicsDef *spiceA;
    virDomainGraphicsDef *vncB;
    int port;

    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpint(bind(busy, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(busy, 1), ==, 0);
    g_assert_cmpint(getsockname(busy, (struct sockaddr *)&addr, &len), ==, 0);
    port = ntohs(addr.sin_port);
    if (port + 3 > 65535) {
        g_test_skip("ephemeral port too high for the test range");
        close(busy);
        return;
    }
    cfg.displayPortMin = port;
    cfg.displayPortMax = port + 3;

    g_assert_cmpint(qemuGraphicsPrepare(a, &cfg), ==, 0);
    vncA = g_ptr_array_index(a->graphics, 0);
    spiceA = g_ptr_array_index(a->graphics, 1);
    g_assert_cmpint(vncA->port, ==, port + 1);
    g_assert_cmpint(spiceA->port, ==, port + 2);
    g_assert_cmpstr(vncA->listenAddress, ==, "127.0.0.1");
    g_assert_true(vncA->listenFromConfig);

    /* only one port left: b's second device fails, its first is given back */
    virErrorResetLast();
    g_assert_cmpint(qemuGraphicsPrepare(b, &cfg), ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_false(qemuGraphicsPortIsReserved(port + 3));

    qemuGraphicsRelease(a);
    g_assert_false(qemuGraphicsPortIsReserved(port + 1));
    virDomainDefClearRuntime(b);
    g_assert_cmpint(qemuGraphicsPrepare(b, &cfg), ==, 0);
    vncB = g_ptr_array_index(b->graphics, 0);
    g_assert_cmpint(vncB->port, ==, port + 1);
    qemuGraphicsRelease(b);
    close(busy);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_data_func("/qemuagent/ping", GINT_TO_POINTER(FAKE_AGENT_OK),
                         testAgentPing);
    g_test_add_data_func("/qemuagent/ping-stale",
                         GINT_TO_POINTER(FAKE_AGENT_STALE), testAgentPing);
    g_test_add_data_func("/qemuagent/ping-timeout",
                         GINT_TO_POINTER(FAKE_AGENT_SILENT), testAgentPing);
    g_test_add_func("/qemuagent/no-socket", testAgentNoSocket);
    g_test_add_func("/qemuagent/arbitrary", testAgentArbitrary);
    g_test_add_func("/qemuagent/typed", testAgentTyped);
    g_test_add_func("/qemuagent/graphics-ports", testGraphicsPorts);
    return g_test_run();
}
