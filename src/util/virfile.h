/*
 * virfile.h: file and directory helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

/* Close helpers for locals: VIR_AUTOCLOSE fd = -1; */
void virForceCloseHelper(int *fd);
#define VIR_AUTOCLOSE __attribute__((cleanup(virForceCloseHelper))) int

int virFileMakePathWithMode(const char *path, mode_t mode);
int virFileReadAll(const char *path, size_t maxlen, char **buf);
int virFileWriteAtomic(const char *path, const char *data, mode_t mode);
int virFileRemoveIfExists(const char *path);
bool virFileExists(const char *path);

/* Creates (or opens) @path, takes an exclusive lock on it and writes @pid.
 * Returns the fd holding the lock, or -1 with an error reported; a lock
 * held by another process is reported as "already running". */
int virPidFileAcquire(const char *path, pid_t pid, const char *what);
void virPidFileRelease(const char *path, int fd);
