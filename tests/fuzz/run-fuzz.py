#!/usr/bin/env python3
"""Runs one libFuzzer target for a bounded time and fails on any finding.

    run-fuzz.py [--seconds N] [--runs N] [--keep DIR] TARGET SEEDS

TARGET runs on a scratch corpus (new inputs go there) and the seed corpus
SEEDS (read, never written): first every seed, then mutations for N
seconds (or N runs), one process, leak detection on, UBSan halting on
its first report.  Exit status 0 when libFuzzer found nothing; 1 on a
crash, leak, sanitizer report or timeout of one input: the report, the
reproducer (hex) and the command that replays it are printed, and the
reproducer is kept in DIR (default: fuzz-artifacts/ of the current
directory, the build directory under meson).  --keep also keeps the
inputs the run added, to grow the seed corpus by hand.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ARTIFACTS = ("crash-", "leak-", "timeout-", "oom-", "slow-unit-")


def hexdump(data, limit=4096):
    lines = []
    for off in range(0, min(len(data), limit), 16):
        chunk = data[off:off + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append("%08x: %-48s %s" % (off, chunk.hex(" "), text))
    if len(data) > limit:
        lines.append("... (%d bytes in all)" % len(data))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--keep", default=None)
    ap.add_argument("target")
    ap.add_argument("seeds")
    opts = ap.parse_args()

    name = os.path.basename(opts.target)
    keep = os.path.abspath(opts.keep or "fuzz-artifacts")
    os.makedirs(keep, exist_ok=True)
    env = dict(os.environ)
    # A 16 MiB quarantine instead of ASan's 256 MiB: freed memory is
    # reused while still in the cache, where the default made every
    # allocation touch fresh pages and the page faults took most of the
    # time (2.5x to 5x fewer executions; docs/internals/fuzzing.rst).  A
    # use after free is still caught within the last ~16 MiB freed.
    env["ASAN_OPTIONS"] = ("detect_leaks=1:allocator_may_return_null=1:"
                           "quarantine_size_mb=16")
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    with tempfile.TemporaryDirectory(prefix="virtmig-fuzz-") as tmp:
        corpus = os.path.join(tmp, "corpus")
        os.makedirs(corpus)
        cmd = [opts.target, "-artifact_prefix=%s/" % tmp, "-timeout=20",
               "-rss_limit_mb=2048", "-print_final_stats=1", corpus,
               opts.seeds]
        if opts.seconds:
            cmd.insert(1, "-max_total_time=%d" % opts.seconds)
        if opts.runs:
            cmd.insert(1, "-runs=%d" % opts.runs)
        print("==> %s" % " ".join(cmd), flush=True)
        status = subprocess.run(cmd, env=env).returncode
        found = sorted(f for f in os.listdir(tmp) if f.startswith(ARTIFACTS))
        if opts.keep and os.listdir(corpus):
            dest = os.path.join(keep, name + "-corpus")
            shutil.copytree(corpus, dest, dirs_exist_ok=True)
            print("%s: %d new inputs kept in %s"
                  % (name, len(os.listdir(corpus)), dest))
        for f in found:
            path = os.path.join(keep, "%s-%s" % (name, f))
            shutil.copyfile(os.path.join(tmp, f), path)
            with open(path, "rb") as fp:
                data = fp.read()
            print("\n%s: FOUND %s, reproducer %s:\n%s\nreplay: %s %s"
                  % (name, f, path, hexdump(data), opts.target, path),
                  flush=True)
    if status != 0 or found:
        print("%s: FAILED (libFuzzer exit status %d)" % (name, status))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
