#!/usr/bin/env python3
"""Read the serial log of the virtmig test guest.

The guest (tests/guest/README.rst) writes one heartbeat line per period:

    virtmig-guest boot=<16 hex digits> seq=<decimal> state=ok|CORRUPT

plus a few other ``virtmig-guest <word> ...`` lines (info, warn, corrupt)
that the heartbeat parser skips.

Library use::

    import guestlog
    records = guestlog.parse_log(path)          # [Record(boot, seq, state)]
    guestlog.wait_for_lines(path, 10, timeout=5)
    guestlog.follow(path)                       # note arrival times
    ...                                         # migrate the guest
    verdict = guestlog.check_continuity(path, max_gap_s=2.0)
    assert verdict.ok, verdict.summary()

A log file carries no wall-clock times, and guest time stops while the VM
is paused, so the gap between two heartbeats as seen from outside can only
be measured by watching the file grow: ``max_gap_s`` needs ``follow(path)``
to have run over the period of interest.

CLI: ``python3 guestlog.py [--follow SECONDS [--max-gap S]] LOG`` prints a
one-line summary and exits 1 on CORRUPT, a seq gap, a restart or no
heartbeat at all, 0 otherwise.
"""

import argparse
import collections
import dataclasses
import os
import re
import sys
import threading
import time

HEARTBEAT_RE = re.compile(
    r"virtmig-guest boot=(?P<boot>[0-9a-f]{16}) seq=(?P<seq>[0-9]+) "
    r"state=(?P<state>ok|CORRUPT)")
HEARTBEAT_PREFIX = "virtmig-guest boot="
OTHER_RE = re.compile(
    r"virtmig-guest (?P<kind>info|warn|corrupt|eject) (?P<rest>.*)")

Record = collections.namedtuple("Record", "boot seq state")


def parse_line(line):
    """Return the Record of a heartbeat line, or None for any other line."""
    m = HEARTBEAT_RE.fullmatch(line.rstrip("\r\n"))
    if not m:
        return None
    return Record(m.group("boot"), int(m.group("seq")), m.group("state"))


def parse_lines(lines):
    """Return the heartbeat Records found in an iterable of text lines."""
    return [r for r in map(parse_line, lines) if r is not None]


def read_lines(path):
    """Return the lines of the log (without newlines; [] if missing).

    A last line without its newline is left out: QEMU may still be writing
    it, or was stopped in the middle of it.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    lines.pop()
    return [l.decode("ascii", "replace").rstrip("\r") for l in lines]


def parse_log(path):
    """Return the heartbeat Records of the complete lines of the log."""
    return parse_lines(read_lines(path))


def boot_ids(path):
    """Return the boot ids of the log's heartbeats, each once, in order."""
    seen = []
    for rec in parse_log(path):
        if rec.boot not in seen:
            seen.append(rec.boot)
    return seen


def parse_messages(path, kind):
    """Return the text after ``virtmig-guest <kind> `` of each such line.

    kind is 'info', 'warn', 'corrupt' or 'eject'.
    """
    out = []
    for line in read_lines(path):
        m = OTHER_RE.fullmatch(line.rstrip("\r\n"))
        if m and m.group("kind") == kind:
            out.append(m.group("rest"))
    return out


def parse_info(path):
    """Return the key=value pairs of the last ``info`` line as a dict."""
    infos = parse_messages(path, "info")
    if not infos:
        return {}
    return dict(kv.split("=", 1) for kv in infos[-1].split() if "=" in kv)


class LogWatcher:
    """Follow a growing log and note when each heartbeat line appeared.

    Only complete lines are parsed; a line still being written is kept
    until its newline arrives.  A log that is truncated or replaced starts
    the count again.  Times are time.monotonic() values, None for lines
    that were already there when watching started.  A subclass that
    overrides ``parse`` (text lines -> records) follows another guest's
    heartbeat format.
    """

    parse = staticmethod(parse_lines)

    def __init__(self, path):
        self.path = path
        self._reset(None)
        self._lock = threading.Lock()
        self._thread = None
        self._stop = threading.Event()
        self.followed = False

    def poll(self, stamp=True):
        """Read what was appended since the last call; return new count."""
        with self._lock:
            return self._poll_locked(stamp)

    def _poll_locked(self, stamp):
        try:
            with open(self.path, "rb") as f:
                st = os.fstat(f.fileno())
                if st.st_ino != self._inode or st.st_size < self._offset:
                    self._reset(st.st_ino)  # a new or truncated file
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return 0
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        now = time.monotonic() if stamp else None
        new = self.parse(l.decode("ascii", "replace") for l in lines)
        self.records.extend(new)
        self.times.extend([now] * len(new))
        return len(new)

    def _reset(self, inode):
        self._inode = inode
        self._offset = 0
        self._partial = b""
        self.records = []
        self.times = []

    def max_gap(self):
        """Largest time between two consecutive timed heartbeats, or None."""
        with self._lock:
            gaps = [b - a for a, b in zip(self.times, self.times[1:])
                    if a is not None and b is not None]
        return max(gaps) if gaps else None

    def start(self, interval=0.01):
        """Poll in a background thread every interval seconds."""
        if self._thread:
            return
        with self._lock:
            # Times noted by occasional polls could fake long gaps.
            self.times = [None] * len(self.times)
            self._poll_locked(stamp=False)
        self.followed = True
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(interval,),
                                        name="guestlog-follow", daemon=True)
        self._thread.start()

    def _run(self, interval):
        while not self._stop.wait(interval):
            self.poll()

    def stop(self):
        """Stop the background thread, after one last poll."""
        if self._thread:
            self._stop.set()
            self._thread.join()
            self._thread = None
            self.poll()


_watchers = {}
_watchers_lock = threading.Lock()


def watcher(path, cls=LogWatcher):
    """Return the LogWatcher shared by every caller for this path.

    cls, a LogWatcher subclass, is used when the path has no watcher yet.
    """
    key = os.path.realpath(path)
    with _watchers_lock:
        if key not in _watchers:
            _watchers[key] = cls(path)
        return _watchers[key]


def follow(path, interval=0.01, cls=LogWatcher):
    """Start noting heartbeat arrival times for path; returns the watcher."""
    w = watcher(path, cls)
    w.start(interval)
    return w


def unfollow(path):
    """Stop following path and forget what was noted about it."""
    key = os.path.realpath(path)
    with _watchers_lock:
        w = _watchers.pop(key, None)
    if w:
        w.stop()


def wait_for_lines(path, n, timeout, interval=0.02, cls=LogWatcher):
    """Wait until the log holds at least n heartbeat lines.

    Returns the list of Records.  Raises TimeoutError, saying how many
    lines were seen, when timeout seconds pass first.
    """
    deadline = time.monotonic() + timeout
    w = watcher(path, cls)
    while True:
        w.poll()
        records = list(w.records)
        if len(records) >= n:
            return records
        if time.monotonic() >= deadline:
            raise TimeoutError("%s: %d of %d heartbeat lines after %.1f s"
                               % (path, len(records), n, timeout))
        time.sleep(interval)


@dataclasses.dataclass
class Verdict:
    """What a log says about the guest's life."""

    path: str
    heartbeats: int = 0
    boot_ids: list = dataclasses.field(default_factory=list)
    continuous: bool = True
    corrupt: bool = False
    last_seq: int = None
    garbled: int = 0
    max_gap_s: float = None
    gap_ok: bool = True
    problems: list = dataclasses.field(default_factory=list)

    @property
    def boots(self):
        return len(self.boot_ids)

    @property
    def ok(self):
        """One boot, seq continuous from 0, never CORRUPT, gap in bound."""
        return (self.heartbeats > 0 and self.boots == 1 and self.continuous
                and not self.corrupt and self.gap_ok)

    def summary(self):
        gap = "-" if self.max_gap_s is None else "%.3fs" % self.max_gap_s
        text = ("%s: boots=%d heartbeats=%d last_seq=%s continuous=%s "
                "corrupt=%s max_gap=%s" % (
                    self.path, self.boots, self.heartbeats, self.last_seq,
                    "yes" if self.continuous else "no",
                    "yes" if self.corrupt else "no", gap))
        if self.ok:
            return text + " -> OK"
        return text + " -> FAIL: " + "; ".join(self.problems)


def check_sequence(v, records):
    """Fill v with boots, seq continuity and CORRUPT state of records
    (anything with boot, seq and state fields)."""
    last = {}
    for r in records:
        if r.boot not in last:
            if v.boot_ids:
                v.problems.append("restart: boot %s after %s at seq %d"
                                  % (r.boot, v.boot_ids[-1], v.last_seq))
            if r.seq != 0:
                v.continuous = False
                v.problems.append("boot %s starts at seq %d" % (r.boot, r.seq))
            v.boot_ids.append(r.boot)
        elif r.boot != v.boot_ids[-1]:
            v.continuous = False
            v.problems.append("boot %s is back after %s" % (r.boot,
                                                           v.boot_ids[-1]))
        elif r.seq != last[r.boot] + 1:
            v.continuous = False
            v.problems.append("boot %s: seq %d follows %d"
                              % (r.boot, r.seq, last[r.boot]))
        if r.state == "CORRUPT" and not v.corrupt:
            v.corrupt = True
            v.problems.append("CORRUPT from boot %s seq %d" % (r.boot, r.seq))
        last[r.boot] = r.seq
        v.last_seq = r.seq


def check_gap(v, path, max_gap_s):
    """Fill v.max_gap_s and v.gap_ok from what follow(path) noted."""
    w = _watchers.get(os.path.realpath(path))
    if w is None or not w.followed:
        raise ValueError("max_gap_s needs follow(%r) while the guest runs"
                         % path)
    w.poll()
    v.max_gap_s = w.max_gap()
    if v.max_gap_s is None:
        v.gap_ok = False
        v.problems.append("fewer than two heartbeats seen while following")
    elif v.max_gap_s > max_gap_s:
        v.gap_ok = False
        v.problems.append("%.3f s without a heartbeat (limit %.3f s)"
                          % (v.max_gap_s, max_gap_s))


def check_continuity(path, max_gap_s=None):
    """Judge the log at path; returns a Verdict.

    The verdict holds the number of boots seen (``boots``, ``boot_ids``),
    whether seq counts up by one from 0 within each boot and no boot comes
    back after another (``continuous``), whether any heartbeat said CORRUPT
    (``corrupt``), the last seq, and ``ok`` for "one boot, continuous,
    never corrupt".  With max_gap_s, the largest time between two
    heartbeats noted by follow(path) must not exceed it (ValueError if the
    log was not followed).
    """
    v = Verdict(path=path)
    lines = read_lines(path)
    records = parse_lines(lines)
    v.heartbeats = len(records)
    v.garbled = sum(1 for l in lines if HEARTBEAT_PREFIX in l) - len(records)
    if v.garbled:
        v.continuous = False
        v.problems.append("%d garbled heartbeat lines" % v.garbled)
    if not records:
        v.problems.append("no heartbeat")
    check_sequence(v, records)
    if max_gap_s is not None:
        check_gap(v, path, max_gap_s)
    return v


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Check a virtmig test guest serial log.")
    parser.add_argument("log")
    parser.add_argument("--follow", type=float, metavar="SECONDS",
                        help="watch the log grow for this long first")
    parser.add_argument("--max-gap", type=float, metavar="SECONDS",
                        help="fail if heartbeats stop this long "
                             "(needs --follow)")
    args = parser.parse_args(argv)
    if args.max_gap is not None and args.follow is None:
        parser.error("--max-gap needs --follow")
    if args.follow is not None:
        follow(args.log)
        time.sleep(args.follow)
    verdict = check_continuity(args.log, max_gap_s=args.max_gap)
    print(verdict.summary())
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
