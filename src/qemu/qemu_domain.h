/*
 * qemu_domain.h: the QEMU driver's per-domain private data
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only what the job and migration code needs so far; the monitor, process
 * and migration code add their fields here.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

/* The QMP monitor (qemu_monitor.h); it embeds virObjectLockable first. */
typedef struct _qemuMonitor qemuMonitor;

/* Run (newest first) when QEMU stops; see qemuDomainCleanupAdd. */
typedef void (*qemuDomainCleanupCallback)(virDomainObj *vm);

typedef struct _qemuDomainObjPrivate qemuDomainObjPrivate;
struct _qemuDomainObjPrivate {
    qemuMonitor *mon;           /* NULL unless QEMU runs; holds a reference */
    qemuMonitor *monEntered;    /* the monitor the job holder entered */
    char *monPath;              /* QMP socket, recorded in the status XML */
    long long monStart;         /* ms (monotonic) the current monitor call
                                 * started at, 0 when none */
    bool beingDestroyed;        /* destroy in progress: waits in jobs fail */
    virDomainState preMigrationState; /* restored if migration fails */
    unsigned short migrationPort;     /* incoming migration (destination) */
    struct _qemuMigrationNBD *nbd;    /* storage migration, either side
                                       * (qemu_migration_nbd.c) */
    char *origname;             /* the source's name of a renamed domain */
    bool migrationOrphaned;     /* v2 incoming migration whose client
                                 * left before Finish2: its stream's end
                                 * decides (destination) */
    char *migrationPeer;        /* the other side's daemon URI, from its
                                 * cookie (NULL: unknown, a stock peer);
                                 * kept in the status XML for recovery */
    int migrationProtocol;      /* 2 or 3 while a migration runs, else 0 */
    /* a copy kept paused because what became of its migration is unknown
     * (qemu_migration_undecided.c); in the status XML as <undecided> */
    char *undecidedPeer;        /* the peer daemon to ask again, or NULL */
    bool undecidedSource;       /* this host was the migration's source */
    virDomainState undecidedPreState;  /* the state before the migration */
    unsigned int undecidedTries;       /* questions without an answer */
    unsigned int undecidedGen;  /* bumped at each start: a question still
                                 * queued for an earlier one is dropped */
    GArray *cleanupCallbacks;   /* of qemuDomainCleanupCallback */

    /* the QEMU process (qemu_process.c), issue 4 */
    int pidfd;                  /* -1 unless QEMU runs */
    unsigned int procGen;       /* bumped at every start and stop, so a
                                 * late exit notice of an earlier QEMU is
                                 * recognised and ignored */
    GSource *exitWatch;         /* pidfd watch in the driver's loop */
    char *pidfile;
    int incomingFD; /* -1, or a descriptor the next QEMU gets
                                 * at exec under the same number (restore:
                                 * the save image; qemu_save.c) */
    virDomainPausedReason pausedReason;   /* for the next STOP event */
    virDomainRunningReason runningReason; /* for the next RESUME event */
    bool fakeReboot;            /* ACPI reboot: reset at guest power-off */
    bool pausedShutdown;        /* stopped by a guest power-off that a
                                 * fake reboot will undo */
    const void *autoDestroyConn; /* VIR_DOMAIN_START_AUTODESTROY: destroyed
                                  * when this connection closes */
    bool monGone;               /* the monitor hit EOF or an error: every
                                 * event QEMU sent has been handled */

    /* migration (qemu_migration*.c) */
    unsigned long long migrationCaps;   /* what this QEMU supports */
    struct _qemuMigrationParams *migrationOrigParams; /* restored after */
    bool migrationTLS;          /* our tls-creds-x509 object is in QEMU */
    unsigned long long migMaxBandwidth; /* MiB/s: migrate-setspeed, the
                                         * max-bandwidth of every outgoing
                                         * migration (default unlimited) */
    virDomainJobData *migrationStatsIn; /* the source's statistics from
                                         * Finish's cookie, until the
                                         * incoming job completes */

    /* taps, agent (qemu_process_periph.c), issue 9 */
    struct _qemuProcessPeriph *periph;

    /* console sessions (qemu_driver_console.c), issue 16: serial alias
     * -> the held virStream of its session */
    GHashTable *consoles;

    /* device unplug (qemu_hotplug.c): the alias a detach waits for, and
     * what QEMU said of it */
    char *unplugAlias;
    bool unplugDeleted;
    bool unplugRejected; /* DEVICE_UNPLUG_GUEST_ERROR for it */

    /* memory dumps (qemu_dump.c) */
    bool dumpCompleted; /* DUMP_COMPLETED of the dump under way */
    char *dumpError;    /* its error, NULL if it succeeded */
};

#define QEMU_DOMAIN_PRIVATE(vm) ((qemuDomainObjPrivate *)(vm)->privateData)

void *qemuDomainObjPrivateAlloc(void *opaque);
void qemuDomainObjPrivateFree(void *data);
int qemuDomainObjPrivateXMLFormat(virBuffer *buf, virDomainObj *vm);
int qemuDomainObjPrivateXMLParse(xmlXPathContext *ctxt, virDomainObj *vm);
void qemuDomainObjConfigInit(virDomainObjConfig *cfg, const char *statusDir);

void qemuDomainCleanupAdd(virDomainObj *vm, qemuDomainCleanupCallback cb);
void qemuDomainCleanupRemove(virDomainObj *vm, qemuDomainCleanupCallback cb);
void qemuDomainCleanupRun(virDomainObj *vm);

bool qemuDomainObjIsFailedPostcopy(virDomainObj *vm);
bool qemuDomainObjIsPostcopy(virDomainObj *vm);

/* The domain store (qemu_domain.c): the persistent config files, the
 * lookups the entry points share, parsing a new definition, removal. */
virDomainObj *qemuDomainObjFromIdent(const virDomainIdent *dom);
virDomainObj *qemuDomainObjFindQuiet(const unsigned char *uuid);
virDomainDef *qemuDomainDefParseConfig(const char *xml, bool validateSchema);
void qemuDomainRemoveInactive(virDomainObj *vm);

int qemuDomainConfigSave(const virDomainDef *def);
int qemuDomainConfigDelete(virDomainObj *vm);
int qemuDomainAutostartSet(virDomainObj *vm, bool autostart);

/* The domain's log (<logDir>/qemu/<name>.log), where QEMU writes too. */
char *qemuDomainLogPath(const char *name);
void qemuDomainLogAppend(virDomainObj *vm, const char *text);
void qemuDomainObjTaint(virDomainObj *vm, virDomainTaint taint);
