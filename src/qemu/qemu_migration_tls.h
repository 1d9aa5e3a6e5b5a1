/*
 * qemu_migration_tls.h: TLS for QEMU's migration stream (VIR_MIGRATE_TLS)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With --tls both QEMUs get a tls-creds-x509 object (libvirt's alias,
 * reading migrate_tls_x509_cert_dir), and tls-creds names it: the
 * destination's as the TLS server, the source's as the client, which
 * checks the destination's certificate against tls-hostname (the
 * tls.destination parameter, else the host of the migration URI).
 */
#pragma once

#include "internal.h"
#include "qemu_migration_params.h"
#include "qemu_monitor.h"
#include "virdomainobj.h"
#include "virtypedparam.h"

#define QEMU_MIGRATION_TLS_ALIAS "objlibvirt_migrate_tls0"

/* Refuses, at every step before anything happens (from
 * qemuMigrationArgsParse), what would send QEMU's stream in plain text
 * against the user's or the host's wish: a @tlsDestination (the
 * tls.destination parameter, or NULL) without --tls, anything but --tls
 * on a host with migrate_tls_force.  (--tls with --tunnelled is a rule of
 * qemu_migration_args.c; the disks' NBD connections of a storage
 * migration take the same credentials.)  Returns 0 or -1 (reported). */
int qemuMigrationTLSCheckArgs(unsigned long long flags,
                              const char *tlsDestination);

/* With VIR_MIGRATE_TLS in @flags: adds the credentials object for
 * @party's end to @vm's QEMU and points @migParams at it; otherwise
 * makes @migParams say "no TLS" explicitly, as libvirt does.  @vm locked, the monitor @mon entered, after
 * qemuMigrationAnyPrepareParams.  Returns 0 or -1 (reported). */
int qemuMigrationAnySetupTLS(virDomainObj *vm, qemuMonitor *mon,
                             qemuMigrationParams *migParams,
                             qemuMigrationParty party,
                             unsigned long long flags);

/* Deletes the credentials object if this migration added one (failures
 * are logged).  @vm locked, the monitor @mon entered. */
void qemuMigrationAnyRemoveTLS(virDomainObj *vm, qemuMonitor *mon);
