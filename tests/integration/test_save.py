"""Managed save and save/restore (issue 16) with stock virsh and
python-libvirt: the guest's state goes to an image under the host's
lib/qemu/save (or a file of the caller's), QEMU stops, and the next start
(or restore) brings the same guest back: same boot id, heartbeats that
go on from where they stopped, its memory intact (the test guest checks
its working set).  Flags, events, listing filters, undefine, a daemon
restart and autostart; every bad input refused with libvirt's error and
nothing changed; a failed save leaves the guest running."""

import os
import re
import shutil
import struct
import subprocess
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import eventlib
import guestlog
from harness import Host, virsh

import libvirt
import rawrpc
from rawrpc import RawClient
from test_migrate_step_params import TP_INT, TP_STRING, xdr_dom, xdr_params

PROC_SAVE_PARAMS = 440
PROC_RESTORE_PARAMS = 441

MAGIC = b"VMIGSAVE"

# virsh's words for the states and reasons these tests see
STATES = {
    (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED):
        ("running", "booted"),
    (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED):
        ("running", "restored"),
    (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_UNPAUSED):
        ("running", "unpaused"),
    (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_SAVE_CANCELED):
        ("running", "save canceled"),
    (libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_MIGRATION):
        ("paused", "migrating"),
    (libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_USER):
        ("paused", "user"),
    (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SAVED):
        ("shut off", "saved"),
    (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_UNKNOWN):
        ("shut off", "unknown"),
    (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_DESTROYED):
        ("shut off", "destroyed"),
}


class Save(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("saveA").start()
        cls.addClassCleanup(cls.host.cleanup)
        cls.conn = libvirt.open(cls.host.uri)
        cls.addClassCleanup(cls.conn.close)

    def setUp(self):
        self.assertIsNone(self.host.proc.poll(), "daemon died")

    # ---- helpers ----

    def image(self, name):
        return os.path.join(self.host.root, "lib", "qemu", "save",
                            name + ".save")

    def define(self, name, start=True, transient=False):
        """Defines (or creates) the test guest @name, running, with 3
        heartbeats in its log; returns the log's path."""
        log = os.path.join(self.host.root, name + ".log")
        xml = harness.guest_xml(name, log, memory_mib=64,
                                cmdline="hb_ms=50 wss_mib=16")
        path = harness.write_file(os.path.join(self.host.root, name + ".xml"),
                                  xml)
        if transient:
            virsh(self.host.uri, "create", path)
        else:
            virsh(self.host.uri, "define", path)
            if start:
                virsh(self.host.uri, "start", name)
        self.addCleanup(self.remove, name)
        if start or transient:
            guestlog.wait_for_lines(log, 3, timeout=10)
        return log

    def remove(self, name):
        virsh(self.host.uri, "destroy", name, check=False)
        virsh(self.host.uri, "undefine", "--managed-save", name, check=False)

    def state(self, name):
        """As `virsh domstate --reason` says it, through python-libvirt
        (a virsh run costs 0.15 s); None for no such domain."""
        try:
            state, reason = self.conn.lookupByName(name).state()
        except libvirt.libvirtError:
            return None
        return "%s (%s)" % STATES.get((state, reason), (state, reason))

    def dominfo(self, name):
        out = virsh(self.host.uri, "dominfo", name).stdout
        return dict((k.strip(), v.strip()) for k, v in
                    (ln.split(":", 1) for ln in out.splitlines() if ":" in ln))

    def assert_stopped_log(self, log):
        """No heartbeat comes while the guest is saved."""
        n = len(guestlog.parse_log(log))
        time.sleep(0.3)
        self.assertEqual(len(guestlog.parse_log(log)), n,
                         "the guest ran while saved")
        return n

    def assert_same_guest(self, log, after):
        """More heartbeats than @after, one boot, seq continuous, no
        CORRUPT: the guest went on with its memory intact."""
        guestlog.wait_for_lines(log, after + 5, timeout=10)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def virsh_error(self, *args):
        res = virsh(self.host.uri, *args, check=False)
        self.assertNotEqual(res.returncode, 0, res.stdout)
        return res.stderr

    # ---- managed save ----

    def test_managedsave_start(self):
        log = self.define("ms1")
        events = eventlib.VirshEvents(self.host.uri)
        self.addCleanup(events.stop)
        time.sleep(0.2)
        virsh(self.host.uri, "managedsave", "ms1")
        self.assertEqual(harness.domstate(self.host, "ms1"), "shut off (saved)")
        self.assertEqual(self.dominfo("ms1")["Managed save"], "yes")
        with open(self.image("ms1"), "rb") as f:
            self.assertEqual(f.read(8), MAGIC)
        self.assertFalse(os.path.exists(self.image("ms1") + ".part"))
        listed = virsh(self.host.uri, "list", "--all", "--managed-save").stdout
        self.assertRegex(listed, r"ms1\s+saved")
        self.assertIn("ms1", virsh(self.host.uri, "list", "--all", "--name",
                                   "--with-managed-save").stdout)
        self.assertNotIn("ms1", virsh(self.host.uri, "list", "--all", "--name",
                                      "--without-managed-save").stdout)
        n = self.assert_stopped_log(log)

        # undefine refuses while the image exists (virsh, then the server)
        self.assertIn("managed save image exists",
                      self.virsh_error("undefine", "ms1"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.lookupByName("ms1").undefineFlags(0)
        self.assertEqual(cm.exception.get_error_code(),
                         libvirt.VIR_ERR_OPERATION_INVALID)
        self.assertIn("Refusing to undefine while domain managed save image exists",
                      str(cm.exception))

        virsh(self.host.uri, "start", "ms1")
        self.assertEqual(harness.domstate(self.host, "ms1"), "running (restored)")
        self.assertFalse(os.path.exists(self.image("ms1")))
        self.assertEqual(self.dominfo("ms1")["Managed save"], "no")
        self.assert_same_guest(log, n)
        harness.wait_for(lambda: eventlib.index_of(events.events("ms1"),
                                                   "Started Restored") >= 0,
                         what="the STARTED/RESTORED event")
        lines = events.events("ms1")
        saved = eventlib.index_of(lines, "Stopped Saved")
        restored = eventlib.index_of(lines, "Started Restored")
        self.assertGreaterEqual(saved, 0, lines)
        self.assertGreater(restored, saved, lines)
        # the completed job is the save's
        info = virsh(self.host.uri, "domjobinfo", "--completed", "ms1").stdout
        self.assertRegex(info, r"Job type:\s+Completed")

    def test_managedsave_paused_flags(self):
        log = self.define("ms2")
        virsh(self.host.uri, "managedsave", "--paused", "ms2")
        n = len(guestlog.parse_log(log))
        virsh(self.host.uri, "start", "ms2")
        self.assertEqual(self.state("ms2"), "paused (migrating)")
        self.assert_stopped_log(log)
        virsh(self.host.uri, "resume", "ms2")
        self.assert_same_guest(log, n)
        # a paused guest saved with --running comes back running
        virsh(self.host.uri, "suspend", "ms2")
        virsh(self.host.uri, "managedsave", "--running", "ms2")
        n = len(guestlog.parse_log(log))
        virsh(self.host.uri, "start", "ms2")
        self.assertEqual(self.state("ms2"), "running (restored)")
        self.assert_same_guest(log, n)
        # start --paused keeps a guest saved running paused
        virsh(self.host.uri, "managedsave", "ms2")
        virsh(self.host.uri, "start", "--paused", "ms2")
        self.assertEqual(self.state("ms2"), "paused (migrating)")
        virsh(self.host.uri, "resume", "ms2")
        self.assert_same_guest(log, n)

    def test_remove_and_force_boot(self):
        log = self.define("ms3")
        boot = guestlog.parse_log(log)[-1].boot
        virsh(self.host.uri, "managedsave", "ms3")
        virsh(self.host.uri, "managedsave-remove", "ms3")
        self.assertFalse(os.path.exists(self.image("ms3")))
        self.assertEqual(self.dominfo("ms3")["Managed save"], "no")
        virsh(self.host.uri, "start", "ms3")
        self.assertEqual(self.state("ms3"), "running (booted)")
        guestlog.wait_for_lines(log, len(guestlog.parse_log(log)) + 2, 10)
        self.assertNotEqual(guestlog.parse_log(log)[-1].boot, boot)
        # --force-boot drops an image and boots afresh
        boot = guestlog.parse_log(log)[-1].boot
        virsh(self.host.uri, "managedsave", "ms3")
        virsh(self.host.uri, "start", "--force-boot", "ms3")
        self.assertFalse(os.path.exists(self.image("ms3")))
        guestlog.wait_for_lines(log, len(guestlog.parse_log(log)) + 2, 10)
        self.assertNotEqual(guestlog.parse_log(log)[-1].boot, boot)
        # undefine --managed-save removes the image with the domain
        virsh(self.host.uri, "managedsave", "ms3")
        virsh(self.host.uri, "undefine", "--managed-save", "ms3")
        self.assertFalse(os.path.exists(self.image("ms3")))
        self.assertIsNone(self.state("ms3"))

    def test_daemon_restart_and_autostart(self):
        log = self.define("ms4")
        virsh(self.host.uri, "autostart", "ms4")
        virsh(self.host.uri, "managedsave", "ms4")
        n = len(guestlog.parse_log(log))
        self.host.stop()
        self.host.start()
        self.__class__.conn = libvirt.open(self.host.uri)
        # autostart restored it from the image
        harness.wait_for(lambda: self.state("ms4") == "running (restored)",
                         what="ms4 restored by autostart")
        self.assertFalse(os.path.exists(self.image("ms4")))
        self.assert_same_guest(log, n)
        virsh(self.host.uri, "autostart", "--disable", "ms4")
        virsh(self.host.uri, "managedsave", "ms4")
        self.host.stop()
        self.host.start()
        self.__class__.conn = libvirt.open(self.host.uri)
        self.assertEqual(self.dominfo("ms4")["Managed save"], "yes")
        self.assertIn("ms4", virsh(self.host.uri, "list", "--all", "--name",
                                   "--with-managed-save").stdout)
        # the reason is not kept across a restart (libvirt neither)
        self.assertTrue(self.state("ms4").startswith("shut off"))
        virsh(self.host.uri, "start", "ms4")
        self.assert_same_guest(log, n)

    # ---- save and restore ----

    def test_save_restore_python(self):
        log = self.define("sr1", transient=True)
        path = os.path.join(self.host.root, "sr1.img")
        dom = self.conn.lookupByName("sr1")
        dom.save(path)
        self.assertIsNone(self.state("sr1"), "a saved transient domain goes")
        n = self.assert_stopped_log(log)
        xml = virsh(self.host.uri, "save-image-dumpxml", path).stdout
        self.assertIn("<name>sr1</name>", xml)
        self.conn.restore(path)
        self.assertEqual(self.state("sr1"), "running (restored)")
        self.assert_same_guest(log, n)
        self.assertTrue(os.path.exists(path), "restore keeps the image")
        # a second copy of a running guest is refused
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.restore(path)
        self.assertIn("already", str(cm.exception))
        # virsh save --paused, restore --running
        virsh(self.host.uri, "save", "--paused", "sr1", path)
        virsh(self.host.uri, "restore", path)
        self.assertEqual(self.state("sr1"), "paused (migrating)")
        virsh(self.host.uri, "destroy", "sr1")
        virsh(self.host.uri, "restore", "--running", path)
        self.assertEqual(self.state("sr1"), "running (restored)")
        self.assert_same_guest(log, n)

    # ---- replacing the XML in an image ----

    def described(self, xml, text):
        """@xml with <description>@text</description> (replacing one)."""
        xml = re.sub(r"\s*<description>.*?</description>", "", xml,
                     flags=re.S)
        return xml.replace("</name>",
                           "</name>\n  <description>%s</description>" % text,
                           1)

    def virsh_says(self, *args, editor=None):
        """virsh @args without -q (whose messages are the point), with
        $EDITOR set to @editor; its stdout."""
        env = dict(os.environ, EDITOR=editor) if editor else None
        res = subprocess.run([harness.VIRSH, "-c", self.host.uri] +
                             list(args), capture_output=True, text=True,
                             timeout=60, env=env)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        return res.stdout

    def xml_file(self, name, xml):
        return harness.write_file(os.path.join(self.host.root, name), xml)

    def assert_abi_refused(self, xml, *args):
        """virsh @args with @xml's memory grown is refused, libvirt's way."""
        grown = re.sub(r"<memory unit='KiB'>(\d+)</memory>",
                       lambda m: "<memory unit='KiB'>%d</memory>"
                       % (int(m.group(1)) + 1024), xml, count=1)
        self.assertNotEqual(grown, xml)
        err = self.virsh_error(*(args + (self.xml_file("abi.xml", grown),)))
        self.assertRegex(err, r"unsupported configuration: Target domain max "
                         r"memory \d+ does not match source \d+")

    def test_save_image_define(self):
        log = self.define("sd1", transient=True)
        path = os.path.join(self.host.root, "sd1.img")
        virsh(self.host.uri, "save", "sd1", path)
        n = self.assert_stopped_log(log)
        xml = virsh(self.host.uri, "save-image-dumpxml", "--security-info",
                    path).stdout
        with open(path, "rb") as f:
            before = f.read()
        # a change of the guest ABI, a missing file, not an image: refused,
        # and the image stays byte for byte
        self.assert_abi_refused(xml, "save-image-define", path)
        self.assertIn("cannot open save image",
                      self.virsh_error("save-image-define",
                                       path + ".missing",
                                       self.xml_file("d.xml", xml)))
        bogus = self.xml_file("bogus.img", "not an image\n" * 100)
        self.assertIn("image magic is incorrect",
                      self.virsh_error("save-image-define", bogus,
                                       self.xml_file("d.xml", xml)))
        self.assertIn("Failed to update",
                      self.virsh_error("save-image-define", path,
                                       self.xml_file("bad.xml", "<domain")))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before, "a refused define wrote")

        # a description (not guest ABI) and --paused: restore shows both
        out = self.virsh_says("save-image-define", "--paused", path,
                              self.xml_file("d.xml",
                                            self.described(xml, "parked one")))
        self.assertIn("State file %s updated." % path, out)
        self.assertIn("<description>parked one</description>",
                      virsh(self.host.uri, "save-image-dumpxml", path).stdout)
        virsh(self.host.uri, "restore", path)
        self.assertEqual(self.state("sd1"), "paused (migrating)")
        self.assertIn("<description>parked one</description>",
                      virsh(self.host.uri, "dumpxml", "sd1").stdout)
        virsh(self.host.uri, "resume", "sd1")
        self.assert_same_guest(log, n)

        # save-image-edit through $EDITOR, with --running
        virsh(self.host.uri, "save", "--paused", "sd1", path)
        out = self.virsh_says("save-image-edit", "--running", path,
                              editor="sed -i -e 's/parked one/edited/'")
        self.assertIn("State file %s edited." % path, out)
        virsh(self.host.uri, "restore", path)
        self.assertEqual(self.state("sd1"), "running (restored)")
        self.assertIn("<description>edited</description>",
                      virsh(self.host.uri, "dumpxml", "sd1").stdout)
        self.assert_same_guest(log, n)

    def test_managedsave_define(self):
        log = self.define("md1")
        self.assertIn("does not have managed save image",
                      self.virsh_error("managedsave-define", "md1",
                                       self.xml_file("m.xml", "<domain/>")))
        virsh(self.host.uri, "managedsave", "md1")
        n = self.assert_stopped_log(log)
        xml = virsh(self.host.uri, "managedsave-dumpxml", "--security-info",
                    "md1").stdout
        with open(self.image("md1"), "rb") as f:
            before = f.read()
        self.assert_abi_refused(xml, "managedsave-define", "md1")
        with open(self.image("md1"), "rb") as f:
            self.assertEqual(f.read(), before, "a refused define wrote")

        out = self.virsh_says("managedsave-define", "--paused", "md1",
                              self.xml_file("m.xml",
                                            self.described(xml, "parked")))
        self.assertIn("Managed save state file of domain 'md1' updated.", out)
        self.assertIn("<description>parked</description>",
                      virsh(self.host.uri, "managedsave-dumpxml",
                            "md1").stdout)
        # the persistent definition is not the image's
        self.assertNotIn("<description>",
                         virsh(self.host.uri, "dumpxml", "--inactive",
                               "md1").stdout)
        virsh(self.host.uri, "start", "md1")
        self.assertEqual(self.state("md1"), "paused (migrating)")
        self.assertIn("<description>parked</description>",
                      virsh(self.host.uri, "dumpxml", "md1").stdout)
        self.assert_stopped_log(log)
        virsh(self.host.uri, "resume", "md1")
        self.assert_same_guest(log, n)

        # managedsave-edit --running of an image saved paused
        virsh(self.host.uri, "managedsave", "--paused", "md1")
        out = self.virsh_says("managedsave-edit", "--running", "md1",
                              editor="sed -i -e 's/>parked</>edited</'")
        self.assertIn("XML configuration edited", out)
        virsh(self.host.uri, "start", "md1")
        self.assertEqual(self.state("md1"), "running (restored)")
        self.assertIn("<description>edited</description>",
                      virsh(self.host.uri, "dumpxml", "md1").stdout)
        self.assert_same_guest(log, n)

    def check_params_on_wire(self, path):
        """What python-libvirt cannot send (it types the parameters
        itself), on the raw wire: a wrong type, a repeat; refused with
        libvirt's errors before anything is looked at."""
        client = RawClient(self.host.sock)
        self.addCleanup(client.close)
        self.assertEqual(rawrpc.open_conn(client)[0][5], rawrpc.OK)
        dom = xdr_dom("sp1")
        flags = struct.pack(">I", 0)
        cases = [
            ([("file", TP_INT, 5)], libvirt.VIR_ERR_INVALID_ARG,
             "invalid type 'int' for parameter 'file', expected 'string'"),
            ([("file", TP_STRING, path), ("file", TP_STRING, path)],
             libvirt.VIR_ERR_INVALID_ARG,
             "parameter 'file' occurs multiple times"),
            ([("dxml", TP_STRING, "<domain/>")], libvirt.VIR_ERR_INVALID_ARG,
             "missing path to restore from"),
        ]
        for params, code, text in cases:
            for proc, args in ((PROC_SAVE_PARAMS, dom + xdr_params(params)),
                               (PROC_RESTORE_PARAMS, xdr_params(params))):
                if proc == PROC_SAVE_PARAMS and "missing" in text:
                    continue
                with self.subTest(proc=proc, params=params):
                    hdr, body = client.call(proc, args + flags)
                    self.assertEqual(hdr[5], rawrpc.ERROR)
                    err = rawrpc.parse_error(body)
                    self.assertEqual(err[0], code, err)
                    self.assertIn(text, err[2])

    def test_save_restore_params(self):
        log = self.define("sp1")
        path = os.path.join(self.host.root, "sp1.img")
        dom = self.conn.lookupByName("sp1")
        xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.saveParams({"bogus": "x"}, 0)
        self.assertEqual(cm.exception.get_error_code(),
                         libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED)
        self.assertIn("parameter 'bogus' not supported", str(cm.exception))
        self.check_params_on_wire(path)
        self.assertEqual(self.state("sp1"), "running (booted)")
        self.assertFalse(os.path.exists(path))

        dom.saveParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE: path,
                        libvirt.VIR_DOMAIN_SAVE_PARAM_DXML:
                            self.described(xml, "by params")}, 0)
        n = self.assert_stopped_log(log)
        self.assertIn("<description>by params</description>",
                      virsh(self.host.uri, "save-image-dumpxml", path).stdout)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.restoreParams({}, 0)
        self.assertEqual(cm.exception.get_error_code(),
                         libvirt.VIR_ERR_INVALID_ARG)
        self.assertIn("missing path to restore from", str(cm.exception))
        self.conn.restoreParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE: path,
                                 libvirt.VIR_DOMAIN_SAVE_PARAM_DXML:
                                     self.described(xml, "restored")},
                                libvirt.VIR_DOMAIN_SAVE_PAUSED)
        self.assertEqual(self.state("sp1"), "paused (migrating)")
        self.assertIn("<description>restored</description>",
                      virsh(self.host.uri, "dumpxml", "sp1").stdout)
        self.conn.lookupByName("sp1").resume()
        self.assert_same_guest(log, n)

        # without a file: a managed save (libvirt 9.0 does so)
        self.conn.lookupByName("sp1").saveParams({}, 0)
        self.assertEqual(self.dominfo("sp1")["Managed save"], "yes")
        n = self.assert_stopped_log(log)
        virsh(self.host.uri, "start", "sp1")
        self.assert_same_guest(log, n)

    # ---- bypassing the page cache ----

    def cached_pages(self, path):
        """How many pages of @path the page cache holds (fincore)."""
        out = subprocess.run(["fincore", "--bytes", "--noheadings",
                              "--output", "PAGES", path], capture_output=True,
                             text=True, check=True).stdout
        return int(out.split()[0])

    def evict(self, path):
        with open(path, "rb") as f:
            os.fsync(f.fileno())
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)

    def test_bypass_cache(self):
        """save/restore and managedsave/start --bypass-cache: QEMU's stream
        is written and read with O_DIRECT (the page cache holds at most
        the header's pages afterwards), and the guest comes back with its
        working set intact."""
        if not shutil.which("fincore"):
            self.skipTest("no fincore (util-linux) to look at the page cache")
        log = self.define("bc1")
        path = os.path.join(self.host.root, "bc1.img")
        virsh(self.host.uri, "save", "--bypass-cache", "bc1", path)
        n = self.assert_stopped_log(log)
        size = os.path.getsize(path)
        self.assertGreater(size, 8 << 20, "the image holds the working set")
        # only the header and XML went through the cache (17 pages at most)
        self.assertLessEqual(self.cached_pages(path), 17)
        self.evict(path)
        virsh(self.host.uri, "restore", "--bypass-cache", path)
        self.assertEqual(self.state("bc1"), "running (restored)")
        self.assertLessEqual(self.cached_pages(path), 17)
        self.assert_same_guest(log, n)

        # the control: without the flag the stream fills the cache
        virsh(self.host.uri, "save", "bc1", path)
        self.assertGreater(self.cached_pages(path), 1000)
        n = len(guestlog.parse_log(log))
        virsh(self.host.uri, "restore", path)
        self.assert_same_guest(log, n)

        virsh(self.host.uri, "managedsave", "--bypass-cache", "bc1")
        n = self.assert_stopped_log(log)
        self.assertLessEqual(self.cached_pages(self.image("bc1")), 17)
        self.evict(self.image("bc1"))
        virsh(self.host.uri, "start", "--bypass-cache", "bc1")
        self.assertEqual(self.state("bc1"), "running (restored)")
        self.assert_same_guest(log, n)

        # the typed-parameter form takes the flag too
        dom = self.conn.lookupByName("bc1")
        dom.saveParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE: path},
                       libvirt.VIR_DOMAIN_SAVE_BYPASS_CACHE)
        n = self.assert_stopped_log(log)
        self.assertLessEqual(self.cached_pages(path), 17)
        self.conn.restoreParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE: path},
                                libvirt.VIR_DOMAIN_SAVE_BYPASS_CACHE)
        self.assert_same_guest(log, n)

    # ---- what is refused ----

    def test_errors_change_nothing(self):
        log = self.define("er1")
        self.define("er2", start=False)
        dom = self.conn.lookupByName("er1")
        cases = [
            (lambda: dom.managedSave(1 << 20),
             libvirt.VIR_ERR_INVALID_ARG, "unsupported flags (0x100000)"),
            (lambda: self.conn.lookupByName("er2").managedSave(0),
             libvirt.VIR_ERR_OPERATION_INVALID, "domain is not running"),
            (lambda: dom.save("/nonexistent-dir/er1.img"),
             libvirt.VIR_ERR_SYSTEM_ERROR, "cannot create save image"),
            (lambda: dom.managedSaveRemove(0),
             libvirt.VIR_ERR_SYSTEM_ERROR, "Failed to remove managed save file"),
            (lambda: dom.managedSaveGetXMLDesc(0),
             libvirt.VIR_ERR_OPERATION_INVALID, "does not have managed save image"),
        ]
        for call, code, text in cases:
            with self.subTest(text=text):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    call()
                self.assertEqual(cm.exception.get_error_code(), code,
                                 str(cm.exception))
                self.assertIn(text, str(cm.exception))
        self.assertEqual(self.state("er1"), "running (booted)")
        self.assertEqual(os.listdir(os.path.dirname(self.image("x"))), [])
        # the guest never stopped: one boot, heartbeats continuous
        self.assert_same_guest(log, len(guestlog.parse_log(log)))

        # a transient domain has no managed save
        log3 = self.define("er3", transient=True)
        self.assertIn("cannot do managed save for transient domain",
                      self.virsh_error("managedsave", "er3"))
        self.assert_same_guest(log3, len(guestlog.parse_log(log3)))

        # a read-only connection may not save
        res = virsh(self.host.uri_ro, "managedsave", "er1", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("read only", res.stderr.lower().replace("-", " "))

    def test_bad_images(self):
        good = os.path.join(self.host.root, "good.img")
        log = self.define("bi1", transient=True)
        self.conn.lookupByName("bi1").save(good)
        with open(good, "rb") as f:
            data = f.read()
        bad = {
            "truncated": (data[:-4096], "is truncated"),
            "foreign": (b"LibvirtQemudSave" + b"\0" * 200, "image magic is incorrect"),
            "partial": (b"VMIGPART" + data[8:], "is incomplete"),
            "garbage": (os.urandom(100), "image magic is incorrect"),
        }
        for name, (content, text) in bad.items():
            path = harness.write_file(os.path.join(self.host.root, name), "")
            with open(path, "wb") as f:
                f.write(content)
            with self.subTest(image=name):
                res = virsh(self.host.uri, "restore", path, check=False)
                self.assertNotEqual(res.returncode, 0)
                self.assertIn(text, res.stderr)
                self.assertIsNone(self.state("bi1"))
                res = virsh(self.host.uri, "save-image-dumpxml", path, check=False)
                self.assertIn(text, res.stderr)
        self.assertNotIn("bi1", virsh(self.host.uri, "list", "--all", "--name").stdout)
        # and the good image still restores the same guest
        n = len(guestlog.parse_log(log))
        self.conn.restore(good)
        self.assert_same_guest(log, n)

    def test_migrate_with_managed_image(self):
        """As stock: a saved domain is not running, so a live migration
        is refused, and the image stays where it is."""
        other = Host("saveB").start()
        self.addCleanup(other.cleanup)
        self.define("mg1")
        virsh(self.host.uri, "managedsave", "mg1")
        res = virsh(self.host.uri, "migrate", "--live", "mg1", other.uri,
                    check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("domain is not running", res.stderr)
        self.assertTrue(os.path.exists(self.image("mg1")))
        self.assertEqual(self.state("mg1"), "shut off (saved)")
        self.assertIsNone(harness.domstate(other, "mg1"))


if __name__ == "__main__":
    harness.require("virsh", "libvirt")
    harness.require_guest()
    harness.main()
