/*
 * qemu_migration_uri.h: the migration URI a destination hands out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

/* A parsed migration URI.  Both spellings libvirt uses mean the same:
 * "tcp:HOST:PORT" (what Prepare returns, for old peers) and the well-formed
 * "tcp://HOST:PORT" (what a client may give with --migrateuri, and what
 * stock libvirt returns when the client's URI lacked the port).  An IPv6
 * address is bracketed in either; @host holds it without brackets. */
typedef struct {
    char *scheme;
    char *host;
    unsigned int port;      /* 0: none given */
    bool wellFormed;        /* spelt SCHEME://... */
} qemuMigrationURI;

void qemuMigrationURIFree(qemuMigrationURI *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationURI, qemuMigrationURIFree);

qemuMigrationURI *qemuMigrationAnyParseURI(const char *uri);
char *qemuMigrationSrcQEMUURI(const char *uri);
qemuMigrationURI *qemuMigrationDstParseURI(const char *uri);
char *qemuMigrationDstURIWithPort(const qemuMigrationURI *uri,
                                  unsigned int port);
