package modkit.cli.docs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modkit.depmod.cli.DepmodCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * depmod parses its own options (kmod's getopt_long, without picocli, for start-up time), so it has no
 * {@link CommandSpec}; for its man page and completion one is read from its {@code --help}, the text users see.
 */
public final class DepmodSpec {
    private DepmodSpec() {}

    private static final Pattern NAME = Pattern.compile("(--?[A-Za-z0-9][\\w-]*)(?:=(\\S+))?(,\\s*|\\s+|$)");

    public static String help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int rc = DepmodCommand.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintWriter(err, true));
        if (rc != 0) {
            throw new IllegalStateException("depmod --help exited " + rc + ": " + err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static CommandSpec spec() {
        String help = help();
        CommandSpec spec = CommandSpec.create().name("depmod");
        List<String> description = new ArrayList<>();
        boolean inOptions = false;
        for (String line : help.lines().toList()) {
            if (line.startsWith("Usage: ")) {
                spec.usageMessage().customSynopsis(line.substring("Usage: ".length()));
            } else if (line.isBlank()) {
                inOptions = true;
            } else if (!inOptions) {
                description.add(line);
            } else {
                option(spec, line);
            }
        }
        spec.usageMessage().description(description.toArray(new String[0]));
        return spec;
    }

    /** "  -b, --basedir=DIR         Root prefix ..." → one option; "-v, --verbose, -w, --warn" → two. */
    private static void option(CommandSpec spec, String line) {
        String rest = line.strip();
        List<String> names = new ArrayList<>();
        String label = null;
        Matcher m = NAME.matcher(rest);
        int at = 0;
        while (m.find(at) && m.start() == at) {
            names.add(m.group(1));
            if (m.group(2) != null) {
                label = m.group(2);
            }
            at = m.end();
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("depmod --help: cannot read the option line: " + line);
        }
        String desc = rest.substring(at).strip();
        // One line can hold several options that do the same ("-v, --verbose, -w, --warn"): one spec per short name.
        List<List<String>> groups = new ArrayList<>();
        for (String n : names) {
            if (!n.startsWith("--") || groups.isEmpty()) {
                groups.add(new ArrayList<>());
            }
            groups.getLast().add(n);
        }
        for (List<String> g : groups) {
            OptionSpec.Builder o = OptionSpec.builder(g.toArray(new String[0])).description(desc);
            if (label != null) {
                o.paramLabel(label).arity("1").type(String.class);
            } else {
                o.arity("0").type(boolean.class);
            }
            spec.addOption(o.build());
        }
    }
}
