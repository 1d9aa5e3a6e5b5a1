#!/usr/bin/env python3
# Fills a manual page template: @VERSION@, @SYSCONFDIR@ and a line
# "@KEYS@" (replaced by the contents of --keys, the output of
# `virtmigd --dump-config=man`).
import argparse
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("template")
    ap.add_argument("output")
    ap.add_argument("--version", required=True)
    ap.add_argument("--sysconfdir", required=True)
    ap.add_argument("--keys")
    args = ap.parse_args()
    with open(args.template) as f:
        text = f.read()
    text = text.replace("@VERSION@", args.version)
    text = text.replace("@SYSCONFDIR@", args.sysconfdir.replace("-", "\\-"))
    if "@KEYS@" in text:
        if not args.keys:
            sys.exit("%s: has @KEYS@ but no --keys" % args.template)
        with open(args.keys) as f:
            text = text.replace("@KEYS@\n", f.read())
    if "@" in text.replace("\\@", ""):
        sys.exit("%s: unknown @...@ left" % args.template)
    with open(args.output, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
