"""virsh domblkinfo (virDomainGetBlockInfo) next to stock libvirtd 9.0.

The same domain, with a qcow2 and a sparse raw disk (4 MiB of each
written) and an empty cdrom, defined on a virtmigd host and on a stock
libvirtd host, each with its own copy of the images made by the same
commands:

- shut off, from the images: capacity, allocation and physical as stock
  reads them, by target and by source path, and ``--all``;
- running, from QEMU (the guest does not write its disks): the same
  figures as stock's, which apply libvirt's rules for an image QEMU has
  not written to;
- refused alike: a path that is no disk of the domain, the empty cdrom,
  an unknown flag; a read-only connection may ask;
- ``virsh blockresize`` of the running disks (by target and by path, the
  qcow2 one to a size that is no whole sector): the same sizes after it
  on both hosts, and the same refusals (the empty cdrom, no such disk).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import stockhost
from harness import Host, virsh

MIB = 1024 * 1024


def make_images(directory):
    qcow2 = os.path.join(directory, "bi.qcow2")
    raw = os.path.join(directory, "bi.raw")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", qcow2, "16M"],
                   check=True)
    subprocess.run(["qemu-img", "create", "-q", "-f", "raw", raw, "16M"],
                   check=True)
    for fmt, path in (("qcow2", qcow2), ("raw", raw)):
        subprocess.run(["qemu-io", "-f", fmt, "-c", "write -P 0x5a 0 4M",
                        path], check=True, capture_output=True)
    return qcow2, raw


def domain_xml(root, log, qcow2, raw):
    xml = harness.guest_xml("bi", log, pad_kib=0)
    return xml.replace("  <devices>\n", """  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
""" % (qcow2, raw))


def blkinfo(uri, *args, readonly=False):
    """virsh domblkinfo's figures as a dict ("--all": its table as a list
    of rows), or ("error", message)."""
    res = virsh(uri, "domblkinfo", "bi", *args, check=False,
                readonly=readonly)
    if res.returncode:
        return ("error", res.stderr.strip())
    if "--all" in args:
        return [line.split() for line in res.stdout.splitlines()
                if line.strip()]     # virsh -q: no header
    return dict((k.strip(), v.strip()) for k, v in
                (line.split(":", 1) for line in res.stdout.splitlines()
                 if ":" in line))


class BlockInfo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_guest()
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-blkinfo-")
        cls.stock = stockhost.started("stockBi", "127.0.0.2")
        cls.ours = Host("blkinfoA").start()
        cls.hosts = {}
        for name, host in (("ours", cls.ours), ("stock", cls.stock)):
            d = os.path.join(cls.tmp, name)
            os.makedirs(d)
            qcow2, raw = make_images(d)
            log = os.path.join(d, "serial.log")
            path = harness.write_file(os.path.join(d, "bi.xml"),
                                      domain_xml(d, log, qcow2, raw))
            virsh(host.uri, "define", path)
            cls.hosts[name] = (host, {"vda": qcow2, "vdb": raw}, log)

    @classmethod
    def tearDownClass(cls):
        for host, _, _ in cls.hosts.values():
            virsh(host.uri, "destroy", "bi", check=False)
            virsh(host.uri, "undefine", "bi", check=False)
        cls.ours.cleanup()
        cls.stock.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def check_disk(self, dev, capacity, physical, by_path=False):
        """The same figures on both hosts, the allocation each host's own
        image's (the file system may give two copies made alike a block
        more or less)."""
        for name, (host, images, _) in self.hosts.items():
            info = blkinfo(host.uri, images[dev] if by_path else dev)
            print(name, dev, by_path, info)
            blocks = os.stat(images[dev]).st_blocks * 512
            self.assertEqual(info, {"Capacity": str(capacity),
                                    "Allocation": str(blocks),
                                    "Physical": str(physical)}, name)

    def check_all(self, vda=16 * MIB, vdb=16 * MIB):
        qcow2_size = os.stat(self.hosts["ours"][1]["vda"]).st_size
        self.assertEqual(qcow2_size,
                         os.stat(self.hosts["stock"][1]["vda"]).st_size)
        for by_path in (False, True):
            self.check_disk("vda", vda, qcow2_size, by_path)
            self.check_disk("vdb", vdb, vdb, by_path)
        tables = {name: blkinfo(host.uri, "--all", "--human")
                  for name, (host, _, _) in self.hosts.items()}
        print(tables)
        for rows in tables.values():    # Allocation may differ: see above
            for row in rows:
                del row[2:4]
        self.assertEqual(tables["ours"], tables["stock"])
        self.assertEqual([row[0] for row in tables["ours"]],
                         ["vda", "vdb", "sda"])

    def test_1_shut_off(self):
        self.check_all()

    def test_2_running(self):
        for host, _, log in self.hosts.values():
            virsh(host.uri, "start", "bi")
            guestlog.wait_for_lines(log, 3, timeout=20)
        self.check_all()
        self.assertEqual(blkinfo(self.ours.uri, "vda", readonly=True),
                         blkinfo(self.ours.uri, "vda"))

    def test_3_refused(self):
        for dev, msg in (("/no/such/image", "invalid argument: invalid path "
                          "/no/such/image not assigned to domain"),
                         ("sda", "invalid argument: disk 'sda' does not "
                          "currently have a source assigned")):
            out = {name: blkinfo(host.uri, dev)
                   for name, (host, _, _) in self.hosts.items()}
            self.assertEqual(out["ours"], out["stock"])
            self.assertIn(msg, out["ours"][1])

    def test_4_resize(self):
        for host, images, _ in self.hosts.values():
            virsh(host.uri, "blockresize", "bi", "vda", "--size", "33554433B")
            virsh(host.uri, "blockresize", "bi", images["vdb"], "24M")
        # qcow2: up to a whole sector
        self.check_all(vda=32 * MIB + 512, vdb=24 * MIB)
        for args, msg in ((("sda", "1M"), "can't resize empty or readonly "
                           "disk 'sda'"),
                          (("vdz", "1M"), "disk 'vdz' was not found in the "
                           "domain config")):
            out = {}
            for name, (host, _, _) in self.hosts.items():
                res = virsh(host.uri, "blockresize", "bi", *args, check=False)
                out[name] = res.stderr.strip()
            self.assertEqual(out["ours"], out["stock"])
            self.assertIn(msg, out["ours"])


if __name__ == "__main__":
    harness.require("virsh")
    if not shutil.which("qemu-io"):
        print("SKIP: qemu-io is not installed")
        sys.exit(77)
    harness.main()
