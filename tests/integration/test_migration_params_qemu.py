"""The golden migrate-set-capabilities / migrate-set-parameters arguments of
tests/qemumigrationparamsdata, sent to a real qemu-system-x86_64.

The unit test (qemumigrationparamstest) checks them against QEMU 7.2's QMP
schema; this one checks that QEMU accepts them, including its own rules
between capabilities and its value ranges: every source case on a paused
QEMU, every destination case (*-dst-*) on one started with -incoming
defer, each followed by the reset arguments.  Exits 77 without QEMU.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "qemumigrationparamsdata")


class Qmp:
    """A QEMU with its QMP monitor on stdio."""

    def __init__(self, extra):
        self.proc = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "pc-i440fx-7.2,accel=tcg",
             "-m", "64", "-nodefaults", "-display", "none", "-S",
             "-qmp", "stdio"] + extra,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._read()
        self.command("qmp_capabilities")

    def _read(self):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("QEMU exited")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def command(self, name, args=None):
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.command("quit")
        self.proc.wait(timeout=10)


def load(path):
    with open(path) as f:
        return json.load(f)


def main():
    if not shutil.which("qemu-system-x86_64"):
        print("SKIP: qemu-system-x86_64 is not installed")
        return 77
    reset = [("migrate-set-capabilities", load(os.path.join(DATA, "reset-caps.json"))),
             ("migrate-set-parameters", load(os.path.join(DATA, "reset-params.json")))]
    src = Qmp([])
    dst = Qmp(["-incoming", "defer"])
    failures = 0
    cases = sorted(p[:-len("-caps.json")]
                   for p in glob.glob(os.path.join(DATA, "*-caps.json")))
    for case in cases:
        name = os.path.basename(case)
        if name == "reset":
            continue
        qemu = dst if name.endswith("-dst") else src
        steps = [("migrate-set-capabilities", load(case + "-caps.json")),
                 ("migrate-set-parameters", load(case + "-params.json"))] + reset
        bad = 0
        for cmd, args in steps:
            reply = qemu.command(cmd, args)
            if "error" in reply:
                print("FAIL: %s: %s: %s" % (name, cmd, reply["error"]["desc"]))
                bad += 1
        print("%s: %s" % ("FAIL" if bad else "ok", name))
        failures += bad
    for qemu in (src, dst):
        # what reset leaves behind is what QEMU started with
        params = qemu.command("query-migrate-parameters")["return"]
        for key, value in reset[1][1].items():
            if params.get(key) != value:
                print("FAIL: after reset %s is %r, not %r" % (key, params.get(key), value))
                failures += 1
        qemu.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
