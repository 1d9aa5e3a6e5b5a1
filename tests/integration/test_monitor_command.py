"""virsh qemu-monitor-command and the taint it leaves, as in libvirt 9.0.

On one virtmigd host, with the test guest (its serial log tells whether
it kept running):

- a QMP command: QEMU's whole reply, ``--pretty`` as virsh prints it; an
  error reply is the user's to read (exit 0, as with libvirt); ``--hmp``
  runs a human monitor command line and prints its output; python's
  libvirt_qemu.qemuMonitorCommand does the same (QEMU_PROC 1);
- refused with libvirt's errors: text that is not a JSON object, a
  read-only connection, a domain that does not run, an unknown flag;
- the domain is tainted: ``virsh dominfo`` shows libvirt's message,
  virDomainGetMessages returns it for TAINTING and not for
  DEPRECATION, the domain's log has libvirt's line, once; a restart of
  the daemon keeps the taint, a restart of the domain clears it;
- a command that stops the vCPUs behind the daemon's back is seen as
  libvirt sees it (paused), and the guest runs on after ``cont``;
- ``virsh qemu-monitor-event`` (libvirt-qemu's monitor events, QEMU
  program procedures 4 to 6): the QMP events of a domain by exact name,
  without case, by regular expression or all, with their data and time
  stamps; another domain's events are not delivered; a bad expression,
  an unknown flag and a read-only connection are refused; during a live
  migration between two hosts the source's MIGRATION events show its
  states, as a developer watching a migration would use it.
"""

import json
import os
import re
import subprocess
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import VIRSH, Host, virsh

import libvirt
import libvirt_qemu

TAINT = "tainted: custom monitor control commands issued"


class MonitorCommand(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_guest()
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        cls.host = Host("qmonA").start()

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()

    def setUp(self):
        self.log = os.path.join(self.host.root,
                                "%s.log" % self._testMethodName)
        path = harness.write_file(
            os.path.join(self.host.root, "m.xml"),
            harness.guest_xml("m", self.log, cmdline="hb_ms=100 wss_mib=4"))
        virsh(self.host.uri, "define", path)
        qlog = os.path.join(self.host.root, "log", "qemu", "m.log")
        self.log_start = os.path.getsize(qlog) if os.path.exists(qlog) else 0
        virsh(self.host.uri, "start", "m")
        guestlog.wait_for_lines(self.log, 3, timeout=20)

    def tearDown(self):
        virsh(self.host.uri, "destroy", "m", check=False)
        virsh(self.host.uri, "undefine", "m", check=False)

    def mon(self, *args, check=True, readonly=False):
        return virsh(self.host.uri, "qemu-monitor-command", "m", *args,
                     check=check, readonly=readonly)

    def dominfo_messages(self):
        out = virsh(self.host.uri, "dominfo", "m").stdout
        return [line for line in out.splitlines() if "tainted" in line]

    def domain_log(self):
        """What the domain's log got since this test began."""
        with open(os.path.join(self.host.root, "log", "qemu", "m.log")) as f:
            f.seek(self.log_start)
            return f.read()

    def test_qmp_reply(self):
        reply = json.loads(self.mon('{"execute":"query-status"}').stdout)
        self.assertEqual(reply["return"]["status"], "running")
        self.assertTrue(reply["return"]["running"])
        self.assertIn("id", reply)
        pretty = self.mon('{"execute":"query-name"}', "--pretty").stdout
        self.assertIn('\n  "return": {', pretty)
        self.assertEqual(json.loads(pretty)["return"], {"name": "m"})

    def test_virsh_builds_the_command(self):
        # virsh 9.0 turns a command that is not JSON into one itself
        reply = json.loads(self.mon("query-status").stdout)
        self.assertEqual(reply["return"]["status"], "running")
        reply = json.loads(self.mon("not json").stdout)
        self.assertEqual(reply["error"]["class"], "CommandNotFound")

    def test_error_reply_is_returned(self):
        res = self.mon('{"execute":"no-such-command"}')
        reply = json.loads(res.stdout)
        self.assertEqual(reply["error"]["class"], "CommandNotFound")
        self.assertIn("no-such-command", reply["error"]["desc"])

    def test_hmp(self):
        out = self.mon("--hmp", "info status").stdout
        self.assertIn("VM status: running", out)
        out = self.mon("--hmp", "info name").stdout.strip()
        self.assertEqual(out, "m")

    def test_python(self):
        conn = libvirt.open(self.host.uri)
        try:
            dom = conn.lookupByName("m")
            out = libvirt_qemu.qemuMonitorCommand(
                dom, '{"execute":"query-kvm"}', 0)
            self.assertEqual(json.loads(out)["return"]["enabled"], False)
            out = libvirt_qemu.qemuMonitorCommand(
                dom, "info status",
                libvirt_qemu.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP)
            self.assertIn("VM status: running", out)
            self.assertEqual(
                dom.messages(libvirt.VIR_DOMAIN_MESSAGE_TAINTING), [TAINT])
            self.assertEqual(
                dom.messages(libvirt.VIR_DOMAIN_MESSAGE_DEPRECATION), [])
            self.assertEqual(dom.messages(0), [TAINT])
            for text in ("not json", '["execute", "query-status"]'):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    libvirt_qemu.qemuMonitorCommand(dom, text, 0)
                self.assertEqual(cm.exception.get_error_code(),
                                 libvirt.VIR_ERR_INTERNAL_ERROR)
                self.assertIn("cannot parse json " + text,
                              str(cm.exception))
            with self.assertRaises(libvirt.libvirtError) as cm:
                libvirt_qemu.qemuMonitorCommand(
                    dom, '{"execute":"query-status"}', 4)
            self.assertEqual(cm.exception.get_error_code(),
                             libvirt.VIR_ERR_INVALID_ARG)
            self.assertIn("unsupported flags (0x4)", str(cm.exception))
        finally:
            conn.close()

    def test_refusals(self):
        res = self.mon('{"execute":"query-status"}', check=False,
                       readonly=True)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("read only access prevents virDomainQemuMonitorCommand",
                      res.stderr)
        # refusals before the domain's job do not taint it
        self.assertEqual(self.dominfo_messages(), [])
        virsh(self.host.uri, "destroy", "m")
        res = self.mon('{"execute":"query-status"}', check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Requested operation is not valid: domain is not running",
                      res.stderr)

    def test_taint(self):
        self.assertEqual(self.dominfo_messages(), [])
        self.mon('{"execute":"query-status"}')
        self.mon("--hmp", "info status")
        msgs = self.dominfo_messages()
        self.assertEqual(len(msgs), 1, msgs)
        self.assertEqual(msgs[0].split(":", 1)[1].strip(), TAINT)
        self.assertEqual(self.domain_log().count("is tainted: custom-monitor"),
                         1, "logged once per run of the domain")
        # kept across a restart of the daemon (the status file) ...
        self.host.stop()
        self.host.start()
        self.assertEqual(len(self.dominfo_messages()), 1)
        self.mon('{"execute":"query-status"}')
        self.assertEqual(self.domain_log().count("is tainted: custom-monitor"),
                         1)
        # ... and gone with the QEMU it was about
        virsh(self.host.uri, "destroy", "m")
        self.assertEqual(self.dominfo_messages(), [])
        virsh(self.host.uri, "start", "m")
        self.assertEqual(self.dominfo_messages(), [])

    def wait_state(self, want, timeout=5):
        deadline = time.time() + timeout
        while True:
            state = virsh(self.host.uri, "domstate", "m").stdout.strip()
            if state == want or time.time() > deadline:
                return state
            time.sleep(0.1)

    def test_stop_behind_the_back(self):
        self.mon('{"execute":"stop"}')
        self.assertEqual(self.wait_state("paused"), "paused")
        self.mon('{"execute":"cont"}')
        self.assertEqual(self.wait_state("running"), "running")
        n = len(guestlog.parse_log(self.log))
        guestlog.wait_for_lines(self.log, n + 3, timeout=10)
        verdict = guestlog.check_continuity(self.log)
        self.assertTrue(verdict.ok, verdict.summary())


class MonitorEvent(harness.TwoHostsCase, unittest.TestCase):
    def setUp(self):
        self.logs = {}
        for name in ("e1", "e2"):
            self.logs[name] = os.path.join(
                self.a.root, "%s-%s.log" % (name, self._testMethodName))
            path = harness.write_file(
                os.path.join(self.a.root, name + ".xml"),
                harness.guest_xml(name, self.logs[name],
                                  cmdline="hb_ms=100 wss_mib=4"))
            virsh(self.a.uri, "define", path)
            self.addCleanup(self.cleanup_guest, name)
            virsh(self.a.uri, "start", name)
            guestlog.wait_for_lines(self.logs[name], 3, timeout=20)

    def watch(self, *args, uri=None):
        """A virsh qemu-monitor-event running in the background."""
        proc = subprocess.Popen(
            [VIRSH, "-c", uri or self.a.uri, "qemu-monitor-event"] +
            list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def lines(self, proc):
        out, err = proc.communicate(timeout=30)
        # virsh fails a watch that saw nothing
        if "events received: 0" not in out:
            self.assertEqual(proc.returncode, 0, out + err)
        return [line for line in out.splitlines()
                if re.match(r"event \S+ at ", line)]

    def test_filters(self):
        procs = {
            "exact": self.watch("--domain", "e1", "--event", "STOP",
                                "--loop", "--timeout", "5"),
            "nocase": self.watch("--event", "resume", "--no-case",
                                 "--loop", "--timeout", "5"),
            "regex": self.watch("--event", "^(STOP|RES)", "--regex",
                                "--loop", "--timeout", "5"),
            "all": self.watch("--domain", "e1", "--loop", "--timeout", "5"),
            "case": self.watch("--event", "stop", "--loop", "--timeout", "5"),
        }
        time.sleep(1)       # each virsh has registered
        for name in ("e1", "e2"):
            virsh(self.a.uri, "suspend", name)
            virsh(self.a.uri, "resume", name)
        got = {k: self.lines(p) for k, p in procs.items()}
        print(json.dumps(got, indent=1))
        self.assertEqual(len(got["exact"]), 1)
        self.assertRegex(got["exact"][0],
                         r"^event STOP at \d+\.\d{6} for domain 'e1': <null>$")
        self.assertEqual(sorted(line.split("'")[1] for line in got["nocase"]),
                         ["e1", "e2"])
        self.assertTrue(all(" RESUME " in line for line in got["nocase"]))
        self.assertEqual(len(got["regex"]), 4)
        names = [line.split()[1] for line in got["all"]]
        self.assertEqual(names[:2], ["STOP", "RESUME"])
        self.assertTrue(all("'e1'" in line for line in got["all"]))
        self.assertEqual(got["case"], [], "names compare with case")

    def test_refused(self):
        for args, msg in (
                (("--event", "(", "--regex"),
                 "invalid argument: failed to compile regex '('"),):
            res = virsh(self.a.uri, "qemu-monitor-event", "--timeout", "1",
                        *args, check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn(msg, res.stderr)
        res = virsh(self.a.uri, "qemu-monitor-event", "--timeout", "1",
                    check=False, readonly=True)
        self.assertIn("read only access prevents "
                      "virConnectDomainQemuMonitorEventRegister", res.stderr)
        import libvirt
        import libvirt_qemu
        libvirt.virEventRegisterDefaultImpl()
        conn = libvirt.open(self.a.uri)
        try:
            with self.assertRaises(libvirt.libvirtError) as cm:
                libvirt_qemu.qemuMonitorEventRegister(
                    conn, None, None, lambda *a: None, None, 8)
            self.assertIn("unsupported flags (0x8)", str(cm.exception))
            cid = libvirt_qemu.qemuMonitorEventRegister(
                conn, None, "STOP", lambda *a: None, None, 0)
            libvirt_qemu.qemuMonitorEventDeregister(conn, cid)
            with self.assertRaises(libvirt.libvirtError):
                libvirt_qemu.qemuMonitorEventDeregister(conn, cid)
        finally:
            conn.close()

    def test_migration_events(self):
        proc = self.watch("--domain", "e1", "--event", "MIGRATION", "--loop",
                          "--timeout", "20")
        time.sleep(1)
        virsh(self.a.uri, "migrate", "--live", "e1", self.b.uri)
        proc.send_signal(2)     # virsh stops on SIGINT, printing the count
        statuses = [json.loads(line.split(": ", 1)[1])["status"]
                    for line in self.lines(proc)]
        print(statuses)
        self.assertEqual(statuses[0], "setup")
        self.assertIn("active", statuses)
        self.assertEqual(statuses[-1], "completed")
        verdict = guestlog.check_continuity(self.logs["e1"])
        self.assertTrue(verdict.ok, verdict.summary())


if __name__ == "__main__":
    harness.main()
