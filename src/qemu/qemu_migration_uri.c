/*
 * qemu_migration_uri.c: the migration URI a destination hands out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QEMU's own syntax is "tcp:HOST:PORT"; handing it "tcp://HOST:PORT"
 * makes it look up the host "//HOST".  So the source parses what Prepare
 * (or the user) gave, in either spelling, and builds QEMU's form itself,
 * as libvirt does.
 */
#include <config.h>

#include "qemu_migration_uri.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_uri");


void
qemuMigrationURIFree(qemuMigrationURI *uri)
{
    if (!uri)
        return;
    g_free(uri->scheme);
    g_free(uri->host);
    g_free(uri);
}


/* Parses "PORT" (decimal, 1-65535, nothing after it) into @port.
 * Returns 0 or -1 (reported). */
static int
qemuMigrationURIParsePort(const char *text, const char *uri,
                          unsigned int *port)
{
    guint64 value = 0;

    if (!g_ascii_string_to_unsigned(text, 10, 1, 65535, &value, NULL)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("invalid port '%1$s' in migration URI %2$s"),
                       text, uri);
        return -1;
    }
    *port = value;
    return 0;
}


/* Splits "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" (@rest, after the
 * scheme and any "//"; a trailing "/" is allowed) into @ret.  Returns 0
 * or -1 (reported). */
static int
qemuMigrationURIParseServer(const char *rest, const char *uri,
                            qemuMigrationURI *ret)
{
    g_autofree char *server = g_strdup(rest);
    size_t len = strlen(server);
    char *portText = NULL;

    if (len > 0 && server[len - 1] == '/')
        server[len - 1] = '\0';
    if (server[0] == '[') {
        char *end = strchr(server, ']');

        if (!end || (end[1] != '\0' && end[1] != ':')) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("malformed IPv6 address in migration URI: %1$s"),
                           uri);
            return -1;
        }
        *end = '\0';
        ret->host = g_strdup(server + 1);
        portText = end[1] == ':' ? end + 2 : NULL;
    } else {
        char *colon = strchr(server, ':');

        if (colon) {
            *colon = '\0';
            portText = colon + 1;
        }
        ret->host = g_strdup(server);
    }
    if (!*ret->host || strchr(ret->host, '/')) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("missing host in migration URI: %1$s"), uri);
        return -1;
    }
    if (portText)
        return qemuMigrationURIParsePort(portText, uri, &ret->port);
    return 0;
}


/**
 * qemuMigrationAnyParseURI:
 * Parses a migration URI in either spelling ("tcp:HOST:PORT",
 * "tcp://HOST:PORT", IPv6 addresses bracketed; the port may be missing).
 * Only the syntax is checked, not the scheme.  Caller owns the result.
 * Returns the URI, or NULL (reported: VIR_ERR_INVALID_ARG).
 */
/* The scheme of @uri (caller owns it), or NULL (reported). */
static char *
qemuMigrationURIScheme(const char *uri)
{
    const char *colon = strchr(uri, ':');

    if (!colon || colon == uri) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("missing scheme in migration URI: %1$s"), uri);
        return NULL;
    }
    return g_strndup(uri, colon - uri);
}


qemuMigrationURI *
qemuMigrationAnyParseURI(const char *uri)
{
    g_autoptr(qemuMigrationURI) ret = g_new0(qemuMigrationURI, 1);
    const char *rest;

    if (!(ret->scheme = qemuMigrationURIScheme(uri)))
        return NULL;
    rest = uri + strlen(ret->scheme) + 1;
    if (g_str_has_prefix(rest, "//")) {
        rest += 2;
        ret->wellFormed = true;
    }
    if (qemuMigrationURIParseServer(rest, uri, ret) < 0)
        return NULL;
    return g_steal_pointer(&ret);
}


/* Refuses every scheme but tcp.  Returns 0 or -1 (reported). */
static int
qemuMigrationURICheckTCP(const char *scheme, const char *uri)
{
    if (STRNEQ(scheme, "tcp")) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("unsupported scheme %1$s in migration URI %2$s"),
                       scheme, uri);
        return -1;
    }
    return 0;
}


/* "tcp:HOST:PORT", or "tcp://HOST:PORT" when @wellFormed; an IPv6
 * address bracketed.  Caller owns the result. */
static char *
qemuMigrationURIFormatTCP(const char *host, unsigned int port, bool wellFormed)
{
    bool v6 = strchr(host, ':') != NULL;

    return g_strdup_printf("tcp:%s%s%s%s:%u", wellFormed ? "//" : "",
                           v6 ? "[" : "", host, v6 ? "]" : "", port);
}


/**
 * qemuMigrationSrcQEMUURI:
 * The URI the source QEMU migrates to ("tcp:HOST:PORT", "tcp:[V6]:PORT")
 * for @uri, the migration URI Prepare returned or the client gave, in
 * either spelling.  Caller owns the result.  Returns it, or NULL
 * (reported).
 */
char *
qemuMigrationSrcQEMUURI(const char *uri)
{
    g_autofree char *scheme = qemuMigrationURIScheme(uri);
    g_autoptr(qemuMigrationURI) parsed = NULL;

    if (!scheme || qemuMigrationURICheckTCP(scheme, uri) < 0 ||
        !(parsed = qemuMigrationAnyParseURI(uri)))
        return NULL;
    if (!parsed->port) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("missing port in migration URI: %1$s"), uri);
        return NULL;
    }
    return qemuMigrationURIFormatTCP(parsed->host, parsed->port, false);
}


/**
 * qemuMigrationDstParseURI:
 * The migration URI a client gave Prepare (--migrateuri), in either
 * spelling; the port may be missing (the destination then picks one).
 * Caller owns the result.  Returns it, or NULL (reported).
 */
qemuMigrationURI *
qemuMigrationDstParseURI(const char *uri)
{
    g_autofree char *scheme = qemuMigrationURIScheme(uri);

    if (!scheme || qemuMigrationURICheckTCP(scheme, uri) < 0)
        return NULL;
    return qemuMigrationAnyParseURI(uri);
}


/**
 * qemuMigrationDstURIWithPort:
 * The client's URI @uri completed with the @port the destination chose,
 * in the spelling the client used (as libvirt answers).  Caller owns the
 * result.
 */
char *
qemuMigrationDstURIWithPort(const qemuMigrationURI *uri, unsigned int port)
{
    return qemuMigrationURIFormatTCP(uri->host, port, uri->wellFormed);
}
