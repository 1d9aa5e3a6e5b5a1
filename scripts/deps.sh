#!/bin/sh
# Installs, with apt-get, every Debian 12 package virtmig needs to build
# and test and that is not installed yet.  Run as root.
set -eu

PACKAGES="
build-essential gcc-multilib pkg-config meson ninja-build gettext python3
libglib2.0-dev libxml2-dev libxml2-utils libjson-c-dev libtirpc-dev
libgnutls28-dev libvirt-dev
libvirt-clients python3-libvirt qemu-system-x86 qemu-utils
libvirt-daemon libvirt-daemon-driver-qemu
golang-go golang-github-digitalocean-go-libvirt-dev
valgrind iproute2 procps gnutls-bin prometheus-libvirt-exporter
systemd man-db logrotate
virt-manager xvfb python3-dogtail at-spi2-core dbus-daemon libglib2.0-bin
clang libclang-rt-14-dev clang-format
openssh-client openssh-server netcat-openbsd
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "virtmig: missing packages:$missing (run as root to install them)" >&2
        exit 1
    fi
    echo "virtmig: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Services these packages bring (sshd on port 22, libvirtd) stay
    # stopped: the tests start private daemons of their own and depend on
    # no system one.  Only where the machine has no policy of its own.
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod 755 "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
