#!/usr/bin/env python3
#
# genprotocol.py: run rpcgen on a .x protocol file and tidy its output
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: genprotocol.py RPCGEN -h|-c INPUT.x OUTPUT
#
# rpcgen's output needs a few touch-ups before it suits this tree:
#
#  - the .c file includes the header by the path rpcgen was given
#    ("../src/rpc/foo.h"); the header is generated into the build dir
#    next to the .c, so include it by its base name;
#  - rpcgen spells 64-bit integers quad_t / u_quad_t (and their xdr_
#    filters), which are BSD leftovers; use int64_t / uint64_t, which
#    libtirpc also provides filters for;
#  - with inline code disabled (-i 0, see below) the "register int32_t
#    *buf;" declarations are never used, so drop them;
#  - every .c in the tree includes <config.h> first;
#  - strings, opaque byte strings and variable arrays are decoded with
#    virxdrbound.h's filters, which refuse a declared length the rest of
#    the message cannot hold before allocating for it.
#
# Inline code is disabled because the inlined encoders use the IXDR_*
# macros, which are easy to get wrong across XDR implementations and
# gain nothing measurable for our message sizes.

import os
import re
import subprocess
import sys


def fixup(text, mode):
    text = re.sub(r'#include ".*/([^/"]+\.h)"', r'#include "\1"', text)
    text = text.replace('u_quad_t', 'uint64_t')
    text = text.replace('quad_t', 'int64_t')
    text = re.sub(r'^\s*register int32_t \*buf;\n', '', text, flags=re.M)
    text = text.replace('\t', '    ')
    if mode == '-c':
        text = re.sub(r'\bxdr_(string|bytes|array) \(',
                      lambda m: 'virXDR%s (' % m.group(1).capitalize(), text)
        text = '#include <config.h>\n#include "virxdrbound.h"\n' + text
    return text


def main(argv):
    if len(argv) != 5 or argv[2] not in ('-h', '-c'):
        sys.stderr.write('usage: %s RPCGEN -h|-c INPUT.x OUTPUT\n' % argv[0])
        return 2
    rpcgen, mode, infile, outfile = argv[1:]

    proc = subprocess.run([rpcgen, '-i', '0', mode, infile],
                          stdout=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        sys.stderr.write('%s: rpcgen %s %s failed (exit %d)\n' %
                         (argv[0], mode, infile, proc.returncode))
        return 1

    tmp = outfile + '.tmp'
    with open(tmp, 'w') as f:
        f.write(fixup(proc.stdout, mode))
    os.replace(tmp, outfile)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
