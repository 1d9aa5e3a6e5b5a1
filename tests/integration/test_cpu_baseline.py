"""virsh cpu-baseline and hypervisor-cpu-baseline (issue 16), with stock
virsh and python-libvirt: the result is a <cpu> libvirt's own schema
accepts (virt-xml-validate) that every input CPU can run, built from
the models QEMU defines; --features lists the model's features too,
--migratable leaves out what migration cannot carry; the host CPU of
virsh capabilities is one it takes; bad input gets libvirt's errors."""

import os
import re
import subprocess
import unittest
import xml.etree.ElementTree as ET

import harness
from harness import Host, virsh

import libvirt


def cpu_xml(model, vendor=None, features=(), arch="x86_64"):
    out = "<cpu>\n"
    if arch:
        out += "  <arch>%s</arch>\n" % arch
    out += "  <model>%s</model>\n" % model
    if vendor:
        out += "  <vendor>%s</vendor>\n" % vendor
    for f in features:
        out += "  <feature name='%s'/>\n" % f
    return out + "</cpu>\n"


def features_of(xml):
    root = ET.fromstring(xml)
    return {f.get("name"): f.get("policy") for f in root.findall("feature")}


class Baseline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("cpuA").start()
        cls.addClassCleanup(cls.host.cleanup)
        cls.conn = libvirt.open(cls.host.uri)
        cls.addClassCleanup(cls.conn.close)

    def validate(self, xml):
        """libvirt's schema accepts it (virt-xml-validate, cpu.rng)."""
        path = harness.write_file(os.path.join(self.host.root, "out.xml"), xml)
        res = subprocess.run(["virt-xml-validate", path], capture_output=True,
                             text=True)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr + xml)

    def baseline_file(self, *cpus, opts=()):
        path = harness.write_file(os.path.join(self.host.root, "cpus.xml"),
                                  "".join(cpus))
        return virsh(self.host.uri, "cpu-baseline", path, *opts).stdout

    def test_one_model_is_itself(self):
        out = self.baseline_file(cpu_xml("Westmere", "Intel"))
        self.validate(out)
        root = ET.fromstring(out)
        self.assertEqual(root.get("mode"), "custom")
        self.assertEqual(root.get("match"), "exact")
        self.assertEqual(root.find("model").text, "Westmere")
        self.assertEqual(root.find("model").get("fallback"), "forbid")
        self.assertEqual(root.find("vendor").text, "Intel")
        self.assertEqual(features_of(out), {})

    def test_two_models_meet_below(self):
        a = cpu_xml("Haswell", "Intel")
        b = cpu_xml("Westmere", "Intel", ["vmx"])
        out = self.baseline_file(a, b)
        self.validate(out)
        self.assertNotEqual(ET.fromstring(out).find("model").text, "Haswell")
        self.assertEqual(ET.fromstring(out).find("model").get("fallback"),
                         "allow")
        self.assertNotIn("vmx", features_of(out))
        # every feature of the result, its model's too, both CPUs have
        common = set(features_of(self.baseline_file(a, b, opts=("--features",))))
        self.assertIn("sse4.2", common)
        for cpu in (a, b):
            have = set(features_of(self.baseline_file(cpu, opts=("--features",))))
            self.assertTrue(common <= have, common - have)

    def test_features_and_migratable(self):
        plain = self.baseline_file(cpu_xml("Nehalem", "Intel", ["invtsc"]))
        self.assertEqual(features_of(plain).get("invtsc"), "require")
        full = self.baseline_file(cpu_xml("Nehalem", "Intel", ["invtsc"]),
                                  opts=("--features",))
        self.validate(full)
        feats = features_of(full)
        for f in ("sse4.2", "sse4.1", "ssse3", "popcnt", "invtsc"):
            self.assertEqual(feats.get(f), "require", full)
        mig = self.baseline_file(cpu_xml("Nehalem", "Intel", ["invtsc"]),
                                 opts=("--features", "--migratable"))
        self.assertNotIn("invtsc", features_of(mig))
        self.assertIn("sse4.2", features_of(mig))

    def test_capabilities_and_python(self):
        """Host CPUs as stock libvirt's capabilities describe them (virsh
        extracts them from the whole document), and python's
        baselineCPU."""
        host = """<capabilities><host><cpu>
  <arch>x86_64</arch><model>%s</model><vendor>AMD</vendor>
  <topology sockets='1' dies='1' cores='2' threads='1'/>
  <feature name='x2apic'/><feature name='cmt'/><feature name='invtsc'/>
</cpu></host></capabilities>
"""
        path = harness.write_file(os.path.join(self.host.root, "caps.xml"),
                                  host % "EPYC")
        out = virsh(self.host.uri, "cpu-baseline", path).stdout
        self.validate(out)
        self.assertEqual(ET.fromstring(out).find("model").text, "EPYC")
        # cmt (cache monitoring) is libvirt's, no QEMU model has it
        self.assertEqual(set(features_of(out)), {"x2apic", "invtsc"})
        cpus = [ET.tostring(ET.fromstring(host % m).find("host/cpu"),
                            encoding="unicode") for m in ("EPYC", "Opteron_G3")]
        out = self.conn.baselineCPU(cpus, 0)
        self.validate(out)
        self.assertEqual(ET.fromstring(out).find("vendor").text, "AMD")
        self.assertIn("x2apic", features_of(out))

    def test_own_capabilities(self):
        """virsh capabilities > caps.xml; virsh cpu-baseline caps.xml: the
        host CPU is named by a model QEMU defines (not /proc/cpuinfo's
        brand string), its vendor and the features it has beyond that
        model, as libvirt's capabilities name it; the document is valid
        against capability.rng and the host CPU compares identical."""
        caps = virsh(self.host.uri, "capabilities").stdout
        path = harness.write_file(os.path.join(self.host.root, "caps.xml"),
                                  caps)
        cpu = ET.fromstring(caps).find("host/cpu")
        dotted = {f.get("name") for f in cpu.findall("feature")
                  if "." in f.get("name")}
        self.assertTrue(dotted <= {"sse4.1", "sse4.2"}, dotted)
        self.validate(harness.capabilities_for_schema(caps))
        model = cpu.find("model").text
        brand = vendor_id = None
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    brand = value.strip()
                if key.strip() == "vendor_id":
                    vendor_id = value.strip()
        self.assertNotEqual(model, brand)
        self.assertEqual(cpu.find("vendor").text, {
            "AuthenticAMD": "AMD", "GenuineIntel": "Intel"}[vendor_id])
        have = {f.get("name") for f in cpu.findall("feature")}
        self.assertNotIn("constant_tsc", have)     # Linux's, not a CPUID bit
        print("\nhost CPU: %s (%s) + %d features" % (model, brand, len(have)))

        out = virsh(self.host.uri, "cpu-baseline", path).stdout
        self.validate(out)
        root = ET.fromstring(out)
        self.assertEqual(root.find("model").text, model)
        self.assertEqual(root.find("vendor").text, cpu.find("vendor").text)
        self.assertTrue(set(features_of(out)) <= have,
                        set(features_of(out)) - have)
        res = virsh(self.host.uri, "cpu-compare", path)
        self.assertIn("identical", res.stdout)
        # the same document through python
        self.assertEqual(self.conn.getCapabilities().strip(), caps.strip())
        host = ET.tostring(cpu, encoding="unicode")
        self.assertEqual(ET.fromstring(self.conn.baselineCPU([host], 0))
                         .find("model").text, model)

    def test_hypervisor(self):
        path = harness.write_file(os.path.join(self.host.root, "h.xml"),
                                  cpu_xml("qemu64") + cpu_xml("Nehalem"))
        out = virsh(self.host.uri, "hypervisor-cpu-baseline", path).stdout
        self.validate(out)
        root = ET.fromstring(out)
        self.assertEqual(root.find("model").get("fallback"), "forbid")
        # what it gives, this QEMU runs
        res = virsh(self.host.uri, "hypervisor-cpu-compare",
                    harness.write_file(os.path.join(self.host.root, "o.xml"), out))
        self.assertRegex(res.stdout, r"superset|identical")
        out = virsh(self.host.uri, "hypervisor-cpu-baseline", "--features",
                    "--migratable", path).stdout
        self.validate(out)
        self.assertIn("<feature policy='require'", out)

    def test_errors(self):
        bad = [
            ([cpu_xml("NoSuchModel")], libvirt.VIR_ERR_INTERNAL_ERROR,
             "Unknown CPU model NoSuchModel"),
            (["<cpu><model>qemu64"], libvirt.VIR_ERR_XML_ERROR, "(CPU_definition)"),
            (["not xml at all"], libvirt.VIR_ERR_XML_ERROR, "(CPU_definition)"),
            (["<domain/>"], libvirt.VIR_ERR_XML_ERROR,
             "expecting root element of 'cpu'"),
            (["<cpu><arch>x86_64</arch></cpu>"], libvirt.VIR_ERR_INVALID_ARG,
             "no CPU model specified at index 0"),
            ([cpu_xml("Westmere", "Intel"), cpu_xml("Opteron_G4", "AMD")],
             libvirt.VIR_ERR_OPERATION_FAILED, "CPU vendors do not match"),
            ([cpu_xml("Westmere", "AMD")], libvirt.VIR_ERR_OPERATION_FAILED,
             "differs from vendor AMD"),
            ([cpu_xml("Westmere", "Acme")], libvirt.VIR_ERR_OPERATION_FAILED,
             "Unknown CPU vendor Acme"),
            ([cpu_xml("Westmere", features=["warp-drive"])],
             libvirt.VIR_ERR_INTERNAL_ERROR, "Unknown CPU feature warp-drive"),
            ([cpu_xml("POWER9", arch="ppc64le")], libvirt.VIR_ERR_NO_SUPPORT,
             "cannot compute baseline CPU of ppc64le architecture"),
        ]
        for cpus, code, text in bad:
            with self.subTest(text=text):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    self.conn.baselineCPU(cpus, 0)
                self.assertEqual(cm.exception.get_error_code(), code,
                                 str(cm.exception))
                self.assertIn(text, str(cm.exception))
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.baselineCPU([cpu_xml("qemu64")], 1 << 7)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_INVALID_ARG)
        # an empty list: refused by the library or by us, never a crash
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.baselineCPU([], 0)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_INVALID_ARG)
        # a file without any CPU: virsh says so
        path = harness.write_file(os.path.join(self.host.root, "none.xml"),
                                  "<foo/>")
        res = virsh(self.host.uri, "cpu-baseline", path, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertRegex(res.stderr, re.compile("does not contain any <cpu>"))
        # the daemon is fine
        self.assertIsNone(self.host.proc.poll())
        self.validate(self.conn.baselineCPU([cpu_xml("qemu64")], 0))


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    harness.main()
