package modkit.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked view of an ELF relocatable object (a kernel module). Construction runs every check of the kernel's
 * {@code elf_validity_check} and {@code setup_load_info} (see {@link ElfChecks}), so later code can index
 * sections, symbols and relocations without bounds checks of its own.
 *
 * <p>Only the section headers, the symbol table and the sections actually asked for are decoded; relocation
 * sections are read on demand, into flat arrays.
 */
public final class ObjectFile {
    private final String file;
    private final ElfView view;
    private final byte[] data;
    private final ByteBuffer buf;
    private final Section[] sections;
    private final SymbolTable symbols;
    private final Compression compression;
    private final ModuleSignature signature;
    private final Map<String, Section> allocByName = new HashMap<>();
    private ModInfo modinfo;

    private ObjectFile(
            String file,
            byte[] data,
            ByteBuffer buf,
            ElfView view,
            Section[] sections,
            Compression compression,
            ModuleSignature signature) {
        this.file = file;
        this.view = view;
        this.data = data;
        this.buf = buf;
        this.sections = sections;
        this.compression = compression;
        this.signature = signature;
        for (Section s : sections) {
            if (s.isAlloc()) {
                allocByName.putIfAbsent(s.name(), s);
            }
        }
        Section symtab = ElfChecks.symbolTable(file, sections);
        Section strtab = sections[symtab.link()];
        this.symbols = new SymbolTable(symtab, view, (int) strtab.offset(), (int) strtab.size());
        ElfChecks.checkSymbols(file, this);
    }

    private ObjectFile(ObjectFile o, Section[] sections) {
        this.file = o.file;
        this.view = o.view;
        this.data = o.data;
        this.buf = o.buf;
        this.sections = sections;
        this.compression = o.compression;
        this.signature = o.signature;
        this.symbols = o.symbols;
        this.modinfo = o.modinfo;
        for (Section s : sections) {
            if (s.isAlloc()) {
                allocByName.putIfAbsent(s.name(), s);
            }
        }
    }

    /**
     * The same object with some section headers replaced, as an arch's {@code module_frob_arch_sections} rewrites
     * them in place (ia64 resizes its PLT, GOT and descriptor placeholders). Each header keeps its index.
     */
    public ObjectFile withSections(List<Section> replaced) {
        if (replaced.size() != sections.length) {
            throw new IllegalArgumentException("section count changed");
        }
        Section[] out = replaced.toArray(new Section[0]);
        for (int i = 0; i < out.length; i++) {
            if (out[i].index() != i) {
                throw new IllegalArgumentException("section " + i + " has index " + out[i].index());
            }
        }
        return new ObjectFile(this, out);
    }

    /** Reads a module file: decompresses by magic, strips a signature trailer, checks the ELF. */
    public static ObjectFile read(Path path) {
        String file = path.toString();
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ModkitException(file + ": no such file", "check the path; modprobe searches /lib/modules, insmod does not");
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, raw);
    }

    /** Like {@link #read} for bytes already in memory; {@code file} names them in messages. */
    public static ObjectFile parse(String file, byte[] raw) {
        Compression compression = Compression.detect(raw);
        byte[] plain = compression.decompress(file, raw);
        ModuleSignature signature = ModuleSignature.find(file, plain);
        int length = signature == null ? plain.length : signature.elfLength();
        // The kernel's header checks come first, in its words; then the lean view, then the kernel's further
        // checks of the section table.
        ElfChecks.Header header = ElfChecks.header(file, plain, length);
        ElfView view = ElfView.of(file, plain, length);
        ByteBuffer buf = ByteBuffer.wrap(plain, 0, length).slice().order(header.order());
        Section[] sections = ElfChecks.sections(file, view);
        return new ObjectFile(file, plain, buf, view, sections, compression, signature);
    }

    public String file() {
        return file;
    }

    public boolean is64() {
        return view.is64();
    }

    public ByteOrder order() {
        return buf.order();
    }

    public int machine() {
        return view.machine();
    }

    public Compression compression() {
        return compression;
    }

    /** The signature trailer, or null if unsigned. */
    public ModuleSignature signature() {
        return signature;
    }

    public int sectionCount() {
        return sections.length;
    }

    /**
     * Section {@code index}. Indexes come from the file (a symbol's st_shndx, sh_link, sh_info), so one out of range
     * is the file's fault: an ELF format error naming it, not an exception of Java's.
     */
    public Section section(int index) {
        if (index < 0 || index >= sections.length) {
            throw new ElfFormatException(file, "section index " + index + " (0x" + Integer.toHexString(index)
                    + ") is past the section table (" + sections.length + " sections)");
        }
        return sections[index];
    }

    public List<Section> sections() {
        return List.of(sections);
    }

    /**
     * The first {@code SHF_ALLOC} section with this name, or null. Like the kernel's {@code find_sec} this skips
     * non-alloc sections, which is what lets a loader "remove" {@code __versions} by clearing its alloc flag.
     */
    public Section allocSection(String name) {
        return allocByName.get(name);
    }

    /** The first section with this name whatever its flags, or null. */
    public Section anySection(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    public SymbolTable symbols() {
        return symbols;
    }

    /** A copy of a section's bytes (zeros for NOBITS). */
    public byte[] contents(Section s) {
        byte[] out = new byte[Math.toIntExact(s.size())];
        if (!s.isNobits()) {
            buf.get((int) s.offset(), out);
        }
        return out;
    }

    /** Copies a section's bytes into {@code dest} at {@code destOffset} (nothing for NOBITS). */
    public void copyContents(Section s, byte[] dest, int destOffset) {
        if (!s.isNobits()) {
            buf.get((int) s.offset(), dest, destOffset, (int) s.size());
        }
    }

    /** The relocation sections, in section-header order. */
    public List<Section> relocationSections() {
        List<Section> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.isRelocation()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Decodes one REL/RELA section after checking its links and every entry's symbol and offset. */
    public RelocTable relocations(Section relSection) {
        ElfChecks.checkRelocationSection(file, this, relSection);
        return new RelocTable(file, relSection, sections[relSection.info()], buf, view.is64(), symbols.count());
    }

    public ModInfo modinfo() {
        if (modinfo == null) {
            Section s = allocSection(".modinfo");
            modinfo = s == null ? new ModInfo(List.of()) : ModInfo.parse(contents(s));
        }
        return modinfo;
    }

    /** The module name: {@code name=} from .modinfo, else the file name without extensions. */
    public String moduleName() {
        String n = modinfo().get("name");
        if (n != null && !n.isEmpty()) {
            return n;
        }
        return ModuleNames.fromPath(file);
    }

    /** True if an alloc {@code __versions} section exists (the kernel then checks CRCs). */
    public boolean hasVersions() {
        return allocSection("__versions") != null;
    }

    /** The {@code __versions} entries: 64 bytes each, a target-endian {@code unsigned long} then the name. */
    public List<VersionEntry> versions() {
        Section s = allocSection("__versions");
        if (s == null) {
            return List.of();
        }
        if (s.size() % ElfView.VERSION_ENTRY_SIZE != 0) {
            throw new ElfFormatException(
                    file, "__versions size 0x" + Long.toHexString(s.size()) + " is not a multiple of 64 (struct modversion_info)");
        }
        return view.versions(s.index()).entries();
    }

    /**
     * The module's exports, found the way modpost lays them out: a {@code __ksymtab_<name>} label in
     * {@code __ksymtab} or {@code __ksymtab_gpl}, the namespace string at {@code __kstrtabns_<name>} and the CRC
     * at {@code __crc_<name>}. This reads the same for the PREL32 and the absolute {@code kernel_symbol} forms,
     * whose fields are all filled by relocations in a {@code .ko}.
     */
    public List<ModuleExport> exports() {
        // Names are compared on the raw bytes: most modules export nothing, and decoding every local symbol's
        // name to find that out was a visible part of linking a whole tree.
        Map<String, Integer> special = new HashMap<>();
        boolean anyExport = false;
        for (int i = 1; i < symbols.count(); i++) {
            if (isExportLabel(i)) {
                special.put(symbols.name(i), i);
                anyExport |= symbols.nameStartsWith(i, "__ksymtab_");
            }
        }
        if (!anyExport) {
            return List.of();
        }
        Map<String, Integer> defined = new HashMap<>();
        for (int i = 1; i < symbols.count(); i++) {
            if (!symbols.isUndefined(i) && symbols.binding(i) != SymbolTable.STB_LOCAL && !isExportLabel(i)) {
                defined.putIfAbsent(symbols.name(i), i);
            }
        }
        List<ModuleExport> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : special.entrySet()) {
            if (!e.getKey().startsWith("__ksymtab_")) {
                continue;
            }
            int sym = e.getValue();
            int shndx = symbols.shndx(sym);
            if (shndx == 0 || shndx >= sections.length) {
                continue;
            }
            String secName = sections[shndx].name();
            if (!secName.equals("__ksymtab") && !secName.equals("__ksymtab_gpl")) {
                continue;
            }
            String name = e.getKey().substring("__ksymtab_".length());
            Integer ns = special.get("__kstrtabns_" + name);
            Integer crc = special.get("__crc_" + name);
            out.add(new ModuleExport(
                    name,
                    defined.getOrDefault(name, -1),
                    secName.equals("__ksymtab_gpl"),
                    ns == null ? "" : stringAt(ns),
                    crc == null ? null : crcAt(crc)));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private boolean isExportLabel(int sym) {
        return symbols.nameStartsWith(sym, "__ksymtab_") || symbols.nameStartsWith(sym, "__kstrtabns_")
                || symbols.nameStartsWith(sym, "__crc_");
    }

    private String stringAt(int sym) {
        int shndx = symbols.shndx(sym);
        if (shndx <= 0 || shndx >= sections.length) { // undefined, or a reserved index: no bytes to read
            return "";
        }
        Section s = sections[shndx];
        long off = symbols.value(sym);
        if (s.isNobits() || off < 0 || off >= s.size()) {
            return "";
        }
        int start = (int) (s.offset() + off);
        int end = start;
        while (end < s.offset() + s.size() && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private Long crcAt(int sym) {
        int shndx = symbols.shndx(sym);
        if (shndx == SymbolTable.SHN_ABS) {
            return symbols.value(sym) & 0xffffffffL; // CONFIG_MODULE_REL_CRCS-less absolute form of older kernels
        }
        if (shndx <= 0 || shndx >= sections.length) {
            return null;
        }
        Section s = sections[shndx];
        long off = symbols.value(sym);
        if (s.isNobits() || off < 0 || off > s.size() - 4) { // st_value is the file's: it may be anything
            return null;
        }
        return Integer.toUnsignedLong(buf.getInt((int) (s.offset() + off)));
    }

    /**
     * The module as the kernel takes it from {@code init_module}: the file's bytes after decompression, with its
     * signature. Not a copy: callers must not change it.
     */
    public byte[] image() {
        return data;
    }

    /** The raw ELF bytes (without any signature trailer), for writers that need the original image. */
    public ByteBuffer buffer() {
        return buf.duplicate().order(buf.order());
    }

    int length() {
        return buf.limit();
    }

    byte[] rawData() {
        return data;
    }
}
