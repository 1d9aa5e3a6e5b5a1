/*
 * qemu_command_periph.c: the command line of video, channels, input,
 * audio, graphics, sound, watchdog, balloon, RNG and panic devices
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each device as libvirt 9.0 writes it (JSON -device with libvirt's ids:
 * videoN, channelN on virtio-serial0.0, inputN, soundN and
 * soundN-codecM, watchdog0, balloon0, rngN with backend objrngN; a
 * -audiodev audio1 the VNC display and sound devices use; -vnc and
 * -spice with a port the daemon reserved).
 */
#include <config.h>

#define QEMU_COMMAND_PRIV_H_ALLOW
#include "qemu_command_priv.h"
#include "domain_conf_controller.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_command_periph");

/* USB ports of the root hub for input devices, from 1 (libvirt's order). */
#define QEMU_USB_PORTS_MAX 15


/**
 * qemuValidatePeriph:
 * What the parser accepts but the command line cannot express: a
 * secondary adapter that is not qxl or virtio, USB input without a USB
 * controller, more USB input devices than root hub ports.
 * Returns 0 or -1 with VIR_ERR_CONFIG_UNSUPPORTED reported.
 */
int
qemuValidatePeriph(const virDomainDef *def, qemuMachineFamily family)
{
    virDomainControllerDef *usbController;
    size_t usb = 0;
    size_t i;

    for (i = 1; i < def->videos->len; i++) {
        virDomainVideoDef *video = g_ptr_array_index(def->videos, i);

        if (video->type != VIR_DOMAIN_VIDEO_TYPE_QXL &&
            video->type != VIR_DOMAIN_VIDEO_TYPE_VIRTIO) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("video type '%1$s' is only valid as primary video device"),
                           virDomainVideoTypeToString(video->type));
            return -1;
        }
    }
    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *input = g_ptr_array_index(def->inputs, i);

        usb += input->bus == VIR_DOMAIN_INPUT_BUS_USB;
    }
    usbController = virDomainDefFindController(def,
                                               VIR_DOMAIN_CONTROLLER_TYPE_USB, 0);
    if (usb && (!usbController ||
                usbController->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("USB input devices need a USB controller, but the domain has <controller type='usb' model='none'/>"));
        return -1;
    }
    if (usb > QEMU_USB_PORTS_MAX) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("at most %1$d USB input devices are supported"),
                       QEMU_USB_PORTS_MAX);
        return -1;
    }
    if (def->watchdog && def->watchdog->model == VIR_DOMAIN_WATCHDOG_MODEL_IB700 &&
        family == QEMU_MACHINE_FAMILY_Q35) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("watchdog model 'ib700' is an ISA device: not supported on q35"));
        return -1;
    }
    return 0;
}


/* ---- video ---- */

static const char *
qemuVideoDriver(const virDomainVideoDef *video, bool primary)
{
    switch (video->type) {
    case VIR_DOMAIN_VIDEO_TYPE_VGA:
        return "VGA";
    case VIR_DOMAIN_VIDEO_TYPE_CIRRUS:
        return "cirrus-vga";
    case VIR_DOMAIN_VIDEO_TYPE_BOCHS:
        return "bochs-display";
    case VIR_DOMAIN_VIDEO_TYPE_QXL:
        return primary ? "qxl-vga" : "qxl";
    case VIR_DOMAIN_VIDEO_TYPE_VIRTIO:
        return primary ? "virtio-vga" : "virtio-gpu-pci";
    case VIR_DOMAIN_VIDEO_TYPE_NONE:
    case VIR_DOMAIN_VIDEO_TYPE_LAST:
    default:
        return NULL;
    }
}


static int
qemuBuildVideoDevice(qemuCommandBuilder *b, const virDomainVideoDef *video,
                     bool primary)
{
    json_object *dev = qemuDeviceNew(qemuVideoDriver(video, primary));

    qemuJSONAddString(dev, "id", video->info.alias);
    if (video->type == VIR_DOMAIN_VIDEO_TYPE_QXL ||
        video->type == VIR_DOMAIN_VIDEO_TYPE_VIRTIO)
        qemuJSONAddInt(dev, "max_outputs", video->heads);
    switch (video->type) {
    case VIR_DOMAIN_VIDEO_TYPE_QXL:
        qemuJSONAddInt(dev, "ram_size", video->ram * 1024);
        qemuJSONAddInt(dev, "vram_size", video->vram * 1024);
        qemuJSONAddInt(dev, "vram64_size_mb", 0);
        qemuJSONAddInt(dev, "vgamem_mb", video->vgamem / 1024);
        break;
    case VIR_DOMAIN_VIDEO_TYPE_VGA:
        qemuJSONAddInt(dev, "vgamem_mb", video->vram / 1024);
        break;
    case VIR_DOMAIN_VIDEO_TYPE_BOCHS:
        qemuJSONAddInt(dev, "vgamem", video->vram * 1024);
        break;
    case VIR_DOMAIN_VIDEO_TYPE_CIRRUS:
    case VIR_DOMAIN_VIDEO_TYPE_VIRTIO:
    case VIR_DOMAIN_VIDEO_TYPE_NONE:
    case VIR_DOMAIN_VIDEO_TYPE_LAST:
    default:
        break;
    }
    return qemuCommandAddDevice(b, dev, &video->info);
}


/**
 * qemuBuildVideoArgs:
 * The video adapters, the primary one first.  Returns 0 or -1 (reported).
 */
int
qemuBuildVideoArgs(qemuCommandBuilder *b)
{
    size_t i;

    for (i = 0; i < b->def->videos->len; i++) {
        const virDomainVideoDef *video = g_ptr_array_index(b->def->videos, i);

        if (video->type == VIR_DOMAIN_VIDEO_TYPE_NONE)
            continue;
        if (qemuBuildVideoDevice(b, video, i == 0) < 0)
            return -1;
    }
    return 0;
}


/* ---- channels ---- */

static char *
qemuBuildChannelChardev(const virDomainChannelDef *chan)
{
    GString *buf = g_string_new(NULL);

    if (chan->source.type == VIR_DOMAIN_CHR_TYPE_SPICEVMC) {
        g_string_append_printf(buf, "spicevmc,id=char%s,name=vdagent",
                               chan->info.alias);
        return g_string_free(buf, FALSE);
    }
    g_string_append_printf(buf, "socket,id=char%s,path=", chan->info.alias);
    qemuCommandEscape(buf, NULLSTR(chan->source.path));
    if (chan->source.mode == VIR_DOMAIN_CHR_UNIX_MODE_BIND)
        g_string_append(buf, ",server=on,wait=off");
    return g_string_free(buf, FALSE);
}


/**
 * qemuBuildChannelArgs:
 * A -chardev and a virtserialport on virtio-serial0.0 per channel.
 * Returns 0 or -1 (reported).
 */
int
qemuBuildChannelArgs(qemuCommandBuilder *b)
{
    size_t i;

    for (i = 0; i < b->def->channels->len; i++) {
        const virDomainChannelDef *chan = g_ptr_array_index(b->def->channels, i);
        g_autofree char *chardev = g_strdup_printf("char%s", chan->info.alias);
        json_object *dev = qemuDeviceNew("virtserialport");

        if (chan->source.type == VIR_DOMAIN_CHR_TYPE_UNIX &&
            !chan->source.path) {
            json_object_put(dev);
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("no socket path for channel '%1$s'"), chan->name);
            return -1;
        }
        g_ptr_array_add(b->args, g_strdup("-chardev"));
        g_ptr_array_add(b->args, qemuBuildChannelChardev(chan));
        qemuJSONAddString(dev, "bus", "virtio-serial0.0");
        qemuJSONAddInt(dev, "nr", chan->info.addr.vioserial.port);
        qemuJSONAddString(dev, "chardev", chardev);
        qemuJSONAddString(dev, "id", chan->info.alias);
        qemuJSONAddString(dev, "name", chan->name);
        qemuCommandAddJSON(b, "-device", dev);
    }
    return 0;
}


/* ---- input ---- */

static const char *
qemuInputDriver(const virDomainInputDef *input)
{
    bool usb = input->bus == VIR_DOMAIN_INPUT_BUS_USB;

    switch (input->type) {
    case VIR_DOMAIN_INPUT_TYPE_MOUSE:
        return usb ? "usb-mouse" : "virtio-mouse-pci";
    case VIR_DOMAIN_INPUT_TYPE_TABLET:
        return usb ? "usb-tablet" : "virtio-tablet-pci";
    case VIR_DOMAIN_INPUT_TYPE_KBD:
        return usb ? "usb-kbd" : "virtio-keyboard-pci";
    case VIR_DOMAIN_INPUT_TYPE_NONE:
    case VIR_DOMAIN_INPUT_TYPE_LAST:
    default:
        return NULL;
    }
}


/**
 * qemuBuildInputArgs:
 * USB and virtio input at their addresses (qemu_domain_address.c).
 * PS/2 devices are built into the machine.  Returns 0 or -1 (reported).
 */
int
qemuBuildInputArgs(qemuCommandBuilder *b)
{
    size_t i;

    for (i = 0; i < b->def->inputs->len; i++) {
        const virDomainInputDef *input = g_ptr_array_index(b->def->inputs, i);
        json_object *dev;

        if (input->bus == VIR_DOMAIN_INPUT_BUS_PS2)
            continue;
        dev = qemuDeviceNew(qemuInputDriver(input));
        qemuJSONAddString(dev, "id", input->info.alias);
        if (qemuCommandAddDevice(b, dev, &input->info) < 0)
            return -1;
    }
    return 0;
}


/* ---- audio and graphics ---- */

static void
qemuBuildVNCArgs(qemuCommandBuilder *b, const virDomainGraphicsDef *gr)
{
    g_autoptr(GString) vnc = g_string_new(NULL);
    const char *listen = gr->listenAddress;

    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN) {
        g_string_append(vnc, "none");
    } else {
        if (listen && strchr(listen, ':'))
            g_string_append_printf(vnc, "[%s]", listen);
        else if (listen)
            g_string_append(vnc, listen);
        g_string_append_printf(vnc, ":%d",
                               MAX(gr->port - VIR_DOMAIN_GRAPHICS_PORT_MIN, 0));
    }
    if (gr->passwd)
        g_string_append(vnc, ",password=on");
    g_string_append(vnc, ",audiodev=audio1");
    qemuCommandAddPair(b, "-vnc", vnc->str);
}


static void
qemuBuildSpiceArgs(qemuCommandBuilder *b, const virDomainGraphicsDef *gr)
{
    g_autoptr(GString) spice = g_string_new(NULL);

    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN) {
        g_string_append(spice, "port=0,");
    } else if (gr->port > 0) {
        g_string_append_printf(spice, "port=%d,", gr->port);
        if (gr->listenAddress)
            g_string_append_printf(spice, "addr=%s,", gr->listenAddress);
    }
    if (!gr->passwd)
        g_string_append(spice, "disable-ticketing=on,");
    if (gr->image)
        g_string_append_printf(spice, "image-compression=%s,",
                               virDomainGraphicsImageTypeToString(gr->image));
    g_string_append(spice, "seamless-migration=on");
    qemuCommandAddPair(b, "-spice", spice->str);
}


/**
 * qemuBuildGraphicsArgs:
 * -audiodev for each audio backend, then -vnc and -spice.  A display
 * without graphics is "-display none" (qemu_command.c).  Returns 0.
 */
int
qemuBuildGraphicsArgs(qemuCommandBuilder *b)
{
    size_t i;

    for (i = 0; i < b->def->audios->len; i++) {
        const virDomainAudioDef *audio = g_ptr_array_index(b->def->audios, i);
        g_autofree char *id = g_strdup_printf("audio%u", audio->id);
        json_object *obj = json_object_new_object();

        qemuJSONAddString(obj, "id", id);
        qemuJSONAddString(obj, "driver", virDomainAudioTypeToString(audio->type));
        qemuCommandAddJSON(b, "-audiodev", obj);
    }
    for (i = 0; i < b->def->graphics->len; i++) {
        const virDomainGraphicsDef *gr = g_ptr_array_index(b->def->graphics, i);

        if (gr->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC)
            qemuBuildVNCArgs(b, gr);
        else
            qemuBuildSpiceArgs(b, gr);
    }
    return 0;
}


/* ---- sound ---- */

static const char *
qemuSoundDriver(virDomainSoundModel model)
{
    switch (model) {
    case VIR_DOMAIN_SOUND_MODEL_ICH6:
        return "intel-hda";
    case VIR_DOMAIN_SOUND_MODEL_ICH9:
        return "ich9-intel-hda";
    case VIR_DOMAIN_SOUND_MODEL_AC97:
    case VIR_DOMAIN_SOUND_MODEL_NONE:
    case VIR_DOMAIN_SOUND_MODEL_LAST:
    default:
        return "AC97";
    }
}


static void
qemuBuildSoundCodec(qemuCommandBuilder *b, const virDomainSoundDef *sound,
                    virDomainSoundCodec codec, size_t cad)
{
    g_autofree char *driver = g_strdup_printf("hda-%s",
                                              virDomainSoundCodecTypeToString(codec));
    g_autofree char *id = g_strdup_printf("%s-codec%zu", sound->info.alias, cad);
    g_autofree char *bus = g_strdup_printf("%s.0", sound->info.alias);
    json_object *dev = qemuDeviceNew(driver);

    qemuJSONAddString(dev, "id", id);
    qemuJSONAddString(dev, "bus", bus);
    qemuJSONAddInt(dev, "cad", cad);
    qemuJSONAddString(dev, "audiodev", "audio1");
    qemuCommandAddJSON(b, "-device", dev);
}


/**
 * qemuBuildSoundArgs:
 * HDA controllers with their codecs (hda-duplex when none is written),
 * AC97 with the audio backend.  Returns 0 or -1 (reported).
 */
int
qemuBuildSoundArgs(qemuCommandBuilder *b)
{
    size_t i;
    size_t j;

    for (i = 0; i < b->def->sounds->len; i++) {
        const virDomainSoundDef *sound = g_ptr_array_index(b->def->sounds, i);
        json_object *dev = qemuDeviceNew(qemuSoundDriver(sound->model));

        qemuJSONAddString(dev, "id", sound->info.alias);
        if (sound->model == VIR_DOMAIN_SOUND_MODEL_AC97)
            qemuJSONAddString(dev, "audiodev", "audio1");
        if (qemuCommandAddDevice(b, dev, &sound->info) < 0)
            return -1;
        if (sound->model == VIR_DOMAIN_SOUND_MODEL_AC97)
            continue;
        for (j = 0; j < sound->ncodecs; j++)
            qemuBuildSoundCodec(b, sound, sound->codecs[j], j);
        if (sound->ncodecs == 0)
            qemuBuildSoundCodec(b, sound, VIR_DOMAIN_SOUND_CODEC_DUPLEX, 0);
    }
    return 0;
}


/* ---- watchdog, balloon, rng, panic ---- */

static int
qemuBuildWatchdogArgs(qemuCommandBuilder *b)
{
    const virDomainWatchdogDef *wd = b->def->watchdog;
    json_object *dev;

    if (!wd)
        return 0;
    dev = qemuDeviceNew(virDomainWatchdogModelTypeToString(wd->model));
    qemuJSONAddString(dev, "id", wd->info.alias);
    if (qemuCommandAddDevice(b, dev, &wd->info) < 0)
        return -1;
    qemuCommandAddPair(b, "-watchdog-action",
                       virDomainWatchdogActionTypeToString(wd->action));
    return 0;
}


static int
qemuBuildBalloonArgs(qemuCommandBuilder *b)
{
    const virDomainMemballoonDef *balloon = b->def->memballoon;
    json_object *dev;

    if (!balloon || balloon->model != VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
        return 0;
    dev = qemuDeviceNew("virtio-balloon-pci");
    qemuJSONAddString(dev, "id", balloon->info.alias);
    if (balloon->autodeflate)
        qemuJSONAddBool(dev, "deflate-on-oom", true);
    return qemuCommandAddDevice(b, dev, &balloon->info);
}


static int
qemuBuildRNGArgs(qemuCommandBuilder *b)
{
    size_t i;

    for (i = 0; i < b->def->rngs->len; i++) {
        const virDomainRNGDef *rng = g_ptr_array_index(b->def->rngs, i);
        g_autofree char *objid = g_strdup_printf("obj%s", rng->info.alias);
        json_object *obj = json_object_new_object();
        json_object *dev = qemuDeviceNew("virtio-rng-pci");

        qemuJSONAddString(obj, "qom-type", "rng-random");
        qemuJSONAddString(obj, "id", objid);
        qemuJSONAddString(obj, "filename", rng->backend);
        qemuCommandAddJSON(b, "-object", obj);
        qemuJSONAddString(dev, "rng", objid);
        qemuJSONAddString(dev, "id", rng->info.alias);
        if (qemuCommandAddDevice(b, dev, &rng->info) < 0)
            return -1;
    }
    return 0;
}


/**
 * qemuBuildPeriphTailArgs:
 * Watchdog, balloon, RNG and panic devices, in libvirt's order.  Returns 0
 * or -1 (reported).
 */
int
qemuBuildPeriphTailArgs(qemuCommandBuilder *b)
{
    size_t i;

    if (qemuBuildWatchdogArgs(b) < 0 || qemuBuildBalloonArgs(b) < 0 ||
        qemuBuildRNGArgs(b) < 0)
        return -1;
    for (i = 0; i < b->def->panics->len; i++) {
        const virDomainPanicDef *panic = g_ptr_array_index(b->def->panics, i);
        json_object *dev = qemuDeviceNew("pvpanic");

        qemuJSONAddInt(dev, "ioport", panic->info.addr.isa.iobase);
        qemuCommandAddJSON(b, "-device", dev);
    }
    return 0;
}
