/*
 * qemu_domain.c: the QEMU driver's per-domain private data
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <fcntl.h>
#include <unistd.h>

#include "qemu_domain.h"
#include "qemu_migration_nbd.h"
#include "qemu_process_periph.h"
#include "qemu_migration_params.h"
#include "qemu_domainjob.h"
#include "qemu_command.h"
#include "qemu_conf.h"
#include "virfile.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_domain");


/* virDomainObjConfig.privateData.alloc: a zeroed private data record;
 * the domain object owns it. */
void *
qemuDomainObjPrivateAlloc(void *opaque G_GNUC_UNUSED)
{
    qemuDomainObjPrivate *priv = g_new0(qemuDomainObjPrivate, 1);

    priv->cleanupCallbacks = g_array_new(FALSE, FALSE,
                                         sizeof(qemuDomainCleanupCallback));
    priv->pidfd = -1;
    priv->incomingFD = -1;
    priv->migMaxBandwidth = QEMU_MIGRATION_BANDWIDTH_MAX;
    return priv;
}


/* virDomainObjConfig.privateData.free.  The monitor must be closed (and
 * @mon cleared) before the domain object goes away. */
void
qemuDomainObjPrivateFree(void *data)
{
    qemuDomainObjPrivate *priv = data;

    if (!priv)
        return;
    if (priv->mon)
        VIR_WARN("domain private data freed with a monitor still open");
    if (priv->exitWatch || priv->pidfd >= 0)
        VIR_WARN("domain private data freed while QEMU is watched");
    g_free(priv->monPath);
    g_free(priv->pidfile);
    g_free(priv->origname);
    g_free(priv->dumpError);
    g_free(priv->unplugAlias);
    g_free(priv->migrationPeer);
    virDomainJobDataFree(priv->migrationStatsIn);
    g_free(priv->undecidedPeer);
    qemuMigrationParamsFree(priv->migrationOrigParams);
    qemuMigrationNBDFree(priv->nbd);
    qemuProcessPeriphFree(priv->periph);
    g_clear_pointer(&priv->consoles, g_hash_table_unref);
    g_array_unref(priv->cleanupCallbacks);
    g_free(priv);
}


/* virDomainObjConfig.privateData.format: the driver's part of the status
 * XML of locked @vm.  Returns 0. */
int
qemuDomainObjPrivateXMLFormat(virBuffer *buf, virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    int agentTimeout = qemuProcessPeriphGetAgentTimeout(vm);

    virBufferEscapeString(buf, "<monitor path='%s' type='unix'/>\n",
                          priv->monPath);
    if (agentTimeout != VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT)
        virBufferAsprintf(buf, "<agentTimeout>%d</agentTimeout>\n",
                          agentTimeout);
    if (priv->migrationProtocol) {
        virBufferAsprintf(buf, "<migration protocol='%d' preState='%s'",
                          priv->migrationProtocol,
                          virDomainObjStateTypeToString(priv->preMigrationState));
        virBufferEscapeString(buf, " peer='%s'", priv->migrationPeer);
        virBufferAddLit(buf, "/>\n");
    }
    if (priv->nbd && priv->nbd->created->len > 0) {
        size_t i;

        virBufferAddLit(buf, "<nbd>\n");
        virBufferAdjustIndent(buf, 2);
        for (i = 0; i < priv->nbd->created->len; i++)
            virBufferEscapeString(buf, "<created path='%s'/>\n",
                                  g_ptr_array_index(priv->nbd->created, i));
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</nbd>\n");
    }
    if (priv->undecidedPeer) {
        virBufferAsprintf(buf, "<undecided side='%s' preState='%s'",
                          priv->undecidedSource ? "source" : "destination",
                          virDomainObjStateTypeToString(priv->undecidedPreState));
        virBufferEscapeString(buf, " peer='%s'", priv->undecidedPeer);
        virBufferAddLit(buf, "/>\n");
    }
    return 0;
}


/* <undecided>: a copy kept paused until the peer says what it holds. */
static int
qemuDomainObjPrivateUndecidedParse(xmlXPathContext *ctxt,
                                   qemuDomainObjPrivate *priv)
{
    xmlNode *node = virXPathNode("./undecided[1]", ctxt);
    g_autofree char *side = NULL;
    g_autofree char *state = NULL;
    g_autofree char *peer = NULL;
    int value;

    if (!node)
        return 0;
    side = virXMLPropString(node, "side");
    state = virXMLPropString(node, "preState");
    peer = virXMLPropString(node, "peer");
    if (!side || (STRNEQ(side, "source") && STRNEQ(side, "destination")) ||
        !state || (value = virDomainObjStateTypeFromString(state)) < 0 ||
        !peer || !*peer) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("malformed undecided element in the status XML"));
        return -1;
    }
    priv->undecidedSource = STREQ(side, "source");
    priv->undecidedPreState = value;
    g_free(priv->undecidedPeer);
    priv->undecidedPeer = g_steal_pointer(&peer);
    return 0;
}


/* <nbd>: the images an incoming storage migration created, which go if
 * it does not finish (its recovery after a restart removes them). */
static int
qemuDomainObjPrivateNBDParse(xmlXPathContext *ctxt, qemuDomainObjPrivate *priv)
{
    g_autofree xmlNode **nodes = NULL;
    int n = virXPathNodeSet("./nbd/created", ctxt, &nodes);
    int i;

    for (i = 0; i < n; i++) {
        g_autofree char *path = virXMLPropString(nodes[i], "path");

        if (!path || path[0] != '/') {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("malformed nbd element in the status XML"));
            return -1;
        }
        if (!priv->nbd)
            priv->nbd = qemuMigrationNBDNew();
        g_ptr_array_add(priv->nbd->created, g_steal_pointer(&path));
    }
    return 0;
}


/* <migration>: what recovery needs of a migration in progress. */
static int
qemuDomainObjPrivateMigrationParse(xmlXPathContext *ctxt,
                                   qemuDomainObjPrivate *priv)
{
    xmlNode *node = virXPathNode("./migration[1]", ctxt);
    g_autofree char *protocol = NULL;
    g_autofree char *state = NULL;
    int value;

    if (!node)
        return 0;
    protocol = virXMLPropString(node, "protocol");
    state = virXMLPropString(node, "preState");
    if (!protocol || (STRNEQ(protocol, "2") && STRNEQ(protocol, "3")) ||
        !state || (value = virDomainObjStateTypeFromString(state)) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("malformed migration element in the status XML"));
        return -1;
    }
    priv->migrationProtocol = protocol[0] - '0';
    priv->preMigrationState = value;
    g_free(priv->migrationPeer);
    priv->migrationPeer = virXMLPropString(node, "peer");
    return 0;
}


/* <agentTimeout>: virsh guest-agent-timeout, kept as libvirt keeps it. */
static int
qemuDomainObjPrivateAgentTimeoutParse(xmlXPathContext *ctxt, virDomainObj *vm)
{
    int timeout;
    int rc = virXPathInt("string(./agentTimeout[1])", ctxt, &timeout);

    if (rc == -1)
        return 0;
    if (rc < 0 || timeout < VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("malformed agentTimeout element in the status XML"));
        return -1;
    }
    qemuProcessPeriphSetAgentTimeout(vm, timeout);
    return 0;
}


/* virDomainObjConfig.privateData.parse: reads what
 * qemuDomainObjPrivateXMLFormat wrote.  Returns 0 or -1 (reported). */
int
qemuDomainObjPrivateXMLParse(xmlXPathContext *ctxt, virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    xmlNode *node = virXPathNode("./monitor[1]", ctxt);
    g_autofree char *type = NULL;

    if (qemuDomainObjPrivateMigrationParse(ctxt, priv) < 0 ||
        qemuDomainObjPrivateNBDParse(ctxt, priv) < 0 ||
        qemuDomainObjPrivateUndecidedParse(ctxt, priv) < 0 ||
        qemuDomainObjPrivateAgentTimeoutParse(ctxt, vm) < 0)
        return -1;
    if (!node)
        return 0;
    type = virXMLPropString(node, "type");
    if (STRNEQ_NULLABLE(type, "unix")) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unsupported monitor type '%1$s'"), NULLSTR(type));
        return -1;
    }
    g_free(priv->monPath);
    priv->monPath = virXMLPropString(node, "path");
    return 0;
}


/**
 * qemuDomainObjConfigInit:
 * @cfg: the driver's domain object config to fill
 * @statusDir: where status files go (borrowed; must outlive @cfg), or NULL
 *
 * Plugs the QEMU private data, job statistics and migration phase names
 * into @cfg.  The definition formatter and parser are left to the caller
 * (the domain XML code).
 */
void
qemuDomainObjConfigInit(virDomainObjConfig *cfg, const char *statusDir)
{
    cfg->privateData.alloc = qemuDomainObjPrivateAlloc;
    cfg->privateData.free = qemuDomainObjPrivateFree;
    cfg->privateData.format = qemuDomainObjPrivateXMLFormat;
    cfg->privateData.parse = qemuDomainObjPrivateXMLParse;
    cfg->job.jobDataPrivateCb = qemuDomainJobDataPrivateCb;
    cfg->job.phaseToString = qemuDomainAsyncJobPhaseToString;
    cfg->job.phaseFromString = qemuDomainAsyncJobPhaseFromString;
    cfg->job.saveStatus = virDomainObjSaveStatus;
    cfg->statusDir = statusDir;
}


static gint
qemuDomainCleanupFind(qemuDomainObjPrivate *priv, qemuDomainCleanupCallback cb)
{
    guint i;

    for (i = 0; i < priv->cleanupCallbacks->len; i++) {
        if (g_array_index(priv->cleanupCallbacks,
                          qemuDomainCleanupCallback, i) == cb)
            return i;
    }
    return -1;
}


/**
 * qemuDomainCleanupAdd:
 * Registers @cb to run when QEMU stops (qemuDomainCleanupRun), once even
 * if added again.  A parked migration job uses it to be discarded if the
 * domain dies between two migration APIs.  @vm is locked.
 */
void
qemuDomainCleanupAdd(virDomainObj *vm, qemuDomainCleanupCallback cb)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!cb || qemuDomainCleanupFind(priv, cb) >= 0)
        return;
    g_array_append_val(priv->cleanupCallbacks, cb);
}


/* Unregisters @cb if registered; @vm is locked. */
void
qemuDomainCleanupRemove(virDomainObj *vm, qemuDomainCleanupCallback cb)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    gint i = qemuDomainCleanupFind(priv, cb);

    if (i >= 0)
        g_array_remove_index(priv->cleanupCallbacks, i);
}


/**
 * qemuDomainCleanupRun:
 * Runs and forgets every registered callback, newest first.  Called with
 * @vm locked by the code that stops QEMU.
 */
void
qemuDomainCleanupRun(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    while (priv->cleanupCallbacks->len > 0) {
        guint last = priv->cleanupCallbacks->len - 1;
        qemuDomainCleanupCallback cb =
            g_array_index(priv->cleanupCallbacks, qemuDomainCleanupCallback,
                          last);

        g_array_remove_index(priv->cleanupCallbacks, last);
        cb(vm);
    }
}


/* True if a post-copy migration of locked @vm failed (and its job waits
 * for recovery). */
bool
qemuDomainObjIsFailedPostcopy(virDomainObj *vm)
{
    int reason = 0;
    virDomainState state = virDomainObjGetState(vm, &reason);
    bool migration = vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT ||
                     vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_IN;

    if (vm->job->asyncPaused && migration)
        return true;
    return (state == VIR_DOMAIN_PAUSED &&
            reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED) ||
           (state == VIR_DOMAIN_RUNNING &&
            reason == VIR_DOMAIN_RUNNING_POSTCOPY_FAILED);
}


/* True if locked @vm is in (possibly failed) post-copy migration. */
bool
qemuDomainObjIsPostcopy(virDomainObj *vm)
{
    int reason = 0;
    virDomainState state = virDomainObjGetState(vm, &reason);

    if (qemuDomainObjIsFailedPostcopy(vm))
        return true;
    return (state == VIR_DOMAIN_PAUSED &&
            reason == VIR_DOMAIN_PAUSED_POSTCOPY) ||
           (state == VIR_DOMAIN_RUNNING &&
            reason == VIR_DOMAIN_RUNNING_POSTCOPY);
}


/* ---- the domain store: configs, lookups, removal ---- */

/* "<dir>/<name>.xml"; caller owns it. */
static char *
qemuDomainConfigPath(const char *dir, const char *name)
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
    g_autofree char *path = qemuDomainConfigPath(qemu_driver->cfg->configDir,
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
    g_autofree char *path = qemuDomainConfigPath(qemu_driver->cfg->configDir,
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
    g_autofree char *config = qemuDomainConfigPath(cfg->configDir, vm->def->name);
    g_autofree char *link = qemuDomainConfigPath(cfg->autostartDir, vm->def->name);

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


/* "<logDir>/qemu/<name>.log"; caller owns it. */
char *
qemuDomainLogPath(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.log", name);

    return g_build_filename(qemu_driver->cfg->domainLogDir, file, NULL);
}


/* Appends @text as a line to the log of locked @vm, after a time stamp
 * as libvirt writes them; nothing if there is no log, a warning if it
 * cannot be written. */
void
qemuDomainLogAppend(virDomainObj *vm, const char *text)
{
    g_autofree char *path = qemuDomainLogPath(vm->def->name);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    g_autofree char *line = NULL;
    VIR_AUTOCLOSE fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

    if (fd < 0)
        return;
    line = g_strdup_printf("%s+0000: %s\n", stamp, text);
    if (write(fd, line, strlen(line)) < 0)
        VIR_WARN("cannot write to %s: %s", path, g_strerror(errno));
}


/**
 * qemuDomainObjTaint:
 * Marks running, locked @vm as tainted by @taint, as libvirt does: the
 * first time, a warning in the daemon's log and a line in the domain's,
 * and the status file keeps it; virDomainGetMessages reports it until
 * the domain stops.
 */
void
qemuDomainObjTaint(virDomainObj *vm, virDomainTaint taint)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *line = NULL;

    if (!virDomainObjTaint(vm, taint))
        return;
    virUUIDFormat(vm->def->uuid, uuid);
    VIR_WARN("Domain id=%d name='%s' uuid=%s is tainted: %s", vm->def->id,
             vm->def->name, uuid, virDomainTaintTypeToString(taint));
    line = g_strdup_printf("Domain id=%d is tainted: %s", vm->def->id,
                           virDomainTaintTypeToString(taint));
    qemuDomainLogAppend(vm, line);
    if (virDomainObjSaveStatus(vm) < 0)
        virErrorResetLast();
}
