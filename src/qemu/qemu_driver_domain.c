/*
 * qemu_driver_domain.c: driver entry points for listing and looking up
 * domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_driver_domain.h"
#include "virdomainobjlist.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_domain");

#define QEMU_LIST_ALL_FLAGS \
    (VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE | \
     VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT | \
     VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED | \
     VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER | \
     VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | \
     VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE | \
     VIR_CONNECT_LIST_DOMAINS_AUTOSTART | \
     VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART | \
     VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | \
     VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT | \
     VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT | \
     VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT)


int
qemuConnectListAllDomains(virConn *conn G_GNUC_UNUSED,
                          virDomainIdent ***domains,
                          unsigned int flags)
{
    VIR_DEBUG("flags=0x%x", flags);
    virCheckFlags(QEMU_LIST_ALL_FLAGS, -1);
    return virDomainObjListExport(qemu_driver->domains, flags, NULL, NULL,
                                  domains);
}


int
qemuConnectListDomains(virConn *conn G_GNUC_UNUSED, int *ids, int maxids)
{
    return virDomainObjListGetActiveIDs(qemu_driver->domains, ids, maxids);
}


int
qemuConnectNumOfDomains(virConn *conn G_GNUC_UNUSED)
{
    return virDomainObjListNumOfDomains(qemu_driver->domains, true);
}


int
qemuConnectListDefinedDomains(virConn *conn G_GNUC_UNUSED, char **names,
                              int maxnames)
{
    return virDomainObjListGetInactiveNames(qemu_driver->domains, names,
                                            maxnames);
}


int
qemuConnectNumOfDefinedDomains(virConn *conn G_GNUC_UNUSED)
{
    return virDomainObjListNumOfDomains(qemu_driver->domains, false);
}


/* Turns a found (locked, referenced) object into an identity and releases
 * it; NULL passes through (the lookup reported the error). */
static virDomainIdent *
qemuDomainIdentFromObj(virDomainObj *vm)
{
    virDomainIdent *ident;

    if (!vm)
        return NULL;
    ident = virDomainIdentNew(vm->def->name, vm->def->uuid,
                              virDomainObjIsActive(vm) ? vm->def->id : -1);
    virDomainObjEndAPI(&vm);
    return ident;
}


virDomainIdent *
qemuDomainLookupByID(virConn *conn G_GNUC_UNUSED, int id)
{
    VIR_DEBUG("id=%d", id);
    return qemuDomainIdentFromObj(virDomainObjListFindByID(qemu_driver->domains, id));
}


virDomainIdent *
qemuDomainLookupByName(virConn *conn G_GNUC_UNUSED, const char *name)
{
    VIR_DEBUG("name=%s", name);
    return qemuDomainIdentFromObj(virDomainObjListFindByName(qemu_driver->domains, name));
}


virDomainIdent *
qemuDomainLookupByUUID(virConn *conn G_GNUC_UNUSED, const unsigned char *uuid)
{
    return qemuDomainIdentFromObj(virDomainObjListFindByUUID(qemu_driver->domains, uuid));
}
