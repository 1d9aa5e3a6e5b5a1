/*
 * qemusaveimagetest.c: the save image format (qemu_saveimage.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The writer must produce tests/qemusaveimagedata/good.img byte for byte
 * (the format is documented in the header; the golden file pins it), the
 * reader must give back its header and XML, and every damaged or foreign
 * file in qemusaveimagedata/ must be refused with a clear error before
 * anything would be started from it.
 */
#include <config.h>

#include <fcntl.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_saveimage.h"
#include "virerror.h"

/* The stand-in for QEMU's stream in good.img. */
static char *
testStreamData(size_t *len)
{
    char *data = g_new(char, 1000);
    size_t i;

    for (i = 0; i < 1000; i++)
        data[i] = (char)((i * 7 + 3) & 0xff);
    *len = 1000;
    return data;
}


static void
testWriteGolden(void)
{
    g_autofree char *xml = virTestLoadFile("qemusaveimagedata/xml.txt", NULL);
    g_autofree char *dir = g_dir_make_tmp("saveimage-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out.img", NULL);
    g_autofree char *data = NULL;
    g_autofree char *written = NULL;
    qemuSaveImageHeader hdr;
    size_t len;
    gsize wlen = 0;
    int fd;

    g_assert_nonnull(dir);
    data = testStreamData(&len);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert_cmpint(fd, >=, 0);
    qemuSaveImageHeaderInit(&hdr, xml, true);
    g_assert_true(hdr.partial);
    /* the XML's room: 64 KiB at least, to the next 4 KiB */
    g_assert_cmpuint(hdr.dataOffset, ==, 69632);
    g_assert_cmpint(qemuSaveImageWriteStart(fd, path, &hdr, xml), ==, 0);
    g_assert_cmpint(write(fd, data, len), ==, (gssize)len);
    g_assert_cmpint(qemuSaveImageWriteFinish(fd, path, &hdr, len), ==, 0);
    g_assert_false(hdr.partial);
    close(fd);
    g_assert_true(g_file_get_contents(path, &written, &wlen, NULL));
    g_assert_cmpint(virTestCompareToFileFull(written, wlen,
                                             "qemusaveimagedata/good.img"),
                    ==, 0);
    unlink(path);
    rmdir(dir);
}


static void
testReadGolden(void)
{
    g_autofree char *path = virTestSrcPath("qemusaveimagedata/good.img");
    g_autofree char *expect = virTestLoadFile("qemusaveimagedata/xml.txt",
                                              NULL);
    g_autofree char *xml = NULL;
    g_autofree char *data = NULL;
    char buf[1001];
    qemuSaveImageHeader hdr;
    size_t len;
    int fd;

    virErrorResetLast();
    fd = qemuSaveImageOpen(path, false, &hdr, &xml);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpstr(xml, ==, expect);
    g_assert_cmpuint(hdr.version, ==, QEMU_SAVE_IMAGE_VERSION);
    g_assert_cmpuint(hdr.flags, ==, QEMU_SAVE_IMAGE_RUNNING);
    g_assert_cmpuint(hdr.dataLen, ==, 1000);
    /* positioned at the stream, which runs to the end */
    data = testStreamData(&len);
    g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, 1000);
    g_assert_true(memcmp(buf, data, len) == 0);
    close(fd);
}


typedef struct {
    const char *file;
    int code;
    const char *message; /* a part of the error message */
} testBadCase;

static const testBadCase testBadCases[] = {
    { "partial.img", VIR_ERR_OPERATION_FAILED, "is incomplete" },
    { "truncated.img", VIR_ERR_OPERATION_FAILED,
      "is truncated: 5095 bytes of 5096" },
    { "truncated-xml.img", VIR_ERR_OPERATION_FAILED, "is truncated: 82 bytes" },
    { "short.img", VIR_ERR_OPERATION_FAILED, "the file is too short" },
    { "empty.img", VIR_ERR_OPERATION_FAILED, "the file is too short" },
    { "version2.img", VIR_ERR_OPERATION_FAILED,
      "image version is not supported (2 > 1)" },
    { "badsum.img", VIR_ERR_OPERATION_FAILED, "is corrupted" },
    { "badoffset.img", VIR_ERR_OPERATION_FAILED, "has an invalid header" },
    { "zerodata.img", VIR_ERR_OPERATION_FAILED, "has an invalid header" },
    { "libvirt.img", VIR_ERR_OPERATION_FAILED, "image magic is incorrect" },
    { "qemustream.img", VIR_ERR_OPERATION_FAILED,
      "is not a virtmig save image" },
    { "missing.img", VIR_ERR_SYSTEM_ERROR, "cannot open save image" },
};


static void
testReadBad(gconstpointer opaque)
{
    const testBadCase *tc = opaque;
    g_autofree char *rel = g_strdup_printf("qemusaveimagedata/%s", tc->file);
    g_autofree char *path = virTestSrcPath(rel);
    g_autofree char *xml = NULL;
    qemuSaveImageHeader hdr = { 0 };

    virErrorResetLast();
    g_assert_cmpint(qemuSaveImageOpen(path, false, &hdr, &xml), ==, -1);
    g_assert_null(xml);
    g_assert_cmpint(virErrorGetLastCode(), ==, tc->code);
    if (!strstr(virTestLastErrorMessage(), tc->message))
        g_error("%s: '%s' lacks '%s'", tc->file, virTestLastErrorMessage(),
                tc->message);
}


/* A header decoded from its own encoding is the same header. */
static void
testRoundTrip(void)
{
    unsigned char buf[QEMU_SAVE_IMAGE_HEADER_LEN];
    qemuSaveImageHeader in;
    qemuSaveImageHeader out;

    qemuSaveImageHeaderInit(&in, "<domain/>", false);
    in.partial = false;
    in.dataLen = 1ULL << 40;
    qemuSaveImageHeaderEncode(&in, buf);
    g_assert_cmpint(qemuSaveImageHeaderDecode(buf, sizeof(buf), "x", &out), ==,
                    0);
    g_assert_cmpuint(out.flags, ==, 0);
    g_assert_cmpuint(out.xmlLen, ==, strlen("<domain/>"));
    g_assert_cmpuint(out.dataOffset, ==, 69632);
    g_assert_cmpuint(out.dataLen, ==, 1ULL << 40);
    g_assert_true(memcmp(in.xmlSHA256, out.xmlSHA256, sizeof(in.xmlSHA256)) ==
                  0);
}


/* A copy of good.img in a new directory (*@dir); caller removes both. */
static char *
testCopyGood(char **dir)
{
    g_autofree char *src = virTestSrcPath("qemusaveimagedata/good.img");
    g_autofree char *data = NULL;
    char *path;
    gsize len = 0;

    *dir = g_dir_make_tmp("saveimage-XXXXXX", NULL);
    g_assert_nonnull(*dir);
    path = g_build_filename(*dir, "copy.img", NULL);
    g_assert_true(g_file_get_contents(src, &data, &len, NULL));
    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}


/* The image @path holds @xml, the running flag @running and still the
 * stream of good.img. */
static void
testCheckImage(const char *path, const char *xml, bool running)
{
    g_autofree char *got = NULL;
    g_autofree char *data = NULL;
    qemuSaveImageHeader hdr;
    char buf[1001];
    size_t len;
    int fd;

    fd = qemuSaveImageOpen(path, false, &hdr, &got);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpstr(got, ==, xml);
    g_assert_cmpuint(hdr.flags, ==, running ? QEMU_SAVE_IMAGE_RUNNING : 0);
    data = testStreamData(&len);
    g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, (gssize)len);
    g_assert_true(memcmp(buf, data, len) == 0);
    close(fd);
}


/* save-image-define: a longer XML, then a shorter one, in place; the
 * stream is untouched. */
static void
testRewrite(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testCopyGood(&dir);
    g_autofree char *orig = virTestLoadFile("qemusaveimagedata/xml.txt", NULL);
    g_autofree char *longer = g_strdup_printf("%s<!-- %0*d -->", orig, 3000, 0);
    const char *shorter = "<domain type='kvm'/>";
    g_autofree char *xml = NULL;
    qemuSaveImageHeader hdr;
    int fd;

    fd = qemuSaveImageOpen(path, true, &hdr, &xml);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(qemuSaveImageRewriteXML(fd, path, &hdr, longer, false), ==,
                    0);
    g_assert_cmpuint(hdr.xmlLen, ==, strlen(longer));
    close(fd);
    testCheckImage(path, longer, false);

    g_clear_pointer(&xml, g_free);
    fd = qemuSaveImageOpen(path, true, &hdr, &xml);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(qemuSaveImageRewriteXML(fd, path, &hdr, shorter, true), ==,
                    0);
    close(fd);
    testCheckImage(path, shorter, true);
    unlink(path);
    rmdir(dir);
}


/* An XML that does not fit before the stream: libvirt's error, and the
 * file is as it was, byte for byte. */
static void
testRewriteTooLarge(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = testCopyGood(&dir);
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *huge = NULL;
    qemuSaveImageHeader hdr;
    gsize blen = 0;
    gsize alen = 0;
    int fd;

    g_assert_true(g_file_get_contents(path, &before, &blen, NULL));
    fd = qemuSaveImageOpen(path, true, &hdr, &xml);
    g_assert_cmpint(fd, >=, 0);
    huge = g_strnfill(hdr.dataOffset - QEMU_SAVE_IMAGE_HEADER_LEN + 1, 'x');
    virErrorResetLast();
    g_assert_cmpint(qemuSaveImageRewriteXML(fd, path, &hdr, huge, true), ==,
                    -1);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(
        strstr(virTestLastErrorMessage(), "new xml too large to fit in file"));
    close(fd);
    g_assert_true(g_file_get_contents(path, &after, &alen, NULL));
    g_assert_cmpuint(alen, ==, blen);
    g_assert_true(memcmp(before, after, blen) == 0);
    unlink(path);
    rmdir(dir);
}


int
main(int argc, char **argv)
{
    size_t i;

    virTestInit(&argc, &argv);
    g_test_add_func("/saveimage/write-golden", testWriteGolden);
    g_test_add_func("/saveimage/read-golden", testReadGolden);
    g_test_add_func("/saveimage/round-trip", testRoundTrip);
    g_test_add_func("/saveimage/rewrite", testRewrite);
    g_test_add_func("/saveimage/rewrite-too-large", testRewriteTooLarge);
    for (i = 0; i < G_N_ELEMENTS(testBadCases); i++) {
        g_autofree char *name = g_strdup_printf("/saveimage/bad/%s",
                                                testBadCases[i].file);

        g_test_add_data_func(name, &testBadCases[i], testReadBad);
    }
    return g_test_run();
}
