"""--tls for QEMU's migration stream (issue 13, part 4), with stock virsh
between two virtmigd hosts whose QEMU certificates certtool made.

The stream is captured on its way: the source's QEMU is sent, with
--migrateuri, to 127.0.0.2:PORT, where a small proxy of this test copies
it to the destination's QEMU listening on 127.0.0.1:PORT (migration_address)
and keeps the first bytes.  A --tls stream must start with a TLS handshake
record (0x16 0x03) and never show QEMU's "QEVM" magic; the same migration
without --tls starts with "QEVM".  The guest must arrive intact both ways.

With --copy-storage-all the disk goes over NBD, tapped the same way (its
port given with --disks-port): with --tls the tap never sees the disk's
data, without it it does.  Each host sees its own image directory under
one path (harness.Host image_view), so the copy is real.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import pkilib
from harness import Host, virsh
from streamtap import QEMU_MAGIC, StreamTap


class MigrateTLS(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-migtls-")
        cls.view = os.path.join(cls.tmp, "images")
        pki = pkilib.Pki(os.path.join(cls.tmp, "ca"))
        hosts = []
        for name in ("mtlsA", "mtlsB"):
            h = Host(name, image_view=cls.view)
            pki.qemu(os.path.join(h.root, "pki", "qemu"), name)
            h.conf.update({"migration_host": "127.0.0.1",
                           "migration_address": "127.0.0.1"})
            hosts.append(h.start())
        cls.a, cls.b = hosts

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start_guest(self, name):
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log))
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=3)
        self.addCleanup(self.cleanup_guest, name)
        return log

    def migrate_tapped(self, name, *flags):
        port = harness.free_port()
        tap = StreamTap("127.0.0.2", "127.0.0.1", port)
        try:
            res = virsh(self.a.uri, "migrate", "--live", name, self.b.uri,
                        "--migrateuri", "tcp://127.0.0.2:%d" % port, *flags,
                        check=False, timeout=60)
        finally:
            tap.close()
        return res, tap

    def assert_arrived(self, name, log):
        res = virsh(self.b.uri, "domstate", name)
        self.assertEqual(res.stdout.strip(), "running")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_plain_stream_is_readable(self):
        """Without --tls the tap sees QEMU's own stream: the proof that
        it would see plain text if TLS were silently off."""
        log = self.start_guest("plain1")
        res, tap = self.migrate_tapped("plain1")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(tap.connections, 1)
        print("plain stream starts %s" % tap.data[:8].hex())
        self.assertEqual(bytes(tap.data[:4]), QEMU_MAGIC, tap.data[:16])
        self.assert_arrived("plain1", log)

    def test_tls_stream_is_tls(self):
        """--tls --tls-destination: the certificate names 127.0.0.1, the
        URI 127.0.0.2 (the tap), so QEMU must check it against the name
        given."""
        log = self.start_guest("tls1")
        res, tap = self.migrate_tapped("tls1", "--tls",
                                       "--tls-destination", "127.0.0.1")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(tap.connections, 1)
        print("TLS stream starts %s (%d bytes kept)" % (tap.data[:8].hex(),
                                                       len(tap.data)))
        self.assertGreater(len(tap.data), 1000)
        self.assertEqual(tap.data[0], 0x16, tap.data[:16])    # handshake
        self.assertEqual(tap.data[1], 0x03, tap.data[:16])    # TLS 1.x
        self.assertNotIn(QEMU_MAGIC, bytes(tap.data))
        self.assert_arrived("tls1", log)

    def test_tls_hostname_checked(self):
        """Without --tls-destination QEMU checks the certificate against
        the URI's host, 127.0.0.2, which it does not name: refused, the
        guest stays on the source and runs."""
        log = self.start_guest("tls2")
        res, tap = self.migrate_tapped("tls2", "--tls")
        print(res.stderr.strip())
        self.assertNotEqual(res.returncode, 0, res.stdout)
        self.assertEqual(virsh(self.a.uri, "domstate", "tls2").stdout.strip(),
                         "running")
        self.assertNotIn(QEMU_MAGIC, bytes(tap.data))
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def migrate_disk_tapped(self, src, dst, name, *flags):
        """--copy-storage-all with both streams tapped; returns the NBD
        tap."""
        mig, nbd = harness.free_port(), harness.free_port()
        tap = StreamTap("127.0.0.2", "127.0.0.1", mig)
        nbdtap = StreamTap("127.0.0.2", "127.0.0.1", nbd)
        try:
            res = virsh(src.uri, "migrate", "--live", "--copy-storage-all",
                        name, dst.uri, "--migrateuri",
                        "tcp://127.0.0.2:%d" % mig, "--disks-port", str(nbd),
                        *flags, check=False, timeout=60)
        finally:
            tap.close()
            nbdtap.close()
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(nbdtap.connections, 1)
        self.assertGreater(len(nbdtap.data), 1000)
        return nbdtap

    def test_tls_storage_copy(self):
        name = "tlsdisk"
        pattern = b"\x5a" * 4096
        img = os.path.join(self.a.images, name + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", img, "16M"],
                       check=True)
        subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 8M",
                        img], check=True, capture_output=True)
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.guest_xml(name, log).replace("  <devices>\n", """  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
""" % os.path.join(self.view, name + ".qcow2"))
        virsh(self.a.uri, "define", harness.write_file(
            os.path.join(self.a.root, name + ".xml"), xml))
        virsh(self.a.uri, "start", name)
        self.addCleanup(self.cleanup_guest, name)
        guestlog.wait_for_lines(log, 3, timeout=3)
        plain = self.migrate_disk_tapped(self.a, self.b, name)
        self.assertIn(pattern, bytes(plain.data))
        os.unlink(img)
        tls = self.migrate_disk_tapped(self.b, self.a, name, "--tls",
                                       "--tls-destination", "127.0.0.1")
        print("NBD over TLS: %d bytes kept, handshake record at %d"
              % (len(tls.data), bytes(tls.data).find(b"\x16\x03")))
        self.assertNotIn(pattern, bytes(tls.data))
        self.assertIn(b"\x16\x03", bytes(tls.data))
        res = subprocess.run(["qemu-io", "-r", "-U", "-f", "qcow2", "-c",
                              "read -P 0x5a 0 8M", img],
                             capture_output=True, text=True)
        self.assertNotIn("verification failed", res.stdout)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(virsh(self.a.uri, "domstate", name).stdout.strip(),
                         "running")

    def test_tls_destination_without_tls_refused(self):
        """virsh refuses --tls-destination without --tls itself; a client
        that sends the parameter anyway (python here) is refused by the
        daemon before anything happens."""
        import libvirt
        self.start_guest("tls3")
        src, dst = libvirt.open(self.a.uri), libvirt.open(self.b.uri)
        try:
            dom = src.lookupByName("tls3")
            with self.assertRaises(libvirt.libvirtError) as cm:
                dom.migrate3(dst, {libvirt.VIR_MIGRATE_PARAM_TLS_DESTINATION:
                                   "127.0.0.1"}, libvirt.VIR_MIGRATE_LIVE)
            self.assertEqual(cm.exception.get_error_code(),
                             libvirt.VIR_ERR_INVALID_ARG)
            self.assertIn("Turn TLS migration (VIR_MIGRATE_TLS) on",
                          str(cm.exception))
            self.assertEqual(dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
            self.assertEqual(dst.listAllDomains(), [])
        finally:
            src.close()
            dst.close()

    def test_missing_certificates_named(self):
        """A destination without QEMU's server files: the error names the
        file, the guest stays."""
        self.start_guest("tls4")
        key = os.path.join(self.b.root, "pki", "qemu", "server-key.pem")
        os.rename(key, key + ".away")
        try:
            res = virsh(self.a.uri, "migrate", "--live", "tls4", self.b.uri,
                        "--tls", check=False)
        finally:
            os.rename(key + ".away", key)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("'%s' is missing" % key, res.stderr)
        self.assertEqual(virsh(self.a.uri, "domstate", "tls4").stdout.strip(),
                         "running")


class MigrateTLSForce(unittest.TestCase):
    def test_force_refuses_plain(self):
        """migrate_tls_force on the destination: a plain migration is
        refused there, before anything moves."""
        a = Host("forceA", conf={"migration_host": "127.0.0.1"}).start()
        b = Host("forceB", conf={"migration_host": "127.0.0.1",
                                 "migrate_tls_force": 1}).start()
        try:
            log = os.path.join(a.root, "f1-serial.log")
            xml = harness.write_file(os.path.join(a.root, "f1.xml"),
                                     harness.guest_xml("f1", log))
            virsh(a.uri, "define", xml)
            virsh(a.uri, "start", "f1")
            res = virsh(a.uri, "migrate", "--live", "f1", b.uri, check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("only with VIR_MIGRATE_TLS (migrate_tls_force = 1)",
                          res.stderr)
            self.assertEqual(virsh(a.uri, "domstate", "f1").stdout.strip(),
                             "running")
            virsh(a.uri, "destroy", "f1")
        finally:
            a.cleanup()
            b.cleanup()


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    harness.require_guest()
    pkilib.require_certtool()
    harness.main()
