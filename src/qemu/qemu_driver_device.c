/*
 * qemu_driver_device.c: driver entry points that attach, detach and
 * update devices (virDomainAttachDeviceFlags, DetachDeviceFlags,
 * DetachDeviceAlias, UpdateDeviceFlags)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's rules: AFFECT_LIVE changes QEMU and the live definition
 * (qemu_hotplug.c), AFFECT_CONFIG the persistent definition, CURRENT
 * whichever the domain's state means.  Everything is checked on both
 * before either changes; the persistent change is made on a copy that
 * replaces the definition only once the live change succeeded, so a
 * refused call changes nothing.  All run in a MODIFY job: during a
 * migration they wait for it, and give up with libvirt's job timeout.
 */
#include <config.h>

#include "qemu_driver_device.h"
#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_driver_update.h"
#include "qemu_hotplug.h"
#include "qemu_monitor_periph.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_device");

#define QEMU_DEVICE_AFFECT_FLAGS \
    (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)

/* The change an entry point makes to locked @vm in its MODIFY job. */
typedef int (*qemuDomainDeviceFunc)(virDomainObj *vm, const char *xml,
                                    unsigned int flags);


/* Looks @dom up and runs @func on it in a MODIFY job. */
static int
qemuDomainDeviceRun(const virDomainIdent *dom, const char *xml,
                    unsigned int flags, qemuDomainDeviceFunc func)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = func(vm, xml, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Makes @def (taken) the persistent definition of @vm and saves it. */
static int
qemuDomainDeviceConfigCommit(virDomainObj *vm, virDomainDef **def)
{
    virDomainDef **slot = virDomainObjIsActive(vm) ? &vm->newDef : &vm->def;

    virDomainDefFree(*slot);
    *slot = g_steal_pointer(def);
    return qemuDomainConfigSave(*slot);
}


/* A copy of persistent definition @config with the device of @xml
 * added, or NULL (reported). */
static virDomainDef *
qemuDomainDeviceConfigAttach(const virDomainDef *config, const char *xml)
{
    g_autoptr(virDomainDeviceParsed) dev = NULL;
    g_autoptr(virDomainDef) copy = NULL;

    if (!(dev = virDomainDeviceParse(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return NULL;
    if (dev->type == VIR_DOMAIN_DEVICE_NONE) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("persistent attach of device '%1$s' is not supported"),
                       dev->typeName);
        return NULL;
    }
    if (dev->disk && virDomainDefFindDisk(config, dev->disk->dst) >= 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("target %1$s already exists"), dev->disk->dst);
        return NULL;
    }
    if (!(copy = virDomainDefCopy(config, false)) ||
        virDomainDefAddDevice(copy, dev, &qemu_driver->parserCfg) < 0 ||
        qemuValidateDomainDef(copy) < 0)
        return NULL;
    return g_steal_pointer(&copy);
}


static int
qemuDomainAttachDeviceLocked(virDomainObj *vm, const char *xml,
                             unsigned int flags)
{
    g_autoptr(virDomainDeviceParsed) dev = NULL;
    g_autoptr(virDomainDef) newConfig = NULL;
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;

    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0)
        return -1;
    if (config && !(newConfig = qemuDomainDeviceConfigAttach(config, xml)))
        return -1;
    if (live &&
        (!(dev = virDomainDeviceParse(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE)) ||
         qemuHotplugAttachLive(vm, dev) < 0))
        return -1;
    if (newConfig)
        return qemuDomainDeviceConfigCommit(vm, &newConfig);
    return 0;
}


/**
 * qemuDomainAttachDeviceFlags:
 * virDomainAttachDeviceFlags (and virDomainAttachDevice, LIVE): a disk
 * or an interface, plugged into the running guest and/or added to the
 * persistent definition.
 */
int
qemuDomainAttachDeviceFlags(virConn *conn G_GNUC_UNUSED,
                            const virDomainIdent *dom, const char *xml,
                            unsigned int flags)
{
    VIR_DEBUG("dom=%s flags=0x%x xml=%s", dom->name, flags, xml);
    virCheckFlags(QEMU_DEVICE_AFFECT_FLAGS, -1);
    return qemuDomainDeviceRun(dom, xml, flags, qemuDomainAttachDeviceLocked);
}


/* The index of the device @dev names in @def (@persistent: the
 * persistent one, for libvirt's messages), or -1 (reported). */
static int
qemuDomainDeviceFind(const virDomainDef *def, const virDomainDeviceParsed *dev,
                     bool persistent)
{
    int idx;

    if (dev->type == VIR_DOMAIN_DEVICE_NET)
        return virDomainDefFindNet(def, dev->net, dev->macGiven);
    if (dev->type != VIR_DOMAIN_DEVICE_DISK) {
        if (persistent)
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("persistent detach of device '%1$s' is not supported"),
                           dev->typeName);
        else
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("live detach of device '%1$s' is not supported"),
                           dev->typeName);
        return -1;
    }
    if ((idx = virDomainDefFindDisk(def, dev->disk->dst)) >= 0)
        return idx;
    if (persistent)
        virReportError(VIR_ERR_DEVICE_MISSING, _("no target device %1$s"),
                       dev->disk->dst);
    else
        virReportError(VIR_ERR_DEVICE_MISSING, _("disk %1$s not found"),
                       dev->disk->dst);
    return -1;
}


/* Removes device @idx of type @type from persistent definition @config
 * and saves it. */
static int
qemuDomainDeviceConfigRemove(virDomainDef *config, virDomainDeviceType type,
                             int idx)
{
    if (type == VIR_DOMAIN_DEVICE_DISK)
        virDomainDiskDefFree(g_ptr_array_steal_index(config->disks, idx));
    else
        virDomainNetDefFree(g_ptr_array_steal_index(config->nets, idx));
    return qemuDomainConfigSave(config);
}


static int
qemuDomainDetachDeviceLocked(virDomainObj *vm, const char *xml,
                             unsigned int flags)
{
    g_autoptr(virDomainDeviceParsed) dev = NULL;
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    int cidx = -1;
    int lidx = -1;

    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0 ||
        !(dev = virDomainDeviceParse(xml, 0)))
        return -1;
    if (config && (cidx = qemuDomainDeviceFind(config, dev, true)) < 0)
        return -1;
    if (live && (lidx = qemuDomainDeviceFind(live, dev, false)) < 0)
        return -1;
    if (live && qemuHotplugDetachLive(vm, dev->type, lidx, false) < 0)
        return -1;
    if (config)
        return qemuDomainDeviceConfigRemove(config, dev->type, cidx);
    return 0;
}


/**
 * qemuDomainDetachDeviceFlags:
 * virDomainDetachDeviceFlags (and virDomainDetachDevice, LIVE): the disk
 * (by target) or interface (by MAC) @xml names, unplugged (waiting 5 s
 * for the guest) and/or removed from the persistent definition.
 */
int
qemuDomainDetachDeviceFlags(virConn *conn G_GNUC_UNUSED,
                            const virDomainIdent *dom, const char *xml,
                            unsigned int flags)
{
    VIR_DEBUG("dom=%s flags=0x%x xml=%s", dom->name, flags, xml);
    virCheckFlags(QEMU_DEVICE_AFFECT_FLAGS, -1);
    return qemuDomainDeviceRun(dom, xml, flags, qemuDomainDetachDeviceLocked);
}


static int
qemuDomainDetachAliasLocked(virDomainObj *vm, const char *alias,
                            unsigned int flags)
{
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    virDomainDeviceType ctype = VIR_DOMAIN_DEVICE_NONE;
    virDomainDeviceType ltype = VIR_DOMAIN_DEVICE_NONE;
    int cidx = -1;
    int lidx = -1;

    if (qemuDomainAffectDefs(vm, flags, &live, &config) < 0)
        return -1;
    if (config && (cidx = virDomainDefFindAlias(config, alias, &ctype)) < 0)
        return -1;
    if (live && (lidx = virDomainDefFindAlias(live, alias, &ltype)) < 0)
        return -1;
    if (live && qemuHotplugDetachLive(vm, ltype, lidx, true) < 0)
        return -1;
    if (config)
        return qemuDomainDeviceConfigRemove(config, ctype, cidx);
    return 0;
}


/**
 * qemuDomainDetachDeviceAlias:
 * virDomainDetachDeviceAlias: the disk or interface with alias @alias;
 * live, the unplug is only asked for (libvirt's asynchronous detach):
 * DEVICE_REMOVED tells when the guest let it go.
 */
int
qemuDomainDetachDeviceAlias(virConn *conn G_GNUC_UNUSED,
                            const virDomainIdent *dom, const char *alias,
                            unsigned int flags)
{
    VIR_DEBUG("dom=%s alias=%s flags=0x%x", dom->name, alias, flags);
    virCheckFlags(QEMU_DEVICE_AFFECT_FLAGS, -1);
    return qemuDomainDeviceRun(dom, alias, flags, qemuDomainDetachAliasLocked);
}


/* The CD-ROM of @def that @dev (a CD-ROM) updates, or NULL (reported). */
static virDomainDiskDef *
qemuDomainDeviceFindCdrom(const virDomainDef *def,
                          const virDomainDeviceParsed *dev, bool persistent)
{
    virDomainDiskDef *orig;
    int idx;

    if (dev->type != VIR_DOMAIN_DEVICE_DISK ||
        dev->disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
        if (persistent)
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("persistent update of device '%1$s' is not supported"),
                           dev->typeName);
        else
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("live update of device '%1$s' is not supported"),
                           dev->typeName);
        return NULL;
    }
    if ((idx = virDomainDefFindDisk(def, dev->disk->dst)) < 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("target %1$s doesn't exist."),
                       dev->disk->dst);
        return NULL;
    }
    orig = g_ptr_array_index(def->disks, idx);
    if (orig->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("cannot change a disk's type or update a disk that is not a CD-ROM"));
        return NULL;
    }
    return orig;
}


/* Whether the live interface @orig can become @net in place: only its
 * link state can change (libvirt also moves a tap to another bridge,
 * which this daemon does not); a target or alias @net leaves out is
 * @orig's.  Reports why not. */
static bool
qemuDomainNetLiveChangeOK(const virDomainNetDef *orig,
                          const virDomainNetDef *net)
{
    const char *why = NULL;

    if (orig->model != net->model) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot modify network device model from %1$s to %2$s"),
                       virDomainNetModelTypeToString(orig->model),
                       virDomainNetModelTypeToString(net->model));
        return false;
    }
    if (orig->type != net->type)
        why = _("cannot change network interface type to '%1$s'");
    else if (STRNEQ_NULLABLE(orig->bridge, net->bridge))
        why = _("cannot move a live '%1$s' interface to another bridge");
    else if (net->ifname && STRNEQ_NULLABLE(orig->ifname, net->ifname))
        why = _("cannot modify network device tap name");
    else if (orig->mtu != net->mtu)
        why = _("cannot modify MTU");
    if (why) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, why,
                       virDomainNetTypeToString(net->type));
        return false;
    }
    return true;
}


/* The link state of running @vm's interface @orig set to @net's: QEMU's
 * set_link, and the live definition (so a migration's destination
 * starts the link as it is). */
static int
qemuDomainNetSetLink(virDomainObj *vm, virDomainNetDef *orig,
                     const virDomainNetDef *net)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    bool up = net->linkState != VIR_DOMAIN_NET_LINK_STATE_DOWN;
    int rc;

    if (orig->linkState == net->linkState)
        return 0;
    if (qemuDomainObjEnterMonitor(vm) < 0)
        return -1;
    rc = qemuMonitorSetLink(priv->mon, orig->info.alias, up);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    orig->linkState = net->linkState;
    if (virDomainObjSaveStatus(vm) < 0)
        virErrorResetLast();
    return 0;
}


/* The interface part of qemuDomainUpdateDeviceLocked: @live and/or
 * @config (either may be NULL) get the interface @devLive / @devConf
 * describes, found by its MAC. */
static int
qemuDomainUpdateNet(virDomainObj *vm, virDomainDef *live, virDomainDef *config,
                    virDomainDeviceParsed *devLive,
                    virDomainDeviceParsed *devConf)
{
    virDomainNetDef *lorig = NULL;
    virDomainNetDef *corig;
    int cidx = -1;
    int lidx;

    if (config && (cidx = virDomainDefFindNet(config, devConf->net, true)) < 0)
        return -1;
    if (live) {
        if ((lidx = virDomainDefFindNet(live, devLive->net, true)) < 0)
            return -1;
        lorig = g_ptr_array_index(live->nets, lidx);
        if (!qemuDomainNetLiveChangeOK(lorig, devLive->net) ||
            qemuDomainNetSetLink(vm, lorig, devLive->net) < 0)
            return -1;
    }
    if (cidx < 0)
        return 0;
    corig = g_ptr_array_index(config->nets, cidx);
    /* an address left out is the one the interface has */
    if (devConf->net->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
        devConf->net->info.type = corig->info.type;
        devConf->net->info.addr = corig->info.addr;
    }
    virDomainNetDefFree(corig);
    g_ptr_array_index(config->nets, cidx) = g_steal_pointer(&devConf->net);
    return qemuDomainConfigSave(config);
}


static int
qemuDomainUpdateDeviceLocked(virDomainObj *vm, const char *xml,
                             unsigned int flags)
{
    g_autoptr(virDomainDeviceParsed) devLive = NULL;
    g_autoptr(virDomainDeviceParsed) devConf = NULL;
    virDomainDiskDef *corig = NULL;
    virDomainDiskDef *lorig = NULL;
    virDomainDef *live = NULL;
    virDomainDef *config = NULL;
    virDomainDiskSource *tmp;

    if (qemuDomainAffectDefs(vm, flags & QEMU_DEVICE_AFFECT_FLAGS, &live,
                             &config) < 0 ||
        !(devLive = virDomainDeviceParse(xml, 0)) ||
        !(devConf = virDomainDeviceParse(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return -1;
    if (devLive->type == VIR_DOMAIN_DEVICE_NET)
        return qemuDomainUpdateNet(vm, live, config, devLive, devConf);
    if (config && !(corig = qemuDomainDeviceFindCdrom(config, devConf, true)))
        return -1;
    if (live && !(lorig = qemuDomainDeviceFindCdrom(live, devLive, false)))
        return -1;
    if (lorig && qemuHotplugChangeMedia(vm, lorig, devLive->disk) < 0)
        return -1;
    if (!corig)
        return 0;
    tmp = corig->src;
    corig->src = devConf->disk->src;
    devConf->disk->src = tmp;
    return qemuDomainConfigSave(config);
}


/**
 * qemuDomainUpdateDeviceFlags:
 * virDomainUpdateDeviceFlags: the medium of a CD-ROM (virsh change-media,
 * update-device), inserted, changed or ejected, live and/or in the
 * persistent definition; an interface (found by MAC): its link state
 * live (virsh domif-setlink), anything in the persistent definition.  DEVICE_MODIFY_FORCE is accepted: the tray is
 * always forced open, as a guest's lock cannot be asked.
 */
int
qemuDomainUpdateDeviceFlags(virConn *conn G_GNUC_UNUSED,
                            const virDomainIdent *dom, const char *xml,
                            unsigned int flags)
{
    VIR_DEBUG("dom=%s flags=0x%x xml=%s", dom->name, flags, xml);
    virCheckFlags(QEMU_DEVICE_AFFECT_FLAGS | VIR_DOMAIN_DEVICE_MODIFY_FORCE,
                  -1);
    return qemuDomainDeviceRun(dom, xml, flags, qemuDomainUpdateDeviceLocked);
}
