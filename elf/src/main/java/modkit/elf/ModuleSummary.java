package modkit.elf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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


    private final List<ModInfo.Entry> modinfo;
    private final Symbols exports;
    private final Symbols needs;

    private ModuleSummary(List<ModInfo.Entry> modinfo, Symbols exports, Symbols needs) {
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
        Keys keys = keys(modinfoKeys);
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
                readFully(ch, data, 0, 0, (int) size);
                Compression c = Compression.detect(data, (int) size);
                if (c == Compression.NONE) {
                    return new Reader(file, (int) size, ElfView.inMemory(data), keys).summarize();
                }
                if (c != Compression.XZ) {
                    return parse(file, Arrays.copyOf(data, (int) size), keys);
                }
                ModuleSummary xz = xz(file, MemorySegment.ofArray(data).asSlice(0, size), keys);
                // (read again: the summary may have used this thread's buffer before the decoder gave up)
                return xz != null ? xz : parse(file, Files.readAllBytes(path), keys);
            }
            byte[] head = new byte[64];
            readFully(ch, head, 0, 0, head.length);
            Compression c = Compression.detect(head);
            if (c == Compression.XZ) {
                // Read outside the heap too: as arrays, the compressed files were garbage that young collections
                // caught in use and promoted, and the old generation grew with them.
                try (NativePages raw = NativePages.reusable(size, NativePages.INPUT)) {
                    if (raw != null) {
                        readFully(ch, raw.segment().asByteBuffer(), 0);
                        ModuleSummary xz = xz(file, raw.segment(), keys);
                        if (xz != null) {
                            return xz;
                        }
                    }
                }
            }
            if (c != Compression.NONE) {
                return parse(file, Files.readAllBytes(path), keys);
            }
            // Of a large plain module only the sections the summary reads are read: code, relocations and debug
            // info are most of its bytes and depmod needs none of them. (Mapping the file instead touched fewer
            // pages, but every byte then came through a ByteBuffer, which made the scan of a tree three times
            // slower under C1.)
            return new Reader(file, (int) size, new Packed(new FileSource(ch), head), keys).summarize();
        } catch (NoSuchFileException e) {
            throw new ModkitException(file + ": no such file");
        } catch (IOException | UncheckedIOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * An .xz module, decoded outside the Java heap, of which only the sections the summary reads are copied in (as
     * from a large plain file); null if liblzma is missing or the stream does not decode, for the general reader to
     * decode or to say what is wrong.
     */
    private static ModuleSummary xz(String file, MemorySegment compressed, ModInfo.KeyFilter keys) {
        if (!decodedXz) {
            decodedXz = true;
        }
        long size = XzSingleBlock.decodedSize(compressed);
        if (size < 0) {
            return null;
        }
        try (XzStreamSource stream = size > streamAbove ? XzStreamSource.open(compressed, size) : null;
                NativePages image = stream == null ? XzSingleBlock.decodeNative(compressed, size) : null) {
            ImageSource source = stream != null ? stream : image != null ? new SegmentSource(image.segment()) : null;
            if (source != null) {
                byte[] head = new byte[(int) Math.min(64, size)];
                source.read(0, head, 0, head.length);
                return new Reader(file, (int) size, new Packed(source, head), keys).summarize();
            }
        } catch (XzStreamSource.Damaged e) {
            // the general reader says what is wrong
        }
        return null;
    }

    /**
     * Whether any thread has read an .xz module here (and may keep buffers for the next). Without it,
     * {@link #releaseBuffers} would initialize LibLzma and NativePages, binding their native functions (a few dozen
     * classes spun), after a scan of plain modules that never used them.
     */
    private static volatile boolean decodedXz;

    /**
     * Gives back what each thread that read an .xz module keeps for its next one: liblzma's decoder with its 1 MiB
     * dictionary, and two blocks of up to 512 KB for a compressed file and its image. depmod calls this when its
     * scan is over: its peak memory comes after that, while it writes its files, and on Debian's 6.12 tree of
     * .ko.xz these were 4 MB of it. Only while no thread is reading a module; a later read sets up new ones.
     */
    public static void releaseBuffers() {
        if (decodedXz) {
            LibLzma.endAll();
            NativePages.releaseSpares();
        }
    }

    /**
     * Images decoded larger than this are streamed ({@link XzStreamSource}): the decoder runs twice, but the image
     * is never whole in memory. Of Debian's 6.12 tree that is 66 modules of 4,230, 177 MB of 507 MB decoded: depmod
     * there took 5.6 s instead of 5.3 s, with a peak of 84 MB instead of 88 MB (one batch of 5 runs each, in turn;
     * at 4 MB, 9 modules are streamed; at 512 KB, 5.8 s and 83 MB).
     */
    static long streamAbove = 1 << 20;

    /**
     * Symbols as parallel arrays, names shared through {@link SymbolNames}: a tree scan holds every module's summary
     * until its indexes are written, and an object per symbol was most of depmod's memory. Read as a list of
     * {@link Symbol} records made on access. A CRC is a 32-bit word, kept as an int (on Debian's 6.12 tree 250,000
     * of them, 1 MB less than as longs) unless one does not fit (kmod's -1 for a CRC it cannot find); the weak flags
     * exist only once one is set (exports never have them, and most modules need no weak symbol).
     */
    private static final class Symbols extends AbstractList<Symbol> {
        private static final Symbols NONE = new Symbols(0);
        private String[] names;
        private int[] crcs;
        private long[] wideCrcs; // instead of crcs, once a CRC does not fit in 32 bits
        private boolean[] weak; // null while none is weak
        private int size;

        Symbols(int capacity) {
            names = new String[capacity];
            crcs = new int[capacity];
        }

        void add(String name, long crc, boolean isWeak) {
            if (size == names.length) {
                resize(Math.max(8, size * 2));
            }
            names[size] = name;
            if (wideCrcs == null && (crc >>> 32) != 0) {
                wideCrcs = new long[names.length];
                for (int i = 0; i < size; i++) {
                    wideCrcs[i] = Integer.toUnsignedLong(crcs[i]);
                }
                crcs = null;
            }
            if (wideCrcs != null) {
                wideCrcs[size] = crc;
            } else {
                crcs[size] = (int) crc;
            }
            if (isWeak && weak == null) {
                weak = new boolean[names.length];
            }
            if (weak != null) {
                weak[size] = isWeak;
            }
            size++;
        }

        /** Drops the spare capacity, once the list is complete. */
        Symbols trim() {
            if (size == 0) {
                return NONE;
            }
            if (size < names.length) {
                resize(size);
            }
            return this;
        }

        private void resize(int n) {
            names = Arrays.copyOf(names, n);
            if (wideCrcs != null) {
                wideCrcs = Arrays.copyOf(wideCrcs, n);
            } else {
                crcs = Arrays.copyOf(crcs, n);
            }
            if (weak != null) {
                weak = Arrays.copyOf(weak, n);
            }
        }

        @Override
        public Symbol get(int i) {
            Objects.checkIndex(i, size);
            long crc = wideCrcs != null ? wideCrcs[i] : Integer.toUnsignedLong(crcs[i]);
            return new Symbol(names[i], crc, weak != null && weak[i]);
        }

        @Override
        public int size() {
            return size;
        }
    }

    /**
     * A key set as a {@link ModInfo.KeyFilter}: each key's bytes, and one String per key for all the entries kept
     * under it. A tree scan passes the same set for every file.
     */
    private record Keys(Set<String> set, String[] names, byte[][] bytes) implements ModInfo.KeyFilter {
        @Override
        public String key(byte[] data, int from, int to) {
            for (int k = 0; k < bytes.length; k++) {
                if (bytes[k].length == to - from && Arrays.equals(data, from, to, bytes[k], 0, bytes[k].length)) {
                    return names[k];
                }
            }
            return null;
        }
    }

    private static volatile Keys lastKeys;

    private static Keys keys(Set<String> set) {
        if (set == null) {
            return null;
        }
        Keys k = lastKeys;
        if (k == null || k.set() != set) {
            String[] names = set.toArray(new String[0]);
            byte[][] bytes = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                bytes[i] = names[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            k = new Keys(set, names, bytes);
            lastKeys = k;
        }
        return k;
    }

    /**
     * A buffer of at least {@code size} bytes for this thread, reused from file to file: a summary keeps no
     * reference to the bytes it was read from, and a tree's worth of file-sized arrays was most of depmod's garbage.
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

    /** The largest read buffer a thread keeps from one module to the next. */
    private static final int KEPT_SCRATCH = 256 << 10;

    /** Holds a small file whole; a large one's sections, packed, fit in it or in a few doublings of it. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[WHOLE_FILE]);

    // The sources as classes, not lambdas: depmod's AOT cache is trained on small modules, and a lambda first met at
    // run time spins a class (the JDK's class-file generator, then its compilation: 7 MB of compiler memory).

    private record FileSource(FileChannel ch) implements ImageSource {
        @Override
        public void read(long offset, byte[] into, int at, int length) {
            readFully(ch, into, at, offset, length);
        }
    }

    private record SegmentSource(MemorySegment image) implements ImageSource {
        @Override
        public void read(long offset, byte[] into, int at, int length) {
            MemorySegment.copy(image, ValueLayout.JAVA_BYTE, offset, into, at, length);
        }
    }

    /**
     * Reads the ranges a summary asks for from a large module, one after another into this thread's scratch array,
     * which grows when a module needs more. The array holds what is read, not the file's layout: of amdgpu.ko
     * (19 MB) depmod reads 1.2 MB, and a file-sized array per thread had been most of its heap.
     */
    private static final class Packed implements ElfView.Loader {
        private final ImageSource source;
        private byte[] data;
        private int used;
        // ranges read ahead by prepare: file offset and length, and where they are in data
        private int[] preparedOffsets = new int[0], preparedLengths, preparedAt;

        /** {@code head}: the image's first bytes, already read (the ELF header). */
        Packed(ImageSource source, byte[] head) {
            this.source = source;
            data = scratch(head.length);
            System.arraycopy(head, 0, data, 0, head.length);
            used = head.length;
        }

        @Override
        public int load(int offset, int length) {
            for (int i = 0; i < preparedOffsets.length; i++) {
                if (preparedOffsets[i] == offset && preparedLengths[i] == length) {
                    return preparedAt[i];
                }
            }
            int at = reserve(length);
            source.read(offset, data, at, length);
            return at;
        }

        @Override
        public void prepare(int[] offsets, int[] lengths) {
            int[] at = new int[offsets.length];
            long[] from = new long[offsets.length];
            for (int i = 0; i < offsets.length; i++) {
                at[i] = reserve(lengths[i]);
                from[i] = offsets[i];
            }
            source.readAll(from, lengths, data, at);
            preparedOffsets = offsets;
            preparedLengths = lengths;
            preparedAt = at;
        }

        /**
         * Room for {@code length} more bytes, in a larger array if need be; where they go. The thread keeps a larger
         * array for the next module only up to {@link #KEPT_SCRATCH}: one module needs 1.2 MB (amdgpu), the next
         * hundred a tenth of that, and a kept array lives to the end, in the old generation.
         */
        private int reserve(int length) {
            if (length > data.length - used) {
                byte[] bigger = new byte[Math.max(used + length, data.length * 2)];
                System.arraycopy(data, 0, bigger, 0, used);
                data = bigger;
                if (data.length <= KEPT_SCRATCH) {
                    SCRATCH.set(data);
                }
            }
            used += length;
            return used - length;
        }

        @Override
        public byte[] data() {
            return data;
        }
    }

    /** Reads the file's bytes {@code [offset, offset + length)} into {@code into} at {@code at}. */
    private static void readFully(FileChannel ch, byte[] into, int at, long offset, int length) {
        readFully(ch, ByteBuffer.wrap(into, at, length).slice(), offset);
    }

    /** Fills {@code b} (from its position 0) with the file's bytes from {@code offset} on. */
    private static void readFully(FileChannel ch, ByteBuffer b, long offset) {
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
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

    private static ModuleSummary parse(String file, byte[] raw, ModInfo.KeyFilter modinfoKeys) {
        byte[] data = Compression.detect(raw).decompress(file, raw);
        return new Reader(file, data.length, ElfView.inMemory(data), modinfoKeys).summarize();
    }

    /** Like {@link #parse} for bytes already decompressed (a signature trailer may follow the ELF image). */
    public static ModuleSummary ofElf(String file, byte[] elf) {
        return new Reader(file, elf.length, ElfView.inMemory(elf), null).summarize();
    }

    /**
     * One pass over one file's {@link ElfView}. Its bytes are {@code elf.data()}, fetched at each use: a load can
     * move them to a larger array.
     */
    private static final class Reader {
        private final ElfView elf;
        private final ModInfo.KeyFilter modinfoKeys; // null: every .modinfo entry
        // the sections the summary reads, found by name as kmod finds them; -1 where there is none
        private final int modinfo, symtab, strtab, ksymtabStrings, versions;

        Reader(String file, int length, ElfView.Loader loader, ModInfo.KeyFilter modinfoKeys) {
            this.elf = ElfView.of(file, length, loader);
            this.modinfoKeys = modinfoKeys;
            modinfo = elf.find(".modinfo");
            symtab = elf.find(".symtab");
            strtab = elf.find(".strtab");
            ksymtabStrings = elf.find("__ksymtab_strings");
            versions = elf.find("__versions");
        }

        ModuleSummary summarize() {
            // Every section the summary may read, asked for at once: a streamed image is then decoded once more,
            // not once per section.
            elf.loadAll(sectionsRead());
            List<ModInfo.Entry> info = modinfo();
            if (symtab < 0 || strtab < 0) {
                // kmod: no symbols to export or import; the module still has its .modinfo.
                return new ModuleSummary(info, kstrtabExports(), Symbols.NONE);
            }
            Symbols exports = crcExports(symtab, strtab);
            if (exports.isEmpty()) {
                exports = kstrtabExports();
            }
            return new ModuleSummary(info, exports, needs(symtab, strtab));
        }

        private List<ModInfo.Entry> modinfo() {
            if (modinfo < 0) {
                return new ArrayList<>();
            }
            return elf.modinfo(modinfo, StandardCharsets.ISO_8859_1, modinfoKeys);
        }

        private Symbols kstrtabExports() {
            int s = ksymtabStrings;
            Symbols out = new Symbols(0);
            if (s < 0 || elf.type(s) == Section.SHT_NOBITS) {
                return Symbols.NONE;
            }
            int i = elf.position(s);
            int end = (int) (i + elf.size(s));
            byte[] data = elf.data();
            while (i < end) {
                int stop = i;
                while (stop < end && data[stop] != 0) {
                    stop++;
                }
                if (stop > i) {
                    out.add(SymbolNames.SHARED.intern(data, i, stop - i), 0, false);
                }
                i = stop + 1;
            }
            return out.trim();
        }

        /** The file offset of symbol {@code index}'s name, checked to lie in {@code .strtab}. */
        private int symbolNameStart(int strtab, int at, int index) {
            long nameOff = Integer.toUnsignedLong(elf.symName(at));
            if (nameOff >= elf.size(strtab)) {
                throw new ElfFormatException(elf.file(), "symbol " + index + " st_name 0x" + Long.toHexString(nameOff)
                        + " is past .strtab (0x" + Long.toHexString(elf.size(strtab)) + " bytes)");
            }
            return (int) (elf.position(strtab) + nameOff);
        }

        /** The symbol's name without its first {@code skip} bytes, as a shared String. */
        private String symbolName(int strtab, int at, int index, int skip) {
            int start = symbolNameStart(strtab, at, index);
            int end = elf.cStringEnd(start, (int) (elf.position(strtab) + elf.size(strtab)), "symbol " + index + " name");
            return SymbolNames.SHARED.intern(elf.data(), start + skip, end - start - skip);
        }

        private boolean startsWith(int strtab, int at, byte[] prefix) {
            long nameOff = Integer.toUnsignedLong(elf.symName(at));
            long start = elf.position(strtab) + nameOff;
            if (nameOff >= elf.size(strtab) || start + prefix.length > elf.position(strtab) + elf.size(strtab)) {
                return false;
            }
            return Arrays.equals(elf.data(), (int) start, (int) start + prefix.length, prefix, 0, prefix.length);
        }

        private static final byte[] CRC_PREFIX = "__crc_".getBytes(StandardCharsets.ISO_8859_1);

        /** What {@link #summarize} reads: the sections it finds by name, and those CRCs usually point into. */
        private int[] sectionsRead() {
            int[] named = {modinfo, symtab, strtab, ksymtabStrings, versions};
            int[] all = Arrays.copyOf(named, named.length + elf.sectionCount());
            int n = named.length;
            for (int i = 1; i < elf.sectionCount(); i++) {
                if (elf.nameStartsWith(i, KCRCTAB)) {
                    all[n++] = i;
                }
            }
            return Arrays.copyOf(all, n);
        }

        private static final byte[] KCRCTAB = "__kcrctab".getBytes(StandardCharsets.ISO_8859_1);

        /** The symbol count of {@code .symtab}; its entries are at its position + i * size. */
        private int symbolCount(int symtab) {
            return (int) (elf.size(symtab) / elf.symbolSize());
        }

        private Symbols crcExports(int symtab, int strtab) {
            Symbols out = new Symbols(0);
            int count = symbolCount(symtab);
            int base = elf.position(symtab);
            for (int i = 1; i < count; i++) {
                int at = base + i * elf.symbolSize();
                if (!startsWith(strtab, at, CRC_PREFIX)) {
                    continue;
                }
                String name = symbolName(strtab, at, i, CRC_PREFIX.length);
                out.add(name, resolveCrc(elf.symValue(at), elf.symShndx(at)), false);
            }
            return out.trim();
        }

        /** kmod_elf_resolve_crc: the CRC is the 32-bit word at st_value in the symbol's section; -1 if out of range. */
        private long resolveCrc(long value, int shndx) {
            if (shndx == SymbolTable.SHN_ABS || shndx == SymbolTable.SHN_UNDEF) {
                return value;
            }
            if (shndx >= elf.sectionCount() || elf.type(shndx) == Section.SHT_NOBITS || elf.size(shndx) < 4
                    || Long.compareUnsigned(value, elf.size(shndx) - 4) > 0) {
                return -1L;
            }
            int at = elf.position(shndx);
            return Integer.toUnsignedLong(elf.buffer().getInt((int) (at + value)));
        }

        private Symbols needs(int symtab, int strtab) {
            VersionTable table = versionTable(elf, versions);
            int verCount = table == null ? 0 : table.count();
            boolean[] visited = new boolean[verCount];
            Symbols out = new Symbols(64);
            int count = symbolCount(symtab);
            int base = elf.position(symtab);
            for (int i = 1; i < count; i++) {
                int at = base + i * elf.symbolSize();
                if (elf.symShndx(at) != SymbolTable.SHN_UNDEF) {
                    continue;
                }
                int start = symbolNameStart(strtab, at, i);
                if (elf.data()[start] == 0) {
                    continue; // no name
                }
                String name = symbolName(strtab, at, i, 0);
                long crc = 0;
                int v = table == null ? -1 : table.first(name);
                if (v >= 0) {
                    crc = table.crc(v);
                    visited[v] = true;
                }
                out.add(name, crc, (elf.symInfo(at) >> 4) == SymbolTable.STB_WEAK);
            }
            for (int v = 0; v < verCount; v++) {
                if (!visited[v]) {
                    out.add(table.name(v), table.crc(v), false);
                }
            }
            return out.trim();
        }
    }

    /**
     * The {@code __versions} entries of a module, in section order (modprobe {@code --show-modversions}), read at
     * this lean depth as kmod reads them: the first section of that name, whatever its flags; none if its size is
     * not a whole number of entries.
     */
    public static List<VersionEntry> versions(Path path) {
        String file = path.toString();
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ModkitException(file + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
        byte[] data = Compression.detect(raw).decompress(file, raw);
        ElfView elf = ElfView.of(file, data, data.length);
        VersionTable table = versionTable(elf, elf.find("__versions"));
        return table == null ? List.of() : table.entries();
    }

    /**
     * The entries of section {@code s}, the first named {@code __versions} whatever its flags, as kmod finds it; null
     * if there is none (-1) or its size is not a whole number of entries (kmod then reads no versions).
     */
    private static VersionTable versionTable(ElfView elf, int s) {
        if (s < 0 || elf.type(s) == Section.SHT_NOBITS || elf.size(s) % ElfView.VERSION_ENTRY_SIZE != 0) {
            return null;
        }
        return elf.versions(s);
    }
}
