/*
 * virnetmessagefuzz.c: libFuzzer target of the RPC packet decoders
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is what a peer writes on the socket: one or more packets,
 * each a length word, a header and a payload.  Every packet goes through
 * the decoding steps the daemon and its client apply to it:
 *
 *   - the length word (virNetMessageDecodeLength): a packet longer than
 *     what is left of the input never arrives, so decoding stops there;
 *   - the header (virNetMessageDecodeHeader);
 *   - a CALL of the remote program: the served procedure's arguments,
 *     decoded with the XDR filter of the daemon's own dispatch table
 *     (remoteGetProcs, generated from remote_protocol.x) and freed
 *     with xdr_free, as virNetServerProgramDispatch does; the
 *     typed parameters of the migration procedures are converted as
 *     their handlers convert them;
 *   - a REPLY: with status OK, the same procedure's return value as the
 *     client decodes it (virNetClientCall), typed parameters of the job
 *     statistics included; with status ERROR, the virNetMessageError;
 *   - a CALL_WITH_FDS: the fd count (virNetMessageDecodeNumFDs, which
 *     the daemon does not call: it refuses fd passing); a MESSAGE of the
 *     remote program:
 *     the event the client decodes (CONNECT_EVENT_CONNECTION_CLOSED).
 *
 * The procedure number comes from the header, so one target covers every
 * procedure: the seed corpus (tests/fuzz/corpus/virnetmessagefuzz, made
 * by tests/fuzz/mkcorpus.py from tests/xdrdata) has a packet per
 * procedure.
 */
#include <config.h>

#include "remote_daemon.h"
#include "remote_daemon_dispatch.h"
#include "virerror.h"
#include "virnetmessage.h"
#include "virtypedparam.h"
#include "fuzzutils.h"

/* Defined by virtmigd.c in the daemon; the handlers are not run here. */
virtmigdDaemon *remoteDaemon;

/* The procedures whose arguments (or return value) carry typed
 * parameters, where the list sits and how many the receiver accepts. */
typedef struct {
    int proc;
    bool ret;
    size_t offset;
    int max;
} fuzzTypedParams;

#define FUZZ_PARAMS(proc, type, max) \
    { REMOTE_PROC_ ## proc, false, offsetof(type, params), max }

static const fuzzTypedParams fuzzParams[] = {
    FUZZ_PARAMS(DOMAIN_MIGRATE_BEGIN3_PARAMS,
                remote_domain_migrate_begin3_params_args,
                REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
    FUZZ_PARAMS(DOMAIN_MIGRATE_PREPARE3_PARAMS,
                remote_domain_migrate_prepare3_params_args,
                REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
    FUZZ_PARAMS(DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS,
                remote_domain_migrate_prepare_tunnel3_params_args,
                REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
    FUZZ_PARAMS(DOMAIN_MIGRATE_PERFORM3_PARAMS,
                remote_domain_migrate_perform3_params_args,
                REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
    FUZZ_PARAMS(DOMAIN_MIGRATE_FINISH3_PARAMS,
                remote_domain_migrate_finish3_params_args,
                REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
    FUZZ_PARAMS(DOMAIN_MIGRATE_CONFIRM3_PARAMS,
                remote_domain_migrate_confirm3_params_args,
                REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
    { REMOTE_PROC_DOMAIN_GET_JOB_STATS, true,
      offsetof(remote_domain_get_job_stats_ret, params),
      REMOTE_DOMAIN_JOB_STATS_MAX },
};


/* The typed-parameter list of @proc's arguments (@ret false) or return
 * value (@ret true), or NULL when it has none.  Only the decoder of that
 * very structure may be given the result: an ERROR reply or an event of
 * the same procedure number is another structure. */
static const fuzzTypedParams *
fuzzTypedParamsFind(int proc, bool ret)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fuzzParams); i++) {
        if (fuzzParams[i].proc == proc && fuzzParams[i].ret == ret)
            return &fuzzParams[i];
    }
    return NULL;
}


/* Converts the typed parameters of the decoded structure @data (@size
 * bytes) as the receiving side does, and frees the result. */
static void
fuzzTypedParamsConvert(const fuzzTypedParams *tp, const char *data,
                       size_t size)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    /* what rpcgen makes of every "remote_typed_param params<MAX>" */
    struct {
        u_int params_len;
        remote_typed_param *params_val;
    } list;

    if (tp->offset + sizeof(list) > size)
        abort(); /* fuzzParams names a field outside the structure */
    memcpy(&list, data + tp->offset, sizeof(list));
    if (remoteDeserializeTypedParameters(list.params_val, list.params_len,
                                         tp->max, &params, &nparams) == 0)
        virTypedParamArrayFree(params, nparams);
}


/* Decodes the payload of @msg with @filter into a buffer of @size bytes,
 * converts its typed parameters (@tp, NULL for none) when it decoded,
 * and frees it. */
static void
fuzzPayload(virNetMessage *msg, xdrproc_t filter, size_t size,
            const fuzzTypedParams *tp)
{
    g_autofree char *data = g_malloc0(MAX(size, 1));

    if (virNetMessageDecodePayload(msg, filter, data) == 0 && tp)
        fuzzTypedParamsConvert(tp, data, size);
    /* decoded whole or in part: the one owner frees it */
    xdr_free(filter, data);
}


static const virNetServerProgramProc *
fuzzGetProc(int proc)
{
    size_t nprocs = 0;
    const virNetServerProgramProc *procs = remoteGetProcs(&nprocs);

    if (proc < 0 || (size_t)proc >= nprocs || !procs[proc].func)
        return NULL;
    return &procs[proc];
}


static void
fuzzRemoteProgram(virNetMessage *msg)
{
    const virNetMessageHeader *hdr = &msg->header;
    const virNetServerProgramProc *p = fuzzGetProc(hdr->proc);

    switch ((virNetMessageType)hdr->type) {
    case VIR_NET_CALL:
        if (p)
            fuzzPayload(msg, p->argsFilter, p->argsLen,
                        fuzzTypedParamsFind(hdr->proc, false));
        break;
    case VIR_NET_CALL_WITH_FDS:
        ignore_value(virNetMessageDecodeNumFDs(msg));
        break;
    case VIR_NET_REPLY:
        if (hdr->status == VIR_NET_ERROR)
            fuzzPayload(msg, (xdrproc_t)xdr_virNetMessageError,
                        sizeof(virNetMessageError), NULL);
        else if (hdr->status == VIR_NET_OK && p)
            fuzzPayload(msg, p->retFilter, p->retLen,
                        fuzzTypedParamsFind(hdr->proc, true));
        break;
    case VIR_NET_MESSAGE:
        if (hdr->proc == REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED)
            fuzzPayload(msg,
                        (xdrproc_t)xdr_remote_connect_event_connection_closed_msg,
                        sizeof(remote_connect_event_connection_closed_msg),
                        NULL);
        break;
    case VIR_NET_REPLY_WITH_FDS:
    case VIR_NET_STREAM:
    case VIR_NET_STREAM_HOLE:
        break;
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;

    fuzzInit();
    while (size - off >= VIR_NET_MESSAGE_LEN_MAX) {
        g_autoptr(virNetMessage) msg = NULL;
        uint32_t len = ((uint32_t)data[off] << 24) | (data[off + 1] << 16) |
                       (data[off + 2] << 8) | data[off + 3];

        /* A packet longer than the rest of the input never arrives: stop
         * before the buffer grows to its length (up to 32 MiB, which
         * took three quarters of the time under ASAN).  A length over the
         * protocol's bound still goes to the decoder, which refuses it. */
        if (len > size - off &&
            len <= VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX)
            break;
        msg = virNetMessageNew();
        virNetMessagePrepareRead(msg);
        memcpy(msg->buffer, data + off, VIR_NET_MESSAGE_LEN_MAX);
        if (virNetMessageDecodeLength(msg) < 0 ||
            msg->bufferLength > size - off)
            break;
        memcpy(msg->buffer, data + off, msg->bufferLength);
        off += msg->bufferLength;
        msg->bufferOffset = 0;
        if (virNetMessageDecodeHeader(msg) < 0)
            break;
        if (msg->header.prog == REMOTE_PROGRAM &&
            msg->header.vers == REMOTE_PROTOCOL_VERSION)
            fuzzRemoteProgram(msg);
    }
    virErrorResetLast();
    return 0;
}
