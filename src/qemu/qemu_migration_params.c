/*
 * qemu_migration_params.c: VIR_MIGRATE_* flags and typed parameters turned
 * into QEMU migration capabilities and parameters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything that decides what QEMU is told lives in the static tables at
 * the top (flag -> capability, typed parameter -> QEMU parameter, always-on
 * capabilities); the functions below only walk them.  The tables follow
 * libvirt 9.0 so that a migration between virtmig and libvirt hosts, or a
 * user's habits, behave the same.
 */
#include <config.h>

#include <limits.h>

#include "qemu_migration_params.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_migration_params");

static const char *const qemuMigrationCapabilityTable[] = {
    [QEMU_MIGRATION_CAP_XBZRLE] = "xbzrle",
    [QEMU_MIGRATION_CAP_AUTO_CONVERGE] = "auto-converge",
    [QEMU_MIGRATION_CAP_RDMA_PIN_ALL] = "rdma-pin-all",
    [QEMU_MIGRATION_CAP_EVENTS] = "events",
    [QEMU_MIGRATION_CAP_POSTCOPY] = "postcopy-ram",
    [QEMU_MIGRATION_CAP_COMPRESS] = "compress",
    [QEMU_MIGRATION_CAP_PAUSE_BEFORE_SWITCHOVER] = "pause-before-switchover",
    [QEMU_MIGRATION_CAP_LATE_BLOCK_ACTIVATE] = "late-block-activate",
    [QEMU_MIGRATION_CAP_MULTIFD] = "multifd",
    [QEMU_MIGRATION_CAP_BLOCK_DIRTY_BITMAPS] = "dirty-bitmaps",
    [QEMU_MIGRATION_CAP_RETURN_PATH] = "return-path",
    [QEMU_MIGRATION_CAP_ZERO_COPY_SEND] = "zero-copy-send",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationCapability, qemuMigrationCapabilityTable,
                    QEMU_MIGRATION_CAP_LAST);

static const char *const qemuMigrationParamTable[] = {
    [QEMU_MIGRATION_PARAM_COMPRESS_LEVEL] = "compress-level",
    [QEMU_MIGRATION_PARAM_COMPRESS_THREADS] = "compress-threads",
    [QEMU_MIGRATION_PARAM_DECOMPRESS_THREADS] = "decompress-threads",
    [QEMU_MIGRATION_PARAM_THROTTLE_INITIAL] = "cpu-throttle-initial",
    [QEMU_MIGRATION_PARAM_THROTTLE_INCREMENT] = "cpu-throttle-increment",
    [QEMU_MIGRATION_PARAM_TLS_CREDS] = "tls-creds",
    [QEMU_MIGRATION_PARAM_TLS_HOSTNAME] = "tls-hostname",
    [QEMU_MIGRATION_PARAM_MAX_BANDWIDTH] = "max-bandwidth",
    [QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT] = "downtime-limit",
    [QEMU_MIGRATION_PARAM_BLOCK_INCREMENTAL] = "block-incremental",
    [QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE] = "xbzrle-cache-size",
    [QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH] = "max-postcopy-bandwidth",
    [QEMU_MIGRATION_PARAM_MULTIFD_CHANNELS] = "multifd-channels",
    [QEMU_MIGRATION_PARAM_MAX_CPU_THROTTLE] = "max-cpu-throttle",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationParam, qemuMigrationParamTable,
                    QEMU_MIGRATION_PARAM_LAST);

static const char *const qemuMigrationStepTable[] = {
    [QEMU_MIGRATION_STEP_NONE] = "none",
    [QEMU_MIGRATION_STEP_BEGIN] = "begin",
    [QEMU_MIGRATION_STEP_PREPARE] = "prepare",
    [QEMU_MIGRATION_STEP_PERFORM] = "perform",
    [QEMU_MIGRATION_STEP_FINISH] = "finish",
    [QEMU_MIGRATION_STEP_CONFIRM] = "confirm",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationStep, qemuMigrationStepTable,
                    QEMU_MIGRATION_STEP_LAST);

/* Values of the "compression" typed parameter. */
typedef enum {
    QEMU_MIGRATION_COMPRESS_XBZRLE = 0,
    QEMU_MIGRATION_COMPRESS_MT,

    QEMU_MIGRATION_COMPRESS_LAST
} qemuMigrationCompressMethod;
VIR_ENUM_DECL(qemuMigrationCompressMethod);
static const char *const qemuMigrationCompressMethodTable[] = {
    [QEMU_MIGRATION_COMPRESS_XBZRLE] = "xbzrle",
    [QEMU_MIGRATION_COMPRESS_MT] = "mt",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationCompressMethod,
                    qemuMigrationCompressMethodTable,
                    QEMU_MIGRATION_COMPRESS_LAST);

typedef enum {
    QEMU_MIGRATION_PARAM_TYPE_INT = 0,
    QEMU_MIGRATION_PARAM_TYPE_ULL,
    QEMU_MIGRATION_PARAM_TYPE_BOOL,
    QEMU_MIGRATION_PARAM_TYPE_STRING,
} qemuMigrationParamType;

typedef struct {
    qemuMigrationParamType type;
    bool applyOnPostcopyResume;
} qemuMigrationParamInfoItem;

static const qemuMigrationParamInfoItem qemuMigrationParamInfo[] = {
    [QEMU_MIGRATION_PARAM_COMPRESS_LEVEL] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
    [QEMU_MIGRATION_PARAM_COMPRESS_THREADS] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
    [QEMU_MIGRATION_PARAM_DECOMPRESS_THREADS] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
    [QEMU_MIGRATION_PARAM_THROTTLE_INITIAL] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
    [QEMU_MIGRATION_PARAM_THROTTLE_INCREMENT] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
    [QEMU_MIGRATION_PARAM_TLS_CREDS] = { QEMU_MIGRATION_PARAM_TYPE_STRING, false },
    [QEMU_MIGRATION_PARAM_TLS_HOSTNAME] = { QEMU_MIGRATION_PARAM_TYPE_STRING, false },
    [QEMU_MIGRATION_PARAM_MAX_BANDWIDTH] = { QEMU_MIGRATION_PARAM_TYPE_ULL, false },
    [QEMU_MIGRATION_PARAM_DOWNTIME_LIMIT] = { QEMU_MIGRATION_PARAM_TYPE_ULL, false },
    [QEMU_MIGRATION_PARAM_BLOCK_INCREMENTAL] = { QEMU_MIGRATION_PARAM_TYPE_BOOL, false },
    [QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE] = { QEMU_MIGRATION_PARAM_TYPE_ULL, false },
    /* the only one that may change while a failed post-copy resumes */
    [QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH] = { QEMU_MIGRATION_PARAM_TYPE_ULL, true },
    [QEMU_MIGRATION_PARAM_MULTIFD_CHANNELS] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
    [QEMU_MIGRATION_PARAM_MAX_CPU_THROTTLE] = { QEMU_MIGRATION_PARAM_TYPE_INT, false },
};
G_STATIC_ASSERT(G_N_ELEMENTS(qemuMigrationParamInfo) == QEMU_MIGRATION_PARAM_LAST);

/* Capabilities switched on whenever QEMU has them.  One meant for both
 * parties would need the peer to list it as automatic in its cookie. */
static const struct {
    qemuMigrationCapability cap;
    unsigned int party;
} qemuMigrationParamsAlwaysOn[] = {
    { QEMU_MIGRATION_CAP_PAUSE_BEFORE_SWITCHOVER, QEMU_MIGRATION_SOURCE },
    { QEMU_MIGRATION_CAP_LATE_BLOCK_ACTIVATE, QEMU_MIGRATION_DESTINATION },
};

/* Flag -> capability: on when the flag is set (or, for @unset entries,
 * when it is not). */
static const struct {
    unsigned long long flag;
    bool unset;
    qemuMigrationCapability cap;
    unsigned int party;
} qemuMigrationParamsFlagMap[] = {
    { VIR_MIGRATE_RDMA_PIN_ALL, false, QEMU_MIGRATION_CAP_RDMA_PIN_ALL,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_AUTO_CONVERGE, false, QEMU_MIGRATION_CAP_AUTO_CONVERGE,
      QEMU_MIGRATION_SOURCE },
    { VIR_MIGRATE_POSTCOPY, false, QEMU_MIGRATION_CAP_POSTCOPY,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARALLEL, false, QEMU_MIGRATION_CAP_MULTIFD,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_TUNNELLED, true, QEMU_MIGRATION_CAP_RETURN_PATH,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_ZEROCOPY, false, QEMU_MIGRATION_CAP_ZERO_COPY_SEND,
      QEMU_MIGRATION_SOURCE },
};

/* Typed parameter -> QEMU parameter; @unit multiplies (MiB/s -> B/s). */
static const struct {
    const char *typedParam;
    unsigned long long unit;
    qemuMigrationParam param;
    unsigned int party;
} qemuMigrationParamsTPMap[] = {
    { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, 0,
      QEMU_MIGRATION_PARAM_THROTTLE_INITIAL, QEMU_MIGRATION_SOURCE },
    { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, 0,
      QEMU_MIGRATION_PARAM_THROTTLE_INCREMENT, QEMU_MIGRATION_SOURCE },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_LEVEL, 0,
      QEMU_MIGRATION_PARAM_COMPRESS_LEVEL,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, 0,
      QEMU_MIGRATION_PARAM_COMPRESS_THREADS,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_DTHREADS, 0,
      QEMU_MIGRATION_PARAM_DECOMPRESS_THREADS,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE, 0,
      QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, 1024 * 1024,
      QEMU_MIGRATION_PARAM_MAX_POSTCOPY_BANDWIDTH,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, 0,
      QEMU_MIGRATION_PARAM_MULTIFD_CHANNELS,
      QEMU_MIGRATION_SOURCE | QEMU_MIGRATION_DESTINATION },
    { VIR_MIGRATE_PARAM_TLS_DESTINATION, 0,
      QEMU_MIGRATION_PARAM_TLS_HOSTNAME, QEMU_MIGRATION_SOURCE },
};

#define STEP(s) (1U << QEMU_MIGRATION_STEP_##s)

/*
 * The parameters every step accepts: libvirt 9.0's QEMU_MIGRATION_PARAMETERS
 * for all five, because libvirt.so hands the same list (plus the URI, name
 * and XML it fills in) to each step, so a narrower table at one step would
 * refuse what virsh sends.  qemuMigrationParamsStepUse says which steps
 * read each one; the others ignore it (logged at DEBUG).
 */
static const virTypedParamSpec qemuMigrationParamsSpecTable[] = {
    { VIR_MIGRATE_PARAM_URI, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_DEST_NAME, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_DEST_XML, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_BANDWIDTH, VIR_TYPED_PARAM_ULLONG, false },
    { VIR_MIGRATE_PARAM_GRAPHICS_URI, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_LISTEN_ADDRESS, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_MIGRATE_DISKS, VIR_TYPED_PARAM_STRING, true },
    { VIR_MIGRATE_PARAM_DISKS_PORT, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_COMPRESSION, VIR_TYPED_PARAM_STRING, true },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_LEVEL, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_DTHREADS, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE, VIR_TYPED_PARAM_ULLONG, false },
    { VIR_MIGRATE_PARAM_PERSIST_XML, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, VIR_TYPED_PARAM_ULLONG, false },
    { VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, VIR_TYPED_PARAM_INT, false },
    { VIR_MIGRATE_PARAM_TLS_DESTINATION, VIR_TYPED_PARAM_STRING, false },
    { VIR_MIGRATE_PARAM_DISKS_URI, VIR_TYPED_PARAM_STRING, false },
    { QEMU_MIGRATION_PARAM_CONVERGE, VIR_TYPED_PARAM_ULLONG, false },
};

static const unsigned int qemuMigrationParamsStepUse[] = {
    STEP(PREPARE) | STEP(PERFORM),                      /* migrate_uri */
    STEP(BEGIN) | STEP(PREPARE) | STEP(FINISH),         /* destination_name */
    STEP(BEGIN) | STEP(PREPARE),                        /* destination_xml */
    STEP(PERFORM),                                      /* bandwidth */
    STEP(PERFORM),                                      /* graphics_uri */
    STEP(PREPARE),                                      /* listen_address */
    STEP(BEGIN) | STEP(PREPARE) | STEP(PERFORM),        /* migrate_disks */
    STEP(PREPARE),                                      /* disks_port */
    STEP(PREPARE) | STEP(PERFORM),                      /* compression */
    STEP(PREPARE) | STEP(PERFORM),                      /* ...mt.level */
    STEP(PREPARE) | STEP(PERFORM),                      /* ...mt.threads */
    STEP(PREPARE) | STEP(PERFORM),                      /* ...mt.dthreads */
    STEP(PREPARE) | STEP(PERFORM),                      /* ...xbzrle.cache */
    STEP(PERFORM),                                      /* persistent_xml */
    STEP(PERFORM),                                      /* auto_converge.initial */
    STEP(PERFORM),                                      /* auto_converge.increment */
    STEP(PREPARE) | STEP(PERFORM),                      /* bandwidth.postcopy */
    STEP(PREPARE) | STEP(PERFORM),                      /* parallel.connections */
    STEP(PERFORM),                                      /* tls.destination */
    STEP(PREPARE) | STEP(PERFORM),                      /* disks_uri */
    STEP(PERFORM),                                      /* virtmig.converge */
};
G_STATIC_ASSERT(G_N_ELEMENTS(qemuMigrationParamsStepUse) ==
                G_N_ELEMENTS(qemuMigrationParamsSpecTable));

#undef STEP


typedef struct {
    bool set;
    union {
        int i;
        unsigned long long ull;
        bool b;
        char *s;
    } value;
} qemuMigrationParamValue;

struct _qemuMigrationParams {
    unsigned long long compMethods;     /* bits of qemuMigrationCompressMethod */
    unsigned long long caps;            /* QEMU_MIGRATION_CAP_BIT()s to enable */
    qemuMigrationParamValue params[QEMU_MIGRATION_PARAM_LAST];
};


/**
 * qemuMigrationParamsNew:
 * An empty set: no capability requested, no parameter set.  Caller owns
 * the result (qemuMigrationParamsFree).
 */
qemuMigrationParams *
qemuMigrationParamsNew(void)
{
    return g_new0(qemuMigrationParams, 1);
}


/* qemuMigrationParamsFree: frees @migParams (NULL is fine). */
void
qemuMigrationParamsFree(qemuMigrationParams *migParams)
{
    size_t i;

    if (!migParams)
        return;
    for (i = 0; i < QEMU_MIGRATION_PARAM_LAST; i++) {
        if (qemuMigrationParamInfo[i].type == QEMU_MIGRATION_PARAM_TYPE_STRING)
            g_free(migParams->params[i].value.s);
    }
    g_free(migParams);
}


/* ---- flags and the typed parameters of the entry points ---- */

/**
 * qemuMigrationParamsSpecs:
 * The table of typed parameters @step accepts (static; *@nspecs entries),
 * or NULL for an invalid step.
 */
const virTypedParamSpec *
qemuMigrationParamsSpecs(qemuMigrationStep step, size_t *nspecs)
{
    if (step <= QEMU_MIGRATION_STEP_NONE || step >= QEMU_MIGRATION_STEP_LAST)
        return NULL;
    *nspecs = G_N_ELEMENTS(qemuMigrationParamsSpecTable);
    return qemuMigrationParamsSpecTable;
}


/**
 * qemuMigrationParamsValidate:
 * Checks the typed parameters a client gave to @step against the step's
 * table (virTypedParamArrayValidate: unknown names are
 * VIR_ERR_ARGUMENT_UNSUPPORTED, wrong types and repetitions
 * VIR_ERR_INVALID_ARG).  Names the step does not read are logged.
 * Returns 0, or -1 with the error reported.
 */
int
qemuMigrationParamsValidate(qemuMigrationStep step,
                            const virTypedParameter *params, int nparams)
{
    const virTypedParamSpec *specs;
    size_t nspecs = 0;
    int i;
    size_t j;

    if (!(specs = qemuMigrationParamsSpecs(step, &nspecs))) {
        virReportEnumRangeError(qemuMigrationStep, step);
        return -1;
    }
    if (virTypedParamArrayValidate(params, nparams, specs, nspecs) < 0)
        return -1;
    for (i = 0; i < nparams; i++) {
        for (j = 0; j < nspecs; j++) {
            if (STREQ(params[i].field, specs[j].name) &&
                !(qemuMigrationParamsStepUse[j] & (1U << step)))
                VIR_DEBUG("parameter '%s' is not used by the %s step",
                          params[i].field, qemuMigrationStepTypeToString(step));
        }
    }
    return 0;
}


/* Reads the typed parameter @name into @param (scaled by @unit if not 0).
 * Returns 0 (absent or read), -1 with an error reported. */
static int
qemuMigrationParamsFromTP(qemuMigrationParams *migParams,
                          qemuMigrationParam param, const char *name,
                          unsigned long long unit,
                          const virTypedParameter *params, int nparams)
{
    qemuMigrationParamValue *pv = &migParams->params[param];
    const char *str = NULL;
    int rc = -1;

    switch (qemuMigrationParamInfo[param].type) {
    case QEMU_MIGRATION_PARAM_TYPE_INT:
        rc = virTypedParamArrayGetInt(params, nparams, name, &pv->value.i);
        break;
    case QEMU_MIGRATION_PARAM_TYPE_ULL:
        rc = virTypedParamArrayGetULLong(params, nparams, name, &pv->value.ull);
        if (rc == 1 && unit > 0) {
            if (pv->value.ull > ULLONG_MAX / unit) {
                virReportError(VIR_ERR_OVERFLOW,
                               _("migration parameter '%1$s' must be less than %2$llu"),
                               name, ULLONG_MAX / unit + 1);
                return -1;
            }
            pv->value.ull *= unit;
        }
        break;
    case QEMU_MIGRATION_PARAM_TYPE_STRING:
        rc = virTypedParamArrayGetString(params, nparams, name, &str);
        if (rc == 1) {
            g_free(pv->value.s);
            pv->value.s = g_strdup(str);
        }
        break;
    case QEMU_MIGRATION_PARAM_TYPE_BOOL:
        rc = 0;     /* no typed parameter maps to a boolean */
        break;
    }
    if (rc < 0)
        return -1;
    if (rc == 1) {
        VIR_DEBUG("migration parameter '%s' from '%s'",
                  qemuMigrationParamTypeToString(param), name);
        pv->set = true;
    }
    return 0;
}


/* The "compression" parameters (and VIR_MIGRATE_COMPRESSED without any:
 * xbzrle) -> methods and capabilities; tuning needs its method on. */
static int
qemuMigrationParamsSetCompression(qemuMigrationParams *migParams,
                                  const virTypedParameter *params, int nparams,
                                  unsigned long long flags)
{
    g_autofree const char **methods = NULL;
    const qemuMigrationParamValue *pv = migParams->params;
    size_t i;

    if (virTypedParamArrayGetStringList(params, nparams,
                                        VIR_MIGRATE_PARAM_COMPRESSION,
                                        &methods) < 0)
        return -1;
    for (i = 0; methods[i]; i++) {
        int method = qemuMigrationCompressMethodTypeFromString(methods[i]);

        if (method < 0) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Unsupported compression method '%1$s'"),
                           methods[i]);
            return -1;
        }
        if (migParams->compMethods & (1ULL << method)) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Compression method '%1$s' is specified twice"),
                           methods[i]);
            return -1;
        }
        migParams->compMethods |= 1ULL << method;
        migParams->caps |= QEMU_MIGRATION_CAP_BIT(
            method == QEMU_MIGRATION_COMPRESS_MT ? QEMU_MIGRATION_CAP_COMPRESS
                                                 : QEMU_MIGRATION_CAP_XBZRLE);
    }
    if ((pv[QEMU_MIGRATION_PARAM_COMPRESS_LEVEL].set ||
         pv[QEMU_MIGRATION_PARAM_COMPRESS_THREADS].set ||
         pv[QEMU_MIGRATION_PARAM_DECOMPRESS_THREADS].set) &&
        !(migParams->compMethods & (1ULL << QEMU_MIGRATION_COMPRESS_MT))) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Turn multithread compression on to tune it"));
        return -1;
    }
    if (pv[QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE].set &&
        !(migParams->compMethods & (1ULL << QEMU_MIGRATION_COMPRESS_XBZRLE))) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Turn xbzrle compression on to tune it"));
        return -1;
    }
    if (!migParams->compMethods && (flags & VIR_MIGRATE_COMPRESSED)) {
        migParams->compMethods = 1ULL << QEMU_MIGRATION_COMPRESS_XBZRLE;
        migParams->caps |= QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_XBZRLE);
    }
    return 0;
}


/* Refusals that depend on what the flags and parameters turned on. */
static int
qemuMigrationParamsCheckCombination(const qemuMigrationParams *migParams,
                                    unsigned long long flags)
{
    const qemuMigrationParamValue *pv = migParams->params;

    if ((pv[QEMU_MIGRATION_PARAM_THROTTLE_INITIAL].set ||
         pv[QEMU_MIGRATION_PARAM_THROTTLE_INCREMENT].set) &&
        !(flags & VIR_MIGRATE_AUTO_CONVERGE)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Turn auto convergence on to tune it"));
        return -1;
    }
    if (pv[QEMU_MIGRATION_PARAM_MULTIFD_CHANNELS].set &&
        !(flags & VIR_MIGRATE_PARALLEL)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Turn parallel migration on to tune it"));
        return -1;
    }
    /* QEMU 7.2 refuses the pair in migrate-set-capabilities ("Multifd is
     * not compatible with compress"); libvirt lets it get that far, we say
     * so before anything starts. */
    if (migParams->caps & QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_MULTIFD) &&
        migParams->caps & QEMU_MIGRATION_CAP_BIT(QEMU_MIGRATION_CAP_COMPRESS)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("multithread compression ('mt') cannot be used with parallel migration"));
        return -1;
    }
    return 0;
}


/**
 * qemuMigrationParamsFromFlags:
 * What @party (one side) must set on its QEMU for a migration with @flags
 * and the typed @params (validated already): capabilities from the flags,
 * QEMU parameters from the typed parameters, the source's max-bandwidth
 * from "bandwidth" (MiB/s, when non-zero).  Refuses tuning without its
 * feature ("Turn ... on to tune it", VIR_ERR_INVALID_ARG), unknown or
 * repeated compression methods, 'mt' with parallel migration, and values
 * that overflow once scaled (VIR_ERR_OVERFLOW).  Caller owns the result;
 * NULL with the error reported.
 */
qemuMigrationParams *
qemuMigrationParamsFromFlags(const virTypedParameter *params, int nparams,
                             unsigned long long flags, qemuMigrationParty party)
{
    g_autoptr(qemuMigrationParams) migParams = qemuMigrationParamsNew();
    unsigned long long bandwidth = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuMigrationParamsFlagMap); i++) {
        bool isSet = !!(flags & qemuMigrationParamsFlagMap[i].flag);

        if (!(qemuMigrationParamsFlagMap[i].party & party) ||
            isSet == qemuMigrationParamsFlagMap[i].unset)
            continue;
        VIR_DEBUG("enabling migration capability '%s'",
                  qemuMigrationCapabilityTypeToString(qemuMigrationParamsFlagMap[i].cap));
        migParams->caps |= QEMU_MIGRATION_CAP_BIT(qemuMigrationParamsFlagMap[i].cap);
    }
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationParamsTPMap); i++) {
        if (!(qemuMigrationParamsTPMap[i].party & party))
            continue;
        if (qemuMigrationParamsFromTP(migParams, qemuMigrationParamsTPMap[i].param,
                                      qemuMigrationParamsTPMap[i].typedParam,
                                      qemuMigrationParamsTPMap[i].unit,
                                      params, nparams) < 0)
            return NULL;
    }
    if (party & QEMU_MIGRATION_SOURCE) {
        if (virTypedParamArrayGetULLong(params, nparams,
                                        VIR_MIGRATE_PARAM_BANDWIDTH,
                                        &bandwidth) < 0)
            return NULL;
        if (bandwidth > 0 &&
            qemuMigrationParamsSetMaxBandwidth(migParams, bandwidth) < 0)
            return NULL;
    }
    if (qemuMigrationParamsSetCompression(migParams, params, nparams, flags) < 0 ||
        qemuMigrationParamsCheckCombination(migParams, flags) < 0)
        return NULL;
    return g_steal_pointer(&migParams);
}


/**
 * qemuMigrationParamsDump:
 * The typed parameters a peer-to-peer source forwards to the destination's
 * Prepare so that it sets the same things: the compression methods and
 * every destination-side parameter that is set, appended to @list.  When
 * xbzrle with its default cache is the only method, VIR_MIGRATE_COMPRESSED
 * is added to *@flags instead of a parameter an older peer may not know.
 * Returns 0, or -1 (reported).
 */
int
qemuMigrationParamsDump(const qemuMigrationParams *migParams,
                        virTypedParamList *list, unsigned long long *flags)
{
    size_t i;

    if (migParams->compMethods == 1ULL << QEMU_MIGRATION_COMPRESS_XBZRLE &&
        !migParams->params[QEMU_MIGRATION_PARAM_XBZRLE_CACHE_SIZE].set)
        *flags |= VIR_MIGRATE_COMPRESSED;
    for (i = 0; i < QEMU_MIGRATION_COMPRESS_LAST; i++) {
        if ((migParams->compMethods & (1ULL << i)) &&
            virTypedParamListAddString(list, VIR_MIGRATE_PARAM_COMPRESSION,
                                       qemuMigrationCompressMethodTypeToString(i)) < 0)
            return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationParamsTPMap); i++) {
        const char *name = qemuMigrationParamsTPMap[i].typedParam;
        unsigned long long unit = qemuMigrationParamsTPMap[i].unit;
        qemuMigrationParam param = qemuMigrationParamsTPMap[i].param;
        const qemuMigrationParamValue *pv = &migParams->params[param];
        int rc = 0;

        if (!(qemuMigrationParamsTPMap[i].party & QEMU_MIGRATION_DESTINATION) ||
            !pv->set)
            continue;
        switch (qemuMigrationParamInfo[param].type) {
        case QEMU_MIGRATION_PARAM_TYPE_INT:
            rc = virTypedParamListAddInt(list, name, pv->value.i);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_ULL:
            rc = virTypedParamListAddULLong(list, name,
                                            unit ? pv->value.ull / unit : pv->value.ull);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_STRING:
            rc = virTypedParamListAddString(list, name, pv->value.s);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_BOOL:
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}


/* ---- capabilities and what QEMU supports ---- */

/**
 * qemuMigrationParamsAlwaysOnCaps:
 * The capabilities @party switches on by itself whenever its QEMU has
 * them (pause-before-switchover on the source, late-block-activate on the
 * destination), as QEMU_MIGRATION_CAP_BIT()s.  The migration cookie
 * advertises them as auto='yes'.
 */
unsigned long long
qemuMigrationParamsAlwaysOnCaps(qemuMigrationParty party)
{
    unsigned long long caps = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuMigrationParamsAlwaysOn); i++) {
        if (qemuMigrationParamsAlwaysOn[i].party & party)
            caps |= QEMU_MIGRATION_CAP_BIT(qemuMigrationParamsAlwaysOn[i].cap);
    }
    return caps;
}


/* qemuMigrationParamsGetCaps: the capabilities @migParams switches on. */
unsigned long long
qemuMigrationParamsGetCaps(const qemuMigrationParams *migParams)
{
    return migParams->caps;
}


/**
 * qemuMigrationParamsCheck:
 * Confronts @migParams with what @party's QEMU supports (@supportedCaps,
 * from qemuMigrationCapsProbe): a requested capability QEMU lacks is
 * refused (VIR_ERR_ARGUMENT_UNSUPPORTED "Migration option '%s' is not
 * supported by QEMU binary"); then the always-on capabilities QEMU has are
 * added.  @remoteAutoCaps are the ones the peer's cookie lists as
 * automatic (needed only for always-on entries meant for both sides).
 * Returns 0, or -1 with the error reported.
 */
int
qemuMigrationParamsCheck(qemuMigrationParams *migParams,
                         qemuMigrationParty party,
                         unsigned long long supportedCaps,
                         unsigned long long remoteAutoCaps)
{
    size_t i;

    for (i = 0; i < QEMU_MIGRATION_CAP_LAST; i++) {
        unsigned long long bit = QEMU_MIGRATION_CAP_BIT(i);

        if ((migParams->caps & bit) && !(supportedCaps & bit)) {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                           _("Migration option '%1$s' is not supported by QEMU binary"),
                           qemuMigrationCapabilityTypeToString(i));
            return -1;
        }
    }
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationParamsAlwaysOn); i++) {
        qemuMigrationCapability cap = qemuMigrationParamsAlwaysOn[i].cap;
        unsigned long long bit = QEMU_MIGRATION_CAP_BIT(cap);

        if (!(qemuMigrationParamsAlwaysOn[i].party & party) ||
            !(supportedCaps & bit))
            continue;
        if (qemuMigrationParamsAlwaysOn[i].party != (unsigned int)party &&
            !(remoteAutoCaps & bit)) {
            VIR_DEBUG("not enabling '%s': the peer does not enable it",
                      qemuMigrationCapabilityTypeToString(cap));
            continue;
        }
        migParams->caps |= bit;
    }
    return 0;
}


/**
 * qemuMigrationParamsDisableTLS:
 * Without TLS, both parameters are set to "" (no TLS for this migration)
 * when QEMU has them, i.e. when @origParams (QEMU's values before the
 * migration) hold tls-creds.  NULL @origParams: nothing to do.
 */
void
qemuMigrationParamsDisableTLS(qemuMigrationParams *migParams,
                              const qemuMigrationParams *origParams)
{
    qemuMigrationParamValue *pv = migParams->params;

    if (!origParams || !origParams->params[QEMU_MIGRATION_PARAM_TLS_CREDS].set)
        return;
    g_free(pv[QEMU_MIGRATION_PARAM_TLS_CREDS].value.s);
    pv[QEMU_MIGRATION_PARAM_TLS_CREDS].value.s = g_strdup("");
    pv[QEMU_MIGRATION_PARAM_TLS_CREDS].set = true;
    g_free(pv[QEMU_MIGRATION_PARAM_TLS_HOSTNAME].value.s);
    pv[QEMU_MIGRATION_PARAM_TLS_HOSTNAME].value.s = g_strdup("");
    pv[QEMU_MIGRATION_PARAM_TLS_HOSTNAME].set = true;
}


/**
 * qemuMigrationParamsEnableTLS:
 * TLS for this migration: tls-creds names the credentials object
 * @credsAlias; tls-hostname stays as tls.destination set it, else ""
 * (QEMU then checks the certificate against the migration URI's host).
 */
void
qemuMigrationParamsEnableTLS(qemuMigrationParams *migParams,
                             const char *credsAlias)
{
    qemuMigrationParamValue *pv = migParams->params;

    g_free(pv[QEMU_MIGRATION_PARAM_TLS_CREDS].value.s);
    pv[QEMU_MIGRATION_PARAM_TLS_CREDS].value.s = g_strdup(credsAlias);
    pv[QEMU_MIGRATION_PARAM_TLS_CREDS].set = true;
    if (!pv[QEMU_MIGRATION_PARAM_TLS_HOSTNAME].set) {
        pv[QEMU_MIGRATION_PARAM_TLS_HOSTNAME].value.s = g_strdup("");
        pv[QEMU_MIGRATION_PARAM_TLS_HOSTNAME].set = true;
    }
}


/* ---- single values ---- */

static int
qemuMigrationParamsCheckType(qemuMigrationParam param,
                             qemuMigrationParamType type)
{
    if (param < 0 || param >= QEMU_MIGRATION_PARAM_LAST) {
        virReportEnumRangeError(qemuMigrationParam, param);
        return -1;
    }
    if (qemuMigrationParamInfo[param].type != type) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Type mismatch for '%1$s' migration parameter"),
                       qemuMigrationParamTypeToString(param));
        return -1;
    }
    return 0;
}


/* qemuMigrationParamsIsSet: whether @param has a value in @migParams. */
bool
qemuMigrationParamsIsSet(const qemuMigrationParams *migParams,
                         qemuMigrationParam param)
{
    return param >= 0 && param < QEMU_MIGRATION_PARAM_LAST &&
        migParams->params[param].set;
}


/**
 * qemuMigrationParamsSetULL:
 * Sets the unsigned parameter @param (max-bandwidth, downtime-limit, ...)
 * to @value.  Returns 0, or -1 (VIR_ERR_INTERNAL_ERROR) when @param is
 * not an unsigned one.
 */
int
qemuMigrationParamsSetULL(qemuMigrationParams *migParams,
                          qemuMigrationParam param, unsigned long long value)
{
    if (qemuMigrationParamsCheckType(param, QEMU_MIGRATION_PARAM_TYPE_ULL) < 0)
        return -1;
    migParams->params[param].value.ull = value;
    migParams->params[param].set = true;
    return 0;
}


/* qemuMigrationParamsSetString: as qemuMigrationParamsSetULL for a
 * string parameter (tls-hostname, ...); @value is copied. */
int
qemuMigrationParamsSetString(qemuMigrationParams *migParams,
                             qemuMigrationParam param, const char *value)
{
    if (qemuMigrationParamsCheckType(param, QEMU_MIGRATION_PARAM_TYPE_STRING) < 0)
        return -1;
    g_free(migParams->params[param].value.s);
    migParams->params[param].value.s = g_strdup(value);
    migParams->params[param].set = true;
    return 0;
}


/* qemuMigrationParamsSetInt: as qemuMigrationParamsSetULL for a signed
 * parameter (cpu-throttle-increment, max-cpu-throttle, ...). */
int
qemuMigrationParamsSetInt(qemuMigrationParams *migParams,
                          qemuMigrationParam param, int value)
{
    if (qemuMigrationParamsCheckType(param, QEMU_MIGRATION_PARAM_TYPE_INT) < 0)
        return -1;
    migParams->params[param].value.i = value;
    migParams->params[param].set = true;
    return 0;
}


/* qemuMigrationParamsSetCap: requests capability @cap. */
void
qemuMigrationParamsSetCap(qemuMigrationParams *migParams,
                          qemuMigrationCapability cap)
{
    migParams->caps |= QEMU_MIGRATION_CAP_BIT(cap);
}


/**
 * qemuMigrationParamsGetULL:
 * The value of the unsigned parameter @param in *@value.  Returns 0 when
 * set, 1 when not set (e.g. QEMU does not report it; *@value untouched),
 * -1 (reported) when @param is not an unsigned one.
 */
int
qemuMigrationParamsGetULL(const qemuMigrationParams *migParams,
                          qemuMigrationParam param, unsigned long long *value)
{
    if (qemuMigrationParamsCheckType(param, QEMU_MIGRATION_PARAM_TYPE_ULL) < 0)
        return -1;
    if (!migParams->params[param].set)
        return 1;
    *value = migParams->params[param].value.ull;
    return 0;
}


/**
 * qemuMigrationParamsSetMaxBandwidth:
 * max-bandwidth from @mibps MiB/s (bytes/s for QEMU).  Returns 0, or -1
 * with VIR_ERR_OVERFLOW "bandwidth must be less than %llu" above
 * QEMU_MIGRATION_BANDWIDTH_MAX.
 */
int
qemuMigrationParamsSetMaxBandwidth(qemuMigrationParams *migParams,
                                   unsigned long long mibps)
{
    if (mibps > QEMU_MIGRATION_BANDWIDTH_MAX) {
        virReportError(VIR_ERR_OVERFLOW, _("bandwidth must be less than %1$llu"),
                       (unsigned long long)QEMU_MIGRATION_BANDWIDTH_MAX + 1);
        return -1;
    }
    return qemuMigrationParamsSetULL(migParams, QEMU_MIGRATION_PARAM_MAX_BANDWIDTH,
                                     mibps * 1024 * 1024);
}


/* ---- JSON for QMP ---- */

/* Reads @val (from query-migrate-parameters) into @pv when it has the
 * type @type; anything else leaves @pv unset (QEMU never sends it). */
static void
qemuMigrationParamFromJSONValue(qemuMigrationParamValue *pv,
                                qemuMigrationParamType type, json_object *val)
{
    int64_t i64;

    switch (type) {
    case QEMU_MIGRATION_PARAM_TYPE_INT:
        if (!json_object_is_type(val, json_type_int))
            return;
        i64 = json_object_get_int64(val);
        if (i64 < INT_MIN || i64 > INT_MAX)
            return;
        pv->value.i = i64;
        break;
    case QEMU_MIGRATION_PARAM_TYPE_ULL:
        if (!json_object_is_type(val, json_type_int) ||
            json_object_get_int64(val) < 0)
            return;
        pv->value.ull = json_object_get_uint64(val);
        break;
    case QEMU_MIGRATION_PARAM_TYPE_BOOL:
        if (!json_object_is_type(val, json_type_boolean))
            return;
        pv->value.b = json_object_get_boolean(val);
        break;
    case QEMU_MIGRATION_PARAM_TYPE_STRING:
        if (!json_object_is_type(val, json_type_string))
            return;
        pv->value.s = g_strdup(json_object_get_string(val));
        break;
    }
    pv->set = true;
}


/**
 * qemuMigrationParamsFromJSON:
 * The parameters we drive, taken from a query-migrate-parameters reply
 * (@params, borrowed; NULL gives an empty set): what to restore after the
 * migration.  Members we do not drive or of an unexpected type are left
 * out.  Caller owns the result.
 */
qemuMigrationParams *
qemuMigrationParamsFromJSON(json_object *params)
{
    qemuMigrationParams *migParams = qemuMigrationParamsNew();
    size_t i;

    if (!params || !json_object_is_type(params, json_type_object))
        return migParams;
    for (i = 0; i < QEMU_MIGRATION_PARAM_LAST; i++) {
        json_object *val = NULL;

        if (json_object_object_get_ex(params, qemuMigrationParamTypeToString(i),
                                      &val))
            qemuMigrationParamFromJSONValue(&migParams->params[i],
                                            qemuMigrationParamInfo[i].type, val);
    }
    return migParams;
}


/**
 * qemuMigrationParamsToJSON:
 * The arguments of migrate-set-parameters: every parameter set in
 * @migParams, in qemuMigrationParam order; with @postcopyResume only the
 * ones QEMU accepts while a failed post-copy migration resumes.  The
 * object may be empty (then there is nothing to send).  Caller owns it.
 */
json_object *
qemuMigrationParamsToJSON(const qemuMigrationParams *migParams,
                          bool postcopyResume)
{
    json_object *json = json_object_new_object();
    size_t i;

    for (i = 0; i < QEMU_MIGRATION_PARAM_LAST; i++) {
        const qemuMigrationParamValue *pv = &migParams->params[i];
        json_object *val = NULL;

        if (!pv->set ||
            (postcopyResume && !qemuMigrationParamInfo[i].applyOnPostcopyResume))
            continue;
        switch (qemuMigrationParamInfo[i].type) {
        case QEMU_MIGRATION_PARAM_TYPE_INT:
            val = json_object_new_int(pv->value.i);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_ULL:
            val = json_object_new_uint64(pv->value.ull);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_BOOL:
            val = json_object_new_boolean(pv->value.b);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_STRING:
            val = json_object_new_string(pv->value.s);
            break;
        }
        json_object_object_add(json, qemuMigrationParamTypeToString(i), val);
    }
    return json;
}


/**
 * qemuMigrationCapsToList:
 * The capability list for qemuMonitorSetMigrationCapabilities: every
 * capability QEMU supports (@supportedCaps) except "events", which stays
 * on for good, each with its state from @states.  Listing them all, not
 * only the ones turned on, leaves nothing from an earlier migration.
 * Caller owns the array (it frees its elements); it may be empty.
 */
GPtrArray *
qemuMigrationCapsToList(unsigned long long supportedCaps,
                        unsigned long long states)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qemuMonitorMigrationCapFree);
    size_t i;

    for (i = 0; i < QEMU_MIGRATION_CAP_LAST; i++) {
        unsigned long long bit = QEMU_MIGRATION_CAP_BIT(i);

        if (i == QEMU_MIGRATION_CAP_EVENTS || !(supportedCaps & bit))
            continue;
        g_ptr_array_add(list,
                        qemuMonitorMigrationCapNew(qemuMigrationCapabilityTypeToString(i),
                                                   !!(states & bit)));
    }
    return list;
}


/**
 * qemuMigrationCapsToJSON:
 * The arguments of migrate-set-capabilities for the list
 * qemuMigrationCapsToList gives: {"capabilities": [{"capability": NAME,
 * "state": BOOL}, ...]}.  Caller owns the result.
 */
json_object *
qemuMigrationCapsToJSON(unsigned long long supportedCaps,
                        unsigned long long states)
{
    g_autoptr(GPtrArray) list = qemuMigrationCapsToList(supportedCaps, states);
    json_object *args = json_object_new_object();
    json_object *array = json_object_new_array();
    size_t i;

    for (i = 0; i < list->len; i++) {
        const qemuMonitorMigrationCap *cap = g_ptr_array_index(list, i);
        json_object *item = json_object_new_object();

        json_object_object_add(item, "capability",
                               json_object_new_string(cap->name));
        json_object_object_add(item, "state",
                               json_object_new_boolean(cap->state));
        json_object_array_add(array, item);
    }
    json_object_object_add(args, "capabilities", array);
    return args;
}


/**
 * qemuMigrationCapsFromList:
 * The capabilities we know among @caps (qemuMonitorMigrationCap, from
 * query-migrate-capabilities), as QEMU_MIGRATION_CAP_BIT()s, without
 * "events".  Unknown names are skipped.
 */
unsigned long long
qemuMigrationCapsFromList(GPtrArray *caps)
{
    unsigned long long mask = 0;
    size_t i;

    for (i = 0; caps && i < caps->len; i++) {
        const qemuMonitorMigrationCap *cap = g_ptr_array_index(caps, i);
        int bit = qemuMigrationCapabilityTypeFromString(cap->name);

        if (bit < 0) {
            VIR_DEBUG("unknown migration capability '%s'", cap->name);
            continue;
        }
        if (bit != QEMU_MIGRATION_CAP_EVENTS)
            mask |= QEMU_MIGRATION_CAP_BIT(bit);
    }
    return mask;
}


/* ---- talking to QEMU (the caller has entered the monitor) ---- */

/**
 * qemuMigrationCapsProbe:
 * query-migrate-capabilities: what this QEMU supports, in *@retSupported
 * (without "events").  Unless @reconnect (a daemon restart finding QEMU
 * running), switches "events" on, once per QEMU, for MIGRATION events.
 * @mon must be locked (entered).  Returns 0, or -1 with the error reported.
 */
int
qemuMigrationCapsProbe(qemuMonitor *mon, bool reconnect,
                       unsigned long long *retSupported)
{
    g_autoptr(GPtrArray) caps = NULL;
    g_autoptr(GPtrArray) events = NULL;
    bool hasEvents = false;
    size_t i;

    if (qemuMonitorGetMigrationCapabilities(mon, &caps) < 0)
        return -1;
    for (i = 0; i < caps->len; i++) {
        const qemuMonitorMigrationCap *cap = g_ptr_array_index(caps, i);

        if (STREQ(cap->name, qemuMigrationCapabilityTypeToString(QEMU_MIGRATION_CAP_EVENTS)))
            hasEvents = true;
    }
    if (!reconnect && hasEvents) {
        events = g_ptr_array_new_with_free_func(
            (GDestroyNotify)qemuMonitorMigrationCapFree);
        g_ptr_array_add(events, qemuMonitorMigrationCapNew(
            qemuMigrationCapabilityTypeToString(QEMU_MIGRATION_CAP_EVENTS), true));
        if (qemuMonitorSetMigrationCapabilities(mon, events) < 0)
            return -1;
    }
    *retSupported = qemuMigrationCapsFromList(caps);
    return 0;
}


/**
 * qemuMigrationParamsFetch:
 * query-migrate-parameters: QEMU's current values, to restore after the
 * migration, in *@retOrigParams (caller owns them).  @mon must be locked.
 * Returns 0, or -1 with the error reported.
 */
int
qemuMigrationParamsFetch(qemuMonitor *mon, qemuMigrationParams **retOrigParams)
{
    g_autoptr(json_object) reply = NULL;

    if (qemuMonitorGetMigrationParams(mon, &reply) < 0)
        return -1;
    *retOrigParams = qemuMigrationParamsFromJSON(reply);
    return 0;
}


/**
 * qemuMigrationParamsApply:
 * Sends @migParams to QEMU: migrate-set-capabilities with every supported
 * capability (skipped when QEMU supports none, and when @apiFlags has
 * VIR_MIGRATE_POSTCOPY_RESUME), then migrate-set-parameters with the
 * parameters set (skipped when none).  Capabilities can only change inside
 * a migration job: with @asyncJob VIR_ASYNC_JOB_NONE (migrate-setspeed,
 * migrate-setmaxdowntime) @migParams must request none and only the
 * parameters are sent.  @mon must be locked.  Returns 0, or -1 (reported).
 */
int
qemuMigrationParamsApply(qemuMonitor *mon, virDomainAsyncJob asyncJob,
                         const qemuMigrationParams *migParams,
                         unsigned long long supportedCaps,
                         unsigned long long apiFlags)
{
    bool postcopyResume = !!(apiFlags & VIR_MIGRATE_POSTCOPY_RESUME);
    g_autoptr(json_object) json = NULL;

    if (asyncJob == VIR_ASYNC_JOB_NONE) {
        if (migParams->caps) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("Migration capabilities can only be set by a migration job"));
            return -1;
        }
    } else if (!postcopyResume) {
        g_autoptr(GPtrArray) caps = qemuMigrationCapsToList(supportedCaps,
                                                            migParams->caps);

        if (caps->len > 0 && qemuMonitorSetMigrationCapabilities(mon, caps) < 0)
            return -1;
    }
    json = qemuMigrationParamsToJSON(migParams, postcopyResume);
    if (json_object_object_length(json) == 0)
        return 0;
    return qemuMonitorSetMigrationParams(mon, g_steal_pointer(&json));
}


/**
 * qemuMigrationParamsReset:
 * After a migration (success, failure or cancel): every supported
 * capability off and QEMU's original parameters (@origParams, from
 * qemuMigrationParamsFetch; NULL: nothing was changed) back, so later
 * save/dump/snapshot jobs do not inherit them.  Failures are logged and
 * swallowed: the error that ended the migration, if any, stays the last
 * error.  @mon must be locked.
 */
void
qemuMigrationParamsReset(qemuMonitor *mon,
                         const qemuMigrationParams *origParams,
                         unsigned long long supportedCaps)
{
    g_autoptr(GPtrArray) caps = NULL;
    g_autoptr(json_object) json = NULL;
    virError *err = NULL;

    if (!origParams)
        return;
    virErrorPreserveLast(&err);
    caps = qemuMigrationCapsToList(supportedCaps, 0);
    json = qemuMigrationParamsToJSON(origParams, false);
    /* a failure is reported, hence logged, where it happens */
    if ((caps->len > 0 && qemuMonitorSetMigrationCapabilities(mon, caps) < 0) ||
        (json_object_object_length(json) > 0 &&
         qemuMonitorSetMigrationParams(mon, g_steal_pointer(&json)) < 0))
        VIR_DEBUG("migration capabilities and parameters not fully reset");
    virErrorRestore(&err);
}


/* ---- status XML ---- */

/**
 * qemuMigrationParamsFormat:
 * <migParams> with one <param name='...' value='...'/> per set parameter
 * (libvirt's status XML element), at @buf's indentation.
 */
void
qemuMigrationParamsFormat(virBuffer *buf, const qemuMigrationParams *migParams)
{
    size_t i;

    virBufferAddLit(buf, "<migParams>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < QEMU_MIGRATION_PARAM_LAST; i++) {
        const qemuMigrationParamValue *pv = &migParams->params[i];

        if (!pv->set)
            continue;
        virBufferAsprintf(buf, "<param name='%s' ",
                          qemuMigrationParamTypeToString(i));
        switch (qemuMigrationParamInfo[i].type) {
        case QEMU_MIGRATION_PARAM_TYPE_INT:
            virBufferAsprintf(buf, "value='%d'", pv->value.i);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_ULL:
            virBufferAsprintf(buf, "value='%llu'", pv->value.ull);
            break;
        case QEMU_MIGRATION_PARAM_TYPE_BOOL:
            virBufferAsprintf(buf, "value='%s'", pv->value.b ? "yes" : "no");
            break;
        case QEMU_MIGRATION_PARAM_TYPE_STRING:
            virBufferEscapeString(buf, "value='%s'", pv->value.s);
            break;
        }
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</migParams>\n");
}


/* Parses @value as @param's type into @pv; false when malformed. */
static bool
qemuMigrationParamParseValue(qemuMigrationParamValue *pv,
                             qemuMigrationParam param, const char *value)
{
    gint64 i64;
    guint64 u64;

    switch (qemuMigrationParamInfo[param].type) {
    case QEMU_MIGRATION_PARAM_TYPE_INT:
        if (!g_ascii_string_to_signed(value, 10, INT_MIN, INT_MAX, &i64, NULL))
            return false;
        pv->value.i = i64;
        break;
    case QEMU_MIGRATION_PARAM_TYPE_ULL:
        if (!g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT64, &u64, NULL))
            return false;
        pv->value.ull = u64;
        break;
    case QEMU_MIGRATION_PARAM_TYPE_BOOL:
        if (STRNEQ(value, "yes") && STRNEQ(value, "no"))
            return false;
        pv->value.b = STREQ(value, "yes");
        break;
    case QEMU_MIGRATION_PARAM_TYPE_STRING:
        g_free(pv->value.s);
        pv->value.s = g_strdup(value);
        break;
    }
    pv->set = true;
    return true;
}


/**
 * qemuMigrationParamsParse:
 * Reads the <migParams> child of @ctxt's node (status XML).  *@retMigParams
 * is NULL when there is none, else a new set the caller owns.  Returns 0,
 * or -1 with VIR_ERR_INTERNAL_ERROR for an unknown name or a bad value.
 */
int
qemuMigrationParamsParse(xmlXPathContext *ctxt,
                         qemuMigrationParams **retMigParams)
{
    g_autoptr(qemuMigrationParams) migParams = NULL;
    g_autofree xmlNode **nodes = NULL;
    int n;
    int i;

    if (!virXPathBoolean("boolean(./migParams)", ctxt)) {
        *retMigParams = NULL;
        return 0;
    }
    n = virXPathNodeSet("./migParams[1]/param", ctxt, &nodes);
    migParams = qemuMigrationParamsNew();
    for (i = 0; i < n; i++) {
        g_autofree char *name = virXMLPropString(nodes[i], "name");
        g_autofree char *value = virXMLPropString(nodes[i], "value");
        int param;

        if (!name) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("missing migration parameter name"));
            return -1;
        }
        if ((param = qemuMigrationParamTypeFromString(name)) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("unknown migration parameter '%1$s'"), name);
            return -1;
        }
        if (!value) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("missing value for migration parameter '%1$s'"),
                           name);
            return -1;
        }
        if (!qemuMigrationParamParseValue(&migParams->params[param], param,
                                          value)) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("invalid value '%1$s' for migration parameter '%2$s'"),
                           value, name);
            return -1;
        }
    }
    *retMigParams = g_steal_pointer(&migParams);
    return 0;
}
