#!/bin/sh
# The benchmark command: installs what is missing, builds, and runs
# bench/bench.py (virtmig against stock libvirtd 9.0 on this machine).
# Arguments go to bench.py: --quick, --json PATH, --rounds N, --only A,B.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
VIRTMIG_BUILDDIR="$PWD/build" exec /usr/bin/python3 bench/bench.py "$@"
