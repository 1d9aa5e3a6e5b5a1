#!/usr/bin/env python3
#
# gendispatch.py: build both RPC edges of the remote program from the .x
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: gendispatch.py [-o OUT.h] [--decl-output DECL.h]
#                       [--client-output CLIENT.h] [--event-output EVENT.h]
#                       [--check EXP.h] [--check-decl EXPDECL.h]
#                       [--check-client EXPCLIENT.h]
#                       [--check-event EXPEVENT.h] PROTOCOL.x
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
# --event-output writes the daemon's domain event encoders: for each
# event message marked "@event: VIR_DOMAIN_EVENT_ID_X(field=member, ...)"
# a function filling it from the virDomainEvent members named (and the
# legacy message it wraps, for a legacy registration), and
# remoteEventEncodeAny() choosing by event ID (see event_encoder()).
#
# With --check / --check-decl / --check-client / --check-event the
# output is compared with a golden file instead of being written; the
# exit status says whether they match.

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
    'event': None,
    'reply_struct': None,
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
        self.msg = None             # its struct
        self.msg_fields = []
        self.event_id = None        # @event: the VIR_DOMAIN_EVENT_ID_*
        self.event_map = []         # [(message field, event member)]
        self.legacy = None          # the Proc of its legacy message
        self.reply_struct = None    # @reply_struct: the C struct filled
        self.record_fields = None   # the fields of a reply's record list

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
        if p.ret_fields and p.ret_fields[0].kind == 'var' and \
           p.ret_fields[0].type in xdr.structs:
            p.record_fields = xdr.structs[p.ret_fields[0].type].fields
        p.event = 'remote_%s_msg' % p.lower in xdr.structs
        if p.event:
            p.msg = 'remote_%s_msg' % p.lower
            p.msg_fields = xdr.structs[p.msg].fields
        if 'event' in notes:
            parse_event(path, p, notes)
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
        if 'reply_struct' in notes:
            val, line = notes['reply_struct']
            if not re.match(r'^vir[A-Za-z0-9]+$', val) or not p.entry:
                fail('%s:%d: @reply_struct: %r needs @entry and a vir* '
                     'type name for %s' % (path, line, val, m.name))
            p.reply_struct = val
        check_generate(path, p, notes)
        procs.append(p)
    check_client_entries(path, procs)
    check_events(path, procs)
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
        if not p.gen_client or is_migrate(p):
            continue
        if p.entry in seen:
            fail('%s:%d: %s and %s both generate the client entry %s' %
                 (path, p.line, seen[p.entry], p.enum_name, p.entry))
        seen[p.entry] = p.enum_name


def parse_event(path, p, notes):
    """Checks "@event: VIR_DOMAIN_EVENT_ID_X" or "@event:
    VIR_DOMAIN_EVENT_ID_X(field=member, ...)" on the message a callback
    registration gets for that event: which virDomainEvent member each
    field of the message carries (check_events() checks the fields)."""
    val, line = notes['event']
    p.event_line = line
    if not p.event:
        fail('%s:%d: @event needs an event message (%s) for %s' %
             (path, line, 'remote_%s_msg' % p.lower, p.enum_name))
    m = re.match(r'^(VIR_DOMAIN_EVENT_ID_[A-Z0-9_]+)(?:\((.*)\))?$', val)
    if not m:
        fail('%s:%d: @event: %r is not "VIR_DOMAIN_EVENT_ID_X" or '
             '"VIR_DOMAIN_EVENT_ID_X(field=member, ...)" for %s' %
             (path, line, val, p.enum_name))
    p.event_id = m.group(1)
    for item in (m.group(2).split(',') if m.group(2) else []):
        fm = re.match(r'^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*'
                      r'([a-z][A-Za-z0-9_]*)\s*$', item)
        if not fm:
            fail('%s:%d: @event: %r is not "field=member" for %s' %
                 (path, line, item.strip(), p.enum_name))
        p.event_map.append((fm.group(1), fm.group(2)))


# The fields of an event message other than callbackID and dom, by
# type: how the generated encoder fills one from virDomainEvent's
# member %(m)s (the message borrows the event's strings).
EVENT_FIELD_TYPES = {
    'remote_nonnull_string': 'remoteEventStr(event->%(m)s)',
    'remote_string': 'event->%(m)s ? (remote_string)&event->%(m)s : NULL',
    'int': 'event->%(m)s',
    'unsigned int': 'event->%(m)s',
    'hyper': 'event->%(m)s',
    'unsigned hyper': 'event->%(m)s',
}


def event_body_fields(path, p, by_msg):
    """The fields @p's @event maps, with the legacy message they wrap
    (or None): {callbackID, msg} wraps the legacy message's struct,
    {callbackID, dom, ...} is a message of its own."""
    f = p.msg_fields
    if len(f) < 2 or f[0].name != 'callbackID' or f[0].type != 'int':
        fail('%s:%d: @event: %s does not start with "int callbackID" for %s'
             % (path, p.event_line, p.msg, p.enum_name))
    if f[1].name == 'msg' and len(f) == 2:
        legacy = by_msg.get(f[1].type)
        if legacy is None:
            fail('%s:%d: @event: the msg of %s is no event message for %s' %
                 (path, p.event_line, p.msg, p.enum_name))
        return legacy, legacy.msg_fields
    return None, f[1:]


def check_events(path, procs):
    """Each event ID has one @event, which maps every field but the
    domain, each once, to a member of virDomainEvent."""
    by_msg = dict((p.msg, p) for p in procs if p.event)
    seen = {}
    for p in procs:
        if not p.event_id:
            continue
        if p.event_id in seen:
            fail('%s:%d: @event: %s is already the event of %s' %
                 (path, p.event_line, p.event_id, seen[p.event_id]))
        seen[p.event_id] = p.enum_name
        p.legacy, fields = event_body_fields(path, p, by_msg)
        if not fields or fields[0].name != 'dom' or \
           fields[0].type != 'remote_nonnull_domain':
            fail('%s:%d: @event: the message of %s has no "dom" after '
                 'the callback ID' % (path, p.event_line, p.enum_name))
        mapped = dict(p.event_map)
        if len(mapped) != len(p.event_map):
            fail('%s:%d: @event: a field is mapped twice for %s' %
                 (path, p.event_line, p.enum_name))
        for f in fields[1:]:
            if f.name not in mapped:
                fail('%s:%d: @event: field %s is not mapped for %s' %
                     (path, p.event_line, f.name, p.enum_name))
            params = f.type == 'remote_typed_param' and f.kind == 'var'
            if not params and (f.kind != 'scalar' or
                               f.type not in EVENT_FIELD_TYPES):
                fail('%s:%d: @event: field %s has type %s for %s' %
                     (path, p.event_line, f.name, f.type, p.enum_name))
            if params and mapped[f.name] != 'params':
                fail('%s:%d: @event: typed parameters come from "params" '
                     'for %s' % (path, p.event_line, p.enum_name))
            del mapped[f.name]
        if mapped:
            fail('%s:%d: @event: %s has no field %s' %
                 (path, p.event_line, p.enum_name, sorted(mapped)[0]))


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


def generate_decls(served, procs):
    """The handler prototypes (@served procedures, then the migration
    step function if @procs have generated steps), in a guarded block so
    that both headers may carry it without declaring anything twice."""
    steps = migrate_served(procs)
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
    if steps or migrate_client_entries(procs):
        w('')
        w('/* A migration step, whichever procedure carried it: @protocol')
        w(' * is 2 or 3, @entry the driver\'s entry (the structs are in')
        w(' * remote_daemon_dispatch.h). */')
        w('typedef struct _remoteMigrateWire remoteMigrateWire;')
        w('typedef struct _remoteMigrateEntry remoteMigrateEntry;')
    if steps:
        w('')
        w(wrap_call('int remoteMigrateStep',
                    ['virNetServerClient *client', 'virConn *conn',
                     'remoteMigrateWire *w', 'int protocol',
                     'const remoteMigrateEntry *entry'], ';'))
    w('')
    w('#endif /* %s */' % DECL_GUARD)
    return out


def generate_decl_header(procs, source):
    served = [p for p in procs if p.dispatch and not p.gen_server]
    out = banner(source)
    out += ['#pragma once', '']
    out += generate_decls(served, procs)
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

# A variable-length array of strings (virDomainFSFreeze's mountpoints)
# is two parameters of the entry, the strings and their count n<NAME>;
# entry_shape() gives it this type.  Only a server wrapper passes one:
# a client stub would have to check the array's bound itself.
STRING_LIST = 'remote_nonnull_string<>'

# A variable-length array of typed parameters (virDomainSaveParams' params)
# is two parameters of the entry too, the array and its count n<NAME>.  A
# server wrapper converts it with remoteDeserializeTypedParameters (which
# checks the bound again) into a local it frees after the call; the entry
# borrows it.  Only a server wrapper without a reply passes one.
PARAM_LIST = 'remote_typed_param<>'


def arg_exprs(name, typ):
    """The expressions a server wrapper passes for argument @name."""
    if typ == STRING_LIST:
        return ['(const char **)args->%s.%s_val' % (name, name),
                'args->%s.%s_len' % (name, name)]
    if typ == PARAM_LIST:
        return [name, 'n' + name]
    return [ARG_TYPES[typ][1] % {'n': name}]


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


def is_typed_params(f):
    """Whether reply field @f is a list of typed parameters: the entry
    gives an array and its count through two pointers (after the other
    outputs), which a server wrapper moves into the reply with
    remoteReplyTypedParams.  A client stub cannot take one."""
    return f.kind == 'var' and f.type == 'remote_typed_param'

# With @reply_struct, the reply's fields are copied from the members of
# the same names of the C struct the entry fills: numbers of these types,
# and fixed-size char arrays.
STRUCT_TYPES = ('int', 'unsigned int', 'hyper', 'unsigned hyper',
                'unsigned char', 'unsigned short')

# A listing (virConnectListDomains): one int argument, the caller's
# maximum, named max*, and a reply of one variable-length array of these
# types, the C type of its items.  The entry fills an array of that many
# items and returns how many it wrote; a server wrapper first checks the
# maximum against the array's bound with remoteCheckListMax.  A client
# stub cannot take one.
LIST_TYPES = {'int': 'int', 'remote_nonnull_string': 'char *'}


def list_shape(p):
    """(maximum, array) fields of a listing @p, or None."""
    a, r = p.args_fields, p.ret_fields
    if len(a) == 1 and a[0].kind == 'scalar' and a[0].type == 'int' and \
       a[0].name.startswith('max') and not p.fixed and len(r) == 1 and \
       r[0].kind == 'var' and r[0].type in LIST_TYPES:
        return a[0], r[0]
    return None


# A list of records (virNodeGetCPUStats, virDomainMemoryStats): the
# reply's first field is a variable-length array of a struct whose
# fields the @reply_struct C type names its members after (numbers, and
# strings the C type keeps in char arrays), and a number argument says
# how many records the caller wants; a server wrapper checks it against
# the array's bound with remoteCheckCount, which names the argument.
# Either the argument is named max* and the entry fills at most that
# many records and returns how many it wrote, or the argument (an int)
# and a reply field after the array are both named nparams (libvirt's
# statistics calls): the entry takes the count through a pointer and
# sets it, and a count of 0 only asks how many there are.  The entry
# takes the other arguments in their order, then the records, the count
# and flags.  A client stub cannot take one.
RECORD_TYPES = ('int', 'unsigned int', 'hyper', 'unsigned hyper',
                'remote_nonnull_string')


def record_shape(p):
    """(count argument, array, whether the count is nparams) of a list
    of records @p, or None."""
    if not p.reply_struct or p.record_fields is None:
        return None
    arr = p.ret_fields[0]
    for f in p.record_fields:
        if f.kind != 'scalar' or f.type not in RECORD_TYPES:
            gen_fail(p, 'record field %s has type %s' % (f.name, f.type))
    rest = [f.name for f in p.ret_fields[1:]]
    counts = [f for f in p.args_fields if f.kind == 'scalar' and
              (f.type == 'int' and f.name == 'nparams' if rest else
               f.type in ('int', 'unsigned int') and f.name.startswith('max'))]
    if rest not in ([], ['nparams']) or len(counts) != 1:
        gen_fail(p, 'the records %s need one number argument max*, or '
                 'an int argument nparams and a reply field nparams after '
                 'them' % arr.name)
    return counts[0], arr, bool(rest)


def record_body(p, shape, w):
    """The body of a list of records' wrapper (see record_shape())."""
    count, arr, nparams = shape
    ins, _, flags, _ = entry_shape(p, records=True)
    cargs = ['conn']
    for name, typ, value in ins:
        if name != count.name:
            cargs += [value] if typ is None else arg_exprs(name, typ)
    cargs += ['out', '&rc' if nparams else 'args->' + count.name]
    if flags:
        cargs.append(flags[2] if flags[1] is None else 'args->flags')
    val = 'ret->%s.%s_val' % (arr.name, arr.name)
    w(wrap_call('    if (remoteCheckCount', ['"%s"' % count.name,
                                             'args->' + count.name,
                                             arr.bound], ' < 0)', True))
    w('        return -1;')
    w('    out = g_new0(%s, MAX(args->%s, 1));' % (p.reply_struct,
                                                  count.name))
    if nparams:
        w('    rc = args->nparams;')
        w(wrap_call('    if (conn->driver->%s' % p.entry, cargs, ' < 0)',
                    True))
    else:
        w(wrap_call('    if ((rc = conn->driver->%s' % p.entry, cargs,
                    ') < 0)', True))
    w('        return -1;')
    if nparams:
        w('    ret->nparams = rc;')
        w('    if (args->nparams == 0)')
        w('        return 0;')
    w('    ret->%s.%s_len = rc;' % (arr.name, arr.name))
    w('    %s = g_new0(%s, MAX(rc, 1));' % (val, arr.type))
    w('    for (i = 0; i < rc; i++) {')
    for f in p.record_fields:
        src = 'out[i].%s' % f.name
        if f.type == 'remote_nonnull_string':
            src = 'g_strdup(%s)' % src
        w('        %s[i].%s = %s;' % (val, f.name, src))
    w('    }')
    w('    return 0;')


# Names the generated code uses for itself.
RESERVED = ('client', 'msg', 'conn', 'args', 'ret', 'argsp', 'retp', 'rc',
            'result', 'out', 'i')


# The migration steps: a procedure with @generate whose @entry is
# domainMigrate<Step> moves its arguments and reply, by field name, to and
# from a remoteMigrateWire (remote_daemon_dispatch.h).  The server's
# wrapper then calls the hand-written remoteMigrateStep(client, conn,
# wire, protocol, entry), the driver entry in the member of a
# remoteMigrateEntry that says the step's kind; the client gets remoteClientCall<Name>(conn, wire) and, per step, a table
# row (remoteClientMigStep: the *_PARAMS call, the positional one, the
# positional arguments it cannot do without, whether its reply carries
# a cookie) and the entry, which calls remoteClientMig<Kind>(..., row).
MIGRATE_ENTRY = re.compile(r'^domainMigrate(Begin3|Prepare3|PrepareTunnel3|'
                           r'Perform3|Finish3|Confirm3|Prepare2|Perform2|'
                           r'Finish2)$')
MIGRATE_STEP_KIND = {
    'Begin3': 'Begin', 'Prepare3': 'Prepare', 'Prepare2': 'Prepare',
    'PrepareTunnel3': 'PrepareTunnel', 'Perform3': 'OnDomain',
    'Confirm3': 'OnDomain', 'Perform2': 'OnDomain', 'Finish3': 'Finish',
    'Finish2': 'Finish',
}
# Per kind: its member of remoteMigrateEntry, and the client entry's
# return type and parameters.
MIGRATE_KIND_SIG = {
    'Begin': ('begin', 'char *',
              ['virConn *conn', 'const virDomainIdent *dom',
               'virMigrateArgs *args']),
    'Prepare': ('prepare', 'int',
                ['virConn *conn', 'virMigrateArgs *args', 'char **uriOut']),
    'PrepareTunnel': ('prepareTunnel', 'int',
                      ['virConn *conn', 'virStream *st',
                       'virMigrateArgs *args']),
    'OnDomain': ('onDomain', 'int',
                 ['virConn *conn', 'const virDomainIdent *dom',
                  'virMigrateArgs *args']),
    'Finish': ('finish', 'virDomainIdent *',
               ['virConn *conn', 'virMigrateArgs *args']),
}
# Positional string arguments that, when not optional, the client must
# have: the wire member and its remoteClientMigNeeds flag.
MIGRATE_NEEDS = {'xml': 'REMOTE_CLIENT_MIG_NEEDS_XML',
                 'uri': 'REMOTE_CLIENT_MIG_NEEDS_URI',
                 'dname': 'REMOTE_CLIENT_MIG_NEEDS_DNAME'}

# Argument and reply fields: the wire member each one travels in, and
# the way it is moved (see migrate_arg() and migrate_ret()).
MIGRATE_ARGS = {
    'dom': ('dom', 'domain'), 'params': ('params', 'params'),
    'cookie_in': ('cookiein', 'opaque'), 'cookie': ('cookiein', 'opaque'),
    'dconnuri': ('dconnuri', 'string'), 'xmlin': ('xml', 'string'),
    'dom_xml': ('xml', 'string'), 'uri_in': ('uri', 'string'),
    'uri': ('uri', 'string'), 'dname': ('dname', 'string'),
    'flags': ('flags', 'number'), 'resource': ('resource', 'number'),
    'cancelled': ('cancelled', 'number'), 'retcode': ('cancelled', 'retcode'),
}
MIGRATE_RET = {
    'cookie_out': ('cookieout', 'opaque'), 'cookie': ('cookieout', 'opaque'),
    'xml': ('xmlout', 'string'), 'uri_out': ('uriout', 'string'),
    'dom': ('domout', 'domain'), 'ddom': ('domout', 'domain'),
}
MIGRATE_KINDS = {
    'domain': lambda f: f.kind == 'scalar' and
    f.type == 'remote_nonnull_domain',
    'params': lambda f: f.kind == 'var' and f.type == 'remote_typed_param',
    'opaque': lambda f: f.kind == 'var' and f.type == 'opaque',
    'string': lambda f: f.kind == 'scalar' and
    f.type in ('remote_string', 'remote_nonnull_string'),
    'number': lambda f: f.kind == 'scalar' and
    f.type in ('int', 'unsigned int', 'unsigned hyper'),
    'retcode': lambda f: f.kind == 'scalar' and f.type == 'int',
}


def is_migrate(p):
    return bool(p.entry and MIGRATE_ENTRY.match(p.entry) and
                (p.gen_server or p.gen_client))


def migrate_step(p):
    """(step, kind, protocol) of a migration procedure."""
    step = p.entry[len('domainMigrate'):]
    return step, MIGRATE_STEP_KIND[step], int(step[-1])


def migrate_served(procs):
    """Whether a generated server wrapper serves a migration step."""
    return any(p.dispatch and p.gen_server and is_migrate(p) for p in procs)


def migrate_fields(p, fields, table):
    """[(field, wire member, how)] of @fields, refused unless each is
    known and of the right type."""
    out = []
    for f in fields:
        if f.name not in table or not MIGRATE_KINDS[table[f.name][1]](f):
            gen_fail(p, 'migration field %s of type %s' % (f.name, f.type))
        out.append((f,) + table[f.name])
    return out


def migrate_arg(f, member, how, server):
    """The statements moving argument @f between the procedure's struct
    and the wire (server: args-> into w., client: w-> into args.)."""
    n = f.name
    if how == 'domain':
        return ['w.dom = &args->%s;' % n] if server else \
            ['args.%s = *w->dom;' % n]
    if how in ('params', 'opaque'):
        length = 'nparams' if how == 'params' else 'cookieinlen'
        pre = ['w.hasParams = true;'] if server and how == 'params' else []
        if server:
            return pre + ['w.%s = args->%s.%s_val;' % (member, n, n),
                          'w.%s = args->%s.%s_len;' % (length, n, n)]
        return ['args.%s.%s_val = w->%s;' % (n, n, member),
                'args.%s.%s_len = w->%s;' % (n, n, length)]
    if how == 'retcode':
        return ['w.cancelled = args->%s != 0;' % n] if server else \
            ['args.%s = w->cancelled ? -1 : 0;' % n]
    if how == 'string' and f.type == 'remote_string':
        return ['w.%s = args->%s ? *args->%s : NULL;' % (member, n, n)] \
            if server else \
            ['args.%s = w->%s ? &w->%s : NULL;' % (n, member, member)]
    return ['w.%s = args->%s;' % (member, n)] if server else \
        ['args.%s = w->%s;' % (n, member)]


def migrate_ret(f, member, how, server):
    """The statements giving reply field @f its wire slot (server) or
    moving it there (client: the caller owns it then)."""
    n = f.name
    if how == 'opaque':
        if server:
            return ['w.cookieout = &ret->%s.%s_val;' % (n, n),
                    'w.cookieoutlen = &ret->%s.%s_len;' % (n, n)]
        return ['*w->cookieout = ret.%s.%s_val;' % (n, n),
                '*w->cookieoutlen = ret.%s.%s_len;' % (n, n)]
    return ['w.%s = &ret->%s;' % (member, n)] if server else \
        ['*w->%s = ret.%s;' % (member, n)]


def migrate_server(p, w):
    """The wrapper's body for a migration step, after the entry check."""
    for f, member, how in migrate_fields(p, p.args_fields, MIGRATE_ARGS):
        for line in migrate_arg(f, member, how, True):
            w('    ' + line)
    for f, member, how in migrate_fields(p, p.ret_fields, MIGRATE_RET):
        for line in migrate_ret(f, member, how, True):
            w('    ' + line)
    step, kind, protocol = migrate_step(p)
    w(wrap_call('    return remoteMigrateStep',
                ['client', 'conn', '&w', str(protocol),
                 '&(remoteMigrateEntry){ .%s = conn->driver->%s }' %
                 (MIGRATE_KIND_SIG[kind][0], p.entry)], ';', True))


def migrate_client(p, w):
    """remoteClientCall<Name>: the call of one migration procedure from
    the wire's arguments; on success the reply's parts are the caller's
    (through the wire's slots) and w->serial is the call's."""
    args = migrate_fields(p, p.args_fields, MIGRATE_ARGS)
    rets = migrate_fields(p, p.ret_fields, MIGRATE_RET)
    w('')
    w('')
    w('/* %s (%d), for entry %s. */' % (p.short, p.number, p.entry))
    w('static int')
    w('remoteClientCall%s(virConn *conn, remoteMigrateWire *w)' % p.camel)
    w('{')
    w('    %s args;' % p.args)
    if p.ret:
        w('    %s ret;' % p.ret)
    w('')
    w('    memset(&args, 0, sizeof(args));')
    if p.ret:
        w('    memset(&ret, 0, sizeof(ret));')
    for f, member, how in args:
        for line in migrate_arg(f, member, how, False):
            w('    ' + line)
    cargs = ['conn', p.enum_name, xdr_filter(p.args), '&args',
             xdr_filter(p.ret) if p.ret else 'NULL',
             '&ret' if p.ret else 'NULL', '&w->serial']
    if not p.ret:
        w(wrap_call('    return remoteClientCallSerial', cargs, ';', True))
        w('}')
        return
    w(wrap_call('    if (remoteClientCallSerial', cargs, ' < 0)', True))
    w('        return -1;')
    for f, member, how in rets:
        for line in migrate_ret(f, member, how, False):
            w('    ' + line)
    w('    return 0;')
    w('}')


def migrate_client_step(procs, entry, w):
    """The table row and the driver entry of migration step @entry, made
    of the calls of its procedures @procs."""
    step, kind, _ = migrate_step(procs[0])
    ptype, rtype, params = MIGRATE_KIND_SIG[kind]
    with_params = [p for p in procs if 'params' in
                   [f.name for f in p.args_fields]]
    positional = [p for p in procs if p not in with_params]
    if len(with_params) > 1 or len(positional) > 1:
        gen_fail(procs[1], 'a third procedure for entry %s' % entry)
    needs = []
    for f in (positional[0].args_fields if positional else []):
        member = MIGRATE_ARGS[f.name][0]
        if member in MIGRATE_NEEDS and f.type == 'remote_nonnull_string':
            needs.append(MIGRATE_NEEDS[member])
    cookie = any(f.name in ('cookie_out', 'cookie')
                 for p in procs for f in p.ret_fields)
    row = 'remoteClientMigStep%s' % step
    w('')
    w('')
    w('/* Entry %s: %s. */' % (entry, ', or '.join(
        '%s (%d)' % (p.short, p.number) for p in with_params + positional)))
    w('static const remoteClientMigStep %s = {' % row)
    w('    .withParams = %s,' % ('remoteClientCall%s' % with_params[0].camel
                                if with_params else 'NULL'))
    w('    .positional = %s,' % ('remoteClientCall%s' % positional[0].camel
                                if positional else 'NULL'))
    w('    .needs = %s,' % (' | '.join(sorted(needs)) or '0'))
    w('    .cookie = %s,' % str(cookie).lower())
    w('};')
    w('')
    w('static %s' % rtype)
    w(wrap_call('remoteClient' + entry[0].upper() + entry[1:], params, '',
                True))
    w('{')
    names = [re.split(r'[ *]', a)[-1] for a in params]
    w(wrap_call('    return remoteClientMig%s' % kind,
                names + ['&' + row], ';', True))
    w('}')


def migrate_client_entries(procs):
    """{entry: [procedures]} of the generated client migration steps."""
    out = {}
    for p in procs:
        if p.gen_client and is_migrate(p):
            out.setdefault(p.entry, []).append(p)
    return out


def gen_fail(p, msg):
    fail('%s:%d: %s cannot be generated: %s' %
         (p.path, p.line, p.enum_name, msg))


def entry_shape(p, records=False):
    """Classifies what the entry takes and gives back.  Returns (ins,
    outs, retfield): ins are (name, xdr type or None for a fixed value,
    fixed value) in the driver's order, flags last; outs the reply
    fields written through pointers; retfield the one reply field the
    entry returns, or None.  With @records (a list of records), only
    the arguments are classified."""
    ins = []
    flags = None
    doms = 0
    for f in p.args_fields:
        typ = f.type
        if f.kind == 'var' and f.type == 'remote_nonnull_string':
            typ = STRING_LIST
        elif is_typed_params(f):
            typ = PARAM_LIST
        elif f.kind != 'scalar' or f.type not in ARG_TYPES:
            gen_fail(p, 'argument %s has type %s' % (f.name, f.type))
        if f.name in RESERVED:
            gen_fail(p, 'argument name %s is reserved' % f.name)
        doms += f.type == 'remote_nonnull_domain'
        item = (f.name, typ, None)
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
    if records:
        return ins, outs, flags, retfield
    if p.reply_struct:
        for f in fields:
            if not (f.kind == 'scalar' and f.type in STRUCT_TYPES) and \
               not (f.kind == 'fixed' and f.type == 'char'):
                gen_fail(p, 'reply field %s has type %s' % (f.name, f.type))
    elif len(fields) == 1 and fields[0].kind == 'scalar' and \
       fields[0].type in RETURN_TYPES:
        retfield = fields[0]
    else:
        for f in fields:
            if is_typed_params(f) and f is not fields[-1]:
                gen_fail(p, 'typed parameters %s are not the last reply '
                         'field' % f.name)
            if not is_typed_params(f) and \
               (f.kind != 'scalar' or f.type not in OUT_TYPES):
                gen_fail(p, 'reply field %s has type %s' % (f.name, f.type))
            if f.name in RESERVED:
                gen_fail(p, 'reply field name %s is reserved' % f.name)
            outs.append(f)
    plists = [name for name, typ, _ in ins if typ == PARAM_LIST]
    if len(plists) > 1:
        gen_fail(p, 'more than one list of typed parameters')
    if plists and (retfield is not None or outs or p.reply_struct):
        gen_fail(p, 'typed parameters in the arguments with a reply')
    if p.ret and not p.ret_fields:
        gen_fail(p, 'the reply %s is not a struct' % p.ret)
    if p.args and not p.args_fields:
        gen_fail(p, 'the arguments %s are not a struct' % p.args)
    return ins, outs, flags, retfield


def server_call_args(p, ins, outs, flags):
    out = ['conn']
    for name, typ, value in ins:
        if typ is None:
            out.append(value)
        else:
            out += arg_exprs(name, typ)
    for f in outs:
        out.append('&%s' % f.name)
        if is_typed_params(f):
            out.append('&n%s' % f.name)
    if p.reply_struct:
        out.append('&out')
    if flags:
        name, typ, value = flags
        out.append(value if typ is None else 'args->flags')
    return out


def list_body(p, listing, w):
    """The body of a listing's wrapper (see LIST_TYPES)."""
    maxf, arr = listing
    val = 'ret->%s.%s_val' % (arr.name, arr.name)
    w(wrap_call('    if (remoteCheckListMax', ['args->' + maxf.name, arr.bound],
                ' < 0)'))
    w('        return -1;')
    w('    %s = g_new0(%s, MAX(args->%s, 1));' %
      (val, LIST_TYPES[arr.type], maxf.name))
    w(wrap_call('    if ((rc = conn->driver->%s' % p.entry,
                ['conn', val, 'args->' + maxf.name], ') < 0)', True))
    w('        return -1;')
    w('    ret->%s.%s_len = rc;' % (arr.name, arr.name))
    w('    return 0;')


def params_body(p, name, call, cargs, w):
    """The end of a wrapper whose arguments hold the typed parameters
    @name (PARAM_LIST): converted, passed, freed whatever the entry
    did."""
    f = [f for f in p.args_fields if f.name == name][0]
    w(wrap_call('    if (remoteDeserializeTypedParameters',
                ['args->%s.%s_val' % (name, name),
                 'args->%s.%s_len' % (name, name), f.bound,
                 '&' + name, '&n' + name], ' < 0)', True))
    w('        return -1;')
    w(wrap_call('    rc = %s' % call, cargs, ';', True))
    w('    virTypedParamArrayFree(%s, n%s);' % (name, name))
    w('    return rc < 0 ? -1 : 0;')


def server_body(p, w):
    """The body of a generated wrapper after the entry check: converts
    the arguments, calls the entry and fills the reply.  The reply's
    fields are written only on success."""
    listing = list_shape(p)
    if listing:
        list_body(p, listing, w)
        return
    records = record_shape(p)
    ins, outs, flags, retfield = entry_shape(p, records=bool(records))
    for name, typ, _ in ins:
        if typ == 'remote_nonnull_domain':
            w('    %s = remoteDomainFromWire(&args->%s);' % (name, name))
    if records:
        record_body(p, records, w)
        return
    call = 'conn->driver->%s' % p.entry
    cargs = server_call_args(p, ins, outs, flags)
    plists = [name for name, typ, _ in ins if typ == PARAM_LIST]
    if plists:
        params_body(p, plists[0], call, cargs, w)
        return
    if p.reply_struct:
        w(wrap_call('    if (%s' % call, cargs, ' < 0)', True))
        w('        return -1;')
        struct_copy(p, 'ret->', 'out.', w)
        w('    return 0;')
        return
    if retfield is None and not outs:
        w(wrap_call('    return %s' % call, cargs, ' < 0 ? -1 : 0;', True))
        return
    if outs:
        w(wrap_call('    if (%s' % call, cargs, ' < 0)', True))
        w('        return -1;')
        for f in outs:
            if not is_typed_params(f):
                w('    ret->%s = %s;' % (f.name, f.name))
        if is_typed_params(outs[-1]):
            n = outs[-1].name
            w(wrap_call('    return remoteReplyTypedParams',
                        [n, 'n' + n, outs[-1].bound,
                         '&ret->%s.%s_val' % (n, n),
                         '&ret->%s.%s_len' % (n, n)], ';', True))
        else:
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


def struct_copy(p, dst, src, w, terminate=False):
    """Copies the reply's fields between the C struct and the reply
    (@dst and @src prefix the names); a char array is cut to fit, and
    with @terminate ends with a NUL."""
    for f in p.ret_fields:
        if f.kind == 'scalar':
            w('    %s%s = %s%s;' % (dst, f.name, src, f.name))
            continue
        d = dst + f.name
        w(wrap_call('    memcpy', [d, src + f.name, 'MIN(sizeof(%s), '
                                   'sizeof(%s%s))' % (d, src, f.name)], ';'))
        if terminate:
            w('    %s[sizeof(%s) - 1] = \'\\0\';' % (d, d))


def server_locals(p, w):
    if list_shape(p):
        w('    int rc;')
        return
    records = record_shape(p)
    ins, outs, flags, retfield = entry_shape(p, records=bool(records))
    if records:
        w('    g_autofree %s *out = NULL;' % p.reply_struct)
    elif p.reply_struct:
        w('    %s out = { 0 };' % p.reply_struct)
    for name, typ, _ in ins:
        if typ == 'remote_nonnull_domain':
            w('    g_autoptr(virDomainIdent) %s = NULL;' % name)
        elif typ == PARAM_LIST:
            w('    virTypedParameterPtr %s = NULL;' % name)
            w('    int n%s = 0;' % name)
    if records:
        w('    int rc;')
        w('    int i;')
        return
    if any(typ == PARAM_LIST for _, typ, _ in ins):
        w('    int rc;')
    for f in outs:
        if is_typed_params(f):
            w('    virTypedParameterPtr %s = NULL;' % f.name)
            w('    int n%s = 0;' % f.name)
        else:
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
    if typed and is_migrate(p):
        w('    remoteMigrateWire w = { 0 };')
    elif typed:
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
    if typed and is_migrate(p):
        migrate_server(p, w)
    elif typed:
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
    out += generate_decls([p for p in served if not p.gen_server], procs)

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
    if list_shape(p):
        gen_fail(p, 'a client stub cannot take the listing %s' %
                 p.ret_fields[0].name)
    if record_shape(p):
        gen_fail(p, 'a client stub cannot take the records %s' %
                 p.ret_fields[0].name)
    ins, outs, flags, retfield = entry_shape(p)
    for name, typ, _ in ins:
        if typ in (STRING_LIST, PARAM_LIST):
            gen_fail(p, 'a client stub cannot take the list %s' % name)
    for f in outs:
        if is_typed_params(f):
            gen_fail(p, 'a client stub cannot return the typed '
                     'parameters %s' % f.name)
    params = ['virConn *conn']
    for name, typ, _ in ins + ([flags] if flags else []):
        params.append('%s%s%s' % (ARG_TYPES[typ][0],
                                  '' if ARG_TYPES[typ][0].endswith('*')
                                  else ' ', name))
    for f in outs:
        params.insert(len(params) - (1 if flags else 0),
                      '%s *%s' % (OUT_TYPES[f.type], f.name))
    if p.reply_struct:
        params.insert(len(params) - (1 if flags else 0),
                      '%s *out' % p.reply_struct)
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
    if p.reply_struct:
        w('    memset(out, 0, sizeof(*out));')
        struct_copy(p, 'out->', 'ret.', w, terminate=True)
        w('    return 0;')
    elif outs:
        for f in outs:
            w('    if (%s)' % f.name)
            w('        *%s = ret.%s;' % (f.name, f.name))
        w('    return 0;')
    elif retfield.type == 'remote_nonnull_domain':
        w('    result = remoteDomainFromWire(&ret.%s);' % retfield.name)
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
    w(' * once, where remoteClientCall, remoteClientFillDomain,')
    w(' * remoteDomainFromWire and the remoteClientMig helpers are')
    w(' * declared. */')
    for p in stubs:
        if is_migrate(p):
            migrate_client(p, w)
        else:
            client_stub(p, w)
    steps = migrate_client_entries(procs)
    for entry, sprocs in steps.items():
        migrate_client_step(sprocs, entry, w)
    members = [(p.number, p.entry) for p in stubs if not is_migrate(p)]
    members += [(min(p.number for p in sprocs), entry)
                for entry, sprocs in steps.items()]
    w('')
    w('')
    w('/* Their members of the driver table. */')
    w('#define REMOTE_CLIENT_GENERATED_ENTRIES%s' % (' \\' if members else ''))
    for i, (_, entry) in enumerate(sorted(members)):
        last = i == len(members) - 1
        w('    .%s = remoteClient%s%s,%s' % (entry, entry[0].upper(), entry[1:],
                                            '' if last else ' \\'))
    return '\n'.join(out) + '\n'


def event_fn(p):
    return 'remoteEventEncode' + ''.join(
        w.capitalize() for w in p.event_id[len('VIR_DOMAIN_EVENT_ID_'):]
        .lower().split('_'))


def event_message(p, data, head):
    """The statement returning @p's message made of @data."""
    return wrap_call(head + 'remoteEventMessage',
                     [p.enum_name, xdr_filter(p.msg), data], ';')


def event_encoder(p, w):
    """The encoder of one event: fills the message from the event and
    makes the packet; the legacy message goes to a legacy registration,
    which gets nothing for an event that has none."""
    legacy = p.legacy
    fields = (legacy.msg_fields if legacy else p.msg_fields[1:])[1:]
    body = 'data.msg.' if legacy else 'data.'
    mapped = dict(p.event_map)
    params = [f for f in fields if f.type == 'remote_typed_param']
    w('')
    w('')
    w('/* %s: %s (%d),' % (p.event_id, p.short, p.number))
    if legacy:
        w(' * or %s (%d) to a legacy registration. */' %
          (legacy.short, legacy.number))
    else:
        w(' * to callback registrations only. */')
    w('static virNetMessage *')
    w(wrap_call(event_fn(p), [
        'const virDomainEvent *event' + ('' if fields else ' G_GNUC_UNUSED'),
        'const remoteEventCallback *cb', 'remote_nonnull_domain dom'], ''))
    w('{')
    w('    %s data = { 0 };' % p.msg)
    if params:
        w('    virNetMessage *msg;')
    w('')
    if not legacy:
        w('    if (cb->legacy)')
        w('        return NULL;')
    w('    data.callbackID = cb->callbackID;')
    w('    %sdom = dom;' % body)
    for f in fields:
        if f in params:
            continue
        w('    %s%s = %s;' % (body, f.name,
                             EVENT_FIELD_TYPES[f.type] % {'m': mapped[f.name]}))
    for f in params:
        w(wrap_call('    if (remoteEventParams', [
            'event', f.bound, '&%s%s.%s_val' % (body, f.name, f.name),
            '&%s%s.%s_len' % (body, f.name, f.name)], ' < 0)'))
        w('        return NULL;')
    if legacy:
        w('    if (cb->legacy)')
        w(event_message(legacy, '&data.msg', '        return '))
    if not params:
        w(event_message(p, '&data', '    return '))
        w('}')
        return
    w(event_message(p, '&data', '    msg = '))
    for f in params:
        w('    remoteTypedParamsFreeWire(%s%s.%s_val, %s%s.%s_len);' %
          (body, f.name, f.name, body, f.name, f.name))
    w('    return msg;')
    w('}')


def generate_events(procs, source):
    """The domain event encoders of the procedures with @event, and
    remoteEventEncodeAny() choosing among them."""
    events = sorted((p for p in procs if p.event_id), key=lambda x: x.number)
    out = banner(source)
    w = out.append
    w('#pragma once')
    w('')
    w('/* The domain event encoders generated from the .x: include once,')
    w(' * where remoteEventMessage, remoteEventStr and remoteEventParams')
    w(' * are defined. */')
    if not events:
        return '\n'.join(out) + '\n'
    for p in events:
        event_encoder(p, w)
    w('')
    w('')
    w('/* The message telling registration @cb about @event (caller owns')
    w(' * it), or NULL: none for this registration or event, or not')
    w(' * encodable (logged).  @dom is the event\'s domain (borrowed). */')
    w('static virNetMessage *')
    w(wrap_call('remoteEventEncodeAny', [
        'const virDomainEvent *event', 'const remoteEventCallback *cb',
        'remote_nonnull_domain dom'], ''))
    w('{')
    w('    switch (event->eventID) {')
    for p in events:
        w('    case %s:' % p.event_id)
        w('        return %s(event, cb, dom);' % event_fn(p))
    w('    }')
    w('    return NULL;')
    w('}')
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
    ap.add_argument('--event-output', metavar='FILE',
                    help='also write the domain event encoders to FILE')
    ap.add_argument('--check-event', metavar='EXPECTED',
                    help='compare the event encoders with EXPECTED')
    ap.add_argument('protocol', help='the .x protocol file')
    opts = ap.parse_args(argv[1:])
    prog = os.path.basename(argv[0])

    try:
        procs, unserved = load_procs(opts.protocol)
        text = generate(procs, unserved, opts.protocol)
        decl = generate_decl_header(procs, opts.protocol)
        client = generate_client(procs, opts.protocol)
        events = generate_events(procs, opts.protocol)
    except (xdrparse.XdrError, OSError) as e:
        sys.stderr.write('%s: error: %s\n' % (prog, e))
        return 1

    if opts.check or opts.check_decl or opts.check_client or \
       opts.check_event:
        ok = True
        if opts.check:
            ok = check_file(opts.check, text) and ok
        if opts.check_decl:
            ok = check_file(opts.check_decl, decl) and ok
        if opts.check_client:
            ok = check_file(opts.check_client, client) and ok
        if opts.check_event:
            ok = check_file(opts.check_event, events) and ok
        return 0 if ok else 1

    if opts.output:
        write_file(opts.output, text)
    else:
        sys.stdout.write(text)
    if opts.decl_output:
        write_file(opts.decl_output, decl)
    if opts.client_output:
        write_file(opts.client_output, client)
    if opts.event_output:
        write_file(opts.event_output, events)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
