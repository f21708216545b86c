package modkit.insmod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import modkit.arch.Arches;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.params.ModuleParams;
import modkit.kernel.FileBackend;
import modkit.kernel.ImageBackend;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelException;
import modkit.kernel.LoadTransaction;
import modkit.kernel.ModuleComing;

/**
 * insmod as a library call: read, check and link against the backend's kernel, and load (or, dry, only link).
 * A backend that takes images gets the finished image; a kernel that links modules itself gets the file, after
 * the same checks and a dry link at placeholder addresses have found every problem they can.
 */
public final class Insmod {
    /**
     * A finished load: the link (for a kernel that links modules itself, the dry link at placeholder addresses, or
     * null where modkit cannot link that architecture), and the init memory the kernel freed after init (0 for a
     * dry run, and where the kernel does not say).
     */
    public record Outcome(LinkResult link, long initBytesFreed) {}

    private Insmod() {}

    public static LinkResult load(Path file, KernelBackend kernel, LinkOptions opts, boolean dryRun) {
        return load(ObjectFile.read(file), kernel, opts, dryRun);
    }

    public static LinkResult load(ObjectFile obj, KernelBackend kernel, LinkOptions opts, boolean dryRun) {
        return run(obj, kernel, opts, dryRun, w -> System.err.println("modkit: kernel: " + w)).link();
    }

    public static Outcome run(ObjectFile obj, KernelBackend kernel, LinkOptions opts, boolean dryRun, Consumer<String> warn) {
        if (kernel instanceof FileBackend) {
            refuseImageFlags(opts.flags());
        }
        if (kernel instanceof FileBackend k && Arches.byName(k.profile().arch()) == null) {
            // modkit cannot link this arch: the kernel's own checks are all there is.
            if (!dryRun) {
                k.insert(obj, opts.params(), opts.forceVermagic(), opts.forceModversion());
            }
            return new Outcome(null, 0);
        }
        return run(Linker.prepare(obj, kernel.profile(), opts), kernel, dryRun, warn);
    }

    /** Like {@link #load(ObjectFile, KernelBackend, LinkOptions, boolean)} for a module prepared ahead. */
    public static LinkResult load(PreparedModule prepared, KernelBackend kernel, boolean dryRun) {
        return run(prepared, kernel, dryRun, w -> System.err.println("modkit: kernel: " + w)).link();
    }

    /** {@link #run(ObjectFile, KernelBackend, LinkOptions, boolean, Consumer)} for a module prepared ahead. */
    public static Outcome run(PreparedModule prepared, KernelBackend kernel, boolean dryRun, Consumer<String> warn) {
        return switch (kernel) {
            case ImageBackend k -> linkAndCommit(prepared, k, dryRun, warn);
            case FileBackend k -> checkAndInsert(prepared, k, dryRun, warn);
        };
    }

    /**
     * Links into the image backend and commits. A symbol that resolves to a module still in its init makes the
     * whole link wait (without holding the kernel's lock) and start again, as {@code resolve_symbol_wait} does;
     * if that init fails, the retry reports the symbol as unknown.
     */
    private static Outcome linkAndCommit(PreparedModule prepared, ImageBackend kernel, boolean dryRun, Consumer<String> warn) {
        ObjectFile obj = prepared.original();
        LinkOptions opts = prepared.opts();
        long deadline = System.currentTimeMillis() + KernelBackend.COMING_WAIT_MILLIS;
        PreparedModule next = prepared;
        while (true) {
            try (LoadTransaction tx = kernel.beginLoad(ModutilsMarks.loadName(obj, opts.flags()))) {
                PreparedModule attempt = next != null ? next : Linker.prepare(obj, kernel.profile(), opts);
                next = null;
                try {
                    LinkResult r = Linker.link(attempt, tx);
                    r = ModuleParams.apply(r, kernel.profile(), tx, opts.params(), warn);
                    ModutilsMarks.Applied marked = ModutilsMarks.apply(r, opts.flags());
                    r = marked.link();
                    long freed = dryRun ? 0 : tx.commit(r.image(), marked.marks());
                    return new Outcome(r, freed);
                } catch (ModuleComing busy) {
                    throw busy;
                } catch (RuntimeException failed) {
                    // Past the checks, the kernel has tainted itself with the module's letters: they stay.
                    if (!dryRun) {
                        tx.keepTaints(attempt.taints().toString());
                    }
                    throw failed;
                }
            } catch (ModuleComing busy) {
                if (!kernel.awaitNotComing(busy.module(), deadline)) {
                    throw new KernelException("EBUSY", obj.file() + ": gave up waiting for init of module " + busy.module()
                            + " (" + KernelBackend.COMING_WAIT_MILLIS / 1000 + " s)", "see it with: modkit sim proc-modules");
                }
            }
        }
    }

    /**
     * -o, -x, -S and -Y change the image modkit hands over; a kernel that loads the module file itself gets the file
     * as it is (rewriting it would also break its signature), so they are refused rather than silently dropped.
     */
    private static void refuseImageFlags(LoadFlags f) {
        List<String> given = new ArrayList<>();
        if (f.name() != null) {
            given.add("-o/--name");
        }
        if (f.noExport()) {
            given.add("-x/--noexport");
        }
        if (f.kallsyms()) {
            given.add("-S/--kallsyms");
        }
        if (f.ksymoops()) {
            given.add("-Y/--ksymoops");
        }
        if (!given.isEmpty()) {
            throw new ModkitException(String.join(", ", given) + (given.size() == 1 ? " changes" : " change") + " the image modkit loads, and this kernel loads the"
                    + " module file itself", "use them with the simulated kernel (--backend sim)");
        }
    }

    /**
     * The dry link against the live kernel (every unknown symbol, CRC, licence and namespace problem, and the
     * parameters), then the kernel is asked to load the file itself.
     */
    private static Outcome checkAndInsert(PreparedModule prepared, FileBackend kernel, boolean dryRun, Consumer<String> warn) {
        ObjectFile obj = prepared.original();
        LinkOptions opts = prepared.opts();
        LinkResult r;
        try (LoadTransaction tx = kernel.preflight(obj.moduleName())) {
            r = Linker.link(prepared, tx);
            r = ModuleParams.apply(r, kernel.profile(), tx, opts.params(), warn);
        }
        if (!dryRun) {
            kernel.insert(obj, opts.params(), opts.forceVermagic(), opts.forceModversion());
        }
        return new Outcome(r, 0);
    }
}
