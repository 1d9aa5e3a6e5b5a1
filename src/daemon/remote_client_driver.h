/*
 * remote_client_driver.h: a driver table that forwards every entry to
 * another daemon over RPC
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Peer-to-peer migration makes the source daemon a client of the
 * destination.  The QEMU driver reaches the destination through a virConn
 * whose driver is this table, exactly as libvirt's qemu_migration.c calls
 * dconn->driver->...; it never sees sockets or XDR.  Opening one performs
 * libvirt.so's handshake (rpc-facts 3 and 6.4), so a stock libvirtd works
 * as a destination too.
 */
#pragma once

#include "internal.h"
#include "virhypervisordriver.h"

/* Where a local URI without ?socket= connects (the FHS layout). */
#define REMOTE_CLIENT_DEFAULT_SOCKET "/run/virtmig/virtmigd-sock"
#define REMOTE_CLIENT_DEFAULT_SOCKET_RO "/run/virtmig/virtmigd-sock-ro"
/* The socket a qemu+ssh:// URI without ?socket= reaches on the remote
 * host: libvirtd's, where virtmigd listens with libvirt_drop_in = 1
 * (libvirt.so's choice for ssh, which cannot probe the remote host). */
#define REMOTE_CLIENT_SSH_DEFAULT_SOCKET "/var/run/libvirt/libvirt-sock"
#define REMOTE_CLIENT_SSH_DEFAULT_SOCKET_RO "/var/run/libvirt/libvirt-sock-ro"
/* libvirtd's plain TCP and TLS ports. */
#define REMOTE_CLIENT_DEFAULT_TCP_PORT "16509"
#define REMOTE_CLIENT_DEFAULT_TLS_PORT "16514"

/* Where qemu+tls:// without ?pkipath= finds this host's client
 * certificate (libvirt's layout under @dir: CA/cacert.pem,
 * libvirt/clientcert.pem, libvirt/private/clientkey.pem); the daemon
 * sets it once at start-up (/etc/pki, or DIR/pki with --root). */
void remoteClientSetPKIRoot(const char *dir);

virConn *remoteClientConnOpen(const char *uri, unsigned int flags);
virConn *remoteClientConnOpenBounded(const char *uri, unsigned int flags,
                                     int timeoutMs);

bool remoteClientConnIsAlive(virConn *conn);
