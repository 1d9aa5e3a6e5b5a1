/*
 * virprocess.h: watching, signalling and reaping child processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A child we spawn (QEMU) stays our child: nobody else may reap it, so its
 * pid cannot be reused while we hold it, and we learn of its exit through
 * a "pidfd" that becomes readable the moment it exits.  On Linux >= 5.3
 * it is a real pidfd (pidfd_open); on older kernels it is the read end of
 * a pipe whose write end a SIGCHLD handler closes when the child exits.
 * Either way the caller polls it (or adds it to a main loop) instead of
 * sleeping, and reaps the child with virProcessReap once it is readable.
 */
#pragma once

#include <sys/types.h>

#include "internal.h"

/* How long virProcessKillPainfully waits for a SIGKILLed process. */
#define VIR_PROCESS_KILL_TIMEOUT_MS 10000

int virProcessPidfdOpen(pid_t pid);
int virProcessWaitPidfd(int pidfd, long long timeoutMs);
int virProcessReap(pid_t pid, int *retStatus);
unsigned long long virProcessGetCPUTime(pid_t pid);
int virProcessKill(pid_t pid, int sig);
int virProcessKillPainfully(pid_t pid, int pidfd, long long graceMs);

/* Human-readable form of a waitpid() status ("exit status 1",
 * "fatal signal 9"); caller owns the result. */
char *virProcessTranslateStatus(int status);
