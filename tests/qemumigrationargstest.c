/*
 * qemumigrationargstest.c: qemuMigrationArgsParse, the one reading of a
 * migration step's arguments
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Table-driven: each case is a step, a protocol, flags and typed
 * parameters, and either the exact error (code and full message) or
 * success.  A refused case must leave the output empty.  Then one
 * accepted Perform is checked field by field.
 */
#include <config.h>

#include "qemu_migration_args.h"
#include "testutils.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define LIVE VIR_MIGRATE_LIVE
#define CP VIR_MIGRATE_CHANGE_PROTECTION
#define P2P VIR_MIGRATE_PEER2PEER
#define BEGIN QEMU_MIGRATION_STEP_BEGIN
#define PREPARE QEMU_MIGRATION_STEP_PREPARE
#define PERFORM QEMU_MIGRATION_STEP_PERFORM
#define FINISH QEMU_MIGRATION_STEP_FINISH
#define CONFIRM QEMU_MIGRATION_STEP_CONFIRM
#define V2 QEMU_MIGRATION_ARGS_PROTOCOL_V2
#define V3 QEMU_MIGRATION_ARGS_PROTOCOL_V3
#define LATER QEMU_MIGRATION_ARGS_PROTOCOL_LATER

/* One typed parameter of a case: a string when @str, else @num as @type. */
typedef struct {
    const char *name;
    int type;
    const char *str;
    unsigned long long num;
} testParam;

#define S(n, v) { n, VIR_TYPED_PARAM_STRING, v, 0 }
#define I(n, v) { n, VIR_TYPED_PARAM_INT, NULL, v }
#define U(n, v) { n, VIR_TYPED_PARAM_ULLONG, NULL, v }

typedef struct {
    const char *name;
    qemuMigrationStep step;
    int protocol;
    unsigned long long flags;
    bool stream;                /* PrepareTunnel3 */
    testParam params[4];
    int code;                   /* 0: accepted */
    const char *message;
} testCase;

/* One case to a few lines, its expectation last: kept by hand. */
/* clang-format off */
static const testCase testCases[] = {
    /* typed parameters: the spec table, once */
    { "duplicate", BEGIN, V3, LIVE, false,
      { S(VIR_MIGRATE_PARAM_DEST_NAME, "a"), S(VIR_MIGRATE_PARAM_DEST_NAME, "b") },
      VIR_ERR_INVALID_ARG,
      "invalid argument: parameter 'destination_name' occurs multiple times" },
    { "wrong-type", PERFORM, V3, LIVE | CP, false,
      { S(VIR_MIGRATE_PARAM_BANDWIDTH, "100") },
      VIR_ERR_INVALID_ARG,
      "invalid argument: invalid type 'string' for parameter 'bandwidth', expected 'ullong'" },
    { "unknown-param", FINISH, V3, LIVE, false,
      { U("no.such.param", 1) },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: parameter 'no.such.param' not supported" },
    { "converge-range", BEGIN, V3, LIVE, false,
      { U(QEMU_MIGRATION_PARAM_CONVERGE, 2) },
      VIR_ERR_INVALID_ARG,
      "invalid argument: migration parameter 'virtmig.converge' must be 0 or 1, not 2" },
    { "tls-destination-without-tls", PERFORM, V3, LIVE | CP, false,
      { S(VIR_MIGRATE_PARAM_TLS_DESTINATION, "b.example") },
      VIR_ERR_INVALID_ARG,
      "invalid argument: Turn TLS migration (VIR_MIGRATE_TLS) on to name its destination (tls.destination)" },
    { "tuning-without-feature", PREPARE, V3, LIVE, false,
      { I(VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, 4) },
      VIR_ERR_INVALID_ARG,
      "invalid argument: Turn parallel migration on to tune it" },

    /* flags: unknown and unimplemented */
    { "unknown-flag", BEGIN, V3, LIVE | (1ULL << 30), false, { { 0 } },
      VIR_ERR_INVALID_ARG,
      "invalid argument: unsupported flags (0x40000000) in function qemuMigrationArgsCheckFlags" },
    { "unsupported-flags", BEGIN, V3,
      LIVE | VIR_MIGRATE_RDMA_PIN_ALL | VIR_MIGRATE_ZEROCOPY, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: unsupported migration flags: --rdma-pin-all (VIR_MIGRATE_RDMA_PIN_ALL)" },
    { "zerocopy-not-parallel", PERFORM, V3, LIVE | VIR_MIGRATE_ZEROCOPY, false,
      { { 0 } }, VIR_ERR_OPERATION_INVALID,
      "Requested operation is not valid: zero-copy is only available for parallel migration: --zerocopy (VIR_MIGRATE_ZEROCOPY) needs --parallel (VIR_MIGRATE_PARALLEL)" },

    /* flags: the rule table */
    { "postcopy-not-live", BEGIN, V3, VIR_MIGRATE_POSTCOPY, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: post-copy migration is not supported with non-live or paused migration: --postcopy (VIR_MIGRATE_POSTCOPY) needs --live (VIR_MIGRATE_LIVE)" },
    { "postcopy-paused", CONFIRM, V3,
      LIVE | VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_PAUSED, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: post-copy migration is not supported with non-live or paused migration: --postcopy (VIR_MIGRATE_POSTCOPY) cannot be used with --suspend (VIR_MIGRATE_PAUSED)" },
    { "offline-not-persistent", FINISH, V3, VIR_MIGRATE_OFFLINE, false, { { 0 } },
      VIR_ERR_OPERATION_INVALID,
      "Requested operation is not valid: offline migration must be specified with the persistent flag set: --offline (VIR_MIGRATE_OFFLINE) needs --persistent (VIR_MIGRATE_PERSIST_DEST)" },
    { "tls-tunnelled", BEGIN, V3,
      LIVE | P2P | VIR_MIGRATE_TUNNELLED | VIR_MIGRATE_TLS, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: TLS migration cannot be tunnelled (a qemu+tls:// destination URI encrypts the tunnel): --tls (VIR_MIGRATE_TLS) cannot be used with --tunnelled (VIR_MIGRATE_TUNNELLED)" },
    { "tunnelled-not-p2p", PERFORM, LATER, LIVE | VIR_MIGRATE_TUNNELLED, false,
      { { 0 } }, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: tunnelled migration is peer-to-peer: --tunnelled (VIR_MIGRATE_TUNNELLED) needs --p2p (VIR_MIGRATE_PEER2PEER)" },
    { "resume-p2p", PERFORM, LATER,
      LIVE | P2P | VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME, false,
      { { 0 } }, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: post-copy recovery is not supported with peer-to-peer migration: --postcopy-resume (VIR_MIGRATE_POSTCOPY_RESUME) cannot be used with --p2p (VIR_MIGRATE_PEER2PEER)" },
    { "tunnel-stream-postcopy", PREPARE, V3, LIVE | VIR_MIGRATE_POSTCOPY, true,
      { { 0 } }, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: post-copy and offline migration cannot be tunnelled: --tunnelled (VIR_MIGRATE_TUNNELLED) cannot be used with --postcopy (VIR_MIGRATE_POSTCOPY)" },
    { "tunnelled-storage", PERFORM, LATER,
      LIVE | P2P | VIR_MIGRATE_TUNNELLED | VIR_MIGRATE_NON_SHARED_DISK, false,
      { { 0 } }, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: storage migration cannot be tunnelled: --tunnelled (VIR_MIGRATE_TUNNELLED) cannot be used with --copy-storage-all (VIR_MIGRATE_NON_SHARED_DISK)" },
    { "tunnelled-parallel", PERFORM, V3,
      LIVE | CP | P2P | VIR_MIGRATE_TUNNELLED | VIR_MIGRATE_PARALLEL, false,
      { { 0 } }, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: parallel migration cannot be tunnelled: --tunnelled (VIR_MIGRATE_TUNNELLED) cannot be used with --parallel (VIR_MIGRATE_PARALLEL)" },
    { "postcopy-v2", PREPARE, V2, LIVE | VIR_MIGRATE_POSTCOPY, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: post-copy migration needs migration protocol v3: --postcopy (VIR_MIGRATE_POSTCOPY) is refused in migration protocol v2" },
    { "offline-v2", PERFORM, V2,
      VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PERSIST_DEST, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: offline migration needs migration protocol v3: --offline (VIR_MIGRATE_OFFLINE) is refused in migration protocol v2" },
    { "storage-v2", PREPARE, V2, LIVE | VIR_MIGRATE_NON_SHARED_INC, false,
      { { 0 } }, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: storage migration needs migration protocol v3: --copy-storage-inc (VIR_MIGRATE_NON_SHARED_INC) is refused in migration protocol v2" },
    { "offline-storage", BEGIN, V3,
      VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_NON_SHARED_DISK,
      false, { { 0 } }, VIR_ERR_OPERATION_INVALID,
      "Requested operation is not valid: offline migration cannot handle non-shared storage: --copy-storage-all (VIR_MIGRATE_NON_SHARED_DISK) cannot be used with --offline (VIR_MIGRATE_OFFLINE)" },
    { "resume-without-postcopy", PREPARE, V3,
      LIVE | VIR_MIGRATE_POSTCOPY_RESUME, false, { { 0 } },
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: resuming failed post-copy migration requires post-copy to be enabled: --postcopy-resume (VIR_MIGRATE_POSTCOPY_RESUME) needs --postcopy (VIR_MIGRATE_POSTCOPY)" },
    /* accepted: a rule holds only at its steps and protocols */
    { "postcopy-v3", PREPARE, V3, LIVE | VIR_MIGRATE_POSTCOPY, false, { { 0 } },
      0, NULL },
    { "postcopy-p2p-later", PERFORM, LATER, LIVE | P2P | VIR_MIGRATE_POSTCOPY,
      false, { { 0 } }, 0, NULL },
    { "storage-v2-perform", PERFORM, V2, LIVE | VIR_MIGRATE_NON_SHARED_DISK,
      false, { { 0 } }, 0, NULL },
    /* change protection is the step's check, after the domain lookup */
    { "perform-v3-unprotected", PERFORM, V3, LIVE, false, { { 0 } }, 0, NULL },
    { "tunnelled-storage-prepare", PREPARE, V3,
      LIVE | P2P | VIR_MIGRATE_TUNNELLED | VIR_MIGRATE_NON_SHARED_DISK, true,
      { { 0 } }, 0, NULL },
    { "resume", FINISH, V3, LIVE | VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME,
      false, { { 0 } }, 0, NULL },
};
/* clang-format on */


static virTypedParameter *
testCaseParams(const testParam *params, int *n)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    virTypedParameter *ret = NULL;
    size_t i;

    for (i = 0; i < 4 && params[i].name; i++) {
        const testParam *p = &params[i];
        int rc;

        if (p->type == VIR_TYPED_PARAM_STRING)
            rc = virTypedParamListAddString(list, p->name, p->str);
        else if (p->type == VIR_TYPED_PARAM_INT)
            rc = virTypedParamListAddInt(list, p->name, p->num);
        else
            rc = virTypedParamListAddULLong(list, p->name, p->num);
        g_assert_cmpint(rc, ==, 0);
    }
    virTypedParamListSteal(list, &ret, n);
    return ret;
}


static void
testCaseRun(const void *opaque)
{
    const testCase *tc = opaque;
    virMigrateArgs in = { 0 };
    g_auto(qemuMigrationArgs) out = { 0 };
    virTypedParameter *params = testCaseParams(tc->params, &in.nparams);
    int rc;

    in.params = params;
    in.flags = tc->flags;
    in.protocol = tc->protocol;
    in.stream = tc->stream ? (virStream *)&in : NULL;  /* only tested */
    rc = qemuMigrationArgsParse(tc->step, tc->protocol, NULL, &in, &out);
    if (tc->code) {
        g_assert_cmpint(rc, ==, -1);
        g_assert_cmpint(virErrorGetLastCode(), ==, tc->code);
        g_assert_cmpstr(virTestLastErrorMessage(), ==, tc->message);
        g_assert_null(out.migParams);
        g_assert_null(out.migrateDisks);
        g_assert_cmpuint(out.flags, ==, 0);
        virErrorResetLast();
    } else {
        g_assert_cmpstr(rc < 0 ? virTestLastErrorMessage() : NULL, ==, NULL);
        g_assert_cmpuint(out.flags, ==, tc->flags);
        g_assert_cmpint(out.step, ==, tc->step);
        g_assert_true((out.migParams != NULL) ==
                      (tc->step == PREPARE || tc->step == PERFORM));
    }
    virTypedParamArrayFree(params, in.nparams);
}


/* One accepted Perform: every field read once, the wire bag's borrowed. */
static void
testFields(void)
{
    static const testParam params[] = {
        S(VIR_MIGRATE_PARAM_URI, "tcp://b:49152"),
        U(VIR_MIGRATE_PARAM_BANDWIDTH, 100),
        S(VIR_MIGRATE_PARAM_MIGRATE_DISKS, "vda"),
        S(VIR_MIGRATE_PARAM_MIGRATE_DISKS, "vdb"),
    };
    static const testParam more[] = {
        I(VIR_MIGRATE_PARAM_DISKS_PORT, 49200),
        U(QEMU_MIGRATION_PARAM_CONVERGE, 0),
        S(VIR_MIGRATE_PARAM_DEST_NAME, "renamed"),
        S(VIR_MIGRATE_PARAM_PERSIST_XML, "<domain/>"),
    };
    g_autoptr(virTypedParamList) list = NULL;
    virTypedParameter *p1 = NULL;
    virTypedParameter *p2 = NULL;
    int n1 = 0;
    int n2 = 0;
    virMigrateArgs in = { 0 };
    g_auto(qemuMigrationArgs) out = { 0 };
    virConn *conn = (virConn *)&list;   /* only compared */
    char *cookie = NULL;
    int cookielen = 0;
    int i;

    p1 = testCaseParams(params, &n1);
    p2 = testCaseParams(more, &n2);
    list = virTypedParamListNewFromArray(p1, n1);
    for (i = 0; i < n2; i++) {
        if (p2[i].type == VIR_TYPED_PARAM_STRING)
            g_assert_cmpint(virTypedParamListAddString(list, p2[i].field,
                                                       p2[i].value.s), ==, 0);
        else if (p2[i].type == VIR_TYPED_PARAM_INT)
            g_assert_cmpint(virTypedParamListAddInt(list, p2[i].field,
                                                    p2[i].value.i), ==, 0);
        else
            g_assert_cmpint(virTypedParamListAddULLong(list, p2[i].field,
                                                       p2[i].value.ul), ==, 0);
    }
    in.params = virTypedParamListGetParams(list, &in.nparams);
    in.flags = LIVE | CP | VIR_MIGRATE_NON_SHARED_DISK;
    in.cookiein = "cookie";
    in.cookieinlen = 7;
    in.cookieout = &cookie;
    in.cookieoutlen = &cookielen;
    in.cancelled = 1;

    g_assert_cmpint(qemuMigrationArgsParse(PERFORM, V3, conn, &in, &out), ==, 0);
    g_assert_true(out.conn == conn);
    g_assert_cmpint(out.protocol, ==, 3);
    g_assert_cmpstr(out.uri, ==, "tcp://b:49152");
    g_assert_cmpuint(out.bandwidth, ==, 100);
    g_assert_cmpint(out.disksPort, ==, 49200);
    g_assert_cmpint(out.converge, ==, 0);
    g_assert_cmpstr(out.destName, ==, "renamed");
    g_assert_cmpstr(out.persistXML, ==, "<domain/>");
    g_assert_null(out.destXML);
    g_assert_null(out.tlsDestination);
    g_assert_cmpstr(out.migrateDisks[0], ==, "vda");
    g_assert_cmpstr(out.migrateDisks[1], ==, "vdb");
    g_assert_null(out.migrateDisks[2]);
    g_assert_true(out.cookiein == in.cookiein);
    g_assert_true(out.cookieout == &cookie);
    g_assert_cmpint(out.cancelled, ==, 1);
    g_assert_nonnull(out.migParams);
    g_assert_true(out.params == in.params);

    /* converge absent: -1, the host decides */
    qemuMigrationArgsClear(&out);
    in.params = p1;
    in.nparams = n1;
    g_assert_cmpint(qemuMigrationArgsParse(BEGIN, V3, NULL, &in, &out), ==, 0);
    g_assert_cmpint(out.converge, ==, -1);
    g_assert_cmpint(out.disksPort, ==, 0);
    g_assert_null(out.migParams);
    virTypedParamArrayFree(p1, n1);
    virTypedParamArrayFree(p2, n2);
}


static void
testFlagNames(void)
{
    g_autofree char *none = qemuMigrationArgsFlagNames(0);
    g_autofree char *two = qemuMigrationArgsFlagNames(VIR_MIGRATE_ZEROCOPY |
                                                      VIR_MIGRATE_LIVE);
    g_autofree char *all = qemuMigrationArgsFlagNames(QEMU_MIGRATION_FLAGS);
    size_t count = 0;
    const char *p;

    g_assert_cmpstr(none, ==, "");
    g_assert_cmpstr(two, ==, "--live (VIR_MIGRATE_LIVE), --zerocopy (VIR_MIGRATE_ZEROCOPY)");
    /* every known flag has its names */
    for (p = all; (p = strstr(p, "(VIR_MIGRATE_")); p++)
        count++;
    g_assert_cmpuint(count, ==, __builtin_popcountll(QEMU_MIGRATION_FLAGS));
}


int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *path = g_strdup_printf("/qemumigrationargs/%s",
                                                testCases[i].name);

        g_test_add_data_func(path, &testCases[i], testCaseRun);
    }
    g_test_add_func("/qemumigrationargs/fields", testFields);
    g_test_add_func("/qemumigrationargs/flag-names", testFlagNames);
    return g_test_run();
}
