/*
 * qemu_driver_custom.c: QEMU's own monitor in the user's hands
 * (virDomainQemuMonitorCommand), and the messages such commands leave
 * on the domain (virDomainGetMessages)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As in libvirt, a monitor command the user writes runs as a query job
 * (so also beside a migration) and taints the domain: this daemon cannot
 * know what the command changed behind its back.  The taint is logged
 * once, kept in the status file and reported by virDomainGetMessages
 * (virsh dominfo's "Messages") until the domain stops.
 */
#include <config.h>

#include <libvirt/libvirt-qemu.h>

#include "qemu_driver_custom.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_monitor.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_custom");


/* The monitor command of qemuDomainQemuMonitorCommand, in a job on
 * running @vm. */
static int
qemuDomainQemuMonitorCommandJob(virDomainObj *vm, const char *cmd, bool hmp,
                                char **result)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int ret;

    qemuDomainObjTaint(vm, VIR_DOMAIN_TAINT_CUSTOM_MONITOR);
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    ret = qemuMonitorArbitraryCommand(priv->mon, cmd, hmp, result);
    if (qemuDomainObjExitMonitor(vm) < 0 && ret == 0) {
        g_clear_pointer(result, g_free);
        ret = -1;
    }
    return ret;
}


/**
 * qemuDomainQemuMonitorCommand:
 * virDomainQemuMonitorCommand (virsh qemu-monitor-command): @cmd, a QMP
 * command, and QEMU's whole reply in *@result (caller owns), an error
 * reply too; with VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP a human monitor
 * command line and its output.  Returns 0 or -1 (reported).
 */
int
qemuDomainQemuMonitorCommand(virConn *conn G_GNUC_UNUSED,
                             const virDomainIdent *dom, const char *cmd,
                             char **result, unsigned int flags)
{
    bool hmp = flags & VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_QUERY) == 0) {
        if (virDomainObjCheckActive(vm) == 0)
            ret = qemuDomainQemuMonitorCommandJob(vm, cmd, hmp, result);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainGetMessages:
 * virDomainGetMessages: the domain's taint messages (no @flags or
 * VIR_DOMAIN_MESSAGE_TAINTING; there are no deprecation messages), a
 * NULL-terminated list in *@msgs (caller owns).  Returns how many.
 */
int
qemuDomainGetMessages(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      char ***msgs, unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(VIR_DOMAIN_MESSAGE_DEPRECATION | VIR_DOMAIN_MESSAGE_TAINTING,
                  -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    *msgs = virDomainObjGetMessages(vm, flags);
    virDomainObjEndAPI(&vm);
    return (int)g_strv_length(*msgs);
}
