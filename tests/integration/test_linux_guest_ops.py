"""Console, screenshot and balloon on the real Linux guest (issue 16),
with stock virsh.

The Linux test guest (tests/linuxguest/README.rst), booted once on host A
with what an operator's guest has besides its heartbeat on serial 0: a
second serial port of type pty (ttyS1, where the guest's /init answers
each line typed in and reports the memory its kernel manages once a
second), a VGA card with a VNC display (the kernel's text console,
``console=tty0``) and a virtio balloon (the guest's virtio_balloon
driver):

- ``virsh console --devname serial1`` under a pseudo-terminal: the
  guest's lines arrive, a line typed in reaches the guest and is
  answered, a second virsh is refused while the first is attached,
  ``--force`` takes the port over (the first virsh ends, exit 0) and
  Ctrl-] detaches cleanly (exit 0);
- ``virsh screenshot``: a PPM of the VGA text mode (720x400), not
  blank, and a line the guest wrote on its screen in between changes
  it (kept in the artifact directory);
- the balloon: defined with ``<currentMemory>`` 32 MiB below its
  memory, the guest boots with the balloon holding the difference; then
  ``virsh setmem --live`` gives it back and takes it again: the guest's
  kernel follows (its MemTotal moves by the balloon's size),
  ``dommemstat``'s actual, ``dominfo``'s used memory and the live XML
  follow what the guest did (BALLOON_CHANGE, which ``virsh event``
  sees), the heartbeats and the guest's own memory check go on; then
  ``virsh migrate --live`` to host B keeps the balloon (B's ``dominfo``,
  ``dommemstat`` and the guest's MemTotal), and ``setmem --live`` on B
  gives the memory back to the guest;
- ``virsh inject-nmi``: the guest's kernel reports the NMI on its
  console and runs on; a read-only connection is refused;
- ``virsh domif-setlink``: the guest's network goes down (its own
  ping of the gateway fails), stays down through a live migration (the
  destination starts the link as the live XML has it) and comes back up
  there; another change of the live interface is refused."""

import os
import re
import subprocess
import sys
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
from eventlib import VirshEvents
from harness import Host, virsh

import libvirt

sys.path.insert(0, os.path.join(harness.SRCDIR, "tests", "linuxguest"))
import linuxlog  # noqa: E402
import mkguest  # noqa: E402
import test_console as tc  # noqa: E402
import test_linux_guest as lg  # noqa: E402

BOOT_TIMEOUT = 120
NAME = "lxops"
CONSOLE = "serial1"
FULL_KIB = lg.GUEST_KIB
BALLOON_KIB = 96 * 1024
MEM_RE = re.compile(rb"virtmig-linux mem seq=(\d+) total_kib=(\d+)")
DEVICES = """    <serial type='pty'>
      <target port='1'/>
    </serial>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <controller type='usb' model='none'/>
    <video>
      <model type='vga'/>
    </video>
    <memballoon model='virtio'>
      <stats period='1'/>
    </memballoon>
"""


def ops_xml(images, disk, log):
    """The Linux guest's XML with the console, the screen and the
    balloon."""
    xml = lg.linux_xml(NAME, images, disk, log)
    xml = xml.replace("console=ttyS0", "console=tty0 console=ttyS0")
    xml = xml.replace("</memory>\n", "</memory>\n  <currentMemory unit='KiB'>"
                      "%d</currentMemory>\n" % BALLOON_KIB, 1)
    xml, n = re.subn(r"    <controller type='usb' model='none'/>\n.*"
                     r"<memballoon model='none'/>\n", DEVICES, xml,
                     flags=re.S)
    assert n == 1 and "console=tty0" in xml, xml
    return xml


def mem_lines(data):
    """(seq, MemTotal KiB) of each "mem" line the guest's console sent."""
    return [(int(s), int(k)) for s, k in MEM_RE.findall(data)]


def parse_ppm(data):
    """(width, height, pixels) of a binary PPM."""
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if not m:
        raise AssertionError("not a PPM: %r" % data[:40])
    width, height = int(m.group(1)), int(m.group(2))
    pixels = data[m.end():]
    if len(pixels) != width * height * 3:
        raise AssertionError("PPM of %dx%d with %d bytes of pixels" %
                             (width, height, len(pixels)))
    return width, height, pixels


def lit(pixels):
    """Pixels that are not black."""
    return sum(1 for i in range(0, len(pixels), 3)
               if pixels[i:i + 3] != b"\0\0\0")


def memkib(uri, cmd, key):
    out = virsh(uri, cmd, NAME).stdout
    m = re.search(r"^%s\s*:?\s+(\d+)" % re.escape(key), out, re.M)
    if not m:
        raise AssertionError("no %s in virsh %s: %s" % (key, cmd, out))
    return int(m.group(1))


class LinuxGuestOps(unittest.TestCase):
    """One Linux guest for every step, in order (test_1 ... test_5)."""

    @classmethod
    def setUpClass(cls):
        cls.images = mkguest.ensure(lg.GUEST_DIR, lg.AGENT)
        cls.artifacts = harness.artifact_dir("test_linux_guest_ops")
        cls.a = Host("opsA", conf=lg.migration_conf()).start()
        cls.b = Host("opsB", conf=lg.migration_conf()).start()
        cls.host = cls.a
        cls.log = os.path.join(cls.a.root, NAME + "-serial.log")
        cls.disk = os.path.join(cls.a.root, NAME + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                                cls.disk, "8M"], check=True)
        path = harness.write_file(os.path.join(cls.a.root, NAME + ".xml"),
                                  ops_xml(cls.images, cls.disk, cls.log))
        virsh(cls.a.uri, "define", path)
        start = time.monotonic()
        virsh(cls.a.uri, "start", NAME)
        linuxlog.wait_for_lines(cls.log, 1, timeout=BOOT_TIMEOUT)
        linuxlog.follow(cls.log)
        print("\nguest up %.1f s after virsh start" % (time.monotonic() - start))

    @classmethod
    def tearDownClass(cls):
        linuxlog.unfollow(cls.log)
        for h in (cls.a, cls.b):
            virsh(h.uri, "destroy", NAME, check=False)
        cls.a.cleanup()
        cls.b.cleanup()

    def setUp(self):
        self.assertEqual(harness.domstate(self.host, NAME), "running (booted)"
                         if self.host is self.a else "running (migrated)")

    def check_heartbeats(self, more=lg.PASS_BEATS):
        """@more heartbeats from now on, one boot, disk, net and memory
        checks ok throughout."""
        n = len(linuxlog.parse_log(self.log))
        linuxlog.wait_for_lines(self.log, n + more, timeout=60)
        verdict = linuxlog.check_continuity(self.log, max_gap_s=lg.MAX_GAP_S)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.boots, 1)

    def console(self):
        """A console stream on serial1 of the guest, by python-libvirt;
        the caller aborts it."""
        conn = libvirt.open(self.host.uri)
        self.addCleanup(conn.close)
        st = conn.newStream(0)
        conn.lookupByName(NAME).openConsole(CONSOLE, st, 0)
        return st

    def read_stream(self, st, predicate, timeout=30):
        data = b""
        deadline = time.monotonic() + timeout
        while not predicate(data):
            self.assertLess(time.monotonic(), deadline,
                            "console: timed out: %r" % data[-300:])
            chunk = st.recv(4096)
            self.assertTrue(chunk, "console ended: %r" % data[-300:])
            data += chunk
        return data

    def guest_memtotal(self, predicate=lambda kib: True, timeout=30):
        """The guest's MemTotal in KiB, once @predicate holds for it,
        from its console's "mem" lines (the second one on: the first may
        have been on its way before)."""
        st = self.console()
        try:
            data = self.read_stream(
                st, lambda d: len(mem_lines(d)) >= 2 and
                predicate(mem_lines(d)[-1][1]), timeout)
        finally:
            st.abort()
        return mem_lines(data)[-1][1]

    def test_1_virsh_console(self):
        v1 = tc.PtyVirsh(self.host.uri, NAME, "--devname", CONSOLE)
        self.addCleanup(v1.close)
        v1.read_until(lambda out: len(mem_lines(out)) >= 2)
        self.assertIn(b"Connected to domain '%s'" % NAME.encode(), v1.out)
        seqs = [s for s, _ in mem_lines(v1.out)]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))))
        # typed in (Enter is a carriage return), answered by the guest
        os.write(v1.master, b"hello from the host\r")
        v1.read_until(lambda out: b"virtmig-linux echo hello from the host"
                      in out)
        # a second virsh is refused while the first one is attached
        tc.check_busy(self, self.host.uri, NAME, "--devname", CONSOLE)
        # --force takes it over: the first virsh ends by itself, cleanly
        v2 = tc.PtyVirsh(self.host.uri, NAME, "--devname", CONSOLE, "--force")
        self.addCleanup(v2.close)
        v2.read_until(lambda out: len(mem_lines(out)) >= 1)
        self.assertEqual(v1.drain(timeout=10), 0, v1.out[-300:])
        os.write(v2.master, b"second session\r")
        v2.read_until(lambda out: b"virtmig-linux echo second session" in out)
        # Ctrl-] detaches cleanly
        os.write(v2.master, tc.CTRL_RBRACKET)
        self.assertEqual(v2.drain(timeout=10), 0, v2.out[-300:])
        # the port is free again: a session opens without --force
        self.guest_memtotal()
        self.check_heartbeats(4)

    def screenshot(self, name):
        path = os.path.join(self.artifacts, name)
        res = subprocess.run([harness.VIRSH, "-c", self.host.uri,
                              "screenshot", NAME, path],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("image/x-portable-pixmap", res.stdout)
        with open(path, "rb") as f:
            return parse_ppm(f.read())

    def test_2_screenshot(self):
        width, height, before = self.screenshot("lxops-1.ppm")
        # the VGA text mode the kernel's console keeps: 80x25 cells of 9x16
        self.assertEqual((width, height), (720, 400))
        self.assertGreater(lit(before), 1000, "a blank screen")
        # a line of the guest's own on its screen, through the console
        st = self.console()
        try:
            st.send(b"#" * 79 + b"\r")
            self.read_stream(st, lambda d: b"virtmig-linux echo ####" in d)
        finally:
            st.abort()
        _, _, after = self.screenshot("lxops-2.ppm")
        self.assertGreater(lit(after), lit(before) + 79 * 20,
                           "the guest's line is not on the screen")

    def wait_memory(self, uri, kib):
        """dommemstat's actual and dominfo's used memory at @kib (the
        latter follows the guest's BALLOON_CHANGE)."""
        harness.wait_for(lambda: memkib(uri, "dommemstat", "actual") == kib and
                         memkib(uri, "dominfo", "Used memory") == kib,
                         timeout=30, step=0.2,
                         what="dommemstat and dominfo at %d KiB" % kib)
        self.assertEqual(memkib(uri, "dominfo", "Max memory"), FULL_KIB)
        self.assertIn("<currentMemory unit='KiB'>%d</currentMemory>" % kib,
                      virsh(uri, "dumpxml", NAME).stdout)

    def test_3_setmem_live_and_migrate(self):
        uri = self.a.uri
        taken = FULL_KIB - BALLOON_KIB
        # defined with less than its memory: the balloon took the rest as
        # soon as the guest's driver loaded
        self.wait_memory(uri, BALLOON_KIB)
        small = self.guest_memtotal()
        watch = VirshEvents(uri, "--event", "balloon-change")
        self.addCleanup(watch.stop)
        time.sleep(0.5)

        # given back: the guest's kernel has the pages again (a little
        # slack for its rounding to 4 KiB pages)
        virsh(uri, "setmem", NAME, str(FULL_KIB), "--live")
        full = self.guest_memtotal(lambda kib: kib >= small + taken - 64)
        print("\nguest MemTotal %d -> %d KiB" % (small, full))
        self.wait_memory(uri, FULL_KIB)
        event = "event 'balloon-change' for domain '%s': %dKiB" % (NAME,
                                                                  FULL_KIB)
        harness.wait_for(lambda: event in watch.events(NAME), timeout=10,
                         what=event)
        # and taken again
        virsh(uri, "setmem", NAME, str(BALLOON_KIB), "--live")
        self.guest_memtotal(lambda kib: kib <= full - taken + 64)
        self.wait_memory(uri, BALLOON_KIB)
        self.check_heartbeats()

        # the balloon moves with the guest
        virsh(uri, "migrate", "--live", "--unsafe", NAME, self.b.uri,
              timeout=300)
        type(self).host = self.b
        self.assertEqual(harness.domstate(self.b, NAME), "running (migrated)")
        self.wait_memory(self.b.uri, BALLOON_KIB)
        self.assertLessEqual(self.guest_memtotal(), full - taken + 64)
        self.check_heartbeats()

        # given back on B
        virsh(self.b.uri, "setmem", NAME, str(FULL_KIB), "--live")
        self.guest_memtotal(lambda kib: kib >= full - 64)
        self.wait_memory(self.b.uri, FULL_KIB)
        self.check_heartbeats()

    def test_4_inject_nmi(self):
        def nmis():
            with open(self.log, "rb") as f:
                return f.read().count(b"NMI received for unknown reason")

        before = nmis()
        res = virsh(self.host.uri, "inject-nmi", NAME, check=False,
                    readonly=True)
        self.assertIn("read only access prevents virDomainInjectNMI",
                      res.stderr)
        virsh(self.host.uri, "inject-nmi", NAME)
        # the guest's kernel has no handler for it: it says so on its
        # console (pr_emerg, shown despite "quiet") and runs on
        harness.wait_for(lambda: nmis() == before + 1, timeout=30,
                         what="the guest's NMI message")
        self.check_heartbeats()

    def wait_net(self, state, beats=3):
        """@beats heartbeats from now on whose network check says @state
        (the guest pings its gateway once a second)."""
        n = len(linuxlog.parse_log(self.log))

        def seen():
            new = linuxlog.parse_log(self.log)[n:]
            return len([r for r in new if r.net == state]) >= beats
        harness.wait_for(seen, timeout=60,
                         what="%d heartbeats with net=%s" % (beats, state))
        return linuxlog.parse_log(self.log)[-1].seq

    def test_5_link_state_and_migrate(self):
        src = self.host
        dst = self.a if src is self.b else self.b
        mac = virsh(src.uri, "domiflist", NAME).stdout.split()[4]
        virsh(src.uri, "domif-setlink", NAME, mac, "down")
        self.assertEqual(virsh(src.uri, "domif-getlink", NAME,
                               mac).stdout.split(), [mac, "down"])
        self.wait_net("down")
        # the destination starts the link as the live XML has it
        virsh(src.uri, "migrate", "--live", "--unsafe", NAME, dst.uri,
              timeout=300)
        type(self).host = dst
        self.assertEqual(virsh(dst.uri, "domif-getlink", NAME,
                               mac).stdout.split(), [mac, "down"])
        n = len(linuxlog.parse_log(self.log))
        self.wait_net("down")
        self.assertEqual([r.net for r in linuxlog.parse_log(self.log)[n:]
                          if r.net == "ok"], [], "the link came up")
        # anything else about a live interface is refused, nothing changed
        xml = virsh(dst.uri, "dumpxml", NAME).stdout
        iface = xml[xml.index("<interface"):xml.index("</interface>") + 12]
        changed = harness.write_file(
            os.path.join(self.a.root, "iface.xml"),
            iface.replace("<model type='virtio'/>", "<model type='e1000'/>"))
        res = virsh(dst.uri, "update-device", NAME, changed, "--live",
                    check=False)
        self.assertIn("cannot modify network device model from virtio to "
                      "e1000", res.stderr)
        virsh(dst.uri, "domif-setlink", NAME, mac, "up")
        self.wait_net("ok")
        verdict = linuxlog.check_continuity(self.log, max_gap_s=lg.MAX_GAP_S)
        self.assertTrue(verdict.continuous, verdict.summary())
        self.assertEqual(verdict.boots, 1)
        self.assertIsNone(verdict.disk_bad_seq)


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    if not os.path.exists(lg.AGENT):
        print("FAIL: %s was not built" % lg.AGENT)
        sys.exit(1)
    harness.main()
