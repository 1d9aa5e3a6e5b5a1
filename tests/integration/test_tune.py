"""<memoryBacking>, <iothreads> and <vcpu cpuset=''> on a real QEMU: the
test guest with memfd-backed shared, locked, preallocated memory, two I/O
threads (one serving a virtio disk) and its vCPUs on host CPU 0 starts on
a virtmigd host, QEMU really runs that way (its memfd mapping, locked
memory, I/O thread names and CPU affinity in /proc), and it migrates live
to a second host, where the same holds, with its heartbeat and memory
intact."""

import os
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import virsh


def tune_xml(name, image, serial_log):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='KiB'>%d</memory>
  <memoryBacking>
    <nosharepages/>
    <locked/>
    <source type='memfd'/>
    <access mode='shared'/>
    <allocation mode='immediate'/>
    <discard/>
  </memoryBacking>
  <vcpu placement='static' cpuset='0'>1</vcpu>
  <iothreads>2</iothreads>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <cmdline>hb_ms=100 wss_mib=8</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iothread='2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='%s' append='on'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, harness.GUEST_KIB, harness.GUEST_ELF, image, serial_log)


def proc_status(pid, task=None):
    path = "/proc/%d/status" % pid if task is None else \
        "/proc/%d/task/%s/status" % (pid, task)
    fields = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


class Tune(harness.TwoHostsCase, unittest.TestCase):
    def qemu_pid(self, host):
        pids = harness.qemu_pids_under(host.root)
        self.assertEqual(len(pids), 1, pids)
        return pids[0]

    def check_qemu(self, host):
        """QEMU of @host runs the guest as <memoryBacking>, <iothreads>
        and cpuset say."""
        pid = self.qemu_pid(host)
        with open("/proc/%d/maps" % pid) as f:
            memfd = [line.split()[1] for line in f
                     if "/memfd:memory-backend-memfd" in line]
        # one shared (access mode='shared') mapping of the guest's RAM
        self.assertEqual(memfd, ["rw-s"])
        status = proc_status(pid)
        self.assertGreaterEqual(int(status["VmLck"].split()[0]), 64 * 1024)
        names = {}
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/comm" % (pid, task)) as f:
                names[task] = f.read().strip()
            self.assertEqual(proc_status(pid, task)["Cpus_allowed_list"],
                             "0", names[task])
        self.assertIn("IO iothread1", names.values())
        self.assertIn("IO iothread2", names.values())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = f.read().split(b"\0")
        self.assertIn(b"pc-i440fx-7.2,usb=off,dump-guest-core=off,"
                      b"mem-merge=off,memory-backend=pc.ram", argv)
        self.assertIn(b"mem-lock=on", argv)

    def test_start_and_migrate(self):
        name = "tuned"
        log = os.path.join(self.a.root, name + "-serial.log")
        image = os.path.join(self.a.root, name + ".img")
        with open(image, "wb") as f:
            f.truncate(16 * 1024 * 1024)
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 tune_xml(name, image, log))
        virsh(self.a.uri, "define", xml)
        self.addCleanup(self.cleanup_guest, name)
        dumped = virsh(self.a.uri, "dumpxml", "--inactive", name).stdout
        for text in ("<source type='memfd'/>", "<access mode='shared'/>",
                     "<allocation mode='immediate'/>", "<locked/>",
                     "<nosharepages/>", "<discard/>",
                     "<vcpu placement='static' cpuset='0'>1</vcpu>",
                     "<iothreads>2</iothreads>", "iothread='2'"):
            self.assertIn(text, dumped)
        self.assertNotIn("<iothreadids>", dumped)

        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        self.check_qemu(self.a)

        guestlog.follow(log)
        # --unsafe: both hosts use the one local image file
        virsh(self.a.uri, "migrate", "--live", "--unsafe", name, self.b.uri,
              timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", "--reason",
                               name).stdout.strip(), "running (migrated)")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=1.0)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print("\n" + verdict.summary())
        self.check_qemu(self.b)
        live = virsh(self.b.uri, "dumpxml", name).stdout
        self.assertIn("<source type='memfd'/>", live)
        self.assertIn("cpuset='0'", live)

    def test_cpuset_offline_cpu_refused(self):
        """A cpuset of host CPUs that do not exist fails the start with
        the reason and leaves the domain shut off."""
        name = "tunebad"
        log = os.path.join(self.a.root, name + "-serial.log")
        image = os.path.join(self.a.root, name + ".img")
        with open(image, "wb") as f:
            f.truncate(1024 * 1024)
        xml = tune_xml(name, image, log).replace("cpuset='0'",
                                                 "cpuset='1000'")
        path = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                  xml)
        virsh(self.a.uri, "define", path)
        self.addCleanup(self.cleanup_guest, name)
        res = virsh(self.a.uri, "start", name, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("cannot set the CPU affinity", res.stderr)
        self.assertEqual(virsh(self.a.uri, "domstate", name).stdout.strip(),
                         "shut off")
        self.assertEqual(harness.qemu_pids_under(self.a.root), [])


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
