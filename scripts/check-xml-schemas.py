#!/usr/bin/env python3
"""Every XML of the test data validates against libvirt's own schemas.

Issue 9: what virtmig writes (golden outputs), reads (inputs) and what
stock libvirt wrote (tests/stockdata) must be libvirt's format, so each
file under tests/ is validated with ``xmllint --relaxng`` against the
schemas libvirt installs (/usr/share/libvirt/schemas, package libvirt0):

- a ``<domain>`` document against domain.rng, except ``bad-*`` inputs
  (they exist to be refused; the ones schema-valid documents still go
  through domainxmltest's exact-error checks);
- a ``<capabilities>`` document against capability.rng;
- the ``<domain>`` a migration cookie (``<qemu-migration>``) carries,
  against domain.rng.

Not checked: status XML (``<domstatus>``: our own private format around a
live definition, as libvirt's status XML has no schema either), the
fuzzing corpora and other roots (listed with -v).

Usage: check-xml-schemas.py [-v] [SOURCE_ROOT]
Exit 0, 1 on an invalid file, 77 when xmllint or the schemas are missing.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SCHEMAS = "/usr/share/libvirt/schemas"
SKIP_DIRS = ("fuzz",)


def test_xml_files(root):
    top = os.path.join(root, "tests")
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".xml"):
                yield os.path.join(dirpath, name)


def classify(path, tmpdir):
    """(schema, file to validate) for @path, or (None, reason)."""
    name = os.path.basename(path)
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        if name.startswith("bad-"):
            return None, "malformed on purpose"
        return "error", "not well-formed: %s" % e
    doc = tree.getroot()
    if doc.tag == "domain":
        if name.startswith("bad-"):
            return None, "refused on purpose"
        return "domain.rng", path
    if doc.tag == "capabilities":
        return "capability.rng", path
    if doc.tag == "qemu-migration":
        dom = doc.find("domain")
        if dom is None:
            return None, "cookie without a domain"
        out = os.path.join(tmpdir, "%d-%s" % (len(os.listdir(tmpdir)), name))
        ET.ElementTree(dom).write(out)
        return "domain.rng", out
    return None, "root <%s> has no libvirt schema" % doc.tag


def validate(schema, files):
    """Names of the files of @files that do not validate against @schema;
    xmllint's complaints go to stderr."""
    res = subprocess.run(["xmllint", "--noout", "--relaxng",
                          os.path.join(SCHEMAS, schema)] + files,
                         capture_output=True, text=True)
    bad = []
    for line in res.stderr.splitlines():
        if line.endswith(" fails to validate"):
            bad.append(line[:-len(" fails to validate")])
        elif not line.endswith(" validates"):
            print(line, file=sys.stderr)
    if res.returncode not in (0, 3) or (res.returncode == 3 and not bad):
        bad.append("(xmllint exit %d)" % res.returncode)
    return bad


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..")
    if not shutil.which("xmllint") or \
            not os.path.exists(os.path.join(SCHEMAS, "domain.rng")):
        print("SKIP: xmllint (libxml2-utils) or libvirt's schemas "
              "(libvirt0) are missing")
        return 77
    groups = {}
    errors = 0
    with tempfile.TemporaryDirectory(prefix="virtmig-schemas-") as tmpdir:
        origin = {}
        for path in test_xml_files(root):
            schema, what = classify(path, tmpdir)
            rel = os.path.relpath(path, root)
            if schema == "error":
                print("%s:1: error: %s" % (rel, what), file=sys.stderr)
                errors += 1
            elif schema is None:
                if verbose:
                    print("%s: skipped (%s)" % (rel, what))
            else:
                groups.setdefault(schema, []).append(what)
                origin[what] = rel
        for schema, files in sorted(groups.items()):
            for bad in validate(schema, files):
                print("%s:1: error: does not validate against %s"
                      % (origin.get(bad, bad), schema), file=sys.stderr)
                errors += 1
            if verbose:
                print("%s: %d files" % (schema, len(files)))
    print("check-xml-schemas: %d file(s) checked, %d error(s)"
          % (sum(len(f) for f in groups.values()), errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
