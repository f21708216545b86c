package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios in testdata/modprobe: configuration plus arguments, and what kmod 30's modprobe printed for them
 * (gen-kmod-expected.sh). modkit's modprobe must print the same and exit the same.
 */
class ModprobeKmodScenarioTest {
    private static final String MARKER = "# End of configuration files. Dumping indexes now:";

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> scenarios() throws IOException {
        Path base = tmp.resolve("base");
        ModprobeFixture.corpusTree(base);
        List<Path> dirs;
        try (Stream<Path> s = Files.list(TestPaths.testdata().resolve("modprobe"))) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : dirs) {
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(base, dir)));
        }
        return tests;
    }

    private void check(Path base, Path scenario) throws IOException {
        List<String> args = new ArrayList<>();
        Path config = scenario.resolve("config");
        List<String> paths = Files.exists(config)
                ? List.of(Files.readString(config).strip().split("\\s+"))
                : List.of("modprobe.d");
        for (String c : paths) {
            args.add("-C");
            args.add(scenario.resolve(c).toString());
        }
        args.addAll(List.of(Files.readString(scenario.resolve("args")).strip().split("\\s+")));
        ModprobeFixture.Run r = ModprobeFixture.modprobe(tmp.resolve("state"), base, args.toArray(String[]::new));
        String expected = Files.readString(scenario.resolve("expected-stdout.txt"));
        String actual = r.out().replace(base.toString(), "BASEDIR");
        if (expected.contains(MARKER)) {
            expected = expected.substring(expected.indexOf(MARKER));
            actual = actual.substring(Math.max(0, actual.indexOf(MARKER)));
        }
        assertEquals(expected, actual, scenario.getFileName() + " stdout; stderr: " + r.err());
        assertEquals(Integer.parseInt(Files.readString(scenario.resolve("expected-exit.txt")).strip()), r.exit(),
                scenario.getFileName() + " exit; stderr: " + r.err());
    }
}
