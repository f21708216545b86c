package modkit.insmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.Invocation;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.SymbolTable;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadMarks;
import modkit.kernel.ModuleImage;

/**
 * modutils 2.4 insmod's flags applied to a linked module: a new name (-o), no exports (-x), ksymoops symbols (-Y),
 * and the marks the kernel keeps (autoclean -k, the module's own symbols -S).
 */
final class ModutilsMarks {
    /** The image to load and the marks to hand the kernel with it. */
    record Applied(LinkResult link, LoadMarks marks) {}

    /** The sections modutils' add_ksymoops_symbols tags when they are not empty. */
    private static final List<String> KSYMOOPS_SECTIONS = List.of(".text", ".rodata", ".data", ".bss", ".sbss");

    private ModutilsMarks() {}

    /** The name the module loads under: -o NAME, checked against MODULE_NAME_LEN, else its own. */
    static String loadName(ObjectFile obj, LoadFlags flags) {
        if (flags.name() == null) {
            return obj.moduleName();
        }
        String n = flags.name();
        int bytes = n.getBytes(StandardCharsets.UTF_8).length;
        if (n.isEmpty() || bytes >= LoadFlags.MODULE_NAME_LEN) {
            throw new ModkitException(obj.file() + ": module name '" + n + "' is " + (n.isEmpty() ? "empty" : bytes + " bytes long")
                    + "; the kernel's struct module holds " + (LoadFlags.MODULE_NAME_LEN - 1) + " bytes and a NUL (MODULE_NAME_LEN "
                    + LoadFlags.MODULE_NAME_LEN + ")", "choose a shorter name for -o/--name");
        }
        if (n.contains("/")) {
            throw new ModkitException(obj.file() + ": module name '" + n + "' contains '/'", "choose a name without '/'");
        }
        return n;
    }

    static Applied apply(LinkResult r, LoadFlags flags) {
        ModuleImage image = r.image();
        ObjectFile obj = r.object();
        String name = loadName(obj, flags);
        List<ModuleImage.Region> regions = image.regions();
        if (!name.equals(image.name())) {
            regions = renamed(r, name);
        }
        List<KernelSymbol> exports = new ArrayList<>();
        if (!flags.noExport()) {
            image.exports().forEach(e -> exports.add(new KernelSymbol(e.name(), e.address(), e.crc(), e.gpl(), e.namespace(), name)));
        }
        if (flags.ksymoops()) {
            exports.addAll(ksymoops(r, name));
        }
        List<KernelSymbol> own = flags.kallsyms() ? ownSymbols(r, name) : List.of();
        ModuleImage out = new ModuleImage(name, image.file(), image.arch(), regions, List.copyOf(exports), image.uses(),
                image.proprietary(), image.taints(), image.init(), image.exit(), image.params(), image.parameters());
        LinkResult link = new LinkResult(r.object(), r.kernel(), out, r.sections(), r.symbols(), r.symbolValues(),
                r.relocations(), r.finalizePatches(), r.archEntries());
        return new Applied(link, new LoadMarks(flags.autoclean(), own));
    }

    /**
     * Writes the new name into struct module's {@code name} in the image's {@code .gnu.linkonce.this_module}: the
     * kernel takes a module's name from there. It follows {@code enum module_state state} (4 bytes, padded to a
     * pointer) and {@code struct list_head list} (two pointers) on every architecture: offset 24 on 64-bit, 12 on
     * 32-bit.
     */
    private static List<ModuleImage.Region> renamed(LinkResult r, String name) {
        LinkResult.PlacedSection thisModule = r.sections().stream()
                .filter(s -> s.name().equals(".gnu.linkonce.this_module")).findFirst()
                .orElseThrow(() -> new ModkitException(r.object().file() + ": no .gnu.linkonce.this_module to rename"));
        int nameOffset = r.object().is64() ? 24 : 12;
        if (thisModule.size() < nameOffset + LoadFlags.MODULE_NAME_LEN) {
            throw new ModkitException(r.object().file() + ": .gnu.linkonce.this_module is 0x" + Long.toHexString(thisModule.size())
                    + " bytes, too small for struct module's name at offset " + nameOffset);
        }
        List<ModuleImage.Region> out = new ArrayList<>();
        for (ModuleImage.Region g : r.image().regions()) {
            if (g.name().equals(thisModule.region())) {
                byte[] bytes = g.bytes().clone();
                int at = thisModule.offset() + nameOffset;
                java.util.Arrays.fill(bytes, at, at + LoadFlags.MODULE_NAME_LEN, (byte) 0);
                byte[] n = name.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(n, 0, bytes, at, n.length);
                g = new ModuleImage.Region(g.name(), g.address(), g.size(), bytes);
            }
            out.add(g);
        }
        return out;
    }

    /**
     * modutils' add_ksymoops_symbols: {@code __insmod_NAME_O<absolute path>_M<mtime, hex, 2 digits a byte of
     * time_t>_V<version>} at struct module, and {@code __insmod_NAME_S<section>_L<size>} at each non-empty
     * section of {@link #KSYMOOPS_SECTIONS}. The version is the kernel version the module was built for, encoded
     * as modutils did ((a << 16) + (b << 8) + c), from the vermagic's release; -1 if it has none.
     */
    static List<KernelSymbol> ksymoops(LinkResult r, String name) {
        ObjectFile obj = r.object();
        List<KernelSymbol> out = new ArrayList<>();
        Path file = Invocation.absolute(Path.of(obj.file()));
        long mtime;
        try {
            file = file.toRealPath();
            mtime = Files.getLastModifiedTime(file).toMillis() / 1000;
        } catch (IOException e) {
            mtime = 0; // modutils: stat failed, mtime 0
        }
        int digits = obj.is64() ? 16 : 8;
        String mhex = String.format("%0" + digits + "X", mtime);
        for (LinkResult.PlacedSection s : r.sections()) {
            if (s.name().equals(".gnu.linkonce.this_module")) {
                out.add(symbol("__insmod_" + name + "_O" + file + "_M" + mhex + "_V" + version(obj), s.address(), name));
            }
        }
        for (String section : KSYMOOPS_SECTIONS) {
            for (LinkResult.PlacedSection s : r.sections()) {
                if (s.name().equals(section) && s.size() > 0) {
                    out.add(symbol("__insmod_" + name + "_S" + section + "_L" + s.size(), s.address(), name));
                }
            }
        }
        return out;
    }

    /** modutils' get_module_version: "a.b.c" as (a << 16) + (b << 8) + c; -1 if the module says none. */
    static int version(ObjectFile obj) {
        String magic = obj.modinfo().get("vermagic");
        if (magic == null) {
            return -1;
        }
        String[] parts = ModuleChecks.numericRelease(magic).split("\\.");
        if (parts.length < 3) {
            return -1;
        }
        try {
            return (Integer.parseInt(parts[0]) << 16) + (Integer.parseInt(parts[1]) << 8) + Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** insmod -S: every named symbol the module defines, local ones too, at its final address. */
    static List<KernelSymbol> ownSymbols(LinkResult r, String name) {
        SymbolTable st = r.object().symbols();
        List<KernelSymbol> out = new ArrayList<>();
        for (int i = 1; i < st.count(); i++) {
            int type = st.type(i);
            if (st.isUndefined(i) || type == SymbolTable.STT_SECTION || type == SymbolTable.STT_FILE || !st.hasName(i)
                    || st.shndx(i) == SymbolTable.SHN_ABS) {
                continue;
            }
            out.add(symbol(st.name(i), r.symbolValues()[i], name));
        }
        return out;
    }

    private static KernelSymbol symbol(String symbol, long address, String owner) {
        return new KernelSymbol(symbol, address, null, false, "", owner);
    }
}
