package modkit.modprobe;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.Linker;
import modkit.insmod.PreparedModule;
import modkit.kernel.KernelProfile;
import modkit.kernel.MemoryKernel;

/**
 * Links every module of a tree in one process, dependencies first, against an in-memory kernel: the loads are
 * real (each module's exports serve the next), nothing is written.
 *
 * <p>Reading, checking, laying out and scanning a module does not depend on what is loaded, so worker threads
 * prepare modules ahead while this thread links them one by one in dependency order.
 */
public final class LinkBench {
    /** How many modules may be prepared ahead of the one being linked. */
    private static final int WINDOW = 32;

    /** What one pass linked. */
    public record Result(int modules, long relocations, long bytes, double seconds) {
        public double relocationsPerSecond() {
            return relocations / seconds;
        }
    }

    private LinkBench() {}

    public static Result run(ModulesDep dep, KernelProfile profile) {
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        return run(dep, profile, workers);
    }

    /** With {@code workers} threads preparing; 0 prepares each module on this thread just before it links. */
    public static Result run(ModulesDep dep, KernelProfile profile, int workers) {
        List<String> order = dep.loadOrder();
        long start = System.nanoTime();
        long relocations = 0;
        long bytes = 0;
        ExecutorService pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "modkit-prepare");
            t.setDaemon(true);
            return t;
        });
        try (MemoryKernel kernel = new MemoryKernel(profile)) {
            ArrayDeque<CompletableFuture<PreparedModule>> ahead = new ArrayDeque<>();
            int next = 0;
            for (int i = 0; i < order.size(); i++) {
                while (pool != null && next < order.size() && ahead.size() < WINDOW) {
                    Path p = dep.path(order.get(next++));
                    ahead.add(CompletableFuture.supplyAsync(() -> prepare(p, profile), pool));
                }
                PreparedModule m = pool == null ? prepare(dep.path(order.get(i)), profile) : join(ahead.poll());
                LinkResult r = Insmod.load(m, kernel, false);
                relocations += r.relocations();
                bytes += r.image().coreSize() + r.image().initSize();
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return new Result(order.size(), relocations, bytes, (System.nanoTime() - start) / 1e9);
    }

    private static PreparedModule prepare(Path p, KernelProfile profile) {
        return Linker.prepare(ObjectFile.read(p), profile, LinkOptions.DEFAULT);
    }

    private static PreparedModule join(CompletableFuture<PreparedModule> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the module's own error line, as a one-thread run would give it
            }
            throw e;
        }
    }
}
