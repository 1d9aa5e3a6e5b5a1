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

const virConfKey virtmigdConfigKeys[] = {
    { "host_name", "\"host-a.example.org\"",
      N_("Host name reported to clients (virsh hostname) and written in "
         "migration cookies (default: this machine's host name).") },
    { "host_uuid", "\"8b2b4f5e-8f1e-4a55-9e0c-5a0f4c4f2a11\"",
      N_("Host UUID; two hosts with the same UUID refuse to migrate to each "
         "other (default: generated at the first start and kept in "
         "/var/lib/virtmig/host-uuid, DIR/lib/host-uuid with --root).") },
    { "libvirt_drop_in", "1",
      N_("1: also serve libvirt's standard sockets, /run/libvirt/libvirt-sock "
         "and /run/libvirt/libvirt-sock-ro, so that qemu:///system with no "
         "socket parameter (stock virsh, virt-manager's local connection) "
         "reaches this daemon.  The daemon refuses to start when a libvirtd "
         "or virtqemud already serves them (default: 0).") },
    { "listen_tcp", "\"127.0.0.1:16509\"",
      N_("HOST:PORT to also serve qemu+tcp:// on, without authentication or "
         "encryption (default: none).  Only loopback addresses are accepted "
         "unless listen_tcp_allow_remote is set.") },
    { "listen_tcp_allow_remote", "0",
      N_("1: allow a non-loopback listen_tcp address.  Anyone who reaches "
         "that port controls every guest of the host (default: 0).") },
    { "listen_tls", "1",
      N_("1: also serve qemu+tls:// (x509 certificates, as libvirtd) on "
         "listen_addr:tls_port (default: 0).  The daemon checks every "
         "certificate file at start-up and refuses to start, naming the "
         "file, when one is missing, unreadable, expired, not signed by the "
         "CA, does not match its key, or when a private key is readable by "
         "others.") },
    { "listen_addr", "\"192.0.2.10\"",
      N_("Address the listen_tls socket binds (default: 0.0.0.0, every "
         "IPv4 address).") },
    { "tls_port", "\"16514\"",
      N_("Port of the listen_tls socket (default: 16514).") },
    { "ca_file", "\"/etc/pki/CA/cacert.pem\"",
      N_("CA certificate(s) that sign the server's and the clients' "
         "certificates (default: /etc/pki/CA/cacert.pem, "
         "DIR/pki/CA/cacert.pem with --root).") },
    { "crl_file", "\"/etc/pki/CA/cacrl.pem\"",
      N_("Certificate revocation list; when set it must exist (default: "
         "/etc/pki/CA/cacrl.pem if it exists, DIR/pki/CA/cacrl.pem with "
         "--root).") },
    { "cert_file", "\"/etc/pki/libvirt/servercert.pem\"",
      N_("The server's certificate (default: "
         "/etc/pki/libvirt/servercert.pem, DIR/pki/libvirt/servercert.pem "
         "with --root).  As a peer-to-peer migration source, the daemon "
         "presents clientcert.pem and private/clientkey.pem of the same "
         "directory to the destination.") },
    { "key_file", "\"/etc/pki/libvirt/private/serverkey.pem\"",
      N_("The server's private key, mode 0600 or 0640 (default: "
         "/etc/pki/libvirt/private/serverkey.pem, "
         "DIR/pki/libvirt/private/serverkey.pem with --root).") },
    { "tls_allowed_dn_list", "[\"C=GB,O=Example,CN=client-*\"]",
      N_("Glob patterns of the client certificate distinguished names "
         "allowed in, as libvirtd's; a client whose DN matches none is "
         "refused and the daemon logs its DN (default: every certificate "
         "the CA signed).") },
    { "tls_priority", "\"NORMAL\"",
      N_("GnuTLS priority string for TLS connections (default: "
         "NORMAL).") },
    { "max_clients", "5000",
      N_("Clients connected at once; more are refused (default: 5000).") },
    { "max_workers", "20",
      N_("Worker threads running client calls (default: 20).") },
    { "prio_workers", "5",
      N_("Of those, workers kept for high-priority calls, so that queries "
         "and job control still run while every other worker waits "
         "(default: 5).") },
    { "max_client_requests", "16",
      N_("Calls in flight per client (default: 16).") },
    { "keepalive_interval", "5",
      N_("Seconds of silence before the daemon sends a keepalive PING, to "
         "clients that asked for keepalive (default: 5).") },
    { "keepalive_count", "5",
      N_("Unanswered keepalive PINGs before the client is dropped "
         "(default: 5).") },
    { "open_timeout", "60",
      N_("Seconds a client may stay connected without opening a "
         "connection (default: 60).") },
    { "shutdown_timeout", "30",
      N_("Seconds SIGTERM may take (default: 30; 0: no bound).  Outgoing "
         "pre-copy migrations are cancelled first; past the bound the "
         "daemon exits at once, guests keep running and the next start "
         "recovers them.") },
    { "log_level", "3",
      N_("1 debug, 2 info, 3 warning, 4 error (default: 3, or 2 with "
         "--verbose).") },
    { "log_filters", "\"1:qemu 1:rpc 3:util\"",
      N_("Per-module log levels, in libvirt's syntax (default: none).") },
    { "log_outputs", "\"2:file:/var/log/virtmig/virtmigd.log 3:stderr\"",
      N_("Where the log goes, in libvirt's syntax (default: "
         "/var/log/virtmig/virtmigd.log, DIR/log/virtmigd.log with --root, "
         "at log_level).") },
    { NULL, NULL, NULL }
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
        cfg->configExplicit = true;
    }
    cfg->sockPath = g_build_filename(cfg->runDir, "virtmigd-sock", NULL);
    cfg->sockPathRO = g_build_filename(cfg->runDir, "virtmigd-sock-ro", NULL);
    cfg->pidFile = g_build_filename(cfg->runDir, "virtmigd.pid", NULL);
    cfg->pkiDir = cfg->root ? g_build_filename(cfg->root, "pki", NULL) :
                              g_build_filename(SYSCONFDIR, "pki", NULL);
    virNetTLSConfigFromPKIRoot(&cfg->tls, cfg->pkiDir, true);
    cfg->tls.verifyPeer = true;
    cfg->listenAddr = g_strdup("0.0.0.0");
    cfg->tlsPort = g_strdup("16514");
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
    g_free(cfg->pkiDir);
    g_free(cfg->listenAddr);
    g_free(cfg->tlsPort);
    virNetTLSConfigClear(&cfg->tls);
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
        virConfGetBool(conf, "libvirt_drop_in", &cfg->libvirtDropIn) < 0 ||
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


/* Replaces *@field with @key's value when the file sets it. */
static int
virtmigdConfigGetPath(virConf *conf, const char *key, char **field)
{
    g_autofree char *value = NULL;
    int rc = virConfGetString(conf, key, &value);

    if (rc > 0) {
        g_free(*field);
        *field = g_steal_pointer(&value);
    }
    return rc;
}


static int
virtmigdConfigReadTLS(virtmigdConfig *cfg, virConf *conf)
{
    virNetTLSConfig *tls = &cfg->tls;
    int rc;

    if (virConfGetBool(conf, "listen_tls", &cfg->listenTLS) < 0 ||
        virtmigdConfigGetPath(conf, "listen_addr", &cfg->listenAddr) < 0 ||
        virtmigdConfigGetPath(conf, "tls_port", &cfg->tlsPort) < 0 ||
        virtmigdConfigGetPath(conf, "ca_file", &tls->caFile) < 0 ||
        virtmigdConfigGetPath(conf, "cert_file", &tls->certFile) < 0 ||
        virtmigdConfigGetPath(conf, "key_file", &tls->keyFile) < 0 ||
        virConfGetString(conf, "tls_priority", &tls->priority) < 0 ||
        virConfGetStringList(conf, "tls_allowed_dn_list", &tls->dnAllowList) < 0 ||
        (rc = virtmigdConfigGetPath(conf, "crl_file", &tls->crlFile)) < 0)
        return -1;
    tls->crlRequired = rc > 0;
    return 0;
}


int
virtmigdConfigLoad(virtmigdConfig *cfg, const virConfKey *driverKeys)
{
    g_autoptr(GPtrArray) known = g_ptr_array_new();
    g_autoptr(virConf) conf = NULL;
    size_t i;

    if (!virFileExists(cfg->configFile)) {
        if (cfg->configExplicit) {
            virReportSystemError(errno, _("cannot read config file '%1$s'"),
                                 cfg->configFile);
            return -1;
        }
        VIR_DEBUG("no config file %s, using defaults", cfg->configFile);
        return 0;
    }
    if (!(conf = virConfLoadFile(cfg->configFile, VIRTMIGD_CONF_GROUP)))
        return -1;
    for (i = 0; virtmigdConfigKeys[i].name; i++)
        g_ptr_array_add(known, (gpointer)virtmigdConfigKeys[i].name);
    for (i = 0; driverKeys && driverKeys[i].name; i++)
        g_ptr_array_add(known, (gpointer)driverKeys[i].name);
    g_ptr_array_add(known, NULL);

    if (virConfCheckKeys(conf, (const char *const *)known->pdata) < 0 ||
        virtmigdConfigReadHost(cfg, conf) < 0 ||
        virtmigdConfigReadTLS(cfg, conf) < 0 ||
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
