/*
 * virsocket.c: TCP name resolution and connecting
 *
 * Every TCP stream virtmig opens carries request/answer traffic (RPC
 * calls, the migration stream with its return path): Nagle's algorithm
 * is off on all of them, as libvirt does, or a small final write waits
 * for the peer's delayed acknowledgement (40 ms on Linux).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "virsocket.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC


/* The addresses of @host (NULL: any, with @passive) and @port, for a
 * stream socket; freeaddrinfo() them.  Returns NULL with an error
 * reported. */
struct addrinfo *
virSocketResolve(const char *host, const char *port, bool passive)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = passive ? AI_PASSIVE : 0 };
    struct addrinfo *res = NULL;
    int rc;

    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("Unable to resolve address '%1$s' service '%2$s': %3$s"),
                       host, port, gai_strerror(rc));
        return NULL;
    }
    return res;
}


/* Switches Nagle's algorithm off on @fd; nothing happens on a socket
 * that is not TCP. */
void
virSocketSetNoDelay(int fd)
{
    int on = 1;

    ignore_value(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)));
}


/* A blocking connect to @host:@port, trying each address in turn; the
 * socket is close-on-exec, blocking, with Nagle off.  Returns it, or -1
 * with an error reported. */
int
virSocketConnectTCP(const char *host, const char *port)
{
    struct addrinfo *res = virSocketResolve(host, port, false);
    struct addrinfo *ai;
    int saved = ECONNREFUSED;

    if (!res)
        return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            freeaddrinfo(res);
            virSocketSetNoDelay(fd);
            return fd;
        }
        saved = errno;
        if (fd >= 0)
            close(fd);
    }
    freeaddrinfo(res);
    virReportSystemError(saved, _("unable to connect to server at '%1$s:%2$s'"),
                         host, port);
    return -1;
}
