/*
 * virtmigd.c: the virtmig daemon: a libvirt-compatible host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib-unix.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "remote_client_driver.h"
#include "remote_daemon.h"
#include "remote_protocol.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virtmigd_listen.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("daemon.main");

virtmigdDaemon *remoteDaemon;

typedef struct {
    char *root;
    char *configFile;
    char *pidFile;
    char *dumpConfig;
    gboolean verbose;
    gboolean version;
} virtmigdOptions;


static void
virtmigdOptionsClear(virtmigdOptions *opts)
{
    g_clear_pointer(&opts->root, g_free);
    g_clear_pointer(&opts->configFile, g_free);
    g_clear_pointer(&opts->pidFile, g_free);
    g_clear_pointer(&opts->dumpConfig, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virtmigdOptions, virtmigdOptionsClear);


static int
virtmigdParseArgs(int *argc, char ***argv, virtmigdOptions *opts)
{
    GOptionEntry entries[] = {
        { "root", 'r', 0, G_OPTION_ARG_FILENAME, &opts->root,
          N_("keep everything of this host under DIR"), "DIR" },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &opts->configFile,
          N_("configuration file (default: DIR/virtmigd.conf)"), "FILE" },
        { "pid-file", 'p', 0, G_OPTION_ARG_FILENAME, &opts->pidFile,
          N_("write the daemon's pid to FILE"), "FILE" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose,
          N_("log at info level and echo the log to stderr"), NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &opts->version,
          N_("print the version and exit"), NULL },
        { "dump-config", 0, 0, G_OPTION_ARG_STRING, &opts->dumpConfig,
          N_("print the sample virtmigd.conf (sample) or the key list of virtmigd.conf(5) (man) and exit"),
          "sample|man" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;

    g_option_context_set_summary(ctx, _("A libvirt-compatible daemon for QEMU live migration.\n"
                                        "Stock virsh connects with\n"
                                        "  virsh -c 'qemu+unix:///system?socket=DIR/run/virtmigd-sock'"));
    g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, argc, argv, &gerr)) {
        g_printerr("virtmigd: %s\n", gerr->message);
        return -1;
    }
    if (*argc > 1) {
        g_printerr(_("virtmigd: unexpected argument '%s'\n"), (*argv)[1]);
        return -1;
    }
    return 0;
}


/* Logging: libvirt-style settings from the config; by default to
 * DIR/log/virtmigd.log, plus stderr with --verbose. */
static int
virtmigdSetupLogging(virtmigdConfig *cfg, bool verbose)
{
    int level = cfg->logLevel ? cfg->logLevel : (verbose ? VIR_LOG_INFO : VIR_LOG_WARN);
    g_autofree char *outputs = NULL;

    if (virLogSetDefaultPriority(level) < 0 ||
        virLogSetFilters(cfg->logFilters) < 0)
        return -1;
    if (cfg->logOutputs)
        outputs = g_strdup(cfg->logOutputs);
    else
        outputs = g_strdup_printf("%d:file:%s/virtmigd.log%s", level,
                                  cfg->logDir,
                                  verbose ? (level == 1 ? " 1:stderr" : " 2:stderr") : " 4:stderr");
    return virLogSetOutputs(outputs);
}


static gboolean
virtmigdSignal(gpointer opaque)
{
    virtmigdDaemon *daemon = opaque;

    VIR_INFO("shutting down on signal");
    virNetServerQuit(daemon->srv);
    return G_SOURCE_CONTINUE;
}


static int
virtmigdStartServer(virtmigdDaemon *daemon)
{
    virtmigdConfig *cfg = daemon->cfg;
    const virNetServerProgramProc *procs;
    size_t nprocs;

    daemon->srv = virNetServerNew(&cfg->srv, remoteClientInit, daemon);
    procs = remoteGetProcs(&nprocs);
    daemon->remoteProgram = virNetServerProgramNew(REMOTE_PROGRAM,
                                                   REMOTE_PROTOCOL_VERSION,
                                                   procs, nprocs);
    procs = remoteGetQemuProcs(&nprocs);
    daemon->qemuProgram = virNetServerProgramNew(QEMU_PROGRAM,
                                                 QEMU_PROTOCOL_VERSION,
                                                 procs, nprocs);
    /* Clients register this too; its calls get "unknown procedure". */
    daemon->lxcProgram = virNetServerProgramNew(LXC_PROGRAM, 1, NULL, 0);
    virNetServerAddProgram(daemon->srv, daemon->remoteProgram);
    virNetServerAddProgram(daemon->srv, daemon->qemuProgram);
    virNetServerAddProgram(daemon->srv, daemon->lxcProgram);
    return 0;
}


static void
virtmigdAddSignal(virtmigdDaemon *daemon, int signum)
{
    GSource *src = g_unix_signal_source_new(signum);

    g_source_set_callback(src, virtmigdSignal, daemon, NULL);
    g_source_attach(src, virNetServerGetContext(daemon->srv));
    g_source_unref(src);
}


/* virDriverStateConfig.peerOpen: the driver's own connections to peer
 * daemons (a migration source asking its destination what became of the
 * guest), read-write, every call bounded by @timeoutMs. */
static virConn *
virtmigdPeerOpen(const char *uri, int timeoutMs)
{
    return remoteClientConnOpenBounded(uri, 0, timeoutMs);
}


static int
virtmigdStartDriver(virtmigdDaemon *daemon)
{
    virtmigdConfig *cfg = daemon->cfg;
    g_autofree char *path = g_uri_escape_string(cfg->sockPath, "/", FALSE);
    g_autofree char *selfURI = g_strdup_printf("qemu+unix:///system?socket=%s",
                                               path);
    virDriverStateConfig dcfg = {
        .runDir = cfg->runDir,
        .stateDir = cfg->stateDir,
        .logDir = cfg->logDir,
        .pkiDir = cfg->pkiDir,
        .hostName = cfg->hostName,
        .hostUUID = cfg->hostUUID,
        .conf = cfg->conf,
        .eventSink = remoteDispatchDomainEvent,
        .eventOpaque = daemon,
        .selfURI = selfURI,
        .peerOpen = virtmigdPeerOpen,
    };

    if (!daemon->driver->stateInitialize)
        return 0;
    return daemon->driver->stateInitialize(&dcfg);
}


/* Bounds the daemon's stop (shutdown_timeout): the calls still running
 * when SIGTERM came (a migration the driver could not cancel, a stuck
 * monitor) must not keep the process alive forever.  Past the bound the
 * process exits at once: QEMUs keep running and every migration's phase
 * is in its status file, for the next start's recovery. */
typedef struct {
    GMutex lock;
    GCond cond;
    bool done;
    unsigned int timeoutSec;
} virtmigdWatchdog;


static gpointer
virtmigdWatchdogRun(gpointer opaque)
{
    virtmigdWatchdog *w = opaque;
    gint64 deadline = g_get_monotonic_time() + w->timeoutSec * G_TIME_SPAN_SECOND;

    g_mutex_lock(&w->lock);
    while (!w->done) {
        if (!g_cond_wait_until(&w->cond, &w->lock, deadline) && !w->done) {
            VIR_ERROR("the daemon did not stop within %u s (shutdown_timeout); exiting now, the next start recovers what was running",
                      w->timeoutSec);
            _exit(1);
        }
    }
    g_mutex_unlock(&w->lock);
    return NULL;
}


/* Lets the driver cancel or park what runs, then stops the server and the
 * driver within cfg->shutdownTimeout. */
static void
virtmigdShutdown(virtmigdDaemon *daemon)
{
    virtmigdWatchdog w = { .timeoutSec = daemon->cfg->shutdownTimeout };
    GThread *thread = NULL;

    g_mutex_init(&w.lock);
    g_cond_init(&w.cond);
    if (w.timeoutSec)
        thread = g_thread_new("shutdown-watchdog", virtmigdWatchdogRun, &w);
    if (daemon->driver && daemon->driver->stateShutdownPrepare)
        daemon->driver->stateShutdownPrepare();
    /* No call may run into the driver while it goes; its last events
     * still find the (closed) server. */
    virNetServerShutdown(daemon->srv);
    if (daemon->driver->stateCleanup)
        daemon->driver->stateCleanup();
    if (thread) {
        g_mutex_lock(&w.lock);
        w.done = true;
        g_cond_signal(&w.cond);
        g_mutex_unlock(&w.lock);
        g_thread_join(thread);
    }
    g_cond_clear(&w.cond);
    g_mutex_clear(&w.lock);
}


/* The root's own pid file is the lock that keeps a second daemon off the
 * same root; --pid-file writes (and locks) one more. */
static int
virtmigdRun(virtmigdDaemon *daemon, const char *pidFile,
            virtmigdListeners *lst)
{
    g_autofree char *what = g_strdup_printf(_("a virtmigd for %s"),
                                            daemon->cfg->runDir);
    int rootfd = -1;
    int pidfd = -1;
    int rc = -1;

    if ((rootfd = virPidFileAcquire(daemon->cfg->pidFile, getpid(), what)) < 0)
        return -1;
    if (pidFile && (pidfd = virPidFileAcquire(pidFile, getpid(), what)) < 0) {
        virPidFileRelease(daemon->cfg->pidFile, rootfd);
        return -1;
    }
    /* before the driver recovers anything */
    if (virtmigdListenCheckDropIn(daemon->cfg) < 0)
        goto cleanup;
    if (virtmigdStartServer(daemon) < 0 || virtmigdStartDriver(daemon) < 0)
        goto cleanup;
    /* before listening: a client may signal the daemon as soon as it
     * can connect */
    virtmigdAddSignal(daemon, SIGTERM);
    virtmigdAddSignal(daemon, SIGINT);
    if (virtmigdListen(daemon, lst) < 0)
        goto cleanup;
    VIR_INFO("virtmigd %s ready on %s", PACKAGE_VERSION, daemon->cfg->sockPath);
    virtmigdNotifyReady();
    virNetServerRun(daemon->srv);
    virtmigdShutdown(daemon);
    rc = 0;

 cleanup:
    if (rc < 0) {
        /* No call may run into the driver while it goes; its last events
         * still find the (closed) server. */
        if (daemon->srv)
            virNetServerShutdown(daemon->srv);
        if (daemon->driver && daemon->driver->stateCleanup)
            daemon->driver->stateCleanup();
    }
    virNetServerFree(daemon->srv);
    daemon->srv = NULL;
    virtmigdListenersClear(lst);
    g_clear_pointer(&daemon->remoteProgram, virNetServerProgramFree);
    g_clear_pointer(&daemon->qemuProgram, virNetServerProgramFree);
    g_clear_pointer(&daemon->lxcProgram, virNetServerProgramFree);
    if (pidFile)
        virPidFileRelease(pidFile, pidfd);
    virPidFileRelease(daemon->cfg->pidFile, rootfd);
    return rc;
}


/* --dump-config: what the build makes the sample config and the manual
 * page from.  Returns the exit status. */
static int
virtmigdDumpConfig(virtmigdDaemon *daemon, const char *what)
{
    g_autofree char *text = NULL;

    if (remoteDriverLoad(daemon) < 0) {
        g_printerr("virtmigd: %s\n", virErrorGetLastMessage());
        return 1;
    }
    if (STREQ(what, "sample")) {
        text = virtmigdConfigFormatSample(daemon->driver->configKeys);
    } else if (STREQ(what, "man")) {
        text = virtmigdConfigFormatMan(daemon->driver->configKeys);
    } else {
        g_printerr(_("virtmigd: --dump-config takes 'sample' or 'man', not '%s'\n"),
                   what);
        return 2;
    }
    fputs(text, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}


/* glibc gives each of the worker threads that allocate its own malloc
 * arena, up to eight per core, and memory freed in one arena does not
 * serve another: with 200 domains defined, two arenas keep the daemon
 * 1.4 MiB smaller (3.1 -> 1.7 MiB of growth).  Calls are short, so the
 * workers seldom wait for each other's arena.  MALLOC_ARENA_MAX in the
 * environment still wins. */
static void
virtmigdLimitMallocArenas(void)
{
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 2);
}


int
main(int argc, char **argv)
{
    g_auto(virtmigdOptions) opts = { 0 };
    virtmigdDaemon daemon = { 0 };
    g_autoptr(virtmigdConfig) cfg = NULL;
    virtmigdListeners lst = { -1, -1, NULL };

    virtmigdLimitMallocArenas();
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    if (virtmigdParseArgs(&argc, &argv, &opts) < 0)
        return 2;
    if (opts.version) {
        printf("virtmigd (virtmig) %s\n", PACKAGE_VERSION);
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);
    virErrorSetLogging(false);
    remoteDaemon = &daemon;
    daemon.cfg = cfg = virtmigdConfigNew(opts.root, opts.configFile);
    if (opts.dumpConfig)
        return virtmigdDumpConfig(&daemon, opts.dumpConfig);
    if (virtmigdListenInherit(cfg, &lst) < 0 ||
        remoteDriverLoad(&daemon) < 0 ||
        virtmigdConfigLoad(cfg, daemon.driver->configKeys) < 0 ||
        virtmigdConfigPrepareHost(cfg) < 0 ||
        virtmigdSetupLogging(cfg, opts.verbose) < 0 ||
        virtmigdListenPrepareTLS(cfg, &lst) < 0)
        goto fail;
    /* From here on an error reaches the configured log outputs as it is
     * reported: printing it again on the way out would say it twice. */
    virErrorSetLogging(true);
    remoteClientSetPKIRoot(cfg->pkiDir);
    return virtmigdRun(&daemon, opts.pidFile, &lst) < 0 ? 1 : 0;

 fail:
    virtmigdListenersClear(&lst);
    g_printerr("virtmigd: %s\n", virErrorGetLastMessage());
    return 1;
}
