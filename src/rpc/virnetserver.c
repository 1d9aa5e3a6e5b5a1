/*
 * virnetserver.c: the RPC server: listeners, clients, I/O thread, workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One I/O thread (the caller of virNetServerRun) accepts clients, reads
 * and writes every socket and answers keepalive; calls run in a worker
 * pool whose priority workers only take high-priority calls.
 */
#include <config.h>

#include <glib-unix.h>
#include <unistd.h>

#include "virnetserver.h"
#include "virnetserverclientpriv.h"
#include "virnetserverstream.h"
#include "virnetsocket.h"
#include "virerror.h"
#include "virlog.h"
#include "virthreadpool.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netserver");

typedef struct {
    virNetServer *srv;
    int fd;
    bool readonly;
    bool tcp;
    virNetTLSContext *tls;  /* TLS listener: its credentials (not owned) */
    char *path;         /* unix socket to unlink at the end */
    GSource *source;
} virNetServerService;

/* A worker's job: a call (@prog, @msg), or the release of a client that
 * went away (@msg NULL; its @closeFunc, if any, runs first). */
typedef struct {
    virNetServerClient *client;
    virNetServerProgram *prog;
    virNetMessage *msg;
    virNetServerClientCloseFunc closeFunc;
} virNetServerJob;

struct _virNetServer {
    GMutex lock;        /* protects clients */
    virNetServerConfig cfg;
    GMainContext *ctx;
    GMainLoop *loop;
    GSource *tick;
    virThreadPool *workers;
    GPtrArray *services;    /* of virNetServerService* */
    GPtrArray *programs;    /* of virNetServerProgram* (not owned) */
    GPtrArray *clients;     /* of virNetServerClient* (one ref each) */
    GPtrArray *tlsContexts; /* of virNetTLSContext*, freed last */
    virNetServerClientInitHook hook;
    void *hookOpaque;
};


void
virNetServerConfigDefaults(virNetServerConfig *cfg)
{
    cfg->maxWorkers = 20;
    cfg->prioWorkers = 5;
    cfg->maxClients = 5000;
    cfg->maxClientRequests = 16;
    cfg->keepaliveInterval = 5;
    cfg->keepaliveCount = 5;
    cfg->openTimeout = 60;
}


static void virNetServerJobFree(void *opaque);

/* Calls still queued at shutdown are dropped; the release of a client
 * still queued runs now: what its close function releases (auto-destroy
 * domains, jobs of the client) must not be forgotten. */
static void
virNetServerJobDiscard(void *opaque)
{
    virNetServerJob *job = opaque;

    if (job->closeFunc)
        job->closeFunc(job->client);
    virNetServerJobFree(job);
}


static void
virThreadPoolFreeDiscarding(virThreadPool *pool)
{
    virThreadPoolFree(pool, virNetServerJobDiscard);
}


static void
virNetServerJobFree(void *opaque)
{
    virNetServerJob *job = opaque;

    virNetMessageFree(job->msg);
    virNetServerClientUnref(job->client);
    g_free(job);
}


/* Worker thread: runs one call and releases its slot. */
static void
virNetServerJobRun(void *jobdata, void *opaque G_GNUC_UNUSED)
{
    virNetServerJob *job = jobdata;

    if (!job->msg) {
        virNetServerJobDiscard(job);
        return;
    }
    virNetServerProgramDispatch(job->prog, job->client,
                                g_steal_pointer(&job->msg));
    virNetServerClientCallDone(job->client);
    virNetServerJobFree(job);
}


static gboolean
virNetServerTick(gpointer opaque)
{
    virNetServer *srv = opaque;
    gint64 now = g_get_monotonic_time();
    g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func((GDestroyNotify)virNetServerClientUnref);
    guint i;

    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        g_ptr_array_add(clients, virNetServerClientRef(g_ptr_array_index(srv->clients, i)));
    g_mutex_unlock(&srv->lock);
    for (i = 0; i < clients->len; i++)
        virNetServerClientTick(g_ptr_array_index(clients, i), now);
    return G_SOURCE_CONTINUE;
}


virNetServer *
virNetServerNew(const virNetServerConfig *cfg, virNetServerClientInitHook hook,
                void *hookOpaque)
{
    virNetServer *srv = g_new0(virNetServer, 1);

    g_mutex_init(&srv->lock);
    srv->cfg = *cfg;
    srv->ctx = g_main_context_new();
    srv->loop = g_main_loop_new(srv->ctx, FALSE);
    srv->services = g_ptr_array_new();
    srv->programs = g_ptr_array_new();
    srv->clients = g_ptr_array_new();
    srv->tlsContexts = g_ptr_array_new_with_free_func((GDestroyNotify)virNetTLSContextFree);
    srv->hook = hook;
    srv->hookOpaque = hookOpaque;
    srv->workers = virThreadPoolNew("rpc-worker", cfg->maxWorkers,
                                    cfg->prioWorkers, virNetServerJobRun, srv);
    srv->tick = g_timeout_source_new_seconds(1);
    g_source_set_callback(srv->tick, virNetServerTick, srv, NULL);
    g_source_attach(srv->tick, srv->ctx);
    return srv;
}


static void
virNetServerServiceFree(virNetServerService *svc)
{
    g_source_destroy(svc->source);
    g_source_unref(svc->source);
    close(svc->fd);
    if (svc->path)
        unlink(svc->path);
    g_free(svc->path);
    g_free(svc);
}


/* Closes every listener (removing the unix sockets) and client, and
 * waits for the calls still running.  Idempotent. */
void
virNetServerShutdown(virNetServer *srv)
{
    guint i;

    for (i = 0; i < srv->services->len; i++)
        virNetServerServiceFree(g_ptr_array_index(srv->services, i));
    g_ptr_array_set_size(srv->services, 0);
    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        virNetServerClientClose(g_ptr_array_index(srv->clients, i));
    g_mutex_unlock(&srv->lock);
    g_clear_pointer(&srv->workers, virThreadPoolFreeDiscarding);
}


/* Shuts the server down if not done yet, tears the clients down in the
 * I/O context and frees everything. */
void
virNetServerFree(virNetServer *srv)
{
    guint i;

    if (!srv)
        return;
    virNetServerShutdown(srv);
    g_ptr_array_unref(srv->services);
    /* Let the I/O side tear the clients down. */
    while (srv->clients->len > 0 &&
           g_main_context_iteration(srv->ctx, FALSE))
        ;
    for (i = 0; i < srv->clients->len; i++)
        virNetServerClientUnref(g_ptr_array_index(srv->clients, i));
    g_ptr_array_unref(srv->clients);
    g_ptr_array_unref(srv->tlsContexts);
    g_ptr_array_unref(srv->programs);
    g_source_destroy(srv->tick);
    g_source_unref(srv->tick);
    g_main_loop_unref(srv->loop);
    g_main_context_unref(srv->ctx);
    g_mutex_clear(&srv->lock);
    g_free(srv);
}


void
virNetServerAddProgram(virNetServer *srv, virNetServerProgram *prog)
{
    g_ptr_array_add(srv->programs, prog);
}


GMainContext *
virNetServerGetContext(virNetServer *srv)
{
    return srv->ctx;
}


void
virNetServerWakeup(virNetServer *srv)
{
    g_main_context_wakeup(srv->ctx);
}


static void
virNetServerAcceptOne(virNetServerService *svc, int fd)
{
    virNetServer *srv = svc->srv;
    virNetServerClientLimits lim = {
        .maxRequests = srv->cfg.maxClientRequests,
        .keepaliveInterval = srv->cfg.keepaliveInterval,
        .keepaliveCount = srv->cfg.keepaliveCount,
        .openTimeout = srv->cfg.openTimeout,
    };
    g_autofree char *reject = NULL;
    virNetServerClient *client;

    g_mutex_lock(&srv->lock);
    if (srv->clients->len >= srv->cfg.maxClients)
        reject = g_strdup_printf(_("too many active clients (%1$zu), dropping connection"),
                                 srv->cfg.maxClients);
    g_mutex_unlock(&srv->lock);

    client = virNetServerClientNew(srv, fd, svc->readonly, svc->tcp, &lim,
                                   reject);
    if (svc->tls && virNetServerClientStartTLS(client, svc->tls) < 0) {
        /* the reason was logged when it was reported */
        VIR_WARN("cannot start TLS with %s",
                 virNetServerClientGetPeer(client));
        virNetServerClientUnref(client);
        return;
    }
    if (reject)
        VIR_WARN("refusing client %s: %s", virNetServerClientGetPeer(client),
                 reject);
    else if (srv->hook)
        srv->hook(client, srv->hookOpaque);

    g_mutex_lock(&srv->lock);
    g_ptr_array_add(srv->clients, client);
    g_mutex_unlock(&srv->lock);
    virNetServerClientAttach(client, srv->ctx);
}


static gboolean
virNetServerServiceAccept(gint fd G_GNUC_UNUSED,
                          GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    virNetServerService *svc = opaque;
    int cfd;

    while ((cfd = virNetSocketAccept(svc->fd)) >= 0)
        virNetServerAcceptOne(svc, cfd);
    if (cfd == -1)
        VIR_WARN("accept failed: %s", virErrorGetLastMessage());
    return G_SOURCE_CONTINUE;
}


static virNetServerService *
virNetServerAddService(virNetServer *srv, int fd, bool readonly, bool tcp,
                       const char *path)
{
    virNetServerService *svc = g_new0(virNetServerService, 1);

    svc->srv = srv;
    svc->fd = fd;
    svc->readonly = readonly;
    svc->tcp = tcp;
    svc->path = g_strdup(path);
    svc->source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(svc->source, G_SOURCE_FUNC(virNetServerServiceAccept),
                          svc, NULL);
    g_source_attach(svc->source, srv->ctx);
    g_ptr_array_add(srv->services, svc);
    return svc;
}


int
virNetServerAddServiceUNIX(virNetServer *srv, const char *path, mode_t mode,
                           bool readonly)
{
    int fd = virNetSocketListenUNIX(path, mode);

    if (fd < 0)
        return -1;
    virNetServerAddService(srv, fd, readonly, false, path);
    VIR_INFO("listening on %s (%s)", path, readonly ? "read-only" : "read-write");
    return 0;
}


void
virNetServerAddServiceFD(virNetServer *srv, int fd, bool readonly)
{
    virNetServerAddService(srv, fd, readonly, false, NULL);
    VIR_INFO("listening on inherited fd %d (%s)", fd,
             readonly ? "read-only" : "read-write");
}


int
virNetServerAddServiceTCP(virNetServer *srv, const char *hostport,
                          bool allowRemote)
{
    int fd = virNetSocketListenTCP(hostport, allowRemote);

    if (fd < 0)
        return -1;
    virNetServerAddService(srv, fd, false, true, NULL);
    VIR_INFO("listening on tcp %s", hostport);
    return 0;
}


int
virNetServerAddServiceTLS(virNetServer *srv, const char *hostport,
                          virNetTLSContext *ctx)
{
    int fd;

    g_ptr_array_add(srv->tlsContexts, ctx);
    if ((fd = virNetSocketListenTCP(hostport, true)) < 0)
        return -1;
    virNetServerAddService(srv, fd, false, true, NULL)->tls = ctx;
    VIR_INFO("listening on tls %s", hostport);
    return 0;
}


static virNetServerProgram *
virNetServerFindProgram(virNetServer *srv, const virNetMessageHeader *hdr)
{
    guint i;

    for (i = 0; i < srv->programs->len; i++) {
        virNetServerProgram *prog = g_ptr_array_index(srv->programs, i);
        if (virNetServerProgramMatches(prog, hdr))
            return prog;
    }
    return NULL;
}


/**
 * virNetServerHandleMessage:
 * Routes a complete packet from @client (I/O thread; steals @msg).  Calls
 * go to the worker pool, stream packets to their stream
 * (virnetserverstream.c); calls to unknown programs and calls from a
 * refused client are answered with an error here.  Returns 1 if a call
 * was started or a stream packet queued (both count as in flight), 0
 * otherwise.
 */
int
virNetServerHandleMessage(virNetServer *srv, virNetServerClient *client,
                          virNetMessage *msg)
{
    const char *reject = virNetServerClientGetRejectReason(client);
    virNetServerProgram *prog;
    virNetServerJob *job;

    if (msg->header.type == VIR_NET_STREAM)
        return virNetServerStreamHandlePacket(client, msg);
    if (msg->header.type != VIR_NET_CALL &&
        msg->header.type != VIR_NET_CALL_WITH_FDS) {
        VIR_DEBUG("client=%llu: ignoring packet of type %d proc=%d",
                  virNetServerClientGetID(client), msg->header.type,
                  msg->header.proc);
        virNetMessageFree(msg);
        return 0;
    }
    if (reject) {
        virReportError(VIR_ERR_RPC, "%s", reject);
        virNetServerProgramSendError(client, msg);
        virNetServerClientDelayedClose(client);
        return 0;
    }
    if (!(prog = virNetServerFindProgram(srv, &msg->header))) {
        virReportError(VIR_ERR_RPC, _("Cannot find program %1$d version %2$d"),
                       msg->header.prog, msg->header.vers);
        virNetServerProgramSendError(client, msg);
        return 0;
    }
    if (msg->header.type == VIR_NET_CALL_WITH_FDS) {
        virReportError(VIR_ERR_RPC, "%s",
                       _("file descriptor passing is not supported by this daemon"));
        virNetServerProgramSendError(client, msg);
        return 0;
    }

    job = g_new0(virNetServerJob, 1);
    job->client = virNetServerClientRef(client);
    job->prog = prog;
    job->msg = msg;
    virThreadPoolSendJob(srv->workers,
                         virNetServerProgramIsPriority(prog, msg->header.proc),
                         job);
    return 1;
}


/**
 * virNetServerRemoveClient:
 * @client went away and is torn down (I/O thread): it leaves the server,
 * and its close function (may be NULL) runs on a worker, since it may
 * block (killing an auto-destroy domain's QEMU waits for the process to
 * go) and the I/O thread must go on serving everybody else.  The server's
 * reference goes with that job, so the client's last reference, whose
 * release closes the driver connection, is never dropped here.  Once the
 * workers are gone (shutdown), both happen here.
 */
void
virNetServerRemoveClient(virNetServer *srv, virNetServerClient *client,
                         virNetServerClientCloseFunc closeFunc)
{
    virNetServerJob *job;
    bool found;

    g_mutex_lock(&srv->lock);
    found = g_ptr_array_remove(srv->clients, client);
    g_mutex_unlock(&srv->lock);
    if (!found)
        return;
    virNetServerStreamDropClient(client);
    job = g_new0(virNetServerJob, 1);
    job->client = client;       /* steals the server's reference */
    job->closeFunc = closeFunc;
    if (srv->workers)
        virThreadPoolSendJob(srv->workers, false, job);
    else
        virNetServerJobDiscard(job);
}


void
virNetServerRun(virNetServer *srv)
{
    g_main_loop_run(srv->loop);
}


void
virNetServerQuit(virNetServer *srv)
{
    g_main_loop_quit(srv->loop);
}


void
virNetServerForEachClient(virNetServer *srv,
                          void (*func)(virNetServerClient *client, void *opaque),
                          void *opaque)
{
    g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func((GDestroyNotify)virNetServerClientUnref);
    guint i;

    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        g_ptr_array_add(clients, virNetServerClientRef(g_ptr_array_index(srv->clients, i)));
    g_mutex_unlock(&srv->lock);
    for (i = 0; i < clients->len; i++) {
        virNetServerClient *client = g_ptr_array_index(clients, i);
        if (!virNetServerClientIsClosed(client))
            func(client, opaque);
    }
}


size_t
virNetServerGetClientCount(virNetServer *srv)
{
    size_t n;

    g_mutex_lock(&srv->lock);
    n = srv->clients->len;
    g_mutex_unlock(&srv->lock);
    return n;
}
