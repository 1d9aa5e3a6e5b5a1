"""Domain-level XML of real guests between stock libvirtd 9.0 and virtmigd.

A test guest carrying what virt-install and OpenStack write besides
devices (libosinfo and nova <metadata>, <features> pae/vmport, <clock>
timers, <pm>, a CPU topology and feature list, on_crash) is defined and
started on a stock host (stockB, tests/integration/stockhost.py); then:

- its ``virsh dumpxml --migratable`` from stock is defined on virtmigd (virtA)
  with stock virsh, and virtmigd's XML of it keeps stock's <metadata>
  byte for byte and the same domain-level elements;
- stock live-migrates it to virtmigd (``virsh migrate --live --persistent``):
  the guest goes on (one boot, no memory error), virtmigd's QEMU got the
  options stock gave it (-no-hpet, driftfix=slew, the S3/S4 globals,
  topology), and a config defined that way starts on virtmigd;
- automatic NUMA placement (<vcpu placement='auto'>, <numatune>) is kept
  and fails the start the same way on both (no numad on this host).

Exits 77 with the reason when stock libvirtd cannot run here.
"""

import os
import re
import sys
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import test_interop_stock as interop
from harness import virsh

METADATA = """  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://debian.org/debian/11"/>
    </libosinfo:libosinfo>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
      <nova:name>vm-1</nova:name>
      <nova:flavor name="m1.small">
        <nova:vcpus>2</nova:vcpus>
      </nova:flavor>
    </nova:instance>
  </metadata>
"""


def general_xml(name, log):
    return """<domain type='qemu'>
  <name>%s</name>
  <metadata>
      <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
   <libosinfo:os id="http://debian.org/debian/11"/>
      </libosinfo:libosinfo>
      <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
        <nova:name>vm-1</nova:name>
        <nova:flavor name="m1.small"><nova:vcpus>2</nova:vcpus></nova:flavor>
      </nova:instance>
  </metadata>
  <memory unit='MiB'>64</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <cmdline>hb_ms=100 wss_mib=8</cmdline>
  </os>
  <features>
    <acpi/>
    <apic/>
    <pae/>
    <vmport state='off'/>
  </features>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
    <topology sockets='1' dies='1' cores='2' threads='1'/>
    <feature policy='disable' name='svm'/>
  </cpu>
  <clock offset='utc'>
    <timer name='rtc' tickpolicy='catchup'/>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
  </clock>
  <on_crash>preserve</on_crash>
  <pm>
    <suspend-to-mem enabled='no'/>
    <suspend-to-disk enabled='no'/>
  </pm>
  <devices>
    <serial type='file'>
      <source path='%s' append='on'/>
    </serial>
    <controller type='usb' model='none'/>
    <video>
      <model type='none'/>
    </video>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, harness.GUEST_ELF, log)


def section(xml, start, end):
    """The lines of @xml from the one holding @start to the one holding
    @end."""
    m = re.search(r"^[^\n]*%s.*?%s[^\n]*\n" % (re.escape(start), re.escape(end)),
                  xml, re.S | re.M)
    return m.group(0) if m else None


class GeneralXML(interop.Interop):
    def start_general(self, name):
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 general_xml(name, log))
        self.addCleanup(self.cleanup_guest, name)
        virsh(interop.STOCK.uri, "define", xml)
        virsh(interop.STOCK.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        return log

    def assert_same_general(self, stock_xml, virt_xml, resource=True):
        self.assertEqual(section(virt_xml, "<metadata>", "</metadata>"),
                         METADATA)
        self.assertEqual(section(stock_xml, "<metadata>", "</metadata>"),
                         METADATA)
        pairs = [("<features>", "</features>"), ("<clock", "</clock>"),
                 ("<pm>", "</pm>"), ("<on_poweroff>", "</on_crash>")]
        if resource:
            pairs.append(("<resource>", "</resource>"))
        for start, end in pairs:
            self.assertEqual(section(virt_xml, start, end),
                             section(stock_xml, start, end), start)
        self.assertIsNotNone(section(virt_xml, "<features>", "</features>"))
        self.assertIn("<topology sockets='1' dies='1' cores='2' threads='1'/>",
                      virt_xml)
        self.assertIn("<feature policy='disable' name='svm'/>", virt_xml)
        self.assertIn("<input type='mouse' bus='ps2'", virt_xml)

    def test_dumpxml_define(self):
        """stock's XML of the running guest defines on virtmigd, and starts
        there.  --migratable: the live XML also has the <audio> stock adds,
        a device element outside this test."""
        name = "gendef"
        log = self.start_general(name)
        live = virsh(interop.STOCK.uri, "dumpxml", "--migratable",
                     name).stdout
        self.assertIn("<resource>", live)
        path = harness.write_file(os.path.join(self.tmp, "live.xml"), live)
        virsh(interop.VIRT.uri, "define", path)
        virt_xml = virsh(interop.VIRT.uri, "dumpxml", "--inactive", name).stdout
        self.assert_same_general(live, virt_xml)

        virsh(interop.STOCK.uri, "destroy", name)
        n = len(guestlog.parse_log(log))
        virsh(interop.VIRT.uri, "start", name)
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        with open("/proc/%d/cmdline" % self.virt_qemu_pid(name), "rb") as f:
            cmdline = f.read().split(b"\0")
        args = [a.decode() for a in cmdline]
        for opt in ("-no-hpet", "PIIX4_PM.disable_s3=1",
                    "PIIX4_PM.disable_s4=1", "kvm-pit.lost_tick_policy=delay",
                    "qemu64,svm=off"):
            self.assertIn(opt, args)
        self.assertIn("base=utc,driftfix=slew", args)
        self.assertIn("2,sockets=1,dies=1,cores=2,threads=1", args)
        self.assertTrue(any(a.startswith("pc-i440fx-7.2,usb=off,vmport=off,")
                            for a in args), args)

    def test_migrate_from_stock(self):
        name = "genmig"
        self.start_general(name)
        stock_live = virsh(interop.STOCK.uri, "dumpxml", name).stdout
        self.migrate(interop.STOCK, interop.VIRT, name, "--persistent")
        virt_xml = virsh(interop.VIRT.uri, "dumpxml", name).stdout
        self.assert_same_general(stock_live, virt_xml)
        # the persistent definition is stock's config: no <resource>, which
        # only a running stock guest has
        virt_cfg = virsh(interop.VIRT.uri, "dumpxml", "--inactive", name).stdout
        self.assertNotIn("<resource>", virt_cfg)
        self.assert_same_general(stock_live, virt_cfg, resource=False)

    def test_numad_placement(self):
        """Automatic NUMA placement (numad, not installed here): stock and
        virtmigd keep the same <vcpu>/<numatune>, refuse the same
        non-automatic <numatune> and fail the start with one error."""
        variants = {
            "numa1": "<vcpu placement='auto' cpuset='0'>2</vcpu>",
            "numa2": "<vcpu placement='static'>1</vcpu><numatune>"
                     "<memory mode='preferred' placement='auto'/></numatune>",
            "numa3": "<vcpu cpuset='0'>1</vcpu><numatune>"
                     "<memory mode='interleave' placement='auto'/></numatune>",
            "numa4": "<vcpu>1</vcpu><numatune><memory mode='strict'/>"
                     "</numatune>",
        }
        for name, vcpu in sorted(variants.items()):
            with self.subTest(name=name):
                self.check_numad(name, vcpu)

    def check_numad(self, name, vcpu):
        xml = general_xml(name, os.path.join(self.tmp, name + ".log"))
        xml = xml.replace("<vcpu placement='static'>2</vcpu>", vcpu)
        xml = xml.replace("cores='2'", "cores='%s'" % (
            "2" if ">2<" in vcpu else "1"))
        path = harness.write_file(os.path.join(self.tmp, name + ".xml"), xml)
        self.addCleanup(self.cleanup_guest, name)
        out = {}
        for host in (interop.STOCK, interop.VIRT):
            res = virsh(host.uri, "define", path, check=False)
            if res.returncode != 0:
                out[host] = res.stderr.strip()
                continue
            cfg = virsh(host.uri, "dumpxml", "--inactive", name).stdout
            start = virsh(host.uri, "start", name, check=False)
            self.assertNotEqual(start.returncode, 0)
            self.assertEqual(virsh(host.uri, "domstate", name).stdout.strip(),
                             "shut off")
            out[host] = (section(cfg, "<vcpu", "</vcpu>"),
                         section(cfg, "<numatune>", "</numatune>"),
                         start.stderr.strip())
        print("%s: %s" % (name, out[interop.VIRT]))
        self.assertEqual(out[interop.VIRT], out[interop.STOCK])
        if name == "numa4":
            self.assertIn("nodeset for NUMA memory tuning must be set",
                          out[interop.VIRT])
        else:
            self.assertIn("Failed to query numad for the advisory nodeset",
                          out[interop.VIRT][2])
            self.assertIn("placement='auto'", out[interop.VIRT][1])
        self.assertEqual(harness.qemu_pids_under(interop.VIRT.root), [])

    def virt_qemu_pid(self, name):
        pids = harness.qemu_pids_under(interop.VIRT.root)
        self.assertEqual(len(pids), 1, pids)
        return pids[0]


if __name__ == "__main__":
    interop.main()
