/*
 * domain_conf_periph.h: interfaces, graphics, video, channels and
 * the other guest peripherals of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Included by domain_conf.h only.  The devices virt-install and
 * virt-manager create beyond disks and controllers: NICs (user, bridge,
 * ethernet), VNC and SPICE, video adapters, guest agent
 * and spicevmc channels, RNG, balloon, watchdog, panic, sound and the
 * audio backend.  Parsed and formatted in domain_conf_net.c,
 * domain_conf_graphics.c, domain_conf_chr.c and domain_conf_misc.c.
 */
#pragma once

/* ---- interfaces ---- */

typedef enum {
    VIR_DOMAIN_NET_TYPE_NONE = 0,
    VIR_DOMAIN_NET_TYPE_USER,
    VIR_DOMAIN_NET_TYPE_ETHERNET,   /* a tap device, <target dev=''> */
    VIR_DOMAIN_NET_TYPE_BRIDGE,     /* a tap device on a host bridge */
    VIR_DOMAIN_NET_TYPE_NETWORK,    /* parsed only to refuse it by name */
    VIR_DOMAIN_NET_TYPE_LAST
} virDomainNetType;
VIR_ENUM_DECL(virDomainNet);

typedef enum {
    VIR_DOMAIN_NET_MODEL_NONE = 0,
    VIR_DOMAIN_NET_MODEL_VIRTIO,
    VIR_DOMAIN_NET_MODEL_E1000,
    VIR_DOMAIN_NET_MODEL_E1000E,
    VIR_DOMAIN_NET_MODEL_RTL8139,
    VIR_DOMAIN_NET_MODEL_LAST
} virDomainNetModel;
VIR_ENUM_DECL(virDomainNetModel);

typedef enum {
    VIR_DOMAIN_NET_LINK_STATE_DEFAULT = 0,
    VIR_DOMAIN_NET_LINK_STATE_UP,
    VIR_DOMAIN_NET_LINK_STATE_DOWN,
    VIR_DOMAIN_NET_LINK_STATE_LAST
} virDomainNetLinkState;
VIR_ENUM_DECL(virDomainNetLinkState);

/* Tap names the daemon generates start with this; they are runtime data
 * and dropped from a persistent config, as libvirt does. */
#define VIR_DOMAIN_NET_GENERATED_TAP_PREFIX "vnet"

typedef struct _virDomainNetDef virDomainNetDef;
struct _virDomainNetDef {
    virDomainNetType type;
    unsigned char mac[VIR_MAC_BUFLEN]; /* generated 52:54:00:xx:xx:xx */
    virDomainNetModel model;           /* default rtl8139, as libvirt */
    char *bridge;                      /* bridge: <source bridge=''> */
    char *ifname;                      /* <target dev=''>: tap name; for a
                                        * managed tap "vnetN" when the
                                        * daemon picked it (live only) */
    virTristateSwitch managedTap;      /* ethernet: <target managed=''>,
                                        * ON = yes, OFF = no */
    virDomainNetLinkState linkState;
    unsigned int mtu;                  /* <mtu size=''>, 0: not set */
    virDomainDeviceInfo info;  /* alias live only: net0 ... */
};

/* ---- graphics ---- */

typedef enum {
    VIR_DOMAIN_GRAPHICS_TYPE_NONE = 0,
    VIR_DOMAIN_GRAPHICS_TYPE_VNC,
    VIR_DOMAIN_GRAPHICS_TYPE_SPICE,
    VIR_DOMAIN_GRAPHICS_TYPE_LAST
} virDomainGraphicsType;
VIR_ENUM_DECL(virDomainGraphics);

typedef enum {
    VIR_DOMAIN_GRAPHICS_LISTEN_NONE = 0,    /* not written */
    VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS,
    VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN,   /* <listen type='none'/> */
    VIR_DOMAIN_GRAPHICS_LISTEN_LAST
} virDomainGraphicsListen;
VIR_ENUM_DECL(virDomainGraphicsListen);

typedef enum {
    VIR_DOMAIN_GRAPHICS_IMAGE_DEFAULT = 0,
    VIR_DOMAIN_GRAPHICS_IMAGE_AUTO_GLZ,
    VIR_DOMAIN_GRAPHICS_IMAGE_AUTO_LZ,
    VIR_DOMAIN_GRAPHICS_IMAGE_QUIC,
    VIR_DOMAIN_GRAPHICS_IMAGE_GLZ,
    VIR_DOMAIN_GRAPHICS_IMAGE_LZ,
    VIR_DOMAIN_GRAPHICS_IMAGE_OFF,
    VIR_DOMAIN_GRAPHICS_IMAGE_LAST
} virDomainGraphicsImage;
VIR_ENUM_DECL(virDomainGraphicsImage);

#define VIR_DOMAIN_GRAPHICS_PORT_MIN 5900

typedef struct _virDomainGraphicsDef virDomainGraphicsDef;
struct _virDomainGraphicsDef {
    virDomainGraphicsType type;
    int port;                   /* 0 = not known yet (autoport) */
    bool autoport;
    virDomainGraphicsListen listenType; /* ADDRESS unless type='none' */
    char *listenAddress;        /* NULL: the daemon's default */
    bool listenFromConfig;      /* address filled at start from config:
                                 * not part of migratable XML */
    char *passwd;               /* formatted only with FORMAT_SECURE */
    virDomainGraphicsImage image;   /* spice <image compression=''> */
};

/* ---- video ---- */

typedef enum {
    VIR_DOMAIN_VIDEO_TYPE_NONE = 0,  /* <model type='none'/>: no adapter */
    VIR_DOMAIN_VIDEO_TYPE_VGA,
    VIR_DOMAIN_VIDEO_TYPE_CIRRUS,
    VIR_DOMAIN_VIDEO_TYPE_BOCHS,
    VIR_DOMAIN_VIDEO_TYPE_QXL,
    VIR_DOMAIN_VIDEO_TYPE_VIRTIO,
    VIR_DOMAIN_VIDEO_TYPE_LAST
} virDomainVideoType;
VIR_ENUM_DECL(virDomainVideo);

typedef struct _virDomainVideoDef virDomainVideoDef;
struct _virDomainVideoDef {
    virDomainVideoType type;
    unsigned int ram;           /* KiB, qxl only (default 65536) */
    unsigned int vram;          /* KiB; vga/qxl default 16384/65536 */
    unsigned int vgamem;        /* KiB, qxl only (default 16384) */
    unsigned int heads;         /* default 1 */
    bool primary;
    virDomainDeviceInfo info;  /* alias live only: video0 */
};

/* ---- channels ---- */

typedef enum {
    VIR_DOMAIN_CHANNEL_STATE_NONE = 0,
    VIR_DOMAIN_CHANNEL_STATE_CONNECTED,
    VIR_DOMAIN_CHANNEL_STATE_DISCONNECTED,
    VIR_DOMAIN_CHANNEL_STATE_LAST
} virDomainChannelState;
VIR_ENUM_DECL(virDomainChannelState);

#define VIR_DOMAIN_CHANNEL_GUEST_AGENT "org.qemu.guest_agent.0"
#define VIR_DOMAIN_CHANNEL_SPICE "com.redhat.spice.0"

/* A virtio-serial port (<target type='virtio'>) backed by a unix socket or
 * by SPICE (type 'spicevmc'). */
typedef struct _virDomainChannelDef virDomainChannelDef;
struct _virDomainChannelDef {
    virDomainChrSourceDef source;   /* unix or spicevmc */
    bool autoPath;              /* unix bind without path: the daemon picks
                                 * one under its run dir at start */
    char *name;                 /* <target name=''> */
    virDomainChannelState state;    /* live only, from QEMU */
                                    /* port: info.addr.vioserial.port */
    virDomainDeviceInfo info;  /* alias live only: channel0 ... */
};

/* ---- rng, balloon, watchdog, panic, sound, audio ---- */

typedef struct _virDomainRNGDef virDomainRNGDef;
struct _virDomainRNGDef {
    char *backend;              /* <backend model='random'>: /dev/urandom */
    virDomainDeviceInfo info;  /* alias live only: rng0 ... */
};

typedef enum {
    VIR_DOMAIN_MEMBALLOON_MODEL_NONE = 0,
    VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO,
    VIR_DOMAIN_MEMBALLOON_MODEL_LAST
} virDomainMemballoonModel;
VIR_ENUM_DECL(virDomainMemballoonModel);

typedef struct _virDomainMemballoonDef virDomainMemballoonDef;
struct _virDomainMemballoonDef {
    virDomainMemballoonModel model; /* default virtio, as libvirt */
    unsigned int period;            /* <stats period=''> seconds, 0: off */
    bool autodeflate;               /* autodeflate='on' */
    virDomainDeviceInfo info;  /* alias live only: balloon0 */
};

typedef enum {
    VIR_DOMAIN_WATCHDOG_MODEL_NONE = 0,
    VIR_DOMAIN_WATCHDOG_MODEL_I6300ESB,
    VIR_DOMAIN_WATCHDOG_MODEL_IB700,
    VIR_DOMAIN_WATCHDOG_MODEL_LAST
} virDomainWatchdogModel;
VIR_ENUM_DECL(virDomainWatchdogModel);

typedef enum {
    VIR_DOMAIN_WATCHDOG_ACTION_DEFAULT = 0, /* not written: reset */
    VIR_DOMAIN_WATCHDOG_ACTION_RESET,
    VIR_DOMAIN_WATCHDOG_ACTION_SHUTDOWN,
    VIR_DOMAIN_WATCHDOG_ACTION_POWEROFF,
    VIR_DOMAIN_WATCHDOG_ACTION_PAUSE,
    VIR_DOMAIN_WATCHDOG_ACTION_NOTHING,     /* action='none' */
    VIR_DOMAIN_WATCHDOG_ACTION_INJECTNMI,
    VIR_DOMAIN_WATCHDOG_ACTION_LAST
} virDomainWatchdogAction;
VIR_ENUM_DECL(virDomainWatchdogAction);

typedef struct _virDomainWatchdogDef virDomainWatchdogDef;
struct _virDomainWatchdogDef {
    virDomainWatchdogModel model;
    virDomainWatchdogAction action;
    virDomainDeviceInfo info;  /* alias live only: watchdog0 */
};

typedef enum {
    VIR_DOMAIN_PANIC_MODEL_NONE = 0,
    VIR_DOMAIN_PANIC_MODEL_ISA,
    VIR_DOMAIN_PANIC_MODEL_LAST
} virDomainPanicModel;
VIR_ENUM_DECL(virDomainPanicModel);

typedef struct _virDomainPanicDef virDomainPanicDef;
struct _virDomainPanicDef {
    virDomainPanicModel model;  /* default isa on x86 */
    virDomainDeviceInfo info;   /* isa address, iobase 0x505 by default */
};

typedef enum {
    VIR_DOMAIN_SOUND_MODEL_NONE = 0,
    VIR_DOMAIN_SOUND_MODEL_ICH6,
    VIR_DOMAIN_SOUND_MODEL_ICH9,
    VIR_DOMAIN_SOUND_MODEL_AC97,
    VIR_DOMAIN_SOUND_MODEL_LAST
} virDomainSoundModel;
VIR_ENUM_DECL(virDomainSoundModel);

typedef enum {
    VIR_DOMAIN_SOUND_CODEC_NONE = 0,
    VIR_DOMAIN_SOUND_CODEC_DUPLEX,
    VIR_DOMAIN_SOUND_CODEC_MICRO,
    VIR_DOMAIN_SOUND_CODEC_OUTPUT,
    VIR_DOMAIN_SOUND_CODEC_LAST
} virDomainSoundCodec;
VIR_ENUM_DECL(virDomainSoundCodec);

#define VIR_DOMAIN_SOUND_CODECS_MAX 4

typedef struct _virDomainSoundDef virDomainSoundDef;
struct _virDomainSoundDef {
    virDomainSoundModel model;
    virDomainSoundCodec codecs[VIR_DOMAIN_SOUND_CODECS_MAX];
    size_t ncodecs;
    virDomainDeviceInfo info;  /* alias live only: sound0 */
};

typedef enum {
    VIR_DOMAIN_AUDIO_TYPE_NONE = 0, /* a real backend: no host audio */
    VIR_DOMAIN_AUDIO_TYPE_SPICE,
    VIR_DOMAIN_AUDIO_TYPE_LAST
} virDomainAudioType;
VIR_ENUM_DECL(virDomainAudio);

typedef struct _virDomainAudioDef virDomainAudioDef;
struct _virDomainAudioDef {
    unsigned int id;            /* 1.. */
    virDomainAudioType type;
};

void virDomainNetDefFree(virDomainNetDef *def);
void virDomainGraphicsDefFree(virDomainGraphicsDef *def);
void virDomainVideoDefFree(virDomainVideoDef *def);
void virDomainChannelDefFree(virDomainChannelDef *def);
void virDomainRNGDefFree(virDomainRNGDef *def);
void virDomainMemballoonDefFree(virDomainMemballoonDef *def);
void virDomainWatchdogDefFree(virDomainWatchdogDef *def);
void virDomainSoundDefFree(virDomainSoundDef *def);
void virDomainPanicDefFree(virDomainPanicDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainNetDef, virDomainNetDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainGraphicsDef, virDomainGraphicsDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainVideoDef, virDomainVideoDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainChannelDef, virDomainChannelDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainRNGDef, virDomainRNGDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainMemballoonDef,
                              virDomainMemballoonDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainWatchdogDef, virDomainWatchdogDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainSoundDef, virDomainSoundDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainPanicDef, virDomainPanicDefFree);
