/*
 * domain_conf_misc.c: <rng>, <memballoon>, <watchdog>, <panic>
 * and <sound> of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_misc");

static const char *const virDomainMemballoonModelTable[] = {
    [VIR_DOMAIN_MEMBALLOON_MODEL_NONE] = "none",
    [VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO] = "virtio",
};
VIR_ENUM_IMPL_TABLE(virDomainMemballoonModel, virDomainMemballoonModelTable,
                    VIR_DOMAIN_MEMBALLOON_MODEL_LAST);

static const char *const virDomainWatchdogModelTable[] = {
    [VIR_DOMAIN_WATCHDOG_MODEL_NONE] = "none",
    [VIR_DOMAIN_WATCHDOG_MODEL_I6300ESB] = "i6300esb",
    [VIR_DOMAIN_WATCHDOG_MODEL_IB700] = "ib700",
};
VIR_ENUM_IMPL_TABLE(virDomainWatchdogModel, virDomainWatchdogModelTable,
                    VIR_DOMAIN_WATCHDOG_MODEL_LAST);

static const char *const virDomainWatchdogActionTable[] = {
    [VIR_DOMAIN_WATCHDOG_ACTION_DEFAULT] = "default",
    [VIR_DOMAIN_WATCHDOG_ACTION_RESET] = "reset",
    [VIR_DOMAIN_WATCHDOG_ACTION_SHUTDOWN] = "shutdown",
    [VIR_DOMAIN_WATCHDOG_ACTION_POWEROFF] = "poweroff",
    [VIR_DOMAIN_WATCHDOG_ACTION_PAUSE] = "pause",
    [VIR_DOMAIN_WATCHDOG_ACTION_NOTHING] = "none",
    [VIR_DOMAIN_WATCHDOG_ACTION_INJECTNMI] = "inject-nmi",
};
VIR_ENUM_IMPL_TABLE(virDomainWatchdogAction, virDomainWatchdogActionTable,
                    VIR_DOMAIN_WATCHDOG_ACTION_LAST);

static const char *const virDomainPanicModelTable[] = {
    [VIR_DOMAIN_PANIC_MODEL_NONE] = "none",
    [VIR_DOMAIN_PANIC_MODEL_ISA] = "isa",
};
VIR_ENUM_IMPL_TABLE(virDomainPanicModel, virDomainPanicModelTable,
                    VIR_DOMAIN_PANIC_MODEL_LAST);

static const char *const virDomainSoundModelTable[] = {
    [VIR_DOMAIN_SOUND_MODEL_NONE] = "none",
    [VIR_DOMAIN_SOUND_MODEL_ICH6] = "ich6",
    [VIR_DOMAIN_SOUND_MODEL_ICH9] = "ich9",
    [VIR_DOMAIN_SOUND_MODEL_AC97] = "ac97",
};
VIR_ENUM_IMPL_TABLE(virDomainSoundModel, virDomainSoundModelTable,
                    VIR_DOMAIN_SOUND_MODEL_LAST);

static const char *const virDomainSoundCodecTable[] = {
    [VIR_DOMAIN_SOUND_CODEC_NONE] = "none",
    [VIR_DOMAIN_SOUND_CODEC_DUPLEX] = "duplex",
    [VIR_DOMAIN_SOUND_CODEC_MICRO] = "micro",
    [VIR_DOMAIN_SOUND_CODEC_OUTPUT] = "output",
};
VIR_ENUM_IMPL_TABLE(virDomainSoundCodec, virDomainSoundCodecTable,
                    VIR_DOMAIN_SOUND_CODEC_LAST);

/* The ISA port of QEMU's pvpanic device. */
#define VIR_DOMAIN_PANIC_IOBASE_DEFAULT 0x505
/* The only RNG backend we run. */
#define VIR_DOMAIN_RNG_BACKEND_DEFAULT "/dev/urandom"


/* Frees an RNG definition; accepts NULL. */
void
virDomainRNGDefFree(virDomainRNGDef *def)
{
    if (!def)
        return;
    g_free(def->backend);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* Frees a memory balloon definition; accepts NULL. */
void
virDomainMemballoonDefFree(virDomainMemballoonDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* Frees a watchdog definition; accepts NULL. */
void
virDomainWatchdogDefFree(virDomainWatchdogDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* Frees a panic definition; accepts NULL. */
void
virDomainPanicDefFree(virDomainPanicDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* Frees a sound definition; accepts NULL. */
void
virDomainSoundDefFree(virDomainSoundDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* ---- parse ---- */

static virDomainRNGDef *
virDomainRNGDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainRNGDef) rng = g_new0(virDomainRNGDef, 1);
    xmlNode *backend = virXMLNodeChild(dev, "backend");
    g_autofree char *path = NULL;

    if (virDomainXMLPropExpect(dev, "model", "virtio", true) < 0)
        return NULL;
    if (!backend) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("missing RNG device backend"));
        return NULL;
    }
    if (virDomainXMLPropExpect(backend, "model", "random", true) < 0)
        return NULL;
    path = g_strstrip(virXMLNodeContent(backend));
    rng->backend = g_strdup(*path ? path : VIR_DOMAIN_RNG_BACKEND_DEFAULT);
    if (STRNEQ(rng->backend, "/dev/urandom") &&
        STRNEQ(rng->backend, "/dev/random") &&
        STRNEQ(rng->backend, "/dev/hwrng")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("RNG backend '%1$s' is not supported (supported: /dev/urandom, /dev/random, /dev/hwrng)"),
                       rng->backend);
        return NULL;
    }
    if (virDomainDeviceInfoParseXML(dev, flags, &rng->info) < 0)
        return NULL;
    return g_steal_pointer(&rng);
}


static virDomainMemballoonDef *
virDomainMemballoonDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainMemballoonDef) mb = g_new0(virDomainMemballoonDef, 1);
    g_autofree char *model = virXMLPropString(dev, "model");
    xmlNode *stats = virXMLNodeChild(dev, "stats");
    virTristateSwitch deflate = VIR_TRISTATE_SWITCH_ABSENT;

    if (model && STREQ(model, "none"))
        mb->model = VIR_DOMAIN_MEMBALLOON_MODEL_NONE;
    else if (virDomainXMLPropEnum(dev, "model", virDomainMemballoonModel,
                                  true, &mb->model) < 0)
        return NULL;
    if (virDomainXMLPropEnum(dev, "autodeflate", virTristateSwitch, false,
                             &deflate) < 0 ||
        (stats && virDomainXMLPropUInt(stats, "period", true,
                                       &mb->period) < 0))
        return NULL;
    mb->autodeflate = deflate == VIR_TRISTATE_SWITCH_ON;
    if ((mb->autodeflate || mb->period) &&
        mb->model != VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("autodeflate and stats need a virtio balloon"));
        return NULL;
    }
    if (virDomainDeviceInfoParseXML(dev, flags, &mb->info) < 0)
        return NULL;
    return g_steal_pointer(&mb);
}


static virDomainWatchdogDef *
virDomainWatchdogDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainWatchdogDef) wd = g_new0(virDomainWatchdogDef, 1);

    if (virDomainXMLPropEnum(dev, "model", virDomainWatchdogModel, true,
                             &wd->model) < 0 ||
        virDomainXMLPropEnum(dev, "action", virDomainWatchdogAction, false,
                             &wd->action) < 0 ||
        virDomainDeviceInfoParseXML(dev, flags, &wd->info) < 0)
        return NULL;
    if (!wd->action)
        wd->action = VIR_DOMAIN_WATCHDOG_ACTION_RESET;
    return g_steal_pointer(&wd);
}


static virDomainPanicDef *
virDomainPanicDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainPanicDef) panic = g_new0(virDomainPanicDef, 1);

    if (virDomainXMLPropEnum(dev, "model", virDomainPanicModel, false,
                             &panic->model) < 0 ||
        virDomainDeviceInfoParseXML(dev, flags, &panic->info) < 0)
        return NULL;
    panic->model = VIR_DOMAIN_PANIC_MODEL_ISA;
    if (panic->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
        panic->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("a panic device of model 'isa' needs an ISA address"));
        return NULL;
    }
    panic->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA;
    if (!panic->info.addr.isa.iobase)
        panic->info.addr.isa.iobase = VIR_DOMAIN_PANIC_IOBASE_DEFAULT;
    return g_steal_pointer(&panic);
}


static virDomainSoundDef *
virDomainSoundDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainSoundDef) sound = g_new0(virDomainSoundDef, 1);
    xmlNode *cur;

    if (virDomainXMLPropEnum(dev, "model", virDomainSoundModel, true,
                             &sound->model) < 0)
        return NULL;
    for (cur = dev->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(cur->name, BAD_CAST "codec"))
            continue;
        if (sound->model == VIR_DOMAIN_SOUND_MODEL_AC97 ||
            sound->ncodecs == VIR_DOMAIN_SOUND_CODECS_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("at most %1$d codecs, on ich6 and ich9 only, are supported"),
                           VIR_DOMAIN_SOUND_CODECS_MAX);
            return NULL;
        }
        if (virDomainXMLPropEnum(cur, "type", virDomainSoundCodec, true,
                                 &sound->codecs[sound->ncodecs]) < 0)
            return NULL;
        sound->ncodecs++;
    }
    if (virDomainDeviceInfoParseXML(dev, flags, &sound->info) < 0)
        return NULL;
    return g_steal_pointer(&sound);
}


/**
 * virDomainMiscParseOne:
 * Parses @dev into @def when it is <rng>, <memballoon>,
 * <watchdog>, <panic> or <sound>.  Returns 1 when parsed, 0 when @dev is
 * none of them, -1 (reported).
 */
int
virDomainMiscParseOne(virDomainDef *def, xmlNode *dev, unsigned int flags)
{
    const char *name = (const char *)dev->name;
    void *obj = NULL;

    if (STREQ(name, "rng")) {
        if ((obj = virDomainRNGDefParse(dev, flags)))
            g_ptr_array_add(def->rngs, obj);
    } else if (STREQ(name, "sound")) {
        if ((obj = virDomainSoundDefParse(dev, flags)))
            g_ptr_array_add(def->sounds, obj);
    } else if (STREQ(name, "panic")) {
        if ((obj = virDomainPanicDefParse(dev, flags)))
            g_ptr_array_add(def->panics, obj);
    } else if (STREQ(name, "memballoon")) {
        obj = def->memballoon = virDomainMemballoonDefParse(dev, flags);
    } else if (STREQ(name, "watchdog")) {
        if (def->watchdog) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("only one watchdog device is supported"));
            return -1;
        }
        obj = def->watchdog = virDomainWatchdogDefParse(dev, flags);
    } else {
        return 0;
    }
    return obj ? 1 : -1;
}


/**
 * virDomainMiscPostParse:
 * A virtio balloon when none is written, as libvirt's QEMU driver does.
 */
void
virDomainMiscPostParse(virDomainDef *def)
{
    if (!def->memballoon) {
        def->memballoon = g_new0(virDomainMemballoonDef, 1);
        def->memballoon->model = VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
    }
}


/**
 * virDomainMiscValidate:
 * One panic device (ISA) at most.  Returns 0 or -1 (reported).
 */
int
virDomainMiscValidate(const virDomainDef *def)
{
    if (def->panics->len > 1) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("only one panic device is supported"));
        return -1;
    }
    return 0;
}


/* ---- format ---- */

static void
virDomainDeviceElemFormat(virBuffer *buf, const char *open,
                          const char *elem, const virDomainDeviceInfo *info,
                          virBuffer *children, unsigned int flags)
{
    g_auto(virBuffer) infoBuf = VIR_BUFFER_INITIALIZER;

    virDomainDeviceInfoFormat(&infoBuf, info, flags);
    if (!virBufferUse(&infoBuf) && !virBufferUse(children)) {
        virBufferAsprintf(buf, "%s/>\n", open);
        return;
    }
    virBufferAsprintf(buf, "%s>\n", open);
    virBufferAdjustIndent(buf, 2);
    if (virBufferUse(children))
        virBufferAddBuffer(buf, children);
    if (virBufferUse(&infoBuf))
        virBufferAddBuffer(buf, &infoBuf);
    virBufferAdjustIndent(buf, -2);
    virBufferAsprintf(buf, "</%s>\n", elem);
}


/* <sound> elements, in order. */
void
virDomainSoundFormatAll(virBuffer *buf, const virDomainDef *def,
                        unsigned int flags)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->sounds->len; i++) {
        virDomainSoundDef *sound = g_ptr_array_index(def->sounds, i);
        g_auto(virBuffer) codecs = VIR_BUFFER_INITIALIZER;
        g_autofree char *open =
            g_strdup_printf("<sound model='%s'",
                            virDomainSoundModelTypeToString(sound->model));

        for (j = 0; j < sound->ncodecs; j++)
            virBufferAsprintf(&codecs, "<codec type='%s'/>\n",
                              virDomainSoundCodecTypeToString(sound->codecs[j]));
        virDomainDeviceElemFormat(buf, open, "sound", &sound->info, &codecs,
                                  flags);
    }
}


/* <watchdog>, <memballoon>, <rng> and <panic>, in libvirt's order. */
void
virDomainMiscFormatTail(virBuffer *buf, const virDomainDef *def,
                        unsigned int flags)
{
    size_t i;

    if (def->watchdog) {
        g_auto(virBuffer) none = VIR_BUFFER_INITIALIZER;
        g_autofree char *open =
            g_strdup_printf("<watchdog model='%s' action='%s'",
                            virDomainWatchdogModelTypeToString(def->watchdog->model),
                            virDomainWatchdogActionTypeToString(def->watchdog->action));

        virDomainDeviceElemFormat(buf, open, "watchdog", &def->watchdog->info,
                                  &none, flags);
    }
    if (def->memballoon) {
        virDomainMemballoonDef *mb = def->memballoon;
        g_auto(virBuffer) stats = VIR_BUFFER_INITIALIZER;
        g_autofree char *open =
            g_strdup_printf("<memballoon model='%s'%s",
                            virDomainMemballoonModelTypeToString(mb->model),
                            mb->autodeflate ? " autodeflate='on'" : "");

        if (mb->period)
            virBufferAsprintf(&stats, "<stats period='%u'/>\n", mb->period);
        virDomainDeviceElemFormat(buf, open, "memballoon", &mb->info, &stats,
                                  flags);
    }
    for (i = 0; i < def->rngs->len; i++) {
        virDomainRNGDef *rng = g_ptr_array_index(def->rngs, i);
        g_auto(virBuffer) backend = VIR_BUFFER_INITIALIZER;

        virBufferEscapeString(&backend,
                              "<backend model='random'>%s</backend>\n",
                              rng->backend);
        virDomainDeviceElemFormat(buf, "<rng model='virtio'", "rng",
                                  &rng->info, &backend, flags);
    }
    for (i = 0; i < def->panics->len; i++) {
        virDomainPanicDef *panic = g_ptr_array_index(def->panics, i);
        g_auto(virBuffer) none = VIR_BUFFER_INITIALIZER;
        g_autofree char *open =
            g_strdup_printf("<panic model='%s'",
                            virDomainPanicModelTypeToString(panic->model));

        virDomainDeviceElemFormat(buf, open, "panic", &panic->info, &none,
                                  flags);
    }
}
