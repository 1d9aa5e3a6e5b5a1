/*
 * qemu_migration_port.c: the incoming migration port range
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ports of migration_port_min..max (qemu.conf) a destination hands
 * out to incoming QEMUs and NBD servers, one at a time, until released.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu_migration_port.h"
#include "qemu_conf.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.migration_port");

static GMutex qemuMigrationPortLock;
static GHashTable *qemuMigrationPortsUsed;  /* port -> port */


/* Whether the kernel would let QEMU listen on @port: the range sits in
 * Linux's ephemeral range, so an outgoing connection may hold a port we
 * have not handed out.  Bound like QEMU does (SO_REUSEADDR, wildcard). */
static bool
qemuMigrationDstPortBindable(unsigned int port)
{
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_port = htons(port),
                                .sin_addr.s_addr = htonl(INADDR_ANY) };
    int on = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0)
        return true; /* cannot tell: let QEMU try */
    ok = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0 &&
         bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
    close(fd);
    if (!ok)
        VIR_DEBUG("migration port %u is busy elsewhere, skipping it", port);
    return ok;
}


/* A free port of the configured range, or 0 (reported). */
unsigned short
qemuMigrationDstPortAcquire(void)
{
    const virQEMUDriverConfig *cfg = qemu_driver->cfg;
    unsigned int port;

    g_mutex_lock(&qemuMigrationPortLock);
    if (!qemuMigrationPortsUsed)
        qemuMigrationPortsUsed = g_hash_table_new(NULL, NULL);
    for (port = cfg->migrationPortMin; port <= cfg->migrationPortMax; port++) {
        if (!g_hash_table_contains(qemuMigrationPortsUsed, GUINT_TO_POINTER(port)) &&
            qemuMigrationDstPortBindable(port)) {
            g_hash_table_add(qemuMigrationPortsUsed, GUINT_TO_POINTER(port));
            g_mutex_unlock(&qemuMigrationPortLock);
            return port;
        }
    }
    g_mutex_unlock(&qemuMigrationPortLock);
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("no free migration port in the range %1$u-%2$u"),
                   cfg->migrationPortMin, cfg->migrationPortMax);
    return 0;
}


void
qemuMigrationDstPortRelease(unsigned short port)
{
    if (!port)
        return;
    g_mutex_lock(&qemuMigrationPortLock);
    if (qemuMigrationPortsUsed)
        g_hash_table_remove(qemuMigrationPortsUsed, GUINT_TO_POINTER((unsigned int)port));
    g_mutex_unlock(&qemuMigrationPortLock);
}
