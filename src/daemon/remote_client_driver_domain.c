/*
 * remote_client_driver_domain.c: remote client driver entries for the
 * domain lifecycle, its queries and jobs
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


/* A call whose reply is one domain; caller owns the result. */
static virDomainIdent *
remoteClientDomainReply(virConn *conn, int proc, xdrproc_t argsFilter,
                        void *args)
{
    remote_nonnull_domain dom;
    virDomainIdent *ident;

    memset(&dom, 0, sizeof(dom));
    if (remoteClientCall(conn, proc, argsFilter, args,
                         REMOTE_XDR(xdr_remote_nonnull_domain), &dom) < 0)
        return NULL;
    ident = remoteClientMakeIdent(&dom);
    xdr_free(REMOTE_XDR(xdr_remote_nonnull_domain), (char *)&dom);
    return ident;
}


/* Entry domainDefineXMLFlags: DOMAIN_DEFINE_XML_FLAGS (350). */
virDomainIdent *
remoteClientDomainDefineXMLFlags(virConn *conn, const char *xml,
                                 unsigned int flags)
{
    g_autofree char *copy = g_strdup(xml);
    remote_domain_define_xml_flags_args args = { .xml = copy, .flags = flags };

    return remoteClientDomainReply(conn, REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS,
                                   REMOTE_XDR(xdr_remote_domain_define_xml_flags_args),
                                   &args);
}


/* Entry domainUndefineFlags: DOMAIN_UNDEFINE_FLAGS (231). */
int
remoteClientDomainUndefineFlags(virConn *conn, const virDomainIdent *dom,
                                unsigned int flags)
{
    return remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS,
                                       dom, flags, NULL, NULL);
}


/* Entry domainCreateWithFlags: DOMAIN_CREATE_WITH_FLAGS (196); the
 * result carries the new id. */
virDomainIdent *
remoteClientDomainCreateWithFlags(virConn *conn, const virDomainIdent *dom,
                                  unsigned int flags)
{
    remote_domain_create_with_flags_args args = { .flags = flags };

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientDomainReply(conn, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
                                   REMOTE_XDR(xdr_remote_domain_create_with_flags_args),
                                   &args);
}


/* Entry domainCreateXML: DOMAIN_CREATE_XML (10). */
virDomainIdent *
remoteClientDomainCreateXML(virConn *conn, const char *xml, unsigned int flags)
{
    g_autofree char *copy = g_strdup(xml);
    remote_domain_create_xml_args args = { .xml_desc = copy, .flags = flags };

    return remoteClientDomainReply(conn, REMOTE_PROC_DOMAIN_CREATE_XML,
                                   REMOTE_XDR(xdr_remote_domain_create_xml_args),
                                   &args);
}


/* Entry domainDestroyFlags: DOMAIN_DESTROY_FLAGS (234). */
int
remoteClientDomainDestroyFlags(virConn *conn, const virDomainIdent *dom,
                               unsigned int flags)
{
    return remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_DESTROY_FLAGS,
                                       dom, flags, NULL, NULL);
}


/* Entry domainShutdownFlags: DOMAIN_SHUTDOWN_FLAGS (258). */
int
remoteClientDomainShutdownFlags(virConn *conn, const virDomainIdent *dom,
                                unsigned int flags)
{
    return remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS,
                                       dom, flags, NULL, NULL);
}


/* Entry domainReboot: DOMAIN_REBOOT (27). */
int
remoteClientDomainReboot(virConn *conn, const virDomainIdent *dom,
                         unsigned int flags)
{
    return remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_REBOOT,
                                       dom, flags, NULL, NULL);
}


/* Entry domainReset: DOMAIN_RESET (245). */
int
remoteClientDomainReset(virConn *conn, const virDomainIdent *dom,
                        unsigned int flags)
{
    return remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_RESET,
                                       dom, flags, NULL, NULL);
}


/* Entry domainSuspend: DOMAIN_SUSPEND (34). */
int
remoteClientDomainSuspend(virConn *conn, const virDomainIdent *dom)
{
    return remoteClientDomainCall(conn, REMOTE_PROC_DOMAIN_SUSPEND, dom,
                                  NULL, NULL);
}


/* Entry domainResume: DOMAIN_RESUME (28). */
int
remoteClientDomainResume(virConn *conn, const virDomainIdent *dom)
{
    return remoteClientDomainCall(conn, REMOTE_PROC_DOMAIN_RESUME, dom,
                                  NULL, NULL);
}


/* Entry domainGetInfo: DOMAIN_GET_INFO (16).  @info is written only on
 * success. */
int
remoteClientDomainGetInfo(virConn *conn, const virDomainIdent *dom,
                          virDomainInfo *info)
{
    remote_domain_get_info_ret ret;

    memset(&ret, 0, sizeof(ret));
    if (remoteClientDomainCall(conn, REMOTE_PROC_DOMAIN_GET_INFO, dom,
                               REMOTE_XDR(xdr_remote_domain_get_info_ret),
                               &ret) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = ret.state;
    info->maxMem = ret.maxMem;
    info->memory = ret.memory;
    info->nrVirtCpu = ret.nrVirtCpu;
    info->cpuTime = ret.cpuTime;
    return 0;
}


/* Entry domainGetState: DOMAIN_GET_STATE (212).  @reason may be NULL. */
int
remoteClientDomainGetState(virConn *conn, const virDomainIdent *dom,
                           int *state, int *reason, unsigned int flags)
{
    remote_domain_get_state_ret ret = { 0 };

    if (remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_GET_STATE, dom,
                                    flags,
                                    REMOTE_XDR(xdr_remote_domain_get_state_ret),
                                    &ret) < 0)
        return -1;
    *state = ret.state;
    if (reason)
        *reason = ret.reason;
    return 0;
}


/* Entry domainGetXMLDesc: DOMAIN_GET_XML_DESC (14); caller owns the
 * result. */
char *
remoteClientDomainGetXMLDesc(virConn *conn, const virDomainIdent *dom,
                             unsigned int flags)
{
    remote_domain_get_xml_desc_args args = { .flags = flags };

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientCallString(conn, REMOTE_PROC_DOMAIN_GET_XML_DESC,
                                  REMOTE_XDR(xdr_remote_domain_get_xml_desc_args),
                                  &args,
                                  REMOTE_XDR(xdr_remote_domain_get_xml_desc_ret));
}


/* A {dom} -> int query. */
static int
remoteClientDomainQuery(virConn *conn, int proc, const virDomainIdent *dom)
{
    remote_domain_is_active_args args;

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientCallInt(conn, proc,
                               REMOTE_XDR(xdr_remote_domain_is_active_args),
                               &args);
}


/* Entry domainIsActive: DOMAIN_IS_ACTIVE (150); 0/1 or -1. */
int
remoteClientDomainIsActive(virConn *conn, const virDomainIdent *dom)
{
    return remoteClientDomainQuery(conn, REMOTE_PROC_DOMAIN_IS_ACTIVE, dom);
}


/* Entry domainIsPersistent: DOMAIN_IS_PERSISTENT (151); 0/1 or -1. */
int
remoteClientDomainIsPersistent(virConn *conn, const virDomainIdent *dom)
{
    return remoteClientDomainQuery(conn, REMOTE_PROC_DOMAIN_IS_PERSISTENT, dom);
}


/* Entry domainIsUpdated: DOMAIN_IS_UPDATED (202); 0/1 or -1. */
int
remoteClientDomainIsUpdated(virConn *conn, const virDomainIdent *dom)
{
    return remoteClientDomainQuery(conn, REMOTE_PROC_DOMAIN_IS_UPDATED, dom);
}


/* Entry domainGetAutostart: DOMAIN_GET_AUTOSTART (15); 0/1 or -1. */
int
remoteClientDomainGetAutostart(virConn *conn, const virDomainIdent *dom)
{
    return remoteClientDomainQuery(conn, REMOTE_PROC_DOMAIN_GET_AUTOSTART, dom);
}


/* Entry domainSetAutostart: DOMAIN_SET_AUTOSTART (29). */
int
remoteClientDomainSetAutostart(virConn *conn, const virDomainIdent *dom,
                               int autostart)
{
    remote_domain_set_autostart_args args = { .autostart = autostart };

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientCall(conn, REMOTE_PROC_DOMAIN_SET_AUTOSTART,
                            REMOTE_XDR(xdr_remote_domain_set_autostart_args),
                            &args, NULL, NULL);
}


/* Entry domainGetOSType: DOMAIN_GET_OS_TYPE (19); caller owns the
 * result. */
char *
remoteClientDomainGetOSType(virConn *conn, const virDomainIdent *dom)
{
    remote_domain_get_os_type_args args;

    remoteClientFillDomain(&args.dom, dom);
    return remoteClientCallString(conn, REMOTE_PROC_DOMAIN_GET_OS_TYPE,
                                  REMOTE_XDR(xdr_remote_domain_get_os_type_args),
                                  &args,
                                  REMOTE_XDR(xdr_remote_domain_get_os_type_ret));
}


/* Entry domainHasManagedSaveImage: DOMAIN_HAS_MANAGED_SAVE_IMAGE (183). */
int
remoteClientDomainHasManagedSaveImage(virConn *conn, const virDomainIdent *dom,
                                      unsigned int flags)
{
    int result = 0;

    if (remoteClientDomainFlagsCall(conn, REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE,
                                    dom, flags, REMOTE_XDR(xdr_int), &result) < 0)
        return -1;
    return result;
}


/* Entry domainGetJobInfo: DOMAIN_GET_JOB_INFO (163).  @info is written
 * only on success. */
int
remoteClientDomainGetJobInfo(virConn *conn, const virDomainIdent *dom,
                             virDomainJobInfo *info)
{
    remote_domain_get_job_info_ret ret;

    memset(&ret, 0, sizeof(ret));
    if (remoteClientDomainCall(conn, REMOTE_PROC_DOMAIN_GET_JOB_INFO, dom,
                               REMOTE_XDR(xdr_remote_domain_get_job_info_ret),
                               &ret) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    info->type = ret.type;
    info->timeElapsed = ret.timeElapsed;
    info->timeRemaining = ret.timeRemaining;
    info->dataTotal = ret.dataTotal;
    info->dataProcessed = ret.dataProcessed;
    info->dataRemaining = ret.dataRemaining;
    info->memTotal = ret.memTotal;
    info->memProcessed = ret.memProcessed;
    info->memRemaining = ret.memRemaining;
    info->fileTotal = ret.fileTotal;
    info->fileProcessed = ret.fileProcessed;
    info->fileRemaining = ret.fileRemaining;
    return 0;
}


/* Entry domainGetJobStats: DOMAIN_GET_JOB_STATS (298).  On success
 * *@params (caller frees with remoteTypedParamsFree) and *@nparams hold
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
