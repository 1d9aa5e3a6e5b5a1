"""The virsh migrate options no other test covers, as
docs/migrate-options.rst lists them: --direct is refused by the client
library (libvirt's "direct migration is not supported by the source
host": the QEMU driver, stock or ours, has no hypervisor-native
migration), and --change-protection (the migration job starts at Begin
and keeps the definition from changing) moves the guest intact.
"""

import os
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh


class MigrateOptions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        port = harness.free_port()
        conf = {"migration_host": "127.0.0.1"}
        cls.a = Host("optA", conf=dict(conf, migration_port_min=port,
                                       migration_port_max=port + 4)).start()
        cls.b = Host("optB", conf=dict(conf, migration_port_min=port + 5,
                                       migration_port_max=port + 9)).start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def setUp(self):
        self.name = self._testMethodName[5:12]
        self.log = os.path.join(self.a.root, self.name + ".log")
        xml = harness.write_file(os.path.join(self.a.root, self.name + ".xml"),
                                 harness.guest_xml(self.name, self.log))
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", self.name)
        guestlog.wait_for_lines(self.log, 3, timeout=10)

    def tearDown(self):
        for h in (self.a, self.b):
            virsh(h.uri, "destroy", self.name, check=False)
            virsh(h.uri, "undefine", self.name, check=False)

    def test_direct(self):
        res = virsh(self.a.uri, "migrate", "--live", "--direct", self.name,
                    self.b.uri, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("argument unsupported: direct migration is not "
                      "supported by the source host", res.stderr)
        self.assertEqual(virsh(self.a.uri, "domstate", self.name).stdout.strip(),
                         "running")

    def test_change_protection(self):
        guestlog.follow(self.log)
        virsh(self.a.uri, "migrate", "--live", "--change-protection",
              self.name, self.b.uri, timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", "--reason",
                               self.name).stdout.strip(), "running (migrated)")
        n = len(guestlog.parse_log(self.log))
        guestlog.wait_for_lines(self.log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(self.log)
        guestlog.unfollow(self.log)
        self.assertTrue(verdict.ok, verdict.summary())


if __name__ == "__main__":
    harness.require("virsh", "qemu")
    harness.require_guest()
    harness.main()
