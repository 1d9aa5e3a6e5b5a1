#!/usr/bin/env python3
"""Every procedure of src/rpc/remote_protocol.x carries libvirt 9.0's
number for its name (tests/rpcdata/libvirt-procedures.txt), served or
not: a wrong number builds and passes every other check, and the stock
clients then call or receive something else (an event sent as 320, which
is RTC_CHANGE, never reached a BALLOON_CHANGE callback).  Names libvirt
does not have are refused too, and so is a number used twice.

usage: check_procedure_numbers.py REMOTE_PROTOCOL_X LIBVIRT_PROCEDURES
"""
import re
import sys


def our_procedures(path):
    with open(path) as f:
        text = f.read()
    body = text[text.index("enum remote_procedure {"):]
    body = body[:body.index("};")]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return [(m.group(1), int(m.group(2)))
            for m in re.finditer(r"\b(REMOTE_PROC_\w+)\s*=\s*(\d+)", body)]


def libvirt_procedures(path):
    known = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, number = line.split()
                known[name] = int(number)
    return known


def main():
    ours = our_procedures(sys.argv[1])
    known = libvirt_procedures(sys.argv[2])
    errors = []
    seen = {}
    for name, number in ours:
        if name not in known:
            errors.append("%s = %d: libvirt 9.0 has no such procedure"
                          % (name, number))
        elif known[name] != number:
            errors.append("%s = %d: libvirt 9.0 numbers it %d"
                          % (name, number, known[name]))
        if number in seen:
            errors.append("%s = %d: the number of %s too"
                          % (name, number, seen[number]))
        seen[number] = name
    for e in errors:
        print("check-procedure-numbers: error: %s" % e, file=sys.stderr)
    print("check-procedure-numbers: %d procedures, %d error(s)"
          % (len(ours), len(errors)))
    return 1 if errors or len(ours) < 100 else 0


if __name__ == "__main__":
    sys.exit(main())
