package modkit.insmod;

import java.nio.file.Path;
import java.util.function.Consumer;
import modkit.elf.ObjectFile;
import modkit.insmod.params.ModuleParams;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelException;
import modkit.kernel.LoadTransaction;
import modkit.kernel.ModuleComing;

/** insmod as a library call: read, link against the backend's kernel, and load (or, dry, only link). */
public final class Insmod {
    /** A finished load: the link, and the init memory the kernel freed after init (0 for a dry run). */
    public record Outcome(LinkResult link, long initBytesFreed) {}

    private Insmod() {}

    public static LinkResult load(Path file, KernelBackend kernel, LinkOptions opts, boolean dryRun) {
        return load(ObjectFile.read(file), kernel, opts, dryRun);
    }

    public static LinkResult load(ObjectFile obj, KernelBackend kernel, LinkOptions opts, boolean dryRun) {
        return run(obj, kernel, opts, dryRun, w -> System.err.println("modkit: kernel: " + w)).link();
    }

    /**
     * Links {@code obj} and, unless dry, loads it. A symbol that resolves to a module still in its init makes the
     * whole link wait (without holding the kernel's lock) and start again, as {@code resolve_symbol_wait} does;
     * if that init fails, the retry reports the symbol as unknown.
     */
    public static Outcome run(ObjectFile obj, KernelBackend kernel, LinkOptions opts, boolean dryRun, Consumer<String> warn) {
        return run(Linker.prepare(obj, kernel.profile(), opts), kernel, dryRun, warn);
    }

    /** Like {@link #load(ObjectFile, KernelBackend, LinkOptions, boolean)} for a module prepared ahead. */
    public static LinkResult load(PreparedModule prepared, KernelBackend kernel, boolean dryRun) {
        return run(prepared, kernel, dryRun, w -> System.err.println("modkit: kernel: " + w)).link();
    }

    /** {@link #run(ObjectFile, KernelBackend, LinkOptions, boolean, Consumer)} for a module prepared ahead. */
    public static Outcome run(PreparedModule prepared, KernelBackend kernel, boolean dryRun, Consumer<String> warn) {
        ObjectFile obj = prepared.original();
        LinkOptions opts = prepared.opts();
        long deadline = System.currentTimeMillis() + KernelBackend.COMING_WAIT_MILLIS;
        PreparedModule next = prepared;
        while (true) {
            try (LoadTransaction tx = kernel.beginLoad(obj.moduleName())) {
                PreparedModule attempt = next != null ? next : Linker.prepare(obj, kernel.profile(), opts);
                next = null;
                LinkResult r = Linker.link(attempt, tx);
                r = ModuleParams.apply(r, kernel.profile(), tx, opts.params(), warn);
                long freed = dryRun ? 0 : tx.commit(r.image());
                return new Outcome(r, freed);
            } catch (ModuleComing busy) {
                if (!kernel.awaitNotComing(busy.module(), deadline)) {
                    throw new KernelException("EBUSY", obj.file() + ": gave up waiting for init of module " + busy.module()
                            + " (" + KernelBackend.COMING_WAIT_MILLIS / 1000 + " s)", "see it with: modkit sim proc-modules");
                }
            }
        }
    }
}
