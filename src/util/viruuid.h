/*
 * viruuid.h: UUID helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

void virUUIDGenerate(unsigned char *uuid);
/* Parses "xxxxxxxx-xxxx-..." (dashes optional).  Returns 0 or -1. */
int virUUIDParse(const char *str, unsigned char *uuid);
/* Formats into @buf of VIR_UUID_STRING_BUFLEN bytes; returns @buf. */
const char *virUUIDFormat(const unsigned char *uuid, char *buf);
bool virUUIDIsNull(const unsigned char *uuid);
