/*
 * virthreadpool.c: worker pool with reserved priority workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virthreadpool.h"
#include "virthread.h"

typedef struct {
    void *data;
    bool priority;
} virThreadPoolJob;

struct _virThreadPool {
    GMutex lock;
    GCond cond;             /* a job was queued, or quit */
    GCond prioCond;         /* a priority job was queued, or quit */
    GQueue jobs;            /* of virThreadPoolJob* */
    size_t nprioQueued;     /* queued jobs with priority set */
    size_t nidle;           /* normal workers waiting on cond */
    size_t nidlePrio;       /* priority workers waiting on prioCond */
    bool quit;
    size_t busy;
    virThreadPoolJobFunc func;
    void *opaque;
    GPtrArray *threads;     /* of GThread* */
    size_t nworkers;
};

typedef struct {
    virThreadPool *pool;
    bool priorityOnly;
} virThreadPoolWorker;


/* Takes the next job this worker may run; pool locked. */
static virThreadPoolJob *
virThreadPoolTakeJob(virThreadPool *pool, bool priorityOnly)
{
    GList *l;

    if (!priorityOnly) {
        virThreadPoolJob *job = g_queue_pop_head(&pool->jobs);
        if (job && job->priority)
            pool->nprioQueued--;
        return job;
    }
    if (pool->nprioQueued == 0)
        return NULL;
    for (l = pool->jobs.head; l; l = l->next) {
        virThreadPoolJob *job = l->data;
        if (job->priority) {
            g_queue_delete_link(&pool->jobs, l);
            pool->nprioQueued--;
            return job;
        }
    }
    return NULL;
}


static void
virThreadPoolWorkerRun(void *opaque)
{
    g_autofree virThreadPoolWorker *worker = opaque;
    virThreadPool *pool = worker->pool;

    g_mutex_lock(&pool->lock);
    while (!pool->quit) {
        g_autofree virThreadPoolJob *job = virThreadPoolTakeJob(pool, worker->priorityOnly);

        if (!job) {
            size_t *idle = worker->priorityOnly ? &pool->nidlePrio : &pool->nidle;

            (*idle)++;
            g_cond_wait(worker->priorityOnly ? &pool->prioCond : &pool->cond,
                        &pool->lock);
            (*idle)--;
            continue;
        }
        pool->busy++;
        g_mutex_unlock(&pool->lock);
        pool->func(job->data, pool->opaque);
        g_mutex_lock(&pool->lock);
        pool->busy--;
    }
    g_mutex_unlock(&pool->lock);
}


static void
virThreadPoolSpawn(virThreadPool *pool, const char *name, size_t idx,
                   bool priorityOnly)
{
    virThreadPoolWorker *worker = g_new0(virThreadPoolWorker, 1);
    g_autofree char *tname = g_strdup_printf("%s-%s%zu", name,
                                             priorityOnly ? "prio" : "", idx);

    worker->pool = pool;
    worker->priorityOnly = priorityOnly;
    g_ptr_array_add(pool->threads,
                    virThreadCreate(tname, virThreadPoolWorkerRun, worker));
}


/* Starts @nworkers normal and @nprioWorkers priority threads running
 * @func(jobdata, @opaque).  Caller owns the result. */
virThreadPool *
virThreadPoolNew(const char *name, size_t nworkers, size_t nprioWorkers,
                 virThreadPoolJobFunc func, void *opaque)
{
    virThreadPool *pool = g_new0(virThreadPool, 1);
    size_t i;

    g_mutex_init(&pool->lock);
    g_cond_init(&pool->cond);
    g_cond_init(&pool->prioCond);
    g_queue_init(&pool->jobs);
    pool->func = func;
    pool->opaque = opaque;
    pool->threads = g_ptr_array_new();
    pool->nworkers = nworkers + nprioWorkers;
    for (i = 0; i < nworkers; i++)
        virThreadPoolSpawn(pool, name, i, false);
    for (i = 0; i < nprioWorkers; i++)
        virThreadPoolSpawn(pool, name, i, true);
    return pool;
}


void
virThreadPoolSendJob(virThreadPool *pool, bool priority, void *jobdata)
{
    virThreadPoolJob *job = g_new0(virThreadPoolJob, 1);

    bool wake;
    bool wakePrio;

    job->data = jobdata;
    job->priority = priority;
    g_mutex_lock(&pool->lock);
    g_queue_push_tail(&pool->jobs, job);
    if (priority)
        pool->nprioQueued++;
    /* An idle normal worker can take any job.  A priority job also wakes
     * a priority worker when the idle normal workers are fewer than the
     * queued jobs, so it is not left behind slower calls.  Only waiting
     * workers are signalled, and after unlocking: every signal is a
     * system call, and a worker woken under the lock would only block
     * on it again. */
    wake = pool->nidle > 0;
    wakePrio = priority && pool->nidlePrio > 0 &&
               pool->nidle < g_queue_get_length(&pool->jobs);
    g_mutex_unlock(&pool->lock);
    if (wake)
        g_cond_signal(&pool->cond);
    if (wakePrio)
        g_cond_signal(&pool->prioCond);
}


void
virThreadPoolFree(virThreadPool *pool, GDestroyNotify discard)
{
    virThreadPoolJob *job;
    guint i;

    if (!pool)
        return;
    g_mutex_lock(&pool->lock);
    pool->quit = true;
    g_cond_broadcast(&pool->cond);
    g_cond_broadcast(&pool->prioCond);
    g_mutex_unlock(&pool->lock);

    for (i = 0; i < pool->threads->len; i++)
        virThreadJoin(g_ptr_array_index(pool->threads, i));
    g_ptr_array_unref(pool->threads);

    while ((job = g_queue_pop_head(&pool->jobs))) {
        if (discard)
            discard(job->data);
        g_free(job);
    }
    g_mutex_clear(&pool->lock);
    g_cond_clear(&pool->cond);
    g_cond_clear(&pool->prioCond);
    g_free(pool);
}


size_t
virThreadPoolGetWorkers(virThreadPool *pool)
{
    return pool->nworkers;
}


size_t
virThreadPoolGetBusy(virThreadPool *pool)
{
    size_t busy;

    g_mutex_lock(&pool->lock);
    busy = pool->busy;
    g_mutex_unlock(&pool->lock);
    return busy;
}
