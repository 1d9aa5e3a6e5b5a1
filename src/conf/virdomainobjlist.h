/*
 * virdomainobjlist.h: the driver's table of domain objects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Domains are indexed by UUID and by name; the list holds one reference
 * per index.  Lookups return the object locked and referenced, to be
 * released with virDomainObjEndAPI().  The list lock is taken before a
 * domain lock, never after, and no thread waits for a domain (job or
 * condition) while holding the list lock: lookups drop the list lock
 * before locking the domain they found.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virhypervisordriver.h"

typedef struct _virDomainObjList virDomainObjList;

virDomainObjList *virDomainObjListNew(void);
void virDomainObjListFree(virDomainObjList *doms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainObjList, virDomainObjListFree);

typedef enum {
    /* @def is the live definition of a running domain (not its next
     * persistent one). */
    VIR_DOMAIN_OBJ_LIST_ADD_LIVE = 1 << 0,
    /* refuse to redefine a running or transient domain */
    VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE = 1 << 1,
} virDomainObjListAddFlags;

virDomainObj *virDomainObjListAdd(virDomainObjList *doms, virDomainDef **def,
                                  const virDomainObjConfig *cfg,
                                  unsigned int flags);
int virDomainObjListAddObj(virDomainObjList *doms, virDomainObj *vm);
void virDomainObjListRemove(virDomainObjList *doms, virDomainObj *vm);
int virDomainObjListAllocID(virDomainObjList *doms);

virDomainObj *virDomainObjListFindByName(virDomainObjList *doms,
                                         const char *name);
virDomainObj *virDomainObjListFindByUUID(virDomainObjList *doms,
                                         const unsigned char *uuid);
virDomainObj *virDomainObjListFindByDomain(virDomainObjList *doms,
                                           const unsigned char *uuid,
                                           const char *name);
virDomainObj *virDomainObjListFindByID(virDomainObjList *doms, int id);

/* Decides whether @vm (locked) belongs in a listing. */
typedef bool (*virDomainObjListACLFilter)(virDomainObj *vm, void *opaque);

int virDomainObjListCollect(virDomainObjList *doms, unsigned int flags,
                            virDomainObjListACLFilter filter, void *opaque,
                            virDomainObj ***vms, size_t *nvms);
void virDomainObjListFreeCollected(virDomainObj **vms, size_t nvms);
int virDomainObjListExport(virDomainObjList *doms, unsigned int flags,
                           virDomainObjListACLFilter filter, void *opaque,
                           virDomainIdent ***domains);

typedef int (*virDomainObjListIterator)(virDomainObj *vm, void *opaque);
int virDomainObjListForEach(virDomainObjList *doms,
                            virDomainObjListIterator callback, void *opaque);
int virDomainObjListNumOfDomains(virDomainObjList *doms, bool active);
int virDomainObjListGetActiveIDs(virDomainObjList *doms, int *ids,
                                 int maxids);
int virDomainObjListGetInactiveNames(virDomainObjList *doms, char **names,
                                     int maxnames);
