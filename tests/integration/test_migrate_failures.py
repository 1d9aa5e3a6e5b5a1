"""Failure paths of live migration (protocol v3) between two virtmigd hosts,
with stock virsh and the raw protocol where virsh cannot stop in between.

Each case ends the same way: exactly one copy of the guest, on one host,
running (or paused where the migration rules leave it paused, and then
`virsh resume` continues the same boot), an intact heartbeat verdict,
nothing left on either host (no job, no QEMU process, no status file of
a gone domain, ports given back) and a following migration that succeeds.

The guest of the slow cases rewrites 64 MiB at 16 MiB/s, so a migration
limited to 2 MiB/s stays in its transfer until the test acts, while an
unlimited one converges in well under a second.
"""

import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
import rawrpc
from harness import Host, virsh, wait_for

DIRTY = "hb_ms=100 wss_mib=64 rate_mib_s=16"
CALM = "hb_ms=100 wss_mib=8"

VIR_MIGRATE_LIVE = 0x1
VIR_MIGRATE_CHANGE_PROTECTION = 0x100
VIR_MIGRATE_PERSIST_DEST = 0x8
VIR_MIGRATE_OFFLINE = 0x400
VIR_ERR_MIGRATE_FINISH_OK = 93

PROC_LOOKUP_BY_NAME = 23
PROC_BEGIN3 = 213
PROC_PREPARE3 = 214
PROC_PERFORM3 = 216
PROC_FINISH3 = 217
PROC_CONFIRM3 = 218


# ---- the v3 protocol by hand (rpc-facts 6.3), one step at a time

def xdr_opaque(data):
    return struct.pack(">I", len(data)) + data + b"\0" * ((4 - len(data) % 4) % 4)


def xdr_domain(dom):
    name, uuid, ident = dom
    return rawrpc.xdr_string(name) + uuid + struct.pack(">i", ident)


class XdrReader:
    def __init__(self, data):
        self.data = data
        self.off = 0

    def take(self, n):
        chunk = self.data[self.off:self.off + n]
        self.off += n + ((4 - n % 4) % 4)
        return chunk

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def opaque(self):
        return self.take(self.u32())

    def string(self):
        return self.opaque().decode()

    def opt_string(self):
        return self.string() if self.u32() else None

    def domain(self):
        name = self.string()
        uuid = self.take(16)
        return name, uuid, struct.unpack(">i", self.take(4))[0]


class RawError(Exception):
    def __init__(self, err):
        super().__init__("%s (code %d)" % (err[2], err[0]))
        self.code = err[0]
        self.message = err[2]


class RawConn:
    """A client connection speaking the migration procedures by hand."""

    def __init__(self, host):
        self.c = rawrpc.RawClient(host.sock, timeout=60)
        hdr, body = rawrpc.open_conn(self.c)
        assert hdr[5] == rawrpc.OK, rawrpc.parse_error(body)

    def call(self, proc, payload):
        hdr, body = self.c.call(proc, payload)
        if hdr[5] != rawrpc.OK:
            raise RawError(rawrpc.parse_error(body))
        return XdrReader(body)

    def close(self):
        self.c.close()

    def lookup(self, name):
        return self.call(PROC_LOOKUP_BY_NAME, rawrpc.xdr_string(name)).domain()

    def begin3(self, dom, flags):
        r = self.call(PROC_BEGIN3, xdr_domain(dom) + rawrpc.xdr_opt_string(None) +
                      struct.pack(">Q", flags) + rawrpc.xdr_opt_string(None) +
                      struct.pack(">Q", 0))
        return r.opaque(), r.string()

    def prepare3(self, cookie, flags, xml):
        r = self.call(PROC_PREPARE3, xdr_opaque(cookie) +
                      rawrpc.xdr_opt_string(None) + struct.pack(">Q", flags) +
                      rawrpc.xdr_opt_string(None) + struct.pack(">Q", 0) +
                      rawrpc.xdr_string(xml))
        return r.opaque(), r.opt_string()

    @staticmethod
    def perform3_args(dom, cookie, uri, flags, bandwidth=0):
        return (xdr_domain(dom) + rawrpc.xdr_opt_string(None) +
                xdr_opaque(cookie) + rawrpc.xdr_opt_string(None) +
                rawrpc.xdr_opt_string(uri) + struct.pack(">Q", flags) +
                rawrpc.xdr_opt_string(None) + struct.pack(">Q", bandwidth))

    def perform3(self, dom, cookie, uri, flags):
        return self.call(PROC_PERFORM3, self.perform3_args(dom, cookie, uri,
                                                           flags)).opaque()

    def perform3_send(self, dom, cookie, uri, flags, bandwidth):
        """Sends Perform3 without waiting for its reply."""
        self.c.send(rawrpc.packet(rawrpc.REMOTE_PROGRAM, PROC_PERFORM3, 1000,
                                  self.perform3_args(dom, cookie, uri, flags,
                                                     bandwidth)))

    def finish3(self, name, cookie, uri, flags, cancelled):
        r = self.call(PROC_FINISH3, rawrpc.xdr_string(name) + xdr_opaque(cookie) +
                      rawrpc.xdr_opt_string(None) + rawrpc.xdr_opt_string(uri) +
                      struct.pack(">Qi", flags, cancelled))
        return r.domain(), r.opaque()

    def confirm3(self, dom, cookie, flags, cancelled):
        self.call(PROC_CONFIRM3, xdr_domain(dom) + xdr_opaque(cookie) +
                  struct.pack(">Qi", flags, cancelled))


class MigrateFailures(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="virtmig-fail-")
        cls.a = cls.host("failA", 49260)
        cls.b = cls.host("failB", 49270)

    @classmethod
    def host(cls, name, port, **conf):
        h = Host(name, conf=dict({"migration_host": "127.0.0.1",
                                  "migration_port_min": port,
                                  "migration_port_max": port + 9}, **conf))
        h.conf["log_level"] = 2
        h.first_port = port
        return h.start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers

    def start_guest(self, name, cmdline=DIRTY, memory_mib=128):
        log = os.path.join(self.tmp, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, log, memory_mib=memory_mib,
                                                   cmdline=cmdline))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "define", xml)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        self.addCleanup(guestlog.unfollow, log)
        return log

    def job(self, host, name):
        res = virsh(host.uri, "domjobinfo", name, check=False)
        for line in res.stdout.splitlines():
            if line.startswith("Job type:"):
                return line.split(":", 1)[1].strip()
        return None

    def slow_migration(self, name, *extra):
        """virsh migrate at 2 MiB/s, returned once the transfer runs."""
        proc = subprocess.Popen([harness.VIRSH, "-q", "-c", self.a.uri, "migrate",
                                 "--live", name, self.b.uri, "--bandwidth", "2"] +
                                list(extra), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: self.state(self.b, name) == "paused (migrating)" and
                 "Data processed" in virsh(self.a.uri, "domjobinfo", name,
                                           check=False).stdout,
                 timeout=10, what="the transfer of %s to start" % name)
        time.sleep(0.3)
        return proc

    def finish(self, proc, timeout=30):
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, err.strip()

    def assert_one_copy(self, name, host, state):
        """@name is in @state ("running": with any reason) on @host only:
        one QEMU, no job, nothing of it on the other host."""
        other = self.b if host is self.a else self.a
        if "(" in state:
            self.assertEqual(self.state(host, name), state)
        else:
            self.assertRegex(self.state(host, name), "^%s " % state)
        self.assertEqual(self.job(host, name), "None")
        self.assertEqual(len(harness.qemu_pids_under(host.root)), 1)
        self.assertIn(self.state(other, name), (None, "shut off (migrated)"))
        self.assert_nothing_left(other, name)

    def assert_nothing_left(self, host, name):
        self.assertEqual(harness.qemu_pids_under(host.root), [])
        self.assertFalse(os.path.exists(os.path.join(host.root, "run", "qemu",
                                                     name + ".xml")),
                         "status file of %s left on %s" % (name, host.name))

    def assert_verdict(self, log, gap=None):
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=3)
        verdict = guestlog.check_continuity(log, max_gap_s=gap)
        self.assertTrue(verdict.ok, verdict.summary())
        return verdict

    def assert_next_migration(self, name, log):
        """A following migration A -> B succeeds, live."""
        guestlog.unfollow(log)
        guestlog.follow(log)
        start = time.time()
        virsh(self.a.uri, "migrate", "--live", name, self.b.uri, timeout=60)
        took = time.time() - start
        self.assertEqual(self.state(self.b, name), "running (migrated)")
        self.assertIn(self.state(self.a, name), (None, "shut off (migrated)"))
        self.assert_nothing_left(self.a, name)
        self.assert_ports_free(self.b)
        verdict = self.assert_verdict(log, gap=1.0)
        print("  following migration: %.0f ms; %s" % (took * 1000, verdict.summary()))

    def last_port(self, host):
        """The port of the last incoming migration prepared on @host."""
        ports = re.findall(r"prepared on tcp:[^ ]*:(\d+)", host.read_log())
        return int(ports[-1]) if ports else None

    def assert_ports_free(self, host):
        """The last incoming migration of @host got the first port of its
        range: every port an earlier one took was given back."""
        self.assertEqual(self.last_port(host), host.first_port,
                         "%s leaked a migration port" % host.name)

    def log_has(self, host, text, timeout=5):
        wait_for(lambda: text in host.read_log(), timeout=timeout,
                 what="%r in the log of %s" % (text, host.name))

    # ---- virsh driven

    def test_abort(self):
        log = self.start_guest("fabort")
        proc = self.slow_migration("fabort")
        t0 = time.time()
        virsh(self.a.uri, "domjobabort", "fabort")
        rc, err = self.finish(proc)
        print("\n  domjobabort -> virsh migrate exit %d after %.0f ms: %s" %
              (rc, (time.time() - t0) * 1000, err))
        self.assertNotEqual(rc, 0)
        self.assertIn("operation aborted: job 'migration out' canceled by client", err)
        self.assert_one_copy("fabort", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fabort", log)

    def test_kill_destination_qemu(self):
        log = self.start_guest("fkilldst")
        proc = self.slow_migration("fkilldst")
        pids = harness.qemu_pids_under(self.b.root)
        self.assertEqual(len(pids), 1)
        t0 = time.time()
        os.kill(pids[0], signal.SIGKILL)
        rc, err = self.finish(proc)
        print("\n  destination QEMU killed -> virsh migrate exit %d after %.0f ms: %s"
              % (rc, (time.time() - t0) * 1000, err))
        self.assertNotEqual(rc, 0)
        self.assertIn("job 'migration out' failed", err)
        wait_for(lambda: self.state(self.b, "fkilldst") is None, timeout=5,
                 what="the incoming domain to go")
        self.assert_one_copy("fkilldst", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fkilldst", log)

    def test_kill_virsh(self):
        log = self.start_guest("fkillvirsh")
        proc = self.slow_migration("fkillvirsh")
        t0 = time.time()
        proc.kill()
        proc.communicate()
        wait_for(lambda: self.job(self.a, "fkillvirsh") == "None" and
                 self.state(self.b, "fkillvirsh") is None, timeout=10,
                 what="the close callbacks to clean up")
        print("\n  virsh killed -> both hosts clean after %.0f ms" %
              ((time.time() - t0) * 1000))
        # whichever side acts first: the source cancels, or the transfer
        # fails because the destination destroyed the incoming QEMU
        wait_for(lambda: re.search("disconnected during perform3; cancelling the "
                                   "migration|job 'migration out' failed",
                                   self.a.read_log()), timeout=5,
                 what="the source to cancel")
        self.log_has(self.b, "disconnected before Finish; destroying the incoming domain")
        self.assert_one_copy("fkillvirsh", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fkillvirsh", log)

    def test_second_migration_refused(self):
        log = self.start_guest("fsecond")
        proc = self.slow_migration("fsecond")
        res = virsh(self.a.uri, "migrate", "--live", "fsecond", self.b.uri,
                    check=False)
        print("\n  second migration: exit %d: %s" % (res.returncode, res.stderr.strip()))
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Requested operation is not valid: another migration job is "
                      "already running for domain 'fsecond'", res.stderr)
        guestlog.follow(log)
        virsh(self.a.uri, "migrate-setspeed", "fsecond", "100000")
        rc, err = self.finish(proc)
        self.assertEqual(rc, 0, err)
        self.assert_one_copy("fsecond", self.b, "running (migrated)")
        self.assert_verdict(log, gap=1.0)
        # back to A, and on to B again
        virsh(self.b.uri, "migrate", "--live", "fsecond", self.a.uri, timeout=60)
        self.assert_one_copy("fsecond", self.a, "running (migrated)")
        self.assert_next_migration("fsecond", log)

    def test_same_host(self):
        log = self.start_guest("fsame", cmdline=CALM, memory_mib=64)
        res = virsh(self.a.uri, "migrate", "--live", "fsame", self.a.uri, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("same host", res.stderr)
        self.assert_one_copy("fsame", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fsame", log)

    def test_unreachable_daemon(self):
        log = self.start_guest("fnodaemon", cmdline=CALM, memory_mib=64)
        nowhere = "qemu+unix:///system?socket=" + os.path.join(self.tmp, "no-such-sock")
        res = virsh(self.a.uri, "migrate", "--live", "fnodaemon", nowhere, check=False)
        print("\n  no daemon: exit %d: %s" % (res.returncode, res.stderr.strip()))
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("no-such-sock", res.stderr)
        self.assert_one_copy("fnodaemon", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fnodaemon", log)

    def test_unreachable_destination_qemu(self):
        """The destination tells the source an address nobody listens on
        (its QEMU listens on 127.0.0.1 only): every attempt fails at once,
        with stock's message (the source daemon connects the stream
        itself, as libvirt does), the source keeps running, and the
        destination gives its port back each time (11 attempts through a
        10-port range)."""
        c = self.host("failC", 49280, migration_host="127.0.0.3",
                      migration_address="127.0.0.1")
        self.addCleanup(c.cleanup)
        log = self.start_guest("fnoroute", cmdline=CALM, memory_mib=64)
        for i in range(11):
            res = virsh(self.a.uri, "migrate", "--live", "fnoroute", c.uri,
                        check=False)
            if i == 0:
                print("\n  unreachable destination QEMU: exit %d: %s" %
                      (res.returncode, res.stderr.strip()))
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("unable to connect to server at '127.0.0.3:",
                          res.stderr)
            self.assert_ports_free(c)
        wait_for(lambda: self.state(c, "fnoroute") is None, timeout=5,
                 what="the incoming domain on C to go")
        self.assert_nothing_left(c, "fnoroute")
        self.assert_one_copy("fnoroute", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fnoroute", log)

    # ---- the raw protocol: a client that stops between two steps

    def raw_begin_prepare(self, name, src, dst):
        dom = src.lookup(name)
        flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_CHANGE_PROTECTION
        cookie, xml = src.begin3(dom, flags)
        cookie, uri = dst.prepare3(cookie, VIR_MIGRATE_LIVE, xml)
        self.assertTrue(uri.startswith("tcp:127.0.0.1:"), uri)
        return dom, cookie, uri

    def raw_conns(self):
        src, dst = RawConn(self.a), RawConn(self.b)
        self.addCleanup(src.close)
        self.addCleanup(dst.close)
        return src, dst

    def raw_until_perform(self, name):
        src, dst = self.raw_conns()
        dom, cookie, uri = self.raw_begin_prepare(name, src, dst)
        flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_CHANGE_PROTECTION
        cookie = src.perform3(dom, cookie, uri, flags)
        self.assertEqual(self.state(self.a, name), "paused (migrating)")
        return src, dst, dom, cookie, uri

    def test_client_gone_before_perform(self):
        """Begin3 and Prepare3, then the client disconnects: the source's
        job ends with the guest untouched, the incoming domain goes."""
        log = self.start_guest("fgone1", cmdline=CALM, memory_mib=64)
        src, dst = self.raw_conns()
        self.raw_begin_prepare("fgone1", src, dst)
        self.assertEqual(self.job(self.a, "fgone1"), "Unbounded")
        self.assertEqual(self.state(self.b, "fgone1"), "paused (migrating)")
        src.close()
        dst.close()
        wait_for(lambda: self.job(self.a, "fgone1") == "None" and
                 self.state(self.b, "fgone1") is None, timeout=10,
                 what="the close callbacks to clean up")
        self.log_has(self.a, "disconnected after Begin; migration cancelled, domain untouched")
        self.assert_one_copy("fgone1", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fgone1", log)

    def test_offline_client_gone_after_prepare(self):
        """Offline Begin3 and Prepare3 of a shut-off guest, then the client
        disconnects: the destination drops the definition it got, the
        source keeps its own, and the next offline migration works."""
        name = "fgoneoff"
        xml = harness.write_file(os.path.join(self.tmp, name + ".xml"),
                                 harness.guest_xml(name, os.path.join(
                                     self.tmp, name + "-serial.log")))
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "define", xml)
        src, dst = self.raw_conns()
        flags = VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PERSIST_DEST
        cookie, dxml = src.begin3(src.lookup(name),
                                  flags | VIR_MIGRATE_CHANGE_PROTECTION)
        cookie, uri = dst.prepare3(cookie, flags, dxml)
        self.assertTrue(uri.startswith("tcp:127.0.0.1:"), uri)
        self.assertTrue(self.state(self.b, name).startswith("shut off"))
        self.assertEqual(harness.qemu_pids_under(self.b.root), [])
        src.close()
        dst.close()
        wait_for(lambda: self.state(self.b, name) is None, timeout=10,
                 what="the destination to drop the offline definition")
        self.log_has(self.b, "offline migration of domain %s disconnected" % name)
        self.assertTrue(self.state(self.a, name).startswith("shut off"))
        virsh(self.a.uri, "migrate", "--offline", "--persistent", name,
              self.b.uri)
        self.assertTrue(self.state(self.b, name).startswith("shut off"))
        self.assertTrue(self.state(self.a, name).startswith("shut off"))

    def test_client_gone_during_perform(self):
        """The client disconnects from the source while Perform3 runs (its
        connection to the destination stays): the source cancels the
        transfer and runs on; the incoming QEMU, its stream broken, exits
        and its domain goes (port and job with it)."""
        log = self.start_guest("fgone3")
        src, dst = self.raw_conns()
        dom, cookie, uri = self.raw_begin_prepare("fgone3", src, dst)
        src.perform3_send(dom, cookie, uri,
                          VIR_MIGRATE_LIVE | VIR_MIGRATE_CHANGE_PROTECTION, 2)
        wait_for(lambda: "Data processed" in virsh(self.a.uri, "domjobinfo", "fgone3",
                                                   check=False).stdout,
                 timeout=10, what="the transfer to start")
        t0 = time.time()
        src.close()
        wait_for(lambda: self.job(self.a, "fgone3") == "None", timeout=10,
                 what="the source to cancel")
        print("\n  source client gone during Perform3 -> cancelled after %.0f ms" %
              ((time.time() - t0) * 1000))
        self.log_has(self.a, "disconnected during perform3; cancelling the migration")
        self.log_has(self.a, "job 'migration out' canceled by client")
        self.assertEqual(self.state(self.a, "fgone3"), "running (booted)")
        wait_for(lambda: self.state(self.b, "fgone3") is None, timeout=10,
                 what="the incoming domain to go")
        dst.close()
        self.assert_one_copy("fgone3", self.a, "running (booted)")
        self.assert_verdict(log)
        self.assert_next_migration("fgone3", log)

    def test_client_gone_after_perform(self):
        """Perform3 sent everything, then the client disconnects before
        Finish3: the destination's copy is destroyed (the source still has
        the guest); the source asks the destination, learns it has no
        copy, and runs the guest on (libvirt would leave it paused)."""
        log = self.start_guest("fgone2", cmdline=CALM, memory_mib=64)
        src, dst, _, _, _ = self.raw_until_perform("fgone2")
        src.close()
        dst.close()
        wait_for(lambda: self.job(self.a, "fgone2") == "None" and
                 self.state(self.b, "fgone2") is None, timeout=20,
                 what="the close callbacks to clean up")
        self.log_has(self.a, "finished but we don't know if the domain was "
                     "successfully started on destination or not")
        self.log_has(self.b, "its stream completed, but the source keeps the guest paused")
        self.log_has(self.a, "the destination has no copy; resuming it")
        self.assert_one_copy("fgone2", self.a, "running (migration canceled)")
        self.assert_verdict(log)
        self.assert_next_migration("fgone2", log)

    def test_finish_fails_confirm_resumes(self):
        """The destination QEMU dies after Perform3: Finish3 fails, and
        Confirm3(cancelled) resumes the source."""
        log = self.start_guest("ffinish", cmdline=CALM, memory_mib=64)
        src, dst, dom, cookie, uri = self.raw_until_perform("ffinish")
        pids = harness.qemu_pids_under(self.b.root)
        self.assertEqual(len(pids), 1)
        os.kill(pids[0], signal.SIGKILL)
        wait_for(lambda: self.state(self.b, "ffinish") is None, timeout=5,
                 what="the incoming domain to go")
        with self.assertRaises(RawError) as ctx:
            dst.finish3("ffinish", cookie, uri, VIR_MIGRATE_LIVE, 0)
        print("\n  Finish3 after the destination died: %s" % ctx.exception)
        src.confirm3(dom, b"", VIR_MIGRATE_LIVE | VIR_MIGRATE_CHANGE_PROTECTION, 1)
        self.assert_one_copy("ffinish", self.a, "running (migration canceled)")
        self.assert_verdict(log)
        self.assert_next_migration("ffinish", log)

    def test_finish_cancelled_confirm_resumes(self):
        """Finish3(cancelled=1) after a successful Perform3 kills the
        incoming QEMU with MIGRATE_FINISH_OK; Confirm3(cancelled) resumes
        the source."""
        log = self.start_guest("fcancel", cmdline=CALM, memory_mib=64)
        src, dst, dom, cookie, uri = self.raw_until_perform("fcancel")
        with self.assertRaises(RawError) as ctx:
            dst.finish3("fcancel", cookie, uri, VIR_MIGRATE_LIVE, 1)
        self.assertEqual(ctx.exception.code, VIR_ERR_MIGRATE_FINISH_OK)
        self.assertIsNone(self.state(self.b, "fcancel"))
        src.confirm3(dom, b"", VIR_MIGRATE_LIVE | VIR_MIGRATE_CHANGE_PROTECTION, 1)
        self.assert_one_copy("fcancel", self.a, "running (migration canceled)")
        self.assert_verdict(log)
        self.assert_next_migration("fcancel", log)

    # ---- last: nothing leaked a port

    def test_zz_port_ranges(self):
        """After every failure above, 12 migrations each way through the
        10-port ranges, each taking the first port of its range."""
        log = self.start_guest("fports", cmdline=CALM, memory_mib=64)
        guestlog.follow(log)
        start = time.time()
        for i in range(12):
            virsh(self.a.uri, "migrate", "--live", "fports", self.b.uri, timeout=60)
            self.assert_ports_free(self.b)
            virsh(self.b.uri, "migrate", "--live", "fports", self.a.uri, timeout=60)
            self.assert_ports_free(self.a)
        took = time.time() - start
        self.assert_one_copy("fports", self.a, "running (migrated)")
        verdict = self.assert_verdict(log, gap=1.0)
        print("\n  24 migrations in %.1f s; %s" % (took, verdict.summary()))


if __name__ == "__main__":
    harness.require("virsh")
    harness.require_guest()
    harness.main()
