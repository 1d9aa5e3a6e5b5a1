/*
 * virtypedparamtest.c: typed parameter arrays: validation, getters, lists
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every refusal is checked by code and full message, which are libvirt's:
 * clients and their test suites see them unchanged.
 */
#include <config.h>

#include "testutils.h"
#include "virerror.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static const virTypedParamSpec testSpecs[] = {
    { "migrate_uri", VIR_TYPED_PARAM_STRING, false },
    { "bandwidth", VIR_TYPED_PARAM_ULLONG, false },
    { "migrate_disks", VIR_TYPED_PARAM_STRING, true },
    { "disks_port", VIR_TYPED_PARAM_INT, false },
};


static void
testAssertError(int code, const char *message)
{
    g_assert_cmpint(virErrorGetLastCode(), ==, code);
    g_assert_cmpstr(virTestLastErrorMessage(), ==, message);
    virErrorResetLast();
}


/* Builds an array from a list; caller frees with virTypedParamArrayFree. */
static virTypedParameter *
testSteal(virTypedParamList *list, int *n)
{
    virTypedParameter *params = NULL;

    virTypedParamListSteal(list, &params, n);
    return params;
}


static void
testTypeTable(void)
{
    unsigned int n = 0;
    const char *const *table = virTypedParamTypeTable(&n);
    unsigned int i;

    g_assert_cmpuint(n, ==, VIR_TYPED_PARAM_STRING + 1);
    for (i = 0; i < n; i++)
        g_assert_nonnull(table[i]);
    g_assert_cmpstr(virTypedParamTypeToString(VIR_TYPED_PARAM_ULLONG), ==,
                    "ullong");
    g_assert_cmpint(virTypedParamTypeFromString("boolean"), ==,
                    VIR_TYPED_PARAM_BOOLEAN);
}


static void
testValidateGood(void)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    virTypedParameter *params;
    int n = 0;

    g_assert_cmpint(virTypedParamArrayValidate(NULL, 0, testSpecs,
                                               G_N_ELEMENTS(testSpecs)), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "migrate_disks", "vda"), ==, 0);
    g_assert_cmpint(virTypedParamListAddULLong(list, "bandwidth", 100), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "migrate_disks", "vdb"), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "migrate_uri", "tcp://b"), ==, 0);
    params = testSteal(list, &n);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpint(virTypedParamArrayValidate(params, n, testSpecs,
                                               G_N_ELEMENTS(testSpecs)), ==, 0);
    virTypedParamArrayFree(params, n);
}


typedef struct {
    const char *name;
    void (*fill)(virTypedParamList *list);
    int code;
    const char *message;
} testValidateBadCase;

static void
testFillUnknown(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddULLong(list, "bandwidth", 1), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "compression", "mt"), ==, 0);
}

static void
testFillTwice(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddString(list, "migrate_uri", "tcp://a"), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "migrate_uri", "tcp://b"), ==, 0);
}

static void
testFillWrongType(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddInt(list, "bandwidth", 5), ==, 0);
}

static void
testFillWrongTypeRepeated(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddString(list, "migrate_disks", "vda"), ==, 0);
    g_assert_cmpint(virTypedParamListAddUInt(list, "migrate_disks", 1), ==, 0);
}

/* Sorted, "bandwidth" comes before "zzz": its type error wins. */
static void
testFillSortedOrder(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddString(list, "zzz", "x"), ==, 0);
    g_assert_cmpint(virTypedParamListAddBoolean(list, "bandwidth", true), ==, 0);
}

/* Sorted, "aaa" comes first: the unknown name wins. */
static void
testFillSortedUnknownFirst(virTypedParamList *list)
{
    g_assert_cmpint(virTypedParamListAddDouble(list, "bandwidth", 1.5), ==, 0);
    g_assert_cmpint(virTypedParamListAddLLong(list, "aaa", -1), ==, 0);
}

static const testValidateBadCase testValidateBadCases[] = {
    { "unknown", testFillUnknown, VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: parameter 'compression' not supported" },
    { "twice", testFillTwice, VIR_ERR_INVALID_ARG,
      "invalid argument: parameter 'migrate_uri' occurs multiple times" },
    { "wrong-type", testFillWrongType, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid type 'int' for parameter 'bandwidth', expected 'ullong'" },
    { "wrong-type-repeated", testFillWrongTypeRepeated, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid type 'uint' for parameter 'migrate_disks', expected 'string'" },
    { "sorted-order", testFillSortedOrder, VIR_ERR_INVALID_ARG,
      "invalid argument: invalid type 'boolean' for parameter 'bandwidth', expected 'ullong'" },
    { "sorted-unknown-first", testFillSortedUnknownFirst,
      VIR_ERR_ARGUMENT_UNSUPPORTED,
      "argument unsupported: parameter 'aaa' not supported" },
};


static void
testValidateBad(const void *opaque)
{
    const testValidateBadCase *tc = opaque;
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    virTypedParameter *params;
    int n = 0;

    tc->fill(list);
    params = testSteal(list, &n);
    g_assert_cmpint(virTypedParamArrayValidate(params, n, testSpecs,
                                               G_N_ELEMENTS(testSpecs)), ==, -1);
    testAssertError(tc->code, tc->message);
    virTypedParamArrayFree(params, n);
}


static void
testValidateMalformed(void)
{
    virTypedParameter param = { .type = VIR_TYPED_PARAM_INT };

    memset(param.field, 'a', sizeof(param.field));
    g_assert_cmpint(virTypedParamArrayValidate(&param, 1, testSpecs,
                                               G_N_ELEMENTS(testSpecs)), ==, -1);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: typed parameter name is not terminated");
    g_assert_null(virTypedParamArrayFind(&param, 1, "a"));
    g_assert_cmpint(virTypedParamArrayValidate(NULL, -1, testSpecs,
                                               G_N_ELEMENTS(testSpecs)), ==, -1);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: invalid typed parameter array (-1 entries)");
    g_assert_cmpint(virTypedParamArrayValidate(NULL, 2, testSpecs,
                                               G_N_ELEMENTS(testSpecs)), ==, -1);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: invalid typed parameter array (2 entries)");
}


static virTypedParameter *
testAllTypes(int *n)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();

    g_assert_cmpint(virTypedParamListAddString(list, "s", "text"), ==, 0);
    g_assert_cmpint(virTypedParamListAddInt(list, "i", -7), ==, 0);
    g_assert_cmpint(virTypedParamListAddUInt(list, "ui", 7), ==, 0);
    g_assert_cmpint(virTypedParamListAddLLong(list, "l", -(1LL << 40)), ==, 0);
    g_assert_cmpint(virTypedParamListAddULLong(list, "ul", 1ULL << 63), ==, 0);
    g_assert_cmpint(virTypedParamListAddDouble(list, "d", 0.25), ==, 0);
    g_assert_cmpint(virTypedParamListAddBoolean(list, "b", true), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "s", "second"), ==, 0);
    return testSteal(list, n);
}


static void
testGetters(void)
{
    int n = 0;
    virTypedParameter *params = testAllTypes(&n);
    const char *s = "untouched";
    int i = 1;
    unsigned int ui = 0;
    long long l = 0;
    unsigned long long ul = 0;
    double d = 0;
    bool b = false;

    g_assert_cmpint(n, ==, 8);
    g_assert_cmpint(virTypedParamArrayGetString(params, n, "s", &s), ==, 1);
    g_assert_cmpstr(s, ==, "text");
    g_assert_cmpint(virTypedParamArrayGetInt(params, n, "i", &i), ==, 1);
    g_assert_cmpint(i, ==, -7);
    g_assert_cmpint(virTypedParamArrayGetUInt(params, n, "ui", &ui), ==, 1);
    g_assert_cmpuint(ui, ==, 7);
    g_assert_cmpint(virTypedParamArrayGetLLong(params, n, "l", &l), ==, 1);
    g_assert_cmpint(l, ==, -(1LL << 40));
    g_assert_cmpint(virTypedParamArrayGetULLong(params, n, "ul", &ul), ==, 1);
    g_assert_cmpuint(ul, ==, 1ULL << 63);
    g_assert_cmpint(virTypedParamArrayGetDouble(params, n, "d", &d), ==, 1);
    g_assert_cmpfloat(d, ==, 0.25);
    g_assert_cmpint(virTypedParamArrayGetBoolean(params, n, "b", &b), ==, 1);
    g_assert_true(b);
    g_assert_cmpint(virTypedParamArrayGetString(params, n, "s", NULL), ==, 1);

    /* absent: 0 and the output untouched */
    s = "untouched";
    g_assert_cmpint(virTypedParamArrayGetString(params, n, "none", &s), ==, 0);
    g_assert_cmpstr(s, ==, "untouched");
    g_assert_cmpint(virTypedParamArrayGetInt(NULL, 0, "i", &i), ==, 0);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OK);

    /* another type: -1, libvirt's message, output untouched */
    i = 42;
    g_assert_cmpint(virTypedParamArrayGetInt(params, n, "ul", &i), ==, -1);
    g_assert_cmpint(i, ==, 42);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: Invalid type 'int' requested for parameter 'ul', actual type is 'ullong'");
    g_assert_cmpint(virTypedParamArrayGetBoolean(params, n, "s", &b), ==, -1);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: Invalid type 'boolean' requested for parameter 's', actual type is 'string'");
    virTypedParamArrayFree(params, n);
}


static void
testStringList(void)
{
    int n = 0;
    virTypedParameter *params = testAllTypes(&n);
    g_autofree const char **values = NULL;
    g_autofree const char **none = NULL;
    const char **untouched = NULL;

    g_assert_cmpint(virTypedParamArrayGetStringList(params, n, "s", &values), ==, 2);
    g_assert_cmpstr(values[0], ==, "text");
    g_assert_cmpstr(values[1], ==, "second");
    g_assert_null(values[2]);
    g_assert_cmpint(virTypedParamArrayGetStringList(params, n, "x", &none), ==, 0);
    g_assert_nonnull(none);
    g_assert_null(none[0]);
    g_assert_cmpint(virTypedParamArrayGetStringList(params, n, "ui", &untouched), ==, -1);
    g_assert_null(untouched);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: Invalid type 'string' requested for parameter 'ui', actual type is 'uint'");
    virTypedParamArrayFree(params, n);
}


static void
testCopy(void)
{
    int n = 0;
    virTypedParameter *params = testAllTypes(&n);
    virTypedParameter *copy = virTypedParamArrayCopy(params, n);
    const char *s = NULL;
    int i;

    for (i = 0; i < n; i++) {
        g_assert_cmpstr(copy[i].field, ==, params[i].field);
        g_assert_cmpint(copy[i].type, ==, params[i].type);
    }
    /* strings are duplicated: freeing the original keeps the copy intact */
    g_assert_true(copy[0].value.s != params[0].value.s);
    virTypedParamArrayFree(params, n);
    g_assert_cmpint(virTypedParamArrayGetString(copy, n, "s", &s), ==, 1);
    g_assert_cmpstr(s, ==, "text");
    virTypedParamArrayFree(copy, n);
    g_assert_null(virTypedParamArrayCopy(NULL, 0));
    virTypedParamArrayFree(NULL, 3);
}


static void
testListReplace(void)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    const virTypedParameter *view;
    const char *s = NULL;
    unsigned long long ul = 0;
    int n = 0;

    g_assert_cmpint(virTypedParamListAddString(list, "xml", "a"), ==, 0);
    g_assert_cmpint(virTypedParamListAddULLong(list, "bw", 1), ==, 0);
    g_assert_cmpint(virTypedParamListAddString(list, "xml", "b"), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceString(list, "xml", "c"), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceULLong(list, "bw", 2), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceInt(list, "new", 3), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceString(list, "nul", NULL), ==, 0);

    view = virTypedParamListGetParams(list, &n);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpstr(view[0].field, ==, "xml");
    g_assert_cmpstr(view[0].value.s, ==, "c");
    g_assert_cmpstr(view[1].field, ==, "bw");
    g_assert_cmpstr(view[2].field, ==, "new");
    g_assert_cmpint(virTypedParamArrayGetULLong(view, n, "bw", &ul), ==, 1);
    g_assert_cmpuint(ul, ==, 2);
    g_assert_cmpint(virTypedParamArrayGetString(view, n, "nul", &s), ==, 1);
    g_assert_cmpstr(s, ==, "");

    g_assert_cmpint(virTypedParamListReplaceUInt(list, "bw", 9), ==, -1);
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: parameter 'bw' has type 'ullong', not 'uint'");
    g_assert_cmpint(virTypedParamListReplaceBoolean(list, "b", false), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceDouble(list, "d", 2.5), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceLLong(list, "l", -2), ==, 0);
    g_assert_cmpint(virTypedParamListReplaceUInt(list, "u", 2), ==, 0);
    g_assert_cmpint(virTypedParamListRemove(list, "xml"), ==, 1);
    g_assert_cmpint(virTypedParamListRemove(list, "xml"), ==, 0);
    view = virTypedParamListGetParams(list, &n);
    g_assert_cmpint(n, ==, 7);
    g_assert_cmpstr(view[0].field, ==, "bw");
}


static void
testListLimits(void)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    g_autofree char *longName = g_strnfill(VIR_TYPED_PARAM_FIELD_LENGTH, 'n');
    g_autofree char *maxName = g_strnfill(VIR_TYPED_PARAM_FIELD_LENGTH - 1, 'm');
    g_autofree char *msg = NULL;
    virTypedParameter *params = NULL;
    int n = -1;

    g_assert_null(virTypedParamListGetParams(list, &n));
    g_assert_cmpint(n, ==, 0);
    virTypedParamListSteal(list, &params, &n);
    g_assert_null(params);
    g_assert_cmpint(n, ==, 0);

    g_assert_cmpint(virTypedParamListAddInt(list, longName, 1), ==, -1);
    msg = g_strdup_printf("internal error: Field name '%s' too long", longName);
    testAssertError(VIR_ERR_INTERNAL_ERROR, msg);
    g_assert_cmpint(virTypedParamListAddInt(list, maxName, 1), ==, 0);

    /* the list is reusable after a steal */
    virTypedParamListSteal(list, &params, &n);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpstr(params[0].field, ==, maxName);
    virTypedParamArrayFree(params, n);
    g_assert_cmpint(virTypedParamListAddBoolean(list, "b", true), ==, 0);
    g_assert_nonnull(virTypedParamListGetParams(list, &n));
    g_assert_cmpint(n, ==, 1);
}


static void
testListFromArray(void)
{
    int n = 0;
    virTypedParameter *params = testAllTypes(&n);
    g_autoptr(virTypedParamList) list = virTypedParamListNewFromArray(params, n);
    const virTypedParameter *view;
    const char *s = NULL;
    int m = 0;

    virTypedParamArrayFree(params, n);
    g_assert_cmpint(virTypedParamListReplaceString(list, "s", "only"), ==, 0);
    view = virTypedParamListGetParams(list, &m);
    g_assert_cmpint(m, ==, n - 1);
    g_assert_cmpint(virTypedParamArrayGetString(view, m, "s", &s), ==, 1);
    g_assert_cmpstr(s, ==, "only");
    g_assert_null(virTypedParamListNewFromArray(NULL, -3));
    testAssertError(VIR_ERR_INVALID_ARG,
                    "invalid argument: invalid typed parameter array (-3 entries)");
}


int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    g_test_add_func("/virtypedparam/type-table", testTypeTable);
    g_test_add_func("/virtypedparam/validate/good", testValidateGood);
    for (i = 0; i < G_N_ELEMENTS(testValidateBadCases); i++) {
        g_autofree char *path = g_strdup_printf("/virtypedparam/validate/%s",
                                                testValidateBadCases[i].name);

        g_test_add_data_func(path, &testValidateBadCases[i], testValidateBad);
    }
    g_test_add_func("/virtypedparam/validate/malformed", testValidateMalformed);
    g_test_add_func("/virtypedparam/getters", testGetters);
    g_test_add_func("/virtypedparam/string-list", testStringList);
    g_test_add_func("/virtypedparam/copy", testCopy);
    g_test_add_func("/virtypedparam/list/replace", testListReplace);
    g_test_add_func("/virtypedparam/list/limits", testListLimits);
    g_test_add_func("/virtypedparam/list/from-array", testListFromArray);
    return g_test_run();
}
