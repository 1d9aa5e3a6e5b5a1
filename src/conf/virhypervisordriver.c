/*
 * virhypervisordriver.c: helpers for the daemon/driver boundary
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virhypervisordriver.h"
#include "virtypedparam.h"

/* Returns a new ref; caller owns the result. */
virDomainIdent *
virDomainIdentNew(const char *name, const unsigned char *uuid, int id)
{
    virDomainIdent *ref = g_new0(virDomainIdent, 1);

    ref->name = g_strdup(name);
    memcpy(ref->uuid, uuid, VIR_UUID_BUFLEN);
    ref->id = id;
    return ref;
}


void
virDomainIdentFree(virDomainIdent *ref)
{
    if (!ref)
        return;
    g_free(ref->name);
    g_free(ref);
}


void
virDomainIdentListFree(virDomainIdent **refs, size_t n)
{
    size_t i;

    if (!refs)
        return;
    for (i = 0; i < n; i++)
        virDomainIdentFree(refs[i]);
    g_free(refs);
}


virStream *
virDriverStreamNew(const virStreamDriver *driver, void *privateData)
{
    virStream *st = g_new0(virStream, 1);

    st->driver = driver;
    st->privateData = privateData;
    return st;
}


void
virDriverStreamFree(virStream *st)
{
    if (!st)
        return;
    if (st->driver->streamRelease)
        st->driver->streamRelease(st);
    g_free(st);
}


/* Frees @rec, its identity and its parameters; accepts NULL. */
void
virDomainStatsRecFree(virDomainStatsRec *rec)
{
    if (!rec)
        return;
    virDomainIdentFree(rec->dom);
    virTypedParamArrayFree(rec->params, rec->nparams);
    g_free(rec);
}


/* The public virDomainInterfaceFree, which this daemon does not link:
 * frees @iface, its name, MAC and addresses; accepts NULL. */
void
virDomainInterfaceFree(virDomainInterfacePtr iface)
{
    size_t i;

    if (!iface)
        return;
    g_free(iface->name);
    g_free(iface->hwaddr);
    for (i = 0; i < iface->naddrs; i++)
        g_free(iface->addrs[i].addr);
    g_free(iface->addrs);
    g_free(iface);
}


/* The public virDomainFSInfoFree, likewise; accepts NULL. */
void
virDomainFSInfoFree(virDomainFSInfoPtr info)
{
    size_t i;

    if (!info)
        return;
    g_free(info->mountpoint);
    g_free(info->name);
    g_free(info->fstype);
    for (i = 0; i < info->ndevAlias; i++)
        g_free(info->devAlias[i]);
    g_free(info->devAlias);
    g_free(info);
}
