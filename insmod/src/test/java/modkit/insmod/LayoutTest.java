package modkit.insmod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelProfile;
import org.junit.jupiter.api.Test;

/**
 * Layout.compute against hand-worked placements of testdata/objects/x86_64/relocs.o. The section sizes and
 * alignments are readelf -SW's:
 * <pre>
 *  [1] .text 0x96 AX al16   [3] .data 0x50 WA al16   [5] .bss 0x20 WA al16 (NOBITS)
 *  [7] .gnu.linkonce.this_module 0x40 WA al64        [9] .init.text 0x28 AX al16
 * [11] .exit.text 0x14 AX al16   [13] .rodata 0x64 A al32   [15] .rodata.str1.1 0x1e AMS al1
 * [16] .init.data 0x10 WA al8    [6] .modinfo A (not loaded)   [18] .modkit.nonalloc (no A flag)
 * </pre>
 * and the kernel's 6.1 layout_sections: groups text, rodata, ro_after_init, data, small data, each section in
 * header order; .init* to init, the rest (.exit* too when modules can be unloaded) to core; with
 * CONFIG_STRICT_MODULE_RWX each region is padded to a page after text, rodata, ro_after_init (core only) and at
 * the end. The test profile has no CONFIG_KALLSYMS, so no symbol table is added.
 */
class LayoutTest {
    private static final ObjectFile RELOCS = Samples.x86("relocs.o");

    private static Map<String, String> placements(Layout l) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Layout.Placement p : l.placements()) {
            out.put(p.section().name(), p.region() + "+0x" + Long.toHexString(p.offset()));
        }
        return out;
    }

    @Test
    void strictRwxPadsEachGroupToAPage() {
        KernelProfile profile = Samples.profile("x86_64-test");
        Layout l = Layout.compute(RELOCS, profile, 0);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(".text", "core+0x0");
        expected.put(".exit.text", "core+0xa0"); // 0x96 rounded up to 16
        expected.put(".rodata", "core+0x1000"); // text group padded to a page
        expected.put(".rodata.str1.1", "core+0x1064");
        expected.put(".data", "core+0x2000"); // rodata, then the empty ro_after_init group, padded
        expected.put(".bss", "core+0x2050");
        expected.put(".gnu.linkonce.this_module", "core+0x2080"); // 0x2070 rounded up to 64
        expected.put(".init.text", "init+0x0");
        expected.put(".init.data", "init+0x1000");
        assertEquals(expected, placements(l));
        // core ends at 0x20c0, padded to a page; init at 0x1010, padded
        assertEquals(Map.of("core", 0x3000L, "init", 0x2000L), l.regionSizes());
    }

    @Test
    void withoutStrictRwxSectionsFollowEachOtherAtTheirAlignment() {
        KernelProfile profile = Samples.profile("x86_64-test").withConfig(Map.of("CONFIG_STRICT_MODULE_RWX", "n"));
        Layout l = Layout.compute(RELOCS, profile, 0);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(".text", "core+0x0");
        expected.put(".exit.text", "core+0xa0");
        expected.put(".rodata", "core+0xc0"); // 0xb4 rounded up to 32
        expected.put(".rodata.str1.1", "core+0x124");
        expected.put(".data", "core+0x150"); // 0x142 rounded up to 16
        expected.put(".bss", "core+0x1a0");
        expected.put(".gnu.linkonce.this_module", "core+0x1c0");
        expected.put(".init.text", "init+0x0");
        expected.put(".init.data", "init+0x28");
        assertEquals(expected, placements(l));
        assertEquals(Map.of("core", 0x200L, "init", 0x38L), l.regionSizes());
    }

    /** Without CONFIG_MODULE_UNLOAD, .exit.text is never run: module_init_layout_section sends it to init. */
    @Test
    void withoutUnloadExitTextGoesToInit() {
        KernelProfile profile = Samples.profile("x86_64-test").withConfig(Map.of("CONFIG_MODULE_UNLOAD", "n"));
        Layout l = Layout.compute(RELOCS, profile, 0);
        Map<String, String> p = placements(l);
        assertEquals("core+0x1000", p.get(".rodata"), "core text now holds .text alone");
        assertEquals("init+0x0", p.get(".init.text"));
        assertEquals("init+0x30", p.get(".exit.text"), "after .init.text (0x28), at 16");
        assertEquals("init+0x1000", p.get(".init.data"));
    }

    /** .modinfo and __versions are read by the loader but never loaded; a section without SHF_ALLOC neither. */
    @Test
    void unloadedSectionsHaveNoPlace() {
        List<String> names = new ArrayList<>(placements(Layout.compute(RELOCS, Samples.profile("x86_64-test"), 0)).keySet());
        assertEquals(List.of(), names.stream().filter(n -> n.equals(".modinfo") || n.startsWith(".modkit") || n.startsWith(".rela")
                || n.equals(".symtab") || n.equals(".strtab")).toList());
        assertEquals(0, Layout.adjustedFlags(Samples.x86("mk_importer.ko").sections().stream().filter(s -> s.name().equals("__versions")).findFirst().orElseThrow()) & modkit.elf.Section.SHF_ALLOC);
    }
}
