/*
 * qemusavedirecttest.c: a save image's stream written and read with
 * O_DIRECT (qemu_save_direct.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The writer takes QEMU's bytes in sizes that are never aligned and must
 * leave exactly them in the file from the stream's offset on, the file
 * cut at their end; the reader must hand exactly the stream (not the
 * padding, not what follows) to the pipe QEMU reads, and keep an error of
 * the image (a file shorter than the header says) for the caller.  The
 * files live in a directory under the build tree; a file system without
 * O_DIRECT skips the tests, saying so.
 */
#include <config.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_save_direct.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define TEST_OFFSET (2 * QEMU_SAVE_DIRECT_ALIGN)
/* more than two buffers, not a multiple of the alignment */
#define TEST_LEN (2 * QEMU_SAVE_DIRECT_BUFSIZE + 12345)


static char *
testStream(void)
{
    char *data = g_new(char, TEST_LEN);
    size_t i;

    for (i = 0; i < TEST_LEN; i++)
        data[i] = (char)((i * 31 + i / 4096) & 0xff);
    return data;
}


/* A new file @name in a fresh directory under the build tree holding
 * @len bytes of 'H' (the stand-in for header and XML).  Caller removes
 * it and *@dir. */
static char *
testNewFile(const char *name, size_t len, char **dir)
{
    const char *builddir = g_getenv("abs_builddir");
    g_autofree char *tmpl = g_build_filename(builddir ? builddir : ".",
                                             "savedirect-XXXXXX", NULL);
    g_autofree char *head = g_strnfill(len, 'H');
    char *path;

    *dir = g_mkdtemp(g_steal_pointer(&tmpl));
    g_assert_nonnull(*dir);
    path = g_build_filename(*dir, name, NULL);
    g_assert_true(g_file_set_contents(path, head, len, NULL));
    return path;
}


/* Whether @path can be opened with O_DIRECT here; a test skips if not. */
static bool
testDirectWorks(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

    if (fd < 0) {
        g_test_skip("the file system of the build tree has no O_DIRECT");
        return false;
    }
    close(fd);
    return true;
}


static void
testRemove(const char *path, const char *dir)
{
    unlink(path);
    rmdir(dir);
}


/* Odd-sized chunks in; the file is the header, then exactly them. */
static void
testWriter(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testNewFile("w.img", 100, &dir);
    g_autofree char *data = testStream();
    g_autofree char *got = NULL;
    g_autoptr(qemuSaveDirectWriter) w = NULL;
    size_t sizes[] = { 1, 4095, 7, 65536, 300001 };
    size_t off = 0;
    size_t i = 0;
    gsize len = 0;

    if (!testDirectWorks(path)) {
        testRemove(path, dir);
        return;
    }
    w = qemuSaveDirectWriterNew(path, TEST_OFFSET);
    g_assert_nonnull(w);
    while (off < TEST_LEN) {
        size_t n = MIN(sizes[i++ % G_N_ELEMENTS(sizes)], TEST_LEN - off);

        g_assert_cmpint(qemuSaveDirectWriterWrite(w, data + off, n), ==, 0);
        off += n;
    }
    g_assert_cmpint(qemuSaveDirectWriterFinish(w), ==, 0);
    g_assert_true(g_file_get_contents(path, &got, &len, NULL));
    g_assert_cmpuint(len, ==, TEST_OFFSET + TEST_LEN);
    g_assert_cmpint(got[99], ==, 'H');
    g_assert_true(memcmp(got + TEST_OFFSET, data, TEST_LEN) == 0);
    testRemove(path, dir);
}


/* A misaligned stream offset is a programming error, reported. */
static void
testWriterMisaligned(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testNewFile("m.img", 100, &dir);

    virErrorResetLast();
    g_assert_null(qemuSaveDirectWriterNew(path, 100));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_INTERNAL_ERROR);
    testRemove(path, dir);
}


/* Everything the pipe gives until its end. */
static char *
testDrain(int fd, size_t *len)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autofree char *buf = g_new(char, 65536);
    ssize_t n;

    while ((n = read(fd, buf, 65536)) > 0)
        g_byte_array_append(out, (guint8 *)buf, n);
    g_assert_cmpint(n, ==, 0);
    *len = out->len;
    return (char *)g_byte_array_free(g_steal_pointer(&out), FALSE);
}


/* What a QEMU reading the pipe of a reader of the stream of @path
 * (TEST_OFFSET, TEST_LEN) gets, in *@len bytes; *@r is the reader. */
static char *
testReadThrough(const char *path, size_t *len, qemuSaveDirectReader **r)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *got;

    g_assert_cmpint(fd, >=, 0);
    *r = qemuSaveDirectReaderStart(path, TEST_OFFSET, TEST_LEN, &fd);
    g_assert_nonnull(*r);
    got = testDrain(fd, len);
    close(fd);
    return got;
}


/* The stream of an image, followed by bytes that are not its own. */
static void
testReader(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testNewFile("r.img", TEST_OFFSET, &dir);
    g_autofree char *data = testStream();
    g_autofree char *got = NULL;
    qemuSaveDirectReader *r;
    size_t len = 0;
    int fd;

    if (!testDirectWorks(path)) {
        testRemove(path, dir);
        return;
    }
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    g_assert_cmpint(write(fd, data, TEST_LEN), ==, TEST_LEN);
    g_assert_cmpint(write(fd, "trailing", 8), ==, 8);
    close(fd);

    got = testReadThrough(path, &len, &r);
    qemuSaveDirectReaderFinish(r, false);
    g_assert_cmpuint(len, ==, TEST_LEN);
    g_assert_true(memcmp(got, data, TEST_LEN) == 0);
    testRemove(path, dir);
}


/* A file shorter than the stream: the pipe ends at once, and a failed
 * restore gets the image's error, not its own. */
static void
testReaderTruncated(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testNewFile("t.img", TEST_OFFSET + 5000, &dir);
    g_autofree char *got = NULL;
    qemuSaveDirectReader *r;
    size_t len = 0;

    if (!testDirectWorks(path)) {
        testRemove(path, dir);
        return;
    }
    got = testReadThrough(path, &len, &r);
    g_assert_cmpuint(len, ==, 0);
    virReportError(VIR_ERR_OPERATION_FAILED, "%s", "QEMU could not load");
    qemuSaveDirectReaderFinish(r, true);
    g_assert_nonnull(strstr(virTestLastErrorMessage(), "is truncated"));
    testRemove(path, dir);
}


/* QEMU gone before the end (the read end closed): the thread stops and
 * Finish returns, the caller's error stays. */
static void
testReaderReaderGone(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testNewFile("g.img", TEST_OFFSET, &dir);
    g_autofree char *data = testStream();
    qemuSaveDirectReader *r;
    int fd;

    if (!testDirectWorks(path)) {
        testRemove(path, dir);
        return;
    }
    g_assert_true(g_file_set_contents(path, data, TEST_LEN, NULL));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    r = qemuSaveDirectReaderStart(path, 0, TEST_LEN, &fd);
    g_assert_nonnull(r);
    close(fd);
    virReportError(VIR_ERR_OPERATION_FAILED, "%s", "QEMU died");
    qemuSaveDirectReaderFinish(r, true);
    g_assert_nonnull(strstr(virTestLastErrorMessage(), "QEMU died"));
    testRemove(path, dir);
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    /* as in the daemon: a closed pipe is EPIPE, not a signal */
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/savedirect/writer", testWriter);
    g_test_add_func("/savedirect/writer-misaligned", testWriterMisaligned);
    g_test_add_func("/savedirect/reader", testReader);
    g_test_add_func("/savedirect/reader-truncated", testReaderTruncated);
    g_test_add_func("/savedirect/reader-gone", testReaderReaderGone);
    return g_test_run();
}
