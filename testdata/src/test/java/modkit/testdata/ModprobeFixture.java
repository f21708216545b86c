package modkit.testdata;

import modkit.command.Captured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.cli.Modkit;

/**
 * A root tree for modprobe tests: {@code BASE/lib/modules/6.1.0-56-amd64} made of symlinks to the amd64 corpus
 * (its modules, modules.order and modules.builtin*, and the modules.* files kmod's depmod wrote for it), plus
 * helpers to run a command line in-process and capture what it prints.
 */
final class ModprobeFixture {
    static final String VERSION = "6.1.0-56-amd64";

    record Run(int exit, String out, String err) {}

    private ModprobeFixture() {}

    /** Lays the corpus out under {@code base} and returns the module directory. */
    static Path corpusTree(Path base) {
        Path corpus = TestPaths.corpus("amd64-6.1");
        Path dir = base.resolve("lib/modules/" + VERSION);
        try {
            Files.createDirectories(dir);
            for (String f : List.of("kernel", "modules.order", "modules.builtin", "modules.builtin.modinfo")) {
                Files.createSymbolicLink(dir.resolve(f), corpus.resolve(f));
            }
            try (var files = Files.list(corpus.resolve("expected-kmod"))) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("modules.")).toList()) {
                    Files.createSymbolicLink(dir.resolve(f.getFileName()), f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static Run run(String... args) {
        Captured c = Captured.of(StandardCharsets.UTF_8, false, () -> Modkit.run(args));
        return new Run(c.exit(), c.outText(StandardCharsets.UTF_8), c.errText(StandardCharsets.UTF_8));
    }

    /**
     * {@code modprobe --root STATE --sysroot BASE -S VERSION ARGS...}: BASE holds all a run reads (its modules,
     * etc/modprobe.d, proc/cmdline); kmod's {@code -d} would root the modules only.
     */
    static Run modprobe(Path state, Path base, String... args) {
        List<String> full = new ArrayList<>(List.of("modprobe", "--root=" + state, "--sysroot", base.toString(), "-S", VERSION));
        full.addAll(List.of(args));
        return run(full.toArray(String[]::new));
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
