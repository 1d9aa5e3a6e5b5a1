/*
 * virnetserverprogram.c: a program's procedure table and call dispatch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <unistd.h>

#include "virnetserverprogram.h"
#include "virerror.h"
#include "virlog.h"
#include "virthreadjob.h"

#define VIR_FROM_THIS VIR_FROM_RPC

VIR_LOG_INIT("rpc.netserverprogram");

/* The header of the call the calling worker runs, during its handler. */
static GPrivate virNetServerProgramCall;
/* The descriptor a handler gives its reply, plus one (0: none). */
static GPrivate virNetServerProgramReplyFD;

struct _virNetServerProgram {
    unsigned int program;
    unsigned int version;
    const virNetServerProgramProc *procs;
    size_t nprocs;
    char **apiNames;    /* "remoteDispatchConnectOpen" per procedure */
};


/* "CONNECT_OPEN" -> "remoteDispatchConnectOpen": the name libvirt users
 * see as a job owner in "cannot acquire state change lock" errors. */
static char *
virNetServerProgramAPIName(const char *procName)
{
    g_auto(GStrv) words = g_strsplit(procName, "_", -1);
    GString *s = g_string_new("remoteDispatch");
    char **w;

    for (w = words; *w; w++) {
        g_autofree char *lower = g_ascii_strdown(*w, -1);
        lower[0] = g_ascii_toupper(lower[0]);
        g_string_append(s, lower);
    }
    return g_string_free(s, FALSE);
}


virNetServerProgram *
virNetServerProgramNew(unsigned int program, unsigned int version,
                       const virNetServerProgramProc *procs, size_t nprocs)
{
    virNetServerProgram *prog = g_new0(virNetServerProgram, 1);
    size_t i;

    prog->program = program;
    prog->version = version;
    prog->procs = procs;
    prog->nprocs = nprocs;
    prog->apiNames = g_new0(char *, nprocs + 1);
    for (i = 0; i < nprocs; i++) {
        if (procs[i].name)
            prog->apiNames[i] = virNetServerProgramAPIName(procs[i].name);
    }
    return prog;
}


void
virNetServerProgramFree(virNetServerProgram *prog)
{
    size_t i;

    if (!prog)
        return;
    for (i = 0; i < prog->nprocs; i++)
        g_free(prog->apiNames[i]);
    g_free(prog->apiNames);
    g_free(prog);
}


bool
virNetServerProgramMatches(virNetServerProgram *prog,
                           const virNetMessageHeader *hdr)
{
    return hdr->prog == prog->program && hdr->vers == prog->version;
}


unsigned int
virNetServerProgramGetID(virNetServerProgram *prog)
{
    return prog->program;
}


static const virNetServerProgramProc *
virNetServerProgramGetProc(virNetServerProgram *prog, int proc)
{
    if (proc < 0 || (size_t)proc >= prog->nprocs || !prog->procs[proc].func)
        return NULL;
    return &prog->procs[proc];
}


bool
virNetServerProgramIsPriority(virNetServerProgram *prog, int proc)
{
    const virNetServerProgramProc *p = virNetServerProgramGetProc(prog, proc);

    return p && p->highPriority;
}


/* Re-encodes @msg in place as a reply to the call it holds. */
static int
virNetServerProgramPrepareReply(virNetMessage *msg, virNetMessageStatus status)
{
    msg->header.type = msg->nfds > 0 ? VIR_NET_REPLY_WITH_FDS : VIR_NET_REPLY;
    msg->header.status = status;
    return virNetMessageEncodeHeader(msg);
}


int
virNetServerProgramSendError(virNetServerClient *client, virNetMessage *msg)
{
    virNetMessageError rerr;
    size_t i;
    int rc = -1;

    virNetMessageSaveError(&rerr);
    for (i = msg->donefds; i < msg->nfds; i++) {
        if (msg->fds[i] >= 0)
            close(msg->fds[i]);
    }
    g_free(msg->fds);
    msg->fds = NULL;
    msg->nfds = msg->donefds = 0;
    if (virNetServerProgramPrepareReply(msg, VIR_NET_ERROR) == 0 &&
        virNetMessageEncodePayload(msg, (xdrproc_t)xdr_virNetMessageError,
                                   &rerr) == 0) {
        rc = virNetServerClientSendMessage(client, msg);
        msg = NULL;
    }
    xdr_free((xdrproc_t)xdr_virNetMessageError, (char *)&rerr);
    if (msg) {
        VIR_WARN("could not encode an error reply; closing client %llu",
                 virNetServerClientGetID(client));
        virNetMessageFree(msg);
        virNetServerClientClose(client);
    }
    return rc;
}


/* Checks everything the table says about @p for @client before a handler
 * runs.  Returns 0 or -1 (reported). */
static int
virNetServerProgramCheckAccess(virNetServerClient *client,
                               const virNetServerProgramProc *p)
{
    if (p->needsOpen && !virNetServerClientIsOpen(client)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("hypervisor connection not open"));
        return -1;
    }
    if (!p->readonlyAllowed && virNetServerClientGetReadonly(client)) {
        virReportError(VIR_ERR_OPERATION_DENIED,
                       _("read only access prevents %1$s"), p->name);
        return -1;
    }
    return 0;
}


/* Refuses, on a read-only connection, the flags the procedure's
 * "@readonly_deny_flags" names (they reveal secrets).  @args is decoded.
 * Returns 0 or -1 with an error reported. */
static int
virNetServerProgramCheckFlags(virNetServerClient *client,
                              const virNetServerProgramProc *p,
                              const char *args)
{
    unsigned int flags;

    if (!p->readonlyDenyFlags || !virNetServerClientGetReadonly(client))
        return 0;
    memcpy(&flags, args + p->flagsOffset, sizeof(flags));
    if (flags & p->readonlyDenyFlags) {
        virReportError(VIR_ERR_OPERATION_DENIED,
                       _("read only access prevents %1$s with flags 0x%2$x"),
                       p->name, flags & p->readonlyDenyFlags);
        return -1;
    }
    return 0;
}


/**
 * virNetServerProgramSetReplyFD:
 * From a handler, for a client on a unix socket: @fd (stolen) is passed
 * to the client after the call's reply, which becomes a
 * VIR_NET_REPLY_WITH_FDS; if the call fails, @fd is closed.  One
 * descriptor per call.
 */
void
virNetServerProgramSetReplyFD(int fd)
{
    int old = GPOINTER_TO_INT(g_private_get(&virNetServerProgramReplyFD)) - 1;

    if (old >= 0)
        close(old);
    g_private_set(&virNetServerProgramReplyFD, GINT_TO_POINTER(fd + 1));
}


/* The descriptor the handler gave its reply, or -1; the slot is cleared. */
static int
virNetServerProgramTakeReplyFD(void)
{
    int fd = GPOINTER_TO_INT(g_private_get(&virNetServerProgramReplyFD)) - 1;

    g_private_set(&virNetServerProgramReplyFD, NULL);
    return fd;
}


static int
virNetServerProgramRunProc(virNetServerClient *client, virNetMessage *msg,
                           const virNetServerProgramProc *p)
{
    g_autofree char *args = g_malloc0(MAX(p->argsLen, 1));
    g_autofree char *ret = g_malloc0(MAX(p->retLen, 1));
    int replyFD;
    int rc = -1;

    if (virNetServerProgramCheckAccess(client, p) < 0)
        goto error;
    rc = virNetMessageDecodePayload(msg, p->argsFilter, args);
    if (rc == 0)
        rc = virNetServerProgramCheckFlags(client, p, args);
    if (rc == 0)
        rc = p->func(client, msg, args, ret);
    replyFD = virNetServerProgramTakeReplyFD();
    /* The one owner of the decoded arguments: whether they were decoded
     * whole, in part (a decoding error) or not used, they are freed
     * here.  Handlers never keep pointers into them. */
    xdr_free(p->argsFilter, args);
    if (rc < 0) {
        if (replyFD >= 0)
            close(replyFD);
        goto error;
    }
    if (replyFD >= 0) {
        msg->fds = g_new(int, 1);
        msg->fds[0] = replyFD;
        msg->nfds = 1;
        msg->donefds = 0;
    }

    if (virNetServerProgramPrepareReply(msg, VIR_NET_OK) < 0 ||
        (msg->nfds > 0 && virNetMessageEncodeNumFDs(msg) < 0) ||
        virNetMessageEncodePayload(msg, p->retFilter, ret) < 0) {
        xdr_free(p->retFilter, ret);
        goto error;
    }
    xdr_free(p->retFilter, ret);
    rc = virNetServerClientSendMessage(client, msg);
    return rc;

 error:
    return virNetServerProgramSendError(client, msg);
}


/* The error of a call to @proc, which is not served: VIR_ERR_NO_SUPPORT
 * naming the libvirt API when the table knows it, as libvirt answers for
 * an API its driver lacks; else libvirt's "unknown procedure", which
 * clients turn into VIR_ERR_NO_SUPPORT too. */
static void
virNetServerProgramReportUnserved(virNetServerProgram *prog, int proc)
{
    if (proc >= 0 && (size_t)proc < prog->nprocs && prog->procs[proc].api)
        virReportError(VIR_ERR_NO_SUPPORT, "%s", prog->procs[proc].api);
    else
        virReportError(VIR_ERR_RPC, _("unknown procedure: %1$d"), proc);
}


/**
 * virNetServerProgramDispatch:
 * Runs one call (worker thread): looks up the procedure (one not served
 * gets virNetServerProgramReportUnserved's error), checks access, decodes
 * the arguments, runs the handler and queues the reply or the handler's
 * error.  Steals @msg.
 */
int
virNetServerProgramDispatch(virNetServerProgram *prog,
                            virNetServerClient *client, virNetMessage *msg)
{
    const virNetServerProgramProc *p;
    int rc;

    virErrorResetLast();
    VIR_DEBUG("client=%llu prog=%x proc=%d serial=%u",
              virNetServerClientGetID(client), msg->header.prog,
              msg->header.proc, msg->header.serial);
    if (!(p = virNetServerProgramGetProc(prog, msg->header.proc))) {
        virNetServerProgramReportUnserved(prog, msg->header.proc);
        return virNetServerProgramSendError(client, msg);
    }
    virThreadJobSet(prog->apiNames[msg->header.proc]);
    g_private_set(&virNetServerProgramCall, &msg->header);
    rc = virNetServerProgramRunProc(client, msg, p);
    g_private_set(&virNetServerProgramCall, NULL);
    virThreadJobClear();
    return rc;
}


/**
 * virNetServerProgramCurrentCall:
 * The header of the call the calling thread's handler runs for (the
 * stream a procedure opens takes its serial), or NULL outside a handler.
 * Valid until the handler returns.
 */
const virNetMessageHeader *
virNetServerProgramCurrentCall(void)
{
    return g_private_get(&virNetServerProgramCall);
}


virNetMessage *
virNetServerProgramNewEvent(unsigned int program, int procnr,
                            xdrproc_t filter, void *data)
{
    g_autoptr(virNetMessage) msg = NULL;

    if (!(msg = virNetMessageNewHeader(program, 1, procnr, VIR_NET_MESSAGE,
                                       1, VIR_NET_OK)) ||
        virNetMessageEncodePayload(msg, filter, data) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}
