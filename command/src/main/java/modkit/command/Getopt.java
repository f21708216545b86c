package modkit.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options the way glibc's {@code getopt_long} reads them, which is how kmod's tools read theirs:
 * clustered short options ({@code -an}), a short option's value attached or next ({@code -bDIR}, {@code -b DIR}),
 * long options with {@code =} or the next argument as value, long names abbreviated to any unique prefix
 * ({@code --base}), operands anywhere (they are moved after the options), and {@code --} ending the options.
 * The error messages are glibc's, without its program-name prefix.
 *
 * <p>For a command that must start quickly: it reads no annotations and builds no model, so it costs nothing
 * before the command's own work starts (picocli's first command line took 30 ms of a JVM's start).
 */
public final class Getopt {
    /**
     * One option: a short letter (0 for none) and long names; {@code hasValue} if it takes a value. Options are
     * compared by identity, so a command keeps its own constants to compare the results with.
     */
    public record Option(char letter, boolean hasValue, String... longNames) {}

    /** An option as given, with its value (null if it takes none). */
    public record Given(Option option, String value) {}

    /** What the command line held: the options in order, then the operands in order. */
    public record Parsed(List<Given> options, List<String> operands) {}

    /** A command line that does not fit the options; the message is glibc's. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private final List<Option> options;

    public Getopt(List<Option> options) {
        this.options = options;
    }

    public Parsed parse(String... args) {
        List<Given> given = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                operands.addAll(List.of(args).subList(i + 1, args.length));
                break;
            } else if (a.startsWith("--")) {
                i = longOption(args, i, given);
            } else if (a.startsWith("-") && a.length() > 1) {
                i = shortOptions(args, i, given);
            } else {
                operands.add(a);
            }
        }
        return new Parsed(given, operands);
    }

    /** Reads {@code args[i]}, a long option, and its value; returns the index of the last argument used. */
    private int longOption(String[] args, int i, List<Given> given) {
        String body = args[i].substring(2);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        Named n = byLongName(name, args[i]);
        String shown = "--" + n.name(); // glibc names the option in full, however abbreviated
        if (!n.option().hasValue()) {
            if (eq >= 0) {
                throw new UsageException("option '" + shown + "' doesn't allow an argument");
            }
            given.add(new Given(n.option(), null));
            return i;
        }
        if (eq >= 0) {
            given.add(new Given(n.option(), body.substring(eq + 1)));
            return i;
        }
        if (i + 1 >= args.length) {
            throw new UsageException("option '" + shown + "' requires an argument");
        }
        given.add(new Given(n.option(), args[i + 1]));
        return i + 1;
    }

    private record Named(Option option, String name) {}

    /**
     * An exact long name, else the one option that {@code name} is a prefix of (getopt_long's abbreviations);
     * {@code arg} is the whole argument, for the messages.
     */
    private Named byLongName(String name, String arg) {
        Named found = null;
        boolean ambiguous = false;
        StringBuilder possibilities = new StringBuilder();
        for (Option o : options) {
            for (String n : o.longNames()) {
                if (n.equals(name)) {
                    return new Named(o, n);
                }
                if (n.startsWith(name) && !name.isEmpty()) {
                    ambiguous |= found != null && found.option() != o;
                    found = found == null ? new Named(o, n) : found;
                    possibilities.append(" '--").append(n).append('\'');
                }
            }
        }
        if (found == null) {
            throw new UsageException("unrecognized option '" + arg + "'");
        }
        if (ambiguous) {
            throw new UsageException("option '" + arg + "' is ambiguous; possibilities:" + possibilities);
        }
        return found;
    }

    /** Reads the cluster {@code args[i]} of short options; returns the index of the last argument used. */
    private int shortOptions(String[] args, int i, List<Given> given) {
        String a = args[i];
        for (int k = 1; k < a.length(); k++) {
            char c = a.charAt(k);
            Option o = byLetter(c);
            if (!o.hasValue()) {
                given.add(new Given(o, null));
            } else if (k + 1 < a.length()) {
                given.add(new Given(o, a.substring(k + 1)));
                return i;
            } else if (i + 1 < args.length) {
                given.add(new Given(o, args[i + 1]));
                return i + 1;
            } else {
                throw new UsageException("option requires an argument -- '" + c + "'");
            }
        }
        return i;
    }

    private Option byLetter(char c) {
        for (Option o : options) {
            if (o.letter() == c && c != 0) {
                return o;
            }
        }
        throw new UsageException("invalid option -- '" + c + "'");
    }
}
