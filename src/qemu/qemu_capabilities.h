/*
 * qemu_capabilities.h: what a QEMU binary offers, probed once and cached
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For an emulator binary: its version (connectGetVersion), its machine
 * types with aliases and the default one (from `-machine help`, plus the
 * vCPU limits from QMP query-machines), and the host capabilities XML built
 * from them.  A probe runs the binary three times (~30 ms each); the cache
 * keeps the result until the binary changes on disk.
 */
#pragma once

#include "internal.h"
#include "virobject.h"
#include "capabilities.h"
#include "domain_conf.h"

#define QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"
#define QEMU_KVM_DEVICE "/dev/kvm"

typedef struct _qemuCapsMachine qemuCapsMachine;
struct _qemuCapsMachine {
    char *name;             /* canonical: pc-i440fx-7.2 */
    char *alias;            /* pc, or NULL */
    unsigned int maxCpus;   /* 0: not known */
    char *defaultCPU;       /* CPU model QEMU runs without -cpu: qemu64;
                             * NULL: not known */
    bool isDefault;
    bool deprecated;
};

/* A CPU model of query-cpu-definitions (under TCG, as probed). */
typedef struct _qemuCapsCPUModel qemuCapsCPUModel;
struct _qemuCapsCPUModel {
    char *name;
    bool usable;            /* no unavailable-features */
    bool deprecated;
    GStrv blockers;         /* the unavailable features (may be empty) */
};

/* Immutable once probed; shared between threads by reference. */
typedef struct _qemuCaps qemuCaps;
struct _qemuCaps {
    virObjectLockable parent;
    char *binary;
    gint64 ctime;           /* of @binary when probed, for the cache */
    unsigned int version;   /* major * 1000000 + minor * 1000 + micro */
    char *package;          /* "Debian 1:7.2+dfsg-7", or NULL */
    GPtrArray *machines;    /* qemuCapsMachine, default first */
    GPtrArray *cpuModels;   /* qemuCapsCPUModel; empty when not probed */
    GHashTable *cpuMaxFeatures; /* the features of the "max" CPU model,
                                 * names normalized (qemu_cpu.h);
                                 * NULL when not probed */
};

/* Parsers of recorded output (exposed for tests).  Each returns 0 or -1
 * with VIR_ERR_INTERNAL_ERROR reported. */
int qemuCapsParseVersion(const char *output, unsigned int *version,
                         char **package);
int qemuCapsParseMachineHelp(const char *output, GPtrArray **machines);
int qemuCapsParseQueryMachines(const char *output, GPtrArray *machines);


qemuCaps *qemuCapsNewFromOutput(const char *binary, const char *versionOut,
                                const char *machineHelpOut,
                                const char *queryMachinesOut);
qemuCaps *qemuCapsProbe(const char *binary);
char *qemuCapsRunQMP(const char *binary, const char *input);
qemuCaps *qemuCapsCacheLookup(const char *binary);
void qemuCapsCacheClear(void);

const char *qemuCapsResolveMachine(const qemuCaps *caps, const char *name);
unsigned int qemuCapsGetMachineMaxCpus(const qemuCaps *caps,
                                       const char *name);
char *qemuCapsDefaultCPUCallback(virArch arch, virDomainVirtType virtType,
                                  const char *machine, void *opaque);
char *qemuCapsMachineResolveCallback(virArch arch, virDomainVirtType virtType,
                                     const char *machine, void *opaque);

bool qemuCapsKVMUsable(void);
virCaps *qemuCapsBuildHostCaps(const qemuCaps *caps,
                               const virHostInfo *host,
                               const unsigned char *hostUUID, bool kvm);
