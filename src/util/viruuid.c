/*
 * viruuid.c: UUID helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>
#include <sys/random.h>

#include "viruuid.h"

/* A random (version 4) UUID. */
void
virUUIDGenerate(unsigned char *uuid)
{
    size_t got = 0;

    while (got < VIR_UUID_BUFLEN) {
        ssize_t n = getrandom(uuid + got, VIR_UUID_BUFLEN - got, 0);
        if (n > 0) {
            got += n;
        } else if (n < 0 && errno != EINTR) {
            /* getrandom cannot fail on Linux >= 3.17 once seeded; fall
             * back to GLib's generator rather than leave zeros. */
            for (; got < VIR_UUID_BUFLEN; got++)
                uuid[got] = g_random_int_range(0, 256);
        }
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40;
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
}


int
virUUIDParse(const char *str, unsigned char *uuid)
{
    size_t i = 0;
    const char *p = str;

    while (g_ascii_isspace(*p))
        p++;
    while (i < VIR_UUID_BUFLEN) {
        int hi, lo;

        if (*p == '-') {
            p++;
            continue;
        }
        if ((hi = g_ascii_xdigit_value(p[0])) < 0 ||
            (lo = g_ascii_xdigit_value(p[1])) < 0)
            return -1;
        uuid[i++] = (hi << 4) | lo;
        p += 2;
    }
    while (g_ascii_isspace(*p))
        p++;
    return *p == '\0' ? 0 : -1;
}


const char *
virUUIDFormat(const unsigned char *u, char *buf)
{
    g_snprintf(buf, VIR_UUID_STRING_BUFLEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
               u[10], u[11], u[12], u[13], u[14], u[15]);
    return buf;
}


bool
virUUIDIsNull(const unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < VIR_UUID_BUFLEN; i++) {
        if (uuid[i])
            return false;
    }
    return true;
}
