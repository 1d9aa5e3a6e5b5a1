/*
 * remote_daemon_dispatch_lifecycle.c: handlers of the remote program:
 * defining, starting, stopping and querying domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The legacy procedures (DEFINE_XML, UNDEFINE, CREATE, DESTROY, SHUTDOWN)
 * are the flags variants with flags 0, as in libvirt.
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

static virDomainIdent *
remoteIdentFromWire(const remote_nonnull_domain *rdom)
{
    return virDomainIdentNew(rdom->name, (const unsigned char *)rdom->uuid,
                             rdom->id);
}


/* Runs a (domain, flags) operation of @conn's driver. */
static int
remoteDomainFlagsOp(virConn *conn, const remote_nonnull_domain *rdom,
                    virDrvDomainFlagsOp op, const char *api,
                    unsigned int flags)
{
    g_autoptr(virDomainIdent) dom = NULL;

    if (!conn)
        return -1;
    if (!op) {
        remoteReportNoSupport(api);
        return -1;
    }
    dom = remoteIdentFromWire(rdom);
    return op(conn, dom, flags);
}


/* Runs a (domain) operation or query of @conn's driver; returns its
 * result (>= 0) or -1. */
static int
remoteDomainQuery(virConn *conn, const remote_nonnull_domain *rdom,
                  virDrvDomainQuery op, const char *api)
{
    g_autoptr(virDomainIdent) dom = NULL;

    if (!conn)
        return -1;
    if (!op) {
        remoteReportNoSupport(api);
        return -1;
    }
    dom = remoteIdentFromWire(rdom);
    return op(conn, dom);
}


/* Returns a driver-made identity on the wire (steals @ident). */
static int
remoteReturnDomain(virDomainIdent *ident, remote_nonnull_domain *rdom)
{
    if (!ident)
        return -1;
    remoteMakeDomain(rdom, ident);
    virDomainIdentFree(ident);
    return 0;
}


static virDomainIdent *
remoteDomainDefine(virConn *conn, const char *xml, unsigned int flags)
{
    if (!conn)
        return NULL;
    if (!conn->driver->domainDefineXMLFlags) {
        remoteReportNoSupport("virDomainDefineXMLFlags");
        return NULL;
    }
    return conn->driver->domainDefineXMLFlags(conn, xml, flags);
}


int
remoteDispatchDomainDefineXml(virNetServerClient *client, virNetMessage *msg,
                              remote_domain_define_xml_args *args,
                              remote_domain_define_xml_ret *ret)
{
    return remoteReturnDomain(remoteDomainDefine(remoteGetConn(client),
                                                 args->xml, 0), &ret->dom);
}


int
remoteDispatchDomainDefineXmlFlags(virNetServerClient *client,
                                   virNetMessage *msg,
                                   remote_domain_define_xml_flags_args *args,
                                   remote_domain_define_xml_flags_ret *ret)
{
    return remoteReturnDomain(remoteDomainDefine(remoteGetConn(client),
                                                 args->xml, args->flags),
                              &ret->dom);
}


int
remoteDispatchDomainUndefine(virNetServerClient *client, virNetMessage *msg,
                             remote_domain_undefine_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainUndefineFlags : NULL,
                               "virDomainUndefine", 0);
}


int
remoteDispatchDomainUndefineFlags(virNetServerClient *client, virNetMessage *msg,
                                  remote_domain_undefine_flags_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainUndefineFlags : NULL,
                               "virDomainUndefineFlags", args->flags);
}


static virDomainIdent *
remoteDomainStart(virConn *conn, const remote_nonnull_domain *rdom,
                  unsigned int flags)
{
    g_autoptr(virDomainIdent) dom = NULL;

    if (!conn)
        return NULL;
    if (!conn->driver->domainCreateWithFlags) {
        remoteReportNoSupport("virDomainCreateWithFlags");
        return NULL;
    }
    dom = remoteIdentFromWire(rdom);
    return conn->driver->domainCreateWithFlags(conn, dom, flags);
}


int
remoteDispatchDomainCreate(virNetServerClient *client, virNetMessage *msg,
                           remote_domain_create_args *args)
{
    virDomainIdent *started = remoteDomainStart(remoteGetConn(client),
                                                &args->dom, 0);

    if (!started)
        return -1;
    virDomainIdentFree(started);
    return 0;
}


int
remoteDispatchDomainCreateWithFlags(virNetServerClient *client,
                                    virNetMessage *msg,
                                    remote_domain_create_with_flags_args *args,
                                    remote_domain_create_with_flags_ret *ret)
{
    return remoteReturnDomain(remoteDomainStart(remoteGetConn(client),
                                                &args->dom, args->flags),
                              &ret->dom);
}


int
remoteDispatchDomainCreateXml(virNetServerClient *client, virNetMessage *msg,
                              remote_domain_create_xml_args *args,
                              remote_domain_create_xml_ret *ret)
{
    virConn *conn = remoteGetConn(client);

    if (!conn)
        return -1;
    if (!conn->driver->domainCreateXML) {
        remoteReportNoSupport("virDomainCreateXML");
        return -1;
    }
    return remoteReturnDomain(conn->driver->domainCreateXML(conn, args->xml_desc,
                                                            args->flags),
                              &ret->dom);
}


int
remoteDispatchDomainDestroy(virNetServerClient *client, virNetMessage *msg,
                            remote_domain_destroy_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainDestroyFlags : NULL,
                               "virDomainDestroy", 0);
}


int
remoteDispatchDomainDestroyFlags(virNetServerClient *client, virNetMessage *msg,
                                 remote_domain_destroy_flags_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainDestroyFlags : NULL,
                               "virDomainDestroyFlags", args->flags);
}


int
remoteDispatchDomainShutdown(virNetServerClient *client, virNetMessage *msg,
                             remote_domain_shutdown_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainShutdownFlags : NULL,
                               "virDomainShutdown", 0);
}


int
remoteDispatchDomainShutdownFlags(virNetServerClient *client,
                                  virNetMessage *msg,
                                  remote_domain_shutdown_flags_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainShutdownFlags : NULL,
                               "virDomainShutdownFlags", args->flags);
}


int
remoteDispatchDomainReboot(virNetServerClient *client, virNetMessage *msg,
                           remote_domain_reboot_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainReboot : NULL,
                               "virDomainReboot", args->flags);
}


int
remoteDispatchDomainReset(virNetServerClient *client, virNetMessage *msg,
                          remote_domain_reset_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainFlagsOp(conn, &args->dom,
                               conn ? conn->driver->domainReset : NULL,
                               "virDomainReset", args->flags);
}


int
remoteDispatchDomainSuspend(virNetServerClient *client, virNetMessage *msg,
                            remote_domain_suspend_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainQuery(conn, &args->dom,
                             conn ? conn->driver->domainSuspend : NULL,
                             "virDomainSuspend") < 0 ? -1 : 0;
}


int
remoteDispatchDomainResume(virNetServerClient *client, virNetMessage *msg,
                           remote_domain_resume_args *args)
{
    virConn *conn = remoteGetConn(client);

    return remoteDomainQuery(conn, &args->dom,
                             conn ? conn->driver->domainResume : NULL,
                             "virDomainResume") < 0 ? -1 : 0;
}
