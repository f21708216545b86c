package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import modkit.cli.Modkit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kmod's modprobe modes that read one module file ({@code --show-modversions}, {@code --show-exports}) print what
 * kmod's own modprobe prints for every corpus module, and MODPROBE_OPTIONS is taken as options before the
 * command line's.
 */
class ModprobeVersionsTest {
    private static final Path KMOD = Path.of("/usr/bin/kmod");

    @TempDir
    Path tmp;

    @Test
    void versionsAndExportsOfEveryCorpusModuleMatchKmod() throws Exception {
        assumeTrue(Files.isExecutable(KMOD), "kmod is not installed at " + KMOD);
        List<Path> modules;
        try (Stream<Path> s = Files.walk(TestPaths.corpus("amd64-6.1").resolve("kernel"))) {
            modules = s.filter(p -> p.toString().endsWith(".ko")).sorted().toList();
        }
        assertTrue(modules.size() >= 40, "corpus modules: " + modules.size());
        int exporters = 0;
        for (Path m : modules) {
            for (String mode : List.of("--show-modversions", "--show-exports")) {
                String kmod = kmod("modprobe", mode, m.toString());
                ModprobeFixture.Run ours = ModprobeFixture.run("modprobe", mode, m.toString());
                assertEquals(0, ours.exit(), m + " " + mode + ": " + ours.err());
                assertEquals(kmod, ours.out(), m + " " + mode);
                exporters += mode.equals("--show-exports") && !kmod.isEmpty() ? 1 : 0;
            }
        }
        assertTrue(exporters >= 5, "modules with exports: " + exporters);
    }

    @Test
    void aMissingFileIsOneErrorLine() {
        ModprobeFixture.Run r = ModprobeFixture.run("modprobe", "--dump-modversions", tmp.resolve("none.ko").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("modprobe: error: Module " + tmp.resolve("none.ko") + " not found.\n"), r.err());
    }

    @Test
    void modprobeOptionsComeBeforeTheCommandLine() {
        // -q from the environment silences the not-found error, exactly as if it had been typed.
        Path base = tmp.resolve("base");
        ModprobeFixture.corpusTree(base);
        String[] args = {"modprobe", "--root=" + tmp.resolve("state"), "-d", base.toString(), "-S",
            ModprobeFixture.VERSION, "-C", "/dev/null", "no_such_module_xyz"};
        Captured loud = capture(() -> Modkit.runWithModprobeOptions(null, args));
        Captured quiet = capture(() -> Modkit.runWithModprobeOptions("  -q  ", args));
        assertEquals(1, loud.exit);
        assertTrue(loud.err.contains("no_such_module_xyz"), loud.err);
        assertEquals(1, quiet.exit);
        assertEquals("", quiet.err);
    }

    private record Captured(int exit, String err) {}

    private static Captured capture(java.util.function.IntSupplier run) {
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Captured(run.getAsInt(), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    /** kmod run as the tool {@code args[0]}: kmod picks the tool by the name it is started through. */
    private String kmod(String... args) throws IOException, InterruptedException {
        Path link = tmp.resolve("bin").resolve(args[0]);
        if (!Files.exists(link)) {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, KMOD);
        }
        List<String> cmd = Stream.concat(Stream.of(link.toString()), Stream.of(args).skip(1)).toList();
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
