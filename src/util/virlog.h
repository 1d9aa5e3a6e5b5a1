/*
 * virlog.h: logging with libvirt-style levels, filters and outputs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Levels use libvirt's numbers: 1 debug, 2 info, 3 warning, 4 error.
 * Filters ("1:qemu 3:rpc") and outputs ("1:stderr 2:file:/path") use the
 * syntax of libvirtd.conf's log_filters and log_outputs.
 */
#pragma once

#include "internal.h"

typedef enum {
    VIR_LOG_DEBUG = 1,
    VIR_LOG_INFO,
    VIR_LOG_WARN,
    VIR_LOG_ERROR,
} virLogPriority;

typedef struct _virLogSource virLogSource;
struct _virLogSource {
    const char *name;
    unsigned int serial;
    int priority;
};

#define VIR_LOG_INIT(n) \
    static G_GNUC_UNUSED virLogSource virLogSelf = { .name = n, .serial = 0, \
                                                     .priority = 0 }

bool virLogSourceEnabled(virLogSource *src, int priority);

void virLogMessage(const char *category, int priority, const char *filename,
                   size_t linenr, const char *funcname, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

#define VIR_LOG_AT(prio, ...) \
    do { \
        if (virLogSourceEnabled(&virLogSelf, prio)) \
            virLogMessage(virLogSelf.name, prio, __FILE__, __LINE__, \
                          __func__, __VA_ARGS__); \
    } while (0)

#define VIR_DEBUG(...) VIR_LOG_AT(VIR_LOG_DEBUG, __VA_ARGS__)
#define VIR_INFO(...) VIR_LOG_AT(VIR_LOG_INFO, __VA_ARGS__)
#define VIR_WARN(...) VIR_LOG_AT(VIR_LOG_WARN, __VA_ARGS__)
#define VIR_ERROR(...) VIR_LOG_AT(VIR_LOG_ERROR, __VA_ARGS__)

/* Configuration, normally from the daemon config file.  Each returns 0 on
 * success or -1 with an error reported. */
int virLogSetDefaultPriority(int priority);
int virLogGetDefaultPriority(void);
int virLogSetFilters(const char *filters);
int virLogSetOutputs(const char *outputs);
void virLogReset(void);

/* The default file for "file" outputs given without a path is unused; the
 * daemon passes absolute paths.  Returns the outputs currently set, in the
 * config syntax; caller owns the result. */
char *virLogGetOutputs(void);
char *virLogGetFilters(void);
