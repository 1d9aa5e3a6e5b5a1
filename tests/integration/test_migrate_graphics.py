"""Graphics relocation during live migration, as libvirt 9.0: the
destination's Prepare cookie carries where its SPICE display listens
(<graphics type='spice' port='' listen='' tlsPort='-1'/>), and before the
transfer the source tells its SPICE clients (QMP client_migrate_info);
--graphicsuri overrides the cookie; VNC is a no-op (QEMU cannot relocate
VNC clients).  The guest keeps running with its heartbeat continuous."""

import os
import re
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import virsh

WARNING = "unable to provide data for graphics client relocation"


def graphics_xml(name, serial_log, graphics):
    xml = harness.guest_xml(name, serial_log)
    return xml.replace("<controller type='usb' model='none'/>",
                       "<controller type='usb' model='none'/>\n    " +
                       graphics)


class MigrateGraphics(harness.TwoHostsCase, unittest.TestCase):
    host_conf = {"log_level": 2}

    def migrate(self, name, graphics, *opts):
        """Starts @name with @graphics on A, migrates it live to B; returns
        A's log lines of that migration."""
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 graphics_xml(name, log, graphics))
        virsh(self.a.uri, "define", xml)
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        guestlog.follow(log)
        start = len(self.a.read_log())
        virsh(self.a.uri, "migrate", "--live", *opts, name, self.b.uri,
              timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", "--reason",
                               name).stdout.strip(), "running (migrated)")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=1.0)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        return self.a.read_log()[start:]

    def dest_spice_port(self, name):
        xml = virsh(self.b.uri, "dumpxml", name).stdout
        return int(re.search(r"<graphics type='spice' port='(\d+)'",
                             xml).group(1))

    def test_spice_cookie(self):
        log = self.migrate("gspice", "<graphics type='spice' autoport='yes'/>")
        port = self.dest_spice_port("gspice")
        self.assertIn("relocating the SPICE clients of gspice to 127.0.0.1 "
                      "port %d" % port, log)
        self.assertNotIn(WARNING, log)

    def test_spice_graphicsuri(self):
        log = self.migrate("guri", "<graphics type='spice' autoport='yes'/>",
                           "--graphicsuri", "spice://127.0.0.7:5999")
        self.assertIn("relocating the SPICE clients of guri to 127.0.0.7 "
                      "port 5999", log)
        self.assertNotIn(WARNING, log)

    def test_bad_graphicsuri_warns_and_migrates(self):
        log = self.migrate("gbad", "<graphics type='spice' autoport='yes'/>",
                           "--graphicsuri", "rdp://127.0.0.7:5999")
        self.assertIn(WARNING, log)
        self.assertIn("unknown graphics type rdp", log)
        self.assertNotIn("relocating the SPICE clients", log)

    def test_vnc_noop(self):
        log = self.migrate("gvnc", "<graphics type='vnc' autoport='yes'/>")
        self.assertNotIn("relocating", log)
        self.assertNotIn(WARNING, log)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
