#!/usr/bin/env python3
"""Checks that the C lines changed since the anchor commit are laid out
as clang-format (14, with the tree's .clang-format) lays them out
(STYLE.md rule 54; docs/hacking.rst, "Formatting tools").

Only changed lines are checked: the code older than the anchor was
written before the check and is not reformatted wholesale (that would
bury "git blame" under a change of no value).  What counts as changed
is every line the working tree adds or alters against ANCHOR in a C
file (.c, .h) under src/ or tests/, committed or not, plus every line
of such a file git does not track yet and does not ignore.  Golden
test data (directories ending in "data") keep their bytes and are left
out.

The lines come from git, so the check needs the history back to the
anchor:
 - in a git checkout that has it, the check runs (CI's case);
 - in a git checkout without it (a shallow clone), it fails and says
   so: run "git fetch --unshallow" (CI must not pass unchecked);
 - outside a git checkout (a release tarball), it cannot know what
   changed: it says so and exits 77, which meson reports as SKIP.
clang-format itself is installed by scripts/deps.sh; without it the
check fails.

To see or apply what clang-format wants on your changed lines:
    git clang-format --diff ANCHOR -- src tests
    git clang-format ANCHOR -- src tests
(see docs/hacking.rst).  Move ANCHOR forward only to the commit a
tree-wide reformat lands in, if one ever does.

Usage: check-clang-format.py [--anchor REV] [SOURCE_ROOT]
"""

import difflib
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

# The commit the check was introduced on top of: lines older than it
# are not checked.
ANCHOR = "0522708f5cb0f6ff28986c805f5b61c4c288634c"

PATHSPECS = ("src/*.c", "src/*.h", "tests/*.c", "tests/*.h")
SKIP = 77


def git(root, *args):
    return subprocess.run(["git", "-C", root] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def skipped(rel):
    return any(p.endswith("data") for p in rel.split("/")[:-1])


def changed_ranges(root, anchor, rel):
    """The [first, last] line ranges (1-based) @rel adds or alters
    against @anchor in the working tree."""
    res = git(root, "diff", "-U0", "--no-color", "--no-ext-diff", anchor,
              "--", rel)
    out = []
    for m in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", res.stdout,
                         re.MULTILINE):
        first = int(m.group(1))
        count = 1 if m.group(2) is None else int(m.group(2))
        if count > 0:
            out.append((first, first + count - 1))
    return out


def changed_files(root, anchor):
    """{path: ranges, or None for every line} of the C files to check."""
    files = {}
    res = git(root, "diff", "--name-only", "--diff-filter=ACMR", "--no-color",
              anchor, "--", *PATHSPECS)
    for rel in res.stdout.split():
        if not skipped(rel):
            files[rel] = changed_ranges(root, anchor, rel)
    res = git(root, "ls-files", "--others", "--exclude-standard", "--",
              *PATHSPECS)
    for rel in res.stdout.split():
        if not skipped(rel):
            files[rel] = None
    return files


def check_file(rep, root, clang_format, rel, ranges):
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as f:
        text = f.read()
    nlines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if ranges is None:
        ranges = [(1, max(nlines, 1))]
    cmd = [clang_format, "--style=file", "--assume-filename=" + rel]
    cmd += ["--lines=%d:%d" % (a, min(b, max(nlines, 1))) for a, b in ranges]
    res = subprocess.run(cmd, input=text, cwd=root, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    if res.returncode != 0:
        rep.error(rel, 1, "clang-format failed: %s" % res.stderr.strip())
        return
    if res.stdout == text:
        return
    old = text.splitlines()
    new = res.stdout.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        want = "\n".join("    | " + line for line in new[j1:j2])
        rep.error(rel, i1 + 1, "not as clang-format lays it out; it wants:\n%s"
                  % (want or "    | (the lines removed)"))


def main(argv):
    args = list(argv[1:])
    anchor = ANCHOR
    if args[:1] == ["--anchor"] and len(args) > 1:
        anchor = args[1]
        del args[:2]
    root = checkutils.source_root([argv[0]] + args)
    name = "check-clang-format"

    top = git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0 or \
       os.path.realpath(top.stdout.strip()) != os.path.realpath(root):
        print("%s: SKIP: %s is not a git checkout, so the lines changed "
              "since %s are unknown: nothing was checked" %
              (name, root, anchor[:12]), file=sys.stderr)
        return SKIP
    if git(root, "cat-file", "-e", anchor + "^{commit}").returncode != 0:
        print("%s: error: the history lacks the anchor commit %s (a shallow "
              "clone?): run \"git fetch --unshallow\"; nothing was checked" %
              (name, anchor[:12]), file=sys.stderr)
        return 1
    clang_format = shutil.which("clang-format") or \
        shutil.which("clang-format-14")
    if not clang_format:
        print("%s: error: clang-format is not installed (sh scripts/deps.sh "
              "installs it); nothing was checked" % name, file=sys.stderr)
        return 1

    rep = checkutils.Reporter(name)
    for rel, ranges in sorted(changed_files(root, anchor).items()):
        if ranges == []:
            continue
        check_file(rep, root, clang_format, rel, ranges)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
