/*
 * remote_daemon.h: state shared by the daemon's parts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gmodule.h>

#include "internal.h"
#include "virhypervisordriver.h"
#include "virnetserver.h"
#include "virtmigd_config.h"

typedef struct _virtmigdDaemon virtmigdDaemon;
struct _virtmigdDaemon {
    virtmigdConfig *cfg;
    const virHypervisorDriver *driver;
    GModule *module;
    virNetServer *srv;
    virNetServerProgram *remoteProgram;
    virNetServerProgram *qemuProgram;
    virNetServerProgram *lxcProgram;
};

/* The one daemon of this process (set by main, read by the handlers). */
extern virtmigdDaemon *remoteDaemon;

/* A domain event registration of one client. */
typedef struct {
    int callbackID;
    int eventID;
    bool legacy;            /* registered through 105/167: legacy messages */
    bool hasDom;            /* filtered to one domain */
    unsigned char uuid[VIR_UUID_BUFLEN];
    /* QEMU_MONITOR: the events it wants, by name (NULL: all) or matching
     * @regex; @nocase compares names without case */
    char *qemuEvent;
    GRegex *regex;
    bool nocase;
} remoteEventCallback;

/* Registers @client for libvirt-qemu's monitor events (the QEMU program's
 * calls); the callback ID or -1 (reported). */
int remoteEventAddQemu(virNetServerClient *client, const unsigned char *uuid,
                       const char *event, unsigned int flags);
int remoteEventRemoveQemu(virNetServerClient *client, int callbackID);

/* What the daemon keeps for each client connection. */
typedef struct _remoteClientPrivate remoteClientPrivate;
struct _remoteClientPrivate {
    GMutex lock;            /* protects everything below */
    virConn *conn;          /* NULL until CONNECT_OPEN */
    GPtrArray *callbacks;   /* of remoteEventCallback* */
    int nextCallbackID;
    bool closeCallback;
};

/* The message telling registration @cb about @event (caller owns it),
 * or NULL (none for this registration, or not encodable: logged). */
virNetMessage *remoteEventEncode(const virDomainEvent *event,
                                 const remoteEventCallback *cb);

/* Client init hook for the server: attaches a remoteClientPrivate. */
void remoteClientInit(virNetServerClient *client, void *opaque);
remoteClientPrivate *remoteClientGetPrivate(virNetServerClient *client);

/* The procedure table of the remote program. */
const virNetServerProgramProc *remoteGetProcs(size_t *nprocs);
/* The procedure table of libvirt's QEMU program (the agent command). */
const virNetServerProgramProc *remoteGetQemuProcs(size_t *nprocs);

/* The driver's event sink: routes @event to registered clients. */
void remoteDispatchDomainEvent(const virDomainEvent *event, void *opaque);

/* Loads the QEMU driver module (build tree first when run from it). */
int remoteDriverLoad(virtmigdDaemon *daemon);
