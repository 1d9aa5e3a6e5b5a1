"""qemu+tls:// (issue 13, part 3): stock virsh and python-libvirt connect
with certificates made by certtool; a client certificate of another CA
and a DN off tls_allowed_dn_list are refused with a clear reason; bad
server credentials stop the daemon at start-up, naming the file."""

import os
import shutil
import tempfile
import unittest

import harness
import pkilib
from harness import Host, virsh


def tls_host(name, pki, tmp, **extra):
    """A host serving qemu+tls:// on 127.0.0.1 with @pki's certificates
    under ROOT/pki, letting in only DNs "*,CN=good-*"."""
    root = tempfile.mkdtemp(prefix="virtmig-%s-" % name, dir=tmp)
    host = Host(name, root=root)
    host.tls_port = harness.free_port()
    host.conf.update({"listen_tls": 1, "listen_addr": "127.0.0.1",
                      "tls_port": str(host.tls_port)})
    host.conf.update(extra)
    pki.server(root, name)
    return host


class Raw:
    """A config value written as it is (Host quotes strings)."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


def dn_list(*patterns):
    return Raw("[%s]" % ", ".join('"%s"' % p for p in patterns))


class RpcTLS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-tls-")
        cls.pki = pkilib.Pki(os.path.join(cls.tmp, "ca"))
        cls.good = cls.pki.client(os.path.join(cls.tmp, "good"), "good-client")
        cls.offlist = cls.pki.client(os.path.join(cls.tmp, "offlist"),
                                     "other-client")
        rogue = pkilib.Pki(os.path.join(cls.tmp, "rogue-ca"), "rogue CA")
        # a client of another CA (it trusts that CA, so it needs
        # no_verify=1 to accept our server, as an attacker would)
        cls.rogue = rogue.client(os.path.join(cls.tmp, "rogue"), "good-client")
        cls.host = tls_host("tlsA", cls.pki, cls.tmp, log_level=2,
                            tls_allowed_dn_list=dn_list("*,CN=good-*"))
        cls.host.start()

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def tearDown(self):
        self.assertIsNone(self.host.proc.poll(), "daemon died")

    def uri(self, pkipath, extra=""):
        return "qemu+tls://127.0.0.1:%d/system?pkipath=%s%s" % (
            self.host.tls_port, pkipath, extra)

    def test_virsh_connects(self):
        res = virsh(self.uri(self.good), "hostname")
        self.assertEqual(res.stdout.strip(), "tlsA")
        res = virsh(self.uri(self.good), "uri")
        self.assertIn("qemu+tls://127.0.0.1", res.stdout)
        self.assertIn("TLS with certificate 'O=virtmig tests,CN=good-client'",
                      self.host.read_log())

    def test_python_connects(self):
        import libvirt
        conn = libvirt.open(self.uri(self.good))
        try:
            self.assertEqual(conn.getHostname(), "tlsA")
            self.assertEqual(conn.isEncrypted(), 1)
            self.assertEqual(conn.isSecure(), 1)
            self.assertEqual(conn.listAllDomains(), [])
        finally:
            conn.close()

    def test_wrong_client_cert_refused(self):
        """A certificate of another CA: refused after the handshake (the
        client does not even offer it: the server asked for certificates
        of its own CA); the daemon says why."""
        before = len(self.host.read_log())
        res = virsh(self.uri(self.rogue, "&no_verify=1"), "hostname",
                    check=False)
        self.assertNotEqual(res.returncode, 0, res.stdout)
        self.assertIn("server verification", res.stderr)
        harness.wait_for(lambda: "refused at the TLS handshake"
                         in self.host.read_log()[before:],
                         what="the refusal in the daemon's log")
        # the reason once, not again in the line that names the client
        log = self.host.read_log()[before:]
        self.assertEqual(log.count("authentication failed: the client sent "
                                   "no certificate signed by a CA this host "
                                   "trusts"), 1, log)

    def test_dn_not_allowed_refused(self):
        res = virsh(self.uri(self.offlist), "hostname", check=False)
        self.assertNotEqual(res.returncode, 0, res.stdout)
        self.assertIn("server verification", res.stderr)
        harness.wait_for(
            lambda: "DN 'O=virtmig tests,CN=other-client' is not on "
                    "tls_allowed_dn_list" in self.host.read_log(),
            what="the DN refusal in the daemon's log")

    def test_plain_tcp_to_tls_port_fails_cleanly(self):
        """A client speaking plain RPC to the TLS port gets nothing: the
        daemon drops it and keeps serving."""
        res = virsh("qemu+tcp://127.0.0.1:%d/system" % self.host.tls_port,
                    "hostname", check=False, timeout=90)
        self.assertNotEqual(res.returncode, 0)
        virsh(self.uri(self.good), "hostname")

    def test_no_verify_still_needs_server_side_acceptance(self):
        """no_verify=1 skips the client's check of the server, not the
        server's check of the client."""
        res = virsh(self.uri(self.good, "&no_verify=1"), "hostname")
        self.assertEqual(res.stdout.strip(), "tlsA")
        res = virsh(self.uri(self.offlist, "&no_verify=1"), "hostname",
                    check=False)
        self.assertNotEqual(res.returncode, 0)


class StartupPreflight(unittest.TestCase):
    """Bad server credentials: the daemon exits at once, naming the file
    and what is wrong with it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-tlspre-")
        cls.pki = pkilib.Pki(os.path.join(cls.tmp, "ca"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def refused(self, host, *expected):
        host.start(wait=False)
        try:
            rc = host.proc.wait(20)
            err = host.read_stderr()
            listened = os.path.exists(host.sock)
        finally:
            host.cleanup()
        self.assertEqual(rc, 1, err)
        for text in expected:
            self.assertIn(text, err)
        self.assertFalse(listened, "it listened")

    def test_expired_server_cert(self):
        host = tls_host("expired", self.pki, self.tmp)
        self.pki.server(host.root, "expired", expired=True)
        cert = os.path.join(host.root, "pki", "libvirt", "servercert.pem")
        self.refused(host, "server certificate '%s' has expired (on 2020-02-01"
                     % cert)

    def test_wrong_ca(self):
        host = tls_host("wrongca", self.pki, self.tmp)
        other = pkilib.Pki(os.path.join(self.tmp, "other-ca"), "other CA")
        shutil.copy(other.cert, os.path.join(host.root, "pki", "CA",
                                             "cacert.pem"))
        self.refused(host, "servercert.pem' is not signed by the CA in '",
                     "cacert.pem")

    def test_key_mismatch(self):
        host = tls_host("mismatch", self.pki, self.tmp)
        lib = os.path.join(host.root, "pki", "libvirt")
        shutil.copy(os.path.join(lib, "private", "clientkey.pem"),
                    os.path.join(lib, "private", "serverkey.pem"))
        self.refused(host, "private key '%s' does not match certificate '%s'" %
                     (os.path.join(lib, "private", "serverkey.pem"),
                      os.path.join(lib, "servercert.pem")))

    def test_key_readable_by_others(self):
        host = tls_host("perms", self.pki, self.tmp)
        key = os.path.join(host.root, "pki", "libvirt", "private",
                           "serverkey.pem")
        os.chmod(key, 0o644)
        self.refused(host, "private key '%s' has mode 0644" % key)

    def test_missing_cert_named(self):
        host = tls_host("missing", self.pki, self.tmp,
                        cert_file="/nonexistent/servercert.pem")
        self.refused(host, "server certificate '/nonexistent/servercert.pem'")

    def test_bad_dn_list_syntax(self):
        host = tls_host("badlist", self.pki, self.tmp,
                        tls_allowed_dn_list="CN=x")
        self.refused(host, "tls_allowed_dn_list",
                     "expected a list of quoted strings")


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    pkilib.require_certtool()
    harness.main()
