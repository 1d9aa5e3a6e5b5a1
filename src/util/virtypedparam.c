/*
 * virtypedparam.c: helpers on arrays of libvirt's public virTypedParameter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The errors are libvirt's, code and text, because clients (virsh, the
 * bindings) show them to users and test suites match them: an unknown name
 * is VIR_ERR_ARGUMENT_UNSUPPORTED, a wrong type or a forbidden repetition
 * VIR_ERR_INVALID_ARG.
 */
#include <config.h>

#include "virtypedparam.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static const char *const virTypedParamTable[] = {
    [0] = "unknown",
    [VIR_TYPED_PARAM_INT] = "int",
    [VIR_TYPED_PARAM_UINT] = "uint",
    [VIR_TYPED_PARAM_LLONG] = "llong",
    [VIR_TYPED_PARAM_ULLONG] = "ullong",
    [VIR_TYPED_PARAM_DOUBLE] = "double",
    [VIR_TYPED_PARAM_BOOLEAN] = "boolean",
    [VIR_TYPED_PARAM_STRING] = "string",
};
VIR_ENUM_IMPL_TABLE(virTypedParam, virTypedParamTable,
                    VIR_TYPED_PARAM_STRING + 1);


/* The name of @type for messages; out-of-range types read "unknown". */
static const char *
virTypedParamTypeName(int type)
{
    const char *str = virTypedParamTypeToString(type);

    return str ? str : virTypedParamTypeToString(0);
}


/* Whether @param's field is NUL-terminated inside its fixed buffer. */
static bool
virTypedParamFieldIsValid(const virTypedParameter *param)
{
    return memchr(param->field, '\0', VIR_TYPED_PARAM_FIELD_LENGTH) != NULL;
}


static int
virTypedParamArrayCheck(const virTypedParameter *params, int nparams)
{
    int i;

    if (nparams < 0 || (nparams > 0 && !params)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("invalid typed parameter array (%1$d entries)"),
                       nparams);
        return -1;
    }
    for (i = 0; i < nparams; i++) {
        if (!virTypedParamFieldIsValid(&params[i])) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("typed parameter name is not terminated"));
            return -1;
        }
    }
    return 0;
}


static gint
virTypedParamCompareName(gconstpointer a, gconstpointer b,
                         gpointer opaque G_GNUC_UNUSED)
{
    const virTypedParameter *const *pa = a;
    const virTypedParameter *const *pb = b;

    return g_strcmp0((*pa)->field, (*pb)->field);
}


static const virTypedParamSpec *
virTypedParamSpecFind(const virTypedParamSpec *specs, size_t nspecs,
                      const char *name)
{
    size_t i;

    for (i = 0; i < nspecs; i++) {
        if (STREQ(specs[i].name, name))
            return &specs[i];
    }
    return NULL;
}


/**
 * virTypedParamArrayValidate:
 * Checks that every entry of @params is named in @specs, has the type
 * the spec gives and occurs at most once unless the spec allows repeats.
 * Problems are found in the order of the sorted names, as libvirt's
 * virTypedParamsValidate finds them, so the same bad list gets the same
 * error: VIR_ERR_ARGUMENT_UNSUPPORTED "parameter '%s' not supported",
 * VIR_ERR_INVALID_ARG for a repetition or a wrong type.
 * Returns 0 when the list is acceptable, -1 with the error reported.
 */
int
virTypedParamArrayValidate(const virTypedParameter *params, int nparams,
                           const virTypedParamSpec *specs, size_t nspecs)
{
    g_autofree const virTypedParameter **sorted = NULL;
    int i;

    if (virTypedParamArrayCheck(params, nparams) < 0)
        return -1;
    sorted = g_new0(const virTypedParameter *, MAX(nparams, 1));
    for (i = 0; i < nparams; i++)
        sorted[i] = &params[i];
    /* stable: repeated names keep the caller's order */
    g_qsort_with_data(sorted, nparams, sizeof(*sorted),
                      virTypedParamCompareName, NULL);

    for (i = 0; i < nparams; i++) {
        const virTypedParameter *p = sorted[i];
        const virTypedParamSpec *spec = virTypedParamSpecFind(specs, nspecs,
                                                              p->field);

        if (!spec) {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                           _("parameter '%1$s' not supported"), p->field);
            return -1;
        }
        if (i > 0 && STREQ(sorted[i - 1]->field, p->field) && !spec->multiple) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("parameter '%1$s' occurs multiple times"),
                           p->field);
            return -1;
        }
        if (p->type != spec->type) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("invalid type '%1$s' for parameter '%2$s', expected '%3$s'"),
                           virTypedParamTypeName(p->type), p->field,
                           virTypedParamTypeName(spec->type));
            return -1;
        }
    }
    return 0;
}


/**
 * virTypedParamArrayFind:
 * Returns the first entry of @params named @name (borrowed, it lives as
 * long as @params), or NULL when there is none.  Never reports an error.
 */
const virTypedParameter *
virTypedParamArrayFind(const virTypedParameter *params, int nparams,
                       const char *name)
{
    int i;

    if (!params || !name)
        return NULL;
    for (i = 0; i < nparams; i++) {
        if (virTypedParamFieldIsValid(&params[i]) &&
            STREQ(params[i].field, name))
            return &params[i];
    }
    return NULL;
}


/* The first entry named @name if it has @type: 1 with *@ret set, 0 when
 * absent, -1 (VIR_ERR_INVALID_ARG, libvirt's text) when of another type. */
static int
virTypedParamArrayGetTyped(const virTypedParameter *params, int nparams,
                           const char *name, int type,
                           const virTypedParameter **ret)
{
    const virTypedParameter *param = virTypedParamArrayFind(params, nparams,
                                                            name);

    if (!param)
        return 0;
    if (param->type != type) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("Invalid type '%1$s' requested for parameter '%2$s', actual type is '%3$s'"),
                       virTypedParamTypeName(type), name,
                       virTypedParamTypeName(param->type));
        return -1;
    }
    *ret = param;
    return 1;
}


/**
 * virTypedParamArrayGetString:
 * The value of the first parameter named @name, which must be a string.
 * *@value (borrowed from @params; may be NULL to only test) is written only
 * when found.  Returns 1 when found, 0 when absent, -1 when the parameter
 * has another type (VIR_ERR_INVALID_ARG reported).
 */
int
virTypedParamArrayGetString(const virTypedParameter *params, int nparams,
                            const char *name, const char **value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_STRING, &p);

    if (rc == 1 && value)
        *value = p->value.s;
    return rc;
}


/* virTypedParamArrayGetInt: as virTypedParamArrayGetString, for an int. */
int
virTypedParamArrayGetInt(const virTypedParameter *params, int nparams,
                         const char *name, int *value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_INT, &p);

    if (rc == 1 && value)
        *value = p->value.i;
    return rc;
}


/* virTypedParamArrayGetUInt: as virTypedParamArrayGetString, for a uint. */
int
virTypedParamArrayGetUInt(const virTypedParameter *params, int nparams,
                          const char *name, unsigned int *value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_UINT, &p);

    if (rc == 1 && value)
        *value = p->value.ui;
    return rc;
}


/* virTypedParamArrayGetLLong: as virTypedParamArrayGetString, for an
 * llong. */
int
virTypedParamArrayGetLLong(const virTypedParameter *params, int nparams,
                           const char *name, long long *value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_LLONG, &p);

    if (rc == 1 && value)
        *value = p->value.l;
    return rc;
}


/* virTypedParamArrayGetULLong: as virTypedParamArrayGetString, for an
 * ullong. */
int
virTypedParamArrayGetULLong(const virTypedParameter *params, int nparams,
                            const char *name, unsigned long long *value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_ULLONG, &p);

    if (rc == 1 && value)
        *value = p->value.ul;
    return rc;
}


/* virTypedParamArrayGetDouble: as virTypedParamArrayGetString, for a
 * double. */
int
virTypedParamArrayGetDouble(const virTypedParameter *params, int nparams,
                            const char *name, double *value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_DOUBLE, &p);

    if (rc == 1 && value)
        *value = p->value.d;
    return rc;
}


/* virTypedParamArrayGetBoolean: as virTypedParamArrayGetString, for a
 * boolean (any non-zero wire value reads as true). */
int
virTypedParamArrayGetBoolean(const virTypedParameter *params, int nparams,
                             const char *name, bool *value)
{
    const virTypedParameter *p = NULL;
    int rc = virTypedParamArrayGetTyped(params, nparams, name,
                                        VIR_TYPED_PARAM_BOOLEAN, &p);

    if (rc == 1 && value)
        *value = p->value.b != 0;
    return rc;
}


/**
 * virTypedParamArrayGetStringList:
 * Every value of the parameters named @name, in order, for the ones that
 * may repeat (migrate_disks, compression).  On success *@values is a
 * NULL-terminated array (never NULL) of strings borrowed from @params; the
 * caller frees the array only.  Returns the number of values, or -1 when
 * one of them is not a string (VIR_ERR_INVALID_ARG reported; *@values
 * untouched).
 */
int
virTypedParamArrayGetStringList(const virTypedParameter *params, int nparams,
                                const char *name, const char ***values)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    int i;

    for (i = 0; params && i < nparams; i++) {
        if (!virTypedParamFieldIsValid(&params[i]) ||
            STRNEQ(params[i].field, name))
            continue;
        if (params[i].type != VIR_TYPED_PARAM_STRING) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Invalid type '%1$s' requested for parameter '%2$s', actual type is '%3$s'"),
                           virTypedParamTypeName(VIR_TYPED_PARAM_STRING), name,
                           virTypedParamTypeName(params[i].type));
            return -1;
        }
        g_ptr_array_add(list, params[i].value.s);
    }
    i = list->len;
    g_ptr_array_add(list, NULL);
    *values = (const char **)g_ptr_array_free(g_steal_pointer(&list), FALSE);
    return i;
}


/* Deep-copies @src into @dst (field, type, value; strings duplicated). */
static void
virTypedParamCopyOne(virTypedParameter *dst, const virTypedParameter *src)
{
    *dst = *src;
    if (src->type == VIR_TYPED_PARAM_STRING)
        dst->value.s = g_strdup(src->value.s);
}


/**
 * virTypedParamArrayCopy:
 * A deep copy of @params (strings duplicated).  Caller owns the result
 * and frees it with virTypedParamArrayFree; NULL when @nparams is 0.
 */
virTypedParameter *
virTypedParamArrayCopy(const virTypedParameter *params, int nparams)
{
    virTypedParameter *copy;
    int i;

    if (!params || nparams <= 0)
        return NULL;
    copy = g_new0(virTypedParameter, nparams);
    for (i = 0; i < nparams; i++)
        virTypedParamCopyOne(&copy[i], &params[i]);
    return copy;
}


/**
 * virTypedParamArrayFree:
 * Frees @params and the string values of its @nparams entries.  NULL is
 * fine.
 */
void
virTypedParamArrayFree(virTypedParameter *params, int nparams)
{
    int i;

    if (!params)
        return;
    for (i = 0; i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING)
            g_free(params[i].value.s);
    }
    g_free(params);
}


/* ---- the list builder ---- */

struct _virTypedParamList {
    GArray *params;     /* of virTypedParameter; owns string values */
};


static void
virTypedParamClear(gpointer data)
{
    virTypedParameter *param = data;

    if (param->type == VIR_TYPED_PARAM_STRING)
        g_clear_pointer(&param->value.s, g_free);
}


/**
 * virTypedParamListNew:
 * An empty list.  Caller owns the result (virTypedParamListFree).
 */
virTypedParamList *
virTypedParamListNew(void)
{
    virTypedParamList *list = g_new0(virTypedParamList, 1);

    list->params = g_array_new(FALSE, TRUE, sizeof(virTypedParameter));
    g_array_set_clear_func(list->params, virTypedParamClear);
    return list;
}


/**
 * virTypedParamListNewFromArray:
 * A list holding a deep copy of @params (which stays the caller's), e.g.
 * to add or replace entries of what a client sent.  Caller owns the
 * result; NULL (reported) when @params is not a valid array.
 */
virTypedParamList *
virTypedParamListNewFromArray(const virTypedParameter *params, int nparams)
{
    g_autoptr(virTypedParamList) list = NULL;
    int i;

    if (virTypedParamArrayCheck(params, nparams) < 0)
        return NULL;
    list = virTypedParamListNew();
    for (i = 0; i < nparams; i++) {
        virTypedParameter copy;

        virTypedParamCopyOne(&copy, &params[i]);
        g_array_append_val(list->params, copy);
    }
    return g_steal_pointer(&list);
}


/* virTypedParamListFree: frees @list and what it holds (NULL is fine). */
void
virTypedParamListFree(virTypedParamList *list)
{
    if (!list)
        return;
    g_array_unref(list->params);
    g_free(list);
}


/* Index of the first entry named @name, or -1. */
static int
virTypedParamListIndex(const virTypedParamList *list, const char *name)
{
    guint i;

    for (i = 0; i < list->params->len; i++) {
        if (STREQ(g_array_index(list->params, virTypedParameter, i).field, name))
            return i;
    }
    return -1;
}


/* Drops the entries named @name from index @start on; returns how many. */
static size_t
virTypedParamListRemoveFrom(virTypedParamList *list, const char *name,
                            guint start)
{
    size_t removed = 0;
    guint i = start;

    while (i < list->params->len) {
        if (STREQ(g_array_index(list->params, virTypedParameter, i).field,
                  name)) {
            g_array_remove_index(list->params, i);
            removed++;
        } else {
            i++;
        }
    }
    return removed;
}


/*
 * Appends (or, with @replace, overwrites the first entry named @name and
 * drops the later ones) a parameter of @tmpl's type and value; a string
 * value is copied, NULL storing "" as libvirt does.  Returns 0, or -1
 * (reported) for a name too long for the wire or, with @replace, an
 * existing entry of another type.
 */
static int
virTypedParamListSet(virTypedParamList *list, const char *name,
                     const virTypedParameter *tmpl, bool replace)
{
    virTypedParameter param = *tmpl;
    int idx = replace ? virTypedParamListIndex(list, name) : -1;

    if (g_strlcpy(param.field, name, sizeof(param.field)) >= sizeof(param.field)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("Field name '%1$s' too long"),
                       name);
        return -1;
    }
    if (idx >= 0) {
        virTypedParameter *old = &g_array_index(list->params,
                                                virTypedParameter, idx);

        if (old->type != tmpl->type) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("parameter '%1$s' has type '%2$s', not '%3$s'"),
                           name, virTypedParamTypeName(old->type),
                           virTypedParamTypeName(tmpl->type));
            return -1;
        }
    }
    if (param.type == VIR_TYPED_PARAM_STRING)
        param.value.s = g_strdup(tmpl->value.s ? tmpl->value.s : "");
    if (idx < 0) {
        g_array_append_val(list->params, param);
        return 0;
    }
    virTypedParamClear(&g_array_index(list->params, virTypedParameter, idx));
    g_array_index(list->params, virTypedParameter, idx) = param;
    virTypedParamListRemoveFrom(list, name, idx + 1);
    return 0;
}


/* The template for a string value (borrowed, copied when stored). */
static virTypedParameter
virTypedParamString(const char *value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_STRING };

    p.value.s = (char *)value;
    return p;
}


/**
 * virTypedParamListAddString:
 * Appends @name = @value (copied; NULL stores "") even when @name already
 * occurs, which is how repeatable parameters are built.  The other
 * virTypedParamListAdd* functions do the same for their types.
 * Returns 0, or -1 (reported) when @name does not fit in a field.
 */
int
virTypedParamListAddString(virTypedParamList *list, const char *name,
                           const char *value)
{
    virTypedParameter p = virTypedParamString(value);

    return virTypedParamListSet(list, name, &p, false);
}


/* virTypedParamListAddInt: see virTypedParamListAddString. */
int
virTypedParamListAddInt(virTypedParamList *list, const char *name, int value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_INT, .value.i = value };

    return virTypedParamListSet(list, name, &p, false);
}


/* virTypedParamListAddUInt: see virTypedParamListAddString. */
int
virTypedParamListAddUInt(virTypedParamList *list, const char *name,
                         unsigned int value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_UINT, .value.ui = value };

    return virTypedParamListSet(list, name, &p, false);
}


/* virTypedParamListAddLLong: see virTypedParamListAddString. */
int
virTypedParamListAddLLong(virTypedParamList *list, const char *name,
                          long long value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_LLONG, .value.l = value };

    return virTypedParamListSet(list, name, &p, false);
}


/* virTypedParamListAddULLong: see virTypedParamListAddString. */
int
virTypedParamListAddULLong(virTypedParamList *list, const char *name,
                           unsigned long long value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_ULLONG, .value.ul = value };

    return virTypedParamListSet(list, name, &p, false);
}


/* virTypedParamListAddDouble: see virTypedParamListAddString. */
int
virTypedParamListAddDouble(virTypedParamList *list, const char *name,
                           double value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_DOUBLE, .value.d = value };

    return virTypedParamListSet(list, name, &p, false);
}


/* virTypedParamListAddBoolean: see virTypedParamListAddString. */
int
virTypedParamListAddBoolean(virTypedParamList *list, const char *name,
                            bool value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_BOOLEAN, .value.b = value };

    return virTypedParamListSet(list, name, &p, false);
}


/**
 * virTypedParamListReplaceString:
 * Sets @name to @value: the first entry of that name is overwritten in
 * place and later ones are dropped; without one, the entry is appended.
 * The other virTypedParamListReplace* functions do the same for their
 * types.  Returns 0, or -1 (reported) when @name does not fit in a field
 * or an existing entry has another type (VIR_ERR_INVALID_ARG).
 */
int
virTypedParamListReplaceString(virTypedParamList *list, const char *name,
                               const char *value)
{
    virTypedParameter p = virTypedParamString(value);

    return virTypedParamListSet(list, name, &p, true);
}


/* virTypedParamListReplaceInt: see virTypedParamListReplaceString. */
int
virTypedParamListReplaceInt(virTypedParamList *list, const char *name,
                            int value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_INT, .value.i = value };

    return virTypedParamListSet(list, name, &p, true);
}


/* virTypedParamListReplaceUInt: see virTypedParamListReplaceString. */
int
virTypedParamListReplaceUInt(virTypedParamList *list, const char *name,
                             unsigned int value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_UINT, .value.ui = value };

    return virTypedParamListSet(list, name, &p, true);
}


/* virTypedParamListReplaceLLong: see virTypedParamListReplaceString. */
int
virTypedParamListReplaceLLong(virTypedParamList *list, const char *name,
                              long long value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_LLONG, .value.l = value };

    return virTypedParamListSet(list, name, &p, true);
}


/* virTypedParamListReplaceULLong: see virTypedParamListReplaceString. */
int
virTypedParamListReplaceULLong(virTypedParamList *list, const char *name,
                               unsigned long long value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_ULLONG, .value.ul = value };

    return virTypedParamListSet(list, name, &p, true);
}


/* virTypedParamListReplaceDouble: see virTypedParamListReplaceString. */
int
virTypedParamListReplaceDouble(virTypedParamList *list, const char *name,
                               double value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_DOUBLE, .value.d = value };

    return virTypedParamListSet(list, name, &p, true);
}


/* virTypedParamListReplaceBoolean: see virTypedParamListReplaceString. */
int
virTypedParamListReplaceBoolean(virTypedParamList *list, const char *name,
                                bool value)
{
    virTypedParameter p = { .type = VIR_TYPED_PARAM_BOOLEAN, .value.b = value };

    return virTypedParamListSet(list, name, &p, true);
}


/**
 * virTypedParamListRemove:
 * Drops every entry named @name.  Returns how many there were.
 */
size_t
virTypedParamListRemove(virTypedParamList *list, const char *name)
{
    return virTypedParamListRemoveFrom(list, name, 0);
}


/**
 * virTypedParamListGetParams:
 * A view of the entries, for the getters and the validation above: the
 * array is borrowed and valid until the list changes.  *@nparams is set to
 * the number of entries; the result is NULL when there are none.
 */
const virTypedParameter *
virTypedParamListGetParams(const virTypedParamList *list, int *nparams)
{
    *nparams = list->params->len;
    if (list->params->len == 0)
        return NULL;
    return (const virTypedParameter *)list->params->data;
}


/**
 * virTypedParamListSteal:
 * Hands the entries over as a plain array: *@params (caller owns it, free
 * with virTypedParamArrayFree; NULL when the list is empty) and
 * *@nparams.  The list is left empty and may be reused.
 */
void
virTypedParamListSteal(virTypedParamList *list, virTypedParameter **params,
                       int *nparams)
{
    gsize len = 0;
    virTypedParameter *data = g_array_steal(list->params, &len);

    *nparams = len;
    if (len == 0) {
        g_free(data);
        data = NULL;
    }
    *params = data;
}
