package modkit.elf;

/**
 * A problem with the user's input (a file, a module, a configuration line) rather than a bug in modkit.
 *
 * <p>The message is one line that names the file and, where it applies, the section and offset. The optional
 * hint is a second line with the likely cause or the command that fixes it. Commands print both and exit 1;
 * they print a stack trace only with {@code --debug}.
 */
public class ModkitException extends RuntimeException {
    private final String hint;

    public ModkitException(String message) {
        this(message, null);
    }

    public ModkitException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public ModkitException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** A second line telling the user what to try, or null. */
    public String hint() {
        return hint;
    }
}
