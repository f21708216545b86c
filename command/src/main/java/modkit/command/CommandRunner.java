package modkit.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import modkit.elf.ModkitException;
import picocli.CommandLine;

/**
 * Runs a picocli command with modkit's exit codes: 0 ok, 1 module or input problem (one error line, maybe a hint
 * line), 2 usage, 70 a bug in modkit. Stack traces only with {@code --debug}.
 */
public final class CommandRunner {
    public static final int OK = 0;
    public static final int INPUT = 1;
    public static final int USAGE = 2;
    public static final int BUG = 70;

    private CommandRunner() {}

    public static void configure(String tool, CommandLine cl) {
        boolean debug = java.util.Arrays.asList(System.getProperty("modkit.args", "").split(" ")).contains("--debug");
        cl.setExecutionExceptionHandler((ex, line, parse) ->
                report(tool, ex, debug || parse.hasMatchedOption("--debug") || hasDebug(parse), line.getErr()));
        cl.setParameterExceptionHandler((ex, args) -> usage(tool, ex.getMessage(), ex.getCommandLine().getErr()));
    }

    /**
     * Runs a command that parses its own arguments with {@link Getopt} (no picocli, for a quick start), with the
     * same exit codes and messages as the picocli commands.
     */
    public static int runPlain(String tool, boolean debug, PrintWriter err, Callable<Integer> body) {
        try {
            return body.call();
        } catch (Getopt.UsageException e) {
            return usage(tool, e.getMessage(), err);
        } catch (Exception e) {
            return report(tool, e, debug, err);
        }
    }

    /** A command line that does not fit: one line, a hint, exit 2. */
    public static int usage(String tool, String message, PrintWriter err) {
        err.println(tool + ": " + message);
        err.println("  hint: see '" + tool + " --help'");
        err.flush();
        return USAGE;
    }

    /** A failure while running: one error line (and the hint if it has one) for bad input, else a bug report. */
    private static int report(String tool, Exception ex, boolean wantTrace, PrintWriter err) {
        if (ex instanceof ModkitException m) {
            err.println(tool + ": error: " + m.getMessage());
            if (m.hint() != null) {
                err.println("  hint: " + m.hint());
            }
            if (wantTrace) {
                ex.printStackTrace(err);
            }
            err.flush();
            return INPUT;
        }
        err.println(tool + ": internal error: " + ex);
        if (wantTrace) {
            ex.printStackTrace(err);
        } else {
            err.println("  hint: this is a bug in modkit; run again with --debug and report the stack trace");
        }
        err.flush();
        return BUG;
    }

    private static boolean hasDebug(CommandLine.ParseResult parse) {
        for (CommandLine.ParseResult p = parse; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
