"""virsh migrate --xml with a definition the running guest cannot move
into is refused before anything starts, naming what differs (issue 14).

Before, a changed memory size failed late as "domain 'g1' is not
processing incoming migration" (the destination QEMU refusing the stream:
"Size mismatch: pc.ram", in its log only).  Now the source checks the
user's XML against the running guest at Begin, as libvirt does
(virDomainDefCheckABIStability), and answers VIR_ERR_CONFIG_UNSUPPORTED
"Target domain max memory 131072 does not match source 65544"; the guest
runs on at the source, untouched, nothing is left at the destination.
Stock virsh and python-libvirt (migrate3 with destination_xml).
"""

import os
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

import libvirt


class MigrateABI(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hosts = []
        for name in ("abiA", "abiB"):
            port = harness.free_port()
            cls.hosts.append(Host(name, conf={
                "migration_host": "127.0.0.1", "migration_port_min": port,
                "migration_port_max": min(port + 9, 65535)}).start())
        cls.a, cls.b = cls.hosts

    @classmethod
    def tearDownClass(cls):
        for h in cls.hosts:
            h.cleanup()

    def cleanup_guest(self, name):
        for h in self.hosts:
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def start_guest(self, name):
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log))
        virsh(self.a.uri, "define", xml)
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=10)
        return log

    def dest_xml(self, name, log, edit):
        uuid = virsh(self.a.uri, "domuuid", name).stdout.strip()
        xml = edit(harness.guest_xml(name, log, uuid=uuid))
        return harness.write_file(os.path.join(self.a.root, name + "-d.xml"),
                                  xml)

    def assert_untouched(self, name, log):
        self.assertEqual(virsh(self.a.uri, "domstate", "--reason",
                               name).stdout.strip(), "running (booted)")
        self.assertNotIn(name, virsh(self.b.uri, "list", "--all",
                                     "--name").stdout.split())
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 2, timeout=5)
        # nothing was left for the next, valid migration to trip over
        res = virsh(self.a.uri, "domjobinfo", "--completed", name,
                    check=False)
        self.assertNotIn("Completed", res.stdout)

    def test_memory_refused_by_virsh(self):
        name = "abi1"
        log = self.start_guest(name)
        path = self.dest_xml(name, log, lambda x: x.replace(
            "<memory unit='KiB'>%d</memory>" % harness.GUEST_KIB,
            "<memory unit='MiB'>128</memory>"))
        res = virsh(self.a.uri, "migrate", "--live", "--xml", path, name,
                    self.b.uri, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("error: unsupported configuration: Target domain max "
                      "memory 131072 does not match source %d" % harness.GUEST_KIB,
                      res.stderr)
        self.assertNotIn("not processing incoming migration", res.stderr)
        self.assert_untouched(name, log)
        # the same guest moves with its own XML afterwards
        virsh(self.a.uri, "migrate", "--live", name, self.b.uri, timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", name).stdout.strip(),
                         "running")

    def test_vcpus_and_serial_refused_by_python(self):
        name = "abi2"
        log = self.start_guest(name)
        conn = libvirt.open(self.a.uri)
        self.addCleanup(conn.close)
        dom = conn.lookupByName(name)
        dconn = libvirt.open(self.b.uri)
        self.addCleanup(dconn.close)
        for edit, message in (
                (lambda x: x.replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>"),
                 "Target domain vCPU max 2 does not match source 1"),
                (lambda x: x.replace("    <serial type='file'>",
                                     "    <serial type='pty'/>\n"
                                     "    <serial type='file'>"),
                 "Target domain serial port count 2 does not match source 1"),
                (lambda x: x.replace("machine='pc'", "machine='q35'"),
                 "Target domain machine type pc-q35-")):
            with open(self.dest_xml(name, log, edit)) as f:
                xml = f.read()
            with self.assertRaises(libvirt.libvirtError) as cm:
                dom.migrate3(dconn, {libvirt.VIR_MIGRATE_PARAM_DEST_XML: xml},
                             libvirt.VIR_MIGRATE_LIVE)
            err = cm.exception
            self.assertEqual(err.get_error_code(),
                             libvirt.VIR_ERR_CONFIG_UNSUPPORTED, str(err))
            self.assertIn(message, str(err))
            self.assert_untouched(name, log)


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    harness.require_guest()
    harness.main()
