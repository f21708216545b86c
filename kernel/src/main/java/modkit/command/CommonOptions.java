package modkit.command;

import java.nio.file.Path;
import modkit.kernel.SimulatedKernel;
import modkit.kernel.StateRoot;
import picocli.CommandLine.Option;

/** Options every command takes, after its own name too ({@code insmod --root R m.ko}). */
public final class CommonOptions {
    @Option(names = "--root", paramLabel = "DIR", description = "State directory of the simulated kernel (default: $MODKIT_ROOT, else $XDG_STATE_HOME/modkit)")
    public String root;

    @Option(names = "--debug", description = "Print stack traces of errors")
    public boolean debug;

    public Path stateRoot() {
        return StateRoot.resolve(root);
    }

    /** The simulated kernel under the state root; the first command boots the embedded default. */
    public SimulatedKernel openKernel() {
        return SimulatedKernel.open(stateRoot());
    }
}
