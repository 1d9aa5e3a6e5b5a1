/*
 * qemu_process_periph.h: starting and stopping a domain's interfaces,
 * graphics, guest agent, balloon and link states
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The host-side work qemu_process.c does for these devices, in four
 * steps: Prepare (before QEMU is spawned: listen addresses, reserved
 * graphics ports, agent socket paths, tap fds), PassFDs (the taps go to
 * QEMU), Setup (once the monitor is up: passwords, links that are down,
 * balloon statistics period, channel states, the agent connection) and
 * the cleanup registered with qemuDomainCleanupAdd (ports, agent, socket
 * files).  Reconnect redoes what a restarted daemon needs.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "vircommand.h"
#include "qemu_command.h"
#include "qemu_domainjob.h"
#include "qemu_monitor.h"

typedef struct _qemuProcessPeriph qemuProcessPeriph;

void qemuProcessPeriphFree(qemuProcessPeriph *periph);

int qemuProcessPeriphPrepare(virDomainObj *vm);
void qemuProcessPeriphCommandParams(virDomainObj *vm,
                                    qemuCommandParams *params);
void qemuProcessPeriphPassFDs(virDomainObj *vm, virCommand *cmd);
int qemuProcessPeriphSetup(virDomainObj *vm, virDomainAsyncJob asyncJob);
int qemuProcessPeriphReconnect(virDomainObj *vm);
void qemuProcessPeriphHandleEvent(qemuMonitor *mon, const char *event,
                                  json_object *data, long long seconds,
                                  unsigned int micros, void *opaque);
bool qemuProcessPeriphAgentConnected(virDomainObj *vm);
typedef struct _qemuAgent qemuAgent;
qemuAgent *qemuProcessPeriphGetAgent(virDomainObj *vm);
void qemuProcessPeriphSetAgentTimeout(virDomainObj *vm, int timeout);
int qemuProcessPeriphGetAgentTimeout(virDomainObj *vm);
