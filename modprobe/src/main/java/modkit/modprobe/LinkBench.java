package modkit.modprobe;

import java.nio.file.Path;
import java.util.List;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelProfile;
import modkit.kernel.MemoryKernel;

/**
 * Links every module of a tree in one process, dependencies first, against an in-memory kernel: the loads are
 * real (each module's exports serve the next), nothing is written.
 */
public final class LinkBench {
    /** What one pass linked. */
    public record Result(int modules, long relocations, long bytes, double seconds) {
        public double relocationsPerSecond() {
            return relocations / seconds;
        }
    }

    private LinkBench() {}

    public static Result run(ModulesDep dep, KernelProfile profile) {
        List<String> order = dep.loadOrder();
        long start = System.nanoTime();
        long relocations = 0;
        long bytes = 0;
        try (MemoryKernel kernel = new MemoryKernel(profile)) {
            for (String m : order) {
                Path p = dep.path(m);
                ObjectFile obj = ObjectFile.read(p);
                LinkResult r = Insmod.load(obj, kernel, LinkOptions.DEFAULT, false);
                relocations += r.relocations();
                bytes += r.image().coreSize() + r.image().initSize();
            }
        }
        return new Result(order.size(), relocations, bytes, (System.nanoTime() - start) / 1e9);
    }
}
