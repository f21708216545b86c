package modkit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code modkit sim ...}: the simulated kernel itself. */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "The simulated kernel.",
        subcommands = {SimCommand.Boot.class})
public final class SimCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "boot", mixinStandardHelpOptions = true,
            description = "Start a fresh simulated kernel (no modules loaded).")
    static final class Boot implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--kernel", paramLabel = "PROFILE", description = "Kernel profile (default: the embedded Debian 6.1.0-56-amd64)")
        Path kernel;

        @Override
        public Integer call() {
            KernelProfile p = kernel == null ? ProfileFile.embeddedDefault() : ProfileFile.read(kernel);
            try (SimulatedKernel k = SimulatedKernel.boot(common.stateRoot(), p)) {
                System.out.println("booted " + p.arch() + " " + p.release() + " (" + p.symbols().size()
                        + " exported symbols) under " + common.stateRoot());
            }
            return 0;
        }
    }
}
