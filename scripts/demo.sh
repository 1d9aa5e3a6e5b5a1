#!/bin/sh
# The main job: installs what is missing, builds, starts two local hosts
# (two virtmigd instances under temporary roots), boots the project's test
# guest on hostA and migrates it live to hostB and back with stock virsh,
# showing its heartbeat carrying on with the same boot id.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh

DEMO=$(mktemp -d /tmp/virtmig-demo.XXXXXX)
A="$DEMO/hostA"
B="$DEMO/hostB"
LOG="$DEMO/guest-serial.log"
GUEST="$(pwd)/build/tests/guest/guest.elf"
cleanup() {
    for pid in ${PID_A:-} ${PID_B:-}; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DEMO"
}
trap cleanup EXIT INT TERM

mkdir -p "$A" "$B"
printf 'host_name = "hostA"\nmigration_host = "127.0.0.1"\nmigration_port_min = 49152\nmigration_port_max = 49183\n' > "$A/virtmigd.conf"
printf 'host_name = "hostB"\nmigration_host = "127.0.0.1"\nmigration_port_min = 49184\nmigration_port_max = 49215\n' > "$B/virtmigd.conf"
./build/src/daemon/virtmigd --root "$A" & PID_A=$!
./build/src/daemon/virtmigd --root "$B" & PID_B=$!
for s in "$A/run/virtmigd-sock" "$B/run/virtmigd-sock"; do
    i=0
    while [ ! -S "$s" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
done
URI_A="qemu+unix:///system?socket=$A/run/virtmigd-sock"
URI_B="qemu+unix:///system?socket=$B/run/virtmigd-sock"

cat > "$DEMO/guest.xml" <<XML
<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST</kernel>
    <cmdline>hb_ms=100 wss_mib=32</cmdline>
  </os>
  <devices>
    <serial type='file'><source path='$LOG' append='on'/></serial>
    <controller type='usb' model='none'/>
    <video><model type='none'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
XML

run() { echo "\$ $*"; "$@"; }
heartbeat() { echo "   guest says: $(tail -n 1 "$LOG")"; }

echo "=== two hosts"
run virsh -c "$URI_A" hostname
run virsh -c "$URI_B" hostname
echo "=== the test guest (rewrites 32 MiB of memory, checks every page) on hostA"
run virsh -c "$URI_A" define "$DEMO/guest.xml"
run virsh -c "$URI_A" start demo
sleep 1; heartbeat
echo "=== live migration hostA -> hostB"
run virsh -c "$URI_A" migrate --live --verbose demo "$URI_B"
run virsh -c "$URI_A" list --all
run virsh -c "$URI_B" list --all
sleep 1; heartbeat
run virsh -c "$URI_A" domjobinfo --completed demo
echo "=== and back hostB -> hostA"
run virsh -c "$URI_B" migrate --live demo "$URI_A"
sleep 1; heartbeat
echo "=== the guest's own verdict over its whole log (one boot id, no gap, memory intact)"
run python3 tests/guest/guestlog.py "$LOG"
run virsh -c "$URI_A" destroy demo
