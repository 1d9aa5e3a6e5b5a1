"""Live migration, protocol v3, between two virtmigd hosts with stock virsh
and python-libvirt: the test guest keeps its boot id, its heartbeat gap
stays under a second and its memory check never fails."""

import os
import re
import signal
import subprocess
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh


class MigrateV3(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        conf = {"migration_host": "127.0.0.1"}
        cls.a = Host("hostA", conf=dict(conf, migration_port_min=49200,
                                        migration_port_max=49209)).start()
        cls.b = Host("hostB", conf=dict(conf, migration_port_min=49210,
                                        migration_port_max=49219)).start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def start_guest(self, name, host=None, **kw):
        host = host or self.a
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log, **kw))
        virsh(host.uri, "define", xml)
        virsh(host.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=3)
        self.addCleanup(self.cleanup_guest, name)
        return log

    def migrate(self, src, dst, name, *opts, check=True):
        start = time.time()
        res = virsh(src.uri, "migrate", *opts, name, dst.uri, check=check,
                    timeout=120)
        return res, time.time() - start

    def assert_moved(self, log, src, dst, name, gap=1.0):
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=gap)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print("\n" + verdict.summary())

    def test_live_there_and_back(self):
        log = self.start_guest("mig1", cmdline="hb_ms=100 wss_mib=16")
        guestlog.follow(log)
        res, took = self.migrate(self.a, self.b, "mig1", "--live")
        print("\nvirsh migrate --live A->B: %.0f ms" % (took * 1000))
        self.assert_moved(log, self.a, self.b, "mig1")
        self.check_completed_stats_match("mig1")
        dst_info = virsh(self.b.uri, "domjobinfo", "--completed", "mig1",
                         check=False).stdout
        info = virsh(self.a.uri, "domjobinfo", "--completed", "mig1",
                     check=False).stdout
        print(info + dst_info)
        self.assertRegex(info, r"Job type:\s+Completed")
        self.assertRegex(info, r"Time elapsed:\s+\d+\s+ms")
        self.assertRegex(info, r"Data processed:\s+\S+")
        self.assertRegex(info, r"Total downtime:\s+\d+\s+ms")
        # stock virsh on the destination: the totals and downtime the
        # source sent in its cookie
        self.assertRegex(dst_info, r"Operation:\s+Incoming migration")
        for field in ("Total downtime", "Memory processed", "Memory total",
                      "Memory remaining", "Iteration", "Constant pages",
                      "Normal pages"):
            want = re.search(r"^%s:.*$" % field, info, re.M)
            self.assertIsNotNone(want, field)
            self.assertIn(want.group(0), dst_info.splitlines(), field)

        guestlog.follow(log)
        res, took = self.migrate(self.b, self.a, "mig1", "--live")
        print("virsh migrate --live B->A: %.0f ms" % (took * 1000))
        self.assert_moved(log, self.b, self.a, "mig1")

    def check_completed_stats_match(self, name):
        """As stock: the destination's completed job shows the totals the
        source sent in its cookie, and both show the downtime the
        destination measured (the source gets it from Finish's cookie)."""
        import libvirt
        flag = libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED
        stats = {}
        for host in (self.a, self.b):
            conn = libvirt.open(host.uri)
            try:
                stats[host.name] = conn.lookupByName(name).jobStats(
                    flag | libvirt.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED)
            finally:
                conn.close()
        src, dst = stats[self.a.name], stats[self.b.name]
        print("completed on the source: %s\non the destination: %s"
              % (src, dst))
        self.assertEqual(src["operation"],
                         libvirt.VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT)
        self.assertEqual(dst["operation"],
                         libvirt.VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN)
        for key in ("memory_total", "memory_processed", "memory_remaining",
                    "memory_constant", "memory_normal", "memory_iteration",
                    "downtime"):
            self.assertIn(key, dst, key)
            self.assertEqual(src[key], dst[key], key)
        self.assertGreater(dst["memory_processed"], 0)
        self.assertLess(dst["downtime"], 1000)
        self.assertIn("downtime_net", dst)
        self.assertGreaterEqual(dst["time_elapsed"], dst["downtime"])

    def test_persistent_undefinesource(self):
        log = self.start_guest("mig2")
        guestlog.follow(log)
        self.migrate(self.a, self.b, "mig2", "--live", "--persistent",
                     "--undefinesource")
        self.assert_moved(log, self.a, self.b, "mig2")
        self.assertNotIn("mig2", virsh(self.a.uri, "list", "--all", "--name").stdout)
        self.assertRegex(virsh(self.b.uri, "dominfo", "mig2").stdout,
                         r"Persistent:\s+yes")

    def test_python_migrate_and_migrate3(self):
        import libvirt
        log = self.start_guest("mig3")
        src = libvirt.open(self.a.uri)
        dst = libvirt.open(self.b.uri)
        try:
            guestlog.follow(log)
            dom = src.lookupByName("mig3")
            new = dom.migrate(dst, libvirt.VIR_MIGRATE_LIVE, None, None, 0)
            self.assertEqual(new.name(), "mig3")
            self.assert_moved(log, self.a, self.b, "mig3")
            guestlog.follow(log)
            dom = dst.lookupByName("mig3")
            new = dom.migrate3(src, {}, libvirt.VIR_MIGRATE_LIVE)
            self.assertEqual(new.name(), "mig3")
            self.assert_moved(log, self.b, self.a, "mig3")
        finally:
            src.close()
            dst.close()

    def test_same_host_refused(self):
        self.start_guest("mig4")
        res, _ = self.migrate(self.a, self.a, "mig4", "--live", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("same host", res.stderr)
        self.assertEqual(self.state(self.a, "mig4"), "running (booted)")

    def test_unsupported_flag_refused(self):
        self.start_guest("mig5")
        res, _ = self.migrate(self.a, self.b, "mig5", "--live",
                              "--rdma-pin-all", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("VIR_MIGRATE_RDMA_PIN_ALL", res.stderr)
        self.assertEqual(self.state(self.a, "mig5"), "running (booted)")
        self.assertIsNone(self.state(self.b, "mig5"))


if __name__ == "__main__":
    harness.require("virsh")
    harness.require("libvirt")
    harness.require_guest()
    harness.main()
