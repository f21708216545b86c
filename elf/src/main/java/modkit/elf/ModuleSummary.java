package modkit.elf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What depmod needs from a module, read the way kmod's {@code libkmod-elf.c} reads it, and nothing more: the
 * {@code .modinfo} strings, the exported symbols and the needed (undefined) symbols with their CRCs.
 *
 * <p>This is the lean path for scanning thousands of modules: unlike {@link ObjectFile} it decodes no section
 * records, builds no symbol table and runs none of the kernel's load-time checks (a module the kernel would refuse
 * can still be indexed, as kmod indexes it). It does check every offset it follows, so a damaged file gives one
 * {@link ElfFormatException} naming the file and the bad field.
 *
 * <ul>
 *   <li>Exports: the {@code __crc_<name>} symbols of {@code .symtab}, in table order, each CRC being the 32-bit word
 *       at {@code st_value} in the symbol's section (or {@code st_value} itself for {@code SHN_ABS}); a module
 *       built without modversions has none, and then the names of {@code __ksymtab_strings} are the exports, CRC 0.
 *   <li>Needs: every undefined symbol with a non-empty name, in table order, with the CRC of the first
 *       {@code __versions} entry of that name (0 if none); then the {@code __versions} entries no symbol asked for
 *       ({@code module_layout}), as kmod appends them.
 * </ul>
 * Sections are found by name ({@code .symtab}, {@code .strtab}), as kmod finds them.
 */
public final class ModuleSummary {
    /** A symbol name with its CRC; {@code weak} only for needed symbols bound {@code STB_WEAK}. */
    public record Symbol(String name, long crc, boolean weak) {}

    private static final int SHN_UNDEF = 0;
    private static final int SHN_ABS = 0xfff1;
    private static final int STB_WEAK = 2;

    private final List<ModInfo.Entry> modinfo;
    private final List<Symbol> exports;
    private final List<Symbol> needs;

    private ModuleSummary(List<ModInfo.Entry> modinfo, List<Symbol> exports, List<Symbol> needs) {
        this.modinfo = modinfo;
        this.exports = exports;
        this.needs = needs;
    }

    public List<ModInfo.Entry> modinfo() {
        return modinfo;
    }

    public List<Symbol> exports() {
        return exports;
    }

    public List<Symbol> needs() {
        return needs;
    }

    /**
     * Reads and summarizes a module file (plain, .gz, .xz or .zst, by magic). Of a plain file only the headers and
     * the sections the summary looks at are read, as kmod's mmap touches only those: code, relocations and BTF
     * are most of a module's bytes and depmod needs none of them.
     */
    public static ModuleSummary read(Path path) {
        return read(path, null);
    }

    /**
     * Like {@link #read(Path)}, keeping of {@code .modinfo} only the entries with these keys (all if null): depmod
     * indexes aliases and softdeps, and the other entries were most of what it decoded.
     */
    public static ModuleSummary read(Path path, Set<String> modinfoKeys) {
        String file = path.toString();
        List<byte[]> keys = keyBytes(modinfoKeys);
        try (FileChannel ch = FileChannel.open(path)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ModkitException(file + ": file of " + size + " bytes is too large for a kernel module");
            }
            if (size <= WHOLE_FILE) {
                // One read for the whole file: most of a small module is the parts depmod wants, and each read
                // is a system call (selective reads were 8 per file, and most of the cost of a tree of small
                // modules).
                byte[] data = scratch((int) size);
                readFully(ch, data, 0, (int) size);
                return Compression.detect(data, (int) size) != Compression.NONE
                        ? parse(file, Arrays.copyOf(data, (int) size), keys)
                        : new Reader(file, data, (int) size, Reader.IN_MEMORY, keys).summarize();
            }
            byte[] head = new byte[64];
            readFully(ch, head, 0, head.length);
            if (Compression.detect(head) != Compression.NONE) {
                return parse(file, Files.readAllBytes(path), keys);
            }
            byte[] data = scratch((int) size);
            System.arraycopy(head, 0, data, 0, head.length);
            return new Reader(file, data, (int) size, (off, len) -> readFully(ch, data, off, len), keys).summarize();
        } catch (NoSuchFileException e) {
            throw new ModkitException(file + ": no such file");
        } catch (IOException | UncheckedIOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** A key set and its keys' bytes: a tree scan passes the same set for every file. */
    private record KeyBytes(Set<String> keys, List<byte[]> bytes) {}

    private static volatile KeyBytes lastKeys;

    private static List<byte[]> keyBytes(Set<String> keys) {
        if (keys == null) {
            return null;
        }
        KeyBytes k = lastKeys;
        if (k == null || k.keys() != keys) {
            List<byte[]> bytes = new ArrayList<>(keys.size());
            for (String key : keys) {
                bytes.add(key.getBytes(StandardCharsets.ISO_8859_1));
            }
            k = new KeyBytes(keys, bytes);
            lastKeys = k;
        }
        return k.bytes();
    }

    /**
     * A buffer of at least {@code size} bytes for this thread, reused from file to file: a summary keeps no
     * reference to the bytes it was read from, and a tree's worth of file-sized arrays was most of depmod's
     * garbage. Bytes left by an earlier file are never read: the reader only looks at ranges it loaded.
     */
    private static byte[] scratch(int size) {
        byte[] b = SCRATCH.get();
        if (b.length < size) {
            b = new byte[Math.max(size, b.length * 2)];
            SCRATCH.set(b);
        }
        return b;
    }

    /** Files up to this size are read whole, larger ones a section at a time. */
    private static final int WHOLE_FILE = 64 << 10;

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1 << 20]);

    /** Reads the file's bytes {@code [offset, offset + length)} into the same place of {@code into}. */
    private static void readFully(FileChannel ch, byte[] into, int offset, int length) {
        ByteBuffer b = ByteBuffer.wrap(into, offset, length);
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, b.position()) < 0) {
                    throw new IOException("file shrank while being read");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ModuleSummary parse(String file, byte[] raw) {
        return parse(file, raw, null);
    }

    private static ModuleSummary parse(String file, byte[] raw, List<byte[]> modinfoKeys) {
        byte[] data = Compression.detect(raw).decompress(file, raw);
        return new Reader(file, data, data.length, Reader.IN_MEMORY, modinfoKeys).summarize();
    }

    /** Like {@link #parse} for bytes already decompressed (a signature trailer may follow the ELF image). */
    public static ModuleSummary ofElf(String file, byte[] elf) {
        return new Reader(file, elf, elf.length, Reader.IN_MEMORY, null).summarize();
    }

    /** One pass over one file's bytes; every offset is checked before use. */
    private static final class Reader {
        private final String file;
        private final byte[] data;
        private final int length;
        private ByteBuffer buf;
        private boolean is64;
        private int shnum;
        private long shoff;
        private int shentsize;
        private long[] secOffset;
        private long[] secSize;
        private int[] secName; // file offset of each section's name in the section name table, -1 for none
        private int namesEnd; // where that table ends

        /** Fills {@code [offset, offset + length)} of the data array before the reader looks at it. */
        interface Loader {
            void load(int offset, int length);
        }

        static final Loader IN_MEMORY = (offset, length) -> {};

        private final Loader loader;
        private final List<byte[]> modinfoKeys; // null: every .modinfo entry
        private boolean[] loaded;

        /**
         * @param data the file's bytes at their file offsets; only {@code [0, length)} is the file, and with a
         *     {@code loader} only the parts it was asked for have been filled
         */
        Reader(String file, byte[] data, int length, Loader loader, List<byte[]> modinfoKeys) {
            this.file = file;
            this.data = data;
            this.length = length;
            this.loader = loader;
            this.modinfoKeys = modinfoKeys;
        }

        /** Makes section {@code i}'s bytes readable (its bounds are checked by {@link #sections}). */
        private void load(int i) {
            if (!loaded[i]) {
                loaded[i] = true;
                long off = secOffset[i];
                if (off >= 0 && off < length) { // a NOBITS header's offset is not checked: read what exists
                    loader.load((int) off, (int) Math.min(secSize[i], length - off));
                }
            }
        }

        ModuleSummary summarize() {
            header();
            sections();
            List<ModInfo.Entry> info = modinfo();
            int symtab = find(SYMTAB);
            int strtab = find(STRTAB);
            if (symtab < 0 || strtab < 0) {
                // kmod: no symbols to export or import; the module still has its .modinfo.
                return new ModuleSummary(info, kstrtabExports(), List.of());
            }
            load(symtab);
            load(strtab);
            List<Symbol> exports = crcExports(symtab, strtab);
            if (exports.isEmpty()) {
                exports = kstrtabExports();
            }
            return new ModuleSummary(info, exports, needs(symtab, strtab));
        }

        private void header() {
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
            int headerSize = is64 ? 64 : 52;
            if (length < headerSize) {
                throw new ElfFormatException(file, "Invalid ELF header len " + length + " (file truncated?)");
            }
            shoff = is64 ? buf.getLong(0x28) : Integer.toUnsignedLong(buf.getInt(0x20));
            shentsize = Short.toUnsignedInt(buf.getShort(is64 ? 0x3a : 0x2e));
            shnum = Short.toUnsignedInt(buf.getShort(is64 ? 0x3c : 0x30));
            int shstrndx = Short.toUnsignedInt(buf.getShort(is64 ? 0x3e : 0x32));
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
            this.shstrndx = shstrndx;
        }

        private int shstrndx;

        private void sections() {
            loader.load((int) shoff, shnum * shentsize);
            secOffset = new long[shnum];
            secSize = new long[shnum];
            secName = new int[shnum];
            loaded = new boolean[shnum];
            int[] nameOff = new int[shnum];
            for (int i = 0; i < shnum; i++) {
                int at = (int) (shoff + (long) i * shentsize);
                nameOff[i] = buf.getInt(at);
                int type = buf.getInt(at + 4);
                secOffset[i] = is64 ? buf.getLong(at + 24) : Integer.toUnsignedLong(buf.getInt(at + 16));
                secSize[i] = is64 ? buf.getLong(at + 32) : Integer.toUnsignedLong(buf.getInt(at + 20));
                if (type == 8 /* SHT_NOBITS */ || type == 0) {
                    secSize[i] = type == 0 ? 0 : secSize[i];
                    continue;
                }
                if (secOffset[i] < 0 || secSize[i] < 0 || secOffset[i] > length
                        || secSize[i] > length - secOffset[i]) {
                    throw new ElfFormatException(file, "section " + i + " runs past the end of the file: sh_offset 0x"
                            + Long.toHexString(secOffset[i]) + " + sh_size 0x" + Long.toHexString(secSize[i])
                            + " > file size 0x" + Integer.toHexString(length) + " (truncated?)");
                }
            }
            load(shstrndx);
            long strOff = secOffset[shstrndx];
            long strSize = secSize[shstrndx];
            namesEnd = (int) (strOff + strSize);
            for (int i = 0; i < shnum; i++) {
                long n = Integer.toUnsignedLong(nameOff[i]);
                if (i == 0 && n == 0) {
                    secName[i] = -1;
                    continue;
                }
                if (n >= strSize) {
                    throw new ElfFormatException(file, "section " + i + " sh_name 0x" + Long.toHexString(n)
                            + " is past the section name table (0x" + Long.toHexString(strSize) + " bytes)");
                }
                // Checked, not decoded: of a module's twenty-odd section names the summary compares five.
                secName[i] = (int) (strOff + n);
                cStringEnd(secName[i], (int) (strOff + strSize), "section " + i + " name");
            }
        }

        /** The first section named {@code name} (NUL-terminated bytes), or -1. */
        private int find(byte[] name) {
            for (int i = 1; i < shnum; i++) {
                int at = secName[i];
                if (at >= 0 && at + name.length <= namesEnd
                        && Arrays.equals(data, at, at + name.length, name, 0, name.length)) {
                    return i;
                }
            }
            return -1;
        }

        /** A NUL-terminated string starting at {@code at} that must end before {@code limit}. */
        private String cString(int at, int limit, String what) {
            int end = cStringEnd(at, limit, what);
            return new String(data, at, end - at, StandardCharsets.ISO_8859_1);
        }

        /** The offset of the NUL that ends the string at {@code at}, which must come before {@code limit}. */
        private int cStringEnd(int at, int limit, String what) {
            int end = at;
            while (end < limit && data[end] != 0) {
                end++;
            }
            if (end >= limit) {
                throw new ElfFormatException(file, what + " at file offset 0x" + Integer.toHexString(at)
                        + " is not NUL-terminated within its table");
            }
            return end;
        }

        /** True if the key in {@code data[from, to)} is one the caller asked for. */
        private boolean wanted(byte[] bytes, int from, int to) {
            for (byte[] k : modinfoKeys) {
                if (k.length == to - from && Arrays.equals(bytes, from, to, k, 0, k.length)) {
                    return true;
                }
            }
            return false;
        }

        private List<ModInfo.Entry> modinfo() {
            int s = find(MODINFO);
            if (s < 0) {
                return new ArrayList<>();
            }
            load(s);
            return ModInfo.entries(data, (int) secOffset[s], (int) (secOffset[s] + secSize[s]),
                    StandardCharsets.ISO_8859_1, modinfoKeys == null ? null : this::wanted);
        }

        private List<Symbol> kstrtabExports() {
            int s = find(KSYMTAB_STRINGS);
            List<Symbol> out = new ArrayList<>();
            if (s < 0) {
                return out;
            }
            load(s);
            int i = (int) secOffset[s];
            int end = (int) (secOffset[s] + secSize[s]);
            while (i < end) {
                int stop = i;
                while (stop < end && data[stop] != 0) {
                    stop++;
                }
                if (stop > i) {
                    out.add(new Symbol(new String(data, i, stop - i, StandardCharsets.ISO_8859_1), 0, false));
                }
                i = stop + 1;
            }
            return out;
        }

        private int symSize() {
            return is64 ? 24 : 16;
        }

        private String symbolName(int strtab, int at, int index) {
            long nameOff = Integer.toUnsignedLong(buf.getInt(at));
            if (nameOff >= secSize[strtab]) {
                throw new ElfFormatException(file, "symbol " + index + " st_name 0x" + Long.toHexString(nameOff)
                        + " is past .strtab (0x" + Long.toHexString(secSize[strtab]) + " bytes)");
            }
            int start = (int) (secOffset[strtab] + nameOff);
            return cString(start, (int) (secOffset[strtab] + secSize[strtab]), "symbol " + index + " name");
        }

        private int shndx(int at) {
            return Short.toUnsignedInt(buf.getShort(at + (is64 ? 6 : 14)));
        }

        private int info(int at) {
            return data[at + (is64 ? 4 : 12)] & 0xff;
        }

        private long value(int at) {
            return is64 ? buf.getLong(at + 8) : Integer.toUnsignedLong(buf.getInt(at + 4));
        }

        private boolean startsWith(int strtab, int at, byte[] prefix) {
            long nameOff = Integer.toUnsignedLong(buf.getInt(at));
            long start = secOffset[strtab] + nameOff;
            if (nameOff >= secSize[strtab] || start + prefix.length > secOffset[strtab] + secSize[strtab]) {
                return false;
            }
            for (int k = 0; k < prefix.length; k++) {
                if (data[(int) start + k] != prefix[k]) {
                    return false;
                }
            }
            return true;
        }

        private static final byte[] SYMTAB = name(".symtab");
        private static final byte[] STRTAB = name(".strtab");
        private static final byte[] MODINFO = name(".modinfo");
        private static final byte[] KSYMTAB_STRINGS = name("__ksymtab_strings");
        private static final byte[] VERSIONS = name("__versions");

        /** A section name as the table holds it, with its terminating NUL. */
        private static byte[] name(String s) {
            return (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
        }

        private static final byte[] CRC_PREFIX = "__crc_".getBytes(StandardCharsets.ISO_8859_1);

        private List<Symbol> crcExports(int symtab, int strtab) {
            List<Symbol> out = new ArrayList<>();
            int count = (int) (secSize[symtab] / symSize());
            int base = (int) secOffset[symtab];
            for (int i = 1; i < count; i++) {
                int at = base + i * symSize();
                if (!startsWith(strtab, at, CRC_PREFIX)) {
                    continue;
                }
                String name = symbolName(strtab, at, i).substring(CRC_PREFIX.length);
                out.add(new Symbol(name, resolveCrc(value(at), shndx(at)), false));
            }
            return out;
        }

        /** kmod_elf_resolve_crc: the CRC is the 32-bit word at st_value in the symbol's section; -1 if out of range. */
        private long resolveCrc(long value, int shndx) {
            if (shndx == SHN_ABS || shndx == SHN_UNDEF) {
                return value;
            }
            if (shndx >= shnum || secSize[shndx] < 4 || Long.compareUnsigned(value, secSize[shndx] - 4) > 0) {
                return -1L;
            }
            load(shndx);
            return Integer.toUnsignedLong(buf.getInt((int) (secOffset[shndx] + value)));
        }

        private List<Symbol> needs(int symtab, int strtab) {
            int versions = find(VERSIONS);
            int verCount = 0;
            int verSize = 64;
            int crcSize = is64 ? 8 : 4;
            if (versions >= 0 && secSize[versions] % verSize == 0) {
                verCount = (int) (secSize[versions] / verSize);
                load(versions);
            }
            VersionTable table = new VersionTable(verCount, (int) (verCount > 0 ? secOffset[versions] : 0), crcSize);
            boolean[] visited = new boolean[verCount];
            List<Symbol> out = new ArrayList<>();
            int count = (int) (secSize[symtab] / symSize());
            int base = (int) secOffset[symtab];
            for (int i = 1; i < count; i++) {
                int at = base + i * symSize();
                if (shndx(at) != SHN_UNDEF) {
                    continue;
                }
                String name = symbolName(strtab, at, i);
                if (name.isEmpty()) {
                    continue;
                }
                long crc = 0;
                int v = table.first(name);
                if (v >= 0) {
                    crc = table.crc(v);
                    visited[v] = true;
                }
                out.add(new Symbol(name, crc, (info(at) >> 4) == STB_WEAK));
            }
            for (int v = 0; v < verCount; v++) {
                if (!visited[v]) {
                    out.add(new Symbol(table.name(v), table.crc(v), false));
                }
            }
            return out;
        }

        /**
         * The {@code __versions} entries (a CRC, then a NUL-padded name in a 64-byte slot), looked up by name
         * without decoding each name into a String: a module asks for a few hundred and most tree-wide scans
         * need none of them as text. {@link #first} gives the first entry of a name, as kmod's linear search does.
         */
        private final class VersionTable {
            private final int base;
            private final int crcSize;
            private final int[] nameLength;
            private final int[] slots; // open addressing on the name's String hash: entry index + 1, 0 = empty
            private final int[] hash;

            VersionTable(int count, int base, int crcSize) {
                this.base = base;
                this.crcSize = crcSize;
                nameLength = new int[count];
                hash = new int[count];
                slots = new int[Integer.highestOneBit(Math.max(1, count * 2)) * 2];
                for (int v = 0; v < count; v++) {
                    int start = base + v * 64 + crcSize;
                    int end = start;
                    int h = 0;
                    while (end < base + v * 64 + 64 && data[end] != 0) {
                        h = 31 * h + (data[end] & 0xff); // String.hashCode of the Latin-1 name
                        end++;
                    }
                    nameLength[v] = end - start;
                    hash[v] = h;
                    int slot = h & (slots.length - 1);
                    boolean duplicate = false;
                    while (slots[slot] != 0) {
                        int other = slots[slot] - 1;
                        if (hash[other] == h && sameName(other, v)) {
                            duplicate = true; // a later entry of the same name is never found, as in kmod
                            break;
                        }
                        slot = (slot + 1) & (slots.length - 1);
                    }
                    if (!duplicate) {
                        slots[slot] = v + 1;
                    }
                }
            }

            /** The first entry named {@code name}, or -1. */
            int first(String name) {
                int h = name.hashCode();
                for (int slot = h & (slots.length - 1); slots[slot] != 0; slot = (slot + 1) & (slots.length - 1)) {
                    int v = slots[slot] - 1;
                    if (hash[v] == h && nameEquals(v, name)) {
                        return v;
                    }
                }
                return -1;
            }

            long crc(int v) {
                int at = base + v * 64;
                return crcSize == 8 ? buf.getLong(at) : Integer.toUnsignedLong(buf.getInt(at));
            }

            String name(int v) {
                return new String(data, base + v * 64 + crcSize, nameLength[v], StandardCharsets.ISO_8859_1);
            }

            private boolean nameEquals(int v, String name) {
                if (nameLength[v] != name.length()) {
                    return false;
                }
                int start = base + v * 64 + crcSize;
                for (int k = 0; k < nameLength[v]; k++) {
                    if ((data[start + k] & 0xff) != name.charAt(k)) {
                        return false;
                    }
                }
                return true;
            }

            private boolean sameName(int a, int b) {
                return nameLength[a] == nameLength[b] && Arrays.equals(data, base + a * 64 + crcSize,
                        base + a * 64 + crcSize + nameLength[a], data, base + b * 64 + crcSize,
                        base + b * 64 + crcSize + nameLength[b]);
            }
        }
    }
}
