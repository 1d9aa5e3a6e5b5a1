"""<cputune>: vCPU and emulator pins, and the scheduler's tuning, as
libvirt 9.0 (stock libvirtd side by side where it says what is right).

- A guest with two vCPUs pinned crosswise (vCPU 0 on host CPU 1, vCPU 1
  on CPU 0) and its emulator on CPU 1: each vCPU thread (the thread ids
  QEMU reports) and QEMU's main thread run where the XML says; a live
  migration to a second host pins them the same there; the guest runs on
  intact.
- The XML keeps <cputune> as stock libvirtd 9.0 writes it for the same
  input (the scheduler's values too).
- The scheduler's values (<shares>, nova writes them) need the cgroup CPU
  controller, which neither this daemon nor the stock test host (its
  cgroup_controllers is empty) has: defined, but the start is refused
  with the same error on both.
- A pin of a vCPU the guest does not have, a second pin of one and an
  empty cpuset are refused with libvirt's errors.
- ``virsh vcpupin`` and ``emulatorpin`` of a running guest: the query
  shows the pins (every host CPU where there is none), a live pin moves
  the thread at once and goes into the live XML only, ``--config`` into
  the persistent one only; the live pins move with a migration; a vCPU
  the guest does not have and a read-only connection are refused.
- A vCPU plugged by ``setvcpus --live`` runs where its <vcpupin> says.
"""

import json
import os
import re
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import stockhost
from harness import virsh

PINS = """  <cputune>
    <vcpupin vcpu='0' cpuset='1'/>
    <vcpupin vcpu='1' cpuset='0'/>
    <emulatorpin cpuset='1'/>
  </cputune>
"""
SCHED = """  <cputune>
    <shares>2048</shares>
    <period>100000</period>
    <quota>-1</quota>
    <emulator_period>20000</emulator_period>
    <vcpupin vcpu='1' cpuset='0-1'/>
  </cputune>
"""


def tune_xml(name, log, cputune, pad_kib=harness.TCG_PAD_KIB):
    xml = harness.guest_xml(name, log, pad_kib=pad_kib)
    return xml.replace("<vcpu>1</vcpu>\n", "<vcpu>2</vcpu>\n" + cputune)


def cputune_block(xml):
    m = re.search(r"  <cputune>.*?</cputune>\n", xml, re.S)
    return m.group(0) if m else None


def allowed(pid, tid=None):
    path = "/proc/%d/task/%d/status" % (pid, tid) if tid else \
        "/proc/%d/status" % pid
    with open(path) as f:
        return re.search(r"^Cpus_allowed_list:\s*(\S+)", f.read(),
                         re.M).group(1)


class Cputune(harness.TwoHostsCase, unittest.TestCase):
    def define(self, host, name, cputune, pad_kib=harness.TCG_PAD_KIB):
        log = os.path.join(self.tmp, name + ".log")
        path = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                  tune_xml(name, log, cputune, pad_kib))
        self.addCleanup(self.cleanup_guest, name)
        res = virsh(host.uri, "define", path, check=False)
        return log, res

    def threads(self, host, name):
        """QEMU's pid and its vCPU thread ids by cpu-index."""
        with open(os.path.join(host.root, "run", "qemu",
                               name + ".pid")) as f:
            pid = int(f.read())
        out = virsh(host.uri, "qemu-monitor-command", name,
                    '{"execute":"query-cpus-fast"}').stdout
        cpus = json.loads(out)["return"]
        return pid, {c["cpu-index"]: c["thread-id"] for c in cpus}

    def assert_pinned(self, host, name):
        pid, tids = self.threads(host, name)
        self.assertEqual(allowed(pid, tids[0]), "1")
        self.assertEqual(allowed(pid, tids[1]), "0")
        self.assertEqual(allowed(pid), "1", "the emulator's main thread")

    def test_pins_and_migration(self):
        if os.cpu_count() < 2:
            self.skipTest("the host has one CPU: nothing to pin crosswise")
        log, res = self.define(self.a, "ct1", PINS)
        self.assertEqual(res.returncode, 0, res.stderr)
        virsh(self.a.uri, "start", "ct1")
        guestlog.wait_for_lines(log, 3, timeout=20)
        self.assert_pinned(self.a, "ct1")
        self.assertEqual(cputune_block(virsh(self.a.uri, "dumpxml",
                                             "ct1").stdout), PINS)
        guestlog.follow(log)
        self.addCleanup(guestlog.unfollow, log)
        virsh(self.a.uri, "migrate", "--live", "ct1", self.b.uri)
        self.assert_pinned(self.b, "ct1")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=10)
        verdict = guestlog.check_continuity(log, max_gap_s=5.0)
        self.assertTrue(verdict.ok, verdict.summary())

    def pins(self, host, name, *opts):
        out = virsh(host.uri, "vcpupin", name, *opts).stdout
        return dict(line.split() for line in out.splitlines() if line.strip())

    def test_live_pins(self):
        if os.cpu_count() != 2:
            self.skipTest("the checks assume a host of two CPUs")
        log, _ = self.define(self.a, "ct4", "")
        virsh(self.a.uri, "start", "ct4")
        guestlog.wait_for_lines(log, 3, timeout=20)
        self.assertEqual(self.pins(self.a, "ct4"), {"0": "0-1", "1": "0-1"})
        virsh(self.a.uri, "vcpupin", "ct4", "0", "1")   # virDomainPinVcpu
        virsh(self.a.uri, "vcpupin", "ct4", "1", "0", "--live")
        virsh(self.a.uri, "vcpupin", "ct4", "1", "1", "--config")
        virsh(self.a.uri, "emulatorpin", "ct4", "1", "--live")
        self.assertEqual(self.pins(self.a, "ct4"), {"0": "1", "1": "0"})
        self.assertEqual(self.pins(self.a, "ct4", "--config"),
                         {"0": "0-1", "1": "1"})
        self.assertEqual(virsh(self.a.uri, "emulatorpin", "ct4").stdout.strip(),
                         "1")
        self.assert_pinned(self.a, "ct4")
        self.assertEqual(cputune_block(virsh(self.a.uri, "dumpxml",
                                             "ct4").stdout), PINS)
        self.assertIn("<vcpupin vcpu='1' cpuset='1'/>", virsh(
            self.a.uri, "dumpxml", "--inactive", "ct4").stdout)
        res = virsh(self.a.uri, "vcpupin", "ct4", "2", "0", check=False)
        self.assertIn("vcpu 2 is out of range of live cpu count 2", res.stderr)
        res = virsh(self.a.uri, "vcpupin", "ct4", "0", "0", check=False,
                    readonly=True)
        self.assertIn("read only access prevents virDomainPinVcpu", res.stderr)
        self.assertEqual(virsh(self.a.uri, "vcpupin", "ct4",
                               readonly=True).returncode, 0)
        virsh(self.a.uri, "migrate", "--live", "ct4", self.b.uri)
        self.assert_pinned(self.b, "ct4")
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_plugged_vcpu_pinned(self):
        if os.cpu_count() < 2:
            self.skipTest("the host has one CPU: nothing to pin crosswise")
        log, _ = self.define(self.a, "ct5", PINS)
        xml = virsh(self.a.uri, "dumpxml", "--inactive", "ct5").stdout
        xml = xml.replace("<vcpu placement='static'>2</vcpu>",
                          "<vcpu placement='static' current='1'>2</vcpu>")
        virsh(self.a.uri, "define", harness.write_file(
            os.path.join(self.tmp, "ct5b.xml"), xml))
        virsh(self.a.uri, "start", "ct5")
        guestlog.wait_for_lines(log, 3, timeout=20)
        virsh(self.a.uri, "setvcpus", "ct5", "2", "--live")
        self.assert_pinned(self.a, "ct5")

    def test_sched_refused_at_start(self):
        log, res = self.define(self.a, "ct2", SCHED)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(cputune_block(virsh(self.a.uri, "dumpxml",
                                             "ct2").stdout), SCHED)
        res = virsh(self.a.uri, "start", "ct2", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("unsupported configuration: cgroup cpu is required "
                      "for scheduler tuning", res.stderr)
        self.assertTrue(harness.domstate(self.a, "ct2").startswith("shut off"))

    def test_errors(self):
        for tune, msg in (
                ("  <cputune>\n    <vcpupin vcpu='2' cpuset='0'/>\n"
                 "  </cputune>\n", "invalid vcpu '2' in vcpupin"),
                ("  <cputune>\n    <vcpupin vcpu='0' cpuset='0'/>\n"
                 "    <vcpupin vcpu='0' cpuset='1'/>\n  </cputune>\n",
                 "duplicate vcpupin for vcpu '0'"),
                ("  <cputune>\n    <period>10</period>\n  </cputune>\n",
                 "Value of cputune 'period' must be in range "
                 "[1000, 1000000]")):
            _, res = self.define(self.a, "ct3", tune)
            self.assertNotEqual(res.returncode, 0, tune)
            self.assertIn(msg, res.stderr)


class AgainstStock(unittest.TestCase):
    """The same XML on stock libvirtd 9.0: the same <cputune> back, and
    the same refusal of the scheduler's values at start."""

    @classmethod
    def setUpClass(cls):
        harness.require_guest()
        cls.stock = stockhost.started("stockCt", "127.0.0.2")

    @classmethod
    def tearDownClass(cls):
        cls.stock.cleanup()

    def test_same_xml_and_refusal(self):
        for name, tune in (("st1", PINS), ("st2", SCHED)):
            log = self.stock.path(name + ".log")
            path = harness.write_file(self.stock.path(name + ".xml"),
                                      tune_xml(name, log, tune, pad_kib=0))
            virsh(self.stock.uri, "define", path)
            self.addCleanup(virsh, self.stock.uri, "undefine", name,
                            check=False)
            self.assertEqual(cputune_block(virsh(self.stock.uri, "dumpxml",
                                                 name).stdout), tune)
        res = virsh(self.stock.uri, "start", "st2", check=False)
        self.assertIn("unsupported configuration: cgroup cpu is required "
                      "for scheduler tuning", res.stderr)


if __name__ == "__main__":
    harness.main()
