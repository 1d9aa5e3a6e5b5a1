"""--tls migrations between virtmigd and stock libvirtd 9.0, both ways
(issue 13, part 4): both QEMUs' certificates come from one CA made by
certtool, each host's in its migrate_tls_x509_cert_dir; stock virsh
drives the migration.  The stream goes through a tap (streamtap.py, on
TAP_ADDR, with --migrateuri and --tls-destination naming the real
destination) that checks it is TLS; the guest must arrive intact.

Exits 77 with the reason when stock libvirtd cannot run here.
"""

import os
import shutil
import sys
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import pkilib
import stockhost
from harness import Host, virsh
from streamtap import QEMU_MAGIC, StreamTap

STOCK_ADDR = "127.0.0.5"
VIRT_ADDR = "127.0.0.6"
TAP_ADDR = "127.0.0.7"
TMP = None
STOCK = None
VIRT = None


def start_hosts():
    global TMP, STOCK, VIRT
    TMP = tempfile.mkdtemp(prefix="virtmig-stocktls-")
    pki = pkilib.Pki(os.path.join(TMP, "ca"))
    stock_qemu = pki.qemu(os.path.join(TMP, "stock-qemu"), "stockT",
                          ips=(STOCK_ADDR,))
    try:
        STOCK = stockhost.StockHost(
            "stockT", STOCK_ADDR, peers={"virtT": VIRT_ADDR},
            qemu_conf={"migrate_tls_x509_cert_dir": stock_qemu}).start()
    except stockhost.StockStartError as e:
        print("SKIP: stock libvirtd does not start here: %s" % e)
        sys.exit(77)
    port = harness.free_port()
    VIRT = Host("virtT", conf={"migration_host": VIRT_ADDR,
                               "migration_address": VIRT_ADDR,
                               "migration_port_min": port,
                               "migration_port_max": port + 9,
                               "log_level": 2})
    pki.qemu(os.path.join(VIRT.root, "pki", "qemu"), "virtT", ips=(VIRT_ADDR,))
    VIRT.start()


def stop_hosts():
    for h in (VIRT, STOCK):
        if h:
            h.cleanup()
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


class StockTLS(unittest.TestCase):
    def start_guest(self, host, name):
        log = os.path.join(TMP, name + "-serial.log")
        xml = harness.write_file(os.path.join(TMP, name + ".xml"),
                                 harness.guest_xml(name, log,
                                                   cmdline="hb_ms=100 wss_mib=8"))
        self.addCleanup(self.cleanup_guest, name)
        virsh(host.uri, "define", xml)
        virsh(host.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        return log

    def cleanup_guest(self, name):
        for h in (VIRT, STOCK):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def migrate(self, src, dst, name, log):
        dst_addr = STOCK_ADDR if dst is STOCK else VIRT_ADDR
        port = harness.free_port()
        tap = StreamTap(TAP_ADDR, dst_addr, port)
        start = time.time()
        try:
            res = virsh(src.uri, "migrate", "--live", "--tls",
                        "--tls-destination", dst_addr, "--migrateuri",
                        "tcp://%s:%d" % (TAP_ADDR, port), name, dst.uri,
                        check=False, timeout=120)
        finally:
            tap.close()
        if res.returncode != 0:
            self.fail("migrate --tls failed: %s\n%s" % (res.stderr.strip(),
                                                         self.stock_qemu_log(name)))
        print("\nvirsh migrate --live --tls %s: %.0f ms, stream starts %s" % (
            "virtmig -> stock" if src is VIRT else "stock -> virtmig",
            (time.time() - start) * 1000, tap.data[:6].hex()))
        self.assertEqual(tap.connections, 1)
        self.assertEqual(bytes(tap.data[:2]), b"\x16\x03", tap.data[:16])
        self.assertNotIn(QEMU_MAGIC, bytes(tap.data))
        res = virsh(dst.uri, "domstate", name)
        self.assertEqual(res.stdout.strip(), "running")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        print(verdict.summary())
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.boots, 1)

    def stock_qemu_log(self, name):
        try:
            with open(STOCK.qemu_log(name), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def test_round_trip(self):
        log = self.start_guest(VIRT, "st1")
        self.migrate(VIRT, STOCK, "st1", log)
        self.assertIn("domain st1: TLS migration with the credentials in",
                      VIRT.read_log())
        self.migrate(STOCK, VIRT, "st1", log)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    pkilib.require_certtool()
    stockhost.require_stock()
    start_hosts()
    try:
        prog = unittest.main(exit=False, verbosity=2)
    finally:
        stop_hosts()
    sys.exit(0 if prog.result.wasSuccessful() else 1)
