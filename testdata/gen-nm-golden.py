#!/usr/bin/env python3
"""Golden symbol lists from GNU nm for the load map (insmod -m, --map-json): testdata/golden/<arch>/<case>.nm.

    gen-nm-golden.py [CASE...]        (default: every case below)

For each case modkit only chooses *where* the sections go (`insmod -n --map-json`, in a freshly booted kernel);
then a copy of the object gets exactly those section addresses (`objcopy --change-section-address`, plus the
per-cpu section at the map's "percpu" region) and GNU `nm -n -f sysv` lists its symbols. The letters, the values
and the order in the .nm file are nm's, never modkit's: LoadMapNmTest checks the map against them.

Env: MODKIT (default: ../bin/modkit). Needs: binutils (and binutils-i686-linux-gnu / binutils-m68k-linux-gnu for those
cases), python3, a built bin/modkit. CI does not run this; the .nm files are committed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODKIT = os.environ.get("MODKIT", os.path.join(HERE, "..", "bin", "modkit"))

# case -> (arch, object, profile or None for modkit's default, binutils prefix)
CASES = {
    "mk_params": ("x86_64", "objects/x86_64/mk_params.ko", None, ""),
    "mk_exporter": ("x86_64", "objects/x86_64/mk_exporter.ko", None, ""),
    "mk_jumptable": ("x86_64", "objects/x86_64/mk_jumptable.ko", None, ""),
    "mk_percpu": ("x86_64", "objects/x86_64/mk_percpu.ko", None, ""),
    "relocs-i386": ("i386", "objects/i386/relocs.o", "profiles/i386-test.profile", "i686-linux-gnu-"),
    "relocs-m68k": ("m68k", "objects/m68k/relocs.o", "profiles/m68k-test.profile", "m68k-linux-gnu-"),
    "mk_calls": ("m68k", "objects/m68k/mk_calls.o", "profiles/m68k-test.profile", "m68k-linux-gnu-"),
}


def run(cmd, **kw):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} exited {proc.returncode}\n{proc.stderr}")
    return proc.stdout


def generate(case, tmp):
    arch, obj, profile, prefix = CASES[case]
    root = os.path.join(tmp, "root-" + case)
    mapfile = os.path.join(tmp, case + ".map.json")
    cmd = [MODKIT, "insmod", "-n", "--root", root, "--map-json", mapfile]
    if profile:
        cmd += ["--kernel", os.path.join(HERE, profile)]
    run(cmd + [os.path.join(HERE, obj)])
    with open(mapfile) as f:
        lmap = json.load(f)
    address = {}
    for s in lmap["sections"]:
        if address.get(s["name"], s["address"]) != s["address"]:
            sys.exit(f"error: {case}: two placed sections named {s['name']} at different addresses")
        address[s["name"]] = s["address"]
    for g in lmap["regions"]:
        if g["name"] == "percpu":
            address[".data..percpu"] = g["address"]
    moved = os.path.join(tmp, case + ".o")
    cmd = [prefix + "objcopy"]
    for name, addr in address.items():
        cmd += ["--change-section-address", f"{name}={addr}"]
    run(cmd + [os.path.join(HERE, obj), moved])
    out = run([prefix + "nm", "-n", "-f", "sysv", moved], env=dict(os.environ, LC_ALL="C"))
    out = out.replace(moved, obj)
    dest = os.path.join(HERE, "golden", arch, case.split("-")[0] + ".nm")
    with open(dest, "w") as f:
        f.write(out)
    print(f"{case}: {dest}")


def main():
    cases = sys.argv[1:] or list(CASES)
    for c in cases:
        if c not in CASES:
            sys.exit(f"error: unknown case {c} (known: {' '.join(CASES)})")
    tmp = tempfile.mkdtemp(prefix="modkit-nm-golden.")
    try:
        for c in cases:
            generate(c, tmp)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
