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

/* Checks the arguments' domain against the driver: returns the driver's
 * identity of the domain matched by UUID, or NULL (reported). */
virDomainIdent *remoteGetDomain(virConn *conn, const remote_nonnull_domain *dom);

/* Calls @member of @conn's driver, or reports NO_SUPPORT naming @api. */
#define REMOTE_DRIVER_ENTRY(conn, member, api) \
    ((conn)->driver->member ? (conn)->driver->member : \
     (remoteReportNoSupport(api), (__typeof__((conn)->driver->member))NULL))

/* The client's connection, and in *@dom the driver-facing identity of
 * @rdom (caller frees); NULL (reported) when not open. */
virConn *remoteConnAndDomain(virNetServerClient *client,
                             const remote_nonnull_domain *rdom,
                             virDomainIdent **dom);

/* Returns -1 from the calling handler, with NO_SUPPORT naming @api, when
 * @conn's driver lacks @member. */
#define REMOTE_REQUIRE(conn, member, api) \
    do { \
        if (!(conn)->driver->member) { \
            remoteReportNoSupport(api); \
            return -1; \
        } \
    } while (0)

int remoteSerializeTypedParameters(const virTypedParameter *params,
                                   int nparams, int max,
                                   remote_typed_param **ret, u_int *retLen);
void remoteTypedParamsFree(virTypedParameterPtr params, int nparams);
int remoteDeserializeTypedParameters(const remote_typed_param *val, u_int len,
                                     int max, virTypedParameterPtr *params,
                                     int *nparams);
void remoteTypedParamsAddString(virTypedParameterPtr *params, int *nparams,
                                const char *name, const char *value);
void remoteTypedParamsAddULLong(virTypedParameterPtr *params, int *nparams,
                                const char *name, unsigned long long value);
