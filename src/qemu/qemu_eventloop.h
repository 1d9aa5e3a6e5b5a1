/*
 * qemu_eventloop.h: the QEMU driver's own event thread and workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread ("qemu-event") runs a private GMainContext that:
 *   - watches the pidfd of every running QEMU, so its exit is noticed the
 *     moment it happens (never by sleeping and re-checking);
 *   - delivers domain events to the daemon's sink, one at a time in the
 *     order they were queued, with no domain lock held.
 * Work that needs a domain job (stopping a domain whose QEMU died, a fake
 * reboot) is handed to a small worker pool ("qemu-worker"), so the event
 * thread never waits.
 */
#pragma once

#include "internal.h"
#include "virhypervisordriver.h"

typedef struct _qemuEventLoop qemuEventLoop;

/* Called on the event thread when the watched fd becomes readable; the
 * watch is removed afterwards. */
typedef void (*qemuEventLoopFdFunc)(void *opaque);
/* Called on a worker thread. */
typedef void (*qemuEventLoopWorkFunc)(void *data);

qemuEventLoop *qemuEventLoopNew(virDomainEventSink sink, void *sinkOpaque);
void qemuEventLoopFree(qemuEventLoop *loop);

void qemuEventLoopQueueEvent(qemuEventLoop *loop, virDomainEvent *event);

GSource *qemuEventLoopWatchFd(qemuEventLoop *loop, int fd,
                              qemuEventLoopFdFunc func, void *opaque,
                              GDestroyNotify freeOpaque);
void qemuEventLoopUnwatch(GSource **watch);

void qemuEventLoopSubmit(qemuEventLoop *loop, qemuEventLoopWorkFunc func,
                         void *data, GDestroyNotify freeData);
void qemuEventLoopSubmitLater(qemuEventLoop *loop, unsigned int delayMs,
                              qemuEventLoopWorkFunc func, void *data,
                              GDestroyNotify freeData);

void qemuDomainEventFree(virDomainEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainEvent, qemuDomainEventFree);
