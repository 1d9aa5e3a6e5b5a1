/*
 * domain_conf_chr.c: <channel> of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virtio-serial ports: a unix socket (the QEMU guest agent's
 * org.qemu.guest_agent.0, or any name) or SPICE's agent channel
 * (type 'spicevmc', com.redhat.spice.0).  A unix channel in bind mode
 * without a path gets one under the daemon's run directory at start, as
 * libvirt does; that path is runtime data.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_chr");

static const char *const virDomainChannelStateTable[] = {
    [VIR_DOMAIN_CHANNEL_STATE_NONE] = "default",
    [VIR_DOMAIN_CHANNEL_STATE_CONNECTED] = "connected",
    [VIR_DOMAIN_CHANNEL_STATE_DISCONNECTED] = "disconnected",
};
VIR_ENUM_IMPL_TABLE(virDomainChannelState, virDomainChannelStateTable,
                    VIR_DOMAIN_CHANNEL_STATE_LAST);

/* Longest <target name=''> QEMU takes for a virtserialport. */
#define VIR_DOMAIN_CHANNEL_NAME_MAX 255


/* Frees a channel definition; accepts NULL. */
void
virDomainChannelDefFree(virDomainChannelDef *def)
{
    if (!def)
        return;
    g_free(def->source.path);
    g_free(def->name);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


static int
virDomainChannelParseSource(virDomainChannelDef *chan, xmlNode *dev,
                            unsigned int flags)
{
    xmlNode *source = virXMLNodeChild(dev, "source");
    g_autofree char *type = virXMLPropString(dev, "type");
    g_autofree char *autoPath = NULL;

    if (type && STREQ(type, "spicevmc")) {
        chan->source.type = VIR_DOMAIN_CHR_TYPE_SPICEVMC;
        if (source) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("element 'source' is not supported for channel type 'spicevmc'"));
            return -1;
        }
        return 0;
    }
    if (!type || STRNEQ(type, "unix")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("channel type '%1$s' is not supported (supported: unix, spicevmc)"),
                       NULLSTR(type));
        return -1;
    }
    chan->source.type = VIR_DOMAIN_CHR_TYPE_UNIX;
    chan->source.mode = VIR_DOMAIN_CHR_UNIX_MODE_BIND;
    if (!source)
        goto autopath;
    if (virDomainXMLPropEnum(source, "mode", virDomainChrUnixMode, false,
                             &chan->source.mode) < 0)
        return -1;
    chan->source.path = virXMLPropString(source, "path");
    autoPath = virXMLPropString(source, "autoPath");
    if (autoPath && !(flags & VIR_DOMAIN_DEF_PARSE_STATUS)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("attribute 'autoPath' of element 'source' is not supported"));
        return -1;
    }
    if (chan->source.path && !(autoPath && STREQ(autoPath, "1")))
        return 0;
    /* a path the daemon picked is runtime data */
    if (flags & VIR_DOMAIN_DEF_PARSE_INACTIVE)
        g_clear_pointer(&chan->source.path, g_free);

 autopath:
    if (chan->source.mode != VIR_DOMAIN_CHR_UNIX_MODE_BIND) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("a unix channel in mode 'connect' needs a source path"));
        return -1;
    }
    chan->autoPath = true;
    return 0;
}


/* Whether @path is a socket a daemon named for channel @name: under one
 * of @config's channel directories, or in libvirt's per-domain form
 * .../domain-NAME/@name wherever it is (libvirt's QEMU driver rule). */
static bool
virDomainChannelPathIsDefault(const char *path, const char *name,
                              const virDomainDefParserConfig *config)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *dirbase = g_path_get_basename(dir);
    g_autofree char *base = g_path_get_basename(path);
    size_t i;

    if (STREQ(base, name) && g_str_has_prefix(dirbase, "domain-"))
        return true;
    for (i = 0; config && i < G_N_ELEMENTS(config->channelDirs); i++) {
        const char *cdir = config->channelDirs[i];

        if (cdir && g_str_has_prefix(path, cdir) &&
            path[strlen(cdir)] == '/')
            return true;
    }
    return false;
}


/**
 * virDomainChannelsDropDefaultPaths:
 * For a config (the XML of a running guest given to define, or a
 * migration's): a unix channel's socket path that a daemon named is
 * runtime data, as libvirt's QEMU driver treats it; the channel gets a
 * path of this host at start instead.
 */
void
virDomainChannelsDropDefaultPaths(virDomainDef *def,
                                  const virDomainDefParserConfig *config)
{
    size_t i;

    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);

        if (chan->source.type != VIR_DOMAIN_CHR_TYPE_UNIX ||
            chan->source.mode != VIR_DOMAIN_CHR_UNIX_MODE_BIND ||
            chan->autoPath || !chan->source.path || !chan->name ||
            !virDomainChannelPathIsDefault(chan->source.path, chan->name,
                                           config))
            continue;
        g_clear_pointer(&chan->source.path, g_free);
        chan->autoPath = true;
    }
}


static int
virDomainChannelParseTarget(virDomainChannelDef *chan, xmlNode *dev,
                            unsigned int flags)
{
    xmlNode *target = virXMLNodeChild(dev, "target");
    g_autofree char *type = target ? virXMLPropString(target, "type") : NULL;

    if (!target || !type || STRNEQ(type, "virtio")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("channel target type '%1$s' is not supported (supported: virtio)"),
                       NULLSTR(type));
        return -1;
    }
    chan->name = virXMLPropString(target, "name");
    if (!chan->name && chan->source.type == VIR_DOMAIN_CHR_TYPE_SPICEVMC)
        chan->name = g_strdup(VIR_DOMAIN_CHANNEL_SPICE);
    if (!chan->name || !*chan->name ||
        strlen(chan->name) > VIR_DOMAIN_CHANNEL_NAME_MAX) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("virtio channel needs a target name of at most 255 characters"));
        return -1;
    }
    if (!(flags & VIR_DOMAIN_DEF_PARSE_INACTIVE) &&
        virDomainXMLPropEnum(target, "state", virDomainChannelState, false,
                             &chan->state) < 0)
        return -1;
    return 0;
}


/* Only controller 0, bus 0 exist for us (ports 1..30). */
static int
virDomainChannelCheckAddress(const virDomainChannelDef *chan)
{
    const virDomainDeviceInfo *info = &chan->info;

    if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        return 0;
    if (info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("channel address type '%1$s' is not supported (supported: virtio-serial)"),
                       virDomainDeviceAddressTypeToString(info->type));
        return -1;
    }
    if (info->addr.vioserial.controller != 0 || info->addr.vioserial.bus != 0 ||
        info->addr.vioserial.port > 30) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("only virtio-serial controller 0, bus 0, ports 1..30 are supported"));
        return -1;
    }
    return 0;
}


static virDomainChannelDef *
virDomainChannelDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainChannelDef) chan = g_new0(virDomainChannelDef, 1);

    if (virDomainChannelParseSource(chan, dev, flags) < 0 ||
        virDomainChannelParseTarget(chan, dev, flags) < 0 ||
        virDomainDeviceInfoParseXML(dev, flags, &chan->info) < 0 ||
        virDomainChannelCheckAddress(chan) < 0)
        return NULL;
    return g_steal_pointer(&chan);
}


/**
 * virDomainChannelParseOne:
 * Parses @dev into @def when it is a <channel>.  Returns 1 when parsed, 0
 * when @dev is not a channel, -1 (reported).
 */
int
virDomainChannelParseOne(virDomainDef *def, xmlNode *dev, unsigned int flags)
{
    virDomainChannelDef *chan;

    if (!xmlStrEqual(dev->name, BAD_CAST "channel"))
        return 0;
    if (!(chan = virDomainChannelDefParse(dev, flags)))
        return -1;
    g_ptr_array_add(def->channels, chan);
    return 1;
}


/**
 * virDomainChannelsPostParse:
 * Gives each channel without a virtio-serial port the lowest free one
 * from 1 (port 0 is for consoles), as libvirt does.
 */
void
virDomainChannelsPostParse(virDomainDef *def)
{
    unsigned long long used = 1; /* bit N: port N taken */
    size_t i;

    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);

        if (chan->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL &&
            chan->info.addr.vioserial.port)
            used |= 1ULL << chan->info.addr.vioserial.port;
    }
    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);
        unsigned int port = 1;

        if (chan->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL &&
            chan->info.addr.vioserial.port)
            continue;
        while (port < 31 && (used & (1ULL << port)))
            port++;
        chan->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL;
        chan->info.addr.vioserial.controller = 0;
        chan->info.addr.vioserial.bus = 0;
        chan->info.addr.vioserial.port = port;
        used |= 1ULL << port;
    }
}


/**
 * virDomainChannelsValidate:
 * Unique target names and ports.  Returns 0 or -1 (reported).
 */
int
virDomainChannelsValidate(const virDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *a = g_ptr_array_index(def->channels, i);

        for (j = i + 1; j < def->channels->len; j++) {
            virDomainChannelDef *b = g_ptr_array_index(def->channels, j);

            if (STREQ(a->name, b->name) ||
                a->info.addr.vioserial.port == b->info.addr.vioserial.port ||
                a->info.addr.vioserial.port > 30) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("channels '%1$s' and '%2$s' use the same target name or virtio-serial port"),
                               a->name, b->name);
                return -1;
            }
        }
    }
    return 0;
}


static void
virDomainChannelDefFormat(virBuffer *buf, const virDomainChannelDef *chan,
                          unsigned int flags)
{
    bool spice = chan->source.type == VIR_DOMAIN_CHR_TYPE_SPICEVMC;
    bool showPath = chan->source.path &&
                    (!chan->autoPath ||
                     !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)));

    virBufferAsprintf(buf, "<channel type='%s'>\n", spice ? "spicevmc" : "unix");
    virBufferAdjustIndent(buf, 2);
    if (!spice && (showPath || !chan->autoPath ||
                   chan->source.mode != VIR_DOMAIN_CHR_UNIX_MODE_BIND)) {
        virBufferAsprintf(buf, "<source mode='%s'",
                          virDomainChrUnixModeTypeToString(chan->source.mode));
        if (showPath)
            virBufferEscapeString(buf, " path='%s'", chan->source.path);
        if (showPath && chan->autoPath && (flags & VIR_DOMAIN_DEF_FORMAT_STATUS))
            virBufferAddLit(buf, " autoPath='1'");
        virBufferAddLit(buf, "/>\n");
    }
    virBufferEscapeString(buf, "<target type='virtio' name='%s'", chan->name);
    if (chan->state && !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                  VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)))
        virBufferAsprintf(buf, " state='%s'",
                          virDomainChannelStateTypeToString(chan->state));
    virBufferAddLit(buf, "/>\n");
    virDomainDeviceInfoFormat(buf, &chan->info, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</channel>\n");
}


/* <channel> elements, in order. */
void
virDomainChannelFormatAll(virBuffer *buf, const virDomainDef *def,
                          unsigned int flags)
{
    size_t i;

    for (i = 0; i < def->channels->len; i++)
        virDomainChannelDefFormat(buf, g_ptr_array_index(def->channels, i),
                                  flags);
}


/* The guest agent channel of @def, or NULL. */
virDomainChannelDef *
virDomainDefGetAgentChannel(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);

        if (chan->source.type == VIR_DOMAIN_CHR_TYPE_UNIX &&
            STREQ(chan->name, VIR_DOMAIN_CHANNEL_GUEST_AGENT))
            return chan;
    }
    return NULL;
}
