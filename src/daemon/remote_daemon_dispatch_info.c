/*
 * remote_daemon_dispatch_info.c: handlers of the remote program: domain
 * state, XML, flags and job information
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* Handlers of the boolean queries differ only in the entry they call. */
#define REMOTE_BOOL_QUERY(client, rdom, member, api, out) \
    do { \
        g_autoptr(virDomainIdent) dom_ = NULL; \
        virConn *conn_ = remoteConnAndDomain(client, rdom, &dom_); \
        int rc_; \
        if (!conn_) \
            return -1; \
        REMOTE_REQUIRE(conn_, member, api); \
        if ((rc_ = conn_->driver->member(conn_, dom_)) < 0) \
            return -1; \
        *(out) = rc_; \
        return 0; \
    } while (0)


int
remoteDispatchDomainIsActive(virNetServerClient *client, virNetMessage *msg,
                             remote_domain_is_active_args *args,
                             remote_domain_is_active_ret *ret)
{
    REMOTE_BOOL_QUERY(client, &args->dom, domainIsActive, "virDomainIsActive",
                      &ret->active);
}


int
remoteDispatchDomainIsPersistent(virNetServerClient *client, virNetMessage *msg,
                                 remote_domain_is_persistent_args *args,
                                 remote_domain_is_persistent_ret *ret)
{
    REMOTE_BOOL_QUERY(client, &args->dom, domainIsPersistent,
                      "virDomainIsPersistent", &ret->persistent);
}


int
remoteDispatchDomainIsUpdated(virNetServerClient *client, virNetMessage *msg,
                              remote_domain_is_updated_args *args,
                              remote_domain_is_updated_ret *ret)
{
    REMOTE_BOOL_QUERY(client, &args->dom, domainIsUpdated, "virDomainIsUpdated",
                      &ret->updated);
}


int
remoteDispatchDomainGetAutostart(virNetServerClient *client, virNetMessage *msg,
                                 remote_domain_get_autostart_args *args,
                                 remote_domain_get_autostart_ret *ret)
{
    REMOTE_BOOL_QUERY(client, &args->dom, domainGetAutostart,
                      "virDomainGetAutostart", &ret->autostart);
}


int
remoteDispatchDomainSetAutostart(virNetServerClient *client, virNetMessage *msg,
                                 remote_domain_set_autostart_args *args)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainSetAutostart, "virDomainSetAutostart");
    return conn->driver->domainSetAutostart(conn, dom, args->autostart);
}


int
remoteDispatchDomainHasManagedSaveImage(virNetServerClient *client,
                                        virNetMessage *msg,
                                        remote_domain_has_managed_save_image_args *args,
                                        remote_domain_has_managed_save_image_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);
    int rc;

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainHasManagedSaveImage, "virDomainHasManagedSaveImage");
    if ((rc = conn->driver->domainHasManagedSaveImage(conn, dom, args->flags)) < 0)
        return -1;
    ret->result = rc;
    return 0;
}


int
remoteDispatchDomainGetOsType(virNetServerClient *client, virNetMessage *msg,
                              remote_domain_get_os_type_args *args,
                              remote_domain_get_os_type_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainGetOSType, "virDomainGetOSType");
    return (ret->type = conn->driver->domainGetOSType(conn, dom)) ? 0 : -1;
}


int
remoteDispatchDomainGetXmlDesc(virNetServerClient *client, virNetMessage *msg,
                               remote_domain_get_xml_desc_args *args,
                               remote_domain_get_xml_desc_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainGetXMLDesc, "virDomainGetXMLDesc");
    return (ret->xml = conn->driver->domainGetXMLDesc(conn, dom, args->flags)) ? 0 : -1;
}


int
remoteDispatchDomainGetInfo(virNetServerClient *client, virNetMessage *msg,
                            remote_domain_get_info_args *args,
                            remote_domain_get_info_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);
    virDomainInfo info = { 0 };

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainGetInfo, "virDomainGetInfo");
    if (conn->driver->domainGetInfo(conn, dom, &info) < 0)
        return -1;
    ret->state = info.state;
    ret->maxMem = info.maxMem;
    ret->memory = info.memory;
    ret->nrVirtCpu = info.nrVirtCpu;
    ret->cpuTime = info.cpuTime;
    return 0;
}


int
remoteDispatchDomainGetState(virNetServerClient *client, virNetMessage *msg,
                             remote_domain_get_state_args *args,
                             remote_domain_get_state_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainGetState, "virDomainGetState");
    return conn->driver->domainGetState(conn, dom, &ret->state, &ret->reason,
                                        args->flags);
}


int
remoteDispatchDomainGetJobInfo(virNetServerClient *client, virNetMessage *msg,
                               remote_domain_get_job_info_args *args,
                               remote_domain_get_job_info_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);
    virDomainJobInfo info = { 0 };

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainGetJobInfo, "virDomainGetJobInfo");
    if (conn->driver->domainGetJobInfo(conn, dom, &info) < 0)
        return -1;
    ret->type = info.type;
    ret->timeElapsed = info.timeElapsed;
    ret->timeRemaining = info.timeRemaining;
    ret->dataTotal = info.dataTotal;
    ret->dataProcessed = info.dataProcessed;
    ret->dataRemaining = info.dataRemaining;
    ret->memTotal = info.memTotal;
    ret->memProcessed = info.memProcessed;
    ret->memRemaining = info.memRemaining;
    ret->fileTotal = info.fileTotal;
    ret->fileProcessed = info.fileProcessed;
    ret->fileRemaining = info.fileRemaining;
    return 0;
}


int
remoteDispatchDomainGetJobStats(virNetServerClient *client, virNetMessage *msg,
                                remote_domain_get_job_stats_args *args,
                                remote_domain_get_job_stats_ret *ret)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int type = 0;
    int rc;

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainGetJobStats, "virDomainGetJobStats");
    if (conn->driver->domainGetJobStats(conn, dom, &type, &params, &nparams,
                                        args->flags) < 0)
        return -1;
    rc = remoteSerializeTypedParameters(params, nparams,
                                        REMOTE_DOMAIN_JOB_STATS_MAX,
                                        &ret->params.params_val,
                                        &ret->params.params_len);
    remoteTypedParamsFree(params, nparams);
    ret->type = type;
    return rc;
}


int
remoteDispatchDomainAbortJob(virNetServerClient *client, virNetMessage *msg,
                             remote_domain_abort_job_args *args)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainAbortJobFlags, "virDomainAbortJob");
    return conn->driver->domainAbortJobFlags(conn, dom, 0);
}


int
remoteDispatchDomainAbortJobFlags(virNetServerClient *client, virNetMessage *msg,
                                  remote_domain_abort_job_flags_args *args)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn = remoteConnAndDomain(client, &args->dom, &dom);

    if (!conn)
        return -1;
    REMOTE_REQUIRE(conn, domainAbortJobFlags, "virDomainAbortJobFlags");
    return conn->driver->domainAbortJobFlags(conn, dom, args->flags);
}
