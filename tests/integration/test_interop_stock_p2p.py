"""Peer-to-peer and tunnelled migration between virtmigd and stock
libvirtd 9.0, both ways (issue #13 parts 1 and 2).

One virtmigd host (virtA, migrating on 127.0.0.4) and one stock libvirtd
host (stockB, 127.0.0.3, tests/integration/stockhost.py).  Stock virsh
calls `migrate --p2p` (and `--p2p --tunnelled`) on the source; the
source daemon, whichever it is, opens the other host's UNIX socket
itself and drives the protocol: a virtmigd source drives stock's
daemon, a stock source drives virtmigd.  The test guest's serial log
proves each move (one boot, seq continuous, memory never corrupt).

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
import stockhost
from harness import Host, virsh

STOCK = None
VIRT = None


def start_hosts():
    """The two hosts of the module; exits 77 if stock cannot start."""
    global STOCK, VIRT
    try:
        STOCK = stockhost.StockHost("stockB", "127.0.0.3",
                                    peers={"virtA": "127.0.0.4"}).start()
    except stockhost.StockStartError as e:
        print("SKIP: stock libvirtd does not start here: %s" % e)
        sys.exit(77)
    port = harness.free_port()
    VIRT = Host("virtA", conf={"migration_host": "127.0.0.4",
                               "migration_address": "127.0.0.4",
                               "migration_port_min": port,
                               "migration_port_max": port + 9,
                               "log_level": 2}).start()


def stop_hosts():
    for h in (VIRT, STOCK):
        if h:
            h.cleanup()


def name_of(host):
    return "stock" if host is STOCK else "virtmig"


class InteropP2P(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="virtmig-interop-p2p-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def start_guest(self, host, name):
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log,
                                                   cmdline="hb_ms=100 wss_mib=16",
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

    def state(self, host, name):
        res = virsh(host.uri, "domstate", "--reason", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    def migrate(self, src, dst, name, *opts):
        """virsh migrate --live --p2p OPTS; asserts the guest moved
        intact."""
        log = os.path.join(self.tmp, name + "-serial.log")
        guestlog.follow(log)
        start = time.time()
        res = virsh(src.uri, "migrate", "--live", "--p2p", *opts, name,
                    dst.uri, check=False, timeout=120)
        took = time.time() - start
        if res.returncode != 0:
            guestlog.unfollow(log)
            self.fail("virsh migrate --p2p %s %s -> %s failed: %s" % (
                " ".join(opts), name_of(src), name_of(dst), res.stderr.strip()))
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        guestlog.unfollow(log)
        print("\nvirsh migrate --live --p2p %s%s -> %s: %.0f ms; %s" % (
            " ".join(opts) + " " if opts else "", name_of(src), name_of(dst),
            took * 1000, verdict.summary()))
        self.assertTrue(verdict.ok, verdict.summary())

    def test_p2p_virtmig_to_stock_and_back(self):
        self.start_guest(VIRT, "p2ps1")
        self.migrate(VIRT, STOCK, "p2ps1", "--persistent")
        self.assertIn("peer-to-peer migration of domain p2ps1 uses protocol v3",
                      VIRT.read_log())
        self.migrate(STOCK, VIRT, "p2ps1", "--persistent", "--undefinesource")
        self.assertNotIn("p2ps1", virsh(STOCK.uri, "list", "--all",
                                        "--name").stdout.split())

    def test_tunnelled_virtmig_to_stock_and_back(self):
        self.start_guest(VIRT, "p2ps2")
        self.migrate(VIRT, STOCK, "p2ps2", "--tunnelled")
        self.migrate(STOCK, VIRT, "p2ps2", "--tunnelled")
        self.assertIn("incoming migration of domain p2ps2 with protocol v3 "
                      "prepared on a tunnel", VIRT.read_log())

    def test_stock_source_first(self):
        self.start_guest(STOCK, "p2ps3")
        self.migrate(STOCK, VIRT, "p2ps3")
        self.migrate(VIRT, STOCK, "p2ps3", "--tunnelled")


def main():
    harness.require("virsh")
    harness.require_guest()
    stockhost.require_stock()
    start_hosts()
    try:
        prog = unittest.main(exit=False, verbosity=2)
    finally:
        stop_hosts()
    sys.exit(0 if prog.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
