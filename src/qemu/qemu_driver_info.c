/*
 * qemu_driver_info.c: driver entry points that describe domains and their
 * jobs (issue 4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The observers (info, state, XML, flags) read the domain under its lock
 * only, without a job, as libvirt's do: they answer at once even while a
 * migration or another long job runs.  Job statistics and abort take the
 * QUERY and ABORT jobs in qemu_domainjob.c.
 */
#include <config.h>

#include "qemu_driver_info.h"
#include "qemu_domainjob.h"
#include "qemu_domain.h"
#include "virerror.h"
#include "virlog.h"
#include "virprocess.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_info");


/**
 * qemuDomainGetInfo:
 * virDomainGetInfo: state, maximum and current memory (KiB), vCPUs and,
 * while running, QEMU's CPU time.
 */
int
qemuDomainGetInfo(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                  virDomainInfo *info)
{
    virDomainObj *vm;
    bool balloon;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = virDomainObjGetState(vm, NULL);
    info->maxMem = vm->def->memory;
    balloon = vm->def->memballoon &&
              vm->def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
    info->memory = virDomainObjIsActive(vm) && !balloon ? vm->def->memory
                                                        : vm->def->currentMemory;
    info->nrVirtCpu = vm->def->vcpus;
    if (virDomainObjIsActive(vm))
        info->cpuTime = virProcessGetCPUTime(vm->pid);
    virDomainObjEndAPI(&vm);
    return 0;
}


/* virDomainGetState: state and reason; no flags. */
int
qemuDomainGetState(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                   int *state,
                   int *reason, unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    *state = virDomainObjGetState(vm, reason);
    virDomainObjEndAPI(&vm);
    return 0;
}


/**
 * qemuDomainGetXMLDesc:
 * virDomainGetXMLDesc: the live definition, or with INACTIVE the
 * persistent one; SECURE adds the VNC password, MIGRATABLE leaves out
 * what is local to this host.  UPDATE_CPU is accepted and changes
 * nothing (the CPU is never expanded here).
 */
char *
qemuDomainGetXMLDesc(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                     unsigned int flags)
{
    virDomainObj *vm;
    const virDomainDef *def;
    char *xml;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                  VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    def = (flags & VIR_DOMAIN_XML_INACTIVE) && vm->newDef ? vm->newDef : vm->def;
    xml = virDomainDefFormat(def, virDomainDefFormatConvertXMLFlags(flags));
    virDomainObjEndAPI(&vm);
    return xml;
}


/* A boolean fact about a domain: 1, 0, or -1 if it does not exist. */
static int
qemuDomainQueryBool(const virDomainIdent *dom, bool (*get)(virDomainObj *vm))
{
    virDomainObj *vm;
    int ret;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = get(vm) ? 1 : 0;
    virDomainObjEndAPI(&vm);
    return ret;
}


static bool
qemuDomainObjGetActive(virDomainObj *vm)
{
    return virDomainObjIsActive(vm);
}


static bool
qemuDomainObjGetPersistent(virDomainObj *vm)
{
    return vm->persistent;
}


static bool
qemuDomainObjGetUpdated(virDomainObj *vm G_GNUC_UNUSED)
{
    /* nothing here changes a running domain's definition behind it */
    return false;
}


static bool
qemuDomainObjGetAutostartFlag(virDomainObj *vm)
{
    return vm->autostart;
}


/* virDomainIsActive */
int
qemuDomainIsActive(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    return qemuDomainQueryBool(dom, qemuDomainObjGetActive);
}


/* virDomainIsPersistent */
int
qemuDomainIsPersistent(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    return qemuDomainQueryBool(dom, qemuDomainObjGetPersistent);
}


/* virDomainIsUpdated: always 0, as libvirt 9.0's QEMU driver answers. */
int
qemuDomainIsUpdated(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    return qemuDomainQueryBool(dom, qemuDomainObjGetUpdated);
}


/* virDomainGetAutostart */
int
qemuDomainGetAutostart(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    return qemuDomainQueryBool(dom, qemuDomainObjGetAutostartFlag);
}


/* Changes the autostart link of locked @vm under a MODIFY job. */
static int
qemuDomainSetAutostartLocked(virDomainObj *vm, bool autostart)
{
    int ret;

    if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot set autostart for transient domain"));
        return -1;
    }
    if (vm->autostart == autostart)
        return 0;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0)
        return -1;
    ret = qemuDomainAutostartSet(vm, autostart);
    virDomainObjEndJob(vm);
    return ret;
}


/* virDomainSetAutostart: a link in <stateDir>/qemu/autostart; persistent
 * domains only.  Autostart happens when the daemon starts. */
int
qemuDomainSetAutostart(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                       int autostart)
{
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s autostart=%d", dom->name, autostart);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDomainSetAutostartLocked(vm, autostart != 0);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* virDomainGetOSType: "hvm". */
char *
qemuDomainGetOSType(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom)
{
    virDomainObj *vm;
    char *type;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    type = g_strdup(virDomainOSTypeToString(vm->def->os.type));
    virDomainObjEndAPI(&vm);
    return type;
}


/* virDomainHasManagedSaveImage (qemu_save.c keeps the flag). */
int
qemuDomainHasManagedSaveImage(virConn *conn G_GNUC_UNUSED,
                              const virDomainIdent *dom,
                              unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = vm->hasManagedSave ? 1 : 0;
    virDomainObjEndAPI(&vm);
    return ret;
}


/* ---- jobs ---- */

/* virDomainGetJobInfo: type NONE while no async job runs. */
int
qemuDomainGetJobInfo(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                     virDomainJobInfo *info)
{
    virDomainObj *vm;
    int ret;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDomainJobGetInfo(vm, info);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* virDomainGetJobStats: COMPLETED gives the last finished job's
 * statistics, read once unless KEEP_COMPLETED. */
int
qemuDomainGetJobStats(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      int *type,
                      virTypedParameterPtr *params, int *nparams,
                      unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDomainJobGetStats(vm, flags, type, params, nparams);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* virDomainAbortJobFlags: cancels an async job whose mask allows ABORT
 * (an outgoing migration); POSTCOPY pauses a post-copy migration. */
int
qemuDomainAbortJobFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDomainJobAbort(vm, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}
