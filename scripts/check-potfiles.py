#!/usr/bin/env python3
"""Keeps po/POTFILES complete (STYLE.md rule 53).

Every src/**/*.c that marks a message for translation (contains `_("`,
which also matches `N_("`) must be listed in po/POTFILES, every listed
file must exist, and the list is sorted without duplicates so that it
merges cleanly.

Usage: check-potfiles.py [SOURCE_ROOT]
       check-potfiles.py --regenerate [SOURCE_ROOT]   rewrites po/POTFILES
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

POTFILES = os.path.join("po", "POTFILES")
MARKER = '_("'


def translatable_files(root):
    """(path, first line marking a message) for each translatable file."""
    found = []
    for rel in checkutils.c_files(root, exts=(".c",)):
        for lineno, line in enumerate(checkutils.read_lines(root, rel), 1):
            if MARKER in line:
                found.append((rel.replace(os.sep, "/"), lineno))
                break
    return found


def read_potfiles(root):
    """(line number, entry) for each non-comment line of po/POTFILES."""
    path = os.path.join(root, POTFILES)
    if not os.path.exists(path):
        return None
    entries = []
    for lineno, line in enumerate(checkutils.read_lines(root, POTFILES), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((lineno, line))
    return entries


def check(root, rep):
    entries = read_potfiles(root)
    if entries is None:
        rep.error(POTFILES, 1, "missing; create it with "
                  "scripts/check-potfiles.py --regenerate")
        return
    listed = [e for _, e in entries]
    for lineno, entry in entries:
        if not os.path.isfile(os.path.join(root, entry)):
            rep.error(POTFILES, lineno, "lists %s, which does not exist" % entry)
        if listed.count(entry) > 1:
            rep.error(POTFILES, lineno, "lists %s more than once" % entry)
    for (lineno, entry), nxt in zip(entries, listed[1:]):
        if nxt < entry:
            rep.error(POTFILES, lineno + 1, "not sorted: %s comes after %s"
                      % (nxt, entry))
            break
    for rel, lineno in translatable_files(root):
        if rel not in listed:
            rep.error(rel, lineno, "has translatable messages (_(\"...\")) but "
                      "is not listed in po/POTFILES; add the line '%s'" % rel)


def regenerate(root):
    with open(os.path.join(root, POTFILES), "w") as f:
        for rel, _ in translatable_files(root):
            f.write(rel + "\n")


def main(argv):
    args = argv[1:]
    if args and args[0] == "--regenerate":
        regenerate(checkutils.source_root(argv[1:]))
        return 0
    rep = checkutils.Reporter("check-potfiles")
    check(checkutils.source_root(argv), rep)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
