"""Guests as virt-install writes them, migrated live between stock
libvirtd 9.0 and virtmigd (tests/stockdata/virt-install-{pc,q35}.xml:
virtio qcow2 disk, user-mode virtio NIC, VNC, guest agent channel, virtio
RNG, USB tablet, virtio video; on q35 14 pcie-root-ports).

The guest is defined and started on stock (its empty disk leaves it in
SeaBIOS: no heartbeat to read, the device set is what is tested), goes
stock -> virtmig -> stock, and must come back with the same migratable
XML stock had at the start, running, with one QEMU at every moment.
Either side as the source wants --unsafe (the image is on a local file
system, the same file for both hosts).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import harness
import stockhost
import test_interop_stock as interop
from harness import virsh

STOCKDATA = os.path.join(harness.SRCDIR, "tests", "stockdata")


class VirtInstall(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="virtmig-interop-vi-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def cleanup_guest(self, name):
        for h in (interop.VIRT, interop.STOCK):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def state(self, host, name):
        res = virsh(host.uri, "domstate", "--reason", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    def migratable(self, host, name):
        xml = virsh(host.uri, "dumpxml", "--migratable", name).stdout
        # The disk's <source index='N'> is per run of stock's QEMU.
        return re.sub(r" index='[0-9]+'", "", xml)

    def migrate(self, src, dst, name):
        opts = ["--unsafe"]
        start = time.monotonic()
        res = virsh(src.uri, "migrate", "--live", *opts, name, dst.uri,
                    check=False, timeout=300)
        if res.returncode != 0:
            self.fail("virsh migrate %s -> %s failed: %s%s" % (
                interop.src_name(src), interop.src_name(dst),
                res.stderr.strip(), interop.stock_qemu_log(name)))
        print("\n%s: %s -> %s: virsh migrate %.2f s" % (
            name, interop.src_name(src), interop.src_name(dst),
            time.monotonic() - start))
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        self.assertEqual(interop.STOCK.qemu_pid(name) is not None,
                         dst is interop.STOCK)

    def round_trip(self, case):
        with open(os.path.join(STOCKDATA, case + ".xml")) as f:
            xml = f.read().replace("/var/lib/libvirt/images", self.tmp)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                        os.path.join(self.tmp, case + ".qcow2"), "1G"],
                       check=True)
        path = harness.write_file(os.path.join(self.tmp, case + ".xml"), xml)
        self.addCleanup(self.cleanup_guest, case)
        virsh(interop.STOCK.uri, "define", path)
        virsh(interop.STOCK.uri, "start", case)
        before = self.migratable(interop.STOCK, case)
        self.migrate(interop.STOCK, interop.VIRT, case)
        self.migrate(interop.VIRT, interop.STOCK, case)
        self.assertEqual(self.migratable(interop.STOCK, case), before)

    def test_pc(self):
        self.round_trip("virt-install-pc")

    def test_q35(self):
        self.round_trip("virt-install-q35")


def main():
    harness.require("virsh")
    harness.require("qemu")
    stockhost.require_stock()
    if not shutil.which("qemu-img"):
        print("SKIP: qemu-img (qemu-utils) is not installed")
        sys.exit(77)
    interop.start_hosts()
    try:
        prog = unittest.main(exit=False, verbosity=2)
    finally:
        interop.stop_hosts()
    sys.exit(0 if prog.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
