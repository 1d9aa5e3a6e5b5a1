#!/bin/sh
# The test command: installs what is missing, builds, runs every test
# suite and ends with the line "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
exec python3 scripts/run-tests.py "$@"
