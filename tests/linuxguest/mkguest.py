#!/usr/bin/env python3
"""Build the Linux test guest: a Debian kernel and a small initramfs.

Everything comes from Debian packages fetched with ``apt-get download``
(the cloud kernel, busybox-static and qemu-guest-agent, unpacked with
``dpkg-deb -x``; the shared libraries qemu-ga needs, as ``ldd`` finds
them, from this Debian host) plus two files of this directory:
``init.sh`` (the initramfs's /init) and the static ``vmagent`` program
meson builds from ``vmagent.c``.  Output, in OUT (a directory of the
build tree)::

    OUT/vmlinuz       the kernel, as Debian ships it
    OUT/initrd.img    newc cpio: busybox, vmagent, /init, virtio modules,
                      qemu-ga and its libraries
    OUT/debs/         the downloaded packages, kept as a cache

A second run with the same inputs (packages, init.sh, vmagent, this
script) does nothing: a stamp file records what the images were built
from.  Library use: ``mkguest.ensure(out, agent)`` returns the paths of
the kernel and the initramfs.  CLI: ``mkguest.py --agent VMAGENT OUT``.
"""

import argparse
import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_META = "linux-image-cloud-amd64"
BUSYBOX = "busybox-static"
GUEST_AGENT = "qemu-guest-agent"
# Where init.sh runs it from (the package has it in /usr/sbin).
QEMU_GA = "usr/sbin/qemu-ga"
BASE_DIRS = ("bin", "dev", "etc", "lib", "lib/modules", "proc", "sys")
# What guest-get-osinfo reports.
OS_RELEASE = b"""NAME="virtmig Linux test guest"
PRETTY_NAME="virtmig Linux test guest"
ID=virtmig-linux
VERSION_ID=1
"""
# guest-shutdown runs /sbin/shutdown; busybox's reboot and poweroff -f
# need no init to cooperate (vmagent is PID 1).
SHUTDOWN = b"""#!/bin/busybox sh
sync
case "$1" in
-r) exec /bin/busybox reboot -f ;;
*) exec /bin/busybox poweroff -f ;;
esac
"""
# The drivers the guest needs that the cloud kernel builds as modules;
# what they depend on is found in the modules themselves.
MODULES = ["virtio_pci", "virtio_blk", "virtio_net", "virtio_console",
           "virtio_balloon"]


class BuildError(Exception):
    pass


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        raise BuildError("%s failed (%d): %s%s" % (" ".join(cmd), res.returncode,
                                                   res.stdout, res.stderr))
    return res.stdout


def kernel_package():
    """The versioned kernel package the cloud metapackage depends on."""
    out = run(["apt-cache", "show", "--no-all-versions", KERNEL_META])
    for line in out.splitlines():
        if line.startswith("Depends:"):
            for dep in line[len("Depends:"):].split(","):
                name = dep.split()[0]
                if name.startswith("linux-image-"):
                    return name
    raise BuildError("%s depends on no linux-image package" % KERNEL_META)


def apt_download(names, dest):
    """apt-get download @names into @dest."""
    run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root"]
        + names, cwd=dest)


def with_fresh_lists(fn, *args):
    """fn(*args), once more after apt-get update if it fails as root: the
    package lists may be missing (a fresh machine) or stale (a superseded
    kernel is gone from the archive)."""
    try:
        return fn(*args)
    except BuildError:
        if os.geteuid() != 0:
            raise
    run(["apt-get", "update", "-qq"])
    return fn(*args)


def fetch_debs(debs):
    """Return (kernel deb, busybox deb, guest agent deb), downloading
    them if not cached."""
    os.makedirs(debs, exist_ok=True)
    kernels = sorted(glob.glob(os.path.join(debs, "linux-image-*.deb")))
    busyboxes = sorted(glob.glob(os.path.join(debs, BUSYBOX + "_*.deb")))
    agents = sorted(glob.glob(os.path.join(debs, GUEST_AGENT + "_*.deb")))
    if not kernels or not busyboxes or not agents:
        with tempfile.TemporaryDirectory(dir=debs) as tmp:
            if not kernels:
                with_fresh_lists(
                    lambda: apt_download([kernel_package()], tmp))
            for name, have in ((BUSYBOX, busyboxes), (GUEST_AGENT, agents)):
                if not have:
                    with_fresh_lists(apt_download, [name], tmp)
            for f in os.listdir(tmp):
                os.rename(os.path.join(tmp, f), os.path.join(debs, f))
        return fetch_debs(debs)
    return kernels[-1], busyboxes[-1], agents[-1]


def shared_libraries(binary):
    """The shared libraries @binary loads, with the dynamic loader, as
    (path the loader looks for, file on this host) pairs, from ldd: the
    guest agent is Debian's, built for the libraries of this Debian."""
    out = run(["ldd", binary])
    libs = []
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts:
            path = parts[parts.index("=>") + 1]
        elif parts and parts[0].startswith("/"):
            path = parts[0]         # the loader
        else:
            continue                # linux-vdso.so.1
        if not path.startswith("/"):
            raise BuildError("%s: library not found: %s" % (binary, line))
        libs.append((path, os.path.realpath(path)))
    return libs


def module_info(path):
    """The depends= list from a module's .modinfo strings."""
    with open(path, "rb") as f:
        data = f.read()
    for field in data.split(b"\0"):
        if field.startswith(b"depends="):
            deps = field[len(b"depends="):].decode()
            return [d for d in deps.split(",") if d]
    return []


def module_order(moddir, wanted):
    """Module paths relative to @moddir, each after what it depends on."""
    index = {}
    for root, _dirs, files in os.walk(moddir):
        for f in files:
            if f.endswith(".ko"):
                index[f[:-3].replace("-", "_")] = os.path.join(root, f)
    order = []

    def visit(name, stack):
        if name in order:
            return
        if name in stack:
            raise BuildError("module dependency loop at %s" % name)
        if name not in index:
            raise BuildError("module %s not in %s" % (name, moddir))
        for dep in module_info(index[name]):
            visit(dep.replace("-", "_"), stack + [name])
        order.append(name)

    for name in wanted:
        visit(name, [])
    return [(name, index[name]) for name in order]


class Cpio:
    """A newc ("070701") archive, written entry by entry."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def _entry(self, name, mode, body=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(body), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        self.data += b"070701" + b"".join(b"%08x" % v for v in fields)
        self.data += name_b
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += body
        self.data += b"\0" * (-len(self.data) % 4)

    def dir(self, name):
        self._entry(name, 0o040755, nlink=2)

    def file(self, name, body, mode=0o644):
        self._entry(name, 0o100000 | mode, body)

    def chardev(self, name, major, minor):
        self._entry(name, 0o020600, rdev=(major, minor))

    def symlink(self, name, target):
        self._entry(name, 0o120777, target.encode())

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return bytes(self.data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def add_guest_agent(cpio, qga_root):
    """qemu-ga, its libraries at the paths it looks for them, and what
    its commands read or run."""
    found = glob.glob(os.path.join(qga_root, "usr", "*bin", "qemu-ga"))
    if len(found) != 1:
        raise BuildError("no qemu-ga in the %s package" % GUEST_AGENT)
    qga = found[0]
    dirs = {"usr", "usr/sbin", "sbin", "run", "var"}
    libs = shared_libraries(qga)
    for path, _real in libs:
        parent = os.path.dirname(path).strip("/")
        while parent:
            dirs.add(parent)
            parent = os.path.dirname(parent)
    for d in sorted(dirs - set(BASE_DIRS), key=lambda x: (x.count("/"), x)):
        cpio.dir(d)
    cpio.symlink("var/run", "/run")
    cpio.file(QEMU_GA, read(qga), 0o755)
    for path, real in libs:
        cpio.file(path.strip("/"), read(real), 0o755)
    cpio.file("sbin/shutdown", SHUTDOWN, 0o755)
    # guest-set-time runs /sbin/hwclock to set the RTC too
    cpio.symlink("sbin/hwclock", "/bin/busybox")
    cpio.file("etc/os-release", OS_RELEASE)


def build_initramfs(busybox_root, qga_root, moddir, agent):
    cpio = Cpio()
    for d in BASE_DIRS:
        cpio.dir(d)
    # The kernel opens /dev/console for /init before anything is mounted.
    cpio.chardev("dev/console", 5, 1)
    cpio.file("init", read(os.path.join(HERE, "init.sh")), 0o755)
    cpio.file("bin/busybox", read(os.path.join(busybox_root, "bin", "busybox")),
              0o755)
    cpio.file("bin/vmagent", read(agent), 0o755)
    add_guest_agent(cpio, qga_root)
    names = []
    for name, path in module_order(moddir, MODULES):
        cpio.file("lib/modules/%s.ko" % name, read(path))
        names.append(name)
    cpio.file("etc/vm-modules", ("\n".join(names) + "\n").encode())
    return cpio.finish()


def stamp_of(debs, agent):
    """What the images are made of: the packages, our files and the host
    libraries qemu-ga would load (their versions, by file name)."""
    h = hashlib.sha256()
    for part in debs:
        h.update(os.path.basename(part).encode() + b"\0")
    for path in (agent, os.path.join(HERE, "init.sh"), os.path.abspath(__file__)):
        h.update(read(path))
    for lib in ("libc.so.6", "libglib-2.0.so.0"):
        for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"):
            if os.path.exists(os.path.join(d, lib)):
                h.update(os.path.realpath(os.path.join(d, lib)).encode())
                break
    return h.hexdigest()


def build(out, agent, debs):
    kernel_deb, busybox_deb, qga_deb = debs
    work = os.path.join(out, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    kroot = os.path.join(work, "kernel")
    broot = os.path.join(work, "busybox")
    qroot = os.path.join(work, "qemu-ga")
    run(["dpkg-deb", "-x", kernel_deb, kroot])
    run(["dpkg-deb", "-x", busybox_deb, broot])
    run(["dpkg-deb", "-x", qga_deb, qroot])
    vmlinuz = glob.glob(os.path.join(kroot, "boot", "vmlinuz-*"))
    moddirs = glob.glob(os.path.join(kroot, "lib", "modules", "*"))
    if len(vmlinuz) != 1 or len(moddirs) != 1:
        raise BuildError("%s: expected one vmlinuz and one module tree"
                         % kernel_deb)
    initrd = build_initramfs(broot, qroot, moddirs[0], agent)
    shutil.copyfile(vmlinuz[0], os.path.join(out, "vmlinuz.tmp"))
    with open(os.path.join(out, "initrd.img.tmp"), "wb") as f:
        f.write(initrd)
    os.rename(os.path.join(out, "vmlinuz.tmp"), os.path.join(out, "vmlinuz"))
    os.rename(os.path.join(out, "initrd.img.tmp"),
              os.path.join(out, "initrd.img"))
    shutil.rmtree(work, ignore_errors=True)
    return os.path.basename(vmlinuz[0])


def ensure(out, agent):
    """Build into @out unless it is up to date; returns a dict with the
    paths "kernel" and "initrd", and "version" (the vmlinuz file name).
    Raises BuildError."""
    if not os.path.exists(agent):
        raise BuildError("%s was not built" % agent)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        debs = fetch_debs(os.path.join(out, "debs"))
        stamp = stamp_of(debs, agent)
        stamp_path = os.path.join(out, "stamp.json")
        try:
            with open(stamp_path) as f:
                old = json.load(f)
        except (OSError, ValueError):
            old = {}
        if old.get("stamp") != stamp or not all(
                os.path.exists(os.path.join(out, f))
                for f in ("vmlinuz", "initrd.img")):
            version = build(out, agent, debs)
            with open(stamp_path, "w") as f:
                json.dump({"stamp": stamp, "version": version}, f)
            old = {"stamp": stamp, "version": version}
    return {"kernel": os.path.join(out, "vmlinuz"),
            "initrd": os.path.join(out, "initrd.img"),
            "version": old["version"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", required=True, help="the static vmagent")
    parser.add_argument("out", help="output directory (build tree)")
    args = parser.parse_args(argv)
    try:
        print(json.dumps(ensure(os.path.abspath(args.out),
                                os.path.abspath(args.agent))))
    except BuildError as e:
        print("mkguest: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
