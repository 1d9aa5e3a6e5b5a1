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

/* A listing's maximum (virConnectListDomains' maxids) must be between
 * 0 and @limit, the bound of the reply's array. */
int remoteCheckListMax(int max, int limit);

/* A count from the wire, @what, must be between 0 and @max (the bound
 * of the array it sizes).  Returns 0 or -1 (reported). */
int remoteCheckCount(const char *what, long long value, long long max);

/* Fills @dst (strings are heap copies) from @src. */
void remoteMakeDomain(remote_nonnull_domain *dst, const virDomainIdent *src);

/* The driver-facing identity of a domain on the wire: of the arguments
 * on the server, of a reply in the client driver (caller frees). */
virDomainIdent *remoteDomainFromWire(const remote_nonnull_domain *rdom);

int remoteSerializeTypedParameters(const virTypedParameter *params,
                                   int nparams, int max,
                                   remote_typed_param **ret, u_int *retLen);
int remoteReplyTypedParams(virTypedParameterPtr params, int nparams, int max,
                           remote_typed_param **val, u_int *len);
int remoteDeserializeTypedParameters(const remote_typed_param *val, u_int len,
                                     int max, virTypedParameterPtr *params,
                                     int *nparams);
void remoteTypedParamsFreeWire(remote_typed_param *val, u_int len);

/* A migration step's arguments and reply as they travel, whichever of
 * the step's procedures (positional, *_PARAMS, v2) carries them: the
 * code gendispatch.py writes for the procedures moves them, by field
 * name, between the procedure's structs and this one.  Everything is
 * borrowed; a string or part the procedure lacks is NULL (0). */
struct _remoteMigrateWire {
    const remote_nonnull_domain *dom;
    bool hasParams;                 /* the arguments are the parameters */
    remote_typed_param *params;
    u_int nparams;
    char *cookiein;
    u_int cookieinlen;
    char *dconnuri;
    char *xml;                      /* xmlin or dom_xml */
    char *uri;                      /* uri or uri_in */
    char *dname;
    unsigned long long flags;
    unsigned long long resource;    /* bandwidth, MiB/s */
    int cancelled;                  /* cancelled, or retcode != 0 */
    /* the reply's parts: where they go (NULL: the reply lacks them) */
    char **cookieout;
    u_int *cookieoutlen;
    char **xmlout;
    remote_string *uriout;
    remote_nonnull_domain *domout;
    unsigned int serial;            /* client side: the call's serial */
};

/* The driver entry of a migration step: the member set says its kind. */
struct _remoteMigrateEntry {
    virDrvDomainMigrateBegin begin;
    virDrvDomainMigratePrepare prepare;
    virDrvDomainMigratePrepareTunnel prepareTunnel;
    virDrvDomainMigratePerform onDomain;    /* Perform3, Confirm3, Perform2 */
    virDrvDomainMigrateFinish finish;
};

/* Streams of a client's call (remote_daemon_stream.c): made for the
 * call the worker runs (caller owns it), ended once the driver has it,
 * telling whether the call succeeded (returns 0 if it did, else -1). */
virStream *remoteDaemonStreamNew(virNetServerClient *client);
int remoteDaemonStreamEnd(virStream *st, bool ok);
