"""Domain lifecycle through python-libvirt, daemon restarts, QEMU crashes
and leak checks, on real QEMU with the test guest."""

import os
import signal
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host


class LifecyclePython(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import libvirt
        cls.libvirt = libvirt
        libvirt.virEventRegisterDefaultImpl()
        cls.stop_loop = False

        def loop():
            while not cls.stop_loop:
                libvirt.virEventRunDefaultImpl()
        cls.loop = threading.Thread(target=loop, daemon=True)
        cls.loop.start()
        cls.host = Host("hostPy").start()

    @classmethod
    def tearDownClass(cls):
        cls.stop_loop = True
        cls.host.cleanup()

    def conn(self):
        c = self.libvirt.open(self.host.uri)
        self.addCleanup(c.close)
        return c

    def guest(self, conn, name, **kw):
        log = os.path.join(self.host.root, name + "-serial.log")
        dom = conn.defineXML(harness.guest_xml(name, log, **kw))
        return dom, log

    def test_api_cycle_and_errors(self):
        c = self.conn()
        dom, log = self.guest(c, "py1")
        self.assertEqual(dom.info()[0], self.libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(dom.ID(), -1)
        dom.create()
        self.assertGreater(dom.ID(), 0)
        guestlog.wait_for_lines(log, 1, timeout=2)
        state, reason = dom.state()
        self.assertEqual((state, reason), (self.libvirt.VIR_DOMAIN_RUNNING,
                                           self.libvirt.VIR_DOMAIN_RUNNING_BOOTED))
        info = dom.info()
        self.assertEqual(info[1], harness.GUEST_KIB)
        self.assertEqual(info[3], 1)
        with self.assertRaises(self.libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(),
                         self.libvirt.VIR_ERR_OPERATION_INVALID)
        with self.assertRaises(self.libvirt.libvirtError) as cm:
            c.lookupByName("missing")
        self.assertEqual(cm.exception.get_error_code(), self.libvirt.VIR_ERR_NO_DOMAIN)
        dom.suspend()
        self.assertEqual(dom.state()[0], self.libvirt.VIR_DOMAIN_PAUSED)
        dom.resume()
        self.assertIn("<name>py1</name>", dom.XMLDesc(self.libvirt.VIR_DOMAIN_XML_MIGRATABLE))
        dom.destroy()
        self.assertEqual(dom.state(), [self.libvirt.VIR_DOMAIN_SHUTOFF,
                                       self.libvirt.VIR_DOMAIN_SHUTOFF_DESTROYED])
        dom.undefine()
        with self.assertRaises(self.libvirt.libvirtError) as cm:
            dom.info()
        self.assertEqual(cm.exception.get_error_code(), self.libvirt.VIR_ERR_NO_DOMAIN)

    def test_transient(self):
        c = self.conn()
        log = os.path.join(self.host.root, "tr-serial.log")
        dom = c.createXML(harness.guest_xml("tr", log), 0)
        self.assertEqual(dom.isPersistent(), 0)
        guestlog.wait_for_lines(log, 1, timeout=2)
        dom.destroy()
        with self.assertRaises(self.libvirt.libvirtError):
            c.lookupByName("tr")

    def test_kill_qemu_crashes_domain(self):
        c = self.conn()
        events = []
        c.domainEventRegisterAny(None, self.libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                 lambda conn, dom, ev, det, opaque:
                                 events.append((dom.name(), ev, det)), None)
        dom, log = self.guest(c, "crash")
        dom.create()
        guestlog.wait_for_lines(log, 1, timeout=2)
        pids = harness.qemu_pids_under(os.path.join(self.host.root, "run"))
        self.assertEqual(len(pids), 1)
        os.kill(pids[0], signal.SIGKILL)
        harness.wait_for(lambda: dom.state()[0] == self.libvirt.VIR_DOMAIN_SHUTOFF,
                         timeout=5, what="domain shut off")
        self.assertEqual(dom.state()[1], self.libvirt.VIR_DOMAIN_SHUTOFF_CRASHED)
        # libvirt's pairing: state SHUTOFF/CRASHED, event STOPPED/FAILED
        harness.wait_for(lambda: ("crash", self.libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                  self.libvirt.VIR_DOMAIN_EVENT_STOPPED_FAILED) in events,
                         timeout=5, what="STOPPED/FAILED event")
        dom.undefine()

    def test_daemon_kill9_and_restart(self):
        c = self.libvirt.open(self.host.uri)
        doms = []
        for i in range(3):
            dom, log = self.guest(c, "keep%d" % i)
            dom.create()
            doms.append(("keep%d" % i, log))
        for _, log in doms:
            guestlog.wait_for_lines(log, 1, timeout=3)
        c.close()
        self.host.stop(signal.SIGKILL)
        self.host.start()
        c = self.conn()
        for name, log in doms:
            dom = c.lookupByName(name)
            self.assertEqual(dom.state()[0], self.libvirt.VIR_DOMAIN_RUNNING, name)
            n = len(guestlog.parse_log(log))
            guestlog.wait_for_lines(log, n + 2, timeout=3)
            dom.destroy()
            self.assertEqual(dom.state()[0], self.libvirt.VIR_DOMAIN_SHUTOFF)
            verdict = guestlog.check_continuity(log)
            self.assertTrue(verdict.ok, verdict.summary())
            dom.undefine()
        self.assertEqual(harness.qemu_pids_under(os.path.join(self.host.root, "run")), [])

    def test_cycles_do_not_leak(self):
        c = self.conn()
        log = os.path.join(self.host.root, "leak-serial.log")

        def cycle():
            dom = c.defineXML(harness.guest_xml("leak", log))
            dom.create()
            dom.destroy()
            dom.undefine()
        for _ in range(5):
            cycle()
        time.sleep(0.3)
        fd0, rss0 = self.host.fd_count(), self.host.rss_kib()
        thr0 = len(os.listdir("/proc/%d/task" % self.host.pid()))
        start = time.time()
        for _ in range(50):
            cycle()
        took = time.time() - start
        time.sleep(0.3)
        fd1, rss1 = self.host.fd_count(), self.host.rss_kib()
        thr1 = len(os.listdir("/proc/%d/task" % self.host.pid()))
        print("\n50 define/start/destroy/undefine cycles in %.1f s: fds %d -> %d, "
              "threads %d -> %d, RSS %d KiB -> %d KiB" % (took, fd0, fd1, thr0, thr1,
                                                          rss0, rss1))
        self.assertEqual(fd1, fd0)
        self.assertEqual(thr1, thr0)
        harness.check_rss_growth(self, rss1 - rss0, 4096)
        self.assertEqual(harness.qemu_pids_under(os.path.join(self.host.root, "run")), [])


if __name__ == "__main__":
    harness.require("libvirt")
    harness.require_guest()
    harness.main()
