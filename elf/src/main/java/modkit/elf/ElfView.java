package modkit.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lean depth of modkit's one ELF reader: an ELF file's header, its section header table and the raw
 * {@code Elf_Sym} and {@code __versions} entries, decoded straight from the bytes, every offset checked before it
 * is followed. Nothing is decoded into objects until asked for, and section names are compared as bytes.
 *
 * <p>depmod, modinfo and modprobe read modules at this depth ({@link ModuleSummary}), as kmod's
 * {@code libkmod-elf.c} does: it checks what it must to read safely and no more, so a module the kernel would refuse
 * can still be indexed. The linker's full view, {@link ObjectFile}, is built on the same view after the kernel's
 * stricter checks ({@link ElfChecks}).
 *
 * <p>The bytes may be brought in lazily: a {@link Loader} is asked for each range (the section headers, then each
 * section) before it is read, and says where in its array it put them, so a large plain module is read a section
 * at a time and only the sections a reader wants take memory. {@link #offset} is always the file's offset;
 * {@link #position} is where a section's bytes are in {@link #data()}.
 */
public final class ElfView {
    /**
     * Brings ranges of the file into an array for the view. The ELF header is at the array's start; other ranges
     * need not sit at their file offsets: a loader may pack the few sections a reader wants one after another, and
     * may move them all to a larger array when it needs room.
     */
    public interface Loader {
        /**
         * Makes the file's bytes {@code [offset, offset + length)} readable; returns where they start in
         * {@link #data()}.
         */
        int load(int offset, int length);

        /** The array the loaded ranges are in; after a {@link #load} it may be a new one. */
        byte[] data();

        /** Says which ranges {@link #load} will be asked for next, so that it can read them together. */
        default void prepare(int[] offsets, int[] lengths) {}
    }

    /** For bytes that are all in memory already, each at its file offset. */
    public static Loader inMemory(byte[] data) {
        return new Loader() {
            @Override
            public int load(int offset, int length) {
                return offset;
            }

            @Override
            public byte[] data() {
                return data;
            }
        };
    }

    // Elf_Shdr fields, in file order; each section's are stored at [i * FIELDS + field].
    static final int SH_NAME = 0, SH_TYPE = 1, SH_FLAGS = 2, SH_ADDR = 3, SH_OFFSET = 4, SH_SIZE = 5, SH_LINK = 6,
            SH_INFO = 7, SH_ADDRALIGN = 8, SH_ENTSIZE = 9;
    private static final int FIELDS = 10;

    /** struct modversion_info: an unsigned long CRC, then the NUL-padded name, 64 bytes in all. */
    public static final int VERSION_ENTRY_SIZE = 64;

    private final String file;
    private byte[] data; // the loader's array, as of its last load
    private final int length;
    private ByteBuffer buf;
    private final Loader loader;
    private final boolean is64;
    private final int machine;
    private final int shnum;
    private final int shstrndx;
    private final long[] shdr;
    private final int[] position; // of each loaded section's bytes in data; -1 until loaded

    private ElfView(String file, int length, Loader loader) {
        this.file = file;
        this.data = loader.data();
        this.length = length;
        this.loader = loader;
        if (length < 16 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw new ElfFormatException(file, length < 4
                    ? "file is " + length + " bytes, too short for an ELF header (truncated?)"
                    : "not an ELF file (bad magic in e_ident)");
        }
        int cls = data[4];
        if (cls != 1 && cls != 2) {
            throw new ElfFormatException(file, "Invalid ELF class " + cls + " in e_ident[EI_CLASS] (expected 1 or 2)");
        }
        int enc = data[5];
        if (enc != 1 && enc != 2) {
            throw new ElfFormatException(file, "Invalid ELF data encoding " + enc + " in e_ident[EI_DATA] (expected 1 or 2)");
        }
        is64 = cls == 2;
        buf = ByteBuffer.wrap(data).order(enc == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        if (length < (is64 ? 64 : 52)) {
            throw new ElfFormatException(file, "Invalid ELF header len " + length + " (file truncated?)");
        }
        machine = Short.toUnsignedInt(buf.getShort(0x12));
        long shoff = is64 ? buf.getLong(0x28) : Integer.toUnsignedLong(buf.getInt(0x20));
        int shentsize = Short.toUnsignedInt(buf.getShort(is64 ? 0x3a : 0x2e));
        shnum = Short.toUnsignedInt(buf.getShort(is64 ? 0x3c : 0x30));
        shstrndx = Short.toUnsignedInt(buf.getShort(is64 ? 0x3e : 0x32));
        int expected = is64 ? 64 : 40;
        if (shentsize != expected) {
            throw new ElfFormatException(file, "Invalid ELF section header size e_shentsize " + shentsize + " != " + expected);
        }
        if (shoff < 0 || shoff > length || (long) shnum * shentsize > length - shoff) {
            throw new ElfFormatException(file, "section headers run past the end of the file: e_shoff 0x"
                    + Long.toHexString(shoff) + " + " + shnum + " * " + shentsize + " > file size 0x"
                    + Integer.toHexString(length) + " (truncated?)");
        }
        if (shstrndx >= shnum) {
            throw new ElfFormatException(file, "e_shstrndx " + shstrndx + " >= e_shnum " + shnum);
        }
        int headers = loader.load((int) shoff, shnum * shentsize);
        refresh();
        shdr = new long[shnum * FIELDS];
        position = new int[shnum];
        Arrays.fill(position, -1);
        for (int i = 0; i < shnum; i++) {
            readSectionHeader(i, headers + i * shentsize);
            checkBounds(i);
        }
        checkNames();
    }

    /** A view of a file of {@code length} bytes, whose ranges {@code loader} brings in on demand. */
    public static ElfView of(String file, int length, Loader loader) {
        return new ElfView(file, length, loader);
    }

    /** A view of bytes all in memory; a signature trailer may follow the ELF image. */
    public static ElfView of(String file, byte[] data, int length) {
        return new ElfView(file, length, inMemory(data));
    }

    /** Picks up the loader's array after a load, which may have moved everything to a larger one. */
    private void refresh() {
        byte[] d = loader.data();
        if (d != data) {
            data = d;
            buf = ByteBuffer.wrap(d).order(buf.order());
        }
    }

    private void readSectionHeader(int i, int at) {
        int base = i * FIELDS;
        if (is64) {
            shdr[base + SH_NAME] = Integer.toUnsignedLong(buf.getInt(at));
            shdr[base + SH_TYPE] = Integer.toUnsignedLong(buf.getInt(at + 4));
            shdr[base + SH_FLAGS] = buf.getLong(at + 8);
            shdr[base + SH_ADDR] = buf.getLong(at + 16);
            shdr[base + SH_OFFSET] = buf.getLong(at + 24);
            shdr[base + SH_SIZE] = buf.getLong(at + 32);
            shdr[base + SH_LINK] = Integer.toUnsignedLong(buf.getInt(at + 40));
            shdr[base + SH_INFO] = Integer.toUnsignedLong(buf.getInt(at + 44));
            shdr[base + SH_ADDRALIGN] = buf.getLong(at + 48);
            shdr[base + SH_ENTSIZE] = buf.getLong(at + 56);
        } else {
            for (int f = 0; f < FIELDS; f++) {
                shdr[base + f] = Integer.toUnsignedLong(buf.getInt(at + 4 * f));
            }
        }
    }

    private void checkBounds(int i) {
        int type = type(i);
        if ((type == Section.SHT_NULL && i != shstrndx) || type == Section.SHT_NOBITS) {
            return; // no bytes in the file (the name table is read whatever its type says)
        }
        long off = offset(i);
        long size = rawSize(i);
        if (off < 0 || size < 0 || off > length || size > length - off) {
            throw new ElfFormatException(file, "section " + i + " runs past the end of the file: sh_offset 0x"
                    + Long.toHexString(off) + " + sh_size 0x" + Long.toHexString(size) + " > file size 0x"
                    + Integer.toHexString(length) + " (truncated?)");
        }
        if (shdr[i * FIELDS + SH_LINK] > Integer.MAX_VALUE || shdr[i * FIELDS + SH_INFO] > Integer.MAX_VALUE) {
            throw new ElfFormatException(file, "Invalid ELF sh_link/sh_info in section " + i);
        }
    }

    /** Every section name lies in the name table and ends there; checked, not decoded. */
    private void checkNames() {
        long strSize = namesSize();
        int strOff = position(shstrndx);
        for (int i = 0; i < shnum; i++) {
            long n = shdr[i * FIELDS + SH_NAME];
            if (i == 0 && n == 0) {
                continue;
            }
            if (n >= strSize) {
                throw new ElfFormatException(file, "section " + i + " sh_name 0x" + Long.toHexString(n)
                        + " is past the section name table (0x" + Long.toHexString(strSize) + " bytes)");
            }
            cStringEnd((int) (strOff + n), (int) (strOff + strSize), "section " + i + " name");
        }
    }

    public String file() {
        return file;
    }

    /** The bytes loaded so far, each section's at its {@link #position}. Fetch again after a load. */
    byte[] data() {
        return data;
    }

    /** How many bytes of {@link #data} are the ELF image. */
    public int length() {
        return length;
    }

    /** {@link #data()} in the file's byte order. Shared, not a copy; fetch again after a load. */
    ByteBuffer buffer() {
        return buf;
    }

    public boolean is64() {
        return is64;
    }

    public ByteOrder order() {
        return buf.order();
    }

    public int machine() {
        return machine;
    }

    public int sectionCount() {
        return shnum;
    }

    public int nameTableIndex() {
        return shstrndx;
    }

    public int type(int i) {
        return (int) shdr[i * FIELDS + SH_TYPE];
    }

    public long flags(int i) {
        return shdr[i * FIELDS + SH_FLAGS];
    }

    public long addr(int i) {
        return shdr[i * FIELDS + SH_ADDR];
    }

    public long offset(int i) {
        return shdr[i * FIELDS + SH_OFFSET];
    }

    /** {@code sh_size}; 0 for a {@code SHT_NULL} header, whatever it says. */
    public long size(int i) {
        return type(i) == Section.SHT_NULL ? 0 : shdr[i * FIELDS + SH_SIZE];
    }

    /** {@code sh_size} as the header says, even for a {@code SHT_NULL} one. */
    long rawSize(int i) {
        return shdr[i * FIELDS + SH_SIZE];
    }

    public int link(int i) {
        return (int) shdr[i * FIELDS + SH_LINK];
    }

    public int info(int i) {
        return (int) shdr[i * FIELDS + SH_INFO];
    }

    public long addralign(int i) {
        return shdr[i * FIELDS + SH_ADDRALIGN];
    }

    public long entsize(int i) {
        return shdr[i * FIELDS + SH_ENTSIZE];
    }

    /** The raw {@code sh_name}: an offset into the section name table. */
    long nameOffset(int i) {
        return shdr[i * FIELDS + SH_NAME];
    }

    /** Bytes in the section name table: its {@code sh_size}, whatever its type, unless it is NOBITS. */
    long namesSize() {
        return type(shstrndx) == Section.SHT_NOBITS ? 0 : rawSize(shstrndx);
    }

    /** Section {@code i}'s name, decoded. */
    public String name(int i) {
        if (i == 0 && nameOffset(0) == 0) {
            return "";
        }
        int table = position(shstrndx);
        int at = (int) (table + nameOffset(i));
        return new String(data, at, cStringEnd(at, (int) (table + namesSize()), "section name") - at,
                StandardCharsets.ISO_8859_1);
    }

    /** The first section (after the null one) named {@code name}, whatever its type and flags, or -1. */
    public int find(String name) {
        byte[] wanted = (name + "\0").getBytes(StandardCharsets.ISO_8859_1); // the whole name, its NUL too
        for (int i = 1; i < shnum; i++) {
            if (nameStartsWith(i, wanted)) {
                return i;
            }
        }
        return -1;
    }

    /** Makes section {@code i}'s bytes readable (their bounds were checked when the view was made). */
    public void load(int i) {
        if (position[i] < 0) {
            long off = offset(i);
            if (type(i) != Section.SHT_NOBITS && off >= 0 && off < length) {
                position[i] = loader.load((int) off, (int) Math.min(rawSize(i), length - off));
                refresh();
            } else {
                position[i] = (int) Math.min(off, length); // no bytes to read there
            }
        }
    }

    /** Loads these sections (-1s are skipped), telling the loader all of them first. */
    public void loadAll(int... sections) {
        int n = 0;
        int[] offsets = new int[sections.length];
        int[] lengths = new int[sections.length];
        for (int i : sections) {
            if (i >= 0 && position[i] < 0 && type(i) != Section.SHT_NOBITS && offset(i) < length) {
                offsets[n] = (int) offset(i);
                lengths[n] = (int) Math.min(rawSize(i), length - offset(i));
                n++;
            }
        }
        loader.prepare(Arrays.copyOf(offsets, n), Arrays.copyOf(lengths, n));
        for (int i : sections) {
            if (i >= 0) {
                load(i);
            }
        }
    }

    /** Whether section {@code i}'s name starts with {@code prefix} (Latin-1), compared as bytes. */
    public boolean nameStartsWith(int i, byte[] prefix) {
        long at = position(shstrndx) + nameOffset(i);
        return at + prefix.length <= position(shstrndx) + namesSize()
                && Arrays.equals(data, (int) at, (int) at + prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Where section {@code i}'s bytes start in {@link #data()}, loading them first: its file offset when the whole
     * file is in memory, elsewhere when a loader packs sections.
     */
    public int position(int i) {
        load(i);
        return position[i];
    }

    /** The file offset of the byte at {@code at} in {@link #data()}, for messages. */
    private long fileOffset(int at) {
        for (int i = 0; i < shnum; i++) {
            if (position[i] >= 0 && at >= position[i] && at < position[i] + size(i)) {
                return offset(i) + (at - position[i]);
            }
        }
        return at;
    }

    /** The offset of the NUL that ends the string at {@code at}, which must come before {@code limit}. */
    int cStringEnd(int at, int limit, String what) {
        int end = at;
        while (end < limit && data[end] != 0) {
            end++;
        }
        if (end >= limit) {
            throw new ElfFormatException(file, what + " at file offset 0x" + Long.toHexString(fileOffset(at))
                    + " is not NUL-terminated within its table");
        }
        return end;
    }

    /** The NUL-terminated string at {@code at}, which must end before {@code limit}. */
    String cString(int at, int limit, String what) {
        int end = cStringEnd(at, limit, what);
        return new String(data, at, end - at, StandardCharsets.ISO_8859_1);
    }

    /** The {@code .modinfo} entries of section {@code i}, loaded first. */
    java.util.List<ModInfo.Entry> modinfo(int i, java.nio.charset.Charset charset, ModInfo.KeyFilter filter) {
        int at = position(i);
        return ModInfo.entries(data, at, (int) (at + size(i)), charset, filter);
    }

    // ---- Elf_Sym: one decoder for both depths. {@code at} is the entry's position in data(). ----

    /** sizeof(Elf_Sym). */
    public int symbolSize() {
        return is64 ? 24 : 16;
    }

    int symName(int at) {
        return buf.getInt(at);
    }

    int symInfo(int at) {
        return data[at + (is64 ? 4 : 12)] & 0xff;
    }

    int symShndx(int at) {
        return Short.toUnsignedInt(buf.getShort(at + (is64 ? 6 : 14)));
    }

    long symValue(int at) {
        return is64 ? buf.getLong(at + 8) : Integer.toUnsignedLong(buf.getInt(at + 4));
    }

    long symSize(int at) {
        return is64 ? buf.getLong(at + 16) : Integer.toUnsignedLong(buf.getInt(at + 8));
    }

    /**
     * The {@code __versions} entries of section {@code i} (loaded first): a CRC, then a NUL-padded name, in
     * 64-byte slots. A size that is not a whole number of slots is the caller's to judge.
     */
    public VersionTable versions(int i) {
        int at = position(i);
        return new VersionTable(this, (int) (size(i) / VERSION_ENTRY_SIZE), at);
    }
}
