"""Bad input on the wire: each case gets the right error or a closed
connection, and the daemon keeps serving every other client."""

import os
import socket
import struct
import time
import unittest

import harness
import rawrpc
from harness import Host
from rawrpc import RawClient, packet, parse_error


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("hostBad", conf={"open_timeout": 3}).start()
        # A healthy client that stays connected through every case.
        cls.good = RawClient(cls.host.sock)
        rawrpc.open_conn(cls.good)

    @classmethod
    def tearDownClass(cls):
        cls.good.close()
        cls.host.cleanup()

    def tearDown(self):
        """After each case: the daemon still runs and serves others."""
        self.assertIsNone(self.host.proc.poll(), "daemon died")
        hdr, body = self.good.call(rawrpc.PROC_CONNECT_GET_LIB_VERSION)
        self.assertEqual(hdr[5], rawrpc.OK)
        self.assertEqual(struct.unpack(">Q", body)[0], 9000000)
        fresh = RawClient(self.host.sock)
        hdr, _ = rawrpc.open_conn(fresh)
        self.assertEqual(hdr[5], rawrpc.OK)
        fresh.close()

    def client(self):
        return RawClient(self.host.sock)

    def expect_error(self, hdr, body, code, domain, msg_part):
        self.assertEqual(hdr[3], rawrpc.REPLY)
        self.assertEqual(hdr[5], rawrpc.ERROR)
        err = parse_error(body)
        self.assertEqual((err[0], err[1]), (code, domain), err)
        self.assertIn(msg_part, err[2])
        self.assertEqual(err[3], 2)
        return err

    def test_garbage_bytes(self):
        c = self.client()
        c.send(os.urandom(8) + b"\xff" * 4096)
        self.assertTrue(c.is_closed())

    def test_length_100mib(self):
        c = self.client()
        c.send(struct.pack(">I", 100 * 1024 * 1024) + b"\0" * 24)
        self.assertTrue(c.is_closed())
        self.assertIn("too large", self.host.read_log())

    def test_length_too_small(self):
        c = self.client()
        c.send(struct.pack(">I", 8) + b"\0" * 4)
        self.assertTrue(c.is_closed())

    def test_truncated_header(self):
        c = self.client()
        c.send(struct.pack(">I", 28) + b"\x20\x00\x80\x86\0\0")
        c.s.shutdown(socket.SHUT_WR)
        self.assertTrue(c.is_closed())

    def test_wrong_program(self):
        c = self.client()
        hdr, body = c.call(7, prog=0x12345678)
        self.assertEqual((hdr[0], hdr[2], hdr[4]), (0x12345678, 7, 0))
        self.expect_error(hdr, body, 39, 7, "Cannot find program 305419896 version 1")
        c.close()

    def test_wrong_version(self):
        c = self.client()
        hdr, body = c.call(rawrpc.PROC_AUTH_LIST, vers=2)
        self.expect_error(hdr, body, 39, 7, "Cannot find program")
        c.close()

    def test_unknown_procedure(self):
        c = self.client()
        rawrpc.open_conn(c)
        hdr, body = c.call(9999)
        err = self.expect_error(hdr, body, 39, 7, "unknown procedure: 9999")
        self.assertEqual(err[2], "unknown procedure: 9999")
        hdr, body = c.call(8, prog=0x20008087)   # qemu program
        self.assertEqual(hdr[0], 0x20008087)
        self.expect_error(hdr, body, 39, 7, "unknown procedure: 8")
        # one of libvirt's QEMU procedures this daemon does not serve
        hdr, body = c.call(7, prog=0x20008087)
        self.expect_error(hdr, body, 3, 7, "this function is not supported "
                          "by the connection driver: "
                          "virDomainQemuMonitorCommandWithFiles")
        c.close()

    def test_call_before_open(self):
        c = self.client()
        hdr, body = c.call(rawrpc.PROC_CONNECT_GET_TYPE)
        self.expect_error(hdr, body, 1, 7, "hypervisor connection not open")
        c.close()

    def test_second_open(self):
        c = self.client()
        hdr, _ = rawrpc.open_conn(c)
        self.assertEqual(hdr[5], rawrpc.OK)
        hdr, body = c.call(rawrpc.PROC_CONNECT_OPEN,
                           rawrpc.xdr_opt_string("qemu:///system") + b"\0\0\0\0")
        self.expect_error(hdr, body, 1, 7, "connection already open")
        c.close()

    def test_open_unknown_uri(self):
        c = self.client()
        hdr, body = c.call(rawrpc.PROC_CONNECT_OPEN,
                           rawrpc.xdr_opt_string("xen:///system") + b"\0\0\0\0")
        self.expect_error(hdr, body, 5, 7, "no connection driver available for xen:///system")
        c.close()

    def test_bad_payload(self):
        c = self.client()
        rawrpc.open_conn(c)
        # SUPPORTS_FEATURE wants an int; give it nothing
        hdr, body = c.call(rawrpc.PROC_CONNECT_SUPPORTS_FEATURE, b"")
        self.expect_error(hdr, body, 39, 7, "Unable to decode message payload")
        # a string length beyond the packet
        hdr, body = c.call(rawrpc.PROC_CONNECT_OPEN, struct.pack(">II", 1, 0x7fffffff))
        self.expect_error(hdr, body, 39, 7, "Unable to decode")
        c.close()

    def test_silent_client(self):
        """A client that connects and sends nothing is dropped once the
        open timeout passes, and blocks no one meanwhile."""
        c = self.client()
        start = time.time()
        self.assertTrue(c.is_closed(timeout=10))
        self.assertGreaterEqual(time.time() - start, 2.5)

    def test_half_packet_then_silence(self):
        c = self.client()
        c.send(packet(rawrpc.REMOTE_PROGRAM, rawrpc.PROC_AUTH_LIST, 0)[:10])
        self.assertTrue(c.is_closed(timeout=10))


if __name__ == "__main__":
    harness.require()
    harness.main()
