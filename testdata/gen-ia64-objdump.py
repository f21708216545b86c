#!/usr/bin/env python3
"""Regenerate testdata/golden/ia64/<case>.objdump.gz and <case>.map.json: GNU objdump's reading of modkit's ia64 images.

GNU ld relaxes ia64 branches and builds its own GOT and PLT, so it cannot give the bytes a kernel loader would
produce. Instead the check is the other way round: modkit links (insmod -O, --map-json), then for every section
of the image that has contents this script extracts the raw bytes (objcopy -O binary) and records what objdump
makes of them at their final address:

    ia64-linux-gnu-objdump -b binary -m ia64 -D --adjust-vma=ADDR    code sections (instructions)
    ia64-linux-gnu-objdump -b binary -m ia64 -s --adjust-vma=ADDR    other sections (hex rows of 16 bytes from
                                                                     ADDR; objdump prints only low address digits)

Ia64ObjdumpCheckTest parses this text and checks every branch (following PLT stubs), movl, addl, GOT slot and
function descriptor against the symbol each relocation names. Nothing here comes from modkit's own reading of
its output. Cases: the sample objects/ia64/relocs.o (profiles/ia64-test.profile) and every module of the
ia64-6.1 corpus, loaded dependencies first into one simulated kernel made from the corpus's System.map.

usage: testdata/gen-ia64-objdump.py [CORPUS_DIR]   (default ../shared/corpus/ia64-6.1)
Needs: binutils-ia64-linux-gnu, a built bin/modkit.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODKIT = os.environ.get('MODKIT', os.path.join(HERE, '..', 'bin', 'modkit'))
OUT = os.path.join(HERE, 'golden', 'ia64')
CROSS = 'ia64-linux-gnu-'


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def load_order(corpus):
    deps = {}
    for line in open(os.path.join(corpus, 'modules.dep')):
        mod, rest = line.split(':', 1)
        deps[mod] = rest.split()
    order = []

    def visit(m):
        if m not in order:
            for d in deps[m]:
                visit(d)
            order.append(m)
    for m in deps:
        visit(m)
    return order


def dump(case, image, mapfile, tmp):
    with open(mapfile) as f:
        m = json.load(f)
    headers = run(CROSS + 'objdump', '-h', image)
    code = set()
    lines = headers.splitlines()
    for i, line in enumerate(lines):
        parts = line.split()
        if len(parts) >= 7 and parts[0].isdigit() and i + 1 < len(lines):
            flags = lines[i + 1]
            if 'CONTENTS' in flags:
                code.add(parts[1]) if 'CODE' in flags else None
    out = []
    for s in m['sections']:
        name, addr, size = s['name'], s['address'], int(s['size'], 16)
        if size == 0 or name in ('.symtab', '.strtab'):
            continue
        raw = os.path.join(tmp, 'section.bin')
        run(CROSS + 'objcopy', '-O', 'binary', '--only-section=' + name, image, raw)
        if os.path.getsize(raw) == 0:
            continue  # NOBITS (.bss) or not written
        kind = 'code' if name in code else 'data'
        mode = '-D' if kind == 'code' else '-s'
        text = run(CROSS + 'objdump', '-b', 'binary', '-m', 'ia64', mode, '--adjust-vma=' + addr, raw)
        # keep instruction lines ("a000000200000000:\t08 20 ...") and hex rows (" 0220 01020304 ..."), objdump's own
        body = [l for l in text.splitlines() if re.match(r'^ ?[0-9a-f]+[: ]', l)]
        out.append('# section %s %s %#x %s' % (name, addr, size, kind))
        out.extend(body)
    with gzip.GzipFile(os.path.join(OUT, case + '.objdump.gz'), 'wb', mtime=0) as g:
        g.write(('\n'.join(out) + '\n').encode())
    os.replace(mapfile, os.path.join(OUT, case + '.map.json'))
    print('wrote golden/ia64/%s.objdump.gz (%d lines)' % (case, len(out)))


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', 'shared', 'corpus', 'ia64-6.1')
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        img, mp = os.path.join(tmp, 'm.img'), os.path.join(tmp, 'm.map.json')
        run(MODKIT, 'insmod', '-n', '--kernel', os.path.join(HERE, 'profiles', 'ia64-test.profile'),
            '-O', img, '--map-json', mp, os.path.join(HERE, 'objects', 'ia64', 'relocs.o'))
        dump('relocs', img, mp, tmp)

        profile = os.path.join(tmp, 'ia64-6.1.profile')
        run(MODKIT, 'profile', 'import', '--system-map', os.path.join(corpus, 'System.map.gz'), '--symvers',
            os.path.join(corpus, 'Module.symvers.gz'), '--config', os.path.join(corpus, 'config'),
            '--release', '6.1.192', '-o', profile)
        root = os.path.join(tmp, 'state')
        run(MODKIT, 'sim', 'boot', '--root', root, '--kernel', profile)
        for mod in load_order(corpus):
            name = os.path.basename(mod)[:-3].replace('-', '_')
            run(MODKIT, 'insmod', '--root', root, '-O', img, '--map-json', mp, os.path.join(corpus, mod))
            dump(name, img, mp, tmp)


if __name__ == '__main__':
    main()
