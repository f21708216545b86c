package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelProfile;
import modkit.kernel.LoadedModule;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import modkit.kernel.SimulatedKernel;
import modkit.modprobe.ModulesDep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every module of the real Debian trees loads into a fresh simulated kernel booted with that kernel's profile,
 * dependencies first: any unknown symbol or CRC mismatch would fail its load with the message in the report.
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

    /** The m68k corpus kernel, as {@code modkit profile import} makes it from System.map, Module.symvers and config. */
    static KernelProfile m68kProfile(Path corpus) {
        return ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"), corpus.resolve("Module.symvers.gz"),
                corpus.resolve("config"), "6.1.192-virt", null, null));
    }

    private static void loadAll(Path root, KernelProfile profile, ModulesDep dep, int expectedModules) {
        List<String> order = dep.loadOrder();
        assertEquals(expectedModules, order.size());
        long relocations = 0;
        try (SimulatedKernel kernel = SimulatedKernel.boot(root, profile)) {
            for (String m : order) {
                try {
                    LinkResult r = Insmod.load(dep.path(m), kernel, LinkOptions.DEFAULT, false);
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
    }
}
