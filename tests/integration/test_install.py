#!/usr/bin/env python3
"""virtmig installed as a system daemon, on a machine of its own.

`meson install` into a temporary DESTDIR; then, in a private mount
namespace, that tree is bind-mounted over the prefix (/usr/local) and
tmpfs over /run, /var/lib and /var/log, so the installed daemon runs with
its real FHS paths while this machine's own are never touched.  There:

- systemd-analyze verify accepts the installed units, `man virtmigd` and
  `man virtmigd.conf` render, the latter listing every configuration key;
- the unit's ExecStart line, socket-activated as virtmigd.socket and
  virtmigd-ro.socket would do it (systemd-socket-activate), with
  libvirt_drop_in = 1, notifies readiness and serves plain
  `virsh -c qemu:///system`, read-write and read-only;
- drop-in mode refuses to start, touching nothing, next to a live libvirt
  socket or a virtqemud socket; --config of a missing file is an error.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PREFIX = "/usr/local"
UNITDIR = PREFIX + "/lib/systemd/system"
UNITS = ["virtmigd.service", "virtmigd.socket", "virtmigd-ro.socket"]
CONF = PREFIX + "/etc/virtmig/virtmigd.conf"
SOCK = "/run/virtmig/virtmigd-sock"
SOCK_RO = "/run/virtmig/virtmigd-sock-ro"
LIBVIRT_SOCK = "/run/libvirt/libvirt-sock"
LIBVIRT_SOCK_RO = "/run/libvirt/libvirt-sock-ro"
VIRTQEMUD_SOCK = "/run/libvirt/virtqemud-sock"
SYSTEM = "qemu:///system"


def outside():
    if os.geteuid() != 0:
        print("SKIP: needs root (mount namespace, bind mounts)")
        return 77
    for tool in ("unshare", "mount", "man", "systemd-socket-activate", "meson"):
        if not shutil.which(tool):
            print("SKIP: %s not installed" % tool)
            return 77
    with tempfile.TemporaryDirectory(prefix="virtmig-install-") as destdir:
        res = subprocess.run(["meson", "install", "-C", harness.BUILDDIR,
                              "--no-rebuild", "--quiet", "--destdir", destdir],
                             capture_output=True, text=True)
        if res.returncode != 0:
            print("meson install failed:", res.stdout, res.stderr)
            return 1
        if not os.path.exists(destdir + PREFIX + "/sbin/virtmigd"):
            print("SKIP: the build's prefix is not %s" % PREFIX)
            return 77
        return subprocess.run(["unshare", "--mount", "--propagation", "private",
                               "--fork", sys.executable, os.path.abspath(__file__),
                               "--inside", destdir]).returncode


def mount(*args):
    subprocess.run(["mount"] + list(args), check=True)


def exec_start():
    """The ExecStart line of the installed virtmigd.service, as argv."""
    with open(os.path.join(UNITDIR, "virtmigd.service")) as f:
        for line in f:
            if line.startswith("ExecStart="):
                return line.split("=", 1)[1].split()
    raise AssertionError("virtmigd.service has no ExecStart")


def live(path):
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(path)
            return True
        except OSError:
            return False


def write_conf(extra):
    with open(CONF + ".orig") as f:
        text = f.read()
    with open(CONF, "w") as f:
        f.write(text + extra)


class Installed(unittest.TestCase):
    def tearDown(self):
        for path in ("/run/virtmig", "/run/libvirt", "/var/lib/virtmig",
                     "/var/log/virtmig"):
            shutil.rmtree(path, ignore_errors=True)
        if os.path.exists("/run/notify-test"):
            os.unlink("/run/notify-test")

    def test_units_verify(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze not installed")
        res = subprocess.run(["systemd-analyze", "verify"] +
                             [os.path.join(UNITDIR, u) for u in UNITS],
                             capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertNotIn("virtmigd", res.stdout + res.stderr)

    def test_man_pages(self):
        env = dict(os.environ, MANWIDTH="200")
        page = subprocess.run(["man", "-P", "cat", "virtmigd"], env=env,
                              capture_output=True, text=True, check=True).stdout
        self.assertIn("virtmigd - libvirt-compatible QEMU host daemon", page)
        self.assertIn("libvirt_drop_in", page)
        conf_page = subprocess.run(["man", "-P", "cat", "5", "virtmigd.conf"], env=env,
                                   capture_output=True, text=True, check=True).stdout
        with open(CONF + ".orig") as f:
            keys = [line[1:].split(" =")[0] for line in f
                    if line.startswith("#") and " = " in line and not line.startswith("# ")]
        self.assertGreater(len(keys), 20)
        for key in keys:
            self.assertIn("\n       %s\n" % key, conf_page)

    def test_logrotate(self):
        if not shutil.which("logrotate"):
            self.skipTest("logrotate not installed")
        res = subprocess.run(["logrotate", "--debug", PREFIX + "/etc/logrotate.d/virtmigd"],
                             capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("/var/log/virtmig/virtmigd.log", res.stderr + res.stdout)

    def test_socket_activation_drop_in(self):
        write_conf('\nlibvirt_drop_in = 1\nhost_name = "installtest"\n')
        os.makedirs("/run/virtmig")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind("/run/notify-test")
        notify.settimeout(60)
        proc = subprocess.Popen(["systemd-socket-activate", "-l", SOCK, "-l", SOCK_RO,
                                 "-E", "NOTIFY_SOCKET=/run/notify-test"] + exec_start(),
                                stderr=subprocess.PIPE, text=True)
        try:
            harness.wait_for(lambda: os.path.exists(SOCK_RO), what="activation sockets")
            # the first connection starts the daemon, as under systemd
            self.assertEqual(harness.virsh("qemu+unix:///system?socket=" + SOCK,
                                           "hostname").stdout.strip(), "installtest")
            self.assertEqual(notify.recv(100), b"READY=1")
            self.assertEqual(harness.virsh(SYSTEM, "hostname").stdout.strip(),
                             "installtest")
            self.assertEqual(harness.virsh(SYSTEM, "uri").stdout.strip(), SYSTEM)
            harness.virsh(SYSTEM, "list", "--all", readonly=True)
            self.assertEqual(os.stat(LIBVIRT_SOCK).st_mode & 0o777, 0o600)
            self.assertEqual(os.stat(LIBVIRT_SOCK_RO).st_mode & 0o777, 0o666)
            # read-only really is read-only
            res = harness.virsh(SYSTEM, "define", "/dev/null", readonly=True, check=False)
            self.assertNotEqual(res.returncode, 0)
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=60)
            notify.close()
        self.assertEqual(proc.returncode, 0, err)
        self.assertFalse(os.path.exists(LIBVIRT_SOCK))
        self.assertFalse(os.path.exists(LIBVIRT_SOCK_RO))

    def refused(self, what):
        write_conf("\nlibvirt_drop_in = 1\n")
        res = subprocess.run(exec_start(), capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("libvirt_drop_in: ", res.stderr)
        self.assertIn("'%s'" % what, res.stderr)
        self.assertFalse(os.path.exists(SOCK), "the daemon listened anyway")
        return res.stderr

    def test_refuses_live_libvirt_socket(self):
        for path in (LIBVIRT_SOCK, LIBVIRT_SOCK_RO):
            os.makedirs("/run/libvirt", exist_ok=True)
            with socket.socket(socket.AF_UNIX) as libvirtd:
                libvirtd.bind(path)
                libvirtd.listen(8)
                err = self.refused(path)
                self.assertIn("served by another daemon", err)
                self.assertTrue(live(path), "the live socket was taken over")
            os.unlink(path)

    def test_refuses_virtqemud_socket(self):
        os.makedirs("/run/libvirt")
        with socket.socket(socket.AF_UNIX) as stale:
            stale.bind(VIRTQEMUD_SOCK)
        err = self.refused(VIRTQEMUD_SOCK)
        self.assertIn("would send clients to virtqemud", err)
        self.assertTrue(os.path.exists(VIRTQEMUD_SOCK))

    def test_stale_libvirt_socket_is_replaced(self):
        write_conf("\nlibvirt_drop_in = 1\n")
        os.makedirs("/run/libvirt")
        with socket.socket(socket.AF_UNIX) as stale:
            stale.bind(LIBVIRT_SOCK)
        proc = subprocess.Popen(exec_start(), stderr=subprocess.PIPE, text=True)
        try:
            harness.wait_for(lambda: live(SOCK), timeout=60, what="daemon")
            harness.virsh(SYSTEM, "version")
        finally:
            proc.terminate()
            proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0)

    def test_missing_config_is_an_error(self):
        res = subprocess.run(exec_start() + ["--config", "/etc/virtmig-none.conf"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 1)
        self.assertIn("cannot read config file '/etc/virtmig-none.conf'", res.stderr)
        self.assertFalse(os.path.exists("/run/virtmig"))

    def test_message_in_german(self):
        # po/de.po, installed as share/locale/de/LC_MESSAGES/virtmig.mo
        env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="de")
        res = subprocess.run(exec_start() + ["--config", "/etc/virtmig-none.conf"],
                             capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(res.returncode, 1)
        self.assertIn("Konfigurationsdatei '/etc/virtmig-none.conf' kann nicht "
                      "gelesen werden", res.stderr)
        self.assertTrue(os.path.exists(
            PREFIX + "/share/locale/de/LC_MESSAGES/virtmig.mo"))


def inside(destdir):
    mount("--bind", destdir + PREFIX, PREFIX)
    for d in ("/run", "/var/lib", "/var/log"):
        mount("-t", "tmpfs", "tmpfs", d)
    shutil.copy(CONF, CONF + ".orig")
    sys.argv[1:] = []
    harness.main()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        inside(sys.argv[2])
    sys.exit(outside())
