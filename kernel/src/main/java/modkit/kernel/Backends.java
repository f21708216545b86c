package modkit.kernel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import modkit.elf.ModkitException;
import modkit.kernel.linux.LinuxKernel;

/**
 * The one place that chooses a kernel backend: {@code --backend NAME}, else {@code $MODKIT_BACKEND}, else the
 * simulated kernel. A new backend is one entry here; commands only see {@link KernelBackend}.
 */
public final class Backends {
    /** What backends may need to open: the simulated kernel's state directory, the Linux backend's Module.symvers. */
    public record Settings(Path stateRoot, Path symvers) {}

    public static final String DEFAULT = "sim";

    private static final Map<String, Function<Settings, KernelBackend>> OPENERS = new LinkedHashMap<>();

    static {
        OPENERS.put("sim", s -> SimulatedKernel.open(s.stateRoot()));
        OPENERS.put("linux", s -> LinuxKernel.open(s.symvers()));
    }

    private Backends() {}

    /** The backend's name: the option if given, else {@code $MODKIT_BACKEND}, else "sim"; checked. */
    public static String choose(String option) {
        String name = option;
        String from = "--backend";
        if (name == null || name.isEmpty()) {
            name = System.getenv("MODKIT_BACKEND");
            from = "MODKIT_BACKEND";
        }
        if (name == null || name.isEmpty()) {
            return DEFAULT;
        }
        if (!OPENERS.containsKey(name)) {
            throw new ModkitException(from + ": unknown kernel backend '" + name + "'",
                    "choose one of: " + String.join(", ", OPENERS.keySet()));
        }
        return name;
    }

    public static KernelBackend open(String name, Settings settings) {
        return OPENERS.get(choose(name)).apply(settings);
    }
}
