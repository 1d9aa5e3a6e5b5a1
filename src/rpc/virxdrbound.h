/*
 * virxdrbound.h: XDR filters that check a declared length against the
 * bytes a message holds before allocating for it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libtirpc's xdr_string, xdr_bytes and xdr_array allocate (zeroed) what
 * a length word declares before reading the data behind it, up to the
 * bound the .x gives: a 40-byte packet that declares a 4 MiB string
 * makes the receiver allocate and clear 4 MiB, only to fail a moment
 * later.  The generated protocol code calls these filters instead
 * (scripts/genprotocol.py renames the calls).  Decoding from memory,
 * which is all the daemon and its client do, they refuse a length the
 * rest of the message cannot hold before anything is allocated; any
 * other stream and every encode or free goes to libtirpc's filter
 * unchanged, so what goes on the wire does not change.
 */
#pragma once

#include <rpc/rpc.h>

bool_t virXDRString(XDR *xdrs, char **sp, u_int maxsize);
bool_t virXDRBytes(XDR *xdrs, char **sp, u_int *sizep, u_int maxsize);
bool_t virXDRArray(XDR *xdrs, char **addrp, u_int *sizep, u_int maxsize,
                   u_int elsize, xdrproc_t elproc);
