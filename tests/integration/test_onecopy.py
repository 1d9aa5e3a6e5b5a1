"""Exactly one running copy of a migrated guest, whatever message is lost
(issue 10): stock virsh migrates through tests/integration/rpcproxy.py,
which drops, holds or cuts one chosen call or reply, or a daemon is
killed or stalled at a chosen step.

Each case ends with the test guest's serial log showing one boot and a
sequence that never repeats (two running copies would write the same
seq twice), and with at most one host whose domain runs; where the
outcome cannot be known, the source stays paused with a reason, never
running beside the destination.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import rpcproxy
from harness import Host, virsh, wait_for

CALM = "hb_ms=100 wss_mib=8"
DIRTY = "hb_ms=100 wss_mib=64 rate_mib_s=16"
HOT = "hb_ms=100 wss_mib=64 rate_mib_s=0"


def port_range():
    """The first of 10 ports for a host's incoming migrations."""
    return harness.free_port() // 10 * 10


class OneCopy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-onecopy-")
        cls.a = cls.host("onecA")
        cls.b = cls.host("onecB")
        cls.v2 = cls.host("onecV2", migration_protocols="2")

    @classmethod
    def host(cls, name, **conf):
        port = port_range()
        h = Host(name, conf=dict({"migration_host": "127.0.0.1",
                                  "migration_port_min": port,
                                  "migration_port_max": port + 9,
                                  "log_level": 2}, **conf))
        return h.start()

    @classmethod
    def tearDownClass(cls):
        for h in (cls.a, cls.b, cls.v2):
            try:
                h.cleanup()
            except Exception as e:  # noqa: BLE001 (a killed host)
                print("cleanup of %s: %s" % (h.name, e))
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers

    def start_guest(self, name, host=None, cmdline=CALM, memory_mib=64):
        host = host or self.a
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log, cmdline=cmdline,
                                                   memory_mib=memory_mib))
        self.addCleanup(self.cleanup_guest, name)
        virsh(host.uri, "create", xml)
        guestlog.wait_for_lines(log, 3, timeout=5)
        return log

    def cleanup_guest(self, name):
        for h in (self.a, self.b, self.v2):
            if h.proc and h.proc.poll() is None:
                virsh(h.uri, "destroy", name, check=False)
                virsh(h.uri, "undefine", name, check=False)

    def proxy(self, host):
        p = rpcproxy.RpcProxy(host.sock)
        self.addCleanup(p.close)
        return p

    def state(self, host, name):
        res = virsh(host.uri, "domstate", "--reason", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    def migrate(self, name, src_uri, dst_uri, *extra):
        return subprocess.Popen([harness.VIRSH, "-q", "-c", src_uri, "migrate",
                                 "--live", name, dst_uri] + list(extra),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def finish(self, proc, timeout=90):
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, err.strip()

    def running_on(self, name, hosts):
        return [h.name for h in hosts
                if (self.state(h, name) or "").startswith("running")]

    def assert_one_runner(self, name, log, hosts, watch_s=2.0):
        """At most one host runs @name, over @watch_s seconds, and the
        log shows one boot whose seq never repeats; returns who runs."""
        deadline = time.time() + watch_s
        runners = []
        while time.time() < deadline:
            runners = self.running_on(name, hosts)
            self.assertLessEqual(len(runners), 1, "two running copies: %s" % runners)
            time.sleep(0.2)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())
        return runners

    def assert_alive_on(self, host, name, log):
        """The guest runs on @host and its heartbeat goes on (same boot)."""
        self.assertTrue((self.state(host, name) or "").startswith("running"),
                        "%s on %s: %s" % (name, host.name, self.state(host, name)))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def job(self, host, name):
        res = virsh(host.uri, "domjobinfo", name, check=False)
        for line in res.stdout.splitlines():
            if line.startswith("Job type:"):
                return line.split(":", 1)[1].strip()
        return None

    def log_has(self, host, text, timeout=10):
        wait_for(lambda: text in host.read_log(), timeout=timeout,
                 what="%r in the log of %s" % (text, host.name))

    # ---- breakage 1: the reply of Finish3 is lost

    def test_lost_finish3_reply(self):
        """The destination ran Finish3 (its vCPUs run) but the reply never
        reaches virsh, whose connection to the destination then fails:
        libvirt.so sends Confirm3(cancelled=1).  The source asks the
        destination itself, learns the guest runs there, and stops its
        own copy instead of resuming it."""
        name = "oc1"
        log = self.start_guest(name)
        proxy = self.proxy(self.b)
        rule = proxy.add_rule("reply", "DOMAIN_MIGRATE_FINISH3_PARAMS", "drop_cut")
        rc, err = self.finish(self.migrate(name, self.a.uri, proxy.uri))
        print("\n  lost Finish3 reply -> virsh exit %d: %s" % (rc, err))
        self.assertTrue(rule.fired.is_set())
        self.assertNotEqual(rc, 0)
        self.log_has(self.a, "runs on the destination")
        wait_for(lambda: self.state(self.a, name) in (None, "shut off (migrated)"),
                 timeout=10, what="the source copy to stop")
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.b.name])
        self.assert_alive_on(self.b, name, log)

    # ---- breakage 2: Finish3 reaches the destination after its client left

    def test_finish3_after_client_gone(self):
        """virsh's Finish3 is held, then its connection is cut while the
        call is delivered (what a destination daemon stalled past the
        client's keepalive sees when it wakes up): the destination refuses
        a Finish3 whose client is gone, and the source, told by the
        destination that no copy is there, resumes."""
        name = "oc2"
        log = self.start_guest(name)
        proxy = self.proxy(self.b)
        rule = proxy.add_rule("call", "DOMAIN_MIGRATE_FINISH3_PARAMS", "hold")
        proc = self.migrate(name, self.a.uri, proxy.uri)
        self.assertTrue(rule.fired.wait(60), "no Finish3 call")
        time.sleep(0.2)
        rule.cut(deliver=True)
        rc, err = self.finish(proc)
        print("\n  Finish3 after the client left -> virsh exit %d: %s" % (rc, err))
        self.assertNotEqual(rc, 0)
        wait_for(lambda: self.running_on(name, (self.a, self.b)), timeout=15,
                 what="one host to run %s" % name)
        runners = self.assert_one_runner(name, log, (self.a, self.b))
        print("  runs on %s" % runners)
        if runners == [self.a.name]:
            self.log_has(self.b, "refusing Finish")
            self.assertIsNone(self.state(self.b, name))
        else:
            # the call won the race with the disconnect: then the source
            # must have learnt it and stopped
            self.assertIn(self.state(self.a, name), (None, "shut off (migrated)"))
        self.assert_alive_on(self.b if runners == [self.b.name] else self.a,
                             name, log)

    def test_destination_daemon_stalled_at_finish3(self):
        """The destination daemon is stopped (SIGSTOP) as Finish3 reaches
        it; virsh's keepalive gives up (~30 s) and it sends
        Confirm3(cancelled).  The source cannot get an answer from the
        stalled destination, so it stays paused (unknown) instead of
        resuming; woken up (SIGCONT), the destination refuses the queued
        Finish3 of a client that is gone (or, when it sees the client's
        connection close before it gets to the call, destroys the
        incoming copy right away), and the source, asking again,
        learns that it has no copy and resumes (or, should Finish3 run
        first, the source learns that and stops): never two running
        copies."""
        name = "ocstall"
        log = self.start_guest(name)
        proxy = self.proxy(self.b)
        rule = proxy.add_rule("call", "DOMAIN_MIGRATE_FINISH3_PARAMS", "hold")
        proc = self.migrate(name, self.a.uri, proxy.uri)
        self.assertTrue(rule.fired.wait(60), "no Finish3 call")
        os.kill(self.b.pid(), signal.SIGSTOP)
        try:
            rule.release()
            t0 = time.time()
            rc, err = self.finish(proc, timeout=120)
            print("\n  destination stalled at Finish3 -> virsh exit %d after %.1f s: %s"
                  % (rc, time.time() - t0, err))
            self.assertNotEqual(rc, 0)
            self.log_has(self.a, "cannot tell whether the destination runs", timeout=30)
            self.assertEqual(self.state(self.a, name), "paused (unknown)")
        finally:
            os.kill(self.b.pid(), signal.SIGCONT)
        wait_for(lambda: self.state(self.b, name) in (None, "running (migrated)"),
                 timeout=15, what="the destination to settle Finish3")
        runners = self.assert_one_runner(name, log, (self.a, self.b))
        print("  after SIGCONT: runs on %s" % runners)
        if runners != [self.b.name]:
            self.assertIn(runners, ([], [self.a.name]))
            paths = ("refusing Finish", "disconnected before Finish; "
                     "destroying the incoming domain")
            wait_for(lambda: any(p in self.b.read_log() for p in paths),
                     timeout=30, what="the destination to refuse Finish3 or "
                     "drop the incoming copy of a client that is gone")
            print("  destination: %s" % [p for p in paths
                                         if p in self.b.read_log()])
            wait_for(lambda: self.state(self.a, name) == "running (migration canceled)",
                     timeout=40, what="the source to resume once the destination has no copy")
            self.log_has(self.a, "the destination has no copy; resuming it here")
            self.assert_alive_on(self.a, name, log)
        else:
            wait_for(lambda: self.state(self.a, name) in (None, "shut off (migrated)"),
                     timeout=40, what="the source to stop once the destination runs it")
            self.assert_alive_on(self.b, name, log)

    # ---- breakage 3: the destination daemon dies right after Finish3

    def test_kill_destination_daemon_after_finish3(self):
        """Finish3 ran on the destination (vCPUs started) and its daemon is
        killed -9 before the reply leaves: the source cannot reach the
        destination, so it stays paused with a reason instead of resuming,
        recording whom to ask again (<undecided> in its status file); the
        restarted destination daemon takes its running QEMU back, and the
        source, asking again, learns it and stops its copy: one copy."""
        name = "oc3"
        log = self.start_guest(name)
        proxy = self.proxy(self.b)
        rule = proxy.add_rule("reply", "DOMAIN_MIGRATE_FINISH3_PARAMS", "hold")
        proc = self.migrate(name, self.a.uri, proxy.uri)
        self.assertTrue(rule.fired.wait(60), "no Finish3 reply")
        self.b.stop(signal.SIGKILL)
        rule.cut()
        rc, err = self.finish(proc)
        print("\n  destination daemon killed after Finish3 -> virsh exit %d: %s"
              % (rc, err))
        self.assertNotEqual(rc, 0)
        wait_for(lambda: self.state(self.a, name) != "paused (migrating)",
                 timeout=30, what="the source to decide")
        self.assertEqual(self.state(self.a, name), "paused (unknown)")
        self.log_has(self.a, "cannot tell whether the destination runs")
        with open(os.path.join(self.a.root, "run", "qemu", name + ".xml")) as f:
            self.assertIn("<undecided side='source' preState='running'", f.read())
        self.b.start()
        wait_for(lambda: (self.state(self.b, name) or "").startswith("running"),
                 timeout=10, what="the destination to take its QEMU back")
        wait_for(lambda: self.state(self.a, name) in (None, "shut off (migrated)"),
                 timeout=40, what="the source to learn the destination runs it")
        self.log_has(self.a, "is on the destination of its migration; stopping it here")
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.b.name])
        self.assert_alive_on(self.b, name, log)

    # ---- breakage 4: v2, the reply of Perform is lost

    def test_v2_lost_perform_reply(self):
        """Protocol v2: the source sent everything and stopped its QEMU,
        but the Perform reply is lost, so virsh calls Finish2 with a
        failure code: the destination keeps its complete copy (paused)
        instead of killing the only one; `virsh resume` runs it on."""
        name = "oc4"
        log = self.start_guest(name)
        proxy = self.proxy(self.a)
        rule = proxy.add_rule("reply", "DOMAIN_MIGRATE_PERFORM", "drop_cut")
        rc, err = self.finish(self.migrate(name, proxy.uri, self.v2.uri))
        print("\n  v2 lost Perform reply -> virsh exit %d: %s" % (rc, err))
        self.assertTrue(rule.fired.is_set())
        self.assertNotEqual(rc, 0)
        self.assertIn(self.state(self.a, name), (None, "shut off (migrated)"))
        self.assertEqual(self.state(self.v2, name), "paused (migrating)")
        self.log_has(self.v2, "keeping the complete incoming copy")
        virsh(self.v2.uri, "resume", name)
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.v2)),
                         [self.v2.name])
        self.assert_alive_on(self.v2, name, log)


    # ---- the destination's own definition

    def test_prepare_keeps_destination_definition(self):
        """The destination has its own (inactive) definition of the guest:
        an incoming migration runs the source's, and the destination's
        stays the next one, both when the migration fails (the client
        gone before Finish3) and when it succeeds."""
        name = "ocdef"
        uuid = "6f1c3a2e-1d2b-4c5d-8e9f-0a1b2c3d4e5f"
        log = os.path.join(self.tmp, name + "-serial.log")
        xml_a = harness.write_file(os.path.join(self.tmp, name + "-a.xml"),
                                   harness.guest_xml(name, log, cmdline=CALM,
                                                     uuid=uuid))
        xml_b = harness.write_file(os.path.join(self.tmp, name + "-b.xml"),
                                   harness.guest_xml(name, log, cmdline=CALM,
                                                     memory_mib=96, uuid=uuid))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.b.uri, "define", xml_b)
        virsh(self.a.uri, "create", xml_a)
        guestlog.wait_for_lines(log, 3, timeout=5)

        def memory(host, *flags):
            out = virsh(host.uri, "dumpxml", name, *flags).stdout
            return out.split("<memory unit='KiB'>")[1].split("<")[0]

        proxy = self.proxy(self.b)
        rule = proxy.add_rule("call", "DOMAIN_MIGRATE_FINISH3_PARAMS", "hold")
        proc = self.migrate(name, self.a.uri, proxy.uri)
        self.assertTrue(rule.fired.wait(60), "no Finish3 call")
        self.assertEqual(memory(self.b), str(harness.GUEST_KIB))
        self.assertEqual(memory(self.b, "--inactive"), "98312")
        rule.cut(deliver=False)
        self.finish(proc)
        wait_for(lambda: (self.state(self.b, name) or "").startswith("shut off"),
                 timeout=15, what="the failed incoming copy to stop")
        self.assertEqual(memory(self.b), "98312")

        virsh(self.a.uri, "migrate", "--live", name, self.b.uri)
        self.assertEqual(self.state(self.b, name), "running (migrated)")
        self.assertEqual(memory(self.b), str(harness.GUEST_KIB))
        self.assertEqual(memory(self.b, "--inactive"), "98312")
        virsh(self.b.uri, "destroy", name)
        self.assertEqual(memory(self.b), "98312")
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    # ---- restart recovery: a daemon killed -9 at a phase, then restarted

    def test_restart_source_after_perform3(self):
        """The source daemon dies after Perform3 sent the guest (phase
        perform3_done); virsh, its reply lost, cancels on the destination.
        The restarted source asks the destination, learns it has no copy,
        and resumes: one copy, on the source."""
        name = "ocr1"
        log = self.start_guest(name)
        proxy = self.proxy(self.a)
        rule = proxy.add_rule("reply", "DOMAIN_MIGRATE_PERFORM3_PARAMS", "hold")
        proc = self.migrate(name, proxy.uri, self.b.uri)
        self.assertTrue(rule.fired.wait(60), "no Perform3 reply")
        self.a.stop(signal.SIGKILL)
        rule.cut()
        rc, err = self.finish(proc)
        print("\n  source daemon killed after Perform3 -> virsh exit %d: %s" % (rc, err))
        self.assertNotEqual(rc, 0)
        wait_for(lambda: self.state(self.b, name) is None, timeout=10,
                 what="the destination to drop its copy")
        self.a.start()
        self.log_has(self.a, "recovering the 'migration out' job of domain %s in phase perform3_done" % name)
        wait_for(lambda: (self.state(self.a, name) or "").startswith("running"),
                 timeout=15, what="the source to resume")
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.a.name])
        self.assert_alive_on(self.a, name, log)

    def test_restart_destination_during_transfer(self):
        """The destination daemon dies during the transfer (phase
        prepare) and comes back at once: no Finish ran, so the source
        still has the guest; the incoming copy is destroyed, the transfer
        fails and the source runs on."""
        name = "ocr2"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.migrate(name, self.a.uri, self.b.uri, "--bandwidth", "2")
        wait_for(lambda: self.state(self.b, name) == "paused (migrating)",
                 timeout=15, what="the transfer to start")
        time.sleep(0.5)
        self.b.stop(signal.SIGKILL)
        self.b.start()
        rc, err = self.finish(proc)
        print("\n  destination daemon restarted mid-transfer -> virsh exit %d: %s"
              % (rc, err))
        self.assertNotEqual(rc, 0)
        self.log_has(self.b, "recovering the 'migration in' job of domain %s in phase prepare" % name)
        wait_for(lambda: self.state(self.b, name) is None, timeout=15,
                 what="the incoming copy to go")
        wait_for(lambda: (self.state(self.a, name) or "").startswith("running"),
                 timeout=15, what="the source to run on")
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.a.name])
        self.assertEqual(harness.qemu_pids_under(self.b.root), [])
        self.assert_alive_on(self.a, name, log)

    def test_restart_destination_in_postcopy(self):
        """The destination daemon dies while the guest runs there in
        post-copy and comes back: its QEMU (the only running copy, with
        pages still arriving) is kept with its job parked, its state still
        post-copy (QEMU did not pause the migration; it would be marked
        post-copy failed if it did), and the guest goes on, same boot; the
        source does not resume.  When QEMU
        completes the post-copy unattended, both jobs end: the guest is
        running (migrated) here, shut off (migrated) on the source."""
        name = "ocr3"
        log = self.start_guest(name, cmdline=HOT, memory_mib=128)
        proc = self.migrate(name, self.a.uri, self.b.uri, "--postcopy",
                            "--bandwidth", "5", "--postcopy-bandwidth", "8")
        wait_for(lambda: self.state(self.b, name) == "paused (migrating)",
                 timeout=15, what="the transfer to start")
        time.sleep(1.0)
        virsh(self.a.uri, "migrate-postcopy", name)
        wait_for(lambda: self.state(self.b, name) == "running (post-copy)",
                 timeout=15, what="post-copy to start")
        self.b.stop(signal.SIGKILL)
        self.b.start()
        rc, err = self.finish(proc)
        print("\n  destination daemon restarted in post-copy -> virsh exit %d: %s"
              % (rc, err))
        self.log_has(self.b, "was in post-copy when the daemon stopped")
        self.assertIn(self.state(self.b, name),
                      ("running (post-copy)", "running (migrated)"))
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.b.name])
        self.assertNotIn("running", self.state(self.a, name) or "")
        self.assert_alive_on(self.b, name, log)
        wait_for(lambda: self.state(self.b, name) == "running (migrated)",
                 timeout=90, what="the post-copy to complete unattended")
        wait_for(lambda: self.state(self.a, name) in (None, "shut off (migrated)"),
                 timeout=15, what="the source to stop")
        self.log_has(self.b, "post-copy migration of domain %s completed unattended" % name)
        self.assertEqual(self.job(self.b, name), "None")
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.b.name])
        # nothing waits for a migration job: suspend works at once
        virsh(self.b.uri, "suspend", name, timeout=15)
        virsh(self.b.uri, "destroy", name, timeout=15)


    # ---- SIGTERM during a migration that does not converge

    def test_sigterm_during_transfer(self):
        """SIGTERM to the source daemon while a migration that cannot
        converge runs: the daemon cancels it (the guest runs on at the
        source) and exits at once; restarted, it still runs the guest,
        and the destination has no copy."""
        name = "octerm"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.migrate(name, self.a.uri, self.b.uri, "--bandwidth", "2")
        wait_for(lambda: self.state(self.b, name) == "paused (migrating)",
                 timeout=15, what="the transfer to start")
        time.sleep(0.5)
        t0 = time.time()
        self.a.stop(signal.SIGTERM, timeout=20)
        took = time.time() - t0
        print("\n  SIGTERM during a transfer: the daemon exited with %s after %.0f ms"
              % (self.a.proc.returncode, took * 1000))
        self.assertEqual(self.a.proc.returncode, 0)
        self.assertLess(took, 10)
        self.finish(proc)
        self.a.start()
        self.log_has(self.a, "the daemon is stopping: cancelling the outgoing migration")
        wait_for(lambda: self.state(self.b, name) is None, timeout=15,
                 what="the incoming copy to go")
        self.assertEqual(self.assert_one_runner(name, log, (self.a, self.b)),
                         [self.a.name])
        self.assert_alive_on(self.a, name, log)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
