package modkit.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.fornwall.jelf.ElfFile;

/**
 * The kernel's {@code elf_validity_check} and {@code setup_load_info}, one small method per check, each naming
 * the bad field and its value (loader-model.md §3). Messages start with the kernel's own wording so they can be
 * grepped in both code bases; what follows the kernel text is ours.
 *
 * <p>The ELF header is decoded by jelf once the raw bytes are known to hold one. Section headers, symbols and
 * relocations are read here into flat records and arrays: jelf builds an object per entry and its errors carry no
 * file name or offset.
 */
final class ElfChecks {
    private static final int ET_REL = 1;

    record Header(boolean is64, ByteOrder order, int machine, long shoff, int shentsize, int shnum, int shstrndx) {}

    private ElfChecks() {}

    static Header header(String file, byte[] data, int length) {
        if (length < 52) {
            throw new ElfFormatException(file, "Invalid ELF header len " + length + " (file truncated?)");
        }
        if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw new ElfFormatException(file, "Invalid ELF header magic: != \\177ELF (not an ELF file)");
        }
        int elfClass = data[4];
        if (elfClass != 1 && elfClass != 2) {
            throw new ElfFormatException(file, "Invalid ELF class " + elfClass + " in e_ident[EI_CLASS] (expected 1 or 2)");
        }
        int elfData = data[5];
        if (elfData != 1 && elfData != 2) {
            throw new ElfFormatException(file, "Invalid ELF data encoding " + elfData + " in e_ident[EI_DATA] (expected 1 or 2)");
        }
        boolean is64 = elfClass == 2;
        if (is64 && length < 64) {
            throw new ElfFormatException(file, "Invalid ELF header len " + length + " (file truncated?)");
        }
        ElfFile elf;
        try {
            // jelf reads section and program headers lazily, so the ELF header alone is all it needs here; handing it
            // the whole module would copy every byte of a signed one.
            elf = ElfFile.from(Arrays.copyOf(data, is64 ? 64 : 52));
        } catch (RuntimeException e) { // jelf throws ElfException (unchecked) or index errors
            throw new ElfFormatException(file, "Invalid ELF header: " + e.getMessage());
        }
        int type = Short.toUnsignedInt(elf.e_type);
        if (type != ET_REL) {
            throw new ElfFormatException(
                    file, "Invalid ELF header type: " + type + " != " + ET_REL + " (not a relocatable object)");
        }
        int shentsize = Short.toUnsignedInt(elf.e_shentsize);
        int expected = is64 ? 64 : 40;
        if (shentsize != expected) {
            throw new ElfFormatException(file, "Invalid ELF section header size " + shentsize + " != " + expected);
        }
        int shnum = Short.toUnsignedInt(elf.e_shnum);
        long shoff = elf.e_shoff;
        if (shnum == 0) {
            throw new ElfFormatException(
                    file, "e_shnum is 0: no section headers (or extended section numbering, which modules never use)");
        }
        if (shoff < 0 || shoff >= length || (long) shnum * shentsize > length - shoff) {
            throw new ElfFormatException(file, "Invalid ELF section header overflow: e_shoff 0x" + Long.toHexString(shoff)
                    + " + " + shnum + " headers runs past the end of the file (0x" + Integer.toHexString(length) + " bytes)");
        }
        int shstrndx = Short.toUnsignedInt(elf.e_shstrndx);
        if (shstrndx == 0 || shstrndx >= shnum) {
            throw new ElfFormatException(file, "Invalid ELF section name index: " + shstrndx + " || e_shstrndx (" + shstrndx
                    + ") >= e_shnum (" + shnum + ")");
        }
        ByteOrder order = elfData == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        return new Header(is64, order, Short.toUnsignedInt(elf.e_machine), shoff, shentsize, shnum, shstrndx);
    }

    /**
     * The kernel's checks of the section table that the lean view does not make (it has already checked that every
     * section lies in the file and every name in the name table), then the tables as records.
     */
    static Section[] sections(String file, ElfView v) {
        int names = v.nameTableIndex();
        long strOff = v.offset(names);
        long strSize = v.namesSize();
        if (v.type(names) == Section.SHT_NOBITS || strSize == 0) {
            throw new ElfFormatException(file, "ELF Spec violation: section name table (section " + names + ") is empty");
        }
        if (v.data()[(int) (strOff + strSize - 1)] != 0) {
            throw new ElfFormatException(file, "ELF Spec violation: section name table (section " + names
                    + ") isn't null terminated");
        }
        if (v.type(0) != Section.SHT_NULL || v.rawSize(0) != 0 || v.addr(0) != 0) {
            throw new ElfFormatException(file, "ELF Spec violation: section 0 type(" + v.type(0)
                    + ")!=SH_NULL or non-zero len or addr");
        }
        Section[] out = new Section[v.sectionCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Section(i, v.name(i), v.type(i), v.flags(i), v.addr(i), v.offset(i), v.rawSize(i), v.link(i),
                    v.info(i), v.addralign(i), v.entsize(i));
            checkAlignment(file, out[i]);
        }
        return out;
    }

    private static void checkAlignment(String file, Section s) {
        long a = s.addralign();
        if (a < 0 || (a & (a - 1)) != 0 || a > (1L << 30)) {
            throw new ElfFormatException(file, "section " + s.name() + " (index " + s.index() + ") has invalid sh_addralign 0x"
                    + Long.toHexString(a) + " (must be a power of two)");
        }
        if (s.isAlloc() && s.size() > Integer.MAX_VALUE) {
            throw new ElfFormatException(file, "section " + s.name() + " (index " + s.index() + ") is too large: 0x"
                    + Long.toHexString(s.size()) + " bytes");
        }
    }

    /** setup_load_info: exactly one symbol table, linked to a string table. */
    static Section symbolTable(String file, Section[] sections) {
        Section found = null;
        for (Section s : sections) {
            if (s.type() == Section.SHT_SYMTAB) {
                if (found != null) {
                    throw new ElfFormatException(file, "module has more than one symbol table (sections " + found.index()
                            + " and " + s.index() + ")");
                }
                found = s;
            }
        }
        if (found == null) {
            throw new ElfFormatException(file, "module has no symbols (stripped?)");
        }
        if (found.link() <= 0 || found.link() >= sections.length || sections[found.link()].type() != Section.SHT_STRTAB) {
            throw new ElfFormatException(file, "Invalid ELF sh_link " + found.link() + " of symbol table " + found.name()
                    + " (must name a string table)");
        }
        return found;
    }

    static void checkSymbols(String file, ObjectFile obj) {
        SymbolTable st = obj.symbols();
        Section symtab = st.section();
        int entSize = obj.is64() ? 24 : 16;
        if (symtab.size() % entSize != 0) {
            throw new ElfFormatException(file, "symbol table size 0x" + Long.toHexString(symtab.size())
                    + " is not a multiple of the entry size " + entSize);
        }
        int modinfoCount = 0;
        int thisModule = 0;
        for (Section s : obj.sections()) {
            if (s.name().equals(".modinfo")) {
                modinfoCount++;
            }
            if (s.name().equals(".gnu.linkonce.this_module") && s.isAlloc()) {
                thisModule++;
                if (s.isNobits()) {
                    throw new ElfFormatException(file, ".gnu.linkonce.this_module section must have a size set");
                }
            }
        }
        if (modinfoCount > 1) {
            throw new ElfFormatException(file, "Only one .modinfo section must exist.");
        }
        if (thisModule == 0) {
            throw new ElfFormatException(file, "No module found in object (no .gnu.linkonce.this_module section)");
        }
        if (thisModule > 1) {
            throw new ElfFormatException(file, "Only one .gnu.linkonce.this_module section must exist.");
        }
        int n = obj.sectionCount();
        for (int i = 1; i < st.count(); i++) {
            int shndx = st.shndx(i);
            if (shndx >= n && shndx < SymbolTable.SHN_LORESERVE) {
                throw new ElfFormatException(file, "Symbol " + st.name(i) + " has an invalid section index " + shndx
                        + " (max " + (n - 1) + ")");
            }
            if (shndx == SymbolTable.SHN_XINDEX) {
                throw new ElfFormatException(file, "Symbol " + st.name(i) + " uses SHN_XINDEX, which modules never need");
            }
        }
    }

    static void checkRelocationSection(String file, ObjectFile obj, Section rel) {
        boolean is64 = obj.is64();
        int entSize = (is64 ? 8 : 4) * (rel.type() == Section.SHT_RELA ? 3 : 2);
        if (rel.size() % entSize != 0) {
            throw new ElfFormatException(file, "relocation section " + rel.name() + " size 0x" + Long.toHexString(rel.size())
                    + " is not a multiple of the entry size " + entSize);
        }
        if (rel.link() != obj.symbols().section().index()) {
            throw new ElfFormatException(file, "relocation section " + rel.name() + " has sh_link " + rel.link()
                    + ", not the symbol table (section " + obj.symbols().section().index() + ")");
        }
        if (rel.info() <= 0 || rel.info() >= obj.sectionCount()) {
            throw new ElfFormatException(file, "relocation section " + rel.name() + " has invalid sh_info " + rel.info()
                    + " (max " + (obj.sectionCount() - 1) + ")");
        }
    }
}
