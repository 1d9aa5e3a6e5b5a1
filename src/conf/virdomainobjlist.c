/*
 * virdomainobjlist.c: the driver's table of domain objects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virdomainobjlist.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.virdomainobjlist");

struct _virDomainObjList {
    GMutex lock;            /* before any domain lock, never after */
    GHashTable *objs;       /* UUID string -> virDomainObj, one reference */
    GHashTable *objsName;   /* name -> virDomainObj, one reference */
    gint lastID;            /* ids handed out so far (atomic: callers may
                             * hold a domain lock) */
};


static void
virDomainObjListUnrefValue(gpointer vm)
{
    virObjectUnref(vm);
}


/* Returns a new, empty list; caller owns it (virDomainObjListFree). */
virDomainObjList *
virDomainObjListNew(void)
{
    virDomainObjList *doms = g_new0(virDomainObjList, 1);

    g_mutex_init(&doms->lock);
    doms->objs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       virDomainObjListUnrefValue);
    doms->objsName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           virDomainObjListUnrefValue);
    return doms;
}


/* Drops the list's references to its domains and frees it (may be NULL).
 * No other thread may use the list any more. */
void
virDomainObjListFree(virDomainObjList *doms)
{
    if (!doms)
        return;
    g_hash_table_destroy(doms->objs);
    g_hash_table_destroy(doms->objsName);
    g_mutex_clear(&doms->lock);
    g_free(doms);
}


/**
 * virDomainObjListAllocID:
 * Returns the id for a domain that starts running: ids increase from 1
 * and are never reused during the daemon's life (ids found in status
 * files at start are skipped).  Takes no lock, so callers may hold a
 * domain lock.
 */
int
virDomainObjListAllocID(virDomainObjList *doms)
{
    return g_atomic_int_add(&doms->lastID, 1) + 1;
}


/* Makes sure ids handed out later are above @id. */
static void
virDomainObjListSeenID(virDomainObjList *doms, int id)
{
    int last = g_atomic_int_get(&doms->lastID);

    while (id > last &&
           !g_atomic_int_compare_and_exchange(&doms->lastID, last, id))
        last = g_atomic_int_get(&doms->lastID);
}


/* Indexes @vm under its UUID and name; list locked, both keys free. */
static void
virDomainObjListInsertLocked(virDomainObjList *doms, virDomainObj *vm)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    virUUIDFormat(vm->def->uuid, uuidstr);
    g_hash_table_insert(doms->objs, g_strdup(uuidstr), virObjectRef(vm));
    g_hash_table_insert(doms->objsName, g_strdup(vm->def->name),
                        virObjectRef(vm));
    virDomainObjListSeenID(doms, vm->def->id);
}


/* The name under which @vm is listed (the key, which the list owns);
 * list locked. */
static const char *
virDomainObjListNameOfLocked(virDomainObjList *doms, virDomainObj *vm)
{
    GHashTableIter iter;
    gpointer key;
    gpointer value;

    g_hash_table_iter_init(&iter, doms->objsName);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (value == vm)
            return key;
    }
    return "";
}


/*
 * Checks that neither @def's UUID nor its name is taken, with libvirt's
 * errors.  List locked; listed domains are compared through the list's
 * keys, not their (unlocked) definitions.  Returns 0 if both are free, 1
 * if a domain with the same UUID and name exists (*@existing, unlocked,
 * not referenced), -1 (reported) otherwise.
 */
static int
virDomainObjListCheckFreeLocked(virDomainObjList *doms,
                                const virDomainDef *def,
                                virDomainObj **existing)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *byUUID;
    virDomainObj *byName = g_hash_table_lookup(doms->objsName, def->name);
    GHashTableIter iter;
    gpointer key;
    gpointer value;

    virUUIDFormat(def->uuid, uuidstr);
    if ((byUUID = g_hash_table_lookup(doms->objs, uuidstr))) {
        if (byName != byUUID) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("domain '%1$s' is already defined with uuid %2$s"),
                           virDomainObjListNameOfLocked(doms, byUUID),
                           uuidstr);
            return -1;
        }
        *existing = byUUID;
        return 1;
    }
    if (byName) {
        g_hash_table_iter_init(&iter, doms->objs);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            if (value == byName)
                break;
        }
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' already exists with uuid %2$s"),
                       def->name, (const char *)key);
        return -1;
    }
    return 0;
}


/* Replaces the definition of locked @vm by *@def (stolen). */
static int
virDomainObjListRedefine(virDomainObj *vm, virDomainDef **def,
                         unsigned int flags)
{
    if (vm->removing) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%1$s' is already being removed"),
                       vm->def->name);
        return -1;
    }
    if (flags & VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE) {
        if (virDomainObjIsActive(vm)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%1$s' is already active"),
                           vm->def->name);
            return -1;
        }
        if (!vm->persistent) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%1$s' is already being started"),
                           vm->def->name);
            return -1;
        }
    }
    if (virDomainObjIsActive(vm) && !(flags & VIR_DOMAIN_OBJ_LIST_ADD_LIVE)) {
        virDomainDefFree(vm->newDef);
        vm->newDef = g_steal_pointer(def);
    } else if ((flags & VIR_DOMAIN_OBJ_LIST_ADD_LIVE) && vm->persistent &&
               !virDomainObjIsActive(vm) && !vm->newDef) {
        /* a live definition (an incoming migration) over a defined,
         * inactive domain: its own definition stays the next one, and
         * comes back when the live one ends (libvirt's AssignDef) */
        vm->newDef = g_steal_pointer(&vm->def);
        vm->def = g_steal_pointer(def);
    } else {
        (*def)->id = vm->def->id;
        virDomainDefFree(vm->def);
        vm->def = g_steal_pointer(def);
    }
    return 0;
}


/**
 * virDomainObjListAdd:
 * @doms: the list
 * @def: the definition; stolen (set to NULL) on success
 * @cfg: the driver's callbacks, for a new object
 * @flags: virDomainObjListAddFlags
 *
 * Adds a domain for *@def, or redefines the listed domain with the same
 * UUID and name, as libvirt does: a running domain gets @def as its next
 * persistent definition unless ADD_LIVE; with ADD_LIVE a defined,
 * inactive domain keeps its definition as the next one; with
 * ADD_CHECK_LIVE a running or
 * transient domain is refused.  A UUID or a name taken by another domain
 * is refused.  Returns the object locked and referenced (release with
 * virDomainObjEndAPI), or NULL with an error reported and *@def untouched.
 */
virDomainObj *
virDomainObjListAdd(virDomainObjList *doms, virDomainDef **def,
                    const virDomainObjConfig *cfg, unsigned int flags)
{
    virDomainObj *vm = NULL;
    int rc;

    g_mutex_lock(&doms->lock);
    rc = virDomainObjListCheckFreeLocked(doms, *def, &vm);
    if (rc == 0) {
        vm = virDomainObjNew(cfg);
        vm->def = g_steal_pointer(def);
        virDomainObjListInsertLocked(doms, vm);
    } else if (rc > 0) {
        virObjectRef(vm);
    }
    g_mutex_unlock(&doms->lock);

    if (rc > 0) {
        virObjectLock(vm);
        if (virDomainObjListRedefine(vm, def, flags) < 0)
            virDomainObjEndAPI(&vm);
    }
    return vm;
}


/**
 * virDomainObjListAddObj:
 * Adds @vm as is (the list takes its own references): used for domains
 * loaded from status files.  @vm has a definition, is unlocked (the list
 * lock comes first) and not yet visible to other threads.  Refuses a
 * taken UUID or name.  Returns 0 or -1 with an error reported.
 */
int
virDomainObjListAddObj(virDomainObjList *doms, virDomainObj *vm)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    int rc = 0;

    virUUIDFormat(vm->def->uuid, uuidstr);
    g_mutex_lock(&doms->lock);
    if (g_hash_table_contains(doms->objs, uuidstr) ||
        g_hash_table_contains(doms->objsName, vm->def->name)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected domain %1$s already exists"),
                       vm->def->name);
        rc = -1;
    } else {
        virDomainObjListInsertLocked(doms, vm);
    }
    g_mutex_unlock(&doms->lock);
    return rc;
}


/**
 * virDomainObjListRemove:
 * @doms: the list
 * @vm: a listed domain, locked and referenced by the caller
 *
 * Takes @vm out of the list.  Threads waiting for one of its jobs fail
 * with VIR_ERR_NO_DOMAIN when they wake up.  The domain lock is dropped
 * and taken back to respect the lock order; @vm is returned locked with
 * the caller's reference.
 */
void
virDomainObjListRemove(virDomainObjList *doms, virDomainObj *vm)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    vm->removing = true;
    virUUIDFormat(vm->def->uuid, uuidstr);
    virObjectUnlock(vm);

    g_mutex_lock(&doms->lock);
    virObjectLock(vm);
    g_hash_table_remove(doms->objs, uuidstr);
    g_hash_table_remove(doms->objsName, vm->def->name);
    g_mutex_unlock(&doms->lock);
}


/* Locks @vm (referenced, list not locked); NULL if it is being removed. */
static virDomainObj *
virDomainObjListLockFound(virDomainObj *vm)
{
    if (!vm)
        return NULL;
    virObjectLock(vm);
    if (vm->removing)
        virDomainObjEndAPI(&vm);
    return vm;
}


/* Looks up @key in @table and references the object; NULL if absent. */
static virDomainObj *
virDomainObjListLookup(virDomainObjList *doms, GHashTable *table,
                       const char *key)
{
    virDomainObj *vm;

    g_mutex_lock(&doms->lock);
    vm = virObjectRef(g_hash_table_lookup(table, key));
    g_mutex_unlock(&doms->lock);
    return virDomainObjListLockFound(vm);
}


/**
 * virDomainObjListFindByName:
 * Returns the domain called @name locked and referenced (release with
 * virDomainObjEndAPI), or NULL with VIR_ERR_NO_DOMAIN reported.
 */
virDomainObj *
virDomainObjListFindByName(virDomainObjList *doms, const char *name)
{
    virDomainObj *vm = virDomainObjListLookup(doms, doms->objsName, name);

    if (!vm)
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching name '%1$s'"), name);
    return vm;
}


/**
 * virDomainObjListFindByUUID:
 * Returns the domain with @uuid locked and referenced (release with
 * virDomainObjEndAPI), or NULL with VIR_ERR_NO_DOMAIN reported.
 */
virDomainObj *
virDomainObjListFindByUUID(virDomainObjList *doms, const unsigned char *uuid)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *vm;

    virUUIDFormat(uuid, uuidstr);
    if (!(vm = virDomainObjListLookup(doms, doms->objs, uuidstr)))
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching uuid '%1$s'"), uuidstr);
    return vm;
}


/**
 * virDomainObjListFindByDomain:
 * As virDomainObjListFindByUUID for a domain a client names by UUID and
 * name; the error names both: "no domain with matching uuid '%s' (%s)".
 */
virDomainObj *
virDomainObjListFindByDomain(virDomainObjList *doms,
                             const unsigned char *uuid, const char *name)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *vm;

    virUUIDFormat(uuid, uuidstr);
    if (!(vm = virDomainObjListLookup(doms, doms->objs, uuidstr)))
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching uuid '%1$s' (%2$s)"),
                       uuidstr, name);
    return vm;
}


/* References every listed domain; caller frees with
 * virDomainObjListFreeCollected. */
static virDomainObj **
virDomainObjListSnapshot(virDomainObjList *doms, size_t *nvms)
{
    virDomainObj **vms;
    GHashTableIter iter;
    gpointer value;
    size_t n = 0;

    g_mutex_lock(&doms->lock);
    vms = g_new0(virDomainObj *, g_hash_table_size(doms->objs) + 1);
    g_hash_table_iter_init(&iter, doms->objs);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        vms[n++] = virObjectRef(value);
    g_mutex_unlock(&doms->lock);
    *nvms = n;
    return vms;
}


/* Drops the references of an array from virDomainObjListCollect and frees
 * it (may be NULL). */
void
virDomainObjListFreeCollected(virDomainObj **vms, size_t nvms)
{
    size_t i;

    if (!vms)
        return;
    for (i = 0; i < nvms; i++)
        virObjectUnref(vms[i]);
    g_free(vms);
}


/**
 * virDomainObjListFindByID:
 * Returns the running domain with @id locked and referenced (release with
 * virDomainObjEndAPI), or NULL with VIR_ERR_NO_DOMAIN reported.  Domains
 * are locked one at a time, without the list lock.
 */
virDomainObj *
virDomainObjListFindByID(virDomainObjList *doms, int id)
{
    size_t n = 0;
    virDomainObj **vms = virDomainObjListSnapshot(doms, &n);
    virDomainObj *found = NULL;
    size_t i;

    for (i = 0; i < n && !found && id >= 0; i++) {
        virObjectLock(vms[i]);
        if (!vms[i]->removing && virDomainObjIsActive(vms[i]) &&
            vms[i]->def->id == id)
            found = virObjectRef(vms[i]);
        else
            virObjectUnlock(vms[i]);
    }
    virDomainObjListFreeCollected(vms, n);
    if (!found)
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching id %1$d"), id);
    return found;
}


/* Applies a yes/no flag pair: no filter if neither or both are set. */
static bool
virDomainObjListMatchPair(unsigned int flags, unsigned int yes,
                          unsigned int no, bool value)
{
    unsigned int set = flags & (yes | no);

    if (set == 0 || set == (yes | no))
        return true;
    return (set == yes) == value;
}


/* True if locked @vm matches the VIR_CONNECT_LIST_DOMAINS_* @flags.  We
 * keep no managed saves, snapshots or checkpoints. */
static bool
virDomainObjListMatch(virDomainObj *vm, unsigned int flags)
{
    const unsigned int states = VIR_CONNECT_LIST_DOMAINS_RUNNING |
                                VIR_CONNECT_LIST_DOMAINS_PAUSED |
                                VIR_CONNECT_LIST_DOMAINS_SHUTOFF |
                                VIR_CONNECT_LIST_DOMAINS_OTHER;
    unsigned int stateFlag;

    switch (virDomainObjGetState(vm, NULL)) {
    case VIR_DOMAIN_RUNNING:
        stateFlag = VIR_CONNECT_LIST_DOMAINS_RUNNING;
        break;
    case VIR_DOMAIN_PAUSED:
        stateFlag = VIR_CONNECT_LIST_DOMAINS_PAUSED;
        break;
    case VIR_DOMAIN_SHUTOFF:
        stateFlag = VIR_CONNECT_LIST_DOMAINS_SHUTOFF;
        break;
    case VIR_DOMAIN_NOSTATE:
    case VIR_DOMAIN_BLOCKED:
    case VIR_DOMAIN_SHUTDOWN:
    case VIR_DOMAIN_CRASHED:
    case VIR_DOMAIN_PMSUSPENDED:
    default:
        stateFlag = VIR_CONNECT_LIST_DOMAINS_OTHER;
        break;
    }

    return virDomainObjListMatchPair(flags, VIR_CONNECT_LIST_DOMAINS_ACTIVE,
                                     VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                                     virDomainObjIsActive(vm)) &&
           virDomainObjListMatchPair(flags, VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
                                     VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
                                     vm->persistent) &&
           (!(flags & states) || (flags & stateFlag)) &&
           virDomainObjListMatchPair(flags,
                                     VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                                     VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE,
                                     vm->hasManagedSave) &&
           virDomainObjListMatchPair(flags, VIR_CONNECT_LIST_DOMAINS_AUTOSTART,
                                     VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART,
                                     vm->autostart) &&
           virDomainObjListMatchPair(flags,
                                     VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                                     VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT,
                                     false) &&
           virDomainObjListMatchPair(flags,
                                     VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT,
                                     VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT,
                                     false);
}


typedef struct {
    virDomainObj *vm;
    char *name;             /* copied with the domain locked */
} virDomainObjListEntry;


static int
virDomainObjListCompareEntry(const void *a, const void *b)
{
    return g_strcmp0(((const virDomainObjListEntry *)a)->name,
                     ((const virDomainObjListEntry *)b)->name);
}


/**
 * virDomainObjListCollect:
 * @doms: the list
 * @flags: VIR_CONNECT_LIST_DOMAINS_* filters (0: all)
 * @filter: access check run on each locked domain, or NULL
 * @opaque: passed to @filter
 * @vms: set to the matching domains, by name, referenced and unlocked
 * @nvms: set to their number
 *
 * Collects the domains for list-all style APIs.  Each domain is locked
 * alone, after the list lock is dropped.  Free the result with
 * virDomainObjListFreeCollected.  Returns 0.
 */
int
virDomainObjListCollect(virDomainObjList *doms, unsigned int flags,
                        virDomainObjListACLFilter filter, void *opaque,
                        virDomainObj ***vms, size_t *nvms)
{
    size_t n = 0;
    virDomainObj **all = virDomainObjListSnapshot(doms, &n);
    g_autofree virDomainObjListEntry *kept = g_new0(virDomainObjListEntry,
                                                    n + 1);
    size_t nkept = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        virObjectLock(all[i]);
        if (!all[i]->removing && virDomainObjListMatch(all[i], flags) &&
            (!filter || filter(all[i], opaque))) {
            kept[nkept].vm = all[i];
            kept[nkept++].name = g_strdup(all[i]->def->name);
            virObjectUnlock(all[i]);
        } else {
            virDomainObjEndAPI(&all[i]);
        }
    }
    qsort(kept, nkept, sizeof(*kept), virDomainObjListCompareEntry);
    for (i = 0; i < nkept; i++) {
        all[i] = kept[i].vm;
        g_free(kept[i].name);
    }
    *vms = all;
    *nvms = nkept;
    return 0;
}


/**
 * virDomainObjListExport:
 * As virDomainObjListCollect, but returns the count and, if @domains is
 * not NULL, sets it to a NULL-terminated array of identities (name, UUID,
 * id) that the caller owns (virDomainIdentListFree).
 */
int
virDomainObjListExport(virDomainObjList *doms, unsigned int flags,
                       virDomainObjListACLFilter filter, void *opaque,
                       virDomainIdent ***domains)
{
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    size_t i;

    virDomainObjListCollect(doms, flags, filter, opaque, &vms, &nvms);
    if (domains) {
        *domains = g_new0(virDomainIdent *, nvms + 1);
        for (i = 0; i < nvms; i++) {
            virObjectLock(vms[i]);
            (*domains)[i] = virDomainIdentNew(vms[i]->def->name,
                                              vms[i]->def->uuid,
                                              vms[i]->def->id);
            virObjectUnlock(vms[i]);
        }
    }
    virDomainObjListFreeCollected(vms, nvms);
    return nvms;
}


/**
 * virDomainObjListForEach:
 * Calls @callback on every listed domain, referenced but unlocked (the
 * callback locks it), without the list lock held, so callbacks may wait.
 * Stops at the first callback returning < 0.  Returns 0 or -1.
 */
int
virDomainObjListForEach(virDomainObjList *doms,
                        virDomainObjListIterator callback, void *opaque)
{
    size_t n = 0;
    virDomainObj **vms = virDomainObjListSnapshot(doms, &n);
    size_t i;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        if (callback(vms[i], opaque) < 0)
            rc = -1;
    }
    virDomainObjListFreeCollected(vms, n);
    return rc;
}


/* Returns the number of running (@active) or defined, inactive domains. */
int
virDomainObjListNumOfDomains(virDomainObjList *doms, bool active)
{
    return virDomainObjListExport(doms,
                                  active ? VIR_CONNECT_LIST_DOMAINS_ACTIVE
                                         : VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                                  NULL, NULL, NULL);
}


/**
 * virDomainObjListGetActiveIDs:
 * Fills @ids with at most @maxids ids of running domains, in name order.
 * Returns how many were stored.
 */
int
virDomainObjListGetActiveIDs(virDomainObjList *doms, int *ids, int maxids)
{
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    size_t i;
    int n = 0;

    virDomainObjListCollect(doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE, NULL, NULL,
                            &vms, &nvms);
    for (i = 0; i < nvms && n < maxids; i++) {
        virObjectLock(vms[i]);
        if (virDomainObjIsActive(vms[i]))
            ids[n++] = vms[i]->def->id;
        virObjectUnlock(vms[i]);
    }
    virDomainObjListFreeCollected(vms, nvms);
    return n;
}


/**
 * virDomainObjListGetInactiveNames:
 * Stores at most @maxnames names of defined, inactive domains in @names
 * (each owned by the caller), in name order.  Returns how many.
 */
int
virDomainObjListGetInactiveNames(virDomainObjList *doms, char **names,
                                 int maxnames)
{
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    size_t i;
    int n = 0;

    virDomainObjListCollect(doms, VIR_CONNECT_LIST_DOMAINS_INACTIVE, NULL,
                            NULL, &vms, &nvms);
    for (i = 0; i < nvms && n < maxnames; i++) {
        virObjectLock(vms[i]);
        names[n++] = g_strdup(vms[i]->def->name);
        virObjectUnlock(vms[i]);
    }
    virDomainObjListFreeCollected(vms, nvms);
    return n;
}
