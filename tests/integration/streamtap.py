"""A TCP proxy that keeps the first bytes of a migration stream, to see
whether it is TLS (a handshake record, 0x16 0x03) or QEMU's own stream
("QEVM")."""

import socket
import threading

CAPTURE = 64 * 1024
QEMU_MAGIC = b"QEVM"


class StreamTap:
    """Listens on @listen:@port, forwards the first connection to
    @target:@port and keeps the first CAPTURE bytes the source sent."""

    def __init__(self, listen, target, port):
        self.port = port
        self.target = target
        self.data = bytearray()
        self.connections = 0
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind((listen, port))
        self.srv.listen(4)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        try:
            src, _ = self.srv.accept()
        except OSError:
            return
        self.connections += 1
        dst = socket.create_connection((self.target, self.port))
        back = threading.Thread(target=self._pump, args=(dst, src, False),
                                daemon=True)
        back.start()
        self._pump(src, dst, True)
        back.join(30)

    def _pump(self, a, b, keep):
        try:
            while True:
                chunk = a.recv(65536)
                if not chunk:
                    break
                if keep and len(self.data) < CAPTURE:
                    self.data += chunk[:CAPTURE - len(self.data)]
                b.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            a.close()

    def close(self):
        self.srv.close()
