/*
 * virthreadpool.h: worker pool with reserved priority workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Normal workers take any job; priority workers take only jobs queued as
 * high priority.  So quick calls (lookups, destroy, job info, abort) are
 * served even when every normal worker sits in a minutes-long migration.
 */
#pragma once

#include "internal.h"

typedef struct _virThreadPool virThreadPool;
typedef void (*virThreadPoolJobFunc)(void *jobdata, void *opaque);

virThreadPool *virThreadPoolNew(const char *name, size_t nworkers,
                                size_t nprioWorkers,
                                virThreadPoolJobFunc func, void *opaque);
/* Queues @jobdata; never blocks. */
void virThreadPoolSendJob(virThreadPool *pool, bool priority, void *jobdata);
/* Stops accepting jobs, lets running ones finish, joins every worker.
 * Jobs still queued are handed to @discard (may be NULL). */
void virThreadPoolFree(virThreadPool *pool, GDestroyNotify discard);

size_t virThreadPoolGetWorkers(virThreadPool *pool);
size_t virThreadPoolGetBusy(virThreadPool *pool);
