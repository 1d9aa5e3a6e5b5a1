#!/usr/bin/env python3
"""The configuration keys are documented where users look, and nowhere
differently: the sample virtmigd.conf and virtmigd.conf(5) (both generated
from the daemon's key tables) and README.rst's table list the same keys.

usage: check_confdoc.py VIRTMIGD SAMPLE MANPAGE README
"""
import re
import subprocess
import sys


def sample_keys(text):
    return [m.group(1) for m in re.finditer(r"^#([a-z_]+) = ", text, re.M)]


def main():
    virtmigd, sample, manpage, readme = sys.argv[1:5]
    errors = []
    dumped = subprocess.run([virtmigd, "--dump-config=sample"], check=True,
                            capture_output=True, text=True).stdout
    with open(sample) as f:
        built = f.read()
    if built != dumped:
        errors.append("%s differs from `virtmigd --dump-config=sample`" % sample)
    keys = sample_keys(dumped)
    if len(keys) != len(set(keys)) or len(keys) < 10:
        errors.append("sample keys: %r" % keys)
    with open(manpage) as f:
        man = f.read()
    man_keys = re.findall(r"^\.TP\n\.B ([a-z_]+)$", man, re.M)
    if man_keys != keys:
        errors.append("virtmigd.conf(5) keys %r != sample keys %r" % (man_keys, keys))
    with open(readme) as f:
        text = f.read()
    section = text.split("\nConfiguration\n=============\n", 1)[1]
    section = re.split(r"\n[A-Z][^\n]*\n=+\n", section)[0]
    readme_keys = re.findall(r"^``([a-z_]+)``\s", section, re.M)
    if sorted(readme_keys) != sorted(keys):
        errors.append("README.rst's configuration table: missing %s, unknown %s" % (
            sorted(set(keys) - set(readme_keys)), sorted(set(readme_keys) - set(keys))))
    for e in errors:
        print("FAIL:", e)
    if not errors:
        print("ok: %d keys, documented alike" % len(keys))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
