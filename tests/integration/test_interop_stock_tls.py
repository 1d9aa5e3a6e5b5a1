"""TLS between virtmigd and stock libvirtd 9.0, both ways (issue 13):
peer-to-peer migrations over qemu+tls:// (each daemon the other's client,
with its own client certificate, each checking the other's), and --tls
migrations of QEMU's stream.  Every certificate comes from one CA made by
certtool; QEMU's are in each host's migrate_tls_x509_cert_dir; stock
virsh drives the client-managed migrations, whose stream goes through a
tap (streamtap.py, on TAP_ADDR, with --migrateuri and --tls-destination
naming the real destination) that checks it is TLS.  The guest must
arrive intact every time.

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
STOCK_CLIENT = None
VIRT = None


def start_hosts():
    global TMP, STOCK, VIRT
    TMP = tempfile.mkdtemp(prefix="virtmig-stocktls-")
    pki = pkilib.Pki(os.path.join(TMP, "ca"))
    stock_qemu = pki.qemu(os.path.join(TMP, "stock-qemu"), "stockT",
                          ips=(STOCK_ADDR,))
    STOCK = stockhost.StockHost(
        "stockT", STOCK_ADDR, peers={"virtT": VIRT_ADDR},
        qemu_conf={"migrate_tls_x509_cert_dir": stock_qemu})
    # libvirtd's qemu+tls:// listener (--listen comes with enable_tcp)
    stock_pki = pki.server(STOCK.root, "stockT", ips=(STOCK_ADDR,))
    STOCK.enable_tcp(harness.free_port())
    STOCK.tls_port = harness.free_port()
    STOCK.libvirtd_conf.update(
        listen_tls=1, tls_port=str(STOCK.tls_port), auth_tls="none",
        ca_file=os.path.join(stock_pki, "CA", "cacert.pem"),
        cert_file=os.path.join(stock_pki, "libvirt", "servercert.pem"),
        key_file=os.path.join(stock_pki, "libvirt", "private", "serverkey.pem"),
        tls_allowed_dn_list=["*,CN=virtT"])
    # what stock presents as a p2p source: a pkipath= directory
    global STOCK_CLIENT
    STOCK_CLIENT = pki.client(os.path.join(TMP, "stock-client"), "stockT")
    try:
        STOCK.start()
    except stockhost.StockStartError as e:
        print("SKIP: stock libvirtd does not start here: %s" % e)
        sys.exit(77)
    port = harness.free_port()
    VIRT = Host("virtT", conf={"migration_host": VIRT_ADDR,
                               "migration_address": VIRT_ADDR,
                               "migration_port_min": port,
                               "migration_port_max": port + 9,
                               "log_level": 2, "listen_tls": 1,
                               "listen_addr": VIRT_ADDR})
    VIRT.tls_port = harness.free_port()
    VIRT.conf["tls_port"] = str(VIRT.tls_port)
    pki.server(VIRT.root, "virtT", ips=(VIRT_ADDR,))
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
                                                   cmdline="hb_ms=100 wss_mib=8",
                                                   pad_kib=0))
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

    def test_stock_p2p_over_tls(self):
        """Stock libvirtd as the peer-to-peer source: it opens
        qemu+tls:// to virtmigd with its client certificate, virtmigd
        checks it (and logs its DN); --tls encrypts the stream too."""
        log = self.start_guest(STOCK, "st2")
        uri = "qemu+tls://%s:%d/system?pkipath=%s" % (VIRT_ADDR, VIRT.tls_port,
                                                      STOCK_CLIENT)
        res = virsh(STOCK.uri, "migrate", "--live", "--p2p", "--tls", "st2",
                    uri, check=False, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr + self.stock_qemu_log("st2"))
        self.assertEqual(virsh(VIRT.uri, "domstate", "st2").stdout.strip(),
                         "running")
        self.assertIn("TLS with certificate 'O=virtmig tests,CN=stockT'",
                      VIRT.read_log())
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_virtmig_p2p_to_stock_over_tls(self):
        """virtmigd as the peer-to-peer source toward stock libvirtd's
        qemu+tls:// listener: its client certificate, stock's check."""
        log = self.start_guest(VIRT, "st3")
        uri = "qemu+tls://%s:%d/system" % (STOCK_ADDR, STOCK.tls_port)
        res = virsh(VIRT.uri, "migrate", "--live", "--p2p", "--tls", "st3",
                    uri, check=False, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr + self.stock_qemu_log("st3"))
        self.assertEqual(virsh(STOCK.uri, "domstate", "st3").stdout.strip(),
                         "running")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

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
