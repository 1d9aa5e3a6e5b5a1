/*
 * qemumonitortestutils.c: a fake QEMU QMP server playing scripted exchanges
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <gio/gio.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemumonitortestutils.h"
#include "qemu_monitor_json.h"
#include "testutils.h"
#include "virfile.h"
#include "virthread.h"

#define QEMU_MONITOR_TEST_SCHEMA "qemumonitordata/qmp-schema-7.2.json.gz"
#define QEMU_MONITOR_TEST_GREETING \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, " \
    "\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, " \
    "\"capabilities\": [\"oob\"]}}"
/* How long the server waits for the monitor before calling it a failure. */
#define QEMU_MONITOR_TEST_IO_TIMEOUT_MS 10000

typedef enum {
    TEST_STEP_HANDSHAKE,
    TEST_STEP_GREETING,
    TEST_STEP_EXPECT,
    TEST_STEP_EXPECT_ANY,
    TEST_STEP_REPLY,
    TEST_STEP_REPLY_TO,
    TEST_STEP_EVENT,
    TEST_STEP_RAW,
    TEST_STEP_SPLIT,
    TEST_STEP_HUGE_REPLY,
    TEST_STEP_FLUSH,
    TEST_STEP_DELAY,
    TEST_STEP_EOF,
} testStepType;

typedef struct {
    testStepType type;
    int line;
    char *name;         /* expect, reply-to */
    GStrv names;        /* expect-any */
    json_object *json;  /* arguments, reply or event */
    char *text;         /* raw */
    long long num;      /* delay, huge-reply */
} testStep;

struct _qemuMonitorTest {
    GPtrArray *steps;
    int serverfd;
    int clientfd;
    char *listenPath;
    long long listenDelayMs;
    GThread *thread;
    qemuMonitor *mon;

    /* server thread only */
    GString *out;
    GByteArray *in;
    GHashTable *ids;    /* command name -> id of its last occurrence */
    char *lastId;
    bool peerGone;

    GMutex lock;        /* protects what follows */
    GCond cond;
    char *failure;
    unsigned int commandsSeen;
    bool done;
};

static GHashTable *testSchema; /* name -> entry of query-qmp-schema */


static void
testJSONFree(gpointer obj)
{
    json_object_put(obj);
}


static void
testStepFree(testStep *step)
{
    g_free(step->name);
    g_strfreev(step->names);
    if (step->json)
        json_object_put(step->json);
    g_free(step->text);
    g_free(step);
}


/* Records the first failure; returns -1 for convenient tail calls. */
static int G_GNUC_PRINTF(2, 3)
testFail(qemuMonitorTest *test, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_mutex_lock(&test->lock);
    if (!test->failure)
        test->failure = g_steal_pointer(&msg);
    g_cond_broadcast(&test->cond);
    g_mutex_unlock(&test->lock);
    return -1;
}


/* ---- the schema ---- */

static gpointer
testSchemaLoad(gpointer data G_GNUC_UNUSED)
{
    g_autofree char *path = virTestSrcPath(QEMU_MONITOR_TEST_SCHEMA);
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GFileInputStream) raw = g_file_read(file, NULL, &gerr);
    g_autoptr(GZlibDecompressor) gz = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GInputStream) in = NULL;
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(json_object) schema = NULL;
    GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              testJSONFree);
    g_autofree guint8 *chunk = g_malloc(65536);
    gssize n;
    size_t i;

    if (!raw)
        g_error("cannot open %s: %s", path, gerr->message);
    in = g_converter_input_stream_new(G_INPUT_STREAM(raw), G_CONVERTER(gz));
    while ((n = g_input_stream_read(in, chunk, 65536, NULL, &gerr)) > 0)
        g_byte_array_append(buf, chunk, n);
    if (n < 0)
        g_error("cannot read %s: %s", path, gerr->message);
    if (!(schema = json_tokener_parse(
              (const char *)g_byte_array_append(buf, (const guint8 *)"", 1)->data)) ||
        !json_object_is_type(schema, json_type_array))
        g_error("%s is not a query-qmp-schema dump", path);
    for (i = 0; i < json_object_array_length(schema); i++) {
        json_object *entry = json_object_array_get_idx(schema, i);
        json_object *name = NULL;

        if (json_object_object_get_ex(entry, "name", &name))
            g_hash_table_insert(table, g_strdup(json_object_get_string(name)),
                                json_object_get(entry));
    }
    return table;
}


static json_object *
testSchemaLookup(const char *name, const char *metaType)
{
    static GOnce once = G_ONCE_INIT;
    json_object *entry;
    json_object *meta = NULL;

    testSchema = g_once(&once, testSchemaLoad, NULL);
    if (!name || !(entry = g_hash_table_lookup(testSchema, name)) ||
        !json_object_object_get_ex(entry, "meta-type", &meta) ||
        STRNEQ(json_object_get_string(meta), metaType))
        return NULL;
    return entry;
}


/*
 * qemuMonitorTestSchemaHasCommand:
 * Whether QEMU 7.2's QMP schema has a command @name.
 */
bool
qemuMonitorTestSchemaHasCommand(const char *name)
{
    return testSchemaLookup(name, "command") != NULL;
}


/* Whether object type @type has a member @key: among its own members or
 * those of the variant its tag's value in @args selects (a flat union,
 * such as blockdev-add's or block-export-add's). */
static bool
testSchemaKnowsMember(json_object *type, json_object *args, const char *key,
                      unsigned int depth)
{
    json_object *members = NULL;
    json_object *tag = NULL;
    json_object *variants = NULL;
    json_object *value = NULL;
    size_t i;

    if (depth > 4 || !json_object_object_get_ex(type, "members", &members))
        return false;
    for (i = 0; i < json_object_array_length(members); i++) {
        json_object *mname = NULL;

        json_object_object_get_ex(json_object_array_get_idx(members, i),
                                  "name", &mname);
        if (STREQ(json_object_get_string(mname), key))
            return true;
    }
    if (!json_object_object_get_ex(type, "tag", &tag) ||
        !json_object_object_get_ex(type, "variants", &variants) ||
        !json_object_object_get_ex(args, json_object_get_string(tag), &value))
        return false;
    for (i = 0; i < json_object_array_length(variants); i++) {
        json_object *variant = json_object_array_get_idx(variants, i);
        json_object *vcase = NULL;
        json_object *vtype = NULL;
        json_object *sub;

        if (!json_object_object_get_ex(variant, "case", &vcase) ||
            STRNEQ(json_object_get_string(vcase), json_object_get_string(value)) ||
            !json_object_object_get_ex(variant, "type", &vtype) ||
            !(sub = testSchemaLookup(json_object_get_string(vtype), "object")))
            continue;
        return testSchemaKnowsMember(sub, args, key, depth + 1);
    }
    return false;
}


/* Checks @args (may be NULL) against the argument type of command @name. */
static int
testSchemaCheckArgs(qemuMonitorTest *test, const char *name, json_object *args)
{
    json_object *cmd = testSchemaLookup(name, "command");
    json_object *argtype = NULL;
    json_object *type;
    json_object *members = NULL;
    struct json_object_iterator it;
    struct json_object_iterator end;
    size_t i;

    if (!cmd)
        return testFail(test, "command '%s' is not in the QMP schema of QEMU 7.2", name);
    if (!json_object_object_get_ex(cmd, "arg-type", &argtype) ||
        !(type = testSchemaLookup(json_object_get_string(argtype), "object")) ||
        !json_object_object_get_ex(type, "members", &members))
        return 0;
    for (i = 0; i < json_object_array_length(members); i++) {
        json_object *member = json_object_array_get_idx(members, i);
        json_object *mname = NULL;

        json_object_object_get_ex(member, "name", &mname);
        if (!json_object_object_get_ex(member, "default", NULL) &&
            !json_object_object_get_ex(args, json_object_get_string(mname), NULL))
            return testFail(test, "command '%s' lacks mandatory argument '%s'",
                            name, json_object_get_string(mname));
    }
    if (!args)
        return 0;
    it = json_object_iter_begin(args);
    end = json_object_iter_end(args);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);

        if (!testSchemaKnowsMember(type, args, key, 0))
            return testFail(test, "command '%s' has no argument '%s' in QEMU 7.2",
                            name, key);
    }
    return 0;
}


/* ---- the script ---- */

static json_object *
testParseJSON(const char *text, int line)
{
    json_object *obj = json_tokener_parse(text);

    if (!obj)
        g_error("script line %d: invalid JSON: %s", line, text);
    return obj;
}


/* Fills @step from directive @word with argument text @rest. */
static void
testParseStep(testStep *step, const char *word, const char *rest)
{
    g_auto(GStrv) parts = g_strsplit(rest, " ", 2);
    static const struct {
        const char *word;
        testStepType type;
    } words[] = {
        { "handshake", TEST_STEP_HANDSHAKE }, { "greeting", TEST_STEP_GREETING },
        { "expect", TEST_STEP_EXPECT }, { "expect-any", TEST_STEP_EXPECT_ANY },
        { "reply", TEST_STEP_REPLY }, { "reply-to", TEST_STEP_REPLY_TO },
        { "event", TEST_STEP_EVENT }, { "raw", TEST_STEP_RAW },
        { "split", TEST_STEP_SPLIT }, { "huge-reply", TEST_STEP_HUGE_REPLY },
        { "flush", TEST_STEP_FLUSH }, { "delay", TEST_STEP_DELAY },
        { "eof", TEST_STEP_EOF },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(words) && STRNEQ(words[i].word, word); i++)
        ;
    if (i == G_N_ELEMENTS(words))
        g_error("script line %d: unknown directive '%s'", step->line, word);
    step->type = words[i].type;
    switch (step->type) {
    case TEST_STEP_EXPECT:
    case TEST_STEP_REPLY_TO:
        step->name = g_strdup(parts[0]);
        if (parts[0] && parts[1] && *parts[1])
            step->json = testParseJSON(parts[1], step->line);
        break;
    case TEST_STEP_EXPECT_ANY:
        step->names = g_strsplit(rest, " ", 0);
        break;
    case TEST_STEP_GREETING:
        step->json = testParseJSON(*rest ? rest : QEMU_MONITOR_TEST_GREETING, step->line);
        break;
    case TEST_STEP_REPLY:
    case TEST_STEP_EVENT:
    case TEST_STEP_SPLIT:
        step->json = testParseJSON(rest, step->line);
        break;
    case TEST_STEP_RAW:
        step->text = g_strdup(rest);
        break;
    case TEST_STEP_HUGE_REPLY:
    case TEST_STEP_DELAY:
        step->num = g_ascii_strtoll(rest, NULL, 10);
        break;
    case TEST_STEP_HANDSHAKE:
    case TEST_STEP_FLUSH:
    case TEST_STEP_EOF:
        break;
    }
}


/* Splits @script into steps (continuation lines joined). */
static GPtrArray *
testParseScript(const char *script)
{
    g_auto(GStrv) lines = g_strsplit(script, "\n", 0);
    GPtrArray *steps = g_ptr_array_new_with_free_func((GDestroyNotify)testStepFree);
    size_t i = 0;

    while (lines[i]) {
        g_autoptr(GString) text = g_string_new(g_strstrip(lines[i]));
        int line = ++i;
        testStep *step;
        char *sp;

        while (lines[i] && (lines[i][0] == ' ' || lines[i][0] == '\t')) {
            g_string_append_c(text, ' ');
            g_string_append(text, g_strstrip(lines[i++]));
        }
        if (text->len == 0 || text->str[0] == '#')
            continue;
        step = g_new0(testStep, 1);
        step->line = line;
        if ((sp = strchr(text->str, ' ')))
            *sp = '\0';
        testParseStep(step, text->str, sp ? sp + 1 : "");
        g_ptr_array_add(steps, step);
    }
    return steps;
}


/* ---- server I/O ---- */

/* Writes all of @data.  A closed peer ends the script (peerGone). */
static int
testWrite(qemuMonitorTest *test, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(test->serverfd, data, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            test->peerGone = true;
            return -1;
        }
        data += n;
        len -= n;
    }
    return 0;
}


static int
testFlush(qemuMonitorTest *test)
{
    int rc = testWrite(test, test->out->str, test->out->len);

    g_string_truncate(test->out, 0);
    return rc;
}


static void
testQueue(qemuMonitorTest *test, json_object *obj)
{
    g_string_append(test->out, json_object_to_json_string_ext(obj, JSON_C_TO_STRING_SPACED));
    g_string_append(test->out, "\r\n");
}


/* Reads the next command.  Returns 1 with *@cmd set, 0 when the peer
 * closed, -1 on failure (recorded). */
static int
testReadCommand(qemuMonitorTest *test, json_object **cmd)
{
    for (;;) {
        guint8 *nl = test->in->len ? memchr(test->in->data, '\n', test->in->len) : NULL;
        struct pollfd pfd = { .fd = test->serverfd, .events = POLLIN };
        guint8 chunk[2048];
        ssize_t n;

        if (nl) {
            g_autofree char *line = g_strndup((char *)test->in->data,
                                              nl - test->in->data);

            g_byte_array_remove_range(test->in, 0, nl - test->in->data + 1);
            if (!(*cmd = json_tokener_parse(g_strstrip(line))))
                return testFail(test, "monitor sent invalid JSON: %s", line);
            return 1;
        }
        if (poll(&pfd, 1, QEMU_MONITOR_TEST_IO_TIMEOUT_MS) == 0)
            return testFail(test, "no command from the monitor in %d ms",
                            QEMU_MONITOR_TEST_IO_TIMEOUT_MS);
        n = read(test->serverfd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        g_byte_array_append(test->in, chunk, n);
    }
}


/* Reads one command and checks it is in the schema; stores its id.
 * Returns 0 with *@retName set (caller owns it) or -1 (recorded). */
static int
testReceive(qemuMonitorTest *test, const char *waitingFor, char **retName,
            json_object **retArgs)
{
    g_autoptr(json_object) cmd = NULL;
    json_object *id = NULL;
    json_object *args = NULL;
    const char *name;
    int rc;

    if (testFlush(test) < 0)
        return testFail(test, "monitor closed the connection while we expected '%s'",
                        waitingFor);
    if ((rc = testReadCommand(test, &cmd)) <= 0)
        return rc < 0 ? -1 : testFail(test, "monitor closed the connection while we expected '%s'",
                                      waitingFor);
    name = qemuMonitorJSONCommandName(cmd);
    json_object_object_get_ex(cmd, "arguments", &args);
    if (testSchemaCheckArgs(test, name, args) < 0)
        return -1;
    if (!json_object_object_get_ex(cmd, "id", &id))
        return testFail(test, "command '%s' was sent without an id", name);
    g_free(test->lastId);
    test->lastId = g_strdup(json_object_get_string(id));
    g_hash_table_insert(test->ids, g_strdup(name), g_strdup(test->lastId));
    g_mutex_lock(&test->lock);
    test->commandsSeen++;
    g_cond_broadcast(&test->cond);
    g_mutex_unlock(&test->lock);
    *retName = g_strdup(name);
    if (retArgs)
        *retArgs = args ? json_object_get(args) : json_object_new_object();
    return 0;
}


static int
testStepExpect(qemuMonitorTest *test, const testStep *step)
{
    g_autofree char *name = NULL;
    g_autoptr(json_object) args = NULL;

    if (testReceive(test, step->name, &name, &args) < 0)
        return -1;
    if (STRNEQ(name, step->name))
        return testFail(test, "line %d: expected command '%s', got '%s'",
                        step->line, step->name, name);
    if (step->json && !json_object_equal(step->json, args))
        return testFail(test, "line %d: command '%s' arguments %s, expected %s",
                        step->line, name, json_object_to_json_string(args),
                        json_object_to_json_string(step->json));
    return 0;
}


static int
testStepExpectAny(qemuMonitorTest *test, const testStep *step)
{
    g_autoptr(GPtrArray) left = g_ptr_array_new();
    size_t i;

    for (i = 0; step->names[i]; i++)
        g_ptr_array_add(left, step->names[i]);
    while (left->len > 0) {
        g_autofree char *name = NULL;
        bool found = false;

        if (testReceive(test, g_ptr_array_index(left, 0), &name, NULL) < 0)
            return -1;
        for (i = 0; i < left->len && !found; i++) {
            if ((found = STREQ(name, g_ptr_array_index(left, i))))
                g_ptr_array_remove_index(left, i);
        }
        if (!found)
            return testFail(test, "line %d: unexpected command '%s'", step->line, name);
    }
    return 0;
}


/* A copy of @reply carrying @id. */
static json_object *
testReplyWithId(json_object *reply, const char *id)
{
    json_object *copy = NULL;

    json_object_deep_copy(reply, &copy, NULL);
    if (id)
        json_object_object_add(copy, "id", json_object_new_string(id));
    return copy;
}


static int
testStepReply(qemuMonitorTest *test, const testStep *step)
{
    const char *id = test->lastId;
    g_autoptr(json_object) reply = NULL;

    if (step->type == TEST_STEP_REPLY_TO &&
        !(id = g_hash_table_lookup(test->ids, step->name)))
        return testFail(test, "line %d: no command '%s' to reply to",
                        step->line, step->name);
    reply = testReplyWithId(step->json, id);
    testQueue(test, reply);
    return 0;
}


static void
testStepEvent(qemuMonitorTest *test, const testStep *step)
{
    g_autoptr(json_object) event = NULL;

    json_object_deep_copy(step->json, &event, NULL);
    if (!json_object_object_get_ex(event, "timestamp", NULL)) {
        json_object *stamp = json_object_new_object();
        gint64 now = g_get_real_time();

        json_object_object_add(stamp, "seconds", json_object_new_int64(now / G_USEC_PER_SEC));
        json_object_object_add(stamp, "microseconds",
                               json_object_new_int64(now % G_USEC_PER_SEC));
        json_object_object_add(event, "timestamp", stamp);
    }
    testQueue(test, event);
}


static int
testStepSplit(qemuMonitorTest *test, const testStep *step)
{
    g_autoptr(json_object) reply = testReplyWithId(step->json, test->lastId);
    g_autofree char *text = g_strdup_printf(
        "%s\r\n", json_object_to_json_string_ext(reply, JSON_C_TO_STRING_SPACED));
    size_t len = strlen(text);
    size_t off;

    if (testFlush(test) < 0)
        return -1;
    for (off = 0; off < len; off += 7) {
        if (testWrite(test, text + off, MIN(7, len - off)) < 0)
            return -1;
        g_usleep(1000);
    }
    return 0;
}


static int
testStepHugeReply(qemuMonitorTest *test, const testStep *step)
{
    g_autofree char *head = g_strdup_printf("{\"id\": \"%s\", \"return\": \"",
                                            NULLSTR(test->lastId));
    size_t fill = MAX(step->num - (long long)strlen(head) - 4, 0);
    g_autofree char *body = g_malloc(fill);

    memset(body, 'x', fill);
    if (testFlush(test) < 0 || testWrite(test, head, strlen(head)) < 0 ||
        testWrite(test, body, fill) < 0)
        return -1;
    return testWrite(test, "\"}\r\n", 4);
}


static int
testRunStep(qemuMonitorTest *test, const testStep *step)
{
    switch (step->type) {
    case TEST_STEP_HANDSHAKE: {
        g_autoptr(json_object) greeting = json_tokener_parse(QEMU_MONITOR_TEST_GREETING);
        testStep expect = { .type = TEST_STEP_EXPECT, .line = step->line,
                            .name = (char *)"qmp_capabilities" };
        testStep reply = { .type = TEST_STEP_REPLY, .line = step->line,
                           .json = json_tokener_parse("{\"return\": {}}") };
        int rc;

        testQueue(test, greeting);
        rc = testStepExpect(test, &expect);
        if (rc == 0)
            rc = testStepReply(test, &reply);
        json_object_put(reply.json);
        return rc;
    }
    case TEST_STEP_GREETING:
        testQueue(test, step->json);
        return 0;
    case TEST_STEP_EXPECT:
        return testStepExpect(test, step);
    case TEST_STEP_EXPECT_ANY:
        return testStepExpectAny(test, step);
    case TEST_STEP_REPLY:
    case TEST_STEP_REPLY_TO:
        return testStepReply(test, step);
    case TEST_STEP_EVENT:
        testStepEvent(test, step);
        return 0;
    case TEST_STEP_RAW:
        g_string_append_printf(test->out, "%s\r\n", step->text);
        return 0;
    case TEST_STEP_SPLIT:
        return testStepSplit(test, step);
    case TEST_STEP_HUGE_REPLY:
        return testStepHugeReply(test, step);
    case TEST_STEP_FLUSH:
        return testFlush(test);
    case TEST_STEP_DELAY:
        if (testFlush(test) < 0)
            return -1;
        g_usleep(step->num * 1000);
        return 0;
    case TEST_STEP_EOF:
        testFlush(test);
        shutdown(test->serverfd, SHUT_RDWR);
        test->peerGone = true;
        return 0;
    }
    return testFail(test, "line %d: bad step", step->line);
}


/* After the script: the monitor may only close the connection. */
static void
testWaitPeerClose(qemuMonitorTest *test)
{
    json_object *cmd = NULL;

    if (testFlush(test) < 0)
        return;
    if (testReadCommand(test, &cmd) > 0) {
        testFail(test, "unexpected command after the end of the script: %s",
                 json_object_to_json_string(cmd));
        json_object_put(cmd);
    }
}


/* Unix mode: listen on @listenPath after the delay and accept one client. */
static int
testAccept(qemuMonitorTest *test)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    VIR_AUTOCLOSE lfd = -1;
    struct pollfd pfd = { .events = POLLIN };

    g_usleep(test->listenDelayMs * 1000);
    g_strlcpy(addr.sun_path, test->listenPath, sizeof(addr.sun_path));
    if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(lfd, 1) < 0)
        return testFail(test, "cannot listen on %s: %s", test->listenPath,
                        g_strerror(errno));
    pfd.fd = lfd;
    if (poll(&pfd, 1, QEMU_MONITOR_TEST_IO_TIMEOUT_MS) <= 0 ||
        (test->serverfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
        return testFail(test, "no connection on %s", test->listenPath);
    unlink(test->listenPath);
    return 0;
}


static void
testServerThread(void *opaque)
{
    qemuMonitorTest *test = opaque;
    size_t i = 0;

    if (test->listenPath && testAccept(test) < 0)
        test->peerGone = true;
    for (; !test->peerGone && i < test->steps->len; i++) {
        int rc = testRunStep(test, g_ptr_array_index(test->steps, i));

        if (rc < 0 || test->peerGone) {
            if (i + 1 < test->steps->len)
                testFail(test, "connection closed with %u script steps left",
                         test->steps->len - (guint)i - 1);
            break;
        }
    }
    if (i == test->steps->len && !test->peerGone)
        testWaitPeerClose(test);
    /* A failed script hangs up, so a waiting command ends at once. */
    if (test->serverfd >= 0)
        shutdown(test->serverfd, SHUT_RDWR);
    g_mutex_lock(&test->lock);
    test->done = true;
    g_cond_broadcast(&test->cond);
    g_mutex_unlock(&test->lock);
}


/* ---- public ---- */

static qemuMonitorTest *
testNewCommon(const char *script)
{
    qemuMonitorTest *test = g_new0(qemuMonitorTest, 1);

    test->steps = testParseScript(script);
    test->serverfd = -1;
    test->clientfd = -1;
    test->out = g_string_new(NULL);
    test->in = g_byte_array_new();
    test->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_mutex_init(&test->lock);
    g_cond_init(&test->cond);
    return test;
}


/*
 * qemuMonitorTestNewServer:
 * Starts the fake QEMU playing @script on a socketpair, without opening a
 * monitor: take the other end with qemuMonitorTestTakeClientFD.  Caller
 * owns the result.
 */
qemuMonitorTest *
qemuMonitorTestNewServer(const char *script)
{
    qemuMonitorTest *test = testNewCommon(script);
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        g_error("socketpair: %s", g_strerror(errno));
    test->serverfd = fds[0];
    test->clientfd = fds[1];
    test->thread = virThreadCreate("fake-qemu", testServerThread, test);
    return test;
}


/*
 * qemuMonitorTestNewUnix:
 * Starts the fake QEMU, which listens on the unix socket @path only after
 * @listenDelayMs (as QEMU does once it has started), accepts one client and
 * plays @script.  Caller owns the result.
 */
qemuMonitorTest *
qemuMonitorTestNewUnix(const char *script, const char *path, long long listenDelayMs)
{
    qemuMonitorTest *test = testNewCommon(script);

    test->listenPath = g_strdup(path);
    test->listenDelayMs = listenDelayMs;
    test->thread = virThreadCreate("fake-qemu", testServerThread, test);
    return test;
}


/*
 * qemuMonitorTestNewInline:
 * Starts the fake QEMU playing @script and opens a monitor on it with @cb
 * and @opaque (the handshake is part of the script).  Aborts the test if
 * the monitor cannot be opened.  Caller owns the result.
 */
qemuMonitorTest *
qemuMonitorTestNewInline(const char *script, const qemuMonitorCallbacks *cb,
                         void *opaque)
{
    qemuMonitorTest *test = qemuMonitorTestNewServer(script);

    test->mon = qemuMonitorOpenFD(qemuMonitorTestTakeClientFD(test), "fake", 5000,
                                  cb, opaque);
    if (!test->mon)
        g_error("cannot open monitor on the fake QEMU: %s", virTestLastErrorMessage());
    return test;
}


/*
 * qemuMonitorTestNew:
 * qemuMonitorTestNewInline with the script tests/qemumonitordata/@name.replies.
 */
qemuMonitorTest *
qemuMonitorTestNew(const char *name, const qemuMonitorCallbacks *cb, void *opaque)
{
    g_autofree char *rel = g_strdup_printf("qemumonitordata/%s.replies", name);
    g_autofree char *script = virTestLoadFile(rel, NULL);

    return qemuMonitorTestNewInline(script, cb, opaque);
}


/* qemuMonitorTestGetMonitor: the monitor opened by New/NewInline (borrowed). */
qemuMonitor *
qemuMonitorTestGetMonitor(qemuMonitorTest *test)
{
    return test->mon;
}


/* qemuMonitorTestTakeClientFD: the monitor's end of the socketpair; the
 * caller owns it. */
int
qemuMonitorTestTakeClientFD(qemuMonitorTest *test)
{
    int fd = test->clientfd;

    test->clientfd = -1;
    return fd;
}


/* qemuMonitorTestCommandsSeen: how many commands the fake QEMU received. */
unsigned int
qemuMonitorTestCommandsSeen(qemuMonitorTest *test)
{
    unsigned int n;

    g_mutex_lock(&test->lock);
    n = test->commandsSeen;
    g_mutex_unlock(&test->lock);
    return n;
}


/* qemuMonitorTestWaitCommands: waits until @count commands were received;
 * false on timeout. */
bool
qemuMonitorTestWaitCommands(qemuMonitorTest *test, unsigned int count,
                            long long timeoutMs)
{
    long long deadline = virTimeMonotonicMs() + timeoutMs;
    bool ok;

    g_mutex_lock(&test->lock);
    while (test->commandsSeen < count &&
           virCondWaitUntil(&test->cond, &test->lock, deadline) == 0)
        ;
    ok = test->commandsSeen >= count;
    g_mutex_unlock(&test->lock);
    return ok;
}


/*
 * qemuMonitorTestFinish:
 * Closes the monitor (if the test opened it through us), waits for the fake
 * QEMU to finish and returns 0 if the script ran completely with every
 * expectation met.  Otherwise returns -1 and either prints the failure or,
 * when @failure is not NULL, hands it to the caller (who owns it).
 */
int
qemuMonitorTestFinish(qemuMonitorTest *test, char **failure)
{
    qemuMonitorClose(g_steal_pointer(&test->mon));
    virForceCloseHelper(&test->clientfd);
    virThreadJoin(g_steal_pointer(&test->thread));
    if (!test->failure)
        return 0;
    if (failure)
        *failure = g_strdup(test->failure);
    else
        g_printerr("fake QEMU: %s\n", test->failure);
    return -1;
}


/* qemuMonitorTestFree: finishes @test if needed and frees it. */
void
qemuMonitorTestFree(qemuMonitorTest *test)
{
    if (!test)
        return;
    if (test->thread || test->mon)
        qemuMonitorTestFinish(test, NULL);
    virForceCloseHelper(&test->serverfd);
    g_ptr_array_unref(test->steps);
    g_string_free(test->out, TRUE);
    g_byte_array_unref(test->in);
    g_hash_table_unref(test->ids);
    g_free(test->lastId);
    g_free(test->listenPath);
    g_free(test->failure);
    g_mutex_clear(&test->lock);
    g_cond_clear(&test->cond);
    g_free(test);
}
