#!/usr/bin/env python3
#
# gendispatch.py: build the server's remote dispatch table from the .x
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: gendispatch.py [-o OUT.h] [--decl-output DECL.h]
#                       [--check EXP.h] [--check-decl EXPDECL.h] PROTOCOL.x
#
# Reads the "enum remote_procedure" of PROTOCOL.x and the annotation
# block in front of every procedure (see the comment above that enum)
# and writes one C header, meant to be included by exactly one daemon
# file.  For each procedure marked "@dispatch: yes" it declares the
# hand-written handler
#
#   int remoteDispatch<Name>(virNetServerClient *client,
#                            virNetMessage *msg,
#                            remote_<name>_args *args,   (if it exists)
#                            remote_<name>_ret *ret);    (if it exists)
#
# defines a static helper with the generic signature that calls it, and
# fills remoteProcs[], indexed by procedure number, with the handler,
# the XDR filters and sizes, and the permission bits.  Procedures not
# served keep an all-zero entry, which the server answers with "unknown
# procedure".
#
# --decl-output also writes the prototypes alone, for the daemon files
# that define handlers but must not see the table.  Both headers carry
# the prototypes inside the same guard, so including both is harmless.
#
# With --check / --check-decl the output is compared with a golden file
# instead of being written; the exit status says whether they match.

import argparse
import difflib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xdrparse  # noqa: E402

PROC_ENUM = 'remote_procedure'
PROC_PREFIX = 'REMOTE_PROC_'

KNOWN = {
    'priority': ('high', 'low'),
    'readonly': ('allow', 'deny'),
    'open': ('none',),
    'dispatch': ('yes', 'no'),
    # Any value: checked by parse_deny_flags().
    'readonly_deny_flags': None,
}
REQUIRED = ('readonly', 'dispatch')


class Proc:
    def __init__(self, enum_name, number, notes, line):
        self.enum_name = enum_name
        self.number = number
        self.short = enum_name[len(PROC_PREFIX):]
        self.lower = self.short.lower()
        self.camel = ''.join(w.capitalize() for w in self.lower.split('_'))
        self.high = notes.get('priority', ('low',))[0] == 'high'
        self.readonly = notes['readonly'][0] == 'allow'
        self.needs_open = 'open' not in notes
        self.dispatch = notes['dispatch'][0] == 'yes'
        self.deny_flags = None      # C expression, or None
        self.line = line
        self.args = None
        self.ret = None


def fail(msg):
    raise xdrparse.XdrError(msg)


def parse_number(path, member):
    try:
        return int(member.value, 0)
    except ValueError:
        fail('%s:%d: %s must have a literal number, not %r' %
             (path, member.line, member.name, member.value))


def load_procs(path):
    """Returns the annotated procedures of the .x at @path, in file
    order; raises XdrError ("file:line: ...") on any inconsistency."""
    xdr = xdrparse.parse_file(path)
    enum = xdr.enums.get(PROC_ENUM)
    if enum is None:
        fail('%s:1: no "enum %s" found' % (path, PROC_ENUM))

    procs = []
    seen = {}
    for m in enum.members:
        if not m.name.startswith(PROC_PREFIX):
            fail('%s:%d: %s does not start with %s' %
                 (path, m.line, m.name, PROC_PREFIX))
        number = parse_number(path, m)
        if number <= 0:
            fail('%s:%d: %s: procedure numbers start at 1' %
                 (path, m.line, m.name))
        if number in seen:
            fail('%s:%d: %s reuses number %d of %s' %
                 (path, m.line, m.name, number, seen[number]))
        seen[number] = m.name

        notes = xdrparse.parse_annotations(path, m)
        if not notes:
            fail('%s:%d: %s has no annotation block' %
                 (path, m.line, m.name))
        for key, (val, line) in notes.items():
            if key not in KNOWN:
                fail('%s:%d: unknown annotation @%s for %s' %
                     (path, line, key, m.name))
            if KNOWN[key] is not None and val not in KNOWN[key]:
                fail('%s:%d: @%s: %r is not one of %s for %s' %
                     (path, line, key, val, '|'.join(KNOWN[key]), m.name))
        for key in REQUIRED:
            if key not in notes:
                fail('%s:%d: %s lacks the @%s annotation' %
                     (path, m.docline, m.name, key))

        p = Proc(m.name, number, notes, m.line)
        for kind in ('args', 'ret'):
            name = 'remote_%s_%s' % (p.lower, kind)
            if name in xdr.structs or name in xdr.typedefs:
                setattr(p, kind, name)
        if p.dispatch and 'remote_%s_msg' % p.lower in xdr.structs:
            fail('%s:%d: %s is an event message and cannot be dispatched' %
                 (path, notes['dispatch'][1], m.name))
        if 'readonly_deny_flags' in notes:
            p.deny_flags = parse_deny_flags(path, xdr, p, notes)
        procs.append(p)
    return procs


def parse_deny_flags(path, xdr, p, notes):
    """Checks "@readonly_deny_flags: VIR_A | VIR_B": the flags a
    read-only connection may not pass to a procedure it may call.  The
    procedure must allow read-only connections and take a "flags"
    member.  Returns the C expression."""
    val, line = notes['readonly_deny_flags']
    names = [n.strip() for n in val.split('|')]
    if not all(re.match(r'^VIR_[A-Z0-9_]+$', n) for n in names):
        fail('%s:%d: @readonly_deny_flags: %r is not a list of VIR_* '
             'flag names joined by "|" for %s' % (path, line, val, p.enum_name))
    if not p.readonly:
        fail('%s:%d: @readonly_deny_flags needs "@readonly: allow" for %s' %
             (path, line, p.enum_name))
    st = xdr.structs.get(p.args) if p.args else None
    if st is None or 'flags' not in [f.name for f in st.fields]:
        fail('%s:%d: @readonly_deny_flags: %s has no "flags" argument' %
             (path, line, p.enum_name))
    return ' | '.join(names)


def params(p):
    out = ['virNetServerClient *client', 'virNetMessage *msg']
    if p.args:
        out.append('%s *args' % p.args)
    if p.ret:
        out.append('%s *ret' % p.ret)
    return out


def wrap_call(head, args, tail):
    """Formats "head(arg, arg)tail" on one line when it fits in 80
    columns, else with one argument per line aligned on the opening
    parenthesis."""
    oneline = head + '(' + ', '.join(args) + ')' + tail
    if len(oneline) <= 80:
        return oneline
    pad = ' ' * (len(head) + 1)
    return head + '(' + (',\n' + pad).join(args) + ')' + tail


def xdr_filter(name):
    if name is None:
        # xdr_void takes no arguments, so a direct cast to xdrproc_t
        # trips -Wcast-function-type; going through void (*)(void),
        # which GCC treats as compatible with anything, does not.
        return '(xdrproc_t)(void (*)(void))xdr_void'
    return '(xdrproc_t)xdr_%s' % name


DECL_GUARD = 'REMOTE_DISPATCH_DECL_BLOCK'


def banner(source):
    return ['/* Generated by scripts/gendispatch.py from %s: do not edit. */' %
            os.path.basename(source), '']


def generate_decls(served):
    """The handler prototypes, in a guarded block so that both headers
    may carry it without declaring anything twice."""
    out = []
    w = out.append
    w('#ifndef %s' % DECL_GUARD)
    w('# define %s' % DECL_GUARD)
    w('')
    w('# include "remote_protocol.h"')
    w('# include "virnetmessage.h"')
    w('# include "virnetserverclient.h"')
    w('')
    w('/* The hand-written handlers, one per served procedure.  Each returns')
    w(' * 0 after filling @ret, or -1 with an error reported. */')
    for p in served:
        w('')
        w(wrap_call('int remoteDispatch%s' % p.camel, params(p), ';'))
    w('')
    w('#endif /* %s */' % DECL_GUARD)
    return out


def generate_decl_header(procs, source):
    served = [p for p in procs if p.dispatch]
    out = banner(source)
    out += ['#pragma once', '']
    out += generate_decls(served)
    return '\n'.join(out) + '\n'


def generate(procs, source):
    served = [p for p in procs if p.dispatch]
    out = banner(source)
    w = out.append
    w('#pragma once')
    w('')
    w('#include "virnetserverprogram.h"')
    w('')
    out += generate_decls(served)

    for p in served:
        call = ['client', 'msg']
        if p.args:
            call.append('args')
        if p.ret:
            call.append('ret')
        w('')
        w('')
        w('static int')
        w(wrap_call('remoteDispatch%sHelper' % p.camel,
                    ['virNetServerClient *client', 'virNetMessage *msg',
                     'void *args', 'void *ret'], ''))
        w('{')
        for n in ('args', 'ret'):
            if n not in call:
                w('    (void)%s;' % n)
        w(wrap_call('    return remoteDispatch%s' % p.camel, call, ';'))
        w('}')

    w('')
    w('')
    w('/* Indexed by procedure number; entries left zero are not served. */')
    w('static const virNetServerProgramProc remoteProcs[] = {')
    for p in sorted(served, key=lambda x: x.number):
        w('    [%s] = {' % p.enum_name)
        w('        .name = "%s",' % p.short)
        w('        .func = remoteDispatch%sHelper,' % p.camel)
        w('        .argsLen = %s,' %
          ('sizeof(%s)' % p.args if p.args else '0'))
        w('        .argsFilter = %s,' % xdr_filter(p.args))
        w('        .retLen = %s,' % ('sizeof(%s)' % p.ret if p.ret else '0'))
        w('        .retFilter = %s,' % xdr_filter(p.ret))
        w('        .highPriority = %s,' % str(p.high).lower())
        w('        .readonlyAllowed = %s,' % str(p.readonly).lower())
        w('        .needsOpen = %s,' % str(p.needs_open).lower())
        if p.deny_flags:
            w('        .readonlyDenyFlags = %s,' % p.deny_flags)
            w('        .flagsOffset = offsetof(%s, flags),' % p.args)
        w('    },')
    w('};')
    w('')
    w('#define REMOTE_NPROCS G_N_ELEMENTS(remoteProcs)')
    return '\n'.join(out) + '\n'


def write_file(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def check_file(path, text):
    with open(path) as f:
        expected = f.read()
    if expected == text:
        return True
    sys.stderr.writelines(difflib.unified_diff(
        expected.splitlines(True), text.splitlines(True),
        path, 'generated'))
    return False


def main(argv):
    ap = argparse.ArgumentParser(
        description='Generate the remote dispatch table from a .x file.')
    ap.add_argument('-o', '--output',
                    help='dispatch table header to write (default stdout)')
    ap.add_argument('--decl-output', metavar='FILE',
                    help='also write the handler prototypes alone to FILE')
    ap.add_argument('--check', metavar='EXPECTED',
                    help='compare the table header with EXPECTED instead '
                         'of writing it')
    ap.add_argument('--check-decl', metavar='EXPECTED',
                    help='compare the prototypes header with EXPECTED')
    ap.add_argument('protocol', help='the .x protocol file')
    opts = ap.parse_args(argv[1:])
    prog = os.path.basename(argv[0])

    try:
        procs = load_procs(opts.protocol)
    except (xdrparse.XdrError, OSError) as e:
        sys.stderr.write('%s: error: %s\n' % (prog, e))
        return 1
    text = generate(procs, opts.protocol)
    decl = generate_decl_header(procs, opts.protocol)

    if opts.check or opts.check_decl:
        ok = True
        if opts.check:
            ok = check_file(opts.check, text) and ok
        if opts.check_decl:
            ok = check_file(opts.check_decl, decl) and ok
        return 0 if ok else 1

    if opts.output:
        write_file(opts.output, text)
    else:
        sys.stdout.write(text)
    if opts.decl_output:
        write_file(opts.decl_output, decl)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
