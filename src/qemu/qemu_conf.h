/*
 * qemu_conf.h: the QEMU driver's state and configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virhypervisordriver.h"
#include "virdomainobjlist.h"
#include "domain_conf.h"

typedef struct _virQEMUDriverConfig virQEMUDriverConfig;
struct _virQEMUDriverConfig {
    char *runDir;
    char *stateDir;
    char *logDir;
    char *hostName;
    unsigned char hostUUID[VIR_UUID_BUFLEN];
    char *emulator;             /* qemu_emulator */

    /* domain lifecycle (issue 4) */
    char *configDir;            /* <stateDir>/qemu: persistent configs */
    char *autostartDir;         /* <configDir>/autostart: symlinks */
    char *saveDir;              /* <configDir>/save: managed save images
                                 * (issue 16) */
    char *dumpDir;              /* <configDir>/dump: memory of crashed
                                 * guests (libvirt's auto_dump_path) */
    char *statusDir;            /* <runDir>/qemu: status XML, QMP sockets,
                                 * pid files */
    char *channelDir;           /* <statusDir>/channel: unix channels'
                                 * sockets the daemon names */
    char *domainLogDir;         /* <logDir>/qemu: one log per domain */
    char *vncListen;            /* vnc_listen, default 127.0.0.1 */
    unsigned long long jobWaitTimeoutMs; /* job_wait_timeout (s); 0: 30 s */

    /* migration (issue 5) */
    unsigned int migrationPortMin;      /* migration_port_min, 49152 */
    unsigned int migrationPortMax;      /* migration_port_max, 49215 */
    char *migrationHost;                /* migration_host: what sources
                                         * connect to; default the machine's
                                         * host name */
    char *migrationListen;              /* migration_address: incoming QEMU
                                         * listens on it, default 0.0.0.0 */
    unsigned int migrationProtocols;    /* migration_protocols: a mask of
                                         * QEMU_MIGRATION_PROTOCOL_*, the
                                         * versions advertised (issue 6) */
    char *migrateTLSx509certdir;        /* migrate_tls_x509_cert_dir:
                                         * QEMU's tls-creds-x509 files;
                                         * default <pkiDir>/qemu */
    bool migrateTLSx509verify;          /* migrate_tls_x509_verify, 1 */
    bool migrateTLSForce;               /* migrate_tls_force, 0 */
    bool migrationConverge;             /* migration_converge, 0 */
    unsigned long long migrationConvergeMaxDowntime; /* ..._max_downtime,
                                                      * ms, 2000 */
    int migrationKeepaliveInterval;     /* migration_keepalive_interval and
                                         * _count: peer-to-peer connections
                                         * to the destination (issue 13) */
    unsigned int migrationKeepaliveCount;

    /* graphics (issue 9) */
    char *spiceListen;                  /* spice_listen, default 127.0.0.1 */
    unsigned int displayPortMin;        /* remote_display_port_min, 5900 */
    unsigned int displayPortMax;        /* remote_display_port_max, 65535 */
};

/* The migration protocol versions a host may advertise. */
/* Where a privileged stock libvirtd names the sockets of unix channels
 * (its channel_target_dir): such a path in a definition is runtime data. */
#define QEMU_STOCK_CHANNEL_DIR "/var/lib/libvirt/qemu/channel/target"

#define QEMU_MIGRATION_PROTOCOL_V2 (1U << 2)
#define QEMU_MIGRATION_PROTOCOL_V3 (1U << 3)

typedef struct _virQEMUDriver virQEMUDriver;
struct _virQEMUDriver {
    GMutex lock;                /* protects the cached fields below */
    virQEMUDriverConfig *cfg;   /* immutable after start */
    struct _qemuCaps *caps;     /* the emulator's, probed at start */
    char *capsXML;              /* built on first request */
    virDomainObjList *domains;
    virDomainEventSink eventSink;
    void *eventOpaque;
    char *selfURI;              /* how peer daemons reach this one */
    virConn *(*peerOpen)(const char *uri, int timeoutMs); /* or NULL */

    /* domain lifecycle (issue 4), set up by qemuProcessDriverInit */
    virDomainObjConfig domainCfg;           /* of every domain object */
    virDomainDefParserConfig parserCfg;     /* defaults for new configs */
    struct _qemuEventLoop *eventLoop;       /* exits, events, workers */
};

/* The one driver instance of the daemon (set by stateInitialize). */
extern virQEMUDriver *qemu_driver;

/* Config keys the driver reads from the daemon's config file. */
extern const virConfKey qemuConfigKeys[];

virQEMUDriverConfig *qemuDriverConfigNew(const virDriverStateConfig *dcfg);
void qemuDriverConfigFree(virQEMUDriverConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUDriverConfig, qemuDriverConfigFree);
