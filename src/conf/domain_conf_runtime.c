/*
 * domain_conf_runtime.c: runtime data of interfaces, graphics, video,
 * channels and the other peripherals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The aliases (QEMU device ids) libvirt's QEMU driver gives these devices
 * when a domain starts, and what a stop takes back: aliases, a tap name
 * or VNC/SPICE port the daemon picked, a listen address from the daemon
 * config, an agent socket path the daemon chose, channel states.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

/* The elements of the devices of this family (domain_conf.c checks them
 * with the other areas' tables). */
const virXMLAllowed virDomainXMLAllowedPeriph[] = {
    { "domain/devices/interface", "type", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/interface/mac", "address", 0 },
    { "domain/devices/interface/source", "bridge network", 0 },
    { "domain/devices/interface/target", "dev managed", 0 },
    { "domain/devices/interface/model", "type", 0 },
    { "domain/devices/interface/link", "state", 0 },
    { "domain/devices/interface/mtu", "size", 0 },
    { "domain/devices/interface/alias", "name", 0 },
    { "domain/devices/interface/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/interface/boot", "order", 0 },
    { "domain/devices/channel", "type", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/channel/source", "mode path autoPath", 0 },
    { "domain/devices/channel/target", "type name state", 0 },
    { "domain/devices/channel/alias", "name", 0 },
    { "domain/devices/channel/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/graphics", "type port autoport listen passwd",
      VIR_XML_ALLOW_REPEAT },
    { "domain/devices/graphics/listen", "type address fromConfig", 0 },
    { "domain/devices/graphics/image", "compression", 0 },
    { "domain/devices/sound", "model", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/sound/codec", "type", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/sound/alias", "name", 0 },
    { "domain/devices/sound/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/audio", "id type", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/video", NULL, VIR_XML_ALLOW_REPEAT },
    { "domain/devices/video/model", "type ram vram vgamem heads primary", 0 },
    { "domain/devices/video/alias", "name", 0 },
    { "domain/devices/video/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/watchdog", "model action", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/watchdog/alias", "name", 0 },
    { "domain/devices/watchdog/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/memballoon", "model autodeflate", 0 },
    { "domain/devices/memballoon/stats", "period", 0 },
    { "domain/devices/memballoon/alias", "name", 0 },
    { "domain/devices/memballoon/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/rng", "model", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/rng/backend", "model", VIR_XML_ALLOW_TEXT },
    { "domain/devices/rng/alias", "name", 0 },
    { "domain/devices/rng/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { "domain/devices/panic", "model", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/panic/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { NULL, NULL, 0 },
};


/**
 * virDomainPeriphInit:
 * Creates the empty device lists of a new definition.
 */
void
virDomainPeriphInit(virDomainDef *def)
{
    def->graphics = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainGraphicsDefFree);
    def->videos = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainVideoDefFree);
    def->channels = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainChannelDefFree);
    def->rngs = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainRNGDefFree);
    def->sounds = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainSoundDefFree);
    def->audios = g_ptr_array_new_with_free_func(g_free);
    def->panics = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainPanicDefFree);
}


/**
 * virDomainPeriphClear:
 * Frees the devices of this family (for virDomainDefFree).
 */
void
virDomainPeriphClear(virDomainDef *def)
{
    g_clear_pointer(&def->graphics, g_ptr_array_unref);
    g_clear_pointer(&def->videos, g_ptr_array_unref);
    g_clear_pointer(&def->channels, g_ptr_array_unref);
    g_clear_pointer(&def->rngs, g_ptr_array_unref);
    g_clear_pointer(&def->sounds, g_ptr_array_unref);
    g_clear_pointer(&def->audios, g_ptr_array_unref);
    g_clear_pointer(&def->panics, g_ptr_array_unref);
    g_clear_pointer(&def->watchdog, virDomainWatchdogDefFree);
    g_clear_pointer(&def->memballoon, virDomainMemballoonDefFree);
}


/* Sets *@alias to @prefix@idx unless it is set. */
static void
virDomainAliasSet(char **alias, const char *prefix, size_t idx)
{
    if (!*alias)
        *alias = g_strdup_printf("%s%zu", prefix, idx);
}


/**
 * virDomainPeriphAssignAliases:
 * libvirt's ids: netN, videoN, channelN, soundN,
 * rngN, watchdog0, balloon0 (virtio balloon only).
 */
void
virDomainPeriphAssignAliases(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nets->len; i++)
        virDomainAliasSet(&((virDomainNetDef *)g_ptr_array_index(def->nets, i))->info.alias,
                          "net", i);
    for (i = 0; i < def->videos->len; i++)
        virDomainAliasSet(&((virDomainVideoDef *)g_ptr_array_index(def->videos, i))->info.alias,
                          "video", i);
    for (i = 0; i < def->channels->len; i++)
        virDomainAliasSet(&((virDomainChannelDef *)g_ptr_array_index(def->channels, i))->info.alias,
                          "channel", i);
    for (i = 0; i < def->sounds->len; i++)
        virDomainAliasSet(&((virDomainSoundDef *)g_ptr_array_index(def->sounds, i))->info.alias,
                          "sound", i);
    for (i = 0; i < def->rngs->len; i++)
        virDomainAliasSet(&((virDomainRNGDef *)g_ptr_array_index(def->rngs, i))->info.alias,
                          "rng", i);
    if (def->watchdog)
        virDomainAliasSet(&def->watchdog->info.alias, "watchdog", 0);
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
        !def->memballoon->info.alias)
        def->memballoon->info.alias = g_strdup("balloon0");
}


static void
virDomainNetClearRuntime(virDomainNetDef *net)
{
    if (net->ifname && net->managedTap != VIR_TRISTATE_SWITCH_OFF &&
        STRPREFIX(net->ifname, VIR_DOMAIN_NET_GENERATED_TAP_PREFIX))
        g_clear_pointer(&net->ifname, g_free);
}


static void
virDomainGraphicsClearRuntime(virDomainGraphicsDef *gr)
{
    if (gr->autoport)
        gr->port = 0;
    if (gr->listenFromConfig) {
        g_clear_pointer(&gr->listenAddress, g_free);
        gr->listenFromConfig = false;
    }
}


static void
virDomainChannelClearRuntime(virDomainChannelDef *chan)
{
    chan->state = VIR_DOMAIN_CHANNEL_STATE_NONE;
    if (chan->autoPath)
        g_clear_pointer(&chan->source.path, g_free);
}


/**
 * virDomainPeriphClearRuntime:
 * Undoes virDomainPeriphAssignAliases and the daemon's start-time
 * additions (see the file comment).
 */
void
virDomainPeriphClearRuntime(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nets->len; i++)
        virDomainNetClearRuntime(g_ptr_array_index(def->nets, i));
    for (i = 0; i < def->graphics->len; i++)
        virDomainGraphicsClearRuntime(g_ptr_array_index(def->graphics, i));
    for (i = 0; i < def->channels->len; i++)
        virDomainChannelClearRuntime(g_ptr_array_index(def->channels, i));
}
