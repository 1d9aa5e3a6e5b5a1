/*
 * remoteclientcheck.c: opens a URI with the remote client driver (the one
 * peer-to-peer migration uses) and prints what the peer says
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built, not run by meson: the integration suite runs it against a real
 * daemon (virtmigd or a stock libvirtd), e.g.
 *
 *     remoteclientcheck 'qemu+unix:///system?socket=ROOT/run/virtmigd-sock'
 *     remoteclientcheck 'qemu+tcp://127.0.0.1:16509/system'
 *
 * Output, one "key: value" line each: type, version, hostname,
 * capabilities_len, domains (the count of CONNECT_LIST_ALL_DOMAINS), then
 * "close: ok".  Exit 0 on success; 1 with the error on stderr (as
 * "error: code=N domain=N message=...") otherwise; 2 for bad usage.
 * --readonly opens with VIR_CONNECT_RO.
 */
#include <config.h>

#include <stdio.h>

#include "remote_client_driver.h"
#include "virerror.h"

static int
checkFail(const char *what)
{
    const virError *err = virErrorGetLast();

    fprintf(stderr, "error: %s failed: code=%d domain=%d message=%s\n", what,
            err ? err->code : -1, err ? err->domain : -1,
            virErrorGetLastMessage());
    return 1;
}


static int
checkRun(virConn *conn)
{
    const virHypervisorDriver *drv = conn->driver;
    g_autofree char *hostname = NULL;
    g_autofree char *caps = NULL;
    virDomainIdent **doms = NULL;
    unsigned long long version = 0;
    const char *type;
    int n;

    if (!(type = drv->connectGetType(conn)))
        return checkFail("connectGetType");
    printf("type: %s\n", type);
    if (drv->connectGetVersion(conn, &version) < 0)
        return checkFail("connectGetVersion");
    printf("version: %llu\n", version);
    if (!(hostname = drv->connectGetHostname(conn)))
        return checkFail("connectGetHostname");
    printf("hostname: %s\n", hostname);
    if (!(caps = drv->connectGetCapabilities(conn)))
        return checkFail("connectGetCapabilities");
    printf("capabilities_len: %zu\n", strlen(caps));
    if ((n = drv->connectListAllDomains(conn, &doms, 0)) < 0)
        return checkFail("connectListAllDomains");
    printf("domains: %d\n", n);
    virDomainIdentListFree(doms, n);
    return 0;
}


int
main(int argc, char **argv)
{
    unsigned int flags = 0;
    const char *uri;
    virConn *conn;
    int rc;

    virErrorSetLogging(false);
    if (argc == 3 && STREQ(argv[1], "--readonly")) {
        flags = VIR_CONNECT_RO;
    } else if (argc != 2) {
        fprintf(stderr, "usage: %s [--readonly] URI\n", argv[0]);
        return 2;
    }
    uri = argv[argc - 1];
    if (!(conn = remoteClientConnOpen(uri, flags)))
        return checkFail("remoteClientConnOpen");
    rc = checkRun(conn);
    if (conn->driver->connectClose(conn) < 0)
        return rc ? rc : checkFail("connectClose");
    if (rc == 0)
        printf("close: ok\n");
    return rc;
}
