/*
 * remote_client_driver_stream.c: the remote client driver's streams
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * connectStreamNew makes an unbound stream; the call that opens it on the
 * peer (PREPARE_TUNNEL3_PARAMS) binds it to that call's serial; then the
 * caller sends into it and finishes or aborts it (virnetclientstream.c
 * carries the packets, with flow control).
 */
#include <config.h>

#include "remote_client_driver_entries.h"
#include "virnetclientstream.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

VIR_LOG_INIT("daemon.remote_client_driver_stream");

/* How long the peer may take to confirm the end of a stream (it writes
 * what it still holds first) or an abort. */
#define REMOTE_CLIENT_STREAM_FINISH_MS (5 * 60 * 1000)
#define REMOTE_CLIENT_STREAM_ABORT_MS (10 * 1000)

typedef struct {
    virConn *conn;
    virNetClientStream *nst;    /* once bound */
} remoteClientStream;


/* The bound stream of @st, or NULL (reported). */
static virNetClientStream *
remoteClientStreamGet(virStream *st)
{
    remoteClientStream *priv = st->privateData;

    if (!priv->nst) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("the stream is not open on the peer"));
        return NULL;
    }
    return priv->nst;
}


static int
remoteClientStreamSend(virStream *st, const char *data, size_t len)
{
    virNetClientStream *nst = remoteClientStreamGet(st);

    return nst ? virNetClientStreamSend(nst, data, len) : -1;
}


static int
remoteClientStreamFinish(virStream *st)
{
    virNetClientStream *nst = remoteClientStreamGet(st);

    return nst ? virNetClientStreamFinish(nst, REMOTE_CLIENT_STREAM_FINISH_MS) : -1;
}


static int
remoteClientStreamAbort(virStream *st)
{
    remoteClientStream *priv = st->privateData;

    if (!priv->nst)
        return 0;
    return virNetClientStreamAbort(priv->nst, REMOTE_CLIENT_STREAM_ABORT_MS);
}


static void
remoteClientStreamRelease(virStream *st)
{
    remoteClientStream *priv = st->privateData;

    virNetClientStreamFree(priv->nst);
    g_free(priv);
}


static const virStreamDriver remoteClientStreamDriver = {
    .streamSend = remoteClientStreamSend,
    .streamFinish = remoteClientStreamFinish,
    .streamAbort = remoteClientStreamAbort,
    .streamRelease = remoteClientStreamRelease,
};


/* Entry connectStreamNew: an unbound stream of @conn (caller owns it). */
virStream *
remoteClientConnectStreamNew(virConn *conn)
{
    remoteClientStream *priv = g_new0(remoteClientStream, 1);

    priv->conn = conn;
    return virDriverStreamNew(&remoteClientStreamDriver, priv);
}


/**
 * remoteClientStreamBind:
 * Binds @st (from remoteClientConnectStreamNew on @conn) to the call
 * @proc that went with @serial and succeeded.  Returns 0, or -1
 * (reported) if @st is not such a stream or is bound already.
 */
int
remoteClientStreamBind(virConn *conn, virStream *st, int proc,
                       unsigned int serial)
{
    remoteClientPriv *cpriv = conn->privateData;
    remoteClientStream *priv = st->privateData;

    if (st->driver != &remoteClientStreamDriver || priv->conn != conn ||
        priv->nst) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the stream does not belong to this connection or is open already"));
        return -1;
    }
    priv->nst = virNetClientStreamNew(cpriv->client, REMOTE_PROGRAM,
                                      REMOTE_PROTOCOL_VERSION, proc, serial);
    return 0;
}
