package modkit.depmod;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/** Test trees: the corpus presented as {@code BASE/lib/modules/VERSION}, copies, and running our depmod. */
public final class Trees {
    public static final String CORPUS_VERSION = "6.1.0-56-amd64";

    private Trees() {}

    public static Path corpus() {
        String prop = System.getProperty("modkit.corpus");
        String env = System.getenv("MODKIT_CORPUS");
        Path base = Path.of(prop != null ? prop : env != null ? env : "../shared/corpus");
        Path c = base.resolve("amd64-6.1");
        assumeTrue(Files.isDirectory(c.resolve("kernel")), "module corpus not found at " + c);
        return c;
    }

    /** A root holding {@code lib/modules/VERSION} whose kernel/ and modules.* are links into the corpus. */
    public static Path corpusRoot(Path tmp) throws IOException {
        Path c = corpus();
        Path dir = tmp.resolve("lib/modules/" + CORPUS_VERSION);
        Files.createDirectories(dir);
        for (String f : List.of("kernel", "modules.order", "modules.builtin", "modules.builtin.modinfo")) {
            Files.createSymbolicLink(dir.resolve(f), c.resolve(f).toAbsolutePath());
        }
        return tmp;
    }

    public static void copy(Path from, Path to) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    Files.createDirectories(to.resolve(from.relativize(d).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.copy(f, to.resolve(from.relativize(f).toString()));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files kmod 30 writes too: all but kmod 34's modules.weakdep. */
    public static final java.util.List<String> KMOD30_FILES =
            DepmodOutput.FILES.stream().filter(f -> !f.equals("modules.weakdep")).toList();

    /** depmod -n output without kmod 34's modules.weakdep part, as kmod 30 prints it. */
    public static String withoutWeakdeps(String dryRun) {
        return dryRun.replace("# Weak dependencies extracted from modules themselves.\n", "")
                .lines().filter(l -> !l.startsWith("weakdep ")).map(l -> l + "\n").reduce("", String::concat);
    }
}
