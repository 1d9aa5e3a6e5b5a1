"""Storage migration over NBD between two virtmigd hosts (issue 14), with
stock virsh and python-libvirt.  Each host sees its own image directory
under one path (a mount namespace per host, harness.Host image_view), as
two machines with local disks do: a qcow2 disk holding known data moves
with --copy-storage-all (the destination's copy is compared with the
source's, the guest keeps its boot id and heartbeat), only the disks of
--migrate-disks move, a migration that would leave a local disk behind is
refused as unsafe unless --unsafe, the same --disks-port serves one
migration after the other, and a destination QEMU killed in the middle of
the copy leaves the guest running on its own disk at the source and no
copy at the destination."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

MIB = 1024 * 1024


def qemu_img(*args):
    return subprocess.run(["qemu-img"] + list(args), check=True,
                          capture_output=True, text=True)


def in_view(host):
    """A command prefix that runs in @host's mount namespace (its image
    view), for images whose backing file is named by its view path."""
    return ["nsenter", "-t", str(host.pid()), "-m", "--"] if host else []


def write_pattern(path, pattern, offset, length, host=None):
    subprocess.run(in_view(host) + ["qemu-io", "-f", "qcow2", "-c",
                    "write -P 0x%02x %d %d" % (pattern, offset, length), path],
                   check=True, capture_output=True)


def has_pattern(path, pattern, offset, length, host=None):
    res = subprocess.run(in_view(host) + ["qemu-io", "-r", "-U", "-f", "qcow2", "-c",
                          "read -P 0x%02x %d %d" % (pattern, offset, length),
                          path], capture_output=True, text=True)
    return res.returncode == 0 and "verification failed" not in res.stdout


def disk_xml(view, name, target):
    return """    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='%s' bus='virtio'/>
    </disk>
""" % (os.path.join(view, "%s-%s.qcow2" % (name, target)), target)


class StorageHosts:
    """Two virtmigd hosts (NAMES, with CONF in their configuration), each
    with its own image directory under one view path, and the test guest
    on qcow2 disks of host A: what the storage migration tests share.
    A mixin, listed before unittest.TestCase."""
    NAMES = ("stoA", "stoB")
    CONF = {}

    @classmethod
    def setUpClass(cls):
        cls.view = tempfile.mkdtemp(prefix="virtmig-images-")
        cls.hosts = []
        for name in cls.NAMES:
            port = harness.free_port()
            conf = dict({"migration_host": "127.0.0.1"}, **cls.CONF)
            conf.update(migration_port_min=port,
                        migration_port_max=min(port + 9, 65535))
            cls.hosts.append(Host(name, conf=conf,
                                  image_view=cls.view).start())
        cls.a, cls.b = cls.hosts

    @classmethod
    def tearDownClass(cls):
        for h in cls.hosts:
            h.cleanup()
        shutil.rmtree(cls.view, ignore_errors=True)

    def image(self, host, name, target="vda"):
        """Path of @host's own image of disk @target of @name."""
        return os.path.join(host.images, "%s-%s.qcow2" % (name, target))

    def start_guest(self, name, targets=("vda",), size="16M", data_mib=4,
                    memory_mib=64, cmdline="hb_ms=100 wss_mib=4"):
        """Creates @name's images on host A (each with its own pattern in
        its first @data_mib MiB), defines and starts it there."""
        for i, target in enumerate(targets):
            path = self.image(self.a, name, target)
            qemu_img("create", "-q", "-f", "qcow2", path, size)
            write_pattern(path, 0x51 + i, 0, data_mib * MIB)
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.guest_xml(name, log, memory_mib=memory_mib,
                                cmdline=cmdline)
        xml = xml.replace("  <devices>\n", "  <devices>\n" + "".join(
            disk_xml(self.view, name, t) for t in targets))
        path = harness.write_file(os.path.join(self.a.root, name + ".xml"), xml)
        virsh(self.a.uri, "define", path)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        guestlog.follow(log)
        self.addCleanup(self.cleanup_guest, name, log)
        return log

    def cleanup_guest(self, name, log):
        guestlog.unfollow(log)
        for h in self.hosts:
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def state(self, host, name):
        res = virsh(host.uri, "domstate", "--reason", name, check=False)
        return res.stdout.strip() if res.returncode == 0 else None


class MigrateStorage(StorageHosts, unittest.TestCase):
    def migrate(self, src, dst, name, *opts, check=True):
        start = time.time()
        res = virsh(src.uri, "migrate", "--live", *opts, name, dst.uri,
                    check=check, timeout=60)
        return res, time.time() - start

    def assert_moved(self, log, src, dst, name):
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_copy_storage_all(self):
        name = "sto1"
        log = self.start_guest(name)
        src = self.image(self.a, name)
        dst = self.image(self.b, name)
        self.assertFalse(os.path.exists(dst))
        res, took = self.migrate(self.a, self.b, name, "--copy-storage-all",
                                 "--verbose")
        print("\nvirsh migrate --copy-storage-all: %.2f s" % took)
        self.assert_moved(log, self.a, self.b, name)
        self.assertTrue(os.path.exists(dst), "no image at the destination")
        info = qemu_img("info", "-U", "--output=human", dst).stdout
        self.assertIn("file format: qcow2", info)
        self.assertIn("virtual size: 16 MiB", info)
        self.assertTrue(has_pattern(dst, 0x51, 0, 4 * MIB))
        res = subprocess.run(["qemu-img", "compare", "-U", src, dst],
                             capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        done = virsh(self.a.uri, "domjobinfo", "--completed", name).stdout
        print(done)
        total = re.search(r"File total:\s+([\d.]+) MiB", done)
        self.assertIsNotNone(total, done)
        self.assertGreaterEqual(float(total.group(1)), 16)
        # and back, over the images the first migration left
        os.unlink(src)
        self.migrate(self.b, self.a, name, "--copy-storage-all")
        self.assert_moved(log, self.b, self.a, name)
        self.assertTrue(has_pattern(src, 0x51, 0, 4 * MIB))

    def test_destination_killed_after_copy(self):
        """The destination QEMU killed once the mirror is in sync, while
        the memory moves: the migration fails, the mirror goes, the guest
        runs on at the source with its disk, the copy is removed."""
        name = "sto8"
        log = self.start_guest(name, data_mib=1, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=32")
        proc = subprocess.Popen(
            ["virsh", "-c", self.a.uri, "migrate", "--live",
             "--copy-storage-all", "--bandwidth", "8", name, self.b.uri],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            def memory_moving():
                info = virsh(self.a.uri, "domjobinfo", name, check=False).stdout
                mem = re.search(r"Memory processed:\s+([\d.]+) MiB", info)
                done = re.search(r"File remaining:\s+0\.000 B", info)
                return info if mem and done and float(mem.group(1)) > 2 else None
            print("\n" + harness.wait_for(memory_moving, timeout=30, step=0.2,
                                          what="the memory phase"))
            for pid in harness.qemu_pids_under(self.b.root):
                os.kill(pid, signal.SIGKILL)
            out, err = proc.communicate(timeout=40)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        print("virsh migrate after the kill: %s" % err.strip())
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=10,
                         what="the destination to drop the domain")
        self.assertFalse(os.path.exists(self.image(self.b, name)))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertTrue(has_pattern(self.image(self.a, name), 0x51, 0, MIB))
        # the mirror's nodes are gone from the source QEMU: again
        self.migrate(self.a, self.b, name, "--copy-storage-all")
        self.assertEqual(self.state(self.b, name), "running (migrated)")

    def test_abort_during_copy(self):
        """domjobabort while the disk is being copied: the mirror goes, the
        guest runs on at the source, the destination's copy is removed,
        and the progress showed in domjobinfo meanwhile."""
        name = "sto7"
        log = self.start_guest(name, size="64M", data_mib=48)
        proc = subprocess.Popen(
            ["virsh", "-c", self.a.uri, "migrate", "--live",
             "--copy-storage-all", "--bandwidth", "4", name, self.b.uri],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            def copying():
                info = virsh(self.a.uri, "domjobinfo", name, check=False).stdout
                m = re.search(r"File processed:\s+([\d.]+) MiB", info)
                return info if m and float(m.group(1)) > 0 else None
            info = harness.wait_for(copying, timeout=20, step=0.2,
                                    what="the copy's progress")
            print("\n" + info)
            self.assertRegex(info, r"File total:\s+64\.000 MiB")
            virsh(self.a.uri, "domjobabort", name)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("canceled by client", err)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=10,
                         what="the destination to drop the domain")
        self.assertFalse(os.path.exists(self.image(self.b, name)))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_copy_storage_inc(self):
        """-inc: the top image moves, over a base image both hosts have
        (here each its own copy); the destination's new top names the same
        backing file."""
        name = "sto6"
        base = "%s-base.qcow2" % name
        for h in self.hosts:
            path = os.path.join(h.images, base)
            qemu_img("create", "-q", "-f", "qcow2", path, "16M")
            write_pattern(path, 0x33, 0, 8 * MIB)
        top = self.image(self.a, name)
        top_view = os.path.join(self.view, name + "-vda.qcow2")
        subprocess.run(in_view(self.a) + [
            "qemu-img", "create", "-q", "-f", "qcow2", "-b",
            os.path.join(self.view, base), "-F", "qcow2", top_view], check=True)
        write_pattern(top_view, 0x44, 0, 2 * MIB, self.a)
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.guest_xml(name, log, cmdline="hb_ms=100 wss_mib=4")
        xml = xml.replace("  <devices>\n", "  <devices>\n" +
                          disk_xml(self.view, name, "vda"))
        virsh(self.a.uri, "define",
              harness.write_file(os.path.join(self.a.root, name + ".xml"), xml))
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        guestlog.follow(log)
        self.addCleanup(self.cleanup_guest, name, log)
        self.migrate(self.a, self.b, name, "--copy-storage-inc")
        self.assert_moved(log, self.a, self.b, name)
        copy = self.image(self.b, name)
        info = qemu_img("info", "-U", copy).stdout
        self.assertIn("backing file: %s" % os.path.join(self.view, base), info)
        self.assertTrue(has_pattern(top_view, 0x44, 0, 2 * MIB, self.b))
        self.assertTrue(has_pattern(top_view, 0x33, 2 * MIB, 6 * MIB, self.b))
        # only the top moved: the copy holds about 2 MiB, not the base's 8
        size = int(re.search(r"disk size: ([\d.]+) MiB", info).group(1).split(".")[0])
        self.assertLess(size, 6, info)

    def test_unsafe(self):
        name = "sto2"
        self.start_guest(name)
        res, _ = self.migrate(self.a, self.b, name, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Unsafe migration: Migration without shared storage is unsafe",
                      res.stderr)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.assertIsNone(self.state(self.b, name))
        import libvirt
        conn = libvirt.open(self.a.uri)
        dconn = libvirt.open(self.b.uri)
        try:
            with self.assertRaises(libvirt.libvirtError) as cm:
                conn.lookupByName(name).migrate3(dconn, {},
                                                 libvirt.VIR_MIGRATE_LIVE)
            self.assertEqual(cm.exception.get_error_code(),
                             libvirt.VIR_ERR_MIGRATE_UNSAFE)
        finally:
            conn.close()
            dconn.close()
        # protocol v2 (no Begin) checks it in Perform, as libvirt
        v2 = Host("stoV2", conf={"migration_host": "127.0.0.1",
                                 "migration_protocols": "2"},
                  image_view=self.view).start()
        try:
            # its Prepare2 comes first and starts QEMU: give it a disk
            shutil.copy(self.image(self.a, name), self.image(v2, name))
            res, _ = self.migrate(self.a, v2, name, check=False)
            self.assertIn("Migration without shared storage is unsafe",
                          res.stderr)
            self.assertEqual(self.state(self.a, name), "running (booted)")
            harness.wait_for(lambda: self.state(v2, name) is None, timeout=10,
                             what="the v2 destination to drop the domain")
        finally:
            v2.cleanup()
        # --unsafe: the user says the destination has the disk (here a copy)
        shutil.copy(self.image(self.a, name), self.image(self.b, name))
        self.migrate(self.a, self.b, name, "--unsafe")
        self.assertEqual(self.state(self.b, name), "running (migrated)")

    def test_migrate_disks_subset(self):
        name = "sto3"
        log = self.start_guest(name, targets=("vda", "vdb"))
        other = self.image(self.b, name, "vdb")
        qemu_img("create", "-q", "-f", "qcow2", other, "16M")
        write_pattern(other, 0x77, 0, MIB)
        # vdb stays behind on local storage: unsafe without --unsafe
        res, _ = self.migrate(self.a, self.b, name, "--copy-storage-all",
                              "--migrate-disks", "vda", check=False)
        self.assertIn("Migration without shared storage is unsafe", res.stderr)
        res, _ = self.migrate(self.a, self.b, name, "--copy-storage-all",
                              "--migrate-disks", "nosuch", check=False)
        self.assertIn("disk target nosuch not found", res.stderr)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.migrate(self.a, self.b, name, "--copy-storage-all",
                     "--migrate-disks", "vda", "--unsafe")
        self.assert_moved(log, self.a, self.b, name)
        self.assertTrue(has_pattern(self.image(self.b, name, "vda"), 0x51, 0, 4 * MIB))
        self.assertTrue(has_pattern(other, 0x77, 0, MIB), "vdb was copied")
        self.assertTrue(has_pattern(self.image(self.a, name, "vdb"), 0x52, 0, 4 * MIB))

    def test_disks_port_twice(self):
        name = "sto4"
        log = self.start_guest(name, data_mib=1)
        port = harness.free_port()
        uri = "tcp://127.0.0.1:%d" % harness.free_port()
        for src, dst, opts in (
                (self.a, self.b, ["--disks-port", str(port)]),
                (self.b, self.a, ["--disks-port", str(port)]),
                (self.a, self.b, ["--disks-port", str(port),
                                  "--copy-storage-synchronous-writes"]),
                (self.b, self.a, ["--disks-uri", uri]),
                # the NBD server and QEMU listen where the client says, and
                # the source connects to the URI's host
                (self.a, self.b, ["--listen-address", "127.0.0.3",
                                  "--migrateuri", "tcp://127.0.0.3"])):
            if os.path.exists(self.image(dst, name)):
                os.unlink(self.image(dst, name))
            self.migrate(src, dst, name, "--copy-storage-all", *opts)
            self.assert_moved(log, src, dst, name)
            self.assertTrue(has_pattern(self.image(dst, name), 0x51, 0, MIB))
        res, _ = self.migrate(self.b, self.a, name, "--copy-storage-all",
                              "--disks-port", str(port), "--disks-uri", uri,
                              check=False)
        self.assertIn("Both port and URI requested for disk migration", res.stderr)
        self.assertEqual(self.state(self.b, name), "running (migrated)")

    def test_destination_killed_during_copy(self):
        name = "sto5"
        log = self.start_guest(name, size="64M", data_mib=48)
        src = self.image(self.a, name)
        before = qemu_img("info", "-U", "--output=json", src).stdout
        proc = subprocess.Popen(
            ["virsh", "-c", self.a.uri, "migrate", "--live",
             "--copy-storage-all", "--bandwidth", "4", name, self.b.uri],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            pids = harness.wait_for(lambda: harness.qemu_pids_under(self.b.root),
                                    timeout=20, what="the destination QEMU")
            harness.wait_for(lambda: os.path.exists(self.image(self.b, name)),
                             timeout=10, what="the destination's image")
            time.sleep(1.5)     # well into the copy (48 MiB at 4 MiB/s)
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            out, err = proc.communicate(timeout=40)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        print("\nvirsh migrate after the kill: %s" % err.strip())
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=10,
                         what="the destination to drop the domain")
        self.assertFalse(os.path.exists(self.image(self.b, name)),
                         "the destination's copy was not removed")
        blk = virsh(self.a.uri, "domblklist", name).stdout
        self.assertIn(os.path.join(self.view, name + "-vda.qcow2"), blk)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertTrue(has_pattern(src, 0x51, 0, 48 * MIB))
        self.assertEqual(before, qemu_img("info", "-U", "--output=json", src).stdout)
        # nothing of the failed copy is left in the source QEMU: again
        self.migrate(self.a, self.b, name, "--copy-storage-all")
        self.assertEqual(self.state(self.b, name), "running (migrated)")
        self.assertTrue(has_pattern(self.image(self.b, name), 0x51, 0, 48 * MIB))


def require_image_views():
    """Skips (exit 77) unless virsh, python-libvirt, the test guest and
    what per-host image views need are there."""
    harness.require("virsh")
    harness.require("libvirt")
    harness.require_guest()
    if not shutil.which("unshare") or not shutil.which("qemu-io") or os.geteuid() != 0:
        print("SKIP: needs root, unshare and qemu-io for per-host image views")
        raise SystemExit(77)


if __name__ == "__main__":
    require_image_views()
    harness.main()
