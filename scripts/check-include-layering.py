#!/usr/bin/env python3
"""Checks that each src/ layer includes only the layers it may use.

STYLE.md rules 2-7 and docs/internals/architecture.rst:

    src/util    util only
    src/rpc     util, rpc (and the headers generated from src/rpc/*.x)
    src/conf    util, conf
    src/qemu    util, conf, qemu
    src/daemon  everything

System, GLib, libxml2, json-c and libvirt public headers (<...> includes
that are not project headers) are allowed everywhere, as is <config.h>.
A "foo.h" include is resolved by the src/ directory that holds foo.h,
preferring the including file's own directory as the compiler does; the
headers generated at build time from src/rpc belong to rpc.

Usage: check-include-layering.py [SOURCE_ROOT]
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

ALLOWED = {
    "util": {"util"},
    "rpc": {"util", "rpc"},
    "conf": {"util", "conf"},
    "qemu": {"util", "conf", "qemu"},
    "daemon": None,     # may include everything
}

# Generated into the build tree from src/rpc by genprotocol.py and
# gendispatch.py: they belong to the rpc layer.
GENERATED_RPC = {"remote_dispatch.h", "remote_dispatch_decl.h",
                 "remote_client_stubs.h"}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def header_index(root):
    """Maps a header's basename to the set of layers holding it."""
    index = {}
    for rel in checkutils.c_files(root, exts=(".h", ".x")):
        parts = rel.split(os.sep)
        if len(parts) < 3:
            continue
        name = parts[-1]
        if name.endswith(".x"):
            name = name[:-2] + ".h"
        index.setdefault(name, set()).add(parts[1])
    for name in GENERATED_RPC:
        index.setdefault(name, set()).add("rpc")
    return index


def resolve(index, layer, target, quoted):
    """The layer @target belongs to, None for a non-project header, or
    a list of candidates when it is ambiguous."""
    name = os.path.basename(target)
    if name == "config.h":
        return None
    owners = index.get(name)
    if not owners:
        return "" if quoted else None
    if layer in owners:
        return layer
    if len(owners) == 1:
        return next(iter(owners))
    return sorted(owners)


def check_file(root, rel, index, rep):
    parts = rel.split(os.sep)
    layer = parts[1] if len(parts) > 2 else ""
    if layer not in ALLOWED:
        rep.error(rel, 1, "directory src/%s has no layering rule; add one to "
                  "scripts/check-include-layering.py and "
                  "docs/internals/architecture.rst" % layer)
        return
    allowed = ALLOWED[layer]
    for lineno, line in enumerate(checkutils.read_lines(root, rel), 1):
        m = INCLUDE_RE.match(line)
        if not m:
            continue
        quoted = m.group(1) == '"'
        target = m.group(2)
        owner = resolve(index, layer, target, quoted)
        if owner is None or allowed is None:
            continue
        if owner == "":
            rep.error(rel, lineno, 'cannot resolve "%s": no such header under '
                      'src/ (nor generated from src/rpc)' % target)
        elif isinstance(owner, list):
            rep.error(rel, lineno, '"%s" is ambiguous: it exists in src/%s'
                      % (target, ", src/".join(owner)))
        elif owner not in allowed:
            rep.error(rel, lineno, "src/%s may not include src/%s header \"%s\" "
                      "(src/%s may include only %s)"
                      % (layer, owner, target, layer,
                         ", ".join(sorted(allowed))))


def main(argv):
    root = checkutils.source_root(argv)
    rep = checkutils.Reporter("check-include-layering")
    index = header_index(root)
    for rel in checkutils.c_files(root):
        check_file(root, rel, index, rep)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
