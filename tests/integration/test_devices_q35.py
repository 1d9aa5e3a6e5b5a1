"""A q35 guest shaped like a real one (virtio qcow2 disk, empty SATA
CD-ROM, virtio NIC, the USB and PCI controllers libvirt adds), defined and
started with stock virsh: dumpxml shows libvirt's addresses (pcie-root-ports,
SATA drive address), QEMU runs that device tree, and the guest migrates
live between two virtmigd hosts (same image path: shared storage) with its
heartbeat and memory intact."""

import os
import re
import subprocess
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh


def q35_xml(name, image, serial_log):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='KiB'>%d</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>%s</kernel>
    <cmdline>hb_ms=100 wss_mib=8</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='sda' bus='sata'/>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:35:00:01'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='%s' append='on'/>
    </serial>
    <video>
      <model type='none'/>
    </video>
  </devices>
</domain>
""" % (name, harness.GUEST_KIB, harness.GUEST_ELF, image, serial_log)


def addresses(xml):
    """(element, address) pairs of every device with a PCI or drive
    address, in document order."""
    out = []
    for m in re.finditer(r"<(disk|controller|interface|memballoon)\b[^>]*"
                         r"(?<!/)>(.*?)</\1>", xml, re.S):
        a = re.search(r"<address [^>]*/>", m.group(2))
        if a:
            out.append((m.group(0).split(">")[0], a.group(0)))
    return out


class DevicesQ35(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        conf = {"migration_host": "127.0.0.1"}
        cls.a = Host("hostA", conf=dict(conf, migration_port_min=49240,
                                        migration_port_max=49249)).start()
        cls.b = Host("hostB", conf=dict(conf, migration_port_min=49250,
                                        migration_port_max=49259)).start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def test_define_start_migrate(self):
        name = "q35dev"
        image = os.path.join(self.a.root, "q35dev.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image,
                        "64M"], check=True)
        log = os.path.join(self.a.root, "q35dev-serial.log")
        path = harness.write_file(os.path.join(self.a.root, "q35dev.xml"),
                                  q35_xml(name, image, log))
        virsh(self.a.uri, "define", path)
        self.addCleanup(self.cleanup_guest, name)

        inactive = virsh(self.a.uri, "dumpxml", "--inactive", name).stdout
        addrs = addresses(inactive)
        print("\n" + "\n".join("%s %s" % a for a in addrs))
        # libvirt 9.0's layout for this guest
        self.assertIn(("<disk type='file' device='disk'",
                       "<address type='pci' domain='0x0000' bus='0x03' "
                       "slot='0x00' function='0x0'/>"), addrs)
        self.assertIn(("<disk type='file' device='cdrom'",
                       "<address type='drive' controller='0' bus='0' "
                       "target='0' unit='0'/>"), addrs)
        self.assertIn(("<interface type='user'",
                       "<address type='pci' domain='0x0000' bus='0x01' "
                       "slot='0x00' function='0x0'/>"), addrs)
        self.assertIn(("<controller type='sata' index='0'",
                       "<address type='pci' domain='0x0000' bus='0x00' "
                       "slot='0x1f' function='0x2'/>"), addrs)
        self.assertIn(("<controller type='pci' index='1' "
                       "model='pcie-root-port'",
                       "<address type='pci' domain='0x0000' bus='0x00' "
                       "slot='0x01' function='0x0' multifunction='on'/>"),
                      addrs)
        self.assertEqual(len(re.findall("model='pcie-root-port'", inactive)),
                         5)

        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        live = virsh(self.a.uri, "dumpxml", name).stdout
        self.assertEqual(addresses(live), addrs)
        self.assertIn("<alias name='virtio-disk0'/>", live)
        self.assertIn("<alias name='sata0-0-0'/>", live)
        self.assertRegex(live, r"<source file='%s' index='\d+'/>\s*"
                         r"<backingStore/>" % re.escape(image))

        guestlog.follow(log)
        # --unsafe: both hosts use the one local image file
        virsh(self.a.uri, "migrate", "--live", "--unsafe", name, self.b.uri,
              timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", "--reason",
                               name).stdout.strip(), "running (migrated)")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=1.0)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print(verdict.summary())
        moved = virsh(self.b.uri, "dumpxml", name).stdout
        self.assertEqual(addresses(moved), addrs)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
