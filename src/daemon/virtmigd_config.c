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


/* How a key of the file is kept in virtmigdConfig. */
typedef enum {
    VIRTMIGD_CONF_STRING,      /* char *, replaced when the file sets it */
    VIRTMIGD_CONF_CRL,         /* the same; set, the file must exist */
    VIRTMIGD_CONF_UUID,        /* unsigned char[VIR_UUID_BUFLEN], not null */
    VIRTMIGD_CONF_STRING_LIST, /* GStrv */
    VIRTMIGD_CONF_BOOL,        /* bool */
    VIRTMIGD_CONF_INT,         /* int, from min to max */
    VIRTMIGD_CONF_UINT,        /* unsigned int, from min to max */
    VIRTMIGD_CONF_SIZE,        /* size_t, from min to max */
} virtmigdConfigType;

typedef struct {
    const char *key;
    virtmigdConfigType type;
    size_t offset; /* of its member in virtmigdConfig */
    long long min;
    long long max;
} virtmigdConfigField;

/* clang-format off */
#define VIRTMIGD_CONF_FIELD(key, type, member, ...) \
    { key, VIRTMIGD_CONF_##type, offsetof(virtmigdConfig, member), __VA_ARGS__ }

/* The daemon's keys as it reads them, in this order; every one is
 * documented in virtmigdConfigKeys. */
static const virtmigdConfigField virtmigdConfigFields[] = {
    VIRTMIGD_CONF_FIELD("host_name", STRING, hostName),
    VIRTMIGD_CONF_FIELD("listen_tcp", STRING, listenTCP),
    VIRTMIGD_CONF_FIELD("listen_tcp_allow_remote", BOOL, listenTCPAllowRemote),
    VIRTMIGD_CONF_FIELD("libvirt_drop_in", BOOL, libvirtDropIn),
    VIRTMIGD_CONF_FIELD("log_filters", STRING, logFilters),
    VIRTMIGD_CONF_FIELD("log_outputs", STRING, logOutputs),
    VIRTMIGD_CONF_FIELD("log_level", INT, logLevel, 1, 4),
    VIRTMIGD_CONF_FIELD("host_uuid", UUID, hostUUID),
    VIRTMIGD_CONF_FIELD("listen_tls", BOOL, listenTLS),
    VIRTMIGD_CONF_FIELD("listen_addr", STRING, listenAddr),
    VIRTMIGD_CONF_FIELD("tls_port", STRING, tlsPort),
    VIRTMIGD_CONF_FIELD("ca_file", STRING, tls.caFile),
    VIRTMIGD_CONF_FIELD("cert_file", STRING, tls.certFile),
    VIRTMIGD_CONF_FIELD("key_file", STRING, tls.keyFile),
    VIRTMIGD_CONF_FIELD("tls_priority", STRING, tls.priority),
    VIRTMIGD_CONF_FIELD("tls_allowed_dn_list", STRING_LIST, tls.dnAllowList),
    VIRTMIGD_CONF_FIELD("crl_file", CRL, tls.crlFile),
    VIRTMIGD_CONF_FIELD("max_clients", SIZE, srv.maxClients, 1, 100000),
    VIRTMIGD_CONF_FIELD("max_workers", SIZE, srv.maxWorkers, 1, 1000),
    VIRTMIGD_CONF_FIELD("prio_workers", SIZE, srv.prioWorkers, 1, 1000),
    VIRTMIGD_CONF_FIELD("max_client_requests", SIZE, srv.maxClientRequests, 1, 10000),
    VIRTMIGD_CONF_FIELD("keepalive_interval", UINT, srv.keepaliveInterval, 0, 3600),
    VIRTMIGD_CONF_FIELD("keepalive_count", UINT, srv.keepaliveCount, 0, 1000),
    VIRTMIGD_CONF_FIELD("open_timeout", UINT, srv.openTimeout, 0, 86400),
    VIRTMIGD_CONF_FIELD("shutdown_timeout", UINT, shutdownTimeout, 0, 86400),
};
/* clang-format on */


/* A number key of @f's type into @member.  Returns 0 or -1. */
static int
virtmigdConfigReadNumber(virConf *conf, const virtmigdConfigField *f,
                         void *member)
{
    long long v;
    int rc = virConfGetInt(conf, f->key, f->min, f->max, &v);

    if (rc <= 0)
        return rc;
    if (f->type == VIRTMIGD_CONF_INT)
        *(int *)member = v;
    else if (f->type == VIRTMIGD_CONF_UINT)
        *(unsigned int *)member = v;
    else
        *(size_t *)member = v;
    return 0;
}


/* A string key of @f's type into @member of @cfg.  Returns 0 or -1. */
static int
virtmigdConfigReadString(virtmigdConfig *cfg, virConf *conf,
                         const virtmigdConfigField *f, void *member)
{
    g_autofree char *value = NULL;
    int rc = virConfGetString(conf, f->key, &value);

    if (rc <= 0)
        return rc;
    if (f->type == VIRTMIGD_CONF_UUID) {
        if (virUUIDParse(value, member) < 0 || virUUIDIsNull(member)) {
            virConfReportKeyError(conf, f->key, _("not a valid UUID"));
            return -1;
        }
        return 0;
    }
    g_free(*(char **)member);
    *(char **)member = g_steal_pointer(&value);
    if (f->type == VIRTMIGD_CONF_CRL)
        cfg->tls.crlRequired = true;
    return 0;
}


/* Reads every key of virtmigdConfigFields the file sets.  Returns 0, or
 * -1 with an error naming the file's line. */
static int
virtmigdConfigReadFields(virtmigdConfig *cfg, virConf *conf)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virtmigdConfigFields); i++) {
        const virtmigdConfigField *f = &virtmigdConfigFields[i];
        void *member = (char *)cfg + f->offset;
        int rc;

        switch (f->type) {
        case VIRTMIGD_CONF_STRING:
        case VIRTMIGD_CONF_CRL:
        case VIRTMIGD_CONF_UUID:
            rc = virtmigdConfigReadString(cfg, conf, f, member);
            break;
        case VIRTMIGD_CONF_STRING_LIST:
            rc = virConfGetStringList(conf, f->key, member);
            break;
        case VIRTMIGD_CONF_BOOL:
            rc = virConfGetBool(conf, f->key, member);
            break;
        case VIRTMIGD_CONF_INT:
        case VIRTMIGD_CONF_UINT:
        case VIRTMIGD_CONF_SIZE:
        default:
            rc = virtmigdConfigReadNumber(conf, f, member);
            break;
        }
        if (rc < 0)
            return -1;
    }
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
        virtmigdConfigReadFields(cfg, conf) < 0)
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
