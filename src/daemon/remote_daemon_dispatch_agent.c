/*
 * remote_daemon_dispatch_agent.c: handlers of the guest agent procedures,
 * and libvirt's QEMU program, which carries virDomainQemuAgentCommand
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The remote program's handlers convert what the driver returns (typed
 * parameters, arrays of interfaces and file systems) to the wire; the
 * generated wrapper checked the driver's entry.  The QEMU program
 * (QEMU_PROGRAM, libvirt-qemu's calls) has its own small table here:
 * the monitor and agent commands are served, its other procedures are
 * named so that a call gets VIR_ERR_NO_SUPPORT naming the API.
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("daemon.dispatch_agent");


/* Refuses a reply of @count items, above the wire's @max, with @fmt:
 * libvirt's message for that array, which prints @count then @max. */
static int
remoteCheckReplyLimit(const char *fmt, unsigned int count, int max)
{
    if (count > (unsigned int)max) {
        virReportError(VIR_ERR_RPC, fmt, count, max);
        return -1;
    }
    return 0;
}


/* One interface to the wire. */
static void
remoteInterfaceToWire(const virDomainInterface *iface,
                      remote_domain_interface *out)
{
    size_t i;

    out->name = g_strdup(iface->name);
    if (iface->hwaddr) {
        out->hwaddr = g_new0(char *, 1);
        *out->hwaddr = g_strdup(iface->hwaddr);
    }
    out->addrs.addrs_len = iface->naddrs;
    out->addrs.addrs_val = g_new0(remote_domain_ip_addr, MAX(iface->naddrs, 1));
    for (i = 0; i < iface->naddrs; i++) {
        out->addrs.addrs_val[i].type = iface->addrs[i].type;
        out->addrs.addrs_val[i].addr = g_strdup(iface->addrs[i].addr);
        out->addrs.addrs_val[i].prefix = iface->addrs[i].prefix;
    }
}


/* The driver's @ifaces into @ret, refused (nothing written) when they or
 * the addresses of one are more than the wire carries. */
static int
remoteInterfacesToWire(GPtrArray *ifaces,
                       remote_domain_interface_addresses_ret *ret)
{
    size_t i;

    if (remoteCheckReplyLimit(_("Number of interfaces, %1$u exceeds the max limit: %2$d"),
                              ifaces->len, REMOTE_DOMAIN_INTERFACE_MAX) < 0)
        return -1;
    for (i = 0; i < ifaces->len; i++) {
        const virDomainInterface *iface = g_ptr_array_index(ifaces, i);

        if (remoteCheckReplyLimit(_("Number of addresses, %1$u exceeds the max limit: %2$d"),
                                  iface->naddrs, REMOTE_DOMAIN_IP_ADDR_MAX) < 0)
            return -1;
    }
    ret->ifaces.ifaces_len = ifaces->len;
    ret->ifaces.ifaces_val = g_new0(remote_domain_interface,
                                    MAX(ifaces->len, 1));
    for (i = 0; i < ifaces->len; i++)
        remoteInterfaceToWire(g_ptr_array_index(ifaces, i),
                              &ret->ifaces.ifaces_val[i]);
    return 0;
}


/* A read-only connection may ask the leases and the ARP table, not the
 * agent (libvirt checks that in the client library; so does this
 * server, for clients that do not). */
int
remoteDispatchDomainInterfaceAddresses(virNetServerClient *client,
                                       virConn *conn,
                                       remote_domain_interface_addresses_args *args,
                                       remote_domain_interface_addresses_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    g_autoptr(GPtrArray) ifaces = NULL;

    if (args->source == VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT &&
        virNetServerClientGetReadonly(client)) {
        virReportError(VIR_ERR_OPERATION_DENIED, "%s",
                       _("read only access prevents virDomainInterfaceAddresses from the guest agent"));
        return -1;
    }
    if (conn->driver->domainInterfaceAddresses(conn, dom, args->source,
                                               &ifaces, args->flags) < 0)
        return -1;
    return remoteInterfacesToWire(ifaces, ret);
}


int
remoteDispatchDomainGetFsinfo(virNetServerClient *client G_GNUC_UNUSED,
                              virConn *conn,
                              remote_domain_get_fsinfo_args *args,
                              remote_domain_get_fsinfo_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    g_autoptr(GPtrArray) info = NULL;
    size_t i;
    size_t j;

    if (conn->driver->domainGetFSInfo(conn, dom, &info, args->flags) < 0)
        return -1;
    if (remoteCheckReplyLimit(_("Too many mountpoints in fsinfo: %1$u for limit %2$d"),
                              info->len, REMOTE_DOMAIN_FSINFO_MAX) < 0)
        return -1;
    ret->info.info_len = info->len;
    ret->info.info_val = g_new0(remote_domain_fsinfo, MAX(info->len, 1));
    for (i = 0; i < info->len; i++) {
        const virDomainFSInfo *fs = g_ptr_array_index(info, i);
        remote_domain_fsinfo *out = &ret->info.info_val[i];
        size_t n = MIN(fs->ndevAlias, REMOTE_DOMAIN_FSINFO_DISKS_MAX);

        out->mountpoint = g_strdup(fs->mountpoint);
        out->name = g_strdup(fs->name);
        out->fstype = g_strdup(fs->fstype);
        out->dev_aliases.dev_aliases_len = n;
        out->dev_aliases.dev_aliases_val = g_new0(char *, MAX(n, 1));
        for (j = 0; j < n; j++)
            out->dev_aliases.dev_aliases_val[j] = g_strdup(fs->devAlias[j]);
    }
    ret->ret = info->len;
    return 0;
}


int
remoteDispatchDomainGetMessages(virNetServerClient *client G_GNUC_UNUSED,
                                virConn *conn,
                                remote_domain_get_messages_args *args,
                                remote_domain_get_messages_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    char **msgs = NULL;
    int n = conn->driver->domainGetMessages(conn, dom, &msgs, args->flags);

    if (n < 0)
        return -1;
    if (remoteCheckReplyLimit(_("Too many messages: %1$u for limit %2$d"), n,
                              REMOTE_DOMAIN_MESSAGES_MAX) < 0) {
        g_strfreev(msgs);
        return -1;
    }
    ret->msgs.msgs_len = n;
    ret->msgs.msgs_val = msgs;
    return 0;
}


/* ---- the QEMU program ---- */

/* What a served QEMU program procedure (its arguments begin with the
 * domain) does with the driver's entry, given the connection and domain. */
typedef int (*remoteQemuDomainCallFunc)(virConn *conn, virDomainIdent *dom,
                                        void *args, void *ret);


static int
remoteQemuMonitorCommand(virConn *conn, virDomainIdent *dom, void *argsp,
                         void *retp)
{
    qemu_domain_monitor_command_args *args = argsp;
    qemu_domain_monitor_command_ret *ret = retp;

    return conn->driver->domainQemuMonitorCommand(conn, dom, args->cmd,
                                                  &ret->result, args->flags);
}


static int
remoteQemuAgentCommand(virConn *conn, virDomainIdent *dom, void *argsp,
                       void *retp)
{
    qemu_domain_agent_command_args *args = argsp;
    char *result = conn->driver->domainQemuAgentCommand(conn, dom, args->cmd,
                                                        args->timeout,
                                                        args->flags);

    if (!result)
        return -1;
    ((qemu_domain_agent_command_ret *)retp)->result = g_new0(char *, 1);
    *((qemu_domain_agent_command_ret *)retp)->result = result;
    return 0;
}


/* The driver entry (an offsetof in virHypervisorDriver) each served
 * procedure needs, and its call. */
/* clang-format off */
static const struct {
    size_t entry;
    remoteQemuDomainCallFunc call;
} remoteQemuDomainCalls[] = {
    [QEMU_PROC_DOMAIN_MONITOR_COMMAND] = {
        offsetof(virHypervisorDriver, domainQemuMonitorCommand),
        remoteQemuMonitorCommand },
    [QEMU_PROC_DOMAIN_AGENT_COMMAND] = {
        offsetof(virHypervisorDriver, domainQemuAgentCommand),
        remoteQemuAgentCommand },
};
/* clang-format on */


static const virNetServerProgramProc remoteQemuProcs[];


/* The handler of every served QEMU program procedure: the connection and
 * the "not supported" answer (naming the API) as the remote program's
 * generated wrappers do them, then the procedure's call. */
static int
remoteDispatchQemuDomainCall(virNetServerClient *client, virNetMessage *msg,
                             void *args, void *ret)
{
    unsigned int proc = msg->header.proc;
    virConn *conn = remoteGetConn(client);
    g_autoptr(virDomainIdent) dom = NULL;

    if (!conn)
        return -1;
    if (!*(void **)((char *)conn->driver + remoteQemuDomainCalls[proc].entry)) {
        remoteReportNoSupport(remoteQemuProcs[proc].api);
        return -1;
    }
    /* each one's arguments begin with a remote_nonnull_domain */
    dom = remoteDomainFromWire(args);
    return remoteQemuDomainCalls[proc].call(conn, dom, args, ret);
}


static int
remoteDispatchQemuMonitorEventRegister(virNetServerClient *client,
                                       virNetMessage *msg G_GNUC_UNUSED,
                                       void *argsp, void *retp)
{
    qemu_connect_domain_monitor_event_register_args *args = argsp;
    qemu_connect_domain_monitor_event_register_ret *ret = retp;
    const unsigned char *uuid = NULL;
    const char *event = args->event ? *args->event : NULL;
    int id;

    if (!remoteGetConn(client))
        return -1;
    if (args->dom)
        uuid = (const unsigned char *)args->dom->uuid;
    id = remoteEventAddQemu(client, uuid, event, args->flags);
    if (id < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}


static int
remoteDispatchQemuMonitorEventDeregister(virNetServerClient *client,
                                         virNetMessage *msg G_GNUC_UNUSED,
                                         void *argsp, void *retp G_GNUC_UNUSED)
{
    qemu_connect_domain_monitor_event_deregister_args *args = argsp;

    if (!remoteGetConn(client))
        return -1;
    return remoteEventRemoveQemu(client, args->callbackID);
}


/* clang-format off */
/* A served procedure QEMU_PROC_<upper> of the table, its wire structs
 * qemu_<lower>_args and (with @ret) qemu_<lower>_ret; none is allowed on
 * a read-only connection. */
#define REMOTE_QEMU_PROC_VOID_RET .retLen = 0, \
    .retFilter = (xdrproc_t)(void (*)(void))xdr_void
#define REMOTE_QEMU_PROC_RET(lower) .retLen = sizeof(qemu_##lower##_ret), \
    .retFilter = (xdrproc_t)xdr_qemu_##lower##_ret
#define REMOTE_QEMU_PROC(upper, lower, api_, func_, high, ret) \
    [QEMU_PROC_##upper] = { \
        .name = #upper, .api = api_, .func = func_, \
        .argsLen = sizeof(qemu_##lower##_args), \
        .argsFilter = (xdrproc_t)xdr_qemu_##lower##_args, ret, \
        .highPriority = high, .readonlyAllowed = false, .needsOpen = true, \
    }

static const virNetServerProgramProc remoteQemuProcs[] = {
    REMOTE_QEMU_PROC(DOMAIN_MONITOR_COMMAND, domain_monitor_command,
                     "virDomainQemuMonitorCommand",
                     remoteDispatchQemuDomainCall, false,
                     REMOTE_QEMU_PROC_RET(domain_monitor_command)),
    [QEMU_PROC_DOMAIN_ATTACH] = { .api = "virDomainQemuAttach" },
    REMOTE_QEMU_PROC(DOMAIN_AGENT_COMMAND, domain_agent_command,
                     "virDomainQemuAgentCommand",
                     remoteDispatchQemuDomainCall, false,
                     REMOTE_QEMU_PROC_RET(domain_agent_command)),
    REMOTE_QEMU_PROC(CONNECT_DOMAIN_MONITOR_EVENT_REGISTER,
                     connect_domain_monitor_event_register,
                     "virConnectDomainQemuMonitorEventRegister",
                     remoteDispatchQemuMonitorEventRegister, true,
                     REMOTE_QEMU_PROC_RET(connect_domain_monitor_event_register)),
    REMOTE_QEMU_PROC(CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER,
                     connect_domain_monitor_event_deregister,
                     "virConnectDomainQemuMonitorEventDeregister",
                     remoteDispatchQemuMonitorEventDeregister, true,
                     REMOTE_QEMU_PROC_VOID_RET),
    [QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES] = {
        .api = "virDomainQemuMonitorCommandWithFiles" },
};
/* clang-format on */


/* The procedure table of libvirt's QEMU program. */
const virNetServerProgramProc *
remoteGetQemuProcs(size_t *nprocs)
{
    *nprocs = G_N_ELEMENTS(remoteQemuProcs);
    return remoteQemuProcs;
}
