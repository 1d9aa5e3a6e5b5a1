/*
 * virnetstreamtest.c: streams between the RPC client and an in-process
 * server: data delivered whole and in order into the descriptor the
 * server attached, the end and the abort confirmed, the server's error
 * reaching the sender, and a reader that stops holding the sender back
 * instead of letting either side queue without bound
 *
 * The other way (consoles, screenshots), seen by a raw socket as
 * libvirt's client sees it: the descriptor's data in order in CONTINUE
 * packets of at most 64 KiB, its end as an empty CONTINUE, the client's
 * end confirmed; a stream opened for a client that is gone is over at
 * once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#include "virnetclient.h"
#include "virnetclientstream.h"
#include "virnetserver.h"
#include "virnettestserver.h"
#include "virnetserverstream.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_PROGRAM 0x55667788
#define TEST_PROC_OPEN 1
#define TEST_PROC_OPEN_BOTH 2
#define TEST_PROC_OPEN_LATE 3
#define TEST_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)

/* The reading end of the last stream the server opened. */
static GMutex testLock;
static int testReadFD = -1;

/* A stream whose data flows @dirs through a socketpair the test holds
 * the other end of. */
static int
testOpenDirs(virNetServerClient *client, virNetMessage *msg, unsigned int dirs)
{
    virNetServer *srv = virNetServerClientGetServer(client);
    g_autoptr(virNetServerStream) st = virNetServerStreamNew(client,
                                                             virNetServerGetContext(srv),
                                                             &msg->header);
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    if (virNetServerStreamAttachFD(st, sv[0], dirs) < 0) {
        close(sv[1]);
        virNetServerStreamClose(st);
        return -1;
    }
    g_mutex_lock(&testLock);
    testReadFD = sv[1];
    g_mutex_unlock(&testLock);
    return 0;
}

/* OPEN: the client's data goes into a socketpair the test reads. */
static int
testOpen(virNetServerClient *client, virNetMessage *msg,
         void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    return testOpenDirs(client, msg, VIR_NET_SERVER_STREAM_RX);
}

/* OPEN_BOTH: a console's shape: both ways through the socketpair. */
static int
testOpenBoth(virNetServerClient *client, virNetMessage *msg,
             void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    return testOpenDirs(client, msg,
                        VIR_NET_SERVER_STREAM_RX | VIR_NET_SERVER_STREAM_TX);
}

/* OPEN_LATE: the handler waits until the test says its client is gone
 * (as a call that waited for a worker, or whose handler was slow, would
 * find it), then opens its stream the way a console does. */
static GCond testLateCond;
static gint testLateState;      /* 0, 1: handler waits, 2: go on, 3: done */
static bool testLateOpen;       /* the stream it made was still open */
static int testLateAttach;      /* what attaching a descriptor gave */

static void
testLateSet(gint state)
{
    g_mutex_lock(&testLock);
    testLateState = state;
    g_cond_broadcast(&testLateCond);
    g_mutex_unlock(&testLock);
}

static void
testLateWait(gint state)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;

    g_mutex_lock(&testLock);
    while (testLateState < state)
        g_assert_true(g_cond_wait_until(&testLateCond, &testLock, deadline));
    g_mutex_unlock(&testLock);
}

static int
testOpenLate(virNetServerClient *client, virNetMessage *msg,
             void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    virNetServer *srv = virNetServerClientGetServer(client);
    g_autoptr(virNetServerStream) st = NULL;
    int sv[2];

    testLateSet(1);
    testLateWait(2);
    st = virNetServerStreamNew(client, virNetServerGetContext(srv), &msg->header);
    testLateOpen = virNetServerStreamIsOpen(st);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    testLateAttach = virNetServerStreamAttachFD(st, sv[0],
                                                VIR_NET_SERVER_STREAM_RX |
                                                VIR_NET_SERVER_STREAM_TX);
    close(sv[1]);
    virErrorResetLast();
    testLateSet(3);
    return -1;
}

static const virNetServerProgramProc testProcs[] = {
    [TEST_PROC_OPEN] = { .name = "OPEN", .func = testOpen,
                         .argsFilter = TEST_XDR_VOID, .retFilter = TEST_XDR_VOID,
                         .readonlyAllowed = true },
    [TEST_PROC_OPEN_BOTH] = { .name = "OPEN_BOTH", .func = testOpenBoth,
                              .argsFilter = TEST_XDR_VOID,
                              .retFilter = TEST_XDR_VOID,
                              .readonlyAllowed = true },
    [TEST_PROC_OPEN_LATE] = { .name = "OPEN_LATE", .func = testOpenLate,
                              .argsFilter = TEST_XDR_VOID,
                              .retFilter = TEST_XDR_VOID,
                              .readonlyAllowed = true },
};

typedef struct {
    virNetTestServer *server;
    virNetClient *client;
} testEnv;

static testEnv *
testEnvNew(void)
{
    testEnv *t = g_new0(testEnv, 1);
    virNetServerConfig cfg;

    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = 2;
    cfg.prioWorkers = 1;
    cfg.maxClientRequests = 4;
    t->server = virNetTestServerStart("virnetstreamtest", &cfg, TEST_PROGRAM,
                                      testProcs, G_N_ELEMENTS(testProcs));
    t->client = virNetClientNewUNIX(t->server->sock);
    g_assert_nonnull(t->client);
    return t;
}

static void
testEnvFree(testEnv *t)
{
    virNetClientClose(t->client);
    virNetClientUnref(t->client);
    virNetTestServerStop(t->server);
    g_free(t);
}

/* Opens a stream; *@fd gets the server side's reading end. */
static virNetClientStream *
testStreamOpen(testEnv *t, int *fd)
{
    unsigned int serial = 0;

    g_assert_cmpint(virNetClientCallSerial(t->client, TEST_PROGRAM, 1,
                                           TEST_PROC_OPEN, NULL, NULL, NULL,
                                           NULL, 10000, &serial), ==, 0);
    g_mutex_lock(&testLock);
    *fd = testReadFD;
    testReadFD = -1;
    g_mutex_unlock(&testLock);
    g_assert_cmpint(*fd, >=, 0);
    return virNetClientStreamNew(t->client, TEST_PROGRAM, 1, TEST_PROC_OPEN,
                                 serial);
}

/* Byte @i of the test data. */
static char
testByte(size_t i)
{
    return (char)((i * 7 + i / 4093) & 0xff);
}

/* Reads until EOF, checking the data; returns the bytes read. */
typedef struct {
    int fd;
    size_t total;
    bool ok;
    gint pause;             /* atomic: stop reading while set */
} testReader;

static void
testReaderRun(void *opaque)
{
    testReader *r = opaque;
    g_autofree char *buf = g_new(char, 65536);
    ssize_t n;
    ssize_t i;

    r->ok = true;
    for (;;) {
        while (g_atomic_int_get(&r->pause))
            g_usleep(1000);
        if ((n = read(r->fd, buf, 65536)) <= 0)
            break;
        for (i = 0; i < n; i++) {
            if (buf[i] != testByte(r->total + i))
                r->ok = false;
        }
        r->total += n;
    }
    close(r->fd);
}

/* Sends bytes @start to @start + @len of the test data in uneven
 * pieces. */
static int
testSendFrom(virNetClientStream *st, size_t start, size_t len)
{
    g_autofree char *buf = g_new(char, 300000);
    size_t off = 0;

    while (off < len) {
        size_t n = MIN(len - off, 1000 + (off % 299000));
        size_t i;

        for (i = 0; i < n; i++)
            buf[i] = testByte(start + off + i);
        if (virNetClientStreamSend(st, buf, n) < 0)
            return -1;
        off += n;
    }
    return 0;
}


static int
testSend(virNetClientStream *st, size_t len)
{
    return testSendFrom(st, 0, len);
}


static void
testDeliver(void)
{
    testEnv *t = testEnvNew();
    testReader r = { 0 };
    GThread *reader;
    virNetClientStream *st = testStreamOpen(t, &r.fd);

    reader = virThreadCreate("test-reader", testReaderRun, &r);
    g_assert_cmpint(testSend(st, 20 * 1024 * 1024 + 17), ==, 0);
    g_assert_cmpint(virNetClientStreamFinish(st, 10000), ==, 0);
    virThreadJoin(reader);
    g_assert_true(r.ok);
    g_assert_cmpuint(r.total, ==, 20 * 1024 * 1024 + 17);
    virNetClientStreamFree(st);
    testEnvFree(t);
}


static void
testAbort(void)
{
    testEnv *t = testEnvNew();
    testReader r = { 0 };
    GThread *reader;
    virNetClientStream *st = testStreamOpen(t, &r.fd);

    reader = virThreadCreate("test-reader", testReaderRun, &r);
    g_assert_cmpint(testSend(st, 1024 * 1024), ==, 0);
    g_assert_cmpint(virNetClientStreamAbort(st, 10000), ==, 0);
    /* the server closed its descriptor: the reader saw EOF */
    virThreadJoin(reader);
    g_assert_true(r.ok);
    g_assert_cmpuint(r.total, <=, 1024 * 1024);
    /* a second stream on the same connection works */
    virNetClientStreamFree(st);
    st = testStreamOpen(t, &r.fd);
    reader = virThreadCreate("test-reader", testReaderRun, &r);
    r.total = 0;
    g_assert_cmpint(testSend(st, 4096), ==, 0);
    g_assert_cmpint(virNetClientStreamFinish(st, 10000), ==, 0);
    virThreadJoin(reader);
    g_assert_cmpuint(r.total, ==, 4096);
    virNetClientStreamFree(st);
    testEnvFree(t);
}


/* The server cannot deliver (its reader went away): its error reaches
 * the sender, and the end is refused with it. */
static void
testServerError(void)
{
    testEnv *t = testEnvNew();
    int fd = -1;
    virNetClientStream *st = testStreamOpen(t, &fd);
    long long deadline = virTimeMonotonicMs() + 10000;
    int rc = 0;

    close(fd);
    while (rc == 0 && virTimeMonotonicMs() < deadline) {
        rc = testSend(st, 65536);
        g_usleep(1000);
    }
    g_assert_cmpint(rc, ==, -1);
    g_test_message("error: %s", virErrorGetLastMessage());
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(virErrorGetLastMessage(), "cannot write the data of a stream"));
    g_assert_cmpint(virNetClientStreamFinish(st, 10000), ==, -1);
    virErrorResetLast();
    g_assert_cmpint(virNetClientStreamAbort(st, 1000), ==, 0);
    virNetClientStreamFree(st);
    g_assert_true(virNetClientIsOpen(t->client));
    testEnvFree(t);
}


typedef struct {
    virNetClientStream *st;
    size_t len;
    gint sent;      /* atomic: bytes accepted by Send so far (in MiB) */
    int rc;
} testSender;

static void
testSenderRun(void *opaque)
{
    testSender *s = opaque;
    size_t done;

    for (done = 0; done < s->len; done += 1024 * 1024) {
        if ((s->rc = testSendFrom(s->st, done, 1024 * 1024)) < 0)
            return;
        g_atomic_int_add(&s->sent, 1);
    }
    s->rc = virNetClientStreamFinish(s->st, 10000);
}


/* A reader that stops holds the sender back: with the server's window of
 * 4 packets, the client's queue bound and the socket buffers, the sender
 * gets at most a few MiB ahead; once the reader goes on, everything
 * arrives. */
static void
testFlowControl(void)
{
    testEnv *t = testEnvNew();
    testReader r = { .pause = 1 };
    testSender s = { .len = 64 * 1024 * 1024 };
    GThread *reader;
    GThread *sender;
    int ahead;

    s.st = testStreamOpen(t, &r.fd);
    reader = virThreadCreate("test-reader", testReaderRun, &r);
    sender = virThreadCreate("test-sender", testSenderRun, &s);
    g_usleep(500 * 1000);
    ahead = g_atomic_int_get(&s.sent);
    g_usleep(500 * 1000);
    g_assert_cmpint(g_atomic_int_get(&s.sent), ==, ahead);
    g_test_message("the sender got %d MiB ahead of a reader that stopped", ahead);
    g_assert_cmpint(ahead, <, 8);
    g_atomic_int_set(&r.pause, 0);
    virThreadJoin(sender);
    virThreadJoin(reader);
    g_assert_cmpint(s.rc, ==, 0);
    g_assert_true(r.ok);
    g_assert_cmpuint(r.total, ==, 64 * 1024 * 1024);
    virNetClientStreamFree(s.st);
    testEnvFree(t);
}


/* The connection closes under an open stream: the sender fails, the
 * server's descriptor is closed. */
static void
testClose(void)
{
    testEnv *t = testEnvNew();
    testReader r = { 0 };
    GThread *reader;
    virNetClientStream *st = testStreamOpen(t, &r.fd);

    reader = virThreadCreate("test-reader", testReaderRun, &r);
    g_assert_cmpint(testSend(st, 65536), ==, 0);
    virNetClientClose(t->client);
    g_assert_cmpint(testSend(st, 65536), ==, -1);
    g_assert_cmpint(virNetClientStreamFinish(st, 1000), ==, -1);
    virErrorResetLast();
    virThreadJoin(reader);
    g_assert_true(r.ok);
    virNetClientStreamFree(st);
    testEnvFree(t);
}


/* ---- server to client, seen by a raw socket (libvirt's client side) ---- */

static void
testRawWrite(int fd, virNetMessage *msg)
{
    g_assert_nonnull(msg);
    g_assert_cmpint(write(fd, msg->buffer, msg->bufferLength), ==,
                    (ssize_t)msg->bufferLength);
    virNetMessageFree(msg);
}


static void
testRawReadAll(int fd, char *buf, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = read(fd, buf + off, len - off);

        g_assert_cmpint(n, >, 0);
        off += n;
    }
}


/* The next packet the server sends, header decoded. */
static virNetMessage *
testRawRead(int fd)
{
    virNetMessage *msg = virNetMessageNew();

    virNetMessagePrepareRead(msg);
    testRawReadAll(fd, msg->buffer, msg->bufferLength);
    g_assert_cmpint(virNetMessageDecodeLength(msg), ==, 0);
    testRawReadAll(fd, msg->buffer + VIR_NET_MESSAGE_LEN_MAX,
                   msg->bufferLength - VIR_NET_MESSAGE_LEN_MAX);
    g_assert_cmpint(virNetMessageDecodeHeader(msg), ==, 0);
    return msg;
}


/* What the descriptor gives reaches the client in CONTINUE packets, in
 * order; its end is an empty CONTINUE; the client's data still goes the
 * other way; the client's end is confirmed with OK. */
static void
testToClient(void)
{
    testEnv *t = testEnvNew();
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    const unsigned int serial = 7;
    virNetMessageHeader hdr = { .prog = TEST_PROGRAM, .vers = 1,
                                .proc = TEST_PROC_OPEN_BOTH, .serial = serial };
    g_autofree char *data = g_new(char, 300000);
    g_autoptr(GString) got = g_string_new(NULL);
    bool replied = false;
    char back[5] = { 0 };
    int sock;
    int fd;
    size_t i;

    g_strlcpy(addr.sun_path, t->server->sock, sizeof(addr.sun_path));
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(connect(sock, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    testRawWrite(sock, virNetMessageNewHeader(TEST_PROGRAM, 1, TEST_PROC_OPEN_BOTH,
                                              VIR_NET_CALL, serial, VIR_NET_OK));
    /* the descriptor's data, written as soon as the stream exists */
    for (fd = -1; fd < 0; g_usleep(1000)) {
        g_mutex_lock(&testLock);
        fd = testReadFD;
        testReadFD = -1;
        g_mutex_unlock(&testLock);
    }
    for (i = 0; i < 300000; i++)
        data[i] = testByte(i);
    g_assert_cmpint(write(fd, data, 100000), ==, 100000);
    testRawWrite(sock, virNetMessageNewStream(&hdr, VIR_NET_CONTINUE, "ping", 4));
    testRawReadAll(fd, back, 4);
    g_assert_cmpstr(back, ==, "ping");
    g_assert_cmpint(write(fd, data + 100000, 200000), ==, 200000);
    shutdown(fd, SHUT_WR);
    for (;;) {
        g_autoptr(virNetMessage) msg = testRawRead(sock);

        g_assert_cmpuint(msg->header.serial, ==, serial);
        if (msg->header.type == VIR_NET_REPLY) {
            g_assert_cmpint(msg->header.status, ==, VIR_NET_OK);
            replied = true;
            continue;
        }
        g_assert_cmpint(msg->header.type, ==, VIR_NET_STREAM);
        g_assert_cmpint(msg->header.status, ==, VIR_NET_CONTINUE);
        g_assert_cmpuint(msg->bufferLength - msg->bufferOffset, <=, 64 * 1024);
        if (msg->bufferLength == msg->bufferOffset)
            break;      /* the end of the data */
        g_string_append_len(got, msg->buffer + msg->bufferOffset,
                            msg->bufferLength - msg->bufferOffset);
    }
    g_assert_true(replied);
    g_assert_cmpuint(got->len, ==, 300000);
    g_assert_true(memcmp(got->str, data, 300000) == 0);
    /* the client ends the stream: confirmed, the descriptor closed */
    testRawWrite(sock, virNetMessageNewStream(&hdr, VIR_NET_OK, NULL, 0));
    {
        g_autoptr(virNetMessage) msg = testRawRead(sock);

        g_assert_cmpint(msg->header.type, ==, VIR_NET_STREAM);
        g_assert_cmpint(msg->header.status, ==, VIR_NET_OK);
    }
    g_assert_cmpint(read(fd, back, 1), ==, 0);
    close(fd);
    close(sock);
    testEnvFree(t);
}


/* A client that goes away while its call that opens a stream waits (for
 * a worker, or in its handler): the stream the handler makes afterwards
 * is over from the start and takes no descriptor, so nothing, such as a
 * console session, stays held for a client that is gone. */
static void
testClientGoneFirst(void)
{
    testEnv *t = testEnvNew();
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 deadline = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    int sock;

    g_strlcpy(addr.sun_path, t->server->sock, sizeof(addr.sun_path));
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(connect(sock, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    /* t->client and the raw socket, both accepted */
    while (virNetServerGetClientCount(t->server->srv) < 2) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    testRawWrite(sock, virNetMessageNewHeader(TEST_PROGRAM, 1, TEST_PROC_OPEN_LATE,
                                              VIR_NET_CALL, 9, VIR_NET_OK));
    testLateWait(1);
    close(sock);
    /* the server dropped the raw socket's client (and its streams) */
    while (virNetServerGetClientCount(t->server->srv) > 1) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    testLateSet(2);
    testLateWait(3);
    g_assert_false(testLateOpen);
    g_assert_cmpint(testLateAttach, ==, -1);
    testEnvFree(t);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/rpc/stream/deliver", testDeliver);
    g_test_add_func("/rpc/stream/abort", testAbort);
    g_test_add_func("/rpc/stream/server-error", testServerError);
    g_test_add_func("/rpc/stream/flow-control", testFlowControl);
    g_test_add_func("/rpc/stream/close", testClose);
    g_test_add_func("/rpc/stream/to-client", testToClient);
    g_test_add_func("/rpc/stream/client-gone-first", testClientGoneFirst);
    return g_test_run();
}
