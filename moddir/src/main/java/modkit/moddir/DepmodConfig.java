package modkit.moddir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import modkit.moddir.RootPrefix;

/**
 * depmod.d configuration (man depmod.d): which module directories win when two hold a module of the same name,
 * which directories outside the tree to add, and which to skip.
 *
 * <pre>
 *   search SUBDIR... | built-in | external    priority order of subdirectories; the first listed wins
 *   override MODULE KERNELVERSION SUBDIR      this subdirectory's copy of MODULE wins whatever the search order
 *   external KERNELVERSION DIR...             also scan DIR (absolute) for this kernel version
 *   exclude DIR                               skip every file or directory of this name while scanning
 * </pre>
 * KERNELVERSION is {@code *} or an extended regular expression that must match somewhere in the version.
 * Files are the {@code *.conf} of each directory, read in name order; a name seen in an earlier directory hides
 * later ones. Without any {@code search} line, {@code updates} comes first, then the rest of the tree.
 */
public final class DepmodConfig {
    public static final String BUILTIN = "built-in";
    public static final String EXTERNAL = "external";
    private String sysroot = "";
    /**
     * kmod's default search path for depmod.d (depmod.c's default_cfg_paths), earlier directories winning on equal
     * file names; on the host, or under {@code --sysroot}.
     */
    public static final List<String> DEFAULT_DIRS =
            List.of("/etc/depmod.d", "/run/depmod.d", "/usr/local/lib/depmod.d", "/lib/depmod.d");

    /** {@code override MODULE VERSION SUBDIR}: the copy of MODULE directly in SUBDIR wins. */
    public record Override(String modname, String subdir) {}

    private final List<String> searches = new ArrayList<>();
    private final List<Override> overrides = new ArrayList<>();
    private final List<Path> externals = new ArrayList<>();
    private final Set<String> excludes = new LinkedHashSet<>();

    /** Search entries, highest priority first ({@link #BUILTIN} and {@link #EXTERNAL} stand for those sets). */
    public List<String> searches() {
        return searches;
    }

    public List<Override> overrides() {
        return overrides;
    }

    /** {@code --sysroot} ("" for none): external modules are named in modules.dep as seen inside it. */
    public String sysroot() {
        return sysroot;
    }

    /** External directories, already under the sysroot. */
    public List<Path> externals() {
        return externals;
    }

    public Set<String> excludes() {
        return excludes;
    }

    /** The configuration with no files at all. */
    public static DepmodConfig empty() {
        DepmodConfig c = new DepmodConfig();
        c.searches.add("updates");
        return c;
    }

    /**
     * Reads the configuration from {@code paths} (files or directories of *.conf). {@code root} prefixes the
     * directories named by {@code external} lines; {@code warn} receives one line per ignored input.
     */
    public static DepmodConfig load(List<Path> paths, RootPrefix root, String kversion, Consumer<String> warn) {
        TreeMap<String, Path> files = new TreeMap<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p)) {
                files.putIfAbsent(p.getFileName().toString(), p);
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    for (Path f : (Iterable<Path>) list::iterator) {
                        String name = f.getFileName().toString();
                        if (name.startsWith(".") || !name.endsWith(".conf") || Files.isDirectory(f)) {
                            continue;
                        }
                        files.putIfAbsent(name, f);
                    }
                } catch (IOException e) {
                    warn.accept("could not read configuration directory " + p + ": " + e.getMessage());
                }
            }
        }
        DepmodConfig c = new DepmodConfig();
        c.sysroot = root.sysroot();
        for (Path f : files.values()) {
            c.parse(f, root, kversion, warn);
        }
        if (c.searches.isEmpty()) {
            c.searches.add("updates");
        }
        return c;
    }

    private void parse(Path file, RootPrefix root, String kversion, Consumer<String> warn) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            warn.accept("could not read " + file + ": " + e.getMessage());
            return;
        }
        StringBuilder joined = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (joined.isEmpty()) {
                start = i + 1;
            }
            if (line.endsWith("\\")) { // a backslash at the end continues the line
                joined.append(line, 0, line.length() - 1);
                continue;
            }
            joined.append(line);
            parseLine(file, start, joined.toString(), root, kversion, warn);
            joined.setLength(0);
        }
        if (!joined.isEmpty()) {
            parseLine(file, start, joined.toString(), root, kversion, warn);
        }
    }

    private void parseLine(Path file, int lineNo, String line, RootPrefix root, String kversion, Consumer<String> warn) {
        int nul = line.indexOf('\0');
        if (nul >= 0) {
            line = line.substring(0, nul); // kmod reads the line as a C string: it ends at the NUL
        }
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return;
        }
        String[] w = t.split("[ \t]+");
        switch (w[0]) {
            case "search" -> {
                for (int i = 1; i < w.length; i++) {
                    searches.add(w[i]);
                }
            }
            case "override" -> {
                if (w.length < 4) {
                    warn.accept(file + ":" + lineNo + ": ignoring bad line starting with 'override': expected 'override MODULE KERNELVERSION SUBDIR'");
                } else if (kernelMatches(w[2], kversion)) {
                    overrides.add(new Override(w[1].replace('-', '_'), trimSlashes(w[3])));
                }
            }
            case "external" -> {
                if (w.length < 3) {
                    warn.accept(file + ":" + lineNo + ": ignoring bad line starting with 'external': expected 'external KERNELVERSION DIR...'");
                } else if (kernelMatches(w[1], kversion)) {
                    for (int i = 2; i < w.length; i++) {
                        externals.add(root.systemPath(w[i]));
                    }
                }
            }
            case "exclude" -> {
                if (w.length < 2) {
                    warn.accept(file + ":" + lineNo + ": ignoring bad line starting with 'exclude': expected 'exclude DIR'");
                } else {
                    for (int i = 1; i < w.length; i++) {
                        excludes.add(w[i]);
                    }
                }
            }
            case "include", "make_map_files" -> {} // accepted by kmod, not implemented there either
            default -> warn.accept(file + ":" + lineNo + ": ignoring bad line starting with '" + w[0] + "'");
        }
    }

    private static String trimSlashes(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '/') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == '/') {
            b--;
        }
        return s.substring(a, b);
    }

    /** kmod's cfg_kernel_matches: "*" matches all, else an unanchored extended regular expression. */
    static boolean kernelMatches(String pattern, String kversion) {
        if (pattern.equals("*")) {
            return true;
        }
        try {
            return Pattern.compile(pattern).matcher(kversion).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
