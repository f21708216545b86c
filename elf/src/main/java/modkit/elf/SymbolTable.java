package modkit.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The symbol table of an object as parallel arrays, one slot per {@code Elf_Sym}: a module has thousands of
 * symbols and the linker touches each a few times, so there is no object per symbol. Names are decoded on
 * first use.
 */
public final class SymbolTable {
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_LIVEPATCH = 0xff20;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;

    private final int[] nameOffset;
    private final long[] value;
    private final long[] size;
    private final byte[] info;
    private final int[] shndx;
    private final String[] names;
    private final ByteBuffer strtab;
    private final int strtabStart;
    private final int strtabSize;
    private final Section section;

    SymbolTable(Section section, ElfView elf, int strtabStart, int strtabSize) {
        this.section = section;
        int entSize = elf.symbolSize();
        int count = (int) (section.size() / entSize);
        nameOffset = new int[count];
        value = new long[count];
        size = new long[count];
        info = new byte[count];
        shndx = new int[count];
        names = new String[count];
        this.strtab = elf.buffer();
        this.strtabStart = strtabStart;
        this.strtabSize = strtabSize;
        int base = (int) section.offset();
        for (int i = 0; i < count; i++) {
            int at = base + i * entSize;
            nameOffset[i] = elf.symName(at);
            info[i] = (byte) elf.symInfo(at);
            shndx[i] = elf.symShndx(at);
            value[i] = elf.symValue(at);
            size[i] = elf.symSize(at);
        }
    }

    public Section section() {
        return section;
    }

    public int count() {
        return value.length;
    }

    public String name(int i) {
        String n = names[i];
        if (n == null) {
            n = readName(nameOffset[i]);
            names[i] = n;
        }
        return n;
    }

    /** True if the symbol has a non-empty name; reads one byte, decodes nothing. */
    public boolean hasName(int i) {
        int offset = nameOffset[i];
        return offset >= 0 && offset < strtabSize && strtab.get(strtabStart + offset) != 0;
    }

    /** Bytes in the symbol's name (without the NUL), without decoding it into a String. */
    public int nameLength(int i) {
        if (names[i] != null) {
            return names[i].length(); // ISO-8859-1: one char per byte
        }
        int offset = nameOffset[i];
        if (offset < 0 || offset >= strtabSize) {
            return name(i).length();
        }
        int start = strtabStart + offset;
        int end = start;
        int limit = strtabStart + strtabSize;
        while (end < limit && strtab.get(end) != 0) {
            end++;
        }
        return end - start;
    }

    /** True if the symbol's name starts with {@code prefix} (ASCII), compared on the raw bytes. */
    public boolean nameStartsWith(int i, String prefix) {
        if (names[i] != null) {
            return names[i].startsWith(prefix);
        }
        int offset = nameOffset[i];
        if (offset < 0 || offset >= strtabSize || strtabSize - offset < prefix.length()) {
            return name(i).startsWith(prefix);
        }
        int start = strtabStart + offset;
        for (int k = 0; k < prefix.length(); k++) {
            if (strtab.get(start + k) != (byte) prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private String readName(int offset) {
        if (offset < 0 || offset >= strtabSize) {
            return "<bad name offset 0x" + Integer.toHexString(offset) + ">";
        }
        int start = strtabStart + offset;
        int end = start;
        int limit = strtabStart + strtabSize;
        while (end < limit && strtab.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        strtab.get(start, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    public long value(int i) {
        return value[i];
    }

    public long size(int i) {
        return size[i];
    }

    public int binding(int i) {
        return (info[i] & 0xff) >>> 4;
    }

    public int type(int i) {
        return info[i] & 0xf;
    }

    public int shndx(int i) {
        return shndx[i];
    }

    public boolean isUndefined(int i) {
        return shndx[i] == SHN_UNDEF;
    }

    public boolean isWeak(int i) {
        return binding(i) == STB_WEAK;
    }

    /**
     * Index of the first symbol with this name, or -1. Linear, on the raw bytes (no name is decoded): used for a
     * handful of well-known names.
     */
    public int find(String wanted) {
        for (int i = 1; i < count(); i++) {
            if (nameStartsWith(i, wanted) && nameLength(i) == wanted.length()) {
                return i;
            }
        }
        return -1;
    }
}
