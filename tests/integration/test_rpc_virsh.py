"""Stock virsh against virtmigd over the unix, read-only and TCP sockets."""

import os
import subprocess
import tempfile
import unittest

import harness
from harness import Host, virsh


class VirshBasics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("hostA")
        cls.host.enable_tcp()
        cls.host.start()

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()

    def check_uris(self):
        return [self.host.uri, self.host.tcp_uri]

    def test_version(self):
        for uri in self.check_uris():
            out = virsh(uri, "version", "--daemon").stdout
            self.assertIn("Running hypervisor: QEMU", out)
            self.assertIn("Running against daemon: 9.0.0", out)

    def test_uri(self):
        self.assertEqual(virsh(self.host.uri, "uri").stdout.strip(),
                         self.host.uri)
        self.assertEqual(virsh(self.host.tcp_uri, "uri").stdout.strip(),
                         self.host.tcp_uri)

    def test_hostname(self):
        for uri in self.check_uris():
            self.assertEqual(virsh(uri, "hostname").stdout.strip(), "hostA")

    def test_capabilities_valid(self):
        for uri in self.check_uris():
            caps = virsh(uri, "capabilities").stdout
            self.assertIn("<capabilities>", caps)
            self.assertIn("<arch>x86_64</arch>", caps)
            with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
                f.write(harness.capabilities_for_schema(caps))
                f.flush()
                res = subprocess.run(["virt-xml-validate", f.name, "capability"],
                                     capture_output=True, text=True)
                self.assertEqual(res.returncode, 0, res.stdout + res.stderr)

    def test_nodeinfo(self):
        for uri in self.check_uris():
            out = virsh(uri, "nodeinfo").stdout
            fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
            fields = {k.strip(): v.strip() for k, v in fields.items()}
            self.assertEqual(fields["CPU model"], "x86_64")
            self.assertEqual(int(fields["CPU(s)"]), os.cpu_count())
            mem_kib = int(fields["Memory size"].split()[0])
            with open("/proc/meminfo") as f:
                total = int(f.readline().split()[1])
            self.assertEqual(mem_kib, total)

    def test_list_empty(self):
        for uri in self.check_uris():
            res = virsh(uri, "list", "--all")
            self.assertEqual(res.stdout.strip(), "")
            self.assertEqual(res.stderr, "")

    def test_readonly_reads(self):
        out = virsh(self.host.uri_ro, "hostname", readonly=True).stdout
        self.assertEqual(out.strip(), "hostA")
        self.assertEqual(virsh(self.host.uri_ro, "list", "--all",
                               readonly=True).returncode, 0)

    def test_readonly_refuses_writes(self):
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write("<domain type='qemu'><name>x</name><memory>65536</memory>"
                    "<os><type>hvm</type></os></domain>")
            f.flush()
            res = virsh(self.host.uri_ro, "define", f.name, check=False,
                        readonly=True)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("read only access prevents", res.stderr)


if __name__ == "__main__":
    harness.require("virsh")
    harness.main()
