package modkit.modprobe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import modkit.elf.Invocation;
import modkit.elf.ModkitException;

/**
 * Runs an install or remove command the way kmod does ({@code system(3)}): through {@code /bin/sh -c}, with
 * {@code MODPROBE_MODULE} set to the module's name. The command's output goes to modprobe's own streams.
 */
final class ShellCommand {
    private ShellCommand() {}

    /** Replaces every {@code $CMDLINE_OPTS} with the options, as kmod does before the shell sees the command. */
    static String expand(String command, String options) {
        return command.replace("$CMDLINE_OPTS", options == null ? "" : options);
    }

    static int run(String command, Map<String, String> env, PrintStream out, PrintStream err) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        // (the running command's environment: under the resident server, its client's, not the server's)
        pb.environment().clear();
        pb.environment().putAll(Invocation.environment());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ModkitException("could not run /bin/sh: " + e.getMessage());
        }
        // Both streams are copied on threads of their own, so that this one waits where an interrupt reaches it.
        Thread outCopy = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
        Thread errCopy = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        try {
            int code = p.waitFor();
            outCopy.join();
            errCopy.join();
            return code;
        } catch (InterruptedException e) {
            // (the resident server's client went away: what a Ctrl-C would have ended in a JVM of its own ends here)
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            Thread.currentThread().interrupt();
            throw new ModkitException("interrupted while running: " + command);
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        try (in) {
            in.transferTo(out);
            out.flush();
        } catch (IOException e) {
            // The command's output is best effort; its exit code is what counts.
        }
    }
}
