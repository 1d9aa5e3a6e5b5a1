#!/usr/bin/env python3
"""Read what the Linux test guest leaves behind: its serial log and its
disk (README.rst has the contract).

The serial log holds one heartbeat per period::

    virtmig-linux boot=<16 hex> seq=<n> disk=ok|BAD net=ok|down state=ok|CORRUPT

and a few other ``virtmig-linux <word> ...`` lines (info, warn, diskbad,
corrupt) plus whatever the kernel printed while booting.  Following the
log works as for the multiboot test guest (tests/guest/guestlog.py, whose
watcher this module reuses)::

    import linuxlog
    linuxlog.wait_for_lines(log, 3, timeout=30)
    linuxlog.follow(log)
    ...                                         # migrate
    v = linuxlog.check_continuity(log, max_gap_s=2.0)
    assert v.ok, v.summary()
    d = linuxlog.check_disk(linuxlog.read_image(qcow2), v.boot_ids[-1])
    assert d.ok, d.summary()

CLI: ``python3 linuxlog.py LOG [--disk IMAGE]`` prints a summary and exits
1 when either says something is wrong.
"""

import argparse
import collections
import dataclasses
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "guest"))
import guestlog  # noqa: E402

HEARTBEAT_RE = re.compile(
    r"virtmig-linux boot=(?P<boot>[0-9a-f]{16}) seq=(?P<seq>[0-9]+) "
    r"disk=(?P<disk>ok|BAD) net=(?P<net>ok|down) "
    r"state=(?P<state>ok|CORRUPT)")
HEARTBEAT_PREFIX = "virtmig-linux boot="
OTHER_RE = re.compile(r"virtmig-linux (?P<kind>[a-z]+) (?P<rest>.*)")

Record = collections.namedtuple("Record", "boot seq disk net state")

BLOCK = 4096
WORDS = BLOCK // 8
BLOCK_MAGIC = 0x314b4c42584c4d56   # "VMLXBLK1", little endian
RECORD_MAGIC = 0x31434552584c4d56  # "VMLXREC1"
MASK = (1 << 64) - 1


def parse_line(line):
    """Return the Record of a heartbeat line, or None for any other line."""
    m = HEARTBEAT_RE.fullmatch(line.rstrip("\r\n"))
    if not m:
        return None
    return Record(m.group("boot"), int(m.group("seq")), m.group("disk"),
                  m.group("net"), m.group("state"))


def parse_lines(lines):
    return [r for r in map(parse_line, lines) if r is not None]


def parse_log(path):
    """The heartbeat Records of the complete lines of the log."""
    return parse_lines(guestlog.read_lines(path))


def parse_messages(path, kind):
    """The text after ``virtmig-linux <kind> `` of each such line."""
    out = []
    for line in guestlog.read_lines(path):
        m = OTHER_RE.fullmatch(line)
        if m and m.group("kind") == kind and not line.startswith(
                HEARTBEAT_PREFIX):
            out.append(m.group("rest"))
    return out


def parse_info(path):
    """The key=value pairs of the last ``info`` line, as a dict."""
    infos = parse_messages(path, "info")
    if not infos:
        return {}
    return dict(kv.split("=", 1) for kv in infos[-1].split() if "=" in kv)


class LinuxLogWatcher(guestlog.LogWatcher):
    parse = staticmethod(parse_lines)


def follow(path, interval=0.01):
    return guestlog.follow(path, interval, cls=LinuxLogWatcher)


def unfollow(path):
    guestlog.unfollow(path)


def wait_for_lines(path, n, timeout, interval=0.02):
    return guestlog.wait_for_lines(path, n, timeout, interval,
                                   cls=LinuxLogWatcher)


@dataclasses.dataclass
class Verdict(guestlog.Verdict):
    """guestlog's verdict plus the disk and network checks."""

    disk_bad_seq: int = None
    net_down: list = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        """One boot, seq continuous, never CORRUPT, gap in bound, the disk
        always ok and the network never down."""
        return (super().ok and self.disk_bad_seq is None
                and not self.net_down)

    def summary(self):
        text = super().summary()
        extra = " disk=%s net_down=%d" % (
            "ok" if self.disk_bad_seq is None else "BAD", len(self.net_down))
        head, sep, tail = text.partition(" -> ")
        if self.ok:
            return head + extra + " -> OK"
        return head + extra + " -> FAIL: " + "; ".join(self.problems)


def check_continuity(path, max_gap_s=None):
    """Judge the log at path (see guestlog.check_continuity); returns a
    Verdict that also notes the first disk=BAD and every net=down."""
    v = Verdict(path=path)
    lines = guestlog.read_lines(path)
    records = parse_lines(lines)
    v.heartbeats = len(records)
    v.garbled = sum(1 for l in lines if HEARTBEAT_PREFIX in l) - len(records)
    if v.garbled:
        v.continuous = False
        v.problems.append("%d garbled heartbeat lines" % v.garbled)
    if not records:
        v.problems.append("no heartbeat")
    guestlog.check_sequence(v, records)
    for r in records:
        if r.disk == "BAD" and v.disk_bad_seq is None:
            v.disk_bad_seq = r.seq
            v.problems.append("disk=BAD from seq %d: %s" % (
                r.seq, "; ".join(parse_messages(path, "diskbad")[:3])))
        if r.net == "down":
            v.net_down.append(r.seq)
    if v.net_down:
        v.problems.append("net=down at seq %s" % ",".join(
            map(str, v.net_down[:10])))
    if max_gap_s is not None:
        guestlog.check_gap(v, path, max_gap_s)
    return v


# ---- the disk -------------------------------------------------------------

def mix64(x):
    """vmagent.c's mix64 (the splitmix64 finaliser)."""
    x = (x + 0x9e3779b97f4a7c15) & MASK
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & MASK
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & MASK
    return x ^ (x >> 31)


def block_words(boot, blk, gen):
    """The 512 words vmagent writes to block @blk in generation @gen."""
    seed = mix64(boot ^ mix64(blk ^ mix64(gen)))
    return [BLOCK_MAGIC, boot, blk, gen] + [mix64((seed + i) & MASK)
                                            for i in range(4, WORDS)]


def words(data, blk):
    return list(memoryview(data)[blk * BLOCK:(blk + 1) * BLOCK].cast("Q"))


@dataclasses.dataclass
class DiskVerdict:
    boot: str = None
    writes: int = None
    blocks: int = None
    seq: int = None
    checked: int = 0
    unwritten: int = 0
    after_record: int = 0
    problems: list = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        return not self.problems and self.checked > 0

    def summary(self):
        text = ("disk: boot=%s record writes=%s blocks=%s seq=%s; %d blocks "
                "checked, %d never written, %d written after the record"
                % (self.boot, self.writes, self.blocks, self.seq,
                   self.checked, self.unwritten, self.after_record))
        if self.ok:
            return text + " -> OK"
        return text + " -> FAIL: " + "; ".join(self.problems[:8])


def check_disk(data, boot, slack=256):
    """Check the raw disk content @data against boot id @boot (hex).

    Block 0 is the record vmagent writes after each flushed chunk: boot,
    W (block writes done), N (ring size), seq and a checksum.  Write w went
    to block 1 + w % N with generation w // N, so each block must hold,
    whole, the last write to it before W, or else one of the writes of
    the chunk that may have been under way after the record
    (W <= w < W + @slack): no block may be torn, stale, from another boot
    or missing.
    """
    v = DiskVerdict()
    if len(data) < BLOCK:
        v.problems.append("image smaller than one block")
        return v
    rec = words(data, 0)
    if rec[0] != RECORD_MAGIC:
        v.problems.append("no record in block 0 (magic %016x)" % rec[0])
        return v
    want_sum = mix64(rec[0] ^ mix64(rec[1] ^ mix64(rec[2] ^ mix64(
        rec[3] ^ mix64(rec[4])))))
    if rec[5] != want_sum:
        v.problems.append("record checksum %016x, want %016x"
                          % (rec[5], want_sum))
        return v
    v.boot, v.writes, v.blocks, v.seq = "%016x" % rec[1], rec[2], rec[3], rec[4]
    if v.boot != boot:
        v.problems.append("record of boot %s, not %s" % (v.boot, boot))
        return v
    n, w_rec = v.blocks, v.writes
    if n < 1 or len(data) < (n + 1) * BLOCK:
        v.problems.append("ring of %d blocks does not fit the image" % n)
        return v
    for i in range(n):
        blk = 1 + i
        # the last write to this slot before w_rec, and the next one
        last = w_rec - 1 - ((w_rec - 1 - i) % n) if w_rec > i else None
        nxt = i if last is None else last + n
        allowed = [w for w in (last, nxt if nxt < w_rec + slack else None)
                   if w is not None]
        have = words(data, blk)
        if not any(have):
            if last is None:
                v.unwritten += 1
                continue
            v.problems.append("block %d: zeros, want gen %d" % (blk, last // n))
            continue
        for w in allowed:
            if have == block_words(rec[1], blk, w // n):
                v.checked += 1
                if w >= w_rec:
                    v.after_record += 1
                break
        else:
            if have[0] != BLOCK_MAGIC or have[1] != rec[1] or have[2] != blk:
                what = "foreign (magic %016x boot %016x blk %d)" % tuple(have[:3])
            else:
                what = "gen %d, damaged or stale" % have[3]
            v.problems.append("block %d: %s, want gen %s" % (
                blk, what, " or ".join(str(w // n) for w in allowed)))
    return v


def read_image(path, fmt="qcow2"):
    """The guest-visible content of a disk image, as bytes (qemu-img; -U so
    that it also works on an image a paused QEMU holds open)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "disk.raw")
        subprocess.run(["qemu-img", "convert", "-U", "-f", fmt, "-O", "raw",
                        path, raw], check=True, capture_output=True)
        with open(raw, "rb") as f:
            return f.read()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Check the Linux test guest's serial log and disk.")
    parser.add_argument("log")
    parser.add_argument("--disk", help="the guest's qcow2 disk image")
    args = parser.parse_args(argv)
    v = check_continuity(args.log)
    print(v.summary())
    ok = v.ok
    if args.disk:
        if not v.boot_ids:
            print("disk: no boot id in the log to check it against")
            return 1
        d = check_disk(read_image(args.disk), v.boot_ids[-1],
                       int(parse_info(args.log).get("chunk", 256)))
        print(d.summary())
        ok = ok and d.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
