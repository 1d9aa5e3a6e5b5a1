/*
 * remote_daemon_typedparam.c: typed parameters and domains to and from
 * the wire, for the server's handlers and the remote client driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_RPC

virDomainIdent *
remoteDomainFromWire(const remote_nonnull_domain *rdom)
{
    return virDomainIdentNew(rdom->name, (const unsigned char *)rdom->uuid,
                             rdom->id);
}


void
remoteMakeDomain(remote_nonnull_domain *dst, const virDomainIdent *src)
{
    dst->name = g_strdup(src->name);
    memcpy(dst->uuid, src->uuid, VIR_UUID_BUFLEN);
    dst->id = src->id;
}


/* The numbers but booleans are the same C type in a virTypedParameter's
 * value as on the wire (u_int, int64_t, uint64_t there), and every
 * member of a union starts at the union's start: such a value is copied
 * as its bytes. */
G_STATIC_ASSERT(sizeof(u_int) == sizeof(unsigned int));
G_STATIC_ASSERT(sizeof(int64_t) == sizeof(long long));
G_STATIC_ASSERT(sizeof(uint64_t) == sizeof(unsigned long long));

static const size_t remoteTypedParamNumberSize[] = {
    [VIR_TYPED_PARAM_INT] = sizeof(int),
    [VIR_TYPED_PARAM_UINT] = sizeof(unsigned int),
    [VIR_TYPED_PARAM_LLONG] = sizeof(long long),
    [VIR_TYPED_PARAM_ULLONG] = sizeof(unsigned long long),
    [VIR_TYPED_PARAM_DOUBLE] = sizeof(double),
};


/* Whether @type is one of the types the wire carries. */
static bool
remoteTypedParamTypeIsKnown(int type)
{
    return type >= VIR_TYPED_PARAM_INT && type <= VIR_TYPED_PARAM_STRING;
}


/* Copies a value of the known @type from the union at @from to the one
 * at @to: a virTypedParameter's value to the wire's with @toWire, else
 * the other way.  A string is duplicated; a boolean is a char in the
 * one and an int on the wire. */
static void
remoteTypedParamCopyValue(int type, const void *from, void *to, bool toWire)
{
    if (type == VIR_TYPED_PARAM_STRING)
        *(char **)to = g_strdup(*(char *const *)from);
    else if (type != VIR_TYPED_PARAM_BOOLEAN)
        memcpy(to, from, remoteTypedParamNumberSize[type]);
    else if (toWire)
        *(int *)to = *(const char *)from;
    else
        *(char *)to = *(const int *)from;
}


/**
 * remoteSerializeTypedParameters:
 * Copies @params into a newly allocated wire array of at most @max
 * entries (*@ret, *@retLen; the RPC layer frees them with the reply).
 * Returns 0, or -1 with VIR_ERR_RPC when there are too many.
 */
int
remoteSerializeTypedParameters(const virTypedParameter *params, int nparams,
                               int max, remote_typed_param **ret,
                               u_int *retLen)
{
    remote_typed_param *val;
    int i;

    if (nparams > max) {
        virReportError(VIR_ERR_RPC, _("too many parameters '%1$d' for limit '%2$d'"),
                       nparams, max);
        return -1;
    }
    for (i = 0; i < nparams; i++) {
        if (!remoteTypedParamTypeIsKnown(params[i].type)) {
            virReportError(VIR_ERR_RPC, _("unknown parameter type %1$d"),
                           params[i].type);
            return -1;
        }
    }
    val = g_new0(remote_typed_param, MAX(nparams, 1));
    for (i = 0; i < nparams; i++) {
        remote_typed_param_value *v = &val[i].value;

        val[i].field = g_strdup(params[i].field);
        v->type = params[i].type;
        remoteTypedParamCopyValue(v->type, &params[i].value,
                                  &v->remote_typed_param_value_u, true);
    }
    *ret = val;
    *retLen = nparams;
    return 0;
}


/**
 * remoteReplyTypedParams:
 * The driver's @params (freed here, whatever happens) into a reply's
 * list (*@val, *@len, at most @max), as remoteSerializeTypedParameters.
 * Returns 0 or -1 (reported).
 */
int
remoteReplyTypedParams(virTypedParameterPtr params, int nparams, int max,
                       remote_typed_param **val, u_int *len)
{
    int rc = remoteSerializeTypedParameters(params, nparams, max, val, len);

    virTypedParamArrayFree(params, nparams);
    return rc;
}


/**
 * remoteDeserializeTypedParameters:
 * Copies @len wire parameters (at most @max) into a new array (*@params,
 * *@nparams; free with virTypedParamArrayFree).  Names must fit libvirt's
 * 80-byte field.  @val may be NULL only when @len is 0.  Returns 0 or
 * -1 (VIR_ERR_RPC reported; VIR_ERR_INTERNAL_ERROR for a NULL @val with
 * a non-zero @len).
 */
int
remoteDeserializeTypedParameters(const remote_typed_param *val, u_int len,
                                 int max, virTypedParameterPtr *params,
                                 int *nparams)
{
    virTypedParameterPtr p;
    u_int i;

    if (len > (u_int)max) {
        virReportError(VIR_ERR_RPC, _("too many parameters '%1$u' for limit '%2$d'"),
                       len, max);
        return -1;
    }
    /* A list decoded whole never has a count without its array (libtirpc
     * leaves one only after a failed decode, which nobody converts): this
     * is a caller's mistake, refused rather than read through NULL. */
    if (len > 0 && !val) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("%1$u typed parameters without their array"), len);
        return -1;
    }
    p = g_new0(virTypedParameter, MAX(len, 1));
    for (i = 0; i < len; i++) {
        const remote_typed_param_value *v = &val[i].value;

        if (g_strlcpy(p[i].field, val[i].field, VIR_TYPED_PARAM_FIELD_LENGTH) >=
            VIR_TYPED_PARAM_FIELD_LENGTH) {
            virReportError(VIR_ERR_RPC, _("parameter %1$s too big for destination"),
                           val[i].field);
            virTypedParamArrayFree(p, i);
            return -1;
        }
        if (!remoteTypedParamTypeIsKnown(v->type)) {
            /* XDR decoding already refused other tags. */
            virReportError(VIR_ERR_RPC, _("unknown parameter type %1$d"), v->type);
            virTypedParamArrayFree(p, i);
            return -1;
        }
        p[i].type = v->type;
        remoteTypedParamCopyValue(v->type, &v->remote_typed_param_value_u,
                                  &p[i].value, false);
    }
    *params = p;
    *nparams = len;
    return 0;
}


/* Frees @len wire parameters remoteSerializeTypedParameters made (NULL
 * is fine). */
void
remoteTypedParamsFreeWire(remote_typed_param *val, u_int len)
{
    u_int i;

    for (i = 0; val && i < len; i++)
        xdr_free((xdrproc_t)xdr_remote_typed_param, (char *)&val[i]);
    g_free(val);
}
