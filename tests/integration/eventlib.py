"""Watching domain events the way clients do: stock ``virsh event
--loop`` in the background, and python-libvirt's default event loop."""

import signal
import subprocess
import threading

import harness

_loop_started = False


def start_event_loop():
    """python-libvirt's default event loop, on a thread (once)."""
    global _loop_started
    import libvirt
    if _loop_started:
        return
    libvirt.virEventRegisterDefaultImpl()

    def run():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=run, daemon=True, name="libvirt-events").start()
    _loop_started = True


class VirshEvents:
    """``virsh event --loop`` (``--all`` unless @opts say otherwise) on
    @uri, its output collected line by line."""

    def __init__(self, uri, *opts):
        self.proc = subprocess.Popen(
            ["stdbuf", "-oL", harness.VIRSH, "-q", "-c", uri, "event",
             "--loop", "--timeout", "240"] + list(opts or ("--all",)),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def events(self, name):
        """The 'event ...' lines about domain @name, in order."""
        return [ln for ln in list(self.lines)
                if ln.startswith("event ") and "'%s'" % name in ln]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(5)
        self.proc.stdout.close()


def index_of(lines, *needles):
    """Index of the first line holding every needle, or -1."""
    for i, line in enumerate(lines):
        if all(n in line for n in needles):
            return i
    return -1
