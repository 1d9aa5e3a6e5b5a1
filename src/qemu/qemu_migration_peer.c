/*
 * qemu_migration_peer.c: asking the other side's daemon what became of
 * a migrated guest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The question is made of calls every libvirt daemon answers (lookup by
 * UUID, domain state), over a connection of our own, never the client's:
 * the client is what was lost.  The answer is read conservatively: only
 * "no such domain" or "shut off" means the peer has no copy; anything
 * else that exists is a copy; no answer is UNKNOWN.
 */
#include <config.h>

#include "qemu_migration_peer.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "qemu_domainjob.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_peer");

static const char *const qemuMigrationPeerStateTable[] = {
    [QEMU_MIGRATION_PEER_UNKNOWN] = "unknown",
    [QEMU_MIGRATION_PEER_ABSENT] = "absent",
    [QEMU_MIGRATION_PEER_PENDING] = "pending",
    [QEMU_MIGRATION_PEER_HAS] = "has",
    [QEMU_MIGRATION_PEER_RUNS] = "runs",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationPeerState, qemuMigrationPeerStateTable,
                    QEMU_MIGRATION_PEER_LAST);


/* What a domain state on the peer says about its copy. */
static qemuMigrationPeerState
qemuMigrationPeerFromState(int state, int reason)
{
    switch ((virDomainState) state) {
    case VIR_DOMAIN_SHUTOFF:
        return QEMU_MIGRATION_PEER_ABSENT;
    case VIR_DOMAIN_RUNNING:
        return QEMU_MIGRATION_PEER_RUNS;
    case VIR_DOMAIN_PAUSED:
        if (reason == VIR_DOMAIN_PAUSED_MIGRATION)
            return QEMU_MIGRATION_PEER_PENDING;
        return QEMU_MIGRATION_PEER_HAS;
    case VIR_DOMAIN_NOSTATE:
    case VIR_DOMAIN_BLOCKED:
    case VIR_DOMAIN_SHUTDOWN:
    case VIR_DOMAIN_CRASHED:
    case VIR_DOMAIN_PMSUSPENDED:
    default:
        return QEMU_MIGRATION_PEER_HAS;
    }
}


/* One question on @conn about the domain with @uuid. */
static qemuMigrationPeerState
qemuMigrationPeerQuery(virConn *conn, const unsigned char *uuid)
{
    g_autoptr(virDomainIdent) dom = NULL;
    int state = 0;
    int reason = 0;

    if (!(dom = conn->driver->domainLookupByUUID(conn, uuid))) {
        if (virErrorGetLastCode() == VIR_ERR_NO_DOMAIN)
            return QEMU_MIGRATION_PEER_ABSENT;
        return QEMU_MIGRATION_PEER_UNKNOWN;
    }
    if (conn->driver->domainGetState(conn, dom, &state, &reason, 0) < 0) {
        if (virErrorGetLastCode() == VIR_ERR_NO_DOMAIN)
            return QEMU_MIGRATION_PEER_ABSENT;
        return QEMU_MIGRATION_PEER_UNKNOWN;
    }
    return qemuMigrationPeerFromState(state, reason);
}


/* Asks @uri until the answer is not PENDING or @deadline (monotonic ms)
 * passes.  Runs without any domain lock. */
static qemuMigrationPeerState
qemuMigrationPeerAskURI(const char *uri, const unsigned char *uuid,
                        long long deadline)
{
    qemuMigrationPeerState answer = QEMU_MIGRATION_PEER_UNKNOWN;
    virConn *conn;

    if (!qemu_driver->peerOpen) {
        virReportError(VIR_ERR_NO_SUPPORT, "%s",
                       _("this daemon cannot connect to a peer daemon"));
        return QEMU_MIGRATION_PEER_UNKNOWN;
    }
    if (!(conn = qemu_driver->peerOpen(uri, QEMU_MIGRATION_PEER_CALL_TIMEOUT_MS)))
        return QEMU_MIGRATION_PEER_UNKNOWN;
    for (;;) {
        answer = qemuMigrationPeerQuery(conn, uuid);
        if (answer != QEMU_MIGRATION_PEER_PENDING ||
            virTimeMonotonicMs() >= deadline)
            break;
        g_usleep(200 * 1000);
    }
    if (conn->driver->connectClose(conn) < 0)
        virErrorResetLast();
    return answer;
}


/**
 * qemuMigrationPeerAskAt:
 * Asks the daemon at @uri what it holds of @vm's guest (by UUID), asking
 * again while the answer is PENDING for up to @pendingWaitMs.  @vm
 * locked, the caller holding a job; the lock is dropped during the
 * calls.  Returns the answer; UNKNOWN when there is no reply, with the
 * error kept as the last error.  A PENDING answer past the wait is
 * returned as PENDING.
 */
qemuMigrationPeerState
qemuMigrationPeerAskAt(virDomainObj *vm, const char *peer,
                       long long pendingWaitMs)
{
    g_autofree char *uri = g_strdup(peer);
    unsigned char uuid[VIR_UUID_BUFLEN];
    qemuMigrationPeerState answer;

    memcpy(uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    VIR_INFO("asking %s what became of domain %s", uri, vm->def->name);
    qemuDomainObjEnterRemote(vm);
    answer = qemuMigrationPeerAskURI(uri, uuid,
                                     virTimeMonotonicMs() + pendingWaitMs);
    ignore_value(qemuDomainObjExitRemote(vm, false));
    VIR_INFO("the peer %s of domain %s answers: %s", uri, vm->def->name,
             qemuMigrationPeerStateTypeToString(answer));
    return answer;
}


/**
 * qemuMigrationPeerAsk:
 * qemuMigrationPeerAskAt the daemon of the other side of @vm's migration
 * (priv->migrationPeer, from its cookie), the caller holding its
 * migration job.  With no peer URI (a stock libvirt peer), UNKNOWN with
 * an error reported.
 */
qemuMigrationPeerState
qemuMigrationPeerAsk(virDomainObj *vm, long long pendingWaitMs)
{
    qemuDomainObjPrivate *priv = vm->privateData;

    if (!priv->migrationPeer) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("the peer of this migration did not say how to reach it (not a virtmigd host)"));
        return QEMU_MIGRATION_PEER_UNKNOWN;
    }
    return qemuMigrationPeerAskAt(vm, priv->migrationPeer, pendingWaitMs);
}


/* One state question to @uri about the domain with @uuid; -1 without an
 * answer.  Runs without any domain lock. */
static int
qemuMigrationPeerStateURI(const char *uri, const unsigned char *uuid,
                          int *state, int *reason)
{
    g_autoptr(virDomainIdent) dom = NULL;
    virConn *conn;
    int rc = -1;

    if (!qemu_driver->peerOpen ||
        !(conn = qemu_driver->peerOpen(uri, QEMU_MIGRATION_PEER_CALL_TIMEOUT_MS)))
        return -1;
    if ((dom = conn->driver->domainLookupByUUID(conn, uuid)))
        rc = conn->driver->domainGetState(conn, dom, state, reason, 0);
    if (conn->driver->connectClose(conn) < 0)
        virErrorResetLast();
    return rc;
}


/**
 * qemuMigrationPeerPostcopyFailed:
 * True if the peer of @vm's post-copy migration reports its copy paused
 * with reason post-copy failed: its QEMU gave the migration channel up,
 * so this side's end of it is dead even if no error reached it (a link
 * cut while nothing was in flight from here).  Any other answer, or none,
 * is false.  @vm locked, the caller holding its migration job; the lock
 * is dropped during the calls.
 */
bool
qemuMigrationPeerPostcopyFailed(virDomainObj *vm)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    g_autofree char *uri = g_strdup(priv->migrationPeer);
    unsigned char uuid[VIR_UUID_BUFLEN];
    int state = 0;
    int reason = 0;
    int rc;

    if (!uri)
        return false;
    memcpy(uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    qemuDomainObjEnterRemote(vm);
    rc = qemuMigrationPeerStateURI(uri, uuid, &state, &reason);
    ignore_value(qemuDomainObjExitRemote(vm, false));
    if (rc < 0) {
        VIR_DEBUG("no state of domain %s from %s: %s", vm->def->name, uri,
                  NULLSTR(virErrorGetLastMessage()));
        virErrorResetLast();
        return false;
    }
    return state == VIR_DOMAIN_PAUSED &&
           reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED;
}
