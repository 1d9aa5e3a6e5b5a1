/*
 * qemu_closecallbacks.h: what happens to a domain when the client
 * connection driving something on it goes away
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A migration spans several API calls of one client; between them its
 * job is parked and only that client will call the next step.  The step
 * that parks the job binds the domain to the calling connection with a
 * callback (qemuCloseCallbacksSet); when the connection closes
 * (qemuCloseCallbacksConnClosed, from the daemon's I/O thread at the
 * moment of the disconnect) each bound callback runs once, on a driver
 * worker, with the domain locked and no job held.  The callback decides
 * by the job's phase: cancel, clean up, or leave things as they are.
 *
 * Binding to a connection that is already closed (the client left while
 * the step ran) runs the callback at once instead, so a late binding is
 * never lost nor kept for a connection that will not close again.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

/* Runs on a driver worker with @vm locked and referenced, without a job;
 * @vm may have stopped or been removed meanwhile (checked before). */
typedef void (*qemuCloseCallback)(virDomainObj *vm);

void qemuCloseCallbacksConnOpened(virConn *conn);
void qemuCloseCallbacksConnClosed(virConn *conn);
void qemuCloseCallbacksConnForget(virConn *conn);

void qemuCloseCallbacksSet(virDomainObj *vm, virConn *conn,
                           qemuCloseCallback cb);
void qemuCloseCallbacksUnset(virDomainObj *vm, qemuCloseCallback cb);
bool qemuCloseCallbacksIsSet(virDomainObj *vm, qemuCloseCallback cb);
bool qemuCloseCallbacksConnIsClosed(virConn *conn);

void qemuCloseCallbacksCleanup(void);
