/*
 * capabilities.h: the host and guest capabilities (virConnectGetCapabilities)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plain model with one owner, filled by the driver (see
 * qemuCapsBuildHostCaps) and formatted as libvirt's capabilities XML, valid
 * against capability.rng.
 */
#pragma once

#include "internal.h"
#include "virarch.h"
#include "virenum.h"
#include "virhostinfo.h"
#include "domain_conf.h"

#define VIR_CAPABILITIES_SCHEMA_PATH "/usr/share/libvirt/schemas/capability.rng"

typedef enum {
    VIR_CAPS_GUEST_FEATURE_PAE = 0,
    VIR_CAPS_GUEST_FEATURE_NONPAE,
    VIR_CAPS_GUEST_FEATURE_ACPI,
    VIR_CAPS_GUEST_FEATURE_APIC,
    VIR_CAPS_GUEST_FEATURE_CPUSELECTION,
    VIR_CAPS_GUEST_FEATURE_DEVICEBOOT,
    VIR_CAPS_GUEST_FEATURE_DISKSNAPSHOT,
    VIR_CAPS_GUEST_FEATURE_LAST
} virCapsGuestFeatureType;
VIR_ENUM_DECL(virCapsGuestFeature);

typedef struct _virCapsGuestFeature virCapsGuestFeature;
struct _virCapsGuestFeature {
    bool present;
    bool defaultOn;     /* formatted as default='on|off' for features that */
    bool toggle;        /* carry toggles (acpi, apic, disksnapshot) */
};

typedef struct _virCapsGuestMachine virCapsGuestMachine;
struct _virCapsGuestMachine {
    char *name;
    char *canonical;    /* set when @name is an alias */
    unsigned int maxCpus; /* 0: unknown, not formatted */
    bool deprecated;
};

typedef struct _virCapsGuest virCapsGuest;
struct _virCapsGuest {
    virDomainOSType ostype;
    virArch arch;
    char *emulator;
    GPtrArray *machines;                        /* virCapsGuestMachine */
    bool domainTypes[VIR_DOMAIN_VIRT_LAST];     /* qemu, kvm */
    virCapsGuestFeature features[VIR_CAPS_GUEST_FEATURE_LAST];
};

typedef struct _virCapsHostCell virCapsHostCell;
struct _virCapsHostCell {
    unsigned int id;
    unsigned long long memory;  /* KiB, 0: not formatted */
    GArray *cpus;               /* virHostInfoCPU (siblings owned) */
};

typedef struct _virCapsHost virCapsHost;
struct _virCapsHost {
    unsigned char uuid[VIR_UUID_BUFLEN];
    bool haveUUID;
    virArch arch;
    char *cpuModel;
    char *cpuVendor;
    GPtrArray *cpuFeatures;     /* char *, NULL: none */
    unsigned int sockets;       /* 0: no <topology> */
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    bool iommu;
    bool liveMigrate;
    GPtrArray *migrateTransports;   /* char *, e.g. "tcp" */
    GPtrArray *cells;               /* virCapsHostCell */
    char *secModel;                 /* "none" */
    char *secDoi;                   /* "0" */
};

typedef struct _virCaps virCaps;
struct _virCaps {
    virCapsHost host;
    GPtrArray *guests;          /* virCapsGuest */
};

virCaps *virCapabilitiesNew(virArch hostArch);
void virCapabilitiesFree(virCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virCaps, virCapabilitiesFree);

void virCapabilitiesSetHostUUID(virCaps *caps, const unsigned char *uuid);
void virCapabilitiesSetHostInfo(virCaps *caps, const virHostInfo *info);
void virCapabilitiesSetHostCPUModel(virCaps *caps, const char *model,
                                    GPtrArray *features);
virCapsHostCell *virCapabilitiesAddHostCell(virCaps *caps, unsigned int id,
                                            unsigned long long memory);
void virCapabilitiesAddHostCellCPU(virCapsHostCell *cell, unsigned int id,
                                   int socket, int die, int core,
                                   const char *siblings);
void virCapabilitiesAddMigrateTransport(virCaps *caps, const char *name);

virCapsGuest *virCapabilitiesAddGuest(virCaps *caps, virDomainOSType ostype,
                                      virArch arch, const char *emulator);
void virCapabilitiesAddGuestMachine(virCapsGuest *guest, const char *name,
                                    const char *canonical,
                                    unsigned int maxCpus, bool deprecated);
void virCapabilitiesAddGuestDomain(virCapsGuest *guest,
                                   virDomainVirtType type);
void virCapabilitiesAddGuestFeature(virCapsGuest *guest,
                                    virCapsGuestFeatureType feature,
                                    bool defaultOn, bool toggle);

char *virCapabilitiesFormatXML(const virCaps *caps);
