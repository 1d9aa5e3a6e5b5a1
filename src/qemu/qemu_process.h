/*
 * qemu_process.h: starting, stopping and reconnecting QEMU processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A running domain is one QEMU process, our child (spawned by vircommand
 * without a double fork), with:
 *   - a pidfd watched by the driver's event loop: its exit is noticed at
 *     once and handled on a worker (qemu_process_events.c);
 *   - a QMP monitor on <runDir>/qemu/<name>.monitor, whose events (STOP,
 *     RESUME, SHUTDOWN, RESET...) keep the domain state in step;
 *   - a status file <runDir>/qemu/<name>.xml, so a restarted daemon finds
 *     it again (qemuProcessReconnect);
 *   - a log <logDir>/qemu/<name>.log with QEMU's stdout and stderr.
 *
 * Every function here runs with the domain object locked and a job held,
 * as its comment says; none of them reports an error twice.
 */
#pragma once

#include "internal.h"
#include "qemu_domain.h"
#include "virdomainjob.h"

typedef enum {
    QEMU_PROCESS_START_PAUSED = 1 << 0,     /* leave the vCPUs stopped */
} qemuProcessStartFlags;

typedef enum {
    /* the guest lives on elsewhere (outgoing migration, or the source of
     * a failed incoming one); recorded for the migration code, no effect
     * on the stop itself yet (libvirt uses it for security labels) */
    QEMU_PROCESS_STOP_MIGRATED = 1 << 0,
} qemuProcessStopFlags;

typedef enum {
    QEMU_PROCESS_KILL_FORCE = 1 << 0,   /* SIGKILL after the grace period */
    QEMU_PROCESS_KILL_NOWAIT = 1 << 1,  /* signal only, do not wait */
} qemuProcessKillFlags;

/* SIGTERM grace before SIGKILL (libvirt's), and the graceful limit. */
#define QEMU_PROCESS_KILL_GRACE_MS 10000
#define QEMU_PROCESS_KILL_GRACEFUL_MS 15000
/* Bound on connecting to a QEMU's monitor (start and reconnect). */
#define QEMU_PROCESS_MONITOR_TIMEOUT_MS 30000
/* A step of a start (spawn, status save, job, monitor) slower than this
 * is logged as a warning with its duration. */
#define QEMU_PROCESS_SLOW_STEP_MS 5000

int qemuProcessBeginJob(virDomainObj *vm, virDomainJobOperation operation,
                        unsigned int apiFlags) G_GNUC_WARN_UNUSED_RESULT;
void qemuProcessEndJob(virDomainObj *vm);

int qemuProcessStart(virDomainObj *vm, virDomainAsyncJob asyncJob,
                     const char *incomingURI, unsigned int flags);
void qemuProcessStop(virDomainObj *vm, virDomainShutoffReason reason,
                     virDomainAsyncJob asyncJob, unsigned int flags);
int qemuProcessKill(virDomainObj *vm, unsigned int flags);
int qemuProcessBeginStopJob(virDomainObj *vm, virDomainJob job,
                            bool forceKill) G_GNUC_WARN_UNUSED_RESULT;

int qemuProcessDestroy(virDomainObj *vm, bool graceful);
void qemuProcessAutoDestroyAdd(virDomainObj *vm, const void *conn);
void qemuProcessAutoDestroyRun(const void *conn);

int qemuProcessStartCPUs(virDomainObj *vm, virDomainRunningReason reason,
                         virDomainAsyncJob asyncJob);
int qemuProcessStopCPUs(virDomainObj *vm, virDomainPausedReason reason,
                        virDomainAsyncJob asyncJob);

/*
 * Recovery of an async job found in the status XML of a reconnected
 * domain (@saved, the job as it was; @vm locked, holding a MODIFY job,
 * monitor connected).  The migration code plugs in its phase-by-phase
 * recovery; without it an incoming migration is killed and anything else
 * is left as QEMU reports it.  Returns 0, 1 to stop the domain as
 * migrated (SHUTOFF/migrated: its guest runs on another host), or -1
 * (reported) to stop it.  *@stopFlags receives qemuProcessStopFlags for
 * that stop.
 */
typedef int (*qemuProcessRecoverJobFunc)(virDomainObj *vm,
                                         virDomainJobObj *saved,
                                         unsigned int *stopFlags);
void qemuProcessSetRecoverJobHook(qemuProcessRecoverJobFunc hook);

int qemuProcessReconnect(virDomainObj *vm);
void qemuProcessDetach(virDomainObj *vm);

/* Path helpers (caller owns the results). */
