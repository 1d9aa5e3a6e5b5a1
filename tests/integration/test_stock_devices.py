"""The same disk-heavy pc and q35 guests defined and started on stock
libvirtd 9.0 and on virtmigd: the <devices> of the inactive XML (PCI,
drive and USB addresses, implicit controllers, pcie-root-ports) and the
-device/-blockdev/-netdev arguments of the running QEMUs (node names,
backing chain read from the qcow2 header, cache/aio/discard, bus/addr,
bootindex) must be identical.  <audio> (stock adds one, we do not model
it) is left out of the comparison.  Needs root for the stock host."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness
import stockhost
from harness import Host, virsh

IMAGES = "/var/lib/virtmig/images"


def devices(xml):
    body = xml.split("<devices>")[1].split("</devices>")[0]
    return "\n".join(line for line in body.splitlines()
                     if "<audio " not in line)


def device_args(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
    return [(argv[i], argv[i + 1]) for i in range(len(argv) - 1)
            if argv[i] in ("-device", "-blockdev", "-netdev")]


def load(name, tmp):
    with open(os.path.join(harness.SRCDIR, "tests", "domainxmldata",
                           name + ".xml")) as f:
        xml = f.read()
    # a block device we cannot provide: drop that disk
    xml = re.sub(r"    <disk type='block'.*?</disk>\n", "", xml, flags=re.S)
    return xml.replace(IMAGES, tmp)


def make_images(xml, tmp):
    paths = re.findall(r"file='(%s/[^']+)'" % re.escape(tmp), xml)
    base = [p for p in paths if p.endswith("base.qcow2")]
    for p in base + [p for p in paths if p not in base]:
        if os.path.exists(p):
            continue
        if p.endswith("top.qcow2"):
            cmd = ["-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", p]
        else:
            cmd = ["-f", "qcow2" if p.endswith("qcow2") else "raw", p, "16M"]
        subprocess.run(["qemu-img", "create", "-q"] + cmd, check=True)


class StockDevices(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stock = stockhost.StockHost("stockdev", "127.0.0.23")
        cls.stock.start()
        cls.ours = Host("ourdev").start()
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-stockdev-")

    @classmethod
    def tearDownClass(cls):
        cls.ours.cleanup()
        cls.stock.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_on(self, uri, path, name, pid_of):
        virsh(uri, "define", path)
        try:
            inactive = virsh(uri, "dumpxml", "--inactive", name).stdout
            virsh(uri, "start", name)
            args = device_args(pid_of(name))
            virsh(uri, "destroy", name)
        finally:
            virsh(uri, "undefine", name, check=False)
        return devices(inactive), args

    def compare(self, name):
        xml = load(name, self.tmp)
        make_images(xml, self.tmp)
        path = harness.write_file(os.path.join(self.tmp, name + ".xml"), xml)
        stock = self.run_on(self.stock.uri, path, name, self.stock.qemu_pid)
        ours = self.run_on(self.ours.uri, path, name,
                           lambda n: harness.qemu_pids_under(self.ours.root)[0])
        self.assertEqual(ours[0], stock[0])
        self.assertEqual(ours[1], stock[1])
        print("\n%s: %d device lines, %d arguments identical" %
              (name, len(stock[0].splitlines()), len(stock[1])))

    def test_disks_pc(self):
        self.compare("disks-pc")

    def test_disks_q35(self):
        self.compare("disks-q35")


if __name__ == "__main__":
    harness.require("virsh", "qemu")
    stockhost.require_stock()
    harness.main()
