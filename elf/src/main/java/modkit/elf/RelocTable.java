package modkit.elf;

import java.nio.ByteBuffer;

/**
 * The entries of one {@code SHT_REL} or {@code SHT_RELA} section as parallel arrays ({@code r_offset}, the
 * symbol and type halves of {@code r_info}, and {@code r_addend}). For REL the addend lives in the patched
 * field and is read by the architecture, so {@link #addend} is 0 here.
 */
public final class RelocTable {
    private final Section section;
    private final Section target;
    private final boolean rela;
    private final long[] offset;
    private final int[] symbol;
    private final int[] type;
    private final long[] addend;

    RelocTable(Section section, Section target, ByteBuffer buf, boolean is64) {
        this.section = section;
        this.target = target;
        this.rela = section.type() == Section.SHT_RELA;
        int entSize = (is64 ? 8 : 4) * (rela ? 3 : 2);
        int count = (int) (section.size() / entSize);
        offset = new long[count];
        symbol = new int[count];
        type = new int[count];
        addend = new long[count];
        int base = (int) section.offset();
        for (int i = 0; i < count; i++) {
            int at = base + i * entSize;
            if (is64) {
                offset[i] = buf.getLong(at);
                long info = buf.getLong(at + 8);
                symbol[i] = (int) (info >>> 32);
                type[i] = (int) info;
                addend[i] = rela ? buf.getLong(at + 16) : 0;
            } else {
                offset[i] = Integer.toUnsignedLong(buf.getInt(at));
                int info = buf.getInt(at + 4);
                symbol[i] = info >>> 8;
                type[i] = info & 0xff;
                addend[i] = rela ? buf.getInt(at + 8) : 0;
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
        return offset.length;
    }

    public long offset(int i) {
        return offset[i];
    }

    public int symbol(int i) {
        return symbol[i];
    }

    public int type(int i) {
        return type[i];
    }

    public long addend(int i) {
        return addend[i];
    }
}
