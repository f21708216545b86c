package modkit.elf;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the running command was started with: its environment and its working directory. Normally those of this
 * process. The resident server (modkit server) runs one command at a time for clients that were started elsewhere,
 * and sets the client's here for the length of each command, so code that reads an environment variable or makes a
 * path absolute must ask this class, not {@link System#getenv} or {@link Path#toAbsolutePath} (the JDK's idea of
 * the working directory is fixed when the JVM starts; the server changes the process's own with chdir, which relative
 * paths opened by the system follow).
 */
public final class Invocation {
    /** Set in a child's environment by the server: a modkit started by a command the server runs must not wait for it. */
    public static final String IN_SERVER = "MODKIT_IN_SERVER";

    private static volatile Invocation current;

    private final Map<String, String> environment;
    private final Path workingDirectory;

    /**
     * @param environment the client's whole environment
     * @param workingDirectory the client's working directory (absolute)
     */
    public Invocation(Map<String, String> environment, Path workingDirectory) {
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException("working directory must be absolute: " + workingDirectory);
        }
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
    }

    /** Makes {@code inv} the running command's (null: this process's own again). One command at a time. */
    public static void set(Invocation inv) {
        current = inv;
    }

    /** An environment variable of the running command, or null. */
    public static String getenv(String name) {
        Invocation inv = current;
        return inv == null ? System.getenv(name) : inv.environment.get(name);
    }

    /** The environment for a child process the running command starts. */
    public static Map<String, String> environment() {
        Invocation inv = current;
        if (inv == null) {
            return System.getenv();
        }
        java.util.HashMap<String, String> env = new java.util.HashMap<>(inv.environment);
        env.put(IN_SERVER, "1");
        return env;
    }

    /** The running command's working directory, absolute. */
    public static Path workingDirectory() {
        Invocation inv = current;
        return inv == null ? Path.of("").toAbsolutePath() : inv.workingDirectory;
    }

    /** {@code p} made absolute against the running command's working directory. */
    public static Path absolute(Path p) {
        return p.isAbsolute() ? p : workingDirectory().resolve(p);
    }
}
