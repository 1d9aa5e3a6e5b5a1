/*
 * remote_daemon_dispatch_domain.c: handlers of the remote program:
 * domain listing, start without a reply, and the job statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The simple domain calls (lookups, lifecycle operations, boolean
 * queries, ...) are generated from the .x; these are the shapes the
 * generator does not know.  Their wrappers have checked that the driver
 * implements the entry (@entry in the .x).
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_RPC

int
remoteDispatchConnectListAllDomains(virNetServerClient *client G_GNUC_UNUSED,
                                    virConn *conn,
                                    remote_connect_list_all_domains_args *args,
                                    remote_connect_list_all_domains_ret *ret)
{
    virDomainIdent **doms = NULL;
    int n;
    int i;

    if ((n = conn->driver->connectListAllDomains(conn, &doms, args->flags)) < 0)
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


/* The legacy start: CREATE_WITH_FLAGS without flags and without the
 * started domain in the reply. */
int
remoteDispatchDomainCreate(virNetServerClient *client G_GNUC_UNUSED,
                           virConn *conn,
                           remote_domain_create_args *args)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    g_autoptr(virDomainIdent) started = NULL;

    if (!(started = conn->driver->domainCreateWithFlags(conn, dom, 0)))
        return -1;
    return 0;
}
