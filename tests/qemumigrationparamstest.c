/*
 * qemumigrationparamstest.c: migration flags and typed parameters -> QMP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The QEMU side is the one recorded from qemu-system-x86_64 7.2 in
 * tests/qemumigrationparamsdata/qemu-7.2.replies, played by the fake
 * monitor: the supported capabilities and the original parameters come
 * from it through qemuMigrationCapsProbe and qemuMigrationParamsFetch.
 *
 * For each case of testCases, the driver's recipe (FromFlags, Check,
 * DisableTLS, the default max-bandwidth on the source) gives the
 * arguments of migrate-set-capabilities and migrate-set-parameters,
 * compared to NAME-caps.json and NAME-params.json; reset-*.json hold what
 * puts QEMU back.  Then one fake-monitor session replays all of them, so
 * every command is also checked against QEMU 7.2's QMP schema, and the
 * names we use are looked up in that schema's enum and object types.
 * Refusals are checked by code and full message (those of the flags in
 * qemumigrationargstest.c).
 */
#include <config.h>

#include <gio/gio.h>

#include "qemu_migration_args.h"
#include "qemu_migration_params.h"
#include "qemumonitortestutils.h"
#include "testutils.h"
#include "virerror.h"
#include "virobject.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_DATA "qemumigrationparamsdata/"
#define TEST_REPLIES TEST_DATA "qemu-7.2.replies"

/* What the recorded QEMU says, read once through the fake monitor. */
typedef struct {
    unsigned long long supported;
    qemuMigrationParams *orig;
} testQemu;

static testQemu testQemuData;


static void
testAssertError(int code, const char *message)
{
    g_assert_cmpint(virErrorGetLastCode(), ==, code);
    g_assert_cmpstr(virTestLastErrorMessage(), ==, message);
    virErrorResetLast();
}


/* Golden-file form of @json: pretty, two spaces, final newline. */
static char *
testJSONPretty(json_object *json)
{
    return g_strdup_printf("%s\n", json_object_to_json_string_ext(json,
        JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
        JSON_C_TO_STRING_NOSLASHESCAPE));
}


/* One-line form of the golden file @rel, for a fake-monitor script. */
static char *
testJSONLoadPlain(const char *rel)
{
    g_autofree char *text = virTestLoadFile(rel, NULL);
    g_autoptr(json_object) json = json_tokener_parse(text);

    if (!json)
        g_error("%s is not JSON", rel);
    return g_strdup(json_object_to_json_string_ext(json,
        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}


/* Probe and fetch, as the driver does, against the recorded QEMU. */
static void
testQemuLoad(void)
{
    g_autofree char *script = virTestLoadFile(TEST_REPLIES, NULL);
    g_autoptr(qemuMonitorTest) test = qemuMonitorTestNewInline(script, NULL, NULL);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMigrationCapsProbe(mon, false,
                                               &testQemuData.supported), ==, 0);
        g_assert_cmpint(qemuMigrationParamsFetch(mon, &testQemuData.orig), ==, 0);
    }
    g_assert_cmpint(qemuMonitorTestFinish(test, NULL), ==, 0);
}


/* ---- the golden cases ---- */

typedef struct {
    const char *name;
    unsigned long long flags;
    qemuMigrationParty party;
    void (*fill)(virTypedParamList *list);
} testCase;

static void
testFillAutoConverge(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddInt(list, VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, 30), ==, 0);
    g_assert_cmpint(virTypedParamListAddInt(list, VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, 15), ==, 0);
}

static void
testFillPostcopy(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddULLong(list, VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, 50), ==, 0);
}

static void
testFillParallel(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddInt(list, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, 4), ==, 0);
}

static void
testFillCompression(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddString(list, VIR_MIGRATE_PARAM_COMPRESSION, "xbzrle"), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, VIR_MIGRATE_PARAM_COMPRESSION, "mt"), ==, 0);
    g_assert_cmpint(virTypedParamListAddInt(list, VIR_MIGRATE_PARAM_COMPRESSION_MT_LEVEL, 5), ==, 0);
    g_assert_cmpint(virTypedParamListAddInt(list, VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, 4), ==, 0);
    g_assert_cmpint(virTypedParamListAddInt(list, VIR_MIGRATE_PARAM_COMPRESSION_MT_DTHREADS, 2), ==, 0);
    g_assert_cmpint(virTypedParamListAddULLong(list, VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE,
                                               128ULL << 20), ==, 0);
}

static void
testFillBandwidth(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddULLong(list, VIR_MIGRATE_PARAM_BANDWIDTH, 100), ==, 0);
    /* what the client adds on its own: none of it reaches QEMU */
    g_assert_cmpint(virTypedParamListAddString(list, VIR_MIGRATE_PARAM_URI, "tcp://b:49152"), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, VIR_MIGRATE_PARAM_DEST_NAME, "guest"), ==, 0);
}

static void
testFillTLS(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddString(list, VIR_MIGRATE_PARAM_TLS_DESTINATION,
                                               "host-b.example.org"), ==, 0);
}

#define LIVE VIR_MIGRATE_LIVE
#define SRC QEMU_MIGRATION_SOURCE
#define DST QEMU_MIGRATION_DESTINATION

static const testCase testCases[] = {
    { "live", LIVE, SRC, NULL },
    { "live-dst", LIVE, DST, NULL },
    { "persistent-p2p", LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_PERSIST_DEST |
      VIR_MIGRATE_UNDEFINE_SOURCE | VIR_MIGRATE_ABORT_ON_ERROR, SRC, NULL },
    { "auto-converge", LIVE | VIR_MIGRATE_AUTO_CONVERGE, SRC, testFillAutoConverge },
    { "auto-converge-dst", LIVE | VIR_MIGRATE_AUTO_CONVERGE, DST, testFillAutoConverge },
    { "postcopy", LIVE | VIR_MIGRATE_POSTCOPY, SRC, testFillPostcopy },
    { "postcopy-dst", LIVE | VIR_MIGRATE_POSTCOPY, DST, testFillPostcopy },
    { "parallel", LIVE | VIR_MIGRATE_PARALLEL, SRC, testFillParallel },
    { "parallel-dst", LIVE | VIR_MIGRATE_PARALLEL, DST, testFillParallel },
    { "compressed", LIVE | VIR_MIGRATE_COMPRESSED, SRC, NULL },
    { "compressed-dst", LIVE | VIR_MIGRATE_COMPRESSED, DST, NULL },
    { "compressed-xbzrle-mt", LIVE | VIR_MIGRATE_COMPRESSED, SRC, testFillCompression },
    { "compressed-xbzrle-mt-dst", LIVE | VIR_MIGRATE_COMPRESSED, DST, testFillCompression },
    { "bandwidth", LIVE, SRC, testFillBandwidth },
    { "offline", VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PERSIST_DEST, SRC, NULL },
    { "tls", LIVE | VIR_MIGRATE_TLS, SRC, NULL },
    { "tls-destination", LIVE | VIR_MIGRATE_TLS, SRC, testFillTLS },
    { "tls-dst", LIVE | VIR_MIGRATE_TLS, DST, testFillTLS },
};


static virTypedParameter *
testCaseParams(const testCase *tc, int *n)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    virTypedParameter *params = NULL;

    if (tc->fill)
        tc->fill(list);
    virTypedParamListSteal(list, &params, n);
    return params;
}


/* The driver's recipe: what one side sets on its QEMU for @tc. */
static qemuMigrationParams *
testRecipe(const testCase *tc)
{
    int n = 0;
    virTypedParameter *params = testCaseParams(tc, &n);
    g_autoptr(qemuMigrationParams) mp = NULL;

    g_assert_cmpint(qemuMigrationArgsCheckFlags(QEMU_MIGRATION_STEP_BEGIN, 3,
                                                tc->flags), ==, 0);
    g_assert_cmpint(qemuMigrationParamsValidate(QEMU_MIGRATION_STEP_PERFORM,
                                                params, n), ==, 0);
    mp = qemuMigrationParamsFromFlags(params, n, tc->flags, tc->party);
    if (!mp)
        g_error("%s: %s", tc->name, virTestLastErrorMessage());
    virTypedParamArrayFree(params, n);
    g_assert_cmpint(qemuMigrationParamsCheck(mp, tc->party, testQemuData.supported,
                                             0), ==, 0);
    if (tc->flags & VIR_MIGRATE_TLS)
        qemuMigrationParamsEnableTLS(mp, "objlibvirt_migrate_tls0");
    else
        qemuMigrationParamsDisableTLS(mp, testQemuData.orig);
    if (tc->party == SRC &&
        !qemuMigrationParamsIsSet(mp, QEMU_MIGRATION_PARAM_MAX_BANDWIDTH))
        g_assert_cmpint(qemuMigrationParamsSetMaxBandwidth(mp,
                            QEMU_MIGRATION_BANDWIDTH_MAX), ==, 0);
    return g_steal_pointer(&mp);
}


static void
testCompareJSON(json_object *json, const char *name, const char *suffix)
{
    g_autofree char *text = testJSONPretty(json);
    g_autofree char *rel = g_strdup_printf(TEST_DATA "%s-%s.json", name, suffix);

    g_assert_cmpint(virTestCompareToFile(text, rel), ==, 0);
}


static void
testGolden(const void *opaque)
{
    const testCase *tc = opaque;
    g_autoptr(qemuMigrationParams) mp = testRecipe(tc);
    g_autoptr(json_object) caps = NULL;
    g_autoptr(json_object) params = NULL;

    caps = qemuMigrationCapsToJSON(testQemuData.supported,
                                   qemuMigrationParamsGetCaps(mp));
    params = qemuMigrationParamsToJSON(mp, false);
    testCompareJSON(caps, tc->name, "caps");
    testCompareJSON(params, tc->name, "params");
}


static void
testReset(void)
{
    g_autoptr(json_object) caps = qemuMigrationCapsToJSON(testQemuData.supported, 0);
    g_autoptr(json_object) params = qemuMigrationParamsToJSON(testQemuData.orig,
                                                              false);

    testCompareJSON(caps, "reset", "caps");
    testCompareJSON(params, "reset", "params");
}


/* Script lines expecting @name with the golden @rel, answered with {}. */
static void
testScriptExpect(GString *script, const char *name, const char *rel)
{
    g_autofree char *args = testJSONLoadPlain(rel);

    g_string_append_printf(script, "expect %s %s\nreply {\"return\": {}}\n",
                           name, args);
}


/* Probe, fetch, then every case applied and reset, on one fake QEMU. */
static void
testMonitorReplay(void)
{
    g_autofree char *recorded = virTestLoadFile(TEST_REPLIES, NULL);
    g_autoptr(GString) script = g_string_new(recorded);
    g_autoptr(qemuMonitorTest) test = NULL;
    g_autoptr(qemuMigrationParams) orig = NULL;
    unsigned long long supported = 0;
    qemuMonitor *mon;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *caps = g_strdup_printf(TEST_DATA "%s-caps.json", testCases[i].name);
        g_autofree char *params = g_strdup_printf(TEST_DATA "%s-params.json", testCases[i].name);

        testScriptExpect(script, "migrate-set-capabilities", caps);
        testScriptExpect(script, "migrate-set-parameters", params);
        testScriptExpect(script, "migrate-set-capabilities", TEST_DATA "reset-caps.json");
        testScriptExpect(script, "migrate-set-parameters", TEST_DATA "reset-params.json");
    }
    test = qemuMonitorTestNewInline(script->str, NULL, NULL);
    mon = qemuMonitorTestGetMonitor(test);
    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMigrationCapsProbe(mon, false, &supported), ==, 0);
        g_assert_cmpint(qemuMigrationParamsFetch(mon, &orig), ==, 0);
        for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
            g_autoptr(qemuMigrationParams) mp = testRecipe(&testCases[i]);

            g_assert_cmpint(qemuMigrationParamsApply(mon, VIR_ASYNC_JOB_MIGRATION_OUT,
                                                     mp, supported, testCases[i].flags),
                            ==, 0);
            qemuMigrationParamsReset(mon, orig, supported);
            g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OK);
        }
    }
    g_assert_cmpint(qemuMonitorTestFinish(test, NULL), ==, 0);
}


/* A failed reset keeps the error that ended the migration. */
static void
testMonitorResetKeepsError(void)
{
    g_autofree char *recorded = virTestLoadFile(TEST_REPLIES, NULL);
    g_autoptr(GString) script = g_string_new(recorded);
    g_autoptr(qemuMonitorTest) test = NULL;
    g_autoptr(qemuMigrationParams) orig = NULL;
    unsigned long long supported = 0;
    qemuMonitor *mon;

    g_string_append(script,
                    "expect migrate-set-capabilities\n"
                    "reply {\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}\n");
    test = qemuMonitorTestNewInline(script->str, NULL, NULL);
    mon = qemuMonitorTestGetMonitor(test);
    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMigrationCapsProbe(mon, false, &supported), ==, 0);
        g_assert_cmpint(qemuMigrationParamsFetch(mon, &orig), ==, 0);
        virReportError(VIR_ERR_OPERATION_FAILED, "%s", "migration failed");
        qemuMigrationParamsReset(mon, orig, supported);
        testAssertError(VIR_ERR_OPERATION_FAILED,
                        "operation failed: migration failed");
        qemuMigrationParamsReset(mon, NULL, supported);
    }
    g_assert_cmpint(qemuMonitorTestFinish(test, NULL), ==, 0);
}


/* A daemon that reconnects to a running QEMU leaves "events" alone; only
 * the parameters may change while a failed post-copy migration resumes. */
static void
testMonitorReconnectResume(void)
{
    g_autofree char *recorded = virTestLoadFile(TEST_REPLIES, NULL);
    g_auto(GStrv) lines = g_strsplit(recorded, "\n", -1);
    g_autoptr(GString) script = g_string_new(NULL);
    g_autoptr(qemuMonitorTest) test = NULL;
    g_autoptr(qemuMigrationParams) mp = qemuMigrationParamsNew();
    unsigned long long supported = 0;
    qemuMonitor *mon;
    size_t i;

    for (i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "expect migrate-set-capabilities") ||
            (i > 0 && g_str_has_prefix(lines[i - 1], "expect migrate-set-capabilities")))
            continue;
        if (g_str_has_prefix(lines[i], "expect query-migrate-parameters"))
            break;
        g_string_append_printf(script, "%s\n", lines[i]);
    }
    g_string_append(script, "expect migrate-set-parameters "
                    "{\"max-postcopy-bandwidth\": 10485760}\n"
                    "reply {\"return\": {}}\n");
    g_assert_cmpint(qemuMigrationParamsSetULL(mp, QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH,
                                              10ULL << 20), ==, 0);
    g_assert_cmpint(qemuMigrationParamsSetULL(mp, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                              500), ==, 0);
    test = qemuMonitorTestNewInline(script->str, NULL, NULL);
    mon = qemuMonitorTestGetMonitor(test);
    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMigrationCapsProbe(mon, true, &supported), ==, 0);
        g_assert_cmpuint(supported, ==, testQemuData.supported);
        g_assert_cmpint(qemuMigrationParamsApply(mon, VIR_ASYNC_JOB_MIGRATION_OUT, mp,
                                                 supported,
                                                 VIR_MIGRATE_POSTCOPY_RESUME), ==, 0);
    }
    g_assert_cmpint(qemuMonitorTestFinish(test, NULL), ==, 0);
}


/* migrate-setmaxdowntime outside a migration: parameters only. */
static void
testMonitorNoJob(void)
{
    g_autoptr(qemuMonitorTest) test = qemuMonitorTestNewInline(
        "handshake\n"
        "expect migrate-set-parameters {\"downtime-limit\": 750}\n"
        "reply {\"return\": {}}\n", NULL, NULL);
    qemuMonitor *mon = qemuMonitorTestGetMonitor(test);
    g_autoptr(qemuMigrationParams) mp = qemuMigrationParamsNew();
    g_autoptr(qemuMigrationParams) withCaps = NULL;
    unsigned long long value = 0;

    g_assert_cmpint(qemuMigrationParamsGetULL(mp, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                              &value), ==, 1);
    g_assert_cmpint(qemuMigrationParamsSetULL(mp, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                              750), ==, 0);
    g_assert_cmpint(qemuMigrationParamsGetULL(mp, QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
                                              &value), ==, 0);
    g_assert_cmpuint(value, ==, 750);
    withCaps = qemuMigrationParamsFromFlags(NULL, 0, LIVE, SRC);
    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        g_assert_cmpint(qemuMigrationParamsApply(mon, VIR_ASYNC_JOB_NONE, withCaps,
                                                 testQemuData.supported, 0), ==, -1);
        testAssertError(VIR_ERR_INTERNAL_ERROR,
                        "internal error: Migration capabilities can only be set by a migration job");
        g_assert_cmpint(qemuMigrationParamsApply(mon, VIR_ASYNC_JOB_NONE, mp,
                                                 testQemuData.supported, 0), ==, 0);
    }
    g_assert_cmpint(qemuMonitorTestFinish(test, NULL), ==, 0);
}


/* ---- names against QEMU 7.2's schema ---- */

static json_object *
testSchemaLoad(GHashTable **byName)
{
    g_autofree char *path = virTestSrcPath("qemumonitordata/qmp-schema-7.2.json.gz");
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) raw = g_file_read(file, NULL, NULL);
    g_autoptr(GZlibDecompressor) gz = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GInputStream) in = NULL;
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autofree guint8 *chunk = g_malloc(65536);
    json_object *schema;
    gssize n;
    size_t i;

    g_assert_nonnull(raw);
    in = g_converter_input_stream_new(G_INPUT_STREAM(raw), G_CONVERTER(gz));
    while ((n = g_input_stream_read(in, chunk, 65536, NULL, NULL)) > 0)
        g_byte_array_append(buf, chunk, n);
    g_assert_cmpint(n, ==, 0);
    g_byte_array_append(buf, (const guint8 *)"", 1);
    schema = json_tokener_parse((const char *)buf->data);
    g_assert_nonnull(schema);
    *byName = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < json_object_array_length(schema); i++) {
        json_object *entry = json_object_array_get_idx(schema, i);
        json_object *name = NULL;

        g_assert_true(json_object_object_get_ex(entry, "name", &name));
        g_hash_table_insert(*byName, (char *)json_object_get_string(name), entry);
    }
    return schema;
}


static const char *
testSchemaField(json_object *entry, const char *field)
{
    json_object *val = NULL;

    if (!entry || !json_object_object_get_ex(entry, field, &val))
        return NULL;
    return json_object_get_string(val);
}


/* The member @name of the object type @entry, or NULL. */
static json_object *
testSchemaMember(json_object *entry, const char *name)
{
    json_object *members = NULL;
    size_t i;

    g_assert_true(json_object_object_get_ex(entry, "members", &members));
    for (i = 0; i < json_object_array_length(members); i++) {
        json_object *m = json_object_array_get_idx(members, i);

        if (STREQ(testSchemaField(m, "name"), name))
            return m;
    }
    return NULL;
}


/* Whether @typeName accepts a value of QAPI builtin @builtin, directly
 * or as one branch of an alternate (tls-creds is StrOrNull). */
static bool
testSchemaTypeAccepts(GHashTable *byName, const char *typeName,
                      const char *builtin)
{
    json_object *type = g_hash_table_lookup(byName, typeName);
    json_object *members = NULL;
    size_t i;

    if (STREQ(typeName, builtin))
        return true;
    if (!type || STRNEQ(testSchemaField(type, "meta-type"), "alternate"))
        return false;
    g_assert_true(json_object_object_get_ex(type, "members", &members));
    for (i = 0; i < json_object_array_length(members); i++) {
        if (STREQ(testSchemaField(json_object_array_get_idx(members, i), "type"),
                  builtin))
            return true;
    }
    return false;
}


static void
testSchemaNames(void)
{
    static const char *const paramTypes[QEMU_MIGRATION_PARAM_LAST] = {
        "int", "int", "int", "int", "int", "str", "str", "int", "int", "bool",
        "int", "int", "int", "int",
    };
    GHashTable *byName = NULL;
    g_autoptr(json_object) schema G_GNUC_UNUSED = testSchemaLoad(&byName);
    json_object *cmd = g_hash_table_lookup(byName, "migrate-set-capabilities");
    json_object *args = g_hash_table_lookup(byName, testSchemaField(cmd, "arg-type"));
    json_object *list = g_hash_table_lookup(byName,
        testSchemaField(testSchemaMember(args, "capabilities"), "type"));
    json_object *item = g_hash_table_lookup(byName, testSchemaField(list, "element-type"));
    json_object *capEnum = g_hash_table_lookup(byName,
        testSchemaField(testSchemaMember(item, "capability"), "type"));
    json_object *setParams = g_hash_table_lookup(byName,
        testSchemaField(g_hash_table_lookup(byName, "migrate-set-parameters"), "arg-type"));
    json_object *queryParams = g_hash_table_lookup(byName,
        testSchemaField(g_hash_table_lookup(byName, "query-migrate-parameters"), "ret-type"));
    json_object *values = NULL;
    size_t i;

    g_assert_cmpstr(testSchemaField(capEnum, "meta-type"), ==, "enum");
    g_assert_true(json_object_object_get_ex(capEnum, "values", &values));
    for (i = 0; i < QEMU_MIGRATION_CAP_LAST; i++) {
        const char *name = qemuMigrationCapabilityTypeToString(i);
        bool found = false;
        size_t j;

        for (j = 0; j < json_object_array_length(values); j++)
            found |= STREQ(json_object_get_string(json_object_array_get_idx(values, j)), name);
        if (!found)
            g_error("capability '%s' is not in QEMU 7.2's MigrationCapability", name);
    }
    for (i = 0; i < QEMU_MIGRATION_PARAM_LAST; i++) {
        const char *name = qemuMigrationParamTypeToString(i);
        json_object *set = testSchemaMember(setParams, name);
        json_object *query = testSchemaMember(queryParams, name);

        if (!set || !query)
            g_error("parameter '%s' is not in QEMU 7.2's migrate-set-parameters "
                    "and query-migrate-parameters", name);
        g_assert_true(testSchemaTypeAccepts(byName, testSchemaField(set, "type"),
                                            paramTypes[i]));
    }
    g_hash_table_unref(byName);
}


static void
testEnumTables(void)
{
    const char *const *table;
    unsigned int n = 0;
    unsigned int i;

    table = qemuMigrationCapabilityTypeTable(&n);
    g_assert_cmpuint(n, ==, QEMU_MIGRATION_CAP_LAST);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
    table = qemuMigrationParamTypeTable(&n);
    g_assert_cmpuint(n, ==, QEMU_MIGRATION_PARAM_LAST);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
    table = qemuMigrationStepTypeTable(&n);
    g_assert_cmpuint(n, ==, QEMU_MIGRATION_STEP_LAST);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
    g_assert_cmpuint(qemuMigrationParamsAlwaysOnCaps(SRC), ==,
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_PAUSE_BEFORE_SWITCHOVER));
    g_assert_cmpuint(qemuMigrationParamsAlwaysOnCaps(DST), ==,
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_LATE_BLOCK_ACTIVATE));
    /* all of them but "events", which stays out of every list */
    g_assert_cmpuint(testQemuData.supported, ==,
                     (QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_LAST) - 1) &
                     ~QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_EVENTS));
}


/* ---- refusals ---- */

typedef struct {
    const char *name;
    unsigned long long flags;
    qemuMigrationParty party;
    const char *param;
    int type;
    const char *str;            /* string value, or NULL for @num */
    unsigned long long num;
    const char *param2;         /* an optional second string parameter */
    const char *str2;
    int code;
    const char *message;
} testParamsBad;

static const testParamsBad testParamsBadCases[] = {
    { "throttle-without-auto-converge", LIVE, SRC,
      VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, VIR_TYPED_PARAM_INT, NULL, 40,
      NULL, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: Turn auto convergence on to tune it" },
    { "connections-without-parallel", LIVE, DST,
      VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, VIR_TYPED_PARAM_INT, NULL, 3,
      NULL, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: Turn parallel migration on to tune it" },
    { "unknown-method", LIVE, SRC, VIR_MIGRATE_PARAM_COMPRESSION,
      VIR_TYPED_PARAM_STRING, "zstd", 0, NULL, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: Unsupported compression method 'zstd'" },
    { "method-twice", LIVE, SRC, VIR_MIGRATE_PARAM_COMPRESSION,
      VIR_TYPED_PARAM_STRING, "mt", 0, VIR_MIGRATE_PARAM_COMPRESSION, "mt",
      VIR_ERR_INVALID_ARG,
      "invalid argument: Compression method 'mt' is specified twice" },
    { "mt-tuning-without-mt", LIVE | VIR_MIGRATE_COMPRESSED, SRC,
      VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, VIR_TYPED_PARAM_INT, NULL, 2,
      NULL, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: Turn multithread compression on to tune it" },
    { "xbzrle-cache-without-xbzrle", LIVE, DST,
      VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE, VIR_TYPED_PARAM_ULLONG, NULL,
      1 << 20, VIR_MIGRATE_PARAM_COMPRESSION, "mt", VIR_ERR_INVALID_ARG,
      "invalid argument: Turn xbzrle compression on to tune it" },
    { "parallel-mt", LIVE | VIR_MIGRATE_PARALLEL, DST,
      VIR_MIGRATE_PARAM_COMPRESSION, VIR_TYPED_PARAM_STRING, "mt", 0,
      NULL, NULL, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: multithread compression ('mt') cannot be used with parallel migration" },
    { "bandwidth-overflow", LIVE, SRC, VIR_MIGRATE_PARAM_BANDWIDTH,
      VIR_TYPED_PARAM_ULLONG, NULL, QEMU_MIGRATION_BANDWIDTH_MAX + 1,
      NULL, NULL, VIR_ERR_OVERFLOW, "bandwidth must be less than 8796093022208" },
    { "postcopy-bandwidth-overflow", LIVE | VIR_MIGRATE_POSTCOPY, SRC,
      VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, VIR_TYPED_PARAM_ULLONG, NULL,
      1ULL << 44, NULL, NULL, VIR_ERR_OVERFLOW,
      "migration parameter 'bandwidth.postcopy' must be less than 17592186044416" },
    { "wrong-type", LIVE | VIR_MIGRATE_AUTO_CONVERGE, SRC,
      VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, VIR_TYPED_PARAM_UINT, NULL, 5,
      NULL, NULL, VIR_ERR_INVALID_ARG,
      "invalid argument: Invalid type 'int' requested for parameter 'auto_converge.increment', actual type is 'uint'" },
};


static void
testParamsRefused(const void *opaque)
{
    const testParamsBad *tc = opaque;
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    const virTypedParameter *params;
    int n = 0;

    switch (tc->type) {
    case VIR_TYPED_PARAM_STRING:
        g_assert_cmpint(virTypedParamListAddString(list, tc->param, tc->str), ==, 0);
        break;
    case VIR_TYPED_PARAM_INT:
        g_assert_cmpint(virTypedParamListAddInt(list, tc->param, tc->num), ==, 0);
        break;
    case VIR_TYPED_PARAM_UINT:
        g_assert_cmpint(virTypedParamListAddUInt(list, tc->param, tc->num), ==, 0);
        break;
    default:
        g_assert_cmpint(virTypedParamListAddULLong(list, tc->param, tc->num), ==, 0);
        break;
    }
    if (tc->param2)
        g_assert_cmpint(virTypedParamListAddString(list, tc->param2, tc->str2), ==, 0);
    params = virTypedParamListGetParams(list, &n);
    g_assert_null(qemuMigrationParamsFromFlags(params, n, tc->flags, tc->party));
    testAssertError(tc->code, tc->message);
}


static void
testValidate(void)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    const virTypedParamSpec *specs;
    const virTypedParameter *params;
    size_t nspecs = 0;
    size_t i;
    int n = 0;
    int step;

    /* libvirt 9.0's 20 and virtmig.converge */
    specs = qemuMigrationParamsSpecs(QEMU_MIGRATION_STEP_BEGIN, &nspecs);
    g_assert_cmpuint(nspecs, ==, 21);
    /* one of each (two of the repeatable ones), with their types */
    for (i = 0; i < nspecs; i++) {
        switch (specs[i].type) {
        case VIR_TYPED_PARAM_STRING:
            g_assert_cmpint(virTypedParamListAddString(list, specs[i].name, "x"), ==, 0);
            if (specs[i].multiple)
                g_assert_cmpint(virTypedParamListAddString(list, specs[i].name, "y"), ==, 0);
            break;
        case VIR_TYPED_PARAM_INT:
            g_assert_cmpint(virTypedParamListAddInt(list, specs[i].name, 1), ==, 0);
            break;
        case VIR_TYPED_PARAM_ULLONG:
            g_assert_cmpint(virTypedParamListAddULLong(list, specs[i].name, 1), ==, 0);
            break;
        default:
            g_assert_not_reached();
        }
    }
    params = virTypedParamListGetParams(list, &n);
    for (step = QEMU_MIGRATION_STEP_BEGIN; step < QEMU_MIGRATION_STEP_LAST; step++)
        g_assert_cmpint(qemuMigrationParamsValidate(step, params, n), ==, 0);

    g_assert_cmpint(virTypedParamListAddBoolean(list, "migrate_uri2", true), ==, 0);
    params = virTypedParamListGetParams(list, &n);
    g_assert_cmpint(qemuMigrationParamsValidate(QEMU_MIGRATION_STEP_FINISH,
                                                params, n), ==, -1);
    testAssertError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                    "argument unsupported: parameter 'migrate_uri2' not supported");
    g_assert_cmpint(virTypedParamListRemove(list, "migrate_uri2"), ==, 1);
    g_assert_cmpint(virTypedParamListAddULLong(list, VIR_MIGRATE_PARAM_BANDWIDTH, 2), ==, 0);
    params = virTypedParamListGetParams(list, &n);
    g_assert_cmpint(qemuMigrationParamsValidate(QEMU_MIGRATION_STEP_PERFORM,
                                                params, n), ==, -1);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: parameter 'bandwidth' occurs multiple times");
    g_assert_cmpint(qemuMigrationParamsValidate(QEMU_MIGRATION_STEP_NONE, NULL, 0), ==, -1);
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: Unexpected enum value 0 for qemuMigrationStep");
    g_assert_null(qemuMigrationParamsSpecs(QEMU_MIGRATION_STEP_LAST, &nspecs));
}


/* QEMU without post-copy: the request is refused by name. */
static void
testCheckUnsupported(void)
{
    g_autoptr(qemuMigrationParams) mp = qemuMigrationParamsFromFlags(
        NULL, 0, LIVE | VIR_MIGRATE_POSTCOPY, SRC);
    unsigned long long supported = testQemuData.supported &
        ~QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_POSTCOPY);
    g_autoptr(qemuMigrationParams) dst = qemuMigrationParamsFromFlags(NULL, 0, LIVE, DST);
    g_autoptr(qemuMigrationParams) old = qemuMigrationParamsFromFlags(NULL, 0, LIVE, SRC);

    g_assert_cmpint(qemuMigrationParamsCheck(mp, SRC, supported, 0), ==, -1);
    testAssertError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                    "argument unsupported: Migration option 'postcopy-ram' is not supported by QEMU binary");

    /* an old QEMU lacking the always-on capabilities simply goes without */
    supported = QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_RETURN_PATH);
    g_assert_cmpint(qemuMigrationParamsCheck(old, SRC, supported, 0), ==, 0);
    g_assert_cmpuint(qemuMigrationParamsGetCaps(old), ==, supported);
    g_assert_cmpint(qemuMigrationParamsCheck(dst, DST, testQemuData.supported,
                                             0), ==, 0);
    g_assert_cmpuint(qemuMigrationParamsGetCaps(dst), ==,
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_RETURN_PATH) |
                     QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_LATE_BLOCK_ACTIVATE));
}


static void
testSingleValues(void)
{
    g_autoptr(qemuMigrationParams) mp = qemuMigrationParamsNew();
    unsigned long long value = 0;

    g_assert_cmpint(qemuMigrationParamsSetULL(mp, QEMU_MIGRATION_PARAM_MULTIFD_CHANNELS,
                                              1), ==, -1);
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: Type mismatch for 'multifd-channels' migration parameter");
    g_assert_cmpint(qemuMigrationParamsGetULL(mp, QEMU_MIGRATION_PARAM_TLS_CREDS,
                                              &value), ==, -1);
    testAssertError(VIR_ERR_INTERNAL_ERROR,
                    "internal error: Type mismatch for 'tls-creds' migration parameter");
    g_assert_cmpint(qemuMigrationParamsSetMaxBandwidth(mp, QEMU_MIGRATION_BANDWIDTH_MAX),
                    ==, 0);
    g_assert_cmpint(qemuMigrationParamsGetULL(mp, QEMU_MIGRATION_PARAM_MAX_BANDWIDTH,
                                              &value), ==, 0);
    g_assert_cmpuint(value, ==, 9223372036853727232ULL);
    g_assert_cmpint(qemuMigrationParamsSetMaxBandwidth(mp, QEMU_MIGRATION_BANDWIDTH_MAX + 1),
                    ==, -1);
    testAssertError(VIR_ERR_OVERFLOW, "bandwidth must be less than 8796093022208");
    g_assert_false(qemuMigrationParamsIsSet(mp, QEMU_MIGRATION_PARAM_LAST));
}


/* What a peer-to-peer source forwards to the destination's Prepare. */
static char *
testDumpText(const testCase *tc)
{
    int n = 0;
    virTypedParameter *params = testCaseParams(tc, &n);
    g_autoptr(qemuMigrationParams) mp = qemuMigrationParamsFromFlags(params, n,
                                                                     tc->flags, SRC);
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    g_autoptr(GString) out = g_string_new(NULL);
    const virTypedParameter *dumped;
    unsigned long long flags = tc->flags & ~VIR_MIGRATE_COMPRESSED;
    int i;

    virTypedParamArrayFree(params, n);
    g_assert_nonnull(mp);
    g_assert_cmpint(qemuMigrationParamsDump(mp, list, &flags), ==, 0);
    dumped = virTypedParamListGetParams(list, &n);
    g_string_append_printf(out, "flags=0x%llx", flags);
    for (i = 0; i < n; i++) {
        if (dumped[i].type == VIR_TYPED_PARAM_STRING)
            g_string_append_printf(out, " %s=%s", dumped[i].field, dumped[i].value.s);
        else if (dumped[i].type == VIR_TYPED_PARAM_INT)
            g_string_append_printf(out, " %s=%d", dumped[i].field, dumped[i].value.i);
        else
            g_string_append_printf(out, " %s=%llu", dumped[i].field, dumped[i].value.ul);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}


static void
testDump(void)
{
    static const struct {
        const char *name;
        const char *expect;
    } cases[] = {
        { "live", "flags=0x1" },
        { "compressed", "flags=0x801 compression=xbzrle" },
        { "compressed-xbzrle-mt",
          "flags=0x1 compression=xbzrle compression=mt compression.mt.level=5 "
          "compression.mt.threads=4 compression.mt.dthreads=2 "
          "compression.xbzrle.cache=134217728" },
        { "postcopy", "flags=0x8001 bandwidth.postcopy=50" },
        { "parallel", "flags=0x20001 parallel.connections=4" },
        { "auto-converge", "flags=0x2001" },
        { "bandwidth", "flags=0x1" },
    };
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        for (j = 0; j < G_N_ELEMENTS(testCases); j++) {
            g_autofree char *text = NULL;

            if (STRNEQ(testCases[j].name, cases[i].name))
                continue;
            text = testDumpText(&testCases[j]);
            g_assert_cmpstr(text, ==, cases[i].expect);
        }
    }
}


/* The originals in the status XML: format, golden, parse back. */
static void
testStatusXML(void)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(qemuMigrationParams) parsed = NULL;
    g_auto(virBuffer) buf2 = VIR_BUFFER_INITIALIZER;

    virBufferAddLit(&buf, "<job>\n");
    virBufferAdjustIndent(&buf, 2);
    qemuMigrationParamsFormat(&buf, testQemuData.orig);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</job>\n");
    xml = virBufferContentAndReset(&buf);
    g_assert_cmpint(virTestCompareToFile(xml, TEST_DATA "status-migparams.xml"), ==, 0);

    doc = virXMLParseStringCtxt(xml, "status", "job", &ctxt);
    g_assert_nonnull(doc);
    g_assert_cmpint(qemuMigrationParamsParse(ctxt, &parsed), ==, 0);
    g_assert_nonnull(parsed);
    virBufferAddLit(&buf2, "<job>\n");
    virBufferAdjustIndent(&buf2, 2);
    qemuMigrationParamsFormat(&buf2, parsed);
    virBufferAdjustIndent(&buf2, -2);
    virBufferAddLit(&buf2, "</job>\n");
    again = virBufferContentAndReset(&buf2);
    g_assert_cmpstr(again, ==, xml);

}


/* A string that needs escaping (tls.destination -> tls-hostname) survives
 * the status XML. */
static void
testStatusXMLEscape(void)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    g_autoptr(qemuMigrationParams) mp = NULL;
    g_autoptr(qemuMigrationParams) parsed = NULL;
    g_autoptr(json_object) json = NULL;
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    const virTypedParameter *params;
    int n = 0;

    g_assert_cmpint(virTypedParamListAddString(list, VIR_MIGRATE_PARAM_TLS_DESTINATION,
                                               "a'b<c>&\"d"), ==, 0);
    params = virTypedParamListGetParams(list, &n);
    mp = qemuMigrationParamsFromFlags(params, n, LIVE | VIR_MIGRATE_TLS, SRC);
    g_assert_nonnull(mp);
    virBufferAddLit(&buf, "<job>\n");
    qemuMigrationParamsFormat(&buf, mp);
    virBufferAddLit(&buf, "</job>\n");
    xml = virBufferContentAndReset(&buf);
    g_assert_cmpstr(xml, ==, "<job>\n<migParams>\n"
                    "  <param name='tls-hostname' value='a&apos;b&lt;c&gt;&amp;&quot;d'/>\n"
                    "</migParams>\n</job>\n");
    doc = virXMLParseStringCtxt(xml, "status", "job", &ctxt);
    g_assert_nonnull(doc);
    g_assert_cmpint(qemuMigrationParamsParse(ctxt, &parsed), ==, 0);
    json = qemuMigrationParamsToJSON(parsed, false);
    g_assert_cmpstr(json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN), ==,
                    "{\"tls-hostname\":\"a'b<c>&\\\"d\"}");
}


static void
testStatusXMLBad(void)
{
    static const struct {
        const char *xml;
        const char *message;
    } cases[] = {
        { "<job><migParams><param value='1'/></migParams></job>",
          "internal error: missing migration parameter name" },
        { "<job><migParams><param name='zero-blocks' value='1'/></migParams></job>",
          "internal error: unknown migration parameter 'zero-blocks'" },
        { "<job><migParams><param name='max-bandwidth'/></migParams></job>",
          "internal error: missing value for migration parameter 'max-bandwidth'" },
        { "<job><migParams><param name='max-bandwidth' value='-1'/></migParams></job>",
          "internal error: invalid value '-1' for migration parameter 'max-bandwidth'" },
        { "<job><migParams><param name='compress-level' value='9999999999'/></migParams></job>",
          "internal error: invalid value '9999999999' for migration parameter 'compress-level'" },
        { "<job><migParams><param name='block-incremental' value='true'/></migParams></job>",
          "internal error: invalid value 'true' for migration parameter 'block-incremental'" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(xmlDoc) doc = NULL;
        g_autoptr(xmlXPathContext) ctxt = NULL;
        qemuMigrationParams *mp = NULL;

        doc = virXMLParseStringCtxt(cases[i].xml, "status", "job", &ctxt);
        g_assert_nonnull(doc);
        g_assert_cmpint(qemuMigrationParamsParse(ctxt, &mp), ==, -1);
        g_assert_null(mp);
        testAssertError(VIR_ERR_INTERNAL_ERROR, cases[i].message);
    }
    {
        g_autoptr(xmlDoc) doc = NULL;
        g_autoptr(xmlXPathContext) ctxt = NULL;
        g_autoptr(qemuMigrationParams) stale = qemuMigrationParamsNew();
        qemuMigrationParams *mp = stale;

        doc = virXMLParseStringCtxt("<job/>", "status", "job", &ctxt);
        g_assert_cmpint(qemuMigrationParamsParse(ctxt, &mp), ==, 0);
        g_assert_null(mp);
    }
}


int
main(int argc, char **argv)
{
    size_t i;
    int ret;

    virTestInit(&argc, &argv);
    testQemuLoad();

    g_test_add_func("/qemumigrationparams/enum-tables", testEnumTables);
    g_test_add_func("/qemumigrationparams/schema-names", testSchemaNames);
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *path = g_strdup_printf("/qemumigrationparams/golden/%s",
                                                testCases[i].name);

        g_test_add_data_func(path, &testCases[i], testGolden);
    }
    g_test_add_func("/qemumigrationparams/golden/reset", testReset);
    g_test_add_func("/qemumigrationparams/monitor/replay", testMonitorReplay);
    g_test_add_func("/qemumigrationparams/monitor/reset-keeps-error",
                    testMonitorResetKeepsError);
    g_test_add_func("/qemumigrationparams/monitor/reconnect-resume",
                    testMonitorReconnectResume);
    g_test_add_func("/qemumigrationparams/monitor/no-job", testMonitorNoJob);
    for (i = 0; i < G_N_ELEMENTS(testParamsBadCases); i++) {
        g_autofree char *path = g_strdup_printf("/qemumigrationparams/refused/%s",
                                                testParamsBadCases[i].name);

        g_test_add_data_func(path, &testParamsBadCases[i], testParamsRefused);
    }
    g_test_add_func("/qemumigrationparams/validate", testValidate);
    g_test_add_func("/qemumigrationparams/check-unsupported", testCheckUnsupported);
    g_test_add_func("/qemumigrationparams/single-values", testSingleValues);
    g_test_add_func("/qemumigrationparams/dump", testDump);
    g_test_add_func("/qemumigrationparams/status-xml", testStatusXML);
    g_test_add_func("/qemumigrationparams/status-xml-escape", testStatusXMLEscape);
    g_test_add_func("/qemumigrationparams/status-xml-bad", testStatusXMLBad);
    ret = g_test_run();
    qemuMigrationParamsFree(testQemuData.orig);
    return ret;
}
