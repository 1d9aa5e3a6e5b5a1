/*
 * virnettlscontext.c: GnuTLS x509 credentials and sessions for RPC sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A context is checked in full when it is made (the daemon's pre-flight
 * at start-up): each file exists and is readable, a private key is not
 * readable by others, certificates are within their validity dates, the
 * CA is a CA, our certificate is signed by it and matches our key.  Each
 * error names the file and the problem, so a daemon that would only fail
 * at its first client refuses to start instead.
 */
#include <config.h>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "virnettlscontext.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.nettlscontext");

/* Certificates one CA file may hold. */
#define VIR_NET_TLS_MAX_CA 16

struct _virNetTLSContext {
    gnutls_certificate_credentials_t cred;
    gnutls_priority_t priority;
    bool isServer;
    bool verifyPeer;
    GStrv dnAllowList;
    char *certFile;             /* what we present, for messages */
    bool haveCert;
};

struct _virNetTLSSession {
    virNetTLSContext *ctx;      /* not owned: outlives its sessions */
    gnutls_session_t session;
    int fd;                     /* not owned */
    char *hostname;
    bool handshakeDone;
    char *peerDN;
};


void
virNetTLSConfigClear(virNetTLSConfig *cfg)
{
    g_clear_pointer(&cfg->caFile, g_free);
    g_clear_pointer(&cfg->crlFile, g_free);
    g_clear_pointer(&cfg->certFile, g_free);
    g_clear_pointer(&cfg->keyFile, g_free);
    g_clear_pointer(&cfg->priority, g_free);
    g_clear_pointer(&cfg->dnAllowList, g_strfreev);
}


void
virNetTLSConfigFromPKIRoot(virNetTLSConfig *cfg, const char *dir,
                           bool isServer)
{
    cfg->caFile = g_build_filename(dir, "CA", VIR_NET_TLS_CA_CERT, NULL);
    cfg->crlFile = g_build_filename(dir, "CA", VIR_NET_TLS_CA_CRL, NULL);
    cfg->certFile = g_build_filename(dir, "libvirt",
                                     isServer ? VIR_NET_TLS_SERVER_CERT :
                                                VIR_NET_TLS_CLIENT_CERT, NULL);
    cfg->keyFile = g_build_filename(dir, "libvirt", "private",
                                    isServer ? VIR_NET_TLS_SERVER_KEY :
                                               VIR_NET_TLS_CLIENT_KEY, NULL);
}


void
virNetTLSConfigFromPKIPath(virNetTLSConfig *cfg, const char *dir,
                           bool isServer)
{
    cfg->caFile = g_build_filename(dir, VIR_NET_TLS_CA_CERT, NULL);
    cfg->crlFile = g_build_filename(dir, VIR_NET_TLS_CA_CRL, NULL);
    cfg->certFile = g_build_filename(dir, isServer ? VIR_NET_TLS_SERVER_CERT :
                                                     VIR_NET_TLS_CLIENT_CERT, NULL);
    cfg->keyFile = g_build_filename(dir, isServer ? VIR_NET_TLS_SERVER_KEY :
                                                    VIR_NET_TLS_CLIENT_KEY, NULL);
}


/* ---- pre-flight checks of the files ---- */

/* Checks that @path (a @what) can be read, and for a private key that
 * nobody but its owner and group may read it or change it.  Returns 0,
 * 1 when it does not exist and @missingOK, or -1 (reported). */
static int
virNetTLSCheckFile(const char *what, const char *path, bool isKey,
                   bool missingOK)
{
    struct stat sb;

    if (stat(path, &sb) < 0) {
        if (errno == ENOENT && missingOK)
            return 1;
        virReportSystemError(errno, _("cannot use %1$s '%2$s'"), what, path);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' is not a regular file"), what, path);
        return -1;
    }
    if (access(path, R_OK) < 0) {
        virReportSystemError(errno, _("cannot read %1$s '%2$s'"), what, path);
        return -1;
    }
    if (isKey && (sb.st_mode & (S_IRWXO | S_IWGRP))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' has mode %3$04o: others may read or change it; make it 0600 (chmod 600)"),
                       what, path, (unsigned int)(sb.st_mode & 07777));
        return -1;
    }
    return 0;
}


/* Loads every certificate of the PEM file @path (a @what).  On success
 * *@certs (gnutls_free each with gnutls_x509_crt_deinit, then the array)
 * and *@ncerts are set.  Returns 0 or -1 (reported). */
static int
virNetTLSLoadCerts(const char *what, const char *path,
                   gnutls_x509_crt_t **certs, unsigned int *ncerts)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) gerr = NULL;
    gsize len = 0;
    gnutls_datum_t datum;
    int rc;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot read %1$s '%2$s': %3$s"),
                       what, path, gerr->message);
        return -1;
    }
    datum.data = (unsigned char *)data;
    datum.size = len;
    rc = gnutls_x509_crt_list_import2(certs, ncerts, &datum,
                                      GNUTLS_X509_FMT_PEM, 0);
    if (rc < 0 || *ncerts == 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' holds no PEM certificate: %3$s"),
                       what, path, rc < 0 ? gnutls_strerror(rc) : "");
        return -1;
    }
    if (*ncerts > VIR_NET_TLS_MAX_CA) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' holds more than %3$d certificates"),
                       what, path, VIR_NET_TLS_MAX_CA);
        return -1;
    }
    return 0;
}


static void
virNetTLSFreeCerts(gnutls_x509_crt_t *certs, unsigned int ncerts)
{
    unsigned int i;

    for (i = 0; i < ncerts; i++)
        gnutls_x509_crt_deinit(certs[i]);
    gnutls_free(certs);
}


/* A time as the messages show it: "2026-01-31 12:00:00 UTC". */
static char *
virNetTLSFormatTime(time_t t)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

    return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup("?");
}


/* Refuses a certificate outside its validity dates. */
static int
virNetTLSCheckTimes(gnutls_x509_crt_t cert, const char *what,
                    const char *path)
{
    time_t now = time(NULL);
    time_t expires = gnutls_x509_crt_get_expiration_time(cert);
    time_t starts = gnutls_x509_crt_get_activation_time(cert);
    g_autofree char *when = NULL;

    if (expires != (time_t)-1 && expires < now) {
        when = virNetTLSFormatTime(expires);
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' has expired (on %3$s)"), what, path, when);
        return -1;
    }
    if (starts != (time_t)-1 && starts > now) {
        when = virNetTLSFormatTime(starts);
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' is not valid yet (from %3$s)"),
                       what, path, when);
        return -1;
    }
    return 0;
}


/* The text of a gnutls verification @status (caller owns it). */
static char *
virNetTLSStatusText(unsigned int status)
{
    gnutls_datum_t out = { NULL, 0 };
    char *ret;

    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509,
                                                     &out, 0) < 0)
        return g_strdup(_("the certificate is not trusted"));
    ret = g_strdup((const char *)out.data);
    gnutls_free(out.data);
    return ret;
}


/* Checks the CA file and our certificate against it. */
static int
virNetTLSCheckCertificates(const virNetTLSConfig *cfg, bool isServer,
                           bool haveCert)
{
    const char *certWhat = isServer ? _("server certificate") :
                                      _("client certificate");
    gnutls_x509_crt_t *cas = NULL;
    gnutls_x509_crt_t *certs = NULL;
    unsigned int ncas = 0;
    unsigned int ncerts = 0;
    unsigned int status = 0;
    unsigned int i;
    int ret = -1;

    if (virNetTLSLoadCerts(_("CA certificate"), cfg->caFile, &cas, &ncas) < 0)
        goto cleanup;
    for (i = 0; i < ncas; i++) {
        unsigned int isCA = 0;

        if (virNetTLSCheckTimes(cas[i], _("CA certificate"), cfg->caFile) < 0)
            goto cleanup;
        if (gnutls_x509_crt_get_basic_constraints(cas[i], NULL, &isCA, NULL) < 0 ||
            !isCA) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("CA certificate '%1$s' is not a CA certificate (its basic constraints do not say CA)"),
                           cfg->caFile);
            goto cleanup;
        }
    }
    if (!haveCert) {
        ret = 0;
        goto cleanup;
    }
    if (virNetTLSLoadCerts(certWhat, cfg->certFile, &certs, &ncerts) < 0 ||
        virNetTLSCheckTimes(certs[0], certWhat, cfg->certFile) < 0)
        goto cleanup;
    if (gnutls_x509_crt_list_verify(certs, ncerts, cas, ncas, NULL, 0,
                                    GNUTLS_VERIFY_DISABLE_TIME_CHECKS,
                                    &status) < 0 || status != 0) {
        g_autofree char *why = virNetTLSStatusText(status);

        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s '%2$s' is not signed by the CA in '%3$s': %4$s"),
                       certWhat, cfg->certFile, cfg->caFile, why);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    virNetTLSFreeCerts(cas, ncas);
    virNetTLSFreeCerts(certs, ncerts);
    return ret;
}


/* Loads the CA, CRL, certificate and key into @ctx->cred. */
static int
virNetTLSLoadCredentials(virNetTLSContext *ctx, const virNetTLSConfig *cfg,
                         bool haveCert, bool haveCRL)
{
    int rc;

    rc = gnutls_certificate_set_x509_trust_file(ctx->cred, cfg->caFile,
                                                GNUTLS_X509_FMT_PEM);
    if (rc < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot load CA certificate '%1$s': %2$s"),
                       cfg->caFile, gnutls_strerror(rc));
        return -1;
    }
    if (haveCRL &&
        (rc = gnutls_certificate_set_x509_crl_file(ctx->cred, cfg->crlFile,
                                                   GNUTLS_X509_FMT_PEM)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot load certificate revocation list '%1$s': %2$s"),
                       cfg->crlFile, gnutls_strerror(rc));
        return -1;
    }
    if (!haveCert)
        return 0;
    rc = gnutls_certificate_set_x509_key_file(ctx->cred, cfg->certFile,
                                              cfg->keyFile, GNUTLS_X509_FMT_PEM);
    if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("private key '%1$s' does not match certificate '%2$s'"),
                       cfg->keyFile, cfg->certFile);
        return -1;
    }
    if (rc < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot load certificate '%1$s' with private key '%2$s': %3$s"),
                       cfg->certFile, cfg->keyFile, gnutls_strerror(rc));
        return -1;
    }
    return 0;
}


/* Which optional files exist: a client may have no certificate, and the
 * default CRL may be absent.  Returns 0 or -1 (reported). */
static int
virNetTLSCheckFiles(const virNetTLSConfig *cfg, bool isServer,
                    bool *haveCert, bool *haveCRL)
{
    int rc;

    if (virNetTLSCheckFile(_("CA certificate"), cfg->caFile, false, false) < 0)
        return -1;
    *haveCRL = false;
    if (cfg->crlFile) {
        if ((rc = virNetTLSCheckFile(_("certificate revocation list"),
                                     cfg->crlFile, false,
                                     !cfg->crlRequired)) < 0)
            return -1;
        *haveCRL = rc == 0;
    }
    if ((rc = virNetTLSCheckFile(isServer ? _("server certificate") :
                                            _("client certificate"),
                                 cfg->certFile, false, !isServer)) < 0)
        return -1;
    *haveCert = rc == 0;
    if (*haveCert &&
        virNetTLSCheckFile(_("private key"), cfg->keyFile, true, false) < 0)
        return -1;
    return 0;
}


/* Compiles the priority string (tls_priority), refusing a bad one. */
static int
virNetTLSContextSetPriority(virNetTLSContext *ctx, const char *priority)
{
    const char *errpos = NULL;
    int rc;

    if (!priority)
        priority = VIR_NET_TLS_PRIORITY_DEFAULT;
    if ((rc = gnutls_priority_init(&ctx->priority, priority, &errpos)) < 0) {
        ctx->priority = NULL;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("invalid TLS priority string '%1$s' at '%2$s': %3$s"),
                       priority, errpos ? errpos : "", gnutls_strerror(rc));
        return -1;
    }
    return 0;
}


static virNetTLSContext *
virNetTLSContextNew(const virNetTLSConfig *cfg, bool isServer)
{
    g_autoptr(virNetTLSContext) ctx = g_new0(virNetTLSContext, 1);
    bool haveCert = false;
    bool haveCRL = false;
    int rc;

    ctx->isServer = isServer;
    ctx->verifyPeer = cfg->verifyPeer;
    ctx->dnAllowList = g_strdupv(cfg->dnAllowList);
    ctx->certFile = g_strdup(cfg->certFile);
    if ((rc = gnutls_certificate_allocate_credentials(&ctx->cred)) < 0) {
        ctx->cred = NULL;
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot allocate x509 credentials: %1$s"),
                       gnutls_strerror(rc));
        return NULL;
    }
    if (virNetTLSCheckFiles(cfg, isServer, &haveCert, &haveCRL) < 0 ||
        virNetTLSCheckCertificates(cfg, isServer, haveCert) < 0 ||
        virNetTLSLoadCredentials(ctx, cfg, haveCert, haveCRL) < 0)
        return NULL;
    if (virNetTLSContextSetPriority(ctx, cfg->priority) < 0)
        return NULL;
    ctx->haveCert = haveCert;
    VIR_DEBUG("TLS %s context: CA %s cert %s key %s",
              isServer ? "server" : "client", cfg->caFile,
              haveCert ? cfg->certFile : "(none)",
              haveCert ? cfg->keyFile : "(none)");
    return g_steal_pointer(&ctx);
}


/**
 * virNetTLSContextNewServer:
 * The daemon's credentials from @cfg, after the full pre-flight check
 * (see the top of this file); the certificate and key must exist.
 * Caller owns the result; NULL with an error naming the file reported.
 */
virNetTLSContext *
virNetTLSContextNewServer(const virNetTLSConfig *cfg)
{
    return virNetTLSContextNew(cfg, true);
}


/**
 * virNetTLSContextNewClient:
 * A client's credentials from @cfg, checked as the server's are; without
 * a certificate file the client offers none (a server that requires one
 * refuses it).  Caller owns the result; NULL (reported).
 */
virNetTLSContext *
virNetTLSContextNewClient(const virNetTLSConfig *cfg)
{
    return virNetTLSContextNew(cfg, false);
}


void
virNetTLSContextFree(virNetTLSContext *ctx)
{
    if (!ctx)
        return;
    if (ctx->cred)
        gnutls_certificate_free_credentials(ctx->cred);
    if (ctx->priority)
        gnutls_priority_deinit(ctx->priority);
    g_strfreev(ctx->dnAllowList);
    g_free(ctx->certFile);
    g_free(ctx);
}


/* ---- sessions ---- */

/**
 * virNetTLSSessionNew:
 * A TLS session of @ctx's side on the connected non-blocking socket @fd,
 * which the caller keeps open (and owns) while the session lives.  On the
 * client side @hostname is the server's name or address from the URI.
 * Caller owns the result; NULL (reported).
 */
virNetTLSSession *
virNetTLSSessionNew(virNetTLSContext *ctx, int fd, const char *hostname)
{
    g_autoptr(virNetTLSSession) sess = g_new0(virNetTLSSession, 1);
    unsigned int flags = GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL;
    int rc;

    sess->ctx = ctx;
    sess->fd = fd;
    sess->hostname = g_strdup(hostname);
    flags |= ctx->isServer ? GNUTLS_SERVER : GNUTLS_CLIENT;
    if ((rc = gnutls_init(&sess->session, flags)) < 0) {
        sess->session = NULL;
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot start a TLS session: %1$s"), gnutls_strerror(rc));
        return NULL;
    }
    if ((rc = gnutls_priority_set(sess->session, ctx->priority)) < 0 ||
        (rc = gnutls_credentials_set(sess->session, GNUTLS_CRD_CERTIFICATE,
                                     ctx->cred)) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot set up the TLS session: %1$s"),
                       gnutls_strerror(rc));
        return NULL;
    }
    if (ctx->isServer)
        gnutls_certificate_server_set_request(sess->session, GNUTLS_CERT_REQUEST);
    else if (hostname && !g_hostname_is_ip_address(hostname))
        gnutls_server_name_set(sess->session, GNUTLS_NAME_DNS, hostname,
                               strlen(hostname));
    gnutls_transport_set_int(sess->session, fd);
    return g_steal_pointer(&sess);
}


void
virNetTLSSessionFree(virNetTLSSession *sess)
{
    if (!sess)
        return;
    if (sess->session)
        gnutls_deinit(sess->session);
    g_free(sess->hostname);
    g_free(sess->peerDN);
    g_free(sess);
}


int
virNetTLSSessionHandshake(virNetTLSSession *sess)
{
    int rc;

    if (sess->handshakeDone)
        return 0;
    rc = gnutls_handshake(sess->session);
    if (rc == 0) {
        sess->handshakeDone = true;
        VIR_DEBUG("TLS handshake on fd %d done", sess->fd);
        return 0;
    }
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED ||
        !gnutls_error_is_fatal(rc))
        return 1;
    virReportError(VIR_ERR_AUTH_FAILED, _("TLS handshake failed: %1$s"),
                   gnutls_strerror(rc));
    return -1;
}


bool
virNetTLSSessionHandshakeDone(virNetTLSSession *sess)
{
    return sess->handshakeDone;
}


/* What the socket must be polled for before the next handshake step. */
GIOCondition
virNetTLSSessionHandshakeEvents(virNetTLSSession *sess)
{
    return gnutls_record_get_direction(sess->session) ? G_IO_OUT : G_IO_IN;
}


/* The DN of the peer's first certificate, in libvirt's form (the one
 * tls_allowed_dn_list patterns match), or NULL (reported). */
static char *
virNetTLSSessionPeerDN(virNetTLSSession *sess)
{
    const gnutls_datum_t *certs;
    unsigned int ncerts = 0;
    gnutls_x509_crt_t cert = NULL;
    g_autofree char *dn = NULL;
    size_t size = 0;

    if (!(certs = gnutls_certificate_get_peers(sess->session, &ncerts)) ||
        ncerts == 0 ||
        gnutls_x509_crt_init(&cert) < 0)
        goto error;
    if (gnutls_x509_crt_import(cert, &certs[0], GNUTLS_X509_FMT_DER) < 0 ||
        gnutls_x509_crt_get_dn(cert, NULL, &size) != GNUTLS_E_SHORT_MEMORY_BUFFER)
        goto error;
    dn = g_new0(char, size + 1);
    if (gnutls_x509_crt_get_dn(cert, dn, &size) < 0)
        goto error;
    gnutls_x509_crt_deinit(cert);
    return g_steal_pointer(&dn);

 error:
    if (cert)
        gnutls_x509_crt_deinit(cert);
    virReportError(VIR_ERR_AUTH_FAILED, "%s",
                   _("cannot read the distinguished name of the peer's certificate"));
    return NULL;
}


/* The checks of virNetTLSSessionCheckPeer, whatever verifyPeer says. */
static int
virNetTLSSessionVerify(virNetTLSSession *sess)
{
    virNetTLSContext *ctx = sess->ctx;
    const char *who = ctx->isServer ? _("client") : _("server");
    unsigned int status = 0;
    int rc;
    size_t i;

    rc = gnutls_certificate_verify_peers3(sess->session,
                                          ctx->isServer ? NULL : sess->hostname,
                                          &status);
    if (rc == GNUTLS_E_NO_CERTIFICATE_FOUND) {
        /* a client only offers a certificate of a CA the server names */
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("the %1$s sent no certificate signed by a CA this host trusts"),
                       who);
        return -1;
    }
    if (rc < 0 || status != 0) {
        g_autofree char *why = rc < 0 ? g_strdup(gnutls_strerror(rc)) :
                                        virNetTLSStatusText(status);

        virReportError(VIR_ERR_AUTH_FAILED,
                       _("the %1$s's certificate failed verification: %2$s"),
                       who, why);
        return -1;
    }
    if (!(sess->peerDN = virNetTLSSessionPeerDN(sess)))
        return -1;
    if (!ctx->isServer || !ctx->dnAllowList)
        return 0;
    for (i = 0; ctx->dnAllowList[i]; i++) {
        if (g_pattern_match_simple(ctx->dnAllowList[i], sess->peerDN))
            return 0;
    }
    virReportError(VIR_ERR_AUTH_FAILED,
                   _("client certificate DN '%1$s' is not on tls_allowed_dn_list"),
                   sess->peerDN);
    return -1;
}


/**
 * virNetTLSSessionCheckPeer:
 * After the handshake: the peer's certificate must chain to our CA (and
 * pass our CRL) within its dates; a server's must name the host we
 * connected to, a client's DN must match tls_allowed_dn_list when one is
 * set.  A context made with verifyPeer false (no_verify=1) only logs a
 * failure.  Returns 0 or -1 (reported, VIR_ERR_AUTH_FAILED).
 */
int
virNetTLSSessionCheckPeer(virNetTLSSession *sess)
{
    if (virNetTLSSessionVerify(sess) == 0) {
        VIR_DEBUG("TLS peer on fd %d accepted: %s", sess->fd,
                  NULLSTR(sess->peerDN));
        return 0;
    }
    if (sess->ctx->verifyPeer)
        return -1;
    VIR_WARN("ignoring a bad peer certificate (no_verify): %s",
             virErrorGetLastMessage());
    virErrorResetLast();
    return 0;
}


const char *
virNetTLSSessionGetPeerDN(virNetTLSSession *sess)
{
    return sess->peerDN;
}


/* Waits for @events on the session's socket until @deadline (ms,
 * monotonic).  Returns 0, or -1 (reported) on timeout. */
static int
virNetTLSSessionWait(virNetTLSSession *sess, GIOCondition events,
                     long long deadline, const char *what)
{
    struct pollfd pfd = { .fd = sess->fd };
    long long left;
    int rc;

    pfd.events = (events & G_IO_IN ? POLLIN : 0) |
                 (events & G_IO_OUT ? POLLOUT : 0);
    do {
        left = deadline - g_get_monotonic_time() / 1000;
        if (left <= 0) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("timed out waiting for the server's %1$s"), what);
            return -1;
        }
        rc = poll(&pfd, 1, (int)MIN(left, G_MAXINT));
    } while (rc == 0 || (rc < 0 && errno == EINTR));
    if (rc < 0) {
        virReportSystemError(errno, "%s", _("poll on the TLS socket failed"));
        return -1;
    }
    return 0;
}


/* Reads the server's verdict: 1 when it accepted us.  Returns 0 or -1. */
static int
virNetTLSSessionClientConfirm(virNetTLSSession *sess, long long deadline)
{
    char byte = 0;
    ssize_t n;

    for (;;) {
        if ((n = virNetTLSSessionRead(sess, &byte, 1)) != 0)
            break;
        if (virNetTLSSessionWait(sess, G_IO_IN, deadline, _("verdict")) < 0)
            return -1;
    }
    if (n == 1 && byte == 1)
        return 0;
    if (n < 0)
        virErrorResetLast();
    if (!sess->ctx->haveCert)
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("the server refused this client after the TLS handshake: this client has no certificate ('%1$s' does not exist)"),
                       sess->ctx->certFile);
    else
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("the server refused this client after the TLS handshake: check that its certificate '%1$s' is signed by the server's CA and that its DN is on the server's tls_allowed_dn_list"),
                       sess->ctx->certFile);
    return -1;
}


int
virNetTLSSessionClientStart(virNetTLSSession *sess, int timeoutMs)
{
    long long deadline = g_get_monotonic_time() / 1000 + timeoutMs;
    int rc;

    while ((rc = virNetTLSSessionHandshake(sess)) > 0) {
        if (virNetTLSSessionWait(sess, virNetTLSSessionHandshakeEvents(sess),
                                 deadline, _("TLS handshake")) < 0)
            return -1;
    }
    if (rc < 0 || virNetTLSSessionCheckPeer(sess) < 0)
        return -1;
    return virNetTLSSessionClientConfirm(sess, deadline);
}


ssize_t
virNetTLSSessionRead(virNetTLSSession *sess, char *buf, size_t len)
{
    ssize_t n;

    do {
        n = gnutls_record_recv(sess->session, buf, len);
    } while (n == GNUTLS_E_INTERRUPTED);
    if (n > 0)
        return n;
    if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION)
        return -2;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_REHANDSHAKE ||
        !gnutls_error_is_fatal(n))
        return 0;
    virReportError(VIR_ERR_RPC, _("TLS read failed: %1$s"), gnutls_strerror(n));
    return -1;
}


ssize_t
virNetTLSSessionWrite(virNetTLSSession *sess, const char *buf, size_t len)
{
    ssize_t n;

    do {
        n = gnutls_record_send(sess->session, buf, len);
    } while (n == GNUTLS_E_INTERRUPTED);
    if (n >= 0)
        return n;
    if (n == GNUTLS_E_AGAIN)
        return 0;
    virReportError(VIR_ERR_RPC, _("TLS write failed: %1$s"), gnutls_strerror(n));
    return -1;
}


size_t
virNetTLSSessionPending(virNetTLSSession *sess)
{
    return sess->handshakeDone ? gnutls_record_check_pending(sess->session) : 0;
}


void
virNetTLSSessionBye(virNetTLSSession *sess)
{
    if (sess->handshakeDone)
        ignore_value(gnutls_bye(sess->session, GNUTLS_SHUT_WR));
}
