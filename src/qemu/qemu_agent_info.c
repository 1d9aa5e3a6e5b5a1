/*
 * qemu_agent_info.c: what the guest agent tells about the guest
 * (virsh guestinfo, domifaddr --source agent, domfsinfo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Replies are checked as they are read: a member the agent must send
 * and did not, or sent with the wrong type, is an internal error naming
 * it, never a crash.  Typed parameter names are libvirt's.
 */
#include <config.h>

#include "qemu_agent_guest.h"
#include "qemu_monitor.h"
#include "virerror.h"
#include "virhypervisordriver.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_agent_info");

/* More entries than this in one reply is garbage. */
#define QEMU_AGENT_INFO_MAX 4096
/* Bounds of the numbers a guest reports: byte counts (2^62, far past any
 * file system, and within long long) and login times in seconds (2^53 / 1000:
 * exact as a double, and times 1000 still fits an unsigned long long). */
#define QEMU_AGENT_INFO_MAX_BYTES 4611686018427387904.0
#define QEMU_AGENT_INFO_MAX_SECONDS 9007199254740.0


/* A number member (int or double) from 0 to @max, or false.  The guest
 * writes these: a value out of range, NaN included, is refused here, so
 * that no caller converts an out-of-range double (undefined behaviour). */
static bool
qemuAgentInfoNumber(json_object *obj, const char *name, double max,
                    double *retValue)
{
    double d;

    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, name, &v) ||
        !(json_object_is_type(v, json_type_int) ||
          json_object_is_type(v, json_type_double)))
        return false;
    d = json_object_get_double(v);
    if (!(d >= 0 && d <= max))
        return false;
    *retValue = d;
    return true;
}


/* One {"ip-address-type", "ip-address", "prefix"} into @addr. */
static int
qemuAgentInfoIPAddress(json_object *obj, virDomainIPAddress *addr)
{
    const char *type = qemuAgentString(obj, "ip-address-type");
    const char *ip = qemuAgentString(obj, "ip-address");
    json_object *prefix = qemuAgentMember(obj, "prefix", json_type_int);

    if (!type || !(STREQ(type, "ipv4") || STREQ(type, "ipv6")))
        return qemuAgentMalformed("guest-network-get-interfaces",
                                  "ip-address-type");
    if (!ip || !prefix || json_object_get_int64(prefix) < 0 ||
        json_object_get_int64(prefix) > 128)
        return qemuAgentMalformed("guest-network-get-interfaces",
                                  "ip-address/prefix");
    addr->type = STREQ(type, "ipv4") ? VIR_IP_ADDR_TYPE_IPV4
                                     : VIR_IP_ADDR_TYPE_IPV6;
    addr->addr = g_strdup(ip);
    addr->prefix = json_object_get_int64(prefix);
    return 0;
}


/* Appends the addresses of interface @obj to @iface. */
static int
qemuAgentInfoIfaceAddrs(json_object *obj, virDomainInterface *iface)
{
    json_object *list = NULL;
    size_t n;
    size_t i;

    if (!json_object_object_get_ex(obj, "ip-addresses", &list) || !list)
        return 0;
    if (!json_object_is_type(list, json_type_array) ||
        json_object_array_length(list) > QEMU_AGENT_INFO_MAX)
        return qemuAgentMalformed("guest-network-get-interfaces",
                                  "ip-addresses");
    n = json_object_array_length(list);
    iface->addrs = g_renew(virDomainIPAddress, iface->addrs,
                           iface->naddrs + n);
    memset(iface->addrs + iface->naddrs, 0, n * sizeof(virDomainIPAddress));
    for (i = 0; i < n; i++) {
        if (qemuAgentInfoIPAddress(json_object_array_get_idx(list, i),
                                   &iface->addrs[iface->naddrs]) < 0)
            return -1;
        iface->naddrs++;
    }
    return 0;
}


/**
 * qemuAgentGetInterfaces:
 * guest-network-get-interfaces: a GPtrArray of virDomainInterface in
 * *@retIfaces (caller owns), the addresses of an alias ("eth0:1") with
 * its interface, as libvirt does.  Returns 0, -2 or -1 (see the header).
 */
int
qemuAgentGetInterfaces(qemuAgent *agent, bool reportUnsupported,
                       GPtrArray **retIfaces)
{
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GPtrArray) ifaces = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainInterfaceFree);
    g_autoptr(GHashTable) byName = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-network-get-interfaces",
                             json_type_array, QEMU_AGENT_INFO_MAX,
                             reportUnsupported, &ret)) < 0)
        return rc;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *obj = json_object_array_get_idx(ret, i);
        const char *name = qemuAgentString(obj, "name");
        g_autofree char *base = NULL;
        virDomainInterface *iface;

        if (!name)
            return qemuAgentMalformed("guest-network-get-interfaces", "name");
        base = g_strdelimit(g_strdup(name), ":", '\0');
        if (!(iface = g_hash_table_lookup(byName, base))) {
            iface = g_new0(virDomainInterface, 1);
            iface->name = g_strdup(base);
            iface->hwaddr = g_strdup(qemuAgentString(obj, "hardware-address"));
            g_ptr_array_add(ifaces, iface);
            g_hash_table_insert(byName, iface->name, iface);
        }
        if (qemuAgentInfoIfaceAddrs(obj, iface) < 0)
            return -1;
    }
    *retIfaces = g_steal_pointer(&ifaces);
    return 0;
}


/* A GuestDiskAddress object; caller owns the result, NULL if malformed
 * (reported). */
static qemuAgentDiskAddress *
qemuAgentInfoDiskAddress(const char *cmd, json_object *obj)
{
    g_autoptr(qemuAgentDiskAddress) addr = g_new0(qemuAgentDiskAddress, 1);
    json_object *pci = qemuAgentMember(obj, "pci-controller", json_type_object);

    if (!json_object_is_type(obj, json_type_object)) {
        qemuAgentMalformed(cmd, "disk address");
        return NULL;
    }
    addr->serial = g_strdup(qemuAgentString(obj, "serial"));
    addr->devnode = g_strdup(qemuAgentString(obj, "dev"));
    addr->busType = g_strdup(qemuAgentString(obj, "bus-type"));
    if (pci) {
        double d, b, s, f;

        if (qemuAgentInfoNumber(pci, "domain", UINT_MAX, &d) &&
            qemuAgentInfoNumber(pci, "bus", UINT_MAX, &b) &&
            qemuAgentInfoNumber(pci, "slot", UINT_MAX, &s) &&
            qemuAgentInfoNumber(pci, "function", UINT_MAX, &f)) {
            addr->hasPCI = true;
            addr->pciDomain = d;
            addr->pciBus = b;
            addr->pciSlot = s;
            addr->pciFunction = f;
        }
    }
    return g_steal_pointer(&addr);
}


static qemuAgentFSInfo *
qemuAgentInfoFS(json_object *obj)
{
    g_autoptr(qemuAgentFSInfo) fs = g_new0(qemuAgentFSInfo, 1);
    json_object *disks = qemuAgentMember(obj, "disk", json_type_array);
    double v;
    size_t i;

    fs->mountpoint = g_strdup(qemuAgentString(obj, "mountpoint"));
    fs->name = g_strdup(qemuAgentString(obj, "name"));
    fs->fstype = g_strdup(qemuAgentString(obj, "type"));
    if (!fs->mountpoint || !fs->name || !fs->fstype || !disks ||
        json_object_array_length(disks) > QEMU_AGENT_INFO_MAX) {
        qemuAgentMalformed("guest-get-fsinfo", "mountpoint/name/type/disk");
        return NULL;
    }
    fs->totalBytes = -1;
    fs->usedBytes = -1;
    if (qemuAgentInfoNumber(obj, "total-bytes", QEMU_AGENT_INFO_MAX_BYTES, &v))
        fs->totalBytes = v;
    if (qemuAgentInfoNumber(obj, "used-bytes", QEMU_AGENT_INFO_MAX_BYTES, &v))
        fs->usedBytes = v;
    fs->disks = g_ptr_array_new_with_free_func((GDestroyNotify)qemuAgentDiskAddressFree);
    for (i = 0; i < json_object_array_length(disks); i++) {
        qemuAgentDiskAddress *addr;

        if (!(addr = qemuAgentInfoDiskAddress("guest-get-fsinfo",
                                              json_object_array_get_idx(disks, i))))
            return NULL;
        g_ptr_array_add(fs->disks, addr);
    }
    return g_steal_pointer(&fs);
}


/**
 * qemuAgentGetFSInfo:
 * guest-get-fsinfo: a GPtrArray of qemuAgentFSInfo in *@retInfo (caller
 * owns).  Returns 0, -2 or -1 (see the header).
 */
int
qemuAgentGetFSInfo(qemuAgent *agent, bool reportUnsupported,
                   GPtrArray **retInfo)
{
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GPtrArray) info = g_ptr_array_new_with_free_func((GDestroyNotify)qemuAgentFSInfoFree);
    size_t i;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-get-fsinfo", json_type_array,
                             QEMU_AGENT_INFO_MAX, reportUnsupported, &ret)) < 0)
        return rc;
    for (i = 0; i < json_object_array_length(ret); i++) {
        qemuAgentFSInfo *fs;

        if (!(fs = qemuAgentInfoFS(json_object_array_get_idx(ret, i))))
            return -1;
        g_ptr_array_add(info, fs);
    }
    *retInfo = g_steal_pointer(&info);
    return 0;
}


static qemuAgentDiskInfo *
qemuAgentInfoDisk(json_object *obj)
{
    g_autoptr(qemuAgentDiskInfo) disk = g_new0(qemuAgentDiskInfo, 1);
    json_object *part = qemuAgentMember(obj, "partition", json_type_boolean);
    json_object *deps = qemuAgentMember(obj, "dependencies", json_type_array);
    json_object *addr = qemuAgentMember(obj, "address", json_type_object);
    size_t n = deps ? MIN(json_object_array_length(deps), QEMU_AGENT_INFO_MAX) : 0;
    size_t i;

    disk->name = g_strdup(qemuAgentString(obj, "name"));
    if (!disk->name || !part) {
        qemuAgentMalformed("guest-get-disks", "name/partition");
        return NULL;
    }
    disk->partition = json_object_get_boolean(part);
    disk->alias = g_strdup(qemuAgentString(obj, "alias"));
    disk->dependencies = g_new0(char *, n + 1);
    for (i = 0; i < n; i++) {
        json_object *dep = json_object_array_get_idx(deps, i);

        disk->dependencies[i] = g_strdup(json_object_is_type(dep, json_type_string)
                                             ? json_object_get_string(dep) : "");
    }
    if (addr &&
        !(disk->address = qemuAgentInfoDiskAddress("guest-get-disks", addr)))
        return NULL;
    return g_steal_pointer(&disk);
}


/**
 * qemuAgentGetDisks:
 * guest-get-disks: a GPtrArray of qemuAgentDiskInfo in *@retInfo
 * (caller owns).  Returns 0, -2 or -1 (see the header).
 */
int
qemuAgentGetDisks(qemuAgent *agent, bool reportUnsupported,
                  GPtrArray **retInfo)
{
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GPtrArray) info = g_ptr_array_new_with_free_func((GDestroyNotify)qemuAgentDiskInfoFree);
    size_t i;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-get-disks", json_type_array,
                             QEMU_AGENT_INFO_MAX, reportUnsupported, &ret)) < 0)
        return rc;
    for (i = 0; i < json_object_array_length(ret); i++) {
        qemuAgentDiskInfo *disk;

        if (!(disk = qemuAgentInfoDisk(json_object_array_get_idx(ret, i))))
            return -1;
        g_ptr_array_add(info, disk);
    }
    *retInfo = g_steal_pointer(&info);
    return 0;
}


/**
 * qemuAgentGetUsers:
 * guest-get-users into @list: user.count, user.<i>.name, .domain (when
 * given) and .login-time (ms).  Returns 0, -2 or -1 (see the header).
 */
int
qemuAgentGetUsers(qemuAgent *agent, bool reportUnsupported,
                  virTypedParamList *list)
{
    g_autoptr(json_object) ret = NULL;
    size_t i;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-get-users", json_type_array,
                             QEMU_AGENT_INFO_MAX, reportUnsupported, &ret)) < 0)
        return rc;
    virTypedParamListAddUInt(list, "user.count", json_object_array_length(ret));
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *entry = json_object_array_get_idx(ret, i);
        const char *user = qemuAgentString(entry, "user");
        const char *domain = qemuAgentString(entry, "domain");
        g_autofree char *nameKey = g_strdup_printf("user.%zu.name", i);
        g_autofree char *domainKey = g_strdup_printf("user.%zu.domain", i);
        g_autofree char *timeKey = g_strdup_printf("user.%zu.login-time", i);
        double login;

        if (!user || !qemuAgentInfoNumber(entry, "login-time",
                                          QEMU_AGENT_INFO_MAX_SECONDS, &login))
            return qemuAgentMalformed("guest-get-users", "user/login-time");
        virTypedParamListAddString(list, nameKey, user);
        if (domain)
            virTypedParamListAddString(list, domainKey, domain);
        virTypedParamListAddULLong(list, timeKey, login * 1000);
    }
    return 0;
}


/**
 * qemuAgentGetOSInfo:
 * guest-get-osinfo into @list as os.<member> for the members the agent
 * gave.  Returns 0, -2 or -1 (see the header).
 */
int
qemuAgentGetOSInfo(qemuAgent *agent, bool reportUnsupported,
                   virTypedParamList *list)
{
    static const char *const members[] = {
        "id", "name", "pretty-name", "version", "version-id", "machine",
        "variant", "variant-id", "kernel-release", "kernel-version",
    };
    g_autoptr(json_object) ret = NULL;
    size_t i;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-get-osinfo", json_type_object,
                             QEMU_AGENT_INFO_MAX, reportUnsupported, &ret)) < 0)
        return rc;
    for (i = 0; i < G_N_ELEMENTS(members); i++) {
        const char *value = qemuAgentString(ret, members[i]);
        g_autofree char *key = g_strdup_printf("os.%s", members[i]);

        if (value)
            virTypedParamListAddString(list, key, value);
    }
    return 0;
}


/**
 * qemuAgentGetTimezone:
 * guest-get-timezone into @list: timezone.name (when given) and
 * timezone.offset (seconds east of UTC).  Returns 0, -2 or -1.
 */
int
qemuAgentGetTimezone(qemuAgent *agent, bool reportUnsupported,
                     virTypedParamList *list)
{
    g_autoptr(json_object) ret = NULL;
    json_object *offset = NULL;
    const char *zone;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-get-timezone", json_type_object,
                             QEMU_AGENT_INFO_MAX, reportUnsupported, &ret)) < 0)
        return rc;
    if (!(offset = qemuAgentMember(ret, "offset", json_type_int)))
        return qemuAgentMalformed("guest-get-timezone", "offset");
    if ((zone = qemuAgentString(ret, "zone")))
        virTypedParamListAddString(list, "timezone.name", zone);
    virTypedParamListAddInt(list, "timezone.offset", json_object_get_int(offset));
    return 0;
}
