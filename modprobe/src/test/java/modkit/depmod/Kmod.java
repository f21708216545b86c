package modkit.depmod;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the installed kmod (depmod, modprobe, modinfo through links named after them) for comparison tests. Tests
 * call {@link #assumeInstalled} first, so they are skipped, with the reason, where kmod is absent.
 */
public final class Kmod {
    public static final Path KMOD = Path.of("/usr/bin/kmod");
    private static Path links;

    /** What one run printed. */
    public record Run(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private Kmod() {}

    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(KMOD), "kmod is not installed at " + KMOD);
    }

    public static synchronized Run run(String tool, List<String> args) {
        try {
            if (links == null) {
                links = Files.createTempDirectory("kmod-links");
                for (String t : List.of("depmod", "modprobe", "modinfo")) {
                    Files.createSymbolicLink(links.resolve(t), KMOD);
                }
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(links.resolve(tool).toString());
            cmd.addAll(args);
            Path out = Files.createTempFile("kmod", ".out");
            Path err = Files.createTempFile("kmod", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = p.waitFor();
            Run r = new Run(exit, Files.readAllBytes(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An empty directory to pass as {@code -C}, so kmod reads no depmod.d or modprobe.d of this host. */
    public static Path emptyConfig() {
        try {
            return Files.createTempDirectory("kmod-empty-config");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
