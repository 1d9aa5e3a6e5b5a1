#!/bin/sh
# Configures (once) and builds virtmig in ./build with warnings as errors.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
    rm -rf build
    if ! meson setup build -Dwerror=true > build-setup.log 2>&1; then
        cat build-setup.log >&2
        exit 1
    fi
    rm -f build-setup.log
fi
ninja -C build > build/ninja.log 2>&1 || { cat build/ninja.log >&2; exit 1; }
