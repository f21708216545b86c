#!/usr/bin/env python3
"""Rewrite relocation entries of an assembled ia64 object, for the types GNU as cannot emit.

GNU as 2.40 has no ia64 syntax (nor numeric .reloc) for R_IA64_REL32LSB/REL64LSB, PCREL21BI, PCREL22, SUB or the
LTV types, and cannot put a relocation on a slot of the wrong kind. A sample says what it wants in comments:

    // PATCH .rela.data 0x10 type=0x6f        set the type of the entry at r_offset 0x10
    // PATCH .rela.text 0x20 offset=0x22      move the entry at r_offset 0x20 to 0x22

usage: ia64-patch-relocs.py SOURCE.S OBJECT.o   (rewrites OBJECT.o in place)
"""
import re
import struct
import sys


def sections(data):
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    hdrs = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdrs[shstrndx]
    def name(h):
        off = strtab[4] + h[0]
        return data[off:data.index(b'\0', off)].decode()
    return {name(h): h for h in hdrs}


def main(src, obj):
    patches = re.findall(r'//\s*PATCH\s+(\S+)\s+(0x[0-9a-fA-F]+)\s+(type|offset)=(0x[0-9a-fA-F]+)', open(src).read())
    if not patches:
        return
    data = bytearray(open(obj, 'rb').read())
    secs = sections(data)
    for sec, off, what, val in patches:
        h = secs[sec]
        off, val = int(off, 16), int(val, 16)
        for at in range(h[4], h[4] + h[5], 24):
            r_offset, r_info = struct.unpack_from('<QQ', data, at)
            if r_offset == off:
                if what == 'type':
                    struct.pack_into('<Q', data, at + 8, (r_info & ~0xffffffff) | val)
                else:
                    struct.pack_into('<Q', data, at, val)
                break
        else:
            sys.exit(f'{obj}: no relocation at {sec} offset {off:#x}')
    open(obj, 'wb').write(data)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
