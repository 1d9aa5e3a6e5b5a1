/*
 * qemu_driver_update.c: driver entry points that change parts of a
 * domain's definition: metadata, memory and vCPUs (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's AFFECT flags: LIVE changes the running definition (and QEMU
 * where it has to know), CONFIG the persistent one, CURRENT whichever the
 * domain's state means.  Both are checked before either changes, so a
 * refused call changes nothing.
 */
#include <config.h>

#include "qemu_driver_update.h"
#include "qemu_capabilities.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_driver_agent.h"
#include "qemu_hotplug_vcpu.h"
#include "qemu_process_cputune.h"
#include "qemu_monitor_stats.h"
#include "qemu_process_events.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_update");

#define QEMU_AFFECT_FLAGS (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)


/**
 * qemuDomainAffectDefs:
 * Resolves @flags (VIR_DOMAIN_AFFECT_*) for locked @vm into the live and
 * the persistent definition to change (NULL: not that one).  Returns 0,
 * or -1 with VIR_ERR_OPERATION_INVALID (not running, transient).
 */
int
qemuDomainAffectDefs(virDomainObj *vm, unsigned int flags, virDomainDef **live,
                     virDomainDef **config)
{
    bool active = virDomainObjIsActive(vm);

    if (!(flags & QEMU_AFFECT_FLAGS))
        flags |= active ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && !active) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return -1;
    }
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) && !vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("transient domains do not have any persistent config"));
        return -1;
    }
    *live = flags & VIR_DOMAIN_AFFECT_LIVE ? vm->def : NULL;
    *config = NULL;
    if (flags & VIR_DOMAIN_AFFECT_CONFIG)
        *config = active && vm->newDef ? vm->newDef : vm->def;
    return 0;
}


/* Saves what qemuDomainAffectDefs gave and was changed.  0 or -1. */
int
qemuDomainAffectSave(virDomainObj *vm, virDomainDef *live, virDomainDef *config)
{
    if (live && virDomainObjSaveStatus(vm) < 0)
        return -1;
    if (config && qemuDomainConfigSave(config) < 0)
        return -1;
    return 0;
}


/* virDomainGetMetadata: from the live or the persistent definition. */
char *
qemuDomainGetMetadata(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      int type,
                      const char *uri, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    char *ret = NULL;

    virCheckFlags(QEMU_AFFECT_FLAGS, NULL);
    if ((flags & QEMU_AFFECT_FLAGS) == QEMU_AFFECT_FLAGS) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive"));
        return NULL;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if (qemuDomainAffectDefs(vm, flags, &live, &config) == 0)
        ret = virDomainDefGetMetadata(live ? live : config, type, uri);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* The change of qemuDomainSetMetadata on locked @vm, in a MODIFY job. */
static int
qemuDomainSetMetadataLocked(virDomainObj *vm, int type, const char *metadata,
                            const char *key, const char *uri,
                            unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;

    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0)
        return -1;
    if (live && virDomainDefSetMetadata(live, type, metadata, key, uri) < 0)
        return -1;
    if (config && config != live &&
        virDomainDefSetMetadata(config, type, metadata, key, uri) < 0)
        return -1;
    if (qemuDomainAffectSave(vm, live, config) < 0)
        return -1;
    qemuDomainEventQueueMetadataChange(vm, type, uri);
    return 0;
}


/**
 * qemuDomainSetMetadata:
 * virDomainSetMetadata: title, description or one <metadata> element,
 * on the live and/or persistent definition; raises METADATA_CHANGE.
 */
int
qemuDomainSetMetadata(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      int type,
                      const char *metadata, const char *key, const char *uri,
                      unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s type=%d key=%s uri=%s flags=0x%x", dom->name, type,
              NULLSTR(key), NULLSTR(uri), flags);
    virCheckFlags(QEMU_AFFECT_FLAGS, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuDomainSetMetadataLocked(vm, type, metadata, key, uri, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Asks the balloon of running @vm for @kib.  0 or -1. */
static int
qemuDomainSetBalloon(virDomainObj *vm, unsigned long long kib)
{
    qemuDomainObjPrivate *priv = QEMU_DOMAIN_PRIVATE(vm);
    int rc;

    if (!vm->def->memballoon ||
        vm->def->memballoon->model != VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("Unable to change memory of active domain without the balloon device and guest OS balloon driver"));
        return -1;
    }
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorSetBalloon(priv->mon, kib * 1024);
    if (qemuDomainObjExitMonitor(vm) < 0)
        return -1;
    return rc;
}


/* The change of qemuDomainSetMemoryFlags on locked @vm, in a MODIFY job. */
static int
qemuDomainSetMemoryLocked(virDomainObj *vm, unsigned long long kib,
                          unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    bool maximum = flags & VIR_DOMAIN_MEM_MAXIMUM;

    if (qemuDomainAffectDefs(vm, flags & QEMU_AFFECT_FLAGS, &live, &config) < 0)
        return -1;
    if (maximum && live) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot resize the maximum memory on an active domain"));
        return -1;
    }
    if (kib == 0 || (!maximum && ((live && kib > live->memory) ||
                                  (config && kib > config->memory)))) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("cannot set memory higher than max memory"));
        return -1;
    }
    /* the live current memory follows the guest (BALLOON_CHANGE) */
    if (live &&
        (qemuDomainSetBalloon(vm, kib) < 0 || virDomainObjCheckActive(vm) < 0))
        return -1;
    if (config && maximum) {
        config->memory = kib;
        config->currentMemory = MIN(config->currentMemory, kib);
    } else if (config) {
        config->currentMemory = kib;
    }
    return qemuDomainAffectSave(vm, live, config);
}


/**
 * qemuDomainSetMemoryFlags:
 * virDomainSetMemoryFlags (and virDomainSetMemory, LIVE): the balloon of
 * a running guest (which its balloon driver follows, or not: the live
 * definition shows what it did, from BALLOON_CHANGE), the
 * current or (MEM_MAXIMUM) maximum memory of the persistent definition.
 * KiB.
 */
int
qemuDomainSetMemoryFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                         unsigned long long memory, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s memory=%llu flags=0x%x", dom->name, memory, flags);
    virCheckFlags(QEMU_AFFECT_FLAGS | VIR_DOMAIN_MEM_MAXIMUM, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuDomainSetMemoryLocked(vm, memory, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Checks @nvcpus for the persistent definition @config (NULL: none)
 * before anything changes.  Returns 0 or -1 (reported). */
static int
qemuDomainSetVcpusCheckConfig(const virDomainDef *config, unsigned int nvcpus,
                              unsigned int flags)
{
    if (!config)
        return 0;
    if (nvcpus > qemuCapsGetMachineMaxCpus(qemu_driver->caps,
                                           config->os.machine)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("requested vcpus %1$u is not between 1 and the machine's maximum"),
                       nvcpus);
        return -1;
    }
    if (!(flags & VIR_DOMAIN_VCPU_MAXIMUM) && nvcpus > config->maxvcpus) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("requested vcpus is greater than max allowable vcpus for the persistent domain: %1$u > %2$u"),
                       nvcpus, config->maxvcpus);
        return -1;
    }
    return 0;
}


/* The live part of setvcpus: plugs or unplugs vCPUs at the end of the
 * online ones.  Returns 0 or -1 (reported). */
static int
qemuDomainSetVcpusLive(virDomainObj *vm, unsigned int nvcpus,
                       unsigned int flags)
{
    virDomainDef *live = vm->def;

    if (flags & VIR_DOMAIN_VCPU_MAXIMUM) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("maximum vcpu count of a live domain can't be modified"));
        return -1;
    }
    if (nvcpus > live->maxvcpus) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("requested vcpus is greater than max allowable vcpus for the live domain: %1$u > %2$u"),
                       nvcpus, live->maxvcpus);
        return -1;
    }
    if (nvcpus > live->vcpus) {
        if (qemuHotplugVcpusPlug(vm, VIR_ASYNC_JOB_NONE, live->vcpus, nvcpus,
                                 true) < 0)
            return -1;
        /* a plugged vCPU gets its <vcpupin>, as at start */
        return qemuProcessCputunePin(vm, VIR_ASYNC_JOB_NONE);
    }
    if (nvcpus < live->vcpus)
        return qemuHotplugVcpusUnplug(vm, nvcpus, live->vcpus);
    return 0;
}


/* The change of qemuDomainSetVcpusFlags on locked @vm, in a MODIFY job. */
static int
qemuDomainSetVcpusLocked(virDomainObj *vm, unsigned int nvcpus,
                         unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;

    if (qemuDomainAffectDefs(vm, flags & QEMU_AFFECT_FLAGS, &live, &config) < 0)
        return -1;
    if (nvcpus == 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("requested vcpus %1$u is not between 1 and the machine's maximum"),
                       nvcpus);
        return -1;
    }
    if (qemuDomainSetVcpusCheckConfig(config, nvcpus, flags) < 0)
        return -1;
    if (live && qemuDomainSetVcpusLive(vm, nvcpus, flags) < 0)
        return -1;
    if (!config)
        return 0;
    if (flags & VIR_DOMAIN_VCPU_MAXIMUM) {
        size_t i;

        /* the pins of the vCPUs that go, go with them, as in libvirt */
        for (i = nvcpus; i < config->maxvcpus; i++)
            virDomainCputuneSetVcpupin(config, i, NULL);
        config->maxvcpus = nvcpus;
        config->vcpus = MIN(config->vcpus, nvcpus);
        config->hotplugVcpus = 0;
    } else {
        config->vcpus = nvcpus;
        config->hotplugVcpus = 0;
    }
    return qemuDomainAffectSave(vm, NULL, config);
}


/**
 * qemuDomainSetVcpusFlags:
 * virDomainSetVcpusFlags (and virDomainSetVcpus, LIVE): the vCPUs of the
 * running guest, plugged (device_add) or unplugged (device_del, which
 * the guest must accept) at the end of the online ones, up to the
 * maximum it started with; the current or (VCPU_MAXIMUM) maximum vCPUs
 * of the persistent definition; with VCPU_GUEST, how many of its vCPUs
 * the guest keeps online, through the agent.
 */
int
qemuDomainSetVcpusFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        unsigned int nvcpus, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s nvcpus=%u flags=0x%x", dom->name, nvcpus, flags);
    virCheckFlags(QEMU_AFFECT_FLAGS | VIR_DOMAIN_VCPU_MAXIMUM |
                  VIR_DOMAIN_VCPU_GUEST, -1);
    if ((flags & VIR_DOMAIN_VCPU_GUEST) &&
        (flags & (VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM))) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("setting the guest's vCPUs only applies to a live domain's current count"));
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (flags & VIR_DOMAIN_VCPU_GUEST) {
        ret = qemuDomainSetVcpusAgent(vm, nvcpus);
    } else if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuDomainSetVcpusLocked(vm, nvcpus, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainGetVcpusFlags:
 * virDomainGetVcpusFlags (virsh vcpucount): the current or
 * (VCPU_MAXIMUM) maximum vCPUs of the live or the persistent definition;
 * with VCPU_GUEST, how many the guest has online (or has) through the
 * agent.
 */
int
qemuDomainGetVcpusFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                        unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(QEMU_AFFECT_FLAGS | VIR_DOMAIN_VCPU_MAXIMUM |
                  VIR_DOMAIN_VCPU_GUEST, -1);
    if ((flags & QEMU_AFFECT_FLAGS) == QEMU_AFFECT_FLAGS) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive"));
        return -1;
    }
    if ((flags & VIR_DOMAIN_VCPU_GUEST) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("vCPU count provided by the guest agent can only be requested for live domains"));
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (flags & VIR_DOMAIN_VCPU_GUEST) {
        ret = qemuDomainGetVcpusAgent(vm, flags & VIR_DOMAIN_VCPU_MAXIMUM);
    } else if (qemuDomainAffectDefs(vm, flags, &live, &config) == 0) {
        const virDomainDef *def = live ? live : config;

        ret = flags & VIR_DOMAIN_VCPU_MAXIMUM ? def->maxvcpus : def->vcpus;
    }
    virDomainObjEndAPI(&vm);
    return ret;
}
