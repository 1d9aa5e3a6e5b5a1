/*
 * virdomainobj.c: the live domain object
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virdomainobj.h"
#include "virerror.h"
#include "virenum.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.virdomainobj");


static void
virDomainObjDispose(void *obj)
{
    virDomainObj *vm = obj;

    VIR_DEBUG("vm=%p name=%s", vm, vm->def ? vm->def->name : "");
    if (vm->privateDataFreeFunc)
        vm->privateDataFreeFunc(vm->privateData);
    virDomainJobObjFree(vm->job);
    virDomainDefFree(vm->def);
    virDomainDefFree(vm->newDef);
    g_cond_clear(&vm->cond);
}


/**
 * virDomainObjNew:
 * @cfg: the driver's callbacks; must outlive the object
 *
 * Creates a domain object without a definition, in state SHUTOFF, with the
 * driver's private data allocated.  Returns it locked with one reference
 * owned by the caller (release with virDomainObjEndAPI).
 */
virDomainObj *
virDomainObjNew(const virDomainObjConfig *cfg)
{
    virDomainObj *vm = virObjectLockableNew(sizeof(*vm), virDomainObjDispose);

    g_cond_init(&vm->cond);
    vm->cfg = cfg;
    vm->job = virDomainJobObjNew(&cfg->job);
    if (cfg->privateData.alloc) {
        vm->privateData = cfg->privateData.alloc(cfg->privateDataOpaque);
        vm->privateDataFreeFunc = cfg->privateData.free;
    }
    vm->state.state = VIR_DOMAIN_SHUTOFF;
    vm->state.reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    virObjectLock(vm);
    return vm;
}


/**
 * virDomainObjEndAPI:
 * @vm: pointer to a locked, referenced domain object (or to NULL)
 *
 * Releases what a lookup (or virDomainObjNew) gave: unlocks the object,
 * drops the reference and clears *@vm.
 */
void
virDomainObjEndAPI(virDomainObj **vm)
{
    if (!*vm)
        return;
    virObjectUnlock(*vm);
    virObjectUnref(*vm);
    *vm = NULL;
}


/* True while the domain runs (it has an id).  @vm must be locked. */
bool
virDomainObjIsActive(const virDomainObj *vm)
{
    return vm->def && vm->def->id != -1;
}


/* Returns 0 if @vm (locked) is running, else -1 with libvirt's
 * "domain is not running" reported as VIR_ERR_OPERATION_INVALID. */
int
virDomainObjCheckActive(const virDomainObj *vm)
{
    if (!virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is not running"));
        return -1;
    }
    return 0;
}


static const char *const virDomainTaintTable[] = {
    [VIR_DOMAIN_TAINT_CUSTOM_MONITOR] = "custom-monitor",
    [VIR_DOMAIN_TAINT_CUSTOM_GA_COMMAND] = "custom-ga-command",
};
VIR_ENUM_IMPL_TABLE(virDomainTaint, virDomainTaintTable, VIR_DOMAIN_TAINT_LAST);


/* What @taint means, translated, for virDomainGetMessages. */
const char *
virDomainTaintMessage(virDomainTaint taint)
{
    switch (taint) {
    case VIR_DOMAIN_TAINT_CUSTOM_MONITOR:
        return _("custom monitor control commands issued");
    case VIR_DOMAIN_TAINT_CUSTOM_GA_COMMAND:
        return _("custom guest agent control commands issued");
    case VIR_DOMAIN_TAINT_LAST:
        break;
    }
    return "";
}


/* Marks running @vm (locked) as tainted by @taint.  Returns true the
 * first time, when the caller logs it. */
bool
virDomainObjTaint(virDomainObj *vm, virDomainTaint taint)
{
    unsigned int bit = 1U << taint;

    if (vm->taint & bit)
        return false;
    vm->taint |= bit;
    return true;
}


/**
 * virDomainObjGetMessages:
 * The messages of locked @vm for virDomainGetMessages: one
 * "tainted: ..." per taint with VIR_DOMAIN_MESSAGE_TAINTING or no @flags
 * (this daemon records no deprecations).  A NULL-terminated list the
 * caller owns; never NULL.
 */
char **
virDomainObjGetMessages(const virDomainObj *vm, unsigned int flags)
{
    g_autoptr(GPtrArray) msgs = g_ptr_array_new();
    size_t i;

    if (!flags || (flags & VIR_DOMAIN_MESSAGE_TAINTING)) {
        for (i = 0; i < VIR_DOMAIN_TAINT_LAST; i++) {
            if (vm->taint & (1U << i))
                g_ptr_array_add(msgs,
                                g_strdup_printf(_("tainted: %1$s"),
                                                virDomainTaintMessage(i)));
        }
    }
    g_ptr_array_add(msgs, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&msgs), false);
}


/* The strings libvirt writes in status XML for states and reasons. */
static const char *const virDomainObjStateTable[] = {
    [VIR_DOMAIN_NOSTATE] = "nostate",
    [VIR_DOMAIN_RUNNING] = "running",
    [VIR_DOMAIN_BLOCKED] = "blocked",
    [VIR_DOMAIN_PAUSED] = "paused",
    [VIR_DOMAIN_SHUTDOWN] = "shutdown",
    [VIR_DOMAIN_SHUTOFF] = "shutoff",
    [VIR_DOMAIN_CRASHED] = "crashed",
    [VIR_DOMAIN_PMSUSPENDED] = "pmsuspended",
};
VIR_ENUM_IMPL_TABLE(virDomainObjState, virDomainObjStateTable,
                    VIR_DOMAIN_OBJ_STATE_LAST);

static const char *const virDomainObjUnknownReasonTable[] = {
    [0] = "unknown",
};

static const char *const virDomainObjRunningReasonTable[] = {
    [VIR_DOMAIN_RUNNING_UNKNOWN] = "unknown",
    [VIR_DOMAIN_RUNNING_BOOTED] = "booted",
    [VIR_DOMAIN_RUNNING_MIGRATED] = "migrated",
    [VIR_DOMAIN_RUNNING_RESTORED] = "restored",
    [VIR_DOMAIN_RUNNING_FROM_SNAPSHOT] = "from snapshot",
    [VIR_DOMAIN_RUNNING_UNPAUSED] = "unpaused",
    [VIR_DOMAIN_RUNNING_MIGRATION_CANCELED] = "migration canceled",
    [VIR_DOMAIN_RUNNING_SAVE_CANCELED] = "save canceled",
    [VIR_DOMAIN_RUNNING_WAKEUP] = "wakeup",
    [VIR_DOMAIN_RUNNING_CRASHED] = "crashed",
    [VIR_DOMAIN_RUNNING_POSTCOPY] = "post-copy",
    [VIR_DOMAIN_RUNNING_POSTCOPY_FAILED] = "post-copy failed",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainObjRunningReasonTable) ==
                VIR_DOMAIN_RUNNING_POSTCOPY_FAILED + 1);

static const char *const virDomainObjPausedReasonTable[] = {
    [VIR_DOMAIN_PAUSED_UNKNOWN] = "unknown",
    [VIR_DOMAIN_PAUSED_USER] = "user",
    [VIR_DOMAIN_PAUSED_MIGRATION] = "migration",
    [VIR_DOMAIN_PAUSED_SAVE] = "save",
    [VIR_DOMAIN_PAUSED_DUMP] = "dump",
    [VIR_DOMAIN_PAUSED_IOERROR] = "ioerror",
    [VIR_DOMAIN_PAUSED_WATCHDOG] = "watchdog",
    [VIR_DOMAIN_PAUSED_FROM_SNAPSHOT] = "from snapshot",
    [VIR_DOMAIN_PAUSED_SHUTTING_DOWN] = "shutdown",
    [VIR_DOMAIN_PAUSED_SNAPSHOT] = "snapshot",
    [VIR_DOMAIN_PAUSED_CRASHED] = "panicked",
    [VIR_DOMAIN_PAUSED_STARTING_UP] = "starting up",
    [VIR_DOMAIN_PAUSED_POSTCOPY] = "post-copy",
    [VIR_DOMAIN_PAUSED_POSTCOPY_FAILED] = "post-copy failed",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainObjPausedReasonTable) ==
                VIR_DOMAIN_PAUSED_POSTCOPY_FAILED + 1);

static const char *const virDomainObjShutdownReasonTable[] = {
    [VIR_DOMAIN_SHUTDOWN_UNKNOWN] = "unknown",
    [VIR_DOMAIN_SHUTDOWN_USER] = "user",
};

static const char *const virDomainObjShutoffReasonTable[] = {
    [VIR_DOMAIN_SHUTOFF_UNKNOWN] = "unknown",
    [VIR_DOMAIN_SHUTOFF_SHUTDOWN] = "shutdown",
    [VIR_DOMAIN_SHUTOFF_DESTROYED] = "destroyed",
    [VIR_DOMAIN_SHUTOFF_CRASHED] = "crashed",
    [VIR_DOMAIN_SHUTOFF_MIGRATED] = "migrated",
    [VIR_DOMAIN_SHUTOFF_SAVED] = "saved",
    [VIR_DOMAIN_SHUTOFF_FAILED] = "failed",
    [VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT] = "from snapshot",
    [VIR_DOMAIN_SHUTOFF_DAEMON] = "daemon",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainObjShutoffReasonTable) ==
                VIR_DOMAIN_SHUTOFF_DAEMON + 1);

static const char *const virDomainObjCrashedReasonTable[] = {
    [VIR_DOMAIN_CRASHED_UNKNOWN] = "unknown",
    [VIR_DOMAIN_CRASHED_PANICKED] = "panicked",
};


#define VIR_REASONS(t) { t, G_N_ELEMENTS(t) }
static const struct {
    const char *const *table;
    unsigned int n;
} virDomainObjReasonTables[] = {
    [VIR_DOMAIN_NOSTATE] = VIR_REASONS(virDomainObjUnknownReasonTable),
    [VIR_DOMAIN_RUNNING] = VIR_REASONS(virDomainObjRunningReasonTable),
    [VIR_DOMAIN_BLOCKED] = VIR_REASONS(virDomainObjUnknownReasonTable),
    [VIR_DOMAIN_PAUSED] = VIR_REASONS(virDomainObjPausedReasonTable),
    [VIR_DOMAIN_SHUTDOWN] = VIR_REASONS(virDomainObjShutdownReasonTable),
    [VIR_DOMAIN_SHUTOFF] = VIR_REASONS(virDomainObjShutoffReasonTable),
    [VIR_DOMAIN_CRASHED] = VIR_REASONS(virDomainObjCrashedReasonTable),
    [VIR_DOMAIN_PMSUSPENDED] = VIR_REASONS(virDomainObjUnknownReasonTable),
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainObjReasonTables) ==
                VIR_DOMAIN_OBJ_STATE_LAST);


/**
 * virDomainObjStateReasonTable:
 * Returns the reason strings of @state (a virDomainState) and stores their
 * count in *@nreasons; NULL for an invalid state.  Exposed so tests can
 * check the tables for holes.
 */
const char *const *
virDomainObjStateReasonTable(int state, unsigned int *nreasons)
{
    if (state < 0 || state >= VIR_DOMAIN_OBJ_STATE_LAST) {
        *nreasons = 0;
        return NULL;
    }
    *nreasons = virDomainObjReasonTables[state].n;
    return virDomainObjReasonTables[state].table;
}


/* Returns the string of @reason for @state, or NULL if out of range. */
const char *
virDomainObjStateReasonToString(int state, int reason)
{
    unsigned int n = 0;
    const char *const *table = virDomainObjStateReasonTable(state, &n);

    return table ? virEnumToString(table, n, reason) : NULL;
}


/* Returns the value of reason @str for @state, or -1 if unknown. */
int
virDomainObjStateReasonFromString(int state, const char *str)
{
    unsigned int n = 0;
    const char *const *table = virDomainObjStateReasonTable(state, &n);

    return table ? virEnumFromString(table, n, str) : -1;
}


/**
 * virDomainObjSetState:
 * Sets @vm's (locked) state; an out-of-range @reason becomes "unknown"
 * (0), an invalid @state is ignored with an error logged, as libvirt does.
 */
void
virDomainObjSetState(virDomainObj *vm, virDomainState state, int reason)
{
    unsigned int nreasons = 0;

    if (!virDomainObjStateReasonTable(state, &nreasons)) {
        VIR_ERROR("invalid domain state: %d", state);
        return;
    }
    vm->state.state = state;
    vm->state.reason = (reason > 0 && (unsigned int)reason < nreasons) ?
                       reason : 0;
}


/* Returns @vm's (locked) state and stores its reason in *@reason if
 * non-NULL. */
virDomainState
virDomainObjGetState(const virDomainObj *vm, int *reason)
{
    if (reason)
        *reason = vm->state.reason;
    return vm->state.state;
}


/* Wakes every thread waiting on @vm's domain condition; @vm is locked. */
void
virDomainObjBroadcast(virDomainObj *vm)
{
    g_cond_broadcast(&vm->cond);
}


/**
 * virDomainObjWaitUntil:
 * @vm: locked domain object; the lock is released while waiting
 * @deadlineMs: virTimeMonotonicMs() value at which to give up
 *
 * Waits for a broadcast on the domain condition.  Wakeups may be spurious:
 * callers re-check what they wait for, and whether the domain still runs.
 * Returns 0 when woken, 1 when the deadline passed.
 */
int
virDomainObjWaitUntil(virDomainObj *vm, long long deadlineMs)
{
    if (virCondWaitUntil(&vm->cond, virObjectGetLock(vm), deadlineMs) < 0)
        return 1;
    return 0;
}
