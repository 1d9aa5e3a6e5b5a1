#!/usr/bin/env python3
"""Self-test of the tree checks: each one must pass a clean sample tree
and fail a broken one with "path:line: error:" naming the problem.

Usage: checkscriptstest.py SCRIPTS_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else
                          os.path.join(os.path.dirname(__file__), ".."))

# The sample trees are git repositories of their own: git must find them
# from the directory, never from a GIT_DIR or GIT_WORK_TREE inherited
# from the caller ("git rebase --exec" exports GIT_DIR, which made
# "git init" and "git commit" here write into the caller's repository).
for _name in [n for n in os.environ if n.startswith("GIT_")]:
    del os.environ[_name]


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def run(script, root, *extra):
    proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, script)] +
                          list(extra) + [root],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    return proc.returncode, proc.stdout


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        write(self.root, "src/util/virfoo.h", "#pragma once\n")
        write(self.root, "src/util/virfoo.c",
              '#include <config.h>\n#include "virfoo.h"\n'
              'static int\nf(void)\n{\n    g_autofree char *s = NULL;\n'
              '    return STREQ(s, "x");\n}\n')
        write(self.root, "src/rpc/remote_protocol.x", "")
        write(self.root, "src/rpc/virnetbar.c",
              '#include "virfoo.h"\n#include "remote_protocol.h"\n')
        write(self.root, "src/conf/virconfbaz.h", "#pragma once\n")
        write(self.root, "src/qemu/qemu_x.c", '#include "virconfbaz.h"\n')
        write(self.root, "src/daemon/d.c",
              '#include "remote_dispatch.h"\n#include "qemu_x.h"\n')
        write(self.root, "po/POTFILES", "")

    def tearDown(self):
        self.tmp.cleanup()

    def assertClean(self, script):
        rc, out = run(script, self.root)
        self.assertEqual(rc, 0, out)

    def assertFails(self, script, *needles):
        rc, out = run(script, self.root)
        self.assertEqual(rc, 1, out)
        for needle in needles:
            self.assertIn(needle, out)


def cfunc(name, body, static=False):
    return "%sint\n%s(void)\n{\n    %s\n}\n" % (
        "static " if static else "", name, body)


class FileCycles(Base):
    def test_clean(self):
        self.assertClean("check-file-cycles.py")

    def test_one_way(self):
        write(self.root, "src/util/vira.c", cfunc("virA", "return virB();"))
        write(self.root, "src/util/virb.c", cfunc("virB", "return 0;"))
        self.assertClean("check-file-cycles.py")

    def test_pair(self):
        write(self.root, "src/util/vira.c", cfunc("virA", "return virB();"))
        write(self.root, "src/util/virb.c",
              cfunc("virB", "/* virA() */\n    return 0;") +
              cfunc("virC", "return virA();"))
        self.assertFails("check-file-cycles.py",
                         "src/util/vira.c:4: error: uses virB of src/util/virb.c",
                         "src/util/virb.c:10: error: uses virA of src/util/vira.c")

    def test_table_reference(self):
        write(self.root, "src/util/vira.c",
              cfunc("virA", "return 0;") +
              "static const void *table[] = { virB };\n")
        write(self.root, "src/util/virb.c", cfunc("virB", "return virA();"))
        self.assertFails("check-file-cycles.py", "uses virB of src/util/virb.c")

    def test_longer_loop(self):
        write(self.root, "src/util/vira.c", cfunc("virA", "return virB();"))
        write(self.root, "src/util/virb.c", cfunc("virB", "return virC();"))
        write(self.root, "src/util/virc.c", cfunc("virC", "return virA();"))
        self.assertFails("check-file-cycles.py",
                         "loop of files that use each other: src/util/vira.c, "
                         "src/util/virb.c, src/util/virc.c")

    def test_static_not_counted(self):
        write(self.root, "src/util/vira.c",
              cfunc("virA", "return virB();") +
              cfunc("helper", "return 0;", static=True))
        write(self.root, "src/util/virb.c",
              cfunc("virB", "return helper();") +
              cfunc("helper", "return 1;", static=True))
        self.assertClean("check-file-cycles.py")

    def test_benign(self):
        write(self.root, "src/qemu/qemu_monitor.c",
              cfunc("qemuMonitorSend", "return qemuMonitorJSONParse();"))
        write(self.root, "src/qemu/qemu_monitor_json.c",
              cfunc("qemuMonitorJSONParse", "return qemuMonitorSend();"))
        self.assertClean("check-file-cycles.py")


class Layering(Base):
    def test_clean(self):
        self.assertClean("check-include-layering.py")

    def test_util_includes_rpc(self):
        write(self.root, "src/util/virbad.c", '#include "remote_protocol.h"\n')
        self.assertFails("check-include-layering.py",
                         "src/util/virbad.c:1: error: src/util may not include src/rpc")

    def test_qemu_includes_rpc(self):
        write(self.root, "src/qemu/qemu_y.c", '\n#include <remote_dispatch.h>\n')
        self.assertFails("check-include-layering.py", "src/qemu/qemu_y.c:2: error")

    def test_unknown_layer(self):
        write(self.root, "src/other/o.c", "\n")
        self.assertFails("check-include-layering.py", "src/other has no layering rule")


class Size(Base):
    def func(self, name, body):
        return "static int\n%s(void)\n{\n%s}\n" % (name, "    x++;\n" * body)

    def test_clean(self):
        self.assertClean("check-size.py")

    def test_long_function(self):
        write(self.root, "src/util/virlong.c",
              self.func("warned", 110) + "\n" + self.func("toolong", 160))
        rc, out = run("check-size.py", self.root)
        self.assertEqual(rc, 1, out)
        self.assertIn("virlong.c:2: warning: function warned() has 113 lines", out)
        self.assertIn("virlong.c:117: error: function toolong() has 163 lines", out)

    def test_long_file(self):
        write(self.root, "src/util/virbig.c", "int x;\n" * 3001)
        self.assertFails("check-size.py", "virbig.c:3001: error: file has 3001 lines")

    def test_generated_exempt(self):
        write(self.root, "src/util/virgen.c",
              "/* Generated by a tool */\n" + "int x;\n" * 3001)
        self.assertClean("check-size.py")


class Potfiles(Base):
    def test_clean(self):
        self.assertClean("check-potfiles.py")

    def test_missing_and_stale(self):
        write(self.root, "src/util/virmsg.c", 'f(_("hello"));\n')
        write(self.root, "po/POTFILES", "src/util/gone.c\n")
        self.assertFails("check-potfiles.py",
                         "po/POTFILES:1: error: lists src/util/gone.c, which does not exist",
                         "src/util/virmsg.c:1: error: has translatable messages")

    def test_regenerate(self):
        write(self.root, "src/util/virmsg.c", 'f(N_("hello"));\n')
        write(self.root, "src/rpc/virrpcmsg.c", 'f(_("hello"));\n')
        rc, out = run("check-potfiles.py", self.root, "--regenerate")
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.root, "po/POTFILES")) as f:
            self.assertEqual(f.read(), "src/rpc/virrpcmsg.c\nsrc/util/virmsg.c\n")
        self.assertClean("check-potfiles.py")

    def test_unsorted(self):
        write(self.root, "src/util/a.c", '_("a")\n')
        write(self.root, "src/util/b.c", '_("b")\n')
        write(self.root, "po/POTFILES", "src/util/b.c\nsrc/util/a.c\n")
        self.assertFails("check-potfiles.py", "po/POTFILES:2: error: not sorted")


class CleanupVars(Base):
    def test_clean(self):
        self.assertClean("check-cleanup-vars.py")

    def test_uninitialized(self):
        write(self.root, "src/util/virun.c",
              "void\nf(void)\n{\n    g_autofree char *a = NULL, *b;\n"
              "    VIR_AUTOCLOSE fd;\n    /* g_autofree char *c; */\n}\n")
        rc, out = run("check-cleanup-vars.py", self.root)
        self.assertEqual(rc, 1, out)
        self.assertIn("virun.c:4: error: g_autofree variable 'b'", out)
        self.assertIn("virun.c:5: error: VIR_AUTOCLOSE variable 'fd'", out)
        self.assertNotIn("'c'", out)

    def test_banned(self):
        write(self.root, "src/util/virbanned.c",
              'int\nf(const char *s)\n{\n    char b[4];\n'
              '    sprintf(b, "%d", atoi(s));\n    return g_strcmp0(s, "strcmp(");\n}\n')
        rc, out = run("check-cleanup-vars.py", self.root)
        self.assertEqual(rc, 1, out)
        self.assertIn("virbanned.c:5: error: sprintf()", out)
        self.assertIn("virbanned.c:5: error: atoi()", out)
        self.assertNotIn("strcmp()", out)

    def test_internal_h_macros(self):
        write(self.root, "src/util/internal.h",
              "#define STREQ(a, b) (strcmp(a, b) == 0)\n")
        self.assertClean("check-cleanup-vars.py")


DOMAIN = ("<domain type='qemu'><name>x</name><memory>1024</memory>"
          "<os><type>hvm</type></os>%s</domain>\n")


@unittest.skipUnless(os.path.exists("/usr/share/libvirt/schemas/domain.rng")
                     and os.path.exists("/usr/bin/xmllint"),
                     "xmllint or libvirt's schemas missing")
class XmlSchemas(Base):
    def setUp(self):
        super().setUp()
        write(self.root, "tests/d/good.xml", DOMAIN % "")
        write(self.root, "tests/d/bad-refused.xml", DOMAIN % "<bogus/>")
        write(self.root, "tests/d/bad-malformed.xml", "<domain>")
        write(self.root, "tests/c/cookie.xml",
              "<qemu-migration>%s</qemu-migration>\n" % (DOMAIN % ""))
        write(self.root, "tests/s/status.xml", "<domstatus/>\n")

    def test_clean(self):
        self.assertClean("check-xml-schemas.py")

    def test_invalid(self):
        write(self.root, "tests/d/extra.xml", DOMAIN % "<bogus/>")
        write(self.root, "tests/c/cookie2.xml",
              "<qemu-migration>%s</qemu-migration>\n" % (DOMAIN % "<x/>"))
        write(self.root, "tests/d/broken.xml", "<domain>")
        self.assertFails("check-xml-schemas.py",
                         "tests/d/extra.xml:1: error: does not validate",
                         "tests/c/cookie2.xml:1: error: does not validate",
                         "tests/d/broken.xml:1: error: not well-formed")


class Whitespace(Base):
    def test_clean(self):
        self.assertClean("check-whitespace.py")

    def test_bad(self):
        write(self.root, "src/util/virtab.c", "int\nf(void)\n{\n\treturn 0;\n}\n")
        write(self.root, "scripts/x.py", "x = 1 \n")
        write(self.root, "docs/a.rst", "Title\r\n")
        write(self.root, "meson.build", "project('x')")
        self.assertFails("check-whitespace.py",
                         "src/util/virtab.c:4: error: tab",
                         "scripts/x.py:1: error: blank at the end",
                         "docs/a.rst:1: error: carriage return",
                         "meson.build:1: error: no newline at the end")

    def test_data_left_out(self):
        write(self.root, "tests/xdata/golden.c", "\tkept as it is \n")
        write(self.root, "tests/integration/golibvirt/main.go", "\tgofmt\n")
        self.assertClean("check-whitespace.py")


class DocsIndex(Base):
    def setUp(self):
        super().setUp()
        write(self.root, "docs/index.rst",
              "- ``guide.rst``\n- ``rpc.rst``\n- ``guest/README.rst``\n")
        write(self.root, "docs/guide.rst", "Guide\n")
        write(self.root, "docs/internals/rpc.rst", "RPC\n")
        write(self.root, "tests/guest/README.rst", "Guest\n")

    def test_clean(self):
        self.assertClean("check-docs-index.py")

    def test_missing(self):
        write(self.root, "docs/internals/new.rst", "New\n")
        write(self.root, "tests/other/README.rst", "Other\n")
        self.assertFails("check-docs-index.py",
                         "docs/internals/new.rst:1: error: not in "
                         "docs/index.rst (name it as ``new.rst``)",
                         "tests/other/README.rst:1: error: not in "
                         "docs/index.rst (name it as ``other/README.rst``)")


class ClangFormat(Base):
    """A git tree with one commit as the anchor: only what changes
    after it is checked."""

    def git(self, *args):
        return subprocess.run(["git", "-C", self.root, "-c",
                               "user.name=t", "-c", "user.email=t@t"] +
                              list(args), check=True, stdout=subprocess.PIPE,
                              universal_newlines=True).stdout.strip()

    def setUp(self):
        super().setUp()
        with open(os.path.join(SCRIPTS, "..", ".clang-format")) as f:
            write(self.root, ".clang-format", f.read())
        # old code, not as clang-format would lay it out: never checked
        write(self.root, "src/util/virold.c", "int\nold(void)\n{\n"
              "    return  1;\n}\n")
        self.git("init", "-q")
        self.git("add", ".")
        self.git("commit", "-q", "-m", "anchor")
        self.anchor = self.git("rev-parse", "HEAD")

    def check(self):
        return run("check-clang-format.py", self.root, "--anchor",
                   self.anchor)

    def test_clean(self):
        write(self.root, "src/util/virold.c", "int\nold(void)\n{\n"
              "    return  1;\n}\n\n\nint\nnewer(int a)\n{\n"
              "    return a + 1;\n}\n")
        write(self.root, "src/util/virnew.c", "int\nfresh(void)\n{\n"
              "    return 2;\n}\n")
        rc, out = self.check()
        self.assertEqual(rc, 0, out)

    def test_changed_lines(self):
        write(self.root, "src/util/virold.c", "int\nold(void)\n{\n"
              "    return  1;\n}\n\n\nint\nnewer(int a)\n{\n"
              "    return a+1;\n}\n")
        self.git("commit", "-q", "-a", "-m", "committed")
        write(self.root, "tests/virnewtest.c",
              "int fresh(void) { return 2; }\n")
        write(self.root, "tests/newdata/golden.c", "int  kept ;\n")
        rc, out = self.check()
        self.assertEqual(rc, 1, out)
        self.assertIn("src/util/virold.c:11: error: not as clang-format", out)
        self.assertIn("    |     return a + 1;", out)
        self.assertIn("tests/virnewtest.c:1: error: not as clang-format", out)
        self.assertNotIn("virold.c:4:", out)
        self.assertNotIn("golden.c", out)

    def test_no_history(self):
        rc, out = run("check-clang-format.py", self.root, "--anchor",
                      "0" * 40)
        self.assertEqual(rc, 1, out)
        self.assertIn("lacks the anchor commit", out)

    def test_not_git(self):
        shutil.rmtree(os.path.join(self.root, ".git"))
        rc, out = self.check()
        self.assertEqual(rc, 77, out)
        self.assertIn("not a git checkout", out)


if __name__ == "__main__":
    unittest.main()
