/*
 * qemu_migration_nbd.h: storage migration over NBD, and the check that a
 * migration without it is safe
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See qemu_migration_nbd.c and docs/internals/migration.rst ("Storage
 * migration").
 */
#pragma once

#include "internal.h"
#include "qemu_migration_args.h"
#include "qemu_migration_cookie.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

/* What one storage migration holds on either side (priv->nbd). */
typedef struct _qemuMigrationNBD qemuMigrationNBD;
struct _qemuMigrationNBD {
    /* destination */
    qemuMigrationCookieNBD *cookie; /* the source's disks and sizes */
    unsigned int port;          /* the NBD server's TCP port */
    bool portFromRange;         /* ... taken from the migration range */
    bool serverStarted;
    GPtrArray *created;         /* paths of the images Prepare created
                                 * (status XML: <nbd><created/>) */
    /* source */
    unsigned int remotePort;    /* the destination's, from its cookie */
    GPtrArray *mirrors;         /* disk targets mirrored (char *) */
};
/* A new, empty @nbd; caller owns it.  Inline, as the free below: the
 * domain's private data (status XML) makes and frees it without
 * depending on the migration code. */
static inline qemuMigrationNBD *
qemuMigrationNBDNew(void)
{
    qemuMigrationNBD *nbd = g_new0(qemuMigrationNBD, 1);

    nbd->created = g_ptr_array_new_with_free_func(g_free);
    nbd->mirrors = g_ptr_array_new_with_free_func(g_free);
    return nbd;
}
/* Frees @nbd (NULL is fine). */
static inline void
qemuMigrationNBDFree(qemuMigrationNBD *nbd)
{
    if (!nbd)
        return;
    qemuMigrationCookieNBDFree(nbd->cookie);
    g_ptr_array_unref(nbd->created);
    g_ptr_array_unref(nbd->mirrors);
    g_free(nbd);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationNBD, qemuMigrationNBDFree);
qemuMigrationNBD *qemuMigrationNBDGet(virDomainObj *vm);

/* A --disks-uri: tcp://HOST[:PORT] or unix:///PATH. */
typedef struct _qemuMigrationNBDURI qemuMigrationNBDURI;
struct _qemuMigrationNBDURI {
    char *host;
    unsigned int port;          /* 0: none given */
    char *socketPath;           /* unix: the socket, else NULL */
};
void qemuMigrationNBDURIFree(qemuMigrationNBDURI *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationNBDURI, qemuMigrationNBDURIFree);
qemuMigrationNBDURI *qemuMigrationNBDParseURI(const char *uri);

bool qemuMigrationNBDCopyDisk(const virDomainDiskDef *disk,
                              const qemuMigrationArgs *args);
bool qemuMigrationNBDCopyAny(const virDomainDef *def,
                             const qemuMigrationArgs *args);
char *qemuMigrationNBDExportName(const virDomainDiskDef *disk);

/* Whether @flags ask for a storage copy (--copy-storage-all/-inc). */
#define QEMU_MIGRATION_NBD_FLAGS \
    (VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC)

/* Source; @vm locked, holding its MIGRATION_OUT job. */
int qemuMigrationSrcNBDBegin(virDomainObj *vm, const qemuMigrationArgs *args);
int qemuMigrationSrcNBDCookieDisks(virDomainObj *vm,
                                   const qemuMigrationArgs *args,
                                   qemuMigrationCookieNBD **ret);
void qemuMigrationSrcNBDCookieEat(virDomainObj *vm,
                                  qemuMigrationCookieNBD *nbd);
int qemuMigrationSrcNBDCopy(virDomainObj *vm, const qemuMigrationArgs *args,
                            const char *uri);
int qemuMigrationSrcNBDComplete(virDomainObj *vm);
void qemuMigrationSrcNBDCancel(virDomainObj *vm);
/* Source, recovery: @vm locked, holding a MODIFY job. */
void qemuMigrationSrcNBDRecover(virDomainObj *vm);

/* Destination; @vm locked, holding its MIGRATION_IN job. */
void qemuMigrationDstNBDInit(virDomainObj *vm, const qemuMigrationArgs *args,
                             qemuMigrationCookieNBD **cookieNBD);
int qemuMigrationDstNBDPrecreate(virDomainObj *vm, const qemuMigrationArgs *args);
int qemuMigrationDstNBDStart(virDomainObj *vm, const qemuMigrationArgs *args);
qemuMigrationCookieNBD *qemuMigrationDstNBDCookie(virDomainObj *vm);
int qemuMigrationDstNBDStop(virDomainObj *vm);
void qemuMigrationDstNBDDiscard(virDomainObj *vm);
void qemuMigrationDstNBDKeep(virDomainObj *vm);
