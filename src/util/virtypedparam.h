/*
 * virtypedparam.h: helpers on arrays of libvirt's public virTypedParameter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two families, named apart from libvirt's public virTypedParams* API so
 * that nothing here can be mistaken for (or clash with) a libvirt.so entry
 * point:
 *
 *   virTypedParamArray*  read-only helpers on a (params, nparams) pair as
 *                        it arrives from a client: validation against a
 *                        table of allowed names, typed getters, copy, free;
 *   virTypedParamList*   a growable list that builds such an array.
 *
 * Every array produced here is freed with virTypedParamArrayFree, which
 * frees string values too.
 */
#pragma once

#include "internal.h"
#include "virenum.h"

/* libvirt's names of the value types ("int", "ullong", ...); 0 is
 * "unknown", as libvirt prints it. */
VIR_ENUM_DECL(virTypedParam);

/* One allowed parameter: its name, its virTypedParameterType and whether
 * it may occur more than once (like migrate_disks or compression). */
typedef struct _virTypedParamSpec virTypedParamSpec;
struct _virTypedParamSpec {
    const char *name;
    int type;
    bool multiple;
};

int virTypedParamArrayValidate(const virTypedParameter *params, int nparams,
                               const virTypedParamSpec *specs, size_t nspecs);

const virTypedParameter *virTypedParamArrayFind(const virTypedParameter *params,
                                                int nparams, const char *name);
int virTypedParamArrayGetString(const virTypedParameter *params, int nparams,
                                const char *name, const char **value);
int virTypedParamArrayGetInt(const virTypedParameter *params, int nparams,
                             const char *name, int *value);
int virTypedParamArrayGetUInt(const virTypedParameter *params, int nparams,
                              const char *name, unsigned int *value);
int virTypedParamArrayGetLLong(const virTypedParameter *params, int nparams,
                               const char *name, long long *value);
int virTypedParamArrayGetULLong(const virTypedParameter *params, int nparams,
                                const char *name, unsigned long long *value);
int virTypedParamArrayGetDouble(const virTypedParameter *params, int nparams,
                                const char *name, double *value);
int virTypedParamArrayGetBoolean(const virTypedParameter *params, int nparams,
                                 const char *name, bool *value);
int virTypedParamArrayGetStringList(const virTypedParameter *params,
                                    int nparams, const char *name,
                                    const char ***values);

virTypedParameter *virTypedParamArrayCopy(const virTypedParameter *params,
                                          int nparams);
void virTypedParamArrayFree(virTypedParameter *params, int nparams);


typedef struct _virTypedParamList virTypedParamList;

virTypedParamList *virTypedParamListNew(void);
virTypedParamList *virTypedParamListNewFromArray(const virTypedParameter *params,
                                                 int nparams);
void virTypedParamListFree(virTypedParamList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virTypedParamList, virTypedParamListFree);

int virTypedParamListAddString(virTypedParamList *list, const char *name,
                               const char *value);
int virTypedParamListAddInt(virTypedParamList *list, const char *name,
                            int value);
int virTypedParamListAddUInt(virTypedParamList *list, const char *name,
                             unsigned int value);
int virTypedParamListAddLLong(virTypedParamList *list, const char *name,
                              long long value);
int virTypedParamListAddULLong(virTypedParamList *list, const char *name,
                               unsigned long long value);
int virTypedParamListAddDouble(virTypedParamList *list, const char *name,
                               double value);
int virTypedParamListAddBoolean(virTypedParamList *list, const char *name,
                                bool value);

int virTypedParamListReplaceString(virTypedParamList *list, const char *name,
                                   const char *value);
int virTypedParamListReplaceInt(virTypedParamList *list, const char *name,
                                int value);
int virTypedParamListReplaceUInt(virTypedParamList *list, const char *name,
                                 unsigned int value);
int virTypedParamListReplaceLLong(virTypedParamList *list, const char *name,
                                  long long value);
int virTypedParamListReplaceULLong(virTypedParamList *list, const char *name,
                                   unsigned long long value);
int virTypedParamListReplaceDouble(virTypedParamList *list, const char *name,
                                   double value);
int virTypedParamListReplaceBoolean(virTypedParamList *list, const char *name,
                                    bool value);

size_t virTypedParamListRemove(virTypedParamList *list, const char *name);

const virTypedParameter *virTypedParamListGetParams(const virTypedParamList *list,
                                                    int *nparams);
void virTypedParamListSteal(virTypedParamList *list,
                            virTypedParameter **params, int *nparams);
