#!/usr/bin/env python3
"""Records qemu-7.2-cpu-expansion.json (beside this file) on stdout: a QMP
transcript of query-cpu-definitions (a few models kept) and their static
expansions, as qemuCPUModelMapProbeInput asks them."""
import json, subprocess, sys
MODELS = ["qemu64", "Nehalem", "Westmere", "SandyBridge", "Haswell",
          "Skylake-Client", "Opteron_G3", "Opteron_G4", "EPYC"]
QEMU = "/usr/bin/qemu-system-x86_64"
ARGS = ["-machine", "none", "-nodefaults", "-no-user-config", "-S",
        "-display", "none", "-accel", "tcg", "-qmp", "stdio"]
def run(cmds):
    inp = "".join(json.dumps(c) + "\n" for c in
                  [{"execute": "qmp_capabilities"}] + cmds + [{"execute": "quit"}])
    out = subprocess.run([QEMU] + ARGS, input=inp, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]
defs = [m for m in run([{"execute": "query-cpu-definitions", "id": "cpu-defs"}])
        if m.get("id") == "cpu-defs"][0]["return"]
keep = [d for d in defs if d["name"] in MODELS]
keep.sort(key=lambda d: MODELS.index(d["name"]))
cmds = [{"execute": "query-cpu-model-expansion", "id": "exp-%d" % i,
         "arguments": {"type": "static", "model": {"name": d["name"]}}}
        for i, d in enumerate(keep)]
cmds.append({"execute": "query-cpu-model-expansion", "id": "exp-max",
             "arguments": {"type": "static", "model": {"name": "max"}}})
replies = [m for m in run(cmds) if "id" in m]
lines = [json.dumps({"id": "cpu-defs", "return": keep}, sort_keys=True)]
lines += [json.dumps(r, sort_keys=True) for r in replies]
sys.stdout.write("\n".join(lines) + "\n")
