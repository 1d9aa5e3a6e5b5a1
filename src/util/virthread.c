/*
 * virthread.c: named threads and timed condition waits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virthread.h"

typedef struct {
    virThreadFunc func;
    void *opaque;
} virThreadStart;


static gpointer
virThreadTrampoline(gpointer data)
{
    g_autofree virThreadStart *start = data;

    start->func(start->opaque);
    return NULL;
}


GThread *
virThreadCreate(const char *name, virThreadFunc func, void *opaque)
{
    virThreadStart *start = g_new0(virThreadStart, 1);

    start->func = func;
    start->opaque = opaque;
    return g_thread_new(name, virThreadTrampoline, start);
}


void
virThreadJoin(GThread *thread)
{
    if (thread)
        g_thread_join(thread);
}


long long
virTimeMonotonicMs(void)
{
    return g_get_monotonic_time() / 1000;
}


long long
virTimeMillisNow(void)
{
    return g_get_real_time() / 1000;
}


int
virCondWaitUntil(GCond *cond, GMutex *lock, long long deadlineMs)
{
    if (!g_cond_wait_until(cond, lock, deadlineMs * 1000)) {
        errno = ETIMEDOUT;
        return -1;
    }
    return 0;
}
