/*
 * virdomainjob.h: the per-domain job object, shared by hypervisor drivers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A domain has three job slots, all protected by the domain object lock:
 *
 *   - the normal job (@active): one at a time; whoever changes the domain
 *     or talks to its monitor holds it;
 *   - the agent job (@agentActive): one at a time, independent of the
 *     normal job, for guest agent calls;
 *   - the async job (@asyncJob): a long operation (migration, save, dump)
 *     made of many monitor calls, possibly spread over several API calls
 *     and threads.  While it exists, only the normal jobs in its @mask may
 *     start; its own thread takes nested normal jobs (ASYNC_NESTED) for
 *     each monitor call.
 *
 * Waiting threads sleep on the job object's conditions with the domain
 * lock released, and give up after the configured timeout (30 s by
 * default) with VIR_ERR_OPERATION_TIMEOUT naming the API holding the job.
 * docs/internals/jobs.rst describes the model and the rules.
 */
#pragma once

#include "internal.h"
#include "virbuffer.h"
#include "virenum.h"
#include "virxml.h"

typedef struct _virDomainObj virDomainObj;

/* Bit of normal job @job in an allowed-jobs mask (NONE has no bit). */
#define JOB_MASK(job) ((job) == 0 ? 0ULL : 1ULL << ((job) - 1))

/* Normal jobs every async job allows unless it says otherwise. */
#define VIR_JOB_DEFAULT_MASK \
    (JOB_MASK(VIR_JOB_QUERY) | \
     JOB_MASK(VIR_JOB_DESTROY) | \
     JOB_MASK(VIR_JOB_ABORT))

/* Normal jobs recorded in the status XML (and saved when they begin/end). */
#define VIR_DOMAIN_TRACK_JOBS \
    (JOB_MASK(VIR_JOB_DESTROY) | \
     JOB_MASK(VIR_JOB_ASYNC))

/* How long Begin*Job waits for a busy slot unless configured otherwise. */
#define VIR_JOB_WAIT_TIME_MS (30 * 1000ULL)

typedef enum {
    VIR_JOB_NONE = 0,       /* no job */
    VIR_JOB_QUERY,          /* reads state only */
    VIR_JOB_DESTROY,        /* kills the domain; always allowed */
    VIR_JOB_SUSPEND,        /* stops the vCPUs */
    VIR_JOB_MODIFY,         /* may change anything */
    VIR_JOB_ABORT,          /* aborts the running async job */
    VIR_JOB_MIGRATION_OP,   /* tunes an outgoing migration */
    VIR_JOB_MODIFY_MIGRATION_SAFE, /* internal: event handlers that must
                                      run during a migration without
                                      disturbing it */
    /* ASYNC and ASYNC_NESTED stay last: masks never contain them. */
    VIR_JOB_ASYNC,          /* requests an async job; never in @active */
    VIR_JOB_ASYNC_NESTED,   /* normal job taken inside an async job */

    VIR_JOB_LAST
} virDomainJob;
VIR_ENUM_DECL(virDomainJob);

typedef enum {
    VIR_AGENT_JOB_NONE = 0,
    VIR_AGENT_JOB_QUERY,    /* reads guest state only */
    VIR_AGENT_JOB_MODIFY,   /* may change guest state */

    VIR_AGENT_JOB_LAST
} virDomainAgentJob;
VIR_ENUM_DECL(virDomainAgentJob);

typedef enum {
    VIR_ASYNC_JOB_NONE = 0,
    VIR_ASYNC_JOB_MIGRATION_OUT,
    VIR_ASYNC_JOB_MIGRATION_IN,
    VIR_ASYNC_JOB_SAVE,
    VIR_ASYNC_JOB_DUMP,
    VIR_ASYNC_JOB_SNAPSHOT,
    VIR_ASYNC_JOB_START,
    VIR_ASYNC_JOB_BACKUP,

    VIR_ASYNC_JOB_LAST
} virDomainAsyncJob;
VIR_ENUM_DECL(virDomainAsyncJob);

/* Progress of an async job, as its statistics record sees it. */
typedef enum {
    VIR_DOMAIN_JOB_STATUS_NONE = 0,
    VIR_DOMAIN_JOB_STATUS_ACTIVE,
    VIR_DOMAIN_JOB_STATUS_MIGRATING,
    VIR_DOMAIN_JOB_STATUS_HYPERVISOR_COMPLETED,
    VIR_DOMAIN_JOB_STATUS_PAUSED,
    VIR_DOMAIN_JOB_STATUS_POSTCOPY,
    VIR_DOMAIN_JOB_STATUS_POSTCOPY_PAUSED,
    VIR_DOMAIN_JOB_STATUS_COMPLETED,
    VIR_DOMAIN_JOB_STATUS_FAILED,
    VIR_DOMAIN_JOB_STATUS_CANCELED,

    VIR_DOMAIN_JOB_STATUS_LAST
} virDomainJobStatus;
VIR_ENUM_DECL(virDomainJobStatus);

/* Hypervisor statistics attached to a job data record. */
typedef struct _virDomainJobDataPrivateDataCallbacks
    virDomainJobDataPrivateDataCallbacks;
struct _virDomainJobDataPrivateDataCallbacks {
    void *(*allocPrivateData)(void);
    void *(*copyPrivateData)(const void *data);
    void (*freePrivateData)(void *data);
};

/* The data behind domjobinfo/domjobstats: one record for the running
 * async job (@current) and one for the last completed one. */
typedef struct _virDomainJobData virDomainJobData;
struct _virDomainJobData {
    virDomainJobStatus status;
    virDomainJobOperation operation;    /* public VIR_DOMAIN_JOB_OPERATION_* */
    unsigned long long started;         /* ms, wall clock: async job start */
    unsigned long long stopped;         /* ms: when the vCPUs were stopped */
    unsigned long long sent;            /* ms: source sent stats (migration) */
    unsigned long long received;        /* ms: destination got them */
    unsigned long long timeElapsed;     /* ms, computed */
    long long timeDelta;                /* received - sent */
    bool timeDeltaSet;
    char *errmsg;                       /* failed completed jobs */

    void *privateData;                  /* hypervisor statistics */
    const virDomainJobDataPrivateDataCallbacks *privateDataCb;
};

virDomainJobData *virDomainJobDataInit(
    const virDomainJobDataPrivateDataCallbacks *cb);
virDomainJobData *virDomainJobDataCopy(const virDomainJobData *data);
void virDomainJobDataFree(virDomainJobData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainJobData, virDomainJobDataFree);
virDomainJobType virDomainJobStatusToType(virDomainJobStatus status);

typedef struct _virDomainJobObj virDomainJobObj;

/* Driver-specific data kept with the async job (migration parameters...). */
typedef struct _virDomainObjPrivateJobCallbacks virDomainObjPrivateJobCallbacks;
struct _virDomainObjPrivateJobCallbacks {
    void *(*allocJobPrivate)(void);
    void (*freeJobPrivate)(void *data);
    void (*resetJobPrivate)(void *data);
    /* Children of the status XML <job> element; @vm is locked. */
    int (*formatJobPrivate)(virBuffer *buf, virDomainJobObj *job,
                            virDomainObj *vm);
    int (*parseJobPrivate)(xmlXPathContext *ctxt, virDomainJobObj *job,
                           virDomainObj *vm);
};

/* Async job phases are driver specific (migration phases for QEMU): the
 * driver names them for logs and the status XML.  FromString returns -1
 * for an unknown name. */
typedef const char *(*virDomainAsyncJobPhaseToStringFunc)(virDomainAsyncJob job,
                                                           int phase);
typedef int (*virDomainAsyncJobPhaseFromStringFunc)(virDomainAsyncJob job,
                                                    const char *phase);

/* What a driver plugs into the job objects of its domains.  Immutable and
 * owned by the driver; it must outlive every domain object using it. */
typedef struct _virDomainJobObjConfig virDomainJobObjConfig;
struct _virDomainJobObjConfig {
    virDomainObjPrivateJobCallbacks cb;
    virDomainJobDataPrivateDataCallbacks jobDataPrivateCb;
    virDomainAsyncJobPhaseToStringFunc phaseToString;
    virDomainAsyncJobPhaseFromStringFunc phaseFromString;
    /* Writes the status of @vm (locked), which now holds the job's new
     * state; 0 or -1 (reported).  NULL: jobs are not persisted. */
    int (*saveStatus)(virDomainObj *vm);
    unsigned int maxQueuedJobs;         /* 0: unlimited */
    unsigned long long waitTimeoutMs;   /* 0: VIR_JOB_WAIT_TIME_MS */
};

struct _virDomainJobObj {
    const virDomainJobObjConfig *cfg;
    GCond cond;                         /* normal and agent slots */
    GCond asyncCond;                    /* async slot */

    int jobsQueued;                     /* Begin* minus End* */

    /* normal job */
    virDomainJob active;
    unsigned long long owner;           /* thread id, 0 = nobody */
    char *ownerAPI;
    unsigned long long started;         /* ms, wall clock */

    /* agent job */
    virDomainAgentJob agentActive;
    unsigned long long agentOwner;
    char *agentOwnerAPI;
    unsigned long long agentStarted;

    /* async job */
    virDomainAsyncJob asyncJob;
    unsigned long long asyncJobId;      /* serial for logs, never reused */
    unsigned long long asyncOwner;      /* 0 while parked between APIs */
    char *asyncOwnerAPI;                /* last API that drove it */
    unsigned long long asyncStarted;    /* ms, wall clock */
    bool asyncPaused;                   /* post-copy migration failed */
    int phase;                          /* driver's; one writer, see
                                         * scripts/check-phase-writes.py */
    unsigned long long mask;            /* normal jobs allowed meanwhile */
    virDomainJobData *current;          /* statistics of the running job */
    virDomainJobData *completed;        /* of the last completed one */
    bool abortJob;                      /* a client asked to abort */
    char *error;                        /* completion error from an event */
    unsigned int apiFlags;              /* flags of the API that started it */

    void *privateData;                  /* driver's, see @cfg->cb */
};

virDomainJobObj *virDomainJobObjNew(const virDomainJobObjConfig *cfg);
void virDomainJobObjFree(virDomainJobObj *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainJobObj, virDomainJobObjFree);

void virDomainObjResetJob(virDomainJobObj *job);
void virDomainObjResetAgentJob(virDomainJobObj *job);
void virDomainObjResetAsyncJob(virDomainJobObj *job);
virDomainJobObj *virDomainObjPreserveJob(virDomainObj *vm);

bool virDomainTrackJob(virDomainJob job);
bool virDomainNestedJobAllowed(const virDomainJobObj *job,
                               virDomainJob newJob);
bool virDomainObjCanSetJob(const virDomainJobObj *job, virDomainJob newJob,
                           virDomainAgentJob newAgentJob);
unsigned long long virDomainJobObjWaitTimeout(const virDomainJobObj *job);

int virDomainObjBeginJob(virDomainObj *vm, virDomainJob job)
    G_GNUC_WARN_UNUSED_RESULT;
int virDomainObjBeginJobNowait(virDomainObj *vm, virDomainJob job)
    G_GNUC_WARN_UNUSED_RESULT;
int virDomainObjBeginAgentJob(virDomainObj *vm, virDomainAgentJob agentJob)
    G_GNUC_WARN_UNUSED_RESULT;
int virDomainObjBeginAsyncJob(virDomainObj *vm, virDomainAsyncJob asyncJob,
                              virDomainJobOperation operation,
                              unsigned int apiFlags)
    G_GNUC_WARN_UNUSED_RESULT;
int virDomainObjBeginNestedJob(virDomainObj *vm, virDomainAsyncJob asyncJob)
    G_GNUC_WARN_UNUSED_RESULT;

void virDomainObjEndJob(virDomainObj *vm);
void virDomainObjEndAgentJob(virDomainObj *vm);
void virDomainObjEndAsyncJob(virDomainObj *vm);
void virDomainObjReleaseAsyncJob(virDomainObj *vm);

const char *virDomainAsyncJobPhaseToString(const virDomainJobObj *job,
                                           int phase);
int virDomainJobObjFormat(virBuffer *buf, virDomainObj *vm);
int virDomainJobObjParse(xmlXPathContext *ctxt, virDomainObj *vm);
