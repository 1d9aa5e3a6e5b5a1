/*
 * qemu_closecallbacks.c: domains bound to a client connection, and what
 * runs when it closes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table for the driver: every connection the daemon opened on it
 * (connectOpen), whether its client is gone, and the (domain, callback)
 * pairs bound to it.  A pair lives until its connection closes (then it
 * runs) or it is unset; a domain has at most one pair per callback, on
 * the connection it was set for last.  The table's lock is taken inside
 * domain locks and never the other way round, and nothing runs under it.
 */
#include <config.h>

#include "qemu_closecallbacks.h"
#include "qemu_conf.h"
#include "qemu_eventloop.h"
#include "virlog.h"
#include "virthreadjob.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.closecallbacks");

/* A domain bound to a connection. */
typedef struct {
    virDomainObj *vm;           /* a reference */
    qemuCloseCallback cb;
} qemuCloseCallbackEntry;

/* One connection of the table. */
typedef struct {
    bool closed;                /* its client is gone */
    GPtrArray *entries;         /* of qemuCloseCallbackEntry */
} qemuCloseConn;

static GMutex qemuCloseCallbacksLock;
static GHashTable *qemuCloseCallbacksConns;    /* virConn * -> qemuCloseConn */


static void
qemuCloseCallbackEntryFree(void *opaque)
{
    qemuCloseCallbackEntry *entry = opaque;

    virObjectUnref(entry->vm);
    g_free(entry);
}


static void
qemuCloseConnFree(void *opaque)
{
    qemuCloseConn *c = opaque;

    g_ptr_array_unref(c->entries);
    g_free(c);
}


/* Worker: one callback of a closed connection. */
static void
qemuCloseCallbackRun(void *opaque)
{
    qemuCloseCallbackEntry *entry = opaque;
    virDomainObj *vm = entry->vm;

    virThreadJobSet("qemuCloseCallbackRun");
    virObjectLock(vm);
    /* an inactive domain's callback still runs for its migration job
     * (offline migration: no QEMU on either host) */
    if (vm->removing ||
        (!virDomainObjIsActive(vm) && vm->job->asyncJob == VIR_ASYNC_JOB_NONE)) {
        VIR_DEBUG("domain %s went before its close callback", vm->def->name);
    } else {
        VIR_DEBUG("running the close callback of domain %s", vm->def->name);
        entry->cb(vm);
    }
    virObjectUnlock(vm);
    virThreadJobClear();
}


/* Hands @entry (stolen) to a driver worker; dropped without a driver. */
static void
qemuCloseCallbackSubmit(qemuCloseCallbackEntry *entry)
{
    if (!qemu_driver || !qemu_driver->eventLoop) {
        qemuCloseCallbackEntryFree(entry);
        return;
    }
    qemuEventLoopSubmit(qemu_driver->eventLoop, qemuCloseCallbackRun, entry,
                        qemuCloseCallbackEntryFree);
}


/* The table's record of @conn, or NULL.  Lock held. */
static qemuCloseConn *
qemuCloseCallbacksLookup(virConn *conn)
{
    if (!qemuCloseCallbacksConns)
        return NULL;
    return g_hash_table_lookup(qemuCloseCallbacksConns, conn);
}


/* Takes every pair of @vm with @cb out of the table.  Lock held. */
static void
qemuCloseCallbacksRemove(virDomainObj *vm, qemuCloseCallback cb)
{
    GHashTableIter iter;
    qemuCloseConn *c;
    guint i;

    if (!qemuCloseCallbacksConns)
        return;
    g_hash_table_iter_init(&iter, qemuCloseCallbacksConns);
    while (g_hash_table_iter_next(&iter, NULL, (void **)&c)) {
        for (i = c->entries->len; i > 0; i--) {
            qemuCloseCallbackEntry *entry = g_ptr_array_index(c->entries, i - 1);

            if (entry->vm == vm && entry->cb == cb)
                g_ptr_array_remove_index(c->entries, i - 1);
        }
    }
}


/**
 * qemuCloseCallbacksConnOpened:
 * Enters @conn (just opened on the driver) in the table.
 */
void
qemuCloseCallbacksConnOpened(virConn *conn)
{
    qemuCloseConn *c = g_new0(qemuCloseConn, 1);

    c->entries = g_ptr_array_new_with_free_func(qemuCloseCallbackEntryFree);
    g_mutex_lock(&qemuCloseCallbacksLock);
    if (!qemuCloseCallbacksConns)
        qemuCloseCallbacksConns = g_hash_table_new_full(NULL, NULL, NULL,
                                                        qemuCloseConnFree);
    g_hash_table_replace(qemuCloseCallbacksConns, conn, c);
    g_mutex_unlock(&qemuCloseCallbacksLock);
}


/**
 * qemuCloseCallbacksConnClosed:
 * The client of @conn is gone: marks it closed and hands each callback
 * bound to it to a driver worker.  Never blocks (the daemon's I/O thread
 * calls it); a second call does nothing.
 */
void
qemuCloseCallbacksConnClosed(virConn *conn)
{
    g_autoptr(GPtrArray) entries = NULL;
    qemuCloseConn *c;
    guint i;

    g_mutex_lock(&qemuCloseCallbacksLock);
    if ((c = qemuCloseCallbacksLookup(conn)) && !c->closed) {
        c->closed = true;
        entries = g_steal_pointer(&c->entries);
        c->entries = g_ptr_array_new_with_free_func(qemuCloseCallbackEntryFree);
    }
    g_mutex_unlock(&qemuCloseCallbacksLock);
    if (!entries)
        return;
    VIR_DEBUG("conn=%p closed with %u domains bound", conn, entries->len);
    g_ptr_array_set_free_func(entries, NULL);
    for (i = 0; i < entries->len; i++) {
        qemuCloseCallbackEntry *entry = g_ptr_array_index(entries, i);

        VIR_INFO("the client connection of domain %s closed", entry->vm->def->name);
        qemuCloseCallbackSubmit(entry);
    }
}


/**
 * qemuCloseCallbacksConnForget:
 * @conn goes away for good (connectClose, its last call has finished):
 * runs what is bound to it if its close was not seen yet, then drops it
 * from the table.
 */
void
qemuCloseCallbacksConnForget(virConn *conn)
{
    qemuCloseCallbacksConnClosed(conn);
    g_mutex_lock(&qemuCloseCallbacksLock);
    if (qemuCloseCallbacksConns)
        g_hash_table_remove(qemuCloseCallbacksConns, conn);
    g_mutex_unlock(&qemuCloseCallbacksLock);
}


/**
 * qemuCloseCallbacksSet:
 * @vm: locked domain
 * @conn: the connection of the client driving @vm (NULL: none, nothing
 *        is bound)
 * @cb: what to run when it closes
 *
 * Binds @vm to @conn with @cb, replacing a binding of @vm with @cb to any
 * connection.  If the client of @conn is already gone (or @conn is not a
 * connection of this driver), @cb runs at once on a worker, as soon as
 * the caller unlocks @vm: bind just before parking the job, without
 * unlocking in between, so the callback finds the job parked.
 */
void
qemuCloseCallbacksSet(virDomainObj *vm, virConn *conn, qemuCloseCallback cb)
{
    qemuCloseCallbackEntry *entry;
    qemuCloseConn *c;

    if (!conn) {
        VIR_DEBUG("domain %s: no connection to bind to", vm->def->name);
        return;
    }
    entry = g_new0(qemuCloseCallbackEntry, 1);
    entry->vm = virObjectRef(vm);
    entry->cb = cb;
    g_mutex_lock(&qemuCloseCallbacksLock);
    qemuCloseCallbacksRemove(vm, cb);
    if ((c = qemuCloseCallbacksLookup(conn)) && !c->closed) {
        g_ptr_array_add(c->entries, g_steal_pointer(&entry));
        VIR_DEBUG("domain %s bound to conn=%p", vm->def->name, conn);
    }
    g_mutex_unlock(&qemuCloseCallbacksLock);
    if (!entry)
        return;
    VIR_INFO("the client connection of domain %s closed already", vm->def->name);
    qemuCloseCallbackSubmit(entry);
}


/**
 * qemuCloseCallbacksUnset:
 * Unbinds locked @vm's @cb from whatever connection it is bound to (no-op
 * if it is not).  A callback already handed to a worker still runs.
 */
void
qemuCloseCallbacksUnset(virDomainObj *vm, qemuCloseCallback cb)
{
    g_mutex_lock(&qemuCloseCallbacksLock);
    qemuCloseCallbacksRemove(vm, cb);
    g_mutex_unlock(&qemuCloseCallbacksLock);
}


/* True if locked @vm's @cb is bound to an open connection. */
bool
qemuCloseCallbacksIsSet(virDomainObj *vm, qemuCloseCallback cb)
{
    GHashTableIter iter;
    qemuCloseConn *c;
    bool found = false;
    guint i;

    g_mutex_lock(&qemuCloseCallbacksLock);
    if (qemuCloseCallbacksConns) {
        g_hash_table_iter_init(&iter, qemuCloseCallbacksConns);
        while (!found && g_hash_table_iter_next(&iter, NULL, (void **)&c)) {
            for (i = 0; i < c->entries->len && !found; i++) {
                qemuCloseCallbackEntry *entry = g_ptr_array_index(c->entries, i);

                found = entry->vm == vm && entry->cb == cb;
            }
        }
    }
    g_mutex_unlock(&qemuCloseCallbacksLock);
    return found;
}


/**
 * qemuCloseCallbacksConnIsClosed:
 * True if the client of @conn is gone (its close was seen), or @conn is
 * not a connection of this driver any more; false for NULL (an internal
 * caller, no client to lose).
 */
bool
qemuCloseCallbacksConnIsClosed(virConn *conn)
{
    qemuCloseConn *c;
    bool closed;

    if (!conn)
        return false;
    g_mutex_lock(&qemuCloseCallbacksLock);
    c = qemuCloseCallbacksLookup(conn);
    closed = !c || c->closed;
    g_mutex_unlock(&qemuCloseCallbacksLock);
    return closed;
}


/**
 * qemuCloseCallbacksCleanup:
 * Driver shutdown: forgets every connection and binding without running
 * anything (a stopped daemon does not cancel migrations; the next one
 * recovers them from the status files).
 */
void
qemuCloseCallbacksCleanup(void)
{
    g_mutex_lock(&qemuCloseCallbacksLock);
    g_clear_pointer(&qemuCloseCallbacksConns, g_hash_table_unref);
    g_mutex_unlock(&qemuCloseCallbacksLock);
}
