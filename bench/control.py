"""Control-plane figures: calls/s, daemon CPU per call, latencies, RSS.

Calls are made with python-libvirt (libvirt.so, as every binding), from
one connection and from 16 connections in 16 processes at once (one
python process is bounded by the client library long before the daemon
is).  The daemon's CPU time per call is the growth of its utime+stime
over the run divided by the calls it answered.
"""

import multiprocessing
import statistics
import time

import libvirt

import harness
from hosts import CLK_TCK, proc_cpu_ticks, proc_pss_kib, proc_rss_kib


def _call_loop(uri, what, seconds, domname, ready, go, out):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(domname) if what == "info" else None
    # One call before the clock starts: stock's first getVersion() after
    # start-up waits for its QEMU capabilities cache (seconds).
    if dom is not None:
        dom.info()
    else:
        conn.getVersion()
    ready.put(1)
    go.wait()
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(20):
            if dom is not None:
                dom.info()
            else:
                conn.getVersion()
        n += 20
    out.put(n)
    conn.close()


def calls_per_s(host, what, clients, seconds, domname):
    """(calls/s over all clients, daemon CPU µs per call), counted from
    the moment every client is connected until every loop ended."""
    ctx = multiprocessing.get_context("fork")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_call_loop,
                         args=(host.uri, what, seconds, domname, ready, go, out))
             for _ in range(clients)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=60)
    pid = host.daemon_pid()
    ticks0 = proc_cpu_ticks(pid)
    t0 = time.monotonic()
    go.set()
    total = sum(out.get(timeout=seconds + 60) for _ in procs)
    took = time.monotonic() - t0
    cpu_s = (proc_cpu_ticks(pid) - ticks0) / CLK_TCK
    for p in procs:
        p.join()
    return total / took, cpu_s / max(total, 1) * 1e6


def timed(fn, *args):
    t0 = time.monotonic()
    fn(*args)
    return time.monotonic() - t0


def list_latency(host, repeat):
    return statistics.median(
        timed(harness.virsh, host.uri, "list", "--all") for _ in range(repeat))


def inactive_xml(name, kernel):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
  </os>
  <devices>
    <controller type='usb' model='none'/>
    <video>
      <model type='none'/>
    </video>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, kernel)


def define_many(host, n, tmp):
    """Defines @n inactive domains; returns the median define latency."""
    conn = libvirt.open(host.uri)
    times = []
    try:
        for i in range(n):
            xml = inactive_xml("bench-many-%03d" % i, harness.GUEST_ELF)
            t0 = time.monotonic()
            conn.defineXML(xml)
            times.append(time.monotonic() - t0)
    finally:
        conn.close()
    return statistics.median(times)


def undefine_many(host, n):
    conn = libvirt.open(host.uri)
    try:
        for i in range(n):
            try:
                conn.lookupByName("bench-many-%03d" % i).undefine()
            except libvirt.libvirtError:
                pass
    finally:
        conn.close()


def start_destroy(host, name):
    """(start seconds, destroy seconds) of defined @name, via virsh."""
    t_start = timed(harness.virsh, host.uri, "start", name)
    time.sleep(0.5)
    t_destroy = timed(harness.virsh, host.uri, "destroy", name)
    return t_start, t_destroy


def rss_kib(host):
    return proc_rss_kib(host.daemon_pid())


def pss_kib(host):
    return proc_pss_kib(host.daemon_pid())
