#!/usr/bin/env python3
"""Runs the meson test suites of the build and prints a summary line:
"N passed, N failed, N skipped".

The run fails (exit status 1) when any test fails, when `meson test`
itself fails without reporting a failed test (a broken build directory, an
unknown suite), or when a suite reports no results at all.  Each suite's
JSON log is removed before it runs, so only this run is ever counted.
"""

import json
import os
import subprocess
import sys

BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")
SUITES = ["unit", "integration", "helgrind"]


def log_path(suite):
    return os.path.join(BUILD, "meson-logs", "testlog-%s.json" % suite)


def read_results(path):
    """Returns the test results of one JSON log, or None when the log is
    missing or unreadable."""
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        print("run-tests: cannot read %s: %s" % (path, e), flush=True)
        return None


def run_suite(suite):
    """Runs one suite.  Returns (results, problem): problem is None when
    meson's exit status agrees with the results it logged."""
    path = log_path(suite)
    if os.path.exists(path):
        os.unlink(path)
    cmd = ["meson", "test", "-C", BUILD, "--suite", suite,
           "--print-errorlogs", "--num-processes", "2",
           "--logbase", "testlog-" + suite]
    print("==> meson test --suite %s" % suite, flush=True)
    status = subprocess.run(cmd).returncode
    results = read_results(path) if os.path.exists(path) else None
    if not results:
        return [], ("meson test --suite %s ran no test (exit status %d)"
                    % (suite, status))
    failed = [r for r in results
              if r.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP")]
    if status != 0 and not failed:
        return results, ("meson test --suite %s exited with status %d "
                         "but logged no failed test" % (suite, status))
    return results, None


def main():
    suites = sys.argv[1:] or SUITES
    passed = failed = skipped = 0
    for suite in suites:
        results, problem = run_suite(suite)
        if problem:
            print("FAILED: %s" % problem)
            failed += 1
        for r in results:
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
