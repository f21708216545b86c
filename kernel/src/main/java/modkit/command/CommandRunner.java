package modkit.command;

import java.io.PrintWriter;
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

    public static int run(String tool, Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        configure(tool, cl);
        return cl.execute(args);
    }

    public static void configure(String tool, CommandLine cl) {
        boolean debug = java.util.Arrays.asList(System.getProperty("modkit.args", "").split(" ")).contains("--debug");
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            PrintWriter err = line.getErr();
            boolean wantTrace = debug || parse.hasMatchedOption("--debug") || hasDebug(parse);
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
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(tool + ": " + ex.getMessage());
            err.println("  hint: see '" + tool + " --help'");
            err.flush();
            return USAGE;
        });
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
