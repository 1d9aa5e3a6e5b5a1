"""A minimal raw client of libvirt's remote protocol, for feeding the
daemon bad input and checking exactly what comes back on the wire."""

import socket
import struct

REMOTE_PROGRAM = 0x20008086
KEEPALIVE_PROGRAM = 0x6b656570
CALL, REPLY, MESSAGE = 0, 1, 2
OK, ERROR = 0, 1

PROC_CONNECT_OPEN = 1
PROC_CONNECT_GET_TYPE = 3
PROC_CONNECT_GET_VERSION = 4
PROC_CONNECT_SUPPORTS_FEATURE = 60
PROC_AUTH_LIST = 66
PROC_CONNECT_GET_LIB_VERSION = 157
PROC_DOMAIN_DESTROY = 12


def xdr_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def xdr_opt_string(s):
    return struct.pack(">I", 0) if s is None else struct.pack(">I", 1) + xdr_string(s)


def packet(prog, proc, serial, payload=b"", vers=1, mtype=CALL, status=OK):
    body = struct.pack(">IIiiIi", prog, vers, proc, mtype, serial, status) + payload
    return struct.pack(">I", len(body) + 4) + body


class RawClient:
    def __init__(self, path=None, addr=None, timeout=10):
        if path:
            self.s = socket.socket(socket.AF_UNIX)
            self.s.connect(path)
        else:
            self.s = socket.create_connection(addr)
        self.s.settimeout(timeout)
        self.serial = 0

    def close(self):
        self.s.close()

    def send(self, data):
        self.s.sendall(data)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed after %d bytes" % len(buf))
            buf += chunk
        return buf

    def recv_packet(self):
        """Returns (header tuple, payload)."""
        length = struct.unpack(">I", self.recv_exact(4))[0]
        data = self.recv_exact(length - 4)
        return struct.unpack(">IIiiIi", data[:24]), data[24:]

    def call(self, proc, payload=b"", prog=REMOTE_PROGRAM, vers=1):
        serial = self.serial
        self.serial += 1
        self.send(packet(prog, proc, serial, payload, vers=vers))
        while True:
            hdr, body = self.recv_packet()
            if hdr[3] == MESSAGE:
                continue
            return hdr, body

    def is_closed(self, timeout=5):
        """True if the daemon closed the connection (EOF) within timeout."""
        self.s.settimeout(timeout)
        try:
            while True:
                data = self.s.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False


def parse_error(body):
    """Decodes a remote_error: returns (code, domain, message, level)."""
    code, domain, present = struct.unpack(">iiI", body[:12])
    off = 12
    msg = None
    if present:
        n = struct.unpack(">I", body[off:off + 4])[0]
        msg = body[off + 4:off + 4 + n].decode()
        off += 4 + n + ((4 - n % 4) % 4)
    level = struct.unpack(">i", body[off:off + 4])[0]
    return code, domain, msg, level


def open_conn(client, name="qemu:///system", flags=0):
    client.call(PROC_AUTH_LIST)
    return client.call(PROC_CONNECT_OPEN, xdr_opt_string(name) + struct.pack(">I", flags))
