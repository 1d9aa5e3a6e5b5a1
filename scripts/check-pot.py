#!/usr/bin/env python3
"""Keeps po/virtmig.pot current and the translations valid.

The messages xgettext finds in the files of po/POTFILES must be exactly
the msgids of po/virtmig.pot (regenerate it with
`ninja -C build virtmig-pot`, then `ninja -C build virtmig-update-po`),
and every po/LANG.po of po/LINGUAS must compile with `msgfmt --check`.
Exits 77 (skip) without xgettext.

Usage: check-pot.py [SOURCE_ROOT]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

MSGID_RE = re.compile(r'^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)^msgstr', re.M | re.S)


def msgids(path):
    """The msgids of the .pot/.po file @path (without the header)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    ids = set()
    for m in MSGID_RE.finditer(text):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
        ids.add("".join(parts))
    ids.discard("")
    return ids


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    if not shutil.which("xgettext") or not shutil.which("msgfmt"):
        print("SKIP: xgettext/msgfmt not installed")
        return 77
    with open(os.path.join(root, "po", "POTFILES")) as f:
        files = [line.strip() for line in f
                 if line.strip() and not line.startswith("#")]
    errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "fresh.pot")
        subprocess.run(["xgettext", "--keyword=_", "--keyword=N_",
                        "--from-code=UTF-8", "--language=C",
                        "--directory", root, "-o", fresh] + files, check=True)
        have = msgids(os.path.join(root, "po", "virtmig.pot"))
        want = msgids(fresh)
        for mid in sorted(want - have)[:10]:
            print("po/virtmig.pot: missing %r" % mid)
        for mid in sorted(have - want)[:10]:
            print("po/virtmig.pot: no longer in the sources: %r" % mid)
        if want != have:
            print("po/virtmig.pot is stale (%d new, %d gone): run "
                  "`ninja -C build virtmig-pot virtmig-update-po`" %
                  (len(want - have), len(have - want)))
            errors += 1
        with open(os.path.join(root, "po", "LINGUAS")) as f:
            langs = [w for line in f if not line.startswith("#")
                     for w in line.split()]
        for lang in langs:
            po = os.path.join(root, "po", lang + ".po")
            res = subprocess.run(["msgfmt", "--check", "-o", os.devnull, po],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                print("%s: %s" % (po, res.stderr.strip()))
                errors += 1
    print("check-pot: %d error(s)" % errors)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
