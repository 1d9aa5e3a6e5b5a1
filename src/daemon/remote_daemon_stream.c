/*
 * remote_daemon_stream.c: the streams a client's call hands a driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A handler of a procedure that opens a stream (tunnelled Prepare,
 * console, screenshot) makes it with remoteDaemonStreamNew for the call
 * it runs and gives the driver the virStream; the RPC layer
 * (virnetserverstream.c) carries the packets between the client and the
 * descriptor the driver attaches.  The handlers of the procedures that
 * open a stream for a driver entry of their own are here too, and the
 * one that hands the client a connected descriptor instead
 * (openGraphicsFD, after its reply).
 */
#include <config.h>

#include "remote_daemon_dispatch.h"
#include "virnetserver.h"
#include "virnetserverprogram.h"
#include "virnetserverstream.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

static const virStreamDriver remoteDaemonStreamDriver;


static int
remoteDaemonStreamAttachFD(virStream *st, int fd, unsigned int dirs)
{
    unsigned int ndirs = 0;

    if (dirs & VIR_STREAM_FD_IN)
        ndirs |= VIR_NET_SERVER_STREAM_RX;
    if (dirs & VIR_STREAM_FD_OUT)
        ndirs |= VIR_NET_SERVER_STREAM_TX;
    return virNetServerStreamAttachFD(st->privateData, fd, ndirs);
}


static int
remoteDaemonStreamAbort(virStream *st)
{
    virNetServerStreamHangup(st->privateData);
    return 0;
}


static virStream *
remoteDaemonStreamHold(virStream *st)
{
    return virDriverStreamNew(&remoteDaemonStreamDriver,
                              virNetServerStreamRef(st->privateData));
}


static bool
remoteDaemonStreamIsOpen(virStream *st)
{
    return virNetServerStreamIsOpen(st->privateData);
}


static void
remoteDaemonStreamRelease(virStream *st)
{
    virNetServerStreamUnref(st->privateData);
}


static const virStreamDriver remoteDaemonStreamDriver = {
    .streamAbort = remoteDaemonStreamAbort,
    .streamAttachFD = remoteDaemonStreamAttachFD,
    .streamHold = remoteDaemonStreamHold,
    .streamIsOpen = remoteDaemonStreamIsOpen,
    .streamRelease = remoteDaemonStreamRelease,
};


/**
 * remoteDaemonStreamNew:
 * The stream of the call of @client the calling worker runs, for the
 * driver; caller owns it and ends it with remoteDaemonStreamEnd once the
 * driver's entry has returned.
 */
virStream *
remoteDaemonStreamNew(virNetServerClient *client)
{
    virNetServer *srv = virNetServerClientGetServer(client);

    return virDriverStreamNew(&remoteDaemonStreamDriver,
                              virNetServerStreamNew(client,
                                                    virNetServerGetContext(srv),
                                                    virNetServerProgramCurrentCall()));
}


/**
 * remoteDaemonStreamEnd:
 * Drops the handler's hold on @st (the driver keeps its own).  Unless
 * the call succeeded (@ok), nothing flows on it: the client is told the
 * stream is over.  Returns 0 if @ok, else -1, for the handler to return.
 */
int
remoteDaemonStreamEnd(virStream *st, bool ok)
{
    if (!ok)
        virNetServerStreamClose(st->privateData);
    virDriverStreamFree(st);
    return ok ? 0 : -1;
}


int
remoteDispatchDomainOpenConsole(virNetServerClient *client, virConn *conn,
                                remote_domain_open_console_args *args)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    virStream *st = remoteDaemonStreamNew(client);
    int rc;

    rc = conn->driver->domainOpenConsole(conn, dom,
                                         args->dev_name ? *args->dev_name : NULL,
                                         st, args->flags);
    return remoteDaemonStreamEnd(st, rc >= 0);
}


int
remoteDispatchDomainScreenshot(virNetServerClient *client, virConn *conn,
                               remote_domain_screenshot_args *args,
                               remote_domain_screenshot_ret *ret)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    virStream *st = remoteDaemonStreamNew(client);
    char *mime;

    mime = conn->driver->domainScreenshot(conn, dom, st, args->screen,
                                          args->flags);
    if (remoteDaemonStreamEnd(st, mime != NULL) < 0)
        return -1;
    ret->mime = g_new0(char *, 1);
    *ret->mime = mime;
    return 0;
}


int
remoteDispatchDomainOpenGraphicsFd(virNetServerClient *client, virConn *conn,
                                   remote_domain_open_graphics_fd_args *args)
{
    g_autoptr(virDomainIdent) dom = remoteDomainFromWire(&args->dom);
    int fd;

    /* stock clients only ask over a unix socket; anything else cannot
     * carry the descriptor */
    if (virNetServerClientIsTCP(client)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("file descriptors can only be passed over a UNIX socket"));
        return -1;
    }
    if ((fd = conn->driver->domainOpenGraphicsFD(conn, dom, args->idx,
                                                 args->flags)) < 0)
        return -1;
    virNetServerProgramSetReplyFD(fd);
    return 0;
}
