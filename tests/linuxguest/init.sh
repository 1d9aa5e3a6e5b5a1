#!/bin/busybox sh
# /init of the Linux test guest's initramfs (see README.rst): mount the
# kernel file systems, load the virtio modules in dependency order,
# start the guest agent, configure eth0 for QEMU's user-mode network,
# quiet the kernel console and hand over to vmagent as PID 1.

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() {
    echo "virtmig-linux $*" > /dev/ttyS0
}

while read -r mod; do
    insmod "/lib/modules/$mod.ko" || say "warn insmod $mod failed"
done < /etc/vm-modules

# Drivers bind as their modules load; give the devices a moment anyway.
i=0
while [ ! -b /dev/vda ] || [ ! -e /sys/class/net/eth0 ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
        say "warn devices missing: $(ls /sys/class/block /sys/class/net | tr '\n' ' ')"
        break
    fi
    sleep 0.05
done

hostname virtmig-guest

# The guest agent, Debian's qemu-ga, when the domain has its port: found
# by name for about 10 s, linked where udev links it, and run in the
# background; the host sees it connect (AGENT_LIFECYCLE).
(
    i=0
    while [ "$i" -lt 100 ]; do
        for p in /sys/class/virtio-ports/*; do
            [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] ||
                continue
            mkdir -p /dev/virtio-ports
            ln -sf "../${p##*/}" /dev/virtio-ports/org.qemu.guest_agent.0
            exec /usr/sbin/qemu-ga -m virtio-serial -t /run \
                -p /dev/virtio-ports/org.qemu.guest_agent.0 \
                < /dev/null > /dev/null 2>&1
        done
        i=$((i + 1))
        sleep 0.1
    done
) &

# The operator's console, on the second serial port when the domain has
# one (a UART QEMU emulates: type 4, 16550A; 0 when there is none): once
# a second the memory the kernel manages ("mem" line, MemTotal, which a
# balloon takes from), and each line typed in answered ("echo" line) and
# shown on the screen (tty1, the VGA text console when there is one).
if [ -c /dev/ttyS1 ] && [ "$(cat /sys/class/tty/ttyS1/type)" != 0 ]; then
    (
        exec < /dev/ttyS1 > /dev/ttyS1 2>&1
        stty -echo
        n=0
        while :; do
            if read -r -t 1 line; then
                echo "virtmig-linux echo $line"
                [ -c /dev/tty1 ] && echo "$line" > /dev/tty1
            fi
            while read -r key kib _; do
                [ "$key" = MemTotal: ] && break
            done < /proc/meminfo
            echo "virtmig-linux mem seq=$n total_kib=$kib"
            n=$((n + 1))
        done
    ) &
fi
[ -c /dev/tty1 ] && echo "virtmig-linux $(uname -sr) on tty1" > /dev/tty1

ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2

# From now on only emergencies reach the serial port: a kernel message
# in the middle of a heartbeat line would garble it.
echo 1 > /proc/sys/kernel/printk

exec /bin/vmagent
