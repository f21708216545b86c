package modkit.kernel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import modkit.elf.Invocation;
import modkit.elf.ModkitException;
import modkit.kernel.linux.LinuxKernel;

/**
 * The one place that chooses a kernel backend: {@code --backend NAME}, else {@code $MODKIT_BACKEND}, else the
 * simulated kernel. A new backend is one entry here; commands only see {@link KernelBackend}.
 */
public final class Backends {
    /**
     * What backends may need to open: the simulated kernel's state directory; the Linux backend's Module.symvers
     * and the directory its /proc, /sys and /lib/modules are under (null: the real ones; modprobe {@code --sysroot}).
     */
    public record Settings(Path stateRoot, Path symvers, Path sysroot) {
        public Settings(Path stateRoot, Path symvers) {
            this(stateRoot, symvers, null);
        }
    }

    /** The simulated kernel's name, which is also the default. */
    public static final String SIMULATED = "sim";
    public static final String DEFAULT = SIMULATED;

    private static final Map<String, Function<Settings, KernelBackend>> OPENERS = new LinkedHashMap<>();

    static {
        OPENERS.put(SIMULATED, s -> SimulatedKernel.open(s.stateRoot()));
        OPENERS.put("linux", s -> LinuxKernel.open(s.symvers(), s.sysroot()));
    }

    private Backends() {}

    /** The backend's name: the option if given, else {@code $MODKIT_BACKEND}, else "sim"; checked. */
    public static String choose(String option) {
        String name = option;
        String from = "--backend";
        if (name == null || name.isEmpty()) {
            name = Invocation.getenv("MODKIT_BACKEND");
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

    /**
     * The simulated kernel, for {@code command}, which works on no other backend: refuses, in one line, when
     * {@code name} (or $MODKIT_BACKEND) chooses another.
     */
    public static SimulatedKernel openSimulated(String name, Settings settings, String command) {
        requireSimulated(name, command);
        return SimulatedKernel.open(settings.stateRoot());
    }

    /** Refuses, in one line, to run {@code command} (which works on the simulated kernel only) on another backend. */
    public static void requireSimulated(String name, String command) {
        String chosen = choose(name);
        if (!chosen.equals(SIMULATED)) {
            throw new ModkitException(command + " works on the simulated kernel only, and the backend is " + chosen);
        }
    }

    /**
     * A kernel of {@code profile} with nothing loaded, in memory and thrown away on close: a dry-run link against
     * another kernel's symbols and addresses ({@code insmod -n --kernel PROFILE}).
     */
    public static KernelBackend throwaway(KernelProfile profile) {
        return new MemoryKernel(profile);
    }
}
