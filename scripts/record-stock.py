#!/usr/bin/env python3
"""Re-records tests/stockdata/: what stock libvirtd 9.0 makes of domain XML.

For each case, on a fresh stock libvirtd host (tests/integration/
stockhost.py, so domain ids start at 1), it defines the input XML and
records ``virsh dumpxml --inactive``; when the case runs, it starts the
guest (TCG) and records ``virsh dumpxml`` (live), ``virsh dumpxml
--migratable`` and the QEMU command line from /proc/PID/cmdline.  With
virt-install present it first regenerates the two virt-install inputs
(tests/stockdata/virt-install-{q35,pc}.xml) with ``--print-xml``.

Paths are mapped: the inputs name stable paths (/var/lib/libvirt/images,
/srv/virtmig/...), the guests run on real files in a temporary directory,
and the outputs are mapped back.  Pseudo-terminal numbers become
/dev/pts/0.  Run as root from the top of the tree after a build:

    python3 scripts/record-stock.py [--builddir build] [--only CASE...]

tests/stockdata/README.rst says what each file is.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SRCDIR = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "integration"))
import stockhost  # noqa: E402

DATA = os.path.join(SRCDIR, "tests", "stockdata")
INPUTS = os.path.join(SRCDIR, "tests", "domainxmldata")

# Stable path in the inputs and outputs -> directory under the work dir.
PATHS = (
    ("/srv/virtmig/build/tests/guest", "guest"),
    ("/srv/virtmig/build/tests/linuxguest", "linuxguest"),
    ("/srv/virtmig/run", "run"),
    ("/var/lib/libvirt/images", "images"),
    ("/var/log/virtmig", "log"),
)

# name, input file, whether it runs under TCG here.  The virt-install
# inputs stay beside the data until the domain model accepts them (the
# unit tests take every tests/domainxmldata/NAME.xml as a valid input).
CASES = (
    ("virt-install-q35", os.path.join(DATA, "virt-install-q35.xml"), True),
    ("virt-install-pc", os.path.join(DATA, "virt-install-pc.xml"), True),
    ("minimal", os.path.join(INPUTS, "minimal.xml"), True),
    ("test-guest", os.path.join(INPUTS, "test-guest.xml"), True),
    ("vnc-default-listen", os.path.join(INPUTS, "vnc-default-listen.xml"), True),
    ("cpu-custom", os.path.join(INPUTS, "cpu-custom.xml"), True),
    ("linux-guest", os.path.join(DATA, "linux-guest.xml"), True),
    ("tune", os.path.join(INPUTS, "tune.xml"), True),
)

VIRT_INSTALL = {
    "virt-install-q35": ("q35", "11111111-2222-3333-4444-555555555535"),
    "virt-install-pc": ("pc", "11111111-2222-3333-4444-555555555501"),
}


def virt_install_argv(uri, name, machine, uuid, disk):
    """The virt-install command of a virt-install case (README.rst)."""
    return ["virt-install", "--connect", uri, "--print-xml",
            "--name", name, "--uuid", uuid,
            "--virt-type", "qemu", "--machine", machine,
            "--memory", "512", "--vcpus", "1", "--osinfo", "debian11",
            "--import",
            "--disk", disk + ",format=qcow2,bus=virtio",
            "--network", "user,model=virtio,mac=52:54:00:12:34:56",
            "--graphics", "vnc",
            "--channel", "unix,target.type=virtio,name=org.qemu.guest_agent.0",
            "--rng", "/dev/urandom",
            "--input", "tablet,bus=usb"]


class Recorder:
    def __init__(self, builddir, work):
        self.builddir = builddir
        self.work = work
        self.host = stockhost.StockHost(
            "stockrec", "127.0.0.9", root=os.path.join(work, "host"),
            qemu_conf={"vnc_listen": None, "spice_listen": None})
        for _, sub in PATHS:
            os.makedirs(os.path.join(work, sub), exist_ok=True)
        shutil.copy(os.path.join(builddir, "tests", "guest", "guest.elf"),
                    os.path.join(work, "guest", "guest.elf"))
        # The Linux guest's kernel and initramfs (tests/linuxguest): built
        # by its test on first use; without them its case is not started.
        for f in ("vmlinuz", "initrd.img"):
            src = os.path.join(builddir, "tests", "linuxguest", f)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(work, "linuxguest", f))

    def to_real(self, text):
        for stable, sub in PATHS:
            text = text.replace(stable, os.path.join(self.work, sub))
        return text

    def to_stable(self, text):
        for stable, sub in PATHS:
            text = text.replace(os.path.join(self.work, sub), stable)
        return re.sub(r"/dev/pts/[0-9]+", "/dev/pts/0", text)

    def virsh(self, *args):
        res = subprocess.run(["virsh", "-q", "-c", self.host.uri] + list(args),
                             capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise RuntimeError("virsh %s: %s" % (" ".join(args), res.stderr.strip()))
        return res.stdout.rstrip("\n") + "\n"

    def make_images(self, xml):
        """qcow2 images for the disks an input names under images/."""
        for path in re.findall(r"<source file=['\"]([^'\"]+)['\"]", xml):
            if path.startswith(self.work) and not os.path.exists(path):
                subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                                path, "1G"], check=True)

    def gen_virt_install(self, case):
        machine, uuid = VIRT_INSTALL[case]
        disk = os.path.join(self.work, "images", case + ".qcow2")
        self.make_images("<source file='%s'/>" % disk)
        res = subprocess.run(virt_install_argv(self.host.uri, case, machine,
                                               uuid, disk),
                             capture_output=True, text=True, timeout=120,
                             check=True)
        write(os.path.join(DATA, case + ".xml"), self.to_stable(res.stdout))

    def record(self, case, infile, runs):
        with open(infile) as f:
            xml = self.to_real(f.read())
        self.make_images(xml)
        name = re.search(r"<name>([^<]+)</name>", xml).group(1)
        xmlpath = write(os.path.join(self.work, case + ".xml"), xml)
        out = {}
        try:
            self.virsh("define", xmlpath)
        except RuntimeError as e:
            out["inactive.xml"] = "<!-- stock refused to define it: %s -->\n" % e
            return out
        out["inactive.xml"] = self.virsh("dumpxml", "--inactive", name)
        missing = [p for p in re.findall(r"<(?:kernel|initrd)>([^<]+)<", xml)
                   if not os.path.exists(p)]
        if runs and missing:
            print("%s: not started, missing %s" % (case, ", ".join(missing)))
            runs = False
        if runs:
            self.virsh("start", name)
            out["live.xml"] = self.virsh("dumpxml", name)
            out["migratable.xml"] = self.virsh("dumpxml", "--migratable", name)
            out["args"] = format_argv(self.host.qemu_pid(name))
            self.virsh("destroy", name)
        self.virsh("undefine", "--nvram", name)
        return out

    def run_case(self, case, infile, runs, gen):
        self.host.start()
        try:
            if gen and case in VIRT_INSTALL:
                self.gen_virt_install(case)
            out = self.record(case, infile, runs)
        finally:
            self.host.stop()
        for kind, text in out.items():
            sep = "." if kind == "args" else "-"
            write(os.path.join(DATA, case + sep + kind), self.to_stable(text))
        print("%s: %s" % (case, ", ".join(sorted(out))))


def format_argv(pid):
    """QEMU's argv, one option and its value per line, shell-quoted."""
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        argv = f.read().decode().split("\0")[:-1]
    lines = [shlex.quote(argv[0])]
    i = 1
    while i < len(argv):
        line = shlex.quote(argv[i])
        if i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            line += " " + shlex.quote(argv[i + 1])
            i += 1
        lines.append(line)
        i += 1
    return " \\\n".join(lines) + "\n"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def versions():
    def first_line(*cmd):
        res = subprocess.run(cmd, capture_output=True, text=True)
        return (res.stdout or res.stderr).strip().splitlines()[0]

    def deb(pkg):
        res = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                             capture_output=True, text=True)
        return res.stdout.strip() or "not installed"

    text = "libvirtd: %s\n" % first_line(stockhost.LIBVIRTD, "--version")
    text += "qemu: %s\n" % first_line("qemu-system-x86_64", "--version")
    if shutil.which("virt-install"):
        text += "virt-install: %s\n" % first_line("virt-install", "--version")
    for pkg in ("libvirt-daemon", "libvirt-daemon-driver-qemu", "qemu-system-x86",
                "virtinst", "osinfo-db"):
        text += "package %s: %s\n" % (pkg, deb(pkg))
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--builddir", default=os.path.join(SRCDIR, "build"))
    ap.add_argument("--only", nargs="*", help="cases to record (default: all)")
    ap.add_argument("--no-virt-install", action="store_true",
                    help="keep the stored virt-install inputs")
    opts = ap.parse_args()
    reason = stockhost.unavailable_reason()
    if reason:
        sys.exit("record-stock: " + reason)
    gen = not opts.no_virt_install
    if gen and not shutil.which("virt-install"):
        print("virt-install is missing: keeping the stored virt-install inputs")
        gen = False
    os.makedirs(DATA, exist_ok=True)
    work = tempfile.mkdtemp(prefix="virtmig-record-stock-")
    try:
        rec = Recorder(os.path.abspath(opts.builddir), work)
        for case, infile, runs in CASES:
            if not opts.only or case in opts.only:
                rec.run_case(case, infile, runs, gen)
        if not opts.only:
            write(os.path.join(DATA, "versions.txt"), versions())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
