package modkit.cli.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A man(7) page for one picocli command, written straight from its {@link CommandSpec} (picocli's own
 * generator writes AsciiDoc, which needs asciidoctor to become roff). Hidden options and commands are left out,
 * as {@code --help} leaves them out.
 */
public final class ManPage {
    private ManPage() {}

    /** The exit codes every modkit command shares (modkit.command.CommandRunner). */
    static final String[][] EXIT_STATUS = {
        {"0", "Success."},
        {"1", "A problem with a module or an input file (the message names the file and where in it)."},
        {"2", "Usage error: an unknown option, a missing argument."},
        {"70", "An internal error (a bug in modkit); --debug prints its stack trace."},
    };

    /**
     * @param pageName the page's name, as in {@code man 8 pageName} ("insmod", "modkit-profile-import")
     * @param commandName how the command is typed ("insmod", "modkit profile import")
     * @param seeAlso other pages, as "name(8)"
     */
    public static String render(CommandSpec spec, String pageName, String commandName, String version, List<String> seeAlso) {
        return render(spec, pageName, commandName, version, seeAlso, java.util.Map.of());
    }

    /** @param extra sections after OPTIONS/COMMANDS: title → paragraphs (as description elements) */
    public static String render(CommandSpec spec, String pageName, String commandName, String version, List<String> seeAlso,
            java.util.Map<String, String[]> extra) {
        StringBuilder b = new StringBuilder();
        b.append(".\\\" Generated from modkit's command definitions (modkit.cli.docs.ManPage); do not edit.\n");
        b.append(".TH ").append(quote(pageName.toUpperCase())).append(" 8 \"\" ").append(quote(version))
                .append(" \"modkit manual\"\n");
        b.append(".SH NAME\n").append(escape(pageName)).append(" \\- ").append(escape(summary(spec))).append('\n');

        b.append(".SH SYNOPSIS\n.nf\n");
        for (String line : synopsis(spec, commandName)) {
            b.append(line(line)).append('\n');
        }
        b.append(".fi\n");

        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            b.append(".SH DESCRIPTION\n");
            paragraphs(b, description, ".PP");
        }

        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                b.append(".TP\n\\fI").append(escape(label(p.paramLabel()))).append("\\fR\n");
                paragraphs(b, expand(p.description(), p.defaultValueString(), p.completionCandidates()));
            }
        }

        List<OptionSpec> options = visibleOptions(spec);
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                b.append(".TP\n").append(optionTerm(o)).append('\n');
                paragraphs(b, expand(o.description(), o.defaultValueString(), o.completionCandidates()));
            }
        }

        List<String> subs = new ArrayList<>();
        spec.subcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && name.equals(sub.getCommandName())) {
                subs.add(name);
            }
        });
        if (!subs.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (String name : subs) {
                CommandSpec sub = spec.subcommands().get(name).getCommandSpec();
                b.append(".TP\n\\fB").append(escape(name)).append("\\fR\n");
                String s = summary(sub);
                b.append(s.isEmpty() ? "" : line(s) + "\n");
            }
        }

        extra.forEach((title, text) -> {
            b.append(".SH ").append(escape(title.toUpperCase())).append('\n');
            paragraphs(b, text, ".PP");
        });
        b.append(".SH EXIT STATUS\n");
        for (String[] e : EXIT_STATUS) {
            b.append(".TP\n.B ").append(e[0]).append('\n').append(line(e[1])).append('\n');
        }
        if (!seeAlso.isEmpty()) {
            b.append(".SH SEE ALSO\n");
            List<String> refs = new ArrayList<>();
            for (String s : seeAlso) {
                int paren = s.indexOf('(');
                refs.add(".BR " + escape(s.substring(0, paren)) + " " + s.substring(paren));
            }
            for (int i = 0; i < refs.size(); i++) {
                b.append(refs.get(i)).append(i < refs.size() - 1 ? " ,\n" : "\n");
            }
        }
        return b.toString();
    }

    /** The options --help shows, in its order. */
    public static List<OptionSpec> visibleOptions(CommandSpec spec) {
        return spec.options().stream().filter(o -> !o.hidden()).toList();
    }

    /** "\fB\-m\fR, \fB\-\-map\-json\fR=\fIFILE\fR". */
    static String optionTerm(OptionSpec o) {
        StringBuilder t = new StringBuilder();
        for (String name : o.names()) {
            if (!t.isEmpty()) {
                t.append(", ");
            }
            t.append("\\fB").append(escape(name)).append("\\fR");
        }
        if (o.typeInfo().isBoolean() && o.arity().max() == 0) {
            return t.toString();
        }
        if (o.arity().max() > 0) {
            t.append(o.arity().min() == 0 ? "[=" : "=").append("\\fI").append(escape(label(o.paramLabel())))
                    .append("\\fR").append(o.arity().min() == 0 ? "]" : "");
        }
        return t.toString();
    }

    /** What NAME says after the dash: the header if there is one, else the description's first line. */
    static String summary(CommandSpec spec) {
        for (String[] text : List.of(spec.usageMessage().header(), spec.usageMessage().description())) {
            for (String element : text) {
                for (String l : plain(element).split("\n")) {
                    if (!l.isBlank()) {
                        String first = l.strip();
                        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
                    }
                }
            }
        }
        return "the " + spec.name() + " command";
    }

    /** picocli's own synopsis, plain text, with the command's full name. */
    static List<String> synopsis(CommandSpec spec, String commandName) {
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        String text = help.synopsis(0).stripTrailing();
        String qualified = spec.qualifiedName();
        if (text.startsWith(qualified)) {
            text = commandName + text.substring(qualified.length());
        }
        return text.lines().toList();
    }

    private static String label(String paramLabel) {
        return paramLabel.startsWith("<") && paramLabel.endsWith(">") ? paramLabel.substring(1, paramLabel.length() - 1)
                : paramLabel;
    }

    /** picocli's variables in descriptions, as --help shows them. */
    static String[] expand(String[] description, String defaultValue, Iterable<String> candidates) {
        String[] out = new String[description.length];
        String joined = "";
        if (candidates != null) {
            List<String> all = new ArrayList<>();
            candidates.forEach(all::add);
            joined = String.join(", ", all);
        }
        for (int i = 0; i < description.length; i++) {
            out[i] = description[i].replace("${DEFAULT-VALUE}", defaultValue == null ? "" : defaultValue)
                    .replace("${COMPLETION-CANDIDATES}", joined);
        }
        return out;
    }

    private static final Pattern MARKUP = Pattern.compile("@\\|[\\w,]+ (.*?)\\|@", Pattern.DOTALL);

    /** Without picocli's markup ({@code @|bold text|@}) and with its {@code %n} as a line break. */
    static String plain(String s) {
        Matcher m = MARKUP.matcher(s);
        String t = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        return t.replace("%n", "\n").replace("%%", "%");
    }

    /**
     * Each description element is a line of --help; an empty one separates paragraphs. Lines that start with
     * blanks (indented lists, examples) stay as they are, in no-fill mode.
     */
    private static void paragraphs(StringBuilder b, String[] description) {
        paragraphs(b, description, ".IP");
    }

    /** {@code breakRequest}: .PP in a section of its own, .IP inside a .TP item (keeps the item's indent). */
    private static void paragraphs(StringBuilder b, String[] description, String breakRequest) {
        boolean first = true;
        for (String element : description) {
            for (String l : plain(element).split("\n", -1)) {
                if (l.isBlank()) {
                    if (!first) {
                        b.append(breakRequest).append('\n');
                    }
                } else if (l.startsWith(" ")) {
                    b.append(".nf\n").append(line(l)).append("\n.fi\n");
                } else {
                    b.append(line(l.strip())).append('\n');
                }
                first = false;
            }
        }
    }

    /** One text line: escaped, and kept from being read as a request if it starts with '.' or '\''. */
    static String line(String s) {
        String e = escape(s);
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    /** roff escapes: backslash, and '-' as a real minus (so options can be searched and copied). */
    static String escape(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
