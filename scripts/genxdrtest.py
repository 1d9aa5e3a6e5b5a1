#!/usr/bin/env python3
#
# genxdrtest.py: generate the fill functions of tests/xdrtest.c
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: genxdrtest.py -o OUTPUT.h PROTOCOL.x...
#
# For every struct of the given .x files this writes a C function that
# fills an rpcgen object of that type with distinctive values, and one
# table entry naming the golden file its encoding is compared with
# (xdrdata/<struct>.bin).  Structs holding optional values or variable
# arrays get a second, "-empty" variant in which every optional value is
# absent and every variable array or opaque is empty (strings, which
# cannot be absent, are "").
#
# Values come from a counter that restarts for each struct, so adding a
# struct to a .x file never changes the goldens of the others.  Each
# variable array holds two elements, or one per arm when its elements
# contain a union, so that a list of typed parameters exercises all
# seven value types.
#
# The heap parts are allocated with GLib, whose allocator is the system
# malloc, so xdr_free() can release them.

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xdrparse  # noqa: E402

CTYPES = {
    'int': 'int',
    'unsigned int': 'u_int',
    'hyper': 'int64_t',
    'unsigned hyper': 'uint64_t',
    'char': 'char',
    'unsigned char': 'u_char',
    'short': 'short',
    'unsigned short': 'u_short',
    'float': 'float',
    'double': 'double',
    'bool': 'bool_t',
}


def c_string(data):
    """A C string literal for the bytes @data (no terminator implied)."""
    out = '"'
    prev_hex = False
    for b in data:
        c = chr(b)
        if c == '"' or c == '\\':
            out += '\\' + c
            prev_hex = False
        elif 32 <= b < 127 and not (prev_hex and c in '0123456789abcdefABCDEF'):
            out += c
            prev_hex = False
        else:
            out += '\\x%02x' % b
            prev_hex = True
    return out + '"'


class Gen:
    def __init__(self, files):
        self.types = {}
        self.files = files
        for f in files:
            for table in ('typedefs', 'structs', 'unions', 'enums'):
                for name, obj in getattr(f, table).items():
                    if name in self.types:
                        raise xdrparse.XdrError('%s: %s defined twice' %
                                                (f.path, name))
                    self.types[name] = (table, obj)
        self.lines = []
        self.k = 0

    # -- helpers -----------------------------------------------------------

    def emit(self, text):
        self.lines.append('    ' + text)

    def tick(self):
        self.k += 1
        return self.k

    def kind_of(self, typ):
        if typ in CTYPES or typ in ('opaque', 'string'):
            return 'base'
        if typ not in self.types:
            raise xdrparse.XdrError('unknown type %s' % typ)
        return self.types[typ][0]

    def ctype(self, typ):
        return CTYPES.get(typ, typ)

    def has_optional(self, typ, seen=None):
        """Whether an object of @typ holds anything that the empty
        variant leaves out."""
        seen = seen or set()
        if typ in seen:
            return False
        seen = seen | {typ}
        kind = self.kind_of(typ)
        if kind == 'typedefs':
            d = self.types[typ][1]
            return self.decl_optional(d, seen)
        if kind == 'structs':
            return any(self.decl_optional(d, seen)
                       for d in self.types[typ][1].fields)
        if kind == 'unions':
            u = self.types[typ][1]
            return any(self.decl_optional(d, seen) for _, d in u.arms)
        return False

    def decl_optional(self, d, seen):
        if d.kind == 'ptr':
            return True
        if d.kind == 'var' and d.type != 'string':
            return True
        if d.kind == 'void':
            return False
        return self.has_optional(d.type, seen)

    def union_arms(self, typ, seen=None):
        """Number of arms of the first union found inside @typ, or 0."""
        seen = seen or set()
        if typ in seen or self.kind_of(typ) == 'base':
            return 0
        seen = seen | {typ}
        kind, obj = self.types[typ]
        if kind == 'unions':
            return len(obj.arms)
        if kind == 'typedefs':
            return self.union_arms(obj.type, seen)
        if kind == 'structs':
            for d in obj.fields:
                n = self.union_arms(d.type, seen)
                if n:
                    return n
        return 0

    # -- fill code ---------------------------------------------------------

    def fill_decl(self, expr, d, label, empty, arm=None):
        """Statements filling lvalue @expr declared as @d.  @label names
        the field in generated strings; @arm picks a union arm."""
        if d.kind == 'void':
            return
        if d.kind == 'scalar':
            if self.kind_of(d.type) == 'typedefs':
                td = self.types[d.type][1]
                self.fill_decl(expr, td, label, empty, arm)
            else:
                self.fill_value(expr, d.type, label, empty, arm)
        elif d.kind == 'ptr':
            if empty:
                self.emit('%s = NULL;' % expr)
                return
            self.emit('%s = g_new0(%s, 1);' % (expr, self.ctype(d.type)))
            self.fill_value('(*%s)' % expr, d.type, label, empty, arm)
        elif d.kind == 'fixed':
            if d.type == 'opaque':
                self.emit('xdrTestFillBytes(%s, %s, %d);' %
                          (expr, d.bound, self.tick()))
            elif d.type == 'char':
                text = '%s-%d fixed char array' % (label, self.tick())
                self.emit('xdrTestFillChars(%s, %s, %s);' %
                          (expr, d.bound, c_string(text.encode())))
            else:
                raise xdrparse.XdrError('%s:%d: fixed arrays of %s are not '
                                        'supported' % ('?', d.line, d.type))
        elif d.kind == 'var':
            self.fill_var(expr, d, label, empty)

    def fill_var(self, expr, d, label, empty):
        if d.type == 'string':
            text = '' if empty else '%s-%d' % (label, self.tick())
            self.emit('%s = g_strdup(%s);' % (expr, c_string(text.encode())))
            return
        length = '%s.%s_len' % (expr, d.name)
        val = '%s.%s_val' % (expr, d.name)
        if empty:
            self.emit('%s = 0;' % length)
            self.emit('%s = NULL;' % val)
            return
        if d.type in ('opaque', 'char'):
            # Binary content: a NUL and a high byte among the text; the
            # char variant ends with the NUL the API strings carry.
            k = self.tick()
            if d.type == 'opaque':
                data = b'%s\x00\xff%d' % (label.encode(), k)
            else:
                data = b'%s-%d\x00' % (label.encode(), k)
            self.emit('%s = %d;' % (length, len(data)))
            self.emit('%s = xdrTestDup(%s, %d);' %
                      (val, c_string(data), len(data)))
            return
        arms = self.union_arms(d.type)
        n = arms or 2
        self.emit('%s = %d;' % (length, n))
        self.emit('%s = g_new0(%s, %d);' % (val, self.ctype(d.type), n))
        for i in range(n):
            elem = xdrparse.Decl(d.type, d.name, 'scalar', None, d.line)
            self.fill_decl('%s[%d]' % (val, i), elem, label, False,
                           arm=i if arms else None)

    def fill_value(self, expr, typ, label, empty, arm):
        kind = self.kind_of(typ)
        if kind == 'typedefs':
            self.fill_decl(expr, self.types[typ][1], label, empty, arm)
        elif kind == 'structs':
            for f in self.types[typ][1].fields:
                self.fill_decl('%s.%s' % (expr, f.name), f,
                               f.name, empty, arm)
        elif kind == 'unions':
            u = self.types[typ][1]
            idx = arm if arm is not None else self.tick() % len(u.arms)
            case, ad = u.arms[idx]
            self.emit('%s.%s = %s;' % (expr, u.disc.name, case))
            if ad.kind != 'void':
                self.fill_decl('%s.%s_u.%s' % (expr, u.name, ad.name), ad,
                               label, empty)
        elif kind == 'enums':
            members = self.types[typ][1].members
            self.emit('%s = %s;' %
                      (expr, members[self.tick() % len(members)].name))
        else:
            self.emit('%s = %s;' % (expr, self.scalar(typ)))

    def scalar(self, typ):
        k = self.tick()
        if typ == 'int':
            if k % 2:
                return '-%d' % (k * 1000 + 7)
            return '0x%08x' % ((k % 100) * 0x01010101)
        if typ == 'unsigned int':
            return '0x%08xU' % (0x80000000 + k)
        if typ == 'hyper':
            return '-0x%016xLL' % (0x0102030405060708 + k)
        if typ == 'unsigned hyper':
            return '0x%016xULL' % (0xf0e0d0c0b0a09080 + k)
        if typ == 'unsigned char':
            return '0x%02x' % (0x80 + k % 100)
        if typ == 'char':
            return "'%s'" % chr(ord('A') + k % 26)
        if typ == 'short':
            return '-%d' % (300 + k)
        if typ == 'unsigned short':
            return '0x%04x' % (0xff00 + k % 256)
        if typ in ('double', 'float'):
            return '%d.25' % k
        if typ == 'bool':
            return 'TRUE'
        raise xdrparse.XdrError('cannot fill a value of type %s' % typ)

    @staticmethod
    def tidy(line):
        """Rewrites "(*x).y" as "x->y" and "(*x) =" as "*x ="."""
        prev = None
        while prev != line:
            prev = line
            line = re.sub(r'\(\*([\w>.\[\]-]+)\)\.', r'\1->', line)
        return re.sub(r'^(\s*)\(\*([\w>.\[\]-]+)\) =', r'\1*\2 =', line)

    def struct_fill(self, name, empty):
        self.lines = []
        self.k = 0
        self.fill_value('(*p)', name, name, empty, None)
        fn = 'xdrTestFill_%s%s' % (name, '_empty' if empty else '')
        body = [self.tidy(l) for l in self.lines]
        return fn, (['static void', '%s(void *opaque)' % fn, '{',
                     '    %s *p = opaque;' % name, ''] + body + ['}'])

    def generate(self, sources):
        out = ['/* Generated by scripts/genxdrtest.py from %s: do not edit. */'
               % ', '.join(os.path.basename(s) for s in sources), '']
        cases = []
        for f in self.files:
            for kind, name in f.order:
                if kind != 'struct':
                    continue
                variants = [False]
                if self.has_optional(name):
                    variants.append(True)
                for empty in variants:
                    fn, body = self.struct_fill(name, empty)
                    out += body + ['', '']
                    cases.append((name + ('-empty' if empty else ''),
                                  name, fn))
        out.append('static const xdrTestCase xdrTestCases[] = {')
        for golden, name, fn in cases:
            out.append('    { "%s", sizeof(%s), (xdrproc_t)xdr_%s, %s },' %
                       (golden, name, name, fn))
        out.append('};')
        return '\n'.join(out) + '\n'


def main(argv):
    ap = argparse.ArgumentParser(description='Generate xdrtest fill code.')
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('protocols', nargs='+')
    opts = ap.parse_args(argv[1:])
    try:
        files = [xdrparse.parse_file(p) for p in opts.protocols]
        text = Gen(files).generate(opts.protocols)
    except (xdrparse.XdrError, OSError) as e:
        sys.stderr.write('%s: error: %s\n' % (os.path.basename(argv[0]), e))
        return 1
    tmp = opts.output + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, opts.output)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
