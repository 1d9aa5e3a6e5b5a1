/*
 * qemu_migration_params.h: VIR_MIGRATE_* flags and typed parameters turned
 * into QEMU migration capabilities and parameters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The mapping is libvirt 9.0's (docs/internals/migration-params.rst has
 * the table).  The life of a set of parameters during one migration:
 *
 *   entry point   qemuMigrationArgsParse (qemu_migration_args.c):
 *                 qemuMigrationParamsValidate, then for Prepare and
 *                 Perform qemuMigrationParamsFromFlags (party of this side)
 *   Prepare/Perform, monitor entered:
 *                 qemuMigrationParamsFetch         (QEMU's originals, kept
 *                                                   in the job, saved in the
 *                                                   status XML)
 *                 qemuMigrationParamsCheck         (supported? always-on)
 *                 qemuMigrationParamsDisableTLS
 *                 Perform: max-bandwidth from the bandwidth parameter or
 *                          the domain's migrate-setspeed value
 *                 qemuMigrationParamsApply
 *   afterwards    qemuMigrationParamsReset with the originals
 *
 * QEMU's supported capabilities are a bit mask over qemuMigrationCapability
 * (QEMU_MIGRATION_CAP_BIT), probed once per QEMU by qemuMigrationCapsProbe,
 * which also switches "events" on for good.
 */
#pragma once

#include "internal.h"
#include "qemu_monitor.h"
#include "virbuffer.h"
#include "virdomainjob.h"
#include "virenum.h"
#include "virtypedparam.h"
#include "virxml.h"

/* Capability bits, in libvirt's order (the order of migrate-set-capabilities
 * lists and of the migration cookie's <capabilities>).  Unlike most enums
 * here, 0 is a real value: these index a bit mask. */
typedef enum {
    QEMU_MIGRATION_CAP_XBZRLE = 0,
    QEMU_MIGRATION_CAP_AUTO_CONVERGE,
    QEMU_MIGRATION_CAP_RDMA_PIN_ALL,
    QEMU_MIGRATION_CAP_EVENTS,
    QEMU_MIGRATION_CAP_POSTCOPY,
    QEMU_MIGRATION_CAP_COMPRESS,
    QEMU_MIGRATION_CAP_PAUSE_BEFORE_SWITCHOVER,
    QEMU_MIGRATION_CAP_LATE_BLOCK_ACTIVATE,
    QEMU_MIGRATION_CAP_MULTIFD,
    QEMU_MIGRATION_CAP_BLOCK_DIRTY_BITMAPS,
    QEMU_MIGRATION_CAP_RETURN_PATH,
    QEMU_MIGRATION_CAP_ZERO_COPY_SEND,

    QEMU_MIGRATION_CAP_LAST
} qemuMigrationCapability;
VIR_ENUM_DECL(qemuMigrationCapability);

#define QEMU_MIGRATION_CAP_BIT(cap) (1ULL << (cap))

/* Parameters of migrate-set-parameters libvirt drives, in its order (the
 * key order of our JSON and of <migParams>).  0 is a real value. */
typedef enum {
    QEMU_MIGRATION_PARAM_COMPRESS_LEVEL = 0,
    QEMU_MIGRATION_PARAM_COMPRESS_THREADS,
    QEMU_MIGRATION_PARAM_DECOMPRESS_THREADS,
    QEMU_MIGRATION_PARAM_THROTTLE_INITIAL,
    QEMU_MIGRATION_PARAM_THROTTLE_INCREMENT,
    QEMU_MIGRATION_PARAM_TLS_CREDS,
    QEMU_MIGRATION_PARAM_TLS_HOSTNAME,
    QEMU_MIGRATION_PARAM_MAX_BANDWIDTH,
    QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT,
    QEMU_MIGRATION_PARAM_BLOCK_INCREMENTAL,
    QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE,
    QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH,
    QEMU_MIGRATION_PARAM_MULTIFD_CHANNELS,
    QEMU_MIGRATION_PARAM_MAX_CPU_THROTTLE,

    QEMU_MIGRATION_PARAM_LAST
} qemuMigrationParam;
VIR_ENUM_DECL(qemuMigrationParam);

/* Which side of a migration a mapping applies to (bit mask). */
typedef enum {
    QEMU_MIGRATION_SOURCE = (1 << 0),
    QEMU_MIGRATION_DESTINATION = (1 << 1),
} qemuMigrationParty;

/* The v3 steps, for the allowed-parameter tables. */
typedef enum {
    QEMU_MIGRATION_STEP_NONE = 0,
    QEMU_MIGRATION_STEP_BEGIN,
    QEMU_MIGRATION_STEP_PREPARE,
    QEMU_MIGRATION_STEP_PERFORM,
    QEMU_MIGRATION_STEP_FINISH,
    QEMU_MIGRATION_STEP_CONFIRM,

    QEMU_MIGRATION_STEP_LAST
} qemuMigrationStep;
VIR_ENUM_DECL(qemuMigrationStep);

/* Every VIR_MIGRATE_* flag libvirt 9.0 knows (anything else is refused as
 * an unknown flag, VIR_ERR_INVALID_ARG). */
#define QEMU_MIGRATION_FLAGS \
    (VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED | \
     VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE | \
     VIR_MIGRATE_PAUSED | VIR_MIGRATE_NON_SHARED_DISK | \
     VIR_MIGRATE_NON_SHARED_INC | VIR_MIGRATE_CHANGE_PROTECTION | \
     VIR_MIGRATE_UNSAFE | VIR_MIGRATE_OFFLINE | VIR_MIGRATE_COMPRESSED | \
     VIR_MIGRATE_ABORT_ON_ERROR | VIR_MIGRATE_AUTO_CONVERGE | \
     VIR_MIGRATE_RDMA_PIN_ALL | VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_TLS | \
     VIR_MIGRATE_PARALLEL | VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES | \
     VIR_MIGRATE_POSTCOPY_RESUME | VIR_MIGRATE_ZEROCOPY)

/* The known flags virtmig refuses up front (VIR_ERR_ARGUMENT_UNSUPPORTED,
 * naming them): RDMA is not implemented. */
#define QEMU_MIGRATION_FLAGS_UNSUPPORTED VIR_MIGRATE_RDMA_PIN_ALL

#define QEMU_MIGRATION_FLAGS_SUPPORTED \
    (QEMU_MIGRATION_FLAGS & ~QEMU_MIGRATION_FLAGS_UNSUPPORTED)

/* The largest bandwidth in MiB/s (libvirt's QEMU_DOMAIN_MIG_BANDWIDTH_MAX:
 * its bytes/s still fit in an int64) and the "unlimited" default. */
#define QEMU_MIGRATION_BANDWIDTH_MAX (INT64_MAX / (1024 * 1024))

/* virtmig's own typed parameter (unsigned long long: what python-libvirt
 * makes of an int under a name it does not know): 1 turns the convergence policy
 * (qemu_migration_converge.c) on for this migration, 0 off, whatever the
 * host's migration_converge says. */
#define QEMU_MIGRATION_PARAM_CONVERGE "virtmig.converge"

typedef struct _qemuMigrationParams qemuMigrationParams;

qemuMigrationParams *qemuMigrationParamsNew(void);
void qemuMigrationParamsFree(qemuMigrationParams *migParams);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationParams, qemuMigrationParamsFree);

int qemuMigrationParamsValidate(qemuMigrationStep step,
                                const virTypedParameter *params, int nparams);
const virTypedParamSpec *qemuMigrationParamsSpecs(qemuMigrationStep step,
                                                  size_t *nspecs);

qemuMigrationParams *qemuMigrationParamsFromFlags(const virTypedParameter *params,
                                                  int nparams,
                                                  unsigned long long flags,
                                                  qemuMigrationParty party);
int qemuMigrationParamsDump(const qemuMigrationParams *migParams,
                            virTypedParamList *list,
                            unsigned long long *flags);

unsigned long long qemuMigrationParamsAlwaysOnCaps(qemuMigrationParty party);
unsigned long long qemuMigrationParamsGetCaps(const qemuMigrationParams *migParams);
int qemuMigrationParamsCheck(qemuMigrationParams *migParams,
                             qemuMigrationParty party,
                             unsigned long long supportedCaps,
                             unsigned long long remoteAutoCaps);
void qemuMigrationParamsDisableTLS(qemuMigrationParams *migParams,
                                   const qemuMigrationParams *origParams);
void qemuMigrationParamsEnableTLS(qemuMigrationParams *migParams,
                                  const char *credsAlias);

bool qemuMigrationParamsIsSet(const qemuMigrationParams *migParams,
                              qemuMigrationParam param);
int qemuMigrationParamsSetULL(qemuMigrationParams *migParams,
                              qemuMigrationParam param,
                              unsigned long long value);
int qemuMigrationParamsSetString(qemuMigrationParams *migParams,
                                 qemuMigrationParam param, const char *value);
int qemuMigrationParamsSetInt(qemuMigrationParams *migParams,
                              qemuMigrationParam param, int value);
void qemuMigrationParamsSetCap(qemuMigrationParams *migParams,
                               qemuMigrationCapability cap);
int qemuMigrationParamsGetULL(const qemuMigrationParams *migParams,
                              qemuMigrationParam param,
                              unsigned long long *value);
int qemuMigrationParamsSetMaxBandwidth(qemuMigrationParams *migParams,
                                       unsigned long long mibps);

qemuMigrationParams *qemuMigrationParamsFromJSON(json_object *params);
json_object *qemuMigrationParamsToJSON(const qemuMigrationParams *migParams,
                                       bool postcopyResume);
json_object *qemuMigrationCapsToJSON(unsigned long long supportedCaps,
                                     unsigned long long states);
GPtrArray *qemuMigrationCapsToList(unsigned long long supportedCaps,
                                   unsigned long long states);
unsigned long long qemuMigrationCapsFromList(GPtrArray *caps);

int qemuMigrationCapsProbe(qemuMonitor *mon, bool reconnect,
                           unsigned long long *retSupported);
int qemuMigrationParamsFetch(qemuMonitor *mon,
                             qemuMigrationParams **retOrigParams);
int qemuMigrationParamsApply(qemuMonitor *mon, virDomainAsyncJob asyncJob,
                             const qemuMigrationParams *migParams,
                             unsigned long long supportedCaps,
                             unsigned long long apiFlags);
void qemuMigrationParamsReset(qemuMonitor *mon,
                              const qemuMigrationParams *origParams,
                              unsigned long long supportedCaps);

void qemuMigrationParamsFormat(virBuffer *buf,
                               const qemuMigrationParams *migParams);
int qemuMigrationParamsParse(xmlXPathContext *ctxt,
                             qemuMigrationParams **retMigParams);
