"""Every migration step checks its flags and typed parameters first.

Stock clients only send what Begin accepted, so the later steps are fed
here on the raw wire: each *3_PARAMS procedure, given an unknown
parameter, a parameter of the wrong type, a repeated one or an unknown
flag, answers libvirt's error before it looks at the domain (the same
call with good parameters reaches the domain lookup instead), and the
daemon changes nothing."""

import struct
import unittest

import harness
import rawrpc
from harness import Host
from rawrpc import RawClient

PROC_BEGIN3_PARAMS = 302
PROC_PREPARE3_PARAMS = 303
PROC_PERFORM3_PARAMS = 305
PROC_FINISH3_PARAMS = 306
PROC_CONFIRM3_PARAMS = 307
PROC_CONNECT_LIST_ALL_DOMAINS = 273

VIR_ERR_INVALID_ARG = 8
VIR_ERR_NO_DOMAIN = 42
VIR_ERR_ARGUMENT_UNSUPPORTED = 74
VIR_FROM_NONE = 0

TP_INT, TP_UINT, TP_LLONG, TP_ULLONG, TP_DOUBLE, TP_BOOLEAN, TP_STRING = range(1, 8)
VIR_MIGRATE_LIVE = 1
UNKNOWN_FLAG = 1 << 30


def xdr_param(name, ptype, value):
    out = rawrpc.xdr_string(name) + struct.pack(">i", ptype)
    if ptype == TP_STRING:
        return out + rawrpc.xdr_string(value)
    if ptype == TP_ULLONG:
        return out + struct.pack(">Q", value)
    if ptype in (TP_INT, TP_BOOLEAN):
        return out + struct.pack(">i", value)
    raise ValueError(ptype)


def xdr_params(params):
    return struct.pack(">I", len(params)) + b"".join(
        xdr_param(*p) for p in params)


def xdr_dom(name):
    return rawrpc.xdr_string(name) + b"\x11" * 16 + struct.pack(">i", -1)


EMPTY_OPAQUE = struct.pack(">I", 0)


def args_for(proc, params, flags):
    """The XDR arguments of @proc with @params and @flags; a domain
    named 'nosuch' where the step takes one."""
    p = xdr_params(params)
    fl = struct.pack(">I", flags)
    if proc == PROC_BEGIN3_PARAMS:
        return xdr_dom("nosuch") + p + fl
    if proc == PROC_PREPARE3_PARAMS:
        return p + EMPTY_OPAQUE + fl
    if proc == PROC_PERFORM3_PARAMS:
        return xdr_dom("nosuch") + rawrpc.xdr_opt_string(None) + p + \
            EMPTY_OPAQUE + fl
    if proc == PROC_FINISH3_PARAMS:
        return p + EMPTY_OPAQUE + fl + struct.pack(">i", 1)
    if proc == PROC_CONFIRM3_PARAMS:
        return xdr_dom("nosuch") + p + EMPTY_OPAQUE + fl + struct.pack(">i", 1)
    raise ValueError(proc)


STEPS = {
    "begin3": PROC_BEGIN3_PARAMS,
    "prepare3": PROC_PREPARE3_PARAMS,
    "perform3": PROC_PERFORM3_PARAMS,
    "finish3": PROC_FINISH3_PARAMS,
    "confirm3": PROC_CONFIRM3_PARAMS,
}


class StepParams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host("hostStepParams").start()
        cls.c = RawClient(cls.host.sock)
        hdr, _ = rawrpc.open_conn(cls.c)
        assert hdr[5] == rawrpc.OK

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.host.cleanup()

    def tearDown(self):
        self.assertIsNone(self.host.proc.poll(), "daemon died")
        # nothing was created: the host still has no domain at all
        hdr, body = self.c.call(PROC_CONNECT_LIST_ALL_DOMAINS,
                                struct.pack(">iI", 1, 0))
        self.assertEqual(hdr[5], rawrpc.OK)
        self.assertEqual(struct.unpack(">I", body[:4])[0], 0, "domains appeared")

    def call_err(self, proc, params, flags=VIR_MIGRATE_LIVE):
        hdr, body = self.c.call(proc, args_for(proc, params, flags))
        self.assertEqual(hdr[5], rawrpc.ERROR, "step %d accepted %r" % (proc, params))
        return rawrpc.parse_error(body)

    def test_unknown_parameter(self):
        for step, proc in STEPS.items():
            with self.subTest(step=step):
                err = self.call_err(proc, [("no_such_param", TP_STRING, "x")])
                self.assertEqual(err[:2], (VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_FROM_NONE), err)
                self.assertIn("parameter 'no_such_param' not supported", err[2])

    def test_wrong_type(self):
        for step, proc in STEPS.items():
            with self.subTest(step=step):
                err = self.call_err(proc, [("bandwidth", TP_STRING, "fast")])
                self.assertEqual(err[0], VIR_ERR_INVALID_ARG, err)
                self.assertIn("bandwidth", err[2])

    def test_repeated_parameter(self):
        for step, proc in STEPS.items():
            with self.subTest(step=step):
                err = self.call_err(proc, [("bandwidth", TP_ULLONG, 1),
                                           ("bandwidth", TP_ULLONG, 2)])
                self.assertEqual(err[0], VIR_ERR_INVALID_ARG, err)
                self.assertIn("bandwidth", err[2])

    def test_unknown_flag(self):
        for step, proc in STEPS.items():
            with self.subTest(step=step):
                err = self.call_err(proc, [], VIR_MIGRATE_LIVE | UNKNOWN_FLAG)
                self.assertEqual(err[0], VIR_ERR_INVALID_ARG, err)
                self.assertIn("unsupported flags", err[2])

    def test_good_parameters_reach_the_domain(self):
        """The control: valid parameters pass the check and the steps that
        name a domain then fail on the missing domain."""
        good = [("bandwidth", TP_ULLONG, 10)]
        for step in ("begin3", "perform3", "confirm3"):
            with self.subTest(step=step):
                err = self.call_err(STEPS[step], good)
                self.assertEqual(err[0], VIR_ERR_NO_DOMAIN, err)


if __name__ == "__main__":
    harness.main()
