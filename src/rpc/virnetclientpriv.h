/*
 * virnetclientpriv.h: client functions exposed only to tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#ifndef LIBVIRT_VIRNETCLIENTPRIV_H_ALLOW
#error "virnetclientpriv.h may only be included by virnetclient.c or tests"
#endif

#include "virnetclient.h"

virNetClient *virNetClientNewFD(int fd, const char *peer);
