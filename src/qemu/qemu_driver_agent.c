/*
 * qemu_driver_agent.c: driver entry points served by the guest agent
 * (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every call takes the domain's agent job (virdomainjob.h), which only
 * other agent calls wait for: a migration or a monitor job runs beside
 * it, as in libvirt.  The agent's I/O happens with the domain unlocked
 * and bounded by the agent's response timeout (5 s unless
 * guest-agent-timeout changed it); the RPC worker that runs it waits,
 * never the RPC I/O thread.  Errors are libvirt's: "domain is not
 * running", "QEMU guest agent is not configured" (no channel), "Guest
 * agent is not responding: QEMU guest agent is not connected" (no agent
 * in the guest), "... Guest agent not available for now" (no answer).
 */
#include <config.h>

#include "qemu_driver_agent.h"
#include "qemu_agent_guest.h"
#include "qemu_domain.h"
#include "qemu_process_periph.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_agent");


/**
 * qemuDomainAgentEnter:
 * Begins an agent job of kind @job on @vm (locked) and returns its agent,
 * referenced, with @vm unlocked for the I/O.  Pair with
 * qemuDomainAgentExit.  NULL with the error reported (no job held, @vm
 * still locked) when there is no agent to talk to.
 */
qemuAgent *
qemuDomainAgentEnter(virDomainObj *vm, virDomainAgentJob job)
{
    qemuAgent *agent;

    if (virDomainObjBeginAgentJob(vm, job) < 0)
        return NULL;
    if (!(agent = qemuProcessPeriphGetAgent(vm))) {
        virDomainObjEndAgentJob(vm);
        return NULL;
    }
    virObjectUnlock(vm);
    return agent;
}


/* Drops @agent, locks @vm again and ends the agent job. */
void
qemuDomainAgentExit(virDomainObj *vm, qemuAgent *agent)
{
    qemuAgentUnref(agent);
    virObjectLock(vm);
    virDomainObjEndAgentJob(vm);
}


/**
 * qemuDomainQemuAgentCommand:
 * virDomainQemuAgentCommand (virsh qemu-agent-command): @cmd as the user
 * wrote it, the agent's whole reply as compact JSON.  The domain is
 * tainted by it, as in libvirt.
 */
char *
qemuDomainQemuAgentCommand(virConn *conn G_GNUC_UNUSED,
                           const virDomainIdent *dom, const char *cmd,
                           int timeout, unsigned int flags)
{
    virDomainObj *vm;
    qemuAgent *agent;
    char *result = NULL;

    VIR_DEBUG("dom=%s cmd=%s timeout=%d flags=0x%x", dom->name, cmd,
              timeout, flags);
    virCheckFlags(0, NULL);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_MODIFY))) {
        if (qemuAgentArbitraryCommand(agent, cmd, timeout, &result) < 0)
            result = NULL;
        qemuDomainAgentExit(vm, agent);
        if (virDomainObjIsActive(vm))
            qemuDomainObjTaint(vm, VIR_DOMAIN_TAINT_CUSTOM_GA_COMMAND);
    }
    virDomainObjEndAPI(&vm);
    return result;
}


/**
 * qemuDomainGetHostname:
 * virDomainGetHostname: from the agent (the default and
 * GET_HOSTNAME_AGENT).  GET_HOSTNAME_LEASE reads the DHCP leases of
 * libvirt's virtual networks, which this daemon has none of.
 */
char *
qemuDomainGetHostname(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      unsigned int flags)
{
    virDomainObj *vm;
    qemuAgent *agent;
    char *name = NULL;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_GET_HOSTNAME_LEASE |
                  VIR_DOMAIN_GET_HOSTNAME_AGENT, NULL);
    if ((flags & VIR_DOMAIN_GET_HOSTNAME_LEASE) &&
        (flags & VIR_DOMAIN_GET_HOSTNAME_AGENT)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Flags 'VIR_DOMAIN_GET_HOSTNAME_LEASE' and 'VIR_DOMAIN_GET_HOSTNAME_AGENT' are mutually exclusive"));
        return NULL;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if (flags & VIR_DOMAIN_GET_HOSTNAME_LEASE) {
        virReportError(VIR_ERR_NO_HOSTNAME,
                       _("no hostname found for domain %1$s"), vm->def->name);
    } else if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_QUERY))) {
        if (qemuAgentGetHostname(agent, true, &name) < 0)
            name = NULL;
        qemuDomainAgentExit(vm, agent);
    }
    virDomainObjEndAPI(&vm);
    return name;
}


/* virDomainGetTime: the guest's clock, through the agent. */
int
qemuDomainGetTime(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                  long long *seconds, unsigned int *nseconds,
                  unsigned int flags)
{
    virDomainObj *vm;
    qemuAgent *agent;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_QUERY))) {
        ret = qemuAgentGetTime(agent, seconds, nseconds);
        qemuDomainAgentExit(vm, agent);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* virDomainSetTime: sets the guest's clock, or (TIME_SYNC) makes the
 * guest read its hardware clock again. */
int
qemuDomainSetTime(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                  long long seconds, unsigned int nseconds,
                  unsigned int flags)
{
    virDomainObj *vm;
    qemuAgent *agent;
    int ret = -1;

    VIR_DEBUG("dom=%s seconds=%lld nseconds=%u flags=0x%x", dom->name,
              seconds, nseconds, flags);
    virCheckFlags(VIR_DOMAIN_TIME_SYNC, -1);
    if (nseconds > 999999999) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("nseconds must be less than one billion"));
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_MODIFY))) {
        ret = qemuAgentSetTime(agent, seconds, nseconds,
                               flags & VIR_DOMAIN_TIME_SYNC);
        qemuDomainAgentExit(vm, agent);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* The guest's vCPUs (guest-get-vcpus) of @vm (locked); caller owns the
 * result, NULL with the error reported. */
static GArray *
qemuDomainAgentVCPUs(virDomainObj *vm, virDomainAgentJob job,
                     qemuAgent **retAgent)
{
    qemuAgent *agent;
    GArray *info = NULL;

    if (!(agent = qemuDomainAgentEnter(vm, job)))
        return NULL;
    if (qemuAgentGetVCPUs(agent, &info) < 0)
        info = NULL;
    if (retAgent && info) {
        *retAgent = agent;      /* the caller goes on with the job */
        return info;
    }
    qemuDomainAgentExit(vm, agent);
    return info;
}


/* Adds "@name" = the ids of @info for which @pick says so, in libvirt's
 * bitmap form. */
static void
qemuDomainGuestVcpusParam(virTypedParamList *list, const char *name,
                          GArray *info, int pick)
{
    g_autofree guint64 *mask = g_new0(guint64, VIR_DOMAIN_CPUMASK_WORDS);
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    for (i = 0; i < info->len; i++) {
        qemuAgentCPUInfo *cpu = &g_array_index(info, qemuAgentCPUInfo, i);
        bool on = pick == 0 || (pick == 1 && cpu->online) ||
                  (pick == 2 && cpu->offlinable);

        if (on && cpu->id < VIR_DOMAIN_CPUMASK_LEN)
            mask[cpu->id / 64] |= 1ULL << (cpu->id % 64);
    }
    virDomainCPUMaskFormat(&buf, mask);
    virTypedParamListAddString(list, name, virBufferCurrentContent(&buf));
}


/**
 * qemuDomainGetGuestVcpus:
 * virDomainGetGuestVcpus (virsh guestvcpus): "vcpus", "online" and
 * "offlinable" as bitmaps of the guest's logical CPU ids.
 */
int
qemuDomainGetGuestVcpus(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        virTypedParameterPtr *params, int *nparams,
                        unsigned int flags)
{
    g_autoptr(virTypedParamList) list = virTypedParamListNew();
    g_autoptr(GArray) info = NULL;
    virDomainObj *vm;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    info = qemuDomainAgentVCPUs(vm, VIR_AGENT_JOB_QUERY, NULL);
    virDomainObjEndAPI(&vm);
    if (!info)
        return -1;
    qemuDomainGuestVcpusParam(list, "vcpus", info, 0);
    qemuDomainGuestVcpusParam(list, "online", info, 1);
    qemuDomainGuestVcpusParam(list, "offlinable", info, 2);
    virTypedParamListSteal(list, params, nparams);
    return 0;
}


/* Marks the vCPUs of @mask in @info to go @online; checks each can.
 * Returns 0 or -1 (reported). */
static int
qemuDomainGuestVcpusMark(GArray *info, guint64 *mask, bool online)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    for (i = 0; i < info->len; i++) {
        qemuAgentCPUInfo *cpu = &g_array_index(info, qemuAgentCPUInfo, i);

        if (!virDomainCPUMaskIsSet(mask, cpu->id))
            continue;
        if (!online && !cpu->offlinable) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("vCPU '%1$u' is not offlinable"), cpu->id);
            return -1;
        }
        cpu->online = online;
        cpu->modified = true;
        mask[cpu->id / 64] &= ~(1ULL << (cpu->id % 64));
    }
    for (i = 0; i < VIR_DOMAIN_CPUMASK_WORDS; i++) {
        if (mask[i] == 0)
            continue;
        virDomainCPUMaskFormat(&buf, mask);
        virReportError(VIR_ERR_INVALID_ARG,
                       _("vCPUs '%1$s' are not available in the guest"),
                       virBufferCurrentContent(&buf));
        return -1;
    }
    return 0;
}


/**
 * qemuDomainSetGuestVcpus:
 * virDomainSetGuestVcpus (virsh guestvcpus --enable/--disable): puts
 * the guest's logical CPUs of @cpumap on or off line.
 */
int
qemuDomainSetGuestVcpus(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        const char *cpumap, int state, unsigned int flags)
{
    g_autofree guint64 *mask = NULL;
    g_autoptr(GArray) info = NULL;
    virDomainObj *vm;
    qemuAgent *agent = NULL;
    int ret = -1;

    VIR_DEBUG("dom=%s cpumap=%s state=%d flags=0x%x", dom->name, cpumap,
              state, flags);
    virCheckFlags(0, -1);
    if (!(mask = virDomainCPUMaskParse(cpumap)))
        return -1;
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((info = qemuDomainAgentVCPUs(vm, VIR_AGENT_JOB_MODIFY, &agent))) {
        if (qemuDomainGuestVcpusMark(info, mask, state != 0) == 0)
            ret = qemuAgentSetVCPUs(agent, info);
        qemuDomainAgentExit(vm, agent);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Marks vCPUs of @info so that @nvcpus are online: offline ones go
 * online by id, online offlinable ones go offline from the highest id.
 * Returns 0 or -1 (reported). */
static int
qemuDomainGuestVcpusCount(GArray *info, unsigned int nvcpus)
{
    unsigned int online = 0;
    size_t i;

    for (i = 0; i < info->len; i++)
        online += g_array_index(info, qemuAgentCPUInfo, i).online;
    if (nvcpus > info->len) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("guest agent reports less cpu than requested"));
        return -1;
    }
    for (i = 0; i < info->len && online < nvcpus; i++) {
        qemuAgentCPUInfo *cpu = &g_array_index(info, qemuAgentCPUInfo, i);

        if (!cpu->online) {
            cpu->online = cpu->modified = true;
            online++;
        }
    }
    for (i = info->len; i > 0 && online > nvcpus; i--) {
        qemuAgentCPUInfo *cpu = &g_array_index(info, qemuAgentCPUInfo, i - 1);

        if (cpu->online && cpu->offlinable) {
            cpu->online = false;
            cpu->modified = true;
            online--;
        }
    }
    if (online != nvcpus) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Cannot offline enough CPUs"));
        return -1;
    }
    return 0;
}


/**
 * qemuDomainSetVcpusAgent:
 * virDomainSetVcpusFlags with VCPU_GUEST on @vm (locked): @nvcpus of the
 * guest's logical CPUs online.  Returns 0 or -1 (reported).
 */
int
qemuDomainSetVcpusAgent(virDomainObj *vm, unsigned int nvcpus)
{
    g_autoptr(GArray) info = NULL;
    qemuAgent *agent = NULL;
    int ret = -1;

    if (nvcpus == 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the guest needs at least one online vCPU"));
        return -1;
    }
    if ((info = qemuDomainAgentVCPUs(vm, VIR_AGENT_JOB_MODIFY, &agent))) {
        if (qemuDomainGuestVcpusCount(info, nvcpus) == 0)
            ret = qemuAgentSetVCPUs(agent, info);
        qemuDomainAgentExit(vm, agent);
    }
    return ret;
}


/**
 * qemuDomainGetVcpusAgent:
 * virDomainGetVcpusFlags with VCPU_GUEST on @vm (locked): how many of
 * the guest's logical CPUs are online, or (@maximum) exist.  Returns the
 * count or -1 (reported).
 */
int
qemuDomainGetVcpusAgent(virDomainObj *vm, bool maximum)
{
    g_autoptr(GArray) info = NULL;
    int n = 0;
    size_t i;

    if (!(info = qemuDomainAgentVCPUs(vm, VIR_AGENT_JOB_QUERY, NULL)))
        return -1;
    for (i = 0; i < info->len; i++)
        n += maximum || g_array_index(info, qemuAgentCPUInfo, i).online;
    return n;
}


/**
 * qemuDomainAgentShutdown:
 * virsh shutdown/reboot --mode agent on @vm (locked): guest-shutdown.
 * Returns 0 or -1 (reported).
 */
int
qemuDomainAgentShutdown(virDomainObj *vm, bool reboot)
{
    qemuAgent *agent;
    int ret;

    if (!(agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_MODIFY)))
        return -1;
    ret = qemuAgentShutdown(agent, reboot);
    qemuDomainAgentExit(vm, agent);
    return ret;
}


/**
 * qemuDomainAgentSetResponseTimeout:
 * virDomainAgentSetResponseTimeout (virsh guest-agent-timeout): how
 * long the agent calls other than qemu-agent-command wait, in seconds
 * (-2 forever, -1 the default 5 s, 0 not at all), for a running domain
 * until its QEMU stops, across daemon restarts.
 */
int
qemuDomainAgentSetResponseTimeout(virConn *conn G_GNUC_UNUSED,
                                  const virDomainIdent *dom, int timeout,
                                  unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s timeout=%d flags=0x%x", dom->name, timeout, flags);
    virCheckFlags(0, -1);
    if (timeout < VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("guest agent timeout '%1$d' is less than the minimum '%2$d'"),
                       timeout, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK);
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0) {
        qemuProcessPeriphSetAgentTimeout(vm, timeout);
        /* kept in the status XML: a restarted daemon keeps it */
        ret = virDomainObjSaveStatus(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}
