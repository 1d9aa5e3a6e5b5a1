/*
 * virxdrbound.c: XDR filters that check a declared length against the
 * bytes a message holds before allocating for it (see virxdrbound.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <pthread.h>

#include "virxdrbound.h"

static const struct xdr_ops *virXDRMemOps;
static pthread_once_t virXDRMemOpsOnce = PTHREAD_ONCE_INIT;

/* The operations of libtirpc's memory streams, taken from one made for
 * the purpose: a stream with these keeps the count of bytes left to
 * read in x_handy. */
static void
virXDRMemOpsInit(void)
{
    static char empty[4];
    XDR probe;

    xdrmem_create(&probe, empty, sizeof(empty), XDR_DECODE);
    virXDRMemOps = probe.x_ops;
}


/* Reads the length word at the stream's position without consuming it.
 * False when the stream is a memory stream being decoded and holds less
 * than @unit bytes per declared element after the word; true otherwise,
 * also for any other stream (libtirpc's filter then decides). */
static bool_t
virXDRLengthFits(XDR *xdrs, u_int unit)
{
    u_int pos;
    u_int len;
    bool_t fits;

    pthread_once(&virXDRMemOpsOnce, virXDRMemOpsInit);
    if (xdrs->x_op != XDR_DECODE || xdrs->x_ops != virXDRMemOps)
        return TRUE;
    pos = xdr_getpos(xdrs);
    if (!xdr_u_int(xdrs, &len))
        return FALSE;
    fits = len <= xdrs->x_handy / unit;
    return xdr_setpos(xdrs, pos) && fits;
}


bool_t
virXDRString(XDR *xdrs, char **sp, u_int maxsize)
{
    if (!virXDRLengthFits(xdrs, 1))
        return FALSE;
    return xdr_string(xdrs, sp, maxsize);
}


bool_t
virXDRBytes(XDR *xdrs, char **sp, u_int *sizep, u_int maxsize)
{
    if (!virXDRLengthFits(xdrs, 1))
        return FALSE;
    return xdr_bytes(xdrs, sp, sizep, maxsize);
}


/* Every XDR item takes at least four bytes on the wire. */
bool_t
virXDRArray(XDR *xdrs, char **addrp, u_int *sizep, u_int maxsize,
            u_int elsize, xdrproc_t elproc)
{
    if (!virXDRLengthFits(xdrs, 4))
        return FALSE;
    return xdr_array(xdrs, addrp, sizep, maxsize, elsize, elproc);
}
