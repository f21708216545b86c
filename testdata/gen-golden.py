#!/usr/bin/env python3
"""Golden relocated section images from GNU ld (never from modkit's bytes).

    gen-golden.py [--out-dir DIR] [--keep] OBJECT MAP.json

OBJECT is a relocatable ELF (.o / .ko, x86_64, i386 or m68k). MAP.json is the load
map modkit prints with `modkit insmod -n --map-json MAP.json ...`; only its
placement (which section goes where) and the addresses of symbols that come
from outside the object are used. GNU ld then links the object *at exactly
those addresses* and the bytes of every placed section are written to

    DIR/<module>.golden     one line per placed section, by section index:
                            <index> <name> <address> <size> <hex>
                            address/size as lowercase 0x-hex; <hex> is the
                            section's bytes as lowercase hex, or "-" for
                            SHT_NOBITS and for empty sections
    DIR/<module>.map.json   a copy of the map that was used

DIR defaults to testdata/golden/<arch>/ next to this script; <module> is the
map's "module" field.

Steps (each checked; any surprise is a hard error, never a silent fix):
 1. read the object's section headers; every map section must exist at the
    same index with the same name and size, and its name must be unique in
    the object (the linker script selects input sections by name);
 2. objcopy a copy of the object:
    - `--set-section-flags` so that SHF_MERGE and SHF_STRINGS are clear: GNU ld
      would otherwise deduplicate and tail-merge strings, which the kernel
      never does;
    - `--rename-section NAME=.modkit.in<index>` for every placed section: ld
      gives some names special meaning (it drops input .note.gnu.build-id,
      parses .eh_frame, treats .gnu.linkonce.* as COMDAT); the kernel gives
      none of them any, so they must reach ld as plain sections;
 3. write a linker script with one output section per map section at exactly
    its map address (`.modkit.s<index> ADDR : { *(.modkit.in<index>) }`) and a
    /DISCARD/ for every other content section (e.g. .modinfo, __versions,
    non-allocated sections whose relocations the kernel skips); without it ld
    would place them as orphans somewhere in the address space. Exception:
    an empty unplaced section that defines symbols (m68k's empty, non-ALLOC
    .m68k_fixup holding __start_fixup/__stop_fixup) goes to address 0, where
    modkit resolves symbols of sections the kernel does not place;
 4. --defsym NAME=ADDR for every map symbol whose "from" is not "self";
 5. ld -m elf_x86_64 | elf_i386 | m68kelf -static -nostdlib --no-relax (no
    --noinhibit-exec: undefined symbols and overflows are errors);
 6. read each output section back from ld's ELF output and check that its
    address and size are exactly the map's (ld would pad if the map address
    violated the section alignment).
"""

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SHT_NULL, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS, SHT_REL = 0, 2, 3, 4, 8, 9
SHT_GROUP, SHT_SYMTAB_SHNDX = 17, 18
STT_SECTION = 3
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS = 0x1, 0x2, 0x4, 0x10, 0x20
EM_386, EM_68K, EM_X86_64 = 3, 4, 62

# arch name -> (e_machine, ELF class, ld emulation, default ld, default objcopy)
ARCHES = {
    "x86_64": (EM_X86_64, 2, "elf_x86_64", "ld", "objcopy"),
    "i386": (EM_386, 1, "elf_i386", "i686-linux-gnu-ld", "i686-linux-gnu-objcopy"),
    "m68k": (EM_68K, 1, "m68kelf", "m68k-linux-gnu-ld", "m68k-linux-gnu-objcopy"),
}


class GoldenError(Exception):
    pass


class Section:
    def __init__(self, index, name, sh_type, flags, addr, offset, size, align):
        self.index, self.name, self.type, self.flags = index, name, sh_type, flags
        self.addr, self.offset, self.size, self.align = addr, offset, size, align


def read_elf(path):
    """Return (e_machine, elf_class, [Section], raw bytes) of an ELF of either byte order."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise GoldenError(f"{path}: not an ELF file")
    ei_class, ei_data = data[4], data[5]
    if ei_data not in (1, 2):
        raise GoldenError(f"{path}: bad EI_DATA {ei_data}")
    e = "<" if ei_data == 1 else ">"
    if ei_class == 2:
        (e_type, e_machine, _v, _entry, _phoff, e_shoff, _fl, _eh, _phes, _phn,
         e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from(e + "HHIQQQIHHHHHH", data, 16)
        shfmt = e + "IIQQQQIIQQ"
    elif ei_class == 1:
        (e_type, e_machine, _v, _entry, _phoff, e_shoff, _fl, _eh, _phes, _phn,
         e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from(e + "HHIIIIIHHHHHH", data, 16)
        shfmt = e + "IIIIIIIIII"
    else:
        raise GoldenError(f"{path}: bad EI_CLASS {ei_class}")
    if e_shnum == 0 or e_shstrndx >= e_shnum:
        raise GoldenError(f"{path}: e_shnum={e_shnum} / e_shstrndx={e_shstrndx} not supported")
    raw = [struct.unpack_from(shfmt, data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    strtab_off, strtab_size = raw[e_shstrndx][4], raw[e_shstrndx][5]

    def name_at(off):
        end = data.index(b"\0", strtab_off + off, strtab_off + strtab_size)
        return data[strtab_off + off:end].decode("utf-8", "surrogateescape")

    sections = []
    for i, (sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, _link, _info,
            sh_addralign, _entsize) in enumerate(raw):
        sections.append(Section(i, name_at(sh_name), sh_type, sh_flags, sh_addr,
                                sh_offset, sh_size, sh_addralign))
    return e_machine, ei_class, sections, data


def symbol_sections(data, ei_class, sections):
    """Indexes of the sections that define at least one symbol other than a section symbol."""
    e = "<" if data[5] == 1 else ">"
    out = set()
    for sec in sections:
        if sec.type != SHT_SYMTAB:
            continue
        entsize = 24 if ei_class == 2 else 16
        for at in range(sec.offset + entsize, sec.offset + sec.size, entsize):
            if ei_class == 2:
                _name, info, _other, shndx = struct.unpack_from(e + "IBBH", data, at)
            else:
                _name, _value, _size, info, _other, shndx = struct.unpack_from(e + "IIIBBH", data, at)
            if info & 0xf != STT_SECTION and 0 < shndx < len(sections):
                out.add(shndx)
    return out


def parse_int(value, what):
    try:
        return int(value, 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise GoldenError(f"map: {what}: not a number: {value!r}")


def ld_quote(name):
    if '"' in name or "\n" in name:
        raise GoldenError(f"section name {name!r} cannot be quoted in a linker script")
    return '"' + name + '"'


def run(cmd, log):
    log.append(" ".join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise GoldenError(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}")
    if proc.stdout.strip():
        log.append(proc.stdout.rstrip())
    return proc.stdout


def objcopy_flags(sec):
    """objcopy --set-section-flags spelling of sec's flags minus MERGE/STRINGS."""
    flags = []
    if sec.flags & SHF_ALLOC:
        flags.append("alloc")
    if sec.type != SHT_NOBITS:
        flags += ["load", "contents"]
    if not sec.flags & SHF_WRITE:
        flags.append("readonly")
    flags.append("code" if sec.flags & SHF_EXECINSTR else "data")
    return ",".join(flags)


def generate(obj_path, map_path, out_dir, ld, objcopy, keep, verbose):
    with open(map_path) as f:
        lmap = json.load(f)
    for key in ("module", "arch", "sections", "symbols"):
        if key not in lmap:
            raise GoldenError(f"{map_path}: no \"{key}\"")
    arch = lmap["arch"]
    if arch not in ARCHES:
        raise GoldenError(f"{map_path}: unsupported arch {arch!r}")
    machine, elf_class, emulation, default_ld, default_objcopy = ARCHES[arch]
    ld = ld or default_ld
    objcopy = objcopy or default_objcopy
    module = lmap["module"]
    if not module or "/" in module:
        raise GoldenError(f"{map_path}: bad module name {module!r}")

    e_machine, ei_class, sections, obj_data = read_elf(obj_path)
    if (e_machine, ei_class) != (machine, elf_class):
        raise GoldenError(f"{obj_path}: e_machine {e_machine} / class {ei_class} is not {arch}")

    # 1. map sections vs. object sections
    placed = []
    seen = set()
    for entry in lmap["sections"]:
        idx = parse_int(entry.get("index"), "section index")
        name = entry.get("name")
        addr = parse_int(entry.get("address"), f"address of {name}")
        size = parse_int(entry.get("size"), f"size of {name}")
        if idx in seen:
            raise GoldenError(f"map lists section index {idx} twice")
        seen.add(idx)
        if not 0 < idx < len(sections):
            raise GoldenError(f"map section {name} index {idx} out of range (object has {len(sections)})")
        sec = sections[idx]
        if sec.name != name:
            raise GoldenError(f"map section index {idx} is named {name!r}, object says {sec.name!r}")
        if sec.size != size:
            raise GoldenError(f"map section {idx} {name}: size {size:#x}, object says {sec.size:#x}")
        if sec.type in (SHT_SYMTAB, SHT_STRTAB):
            # kallsyms: the kernel copies the symbol and string tables into init memory. Nothing relocates
            # them and GNU ld cannot place them as input sections, so they have no golden bytes.
            continue
        if sec.type in (SHT_NULL, SHT_REL, SHT_RELA, SHT_GROUP, SHT_SYMTAB_SHNDX):
            raise GoldenError(f"map places section {idx} {name} of type {sec.type}; cannot link that")
        if sec.align > 1 and addr % sec.align:
            raise GoldenError(f"map address {addr:#x} of {idx} {name} violates its alignment {sec.align}")
        dups = [s.index for s in sections if s.name == name]
        if len(dups) > 1:
            raise GoldenError(f"section name {name!r} is not unique in {obj_path} (indices "
                              f"{', '.join(map(str, dups))}); cannot select it by name")
        placed.append((sec, addr))
    placed.sort(key=lambda p: p[0].index)

    # 4. external symbols
    defsyms = []
    for sym in lmap["symbols"]:
        if sym.get("from") == "self":
            continue
        name = sym.get("name")
        if not name or any(c in name for c in "= \t\n"):
            raise GoldenError(f"map: bad symbol name {name!r}")
        defsyms.append((name, parse_int(sym.get("address"), f"address of symbol {name}")))

    work = tempfile.mkdtemp(prefix="modkit-golden.")
    log = []
    try:
        # 2. copy without SHF_MERGE / SHF_STRINGS
        copy = os.path.join(work, "input.o")
        cmd = [objcopy]
        merged = [s for s in sections if s.flags & (SHF_MERGE | SHF_STRINGS)]
        for s in merged:
            cmd += ["--set-section-flags", f"{s.name}={objcopy_flags(s)}"]
        for sec, _ in placed:
            cmd += ["--rename-section", f"{sec.name}=.modkit.in{sec.index}"]
        run(cmd + [obj_path, copy], log)
        _, _, copied, _ = read_elf(copy)
        if len(copied) != len(sections):
            raise GoldenError("objcopy changed the number of sections")
        renamed = {sec.index: f".modkit.in{sec.index}" for sec, _ in placed}
        for a, b in zip(sections, copied):
            want_name = renamed.get(a.index, a.name)
            if b.type in (SHT_REL, SHT_RELA):
                want_name = b.name  # objcopy renames .rela.X along with X
            want_size = b.size if a.type in (SHT_STRTAB, SHT_SYMTAB) else a.size  # renames
            want = (want_name, a.type, want_size, a.flags & ~(SHF_MERGE | SHF_STRINGS))
            got = (b.name, b.type, b.size, b.flags)
            if want != got:
                raise GoldenError(f"objcopy changed section {a.index} {a.name} unexpectedly: "
                                  f"wanted (name, type, size, flags) {want}, got {got}")

        # 3. linker script
        placed_idx = {s.index for s, _ in placed}
        defining = symbol_sections(obj_data, ei_class, sections)
        discard = []
        at_zero = []
        for s in sections:
            if s.index == 0 or s.index in placed_idx:
                continue
            if s.type in (SHT_SYMTAB, SHT_STRTAB, SHT_REL, SHT_RELA, SHT_GROUP, SHT_SYMTAB_SHNDX):
                continue
            if s.size == 0 and s.index in defining:
                # An empty unloaded section that defines symbols (m68k: __start_fixup/__stop_fixup in an empty,
                # non-ALLOC .m68k_fixup). The kernel does not place it; its symbols resolve against the section's
                # address in the kernel's temporary copy of the file, which modkit gives as 0. Discarding it would
                # make ld refuse the references; an empty output section at 0 gives them the same values.
                at_zero.append(s)
            elif s.name not in discard:
                discard.append(s.name)
        lines = ["/* generated by testdata/gen-golden.py */", "SECTIONS", "{"]
        for sec, addr in placed:
            lines.append(f"  .modkit.s{sec.index} {addr:#x} : {{ *(.modkit.in{sec.index}) }}")
        for sec in at_zero:
            lines.append(f"  .modkit.z{sec.index} 0x0 : {{ *({ld_quote(sec.name)}) }}")
        if discard:
            lines.append("  /DISCARD/ : {")
            lines += [f"    *({ld_quote(n)})" for n in discard]
            lines.append("  }")
        lines.append("}")
        script = os.path.join(work, "golden.ld")
        with open(script, "w") as f:
            f.write("\n".join(lines) + "\n")

        # 5. link
        linked = os.path.join(work, "linked.elf")
        cmd = [ld, "-m", emulation, "-static", "-nostdlib", "--no-relax", "-e", "0",
               "--build-id=none", "-z", "noexecstack", "--no-warn-rwx-segments",
               "-T", script, "-o", linked]
        for name, value in defsyms:
            cmd.append(f"--defsym={name}={value:#x}")
        cmd.append(copy)
        out = run(cmd, log)
        if "warning" in out.lower():
            raise GoldenError(f"ld warned (treated as an error):\n{out}")

        # 6. read back
        _, _, outsecs, outdata = read_elf(linked)
        by_name = {s.name: s for s in outsecs}
        golden = []
        for sec, addr in placed:
            o = by_name.get(f".modkit.s{sec.index}")
            if sec.size == 0:
                golden.append(f"{sec.index} {sec.name} {addr:#x} 0x0 -")
                continue
            if o is None:
                raise GoldenError(f"ld produced no output section for {sec.index} {sec.name}")
            if o.addr != addr or o.size != sec.size:
                raise GoldenError(f"{sec.index} {sec.name}: ld placed it at {o.addr:#x} size {o.size:#x}, "
                                  f"map says {addr:#x} size {sec.size:#x}")
            if (o.type == SHT_NOBITS) != (sec.type == SHT_NOBITS):
                raise GoldenError(f"{sec.index} {sec.name}: NOBITS-ness changed by ld")
            if o.type == SHT_NOBITS:
                hexbytes = "-"
            else:
                hexbytes = outdata[o.offset:o.offset + o.size].hex()
            golden.append(f"{sec.index} {sec.name} {addr:#x} {sec.size:#x} {hexbytes}")

        out_dir = out_dir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", arch)
        os.makedirs(out_dir, exist_ok=True)
        golden_path = os.path.join(out_dir, f"{module}.golden")
        with open(golden_path, "w") as f:
            f.write("\n".join(golden) + "\n")
        map_copy = os.path.join(out_dir, f"{module}.map.json")
        if os.path.abspath(map_path) != os.path.abspath(map_copy):
            shutil.copyfile(map_path, map_copy)
        if verbose:
            print("\n".join(log))
            print(open(script).read(), end="")
        print(f"wrote {golden_path} ({len(golden)} sections, {len(defsyms)} external symbols)")
        if keep:
            print(f"kept work dir {work} (input.o, golden.ld, linked.elf)")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("object")
    ap.add_argument("map_json")
    ap.add_argument("--out-dir", help="default: testdata/golden/<arch>")
    ap.add_argument("--ld", help="GNU ld to use (default: ld / i686-linux-gnu-ld / m68k-linux-gnu-ld, by arch)")
    ap.add_argument("--objcopy", help="objcopy to use (default: objcopy / i686-linux-gnu-objcopy / m68k-linux-gnu-objcopy, by arch)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary link directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="print commands and linker script")
    args = ap.parse_args()
    try:
        generate(args.object, args.map_json, args.out_dir, args.ld, args.objcopy, args.keep, args.verbose)
    except (GoldenError, OSError, json.JSONDecodeError) as e:
        print(f"gen-golden: error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
