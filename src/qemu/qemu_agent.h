/*
 * qemu_agent.h: the QEMU guest agent connection of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The daemon connects to the unix socket QEMU serves for the
 * org.qemu.guest_agent.0 channel and keeps the connection for the life of
 * the domain, as libvirt does.  Whether an agent runs in the guest is the
 * channel's state (VSERPORT_CHANGE events), not this connection's.
 * Commands are synchronous with a timeout, each preceded by guest-sync
 * so a reply left over from a timed-out command is never taken for the
 * answer.  An agent object is not shared between threads: its owner
 * serialises calls (the domain job).
 */
#pragma once

#include "internal.h"

typedef struct _qemuAgent qemuAgent;

#define QEMU_AGENT_WAIT_MS 5000

qemuAgent *qemuAgentOpen(const char *path);
void qemuAgentClose(qemuAgent *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuAgent, qemuAgentClose);
int qemuAgentPing(qemuAgent *agent, int timeoutMs);
