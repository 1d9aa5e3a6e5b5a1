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
  libvirt sees it (paused), and the guest runs on after ``cont``.
"""

import json
import os
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

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


if __name__ == "__main__":
    harness.main()
