"""What virt-install, virt-manager and nova ask before and around a
guest: the domain capabilities (valid against libvirt's domaincaps.rng
with virt-xml-validate), title, description and <metadata> elements
(virsh desc / virsh metadata, live and persistent, with the
METADATA_CHANGE event python-libvirt receives), and the balloon of a
running guest (virsh setmem --live).  Each bad input gets libvirt's
error and changes nothing."""

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

import libvirt

NS = "http://example.org/virtmig-test/1.0"


def balloon_guest_xml(name, log):
    return harness.guest_xml(name, log).replace(
        "<memballoon model='none'/>", "<memballoon model='virtio'/>")


def start_event_loop():
    libvirt.virEventRegisterDefaultImpl()

    def run():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=run, daemon=True, name="libvirt-events").start()


class DomainUpdate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.host = Host("updA").start()
        cls.addClassCleanup(cls.host.cleanup)
        cls.log = os.path.join(cls.host.root, "g1-serial.log")
        cls.xml = harness.write_file(os.path.join(cls.host.root, "g1.xml"),
                                     balloon_guest_xml("g1", cls.log))
        virsh(cls.host.uri, "define", cls.xml)
        virsh(cls.host.uri, "start", "g1")
        guestlog.wait_for_lines(cls.log, 2, timeout=15)

    def setUp(self):
        self.assertIsNone(self.host.proc.poll(), "daemon died")

    def fails(self, text, *args, uri=None):
        res = virsh(uri or self.host.uri, *args, check=False)
        self.assertNotEqual(res.returncode, 0, (args, res.stdout))
        self.assertIn(text, res.stderr, args)
        return res

    def test_domcapabilities(self):
        xml = virsh(self.host.uri, "domcapabilities").stdout
        path = harness.write_file(os.path.join(self.host.root, "dc.xml"), xml)
        if shutil.which("virt-xml-validate"):
            res = subprocess.run(["virt-xml-validate", path, "domaincaps"],
                                 capture_output=True, text=True)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr + xml)
        self.assertIn("<arch>x86_64</arch>", xml)
        self.assertIn("<machine>pc-i440fx-", xml)
        self.assertIn("<value>virtio</value>", xml)
        q35 = virsh(self.host.uri, "domcapabilities", "--machine", "q35",
                    "--virttype", "qemu").stdout
        self.assertIn("<machine>pc-q35-", q35)
        self.assertIn("<domain>qemu</domain>", q35)
        self.assertIn("<mode name='host-passthrough' supported='no'/>", q35)
        conn = libvirt.open(self.host.uri)
        self.assertEqual(conn.getDomainCapabilities(None, "x86_64", "q35",
                                                    "qemu", 0).strip(),
                         q35.strip())
        conn.close()
        self.fails("unknown virttype: xen", "domcapabilities", "--virttype", "xen")
        self.fails("the machine 'nope' is not supported", "domcapabilities",
                   "--machine", "nope")
        self.fails("'ppc64' architecture", "domcapabilities", "--arch", "ppc64")
        self.fails("read only access prevents", "domcapabilities",
                   uri=self.host.uri_ro)

    def cpu_file(self, name, body):
        return harness.write_file(os.path.join(self.host.root, name + ".xml"),
                                  "<cpu mode='custom' match='exact'>%s</cpu>" % body)

    def test_cpu_compare(self):
        caps = virsh(self.host.uri, "domcapabilities", "--virttype", "qemu").stdout
        usable = re.findall(r"<model usable='yes' vendor='unknown'>([^<]+)</model>",
                            caps)
        unusable = re.findall(r"<model usable='no' vendor='unknown'>([^<]+)</model>",
                              caps)
        self.assertIn("qemu64", usable)
        ok = self.cpu_file("ok", "<model>qemu64</model>"
                           "<feature policy='require' name='sse4_2'/>")
        out = virsh(self.host.uri, "cpu-compare", ok).stdout
        self.assertIn("Host CPU is a superset of CPU described in", out)
        out = virsh(self.host.uri, "hypervisor-cpu-compare", ok).stdout
        self.assertIn("superset", out)
        conn = libvirt.open(self.host.uri_ro)
        with open(ok) as f:
            self.assertEqual(conn.compareCPU(f.read(), 0),
                             libvirt.VIR_CPU_COMPARE_SUPERSET)
        conn.close()
        bad = self.cpu_file("bad", "<model>qemu64</model>"
                            "<feature policy='require' name='no-such-flag'/>")
        res = virsh(self.host.uri, "cpu-compare", bad, check=False)
        self.assertIn("is incompatible with host CPU", res.stdout)
        self.fails("Host CPU does not provide required features: no-such-flag",
                   "cpu-compare", "--error", bad)
        if unusable:
            un = self.cpu_file("un", "<model>%s</model>" % unusable[0])
            self.fails("does not provide required features", "cpu-compare",
                       "--error", un)
        self.fails("Unknown CPU model nosuch", "cpu-compare",
                   self.cpu_file("nosuch", "<model>nosuch</model>"))
        self.fails("read only access prevents", "hypervisor-cpu-compare", ok,
                   uri=self.host.uri_ro)

    def test_title_description_metadata(self):
        events = []
        conn = libvirt.open(self.host.uri)
        dom = conn.lookupByName("g1")
        cid = conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
            lambda c, d, mtype, nsuri, opaque: events.append((mtype, nsuri)), None)
        virsh(self.host.uri, "desc", "g1", "--title", "--live", "--config",
              "--new-desc", "A title")
        self.assertEqual(virsh(self.host.uri, "desc", "g1", "--title").stdout.strip(),
                         "A title")
        virsh(self.host.uri, "desc", "g1", "--config", "--new-desc", "Some words")
        self.assertIn("<description>Some words</description>",
                      virsh(self.host.uri, "dumpxml", "--inactive", "g1").stdout)
        self.assertNotIn("<description>",
                         virsh(self.host.uri, "dumpxml", "g1").stdout)
        virsh(self.host.uri, "metadata", "g1", NS, "--key", "vt", "--set",
              "<info><owner>ops</owner></info>", "--live")
        got = virsh(self.host.uri, "metadata", "g1", NS).stdout.strip()
        self.assertIn('xmlns:vt="%s"' % NS, got)
        self.assertIn("ops", got)
        self.assertIn("<metadata>", virsh(self.host.uri, "dumpxml", "g1").stdout)
        ro = virsh(self.host.uri_ro, "metadata", "g1", NS, readonly=True).stdout
        self.assertEqual(ro.strip(), got)
        harness.wait_for(lambda: len(events) >= 3, what="METADATA_CHANGE events")
        self.assertEqual([e[0] for e in events[:3]], [1, 0, 2])
        self.assertEqual(events[2][1], NS)
        virsh(self.host.uri, "metadata", "g1", NS, "--remove", "--live")
        self.fails("metadata not found", "metadata", "g1", NS)
        self.fails("title can't contain newlines", "desc", "g1", "--title",
                   "--new-desc", "two\nlines")
        self.fails("not a well-formed XML element", "metadata", "g1", NS,
                   "--key", "vt", "--set", "<open>")
        self.fails("read only access prevents", "desc", "g1", "--title",
                   "--new-desc", "x", uri=self.host.uri_ro)
        self.assertEqual(virsh(self.host.uri, "desc", "g1", "--title").stdout.strip(),
                         "A title")
        conn.domainEventDeregisterAny(cid)
        conn.close()

    def test_setmem_live(self):
        virsh(self.host.uri, "setmem", "g1", "48M", "--live")
        # the test guest has no balloon driver: it gave nothing back, and
        # the live definition says so, as libvirt's does (it follows
        # BALLOON_CHANGE: test_linux_guest_ops.py)
        time.sleep(0.5)
        self.assertIn("<currentMemory unit='KiB'>%d</currentMemory>" % harness.GUEST_KIB,
                      virsh(self.host.uri, "dumpxml", "g1").stdout)
        self.assertIn("<currentMemory unit='KiB'>%d</currentMemory>" % harness.GUEST_KIB,
                      virsh(self.host.uri, "dumpxml", "--inactive", "g1").stdout)
        self.fails("cannot set memory higher than max memory", "setmem", "g1",
                   "128M", "--live")
        self.fails("cannot resize the maximum memory on an active domain",
                   "setmaxmem", "g1", "128M", "--live")
        virsh(self.host.uri, "setmem", "g1", "64M", "--live")
        # the guest kept running, the same boot
        n = len(guestlog.read_lines(self.log))
        guestlog.wait_for_lines(self.log, n + 3, timeout=10)
        v = guestlog.check_continuity(self.log)
        self.assertTrue(v.ok, v.problems)

    def test_setvcpus_config(self):
        def inactive_vcpu():
            xml = virsh(self.host.uri, "dumpxml", "--inactive", "g1").stdout
            return re.search(r"<vcpu[^>]*>\d+</vcpu>", xml).group(0)
        virsh(self.host.uri, "setvcpus", "g1", "2", "--config", "--maximum")
        self.assertIn("current='1'>2</vcpu>", inactive_vcpu())
        virsh(self.host.uri, "setvcpus", "g1", "2", "--config")
        self.assertNotIn("current=", inactive_vcpu())
        self.fails("greater than max allowable vcpus", "setvcpus", "g1", "3",
                   "--config")
        # the live maximum is what QEMU started with (hotplug:
        # test_guest_agent.py)
        self.fails("requested vcpus is greater than max allowable vcpus for "
                   "the live domain: 2 > 1", "setvcpus", "g1", "2", "--live")
        self.fails("read only access prevents", "setvcpus", "g1", "1",
                   "--config", uri=self.host.uri_ro)
        virsh(self.host.uri, "setvcpus", "g1", "1", "--config", "--maximum")
        self.assertRegex(inactive_vcpu(), r">1</vcpu>")
        self.assertIn("<vcpu placement='static'>1</vcpu>",
                      virsh(self.host.uri, "dumpxml", "g1").stdout)

    def test_setmem_without_balloon(self):
        log = os.path.join(self.host.root, "nb-serial.log")
        xml = harness.write_file(os.path.join(self.host.root, "nb.xml"),
                                 harness.guest_xml("nb", log))
        virsh(self.host.uri, "create", xml)
        self.addCleanup(virsh, self.host.uri, "destroy", "nb", check=False)
        self.fails("without the balloon device", "setmem", "nb", "32M", "--live")

    def test_unserved_api_named(self):
        self.fails("this function is not supported by the connection driver: "
                   "virDomainGetSchedulerType", "schedinfo", "g1")


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
