"""python-libvirt against virtmigd: many connections, no leaks."""

import threading
import time
import unittest

import harness
from harness import Host


class PythonClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import libvirt
        cls.libvirt = libvirt
        cls.host = Host("hostP").start()

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()

    def settle(self):
        """Wait until the daemon has torn down closed clients."""
        time.sleep(0.3)

    def test_api_basics(self):
        conn = self.libvirt.open(self.host.uri)
        try:
            self.assertEqual(conn.getType(), "QEMU")
            self.assertEqual(conn.getLibVersion(), 9000000)
            self.assertGreater(conn.getVersion(), 7000000)
            self.assertEqual(conn.getHostname(), "hostP")
            self.assertEqual(conn.listAllDomains(), [])
            self.assertEqual(conn.numOfDomains(), 0)
            self.assertEqual(conn.listDefinedDomains(), [])
            self.assertEqual(conn.isAlive(), 1)
            self.assertEqual(conn.isSecure(), 1)
            info = conn.getInfo()
            self.assertEqual(info[0], "x86_64")
            with self.assertRaises(self.libvirt.libvirtError) as cm:
                conn.lookupByName("nosuch")
            self.assertEqual(cm.exception.get_error_code(),
                             self.libvirt.VIR_ERR_NO_DOMAIN)
        finally:
            conn.close()

    def test_unsupported_call_is_no_support(self):
        conn = self.libvirt.open(self.host.uri)
        try:
            with self.assertRaises(self.libvirt.libvirtError) as cm:
                conn.listAllNetworks()
            self.assertEqual(cm.exception.get_error_code(),
                             self.libvirt.VIR_ERR_NO_SUPPORT)
        finally:
            conn.close()

    def test_open_close_cycles_flat(self):
        # warm up allocator and caches
        for _ in range(50):
            self.libvirt.open(self.host.uri).close()
        self.settle()
        fd0, rss0 = self.host.fd_count(), self.host.rss_kib()
        for _ in range(1000):
            c = self.libvirt.open(self.host.uri)
            c.getVersion()
            c.close()
        self.settle()
        fd1, rss1 = self.host.fd_count(), self.host.rss_kib()
        print("\n1000 open/close cycles: fds %d -> %d, RSS %d KiB -> %d KiB"
              % (fd0, fd1, rss0, rss1))
        self.assertEqual(fd1, fd0)
        harness.check_rss_growth(self, rss1 - rss0, 2048)

    def test_100_simultaneous(self):
        fd0 = rss0 = None
        for rnd in range(4):
            if rnd == 1:
                # round 0 warmed up the allocator's per-thread arenas
                self.settle()
                fd0, rss0 = self.host.fd_count(), self.host.rss_kib()
            conns = [None] * 100
            errors = []

            def worker(i):
                try:
                    conns[i] = self.libvirt.open(self.host.uri)
                    conns[i].getHostname()
                except Exception as e:  # noqa: BLE001
                    errors.append(e)

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            during = self.host.fd_count()
            self.assertGreaterEqual(during, 100)
            for c in conns:
                c.close()
        self.settle()
        fd1, rss1 = self.host.fd_count(), self.host.rss_kib()
        print("\n3 x 100 simultaneous connections: fds %d -> %d (peak %d), "
              "RSS %d KiB -> %d KiB" % (fd0, fd1, during, rss0, rss1))
        self.assertEqual(fd1, fd0)
        harness.check_rss_growth(self, rss1 - rss0, 2048)


if __name__ == "__main__":
    harness.require("libvirt")
    harness.main()
