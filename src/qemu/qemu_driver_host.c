/*
 * qemu_driver_host.c: driver entry points for the connection and the host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_driver_host.h"
#include "qemu_capabilities.h"
#include "qemu_closecallbacks.h"
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
qemuConnectSupportsFeature(virConn *conn, int feature)
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
qemuConnectGetType(virConn *conn)
{
    return "QEMU";
}


int
qemuConnectGetVersion(virConn *conn, unsigned long long *hvVer)
{
    *hvVer = qemu_driver->caps->version;
    return 0;
}


char *
qemuConnectGetHostname(virConn *conn)
{
    return g_strdup(qemu_driver->cfg->hostName);
}


char *
qemuConnectGetCapabilities(virConn *conn)
{
    virQEMUDriver *driver = qemu_driver;

    g_mutex_lock(&driver->lock);
    if (!driver->capsXML)
        driver->capsXML = qemuCapsGetCapabilitiesXML(driver->cfg->emulator,
                                                     driver->cfg->hostUUID);
    g_mutex_unlock(&driver->lock);
    /* Once set, capsXML never changes: no lock needed to copy it. */
    if (!driver->capsXML)
        return NULL;
    return g_strdup(driver->capsXML);
}


int
qemuConnectGetMaxVcpus(virConn *conn, const char *type)
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
qemuNodeGetInfo(virConn *conn, virNodeInfo *info)
{
    return virHostInfoGetNodeInfo(info);
}
