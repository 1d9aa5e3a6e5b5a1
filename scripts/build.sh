#!/bin/sh
# Configures (once) and builds virtmig in ./build with warnings as errors.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
    meson setup build -Dwerror=true >/dev/null
fi
ninja -C build >/dev/null
