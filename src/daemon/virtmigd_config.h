/*
 * virtmigd_config.h: the daemon's paths and configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virconf.h"
#include "virnetserver.h"
#include "virnettlscontext.h"

typedef struct _virtmigdConfig virtmigdConfig;
struct _virtmigdConfig {
    /* paths */
    char *root;             /* --root DIR, or NULL for the FHS layout */
    char *configFile;
    bool configExplicit;    /* --config: a missing file is an error */
    char *runDir;
    char *stateDir;
    char *logDir;
    char *sockPath;
    char *sockPathRO;
    char *pidFile;
    char *pkiDir;           /* /etc/pki, or DIR/pki with --root */

    /* host identity */
    char *hostName;
    unsigned char hostUUID[VIR_UUID_BUFLEN];

    /* listeners and limits */
    char *listenTCP;        /* HOST:PORT or NULL */
    bool listenTCPAllowRemote;
    bool libvirtDropIn;     /* also serve libvirt's standard sockets */
    bool listenTLS;         /* serve qemu+tls:// on listenAddr:tlsPort */
    char *listenAddr;
    char *tlsPort;
    virNetTLSConfig tls;    /* the server's credentials */
    virNetServerConfig srv;
    unsigned int shutdownTimeout;   /* s a SIGTERM may take; 0: no bound */

    /* logging */
    int logLevel;
    char *logFilters;
    char *logOutputs;

    virConf *conf;          /* the parsed file, for the driver's keys */
};

/* libvirt's standard sockets, which qemu:///system reaches by default. */
#define VIRTMIGD_LIBVIRT_SOCK "/run/libvirt/libvirt-sock"
#define VIRTMIGD_LIBVIRT_SOCK_RO "/run/libvirt/libvirt-sock-ro"
/* A modular libvirt's QEMU daemon: clients prefer it when it exists. */
#define VIRTMIGD_VIRTQEMUD_SOCK "/run/libvirt/virtqemud-sock"

/* The daemon's own keys (the driver adds its own). */
extern const virConfKey virtmigdConfigKeys[];

/* Paths for @root (NULL: FHS) and @configFile (NULL: the default one). */
virtmigdConfig *virtmigdConfigNew(const char *root, const char *configFile);
void virtmigdConfigFree(virtmigdConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtmigdConfig, virtmigdConfigFree);

/* Reads the config file (a missing default file is fine), refusing keys
 * that neither the daemon nor @driverKeys know.  Returns 0 or -1. */
int virtmigdConfigLoad(virtmigdConfig *cfg, const virConfKey *driverKeys);

/* The commented sample virtmigd.conf, and the roff list of keys of
 * virtmigd.conf(5), generated from the daemon's and @driverKeys' tables
 * (virtmigd --dump-config, run by the build). */
char *virtmigdConfigFormatSample(const virConfKey *driverKeys);
char *virtmigdConfigFormatMan(const virConfKey *driverKeys);

/* Creates the directories and settles the host UUID: the configured one,
 * or one generated once and kept in the state dir.  Returns 0 or -1. */
int virtmigdConfigPrepareHost(virtmigdConfig *cfg);
