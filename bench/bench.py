#!/usr/bin/python3
"""virtmig against stock libvirtd 9.0, side by side, on this machine.

Starts two virtmigd hosts and two stock libvirtd 9.0 hosts (in namespaces,
tests/integration/stockhost.py), runs the same guests with the same virsh
flags on both pairs, interleaved (rounds alternate which pair goes first:
A/B, B/A, ...) so load noise hits both, and prints a table of medians with
the virtmig/libvirt ratio of each figure, plus a JSON file of every sample.

    /usr/bin/python3 bench/bench.py [--quick] [--json PATH] [--only NAME,...]

``--quick`` (under two minutes) is the CI smoke run: one round, short
call loops, 20 domains instead of 200, one migration scenario.  Exit
status: 0 when every measured migration moved its guest intact, 1 when
one did not, 77 when the benchmark cannot run here (reason printed).
docs/performance.rst explains the figures and holds a full run's table.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

import hosts  # sets sys.path for the test helpers  # noqa: I100
import control
import harness
import migration
from hosts import LIBVIRT, VIRTMIG

# figure id -> (description, unit, "lower"/"higher" is better, target ratio)
FIGURES = {}


def figure(fid, what, unit, better="lower", target=None):
    FIGURES.setdefault(fid, {"what": what, "unit": unit, "better": better,
                             "target": target, VIRTMIG: [], LIBVIRT: []})
    return FIGURES[fid]


def record(fid, kind, value, **kw):
    if value is not None:
        figure(fid, **kw)[kind].append(value)


def interleaved(rounds):
    """The order of the two pairs in each round: A/B, B/A, A/B, ..."""
    for r in range(rounds):
        yield (VIRTMIG, LIBVIRT) if r % 2 == 0 else (LIBVIRT, VIRTMIG)


# ---- control plane

def bench_control(pairs, opts, tmp):
    seconds = 1 if opts.quick else 10
    many = 20 if opts.quick else 200
    rounds = 1 if opts.quick else 3
    guests = {}
    for kind, (src, _) in pairs.items():
        record("rss_idle", kind, control.rss_kib(src),
               what="daemon RSS, idle", unit="KiB")
        record("pss_idle", kind, control.pss_kib(src),
               what="daemon PSS, idle", unit="KiB")
        sc = migration.SCENARIOS[0]
        runner = migration.Runner(kind, src, None, tmp)
        guests[kind] = runner.start_guest(sc)[0]
        record("list_1", kind, control.list_latency(src, 5),
               what="virsh list --all, 1 domain", unit="s")
    for order in interleaved(rounds):
        for kind in order:
            src = pairs[kind][0]
            for what, call in (("getversion", "version"), ("dominfo", "info")):
                for clients in (1, 16):
                    rate, cpu_us = control.calls_per_s(src, call, clients,
                                                       seconds, guests[kind])
                    label = "%s() x%d conn" % (
                        "getVersion" if call == "version" else "dom.info",
                        clients)
                    record("%s_%d" % (what, clients), kind, rate,
                           what=label + ", calls/s", unit="calls/s",
                           better="higher",
                           target=2.0 if clients == 16 else None)
                    record("%s_%d_cpu" % (what, clients), kind, cpu_us,
                           what=label + ", daemon CPU per call", unit="us",
                           target=0.33)
    for order in interleaved(rounds):
        for kind in order:
            src = pairs[kind][0]
            harness.virsh(src.uri, "destroy", guests[kind])
            t_start, t_destroy = control.start_destroy(src, guests[kind])
            harness.virsh(src.uri, "start", guests[kind])
            record("start", kind, t_start, what="virsh start (test guest)",
                   unit="s")
            record("destroy", kind, t_destroy,
                   what="virsh destroy (test guest)", unit="s")
    for kind in (VIRTMIG, LIBVIRT):
        src = pairs[kind][0]
        record("define", kind, control.define_many(src, many, tmp),
               what="define latency (median of %d)" % many, unit="s")
        record("list_many", kind, control.list_latency(src, 5),
               what="virsh list --all, %d domains" % (many + 1), unit="s",
               target=0.5)
        record("rss_many", kind, control.rss_kib(src),
               what="daemon RSS, %d domains" % (many + 1), unit="KiB",
               target=0.3)
        record("pss_many", kind, control.pss_kib(src),
               what="daemon PSS, %d domains" % (many + 1), unit="KiB")
        control.undefine_many(src, many)
        harness.virsh(src.uri, "destroy", guests[kind], check=False)
        harness.virsh(src.uri, "undefine", guests[kind], check=False)


# ---- migration

MIG_TARGETS = {"idle128": 0.15, "idle512": 0.15, "dirty256": 0.3}


def bench_migration(pairs, opts, tmp, failures):
    rounds = 1 if opts.quick else opts.rounds
    wanted = migration.QUICK if opts.quick else None
    if opts.only:
        wanted = opts.only
    runners = {k: migration.Runner(k, s, d, tmp) for k, (s, d) in pairs.items()}
    for sc in migration.SCENARIOS:
        if wanted and sc.name not in wanted:
            continue
        for r, order in enumerate(interleaved(rounds)):
            for kind in order:
                try:
                    res = runners[kind].run(sc)
                except AssertionError as e:     # a guest did not start
                    res = {"finished": False, "errors": [str(e)],
                           "setup_failed": True}
                res.update(scenario=sc.name, kind=kind, round=r)
                print("  %-10s %-8s round %d: %s" % (
                    sc.name, kind, r, _brief(res)), flush=True)
                samples.append(res)
                if res.get("setup_failed"):
                    continue
                if not res["finished"]:
                    record(sc.name + "_unfinished", kind, 1,
                           what=sc.what + ": runs not finished in %d s"
                           % sc.limit_s, unit="runs")
                    continue
                if not res.get("ok"):
                    failures.append(res)
                record(sc.name + "_wall", kind, res["wall_s"],
                       what=sc.what + ": virsh migrate wall", unit="s",
                       target=MIG_TARGETS.get(sc.name))
                record(sc.name + "_total", kind, res.get("total_ms"),
                       what=sc.what + ": job time elapsed", unit="ms")
                record(sc.name + "_downtime", kind, res.get("downtime_ms"),
                       what=sc.what + ": downtime", unit="ms", target=1.0)
                record(sc.name + "_gap", kind, res.get("gap_s"),
                       what=sc.what + ": max heartbeat gap", unit="s")
        if sc.name == "idle128":
            bench_phases(runners, sc, tmp, rounds)


def bench_phases(runners, sc, tmp, rounds):
    """Per-step client-side times of the idle 128 MiB migration."""
    for order in interleaved(rounds):
        for kind in order:
            steps = migration.phase_breakdown(runners[kind], sc, tmp)
            for step in ("Begin3", "Prepare3", "Perform3", "Finish3",
                         "Confirm3"):
                record("step_" + step, kind, steps.get(step),
                       what="idle 128 MiB, %s round trip" % step, unit="s")


samples = []


def _brief(res):
    if not res["finished"]:
        return "NOT FINISHED %s" % ("; ".join(res["errors"])[:200])
    return "wall %.3f s, total %s ms, downtime %s ms, gap %.3f s%s" % (
        res["wall_s"], res.get("total_ms"), res.get("downtime_ms"),
        res.get("gap_s") or 0, "" if res.get("ok") else
        " GUEST NOT INTACT: " + "; ".join(res["errors"]))


# ---- report

def _fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return "%.3f s" % v
    if unit in ("calls/s", "KiB", "runs"):
        return "%d %s" % (round(v), unit)
    return "%.1f %s" % (v, unit)


def table():
    rows = [("figure", "virtmig", "libvirt 9.0", "ratio", "target")]
    for fid, f in FIGURES.items():
        pick = sum if f["unit"] == "runs" else statistics.median
        v = pick(f[VIRTMIG]) if f[VIRTMIG] else None
        s = pick(f[LIBVIRT]) if f[LIBVIRT] else None
        ratio = "%.2fx" % (v / s) if v is not None and s else "-"
        tgt = "-"
        if f["target"] is not None:
            tgt = ("%s %.2fx" % ("<=" if f["better"] == "lower" else ">=",
                                 f["target"]))
        rows.append((f["what"], _fmt(v, f["unit"]), _fmt(s, f["unit"]),
                     ratio, tgt))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                               for i, c in enumerate(r)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=None, help="where to write every sample")
    ap.add_argument("--rounds", type=int, default=4,
                    help="migration rounds per pair (default 4)")
    ap.add_argument("--only", type=lambda s: s.split(","), default=None,
                    help="what to run: migration scenarios (names) and/or "
                    "'control' for the control plane")
    ap.add_argument("--pad-kib", type=int, default=0,
                    help="KiB added to virtmig's guests only (see migration.py)")
    opts = ap.parse_args()
    migration.pad_kib = opts.pad_kib
    reason = hosts.unavailable_reason()
    if reason:
        print("SKIP: " + reason)
        return 77
    tmp = tempfile.mkdtemp(prefix="virtmig-bench-")
    t0 = time.monotonic()
    pairs = hosts.start_pairs()
    failures = []
    try:
        if not opts.only or "control" in opts.only:
            print("control plane ...", flush=True)
            bench_control(pairs, opts, tmp)
        if opts.only == ["control"]:
            return 0
        print("migrations ...", flush=True)
        bench_migration(pairs, opts, tmp, failures)
    finally:
        hosts.stop_all([h for p in pairs.values() for h in p])
        shutil.rmtree(tmp, ignore_errors=True)
        report(opts, failures, t0)
    return 1 if failures else 0


def report(opts, failures, t0):
    """The table and the JSON file, also after an exception."""
    print()
    print(table())
    print("\n%d migration runs, %d with the guest not intact; %.0f s" % (
        len(samples), len(failures), time.monotonic() - t0))
    path = opts.json or os.path.join(harness.BUILDDIR, "bench-results.json")
    with open(path, "w") as f:
        json.dump({"quick": opts.quick, "figures": FIGURES,
                   "migrations": samples}, f, indent=1)
    print("samples: " + path)


if __name__ == "__main__":
    sys.exit(main())
