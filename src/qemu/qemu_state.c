/*
 * qemu_state.c: the driver's domains across daemon restarts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/stat.h>
#include <unistd.h>

#include "qemu_state.h"
#include "qemu_domain_address.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_eventloop.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "qemu_save.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_state");

/* Persistent configs larger than this are refused when loading. */
#define QEMU_CONFIG_MAX_SIZE (10 * 1024 * 1024)


/* ---- definitions in status and config files ---- */

static int
qemuStateDefFormat(virBuffer *buf, const virDomainDef *def,
                   void *opaque G_GNUC_UNUSED)
{
    return virDomainDefFormatBuf(buf, def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                           VIR_DOMAIN_DEF_FORMAT_STATUS);
}


/* The live definition of a status file: read as written (the machine type
 * is not resolved again, so a QEMU upgrade cannot orphan a guest). */
static virDomainDef *
qemuStateDefParse(xmlXPathContext *ctxt, void *opaque G_GNUC_UNUSED)
{
    return virDomainDefParseNode(ctxt->node, NULL, VIR_DOMAIN_DEF_PARSE_STATUS);
}


/* ---- start of the driver ---- */

static int
qemuStateMakeDirs(virQEMUDriverConfig *cfg)
{
    if (virFileMakePathWithMode(cfg->configDir, 0755) < 0 ||
        virFileMakePathWithMode(cfg->autostartDir, 0755) < 0 ||
        virFileMakePathWithMode(cfg->saveDir, 0700) < 0 ||
        virFileMakePathWithMode(cfg->statusDir, 0755) < 0 ||
        virFileMakePathWithMode(cfg->domainLogDir, 0755) < 0)
        return -1;
    return 0;
}


static void
qemuStateConfigure(virQEMUDriver *driver)
{
    virDomainObjConfig *dcfg = &driver->domainCfg;

    qemuDomainObjConfigInit(dcfg, driver->cfg->statusDir);
    dcfg->defFormat = qemuStateDefFormat;
    dcfg->defParse = qemuStateDefParse;
    dcfg->job.waitTimeoutMs = driver->cfg->jobWaitTimeoutMs;

    driver->parserCfg.defaultArch = VIR_ARCH_X86_64;
    driver->parserCfg.defaultEmulator = driver->cfg->emulator;
    driver->parserCfg.machineResolve = qemuCapsMachineResolveCallback;
    driver->parserCfg.defaultCPU = qemuCapsDefaultCPUCallback;
    driver->parserCfg.addDefaultDevices = qemuDomainDefAddDefaultDevices;
    driver->parserCfg.assignAddresses = qemuDomainAssignAddresses;
    driver->parserCfg.opaque = driver->caps;
    driver->parserCfg.channelDirs[0] = QEMU_STOCK_CHANNEL_DIR;
    driver->parserCfg.channelDirs[1] = driver->cfg->channelDir;
}


/* Loads one persistent config; errors are logged and the file skipped. */
static void
qemuStateLoadConfig(virQEMUDriver *driver, const char *file)
{
    g_autofree char *path = g_build_filename(driver->cfg->configDir, file, NULL);
    g_autofree char *link = g_build_filename(driver->cfg->autostartDir, file, NULL);
    g_autofree char *name = g_strndup(file, strlen(file) - strlen(".xml"));
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    virDomainObj *vm = NULL;

    if (virFileReadAll(path, QEMU_CONFIG_MAX_SIZE, &xml) < 0 ||
        !(def = virDomainDefParseString(xml, &driver->parserCfg,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        goto error;
    if (STRNEQ(def->name, name)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("config file '%1$s' describes domain '%2$s'"),
                       path, def->name);
        goto error;
    }
    if (!(vm = virDomainObjListAdd(driver->domains, &def, &driver->domainCfg, 0)))
        goto error;
    vm->persistent = true;
    vm->autostart = virFileExists(link);
    qemuSaveManagedLoad(vm);
    VIR_DEBUG("loaded config of domain %s (autostart %d)", vm->def->name,
              vm->autostart);
    virDomainObjEndAPI(&vm);
    return;

 error:
    VIR_ERROR("cannot load config %s: %s", path, NULLSTR(virErrorGetLastMessage()));
    virErrorResetLast();
}


static int
qemuStateLoadConfigs(virQEMUDriver *driver)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GDir) dir = g_dir_open(driver->cfg->configDir, 0, &gerr);
    const char *ent;

    if (!dir) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot open directory '%1$s': %2$s"),
                       driver->cfg->configDir, gerr->message);
        return -1;
    }
    while ((ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".xml") && strlen(ent) > strlen(".xml"))
            qemuStateLoadConfig(driver, ent);
    }
    return 0;
}


static int
qemuStateReconnectOne(virDomainObj *vm, void *opaque G_GNUC_UNUSED)
{
    virObjectLock(vm);
    if (virDomainObjIsActive(vm) && qemuProcessReconnect(vm) > 0)
        qemuDomainRemoveInactive(vm);
    virObjectUnlock(vm);
    virErrorResetLast();
    return 0;
}


/* Starts locked @vm (START job held): from its managed save image if it
 * has one, as libvirt's autostart does.  Returns 0 or -1 (reported). */
static int
qemuStateAutostartRun(virDomainObj *vm)
{
    int rc = qemuSaveManagedStart(vm, 0);

    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (qemuProcessStart(vm, VIR_ASYNC_JOB_START, NULL, 0) < 0)
        return -1;
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STARTED,
                                  VIR_DOMAIN_EVENT_STARTED_BOOTED);
    return 0;
}


static int
qemuStateAutostartOne(virDomainObj *vm, void *opaque G_GNUC_UNUSED)
{
    virObjectLock(vm);
    if (vm->persistent && vm->autostart && !virDomainObjIsActive(vm) &&
        !vm->removing) {
        VIR_INFO("autostarting domain %s", vm->def->name);
        if (qemuProcessBeginJob(vm, VIR_DOMAIN_JOB_OPERATION_START, 0) < 0) {
            VIR_ERROR("cannot autostart domain %s: %s", vm->def->name,
                      NULLSTR(virErrorGetLastMessage()));
        } else {
            if (qemuStateAutostartRun(vm) < 0)
                VIR_ERROR("cannot autostart domain %s: %s", vm->def->name,
                          NULLSTR(virErrorGetLastMessage()));
            qemuProcessEndJob(vm);
        }
    }
    virObjectUnlock(vm);
    virErrorResetLast();
    return 0;
}


/**
 * qemuStateDomainsInit:
 * Brings the domains of @driver (built by qemuStateInitialize) to life:
 * directories, event loop, running domains from their status files and
 * persistent ones from their configs, reconnection, then autostart.  A
 * damaged file is logged and skipped.  Returns 0, or -1 (reported) when
 * the directories cannot be made or read.
 */
int
qemuStateDomainsInit(virQEMUDriver *driver)
{
    virQEMUDriverConfig *cfg = driver->cfg;

    if (qemuStateMakeDirs(cfg) < 0)
        return -1;
    qemuStateConfigure(driver);
    driver->eventLoop = qemuEventLoopNew(driver->eventSink, driver->eventOpaque);
    if (virDomainObjListLoadAllStatus(driver->domains, cfg->statusDir,
                                      &driver->domainCfg) < 0 ||
        qemuStateLoadConfigs(driver) < 0)
        return -1;
    virDomainObjListForEach(driver->domains, qemuStateReconnectOne, NULL);
    virDomainObjListForEach(driver->domains, qemuStateAutostartOne, NULL);
    VIR_INFO("%d running and %d inactive domains",
             virDomainObjListNumOfDomains(driver->domains, true),
             virDomainObjListNumOfDomains(driver->domains, false));
    return 0;
}


static int
qemuStateDetachOne(virDomainObj *vm, void *opaque G_GNUC_UNUSED)
{
    virObjectLock(vm);
    qemuProcessDetach(vm);
    virObjectUnlock(vm);
    return 0;
}


/**
 * qemuStateDomainsCleanup:
 * Lets go of every running QEMU (they keep running, their status files
 * stay for the next daemon) and stops the event loop.  Called when no
 * API can run any more, before the domain list is freed.
 */
void
qemuStateDomainsCleanup(virQEMUDriver *driver)
{
    if (!driver->eventLoop)
        return;
    virDomainObjListForEach(driver->domains, qemuStateDetachOne, NULL);
    /* workers still finishing may queue events or look the loop up */
    qemuEventLoopFree(driver->eventLoop);
    driver->eventLoop = NULL;
}
