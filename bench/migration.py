"""Migration figures: the same guest, the same virsh flags, on both pairs.

One run defines the project's test guest (tests/guest) on the source,
starts it, waits for its heartbeat, then times ``virsh migrate --live``
to the destination while watching the guest's serial log.  It records:

- ``wall_s``: the virsh command, end to end (what a user waits for);
- ``total_ms`` / ``downtime_ms``: the job's elapsed time (from Begin, as
  libvirt counts it) and the downtime QEMU reported, from
  the completed job's statistics (python-libvirt ``jobStats``);
- ``gap_s``: the longest time between two heartbeats seen from outside;
- ``ok``: the guest moved live and intact (one boot, no seq gap, no
  CORRUPT), as the integration tests check it.

A run that does not finish within the scenario's limit is aborted
(``domjobabort``) and recorded with ``finished: false``.
"""

import collections
import itertools
import os
import re
import subprocess
import threading
import time
from datetime import datetime

import libvirt

import guestlog
import harness
import hosts
import test_linux_guest as linux  # noqa: I100 (sets the path of the next two)
import linuxlog
import mkguest

Scenario = collections.namedtuple(
    "Scenario", "name what memory_mib cmdline opts postcopy limit_s guests "
    "linux policy", defaults=(False, False))

# Guest names are unique over the whole run: a serial log is never reused.
_serial = itertools.count(1)

# Guests get whole MiB, as stock libvirtd gives every guest (it rounds
# memory up to a MiB).  bench.py --pad-kib N adds N KiB on the virtmig
# side only (stock would round it away): a size that is not a multiple
# of 256 KiB is the one QEMU 7.2 migrates a TCG guest safely with
# (tests/linuxguest/README.rst), and it costs QEMU a TLB walk per page in
# the first dirty-bitmap sync, which shows in Perform3.
pad_kib = 0

SCENARIOS = [
    Scenario("idle128", "test guest idle, 128 MiB",
             128, "hb_ms=100", (), False, 120, 1),
    Scenario("idle512", "test guest idle, 512 MiB",
             512, "hb_ms=100", (), False, 120, 1),
    Scenario("dirty256", "dirtying 256 MiB (512 MiB guest)",
             512, "hb_ms=100 wss_mib=256", (), False, 120, 1),
    Scenario("postcopy", "dirtying 256 MiB, post-copy after 0.3 s",
             512, "hb_ms=100 wss_mib=256", ("--postcopy",),
             True, 120, 1),
    Scenario("parallel", "dirtying 256 MiB, --parallel (4 connections)",
             512, "hb_ms=100 wss_mib=256",
             ("--parallel", "--parallel-connections", "4"), False, 120, 1),
    Scenario("compressed", "dirtying 256 MiB, --compressed (xbzrle)",
             512, "hb_ms=100 wss_mib=256",
             ("--compressed",), False, 120, 1),
    Scenario("limited", "--bandwidth 100 MiB/s, guest dirtying faster",
             512, "hb_ms=100 wss_mib=256 rate_mib_s=400",
             ("--bandwidth", "100"), False, 30, 1),
    # Each side's way to finish it: virtmig's convergence policy (the
    # typed parameter virtmig.converge, which virsh cannot pass, so this
    # one goes through python-libvirt's migrate3 there), stock's
    # --auto-converge.
    Scenario("limitedpolicy", "--bandwidth 100, each side's convergence aid",
             512, "hb_ms=100 wss_mib=256 rate_mib_s=400",
             ("--bandwidth", "100", "--auto-converge"), False, 30, 1,
             policy=True),
    Scenario("linux", "Linux guest (disk, NIC), light load",
             128, "vm.wss_mib=8 vm.chunk=32", ("--unsafe",), False, 120, 1,
             True),
    Scenario("linuxwrite", "Linux guest rewriting 32 MiB and its disk",
             128, "vm.wss_mib=32 vm.chunk=128", ("--unsafe",), False, 120, 1,
             True),
    Scenario("eight", "8 idle 128 MiB guests at once",
             128, "hb_ms=100", (), False, 180, 8),
]

QUICK = ("idle128",)


# The Linux guest at a whole MiB: what narrows QEMU 7.2's window there
# (tests/linuxguest/README.rst), as test_interop_stock_linux.py does.
LINUX_CMDLINE = re.sub(r" vm\.(chunk|wss_mib)=\d+", "", linux.CMDLINE) + \
    " pti=on vm.tick_us=1000"

_linux_images = {}


def linux_images():
    """The Linux guest's kernel and initramfs, built once (mkguest.py)."""
    if not _linux_images:
        _linux_images.update(mkguest.ensure(linux.GUEST_DIR, linux.AGENT))
    return _linux_images


def linux_guest_xml(name, log, disk, sc, pad=0):
    xml = linux.linux_xml(name, linux_images(), disk, log,
                          memory_kib=sc.memory_mib * 1024 + pad)
    return xml.replace(linux.CMDLINE, LINUX_CMDLINE + " " + sc.cmdline)


def guest_log(sc):
    """The module that reads @sc's serial log: guestlog or linuxlog."""
    return linuxlog if sc.linux else guestlog


def guest_xml(name, log, sc, pad=0):
    return harness.guest_xml(name, log, cmdline=sc.cmdline,
                             memory_kib=sc.memory_mib * 1024 + pad)


# virsh migrate --live --bandwidth N with virtmig's convergence policy on.
POLICY_MIGRATE = """
import sys, libvirt
src, dst, name, bw = sys.argv[1:]
dom = libvirt.open(src).lookupByName(name)
dom.migrate3(libvirt.open(dst), {"bandwidth": int(bw), "virtmig.converge": 1},
             libvirt.VIR_MIGRATE_LIVE)
"""


class Runner:
    """Runs scenarios on one pair; every guest gets a fresh name."""

    def __init__(self, kind, src, dst, tmp):
        self.kind = kind
        self.src = src
        self.dst = dst
        self.tmp = tmp

    def start_guest(self, sc):
        name = "bench-%s-%d" % (sc.name, next(_serial))
        pad = pad_kib if self.kind == hosts.VIRTMIG else 0
        log = os.path.join(self.tmp, "%s-%s.log" % (self.kind, name))
        if sc.linux:
            disk = os.path.join(self.tmp, name + ".qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk,
                            "8M"], check=True)
            xml = linux_guest_xml(name, log, disk, sc, pad)
        else:
            xml = guest_xml(name, log, sc, pad)
        path = harness.write_file(os.path.join(self.tmp, name + ".xml"), xml)
        harness.virsh(self.src.uri, "define", path)
        harness.virsh(self.src.uri, "start", name)
        if sc.linux:
            linuxlog.wait_for_lines(log, linux.PASS_BEATS + 2,
                                    timeout=linux.BOOT_TIMEOUT)
        else:
            guestlog.wait_for_lines(log, 3, timeout=30)
        return name, log

    def remove_guest(self, name):
        for h in (self.dst, self.src):
            harness.virsh(h.uri, "destroy", name, check=False)
            harness.virsh(h.uri, "undefine", name, check=False)

    def migrate_cmd(self, name, sc):
        if sc.policy and self.kind == hosts.VIRTMIG:
            return ["/usr/bin/python3", "-c", POLICY_MIGRATE, self.src.uri,
                    self.dst.uri, name, sc.opts[sc.opts.index("--bandwidth") + 1]]
        return [harness.VIRSH, "-q", "-c", self.src.uri, "migrate", "--live"] + \
            list(sc.opts) + [name, self.dst.uri]

    def trigger_postcopy(self, name, proc, delay=0.3):
        time.sleep(delay)
        while proc.poll() is None:
            res = harness.virsh(self.src.uri, "migrate-postcopy", name,
                                check=False)
            if res.returncode == 0:
                return
            time.sleep(0.05)

    def completed_stats(self, name):
        conn = libvirt.open(self.src.uri)
        try:
            dom = conn.lookupByName(name)
            return dom.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
        except libvirt.libvirtError:
            return {}
        finally:
            conn.close()

    def run(self, sc):
        """One measured run of @sc; returns a dict of figures."""
        guests = [self.start_guest(sc) for _ in range(sc.guests)]
        try:
            return self.measure(sc, guests)
        finally:
            for name, log in guests:
                guest_log(sc).unfollow(log)
                self.remove_guest(name)

    def measure(self, sc, guests):
        glog = guest_log(sc)
        # After the switch-over: a few heartbeats, or for the Linux guest
        # a whole pass over its disk ring.
        after = linux.PASS_BEATS if sc.linux else 3
        for _, log in guests:
            glog.follow(log)
        t0 = time.monotonic()
        procs = [subprocess.Popen(self.migrate_cmd(name, sc),
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for name, _ in guests]
        if sc.postcopy:
            threading.Thread(target=self.trigger_postcopy,
                             args=(guests[0][0], procs[0]),
                             daemon=True).start()
        finished = True
        errors = []
        for (name, _), p in zip(guests, procs):
            try:
                p.wait(max(0.1, sc.limit_s - (time.monotonic() - t0)))
            except subprocess.TimeoutExpired:
                finished = False
                try:
                    harness.virsh(self.src.uri, "domjobabort", name,
                                  check=False, timeout=90)
                    p.wait(60)
                except subprocess.TimeoutExpired:   # the abort hangs too
                    p.kill()
                    p.wait()
            if p.returncode != 0 and finished:
                errors.append(p.stderr.read().strip())
        wall = time.monotonic() - t0
        out = {"wall_s": wall, "finished": finished and not errors,
               "errors": errors}
        if not out["finished"]:
            return out
        stats = self.completed_stats(guests[0][0])
        out["total_ms"] = stats.get("time_elapsed")
        out["downtime_ms"] = stats.get("downtime")
        gaps, ok = [], True
        for _, log in guests:
            glog.wait_for_lines(log, len(glog.parse_log(log)) + after,
                                timeout=60 if sc.linux else 10)
            v = glog.check_continuity(log, max_gap_s=60)
            gaps.append(v.max_gap_s or 0)
            ok = ok and v.ok
            if not v.ok:
                errors.append(v.summary())
        out["gap_s"] = max(gaps)
        out["ok"] = ok
        return out


# ---- where the time goes: one migration's steps, seen by the client

PHASE_PROCS = {302: "Begin3", 303: "Prepare3", 305: "Perform3",
               306: "Finish3", 307: "Confirm3"}
_MSG_RE = re.compile(
    r"^(\S+ \S+)\+0000: .*RPC_CLIENT_MSG_(TX_QUEUE|RX): client=(\S+) .*"
    r"proc=(\d+) type=(\d+) status=\d+ serial=(\d+)")


def _stamp(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").timestamp()


def client_phases(logpath):
    """{step: seconds} from libvirt.so's debug log of one virsh migrate:
    each v3 step from its call leaving to its reply arriving."""
    sent, took = {}, {}
    with open(logpath, errors="replace") as f:
        for line in f:
            m = _MSG_RE.match(line)
            if not m or int(m.group(4)) not in PHASE_PROCS:
                continue
            key = (m.group(3), m.group(6))
            if m.group(2) == "TX_QUEUE" and m.group(5) == "0":
                sent[key] = _stamp(m.group(1))
            elif m.group(2) == "RX" and m.group(5) == "1" and key in sent:
                took[PHASE_PROCS[int(m.group(4))]] = _stamp(m.group(1)) - sent[key]
    return took


def phase_breakdown(runner, sc, tmp):
    """Runs @sc once with virsh's RPC trace on; {step: s, "wall": s}."""
    name, log = runner.start_guest(sc)
    trace = os.path.join(tmp, "%s-%s.trace" % (runner.kind, name))
    env = dict(os.environ, LIBVIRT_LOG_OUTPUTS="1:file:" + trace,
               LIBVIRT_LOG_FILTERS="1:rpc.netclient 4:*")
    try:
        t0 = time.monotonic()
        subprocess.run(runner.migrate_cmd(name, sc), env=env, check=True,
                       capture_output=True, timeout=sc.limit_s)
        wall = time.monotonic() - t0
        out = client_phases(trace)
        out["wall"] = wall
        return out
    finally:
        runner.remove_guest(name)
