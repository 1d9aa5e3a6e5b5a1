#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/NAME/,
from the test data of the tree.  Run from anywhere; it replaces the files
whose names start with "seed-" and leaves the others (regression inputs
of fixed bugs, "bug-*", and inputs kept from fuzzing runs) alone.

  virnetmessagefuzz        one packet per XDR golden file of tests/xdrdata
                           (arguments as a CALL, return values as a REPLY,
                           events as a MESSAGE, errors as an ERROR reply),
                           with the header of its procedure
  domainxmlfuzz            tests/domainxmldata: the inputs read as new
                           definitions, the live outputs as status ones
  statusxmlfuzz            tests/statusxmldata, each with the stub
                           <domain> of its test replaced by a live
                           definition of tests/domainxmldata
  qemumigrationcookiefuzz  tests/qemumigrationcookiedata's cookies, with
                           the flags of every element
  qemumonitorfuzz          QMP sessions answering the target's queries
                           with replies and events of tests/qemumonitordata
"""

import glob
import json
import os
import re
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
TOP = os.path.dirname(TESTS)
sys.path.insert(0, os.path.join(TOP, "scripts"))
import xdrparse  # noqa: E402

REMOTE_PROGRAM = 0x20008086
CALL, REPLY, MESSAGE = 0, 1, 2
OK, ERROR = 0, 1


def out_dir(target):
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    for f in glob.glob(os.path.join(path, "seed-*")):
        os.unlink(f)
    return path


def write(path, name, data):
    with open(os.path.join(path, "seed-" + name), "wb") as f:
        f.write(data)


def packet(proc, typ, status, payload, serial=1, prog=REMOTE_PROGRAM):
    body = struct.pack(">IIiIII", prog, 1, proc, typ, serial, status) + payload
    return struct.pack(">I", len(body) + 4) + body


def rpc_corpus():
    path = out_dir("virnetmessagefuzz")
    xdr = xdrparse.parse_file(os.path.join(TOP, "src", "rpc", "remote_protocol.x"))
    procs = {m.name[len("REMOTE_PROC_"):].lower(): int(m.value, 0)
             for m in xdr.enums["remote_procedure"].members}
    n = 0
    for f in sorted(glob.glob(os.path.join(TESTS, "xdrdata", "*.bin"))):
        base = os.path.basename(f)[:-4]
        with open(f, "rb") as fp:
            payload = fp.read()
        if base.startswith("fact-"):
            write(path, base, payload)
            n += 1
            continue
        m = re.match(r"remote_(\w+?)_(args|ret|msg)(-empty)?$", base)
        if base.startswith(("remote_error", "virNetMessageError")):
            data = packet(procs["connect_open"], REPLY, ERROR, payload)
        elif m and m.group(1) in procs:
            typ = {"args": CALL, "ret": REPLY, "msg": MESSAGE}[m.group(2)]
            data = packet(procs[m.group(1)], typ, OK, payload)
        else:
            continue
        write(path, base, data)
        n += 1
    # two packets in one read: a call and its reply
    open_args = os.path.join(TESTS, "xdrdata", "remote_connect_open_args.bin")
    with open(open_args, "rb") as fp:
        payload = fp.read()
    write(path, "two-packets",
          packet(procs["connect_open"], CALL, OK, payload) +
          packet(procs["connect_open"], REPLY, OK, b""))
    return n + 1


def domainxml_corpus():
    path = out_dir("domainxmlfuzz")
    n = 0
    for f in sorted(glob.glob(os.path.join(TESTS, "domainxmldata", "*.xml"))):
        base = os.path.basename(f)[:-4]
        if base.endswith(("-inactive-out", "-migratable-out")):
            continue
        with open(f, "rb") as fp:
            xml = fp.read()
        live = base.endswith("-live-out")
        write(path, base, (b"\x01" if live else b"\x00") + xml)
        n += 1
    return n


def status_corpus():
    path = out_dir("statusxmlfuzz")
    lives = sorted(glob.glob(os.path.join(TESTS, "domainxmldata",
                                          "*-live-out.xml")))
    stub = re.compile(r"  <domain type='test'.*?</domain>\n", re.S)
    n = 0
    for i, f in enumerate(sorted(glob.glob(os.path.join(TESTS, "statusxmldata",
                                                        "*.xml")))):
        with open(f) as fp:
            status = fp.read()
        with open(lives[i % len(lives)]) as fp:
            live = "".join("  " + line for line in fp)
        write(path, os.path.basename(f),
              stub.sub(lambda m: live, status, count=1).encode())
        n += 1
    return n


def cookie_corpus():
    path = out_dir("qemumigrationcookiefuzz")
    n = 0
    for f in sorted(glob.glob(os.path.join(TESTS, "qemumigrationcookiedata",
                                           "*.xml"))):
        base = os.path.basename(f)[:-4]
        if base == "guest":
            continue
        with open(f, "rb") as fp:
            data = fp.read()
        write(path, base, b"\x3f" + data + b"\0")
        n += 1
    return n


def monitor_messages():
    """The replies (by command) and events of tests/qemumonitordata."""
    replies = {}
    events = []
    for f in sorted(glob.glob(os.path.join(TESTS, "qemumonitordata",
                                           "*.replies"))):
        directives = []
        with open(f) as fp:
            for line in fp:
                if line.startswith("#") or not line.strip():
                    continue
                if line[0].isspace() and directives:
                    directives[-1] += " " + line.strip()
                else:
                    directives.append(line.strip())
        last = None
        for d in directives:
            word, _, rest = d.partition(" ")
            if word == "expect":
                last = rest.split(" ")[0]
            elif word == "reply" and last:
                replies.setdefault(last, []).append(json.loads(rest))
            elif word == "event":
                events.append(json.loads(rest))
    return replies, events


QUERIES = ["query-status", "query-migrate", "query-migrate-capabilities",
           "query-migrate-parameters", "query-version", "query-machines",
           "query-cpus-fast", "query-chardev"]
GREETING = {"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7},
                                "package": ""}, "capabilities": ["oob"]}}


def monitor_corpus():
    path = out_dir("qemumonitorfuzz")
    replies, events = monitor_messages()
    replies["query-chardev"] = [{"return": [
        {"frontend-open": True, "filename": "pty:/dev/pts/3",
         "label": "charserial0"},
        {"frontend-open": False, "filename": "unix:/run/a.sock,server=on",
         "label": "charchannel0"}]}]
    n = 0
    for i in range(max(len(v) for v in replies.values())):
        lines = [GREETING, {"return": {}}]
        for q in QUERIES:
            options = replies.get(q, [{"return": {}}])
            lines.append(options[i % len(options)])
            if i < len(events):
                lines.append(events[(i + len(lines)) % len(events)])
        text = "".join(json.dumps(x) + "\r\n" for x in lines)
        write(path, "session-%d" % i, text.encode())
        n += 1
    text = "".join(json.dumps(x) + "\r\n" for x in [GREETING, {"return": {}}] + events)
    write(path, "events", text.encode())
    write(path, "error-reply", (json.dumps(GREETING) + "\r\n" +
          '{"return": {}}\r\n{"error": {"class": "GenericError", '
          '"desc": "no"}}\r\n').encode())
    return n + 2


def main():
    counts = {
        "virnetmessagefuzz": rpc_corpus(),
        "domainxmlfuzz": domainxml_corpus(),
        "statusxmlfuzz": status_corpus(),
        "qemumigrationcookiefuzz": cookie_corpus(),
        "qemumonitorfuzz": monitor_corpus(),
    }
    for target, n in counts.items():
        print("%s: %d seeds" % (target, n))
    return 0


if __name__ == "__main__":
    shutil.rmtree(os.path.join(HERE, "__pycache__"), ignore_errors=True)
    sys.exit(main())
