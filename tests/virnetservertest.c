/*
 * virnetservertest.c: the RPC server against raw clients: dispatch rules,
 * priority workers, keepalive, concurrency and limits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#include "virnetserver.h"
#include "virkeepaliveprotocol.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_PROGRAM 0x11223344

enum {
    TEST_PROC_OPEN = 1,
    TEST_PROC_ECHO = 2,     /* high priority: int -> int */
    TEST_PROC_BLOCK = 3,    /* low priority: waits until released */
    TEST_PROC_WRITE = 4,    /* refused read-only */
    TEST_PROC_CLOSE = 5,
    TEST_PROC_KEEPALIVE = 6,
    TEST_PROC_SAVE = 7,     /* declared, not served: NO_SUPPORT naming it */
    TEST_PROC_LAST
};

static GMutex testLock;
static GCond testCond;
static bool testReleased;
static int testBlocked;

static int
testOpen(virNetServerClient *client, virNetMessage *msg G_GNUC_UNUSED,
         void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    virNetServerClientSetOpen(client);
    return 0;
}

static int
testEcho(virNetServerClient *client G_GNUC_UNUSED,
         virNetMessage *msg G_GNUC_UNUSED, void *args, void *ret)
{
    *(int *)ret = *(int *)args + 1;
    return 0;
}

static int
testBlock(virNetServerClient *client G_GNUC_UNUSED,
          virNetMessage *msg G_GNUC_UNUSED, void *args, void *ret)
{
    g_mutex_lock(&testLock);
    testBlocked++;
    g_cond_broadcast(&testCond);
    while (!testReleased)
        g_cond_wait(&testCond, &testLock);
    testBlocked--;
    g_mutex_unlock(&testLock);
    *(int *)ret = *(int *)args;
    return 0;
}

static int
testWrite(virNetServerClient *client G_GNUC_UNUSED,
          virNetMessage *msg G_GNUC_UNUSED, void *args G_GNUC_UNUSED,
          void *ret G_GNUC_UNUSED)
{
    virReportError(VIR_ERR_INTERNAL_ERROR, "%s", "write ran");
    return -1;
}

static int
testClose(virNetServerClient *client, virNetMessage *msg G_GNUC_UNUSED,
          void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    virNetServerClientDelayedClose(client);
    return 0;
}

static int
testKeepalive(virNetServerClient *client, virNetMessage *msg G_GNUC_UNUSED,
              void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    virNetServerClientEnableKeepalive(client);
    return 0;
}

#define TEST_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)
#define VOIDP(f) .argsFilter = TEST_XDR_VOID, .retFilter = TEST_XDR_VOID, .func = f
static const virNetServerProgramProc testProcs[] = {
    [TEST_PROC_OPEN] = { .name = "OPEN", VOIDP(testOpen), .readonlyAllowed = true },
    [TEST_PROC_ECHO] = { .name = "ECHO", .func = testEcho,
                         .argsLen = sizeof(int), .argsFilter = (xdrproc_t)xdr_int,
                         .retLen = sizeof(int), .retFilter = (xdrproc_t)xdr_int,
                         .highPriority = true, .readonlyAllowed = true, .needsOpen = true },
    [TEST_PROC_BLOCK] = { .name = "BLOCK", .func = testBlock,
                          .argsLen = sizeof(int), .argsFilter = (xdrproc_t)xdr_int,
                          .retLen = sizeof(int), .retFilter = (xdrproc_t)xdr_int,
                          .readonlyAllowed = true, .needsOpen = true },
    [TEST_PROC_WRITE] = { .name = "WRITE", VOIDP(testWrite), .needsOpen = true },
    [TEST_PROC_CLOSE] = { .name = "CLOSE", VOIDP(testClose), .readonlyAllowed = true },
    [TEST_PROC_KEEPALIVE] = { .name = "KA", VOIDP(testKeepalive), .readonlyAllowed = true },
    [TEST_PROC_SAVE] = { .api = "virDomainSave" },
};

typedef struct {
    char *dir;
    char *sock;
    char *sockRO;
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
testServerStart(size_t workers, size_t prio, size_t maxClients)
{
    testServer *t = g_new0(testServer, 1);
    virNetServerConfig cfg;

    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = workers;
    cfg.prioWorkers = prio;
    cfg.maxClients = maxClients;
    cfg.keepaliveInterval = 1;
    cfg.keepaliveCount = 2;
    t->dir = g_dir_make_tmp("virnetservertest-XXXXXX", NULL);
    t->sock = g_build_filename(t->dir, "sock", NULL);
    t->sockRO = g_build_filename(t->dir, "sock-ro", NULL);
    t->srv = virNetServerNew(&cfg, NULL, NULL);
    t->prog = virNetServerProgramNew(TEST_PROGRAM, 1, testProcs, TEST_PROC_LAST);
    virNetServerAddProgram(t->srv, t->prog);
    g_assert_cmpint(virNetServerAddServiceUNIX(t->srv, t->sock, 0600, false), ==, 0);
    g_assert_cmpint(virNetServerAddServiceUNIX(t->srv, t->sockRO, 0666, true), ==, 0);
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
    g_assert_false(g_file_test(t->sock, G_FILE_TEST_EXISTS));
    rmdir(t->dir);
    g_free(t->sock);
    g_free(t->sockRO);
    g_free(t->dir);
    g_free(t);
}

/* ---- a raw client ---- */

static int
testConnect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = { .tv_sec = 10 };

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void
testSend(int fd, unsigned int prog, int proc, unsigned int serial, int type,
         const int *arg)
{
    uint32_t words[8];
    size_t n = 7;

    words[1] = g_htonl(prog);
    words[2] = g_htonl(1);
    words[3] = g_htonl(proc);
    words[4] = g_htonl(type);
    words[5] = g_htonl(serial);
    words[6] = 0;
    if (arg)
        words[n++] = g_htonl(*arg);
    words[0] = g_htonl(n * 4);
    g_assert_cmpint(write(fd, words, n * 4), ==, (ssize_t)(n * 4));
}

typedef struct {
    uint32_t prog;
    int proc;
    int type;
    uint32_t serial;
    int status;
    char body[512];
    size_t bodyLen;
} testReply;

static bool
testReadFull(int fd, void *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

/* Reads one packet; false on EOF or timeout. */
static bool
testRecv(int fd, testReply *r)
{
    uint32_t words[7];
    size_t len;

    if (!testReadFull(fd, words, 28))
        return false;
    len = g_ntohl(words[0]);
    g_assert_cmpuint(len, >=, 28);
    g_assert_cmpuint(len - 28, <=, sizeof(r->body));
    r->prog = g_ntohl(words[1]);
    r->proc = g_ntohl(words[3]);
    r->type = g_ntohl(words[4]);
    r->serial = g_ntohl(words[5]);
    r->status = g_ntohl(words[6]);
    r->bodyLen = len - 28;
    return testReadFull(fd, r->body, r->bodyLen);
}

static int
testBodyInt(const testReply *r, size_t idx)
{
    uint32_t v;

    memcpy(&v, r->body + idx * 4, 4);
    return g_ntohl(v);
}

/* The message string of an error reply body. */
static char *
testBodyErrorMessage(const testReply *r)
{
    size_t len = testBodyInt(r, 3);

    return g_strndup(r->body + 16, len);
}

static int
testOpenClient(const char *path)
{
    int fd = testConnect(path);
    testReply r;

    testSend(fd, TEST_PROGRAM, TEST_PROC_OPEN, 0, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpint(r.status, ==, VIR_NET_OK);
    return fd;
}

/* ---- tests ---- */

static void
testUnknownAndOpen(void)
{
    testServer *t = testServerStart(2, 1, 100);
    int fd = testConnect(t->sock);
    int one = 1;
    testReply r;
    g_autofree char *msg1 = NULL;
    g_autofree char *msg2 = NULL;

    testSend(fd, TEST_PROGRAM, TEST_PROC_ECHO, 7, VIR_NET_CALL, &one);
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpint(r.type, ==, VIR_NET_REPLY);
    g_assert_cmpint(r.status, ==, VIR_NET_ERROR);
    g_assert_cmpuint(r.serial, ==, 7);
    g_assert_cmpint(testBodyInt(&r, 0), ==, VIR_ERR_INTERNAL_ERROR);
    msg1 = testBodyErrorMessage(&r);
    g_assert_cmpstr(msg1, ==, "internal error: hypervisor connection not open");

    testSend(fd, TEST_PROGRAM, 999, 8, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpint(r.proc, ==, 999);
    g_assert_cmpint(testBodyInt(&r, 0), ==, VIR_ERR_RPC);
    g_assert_cmpint(testBodyInt(&r, 1), ==, VIR_FROM_RPC);
    msg2 = testBodyErrorMessage(&r);
    g_assert_cmpstr(msg2, ==, "unknown procedure: 999");

    /* a procedure the table names but does not serve */
    g_free(msg2);
    testSend(fd, TEST_PROGRAM, TEST_PROC_SAVE, 9, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpint(r.proc, ==, TEST_PROC_SAVE);
    g_assert_cmpint(testBodyInt(&r, 0), ==, VIR_ERR_NO_SUPPORT);
    g_assert_cmpint(testBodyInt(&r, 1), ==, VIR_FROM_RPC);
    msg2 = testBodyErrorMessage(&r);
    g_assert_cmpstr(msg2, ==,
                    "this function is not supported by the connection driver: virDomainSave");
    close(fd);
    testServerStop(t);
}

static void
testReadonly(void)
{
    testServer *t = testServerStart(2, 1, 100);
    int fd = testOpenClient(t->sockRO);
    int rw = testOpenClient(t->sock);
    g_autofree char *msg = NULL;
    testReply r;

    testSend(fd, TEST_PROGRAM, TEST_PROC_WRITE, 1, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpint(testBodyInt(&r, 0), ==, VIR_ERR_OPERATION_DENIED);
    msg = testBodyErrorMessage(&r);
    g_assert_cmpstr(msg, ==, "operation forbidden: read only access prevents WRITE");

    /* on the read-write socket the handler itself runs */
    testSend(rw, TEST_PROGRAM, TEST_PROC_WRITE, 1, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(rw, &r));
    g_assert_cmpint(testBodyInt(&r, 0), ==, VIR_ERR_INTERNAL_ERROR);
    close(fd);
    close(rw);
    testServerStop(t);
}

static void
testWaitBlocked(int n)
{
    long long deadline = virTimeMonotonicMs() + 5000;

    g_mutex_lock(&testLock);
    while (testBlocked < n)
        g_assert_cmpint(virCondWaitUntil(&testCond, &testLock, deadline), ==, 0);
    g_mutex_unlock(&testLock);
}

static void
testRelease(void)
{
    g_mutex_lock(&testLock);
    testReleased = true;
    g_cond_broadcast(&testCond);
    g_mutex_unlock(&testLock);
}

/* With every normal worker stuck in a long call, high-priority calls and
 * keepalive PINGs on the same connection are still answered at once. */
static void
testPriorityAndPing(void)
{
    testServer *t = testServerStart(2, 1, 100);
    int fd = testOpenClient(t->sock);
    int args[4] = { 10, 20, 30, 40 };
    testReply r;
    bool sawPong = false, sawEcho = false;
    size_t i;

    testReleased = false;
    testSend(fd, TEST_PROGRAM, TEST_PROC_BLOCK, 100, VIR_NET_CALL, &args[0]);
    testSend(fd, TEST_PROGRAM, TEST_PROC_BLOCK, 101, VIR_NET_CALL, &args[1]);
    testWaitBlocked(2);
    /* a third slow call queues behind them */
    testSend(fd, TEST_PROGRAM, TEST_PROC_BLOCK, 102, VIR_NET_CALL, &args[2]);
    testSend(fd, KEEPALIVE_PROGRAM, KEEPALIVE_PROC_PING, 0, VIR_NET_MESSAGE, NULL);
    testSend(fd, TEST_PROGRAM, TEST_PROC_ECHO, 103, VIR_NET_CALL, &args[3]);
    for (i = 0; i < 2; i++) {
        g_assert_true(testRecv(fd, &r));
        if (r.prog == KEEPALIVE_PROGRAM) {
            g_assert_cmpint(r.proc, ==, KEEPALIVE_PROC_PONG);
            g_assert_cmpint(r.type, ==, VIR_NET_MESSAGE);
            sawPong = true;
        } else {
            g_assert_cmpuint(r.serial, ==, 103);
            g_assert_cmpint(testBodyInt(&r, 0), ==, 41);
            sawEcho = true;
        }
    }
    g_assert_true(sawPong && sawEcho);
    testRelease();
    for (i = 0; i < 3; i++) {
        g_assert_true(testRecv(fd, &r));
        g_assert_cmpuint(r.serial, >=, 100);
        g_assert_cmpuint(r.serial, <=, 102);
        g_assert_cmpint(testBodyInt(&r, 0), ==, args[r.serial - 100]);
    }
    close(fd);
    testServerStop(t);
}

static void
testDelayedClose(void)
{
    testServer *t = testServerStart(2, 1, 100);
    int fd = testOpenClient(t->sock);
    testReply r;

    testSend(fd, TEST_PROGRAM, TEST_PROC_CLOSE, 5, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpuint(r.serial, ==, 5);
    g_assert_cmpint(r.status, ==, VIR_NET_OK);
    g_assert_false(testRecv(fd, &r));   /* then EOF */
    close(fd);
    testServerStop(t);
}

static void
testKeepalivePings(void)
{
    testServer *t = testServerStart(2, 1, 100);
    int quiet = testOpenClient(t->sock);
    int fd = testOpenClient(t->sock);
    struct timeval tv = { .tv_sec = 2, .tv_usec = 500000 };
    testReply r;

    testSend(fd, TEST_PROGRAM, TEST_PROC_KEEPALIVE, 1, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(fd, &r));
    /* idle for an interval: the server probes us */
    g_assert_true(testRecv(fd, &r));
    g_assert_cmpuint(r.prog, ==, KEEPALIVE_PROGRAM);
    g_assert_cmpint(r.proc, ==, KEEPALIVE_PROC_PING);
    /* we never answer: after the count the server hangs up */
    while (testRecv(fd, &r))
        g_assert_cmpint(r.proc, ==, KEEPALIVE_PROC_PING);

    /* a client that never asked for keepalive gets no PINGs */
    setsockopt(quiet, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    g_assert_false(testRecv(quiet, &r));
    g_assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    close(fd);
    close(quiet);
    testServerStop(t);
}

static void
testMaxClients(void)
{
    testServer *t = testServerStart(2, 1, 2);
    int a = testOpenClient(t->sock);
    int b = testOpenClient(t->sock);
    int c = testConnect(t->sock);
    g_autofree char *msg = NULL;
    testReply r;

    testSend(c, TEST_PROGRAM, TEST_PROC_OPEN, 0, VIR_NET_CALL, NULL);
    g_assert_true(testRecv(c, &r));
    g_assert_cmpint(r.status, ==, VIR_NET_ERROR);
    msg = testBodyErrorMessage(&r);
    g_assert_cmpstr(msg, ==, "too many active clients (2), dropping connection");
    g_assert_false(testRecv(c, &r));
    close(a);
    close(b);
    close(c);
    testServerStop(t);
}

/* Sends 500 ECHO calls on the descriptor @opaque points to. */
static void *
testManyInFlightSender(void *opaque)
{
    int fd = *(int *)opaque;
    int i;

    for (i = 0; i < 500; i++)
        testSend(fd, TEST_PROGRAM, TEST_PROC_ECHO, i, VIR_NET_CALL, &i);
    return NULL;
}

/* Many calls in flight on one connection, sent by one thread while
 * another reads, as a real client does (the server stops reading a
 * client whose replies are not taken): every reply arrives once, with
 * its own serial and result. */
static void
testManyInFlight(void)
{
    testServer *t = testServerStart(4, 1, 100);
    int fd = testOpenClient(t->sock);
    g_autofree bool *seen = g_new0(bool, 500);
    GThread *sender = g_thread_new("sender", testManyInFlightSender, &fd);
    testReply r;
    int i;

    for (i = 0; i < 500; i++) {
        g_assert_true(testRecv(fd, &r));
        g_assert_cmpuint(r.serial, <, 500);
        g_assert_false(seen[r.serial]);
        seen[r.serial] = true;
        g_assert_cmpint(testBodyInt(&r, 0), ==, (int)r.serial + 1);
    }
    g_thread_join(sender);
    close(fd);
    testServerStop(t);
}

int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/rpc/server/unknown-and-open", testUnknownAndOpen);
    g_test_add_func("/rpc/server/readonly", testReadonly);
    g_test_add_func("/rpc/server/priority-and-ping", testPriorityAndPing);
    g_test_add_func("/rpc/server/delayed-close", testDelayedClose);
    g_test_add_func("/rpc/server/keepalive", testKeepalivePings);
    g_test_add_func("/rpc/server/max-clients", testMaxClients);
    g_test_add_func("/rpc/server/many-in-flight", testManyInFlight);
    return g_test_run();
}
