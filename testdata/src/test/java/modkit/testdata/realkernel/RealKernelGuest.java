package modkit.testdata.realkernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import modkit.testdata.InProcess;

/**
 * Runs inside the guest, as root on the real kernel: plays every transcript of testdata/realkernel in one JVM (a
 * JVM start costs seconds under TCG) and writes what each command printed to WORK/actual/NAME, for the host to
 * compare. In a transcript, "$ CMD" is a modkit command run in this JVM; "$ ! CMD" a shell command (kmod's own
 * lsmod, cat of /proc and /sys files, dmesg). {@code <corpus>}, {@code <work>} and {@code <project>} stand for the
 * amd64 corpus, the work directory and the project; module addresses print as {@code <address>}, since freed init memory is reused as soon as
 * the kernel's workqueue gets to it.
 */
public final class RealKernelGuest {
    private final Path corpus;
    private final Path work;
    private final Path project;

    private RealKernelGuest(Path corpus, Path work, Path project) {
        this.corpus = corpus;
        this.work = work;
        this.project = project;
    }

    /** Arguments: the transcript directory, the corpus (amd64-6.1), the work directory, the project. */
    public static void main(String[] args) throws IOException {
        Path scenarios = Path.of(args[0]);
        RealKernelGuest g = new RealKernelGuest(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
        Path actual = g.work.resolve("actual");
        Files.createDirectories(actual);
        List<Path> files;
        try (Stream<Path> s = Files.list(scenarios)) {
            files = s.filter(p -> p.toString().endsWith(".scn")).sorted().toList();
        }
        for (Path f : files) {
            long start = System.nanoTime();
            Files.writeString(actual.resolve(f.getFileName()), g.play(f));
            System.out.printf("%s: %.1f s%n", f.getFileName(), (System.nanoTime() - start) / 1e9);
        }
        Files.writeString(g.work.resolve("done"), "ok\n");
    }

    private String play(Path transcript) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(transcript)) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("$ ")) {
                out.append(line).append('\n').append(normalise(run(line.substring(2).trim())));
            }
        }
        return out.toString();
    }

    private String run(String command) {
        String expanded = command.replace("<corpus>", corpus.toString()).replace("<work>", work.toString())
                .replace("<project>", project.toString());
        if (expanded.startsWith("! ")) {
            return shell(expanded.substring(2));
        }
        try {
            return InProcess.run(Arrays.asList(expanded.split("\\s+")));
        } catch (RuntimeException | Error e) {
            return "[crashed: " + e + "]\n";
        }
    }

    private static String shell(String command) {
        GuestShell r = GuestShell.run(command);
        return r.output() + (r.exit() == 0 ? "" : "[exit " + r.exit() + "]\n");
    }

    private String normalise(String s) {
        return s.replace(corpus.toString(), "<corpus>").replace(work.toString(), "<work>").replace(project.toString(), "<project>")
                .replaceAll("0xffffffffc0[0-9a-f]{6}", "<address>");
    }

    /** Scenario names in the order the guest plays them. */
    static List<String> names(Path scenarios) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(scenarios)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".scn")).sorted().forEach(out::add);
        }
        return out;
    }
}
