#!/usr/bin/env python3
"""Checks that docs/index.rst names every document of the tree, so that
none is written and then lost:
 - each .rst under docs/ other than the index, by its file name
   (``user-guide.rst``; the index groups those of docs/internals/ under
   their own heading);
 - each README.rst under tests/, as ``<its folder>/README.rst``.
Usage: check-docs-index.py [SOURCE_ROOT]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

INDEX = os.path.join("docs", "index.rst")


def documents(root):
    """(path relative to the root, the name the index must use)."""
    found = []
    for top, pick in (("docs", lambda n: n.endswith(".rst")),
                      ("tests", lambda n: n == "README.rst")):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not pick(name):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                if rel == INDEX:
                    continue
                if top == "docs":
                    found.append((rel, name))
                else:
                    parent = os.path.basename(os.path.dirname(rel))
                    found.append((rel, parent + "/" + name))
    return found


def main(argv):
    root = checkutils.source_root(argv)
    rep = checkutils.Reporter("check-docs-index")
    try:
        with open(os.path.join(root, INDEX)) as f:
            index = f.read()
    except OSError as e:
        rep.error(INDEX, 1, "cannot read the index: %s" % e.strerror)
        return rep.finish()
    for rel, name in documents(root):
        if "``%s``" % name not in index:
            rep.error(rel, 1, "not in %s (name it as ``%s``)" % (INDEX, name))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
