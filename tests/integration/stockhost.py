"""Stock libvirtd 9.0 as a test host, beside virtmigd hosts.

One StockHost is one Debian libvirtd (packages libvirt-daemon and
libvirt-daemon-driver-qemu) in its own mount, UTS and PID namespace:

- its own host name and host_uuid, so two hosts on one machine are two
  hosts for libvirt's same-host checks and the migration URI it hands out;
- per-host directories bind-mounted over /run/libvirt, /var/lib/libvirt,
  /etc/libvirt, /var/log/libvirt and /var/cache/libvirt, and per-host
  copies of /etc/passwd and /etc/group (with the libvirt-qemu user Debian's
  QEMU driver looks up at start-up even when it runs QEMU as root),
  /etc/hosts and /etc/resolv.conf;
- virtlogd started by hand (a privileged libvirtd does not spawn it);
- qemu.conf: QEMU as root, no security driver, no cgroup controllers (the
  hosts share one cgroupfs), migration_address/migration_host and VNC on
  the host's own loopback address (127.0.0.x);
- the read-write UNIX socket reachable from the root namespace:
  ``qemu+unix:///system?socket=<root>/run/libvirt-sock``.

PID 1 of the namespace is this file run with ``--init``: it mounts, starts
virtlogd and libvirtd and reaps every orphan at once (libvirtd daemonizes
QEMU; a slow reaper makes destroy and migration look slower than they are).
Stopping the host stops libvirtd with SIGTERM; when PID 1 exits the kernel
kills whatever is left in the namespace (QEMUs, virtlogd) and the mounts go
with the namespace, so nothing leaks.

Facts: /work/shared/reference/stock-libvirtd-hosts.md.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import harness

LIBVIRTD = "/usr/sbin/libvirtd"
VIRTLOGD = "/usr/sbin/virtlogd"
QEMU_DRIVER = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"
LIBVIRT_QEMU_UID = 64055

# Per-host directory (under the host root) -> where it is mounted inside.
BIND_DIRS = (
    ("run", "/run/libvirt"),
    ("lib", "/var/lib/libvirt"),
    ("etc", "/etc/libvirt"),
    ("log", "/var/log/libvirt"),
    ("cache", "/var/cache/libvirt"),
)
BIND_FILES = ("passwd", "group", "hosts", "resolv.conf")


def unavailable_reason():
    """Why stock libvirtd hosts cannot run here, or None."""
    if os.geteuid() != 0:
        return "stock libvirtd hosts need root (namespaces, bind mounts)"
    for path, what in ((LIBVIRTD, "libvirt-daemon"),
                       (VIRTLOGD, "libvirt-daemon"),
                       (QEMU_DRIVER, "libvirt-daemon-driver-qemu")):
        if not os.path.exists(path):
            return "stock %s is missing (package %s)" % (path, what)
    for tool in ("unshare", "mount", "hostname", "qemu-system-x86_64"):
        if not shutil.which(tool):
            return "%s is not installed" % tool
    return None


def require_stock():
    """Exit 77 with the reason when stock libvirtd hosts cannot run."""
    reason = unavailable_reason()
    if reason:
        print("SKIP: " + reason)
        sys.exit(77)


def started(name, addr, **kwargs):
    """A started StockHost(@name, @addr, **kwargs), for a test class's
    setUpClass; unittest.SkipTest saying why when stock libvirtd hosts
    cannot run here."""
    reason = unavailable_reason()
    if reason:
        raise unittest.SkipTest(reason)
    host = StockHost(name, addr, **kwargs)
    host.start()
    return host


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return min(s.getsockname()[1], 65500)


def _conf_value(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[ %s ]" % ", ".join(_conf_value(x) for x in v)
    return '"%s"' % v


def _write_conf(path, conf):
    with open(path, "w") as f:
        for k, v in conf.items():
            f.write("%s = %s\n" % (k, _conf_value(v)))


class StockStartError(RuntimeError):
    """The stock host did not come up; the message says why."""


class StockHost:
    """One stock libvirtd host in its own namespaces, under a temp root.

    @addr is the host's loopback address (127.0.0.x): its migration
    listen address and the address its Prepare hands out.  @peers maps
    other host names to addresses for its /etc/hosts.  @qemu_conf and
    @libvirtd_conf add to or override the generated settings (a qemu.conf
    value None leaves stock's default).  A host can be stopped and
    started again on the same root (its QEMU capabilities cache stays).
    """

    def __init__(self, name, addr, peers=None, qemu_conf=None,
                 libvirtd_conf=None, root=None, migration_ports=None,
                 extra_binds=()):
        self.name = name
        # (directory under the root, where it is mounted inside): e.g. the
        # host's own image directory on a path every host of a test uses
        self.extra_binds = tuple(extra_binds)
        self.addr = addr
        self.peers = dict(peers or {})
        self.root = root or tempfile.mkdtemp(prefix="virtmig-stock-%s-" % name)
        self.host_uuid = str(uuid.uuid4())
        self.proc = None
        self.tcp_port = None
        if migration_ports is None:
            # libvirt's port allocator skips ports it cannot bind itself.
            base = _free_port()
            migration_ports = (base, base + 15)
        display = harness.display_ports()
        self.qemu_conf = {
            "user": "root",
            "group": "root",
            "dynamic_ownership": 0,
            "remember_owner": 0,
            "security_driver": "none",
            "cgroup_controllers": [],
            "migration_address": addr,
            "migration_host": addr,
            "migration_port_min": migration_ports[0],
            "migration_port_max": migration_ports[1],
            "remote_display_port_min": display[0],
            "remote_display_port_max": display[1],
            "vnc_listen": addr,
            "spice_listen": addr,
        }
        self.qemu_conf.update(qemu_conf or {})
        # None drops a setting: stock's built-in default applies.
        self.qemu_conf = {k: v for k, v in self.qemu_conf.items() if v is not None}
        self.libvirtd_conf = {
            "host_uuid": self.host_uuid,
            "auth_unix_rw": "none",
            "auth_unix_ro": "none",
            "unix_sock_rw_perms": "0777",
            "log_outputs": "3:file:/var/log/libvirt/libvirtd.log",
        }
        self.libvirtd_conf.update(libvirtd_conf or {})

    # ---- paths and URIs

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    @property
    def sock(self):
        return self.path("run", "libvirt-sock")

    @property
    def uri(self):
        return "qemu+unix:///system?socket=" + self.sock

    @property
    def tcp_uri(self):
        return "qemu+tcp://%s:%d/system" % (self.addr, self.tcp_port)

    @property
    def log(self):
        return self.path("log", "libvirtd.log")

    def qemu_log(self, domain):
        return self.path("log", "qemu", domain + ".log")

    def enable_tcp(self, port):
        """Listen on @addr:@port too, without authentication (tests only)."""
        self.tcp_port = port
        self.libvirtd_conf.update(listen_tcp=1, listen_tls=0, tcp_port=str(port),
                                  listen_addr=self.addr, auth_tcp="none")

    # ---- set-up

    def _write_identity_files(self):
        with open("/etc/passwd") as f:
            passwd = f.read()
        with open("/etc/group") as f:
            group = f.read()
        if not any(l.startswith("libvirt-qemu:") for l in passwd.splitlines()):
            passwd += ("libvirt-qemu:x:%d:%d::/var/lib/libvirt:/usr/sbin/nologin\n"
                       % (LIBVIRT_QEMU_UID, LIBVIRT_QEMU_UID))
        if not any(l.startswith("libvirt-qemu:") for l in group.splitlines()):
            group += "libvirt-qemu:x:%d:\n" % LIBVIRT_QEMU_UID
        hosts = "127.0.0.1 localhost\n%s %s\n" % (self.addr, self.name)
        hosts += "".join("%s %s\n" % (a, n) for n, a in self.peers.items())
        try:
            with open("/etc/resolv.conf") as f:
                resolv = f.read()
        except OSError:
            resolv = ""
        for fname, text in (("passwd", passwd), ("group", group),
                            ("hosts", hosts), ("resolv.conf", resolv)):
            with open(self.path("files", fname), "w") as f:
                f.write(text)

    def _write_files(self):
        for d, _ in BIND_DIRS + self.extra_binds:
            os.makedirs(self.path(d), exist_ok=True)
        os.makedirs(self.path("files"), exist_ok=True)
        os.makedirs(self.path("log", "qemu"), exist_ok=True)
        self._write_identity_files()
        _write_conf(self.path("etc", "qemu.conf"), self.qemu_conf)
        _write_conf(self.path("etc", "libvirtd.conf"), self.libvirtd_conf)
        _write_conf(self.path("etc", "virtlogd.conf"),
                    {"log_outputs": "3:file:/var/log/libvirt/virtlogd.log"})
        init = {
            "hostname": self.name,
            "binds": [(self.path(d), m) for d, m in BIND_DIRS + self.extra_binds] +
                     [(self.path("files", f), "/etc/" + f) for f in BIND_FILES],
            "tcp": self.tcp_port is not None,
            "stderr": self.path("libvirtd.stderr"),
        }
        with open(self.path("init.json"), "w") as f:
            json.dump(init, f)

    def start(self, timeout=30):
        """Start the host and wait until its QEMU driver answers."""
        self._write_files()
        self.console = open(self.path("init.log"), "ab")
        cmd = ["unshare", "--mount", "--uts", "--pid", "--fork",
               "--mount-proc", "--propagation", "private", "--kill-child",
               "--", sys.executable, os.path.abspath(__file__), "--init",
               self.path("init.json")]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.console, stderr=self.console,
                                     start_new_session=True)
        try:
            self.wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout):
        deadline = time.time() + timeout
        virsh = shutil.which("virsh")
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise StockStartError("stock libvirtd %s exited (%d): %s" %
                                      (self.name, self.proc.returncode,
                                       self.startup_output()))
            if os.path.exists(self.sock):
                res = subprocess.run([virsh, "-q", "-c", self.uri, "uri"],
                                     capture_output=True, text=True, timeout=30)
                if res.returncode == 0:
                    return
            time.sleep(0.05)
        raise StockStartError("stock libvirtd %s not ready after %ss: %s" %
                              (self.name, timeout, self.startup_output()))

    def startup_output(self):
        out = []
        for p in (self.path("init.log"), self.path("libvirtd.stderr"), self.log):
            try:
                with open(p, errors="replace") as f:
                    out.append(f.read()[-3000:])
            except OSError:
                pass
        return "\n".join(o for o in out if o.strip())

    # ---- run time

    def init_pid(self):
        """PID (in the root namespace) of the namespace's PID 1, or None."""
        if not self.proc or self.proc.poll() is not None:
            return None
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid,
                                                    self.proc.pid)) as f:
                kids = f.read().split()
        except OSError:
            return None
        return int(kids[0]) if kids else None

    def namespace_pids(self):
        """Root-namespace PIDs of every process in the host's PID namespace."""
        init = self.init_pid()
        if not init:
            return []
        try:
            ns = os.readlink("/proc/%d/ns/pid" % init)
        except OSError:
            return []
        pids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if os.readlink("/proc/%s/ns/pid" % d) == ns:
                        pids.append(int(d))
                except OSError:
                    pass
        return pids

    def qemu_pid(self, domain):
        """Root-namespace PID of @domain's QEMU on this host, or None."""
        for pid in self.namespace_pids():
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if argv and b"qemu-system-" in os.path.basename(argv[0]) and \
                    ("guest=%s," % domain).encode() in b" ".join(argv):
                return pid
        return None

    def stop(self, timeout=20):
        """Stop libvirtd gracefully, then everything in the namespace."""
        if getattr(self, "console", None):
            self.console.close()
            self.console = None
        if not self.proc or self.proc.poll() is not None:
            return
        init = self.init_pid()
        if init:
            try:
                os.kill(init, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()        # --kill-child takes PID 1 along
            self.proc.wait()

    def cleanup(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def make_pair(names=("stockA", "stockB"), addrs=("127.0.0.2", "127.0.0.3"),
              **kw):
    """Two stock hosts that know each other's names; started."""
    peers = dict(zip(names, addrs))
    hosts = []
    try:
        for n, a in peers.items():
            hosts.append(StockHost(n, a, peers=peers, **kw).start())
    except Exception:
        for h in hosts:
            h.cleanup()
        raise
    return hosts


# ---- PID 1 of a host's namespace

def _run(*argv):
    subprocess.run(argv, check=True)


def _init_setup(cfg):
    _run("mount", "--make-rprivate", "/")
    _run("hostname", cfg["hostname"])
    for src, dst in cfg["binds"]:
        if os.path.isdir(src):
            os.makedirs(dst, exist_ok=True)
        _run("mount", "--bind", src, dst)
    os.makedirs("/run/libvirt/qemu", exist_ok=True)


def _init_main(cfg_path):
    with open(cfg_path) as f:
        cfg = json.load(f)
    _init_setup(cfg)
    stopping = []

    def on_term(signum, frame):
        stopping.append(signum)
        if daemon:
            try:
                os.kill(daemon.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    daemon = None
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    _run(VIRTLOGD, "-d", "-f", "/etc/libvirt/virtlogd.conf",
         "-p", "/run/libvirt/virtlogd.pid")
    err = open(cfg["stderr"], "ab")
    argv = [LIBVIRTD, "-f", "/etc/libvirt/libvirtd.conf",
            "-p", "/run/libvirt/libvirtd.pid"] + (["--listen"] if cfg["tcp"] else [])
    daemon = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err,
                              stderr=err)
    if stopping:
        daemon.send_signal(signal.SIGTERM)
    status = 0
    while True:
        try:
            pid, st = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == daemon.pid:
            status = os.waitstatus_to_exitcode(st)
            daemon.returncode = status
            break
    # PID 1 exits: the kernel kills the rest of the namespace.
    print("libvirtd exited with %d%s" % (status, " (stopped)" if stopping else ""),
          flush=True)
    return 0 if stopping else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--init":
        sys.exit(_init_main(sys.argv[2]))
    print("usage: %s --init CONFIG.json (PID 1 of a stock host)" % sys.argv[0])
    sys.exit(2)
