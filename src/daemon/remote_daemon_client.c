/*
 * remote_daemon_client.c: per-connection state of the remote program
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "remote_daemon.h"
#include "virlog.h"

VIR_LOG_INIT("daemon.client");

static void
remoteClientFreePrivate(void *opaque)
{
    remoteClientPrivate *priv = opaque;

    if (priv->conn) {
        const virHypervisorDriver *drv = priv->conn->driver;
        if (drv->connectClose)
            drv->connectClose(priv->conn);
        g_free(priv->conn->uri);
        g_free(priv->conn);
    }
    g_ptr_array_unref(priv->callbacks);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}


/* A worker, as soon as the client disconnected (the I/O thread hands it
 * over, since what the driver does here may block, e.g. kill an
 * auto-destroy domain): no more events for this client, and the
 * driver learns at once that the client is gone (its calls may still
 * run; connectClose comes with the last of them). */
static void
remoteClientClosed(virNetServerClient *client)
{
    remoteClientPrivate *priv = virNetServerClientGetPrivateData(client);
    virConn *conn;

    g_mutex_lock(&priv->lock);
    g_ptr_array_set_size(priv->callbacks, 0);
    conn = priv->conn;
    g_mutex_unlock(&priv->lock);
    VIR_DEBUG("client=%llu closed", virNetServerClientGetID(client));
    /* @conn lives until remoteClientFreePrivate, after this */
    if (conn && conn->driver->connectClosed)
        conn->driver->connectClosed(conn);
}


/* A registration of a client's list, when it is removed. */
static void
remoteClientEventCallbackFree(remoteEventCallback *cb)
{
    g_free(cb->qemuEvent);
    if (cb->regex)
        g_regex_unref(cb->regex);
    g_free(cb);
}


void
remoteClientInit(virNetServerClient *client, void *opaque G_GNUC_UNUSED)
{
    remoteClientPrivate *priv = g_new0(remoteClientPrivate, 1);
    GDestroyNotify freeCb = (GDestroyNotify)remoteClientEventCallbackFree;

    g_mutex_init(&priv->lock);
    priv->callbacks = g_ptr_array_new_with_free_func(freeCb);
    priv->nextCallbackID = 1;
    virNetServerClientSetPrivateData(client, priv, remoteClientFreePrivate,
                                     remoteClientClosed);
}


remoteClientPrivate *
remoteClientGetPrivate(virNetServerClient *client)
{
    return virNetServerClientGetPrivateData(client);
}
