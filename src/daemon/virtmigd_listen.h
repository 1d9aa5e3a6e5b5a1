/*
 * virtmigd_listen.h: the daemon's listening sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "remote_daemon.h"

/* Sockets systemd passed (socket activation), -1 when none. */
typedef struct {
    int rw;
    int ro;
    virNetTLSContext *tls;  /* listen_tls: the checked credentials */
} virtmigdListeners;

/* Takes the sockets systemd passed to this process (LISTEN_PID,
 * LISTEN_FDS), matching them to the configured paths; call it before any
 * thread starts.  Returns 0 or -1 (a socket nobody configured). */
int virtmigdListenInherit(const virtmigdConfig *cfg, virtmigdListeners *lst);

/* listen_tls: the pre-flight check of the server's certificate files,
 * at start-up, before anything else happens.  Returns 0 or -1 with an
 * error naming the file and what is wrong with it. */
int virtmigdListenPrepareTLS(const virtmigdConfig *cfg, virtmigdListeners *lst);
/* Frees what the listeners still hold (sockets not handed over). */
void virtmigdListenersClear(virtmigdListeners *lst);

/* libvirt_drop_in: fails, changing nothing, when a libvirtd or virtqemud
 * serves libvirt's standard sockets.  Returns 0 or -1. */
int virtmigdListenCheckDropIn(const virtmigdConfig *cfg);

/* Starts every listener; the read-write socket last.  Returns 0 or -1. */
int virtmigdListen(virtmigdDaemon *daemon, virtmigdListeners *lst);

/* Tells systemd (Type=notify, $NOTIFY_SOCKET) that the daemon serves. */
void virtmigdNotifyReady(void);
