"""qemu+ssh://, as libvirt 9.0 users type it: stock virsh and
python-libvirt reach a virtmigd host through ssh, and a source daemon
drives a peer-to-peer migration to `qemu+ssh://root@HOST:PORT/system`
by running ssh itself (libvirt's OpenSSH-binary transport: ssh as its
child on a socketpair, nc or virt-ssh-helper on the other side).

A private sshd (sshlib.py) lets root in with a key made for the test;
every URI names the test's ssh wrapper (?command=), key (?keyfile=) and
no_tty=1.  The remote side reaches host B either through ?socket= (the
netcat proxy, what a user does without libvirt_drop_in) or, without it,
through virt-ssh-helper, which finds B's socket where libvirtd's would be
(sshd's private /run stands for a machine in drop-in mode).

A failed ssh (a key the server does not know, a port nobody listens on)
must fail the migration with ssh's own words, leave the guest running on
A alone, and leave no ssh process, zombie or descriptor behind.
"""

import os
import shutil
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import sshlib
from harness import Host, virsh, wait_for

CALM = "hb_ms=100 wss_mib=8"


# How the end of the connection reads when ssh gave up: as in libvirt.so,
# a reset ("Cannot recv data: ...") or an end of file, whichever the
# socket saw first (ssh may exit before or after the request reached it).
CLOSED = object()
CLOSED_RE = r"(Cannot recv data|End of file while reading data): "


class MigrateSSH(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-ssh-")
        # ports of their own: the default range is shared with the
        # daemons of the tests running beside this one, and a port one
        # daemon found free another's QEMU can take first
        port = harness.free_port()
        conf = {"migration_host": "127.0.0.1", "log_level": 2,
                "migration_port_min": port, "migration_port_max": port + 9}
        cls.a = Host("sshA", conf=dict(conf)).start()
        cls.b = Host("sshB", conf=dict(conf)).start()
        cls.sshd = sshlib.SSHServer(cls.tmp, drop_in_host=cls.b).start()

    @classmethod
    def tearDownClass(cls):
        cls.sshd.stop()
        for h in (cls.a, cls.b):
            h.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers

    def start_guest(self, name):
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log, cmdline=CALM))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        self.addCleanup(guestlog.unfollow, log)
        guestlog.follow(log)
        return log

    def assert_moved(self, log, src, dst, name):
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        self.assertEqual(harness.qemu_pids_under(src.root), [])
        self.assertEqual(len(harness.qemu_pids_under(dst.root)), 1)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=1.0)
        self.assertTrue(verdict.ok, verdict.summary())
        return verdict

    def assert_stayed(self, log, name):
        self.assertRegex(self.state(self.a, name), r"^running ")
        self.assertEqual(len(harness.qemu_pids_under(self.a.root)), 1)
        self.assertEqual(self.state(self.b, name), None)
        self.assertEqual(harness.qemu_pids_under(self.b.root), [])
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def ssh_children(self, host):
        """ssh processes (or zombies of any kind) the daemon of @host
        left: none must stay once a connection is over."""
        return [c for c in sshlib.children(host.pid())
                if c[1] == "ssh" or c[2] == "Z"]

    def p2p(self, name, dest_uri, *extra):
        t0 = time.time()
        res = virsh(self.a.uri, "migrate", "--live", "--p2p", name, dest_uri,
                    *extra, check=False, timeout=90)
        return time.time() - t0, res

    # ---- stock clients over ssh

    def test_virsh_over_ssh(self):
        """(a) stock virsh: define, start, list, dumpxml, destroy on B
        through qemu+ssh://...?socket= (the netcat proxy)."""
        uri = self.sshd.uri(self.b)
        name = "sshv1"
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log, cmdline=CALM))
        self.addCleanup(self.cleanup_guest, name)
        t0 = time.time()
        self.assertEqual(virsh(uri, "hostname").stdout.strip(), "sshB")
        took = time.time() - t0
        virsh(uri, "define", xml)
        virsh(uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        self.assertIn(name, virsh(uri, "list", "--name").stdout.split())
        self.assertIn("<name>%s</name>" % name, virsh(uri, "dumpxml", name).stdout)
        self.assertEqual(self.state(self.b, name), "running (booted)")
        ro = virsh(self.sshd.uri(None, socket=self.b.sock_ro), "domstate", name,
                   readonly=True)
        self.assertEqual(ro.stdout.strip(), "running")
        virsh(uri, "destroy", name)
        self.assertEqual(self.state(self.b, name), "shut off (destroyed)")
        print("\n  virsh over ssh (netcat proxy): one command in %.0f ms" %
              (took * 1000))

    def test_virsh_virt_ssh_helper(self):
        """Without ?socket=, stock virsh runs virt-ssh-helper on the
        remote host (proxy auto: it is installed), which finds the daemon
        at libvirtd's socket: a virtmigd in drop-in mode answers.
        proxy=native runs virt-ssh-helper alone (no nc to fall back on);
        proxy=netcat uses nc on the same socket."""
        for proxy in (None, "native", "netcat"):
            params = {"proxy": proxy} if proxy else {}
            res = virsh(self.sshd.uri(None, **params), "hostname")
            self.assertEqual(res.stdout.strip(), "sshB", proxy)
        # read-only: virt-ssh-helper -r, to libvirtd's -ro socket
        res = virsh(self.sshd.uri(None, proxy="native"), "hostname",
                    readonly=True)
        self.assertEqual(res.stdout.strip(), "sshB")
        res = virsh(self.sshd.uri(None, proxy="native"), "domstate", "nosuch",
                    readonly=True, check=False)
        self.assertIn("failed to get domain 'nosuch'", res.stderr)

    def test_python_over_ssh(self):
        """(d) python-libvirt over ssh, and a p2p migration it asks A for
        with a qemu+ssh:// destination."""
        import libvirt
        conn = libvirt.open(self.sshd.uri(self.b))
        try:
            self.assertEqual(conn.getHostname(), "sshB")
            self.assertEqual(conn.getType(), "QEMU")
            self.assertIsInstance(conn.listAllDomains(), list)
            self.assertTrue(conn.isAlive())
        finally:
            conn.close()
        name = "sshp1"
        log = self.start_guest(name)
        src = libvirt.open(self.a.uri)
        try:
            dom = src.lookupByName(name)
            t0 = time.time()
            dom.migrateToURI3(self.sshd.uri(self.b),
                              {libvirt.VIR_MIGRATE_PARAM_URI: "tcp://127.0.0.1"},
                              libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER)
            took = time.time() - t0
        finally:
            src.close()
        verdict = self.assert_moved(log, self.a, self.b, name)
        self.assertEqual(self.ssh_children(self.a), [])
        print("\n  migrateToURI3(PEER2PEER, qemu+ssh://): %.0f ms; %s" %
              (took * 1000, verdict.summary()))

    # ---- peer-to-peer migration over ssh

    def test_p2p_over_ssh(self):
        """(b) virsh migrate --live --p2p to qemu+ssh://...: the guest
        moves live, heartbeats continuous, memory intact, one copy."""
        name = "sshm1"
        log = self.start_guest(name)
        took, res = self.p2p(name, self.sshd.uri(self.b))
        self.assertEqual(res.returncode, 0, res.stderr)
        verdict = self.assert_moved(log, self.a, self.b, name)
        self.assertIn("peer-to-peer migration of domain %s uses protocol v3" %
                      name, self.a.read_log())
        wait_for(lambda: self.ssh_children(self.a) == [], timeout=5,
                 what="the ssh child of A to be reaped")
        print("\n  A -> B --p2p over qemu+ssh:// (netcat): %.0f ms; %s" %
              (took * 1000, verdict.summary()))
        # back again, with virt-ssh-helper on the far side: B's sshd
        # stands for a drop-in machine, so go B -> A through the
        # netcat proxy to A's socket, then A -> B without ?socket=
        res = virsh(self.b.uri, "migrate", "--live", "--p2p", name,
                    self.sshd.uri(self.a), timeout=90)
        self.assert_moved(log, self.b, self.a, name)
        took, res = self.p2p(name, self.sshd.uri(None, proxy="native"))
        self.assertEqual(res.returncode, 0, res.stderr)
        verdict = self.assert_moved(log, self.a, self.b, name)
        print("  A -> B --p2p over qemu+ssh:// (virt-ssh-helper): %.0f ms; %s" %
              (took * 1000, verdict.summary()))
        wait_for(lambda: self.ssh_children(self.a) == [] and
                 self.ssh_children(self.b) == [], timeout=5,
                 what="the ssh children to be reaped")

    def check_failure(self, name, log, uri, words):
        """A p2p migration to @uri fails with each of @words (CLOSED: the
        connection's end, as libvirt words it) in its error."""
        took, res = self.p2p(name, uri)
        self.assertNotEqual(res.returncode, 0)
        for w in words:
            if w is CLOSED:
                self.assertRegex(res.stderr, CLOSED_RE)
            else:
                self.assertIn(w, res.stderr)
        self.assert_stayed(log, name)
        wait_for(lambda: self.ssh_children(self.a) == [], timeout=5,
                 what="no ssh child of A to be left")
        return took, res.stderr.strip()

    def test_p2p_ssh_failures(self):
        """(c) a key sshd does not know, a port nobody listens on, a
        remote socket that does not exist: clear errors naming what ssh
        (or nc) said, the guest still running on A alone, nothing left
        behind."""
        name = "sshm2"
        log = self.start_guest(name)
        cases = [
            (self.sshd.uri(self.b, key=self.sshd.bad_key),
             [CLOSED, "Permission denied (publickey)"]),
            (self.sshd.uri(self.b, port=harness.free_port()),
             [CLOSED, "Connection refused"]),
            (self.sshd.uri(None, socket=os.path.join(self.tmp, "nosock")),
             [os.path.join(self.tmp, "nosock")]),
        ]
        fds = None
        for rnd in range(2):
            for uri, words in cases:
                took, err = self.check_failure(name, log, uri, words)
                if rnd == 0:
                    print("\n  %.0f ms: %s" % (took * 1000, err))
            # a second round leaves the daemon exactly as the first did
            if fds is None:
                fds = self.a.fd_count()
        self.assertEqual(self.a.fd_count(), fds)
        # and the guest still moves over ssh afterwards
        _, res = self.p2p(name, self.sshd.uri(self.b))
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assert_moved(log, self.a, self.b, name)


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    harness.require_guest()
    why = sshlib.missing()
    if why:
        print("SKIP: " + why)
        raise SystemExit(77)
    harness.main()
