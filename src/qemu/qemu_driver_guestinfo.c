/*
 * qemu_driver_guestinfo.c: driver entry points that describe the guest
 * from inside, through its agent (issue 16): virsh guestinfo, domifaddr,
 * domfsinfo, domfsfreeze and domfsthaw
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The agent is asked under the agent job with the domain unlocked
 * (qemu_driver_agent.c); what it said about disks is then matched to
 * the domain's own disks (by PCI address) with the domain locked again.
 */
#include <config.h>

#include "qemu_driver_agent.h"
#include "qemu_agent_guest.h"
#include "qemu_domain.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_guestinfo");

#define QEMU_GUEST_INFO_TYPES \
    (VIR_DOMAIN_GUEST_INFO_USERS | VIR_DOMAIN_GUEST_INFO_OS | \
     VIR_DOMAIN_GUEST_INFO_TIMEZONE | VIR_DOMAIN_GUEST_INFO_HOSTNAME | \
     VIR_DOMAIN_GUEST_INFO_FILESYSTEM | VIR_DOMAIN_GUEST_INFO_DISKS | \
     VIR_DOMAIN_GUEST_INFO_INTERFACES)

/* What the agent said, gathered with the domain unlocked. */
typedef struct {
    virTypedParamList *list;    /* users, os, timezone, hostname */
    GPtrArray *fs;              /* qemuAgentFSInfo */
    GPtrArray *disks;           /* qemuAgentDiskInfo */
    GPtrArray *ifaces;          /* virDomainInterface */
} qemuGuestInfo;


static void
qemuGuestInfoClear(qemuGuestInfo *info)
{
    g_clear_pointer(&info->list, virTypedParamListFree);
    g_clear_pointer(&info->fs, g_ptr_array_unref);
    g_clear_pointer(&info->disks, g_ptr_array_unref);
    g_clear_pointer(&info->ifaces, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuGuestInfo, qemuGuestInfoClear);


/* The target (vda) of the disk of @def the agent placed at @addr, or
 * NULL. */
static const char *
qemuGuestInfoDiskTarget(const virDomainDef *def,
                        const qemuAgentDiskAddress *addr)
{
    size_t i;

    if (!addr || !addr->hasPCI)
        return NULL;
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        const virPCIDeviceAddress *pci = &disk->info.addr.pci;

        if (disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            pci->domain == addr->pciDomain && pci->bus == addr->pciBus &&
            pci->slot == addr->pciSlot && pci->function == addr->pciFunction)
            return disk->dst;
    }
    return NULL;
}


static void
qemuGuestInfoAdd(virTypedParamList *list, const char *value,
                 const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Adds the string @value (when not NULL) under the name @fmt, ... */
static void
qemuGuestInfoAdd(virTypedParamList *list, const char *value,
                 const char *fmt, ...)
{
    g_autofree char *name = NULL;
    va_list ap;

    if (!value)
        return;
    va_start(ap, fmt);
    name = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    virTypedParamListAddString(list, name, value);
}


static void
qemuGuestInfoAddUInt(virTypedParamList *list, unsigned long long value,
                     bool wide, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
qemuGuestInfoAddUInt(virTypedParamList *list, unsigned long long value,
                     bool wide, const char *fmt, ...)
{
    g_autofree char *name = NULL;
    va_list ap;

    va_start(ap, fmt);
    name = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (wide)
        virTypedParamListAddULLong(list, name, value);
    else
        virTypedParamListAddUInt(list, name, value);
}


/* fs.count, fs.<i>.name/mountpoint/fstype/total-bytes/used-bytes and
 * fs.<i>.disk.<j>.alias/serial/device, as libvirt names them. */
static void
qemuGuestInfoFormatFS(const virDomainDef *def, GPtrArray *fs,
                      virTypedParamList *list)
{
    size_t i;
    size_t j;

    qemuGuestInfoAddUInt(list, fs->len, false, "fs.count");
    for (i = 0; i < fs->len; i++) {
        qemuAgentFSInfo *f = g_ptr_array_index(fs, i);

        qemuGuestInfoAdd(list, f->name, "fs.%zu.name", i);
        qemuGuestInfoAdd(list, f->mountpoint, "fs.%zu.mountpoint", i);
        qemuGuestInfoAdd(list, f->fstype, "fs.%zu.fstype", i);
        if (f->totalBytes >= 0)
            qemuGuestInfoAddUInt(list, f->totalBytes, true,
                                 "fs.%zu.total-bytes", i);
        if (f->usedBytes >= 0)
            qemuGuestInfoAddUInt(list, f->usedBytes, true,
                                 "fs.%zu.used-bytes", i);
        qemuGuestInfoAddUInt(list, f->disks->len, false, "fs.%zu.disk.count", i);
        for (j = 0; j < f->disks->len; j++) {
            qemuAgentDiskAddress *d = g_ptr_array_index(f->disks, j);

            qemuGuestInfoAdd(list, qemuGuestInfoDiskTarget(def, d),
                             "fs.%zu.disk.%zu.alias", i, j);
            qemuGuestInfoAdd(list, d->serial, "fs.%zu.disk.%zu.serial", i, j);
            qemuGuestInfoAdd(list, d->devnode, "fs.%zu.disk.%zu.device", i, j);
        }
    }
}


/* disk.count, disk.<i>.name/partition/dependency.*, serial, alias (the
 * domain's target) and guest_alias. */
static void
qemuGuestInfoFormatDisks(const virDomainDef *def, GPtrArray *disks,
                         virTypedParamList *list)
{
    size_t i;
    size_t j;

    qemuGuestInfoAddUInt(list, disks->len, false, "disk.count");
    for (i = 0; i < disks->len; i++) {
        qemuAgentDiskInfo *d = g_ptr_array_index(disks, i);
        g_autofree char *part = g_strdup_printf("disk.%zu.partition", i);
        size_t ndeps = d->dependencies ? g_strv_length(d->dependencies) : 0;

        qemuGuestInfoAdd(list, d->name, "disk.%zu.name", i);
        virTypedParamListAddBoolean(list, part, d->partition);
        if (ndeps > 0)
            qemuGuestInfoAddUInt(list, ndeps, false,
                                 "disk.%zu.dependency.count", i);
        for (j = 0; j < ndeps; j++)
            qemuGuestInfoAdd(list, d->dependencies[j],
                             "disk.%zu.dependency.%zu.name", i, j);
        if (d->address) {
            qemuGuestInfoAdd(list, d->address->serial, "disk.%zu.serial", i);
            qemuGuestInfoAdd(list, qemuGuestInfoDiskTarget(def, d->address),
                             "disk.%zu.alias", i);
        }
        qemuGuestInfoAdd(list, d->alias, "disk.%zu.guest_alias", i);
    }
}


/* if.count, if.<i>.name/hwaddr/addr.count, if.<i>.addr.<j>.type/addr/
 * prefix. */
static void
qemuGuestInfoFormatIfaces(GPtrArray *ifaces, virTypedParamList *list)
{
    size_t i;
    size_t j;

    qemuGuestInfoAddUInt(list, ifaces->len, false, "if.count");
    for (i = 0; i < ifaces->len; i++) {
        virDomainInterface *iface = g_ptr_array_index(ifaces, i);

        qemuGuestInfoAdd(list, iface->name, "if.%zu.name", i);
        qemuGuestInfoAdd(list, iface->hwaddr, "if.%zu.hwaddr", i);
        qemuGuestInfoAddUInt(list, iface->naddrs, false, "if.%zu.addr.count", i);
        for (j = 0; j < iface->naddrs; j++) {
            virDomainIPAddress *a = &iface->addrs[j];

            qemuGuestInfoAdd(list, a->type == VIR_IP_ADDR_TYPE_IPV4 ? "ipv4" : "ipv6",
                             "if.%zu.addr.%zu.type", i, j);
            qemuGuestInfoAdd(list, a->addr, "if.%zu.addr.%zu.addr", i, j);
            qemuGuestInfoAddUInt(list, a->prefix, false,
                                 "if.%zu.addr.%zu.prefix", i, j);
        }
    }
}


/* Asks the agent for the @types of information; with @report false
 * (no types asked for) what the agent lacks is left out.  Returns 0 or
 * -1 (reported). */
static int
qemuGuestInfoQuery(qemuAgent *agent, unsigned int types, bool report,
                   qemuGuestInfo *info)
{
    g_autofree char *hostname = NULL;

    if ((types & VIR_DOMAIN_GUEST_INFO_USERS) &&
        qemuAgentGetUsers(agent, report, info->list) == -1)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_OS) &&
        qemuAgentGetOSInfo(agent, report, info->list) == -1)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_TIMEZONE) &&
        qemuAgentGetTimezone(agent, report, info->list) == -1)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_HOSTNAME) &&
        qemuAgentGetHostname(agent, report, &hostname) == -1)
        return -1;
    if (hostname)
        virTypedParamListAddString(info->list, "hostname", hostname);
    if ((types & VIR_DOMAIN_GUEST_INFO_FILESYSTEM) &&
        qemuAgentGetFSInfo(agent, report, &info->fs) == -1)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_DISKS) &&
        qemuAgentGetDisks(agent, report, &info->disks) == -1)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_INTERFACES) &&
        qemuAgentGetInterfaces(agent, report, &info->ifaces) == -1)
        return -1;
    return 0;
}


/**
 * qemuDomainGetGuestInfo:
 * virDomainGetGuestInfo (virsh guestinfo): the @types asked for (all
 * the agent has when 0), in libvirt's parameter names.
 */
int
qemuDomainGetGuestInfo(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                       unsigned int types, virTypedParameterPtr *params,
                       int *nparams, unsigned int flags)
{
    g_auto(qemuGuestInfo) info = { .list = virTypedParamListNew() };
    virDomainObj *vm;
    qemuAgent *agent;
    int ret = -1;

    VIR_DEBUG("dom=%s types=0x%x flags=0x%x", dom->name, types, flags);
    virCheckFlags(0, -1);
    if (types & ~QEMU_GUEST_INFO_TYPES) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unsupported guest information types '0x%1$x'"),
                       types & ~QEMU_GUEST_INFO_TYPES);
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_QUERY))) {
        ret = qemuGuestInfoQuery(agent, types ? types : QEMU_GUEST_INFO_TYPES,
                                 types != 0, &info);
        qemuDomainAgentExit(vm, agent);
    }
    if (ret == 0 && info.fs)
        qemuGuestInfoFormatFS(vm->def, info.fs, info.list);
    if (ret == 0 && info.disks)
        qemuGuestInfoFormatDisks(vm->def, info.disks, info.list);
    if (ret == 0 && info.ifaces)
        qemuGuestInfoFormatIfaces(info.ifaces, info.list);
    virDomainObjEndAPI(&vm);
    if (ret == 0)
        virTypedParamListSteal(info.list, params, nparams);
    return ret;
}


/**
 * qemuDomainInterfaceAddresses:
 * virDomainInterfaceAddresses (virsh domifaddr): from the agent
 * (SRC_AGENT).  SRC_LEASE reads the DHCP leases of libvirt's virtual
 * networks and SRC_ARP the host's ARP table for them: this daemon runs
 * no such networks, so both find no interface, as libvirt does for a
 * guest without one.
 */
int
qemuDomainInterfaceAddresses(virConn *conn G_GNUC_UNUSED,
                             const virDomainIdent *dom, unsigned int source,
                             GPtrArray **retIfaces, unsigned int flags)
{
    virDomainObj *vm;
    qemuAgent *agent;
    int ret = -1;

    VIR_DEBUG("dom=%s source=%u flags=0x%x", dom->name, source, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    switch ((virDomainInterfaceAddressesSource)source) {
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP:
        if (virDomainObjCheckActive(vm) == 0) {
            *retIfaces = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainInterfaceFree);
            ret = 0;
        }
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT:
        if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_QUERY))) {
            ret = qemuAgentGetInterfaces(agent, true, retIfaces);
            qemuDomainAgentExit(vm, agent);
        }
        break;
    default:
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("Unknown IP address data source %1$d"), source);
        break;
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* The virDomainFSInfo of @fs, its disks named by the targets of @def. */
static virDomainFSInfo *
qemuGuestInfoFSToPublic(const virDomainDef *def, const qemuAgentFSInfo *fs)
{
    virDomainFSInfo *out = g_new0(virDomainFSInfo, 1);
    size_t i;

    out->mountpoint = g_strdup(fs->mountpoint);
    out->name = g_strdup(fs->name);
    out->fstype = g_strdup(fs->fstype);
    out->devAlias = g_new0(char *, fs->disks->len + 1);
    for (i = 0; i < fs->disks->len; i++) {
        const char *dst = qemuGuestInfoDiskTarget(def,
                                                  g_ptr_array_index(fs->disks, i));

        if (dst)
            out->devAlias[out->ndevAlias++] = g_strdup(dst);
    }
    return out;
}


/**
 * qemuDomainGetFSInfo:
 * virDomainGetFSInfo (virsh domfsinfo): the guest's mounted file
 * systems, a GPtrArray of virDomainFSInfo in *@retInfo.
 */
int
qemuDomainGetFSInfo(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                    GPtrArray **retInfo, unsigned int flags)
{
    g_autoptr(GPtrArray) fs = NULL;
    virDomainObj *vm;
    qemuAgent *agent;
    size_t i;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_QUERY))) {
        if (qemuAgentGetFSInfo(agent, true, &fs) < 0)
            fs = NULL;
        qemuDomainAgentExit(vm, agent);
    }
    if (fs) {
        *retInfo = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainFSInfoFree);
        for (i = 0; i < fs->len; i++)
            g_ptr_array_add(*retInfo,
                            qemuGuestInfoFSToPublic(vm->def,
                                                    g_ptr_array_index(fs, i)));
    }
    virDomainObjEndAPI(&vm);
    return fs ? 0 : -1;
}


/* domfsfreeze (@freeze, @mountpoints or all) and domfsthaw: one agent
 * command under a modify job. */
static int
qemuDomainFSFreezeThaw(const virDomainIdent *dom, bool freeze,
                       const char **mountpoints, unsigned int nmountpoints)
{
    virDomainObj *vm;
    qemuAgent *agent;
    int ret = -1;

    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if ((agent = qemuDomainAgentEnter(vm, VIR_AGENT_JOB_MODIFY))) {
        if (freeze)
            ret = qemuAgentFSFreeze(agent, mountpoints, nmountpoints);
        else
            ret = qemuAgentFSThaw(agent);
        qemuDomainAgentExit(vm, agent);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* virDomainFSFreeze (virsh domfsfreeze): @mountpoints, or all. */
int
qemuDomainFSFreeze(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                   const char **mountpoints, unsigned int nmountpoints,
                   unsigned int flags)
{
    VIR_DEBUG("dom=%s nmountpoints=%u flags=0x%x", dom->name, nmountpoints,
              flags);
    virCheckFlags(0, -1);
    return qemuDomainFSFreezeThaw(dom, true, mountpoints, nmountpoints);
}


/* virDomainFSThaw (virsh domfsthaw): the agent thaws everything it
 * froze; a list of mount points is refused, as libvirt does. */
int
qemuDomainFSThaw(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                 const char **mountpoints G_GNUC_UNUSED,
                 unsigned int nmountpoints, unsigned int flags)
{
    VIR_DEBUG("dom=%s nmountpoints=%u flags=0x%x", dom->name, nmountpoints,
              flags);
    virCheckFlags(0, -1);
    if (nmountpoints > 0) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("specifying mountpoints is not supported"));
        return -1;
    }
    return qemuDomainFSFreezeThaw(dom, false, NULL, 0);
}
