/*
 * remote_daemon_dispatch.h: helpers shared by the remote program handlers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "remote_protocol.h"
#include "remote_dispatch_decl.h"
#include "virhypervisordriver.h"
#include "virnetserverclient.h"

/* The client's driver connection, or NULL (reported) if not open. */
virConn *remoteGetConn(virNetServerClient *client);

/* Reports VIR_ERR_NO_SUPPORT for the libvirt API @api. */
void remoteReportNoSupport(const char *api);

/* Fills @dst (strings are heap copies) from @src. */
void remoteMakeDomain(remote_nonnull_domain *dst, const virDomainIdent *src);

/* The driver-facing identity of a domain on the wire: of the arguments
 * on the server, of a reply in the client driver (caller frees). */
virDomainIdent *remoteDomainFromWire(const remote_nonnull_domain *rdom);

int remoteSerializeTypedParameters(const virTypedParameter *params,
                                   int nparams, int max,
                                   remote_typed_param **ret, u_int *retLen);
int remoteDeserializeTypedParameters(const remote_typed_param *val, u_int len,
                                     int max, virTypedParameterPtr *params,
                                     int *nparams);
void remoteTypedParamsFreeWire(remote_typed_param *val, u_int len);
void remoteTypedParamsAddString(virTypedParameterPtr *params, int *nparams,
                                const char *name, const char *value);
void remoteTypedParamsAddULLong(virTypedParameterPtr *params, int *nparams,
                                const char *name, unsigned long long value);

/* Streams of a client's call (remote_daemon_stream.c): made for the
 * call the worker runs (caller owns it), failed if the call fails. */
virStream *remoteDaemonStreamNew(virNetServerClient *client);
void remoteDaemonStreamFail(virStream *st);
void remoteDaemonStreamFree(virStream *st);
