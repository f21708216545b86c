package modkit.insmod;

import modkit.arch.Arch;
import modkit.arch.Arches;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;

/**
 * The one-letter symbol type GNU {@code nm} prints for a symbol of a relocatable ELF object (BFD's
 * {@code bfd_decode_symclass}): first what the symbol's binding and type force (U, w/v, i, W/V, u), then
 * {@code a} for absolute symbols, then the section's flags as BFD reads them from the section header (code t;
 * allocated data: read-only r, small g, else d; no contents: small s, else b; debugging N; other read-only n).
 * A global symbol's letter is upper case, a local one's lower case.
 */
public final class NmType {
    private NmType() {}

    static final int STT_GNU_IFUNC = 10;
    static final int STB_GNU_UNIQUE = 10;
    static final long SHF_TLS = 0x400;

    /**
     * Section names BFD (2.35 and later) maps to a letter before it looks at the flags: only PE's; a name matches as
     * itself or followed by '.', '$' or a digit. (Older BFD also mapped .text/.data/.init/... by name, so an
     * {@code .init.data} symbol was 't'; binutils 2.40 prints 'd', and so do we.)
     */
    private static final String[][] BY_NAME = {{".drectve", "i"}, {".edata", "e"}, {".idata", "i"}, {".pdata", "p"}};

    /** The letter of symbol {@code i} of {@code obj}. */
    public static char of(ObjectFile obj, int i) {
        SymbolTable st = obj.symbols();
        int shndx = st.shndx(i);
        int bind = st.binding(i);
        int type = st.type(i);
        boolean object = type == SymbolTable.STT_OBJECT;
        if (shndx == SymbolTable.SHN_COMMON) {
            return 'C'; // ('c' for ia64's small commons, which the kernel refuses like all commons)
        }
        if (shndx == SymbolTable.SHN_UNDEF) {
            return bind == SymbolTable.STB_WEAK ? (object ? 'v' : 'w') : 'U';
        }
        if (type == STT_GNU_IFUNC) {
            return 'i';
        }
        if (bind == SymbolTable.STB_WEAK) {
            return object ? 'V' : 'W';
        }
        if (bind == STB_GNU_UNIQUE) {
            return 'u';
        }
        if (bind != SymbolTable.STB_LOCAL && bind != SymbolTable.STB_GLOBAL) {
            return '?';
        }
        char c;
        if (shndx == SymbolTable.SHN_ABS) {
            c = 'a';
        } else if (shndx < obj.sectionCount()) {
            Section s = obj.section(shndx);
            c = byName(s.name());
            if (c == '?') {
                c = byFlags(s, obj.machine());
            }
        } else {
            return '?';
        }
        return bind == SymbolTable.STB_GLOBAL ? Character.toUpperCase(c) : c;
    }

    /** "local", "global", "weak", "unique" or the number. */
    public static String binding(int bind) {
        return switch (bind) {
            case SymbolTable.STB_LOCAL -> "local";
            case SymbolTable.STB_GLOBAL -> "global";
            case SymbolTable.STB_WEAK -> "weak";
            case STB_GNU_UNIQUE -> "unique";
            default -> Integer.toString(bind);
        };
    }

    static char byName(String name) {
        for (String[] e : BY_NAME) {
            String prefix = e[0];
            if (name.startsWith(prefix)) {
                if (name.length() == prefix.length()) {
                    return e[1].charAt(0);
                }
                char next = name.charAt(prefix.length());
                if (next == '.' || next == '$' || (next >= '0' && next <= '9')) {
                    return e[1].charAt(0);
                }
            }
        }
        return '?';
    }

    /** BFD's section flags as {@code _bfd_elf_make_section_from_shdr} derives them, then {@code decode_section_type}. */
    static char byFlags(Section s, int machine) {
        boolean contents = s.type() != Section.SHT_NOBITS;
        boolean alloc = (s.flags() & Section.SHF_ALLOC) != 0;
        boolean load = alloc && contents;
        boolean readonly = (s.flags() & Section.SHF_WRITE) == 0;
        boolean code = (s.flags() & Section.SHF_EXECINSTR) != 0;
        boolean data = !code && load;
        // BFD marks the arch's small-data sections (ia64: SHF_IA_64_SHORT, elfNN_ia64_section_flags).
        Arch arch = Arches.forMachine(machine);
        boolean small = arch != null && (s.flags() & arch.smallDataFlag()) != 0;
        String n = s.name();
        boolean debugging = !alloc && (n.startsWith(".debug") || n.startsWith(".gnu.debuglto_.debug_")
                || n.startsWith(".gnu.linkonce.wi.") || n.startsWith(".zdebug") || n.startsWith(".line")
                || n.startsWith(".stab") || n.equals(".gdb_index"));
        if (code) {
            return 't';
        }
        if (data) {
            return readonly ? 'r' : small ? 'g' : 'd';
        }
        if (!contents) {
            return small ? 's' : 'b';
        }
        if (debugging) {
            return 'N';
        }
        if (readonly) {
            return 'n';
        }
        return '?';
    }
}
