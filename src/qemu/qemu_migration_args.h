/*
 * qemu_migration_args.h: the arguments of one migration step, parsed once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every step enters the QEMU driver with the wire bag virMigrateArgs
 * (flags, typed parameters, cookies).  qemuMigrationArgsParse turns it,
 * at the driver's entry point and nowhere else, into qemuMigrationArgs:
 * the flags checked against one rule table, the typed parameters checked
 * against the spec table and read into fields, the QEMU migration
 * parameters of the step's side built.  Nothing below the entry points
 * reads the typed parameters again (docs/internals/migration-params.rst).
 */
#pragma once

#include "internal.h"
#include "qemu_migration_params.h"
#include "virhypervisordriver.h"

/* The protocol a step runs in: the driver entry it came through.  NONE
 * for a peer-to-peer Perform, whose protocol the probe of the
 * destination decides later (its local steps are parsed again then). */
typedef enum {
    QEMU_MIGRATION_ARGS_PROTOCOL_LATER = 0,
    QEMU_MIGRATION_ARGS_PROTOCOL_V2 = 2,
    QEMU_MIGRATION_ARGS_PROTOCOL_V3 = 3,
} qemuMigrationArgsProtocol;

typedef struct _qemuMigrationArgs qemuMigrationArgs;
struct _qemuMigrationArgs {
    qemuMigrationStep step;
    int protocol;                   /* 2, 3, or 0 (qemuMigrationArgsProtocol) */
    unsigned long long flags;       /* VIR_MIGRATE_*, checked */
    virConn *conn;                  /* the client's connection (what the
                                     * close callbacks watch), or NULL */

    /* From the wire bag, borrowed: it outlives the step. */
    const char *cookiein;
    int cookieinlen;
    char **cookieout;               /* NULL: the caller takes no cookie */
    int *cookieoutlen;
    const char *dconnuri;           /* peer-to-peer: destination URI */
    int cancelled;                  /* Finish and Confirm */
    virConn *dconn;                 /* peer-to-peer: the connection to the
                                     * destination, or NULL */
    virStream *stream;              /* tunnelled: the data's stream */

    /* The typed parameters (VIR_MIGRATE_PARAM_*), read once; strings are
     * borrowed from the wire bag, NULL when not given. */
    const char *uri;                /* migrate_uri */
    const char *destName;           /* destination_name */
    const char *destXML;            /* destination_xml */
    const char *persistXML;         /* persistent_xml */
    const char *graphicsURI;        /* graphics_uri */
    const char *listenAddress;      /* listen_address */
    const char *disksURI;           /* disks_uri */
    const char *tlsDestination;     /* tls.destination */
    unsigned long long bandwidth;   /* MiB/s; 0: not given */
    int disksPort;                  /* 0: not given */
    const char **migrateDisks;      /* migrate_disks, NULL-terminated
                                     * (owned array, borrowed strings);
                                     * empty when none given */
    int converge;                   /* virtmig.converge: 0, 1, -1 unset */

    /* The QEMU parameters of this step's side (Prepare: destination,
     * Perform: source), or NULL for the other steps.  Owned; a step
     * that applies them steals them. */
    qemuMigrationParams *migParams;

    /* The typed parameters as the client sent them (validated), only to
     * be forwarded to the destination by a peer-to-peer source: never
     * read them here, read the fields above. */
    const virTypedParameter *params;
    int nparams;
};

int qemuMigrationArgsParse(qemuMigrationStep step, int protocol,
                           virConn *conn, const virMigrateArgs *in,
                           qemuMigrationArgs *out);
void qemuMigrationArgsClear(qemuMigrationArgs *args);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuMigrationArgs, qemuMigrationArgsClear);

int qemuMigrationArgsCheckFlags(qemuMigrationStep step, int protocol,
                                unsigned long long flags);
char *qemuMigrationArgsFlagNames(unsigned long long flags);
