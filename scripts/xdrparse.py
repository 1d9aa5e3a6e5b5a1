#
# xdrparse.py: a small parser for the XDR language subset our .x files use
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by gendispatch.py and genxdrtest.py.  It understands const,
# typedef, enum, struct and union (RFC 4506 section 6) with the
# declaration forms rpcgen accepts, skips "%" pass-through lines, and
# keeps each "/** ... */" comment so that a generator can read the
# annotations written in front of an enum member.  Errors are raised as
# XdrError carrying "file:line: message".

import re


class XdrError(Exception):
    pass


class Decl:
    """One declaration: 'type name', 'type name[n]', 'type name<n>',
    'type *name' or void.

    kind is 'scalar', 'fixed' (fixed array / opaque), 'var' (variable
    array, opaque or string), 'ptr' (optional) or 'void'."""

    def __init__(self, typ, name, kind, bound, line):
        self.type = typ
        self.name = name
        self.kind = kind
        self.bound = bound
        self.line = line

    def __repr__(self):
        return 'Decl(%s %s %s %s)' % (self.type, self.name, self.kind,
                                      self.bound)


class Struct:
    def __init__(self, name, fields, line):
        self.name = name
        self.fields = fields
        self.line = line


class Union:
    def __init__(self, name, disc, arms, default, line):
        self.name = name
        self.disc = disc        # Decl of the discriminant
        self.arms = arms        # [(case label, Decl)]
        self.default = default  # Decl or None
        self.line = line


class EnumMember:
    def __init__(self, name, value, line, doc, docline):
        self.name = name
        self.value = value      # the text after '=', unevaluated
        self.line = line
        self.doc = doc          # the /** */ comment right before, or None
        self.docline = docline


class Enum:
    def __init__(self, name, members, line):
        self.name = name
        self.members = members
        self.line = line


class XdrFile:
    def __init__(self, path):
        self.path = path
        self.consts = {}        # name -> (value text, line)
        self.typedefs = {}      # name -> Decl
        self.structs = {}       # name -> Struct, in file order
        self.unions = {}
        self.enums = {}
        self.order = []         # (kind, name) in file order


BASE_TYPES = {
    'int', 'unsigned int', 'hyper', 'unsigned hyper', 'char',
    'unsigned char', 'short', 'unsigned short', 'float', 'double',
    'bool', 'opaque', 'string', 'unsigned',
}

_TOKEN_RE = re.compile(r'''
    (?P<doc>/\*\*(?!/).*?\*/)
  | (?P<comment>/\*.*?\*/)
  | (?P<linecomment>//[^\n]*)
  | (?P<passthru>^[ \t]*%[^\n]*)
  | (?P<ws>\s+)
  | (?P<num>-?(?:0[xX][0-9a-fA-F]+|\d+))
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<punct>[{}()\[\]<>;:,=*])
''', re.S | re.M | re.X)


class _Tok:
    def __init__(self, kind, text, line):
        self.kind = kind
        self.text = text
        self.line = line


def _tokenize(path, text):
    pos = 0
    line = 1
    toks = []
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise XdrError('%s:%d: unexpected character %r' %
                           (path, line, text[pos]))
        kind = m.lastgroup
        s = m.group(kind)
        if kind in ('doc', 'num', 'ident', 'punct'):
            toks.append(_Tok(kind, s, line))
        line += s.count('\n')
        pos = m.end()
    toks.append(_Tok('eof', '', line))
    return toks


class _Parser:
    def __init__(self, path, text):
        self.path = path
        self.toks = _tokenize(path, text)
        self.i = 0
        self.out = XdrFile(path)

    def error(self, msg, line=None):
        if line is None:
            line = self.peek().line
        raise XdrError('%s:%d: %s' % (self.path, line, msg))

    def peek(self, skipdoc=True):
        j = self.i
        while skipdoc and self.toks[j].kind == 'doc':
            j += 1
        return self.toks[j]

    def next(self, skipdoc=True):
        while skipdoc and self.toks[self.i].kind == 'doc':
            self.i += 1
        t = self.toks[self.i]
        if t.kind != 'eof':
            self.i += 1
        return t

    def expect(self, text):
        t = self.next()
        if t.text != text:
            self.error('expected %r, found %r' % (text, t.text or 'end of file'),
                       t.line)
        return t

    def ident(self):
        t = self.next()
        if t.kind != 'ident':
            self.error('expected a name, found %r' % (t.text or 'end of file'),
                       t.line)
        return t

    def value(self):
        t = self.next()
        if t.kind not in ('num', 'ident'):
            self.error('expected a value, found %r' % t.text, t.line)
        return t.text

    def typespec(self):
        t = self.ident()
        if t.text == 'unsigned':
            nxt = self.peek()
            if nxt.text in ('int', 'hyper', 'char', 'short'):
                self.next()
                return 'unsigned ' + nxt.text, t.line
            return 'unsigned int', t.line
        if t.text in ('struct', 'union', 'enum'):
            self.error('inline %s definitions are not supported' % t.text,
                       t.line)
        return t.text, t.line

    def declaration(self):
        if self.peek().text == 'void':
            t = self.next()
            return Decl('void', None, 'void', None, t.line)
        typ, line = self.typespec()
        if self.peek().text == '*':
            self.next()
            return Decl(typ, self.ident().text, 'ptr', None, line)
        name = self.ident().text
        nxt = self.peek().text
        if nxt == '[':
            self.next()
            bound = self.value()
            self.expect(']')
            return Decl(typ, name, 'fixed', bound, line)
        if nxt == '<':
            self.next()
            bound = None
            if self.peek().text != '>':
                bound = self.value()
            self.expect('>')
            return Decl(typ, name, 'var', bound, line)
        if typ in ('opaque', 'string'):
            self.error('%s needs a size' % typ, line)
        return Decl(typ, name, 'scalar', None, line)

    def define(self, kind, name, obj, line):
        table = getattr(self.out, {'const': 'consts', 'typedef': 'typedefs',
                                   'struct': 'structs', 'union': 'unions',
                                   'enum': 'enums'}[kind])
        for other in ('consts', 'typedefs', 'structs', 'unions', 'enums'):
            if name in getattr(self.out, other):
                self.error('%s defined twice' % name, line)
        table[name] = obj
        self.out.order.append((kind, name))

    def parse_enum_body(self, name, line):
        members = []
        self.expect('{')
        while True:
            doc = None
            docline = None
            while self.toks[self.i].kind == 'doc':
                doc = self.toks[self.i].text
                docline = self.toks[self.i].line
                self.i += 1
            if self.peek().text == '}':
                break
            t = self.ident()
            self.expect('=')
            val = self.value()
            members.append(EnumMember(t.text, val, t.line, doc, docline))
            if self.peek().text == ',':
                self.next()
                continue
            if self.peek().text != '}':
                self.error("expected ',' or '}' after %s" % t.text)
        self.expect('}')
        return Enum(name, members, line)

    def parse(self):
        while self.peek().kind != 'eof':
            t = self.ident()
            if t.text == 'const':
                name = self.ident().text
                self.expect('=')
                self.define('const', name, (self.value(), t.line), t.line)
            elif t.text == 'typedef':
                d = self.declaration()
                if d.kind == 'void':
                    self.error('typedef of void', t.line)
                self.define('typedef', d.name, d, t.line)
            elif t.text == 'enum':
                name = self.ident().text
                self.define('enum', name, self.parse_enum_body(name, t.line),
                            t.line)
            elif t.text == 'struct':
                name = self.ident().text
                fields = []
                self.expect('{')
                while self.peek().text != '}':
                    fields.append(self.declaration())
                    self.expect(';')
                self.expect('}')
                if not fields:
                    self.error('struct %s is empty' % name, t.line)
                self.define('struct', name, Struct(name, fields, t.line),
                            t.line)
            elif t.text == 'union':
                name = self.ident().text
                self.expect('switch')
                self.expect('(')
                disc = self.declaration()
                self.expect(')')
                self.expect('{')
                arms = []
                default = None
                while self.peek().text != '}':
                    c = self.ident()
                    if c.text == 'default':
                        self.expect(':')
                        default = self.declaration()
                    elif c.text == 'case':
                        label = self.value()
                        self.expect(':')
                        arms.append((label, self.declaration()))
                    else:
                        self.error("expected 'case' or 'default'", c.line)
                    self.expect(';')
                self.expect('}')
                self.define('union', name,
                            Union(name, disc, arms, default, t.line), t.line)
            else:
                self.error('unexpected %r at top level' % t.text, t.line)
            self.expect(';')
        return self.out


def parse_file(path):
    """Parses the .x file at @path; raises XdrError on bad input."""
    with open(path) as f:
        text = f.read()
    return _Parser(path, text).parse()


def parse_annotations(path, member):
    """Returns {key: (value, line)} from the /** */ block in front of
    @member, or None when there is none.  Each annotation is a line of
    the form "* @key: value"; other lines are ignored."""
    if member.doc is None:
        return None
    notes = {}
    for n, text in enumerate(member.doc.split('\n')):
        m = re.match(r'\s*(?:/\*\*)?\s*\*?\s*@(\w+)\s*:\s*(.*?)\s*(?:\*/)?\s*$',
                     text)
        if not m:
            continue
        line = member.docline + n
        key = m.group(1)
        if key in notes:
            raise XdrError('%s:%d: annotation @%s given twice for %s' %
                           (path, line, key, member.name))
        notes[key] = (m.group(2), line)
    return notes
