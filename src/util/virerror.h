/*
 * virerror.h: error reporting with libvirt's codes and domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every failure is reported exactly once, where it is detected, into a
 * thread-local "last error" that uses libvirt's public virError layout.
 * The RPC layer copies that error onto the wire unchanged.
 */
#pragma once

#include "internal.h"

void virReportErrorFull(int domain, int code, const char *filename,
                        const char *funcname, size_t linenr,
                        const char *fmt, ...) G_GNUC_PRINTF(6, 7);
void virReportSystemErrorFull(int domain, int theerrno, const char *filename,
                              const char *funcname, size_t linenr,
                              const char *fmt, ...) G_GNUC_PRINTF(6, 7);

#define virReportError(code, ...) \
    virReportErrorFull(VIR_FROM_THIS, code, __FILE__, __func__, __LINE__, \
                       __VA_ARGS__)

#define virReportSystemError(theerrno, ...) \
    virReportSystemErrorFull(VIR_FROM_THIS, theerrno, __FILE__, __func__, \
                             __LINE__, __VA_ARGS__)

#define virReportEnumRangeError(typname, value) \
    virReportErrorFull(VIR_FROM_THIS, VIR_ERR_INTERNAL_ERROR, __FILE__, \
                       __func__, __LINE__, "Unexpected enum value %d for %s", \
                       (int)(value), #typname)

#define virReportInvalidArg(argname, fmt, ...) \
    virReportErrorFull(VIR_FROM_THIS, VIR_ERR_INVALID_ARG, __FILE__, \
                       __func__, __LINE__, fmt, __VA_ARGS__)

/* libvirt's virCheckFlags: refuse unknown bits with INVALID_ARG. */
#define virCheckFlags(supported, retval) \
    do { \
        unsigned long long unknown_ = (flags) & ~(unsigned long long)(supported); \
        if (unknown_) { \
            virReportErrorFull(VIR_FROM_THIS, VIR_ERR_INVALID_ARG, __FILE__, \
                               __func__, __LINE__, \
                               _("unsupported flags (0x%1$llx) in function %2$s"), \
                               unknown_, __func__); \
            return retval; \
        } \
    } while (0)

/* The message prefix libvirt puts in front of a detail for @code. */
const char *virErrorPrefix(int code, bool withDetail);

/* Last error of the calling thread: NULL when none is set. */
const virError *virErrorGetLast(void);
int virErrorGetLastCode(void);
const char *virErrorGetLastMessage(void);
void virErrorResetLast(void);

virError *virErrorCopyNew(const virError *err);
void virErrorFree(virError *err);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virError, virErrorFree);

/* Keep the first cause across cleanup code that may report again. */
void virErrorPreserveLast(virError **saveerr);
void virErrorRestore(virError **savederr);

/* Set the last error from a received one (peer daemon, tests). */
void virErrorSetLast(const virError *err);

/* Log every reported error through virlog (on by default). */
void virErrorSetLogging(bool enabled);
