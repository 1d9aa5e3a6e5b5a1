/*
 * fuzzutils.h: what every libFuzzer target of tests/fuzz shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NONE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Once per process: errors are not logged (they are the expected outcome
 * of most inputs), only the daemon's ERROR-level messages are, and a GLib
 * critical (an API misused on the way) is a crash the fuzzer reports. */
static inline void
fuzzInit(void)
{
    static bool done;

    if (done)
        return;
    done = true;
    virErrorSetLogging(false);
    virLogSetDefaultPriority(VIR_LOG_ERROR);
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);
}


/* The input as a C string: a copy cut at the first NUL byte; caller owns
 * the result. */
static inline char *
fuzzString(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}
