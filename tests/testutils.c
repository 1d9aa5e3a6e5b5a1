/*
 * testutils.c: helpers shared by the unit tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>

#include "testutils.h"
#include "virerror.h"
#include "virlog.h"

static const char *
virTestSrcDir(void)
{
    const char *dir = g_getenv("abs_srcdir");

    return dir ? dir : ABS_SRCDIR;
}


char *
virTestSrcPath(const char *rel)
{
    return g_build_filename(virTestSrcDir(), rel, NULL);
}


char *
virTestLoadFile(const char *rel, size_t *len)
{
    g_autofree char *path = virTestSrcPath(rel);
    g_autoptr(GError) gerr = NULL;
    char *data = NULL;
    gsize n = 0;

    if (!g_file_get_contents(path, &data, &n, &gerr))
        g_error("cannot load test data %s: %s", path, gerr->message);
    if (len)
        *len = n;
    return data;
}


static bool
virTestRegenerate(void)
{
    const char *v = g_getenv("VIR_TEST_REGENERATE_OUTPUT");

    return v && STREQ(v, "1");
}


int
virTestCompareToFileFull(const char *actual, gssize len, const char *rel)
{
    g_autofree char *path = virTestSrcPath(rel);
    g_autofree char *expect = NULL;
    gsize elen = 0;
    gsize alen = len < 0 ? strlen(actual) : (gsize)len;
    gsize i;

    if (virTestRegenerate()) {
        g_autoptr(GError) gerr = NULL;
        if (!g_file_set_contents(path, actual, alen, &gerr))
            g_error("cannot regenerate %s: %s", path, gerr->message);
        return 0;
    }
    if (!g_file_get_contents(path, &expect, &elen, NULL)) {
        g_printerr("missing golden file %s (run with VIR_TEST_REGENERATE_OUTPUT=1)\n",
                   path);
        return -1;
    }
    if (elen == alen && memcmp(expect, actual, alen) == 0)
        return 0;
    for (i = 0; i < elen && i < alen && expect[i] == actual[i]; i++)
        ;
    g_printerr("mismatch with %s at byte %zu (expected %zu bytes, got %zu)\n",
               path, (size_t)i, (size_t)elen, (size_t)alen);
    if (len < 0)
        g_printerr("--- expected ---\n%s\n--- actual ---\n%s\n", expect, actual);
    return -1;
}


const char *
virTestLastErrorMessage(void)
{
    return virErrorGetLastMessage();
}


void
virTestInit(int *argc, char ***argv)
{
    const char *debug = g_getenv("VIR_TEST_DEBUG");

    g_test_init(argc, argv, NULL);
    if (!debug || !*debug) {
        virErrorSetLogging(false);
        virLogSetDefaultPriority(VIR_LOG_ERROR);
    } else {
        virLogSetDefaultPriority(VIR_LOG_DEBUG);
    }
}
