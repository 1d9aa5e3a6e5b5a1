"""A daemon killed (SIGKILL) and started again in the middle of a
--copy-storage-all migration (issue 14), between two virtmigd hosts with
their own image directories (harness.Host image_view), the disk mirror
slowed down (--bandwidth 4, 48 MiB to copy):

- the source daemon: its QEMU goes on mirroring while no daemon runs; the
  restarted daemon finds the mirror (query-block-jobs), cancels it and
  the guest runs on with its own disk; the destination, whose client
  lost the source, drops its incoming copy and the image it created;
- the destination daemon: the restarted daemon finds the incoming
  migration unfinished (phase prepare, from its status XML), kills the
  incoming QEMU and removes the image it created for it (recorded in the
  status XML); the source's mirror fails and the guest runs on there.

Each time: exactly one running copy (the source's, its heartbeat
continuous), the source's image unchanged, no image left at the
destination, and no mirror left in the source QEMU (the daemon log says
what recovery cancelled, and the same migration then succeeds: a mirror
or node left behind would make its job id or node name clash)."""

import os
import signal
import subprocess
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import virsh
from test_migrate_storage import (MIB, StorageHosts, has_pattern, qemu_img,
                                  require_image_views)


class StorageRestart(StorageHosts, unittest.TestCase):
    NAMES = ("srA", "srB")
    CONF = {"log_level": 2}

    def restart_during_copy(self, name, host):
        """Starts the slowed storage migration of @name from A to B and,
        once the destination's image exists and the copy is under way,
        kills @host's daemon with SIGKILL and starts it again.  Returns
        virsh's (exit status, stderr)."""
        proc = subprocess.Popen(
            ["virsh", "-c", self.a.uri, "migrate", "--live",
             "--copy-storage-all", "--bandwidth", "4", name, self.b.uri],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            harness.wait_for(lambda: os.path.exists(self.image(self.b, name)),
                             timeout=20, what="the destination's image")
            harness.wait_for(
                lambda: os.path.getsize(self.image(self.b, name)) > 2 * MIB,
                timeout=20, step=0.1, what="the copy to be under way")
            host.stop(sig=signal.SIGKILL)
            host.start()
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        print("\nvirsh migrate: %s" % err.strip())
        return proc.returncode, err

    def assert_one_copy_at_source(self, name, log, before):
        src = self.image(self.a, name)
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=20,
                         what="the destination to drop the domain")
        self.assertEqual(harness.qemu_pids_under(self.b.root), [])
        harness.wait_for(lambda: not os.path.exists(self.image(self.b, name)),
                         timeout=10, what="the destination's image to go")
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.assertEqual(len(harness.qemu_pids_under(self.a.root)), 1)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertTrue(has_pattern(src, 0x51, 0, 48 * MIB))
        self.assertEqual(before, qemu_img("info", "-U", "--output=json",
                                          src).stdout)

    def assert_migrates_again(self, name):
        """Nothing of the interrupted copy is left in the source QEMU."""
        virsh(self.a.uri, "migrate", "--live", "--copy-storage-all", name,
              self.b.uri, timeout=120)
        self.assertEqual(self.state(self.b, name), "running (migrated)")
        self.assertTrue(has_pattern(self.image(self.b, name), 0x51, 0,
                                    48 * MIB))

    def test_source_restarted(self):
        name = "srs1"
        log = self.start_guest(name, size="64M", data_mib=48)
        before = qemu_img("info", "-U", "--output=json",
                          self.image(self.a, name)).stdout
        rc, _ = self.restart_during_copy(name, self.a)
        self.assertNotEqual(rc, 0)
        self.assert_one_copy_at_source(name, log, before)
        self.assertIn("disk mirrors of an interrupted storage migration are left",
                      self.a.read_log())
        self.assert_migrates_again(name)

    def test_destination_restarted(self):
        name = "srd1"
        log = self.start_guest(name, size="64M", data_mib=48)
        before = qemu_img("info", "-U", "--output=json",
                          self.image(self.a, name)).stdout
        rc, _ = self.restart_during_copy(name, self.b)
        self.assertNotEqual(rc, 0)
        self.assert_one_copy_at_source(name, log, before)
        self.assertIn("created for the failed incoming storage migration",
                      self.b.read_log())
        self.assert_migrates_again(name)


if __name__ == "__main__":
    require_image_views()
    harness.main()
