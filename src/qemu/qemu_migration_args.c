/*
 * qemu_migration_args.c: the arguments of one migration step, parsed once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a step may be asked is decided by two tables: the spec table of
 * the typed parameters (qemu_migration_params.c) and qemuMigrationFlagRules
 * below, one row per rule on the VIR_MIGRATE_* flags with the protocols
 * and steps it holds for.  Errors name each flag by its virsh option and
 * its C name, "--postcopy (VIR_MIGRATE_POSTCOPY)", after libvirt's
 * wording of the same refusal (same error code).
 */
#include <config.h>

#include "qemu_migration_args.h"
#include "qemu_migration_tls.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_migration_args");

/* Every flag libvirt 9.0 knows, by virsh option and C name. */
static const struct {
    unsigned long long flag;
    const char *option;
    const char *name;
} qemuMigrationFlagNameTable[] = {
    { VIR_MIGRATE_LIVE, "--live", "VIR_MIGRATE_LIVE" },
    { VIR_MIGRATE_PEER2PEER, "--p2p", "VIR_MIGRATE_PEER2PEER" },
    { VIR_MIGRATE_TUNNELLED, "--tunnelled", "VIR_MIGRATE_TUNNELLED" },
    { VIR_MIGRATE_PERSIST_DEST, "--persistent", "VIR_MIGRATE_PERSIST_DEST" },
    { VIR_MIGRATE_UNDEFINE_SOURCE, "--undefinesource",
      "VIR_MIGRATE_UNDEFINE_SOURCE" },
    { VIR_MIGRATE_PAUSED, "--suspend", "VIR_MIGRATE_PAUSED" },
    { VIR_MIGRATE_NON_SHARED_DISK, "--copy-storage-all",
      "VIR_MIGRATE_NON_SHARED_DISK" },
    { VIR_MIGRATE_NON_SHARED_INC, "--copy-storage-inc",
      "VIR_MIGRATE_NON_SHARED_INC" },
    { VIR_MIGRATE_CHANGE_PROTECTION, "--change-protection",
      "VIR_MIGRATE_CHANGE_PROTECTION" },
    { VIR_MIGRATE_UNSAFE, "--unsafe", "VIR_MIGRATE_UNSAFE" },
    { VIR_MIGRATE_OFFLINE, "--offline", "VIR_MIGRATE_OFFLINE" },
    { VIR_MIGRATE_COMPRESSED, "--compressed", "VIR_MIGRATE_COMPRESSED" },
    { VIR_MIGRATE_ABORT_ON_ERROR, "--abort-on-error",
      "VIR_MIGRATE_ABORT_ON_ERROR" },
    { VIR_MIGRATE_AUTO_CONVERGE, "--auto-converge",
      "VIR_MIGRATE_AUTO_CONVERGE" },
    { VIR_MIGRATE_RDMA_PIN_ALL, "--rdma-pin-all", "VIR_MIGRATE_RDMA_PIN_ALL" },
    { VIR_MIGRATE_POSTCOPY, "--postcopy", "VIR_MIGRATE_POSTCOPY" },
    { VIR_MIGRATE_TLS, "--tls", "VIR_MIGRATE_TLS" },
    { VIR_MIGRATE_PARALLEL, "--parallel", "VIR_MIGRATE_PARALLEL" },
    { VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES,
      "--copy-storage-synchronous-writes",
      "VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES" },
    { VIR_MIGRATE_POSTCOPY_RESUME, "--postcopy-resume",
      "VIR_MIGRATE_POSTCOPY_RESUME" },
    { VIR_MIGRATE_ZEROCOPY, "--zerocopy", "VIR_MIGRATE_ZEROCOPY" },
};

#define STEP(s) (1U << QEMU_MIGRATION_STEP_##s)
#define ALL_STEPS (STEP(BEGIN) | STEP(PREPARE) | STEP(PERFORM) | \
                   STEP(FINISH) | STEP(CONFIRM))

/*
 * The rules on the flags, checked in this order at each step they name.
 * A rule applies when one of @flag is set.  It is broken when a flag of @needs is missing, one of @excludes is set, or,
 * with @v3, the step runs in protocol v2 (a peer-to-peer Perform, whose
 * protocol is not known yet, passes).  The error is @code, "@why: " and
 * the flags named.  (What depends on the domain or its job, such as a v3
 * Perform's change protection, is checked by the step once it found the
 * domain: a missing domain is reported first, as libvirt does.)
 */
typedef struct {
    unsigned long long flag;
    unsigned long long needs;
    unsigned long long excludes;
    bool v3;
    unsigned int steps;
    int code;
    const char *why;
} qemuMigrationFlagRule;

#define P2P_FLAGS (VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED)
#define STORAGE_FLAGS (VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC)

/* One rule, its steps and its error to a line each: kept by hand. */
/* clang-format off */
static const qemuMigrationFlagRule qemuMigrationFlagRules[] = {
    { VIR_MIGRATE_POSTCOPY, VIR_MIGRATE_LIVE, VIR_MIGRATE_PAUSED, false,
      ALL_STEPS, VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("post-copy migration is not supported with non-live or paused migration") },
    { VIR_MIGRATE_OFFLINE, VIR_MIGRATE_PERSIST_DEST, 0, false,
      ALL_STEPS, VIR_ERR_OPERATION_INVALID,
      N_("offline migration must be specified with the persistent flag set") },
    { VIR_MIGRATE_TLS, 0, VIR_MIGRATE_TUNNELLED, false,
      ALL_STEPS, VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("TLS migration cannot be tunnelled (a qemu+tls:// destination URI encrypts the tunnel)") },
    { VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_PEER2PEER, 0, false,
      STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("tunnelled migration is peer-to-peer") },
    { VIR_MIGRATE_POSTCOPY_RESUME, 0, P2P_FLAGS, false,
      STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("post-copy recovery is not supported with peer-to-peer migration") },
    { VIR_MIGRATE_TUNNELLED, 0,
      VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME | VIR_MIGRATE_OFFLINE,
      false, STEP(PREPARE) | STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("post-copy and offline migration cannot be tunnelled") },
    /* the disks' NBD connection would not go through the tunnel */
    { VIR_MIGRATE_TUNNELLED, 0, STORAGE_FLAGS, false,
      STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("storage migration cannot be tunnelled") },
    /* QEMU's extra connections would have nowhere to go */
    { VIR_MIGRATE_TUNNELLED, 0, VIR_MIGRATE_PARALLEL, false,
      STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("parallel migration cannot be tunnelled") },
    /* v2 stops the source when Perform ends, before the destination
     * runs: nothing would serve the pages post-copy still needs */
    { VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME, 0, 0, true,
      STEP(PREPARE) | STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("post-copy migration needs migration protocol v3") },
    { VIR_MIGRATE_OFFLINE, 0, 0, true,
      STEP(PREPARE) | STEP(PERFORM), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("offline migration needs migration protocol v3") },
    { STORAGE_FLAGS, 0, 0, true,
      STEP(PREPARE), VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("storage migration needs migration protocol v3") },
    { STORAGE_FLAGS, 0, VIR_MIGRATE_OFFLINE, false,
      STEP(BEGIN) | STEP(PERFORM), VIR_ERR_OPERATION_INVALID,
      N_("offline migration cannot handle non-shared storage") },
    { VIR_MIGRATE_POSTCOPY_RESUME, VIR_MIGRATE_POSTCOPY, 0, false,
      ALL_STEPS, VIR_ERR_ARGUMENT_UNSUPPORTED,
      N_("resuming failed post-copy migration requires post-copy to be enabled") },
    /* QEMU sends zero-copy on multifd channels only */
    { VIR_MIGRATE_ZEROCOPY, VIR_MIGRATE_PARALLEL, 0, false,
      STEP(BEGIN) | STEP(PERFORM), VIR_ERR_OPERATION_INVALID,
      N_("zero-copy is only available for parallel migration") },
};
/* clang-format on */

#undef STEP
#undef ALL_STEPS


/**
 * qemuMigrationArgsFlagNames:
 * "--postcopy (VIR_MIGRATE_POSTCOPY), --live (VIR_MIGRATE_LIVE)" for the
 * known flags of @flags, in libvirt's bit order.  Caller owns the result.
 */
char *
qemuMigrationArgsFlagNames(unsigned long long flags)
{
    GString *names = g_string_new(NULL);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuMigrationFlagNameTable); i++) {
        if (!(flags & qemuMigrationFlagNameTable[i].flag))
            continue;
        g_string_append_printf(names, "%s%s (%s)", names->len ? ", " : "",
                               qemuMigrationFlagNameTable[i].option,
                               qemuMigrationFlagNameTable[i].name);
    }
    return g_string_free(names, FALSE);
}


/* Reports the broken @rule for @flags in @protocol. */
static void
qemuMigrationArgsRuleError(const qemuMigrationFlagRule *rule,
                           unsigned long long flags, int protocol)
{
    g_autofree char *flag = qemuMigrationArgsFlagNames(rule->flag & flags);
    g_autofree char *other = NULL;
    g_autofree char *clause = NULL;

    if (rule->needs & ~flags) {
        other = qemuMigrationArgsFlagNames(rule->needs & ~flags);
        clause = g_strdup_printf(_("%1$s needs %2$s"), flag, other);
    } else if (rule->excludes & flags) {
        other = qemuMigrationArgsFlagNames(rule->excludes & flags);
        clause = g_strdup_printf(_("%1$s cannot be used with %2$s"),
                                 flag, other);
    } else {
        clause = g_strdup_printf(_("%1$s is refused in migration protocol v%2$d"),
                                 flag, protocol);
    }
    virReportError(rule->code, "%s: %s", _(rule->why), clause);
}


/**
 * qemuMigrationArgsCheckFlags:
 * Refuses the VIR_MIGRATE_* @flags @step cannot run with in @protocol
 * (2, 3, or 0 when not known yet), before anything happens: unknown bits
 * (VIR_ERR_INVALID_ARG, as virCheckFlags), the known flags virtmig does
 * not implement (VIR_ERR_ARGUMENT_UNSUPPORTED naming each), then the
 * first rule of qemuMigrationFlagRules broken.  Returns 0 when the flags
 * are fine, -1 with the error reported.
 */
int
qemuMigrationArgsCheckFlags(qemuMigrationStep step, int protocol,
                            unsigned long long flags)
{
    size_t i;

    virCheckFlags(QEMU_MIGRATION_FLAGS, -1);

    if (flags & QEMU_MIGRATION_FLAGS_UNSUPPORTED) {
        g_autofree char *names =
            qemuMigrationArgsFlagNames(flags & QEMU_MIGRATION_FLAGS_UNSUPPORTED);

        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("unsupported migration flags: %1$s"), names);
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationFlagRules); i++) {
        const qemuMigrationFlagRule *rule = &qemuMigrationFlagRules[i];

        if (!(rule->steps & (1U << step)) ||
            !(flags & rule->flag))
            continue;
        if ((rule->needs & ~flags) || (rule->excludes & flags) ||
            (rule->v3 && protocol == QEMU_MIGRATION_ARGS_PROTOCOL_V2)) {
            qemuMigrationArgsRuleError(rule, flags, protocol);
            return -1;
        }
    }
    return 0;
}


/* Reads the validated typed parameters of @in into @out's fields. */
static int
qemuMigrationArgsRead(const virMigrateArgs *in, qemuMigrationArgs *out)
{
    static const struct {
        const char *name;
        size_t offset;
    } strings[] = {
        { VIR_MIGRATE_PARAM_URI, offsetof(qemuMigrationArgs, uri) },
        { VIR_MIGRATE_PARAM_DEST_NAME, offsetof(qemuMigrationArgs, destName) },
        { VIR_MIGRATE_PARAM_DEST_XML, offsetof(qemuMigrationArgs, destXML) },
        { VIR_MIGRATE_PARAM_PERSIST_XML, offsetof(qemuMigrationArgs, persistXML) },
        { VIR_MIGRATE_PARAM_GRAPHICS_URI, offsetof(qemuMigrationArgs, graphicsURI) },
        { VIR_MIGRATE_PARAM_LISTEN_ADDRESS,
          offsetof(qemuMigrationArgs, listenAddress) },
        { VIR_MIGRATE_PARAM_DISKS_URI, offsetof(qemuMigrationArgs, disksURI) },
        { VIR_MIGRATE_PARAM_TLS_DESTINATION,
          offsetof(qemuMigrationArgs, tlsDestination) },
    };
    unsigned long long converge = 0;
    int rc;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(strings); i++) {
        const char **field = (const char **)((char *)out + strings[i].offset);

        if (virTypedParamArrayGetString(in->params, in->nparams,
                                        strings[i].name, field) < 0)
            return -1;
    }
    if (virTypedParamArrayGetULLong(in->params, in->nparams,
                                    VIR_MIGRATE_PARAM_BANDWIDTH,
                                    &out->bandwidth) < 0 ||
        virTypedParamArrayGetInt(in->params, in->nparams,
                                 VIR_MIGRATE_PARAM_DISKS_PORT,
                                 &out->disksPort) < 0 ||
        virTypedParamArrayGetStringList(in->params, in->nparams,
                                        VIR_MIGRATE_PARAM_MIGRATE_DISKS,
                                        &out->migrateDisks) < 0)
        return -1;
    if ((rc = virTypedParamArrayGetULLong(in->params, in->nparams,
                                          QEMU_MIGRATION_PARAM_CONVERGE,
                                          &converge)) < 0)
        return -1;
    if (converge > 1) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration parameter '%1$s' must be 0 or 1, not %2$llu"),
                       QEMU_MIGRATION_PARAM_CONVERGE, converge);
        return -1;
    }
    out->converge = rc == 1 ? (int)converge : -1;
    return 0;
}


/**
 * qemuMigrationArgsParse:
 * The one reading of a migration step's wire arguments @in, at the
 * driver's entry point: the flags checked for @step in @protocol
 * (qemuMigrationArgsCheckFlags), the typed parameters validated against
 * the spec table (unknown names VIR_ERR_ARGUMENT_UNSUPPORTED, wrong types
 * and repetitions VIR_ERR_INVALID_ARG) and read, the TLS combinations
 * that would send the stream in plain text refused, and for Prepare and
 * Perform the QEMU parameters of the step's side built.  @conn is the
 * client's connection (NULL for a step a peer-to-peer source runs
 * itself).  A stream in @in (PrepareTunnel3) makes the step tunnelled.
 * On success @out (uninitialized on entry) borrows from @in, which must
 * outlive it, and must be cleared with qemuMigrationArgsClear; on
 * failure @out is left empty.  Returns 0, or -1 with the error reported.
 */
int
qemuMigrationArgsParse(qemuMigrationStep step, int protocol, virConn *conn,
                       const virMigrateArgs *in, qemuMigrationArgs *out)
{
    g_auto(qemuMigrationArgs) args = { 0 };
    unsigned long long flags = in->flags;

    *out = (qemuMigrationArgs) { 0 };
    if (in->stream)
        flags |= VIR_MIGRATE_TUNNELLED;
    if (qemuMigrationArgsCheckFlags(step, protocol, flags) < 0 ||
        qemuMigrationParamsValidate(step, in->params, in->nparams) < 0)
        return -1;

    args.step = step;
    args.protocol = protocol;
    args.flags = in->flags;
    args.conn = conn;
    args.cookiein = in->cookiein;
    args.cookieinlen = in->cookieinlen;
    args.cookieout = in->cookieout;
    args.cookieoutlen = in->cookieoutlen;
    args.dconnuri = in->dconnuri;
    args.cancelled = in->cancelled;
    args.dconn = in->dconn;
    args.stream = in->stream;
    args.params = in->params;
    args.nparams = in->nparams;
    if (qemuMigrationArgsRead(in, &args) < 0 ||
        qemuMigrationTLSCheckArgs(in->flags, args.tlsDestination) < 0)
        return -1;
    if ((step == QEMU_MIGRATION_STEP_PREPARE ||
         step == QEMU_MIGRATION_STEP_PERFORM) &&
        !(args.migParams = qemuMigrationParamsFromFlags(in->params, in->nparams,
                                                        in->flags,
                                                        step == QEMU_MIGRATION_STEP_PREPARE ?
                                                        QEMU_MIGRATION_DESTINATION :
                                                        QEMU_MIGRATION_SOURCE)))
        return -1;
    *out = args;
    args = (qemuMigrationArgs) { 0 };
    return 0;
}


/* qemuMigrationArgsClear: frees what @args owns and empties it. */
void
qemuMigrationArgsClear(qemuMigrationArgs *args)
{
    g_free(args->migrateDisks);
    qemuMigrationParamsFree(args->migParams);
    *args = (qemuMigrationArgs) { 0 };
}
