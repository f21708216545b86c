package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelProfile;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleImage;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import modkit.kernel.SimulatedKernel;
import modkit.moddir.ModulesDep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every module of the real Debian trees loads into a fresh simulated kernel booted with that kernel's profile,
 * dependencies first: any unknown symbol or CRC mismatch would fail its load with the message in the report.
 * For ia64 the load also needs the kernel's PLT stubs, GOT, function descriptors and per-cpu area.
 */
class CorpusLoadTest {
    @Test
    void everyAmd64ModuleLoadsIntoTheDefaultKernel(@TempDir Path root) {
        Path corpus = TestPaths.corpus("amd64-6.1");
        ModulesDep dep = ModulesDep.read(corpus.resolve("expected-kmod/modules.dep"), corpus);
        loadAll(root, ProfileFile.embeddedDefault(), dep, 44);
    }

    @Test
    void everyI386ModuleLoadsIntoAProfileImportedFromItsKernel(@TempDir Path root) {
        Path corpus = TestPaths.corpus("i386-6.1");
        KernelProfile profile = ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"),
                corpus.resolve("Module.symvers.gz"), corpus.resolve("config"), "6.1.0-50-686", null, null));
        assertEquals("6.1.0-50-686 SMP preempt mod_unload modversions GEODE ", profile.vermagic(),
                "vermagic built from the config must equal the modules' own");
        loadAll(root, profile, ModulesDep.read(corpus.resolve("modules.dep"), corpus), 29);
    }

    @Test
    void everyM68kModuleLoadsIntoAProfileImportedFromItsKernel(@TempDir Path root) {
        Path corpus = TestPaths.corpus("m68k-6.1");
        KernelProfile profile = m68kProfile(corpus);
        assertEquals("6.1.192-virt mod_unload modversions ", profile.vermagic(),
                "vermagic built from the config must equal the modules' own (m68k adds no suffix)");
        ModulesDep dep = ModulesDep.read(corpus.resolve("modules.dep"), corpus);
        // With MODVERSIONS on both sides every imported symbol's CRC is compared: a load is 0 unknown symbols and
        // 0 CRC mismatches.
        assertTrue(profile.modversions(), "the m68k kernel has CONFIG_MODVERSIONS");
        for (String m : dep.loadOrder()) {
            assertTrue(ObjectFile.read(dep.path(m)).hasVersions(), m + " has no __versions: its CRCs would not be checked");
        }
        loadAll(root, profile, dep, 17);
    }

    /**
     * System.map + Module.symvers alone, as for x86_64: the arch is recognised from the map, the vermagic has no
     * arch suffix (Kconfig defaults: no SMP, no mod_unload, no modversions), addresses and CRCs are 32-bit.
     */
    @Test
    void m68kProfileFromSystemMapAndSymversAlone() {
        Path corpus = TestPaths.corpus("m68k-6.1");
        KernelProfile p = ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"),
                corpus.resolve("Module.symvers.gz"), null, "6.1.192-virt", null, null));
        assertEquals("m68k", p.arch());
        assertEquals("6.1.192-virt ", p.vermagic());
        assertEquals(0x08800000L, p.moduleAreaStart());
        assertEquals(0xd0000000L, p.moduleAreaEnd());
        assertEquals(5576, p.symbols().size(), "every vmlinux export of Module.symvers");
        assertEquals(0x425d08L, p.symbols().get("_printk").address(), "System.map: 00425d08 T _printk");
        assertTrue(p.symbols().all().stream().allMatch(k -> k.crc() != null && k.crc() >>> 32 == 0), "32-bit CRCs");
    }

    /** __versions on m68k: 64-byte entries whose CRC is a big-endian 32-bit word; a flipped bit must be caught. */
    @Test
    void m68kCrcMismatchIsCaught(@TempDir Path tmp) throws IOException {
        Path corpus = TestPaths.corpus("m68k-6.1");
        Path p = tmp.resolve("nls_cp437.ko");
        Files.copy(corpus.resolve("kernel/fs/nls/nls_cp437.ko"), p);
        Section versions = ObjectFile.read(p).allocSection("__versions");
        byte[] b = Files.readAllBytes(p);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        int entry = -1;
        for (int at = (int) versions.offset(); at < versions.offset() + versions.size(); at += 64) {
            if (new String(b, at + 4, 15, StandardCharsets.ISO_8859_1).equals("__register_nls\0")) {
                entry = at;
            }
        }
        assertTrue(entry >= 0, "nls_cp437 imports __register_nls");
        long good = Integer.toUnsignedLong(buf.getInt(entry));
        buf.putInt(entry, (int) (good ^ 0x100));
        Files.write(p, b);
        try (SimulatedKernel kernel = SimulatedKernel.boot(tmp.resolve("root"), m68kProfile(corpus))) {
            ModkitException e = assertThrows(ModkitException.class, () -> Insmod.load(p, kernel, LinkOptions.DEFAULT, true));
            assertEquals(p + ": disagrees about version of 1 symbol: __register_nls (module 0x" + Long.toHexString(good ^ 0x100)
                    + ", kernel 0x" + Long.toHexString(good) + ")", e.getMessage());
        }
    }

    /** The m68k corpus kernel, as {@code modkit profile import} makes it from System.map, Module.symvers and config. */
    static KernelProfile m68kProfile(Path corpus) {
        return ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"), corpus.resolve("Module.symvers.gz"),
                corpus.resolve("config"), "6.1.192-virt", null, null));
    }

    @Test
    void everyIa64ModuleLoadsIntoAProfileImportedFromItsKernel(@TempDir Path root) {
        Path corpus = TestPaths.corpus("ia64-6.1");
        KernelProfile profile = ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"),
                corpus.resolve("Module.symvers.gz"), corpus.resolve("config"), "6.1.192", null, null));
        assertEquals("6.1.192 SMP mod_unload modversions ia64gcc-12.2", profile.vermagic(),
                "vermagic built from the config must equal the modules' own");
        Map<String, LinkResult> loaded = loadAll(root, profile, ModulesDep.read(corpus.resolve("modules.dep"), corpus), 16);

        // x_tables has per-cpu data (xt_recseq), reached with IMM22 (addl r=xt_recseq,r0): it must sit in the
        // kernel's per-cpu area, right after vmlinux's static per-cpu data, not in the module area.
        long[] percpu = profile.percpuModuleArea();
        ModuleImage.Region r = loaded.get("x_tables").region("percpu");
        assertTrue(r != null && Long.compareUnsigned(r.address() - percpu[0], percpu[1] - percpu[0]) < 0,
                "x_tables per-cpu copy at " + (r == null ? "none" : Long.toHexString(r.address())));
        assertEquals(0xfffffffffffc5828L, percpu[0], "__per_cpu_end of System.map");

        // What the loader built around the modules, by kind.
        Map<String, Integer> kinds = new TreeMap<>();
        loaded.values().forEach(l -> l.archEntries().forEach(e -> kinds.merge(e.kind(), 1, Integer::sum)));
        assertEquals(16, kinds.get("gp"), "one gp per module");
        assertTrue(kinds.get("plt") > 0 && kinds.get("got") > 0 && kinds.get("fdesc") > 0, kinds.toString());
        System.out.println("ia64 linkage built: " + kinds);
    }

    private static Map<String, LinkResult> loadAll(Path root, KernelProfile profile, ModulesDep dep, int expectedModules) {
        List<String> order = dep.loadOrder();
        assertEquals(expectedModules, order.size());
        Map<String, LinkResult> results = new LinkedHashMap<>();
        long relocations = 0;
        try (SimulatedKernel kernel = SimulatedKernel.boot(root, profile)) {
            for (String m : order) {
                try {
                    LinkResult r = Insmod.load(dep.path(m), kernel, LinkOptions.DEFAULT, false);
                    results.put(r.image().name(), r);
                    relocations += r.relocations();
                    assertFalse(r.image().taints().contains("F"), m + " needed a forced load: " + r.image().taints());
                } catch (ModkitException e) {
                    fail(m + ": " + e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
                }
            }
            List<LoadedModule> loaded = kernel.modules();
            assertEquals(expectedModules, loaded.size());
            // Holders come from symbol resolution: every dependency in modules.dep that provides a symbol is used.
            long withHolders = loaded.stream().filter(l -> !l.holders().isEmpty()).count();
            assertFalse(withHolders == 0, "no module recorded as used by another");
        }
        System.out.println(profile.release() + ": " + order.size() + " modules, " + relocations + " relocations, all loaded");
        return results;
    }
}
