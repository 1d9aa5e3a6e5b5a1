"""go-libvirt (Debian's golang-github-digitalocean-go-libvirt-dev), an
independent implementation of the protocol, against virtmigd."""

import os
import shutil
import subprocess
import tempfile
import unittest

import harness
from harness import Host

GOPATH = "/usr/share/gocode"
HERE = os.path.dirname(os.path.abspath(__file__))


class GoLibvirt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="golibvirt-")
        src = os.path.join(cls.tmp, "src", "golibvirtcheck")
        os.makedirs(src)
        shutil.copy(os.path.join(HERE, "golibvirt", "main.go"), src)
        cls.binary = os.path.join(cls.tmp, "golibvirt-check")
        env = dict(os.environ, GOPATH="%s:%s" % (cls.tmp, GOPATH),
                   GO111MODULE="off", GOFLAGS="-mod=mod",
                   GOCACHE=os.path.join(cls.tmp, "cache"))
        env.pop("GOFLAGS")
        res = subprocess.run(["go", "build", "-o", cls.binary, "golibvirtcheck"],
                             env=env, capture_output=True, text=True, cwd=src)
        if res.returncode != 0:
            raise RuntimeError("go build failed: " + res.stderr)
        cls.host = Host("hostGo").start()

    @classmethod
    def tearDownClass(cls):
        cls.host.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_connect_and_calls(self):
        res = subprocess.run([self.binary, self.host.sock], capture_output=True,
                             text=True, timeout=60)
        print("\n" + res.stdout + res.stderr)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("libversion=9000000 domains=0 ret=0 hostname=hostGo "
                      "unsupported-error=true", res.stdout)


if __name__ == "__main__":
    harness.require("go")
    if not os.path.isdir(os.path.join(GOPATH, "src/github.com/digitalocean/go-libvirt")):
        print("SKIP: golang-github-digitalocean-go-libvirt-dev is not installed")
        raise SystemExit(77)
    harness.main()
