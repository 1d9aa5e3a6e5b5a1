"""Live migration, protocol v2 (issue #6), between virtmigd hosts with
stock virsh: a host whose migration_protocols is "2" makes the client fall
back to DumpXML, Prepare2, Perform, Finish2.  The test guest must keep its
boot id, its heartbeat gap must stay under a second and its memory check
must never fail, as with v3.  Failure paths: the destination QEMU killed
during Perform, and the client gone between Perform and Finish2 (driven
with a raw RPC client, the only way to stop exactly there), where the
destination keeps the guest's only copy paused instead of destroying it.
"""

import os
import re
import signal
import struct
import subprocess
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import rawrpc
from harness import Host, virsh

PROC_DOMAIN_GET_XML_DESC = 14
PROC_DOMAIN_LOOKUP_BY_NAME = 23
PROC_DOMAIN_MIGRATE_PERFORM = 62
PROC_DOMAIN_MIGRATE_PREPARE2 = 108
PROC_DOMAIN_MIGRATE_FINISH2 = 109
PROC_DOMAIN_MIGRATE_PREPARE3 = 214
VIR_DOMAIN_XML_MIGRATABLE = 8
VIR_MIGRATE_LIVE = 1
VIR_MIGRATE_PERSIST_DEST = 8
VIR_MIGRATE_UNDEFINE_SOURCE = 16

V2_IN = "incoming migration of domain %s with protocol v2"
V2_OUT = "outgoing migration of domain %s with protocol v2"
V3_IN = "incoming migration of domain %s with protocol v3"


# ---- a raw client for the v2 steps (rpc-facts 6.2)

def xdr_opaque(b):
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def xdr_read_opaque(buf, off):
    n = struct.unpack(">I", buf[off:off + 4])[0]
    return buf[off + 4:off + 4 + n], off + 4 + n + ((4 - n % 4) % 4)


def xdr_read_opt_string(buf, off):
    if not struct.unpack(">I", buf[off:off + 4])[0]:
        return None, off + 4
    s, off = xdr_read_opaque(buf, off + 4)
    return s.decode(), off


class RawV2Client(rawrpc.RawClient):
    """One connection to a host, with just the calls a v2 migration
    makes; every call must succeed."""

    def __init__(self, host):
        super().__init__(path=host.sock, timeout=120)
        hdr, body = rawrpc.open_conn(self)
        assert hdr[5] == rawrpc.OK, rawrpc.parse_error(body)

    def ok_call(self, proc, payload):
        hdr, body = self.call(proc, payload)
        if hdr[5] != rawrpc.OK:
            raise AssertionError("call %d failed: %s" % (proc, rawrpc.parse_error(body)))
        return body

    def lookup(self, name):
        """The remote_nonnull_domain of @name, encoded as it came."""
        return self.ok_call(PROC_DOMAIN_LOOKUP_BY_NAME, rawrpc.xdr_string(name))

    def xml_desc(self, dom, flags):
        body = self.ok_call(PROC_DOMAIN_GET_XML_DESC, dom + struct.pack(">I", flags))
        return xdr_read_opaque(body, 0)[0].decode()

    def prepare2(self, xml, flags):
        body = self.ok_call(PROC_DOMAIN_MIGRATE_PREPARE2,
                            rawrpc.xdr_opt_string(None) + struct.pack(">Q", flags) +
                            rawrpc.xdr_opt_string(None) + struct.pack(">Q", 0) +
                            rawrpc.xdr_string(xml))
        cookie, off = xdr_read_opaque(body, 0)
        uri, _ = xdr_read_opt_string(body, off)
        return cookie, uri

    def finish2(self, dname, cookie, uri, flags, retcode):
        """Returns (code, domain, message) of the error Finish2 must give."""
        hdr, body = self.call(PROC_DOMAIN_MIGRATE_FINISH2,
                              rawrpc.xdr_string(dname) + xdr_opaque(cookie) +
                              rawrpc.xdr_string(uri) + struct.pack(">Qi", flags, retcode))
        assert hdr[5] == rawrpc.ERROR, "Finish2 with retcode %d succeeded" % retcode
        return rawrpc.parse_error(body)[:3]

    def prepare3(self, xml, flags):
        body = self.ok_call(PROC_DOMAIN_MIGRATE_PREPARE3,
                            xdr_opaque(b"") + rawrpc.xdr_opt_string(None) +
                            struct.pack(">Q", flags) + rawrpc.xdr_opt_string(None) +
                            struct.pack(">Q", 0) + rawrpc.xdr_string(xml))
        cookie, off = xdr_read_opaque(body, 0)
        uri, _ = xdr_read_opt_string(body, off)
        return cookie, uri

    def perform(self, dom, cookie, uri, flags):
        self.ok_call(PROC_DOMAIN_MIGRATE_PERFORM,
                     dom + xdr_opaque(cookie) + rawrpc.xdr_string(uri) +
                     struct.pack(">Q", flags) + rawrpc.xdr_opt_string(None) +
                     struct.pack(">Q", 0))


class MigrateV2(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        conf = {"migration_host": "127.0.0.1", "log_level": 2}
        # A advertises both versions (the default), B only v2
        cls.a = Host("v2hostA", conf=dict(conf, migration_port_min=49240,
                                          migration_port_max=49249)).start()
        cls.b = Host("v2hostB", conf=dict(conf, migration_port_min=49250,
                                          migration_port_max=49259,
                                          migration_protocols="2")).start()

    @classmethod
    def tearDownClass(cls):
        # a daemon leaves its QEMUs running when it stops: after a failed
        # test, none may linger (holding a migration port, or the CPU)
        for h in (cls.a, cls.b):
            for pid in harness.qemu_pids_under(h.root):
                os.kill(pid, signal.SIGKILL)
        cls.a.cleanup()
        cls.b.cleanup()

    # ---- helpers

    def start_guest(self, name, memory_mib=64, cmdline="hb_ms=100 wss_mib=16"):
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log, memory_mib=memory_mib,
                                                   cmdline=cmdline))
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=10)
        self.addCleanup(self.cleanup_guest, name, log)
        return log

    def cleanup_guest(self, name, log):
        guestlog.unfollow(log)
        for h in (self.a, self.b):
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def jobtype(self, host, name):
        out = virsh(host.uri, "domjobinfo", name, check=False).stdout
        m = re.search(r"Job type:\s+(\S+)", out)
        return m.group(1) if m else None

    def virsh_migrate_async(self, name, *opts):
        """virsh migrate --live A->B in the background (killed at the end
        of the test if still running)."""
        proc = subprocess.Popen([harness.VIRSH, "-q", "-c", self.a.uri, "migrate",
                                 "--live", *opts, name, self.b.uri],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        self.addCleanup(self.reap, proc)
        return proc

    @staticmethod
    def reap(proc):
        if proc.poll() is None:
            proc.kill()
        proc.communicate()

    def wait_outgoing(self, name, proc):
        harness.wait_for(lambda: self.jobtype(self.a, name) == "Unbounded" or
                         proc.poll() is not None, timeout=30, what="the outgoing job")
        time.sleep(0.5)
        self.assertIsNone(proc.poll(), "migration ended too early")

    def migrate(self, src, dst, name, *opts, check=True):
        start = time.time()
        res = virsh(src.uri, "migrate", "--live", *opts, name, dst.uri,
                    check=check, timeout=120)
        return res, time.time() - start

    def log_mark(self):
        return (len(self.a.read_log()), len(self.b.read_log()))

    def logs_since(self, mark):
        return self.a.read_log()[mark[0]:], self.b.read_log()[mark[1]:]

    def assert_protocol(self, mark, src, dst, name, version):
        logs = dict(zip((self.a.name, self.b.name), self.logs_since(mark)))
        incoming = (V2_IN if version == 2 else V3_IN) % name
        self.assertIn(incoming, logs[dst.name])
        if version == 2:
            self.assertIn(V2_OUT % name, logs[src.name])
        else:
            self.assertNotIn(V2_OUT % name, logs[src.name])

    def assert_moved(self, log, src, dst, name, gap=1.0):
        self.assertEqual(self.state(dst, name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=10)
        verdict = guestlog.check_continuity(log, max_gap_s=gap)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print(verdict.summary())
        return verdict

    def assert_no_incoming_left(self, host, name):
        self.assertIsNone(self.state(host, name))
        self.assertEqual(harness.qemu_pids_under(host.root), [])

    # ---- the protocol choice

    def test_v2_only_destination_live(self):
        log = self.start_guest("v2mig1")
        guestlog.follow(log)
        mark = self.log_mark()
        _, took = self.migrate(self.a, self.b, "v2mig1")
        print("\nvirsh migrate --live A->B (v2): %.0f ms" % (took * 1000))
        self.assert_protocol(mark, self.a, self.b, "v2mig1", 2)
        self.assert_moved(log, self.a, self.b, "v2mig1")
        info = virsh(self.a.uri, "domjobinfo", "--completed", "v2mig1").stdout
        self.assertRegex(info, r"Job type:\s+Completed")
        self.assertRegex(info, r"Total downtime:\s+\d+\s+ms")
        # phases through the funnel, on both hosts
        src_log, dst_log = self.logs_since(mark)
        self.assertRegex(src_log, r"Domain v2mig1: 'migration out' job \d+ phase none => perform2")
        self.assertRegex(dst_log, r"Domain v2mig1: 'migration in' job \d+ phase none => prepare")
        self.assertRegex(dst_log, r"Domain v2mig1: 'migration in' job \d+ phase prepare => finish2")

    def test_v2_and_v3_hosts_both_ways(self):
        log = self.start_guest("v2mig2")
        for src, dst in ((self.a, self.b), (self.b, self.a), (self.a, self.b),
                         (self.b, self.a)):
            guestlog.follow(log)
            mark = self.log_mark()
            _, took = self.migrate(src, dst, "v2mig2", "--persistent",
                                   "--undefinesource")
            print("\n%s -> %s (v2): %.0f ms" % (src.name, dst.name, took * 1000))
            self.assert_protocol(mark, src, dst, "v2mig2", 2)
            self.assert_moved(log, src, dst, "v2mig2")
            self.assertNotIn("v2mig2", virsh(src.uri, "list", "--all", "--name").stdout)
            self.assertRegex(virsh(dst.uri, "dominfo", "v2mig2").stdout,
                             r"Persistent:\s+yes")

    def test_paused_guest_and_python(self):
        import libvirt
        name = "v2mig4"
        log = self.start_guest(name)
        virsh(self.a.uri, "suspend", name)
        mark = self.log_mark()
        self.migrate(self.a, self.b, name)
        self.assert_protocol(mark, self.a, self.b, name, 2)
        # the client adds VIR_MIGRATE_PAUSED for a paused source
        self.assertEqual(self.state(self.b, name), "paused (user)")
        self.assertEqual(self.state(self.a, name), "shut off (migrated)")
        virsh(self.b.uri, "resume", name)
        # python-libvirt's dom.migrate() takes the same v2 path back
        src, dst = libvirt.open(self.b.uri), libvirt.open(self.a.uri)
        try:
            guestlog.follow(log)
            mark = self.log_mark()
            new = src.lookupByName(name).migrate(dst, libvirt.VIR_MIGRATE_LIVE,
                                                 None, None, 0)
            self.assertEqual(new.name(), name)
        finally:
            src.close()
            dst.close()
        self.assert_protocol(mark, self.b, self.a, name, 2)
        self.assert_moved(log, self.b, self.a, name)

    def test_features_advertised(self):
        # virDrvFeature: 3 MIGRATION_V2, 6 MIGRATION_V3, 12 MIGRATION_OFFLINE
        # (a v3 thing here), 13 MIGRATION_PARAMS
        for host, expect in ((self.a, {3: 1, 6: 1, 12: 1, 13: 1}),
                             (self.b, {3: 1, 6: 0, 12: 0, 13: 0})):
            c = RawV2Client(host)
            try:
                got = {f: struct.unpack(">i", c.ok_call(
                    rawrpc.PROC_CONNECT_SUPPORTS_FEATURE,
                    struct.pack(">i", f)))[0] for f in expect}
            finally:
                c.close()
            self.assertEqual(got, expect, host.name)

    def test_bad_config_value(self):
        h = Host("v2bad", conf={"migration_protocols": "2,4"})
        h.write_conf()
        try:
            res = subprocess.run([harness.VIRTMIGD, "--root", h.root],
                                 capture_output=True, text=True, timeout=20)
            self.assertEqual(res.returncode, 1)
            self.assertRegex(res.stderr, re.escape(os.path.join(h.root, "virtmigd.conf")) +
                             r":\d+: migration_protocols: expected")
        finally:
            h.cleanup()

    # ---- failure paths

    def test_destination_qemu_killed_during_perform(self):
        name = "v2kill1"
        log = self.start_guest(name, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=0")
        mark = self.log_mark()
        proc = self.virsh_migrate_async(name, "--bandwidth", "20")
        self.wait_outgoing(name, proc)
        pids = harness.qemu_pids_under(self.b.root)
        self.assertEqual(len(pids), 1)
        os.kill(pids[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        print("\nvirsh migrate after the kill: %s" % err.strip())
        self.assertNotEqual(proc.returncode, 0)
        # running as before (never paused: it failed before switch-over)
        self.assertIn(self.state(self.a, name), ("running (booted)",
                                                 "running (migration canceled)"))
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=30,
                         what="the incoming domain to go")
        self.assert_no_incoming_left(self.b, name)
        self.assertEqual(self.jobtype(self.a, name), "None")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=10)
        verdict = guestlog.check_continuity(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print(verdict.summary())
        _, dst_log = self.logs_since(mark)
        port = re.search(V2_IN % name + r" prepared on (\S+)", dst_log).group(1)

        # the next migration succeeds (at the domain's speed again:
        # unlimited), on the same port (none leaked)
        self.assertEqual(virsh(self.a.uri, "migrate-getspeed", name).stdout.strip(),
                         "8796093022207")
        guestlog.follow(log)
        mark = self.log_mark()
        self.migrate(self.a, self.b, name)
        self.assert_protocol(mark, self.a, self.b, name, 2)
        self.assert_moved(log, self.a, self.b, name)
        _, dst_log = self.logs_since(mark)
        self.assertIn(V2_IN % name + " prepared on " + port, dst_log)

    def test_client_gone_between_perform_and_finish(self):
        name = "v2orphan1"
        log = self.start_guest(name)
        src = RawV2Client(self.a)
        dst = RawV2Client(self.b)
        dom = src.lookup(name)
        xml = src.xml_desc(dom, VIR_DOMAIN_XML_MIGRATABLE)
        flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE
        cookie, uri = dst.prepare2(xml, flags)
        self.assertEqual(self.state(self.b, name), "paused (migrating)")
        guestlog.follow(log)
        src.perform(dom, cookie, uri, flags)
        # v2: Perform stopped the source and dropped its definition; the
        # client now "dies"
        self.assertIsNone(self.state(self.a, name))
        src.close()
        dst.close()
        harness.wait_for(lambda: self.jobtype(self.b, name) == "None", timeout=30,
                         what="the destination to adopt the guest")
        self.assertEqual(self.state(self.b, name), "paused (migrating)")
        self.assertIn("stays here paused", self.b.read_log())
        self.assertEqual(len(harness.qemu_pids_under(self.b.root)), 1)
        self.assertEqual(harness.qemu_pids_under(os.path.join(self.a.root, "run")), [])
        # the one copy keeps the definition the source dropped
        self.assertRegex(virsh(self.b.uri, "dominfo", name).stdout,
                         r"Persistent:\s+yes")
        before = guestlog.parse_log(log)
        time.sleep(0.5)
        self.assertEqual(len(guestlog.parse_log(log)), len(before), "paused guest ran")
        virsh(self.b.uri, "resume", name)
        self.assertEqual(self.state(self.b, name), "running (unpaused)")
        guestlog.wait_for_lines(log, len(before) + 5, timeout=10)
        verdict = guestlog.check_continuity(log)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print("\n" + verdict.summary())
        # and it migrates on
        guestlog.follow(log)
        self.migrate(self.b, self.a, name)
        self.assert_moved(log, self.b, self.a, name)

    def test_finish2_retcode_kills_incoming(self):
        name = "v2fin1"
        self.start_guest(name)
        src = RawV2Client(self.a)
        dst = RawV2Client(self.b)
        try:
            dom = src.lookup(name)
            cookie, uri = dst.prepare2(src.xml_desc(dom, VIR_DOMAIN_XML_MIGRATABLE),
                                       VIR_MIGRATE_LIVE)
            self.assertEqual(len(harness.qemu_pids_under(self.b.root)), 1)
            # as the client does when Perform failed
            code, domain, msg = dst.finish2(name, cookie, uri, VIR_MIGRATE_LIVE, 1)
        finally:
            src.close()
            dst.close()
        self.assertEqual((code, domain), (93, 10), msg)  # MIGRATE_FINISH_OK, QEMU
        self.assert_no_incoming_left(self.b, name)
        self.assertEqual(self.state(self.a, name), "running (booted)")

    def test_finish2_refused_for_v3(self):
        # a client mixing the protocols gets an error and nothing changes:
        # a v3 source would keep its paused copy until Confirm3
        name = "v2fin2"
        self.start_guest(name)
        src = RawV2Client(self.a)
        dst = RawV2Client(self.b)
        try:
            dom = src.lookup(name)
            _, uri = dst.prepare3(src.xml_desc(dom, VIR_DOMAIN_XML_MIGRATABLE),
                                  VIR_MIGRATE_LIVE)
            code, _, msg = dst.finish2(name, b"", uri, VIR_MIGRATE_LIVE, 0)
            self.assertEqual(code, 55, msg)  # VIR_ERR_OPERATION_INVALID
            self.assertIn("not processing an incoming migration of protocol v2", msg)
            self.assertEqual(self.state(self.b, name), "paused (migrating)")
        finally:
            src.close()
            dst.close()
        # the v3 close callback then destroys the incoming domain
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=30,
                         what="the incoming domain to go")
        self.assert_no_incoming_left(self.b, name)
        self.assertEqual(self.state(self.a, name), "running (booted)")

    def test_client_gone_before_perform(self):
        name = "v2orphan2"
        log = self.start_guest(name)
        src = RawV2Client(self.a)
        dst = RawV2Client(self.b)
        dom = src.lookup(name)
        dst.prepare2(src.xml_desc(dom, VIR_DOMAIN_XML_MIGRATABLE), VIR_MIGRATE_LIVE)
        self.assertEqual(len(harness.qemu_pids_under(self.b.root)), 1)
        dst.close()
        src.close()
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=30,
                         what="the incoming domain to go")
        self.assert_no_incoming_left(self.b, name)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        guestlog.follow(log)
        self.migrate(self.a, self.b, name)
        self.assert_moved(log, self.a, self.b, name)

    def test_client_killed_during_perform(self):
        name = "v2orphan3"
        log = self.start_guest(name, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=0")
        guestlog.follow(log)
        proc = self.virsh_migrate_async(name, "--bandwidth", "20")
        self.wait_outgoing(name, proc)
        proc.kill()
        proc.communicate()
        # v2 has no close callback on the source: Perform goes on, and with
        # the brake off it completes and stops the source; the destination,
        # whose client is gone, waits for the stream and keeps the guest
        harness.wait_for(lambda: "incoming migration of domain %s (protocol v2) goes on "
                         "without its client" % name in self.b.read_log(),
                         timeout=30, what="the destination to notice")
        self.assertEqual(self.jobtype(self.a, name), "Unbounded")
        virsh(self.a.uri, "migrate-setspeed", name, "8796093022207")
        harness.wait_for(lambda: self.state(self.a, name) == "shut off (migrated)",
                         timeout=30, what="the source to finish")
        harness.wait_for(lambda: self.jobtype(self.b, name) == "None", timeout=30,
                         what="the destination to adopt the guest")
        self.assertEqual(self.state(self.b, name), "paused (migrating)")
        virsh(self.b.uri, "resume", name)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=10)
        verdict = guestlog.check_continuity(log)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print("\n" + verdict.summary())

    def test_client_killed_then_transfer_fails(self):
        name = "v2orphan4"
        log = self.start_guest(name, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=0")
        guestlog.follow(log)
        proc = self.virsh_migrate_async(name, "--bandwidth", "20")
        self.wait_outgoing(name, proc)
        proc.kill()
        proc.communicate()
        harness.wait_for(lambda: "incoming migration of domain %s (protocol v2) goes on "
                         "without its client" % name in self.b.read_log(),
                         timeout=30, what="the destination to notice")
        # the transfer fails after all: the source keeps the guest, the
        # destination's incomplete copy goes
        virsh(self.a.uri, "domjobabort", name)
        harness.wait_for(lambda: self.jobtype(self.a, name) == "None", timeout=30,
                         what="the source's job to end")
        self.assertTrue(self.state(self.a, name).startswith("running"))
        harness.wait_for(lambda: self.state(self.b, name) is None, timeout=30,
                         what="the incoming domain to go")
        self.assert_no_incoming_left(self.b, name)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=10)
        verdict = guestlog.check_continuity(log, max_gap_s=1.0)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print("\n" + verdict.summary())

    def test_domjobabort_during_perform(self):
        # Perform fails; the incoming QEMU exits as its stream breaks (or
        # Finish2 with retcode 1 kills it, whichever comes first)
        name = "v2abort1"
        log = self.start_guest(name, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=0")
        guestlog.follow(log)
        proc = self.virsh_migrate_async(name, "--bandwidth", "20")
        self.wait_outgoing(name, proc)
        virsh(self.a.uri, "domjobabort", name)
        _, err = proc.communicate(timeout=60)
        print("\nvirsh migrate after domjobabort: %s" % err.strip())
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("canceled by client", err)
        self.assertTrue(self.state(self.a, name).startswith("running"))
        self.assert_no_incoming_left(self.b, name)
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 5, timeout=10)
        verdict = guestlog.check_continuity(log, max_gap_s=1.0)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print(verdict.summary())

    def test_postcopy_refused(self):
        name = "v2mig3"
        self.start_guest(name)
        res, _ = self.migrate(self.a, self.b, name, "--postcopy", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("post-copy migration needs migration protocol v3", res.stderr)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.assert_no_incoming_left(self.b, name)


if __name__ == "__main__":
    harness.require("virsh")
    harness.require("libvirt")
    harness.require_guest()
    harness.main()
