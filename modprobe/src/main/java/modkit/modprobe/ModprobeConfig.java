package modkit.modprobe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parsed modprobe configuration: every modprobe.d line that applies, in the order kmod reads them (config
 * files sorted by name, modules.softdep among them, then the kernel command line), and the warnings for lines
 * that did not parse. Module names are already normalised ({@code -} as {@code _}).
 *
 * <p>Lookups follow kmod: {@code alias}, {@code install}, {@code remove} and {@code softdep} names are
 * {@code fnmatch} patterns; {@code options} and {@code blacklist} compare names exactly. The first matching
 * {@code install} or {@code remove} command wins. One deliberate difference: every {@code softdep} line that
 * matches a module counts, their pre: and post: lists concatenated in reading order (kmod 30..34 use only the
 * first matching line, so a modprobe.d softdep silently hides the module's own from modules.softdep).
 */
public final class ModprobeConfig {
    public record Alias(String pattern, String module) {}

    public record Options(String module, String options) {}

    public record Command(String module, String command) {}

    public record Softdep(String module, List<String> pre, List<String> post) {
        public Softdep {
            pre = List.copyOf(pre);
            post = List.copyOf(post);
        }

        /** As modprobe -c prints it: "pre: a b post: c". */
        public String value() {
            StringBuilder b = new StringBuilder();
            if (!pre.isEmpty()) {
                b.append("pre: ").append(String.join(" ", pre));
            }
            if (!post.isEmpty()) {
                b.append(b.isEmpty() ? "" : " ").append("post: ").append(String.join(" ", post));
            }
            return b.toString();
        }
    }

    /** A line that was ignored or only partly applied, with where it is. */
    public record Warning(String file, int line, String message) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
        }
    }

    final List<String> blacklist = new ArrayList<>();
    final List<Command> install = new ArrayList<>();
    final List<Command> remove = new ArrayList<>();
    final List<Alias> aliases = new ArrayList<>();
    final List<Options> options = new ArrayList<>();
    final List<Softdep> softdeps = new ArrayList<>();
    final List<Warning> warnings = new ArrayList<>();
    final List<String> files = new ArrayList<>();

    ModprobeConfig() {}

    /** An empty configuration (no files). */
    public static ModprobeConfig empty() {
        return new ModprobeConfig();
    }

    public List<String> blacklist() {
        return Collections.unmodifiableList(blacklist);
    }

    public List<Command> installCommands() {
        return Collections.unmodifiableList(install);
    }

    public List<Command> removeCommands() {
        return Collections.unmodifiableList(remove);
    }

    public List<Alias> aliases() {
        return Collections.unmodifiableList(aliases);
    }

    public List<Options> options() {
        return Collections.unmodifiableList(options);
    }

    public List<Softdep> softdeps() {
        return Collections.unmodifiableList(softdeps);
    }

    public List<Warning> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** The files read, in reading order. */
    public List<String> files() {
        return Collections.unmodifiableList(files);
    }

    public boolean isBlacklisted(String module) {
        return blacklist.contains(module);
    }

    /**
     * Every {@code options} line for the module, or for the alias it was found through, joined with spaces in
     * reading order; null if there is none.
     */
    public String optionsFor(String module, String alias) {
        StringBuilder b = null;
        for (Options o : options) {
            if (!(o.module().equals(module) || (alias != null && o.module().equals(alias))) || o.options().isEmpty()) {
                continue;
            }
            b = b == null ? new StringBuilder() : b.append(' ');
            b.append(o.options());
        }
        return b == null ? null : b.toString();
    }

    public String installCommandFor(String module) {
        return firstCommand(install, module);
    }

    public String removeCommandFor(String module) {
        return firstCommand(remove, module);
    }

    private static String firstCommand(List<Command> commands, String module) {
        for (Command c : commands) {
            if (Fnmatch.matches(c.module(), module)) {
                return c.command();
            }
        }
        return null;
    }

    /** The soft dependencies of a module: all matching softdep lines merged; null if no line matches. */
    public Softdep softdepsFor(String module) {
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        boolean any = false;
        for (Softdep s : softdeps) {
            if (Fnmatch.matches(s.module(), module)) {
                any = true;
                pre.addAll(s.pre());
                post.addAll(s.post());
            }
        }
        return any ? new Softdep(module, pre, post) : null;
    }

    /** The configuration part of {@code modprobe -c}: kmod's sections and order, one parsed line each. */
    public String show() {
        StringBuilder b = new StringBuilder();
        for (String m : blacklist) {
            b.append("blacklist ").append(m).append('\n');
        }
        for (Command c : install) {
            b.append("install ").append(c.module()).append(' ').append(c.command()).append('\n');
        }
        for (Command c : remove) {
            b.append("remove ").append(c.module()).append(' ').append(c.command()).append('\n');
        }
        for (Alias a : aliases) {
            b.append("alias ").append(a.pattern()).append(' ').append(a.module()).append('\n');
        }
        for (Options o : options) {
            b.append("options ").append(o.module()).append(' ').append(o.options()).append('\n');
        }
        for (Softdep s : softdeps) {
            b.append("softdep ").append(s.module()).append(' ').append(s.value()).append('\n');
        }
        return b.toString();
    }
}
