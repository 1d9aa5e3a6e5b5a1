"""Device hotplug as libvirt 9.0 users do it, with stock virsh and
python-libvirt, and migration after it, between two virtmigd hosts.

The guest is the project's test guest on the i440fx ``pc`` machine with
ACPI (without it QEMU offers no PCI hotplug: "Bus 'pci.0' does not
support hotplugging", as under libvirt).  With ``eject=1`` it answers an
unplug request as a guest's ACPI ``_EJ0`` does (tests/guest/README.rst),
so a detach really completes: QEMU deletes the device (DEVICE_DELETED),
the daemon removes its backends and its XML and raises DEVICE_REMOVED.
Without it the guest ignores the request, as a guest without ACPI
support does, and a detach behaves as libvirt's then: success after 5 s
with the removal pending, the device still in the live XML.

- live attach of a virtio disk (attach-disk) and a virtio NIC
  (attach-device): the live XML gets them with the alias and PCI address
  a start would give, the persistent XML does not change, QEMU has them
  (query-pci, query-block through virsh qemu-monitor-command) and the
  image open, DEVICE_ADDED reaches a python-libvirt client; then
  ``virsh migrate --live`` carries them (the destination's QEMU started
  with them, same aliases and addresses), the guest goes on (one boot,
  heartbeats continuous, memory intact), the destination daemon restarted
  keeps them, a detach there removes them (DEVICE_REMOVED, image closed)
  and a migration back starts QEMU without them;
- a guest that ignores unplug requests: detach-disk succeeds after 5 s
  with the disk still there, detach-device-alias returns at once, and a
  migration keeps the disk (the guest still has it);
- a guest that lets a disk go while its daemon is stopped: the restarted
  daemon sees QEMU no longer has it and removes it from the live XML;
- --config, --persistent and --current on a defined and a running guest,
  detach-device-alias of a user alias;
- errors (libvirt's codes and words) leave the live and the persistent
  XML as they were;
- a CD-ROM's media inserted, changed, ejected (change-media, live and
  config) with TRAY_CHANGE events, and migrated with a medium in;
- a hotplug while the guest migrates waits for the migration job and
  gives up with libvirt's job timeout; the migration and the guest are
  unharmed.
"""

import json
import os
import re
import subprocess
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from eventlib import start_event_loop
from harness import virsh

import libvirt

CMDLINE = "hb_ms=100 wss_mib=8 eject=1"
MAC = "52:54:00:aa:00:01"
NIC = """<interface type='user'>
  <mac address='%s'/>
  <model type='virtio'/>
</interface>
""" % MAC
SOUND = "<sound model='ich6'/>\n"
CDROM = """    <disk type='file' device='cdrom'>
      <target dev='hdc' bus='ide'/>
    </disk>
"""
VDA = """    <disk type='file' device='disk'>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
"""


def hotplug_xml(name, log, cmdline=CMDLINE, devices=""):
    """The test guest with ACPI (PCI hotplug) and @devices."""
    xml = harness.guest_xml(name, log, cmdline=cmdline)
    xml = xml.replace("</os>", "</os>\n  <features>\n    <acpi/>\n"
                      "  </features>")
    return xml.replace("  <devices>\n", "  <devices>\n" + devices)


def qemu_pid(host):
    pids = harness.qemu_pids_under(host.root)
    assert len(pids) == 1, pids
    return pids[0]


def qemu_open_files(host):
    """The files the QEMU of @host has open."""
    pid = qemu_pid(host)
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            out.add(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            pass
    return out


def qmp(host, name, command):
    """The "return" of QMP @command in the guest's QEMU, asked through
    the daemon (virsh qemu-monitor-command)."""
    out = virsh(host.uri, "qemu-monitor-command", name,
                json.dumps({"execute": command})).stdout
    return json.loads(out)["return"]


def qemu_pci_ids(host, name):
    """The ids of the devices on the guest's PCI bus 0, as QEMU sees it."""
    return {dev.get("qdev_id") for bus in qmp(host, name, "query-pci")
            for dev in bus["devices"]}


def qemu_block_nodes(host, name):
    """The node names of the media QEMU's block devices hold."""
    return {blk["inserted"]["node-name"]
            for blk in qmp(host, name, "query-block") if "inserted" in blk}


def qemu_cmdline(host):
    with open("/proc/%d/cmdline" % qemu_pid(host), "rb") as f:
        return f.read().decode().split("\0")


def device_block(xml, pattern):
    """The <disk> or <interface> element of @xml that matches @pattern."""
    for m in re.finditer(r"<(disk|interface) .*?</\1>", xml, re.S):
        if re.search(pattern, m.group(0)):
            return m.group(0)
    return None


class Events:
    """DEVICE_ADDED, DEVICE_REMOVED and TRAY_CHANGE of domain @name on
    @host, as a python-libvirt client receives them."""

    def __init__(self, host, name):
        start_event_loop()
        self.conn = libvirt.open(host.uri)
        self.seen = []
        dom = self.conn.lookupByName(name)
        self.ids = [
            self.conn.domainEventRegisterAny(
                dom, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                lambda c, d, alias, o: self.seen.append(("added", alias)),
                None),
            self.conn.domainEventRegisterAny(
                dom, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                lambda c, d, alias, o: self.seen.append(("removed", alias)),
                None),
            self.conn.domainEventRegisterAny(
                dom, libvirt.VIR_DOMAIN_EVENT_ID_TRAY_CHANGE,
                lambda c, d, alias, reason, o: self.seen.append(
                    ("tray", alias, reason)), None),
        ]

    def wait(self, event, timeout=10):
        harness.wait_for(lambda: event in self.seen, timeout=timeout,
                         what="event %r (seen %r)" % (event, self.seen))

    def close(self):
        for cb in self.ids:
            self.conn.domainEventDeregisterAny(cb)
        self.conn.close()


class Hotplug(harness.TwoHostsCase, unittest.TestCase):
    host_conf = {"job_wait_timeout": 3}

    def start_guest(self, name, cmdline=CMDLINE, devices="", start=True):
        log = os.path.join(self.tmp, name + ".log")
        path = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                  hotplug_xml(name, log, cmdline, devices))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "define", path)
        if start:
            virsh(self.a.uri, "start", name)
            guestlog.wait_for_lines(log, 2, timeout=15)
            guestlog.follow(log)
            self.addCleanup(guestlog.unfollow, log)
        return log

    def image(self, name, mib=8):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.truncate(mib << 20)
        return path

    def file(self, name, text):
        return harness.write_file(os.path.join(self.tmp, name), text)

    def events(self, host, name):
        ev = Events(host, name)
        self.addCleanup(ev.close)
        return ev

    def xml(self, host, name, *opts):
        return virsh(host.uri, "dumpxml", name, *opts).stdout

    def fails(self, text, *args, host=None, readonly=False):
        host = host or self.a
        res = virsh(host.uri_ro if readonly else host.uri, *args, check=False)
        self.assertNotEqual(res.returncode, 0, (args, res.stdout))
        self.assertIn(text, res.stderr, args)

    def assert_guest_ok(self, log, boots=1):
        n = len(guestlog.read_lines(log))
        guestlog.wait_for_lines(log, n + 3, timeout=10)
        v = guestlog.check_continuity(log, max_gap_s=5.0)
        self.assertTrue(v.ok, v.summary())

    def assert_has_disk(self, host, name, target, alias, img):
        disk = device_block(self.xml(host, name), "<target dev='%s'" % target)
        self.assertIsNotNone(disk, self.xml(host, name))
        self.assertIn("<alias name='%s'/>" % alias, disk)
        self.assertIn("<source file='%s'" % img, disk)
        self.assertRegex(disk, r"<address type='pci' domain='0x0000' "
                         r"bus='0x00' slot='0x[0-9a-f]{2}' function='0x0'/>")
        self.assertIn(img, qemu_open_files(host))
        return disk

    def test_live_attach_migrate_detach(self):
        log = self.start_guest("hp1")
        ev = self.events(self.a, "hp1")
        inactive = self.xml(self.a, "hp1", "--inactive")
        img = self.image("d1.img")
        nic = self.file("nic.xml", NIC)
        virsh(self.a.uri, "attach-disk", "hp1", img, "vdb", "--live")
        virsh(self.a.uri, "attach-device", "hp1", nic, "--live")
        disk = self.assert_has_disk(self.a, "hp1", "vdb", "virtio-disk1", img)
        net = device_block(self.xml(self.a, "hp1"), MAC)
        self.assertIn("<alias name='net0'/>", net)
        self.assertIn("<model type='virtio'/>", net)
        self.assertEqual(self.xml(self.a, "hp1", "--inactive"), inactive)
        self.assertIn(img, virsh(self.a.uri, "domblklist", "hp1").stdout)
        self.assertIn(MAC, virsh(self.a.uri, "domiflist", "hp1").stdout)
        ev.wait(("added", "virtio-disk1"))
        ev.wait(("added", "net0"))
        self.assertLessEqual({"virtio-disk1", "net0"},
                             qemu_pci_ids(self.a, "hp1"))
        self.assertIn("libvirt-1-format", qemu_block_nodes(self.a, "hp1"))
        self.assert_guest_ok(log)

        # the migration XML is the live XML: B's QEMU starts with both
        self.move_live(self.a, self.b, "hp1")
        self.assertEqual(self.assert_has_disk(self.b, "hp1", "vdb",
                                              "virtio-disk1", img), disk)
        self.assertEqual(device_block(self.xml(self.b, "hp1"), MAC), net)
        self.assertLessEqual({"virtio-disk1", "net0"},
                             qemu_pci_ids(self.b, "hp1"))
        argv = " ".join(qemu_cmdline(self.b))
        self.assertIn('"id":"virtio-disk1"', argv)
        self.assertIn('"id":"net0"', argv)
        self.assert_guest_ok(log)

        # B's status file keeps them across a daemon restart
        self.b.stop()
        self.b.start()
        self.assert_has_disk(self.b, "hp1", "vdb", "virtio-disk1", img)
        self.assertIn("running", self.state(self.b, "hp1"))

        # the guest lets them go: removed from QEMU and the XML, events
        evb = self.events(self.b, "hp1")
        start = time.time()
        virsh(self.b.uri, "detach-disk", "hp1", "vdb", "--live")
        self.assertLess(time.time() - start, 4.5)
        # asynchronous: returns at once, the guest's answer finishes it
        virsh(self.b.uri, "detach-device-alias", "hp1", "net0", "--live")
        evb.wait(("removed", "virtio-disk1"))
        evb.wait(("removed", "net0"))
        live = self.xml(self.b, "hp1")
        self.assertIsNone(device_block(live, "vdb"), live)
        self.assertIsNone(device_block(live, MAC), live)
        self.assertNotIn(img, qemu_open_files(self.b))
        self.assertFalse({"virtio-disk1", "net0"} &
                         qemu_pci_ids(self.b, "hp1"))
        self.assertEqual(qemu_block_nodes(self.b, "hp1"), set())
        self.assertTrue(guestlog.parse_messages(log, "eject"))

        # and a migration back starts QEMU without them
        self.move_live(self.b, self.a, "hp1")
        self.assertIsNone(device_block(self.xml(self.a, "hp1"), "vdb"))
        self.assertNotIn(img, " ".join(qemu_cmdline(self.a)))
        self.assertNotIn('"id":"net0"', " ".join(qemu_cmdline(self.a)))
        self.assert_guest_ok(log)

    def test_unplug_ignored(self):
        log = self.start_guest("hp2", cmdline="hb_ms=100 wss_mib=8")
        ev = self.events(self.a, "hp2")
        img = self.image("d2.img")
        virsh(self.a.uri, "attach-disk", "hp2", img, "vdb", "--live")
        start = time.time()
        virsh(self.a.uri, "detach-disk", "hp2", "vdb", "--live")
        self.assertGreaterEqual(time.time() - start, 4.5)
        self.assert_has_disk(self.a, "hp2", "vdb", "virtio-disk1", img)
        start = time.time()
        virsh(self.a.uri, "detach-device-alias", "hp2", "virtio-disk1",
              "--live")
        self.assertLess(time.time() - start, 3)
        self.assert_has_disk(self.a, "hp2", "vdb", "virtio-disk1", img)
        self.assertNotIn(("removed", "virtio-disk1"), ev.seen)
        self.move_live(self.a, self.b, "hp2")
        self.assert_has_disk(self.b, "hp2", "vdb", "virtio-disk1", img)
        self.assert_guest_ok(log)

    def test_unplug_while_daemon_away(self):
        # a slow guest: it answers the unplug request at its next
        # heartbeat, 4 s later, when the daemon is down
        log = self.start_guest("hp7", cmdline="hb_ms=4000 wss_mib=8 eject=1")
        img = self.image("d7.img")
        virsh(self.a.uri, "attach-disk", "hp7", img, "vdb", "--live")
        self.assert_has_disk(self.a, "hp7", "vdb", "virtio-disk1", img)
        ejects = len(guestlog.parse_messages(log, "eject"))
        virsh(self.a.uri, "detach-device-alias", "hp7", "virtio-disk1",
              "--live")
        self.a.stop()
        try:
            harness.wait_for(lambda: len(guestlog.parse_messages(
                log, "eject")) > ejects, timeout=15, what="the guest's eject")
        finally:
            self.a.start()
        # the restarted daemon finds the disk gone from QEMU and drops it
        self.assertIsNone(device_block(self.xml(self.a, "hp7"), "vdb"))
        self.assertNotIn(img, qemu_open_files(self.a))
        self.assertNotIn("virtio-disk1", qemu_pci_ids(self.a, "hp7"))
        self.assertEqual(qemu_block_nodes(self.a, "hp7"), set())
        self.assertEqual(self.state(self.a, "hp7"), "running (booted)")

    def test_config_and_persistent(self):
        self.start_guest("hp3", start=False)
        img = self.image("d3.img")
        nic = self.file("nic3.xml", NIC)
        virsh(self.a.uri, "attach-disk", "hp3", img, "vdb", "--config")
        # without flags virsh calls virDomainAttachDevice: live only
        self.fails("domain is not running", "attach-device", "hp3", nic)
        virsh(self.a.uri, "attach-device", "hp3", nic, "--current")
        inactive = self.xml(self.a, "hp3", "--inactive")
        self.assertIn("<target dev='vdb' bus='virtio'/>", inactive)
        self.assertIn(MAC, inactive)
        self.assertIn("<address type='pci'", device_block(inactive, MAC))
        virsh(self.a.uri, "detach-disk", "hp3", "vdb", "--config")
        virsh(self.a.uri, "detach-device", "hp3", nic, "--config")
        inactive = self.xml(self.a, "hp3", "--inactive")
        self.assertIsNone(device_block(inactive, "vdb"))
        self.assertIsNone(device_block(inactive, MAC))
        user = self.file("ua.xml", "<disk type='file' device='disk'>"
                         "<source file='%s'/><target dev='vdd'/>"
                         "<alias name='ua-data'/></disk>" % img)
        virsh(self.a.uri, "attach-device", "hp3", user, "--config")
        self.assertIn("ua-data", self.xml(self.a, "hp3", "--inactive"))
        virsh(self.a.uri, "detach-device-alias", "hp3", "ua-data", "--config")
        self.assertNotIn("ua-data", self.xml(self.a, "hp3", "--inactive"))

        virsh(self.a.uri, "start", "hp3")
        virsh(self.a.uri, "attach-disk", "hp3", img, "vdc", "--persistent")
        self.assert_has_disk(self.a, "hp3", "vdc", "virtio-disk2", img)
        self.assertIn("<target dev='vdc'",
                      self.xml(self.a, "hp3", "--inactive"))
        virsh(self.a.uri, "attach-device", "hp3", nic, "--config")
        self.assertIsNone(device_block(self.xml(self.a, "hp3"), MAC))
        self.assertIn(MAC, self.xml(self.a, "hp3", "--inactive"))
        virsh(self.a.uri, "detach-disk", "hp3", "vdc", "--persistent")
        self.assertNotIn("vdc", self.xml(self.a, "hp3"))
        self.assertNotIn("vdc", self.xml(self.a, "hp3", "--inactive"))
        # a restart runs the persistent definition: the NIC is there
        virsh(self.a.uri, "destroy", "hp3")
        virsh(self.a.uri, "start", "hp3")
        self.assertIn("<alias name='net0'/>",
                      device_block(self.xml(self.a, "hp3"), MAC))
        virsh(self.a.uri, "detach-device", "hp3", nic, "--live")
        self.assertIsNone(device_block(self.xml(self.a, "hp3"), MAC))
        self.assertIn(MAC, self.xml(self.a, "hp3", "--inactive"))

    def test_update_interface(self):
        self.start_guest("hp6", devices=NIC)
        # the persistent interface takes any change, keeping its address
        before = device_block(self.xml(self.a, "hp6", "--inactive"), MAC)
        e1000 = self.file("e1000.xml",
                          NIC.replace("<model type='virtio'/>",
                                      "<model type='e1000'/>"))
        virsh(self.a.uri, "update-device", "hp6", e1000, "--config")
        after = device_block(self.xml(self.a, "hp6", "--inactive"), MAC)
        self.assertIn("<model type='e1000'/>", after)
        self.assertEqual(re.findall(r"<address [^>]*>", after),
                         re.findall(r"<address [^>]*>", before))
        # live: its link state only, as virsh domif-setlink asks
        self.fails("cannot modify network device model from virtio to e1000",
                   "update-device", "hp6", e1000, "--live")
        virsh(self.a.uri, "domif-setlink", "hp6", MAC, "down")
        self.assertIn("<link state='down'/>",
                      device_block(self.xml(self.a, "hp6"), MAC))
        self.assertNotIn("<link", device_block(
            self.xml(self.a, "hp6", "--inactive"), MAC))
        other = self.file("other.xml", NIC.replace(MAC, "52:54:00:00:00:99"))
        self.fails("no device matching MAC address 52:54:00:00:00:99 found",
                   "update-device", "hp6", other, "--live")
        # kept by a restart of the daemon (the status file)
        self.a.stop()
        self.a.start()
        self.assertEqual(virsh(self.a.uri, "domif-getlink", "hp6",
                               MAC).stdout.split(), [MAC, "down"])

    def test_errors_change_nothing(self):
        img = self.image("vda.img")
        self.start_guest("hp4", devices=VDA % img)
        live = self.xml(self.a, "hp4")
        inactive = self.xml(self.a, "hp4", "--inactive")
        sound = self.file("sound.xml", SOUND)
        other = self.file("nic9.xml", NIC.replace(MAC, "52:54:00:aa:00:09"))
        bad = self.file("bad.xml", "<disk type='file'><target dev='vdb'/>")
        unknown = self.file("unk.xml", "<disk type='file' device='disk'>"
                            "<target dev='vdb'/><frobnicate/></disk>")
        self.fails("live attach of device 'sound' is not supported",
                   "attach-device", "hp4", sound, "--live")
        self.fails("persistent attach of device 'sound' is not supported",
                   "attach-device", "hp4", sound, "--config")
        self.fails("disk bus 'sata' cannot be hotplugged.", "attach-disk",
                   "hp4", img, "sdb", "--targetbus", "sata", "--live")
        for flag in ("--live", "--config", "--persistent"):
            self.fails("target vda already exists", "attach-disk", "hp4",
                       img, "vda", flag)
        vdz = self.file("vdz.xml", (VDA % img).replace("vda", "vdz"))
        self.fails("disk vdz not found", "detach-device", "hp4", vdz,
                   "--live")
        self.fails("no target device vdz", "detach-device", "hp4", vdz,
                   "--config")
        self.fails("no device matching MAC address 52:54:00:aa:00:09 found",
                   "detach-device", "hp4", other, "--live")
        self.fails("no device found with alias nosuch",
                   "detach-device-alias", "hp4", "nosuch", "--live")
        self.fails("nosuchbr0", "attach-interface", "hp4", "bridge",
                   "nosuchbr0", "--live")
        self.fails("XML error", "attach-device", "hp4", bad, "--live")
        self.fails("unsupported configuration", "attach-device", "hp4",
                   unknown, "--live")
        self.fails("read only access prevents", "attach-disk", "hp4", img,
                   "vdb", "--live", readonly=True)
        self.fails("live update of device 'disk' is not supported",
                   "update-device", "hp4", self.file("vda.xml", VDA % img),
                   "--live")
        self.assertEqual(self.xml(self.a, "hp4"), live)
        self.assertEqual(self.xml(self.a, "hp4", "--inactive"), inactive)
        # the guest's own disk is still QEMU's
        self.assertIn(img, qemu_open_files(self.a))

    def test_change_media(self):
        log = self.start_guest("hp5", devices=CDROM)
        ev = self.events(self.a, "hp5")
        iso1 = self.image("one.iso", 1)
        iso2 = self.image("two.iso", 1)

        def source():
            disk = device_block(self.xml(self.a, "hp5"), "hdc")
            m = re.search(r"<source file='([^']*)'", disk)
            return m.group(1) if m else None

        virsh(self.a.uri, "change-media", "hp5", "hdc", iso1, "--insert",
              "--live")
        self.assertEqual(source(), iso1)
        self.assertIn(iso1, qemu_open_files(self.a))
        ev.wait(("tray", "ide0-1-0", libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN))
        ev.wait(("tray", "ide0-1-0",
                 libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE))
        virsh(self.a.uri, "change-media", "hp5", "hdc", iso2, "--update",
              "--live")
        self.assertEqual(source(), iso2)
        files = qemu_open_files(self.a)
        self.assertIn(iso2, files)
        self.assertNotIn(iso1, files)
        virsh(self.a.uri, "change-media", "hp5", "hdc", "--eject", "--live")
        self.assertIsNone(source())
        self.assertNotIn(iso2, qemu_open_files(self.a))
        virsh(self.a.uri, "change-media", "hp5", "hdc", iso1, "--insert",
              "--config")
        self.assertIsNone(source())
        self.assertIn(iso1, self.xml(self.a, "hp5", "--inactive"))
        # a medium inserted live travels with the guest
        virsh(self.a.uri, "change-media", "hp5", "hdc", iso2, "--insert",
              "--live")
        self.move_live(self.a, self.b, "hp5")
        self.assertIn(iso2, qemu_open_files(self.b))
        self.assertIn("<source file='%s'" % iso2,
                      device_block(self.xml(self.b, "hp5"), "hdc"))
        self.assert_guest_ok(log)

    def test_hotplug_during_migration(self):
        log = self.start_guest("hp6")
        live = self.xml(self.a, "hp6")
        img = self.image("d6.img")
        mig = subprocess.Popen(
            [harness.VIRSH, "-q", "-c", self.a.uri, "migrate", "--live",
             "--unsafe", "--bandwidth", "1", "hp6", self.b.uri],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(mig.wait, 60)
        harness.wait_for(lambda: "Unbounded" in virsh(
            self.a.uri, "domjobinfo", "hp6", check=False).stdout,
            timeout=20, what="the migration job")
        start = time.time()
        self.fails("cannot acquire state change lock", "attach-disk", "hp6",
                   img, "vdb", "--live")
        self.assertLess(time.time() - start, 10)
        self.assertEqual(mig.poll(), None, "the migration went on")
        virsh(self.a.uri, "domjobabort", "hp6")
        out, err = mig.communicate(timeout=60)
        self.assertNotEqual(mig.returncode, 0, out)
        self.assertRegex(self.state(self.a, "hp6"), r"^running")
        self.assertEqual(len(harness.qemu_pids_under(self.a.root)), 1)
        self.assertEqual(harness.qemu_pids_under(self.b.root), [])
        self.assertEqual(self.xml(self.a, "hp6"), live)
        # once the migration is over, the hotplug goes through
        virsh(self.a.uri, "attach-disk", "hp6", img, "vdb", "--live")
        self.assert_has_disk(self.a, "hp6", "vdb", "virtio-disk1", img)
        self.assert_guest_ok(log)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
