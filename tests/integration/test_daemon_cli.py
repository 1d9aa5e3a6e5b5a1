"""virtmigd as a program: options, roots, config errors, signals."""

import os
import signal
import socket
import subprocess
import time
import unittest

import harness
from harness import VIRTMIGD, Host, virsh


def run(*args, timeout=10):
    return subprocess.run([VIRTMIGD] + list(args), capture_output=True,
                          text=True, timeout=timeout)


class DaemonCLI(unittest.TestCase):
    def setUp(self):
        self.hosts = []

    def tearDown(self):
        for h in self.hosts:
            h.cleanup()

    def host(self, name, **kw):
        h = Host(name, **kw)
        self.hosts.append(h)
        return h

    def test_help_and_version(self):
        res = run("--help")
        self.assertEqual(res.returncode, 0)
        self.assertIn("--root", res.stdout)
        self.assertIn("--pid-file", res.stdout)
        self.assertIn("--verbose", res.stdout)
        res = run("--version")
        self.assertEqual(res.returncode, 0)
        self.assertRegex(res.stdout, r"^virtmigd \(virtmig\) \d+\.\d+\.\d+")
        res = run("--bogus")
        self.assertEqual(res.returncode, 2)
        self.assertIn("Unknown option --bogus", res.stderr)

    def test_root_layout_and_sigterm(self):
        h = self.host("hostL").start()
        st = os.stat(h.sock)
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(h.sock_ro).st_mode & 0o777, 0o666)
        self.assertTrue(os.path.isdir(os.path.join(h.root, "lib")))
        self.assertTrue(os.path.isdir(os.path.join(h.root, "log")))
        with open(os.path.join(h.root, "run", "virtmigd.pid")) as f:
            self.assertEqual(int(f.read()), h.pid())
        start = time.time()
        self.assertEqual(h.stop(signal.SIGTERM), 0)
        print("\nSIGTERM to exit: %.0f ms" % ((time.time() - start) * 1000))
        self.assertFalse(os.path.exists(h.sock))
        self.assertFalse(os.path.exists(h.sock_ro))
        self.assertFalse(os.path.exists(os.path.join(h.root, "run", "virtmigd.pid")))

    def test_sigint(self):
        h = self.host("hostI").start()
        self.assertEqual(h.stop(signal.SIGINT), 0)
        self.assertFalse(os.path.exists(h.sock))

    def test_second_daemon_refused(self):
        h = self.host("hostD").start()
        res = run("--root", h.root)
        self.assertEqual(res.returncode, 1)
        # said once: logged as reported, not printed again on the way out
        self.assertEqual(res.stderr.count("already running"), 1, res.stderr)
        # the first one is untouched and still serves
        self.assertEqual(virsh(h.uri, "hostname").stdout.strip(), "hostD")

    def test_host_uuid_generated_once(self):
        h = self.host("hostU").start()
        path = os.path.join(h.root, "lib", "host-uuid")
        with open(path) as f:
            first = f.read().strip()
        self.assertRegex(first, r"^[0-9a-f]{8}-[0-9a-f]{4}-4")
        caps = virsh(h.uri, "capabilities").stdout
        self.assertIn("<uuid>%s</uuid>" % first, caps)
        h.stop()
        h.start()
        with open(path) as f:
            self.assertEqual(f.read().strip(), first)
        other = self.host("hostU2").start()
        self.assertNotIn("<uuid>%s</uuid>" % first,
                         virsh(other.uri, "capabilities").stdout)

    def test_host_uuid_from_config(self):
        u = "2f0a3c9e-1b7d-4c55-9e0e-6a1d2b3c4d5e"
        h = self.host("hostC", conf={"host_uuid": u}).start()
        self.assertIn("<uuid>%s</uuid>" % u, virsh(h.uri, "capabilities").stdout)

    def test_config_errors_name_file_and_line(self):
        h = self.host("hostE")
        conf = os.path.join(h.root, "virtmigd.conf")
        cases = [
            ("host_name = \"a\"\nmax_clients = lots\n", ":2: max_clients: expected an integer"),
            ("# c\n\nbogus_key = 1\n", ":3: bogus_key: unknown setting"),
            ("host_name \"a\"\n", ":1: expected 'key = value'"),
            ("host_uuid = \"nope\"\n", ":1: host_uuid: not a valid UUID"),
            ("log_filters = \"9:qemu\"\n", "Invalid log filter '9:qemu'"),
        ]
        for text, expect in cases:
            with open(conf, "w") as f:
                f.write(text)
            res = run("--root", h.root)
            self.assertEqual(res.returncode, 1, text)
            self.assertIn(expect, res.stderr, text)
            if expect.startswith(":"):
                self.assertIn(conf + expect, res.stderr)

    def test_tcp_refuses_non_loopback(self):
        h = self.host("hostT", conf={"listen_tcp": "0.0.0.0:%d" % harness.free_port()})
        h.write_conf()
        res = run("--root", h.root)
        self.assertEqual(res.returncode, 1)
        self.assertIn("refusing to listen on non-loopback address", res.stderr)

    def test_tcp_allow_remote_explicit(self):
        port = harness.free_port()
        h = self.host("hostR", conf={"listen_tcp": "0.0.0.0:%d" % port,
                                     "listen_tcp_allow_remote": 1}).start()
        h.tcp_port = port
        self.assertEqual(virsh(h.tcp_uri, "hostname").stdout.strip(), "hostR")

    def test_log_outputs_and_filters(self):
        logfile = "/tmp/virtmig-cli-%d.log" % os.getpid()
        h = self.host("hostG", conf={"log_outputs": "1:file:" + logfile,
                                     "log_filters": "1:rpc 3:util"})
        try:
            h.start()
            virsh(h.uri, "hostname")
            with open(logfile) as f:
                text = f.read()
            self.assertIn("debug : virNetServerProgramDispatch", text)
        finally:
            if os.path.exists(logfile):
                os.unlink(logfile)


if __name__ == "__main__":
    harness.require("virsh")
    harness.main()
