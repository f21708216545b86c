package modkit.testdata;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        int exit;
        try {
            exit = Modkit.run(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Result(buf.toString(StandardCharsets.UTF_8), exit);
    }
}
