/*
 * domain_conf.h: the domain definition (libvirt's domain XML model)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The subset of libvirt's domain XML that virtmig runs (see
 * docs/internals/domain-xml.rst): parsing refuses, by name, every element,
 * attribute and value outside it, so nothing a user wrote is ever dropped.
 * Defaults are filled at parse time as libvirt does (uuid, MAC addresses,
 * canonical machine type, emulator, console for the first serial port);
 * runtime data (id, device aliases, pty paths, VNC port) is only formatted
 * for live XML.
 */
#pragma once

#include "internal.h"
#include "device_conf.h"
#include "virarch.h"
#include "virbuffer.h"
#include "virenum.h"

#include <libxml/xpath.h>

/* libvirt's RelaxNG schema, used for VIR_DOMAIN_DEFINE_VALIDATE. */
#define VIR_DOMAIN_SCHEMA_PATH "/usr/share/libvirt/schemas/domain.rng"

/* Limits of what we accept (beyond them the XML is refused). */
#define VIR_DOMAIN_NAME_MAX_LEN 200
#define VIR_DOMAIN_MEMORY_MAX_KIB (16ULL * 1024 * 1024 * 1024) /* 16 TiB */
#define VIR_DOMAIN_VCPUS_MAX 255
#define VIR_DOMAIN_BOOT_DEVS_MAX 4
#define VIR_DOMAIN_SERIALS_MAX 4
#define VIR_MAC_BUFLEN 6
#define VIR_MAC_STRING_BUFLEN (VIR_MAC_BUFLEN * 3)

/* ---- enums (each has a string table, 0 is "none/default") ---- */

typedef enum {
    VIR_DOMAIN_VIRT_NONE = 0,
    VIR_DOMAIN_VIRT_QEMU,
    VIR_DOMAIN_VIRT_KVM,
    VIR_DOMAIN_VIRT_LAST
} virDomainVirtType;
VIR_ENUM_DECL(virDomainVirt);

typedef enum {
    VIR_DOMAIN_OSTYPE_NONE = 0,
    VIR_DOMAIN_OSTYPE_HVM,
    VIR_DOMAIN_OSTYPE_LAST
} virDomainOSType;
VIR_ENUM_DECL(virDomainOS);

typedef enum {
    VIR_DOMAIN_BOOT_NONE = 0,
    VIR_DOMAIN_BOOT_FLOPPY,
    VIR_DOMAIN_BOOT_DISK,
    VIR_DOMAIN_BOOT_CDROM,
    VIR_DOMAIN_BOOT_NET,
    VIR_DOMAIN_BOOT_LAST
} virDomainBootDev;
VIR_ENUM_DECL(virDomainBoot);

/* In libvirt's order (the order of <features> children). */
typedef enum {
    VIR_DOMAIN_FEATURE_ACPI = 0,    /* <acpi/>: ON or ABSENT */
    VIR_DOMAIN_FEATURE_APIC,        /* <apic/>: ON or ABSENT */
    VIR_DOMAIN_FEATURE_PAE,         /* <pae/>: ON or ABSENT */
    VIR_DOMAIN_FEATURE_PMU,         /* <pmu state=''/> */
    VIR_DOMAIN_FEATURE_VMPORT,      /* <vmport state=''/> */
    VIR_DOMAIN_FEATURE_SMM,         /* <smm state=''/> */
    VIR_DOMAIN_FEATURE_LAST
} virDomainFeature;
VIR_ENUM_DECL(virDomainFeature);

typedef enum {
    VIR_DOMAIN_CPU_MODE_NONE = 0,
    VIR_DOMAIN_CPU_MODE_CUSTOM,
    VIR_DOMAIN_CPU_MODE_HOST_MODEL,
    VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
    VIR_DOMAIN_CPU_MODE_MAXIMUM,
    VIR_DOMAIN_CPU_MODE_LAST
} virDomainCPUMode;
VIR_ENUM_DECL(virDomainCPUMode);

typedef enum {
    VIR_DOMAIN_CPU_MATCH_NONE = 0,
    VIR_DOMAIN_CPU_MATCH_MINIMUM,
    VIR_DOMAIN_CPU_MATCH_EXACT,
    VIR_DOMAIN_CPU_MATCH_STRICT,
    VIR_DOMAIN_CPU_MATCH_LAST
} virDomainCPUMatch;
VIR_ENUM_DECL(virDomainCPUMatch);

typedef enum {
    VIR_DOMAIN_CPU_CHECK_DEFAULT = 0,
    VIR_DOMAIN_CPU_CHECK_NONE,
    VIR_DOMAIN_CPU_CHECK_PARTIAL,
    VIR_DOMAIN_CPU_CHECK_FULL,
    VIR_DOMAIN_CPU_CHECK_LAST
} virDomainCPUCheck;
VIR_ENUM_DECL(virDomainCPUCheck);

typedef enum {
    VIR_DOMAIN_CPU_FALLBACK_NONE = 0,
    VIR_DOMAIN_CPU_FALLBACK_ALLOW,
    VIR_DOMAIN_CPU_FALLBACK_FORBID,
    VIR_DOMAIN_CPU_FALLBACK_LAST
} virDomainCPUFallback;
VIR_ENUM_DECL(virDomainCPUFallback);

/* "on"/"off" attributes; ABSENT when not written. */
typedef enum {
    VIR_TRISTATE_SWITCH_ABSENT = 0,
    VIR_TRISTATE_SWITCH_ON,
    VIR_TRISTATE_SWITCH_OFF,
    VIR_TRISTATE_SWITCH_LAST
} virTristateSwitch;
VIR_ENUM_DECL(virTristateSwitch);

typedef enum {
    VIR_DOMAIN_CLOCK_OFFSET_NONE = 0,
    VIR_DOMAIN_CLOCK_OFFSET_UTC,
    VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME,
    VIR_DOMAIN_CLOCK_OFFSET_LAST
} virDomainClockOffset;
VIR_ENUM_DECL(virDomainClockOffset);

typedef enum {
    VIR_DOMAIN_ON_ACTION_NONE = 0,
    VIR_DOMAIN_ON_ACTION_DESTROY,
    VIR_DOMAIN_ON_ACTION_RESTART,
    VIR_DOMAIN_ON_ACTION_RESTART_RENAME,    /* refused, as by libvirt's qemu */
    VIR_DOMAIN_ON_ACTION_PRESERVE,          /* on_crash only */
    VIR_DOMAIN_ON_ACTION_COREDUMP_DESTROY,  /* on_crash only */
    VIR_DOMAIN_ON_ACTION_COREDUMP_RESTART,  /* on_crash only */
    VIR_DOMAIN_ON_ACTION_LAST
} virDomainOnAction;
VIR_ENUM_DECL(virDomainOnAction);

typedef enum {
    VIR_DOMAIN_TIMER_NAME_NONE = 0,
    VIR_DOMAIN_TIMER_NAME_PLATFORM,     /* refused, as by libvirt's qemu */
    VIR_DOMAIN_TIMER_NAME_PIT,
    VIR_DOMAIN_TIMER_NAME_RTC,
    VIR_DOMAIN_TIMER_NAME_HPET,
    VIR_DOMAIN_TIMER_NAME_TSC,
    VIR_DOMAIN_TIMER_NAME_KVMCLOCK,
    VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK,
    VIR_DOMAIN_TIMER_NAME_LAST
} virDomainTimerName;
VIR_ENUM_DECL(virDomainTimerName);

typedef enum {
    VIR_DOMAIN_TIMER_TICKPOLICY_NONE = 0,
    VIR_DOMAIN_TIMER_TICKPOLICY_DELAY,
    VIR_DOMAIN_TIMER_TICKPOLICY_CATCHUP,
    VIR_DOMAIN_TIMER_TICKPOLICY_MERGE,
    VIR_DOMAIN_TIMER_TICKPOLICY_DISCARD,
    VIR_DOMAIN_TIMER_TICKPOLICY_LAST
} virDomainTimerTickpolicy;
VIR_ENUM_DECL(virDomainTimerTickpolicy);

typedef enum {
    VIR_DOMAIN_TIMER_TRACK_NONE = 0,
    VIR_DOMAIN_TIMER_TRACK_BOOT,
    VIR_DOMAIN_TIMER_TRACK_GUEST,
    VIR_DOMAIN_TIMER_TRACK_WALL,
    VIR_DOMAIN_TIMER_TRACK_REALTIME,
    VIR_DOMAIN_TIMER_TRACK_LAST
} virDomainTimerTrack;
VIR_ENUM_DECL(virDomainTimerTrack);

/* "yes"/"no" attributes; ABSENT when not written. */
typedef enum {
    VIR_TRISTATE_BOOL_ABSENT = 0,
    VIR_TRISTATE_BOOL_YES,
    VIR_TRISTATE_BOOL_NO,
    VIR_TRISTATE_BOOL_LAST
} virTristateBool;
VIR_ENUM_DECL(virTristateBool);

typedef enum {
    VIR_DOMAIN_DISK_BUS_NONE = 0,
    VIR_DOMAIN_DISK_BUS_VIRTIO,
    VIR_DOMAIN_DISK_BUS_IDE,
    VIR_DOMAIN_DISK_BUS_SCSI,
    VIR_DOMAIN_DISK_BUS_USB,
    VIR_DOMAIN_DISK_BUS_SATA,
    VIR_DOMAIN_DISK_BUS_LAST
} virDomainDiskBus;
VIR_ENUM_DECL(virDomainDiskBus);

typedef enum {
    VIR_DOMAIN_DISK_FORMAT_NONE = 0,
    VIR_DOMAIN_DISK_FORMAT_RAW,
    VIR_DOMAIN_DISK_FORMAT_QCOW2,
    VIR_DOMAIN_DISK_FORMAT_LAST
} virDomainDiskFormat;
VIR_ENUM_DECL(virDomainDiskFormat);

typedef enum {
    VIR_DOMAIN_CHR_TYPE_NONE = 0,
    VIR_DOMAIN_CHR_TYPE_PTY,
    VIR_DOMAIN_CHR_TYPE_FILE,
    VIR_DOMAIN_CHR_TYPE_UNIX,
    VIR_DOMAIN_CHR_TYPE_SPICEVMC,   /* channels only */
    VIR_DOMAIN_CHR_TYPE_LAST
} virDomainChrType;
VIR_ENUM_DECL(virDomainChr);

typedef enum {
    VIR_DOMAIN_CHR_UNIX_MODE_NONE = 0,
    VIR_DOMAIN_CHR_UNIX_MODE_BIND,
    VIR_DOMAIN_CHR_UNIX_MODE_CONNECT,
    VIR_DOMAIN_CHR_UNIX_MODE_LAST
} virDomainChrUnixMode;
VIR_ENUM_DECL(virDomainChrUnixMode);

typedef enum {
    VIR_DOMAIN_INPUT_TYPE_NONE = 0,
    VIR_DOMAIN_INPUT_TYPE_MOUSE,
    VIR_DOMAIN_INPUT_TYPE_TABLET,
    VIR_DOMAIN_INPUT_TYPE_KBD,
    VIR_DOMAIN_INPUT_TYPE_LAST
} virDomainInputType;
VIR_ENUM_DECL(virDomainInput);

typedef enum {
    VIR_DOMAIN_INPUT_BUS_NONE = 0,
    VIR_DOMAIN_INPUT_BUS_PS2,
    VIR_DOMAIN_INPUT_BUS_USB,
    VIR_DOMAIN_INPUT_BUS_VIRTIO,
    VIR_DOMAIN_INPUT_BUS_LAST
} virDomainInputBus;
VIR_ENUM_DECL(virDomainInputBus);

/* ---- flags ---- */

typedef enum {
    /* Persistent config: ignore runtime data (id, aliases, pty paths, an
     * automatically assigned VNC port), as libvirt does. */
    VIR_DOMAIN_DEF_PARSE_INACTIVE = 1 << 0,
    /* Our own status XML: also read private runtime attributes. */
    VIR_DOMAIN_DEF_PARSE_STATUS = 1 << 1,
    /* Validate against VIR_DOMAIN_SCHEMA_PATH first
     * (VIR_DOMAIN_DEFINE_VALIDATE). */
    VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA = 1 << 2,
} virDomainDefParseFlags;

typedef enum {
    VIR_DOMAIN_DEF_FORMAT_SECURE = 1 << 0,     /* include the VNC password */
    VIR_DOMAIN_DEF_FORMAT_INACTIVE = 1 << 1,   /* persistent config only */
    VIR_DOMAIN_DEF_FORMAT_MIGRATABLE = 1 << 2, /* for another host */
    VIR_DOMAIN_DEF_FORMAT_STATUS = 1 << 3,     /* private runtime attrs */
} virDomainDefFormatFlags;

/* ---- devices ---- */

typedef enum {
    VIR_DOMAIN_DISK_TYPE_NONE = 0,
    VIR_DOMAIN_DISK_TYPE_FILE,
    VIR_DOMAIN_DISK_TYPE_BLOCK,
    VIR_DOMAIN_DISK_TYPE_LAST
} virDomainDiskType;
VIR_ENUM_DECL(virDomainDiskType);

typedef enum {
    VIR_DOMAIN_DISK_DEVICE_NONE = 0,
    VIR_DOMAIN_DISK_DEVICE_DISK,
    VIR_DOMAIN_DISK_DEVICE_CDROM,
    VIR_DOMAIN_DISK_DEVICE_LAST
} virDomainDiskDevice;
VIR_ENUM_DECL(virDomainDiskDevice);

typedef enum {
    VIR_DOMAIN_DISK_CACHE_DEFAULT = 0,
    VIR_DOMAIN_DISK_CACHE_NONE,
    VIR_DOMAIN_DISK_CACHE_WRITETHROUGH,
    VIR_DOMAIN_DISK_CACHE_WRITEBACK,
    VIR_DOMAIN_DISK_CACHE_DIRECTSYNC,
    VIR_DOMAIN_DISK_CACHE_UNSAFE,
    VIR_DOMAIN_DISK_CACHE_LAST
} virDomainDiskCache;
VIR_ENUM_DECL(virDomainDiskCache);

typedef enum {
    VIR_DOMAIN_DISK_IO_DEFAULT = 0,
    VIR_DOMAIN_DISK_IO_NATIVE,
    VIR_DOMAIN_DISK_IO_THREADS,
    VIR_DOMAIN_DISK_IO_URING,
    VIR_DOMAIN_DISK_IO_LAST
} virDomainDiskIo;
VIR_ENUM_DECL(virDomainDiskIo);

typedef enum {
    VIR_DOMAIN_DISK_DISCARD_DEFAULT = 0,
    VIR_DOMAIN_DISK_DISCARD_UNMAP,
    VIR_DOMAIN_DISK_DISCARD_IGNORE,
    VIR_DOMAIN_DISK_DISCARD_LAST
} virDomainDiskDiscard;
VIR_ENUM_DECL(virDomainDiskDiscard);

/* One layer of a disk's image chain: the disk's own <source>, then its
 * <backingStore> layers. */
typedef struct _virDomainDiskSource virDomainDiskSource;
struct _virDomainDiskSource {
    virDomainDiskType type;
    char *path;                 /* file or device; NULL: empty cdrom */
    virDomainDiskFormat format; /* top: <driver type>, backing: <format> */
    unsigned int index;         /* live only: node "libvirt-N-format" */
    bool backingKnown;          /* the chain below is known: <backingStore>
                                 * written, or probed at start */
    bool probed;                /* ... probed (runtime, not config) */
    virDomainDiskSource *backing; /* NULL: none (or not known) */
};

typedef struct _virDomainDiskDef virDomainDiskDef;
struct _virDomainDiskDef {
    virDomainDiskDevice device; /* disk or cdrom */
    virDomainDiskSource *src;   /* never NULL; src->path NULL: empty */
    char *dst;                  /* <target dev=''>: vda, hdc, sda ... */
    virDomainDiskBus bus;       /* from <target bus=''> or the dev prefix */
    virDomainDiskCache cache;
    virDomainDiskIo io;
    virDomainDiskDiscard discard;
    unsigned int iothread;      /* <driver iothread=""> (virtio), 0: none */
    bool readonly;
    bool shareable;
    char *serial;
    virDomainDeviceInfo info;   /* alias live only: virtio-disk0 ... */
};

void virDomainDiskSourceFree(virDomainDiskSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDiskSource, virDomainDiskSourceFree);

typedef struct _virDomainChrSourceDef virDomainChrSourceDef;
struct _virDomainChrSourceDef {
    virDomainChrType type;
    char *path;                 /* file/unix path; pty: the live /dev/pts */
    virTristateSwitch append;   /* file only */
    virDomainChrUnixMode mode;  /* unix only, default connect */
};

/* A serial port: ISA serial on x86 (target type and model 'isa-serial'). */
typedef struct _virDomainChrDef virDomainChrDef;
struct _virDomainChrDef {
    virDomainChrSourceDef source;
    int port;                   /* <target port=''>, 0 .. 3 */
    virDomainDeviceInfo info;   /* alias live only: serial0 ... */
};

typedef enum {
    VIR_DOMAIN_CONTROLLER_TYPE_NONE = 0,
    VIR_DOMAIN_CONTROLLER_TYPE_IDE,
    VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
    VIR_DOMAIN_CONTROLLER_TYPE_SATA,
    VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    VIR_DOMAIN_CONTROLLER_TYPE_USB,
    VIR_DOMAIN_CONTROLLER_TYPE_PCI,
    VIR_DOMAIN_CONTROLLER_TYPE_LAST
} virDomainControllerType;
VIR_ENUM_DECL(virDomainController);

/* <controller type='' index='' model=''>: model is the value of the
 * model table of its type (see domain_conf_controller.c), -1 when none
 * applies or none is written and the type has no default. */
/* <target> and <model name=''> of a PCI controller; -1: not set. */
typedef struct _virDomainControllerPCIOpts virDomainControllerPCIOpts;
struct _virDomainControllerPCIOpts {
    int modelName;              /* virDomainControllerPCIModelName */
    int chassisNr;
    int chassis;
    int port;
    int busNr;
};

typedef struct _virDomainControllerDef virDomainControllerDef;
struct _virDomainControllerDef {
    virDomainControllerType type;
    int idx;                    /* -1 while parsing: the next free one */
    int model;                  /* -1: none */
    int ports;                  /* usb, virtio-serial: ports='', -1 unset */
    virDomainControllerPCIOpts pci;
    virDomainDeviceInfo info;   /* alias live only: usb, pci.1 ... */
};

#include "domain_conf_periph.h"

/* <input>: PS/2 mouse and keyboard are part of the i440fx and q35
 * machines (no QEMU argv); libvirt adds them to every x86 guest. */
typedef struct _virDomainInputDef virDomainInputDef;
struct _virDomainInputDef {
    virDomainInputType type;
    virDomainInputBus bus;
    virDomainDeviceInfo info;   /* alias live only: input0 ... */
};

/* <clock><timer name=''/>: what QEMU can do with each (see
 * domain_conf_features.c). */
typedef struct _virDomainTimerDef virDomainTimerDef;
struct _virDomainTimerDef {
    virDomainTimerName name;
    virTristateBool present;
    virDomainTimerTickpolicy tickpolicy;
    virDomainTimerTrack track;          /* rtc only */
    unsigned long long frequency;       /* tsc only, Hz; 0: not set */
};

typedef enum {
    VIR_DOMAIN_CPU_FEATURE_POLICY_NONE = 0,
    VIR_DOMAIN_CPU_FEATURE_POLICY_FORCE,
    VIR_DOMAIN_CPU_FEATURE_POLICY_REQUIRE,
    VIR_DOMAIN_CPU_FEATURE_POLICY_OPTIONAL,
    VIR_DOMAIN_CPU_FEATURE_POLICY_DISABLE,
    VIR_DOMAIN_CPU_FEATURE_POLICY_FORBID,
    VIR_DOMAIN_CPU_FEATURE_POLICY_LAST
} virDomainCPUFeaturePolicy;
VIR_ENUM_DECL(virDomainCPUFeaturePolicy);

/* <feature policy='' name=''/>: a CPUID feature by libvirt's name. */
typedef struct _virDomainCPUFeatureDef virDomainCPUFeatureDef;
struct _virDomainCPUFeatureDef {
    char *name;
    virDomainCPUFeaturePolicy policy;
};

typedef enum {
    VIR_DOMAIN_SECLABEL_DEFAULT = 0,
    VIR_DOMAIN_SECLABEL_NONE,
    VIR_DOMAIN_SECLABEL_DYNAMIC,
    VIR_DOMAIN_SECLABEL_STATIC,
    VIR_DOMAIN_SECLABEL_LAST
} virDomainSeclabelType;
VIR_ENUM_DECL(virDomainSeclabel);

/* <seclabel>: kept and reported; there is no security driver here. */
typedef struct _virDomainSeclabelDef virDomainSeclabelDef;
struct _virDomainSeclabelDef {
    virDomainSeclabelType type;
    char *model;
    bool relabel;
    char *label;
    char *imagelabel;
    char *baselabel;
};

/* <sysinfo type='smbios'>: the sections QEMU's -smbios takes. */
typedef enum {
    VIR_DOMAIN_SYSINFO_BIOS = 0,        /* type 0 */
    VIR_DOMAIN_SYSINFO_SYSTEM,          /* type 1 */
    VIR_DOMAIN_SYSINFO_BASEBOARD,       /* type 2 */
    VIR_DOMAIN_SYSINFO_CHASSIS,         /* type 3 */
    VIR_DOMAIN_SYSINFO_LAST
} virDomainSysinfoSection;
#define VIR_DOMAIN_SYSINFO_KEYS_MAX 7

typedef struct _virDomainSysinfoDef virDomainSysinfoDef;
struct _virDomainSysinfoDef {
    /* values[section][key], keys in virDomainSysinfoKeys order; NULL:
     * not set */
    char *values[VIR_DOMAIN_SYSINFO_LAST][VIR_DOMAIN_SYSINFO_KEYS_MAX];
    GPtrArray *oemStrings;              /* char *, type 11 */
};

typedef enum {
    VIR_DOMAIN_SMBIOS_NONE = 0,
    VIR_DOMAIN_SMBIOS_EMULATE,
    VIR_DOMAIN_SMBIOS_HOST,             /* refused: reads the host's */
    VIR_DOMAIN_SMBIOS_SYSINFO,
    VIR_DOMAIN_SMBIOS_LAST
} virDomainSmbiosMode;
VIR_ENUM_DECL(virDomainSmbiosMode);

/* The entry names of @section (NULL-ended); also QEMU's -smbios keys. */
const char *const *virDomainSysinfoKeys(virDomainSysinfoSection section);

typedef struct _virDomainCPUDef virDomainCPUDef;
struct _virDomainCPUDef {
    virDomainCPUMode mode;
    virDomainCPUMatch match;        /* custom only */
    virDomainCPUCheck check;
    virTristateSwitch migratable;   /* host-passthrough and maximum only */
    char *model;                    /* custom: the machine's default when
                                     * not written; host-model: none */
    virDomainCPUFallback fallback;  /* with model */
    /* <topology>: all 0 when not written */
    unsigned int sockets;
    unsigned int dies;              /* 1 when not written */
    unsigned int cores;
    unsigned int threads;
    GPtrArray *features;            /* virDomainCPUFeatureDef */
};

/* <memoryBacking> (domain_conf_tune.c): what QEMU does alone, no host
 * setup (no hugetlbfs, no memory_backing_dir). */
typedef enum {
    VIR_DOMAIN_MEMORY_SOURCE_NONE = 0,
    VIR_DOMAIN_MEMORY_SOURCE_FILE,      /* refused: a host directory */
    VIR_DOMAIN_MEMORY_SOURCE_ANONYMOUS,
    VIR_DOMAIN_MEMORY_SOURCE_MEMFD,
    VIR_DOMAIN_MEMORY_SOURCE_LAST
} virDomainMemorySource;
VIR_ENUM_DECL(virDomainMemorySource);

typedef enum {
    VIR_DOMAIN_MEMORY_ACCESS_DEFAULT = 0,
    VIR_DOMAIN_MEMORY_ACCESS_SHARED,
    VIR_DOMAIN_MEMORY_ACCESS_PRIVATE,
    VIR_DOMAIN_MEMORY_ACCESS_LAST
} virDomainMemoryAccess;
VIR_ENUM_DECL(virDomainMemoryAccess);

typedef enum {
    VIR_DOMAIN_MEMORY_ALLOCATION_NONE = 0,
    VIR_DOMAIN_MEMORY_ALLOCATION_IMMEDIATE,
    VIR_DOMAIN_MEMORY_ALLOCATION_ONDEMAND,
    VIR_DOMAIN_MEMORY_ALLOCATION_LAST
} virDomainMemoryAllocation;
VIR_ENUM_DECL(virDomainMemoryAllocation);

typedef struct _virDomainMemoryBackingDef virDomainMemoryBackingDef;
struct _virDomainMemoryBackingDef {
    virDomainMemorySource source;
    virDomainMemoryAccess access;       /* memfd only */
    virDomainMemoryAllocation allocation;
    unsigned int allocationThreads;     /* 0: not set */
    bool nosharepages;                  /* -machine mem-merge=off */
    bool locked;                        /* -overcommit mem-lock=on */
    bool discard;                       /* nothing for QEMU with memfd/ram */
};

/* <vcpu placement=''>: "static" when absent. */
typedef enum {
    VIR_DOMAIN_CPU_PLACEMENT_DEFAULT = 0,
    VIR_DOMAIN_CPU_PLACEMENT_STATIC,
    VIR_DOMAIN_CPU_PLACEMENT_AUTO,
    VIR_DOMAIN_CPU_PLACEMENT_LAST
} virDomainCPUPlacement;
VIR_ENUM_DECL(virDomainCPUPlacement);

/* <numatune><memory mode=''>; NONE: no <memory> (placement is then
 * always 'auto': nodesets are not supported). */
typedef enum {
    VIR_DOMAIN_NUMATUNE_MODE_NONE = 0,
    VIR_DOMAIN_NUMATUNE_MODE_STRICT,
    VIR_DOMAIN_NUMATUNE_MODE_PREFERRED,
    VIR_DOMAIN_NUMATUNE_MODE_INTERLEAVE,
    VIR_DOMAIN_NUMATUNE_MODE_RESTRICTIVE,
    VIR_DOMAIN_NUMATUNE_MODE_LAST
} virDomainNumatuneMode;
VIR_ENUM_DECL(virDomainNumatuneMode);

/* <iothreadids><iothread id=''/>: written, or filled in up to the
 * <iothreads> count with the lowest free ids (as libvirt). */
typedef struct _virDomainIOThreadIDDef virDomainIOThreadIDDef;
struct _virDomainIOThreadIDDef {
    unsigned int id;                    /* >= 1; QEMU object iothreadN */
    bool autofill;
};

/* The CPU scheduler's values of <cputune>, in libvirt's order. */
typedef enum {
    VIR_DOMAIN_CPUTUNE_SHARES,
    VIR_DOMAIN_CPUTUNE_PERIOD,
    VIR_DOMAIN_CPUTUNE_QUOTA,
    VIR_DOMAIN_CPUTUNE_GLOBAL_PERIOD,
    VIR_DOMAIN_CPUTUNE_GLOBAL_QUOTA,
    VIR_DOMAIN_CPUTUNE_EMULATOR_PERIOD,
    VIR_DOMAIN_CPUTUNE_EMULATOR_QUOTA,
    VIR_DOMAIN_CPUTUNE_IOTHREAD_PERIOD,
    VIR_DOMAIN_CPUTUNE_IOTHREAD_QUOTA,
    VIR_DOMAIN_CPUTUNE_SCHED_LAST
} virDomainCputuneSchedValue;

/* <cputune> (domain_conf_cputune.c). */
typedef struct {
    long long sched[VIR_DOMAIN_CPUTUNE_SCHED_LAST];
    bool schedSet[VIR_DOMAIN_CPUTUNE_SCHED_LAST];
    /* nvcpupin masks, NULL: that vCPU unpinned; read them with
     * virDomainCputuneVcpupin() */
    guint64 **vcpupin;
    unsigned int nvcpupin;
    guint64 *emulatorpin; /* NULL: none */
} virDomainCputune;

/* Host CPUs of <vcpu cpuset=''> (0 .. VIR_DOMAIN_CPUMASK_LEN - 1). */
#define VIR_DOMAIN_CPUMASK_LEN 4096
#define VIR_DOMAIN_CPUMASK_WORDS (VIR_DOMAIN_CPUMASK_LEN / 64)

#define VIR_DOMAIN_IOTHREADS_MAX 256

bool virDomainCPUMaskIsSet(const guint64 *mask, unsigned int cpu);
guint64 *virDomainCPUMaskParse(const char *str);
void virDomainCPUMaskFormat(virBuffer *buf, const guint64 *mask);

typedef struct _virDomainOSDef virDomainOSDef;
struct _virDomainOSDef {
    virDomainOSType type;
    virArch arch;
    char *machine;              /* canonical, e.g. pc-i440fx-7.2 */
    char *kernel;
    char *initrd;
    char *cmdline;
    virDomainBootDev bootDevs[VIR_DOMAIN_BOOT_DEVS_MAX];
    size_t nBootDevs;
};

typedef struct _virDomainDef virDomainDef;
struct _virDomainDef {
    int id;                     /* -1 while inactive */
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *name;

    virDomainVirtType virtType;
    char *title;
    char *description;

    unsigned long long memory;          /* KiB */
    unsigned long long currentMemory;   /* KiB, <= memory */
    unsigned int maxvcpus;              /* <vcpu>N</vcpu> */
    unsigned int vcpus;                 /* current='', <= maxvcpus */
    unsigned int hotplugVcpus;          /* of the online vCPUs, how many
                                         * (the last ones) QEMU added as
                                         * devices (setvcpus --live):
                                         * <vcpus> hotpluggable='yes' */
    guint64 *cpumask;                   /* <vcpu cpuset=''>, NULL: none;
                                         * VIR_DOMAIN_CPUMASK_WORDS */
    virDomainCPUPlacement placement;    /* <vcpu placement=''> */
    virDomainCputune cputune;
    virDomainNumatuneMode numatuneMode; /* <numatune><memory mode=''
                                         * placement='auto'/> */
    virDomainMemoryBackingDef mem;      /* <memoryBacking> */
    GArray *iothreadids;                /* virDomainIOThreadIDDef */

    virDomainOSDef os;
    virTristateSwitch features[VIR_DOMAIN_FEATURE_LAST]; /* ON or ABSENT */
    virDomainCPUDef *cpu;               /* NULL: hypervisor default */
    virDomainClockOffset clockOffset;
    GPtrArray *timers;                  /* virDomainTimerDef */
    virTristateBool pmS3;               /* <pm><suspend-to-mem enabled=''> */
    virTristateBool pmS4;               /* <pm><suspend-to-disk enabled=''> */
    virDomainOnAction onPoweroff;
    virDomainOnAction onReboot;
    virDomainOnAction onCrash;

    char *emulator;
    GPtrArray *disks;           /* virDomainDiskDef */
    GPtrArray *controllers;     /* virDomainControllerDef */
    GPtrArray *nets;            /* virDomainNetDef */
    GPtrArray *serials;         /* virDomainChrDef; with any, <console>
                                 * is the first one, as in libvirt */
    GPtrArray *graphics;        /* virDomainGraphicsDef, one per type */
    GPtrArray *videos;          /* virDomainVideoDef, the primary first */
    GPtrArray *channels;        /* virDomainChannelDef */
    GPtrArray *rngs;            /* virDomainRNGDef */
    GPtrArray *sounds;          /* virDomainSoundDef */
    GPtrArray *audios;          /* virDomainAudioDef (g_free) */
    GPtrArray *panics;          /* virDomainPanicDef (g_free) */
    virDomainWatchdogDef *watchdog;     /* NULL: none */
    virDomainMemballoonDef *memballoon; /* never NULL after parsing */
    GPtrArray *inputs;          /* virDomainInputDef */

    /* domain-level elements of domain_conf_general.c */
    char *resourcePartition;    /* <resource><partition>, stored only */
    xmlNode *metadata;          /* a copy of <metadata>, or NULL */
    GPtrArray *seclabels;       /* virDomainSeclabelDef, stored only */
    virDomainSysinfoDef *sysinfo;       /* NULL: none */
    virDomainSmbiosMode smbiosMode;     /* <os><smbios mode=''/> */
};

/* ---- parsing configuration ---- */

/* Resolves @machine (NULL: the default one) for @arch and @virtType to its
 * canonical name, e.g. "pc" -> "pc-i440fx-7.2".  Returns a string the
 * caller owns, or NULL with an error reported (unknown machine type). */
typedef char *(*virDomainMachineResolveFunc)(virArch arch,
                                             virDomainVirtType virtType,
                                             const char *machine,
                                             void *opaque);

/* The CPU model the emulator gives canonical @machine when there is no
 * -cpu (e.g. "qemu64"), or NULL when not known.  Caller owns the result;
 * reports nothing. */
typedef char *(*virDomainDefaultCPUFunc)(virArch arch,
                                         virDomainVirtType virtType,
                                         const char *machine, void *opaque);

/* A hypervisor's step of parsing a definition (default devices,
 * addresses).  Returns 0, or -1 with an error reported. */
/* <cputune>'s vCPU pins (domain_conf_cputune.c) */
const guint64 *
virDomainCputuneVcpupin(const virDomainDef *def, unsigned int vcpu);
void
virDomainCputuneSetVcpupin(virDomainDef *def, unsigned int vcpu, guint64 *mask);

typedef int (*virDomainDefDevicesFunc)(virDomainDef *def, void *opaque);

typedef struct _virDomainDefParserConfig virDomainDefParserConfig;
struct _virDomainDefParserConfig {
    virArch defaultArch;            /* when <type arch=''> is absent */
    const char *defaultEmulator;    /* when <emulator> is absent */
    virDomainMachineResolveFunc machineResolve; /* may be NULL */
    virDomainDefaultCPUFunc defaultCPU;         /* may be NULL */
    /* both may be NULL; run in this order after the device defaults,
     * with the implicit controllers of disks added between them */
    virDomainDefDevicesFunc addDefaultDevices;
    virDomainDefDevicesFunc assignAddresses;
    void *opaque;
    /* Where daemons put the unix sockets of channels they name (libvirt's
     * and this host's): a config's channel path under one of them is
     * runtime data and dropped (NULL: none) */
    const char *channelDirs[2];
};

/* ---- API ---- */

virDomainDef *virDomainDefNew(void);
void virDomainDefFree(virDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDef, virDomainDefFree);

void virDomainDiskDefFree(virDomainDiskDef *def);
void virDomainChrDefFree(virDomainChrDef *def);
void virDomainControllerDefFree(virDomainControllerDef *def);
void virDomainCPUDefFree(virDomainCPUDef *def);
void virDomainInputDefFree(virDomainInputDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDiskDef, virDomainDiskDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainChrDef, virDomainChrDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainControllerDef,
                              virDomainControllerDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCPUDef, virDomainCPUDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainInputDef, virDomainInputDefFree);

virDomainDef *virDomainDefParseString(const char *xml,
                                      const virDomainDefParserConfig *config,
                                      unsigned int flags);
virDomainDef *virDomainDefParseNode(xmlNode *root,
                                    const virDomainDefParserConfig *config,
                                    unsigned int flags);

char *virDomainDefFormat(const virDomainDef *def, unsigned int flags);
int virDomainDefFormatBuf(virBuffer *buf, const virDomainDef *def,
                          unsigned int flags);
unsigned int virDomainDefFormatConvertXMLFlags(unsigned int xmlFlags);

virDomainDef *virDomainDefCopy(const virDomainDef *src, bool migratable);

int virDomainDefAssignAliases(virDomainDef *def);
void virDomainDefClearRuntime(virDomainDef *def);

int virDomainDefValidateName(const char *name);

/* Whether a guest running with @src can go on with @dst (migration's
 * --xml): 0, or -1 with VIR_ERR_CONFIG_UNSUPPORTED saying what differs. */
int virDomainDefCheckABIStability(const virDomainDef *src,
                                  const virDomainDef *dst);
void virDomainMacGenerate(unsigned char *mac);
int virDomainMacParse(const char *str, unsigned char *mac);
const char *virDomainMacFormat(const unsigned char *mac, char *buf);

/* ---- iterating over devices (domain_conf_address.c) ---- */

/* One device of any type, as the device iterator hands it out.  A new
 * device type adds its enumerator here, its member to the union and a row
 * to virDomainDeviceDescTable (see device_conf.h for the whole recipe). */
typedef enum {
    VIR_DOMAIN_DEVICE_NONE = 0,
    VIR_DOMAIN_DEVICE_DISK,
    VIR_DOMAIN_DEVICE_CONTROLLER,
    VIR_DOMAIN_DEVICE_NET,
    VIR_DOMAIN_DEVICE_CHR,
    VIR_DOMAIN_DEVICE_VIDEO,
    VIR_DOMAIN_DEVICE_MEMBALLOON,
    VIR_DOMAIN_DEVICE_INPUT,
    VIR_DOMAIN_DEVICE_CHANNEL,
    VIR_DOMAIN_DEVICE_SOUND,
    VIR_DOMAIN_DEVICE_WATCHDOG,
    VIR_DOMAIN_DEVICE_RNG,
    VIR_DOMAIN_DEVICE_PANIC,
    VIR_DOMAIN_DEVICE_LAST
} virDomainDeviceType;
VIR_ENUM_DECL(virDomainDevice);

typedef struct _virDomainDeviceDef virDomainDeviceDef;
struct _virDomainDeviceDef {
    virDomainDeviceType type;
    union {
        void *any;
        virDomainDiskDef *disk;
        virDomainControllerDef *controller;
        virDomainNetDef *net;
        virDomainChrDef *chr;
        virDomainVideoDef *video;
        virDomainMemballoonDef *memballoon;
        virDomainInputDef *input;
        virDomainChannelDef *channel;
        virDomainSoundDef *sound;
        virDomainWatchdogDef *watchdog;
        virDomainRNGDef *rng;
        virDomainPanicDef *panic;
    } data;
};

/* Called once per device with its info; a non-zero return stops the walk
 * and is returned by the iterator. */
typedef int (*virDomainDeviceInfoCallback)(virDomainDef *def,
                                           virDomainDeviceDef *dev,
                                           virDomainDeviceInfo *info,
                                           void *opaque);

int virDomainDeviceInfoIterate(virDomainDef *def,
                               virDomainDeviceInfoCallback cb,
                               void *opaque);
virDomainDeviceInfo *virDomainDeviceGetInfo(const virDomainDeviceDef *dev);

int virDomainDefValidateAliases(const virDomainDef *def);
bool virDomainDefHasDeviceBoot(const virDomainDef *def);
void virDomainDefClearDeviceAliases(virDomainDef *def);
virDomainControllerDef *virDomainDefFindController(const virDomainDef *def,
                                                   virDomainControllerType type,
                                                   unsigned int idx);

bool virDomainIOThreadIDFind(const virDomainDef *def, unsigned int id);
bool virDomainDefNeedsPlacementAdvice(const virDomainDef *def);
virDomainGraphicsDef *virDomainDefGetGraphics(const virDomainDef *def,
                                              virDomainGraphicsType type);
virDomainChannelDef *virDomainDefGetAgentChannel(const virDomainDef *def);

/* Title, description and <metadata> elements (domain_conf_metadata.c). */
char *virDomainDefGetMetadata(const virDomainDef *def, int type,
                              const char *uri);
int virDomainDefSetMetadata(virDomainDef *def, int type, const char *metadata,
                            const char *key, const char *uri);

/* ---- one device on its own (domain_conf_hotplug.c) ---- */

/* A device element parsed alone (device hotplug): a disk or an interface
 * (the one set of @disk, @net), or only the type name of an element we
 * do not plug (@type NONE). */
typedef struct _virDomainDeviceParsed virDomainDeviceParsed;
struct _virDomainDeviceParsed {
    virDomainDeviceType type; /* DISK, NET or NONE */
    char *typeName;           /* libvirt's device type name: disk, net */
    virDomainDiskDef *disk;
    virDomainNetDef *net;
    bool macGiven; /* the interface named its <mac> */
};

void virDomainDeviceParsedFree(virDomainDeviceParsed *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDeviceParsed, virDomainDeviceParsedFree);

virDomainDeviceParsed *
virDomainDeviceParse(const char *xml, unsigned int flags);
int virDomainDefFindDisk(const virDomainDef *def, const char *dst);
int virDomainDefFindNet(const virDomainDef *def, const virDomainNetDef *match,
                        bool macGiven);
int virDomainDefFindAlias(const virDomainDef *def, const char *alias,
                          virDomainDeviceType *retType);
int virDomainDefAddDevice(virDomainDef *def, virDomainDeviceParsed *dev,
                          const virDomainDefParserConfig *config);
void virDomainDefNameNewDisk(const virDomainDef *def, virDomainDiskDef *disk);
void virDomainDefNameNewNet(const virDomainDef *def, virDomainNetDef *net);
