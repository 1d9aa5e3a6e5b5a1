/*
 * qemu_driver_lifecycle.c: driver entry points that start, stop and
 * change domains (issue 4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each entry point finds the domain, takes the job libvirt takes for it
 * (MODIFY, SUSPEND, DESTROY, or the async START job), does its work
 * through qemu_process.c and sends libvirt's lifecycle events.  Errors
 * and their codes are libvirt 9.0's.
 */
#include <config.h>

#include <unistd.h>

#include "qemu_driver_lifecycle.h"
#include "qemu_closecallbacks.h"
#include "qemu_domainjob.h"
#include "qemu_driver_agent.h"
#include "qemu_driver_host.h"
#include "qemu_process.h"
#include "qemu_process_periph.h"
#include "qemu_process_events.h"
#include "qemu_save.h"
#include "qemu_state.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_lifecycle");

#define QEMU_UNDEFINE_FLAGS \
    (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | \
     VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | \
     VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | \
     VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM | \
     VIR_DOMAIN_UNDEFINE_TPM | VIR_DOMAIN_UNDEFINE_KEEP_TPM)


/* ---- driver state ---- */

/**
 * qemuDriverStateInitialize:
 * The driver's stateInitialize: the driver itself (qemuStateInitialize),
 * then its domains: status files, configs, reconnection to running QEMUs
 * and autostart (qemuStateDomainsInit).  Returns 0 or -1 (reported).
 */
int
qemuDriverStateInitialize(const virDriverStateConfig *dcfg)
{
    if (qemuStateInitialize(dcfg) < 0)
        return -1;
    if (qemuStateDomainsInit(qemu_driver) < 0) {
        qemuDriverStateCleanup();
        return -1;
    }
    return 0;
}


/* The driver's connectClose: destroys the domains started with
 * AUTODESTROY on @conn first. */
int
qemuDriverConnectClose(virConn *conn)
{
    qemuProcessAutoDestroyRun(conn);
    return qemuConnectClose(conn);
}


/* The driver's stateCleanup: running QEMUs are left running, and so are
 * migrations (no close callback runs; the status files keep them). */
void
qemuDriverStateCleanup(void)
{
    qemuCloseCallbacksCleanup();
    if (qemu_driver)
        qemuStateDomainsCleanup(qemu_driver);
    qemuStateCleanup();
}


/* ---- define and undefine ---- */

/* An identity for the client; NULL passes through. */
static virDomainIdent *
qemuDomainIdentOf(virDomainObj *vm)
{
    if (!vm)
        return NULL;
    return virDomainIdentNew(vm->def->name, vm->def->uuid,
                             virDomainObjIsActive(vm) ? vm->def->id : -1);
}


/*
 * Redefines listed @vm (locked, found by @def's UUID) with *@def (stolen
 * on success): the config file first, then the in-memory definition (the
 * next one if @vm runs).  Takes a MODIFY job.  Returns the DEFINED event
 * detail, or -1 (reported) with nothing changed.
 */
static int
qemuDomainDefineExisting(virDomainObj *vm, virDomainDef **def)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    int detail = vm->persistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
                                : VIR_DOMAIN_EVENT_DEFINED_ADDED;

    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0)
        return -1;
    if (STRNEQ(vm->def->name, (*def)->name)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' is already defined with uuid %2$s"),
                       vm->def->name, virUUIDFormat(vm->def->uuid, uuidstr));
        detail = -1;
    } else if (qemuDomainConfigSave(*def) < 0) {
        detail = -1;
    } else if (virDomainObjIsActive(vm)) {
        virDomainDefFree(vm->newDef);
        vm->newDef = g_steal_pointer(def);
    } else {
        virDomainDefFree(vm->def);
        vm->def = g_steal_pointer(def);
    }
    if (detail >= 0)
        vm->persistent = true;
    virDomainObjEndJob(vm);
    return detail;
}


/* Adds a new persistent domain for *@def (stolen on success); returns it
 * locked and referenced, or NULL (reported) with nothing written. */
static virDomainObj *
qemuDomainDefineNew(virDomainDef **def)
{
    virDomainObj *vm = virDomainObjListAdd(qemu_driver->domains, def,
                                           &qemu_driver->domainCfg, 0);

    if (!vm)
        return NULL;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0) {
        qemuDomainRemoveInactive(vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    if (qemuDomainConfigSave(vm->def) < 0) {
        virDomainObjEndJob(vm);
        qemuDomainRemoveInactive(vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    /* an image left by an earlier domain of that name is not this one's */
    if (qemuSaveManagedRemove(vm, true) < 0) {
        VIR_WARN("%s", NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
    vm->persistent = true;
    virDomainObjEndJob(vm);
    return vm;
}


/**
 * qemuDomainDefineXMLFlags:
 * virDomainDefineXMLFlags (VIR_DOMAIN_DEFINE_VALIDATE: schema check).
 * Writes the config before anything changes in memory, so a failure
 * leaves no trace.  Sends DEFINED/ADDED, or DEFINED/UPDATED for an
 * existing persistent domain.
 */
virDomainIdent *
qemuDomainDefineXMLFlags(virConn *conn G_GNUC_UNUSED, const char *xml,
                         unsigned int flags)
{
    g_autoptr(virDomainDef) def = NULL;
    virDomainObj *vm = NULL;
    virDomainIdent *ident = NULL;
    int detail = VIR_DOMAIN_EVENT_DEFINED_ADDED;

    VIR_DEBUG("flags=0x%x", flags);
    virCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    if (!(def = qemuDomainDefParseConfig(xml, flags & VIR_DOMAIN_DEFINE_VALIDATE)))
        return NULL;
    if ((vm = qemuDomainObjFindQuiet(def->uuid)))
        detail = qemuDomainDefineExisting(vm, &def);
    else if (!(vm = qemuDomainDefineNew(&def)))
        return NULL;
    if (detail >= 0) {
        VIR_INFO("defined domain %s", vm->def->name);
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_DEFINED, detail);
        ident = qemuDomainIdentOf(vm);
    }
    virDomainObjEndAPI(&vm);
    return ident;
}


/* Undefines locked @vm holding a MODIFY job; its managed save image
 * goes only with VIR_DOMAIN_UNDEFINE_MANAGED_SAVE.  Returns 0 or -1. */
static int
qemuDomainUndefineLocked(virDomainObj *vm, unsigned int flags)
{
    if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot undefine transient domain"));
        return -1;
    }
    if (vm->hasManagedSave) {
        if (!(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
            virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                           _("Refusing to undefine while domain managed save image exists"));
            return -1;
        }
        if (qemuSaveManagedRemove(vm, true) < 0)
            return -1;
    }
    if (qemuDomainConfigDelete(vm) < 0)
        return -1;
    VIR_INFO("undefined domain %s", vm->def->name);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_UNDEFINED,
                                  VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    /* a running domain goes on, transient: it vanishes when it stops */
    vm->persistent = false;
    g_clear_pointer(&vm->newDef, virDomainDefFree);
    qemuDomainRemoveInactive(vm);
    return 0;
}


/**
 * qemuDomainUndefineFlags:
 * virDomainUndefineFlags.  A managed save image makes it fail unless
 * MANAGED_SAVE removes it (libvirt).  The flags about snapshots,
 * checkpoints, NVRAM and TPM are accepted as libvirt does: this driver
 * keeps none of those, so there is nothing for them to do.
 */
int
qemuDomainUndefineFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(QEMU_UNDEFINE_FLAGS, -1);
    if ((flags & VIR_DOMAIN_UNDEFINE_NVRAM) &&
        (flags & VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot both keep and delete nvram"));
        return -1;
    }
    if ((flags & VIR_DOMAIN_UNDEFINE_TPM) && (flags & VIR_DOMAIN_UNDEFINE_KEEP_TPM)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot both keep and delete TPM"));
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuDomainUndefineLocked(vm, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* ---- start ---- */

/*
 * Starts locked @vm under the async START job (which only destroy may
 * interrupt) and sends STARTED/BOOTED, plus SUSPENDED/PAUSED when it
 * stays paused, as libvirt does; a domain with a managed save image is
 * restored from it instead (STARTED/RESTORED; FORCE_BOOT drops the image
 * and boots).  @apiFlags: START_PAUSED, START_FORCE_BOOT, and
 * START_AUTODESTROY (destroyed when @conn closes).  Returns 0 or -1.
 */
static int
qemuDomainObjStart(virConn *conn, virDomainObj *vm, unsigned int apiFlags)
{
    bool paused = apiFlags & VIR_DOMAIN_START_PAUSED;
    int ret = -1;
    int rc = 0;

    if (qemuProcessBeginJob(vm, VIR_DOMAIN_JOB_OPERATION_START, apiFlags) < 0)
        return -1;
    if (virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is already running"));
    } else if ((rc = qemuSaveManagedStart(vm, apiFlags)) != 0) {
        if (rc > 0 && (apiFlags & VIR_DOMAIN_START_AUTODESTROY))
            qemuProcessAutoDestroyAdd(vm, conn);
        ret = rc > 0 ? 0 : -1;
    } else if (qemuProcessStart(vm, VIR_ASYNC_JOB_START, NULL,
                                paused ? QEMU_PROCESS_START_PAUSED : 0) == 0) {
        qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STARTED,
                                      VIR_DOMAIN_EVENT_STARTED_BOOTED);
        if (paused)
            qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                          VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        if (apiFlags & VIR_DOMAIN_START_AUTODESTROY)
            qemuProcessAutoDestroyAdd(vm, conn);
        ret = 0;
    }
    qemuProcessEndJob(vm);
    return ret;
}


/**
 * qemuDomainCreateWithFlags:
 * virDomainCreateWithFlags: START_PAUSED; START_AUTODESTROY (destroyed
 * when this connection closes); FORCE_BOOT (a managed save image is
 * removed, not restored); BYPASS_CACHE (a managed save image is read
 * with O_DIRECT).  Returns the identity with the new id.
 */
virDomainIdent *
qemuDomainCreateWithFlags(virConn *conn, const virDomainIdent *dom,
                          unsigned int flags)
{
    virDomainObj *vm;
    virDomainIdent *ident = NULL;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY |
                  VIR_DOMAIN_START_BYPASS_CACHE | VIR_DOMAIN_START_FORCE_BOOT,
                  NULL);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if (qemuDomainObjStart(conn, vm, flags) == 0)
        ident = qemuDomainIdentOf(vm);
    virDomainObjEndAPI(&vm);
    return ident;
}


/**
 * qemuDomainCreateXMLAdd:
 * Lists the domain of *@def (stolen on success) for virDomainCreateXML
 * and virDomainRestore.  A defined domain that is not running takes @def
 * as its live definition and keeps its config as the next one, back when
 * it stops (libvirt's rule).  A running or transient namesake is refused.  Returns the object
 * locked and referenced, or NULL (reported).
 */
virDomainObj *
qemuDomainCreateXMLAdd(virDomainDef **def)
{
    virDomainObj *vm = qemuDomainObjFindQuiet((*def)->uuid);
    g_autoptr(virDomainDef) persistent = NULL;

    if (vm && vm->persistent && !virDomainObjIsActive(vm) && !vm->newDef)
        persistent = virDomainDefCopy(vm->def, false);
    virDomainObjEndAPI(&vm);
    vm = virDomainObjListAdd(qemu_driver->domains, def, &qemu_driver->domainCfg,
                             VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                             VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE);
    if (vm && persistent && vm->persistent && !vm->newDef &&
        !virDomainObjIsActive(vm))
        vm->newDef = g_steal_pointer(&persistent);
    return vm;
}


/**
 * qemuDomainCreateXML:
 * virDomainCreateXML: a transient domain, gone when it stops or fails to
 * start (or a defined one run with this definition once).  START_PAUSED,
 * START_AUTODESTROY, START_VALIDATE.
 */
virDomainIdent *
qemuDomainCreateXML(virConn *conn, const char *xml, unsigned int flags)
{
    g_autoptr(virDomainDef) def = NULL;
    virDomainObj *vm;
    virDomainIdent *ident = NULL;

    VIR_DEBUG("flags=0x%x", flags);
    virCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY |
                  VIR_DOMAIN_START_VALIDATE, NULL);
    if (!(def = qemuDomainDefParseConfig(xml, flags & VIR_DOMAIN_START_VALIDATE)) ||
        !(vm = qemuDomainCreateXMLAdd(&def)))
        return NULL;
    if (qemuDomainObjStart(conn, vm, flags) == 0) {
        ident = qemuDomainIdentOf(vm);
    } else {
        if (vm->newDef && !virDomainObjIsActive(vm)) {
            virDomainDefFree(vm->def);
            vm->def = g_steal_pointer(&vm->newDef);
        }
        qemuDomainRemoveInactive(vm);
    }
    virDomainObjEndAPI(&vm);
    return ident;
}


/* ---- stop ---- */

/**
 * qemuDomainDestroyFlags:
 * virDomainDestroyFlags: SIGTERM, and SIGKILL if QEMU is still there
 * after 10 s; GRACEFUL never sends SIGKILL and fails (EBUSY) after 15 s.
 * QEMU's exit is seen through its pidfd the moment it happens: an idle
 * guest goes in a few milliseconds.  REMOVE_LOGS removes its QEMU log.
 */
int
qemuDomainDestroyFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                       unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL | VIR_DOMAIN_DESTROY_REMOVE_LOGS, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0)
        ret = qemuProcessDestroy(vm, flags & VIR_DOMAIN_DESTROY_GRACEFUL);
    if (ret == 0 && (flags & VIR_DOMAIN_DESTROY_REMOVE_LOGS)) {
        g_autofree char *log = qemuDomainLogPath(vm->def->name);

        if (unlink(log) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove log %s: %s", log, g_strerror(errno));
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/*
 * Presses the ACPI power button of locked @vm under a MODIFY job; with
 * @isReboot, the guest's power-off will be turned into a reset (fake
 * reboot).  @needRunning: the domain must be RUNNING (shutdown), not just
 * active (reboot).  Returns 0 or -1 (reported).
 */
static int
qemuDomainPowerdown(virDomainObj *vm, bool isReboot, bool needRunning)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int ret = -1;

    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0)
        return -1;
    if (needRunning && virDomainObjGetState(vm, NULL) != VIR_DOMAIN_RUNNING) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is not running"));
    } else if (virDomainObjCheckActive(vm) == 0) {
        priv->fakeReboot = isReboot;
        if (qemuDomainObjEnterMonitor(vm) == 0) {
            ret = qemuMonitorSystemPowerdown(priv->mon);
            if (qemuDomainObjExitMonitor(vm) < 0)
                ret = -1;
        }
    }
    virDomainObjEndJob(vm);
    return ret;
}


/* Shutdown or reboot by libvirt's rules on the two flags: the guest
 * agent when asked for (@agentFlag), or by default when one is
 * connected; the ACPI power button when asked for, by default without
 * an agent, and when the agent failed unless it alone was asked for. */
static int
qemuDomainShutdownOrRebootFlags(const virDomainIdent *dom, unsigned int flags,
                                unsigned int agentFlag, bool reboot)
{
    virDomainObj *vm;
    bool useAgent;
    bool acpiToo = (flags & ~agentFlag) || !flags;
    int ret = -1;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    useAgent = (flags & agentFlag) ||
               (!flags && qemuProcessPeriphAgentConnected(vm));
    if (useAgent) {
        ret = qemuDomainAgentShutdown(vm, reboot);
        if (ret < 0 && acpiToo)
            virErrorResetLast();
    }
    if (!useAgent || (ret < 0 && acpiToo)) {
        bool isReboot = reboot ? vm->def->onReboot != VIR_DOMAIN_ON_ACTION_DESTROY
                               : vm->def->onPoweroff == VIR_DOMAIN_ON_ACTION_RESTART;

        ret = qemuDomainPowerdown(vm, isReboot, !reboot);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainShutdownFlags:
 * virDomainShutdownFlags: the ACPI power button (default and
 * ACPI_POWER_BTN) or guest-shutdown through the agent (GUEST_AGENT, and
 * the default when an agent is connected); INITCTL, SIGNAL and PARAVIRT
 * are refused (INVALID_ARG), as libvirt's QEMU driver refuses them.
 */
int
qemuDomainShutdownFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        unsigned int flags)
{
    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN |
                  VIR_DOMAIN_SHUTDOWN_GUEST_AGENT, -1);
    return qemuDomainShutdownOrRebootFlags(dom, flags,
                                           VIR_DOMAIN_SHUTDOWN_GUEST_AGENT,
                                           false);
}


/**
 * qemuDomainReboot:
 * virDomainReboot, libvirt's ACPI way: the power button, and when the
 * guest powers off QEMU is reset and resumed instead of stopped (fake
 * reboot; on_reboot=destroy makes it a shutdown).  A guest that ignores
 * ACPI does not reboot.  Flags as for shutdown.
 */
int
qemuDomainReboot(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                 unsigned int flags)
{
    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_REBOOT_ACPI_POWER_BTN |
                  VIR_DOMAIN_REBOOT_GUEST_AGENT, -1);
    return qemuDomainShutdownOrRebootFlags(dom, flags,
                                           VIR_DOMAIN_REBOOT_GUEST_AGENT,
                                           true);
}


/* The entry points that are one monitor command on the running domain
 * @dom in a MODIFY job: @op, then @after (if any) with the job still
 * held.  No @flags are known. */
static int
qemuDomainMonitorJob(const virDomainIdent *dom, unsigned int flags,
                     int (*op)(qemuMonitor *mon),
                     void (*after)(virDomainObj *vm))
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        if (virDomainObjCheckActive(vm) == 0 &&
            qemuDomainObjEnterMonitor(vm) == 0) {
            qemuDomainObjPrivate *priv = vm->privateData;

            ret = op(priv->mon);
            if (qemuDomainObjExitMonitor(vm) < 0)
                ret = -1;
            if (after)
                after(vm);
        }
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* After a system_reset: no reboot pending, a crashed guest runs again. */
static void
qemuDomainResetAfter(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    priv->fakeReboot = false;
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_CRASHED)
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_CRASHED);
}


/* virDomainReset: system_reset (the RESET event sends REBOOT). */
int
qemuDomainReset(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                unsigned int flags)
{
    return qemuDomainMonitorJob(dom, flags, qemuMonitorSystemReset,
                                qemuDomainResetAfter);
}


/* virDomainInjectNMI (virsh inject-nmi): an NMI to the guest's vCPUs, as
 * a watchdog card or a front panel button gives it (for a guest's crash
 * dump, or to wake a hung kernel). */
int
qemuDomainInjectNMI(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                    unsigned int flags)
{
    return qemuDomainMonitorJob(dom, flags, qemuMonitorInjectNMI, NULL);
}


/* ---- pause and resume ---- */

/* Suspends locked @vm under a SUSPEND job (allowed during an outgoing
 * migration, whose pause reason it then takes). */
static int
qemuDomainSuspendLocked(virDomainObj *vm)
{
    virDomainPausedReason reason = VIR_DOMAIN_PAUSED_USER;
    virDomainState state;
    int ret = -1;

    if (virDomainObjBeginJob(vm, VIR_JOB_SUSPEND) < 0)
        return -1;
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT)
        reason = VIR_DOMAIN_PAUSED_MIGRATION;
    else if (vm->job->asyncJob == VIR_ASYNC_JOB_SNAPSHOT)
        reason = VIR_DOMAIN_PAUSED_SNAPSHOT;
    state = virDomainObjGetState(vm, NULL);
    if (virDomainObjCheckActive(vm) < 0) {
        goto endjob;
    } else if (state == VIR_DOMAIN_PMSUSPENDED) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is pmsuspended"));
        goto endjob;
    }
    if (state != VIR_DOMAIN_PAUSED &&
        qemuProcessStopCPUs(vm, reason, VIR_ASYNC_JOB_NONE) < 0)
        goto endjob;
    ret = virDomainObjSaveStatus(vm);

 endjob:
    virDomainObjEndJob(vm);
    return ret;
}


/* virDomainSuspend: "stop"; PAUSED/USER and SUSPENDED/PAUSED.  An already
 * paused domain is fine (libvirt). */
int
qemuDomainSuspend(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s", dom->name);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDomainSuspendLocked(vm);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Resumes locked @vm under a MODIFY job. */
static int
qemuDomainResumeLocked(virDomainObj *vm)
{
    int reason = 0;
    virDomainState state;
    int ret = -1;

    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0)
        return -1;
    state = virDomainObjGetState(vm, &reason);
    if (virDomainObjCheckActive(vm) < 0) {
        goto endjob;
    } else if (state == VIR_DOMAIN_PMSUSPENDED) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is pmsuspended"));
        goto endjob;
    } else if (state == VIR_DOMAIN_RUNNING) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is already running"));
        goto endjob;
    }
    if ((state == VIR_DOMAIN_PAUSED ||
         (state == VIR_DOMAIN_CRASHED && reason == VIR_DOMAIN_CRASHED_PANICKED)) &&
        qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_UNPAUSED, VIR_ASYNC_JOB_NONE) < 0)
        goto endjob;
    ret = virDomainObjSaveStatus(vm);

 endjob:
    virDomainObjEndJob(vm);
    return ret;
}


/* virDomainResume: "cont"; RUNNING/UNPAUSED and RESUMED/UNPAUSED. */
int
qemuDomainResume(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s", dom->name);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDomainResumeLocked(vm);
    virDomainObjEndAPI(&vm);
    return ret;
}
