#!/bin/sh
# Configures (once) and builds virtmig with warnings as errors.
#
#   sh scripts/build.sh          ./build: the compiler meson picks (gcc)
#   sh scripts/build.sh asan     ./build-asan: clang with AddressSanitizer
#                                and UndefinedBehaviorSanitizer
#   sh scripts/build.sh fuzz     ./build-fuzz: the same sanitizers and the
#                                libFuzzer targets of tests/fuzz
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
"")
    dir=build
    set -- -Dwerror=true
    ;;
asan)
    dir=build-asan
    export CC=clang
    set -- -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
    ;;
fuzz)
    dir=build-fuzz
    export CC=clang
    set -- -Dwerror=true -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false
    ;;
*)
    echo "usage: $0 [asan|fuzz]" >&2
    exit 2
    ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
    rm -rf "$dir"
    if ! meson setup "$dir" "$@" > "$dir-setup.log" 2>&1; then
        cat "$dir-setup.log" >&2
        exit 1
    fi
    rm -f "$dir-setup.log"
fi
ninja -C "$dir" > "$dir/ninja.log" 2>&1 || { cat "$dir/ninja.log" >&2; exit 1; }
