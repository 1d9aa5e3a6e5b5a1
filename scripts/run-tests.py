#!/usr/bin/env python3
"""Runs every meson test suite of the build and prints a summary line:
"N passed, N failed, N skipped"."""

import json
import os
import subprocess
import sys

BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")
SUITES = ["unit", "integration", "helgrind"]


def run_suite(suite):
    cmd = ["meson", "test", "-C", BUILD, "--suite", suite,
           "--print-errorlogs", "--num-processes", "2",
           "--logbase", "testlog-" + suite]
    print("==> meson test --suite %s" % suite, flush=True)
    subprocess.run(cmd)
    path = os.path.join(BUILD, "meson-logs", "testlog-%s.json" % suite)
    results = []
    if os.path.exists(path):
        with open(path) as f:
            results = [json.loads(line) for line in f if line.strip()]
    return results


def main():
    suites = sys.argv[1:] or SUITES
    passed = failed = skipped = 0
    for suite in suites:
        for r in run_suite(suite):
            res = r.get("result")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
                print("skipped: %s" % r.get("name"))
            else:
                failed += 1
                print("FAILED: %s (%s)" % (r.get("name"), res))
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
