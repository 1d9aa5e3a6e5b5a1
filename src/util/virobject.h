/*
 * virobject.h: reference counted, lockable objects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only state shared between threads (domain objects, monitors, clients,
 * servers) is a virObjectLockable.  A type embeds virObjectLockable as its
 * first member and passes its dispose function to virObjectLockableNew.
 * We keep this to a plain struct rather than GObject: two dozen lines give
 * us everything we use (refs, one mutex, dispose), and helgrind/TSan see
 * the locking directly.
 */
#pragma once

#include "internal.h"

typedef void (*virObjectDisposeFunc)(void *obj);

typedef struct _virObjectLockable virObjectLockable;
struct _virObjectLockable {
    gint refs;
    GMutex lock;
    virObjectDisposeFunc dispose;
};

/* Allocates @size zeroed bytes whose head is a virObjectLockable with one
 * reference held by the caller. */
void *virObjectLockableNew(size_t size, virObjectDisposeFunc dispose);

/* Adds a reference to @obj (may be NULL); returns @obj. */
void *virObjectRef(void *obj);

/* Drops a reference to @obj (may be NULL); the last one disposes and frees
 * it.  Returns true if the object is still alive. */
bool virObjectUnref(void *obj);

void virObjectLock(void *obj);
void virObjectUnlock(void *obj);

/* The mutex, for condition waits on the object's lock. */
GMutex *virObjectGetLock(void *obj);

/*
 * Scoped lock: the object is unlocked when the guard goes out of scope.
 *     VIR_LOCK_GUARD lock = virObjectLockGuard(vm);
 */
typedef struct _virLockGuard virLockGuard;
virLockGuard *virObjectLockGuard(void *obj);
void virLockGuardRelease(virLockGuard *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virLockGuard, virLockGuardRelease);
#define VIR_LOCK_GUARD g_autoptr(virLockGuard) G_GNUC_UNUSED

#define VIR_WITH_OBJECT_LOCK_GUARD(o) \
    for (g_autoptr(virLockGuard) virLockGuardTmp_ = virObjectLockGuard(o); \
         virLockGuardTmp_; \
         virLockGuardRelease(virLockGuardTmp_), virLockGuardTmp_ = NULL)
