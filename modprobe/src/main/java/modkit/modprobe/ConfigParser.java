package modkit.modprobe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import modkit.elf.ModuleNames;

/**
 * Reads modprobe.d configuration the way libkmod does ({@code kmod_config_new}).
 *
 * <p>Which files: each configuration path is a directory (its {@code *.conf} and {@code *.alias} files, hidden
 * files skipped) or a single file. All files from all paths are read in one order, sorted by file name; when two
 * paths have a file of the same name only the one from the earlier path is read, so /etc/modprobe.d/x.conf
 * replaces /lib/modprobe.d/x.conf. The module directory's modules.softdep is read as one more file, sorted among
 * the others by its name (a zz.conf is read after it, an aa.conf before: checked against kmod 30). The kernel
 * command line comes last.
 *
 * <p>Lines: {@code #} starts a comment line, a trailing backslash joins the next line. Commands: {@code alias
 * PATTERN MODULE}, {@code blacklist MODULE}, {@code options MODULE OPTIONS...}, {@code install MODULE COMMAND...},
 * {@code remove MODULE COMMAND...}, {@code softdep MODULE [pre: A...] [post: B...]}. kmod dropped {@code include}
 * and {@code config}; like kmod they are reported and ignored. A line that does not parse is reported with its
 * file and line and skipped; every other line still applies.
 *
 * <p>Kernel command line: {@code module.param[=value]} adds {@code options module param[=value]};
 * {@code modprobe.blacklist=a,b} adds blacklist entries. Words after {@code --} belong to init and are skipped.
 */
public final class ConfigParser {
    private final ModprobeConfig config = new ModprobeConfig();

    private ConfigParser() {}

    /**
     * @param configPaths directories or files, earlier ones win on equal file names
     * @param softdepFile the module directory's modules.softdep (may be missing)
     * @param cmdlineFile /proc/cmdline under the root prefix (may be missing), or null to skip
     */
    public static ModprobeConfig load(List<String> configPaths, String softdepFile, String cmdlineFile) {
        ConfigParser p = new ConfigParser();
        TreeMap<String, String> byName = new TreeMap<>();
        for (String path : configPaths) {
            p.list(path, byName);
        }
        if (softdepFile != null && Files.isRegularFile(Path.of(softdepFile))) {
            byName.putIfAbsent(Path.of(softdepFile).getFileName().toString(), softdepFile);
        }
        for (String file : byName.values()) {
            p.parseFile(file);
        }
        if (cmdlineFile != null && Files.isRegularFile(Path.of(cmdlineFile))) {
            try {
                p.parseKernelCmdline(Files.readString(Path.of(cmdlineFile), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                p.config.warnings.add(new ModprobeConfig.Warning(cmdlineFile, 0, "cannot read: " + e.getMessage()));
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
                    config.warnings.add(new ModprobeConfig.Warning(full, 0,
                            "directories inside configuration directories are not read"));
                    continue;
                }
                byName.putIfAbsent(n, full);
            }
        } catch (IOException e) {
            config.warnings.add(new ModprobeConfig.Warning(path, 0, "cannot list: " + e.getMessage()));
        }
    }

    private void parseFile(String file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            config.warnings.add(new ModprobeConfig.Warning(file, 0, "cannot read: " + e.getMessage()));
            return;
        }
        config.files.add(file);
        parseText(file, new String(bytes, StandardCharsets.UTF_8));
    }

    private void parseText(String file, String text) {
        String[] physical = text.split("\n", -1);
        int n = 0;
        while (n < physical.length) {
            int first = n + 1;
            StringBuilder line = new StringBuilder(physical[n++]);
            while (line.length() > 0 && line.charAt(line.length() - 1) == '\\' && n < physical.length) {
                line.setLength(line.length() - 1);
                line.append(physical[n++]);
            }
            parseLine(file, first, line.toString());
        }
    }

    private void parseLine(String file, int lineNo, String line) {
        String t = line.stripLeading();
        if (t.isEmpty() || t.startsWith("#")) {
            return;
        }
        Words w = new Words(t);
        String cmd = w.next();
        switch (cmd) {
            case "alias" -> {
                String pattern = w.next();
                String module = w.next();
                if (pattern == null || module == null) {
                    bad(file, lineNo, "'alias' needs a pattern and a module name: alias PATTERN MODULE");
                    return;
                }
                extra(file, lineNo, cmd, w);
                config.aliases.add(new ModprobeConfig.Alias(ModuleNames.underscores(pattern), ModuleNames.underscores(module)));
            }
            case "blacklist" -> {
                String module = w.next();
                if (module == null) {
                    bad(file, lineNo, "'blacklist' needs a module name: blacklist MODULE");
                    return;
                }
                extra(file, lineNo, cmd, w);
                config.blacklist.add(ModuleNames.underscores(module));
            }
            case "options" -> {
                String module = w.next();
                String rest = w.rest();
                if (module == null || rest == null) {
                    bad(file, lineNo, "'options' needs a module name and options: options MODULE OPTION...");
                    return;
                }
                config.options.add(new ModprobeConfig.Options(ModuleNames.underscores(module), rest.replace('\t', ' ')));
            }
            case "install", "remove" -> {
                String module = w.next();
                String rest = w.rest();
                if (module == null || rest == null) {
                    bad(file, lineNo, "'" + cmd + "' needs a module name and a command: " + cmd + " MODULE COMMAND...");
                    return;
                }
                (cmd.equals("install") ? config.install : config.remove)
                        .add(new ModprobeConfig.Command(ModuleNames.underscores(module), rest));
            }
            case "softdep" -> softdep(file, lineNo, w);
            case "include", "config" -> config.warnings.add(new ModprobeConfig.Warning(file, lineNo,
                    "'" + cmd + "' is not supported (kmod dropped it); line ignored"));
            default -> bad(file, lineNo, "unknown command '" + cmd + "'");
        }
    }

    private void softdep(String file, int lineNo, Words w) {
        String module = w.next();
        if (module == null || w.atEnd()) {
            bad(file, lineNo, "'softdep' needs a module name and dependencies: softdep MODULE [pre: A...] [post: B...]");
            return;
        }
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        List<String> mode = null;
        List<String> stray = new ArrayList<>();
        for (String d = w.next(); d != null; d = w.next()) {
            if (d.equals("pre:")) {
                mode = pre;
            } else if (d.equals("post:")) {
                mode = post;
            } else if (mode == null) {
                stray.add(d);
            } else {
                mode.add(d);
            }
        }
        if (!stray.isEmpty()) {
            config.warnings.add(new ModprobeConfig.Warning(file, lineNo, "softdep " + module + ": '"
                    + String.join(" ", stray) + "' is not after 'pre:' or 'post:' and is ignored"));
        }
        config.softdeps.add(new ModprobeConfig.Softdep(ModuleNames.underscores(module), pre, post));
    }

    private void bad(String file, int lineNo, String message) {
        config.warnings.add(new ModprobeConfig.Warning(file, lineNo, message + "; line ignored"));
    }

    private void extra(String file, int lineNo, String cmd, Words w) {
        String rest = w.rest();
        if (rest != null && !rest.isBlank()) {
            config.warnings.add(new ModprobeConfig.Warning(file, lineNo,
                    "'" + cmd + "': extra words ignored: '" + rest.strip() + "'"));
        }
    }

    private void parseKernelCmdline(String cmdline) {
        for (String word : kernelWords(cmdline)) {
            if (word.equals("--")) {
                return;
            }
            int dot = word.indexOf('.');
            int eq = word.indexOf('=');
            if (dot <= 0 || (eq >= 0 && eq < dot) || dot == word.length() - 1) {
                continue; // not module.param
            }
            String module = word.substring(0, dot);
            String param = word.substring(dot + 1);
            if (module.equals("modprobe") && param.startsWith("blacklist=")) {
                for (String m : param.substring("blacklist=".length()).split(",")) {
                    if (!m.isEmpty()) {
                        config.blacklist.add(m);
                    }
                }
            } else {
                config.options.add(new ModprobeConfig.Options(ModuleNames.underscores(module), param));
            }
        }
    }

    /** The kernel's split: spaces separate words except inside double quotes. */
    static List<String> kernelWords(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
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
