#!/usr/bin/env python3
"""Self-test of the virtmig test guest against real QEMU (TCG).

1. boot: heartbeats within 2 s, seq continuous, state ok (-machine pc);
2. q35, -m 64 and an oversized working set: the clamp warning, then ok;
3. live migration by hand over QMP, twice (A to B to C), every QEMU
   appending to one serial log, 32 MiB of working set rewritten
   throughout: the same boot goes on, seq continuous, never CORRUPT;
4. damage the working set through QEMU's gdbstub (one word, then a stale
   copy of a whole page): the guest must say CORRUPT.

Usage: test-guest.py [GUEST_ELF]; default $GUEST_ELF, then
$VIRTMIG_BUILDDIR/tests/guest/guest.elf.  Exit 0 pass, 1 fail, 77 skip.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestlog  # noqa: E402

QEMU = shutil.which("qemu-system-x86_64")
PAGE = 4096
MIGRATE_APPEND = "wss_mib=32"  # rewritten as fast as the guest can


class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)
    print("  ok: %s" % what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_retry(family, addr, timeout):
    """Connect to addr, retrying while the peer is still starting."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.connect(addr)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Qmp:
    """A minimal synchronous QMP client on a unix socket."""

    def __init__(self, path, timeout=10):
        self.sock = connect_retry(socket.AF_UNIX, path, timeout)
        self.sock.settimeout(30)
        self.rfile = self.sock.makefile("rb")
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        line = self.rfile.readline()
        if not line:
            raise TestFailure("QMP connection closed")
        return json.loads(line)

    def cmd(self, name, **args):
        """Run a command; return its 'return' value, skipping events."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "error" in reply:
                raise TestFailure("QMP %s: %s" % (name, reply["error"]))
            if "return" in reply:
                return reply["return"]

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})

    def close(self):
        self.rfile.close()
        self.sock.close()


class Gdb:
    """Just enough of the GDB remote protocol to read and write memory.

    QEMU stops the VM when a debugger connects; detach resumes it.  Memory
    addresses are the CPU's, which are physical here (paging is off).
    """

    CHUNK = 1024

    def __init__(self, port, timeout=10):
        self.sock = connect_retry(socket.AF_INET, ("127.0.0.1", port), timeout)
        self.sock.settimeout(30)
        self.buf = b""
        self.cmd("?")

    def _byte(self):
        if not self.buf:
            self.buf = self.sock.recv(65536)
            if not self.buf:
                raise TestFailure("gdbstub connection closed")
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def _send(self, payload):
        data = payload.encode()
        pkt = b"$%s#%02x" % (data, sum(data) % 256)
        while True:
            self.sock.sendall(pkt)
            ack = self._byte()
            if ack == b"+":
                return

    def _recv(self):
        while self._byte() != b"$":
            pass
        payload = b""
        while (b := self._byte()) != b"#":
            payload += b
        self._byte()
        self._byte()
        self.sock.sendall(b"+")
        return payload.decode()

    def cmd(self, payload):
        """Send a packet and return its reply.

        QEMU may also send a stop notification of its own when a debugger
        attaches; those are skipped except as the answer to '?'.
        """
        self._send(payload)
        reply = self._recv()
        while payload != "?" and reply[:1] in ("T", "S"):
            reply = self._recv()
        return reply

    def read(self, addr, size):
        out = b""
        for off in range(0, size, self.CHUNK):
            n = min(self.CHUNK, size - off)
            out += bytes.fromhex(self.cmd("m%x,%x" % (addr + off, n)))
        return out

    def write(self, addr, data):
        for off in range(0, len(data), self.CHUNK):
            part = data[off:off + self.CHUNK]
            reply = self.cmd("M%x,%x:%s" % (addr + off, len(part), part.hex()))
            if reply != "OK":
                raise TestFailure("gdbstub write at %#x: %s" % (addr, reply))

    def cont(self):
        self._send("c")

    def interrupt(self):
        self.sock.sendall(b"\x03")
        return self._recv()

    def detach(self):
        self.cmd("D")
        self.sock.close()


class Qemu:
    """One qemu-system-x86_64 running the test guest, with a QMP socket."""

    def __init__(self, tmp, name, guest, serial, append, machine="pc",
                 mem=128, extra=()):
        self.name = name
        self.qmp_path = os.path.join(tmp, name + ".qmp")
        self.stderr_path = os.path.join(tmp, name + ".stderr")
        argv = [QEMU, "-machine", machine, "-accel", "tcg", "-m", str(mem),
                "-nodefaults", "-no-user-config", "-display", "none",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-kernel", guest, "-append", append] + serial + list(extra)
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=err)
        try:
            self.qmp = Qmp(self.qmp_path)
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise

    def status(self):
        return self.qmp.cmd("query-status")["status"]

    def read_u32(self, addr, count=1):
        """Read guest-physical 32-bit words through HMP 'xp'."""
        text = self.qmp.hmp("xp /%dwx %#x" % (count, addr))
        words = []
        for line in text.splitlines():
            words += [int(w, 16) for w in line.split(":", 1)[1].split()]
        return words

    def stop(self):
        try:
            self.qmp.cmd("quit")
        except (OSError, TestFailure):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.qmp.close()


def show_log(path, head=3, tail=3):
    """Print the start and the end of a serial log."""
    lines = guestlog.read_lines(path)
    print("  --- %s (%d lines)" % (os.path.basename(path), len(lines)))
    shown = lines if len(lines) <= head + tail else (
        lines[:head] + ["..."] + lines[-tail:])
    for line in shown:
        print("  | " + line)


def test_boot(tmp, guest):
    print("boot: -machine pc -m 128, wss_mib=16, -serial file:")
    log = os.path.join(tmp, "boot.log")
    t0 = time.monotonic()
    vm = Qemu(tmp, "boot", guest, ["-serial", "file:" + log], "wss_mib=16")
    try:
        guestlog.wait_for_lines(log, 1, 2.0)
        first = time.monotonic() - t0
        time.sleep(max(0.0, 3.0 - (time.monotonic() - t0)))
        ran = time.monotonic() - t0 - first
    finally:
        vm.stop()
    show_log(log)
    check(first < 2.0, "first heartbeat %.3f s after starting QEMU" % first)
    v = guestlog.check_continuity(log)
    check(v.ok, v.summary())
    want = ran / 0.1
    check(0.75 * want <= v.heartbeats - 1 <= 1.25 * want + 1,
          "%d heartbeats in %.2f s at hb_ms=100" % (v.heartbeats, ran))


def test_q35_clamp(tmp, guest):
    print("boot: -machine q35 -m 64, wss_mib=100 rate_mib_s=8 hb_ms=50")
    log = os.path.join(tmp, "q35.log")
    serial = ["-chardev", "file,id=s0,path=%s,append=on" % log,
              "-serial", "chardev:s0"]
    vm = Qemu(tmp, "q35", guest, serial, "wss_mib=100 rate_mib_s=8 hb_ms=50",
              machine="q35", mem=64)
    try:
        guestlog.wait_for_lines(log, 20, 5.0)
    finally:
        vm.stop()
    show_log(log)
    warns = guestlog.parse_messages(log, "warn")
    info = guestlog.parse_info(log)
    check(len(warns) == 1 and warns[0].startswith("wss clamped to "),
          "one clamp warning: %r" % warns)
    mib = int(warns[0].split()[3])
    check(32 <= mib < 64 and info.get("wss_mib") == str(mib),
          "working set clamped to %d MiB of 64" % mib)
    v = guestlog.check_continuity(log)
    check(v.ok, v.summary())


def migrate(src, port, timeout=60.0):
    """Migrate src to tcp:127.0.0.1:port; return the final query-migrate."""
    src.qmp.cmd("migrate-set-parameters",
                **{"max-bandwidth": 1 << 30, "downtime-limit": 300})
    src.qmp.cmd("migrate", uri="tcp:127.0.0.1:%d" % port)
    deadline = time.monotonic() + timeout
    while True:
        info = src.qmp.cmd("query-migrate")
        status = info.get("status")
        if status == "completed":
            return info
        if status in ("failed", "cancelled"):
            raise TestFailure("migration %s: %s"
                              % (status, info.get("error-desc")))
        if time.monotonic() > deadline:
            src.qmp.cmd("migrate_cancel")
            raise TestFailure("migration did not converge in %.0f s: %s"
                              % (timeout, info))
        time.sleep(0.02)


def page_gen(vm, base, page=0):
    """Generation stored in a working-set page (word 1 of the page)."""
    return vm.read_u32(base + page * PAGE + 4)[0]


def sample_gens(vm, base, npages, count=16):
    """Generations of count pages spread over the working set."""
    return [page_gen(vm, base, i * npages // count) for i in range(count)]


def migrate_hop(tmp, guest, log, src, name):
    """Migrate src live to a new QEMU called name; returns the new QEMU.

    Checks that the working set was rewritten while migrating (sampled
    pages got newer generations) and, 2 s after the switch-over, that every
    page has been verified at least once on the destination (page 0 is two
    generations further).  The new QEMU is stopped if anything fails.
    """
    serial = ["-chardev", "file,id=s0,path=%s,append=on" % log,
              "-serial", "chardev:s0"]
    port = free_port()
    dst = Qemu(tmp, name, guest, serial, MIGRATE_APPEND,
               extra=["-incoming", "tcp:127.0.0.1:%d" % port])
    try:
        check_hop(log, src, dst, port)
    except BaseException:
        dst.stop()
        raise
    return dst


def check_hop(log, src, dst, port):
    info = guestlog.parse_info(log)
    base = int(info["wss_base"], 16)
    npages = int(info["wss_mib"]) * 256
    before = sample_gens(src, base, npages)
    stats = migrate(src, port)
    after = sample_gens(src, base, npages)
    check(src.status() == "postmigrate", "source is in postmigrate")
    check(dst.status() == "running", "destination is running")
    seen = len(guestlog.parse_log(log))
    guestlog.wait_for_lines(log, seen + 20, 10.0)
    later = page_gen(dst, base)
    ram = stats.get("ram", {})
    print("  migrated: total %s ms, downtime %s ms, %d dirty syncs, "
          "%.1f MiB sent" % (stats.get("total-time"), stats.get("downtime"),
                             ram.get("dirty-sync-count", 0),
                             ram.get("transferred", 0) / 2**20))
    moved = sum(1 for a, b in zip(before, after) if a != b)
    check(moved > 0, "working set rewritten while migrating (%d of %d "
          "sampled pages, page 0 generation %d -> %d)"
          % (moved, len(before), before[0], after[0]))
    check(later - after[0] >= 2, "every page verified on the destination "
          "(page 0 generation %d -> %d)" % (after[0], later))


def test_migration(tmp, guest):
    print("migration: pc -m 128, %s, two hops" % MIGRATE_APPEND)
    log = os.path.join(tmp, "migrate.log")
    serial = ["-chardev", "file,id=s0,path=%s,append=on" % log,
              "-serial", "chardev:s0"]
    vm = Qemu(tmp, "src", guest, serial, MIGRATE_APPEND)
    try:
        guestlog.follow(log)
        guestlog.wait_for_lines(log, 15, 5.0)
        for name in ("dst1", "dst2"):
            print("  hop to %s" % name)
            nxt = migrate_hop(tmp, guest, log, vm, name)
            vm.stop()
            vm = nxt
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
    finally:
        vm.stop()
        guestlog.unfollow(log)
    show_log(log)
    check(verdict.ok, verdict.summary())
    print("  largest gap between heartbeats: %.3f s" % verdict.max_gap_s)


def wait_for_corrupt(log, pred, timeout=5.0):
    """Wait for a 'corrupt' detail line whose fields satisfy pred."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for rest in guestlog.parse_messages(log, "corrupt"):
            fields = dict(kv.split("=", 1) for kv in rest.split())
            if pred(fields):
                return fields
        time.sleep(0.02)
    raise TestFailure("no matching corrupt line in %.0f s" % timeout)


def damage_stale_page(gport, base, page):
    """Put back an old, self-consistent copy of a page: a lost update."""
    gdb = Gdb(gport)
    old = gdb.read(base + page * PAGE, PAGE)
    gdb.cont()
    time.sleep(0.3)
    gdb.interrupt()
    now = gdb.read(base + page * PAGE, 8)
    check(now[4:8] != old[4:8], "page %d rewritten since it was copied" % page)
    gdb.write(base + page * PAGE, old)
    gdb.detach()
    return int.from_bytes(old[4:8], "little")


def damage_word(gport, base, pages, word):
    """Overwrite one word in several pages (one may be mid-rewrite)."""
    gdb = Gdb(gport)
    for page in pages:
        gdb.write(base + page * PAGE + 4 * word, b"\xde\xad\xbe\xef")
    gdb.detach()


def test_corruption(tmp, guest):
    print("corruption: pc -m 64, wss_mib=1, memory changed via gdbstub")
    log = os.path.join(tmp, "corrupt.log")
    gport = free_port()
    vm = Qemu(tmp, "corrupt", guest, ["-serial", "file:" + log], "wss_mib=1",
              mem=64, extra=["-gdb", "tcp:127.0.0.1:%d" % gport])
    try:
        guestlog.wait_for_lines(log, 5, 5.0)
        v = guestlog.check_continuity(log)
        check(v.ok, "healthy before damage: " + v.summary())
        base = int(guestlog.parse_info(log)["wss_base"], 16)
        gen = damage_stale_page(gport, base, 3)
        f = wait_for_corrupt(log, lambda f: f["page"] == "3")
        check(f["have_gen"] == str(gen) and f["word"] == "1",
              "stale page detected: %s" % f)
        damage_word(gport, base, (5, 6, 7), 25)
        f = wait_for_corrupt(log, lambda f: f["page"] in ("5", "6", "7"))
        check(f["word"] == "25", "damaged word detected: %s" % f)
        n = len(guestlog.parse_log(log))
        records = guestlog.wait_for_lines(log, n + 3, 5.0)
    finally:
        vm.stop()
    show_log(log, head=6)
    states = [r.state for r in records]
    first = states.index("CORRUPT")
    check(set(states[first:]) == {"CORRUPT"},
          "CORRUPT from seq %d on, for good" % records[first].seq)
    cli = subprocess.run([sys.executable, guestlog.__file__, log],
                         capture_output=True, text=True)
    print("  | " + cli.stdout.strip())
    check(cli.returncode == 1, "guestlog CLI exits 1 on CORRUPT")


def find_guest():
    if len(sys.argv) > 1:
        return sys.argv[1]
    if os.environ.get("GUEST_ELF"):
        return os.environ["GUEST_ELF"]
    builddir = os.environ.get("VIRTMIG_BUILDDIR", "build")
    return os.path.join(builddir, "tests", "guest", "guest.elf")


def show_stderr(tmp):
    for name in sorted(os.listdir(tmp)):
        path = os.path.join(tmp, name)
        if name.endswith(".stderr") and os.path.getsize(path):
            with open(path) as f:
                print("  --- %s\n%s" % (name, f.read().rstrip()))


def main():
    if not QEMU:
        print("SKIP: qemu-system-x86_64 is not installed")
        return 77
    guest = find_guest()
    if not os.path.exists(guest):
        print("FAIL: guest image %s does not exist" % guest)
        return 1
    tmp = tempfile.mkdtemp(prefix="virtmig-guest-test-")
    try:
        for test in (test_boot, test_q35_clamp, test_migration,
                     test_corruption):
            test(tmp, guest)
    except (TestFailure, TimeoutError, OSError) as e:
        print("FAIL: %s" % e)
        show_stderr(tmp)
        print("logs kept in %s" % tmp)
        return 1
    shutil.rmtree(tmp)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
