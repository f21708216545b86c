package modkit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import modkit.command.Captured;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code modkit aot-training OBJECTS}: the workload the build runs once under {@code -XX:AOTCacheOutput} so that
 * the JVM can keep the classes every command loads, already parsed and linked, in {@code cli/target/modkit.aot}
 * (scripts/aot-cache.sh). A JVM starts modkit's commands about 0.1 s sooner with it; without it (or with a stale
 * one) they run the same, only slower to start.
 *
 * <p>It runs each tool the way users do, in this one process, over a scratch module tree made of the sample
 * modules in OBJECTS and a scratch simulated kernel. What they print is thrown away. A command that fails still
 * loaded its classes, so it does not stop the training, but it is named on stderr (cli/target/aot-cache.log).
 */
@Command(name = "aot-training", hidden = true,
        description = "Run every tool once over sample modules (the build's training run for the JVM's AOT cache).")
public final class AotTrainingCommand implements Callable<Integer> {
    private static final String RELEASE = "6.1.0-56-amd64";

    @Parameters(paramLabel = "OBJECTS", description = "Directory of sample .ko files (testdata/objects/x86_64)")
    Path objects;

    @Override
    public Integer call() throws IOException {
        Path work = Files.createTempDirectory("modkit-aot-training");
        PrintStream err = System.err;
        try {
            Path root = work.resolve("root");
            Path state = work.resolve("state").toAbsolutePath();
            Path tree = root.resolve("lib/modules/" + RELEASE + "/kernel/modkit");
            Files.createDirectories(tree);
            List<Path> samples = new ArrayList<>();
            try (Stream<Path> s = Files.list(objects)) {
                s.filter(p -> p.getFileName().toString().contains(".ko")).sorted().forEach(samples::add);
            }
            for (Path p : samples) {
                Files.copy(p, tree.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            String r = root.toString();
            String st = state.toString();
            String params = objects.resolve("mk_params.ko").toString();
            String[][] commands = {
                {"depmod", "-b", r, RELEASE},
                {"depmod", "-b", r, "-n", RELEASE},
                {"modinfo", "-b", r, "-k", RELEASE, "mk_params"},
                {"modinfo", "--json", params},
                {"modprobe", "-d", r, "-S", RELEASE, "--show-depends", "mk_importer"},
                {"modprobe", "-d", r, "-S", RELEASE, "-c"},
                {"sim", "boot", "--root", st},
                {"insmod", "--root", st, "-n", "-m", params},
                {"insmod", "--root", st, params, "x=1"},
                {"modprobe", "--root", st, "-d", r, "-S", RELEASE, "mk_importer"},
                {"lsmod", "--root", st},
                {"lsmod", "--root", st, "--json"},
                {"sim", "proc-modules", "--root", st},
                {"ksyms", "--root", st},
                {"modprobe", "--root", st, "-d", r, "-S", RELEASE, "-r", "mk_importer"},
                {"rmmod", "--root", st, "mk_params"},
            };
            for (String[] c : commands) {
                int exit = Captured.of(StandardCharsets.UTF_8, true, () -> Modkit.run(c)).exit();
                if (exit != 0) {
                    // Still trained on what it loaded, but a broken workload trains less: say so in the build's log.
                    err.println("aot-training: exit " + exit + " from: modkit " + String.join(" ", c));
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }
}
