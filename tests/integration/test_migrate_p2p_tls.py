"""Peer-to-peer and tunnelled migration over qemu+tls:// (issue 13): the
source daemon opens the destination's TLS port with its own client
certificate (DIR/pki/libvirt/clientcert.pem), checks the destination's,
and is let in only if its DN is on the destination's tls_allowed_dn_list.
With --tls QEMU's stream is encrypted as well.  Certificates from
certtool; the test guest proves each move."""

import os
import shutil
import tempfile
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import pkilib
from harness import Host, virsh


class Raw:
    """A config value written as it is (Host quotes strings)."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


class P2PTLS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-p2ptls-")
        cls.pki = pkilib.Pki(os.path.join(cls.tmp, "ca"))
        cls.a = cls.host("p2ptlsA", '["*,CN=p2ptls*"]')
        cls.b = cls.host("p2ptlsB", '["*,CN=p2ptls*"]')
        # lets in nobody but an administrator: not the other hosts
        cls.c = cls.host("p2ptlsC", '["*,CN=admin"]')

    @classmethod
    def host(cls, name, allowed):
        root = tempfile.mkdtemp(prefix="virtmig-%s-" % name, dir=cls.tmp)
        h = Host(name, root=root)
        h.tls_port = harness.free_port()
        h.conf.update({"migration_host": "127.0.0.1", "log_level": 2,
                       "listen_tls": 1, "listen_addr": "127.0.0.1",
                       "tls_port": str(h.tls_port),
                       "tls_allowed_dn_list": Raw(allowed)})
        cls.pki.server(root, name)
        cls.pki.qemu(os.path.join(root, "pki", "qemu"), name)
        return h.start()

    @classmethod
    def tearDownClass(cls):
        for h in (cls.a, cls.b, cls.c):
            h.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def tls_uri(self, host):
        return "qemu+tls://127.0.0.1:%d/system" % host.tls_port

    def start_guest(self, name):
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        return log

    def cleanup_guest(self, name):
        for h in (self.a, self.b, self.c):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def state(self, host, name):
        res = virsh(host.uri, "domstate", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    def assert_moved(self, log, src, dst, name):
        self.assertEqual(self.state(dst, name), "running")
        self.assertIn(self.state(src, name), (None, "shut off"))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_p2p_over_tls(self):
        log = self.start_guest("pt1")
        virsh(self.a.uri, "migrate", "--live", "--p2p", "pt1",
              self.tls_uri(self.b))
        self.assert_moved(log, self.a, self.b, "pt1")
        self.assertIn("TLS with certificate 'O=virtmig tests,CN=p2ptlsA'",
                      self.b.read_log())
        # and back, with QEMU's stream encrypted too
        virsh(self.b.uri, "migrate", "--live", "--p2p", "--tls", "pt1",
              self.tls_uri(self.a))
        self.assert_moved(log, self.b, self.a, "pt1")

    def test_tunnelled_over_tls(self):
        log = self.start_guest("pt2")
        virsh(self.a.uri, "migrate", "--live", "--p2p", "--tunnelled", "pt2",
              self.tls_uri(self.b))
        self.assert_moved(log, self.a, self.b, "pt2")

    def test_python_migrate_to_uri3_over_tls(self):
        import libvirt
        log = self.start_guest("pt3")
        conn = libvirt.open(self.a.uri)
        try:
            dom = conn.lookupByName("pt3")
            dom.migrateToURI3(self.tls_uri(self.b), {},
                              libvirt.VIR_MIGRATE_LIVE |
                              libvirt.VIR_MIGRATE_PEER2PEER |
                              libvirt.VIR_MIGRATE_TLS)
        finally:
            conn.close()
        self.assert_moved(log, self.a, self.b, "pt3")

    def test_source_not_allowed(self):
        """C lets in only administrators: A's certificate is refused, A
        says so, and the guest runs on."""
        log = self.start_guest("pt4")
        res = virsh(self.a.uri, "migrate", "--live", "--p2p", "pt4",
                    self.tls_uri(self.c), check=False)
        self.assertNotEqual(res.returncode, 0, res.stdout)
        self.assertIn("the server refused this client after the TLS handshake",
                      res.stderr)
        self.assertEqual(self.state(self.a, "pt4"), "running")
        self.assertIsNone(self.state(self.c, "pt4"))
        self.assertIn("DN 'O=virtmig tests,CN=p2ptlsA' is not on "
                      "tls_allowed_dn_list", self.c.read_log())
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    harness.require_guest()
    pkilib.require_certtool()
    harness.main()
