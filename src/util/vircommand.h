/*
 * vircommand.h: spawning child processes (QEMU and helpers)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A virCommand collects argv, environment additions, a working directory,
 * a log file, the fds the child may keep and an optional pid file, then
 * spawns the child with virCommandRunAsync.  The child:
 *   - gets stdin from /dev/null and stdout+stderr appended to the log file
 *     (O_APPEND, so several writers never overwrite each other), unless
 *     virCommandSetStdio gives fds of the caller's (a socketpair to an
 *     ssh tunnel, a pipe for its stderr);
 *   - keeps only the fds passed with virCommandPassFD, under the same
 *     numbers; everything else is closed before exec;
 *   - starts with default signal handlers, an empty signal mask and its
 *     own session (setsid), so a terminal's Ctrl-C meant for the daemon
 *     does not hit it;
 *   - stays our child (no double fork): the caller gets its pid and a
 *     pidfd that becomes readable when it exits, and reaps it.
 */
#pragma once

#include <sched.h>
#include <sys/types.h>

#include "internal.h"

typedef struct _virCommand virCommand;

/* How long virCommandRunAsync waits for the child to exec() (or report
 * why it could not) before it kills the child and fails. */
#define VIR_COMMAND_EXEC_TIMEOUT_MS 30000

typedef enum {
    VIR_COMMAND_PASS_FD_NONE = 0,
    /* The command owns the fd: it is closed in the parent once the child
     * is spawned, or when the command is freed. */
    VIR_COMMAND_PASS_FD_CLOSE_PARENT = 1 << 0,
} virCommandPassFDFlags;

virCommand *virCommandNew(const char *binary);
virCommand *virCommandNewArgList(const char *binary, ...)
    G_GNUC_NULL_TERMINATED;
void virCommandFree(virCommand *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virCommand, virCommandFree);

void virCommandAddArg(virCommand *cmd, const char *arg);
void virCommandAddArgFormat(virCommand *cmd, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
void virCommandAddArgList(virCommand *cmd, ...) G_GNUC_NULL_TERMINATED;
void virCommandAddEnvPair(virCommand *cmd, const char *name,
                          const char *value);
void virCommandSetWorkingDirectory(virCommand *cmd, const char *dir);
void virCommandSetAffinity(virCommand *cmd, const cpu_set_t *set);
void virCommandSetLogFile(virCommand *cmd, const char *path);
void virCommandSetStdio(virCommand *cmd, int infd, int outfd, int errfd);
void virCommandSetPidFile(virCommand *cmd, const char *path);
void virCommandPassFD(virCommand *cmd, int fd, unsigned int flags);

char *virCommandToString(const virCommand *cmd);
void virCommandAppendQuoted(GString *buf, const char *str);

int virCommandRunAsync(virCommand *cmd, pid_t *retPid, int *retPidfd);
