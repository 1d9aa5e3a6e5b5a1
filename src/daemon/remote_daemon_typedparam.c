/*
 * remote_daemon_typedparam.c: typed parameters to and from the wire
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "remote_daemon_dispatch.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

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


/* Frees an array of typed parameters made by a driver. */
void
remoteTypedParamsFree(virTypedParameterPtr params, int nparams)
{
    int i;

    for (i = 0; i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING)
            g_free(params[i].value.s);
    }
    g_free(params);
}
