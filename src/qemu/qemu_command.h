/*
 * qemu_command.h: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function turns a live domain definition into QEMU's argv, the way
 * libvirt 9.0 writes it (-S, -no-user-config -nodefaults, -no-shutdown,
 * JSON -blockdev/-device/-netdev, a QMP unix socket, -msg timestamp=on).
 * The builder owns the guest's device layout: every PCI device gets an
 * explicit slot, assigned in a fixed order, so the same definition gives
 * the same guest ABI on both sides of a migration.
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"
#include "vircommand.h"

#include <json-c/json.h>

/* What the command line needs beyond the definition. */
typedef struct _qemuCommandParams qemuCommandParams;
struct _qemuCommandParams {
    const char *monitorPath;    /* QMP socket QEMU listens on (required) */
    const char *pidfilePath;    /* -pidfile, or NULL */
    const char *incomingURI;    /* -incoming, or NULL (not a destination) */
    const int *tapfds;          /* per interface of the definition: the
                                 * tap fd QEMU inherits, -1 for none */
    size_t ntapfds;
};

/* The machine families we lay out devices for. */
typedef enum {
    QEMU_MACHINE_FAMILY_NONE = 0,
    QEMU_MACHINE_FAMILY_I440FX,     /* pc, pc-i440fx-* */
    QEMU_MACHINE_FAMILY_Q35,        /* q35, pc-q35-* */
    QEMU_MACHINE_FAMILY_LAST
} qemuMachineFamily;

qemuMachineFamily qemuMachineGetFamily(const char *machine);

int qemuValidateDomainDef(const virDomainDef *def);

GStrv qemuBuildCommandArgv(const virDomainDef *def,
                           const qemuCommandParams *params);
virCommand *qemuBuildCommandLine(const virDomainDef *def,
                                 const qemuCommandParams *params);
int qemuBuildHotplugProps(const virDomainDef *def, const virDomainDiskDef *disk,
                          const virDomainNetDef *net, const char *tapFd,
                          GPtrArray **retBackends, json_object **retDevice);
