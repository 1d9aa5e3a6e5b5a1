/*
 * remote_client_driverpriv.h: URI parsing of the remote client driver,
 * exposed only to tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#ifndef LIBVIRT_REMOTE_CLIENT_DRIVERPRIV_H_ALLOW
#error "remote_client_driverpriv.h may only be included by remote_client_driver.c or tests"
#endif

#include "remote_client_driver.h"
#include "virnetclientssh.h"

typedef enum {
    REMOTE_CLIENT_TRANSPORT_UNIX = 0,   /* the default: no host given */
    REMOTE_CLIENT_TRANSPORT_TCP,
    REMOTE_CLIENT_TRANSPORT_TLS,        /* also the default with a host */
    REMOTE_CLIENT_TRANSPORT_SSH,        /* the OpenSSH client, as libvirt.so */

    REMOTE_CLIENT_TRANSPORT_LAST
} remoteClientTransport;

/* What a connection URI says once the client-side parts are taken out. */
typedef struct _remoteClientURI remoteClientURI;
struct _remoteClientURI {
    remoteClientTransport transport;
    char *socketPath;           /* unix; ssh: the socket on the remote host */
    char *host;                 /* tcp, tls, ssh */
    char *port;                 /* tcp, tls; ssh: NULL for ssh's default */
    char *pkiPath;              /* tls: ?pkipath= */
    bool noVerify;              /* tls, ssh: ?no_verify=1 */
    char *tlsPriority;          /* tls: ?tls_priority= */
    char *username;             /* ssh: USER@ */
    char *command;              /* ssh: ?command=, the ssh binary */
    char *netcat;               /* ssh: ?netcat= */
    char *keyfile;              /* ssh: ?keyfile= */
    bool noTTY;                 /* ssh: ?no_tty=1 */
    virNetClientProxy proxy;    /* ssh: ?proxy= or its default */
    bool readonly;              /* VIR_CONNECT_RO */
    char *name;                 /* sent with CONNECT_OPEN */
};

void remoteClientURIFree(remoteClientURI *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(remoteClientURI, remoteClientURIFree);

int remoteClientURIParse(const char *uristr, unsigned int flags,
                         remoteClientURI **out);
