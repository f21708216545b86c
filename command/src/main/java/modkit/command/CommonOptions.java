package modkit.command;

import java.nio.file.Path;
import modkit.kernel.Backends;
import modkit.kernel.KernelBackend;
import modkit.kernel.SimulatedKernel;
import modkit.kernel.StateRoot;
import picocli.CommandLine.Option;

/** Options every command takes, after its own name too ({@code insmod --root R m.ko}). */
public final class CommonOptions {
    @Option(names = "--backend", paramLabel = "sim|linux",
            description = "Kernel to work on: the simulated kernel (default) or the running Linux kernel (default: $MODKIT_BACKEND, else sim)")
    public String backend;

    @Option(names = "--root", paramLabel = "DIR", description = "State directory of the simulated kernel (default: $MODKIT_ROOT, else $XDG_STATE_HOME/modkit)")
    public String root;

    @Option(names = "--symvers", paramLabel = "FILE",
            description = "Linux backend: the running kernel's Module.symvers (.gz too), for the symbol version checks")
    public Path symvers;

    @Option(names = "--debug", description = "Print stack traces of errors")
    public boolean debug;

    public Path stateRoot() {
        return StateRoot.resolve(root);
    }

    /** The chosen backend; the simulated kernel boots the embedded default on its first use. */
    public KernelBackend openKernel() {
        return Backends.open(backend, settings());
    }

    /** The chosen backend, which reads the kernel's files under {@code sysroot} where it reads any (modprobe --sysroot). */
    public KernelBackend openKernel(Path sysroot) {
        return Backends.open(backend, new Backends.Settings(stateRoot(), symvers, sysroot));
    }

    /** For commands of the simulated kernel alone ({@code sim ...}): refuses, in one line, any other backend. */
    public void requireSimulated(String command) {
        Backends.requireSimulated(backend, command);
    }

    /** The simulated kernel, for {@code command}, which works on no other backend. */
    public SimulatedKernel openSimulated(String command) {
        return Backends.openSimulated(backend, settings(), command);
    }

    private Backends.Settings settings() {
        return new Backends.Settings(stateRoot(), symvers);
    }
}
