#!/usr/bin/env python3
"""Checks two rules on src/ (STYLE.md rules 15 and 56):

 1. every variable declared with g_autofree, g_autoptr(T), g_auto(T),
    VIR_AUTOCLOSE or VIR_LOCK_GUARD is initialized in its declaration:
    otherwise an early return runs the cleanup on stack garbage;
 2. no strcmp(), strncpy(), atoi() or sprintf(): use STREQ/g_strcmp0,
    g_strlcpy, g_ascii_strtoll (with error checks) and g_strdup_printf
    or g_snprintf.  The STR* macro definitions in src/util/internal.h are
    the one sanctioned use of strcmp.

Comments and string literals are ignored.

Usage: check-cleanup-vars.py [SOURCE_ROOT]
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkutils  # noqa: E402

CLEANUP_RE = re.compile(r"\b(g_autofree|g_autoptr\s*\(\s*\w+\s*\)|"
                        r"g_auto\s*\(\s*\w+\s*\)|VIR_AUTOCLOSE|VIR_LOCK_GUARD)"
                        r"(?=[\s*])")
BANNED_RE = re.compile(r"\b(strcmp|strncpy|atoi|sprintf)\s*\(")
BANNED_HINT = {
    "strcmp": "use STREQ()/STRNEQ() or g_strcmp0()",
    "strncpy": "use g_strlcpy()",
    "atoi": "use g_ascii_strtoll() and check for errors",
    "sprintf": "use g_strdup_printf() or g_snprintf()",
}
# Files that broke a rule before this check landed and belong to work in
# progress elsewhere: path -> why.  Their errors are reported as warnings.
# Remove an entry once the file is fixed; never add one for new code.
ALLOWLIST = {
    # Its qsort comparator returns strcmp(); g_strcmp0() is the drop-in
    # replacement.  Owned by the typed-parameter work (commit b8ba6ab).
    os.path.join("src", "util", "virtypedparam.c"):
        "strcmp() in a sort comparator, to become g_strcmp0()",
}
# Where a banned call is the point: path -> regex of the allowed lines.
BANNED_EXEMPT = {
    os.path.join("src", "util", "internal.h"): re.compile(r"^\s*#\s*define\s+STR\w*\("),
}


def split_declarators(text):
    """Splits a declaration's declarator list on top-level commas."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def declaration_text(code_lines, idx, start):
    """The declaration from column @start of line @idx to its ';' (or,
    in a for-init, to the first ';'), joined across lines."""
    text = code_lines[idx][start:]
    j = idx
    while ";" not in text and j + 1 < len(code_lines) and j - idx < 20:
        j += 1
        text += " " + code_lines[j]
    return text.split(";", 1)[0]


def is_preprocessor(code_lines, idx):
    """Whether line @idx is a directive or the continuation of one."""
    if code_lines[idx].lstrip().startswith("#"):
        return True
    return idx > 0 and code_lines[idx - 1].rstrip().endswith("\\") and \
        is_preprocessor(code_lines, idx - 1)


def check_cleanup(rel, code_lines, rep):
    for idx, line in enumerate(code_lines):
        if is_preprocessor(code_lines, idx):
            continue
        for m in CLEANUP_RE.finditer(line):
            decl = declaration_text(code_lines, idx, m.end())
            if "(" in decl.split("=", 1)[0]:
                continue    # a parameter list or cast, not a variable
            for declarator in split_declarators(decl):
                if declarator.strip() and "=" not in declarator:
                    name = re.findall(r"\w+", declarator)[-1]
                    rep.error(rel, idx + 1, "%s variable '%s' is not "
                              "initialized: an early return would free "
                              "garbage (write '= NULL' or '= -1')"
                              % (m.group(1).split("(")[0].strip(), name))


def check_banned(rel, code_lines, rep):
    exempt = BANNED_EXEMPT.get(rel)
    for idx, line in enumerate(code_lines):
        if exempt and exempt.match(line):
            continue
        for m in BANNED_RE.finditer(line):
            rep.error(rel, idx + 1, "%s() is not allowed: %s"
                      % (m.group(1), BANNED_HINT[m.group(1)]))


class AllowlistReporter:
    """Turns the errors of one allowlisted file into warnings."""

    def __init__(self, rep, reason):
        self.rep = rep
        self.reason = reason

    def error(self, path, line, msg):
        self.rep.warn(path, line, "%s (allowlisted: %s)" % (msg, self.reason))


def main(argv):
    root = checkutils.source_root(argv)
    rep = checkutils.Reporter("check-cleanup-vars")
    for rel in sorted(ALLOWLIST):
        if not os.path.exists(os.path.join(root, rel)):
            rep.warn(rel, 1, "allowlisted in check-cleanup-vars.py but does "
                     "not exist: drop the entry")
    for rel in checkutils.c_files(root):
        out = AllowlistReporter(rep, ALLOWLIST[rel]) if rel in ALLOWLIST else rep
        text = "\n".join(checkutils.read_lines(root, rel))
        code_lines = checkutils.strip_comments_and_strings(text).split("\n")
        check_cleanup(rel, code_lines, out)
        check_banned(rel, code_lines, out)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
