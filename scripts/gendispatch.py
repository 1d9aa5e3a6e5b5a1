#!/usr/bin/env python3
#
# gendispatch.py: build both RPC edges of the remote program from the .x
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: gendispatch.py [-o OUT.h] [--decl-output DECL.h]
#                       [--client-output CLIENT.h]
#                       [--check EXP.h] [--check-decl EXPDECL.h]
#                       [--check-client EXPCLIENT.h] PROTOCOL.x
#
# Reads the "enum remote_procedure" of PROTOCOL.x and the annotation
# block in front of every procedure (see the comment above that enum).
#
# The server header (-o), meant to be included by exactly one daemon
# file, has one static wrapper per procedure marked "@dispatch: yes",
# with the generic signature of the dispatch table, and fills
# remoteProcs[], indexed by procedure number, with the wrapper, the XDR
# filters and sizes, and the permission bits.  Procedures not served
# keep an all-zero entry, which the server answers with "unknown
# procedure".  The wrapper of a procedure that needs an open connection
# (no "@open: none") fetches the client's connection; one whose
# procedure names its driver-table entry ("@entry: member") answers
# VIR_ERR_NO_SUPPORT, naming the libvirt API, when the driver lacks the
# entry.  With "@generate: server" (or "both") the wrapper then does the
# call itself, from the types of the arguments and reply (see
# server_body()).  Otherwise it calls the hand-written handler
#
#   int remoteDispatch<Name>(virNetServerClient *client,
#                            virConn *conn,              (unless @open)
#                            remote_<name>_args *args,   (if it exists)
#                            remote_<name>_ret *ret);    (if it exists)
#
# --decl-output also writes the prototypes alone, for the daemon files
# that define handlers but must not see the table.  Both headers carry
# the prototypes inside the same guard, so including both is harmless.
#
# --client-output writes the remote client driver's entries for the
# procedures marked "@generate: client" (or "both"): one static function
# remoteClient<Entry> per entry, with the driver table's signature, and
# REMOTE_CLIENT_GENERATED_ENTRIES, the initializers of those table
# members (see client_stub()).
#
# With --check / --check-decl / --check-client the output is compared
# with a golden file instead of being written; the exit status says
# whether they match.

import argparse
import difflib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xdrparse  # noqa: E402

PROC_ENUM = 'remote_procedure'
UNSERVED_ENUM = 'remote_procedure_unserved'
PROC_PREFIX = 'REMOTE_PROC_'

KNOWN = {
    'priority': ('high', 'low'),
    'readonly': ('allow', 'deny'),
    'open': ('none',),
    'dispatch': ('yes', 'no'),
    'generate': ('server', 'client', 'both', 'none'),
    # Any value: checked by parse_deny_flags() and parse_entry().
    'readonly_deny_flags': None,
    'entry': None,
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
        gen = notes.get('generate', ('none',))[0]
        self.gen_server = gen in ('server', 'both')
        self.gen_client = gen in ('client', 'both')
        self.deny_flags = None      # C expression, or None
        self.entry = None           # driver-table member, or None
        self.fixed = []             # [(name, C value)] not on the wire
        self.line = line
        self.args = None
        self.ret = None
        self.args_fields = []       # xdrparse.Decl of the arguments
        self.ret_fields = []        # and of the reply
        self.event = False          # an event message the server sends

    def api(self):
        """The libvirt API the procedure serves, as error messages name
        it: virDomainGetXMLDesc for DOMAIN_GET_XML_DESC."""
        return 'vir' + ''.join(ACRONYMS.get(w, w.capitalize())
                               for w in self.lower.split('_'))


# Words the public API spells otherwise than capitalized.
ACRONYMS = {'xml': 'XML', 'uuid': 'UUID', 'id': 'ID', 'os': 'OS',
            'uri': 'URI', 'cpu': 'CPU', 'nwfilter': 'NWFilter',
            'nmi': 'NMI', 'pm': 'PM', 'fstrim': 'FSTrim', 'scsi': 'SCSI',
            'wwn': 'WWN', 'fsfreeze': 'FSFreeze', 'fsthaw': 'FSThaw',
            'dhcp': 'DHCP', 'fd': 'FD', 'fsinfo': 'FSInfo',
            'iothread': 'IOThread', 'sev': 'SEV', 'ssh': 'SSH',
            'mac': 'MAC'}


def fail(msg):
    raise xdrparse.XdrError(msg)


def parse_number(path, member):
    try:
        return int(member.value, 0)
    except ValueError:
        fail('%s:%d: %s must have a literal number, not %r' %
             (path, member.line, member.name, member.value))


def claim_number(path, m, seen):
    """Checks the name and number of procedure @m (either enum) and
    records the number in @seen, which maps the numbers taken so far to
    their names.  Returns the number."""
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
    return number


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
        number = claim_number(path, m, seen)
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
        p.path = path
        for kind in ('args', 'ret'):
            name = 'remote_%s_%s' % (p.lower, kind)
            if name in xdr.structs or name in xdr.typedefs:
                setattr(p, kind, name)
            if name in xdr.structs:
                setattr(p, kind + '_fields', xdr.structs[name].fields)
        p.event = 'remote_%s_msg' % p.lower in xdr.structs
        if p.dispatch and p.event:
            fail('%s:%d: %s is an event message and cannot be dispatched' %
                 (path, notes['dispatch'][1], m.name))
        if 'readonly_deny_flags' in notes:
            p.deny_flags = parse_deny_flags(path, xdr, p, notes)
        if 'entry' in notes:
            parse_entry(path, p, notes)
            if not p.needs_open:
                fail('%s:%d: @entry needs an open connection for %s' %
                     (path, notes['entry'][1], m.name))
        check_generate(path, p, notes)
        procs.append(p)
    check_client_entries(path, procs)
    return procs, load_unserved(path, xdr, seen)


class Unserved:
    """A libvirt procedure declared for its name only."""
    def __init__(self, enum_name, number):
        self.enum_name = enum_name
        self.number = number
        self.lower = enum_name[len(PROC_PREFIX):].lower()

    api = Proc.api


def load_unserved(path, xdr, seen):
    """The members of "enum remote_procedure_unserved" (optional): names
    and numbers that no served or declared procedure uses."""
    enum = xdr.enums.get(UNSERVED_ENUM)
    out = []
    for m in (enum.members if enum else []):
        out.append(Unserved(m.name, claim_number(path, m, seen)))
    return out


def parse_entry(path, p, notes):
    """Checks "@entry: member" or "@entry: member(name=value, ...)", the
    driver-table member a procedure calls and the arguments it does not
    carry on the wire (the flags of a legacy call, say)."""
    val, line = notes['entry']
    m = re.match(r'^([a-z][A-Za-z0-9]*)(?:\((.*)\))?$', val)
    if not m:
        fail('%s:%d: @entry: %r is not "member" or "member(name=value)" '
             'for %s' % (path, line, val, p.enum_name))
    p.entry = m.group(1)
    wire = [f.name for f in p.args_fields]
    for item in (m.group(2).split(',') if m.group(2) else []):
        fm = re.match(r'^\s*([a-z][A-Za-z0-9_]*)\s*=\s*(-?[0-9]+)\s*$', item)
        if not fm:
            fail('%s:%d: @entry: %r is not "name=number" for %s' %
                 (path, line, item.strip(), p.enum_name))
        if fm.group(1) in wire:
            fail('%s:%d: @entry: %s is already an argument of %s' %
                 (path, line, fm.group(1), p.enum_name))
        p.fixed.append((fm.group(1), fm.group(2)))


def check_generate(path, p, notes):
    """Generated code needs the entry, a served procedure on the server
    side, and on the client side every argument of the entry on the
    wire; the types are checked when the code is generated."""
    if not (p.gen_server or p.gen_client):
        return
    line = notes['generate'][1]
    if not p.entry:
        fail('%s:%d: @generate needs @entry for %s' %
             (path, line, p.enum_name))
    if p.gen_server and not p.needs_open:
        fail('%s:%d: @generate: server needs an open connection for %s' %
             (path, line, p.enum_name))
    if p.gen_server and not p.dispatch:
        fail('%s:%d: @generate: server needs "@dispatch: yes" for %s' %
             (path, line, p.enum_name))
    if p.gen_client and p.fixed:
        fail('%s:%d: @generate: client cannot supply %s for %s' %
             (path, line, ', '.join(n for n, _ in p.fixed), p.enum_name))


def check_client_entries(path, procs):
    """One procedure per generated client entry."""
    seen = {}
    for p in procs:
        if not p.gen_client:
            continue
        if p.entry in seen:
            fail('%s:%d: %s and %s both generate the client entry %s' %
                 (path, p.line, seen[p.entry], p.enum_name, p.entry))
        seen[p.entry] = p.enum_name


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
    out = ['virNetServerClient *client']
    if p.needs_open:
        out.append('virConn *conn')
    if p.args:
        out.append('%s *args' % p.args)
    if p.ret:
        out.append('%s *ret' % p.ret)
    return out


def wrap_call(head, args, tail, pack=False):
    """Formats "head(arg, arg)tail" on one line when it fits in 80
    columns, else with the arguments aligned on the opening parenthesis:
    one a line, or with @pack as many as fit on each line."""
    oneline = head + '(' + ', '.join(args) + ')' + tail
    if len(oneline) <= 80:
        return oneline
    pad = ' ' * (len(head) + 1)
    if not pack:
        return head + '(' + (',\n' + pad).join(args) + ')' + tail
    lines = [head + '(' + args[0]]
    for a in args[1:]:
        if len(lines[-1]) + 2 + len(a) + 1 <= 80:
            lines[-1] += ', ' + a
        else:
            lines[-1] += ','
            lines.append(pad + a)
    return '\n'.join(lines) + ')' + tail


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
    w('# include "virhypervisordriver.h"')
    w('# include "virnetmessage.h"')
    w('# include "virnetserverclient.h"')
    w('')
    w('/* The hand-written handlers.  @conn, the client\'s open connection,')
    w(' * is passed to those of procedures that need one.  Each returns 0')
    w(' * after filling @ret, or -1 with an error reported. */')
    for p in served:
        w('')
        w(wrap_call('int remoteDispatch%s' % p.camel, params(p), ';'))
    w('')
    w('#endif /* %s */' % DECL_GUARD)
    return out


def generate_decl_header(procs, source):
    served = [p for p in procs if p.dispatch and not p.gen_server]
    out = banner(source)
    out += ['#pragma once', '']
    out += generate_decls(served)
    return '\n'.join(out) + '\n'


# How each argument type travels: the C type of the driver's parameter,
# the expression a server wrapper passes for args->NAME, and the
# statement a client stub fills args.NAME with.  A domain is the local
# "NAME" of the server wrapper, built from the wire form.
ARG_TYPES = {
    'remote_nonnull_domain': ('const virDomainIdent *', '%(n)s',
                              'remoteClientFillDomain(&args.%(n)s, %(n)s);'),
    'remote_nonnull_string': ('const char *', 'args->%(n)s',
                              'args.%(n)s = (char *)%(n)s;'),
    'remote_string': ('const char *', 'args->%(n)s ? *args->%(n)s : NULL',
                      'args.%(n)s = %(n)s ? (char **)&%(n)s : NULL;'),
    'remote_uuid': ('const unsigned char *',
                    '(const unsigned char *)args->%(n)s',
                    'memcpy(args.%(n)s, %(n)s, VIR_UUID_BUFLEN);'),
    'int': ('int', 'args->%(n)s', 'args.%(n)s = %(n)s;'),
    'unsigned int': ('unsigned int', 'args->%(n)s', 'args.%(n)s = %(n)s;'),
    'hyper': ('long long', 'args->%(n)s', 'args.%(n)s = %(n)s;'),
    'unsigned hyper': ('unsigned long long', 'args->%(n)s',
                       'args.%(n)s = %(n)s;'),
}

# A reply of one field of these types is the entry's return value: the
# C type it returns and the value of a failure.  Any other reply is made
# of numbers the entry writes through pointers (OUT_TYPES), before flags.
RETURN_TYPES = {
    'int': ('int', '-1'),
    'remote_nonnull_string': ('char *', 'NULL'),
    'remote_nonnull_domain': ('virDomainIdent *', 'NULL'),
}
OUT_TYPES = {
    'int': 'int',
    'unsigned int': 'unsigned int',
    'hyper': 'long long',
    'unsigned hyper': 'unsigned long long',
}

# Names the generated code uses for itself.
RESERVED = ('client', 'msg', 'conn', 'args', 'ret', 'argsp', 'retp', 'rc',
            'result')


def gen_fail(p, msg):
    fail('%s:%d: %s cannot be generated: %s' %
         (p.path, p.line, p.enum_name, msg))


def entry_shape(p):
    """Classifies what the entry takes and gives back.  Returns (ins,
    outs, retfield): ins are (name, xdr type or None for a fixed value,
    fixed value) in the driver's order, flags last; outs the reply
    fields written through pointers; retfield the one reply field the
    entry returns, or None."""
    ins = []
    flags = None
    doms = 0
    for f in p.args_fields:
        if f.kind != 'scalar' or f.type not in ARG_TYPES:
            gen_fail(p, 'argument %s has type %s' % (f.name, f.type))
        if f.name in RESERVED:
            gen_fail(p, 'argument name %s is reserved' % f.name)
        doms += f.type == 'remote_nonnull_domain'
        item = (f.name, f.type, None)
        if f.name == 'flags':
            flags = item
        else:
            ins.append(item)
    if doms > 1:
        gen_fail(p, 'more than one domain argument')
    for name, value in p.fixed:
        item = (name, None, value)
        if name == 'flags':
            flags = item
        else:
            ins.append(item)

    outs = []
    retfield = None
    fields = p.ret_fields
    if len(fields) == 1 and fields[0].kind == 'scalar' and \
       fields[0].type in RETURN_TYPES:
        retfield = fields[0]
    else:
        for f in fields:
            if f.kind != 'scalar' or f.type not in OUT_TYPES:
                gen_fail(p, 'reply field %s has type %s' % (f.name, f.type))
            if f.name in RESERVED:
                gen_fail(p, 'reply field name %s is reserved' % f.name)
            outs.append(f)
    if p.ret and not p.ret_fields:
        gen_fail(p, 'the reply %s is not a struct' % p.ret)
    if p.args and not p.args_fields:
        gen_fail(p, 'the arguments %s are not a struct' % p.args)
    return ins, outs, flags, retfield


def server_call_args(ins, outs, flags):
    out = ['conn']
    for name, typ, value in ins:
        if typ is None:
            out.append(value)
        else:
            out.append(ARG_TYPES[typ][1] % {'n': name})
    out += ['&%s' % f.name for f in outs]
    if flags:
        name, typ, value = flags
        out.append(value if typ is None else 'args->flags')
    return out


def server_body(p, w):
    """The body of a generated wrapper after the entry check: converts
    the arguments, calls the entry and fills the reply.  The reply's
    fields are written only on success."""
    ins, outs, flags, retfield = entry_shape(p)
    call = 'conn->driver->%s' % p.entry
    cargs = server_call_args(ins, outs, flags)
    for name, typ, _ in ins:
        if typ == 'remote_nonnull_domain':
            w('    %s = remoteDomainFromWire(&args->%s);' % (name, name))
    if retfield is None and not outs:
        w(wrap_call('    return %s' % call, cargs, ' < 0 ? -1 : 0;', True))
        return
    if outs:
        w(wrap_call('    if (%s' % call, cargs, ' < 0)', True))
        w('        return -1;')
        for f in outs:
            w('    ret->%s = %s;' % (f.name, f.name))
        w('    return 0;')
        return
    if retfield.type == 'int':
        w(wrap_call('    if ((rc = %s' % call, cargs, ') < 0)', True))
        w('        return -1;')
        w('    ret->%s = rc;' % retfield.name)
        w('    return 0;')
    elif retfield.type == 'remote_nonnull_string':
        w(wrap_call('    if (!(ret->%s = %s' % (retfield.name, call), cargs,
                    '))', True))
        w('        return -1;')
        w('    return 0;')
    else:
        w(wrap_call('    if (!(result = %s' % call, cargs, '))', True))
        w('        return -1;')
        w('    remoteMakeDomain(&ret->%s, result);' % retfield.name)
        w('    return 0;')


def server_locals(p, w):
    ins, outs, flags, retfield = entry_shape(p)
    for name, typ, _ in ins:
        if typ == 'remote_nonnull_domain':
            w('    g_autoptr(virDomainIdent) %s = NULL;' % name)
    for f in outs:
        w('    %s %s = 0;' % (OUT_TYPES[f.type], f.name))
    if retfield is not None and retfield.type == 'int':
        w('    int rc;')
    if retfield is not None and retfield.type == 'remote_nonnull_domain':
        w('    g_autoptr(virDomainIdent) result = NULL;')


def generate_wrapper(p, w):
    """The table's function for @p: the entry check and then either the
    generated call or the hand-written handler.  The parameters it does
    not use (always @msg; @args and @ret of a procedure without them)
    are marked G_GNUC_UNUSED: the tree builds with -Wunused-parameter."""
    typed = p.gen_server
    unused = ' G_GNUC_UNUSED'
    head = ['virNetServerClient *client', 'virNetMessage *msg' + unused,
            ('void *argsp' if typed else 'void *args') +
            ('' if p.args else unused),
            ('void *retp' if typed else 'void *ret') +
            ('' if p.ret else unused)]
    w('')
    w('')
    w('static int')
    w(wrap_call('remoteDispatch%sHelper' % p.camel, head, ''))
    w('{')
    if typed:
        if p.args:
            w('    %s *args = argsp;' % p.args)
        if p.ret:
            w('    %s *ret = retp;' % p.ret)
    if p.needs_open:
        w('    virConn *conn = remoteGetConn(client);')
    if typed:
        server_locals(p, w)
    if p.needs_open:
        w('')
        w('    if (!conn)')
        w('        return -1;')
    if p.entry:
        w('    if (!conn->driver->%s) {' % p.entry)
        w('        remoteReportNoSupport("%s");' % p.api())
        w('        return -1;')
        w('    }')
    if typed:
        server_body(p, w)
    else:
        call = ['client']
        if p.needs_open:
            call.append('conn')
        if p.args:
            call.append('args')
        if p.ret:
            call.append('ret')
        w(wrap_call('    return remoteDispatch%s' % p.camel, call, ';'))
    w('}')


def generate(procs, unserved, source):
    served = [p for p in procs if p.dispatch]
    named = [p for p in procs if not p.dispatch and not p.event] + unserved
    out = banner(source)
    w = out.append
    w('#pragma once')
    w('')
    w('#include "virnetserverprogram.h"')
    w('')
    out += generate_decls([p for p in served if not p.gen_server])

    for p in served:
        generate_wrapper(p, w)

    w('')
    w('')
    w('/* Indexed by procedure number.  Entries without .func are not')
    w(' * served: those with .api name the libvirt API a client called, the')
    w(' * others (zero) are unknown. */')
    w('static const virNetServerProgramProc remoteProcs[] = {')
    for p in sorted(served + named, key=lambda x: x.number):
        if p in named:
            w('    [%s] = { .api = "%s" },' % (p.enum_name, p.api()))
            continue
        w('    [%s] = {' % p.enum_name)
        w('        .name = "%s",' % p.short)
        w('        .api = "%s",' % p.api())
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


def client_name(p):
    return 'remoteClient' + p.entry[0].upper() + p.entry[1:]


def client_stub(p, w):
    """A client entry: fills the arguments from the parameters (borrowing
    the caller's strings), makes the call and converts the reply; the
    outputs are written only on success (out pointers may be NULL)."""
    ins, outs, flags, retfield = entry_shape(p)
    params = ['virConn *conn']
    for name, typ, _ in ins + ([flags] if flags else []):
        params.append('%s%s%s' % (ARG_TYPES[typ][0],
                                  '' if ARG_TYPES[typ][0].endswith('*')
                                  else ' ', name))
    for f in outs:
        params.insert(len(params) - (1 if flags else 0),
                      '%s *%s' % (OUT_TYPES[f.type], f.name))
    rtype, failval = RETURN_TYPES[retfield.type] if retfield else ('int', '-1')

    w('')
    w('')
    w('/* Entry %s: %s (%d). */' % (p.entry, p.short, p.number))
    w('static %s' % rtype)
    w(wrap_call(client_name(p), params, ''))
    w('{')
    if p.args:
        w('    %s args;' % p.args)
    if p.ret:
        w('    %s ret;' % p.ret)
    if retfield is not None and retfield.type == 'remote_nonnull_domain':
        w('    virDomainIdent *result;')
    if p.args or p.ret:
        w('')
    if p.args:
        w('    memset(&args, 0, sizeof(args));')
    if p.ret:
        w('    memset(&ret, 0, sizeof(ret));')
    for name, typ, _ in ins + ([flags] if flags else []):
        w('    ' + ARG_TYPES[typ][2] % {'n': name})
    cargs = ['conn', 'REMOTE_PROC_%s' % p.short,
             xdr_filter(p.args) if p.args else 'NULL',
             '&args' if p.args else 'NULL',
             xdr_filter(p.ret) if p.ret else 'NULL',
             '&ret' if p.ret else 'NULL']
    if not p.ret:
        w(wrap_call('    return remoteClientCall', cargs, ';', True))
        w('}')
        return
    w(wrap_call('    if (remoteClientCall', cargs, ' < 0)', True))
    w('        return %s;' % failval)
    if outs:
        for f in outs:
            w('    if (%s)' % f.name)
            w('        *%s = ret.%s;' % (f.name, f.name))
        w('    return 0;')
    elif retfield.type == 'remote_nonnull_domain':
        w('    result = remoteClientMakeIdent(&ret.%s);' % retfield.name)
        w('    xdr_free(%s, (char *)&ret);' % xdr_filter(p.ret))
        w('    return result;')
    else:
        w('    return ret.%s;' % retfield.name)
    w('}')


def generate_client(procs, source):
    stubs = [p for p in procs if p.gen_client]
    out = banner(source)
    w = out.append
    w('#pragma once')
    w('')
    w('/* The remote client driver\'s entries generated from the .x: '
      'include')
    w(' * once, where remoteClientCall, remoteClientFillDomain and')
    w(' * remoteClientMakeIdent are declared. */')
    for p in stubs:
        client_stub(p, w)
    w('')
    w('')
    w('/* Their members of the driver table. */')
    w('#define REMOTE_CLIENT_GENERATED_ENTRIES%s' % (' \\' if stubs else ''))
    for i, p in enumerate(sorted(stubs, key=lambda x: x.number)):
        last = i == len(stubs) - 1
        w('    .%s = %s,%s' % (p.entry, client_name(p), '' if last else ' \\'))
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
    ap.add_argument('--client-output', metavar='FILE',
                    help='also write the generated client entries to FILE')
    ap.add_argument('--check-client', metavar='EXPECTED',
                    help='compare the client entries with EXPECTED')
    ap.add_argument('protocol', help='the .x protocol file')
    opts = ap.parse_args(argv[1:])
    prog = os.path.basename(argv[0])

    try:
        procs, unserved = load_procs(opts.protocol)
        text = generate(procs, unserved, opts.protocol)
        decl = generate_decl_header(procs, opts.protocol)
        client = generate_client(procs, opts.protocol)
    except (xdrparse.XdrError, OSError) as e:
        sys.stderr.write('%s: error: %s\n' % (prog, e))
        return 1

    if opts.check or opts.check_decl or opts.check_client:
        ok = True
        if opts.check:
            ok = check_file(opts.check, text) and ok
        if opts.check_decl:
            ok = check_file(opts.check_decl, decl) and ok
        if opts.check_client:
            ok = check_file(opts.check_client, client) and ok
        return 0 if ok else 1

    if opts.output:
        write_file(opts.output, text)
    else:
        sys.stdout.write(text)
    if opts.decl_output:
        write_file(opts.decl_output, decl)
    if opts.client_output:
        write_file(opts.client_output, client)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
