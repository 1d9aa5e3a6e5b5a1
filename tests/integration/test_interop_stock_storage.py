"""Storage migration (--copy-storage-all) between virtmigd and stock
libvirtd 9.0 (issue 14): the <nbd> cookie element, the NBD export names
and the mirror each side sets up must match the other's.

Each host sees its own image directory under one path (stock's through a
bind mount in its namespace, virtmig's through harness.Host image_view).
virtmig -> stock: stock's destination wants the image to exist (it only
creates images in storage pools), so the test creates an empty one of the
same size; stock -> virtmig: virtmig creates the image itself from the
size in stock's cookie.  Each way the copy must hold the data written into
the source's image before, and the guest must keep its boot id.

Exits 77 with the reason when stock libvirtd cannot run here.
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
VIEW = None
STOCK = None
VIRT = None


def start_hosts():
    """The two hosts of the module; exits 77 if stock cannot start."""
    global VIEW, STOCK, VIRT
    VIEW = tempfile.mkdtemp(prefix="virtmig-images-")
    try:
        STOCK = stockhost.StockHost("stockS", "127.0.0.5",
                                    peers={"virtS": "127.0.0.6"},
                                    extra_binds=[("images", VIEW)]).start()
    except stockhost.StockStartError as e:
        print("SKIP: stock libvirtd does not start here: %s" % e)
        sys.exit(77)
    port = harness.free_port()
    VIRT = Host("virtS", conf={"migration_host": "127.0.0.6",
                               "migration_address": "127.0.0.6",
                               "migration_port_min": port,
                               "migration_port_max": port + 9},
                image_view=VIEW).start()


def stop_hosts():
    for h in (VIRT, STOCK):
        if h:
            h.cleanup()
    if VIEW:
        shutil.rmtree(VIEW, ignore_errors=True)


def has_pattern(path, pattern, length):
    res = subprocess.run(["qemu-io", "-r", "-U", "-f", "qcow2", "-c",
                          "read -P 0x%02x 0 %d" % (pattern, length), path],
                         capture_output=True, text=True)
    return res.returncode == 0 and "verification failed" not in res.stdout


class StorageInterop(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="virtmig-interop-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def state(self, host, name):
        res = virsh(host.uri, "domstate", "--reason", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    def cleanup_guest(self, name):
        for h in (VIRT, STOCK):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def migrate(self, src, dst, name, log):
        res = virsh(src.uri, "migrate", "--live", "--copy-storage-all", name,
                    dst.uri, check=False, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(self.state(dst, name), "running (migrated)")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=3.0)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.boots, 1, verdict.summary())

    def test_there_and_back(self):
        name = "stostock"
        virt_img = os.path.join(VIRT.images, name + ".qcow2")
        stock_img = STOCK.path("images", name + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", virt_img,
                        "16M"], check=True)
        subprocess.run(["qemu-io", "-f", "qcow2", "-c",
                        "write -P 0x6b 0 %d" % (4 * MIB), virt_img],
                       check=True, capture_output=True)
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.guest_xml(name, log, cmdline="hb_ms=100 wss_mib=4",
                                pad_kib=0)
        xml = xml.replace("  <devices>\n", """  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
""" % os.path.join(VIEW, name + ".qcow2"))
        path = harness.write_file(os.path.join(self.tmp, name + ".xml"), xml)
        self.addCleanup(self.cleanup_guest, name)
        virsh(VIRT.uri, "define", path)
        virsh(VIRT.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        guestlog.follow(log)
        self.addCleanup(guestlog.unfollow, log)

        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", stock_img,
                        "16M"], check=True)
        self.migrate(VIRT, STOCK, name, log)
        self.assertTrue(has_pattern(stock_img, 0x6b, 4 * MIB))

        os.unlink(virt_img)
        self.migrate(STOCK, VIRT, name, log)
        self.assertTrue(os.path.exists(virt_img), "virtmig created no image")
        self.assertTrue(has_pattern(virt_img, 0x6b, 4 * MIB))


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    if not shutil.which("qemu-io"):
        print("SKIP: qemu-io is not installed")
        sys.exit(77)
    stockhost.require_stock()
    start_hosts()
    try:
        harness.main()
    finally:
        stop_hosts()
