#!/bin/sh
# The test command: installs what is missing, builds (gcc; clang with
# AddressSanitizer + UBSan; the same with the libFuzzer targets), runs
# every test suite and ends with the line "N passed, N failed, N
# skipped".  Arguments name suites (see
# scripts/run-tests.py), e.g. "sh scripts/test.sh unit".
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
sh scripts/build.sh asan
sh scripts/build.sh fuzz
exec python3 scripts/run-tests.py "$@"
