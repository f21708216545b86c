package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.LoadMap;
import modkit.kernel.KernelProfile;
import modkit.kernel.SimulatedKernel;
import modkit.moddir.ModulesDep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every corpus module, loaded dependencies first into a fresh simulated kernel, has the same bytes in every placed
 * section as GNU ld gives when it links the module at modkit's placement (testdata/gen-golden.py, run here on
 * the fly: the corpus is not committed, so neither are its goldens). Needs the cross binutils and python3;
 * skipped with the reason when they are missing.
 */
class CorpusGnuLdTest {
    @Test
    void everyM68kModuleIsByteIdenticalToGnuLd(@TempDir Path tmp) throws IOException, InterruptedException {
        Path corpus = TestPaths.corpus("m68k-6.1");
        for (String tool : List.of("m68k-linux-gnu-ld", "m68k-linux-gnu-objcopy", "python3")) {
            assumeTrue(onPath(tool), tool + " not installed (Debian: binutils-m68k-linux-gnu, python3)");
        }
        KernelProfile profile = CorpusLoadTest.m68kProfile(corpus);
        ModulesDep dep = ModulesDep.read(corpus.resolve("modules.dep"), corpus);
        int modules = 0;
        int sections = 0;
        try (SimulatedKernel kernel = SimulatedKernel.boot(tmp.resolve("root"), profile)) {
            for (String m : dep.loadOrder()) {
                LinkResult r = Insmod.load(dep.path(m), kernel, LinkOptions.DEFAULT, false);
                Path map = tmp.resolve(r.image().name() + ".map.json");
                Files.writeString(map, LoadMap.json(r));
                Path out = tmp.resolve("golden");
                run(tmp, "python3", TestPaths.testdata().resolve("gen-golden.py").toString(), "--out-dir", out.toString(),
                        dep.path(m).toString(), map.toString());
                var golden = GoldenImageTest.readGolden(out.resolve(r.image().name() + ".golden"));
                GoldenImageTest.assertSameBytes("m68k-6.1/" + m, r, golden);
                modules++;
                sections += golden.size();
            }
        }
        assertEquals(17, modules);
        System.out.println("m68k-6.1: " + modules + " modules, " + sections + " sections byte-identical to GNU ld");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertTrue(exit == 0, () -> String.join(" ", cmd) + " failed (exit " + exit + "):\n" + output);
    }
}
