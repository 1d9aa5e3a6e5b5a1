"""Streams from a running guest (issue 16): the serial console over
libvirt's stream protocol, with stock virsh under a pseudo-terminal and
python-libvirt, on a pty and on a listening unix socket; one session at
a time, --force taking the port over, a clean detach with Ctrl-], no
session left held by a client that disconnected during the open; and
the screenshot, a PPM of the guest's screen; the display's socket
(openGraphicsFD).  Every bad input gets libvirt's error."""

import os
import pty
import re
import select
import signal
import struct
import subprocess
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import rawrpc
from harness import Host, virsh

import libvirt

CTRL_RBRACKET = b"\x1d"
PROC_DOMAIN_OPEN_CONSOLE = 201


def console_guest_xml(name, serial, video="vga"):
    """The test guest with @serial (the <serial> element) and a screen."""
    xml = harness.guest_xml(name, "/dev/null")
    xml = re.sub(r"<serial type='file'>.*?</serial>", serial, xml,
                 flags=re.S)
    return xml.replace("<model type='none'/>", "<model type='%s'/>" % video)


def heartbeats(data):
    text = data.decode("ascii", "replace").replace("\r", "")
    return guestlog.parse_lines(text.split("\n"))


def recv_until(st, count, timeout=15):
    """Bytes of blocking stream @st until @count heartbeats came."""
    data = b""
    deadline = time.time() + timeout
    while len(heartbeats(data)) < count:
        if time.time() > deadline:
            raise AssertionError("no %d heartbeats on the console: %r" %
                                 (count, data[-300:]))
        chunk = st.recv(4096)
        if not chunk:
            raise AssertionError("console ended early: %r" % data[-300:])
        data += chunk
    return data


class PtyVirsh:
    """Stock `virsh console` under a pseudo-terminal of its own."""

    def __init__(self, uri, *args):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [harness.VIRSH, "-c", uri, "console"] + list(args),
            stdin=slave, stdout=slave, stderr=slave, close_fds=True,
            start_new_session=True)
        os.close(slave)
        self.out = b""

    def read_until(self, predicate, timeout=15):
        deadline = time.time() + timeout
        while not predicate(self.out):
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("virsh console: timed out: %r" %
                                     self.out[-400:])
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:     # EIO: virsh exited, its side closed
                    chunk = b""
                if not chunk:
                    if predicate(self.out):
                        break
                    raise AssertionError("virsh console ended: %r" %
                                         self.out[-400:])
                self.out += chunk
        return self.out

    def drain(self, timeout=5):
        """What virsh still writes until it exits; its exit status."""
        deadline = time.time() + timeout
        while self.proc.poll() is None and time.time() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    break
        return self.proc.wait(timeout=max(0.1, deadline - time.time()))

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def check_busy(test, uri, *args):
    """A second `virsh console` with @args is refused while a session is
    attached, and exits non-zero."""
    busy = PtyVirsh(uri, *args)
    try:
        busy.read_until(lambda out: b"Active console session exists" in out)
        test.assertNotEqual(busy.drain(), 0)
    finally:
        busy.close()


class Console(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("conA").start()
        cls.addClassCleanup(cls.host.cleanup)
        cls.sock = os.path.join(cls.host.root, "g2-serial.sock")
        guests = {
            "g1": console_guest_xml("g1", "<serial type='pty'/>"),
            "g2": console_guest_xml(
                "g2", "<serial type='unix'><source mode='bind' path='%s'/>"
                "</serial>" % cls.sock),
            "g3": console_guest_xml(
                "g3", "<serial type='file'><source path='%s'/></serial>" %
                os.path.join(cls.host.root, "g3.log"), video="none"),
        }
        for name, xml in guests.items():
            path = harness.write_file(
                os.path.join(cls.host.root, name + ".xml"), xml)
            virsh(cls.host.uri, "define", path)
            virsh(cls.host.uri, "start", name)
        cls.conn = libvirt.open(cls.host.uri)

    def setUp(self):
        self.assertIsNone(self.host.proc.poll(), "daemon died")

    def open_console(self, name, flags=0, dev=None):
        st = self.conn.newStream(0)
        self.conn.lookupByName(name).openConsole(dev, st, flags)
        return st

    def test_python_pty_and_unix(self):
        for name in ("g1", "g2"):
            with self.subTest(guest=name):
                st = self.open_console(name)
                recs = heartbeats(recv_until(st, 3))
                self.assertTrue(all(r.state == "ok" for r in recs), recs)
                seqs = [r.seq for r in recs]
                self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))))
                st.finish()
        # the session ended: a new one is not refused
        st = self.open_console("g1", dev="serial0")
        recv_until(st, 1)
        st.abort()

    def test_busy_then_force(self):
        first = self.open_console("g1")
        recv_until(first, 1)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.open_console("g1")
        self.assertEqual(cm.exception.get_error_code(),
                         libvirt.VIR_ERR_OPERATION_FAILED)
        self.assertIn("Active console session exists for this domain",
                      str(cm.exception))
        second = self.open_console("g1", libvirt.VIR_DOMAIN_CONSOLE_FORCE)
        # the first session is sent the end of its data
        deadline = time.time() + 10
        while first.recv(4096):
            self.assertLess(time.time(), deadline, "first session goes on")
        first.finish()
        recv_until(second, 2)
        second.finish()

    def test_virsh_console_detach_and_force(self):
        v1 = PtyVirsh(self.host.uri, "g1")
        try:
            v1.read_until(lambda out: len(heartbeats(out)) >= 3)
            self.assertIn(b"Connected to domain", v1.out)
            self.assertIn(b"Escape character is ^]", v1.out)
            # a second virsh is refused while the first one is attached
            check_busy(self, self.host.uri, "g1")
            # with --force it takes over; the first one ends by itself
            v2 = PtyVirsh(self.host.uri, "g1", "--force")
            try:
                v2.read_until(lambda out: len(heartbeats(out)) >= 2)
                self.assertEqual(v1.drain(timeout=10), 0, v1.out[-300:])
                # Ctrl-] detaches cleanly
                os.write(v2.master, CTRL_RBRACKET)
                self.assertEqual(v2.drain(timeout=10), 0, v2.out[-300:])
            finally:
                v2.close()
        finally:
            v1.close()
        # detached for good: the next session opens at once
        st = self.open_console("g1")
        recv_until(st, 1)
        st.finish()

    def test_console_ends_with_the_guest(self):
        name = "g4"
        xml = console_guest_xml(name, "<serial type='pty'/>")
        self.conn.createXML(xml, 0)
        st = self.open_console(name)
        recv_until(st, 1)
        self.conn.lookupByName(name).destroy()
        deadline = time.time() + 10
        while st.recv(4096):
            self.assertLess(time.time(), deadline, "console outlives QEMU")
        st.finish()

    def test_console_errors(self):
        cases = [
            ("g1", "nosuch", 0, libvirt.VIR_ERR_INTERNAL_ERROR,
             "cannot find character device nosuch"),
            ("g3", None, 0, libvirt.VIR_ERR_INTERNAL_ERROR,
             "is not using a PTY"),
            ("g1", None, 1 << 7, libvirt.VIR_ERR_INVALID_ARG, "unsupported flags"),
        ]
        for name, dev, flags, code, text in cases:
            with self.subTest(dev=dev, flags=flags):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    self.open_console(name, flags, dev)
                self.assertEqual(cm.exception.get_error_code(), code)
                self.assertIn(text, str(cm.exception))
        # a console of an inactive domain
        virsh(self.host.uri, "define",
              harness.write_file(os.path.join(self.host.root, "off.xml"),
                                 console_guest_xml("off", "<serial type='pty'/>")))
        res = virsh(self.host.uri, "console", "off", check=False)
        self.assertIn("domain is not running", res.stderr)
        # read-only: refused before the driver
        ro = libvirt.openReadOnly(self.host.uri_ro)
        with self.assertRaises(libvirt.libvirtError) as cm:
            ro.lookupByName("g1").openConsole(None, ro.newStream(0), 0)
        self.assertEqual(cm.exception.get_error_code(),
                         libvirt.VIR_ERR_OPERATION_DENIED)
        # the guest's session is still free and working
        st = self.open_console("g1")
        recv_until(st, 1)
        st.finish()

    def check_ppm(self, data):
        m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
        self.assertIsNotNone(m, data[:40])
        width, height = int(m.group(1)), int(m.group(2))
        # the VGA text mode the guest boots in: 80x25 cells of 9x16
        self.assertEqual((width, height), (720, 400))
        self.assertEqual(len(data), m.end() + width * height * 3)
        # not blank: the guest's screen has something on it
        self.assertGreater(len(set(data[m.end():])), 1)

    def test_screenshot(self):
        path = os.path.join(self.host.root, "shot.ppm")
        res = subprocess.run([harness.VIRSH, "-c", self.host.uri, "screenshot",
                              "g1", path], capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("image/x-portable-pixmap", res.stdout)
        with open(path, "rb") as f:
            self.check_ppm(f.read())
        st = self.conn.newStream(0)
        mime = self.conn.lookupByName("g1").screenshot(st, 0, 0)
        self.assertEqual(mime, "image/x-portable-pixmap")
        data = b""
        while True:
            chunk = st.recv(65536)
            if not chunk:
                break
            data += chunk
        st.finish()
        self.check_ppm(data)
        # nothing left behind in the state directory
        left = [f for f in os.listdir(os.path.join(self.host.root, "run", "qemu"))
                if "screendump" in f]
        self.assertEqual(left, [])

    def test_screenshot_errors(self):
        path = os.path.join(self.host.root, "none.ppm")
        for args, text in [
                (("g3", path), "no screens to take screenshot from"),
                (("g1", path, "--screen", "1"), "no such screen ID"),
                (("off", path), "domain is not running")]:
            if args[0] == "off" and "off" not in virsh(
                    self.host.uri, "list", "--all", "--name").stdout:
                virsh(self.host.uri, "define", harness.write_file(
                    os.path.join(self.host.root, "off.xml"),
                    console_guest_xml("off", "<serial type='pty'/>")))
            with self.subTest(args=args):
                res = virsh(self.host.uri, "screenshot", *args, check=False)
                self.assertNotEqual(res.returncode, 0)
                self.assertIn(text, res.stderr)
        res = virsh(self.host.uri_ro, "screenshot", "g1", path, check=False,
                    readonly=True)
        self.assertIn("read only access", res.stderr)

    def test_open_graphics_fd(self):
        """virDomainOpenGraphicsFD, what virt-manager opens the display of
        a guest on a local connection with: a socket connected to the
        guest's VNC server, passed after the reply."""
        xml = console_guest_xml("g5", "<serial type='pty'/>").replace(
            "<video>", "<graphics type='vnc' autoport='yes' "
            "listen='127.0.0.1'/>\n    <video>")
        dom = self.conn.createXML(xml, 0)
        self.addCleanup(dom.destroy)
        fd = dom.openGraphicsFD(0, 0)
        try:
            os.set_blocking(fd, True)
            self.assertEqual(os.read(fd, 12), b"RFB 003.008\n")
        finally:
            os.close(fd)
        cases = [
            (dom, 1, 0, libvirt.VIR_ERR_INTERNAL_ERROR,
             "No graphics backend with index 1"),
            (dom, 0, 1 << 4, libvirt.VIR_ERR_INVALID_ARG, "unsupported flags"),
            (self.conn.lookupByName("g3"), 0, 0,
             libvirt.VIR_ERR_INTERNAL_ERROR, "No graphics backend with index 0"),
        ]
        for d, idx, flags, code, text in cases:
            with self.subTest(dom=d.name(), idx=idx, flags=flags):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    d.openGraphicsFD(idx, flags)
                self.assertEqual(cm.exception.get_error_code(), code)
                self.assertIn(text, str(cm.exception))
        ro = libvirt.openReadOnly(self.host.uri_ro)
        with self.assertRaises(libvirt.libvirtError) as cm:
            ro.lookupByName("g5").openGraphicsFD(0, 0)
        self.assertEqual(cm.exception.get_error_code(),
                         libvirt.VIR_ERR_OPERATION_DENIED)
        ro.close()
        # the daemon keeps no descriptor of the ones it passed
        before = self.host.fd_count()
        for _ in range(5):
            os.close(dom.openGraphicsFD(0, 0))
        harness.wait_for(lambda: self.host.fd_count() <= before,
                         what="the daemon's descriptors back to %d" % before)


class ConsoleClientGone(unittest.TestCase):
    """A client that disconnects while its openConsole call waits for a
    worker leaves the console free: the next session is not refused.
    The daemon has one worker for ordinary calls; the guest's QEMU is
    stopped (SIGSTOP) so that a suspend from another client holds that
    worker in a monitor round trip while the open waits behind it."""

    def setUp(self):
        self.host = Host("conG", conf={"max_workers": 1,
                                       "prio_workers": 1}).start()
        self.addCleanup(self.host.cleanup)
        xml = console_guest_xml("g1", "<serial type='pty'/>")
        self.conn = libvirt.open(self.host.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.createXML(xml, 0)

    def test_open_then_disconnect(self):
        qemu = harness.qemu_pids_under(self.host.root)
        self.assertEqual(len(qemu), 1)
        raw = rawrpc.RawClient(self.host.sock)
        hdr, body = rawrpc.open_conn(raw)
        self.assertEqual(hdr[5], rawrpc.OK, rawrpc.parse_error(body)
                         if hdr[5] else None)
        args = (rawrpc.xdr_string("g1") + self.dom.UUID() +
                struct.pack(">i", self.dom.ID()) +
                rawrpc.xdr_opt_string(None) + struct.pack(">I", 0))
        blocker = libvirt.open(self.host.uri)
        os.kill(qemu[0], signal.SIGSTOP)
        try:
            suspend = threading.Thread(
                target=blocker.lookupByName("g1").suspend)
            suspend.start()
            time.sleep(0.5)         # the suspend holds the worker
            raw.send(rawrpc.packet(rawrpc.REMOTE_PROGRAM,
                                   PROC_DOMAIN_OPEN_CONSOLE, 7, args))
            time.sleep(0.3)         # the open is queued behind it
            raw.close()
            time.sleep(0.5)         # the daemon dropped the client
        finally:
            os.kill(qemu[0], signal.SIGCONT)
        suspend.join(30)
        self.assertFalse(suspend.is_alive(), "suspend still blocked")
        blocker.close()
        self.dom.resume()
        # the open of the gone client ran before this one (one worker)
        st = self.conn.newStream(0)
        self.dom.openConsole(None, st, 0)
        recv_until(st, 2)
        st.finish()
        # stock virsh too, without --force
        v = PtyVirsh(self.host.uri, "g1")
        try:
            v.read_until(lambda out: len(heartbeats(out)) >= 2)
            os.write(v.master, CTRL_RBRACKET)
            self.assertEqual(v.drain(timeout=10), 0, v.out[-300:])
        finally:
            v.close()


if __name__ == "__main__":
    harness.require_guest()
    harness.main()
