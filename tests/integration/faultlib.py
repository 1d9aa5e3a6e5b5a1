"""Pieces of the fault-injection matrix (test_fault_matrix.py): two
virtmigd hosts on a veth pair, each in its own network namespace, a
sampler that watches every QEMU of a guest every 50 ms, and the end
checks of a cell (one copy, one boot, nothing leaked).

The hosts
---------
``NetPair`` creates two network namespaces joined by a veth pair, with
addresses from 198.18.0.0/15 (reserved for benchmarking, RFC 2544) that
exist only inside them.  Each ``NetnsHost`` runs its virtmigd with
``ip netns exec``, so the daemon and every QEMU it starts live in its
namespace: QEMU listens for incoming migrations on the host's veth
address and the migration stream crosses the veth pair, nothing else.
The daemons' unix sockets are files, so the client (virsh, in the root
namespace) reaches each daemon the usual way.  ``NetPair.cut()`` sets
both ends of the pair down, as a pulled cable drops the carrier of two
directly connected NICs; ``restore()`` sets them up again.  Inside the
namespaces ``tcp_retries2`` is 4 and ``tcp_syn_retries`` 2, so a
migration stream whose link is cut fails after about 6 s instead of the
default 15 minutes.  Everything is removed by ``destroy()``.

The sampler
-----------
``Sampler`` decides every 50 ms, for each QEMU process of the guest on
either host (found in /proc by its ``-name guest=NAME,`` and the host's
root directory), whether its vCPU ran since the last sample: the run time
of the ``CPU 0/TCG`` thread (/proc/PID/task/TID/schedstat, nanoseconds)
grew by 1 ms or more and the process is not stopped.  This needs neither
daemon, so it holds while a daemon is killed or stopped.  A paused QEMU (a
source stopped at switch-over) has an idle vCPU thread; a running test
guest takes 1.4 ms or more per 50 ms; a QEMU just started for an incoming
migration takes a little while it sets its vCPU up, so a QEMU's first
second is not counted.  A second,
daemon-side view asks each daemon for the domain state (python-libvirt,
one thread per host) and keeps the last fresh answer.

Two QEMUs whose vCPUs both ran in one 50 ms interval may be a legitimate
switch-over (the source stopped early in the interval, the destination
started late in it).  Both running in three consecutive intervals cannot
be: the destination ran in the first, the source still ran in the third,
so their runs overlapped.  ``Sampler.verdict()`` reports the longest such
overlap; a cell fails on any overlap of three intervals or more, on
either view.  Shorter double runs are still caught by the guest's serial
log: both copies write heartbeats to the same file, and two runners (or a
stale copy resumed after the other ran) repeat a ``seq``.
"""

import os
import re
import signal
import subprocess
import threading
import time

import harness
from harness import Host, virsh

SUBNET_BASE = "198.18"
MIGRATION_PORT_MIN = 49152
MIGRATION_PORT_MAX = 49161


def run(*cmd, check=True):
    res = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)
    if check and res.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), res.stderr.strip()))
    return res


def netns_usable():
    """None if network namespaces and veth pairs can be made here, else
    the reason they cannot."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = "fmprobe%d" % os.getpid()
    res = run("ip", "netns", "add", probe, check=False)
    if res.returncode != 0:
        return "ip netns add failed: " + res.stderr.strip()
    run("ip", "netns", "del", probe, check=False)
    return None


class NetPair:
    """Two network namespaces joined by one veth pair."""

    def __init__(self, tag):
        n = os.getpid() % 250 + 1
        self.ns = ("fm%d%sa" % (os.getpid(), tag), "fm%d%sb" % (os.getpid(), tag))
        self.dev = ("fm%d%sa" % (os.getpid(), tag), "fm%d%sb" % (os.getpid(), tag))
        octet = {"v3": 0, "v2": 64, "pc": 128}.get(tag, 192)
        self.addr = ("%s.%d.%d" % (SUBNET_BASE, n, octet + 1),
                     "%s.%d.%d" % (SUBNET_BASE, n, octet + 2))
        self.created = []

    def create(self):
        for ns in self.ns:
            run("ip", "netns", "add", ns)
            self.created.append(ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                "net.ipv4.tcp_retries2=4", "net.ipv4.tcp_syn_retries=2")
        run("ip", "link", "add", self.dev[0], "netns", self.ns[0], "type", "veth",
            "peer", "name", self.dev[1], "netns", self.ns[1])
        for ns, dev, addr in zip(self.ns, self.dev, self.addr):
            run("ip", "-n", ns, "addr", "add", addr + "/26", "dev", dev)
        self.restore()
        return self

    def cut(self):
        for ns, dev in zip(self.ns, self.dev):
            run("ip", "-n", ns, "link", "set", dev, "down")

    def restore(self):
        for ns, dev in zip(self.ns, self.dev):
            run("ip", "-n", ns, "link", "set", dev, "up")

    def destroy(self):
        while self.created:
            run("ip", "netns", "del", self.created.pop(), check=False)


class NetnsHost(Host):
    """A virtmigd host living in network namespace @ns (None: the root
    namespace, migrations on 127.0.0.1), migrating on @addr."""

    def __init__(self, name, ns, addr, port_min, conf=None):
        conf = dict(conf or {})
        conf.update({"migration_host": addr, "migration_address": addr,
                     "migration_port_min": port_min,
                     "migration_port_max": port_min + 9, "log_level": 2})
        super().__init__(name, conf=conf)
        self.ns = ns
        self.addr = addr
        self.port_min = port_min
        self.killed = False
        self.stopped = False

    def start(self, extra_args=(), wait=True):
        self.write_conf()
        self.stderr = open(os.path.join(self.root, "stderr.log"), "ab")
        prefix = ["ip", "netns", "exec", self.ns] if self.ns else []
        self.proc = subprocess.Popen(prefix + [harness.VIRTMIGD, "--root", self.root] +
                                     list(extra_args),
                                     stdout=self.stderr, stderr=self.stderr)
        self.killed = False
        if wait:
            self.wait_ready()
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.killed = True

    def sigstop(self):
        self.proc.send_signal(signal.SIGSTOP)
        self.stopped = True

    def sigcont(self):
        if self.stopped:
            self.proc.send_signal(signal.SIGCONT)
            self.stopped = False

    def ensure_up(self):
        """SIGCONT a stopped daemon, start a killed one (as systemd's
        Restart= would); True if it had to be started again."""
        self.sigcont()
        if self.proc.poll() is not None:
            self.start()
            return True
        return False

    def listening_ports(self):
        """TCP ports in the migration range something listens on, in this
        host's namespace (/proc/PID/net/tcp is the namespace of PID)."""
        ports = set()
        for table in ("tcp", "tcp6"):
            try:
                with open("/proc/%d/net/%s" % (self.proc.pid, table)) as f:
                    lines = f.readlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                port = int(fields[1].rsplit(":", 1)[1], 16)
                if fields[3] == "0A" and \
                        self.port_min <= port <= self.port_min + 9:
                    ports.add(port)
        return ports

    def status_file(self, name):
        return os.path.join(self.root, "run", "qemu", name + ".xml")


# ---- QEMU processes of a guest

class QemuFinder:
    """Finds the QEMU processes of one guest on a set of hosts, reading
    each new pid's command line once."""

    def __init__(self, name, hosts):
        self.want = ("guest=%s," % name).encode()
        self.roots = [(h, h.root.encode()) for h in hosts]
        self.seen = {}

    def owner(self, pid):
        """(host or None, final): a process not yet exec'ed (still the
        daemon's fork, or in the middle of execve) is looked at again."""
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            return None, True
        if not cmd[0].endswith(b"qemu-system-x86_64"):
            # a fork of the daemon, or a process in execve (empty)
            return None, cmd[0] != b"" and not cmd[0].endswith((b"virtmigd", b"ip"))
        if not any(a.startswith(self.want) for a in cmd):
            return None, True
        for host, root in self.roots:
            if any(root in a for a in cmd):
                return host, True
        return None, True

    def find(self):
        """{pid: host} of the guest's QEMUs now."""
        pids = {int(d) for d in os.listdir("/proc") if d.isdigit()}
        for pid in list(self.seen):
            if pid not in pids:
                del self.seen[pid]
        for pid in pids - set(self.seen):
            host, final = self.owner(pid)
            if final:
                self.seen[pid] = host
        return {p: h for p, h in self.seen.items() if h is not None}


def vcpu_runtime(pid):
    """(process state letter, ns the vCPU thread ran), or None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        total = 0
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if not f.read().startswith("CPU "):
                    continue
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        return state, total
    except (OSError, IndexError, ValueError):
        return None


# ---- the sampler

class DaemonView(threading.Thread):
    """Asks one daemon for the guest's state as often as it answers."""

    def __init__(self, host, name, interval):
        super().__init__(daemon=True, name="state-" + host.name)
        self.host, self.name, self.interval = host, name, interval
        self.latest = None          # (monotonic time of the answer, state)
        self.halt = threading.Event()

    def run(self):
        import libvirt
        libvirt.registerErrorHandler(lambda *a: None, None)
        conn = None
        while not self.halt.is_set():
            try:
                if conn is None:
                    conn = libvirt.open(self.host.uri)
                state = conn.lookupByName(self.name).state()[0]
            except libvirt.libvirtError as e:
                if e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                    state = None
                else:
                    state = "?"
                    conn = self.close(conn)
                    self.halt.wait(0.2)
            self.latest = (time.monotonic(), state)
            self.halt.wait(self.interval)
        self.close(conn)

    @staticmethod
    def close(conn):
        try:
            if conn is not None:
                conn.close()
        except Exception:  # noqa: BLE001 (a dead daemon's connection)
            pass
        return None


class Sampler(threading.Thread):
    """Samples every QEMU of guest @name on @hosts each @interval s."""

    RUNNING = 1  # VIR_DOMAIN_RUNNING
    MIN_RUN_US = 1000
    NEWBORN_S = 1.0

    def __init__(self, name, hosts, interval=0.05):
        super().__init__(daemon=True, name="sampler-" + name)
        self.finder = QemuFinder(name, hosts)
        self.hosts = hosts
        self.interval = interval
        self.samples = []           # (t, {pid: (host, state, runtime)}, daemon view)
        self.views = [DaemonView(h, name, interval) for h in hosts]
        self.halt = threading.Event()

    def run(self):
        for v in self.views:
            v.start()
        while not self.halt.is_set():
            t = time.monotonic()
            procs = {}
            for pid, host in self.finder.find().items():
                rt = vcpu_runtime(pid)
                if rt:
                    procs[pid] = (host.name, rt[0], rt[1])
            running = tuple(v.host.name for v in self.views
                            if v.latest and t - v.latest[0] < 3 * self.interval and
                            v.latest[1] == self.RUNNING)
            self.samples.append((t, procs, running))
            self.halt.wait(max(0.0, self.interval - (time.monotonic() - t)))

    def stop(self):
        self.halt.set()
        self.join(5)
        for v in self.views:
            v.halt.set()

    def verdict(self):
        """Dict: samples, the largest gap between two samples (ms), the
        longest runs of consecutive intervals with two QEMUs' vCPUs
        running (process view) and with both daemons saying running
        (daemon view), 'two_runners' if either run is >= 3, and 'episode':
        the vCPU time (us) of each host's QEMUs in the intervals of the
        longest process-view run."""
        proc_run = proc_max = dmn_run = dmn_max = 0
        gap = 0.0
        episode = best = []
        for (t0, p0, _), (t1, p1, d1), ran in self.intervals():
            gap = max(gap, t1 - t0)
            if len(ran) >= 2:
                proc_run += 1
                episode = episode + [(round(t1 - self.samples[0][0], 2),
                                      sorted(ran.values()))]
            else:
                proc_run, episode = 0, []
            if proc_run > proc_max:
                proc_max, best = proc_run, episode
            dmn_run = dmn_run + 1 if len(d1) >= 2 else 0
            dmn_max = max(dmn_max, dmn_run)
        return {"samples": len(self.samples), "max_gap_ms": int(gap * 1000),
                "overlap_proc": proc_max, "overlap_daemon": dmn_max,
                "two_runners": proc_max >= 3 or dmn_max >= 3,
                "episode": best[:6]}

    def intervals(self):
        """(sample, next sample, {pid: (host name, vCPU us)} of the QEMUs
        whose vCPU ran in between).  "Ran" is at least MIN_RUN_US of vCPU
        time, the process not stopped, and not in its first NEWBORN_S
        seconds: a QEMU just started (incoming) sets its vCPU thread up,
        which takes a little CPU time without running the guest; a running
        guest takes >= 1.4 ms per 50 ms (tests/guest: hlt idle, 1 kHz PIT)."""
        born = {}
        for i, (t, procs, _) in enumerate(self.samples):
            for pid in procs:   # those of the first sample were running
                born.setdefault(pid, t if i else float("-inf"))
        for s0, s1 in zip(self.samples, self.samples[1:]):
            p0, p1 = s0[1], s1[1]
            ran = {pid: (p1[pid][0], (rt - p0[pid][2]) // 1000)
                   for pid, (_, st, rt) in p1.items()
                   if pid in p0 and rt - p0[pid][2] >= self.MIN_RUN_US * 1000 and
                   st != "T" and s0[0] - born[pid] >= self.NEWBORN_S}
            yield s0, s1, ran

    def ever_ran(self):
        """Names of hosts whose QEMU of the guest ran at some point."""
        out = set()
        for _, _, ran in self.intervals():
            out |= {h for h, _ in ran.values()}
        return out

    def wait_ran(self, host_name, timeout=10):
        """Waits until the QEMU on @host_name has been seen running (the
        guest's vCPU time grew over an interval); False after @timeout."""
        deadline = time.monotonic() + timeout
        while host_name not in self.ever_ran():
            if time.monotonic() > deadline:
                return False
            time.sleep(self.interval)
        return True


# ---- the end of a cell

def domstate(host, name):
    res = virsh(host.uri, "domstate", "--reason", name, check=False, timeout=20)
    return res.stdout.strip() if res.returncode == 0 else None


def job_type(host, name):
    res = virsh(host.uri, "domjobinfo", name, check=False, timeout=20)
    m = re.search(r"^Job type:\s+(\S+)", res.stdout, re.M)
    return m.group(1) if m else None


TRANSIENT = ("paused (unknown)", "paused (migrating)")


def settle(name, hosts, timeout=25, undecided_grace=15):
    """Waits until no host has a job for @name, its QEMUs stay the same
    for a second and, for the first @undecided_grace seconds, no copy is
    in a state a daemon may still leave by itself (TRANSIENT: a copy kept
    paused while its daemon asks the peer what became of the migration,
    an orphaned v2 stream its daemon still watches); returns False on
    timeout."""
    finder = QemuFinder(name, hosts)
    start = time.time()
    deadline = start + timeout
    last, since = None, time.time()
    while time.time() < deadline:
        busy = any(job_type(h, name) not in (None, "None") for h in hosts)
        if not busy and time.time() - start < undecided_grace:
            busy = any(domstate(h, name) in TRANSIENT for h in hosts)
        now = sorted(finder.find())
        if now != last:
            last, since = now, time.time()
        if not busy and time.time() - since >= 1.0:
            return True
        time.sleep(0.2)
    return False


def log_problems(records):
    """Problems of a guest's heartbeat records: more than one boot, a
    repeated (boot, seq), CORRUPT."""
    problems = []
    boots = []
    seen = set()
    for r in records:
        if r.boot not in boots:
            boots.append(r.boot)
        if (r.boot, r.seq) in seen:
            problems.append("seq %d repeated" % r.seq)
        seen.add((r.boot, r.seq))
        if r.state == "CORRUPT":
            problems.append("CORRUPT at seq %d" % r.seq)
    if len(boots) > 1:
        problems.insert(0, "%d boots" % len(boots))
    if not records:
        problems.append("no heartbeat")
    # one line per kind is enough for a table
    out = []
    for p in problems:
        kind = p.split(" ")[0]
        if not any(o.split(" ")[0] == kind for o in out):
            out.append(p)
    return out


def end_state(name, hosts):
    """What is left of guest @name: {host name: dict(state, job, qemus,
    status_file, ports)}."""
    finder = QemuFinder(name, hosts)
    pids = finder.find()
    out = {}
    for h in hosts:
        out[h.name] = {
            "state": domstate(h, name),
            "job": job_type(h, name),
            "qemus": sorted(p for p, o in pids.items() if o is h),
            "status_file": os.path.exists(h.status_file(name)),
            "ports": sorted(h.listening_ports()),
        }
    return out
