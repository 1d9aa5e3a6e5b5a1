"""The hosts of the benchmark: two virtmigd and two stock libvirtd 9.0.

Both kinds get the same interface, so every figure is measured by the same
code on both: ``uri`` for virsh and python-libvirt, ``daemon_pid()`` for
CPU time and RSS, ``addr`` for the migration stream.  Each pair migrates
between two loopback addresses of its own (virtmig 127.0.0.4/5, stock
127.0.0.2/3), as two hosts would.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TREE, "tests", "integration"))
sys.path.insert(0, os.path.join(TREE, "tests", "guest"))

import harness  # noqa: E402
import stockhost  # noqa: E402

VIRTMIG, LIBVIRT = "virtmig", "libvirt"


class VirtmigHost:
    kind = VIRTMIG

    def __init__(self, name, addr):
        port = harness.free_port()
        self.name = name
        self.addr = addr
        self.host = harness.Host(name, conf={
            "migration_host": addr, "migration_address": addr,
            "migration_port_min": port, "migration_port_max": port + 19})

    def start(self):
        self.host.start()
        return self

    @property
    def uri(self):
        return self.host.uri

    def daemon_pid(self):
        return self.host.proc.pid

    def cleanup(self):
        self.host.cleanup()


class StockHost:
    kind = LIBVIRT

    def __init__(self, name, addr, peers):
        self.name = name
        self.addr = addr
        self.host = stockhost.StockHost(name, addr, peers=peers)

    def start(self):
        self.host.start()
        return self

    @property
    def uri(self):
        return self.host.uri

    def daemon_pid(self):
        for pid in self.host.namespace_pids():
            try:
                with open("/proc/%d/comm" % pid) as f:
                    if f.read().strip() == "libvirtd":
                        return pid
            except OSError:
                pass
        raise RuntimeError("no libvirtd in %s's namespace" % self.name)

    def cleanup(self):
        self.host.cleanup()


def unavailable_reason():
    """Why the benchmark cannot run here, or None."""
    if not os.path.exists(harness.VIRTMIGD):
        return "virtmigd is not built (%s): run sh scripts/build.sh" % harness.VIRTMIGD
    if not harness.VIRSH:
        return "stock virsh (libvirt-clients) is not installed"
    return stockhost.unavailable_reason()


def start_pairs():
    """{kind: (source, destination)}, all four hosts started."""
    started = []
    try:
        peers = {"stockA": "127.0.0.2", "stockB": "127.0.0.3"}
        for name, addr in peers.items():
            started.append(StockHost(name, addr, peers).start())
        for name, addr in (("virtA", "127.0.0.4"), ("virtB", "127.0.0.5")):
            started.append(VirtmigHost(name, addr).start())
    except Exception:
        stop_all(started)
        raise
    return {LIBVIRT: (started[0], started[1]), VIRTMIG: (started[2], started[3])}


def stop_all(hosts):
    for h in hosts:
        try:
            h.cleanup()
        except Exception as e:      # keep stopping the others
            print("bench: cleanup of %s: %s" % (h.name, e), file=sys.stderr)


def proc_cpu_ticks(pid):
    """utime + stime of @pid, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def proc_pss_kib(pid):
    """The proportional set size: each shared page counted once across
    the processes that map it (shared libraries' text is most of RSS)."""
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


CLK_TCK = os.sysconf("SC_CLK_TCK")
