#!/usr/bin/env python3
"""Checks that no loop of source files call each other.

A file "uses" another when it names a function defined (not static) in
that other .c file: a call, or a function put into a table or passed as
a callback.  Files that use each other, directly or around a longer
loop, are one lump: neither can be read, tested or replaced without the
other.  The known loops are listed in BENIGN, as pairs or groups of
files with the reason they are there: uses between files of one entry
are not counted.  Any other loop is an error naming one use along every
edge of it.  Remove an entry once its loop is gone.

Definitions are found as STYLE.md rule 54 writes them: the name at the
start of a line followed by "(", the return type (and "static") on the
line before.

Usage: check-file-cycles.py [SOURCE_ROOT]
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

# The loops found when this check was written (issue 12), allowed for
# now: files of one entry may use each other.  Most are one subsystem
# split into files by size, whose parts call back into the core; each is
# a candidate for a real cut.  Shrink an entry when its loop shrinks.
BENIGN = [
    # The domain XML model, split by element family: the core parses and
    # formats every family, the families use its helpers.
    ("src/conf/domain_conf.c", "src/conf/domain_conf_controller.c",
     "src/conf/domain_conf_cpu.c", "src/conf/domain_conf_cputune.c",
     "src/conf/domain_conf_devices.c",
     "src/conf/domain_conf_disk.c", "src/conf/domain_conf_general.c",
     "src/conf/domain_conf_graphics.c", "src/conf/domain_conf_misc.c",
     "src/conf/domain_conf_net.c", "src/conf/domain_conf_runtime.c",
     "src/conf/domain_conf_tune.c"),
    # The remote client driver: its table names the entries of the other
    # two files, which call through its remoteClientCall.
    ("src/daemon/remote_client_driver.c",
     "src/daemon/remote_client_driver_domain.c"),
    ("src/daemon/remote_client_driver.c",
     "src/daemon/remote_client_driver_migrate.c"),
    # The server, its clients and its programs (dispatch, replies, wakeup).
    ("src/rpc/virnetserver.c", "src/rpc/virnetserverclient.c",
     "src/rpc/virnetserverprogram.c"),
    # The monitor and its JSON commands.
    ("src/qemu/qemu_monitor.c", "src/qemu/qemu_monitor_json.c"),
    # The driver's private domain data, jobs and peripheral processes.
    ("src/qemu/qemu_domain.c", "src/qemu/qemu_domainjob.c",
     "src/qemu/qemu_process_periph.c"),
    # The command line builder and its device families.
    ("src/qemu/qemu_command.c", "src/qemu/qemu_command_net.c",
     "src/qemu/qemu_command_periph.c"),
    # Process start/stop and QEMU's events: start watches the exit, the
    # events stop or resume the process.
    ("src/qemu/qemu_process.c", "src/qemu/qemu_process_events.c"),
]

DEF_RE = re.compile(r"^([A-Za-z_]\w*)\s*\(", re.M)
IDENT_RE = re.compile(r"\b[A-Za-z_]\w*\b")


def scan(root, rel):
    """Returns (exported definitions, {identifier: first line used})."""
    text = checkutils.strip_comments_and_strings(
        "\n".join(checkutils.read_lines(root, rel)))
    lines = text.split("\n")
    exported = set()
    defined = set()
    for m in DEF_RE.finditer(text):
        lineno = text.count("\n", 0, m.start())
        prev = lines[lineno - 1] if lineno > 0 else ""
        defined.add(m.group(1))
        if not re.search(r"\bstatic\b", prev) and prev.strip() and \
           not prev.rstrip().endswith((";", "}", ")")):
            exported.add(m.group(1))
    uses = {}
    for lineno, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        for name in IDENT_RE.findall(line):
            if name not in defined:
                uses.setdefault(name, lineno)
    return exported, uses


def strongly_connected(nodes, edges):
    """Tarjan's algorithm: the components of more than one node."""
    index = {}
    low = {}
    stack = []
    onstack = set()
    found = []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        onstack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in onstack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                onstack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def main(argv):
    root = checkutils.source_root(argv)
    rep = checkutils.Reporter("check-file-cycles")
    files = [rel for rel in checkutils.c_files(root, exts=(".c",))]
    owner = {}
    ambiguous = set()
    scanned = {}
    for rel in files:
        exported, uses = scan(root, rel)
        scanned[rel] = uses
        for name in exported:
            if name in owner:
                ambiguous.add(name)
            owner[name] = rel
    edges = {}
    example = {}
    for rel, uses in scanned.items():
        for name, lineno in uses.items():
            target = owner.get(name)
            if not target or target == rel or name in ambiguous:
                continue
            if any(rel in group and target in group for group in BENIGN):
                continue
            edges.setdefault(rel, set()).add(target)
            example.setdefault((rel, target), (lineno, name))
    for comp in strongly_connected(files, edges):
        members = set(comp)
        for src in comp:
            for dst in sorted(edges.get(src, ()) & members):
                lineno, name = example[(src, dst)]
                rep.error(src, lineno,
                          "uses %s of %s, in a loop of files that use each "
                          "other: %s; break the loop, or list the files in "
                          "BENIGN of scripts/check-file-cycles.py with the "
                          "reason" % (name, dst, ", ".join(comp)))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
