"""The new user's path (issue 9): a guest that virt-install made on a stock
libvirtd 9.0 host is dumped with plain ``virsh dumpxml`` (of the running
guest, with its runtime data, and of the shut-off one), that XML is given
as it is to ``virsh define`` on a virtmigd host, started there and
migrated live to a second virtmigd host.  For virt-install's q35 and pc
guests (tests/stockdata/virt-install-{q35,pc}.xml).

Checked: the definition virtmigd keeps has stock's <devices> (the same
device tree, addresses, controllers and models), the guest runs, moves,
and afterwards runs on the destination only with the same migratable
XML.  The empty disk leaves the guest in SeaBIOS: the device set is what
is tested (test_interop_stock_linux.py boots a real Linux guest).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import harness
import stockhost
from harness import Host, virsh

STOCKDATA = os.path.join(harness.SRCDIR, "tests", "stockdata")
STOCK = None
HOSTS = []


def devices(xml):
    """<devices> of @xml without <audio> (virtmigd's inactive XML keeps
    the audio backend it added; stock's too, with another id rule)."""
    body = xml.split("<devices>")[1].split("</devices>")[0]
    return "\n".join(line for line in body.splitlines()
                     if "<audio " not in line)


class NewUser(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="virtmig-newuser-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def cleanup_guest(self, name):
        for h in [STOCK] + HOSTS:
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def state(self, host, name):
        res = virsh(host.uri, "domstate", "--reason", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    def stock_dumpxml(self, case, running):
        """Plain `virsh dumpxml` of @case on the stock host, running or
        shut off, and the inactive XML stock itself makes of that dump
        when it is defined again."""
        with open(os.path.join(STOCKDATA, case + ".xml")) as f:
            xml = f.read().replace("/var/lib/libvirt/images", self.tmp)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                        os.path.join(self.tmp, case + ".qcow2"), "1G"],
                       check=True)
        path = harness.write_file(os.path.join(self.tmp, case + "-in.xml"),
                                  xml)
        virsh(STOCK.uri, "define", path)
        if running:
            virsh(STOCK.uri, "start", case)
        dumped = virsh(STOCK.uri, "dumpxml", case).stdout
        # the image is locked by stock's QEMU while it runs
        virsh(STOCK.uri, "destroy", case, check=False)
        virsh(STOCK.uri, "undefine", case)
        again = harness.write_file(os.path.join(self.tmp, case + "-dump.xml"),
                                   dumped)
        virsh(STOCK.uri, "define", again)
        inactive = virsh(STOCK.uri, "dumpxml", "--inactive", case).stdout
        virsh(STOCK.uri, "undefine", case)
        if running:
            self.assertIn(" id='", dumped.splitlines()[0])
            self.assertIn("<alias name=", dumped)
        return dumped, inactive

    def new_user(self, case, running):
        a, b = HOSTS
        self.addCleanup(self.cleanup_guest, case)
        dumped, stock_inactive = self.stock_dumpxml(case, running)
        path = harness.write_file(os.path.join(self.tmp, case + ".xml"),
                                  dumped)
        virsh(a.uri, "define", path)
        ours = virsh(a.uri, "dumpxml", "--inactive", case).stdout
        self.maxDiff = None
        self.assertEqual(devices(ours), devices(stock_inactive))

        virsh(a.uri, "start", case)
        self.assertEqual(self.state(a, case), "running (booted)")
        before = virsh(a.uri, "dumpxml", "--migratable", case).stdout
        # --unsafe: both hosts use the one local image file
        res = virsh(a.uri, "migrate", "--live", "--persistent", "--unsafe",
                    "--undefinesource", case, b.uri, check=False,
                    timeout=300)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(self.state(b, case), "running (migrated)")
        self.assertIsNone(self.state(a, case))
        self.assertEqual(harness.qemu_pids_under(a.root), [])
        self.assertEqual(len(harness.qemu_pids_under(b.root)), 1)
        after = virsh(b.uri, "dumpxml", "--migratable", case).stdout
        self.assertEqual(re.sub(r" index='[0-9]+'", "", after),
                         re.sub(r" index='[0-9]+'", "", before))
        virsh(b.uri, "destroy", case)

    def test_q35_running(self):
        self.new_user("virt-install-q35", True)

    def test_q35_shutoff(self):
        self.new_user("virt-install-q35", False)

    def test_pc_running(self):
        self.new_user("virt-install-pc", True)

    def test_pc_shutoff(self):
        self.new_user("virt-install-pc", False)


def main():
    global STOCK
    harness.require("virsh")
    harness.require("qemu")
    stockhost.require_stock()
    if not shutil.which("qemu-img"):
        print("SKIP: qemu-img (qemu-utils) is not installed")
        sys.exit(77)
    try:
        STOCK = stockhost.StockHost("stockN", "127.0.0.6").start()
    except stockhost.StockStartError as e:
        print("SKIP: stock libvirtd does not start here: %s" % e)
        sys.exit(77)
    try:
        for name in ("virtA", "virtB"):
            HOSTS.append(Host(name, conf={"migration_host": "127.0.0.1"})
                         .start())
        prog = unittest.main(exit=False, verbosity=2)
    finally:
        for h in HOSTS + [STOCK]:
            h.cleanup()
    sys.exit(0 if prog.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
