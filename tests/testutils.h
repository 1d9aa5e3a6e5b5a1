/*
 * testutils.h: helpers shared by the unit tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests are GLib GTest programs.  Golden files live under tests/<name>data/ and
 * are rewritten, for review, when VIR_TEST_REGENERATE_OUTPUT=1 is set.
 */
#pragma once

#include "internal.h"

/* Absolute path of @rel under the tests source dir; caller frees. */
char *virTestSrcPath(const char *rel);

/* Contents of tests/@rel; aborts the test when missing.  Caller frees. */
char *virTestLoadFile(const char *rel, size_t *len);

/* Compares @actual (of @len bytes, or NUL-terminated when @len is -1) to
 * the golden file tests/@rel; on mismatch prints the first difference and
 * returns -1.  Regenerates the file instead when asked to. */
int virTestCompareToFileFull(const char *actual, gssize len, const char *rel);
#define virTestCompareToFile(actual, rel) \
    virTestCompareToFileFull(actual, -1, rel)

/* The message of the calling thread's last error, for assertions. */
const char *virTestLastErrorMessage(void);

/* g_test_init plus quiet logging (errors are expected in many tests). */
void virTestInit(int *argc, char ***argv);
