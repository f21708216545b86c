package modkit.elf;

import java.nio.ByteBuffer;

/**
 * The entries of one {@code SHT_REL} or {@code SHT_RELA} section, read in place from the object's bytes:
 * {@code r_offset}, the symbol and type halves of {@code r_info}, and {@code r_addend}. A module tree holds
 * millions of entries, so there is neither an object nor a decoded copy per entry. For REL the addend lives in
 * the patched field and is read by the architecture, so {@link #addend} is 0 here.
 */
public final class RelocTable {
    private final Section section;
    private final Section target;
    private final boolean rela;
    private final boolean is64;
    private final ByteBuffer buf;
    private final int base;
    private final int entSize;
    private final int count;

    /**
     * Checks every entry names a symbol below {@code symbolCount} and patches a byte inside {@code target}, so
     * callers can index with what the accessors return.
     */
    RelocTable(String file, Section section, Section target, ByteBuffer buf, boolean is64, int symbolCount) {
        this.section = section;
        this.target = target;
        this.rela = section.type() == Section.SHT_RELA;
        this.is64 = is64;
        this.buf = buf;
        this.base = (int) section.offset();
        this.entSize = (is64 ? 8 : 4) * (rela ? 3 : 2);
        this.count = (int) (section.size() / entSize);
        for (int i = 0; i < count; i++) {
            int sym = symbol(i);
            long off = offset(i);
            if (sym >= symbolCount || sym < 0) {
                throw new ElfFormatException(file + ":" + target.at(off), "relocation in " + section.name()
                        + " names symbol " + Integer.toUnsignedString(sym) + " but the symbol table has " + symbolCount);
            }
            if (off < 0 || off >= target.size()) {
                throw new ElfFormatException(file + ":" + target.at(off), "relocation in " + section.name()
                        + " is outside its section (size 0x" + Long.toHexString(target.size()) + ")");
            }
        }
    }

    /** The REL/RELA section itself. */
    public Section section() {
        return section;
    }

    /** The section the entries patch ({@code sh_info}). */
    public Section target() {
        return target;
    }

    public boolean isRela() {
        return rela;
    }

    public int count() {
        return count;
    }

    public long offset(int i) {
        int at = base + i * entSize;
        return is64 ? buf.getLong(at) : Integer.toUnsignedLong(buf.getInt(at));
    }

    public int symbol(int i) {
        int at = base + i * entSize;
        return is64 ? (int) (buf.getLong(at + 8) >>> 32) : buf.getInt(at + 4) >>> 8;
    }

    public int type(int i) {
        int at = base + i * entSize;
        return is64 ? (int) buf.getLong(at + 8) : buf.getInt(at + 4) & 0xff;
    }

    public long addend(int i) {
        if (!rela) {
            return 0;
        }
        int at = base + i * entSize;
        return is64 ? buf.getLong(at + 16) : buf.getInt(at + 8);
    }
}
