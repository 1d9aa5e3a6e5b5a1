/*
 * virnetclientsshtest.c: the ssh transport of the RPC client: shell
 * quoting, the command run on the remote host, the ssh command line, and
 * a connection through a stand-in for ssh (a relay to an in-process
 * server, or one that fails as ssh does): calls work, ssh's stderr makes
 * the error, and the child is reaped however it ends
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#include "virnetclient.h"
#include "virnetclientssh.h"
#include "virnettestserver.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_PROGRAM 0x11223345
#define TEST_PROC_ECHO 1
#define TEST_XDR_INT ((xdrproc_t)xdr_int)

/* ---- the strings ---- */

typedef struct {
    const char *in;
    const char *out;
} testEscapeData;

static const testEscapeData testEscapes[] = {
    { "nc", "nc" },
    { "/run/virtmig/virtmigd-sock", "/run/virtmig/virtmigd-sock" },
    { "", "''" },
    { "n c", "'n c'" },
    { "n'c", "'n'\\''c'" },
    { "qemu:///system?a=1&b=2", "'qemu:///system?a=1&b=2'" },
};

static void
testEscape(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(testEscapes); i++) {
        g_autofree char *out = virNetClientSSHEscapeShell(testEscapes[i].in);

        g_assert_cmpstr(out, ==, testEscapes[i].out);
    }
}

#define NC_PROBE(nc) \
    "if '" nc "' -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; " \
    "then ARG=-q0;else ARG=;fi;'" nc "' $ARG -U "

typedef struct {
    virNetClientSSHParams params;
    const char *command; /* NULL: refused */
} testHelperData;

static const testHelperData testHelpers[] = {
    { { .proxy = VIR_NET_CLIENT_PROXY_NETCAT,
        .socketPath = "/tmp/socket",
        .driverURI = "qemu:///system" },
      "sh -c '" NC_PROBE("nc") "/tmp/socket'" },
    /* a named netcat turns auto into netcat */
    { { .proxy = VIR_NET_CLIENT_PROXY_AUTO,
        .netcat = "/usr/bin/nc",
        .socketPath = "/tmp/socket",
        .driverURI = "qemu:///system" },
      "sh -c '" NC_PROBE("/usr/bin/nc") "/tmp/socket'" },
    /* quoted for the login shell, then for sh -c */
    { { .proxy = VIR_NET_CLIENT_PROXY_NETCAT,
        .netcat = "n c",
        .socketPath = "/tmp/a b",
        .driverURI = "qemu:///system" },
      "sh -c '" NC_PROBE("''\\''n c'\\'''") "'''\\''/tmp/a b'\\'''''" },
    { { .proxy = VIR_NET_CLIENT_PROXY_AUTO,
        .socketPath = "/tmp/socket",
        .driverURI = "qemu:///system" },
      "sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then"
      "     virt-ssh-helper 'qemu:///system'; else    " NC_PROBE(
          "nc") "/tmp/socket; fi'" },
    { { .proxy = VIR_NET_CLIENT_PROXY_NATIVE,
        .socketPath = "/tmp/socket",
        .driverURI = "qemu:///system",
        .readonly = true },
      "sh -c 'virt-ssh-helper -r 'qemu:///system''" },
    { { .proxy = VIR_NET_CLIENT_PROXY_NATIVE,
        .netcat = "nc",
        .socketPath = "/tmp/socket",
        .driverURI = "qemu:///system" },
      NULL },
};

static void
testHelperCommand(const void *opaque)
{
    const testHelperData *d = opaque;
    g_autofree char *cmd = virNetClientSSHHelperCommand(&d->params);

    g_assert_cmpstr(cmd, ==, d->command);
    if (!d->command) {
        g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INVALID_ARG);
        g_assert_cmpstr(virErrorGetLastMessage(), ==,
                        "invalid argument: netcat path not valid with native proxy mode");
    }
}

/* The command as the remote host runs it: sshd hands it to the login
 * shell.  Odd characters in the netcat and socket paths arrive intact. */
static void
testHelperCommandShell(void)
{
    g_autofree char *dir = g_dir_make_tmp("virnetclientsshtest-XXXXXX", NULL);
    g_autofree char *nc = g_build_filename(dir, "n c'$x", NULL);
    const virNetClientSSHParams params = {
        .proxy = VIR_NET_CLIENT_PROXY_NETCAT,
        .netcat = nc,
        .socketPath = "/tmp/a b'\"$(x)",
        .driverURI = "qemu:///system",
    };
    g_autofree char *cmd = virNetClientSSHHelperCommand(&params);
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    g_autofree char *out = NULL;
    int status = -1;

    g_assert_true(g_file_set_contents(nc, "#!/bin/sh\necho \"[$1][$2][$3]\"\n",
                                      -1, NULL));
    g_assert_cmpint(chmod(nc, 0700), ==, 0);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL,
                               NULL, &out, NULL, &status, NULL));
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(out, ==, "[-U][/tmp/a b'\"$(x)][]\n");
    unlink(nc);
    rmdir(dir);
}

static void
testProxyTable(void)
{
    unsigned int n = 0;
    const char *const *table = virNetClientProxyTypeTable(&n);
    unsigned int i;

    g_assert_cmpuint(n, ==, VIR_NET_CLIENT_PROXY_LAST);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
    g_assert_cmpint(virNetClientProxyTypeFromString("netcat"), ==,
                    VIR_NET_CLIENT_PROXY_NETCAT);
    g_assert_cmpint(virNetClientProxyTypeFromString("bogus"), <, 0);
}

/* ---- a stand-in for ssh ---- */

static int
testEcho(virNetServerClient *client G_GNUC_UNUSED,
         virNetMessage *msg G_GNUC_UNUSED, void *args, void *ret)
{
    *(int *)ret = *(int *)args + 1;
    return 0;
}

static const virNetServerProgramProc testProcs[] = {
    [TEST_PROC_ECHO] = { .name = "ECHO",
                         .func = testEcho,
                         .argsLen = sizeof(int),
                         .argsFilter = TEST_XDR_INT,
                         .retLen = sizeof(int),
                         .retFilter = TEST_XDR_INT,
                         .readonlyAllowed = true },
};

/* Records its arguments in ARGV0.args (one a line), then relays its
 * stdin and stdout to the unix socket SOCK (set first), as ssh and nc do
 * together. */
static const char testRelay[] = "import os, select, socket, sys\n"
                                "with open(sys.argv[0] + '.args', 'w') as f:\n"
                                "    f.write('\\n'.join(sys.argv[1:]))\n"
                                "s = socket.socket(socket.AF_UNIX)\n"
                                "s.connect(SOCK)\n"
                                "fds = [0, s.fileno()]\n"
                                "while True:\n"
                                "    r = select.select(fds, [], [])[0]\n"
                                "    if 0 in r:\n"
                                "        d = os.read(0, 65536)\n"
                                "        if d:\n"
                                "            s.sendall(d)\n"
                                "        else:\n"
                                "            s.shutdown(socket.SHUT_WR)\n"
                                "            fds.remove(0)\n"
                                "    if s.fileno() in r:\n"
                                "        d = s.recv(65536)\n"
                                "        if not d:\n"
                                "            break\n"
                                "        os.write(1, d)\n";

/* Writes an executable @name in @dir with @text; returns its path. */
static char *
testWriteScript(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_assert_cmpint(chmod(path, 0700), ==, 0);
    return g_steal_pointer(&path);
}

/* No child of ours is left, running or zombie. */
static void
testAssertNoChild(void)
{
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
}

static void
testRelayCall(void)
{
    g_autofree char *python = g_find_program_in_path("python3");
    g_autofree char *script = NULL;
    g_autofree char *argsPath = NULL;
    g_autofree char *args = NULL;
    g_autofree char *text = NULL;
    virNetServerConfig cfg;
    virNetTestServer *t;
    virNetClient *client;
    int out = 0;
    int in = 41;

    if (!python) {
        g_test_skip("python3 is not installed");
        return;
    }
    virNetServerConfigDefaults(&cfg);
    t = virNetTestServerStart("virnetclientsshtest", &cfg, TEST_PROGRAM,
                              testProcs, G_N_ELEMENTS(testProcs));
    text = g_strdup_printf("#!%s\nSOCK = '%s'\n%s", python, t->sock, testRelay);
    script = testWriteScript(t->dir, "ssh", text);
    argsPath = g_strdup_printf("%s.args", script);
    {
        const virNetClientSSHParams params = {
            .host = "somehost",
            .port = "2222",
            .username = "root",
            .binary = script,
            .keyfile = "/k/id",
            .noTTY = true,
            .noVerify = true,
            .proxy = VIR_NET_CLIENT_PROXY_NATIVE,
            .socketPath = "/unused",
            .driverURI = "qemu:///system",
        };

        client = virNetClientNewSSH(&params);
    }
    g_assert_nonnull(client);
    g_assert_cmpstr(virNetClientGetPeer(client), ==, "ssh:root@somehost:2222");
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_ECHO,
                                     TEST_XDR_INT, &in, TEST_XDR_INT, &out,
                                     10000),
                    ==, 0);
    g_assert_cmpint(out, ==, 42);
    virNetClientUnref(client);
    testAssertNoChild();
    g_assert_true(g_file_get_contents(argsPath, &args, NULL, NULL));
    g_assert_cmpstr(args, ==,
                    "-p\n2222\n-l\nroot\n-i\n/k/id\n-T\n-e\nnone\n"
                    "-o\nBatchMode=yes\n-o\nStrictHostKeyChecking=no\n--\n"
                    "somehost\nsh -c 'virt-ssh-helper 'qemu:///system''");
    unlink(argsPath);
    unlink(script);
    virNetTestServerStop(t);
}

/* ssh that fails, as it does for an unknown host: the first call fails
 * with what it said, as libvirt.so's does. */
/* Whether @msg is the end of a connection whose ssh said @said: a reset
 * or an end of file, whichever the socket saw first (ssh may exit before
 * or after the request reached it), as in libvirt.so. */
static bool
testIsClosedBySSH(const char *msg, const char *said)
{
    g_autofree char *reset = g_strconcat("Cannot recv data: ", said, NULL);
    g_autofree char *eof = g_strconcat("End of file while reading data: ", said,
                                       NULL);

    return g_str_has_prefix(msg, reset) || g_str_has_prefix(msg, eof);
}


static void
testFailure(void)
{
    g_autofree char *dir = g_dir_make_tmp("virnetclientsshtest-XXXXXX", NULL);
    g_autofree char *script =
        testWriteScript(dir, "ssh",
                        "#!/bin/sh\n"
                        "echo 'ssh: Could not resolve hostname nowhere: Name or service not known' >&2\n"
                        "exit 255\n");
    const virNetClientSSHParams params = {
        .host = "nowhere",
        .binary = script,
        .proxy = VIR_NET_CLIENT_PROXY_NETCAT,
        .socketPath = "/s",
        .driverURI = "qemu:///system",
    };
    virNetClient *client = virNetClientNewSSH(&params);
    const char *msg;
    int in = 1;
    int out = 0;

    g_assert_nonnull(client);
    g_assert_cmpstr(virNetClientGetPeer(client), ==, "ssh:nowhere");
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_ECHO,
                                     TEST_XDR_INT, &in, TEST_XDR_INT, &out,
                                     10000),
                    ==, -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_SYSTEM_ERROR);
    msg = virErrorGetLastMessage();
    g_assert_true(testIsClosedBySSH(msg,
                                    "ssh: Could not resolve hostname "
                                    "nowhere: Name or service not known: "));
    /* later calls get the same error */
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_ECHO,
                                     TEST_XDR_INT, &in, TEST_XDR_INT, &out,
                                     10000),
                    ==, -1);
    g_assert_true(testIsClosedBySSH(virErrorGetLastMessage(), "ssh: "));
    virNetClientUnref(client);
    testAssertNoChild();
    unlink(script);
    rmdir(dir);
}

/* An ssh that ignores the end of its input and SIGTERM is killed, and
 * reaped, when the connection closes. */
static void
testStubbornChild(void)
{
    g_autofree char *dir = g_dir_make_tmp("virnetclientsshtest-XXXXXX", NULL);
    g_autofree char
        *script = testWriteScript(dir, "ssh",
                                  "#!/bin/sh\ntrap '' TERM\nexec sleep 60\n");
    const virNetClientSSHParams params = {
        .host = "h",
        .binary = script,
        .proxy = VIR_NET_CLIENT_PROXY_NETCAT,
        .socketPath = "/s",
        .driverURI = "qemu:///system",
    };
    virNetClient *client = virNetClientNewSSH(&params);
    long long t0 = virTimeMonotonicMs();

    g_assert_nonnull(client);
    virNetClientUnref(client);
    testAssertNoChild();
    g_assert_cmpint(virTimeMonotonicMs() - t0, <, 5000);
    unlink(script);
    rmdir(dir);
}

/* A binary that does not exist: the spawn fails, nothing is left. */
static void
testMissingBinary(void)
{
    const virNetClientSSHParams params = {
        .host = "h",
        .binary = "/nonexistent/ssh",
        .proxy = VIR_NET_CLIENT_PROXY_NETCAT,
        .socketPath = "/s",
        .driverURI = "qemu:///system",
    };

    g_assert_null(virNetClientNewSSH(&params));
    g_assert_nonnull(strstr(virErrorGetLastMessage(), "/nonexistent/ssh"));
    testAssertNoChild();
}


int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    g_test_add_func("/rpc/ssh/escape", testEscape);
    for (i = 0; i < G_N_ELEMENTS(testHelpers); i++) {
        g_autofree char *name = g_strdup_printf("/rpc/ssh/helper-command/%zu",
                                                i);
        g_test_add_data_func(name, &testHelpers[i], testHelperCommand);
    }
    g_test_add_func("/rpc/ssh/helper-command-shell", testHelperCommandShell);
    g_test_add_func("/rpc/ssh/proxy-table", testProxyTable);
    g_test_add_func("/rpc/ssh/relay-call", testRelayCall);
    g_test_add_func("/rpc/ssh/failure", testFailure);
    g_test_add_func("/rpc/ssh/stubborn-child", testStubbornChild);
    g_test_add_func("/rpc/ssh/missing-binary", testMissingBinary);
    return g_test_run();
}
