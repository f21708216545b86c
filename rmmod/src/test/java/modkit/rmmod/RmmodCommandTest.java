package modkit.rmmod;

import modkit.command.Captured;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.kernel.KernelProfile;
import modkit.kernel.LoadedModule;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rmmod's seam: the command over a simulated kernel holding mk_exporter, mk_importer (which uses it) and mk_params.
 * The rules are kmod's rmmod and the kernel's delete_module: a module in use is refused (EBUSY), each name is tried
 * even after one failed and the exit code then says so, a path names the module by its file name, and a forced
 * removal needs CONFIG_MODULE_FORCE_UNLOAD and still cannot take a module from its users.
 */
class RmmodCommandTest {
    private static final Path OBJECTS = Path.of(System.getProperty("modkit.project", "..")).resolve("testdata/objects/x86_64");

    @TempDir
    Path root;

    private void boot(KernelProfile profile) {
        try (SimulatedKernel k = SimulatedKernel.boot(root, profile)) {
            for (String m : List.of("mk_exporter", "mk_importer", "mk_params")) {
                Insmod.load(OBJECTS.resolve(m + ".ko"), k, LinkOptions.DEFAULT, false);
            }
        }
    }

    private record Run(int exit, String out, String err) {}

    private Run rmmod(String... args) {
        List<String> all = new ArrayList<>(List.of("--root", root.toString()));
        all.addAll(List.of(args));
        Captured c = Captured.of(StandardCharsets.UTF_8, false,
                () -> RmmodCommand.run(all.toArray(String[]::new)));
        return new Run(c.exit(), c.outText(StandardCharsets.UTF_8), c.errText(StandardCharsets.UTF_8));
    }

    private List<String> loaded() {
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            return k.modules().stream().map(LoadedModule::name).toList();
        }
    }

    private String taints() {
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            return k.taints();
        }
    }

    @Test
    void removesTheNamedModules() {
        boot(ProfileFile.embeddedDefault());
        Run r = rmmod("-v", "mk_params", OBJECTS.resolve("mk_importer.ko").toString());
        assertEquals(new Run(0, "removed mk_params\nremoved mk_importer\n", ""), r);
        assertEquals(List.of("mk_exporter"), loaded());
    }

    @Test
    void aModuleInUseStays() {
        boot(ProfileFile.embeddedDefault());
        Run r = rmmod("mk_exporter");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("rmmod: error: Module mk_exporter is in use by: mk_importer\n"), r.err());
        assertEquals(List.of("mk_params", "mk_importer", "mk_exporter"), loaded());
    }

    /** kmod goes on after a failure: mk_params is removed though nosuch is not loaded, and the exit code is 1. */
    @Test
    void eachNameIsTriedAndAFailureIsTold() {
        boot(ProfileFile.embeddedDefault());
        Run r = rmmod("nosuch", "mk_params");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("nosuch is not currently loaded"), r.err());
        assertTrue(r.err().contains("1 of 2 modules could not be removed"), r.err());
        assertEquals(List.of("mk_importer", "mk_exporter"), loaded());
    }

    @Test
    void forceNeedsTheKernelOptionAndTaints() {
        boot(ProfileFile.embeddedDefault());
        assertEquals(1, rmmod("-f", "mk_exporter").exit(), "Debian's 6.1 has no CONFIG_MODULE_FORCE_UNLOAD");
        assertEquals(3, loaded().size());
    }

    /**
     * delete_module refuses a module that others use (source_list not empty, EWOULDBLOCK) before it looks at
     * O_TRUNC: -f does not help there even where the kernel allows forcing. A module whose refcount is already 0 goes
     * without try_force_unload, so without taint R.
     */
    @Test
    void forceDoesNotRemoveAModuleWithUsers() {
        boot(ProfileFile.embeddedDefault().withConfig(Map.of("CONFIG_MODULE_FORCE_UNLOAD", "y")));
        String before = taints();
        Run r = rmmod("-f", "mk_exporter");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("in use by: mk_importer"), r.err());
        assertEquals(0, rmmod("-f", "mk_params").exit());
        assertEquals(List.of("mk_importer", "mk_exporter"), loaded());
        assertEquals(before, taints());
    }

    @Test
    void usage() {
        boot(ProfileFile.embeddedDefault());
        assertEquals(1, rmmod().exit(), "no name");
        assertEquals(2, rmmod("--no-such-flag", "x").exit());
        assertEquals(1, rmmod("-a", "mk_params").exit(), "-a takes no name");
    }
}
