/*
 * remote_daemon_dispatch_domain.c: handlers of the remote program: domain
 * listing and lookup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_RPC

virDomainIdent *
remoteGetDomain(virConn *conn, const remote_nonnull_domain *dom)
{
    virDrvDomainLookupByUUID lookup =
        REMOTE_DRIVER_ENTRY(conn, domainLookupByUUID, "virDomainLookupByUUID");

    if (!lookup)
        return NULL;
    return lookup(conn, (const unsigned char *)dom->uuid);
}


int
remoteDispatchConnectListAllDomains(virNetServerClient *client,
                                    virNetMessage *msg,
                                    remote_connect_list_all_domains_args *args,
                                    remote_connect_list_all_domains_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvConnectListAllDomains list;
    virDomainIdent **doms = NULL;
    int n;
    int i;

    if (!conn ||
        !(list = REMOTE_DRIVER_ENTRY(conn, connectListAllDomains,
                                     "virConnectListAllDomains")))
        return -1;
    if ((n = list(conn, &doms, args->flags)) < 0)
        return -1;
    if (n > REMOTE_DOMAIN_LIST_MAX) {
        virDomainIdentListFree(doms, n);
        virReportError(VIR_ERR_RPC, _("Too many domains '%1$d' for limit '%2$d'"),
                       n, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    if (args->need_results) {
        ret->domains.domains_len = n;
        ret->domains.domains_val = g_new0(remote_nonnull_domain, MAX(n, 1));
        for (i = 0; i < n; i++)
            remoteMakeDomain(&ret->domains.domains_val[i], doms[i]);
    }
    ret->ret = n;
    virDomainIdentListFree(doms, n);
    return 0;
}


/* Checks a legacy list call's maximum; libvirt refuses over-large ones. */
static int
remoteCheckListMax(int max)
{
    if (max < 0 || max > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("maximum of %1$d exceeds the limit %2$d"),
                       max, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    return 0;
}


int
remoteDispatchConnectListDomains(virNetServerClient *client, virNetMessage *msg,
                                 remote_connect_list_domains_args *args,
                                 remote_connect_list_domains_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvConnectListDomains list;
    int n;

    if (!conn || remoteCheckListMax(args->maxids) < 0 ||
        !(list = REMOTE_DRIVER_ENTRY(conn, connectListDomains,
                                     "virConnectListDomains")))
        return -1;
    ret->ids.ids_val = g_new0(int, MAX(args->maxids, 1));
    if ((n = list(conn, ret->ids.ids_val, args->maxids)) < 0)
        return -1;
    ret->ids.ids_len = n;
    return 0;
}


int
remoteDispatchConnectNumOfDomains(virNetServerClient *client, virNetMessage *msg,
                                  remote_connect_num_of_domains_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvConnectNumOfDomains num;
    int n;

    if (!conn ||
        !(num = REMOTE_DRIVER_ENTRY(conn, connectNumOfDomains,
                                    "virConnectNumOfDomains")) ||
        (n = num(conn)) < 0)
        return -1;
    ret->num = n;
    return 0;
}


int
remoteDispatchConnectListDefinedDomains(virNetServerClient *client,
                                        virNetMessage *msg,
                                        remote_connect_list_defined_domains_args *args,
                                        remote_connect_list_defined_domains_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvConnectListDefinedDomains list;
    int n;

    if (!conn || remoteCheckListMax(args->maxnames) < 0 ||
        !(list = REMOTE_DRIVER_ENTRY(conn, connectListDefinedDomains,
                                     "virConnectListDefinedDomains")))
        return -1;
    ret->names.names_val = g_new0(char *, MAX(args->maxnames, 1));
    if ((n = list(conn, ret->names.names_val, args->maxnames)) < 0)
        return -1;
    ret->names.names_len = n;
    return 0;
}


int
remoteDispatchConnectNumOfDefinedDomains(virNetServerClient *client,
                                         virNetMessage *msg,
                                         remote_connect_num_of_defined_domains_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvConnectNumOfDefinedDomains num;
    int n;

    if (!conn ||
        !(num = REMOTE_DRIVER_ENTRY(conn, connectNumOfDefinedDomains,
                                    "virConnectNumOfDefinedDomains")) ||
        (n = num(conn)) < 0)
        return -1;
    ret->num = n;
    return 0;
}


/* Common tail of the three lookups. */
static int
remoteFinishLookup(virDomainIdent *ident, remote_nonnull_domain *dom)
{
    if (!ident)
        return -1;
    remoteMakeDomain(dom, ident);
    virDomainIdentFree(ident);
    return 0;
}


int
remoteDispatchDomainLookupById(virNetServerClient *client, virNetMessage *msg,
                               remote_domain_lookup_by_id_args *args,
                               remote_domain_lookup_by_id_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvDomainLookupByID lookup;

    if (!conn ||
        !(lookup = REMOTE_DRIVER_ENTRY(conn, domainLookupByID,
                                       "virDomainLookupByID")))
        return -1;
    return remoteFinishLookup(lookup(conn, args->id), &ret->dom);
}


int
remoteDispatchDomainLookupByName(virNetServerClient *client, virNetMessage *msg,
                                 remote_domain_lookup_by_name_args *args,
                                 remote_domain_lookup_by_name_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvDomainLookupByName lookup;

    if (!conn ||
        !(lookup = REMOTE_DRIVER_ENTRY(conn, domainLookupByName,
                                       "virDomainLookupByName")))
        return -1;
    return remoteFinishLookup(lookup(conn, args->name), &ret->dom);
}


int
remoteDispatchDomainLookupByUuid(virNetServerClient *client, virNetMessage *msg,
                                 remote_domain_lookup_by_uuid_args *args,
                                 remote_domain_lookup_by_uuid_ret *ret)
{
    virConn *conn = remoteGetConn(client);
    virDrvDomainLookupByUUID lookup;

    if (!conn ||
        !(lookup = REMOTE_DRIVER_ENTRY(conn, domainLookupByUUID,
                                       "virDomainLookupByUUID")))
        return -1;
    return remoteFinishLookup(lookup(conn, (const unsigned char *)args->uuid),
                              &ret->dom);
}
