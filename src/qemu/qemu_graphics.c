/*
 * qemu_graphics.c: VNC and SPICE ports and listen addresses of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu_graphics.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_graphics");

/* Ports held by this daemon's domains; shared by every domain, so it has
 * its own lock (taken with at most one domain lock held). */
static GMutex qemuGraphicsPortsLock;
static GHashTable *qemuGraphicsPorts;


static GHashTable *
qemuGraphicsPortsTable(void)
{
    if (!qemuGraphicsPorts)
        qemuGraphicsPorts = g_hash_table_new(g_direct_hash, g_direct_equal);
    return qemuGraphicsPorts;
}


/* Whether something on the host has bound TCP @port on any IPv4 or IPv6
 * address (libvirt's port allocator asks the same way). */
static bool
qemuGraphicsPortIsBound(int port)
{
    struct sockaddr_in6 addr6 = { .sin6_family = AF_INET6,
                                  .sin6_port = htons(port),
                                  .sin6_addr = IN6ADDR_ANY_INIT };
    struct sockaddr_in addr4 = { .sin_family = AF_INET,
                                 .sin_port = htons(port),
                                 .sin_addr.s_addr = htonl(INADDR_ANY) };
    int one = 1;
    bool bound = false;
    VIR_AUTOCLOSE fd4 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    VIR_AUTOCLOSE fd6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd4 >= 0) {
        setsockopt(fd4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        bound |= bind(fd4, (struct sockaddr *)&addr4, sizeof(addr4)) < 0;
    }
    if (fd6 >= 0) {
        setsockopt(fd6, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        bound |= bind(fd6, (struct sockaddr *)&addr6, sizeof(addr6)) < 0 &&
                 errno == EADDRINUSE;
    }
    return bound;
}


/* Reserves a free port of [@min, @max] in *@retPort.  Returns 0, or -1
 * with VIR_ERR_INTERNAL_ERROR when every port is taken. */
static int
qemuGraphicsReservePort(unsigned int min, unsigned int max, int *retPort)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&qemuGraphicsPortsLock);
    GHashTable *ports = qemuGraphicsPortsTable();
    unsigned int port;

    for (port = min; port <= max; port++) {
        if (g_hash_table_contains(ports, GINT_TO_POINTER(port)) ||
            qemuGraphicsPortIsBound(port))
            continue;
        g_hash_table_add(ports, GINT_TO_POINTER(port));
        *retPort = port;
        return 0;
    }
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("Unable to find an unused port in range 'display' (%1$u-%2$u)"),
                   min, max);
    return -1;
}


static void
qemuGraphicsReleasePort(int port)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&qemuGraphicsPortsLock);

    g_hash_table_remove(qemuGraphicsPortsTable(), GINT_TO_POINTER(port));
}


/**
 * qemuGraphicsPortIsReserved:
 * Whether a domain of this daemon holds @port (for tests).
 */
bool
qemuGraphicsPortIsReserved(int port)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&qemuGraphicsPortsLock);

    return g_hash_table_contains(qemuGraphicsPortsTable(),
                                 GINT_TO_POINTER(port));
}


/**
 * qemuGraphicsPrepare:
 * For a domain being started: the listen address of each graphics device
 * without one (vnc_listen, spice_listen: not part of migratable XML), and
 * a reserved port for each one with autoport.  On failure the ports
 * reserved here are released.  Returns 0 or -1 (reported).
 */
int
qemuGraphicsPrepare(virDomainDef *def, const virQEMUDriverConfig *cfg)
{
    size_t i;

    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);
        bool vnc = gr->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC;

        if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN)
            continue;
        if (!gr->listenAddress) {
            gr->listenAddress = g_strdup(vnc ? cfg->vncListen : cfg->spiceListen);
            gr->listenFromConfig = true;
        }
        if (!gr->autoport)
            continue;
        if (qemuGraphicsReservePort(cfg->displayPortMin, cfg->displayPortMax,
                                    &gr->port) < 0) {
            while (i-- > 0) {
                gr = g_ptr_array_index(def->graphics, i);
                if (gr->autoport && gr->port)
                    qemuGraphicsReleasePort(gr->port);
            }
            return -1;
        }
    }
    return 0;
}


/**
 * qemuGraphicsReserveRunning:
 * After a daemon restart: takes back the reservations of a running
 * domain's automatically assigned ports.  Returns 0.
 */
int
qemuGraphicsReserveRunning(const virDomainDef *def)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&qemuGraphicsPortsLock);
    size_t i;

    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);

        if (gr->autoport && gr->port > 0)
            g_hash_table_add(qemuGraphicsPortsTable(),
                             GINT_TO_POINTER(gr->port));
    }
    return 0;
}


/**
 * qemuGraphicsRelease:
 * Gives back the automatically assigned ports of a stopping domain.
 */
void
qemuGraphicsRelease(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->graphics->len; i++) {
        virDomainGraphicsDef *gr = g_ptr_array_index(def->graphics, i);

        if (gr->autoport && gr->port > 0)
            qemuGraphicsReleasePort(gr->port);
    }
}


/**
 * qemuGraphicsConnect:
 * A new connection to the display server of @gr, as QEMU of a running
 * domain listens for it: its address (a wildcard one reached through
 * loopback) and port.  Returns the connected socket (caller owns it), or
 * -1 (reported).
 */
int
qemuGraphicsConnect(const virDomainGraphicsDef *gr)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    const char *addr = gr->listenAddress ? gr->listenAddress : "127.0.0.1";
    g_autofree char *port = NULL;
    struct addrinfo *ai;
    int saved = 0;
    int fd = -1;
    int rc;

    if (gr->listenType == VIR_DOMAIN_GRAPHICS_LISTEN_NO_LISTEN || gr->port <= 0) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("the display does not listen: it cannot be opened"));
        return -1;
    }
    if (STREQ(addr, "0.0.0.0"))
        addr = "127.0.0.1";
    else if (STREQ(addr, "::"))
        addr = "::1";
    port = g_strdup_printf("%d", gr->port);
    if ((rc = getaddrinfo(addr, port, &hints, &res)) != 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("Unable to resolve address '%1$s' service '%2$s': %3$s"),
                       addr, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            saved = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            saved = errno;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        virReportSystemError(saved, _("unable to connect to the display at %1$s:%2$s"),
                             addr, port);
    return fd;
}
