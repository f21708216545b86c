package modkit.insmod;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;

/**
 * Writes a linked module as an ELF executable ({@code insmod -O}): one section per placed section with its final
 * address in {@code sh_addr} and its relocated bytes, and a symbol table whose values are final addresses.
 * Resolved external symbols are added as absolute symbols, so {@code objdump -d} names every call target.
 * There are no program headers: the file is for reading, not for loading.
 */
public final class ImageWriter {
    private static final int ET_EXEC = 2;

    private ImageWriter() {}

    public static byte[] write(LinkResult r) {
        ObjectFile obj = r.object();
        boolean is64 = obj.is64();
        List<LinkResult.PlacedSection> sections = new ArrayList<>();
        for (LinkResult.PlacedSection s : r.sections()) {
            Section src = obj.section(s.index());
            if (src.type() != Section.SHT_SYMTAB && src.type() != Section.SHT_STRTAB) {
                sections.add(s);
            }
        }
        Map<Integer, Integer> newIndex = new HashMap<>();
        for (int i = 0; i < sections.size(); i++) {
            newIndex.put(sections.get(i).index(), i + 1);
        }
        Strings shstr = new Strings();
        Strings str = new Strings();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int ehsize = is64 ? 64 : 52;
        body.write(new byte[ehsize], 0, ehsize);
        long[] offsets = new long[sections.size()];
        java.util.Set<Integer> written = new java.util.HashSet<>();
        for (int i = 0; i < sections.size(); i++) {
            LinkResult.PlacedSection s = sections.get(i);
            Section src = obj.section(s.index());
            pad(body, Math.max(1, src.addralign()));
            offsets[i] = body.size();
            byte[] bytes = r.sectionBytes(s);
            if (!src.isNobits() || filled(bytes)) {
                body.write(bytes, 0, bytes.length);
                written.add(i);
            }
        }
        // Symbols: null, locals, then globals (sh_info = first global).
        SymbolTable st = obj.symbols();
        List<byte[]> locals = new ArrayList<>();
        List<byte[]> globals = new ArrayList<>();
        locals.add(sym(obj, 0, 0, 0, 0, 0));
        for (int i = 1; i < st.count(); i++) {
            int shndx = st.shndx(i);
            int type = st.type(i);
            if (type == SymbolTable.STT_FILE || type == SymbolTable.STT_SECTION || st.isUndefined(i)
                    || st.name(i).isEmpty()) {
                continue;
            }
            Integer idx = shndx < obj.sectionCount() ? newIndex.get(shndx) : null;
            int outShndx = idx != null ? idx : SymbolTable.SHN_ABS;
            byte[] e = sym(obj, str.add(st.name(i)), r.symbolValues()[i], st.size(i), (st.binding(i) << 4) | type, outShndx);
            (st.binding(i) == SymbolTable.STB_LOCAL ? locals : globals).add(e);
        }
        for (ResolvedSymbol s : r.symbols()) {
            if (!s.from().equals("self")) {
                globals.add(sym(obj, str.add(s.name()), s.address(), 0, (SymbolTable.STB_GLOBAL << 4) | SymbolTable.STT_NOTYPE,
                        SymbolTable.SHN_ABS));
            }
        }
        // What the arch built (ia64 PLT stubs, GOT slots, descriptors, gp), named so objdump shows "<printk@plt>".
        LinkageNames linkage = new LinkageNames(r);
        java.util.Set<Long> externalCode = new java.util.HashSet<>();
        for (modkit.arch.ArchSections.Entry e : r.archEntries()) {
            int in = SymbolTable.SHN_ABS;
            for (int i = 0; i < sections.size(); i++) {
                LinkResult.PlacedSection s = sections.get(i);
                if (e.size() > 0 && Long.compareUnsigned(e.address() - s.address(), s.size()) < 0) {
                    in = i + 1;
                }
            }
            int type = e.kind().equals("plt") ? SymbolTable.STT_FUNC : e.size() > 0 ? SymbolTable.STT_OBJECT : SymbolTable.STT_NOTYPE;
            locals.add(sym(obj, str.add(linkage.name(e)), e.address(), e.size(), (SymbolTable.STB_LOCAL << 4) | type, in));
            if (e.kind().equals("plt") && !externalCode.contains(e.code())) {
                // The callee's code address, so the stub's branch reads "brl.many ... <printk>".
                externalCode.add(e.code());
                locals.add(sym(obj, str.add(linkage.nameOf(e.target())), e.code(), 0,
                        (SymbolTable.STB_LOCAL << 4) | SymbolTable.STT_FUNC, SymbolTable.SHN_ABS));
            }
        }
        pad(body, 8);
        long symOff = body.size();
        for (byte[] e : locals) {
            body.write(e, 0, e.length);
        }
        for (byte[] e : globals) {
            body.write(e, 0, e.length);
        }
        long symSize = body.size() - symOff;
        long strOff = body.size();
        byte[] strBytes = str.bytes();
        body.write(strBytes, 0, strBytes.length);
        int[] names = new int[sections.size()];
        for (int i = 0; i < sections.size(); i++) {
            names[i] = shstr.add(sections.get(i).name());
        }
        int symtabName = shstr.add(".symtab");
        int strtabName = shstr.add(".strtab");
        int shstrtabName = shstr.add(".shstrtab");
        long shstrOff = body.size();
        byte[] shstrBytes = shstr.bytes();
        body.write(shstrBytes, 0, shstrBytes.length);
        pad(body, 8);
        long shoff = body.size();
        int shnum = sections.size() + 4;
        int symtabIndex = sections.size() + 1;
        ByteBuffer sh = ByteBuffer.allocate(shnum * (is64 ? 64 : 40)).order(obj.order());
        shdr(sh, is64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        for (int i = 0; i < sections.size(); i++) {
            LinkResult.PlacedSection s = sections.get(i);
            Section src = obj.section(s.index());
            int type = written.contains(i) ? (src.isNobits() ? Section.SHT_PROGBITS : src.type()) : src.type();
            shdr(sh, is64, names[i], type, src.flags() & ~Section.SHF_INFO_LINK, s.address(), offsets[i], s.size(), 0, 0,
                    src.addralign(), src.entsize());
        }
        int symEnt = is64 ? 24 : 16;
        shdr(sh, is64, symtabName, Section.SHT_SYMTAB, 0, 0, symOff, symSize, symtabIndex + 1, locals.size(), 8, symEnt);
        shdr(sh, is64, strtabName, Section.SHT_STRTAB, 0, 0, strOff, strBytes.length, 0, 0, 1, 0);
        shdr(sh, is64, shstrtabName, Section.SHT_STRTAB, 0, 0, shstrOff, shstrBytes.length, 0, 0, 1, 0);
        body.write(sh.array(), 0, sh.capacity());
        byte[] out = body.toByteArray();
        ByteBuffer eh = ByteBuffer.wrap(out).order(obj.order());
        eh.put(0, new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (obj.order() == java.nio.ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
        eh.putShort(16, (short) ET_EXEC);
        eh.putShort(18, (short) obj.machine());
        eh.putInt(20, 1);
        if (is64) {
            eh.putLong(24, r.image().init());
            eh.putLong(40, shoff);
            eh.putShort(52, (short) 64);
            eh.putShort(58, (short) 64);
            eh.putShort(60, (short) shnum);
            eh.putShort(62, (short) (shnum - 1));
        } else {
            eh.putInt(24, (int) r.image().init());
            eh.putInt(32, (int) shoff);
            eh.putShort(40, (short) 52);
            eh.putShort(46, (short) 40);
            eh.putShort(48, (short) shnum);
            eh.putShort(50, (short) (shnum - 1));
        }
        return out;
    }

    /** A NOBITS section the arch filled (a PLT, GOT or descriptor table) is written with its contents. */
    private static boolean filled(byte[] bytes) {
        for (byte x : bytes) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }

    private static byte[] sym(ObjectFile obj, int name, long value, long size, int info, int shndx) {
        ByteBuffer b = ByteBuffer.allocate(obj.is64() ? 24 : 16).order(obj.order());
        if (obj.is64()) {
            b.putInt(name).put((byte) info).put((byte) 0).putShort((short) shndx).putLong(value).putLong(size);
        } else {
            b.putInt(name).putInt((int) value).putInt((int) size).put((byte) info).put((byte) 0).putShort((short) shndx);
        }
        return b.array();
    }

    private static void shdr(ByteBuffer b, boolean is64, int name, int type, long flags, long addr, long off, long size,
            int link, int info, long align, long entsize) {
        if (is64) {
            b.putInt(name).putInt(type).putLong(flags).putLong(addr).putLong(off).putLong(size).putInt(link).putInt(info)
                    .putLong(align).putLong(entsize);
        } else {
            b.putInt(name).putInt(type).putInt((int) flags).putInt((int) addr).putInt((int) off).putInt((int) size)
                    .putInt(link).putInt(info).putInt((int) align).putInt((int) entsize);
        }
    }

    private static void pad(ByteArrayOutputStream out, long align) {
        while (out.size() % align != 0) {
            out.write(0);
        }
    }

    /** A string table under construction. */
    private static final class Strings {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Map<String, Integer> seen = new HashMap<>();

        Strings() {
            bytes.write(0);
        }

        int add(String s) {
            return seen.computeIfAbsent(s, k -> {
                int at = bytes.size();
                byte[] b = k.getBytes(StandardCharsets.ISO_8859_1);
                bytes.write(b, 0, b.length);
                bytes.write(0);
                return at;
            });
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
