/*
 * virobject.c: reference counted, lockable objects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virobject.h"

void *
virObjectLockableNew(size_t size, virObjectDisposeFunc dispose)
{
    virObjectLockable *obj;

    g_assert(size >= sizeof(virObjectLockable));
    obj = g_malloc0(size);
    obj->refs = 1;
    obj->dispose = dispose;
    g_mutex_init(&obj->lock);
    return obj;
}


void *
virObjectRef(void *anyobj)
{
    virObjectLockable *obj = anyobj;

    if (obj)
        g_atomic_int_inc(&obj->refs);
    return anyobj;
}


bool
virObjectUnref(void *anyobj)
{
    virObjectLockable *obj = anyobj;

    if (!obj)
        return false;
    if (!g_atomic_int_dec_and_test(&obj->refs))
        return true;
    if (obj->dispose)
        obj->dispose(obj);
    g_mutex_clear(&obj->lock);
    g_free(obj);
    return false;
}


void
virObjectLock(void *anyobj)
{
    g_mutex_lock(&((virObjectLockable *)anyobj)->lock);
}


void
virObjectUnlock(void *anyobj)
{
    g_mutex_unlock(&((virObjectLockable *)anyobj)->lock);
}


GMutex *
virObjectGetLock(void *anyobj)
{
    return &((virObjectLockable *)anyobj)->lock;
}


virLockGuard *
virObjectLockGuard(void *anyobj)
{
    virObjectLock(anyobj);
    return anyobj;
}


void
virLockGuardRelease(virLockGuard *guard)
{
    if (guard)
        virObjectUnlock(guard);
}
