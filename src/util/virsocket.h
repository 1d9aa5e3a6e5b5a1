/*
 * virsocket.h: TCP name resolution and connecting, for the RPC client and
 * for the migration streams the QEMU driver opens itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <netdb.h>

#include "internal.h"

struct addrinfo *virSocketResolve(const char *host, const char *port,
                                  bool passive);
int virSocketConnectTCP(const char *host, const char *port);
void virSocketSetNoDelay(int fd);
