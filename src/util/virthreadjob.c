/*
 * virthreadjob.c: which API the calling thread is serving
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "virthreadjob.h"

/* The API name set by the dispatcher, and a buffer for the thread name. */
static GPrivate virThreadJobAPI = G_PRIVATE_INIT(g_free);
static GPrivate virThreadJobName = G_PRIVATE_INIT(g_free);


/* Records @api (copied) as the API the calling thread serves; the RPC
 * dispatcher calls it before entering the driver. */
void
virThreadJobSet(const char *api)
{
    g_private_replace(&virThreadJobAPI, g_strdup(api));
}


/* Forgets the calling thread's API name (end of an RPC call). */
void
virThreadJobClear(void)
{
    g_private_replace(&virThreadJobAPI, NULL);
}


/* Returns the calling thread's API name, else its OS thread name, else
 * NULL.  The string belongs to the thread and stays valid until its next
 * virThreadJob* call. */
const char *
virThreadJobGet(void)
{
    const char *api = g_private_get(&virThreadJobAPI);
    char name[16] = "";

    if (api)
        return api;
    if (pthread_getname_np(pthread_self(), name, sizeof(name)) != 0 || !*name)
        return NULL;
    g_private_replace(&virThreadJobName, g_strdup(name));
    return g_private_get(&virThreadJobName);
}


/* Returns the kernel thread id of the caller; job owners are recorded
 * with it (0 means "nobody"). */
unsigned long long
virThreadJobSelfID(void)
{
    return (unsigned long long)syscall(SYS_gettid);
}
