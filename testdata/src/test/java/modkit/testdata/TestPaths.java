package modkit.testdata;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's test data and the module corpus are. */
final class TestPaths {
    private TestPaths() {}

    static Path project() {
        String p = System.getProperty("modkit.project");
        return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
    }

    static Path testdata() {
        return project().resolve("testdata");
    }

    /**
     * The module corpus: {@code -Dmodkit.corpus=DIR} or {@code $MODKIT_CORPUS}, default ../shared/corpus beside the
     * project. A test that needs a part of it that is missing is skipped with the reason.
     */
    static Path corpus(String sub) {
        String env = System.getenv("MODKIT_CORPUS");
        String prop = System.getProperty("modkit.corpus");
        Path base = env != null && !env.isEmpty() ? Path.of(env) : prop != null ? Path.of(prop) : project().resolve("../shared/corpus");
        Path dir = base.resolve(sub).normalize();
        assumeTrue(Files.isDirectory(dir), "module corpus not found at " + dir + " (set -Dmodkit.corpus=DIR or MODKIT_CORPUS)");
        return dir;
    }
}
