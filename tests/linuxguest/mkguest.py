#!/usr/bin/env python3
"""Build the Linux test guest: a Debian kernel and a small initramfs.

Everything comes from Debian packages fetched with ``apt-get download``
(the cloud kernel and busybox-static, unpacked with ``dpkg-deb -x``) plus
two files of this directory: ``init.sh`` (the initramfs's /init) and the
static ``vmagent`` program meson builds from ``vmagent.c``.  Output, in
OUT (a directory of the build tree)::

    OUT/vmlinuz       the kernel, as Debian ships it
    OUT/initrd.img    newc cpio: busybox, vmagent, /init, virtio modules
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
# The drivers the guest needs that the cloud kernel builds as modules;
# what they depend on is found in the modules themselves.
MODULES = ["virtio_pci", "virtio_blk", "virtio_net", "virtio_console"]


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
    """Return (kernel deb, busybox deb), downloading them if not cached."""
    os.makedirs(debs, exist_ok=True)
    kernels = sorted(glob.glob(os.path.join(debs, "linux-image-*.deb")))
    busyboxes = sorted(glob.glob(os.path.join(debs, BUSYBOX + "_*.deb")))
    if not kernels or not busyboxes:
        with tempfile.TemporaryDirectory(dir=debs) as tmp:
            if not kernels:
                with_fresh_lists(
                    lambda: apt_download([kernel_package()], tmp))
            if not busyboxes:
                with_fresh_lists(apt_download, [BUSYBOX], tmp)
            for f in os.listdir(tmp):
                os.rename(os.path.join(tmp, f), os.path.join(debs, f))
        return fetch_debs(debs)
    return kernels[-1], busyboxes[-1]


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

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return bytes(self.data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def build_initramfs(busybox_root, moddir, agent):
    cpio = Cpio()
    for d in ("bin", "dev", "etc", "lib", "lib/modules", "proc", "sys"):
        cpio.dir(d)
    # The kernel opens /dev/console for /init before anything is mounted.
    cpio.chardev("dev/console", 5, 1)
    cpio.file("init", read(os.path.join(HERE, "init.sh")), 0o755)
    cpio.file("bin/busybox", read(os.path.join(busybox_root, "bin", "busybox")),
              0o755)
    cpio.file("bin/vmagent", read(agent), 0o755)
    names = []
    for name, path in module_order(moddir, MODULES):
        cpio.file("lib/modules/%s.ko" % name, read(path))
        names.append(name)
    cpio.file("etc/vm-modules", ("\n".join(names) + "\n").encode())
    return cpio.finish()


def stamp_of(kernel_deb, busybox_deb, agent):
    h = hashlib.sha256()
    for part in (os.path.basename(kernel_deb), os.path.basename(busybox_deb)):
        h.update(part.encode() + b"\0")
    for path in (agent, os.path.join(HERE, "init.sh"), os.path.abspath(__file__)):
        h.update(read(path))
    return h.hexdigest()


def build(out, agent, kernel_deb, busybox_deb):
    work = os.path.join(out, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    kroot = os.path.join(work, "kernel")
    broot = os.path.join(work, "busybox")
    run(["dpkg-deb", "-x", kernel_deb, kroot])
    run(["dpkg-deb", "-x", busybox_deb, broot])
    vmlinuz = glob.glob(os.path.join(kroot, "boot", "vmlinuz-*"))
    moddirs = glob.glob(os.path.join(kroot, "lib", "modules", "*"))
    if len(vmlinuz) != 1 or len(moddirs) != 1:
        raise BuildError("%s: expected one vmlinuz and one module tree"
                         % kernel_deb)
    initrd = build_initramfs(broot, moddirs[0], agent)
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
        kernel_deb, busybox_deb = fetch_debs(os.path.join(out, "debs"))
        stamp = stamp_of(kernel_deb, busybox_deb, agent)
        stamp_path = os.path.join(out, "stamp.json")
        try:
            with open(stamp_path) as f:
                old = json.load(f)
        except (OSError, ValueError):
            old = {}
        if old.get("stamp") != stamp or not all(
                os.path.exists(os.path.join(out, f))
                for f in ("vmlinuz", "initrd.img")):
            version = build(out, agent, kernel_deb, busybox_deb)
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
