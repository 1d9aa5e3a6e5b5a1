/*
 * qemu_monitor_block.h: QMP commands for block nodes, block jobs and the
 * NBD server (storage migration)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Same contract as qemu_monitor.h: @mon locked by the caller's
 * EnterMonitor, errors reported once.
 */
#pragma once

#include "qemu_monitor.h"

/* One entry of query-block-jobs. */
typedef struct _qemuMonitorBlockJobInfo qemuMonitorBlockJobInfo;
struct _qemuMonitorBlockJobInfo {
    char *id;                   /* "device": the job id */
    char *status;               /* QEMU's JobStatus: "running", "ready",
                                 * "concluded", ... */
    char *error;                /* set when the job failed; else NULL */
    bool ready;
    unsigned long long len;
    unsigned long long offset;
};
void qemuMonitorBlockJobInfoFree(qemuMonitorBlockJobInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorBlockJobInfo,
                              qemuMonitorBlockJobInfoFree);

/* How blockdev-mirror copies (qemuMonitorBlockdevMirror). */
typedef struct _qemuMonitorMirrorArgs qemuMonitorMirrorArgs;
struct _qemuMonitorMirrorArgs {
    const char *jobId;
    const char *device;         /* the source's node */
    const char *target;         /* the target's node */
    unsigned long long speed;   /* bytes/s, 0: unlimited */
    bool shallow;               /* sync "top" instead of "full" */
    bool syncWrites;            /* copy-mode "write-blocking" */
};

int qemuMonitorGetBlockCapacities(qemuMonitor *mon, GHashTable **retSizes);
int qemuMonitorNBDServerStart(qemuMonitor *mon, const char *host,
                              unsigned int port, const char *socketPath,
                              const char *tlsCreds);
int qemuMonitorNBDServerStop(qemuMonitor *mon);
int qemuMonitorBlockExportAddNBD(qemuMonitor *mon, const char *id,
                                 const char *node, const char *name);
/* Where and how a migration target node reaches its NBD export. */
typedef struct _qemuMonitorNBDTarget qemuMonitorNBDTarget;
struct _qemuMonitorNBDTarget {
    const char *host;           /* TCP host and port, or */
    unsigned int port;
    const char *socketPath;     /* the UNIX socket */
    const char *exportName;
    const char *tlsCreds;       /* NULL: no TLS */
    const char *tlsHostname;    /* the name the certificate must carry;
                                 * NULL: @host */
};

int qemuMonitorBlockdevAddNBD(qemuMonitor *mon, const char *node,
                              const qemuMonitorNBDTarget *target);
int qemuMonitorBlockdevDel(qemuMonitor *mon, const char *node);
int qemuMonitorBlockdevMirror(qemuMonitor *mon,
                              const qemuMonitorMirrorArgs *args);
int qemuMonitorBlockJobCancel(qemuMonitor *mon, const char *jobId,
                              bool force);
int qemuMonitorJobDismiss(qemuMonitor *mon, const char *jobId);
int qemuMonitorBlockSetWriteThreshold(qemuMonitor *mon, const char *node,
                                      unsigned long long threshold);
int qemuMonitorBlockResize(qemuMonitor *mon, const char *node,
                           unsigned long long bytes);
int qemuMonitorGetBlockJobs(qemuMonitor *mon, GPtrArray **retJobs);
