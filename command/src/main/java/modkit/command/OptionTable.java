package modkit.command;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A command's options and operands, declared once, for a command that must start quickly: the command line is read
 * as kmod's tools read theirs ({@link Getopt}: getopt_long), and only {@code --help}, the man pages and the
 * completion script build picocli's model of it ({@link #spec()}), so they show what the annotations of a picocli
 * command would.
 *
 * <p>Why: picocli reads a command's annotations through reflection, and the JDK makes a proxy class for each
 * annotation type on first use: 60 of the 230 ms that lsmod took, before it did anything. The kmod tools (insmod,
 * rmmod, lsmod, modprobe, modinfo) declare their options here; modkit's own commands keep picocli.
 */
public final class OptionTable {
    /**
     * One option: its names as typed ({@code -a}, {@code --all}: one letter after one dash, long names after two),
     * the label of its value (null for a flag), its description, whether it may be given again to add values, and
     * whether the value names a file (for completion).
     */
    public record Opt(List<String> names, String label, String description, boolean repeatable, boolean file) {
        public static Opt flag(String description, String... names) {
            return new Opt(List.of(names), null, description, false, false);
        }

        public static Opt value(String label, String description, String... names) {
            return new Opt(List.of(names), label, description, false, false);
        }

        /** An option whose value is a file name: the shell completes it as one. */
        public static Opt file(String label, String description, String... names) {
            return new Opt(List.of(names), label, description, false, true);
        }

        public static Opt values(String label, String description, String... names) {
            return new Opt(List.of(names), label, description, true, false);
        }

        Getopt.Option getopt() {
            char letter = 0;
            List<String> longNames = new ArrayList<>();
            for (String n : names) {
                if (n.startsWith("--")) {
                    longNames.add(n.substring(2));
                } else if (n.length() == 2 && n.charAt(0) == '-') {
                    letter = n.charAt(1);
                } else {
                    throw new IllegalArgumentException("option name must be -X or --name: " + n);
                }
            }
            return new Getopt.Option(letter, label != null, longNames.toArray(new String[0]));
        }
    }

    /**
     * Operands, in order: a label, picocli's arity ({@code "1"} exactly one, {@code "0..*"} any number,
     * {@code "1..*"} at least one), a description, and whether they name files (for completion). The command checks
     * the counts it needs, with its own messages.
     */
    public record Operands(String label, String arity, String description, boolean files) {
        public Operands(String label, String arity, String description) {
            this(label, arity, description, false);
        }

        /** Operands that name files: the shell completes them as file names. */
        public static Operands files(String label, String arity, String description) {
            return new Operands(label, arity, description, true);
        }
    }

    /** -h and -V, as picocli's standard help options: every command has them. */
    public static final Opt HELP = Opt.flag("Show this help message and exit.", "-h", "--help");
    public static final Opt VERSION = Opt.flag("Print version information and exit.", "-V", "--version");

    private final String name;
    private final String version;
    private final String description;
    private final List<Opt> options;
    private final List<Operands> operands;
    // By identity: options are constants, and a record's own hashCode is bootstrapped through invokedynamic on
    // first use (15 ms of a start).
    private final Map<Getopt.Option, Opt> byGetopt = new IdentityHashMap<>();
    private final Getopt getopt;

    public OptionTable(String name, String version, String description, List<Opt> options, List<Operands> operands) {
        this.name = name;
        this.version = version;
        this.description = description;
        this.options = List.copyOf(options);
        this.operands = List.copyOf(operands);
        List<Getopt.Option> all = new ArrayList<>();
        for (Opt o : this.options) {
            Getopt.Option g = o.getopt();
            byGetopt.put(g, o);
            all.add(g);
        }
        for (Opt o : List.of(HELP, VERSION)) {
            Getopt.Option g = o.getopt();
            byGetopt.put(g, o);
            all.add(g);
        }
        this.getopt = new Getopt(all);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Reads a command line; a line that does not fit throws {@link Getopt.UsageException} with glibc's message. */
    public Args parse(String... args) {
        Getopt.Parsed p = getopt.parse(args);
        List<Given> given = new ArrayList<>();
        for (Getopt.Given g : p.options()) {
            given.add(new Given(byGetopt.get(g.option()), g.value()));
        }
        return new Args(given, p.operands());
    }

    /** An option as given, with its value (null for a flag). */
    public record Given(Opt option, String value) {}

    /** What a command line held: the options in the order given, then the operands. */
    public record Args(List<Given> options, List<String> operands) {
        public boolean has(Opt o) {
            for (Given g : options) {
                if (g.option() == o) {
                    return true;
                }
            }
            return false;
        }

        /** The value given last (getopt's rule: a later one overrides), or null. */
        public String value(Opt o) {
            String v = null;
            for (Given g : options) {
                if (g.option() == o) {
                    v = g.value();
                }
            }
            return v;
        }

        /** Every value of a repeatable option, in order; empty if none. */
        public List<String> values(Opt o) {
            List<String> v = new ArrayList<>();
            for (Given g : options) {
                if (g.option() == o) {
                    v.add(g.value());
                }
            }
            return v;
        }
    }

    /**
     * Runs a command: {@code --help} and {@code --version} answered here, a usage error as exit 2 with a hint, a
     * {@link modkit.elf.ModkitException} as one error line (exit 1), anything else as a bug (exit 70); stack traces
     * with {@code --debug}.
     */
    public int run(String[] args, Body body) {
        boolean debug = List.of(args).contains("--debug");
        java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        return CommandRunner.runPlain(name, debug, err, () -> {
            Args a = parse(args);
            if (a.has(HELP)) {
                System.out.print(help());
                return CommandRunner.OK;
            }
            if (a.has(VERSION)) {
                System.out.println(version);
                return CommandRunner.OK;
            }
            return body.run(a);
        });
    }

    /** What a command does with its parsed command line; its exit code. */
    public interface Body {
        int run(Args args) throws Exception;
    }

    /** The usage text, in the layout of picocli's (as "modkit NAME", the way the tools are documented). */
    public String help() {
        CommandLine root = new CommandLine(CommandSpec.create().name("modkit"));
        root.addSubcommand(name, spec());
        return root.getSubcommands().get(name).getUsageMessage();
    }

    /** picocli's model of the command, for help, man pages and completion (never for parsing). */
    public CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name(name).version(version);
        spec.usageMessage().description(description);
        for (Opt o : options) {
            OptionSpec.Builder b = OptionSpec.builder(o.names().toArray(new String[0])).description(o.description());
            if (o.label() == null) {
                b.arity("0").type(boolean.class);
            } else if (o.repeatable()) {
                b.paramLabel(o.label()).arity("1").type(List.class).auxiliaryTypes(String.class);
            } else {
                b.paramLabel(o.label()).arity("1").type(o.file() ? java.nio.file.Path.class : String.class);
            }
            spec.addOption(b.build());
        }
        int index = 0;
        for (Operands p : operands) {
            boolean many = p.arity().endsWith("*");
            PositionalParamSpec.Builder b = PositionalParamSpec.builder().paramLabel(p.label()).arity(p.arity())
                    .description(p.description()).index(many ? index + "..*" : String.valueOf(index));
            if (many) {
                b.type(List.class).auxiliaryTypes(String.class);
            } else {
                b.type(p.files() ? java.nio.file.Path.class : String.class);
            }
            spec.addPositional(b.build());
            index++;
        }
        // last, as picocli adds them to an annotated command (the man page lists the options in this order)
        spec.mixinStandardHelpOptions(true);
        return spec;
    }
}
