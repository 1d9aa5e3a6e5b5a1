#!/usr/bin/env python3
#
# check-phase-writes.py: only the migration phase funnel writes a phase
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A migration phase is saved in the status XML before the action it names
# (STYLE.md rule 32, DESIGN.md invariant 2).  That holds only if every
# phase change goes through qemuMigrationJobPhaseWrite(), which checks the
# transition table, logs and saves.  This script fails when any other code
# under src/ assigns a "phase" field, increments it, or takes its address.
#
# usage: check-phase-writes.py SRCDIR      check SRCDIR/src
#        check-phase-writes.py --self-test check the checker

import os
import re
import sys

# (file, function) -> why it may write the phase
ALLOWED = {
    ('src/qemu/qemu_migration_job.c', 'qemuMigrationJobPhaseWrite'):
        'the funnel itself',
    ('src/conf/virdomainjob.c', 'virDomainObjResetAsyncJob'):
        'an ended job has no phase (reset to none)',
    ('src/conf/virdomainjob.c', 'virDomainObjPreserveJob'):
        'moves the loaded phase into the saved job for recovery',
    ('src/conf/virdomainjob.c', 'virDomainJobObjParseAsync'):
        'loads the phase the funnel saved in the status XML',
}

FIELD = r'(?:->|\.)\s*phase\b'
WRITES = [
    re.compile(FIELD + r'\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)'),   # = and op=
    re.compile(FIELD + r'\s*(?:\+\+|--)'),                    # x->phase++
    re.compile(r'(?:\+\+|--)\s*[\w\[\]().>-]*' + FIELD),      # ++x->phase
    re.compile(r'&\s*\(?\s*[\w\[\]().>-]*' + FIELD),          # &x->phase
]
FUNC_START = re.compile(r'^([A-Za-z_]\w*)\s*\(')
NOT_FUNCS = {'if', 'for', 'while', 'switch', 'return', 'sizeof'}


def strip_comments_and_strings(text):
    """Blanks comments, string and char literals, keeping line numbers."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:end]))
            i = end
        elif text.startswith('//', i):
            end = text.find('\n', i)
            end = n if end < 0 else end
            out.append(' ' * (end - i))
            i = end
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (min(j, n) - i - 1) + (c if j < n else ''))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def check_text(relpath, text):
    """Returns a list of "file:line: function: code" violations."""
    problems = []
    func = None
    lines = strip_comments_and_strings(text).split('\n')
    for lineno, line in enumerate(lines, 1):
        m = FUNC_START.match(line)
        if m and m.group(1) not in NOT_FUNCS:
            func = m.group(1)
        elif line.startswith('}'):
            func = None
        if not any(w.search(line) for w in WRITES):
            continue
        if (relpath, func) in ALLOWED:
            continue
        problems.append('%s:%d: %s: %s' % (relpath, lineno, func or '-',
                                           line.strip()))
    return problems


def check_tree(srcdir):
    problems = []
    seen = set()
    for root, _dirs, files in os.walk(os.path.join(srcdir, 'src')):
        for name in sorted(files):
            if not name.endswith(('.c', '.h')):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, srcdir)
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            for (file, func) in ALLOWED:
                if file == rel and re.search(r'^%s\s*\(' % func, text, re.M):
                    seen.add((file, func))
            problems += check_text(rel, text)
    # an allowance for code that no longer exists hides nothing but is
    # stale: report it so the list stays exact
    for key in sorted(set(ALLOWED) - seen):
        problems.append('%s: allowed writer %s() not found' % key)
    return problems


SELF_TEST = {
    # (source, should be reported)
    'vm->job->phase = 3;': True,
    'job->phase=old;': True,
    'vm->job->phase += 1;': True,
    'vm->job->phase++;': True,
    '++vm->job->phase;': True,
    'int *p = &vm->job->phase;': True,
    'int *p = &(vm->job->phase);': True,
    'saved.phase = cur.phase;': True,
    'if (vm->job->phase == 3) return;': False,
    'if (job->phase != phase) x = 1;': False,
    'x = vm->job->phase;': False,
    'f(vm->job->phase <= 2);': False,
    '/* vm->job->phase = 3; */': False,
    'VIR_DEBUG("phase = %d", x);': False,
    'vm->job->phases = 1;': False,
}


def self_test():
    failed = 0
    for code, bad in SELF_TEST.items():
        text = 'static void\nfoo(void)\n{\n    %s\n}\n' % code
        got = bool(check_text('src/x.c', text))
        if got != bad:
            print('self-test: %r: expected %s' % (code, bad))
            failed += 1
    allowed = ('static int\nqemuMigrationJobPhaseWrite(void)\n{\n'
               '    job->phase = phase;\n}\n')
    if check_text('src/qemu/qemu_migration_job.c', allowed):
        print('self-test: the funnel was reported')
        failed += 1
    if not check_text('src/qemu/qemu_migration_job.c',
                      allowed.replace('PhaseWrite', 'SetPhase')):
        print('self-test: another function of the funnel file was allowed')
        failed += 1
    return 1 if failed else 0


def main(argv):
    if len(argv) == 2 and argv[1] == '--self-test':
        return self_test()
    if len(argv) != 2:
        print('usage: %s SRCDIR | --self-test' % argv[0], file=sys.stderr)
        return 2
    problems = check_tree(argv[1])
    for p in problems:
        print(p)
    if problems:
        print('Migration phases may only be written by '
              'qemuMigrationJobPhaseWrite() (see scripts/check-phase-writes.py)')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
