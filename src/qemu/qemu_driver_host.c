/*
 * qemu_driver_host.c: driver entry points for the connection and the host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_driver_host.h"
#include "qemu_capabilities.h"
#include "qemu_closecallbacks.h"
#include "qemu_cpu.h"
#include "qemu_cpu_baseline.h"
#include "qemu_domaincaps.h"
#include "qemu_migration.h"
#include "virhostinfo.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_host");


/**
 * qemuStateInitialize:
 * Creates the driver: its config (from the daemon's file), the domain
 * list, and the host facts (emulator version and capabilities) probed
 * once now.  Returns 0 or -1 (reported).
 */
int
qemuStateInitialize(const virDriverStateConfig *dcfg)
{
    g_autoptr(virQEMUDriverConfig) cfg = qemuDriverConfigNew(dcfg);
    virQEMUDriver *driver;

    if (!cfg)
        return -1;
    driver = g_new0(virQEMUDriver, 1);
    g_mutex_init(&driver->lock);
    driver->cfg = g_steal_pointer(&cfg);
    driver->eventSink = dcfg->eventSink;
    driver->eventOpaque = dcfg->eventOpaque;
    driver->selfURI = g_strdup(dcfg->selfURI);
    driver->peerOpen = dcfg->peerOpen;
    driver->domains = virDomainObjListNew();
    qemu_driver = driver;
    if (!(driver->caps = qemuCapsCacheLookup(driver->cfg->emulator))) {
        qemuStateCleanup();
        return -1;
    }
    qemuMigrationInit();
    VIR_INFO("emulator %s version %u", driver->cfg->emulator,
             driver->caps->version);
    return 0;
}


void
qemuStateCleanup(void)
{
    virQEMUDriver *driver = g_steal_pointer(&qemu_driver);

    if (!driver)
        return;
    virDomainObjListFree(driver->domains);
    virObjectUnref(driver->caps);
    g_free(driver->capsXML);
    g_free(driver->selfURI);
    qemuDriverConfigFree(driver->cfg);
    g_mutex_clear(&driver->lock);
    g_free(driver);
}


int
qemuConnectOpen(virConn *conn, unsigned int flags)
{
    VIR_DEBUG("uri=%s flags=0x%x", conn->uri, flags);
    if (!qemu_driver) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("qemu state driver is not active"));
        return -1;
    }
    conn->privateData = qemu_driver;
    qemuCloseCallbacksConnOpened(conn);
    return 0;
}


int
qemuConnectClose(virConn *conn)
{
    qemuCloseCallbacksConnForget(conn);
    conn->privateData = NULL;
    return 0;
}


/* The client of @conn is gone (daemon's I/O thread): what it left half
 * done (a migration) is cleaned up by the close callbacks, on workers. */
void
qemuConnectClosed(virConn *conn)
{
    VIR_DEBUG("conn=%p", conn);
    qemuCloseCallbacksConnClosed(conn);
}


/*
 * Only what is really implemented answers 1; the daemon itself answers
 * keepalive and the event and close callback features.  The migration
 * protocols are those migration_protocols allows (the typed-parameter
 * procedures and offline migration are part of v3): a client picks v3
 * if both hosts answer it, else v2.
 */
int
qemuConnectSupportsFeature(virConn *conn G_GNUC_UNUSED, int feature)
{
    unsigned int protocols = qemu_driver->cfg->migrationProtocols;

    switch (feature) {
    case VIR_DRV_FEATURE_MIGRATION_V2:
        return !!(protocols & QEMU_MIGRATION_PROTOCOL_V2);
    case VIR_DRV_FEATURE_MIGRATION_V3:
    case VIR_DRV_FEATURE_MIGRATION_PARAMS:
    case VIR_DRV_FEATURE_MIGRATION_OFFLINE:
        return !!(protocols & QEMU_MIGRATION_PROTOCOL_V3);
    case VIR_DRV_FEATURE_MIGRATION_P2P:
        /* this host drives a destination itself (the daemon hands the
         * driver peerOpen), with whatever protocol the destination has */
        return qemu_driver->peerOpen != NULL;
    case VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION:
    case VIR_DRV_FEATURE_XML_MIGRATABLE:
        return 1;
    default:
        return 0;
    }
}


const char *
qemuConnectGetType(virConn *conn G_GNUC_UNUSED)
{
    return "QEMU";
}


int
qemuConnectGetVersion(virConn *conn G_GNUC_UNUSED, unsigned long long *hvVer)
{
    *hvVer = qemu_driver->caps->version;
    return 0;
}


char *
qemuConnectGetHostname(virConn *conn G_GNUC_UNUSED)
{
    return g_strdup(qemu_driver->cfg->hostName);
}


/* Names the host CPU as libvirt does: a model of @caps's QEMU and the
 * features the host has beyond it (qemuCPUHostModel), not the
 * /proc/cpuinfo brand string, which no CPU API accepts.  Without a
 * model that fits, the capabilities name none, as libvirt's do. */
static void
qemuConnectSetHostCPUModel(virCaps *vcaps, const qemuCaps *caps,
                           const virHostInfo *host)
{
    g_autoptr(GPtrArray) features = NULL;
    g_autofree char *model = NULL;

    if (ARCH_IS_X86(host->arch))
        model = qemuCPUHostModel(caps, host->cpuVendor, host->cpuFlags,
                                 &features);
    if (!model) {
        VIR_WARN("no CPU model of %s fits host CPU '%s': %s", caps->binary,
                 NULLSTR(host->cpuModel), NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
    virCapabilitiesSetHostCPUModel(vcaps, model, features);
}


/* The capabilities XML of this host for emulator @binary, probing the
 * host and (through the cache) the binary; naming the host CPU's model
 * runs the binary once more (its CPU model map, kept for baselines).
 * Returns a string the caller owns, or NULL with an error reported. */
static char *
qemuConnectFormatCapabilities(const char *binary, const unsigned char *uuid)
{
    g_autoptr(virHostInfo) host = virHostInfoProbe();
    g_autoptr(virCaps) vcaps = NULL;
    qemuCaps *caps = qemuCapsCacheLookup(binary);
    char *xml;

    if (!caps)
        return NULL;
    vcaps = qemuCapsBuildHostCaps(caps, host, uuid, qemuCapsKVMUsable());
    qemuConnectSetHostCPUModel(vcaps, caps, host);
    xml = virCapabilitiesFormatXML(vcaps);
    virObjectUnref(caps);
    return xml;
}


char *
qemuConnectGetCapabilities(virConn *conn G_GNUC_UNUSED)
{
    virQEMUDriver *driver = qemu_driver;

    g_mutex_lock(&driver->lock);
    if (!driver->capsXML)
        driver->capsXML = qemuConnectFormatCapabilities(driver->cfg->emulator,
                                                        driver->cfg->hostUUID);
    g_mutex_unlock(&driver->lock);
    /* Once set, capsXML never changes: no lock needed to copy it. */
    if (!driver->capsXML)
        return NULL;
    return g_strdup(driver->capsXML);
}


int
qemuConnectGetMaxVcpus(virConn *conn G_GNUC_UNUSED, const char *type)
{
    unsigned int max;

    if (type && STRCASENEQ(type, "qemu") && STRCASENEQ(type, "kvm")) {
        virReportError(VIR_ERR_INVALID_ARG, _("unknown type '%1$s'"), type);
        return -1;
    }
    max = qemuCapsGetMachineMaxCpus(qemu_driver->caps, NULL);
    return max ? (int)max : 255;
}


int
qemuNodeGetInfo(virConn *conn G_GNUC_UNUSED, virNodeInfo *info)
{
    return virHostInfoGetNodeInfo(info);
}


/* The virtualization type of a domain capabilities query: KVM when usable
 * and nothing was asked.  Returns 0 or -1 (reported). */
static int
qemuConnectDomainCapsVirtType(const char *virttype, virDomainVirtType *ret)
{
    int type = VIR_DOMAIN_VIRT_KVM;

    if (!virttype) {
        *ret = qemuCapsKVMUsable() ? VIR_DOMAIN_VIRT_KVM : VIR_DOMAIN_VIRT_QEMU;
        return 0;
    }
    if ((type = virDomainVirtTypeFromString(virttype)) <= 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("unknown virttype: %1$s"), virttype);
        return -1;
    }
    if (type == VIR_DOMAIN_VIRT_KVM && !qemuCapsKVMUsable()) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("KVM is not supported on this host"));
        return -1;
    }
    *ret = type;
    return 0;
}


/* Checks the hypervisor a query names: this driver's one emulator
 * (x86_64), a machine type it has (NULL: the default), an accelerator
 * that works.  Returns 0 or -1 with VIR_ERR_INVALID_ARG. */
static int
qemuConnectCheckHypervisor(const char *emulatorbin, const char *arch,
                           const char *machine, const char *virttype,
                           virDomainVirtType *retType, const char **retMachine)
{
    const qemuCaps *caps = qemu_driver->caps;

    if (emulatorbin && STRNEQ(emulatorbin, caps->binary)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("emulator '%1$s' is not the one this daemon runs ('%2$s')"),
                       emulatorbin, caps->binary);
        return -1;
    }
    if (arch && STRNEQ(arch, "x86_64")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unable to find any emulator to serve '%1$s' architecture"),
                       arch);
        return -1;
    }
    if (qemuConnectDomainCapsVirtType(virttype, retType) < 0)
        return -1;
    if (!(*retMachine = qemuCapsResolveMachine(caps, machine))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the machine '%1$s' is not supported by emulator '%2$s'"),
                       NULLSTR(machine), caps->binary);
        return -1;
    }
    return 0;
}


/* virConnectGetDomainCapabilities for this driver's one emulator. */
char *
qemuConnectGetDomainCapabilities(virConn *conn G_GNUC_UNUSED,
                                 const char *emulatorbin,
                                 const char *arch, const char *machine,
                                 const char *virttype, unsigned int flags)
{
    virDomainVirtType type;
    const char *canonical;

    VIR_DEBUG("emulator=%s arch=%s machine=%s virttype=%s flags=0x%x",
              NULLSTR(emulatorbin), NULLSTR(arch), NULLSTR(machine),
              NULLSTR(virttype), flags);
    virCheckFlags(0, NULL);
    if (qemuConnectCheckHypervisor(emulatorbin, arch, machine, virttype, &type,
                                   &canonical) < 0)
        return NULL;
    return qemuDomainCapsFormat(qemu_driver->caps, canonical, type);
}


/* The host CPU's model as the capabilities XML gives it, or NULL. */
static char *
qemuConnectHostCPUModel(void)
{
    g_autoptr(virHostInfo) host = virHostInfoProbe();
    g_autoptr(GPtrArray) features = NULL;
    char *model = qemuCPUHostModel(qemu_driver->caps, host->cpuVendor,
                                   host->cpuFlags, &features);

    virErrorResetLast();
    return model;
}


/* virConnectCompareCPU: whether a guest with that CPU can run here
 * (what this host's QEMU can run; see qemu_cpu.h). */
int
qemuConnectCompareCPU(virConn *conn G_GNUC_UNUSED, const char *xml,
                      unsigned int flags)
{
    g_autofree char *host = NULL;

    virCheckFlags(VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE |
                  VIR_CONNECT_COMPARE_CPU_VALIDATE_XML, VIR_CPU_COMPARE_ERROR);
    host = qemuConnectHostCPUModel();
    return qemuCPUCompareXML(qemu_driver->caps, host, xml,
                             flags & VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
}


/* virConnectCompareHypervisorCPU: the same, for a named hypervisor. */
int
qemuConnectCompareHypervisorCPU(virConn *conn G_GNUC_UNUSED,
                                const char *emulator,
                                const char *arch, const char *machine,
                                const char *virttype, const char *xmlCPU,
                                unsigned int flags)
{
    virDomainVirtType type;
    const char *canonical;

    virCheckFlags(VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE |
                  VIR_CONNECT_COMPARE_CPU_VALIDATE_XML, VIR_CPU_COMPARE_ERROR);
    if (qemuConnectCheckHypervisor(emulator, arch, machine, virttype, &type,
                                   &canonical) < 0)
        return VIR_CPU_COMPARE_ERROR;
    return qemuCPUCompareXML(qemu_driver->caps, NULL, xmlCPU,
                             flags & VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
}


/* virConnectBaselineCPU: the baseline of host CPUs, on the models this
 * daemon's QEMU defines (qemu_cpu_baseline.h). */
char *
qemuConnectBaselineCPU(virConn *conn G_GNUC_UNUSED, const char **xmlCPUs,
                       unsigned int ncpus, unsigned int flags)
{
    VIR_DEBUG("ncpus=%u flags=0x%x", ncpus, flags);
    virCheckFlags(VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES |
                      VIR_CONNECT_BASELINE_CPU_MIGRATABLE,
                  NULL);
    return qemuCPUBaseline(qemu_driver->caps, xmlCPUs, ncpus, flags, false);
}


/* virConnectBaselineHypervisorCPU: the same, limited to the models and
 * features the named hypervisor (this daemon's QEMU) runs. */
char *
qemuConnectBaselineHypervisorCPU(virConn *conn G_GNUC_UNUSED,
                                 const char *emulator, const char *arch,
                                 const char *machine, const char *virttype,
                                 const char **xmlCPUs, unsigned int ncpus,
                                 unsigned int flags)
{
    virDomainVirtType type;
    const char *canonical;

    VIR_DEBUG("emulator=%s arch=%s machine=%s virttype=%s ncpus=%u flags=0x%x",
              NULLSTR(emulator), NULLSTR(arch), NULLSTR(machine),
              NULLSTR(virttype), ncpus, flags);
    virCheckFlags(VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES |
                      VIR_CONNECT_BASELINE_CPU_MIGRATABLE,
                  NULL);
    if (qemuConnectCheckHypervisor(emulator, arch, machine, virttype, &type,
                                   &canonical) < 0)
        return NULL;
    return qemuCPUBaseline(qemu_driver->caps, xmlCPUs, ncpus, flags, true);
}
