"""The guest agent and vCPU hotplug (issue 16), with stock virsh and
python-libvirt.

The real Linux test guest (tests/linuxguest/README.rst: Debian's qemu-ga
runs in its initramfs), booted once on host A with an
org.qemu.guest_agent.0 channel and ``<vcpu current='1'>2</vcpu>``:

- ``virsh qemu-agent-command '{"execute":"guest-info"}'`` (libvirt-qemu's
  own RPC program) answers with qemu-ga's version and commands, so does
  python's libvirt_qemu.qemuAgentCommand; an unknown command gets
  libvirt's "unable to execute QEMU agent command" error;
- ``virsh guestinfo`` (os, hostname, timezone, users, interfaces, disks),
  ``domhostname --source agent``, ``domifaddr --source agent`` (eth0
  10.0.2.15/24 with the domain's MAC), ``domtime``, ``domfsinfo``,
  ``domfsfreeze``/``domfsthaw``;
- ``vcpucount``, ``setvcpus --live 2`` (device_add of the slot
  query-hotpluggable-cpus names), ``guestvcpus`` (the new vCPU offline in
  the guest), ``setvcpus --guest 2`` (online), then ``virsh migrate
  --live`` to host B: B started QEMU with the hot-plugged vCPU plugged
  before the guest's state arrived, the guest ran on (one boot, no gap),
  both vCPUs still online in it; ``setvcpus --live 1`` on B unplugs it
  (the guest ejects it);
- an agent that does not answer in time (stopped for 4 s by a command it
  ran itself): ``qemu-agent-command --timeout 2`` fails after about 2 s
  with "Guest agent is not responding: Guest agent not available for
  now", and the next command gets its own answer, not a stale one;
- ``virsh managedsave`` on A then ``start``: the same boot goes on
  (heartbeats continuous, disk and memory checks ok, the disk image
  consistent while parked) and qemu-ga answers through the new QEMU;
- qemu-ga restarted in the guest: AGENT_LIFECYCLE disconnected, calls
  refused at once as not connected, then connected and answered;
- ``virsh shutdown --mode agent``: guest-shutdown, the guest powers off.

Error cases with the tiny test guest (no agent in it), each answered at
once: no channel ("argument unsupported: QEMU guest agent is not
configured"), a channel nobody opened ("Guest agent is not responding:
QEMU guest agent is not connected"), a domain that does not run; and
the live vCPU changes QEMU refuses."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
from eventlib import VirshEvents
from harness import Host, virsh

import libvirt
import libvirt_qemu

sys.path.insert(0, os.path.join(harness.SRCDIR, "tests", "linuxguest"))
import linuxlog  # noqa: E402
import mkguest  # noqa: E402
import test_linux_guest as lg  # noqa: E402

BOOT_TIMEOUT = 120
CHANNEL = """    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
"""


def with_agent(xml, vcpus="<vcpu current='1'>2</vcpu>"):
    """@xml with an agent channel (before the first serial port) and
    @vcpus instead of <vcpu>1</vcpu>."""
    xml = xml.replace("<vcpu>1</vcpu>", vcpus)
    return xml.replace("    <serial type='file'>", CHANNEL +
                       "    <serial type='file'>", 1)


def fields(text):
    """"key : value" lines (virsh guestinfo, guestvcpus) as a dict."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s*: (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def vcpucount(uri, name, *flags):
    """virsh vcpucount as {(maximum|current, config|live): N}."""
    res = virsh(uri, "vcpucount", name, *flags)
    if flags:
        return int(res.stdout.strip())
    out = {}
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[(parts[0], parts[1])] = int(parts[2])
    return out


class LinuxAgent(unittest.TestCase):
    """One Linux guest for every step, in order (test_1 ... test_7)."""

    @classmethod
    def setUpClass(cls):
        cls.images = mkguest.ensure(lg.GUEST_DIR, lg.AGENT)
        cls.a = Host("agentA", conf=lg.migration_conf()).start()
        cls.b = Host("agentB", conf=lg.migration_conf()).start()
        cls.name = "lxga"
        cls.host = cls.a
        cls.log = os.path.join(cls.a.root, cls.name + "-serial.log")
        cls.disk = os.path.join(cls.a.root, cls.name + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", cls.disk,
                        "8M"], check=True)
        xml = with_agent(lg.linux_xml(cls.name, cls.images, cls.disk,
                                      cls.log))
        path = harness.write_file(os.path.join(cls.a.root, "lxga.xml"), xml)
        virsh(cls.a.uri, "define", path)
        start = time.monotonic()
        virsh(cls.a.uri, "start", cls.name)
        linuxlog.wait_for_lines(cls.log, 1, timeout=BOOT_TIMEOUT)
        harness.wait_for(cls.agent_connected, timeout=60, step=0.2,
                         what="the guest agent to connect")
        print("\nguest and agent up %.1f s after virsh start"
              % (time.monotonic() - start))

    @classmethod
    def tearDownClass(cls):
        linuxlog.unfollow(cls.log)
        for h in (cls.a, cls.b):
            virsh(h.uri, "destroy", cls.name, check=False)
        cls.a.cleanup()
        cls.b.cleanup()

    @classmethod
    def agent_connected(cls):
        xml = virsh(cls.host.uri, "dumpxml", cls.name).stdout
        return "name='org.qemu.guest_agent.0' state='connected'" in xml

    def agent(self, cmd, *opts, check=True):
        return virsh(self.host.uri, "qemu-agent-command", *opts, self.name,
                     cmd, check=check)

    def test_1_agent_command(self):
        res = self.agent('{"execute":"guest-info"}')
        reply = json.loads(res.stdout)
        info = reply["return"]
        self.assertTrue(info["version"].startswith("7."), info["version"])
        names = [c["name"] for c in info["supported_commands"]]
        self.assertIn("guest-get-osinfo", names)
        # the same through python's libvirt_qemu (QEMU_PROC 3)
        conn = libvirt.open(self.host.uri)
        try:
            dom = conn.lookupByName(self.name)
            out = libvirt_qemu.qemuAgentCommand(
                dom, '{"execute":"guest-get-host-name"}', 5, 0)
            self.assertEqual(json.loads(out),
                             {"return": {"host-name": "virtmig-guest"}})
        finally:
            conn.close()
        res = self.agent('{"execute":"no-such-command"}', check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("internal error: unable to execute QEMU agent command "
                      "'no-such-command'", res.stderr)
        res = self.agent('not json', check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("cannot parse json", res.stderr)
        # as in libvirt, the domain is tainted by the agent command
        info = virsh(self.host.uri, "dominfo", self.name).stdout
        self.assertIn("tainted: custom guest agent control commands issued",
                      info)

    def test_2_guest_info(self):
        uri = self.host.uri
        info = fields(virsh(uri, "guestinfo", self.name).stdout)
        print(json.dumps(info, indent=1))
        self.assertEqual(info["os.id"], "virtmig-linux")
        self.assertEqual(info["os.name"], "virtmig Linux test guest")
        self.assertEqual(info["os.machine"], "x86_64")
        self.assertEqual(info["os.kernel-release"],
                         self.images["version"][len("vmlinuz-"):])
        self.assertEqual(info["hostname"], "virtmig-guest")
        self.assertEqual(info["user.count"], "0")
        self.assertIn("timezone.offset", info)
        # the guest's disk, matched to the domain's by its PCI address
        self.assertEqual((info["disk.0.name"], info["disk.0.alias"]),
                         ("/dev/vda", "vda"))
        ifaces = {info["if.%d.name" % i]: i
                  for i in range(int(info["if.count"]))}
        self.assertIn("eth0", ifaces)
        eth0 = ifaces["eth0"]
        addrs = [info["if.%d.addr.%d.addr" % (eth0, j)]
                 for j in range(int(info["if.%d.addr.count" % eth0]))]
        self.assertIn("10.0.2.15", addrs)
        only = fields(virsh(uri, "guestinfo", "--hostname", self.name).stdout)
        self.assertEqual(only, {"hostname": "virtmig-guest"})
        self.assertEqual(virsh(uri, "domhostname", "--source", "agent",
                               self.name).stdout.strip(), "virtmig-guest")

        mac = re.search(r"<mac address='([^']+)'/>",
                        virsh(uri, "dumpxml", self.name).stdout).group(1)
        out = virsh(uri, "domifaddr", "--source", "agent", self.name).stdout
        print(out)
        self.assertRegex(out, r"eth0\s+%s\s+ipv4\s+10\.0\.2\.15/24" % mac)
        self.assertRegex(out, r"lo\s+00:00:00:00:00:00\s+ipv4\s+127\.0\.0\.1/8")
        # the python binding's shape of the same answer
        conn = libvirt.open(uri)
        try:
            got = conn.lookupByName(self.name).interfaceAddresses(
                libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT)
        finally:
            conn.close()
        self.assertEqual(got["eth0"]["hwaddr"], mac)
        self.assertIn({"type": libvirt.VIR_IP_ADDR_TYPE_IPV4,
                       "addr": "10.0.2.15", "prefix": 24}, got["eth0"]["addrs"])

        # the guest's clock is the host's (RTC in UTC)
        out = virsh(uri, "domtime", self.name).stdout
        guest = int(re.search(r"Time: (\d+)", out).group(1))
        self.assertLess(abs(guest - time.time()), 30, out)
        virsh(uri, "domtime", self.name, "--time", str(int(time.time()) + 3600))
        out = virsh(uri, "domtime", self.name).stdout
        guest = int(re.search(r"Time: (\d+)", out).group(1))
        self.assertLess(abs(guest - time.time() - 3600), 30, out)
        virsh(uri, "domtime", self.name, "--now")
        out = virsh(uri, "domtime", self.name).stdout
        guest = int(re.search(r"Time: (\d+)", out).group(1))
        self.assertLess(abs(guest - time.time()), 30, out)
        # no file system on a block device in the guest (virsh -q: no
        # "Froze 0 filesystem(s)")
        self.assertEqual(virsh(uri, "domfsinfo", self.name).stdout.strip(), "")
        virsh(uri, "domfsfreeze", self.name)
        virsh(uri, "domfsthaw", self.name)
        res = virsh(uri, "domfsthaw", self.name, "--mountpoint", "/",
                    check=False)
        self.assertIn("specifying mountpoints is not supported", res.stderr)

    def test_3_managedsave_start(self):
        """Managed save parks the guest (QEMU gone, its disk quiet and
        consistent), start brings the same boot back: heartbeats go on
        from where they stopped, disk and memory checks ok, and the agent
        answers again through the new QEMU's channel."""
        uri = self.a.uri
        beats = linuxlog.parse_log(self.log)
        boot = beats[-1].boot
        start = time.monotonic()
        virsh(uri, "managedsave", self.name, timeout=120)
        print("\nmanagedsave took %.1f s" % (time.monotonic() - start))
        self.assertEqual(harness.domstate(self.a, self.name),
                         "shut off (saved)")
        self.assertRegex(virsh(uri, "dominfo", self.name).stdout,
                         r"Managed save:\s+yes")
        self.assertEqual(harness.qemu_pids_under(self.a.root), [])
        res = self.agent('{"execute":"guest-ping"}', check=False)
        self.assertIn("domain is not running", res.stderr)
        n = len(linuxlog.parse_log(self.log))
        time.sleep(1)
        self.assertEqual(len(linuxlog.parse_log(self.log)), n)
        disk = linuxlog.check_disk(linuxlog.read_image(self.disk), boot)
        self.assertTrue(disk.ok, disk.summary())

        virsh(uri, "start", self.name, timeout=120)
        self.assertEqual(harness.domstate(self.a, self.name),
                         "running (restored)")
        self.assertRegex(virsh(uri, "dominfo", self.name).stdout,
                         r"Managed save:\s+no")
        linuxlog.wait_for_lines(self.log, n + lg.PASS_BEATS, timeout=60)
        verdict = linuxlog.check_continuity(self.log)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.boot_ids, [boot])
        harness.wait_for(self.agent_connected, timeout=30, step=0.2,
                         what="the guest agent to reconnect")
        out = json.loads(self.agent('{"execute":"guest-get-host-name"}').stdout)
        self.assertEqual(out, {"return": {"host-name": "virtmig-guest"}})
        info = json.loads(self.agent('{"execute":"guest-info"}').stdout)
        self.assertTrue(info["return"]["version"].startswith("7."))

    def guestvcpus(self):
        return fields(virsh(self.host.uri, "guestvcpus", self.name).stdout)

    def test_4_vcpu_hotplug_and_migrate(self):
        uri = self.a.uri
        self.assertEqual(vcpucount(uri, self.name), {
            ("maximum", "config"): 2, ("maximum", "live"): 2,
            ("current", "config"): 1, ("current", "live"): 1})
        self.assertEqual(vcpucount(uri, self.name, "--guest"), 1)
        virsh(uri, "setvcpus", self.name, "2", "--live")
        self.assertEqual(vcpucount(uri, self.name)[("current", "live")], 2)
        self.assertEqual(vcpucount(uri, self.name)[("current", "config")], 1)
        xml = virsh(uri, "dumpxml", self.name).stdout
        self.assertIn("<vcpu id='1' enabled='yes' hotpluggable='yes' "
                      "order='2'/>", xml)
        # the guest sees the new vCPU, offline until it is asked
        harness.wait_for(lambda: self.guestvcpus().get("vcpus") == "0-1",
                         timeout=20, step=0.5, what="the guest to see vCPU 1")
        self.assertEqual(self.guestvcpus()["online"], "0")
        virsh(uri, "setvcpus", self.name, "2", "--guest")
        self.assertEqual(self.guestvcpus()["online"], "0-1")
        self.assertEqual(vcpucount(uri, self.name, "--guest"), 2)

        linuxlog.follow(self.log)
        n = len(linuxlog.parse_log(self.log))
        virsh(uri, "migrate", "--live", "--unsafe", self.name, self.b.uri,
              timeout=300)
        type(self).host = self.b
        self.assertEqual(harness.domstate(self.b, self.name),
                         "running (migrated)")
        linuxlog.wait_for_lines(self.log, n + lg.PASS_BEATS, timeout=60)
        verdict = linuxlog.check_continuity(self.log, max_gap_s=lg.MAX_GAP_S)
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.boots, 1)
        self.assertEqual(vcpucount(self.b.uri, self.name)[("current", "live")],
                         2)
        self.assertEqual(self.guestvcpus()["online"], "0-1")
        pids = harness.qemu_pids_under(self.b.root)
        with open("/proc/%d/cmdline" % pids[0], "rb") as f:
            argv = f.read().decode().split("\0")
        self.assertIn("1,maxcpus=2,sockets=2,cores=1,threads=1", argv)

        # unplug on B: the guest ejects the vCPU
        virsh(self.b.uri, "setvcpus", self.name, "1", "--live", timeout=30)
        self.assertEqual(vcpucount(self.b.uri, self.name)[("current", "live")],
                         1)
        self.assertEqual(self.guestvcpus()["vcpus"], "0")
        self.assertNotIn("<vcpus>", virsh(self.b.uri, "dumpxml",
                                          self.name).stdout)
        linuxlog.wait_for_lines(self.log, n + 2 * lg.PASS_BEATS, timeout=60)
        verdict = linuxlog.check_continuity(self.log, max_gap_s=lg.MAX_GAP_S)
        self.assertTrue(verdict.ok, verdict.summary())

    def stop_agent(self, seconds=4, settle=0.5):
        """qemu-ga runs a shell that stops qemu-ga for @seconds; @settle
        is the time given to the shell to start."""
        self.agent('{"execute":"guest-exec","arguments":{"path":'
                   '"/bin/busybox","arg":["sh","-c","kill -STOP $PPID; '
                   'sleep %d; kill -CONT $PPID"]}}' % seconds)
        time.sleep(settle)

    def test_5_agent_timeout(self):
        self.stop_agent()
        start = time.monotonic()
        res = self.agent('{"execute":"guest-ping"}', "--timeout", "2",
                         check=False)
        took = time.monotonic() - start
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Guest agent is not responding: Guest agent not "
                      "available for now", res.stderr)
        self.assertLess(took, 4.5)
        # a domain observer is not held up meanwhile
        start = time.monotonic()
        virsh(self.host.uri, "domstate", self.name)
        self.assertLess(time.monotonic() - start, 2)
        time.sleep(4)
        out = json.loads(self.agent('{"execute":"guest-get-host-name"}').stdout)
        self.assertEqual(out, {"return": {"host-name": "virtmig-guest"}})

    def test_6_agent_restart(self):
        """qemu-ga restarts in the guest: the host sees the channel close
        (AGENT_LIFECYCLE disconnected, agent calls refused at once as not
        connected) and open again (connected), and the next command gets
        its own answer from the new qemu-ga."""
        restart = ('{"execute":"guest-exec","arguments":{"path":"/bin/busybox",'
                   '"arg":["sh","-c","sleep 1; kill $PPID; sleep 3; '
                   '/usr/sbin/qemu-ga -m virtio-serial -t /run -p '
                   '/dev/virtio-ports/org.qemu.guest_agent.0 '
                   '</dev/null >/dev/null 2>&1 &"]}}')
        watch = VirshEvents(self.host.uri, "--event", "agent-lifecycle")
        self.addCleanup(watch.stop)
        time.sleep(0.5)
        self.agent(restart)
        harness.wait_for(lambda: not self.agent_connected(), timeout=10,
                         step=0.1, what="the agent's channel to close")
        start = time.monotonic()
        res = self.agent('{"execute":"guest-ping"}', check=False)
        self.assertIn("QEMU guest agent is not connected", res.stderr)
        self.assertLess(time.monotonic() - start, 3)
        harness.wait_for(self.agent_connected, timeout=30, step=0.2,
                         what="the restarted agent to connect")
        out = json.loads(self.agent('{"execute":"guest-get-host-name"}').stdout)
        self.assertEqual(out, {"return": {"host-name": "virtmig-guest"}})
        harness.wait_for(lambda: len(watch.events(self.name)) >= 2, timeout=5,
                         what="two agent-lifecycle events")
        prefix = "event 'agent-lifecycle' for domain '%s': state: " % self.name
        self.assertEqual(watch.events(self.name)[:2], [
            prefix + "'disconnected' reason: 'channel event'",
            prefix + "'connected' reason: 'channel event'"])

    def test_7_shutdown_agent(self):
        # transient on B (migrated without --persistent): gone once off
        virsh(self.host.uri, "shutdown", "--mode", "agent", self.name)
        harness.wait_for(lambda: harness.domstate(self.host, self.name) is None,
                         timeout=60, step=0.2, what="the guest to power off")
        with open(self.log) as f:
            self.assertIn("reboot: Power down", f.read().splitlines()[-1])


class AgentErrors(unittest.TestCase):
    """The tiny test guest: no agent ever runs in it."""

    @classmethod
    def setUpClass(cls):
        cls.a = Host("agenterr").start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()

    def start(self, name, xml):
        path = harness.write_file(os.path.join(self.a.root, name + ".xml"), xml)
        virsh(self.a.uri, "define", path)
        self.addCleanup(virsh, self.a.uri, "undefine", name, check=False)
        self.addCleanup(virsh, self.a.uri, "destroy", name, check=False)
        virsh(self.a.uri, "start", name)

    def expect(self, name, message, *cmd):
        start = time.monotonic()
        res = virsh(self.a.uri, *cmd, check=False)
        self.assertNotEqual(res.returncode, 0, res.stdout)
        self.assertIn(message, res.stderr)
        self.assertLess(time.monotonic() - start, 3, cmd)

    def agent_calls(self, name):
        return (("qemu-agent-command", name, '{"execute":"guest-ping"}'),
                ("guestinfo", name),
                ("domifaddr", "--source", "agent", name),
                ("domhostname", "--source", "agent", name),
                ("domtime", name),
                ("guestvcpus", name),
                ("vcpucount", "--guest", name),
                ("shutdown", "--mode", "agent", name))

    def test_not_configured(self):
        name = "noagent"
        log = os.path.join(self.a.root, name + ".log")
        self.start(name, harness.guest_xml(name, log))
        for cmd in self.agent_calls(name):
            self.expect(name, "argument unsupported: QEMU guest agent is not "
                        "configured", *cmd)
        self.assertEqual(harness.domstate(self.a, name), "running (booted)")

    def test_not_connected(self):
        name = "silent"
        log = os.path.join(self.a.root, name + ".log")
        self.start(name, with_agent(harness.guest_xml(name, log)))
        for cmd in self.agent_calls(name):
            self.expect(name, "Guest agent is not responding: QEMU guest "
                        "agent is not connected", *cmd)
        # without --mode, shutdown presses the power button instead
        virsh(self.a.uri, "shutdown", name)
        # a guest without ACPI: QEMU plugs a vCPU, refuses to unplug it
        virsh(self.a.uri, "setvcpus", name, "2", "--live")
        res = virsh(self.a.uri, "setvcpus", name, "1", "--live", check=False)
        self.assertIn("CPU hot unplug not supported without ACPI", res.stderr)
        self.assertEqual(vcpucount(self.a.uri, name)[("current", "live")], 2)

    def test_not_running(self):
        name = "offagent"
        log = os.path.join(self.a.root, name + ".log")
        path = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                  with_agent(harness.guest_xml(name, log)))
        virsh(self.a.uri, "define", path)
        self.addCleanup(virsh, self.a.uri, "undefine", name, check=False)
        self.expect(name, "Requested operation is not valid: domain is not "
                    "running", "qemu-agent-command", name,
                    '{"execute":"guest-ping"}')
        self.expect(name, "domain is not running", "guestinfo", name)
        self.assertEqual(vcpucount(self.a.uri, name), {
            ("maximum", "config"): 2, ("current", "config"): 1})

    def test_unplug_refused(self):
        """The tiny guest knows nothing of ACPI, even on a machine with it:
        a hot-plugged vCPU goes in, QEMU refuses to ask for it back."""
        name = "noeject"
        log = os.path.join(self.a.root, name + ".log")
        xml = with_agent(harness.guest_xml(name, log)).replace(
            "  </os>\n", "  </os>\n  <features>\n    <acpi/>\n  </features>\n")
        self.assertIn("<acpi/>", xml)
        self.start(name, xml)
        virsh(self.a.uri, "setvcpus", name, "2", "--live")
        self.assertEqual(vcpucount(self.a.uri, name)[("current", "live")], 2)
        res = virsh(self.a.uri, "setvcpus", name, "3", "--live", check=False)
        self.assertIn("requested vcpus is greater than max allowable vcpus "
                      "for the live domain: 3 > 2", res.stderr)
        res = virsh(self.a.uri, "setvcpus", name, "2", "--live", "--maximum",
                    check=False)
        self.assertNotEqual(res.returncode, 0)
        # QEMU keeps ACPI's legacy CPU hotplug until the guest's ACPI code
        # switches it over (Linux does): no unplug then
        res = virsh(self.a.uri, "setvcpus", name, "1", "--live", check=False)
        self.assertIn("acpi: device unplug request for not supported device "
                      "type: qemu64-x86_64-cpu", res.stderr)
        self.assertEqual(vcpucount(self.a.uri, name)[("current", "live")], 2)
        self.assertIn("<vcpu id='1' enabled='yes' hotpluggable='yes' "
                      "order='2'/>", virsh(self.a.uri, "dumpxml", name).stdout)
        self.assertEqual(harness.domstate(self.a, name), "running (booted)")


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    harness.require_guest()
    if not os.path.exists(lg.AGENT):
        print("FAIL: %s was not built" % lg.AGENT)
        sys.exit(1)
    harness.main()
