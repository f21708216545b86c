package modkit.testdata;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import modkit.cli.Modkit;

/**
 * A process that loads and unloads its modules N times through the same entry point the commands use
 * ({@link Modkit#run}), then loads them once more. {@code LoadLoop ROOT N MODULE.ko...}; exit 1 at the first
 * failure, with the failing step on stderr.
 */
public final class LoadLoop {
    private LoadLoop() {}

    public static void main(String[] args) {
        System.exit(run(Path.of(args[0]), Integer.parseInt(args[1]), List.of(args).subList(2, args.length)));
    }

    static int run(Path root, int rounds, List<String> modules) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        PrintStream out = System.out;
        System.setOut(quiet); // success prints nothing anyway; keep the loop's output to failures
        try {
            for (int i = 0; i <= rounds; i++) {
                for (String m : modules) {
                    if (Modkit.run("insmod", "--root", root.toString(), m) != 0) {
                        System.err.println("round " + i + ": insmod " + m + " failed");
                        return 1;
                    }
                }
                if (i == rounds) {
                    break; // leave the last round loaded
                }
                for (String m : modules.reversed()) {
                    if (Modkit.run("rmmod", "--root", root.toString(), m) != 0) {
                        System.err.println("round " + i + ": rmmod " + m + " failed");
                        return 1;
                    }
                }
            }
            return 0;
        } finally {
            System.setOut(out);
        }
    }
}
