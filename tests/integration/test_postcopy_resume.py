"""Recovering a broken post-copy migration (issue 10): stock ``virsh
migrate --postcopy --postcopy-resume`` with real QEMU, the link between
the two hosts cut in network namespaces (tests/integration/faultlib.py).

The test guest (tests/guest) rewrites 32 MiB at 16 MiB/s, so the
migration only ends through post-copy, which runs at 4 MiB/s: the link is
cut while the destination runs the guest with pages still at the source.
Then:

- virsh's migration fails within seconds (it does not hang: a
  destination whose QEMU never sees the cut learns it from its source);
- both sides keep their half, libvirt's way: the source ``paused
  (post-copy failed)``, the destination ``running (post-copy failed)``,
  both jobs active; neither QEMU is killed or resumed;
- both daemons are killed -9 and started again: the halves and their
  jobs are still there, in the same states;
- with the link back, ``--postcopy-resume`` over new connections
  succeeds: the guest runs on the destination alone (``running
  (migrated)``), the source's QEMU is gone, the serial log shows one boot
  with no repeated or corrupt record, heartbeats go on;
- back the other way, ``virsh domjobabort --postcopy`` pauses a healthy
  post-copy migration on purpose, and ``--postcopy-resume`` completes it;
- a pause the destination cannot see (the link down, the source's QEMU
  paused): the destination learns it from its source's daemon and pauses
  its own end, virsh fails, and the recovery works again;
- the recovery's own errors are libvirt's (no failed migration, a
  migration that has not failed, ``--postcopy`` missing), and they change
  nothing.

At no sampled instant (every 50 ms, faultlib.Sampler) do two QEMUs of
the guest run their vCPUs.  Needs root for the namespaces (77 without).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import harness  # noqa: I100 (sets up the path of guestlog)
import faultlib
import guestlog
from faultlib import NetnsHost, NetPair, domstate
from harness import virsh, wait_for

DIRTY = "hb_ms=50 wss_mib=32 rate_mib_s=16"
NAME = "pcresume"


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    print("ok: " + what, flush=True)


def has_job(host):
    """Whether @host has a job for the guest (domjobinfo refuses an
    incoming one, as libvirt does, with its own message)."""
    res = virsh(host.uri, "domjobinfo", NAME, check=False, timeout=20)
    if res.returncode != 0:
        return "available only on the source host" in res.stderr
    return "Job type:" in res.stdout and "None" not in res.stdout.split("Job type:")[1].split("\n")[0]


def read_log(host):
    try:
        with open(os.path.join(host.root, "log", "virtmigd.log")) as f:
            return f.read()
    except OSError:
        return ""


def resume(src, dst):
    return virsh(src.uri, "migrate", "--live", "--postcopy", "--postcopy-resume",
                 NAME, dst.uri, check=False, timeout=90)


def resume_without_postcopy(src, dst):
    """VIR_MIGRATE_POSTCOPY_RESUME alone (virsh insists on --postcopy
    itself): (error code, message)."""
    import libvirt
    sconn, dconn = libvirt.open(src.uri), libvirt.open(dst.uri)
    try:
        sconn.lookupByName(NAME).migrate3(dconn, {}, libvirt.VIR_MIGRATE_LIVE |
                                          libvirt.VIR_MIGRATE_POSTCOPY_RESUME)
        return None, "accepted"
    except libvirt.libvirtError as e:
        return e.get_error_code(), str(e)
    finally:
        sconn.close()
        dconn.close()


def start_postcopy(src, dst):
    """virsh migrate in post-copy, returned once the destination runs the
    guest with pages still at the source."""
    proc = subprocess.Popen([harness.VIRSH, "-q", "-c", src.uri, "migrate", "--live",
                             "--postcopy", "--bandwidth", "2",
                             "--postcopy-bandwidth", "4", NAME, dst.uri],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: domstate(dst, NAME) == "paused (migrating)" and
             "Data processed" in virsh(src.uri, "domjobinfo", NAME, check=False).stdout,
             timeout=30, what="the transfer")
    time.sleep(0.3)
    virsh(src.uri, "migrate-postcopy", NAME)
    wait_for(lambda: domstate(dst, NAME) == "running (post-copy)", timeout=20,
             what="post-copy on the destination")
    return proc


def expect_failed(a, b, when):
    wait_for(lambda: domstate(a, NAME) == "paused (post-copy failed)" and
             domstate(b, NAME) == "running (post-copy failed)", timeout=30,
             what="both sides post-copy failed " + when)
    check(has_job(a) and has_job(b), "both halves and their jobs kept " + when)
    check(len(harness.qemu_pids_under(a.root)) == 1 and
          len(harness.qemu_pids_under(b.root)) == 1, "one QEMU on each host " + when)


def scenario(net, a, b, log):
    res = resume(a, b)
    check(res.returncode != 0 and "is not being migrated" in res.stderr,
          "--postcopy-resume without a migration refused: " + res.stderr.strip())

    proc = start_postcopy(a, b)
    res = resume(a, b)
    check(res.returncode != 0 and "has not failed" in res.stderr,
          "--postcopy-resume of a healthy post-copy refused: " + res.stderr.strip())
    check(domstate(b, NAME) == "running (post-copy)", "which goes on")

    net.cut()
    t0 = time.time()
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise Failed("virsh migrate still runs 60 s after the link was cut")
    check(proc.returncode != 0, "virsh migrate failed %.1f s after the cut: %s" %
          (time.time() - t0, err.strip().splitlines()[-1]))
    expect_failed(a, b, "after the cut")

    import libvirt
    code, msg = resume_without_postcopy(a, b)
    check(code == libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED and
          "requires post-copy to be enabled" in msg,
          "POSTCOPY_RESUME without POSTCOPY refused: " + msg)

    res = resume(a, a)
    check(res.returncode != 0, "a recovery whose Prepare fails (to the source "
          "itself) fails: " + res.stderr.strip())
    expect_failed(a, b, "after the failed recovery (Confirm put the job back)")

    for h in (a, b):
        h.kill9()
    time.sleep(0.5)
    for h in (a, b):
        h.start()
    expect_failed(a, b, "after both daemons restarted")

    net.restore()
    nlog = len(guestlog.parse_log(log))
    t0 = time.time()
    res = resume(a, b)
    check(res.returncode == 0, "--postcopy-resume succeeded in %.1f s %s" %
          (time.time() - t0, res.stderr.strip()))
    check(domstate(b, NAME) == "running (migrated)", "the guest runs on the destination")
    wait_for(lambda: not harness.qemu_pids_under(a.root), timeout=10,
             what="the source's QEMU to go")
    check(domstate(a, NAME) in (None, "shut off (migrated)"),
          "the source's copy is gone: %s" % domstate(a, NAME))
    check(not has_job(a) and not has_job(b), "no job left")
    guestlog.wait_for_lines(log, nlog + 20, timeout=20)
    problems = faultlib.log_problems(guestlog.parse_log(log))
    check(not problems, "one boot, no repeated or corrupt record %s" % problems)

    # back from B to A, paused on purpose: domjobabort --postcopy
    proc = start_postcopy(b, a)
    virsh(b.uri, "domjobabort", "--postcopy", NAME)
    _, err = proc.communicate(timeout=60)
    check(proc.returncode != 0, "domjobabort --postcopy fails the migration: " +
          err.strip().splitlines()[-1])
    expect_failed(b, a, "after domjobabort --postcopy")
    nlog = len(guestlog.parse_log(log))
    res = resume(b, a)
    check(res.returncode == 0 and domstate(a, NAME) == "running (migrated)" and
          not harness.qemu_pids_under(b.root),
          "--postcopy-resume brings it to A: %s" % res.stderr.strip())
    guestlog.wait_for_lines(log, nlog + 20, timeout=20)
    problems = faultlib.log_problems(guestlog.parse_log(log))
    check(not problems, "still one boot, no repeated or corrupt record %s" % problems)

    # a dead link the destination cannot see: the source's QEMU gives the
    # channel up (paused on purpose while the link is down), the
    # destination's has nothing in flight yet and learns it from its
    # source's daemon (asked every 2 s), well before any TCP timeout
    proc = start_postcopy(a, b)
    net.cut()
    virsh(a.uri, "domjobabort", "--postcopy", NAME)
    t0 = time.time()
    _, err = proc.communicate(timeout=60)
    watched = "reports its post-copy migration failed" in read_log(b)
    check(proc.returncode != 0 and watched,
          "the destination paused its end on its source's word, virsh failed %.1f s "
          "after the pause: %s" % (time.time() - t0, err.strip().splitlines()[-1]))
    expect_failed(a, b, "after a pause the destination could not see")
    net.restore()
    res = resume(a, b)
    check(res.returncode == 0 and domstate(b, NAME) == "running (migrated)" and
          not harness.qemu_pids_under(a.root),
          "--postcopy-resume brings it to B: %s" % res.stderr.strip())

    virsh(b.uri, "destroy", NAME)
    virsh(b.uri, "undefine", NAME, check=False)
    virsh(a.uri, "undefine", NAME)
    check(not harness.qemu_pids_under(b.root), "destroy and undefine work after it")


def main():
    harness.require("virsh", "libvirt")
    harness.require_guest()
    why = faultlib.netns_usable()
    if why:
        print("SKIP: " + why)
        return 77
    tmp = tempfile.mkdtemp(prefix="virtmig-pcresume-")
    net = NetPair("pr").create()
    hosts = []
    sampler = None
    try:
        for i, tag in enumerate("AB"):
            hosts.append(NetnsHost("pcr" + tag, net.ns[i], net.addr[i],
                                   faultlib.MIGRATION_PORT_MIN).start())
        a, b = hosts
        log = os.path.join(tmp, "serial.log")
        xml = harness.write_file(os.path.join(tmp, "g.xml"),
                                 harness.guest_xml(NAME, log, memory_mib=64,
                                                   cmdline=DIRTY))
        virsh(a.uri, "define", xml)
        virsh(a.uri, "start", NAME)
        guestlog.wait_for_lines(log, 3, timeout=10)
        sampler = faultlib.Sampler(NAME, hosts)
        sampler.start()
        scenario(net, a, b, log)
        sampler.stop()
        v = sampler.verdict()
        check(not v["two_runners"] and v["samples"] > 100,
              "never two QEMUs running (%d samples, longest overlap %d)" %
              (v["samples"], v["overlap_proc"]))
        return 0
    except Failed as e:
        print("FAIL: " + str(e))
        return 1
    finally:
        if sampler:
            sampler.stop()
        for h in hosts:
            h.sigcont()
            for pid in harness.qemu_pids_under(h.root):
                os.kill(pid, signal.SIGKILL)
            h.cleanup()
        net.destroy()
        guestlog.unfollow(os.path.join(tmp, "serial.log"))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
