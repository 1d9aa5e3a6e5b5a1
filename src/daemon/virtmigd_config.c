/*
 * virtmigd_config.c: the daemon's paths and configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "virtmigd_config.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_CONF

VIR_LOG_INIT("daemon.config");

#define VIRTMIGD_CONF_GROUP "virtmigd"

static const char *const virtmigdConfigKeys[] = {
    "host_name", "host_uuid",
    "listen_tcp", "listen_tcp_allow_remote",
    "max_clients", "max_workers", "prio_workers", "max_client_requests",
    "keepalive_interval", "keepalive_count", "open_timeout",
    "shutdown_timeout",
    "log_level", "log_filters", "log_outputs",
    NULL
};


virtmigdConfig *
virtmigdConfigNew(const char *root, const char *configFile)
{
    virtmigdConfig *cfg = g_new0(virtmigdConfig, 1);

    if (root) {
        cfg->root = g_canonicalize_filename(root, NULL);
        cfg->configFile = g_build_filename(cfg->root, "virtmigd.conf", NULL);
        cfg->runDir = g_build_filename(cfg->root, "run", NULL);
        cfg->stateDir = g_build_filename(cfg->root, "lib", NULL);
        cfg->logDir = g_build_filename(cfg->root, "log", NULL);
    } else {
        cfg->configFile = g_build_filename(SYSCONFDIR, "virtmig", "virtmigd.conf", NULL);
        cfg->runDir = g_strdup("/run/virtmig");
        cfg->stateDir = g_strdup("/var/lib/virtmig");
        cfg->logDir = g_strdup("/var/log/virtmig");
    }
    if (configFile) {
        g_free(cfg->configFile);
        cfg->configFile = g_canonicalize_filename(configFile, NULL);
    }
    cfg->sockPath = g_build_filename(cfg->runDir, "virtmigd-sock", NULL);
    cfg->sockPathRO = g_build_filename(cfg->runDir, "virtmigd-sock-ro", NULL);
    cfg->pidFile = g_build_filename(cfg->runDir, "virtmigd.pid", NULL);
    cfg->logLevel = 0;
    virNetServerConfigDefaults(&cfg->srv);
    cfg->shutdownTimeout = 30;
    return cfg;
}


void
virtmigdConfigFree(virtmigdConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->root);
    g_free(cfg->configFile);
    g_free(cfg->runDir);
    g_free(cfg->stateDir);
    g_free(cfg->logDir);
    g_free(cfg->sockPath);
    g_free(cfg->sockPathRO);
    g_free(cfg->pidFile);
    g_free(cfg->hostName);
    g_free(cfg->listenTCP);
    g_free(cfg->logFilters);
    g_free(cfg->logOutputs);
    virConfFree(cfg->conf);
    g_free(cfg);
}


/* Reads an integer setting into a size_t/unsigned field. */
static int
virtmigdConfigGetCount(virConf *conf, const char *key, long long min,
                       long long max, size_t *out)
{
    long long v;
    int rc = virConfGetInt(conf, key, min, max, &v);

    if (rc > 0)
        *out = v;
    return rc < 0 ? -1 : 0;
}


static int
virtmigdConfigGetUInt(virConf *conf, const char *key, long long max,
                      unsigned int *out)
{
    size_t v = *out;

    if (virtmigdConfigGetCount(conf, key, 0, max, &v) < 0)
        return -1;
    *out = v;
    return 0;
}


static int
virtmigdConfigReadLimits(virtmigdConfig *cfg, virConf *conf)
{
    virNetServerConfig *s = &cfg->srv;

    if (virtmigdConfigGetCount(conf, "max_clients", 1, 100000, &s->maxClients) < 0 ||
        virtmigdConfigGetCount(conf, "max_workers", 1, 1000, &s->maxWorkers) < 0 ||
        virtmigdConfigGetCount(conf, "prio_workers", 1, 1000, &s->prioWorkers) < 0 ||
        virtmigdConfigGetCount(conf, "max_client_requests", 1, 10000,
                               &s->maxClientRequests) < 0 ||
        virtmigdConfigGetUInt(conf, "keepalive_interval", 3600, &s->keepaliveInterval) < 0 ||
        virtmigdConfigGetUInt(conf, "keepalive_count", 1000, &s->keepaliveCount) < 0 ||
        virtmigdConfigGetUInt(conf, "open_timeout", 86400, &s->openTimeout) < 0 ||
        virtmigdConfigGetUInt(conf, "shutdown_timeout", 86400,
                              &cfg->shutdownTimeout) < 0)
        return -1;
    return 0;
}


static int
virtmigdConfigReadHost(virtmigdConfig *cfg, virConf *conf)
{
    g_autofree char *uuid = NULL;
    long long level;
    int rc;

    if (virConfGetString(conf, "host_name", &cfg->hostName) < 0 ||
        virConfGetString(conf, "listen_tcp", &cfg->listenTCP) < 0 ||
        virConfGetBool(conf, "listen_tcp_allow_remote", &cfg->listenTCPAllowRemote) < 0 ||
        virConfGetString(conf, "log_filters", &cfg->logFilters) < 0 ||
        virConfGetString(conf, "log_outputs", &cfg->logOutputs) < 0 ||
        (rc = virConfGetInt(conf, "log_level", 1, 4, &level)) < 0)
        return -1;
    if (rc > 0)
        cfg->logLevel = level;
    if ((rc = virConfGetString(conf, "host_uuid", &uuid)) < 0)
        return -1;
    if (rc > 0 && (virUUIDParse(uuid, cfg->hostUUID) < 0 ||
                   virUUIDIsNull(cfg->hostUUID))) {
        virConfReportKeyError(conf, "host_uuid", _("not a valid UUID"));
        return -1;
    }
    return 0;
}


int
virtmigdConfigLoad(virtmigdConfig *cfg, const char *const *driverKeys)
{
    g_autoptr(GPtrArray) known = g_ptr_array_new();
    g_autoptr(virConf) conf = NULL;
    size_t i;

    if (!virFileExists(cfg->configFile)) {
        VIR_DEBUG("no config file %s, using defaults", cfg->configFile);
        return 0;
    }
    if (!(conf = virConfLoadFile(cfg->configFile, VIRTMIGD_CONF_GROUP)))
        return -1;
    for (i = 0; virtmigdConfigKeys[i]; i++)
        g_ptr_array_add(known, (gpointer)virtmigdConfigKeys[i]);
    for (i = 0; driverKeys && driverKeys[i]; i++)
        g_ptr_array_add(known, (gpointer)driverKeys[i]);
    g_ptr_array_add(known, NULL);

    if (virConfCheckKeys(conf, (const char *const *)known->pdata) < 0 ||
        virtmigdConfigReadHost(cfg, conf) < 0 ||
        virtmigdConfigReadLimits(cfg, conf) < 0)
        return -1;
    cfg->conf = g_steal_pointer(&conf);
    return 0;
}


/* Loads the generated host UUID from @path or creates it. */
static int
virtmigdConfigHostUUIDFile(const char *path, unsigned char *uuid)
{
    g_autofree char *text = NULL;
    char str[VIR_UUID_STRING_BUFLEN];

    if (virFileExists(path)) {
        if (virFileReadAll(path, 1024, &text) < 0)
            return -1;
        if (virUUIDParse(text, uuid) < 0) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("%1$s: not a valid UUID; remove it to generate a new one"),
                           path);
            return -1;
        }
        return 0;
    }
    virUUIDGenerate(uuid);
    text = g_strdup_printf("%s\n", virUUIDFormat(uuid, str));
    return virFileWriteAtomic(path, text, 0644);
}


int
virtmigdConfigPrepareHost(virtmigdConfig *cfg)
{
    g_autofree char *uuidFile = g_build_filename(cfg->stateDir, "host-uuid", NULL);
    char str[VIR_UUID_STRING_BUFLEN];

    if ((cfg->root && virFileMakePathWithMode(cfg->root, 0755) < 0) ||
        virFileMakePathWithMode(cfg->runDir, 0755) < 0 ||
        virFileMakePathWithMode(cfg->stateDir, 0755) < 0 ||
        virFileMakePathWithMode(cfg->logDir, 0755) < 0)
        return -1;
    if (virUUIDIsNull(cfg->hostUUID) &&
        virtmigdConfigHostUUIDFile(uuidFile, cfg->hostUUID) < 0)
        return -1;
    if (!cfg->hostName)
        cfg->hostName = g_strdup(g_get_host_name());
    VIR_INFO("host name '%s' uuid %s", cfg->hostName,
             virUUIDFormat(cfg->hostUUID, str));
    return 0;
}
