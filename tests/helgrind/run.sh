#!/bin/sh
# run.sh: runs a threaded unit test under helgrind (meson suite 'helgrind')
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# usage: run.sh SHIM SUPPRESSIONS TEST [ARGS...]
#
# The shim (glibshim.c) makes GLib's mutexes and conditions visible to
# helgrind.  Any error helgrind reports fails the test.  Exits 77 (meson's
# "skipped") when valgrind is not installed.

shim=$1
supp=$2
shift 2

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind not found: helgrind run skipped"
    exit 77
fi

set -- --tool=helgrind --error-exitcode=1 --suppressions="$supp" "$@"
glibsupp=/usr/share/glib-2.0/valgrind/glib.supp
if [ -f "$glibsupp" ]; then
    set -- --suppressions="$glibsupp" "$@"
fi

# Timing assertions relax under valgrind (see virTestTimingStrict).
VIR_TEST_VALGRIND=1 LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}" \
    exec valgrind "$@"
