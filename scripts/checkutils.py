"""Shared helpers for the tree checks in scripts/check-*.py.

Each check walks the C sources under src/, reports problems as
"path:line: reason" on stderr and exits 1 if any problem is an error
(warnings alone exit 0).  Paths are relative to the source root, so the
messages are clickable in editors and CI logs.
"""

import os
import sys

SRC_DIRS = ("src",)


def source_root(argv):
    """The tree to check: argv[1] if given, else the parent of scripts/."""
    if len(argv) > 1:
        return os.path.abspath(argv[1])
    return os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def c_files(root, exts=(".c", ".h")):
    """Sorted relative paths of the C files under src/."""
    found = []
    for top in SRC_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in filenames:
                if name.endswith(exts):
                    found.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(found)


def read_lines(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def strip_comments_and_strings(text):
    """Blanks out C comments and the contents of string and character
    literals, keeping every newline so line numbers stay right.  String
    literals keep their quotes (so "_(" followed by a string is still
    visible as _("")."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Reporter:
    """Collects problems and prints them in one format."""

    def __init__(self, name):
        self.name = name
        self.errors = 0
        self.warnings = 0

    def error(self, path, line, reason):
        self.errors += 1
        print("%s:%d: error: %s" % (path, line, reason), file=sys.stderr)

    def warn(self, path, line, reason):
        self.warnings += 1
        print("%s:%d: warning: %s" % (path, line, reason), file=sys.stderr)

    def finish(self):
        print("%s: %d error(s), %d warning(s)" %
              (self.name, self.errors, self.warnings), file=sys.stderr)
        return 1 if self.errors else 0
