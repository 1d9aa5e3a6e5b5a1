"""A small man-in-the-middle for libvirt's remote protocol, for fault tests.

RpcProxy listens on a unix socket of its own and, for each client that
connects (stock virsh, python-libvirt), opens a connection to the real
daemon socket and copies packets both ways.  It reads the packet framing
(4-byte big-endian length including itself, then prog, vers, proc, type,
serial, status; rpc-facts 2) and can act on one chosen packet:

    proxy = RpcProxy(daemon_sock)             # proxy.uri for virsh
    rule = proxy.add_rule("reply", FINISH3, "drop_cut")
    ...                                       # run virsh against proxy.uri
    rule.fired.wait(30)                       # the packet was seen

Actions (each rule fires once, on the first matching packet):
  "drop"      swallow the packet; the connection stays.
  "drop_cut"  swallow it, then close both sides of that connection: the
              client sees the connection fail, the daemon sees EOF.
  "cut"       the same as drop_cut (the name reads better for calls).
  "hold"      keep the packet and everything after it in that direction
              until rule.release() (forwarded, in order) or
              rule.cut(deliver=True/False) (closes the connection; with
              deliver the held packets first reach their destination,
              then EOF: a daemon reads a call whose client is gone).
  "pass"      forward, just record that it was seen (rule.fired).

proxy.rewrite, if set, is called as rewrite(direction, header, packet)
for every packet before the rules and returns the packet to send on
(e.g. a reply changed to hide a feature of the daemon).

Keepalive packets and events pass through; only a rule's direction,
procedure (and optional program) select.  The proxy is a test tool: it
trusts lengths up to 32 MiB and closes a connection on anything else.
"""

import os
import socket
import struct
import tempfile
import threading

REMOTE_PROGRAM = 0x20008086
KEEPALIVE_PROGRAM = 0x6b656570
CALL, REPLY, MESSAGE, STREAM, CALL_WITH_FDS, REPLY_WITH_FDS = range(6)
MAX_PACKET = 32 * 1024 * 1024

# procedure numbers (rpc-facts 6) the tests pick from
PROC = {
    "DOMAIN_MIGRATE_PERFORM": 62,
    "DOMAIN_MIGRATE_PREPARE2": 108,
    "DOMAIN_MIGRATE_FINISH2": 109,
    "DOMAIN_MIGRATE_BEGIN3": 213,
    "DOMAIN_MIGRATE_PREPARE3": 214,
    "DOMAIN_MIGRATE_PERFORM3": 216,
    "DOMAIN_MIGRATE_FINISH3": 217,
    "DOMAIN_MIGRATE_CONFIRM3": 218,
    "DOMAIN_MIGRATE_BEGIN3_PARAMS": 302,
    "DOMAIN_MIGRATE_PREPARE3_PARAMS": 303,
    "DOMAIN_MIGRATE_PERFORM3_PARAMS": 305,
    "DOMAIN_MIGRATE_FINISH3_PARAMS": 306,
    "DOMAIN_MIGRATE_CONFIRM3_PARAMS": 307,
}


class Rule:
    """One action on the first packet matching (direction, proc, prog)."""

    def __init__(self, direction, proc, action, prog=REMOTE_PROGRAM):
        if direction not in ("call", "reply"):
            raise ValueError("direction is 'call' or 'reply'")
        if action not in ("drop", "drop_cut", "cut", "hold", "pass"):
            raise ValueError("unknown action %r" % action)
        self.direction = direction
        self.proc = proc
        self.prog = prog
        self.action = action
        self.fired = threading.Event()
        self.header = None          # (prog, vers, proc, type, serial, status)
        self.pipe = None            # the _Pipe it fired on
        self.done = False

    def matches(self, direction, hdr):
        if self.done or direction != self.direction:
            return False
        if hdr[0] != self.prog or hdr[2] != self.proc:
            return False
        wanted = (CALL, CALL_WITH_FDS) if direction == "call" else (REPLY, REPLY_WITH_FDS)
        return hdr[3] in wanted

    def release(self):
        """Forwards what a "hold" rule kept, and lets traffic flow again."""
        if self.pipe:
            self.pipe.release(self.direction)

    def cut(self, deliver=False):
        """Closes the connection a "hold" rule fired on; with @deliver the
        held packets reach their destination first."""
        if self.pipe:
            self.pipe.cut(self.direction if deliver else None)


class _Pipe:
    """One client connection and its daemon connection."""

    def __init__(self, proxy, client):
        self.proxy = proxy
        self.client = client
        self.server = socket.socket(socket.AF_UNIX)
        self.server.connect(proxy.target)
        self.lock = threading.Lock()
        self.held = {"call": None, "reply": None}    # list while holding
        self.closed = False

    def start(self):
        for direction, src, dst in (("call", self.client, self.server),
                                    ("reply", self.server, self.client)):
            t = threading.Thread(target=self.copy, args=(direction, src, dst),
                                 daemon=True)
            t.start()

    @staticmethod
    def recv_exact(sock, n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def read_packet(self, sock):
        head = self.recv_exact(sock, 4)
        if head is None:
            return None, None
        length = struct.unpack(">I", head)[0]
        if length < 28 or length > MAX_PACKET:
            return None, None
        rest = self.recv_exact(sock, length - 4)
        if rest is None:
            return None, None
        return struct.unpack(">IIiiIi", rest[:24]), head + rest

    def copy(self, direction, src, dst):
        try:
            while True:
                hdr, data = self.read_packet(src)
                if data is None:
                    break
                if not self.handle(direction, hdr, data, dst):
                    break
        except OSError:
            pass
        self.close()

    def handle(self, direction, hdr, data, dst):
        """Applies the rules to one packet; False ends the copy loop."""
        self.proxy.seen.append((direction, hdr))
        if self.proxy.rewrite:
            data = self.proxy.rewrite(direction, hdr, data)
        rule = self.proxy.match(direction, hdr)
        with self.lock:
            if self.closed:
                return False
            if rule:
                rule.header = hdr
                rule.pipe = self
                self.proxy.log.append((direction, hdr, rule.action))
                if rule.action == "hold":
                    self.held[direction] = [data]
                    rule.fired.set()
                    return True
                if rule.action in ("drop_cut", "cut"):
                    rule.fired.set()
                    self.close_locked()
                    return False
                if rule.action == "drop":
                    rule.fired.set()
                    return True
            if self.held[direction] is not None:
                self.held[direction].append(data)
                return True
            dst.sendall(data)
        if rule:
            rule.fired.set()
        return True

    def release(self, direction):
        with self.lock:
            held, self.held[direction] = self.held[direction], None
            if self.closed or not held:
                return
            dst = self.server if direction == "call" else self.client
            for data in held:
                dst.sendall(data)

    def cut(self, deliver):
        with self.lock:
            if deliver and self.held[deliver]:
                dst = self.server if deliver == "call" else self.client
                try:
                    for data in self.held[deliver]:
                        dst.sendall(data)
                except OSError:
                    pass
            self.close_locked()

    def close(self):
        with self.lock:
            self.close_locked()

    def close_locked(self):
        if self.closed:
            return
        self.closed = True
        for s in (self.client, self.server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


class RpcProxy:
    """Listens on its own unix socket and relays to the daemon at @target."""

    def __init__(self, target, path=None):
        self.target = target
        if path is None:
            self.dir = tempfile.mkdtemp(prefix="virtmig-rpcproxy-")
            path = os.path.join(self.dir, "sock")
        else:
            self.dir = None
        self.path = path
        self.rules = []
        self.pipes = []
        self.log = []               # (direction, header, action) of fired rules
        self.seen = []              # (direction, header) of every packet
        self.rewrite = None
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(path)
        self.listener.listen(16)
        self.stopping = False
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    @property
    def uri(self):
        return "qemu+unix:///system?socket=" + self.path

    def add_rule(self, direction, proc, action, prog=REMOTE_PROGRAM):
        """@proc: a number or a PROC name.  Returns the Rule."""
        if isinstance(proc, str):
            proc = PROC[proc]
        rule = Rule(direction, proc, action, prog)
        with self.lock:
            self.rules.append(rule)
        return rule

    def match(self, direction, hdr):
        with self.lock:
            for rule in self.rules:
                if rule.matches(direction, hdr):
                    rule.done = True
                    return rule
        return None

    def accept_loop(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                pipe = _Pipe(self, client)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pipes.append(pipe)
            pipe.start()

    def cut_all(self):
        """Closes every relayed connection (both sides)."""
        with self.lock:
            pipes = list(self.pipes)
        for pipe in pipes:
            pipe.close()

    def close(self):
        self.stopping = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.cut_all()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        if self.dir:
            os.rmdir(self.dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
