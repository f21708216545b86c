package modkit.testdata;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's test data and the module corpus are. */
public final class TestPaths {
    private TestPaths() {}

    public static Path project() {
        String p = System.getProperty("modkit.project");
        return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
    }

    public static Path testdata() {
        return project().resolve("testdata");
    }

    /**
     * The module corpus: {@code -Dmodkit.corpus=DIR} or {@code $MODKIT_CORPUS}, default ../shared/corpus beside the
     * project. A test that needs a part of it that is missing is skipped with the reason.
     */
    public static Path corpus(String sub) {
        Path dir = corpusBase().resolve(sub).normalize();
        assumeTrue(Files.isDirectory(dir), "module corpus not found at " + dir + " (set -Dmodkit.corpus=DIR or MODKIT_CORPUS)");
        return dir;
    }

    private static Path corpusBase() {
        String env = System.getenv("MODKIT_CORPUS");
        String prop = System.getProperty("modkit.corpus");
        return (env != null && !env.isEmpty() ? Path.of(env) : prop != null ? Path.of(prop) : project().resolve("../shared/corpus"))
                .toAbsolutePath().normalize();
    }

    /** A real kernel to boot (../shared/kernels/SUB, beside the corpus); a test without it is skipped with the reason. */
    public static Path kernel(String sub) {
        Path dir = corpusBase().resolveSibling("kernels").resolve(sub);
        assumeTrue(Files.isDirectory(dir), "real kernel not found at " + dir + " (it sits beside the module corpus)");
        return dir;
    }
}
