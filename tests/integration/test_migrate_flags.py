"""Migration flags and control, with stock virsh and python-libvirt between
two virtmigd hosts: --postcopy with migrate-postcopy, --parallel,
--zerocopy, --auto-converge, --compressed, --bandwidth, --suspend, --dname, --xml;
domjobinfo, migrate-setspeed/getspeed and migrate-setmaxdowntime/
getmaxdowntime from a second virsh while the first one migrates; flags we
do not implement refused up front with nothing changed.

What QEMU was told is read from the daemons' logs (QMP commands at DEBUG),
what the guest lived through from its serial log (tests/guest/guestlog.py).
"""

import json
import os
import re
import signal
import subprocess
import threading
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

MIB = 1024 * 1024


class StatePoller:
    """Notes every distinct (state, reason) of a domain on some hosts, as
    python-libvirt reports them, polling every few milliseconds."""

    def __init__(self, libvirt, hosts, name):
        self.conns = [(h.name, libvirt.open(h.uri)) for h in hosts]
        self.name = name
        self.seen = {h.name: [] for h in hosts}
        self.when = {h.name: [] for h in hosts}     # time.time() of each
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _poll(self):
        for host, conn in self.conns:
            try:
                st = tuple(conn.lookupByName(self.name).state())
            except Exception:  # not there (yet, or any more)
                st = None
            if not self.seen[host] or self.seen[host][-1] != st:
                self.seen[host].append(st)
                self.when[host].append(time.time())

    def _run(self):
        while not self._stop.wait(0.005):
            self._poll()

    def stop(self):
        """Stops polling after one last look, so the states the caller
        waited for are the last ones noted."""
        self._stop.set()
        self._thread.join()
        self._poll()
        for _, conn in self.conns:
            conn.close()
        return self.seen


class EventWatcher:
    """virsh event --all --loop on one host; lines for one domain."""

    def __init__(self, host):
        self.proc = subprocess.Popen([harness.VIRSH, "-c", host.uri, "event",
                                      "--all", "--loop", "--timeout", "120"],
                                     stdout=subprocess.PIPE, text=True)

    def stop(self, name):
        time.sleep(0.3)
        self.proc.send_signal(signal.SIGINT)
        out, _ = self.proc.communicate(timeout=30)
        return [line.split(": ", 1)[1] for line in out.splitlines()
                if "'lifecycle' for domain '%s'" % name in line]


class MigrateFlags(harness.TwoHostGuests, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import libvirt
        cls.libvirt = libvirt
        # the state poller looks up domains that are not there (yet)
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        hosts = []
        for name, lo in (("flagsA", 49220), ("flagsB", 49230)):
            h = Host(name)
            h.conf.update({"migration_host": "127.0.0.1",
                           "migration_port_min": lo,
                           "migration_port_max": lo + 9,
                           "log_filters": "1:qemu.qemu_monitor",
                           "log_outputs": "1:file:%s/log/virtmigd.log" % h.root})
            hosts.append(h.start())
        cls.a, cls.b = hosts

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    # ---- helpers

    def start_guest(self, name, memory_mib=64, cmdline="hb_ms=100 wss_mib=8",
                    host=None):
        host = host or self.a
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log, memory_mib=memory_mib,
                                                   cmdline=cmdline))
        virsh(host.uri, "define", xml)
        virsh(host.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=3)
        self.addCleanup(self.cleanup_guest, name)
        return log

    def log_mark(self, *hosts):
        return {h.name: os.path.getsize(h.log) for h in hosts}

    def qmp_sent(self, host, mark, command):
        """Arguments of each @command this host sent to QEMU since @mark."""
        with open(host.log) as f:
            f.seek(mark[host.name])
            text = f.read()
        out = []
        for m in re.finditer(r"send=(\{.*\})\s*$", text, re.M):
            try:
                msg = json.loads(m.group(1))
            except ValueError:
                continue
            if msg.get("execute") == command:
                out.append(msg.get("arguments"))
        return out

    def caps_sent(self, host, mark):
        """What the migration's migrate-set-capabilities since @mark set (the
        first one listing more than "events", which QEMU start sets)."""
        sent = [a for a in self.qmp_sent(host, mark, "migrate-set-capabilities")
                if len(a["capabilities"]) > 1]
        self.assertTrue(sent, "no migrate-set-capabilities on %s" % host.name)
        return {c["capability"]: c["state"] for c in sent[0]["capabilities"]}

    def param_sent(self, host, mark, name):
        """The first value migrate-set-parameters gave @name since @mark
        (the reset at the end comes later), or None."""
        for args in self.qmp_sent(host, mark, "migrate-set-parameters"):
            if name in args:
                return args[name]
        return None

    def migrate_bg(self, src, dst, name, *opts):
        cmd = [harness.VIRSH, "-c", src.uri, "migrate"] + list(opts) + [name, dst.uri]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def migrate(self, src, dst, name, *opts, check=True):
        start = time.time()
        res = virsh(src.uri, "migrate", *opts, name, dst.uri, check=check,
                    timeout=120)
        return res, time.time() - start

    def jobinfo(self, host, name, *opts):
        out = virsh(host.uri, "domjobinfo", name, *opts).stdout
        return dict((k.strip(), v.strip()) for k, v in
                    (line.split(":", 1) for line in out.splitlines() if ":" in line))

    def wait_progress(self, host, name, min_bytes, timeout=20):
        """domjobinfo until the job has processed @min_bytes; returns it."""
        def processed():
            info = self.jobinfo(host, name)
            if info.get("Job type") != "Unbounded":
                return None
            n = parse_size(info.get("Data processed", "0 B"))
            return info if n >= min_bytes else None
        return harness.wait_for(processed, timeout=timeout, step=0.2,
                                what="%s migration progress" % name)

    def assert_guest_ok(self, log, max_gap=None):
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log, max_gap_s=max_gap)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        print(verdict.summary())
        return verdict

    def assert_moved(self, log, src, dst, name, dname=None, max_gap=1.0):
        self.assertEqual(self.state(dst, dname or name), "running (migrated)")
        self.assertIn(self.state(src, name), (None, "shut off (migrated)"))
        return self.assert_guest_ok(log, max_gap)

    # ---- 1. post-copy

    def test_postcopy(self):
        """Precopy cannot converge (64 MiB rewritten as fast as TCG goes,
        5 MiB/s allowed): the migration only ends after migrate-postcopy."""
        name = "pc1"
        log = self.start_guest(name, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=0")
        guestlog.follow(log)
        ev_a, ev_b = EventWatcher(self.a), EventWatcher(self.b)
        time.sleep(0.3)
        poller = StatePoller(self.libvirt, (self.a, self.b), name)
        mark = self.log_mark(self.a, self.b)
        start = time.time()
        # post-copy limited too, so that the guest runs on B before all of
        # its memory is there (unlimited, QEMU sends the rest before
        # Finish even starts the vCPUs)
        proc = self.migrate_bg(self.a, self.b, name, "--live", "--postcopy",
                               "--bandwidth", "5", "--postcopy-bandwidth", "50",
                               "--verbose")
        first = self.wait_progress(self.a, name, 4 * MIB)
        time.sleep(1.0)
        second = self.jobinfo(self.a, name)
        self.assertGreater(parse_size(second["Data processed"]),
                           parse_size(first["Data processed"]))
        self.assertIsNone(proc.poll(), "migration ended before post-copy")
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.assertEqual(self.state(self.b, name), "paused (migrating)")
        precopy = time.time() - start

        switch = time.time()
        virsh(self.a.uri, "migrate-postcopy", name)
        out, err = proc.communicate(timeout=60)
        done = time.time()
        self.assertEqual(proc.returncode, 0, err)
        seen = poller.stop()
        print("\npost-copy: %.1f s of pre-copy (%s processed), migration done "
              "%.0f ms after migrate-postcopy" %
              (precopy, second["Data processed"], (done - switch) * 1000))

        self.assert_moved(log, self.a, self.b, name, max_gap=3.0)
        info = self.jobinfo(self.a, name, "--completed")
        print(info)
        self.assertEqual(info["Job type"], "Completed")
        self.assertIn("Total downtime", info)

        caps = self.caps_sent(self.a, mark)
        self.assertTrue(caps["postcopy-ram"])
        self.assertTrue(self.caps_sent(self.b, mark)["postcopy-ram"])
        self.assertEqual(self.param_sent(self.a, mark, "max-bandwidth"), 5 * MIB)
        for h in (self.a, self.b):
            self.assertEqual(self.param_sent(h, mark, "max-postcopy-bandwidth"),
                             50 * MIB)
        self.assertTrue(self.qmp_sent(self.a, mark, "migrate-start-postcopy"))

        P, R, S = (self.libvirt.VIR_DOMAIN_PAUSED, self.libvirt.VIR_DOMAIN_RUNNING,
                   self.libvirt.VIR_DOMAIN_SHUTOFF)
        print("states: A %s, B %s" % (seen["flagsA"], seen["flagsB"]))
        self.assertIn((P, self.libvirt.VIR_DOMAIN_PAUSED_POSTCOPY), seen["flagsA"])
        self.assertEqual(seen["flagsA"][-1], (S, self.libvirt.VIR_DOMAIN_SHUTOFF_MIGRATED))
        self.assertIn((R, self.libvirt.VIR_DOMAIN_RUNNING_POSTCOPY), seen["flagsB"])
        self.assertEqual(seen["flagsB"][-1], (R, self.libvirt.VIR_DOMAIN_RUNNING_MIGRATED))
        running_pc = seen["flagsB"].index((R, self.libvirt.VIR_DOMAIN_RUNNING_POSTCOPY))
        self.assertLess(running_pc,
                        seen["flagsB"].index((R, self.libvirt.VIR_DOMAIN_RUNNING_MIGRATED)))
        print("guest running on B (post-copy) %.0f ms after migrate-postcopy"
              % ((poller.when["flagsB"][running_pc] - switch) * 1000))

        events_a, events_b = ev_a.stop(name), ev_b.stop(name)
        print("events: A %s; B %s" % (events_a, events_b))
        # QEMU stops the vCPUs before it enters post-copy: libvirt reports
        # the pause as a migration one, then corrects it
        self.assertEqual(events_a, ["Suspended Migrated", "Suspended Post-copy",
                                    "Stopped Migrated"])
        self.assertEqual(events_b, ["Started Migrated", "Resumed Post-copy",
                                    "Resumed Migrated"])

    # ---- 2. flags

    def test_parallel(self):
        name = "par1"
        log = self.start_guest(name, cmdline="hb_ms=100 wss_mib=16")
        guestlog.follow(log)
        mark = self.log_mark(self.a, self.b)
        _, took = self.migrate(self.a, self.b, name, "--live", "--parallel",
                               "--parallel-connections", "4")
        print("\n--parallel --parallel-connections 4: %.0f ms" % (took * 1000))
        self.assert_moved(log, self.a, self.b, name)
        for h in (self.a, self.b):
            self.assertTrue(self.caps_sent(h, mark)["multifd"])
            self.assertEqual(self.param_sent(h, mark, "multifd-channels"), 4)
        # QEMU opened the channels itself: the URI went to QEMU as is
        migrate = self.qmp_sent(self.a, mark, "migrate")
        self.assertRegex(migrate[0]["uri"], r"^tcp:127\.0\.0\.1:492[23]\d$")

    def test_zerocopy(self):
        """--zerocopy: QEMU sends the pages of its multifd channels with
        MSG_ZEROCOPY (capability zero-copy-send, source only); without
        --parallel it is refused as libvirt refuses it."""
        name = "zc1"
        log = self.start_guest(name, cmdline="hb_ms=100 wss_mib=16")
        res, _ = self.migrate(self.a, self.b, name, "--live", "--zerocopy",
                              check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Requested operation is not valid: zero-copy is only "
                      "available for parallel migration", res.stderr)
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.assertIsNone(self.state(self.b, name))
        guestlog.follow(log)
        mark = self.log_mark(self.a, self.b)
        _, took = self.migrate(self.a, self.b, name, "--live", "--parallel",
                               "--zerocopy")
        print("\n--parallel --zerocopy: %.0f ms" % (took * 1000))
        self.assert_moved(log, self.a, self.b, name)
        self.assertTrue(self.caps_sent(self.a, mark)["zero-copy-send"])
        self.assertTrue(self.caps_sent(self.a, mark)["multifd"])
        self.assertFalse(self.caps_sent(self.b, mark).get("zero-copy-send"))

    def test_auto_converge_compressed(self):
        """--auto-converge throttles the guest until precopy converges
        (16 MiB rewritten as fast as possible, 20 MiB/s allowed); xbzrle
        (--compressed) compresses the rewritten pages."""
        name = "ac1"
        log = self.start_guest(name, cmdline="hb_ms=100 wss_mib=16 rate_mib_s=0")
        guestlog.follow(log)
        mark = self.log_mark(self.a, self.b)
        throttles = []
        proc = self.migrate_bg(self.a, self.b, name, "--live", "--auto-converge",
                               "--auto-converge-initial", "50",
                               "--auto-converge-increment", "25",
                               "--compressed", "--bandwidth", "20")
        while proc.poll() is None:
            res = virsh(self.a.uri, "domjobinfo", name, check=False)
            m = re.search(r"Auto converge throttle:\s+(\d+)", res.stdout)
            if m:
                throttles.append(int(m.group(1)))
            time.sleep(0.2)
        out, err = proc.communicate()
        self.assertEqual(proc.returncode, 0, err)
        print("\nauto-converge throttle seen: %s" % throttles)
        self.assert_moved(log, self.a, self.b, name, max_gap=None)
        caps = self.caps_sent(self.a, mark)
        self.assertTrue(caps["auto-converge"])
        self.assertTrue(caps["xbzrle"])
        self.assertTrue(self.caps_sent(self.b, mark)["xbzrle"])
        self.assertFalse(self.caps_sent(self.b, mark).get("auto-converge"))
        self.assertEqual(self.param_sent(self.a, mark, "cpu-throttle-initial"), 50)
        self.assertEqual(self.param_sent(self.a, mark, "cpu-throttle-increment"), 25)
        self.assertEqual(self.param_sent(self.a, mark, "max-bandwidth"), 20 * MIB)
        self.assertTrue(throttles and max(throttles) >= 50, throttles)
        info = self.jobinfo(self.a, name, "--completed")
        print(info)
        self.assertIn("Compression cache", info)
        # QEMU lists the throttle at completion only if it is still on
        # then (a race with its own clean-up): the last value if so
        if "Auto converge throttle" in info:
            self.assertGreaterEqual(int(info["Auto converge throttle"]), 50)

    def test_suspend(self):
        name = "sus1"
        log = self.start_guest(name)
        self.migrate(self.a, self.b, name, "--live", "--suspend")
        self.assertEqual(self.state(self.b, name), "paused (user)")
        self.assertEqual(self.state(self.a, name), "shut off (migrated)")
        n = len(guestlog.parse_log(log))
        time.sleep(0.5)
        self.assertLessEqual(len(guestlog.parse_log(log)), n + 1)
        virsh(self.b.uri, "resume", name)
        self.assertEqual(self.state(self.b, name), "running (unpaused)")
        self.assert_guest_ok(log)

    def test_dname_and_xml(self):
        name, new = "dn1", "dn1-moved"
        log = self.start_guest(name)
        uuid = virsh(self.a.uri, "domuuid", name).stdout.strip()
        self.addCleanup(self.cleanup_guest, new)
        # the user's XML keeps the source's name; --dname renames
        xml = harness.guest_xml(name, log, uuid=uuid).replace(
            "<vcpu>", "<title>given by the user</title>\n  <vcpu>")
        path = harness.write_file(os.path.join(self.a.root, "dn1-dest.xml"), xml)
        guestlog.follow(log)
        self.migrate(self.a, self.b, name, "--live", "--dname", new,
                     "--xml", path)
        self.assert_moved(log, self.a, self.b, name, dname=new)
        self.assertIsNone(self.state(self.b, name))
        self.assertEqual(virsh(self.b.uri, "domuuid", new).stdout.strip(), uuid)
        self.assertIn("<title>given by the user</title>",
                      virsh(self.b.uri, "dumpxml", new).stdout)
        # the old name belonged to that migration only: the renamed guest
        # moves on (B used to put "dn1" into every later cookie), back
        # under its first name, then once more without --dname
        guestlog.follow(log)
        self.migrate(self.b, self.a, new, "--live", "--dname", name)
        self.assert_moved(log, self.b, self.a, new, dname=name)
        guestlog.follow(log)
        self.migrate(self.a, self.b, name, "--live")
        self.assert_moved(log, self.a, self.b, name)

    def test_persistent_xml(self):
        """--persistent --persistent-xml: the destination's definition is
        the client's XML, the running guest keeps the migrated one."""
        name = "px1"
        log = self.start_guest(name)
        self.addCleanup(self.cleanup_guest, name)
        uuid = virsh(self.a.uri, "domuuid", name).stdout.strip()
        xml = harness.guest_xml(name, log, uuid=uuid).replace(
            "<vcpu>", "<title>the next boot</title>\n  <vcpu>")
        path = harness.write_file(os.path.join(self.a.root, "px1-persist.xml"),
                                  xml)
        guestlog.follow(log)
        self.migrate(self.a, self.b, name, "--live", "--persistent",
                     "--persistent-xml", path)
        self.assert_moved(log, self.a, self.b, name)
        self.assertIn("<title>the next boot</title>",
                      virsh(self.b.uri, "dumpxml", "--inactive", name).stdout)
        self.assertNotIn("<title>",
                         virsh(self.b.uri, "dumpxml", name).stdout)

    def test_timeout_actions(self):
        """virsh migrate --timeout: after N seconds virsh suspends the
        guest (--timeout-suspend), which lets a migration that cannot
        converge finish, or switches to post-copy (--timeout-postcopy)."""
        for i, action in enumerate((("--timeout-suspend",),
                                    ("--timeout-postcopy", "--postcopy"))):
            with self.subTest(action=action[0]):
                name = "tmo%d" % i
                log = self.start_guest(name, memory_mib=64,
                                       cmdline="hb_ms=100 wss_mib=32")
                guestlog.follow(log)
                ev = EventWatcher(self.a)
                res, took = self.migrate(self.a, self.b, name, "--live",
                                         "--bandwidth", "20", "--timeout", "2",
                                         *action)
                lines = ev.stop(name)
                self.assertGreater(took, 2.0)
                self.assertEqual(self.state(self.b, name), "running (migrated)")
                self.assertIn(self.state(self.a, name), (None, "shut off (migrated)"))
                # suspended for the rest of the copy: a gap, not a restart
                verdict = self.assert_guest_ok(log, max_gap=60)
                if action[0] == "--timeout-postcopy":
                    self.assertIn("Suspended Post-copy", lines)
                else:
                    # libvirt reports a suspend during an outgoing
                    # migration as a migration pause; the copy could not
                    # converge running, so the guest stood still
                    self.assertGreater(verdict.max_gap_s, 1.0, verdict.summary())

    # ---- 3. control during a migration

    def test_control_during_migration(self):
        """A second virsh reads the job and retunes it while the first one
        migrates with --verbose: 64 MiB rewritten at 8 MiB/s cannot go
        through a 2 MiB/s link; raising the speed lets it converge."""
        name = "ctl1"
        log = self.start_guest(name, memory_mib=128,
                               cmdline="hb_ms=100 wss_mib=64 rate_mib_s=8")
        guestlog.follow(log)
        # libvirt's default: unlimited (INT64_MAX / 1 MiB), sent to QEMU
        self.assertEqual(virsh(self.a.uri, "migrate-getspeed", name).stdout.strip(),
                         "8796093022207")
        virsh(self.a.uri, "migrate-setmaxdowntime", name, "100")
        self.assertEqual(virsh(self.a.uri, "migrate-getmaxdowntime", name).stdout.strip(),
                         "100")
        mark = self.log_mark(self.a)
        start = time.time()
        proc = self.migrate_bg(self.a, self.b, name, "--live", "--bandwidth", "2",
                               "--verbose")
        first = self.wait_progress(self.a, name, 1 * MIB)
        self.assertEqual(virsh(self.a.uri, "migrate-getspeed", name).stdout.strip(), "2")
        time.sleep(1.5)
        second = self.jobinfo(self.a, name)
        print("\n" + json.dumps(second, indent=1))
        self.assertEqual(second["Job type"], "Unbounded")
        self.assertEqual(second["Operation"], "Outgoing migration")
        self.assertGreater(parse_size(second["Data processed"]),
                           parse_size(first["Data processed"]))
        self.assertGreater(parse_size(second["Memory bandwidth"]), 0)

        virsh(self.a.uri, "migrate-setmaxdowntime", name, "400")
        self.assertEqual(virsh(self.a.uri, "migrate-getmaxdowntime", name).stdout.strip(),
                         "400")
        self.assertIsNone(proc.poll(), "migration ended before the speed change")
        virsh(self.a.uri, "migrate-setspeed", name, "1000")
        # no migrate-getspeed here: at 1000 MiB/s the migration may end
        # before the next call, and its end restores the speed the domain
        # had before --bandwidth, as libvirt does; QEMU's log below shows
        # the new speed arrived
        changed = time.time()
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        print("migration: %.1f s, %.0f ms after migrate-setspeed 1000"
              % (time.time() - start, (time.time() - changed) * 1000))
        self.assert_moved(log, self.a, self.b, name, max_gap=1.0)

        params = [p for p in self.qmp_sent(self.a, mark, "migrate-set-parameters")
                  if "max-bandwidth" in p]
        self.assertEqual([p["max-bandwidth"] for p in params][:2],
                         [2 * MIB, 1000 * MIB])
        self.assertIn({"downtime-limit": 400},
                      self.qmp_sent(self.a, mark, "migrate-set-parameters"))
        # virsh --verbose: GET_JOB_INFO every 500 ms on the migrating connection
        progress = re.findall(r"Migration: \[\s*(\d+)\s*%\]", err + out)
        print("virsh --verbose progress: %s" % progress)
        self.assertGreater(len(progress), 3)
        self.assertEqual(progress[-1], "100")

        info = self.jobinfo(self.a, name, "--completed")
        print(info)
        self.assertEqual(info["Job type"], "Completed")
        self.assertRegex(info["Time elapsed"], r"^\d+\s+ms$")
        self.assertRegex(info["Total downtime"], r"^\d+\s+ms$")
        self.assertGreater(parse_size(info["Data processed"]), 4 * MIB)
        self.assertNotIn("Auto converge throttle", info)
        # the --bandwidth of one migration does not stay
        self.assertEqual(virsh(self.a.uri, "migrate-getspeed", name).stdout.strip(),
                         "8796093022207")

    # ---- 4. refused flags

    def test_unsupported_flags_refused(self):
        name = "uns1"
        log = self.start_guest(name)
        # (--p2p --tunnelled, --tls and --copy-storage-all work now: their
        # own tests)
        for opts, flag in ((["--rdma-pin-all"], "VIR_MIGRATE_RDMA_PIN_ALL"),):
            res, _ = self.migrate(self.a, self.b, name, "--live", *opts,
                                  check=False)
            print("\nvirsh migrate %s: %s" % (" ".join(opts), res.stderr.strip()))
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("argument unsupported", res.stderr)
            self.assertRegex(res.stderr, flag)
            self.assertEqual(self.state(self.a, name), "running (booted)")
            self.assertIsNone(self.state(self.b, name))
            self.assertEqual(harness.qemu_pids_under(self.b.root), [])
            self.assertEqual(self.jobinfo(self.a, name)["Job type"], "None")
        # python-libvirt sees the error code itself
        libvirt = self.libvirt
        src, dst = libvirt.open(self.a.uri), libvirt.open(self.b.uri)
        try:
            with self.assertRaises(libvirt.libvirtError) as cm:
                src.lookupByName(name).migrate3(
                    dst, {}, libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_RDMA_PIN_ALL)
            self.assertEqual(cm.exception.get_error_code(),
                             libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED)
            self.assertIn("VIR_MIGRATE_RDMA_PIN_ALL", str(cm.exception))
        finally:
            src.close()
            dst.close()
        self.assertEqual(self.state(self.a, name), "running (booted)")
        self.assertIsNone(self.state(self.b, name))
        self.assert_guest_ok(log)
        # and the guest still migrates
        guestlog.follow(log)
        self.migrate(self.a, self.b, name, "--live")
        self.assert_moved(log, self.a, self.b, name)

    # ---- 5. offline migration: the persistent definition only

    def test_offline(self):
        name = "off1"
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log))
        virsh(self.a.uri, "define", xml)
        self.addCleanup(self.cleanup_guest, name)
        # libvirt's rule: offline needs --persistent (from either side)
        res, _ = self.migrate(self.a, self.b, name, "--offline", check=False)
        print("\nvirsh migrate --offline: %s" % res.stderr.strip())
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("offline migration must be specified with the persistent flag set",
                      res.stderr)
        self.assertEqual(self.state(self.a, name), "shut off (unknown)")
        self.assertIsNone(self.state(self.b, name))
        # the definition moves; no QEMU starts anywhere
        events = EventWatcher(self.b)
        time.sleep(0.3)
        self.migrate(self.a, self.b, name, "--offline", "--persistent",
                     "--undefinesource")
        lines = events.stop(name)
        print("events on B: %s" % lines)
        self.assertIn("Defined Added", lines)
        self.assertIsNone(self.state(self.a, name))
        self.assertTrue(self.state(self.b, name).startswith("shut off"))
        self.assertEqual(harness.qemu_pids_under(self.a.root), [])
        self.assertEqual(harness.qemu_pids_under(self.b.root), [])
        info = virsh(self.b.uri, "dominfo", name).stdout
        self.assertRegex(info, r"Persistent:\s+yes")
        # and it boots there
        virsh(self.b.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=5)
        self.assertEqual(self.state(self.b, name), "running (booted)")
        self.assert_guest_ok(log)
        # a running guest: only its definition goes (libvirt allows it);
        # it runs on here, and stays defined despite --undefinesource
        guestlog.follow(log)
        self.migrate(self.b, self.a, name, "--offline", "--persistent",
                     "--undefinesource")
        self.assertEqual(self.state(self.b, name), "running (booted)")
        self.assertTrue(self.state(self.a, name).startswith("shut off"))
        self.assertRegex(virsh(self.b.uri, "dominfo", name).stdout,
                         r"Persistent:\s+yes")
        self.assertEqual(self.jobinfo(self.b, name)["Job type"], "None")
        # a definition the destination already has is replaced
        xml96 = re.sub(r"<(memory|currentMemory)[^>]*>\d+<",
                       r"<\1 unit='KiB'>98304<",
                       virsh(self.a.uri, "dumpxml", "--inactive", name).stdout)
        virsh(self.a.uri, "define", harness.write_file(
            os.path.join(self.a.root, name + "-96.xml"), xml96))
        self.assertRegex(virsh(self.a.uri, "dominfo", name).stdout,
                         r"Max memory:\s+98304 KiB")
        self.migrate(self.b, self.a, name, "--offline", "--persistent")
        self.assertRegex(virsh(self.a.uri, "dominfo", name).stdout,
                         r"Max memory:\s+%d KiB" % harness.GUEST_KIB)
        self.assert_guest_ok(log)


def parse_size(text):
    """virsh's '12.345 MiB' (or B, KiB, GiB, and per-second forms) in bytes."""
    m = re.match(r"([\d.]+)\s*(B|KiB|MiB|GiB)", text)
    if not m:
        return 0
    return float(m.group(1)) * {"B": 1, "KiB": 1024, "MiB": MIB,
                                "GiB": 1024 * MIB}[m.group(2)]


if __name__ == "__main__":
    harness.require("virsh")
    harness.require("libvirt")
    harness.require_guest()
    harness.main()
