package modkit.modprobe;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.Linker;
import modkit.insmod.PreparedModule;
import modkit.kernel.KernelException;
import modkit.kernel.KernelProfile;
import modkit.kernel.MemoryKernel;
import modkit.moddir.ModulesDep;

/**
 * Links every module of a tree in one process, dependencies first, against an in-memory kernel: the loads are
 * real (each module's exports serve the next), nothing is written.
 *
 * <p>Reading, checking, laying out and scanning a module does not depend on what is loaded, so worker threads
 * prepare modules ahead while this thread links them one by one in dependency order.
 *
 * <p>A module that fails is counted with its error and the pass goes on (the modules that need it then fail
 * too, with their own errors). A whole tree does not fit in every kernel's module area at once (i386's is
 * 112 MB, Debian's 686 tree needs more): when the area is full, the pass starts a fresh kernel, as a reboot
 * would, and retries the module there; from then on, each module's dependencies that the fresh kernel lacks are
 * loaded into it again first (not counted again).
 */
public final class LinkBench {
    /** How many modules may be prepared ahead of the one being linked. */
    private static final int WINDOW = 32;

    /** A module that did not link, and why (the error's one line). */
    public record Failure(String module, String message) {}

    /**
     * What one pass linked: {@code relocations} and {@code bytes} count each module's first link only;
     * {@code kernels} is 1 plus the number of fresh kernels the module area made necessary.
     */
    public record Result(int modules, long relocations, long bytes, double seconds, List<Failure> failures, int kernels,
            int warnings) {
        public double relocationsPerSecond() {
            return relocations / seconds;
        }

        public int linked() {
            return modules - failures.size();
        }
    }

    private LinkBench() {}

    public static Result run(ModulesDep dep, KernelProfile profile) {
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        return run(dep, profile, workers, w -> {});
    }

    /**
     * With {@code workers} threads preparing; 0 prepares each module on this thread just before it links.
     * {@code warn} gets the kernel's warnings (a relocation it truncates, say), each prefixed with the module.
     */
    public static Result run(ModulesDep dep, KernelProfile profile, int workers, Consumer<String> warn) {
        List<String> order = dep.loadOrder();
        long start = System.nanoTime();
        long relocations = 0;
        long bytes = 0;
        List<Failure> failures = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        Set<String> inKernel = new HashSet<>();
        int[] warnings = {0};
        int kernels = 1;
        ExecutorService pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "modkit-prepare");
            t.setDaemon(true);
            return t;
        });
        MemoryKernel kernel = new MemoryKernel(profile);
        try {
            ArrayDeque<CompletableFuture<PreparedModule>> ahead = new ArrayDeque<>();
            int next = 0;
            for (int i = 0; i < order.size(); i++) {
                while (pool != null && next < order.size() && ahead.size() < WINDOW) {
                    Path p = dep.path(order.get(next++));
                    ahead.add(CompletableFuture.supplyAsync(() -> prepare(p, profile), pool));
                }
                String relpath = order.get(i);
                Consumer<String> w = s -> {
                    warnings[0]++;
                    warn.accept(relpath + ": " + s);
                };
                try {
                    PreparedModule m = pool == null ? prepare(dep.path(relpath), profile) : join(ahead.poll());
                    LinkResult r;
                    try {
                        if (kernels > 1) {
                            reloadDependencies(dep, relpath, failed, inKernel, kernel, profile);
                        }
                        r = Insmod.run(m, kernel, false, w).link();
                    } catch (KernelException e) {
                        if (!e.errno().equals("ENOMEM") || inKernel.isEmpty()) {
                            throw e;
                        }
                        kernel.close();
                        kernel = new MemoryKernel(profile);
                        inKernel.clear();
                        kernels++;
                        reloadDependencies(dep, relpath, failed, inKernel, kernel, profile);
                        r = Insmod.run(prepare(dep.path(relpath), profile), kernel, false, w).link();
                    }
                    inKernel.add(relpath);
                    relocations += r.relocations();
                    bytes += r.image().coreSize() + r.image().initSize();
                } catch (ModkitException e) {
                    failures.add(new Failure(relpath, e.getMessage()));
                    failed.add(relpath);
                }
            }
        } finally {
            kernel.close();
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return new Result(order.size(), relocations, bytes, (System.nanoTime() - start) / 1e9, List.copyOf(failures),
                kernels, warnings[0]);
    }

    /** Loads into a fresh kernel what a module's modules.dep line lists and it lacks, the most basic first. */
    private static void reloadDependencies(ModulesDep dep, String relpath, Set<String> failed, Set<String> inKernel,
            MemoryKernel kernel, KernelProfile profile) {
        List<String> d = dep.dependencies(relpath);
        for (int j = d.size() - 1; j >= 0; j--) {
            String x = d.get(j);
            if (!failed.contains(x) && !inKernel.contains(x)) {
                Insmod.run(prepare(dep.path(x), profile), kernel, false, s -> {}).link();
                inKernel.add(x);
            }
        }
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
