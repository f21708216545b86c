package modkit.lsmod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.command.Json;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadedModule;

/**
 * modutils' ksyms: the exported symbols of the kernel and of the loaded modules, with address, CRC, owner
 * ("[module]", nothing for vmlinux), GPL-only flag and namespace; with -a also the symbols they do not export, where
 * {@link SymbolTables} knows them; with --info a line per module (address, size) before its symbols.
 */
public final class Ksyms {
    private Ksyms() {}

    /** One line of the listing: a symbol, or (with --info) a module's own line ({@code module} set, symbol null). */
    public record Entry(KernelSymbol symbol, boolean exported, LoadedModule module) {
        static Entry of(KernelSymbol s, boolean exported) {
            return new Entry(s, exported, null);
        }
    }

    /** What to list. */
    public record Request(boolean modulesOnly, boolean all, boolean info) {}

    /**
     * The listing. Without -a and --info: the kernel's exports by name, then the modules' exports (as ksyms always
     * listed them). With either: the modules one after another in the kernel's list order (newest first), as
     * modutils' ksyms went through them, each with its whole table under -a when known, then the kernel's symbols.
     */
    public static List<Entry> list(KernelBackend k, Request req, SymbolTables tables) {
        List<Entry> out = new ArrayList<>();
        List<KernelSymbol> exports = k.moduleExports();
        if (!req.all() && !req.info()) {
            if (!req.modulesOnly()) {
                kernel(k, false, tables).forEach(out::add);
            }
            exports.forEach(s -> out.add(Entry.of(s, true)));
            return out;
        }
        Map<String, List<KernelSymbol>> byOwner = new HashMap<>();
        for (KernelSymbol s : exports) {
            byOwner.computeIfAbsent(s.owner(), o -> new ArrayList<>()).add(s);
        }
        for (LoadedModule m : k.modules()) {
            if (req.info()) {
                out.add(new Entry(null, false, m));
            }
            List<KernelSymbol> own = byOwner.getOrDefault(m.name(), List.of());
            List<KernelSymbol> table = req.all() ? tables.module(k, m) : null;
            if (table == null) {
                own.forEach(s -> out.add(Entry.of(s, true)));
                continue;
            }
            // The whole table, in address order; an exported symbol keeps its export's CRC, licence and namespace.
            Map<String, KernelSymbol> exported = new HashMap<>();
            own.forEach(s -> exported.put(s.name(), s));
            List<KernelSymbol> sorted = new ArrayList<>(table);
            sorted.sort(Comparator.comparing(KernelSymbol::address, Long::compareUnsigned).thenComparing(KernelSymbol::name));
            Set<String> listed = new HashSet<>();
            for (KernelSymbol s : sorted) {
                KernelSymbol e = exported.get(s.name());
                out.add(e != null && e.address() == s.address() ? Entry.of(e, true) : Entry.of(s, false));
                listed.add(s.name());
            }
            own.stream().filter(s -> !listed.contains(s.name())).forEach(s -> out.add(Entry.of(s, true)));
        }
        if (!req.modulesOnly()) {
            out.addAll(kernel(k, req.all(), tables));
        }
        return out;
    }

    /** The kernel's exports, and with {@code all} its other known symbols, by name. */
    private static List<Entry> kernel(KernelBackend k, boolean all, SymbolTables tables) {
        List<Entry> out = new ArrayList<>();
        k.profile().symbols().all().forEach(s -> out.add(Entry.of(s, true)));
        if (all) {
            Set<String> exported = new HashSet<>();
            k.profile().symbols().all().forEach(s -> exported.add(s.name()));
            tables.kernel(k).stream().filter(s -> !exported.contains(s.name())).forEach(s -> out.add(Entry.of(s, false)));
        }
        out.sort(Comparator.comparing(e -> e.symbol().name()));
        return out;
    }

    public static String text(List<Entry> entries, int pointerSize, boolean header) {
        StringBuilder b = new StringBuilder();
        int w = pointerSize * 2;
        if (header) {
            b.append(String.format("%-" + w + "s  %-10s  %s%n", "Address", "CRC", "Symbol  Defined by"));
        }
        for (Entry e : entries) {
            if (e.module() != null) {
                // modutils' --info line: where the module is, its size in KiB rounded up, its name.
                LoadedModule m = e.module();
                b.append(String.format("%0" + w + "x  %-10s  [%s]%n", m.address(), "(" + ((m.size() + 1023) / 1024) + "k)",
                        m.name()));
                continue;
            }
            KernelSymbol s = e.symbol();
            b.append(String.format("%0" + w + "x  %-10s  %s", s.address(), s.crc() == null ? "-" : String.format("0x%08x", s.crc()),
                    s.name()));
            if (s.owner() != null) {
                b.append("  [").append(s.owner()).append(']');
            }
            if (s.gpl()) {
                b.append("  GPL");
            }
            if (!s.namespace().isEmpty()) {
                b.append("  ns:").append(s.namespace());
            }
            if (!e.exported()) {
                b.append("  (not exported)");
            }
            b.append('\n');
        }
        return b.toString();
    }

    public static String json(List<Entry> entries) {
        List<Object> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> o = new LinkedHashMap<>();
            if (e.module() != null) {
                o.put("module", e.module().name());
                o.put("address", Json.hex(e.module().address()));
                o.put("size", e.module().size());
                out.add(o);
                continue;
            }
            KernelSymbol s = e.symbol();
            o.put("name", s.name());
            o.put("address", Json.hex(s.address()));
            o.put("crc", s.crc() == null ? null : String.format("0x%08x", s.crc()));
            o.put("owner", s.owner() == null ? "vmlinux" : s.owner());
            o.put("gpl_only", s.gpl());
            o.put("namespace", s.namespace());
            o.put("exported", e.exported());
            out.add(o);
        }
        return Json.write(out);
    }
}
