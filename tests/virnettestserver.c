/*
 * virnettestserver.c: an in-process RPC server for the tests of the rpc
 * layer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "virnettestserver.h"
#include "virthread.h"


static void
virNetTestServerRun(void *opaque)
{
    virNetServerRun(opaque);
}


/**
 * virNetTestServerStart:
 * Starts a server with @cfg serving @program (version 1) with @procs on
 * a unix socket in a new temporary directory named after @name, run by
 * a thread of its own.  Aborts the test on failure.  Caller owns the
 * result: virNetTestServerStop() stops and frees it.
 */
virNetTestServer *
virNetTestServerStart(const char *name, const virNetServerConfig *cfg,
                      unsigned int program,
                      const virNetServerProgramProc *procs, size_t nprocs)
{
    virNetTestServer *t = g_new0(virNetTestServer, 1);
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", name);

    t->dir = g_dir_make_tmp(tmpl, NULL);
    g_assert_nonnull(t->dir);
    t->sock = g_build_filename(t->dir, "sock", NULL);
    t->srv = virNetServerNew(cfg, NULL, NULL);
    t->prog = virNetServerProgramNew(program, 1, procs, nprocs);
    virNetServerAddProgram(t->srv, t->prog);
    g_assert_cmpint(virNetServerAddServiceUNIX(t->srv, t->sock, 0600, false),
                    ==, 0);
    t->thread = virThreadCreate("test-srv", virNetTestServerRun, t->srv);
    return t;
}


/* Stops the server's thread, frees everything and removes the socket's
 * directory. */
void
virNetTestServerStop(virNetTestServer *t)
{
    virNetServerQuit(t->srv);
    virThreadJoin(t->thread);
    virNetServerFree(t->srv);
    virNetServerProgramFree(t->prog);
    rmdir(t->dir);
    g_free(t->sock);
    g_free(t->dir);
    g_free(t);
}
