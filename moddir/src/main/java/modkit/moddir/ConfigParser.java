package modkit.moddir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads modprobe.d configuration the way libkmod does ({@code kmod_config_new}).
 *
 * <p>Which files: each configuration path is a directory (its {@code *.conf} and {@code *.alias} files, hidden
 * files skipped) or a single file. All files from all paths are read in one order, sorted by file name; when two
 * paths have a file of the same name only the one from the earlier path is read, so /etc/modprobe.d/x.conf
 * replaces /lib/modprobe.d/x.conf. The module directory's modules.softdep and modules.weakdep (kmod 34) are read
 * as more files, sorted among the others by their names (a zz.conf is read after them, an aa.conf before: checked
 * against kmod 30). The kernel command line comes last ({@link KernelCmdline}).
 *
 * <p>Lines: a first character {@code #} makes a comment line, a backslash joins the next line. Commands:
 * {@code alias PATTERN MODULE}, {@code blacklist MODULE}, {@code options MODULE OPTIONS...},
 * {@code install MODULE COMMAND...}, {@code remove MODULE COMMAND...},
 * {@code softdep MODULE [pre: A...] [post: B...]}, {@code weakdep MODULE A...} (kmod 34). kmod dropped
 * {@code include} and {@code config}; like kmod they are reported and ignored. What is reported is what kmod
 * reports, in kmod's words (see {@link ModprobeConfig.Warning}): whatever kmod accepts in silence, such as extra
 * words or softdep words outside {@code pre:}/{@code post:}, we accept in silence too.
 */
public final class ConfigParser {
    private final ModprobeConfig config = new ModprobeConfig();

    private ConfigParser() {}

    /**
     * @param configPaths directories or files, earlier ones win on equal file names
     * @param softdepFile the module directory's modules.softdep (may be missing); modules.weakdep beside it is
     *     read too
     * @param cmdlineFile /proc/cmdline under the root prefix (may be missing), or null to skip
     */
    public static ModprobeConfig load(List<String> configPaths, String softdepFile, String cmdlineFile) {
        ConfigParser p = new ConfigParser();
        TreeMap<String, String> byName = new TreeMap<>();
        for (String path : configPaths) {
            p.list(path, byName);
        }
        if (softdepFile != null) {
            Path softdep = Path.of(softdepFile);
            for (Path f : List.of(softdep, softdep.resolveSibling("modules.weakdep"))) {
                if (Files.isRegularFile(f)) {
                    byName.putIfAbsent(f.getFileName().toString(), f.toString());
                }
            }
        }
        for (String file : byName.values()) {
            p.parseFile(file);
        }
        if (cmdlineFile != null && Files.isRegularFile(Path.of(cmdlineFile))) {
            try {
                p.parseKernelCmdline(Files.readString(Path.of(cmdlineFile), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                p.config.warnings.add(ModprobeConfig.Warning.of(cmdlineFile, 0, "cannot read: " + e.getMessage()));
            }
        }
        return p.config;
    }

    /** Parses configuration text as if it were the file {@code name} (tests, and modules.softdep). */
    public static ModprobeConfig parse(String name, String text) {
        ConfigParser p = new ConfigParser();
        p.parseText(name, text);
        return p.config;
    }

    /** Parses a kernel command line alone. */
    public static ModprobeConfig parseCmdline(String cmdline) {
        ConfigParser p = new ConfigParser();
        p.parseKernelCmdline(cmdline);
        return p.config;
    }

    private void parseKernelCmdline(String cmdline) {
        KernelCmdline.parse(cmdline, new KernelCmdline.Sink() {
            @Override
            public void option(String module, String options) {
                config.options.add(new ModprobeConfig.Options(module, options));
            }

            @Override
            public void blacklist(String module) {
                config.blacklist.add(module);
            }

            @Override
            public void badModuleName(String module) {
                config.warnings.add(ModprobeConfig.Warning.badCmdlineModule(module));
            }
        });
    }

    private void list(String path, TreeMap<String, String> byName) {
        Path p = Path.of(path);
        if (Files.isRegularFile(p)) {
            byName.putIfAbsent(p.getFileName() == null ? path : p.getFileName().toString(), path);
            return;
        }
        if (!Files.isDirectory(p)) {
            return; // missing, or /dev/null and the like: nothing to read
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(p)) {
            List<String> names = new ArrayList<>();
            for (Path f : dir) {
                names.add(f.getFileName().toString());
            }
            names.sort(null);
            for (String n : names) {
                if (n.startsWith(".") || !(n.endsWith(".conf") || n.endsWith(".alias"))) {
                    continue;
                }
                String full = path.endsWith("/") ? path + n : path + "/" + n;
                if (Files.isDirectory(Path.of(full))) {
                    config.warnings.add(ModprobeConfig.Warning.of(full, 0,
                            "directories inside configuration directories are not read"));
                    continue;
                }
                byName.putIfAbsent(n, full);
            }
        } catch (IOException e) {
            config.warnings.add(ModprobeConfig.Warning.of(path, 0, "cannot list: " + e.getMessage()));
        }
    }

    private void parseFile(String file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            config.warnings.add(ModprobeConfig.Warning.of(file, 0, "cannot read: " + e.getMessage()));
            return;
        }
        config.files.add(file);
        parseText(file, new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * kmod's {@code freadline_wrapped}: a backslash joins the next line (backslash-newline vanishes), a backslash
     * before any other character is dropped and the character kept; a line is reported by the number of its last
     * physical line.
     */
    private void parseText(String file, String text) {
        StringBuilder line = new StringBuilder();
        int lineNo = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i++);
            if (c == '\\') {
                if (i < n && text.charAt(i) == '\n') {
                    i++;
                    lineNo++;
                } else if (i < n) {
                    line.append(text.charAt(i++));
                }
            } else if (c == '\n') {
                lineNo++;
                parseLine(file, lineNo, line.toString());
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
        if (!line.isEmpty()) {
            parseLine(file, lineNo + 1, line.toString());
        }
    }

    /**
     * One logical line, as {@code kmod_config_parse} reads it: empty lines and lines whose first character is
     * {@code #} are skipped (an indented {@code #} is a bad line, as in kmod); words after the ones a command
     * takes are ignored silently; a missing word or a module name with an unbalanced {@code [ ]} makes the line
     * bad. kmod's only message for a bad line names the file, the line and its first word, and so does ours.
     */
    private void parseLine(String file, int lineNo, String line) {
        int nul = line.indexOf('\0');
        if (nul >= 0) {
            line = line.substring(0, nul); // kmod's strtok sees a C string: the line ends at the NUL
        }
        if (line.isEmpty() || line.charAt(0) == '#') {
            return;
        }
        Words w = new Words(line);
        String cmd = w.next();
        if (cmd == null) {
            return;
        }
        boolean ok = switch (cmd) {
            case "alias" -> {
                String pattern = KmodNames.underscores(w.next());
                String module = KmodNames.underscores(w.next());
                if (pattern == null || module == null) {
                    yield false;
                }
                config.aliases.add(new ModprobeConfig.Alias(pattern, module));
                yield true;
            }
            case "blacklist" -> {
                String module = KmodNames.underscores(w.next());
                if (module == null) {
                    yield false;
                }
                config.blacklist.add(module);
                yield true;
            }
            case "options" -> {
                String module = KmodNames.underscores(w.next());
                String rest = w.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                config.options.add(new ModprobeConfig.Options(module, rest.replace('\t', ' ')));
                yield true;
            }
            case "install", "remove" -> {
                String module = KmodNames.underscores(w.next());
                String rest = w.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                (cmd.equals("install") ? config.install : config.remove).add(new ModprobeConfig.Command(module, rest));
                yield true;
            }
            case "softdep", "weakdep" -> {
                String module = KmodNames.underscores(w.next());
                String rest = w.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                if (cmd.equals("softdep")) {
                    config.softdeps.add(softdep(module, rest));
                } else {
                    config.weakdeps.add(new ModprobeConfig.Weakdep(module, spaceWords(rest)));
                }
                yield true;
            }
            case "include", "config" -> {
                config.warnings.add(ModprobeConfig.Warning.deprecated(file, lineNo, cmd));
                yield true;
            }
            default -> false;
        };
        if (!ok) {
            config.warnings.add(ModprobeConfig.Warning.badLine(file, lineNo, cmd));
        }
    }

    /**
     * kmod's {@code kmod_config_add_softdep}: words split at any white space; {@code pre:} and {@code post:}
     * switch lists, words before either are dropped without a word (modules.softdep of Debian's 6.1 kernels has
     * {@code softdep cifs gcm}, from cifs's own malformed MODULE_SOFTDEP, and kmod is silent about it).
     */
    static ModprobeConfig.Softdep softdep(String module, String text) {
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        List<String> mode = null;
        for (String d : spaceWords(text)) {
            if (d.equals("pre:")) {
                mode = pre;
            } else if (d.equals("post:")) {
                mode = post;
            } else if (mode != null) {
                mode.add(d);
            }
        }
        return new ModprobeConfig.Softdep(module, pre, post);
    }

    /** Words separated by C's isspace() characters. */
    private static List<String> spaceWords(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split("[ \t\n\u000b\f\r]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * strtok over spaces and tabs, plus kmod's "rest of the line": the text after the one delimiter that ended the
     * last word, kept as written (so "options m  a=1" keeps its double space, as kmod prints it).
     */
    private static final class Words {
        private final String s;
        private int pos;

        Words(String s) {
            this.s = s;
        }

        String next() {
            while (pos < s.length() && isDelim(s.charAt(pos))) {
                pos++;
            }
            if (pos >= s.length()) {
                return null;
            }
            int start = pos;
            while (pos < s.length() && !isDelim(s.charAt(pos))) {
                pos++;
            }
            String w = s.substring(start, pos);
            if (pos < s.length()) {
                pos++; // strtok consumes the delimiter that ended the word
            }
            return w;
        }

        String rest() {
            if (pos >= s.length()) {
                return null;
            }
            String r = s.substring(pos);
            pos = s.length();
            return r;
        }

        boolean atEnd() {
            int p = pos;
            while (p < s.length() && isDelim(s.charAt(p))) {
                p++;
            }
            return p >= s.length();
        }

        private static boolean isDelim(char c) {
            return c == ' ' || c == '\t';
        }
    }
}
