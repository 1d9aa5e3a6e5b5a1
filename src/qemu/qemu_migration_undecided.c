/*
 * qemu_migration_undecided.c: a copy kept paused because what became of
 * its migration is unknown, asked about again until the peer can say
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The question runs on a driver worker with a MODIFY job, never with the
 * daemon's start waiting for it: first at once (or after @delayMs), then
 * again after 0.5, 1, 2, 4 ... up to 30 s, as long as the copy is still
 * paused with reason unknown and no job of its own runs.  An operator who
 * resumes or destroys it ends the questions.  Only a definite answer
 * acts (qemu_migration_peer.c reads answers conservatively):
 *
 *   side          peer has no copy          peer has or runs a copy
 *   source        resumed                   stopped (SHUTOFF/migrated)
 *   destination   run (RUNNING/migrated)    destroyed if the peer runs
 *                                           it; kept if it is paused
 *
 * A paused source answers "has" to its destination, so when both sides
 * are undecided the source stops first and the destination then runs.
 */
#include <config.h>

#include "qemu_migration_undecided.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "qemu_eventloop.h"
#include "qemu_migration_nbd.h"
#include "qemu_migration_peer.h"
#include "qemu_process.h"
#include "qemu_process_events.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_undecided");

#define QEMU_MIGRATION_UNDECIDED_FIRST_MS 500
#define QEMU_MIGRATION_UNDECIDED_MAX_MS 30000

typedef struct {
    virDomainObj *vm;       /* a reference */
    unsigned int gen;       /* priv->undecidedGen when queued */
} qemuMigrationUndecidedItem;


static void qemuMigrationUndecidedWork(void *data);


static void
qemuMigrationUndecidedItemFree(void *data)
{
    qemuMigrationUndecidedItem *item = data;

    virObjectUnref(item->vm);
    g_free(item);
}


/* Queues the next question about locked @vm after @delayMs. */
static void
qemuMigrationUndecidedQueue(virDomainObj *vm, unsigned int delayMs)
{
    qemuMigrationUndecidedItem *item = g_new0(qemuMigrationUndecidedItem, 1);

    if (!qemu_driver || !qemu_driver->eventLoop) {
        g_free(item);
        return;
    }
    item->vm = virObjectRef(vm);
    item->gen = QEMU_DOMAIN_PRIVATE(vm)->undecidedGen;
    qemuEventLoopSubmitLater(qemu_driver->eventLoop, delayMs,
                             qemuMigrationUndecidedWork, item,
                             qemuMigrationUndecidedItemFree);
}


/* Forgets the record of locked @vm (saved if it still runs). */
static void
qemuMigrationUndecidedClear(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    g_clear_pointer(&priv->undecidedPeer, g_free);
    priv->undecidedTries = 0;
    priv->undecidedGen++;
    if (virDomainObjIsActive(vm) && virDomainObjSaveStatus(vm) < 0)
        virErrorResetLast();
}


/* Whether locked @vm is still the copy the record is about: running
 * QEMU, paused with reason unknown, no async job of its own. */
static bool
qemuMigrationUndecidedStill(virDomainObj *vm)
{
    int reason = 0;

    return virDomainObjIsActive(vm) &&
           vm->job->asyncJob == VIR_ASYNC_JOB_NONE &&
           virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
           reason == VIR_DOMAIN_PAUSED_UNKNOWN;
}


/* An async job still runs on the copy (the migration step that kept it
 * paused has not ended yet, or another one started): ask later. */
static bool
qemuMigrationUndecidedBusy(virDomainObj *vm)
{
    int reason = 0;

    return virDomainObjIsActive(vm) &&
           vm->job->asyncJob != VIR_ASYNC_JOB_NONE &&
           virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
           reason == VIR_DOMAIN_PAUSED_UNKNOWN;
}


/**
 * qemuMigrationUndecidedStart:
 * Locked @vm, holding a job, is kept paused (PAUSED/unknown) because
 * what became of its migration is unknown; @source says which side this
 * host was.  With a peer URI (priv->migrationPeer) the peer is asked
 * again after @delayMs and later until it can say; the record is saved
 * in the status XML.  Without one (a stock peer) nothing is recorded:
 * the operator decides.
 */
void
qemuMigrationUndecidedStart(virDomainObj *vm, bool source,
                            unsigned int delayMs)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->migrationPeer || !virDomainObjIsActive(vm))
        return;
    g_free(priv->undecidedPeer);
    priv->undecidedPeer = g_strdup(priv->migrationPeer);
    priv->undecidedSource = source;
    priv->undecidedPreState = source ? priv->preMigrationState
                                     : VIR_DOMAIN_RUNNING;
    priv->undecidedTries = 0;
    priv->undecidedGen++;
    VIR_WARN("domain %s stays paused until %s says whether it has the guest",
             vm->def->name, priv->undecidedPeer);
    if (virDomainObjSaveStatus(vm) < 0)
        virErrorResetLast();
    qemuMigrationUndecidedQueue(vm, delayMs);
}


/**
 * qemuMigrationUndecidedReconnect:
 * After a daemon restart: locked @vm came back with an <undecided>
 * record; the questions start again at once.
 */
void
qemuMigrationUndecidedReconnect(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->undecidedPeer)
        return;
    VIR_INFO("domain %s was kept paused for an answer of %s; asking again",
             vm->def->name, priv->undecidedPeer);
    priv->undecidedTries = 0;
    priv->undecidedGen++;
    qemuMigrationUndecidedQueue(vm, 0);
}


/* A source told the destination has no copy: runs again, as it did. */
static void
qemuMigrationUndecidedResume(virDomainObj *vm)
{
    if (QEMU_DOMAIN_PRIVATE(vm)->undecidedPreState != VIR_DOMAIN_RUNNING) {
        VIR_INFO("domain %s: the destination has no copy; it was not running before its migration, so it stays paused",
                 vm->def->name);
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        return;
    }
    VIR_WARN("domain %s: the destination has no copy; resuming it here",
             vm->def->name);
    if (qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED,
                             VIR_ASYNC_JOB_NONE) < 0) {
        VIR_WARN("could not resume domain %s: %s", vm->def->name,
                 NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
    }
}


/* Stops locked @vm's QEMU: the guest is the peer's. */
static void
qemuMigrationUndecidedStop(virDomainObj *vm, bool source)
{
    qemuProcessStop(vm, source ? VIR_DOMAIN_SHUTOFF_MIGRATED
                               : VIR_DOMAIN_SHUTOFF_FAILED,
                    VIR_ASYNC_JOB_NONE, QEMU_PROCESS_STOP_MIGRATED);
    qemuDomainEventQueueLifecycle(vm, VIR_DOMAIN_EVENT_STOPPED,
                                  source ? VIR_DOMAIN_EVENT_STOPPED_MIGRATED
                                         : VIR_DOMAIN_EVENT_STOPPED_FAILED);
}


/* Acts on @answer about locked @vm (holding a MODIFY job).  Returns true
 * once decided. */
static bool
qemuMigrationUndecidedAct(virDomainObj *vm, qemuMigrationPeerState answer)
{
    bool source = QEMU_DOMAIN_PRIVATE(vm)->undecidedSource;

    switch (answer) {
    case QEMU_MIGRATION_PEER_ABSENT:
        if (source) {
            qemuMigrationUndecidedResume(vm);
        } else {
            VIR_WARN("the source of domain %s has no copy any more; running the complete incoming one",
                     vm->def->name);
            if (qemuProcessStartCPUs(vm, VIR_DOMAIN_RUNNING_MIGRATED,
                                     VIR_ASYNC_JOB_NONE) < 0) {
                VIR_WARN("could not run domain %s: %s", vm->def->name,
                         NULLSTR(virErrorGetLastMessage()));
                virErrorResetLast();
            }
            /* the images its storage migration created are the guest's */
            qemuMigrationDstNBDKeep(vm);
        }
        return true;
    case QEMU_MIGRATION_PEER_RUNS:
    case QEMU_MIGRATION_PEER_HAS:
        if (source) {
            VIR_WARN("domain %s is on the destination of its migration; stopping it here",
                     vm->def->name);
            qemuMigrationUndecidedStop(vm, true);
            return true;
        }
        if (answer == QEMU_MIGRATION_PEER_HAS)
            return false;   /* a paused source stops itself when it asks */
        VIR_WARN("the source of domain %s runs it; destroying the incoming copy",
                 vm->def->name);
        qemuMigrationUndecidedStop(vm, false);
        qemuMigrationDstNBDDiscard(vm);
        return true;
    case QEMU_MIGRATION_PEER_PENDING:
    case QEMU_MIGRATION_PEER_UNKNOWN:
    case QEMU_MIGRATION_PEER_LAST:
    default:
        return false;
    }
}


/* Worker: one question about the domain of @data. */
static void
qemuMigrationUndecidedWork(void *data)
{
    qemuMigrationUndecidedItem *item = data;
    virDomainObj *vm = item->vm;
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *peer = NULL;
    qemuMigrationPeerState answer;
    unsigned int delay;
    bool decided;

    virObjectLock(vm);
    if (item->gen != priv->undecidedGen || !priv->undecidedPeer)
        goto out;
    if (qemuMigrationUndecidedBusy(vm)) {
        qemuMigrationUndecidedQueue(vm, QEMU_MIGRATION_UNDECIDED_FIRST_MS);
        goto out;
    }
    if (!qemuMigrationUndecidedStill(vm)) {
        VIR_INFO("domain %s is no longer kept paused for its migration's outcome",
                 vm->def->name);
        qemuMigrationUndecidedClear(vm);
        goto out;
    }
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) < 0) {
        virErrorResetLast();
        qemuMigrationUndecidedQueue(vm, QEMU_MIGRATION_UNDECIDED_MAX_MS);
        goto out;
    }
    if (item->gen != priv->undecidedGen || !qemuMigrationUndecidedStill(vm)) {
        if (item->gen == priv->undecidedGen)
            qemuMigrationUndecidedClear(vm);
        virDomainObjEndJob(vm);
        goto out;
    }
    peer = g_strdup(priv->undecidedPeer);
    answer = qemuMigrationPeerAskAt(vm, peer, 0);
    if (item->gen != priv->undecidedGen || !qemuMigrationUndecidedStill(vm)) {
        virErrorResetLast();
        if (item->gen == priv->undecidedGen)
            qemuMigrationUndecidedClear(vm);
        virDomainObjEndJob(vm);
        goto out;
    }
    virErrorResetLast();
    decided = qemuMigrationUndecidedAct(vm, answer);
    if (decided) {
        qemuMigrationUndecidedClear(vm);
    } else {
        delay = QEMU_MIGRATION_UNDECIDED_FIRST_MS << MIN(priv->undecidedTries, 6);
        priv->undecidedTries++;
        VIR_INFO("domain %s: no decision yet (%s says %s); asking again in %u ms",
                 vm->def->name, peer, qemuMigrationPeerStateTypeToString(answer),
                 MIN(delay, QEMU_MIGRATION_UNDECIDED_MAX_MS));
        qemuMigrationUndecidedQueue(vm, MIN(delay, QEMU_MIGRATION_UNDECIDED_MAX_MS));
    }
    virDomainObjEndJob(vm);
    if (decided && !virDomainObjIsActive(vm) && !vm->persistent)
        qemuDomainRemoveInactive(vm);
 out:
    virObjectUnlock(vm);
}
