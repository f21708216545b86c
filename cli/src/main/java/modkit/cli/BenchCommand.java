package modkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.modprobe.LinkBench;
import modkit.moddir.ModulesDep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modkit bench DIR}: links every module of a tree in one process, dependencies first, dry. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Link every module of a module tree (modules.dep order) in one process and print the rate.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--debug", description = "Print stack traces of errors")
    boolean debug;

    @Parameters(paramLabel = "DIR", description = "Module directory holding modules.dep (e.g. /lib/modules/R)")
    Path dir;

    @Option(names = "--modules-dep", paramLabel = "FILE", description = "modules.dep to use (default: DIR/modules.dep)")
    Path modulesDep;

    @Option(names = "--kernel", paramLabel = "PROFILE", description = "Kernel profile (default: the embedded one)")
    Path kernel;

    @Option(names = "--rounds", description = "Passes over the tree; the last is reported (earlier ones warm up the JIT)")
    int rounds = 5;

    @Option(names = {"-v", "--verbose"}, description = "Print the kernel's warnings (relocations it truncates, ...)")
    boolean verbose;

    @Override
    public Integer call() {
        KernelProfile p = kernel == null ? ProfileFile.embeddedDefault() : ProfileFile.read(kernel);
        Path depFile = modulesDep != null ? modulesDep : dir.resolve("modules.dep");
        if (!Files.exists(depFile) && modulesDep == null) {
            depFile = dir.resolve("expected-kmod/modules.dep");
        }
        ModulesDep dep = ModulesDep.read(depFile, dir);
        LinkBench.Result r = null;
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        for (int i = 0; i < rounds; i++) {
            // Warnings of the last pass only: every pass gives the same ones.
            boolean last = i == rounds - 1;
            r = LinkBench.run(dep, p, workers, w -> {
                if (verbose && last) {
                    System.err.println("bench: warning: " + w);
                }
            });
            System.out.printf("round %d: %d modules, %d relocations, %.3f s, %.0f relocations/s%n", i + 1, r.modules(),
                    r.relocations(), r.seconds(), r.relocationsPerSecond());
        }
        for (LinkBench.Failure f : r.failures()) {
            System.err.println("bench: " + f.module() + ": " + f.message());
        }
        System.out.printf("modules %d  linked %d  failed %d  warnings %d  kernels %d  relocations %d  seconds %.3f"
                + "  relocations/s %.0f%n", r.modules(), r.linked(), r.failures().size(), r.warnings(), r.kernels(),
                r.relocations(), r.seconds(), r.relocationsPerSecond());
        return r.failures().isEmpty() ? 0 : 1;
    }
}
