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

const virConfKey qemuConfigKeys[] = {
    { "qemu_emulator", "\"/usr/bin/qemu-system-x86_64\"",
      N_("The QEMU binary used for guests whose XML names no <emulator> "
         "(default: /usr/bin/qemu-system-x86_64).") },
    { "vnc_listen", "\"127.0.0.1\"",
      N_("Address VNC displays listen on when the domain XML gives none "
         "(default: 127.0.0.1).") },
    { "spice_listen", "\"127.0.0.1\"",
      N_("Address SPICE displays listen on when the domain XML gives none "
         "(default: 127.0.0.1).") },
    { "remote_display_port_min", "5900",
      N_("Lowest port given to VNC and SPICE displays with autoport "
         "(default: 5900).") },
    { "remote_display_port_max", "65535",
      N_("Highest port given to VNC and SPICE displays with autoport "
         "(default: 65535).") },
    { "job_wait_timeout", "30",
      N_("Seconds a call waits for another job on the same domain to end "
         "before it fails with \"cannot acquire state change lock\" "
         "(default: 30).") },
    { "migration_host", "\"host-b.example.org\"",
      N_("Host name or address this host, as a migration destination, "
         "puts in the URI the source's QEMU sends to (tcp:HOST:PORT) when "
         "the client gave no migration URI (default: this machine's host "
         "name, which must then resolve on the source).") },
    { "migration_address", "\"0.0.0.0\"",
      N_("Address the incoming QEMU listens on, on this host as a "
         "migration destination, when the client gave no --listen-address "
         "(default: 0.0.0.0, every IPv4 address).") },
    { "migration_port_min", "49152",
      N_("Lowest TCP port of the range incoming migrations listen on "
         "(default: 49152); open it in the firewall.") },
    { "migration_port_max", "49215",
      N_("Highest TCP port of that range (default: 49215); each incoming "
         "migration holds one port of it until it ends.") },
    { "migration_protocols", "\"2,3\"",
      N_("Migration protocol versions this host offers to clients: \"2\", "
         "\"3\" or \"2,3\" (default).  \"2\" makes stock clients use "
         "protocol v2, as they do with an older peer.") },
    { "migration_converge", "0",
      N_("1: outgoing migrations run the convergence policy unless the "
         "client turns it off (typed parameter virtmig.converge = 0): when "
         "an iteration no longer shrinks what is left to send, the allowed "
         "downtime is raised step by step up to "
         "migration_converge_max_downtime, then the migration switches to "
         "post-copy if it was started with --postcopy, else the vCPUs are "
         "throttled.  0 (default): only when the client asks for it "
         "(virtmig.converge = 1).") },
    { "migration_converge_max_downtime", "2000",
      N_("The longest downtime in milliseconds the convergence policy may "
         "allow (default: 2000).") },
    { "migrate_tls_x509_cert_dir", "\"/etc/pki/qemu\"",
      N_("Directory of the x509 files QEMU uses for --tls migrations, in "
         "QEMU's names: ca-cert.pem, server-cert.pem and server-key.pem "
         "(this host as a destination), client-cert.pem and client-key.pem "
         "(as a source) (default: /etc/pki/qemu, DIR/pki/qemu with "
         "--root).") },
    { "migrate_tls_x509_verify", "1",
      N_("1: as a --tls migration destination, require the source QEMU's "
         "client certificate, signed by ca-cert.pem (default: 1).") },
    { "migrate_tls_force", "0",
      N_("1: refuse every migration of this host's guests, out and in, "
         "without --tls (VIR_MIGRATE_TLS), so QEMU's stream never crosses "
         "the network in plain text; offline and tunnelled migrations are "
         "exempt, as in libvirt (default: 0).") },
    { "migration_keepalive_interval", "5",
      N_("Peer-to-peer migration: seconds of silence on the source's "
         "connection to the destination's daemon before a keepalive PING "
         "(qemu.conf's keepalive_interval; default: 5).") },
    { "migration_keepalive_count", "5",
      N_("Unanswered PINGs after which that daemon counts as lost: the "
         "migration is cancelled and the guest runs on here (qemu.conf's "
         "keepalive_count; default: 5).") },
    { NULL, NULL, NULL }
};


/* Directories and settings of the domain lifecycle code. */
static int
qemuDriverConfigLoadLifecycle(virQEMUDriverConfig *cfg, virConf *conf)
{
    long long timeout = 0;

    cfg->configDir = g_build_filename(cfg->stateDir, "qemu", NULL);
    cfg->autostartDir = g_build_filename(cfg->configDir, "autostart", NULL);
    cfg->saveDir = g_build_filename(cfg->configDir, "save", NULL);
    cfg->dumpDir = g_build_filename(cfg->configDir, "dump", NULL);
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
    long long converge = 0;
    long long convergeMax = 2000;
    long long kaInterval = 5;
    long long kaCount = 5;

    if (conf &&
        (virConfGetInt(conf, "migration_converge", 0, 1, &converge) < 0 ||
         virConfGetInt(conf, "migration_converge_max_downtime", 1,
                       3600 * 1000, &convergeMax) < 0 ||
         virConfGetInt(conf, "migration_keepalive_interval", 1, 3600, &kaInterval) < 0 ||
         virConfGetInt(conf, "migration_keepalive_count", 1, 100, &kaCount) < 0 ||
         virConfGetInt(conf, "migration_port_min", 1, 65535, &min) < 0 ||
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
    cfg->migrationConverge = converge;
    cfg->migrationConvergeMaxDowntime = convergeMax;
    cfg->migrationKeepaliveInterval = kaInterval;
    cfg->migrationKeepaliveCount = kaCount;
    if (!cfg->migrationHost)
        cfg->migrationHost = g_strdup(g_get_host_name());
    if (!cfg->migrationListen)
        cfg->migrationListen = g_strdup("0.0.0.0");
    return 0;
}


/* TLS of QEMU's migration stream (qemu.conf's keys). */
static int
qemuDriverConfigLoadMigrationTLS(virQEMUDriverConfig *cfg, virConf *conf,
                                 const char *pkiDir)
{
    cfg->migrateTLSx509verify = true;
    if (conf &&
        (virConfGetString(conf, "migrate_tls_x509_cert_dir",
                          &cfg->migrateTLSx509certdir) < 0 ||
         virConfGetBool(conf, "migrate_tls_x509_verify",
                        &cfg->migrateTLSx509verify) < 0 ||
         virConfGetBool(conf, "migrate_tls_force", &cfg->migrateTLSForce) < 0))
        return -1;
    if (!cfg->migrateTLSx509certdir)
        cfg->migrateTLSx509certdir = g_build_filename(pkiDir ? pkiDir : "/etc/pki",
                                                      "qemu", NULL);
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
        qemuDriverConfigLoadMigrationTLS(cfg, dcfg->conf, dcfg->pkiDir) < 0 ||
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
    g_free(cfg->saveDir);
    g_free(cfg->dumpDir);
    g_free(cfg->statusDir);
    g_free(cfg->channelDir);
    g_free(cfg->domainLogDir);
    g_free(cfg->vncListen);
    g_free(cfg->spiceListen);
    g_free(cfg->migrationHost);
    g_free(cfg->migrationListen);
    g_free(cfg->migrateTLSx509certdir);
    g_free(cfg);
}
