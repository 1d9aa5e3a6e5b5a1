"""Domain lifecycle on real QEMU with the project's test guest, driven by
stock virsh."""

import os
import signal
import socket
import subprocess
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh


class LifecycleVirsh(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("hostV").start()
        cls.uri = cls.host.uri

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()

    def define(self, name):
        log = os.path.join(self.host.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.host.root, name + ".xml"),
                                 harness.guest_xml(name, log))
        virsh(self.uri, "define", xml)
        return log

    def test_full_cycle(self):
        events = subprocess.Popen([harness.VIRSH, "-c", self.uri, "event",
                                   "--all", "--loop", "--timeout", "30"],
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        log = self.define("cyc")
        self.assertIn("cyc", virsh(self.uri, "list", "--all").stdout)
        self.assertEqual(virsh(self.uri, "domstate", "cyc").stdout.strip(), "shut off")

        start = time.time()
        virsh(self.uri, "start", "cyc")
        started = time.time() - start
        guestlog.wait_for_lines(log, 1, timeout=harness.time_bound(2))
        first_line = time.time() - start
        print("\nvirsh start: %.0f ms; first heartbeat after %.0f ms"
              % (started * 1000, first_line * 1000))
        self.assertLess(first_line, harness.time_bound(2.0))

        info = virsh(self.uri, "dominfo", "cyc").stdout
        self.assertRegex(info, r"State:\s+running")
        self.assertRegex(info, r"Persistent:\s+yes")
        self.assertEqual(virsh(self.uri, "domstate", "--reason", "cyc").stdout.strip(),
                         "running (booted)")

        virsh(self.uri, "suspend", "cyc")
        self.assertEqual(virsh(self.uri, "domstate", "--reason", "cyc").stdout.strip(),
                         "paused (user)")
        n = len(guestlog.parse_log(log))
        time.sleep(0.5)
        self.assertLessEqual(len(guestlog.parse_log(log)), n + 1)
        virsh(self.uri, "resume", "cyc")
        guestlog.wait_for_lines(log, n + 3, timeout=3)
        self.assertEqual(virsh(self.uri, "domstate", "--reason", "cyc").stdout.strip(),
                         "running (unpaused)")

        xml = virsh(self.uri, "dumpxml", "cyc").stdout
        self.assertRegex(xml, r"<domain type='qemu' id='\d+'>")
        self.assertIn("<name>cyc</name>", xml)
        virsh(self.uri, "shutdown", "cyc")

        start = time.time()
        virsh(self.uri, "destroy", "cyc")
        print("virsh destroy: %.0f ms" % ((time.time() - start) * 1000))
        self.assertEqual(virsh(self.uri, "domstate", "--reason", "cyc").stdout.strip(),
                         "shut off (destroyed)")
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())
        virsh(self.uri, "undefine", "cyc")
        self.assertNotIn("cyc", virsh(self.uri, "list", "--all").stdout)

        time.sleep(0.5)
        events.send_signal(signal.SIGINT)
        out, _ = events.communicate(timeout=40)
        for needle in ["'lifecycle' for domain 'cyc': Defined Added",
                       "'lifecycle' for domain 'cyc': Started Booted",
                       "'lifecycle' for domain 'cyc': Suspended Paused",
                       "'lifecycle' for domain 'cyc': Resumed Unpaused",
                       "'lifecycle' for domain 'cyc': Stopped Destroyed",
                       "'lifecycle' for domain 'cyc': Undefined Removed"]:
            self.assertIn(needle, out)

    def test_start_running_and_missing(self):
        self.define("twice")
        virsh(self.uri, "start", "twice")
        res = virsh(self.uri, "start", "twice", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Domain is already active", res.stderr)
        virsh(self.uri, "destroy", "twice")
        virsh(self.uri, "undefine", "twice")
        res = virsh(self.uri, "dominfo", "nosuch", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("failed to get domain 'nosuch'", res.stderr)

    def test_start_fails_in_qemu(self):
        """QEMU that exits during start (here: its VNC port is taken, so it
        fails after it accepted the monitor): the error quotes QEMU's own
        message, as libvirt's does, and the guest stays shut off."""
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            log = os.path.join(self.host.root, "vncbusy-serial.log")
            xml = harness.guest_xml("vncbusy", log).replace(
                "<video>", "<graphics type='vnc' port='%d' autoport='no' "
                "listen='127.0.0.1'/><video>" % port)
            virsh(self.uri, "define",
                  harness.write_file(os.path.join(self.host.root, "vb.xml"),
                                     xml))
            self.addCleanup(virsh, self.uri, "undefine", "vncbusy")
            res = virsh(self.uri, "start", "vncbusy", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("process exited while connecting to monitor", res.stderr)
        self.assertIn("Address already in use", res.stderr)
        self.assertEqual(virsh(self.uri, "domstate", "vncbusy").stdout.strip(),
                         "shut off")

    def test_bad_xml(self):
        cases = {
            "malformed": ("<domain type='qemu'><name>x</name>", "XML error"),
            "unknown device": (harness.guest_xml("bad1", "/tmp/x.log").replace(
                "<memballoon model='none'/>",
                "<memballoon model='none'/><smartcard mode='passthrough' type='spicevmc'/>"), "smartcard"),
            "absurd memory": (harness.guest_xml("bad2", "/tmp/x.log").replace(
                "<memory unit='KiB'>%d</memory>" % harness.GUEST_KIB,
                "<memory unit='TiB'>1000</memory>"), "memory"),
            "slash": (harness.guest_xml("a/b", "/tmp/x.log"), "name"),
            "dotdot": (harness.guest_xml("..", "/tmp/x.log"), "name"),
        }
        before = sorted(os.listdir(os.path.join(self.host.root, "lib")))
        for what, (xml, needle) in cases.items():
            path = harness.write_file(os.path.join(self.host.root, "bad.xml"), xml)
            res = virsh(self.uri, "define", path, check=False)
            self.assertNotEqual(res.returncode, 0, what)
            self.assertIn(needle, res.stderr, what)
        self.assertEqual(sorted(os.listdir(os.path.join(self.host.root, "lib"))), before)
        self.assertEqual(virsh(self.uri, "list", "--all", "--name").stdout.strip(), "")

    def test_duplicates(self):
        log = os.path.join(self.host.root, "dup.log")
        a = harness.write_file(os.path.join(self.host.root, "dup1.xml"),
                               harness.guest_xml("dup", log,
                                                 uuid="11111111-2222-4333-8444-555555555555"))
        virsh(self.uri, "define", a)
        b = harness.write_file(os.path.join(self.host.root, "dup2.xml"),
                               harness.guest_xml("dup", log,
                                                 uuid="99999999-2222-4333-8444-555555555555"))
        res = virsh(self.uri, "define", b, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("already exists with uuid", res.stderr)
        c = harness.write_file(os.path.join(self.host.root, "dup3.xml"),
                               harness.guest_xml("other", log,
                                                 uuid="11111111-2222-4333-8444-555555555555"))
        res = virsh(self.uri, "define", c, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("already", res.stderr)
        virsh(self.uri, "undefine", "dup")


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
