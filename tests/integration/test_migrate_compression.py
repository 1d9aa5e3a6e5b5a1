"""Compression of a live migration, with stock virsh and python-libvirt
between two virtmigd hosts (issue 14):

- ``virsh migrate-compcache`` (virDomainMigrateGet/SetCompressionCache):
  QEMU's xbzrle cache read and set, read-only clients may read but not
  set, a domain that does not run is refused; the size set is the one a
  later ``--compressed`` migration uses (domjobinfo --completed);
- ``--comp-methods mt`` with ``--comp-mt-level/threads/dthreads``: the
  compress capability on both QEMUs, the level and threads on the
  source, the decompression threads on the destination;
- ``--comp-methods xbzrle --comp-xbzrle-cache``: the cache size used;
- both methods at once; and libvirt's refusals for an unknown method, a
  method twice, and tuning a method that is off, with nothing changed.

What QEMU was told is read from the daemons' logs (QMP at DEBUG); the
guest's heartbeat proves it ran on, intact.
"""

import json
import os
import re
import time
import unittest

import harness  # noqa: I100 (sets up the path of guestlog)
import guestlog
from harness import Host, virsh

import libvirt

MIB = 1024 * 1024


class MigrateCompression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hosts = []
        for name in ("cmpA", "cmpB"):
            port = harness.free_port()
            h = Host(name)
            h.conf.update({"migration_host": "127.0.0.1",
                           "migration_port_min": port,
                           "migration_port_max": min(port + 9, 65535),
                           "log_filters": "1:qemu.qemu_monitor",
                           "log_outputs": "1:file:%s/log/virtmigd.log" % h.root})
            cls.hosts.append(h.start())
        cls.a, cls.b = cls.hosts

    @classmethod
    def tearDownClass(cls):
        for h in cls.hosts:
            h.cleanup()

    def start_guest(self, name):
        log = os.path.join(self.a.root, name + "-serial.log")
        xml = harness.write_file(os.path.join(self.a.root, name + ".xml"),
                                 harness.guest_xml(name, log, memory_mib=64,
                                                   cmdline="hb_ms=100 wss_mib=8"))
        virsh(self.a.uri, "define", xml)
        self.addCleanup(self.cleanup_guest, name)
        virsh(self.a.uri, "start", name)
        guestlog.wait_for_lines(log, 3, timeout=10)
        return log

    def cleanup_guest(self, name):
        for h in self.hosts:
            virsh(h.uri, "destroy", name, check=False)
            virsh(h.uri, "undefine", name, check=False)

    def mark(self):
        return {h.name: os.path.getsize(h.log) for h in self.hosts}

    def qmp_sent(self, host, mark, command):
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

    def caps(self, host, mark):
        sent = [a for a in self.qmp_sent(host, mark, "migrate-set-capabilities")
                if len(a["capabilities"]) > 1]
        self.assertTrue(sent, "no migrate-set-capabilities on %s" % host.name)
        return {c["capability"]: c["state"] for c in sent[0]["capabilities"]}

    def param(self, host, mark, name):
        for args in self.qmp_sent(host, mark, "migrate-set-parameters"):
            if name in args:
                return args[name]
        return None

    def compcache(self, *args, uri=None, check=True):
        return virsh(uri or self.a.uri, "migrate-compcache", *args,
                     check=check)

    def migrate(self, name, log, *opts):
        guestlog.follow(log)
        virsh(self.a.uri, "migrate", "--live", *opts, name, self.b.uri,
              timeout=120)
        self.assertEqual(virsh(self.b.uri, "domstate", "--reason",
                               name).stdout.strip(), "running (migrated)")
        n = len(guestlog.parse_log(log))
        guestlog.wait_for_lines(log, n + 3, timeout=5)
        verdict = guestlog.check_continuity(log)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())
        return virsh(self.a.uri, "domjobinfo", "--completed", name).stdout

    def test_compcache(self):
        name = "cc1"
        log = self.start_guest(name)
        res = self.compcache(name)
        self.assertRegex(res.stdout, r"Compression cache: \d+\.\d+ MiB")
        # QEMU takes powers of two only, and says so
        res = self.compcache(name, "--size", str(48 * MIB), check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("expects a power of two", res.stderr)
        self.compcache(name, "--size", str(128 * MIB))
        self.assertEqual(self.compcache(name).stdout.strip(),
                         "Compression cache: 128.000 MiB")
        # python-libvirt reads the same
        conn = libvirt.open(self.a.uri)
        self.addCleanup(conn.close)
        dom = conn.lookupByName(name)
        self.assertEqual(dom.migrateGetCompressionCache(), 128 * MIB)
        # read-only: reading yes, setting no
        ro = virsh(self.a.uri_ro, "migrate-compcache", name, readonly=True)
        self.assertIn("128.000 MiB", ro.stdout)
        ro = virsh(self.a.uri_ro, "migrate-compcache", name, "--size",
                   str(8 * MIB), readonly=True, check=False)
        self.assertNotEqual(ro.returncode, 0)
        self.assertIn("read only access prevents "
                      "virDomainMigrateSetCompressionCache", ro.stderr)
        self.assertEqual(dom.migrateGetCompressionCache(), 128 * MIB)
        # the migration's xbzrle uses that cache
        info = self.migrate(name, log, "--compressed")
        self.assertRegex(info, r"Compression cache:\s+128\.000 MiB")
        # a domain that does not run (the source's definition, left
        # behind) has no QEMU to ask
        res = self.compcache(name, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("domain is not running", res.stderr)

    def test_mt(self):
        name = "cmt1"
        log = self.start_guest(name)
        mark = self.mark()
        self.migrate(name, log, "--compressed", "--comp-methods", "mt",
                     "--comp-mt-level", "1", "--comp-mt-threads", "2",
                     "--comp-mt-dthreads", "3")
        for h in self.hosts:
            caps = self.caps(h, mark)
            self.assertTrue(caps["compress"], h.name)
            self.assertFalse(caps.get("xbzrle"), h.name)
        self.assertEqual(self.param(self.a, mark, "compress-level"), 1)
        self.assertEqual(self.param(self.a, mark, "compress-threads"), 2)
        self.assertEqual(self.param(self.b, mark, "decompress-threads"), 3)

    def test_xbzrle_cache_and_both(self):
        name = "cxb1"
        log = self.start_guest(name)
        mark = self.mark()
        info = self.migrate(name, log, "--compressed", "--comp-methods",
                            "xbzrle", "--comp-xbzrle-cache", str(32 * MIB))
        self.assertTrue(self.caps(self.a, mark)["xbzrle"])
        self.assertFalse(self.caps(self.a, mark).get("compress"))
        self.assertEqual(self.param(self.a, mark, "xbzrle-cache-size"),
                         32 * MIB)
        self.assertRegex(info, r"Compression cache:\s+32\.000 MiB")
        # and back with both methods
        mark = self.mark()
        guestlog.follow(log)
        virsh(self.b.uri, "migrate", "--live", "--compressed",
              "--comp-methods", "mt,xbzrle", name, self.a.uri, timeout=120)
        caps = self.caps(self.b, mark)
        self.assertTrue(caps["xbzrle"] and caps["compress"], caps)
        self.assertEqual(virsh(self.a.uri, "domstate", name).stdout.strip(),
                         "running")
        time.sleep(0.5)
        verdict = guestlog.check_continuity(log)
        guestlog.unfollow(log)
        self.assertTrue(verdict.ok, verdict.summary())

    def test_refused(self):
        name = "cbad1"
        self.start_guest(name)
        for opts, message in (
                (("--comp-methods", "zstd"),
                 "Unsupported compression method 'zstd'"),
                (("--comp-methods", "mt,mt"),
                 "Compression method 'mt' is specified twice"),
                (("--comp-methods", "xbzrle", "--comp-mt-level", "3"),
                 "Turn multithread compression on to tune it"),
                (("--comp-mt-threads", "2"),
                 "Turn multithread compression on to tune it"),
                (("--comp-methods", "mt", "--comp-xbzrle-cache", str(MIB)),
                 "Turn xbzrle compression on to tune it")):
            res = virsh(self.a.uri, "migrate", "--live", "--compressed",
                        *opts, name, self.b.uri, check=False)
            self.assertNotEqual(res.returncode, 0, opts)
            self.assertIn(message, res.stderr, opts)
            self.assertEqual(virsh(self.a.uri, "domstate", "--reason",
                                   name).stdout.strip(), "running (booted)")
            self.assertNotIn(name, virsh(self.b.uri, "list", "--all",
                                         "--name").stdout.split())


if __name__ == "__main__":
    harness.require("virsh", "libvirt", "qemu")
    harness.require_guest()
    harness.main()
