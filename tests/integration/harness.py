"""Shared helpers for the integration tests: virtmigd hosts under
temporary roots, stock virsh, and the libvirt python binding.

Every test script is run by meson with VIRTMIG_BUILDDIR set; it exits 0 on
success, 1 on failure and 77 (skip, with the reason printed) when a
required tool is missing.
"""

import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BUILDDIR = os.environ.get("VIRTMIG_BUILDDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", "build"))
VIRTMIGD = os.path.join(BUILDDIR, "src", "daemon", "virtmigd")
VIRSH = shutil.which("virsh")
SRCDIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# Under AddressSanitizer (scripts/run-tests.py asan:*) freed memory sits
# in its quarantine, so a daemon's RSS says nothing about leaks there;
# LeakSanitizer checks them instead.
SANITIZED = "ASAN_OPTIONS" in os.environ


def time_bound(seconds):
    """A latency bound of @seconds, three times as long under the
    sanitizers: they slow the daemon down several times, and the asan
    suites look for memory errors; the gcc suites hold the real bound."""
    return seconds * 3 if SANITIZED else seconds


def check_rss_growth(test, kib, bound_kib):
    """Fails @test when a daemon's RSS grew by @kib >= @bound_kib."""
    if SANITIZED:
        print("RSS bound not checked: the daemon runs under AddressSanitizer")
        return
    test.assertLess(kib, bound_kib)


def require(*tools):
    """Exit 77 with a reason when a tool the test needs is missing."""
    for tool in tools:
        if tool == "virsh" and not VIRSH:
            print("SKIP: stock virsh (libvirt-clients) is not installed")
            sys.exit(77)
        if tool == "libvirt":
            try:
                import libvirt  # noqa: F401
            except ImportError:
                print("SKIP: python3-libvirt is not installed")
                sys.exit(77)
        if tool == "qemu" and not shutil.which("qemu-system-x86_64"):
            print("SKIP: qemu-system-x86_64 is not installed")
            sys.exit(77)
        if tool == "go" and not shutil.which("go"):
            print("SKIP: go (golang-go) is not installed")
            sys.exit(77)
    if not os.path.exists(VIRTMIGD):
        print("FAIL: %s was not built" % VIRTMIGD)
        sys.exit(1)


def artifact_dir(test):
    """A fresh directory for what @test keeps for people to look at
    (screenshots, logs): $VIRTMIG_ARTIFACTS/@test, by default
    <builddir>/meson-logs/artifacts/@test.  Emptied first: it holds the
    last run's only."""
    base = os.environ.get("VIRTMIG_ARTIFACTS") or os.path.join(
        BUILDDIR, "meson-logs", "artifacts")
    path = os.path.join(base, test)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# VNC/SPICE autoport ranges, one block per host of this machine.  Every
# daemon (virtmigd and stock alike) takes the lowest port it can bind, so
# two hosts starting guests at the same moment in tests that run side by
# side both pick 5900 and one QEMU dies; a block locked with flock() is
# this process's until it exits, whoever else runs.
DISPLAY_BLOCK = 16
DISPLAY_BLOCKS = (5900, 32768)
_display_locks = []


def display_ports():
    """(min, max) of a display port block no other test process holds."""
    lockdir = os.path.join(tempfile.gettempdir(), "virtmig-display-ports")
    os.makedirs(lockdir, exist_ok=True)
    for base in range(DISPLAY_BLOCKS[0], DISPLAY_BLOCKS[1], DISPLAY_BLOCK):
        fd = os.open(os.path.join(lockdir, str(base)),
                     os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _display_locks.append(fd)
        return base, base + DISPLAY_BLOCK - 1
    raise RuntimeError("no free display port block in %s" % lockdir)


class Host:
    """One virtmigd instance: one host with its own root directory.

    With @image_view (a directory path, the same for every host of a
    test) the daemon, and every QEMU it starts, runs in a mount namespace
    of its own where its directory @images (ROOT/images) is mounted on
    @image_view: two hosts see two different disks under one path, as two
    machines with local storage do, so that a storage migration really
    copies and a migration without it really is unsafe.  The test writes
    and reads a host's images through host.images."""

    def __init__(self, name, conf=None, root=None, image_view=None):
        self.name = name
        self.root = root or tempfile.mkdtemp(prefix="virtmig-%s-" % name)
        self.image_view = image_view
        self.images = os.path.join(self.root, "images")
        self.conf = dict(conf or {})
        self.conf.setdefault("host_name", name)
        if "remote_display_port_min" not in self.conf:
            low, high = display_ports()
            self.conf["remote_display_port_min"] = low
            self.conf["remote_display_port_max"] = high
        self.proc = None
        self.tcp_port = None

    @property
    def sock(self):
        return os.path.join(self.root, "run", "virtmigd-sock")

    @property
    def sock_ro(self):
        return os.path.join(self.root, "run", "virtmigd-sock-ro")

    @property
    def uri(self):
        return "qemu+unix:///system?socket=" + self.sock

    @property
    def uri_ro(self):
        return "qemu+unix:///system?socket=" + self.sock_ro

    @property
    def tcp_uri(self):
        return "qemu+tcp://127.0.0.1:%d/system" % self.tcp_port

    @property
    def log(self):
        return os.path.join(self.root, "log", "virtmigd.log")

    def enable_tcp(self):
        self.tcp_port = free_port()
        self.conf["listen_tcp"] = "127.0.0.1:%d" % self.tcp_port

    def write_conf(self):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, "virtmigd.conf"), "w") as f:
            for k, v in self.conf.items():
                f.write('%s = "%s"\n' % (k, v) if isinstance(v, str)
                        else "%s = %s\n" % (k, v))

    def command(self, extra_args=()):
        """The daemon's command line (in its own mount namespace with
        @image_view; unshare execs, so the pid stays the daemon's)."""
        cmd = [VIRTMIGD, "--root", self.root] + list(extra_args)
        if not self.image_view:
            return cmd
        os.makedirs(self.images, exist_ok=True)
        os.makedirs(self.image_view, exist_ok=True)
        return ["unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", 'mount --bind "$1" "$2" && shift 2 && exec "$@"',
                "sh", self.images, self.image_view] + cmd

    def start(self, extra_args=(), wait=True):
        self.write_conf()
        self.stderr = open(os.path.join(self.root, "stderr.log"), "ab")
        self.proc = subprocess.Popen(self.command(extra_args),
                                     stdout=self.stderr, stderr=self.stderr)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("virtmigd %s exited with %d: %s" %
                                   (self.name, self.proc.returncode,
                                    self.read_stderr()))
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(self.sock)
                    return
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("virtmigd %s not ready after %ss" % (self.name, timeout))

    def read_stderr(self):
        try:
            with open(os.path.join(self.root, "stderr.log")) as f:
                return f.read()
        except OSError:
            return ""

    def read_log(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if getattr(self, "stderr", None):
            self.stderr.close()
            self.stderr = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode if self.proc else None

    def pid(self):
        return self.proc.pid

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cleanup(self):
        """Stops the daemon, kills any QEMU it leaves behind (a daemon
        leaves its guests running when it stops, and a failed test may
        not have destroyed them), and removes the root."""
        try:
            self.stop()
        finally:
            for pid in qemu_pids_under(self.root):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            shutil.rmtree(self.root, ignore_errors=True)


def capabilities_for_schema(caps):
    """@caps with the '.' of host CPU feature names (libvirt's "sse4.1",
    "sse4.2") made '-': capability.rng of libvirt 9.0 allows no '.' in a
    host CPU feature, although libvirt's own CPU map spells them so and
    stock libvirtd 9.0 on this machine writes both into its capabilities,
    which then fail the schema the same way.  Every other name is
    checked as it is."""
    return re.sub(r"(<feature name='[a-z0-9]+)\.([0-9])'", r"\1-\2'", caps)


def virsh(uri, *args, check=True, timeout=60, readonly=False):
    cmd = [VIRSH, "-q"] + (["-r"] if readonly else []) + ["-c", uri] + list(args)
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (" ".join(cmd),
                             res.returncode, res.stdout, res.stderr))
    return res


def main():
    """Run the unittest cases of the calling module; exit 0/1."""
    prog = unittest.main(exit=False, verbosity=2)
    sys.exit(0 if prog.result.wasSuccessful() else 1)


GUEST_ELF = os.path.join(BUILDDIR, "tests", "guest", "guest.elf")
sys.path.insert(0, os.path.join(SRCDIR, "tests", "guest"))


def require_guest():
    require("qemu")
    if not os.path.exists(GUEST_ELF):
        print("FAIL: the test guest %s was not built" % GUEST_ELF)
        sys.exit(1)


# What the test guests get on top of their whole MiB of RAM.  QEMU before
# 9.0 (Debian 12 has 7.2) loses guest stores during a TCG migration when a
# RAM block's size is a multiple of 256 KiB: the fast path of its
# dirty-bitmap sync clears bits without resetting the TCG TLB, so stores
# through an entry that outlives the sync are never sent.  The guest's
# invlpg before each burst of stores (tests/guest/guest.h) only narrows
# that window, and a loaded CI machine still hit it now and then (a
# CORRUPT guest in test_tune and test_migrate_v3).  With 8 KiB more the
# sync goes page by page and resets the TLB.  tests/linuxguest does the
# same.  A guest that a stock libvirtd host runs gets pad_kib=0: stock
# starts only whole MiB and its QEMU refuses an incoming guest of another
# size ("Machine memory size does not match the size of the memory
# backend").
TCG_PAD_KIB = 8
GUEST_KIB = 64 * 1024 + TCG_PAD_KIB


def guest_xml(name, serial_log, memory_mib=64, cmdline="hb_ms=100 wss_mib=8",
              uuid=None, memory_kib=None, pad_kib=TCG_PAD_KIB):
    """Domain XML for the project's test guest, heartbeat to @serial_log,
    with @memory_mib MiB + @pad_kib KiB of RAM, or exactly @memory_kib."""
    if not memory_kib:
        memory_kib = memory_mib * 1024 + pad_kib
    memory = "<memory unit='KiB'>%d</memory>" % memory_kib
    return """<domain type='qemu'>
  <name>%s</name>%s
  %s
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <cmdline>%s</cmdline>
  </os>
  <devices>
    <serial type='file'>
      <source path='%s' append='on'/>
    </serial>
    <controller type='usb' model='none'/>
    <video>
      <model type='none'/>
    </video>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, "\n  <uuid>%s</uuid>" % uuid if uuid else "", memory,
       GUEST_ELF, cmdline, serial_log)


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def domstate(host, name):
    """`virsh domstate --reason` of @name on @host ("running (migrated)"),
    or None when @host has no such domain."""
    res = virsh(host.uri, "domstate", "--reason", name, check=False)
    return res.stdout.strip() if res.returncode == 0 else None


class TwoHostGuests:
    """Mixin of the unittest cases that move guests between their hosts
    self.a and self.b."""

    def state(self, host, name):
        return domstate(host, name)

    def cleanup_guest(self, *names):
        """Removes @names from both hosts, whatever state they are in."""
        for h in (self.a, self.b):
            for name in names:
                virsh(h.uri, "destroy", name, check=False)
                virsh(h.uri, "undefine", name, check=False)


class TwoHostsCase(TwoHostGuests):
    """Mixin: virtmigd hosts self.a and self.b (migrating on 127.0.0.1)
    for the whole class (with the daemon settings @host_conf adds), a
    temporary directory self.tmp for each test."""

    host_conf = {}

    @classmethod
    def setUpClass(cls):
        conf = dict(cls.host_conf, migration_host="127.0.0.1")
        cls.a = Host("hostA", conf=dict(conf)).start()
        cls.b = Host("hostB", conf=dict(conf)).start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="virtmig-%s-" % type(self).__name__)
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def move_live(self, src, dst, name, *opts):
        """`virsh migrate --live --unsafe OPTS` of @name from @src to @dst
        (--unsafe: both hosts use the one local image file); then its QEMU
        runs on @dst only."""
        res = virsh(src.uri, "migrate", "--live", "--unsafe", *opts, name,
                    dst.uri, check=False, timeout=300)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertEqual(qemu_pids_under(src.root), [])
        self.assertEqual(len(qemu_pids_under(dst.root)), 1)


def wait_for(predicate, timeout=10, step=0.02, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def qemu_pids_under(root):
    """PIDs of QEMU processes whose command line mentions @root."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"qemu-system-x86_64") and \
                any(root.encode() in c for c in cmd):
            pids.append(int(d))
    return pids
