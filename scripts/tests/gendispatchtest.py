#!/usr/bin/env python3
#
# gendispatchtest.py: golden tests for scripts/gendispatch.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: gendispatchtest.py GENDISPATCH DATADIR
#
# In DATADIR (tests/gendispatchdata/):
#   NAME.x with NAME.h, NAME-decl.h, NAME-client.h and NAME-event.h: the
#       generator must produce exactly these four headers (server table
#       and wrappers, handler prototypes, client entries, event
#       encoders);
#   NAME.x with NAME.err: the generator must fail, and its error message
#       must be the content of NAME.err (which names file and line).
#
# VIR_TEST_REGENERATE_OUTPUT=1 rewrites the .h and .err files instead of
# comparing them; review the diff before committing.

import os
import subprocess
import sys


def run(gen, datadir, xfile, *extra):
    return subprocess.run([sys.executable, gen] + list(extra) + [xfile],
                          cwd=datadir, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)


def check_good(gen, datadir, base, regen):
    h = base + '.h'
    decl = base + '-decl.h'
    client = base + '-client.h'
    event = base + '-event.h'
    if regen:
        res = run(gen, datadir, base + '.x', '-o', h, '--decl-output', decl,
                  '--client-output', client, '--event-output', event)
    else:
        res = run(gen, datadir, base + '.x', '--check', h,
                  '--check-decl', decl, '--check-client', client,
                  '--check-event', event)
    if res.returncode != 0:
        return 'output differs or generation failed:\n' + res.stderr
    return None


def check_bad(gen, datadir, base, regen):
    res = run(gen, datadir, base + '.x')
    if res.returncode == 0:
        return 'generator accepted a bad protocol'
    errpath = os.path.join(datadir, base + '.err')
    if regen:
        with open(errpath, 'w') as f:
            f.write(res.stderr)
        return None
    with open(errpath) as f:
        expected = f.read()
    if res.stderr != expected:
        return 'expected error:\n  %s\ngot:\n  %s' % (expected.strip(),
                                                      res.stderr.strip())
    return None


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: %s GENDISPATCH DATADIR\n' % argv[0])
        return 2
    gen = os.path.abspath(argv[1])
    datadir = os.path.abspath(argv[2])
    regen = os.environ.get('VIR_TEST_REGENERATE_OUTPUT') == '1'

    failed = 0
    cases = sorted(f[:-2] for f in os.listdir(datadir) if f.endswith('.x'))
    for base in cases:
        if os.path.exists(os.path.join(datadir, base + '.err')) or \
           base.startswith('bad-'):
            problem = check_bad(gen, datadir, base, regen)
        else:
            problem = check_good(gen, datadir, base, regen)
        if problem:
            failed += 1
            print('FAIL %s: %s' % (base, problem))
        else:
            print('ok   %s' % base)
    if not cases:
        print('no test cases in %s' % datadir)
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
