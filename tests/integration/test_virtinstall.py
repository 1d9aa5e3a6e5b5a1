"""virt-install's own XML on virtmigd (issue 9): the q35 and pc guests
virt-install 4.1 printed with --print-xml (tests/stockdata/virt-install-
{q35,pc}.xml: a virtio qcow2 disk, a virtio NIC on user-mode networking,
VNC, a qemu-ga channel, a virtio RNG, a USB tablet) are given as they are
to stock ``virsh define`` on a virtmigd host.  Checked, for each:

- the inactive XML is the one stock libvirtd 9.0 made of that input (its
  recording tests/stockdata/NAME-inactive.xml), byte for byte;
- the guest starts; the live XML shows the VNC port of the host's range,
  the agent channel's socket, the pty of the console;
- it migrates live (--persistent --undefinesource) to a second virtmigd
  host: running there (migrated), gone from the first, the same migratable
  XML, and the same persistent definition (on pc the implicit pci-root
  comes back after the other controllers, as on a stock destination).

The empty disk leaves the guest in SeaBIOS: the device set is what is
tested (test_linux_guest.py boots a real Linux guest).
"""

import os
import re
import shutil
import subprocess
import sys
import unittest

import harness
from harness import virsh

STOCKDATA = os.path.join(harness.SRCDIR, "tests", "stockdata")
IMAGES = "/var/lib/libvirt/images"


def pci_root_last(xml):
    """@xml as a destination defines it from the migratable XML, which
    leaves out i440fx's pci-root: the destination appends it after the
    other controllers (libvirt's virDomainControllerInsertPreAlloced; a
    stock destination does the same)."""
    root = "    <controller type='pci' index='0' model='pci-root'/>"
    lines = xml.splitlines(True)
    if root + "\n" not in lines:
        return xml
    lines.remove(root + "\n")
    last = max(i for i, line in enumerate(lines)
               if line.startswith(("    </controller>", "    <controller"))
               and (line.startswith("    </") or line.rstrip().endswith("/>")))
    lines.insert(last + 1, root + "\n")
    return "".join(lines)


class VirtInstall(harness.TwoHostsCase, unittest.TestCase):
    def stockdata(self, name):
        """tests/stockdata/@name with the images in this test's directory."""
        with open(os.path.join(STOCKDATA, name)) as f:
            return f.read().replace(IMAGES, self.tmp)

    def migratable(self, host, name):
        xml = virsh(host.uri, "dumpxml", "--migratable", name).stdout
        return re.sub(r" index='[0-9]+'", "", xml)

    def check_live(self, host, name):
        live = virsh(host.uri, "dumpxml", name).stdout
        port = int(re.search(r"<graphics type='vnc' port='(\d+)'",
                             live).group(1))
        low = int(host.conf["remote_display_port_min"])
        high = int(host.conf["remote_display_port_max"])
        self.assertTrue(low <= port <= high, (port, low, high))
        agent = re.search(r"<source mode='bind' path='([^']+)'/>\s*"
                          r"<target type='virtio' "
                          r"name='org.qemu.guest_agent.0'", live)
        self.assertIsNotNone(agent, live)
        self.assertTrue(os.path.exists(agent.group(1)), agent.group(1))
        self.assertRegex(live, r"<console type='pty' tty='/dev/pts/\d+'>")

    def define_start_migrate(self, case):
        a, b = self.a, self.b
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                        os.path.join(self.tmp, case + ".qcow2"), "1G"],
                       check=True)
        path = harness.write_file(os.path.join(self.tmp, case + ".xml"),
                                  self.stockdata(case + ".xml"))
        self.addCleanup(self.cleanup_guest, case)
        want = self.stockdata(case + "-inactive.xml")
        self.maxDiff = None

        virsh(a.uri, "define", path)
        self.assertEqual(virsh(a.uri, "dumpxml", "--inactive", case).stdout,
                         want)
        virsh(a.uri, "start", case)
        self.assertEqual(self.state(a, case), "running (booted)")
        self.check_live(a, case)

        before = self.migratable(a, case)
        self.move_live(a, b, case, "--persistent", "--undefinesource")
        self.assertIsNone(self.state(a, case))
        self.assertEqual(self.migratable(b, case), before)
        self.check_live(b, case)
        self.assertEqual(virsh(b.uri, "dumpxml", "--inactive", case).stdout,
                         pci_root_last(want))
        virsh(b.uri, "destroy", case)

    def test_q35(self):
        self.define_start_migrate("virt-install-q35")

    def test_pc(self):
        self.define_start_migrate("virt-install-pc")


if __name__ == "__main__":
    harness.require("virsh", "qemu")
    if not shutil.which("qemu-img"):
        print("SKIP: qemu-img (qemu-utils) is not installed")
        sys.exit(77)
    harness.main()
