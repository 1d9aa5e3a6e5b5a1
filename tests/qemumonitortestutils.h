/*
 * qemumonitortestutils.h: a fake QEMU QMP server playing scripted exchanges
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A qemuMonitorTest runs a thread that plays QEMU's side of a QMP session
 * from a script (tests/qemumonitordata/NAME.replies, or inline text), over
 * a socketpair or a unix socket.  Every command the monitor sends is checked
 * against the script and against the query-qmp-schema dump of the QEMU we
 * target (tests/qemumonitordata/qmp-schema-7.2.json.gz): the command must
 * exist there, every argument must be one the command takes, and every
 * mandatory argument must be present.
 *
 * Script format: one directive per line; a line starting with white space
 * continues the previous one; blank lines and lines starting with '#' are
 * ignored.  Output directives (greeting, reply, event, raw) are queued and
 * written together in one write() when the next non-output directive comes,
 * so several messages arrive in one read.
 *
 *   handshake             greeting, expect qmp_capabilities, reply {}
 *   greeting [JSON]       send QEMU's greeting (7.2's by default)
 *   expect NAME [ARGS]    read the next command; its name must be NAME and,
 *                         when ARGS (a JSON object) is given, its arguments
 *                         must equal ARGS
 *   expect-any NAME...    read as many commands, in any order
 *   reply JSON            reply to the last expected command (id added)
 *   reply-to NAME JSON    reply to the command NAME received earlier
 *   event JSON            send an event (a timestamp is added if missing)
 *   raw TEXT              send TEXT and "\r\n" verbatim (garbage)
 *   split JSON            write a reply to the last command 7 bytes at a
 *                         time, 1 ms apart
 *   huge-reply BYTES      reply {"return": "xxx..."} of BYTES bytes
 *   flush                 write the queued output now
 *   delay MS              flush, then wait MS milliseconds
 *   eof                   flush and close the connection
 *
 * At the end of the script the server waits for the monitor to close the
 * connection; any command arriving meanwhile is a failure.
 */
#pragma once

#include "internal.h"
#include "qemu_monitor.h"

typedef struct _qemuMonitorTest qemuMonitorTest;

qemuMonitorTest *qemuMonitorTestNew(const char *name,
                                    const qemuMonitorCallbacks *cb,
                                    void *opaque);
qemuMonitorTest *qemuMonitorTestNewInline(const char *script,
                                          const qemuMonitorCallbacks *cb,
                                          void *opaque);
qemuMonitorTest *qemuMonitorTestNewServer(const char *script);
qemuMonitorTest *qemuMonitorTestNewUnix(const char *script, const char *path,
                                        long long listenDelayMs);

qemuMonitor *qemuMonitorTestGetMonitor(qemuMonitorTest *test);
int qemuMonitorTestTakeClientFD(qemuMonitorTest *test);
unsigned int qemuMonitorTestCommandsSeen(qemuMonitorTest *test);
bool qemuMonitorTestWaitCommands(qemuMonitorTest *test, unsigned int count,
                                 long long timeoutMs);

int qemuMonitorTestFinish(qemuMonitorTest *test, char **failure);
void qemuMonitorTestFree(qemuMonitorTest *test);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorTest, qemuMonitorTestFree);

bool qemuMonitorTestSchemaHasCommand(const char *name);
