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
 * answer.
 *
 * Threads: an agent is reference counted.  The domain's periph data owns
 * one reference; a caller that talks to the agent takes its own with the
 * domain locked and under the domain's agent job (which serialises the
 * callers), then drops the domain lock for the I/O.  qemuAgentClose,
 * when QEMU stops, shuts the socket down, which wakes such a caller at
 * once; the descriptor is closed with the last reference.
 *
 * Timeouts in seconds follow libvirt's VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_*
 * values: -2 waits forever, -1 is the default (5 s), 0 does not wait,
 * N > 0 waits N seconds.
 */
#pragma once

#include <json-c/json.h>

#include "internal.h"

typedef struct _qemuAgent qemuAgent;

/* libvirt's default wait for an agent reply. */
#define QEMU_AGENT_WAIT_MS 5000

qemuAgent *qemuAgentOpen(const char *path);
qemuAgent *qemuAgentRef(qemuAgent *agent);
void qemuAgentUnref(qemuAgent *agent);
void qemuAgentClose(qemuAgent *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuAgent, qemuAgentUnref);

void qemuAgentSetTimeout(qemuAgent *agent, int timeout);
int qemuAgentGetTimeout(qemuAgent *agent);

int qemuAgentPing(qemuAgent *agent, int timeoutMs);
int qemuAgentRun(qemuAgent *agent, const char *name, json_object *args,
                 bool reportUnsupported, json_object **retReturn);
int qemuAgentRunNoReply(qemuAgent *agent, const char *name,
                        json_object *args);
int qemuAgentArbitraryCommand(qemuAgent *agent, const char *cmd, int timeout,
                              char **retResult);

/* Reading replies: for the typed commands (qemu_agent_guest.h). */
int qemuAgentMalformed(const char *cmd, const char *what);
json_object *
qemuAgentMember(json_object *obj, const char *name, json_type type);
const char *qemuAgentString(json_object *obj, const char *name);
int qemuAgentQuery(qemuAgent *agent, const char *cmd, json_type type,
                   size_t maxEntries, bool reportUnsupported,
                   json_object **retReply);
