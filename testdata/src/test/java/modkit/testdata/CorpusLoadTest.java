package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import modkit.elf.ModkitException;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelProfile;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleImage;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import modkit.kernel.SimulatedKernel;
import modkit.modprobe.ModulesDep;
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
