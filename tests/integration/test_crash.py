"""A guest that panics, and its <on_crash>, as stock clients see it.

The test guest with ``panic_beats=N`` panics after N heartbeats and says
so through the pvpanic device (``<panic model='isa'/>``), as Linux's
pvpanic driver does.  QEMU sends GUEST_PANICKED and stops; virtmigd, as
libvirt 9.0 does, marks the domain crashed (event "crashed panicked") and
acts on ``<on_crash>``:

- destroy: shut off (crashed), event "stopped crashed"; a transient
  domain is gone;
- preserve: stays "crashed (panicked)" until destroyed;
- restart: the guest boots again (a new boot id in its log), the domain
  "running (crashed)";
- coredump-destroy / coredump-restart: the guest's memory is first
  written, as an ELF core, to <state>/qemu/dump (libvirt's
  auto_dump_path), then as above.

Each case is watched with stock ``virsh event --loop`` and
``virsh domstate --reason``; AgainstStock runs the same guest on a stock
libvirtd 9.0 host and on virtmigd and compares what they say.
"""

import glob
import os
import re
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import stockhost
from eventlib import VirshEvents, index_of
from harness import Host, virsh

PANIC_BEATS = 5
HB_MS = 100


def crash_xml(name, log, on_crash, pad_kib=harness.TCG_PAD_KIB,
              beats=PANIC_BEATS):
    xml = harness.guest_xml(name, log, pad_kib=pad_kib,
                            cmdline="hb_ms=%d panic_beats=%d" % (HB_MS, beats))
    xml = xml.replace("  <devices>",
                      "  <on_crash>%s</on_crash>\n  <devices>" % on_crash)
    return xml.replace("<memballoon model='none'/>",
                       "<memballoon model='none'/>\n    <panic model='isa'/>")


def wait_second_boot(log, timeout):
    harness.wait_for(lambda: len(guestlog.boot_ids(log)) >= 2,
                     timeout=timeout, what="a second boot in %s" % log)


def panics(log):
    return sum(1 for line in guestlog.read_lines(log)
               if line == "virtmig-guest panic")


class Crash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_guest()
        cls.host = Host("crashA").start()
        cls.dump_dir = None

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()

    def setUp(self):
        self.events = VirshEvents(self.host.uri, "--event", "lifecycle")

    def tearDown(self):
        self.events.stop()
        for name in ("cr",):
            virsh(self.host.uri, "destroy", name, check=False)
            virsh(self.host.uri, "undefine", name, check=False)

    def start(self, on_crash, persistent=True):
        log = os.path.join(self.host.root, "cr-%s.log" % on_crash)
        path = harness.write_file(os.path.join(self.host.root, "cr.xml"),
                                  crash_xml("cr", log, on_crash))
        if persistent:
            virsh(self.host.uri, "define", path)
            virsh(self.host.uri, "start", "cr")
        else:
            virsh(self.host.uri, "create", path)
        self.assertIn("<on_crash>%s</on_crash>" % on_crash,
                      virsh(self.host.uri, "dumpxml", "cr").stdout)
        return log

    def wait_state(self, want, timeout=20):
        harness.wait_for(lambda: harness.domstate(self.host, "cr") == want,
                         timeout=timeout,
                         what="domstate %r (now %r)" % (
                             want, harness.domstate(self.host, "cr")))

    def wait_event(self, *needles, timeout=20):
        harness.wait_for(
            lambda: index_of(self.events.events("cr"), *needles) >= 0,
            timeout=timeout,
            what="event %s (seen %s)" % (needles, self.events.events("cr")))
        return index_of(self.events.events("cr"), *needles)

    def dumps(self):
        return sorted(glob.glob(os.path.join(self.host.root, "**", "qemu",
                                             "dump", "*-cr-*"),
                                recursive=True))

    def check_core(self, before):
        # one a panic: a restarted guest panics again
        new = [p for p in self.dumps() if p not in before]
        self.assertGreaterEqual(len(new), 1, new)
        with open(new[0], "rb") as f:
            self.assertEqual(f.read(4), b"\x7fELF")
        # the guest's 64 MiB (and its 8 KiB pad) are in the core
        self.assertGreater(os.path.getsize(new[0]), 64 * 1024 * 1024)
        return new[0]

    def test_destroy(self):
        log = self.start("destroy")
        crashed = self.wait_event("Crashed", "Panicked")
        stopped = self.wait_event("Stopped", "Crashed")
        self.assertLess(crashed, stopped)
        self.wait_state("shut off (crashed)")
        self.assertEqual(panics(log), 1)
        self.assertEqual(len(guestlog.parse_log(log)), PANIC_BEATS)

    def test_destroy_transient(self):
        self.start("destroy", persistent=False)
        self.wait_event("Stopped", "Crashed")
        harness.wait_for(lambda: harness.domstate(self.host, "cr") is None,
                         what="transient domain gone")

    def test_preserve(self):
        log = self.start("preserve")
        self.wait_event("Crashed", "Panicked")
        self.wait_state("crashed (panicked)")
        time.sleep(1)
        self.assertEqual(harness.domstate(self.host, "cr"),
                         "crashed (panicked)")
        self.assertEqual(panics(log), 1)
        self.assertEqual(index_of(self.events.events("cr"), "Stopped"), -1)
        self.assertIn("crashed", virsh(self.host.uri, "list", "--all").stdout)
        # a daemon restart finds it crashed still (QEMU's "guest-panicked")
        self.host.stop()
        self.host.start()
        self.assertEqual(harness.domstate(self.host, "cr"),
                         "crashed (panicked)")
        virsh(self.host.uri, "destroy", "cr")
        self.wait_state("shut off (destroyed)")

    def test_restart(self):
        log = self.start("restart")
        self.wait_event("Crashed", "Panicked")
        wait_second_boot(log, timeout=20)
        self.assertEqual(index_of(self.events.events("cr"), "Stopped"), -1)
        state = harness.domstate(self.host, "cr")
        self.assertIn(state, ("running (crashed)", "crashed (panicked)"))

    def test_coredump_destroy(self):
        before = self.dumps()
        self.start("coredump-destroy")
        self.wait_event("Stopped", "Crashed", timeout=60)
        self.wait_state("shut off (crashed)")
        core = self.check_core(before)
        print("core dump %s, %d bytes" % (core, os.path.getsize(core)))

    def test_coredump_restart(self):
        before = self.dumps()
        log = self.start("coredump-restart")
        wait_second_boot(log, timeout=60)
        self.check_core(before)
        self.assertEqual(index_of(self.events.events("cr"), "Stopped"), -1)


# What each on_crash leads to: the event to wait for, then the state.
OUTCOMES = {
    "preserve": ("Crashed Panicked", "crashed (panicked)"),
    "destroy": ("Stopped Crashed", None),
    "restart": ("Crashed Panicked", "running (crashed)"),
    "coredump-destroy": ("Stopped Crashed", None),
}


def lifecycle(events):
    """The lifecycle events of @events as "Kind Detail" words, without
    "Suspended Paused": stock handles GUEST_PANICKED on a worker, so the
    STOP that follows it may reach it first and pause the domain before
    it marks it crashed (seen in about one run of two); virtmigd marks it
    crashed at once, and a crashed domain does not become paused."""
    words = [ln.split(": ", 1)[1] for ln in events]
    return [w for w in words if w != "Suspended Paused"]


class AgainstStock(unittest.TestCase):
    """The same guest and on_crash on stock libvirtd and on virtmigd
    (``virsh create``): the same lifecycle events up to the outcome, the
    same domstate after it, the core dump named alike."""

    @classmethod
    def setUpClass(cls):
        harness.require_guest()
        cls.stock = stockhost.started("stockCr", "127.0.0.2")
        cls.ours = Host("crashB").start()

    @classmethod
    def tearDownClass(cls):
        cls.ours.cleanup()
        cls.stock.cleanup()

    def run_case(self, uri, root, on_crash):
        want_event, want_state = OUTCOMES[on_crash]
        events = VirshEvents(uri, "--event", "lifecycle")
        try:
            time.sleep(0.3)     # virsh event has registered
            log = os.path.join(root, "cs-%s.log" % on_crash)
            path = harness.write_file(
                os.path.join(root, "cs.xml"),
                crash_xml("cs", log, on_crash, pad_kib=0, beats=10))
            virsh(uri, "create", path)
            harness.wait_for(
                lambda: want_event in lifecycle(events.events("cs")),
                timeout=30, what="%s on %s" % (want_event, uri))
            if on_crash == "restart":
                harness.wait_for(
                    lambda: lifecycle(events.events("cs"))[3:4] != [],
                    timeout=30, what="the restart on %s" % uri)
            seen = lifecycle(events.events("cs"))
            state = (virsh(uri, "domstate", "--reason", "cs", check=False)
                     .stdout.strip() or None)
        finally:
            events.stop()
            virsh(uri, "destroy", "cs", check=False)
        # up to the outcome, and for restart the resume after it
        end = seen.index(want_event) + (2 if on_crash == "restart" else 1)
        return seen[:end], state

    def test_same_outcomes(self):
        for on_crash in OUTCOMES:
            with self.subTest(on_crash=on_crash):
                stock = self.run_case(self.stock.uri, self.stock.root,
                                      on_crash)
                ours = self.run_case(self.ours.uri, self.ours.root, on_crash)
                print("%s: stock %s, virtmigd %s" % (on_crash, stock, ours))
                self.assertEqual(ours, stock)
                if on_crash != "restart":
                    self.assertEqual(ours[1], OUTCOMES[on_crash][1])
        # coredump-destroy wrote one core on each host, named alike
        names = []
        for h in (self.stock, self.ours):
            dumps = glob.glob(os.path.join(h.root, "**", "qemu", "dump",
                                           "*-cs-*"), recursive=True)
            self.assertTrue(dumps, "no dump under %s" % h.root)
            names.append(sorted(os.path.basename(d) for d in dumps))
        pattern = r"[0-9]+-cs-\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d"
        for n in names[0] + names[1]:
            self.assertRegex(n, "^%s$" % pattern)


if __name__ == "__main__":
    harness.main()
