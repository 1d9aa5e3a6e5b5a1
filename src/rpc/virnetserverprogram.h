/*
 * virnetserverprogram.h: a program's procedure table and call dispatch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table, generated from the .x annotations, carries each procedure's
 * priority and whether it is allowed read-only and before CONNECT_OPEN;
 * those are checked here, in one place, before any handler runs.
 */
#pragma once

#include "internal.h"
#include "virnetmessage.h"
#include "virnetserverclient.h"

typedef int (*virNetServerProgramDispatchFunc)(virNetServerClient *client,
                                               virNetMessage *msg,
                                               void *args, void *ret);

typedef struct {
    const char *name;
    /* The libvirt API the procedure serves ("virDomainSave").  An entry
     * with only this set is a procedure this server does not serve. */
    const char *api;
    virNetServerProgramDispatchFunc func;
    size_t argsLen;
    xdrproc_t argsFilter;
    size_t retLen;
    xdrproc_t retFilter;
    bool highPriority;
    bool readonlyAllowed;
    bool needsOpen;
    /* Flags a read-only connection may not pass (e.g. the one that asks
     * for secrets), and where "flags" sits in the decoded arguments. */
    unsigned int readonlyDenyFlags;
    size_t flagsOffset;
} virNetServerProgramProc;

typedef struct _virNetServerProgram virNetServerProgram;

virNetServerProgram *virNetServerProgramNew(unsigned int program,
                                            unsigned int version,
                                            const virNetServerProgramProc *procs,
                                            size_t nprocs);
void virNetServerProgramFree(virNetServerProgram *prog);

bool virNetServerProgramMatches(virNetServerProgram *prog,
                                const virNetMessageHeader *hdr);
unsigned int virNetServerProgramGetID(virNetServerProgram *prog);
/* Whether @proc must run on a priority worker. */
bool virNetServerProgramIsPriority(virNetServerProgram *prog, int proc);

/* Runs the call in @msg (worker thread) and queues its reply; steals
 * @msg.  Returns 0, or -1 if the reply could not be queued. */
int virNetServerProgramDispatch(virNetServerProgram *prog,
                                virNetServerClient *client,
                                virNetMessage *msg);

const virNetMessageHeader *virNetServerProgramCurrentCall(void);
/* From a handler: @fd (stolen) goes to the client with the reply. */
void virNetServerProgramSetReplyFD(int fd);

/* Turns @msg (a call) into an error reply carrying the last error and
 * queues it; steals @msg. */
int virNetServerProgramSendError(virNetServerClient *client,
                                 virNetMessage *msg);

/* Builds an event (MESSAGE) packet of @prog/@procnr with @data; caller
 * owns the result.  NULL on encode failure (reported). */
virNetMessage *virNetServerProgramNewEvent(unsigned int program,
                                           int procnr, xdrproc_t filter,
                                           void *data);
