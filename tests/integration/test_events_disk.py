"""Disk events of a storage migration, as stock clients see them.

Two virtmigd hosts, each with its own image directory under one path
(harness.Host image_view).  The test guest with a qcow2 disk moves with
``virsh migrate --live --copy-storage-all`` while, on the source:

- stock ``virsh event --all --loop`` prints the migration's events in
  the order they happened: the disk mirror ready (block-job and
  block-job-2, "Block Copy"), the guest suspended for the switch-over,
  the mirror completed, the guest stopped (migrated), job-completed;
  with --persistent --undefinesource the source's definition goes after
  the job, without an event, as stock libvirtd 9.0 (observed: stopped,
  job-completed, no undefined); and on the destination: started
  (migrated), then resumed (migrated);
- python-libvirt's BLOCK_JOB and BLOCK_JOB_2 callbacks get the same
  (disk path and target, VIR_DOMAIN_BLOCK_JOB_TYPE_COPY, READY then
  COMPLETED), each client its own copy;
- ``virsh domblkthreshold`` is refused with libvirt's errors for an
  unknown disk and for a domain that does not run.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from eventlib import VirshEvents, index_of, start_event_loop
from harness import Host, virsh

import libvirt

class DiskEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.view = tempfile.mkdtemp(prefix="virtmig-images-")
        cls.hosts = []
        for name in ("dkA", "dkB"):
            port = harness.free_port()
            conf = {"migration_host": "127.0.0.1",
                    "migration_port_min": port,
                    "migration_port_max": min(port + 9, 65535)}
            cls.hosts.append(Host(name, conf=conf,
                                  image_view=cls.view).start())
        cls.a, cls.b = cls.hosts
        cls.conn_a = libvirt.open(cls.a.uri)

    @classmethod
    def tearDownClass(cls):
        cls.conn_a.close()
        for h in cls.hosts:
            h.cleanup()
        shutil.rmtree(cls.view, ignore_errors=True)

    def setUp(self):
        self.events = []
        self.lock = threading.Lock()

    def register(self, event_id, kind, conn=None):
        def cb(conn, dom, *args):
            with self.lock:
                self.events.append((kind, dom.name(), args[:-1]))
        conn = conn or self.conn_a
        cid = conn.domainEventRegisterAny(None, event_id, cb, None)
        self.addCleanup(conn.domainEventDeregisterAny, cid)

    def seen(self, kind):
        with self.lock:
            return [e[2] for e in self.events if e[0] == kind]

    def start_guest(self, name):
        image = os.path.join(self.a.images, name + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image,
                        "16M"], check=True)
        subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 4M",
                        image], check=True, capture_output=True)
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.guest_xml(name, log).replace("  <devices>\n", """  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
""" % os.path.join(self.view, name + ".qcow2"))
        path = harness.write_file(os.path.join(self.a.root, name + ".xml"), xml)
        virsh(self.a.uri, "define", path)
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=10)
        return log

    def cleanup_guest(self, name):
        for h in self.hosts:
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def test_storage_migration_events(self):
        name = "dkev1"
        path = os.path.join(self.view, name + ".qcow2")
        log = self.start_guest(name)
        self.register(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB, "job")
        self.register(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, "job2")
        # a second client (libvirt merges one client's registrations)
        conn2 = libvirt.open(self.a.uri)
        self.addCleanup(conn2.close)
        self.register(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, "job2b", conn2)
        src = VirshEvents(self.a.uri)
        dst = VirshEvents(self.b.uri)
        try:
            time.sleep(1)           # both registered before anything moves
            virsh(self.a.uri, "migrate", "--live", "--copy-storage-all",
                  "--persistent", "--undefinesource", name, self.b.uri,
                  timeout=120)
            harness.wait_for(lambda: index_of(src.events(name),
                                              "job-completed") >= 0,
                             timeout=10, what="job-completed from virsh")
            harness.wait_for(lambda: index_of(dst.events(name), "Resumed")
                             >= 0, timeout=10, what="resumed on B")
            time.sleep(1)   # an event after job-completed would be here
        finally:
            src.stop()
            dst.stop()
        lines = src.events(name)
        print("\n".join(["source:"] + lines + ["destination:"] +
                        dst.events(name)))
        order = [
            index_of(lines, "'block-job'", "Block Copy for %s ready" % path),
            index_of(lines, "'block-job-2'", "Block Copy for vda ready"),
            index_of(lines, "'lifecycle'", "Suspended Migrated"),
            index_of(lines, "'block-job-2'", "Block Copy for vda completed"),
            index_of(lines, "'lifecycle'", "Stopped Migrated"),
            index_of(lines, "'job-completed'"),
        ]
        self.assertNotIn(-1, order, lines)
        self.assertEqual(order, sorted(order), lines)
        self.assertEqual(index_of(lines, "failed"), -1, lines)
        self.assertEqual(index_of(lines, "Undefined"), -1, lines)
        d = dst.events(name)
        started = index_of(d, "'lifecycle'", "Started Migrated")
        resumed = index_of(d, "'lifecycle'", "Resumed Migrated")
        self.assertTrue(0 <= started < resumed, d)
        # python-libvirt: each registration gets each event
        copy = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COPY
        ready = libvirt.VIR_DOMAIN_BLOCK_JOB_READY
        done = libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED
        harness.wait_for(lambda: len(self.seen("job2b")) >= 2, timeout=5,
                         what="BLOCK_JOB_2 events")
        self.assertEqual(self.seen("job"), [(path, copy, ready),
                                            (path, copy, done)])
        self.assertEqual(self.seen("job2"), [("vda", copy, ready),
                                             ("vda", copy, done)])
        self.assertEqual(self.seen("job2b"), self.seen("job2"))
        self.assertEqual(virsh(self.b.uri, "domstate", name).stdout.strip(),
                         "running")
        self.assertRegex(virsh(self.b.uri, "dominfo", name).stdout,
                         r"Persistent:\s+yes")
        self.assertNotEqual(virsh(self.a.uri, "dominfo", name,
                                  check=False).returncode, 0)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_block_threshold_refused(self):
        name = "dkev2"
        self.start_guest(name)
        res = virsh(self.a.uri, "domblkthreshold", name, "vdz", "1M",
                    check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("failed to find disk 'vdz'", res.stderr)
        # the real one is accepted, then cleared
        virsh(self.a.uri, "domblkthreshold", name, "vda", "12M")
        virsh(self.a.uri, "domblkthreshold", name, "vda", "0")
        virsh(self.a.uri, "destroy", name)
        res = virsh(self.a.uri, "domblkthreshold", name, "vda", "1M",
                    check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("domain is not running", res.stderr)


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    harness.require_guest()
    harness.main()
