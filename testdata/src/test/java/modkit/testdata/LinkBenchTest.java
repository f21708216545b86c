package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileImport;
import modkit.modprobe.LinkBench;
import modkit.moddir.ModulesDep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modkit bench}'s pass over a tree: every module links in modules.dep order; one that fails is counted
 * with its error and the rest go on; a module area too small for the whole tree is met with fresh kernels, as
 * Debian's 686 tree (4,136 modules) needs on i386's 112 MB area.
 */
class LinkBenchTest {
    private static KernelProfile i386(Path corpus) {
        return ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"),
                corpus.resolve("Module.symvers.gz"), corpus.resolve("config"), "6.1.0-50-686", null, null));
    }

    @Test
    void everyI386CorpusModuleLinksInOneKernel() {
        Path corpus = TestPaths.corpus("i386-6.1");
        List<String> warnings = new ArrayList<>();
        LinkBench.Result r = LinkBench.run(ModulesDep.read(corpus.resolve("modules.dep"), corpus), i386(corpus), 1,
                warnings::add);
        assertEquals(29, r.modules());
        assertEquals(List.of(), r.failures());
        assertEquals(29, r.linked());
        assertEquals(1, r.kernels());
        assertEquals(List.of(), warnings);
    }

    /**
     * With a module area that holds half of the tree, the kernel answers ENOMEM as module_alloc does; the
     * pass starts fresh kernels, reloads what each module needs, and every module still links, with the same
     * relocations as in one kernel (reloads are not counted).
     */
    @Test
    void aModuleAreaTooSmallForTheTreeTakesFreshKernels() {
        Path corpus = TestPaths.corpus("i386-6.1");
        KernelProfile p = i386(corpus);
        ModulesDep dep = ModulesDep.read(corpus.resolve("modules.dep"), corpus);
        LinkBench.Result whole = LinkBench.run(dep, p, 0, w -> {});
        long half = (whole.bytes() / 2 + p.pageSize() - 1) & -(long) p.pageSize();
        KernelProfile small = new KernelProfile(p.arch(), p.release(), p.vermagic(), p.pageSize(), p.moduleAreaStart(),
                p.moduleAreaStart() + half, p.config(), p.symbols());
        LinkBench.Result r = LinkBench.run(dep, small, 1, w -> {});
        assertEquals(List.of(), r.failures());
        assertTrue(r.kernels() >= 2, "half of the tree per kernel needs at least 2 kernels, took " + r.kernels());
        assertEquals(whole.relocations(), r.relocations());
        assertEquals(whole.bytes(), r.bytes());
    }

    /** A module that cannot be read fails alone with its error; those that need its exports fail after it. */
    @Test
    void aMissingModuleFailsWithItsDependentsAndThePassGoesOn(@TempDir Path tmp) throws IOException {
        Path corpus = TestPaths.corpus("i386-6.1");
        Path tree = tmp.resolve("tree");
        try (Stream<Path> s = Files.walk(corpus)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Path to = tree.resolve(corpus.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Files.delete(tree.resolve("kernel/sound/soundcore.ko"));
        LinkBench.Result r = LinkBench.run(ModulesDep.read(tree.resolve("modules.dep"), tree), i386(corpus), 1, w -> {});
        assertEquals(29, r.modules());
        assertEquals(24, r.linked());
        List<String> failed = r.failures().stream().map(LinkBench.Failure::module).toList();
        assertEquals(List.of("kernel/sound/soundcore.ko", "kernel/sound/core/snd.ko", "kernel/sound/core/snd-timer.ko",
                "kernel/sound/core/snd-pcm.ko", "kernel/sound/drivers/snd-aloop.ko"), failed);
        assertTrue(r.failures().get(1).message().contains("unknown symbol"), r.failures().get(1).message());
        assertTrue(r.failures().get(1).message().contains("register_sound_special"), r.failures().get(1).message());
    }
}
