/*
 * qemu_monitor.h: the QMP monitor of one QEMU process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Threading model
 *
 * Each monitor has its own event thread ("mon-<vmname>") running a private
 * GMainContext, and only that thread reads or writes the socket.  Any other
 * thread issues commands with qemuMonitorSend (or the typed wrappers below)
 * while holding the monitor's object lock: the command is queued, the event
 * thread writes it, and the caller waits on a condition (the lock released
 * meanwhile) until the reply with the same "id" arrives, the timeout passes,
 * or the monitor hits EOF or an error.  Several threads may wait at once;
 * replies are matched by id, so a late reply to a timed-out command is
 * dropped and the monitor stays usable.
 *
 * Events are delivered to the qemuMonitorCallbacks table from the event
 * thread, one at a time, in the order QEMU sent them, with the monitor
 * unlocked.  An event that QEMU sent before a reply is delivered before that
 * reply wakes its caller (so when qemuMonitorStopCPUs returns, the STOP
 * callback has run).  EOF and I/O or protocol errors are notified once,
 * through eofNotify or errorNotify.  Callbacks must not issue monitor
 * commands or close the monitor (that would wait on their own thread): they
 * hand the work to another thread.
 *
 * Lock order: domain object, then monitor.  Never hold the domain lock
 * while waiting for a reply (qemuDomainObjEnterMonitor drops it).
 */
#pragma once

#include <json-c/json.h>

#include "internal.h"
#include "virenum.h"

/* The one definition for the driver: json-c values as g_autoptr. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put);

typedef struct _qemuMonitor qemuMonitor;

/* Longest QMP message we accept (query-qmp-schema is ~200 KiB). */
#define QEMU_MONITOR_MAX_MESSAGE (10 * 1024 * 1024)
/* Default wait for a command's reply (qemuMonitorSetCommandTimeout). */
#define QEMU_MONITOR_COMMAND_TIMEOUT_MS 30000

/* QEMU's MigrationStatus, in QEMU's order. */
typedef enum {
    QEMU_MONITOR_MIGRATION_STATUS_NONE = 0,
    QEMU_MONITOR_MIGRATION_STATUS_SETUP,
    QEMU_MONITOR_MIGRATION_STATUS_CANCELLING,
    QEMU_MONITOR_MIGRATION_STATUS_CANCELLED,
    QEMU_MONITOR_MIGRATION_STATUS_ACTIVE,
    QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE,
    QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED,
    QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER,
    QEMU_MONITOR_MIGRATION_STATUS_COMPLETED,
    QEMU_MONITOR_MIGRATION_STATUS_FAILED,
    QEMU_MONITOR_MIGRATION_STATUS_COLO,
    QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER,
    QEMU_MONITOR_MIGRATION_STATUS_DEVICE,
    QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG,
    QEMU_MONITOR_MIGRATION_STATUS_LAST
} qemuMonitorMigrationStatus;

VIR_ENUM_DECL(qemuMonitorMigrationStatus);

/*
 * Callbacks, all optional, all called from the monitor's event thread with
 * the monitor unlocked.  @opaque is the pointer given to qemuMonitorOpen.
 */
typedef struct _qemuMonitorCallbacks qemuMonitorCallbacks;
struct _qemuMonitorCallbacks {
    /* The monitor object is being freed: release @opaque. */
    void (*destroy)(qemuMonitor *mon, void *opaque);
    /* QEMU closed the monitor (normally: it exited). */
    void (*eofNotify)(qemuMonitor *mon, void *opaque);
    /* I/O error or garbage from QEMU; the monitor is unusable. */
    void (*errorNotify)(qemuMonitor *mon, void *opaque);
    /* Every event, before its typed callback below.  @data (may be NULL)
     * is borrowed for the duration of the call. */
    void (*domainEvent)(qemuMonitor *mon, const char *event, json_object *data,
                        long long seconds, unsigned int micros, void *opaque);
    void (*domainStop)(qemuMonitor *mon, void *opaque);
    void (*domainResume)(qemuMonitor *mon, void *opaque);
    /* @guest: the guest asked for it; @reason: QEMU's ShutdownCause (may
     * be NULL) */
    void (*domainShutdown)(qemuMonitor *mon, bool guest, const char *reason,
                           void *opaque);
    void (*domainReset)(qemuMonitor *mon, void *opaque);
    void (*domainGuestPanic)(qemuMonitor *mon, void *opaque);
    void (*domainPowerdown)(qemuMonitor *mon, void *opaque);
    void (*migrationStatus)(qemuMonitor *mon, qemuMonitorMigrationStatus status,
                            void *opaque);
    void (*migrationPass)(qemuMonitor *mon, int pass, void *opaque);
};

/* Life cycle and transport (qemu_monitor.c) */
qemuMonitor *qemuMonitorOpen(const char *socketPath, const char *vmname,
                             int pidfd, long long timeoutMs,
                             const qemuMonitorCallbacks *cb, void *opaque);
qemuMonitor *qemuMonitorOpenFD(int fd, const char *vmname, long long timeoutMs,
                               const qemuMonitorCallbacks *cb, void *opaque);
void qemuMonitorClose(qemuMonitor *mon);
void qemuMonitorSetCommandTimeout(qemuMonitor *mon, long long timeoutMs);
int qemuMonitorSend(qemuMonitor *mon, json_object *cmd, json_object **reply,
                    long long timeoutMs);
int qemuMonitorSendWithFD(qemuMonitor *mon, json_object *cmd, int fd,
                          json_object **reply, long long timeoutMs);
int qemuMonitorArbitraryCommand(qemuMonitor *mon, const char *cmdText, bool hmp,
                                char **result);

/* Typed commands (qemu_monitor_json.c); @mon must be locked. */
typedef struct _qemuMonitorMigrationStats qemuMonitorMigrationStats;
struct _qemuMonitorMigrationStats {
    qemuMonitorMigrationStatus status;
    unsigned long long total_time;      /* ms */
    bool setup_time_set;
    unsigned long long setup_time;      /* ms */
    bool downtime_set;                  /* real once completed, else expected */
    unsigned long long downtime;        /* ms */
    bool expected_downtime_set;
    unsigned long long expected_downtime; /* ms */
    int cpu_throttle_percentage;        /* -1 when QEMU did not say */

    bool ram_set;
    unsigned long long ram_transferred;
    unsigned long long ram_remaining;
    unsigned long long ram_total;
    unsigned long long ram_bps;         /* bytes/s, from "mbps" */
    bool ram_duplicate_set;
    unsigned long long ram_duplicate;   /* zero pages */
    unsigned long long ram_normal;      /* pages */
    unsigned long long ram_normal_bytes;
    unsigned long long ram_dirty_rate;  /* pages/s */
    unsigned long long ram_page_size;
    unsigned long long ram_iteration;   /* dirty-sync-count */
    unsigned long long ram_postcopy_reqs;

    bool disk_set;
    unsigned long long disk_transferred;
    unsigned long long disk_remaining;
    unsigned long long disk_total;
    unsigned long long disk_bps;

    bool xbzrle_set;
    unsigned long long xbzrle_cache_size;
    unsigned long long xbzrle_bytes;
    unsigned long long xbzrle_pages;
    unsigned long long xbzrle_cache_miss;
    unsigned long long xbzrle_overflow;

    char *error_desc;                   /* "failed" only; owned */
};
void qemuMonitorMigrationStatsClear(qemuMonitorMigrationStats *stats);

typedef struct _qemuMonitorMigrationCap qemuMonitorMigrationCap;
struct _qemuMonitorMigrationCap {
    char *name;
    bool state;
};
qemuMonitorMigrationCap *qemuMonitorMigrationCapNew(const char *name, bool state);
void qemuMonitorMigrationCapFree(qemuMonitorMigrationCap *cap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorMigrationCap, qemuMonitorMigrationCapFree);

typedef struct _qemuMonitorMachineInfo qemuMonitorMachineInfo;
struct _qemuMonitorMachineInfo {
    char *name;
    char *alias;        /* may be NULL */
    bool isDefault;
    unsigned int maxCpus;
    bool hotplugCpus;
    bool deprecated;
    char *defaultCPU;   /* may be NULL */
    char *defaultRAMid; /* may be NULL */
};
void qemuMonitorMachineInfoFree(qemuMonitorMachineInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorMachineInfo, qemuMonitorMachineInfoFree);

int qemuMonitorGetStatus(qemuMonitor *mon, bool *retRunning, char **retStatus);
int qemuMonitorStartCPUs(qemuMonitor *mon);
int qemuMonitorStopCPUs(qemuMonitor *mon);
int qemuMonitorSystemPowerdown(qemuMonitor *mon);
int qemuMonitorSystemReset(qemuMonitor *mon);
int qemuMonitorInjectNMI(qemuMonitor *mon);
int qemuMonitorQuit(qemuMonitor *mon);
int qemuMonitorDumpGuestMemory(qemuMonitor *mon, const char *protocol,
                               const char *format, bool detach);
char **qemuMonitorDumpFormats(qemuMonitor *mon);

int qemuMonitorGetMigrationStats(qemuMonitor *mon,
                                 qemuMonitorMigrationStats *retStats);
int qemuMonitorMigrate(qemuMonitor *mon, const char *uri, bool resume);
int qemuMonitorSendFileHandle(qemuMonitor *mon, const char *fdname, int fd);
int qemuMonitorCloseFileHandle(qemuMonitor *mon, const char *fdname);
int qemuMonitorMigrateCancel(qemuMonitor *mon);
int qemuMonitorMigrateIncoming(qemuMonitor *mon, const char *uri);
int qemuMonitorMigratePause(qemuMonitor *mon);
int qemuMonitorMigrateRecover(qemuMonitor *mon, const char *uri);
int qemuMonitorGetMigrationCapabilities(qemuMonitor *mon, GPtrArray **retCaps);
int qemuMonitorSetMigrationCapabilities(qemuMonitor *mon, GPtrArray *caps);
int qemuMonitorGetMigrationParams(qemuMonitor *mon, json_object **retParams);
int qemuMonitorSetMigrationParams(qemuMonitor *mon, json_object *params);
int qemuMonitorMigrateStartPostCopy(qemuMonitor *mon);
int qemuMonitorAddObject(qemuMonitor *mon, json_object *props);
int qemuMonitorDelObject(qemuMonitor *mon, const char *id);
int qemuMonitorMigrateContinue(qemuMonitor *mon,
                               qemuMonitorMigrationStatus status);

int qemuMonitorGetVersion(qemuMonitor *mon, unsigned int *retMajor,
                          unsigned int *retMinor, unsigned int *retMicro,
                          char **retPackage);
int qemuMonitorGetMachines(qemuMonitor *mon, GPtrArray **retMachines);
int qemuMonitorGetCPUCount(qemuMonitor *mon, unsigned int *retCount);
