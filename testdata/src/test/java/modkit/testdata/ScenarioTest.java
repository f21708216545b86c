package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import modkit.kernel.LoadedModule;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lifecycle scenarios in the style of kmod's testsuite: each testdata/scenarios/NAME.scn is a transcript of
 * commands ("$ insmod ...") with the output each must print, run against a fresh simulated kernel. Commands run
 * in this JVM, except "$ spawn LABEL CMD", which starts another process (joined with "$ join LABEL", printing
 * its output and exit code); "$ await MODULE STATE" waits until /proc/modules shows the module in that state
 * (Live, Loading, Unloading, or gone). Times, the state directory, testdata paths and pids are normalised.
 */
class ScenarioTest {
    static Stream<String> scenarios() throws IOException {
        try (Stream<Path> s = Files.list(TestPaths.testdata().resolve("scenarios"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".scn")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void transcriptMatches(String name, @TempDir Path tmp) throws Exception {
        Path file = TestPaths.testdata().resolve("scenarios").resolve(name);
        Runner r = new Runner(tmp.resolve("state"));
        StringBuilder expected = new StringBuilder();
        StringBuilder actual = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                continue;
            }
            expected.append(line).append('\n');
            if (line.startsWith("$ ")) {
                actual.append(line).append('\n').append(r.normalise(r.run(line.substring(2))));
            }
        }
        r.killAll();
        if (!expected.toString().equals(actual.toString())) {
            // For review: diff testdata/scenarios/NAME testdata/target/scenarios/NAME
            Path out = Path.of("target", "scenarios", name);
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual.toString());
        }
        assertEquals(expected.toString(), actual.toString(), name);
    }

    static final class Runner {
        final Path root;
        final Path td = TestPaths.testdata();
        final Map<String, Process> spawned = new HashMap<>();
        final Map<String, Path> spawnedOut = new HashMap<>();

        Runner(Path root) {
            this.root = root;
        }

        String run(String command) throws Exception {
            List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
            switch (words.getFirst()) {
                case "spawn" -> {
                    String label = words.get(1);
                    List<String> args = withRoot(words.subList(2, words.size()));
                    Path out = root.resolveSibling("spawn-" + label + ".out");
                    Files.createDirectories(out.getParent());
                    spawned.put(label, SeparateJvm.start(args, out));
                    spawnedOut.put(label, out);
                    return "";
                }
                case "join" -> {
                    Process p = spawned.remove(words.get(1));
                    int exit = p.waitFor();
                    String out = Files.readString(spawnedOut.get(words.get(1)));
                    return out + (exit == 0 ? "" : "[exit " + exit + "]\n");
                }
                case "await" -> {
                    await(words.get(1), words.get(2));
                    return "";
                }
                case "sleep" -> {
                    Thread.sleep((long) (Double.parseDouble(words.get(1)) * 1000));
                    return "";
                }
                default -> {
                    return InProcess.run(withRoot(words));
                }
            }
        }

        /** Inserts --root after the command (after "sim X" for sim), and makes testdata paths absolute. */
        List<String> withRoot(List<String> words) {
            List<String> out = new ArrayList<>();
            for (String w : words) {
                out.add(w.startsWith("objects/") || w.startsWith("profiles/") ? td.resolve(w).toString() : w);
            }
            int at = out.getFirst().equals("sim") ? 2 : 1;
            out.add(Math.min(at, out.size()), "--root");
            out.add(Math.min(at + 1, out.size()), root.toString());
            return out;
        }

        void await(String module, String state) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                if (Files.exists(root.resolve("kernel.db"))) {
                    String now = "gone";
                    try (SimulatedKernel k = SimulatedKernel.open(root)) {
                        for (LoadedModule m : k.modules()) {
                            if (m.name().equals(module)) {
                                now = m.state().procWord();
                            }
                        }
                    }
                    if (now.equals(state)) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            fail("module " + module + " did not reach state " + state + " within 30 s");
        }

        String normalise(String s) {
            return s.replace(root.toString(), "<root>")
                    .replace(td.toString(), "<testdata>")
                    .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:[0-9.]+Z", "<time>")
                    .replaceAll("process \\d+", "process <pid>");
        }

        void killAll() {
            spawned.values().forEach(Process::destroyForcibly);
        }
    }
}
