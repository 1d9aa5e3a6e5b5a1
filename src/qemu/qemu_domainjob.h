/*
 * qemu_domainjob.h: QEMU side of domain jobs: monitor access inside jobs,
 * job statistics (domjobinfo, domjobstats) and abort (domjobabort)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rules (docs/internals/jobs.rst): take the job first, then the monitor;
 * the domain is unlocked while a monitor command runs; inside an async job
 * every monitor call is a nested job (qemuDomainObjEnterMonitorAsync);
 * after ExitMonitor the domain may have died.
 */
#pragma once

#include "internal.h"
#include "qemu_domain.h"
#include "virdomainjob.h"

typedef enum {
    QEMU_DOMAIN_JOB_STATS_TYPE_NONE = 0,
    QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION,
    QEMU_DOMAIN_JOB_STATS_TYPE_SAVEDUMP,
    QEMU_DOMAIN_JOB_STATS_TYPE_MEMDUMP,
    QEMU_DOMAIN_JOB_STATS_TYPE_BACKUP,

    QEMU_DOMAIN_JOB_STATS_TYPE_LAST
} qemuDomainJobStatsType;

/* What query-migrate reports (the monitor code fills it). */
typedef struct _qemuDomainMigrationStats qemuDomainMigrationStats;
struct _qemuDomainMigrationStats {
    unsigned long long setup_time;
    bool setup_time_set;
    unsigned long long downtime;
    bool downtime_set;
    unsigned long long ram_transferred;
    unsigned long long ram_remaining;
    unsigned long long ram_total;
    unsigned long long ram_bps;
    bool ram_duplicate_set;
    unsigned long long ram_duplicate;
    unsigned long long ram_normal;
    unsigned long long ram_normal_bytes;
    unsigned long long ram_dirty_rate;
    unsigned long long ram_page_size;
    unsigned long long ram_iteration;
    unsigned long long ram_postcopy_reqs;
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
    int cpu_throttle_percentage;
};

/* Progress of NBD storage mirrors (query-block-jobs). */
typedef struct _qemuDomainMirrorStats qemuDomainMirrorStats;
struct _qemuDomainMirrorStats {
    unsigned long long transferred;
    unsigned long long total;
};

/* What the convergence policy (qemu_migration_converge.c) did last; the
 * ladder's rungs in order (it only climbs). */
typedef enum {
    QEMU_MIGRATION_CONVERGE_NONE = 0,   /* nothing (yet) */
    QEMU_MIGRATION_CONVERGE_DOWNTIME,   /* raised downtime-limit */
    QEMU_MIGRATION_CONVERGE_POSTCOPY,   /* switched to post-copy */
    QEMU_MIGRATION_CONVERGE_THROTTLE,   /* let QEMU throttle the vCPUs */
    QEMU_MIGRATION_CONVERGE_EXHAUSTED,  /* no step left to take */

    QEMU_MIGRATION_CONVERGE_LAST
} qemuMigrationConvergeAction;
VIR_ENUM_DECL(qemuMigrationConvergeAction);

/* The policy's state as job statistics show it ("virtmig.converge.*"). */
typedef struct _qemuDomainConvergeStats qemuDomainConvergeStats;
struct _qemuDomainConvergeStats {
    bool enabled;
    unsigned int steps;                 /* actions taken */
    qemuMigrationConvergeAction action; /* the last one */
    unsigned long long downtimeLimit;   /* ms QEMU may stop the guest */
    unsigned int throttle;              /* % QEMU may throttle the vCPUs */
    bool etaSet;
    unsigned long long eta;             /* ms until the end, estimated */
};

/* The private part of a virDomainJobData record. */
typedef struct _qemuDomainJobDataPrivate qemuDomainJobDataPrivate;
struct _qemuDomainJobDataPrivate {
    qemuDomainJobStatsType statsType;
    qemuDomainMigrationStats mig;
    qemuDomainMirrorStats mirrorStats;
    qemuDomainConvergeStats converge;
};

extern const virDomainJobDataPrivateDataCallbacks qemuDomainJobDataPrivateCb;

void qemuDomainJobSetStatsType(virDomainJobData *jobData,
                               qemuDomainJobStatsType type);
void qemuDomainJobDataUpdateTime(virDomainJobData *jobData);
void qemuDomainJobDataUpdateDowntime(virDomainJobData *jobData);
void qemuDomainJobDataToInfo(const virDomainJobData *jobData,
                             virDomainJobInfo *info);
int qemuDomainJobDataToParams(const virDomainJobData *jobData, int *type,
                              virTypedParameterPtr *params, int *nparams);
void qemuDomainJobSaveCompleted(virDomainObj *vm, virDomainJobStatus status);

const char *qemuDomainAsyncJobPhaseToString(virDomainAsyncJob job, int phase);
int qemuDomainAsyncJobPhaseFromString(virDomainAsyncJob job,
                                      const char *phase);

void qemuDomainObjSetAsyncJobMask(virDomainObj *vm,
                                  unsigned long long allowedJobs);
void qemuDomainObjDiscardAsyncJob(virDomainObj *vm);
void qemuDomainObjAbortAsyncJob(virDomainObj *vm);
void qemuDomainObjRestoreAsyncJob(virDomainObj *vm,
                                  virDomainAsyncJob asyncJob,
                                  unsigned long long started,
                                  virDomainJobOperation operation,
                                  qemuDomainJobStatsType statsType,
                                  virDomainJobStatus status,
                                  unsigned long long allowedJobs);

int qemuDomainObjEnterMonitor(virDomainObj *vm) G_GNUC_WARN_UNUSED_RESULT;
int qemuDomainObjEnterMonitorAsync(virDomainObj *vm,
                                   virDomainAsyncJob asyncJob)
    G_GNUC_WARN_UNUSED_RESULT;
int qemuDomainObjExitMonitor(virDomainObj *vm);
void qemuDomainObjEnterRemote(virDomainObj *vm);
int qemuDomainObjExitRemote(virDomainObj *vm, bool checkActive);
int qemuDomainObjWait(virDomainObj *vm, long long deadlineMs);

/*
 * What the job code asks of QEMU, plugged in by the monitor/migration code
 * (NULL entries are skipped).  Each is called with @vm locked and holding
 * a normal job, and enters the monitor itself.
 */
typedef struct _qemuDomainJobHooks qemuDomainJobHooks;
struct _qemuDomainJobHooks {
    /* domjobabort of a migration/save/snapshot: QMP migrate_cancel */
    int (*migrateCancel)(virDomainObj *vm);
    /* domjobabort --postcopy: QMP migrate-pause */
    int (*migratePause)(virDomainObj *vm);
    /* domjobinfo of a running job: refresh @jobData from query-migrate */
    int (*refreshStats)(virDomainObj *vm, virDomainJobData *jobData);
};
void qemuDomainJobSetHooks(const qemuDomainJobHooks *hooks);

int qemuDomainJobGetStatsData(virDomainObj *vm, bool completed,
                              virDomainJobData **jobData);
int qemuDomainJobGetInfo(virDomainObj *vm, virDomainJobInfo *info);
int qemuDomainJobGetStats(virDomainObj *vm, unsigned int flags, int *type,
                          virTypedParameterPtr *params, int *nparams);
int qemuDomainJobAbort(virDomainObj *vm, unsigned int flags);
