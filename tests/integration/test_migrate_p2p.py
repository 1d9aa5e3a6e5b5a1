"""Peer-to-peer migration (issue #13, part 1) between virtmigd hosts: the
client makes one call on the source (stock `virsh migrate --p2p`,
python-libvirt's migrateToURI3 with VIR_MIGRATE_PEER2PEER as OpenStack
nova calls it), and the source daemon drives the destination's daemon
itself: v3 with parameters, or v2 against a host that offers only v2.

Then what libvirt promises around it: the client killed in the middle
does not stop the migration; domjobabort does; the destination daemon
stopped (SIGSTOP) or killed during the transfer makes the source cancel
within its keepalive window (here 1 s x 2), with the guest running on
the source throughout and the source daemon answering other calls.

The guest of the slow cases rewrites 64 MiB at 16 MiB/s, so a migration
limited to 2 MiB/s stays in its transfer until the test acts.
"""

import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import rpcproxy
from harness import Host, virsh, wait_for

DIRTY = "hb_ms=100 wss_mib=64 rate_mib_s=16"
CALM = "hb_ms=100 wss_mib=8"

USES = "peer-to-peer migration of domain %s uses protocol v%d"
SUPPORTS_FEATURE = 60           # REMOTE_PROC_CONNECT_SUPPORTS_FEATURE
FEATURE_PARAMS = 13             # VIR_DRV_FEATURE_MIGRATION_PARAMS


class P2PHosts(harness.TwoHostGuests, unittest.TestCase):
    """Three hosts: A (keepalive 1 s x 2 toward its destinations), B, and
    C, which offers only protocol v2; the helpers of both test files."""

    PREFIX = "p2p"
    PORT = 49371

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-%s-" % cls.PREFIX)
        cls.a = cls.host(cls.PREFIX + "A", cls.PORT,
                         migration_keepalive_interval=1,
                         migration_keepalive_count=2)
        cls.b = cls.host(cls.PREFIX + "B", cls.PORT + 10)
        cls.c = cls.host(cls.PREFIX + "C", cls.PORT + 20,
                         migration_protocols="2")

    @classmethod
    def host(cls, name, port, **conf):
        h = Host(name, conf=dict({"migration_host": "127.0.0.1",
                                  "migration_port_min": port,
                                  "migration_port_max": port + 9,
                                  "log_level": 2}, **conf))
        return h.start()

    @classmethod
    def tearDownClass(cls):
        for h in (cls.a, cls.b, cls.c):
            if h.proc and h.proc.poll() is None:
                os.kill(h.proc.pid, signal.SIGCONT)
            h.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers

    def start_guest(self, name, cmdline=CALM, memory_mib=64):
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log, memory_mib=memory_mib,
                                                   cmdline=cmdline))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        self.addCleanup(guestlog.unfollow, log)
        guestlog.follow(log)
        return log

    def cleanup_guest(self, name):
        for h in (self.a, self.b, self.c):
            if h.proc.poll() is None:
                virsh(h.uri, "destroy", name, check=False)
                virsh(h.uri, "undefine", name, check=False)

    def job(self, host, name):
        res = virsh(host.uri, "domjobinfo", name, check=False)
        for line in res.stdout.splitlines():
            if line.startswith("Job type:"):
                return line.split(":", 1)[1].strip()
        return None

    def p2p(self, src, dst, name, *extra, timeout=60):
        t0 = time.time()
        res = virsh(src.uri, "migrate", "--live", "--p2p", name, dst.uri,
                    *extra, timeout=timeout)
        return time.time() - t0, res

    def slow_p2p(self, name, *extra):
        """virsh migrate --p2p A -> B at 2 MiB/s, returned once the
        transfer runs."""
        proc = subprocess.Popen([harness.VIRSH, "-q", "-c", self.a.uri, "migrate",
                                 "--live", "--p2p", name, self.b.uri,
                                 "--bandwidth", "2"] + list(extra),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: self.state(self.b, name) == "paused (migrating)" and
                 "Data processed" in virsh(self.a.uri, "domjobinfo", name,
                                           check=False).stdout,
                 timeout=10, what="the transfer of %s to start" % name)
        time.sleep(0.3)
        return proc

    def assert_moved(self, log, src, dst, name, gap=1.0):
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        self.assertEqual(self.job(dst, name), "None")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=gap)
        self.assertTrue(verdict.ok, verdict.summary())
        return verdict

    def assert_stayed(self, log, name, host=None, other=None):
        """@name runs on A, same boot, with no job; nothing of it on B."""
        host = host or self.a
        other = other or self.b
        self.assertRegex(self.state(host, name), r"^running ")
        self.assertEqual(self.job(host, name), "None")
        self.assertEqual(len(harness.qemu_pids_under(host.root)), 1)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())
        wait_for(lambda: self.state(other, name) is None and
                 not harness.qemu_pids_under(other.root), timeout=15,
                 what="the incoming %s to go from %s" % (name, other.name))



class MigrateP2P(P2PHosts):
    # ---- the protocol

    def test_virsh_p2p_both_ways(self):
        log = self.start_guest("p2p1")
        took, _ = self.p2p(self.a, self.b, "p2p1", "--persistent")
        verdict = self.assert_moved(log, self.a, self.b, "p2p1")
        self.assertIn(USES % ("p2p1", 3), self.a.read_log())
        self.assertRegex(virsh(self.b.uri, "dominfo", "p2p1").stdout,
                         r"Persistent:\s+yes")
        self.assertRegex(virsh(self.a.uri, "domjobinfo", "--completed",
                               "p2p1").stdout, r"Job type:\s+Completed")
        print("\n  A -> B --p2p: %.0f ms; %s" % (took * 1000, verdict.summary()))
        # and back, B driving A
        took, _ = self.p2p(self.b, self.a, "p2p1", "--persistent",
                           "--undefinesource")
        verdict = self.assert_moved(log, self.b, self.a, "p2p1")
        self.assertIn(USES % ("p2p1", 3), self.b.read_log())
        self.assertNotIn("p2p1", virsh(self.b.uri, "list", "--all", "--name").stdout)
        print("  B -> A --p2p: %.0f ms; %s" % (took * 1000, verdict.summary()))

    def test_python_migrate_to_uri3_like_nova(self):
        import libvirt
        name = "p2p2"
        log = self.start_guest(name)
        src = libvirt.open(self.a.uri)
        dom = src.lookupByName(name)
        xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)
        params = {
            libvirt.VIR_MIGRATE_PARAM_URI: "tcp://127.0.0.1",
            libvirt.VIR_MIGRATE_PARAM_DEST_XML: xml,
            libvirt.VIR_MIGRATE_PARAM_PERSIST_XML: xml,
            libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: 0,
        }
        flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
                 libvirt.VIR_MIGRATE_PERSIST_DEST |
                 libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
        t0 = time.time()
        dom.migrateToURI3(self.b.uri, params, flags)
        took = time.time() - t0
        verdict = self.assert_moved(log, self.a, self.b, name)
        self.assertRegex(virsh(self.b.uri, "dominfo", name).stdout,
                         r"Persistent:\s+yes")
        self.assertNotIn(name, virsh(self.a.uri, "list", "--all", "--name").stdout)
        print("\n  migrateToURI3(PEER2PEER, params): %.0f ms; %s" %
              (took * 1000, verdict.summary()))
        src.close()

    def test_v2_destination(self):
        name = "p2p3"
        log = self.start_guest(name)
        self.p2p(self.a, self.c, name)
        self.assert_moved(log, self.a, self.c, name)
        self.assertIn(USES % (name, 2), self.a.read_log())
        self.assertIn("incoming migration of domain %s with protocol v2" % name,
                      self.c.read_log())

    def test_v3_destination_without_params(self):
        """A destination that does not announce migration parameters (as
        libvirt before 1.1): the source falls back to positional v3."""
        name = "p2p9"
        log = self.start_guest(name)
        asked = set()

        def hide_params(direction, hdr, data):
            prog, _, proc, _, serial, status = hdr
            if prog != rpcproxy.REMOTE_PROGRAM or proc != SUPPORTS_FEATURE:
                return data
            if direction == "call":
                if struct.unpack(">i", data[28:32])[0] == FEATURE_PARAMS:
                    asked.add(serial)
                return data
            if serial in asked and status == 0:
                return data[:28] + struct.pack(">i", 0)
            return data

        with rpcproxy.RpcProxy(self.b.sock) as proxy:
            proxy.rewrite = hide_params
            virsh(self.a.uri, "migrate", "--live", "--p2p", name, proxy.uri,
                  timeout=60)
            procs = {hdr[2] for direction, hdr in proxy.seen
                     if direction == "call"}
        self.assertTrue(asked, "the source never asked for the feature")
        self.assert_moved(log, self.a, self.b, name)
        self.assertIn(USES % (name, 3), self.a.read_log())
        self.assertIn(rpcproxy.PROC["DOMAIN_MIGRATE_PREPARE3"], procs)
        self.assertIn(rpcproxy.PROC["DOMAIN_MIGRATE_FINISH3"], procs)
        self.assertNotIn(rpcproxy.PROC["DOMAIN_MIGRATE_PREPARE3_PARAMS"], procs)

    def test_bad_destination(self):
        name = "p2p4"
        log = self.start_guest(name)
        missing = "qemu+unix:///system?socket=" + os.path.join(self.tmp, "none")
        res = virsh(self.a.uri, "migrate", "--live", "--p2p", name, missing,
                    check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn(os.path.join(self.tmp, "none"), res.stderr)
        self.assert_stayed(log, name)

    # ---- who may stop it

    def test_client_killed_migration_goes_on(self):
        name = "p2p5"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.slow_p2p(name)
        proc.kill()
        proc.communicate()
        # lift the limit so it converges; the daemon drives it on alone
        virsh(self.a.uri, "migrate-setspeed", name, "1000")
        wait_for(lambda: self.state(self.b, name) == "running (migrated)",
                 timeout=30, what="the migration to finish without its client")
        self.assert_moved(log, self.a, self.b, name, gap=None)

    def test_domjobabort(self):
        name = "p2p6"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.slow_p2p(name)
        virsh(self.a.uri, "domjobabort", name)
        _, err = proc.communicate(timeout=30)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("operation aborted: job 'migration out' canceled by client",
                      err)
        self.assert_stayed(log, name)

    # ---- the destination's daemon lost

    def answers_meanwhile(self, host, name):
        """Other calls on @host answer while its migration waits."""
        t0 = time.time()
        virsh(host.uri, "list", "--all", timeout=5)
        virsh(host.uri, "domstate", name, timeout=5)
        virsh(host.uri, "domjobinfo", name, timeout=5)
        return time.time() - t0

    def test_destination_daemon_stopped(self):
        name = "p2p7"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.slow_p2p(name)
        os.kill(self.b.pid(), signal.SIGSTOP)
        try:
            t0 = time.time()
            took = self.answers_meanwhile(self.a, name)
            _, err = proc.communicate(timeout=30)
            lost = time.time() - t0
            print("\n  destination SIGSTOP: virsh fails after %.1f s (others "
                  "answered in %.0f ms): %s" % (lost, took * 1000, err.strip()))
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("Lost connection to destination host", err)
            # keepalive 1 s x 2 on A, the transfer polled every 0.5 s
            self.assertLess(lost, harness.time_bound(8))
            self.assertRegex(self.state(self.a, name), r"^running ")
        finally:
            os.kill(self.b.pid(), signal.SIGCONT)
        self.assert_stayed(log, name)

    def test_destination_daemon_killed(self):
        name = "p2p8"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.slow_p2p(name)
        t0 = time.time()
        self.b.stop(signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
        lost = time.time() - t0
        print("\n  destination killed: virsh fails after %.1f s: %s" %
              (lost, err.strip()))
        self.assertNotEqual(proc.returncode, 0)
        self.assertLess(lost, harness.time_bound(5))
        # its QEMU sees the stream end and exits; the daemon comes back
        wait_for(lambda: not harness.qemu_pids_under(self.b.root), timeout=15,
                 what="the orphaned incoming QEMU to exit")
        self.b.start()
        self.assert_stayed(log, name)


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    harness.require_guest()
    harness.main()
