package modkit.moddir;

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
 * matches a module counts, their pre: and post: lists concatenated in reading order (kmod 30..34's
 * {@code kmod_module_get_softdeps} stops at the first matching line, so a modprobe.d softdep silently hides the
 * module's own from modules.softdep, kmod issue #33). {@link SoftdepMode#KMOD} gives kmod's behaviour.
 * {@code weakdep} lines (kmod 34) are kept and shown by {@code -c}; modprobe loads none of them, as kmod's does not.
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

    /** How several softdep lines for one module combine. */
    public enum SoftdepMode {
        /** Every matching line counts, pre: and post: lists concatenated in reading order (modkit's default). */
        MERGE,
        /** Only the first matching line counts, as in kmod 30..34. */
        KMOD
    }

    /** {@code weakdep MODULE A B...}: modules MODULE may ask for at run time (kmod 34). */
    public record Weakdep(String module, List<String> weak) {
        public Weakdep {
            weak = List.copyOf(weak);
        }
    }

    /**
     * A configuration problem, as the stderr line kmod prints for it. kmod 30 as Debian builds it logs config
     * errors through libkmod's own logger with the source place ({@code libkmod: ERROR FILE:LINE FUNCTION: });
     * scripts and tests that compare stderr with kmod's see the same bytes from us, so the place is kept as
     * Debian's kmod 30 prints it. Problems kmod has no message for (an unreadable file) use modprobe's form.
     */
    public record Warning(String file, int line, String text) {
        private static final String KMOD_CONFIG_PARSE = "libkmod: ERROR ../libkmod/libkmod-config.c:%d kmod_config_parse: ";

        /** kmod: "FILE line N: ignoring bad line starting with 'CMD'" (libkmod-config.c:712 in kmod 30). */
        static Warning badLine(String file, int line, String cmd) {
            return new Warning(file, line, KMOD_CONFIG_PARSE.formatted(712) + file + " line " + line
                    + ": ignoring bad line starting with '" + cmd + "'");
        }

        /** kmod: "FILE: command include is deprecated and not parsed anymore" (libkmod-config.c:708). */
        static Warning deprecated(String file, int line, String cmd) {
            return new Warning(file, line, KMOD_CONFIG_PARSE.formatted(708) + file + ": command " + cmd
                    + " is deprecated and not parsed anymore");
        }

        /** kmod: a kernel command line word whose module name has an unbalanced bracket (libkmod-config.c:489). */
        static Warning badCmdlineModule(String module) {
            return new Warning("/proc/cmdline", 0, "libkmod: ERROR ../libkmod/libkmod-config.c:489 kcmdline_parse_result: "
                    + "Ignoring bad option on kernel command line while parsing module name: '" + module + "'");
        }

        static Warning of(String file, int line, String message) {
            return new Warning(file, line, "modprobe: WARNING: " + (line > 0 ? file + ":" + line : file) + ": " + message);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    final List<String> blacklist = new ArrayList<>();
    final List<Command> install = new ArrayList<>();
    final List<Command> remove = new ArrayList<>();
    final List<Alias> aliases = new ArrayList<>();
    final List<Options> options = new ArrayList<>();
    final List<Softdep> softdeps = new ArrayList<>();
    final List<Weakdep> weakdeps = new ArrayList<>();
    private SoftdepMode softdepMode = SoftdepMode.MERGE;
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

    public List<Weakdep> weakdeps() {
        return Collections.unmodifiableList(weakdeps);
    }

    /** Chooses how several softdep lines for one module combine (default {@link SoftdepMode#MERGE}). */
    public ModprobeConfig softdepMode(SoftdepMode mode) {
        this.softdepMode = mode;
        return this;
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

    /**
     * The soft dependencies of a module: all matching softdep lines merged, or with {@link SoftdepMode#KMOD} the
     * first matching line alone; null if no line matches.
     */
    public Softdep softdepsFor(String module) {
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        boolean any = false;
        for (Softdep s : softdeps) {
            if (Fnmatch.matches(s.module(), module)) {
                any = true;
                pre.addAll(s.pre());
                post.addAll(s.post());
                if (softdepMode == SoftdepMode.KMOD) {
                    break;
                }
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
        for (Weakdep w : weakdeps) {
            b.append("weakdep ").append(w.module()).append(' ').append(String.join(" ", w.weak())).append('\n');
        }
        return b.toString();
    }
}
