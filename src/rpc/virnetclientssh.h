/*
 * virnetclientssh.h: reaching a daemon through the OpenSSH client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qemu+ssh:// runs `ssh [options] -- HOST 'sh -c ...'` as a child whose
 * stdin and stdout are one end of a socketpair; the other end is the
 * connection.  On the remote host the shell command joins ssh's channel
 * to the daemon's unix socket, with virt-ssh-helper or with nc, as
 * libvirt.so's remote driver does.  ssh's stderr goes to a pipe that is
 * read when the connection fails, so the error says why.
 */
#pragma once

#include "internal.h"
#include "vircommand.h"
#include "virenum.h"

/* How the remote end reaches the daemon (libvirt's ?proxy=). */
typedef enum {
    VIR_NET_CLIENT_PROXY_AUTO = 0, /* virt-ssh-helper if installed, else nc */
    VIR_NET_CLIENT_PROXY_NETCAT,   /* nc -U SOCKET */
    VIR_NET_CLIENT_PROXY_NATIVE,   /* virt-ssh-helper URI */

    VIR_NET_CLIENT_PROXY_LAST
} virNetClientProxy;

VIR_ENUM_DECL(virNetClientProxy);

/* What a qemu+ssh:// URI says about the tunnel; strings are borrowed. */
typedef struct {
    const char *host;     /* required */
    const char *port;     /* NULL: ssh's default */
    const char *username; /* NULL: ssh's default */
    const char *binary;   /* ?command=; NULL: "ssh" from $PATH */
    const char *keyfile;  /* ?keyfile= */
    bool noTTY;           /* ?no_tty=1: BatchMode */
    bool noVerify;        /* ?no_verify=1: no host key check */
    virNetClientProxy proxy;
    const char *netcat;     /* ?netcat=; NULL: "nc" */
    const char *socketPath; /* the daemon's socket on the remote host */
    const char *driverURI;  /* what virt-ssh-helper opens */
    bool readonly;
} virNetClientSSHParams;

char *virNetClientSSHEscapeShell(const char *str);
char *virNetClientSSHHelperCommand(const virNetClientSSHParams *params);
virCommand *virNetClientSSHCommandNew(const virNetClientSSHParams *params,
                                      const char *remoteCommand);

/* The running tunnel command. */
typedef struct _virNetClientSSHChild virNetClientSSHChild;

int virNetClientSSHChildSpawn(virCommand *cmd, int *retfd,
                              virNetClientSSHChild **retChild);
pid_t virNetClientSSHChildGetPid(const virNetClientSSHChild *child);
char *virNetClientSSHChildReadStderr(virNetClientSSHChild *child);
void virNetClientSSHChildFree(virNetClientSSHChild *child);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetClientSSHChild, virNetClientSSHChildFree);
