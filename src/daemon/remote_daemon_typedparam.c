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
        if (params[i].type < VIR_TYPED_PARAM_INT ||
            params[i].type > VIR_TYPED_PARAM_STRING) {
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
        switch ((virTypedParameterType)params[i].type) {
        case VIR_TYPED_PARAM_INT:
            v->remote_typed_param_value_u.i = params[i].value.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            v->remote_typed_param_value_u.ui = params[i].value.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            v->remote_typed_param_value_u.l = params[i].value.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            v->remote_typed_param_value_u.ul = params[i].value.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            v->remote_typed_param_value_u.d = params[i].value.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            v->remote_typed_param_value_u.b = params[i].value.b;
            break;
        case VIR_TYPED_PARAM_STRING:
            v->remote_typed_param_value_u.s = g_strdup(params[i].value.s);
            break;
        }
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
        p[i].type = v->type;
        switch (v->type) {
        case VIR_TYPED_PARAM_INT:
            p[i].value.i = v->remote_typed_param_value_u.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            p[i].value.ui = v->remote_typed_param_value_u.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            p[i].value.l = v->remote_typed_param_value_u.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            p[i].value.ul = v->remote_typed_param_value_u.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            p[i].value.d = v->remote_typed_param_value_u.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            p[i].value.b = v->remote_typed_param_value_u.b;
            break;
        case VIR_TYPED_PARAM_STRING:
            p[i].value.s = g_strdup(v->remote_typed_param_value_u.s);
            break;
        default:
            /* XDR decoding already refused other tags. */
            virReportError(VIR_ERR_RPC, _("unknown parameter type %1$d"), v->type);
            virTypedParamArrayFree(p, i);
            return -1;
        }
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


/* Appends a parameter to a growable array; strings are copied. */
static virTypedParameter *
remoteTypedParamsAppend(virTypedParameterPtr *params, int *nparams,
                        const char *name, int type)
{
    virTypedParameter *p;

    *params = g_renew(virTypedParameter, *params, *nparams + 1);
    p = &(*params)[(*nparams)++];
    memset(p, 0, sizeof(*p));
    g_strlcpy(p->field, name, VIR_TYPED_PARAM_FIELD_LENGTH);
    p->type = type;
    return p;
}


void
remoteTypedParamsAddString(virTypedParameterPtr *params, int *nparams,
                           const char *name, const char *value)
{
    if (value)
        remoteTypedParamsAppend(params, nparams, name,
                                VIR_TYPED_PARAM_STRING)->value.s = g_strdup(value);
}


void
remoteTypedParamsAddULLong(virTypedParameterPtr *params, int *nparams,
                           const char *name, unsigned long long value)
{
    remoteTypedParamsAppend(params, nparams, name,
                            VIR_TYPED_PARAM_ULLONG)->value.ul = value;
}
