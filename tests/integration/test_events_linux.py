"""Disk and agent events of a running guest, with the real Linux test guest
(tests/linuxguest/README.rst), whose vmagent keeps rewriting its qcow2
disk, watched by stock virsh and python-libvirt:

- BLOCK_THRESHOLD: ``virsh domblkthreshold GUEST vda N`` on a fresh
  image; the guest's writes go past N bytes of the image file, and
  ``virsh event --event block-threshold`` prints "dev: vda(PATH) N
  EXCESS", python-libvirt's callback gets the same; the threshold is
  spent (QEMU forgets it), so it fires once;
- IO_ERROR / IO_ERROR_REASON: the guest's disk sits on a 512 KiB tmpfs
  (mounted in the daemon's own mount namespace, harness.Host
  image_view, so nothing outside the test sees it); the guest fills it,
  QEMU stops the guest (its default for a full host disk), and the
  clients get io-error "pause", io-error-reason "pause due to enospc"
  and the lifecycle event Suspended I/O Error; domstate says "paused
  (I/O error)"; ``virsh migrate --abort-on-error`` of that guest fails
  with libvirt's "job 'migration out' failed due to I/O error" and
  leaves it paused at the source, nothing at the destination (without
  the option, it moves, paused);
- AGENT_LIFECYCLE: with an ``org.qemu.guest_agent.0`` channel, the
  guest's init opens the port at boot, and the clients get
  agent-lifecycle "connected" (reason "channel event").
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
from eventlib import VirshEvents, index_of, start_event_loop
from harness import Host, virsh

import libvirt

sys.path.insert(0, os.path.join(harness.SRCDIR, "tests", "linuxguest"))
import linuxlog  # noqa: E402
import mkguest  # noqa: E402
import test_linux_guest as lg  # noqa: E402

BOOT_TIMEOUT = 90


class LinuxEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.images = mkguest.ensure(lg.GUEST_DIR, lg.AGENT)
        cls.view = tempfile.mkdtemp(prefix="virtmig-images-")
        conf = {"migration_host": "127.0.0.1"}
        port = harness.free_port()
        cls.a = Host("lxev", image_view=cls.view, conf=dict(
            conf, migration_port_min=port, migration_port_max=port + 4)).start()
        cls.b = Host("lxevB", image_view=cls.view, conf=dict(
            conf, migration_port_min=port + 5,
            migration_port_max=port + 9)).start()
        cls.conn = libvirt.open(cls.a.uri)

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        cls.a.cleanup()
        cls.b.cleanup()
        shutil.rmtree(cls.view, ignore_errors=True)

    def setUp(self):
        self.events = []
        self.lock = threading.Lock()

    def register(self, event_id, kind):
        def cb(conn, dom, *args):
            with self.lock:
                self.events.append((kind, dom.name(), args[:-1]))
        cid = self.conn.domainEventRegisterAny(None, event_id, cb, None)
        self.addCleanup(self.conn.domainEventDeregisterAny, cid)

    def seen(self, kind):
        with self.lock:
            return [e[2] for e in self.events if e[0] == kind]

    def in_ns(self, *cmd):
        """Runs @cmd in the daemon's mount namespace (its image view)."""
        return subprocess.run(["nsenter", "-t", str(self.a.pid()), "-m",
                               "--"] + list(cmd), check=True,
                              capture_output=True, text=True)

    def boot(self, name, disk):
        """Defines and starts the Linux guest with qcow2 @disk (a path
        the daemon sees); returns its serial log once it beats."""
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 lg.linux_xml(name, self.images, disk, log))
        virsh(self.a.uri, "define", xml)
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "start", name)
        try:
            linuxlog.wait_for_lines(log, 1, timeout=BOOT_TIMEOUT)
        except TimeoutError:
            self.fail("no heartbeat from %s" % name)
        return log

    def cleanup_guest(self, name):
        for h in (self.a, self.b):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def test_block_threshold(self):
        name = "lxthr"
        disk = os.path.join(self.view, name + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                        os.path.join(self.a.images, name + ".qcow2"), "8M"],
                       check=True)
        self.register(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD, "thr")
        watch = VirshEvents(self.a.uri, "--event", "block-threshold")
        try:
            time.sleep(1)
            # the guest's writes to its ring of 256 blocks reach beyond
            # 768 KiB of the image within a few heartbeats of the boot
            threshold = 768 * 1024
            self.boot(name, disk)
            virsh(self.a.uri, "domblkthreshold", name, "vda", str(threshold))
            got = harness.wait_for(lambda: self.seen("thr"), timeout=60,
                                   what="BLOCK_THRESHOLD")
            harness.wait_for(lambda: watch.events(name), timeout=5,
                             what="virsh event block-threshold")
            time.sleep(3)           # it fires once: QEMU forgets it
        finally:
            watch.stop()
        lines = watch.events(name)
        print("\n".join(lines))
        self.assertEqual(len(got), 1, got)
        dev, path, thr, excess = got[0]
        self.assertEqual((dev, path, thr), ("vda", disk, threshold))
        self.assertGreater(excess, 0)
        self.assertEqual(lines, ["event 'block-threshold' for domain '%s': "
                                 "dev: vda(%s) %d %d" % (name, disk, threshold,
                                                         excess)])

    def test_agent_lifecycle(self):
        """The guest opens the agent's virtio-serial port at boot
        (tests/linuxguest/init.sh): AGENT_LIFECYCLE connected, reason
        channel, and the channel's state in the live XML."""
        name = "lxagent"
        image = os.path.join(self.a.images, name + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image,
                        "8M"], check=True)
        self.register(libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, "agent")
        watch = VirshEvents(self.a.uri, "--event", "agent-lifecycle")
        try:
            time.sleep(1)
            log = os.path.join(self.a.root, name + "-serial.log")
            xml = lg.linux_xml(name, self.images,
                               os.path.join(self.view, name + ".qcow2"), log)
            xml = xml.replace("    <serial type='file'>", """    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <serial type='file'>""")
            path = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                      xml)
            virsh(self.a.uri, "define", path)
            self.addCleanup(self.cleanup_guest, name)
            virsh(self.a.uri, "start", name)
            got = harness.wait_for(lambda: self.seen("agent"),
                                   timeout=BOOT_TIMEOUT, what="AGENT_LIFECYCLE")
            harness.wait_for(lambda: watch.events(name), timeout=5,
                             what="virsh event agent-lifecycle")
        finally:
            watch.stop()
        print("\n".join(watch.events(name)))
        self.assertEqual(got[0], (
            libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED,
            libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL))
        self.assertEqual(watch.events(name)[0],
                         "event 'agent-lifecycle' for domain '%s': state: "
                         "'connected' reason: 'channel event'" % name)
        self.assertIn("name='org.qemu.guest_agent.0' state='connected'",
                      virsh(self.a.uri, "dumpxml", name).stdout)

    def test_io_error_full_disk(self):
        name = "lxfull"
        small = os.path.join(self.view, "small")
        os.makedirs(os.path.join(self.a.images, "small"), exist_ok=True)
        self.in_ns("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small)
        disk = os.path.join(small, name + ".qcow2")
        self.in_ns("qemu-img", "create", "-q", "-f", "qcow2", disk, "8M")
        for event_id, kind in (
                (libvirt.VIR_DOMAIN_EVENT_ID_IO_ERROR, "io"),
                (libvirt.VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, "reason"),
                (libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, "life")):
            self.register(event_id, kind)
        watch = VirshEvents(self.a.uri)
        try:
            time.sleep(1)
            log = os.path.join(self.a.root, name + "-serial.log")
            xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                     lg.linux_xml(name, self.images, disk, log))
            virsh(self.a.uri, "define", xml)
            self.addCleanup(self.cleanup_guest, name)
            virsh(self.a.uri, "start", name)
            harness.wait_for(lambda: self.seen("reason"), timeout=BOOT_TIMEOUT,
                             what="IO_ERROR_REASON")
            harness.wait_for(lambda: index_of(watch.events(name),
                                              "I/O Error") >= 0,
                             timeout=10, what="virsh: Suspended I/O Error")
        finally:
            watch.stop()
        lines = watch.events(name)
        print("\n".join(lines))
        pause = libvirt.VIR_DOMAIN_EVENT_IO_ERROR_PAUSE
        self.assertEqual(self.seen("io")[0], (disk, "virtio-disk0", pause))
        self.assertEqual(self.seen("reason")[0], (disk, "virtio-disk0", pause,
                                                  "enospc"))
        self.assertIn((libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                       libvirt.VIR_DOMAIN_EVENT_SUSPENDED_IOERROR),
                      self.seen("life"))
        io = index_of(lines, "'io-error'", "%s (virtio-disk0) pause" % disk)
        reason = index_of(lines, "'io-error-reason'",
                          "%s (virtio-disk0) pause due to enospc" % disk)
        suspended = index_of(lines, "'lifecycle'", "Suspended I/O Error")
        self.assertTrue(0 <= io and 0 <= reason < suspended, lines)
        self.assertEqual(virsh(self.a.uri, "domstate", "--reason",
                               name).stdout.strip(), "paused (I/O error)")
        # --abort-on-error: a guest paused by an I/O error does not move
        # (B has an image of its own at that path, so Prepare succeeds)
        os.makedirs(os.path.join(self.b.images, "small"), exist_ok=True)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                        os.path.join(self.b.images, "small", name + ".qcow2"),
                        "8M"], check=True)
        res = virsh(self.a.uri, "migrate", "--live", "--abort-on-error",
                    "--unsafe", name, self.b.uri, check=False, timeout=120)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("operation failed: job 'migration out' failed due to "
                      "I/O error", res.stderr)
        self.assertEqual(virsh(self.a.uri, "domstate", "--reason",
                               name).stdout.strip(), "paused (I/O error)")
        self.assertNotIn(name, virsh(self.b.uri, "list", "--all",
                                     "--name").stdout.split())
        # without it, the paused guest moves, paused (as libvirt)
        virsh(self.a.uri, "migrate", "--live", "--unsafe", name, self.b.uri,
              timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", name).stdout.strip(),
                         "paused")


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    if not os.path.exists(lg.AGENT):
        print("FAIL: %s was not built" % lg.AGENT)
        sys.exit(1)
    harness.main()
