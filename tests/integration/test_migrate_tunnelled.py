"""Tunnelled migration (issue #13, part 2) between virtmigd hosts:
`virsh migrate --p2p --tunnelled`, QEMU's migration stream carried by the
daemons' own RPC connection (PREPARE_TUNNEL3_PARAMS and the stream
packets), both ways; what a tunnel refuses; domjobabort; the
destination daemon killed; and the destination daemon stopped (SIGSTOP)
in the middle of a transfer that never converges, while the source
daemon's memory is watched: flow control holds the source QEMU back
instead of queueing its data, until keepalive (1 s x 2) gives up on the
destination.
"""

import os
import signal
import subprocess
import time

import harness  # noqa: I100 (sets up the path of guestlog)
from harness import virsh, wait_for
from test_migrate_p2p import CALM, DIRTY, P2PHosts  # noqa: F401

# rewrites 192 MiB as fast as it can: never converges through the tunnel
HEAVY = "hb_ms=100 wss_mib=192 rate_mib_s=0"


class MigrateTunnelled(P2PHosts):
    PREFIX = "tun"
    PORT = 49401

    def test_tunnelled(self):
        name = "p2pt1"
        log = self.start_guest(name)
        took, _ = self.p2p(self.a, self.b, name, "--tunnelled", "--persistent")
        verdict = self.assert_moved(log, self.a, self.b, name)
        self.assertIn("incoming migration of domain %s with protocol v3 "
                      "prepared on a tunnel" % name, self.b.read_log())
        print("\n  A -> B --p2p --tunnelled: %.0f ms; %s" % (took * 1000,
                                                           verdict.summary()))
        took, _ = self.p2p(self.b, self.a, name, "--tunnelled")
        self.assert_moved(log, self.b, self.a, name)
        print("  B -> A --p2p --tunnelled: %.0f ms" % (took * 1000))
        # nothing of the tunnel stays behind
        for h in (self.a, self.b):
            self.assertEqual([f for f in os.listdir(os.path.join(h.root, "run", "qemu"))
                              if f.startswith("tunnel-")], [])

    def test_tunnelled_refusals(self):
        name = "p2pt2"
        log = self.start_guest(name)
        for opts, text in (
                (["--migrateuri", "tcp://127.0.0.1"],
                 "migration parameter 'migrate_uri' is not supported by tunnelled migration"),
                (["--postcopy"], "post-copy and offline migration cannot be tunnelled")):
            res = virsh(self.a.uri, "migrate", "--live", "--p2p", "--tunnelled",
                        *opts, name, self.b.uri, check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn(text, res.stderr)
        # a v2-only destination cannot take a tunnel
        res = virsh(self.a.uri, "migrate", "--live", "--p2p", "--tunnelled",
                    name, self.c.uri, check=False)
        self.assertIn("tunnelled migration needs a destination with migration "
                      "protocol v3", res.stderr)
        self.assert_stayed(log, name)

    def test_tunnelled_abort(self):
        name = "p2pt3"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.slow_p2p(name, "--tunnelled")
        virsh(self.a.uri, "domjobabort", name)
        _, err = proc.communicate(timeout=30)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("operation aborted: job 'migration out' canceled by client",
                      err)
        self.assert_stayed(log, name)

    def test_tunnelled_destination_stopped(self):
        """The destination's daemon stops reading: the source's memory
        stays bounded (flow control) until keepalive gives up on it."""
        name = "p2pt4"
        log = self.start_guest(name, cmdline=HEAVY, memory_mib=256)
        proc = subprocess.Popen([harness.VIRSH, "-q", "-c", self.a.uri, "migrate",
                                 "--live", "--p2p", "--tunnelled", name,
                                 self.b.uri], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: self.state(self.b, name) == "paused (migrating)",
                 timeout=10, what="the incoming domain")
        time.sleep(0.5)
        rss0 = self.a.rss_kib()
        os.kill(self.b.pid(), signal.SIGSTOP)
        try:
            t0 = time.time()
            peak = rss0
            while proc.poll() is None and time.time() - t0 < 20:
                peak = max(peak, self.a.rss_kib())
                time.sleep(0.1)
            _, err = proc.communicate(timeout=30)
            lost = time.time() - t0
            print("\n  tunnelled, destination SIGSTOP: virsh fails after %.1f s; "
                  "source RSS %d -> peak %d KiB: %s" % (lost, rss0, peak,
                                                       err.strip()))
            self.assertNotEqual(proc.returncode, 0)
            self.assertLess(lost, harness.time_bound(10))
            harness.check_rss_growth(self, peak - rss0, 32 * 1024)
            self.assertRegex(self.state(self.a, name), r"^running ")
        finally:
            os.kill(self.b.pid(), signal.SIGCONT)
        self.assert_stayed(log, name)

    def test_tunnelled_destination_killed(self):
        name = "p2pt5"
        log = self.start_guest(name, cmdline=DIRTY, memory_mib=128)
        proc = self.slow_p2p(name, "--tunnelled")
        t0 = time.time()
        self.b.stop(signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
        lost = time.time() - t0
        print("\n  tunnelled, destination killed: virsh fails after %.1f s: %s" %
              (lost, err.strip()))
        self.assertNotEqual(proc.returncode, 0)
        self.assertLess(lost, harness.time_bound(5))
        # its QEMU loses its stream and exits; the daemon comes back
        wait_for(lambda: not harness.qemu_pids_under(self.b.root), timeout=15,
                 what="the orphaned incoming QEMU to exit")
        self.b.start()
        self.assert_stayed(log, name)


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    harness.require_guest()
    harness.main()
