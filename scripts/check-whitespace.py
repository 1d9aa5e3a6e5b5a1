#!/usr/bin/env python3
"""Checks the whitespace of the sources (STYLE.md rule 54, the part of
the layout no formatter disagrees with; docs/hacking.rst says why
clang-format itself is not enforced):
 - no tab (indent with spaces; Makefile-like files have none here);
 - no blank at the end of a line;
 - no carriage return (Unix line ends);
 - a newline at the end of a non-empty file.
Checked: C, the .x protocols, Python, shell, meson and rst files under
src/, tests/, scripts/, docs/, bench/ and at the top.  Test data
(tests/*data/, corpora) keep what they hold byte for byte, and Go
sources follow gofmt (tabs): both are left out.
Usage: check-whitespace.py [SOURCE_ROOT]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

DIRS = ("src", "tests", "scripts", "docs", "bench")
EXTS = (".c", ".h", ".x", ".py", ".sh", ".rst", ".in")
NAMES = ("meson.build", "meson_options.txt")


def skipped_dir(rel):
    parts = rel.split(os.sep)
    return any(p.endswith("data") or p in ("corpus", "golibvirt", "build")
               for p in parts)


def source_files(root):
    found = [n for n in sorted(os.listdir(root))
             if os.path.isfile(os.path.join(root, n)) and
             (n.endswith(EXTS) or n in NAMES)]
    for top in DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            rel = os.path.relpath(dirpath, root)
            dirnames[:] = sorted(d for d in dirnames
                                 if not skipped_dir(os.path.join(rel, d)))
            for name in sorted(filenames):
                if name.endswith(EXTS) or name in NAMES:
                    found.append(os.path.join(rel, name))
    return found


def check_file(rep, root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    for lineno, line in enumerate(text.split("\n"), 1):
        if "\t" in line:
            rep.error(rel, lineno, "tab (indent with spaces)")
        if "\r" in line:
            rep.error(rel, lineno, "carriage return (use Unix line ends)")
        elif line != line.rstrip():
            rep.error(rel, lineno, "blank at the end of the line")
    if data and not data.endswith(b"\n"):
        rep.error(rel, text.count("\n") + 1, "no newline at the end of file")


def main(argv):
    root = checkutils.source_root(argv)
    rep = checkutils.Reporter("check-whitespace")
    for rel in source_files(root):
        check_file(rep, root, rel)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
