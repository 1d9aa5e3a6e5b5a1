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


/* "<dir>/<name>.xml"; caller owns it. */
static char *
qemuStateConfigPath(const char *dir, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, file, NULL);
}


/**
 * qemuDomainDefParseConfig:
 * Parses a domain XML from a client as a new persistent or transient
 * definition: the driver's defaults (arch, emulator, canonical machine
 * type), schema validation with @validateSchema, and what this driver
 * can run (qemuValidateDomainDef).  Caller owns the result; NULL with the
 * parser's error reported.
 */
virDomainDef *
qemuDomainDefParseConfig(const char *xml, bool validateSchema)
{
    unsigned int flags = VIR_DOMAIN_DEF_PARSE_INACTIVE;
    g_autoptr(virDomainDef) def = NULL;

    if (validateSchema)
        flags |= VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;
    if (!(def = virDomainDefParseString(xml, &qemu_driver->parserCfg, flags)) ||
        qemuValidateDomainDef(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}


/**
 * qemuDomainConfigSave:
 * Writes @def as the persistent config "<stateDir>/qemu/<name>.xml",
 * atomically (the old file or the new one, never a mix).  Returns 0 or
 * -1 (reported).
 */
int
qemuDomainConfigSave(const virDomainDef *def)
{
    g_autofree char *path = qemuStateConfigPath(qemu_driver->cfg->configDir,
                                                def->name);
    g_autofree char *xml = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                                   VIR_DOMAIN_DEF_FORMAT_INACTIVE);

    if (!xml)
        return -1;
    return virFileWriteAtomic(path, xml, 0600);
}


/* Removes the config and autostart link of locked @vm.  0 or -1. */
int
qemuDomainConfigDelete(virDomainObj *vm)
{
    g_autofree char *path = qemuStateConfigPath(qemu_driver->cfg->configDir,
                                                vm->def->name);

    if (qemuDomainAutostartSet(vm, false) < 0)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove config %1$s"), path);
        return -1;
    }
    return 0;
}


/**
 * qemuDomainAutostartSet:
 * Creates or removes the autostart link of locked, persistent @vm
 * ("<stateDir>/qemu/autostart/<name>.xml" -> its config) and records the
 * setting.  Returns 0 or -1 (reported).
 */
int
qemuDomainAutostartSet(virDomainObj *vm, bool autostart)
{
    virQEMUDriverConfig *cfg = qemu_driver->cfg;
    g_autofree char *config = qemuStateConfigPath(cfg->configDir, vm->def->name);
    g_autofree char *link = qemuStateConfigPath(cfg->autostartDir, vm->def->name);

    if (autostart) {
        if (symlink(config, link) < 0 && errno != EEXIST) {
            virReportSystemError(errno, _("Failed to create symlink '%1$s' to '%2$s'"),
                                 link, config);
            return -1;
        }
    } else if (unlink(link) < 0 && errno != ENOENT && errno != ENOTDIR) {
        virReportSystemError(errno, _("Failed to delete symlink '%1$s'"), link);
        return -1;
    }
    vm->autostart = autostart;
    return 0;
}


/* ---- helpers for the entry points ---- */

/**
 * qemuDomainObjFromIdent:
 * The domain a client names: found by UUID, returned locked and
 * referenced (virDomainObjEndAPI), or NULL with libvirt's
 * VIR_ERR_NO_DOMAIN "no domain with matching uuid '%s' (%s)".
 */
virDomainObj *
qemuDomainObjFromIdent(const virDomainIdent *dom)
{
    return virDomainObjListFindByDomain(qemu_driver->domains, dom->uuid,
                                        dom->name);
}


typedef struct {
    const unsigned char *uuid;
    virDomainObj *found;
} qemuDomainFindData;


static int
qemuDomainFindUUIDOne(virDomainObj *vm, void *opaque)
{
    qemuDomainFindData *data = opaque;

    if (data->found)
        return 0;
    virObjectLock(vm);
    if (!vm->removing && memcmp(vm->def->uuid, data->uuid, VIR_UUID_BUFLEN) == 0)
        data->found = virObjectRef(vm);
    virObjectUnlock(vm);
    return 0;
}


/**
 * qemuDomainObjFindQuiet:
 * The listed domain with @uuid, locked and referenced (virDomainObjEndAPI),
 * or NULL without any error: for define and create, where absence is
 * the normal case and must not be logged as an error.
 */
virDomainObj *
qemuDomainObjFindQuiet(const unsigned char *uuid)
{
    qemuDomainFindData data = { .uuid = uuid };

    virDomainObjListForEach(qemu_driver->domains, qemuDomainFindUUIDOne, &data);
    if (!data.found)
        return NULL;
    virObjectLock(data.found);
    if (data.found->removing)
        virDomainObjEndAPI(&data.found);
    return data.found;
}


/**
 * qemuDomainRemoveInactive:
 * Takes locked @vm out of the domain list if it is transient and not
 * running (a transient domain exists only while it runs).  @vm stays
 * locked and referenced by the caller.
 */
void
qemuDomainRemoveInactive(virDomainObj *vm)
{
    if (vm->persistent || virDomainObjIsActive(vm) || vm->removing)
        return;
    VIR_DEBUG("removing transient domain %s", vm->def->name);
    virDomainObjListRemove(qemu_driver->domains, vm);
}


/* ---- start of the driver ---- */

static int
qemuStateMakeDirs(virQEMUDriverConfig *cfg)
{
    if (virFileMakePathWithMode(cfg->configDir, 0755) < 0 ||
        virFileMakePathWithMode(cfg->autostartDir, 0755) < 0 ||
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
            if (qemuProcessStart(vm, VIR_ASYNC_JOB_START, NULL, 0) < 0)
                VIR_ERROR("cannot autostart domain %s: %s", vm->def->name,
                          NULLSTR(virErrorGetLastMessage()));
            else
                qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STARTED,
                                              VIR_DOMAIN_EVENT_STARTED_BOOTED);
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
