/*
 * glibshim.c: GLib mutexes and conditions on pthreads, for helgrind
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * On Linux GLib implements GMutex and GCond with futexes and atomics,
 * which helgrind and DRD cannot see: every access guarded by a GMutex
 * looks like a race to them.  Preloaded (LD_PRELOAD) into a test run
 * under helgrind, this library replaces the GMutex and GCond calls our
 * code makes with pthread mutexes and conditions, which helgrind
 * understands.  GLib's own internal locks keep their implementation;
 * each lock is used through one implementation only.
 *
 * Test-only: never linked into the daemon.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>

/* Lazily allocated, like GLib's own pthread fallback, so statically
 * zeroed GMutex/GCond work. */
static pthread_mutex_t *
shimMutex(GMutex *mutex)
{
    pthread_mutex_t *impl = g_atomic_pointer_get(&mutex->p);

    if (!impl) {
        pthread_mutex_t *fresh = malloc(sizeof(*fresh));

        if (!fresh)
            abort();
        pthread_mutex_init(fresh, NULL);
        if (!g_atomic_pointer_compare_and_exchange(&mutex->p, NULL, fresh)) {
            pthread_mutex_destroy(fresh);
            free(fresh);
        }
        impl = g_atomic_pointer_get(&mutex->p);
    }
    return impl;
}


static pthread_cond_t *
shimCond(GCond *cond)
{
    pthread_cond_t *impl = g_atomic_pointer_get(&cond->p);

    if (!impl) {
        pthread_cond_t *fresh = malloc(sizeof(*fresh));
        pthread_condattr_t attr;

        if (!fresh)
            abort();
        pthread_condattr_init(&attr);
        /* g_cond_wait_until takes g_get_monotonic_time() deadlines */
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(fresh, &attr);
        pthread_condattr_destroy(&attr);
        if (!g_atomic_pointer_compare_and_exchange(&cond->p, NULL, fresh)) {
            pthread_cond_destroy(fresh);
            free(fresh);
        }
        impl = g_atomic_pointer_get(&cond->p);
    }
    return impl;
}


void
g_mutex_init(GMutex *mutex)
{
    mutex->p = NULL;
}


void
g_mutex_clear(GMutex *mutex)
{
    pthread_mutex_t *impl = mutex->p;

    if (impl) {
        pthread_mutex_destroy(impl);
        free(impl);
    }
    mutex->p = NULL;
}


void
g_mutex_lock(GMutex *mutex)
{
    pthread_mutex_lock(shimMutex(mutex));
}


void
g_mutex_unlock(GMutex *mutex)
{
    pthread_mutex_unlock(shimMutex(mutex));
}


gboolean
g_mutex_trylock(GMutex *mutex)
{
    return pthread_mutex_trylock(shimMutex(mutex)) == 0;
}


void
g_cond_init(GCond *cond)
{
    cond->p = NULL;
}


void
g_cond_clear(GCond *cond)
{
    pthread_cond_t *impl = cond->p;

    if (impl) {
        pthread_cond_destroy(impl);
        free(impl);
    }
    cond->p = NULL;
}


void
g_cond_wait(GCond *cond, GMutex *mutex)
{
    pthread_cond_wait(shimCond(cond), shimMutex(mutex));
}


gboolean
g_cond_wait_until(GCond *cond, GMutex *mutex, gint64 end_time)
{
    struct timespec ts = {
        .tv_sec = end_time / G_USEC_PER_SEC,
        .tv_nsec = (end_time % G_USEC_PER_SEC) * 1000,
    };

    return pthread_cond_timedwait(shimCond(cond), shimMutex(mutex),
                                  &ts) != ETIMEDOUT;
}


void
g_cond_signal(GCond *cond)
{
    pthread_cond_signal(shimCond(cond));
}


void
g_cond_broadcast(GCond *cond)
{
    pthread_cond_broadcast(shimCond(cond));
}
