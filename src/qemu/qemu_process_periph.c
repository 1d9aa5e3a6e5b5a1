/*
 * qemu_process_periph.c: starting and stopping a domain's interfaces,
 * graphics, guest agent, balloon and link states
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <sys/un.h>

#include "qemu_process_periph.h"
#include "qemu_agent.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_graphics.h"
#include "qemu_interface.h"
#include "qemu_monitor_periph.h"
#include "qemu_monitor_stats.h"
#include "qemu_domain_event.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_process_periph");

/* What one run of QEMU holds for these devices (priv->periph). */
struct _qemuProcessPeriph {
    int *tapfds;                /* until QEMU is spawned */
    size_t ntapfds;
    qemuAgent *agent;           /* the guest agent connection, or NULL */
    int agentTimeout;           /* s, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_* */
};


/* Frees @periph and closes what it holds; accepts NULL. */
void
qemuProcessPeriphFree(qemuProcessPeriph *periph)
{
    if (!periph)
        return;
    qemuInterfaceCloseFds(periph->tapfds, periph->ntapfds);
    qemuAgentClose(periph->agent);
    g_free(periph);
}


static qemuProcessPeriph *
qemuProcessPeriphGet(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->periph) {
        priv->periph = g_new0(qemuProcessPeriph, 1);
        priv->periph->agentTimeout = VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT;
    }
    return priv->periph;
}


/* The socket path for unix channel @chan of live @vm: libvirt's layout
 * under the run directory, or a short one when that does not fit. */
static char *
qemuProcessChannelPath(virDomainObj *vm, const virDomainChannelDef *chan)
{
    const char *dir = qemu_driver->cfg->channelDir;
    struct sockaddr_un addr;
    g_autofree char *sub = g_strdup_printf("%d-%s", vm->def->id,
                                           vm->def->name);
    g_autofree char *path = g_build_filename(dir, sub, chan->name, NULL);

    if (strlen(path) < sizeof(addr.sun_path) && !strchr(vm->def->name, '/'))
        return g_steal_pointer(&path);
    g_free(path);
    path = g_strdup_printf("%s/%d.%u", dir, vm->def->id,
                           chan->info.addr.vioserial.port);
    return g_steal_pointer(&path);
}


static int
qemuProcessPrepareChannels(virDomainObj *vm)
{
    size_t i;

    for (i = 0; i < vm->def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(vm->def->channels, i);
        g_autofree char *dir = NULL;

        chan->state = VIR_DOMAIN_CHANNEL_STATE_NONE;
        if (chan->source.type != VIR_DOMAIN_CHR_TYPE_UNIX || !chan->autoPath)
            continue;
        g_free(chan->source.path);
        chan->source.path = qemuProcessChannelPath(vm, chan);
        dir = g_path_get_dirname(chan->source.path);
        if (virFileMakePathWithMode(dir, 0750) < 0 ||
            virFileRemoveIfExists(chan->source.path) < 0)
            return -1;
    }
    return 0;
}


/* qemuDomainCleanupAdd callback: runs when QEMU has stopped. */
static void
qemuProcessPeriphCleanup(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    size_t i;

    qemuGraphicsRelease(vm->def);
    for (i = 0; i < vm->def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(vm->def->channels, i);

        if (chan->autoPath && chan->source.path &&
            virFileRemoveIfExists(chan->source.path) < 0)
            virErrorResetLast();
    }
    g_clear_pointer(&priv->periph, qemuProcessPeriphFree);
}


/**
 * qemuProcessPeriphPrepare:
 * Before QEMU is spawned for live @vm (locked, id assigned): listen
 * addresses and reserved ports of its graphics, socket paths of its unix
 * channels, its tap devices.  Registers the cleanup first, so a failed
 * start gives everything back.  Returns 0 or -1 (reported).
 */
int
qemuProcessPeriphPrepare(virDomainObj *vm)
{
    qemuProcessPeriph *periph = qemuProcessPeriphGet(vm);

    qemuDomainCleanupAdd(vm, qemuProcessPeriphCleanup);
    if (qemuGraphicsPrepare(vm->def, qemu_driver->cfg) < 0)
        return -1;
    if (qemuProcessPrepareChannels(vm) < 0)
        return -1;
    return qemuInterfaceOpenTaps(vm->def, &periph->tapfds, &periph->ntapfds);
}


/* The tap fds for the command line of @vm. */
void
qemuProcessPeriphCommandParams(virDomainObj *vm, qemuCommandParams *params)
{
    qemuProcessPeriph *periph = qemuProcessPeriphGet(vm);

    params->tapfds = periph->tapfds;
    params->ntapfds = periph->ntapfds;
}


/**
 * qemuProcessPeriphPassFDs:
 * Hands the tap fds to @cmd (which closes them in the daemon once QEMU is
 * spawned, or when it is freed).
 */
void
qemuProcessPeriphPassFDs(virDomainObj *vm, virCommand *cmd)
{
    qemuProcessPeriph *periph = qemuProcessPeriphGet(vm);
    size_t i;

    for (i = 0; i < periph->ntapfds; i++) {
        if (periph->tapfds[i] < 0)
            continue;
        VIR_DEBUG("passing tap fd %d to QEMU of %s", periph->tapfds[i],
                  vm->def->name);
        virCommandPassFD(cmd, periph->tapfds[i],
                         VIR_COMMAND_PASS_FD_CLOSE_PARENT);
        periph->tapfds[i] = -1;
    }
}


/* Channel states from QEMU's chardevs (@open: label -> 1 + open). */
static void
qemuProcessUpdateChannelStates(virDomainObj *vm, GHashTable *open)
{
    size_t i;

    for (i = 0; i < vm->def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(vm->def->channels, i);
        g_autofree char *label = g_strdup_printf("char%s", chan->info.alias);
        int v = GPOINTER_TO_INT(g_hash_table_lookup(open, label));

        if (v && chan->source.type == VIR_DOMAIN_CHR_TYPE_UNIX)
            chan->state = v == 2 ? VIR_DOMAIN_CHANNEL_STATE_CONNECTED
                                 : VIR_DOMAIN_CHANNEL_STATE_DISCONNECTED;
    }
}


/* The monitor commands of Setup; @vm's monitor entered. */
static int
qemuProcessPeriphMonitorSetup(virDomainObj *vm, GHashTable **open)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainDef *def = vm->def;
    size_t i;

    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);

        if (gr->passwd &&
            qemuMonitorSetGraphicsPassword(priv->mon,
                                           virDomainGraphicsTypeToString(gr->type),
                                           gr->passwd) < 0)
            return -1;
    }
    for (i = 0; i < def->nets->len; i++) {
        virDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (net->linkState == VIR_DOMAIN_NET_LINK_STATE_DOWN &&
            qemuMonitorSetLink(priv->mon, net->info.alias, false) < 0)
            return -1;
    }
    if (def->memballoon && def->memballoon->period &&
        qemuMonitorSetBalloonStatsPeriod(priv->mon, def->memballoon->info.alias,
                                         def->memballoon->period) < 0)
        return -1;
    /* a guest defined (or migrated, restored) with less than its memory
     * starts with the balloon asking for the rest, as libvirt's does */
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
        def->currentMemory && def->currentMemory < def->memory &&
        qemuMonitorSetBalloon(priv->mon, def->currentMemory * 1024) < 0)
        return -1;
    if (def->channels->len > 0)
        return qemuMonitorGetChardevOpen(priv->mon, open);
    return 0;
}


/* Connects the guest agent socket of @vm, if it has one.  A failure is
 * logged, not fatal: libvirt runs a domain whose agent cannot be reached
 * and reports it when the agent is used. */
static void
qemuProcessConnectAgent(virDomainObj *vm)
{
    qemuProcessPeriph *periph = qemuProcessPeriphGet(vm);
    virDomainChannelDef *chan = virDomainDefGetAgentChannel(vm->def);

    if (!chan || periph->agent)
        return;
    if (!(periph->agent = qemuAgentOpen(chan->source.path))) {
        VIR_WARN("cannot connect to the guest agent of %s: %s",
                 vm->def->name, NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/**
 * qemuProcessPeriphSetup:
 * Once the monitor of @vm is up: VNC/SPICE passwords, links that are
 * down, the balloon statistics period and target, channel states and
 * the guest agent connection.  @vm locked, job as for
 * qemuDomainObjEnterMonitorAsync.  Returns 0 or -1 (reported).
 */
int
qemuProcessPeriphSetup(virDomainObj *vm, virDomainAsyncJob asyncJob)
{
    g_autoptr(GHashTable) open = NULL;
    int rc;

    if (qemuDomainObjEnterMonitorAsync(vm, asyncJob) < 0)
        return -1;
    rc = qemuProcessPeriphMonitorSetup(vm, &open);
    if (qemuDomainObjExitMonitor(vm) < 0 || rc < 0)
        return -1;
    if (open)
        qemuProcessUpdateChannelStates(vm, open);
    qemuProcessConnectAgent(vm);
    return 0;
}


/**
 * qemuProcessPeriphReconnect:
 * After a daemon restart, for running @vm (locked, monitor up): takes
 * back its graphics ports, registers the cleanup and reconnects the
 * guest agent.  Returns 0.
 */
int
qemuProcessPeriphReconnect(virDomainObj *vm)
{
    qemuGraphicsReserveRunning(vm->def);
    qemuDomainCleanupAdd(vm, qemuProcessPeriphCleanup);
    qemuProcessConnectAgent(vm);
    return 0;
}


/**
 * qemuProcessPeriphAgentConnected:
 * Whether @vm (locked) has a guest agent channel whose guest side is open.
 */
bool
qemuProcessPeriphAgentConnected(virDomainObj *vm)
{
    virDomainChannelDef *chan = virDomainDefGetAgentChannel(vm->def);

    return chan && chan->state == VIR_DOMAIN_CHANNEL_STATE_CONNECTED;
}


/**
 * qemuProcessPeriphGetAgent:
 * The guest agent of @vm (locked, the caller holds its agent job), with
 * a reference the caller drops (qemuAgentUnref) once done, when an agent
 * is there to answer.  Otherwise NULL with libvirt's error: the domain
 * does not run (OPERATION_INVALID), has no agent channel
 * (ARGUMENT_UNSUPPORTED), the agent in the guest has not opened it
 * (AGENT_UNRESPONSIVE "not connected") or the daemon could not connect
 * to QEMU's end (AGENT_UNRESPONSIVE).
 */
qemuAgent *
qemuProcessPeriphGetAgent(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virDomainChannelDef *chan = virDomainDefGetAgentChannel(vm->def);

    if (!virDomainObjIsActive(vm) ||
        virDomainObjGetState(vm, NULL) != VIR_DOMAIN_RUNNING) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is not running"));
        return NULL;
    }
    if (!chan) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("QEMU guest agent is not configured"));
        return NULL;
    }
    if (chan->state != VIR_DOMAIN_CHANNEL_STATE_CONNECTED) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                       _("QEMU guest agent is not connected"));
        return NULL;
    }
    if (!priv->periph || !priv->periph->agent) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                       _("QEMU guest agent is not available due to an error"));
        return NULL;
    }
    qemuAgentSetTimeout(priv->periph->agent, priv->periph->agentTimeout);
    return qemuAgentRef(priv->periph->agent);
}


/* The response timeout of the agent calls of running @vm (locked), in
 * seconds as virDomainAgentSetResponseTimeout's, until QEMU stops. */
void
qemuProcessPeriphSetAgentTimeout(virDomainObj *vm, int timeout)
{
    qemuProcessPeriphGet(vm)->agentTimeout = timeout;
}


/* The agent response timeout of @vm (locked): the default unless
 * qemuProcessPeriphSetAgentTimeout changed it for this run of QEMU. */
int
qemuProcessPeriphGetAgentTimeout(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    return priv->periph ? priv->periph->agentTimeout
                        : VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT;
}


/* AGENT_LIFECYCLE about locked @vm: the guest opened or closed the
 * agent's channel (libvirt's reason "channel"). */
static void
qemuProcessPeriphAgentEvent(virDomainObj *vm, virDomainChannelState state)
{
    virDomainEvent *ev = qemuDomainEventNew(vm, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE);

    ev->event = state == VIR_DOMAIN_CHANNEL_STATE_CONNECTED
                    ? VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED
                    : VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_DISCONNECTED;
    ev->detail = VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL;
    qemuDomainEventQueue(ev);
}


/**
 * qemuProcessPeriphHandleEvent:
 * Monitor callback for every QMP event (monitor thread, monitor
 * unlocked): VSERPORT_CHANGE sets the state of the channel whose port
 * the guest opened or closed, as libvirt does, and saves the status;
 * for the guest agent's channel, AGENT_LIFECYCLE tells the clients.
 */
void
qemuProcessPeriphHandleEvent(qemuMonitor *mon, const char *event,
                             json_object *data, long long seconds G_GNUC_UNUSED,
                             unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    virDomainObj *vm = opaque;
    json_object *id = NULL;
    json_object *open = NULL;
    size_t i;

    if (STRNEQ(event, "VSERPORT_CHANGE") || !data ||
        !json_object_object_get_ex(data, "id", &id) ||
        !json_object_object_get_ex(data, "open", &open))
        return;
    virObjectLock(vm);
    if (QEMU_DOMAIN_PRIVATE(vm)->mon != mon) {
        virObjectUnlock(vm);
        return;
    }
    for (i = 0; vm->def->channels && i < vm->def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(vm->def->channels, i);

        if (STRNEQ_NULLABLE(chan->info.alias, json_object_get_string(id)))
            continue;
        chan->state = json_object_get_boolean(open)
                          ? VIR_DOMAIN_CHANNEL_STATE_CONNECTED
                          : VIR_DOMAIN_CHANNEL_STATE_DISCONNECTED;
        VIR_INFO("domain %s: channel %s %s", vm->def->name, chan->name,
                 virDomainChannelStateTypeToString(chan->state));
        if (STREQ_NULLABLE(chan->name, "org.qemu.guest_agent.0"))
            qemuProcessPeriphAgentEvent(vm, chan->state);
        if (virDomainObjIsActive(vm) && virDomainObjSaveStatus(vm) < 0)
            virErrorResetLast();
    }
    virObjectUnlock(vm);
}
