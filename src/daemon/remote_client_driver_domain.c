/*
 * remote_client_driver_domain.c: remote client driver entries for the
 * domain information and job calls the generator does not write
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each entry is one RPC on the connection (any thread).  Domains go out
 * as the caller gave them (the peer matches by UUID) and come back as new
 * virDomainIdent the caller owns.  Errors of the peer (VIR_ERR_NO_DOMAIN,
 * OPERATION_INVALID, ...) reach the caller unchanged.
 */
#include <config.h>

#include "remote_client_driver_entries.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

VIR_LOG_INIT("daemon.remote_client_driver_domain");


/* Procedures whose arguments are {dom, flags} share one layout; those
 * with {dom} share another. */
static int
remoteClientDomainFlagsCall(virConn *conn, int proc, const virDomainIdent *dom,
                            unsigned int flags, xdrproc_t retFilter, void *ret)
{
    remote_domain_destroy_flags_args args = { .flags = flags };

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientCall(conn, proc,
                            REMOTE_XDR(xdr_remote_domain_destroy_flags_args),
                            &args, retFilter, ret);
}


static int
remoteClientDomainCall(virConn *conn, int proc, const virDomainIdent *dom,
                       xdrproc_t retFilter, void *ret)
{
    remote_domain_suspend_args args;

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientCall(conn, proc,
                            REMOTE_XDR(xdr_remote_domain_suspend_args),
                            &args, retFilter, ret);
}


/* Entry domainGetJobStats: DOMAIN_GET_JOB_STATS (298).  On success
 * *@params (caller frees with virTypedParamArrayFree) and *@nparams hold
 * the statistics. */
int
remoteClientDomainGetJobStats(virConn *conn, const virDomainIdent *dom,
                              int *type, virTypedParameterPtr *params,
                              int *nparams, unsigned int flags)
{
    remote_domain_get_job_stats_ret ret;
    int rc;

    memset(&ret, 0, sizeof(ret));
    if (remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_GET_JOB_STATS,
                                    dom, flags,
                                    REMOTE_XDR(xdr_remote_domain_get_job_stats_ret),
                                    &ret) < 0)
        return -1;
    rc = remoteDeserializeTypedParameters(ret.params.params_val,
                                          ret.params.params_len,
                                          REMOTE_DOMAIN_JOB_STATS_MAX,
                                          params, nparams);
    if (rc == 0)
        *type = ret.type;
    xdr_free(REMOTE_XDR(xdr_remote_domain_get_job_stats_ret), (char *)&ret);
    return rc;
}


/* Entry domainAbortJobFlags: DOMAIN_ABORT_JOB_FLAGS (442), or the older
 * DOMAIN_ABORT_JOB (164) without flags when the peer predates 442. */
int
remoteClientDomainAbortJobFlags(virConn *conn, const virDomainIdent *dom,
                                unsigned int flags)
{
    if (remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_ABORT_JOB_FLAGS,
                                    dom, flags, NULL, NULL) == 0)
        return 0;
    if (flags != 0 || virErrorGetLastCode() != VIR_ERR_NO_SUPPORT)
        return -1;
    virErrorResetLast();
    return remoteClientDomainCall(conn, REMOTE_PROC_DOMAIN_ABORT_JOB, dom,
                                  NULL, NULL);
}
