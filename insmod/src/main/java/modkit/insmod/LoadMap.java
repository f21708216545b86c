package modkit.insmod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.arch.FinalizePatch;
import modkit.arch.ArchSections;
import modkit.command.Json;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.kernel.ModuleImage;

/**
 * The load map of a linked module, as text ({@code insmod -m}) and as JSON ({@code --map-json}). The JSON shape
 * is a public interface: addresses and sizes are "0x..." strings so no consumer loses 64-bit precision.
 * {@code "finalize"} appears only when the arch's {@code module_finalize} would patch something (m68k fixups).
 */
public final class LoadMap {
    private LoadMap() {}

    public static String text(LinkResult r) {
        StringBuilder b = new StringBuilder();
        ModuleImage img = r.image();
        b.append("module ").append(img.name()).append(" (").append(img.file()).append("), ").append(img.arch())
                .append(", kernel ").append(r.kernel()).append('\n');
        b.append("\nregions:\n");
        for (ModuleImage.Region g : img.regions()) {
            b.append(String.format("  %-14s %18s %10s%n", g.name(), hex(g.address()), hex(g.size())));
        }
        int width = r.object().is64() ? 16 : 8;
        // modutils 2.4's insmod -m layout (print_load_map), with the region and section index added.
        b.append(String.format("%nSections:       Size      %-" + width + "s  Align  Region%n", "Address"));
        for (LinkResult.PlacedSection s : r.sections()) {
            b.append(String.format("%-15s %08x  %0" + width + "x  2**%-3d %-12s [%d]%n", s.name(), s.size(), s.address(),
                    log2(r.object().section(s.index()).addralign()), s.region(), s.index()));
        }
        if (!r.archEntries().isEmpty()) {
            LinkageNames names = new LinkageNames(r);
            b.append("\nlinkage:\n");
            for (ArchSections.Entry e : r.archEntries()) {
                b.append(String.format("  %-6s %18s %6s  %-40s -> %s%n", e.kind(), hex(e.address()), hex(e.size()),
                        names.name(e), e.kind().equals("gp") ? "" : hex(e.target())));
            }
        }
        List<ResolvedSymbol> imports = imports(r);
        if (!imports.isEmpty()) {
            b.append("\nImports:\n");
            for (ResolvedSymbol s : imports) {
                b.append(String.format("%0" + width + "x U %s [%s]%n", s.address(), s.name(), s.from()));
            }
        }
        b.append("\nSymbols:\n");
        for (MapSymbol s : symbols(r)) {
            b.append(String.format("%0" + width + "x %c %s%n", s.address(), s.type(), s.name()));
        }
        if (!r.finalizePatches().isEmpty()) {
            b.append("\nmodule_finalize patches (recorded, not applied):\n");
            for (FinalizePatch p : r.finalizePatches()) {
                b.append(String.format("  %18s %-28s %s%n", hex(p.address()), where(r, p.address()), p.action()));
            }
        }
        b.append("\ninit ").append(hex(img.init())).append("  exit ").append(hex(img.exit()));
        b.append("  relocations ").append(r.relocations());
        if (!img.taints().isEmpty()) {
            b.append("  taints ").append(img.taints());
        }
        if (!img.uses().isEmpty()) {
            b.append("\nuses ").append(String.join(" ", img.uses()));
        }
        return b.append('\n').toString();
    }

    /** The load map as JSON: the fields of {@link #text}, one line per region, section, symbol and patch. */
    public static String json(LinkResult r) {
        ModuleImage img = r.image();
        Map<String, Object> top = Json.object("module", img.name(), "file", img.file(), "arch", img.arch(),
                "kernel", r.kernel());
        List<Object> regions = new ArrayList<>();
        for (ModuleImage.Region g : img.regions()) {
            regions.add(Json.inline(Json.object("name", g.name(), "address", hex(g.address()), "size", hex(g.size()))));
        }
        top.put("regions", regions);
        List<Object> sections = new ArrayList<>();
        for (LinkResult.PlacedSection s : r.sections()) {
            sections.add(Json.inline(Json.object("index", s.index(), "name", s.name(), "region", s.region(),
                    "address", hex(s.address()), "size", hex(s.size()), "align", r.object().section(s.index()).addralign())));
        }
        top.put("sections", sections);
        List<Object> symbols = new ArrayList<>();
        for (ResolvedSymbol s : imports(r)) {
            symbols.add(Json.inline(Json.object("name", s.name(), "address", hex(s.address()), "from", s.from(),
                    "type", "U", "binding", importBinding(r, s.name()))));
        }
        for (MapSymbol s : symbols(r)) {
            symbols.add(Json.inline(Json.object("name", s.name(), "address", hex(s.address()), "from", "self",
                    "type", String.valueOf(s.type()), "binding", s.binding(), "section", s.section())));
        }
        top.put("symbols", symbols);
        if (!r.finalizePatches().isEmpty()) {
            List<Object> patches = new ArrayList<>();
            for (FinalizePatch p : r.finalizePatches()) {
                patches.add(Json.inline(Json.object("address", hex(p.address()), "at", where(r, p.address()),
                        "width", p.width(), "action", p.action())));
            }
            top.put("finalize", patches);
        }
        if (!r.archEntries().isEmpty()) {
            LinkageNames names = new LinkageNames(r);
            List<Object> linkage = new ArrayList<>();
            for (ArchSections.Entry e : r.archEntries()) {
                linkage.add(Json.inline(Json.object("kind", e.kind(), "name", names.name(e), "address", hex(e.address()),
                        "size", hex(e.size()), "target", hex(e.target()))));
            }
            top.put("linkage", linkage);
        }
        top.put("init", hex(img.init()));
        top.put("exit", hex(img.exit()));
        return Json.write(top);
    }

    /**
     * One symbol the module defines, as {@code insmod -m} lists it: final address, nm's letter, ELF binding and the
     * section it is in ("*ABS*" for absolute symbols).
     */
    public record MapSymbol(String name, long address, char type, String binding, String section) {}

    /**
     * Every symbol the module defines in memory the kernel keeps (a placed section, the per-cpu section, or
     * absolute), locals included, sorted as {@code nm -n} sorts: by address, then by name. Section and file symbols
     * are left out as nm leaves them out.
     */
    public static List<MapSymbol> symbols(LinkResult r) {
        ObjectFile obj = r.object();
        SymbolTable st = obj.symbols();
        Set<Integer> loaded = new HashSet<>();
        for (LinkResult.PlacedSection s : r.sections()) {
            loaded.add(s.index());
        }
        Section percpu = obj.anySection(".data..percpu");
        if (percpu != null && r.region("percpu") != null) {
            loaded.add(percpu.index());
        }
        List<MapSymbol> out = new ArrayList<>();
        for (int i = 1; i < st.count(); i++) {
            int type = st.type(i);
            int shndx = st.shndx(i);
            if (type == SymbolTable.STT_SECTION || type == SymbolTable.STT_FILE || st.isUndefined(i)
                    || !(shndx == SymbolTable.SHN_ABS || loaded.contains(shndx))) {
                continue;
            }
            String section = shndx == SymbolTable.SHN_ABS ? "*ABS*" : obj.section(shndx).name();
            out.add(new MapSymbol(st.name(i), r.symbolValues()[i], NmType.of(obj, i), NmType.binding(st.binding(i)),
                    section));
        }
        out.sort(Comparator.comparing(MapSymbol::address, Long::compareUnsigned).thenComparing(MapSymbol::name));
        return out;
    }

    /** The module's undefined symbols with where they resolved (kernel or a module), as the linker listed them. */
    static List<ResolvedSymbol> imports(LinkResult r) {
        return r.symbols().stream().filter(s -> !s.from().equals("self"))
                .sorted(Comparator.comparing(ResolvedSymbol::address, Long::compareUnsigned).thenComparing(ResolvedSymbol::name))
                .toList();
    }

    private static String importBinding(LinkResult r, String name) {
        int i = r.object().symbols().find(name);
        return i > 0 && r.object().symbols().isWeak(i) ? "weak" : "global";
    }

    /** modutils' alignment column: log2 of sh_addralign, 0 for 0 or 1. */
    static int log2(long align) {
        return align <= 1 ? 0 : 63 - Long.numberOfLeadingZeros(align);
    }

    /** "section+0xoff" of the placed section holding {@code address}, or "outside the module". */
    static String where(LinkResult r, long address) {
        for (LinkResult.PlacedSection s : r.sections()) {
            if (Long.compareUnsigned(address, s.address()) >= 0 && Long.compareUnsigned(address - s.address(), s.size()) < 0) {
                return s.name() + "+" + hex(address - s.address());
            }
        }
        return "outside the module";
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
