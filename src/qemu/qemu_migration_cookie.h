/*
 * qemu_migration_cookie.h: libvirt's <qemu-migration> migration cookie
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every v3 step hands the next one an opaque cookie; between QEMU drivers
 * it is libvirt's <qemu-migration> XML document, so ours is that same
 * document (docs/internals/migration-cookie.rst).  A cookie is built by
 * adding data (qemuMigrationCookieAdd*) and formatting with flags that say
 * which elements to emit; a received one is parsed with flags that say
 * which elements this step reads.  Who sends what:
 *
 *   Begin (src)    LOCKSTATE CAPS [NBD]   -> Prepare reads LOCKSTATE CAPS NBD
 *   Prepare (dst)  CAPS GRAPHICS [NBD]    -> Perform reads CAPS GRAPHICS NBD
 *   Perform (src)  STATS [PERSISTENT] [NBD] -> Finish reads STATS PERSISTENT
 *   Finish (dst)   STATS                  -> Confirm reads STATS
 *
 * Between two virtmigd hosts every cookie also carries <virtmig-peer
 * uri='...'/>: how the sender's daemon is reached, so that either side
 * can ask the other what became of the guest when the client is lost
 * (docs/internals/recovery.rst).  libvirt ignores the element.
 *
 * NBD (storage migration, qemu_migration_nbd.c): Begin lists the disks
 * to copy with their sizes, Prepare the port its NBD server listens on,
 * Perform the disks again (a libvirt destination stops its NBD server in
 * Finish only when Perform's cookie has <nbd>).
 *
 * The elements we do not produce (network, cpu,
 * blockDirtyBitmaps) are ignored when a peer sends them, as libvirt
 * ignores what it did not ask for; a mandatory <feature> we do not know or
 * did not ask for is refused.
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"
#include "qemu_migration_params.h"
#include "virbuffer.h"
#include "virdomainjob.h"
#include "virenum.h"

/* The largest cookie on the wire (REMOTE_MIGRATE_COOKIE_MAX). */
#define QEMU_MIGRATION_COOKIE_MAX (4 * 1024 * 1024)

/* libvirt's cookie flags, by bit number: the <feature name=''> strings.
 * 0 is a real value (bit numbers). */
typedef enum {
    QEMU_MIGRATION_COOKIE_FLAG_GRAPHICS = 0,
    QEMU_MIGRATION_COOKIE_FLAG_LOCKSTATE,
    QEMU_MIGRATION_COOKIE_FLAG_PERSISTENT,
    QEMU_MIGRATION_COOKIE_FLAG_NETWORK,
    QEMU_MIGRATION_COOKIE_FLAG_NBD,
    QEMU_MIGRATION_COOKIE_FLAG_STATS,
    QEMU_MIGRATION_COOKIE_FLAG_MEMORY_HOTPLUG,
    QEMU_MIGRATION_COOKIE_FLAG_CPU_HOTPLUG,
    QEMU_MIGRATION_COOKIE_FLAG_CPU,
    QEMU_MIGRATION_COOKIE_FLAG_ALLOW_REBOOT,
    QEMU_MIGRATION_COOKIE_FLAG_CAPS,
    QEMU_MIGRATION_COOKIE_FLAG_BLOCK_DIRTY_BITMAPS,

    QEMU_MIGRATION_COOKIE_FLAG_LAST
} qemuMigrationCookieFlag;
VIR_ENUM_DECL(qemuMigrationCookieFlag);

typedef enum {
    QEMU_MIGRATION_COOKIE_GRAPHICS = 1 << QEMU_MIGRATION_COOKIE_FLAG_GRAPHICS,
    QEMU_MIGRATION_COOKIE_LOCKSTATE = 1 << QEMU_MIGRATION_COOKIE_FLAG_LOCKSTATE,
    QEMU_MIGRATION_COOKIE_PERSISTENT = 1 << QEMU_MIGRATION_COOKIE_FLAG_PERSISTENT,
    QEMU_MIGRATION_COOKIE_NETWORK = 1 << QEMU_MIGRATION_COOKIE_FLAG_NETWORK,
    QEMU_MIGRATION_COOKIE_NBD = 1 << QEMU_MIGRATION_COOKIE_FLAG_NBD,
    QEMU_MIGRATION_COOKIE_STATS = 1 << QEMU_MIGRATION_COOKIE_FLAG_STATS,
    QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG = 1 << QEMU_MIGRATION_COOKIE_FLAG_MEMORY_HOTPLUG,
    QEMU_MIGRATION_COOKIE_CPU_HOTPLUG = 1 << QEMU_MIGRATION_COOKIE_FLAG_CPU_HOTPLUG,
    QEMU_MIGRATION_COOKIE_CPU = 1 << QEMU_MIGRATION_COOKIE_FLAG_CPU,
    QEMU_MIGRATION_COOKIE_CAPS = 1 << QEMU_MIGRATION_COOKIE_FLAG_CAPS,
    QEMU_MIGRATION_COOKIE_BLOCK_DIRTY_BITMAPS =
        1 << QEMU_MIGRATION_COOKIE_FLAG_BLOCK_DIRTY_BITMAPS,
} qemuMigrationCookieFeatures;

/* The flags this implementation formats and parses; the others are
 * ignored by both. */
#define QEMU_MIGRATION_COOKIE_SUPPORTED \
    (QEMU_MIGRATION_COOKIE_GRAPHICS | \
     QEMU_MIGRATION_COOKIE_LOCKSTATE | QEMU_MIGRATION_COOKIE_PERSISTENT | \
     QEMU_MIGRATION_COOKIE_STATS | QEMU_MIGRATION_COOKIE_CAPS | \
     QEMU_MIGRATION_COOKIE_NBD | \
     QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG | QEMU_MIGRATION_COOKIE_CPU_HOTPLUG)

/* This host as cookies name it, and how to read a <domain> on it.  All
 * borrowed; they must outlive the calls they are passed to. */
typedef struct _qemuMigrationCookieHost qemuMigrationCookieHost;
struct _qemuMigrationCookieHost {
    const char *hostname;
    const unsigned char *hostuuid;                  /* VIR_UUID_BUFLEN */
    const virDomainDefParserConfig *parserConfig;   /* may be NULL */
};

/* The migration capabilities of one side's QEMU, as
 * QEMU_MIGRATION_CAP_BIT()s: what it supports, and which of those that
 * side turns on by itself (auto='yes'). */
typedef struct _qemuMigrationCookieCaps qemuMigrationCookieCaps;
struct _qemuMigrationCookieCaps {
    unsigned long long supported;
    unsigned long long automatic;
};

typedef struct _qemuMigrationCookie qemuMigrationCookie;
/* <graphics>: where the destination's SPICE display listens, for the
 * source to tell its clients (libvirt sends it for SPICE only). */
typedef struct _qemuMigrationCookieGraphics qemuMigrationCookieGraphics;
struct _qemuMigrationCookieGraphics {
    int type;                       /* virDomainGraphicsType */
    int port;
    int tlsPort;                    /* -1: no TLS */
    char *listen;
    char *tlsSubject;               /* NULL: none */
};

/* <nbd port=''> with a <disk target='' capacity=''/> per disk to copy:
 * the source's disks and their sizes (Begin), the port of the
 * destination's NBD server (Prepare; 0: not told). */
typedef struct _qemuMigrationCookieNBDDisk qemuMigrationCookieNBDDisk;
struct _qemuMigrationCookieNBDDisk {
    char *target;
    unsigned long long capacity;    /* bytes */
};

typedef struct _qemuMigrationCookieNBD qemuMigrationCookieNBD;
struct _qemuMigrationCookieNBD {
    int port;
    GPtrArray *disks;               /* of qemuMigrationCookieNBDDisk */
};

qemuMigrationCookieNBD *qemuMigrationCookieNBDNew(int port);
void qemuMigrationCookieNBDAddDisk(qemuMigrationCookieNBD *nbd,
                                   const char *target,
                                   unsigned long long capacity);
const qemuMigrationCookieNBDDisk *
qemuMigrationCookieNBDFindDisk(const qemuMigrationCookieNBD *nbd,
                               const char *target);
void qemuMigrationCookieNBDFree(qemuMigrationCookieNBD *nbd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationCookieNBD,
                              qemuMigrationCookieNBDFree);

struct _qemuMigrationCookie {
    /* the local host and the domain (set by New, formatted) */
    unsigned char localHostuuid[VIR_UUID_BUFLEN];
    char *localHostname;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *name;                     /* the source's name of the domain */

    /* the sender of a parsed cookie */
    unsigned char remoteHostuuid[VIR_UUID_BUFLEN];
    char *remoteHostname;
    unsigned int parsedFlags;       /* elements and features it carried */

    /* LOCKSTATE: leases of a lock manager (none in virtmig: NULL) */
    char *lockDriver;
    char *lockState;
    /* PERSISTENT: the definition to keep on the destination */
    virDomainDef *persistent;
    /* STATS: the completed migration job's statistics */
    virDomainJobData *jobData;
    /* CAPS */
    qemuMigrationCookieCaps *caps;
    /* NBD (not a mandatory feature, as in libvirt) */
    qemuMigrationCookieNBD *nbd;
    /* GRAPHICS (not a mandatory feature, as in libvirt) */
    qemuMigrationCookieGraphics *graphics;
    /* <virtmig-peer>: the sender's daemon URI (any step; NULL: none, a
     * stock libvirt peer) */
    char *peerURI;
};

qemuMigrationCookie *qemuMigrationCookieNew(const qemuMigrationCookieHost *host,
                                            const virDomainDef *def,
                                            const char *origname);
void qemuMigrationCookieFree(qemuMigrationCookie *mig);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationCookie, qemuMigrationCookieFree);

void qemuMigrationCookieAddPersistent(qemuMigrationCookie *mig,
                                      virDomainDef **def);
virDomainDef *qemuMigrationCookieGetPersistent(qemuMigrationCookie *mig);
void qemuMigrationCookieAddStatistics(qemuMigrationCookie *mig,
                                      const virDomainJobData *completed);
virDomainJobData *qemuMigrationCookieGetStatistics(qemuMigrationCookie *mig);
void qemuMigrationCookieAddPeer(qemuMigrationCookie *mig, const char *uri);
void qemuMigrationCookieAddGraphics(qemuMigrationCookie *mig,
                                    const virDomainDef *def,
                                    const char *defaultListen);
void qemuMigrationCookieAddNBD(qemuMigrationCookie *mig,
                               qemuMigrationCookieNBD **nbd);
qemuMigrationCookieNBD *qemuMigrationCookieGetNBD(qemuMigrationCookie *mig);
void qemuMigrationCookieAddCaps(qemuMigrationCookie *mig,
                                unsigned long long supportedCaps,
                                qemuMigrationParty party);

int qemuMigrationCookieXMLFormat(const qemuMigrationCookie *mig,
                                 virBuffer *buf, unsigned int flags);
int qemuMigrationCookieFormat(const qemuMigrationCookie *mig,
                              unsigned int flags,
                              char **cookieout, int *cookieoutlen);
qemuMigrationCookie *qemuMigrationCookieParse(const qemuMigrationCookieHost *host,
                                              const virDomainDef *def,
                                              const char *origname,
                                              const char *cookiein,
                                              int cookieinlen,
                                              unsigned int flags);
