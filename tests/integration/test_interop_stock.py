"""Live migration between virtmigd and stock libvirtd 9.0, both ways.

One virtmigd host (virtA, migrating on 127.0.0.4) and one stock libvirtd
host (stockB, 127.0.0.3, tests/integration/stockhost.py); stock virsh
drives protocol v3 with parameters (plain ``virsh migrate --live``).  The
project's test guest proves each move: its serial log (a file in append
mode, shared by both QEMUs) keeps one boot id, seq goes on by one, its
memory check never fails, and the heartbeat gap stays short.  Both
directions also with --migrateuri in libvirt's two spellings.

Exits 77 with the reason when stock libvirtd cannot run here.
"""

import os
import re
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
    # log_level 2: the relocation of SPICE clients is logged at INFO
    VIRT = Host("virtA", conf={"migration_host": "127.0.0.4", "log_level": 2,
                               "migration_address": "127.0.0.4",
                               "migration_port_min": port,
                               "migration_port_max": port + 9}).start()


def stop_hosts():
    for h in (VIRT, STOCK):
        if h:
            h.cleanup()


class Interop(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="virtmig-interop-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def start_guest(self, host, name, cmdline="hb_ms=100 wss_mib=16",
                    devices=""):
        log = os.path.join(self.tmp, name + "-serial.log")
        usb = "<controller type='usb' model='none'/>"
        xml = harness.guest_xml(name, log, cmdline=cmdline, pad_kib=0)
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 xml.replace(usb, usb + devices))
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
        """virsh migrate --live; asserts the guest moved intact."""
        log = os.path.join(self.tmp, name + "-serial.log")
        guestlog.follow(log)
        start = time.time()
        res = virsh(src.uri, "migrate", "--live", *opts, name, dst.uri,
                    check=False, timeout=180)
        took = time.time() - start
        if res.returncode != 0:
            guestlog.unfollow(log)
            self.fail("virsh migrate %s -> %s failed: %s%s" % (
                src_name(src), src_name(dst), res.stderr.strip(),
                stock_qemu_log(name)))
        print("\nvirsh migrate --live %s%s -> %s: %.0f ms" % (
            " ".join(opts) + " " if opts else "", src_name(src),
            src_name(dst), took * 1000))
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        guestlog.unfollow(log)
        print(verdict.summary())
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.boots, 1, verdict.summary())
        return verdict


def completed_stats(host, name):
    """The completed job statistics of @name on @host (kept)."""
    import libvirt
    conn = libvirt.open(host.uri)
    try:
        return conn.lookupByName(name).jobStats(
            libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED |
            libvirt.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED)
    finally:
        conn.close()


def stock_qemu_log(name, lines=15):
    """The end of stock's log of @name's QEMU, for a failure message."""
    try:
        with open(STOCK.qemu_log(name), errors="replace") as f:
            tail = f.read().splitlines()[-lines:]
    except OSError:
        return ""
    return "\nstock's QEMU log of %s:\n%s" % (name, "\n".join(tail))


def src_name(host):
    return "stock" if host is STOCK else "virtmig"


class Interop2(Interop):
    def assert_stats_match(self, src, dst, name):
        """Issue 9: the destination's completed job is the record the
        source sent in its cookie (totals, iterations), and both sides
        show the downtime the destination measured, whichever side is
        stock."""
        import libvirt
        s = completed_stats(src, name)
        d = completed_stats(dst, name)
        print("completed on the source (%s): %s\non the destination (%s): %s"
              % (src_name(src), s, src_name(dst), d))
        self.assertEqual(s["operation"],
                         libvirt.VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT)
        self.assertEqual(d["operation"],
                         libvirt.VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN)
        for key in ("memory_total", "memory_processed", "memory_remaining",
                    "memory_constant", "memory_normal", "memory_iteration",
                    "downtime"):
            self.assertIn(key, d, key)
            self.assertEqual(s[key], d[key], key)
        self.assertGreater(d["memory_processed"], 0)


class ToStock(Interop2):
    def test_virtmig_to_stock(self):
        self.start_guest(VIRT, "tostock")
        self.migrate(VIRT, STOCK, "tostock")
        self.assertIsNotNone(STOCK.qemu_pid("tostock"))
        self.assert_stats_match(VIRT, STOCK, "tostock")
        self.assertIn("<name>tostock</name>",
                      virsh(STOCK.uri, "dumpxml", "tostock").stdout)

    def test_spice_relocation(self):
        """Graphics relocation toward stock: stock's Prepare cookie says
        where its SPICE display listens (<graphics>), and virtmig, the
        source, sends the guest's SPICE clients there before the switch."""
        start = len(VIRT.read_log())
        self.start_guest(VIRT, "spice",
                         devices="<graphics type='spice' autoport='yes'/>")
        self.migrate(VIRT, STOCK, "spice")
        live = virsh(STOCK.uri, "dumpxml", "spice").stdout
        m = re.search(r"<graphics type='spice' port='(\d+)'.* "
                      r"listen='([^']+)'", live)
        self.assertIsNotNone(m, live)
        self.assertIn("relocating the SPICE clients of spice to %s port %s"
                      % (m.group(2), m.group(1)), VIRT.read_log()[start:])

    def test_migrateuri_both_spellings(self):
        """--migrateuri tcp://ADDR (stock adds the port and answers
        tcp://ADDR:PORT), tcp://ADDR:PORT and tcp:ADDR:PORT (stock
        answers nothing: the source uses the client's URI)."""
        for i, uri in enumerate(("tcp://127.0.0.3",
                                 "tcp://127.0.0.3:%d" % harness.free_port(),
                                 "tcp:127.0.0.3:%d" % harness.free_port())):
            with self.subTest(uri=uri):
                name = "uri%d" % i
                self.start_guest(VIRT, name, cmdline="hb_ms=100 wss_mib=8")
                self.migrate(VIRT, STOCK, name, "--migrateuri", uri)


class FromStock(Interop2):
    def test_stock_to_virtmig(self):
        self.start_guest(STOCK, "fromstock")
        self.migrate(STOCK, VIRT, "fromstock")
        self.assertRegex(virsh(VIRT.uri, "dominfo", "fromstock").stdout,
                         r"State:\s+running")
        self.assert_stats_match(STOCK, VIRT, "fromstock")

    def test_migrateuri_both_spellings(self):
        """--migrateuri toward virtmig: tcp://ADDR (virtmig adds a port of
        its range and answers tcp://ADDR:PORT), tcp://ADDR:PORT and
        tcp:ADDR:PORT (virtmig listens there and answers nothing)."""
        for i, uri in enumerate(("tcp://127.0.0.4",
                                 "tcp://127.0.0.4:%d" % harness.free_port(),
                                 "tcp:127.0.0.4:%d" % harness.free_port())):
            with self.subTest(uri=uri):
                name = "vuri%d" % i
                self.start_guest(STOCK, name, cmdline="hb_ms=100 wss_mib=8")
                self.migrate(STOCK, VIRT, name, "--migrateuri", uri)

    def test_round_trip(self):
        """virtmig -> stock -> virtmig: the same boot all along."""
        self.start_guest(VIRT, "trip")
        self.migrate(VIRT, STOCK, "trip")
        verdict = self.migrate(STOCK, VIRT, "trip")
        self.assertEqual(self.state(VIRT, "trip"), "running (migrated)")
        self.assertEqual(verdict.boots, 1)

    def test_persistent_undefinesource(self):
        """stock -> virtmig -> stock with --persistent --undefinesource:
        one definition, on the host that runs the guest."""
        self.start_guest(STOCK, "persist")
        for src, dst in ((STOCK, VIRT), (VIRT, STOCK)):
            self.migrate(src, dst, "persist", "--persistent",
                         "--undefinesource")
            self.assertRegex(virsh(dst.uri, "dominfo", "persist").stdout,
                             r"Persistent:\s+yes")
            self.assertNotIn("persist", virsh(src.uri, "list", "--all",
                                              "--name").stdout.split())


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
