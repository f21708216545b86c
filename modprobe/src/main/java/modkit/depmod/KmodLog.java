package modkit.depmod;

import java.io.PrintWriter;

/**
 * kmod's message lines, {@code TOOL: ERROR: text} and {@code TOOL: WARNING: text}, so that scripts and tests that
 * read kmod's stderr read ours the same way.
 */
public final class KmodLog implements Depmod.Log {
    private final String tool;
    private final PrintWriter err;

    public KmodLog(String tool, PrintWriter err) {
        this.tool = tool;
        this.err = err;
    }

    @Override
    public void error(String message) {
        err.println(tool + ": ERROR: " + message);
        err.flush();
    }

    @Override
    public void warning(String message) {
        err.println(tool + ": WARNING: " + message);
        err.flush();
    }
}
