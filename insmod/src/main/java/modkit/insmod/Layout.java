package modkit.insmod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.kernel.KernelProfile;

/**
 * Where each section goes, computed as the kernel's {@code layout_sections} and {@code layout_symtab} do
 * (loader-model.md §8), before any memory is allocated.
 *
 * <p>Sections are taken group by group (text, rodata, ro_after_init, data, small data), each group in
 * section-header order, and each goes to the first group whose flags it matches. Before 6.4 there are two
 * regions, core and init, padded to a page between groups when {@code CONFIG_STRICT_MODULE_RWX} is set; from 6.4
 * each group of core and init is its own region. kallsyms adds the symbol table to init and a reduced copy to
 * core data; those bytes count in the sizes /proc/modules shows.
 */
public final class Layout {
    /** One section's place: a region name and an offset in it. */
    public record Placement(Section section, String region, long offset) {}

    /** Per-group (required flags, forbidden flags), as {@code masks[][2]} in kernel/module/main.c. */
    private static long[][] masks(long small) {
        return new long[][] {
            {Section.SHF_EXECINSTR | Section.SHF_ALLOC, small},
            {Section.SHF_ALLOC, Section.SHF_WRITE | small},
            {Section.SHF_RO_AFTER_INIT | Section.SHF_ALLOC, small},
            {Section.SHF_WRITE | Section.SHF_ALLOC, small},
            {small | Section.SHF_ALLOC, 0}
        };
    }

    /** 6.4+ module_memory types per group; null where a group has no region (init ro_after_init). */
    private static final String[] CORE_TYPES = {"text", "rodata", "ro_after_init", "data", "data"};
    private static final String[] INIT_TYPES = {"init_text", "init_rodata", null, "init_data", "init_data"};

    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private final List<Placement> placements = new ArrayList<>();
    private final long[] flags;
    private final String[] regionOf;

    private Layout(int sectionCount) {
        flags = new long[sectionCount];
        regionOf = new String[sectionCount];
    }

    public Map<String, Long> regionSizes() {
        return sizes;
    }

    public List<Placement> placements() {
        return placements;
    }

    /** The section flags after the loader's tweaks (§2 step 5 and 10). */
    public long flags(int sectionIndex) {
        return flags[sectionIndex];
    }

    public static Layout compute(ObjectFile obj, KernelProfile profile, long smallFlag) {
        Layout l = new Layout(obj.sectionCount());
        for (Section s : obj.sections()) {
            l.flags[s.index()] = adjustedFlags(s);
        }
        boolean modern = profile.usesModuleMemory();
        if (modern) {
            for (String t : new String[] {"text", "data", "rodata", "ro_after_init", "init_text", "init_data", "init_rodata"}) {
                l.sizes.put(t, 0L);
            }
        } else {
            l.sizes.put("core", 0L);
            l.sizes.put("init", 0L);
        }
        long[][] masks = masks(smallFlag);
        boolean[] placed = new boolean[obj.sectionCount()];
        for (boolean init : new boolean[] {false, true}) {
            for (int m = 0; m < masks.length; m++) {
                String region = modern ? (init ? INIT_TYPES[m] : CORE_TYPES[m]) : (init ? "init" : "core");
                for (Section s : obj.sections()) {
                    long f = l.flags[s.index()];
                    if ((f & masks[m][0]) != masks[m][0] || (f & masks[m][1]) != 0 || placed[s.index()]
                            || isInitSection(s.name(), profile) != init) {
                        continue;
                    }
                    if (region == null) {
                        // The kernel WARNs and leaves an init ro_after_init section unplaced.
                        continue;
                    }
                    placed[s.index()] = true;
                    l.place(s, region);
                }
                if (!modern) {
                    l.endGroup(region, m, profile);
                }
            }
        }
        if (profile.enabled("CONFIG_KALLSYMS")) {
            l.kallsyms(obj, profile, modern ? "data" : "core", modern ? "init_data" : "init", placed);
        }
        if (modern) {
            l.sizes.replaceAll((k, v) -> align(v, profile.pageSize()));
        }
        return l;
    }

    /** Pre-6.4: strict_align after text, rodata, ro_after_init (core only) and the last group. */
    private void endGroup(String region, int m, KernelProfile profile) {
        if (m == 3) {
            return;
        }
        if (m == 2 && region.equals("init")) {
            return; // init has no ro_after_init part: ro_after_init_size = ro_size
        }
        if (profile.strictModuleRwx()) {
            sizes.put(region, align(sizes.get(region), profile.pageSize()));
        }
    }

    private void place(Section s, String region) {
        long size = sizes.get(region);
        long offset = align(size, Math.max(1, s.addralign()));
        sizes.put(region, offset + s.size());
        placements.add(new Placement(s, region, offset));
        regionOf[s.index()] = region;
    }

    /**
     * layout_symtab: the whole symtab and strtab at the end of init (plus a struct mod_kallsyms and a type byte
     * per symbol); in core data, room for the symbols kallsyms keeps after init, their names and type bytes.
     */
    private void kallsyms(ObjectFile obj, KernelProfile profile, String core, String init, boolean[] placed) {
        SymbolTable st = obj.symbols();
        Section symsect = st.section();
        Section strsect = obj.section(symsect.link());
        int symSize = obj.is64() ? 24 : 16;
        int ptr = obj.is64() ? 8 : 4;
        boolean all = profile.kallsymsAll();
        boolean strict = profile.strictModuleRwx() || profile.usesModuleMemory();

        place(symsect, init);
        long ndst = 0;
        long strtabSize = 0;
        for (int i = 0; i < st.count(); i++) {
            if (i == 0 || isCoreSymbol(obj, st, i, placed, all)) {
                strtabSize += st.nameLength(i) + 1;
                ndst++;
            }
        }
        long symoffs = align(sizes.get(core), Math.max(1, symsect.addralign()));
        long size = symoffs + ndst * symSize + strtabSize + ndst;
        sizes.put(core, strict && !profile.usesModuleMemory() ? align(size, profile.pageSize()) : size);

        place(strsect, init);
        long initSize = align(sizes.get(init), ptr);
        initSize += 4L * ptr; // struct mod_kallsyms: symtab, num_symtab (padded), strtab, typetab
        initSize += st.count();
        sizes.put(init, strict && !profile.usesModuleMemory() ? align(initSize, profile.pageSize()) : initSize);
    }

    private boolean isCoreSymbol(ObjectFile obj, SymbolTable st, int i, boolean[] placed, boolean all) {
        int shndx = st.shndx(i);
        if (shndx == SymbolTable.SHN_UNDEF || shndx >= obj.sectionCount() || !st.hasName(i)) {
            return false;
        }
        Section sec = obj.section(shndx);
        if (all && sec.name().equals(".data..percpu")) {
            return true;
        }
        long f = flags[shndx];
        if ((f & Section.SHF_ALLOC) == 0 || (!all && (f & Section.SHF_EXECINSTR) == 0)) {
            return false;
        }
        // An init section's symbols go away with init memory.
        String region = regionOf[shndx];
        return region != null && !region.startsWith("init");
    }

    /** module_init_layout_section: ".init*", and ".exit*" too when modules cannot be unloaded. */
    static boolean isInitSection(String name, KernelProfile profile) {
        return name.startsWith(".init") || (!profile.moduleUnload() && name.startsWith(".exit"));
    }

    /** Flags as the loader sees them at layout time (rewrite_section_headers and the flag tweaks). */
    static long adjustedFlags(Section s) {
        long f = s.flags();
        String n = s.name();
        if (n.equals("__versions") || n.equals(".modinfo") || n.equals(".data..percpu")) {
            f &= ~Section.SHF_ALLOC; // read, never loaded; per-cpu data goes to the per-cpu area
        }
        if (n.equals(".data..ro_after_init") || n.equals("__jump_table")) {
            f |= Section.SHF_RO_AFTER_INIT;
        }
        return f;
    }

    static long align(long v, long a) {
        return (v + a - 1) & -a;
    }
}
