/*
 * virtmigd_config.h: the daemon's paths and configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virconf.h"
#include "virnetserver.h"

typedef struct _virtmigdConfig virtmigdConfig;
struct _virtmigdConfig {
    /* paths */
    char *root;             /* --root DIR, or NULL for the FHS layout */
    char *configFile;
    char *runDir;
    char *stateDir;
    char *logDir;
    char *sockPath;
    char *sockPathRO;
    char *pidFile;

    /* host identity */
    char *hostName;
    unsigned char hostUUID[VIR_UUID_BUFLEN];

    /* listeners and limits */
    char *listenTCP;        /* HOST:PORT or NULL */
    bool listenTCPAllowRemote;
    virNetServerConfig srv;
    unsigned int shutdownTimeout;   /* s a SIGTERM may take; 0: no bound */

    /* logging */
    int logLevel;
    char *logFilters;
    char *logOutputs;

    virConf *conf;          /* the parsed file, for the driver's keys */
};

/* Paths for @root (NULL: FHS) and @configFile (NULL: the default one). */
virtmigdConfig *virtmigdConfigNew(const char *root, const char *configFile);
void virtmigdConfigFree(virtmigdConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtmigdConfig, virtmigdConfigFree);

/* Reads the config file (a missing default file is fine), refusing keys
 * that neither the daemon nor @driverKeys know.  Returns 0 or -1. */
int virtmigdConfigLoad(virtmigdConfig *cfg, const char *const *driverKeys);

/* Creates the directories and settles the host UUID: the configured one,
 * or one generated once and kept in the state dir.  Returns 0 or -1. */
int virtmigdConfigPrepareHost(virtmigdConfig *cfg);
