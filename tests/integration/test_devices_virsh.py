"""The devices of real guests, with stock virsh against virtmigd hosts.

Two virtmigd hosts run in a private network namespace that has a bridge,
so the test creates and checks real tap devices without touching the
machine's network.  The project's test guest gets a bridge NIC (virtio),
a managed ethernet NIC (e1000), VNC, a virtio tablet, the QEMU guest
agent channel, an RNG, a watchdog and a balloon with statistics.  The
test checks what the host sees (taps on the bridge with the 0xfe MAC,
VNC listening on the reserved port, the agent socket), the live XML, a
live migration to the second host (the guest keeps running, its taps and
port move with it) and that stopping gives everything back.  A bridge
NIC plugged into a running guest (attach-interface --live) gets its tap
on the bridge as at start, moves with a live migration, and its tap goes
when the guest ejects it (detach-interface).

Exits 77 (skip) without root, ip(8), /dev/net/tun or network namespaces.
"""

import os
import re
import subprocess
import sys
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

NETNS = "virtmig-dev-%d" % os.getpid()
BRIDGE = "brvm0"
HP_MAC = "52:54:00:bb:00:01"


def ns(*cmd, check=True):
    return subprocess.run(["ip", "netns", "exec", NETNS] + list(cmd),
                          capture_output=True, text=True, check=check)


def require_netns():
    if os.geteuid() != 0:
        print("SKIP: tap devices and network namespaces need root")
        sys.exit(77)
    if not os.path.exists("/dev/net/tun"):
        print("SKIP: /dev/net/tun is missing")
        sys.exit(77)
    res = subprocess.run(["ip", "netns", "add", NETNS], capture_output=True,
                         text=True)
    if res.returncode != 0:
        print("SKIP: cannot create a network namespace: %s" % res.stderr.strip())
        sys.exit(77)
    ns("ip", "link", "set", "lo", "up")
    ns("ip", "link", "add", BRIDGE, "type", "bridge")
    ns("ip", "link", "set", BRIDGE, "up")


class NetnsHost(Host):
    """A virtmigd host started inside the test's network namespace."""

    def start(self, extra_args=(), wait=True):
        self.write_conf()
        self.stderr = open(os.path.join(self.root, "stderr.log"), "ab")
        self.proc = subprocess.Popen(["ip", "netns", "exec", NETNS,
                                      harness.VIRTMIGD, "--root", self.root] +
                                     list(extra_args),
                                     stdout=self.stderr, stderr=self.stderr)
        if wait:
            self.wait_ready()
        return self


def guest_xml(name, serial_log):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='KiB'>%d</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <cmdline>hb_ms=100 wss_mib=4</cmdline>
  </os>
  <devices>
    <interface type='bridge'>
      <mac address='52:54:00:aa:00:01'/>
      <source bridge='%s'/>
      <model type='virtio'/>
    </interface>
    <interface type='ethernet'>
      <mac address='52:54:00:aa:00:02'/>
      <model type='e1000'/>
      <mtu size='1400'/>
    </interface>
    <serial type='file'>
      <source path='%s' append='on'/>
    </serial>
    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <input type='tablet' bus='virtio'/>
    <graphics type='vnc' port='-1' autoport='yes'/>
    <video>
      <model type='vga'/>
    </video>
    <watchdog model='i6300esb' action='reset'/>
    <memballoon model='virtio'>
      <stats period='5'/>
    </memballoon>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
    </rng>
  </devices>
</domain>
""" % (name, harness.GUEST_KIB, harness.GUEST_ELF, BRIDGE, serial_log)


def link_info(dev):
    res = ns("ip", "-o", "link", "show", dev, check=False)
    return res.stdout if res.returncode == 0 else None


def listening(port):
    return ":%d " % port in ns("ss", "-ltnH").stdout


class Devices(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hosts = []
        for name in ("devA", "devB"):
            port = harness.free_port()
            conf = {"migration_host": "127.0.0.1",
                    "migration_port_min": port, "migration_port_max": port + 4}
            cls.hosts.append(NetnsHost(name, conf=conf).start())
        cls.a, cls.b = cls.hosts

    @classmethod
    def tearDownClass(cls):
        for h in cls.hosts:
            h.cleanup()

    def cleanup_guest(self, name):
        for h in self.hosts:
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def define_start(self, host, name):
        log = os.path.join(host.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(host.root, name + ".xml"),
                                 guest_xml(name, log))
        self.addCleanup(self.cleanup_guest, name)
        virsh(host.uri, "define", xml)
        virsh(host.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=10)
        return log

    def taps(self, host, name):
        xml = virsh(host.uri, "dumpxml", name).stdout
        return re.findall(r"<target dev='(vnet\d+)'/>", xml), xml

    def check_host_side(self, host, name, port_min):
        (bridged, plain), xml = self.taps(host, name)
        br = link_info(bridged)
        self.assertIsNotNone(br, bridged)
        self.assertIn("master %s" % BRIDGE, br)
        self.assertIn("fe:54:00:aa:00:01", br)
        eth = link_info(plain)
        self.assertIsNotNone(eth, plain)
        self.assertNotIn("master", eth)
        self.assertIn("mtu 1400", eth)
        m = re.search(r"<graphics type='vnc' port='(\d+)' autoport='yes' "
                      r"listen='127.0.0.1'>", xml)
        self.assertIsNotNone(m, xml)
        port = int(m.group(1))
        self.assertEqual(port, port_min)
        self.assertTrue(listening(port))
        m = re.search(r"<source mode='bind' path='([^']+)'/>\s*"
                      r"<target type='virtio' name='org.qemu.guest_agent.0' "
                      r"state='disconnected'/>", xml)
        self.assertIsNotNone(m, xml)
        self.assertTrue(os.path.exists(m.group(1)))
        self.assertIn("<alias name='channel0'/>", xml)
        self.assertIn("<address type='virtio-serial' controller='0' bus='0' "
                      "port='1'/>", xml)
        return (bridged, plain), port, m.group(1)

    def test_network_type_refused(self):
        xml = guest_xml("netw", "/tmp/x.log").replace(
            "<interface type='bridge'>", "<interface type='network'>").replace(
            "<source bridge='%s'/>" % BRIDGE, "<source network='default'/>")
        path = harness.write_file(os.path.join(self.a.root, "netw.xml"), xml)
        res = virsh(self.a.uri, "define", path, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("interface type 'network' needs libvirt's network driver",
                      res.stderr)
        self.assertNotIn("netw", virsh(self.a.uri, "list", "--all",
                                       "--name").stdout)

    def test_missing_bridge(self):
        xml = guest_xml("nobr", os.path.join(self.a.root, "nobr.log")).replace(
            "<source bridge='%s'/>" % BRIDGE, "<source bridge='nosuchbr'/>")
        path = harness.write_file(os.path.join(self.a.root, "nobr.xml"), xml)
        self.addCleanup(self.cleanup_guest, "nobr")
        virsh(self.a.uri, "define", path)
        res = virsh(self.a.uri, "start", "nobr", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("nosuchbr", res.stderr)
        self.assertEqual(virsh(self.a.uri, "domstate", "nobr").stdout.strip(),
                         "shut off")
        self.assertNotIn("vnet", ns("ip", "-o", "link").stdout)

    def test_start_migrate_stop(self):
        log = self.define_start(self.a, "dev1")
        port_a = self.a.conf["remote_display_port_min"]
        (tap_a, eth_a), port, agent = self.check_host_side(self.a, "dev1",
                                                           port_a)
        guestlog.follow(log)
        virsh(self.a.uri, "migrate", "--live", "dev1", self.b.uri, timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", "dev1").stdout.strip(),
                         "running")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())

        port_b = self.b.conf["remote_display_port_min"]
        (tap_b, eth_b), _, _ = self.check_host_side(self.b, "dev1", port_b)
        # the source's taps, port and agent socket are gone with its QEMU
        harness.wait_for(lambda: link_info(tap_a) is None or tap_a in (tap_b, eth_b),
                         what="source tap %s to go" % tap_a)
        self.assertFalse(listening(port))
        self.assertFalse(os.path.exists(agent))

        virsh(self.b.uri, "destroy", "dev1")
        harness.wait_for(lambda: link_info(tap_b) is None and
                         link_info(eth_b) is None, what="taps to go")
        self.assertNotIn("vnet", ns("ip", "-o", "link").stdout)
        self.assertFalse(listening(port_b))
        # back on A (still defined there): the same port, new taps
        xml = virsh(self.a.uri, "dumpxml", "dev1").stdout
        self.assertIn("<graphics type='vnc' port='-1' autoport='yes'>", xml)
        self.assertNotIn("vnet", xml)
        virsh(self.a.uri, "start", "dev1")
        self.check_host_side(self.a, "dev1", port_a)

    def hotplug_tap(self, host, name):
        xml = virsh(host.uri, "dumpxml", name).stdout
        m = re.search(r"<mac address='%s'/>\s*<source bridge='%s'/>\s*"
                      r"<target dev='(vnet\d+)'/>" % (HP_MAC, BRIDGE), xml)
        self.assertIsNotNone(m, xml)
        br = link_info(m.group(1))
        self.assertIsNotNone(br, m.group(1))
        self.assertIn("master %s" % BRIDGE, br)
        self.assertIn("fe" + HP_MAC[2:], br)
        return m.group(1)

    def test_hotplug_bridge_nic(self):
        # the test guest with ACPI answers unplug requests (eject=1)
        log = os.path.join(self.a.root, "hpnic-serial.log")
        xml = harness.guest_xml("hpnic", log,
                                cmdline="hb_ms=100 wss_mib=4 eject=1")
        xml = xml.replace("</os>", "</os>\n  <features><acpi/></features>")
        path = harness.write_file(os.path.join(self.a.root, "hpnic.xml"), xml)
        self.addCleanup(self.cleanup_guest, "hpnic")
        virsh(self.a.uri, "define", path)
        virsh(self.a.uri, "start", "hpnic")
        guestlog.wait_for_lines(log, 3, timeout=10)
        guestlog.follow(log)
        self.addCleanup(guestlog.unfollow, log)
        virsh(self.a.uri, "attach-interface", "hpnic", "bridge", BRIDGE,
              "--model", "virtio", "--mac", HP_MAC, "--live")
        tap_a = self.hotplug_tap(self.a, "hpnic")
        virsh(self.a.uri, "migrate", "--live", "hpnic", self.b.uri,
              timeout=120)
        tap_b = self.hotplug_tap(self.b, "hpnic")
        harness.wait_for(lambda: link_info(tap_a) is None or tap_a == tap_b,
                         what="source tap %s to go" % tap_a)
        virsh(self.b.uri, "detach-interface", "hpnic", "bridge", "--mac",
              HP_MAC, "--live")
        self.assertNotIn(HP_MAC, virsh(self.b.uri, "dumpxml", "hpnic").stdout)
        harness.wait_for(lambda: link_info(tap_b) is None,
                         what="tap %s to go" % tap_b)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=2.0)
        self.assertTrue(verdict.ok, verdict.summary())


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    require_netns()
    try:
        harness.main()
    finally:
        subprocess.run(["ip", "netns", "delete", NETNS], capture_output=True)
