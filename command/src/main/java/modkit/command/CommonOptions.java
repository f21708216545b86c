package modkit.command;

import java.nio.file.Path;
import java.util.List;
import modkit.kernel.Backends;
import modkit.kernel.KernelBackend;
import modkit.kernel.SimulatedKernel;
import modkit.kernel.StateRoot;
import picocli.CommandLine.Option;

/** Options every command takes, after its own name too ({@code insmod --root R m.ko}). */
public final class CommonOptions {
    // The same options for the picocli commands (these annotations) and the kmod tools (OPTIONS, OptionTable);
    // OptionTableTest holds the two to each other.
    private static final String BACKEND_HELP = "Kernel to work on: the simulated kernel (default) or the running Linux kernel (default: $MODKIT_BACKEND, else sim)";
    private static final String ROOT_HELP = "State directory of the simulated kernel (default: $MODKIT_ROOT, else $XDG_STATE_HOME/modkit)";
    private static final String SYMVERS_HELP = "Linux backend: the running kernel's Module.symvers (.gz too), for the symbol version checks";
    private static final String DEBUG_HELP = "Print stack traces of errors";

    public static final OptionTable.Opt BACKEND = OptionTable.Opt.value("sim|linux", BACKEND_HELP, "--backend");
    public static final OptionTable.Opt ROOT = OptionTable.Opt.value("DIR", ROOT_HELP, "--root");
    public static final OptionTable.Opt SYMVERS = OptionTable.Opt.file("FILE", SYMVERS_HELP, "--symvers");
    public static final OptionTable.Opt DEBUG = OptionTable.Opt.flag(DEBUG_HELP, "--debug");

    /** The common options of a command declared with {@link OptionTable}. */
    public static final List<OptionTable.Opt> OPTIONS = List.of(BACKEND, ROOT, SYMVERS, DEBUG);

    @Option(names = "--backend", paramLabel = "sim|linux", description = BACKEND_HELP)
    public String backend;

    @Option(names = "--root", paramLabel = "DIR", description = ROOT_HELP)
    public String root;

    @Option(names = "--symvers", paramLabel = "FILE", description = SYMVERS_HELP)
    public Path symvers;

    @Option(names = "--debug", description = DEBUG_HELP)
    public boolean debug;

    /** These options, then a command's own. */
    public static List<OptionTable.Opt> with(OptionTable.Opt... own) {
        List<OptionTable.Opt> all = new java.util.ArrayList<>(OPTIONS);
        all.addAll(List.of(own));
        return all;
    }

    /** The common options of a command line read through an {@link OptionTable}. */
    public static CommonOptions of(OptionTable.Args args) {
        CommonOptions c = new CommonOptions();
        c.backend = args.value(BACKEND);
        c.root = args.value(ROOT);
        String symvers = args.value(SYMVERS);
        c.symvers = symvers == null ? null : Path.of(symvers);
        c.debug = args.has(DEBUG);
        return c;
    }

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
