package modkit.command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * What a command printed when run in this process with {@code System.out} and {@code System.err} taken over: for
 * {@code -s} (the output goes to syslog), the AOT training run, the resident server and the tests that run commands
 * in-process. The one place that swaps the streams, so the swap is always undone, and runs one command at a time
 * (the streams are the process's).
 *
 * @param exit the command's exit code
 * @param out what it wrote on stdout (with {@code merged}, stdout and stderr in the order written)
 * @param err what it wrote on stderr (empty with {@code merged})
 */
public record Captured(int exit, byte[] out, byte[] err) {
    /** A command body: returns the exit code. */
    public interface Body {
        int run() throws Exception;
    }

    /**
     * Runs {@code body} with stdout and stderr captured, each encoded in {@code charset}; with {@code merged} both
     * go to {@link #out}. What the body throws is thrown on, after the streams are put back.
     */
    public static Captured run(Charset charset, boolean merged, Body body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, charset);
        int exit = redirected(o, merged ? o : new PrintStream(err, true, charset), body);
        return new Captured(exit, out.toByteArray(), err.toByteArray());
    }

    /**
     * Runs {@code body} with stdout and stderr set to {@code out} and {@code err} (the capture above, or the resident
     * server's streams to its client), flushes them and puts the process's back. What the body throws is thrown on.
     */
    public static synchronized int redirected(PrintStream out, PrintStream err, Body body) throws Exception {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(out);
        System.setErr(err);
        try {
            return body.run();
        } finally {
            out.flush();
            err.flush();
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** Like {@link #run(Charset, boolean, Body)} for a body that throws no checked exception. */
    public static Captured of(Charset charset, boolean merged, java.util.function.IntSupplier body) {
        try {
            return run(charset, merged, body::getAsInt);
        } catch (RuntimeException | Error x) {
            throw x;
        } catch (Exception x) {
            throw new IllegalStateException(x); // cannot happen: an IntSupplier throws no checked exception
        }
    }

    public String outText(Charset charset) {
        return new String(out, charset);
    }

    public String errText(Charset charset) {
        return new String(err, charset);
    }
}
