/*
 * virnetclienttest.c: the RPC client against an in-process server and
 * against a scripted peer on a socketpair: concurrency, errors, keepalive,
 * events and every way a connection can close
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/socket.h>
#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#define LIBVIRT_VIRNETCLIENTPRIV_H_ALLOW
#include "virnetclientpriv.h"
#include "virnetserver.h"
#include "virnettestserver.h"
#include "virkeepaliveprotocol.h"
#include "remote_protocol.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_PROGRAM 0x11223344
#define TEST_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)
#define TEST_XDR_INT ((xdrproc_t)xdr_int)

enum {
    TEST_PROC_ECHO = 1,     /* int -> int + 1, after a short varying delay */
    TEST_PROC_BLOCK = 2,    /* int -> int, once released */
    TEST_PROC_FAIL = 3,     /* a QEMU-domain OPERATION_INVALID error */
    TEST_PROC_KEEPALIVE = 4,/* the server starts PINGing us */
    TEST_PROC_SERIAL = 5,   /* -> the serial the call carried */
    TEST_PROC_LAST
};

/* ---- the in-process server ---- */

static GMutex testLock;
static GCond testCond;
static bool testReleased;
static int testBlocked;

static int
testEcho(virNetServerClient *client G_GNUC_UNUSED,
         virNetMessage *msg G_GNUC_UNUSED, void *args, void *ret)
{
    int v = *(int *)args;

    g_usleep((v % 4) * 500);
    *(int *)ret = v + 1;
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
testFail(virNetServerClient *client G_GNUC_UNUSED,
         virNetMessage *msg G_GNUC_UNUSED, void *args G_GNUC_UNUSED,
         void *ret G_GNUC_UNUSED)
{
    virReportErrorFull(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, __FILE__,
                       __func__, __LINE__, "%s", "domain is not running");
    return -1;
}

static int
testKeepalive(virNetServerClient *client, virNetMessage *msg G_GNUC_UNUSED,
              void *args G_GNUC_UNUSED,
              void *ret G_GNUC_UNUSED)
{
    virNetServerClientEnableKeepalive(client);
    return 0;
}

static int
testSerial(virNetServerClient *client G_GNUC_UNUSED, virNetMessage *msg,
           void *args G_GNUC_UNUSED,
           void *ret)
{
    *(int *)ret = msg->header.serial;
    return 0;
}

#define INTPROC(f) .func = f, .argsLen = sizeof(int), .argsFilter = TEST_XDR_INT, \
    .retLen = sizeof(int), .retFilter = TEST_XDR_INT, .readonlyAllowed = true
static const virNetServerProgramProc testProcs[] = {
    [TEST_PROC_ECHO] = { .name = "ECHO", INTPROC(testEcho), .highPriority = true },
    [TEST_PROC_BLOCK] = { .name = "BLOCK", INTPROC(testBlock) },
    [TEST_PROC_FAIL] = { .name = "FAIL", .func = testFail,
                         .argsFilter = TEST_XDR_VOID, .retFilter = TEST_XDR_VOID,
                         .readonlyAllowed = true },
    [TEST_PROC_KEEPALIVE] = { .name = "KA", .func = testKeepalive,
                              .argsFilter = TEST_XDR_VOID,
                              .retFilter = TEST_XDR_VOID,
                              .readonlyAllowed = true },
    [TEST_PROC_SERIAL] = { .name = "SERIAL", .func = testSerial,
                           .argsFilter = TEST_XDR_VOID, .retLen = sizeof(int),
                           .retFilter = TEST_XDR_INT, .readonlyAllowed = true },
};

static virNetTestServer *
testServerStart(void)
{
    virNetServerConfig cfg;

    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = 4;
    cfg.prioWorkers = 2;
    cfg.keepaliveInterval = 1;
    cfg.keepaliveCount = 1;
    testReleased = false;
    return virNetTestServerStart("virnetclienttest", &cfg, TEST_PROGRAM,
                                 testProcs, TEST_PROC_LAST);
}

static int
testCallInt(virNetClient *client, int proc, int arg, int *out)
{
    return virNetClientCall(client, TEST_PROGRAM, 1, proc, TEST_XDR_INT, &arg,
                            TEST_XDR_INT, out, 10000);
}

/* ---- close callback bookkeeping ---- */

typedef struct {
    GMutex lock;
    GCond cond;
    int count;
    int reason;
} testCloseInfo;

static void
testCloseCb(virNetClient *client G_GNUC_UNUSED, int reason, void *opaque)
{
    testCloseInfo *info = opaque;

    g_mutex_lock(&info->lock);
    info->count++;
    info->reason = reason;
    g_cond_broadcast(&info->cond);
    g_mutex_unlock(&info->lock);
}

static void
testCloseWait(testCloseInfo *info)
{
    long long deadline = virTimeMonotonicMs() + 10000;

    g_mutex_lock(&info->lock);
    while (info->count == 0)
        g_assert_cmpint(virCondWaitUntil(&info->cond, &info->lock, deadline), ==, 0);
    g_mutex_unlock(&info->lock);
}

/* ---- a scripted peer on a socketpair ---- */

typedef struct {
    int fd;                 /* our end */
    virNetClient *client;
    testCloseInfo close;
} testPeer;

static testPeer *
testPeerNew(void)
{
    testPeer *p = g_new0(testPeer, 1);
    struct timeval tv = { .tv_sec = 10 };
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    p->fd = sv[1];
    p->client = virNetClientNewFD(sv[0], "test-peer");
    g_assert_nonnull(p->client);
    virNetClientSetCloseCallback(p->client, testCloseCb, &p->close, NULL);
    return p;
}

static void
testPeerFree(testPeer *p)
{
    virNetClientUnref(p->client);
    if (p->fd >= 0)
        close(p->fd);
    g_assert_cmpint(p->close.count, ==, 1);
    g_free(p);
}

typedef struct {
    uint32_t prog;
    uint32_t vers;
    int proc;
    int type;
    uint32_t serial;
    int status;
    uint32_t body[64];
    size_t nbody;
} testPacket;

static void
testPeerSend(testPeer *p, const testPacket *pkt)
{
    uint32_t words[7 + G_N_ELEMENTS(pkt->body)];
    size_t n = 7 + pkt->nbody;
    size_t i;

    words[0] = g_htonl(n * 4);
    words[1] = g_htonl(pkt->prog);
    words[2] = g_htonl(pkt->vers);
    words[3] = g_htonl(pkt->proc);
    words[4] = g_htonl(pkt->type);
    words[5] = g_htonl(pkt->serial);
    words[6] = g_htonl(pkt->status);
    for (i = 0; i < pkt->nbody; i++)
        words[7 + i] = g_htonl(pkt->body[i]);
    g_assert_cmpint(write(p->fd, words, n * 4), ==, (ssize_t)(n * 4));
}

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

/* Reads one packet the client sent; false on EOF or timeout. */
static bool
testPeerRecv(testPeer *p, testPacket *pkt)
{
    uint32_t words[7];
    size_t len;
    size_t i;

    if (!testReadFull(p->fd, words, sizeof(words)))
        return false;
    len = g_ntohl(words[0]);
    g_assert_cmpuint(len, >=, 28);
    g_assert_cmpuint((len - 28) / 4, <=, G_N_ELEMENTS(pkt->body));
    pkt->prog = g_ntohl(words[1]);
    pkt->vers = g_ntohl(words[2]);
    pkt->proc = g_ntohl(words[3]);
    pkt->type = g_ntohl(words[4]);
    pkt->serial = g_ntohl(words[5]);
    pkt->status = g_ntohl(words[6]);
    pkt->nbody = (len - 28) / 4;
    if (!testReadFull(p->fd, pkt->body, pkt->nbody * 4))
        return false;
    for (i = 0; i < pkt->nbody; i++)
        pkt->body[i] = g_ntohl(pkt->body[i]);
    return true;
}

/* Replies OK to @call with one int. */
static void
testPeerReplyInt(testPeer *p, const testPacket *call, int value)
{
    testPacket r = *call;

    r.type = VIR_NET_REPLY;
    r.status = VIR_NET_OK;
    r.body[0] = value;
    r.nbody = 1;
    testPeerSend(p, &r);
}

/* A call made from another thread, so the test can act as the server. */
typedef struct {
    virNetClient *client;
    int proc;
    int arg;
    int timeoutMs;
    int rc;
    int result;
    virError *err;
    long long elapsedMs;
    GThread *thread;
} testAsyncCall;

static void
testAsyncCallRun(void *opaque)
{
    testAsyncCall *c = opaque;
    long long start = virTimeMonotonicMs();

    c->rc = virNetClientCall(c->client, TEST_PROGRAM, 1, c->proc, TEST_XDR_INT,
                             &c->arg, TEST_XDR_INT, &c->result, c->timeoutMs);
    c->elapsedMs = virTimeMonotonicMs() - start;
    if (c->rc < 0)
        c->err = virErrorCopyNew(virErrorGetLast());
}

static testAsyncCall *
testAsyncCallStart(virNetClient *client, int proc, int arg)
{
    testAsyncCall *c = g_new0(testAsyncCall, 1);

    c->client = client;
    c->proc = proc;
    c->arg = arg;
    c->timeoutMs = -1;
    c->thread = virThreadCreate("test-call", testAsyncCallRun, c);
    return c;
}

static void
testAsyncCallFinish(testAsyncCall *c)
{
    virThreadJoin(c->thread);
}

static void
testAsyncCallFree(testAsyncCall *c)
{
    virErrorFree(c->err);
    g_free(c);
}

/* ---- tests against the in-process server ---- */

typedef struct {
    virNetClient *client;
    int base;
    int failures;
} testWorker;

static void
testWorkerRun(void *opaque)
{
    testWorker *w = opaque;
    int i;

    for (i = 0; i < 200; i++) {
        int out = 0;

        if (testCallInt(w->client, TEST_PROC_ECHO, w->base + i, &out) < 0 ||
            out != w->base + i + 1)
            w->failures++;
    }
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

/* Serials count from 0; eight threads share one connection; a reply that
 * overtakes a slow call reaches its own caller. */
static void
testConcurrent(void)
{
    virNetTestServer *t = testServerStart();
    g_autoptr(virNetClient) client = virNetClientNewUNIX(t->sock);
    testWorker workers[8];
    GThread *threads[8];
    testAsyncCall *slow;
    int serial = -1;
    int out = 0;
    size_t i;

    g_assert_nonnull(client);
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_SERIAL,
                                     NULL, NULL, TEST_XDR_INT, &serial, 5000), ==, 0);
    g_assert_cmpint(serial, ==, 0);

    slow = testAsyncCallStart(client, TEST_PROC_BLOCK, 77);
    testWaitBlocked(1);
    g_assert_cmpint(testCallInt(client, TEST_PROC_ECHO, 41, &out), ==, 0);
    g_assert_cmpint(out, ==, 42);

    for (i = 0; i < G_N_ELEMENTS(workers); i++) {
        workers[i] = (testWorker){ .client = client, .base = i * 1000 };
        threads[i] = virThreadCreate("test-worker", testWorkerRun, &workers[i]);
    }
    for (i = 0; i < G_N_ELEMENTS(workers); i++) {
        virThreadJoin(threads[i]);
        g_assert_cmpint(workers[i].failures, ==, 0);
    }
    testRelease();
    testAsyncCallFinish(slow);
    g_assert_cmpint(slow->rc, ==, 0);
    g_assert_cmpint(slow->result, ==, 77);
    testAsyncCallFree(slow);
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_SERIAL,
                                     NULL, NULL, TEST_XDR_INT, &serial, 5000), ==, 0);
    g_assert_cmpint(serial, ==, 3 + 8 * 200);
    g_clear_pointer(&client, virNetClientUnref);
    virNetTestServerStop(t);
}

/* An error reply becomes the caller's last error, message verbatim; the
 * connection stays up. */
static void
testErrorReply(void)
{
    virNetTestServer *t = testServerStart();
    g_autoptr(virNetClient) client = virNetClientNewUNIX(t->sock);
    const virError *err;
    int out = 0;

    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_FAIL,
                                     NULL, NULL, NULL, NULL, 5000), ==, -1);
    err = virErrorGetLast();
    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpint(err->domain, ==, VIR_FROM_QEMU);
    g_assert_cmpint(err->level, ==, VIR_ERR_ERROR);
    g_assert_cmpstr(err->message, ==,
                    "Requested operation is not valid: domain is not running");

    /* libvirt.so turns "unknown procedure" into NO_SUPPORT */
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, 999,
                                     NULL, NULL, NULL, NULL, 5000), ==, -1);
    err = virErrorGetLast();
    g_assert_cmpint(err->code, ==, VIR_ERR_NO_SUPPORT);
    g_assert_cmpint(err->domain, ==, VIR_FROM_RPC);
    g_assert_cmpstr(err->message, ==, "unknown procedure: 999");

    g_assert_cmpint(virNetClientCall(client, 0x5555, 1, 1,
                                     NULL, NULL, NULL, NULL, 5000), ==, -1);
    err = virErrorGetLast();
    g_assert_cmpint(err->code, ==, VIR_ERR_RPC);
    g_assert_cmpstr(err->message, ==, "Cannot find program 21845 version 1");

    g_assert_true(virNetClientIsOpen(client));
    g_assert_cmpint(testCallInt(client, TEST_PROC_ECHO, 1, &out), ==, 0);
    g_assert_cmpint(out, ==, 2);
    g_clear_pointer(&client, virNetClientUnref);
    virNetTestServerStop(t);
}

/* The server PINGs us and drops us after one unanswered PING (2 s); our
 * PONGs keep us alive, and our own PINGs get PONGs. */
static void
testServerPing(void)
{
    virNetTestServer *t = testServerStart();
    g_autoptr(virNetClient) client = virNetClientNewUNIX(t->sock);
    testCloseInfo info = { 0 };
    int out = 0;

    virNetClientSetCloseCallback(client, testCloseCb, &info, NULL);
    g_assert_cmpint(virNetClientCall(client, TEST_PROGRAM, 1, TEST_PROC_KEEPALIVE,
                                     NULL, NULL, NULL, NULL, 5000), ==, 0);
    g_assert_cmpint(virNetClientSetKeepAlive(client, 1, 1), ==, 0);
    g_usleep(3500 * 1000);
    g_assert_true(virNetClientIsOpen(client));
    g_assert_cmpint(testCallInt(client, TEST_PROC_ECHO, 5, &out), ==, 0);
    g_assert_cmpint(out, ==, 6);

    virNetClientClose(client);
    g_assert_cmpint(info.count, ==, 1);
    g_assert_cmpint(info.reason, ==, VIR_CONNECT_CLOSE_REASON_CLIENT);
    virNetClientClose(client);
    g_assert_cmpint(info.count, ==, 1);
    g_clear_pointer(&client, virNetClientUnref);
    virNetTestServerStop(t);
}

/* A connection failure names the socket. */
static void
testConnectFailure(void)
{
    g_autoptr(virNetClient) client = virNetClientNewUNIX("/nonexistent/virtmig-sock");

    g_assert_null(client);
    g_assert_nonnull(strstr(virErrorGetLastMessage(), "/nonexistent/virtmig-sock"));
}

/* ---- tests against the scripted peer ---- */

static void
testAssertLastError(const virError *err, int code, const char *substr)
{
    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, code);
    if (!strstr(err->message, substr))
        g_error("message '%s' lacks '%s'", err->message, substr);
}

/* The peer stops answering: PINGs, then a keepalive close that fails the
 * pending call at once. */
static void
testKeepaliveTimeout(void)
{
    testPeer *p = testPeerNew();
    testAsyncCall *c;
    testPacket pkt;
    int pings = 0;

    g_assert_cmpint(virNetClientSetKeepAlive(p->client, 1, 1), ==, 0);
    c = testAsyncCallStart(p->client, TEST_PROC_ECHO, 1);
    g_assert_true(testPeerRecv(p, &pkt));
    g_assert_cmpint(pkt.type, ==, VIR_NET_CALL);
    g_assert_cmpuint(pkt.serial, ==, 0);
    while (testPeerRecv(p, &pkt)) {
        g_assert_cmpuint(pkt.prog, ==, KEEPALIVE_PROGRAM);
        g_assert_cmpint(pkt.proc, ==, KEEPALIVE_PROC_PING);
        g_assert_cmpint(pkt.type, ==, VIR_NET_MESSAGE);
        pings++;
    }
    g_assert_cmpint(pings, ==, 1);
    testAsyncCallFinish(c);
    g_assert_cmpint(c->rc, ==, -1);
    testAssertLastError(c->err, VIR_ERR_RPC, "keepalive timeout");
    g_assert_cmpint(c->elapsedMs, >=, 1500);
    g_assert_cmpint(c->elapsedMs, <, 5000);
    testCloseWait(&p->close);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_KEEPALIVE);
    testAsyncCallFree(c);
    testPeerFree(p);
}

/* EOF: the pending call and every later one fail at once. */
static void
testEOF(void)
{
    testPeer *p = testPeerNew();
    testAsyncCall *c = testAsyncCallStart(p->client, TEST_PROC_ECHO, 1);
    testPacket pkt;
    long long start;
    int out;

    g_assert_true(testPeerRecv(p, &pkt));
    start = virTimeMonotonicMs();
    close(p->fd);
    p->fd = -1;
    testAsyncCallFinish(c);
    g_assert_cmpint(virTimeMonotonicMs() - start, <, 1000);
    g_assert_cmpint(c->rc, ==, -1);
    testAssertLastError(c->err, VIR_ERR_RPC, "client socket is closed");
    testCloseWait(&p->close);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_EOF);
    g_assert_false(virNetClientIsOpen(p->client));

    g_assert_cmpint(testCallInt(p->client, TEST_PROC_ECHO, 2, &out), ==, -1);
    testAssertLastError(virErrorGetLast(), VIR_ERR_RPC, "client socket is closed");
    virNetClientClose(p->client);
    g_assert_cmpint(p->close.count, ==, 1);
    testAsyncCallFree(c);
    testPeerFree(p);
}

/* A reply nobody waits for closes the connection, as in libvirt.so. */
static void
testUnknownSerial(void)
{
    testPeer *p = testPeerNew();
    testAsyncCall *c = testAsyncCallStart(p->client, TEST_PROC_ECHO, 1);
    testPacket pkt;

    g_assert_true(testPeerRecv(p, &pkt));
    pkt.serial = 99;
    testPeerReplyInt(p, &pkt, 2);
    testAsyncCallFinish(c);
    g_assert_cmpint(c->rc, ==, -1);
    testAssertLastError(c->err, VIR_ERR_RPC, "no call waiting for reply");
    testCloseWait(&p->close);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_ERROR);
    testAsyncCallFree(c);
    testPeerFree(p);
}

/* A reply with the right serial but another procedure fails that call
 * only; replies may arrive in any order. */
static void
testReplyMatching(void)
{
    testPeer *p = testPeerNew();
    testAsyncCall *a = testAsyncCallStart(p->client, TEST_PROC_ECHO, 10);
    testAsyncCall *b;
    testPacket pa, pb;

    g_assert_true(testPeerRecv(p, &pa));
    b = testAsyncCallStart(p->client, TEST_PROC_BLOCK, 20);
    g_assert_true(testPeerRecv(p, &pb));
    g_assert_cmpuint(pb.serial, ==, pa.serial + 1);

    testPeerReplyInt(p, &pb, 21);
    testAsyncCallFinish(b);
    g_assert_cmpint(b->rc, ==, 0);
    g_assert_cmpint(b->result, ==, 21);

    pa.proc = TEST_PROC_SERIAL;
    testPeerReplyInt(p, &pa, 11);
    testAsyncCallFinish(a);
    g_assert_cmpint(a->rc, ==, -1);
    testAssertLastError(a->err, VIR_ERR_RPC, "Unexpected message proc");
    g_assert_true(virNetClientIsOpen(p->client));
    testAsyncCallFree(a);
    testAsyncCallFree(b);
    virNetClientClose(p->client);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_CLIENT);
    testPeerFree(p);
}

/* A timed-out call's late reply is dropped quietly. */
static void
testTimeout(void)
{
    testPeer *p = testPeerNew();
    testAsyncCall *c = g_new0(testAsyncCall, 1);
    testAsyncCall *d;
    testPacket pc, pd;

    c->client = p->client;
    c->proc = TEST_PROC_ECHO;
    c->timeoutMs = 200;
    c->thread = virThreadCreate("test-call", testAsyncCallRun, c);
    g_assert_true(testPeerRecv(p, &pc));
    testAsyncCallFinish(c);
    g_assert_cmpint(c->rc, ==, -1);
    testAssertLastError(c->err, VIR_ERR_OPERATION_TIMEOUT, "within 200 ms");

    testPeerReplyInt(p, &pc, 1);
    d = testAsyncCallStart(p->client, TEST_PROC_ECHO, 5);
    g_assert_true(testPeerRecv(p, &pd));
    testPeerReplyInt(p, &pd, 6);
    testAsyncCallFinish(d);
    g_assert_cmpint(d->rc, ==, 0);
    g_assert_cmpint(d->result, ==, 6);
    g_assert_true(virNetClientIsOpen(p->client));
    testAsyncCallFree(c);
    testAsyncCallFree(d);
    virNetClientClose(p->client);
    testPeerFree(p);
}

typedef struct {
    GMutex lock;
    int proc;
    int reason;
    int count;
} testEventInfo;

static void
testEventCb(virNetClient *client G_GNUC_UNUSED, virNetMessage *msg,
            void *opaque)
{
    testEventInfo *info = opaque;
    remote_connect_event_connection_closed_msg data = { 0 };

    g_assert_cmpint(virNetMessageDecodePayload(msg,
        (xdrproc_t)xdr_remote_connect_event_connection_closed_msg, &data), ==, 0);
    g_mutex_lock(&info->lock);
    info->proc = msg->header.proc;
    info->reason = data.reason;
    info->count++;
    g_mutex_unlock(&info->lock);
}

/* Remote events reach the callback, qemu/lxc ones are ignored, server
 * PINGs are answered, and a message of an unknown program closes. */
static void
testEvents(void)
{
    testPeer *p = testPeerNew();
    testEventInfo info = { 0 };
    testPacket ev = { .prog = REMOTE_PROGRAM, .vers = 1,
                      .proc = REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED,
                      .type = VIR_NET_MESSAGE, .serial = 1,
                      .body = { 2 }, .nbody = 1 };
    testPacket ping = { .prog = KEEPALIVE_PROGRAM, .vers = 1,
                        .proc = KEEPALIVE_PROC_PING, .type = VIR_NET_MESSAGE };
    testPacket pkt;

    virNetClientSetEventCallback(p->client, testEventCb, &info, NULL);
    testPeerSend(p, &ev);
    ev.prog = QEMU_PROGRAM;
    testPeerSend(p, &ev);
    ev.prog = LXC_PROGRAM;
    testPeerSend(p, &ev);
    testPeerSend(p, &ping);
    g_assert_true(testPeerRecv(p, &pkt));
    g_assert_cmpuint(pkt.prog, ==, KEEPALIVE_PROGRAM);
    g_assert_cmpint(pkt.proc, ==, KEEPALIVE_PROC_PONG);
    g_assert_cmpint(pkt.type, ==, VIR_NET_MESSAGE);
    g_assert_cmpuint(pkt.serial, ==, 0);
    g_assert_cmpuint(pkt.nbody, ==, 0);
    g_assert_true(virNetClientIsOpen(p->client));
    g_mutex_lock(&info.lock);
    g_assert_cmpint(info.count, ==, 1);
    g_assert_cmpint(info.proc, ==, REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED);
    g_assert_cmpint(info.reason, ==, 2);
    g_mutex_unlock(&info.lock);

    ev.prog = 0x12345;
    testPeerSend(p, &ev);
    testCloseWait(&p->close);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_ERROR);
    virNetClientSetEventCallback(p->client, NULL, NULL, NULL);
    testPeerFree(p);
}

/* A length word beyond the protocol limit closes the connection. */
static void
testOversize(void)
{
    testPeer *p = testPeerNew();
    uint32_t len = g_htonl(VIR_NET_MESSAGE_MAX + 5);

    g_assert_cmpint(write(p->fd, &len, sizeof(len)), ==, sizeof(len));
    testCloseWait(&p->close);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_ERROR);
    testPeerFree(p);
}

/* Closing from our side fails a pending call at once. */
static void
testClientClose(void)
{
    testPeer *p = testPeerNew();
    testAsyncCall *c = testAsyncCallStart(p->client, TEST_PROC_ECHO, 1);
    testPacket pkt;

    g_assert_true(testPeerRecv(p, &pkt));
    virNetClientClose(p->client);
    g_assert_cmpint(p->close.count, ==, 1);
    g_assert_cmpint(p->close.reason, ==, VIR_CONNECT_CLOSE_REASON_CLIENT);
    testAsyncCallFinish(c);
    g_assert_cmpint(c->rc, ==, -1);
    testAssertLastError(c->err, VIR_ERR_RPC, "closed by the client");
    g_assert_false(testPeerRecv(p, &pkt));
    testAsyncCallFree(c);
    testPeerFree(p);
}

int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/rpc/client/concurrent", testConcurrent);
    g_test_add_func("/rpc/client/error-reply", testErrorReply);
    g_test_add_func("/rpc/client/server-ping", testServerPing);
    g_test_add_func("/rpc/client/connect-failure", testConnectFailure);
    g_test_add_func("/rpc/client/keepalive-timeout", testKeepaliveTimeout);
    g_test_add_func("/rpc/client/eof", testEOF);
    g_test_add_func("/rpc/client/unknown-serial", testUnknownSerial);
    g_test_add_func("/rpc/client/reply-matching", testReplyMatching);
    g_test_add_func("/rpc/client/timeout", testTimeout);
    g_test_add_func("/rpc/client/events", testEvents);
    g_test_add_func("/rpc/client/oversize", testOversize);
    g_test_add_func("/rpc/client/client-close", testClientClose);
    return g_test_run();
}
