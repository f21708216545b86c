package modkit.modprobe;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import modkit.depmod.Kmod;
import modkit.modprobe.cli.ModprobeCommand;
import picocli.CommandLine;

/** Runs our modprobe in-process, capturing what it prints on stdout and stderr, as {@link Kmod#run} does for kmod's. */
final class ModprobeRun {
    private ModprobeRun() {}

    static synchronized Kmod.Run modprobe(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            System.setErr(e);
            CommandLine cl = new CommandLine(new ModprobeCommand());
            cl.setErr(new PrintWriter(e, true));
            cl.setExecutionExceptionHandler((ex, c, p) -> {
                e.println("modprobe: ERROR: " + ex.getMessage());
                return 1;
            });
            exit = cl.execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Kmod.Run(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
