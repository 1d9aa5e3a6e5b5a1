/*
 * qemu_command_priv.h: the command line builder shared by qemu_command*.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Not for use outside src/qemu/qemu_command*.c.
 */
#pragma once

#ifndef QEMU_COMMAND_PRIV_H_ALLOW
# error "qemu_command_priv.h is private to src/qemu/qemu_command*.c"
#endif

#include <json-c/json.h>

#include "qemu_command.h"

typedef struct {
    GPtrArray *args;
    const virDomainDef *def;
    const qemuCommandParams *params;
    qemuMachineFamily family;
    bool deviceBoot;        /* <boot order> on devices, not <os><boot> */
    int bootDisk;           /* bootindex of the first disk, 0: none */
    int bootCdrom;          /* bootindex of the first CD-ROM, 0: none */
    int bootNet;            /* bootindex of the first NIC, 0: none */
    const char *hotplugTapFd; /* hotplug: the monitor's name of the tap
                               * fd of the interface being built */
} qemuCommandBuilder;

void qemuCommandAdd(qemuCommandBuilder *b, const char *arg);
void qemuCommandAddPair(qemuCommandBuilder *b, const char *opt,
                        const char *value);
void qemuCommandEscape(GString *buf, const char *value);
/* Adds "@opt <JSON of @obj>" and drops @obj. */
void qemuCommandAddJSON(qemuCommandBuilder *b, const char *opt,
                        json_object *obj);
void qemuJSONAddString(json_object *obj, const char *key, const char *value);
void qemuJSONAddInt(json_object *obj, const char *key, int value);
void qemuJSONAddBool(json_object *obj, const char *key, bool value);
json_object *qemuDeviceNew(const char *driver);
/* Adds -device @dev with the address of @info; drops @dev.  Returns 0 or
 * -1 (reported). */
int qemuCommandAddDevice(qemuCommandBuilder *b, json_object *dev,
                         const virDomainDeviceInfo *info);

/* qemu_command_net.c */
int qemuBuildNetArgs(qemuCommandBuilder *b);
/* -netdev and -device of interface @net alone (hotplug; a tap's fd is
 * b->hotplugTapFd). */
int qemuBuildNetDeviceArgs(qemuCommandBuilder *b, const virDomainNetDef *net);

/* qemu_command_periph.c */
int qemuValidatePeriph(const virDomainDef *def, qemuMachineFamily family);
int qemuBuildVideoArgs(qemuCommandBuilder *b);
int qemuBuildChannelArgs(qemuCommandBuilder *b);
int qemuBuildInputArgs(qemuCommandBuilder *b);
int qemuBuildGraphicsArgs(qemuCommandBuilder *b);
int qemuBuildSoundArgs(qemuCommandBuilder *b);
int qemuBuildPeriphTailArgs(qemuCommandBuilder *b);
