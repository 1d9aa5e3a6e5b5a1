#!/usr/bin/env python3
"""Runs the meson test suites of the build and prints a summary line:
"N passed, N failed, N skipped".

Suites (all six by default): unit, integration, helgrind (./build),
asan:unit, asan:integration (./build-asan, made by "sh
scripts/build.sh asan": clang with AddressSanitizer and
UndefinedBehaviorSanitizer: every report the sanitizers write, from a
test program or from a daemon the test started, fails the suite).
asan:integration runs the integration tests named in ASAN_INTEGRATION
(the RPC layer, the lifecycle, the migration protocols, guest crashes
and dumps, device hotplug, which cover most of the daemon's code in a few
minutes); asan:integration-all runs every one.  The asan suites run
with meson's timeouts multiplied by ASAN_TIMEOUT_MULTIPLIER: the
sanitizers make the programs several times slower, and a test that
passes with gcc must not fail for its timeout.

And fuzz (./build-fuzz, made by "sh scripts/build.sh fuzz") runs each
libFuzzer target of tests/fuzz for a bounded time on its seed corpus
(tests/fuzz/run-fuzz.py): a crash, leak or sanitizer report fails it,
with the reproducer printed (docs/internals/fuzzing.rst).

The run fails (exit status 1) when any test fails, when `meson test`
itself fails without reporting a failed test (a broken build directory, an
unknown suite), or when a suite reports no results at all.  Each suite's
JSON log is removed before it runs, so only this run is ever counted.
"""

import json
import os
import shutil
import subprocess
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SUITES = ["unit", "integration", "helgrind", "asan:unit", "asan:integration",
          "fuzz"]
ASAN_INTEGRATION = [
    "test_daemon_cli", "test_rpc_virsh", "test_rpc_python",
    "test_rpc_badinput", "test_rpc_readonly", "test_rpc_close",
    "test_lifecycle_virsh", "test_lifecycle_python",
    "test_migrate_v3", "test_migrate_v2", "test_migrate_failures",
    "test_crash", "test_dump", "test_hotplug",
]


ASAN_TIMEOUT_MULTIPLIER = 4


def split_suite(name):
    """"asan:unit" -> (build-asan dir, "unit", sanitizer log dir)."""
    if name.startswith("asan:"):
        build = os.path.join(TOP, "build-asan")
        return build, name[len("asan:"):], os.path.join(build, "sanitizer-logs")
    if name == "fuzz":
        return os.path.join(TOP, "build-fuzz"), name, None
    return os.path.join(TOP, "build"), name, None


def log_path(build, suite):
    return os.path.join(build, "meson-logs", "testlog-%s.json" % suite)


def sanitizer_env(logdir):
    """Sanitizer reports go to files in @logdir (the daemons' stderr is
    not the test's), leaks are looked for, UBSan prints stacks."""
    env = dict(os.environ)
    base = os.path.join(logdir, "report")
    env["ASAN_OPTIONS"] = ("log_path=%s:detect_leaks=1:fast_unwind_on_malloc=0"
                           % base)
    env["UBSAN_OPTIONS"] = "log_path=%s:print_stacktrace=1" % base
    return env


def sanitizer_reports(logdir):
    """Prints each report the sanitizers wrote; returns how many."""
    names = sorted(os.listdir(logdir)) if os.path.isdir(logdir) else []
    for name in names:
        with open(os.path.join(logdir, name), errors="replace") as f:
            text = f.read()
        print("SANITIZER REPORT %s:\n%s" % (name, text[:6000]), flush=True)
    return len(names)


def read_results(path):
    """Returns the test results of one JSON log, or None when the log is
    missing or unreadable."""
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        print("run-tests: cannot read %s: %s" % (path, e), flush=True)
        return None


def run_suite(name):
    """Runs one suite.  Returns (results, problems): problems is empty
    when meson's exit status agrees with the results it logged and no
    sanitizer wrote a report."""
    build, suite, logdir = split_suite(name)
    path = log_path(build, suite)
    if os.path.exists(path):
        os.unlink(path)
    env = None
    if logdir:
        shutil.rmtree(logdir, ignore_errors=True)
        os.makedirs(logdir)
        env = sanitizer_env(logdir)
    cmd = ["meson", "test", "-C", build, "--print-errorlogs",
           "--num-processes", "2", "--logbase", "testlog-" + suite]
    if logdir:
        cmd += ["--timeout-multiplier", str(ASAN_TIMEOUT_MULTIPLIER)]
    if name == "asan:integration":
        cmd += ASAN_INTEGRATION
    else:
        cmd += ["--suite", suite.replace("integration-all", "integration")]
    print("==> meson test -C %s --suite %s" % (os.path.basename(build), suite),
          flush=True)
    status = subprocess.run(cmd, env=env).returncode
    results = read_results(path) if os.path.exists(path) else None
    problems = []
    if not results:
        problems.append("meson test --suite %s ran no test (exit status %d)"
                        % (name, status))
        results = []
    failed = [r for r in results
              if r.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP")]
    if results and status != 0 and not failed:
        problems.append("meson test --suite %s exited with status %d "
                        "but logged no failed test" % (name, status))
    if logdir and sanitizer_reports(logdir):
        problems.append("suite %s: the sanitizers reported errors (above)"
                        % name)
    return results, problems


def main():
    suites = sys.argv[1:] or SUITES
    passed = failed = skipped = 0
    for suite in suites:
        results, problems = run_suite(suite)
        prefix = suite.split(":")[0] + ":" if ":" in suite else ""
        for problem in problems:
            print("FAILED: %s" % problem)
            failed += 1
        for r in results:
            res = r.get("result")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
                print("skipped: %s%s" % (prefix, r.get("name")))
            else:
                failed += 1
                print("FAILED: %s%s (%s)" % (prefix, r.get("name"), res))
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
