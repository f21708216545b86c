package modkit.kernel;

import java.nio.file.Path;
import modkit.elf.Invocation;

/**
 * Where the simulated kernel keeps its state: {@code --root DIR}, else {@code $MODKIT_ROOT}, else
 * {@code $XDG_STATE_HOME/modkit}, else {@code ~/.local/state/modkit}.
 */
public final class StateRoot {
    private StateRoot() {}

    public static Path resolve(String option) {
        if (option != null && !option.isEmpty()) {
            return Path.of(option);
        }
        String env = Invocation.getenv("MODKIT_ROOT");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        String xdg = Invocation.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "modkit");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "modkit");
    }
}
