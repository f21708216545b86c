package modkit.insmod;

import java.util.List;
import modkit.arch.FinalizePatch;
import modkit.arch.ArchSections;
import modkit.command.Json;
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
        b.append("\nsections:\n");
        for (LinkResult.PlacedSection s : r.sections()) {
            b.append(String.format("  [%3d] %-28s %-8s %18s %10s%n", s.index(), s.name(), s.region(), hex(s.address()),
                    hex(s.size())));
        }
        if (!r.archEntries().isEmpty()) {
            LinkageNames names = new LinkageNames(r);
            b.append("\nlinkage:\n");
            for (ArchSections.Entry e : r.archEntries()) {
                b.append(String.format("  %-6s %18s %6s  %-40s -> %s%n", e.kind(), hex(e.address()), hex(e.size()),
                        names.name(e), e.kind().equals("gp") ? "" : hex(e.target())));
            }
        }
        b.append("\nsymbols:\n");
        for (ResolvedSymbol s : r.symbols()) {
            b.append(String.format("  %-40s %18s  %s%n", s.name(), hex(s.address()), s.from()));
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

    public static String json(LinkResult r) {
        ModuleImage img = r.image();
        StringBuilder b = new StringBuilder("{\n");
        field(b, "module", img.name()).append(",\n");
        field(b, "file", img.file()).append(",\n");
        field(b, "arch", img.arch()).append(",\n");
        field(b, "kernel", r.kernel()).append(",\n");
        b.append("  \"regions\": [");
        List<ModuleImage.Region> regions = img.regions();
        for (int i = 0; i < regions.size(); i++) {
            ModuleImage.Region g = regions.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(str(g.name())).append(", \"address\": ")
                    .append(str(hex(g.address()))).append(", \"size\": ").append(str(hex(g.size()))).append('}');
        }
        b.append("\n  ],\n  \"sections\": [");
        List<LinkResult.PlacedSection> sections = r.sections();
        for (int i = 0; i < sections.size(); i++) {
            LinkResult.PlacedSection s = sections.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"index\": ").append(s.index()).append(", \"name\": ")
                    .append(str(s.name())).append(", \"region\": ").append(str(s.region())).append(", \"address\": ")
                    .append(str(hex(s.address()))).append(", \"size\": ").append(str(hex(s.size()))).append('}');
        }
        b.append("\n  ],\n  \"symbols\": [");
        List<ResolvedSymbol> symbols = r.symbols();
        for (int i = 0; i < symbols.size(); i++) {
            ResolvedSymbol s = symbols.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(str(s.name())).append(", \"address\": ")
                    .append(str(hex(s.address()))).append(", \"from\": ").append(str(s.from())).append('}');
        }
        b.append("\n  ],\n");
        List<FinalizePatch> patches = r.finalizePatches();
        if (!patches.isEmpty()) {
            b.append("  \"finalize\": [");
            for (int i = 0; i < patches.size(); i++) {
                FinalizePatch p = patches.get(i);
                b.append(i == 0 ? "\n" : ",\n").append("    {\"address\": ").append(str(hex(p.address())))
                        .append(", \"at\": ").append(str(where(r, p.address()))).append(", \"width\": ").append(p.width())
                        .append(", \"action\": ").append(str(p.action())).append('}');
            }
            b.append("\n  ],\n");
        }
        if (!r.archEntries().isEmpty()) {
            LinkageNames names = new LinkageNames(r);
            b.append("  \"linkage\": [");
            List<ArchSections.Entry> entries = r.archEntries();
            for (int i = 0; i < entries.size(); i++) {
                ArchSections.Entry e = entries.get(i);
                b.append(i == 0 ? "\n" : ",\n").append("    {\"kind\": ").append(str(e.kind())).append(", \"name\": ")
                        .append(str(names.name(e))).append(", \"address\": ").append(str(hex(e.address())))
                        .append(", \"size\": ").append(str(hex(e.size()))).append(", \"target\": ")
                        .append(str(hex(e.target()))).append('}');
            }
            b.append("\n  ],\n");
        }
        field(b, "init", hex(img.init())).append(",\n");
        field(b, "exit", hex(img.exit())).append('\n');
        return b.append("}\n").toString();
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

    private static StringBuilder field(StringBuilder b, String key, String value) {
        return b.append("  ").append(str(key)).append(": ").append(str(value));
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** A JSON string literal. */
    public static String str(String s) {
        return Json.string(s);
    }
}
