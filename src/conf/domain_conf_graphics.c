/*
 * domain_conf_graphics.c: <graphics>, <video> and <audio> of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VNC and SPICE (one of each at most) listening on an address or nowhere
 * (<listen type='none'/>); video adapters with the memory sizes libvirt's
 * QEMU driver fills in; the audio backend libvirt 9.0 adds to every QEMU
 * domain (id 1, 'spice' with SPICE graphics, 'none' otherwise).
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_graphics");

static const char *const virDomainGraphicsTable[] = {
    [VIR_DOMAIN_GRAPHICS_TYPE_NONE] = "none",
    [VIR_DOMAIN_GRAPHICS_TYPE_VNC] = "vnc",
    [VIR_DOMAIN_GRAPHICS_TYPE_SPICE] = "spice",
};
VIR_ENUM_IMPL_TABLE(virDomainGraphics, virDomainGraphicsTable,
                    VIR_DOMAIN_GRAPHICS_TYPE_LAST);

static const char *const virDomainGraphicsListenTable[] = {
    [VIR_DOMAIN_GRAPHICS_LISTEN_NONE] = "unset",
    [VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS] = "address",
    [VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN] = "none",
};
VIR_ENUM_IMPL_TABLE(virDomainGraphicsListen, virDomainGraphicsListenTable,
                    VIR_DOMAIN_GRAPHICS_LISTEN_LAST);

static const char *const virDomainGraphicsImageTable[] = {
    [VIR_DOMAIN_GRAPHICS_IMAGE_DEFAULT] = "default",
    [VIR_DOMAIN_GRAPHICS_IMAGE_AUTO_GLZ] = "auto_glz",
    [VIR_DOMAIN_GRAPHICS_IMAGE_AUTO_LZ] = "auto_lz",
    [VIR_DOMAIN_GRAPHICS_IMAGE_QUIC] = "quic",
    [VIR_DOMAIN_GRAPHICS_IMAGE_GLZ] = "glz",
    [VIR_DOMAIN_GRAPHICS_IMAGE_LZ] = "lz",
    [VIR_DOMAIN_GRAPHICS_IMAGE_OFF] = "off",
};
VIR_ENUM_IMPL_TABLE(virDomainGraphicsImage, virDomainGraphicsImageTable,
                    VIR_DOMAIN_GRAPHICS_IMAGE_LAST);

/* "none" is a real model here (no adapter): entry 0, accepted explicitly */
static const char *const virDomainVideoTable[] = {
    [VIR_DOMAIN_VIDEO_TYPE_NONE] = "none",
    [VIR_DOMAIN_VIDEO_TYPE_VGA] = "vga",
    [VIR_DOMAIN_VIDEO_TYPE_CIRRUS] = "cirrus",
    [VIR_DOMAIN_VIDEO_TYPE_BOCHS] = "bochs",
    [VIR_DOMAIN_VIDEO_TYPE_QXL] = "qxl",
    [VIR_DOMAIN_VIDEO_TYPE_VIRTIO] = "virtio",
};
VIR_ENUM_IMPL_TABLE(virDomainVideo, virDomainVideoTable,
                    VIR_DOMAIN_VIDEO_TYPE_LAST);

/* "none" is a real backend: entry 0, accepted explicitly */
static const char *const virDomainAudioTable[] = {
    [VIR_DOMAIN_AUDIO_TYPE_NONE] = "none",
    [VIR_DOMAIN_AUDIO_TYPE_SPICE] = "spice",
};
VIR_ENUM_IMPL_TABLE(virDomainAudio, virDomainAudioTable,
                    VIR_DOMAIN_AUDIO_TYPE_LAST);

#define VIR_DOMAIN_VIDEO_VRAM_DEFAULT 16384
#define VIR_DOMAIN_VIDEO_QXL_RAM_DEFAULT 65536
#define VIR_DOMAIN_VIDEO_QXL_VRAM_DEFAULT 65536
#define VIR_DOMAIN_VIDEO_QXL_VGAMEM_DEFAULT 16384


/* Frees a graphics definition; accepts NULL. */
void
virDomainGraphicsDefFree(virDomainGraphicsDef *def)
{
    if (!def)
        return;
    g_free(def->listenAddress);
    g_free(def->passwd);
    g_free(def);
}


/* Frees a video definition; accepts NULL. */
void
virDomainVideoDefFree(virDomainVideoDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* ---- graphics ---- */

static int
virDomainGraphicsListenParseElem(virDomainGraphicsDef *gr, xmlNode *listen,
                                 unsigned int flags, char **addr)
{
    g_autofree char *fromConfig = NULL;

    if (virDomainXMLPropEnum(listen, "type", virDomainGraphicsListen, true,
                             &gr->listenType) < 0)
        return -1;
    *addr = virXMLPropString(listen, "address");
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN && *addr) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("attribute 'address' of element 'listen' needs type 'address'"));
        return -1;
    }
    fromConfig = virXMLPropString(listen, "fromConfig");
    if (fromConfig && !(flags & VIR_DOMAIN_DEF_PARSE_STATUS)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("attribute 'fromConfig' of element 'listen' is not supported"));
        return -1;
    }
    gr->listenFromConfig = fromConfig && STREQ(fromConfig, "1");
    return 0;
}


static int
virDomainGraphicsListenParse(virDomainGraphicsDef *gr, xmlNode *dev,
                             unsigned int flags)
{
    xmlNode *listen = virXMLNodeChild(dev, "listen");
    g_autofree char *compat = virXMLPropString(dev, "listen");
    g_autofree char *addr = NULL;

    gr->listenType = VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS;
    if (listen &&
        virDomainGraphicsListenParseElem(gr, listen, flags, &addr) < 0)
        return -1;
    if (addr && compat && STRNEQ(addr, compat)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("graphics 'listen' attribute '%1$s' must match 'address' attribute of first listen element (found '%2$s')"),
                       compat, addr);
        return -1;
    }
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN)
        return 0;
    if (!addr)
        addr = g_steal_pointer(&compat);
    if (addr && *addr)
        gr->listenAddress = g_steal_pointer(&addr);
    if (gr->listenFromConfig && (flags & VIR_DOMAIN_DEF_PARSE_INACTIVE))
        g_clear_pointer(&gr->listenAddress, g_free);
    return 0;
}


static int
virDomainGraphicsPortParse(virDomainGraphicsDef *gr, xmlNode *dev,
                           unsigned int flags)
{
    g_autofree char *port = virXMLPropString(dev, "port");

    if (virDomainXMLPropInt(dev, "port", false, &gr->port) < 0)
        return -1;
    gr->autoport = gr->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC
                       ? (!port || gr->port == -1)
                       : gr->port <= 0;
    if (gr->port == -1)
        gr->port = 0;
    if (virDomainXMLPropYesNo(dev, "autoport", &gr->autoport) < 0)
        return -1;
    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN) {
        gr->autoport = false;
        gr->port = 0;
        return 0;
    }
    /* an automatically assigned port is runtime data */
    if (gr->autoport && (flags & VIR_DOMAIN_DEF_PARSE_INACTIVE))
        gr->port = 0;
    if (!gr->autoport &&
        (gr->port < VIR_DOMAIN_GRAPHICS_PORT_MIN || gr->port > 65535)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s port %2$d is outside %3$d..65535"),
                       virDomainGraphicsTypeToString(gr->type), gr->port,
                       VIR_DOMAIN_GRAPHICS_PORT_MIN);
        return -1;
    }
    return 0;
}


static int
virDomainGraphicsSpiceParse(virDomainGraphicsDef *gr, xmlNode *dev)
{
    xmlNode *image = virXMLNodeChild(dev, "image");

    if (gr->type != VIR_DOMAIN_GRAPHICS_TYPE_SPICE) {
        if (image) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("element 'image' is only supported for spice graphics"));
            return -1;
        }
        return 0;
    }
    if (image && virDomainXMLPropEnum(image, "compression",
                                      virDomainGraphicsImage, true,
                                      &gr->image) < 0)
        return -1;
    return 0;
}


static virDomainGraphicsDef *
virDomainGraphicsDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainGraphicsDef) gr = g_new0(virDomainGraphicsDef, 1);

    if (virDomainXMLPropEnum(dev, "type", virDomainGraphics, true,
                             &gr->type) < 0 ||
        virDomainGraphicsListenParse(gr, dev, flags) < 0 ||
        virDomainGraphicsPortParse(gr, dev, flags) < 0 ||
        virDomainGraphicsSpiceParse(gr, dev) < 0)
        return NULL;
    gr->passwd = virXMLPropString(dev, "passwd");
    return g_steal_pointer(&gr);
}


static void
virDomainGraphicsFormatPort(virBuffer *buf, const virDomainGraphicsDef *gr,
                            unsigned int flags)
{
    bool hidePort = gr->autoport &&
                    (flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                              VIR_DOMAIN_DEF_FORMAT_MIGRATABLE));

    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN)
        return;
    if (gr->port && !hidePort)
        virBufferAsprintf(buf, " port='%d'", gr->port);
    else if (gr->autoport && gr->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC)
        virBufferAddLit(buf, " port='-1'");
    virBufferAsprintf(buf, " autoport='%s'", gr->autoport ? "yes" : "no");
}


static void
virDomainGraphicsDefFormat(virBuffer *buf, const virDomainGraphicsDef *gr,
                           unsigned int flags)
{
    bool hideListen = gr->listenFromConfig &&
                      (flags & VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
    const char *addr = hideListen ? NULL : gr->listenAddress;

    virBufferAsprintf(buf, "<graphics type='%s'",
                      virDomainGraphicsTypeToString(gr->type));
    virDomainGraphicsFormatPort(buf, gr, flags);
    virBufferEscapeString(buf, " listen='%s'", addr);
    if (flags & VIR_DOMAIN_DEF_FORMAT_SECURE)
        virBufferEscapeString(buf, " passwd='%s'", gr->passwd);
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<listen type='%s'",
                      virDomainGraphicsListenTypeToString(gr->listenType));
    virBufferEscapeString(buf, " address='%s'", addr);
    if (gr->listenFromConfig && !hideListen &&
        (flags & VIR_DOMAIN_DEF_FORMAT_STATUS))
        virBufferAddLit(buf, " fromConfig='1'");
    virBufferAddLit(buf, "/>\n");
    if (gr->image)
        virBufferAsprintf(buf, "<image compression='%s'/>\n",
                          virDomainGraphicsImageTypeToString(gr->image));
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</graphics>\n");
}


/* ---- video ---- */

static int
virDomainVideoParseSizes(virDomainVideoDef *video, xmlNode *model)
{
    if (virDomainXMLPropUInt(model, "ram", false, &video->ram) < 0 ||
        virDomainXMLPropUInt(model, "vram", false, &video->vram) < 0 ||
        virDomainXMLPropUInt(model, "vgamem", false, &video->vgamem) < 0 ||
        virDomainXMLPropUInt(model, "heads", false, &video->heads) < 0 ||
        virDomainXMLPropYesNo(model, "primary", &video->primary) < 0)
        return -1;
    if ((video->ram || video->vgamem) &&
        video->type != VIR_DOMAIN_VIDEO_TYPE_QXL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("attributes 'ram' and 'vgamem' are only supported for video model 'qxl', not '%1$s'"),
                       virDomainVideoTypeToString(video->type));
        return -1;
    }
    if (video->type == VIR_DOMAIN_VIDEO_TYPE_NONE &&
        (video->vram || video->heads || video->primary)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("video model 'none' takes no vram, heads or primary"));
        return -1;
    }
    return 0;
}


static virDomainVideoDef *
virDomainVideoDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainVideoDef) video = g_new0(virDomainVideoDef, 1);
    xmlNode *model = virXMLNodeChild(dev, "model");
    g_autofree char *type = model ? virXMLPropString(model, "type") : NULL;

    /* no model: libvirt 9.0's QEMU driver takes cirrus on x86 */
    video->type = VIR_DOMAIN_VIDEO_TYPE_CIRRUS;
    if (type && STREQ(type, "none"))
        video->type = VIR_DOMAIN_VIDEO_TYPE_NONE;
    else if (model && virDomainXMLPropEnum(model, "type", virDomainVideo,
                                           false, &video->type) < 0)
        return NULL;
    if (model && virDomainVideoParseSizes(video, model) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(dev, flags, &video->info) < 0)
        return NULL;
    return g_steal_pointer(&video);
}


/* libvirt's sizes for a model whose XML leaves them out. */
static void
virDomainVideoDefPostParse(virDomainVideoDef *video)
{
    switch (video->type) {
    case VIR_DOMAIN_VIDEO_TYPE_QXL:
        if (!video->ram)
            video->ram = VIR_DOMAIN_VIDEO_QXL_RAM_DEFAULT;
        if (!video->vram)
            video->vram = VIR_DOMAIN_VIDEO_QXL_VRAM_DEFAULT;
        if (!video->vgamem)
            video->vgamem = VIR_DOMAIN_VIDEO_QXL_VGAMEM_DEFAULT;
        break;
    case VIR_DOMAIN_VIDEO_TYPE_VGA:
    case VIR_DOMAIN_VIDEO_TYPE_CIRRUS:
    case VIR_DOMAIN_VIDEO_TYPE_BOCHS:
        if (!video->vram)
            video->vram = VIR_DOMAIN_VIDEO_VRAM_DEFAULT;
        break;
    case VIR_DOMAIN_VIDEO_TYPE_VIRTIO:
        break;
    case VIR_DOMAIN_VIDEO_TYPE_NONE:
    case VIR_DOMAIN_VIDEO_TYPE_LAST:
    default:
        return;
    }
    if (!video->heads)
        video->heads = 1;
}


static void
virDomainVideoDefFormat(virBuffer *buf, const virDomainVideoDef *video,
                        unsigned int flags)
{
    virBufferAddLit(buf, "<video>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<model type='%s'",
                      virDomainVideoTypeToString(video->type));
    if (video->ram)
        virBufferAsprintf(buf, " ram='%u'", video->ram);
    if (video->vram)
        virBufferAsprintf(buf, " vram='%u'", video->vram);
    if (video->vgamem)
        virBufferAsprintf(buf, " vgamem='%u'", video->vgamem);
    if (video->heads)
        virBufferAsprintf(buf, " heads='%u'", video->heads);
    if (video->primary)
        virBufferAddLit(buf, " primary='yes'");
    virBufferAddLit(buf, "/>\n");
    virDomainDeviceInfoFormat(buf, &video->info, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</video>\n");
}


/* ---- audio ---- */

static virDomainAudioDef *
virDomainAudioDefParse(xmlNode *dev)
{
    g_autofree virDomainAudioDef *audio = g_new0(virDomainAudioDef, 1);
    g_autofree char *type = virXMLPropString(dev, "type");

    if (virDomainXMLPropUInt(dev, "id", true, &audio->id) < 0)
        return NULL;
    if (audio->id == 0) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("audio id must be greater than 0"));
        return NULL;
    }
    if (!type || STRNEQ(type, "none")) {
        if (virDomainXMLPropEnum(dev, "type", virDomainAudio, true,
                                 &audio->type) < 0)
            return NULL;
    }
    return g_steal_pointer(&audio);
}


/* ---- entry points for domain_conf_devices.c ---- */

/**
 * virDomainGraphicsParseOne:
 * Parses @dev into @def when it is <graphics>, <video> or <audio>.
 * Returns 1 when parsed, 0 when @dev is none of them, -1 (reported).
 */
int
virDomainGraphicsParseOne(virDomainDef *def, xmlNode *dev, unsigned int flags)
{
    const char *name = (const char *)dev->name;
    void *obj = NULL;
    size_t i;

    if (STREQ(name, "graphics")) {
        virDomainGraphicsDef *gr = virDomainGraphicsDefParse(dev, flags);

        if (!gr)
            return -1;
        g_ptr_array_add(def->graphics, gr);
        for (i = 0; i + 1 < def->graphics->len; i++) {
            virDomainGraphicsDef *other = g_ptr_array_index(def->graphics, i);

            if (other->type == gr->type) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("only one graphics device of type '%1$s' is supported"),
                               virDomainGraphicsTypeToString(gr->type));
                return -1;
            }
        }
        return 1;
    }
    if (STREQ(name, "video")) {
        if ((obj = virDomainVideoDefParse(dev, flags)))
            g_ptr_array_add(def->videos, obj);
    } else if (STREQ(name, "audio")) {
        if ((obj = virDomainAudioDefParse(dev)))
            g_ptr_array_add(def->audios, obj);
    } else {
        return 0;
    }
    return obj ? 1 : -1;
}


/* The audio backend libvirt adds to a domain without one. */
static virDomainAudioType
virDomainAudioDefaultType(const virDomainDef *def)
{
    return virDomainDefGetGraphics(def, VIR_DOMAIN_GRAPHICS_TYPE_SPICE)
               ? VIR_DOMAIN_AUDIO_TYPE_SPICE : VIR_DOMAIN_AUDIO_TYPE_NONE;
}


/* Moves the adapter marked primary (or the first one) to the front and
 * marks it, as libvirt does. */
static void
virDomainVideosSetPrimary(virDomainDef *def)
{
    size_t i;

    if (def->videos->len == 0)
        return;
    for (i = 0; i < def->videos->len; i++) {
        virDomainVideoDef *video = g_ptr_array_index(def->videos, i);

        if (video->primary && i > 0) {
            g_ptr_array_steal_index(def->videos, i);
            g_ptr_array_insert(def->videos, 0, video);
            break;
        }
    }
    ((virDomainVideoDef *)g_ptr_array_index(def->videos, 0))->primary =
        ((virDomainVideoDef *)g_ptr_array_index(def->videos, 0))->type !=
        VIR_DOMAIN_VIDEO_TYPE_NONE;
}


/**
 * virDomainGraphicsPostParse:
 * libvirt's QEMU defaults: a video adapter when there is graphics but no
 * video (cirrus, with VNC or SPICE: libvirt 9.0's QEMU driver takes it
 * on x86 whenever QEMU has it), video sizes and heads, the primary
 * adapter first, and audio backend 1 ('spice' with SPICE graphics, else
 * 'none').
 */
void
virDomainGraphicsPostParse(virDomainDef *def)
{
    size_t i;

    if (def->graphics->len > 0 && def->videos->len == 0) {
        virDomainVideoDef *video = g_new0(virDomainVideoDef, 1);

        video->type = VIR_DOMAIN_VIDEO_TYPE_CIRRUS;
        g_ptr_array_add(def->videos, video);
    }
    for (i = 0; i < def->videos->len; i++)
        virDomainVideoDefPostParse(g_ptr_array_index(def->videos, i));
    virDomainVideosSetPrimary(def);
    if (def->audios->len == 0) {
        virDomainAudioDef *audio = g_new0(virDomainAudioDef, 1);

        audio->id = 1;
        audio->type = virDomainAudioDefaultType(def);
        g_ptr_array_add(def->audios, audio);
    }
}


/**
 * virDomainGraphicsValidate:
 * At most one video adapter of model 'none', and not beside others; audio
 * ids unique.  Returns 0 or -1 (reported).
 */
int
virDomainGraphicsValidate(const virDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->videos->len; i++) {
        virDomainVideoDef *video = g_ptr_array_index(def->videos, i);

        if (video->type == VIR_DOMAIN_VIDEO_TYPE_NONE &&
            def->videos->len > 1) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("a 'none' video type must be the only video device defined for the domain"));
            return -1;
        }
    }
    for (i = 0; i < def->audios->len; i++) {
        virDomainAudioDef *a = g_ptr_array_index(def->audios, i);

        for (j = i + 1; j < def->audios->len; j++) {
            if (a->id == ((virDomainAudioDef *)g_ptr_array_index(def->audios, j))->id) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("audio id '%1$u' is used by two audio backends"),
                               a->id);
                return -1;
            }
        }
    }
    return 0;
}


/* <graphics> elements, in order. */
void
virDomainGraphicsFormatAll(virBuffer *buf, const virDomainDef *def,
                           unsigned int flags)
{
    size_t i;

    for (i = 0; i < def->graphics->len; i++)
        virDomainGraphicsDefFormat(buf, g_ptr_array_index(def->graphics, i),
                                   flags);
}


/* <audio> then <video> elements, in libvirt's order.  Migratable XML
 * leaves out the default audio backend, as libvirt does, so an older
 * destination without <audio> support still reads it. */
void
virDomainVideoFormatAll(virBuffer *buf, const virDomainDef *def,
                        unsigned int flags)
{
    size_t i;

    if ((flags & VIR_DOMAIN_DEF_FORMAT_MIGRATABLE) && def->audios->len == 1) {
        virDomainAudioDef *audio = g_ptr_array_index(def->audios, 0);

        if (audio->id == 1 && audio->type == virDomainAudioDefaultType(def))
            i = 1;
        else
            i = 0;
    } else {
        i = 0;
    }
    for (; i < def->audios->len; i++) {
        virDomainAudioDef *audio = g_ptr_array_index(def->audios, i);

        virBufferAsprintf(buf, "<audio id='%u' type='%s'/>\n", audio->id,
                          virDomainAudioTypeToString(audio->type));
    }
    for (i = 0; i < def->videos->len; i++)
        virDomainVideoDefFormat(buf, g_ptr_array_index(def->videos, i), flags);
}


/* The graphics of type @type, or NULL. */
virDomainGraphicsDef *
virDomainDefGetGraphics(const virDomainDef *def, virDomainGraphicsType type)
{
    size_t i;

    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);

        if (gr->type == type)
            return gr;
    }
    return NULL;
}
