/*
 * qemu_eventloop.c: the QEMU driver's own event thread and workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib-unix.h>

#include "qemu_eventloop.h"
#include "qemu_domainjob.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"
#include "virthreadpool.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_eventloop");

/* Workers for process events: a few, since each may wait for a job. */
#define QEMU_EVENT_LOOP_WORKERS 4

struct _qemuEventLoop {
    GMainContext *context;
    GMainLoop *loop;
    GThread *thread;
    virThreadPool *workers;

    virDomainEventSink sink;
    void *sinkOpaque;

    GMutex lock;            /* protects the two fields below */
    GQueue events;          /* of virDomainEvent*, oldest first */
    bool deliveryPending;   /* an idle source will deliver @events */
};

typedef struct {
    qemuEventLoopFdFunc func;
    void *opaque;
    GDestroyNotify freeOpaque;
} qemuEventLoopWatch;

typedef struct {
    qemuEventLoopWorkFunc func;
    void *data;
    GDestroyNotify freeData;
} qemuEventLoopWork;


/* Frees an event and everything it owns (NULL is fine). */
void
qemuDomainEventFree(virDomainEvent *event)
{
    if (!event)
        return;
    virDomainIdentFree(event->dom);
    virTypedParamArrayFree(event->params, event->nparams);
    g_free(event->nsuri);
    g_free(event->path);
    g_free(event->dev);
    g_free(event->reason);
    g_free(event->name);
    g_free(event->details);
    g_free(event);
}


static void
qemuEventLoopThread(void *opaque)
{
    qemuEventLoop *loop = opaque;

    g_main_context_push_thread_default(loop->context);
    g_main_loop_run(loop->loop);
    g_main_context_pop_thread_default(loop->context);
}


static void
qemuEventLoopWorker(void *jobdata, void *opaque G_GNUC_UNUSED)
{
    qemuEventLoopWork *work = jobdata;

    work->func(work->data);
    if (work->freeData)
        work->freeData(work->data);
    g_free(work);
}


static void
qemuEventLoopWorkDiscard(void *jobdata)
{
    qemuEventLoopWork *work = jobdata;

    if (work->freeData)
        work->freeData(work->data);
    g_free(work);
}


/**
 * qemuEventLoopNew:
 * @sink: where domain events go (the daemon's), or NULL to drop them
 * @sinkOpaque: passed to @sink
 *
 * Starts the event thread and the worker pool.  Caller owns the result
 * (qemuEventLoopFree).
 */
qemuEventLoop *
qemuEventLoopNew(virDomainEventSink sink, void *sinkOpaque)
{
    qemuEventLoop *loop = g_new0(qemuEventLoop, 1);

    g_mutex_init(&loop->lock);
    g_queue_init(&loop->events);
    loop->sink = sink;
    loop->sinkOpaque = sinkOpaque;
    loop->context = g_main_context_new();
    loop->loop = g_main_loop_new(loop->context, FALSE);
    loop->thread = virThreadCreate("qemu-event", qemuEventLoopThread, loop);
    loop->workers = virThreadPoolNew("qemu-worker", QEMU_EVENT_LOOP_WORKERS, 0,
                                     qemuEventLoopWorker, loop);
    return loop;
}


static gboolean
qemuEventLoopQuit(gpointer opaque)
{
    g_main_loop_quit(opaque);
    return G_SOURCE_REMOVE;
}


/**
 * qemuEventLoopFree:
 * Stops the thread, waits for running work items, drops queued ones and
 * undelivered events (the daemon may already have closed its clients)
 * and frees @loop.  Watches must have been removed.  NULL is fine.
 */
void
qemuEventLoopFree(qemuEventLoop *loop)
{
    GSource *quit;

    if (!loop)
        return;
    /* the thread first, so no watch hands the workers anything new */
    quit = g_idle_source_new();
    g_source_set_priority(quit, G_PRIORITY_HIGH);
    g_source_set_callback(quit, qemuEventLoopQuit, loop->loop, NULL);
    g_source_attach(quit, loop->context);
    g_source_unref(quit);
    virThreadJoin(loop->thread);
    virThreadPoolFree(loop->workers, qemuEventLoopWorkDiscard);

    g_queue_clear_full(&loop->events, (GDestroyNotify)qemuDomainEventFree);
    g_main_loop_unref(loop->loop);
    g_main_context_unref(loop->context);
    g_mutex_clear(&loop->lock);
    g_free(loop);
}


/* Event thread: hands every queued event to the sink, in order. */
static gboolean
qemuEventLoopDeliver(gpointer opaque)
{
    qemuEventLoop *loop = opaque;
    GQueue batch = G_QUEUE_INIT;
    virDomainEvent *event;

    g_mutex_lock(&loop->lock);
    batch = loop->events;
    g_queue_init(&loop->events);
    loop->deliveryPending = false;
    g_mutex_unlock(&loop->lock);

    while ((event = g_queue_pop_head(&batch))) {
        if (loop->sink)
            loop->sink(event, loop->sinkOpaque);
        qemuDomainEventFree(event);
    }
    return G_SOURCE_REMOVE;
}


/**
 * qemuEventLoopQueueEvent:
 * Queues @event (stolen) for delivery from the event thread.  Never
 * blocks, so it may be called with a domain lock held; events reach the
 * sink in the order they were queued.
 */
void
qemuEventLoopQueueEvent(qemuEventLoop *loop, virDomainEvent *event)
{
    GSource *idle = NULL;

    g_mutex_lock(&loop->lock);
    g_queue_push_tail(&loop->events, event);
    if (!loop->deliveryPending) {
        loop->deliveryPending = true;
        idle = g_idle_source_new();
    }
    g_mutex_unlock(&loop->lock);
    if (!idle)
        return;
    g_source_set_priority(idle, G_PRIORITY_DEFAULT);
    g_source_set_callback(idle, qemuEventLoopDeliver, loop, NULL);
    g_source_attach(idle, loop->context);
    g_source_unref(idle);
}


static gboolean
qemuEventLoopFdReady(int fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                     gpointer opaque)
{
    qemuEventLoopWatch *watch = opaque;

    watch->func(watch->opaque);
    return G_SOURCE_REMOVE;
}


static void
qemuEventLoopWatchFree(gpointer opaque)
{
    qemuEventLoopWatch *watch = opaque;

    if (watch->freeOpaque)
        watch->freeOpaque(watch->opaque);
    g_free(watch);
}


/**
 * qemuEventLoopWatchFd:
 * Calls @func(@opaque) once, on the event thread, when @fd becomes
 * readable (a pidfd: the process exited).  @freeOpaque releases @opaque
 * when the watch goes, fired or not.  Returns the watch; the caller owns
 * the reference and removes it with qemuEventLoopUnwatch.  @fd must stay
 * open until then.
 */
GSource *
qemuEventLoopWatchFd(qemuEventLoop *loop, int fd, qemuEventLoopFdFunc func,
                     void *opaque, GDestroyNotify freeOpaque)
{
    GSource *source = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    qemuEventLoopWatch *watch = g_new0(qemuEventLoopWatch, 1);

    watch->func = func;
    watch->opaque = opaque;
    watch->freeOpaque = freeOpaque;
    g_source_set_callback(source, G_SOURCE_FUNC(qemuEventLoopFdReady), watch,
                          qemuEventLoopWatchFree);
    g_source_attach(source, loop->context);
    return source;
}


/* Removes a watch (from any thread; a callback already running finishes)
 * and clears *@watch.  NULL is fine. */
void
qemuEventLoopUnwatch(GSource **watch)
{
    if (!*watch)
        return;
    g_source_destroy(*watch);
    g_clear_pointer(watch, g_source_unref);
}


/**
 * qemuEventLoopSubmit:
 * Runs @func(@data) on a worker thread, then @freeData(@data).  Work
 * still queued when the loop is freed is dropped (only @freeData runs).
 */
void
qemuEventLoopSubmit(qemuEventLoop *loop, qemuEventLoopWorkFunc func,
                    void *data, GDestroyNotify freeData)
{
    qemuEventLoopWork *work = g_new0(qemuEventLoopWork, 1);

    work->func = func;
    work->data = data;
    work->freeData = freeData;
    virThreadPoolSendJob(loop->workers, false, work);
}


typedef struct {
    qemuEventLoop *loop;
    qemuEventLoopWork *work;
} qemuEventLoopLater;


/* Event thread: the delay of a qemuEventLoopSubmitLater passed. */
static gboolean
qemuEventLoopLaterFire(gpointer opaque)
{
    qemuEventLoopLater *later = opaque;

    virThreadPoolSendJob(later->loop->workers, false,
                         g_steal_pointer(&later->work));
    return G_SOURCE_REMOVE;
}


static void
qemuEventLoopLaterFree(gpointer opaque)
{
    qemuEventLoopLater *later = opaque;

    if (later->work)
        qemuEventLoopWorkDiscard(later->work);
    g_free(later);
}


/**
 * qemuEventLoopSubmitLater:
 * As qemuEventLoopSubmit, once @delayMs milliseconds have passed (timed
 * by the event thread).  Work still waiting when the loop is freed is
 * dropped (only @freeData runs).
 */
void
qemuEventLoopSubmitLater(qemuEventLoop *loop, unsigned int delayMs,
                         qemuEventLoopWorkFunc func, void *data,
                         GDestroyNotify freeData)
{
    qemuEventLoopLater *later = g_new0(qemuEventLoopLater, 1);
    GSource *timer = g_timeout_source_new(delayMs);

    later->loop = loop;
    later->work = g_new0(qemuEventLoopWork, 1);
    later->work->func = func;
    later->work->data = data;
    later->work->freeData = freeData;
    g_source_set_callback(timer, qemuEventLoopLaterFire, later,
                          qemuEventLoopLaterFree);
    g_source_attach(timer, loop->context);
    g_source_unref(timer);
}
