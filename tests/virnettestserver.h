/*
 * virnettestserver.h: an in-process RPC server for the tests of the rpc
 * layer, on a unix socket in a temporary directory, in its own thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "virnetserver.h"
#include "virnetserverprogram.h"

typedef struct {
    char *dir;
    char *sock;                 /* the path clients connect to */
    virNetServer *srv;
    virNetServerProgram *prog;
    GThread *thread;
} virNetTestServer;

virNetTestServer *virNetTestServerStart(const char *name,
                                        const virNetServerConfig *cfg,
                                        unsigned int program,
                                        const virNetServerProgramProc *procs,
                                        size_t nprocs);
void virNetTestServerStop(virNetTestServer *t);
