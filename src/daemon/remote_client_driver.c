/*
 * remote_client_driver.c: a driver table that forwards every entry to
 * another daemon over RPC
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each entry encodes its arguments, makes one call on the connection's
 * virNetClient and converts the XDR result into the table's types.  The
 * connection is shared: entries may run from many threads at once, the
 * client multiplexes them.  Errors from the peer arrive as the calling
 * thread's last error with the peer's code, domain and message.
 */
#include <config.h>

#include "remote_client_driver_entries.h"
#include "remote_daemon_dispatch.h"
#define LIBVIRT_REMOTE_CLIENT_DRIVERPRIV_H_ALLOW
#include "remote_client_driverpriv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

VIR_LOG_INIT("daemon.remote_client_driver");

/* What a stock p2p source daemon uses for its destination connection. */
#define REMOTE_CLIENT_KEEPALIVE_INTERVAL 5
#define REMOTE_CLIENT_KEEPALIVE_COUNT 5
/* Bound on the TLS handshake and the server's verdict. */
#define REMOTE_CLIENT_TLS_TIMEOUT_MS (30 * 1000)
/* Bound on a call when the peer does not do keepalive (with keepalive, a
 * silent peer is dropped after about 30 s instead). */
#define REMOTE_CLIENT_CALL_TIMEOUT_MS (5 * 60 * 1000)

static const virHypervisorDriver remoteClientDriver;

/* remoteClientSetPKIRoot's directory; NULL: SYSCONFDIR/pki. */
static char *remoteClientPKIRoot;


void
remoteClientSetPKIRoot(const char *dir)
{
    g_free(remoteClientPKIRoot);
    remoteClientPKIRoot = g_strdup(dir);
}


/* ---- URIs ---- */

/* Query parameters only the client side uses: never sent to the server. */
/* clang-format off */
static const char *const remoteClientOnlyParams[] = {
    "name", "command", "socket", "auth", "sshauth", "netcat", "keyfile",
    "pkipath", "known_hosts", "known_hosts_verify", "tls_priority", "mode",
    "proxy", "no_sanity", "no_verify", "no_tty", "authfile", NULL
};
/* clang-format on */


/* The client-only parameters kept, by name: strings replace the field
 * at @str, booleans set the one at @flag ("0" and "" are false). */
typedef struct {
    const char *name;
    size_t str;
    size_t flag;
} remoteClientURIField;

#define REMOTE_CLIENT_FIELD(f) G_STRUCT_OFFSET(remoteClientURI, f)
static const remoteClientURIField remoteClientURIFields[] = {
    { "socket", REMOTE_CLIENT_FIELD(socketPath), 0 },
    { "pkipath", REMOTE_CLIENT_FIELD(pkiPath), 0 },
    { "tls_priority", REMOTE_CLIENT_FIELD(tlsPriority), 0 },
    { "name", REMOTE_CLIENT_FIELD(name), 0 },
    { "command", REMOTE_CLIENT_FIELD(command), 0 },
    { "netcat", REMOTE_CLIENT_FIELD(netcat), 0 },
    { "keyfile", REMOTE_CLIENT_FIELD(keyfile), 0 },
    { "no_verify", 0, REMOTE_CLIENT_FIELD(noVerify) },
    { "no_tty", 0, REMOTE_CLIENT_FIELD(noTTY) },
};


/* Frees @uri (NULL is fine): the strings of its query parameters as
 * remoteClientURIFields lists them, and the others. */
void
remoteClientURIFree(remoteClientURI *uri)
{
    size_t i;

    if (!uri)
        return;
    for (i = 0; i < G_N_ELEMENTS(remoteClientURIFields); i++) {
        if (remoteClientURIFields[i].str)
            g_free(G_STRUCT_MEMBER(char *, uri, remoteClientURIFields[i].str));
    }
    g_free(uri->host);
    g_free(uri->port);
    g_free(uri->username);
    g_free(uri);
}


/* Stores client parameter @key=@value (steals @value) in @out; ?proxy=
 * goes to *@proxy, ?mode= to *@mode. */
static void
remoteClientURIKeep(const char *key, char *value, remoteClientURI *out,
                    char **proxy, char **mode)
{
    g_autofree char *owned = value;
    size_t i;

    if (STREQ(key, "proxy") || STREQ(key, "mode")) {
        char **dst = STREQ(key, "proxy") ? proxy : mode;

        g_free(*dst);
        *dst = g_steal_pointer(&owned);
        return;
    }
    for (i = 0; i < G_N_ELEMENTS(remoteClientURIFields); i++) {
        const remoteClientURIField *f = &remoteClientURIFields[i];

        if (STRNEQ(key, f->name))
            continue;
        if (f->flag) {
            G_STRUCT_MEMBER(bool, out, f->flag) = *value && STRNEQ(value, "0");
        } else {
            g_free(G_STRUCT_MEMBER(char *, out, f->str));
            G_STRUCT_MEMBER(char *, out, f->str) = g_steal_pointer(&owned);
        }
        return;
    }
    VIR_DEBUG("ignoring client parameter %s", key);
}


/* Takes the client-only parameters out of @query (still encoded) into
 * @out (?proxy= and ?mode= as given into *@proxy and *@mode, caller
 * owns them); the rest is returned in its original encoding for the
 * server (caller owns the result). */
static char *
remoteClientURISplitQuery(const char *query, remoteClientURI *out, char **proxy,
                          char **mode)
{
    g_auto(GStrv) params = g_strsplit_set(query ? query : "", "&;", -1);
    g_autoptr(GPtrArray) kept = g_ptr_array_new();
    size_t i;

    for (i = 0; params[i]; i++) {
        const char *eq = strchr(params[i], '=');
        g_autofree char *key = NULL;
        char *value = NULL;

        if (!*params[i])
            continue;
        key = g_uri_unescape_segment(params[i], eq, NULL);
        value = eq ? g_uri_unescape_string(eq + 1, NULL) : g_strdup("");
        if (!key || !value || !g_strv_contains(remoteClientOnlyParams, key)) {
            g_free(value);
            g_ptr_array_add(kept, params[i]);
            continue;
        }
        remoteClientURIKeep(key, value, out, proxy, mode);
    }
    g_ptr_array_add(kept, NULL);
    return g_strjoinv("&", (char **)kept->pdata);
}


/* Checks the driver part of the scheme and picks the transport. */
static int
remoteClientURIParseScheme(GUri *uri, const char *uristr,
                           remoteClientTransport *transport)
{
    g_auto(GStrv) parts = g_strsplit(g_uri_get_scheme(uri), "+", 2);
    const char *host = g_uri_get_host(uri);
    bool hasHost = host && *host;

    if (STRNEQ(parts[0], "qemu")) {
        virReportError(VIR_ERR_NO_CONNECT,
                       _("no connection driver available for %1$s"), uristr);
        return -1;
    }
    if (!parts[1]) {
        /* libvirt's rule: a host without a transport means TLS */
        *transport = hasHost ? REMOTE_CLIENT_TRANSPORT_TLS :
                               REMOTE_CLIENT_TRANSPORT_UNIX;
    } else if (STRCASEEQ(parts[1], "unix")) {
        if (hasHost) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("the unix transport cannot reach the remote server '%1$s'"),
                           host);
            return -1;
        }
        *transport = REMOTE_CLIENT_TRANSPORT_UNIX;
    } else if (STRCASEEQ(parts[1], "tcp")) {
        *transport = REMOTE_CLIENT_TRANSPORT_TCP;
    } else if (STRCASEEQ(parts[1], "tls")) {
        *transport = REMOTE_CLIENT_TRANSPORT_TLS;
    } else if (STRCASEEQ(parts[1], "ssh")) {
        *transport = REMOTE_CLIENT_TRANSPORT_SSH;
    } else {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("transport '%1$s' in URI '%2$s' is not supported (should be unix|tcp|tls|ssh)"),
                       parts[1], uristr);
        return -1;
    }
    return 0;
}


/* Fills in where to connect: socket path or host and port. */
static void
remoteClientURISetTarget(GUri *uri, unsigned int flags, remoteClientURI *out)
{
    const char *host = g_uri_get_host(uri);

    if (out->transport == REMOTE_CLIENT_TRANSPORT_UNIX) {
        if (!out->socketPath)
            out->socketPath = g_strdup((flags & VIR_CONNECT_RO) ?
                                       REMOTE_CLIENT_DEFAULT_SOCKET_RO :
                                       REMOTE_CLIENT_DEFAULT_SOCKET);
        return;
    }
    out->host = g_strdup(host && *host ? host : "localhost");
    if (g_uri_get_port(uri) > 0)
        out->port = g_strdup_printf("%d", g_uri_get_port(uri));
    else if (out->transport == REMOTE_CLIENT_TRANSPORT_SSH)
        return; /* ssh's own default (22, or its config's) */
    else if (out->transport == REMOTE_CLIENT_TRANSPORT_TLS)
        out->port = g_strdup(REMOTE_CLIENT_DEFAULT_TLS_PORT);
    else
        out->port = g_strdup(REMOTE_CLIENT_DEFAULT_TCP_PORT);
}


/* qemu+ssh://: the user, the tunnel's proxy (?proxy=@proxy, by default
 * netcat with ?socket= and auto without, as libvirt.so) and the remote
 * socket (libvirtd's by default: libvirt.so's "legacy" mode, the only
 * one ssh can use; ?mode=@mode may say so).  Returns 0 or -1 (reported:
 * VIR_ERR_INVALID_ARG, or VIR_ERR_OPERATION_UNSUPPORTED for direct mode
 * without ?socket=). */
static int
remoteClientURISetSSH(GUri *uri, const char *proxy, const char *mode,
                      unsigned int flags, remoteClientURI *out)
{
    const char *user = g_uri_get_user(uri);
    int value;

    if (user && *user)
        out->username = g_uri_unescape_string(user, NULL);
    if (!proxy) {
        out->proxy = out->socketPath ? VIR_NET_CLIENT_PROXY_NETCAT
                                     : VIR_NET_CLIENT_PROXY_AUTO;
    } else if ((value = virNetClientProxyTypeFromString(proxy)) < 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("Unknown proxy type '%1$s'"),
                       proxy);
        return -1;
    } else {
        out->proxy = value;
    }
    if (mode && STRNEQ(mode, "auto") && STRNEQ(mode, "legacy") &&
        STRNEQ(mode, "direct")) {
        virReportError(VIR_ERR_INVALID_ARG, _("Unknown remote mode '%1$s'"),
                       mode);
        return -1;
    }
    if (out->socketPath)
        return 0;
    if (mode && STREQ(mode, "direct")) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("Cannot use direct socket mode for ssh transport"));
        return -1;
    }
    out->socketPath = g_strdup((flags & VIR_CONNECT_RO)
                                   ? REMOTE_CLIENT_SSH_DEFAULT_SOCKET_RO
                                   : REMOTE_CLIENT_SSH_DEFAULT_SOCKET);
    return 0;
}


/**
 * remoteClientURIParse:
 * Parses a libvirt connection URI the way libvirt.so's remote driver does
 * for the transports we support: qemu+unix:///system?socket=PATH,
 * qemu:///system and qemu+unix:///system (the default socket, or its -ro
 * twin with VIR_CONNECT_RO in @flags), qemu+tcp://HOST[:PORT]/system
 * (port 16509 by default) and qemu+tls://HOST[:PORT]/system or
 * qemu://HOST/system (port 16514, with ?pkipath=, ?no_verify=,
 * ?tls_priority=), and qemu+ssh://[USER@]HOST[:PORT]/system (with
 * ?socket=, ?command=, ?keyfile=, ?netcat=, ?proxy=, ?no_verify=,
 * ?no_tty=, ?mode=; see remoteClientURISetSSH).  The name sent with
 * CONNECT_OPEN drops the
 * transport, the server and the client-only query parameters and keeps the
 * others; ?name= overrides it.  On success *@out gets the result (caller
 * owns it).  Returns 0, or -1 (reported: VIR_ERR_INVALID_ARG, or
 * VIR_ERR_NO_CONNECT for a driver other than qemu).
 */
int
remoteClientURIParse(const char *uristr, unsigned int flags,
                     remoteClientURI **out)
{
    g_autoptr(remoteClientURI) ret = g_new0(remoteClientURI, 1);
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GUri) uri = NULL;
    g_autofree char *query = NULL;
    g_autofree char *proxy = NULL;
    g_autofree char *mode = NULL;

    if (!uristr || !*uristr) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a connection URI is required"));
        return -1;
    }
    if (!(uri = g_uri_parse(uristr, G_URI_FLAGS_ENCODED, &gerr))) {
        virReportError(VIR_ERR_INVALID_ARG, _("cannot parse URI '%1$s': %2$s"),
                       uristr, gerr->message);
        return -1;
    }
    if (remoteClientURIParseScheme(uri, uristr, &ret->transport) < 0)
        return -1;
    query = remoteClientURISplitQuery(g_uri_get_query(uri), ret, &proxy, &mode);
    if (ret->transport == REMOTE_CLIENT_TRANSPORT_SSH &&
        remoteClientURISetSSH(uri, proxy, mode, flags, ret) < 0)
        return -1;
    remoteClientURISetTarget(uri, flags, ret);
    ret->readonly = !!(flags & VIR_CONNECT_RO);
    if (!ret->name)
        ret->name = g_strdup_printf("qemu://%s%s%s", g_uri_get_path(uri),
                                    *query ? "?" : "", query);
    *out = g_steal_pointer(&ret);
    return 0;
}


/* ---- the connection ---- */

/**
 * remoteClientCall:
 * Calls remote procedure @proc on @conn's connection (any thread; calls
 * overlap).  NULL filters mean void; @ret is zeroed by the caller, filled
 * only on success and freed by the caller with xdr_free.  Returns 0 or
 * -1 (reported; the peer's own errors pass through unchanged).
 */
int
remoteClientCall(virConn *conn, int proc, xdrproc_t argsFilter, void *args,
                 xdrproc_t retFilter, void *ret)
{
    return remoteClientCallSerial(conn, proc, argsFilter, args, retFilter,
                                  ret, NULL);
}


/**
 * remoteClientCallSerial:
 * remoteClientCall that also tells, in *@serial (if not NULL, written
 * on success), the serial the call went with: the one of the stream a
 * call opens.
 */
int
remoteClientCallSerial(virConn *conn, int proc, xdrproc_t argsFilter,
                       void *args, xdrproc_t retFilter, void *ret,
                       unsigned int *serial)
{
    remoteClientPriv *priv = conn->privateData;

    return virNetClientCallSerial(priv->client, REMOTE_PROGRAM,
                                  REMOTE_PROTOCOL_VERSION, proc, argsFilter,
                                  args, retFilter, ret, priv->timeoutMs,
                                  serial);
}


static void
remoteClientOnClose(virNetClient *client, int reason,
                    void *opaque G_GNUC_UNUSED)
{
    VIR_WARN("connection to %s closed (reason %d)",
             virNetClientGetPeer(client), reason);
}


static void
remoteClientOnEvent(virNetClient *client, virNetMessage *msg,
                    void *opaque G_GNUC_UNUSED)
{
    remote_connect_event_connection_closed_msg data = { 0 };

    if (msg->header.proc != REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED) {
        VIR_DEBUG("ignoring event %d from %s", msg->header.proc,
                  virNetClientGetPeer(client));
        return;
    }
    if (virNetMessageDecodePayload(msg,
            REMOTE_XDR(xdr_remote_connect_event_connection_closed_msg),
            &data) == 0)
        VIR_INFO("%s announced it closes the connection (reason %d)",
                 virNetClientGetPeer(client), data.reason);
}


/* Frees @conn and its private data; closes the socket if still open. */
static void
remoteClientConnFree(virConn *conn)
{
    remoteClientPriv *priv = conn->privateData;

    if (priv) {
        if (priv->client) {
            virNetClientSetCloseCallback(priv->client, NULL, NULL, NULL);
            virNetClientSetEventCallback(priv->client, NULL, NULL, NULL);
            virNetClientUnref(priv->client);
        }
        g_mutex_clear(&priv->lock);
        g_free(priv->type);
        g_free(priv);
    }
    g_free(conn->uri);
    g_free(conn);
}


static virConn *
remoteClientConnNew(const char *uri, unsigned int flags,
                    virNetClient *client)
{
    virConn *conn = g_new0(virConn, 1);
    remoteClientPriv *priv = g_new0(remoteClientPriv, 1);

    g_mutex_init(&priv->lock);
    priv->migrateParams = -1;
    priv->client = client;
    priv->timeoutMs = REMOTE_CLIENT_CALL_TIMEOUT_MS;
    virNetClientSetCloseCallback(client, remoteClientOnClose, NULL, NULL);
    virNetClientSetEventCallback(client, remoteClientOnEvent, NULL, NULL);
    conn->driver = &remoteClientDriver;
    conn->privateData = priv;
    conn->uri = g_strdup(uri);
    conn->readonly = !!(flags & VIR_CONNECT_RO);
    return conn;
}


/* qemu+tls://: this host's client credentials (?pkipath= or the
 * daemon's pki root), checked, then the TLS connection. */
static virNetClient *
remoteClientConnectTLS(const remoteClientURI *uri)
{
    g_auto(virNetTLSConfig) cfg = { 0 };
    virNetTLSContext *ctx;

    if (uri->pkiPath)
        virNetTLSConfigFromPKIPath(&cfg, uri->pkiPath, false);
    else if (remoteClientPKIRoot)
        virNetTLSConfigFromPKIRoot(&cfg, remoteClientPKIRoot, false);
    else
        virNetTLSConfigFromPKIRoot(&cfg, SYSCONFDIR "/pki", false);
    cfg.priority = g_strdup(uri->tlsPriority);
    cfg.verifyPeer = !uri->noVerify;
    if (!(ctx = virNetTLSContextNewClient(&cfg)))
        return NULL;
    return virNetClientNewTLS(uri->host, uri->port, ctx,
                              REMOTE_CLIENT_TLS_TIMEOUT_MS);
}


/* qemu+ssh://: ssh as our child, tunnelling to the remote socket. */
static virNetClient *
remoteClientConnectSSH(const remoteClientURI *uri)
{
    const virNetClientSSHParams params = {
        .host = uri->host,
        .port = uri->port,
        .username = uri->username,
        .binary = uri->command,
        .keyfile = uri->keyfile,
        .noTTY = uri->noTTY,
        .noVerify = uri->noVerify,
        .proxy = uri->proxy,
        .netcat = uri->netcat,
        .socketPath = uri->socketPath,
        .driverURI = uri->name,
        .readonly = uri->readonly,
    };

    return virNetClientNewSSH(&params);
}


static virNetClient *
remoteClientConnect(const remoteClientURI *uri)
{
    switch (uri->transport) {
    case REMOTE_CLIENT_TRANSPORT_UNIX:
        return virNetClientNewUNIX(uri->socketPath);
    case REMOTE_CLIENT_TRANSPORT_TCP:
        return virNetClientNewTCP(uri->host, uri->port);
    case REMOTE_CLIENT_TRANSPORT_TLS:
        return remoteClientConnectTLS(uri);
    case REMOTE_CLIENT_TRANSPORT_SSH:
        return remoteClientConnectSSH(uri);
    case REMOTE_CLIENT_TRANSPORT_LAST:
    default:
        virReportEnumRangeError(remoteClientTransport, uri->transport);
        return NULL;
    }
}


/* AUTH_LIST: only "none" (first entry, or an empty list) is supported. */
static int
remoteClientCheckAuth(virConn *conn)
{
    remote_auth_list_ret ret;
    int first;

    memset(&ret, 0, sizeof(ret));
    if (remoteClientCall(conn, REMOTE_PROC_AUTH_LIST, NULL, NULL,
                         REMOTE_XDR(xdr_remote_auth_list_ret), &ret) < 0) {
        if (virErrorGetLastCode() != VIR_ERR_NO_SUPPORT)
            return -1;
        virErrorResetLast();
        return 0;
    }
    first = ret.types.types_len > 0 ? ret.types.types_val[0] : REMOTE_AUTH_NONE;
    xdr_free(REMOTE_XDR(xdr_remote_auth_list_ret), (char *)&ret);
    if (first != REMOTE_AUTH_NONE) {
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("the server requires authentication type %1$d, which is not supported"),
                       first);
        return -1;
    }
    return 0;
}


/* CONNECT_SUPPORTS_FEATURE.  Returns 1 or 0, or -1 (reported). */
int
remoteClientProbeFeature(virConn *conn, int feature)
{
    remote_connect_supports_feature_args args = { .feature = feature };
    remote_connect_supports_feature_ret ret = { 0 };

    if (remoteClientCall(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                         REMOTE_XDR(xdr_remote_connect_supports_feature_args),
                         &args,
                         REMOTE_XDR(xdr_remote_connect_supports_feature_ret),
                         &ret) < 0)
        return -1;
    return ret.supported ? 1 : 0;
}


/* A handshake probe: a failure means "not supported", as in libvirt.so. */
static bool
remoteClientProbeQuiet(virConn *conn, int feature)
{
    int rc = remoteClientProbeFeature(conn, feature);

    if (rc < 0) {
        VIR_DEBUG("feature %d probe failed: %s", feature,
                  virErrorGetLastMessage());
        virErrorResetLast();
    }
    return rc == 1;
}


static int
remoteClientSendOpen(virConn *conn, const char *name, unsigned int flags)
{
    g_autofree char *copy = g_strdup(name);
    remote_connect_open_args args = { .name = &copy,
                                      .flags = flags & VIR_CONNECT_RO };

    return remoteClientCall(conn, REMOTE_PROC_CONNECT_OPEN,
                            REMOTE_XDR(xdr_remote_connect_open_args), &args,
                            NULL, NULL);
}


/* CONNECT_CLOSE after a failed step past CONNECT_OPEN; keeps the error. */
static void
remoteClientSendCloseQuiet(virConn *conn)
{
    virError *saved = NULL;

    virErrorPreserveLast(&saved);
    if (remoteClientCall(conn, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL,
                         NULL, NULL) < 0)
        VIR_DEBUG("CONNECT_CLOSE failed: %s", virErrorGetLastMessage());
    virErrorRestore(&saved);
}


/**
 * remoteClientHandshake:
 * libvirt.so's doRemoteOpen sequence: AUTH_LIST, SUPPORTS_FEATURE(10) and
 * keepalive 5/5 if the peer has it, CONNECT_OPEN(@name), SUPPORTS_FEATURE
 * 14 and 15, and CONNECT_REGISTER_CLOSE_CALLBACK if 15.  Returns 0 or -1
 * (reported).
 */
static int
remoteClientHandshake(virConn *conn, const char *name, unsigned int flags,
                      bool bounded)
{
    remoteClientPriv *priv = conn->privateData;

    if (remoteClientCheckAuth(conn) < 0)
        return -1;
    if (remoteClientProbeQuiet(conn, REMOTE_CLIENT_FEATURE_PROGRAM_KEEPALIVE)) {
        priv->keepalive = true;
        if (virNetClientSetKeepAlive(priv->client,
                                     REMOTE_CLIENT_KEEPALIVE_INTERVAL,
                                     REMOTE_CLIENT_KEEPALIVE_COUNT) < 0)
            return -1;
        if (!bounded)
            priv->timeoutMs = -1;
    }
    if (remoteClientSendOpen(conn, name, flags) < 0)
        return -1;
    priv->eventCallback =
        remoteClientProbeQuiet(conn, REMOTE_CLIENT_FEATURE_REMOTE_EVENT_CALLBACK);
    if (remoteClientProbeQuiet(conn, REMOTE_CLIENT_FEATURE_REMOTE_CLOSE_CALLBACK)) {
        if (remoteClientCall(conn, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK,
                             NULL, NULL, NULL, NULL) < 0) {
            remoteClientSendCloseQuiet(conn);
            return -1;
        }
        priv->closeCallback = true;
    }
    return 0;
}


/**
 * remoteClientConnOpen:
 * Opens a connection to the daemon named by @uri (see remoteClientURIParse
 * for the forms accepted) with libvirt.so's handshake.  @flags accepts
 * VIR_CONNECT_RO only.  Connection failures name the socket or host and
 * port; an error of the peer (e.g. "no connection driver available") is
 * passed through unchanged.  Returns a connection whose driver forwards
 * every entry over RPC; the caller owns it and ends it with
 * conn->driver->connectClose(conn), which also frees it.  NULL on error
 * (reported).
 */
virConn *
remoteClientConnOpen(const char *uri, unsigned int flags)
{
    return remoteClientConnOpenBounded(uri, flags, 0);
}


/**
 * remoteClientConnOpenBounded:
 * As remoteClientConnOpen, but with @timeoutMs > 0 every call on the
 * connection, the handshake's included, fails with
 * VIR_ERR_OPERATION_TIMEOUT after @timeoutMs even when the peer answers
 * keepalive pings (a daemon stuck in a step but alive), for the short
 * questions one daemon asks another.
 */
virConn *
remoteClientConnOpenBounded(const char *uri, unsigned int flags, int timeoutMs)
{
    g_autoptr(remoteClientURI) parsed = NULL;
    virNetClient *client;
    virConn *conn;

    virCheckFlags(VIR_CONNECT_RO, NULL);
    if (remoteClientURIParse(uri, flags, &parsed) < 0)
        return NULL;
    VIR_DEBUG("uri=%s name=%s socket=%s host=%s port=%s", uri, parsed->name,
              NULLSTR(parsed->socketPath), NULLSTR(parsed->host),
              NULLSTR(parsed->port));
    if (!(client = remoteClientConnect(parsed)))
        return NULL;
    conn = remoteClientConnNew(uri, flags, client);
    if (timeoutMs > 0)
        ((remoteClientPriv *)conn->privateData)->timeoutMs = timeoutMs;
    if (remoteClientHandshake(conn, parsed->name, flags, timeoutMs > 0) < 0) {
        remoteClientConnFree(conn);
        return NULL;
    }
    return conn;
}


/**
 * remoteClientConnIsAlive:
 * Whether @conn is a remote client connection whose socket is still open
 * (libvirt's virConnectIsAlive: no RPC).  Callable from any thread.
 */
bool
remoteClientConnIsAlive(virConn *conn)
{
    remoteClientPriv *priv;

    if (!conn || conn->driver != &remoteClientDriver)
        return false;
    priv = conn->privateData;
    return virNetClientIsOpen(priv->client);
}


/* ---- driver entries: connection and host ---- */

/* UNREGISTER_CLOSE_CALLBACK (if registered and still open), CONNECT_CLOSE,
 * then frees @conn.  Returns -1 (reported) if the peer did not confirm. */
static int
remoteClientConnectClose(virConn *conn)
{
    remoteClientPriv *priv = conn->privateData;
    int ret = 0;

    virNetClientSetCloseCallback(priv->client, NULL, NULL, NULL);
    if (priv->closeCallback && virNetClientIsOpen(priv->client) &&
        remoteClientCall(conn, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK,
                         NULL, NULL, NULL, NULL) < 0)
        ret = -1;
    if (ret == 0 &&
        remoteClientCall(conn, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL,
                         NULL, NULL) < 0)
        ret = -1;
    remoteClientConnFree(conn);
    return ret;
}


/* Changes the keepalive probes of a peer that does keepalive; returns 1
 * (as libvirt) when it does not: its calls stay bounded by time. */
static int
remoteClientConnectSetKeepAlive(virConn *conn, int interval,
                                unsigned int count)
{
    remoteClientPriv *priv = conn->privateData;

    if (!priv->keepalive) {
        VIR_DEBUG("%s does not do keepalive", virNetClientGetPeer(priv->client));
        return 1;
    }
    return virNetClientSetKeepAlive(priv->client, interval, count);
}


static int
remoteClientConnectIsAlive(virConn *conn)
{
    return remoteClientConnIsAlive(conn) ? 1 : 0;
}


static int
remoteClientConnectSupportsFeature(virConn *conn, int feature)
{
    if (feature == REMOTE_CLIENT_FEATURE_REMOTE)
        return 1;
    return remoteClientProbeFeature(conn, feature);
}


/* The answer is cached: the table returns a string the caller does not
 * own, valid as long as @conn. */
static const char *
remoteClientConnectGetType(virConn *conn)
{
    remoteClientPriv *priv = conn->privateData;
    remote_connect_get_type_ret ret = { 0 };
    const char *cached;

    g_mutex_lock(&priv->lock);
    cached = priv->type;
    g_mutex_unlock(&priv->lock);
    if (cached)
        return cached;
    if (remoteClientCall(conn, REMOTE_PROC_CONNECT_GET_TYPE, NULL, NULL,
                         REMOTE_XDR(xdr_remote_connect_get_type_ret), &ret) < 0)
        return NULL;
    g_mutex_lock(&priv->lock);
    if (!priv->type)
        priv->type = g_steal_pointer(&ret.type);
    g_mutex_unlock(&priv->lock);
    xdr_free(REMOTE_XDR(xdr_remote_connect_get_type_ret), (char *)&ret);
    return priv->type;
}


/* ---- driver entries: domains ---- */

/* Fills the wire domain of call arguments from @src.  @dst borrows
 * @src's name: never xdr_free arguments filled this way. */
void
remoteClientFillDomain(remote_nonnull_domain *dst, const virDomainIdent *src)
{
    dst->name = src->name;
    memcpy(dst->uuid, src->uuid, VIR_UUID_BUFLEN);
    dst->id = src->id;
}


/* Converts a list reply; @n entries plus a NULL terminator. */
static virDomainIdent **
remoteClientMakeIdentList(const remote_nonnull_domain *doms, size_t n)
{
    virDomainIdent **list = g_new0(virDomainIdent *, n + 1);
    size_t i;

    for (i = 0; i < n; i++)
        list[i] = remoteDomainFromWire(&doms[i]);
    return list;
}


/* With @domains NULL only the count is asked for (need_results = 0);
 * otherwise *@domains gets a NULL-terminated array the caller frees with
 * virDomainIdentListFree. */
static int
remoteClientConnectListAllDomains(virConn *conn, virDomainIdent ***domains,
                                  unsigned int flags)
{
    remote_connect_list_all_domains_args args = { .need_results = !!domains,
                                                  .flags = flags };
    remote_connect_list_all_domains_ret ret;
    int rv = -1;

    memset(&ret, 0, sizeof(ret));
    if (remoteClientCall(conn, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
                         REMOTE_XDR(xdr_remote_connect_list_all_domains_args), &args,
                         REMOTE_XDR(xdr_remote_connect_list_all_domains_ret), &ret) < 0)
        return -1;
    if (ret.ret > REMOTE_DOMAIN_LIST_MAX ||
        (domains && ret.ret != ret.domains.domains_len)) {
        virReportError(VIR_ERR_RPC,
                       _("inconsistent domain list: %1$u domains announced, %2$u sent"),
                       ret.ret, ret.domains.domains_len);
        goto cleanup;
    }
    if (domains)
        *domains = remoteClientMakeIdentList(ret.domains.domains_val,
                                             ret.domains.domains_len);
    rv = ret.ret;
 cleanup:
    xdr_free(REMOTE_XDR(xdr_remote_connect_list_all_domains_ret), (char *)&ret);
    return rv;
}


/* The legacy list calls (LIST_DOMAINS, LIST_DEFINED_DOMAINS): both take
 * their maximum alone and reply with at most that many entries. */
G_STATIC_ASSERT(sizeof(remote_connect_list_domains_args) ==
                sizeof(remote_connect_list_defined_domains_args));

/* Calls legacy list procedure @proc for at most @max entries.  Returns
 * how many the reply (*@ret, whose count is at @retLen; the caller frees
 * it with xdr_free in any case) holds, or -1 (reported: a maximum above
 * the protocol's, as libvirt refuses it, or a reply longer than asked
 * for). */
static int
remoteClientListCall(virConn *conn, int proc, int max, xdrproc_t retFilter,
                     void *ret, const u_int *retLen)
{
    remote_connect_list_domains_args args = { .maxids = max };

    if (max < 0 || max > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("Too many domains '%1$d' for limit '%2$d'"),
                       max, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    if (remoteClientCall(conn, proc,
                         REMOTE_XDR(xdr_remote_connect_list_domains_args), &args,
                         retFilter, ret) < 0)
        return -1;
    if (*retLen > (u_int)max) {
        virReportError(VIR_ERR_RPC, _("Too many domains '%1$u' for limit '%2$d'"),
                       *retLen, max);
        return -1;
    }
    return *retLen;
}


static int
remoteClientConnectListDomains(virConn *conn, int *ids, int maxids)
{
    remote_connect_list_domains_ret ret = { 0 };
    int n = remoteClientListCall(conn, REMOTE_PROC_CONNECT_LIST_DOMAINS, maxids,
                                 REMOTE_XDR(xdr_remote_connect_list_domains_ret),
                                 &ret, &ret.ids.ids_len);

    if (n > 0)
        memcpy(ids, ret.ids.ids_val, n * sizeof(int));
    xdr_free(REMOTE_XDR(xdr_remote_connect_list_domains_ret), (char *)&ret);
    return n;
}


static int
remoteClientConnectListDefinedDomains(virConn *conn, char **names,
                                      int maxnames)
{
    remote_connect_list_defined_domains_ret ret = { 0 };
    int n = remoteClientListCall(conn, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS,
                                 maxnames,
                                 REMOTE_XDR(xdr_remote_connect_list_defined_domains_ret),
                                 &ret, &ret.names.names_len);
    int i;

    for (i = 0; i < n; i++)
        names[i] = g_strdup(ret.names.names_val[i]);
    xdr_free(REMOTE_XDR(xdr_remote_connect_list_defined_domains_ret), (char *)&ret);
    return n;
}


static const char *const remoteClientURISchemes[] = { "qemu", NULL };

#include "remote_client_stubs.h"

/* Every entry of the table except the state and connectOpen ones, which
 * only make sense for a driver loaded into the daemon: the simple ones
 * generated from the .x, the others written here and in
 * remote_client_driver_{domain,migrate}.c. */
static const virHypervisorDriver remoteClientDriver = {
    .name = "remote",
    .uriSchemes = remoteClientURISchemes,
    REMOTE_CLIENT_GENERATED_ENTRIES
    .connectClose = remoteClientConnectClose,
    .connectSupportsFeature = remoteClientConnectSupportsFeature,
    .connectSetKeepAlive = remoteClientConnectSetKeepAlive,
    .connectIsAlive = remoteClientConnectIsAlive,
    .connectStreamNew = remoteClientConnectStreamNew,
    .connectGetType = remoteClientConnectGetType,
    .connectListAllDomains = remoteClientConnectListAllDomains,
    .connectListDomains = remoteClientConnectListDomains,
    .connectListDefinedDomains = remoteClientConnectListDefinedDomains,

    .domainGetJobStats = remoteClientDomainGetJobStats,
    .domainAbortJobFlags = remoteClientDomainAbortJobFlags,
};
