package modkit.cli.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.cli.Modkit;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the man pages and shell completion of every command from the picocli definitions, at build time
 * ({@code mvn package} runs it for the cli module):
 * <ul>
 * <li>{@code DIR/man/man8/insmod.8}, rmmod, lsmod, modprobe, depmod, modinfo (the tools under their own names),
 * {@code modkit.8}, and {@code modkit-NAME.8} / {@code modkit-NAME-SUB.8} for modkit's other commands;</li>
 * <li>{@code DIR/completion/modkit.bash} (picocli's bash completion for modkit and each tool's own name; zsh can
 * source it too, through bashcompinit) and {@code DIR/completion/_modkit} (the same for zsh's fpath).</li>
 * </ul>
 */
public final class DocsGenerator {
    private DocsGenerator() {}

    /** The tools that are also commands of their own (bin/insmod ...), documented under their own names. */
    public static final List<String> TOOLS = List.of("insmod", "rmmod", "lsmod", "modprobe", "depmod", "modinfo");

    public static final String VERSION = "modkit 0.1";

    /** Sections some pages have beyond the option list (page → title → paragraphs). */
    static final Map<String, Map<String, String[]>> EXTRA = Map.of("insmod", Map.of("Load map", new String[] {
        "-m prints the load map in the layout of modutils 2.4's insmod -m, for decoding an oops: after the module's"
                + " regions, a table of the placed sections (name, size, address, alignment as 2**n, then the region and"
                + " the section's index in the object), the undefined symbols with the address each resolved to and"
                + " where from, and every symbol the module keeps, local ones included, sorted by address:",
        "",
        "    Sections:       Size      Address           Align  Region",
        "    .text           000000d4  ffffffffc0201000  2**4   core         [2]",
        "    Symbols:",
        "    ffffffffc0201000 t helper",
        "",
        "The letter is the one GNU nm prints: t/T text, d/D data, r/R read-only data, b/B bss, a/A absolute, W/V"
                + " weak; lower case for a local symbol. --map-json FILE writes the same map as JSON: sections with"
                + " \"align\", symbols with \"type\" (the letter), \"binding\" and \"section\"."}));

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DocsGenerator OUTPUT-DIR   (writes OUTPUT-DIR/man/man8 and OUTPUT-DIR/completion)");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Map<String, String> pages = pages();
        Path man8 = out.resolve("man").resolve("man8");
        Files.createDirectories(man8);
        for (Map.Entry<String, String> p : pages.entrySet()) {
            Files.writeString(man8.resolve(p.getKey() + ".8"), p.getValue());
        }
        Path completion = out.resolve("completion");
        Files.createDirectories(completion);
        String bash = bash();
        Files.writeString(completion.resolve("modkit.bash"), bash);
        Files.writeString(completion.resolve("_modkit"), zsh(bash));
        System.out.println("docs: " + pages.size() + " man pages in " + man8 + ", completion in " + completion);
    }

    /** The whole command tree: modkit with every subcommand, depmod's read from its --help. */
    public static CommandLine modkit() {
        CommandLine root = new CommandLine(new Modkit());
        Modkit.commands().forEach((name, make) -> root.addSubcommand(name, command(name)));
        return root;
    }

    /** One command, on its own (a fresh instance: picocli binds an instance to one CommandLine). */
    public static CommandLine command(String name) {
        if (name.equals("depmod")) {
            return new CommandLine(DepmodSpec.spec());
        }
        Object c = Modkit.commands().get(name).get();
        CommandLine cl = c instanceof CommandSpec s ? new CommandLine(s) : new CommandLine(c);
        Modkit.addSubcommands(cl, null);
        return cl;
    }

    /** Page name → roff, for every visible command. */
    public static Map<String, String> pages() {
        Map<String, String> pages = new LinkedHashMap<>();
        CommandLine root = modkit();
        List<String> rootSee = new ArrayList<>();
        root.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                rootSee.add(pageName(name, "modkit-" + name) + "(8)");
            }
        });
        pages.put("modkit", ManPage.render(root.getCommandSpec(), "modkit", "modkit", VERSION, rootSee));
        root.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                add(pages, sub, pageName(name, "modkit-" + name), TOOLS.contains(name) ? name : "modkit " + name);
            }
        });
        return pages;
    }

    private static String pageName(String command, String otherwise) {
        return TOOLS.contains(command) ? command : otherwise;
    }

    private static void add(Map<String, String> pages, CommandLine cl, String page, String typed) {
        List<String> see = new ArrayList<>();
        see.add("modkit(8)");
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                see.add(page + "-" + name + "(8)");
            }
        });
        if (TOOLS.contains(page)) {
            TOOLS.stream().filter(t -> !t.equals(page)).forEach(t -> see.add(t + "(8)"));
        }
        pages.put(page, ManPage.render(cl.getCommandSpec(), page, typed, VERSION, see, EXTRA.getOrDefault(page, Map.of())));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                add(pages, sub, page + "-" + name, typed + " " + name);
            }
        });
    }

    /** picocli's bash completion for modkit, then for each tool under its own name. */
    public static String bash() {
        StringBuilder b = new StringBuilder();
        b.append("# bash completion for modkit and its tools (insmod, rmmod, lsmod, modprobe, depmod, modinfo).\n")
                .append("# Generated from modkit's command definitions by modkit.cli.docs.DocsGenerator; do not edit.\n")
                .append("# bash: source this file, or install it as bash-completion/completions/NAME for each command.\n")
                .append("# zsh: source it after 'autoload -U +X bashcompinit && bashcompinit', or use _modkit.\n");
        b.append(AutoComplete.bash("modkit", modkit()));
        for (String tool : TOOLS) {
            b.append('\n').append(AutoComplete.bash(tool, command(tool)));
        }
        return b.toString();
    }

    /**
     * For zsh's fpath: on the first completion zsh runs this file as the function _modkit; it defines the bash
     * functions through bashcompinit (whose {@code complete} registers them for each command), then completes the
     * current word with the one registered for the command being completed.
     */
    static String zsh(String bash) {
        return "#compdef modkit " + String.join(" ", TOOLS) + "\n"
                + "# zsh completion for modkit: picocli's bash completion through bashcompinit.\n"
                + "# Generated by modkit.cli.docs.DocsGenerator; do not edit. Install it in a directory of $fpath.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + "# The script below makes compopt an alias of complete, which code loaded as one function cannot use (zsh\n"
                + "# expands aliases when it reads the function, before the alias exists): a no-op stands in for it.\n"
                + "(( $+functions[compopt] )) || compopt() { return 0; }\n"
                + bash
                + "\n# The first completion, which loaded this file: hand it to the function just registered.\n"
                + "if [[ -n ${_comps[$service]} && ${_comps[$service]} != _modkit ]]; then\n"
                + "  ${=_comps[$service]}\n"
                + "fi\n";
    }
}
