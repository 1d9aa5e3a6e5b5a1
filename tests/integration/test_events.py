"""Domain events beyond lifecycle reach python-libvirt's callbacks.

Two virtmigd hosts; python-libvirt registers callbacks the way virsh
event --all and OpenStack do (virConnectDomainEventRegisterAny, callback
flavour) and receives, with the test guest:

- MIGRATION_ITERATION on the source, one per pass, increasing;
- JOB_COMPLETED on the source when the migration ends, with the completed
  job's statistics (what domjobinfo --completed shows);
- REBOOT when the guest is reset;

and stock ``virsh migrate --postcopy --postcopy-after-precopy`` (which
waits for the first MIGRATION_ITERATION before it switches) goes post-copy
and finishes, the guest intact.
"""

import os
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

import libvirt

_loop_started = False


def start_event_loop():
    global _loop_started
    if _loop_started:
        return
    libvirt.virEventRegisterDefaultImpl()

    def run():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=run, daemon=True, name="libvirt-events").start()
    _loop_started = True


class Events(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_event_loop()
        ports = harness.free_port()
        conf = {"migration_host": "127.0.0.1"}
        cls.a = Host("evA", conf=dict(conf, migration_port_min=ports,
                                      migration_port_max=ports + 4)).start()
        cls.b = Host("evB", conf=dict(conf, migration_port_min=ports + 5,
                                      migration_port_max=ports + 9)).start()
        cls.conn_a = libvirt.open(cls.a.uri)
        cls.conn_b = libvirt.open(cls.b.uri)

    @classmethod
    def tearDownClass(cls):
        for c in (cls.conn_a, cls.conn_b):
            c.close()
        cls.a.cleanup()
        cls.b.cleanup()

    def setUp(self):
        self.events = []
        self.lock = threading.Lock()
        self.ids = []

    def tearDown(self):
        for conn, cid in self.ids:
            conn.domainEventDeregisterAny(cid)

    def record(self, kind):
        def cb(conn, dom, *args):
            with self.lock:
                self.events.append((kind, dom.name(), args[:-1]))
        return cb

    def register(self, conn, event_id, kind):
        self.ids.append((conn, conn.domainEventRegisterAny(
            None, event_id, self.record(kind), None)))

    def seen(self, kind):
        with self.lock:
            return [e for e in self.events if e[0] == kind]

    def start_guest(self, name, **kw):
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log, **kw))
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=10)
        self.addCleanup(self.cleanup_guest, name)
        return log

    def cleanup_guest(self, name):
        for h in (self.a, self.b):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def test_iteration_and_job_completed(self):
        self.register(self.conn_a, libvirt.VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
                      "iteration")
        self.register(self.conn_a, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                      "completed")
        log = self.start_guest("ev1", memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=32")
        virsh(self.a.uri, "migrate", "--live", "ev1", self.b.uri, timeout=120)
        completed = harness.wait_for(lambda: self.seen("completed"), timeout=10,
                                     what="JOB_COMPLETED")
        iterations = [e[2][0] for e in self.seen("iteration")]
        self.assertTrue(iterations, "no MIGRATION_ITERATION event")
        self.assertEqual(iterations, sorted(iterations))
        self.assertEqual(iterations[0], 1, iterations)
        self.assertEqual(len(completed), 1, completed)
        name, params = completed[0][1], completed[0][2][0]
        self.assertEqual(name, "ev1")
        for key in ("time_elapsed", "downtime", "memory_total",
                    "memory_processed", "memory_iteration"):
            self.assertIn(key, params)
        self.assertGreater(params["memory_total"], 100 * 1024 * 1024)
        self.assertEqual(params["memory_iteration"], iterations[-1])
        # the event carries what domjobinfo --completed shows
        stats = self.conn_a.lookupByName("ev1").jobStats(
            libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["time_elapsed"], params["time_elapsed"])
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_reboot(self):
        self.register(self.conn_a, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, "reboot")
        self.start_guest("ev2")
        self.conn_a.lookupByName("ev2").reset()
        events = harness.wait_for(lambda: self.seen("reboot"), timeout=10,
                                  what="REBOOT")
        self.assertEqual([e[1] for e in events], ["ev2"])

    def test_postcopy_after_precopy(self):
        """virsh waits for the end of the first pass (an iteration event),
        then switches; the bandwidth keeps pre-copy from converging first
        (the guest rewrites 64 MiB as fast as TCG goes, far above 30 MiB/s)."""
        self.register(self.conn_a, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                      "lifecycle")
        log = self.start_guest("ev3", memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64")
        guestlog.follow(log)
        self.addCleanup(guestlog.unfollow, log)
        start = time.time()
        virsh(self.a.uri, "migrate", "--live", "--postcopy",
              "--postcopy-after-precopy", "--bandwidth", "30", "ev3",
              self.b.uri, timeout=120)
        took = time.time() - start
        suspended = [e[2] for e in self.seen("lifecycle")
                     if e[2][0] == libvirt.VIR_DOMAIN_EVENT_SUSPENDED]
        self.assertIn((libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                       libvirt.VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY), suspended,
                      "the source never went post-copy (%.1f s)" % took)
        res = virsh(self.b.uri, "domstate", "--reason", "ev3")
        self.assertEqual(res.stdout.strip(), "running (migrated)")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=10)
        verdict = guestlog.check_continuity(log, max_gap_s=5.0)
        self.assertTrue(verdict.ok, verdict.summary())


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    harness.require_guest()
    harness.main()
