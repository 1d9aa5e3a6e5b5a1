"""The fault-injection matrix of issue 10: whatever fails during a live
migration, the guest ends with exactly one copy, never two, never none.

Each cell migrates a fresh test guest from host A to host B with stock
``virsh migrate --live`` (through an RpcProxy in front of each daemon),
injects one fault at one point of the protocol, lets everything settle
(killed daemons restarted, stopped ones continued, the link restored) and
checks:

- at no sampled instant did two QEMUs of the guest run their vCPUs
  (faultlib.Sampler, every 50 ms, from /proc and from both daemons);
- at the end exactly one QEMU of the guest exists, known to its daemon,
  running or paused (none only where the fault itself destroyed the
  guest's only current copy: ``allowed_none``);
- the serial log shows one boot, no repeated seq, no CORRUPT;
- nothing leaked: no job, no QEMU or status file on the host without the
  guest, no listening migration port on either host;
- a following migration succeeds (after ``virsh resume`` of a copy left
  paused; after ``virsh start`` where the guest was rightly lost).

Post-copy cells: once the destination ran the guest, a copy left "post-copy
failed" is half of the guest, not a stale copy.  Both halves left (the
stream broke): ``virsh migrate --postcopy --postcopy-resume`` must succeed
and the guest then runs on B alone, intact; one left (the other QEMU was
killed, the guest is lost): ``virsh destroy`` of it must work at once.
The checks above follow.

Faults: kill -9 of the source or destination daemon (restarted 1 s later,
as systemd would), SIGSTOP of either daemon (SIGCONT 3 s later), kill -9
of the source or destination QEMU, kill -9 of virsh, a dropped call or a
dropped reply (the proxy swallows the packet and closes that connection:
a lost message on a stream socket is a lost connection), and the link
between the hosts cut (both ends of the veth pair down until virsh has
given up, then up again).

Points (how each is reached, see POINTS): the proxy holds the chosen
packet, the fault is injected, then the proxy lets it go.
``begin``/``prepare``: the step acted, its reply is held; ``perform_early``:
the transfer runs (2 MiB/s for a guest dirtying 16 MiB/s, seen in
``domjobinfo``), no hold; ``switchover``: Perform acted (the stream is
complete, the source paused; in v2 the source is gone), its reply held;
``finish_before``: the Finish call held, ``finish_after``: its reply held;
``confirm``: the Confirm call held; ``postcopy``: the destination runs in
post-copy (``virsh migrate-postcopy``, pages still moving at 8 MiB/s).

Usage:
    test_fault_matrix.py            the CI subset (CI_CELLS)
    test_fault_matrix.py --full     every cell (also VIRTMIG_FAULT_MATRIX=full)
    test_fault_matrix.py --cells REGEX   the cells whose id matches
    test_fault_matrix.py --list     the cell ids
VIRTMIG_FAULT_LOGS=DIR keeps both daemons' logs of each protocol in DIR.
Exit 0 if every cell run passed, 1 otherwise, 77 if a tool is missing.
"""

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import harness  # noqa: I100 (sets up the path of guestlog)
import faultlib
import guestlog
import rpcproxy
from faultlib import NetnsHost, NetPair, domstate
from harness import virsh, wait_for

FAULTS = ["kill_src_daemon", "kill_dst_daemon", "stop_src_daemon",
          "stop_dst_daemon", "kill_src_qemu", "kill_dst_qemu", "kill_client",
          "drop_call", "drop_reply", "link_cut"]
PHASES = {
    "v3": ["begin", "prepare", "perform_early", "switchover", "finish_before",
           "finish_after", "confirm"],
    "v2": ["prepare", "perform_early", "switchover", "finish_before",
           "finish_after"],
    "postcopy": ["postcopy"],
}

P = rpcproxy.PROC
# (protocol, phase) -> (which proxy, direction held, procedure); virsh uses
# the typed-parameter v3 procedures, and the v2 ones against a v2 host.
POINTS = {
    ("v3", "begin"): ("src", "reply", P["DOMAIN_MIGRATE_BEGIN3_PARAMS"]),
    ("v3", "prepare"): ("dst", "reply", P["DOMAIN_MIGRATE_PREPARE3_PARAMS"]),
    ("v3", "perform_early"): ("src", "call", P["DOMAIN_MIGRATE_PERFORM3_PARAMS"]),
    ("v3", "switchover"): ("src", "reply", P["DOMAIN_MIGRATE_PERFORM3_PARAMS"]),
    ("v3", "finish_before"): ("dst", "call", P["DOMAIN_MIGRATE_FINISH3_PARAMS"]),
    ("v3", "finish_after"): ("dst", "reply", P["DOMAIN_MIGRATE_FINISH3_PARAMS"]),
    ("v3", "confirm"): ("src", "call", P["DOMAIN_MIGRATE_CONFIRM3_PARAMS"]),
    ("v2", "prepare"): ("dst", "reply", P["DOMAIN_MIGRATE_PREPARE2"]),
    ("v2", "perform_early"): ("src", "call", P["DOMAIN_MIGRATE_PERFORM"]),
    ("v2", "switchover"): ("src", "reply", P["DOMAIN_MIGRATE_PERFORM"]),
    ("v2", "finish_before"): ("dst", "call", P["DOMAIN_MIGRATE_FINISH2"]),
    ("v2", "finish_after"): ("dst", "reply", P["DOMAIN_MIGRATE_FINISH2"]),
}
# a dropped call / reply: of the procedure of the phase, in that direction
DROP_PHASES = {
    "drop_call": {"begin", "prepare", "perform_early", "finish_before", "confirm"},
    "drop_reply": {"begin", "prepare", "switchover", "finish_after", "confirm"},
}

# The representative subset run by meson (suite integration): cells that
# hold today, one or more per fault and per point, v2 and post-copy too,
# with the restarts that once left two copies or hung (a source or
# destination daemon killed after Perform3, v2's link cut mid-transfer).
CI_CELLS = [
    "v3/kill_src_daemon/perform_early",
    "v3/kill_src_daemon/confirm",
    "v3/kill_dst_daemon/prepare",
    "v3/kill_dst_daemon/finish_after",
    "v3/stop_src_daemon/switchover",
    "v3/stop_dst_daemon/finish_before",
    "v3/kill_src_qemu/confirm",
    "v3/kill_dst_qemu/perform_early",
    "v3/kill_client/switchover",
    "v3/kill_client/confirm",
    "v3/drop_call/prepare",
    "v3/drop_reply/confirm",
    "v3/link_cut/perform_early",
    "v2/kill_dst_qemu/perform_early",
    "v2/drop_call/finish_before",
    "v2/link_cut/perform_early",
    "postcopy/stop_src_daemon/postcopy",
    "postcopy/link_cut/postcopy",
]

STOP_S = 3.0        # SIGSTOP .. SIGCONT
RESTART_S = 1.0     # kill -9 of a daemon .. its restart
CALM = "hb_ms=50 wss_mib=8 rate_mib_s=32"
DIRTY = "hb_ms=50 wss_mib=32 rate_mib_s=16"


class Cell:
    def __init__(self, proto, fault, phase):
        self.proto, self.fault, self.phase = proto, fault, phase
        self.id = "%s/%s/%s" % (proto, fault, phase)

    def applicable(self, have_netns):
        """None, or why the cell does not exist."""
        if self.fault in DROP_PHASES:
            if self.proto == "postcopy":
                return "no message is in flight"
            if self.phase not in DROP_PHASES[self.fault]:
                return "no such message at this point"
        if self.fault == "link_cut" and not have_netns:
            return "no network namespaces"
        if self.fault == "kill_dst_qemu" and self.phase == "begin":
            return "no destination QEMU yet"
        if self.fault == "kill_src_qemu" and self.proto == "v2" and \
                self.phase in ("switchover", "finish_before", "finish_after"):
            return "v2 Perform already stopped the source"
        return None

    def allowed_none(self):
        """True where the fault itself destroys the guest's only current
        copy, so ending with none is right."""
        if self.fault == "kill_src_qemu":
            return self.phase in ("begin", "prepare", "perform_early", "postcopy")
        if self.fault == "kill_dst_qemu":
            if self.proto == "v2":
                return self.phase in ("switchover", "finish_before", "finish_after")
            return self.phase in ("finish_after", "confirm", "postcopy")
        return False

    def point(self):
        proto = "v3" if self.proto == "postcopy" else self.proto
        return POINTS.get((proto, self.phase))

    def hold_action(self):
        """(proxy side, direction, proc, action) of the proxy rule, or None."""
        pt = self.point()
        if self.fault == "drop_call":
            return pt[0], "call", pt[2], "drop_cut"
        if self.fault == "drop_reply":
            return pt[0], "reply", pt[2], "drop_cut"
        if self.phase in ("perform_early", "postcopy"):
            return None
        return pt + ("hold",)


def all_cells():
    return [Cell(proto, f, ph) for proto in ("v3", "v2", "postcopy")
            for f in FAULTS for ph in PHASES[proto]]


# ---- the two hosts of one protocol

def free_range():
    """A base port with 10 free ports above it (loopback hosts only)."""
    for _ in range(50):
        base = random.randrange(20000, 30000, 10)
        try:
            socks = []
            for p in range(base, base + 10):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no 10 free ports in a row")


class Env:
    """Hosts A and B (in namespaces on a veth pair when possible), one
    proxy in front of each, for one protocol."""

    def __init__(self, proto, have_netns, tmp):
        self.proto = proto
        conf = {"migration_protocols": "2"} if proto == "v2" else {}
        self.net = NetPair(proto[:2]).create() if have_netns else None
        hosts = []
        try:
            for i, tag in enumerate("AB"):
                if self.net:
                    h = NetnsHost("fm%s%s" % (proto, tag), self.net.ns[i],
                                  self.net.addr[i], faultlib.MIGRATION_PORT_MIN, conf)
                else:
                    h = NetnsHost("fm%s%s" % (proto, tag), None, "127.0.0.1",
                                  free_range(), conf)
                hosts.append(h)
                h.start()
        except BaseException:
            # a host that cannot start must not leave the others or the
            # namespaces behind
            for h in hosts:
                h.cleanup()
            if self.net:
                self.net.destroy()
            raise
        self.a, self.b = hosts
        self.px = {"src": rpcproxy.RpcProxy(self.a.sock),
                   "dst": rpcproxy.RpcProxy(self.b.sock)}
        self.tmp = tmp

    def close(self):
        for px in self.px.values():
            px.close()
        keep = os.environ.get("VIRTMIG_FAULT_LOGS")
        for h in (self.a, self.b):
            if keep:
                os.makedirs(keep, exist_ok=True)
                for src in (h.log, os.path.join(h.root, "stderr.log")):
                    if os.path.exists(src):
                        shutil.copy(src, os.path.join(
                            keep, "%s-%s" % (h.name, os.path.basename(src))))
            h.sigcont()
            for pid in harness.qemu_pids_under(h.root):
                os.kill(pid, signal.SIGKILL)
            h.cleanup()
        if self.net:
            self.net.destroy()


# ---- one cell

class Run:
    """The course of one cell: fills .notes and .failures."""

    def __init__(self, env, cell, name):
        self.env, self.cell, self.name = env, cell, name
        self.src, self.dst = env.a, env.b
        self.hosts = [env.a, env.b]
        self.log = os.path.join(env.tmp, name + "-serial.log")
        self.notes, self.failures = [], []
        self.proc = None
        self.outcome = None

    def start_guest(self):
        dirty = self.cell.phase in ("perform_early", "postcopy")
        xml = harness.write_file(os.path.join(self.env.tmp, self.name + ".xml"),
                                 harness.guest_xml(self.name, self.log, memory_mib=64,
                                                   cmdline=DIRTY if dirty else CALM))
        virsh(self.src.uri, "define", xml)
        virsh(self.src.uri, "start", self.name)
        guestlog.wait_for_lines(self.log, 3, timeout=10)

    def migrate_cmd(self):
        cmd = [harness.VIRSH, "-q", "-c", self.env.px["src"].uri, "migrate",
               "--live", self.name, self.env.px["dst"].uri]
        if self.cell.phase == "perform_early":
            cmd += ["--bandwidth", "2"]
        if self.cell.phase == "postcopy":
            cmd += ["--postcopy", "--bandwidth", "2", "--postcopy-bandwidth", "8"]
        return cmd

    def wait_transfer(self):
        wait_for(lambda: domstate(self.dst, self.name) == "paused (migrating)" and
                 "Data processed" in virsh(self.src.uri, "domjobinfo", self.name,
                                           check=False).stdout,
                 timeout=20, what="the transfer to start")
        time.sleep(0.3)

    def wait_postcopy(self):
        self.wait_transfer()
        virsh(self.src.uri, "migrate-postcopy", self.name)
        wait_for(lambda: domstate(self.dst, self.name) == "running (post-copy)",
                 timeout=20, what="the destination to run in post-copy")

    def reach_point(self):
        """Starts virsh migrate and returns at the fault point with the
        proxy rule (or None)."""
        rule = None
        hold = self.cell.hold_action()
        if hold:
            side, direction, proc, action = hold
            rule = self.env.px[side].add_rule(direction, proc, action)
        self.proc = subprocess.Popen(self.migrate_cmd(), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        if rule:
            if not rule.fired.wait(60):
                job = virsh(self.src.uri, "domjobinfo", self.name, check=False,
                            timeout=20).stdout
                raise AssertionError("point %s/%s not reached in 60 s: %s; %s" % (
                    direction, proc, " ".join(job.split()), self.proc_output(5)))
        elif self.cell.phase == "postcopy":
            self.wait_postcopy()
        else:
            self.wait_transfer()
        return rule

    def qemus(self, host):
        return faultlib.QemuFinder(self.name, [host]).find()

    def inject(self):
        f = self.cell.fault
        src, dst = self.src, self.dst
        if f == "kill_src_daemon":
            src.kill9()
        elif f == "kill_dst_daemon":
            dst.kill9()
        elif f == "stop_src_daemon":
            src.sigstop()
        elif f == "stop_dst_daemon":
            dst.sigstop()
        elif f in ("kill_src_qemu", "kill_dst_qemu"):
            pids = self.qemus(src if f == "kill_src_qemu" else dst)
            if len(pids) != 1:
                self.notes.append("%d QEMUs to kill" % len(pids))
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
        elif f == "kill_client":
            self.proc.kill()
        elif f == "link_cut":
            self.env.net.cut()

    def after_inject(self):
        """What follows the fault: restart, continue, let a slow transfer
        finish, give the link back once virsh is done."""
        f = self.cell.fault
        if f.startswith("stop_"):
            time.sleep(STOP_S)
            for h in self.hosts:
                h.sigcont()
        if f.startswith("kill_") and f.endswith("_daemon"):
            time.sleep(RESTART_S)
            for h in self.hosts:
                if h.ensure_up():
                    self.notes.append("%s restarted" % h.name)
        if self.cell.phase == "perform_early" and f != "link_cut":
            virsh(self.src.uri, "migrate-setspeed", self.name, "100000",
                  check=False, timeout=20)
        rc, err = self.wait_client(90)
        if f == "link_cut":
            self.env.net.restore()
        if f == "kill_client":
            self.notes.append("virsh killed")
        else:
            self.notes.append(("virsh exit %d" % rc if rc >= 0 else
                               "virsh died of signal %d" % -rc) +
                              (": " + err.splitlines()[-1] if err else ""))

    def wait_client(self, timeout):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            self.failures.append("HUNG: virsh migrate still ran after %ds" % timeout)
        return self.proc.returncode, err.strip()

    def proc_output(self, timeout):
        try:
            return self.proc.communicate(timeout=timeout)[1].strip()
        except subprocess.TimeoutExpired:
            return "(virsh still running)"

    def run(self):
        self.start_guest()
        sampler = faultlib.Sampler(self.name, self.hosts)
        sampler.start()
        try:
            # A fault right at Begin (kill_src_qemu/begin) can come before
            # the sampler's first intervals on a loaded machine: the judge
            # needs to have seen the source run, so let it see that first.
            sampler.wait_ran(self.src.name)
            rule = self.reach_point()
            self.inject()
            if rule and rule.action == "hold":
                try:
                    rule.release()
                except OSError:     # the client or daemon is gone
                    pass
            self.after_inject()
            for h in self.hosts:
                h.ensure_up()
            if self.cell.proto == "postcopy":
                self.recover_postcopy()
            if not faultlib.settle(self.name, self.hosts):
                self.notes.append("did not settle in 25 s")
        finally:
            sampler.stop()
        self.judge(sampler)

    def postcopy_states(self, timeout=30):
        """The hosts' states once post-copy no longer runs: it completed,
        or failed (QEMU paused it), or @timeout passed."""
        deadline = time.time() + timeout
        while True:
            states = {h.name: domstate(h, self.name) or "" for h in self.hosts}
            if time.time() > deadline or \
                    not any(st.endswith("(post-copy)") for st in states.values()):
                return states
            time.sleep(0.3)

    def recover_postcopy(self):
        """A post-copy cell: once the destination ran the guest, a copy
        left "post-copy failed" is part of the guest, not a stale one.
        Both QEMUs left (the stream broke): the operator's recovery,
        ``virsh migrate --postcopy --postcopy-resume`` over new
        connections, must succeed, and the guest then runs on B alone,
        intact (the end checks).  One left (the other QEMU was killed):
        the guest is lost, and ``virsh destroy`` of the remaining half
        must work at once and leave nothing behind."""
        states = self.postcopy_states()
        failed = [h for h in self.hosts if "post-copy failed" in states[h.name]]
        if not failed:
            return
        self.notes.append("post-copy failed: " + ", ".join(
            "%s %s" % (h.name[-1], states[h.name]) for h in failed))
        if all(self.qemus(h) for h in self.hosts):
            t0 = time.time()
            res = virsh(self.src.uri, "migrate", "--live", "--postcopy",
                        "--postcopy-resume", self.name, self.dst.uri,
                        check=False, timeout=90)
            if res.returncode != 0:
                self.failures.append("RESUME: virsh migrate --postcopy-resume: " +
                                     res.stderr.strip())
            else:
                self.notes.append("--postcopy-resume ok in %.1f s" % (time.time() - t0))
            return
        for h in failed:
            t0 = time.time()
            res = virsh(h.uri, "destroy", self.name, check=False, timeout=30)
            if res.returncode != 0 or time.time() - t0 > 10:
                self.failures.append("HUNG: destroy of the post-copy failed copy on %s "
                                     "took %.1f s: %s" % (h.name[-1], time.time() - t0,
                                                          res.stderr.strip()))
            else:
                self.notes.append("lost guest destroyed on %s" % h.name[-1])

    # ---- the checks

    def judge(self, sampler):
        v = sampler.verdict()
        if v["two_runners"]:
            self.failures.append("TWO-RUNNING: vCPUs of two QEMUs ran together for "
                                 "%d (proc) / %d (daemons) sampling intervals %s"
                                 % (v["overlap_proc"], v["overlap_daemon"],
                                    v["episode"]))
        if v["max_gap_ms"] > 500:
            self.notes.append("sampler gap %d ms" % v["max_gap_ms"])
        ran = sampler.ever_ran()
        if self.src.name not in ran:
            self.failures.append("ERROR: the sampler never saw the source's vCPU run")
        self.notes.append("vCPUs ran on %s" % "+".join(sorted(h[-1] for h in ran)))
        end = faultlib.end_state(self.name, self.hosts)
        holders = [h for h in self.hosts if end[h.name]["qemus"]]
        nq = sum(len(end[h.name]["qemus"]) for h in self.hosts)
        holder = None
        if nq == 0:
            if self.cell.allowed_none():
                self.outcome = "none*"
            else:
                self.failures.append("LOST: no QEMU of the guest is left")
        elif nq > 1:
            self.failures.append("TWO: %s" % ", ".join(
                "%s has %d QEMU (%s)" % (h.name[-1], len(end[h.name]["qemus"]),
                                         end[h.name]["state"]) for h in holders))
        else:
            holder = holders[0]
            state = end[holder.name]["state"] or ""
            if not state.startswith(("running", "paused")):
                self.failures.append("ORPHAN: the QEMU on %s is %s to its daemon" %
                                     (holder.name[-1], state or "unknown"))
            self.outcome = "%s %s" % (holder.name[-1], "run" if state.startswith(
                "running") else "paused")
            self.end_holder_state = state
        self.notes.insert(0, "end: " + ", ".join(
            "%s %s (%d QEMU)" % (h.name[-1], end[h.name]["state"], len(end[h.name]["qemus"]))
            for h in self.hosts if end[h.name]["state"] or end[h.name]["qemus"]))
        self.check_leaks(end, holder)
        self.check_log()
        if not any(f.startswith(("TWO", "LOST", "HUNG")) for f in self.failures):
            self.next_migration(holder)

    def check_leaks(self, end, holder):
        for h in self.hosts:
            e = end[h.name]
            if e["job"] not in (None, "None"):
                self.failures.append("LEAK: job %s on %s" % (e["job"], h.name[-1]))
            if not e["qemus"] and e["status_file"]:
                self.failures.append("LEAK: status file on %s" % h.name[-1])
            if e["ports"]:
                self.failures.append("LEAK: port %s listens on %s" %
                                     (e["ports"], h.name[-1]))

    def check_log(self):
        self.records_at_end = guestlog.parse_log(self.log)
        for p in faultlib.log_problems(self.records_at_end):
            self.failures.append("LOG: " + p)

    def next_migration(self, holder):
        """The guest moves on: resumed if paused, started again if it was
        (rightly) lost, then migrated to the other host."""
        if holder is None:
            holder = self.src
            res = virsh(holder.uri, "start", self.name, check=False)
            if res.returncode != 0:
                self.failures.append("NEXT: cannot start again: " + res.stderr.strip())
                return
            guestlog.wait_for_lines(self.log, len(self.records_at_end) + 3, timeout=10)
        elif self.end_holder_state.startswith("paused"):
            res = virsh(holder.uri, "resume", self.name, check=False)
            if res.returncode != 0:
                self.failures.append("NEXT: resume failed: " + res.stderr.strip())
                return
            self.notes.append("resumed from %s" % self.end_holder_state)
        other = self.dst if holder is self.src else self.src
        res = virsh(holder.uri, "migrate", "--live", self.name, other.uri,
                    check=False, timeout=90)
        if res.returncode != 0:
            self.failures.append("NEXT: migration failed: " + res.stderr.strip())
            return
        state = domstate(other, self.name)
        if state != "running (migrated)" or self.qemus(holder):
            self.failures.append("NEXT: after it, %s on %s, %d QEMU on %s" %
                                 (state, other.name[-1], len(self.qemus(holder)),
                                  holder.name[-1]))
        n = len(guestlog.parse_log(self.log))
        guestlog.wait_for_lines(self.log, n + 2, timeout=5)
        records = guestlog.parse_log(self.log)
        if self.outcome == "none*":     # started again: judge the new boot
            records = records[len(self.records_at_end):]
        problems = faultlib.log_problems(records)
        for p in problems:
            self.failures.append("NEXT LOG: " + p)

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for h in self.hosts:
            h.ensure_up()
            virsh(h.uri, "destroy", self.name, check=False, timeout=20)
            virsh(h.uri, "undefine", self.name, check=False, timeout=20)
            for pid in self.qemus(h):
                os.kill(pid, signal.SIGKILL)
        if self.env.net:
            self.env.net.restore()
        for px in self.env.px.values():
            with px.lock:
                px.rules = []
            px.cut_all()
        guestlog.unfollow(self.log)


def run_control(env):
    """The checks must be able to fail: a second copy of the guest started
    on B next to the one on A (same serial log) must be seen by the
    sampler, the end check and the log check.  Returns the failures the
    judge found (the control passes if there are some of each kind)."""
    r = Run(env, Cell("v3", "control", "two_copies"), "fmcontrol")
    t0 = time.time()
    try:
        r.start_guest()
        sampler = faultlib.Sampler(r.name, r.hosts)
        sampler.start()
        try:
            virsh(r.dst.uri, "define", os.path.join(env.tmp, r.name + ".xml"))
            virsh(r.dst.uri, "start", r.name)
            time.sleep(1.0)
        finally:
            sampler.stop()
        r.judge(sampler)
    finally:
        r.cleanup()
    r.seconds = time.time() - t0
    kinds = {f.split(":")[0] for f in r.failures}
    missing = {"TWO-RUNNING", "TWO", "LOG"} - kinds
    r.failures = ["CONTROL: not seen: %s" % ", ".join(sorted(missing))] if missing else []
    r.outcome = "seen"
    return r


def run_cell(env, cell, index):
    name = "fm%03d%s" % (index, re.sub("[^a-z0-9]", "", cell.fault)[:6])
    r = Run(env, cell, name)
    t0 = time.time()
    try:
        r.run()
    except Exception as e:  # noqa: BLE001 (one broken cell must not stop the rest)
        r.failures.append("ERROR: %s: %s" % (type(e).__name__, e))
    finally:
        r.cleanup()
    r.seconds = time.time() - t0
    return r


# ---- the table

SHORT = {"TWO-RUNNING": "TWO-RUN", "TWO": "TWO", "LOST": "LOST", "ORPHAN": "ORPHAN",
         "LEAK": "LEAK", "LOG": "LOG", "NEXT": "NEXT", "NEXT LOG": "NEXT",
         "HUNG": "HUNG", "ERROR": "ERROR", "RESUME": "RESUME"}


def cell_text(r):
    if r is None:
        return "-"
    if isinstance(r, str):
        return "n/a"
    if r.failures:
        return "FAIL:" + SHORT.get(r.failures[0].split(":")[0], "?")
    return "ok " + (r.outcome or "?")


def print_table(results, cells):
    by_id = {c.id: results.get(c.id) for c in cells}
    for proto in ("v3", "v2", "postcopy"):
        phases = PHASES[proto]
        if not any(by_id.get("%s/%s/%s" % (proto, f, p)) is not None
                   for f in FAULTS for p in phases):
            continue
        width = max(13, max(len(p) for p in phases) + 1)
        print("\n%s" % proto)
        print("%-16s" % "fault" + "".join("%-*s" % (width, p) for p in phases))
        for f in FAULTS:
            row = [cell_text(by_id.get("%s/%s/%s" % (proto, f, p))) for p in phases]
            print("%-16s" % f + "".join("%-*s" % (width, t) for t in row))


def print_result(cid, r, **kw):
    print("%-36s %5.1fs %-14s %s" % (cid, r.seconds, cell_text(r),
                                     "; ".join(r.failures + r.notes)), **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--cells", metavar="REGEX")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    have_netns = faultlib.netns_usable() is None
    cells = all_cells()
    if args.list:
        for c in cells:
            print(c.id, "" if c.applicable(True) is None else "(n/a)")
        return 0
    if args.cells:
        chosen = [c for c in cells if re.search(args.cells, c.id)]
    elif args.full or os.environ.get("VIRTMIG_FAULT_MATRIX") == "full":
        chosen = cells
    else:
        chosen = [c for c in cells if c.id in CI_CELLS]
    harness.require("virsh")
    harness.require("libvirt")
    harness.require_guest()
    if not have_netns:
        print("note: %s; hosts on 127.0.0.1, link cuts left out" %
              faultlib.netns_usable())
    results = {}
    tmp = tempfile.mkdtemp(prefix="virtmig-faults-")
    t0 = time.time()
    try:
        for proto in ("v3", "v2", "postcopy"):
            todo = [c for c in chosen if c.proto == proto]
            runnable = [c for c in todo if c.applicable(have_netns) is None]
            for c in todo:
                if c not in runnable:
                    results[c.id] = c.applicable(have_netns)
            if not runnable:
                continue
            env = Env("v3" if proto == "postcopy" else proto, have_netns, tmp)
            try:
                if proto == "v3":
                    r = run_control(env)
                    results["control/two_copies"] = r
                    print_result("control/two_copies", r, flush=True)
                for c in runnable:
                    r = run_cell(env, c, len(results))
                    results[c.id] = r
                    print_result(c.id, r, flush=True)
            finally:
                env.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(results, chosen)
    failed = [cid for cid, r in results.items() if not isinstance(r, str) and r.failures]
    ran = sum(1 for r in results.values() if not isinstance(r, str))
    print("\n%d cells run in %.0f s, %d failed%s" % (
        ran, time.time() - t0, len(failed), (": " + " ".join(failed)) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
