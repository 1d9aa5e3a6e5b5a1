"""A private OpenSSH server for the qemu+ssh:// tests.

Sshd runs as root on 127.0.0.1 with a free port, its own host key and
authorized_keys in a temporary directory, and lets root in with a key
only.  It runs in a mount namespace of its own whose /run is an empty
tmpfs: there it finds its privilege separation directory without one
being made on the machine, and /run/libvirt/libvirt-sock (and -ro) lead
to the socket of a virtmigd host chosen by the test, as on a machine where
virtmigd runs with libvirt_drop_in = 1.  So the commands that ssh runs for
a client (nc, virt-ssh-helper) see that host as the machine's daemon, and
nothing of the machine's own /run, /root/.ssh or /etc/ssh is read or
changed.

Clients use ssh through `self.ssh`, a wrapper that runs ssh with a config
of the directory (its known_hosts holds the server's key, no other key or
file of the user's is used); the key is given in the URI (?keyfile=).
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse

import harness

SSHD = "/usr/sbin/sshd"


def missing():
    """Why the ssh tests cannot run here, or None."""
    for tool in (SSHD, shutil.which("ssh"), shutil.which("ssh-keygen"),
                 shutil.which("unshare"), shutil.which("nc")):
        if not tool or not os.path.exists(tool):
            return ("openssh-server, openssh-client, netcat-openbsd and "
                    "util-linux are needed (scripts/deps.sh installs them)")
    if os.geteuid() != 0:
        return "sshd must run as root to let root in"
    return None


def _keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path],
                   check=True)
    with open(path + ".pub") as f:
        return f.read().split()[:2]


class SSHServer:
    def __init__(self, tmp, drop_in_host=None):
        self.dir = os.path.join(tmp, "ssh")
        os.makedirs(self.dir, mode=0o700)
        self.port = harness.free_port()
        self.key = os.path.join(self.dir, "id_client")
        self.bad_key = os.path.join(self.dir, "id_stranger")
        host_key = os.path.join(self.dir, "host_key")
        kind, pub = _keygen(host_key)
        client = _keygen(self.key)
        _keygen(self.bad_key)
        self.log = os.path.join(self.dir, "sshd.log")
        harness.write_file(os.path.join(self.dir, "authorized_keys"),
                           " ".join(client) + "\n")
        harness.write_file(os.path.join(self.dir, "known_hosts"),
                           "[127.0.0.1]:%d %s %s\n" % (self.port, kind, pub))
        self.config = harness.write_file(os.path.join(self.dir, "sshd_config"), "\n".join([
            "Port %d" % self.port,
            "ListenAddress 127.0.0.1",
            "HostKey " + host_key,
            "PidFile none",
            "AuthorizedKeysFile " + os.path.join(self.dir, "authorized_keys"),
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "LogLevel VERBOSE",
            "MaxStartups 50",
            "MaxSessions 50",
            ""]))
        client_config = harness.write_file(os.path.join(self.dir, "ssh_config"), "\n".join([
            "Host *",
            "  UserKnownHostsFile " + os.path.join(self.dir, "known_hosts"),
            "  GlobalKnownHostsFile /dev/null",
            "  StrictHostKeyChecking yes",
            "  IdentitiesOnly yes",
            "  BatchMode yes",
            "  ConnectTimeout 10",
            ""]))
        self.ssh = os.path.join(self.dir, "ssh")
        harness.write_file(self.ssh, '#!/bin/sh\nexec ssh -F %s "$@"\n' %
                           client_config)
        os.chmod(self.ssh, 0o755)
        self.drop_in_host = drop_in_host
        self.proc = None

    def start(self):
        """Starts sshd and waits until it accepts connections."""
        sock = self.drop_in_host.sock if self.drop_in_host else "/nonexistent"
        sock_ro = self.drop_in_host.sock_ro if self.drop_in_host else "/nonexistent"
        script = ('mount -t tmpfs -o mode=0755 tmpfs /run && '
                  'mkdir -p /run/sshd /run/libvirt && '
                  'ln -s "$1" /run/libvirt/libvirt-sock && '
                  'ln -s "$2" /run/libvirt/libvirt-sock-ro && '
                  'exec "$3" -D -e -f "$4"')
        self.stderr = open(self.log, "ab")
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "--",
             "sh", "-c", script, "sh", sock, sock_ro, SSHD, self.config],
            stdout=self.stderr, stderr=self.stderr)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sshd exited: %s" % self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd does not listen: %s" % self.read_log())

    def read_log(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.stderr.close()

    def uri(self, host=None, key=None, port=None, **params):
        """qemu+ssh://root@127.0.0.1:PORT/system reaching @host's socket
        (?socket=; none with host None: the remote side picks it), with
        our ssh (?command=), @key (?keyfile=, our client key by default)
        and no_tty=1, plus @params."""
        query = {}
        if host is not None:
            query["socket"] = host.sock
        query.update({"command": self.ssh, "keyfile": key or self.key,
                      "no_tty": "1"})
        query.update(params)
        return "qemu+ssh://root@127.0.0.1:%d/system?%s" % (
            port or self.port, urllib.parse.urlencode(query, safe="/"))


def children(pid):
    """(pid, comm, state) of the processes whose parent is @pid."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append((int(d), comm, fields[0]))
    return found
