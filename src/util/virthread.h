/*
 * virthread.h: named threads and timed condition waits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

typedef void (*virThreadFunc)(void *opaque);

/* Starts a joinable thread called @name running @func(@opaque).  The
 * returned handle must be passed to virThreadJoin by its owner. */
GThread *virThreadCreate(const char *name, virThreadFunc func, void *opaque);
void virThreadJoin(GThread *thread);

/* Monotonic time in milliseconds. */
long long virTimeMonotonicMs(void);
/* Wall clock time in milliseconds since the epoch. */
long long virTimeMillisNow(void);

/* Waits on @cond (with @lock held) until signalled or @deadlineMs
 * (virTimeMonotonicMs scale) passes.  Returns 0 when signalled, -1 with
 * errno ETIMEDOUT on timeout.  Spurious wakeups return 0: callers loop on
 * their own condition. */
int virCondWaitUntil(GCond *cond, GMutex *lock, long long deadlineMs);
