#!/bin/sh
# The main job: installs what is missing, builds, starts two local hosts
# (two virtmigd instances under temporary roots) and shows what stock
# virsh sees on each.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh

DEMO=$(mktemp -d /tmp/virtmig-demo.XXXXXX)
A="$DEMO/hostA"
B="$DEMO/hostB"
cleanup() {
    for pid in ${PID_A:-} ${PID_B:-}; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DEMO"
}
trap cleanup EXIT INT TERM

mkdir -p "$A" "$B"
echo 'host_name = "hostA"' > "$A/virtmigd.conf"
echo 'host_name = "hostB"' > "$B/virtmigd.conf"
./build/src/daemon/virtmigd --root "$A" & PID_A=$!
./build/src/daemon/virtmigd --root "$B" & PID_B=$!
for s in "$A/run/virtmigd-sock" "$B/run/virtmigd-sock"; do
    i=0
    while [ ! -S "$s" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
done

for h in "$A" "$B"; do
    uri="qemu+unix:///system?socket=$h/run/virtmigd-sock"
    echo "=== virsh -c '$uri'"
    for cmd in hostname uri version nodeinfo "list --all"; do
        echo "\$ virsh $cmd"
        # shellcheck disable=SC2086
        virsh -c "$uri" $cmd
    done
done
echo "=== two hosts answered stock virsh; stopping them"
