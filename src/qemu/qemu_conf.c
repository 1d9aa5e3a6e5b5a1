/*
 * qemu_conf.c: the QEMU driver's state and configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_conf.h"
#include "qemu_capabilities.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_QEMU


virQEMUDriver *qemu_driver;

const char *const qemuConfigKeys[] = {
    "qemu_emulator",
    "vnc_listen",
    "job_wait_timeout",
    "migration_port_min",
    "migration_port_max",
    "migration_host",
    "migration_address",
    "migration_protocols",
    "spice_listen",
    "remote_display_port_min",
    "remote_display_port_max",
    NULL
};


/* Directories and settings of the domain lifecycle code. */
static int
qemuDriverConfigLoadLifecycle(virQEMUDriverConfig *cfg, virConf *conf)
{
    long long timeout = 0;

    cfg->configDir = g_build_filename(cfg->stateDir, "qemu", NULL);
    cfg->autostartDir = g_build_filename(cfg->configDir, "autostart", NULL);
    cfg->statusDir = g_build_filename(cfg->runDir, "qemu", NULL);
    cfg->channelDir = g_build_filename(cfg->statusDir, "channel", NULL);
    cfg->domainLogDir = g_build_filename(cfg->logDir, "qemu", NULL);
    if (conf &&
        (virConfGetString(conf, "vnc_listen", &cfg->vncListen) < 0 ||
         virConfGetInt(conf, "job_wait_timeout", 1, 24 * 3600, &timeout) < 0))
        return -1;
    if (!cfg->vncListen)
        cfg->vncListen = g_strdup("127.0.0.1");
    cfg->jobWaitTimeoutMs = timeout * 1000ULL;
    return 0;
}


/* The migration settings: the incoming port range and addresses. */
static int
qemuDriverConfigLoadMigration(virQEMUDriverConfig *cfg, virConf *conf)
{
    long long min = 49152;
    long long max = 49215;

    if (conf &&
        (virConfGetInt(conf, "migration_port_min", 1, 65535, &min) < 0 ||
         virConfGetInt(conf, "migration_port_max", 1, 65535, &max) < 0 ||
         virConfGetString(conf, "migration_host", &cfg->migrationHost) < 0 ||
         virConfGetString(conf, "migration_address", &cfg->migrationListen) < 0))
        return -1;
    if (min > max) {
        virConfReportKeyError(conf, "migration_port_max",
                              _("must not be below migration_port_min"));
        return -1;
    }
    cfg->migrationPortMin = min;
    cfg->migrationPortMax = max;
    if (!cfg->migrationHost)
        cfg->migrationHost = g_strdup(g_get_host_name());
    if (!cfg->migrationListen)
        cfg->migrationListen = g_strdup("0.0.0.0");
    return 0;
}


/*
 * migration_protocols: the migration protocol versions this host
 * advertises to clients, e.g. "2", "3" or "2,3" (the default).  A host
 * limited to "2" makes stock clients fall back to v2 as they do against
 * an older peer.
 */
static int
qemuDriverConfigLoadProtocols(virQEMUDriverConfig *cfg, virConf *conf)
{
    g_autofree char *value = NULL;
    g_auto(GStrv) tokens = NULL;
    size_t i;
    int rc = 0;

    cfg->migrationProtocols = QEMU_MIGRATION_PROTOCOL_V2 | QEMU_MIGRATION_PROTOCOL_V3;
    if (!conf || (rc = virConfGetString(conf, "migration_protocols", &value)) == 0)
        return 0;
    if (rc < 0)
        return -1;
    cfg->migrationProtocols = 0;
    tokens = g_strsplit(value, ",", 0);
    for (i = 0; tokens[i]; i++) {
        const char *tok = g_strstrip(tokens[i]);

        if (STREQ(tok, "2")) {
            cfg->migrationProtocols |= QEMU_MIGRATION_PROTOCOL_V2;
        } else if (STREQ(tok, "3")) {
            cfg->migrationProtocols |= QEMU_MIGRATION_PROTOCOL_V3;
        } else {
            cfg->migrationProtocols = 0;
            break;
        }
    }
    if (!cfg->migrationProtocols) {
        virConfReportKeyError(conf, "migration_protocols",
                              _("expected a comma-separated list of migration protocol versions, each 2 or 3"));
        return -1;
    }
    return 0;
}


/* Graphics: the SPICE listen address and the range VNC and SPICE ports
 * are reserved from (libvirt's qemu.conf keys and defaults). */
static int
qemuDriverConfigLoadGraphics(virQEMUDriverConfig *cfg, virConf *conf)
{
    long long min = 5900;
    long long max = 65535;

    if (conf &&
        (virConfGetString(conf, "spice_listen", &cfg->spiceListen) < 0 ||
         virConfGetInt(conf, "remote_display_port_min", 5900, 65535, &min) < 0 ||
         virConfGetInt(conf, "remote_display_port_max", 5900, 65535, &max) < 0))
        return -1;
    if (min > max) {
        virConfReportKeyError(conf, "remote_display_port_max",
                              _("must not be below remote_display_port_min"));
        return -1;
    }
    cfg->displayPortMin = min;
    cfg->displayPortMax = max;
    if (!cfg->spiceListen)
        cfg->spiceListen = g_strdup("127.0.0.1");
    return 0;
}


/* Builds the driver config from what the daemon passed; returns NULL with
 * an error (naming the config file and line) on a bad setting. */
virQEMUDriverConfig *
qemuDriverConfigNew(const virDriverStateConfig *dcfg)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);

    cfg->runDir = g_strdup(dcfg->runDir);
    cfg->stateDir = g_strdup(dcfg->stateDir);
    cfg->logDir = g_strdup(dcfg->logDir);
    cfg->hostName = g_strdup(dcfg->hostName);
    memcpy(cfg->hostUUID, dcfg->hostUUID, VIR_UUID_BUFLEN);
    if (dcfg->conf &&
        virConfGetString(dcfg->conf, "qemu_emulator", &cfg->emulator) < 0)
        return NULL;
    if (!cfg->emulator)
        cfg->emulator = g_strdup(QEMU_DEFAULT_EMULATOR);
    if (qemuDriverConfigLoadLifecycle(cfg, dcfg->conf) < 0 ||
        qemuDriverConfigLoadMigration(cfg, dcfg->conf) < 0 ||
        qemuDriverConfigLoadProtocols(cfg, dcfg->conf) < 0 ||
        qemuDriverConfigLoadGraphics(cfg, dcfg->conf) < 0)
        return NULL;
    return g_steal_pointer(&cfg);
}


void
qemuDriverConfigFree(virQEMUDriverConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->runDir);
    g_free(cfg->stateDir);
    g_free(cfg->logDir);
    g_free(cfg->hostName);
    g_free(cfg->emulator);
    g_free(cfg->configDir);
    g_free(cfg->autostartDir);
    g_free(cfg->statusDir);
    g_free(cfg->channelDir);
    g_free(cfg->domainLogDir);
    g_free(cfg->vncListen);
    g_free(cfg->spiceListen);
    g_free(cfg->migrationHost);
    g_free(cfg->migrationListen);
    g_free(cfg);
}
