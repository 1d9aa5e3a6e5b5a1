#!/usr/bin/env python3
"""Stock virt-manager (Debian 12's 4.1) against virtmigd hosts, driven as
a person would, through its accessibility tree (dogtail, AT-SPI) under
Xvfb (issues 16 and 14).

Host A serves libvirt's standard sockets (libvirt_drop_in = 1), so that
virt-manager reaches it as plain qemu:///system, the local connection of
a user's machine; host B is a second connection,
qemu+unix:///system?socket=....  The test guest (tests/guest) runs on A
with a pty serial port, a VNC display and a read-only disk.  The test:

1. opens the guest's window: the VNC console shows the guest's screen
   (through virDomainOpenGraphicsFD, as virt-manager does on a local
   connection); the screenshot is kept and must not be blank;
2. opens the serial console (View > Consoles > Serial 1): the guest's
   heartbeats appear in the terminal;
3. shows the Performance page, with disk, network and memory polling
   enabled in virt-manager's preferences (GSettings): CPU, memory, disk
   and network figures are shown, and agree with `virsh domstats`;
4. edits the title and the description on the Overview page; stock
   `virsh desc` and `virsh dumpxml` (live and --inactive) show them;
5. opens Migrate (Virtual Machine > Migrate...) and accepts the dialog's
   defaults (host B, address and port ticked: tcp:<B's hostname>:49152,
   live, persistent on B, undefined on A); then `virsh` finds the guest
   running on B only, and its heartbeat goes on there from the same boot.

Everything runs in a mount namespace of its own (a tmpfs on /run/libvirt:
this machine's libvirt sockets are never touched) and a network namespace
of its own (its own loopback: the dialog's fixed default port 49152 is
free whatever runs beside this test).  Needs root.

Artifacts: PNG screenshots of each step, virt-manager's debug log and
the daemons' logs, in $VIRTMIG_ARTIFACTS/test_virt_manager (by default
<builddir>/meson-logs/artifacts/test_virt_manager).

Exits 77 (skip) only when a package it needs is missing (scripts/deps.sh
installs them) or it does not run as root.
"""

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402 (sets up the path of guestlog)
import guestlog  # noqa: E402
from harness import Host, virsh  # noqa: E402

AT_SPI_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
GUEST = "g1"
TITLE = "virtmig test guest"
DESCRIPTION = "edited by virt-manager\nover virtmigd"
SCREEN = "1280x1024x24"
MIGRATE_PORT = 49152        # the Migrate dialog's default (QEMU's range)


def missing_packages():
    """What of virt-manager's test stack is not installed."""
    missing = []
    for tool, package in (("virt-manager", "virt-manager"), ("Xvfb", "xvfb"),
                          ("dbus-daemon", "dbus"), ("gsettings", "libglib2.0-bin"),
                          ("unshare", "util-linux")):
        if not shutil.which(tool):
            missing.append(package)
    if not os.path.exists(AT_SPI_LAUNCHER):
        missing.append("at-spi2-core")
    for module, package in (("dogtail", "python3-dogtail"),
                            ("pyatspi", "python3-pyatspi"), ("gi", "python3-gi")):
        if importlib.util.find_spec(module) is None:
            missing.append(package)
    return missing


def outside():
    """Checks what the test needs, then runs it again in namespaces of
    its own."""
    missing = missing_packages()
    if missing:
        print("SKIP: not installed: %s (scripts/deps.sh installs them)" %
              " ".join(missing))
        return 77
    if os.geteuid() != 0:
        print("SKIP: needs root (mount and network namespaces)")
        return 77
    harness.require("virsh", "libvirt")
    harness.require_guest()
    # pyatspi's deprecation warnings would drown the test's output
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning,"
               "ignore::ImportWarning")
    return subprocess.run(["unshare", "--mount", "--net", "--propagation",
                           "private", "--fork", sys.executable,
                           os.path.abspath(__file__), "--inside"] +
                          sys.argv[1:], env=env).returncode


def inside():
    os.makedirs("/run/libvirt", exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/libvirt"], check=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    sys.argv = [sys.argv[0]] + sys.argv[2:]
    harness.main()


# ---- the desktop: Xvfb, a session bus, virt-manager ----

def read_fd_line(fd, timeout=30):
    """The first line a child writes to pipe @fd."""
    deadline = time.time() + timeout
    data = b""
    os.set_blocking(fd, False)
    while b"\n" not in data:
        if time.time() > deadline:
            raise RuntimeError("nothing on the pipe after %ss: %r" % (timeout, data))
        try:
            chunk = os.read(fd, 256)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        if not chunk:
            raise RuntimeError("the pipe closed: %r" % data)
        data += chunk
    os.close(fd)
    return data.split(b"\n")[0].decode().strip()


class Desktop:
    """Xvfb, a private session bus (the accessibility bus is started on it
    by activation) and a home of its own with GSettings in a key file."""

    def __init__(self, home, logdir):
        self.home = home
        self.logdir = logdir
        self.procs = []
        self.env = dict(os.environ)
        # G_DEBUG: the unit tests' fatal-criticals (meson's test_env) would
        # make virt-manager abort on a GTK warning of its own ("assertion
        # 'list != NULL' failed" as the window of a guest that moved away
        # closes)
        for var in ("DBUS_SESSION_BUS_ADDRESS", "NO_AT_BRIDGE", "WAYLAND_DISPLAY",
                    "XAUTHORITY", "LANGUAGE", "G_DEBUG"):
            self.env.pop(var, None)
        runtime = os.path.join(home, "run")
        os.makedirs(runtime, mode=0o700)
        self.env.update({
            "HOME": home, "XDG_RUNTIME_DIR": runtime,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "XDG_CACHE_HOME": os.path.join(home, "cache"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "GSETTINGS_BACKEND": "keyfile",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "GTK_THEME": "Adwaita",
        })

    def spawn(self, name, argv, pass_fds=()):
        log = open(os.path.join(self.logdir, name + ".log"), "wb")
        proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL, pass_fds=pass_fds,
                                start_new_session=True)
        log.close()
        self.procs.append(proc)
        return proc

    def start(self):
        r, w = os.pipe()
        self.spawn("xvfb", ["Xvfb", "-displayfd", str(w), "-screen", "0", SCREEN,
                            "-nolisten", "tcp", "-noreset"], pass_fds=(w,))
        os.close(w)
        self.env["DISPLAY"] = ":" + read_fd_line(r)
        r, w = os.pipe()
        self.spawn("dbus", ["dbus-daemon", "--session", "--nofork",
                            "--print-address=%d" % w], pass_fds=(w,))
        os.close(w)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = read_fd_line(r)
        self.spawn("at-spi-bus", [AT_SPI_LAUNCHER, "--launch-immediately"])
        return self

    def gsettings(self, schema, key, value):
        subprocess.run(["gsettings", "set", schema, key, value], env=self.env,
                       check=True, capture_output=True)

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


# ---- finding things in the accessibility tree ----

def matches(node, name, role):
    """Whether @node's name matches the regular expression @name and its
    role is @role (a role name or a tuple of them); None matches all."""
    roles = (role,) if isinstance(role, str) else role
    try:
        return ((role is None or node.roleName in roles) and
                (name is None or re.search(name, node.name or "") is not None))
    except Exception:       # a node that went away while we looked
        return False


ARTIFACTS = None     # set by VirtManager.setUpClass


def dump_tree(node, out, depth=0):
    """Writes the accessibility tree under @node to @out, one node a line:
    what a failed search looked through."""
    try:
        out.write("%s[%s] %r%s\n" % ("  " * depth, node.roleName, node.name,
                                     "" if node.showing else " (hidden)"))
        children = list(node.children)
    except Exception as e:
        out.write("%s(gone: %s)\n" % ("  " * depth, e))
        return
    for child in children[:200]:
        dump_tree(child, out, depth + 1)


def find(parent, name=None, role=None, timeout=20, showing=False):
    """The first descendant of @parent whose accessible name matches the
    regular expression @name and whose role is @role, waiting for it.
    On failure the tree searched is kept in the artifacts."""
    deadline = time.time() + timeout
    while True:
        node = parent.findChild(lambda n: matches(n, name, role), retry=False,
                                requireResult=False, showingOnly=showing)
        if node is not None:
            return node
        if time.time() > deadline:
            path = os.path.join(ARTIFACTS or ".", "a11y-tree-%d.txt" % time.time())
            with open(path, "w") as out:
                dump_tree(parent, out)
            raise AssertionError("no %s named /%s/ under %s after %ss (tree: %s)" %
                                 (role, name, parent, timeout, path))
        time.sleep(0.25)


def find_all(parent, name=None, role=None):
    return parent.findChildren(lambda n: matches(n, name, role))


def wait(predicate, timeout=20, what="condition"):
    deadline = time.time() + timeout
    while True:
        try:
            value = predicate()
        except AssertionError:
            raise
        except Exception:       # nodes that went away while we looked
            value = None
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(0.25)


def click(node):
    node.doActionNamed("click")


def field(parent, label):
    """The text field of a form that @label (a label's exact text) names:
    the one on the label's row, as a person reads it (this virt-manager's
    fields carry no name of their own)."""
    lab = find(parent, "^%s$" % re.escape(label), "label")
    y = lab.position[1] + lab.size[1] / 2
    texts = [t for t in find_all(parent, None, "text") if t.showing]
    # a multi-line field sits in a scroll pane: its own box is taller
    return min(texts, key=lambda t: abs(t.position[1] - lab.position[1])
               if t.size[1] > 3 * lab.size[1]
               else abs(t.position[1] + t.size[1] / 2 - y))


def guest_xml(root):
    """The test guest with what virt-manager shows: a pty serial port, a
    VNC display, a read-only disk (a migration without --unsafe needs
    its disks shared or read-only)."""
    disk = harness.write_file(os.path.join(root, "data.img"), "\0" * 1048576)
    xml = harness.guest_xml(GUEST, "/dev/null", memory_mib=64,
                            cmdline="hb_ms=200 wss_mib=4")
    xml = re.sub(r"<serial type='file'>.*?</serial>", "<serial type='pty'/>",
                 xml, flags=re.S)
    return xml.replace("<video>\n      <model type='none'/>", """<disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
      <readonly/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video>
      <model type='vga'/>""" % disk)


class VirtManager(unittest.TestCase):
    """The steps share one virt-manager: they run in their order."""

    @classmethod
    def setUpClass(cls):
        global ARTIFACTS
        cls.artifacts = ARTIFACTS = harness.artifact_dir("test_virt_manager")
        # cleanups run last first: each host's logs are kept before it goes
        cls.a = Host("vmA", conf={"libvirt_drop_in": 1}).start()
        cls.addClassCleanup(cls.a.cleanup)
        cls.addClassCleanup(cls.keep_logs, cls.a)
        cls.b = Host("vmB", conf={"host_name": "localhost"}).start()
        cls.addClassCleanup(cls.b.cleanup)
        cls.addClassCleanup(cls.keep_logs, cls.b)
        path = harness.write_file(os.path.join(cls.a.root, GUEST + ".xml"),
                                  guest_xml(cls.a.root))
        virsh(cls.a.uri, "define", path)
        virsh(cls.a.uri, "start", GUEST)

        cls.desktop = Desktop(os.path.join(cls.a.root, "home"),
                              cls.artifacts).start()
        cls.addClassCleanup(cls.desktop.stop)
        uris = "['qemu:///system', '%s']" % cls.b.uri
        for schema, key, value in [
                ("org.gnome.desktop.interface", "toolkit-accessibility", "true"),
                ("org.virt-manager.virt-manager.connections", "uris", uris),
                ("org.virt-manager.virt-manager.connections", "autoconnect", uris),
                ("org.virt-manager.virt-manager.stats", "update-interval", "1"),
                ("org.virt-manager.virt-manager.stats", "enable-cpu-poll", "true"),
                ("org.virt-manager.virt-manager.stats", "enable-memory-poll", "true"),
                ("org.virt-manager.virt-manager.stats", "enable-disk-poll", "true"),
                ("org.virt-manager.virt-manager.stats", "enable-net-poll", "true")]:
            cls.desktop.gsettings(schema, key, value)
        # each connection's name in the manager and the dialogs
        for uri, name in (("qemu:///system", "host A"), (cls.b.uri, "host B")):
            cls.desktop.gsettings(
                "org.virt-manager.virt-manager.connection:"
                "/org/virt-manager/virt-manager/conns/%s/" % uri.replace("/", ""),
                "pretty-name", "'%s'" % name)
        cls.vmm = cls.desktop.spawn("virt-manager", [
            "virt-manager", "--debug", "--connect", "qemu:///system"])

        # the accessibility client: this process, on the same desktop
        os.environ.update(cls.desktop.env)
        global dogtail
        import dogtail.config
        dogtail.config.config.checkForA11y = False
        dogtail.config.config.logDebugToFile = False
        dogtail.config.config.logDebugToStdOut = False
        dogtail.config.config.actionDelay = 0.2
        dogtail.config.config.defaultDelay = 0.2
        dogtail.config.config.searchBackoffDuration = 0.2
        import dogtail.tree
        cls.app = wait(lambda: dogtail.tree.root.findChild(
            lambda n: matches(n, "^virt-manager$", "application"),
            recursive=False, retry=False, requireResult=False),
            timeout=60, what="virt-manager on the accessibility bus")
        find(cls.app, "^Virtual Machine Manager$", "frame", timeout=30)

    @classmethod
    def keep_logs(cls, host):
        for name in ("virtmigd.log", "stderr.log"):
            src = os.path.join(host.root, "log" if name == "virtmigd.log" else "",
                               name)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(cls.artifacts, "%s-%s" % (host.name, name)))

    def setUp(self):
        self.assertIsNone(self.vmm.poll(), "virt-manager exited")

    def tearDown(self):
        self.shot("end-" + self._testMethodName)
        # an error dialog says why a step failed: say it, close it
        text = self.alerts()
        if text:
            print("virt-manager showed: %s" % text)

    def alerts(self):
        """The text of virt-manager's error dialogs, which are closed."""
        texts = []
        for alert in find_all(self.app, None, "alert"):
            texts += [n.name for n in find_all(alert, None, "label") if n.name]
            for button in find_all(alert, "^(Close|OK)$", "push button"):
                click(button)
        return "; ".join(texts)

    def no_alert(self):
        """Fails the step at once when virt-manager shows an error."""
        text = self.alerts()
        if text:
            raise AssertionError("virt-manager: %s" % text)
        return False

    # ---- helpers ----

    def shot(self, name, node=None):
        """Saves the screen (or @node's part of it) as NAME.png; returns
        the number of distinct colours in it."""
        import gi
        gi.require_version("Gtk", "3.0")
        gi.require_version("Gdk", "3.0")
        from gi.repository import Gdk, Gtk  # noqa: F401 (Gtk opens the display)
        root = Gdk.get_default_root_window()
        x, y, w, h = 0, 0, root.get_width(), root.get_height()
        if node is not None:
            (x, y), (w, h) = node.position, node.size
        pixbuf = Gdk.pixbuf_get_from_window(root, x, y, w, h)
        if pixbuf is None:
            return 0
        pixbuf.savev(os.path.join(self.artifacts, name + ".png"), "png", [], [])
        data = pixbuf.get_pixels()
        step = pixbuf.get_n_channels()
        return len({data[i:i + 3] for i in range(0, len(data) - 2, step)})

    def vm_window(self):
        """The guest's window (console and details), opened from the
        manager's list."""
        # titled by the guest's title once it has one
        title = "^(%s|%s) on " % (GUEST, re.escape(TITLE))
        win = self.app.findChild(lambda n: matches(n, title, "frame"),
                                 recursive=False, retry=False, requireResult=False)
        if win is not None:
            return win
        manager = find(self.app, "^Virtual Machine Manager$", "frame")
        cell = find(manager, "^%s\n" % GUEST, "table cell", timeout=30)
        cell.click()            # a pointer click: selects the row
        import pyatspi
        wait(lambda: cell.getState().contains(pyatspi.STATE_SELECTED),
             what="the guest's row selected")
        click(find(manager, "^Open$", "push button"))
        return find(self.app, title, "frame")

    def menu_item(self, win, path):
        """Clicks the menu item at @path (names, outermost first)."""
        node = win
        for i, name in enumerate(path):
            last = i == len(path) - 1
            node = find(node, "^%s$" % re.escape(name),
                        ("menu item", "radio menu item") if last else "menu")
            click(node)

    def hw_page(self, win, row, tab):
        click(find(win, "^Details$", "radio button"))
        cell = find(find(win, "^hw-list$", "table"), "^%s$" % row, "table cell")
        cell.click()            # a pointer click, as a person selects it
        page = find(win, "^%s$" % tab)
        wait(lambda: page.showing, what="the %s page" % row)
        return page

    def guest_row_connection(self):
        """The connection ("host A", "host B") the manager lists the guest
        under, or None while it lists it under none or under both."""
        # looked up afresh: an accessible object can go stale
        manager = self.app.findChild(
            lambda n: matches(n, "^Virtual Machine Manager$", "frame"),
            recursive=False, retry=False, requireResult=False)
        table = manager and manager.findChild(
            lambda n: matches(n, "^vm-list$", None), retry=False,
            requireResult=False)
        if table is None:
            return None
        conns = sorted((c.position[1], c.name) for c in
                       find_all(table, "^host [AB]$", "table cell"))
        rows = [r.position[1] for r in find_all(
            table, "^(%s|%s)\n" % (GUEST, re.escape(TITLE)), "table cell")]
        if len(rows) != 1:
            return None
        above = [name for y, name in conns if y < rows[0]]
        return above[-1] if above else None

    def heartbeats(self, text):
        # a terminal shows the guest's bare line feeds as a staircase
        return guestlog.parse_lines(line.strip() for line in
                                    text.replace("\r", "").split("\n"))

    # ---- the steps ----

    def test_1_vnc_console(self):
        win = self.vm_window()
        pages = find(win, "^console-pages$")
        viewport = find(pages, "^console-gfx-viewport$")

        def screen():
            # the console page says why it cannot connect
            for label in find_all(pages, "^Error ", "label"):
                if label.showing:
                    raise AssertionError(label.name)
            if not (viewport.showing and viewport.size[0] > 100):
                return None
            # the guest's screen: the firmware's text, not one colour
            n = self.shot("vnc-console", viewport)
            return n if n > 1 else None

        colours = wait(screen, timeout=30,
                       what="the guest's screen in the VNC console")
        self.shot("vnc-console-window")
        print("VNC console: %d colours in %s" % (colours, viewport.size))

    def test_2_serial_console(self):
        win = self.vm_window()
        click(find(win, "^Console$", "radio button"))
        self.menu_item(win, ["View", "Consoles", "Serial 1"])
        term = find(win, "^Serial Terminal$", "terminal")
        beats = wait(lambda: (lambda b: b if len(b) >= 3 else None)(
            self.heartbeats(term.text)), timeout=30,
            what="heartbeats in the serial console")
        self.assertTrue(all(b.state == "ok" for b in beats), beats)
        type(self).boot = beats[-1].boot
        type(self).seq = beats[-1].seq
        self.shot("serial-console")

    def test_3_performance(self):
        win = self.vm_window()
        tab = self.hw_page(win, "Performance", "performance-tab")

        def figures():
            names = [n.name for n in find_all(tab, None, "label")]
            got = {}
            for key, pattern in (("cpu", r"^(\d+) %$"),
                                 ("memory", r"^\s*(\d+ MiB) of (\d+ MiB)$"),
                                 ("disk", r"^(\d+) KiB/s read (\d+) KiB/s write$"),
                                 ("net", r"^(\d+) KiB/s in (\d+) KiB/s out$")):
                for name in names:
                    m = re.match(pattern, name)
                    if m:
                        got[key] = m.groups()
            # the guest rewrites its working set all the time: it is busy
            return got if len(got) == 4 and int(got["cpu"][0]) > 0 else None

        got = wait(figures, timeout=30, what="CPU, memory, disk and network figures")
        self.shot("performance")
        print("Performance page: %s" % got)
        self.assertEqual(got["memory"][1], "64 MiB")
        stats = virsh(self.a.uri, "domstats", "--raw", "--balloon", "--block",
                      "--cpu-total", GUEST).stdout
        self.assertIn("block.count=1", stats)
        self.assertIn("block.0.name=vda", stats)
        self.assertIn("balloon.current=%d" % harness.GUEST_KIB, stats)

    def test_4_title_description(self):
        win = self.vm_window()
        tab = self.hw_page(win, "Overview", "overview-tab")
        field(tab, "Title:").text = TITLE
        field(tab, "Description:").text = DESCRIPTION
        apply = find(win, "^config-apply$", "push button")
        wait(lambda: apply.sensitive, what="Apply enabled")
        click(apply)
        wait(lambda: self.no_alert() or not apply.sensitive,
             what="the edit applied")
        self.shot("overview")
        for flag in ("--live", "--config"):
            self.assertEqual(virsh(self.a.uri, "desc", GUEST, flag, "--title")
                             .stdout.strip(), TITLE)
            self.assertEqual(virsh(self.a.uri, "desc", GUEST, flag).stdout.strip(),
                             DESCRIPTION)
        for extra in ((), ("--inactive",)):
            xml = virsh(self.a.uri, "dumpxml", GUEST, *extra).stdout
            self.assertIn("<title>%s</title>" % TITLE, xml)
            self.assertIn("<description>%s</description>" % DESCRIPTION, xml)

    def test_5_migrate(self):
        win = self.vm_window()
        self.assertEqual(self.guest_row_connection(), "host A")
        self.menu_item(win, ["Virtual Machine", "Migrate..."])
        mig = find(self.app, "^Migrate the virtual machine$", "frame")
        # the defaults: host B (the one other connection), its host name
        # as the address, port 49152 (the address and port ticked)
        address = find(mig, "^address-text$")
        wait(lambda: address.text, what="the default address")
        self.assertEqual(address.text, "localhost")     # B's host_name
        print("Migrate dialog defaults: address %r" % address.text)
        self.shot("migrate-dialog")
        click(find(mig, "^Migrate$", "push button"))
        wait(lambda: self.no_alert() or not mig.showing, timeout=60,
             what="the migration to finish")
        self.assertNotIn(GUEST, virsh(self.a.uri, "list", "--all", "--name").stdout)
        self.assertEqual(harness.domstate(self.b, GUEST), "running (migrated)")
        self.assertIn("<title>%s</title>" % TITLE,
                      virsh(self.b.uri, "dumpxml", "--inactive", GUEST).stdout)
        # the same boot goes on beating on B
        import libvirt
        conn = libvirt.open(self.b.uri)
        try:
            st = conn.newStream(0)
            conn.lookupByName(GUEST).openConsole(None, st, 0)
            data = b""
            deadline = time.time() + 20
            while len(self.heartbeats(data.decode("ascii", "replace"))) < 2:
                self.assertLess(time.time(), deadline, "no heartbeat on B")
                data += st.recv(4096)
            st.finish()
        finally:
            conn.close()
        beats = self.heartbeats(data.decode("ascii", "replace"))
        self.assertTrue(all(b.state == "ok" for b in beats), beats)
        if getattr(self, "boot", None):
            self.assertEqual(beats[-1].boot, self.boot)
            self.assertGreater(beats[-1].seq, self.seq)
        # the manager lists it under the other connection, B's, only
        wait(lambda: self.guest_row_connection() == "host B",
             what="the guest under host B in the manager")
        self.shot("migrated")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        inside()
    sys.exit(outside())
