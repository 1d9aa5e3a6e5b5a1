"""The device and machine definitions of the unit-test data run on a real
QEMU and migrate (issue 9).  domainxmltest and qemuxml2argvtest turn
tests/domainxmldata's devices-pc (every peripheral on i440fx: three NIC
models, agent, spicevmc and unix channels, virtio and PS/2 input, VNC and
SPICE, qxl + virtio video, HDA and AC97 sound, watchdog, balloon with
statistics, RNG, panic), devices-q35 (bochs video, ICH9 sound, panic,
watchdog on q35), usb2-q35 (ICH9 EHCI with its UHCI companions and a USB
disk), general-q35 (features, timers, <pm>, CPU topology) and
general-sysinfo (SMBIOS tables) into golden command lines; here each is
defined with stock virsh on a virtmigd host, started (QEMU accepts that
command line and keeps running) and migrated live to a second host, where
it runs (migrated): QEMU only loads the stream into the same device tree.

What a host of the test cannot provide is swapped, without changing the
device tree: bridge and ethernet NICs become user-mode NICs of the same
model (tap devices are test_devices_virsh.py's), image and socket paths
move to a temporary directory, and a listener serves the connect-mode
unix channel.
"""

import os
import re
import socket
import time
import unittest

import harness
from harness import virsh

DATA = os.path.join(harness.SRCDIR, "tests", "domainxmldata")
CASES = ("devices-pc", "devices-q35", "usb2-q35", "general-q35",
         "general-sysinfo")


def adapt(xml, tmp):
    """@xml with its host resources in @tmp (see the module's comment)."""
    xml = re.sub(r"<interface type='(bridge|ethernet)'>",
                 "<interface type='user'>", xml)
    xml = re.sub(r"\s*<source bridge='[^']*'/>", "", xml)
    xml = re.sub(r"\s*<target dev='[^']*'( managed='[^']*')?/>", "", xml)
    xml = xml.replace("/var/lib/virtmig/images", tmp)
    xml = xml.replace("/var/lib/app", tmp).replace("/run/app", tmp)
    for name in re.findall(r"<source file='%s/([^']+)'/>" % re.escape(tmp),
                           xml):
        with open(os.path.join(tmp, name), "wb") as f:
            f.truncate(16 * 1024 * 1024)
    return xml


class DevicesRun(harness.TwoHostsCase, unittest.TestCase):
    def setUp(self):
        super().setUp()
        # devices-pc's channel connects to an application's socket
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(os.path.join(self.tmp, "port.sock"))
        self.listener.listen(8)
        self.addCleanup(self.listener.close)

    def assert_runs(self, host, name, reason):
        self.assertEqual(self.state(host, name), "running (%s)" % reason)
        pids = harness.qemu_pids_under(host.root)
        self.assertEqual(len(pids), 1, pids)
        time.sleep(1)
        self.assertEqual(self.state(host, name), "running (%s)" % reason)
        self.assertEqual(harness.qemu_pids_under(host.root), pids)

    def run_case(self, case):
        with open(os.path.join(DATA, case + ".xml")) as f:
            xml = adapt(f.read(), self.tmp)
        path = harness.write_file(os.path.join(self.tmp, case + ".xml"), xml)
        self.addCleanup(self.cleanup_guest, case)
        virsh(self.a.uri, "define", path)
        virsh(self.a.uri, "start", case)
        self.assert_runs(self.a, case, "booted")
        self.move_live(self.a, self.b, case)
        self.assert_runs(self.b, case, "migrated")
        virsh(self.b.uri, "destroy", case)

    def test_cases(self):
        for case in CASES:
            with self.subTest(case=case):
                self.run_case(case)


if __name__ == "__main__":
    harness.require("virsh", "qemu")
    harness.main()
