"""Statistics of a running guest with a disk and a NIC, as stock clients
read them: virsh domstats (every group), domblkstat, domifstat,
dommemstat, vcpuinfo, nodecpustats, nodememstats, freecell and
nodecpumap; python-libvirt's calls of the same APIs; and, when Debian's
prometheus-libvirt-exporter is installed, its scrape over the read-only
socket.  Figures are checked against what the host itself says: the
tap's counters in /proc/net/dev (exchanged, as the guest sees them),
/proc/meminfo, the image's size, the QEMU process's RSS.  A libvirt API
this daemon does not serve is named in its error.

The host runs in a private network namespace with a bridge, so the tap
is real without touching the machine's network.  Exits 77 (skip)
without root, /dev/net/tun or network namespaces.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

NETNS = "virtmig-stats-%d" % os.getpid()
BRIDGE = "brst0"
MAC = "52:54:00:5a:00:01"
EXPORTER = "/usr/bin/prometheus-libvirt-exporter"


def ns(*cmd, check=True):
    return subprocess.run(["ip", "netns", "exec", NETNS] + list(cmd),
                          capture_output=True, text=True, check=check)


def require_netns():
    if os.geteuid() != 0:
        print("SKIP: tap devices and network namespaces need root")
        sys.exit(77)
    if not os.path.exists("/dev/net/tun"):
        print("SKIP: /dev/net/tun is missing")
        sys.exit(77)
    res = subprocess.run(["ip", "netns", "add", NETNS], capture_output=True,
                         text=True)
    if res.returncode != 0:
        print("SKIP: cannot create a network namespace: %s" % res.stderr.strip())
        sys.exit(77)
    ns("ip", "link", "set", "lo", "up")
    ns("ip", "link", "add", BRIDGE, "type", "bridge")
    ns("ip", "addr", "add", "10.77.0.1/24", "dev", BRIDGE)
    ns("ip", "link", "set", BRIDGE, "up")


class NetnsHost(Host):
    """A virtmigd host started inside the test's network namespace."""

    def start(self, extra_args=(), wait=True):
        self.write_conf()
        self.stderr = open(os.path.join(self.root, "stderr.log"), "ab")
        self.proc = subprocess.Popen(["ip", "netns", "exec", NETNS,
                                      harness.VIRTMIGD, "--root", self.root] +
                                     list(extra_args),
                                     stdout=self.stderr, stderr=self.stderr)
        if wait:
            self.wait_ready()
        return self


def guest_xml(name, serial_log, image):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <cmdline>hb_ms=100 wss_mib=4</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <mac address='%s'/>
      <source bridge='%s'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='%s' append='on'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='virtio'>
      <stats period='1'/>
    </memballoon>
  </devices>
</domain>
""" % (name, harness.GUEST_ELF, image, MAC, BRIDGE, serial_log)


def domstats(uri, *args):
    """virsh domstats output as {domain: {field: value}}."""
    out = {}
    dom = None
    for line in virsh(uri, "domstats", *args).stdout.splitlines():
        line = line.strip()
        if line.startswith("Domain: "):
            dom = line.split("'")[1]
            out[dom] = {}
        elif "=" in line and dom:
            key, _, value = line.partition("=")
            out[dom][key] = value
    return out


def proc_net_dev(dev):
    for line in ns("cat", "/proc/net/dev").stdout.splitlines():
        if line.strip().startswith(dev + ":"):
            f = line.split(":", 1)[1].split()
            return [int(x) for x in f]
    raise AssertionError("%s not in /proc/net/dev" % dev)


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(key)


class Stats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = NetnsHost("statsA").start()
        cls.addClassCleanup(cls.host.cleanup)
        cls.image = os.path.join(cls.host.root, "vda.img")
        subprocess.run(["qemu-img", "create", "-q", "-f", "raw", cls.image,
                        "16M"], check=True)
        log = os.path.join(cls.host.root, "g1-serial.log")
        xml = harness.write_file(os.path.join(cls.host.root, "g1.xml"),
                                 guest_xml("g1", log, cls.image))
        virsh(cls.host.uri, "define", xml)
        virsh(cls.host.uri, "start", "g1")
        guestlog.wait_for_lines(log, 3, timeout=15)
        cls.tap = re.findall(r"<target dev='(vnet\d+)'/>",
                             virsh(cls.host.uri, "dumpxml", "g1").stdout)[0]
        pids = harness.qemu_pids_under(cls.host.root)
        assert len(pids) == 1, pids
        cls.qemu = pids[0]

    def setUp(self):
        self.assertIsNone(self.host.proc.poll(), "daemon died")

    def test_domstats_every_group(self):
        st = domstats(self.host.uri, "g1")["g1"]
        for key in ("state.state", "state.reason", "cpu.time", "cpu.user",
                    "cpu.system", "balloon.current", "balloon.maximum",
                    "balloon.rss", "vcpu.current", "vcpu.maximum",
                    "vcpu.0.state", "vcpu.0.time", "vcpu.1.time",
                    "net.count", "net.0.name", "net.0.rx.bytes",
                    "net.0.rx.pkts", "net.0.tx.pkts", "net.0.rx.drop",
                    "block.count", "block.0.name", "block.0.path",
                    "block.0.rd.reqs", "block.0.rd.bytes", "block.0.wr.reqs",
                    "block.0.wr.bytes", "block.0.fl.reqs", "block.0.capacity",
                    "block.0.physical"):
            self.assertIn(key, st, key)
        self.assertEqual(st["state.state"], "1")
        self.assertEqual(st["balloon.current"], "65536")
        # the test guest has no balloon driver: it reported nothing
        for key in ("swap_in", "unused", "available", "usable", "last-update"):
            self.assertNotIn("balloon." + key, st)
        self.assertEqual(st["balloon.maximum"], "65536")
        self.assertEqual((st["vcpu.current"], st["vcpu.maximum"]), ("2", "2"))
        self.assertGreater(int(st["cpu.time"]), 0)
        self.assertGreater(int(st["vcpu.0.time"]), 0)
        self.assertEqual(st["net.count"], "1")
        self.assertEqual(st["net.0.name"], self.tap)
        # the guest's receive is the tap's transmit, and the other way round
        # (nothing else sends in this namespace: the counters stand still)
        dev = proc_net_dev(self.tap)
        self.assertEqual([int(st["net.0.rx." + k]) for k in
                          ("bytes", "pkts", "errs", "drop")], dev[8:12])
        self.assertEqual([int(st["net.0.tx." + k]) for k in
                          ("bytes", "pkts", "errs", "drop")], dev[0:4])
        self.assertEqual(st["block.count"], "1")
        self.assertEqual(st["block.0.name"], "vda")
        self.assertEqual(st["block.0.path"], self.image)
        self.assertEqual(int(st["block.0.capacity"]), 16 << 20)
        self.assertEqual(int(st["block.0.physical"]), os.path.getsize(self.image))
        rss = int(st["balloon.rss"])
        with open("/proc/%d/status" % self.qemu) as f:
            vmrss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        self.assertLess(abs(rss - vmrss), vmrss // 4 + 1024)
        # one group at a time, and the list form
        only = domstats(self.host.uri, "--state", "--list-active")["g1"]
        self.assertEqual(sorted(only), ["state.reason", "state.state"])

    def test_virsh_per_api(self):
        blk = virsh(self.host.uri, "domblkstat", "g1", "vda").stdout
        self.assertRegex(blk, r"vda rd_req \d+")
        self.assertRegex(blk, r"vda flush_total_times \d+")
        blk2 = virsh(self.host.uri, "domblkstat", "g1", self.image).stdout
        self.assertIn("wr_bytes", blk2)
        ifs = virsh(self.host.uri, "domifstat", "g1", self.tap).stdout
        m = re.search(r"rx_packets (\d+)", ifs)
        self.assertIsNotNone(m, ifs)
        self.assertIn("%s tx_drop" % MAC,
                      virsh(self.host.uri, "domifstat", "g1", MAC).stdout)
        mem = virsh(self.host.uri, "dommemstat", "g1").stdout
        self.assertIn("actual 65536", mem)
        self.assertRegex(mem, r"rss \d+")
        vcpu = virsh(self.host.uri, "vcpuinfo", "g1").stdout
        # the guest never starts its second vCPU: no time, as virsh shows it
        self.assertEqual(len(re.findall(r"VCPU:\s+\d", vcpu)), 2, vcpu)
        self.assertRegex(vcpu, r"VCPU:\s+0\nCPU:\s+\d+\nState:\s+running\n"
                         r"CPU time:\s+[\d.]+s")
        self.assertIn("CPU Affinity:", vcpu)
        cpu = virsh(self.host.uri, "nodecpustats").stdout
        for key in ("user:", "system:", "idle:", "iowait:"):
            self.assertIn(key, cpu)
        mem = virsh(self.host.uri, "nodememstats").stdout
        total = int(re.search(r"total\s*:\s*(\d+) KiB", mem).group(1))
        self.assertEqual(total, meminfo("MemTotal"))
        free = virsh(self.host.uri, "freecell").stdout
        kib = int(re.search(r"(\d+) KiB", free).group(1))
        self.assertLess(abs(kib - meminfo("MemFree")), 256 * 1024)
        cmap = virsh(self.host.uri, "nodecpumap").stdout
        self.assertRegex(cmap, r"CPUs online:\s+%d\n" % os.cpu_count())

    def test_bad_input(self):
        for args, text in (
                (("domblkstat", "g1", "vdz"), "invalid path: vdz"),
                (("domifstat", "g1", "vnet999"), "is not a known interface"),
                (("domstats", "--enforce", "--perf", "g1"),
                 "not supported by this daemon"),
                (("freecell", "--cellno", "99"), "out of range")):
            res = virsh(self.host.uri, *args, check=False)
            self.assertNotEqual(res.returncode, 0, args)
            self.assertIn(text, res.stderr, args)
        res = virsh(self.host.uri, "domstats", "g1")
        self.assertIn("state.state=1", res.stdout)

    def test_python(self):
        script = r"""
import json, sys, libvirt
c = libvirt.open(sys.argv[1])
d = c.lookupByName("g1")
out = {}
out["free"] = c.getFreeMemory()
out["cells"] = c.getCellsFreeMemory(0, 1)
out["cpu"] = c.getCPUStats(-1)
out["mem"] = c.getMemoryStats(-1)
out["map"] = c.getCPUMap()
out["blk"] = list(d.blockStats("vda"))
out["blkf"] = d.blockStatsFlags("vda")
out["if"] = list(d.interfaceStats(sys.argv[2]))
out["memstats"] = d.memoryStats()
out["vcpus"] = d.vcpus()
out["maxmem"] = d.maxMemory()
out["maxvcpus"] = d.maxVcpus()
out["all"] = [(r[0].name(), r[1]) for r in c.getAllDomainStats(
    libvirt.VIR_DOMAIN_STATS_BLOCK | libvirt.VIR_DOMAIN_STATS_VCPU)]
out["list"] = [(r[0].name(), r[1]) for r in c.domainListGetStats([d], 0)]
try:
    d.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 0, [30], 1, 0)
    out["unserved"] = None
except libvirt.libvirtError as e:
    out["unserved"] = [e.get_error_code(), str(e)]
print(json.dumps(out))
"""
        res = subprocess.run(["/usr/bin/python3", "-c", script, self.host.uri_ro,
                              self.tap], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        out = json.loads(res.stdout)
        self.assertLess(abs(out["free"] // 1024 - meminfo("MemFree")), 256 * 1024)
        self.assertEqual(len(out["cells"]), 1)
        self.assertEqual(sorted(out["cpu"]), ["idle", "iowait", "kernel", "user"])
        self.assertEqual(out["mem"]["total"], meminfo("MemTotal"))
        self.assertEqual(out["map"][0], os.cpu_count())
        self.assertEqual(out["blk"][4], -1)
        self.assertEqual(out["blk"][0], out["blkf"]["rd_operations"])
        self.assertIn("flush_total_times", out["blkf"])
        self.assertEqual(len(out["if"]), 8)
        self.assertEqual(out["memstats"]["actual"], 65536)
        self.assertGreater(out["memstats"]["rss"], 0)
        info, maps = out["vcpus"]
        self.assertEqual([v[0] for v in info], [0, 1])
        self.assertGreater(info[0][2], 0, info)
        self.assertEqual([v[1] for v in info], [1, 1])
        self.assertEqual(len(maps), 2)
        self.assertEqual(len(maps[0]), os.cpu_count())
        self.assertEqual(out["maxmem"], 65536)
        self.assertEqual(out["maxvcpus"], 2)
        name, params = out["all"][0]
        self.assertEqual(name, "g1")
        self.assertIn("block.0.rd.bytes", params)
        self.assertIn("vcpu.1.time", params)
        self.assertNotIn("state.state", params)
        self.assertIn("state.state", out["list"][0][1])
        # an API this daemon does not serve is named, as libvirt does
        self.assertEqual(out["unserved"][0], 3)    # VIR_ERR_NO_SUPPORT
        self.assertIn("this function is not supported by the connection "
                      "driver: virDomainSendKey", out["unserved"][1])

    def test_prometheus_exporter(self):
        if not os.path.exists(EXPORTER):
            self.skipTest("prometheus-libvirt-exporter is not installed")
        port = harness.free_port()
        proc = subprocess.Popen([EXPORTER, "--web.listen-address",
                                 "127.0.0.1:%d" % port, "--libvirt.uri",
                                 self.host.uri_ro],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)

        def scrape():
            try:
                with urllib.request.urlopen(
                        "http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
                    return r.read().decode()
            except OSError:
                return None
        text = harness.wait_for(scrape, timeout=15, step=0.2, what="exporter")
        self.assertRegex(text, r"(?m)^libvirt_up 1$")
        for metric in ("block_stats_read_requests_total",
                       "interface_stats_receive_packets_total",
                       "info_memory_usage_bytes", "info_virtual_cpus"):
            self.assertRegex(text, r"(?m)^libvirt_domain_%s\{[^}]*domain=\"g1\"" %
                             metric, metric)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    require_netns()
    try:
        harness.main()
    finally:
        subprocess.run(["ip", "netns", "delete", NETNS], capture_output=True)
