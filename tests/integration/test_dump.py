"""virsh dump: the guest's memory into a file, as stock virsh 9.0 asks.

On one virtmigd host, the test guest (whose serial log tells whether it
kept running, was reset or lost memory):

- ``--memory-only``: an ELF core with the guest's RAM; ``--format
  kdump-zlib`` a kdump-compressed one (QEMU 7.2 writes makedumpfile's
  flattened format); the guest paused for it and runs on, memory intact;
- without ``--memory-only``: QEMU's migration stream ("QEVM" magic), as
  libvirt writes it, the guest running again afterwards;
- ``--live`` (the daemon does not pause the guest; QEMU stops it for a
  memory-only dump itself, with stock libvirt too), ``--reset``
  reboots the guest after the dump, ``--crash`` leaves it shut off
  (crashed), ``--bypass-cache`` writes the same core;
- refused with libvirt's errors: a kdump format without
  ``--memory-only``, a format this QEMU does not write for this guest, a
  domain that does not run, a path that cannot be written (and nothing
  is left behind).
"""

import os
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from eventlib import VirshEvents, index_of
from harness import Host, virsh

import libvirt

GUEST_MIB = 64


class Dump(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_guest()
        cls.host = Host("dumpA").start()
        cls.conn = libvirt.open(cls.host.uri)

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        cls.host.cleanup()

    def setUp(self):
        self.log = os.path.join(self.host.root, "%s.log" % self._testMethodName)
        path = harness.write_file(
            os.path.join(self.host.root, "d.xml"),
            harness.guest_xml("d", self.log, memory_mib=GUEST_MIB,
                              cmdline="hb_ms=100 wss_mib=8"))
        virsh(self.host.uri, "define", path)
        virsh(self.host.uri, "start", "d")
        guestlog.wait_for_lines(self.log, 3, timeout=20)
        self.events = VirshEvents(self.host.uri, "--event", "lifecycle")
        time.sleep(0.3)

    def tearDown(self):
        self.events.stop()
        virsh(self.host.uri, "destroy", "d", check=False)
        virsh(self.host.uri, "undefine", "d", check=False)

    def path(self, name):
        return os.path.join(self.host.root, name)

    def head(self, path, n=8):
        with open(path, "rb") as f:
            return f.read(n)

    def assert_runs_on(self, beats=3):
        """The guest runs after the dump, same boot, memory intact."""
        self.assertEqual(harness.domstate(self.host, "d"), "running (unpaused)")
        seen = len(guestlog.parse_log(self.log))
        guestlog.wait_for_lines(self.log, seen + beats, timeout=20)
        verdict = guestlog.check_continuity(self.log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_memory_only_elf(self):
        core = self.path("mem.core")
        virsh(self.host.uri, "dump", "--memory-only", "d", core)
        self.assertEqual(self.head(core, 4), b"\x7fELF")
        self.assertGreater(os.path.getsize(core), GUEST_MIB * 1024 * 1024)
        self.assert_runs_on()
        events = self.events.events("d")
        self.assertGreaterEqual(index_of(events, "Suspended"), 0, events)
        self.assertGreaterEqual(index_of(events, "Resumed"), 0, events)

    def test_memory_only_kdump(self):
        core = self.path("mem.kdump")
        virsh(self.host.uri, "dump", "--memory-only", "--format", "kdump-zlib",
              "d", core)
        # QEMU 7.2 writes kdump in makedumpfile's flattened format
        self.assertEqual(self.head(core, 12), b"makedumpfile")
        self.assert_runs_on()

    def test_full_dump(self):
        core = self.path("full.dump")
        virsh(self.host.uri, "dump", "d", core)
        self.assertEqual(self.head(core, 4), b"QEVM")
        self.assertGreater(os.path.getsize(core), 1024 * 1024)
        self.assert_runs_on()

    def test_live_bypass_cache(self):
        core = self.path("live.core")
        virsh(self.host.uri, "dump", "--memory-only", "--live",
              "--bypass-cache", "d", core)
        self.assertEqual(self.head(core, 4), b"\x7fELF")
        self.assert_runs_on()

    def test_full_bypass_cache(self):
        core = self.path("direct.dump")
        virsh(self.host.uri, "dump", "--bypass-cache", "d", core)
        self.assertEqual(self.head(core, 4), b"QEVM")
        self.assert_runs_on()

    def test_reset(self):
        virsh(self.host.uri, "dump", "--memory-only", "--reset", "d",
              self.path("reset.core"))
        harness.wait_for(lambda: len(guestlog.boot_ids(self.log)) == 2,
                         timeout=20, what="the guest booted again")
        self.assertEqual(harness.domstate(self.host, "d"), "running (unpaused)")

    def test_crash(self):
        core = self.path("crash.core")
        virsh(self.host.uri, "dump", "--crash", "d", core)
        self.assertEqual(self.head(core, 4), b"QEVM")
        self.assertEqual(harness.domstate(self.host, "d"), "shut off (crashed)")
        harness.wait_for(
            lambda: index_of(self.events.events("d"), "Stopped Crashed") >= 0,
            what="event Stopped Crashed")

    def test_errors(self):
        dom = self.conn.lookupByName("d")
        core = self.path("bad.core")
        cases = [
            # a kdump format needs --memory-only
            (lambda: dom.coreDumpWithFormat(
                core, libvirt.VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB, 0),
             libvirt.VIR_ERR_OPERATION_UNSUPPORTED,
             "kdump-compressed format is only supported with memory-only dump"),
            # QEMU lists win-dmp but writes it for Windows guests only
            (lambda: dom.coreDumpWithFormat(
                core, libvirt.VIR_DOMAIN_CORE_DUMP_FORMAT_WIN_DMP,
                libvirt.VIR_DUMP_MEMORY_ONLY),
             libvirt.VIR_ERR_OPERATION_FAILED, "memory-only dump failed: "),
            # a directory that does not exist
            (lambda: dom.coreDump("/nonexistent/dir/x.core", 0),
             libvirt.VIR_ERR_SYSTEM_ERROR, "failed to create"),
        ]
        for call, code, text in cases:
            with self.assertRaises(libvirt.libvirtError) as cm:
                call()
            print("\n%s" % cm.exception)
            self.assertEqual(cm.exception.get_error_code(), code)
            self.assertIn(text, str(cm.exception))
            self.assertFalse(os.path.exists(core))
            self.assertEqual(harness.domstate(self.host, "d"),
                             "running (unpaused)"
                             if index_of(self.events.events("d"),
                                         "Suspended") >= 0
                             else "running (booted)")
        virsh(self.host.uri, "destroy", "d")
        res = virsh(self.host.uri, "dump", "--memory-only", "d", core,
                    check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Requested operation is not valid: domain is not running",
                      res.stderr)


if __name__ == "__main__":
    harness.main()
