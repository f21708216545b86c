package modkit.testdata;

import modkit.command.Captured;
import java.nio.charset.StandardCharsets;
import java.util.List;
import modkit.cli.Modkit;

/** Runs one modkit command line in this JVM and returns what it printed (stdout and stderr, interleaved). */
public final class InProcess {
    private InProcess() {}

    private record Result(String output, int exit) {}

    /** The output, followed by "[exit N]" when the exit code is not 0. */
    public static String run(List<String> args) {
        Result r = call(args.toArray(String[]::new));
        return r.output() + (r.exit() == 0 ? "" : "[exit " + r.exit() + "]\n");
    }

    /** The output alone, whatever the exit code. */
    public static String output(String... args) {
        return call(args).output();
    }

    private static Result call(String[] args) {
        Captured c = Captured.of(StandardCharsets.UTF_8, true, () -> Modkit.run(args));
        return new Result(c.outText(StandardCharsets.UTF_8), c.exit());
    }
}
