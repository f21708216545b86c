package modkit.depmod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import modkit.depmod.ModuleScanner.Scanned;
import modkit.elf.ModInfo;
import modkit.elf.ModuleNames;
import modkit.moddir.IndexWriter;
import modkit.moddir.ModulesBuiltin;
import modkit.moddir.BuiltinModinfo;
import modkit.moddir.ByteBuilder;

/**
 * Renders the files depmod writes, in kmod's formats and line order: the text files for people (and for
 * {@code depmod -n}) and the binary indexes modprobe reads. Modules are taken in their final order (modules.order
 * first); a module's position is the priority of its index values.
 */
public final class DepmodOutput {
    /**
     * One file depmod writes. {@code binary}: an index for libkmod, written but not printed by {@code depmod -n};
     * a text file has a {@code json} view instead ({@code depmod --json}), so the record refuses a text file
     * without one and an index with one. {@code needsGraph}: the content depends on who needs whom; the others are
     * rendered on other threads while the graph is worked out.
     */
    public record OutputFile(String name, boolean binary, boolean needsGraph, Function<DepmodOutput, byte[]> render,
            Function<DepmodOutput, List<Object>> json) {
        public OutputFile {
            if (binary != (json == null)) {
                throw new IllegalArgumentException(name + ": a text file has a JSON view, an index has none");
            }
        }

        static OutputFile text(String name, boolean needsGraph, Function<DepmodOutput, byte[]> render,
                Function<DepmodOutput, List<Object>> json) {
            return new OutputFile(name, false, needsGraph, render, json);
        }

        static OutputFile index(String name, boolean needsGraph, Function<DepmodOutput, byte[]> render) {
            return new OutputFile(name, true, needsGraph, render, null);
        }
    }

    /**
     * Every file depmod writes, in the order kmod 34 writes them (modules.weakdep is kmod 34's; kmod 30 writes all
     * the others). Adding a file is a row here and its renderer: writing, {@code -n}, {@code --json} and the tests
     * that compare with kmod all go by this table.
     */
    public static final List<OutputFile> TABLE = List.of(
            OutputFile.text("modules.dep", true, DepmodOutput::depText, DepmodOutput::depJson),
            OutputFile.index("modules.dep.bin", true, DepmodOutput::depBin),
            OutputFile.text("modules.alias", false, DepmodOutput::aliasText, DepmodOutput::aliasJson),
            OutputFile.index("modules.alias.bin", false, DepmodOutput::aliasBin),
            OutputFile.text("modules.softdep", false, DepmodOutput::softdepText, DepmodOutput::softdepJson),
            OutputFile.text("modules.weakdep", false, DepmodOutput::weakdepText, DepmodOutput::weakdepJson),
            OutputFile.text("modules.symbols", true, DepmodOutput::symbolText, DepmodOutput::symbolJson),
            OutputFile.index("modules.symbols.bin", true, DepmodOutput::symbolsBin),
            OutputFile.index("modules.builtin.bin", false, DepmodOutput::builtinBin),
            OutputFile.index("modules.builtin.alias.bin", false, DepmodOutput::builtinAliasBin),
            OutputFile.text("modules.devname", false, DepmodOutput::devnameText, DepmodOutput::devnameJson));

    /** The file names of {@link #TABLE}, in its order. */
    public static final List<String> FILES = TABLE.stream().map(OutputFile::name).toList();

    /** The .modinfo keys the files are made from; a scan for depmod need keep no others. */
    public static final Set<String> MODINFO_KEYS = Set.of("alias", "softdep", "weakdep");

    /** A device node line of modules.devname. */
    public record Devname(String modname, String devname, char type, long major, long minor) {}

    private final List<Scanned> modules;
    private volatile DependencyGraph graph;
    private final byte[] builtin;
    private final byte[] builtinModinfo;
    private final ThreadLocal<Consumer<String>> warn = new ThreadLocal<>();
    private final Consumer<String> defaultWarn;
    private final Map<OutputFile, CompletableFuture<Rendered>> early = new HashMap<>();

    /** One file's bytes and the warnings rendering it gave. */
    private record Rendered(byte[] bytes, List<String> warnings) {}

    /**
     * @param builtin the modules.builtin file, or null if absent
     * @param builtinModinfo the modules.builtin.modinfo file, or null if absent
     */
    public DepmodOutput(List<Scanned> modules, byte[] builtin, byte[] builtinModinfo, Consumer<String> warn) {
        this.modules = modules;
        this.builtin = builtin;
        this.builtinModinfo = builtinModinfo;
        this.defaultWarn = warn;
    }

    private void warn(String message) {
        Consumer<String> w = warn.get();
        (w != null ? w : defaultWarn).accept(message);
    }

    /**
     * Starts rendering, on other threads, the files that need no dependency graph (aliases, softdeps, devnames,
     * builtins), so they are made while the caller builds the graph.
     */
    public void startGraphFree() {
        for (OutputFile f : TABLE) {
            if (!f.needsGraph()) {
                early.computeIfAbsent(f, k -> CompletableFuture.supplyAsync(() -> renderCollecting(k)));
            }
        }
    }

    /**
     * Renders every file with {@code graph}, in parallel (they are independent), joining those started early, and
     * hands each to {@code done} on the thread that rendered it, as soon as it is complete (depmod writes it
     * then). Each file's warnings go to {@code warn} after all are rendered, in file order, so the output does
     * not depend on thread timing.
     */
    public Map<String, byte[]> renderAll(DependencyGraph graph, BiConsumer<String, byte[]> done) {
        this.graph = graph;
        deps(); // computed once, up front: the dependency walk is not thread-safe
        Rendered[] parts = new Rendered[TABLE.size()];
        IntStream.range(0, TABLE.size()).parallel().forEach(i -> {
            OutputFile file = TABLE.get(i);
            CompletableFuture<Rendered> started = early.get(file);
            parts[i] = started != null ? started.join() : renderCollecting(file);
            done.accept(file.name(), parts[i].bytes());
        });
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < TABLE.size(); i++) {
            parts[i].warnings().forEach(defaultWarn);
            out.put(TABLE.get(i).name(), parts[i].bytes());
        }
        return out;
    }

    private Rendered renderCollecting(OutputFile file) {
        List<String> warnings = new ArrayList<>();
        warn.set(warnings::add);
        try {
            return new Rendered(file.render().apply(this), warnings);
        } finally {
            warn.remove();
        }
    }

    /** The name of module {@code i} (as {@link #symbols} gives owners by index). */
    public String moduleName(int i) {
        return modules.get(i).file().modname();
    }

    /** The row of {@code file}; a name depmod does not write is a bug of the caller. */
    public static OutputFile file(String name) {
        for (OutputFile f : TABLE) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("depmod writes no " + name);
    }

    /** The text files' contents as data, in table order: what {@code depmod --json} prints. */
    public Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        for (OutputFile f : TABLE) {
            if (!f.binary()) {
                root.put(f.name(), f.json().apply(this));
            }
        }
        return root;
    }

    /** One modules.dep entry: a module and all its dependencies, users first. */
    public record DepLine(String module, List<String> dependencies) {
        /** {@code module: dep dep ...} in Latin-1, without the newline: the text line and the .bin value. */
        @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): the allocation-free Latin-1 copy
        byte[] bytes() {
            int n = module.length() + 1;
            for (String d : dependencies) {
                n += 1 + d.length();
            }
            byte[] b = new byte[n];
            module.getBytes(0, module.length(), b, 0);
            int at = module.length();
            b[at++] = ':';
            for (String d : dependencies) {
                b[at++] = ' ';
                d.getBytes(0, d.length(), b, at);
                at += d.length();
            }
            return b;
        }
    }

    private List<DepLine> deps;
    private byte[][] depLines; // deps' lines as bytes, made once for modules.dep and modules.dep.bin
    private List<Map.Entry<String, Integer>> symbols;

    /** Every modules.dep entry, in module order (computed once). */
    public synchronized List<DepLine> deps() {
        if (deps == null) {
            deps = computeDeps();
        }
        return deps;
    }

    private List<DepLine> computeDeps() {
        List<DepLine> out = new ArrayList<>(modules.size());
        depLines = new byte[modules.size()][];
        for (int i = 0; i < modules.size(); i++) {
            DepLine line = depLine(i);
            out.add(line);
            depLines[i] = line.bytes();
        }
        return out;
    }

    private DepLine depLine(int i) {
        int[] all = graph.allDependencies(i);
        List<String> d = new ArrayList<>(all.length);
        for (int x : all) {
            d.add(modules.get(x).file().depPath());
        }
        return new DepLine(modules.get(i).file().depPath(), d);
    }

    private byte[] depText() {
        deps();
        int size = 0;
        for (byte[] l : depLines) {
            size += l.length + 1;
        }
        ByteBuilder t = new ByteBuilder(size);
        for (byte[] l : depLines) {
            t.add(l, 0, l.length).nl();
        }
        return t.toBytes();
    }

    private byte[] depBin() {
        deps();
        IndexWriter w = new IndexWriter();
        for (int i = 0; i < modules.size(); i++) {
            w.add(modules.get(i).file().modname(), depLines[i], i);
        }
        return w.toBytes();
    }

    // The render loops below each run once per depmod, over every module or symbol: their bodies are methods of
    // their own, which the JIT compiles after a few hundred calls, where a loop body inline would run interpreted
    // until an on-stack replacement, mostly too late to matter.

    /** (pattern, module) pairs from each module's alias= entries, in module order. */
    public List<String[]> aliases() {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < modules.size(); i++) {
            addAliases(modules.get(i), out);
        }
        return out;
    }

    private static void addAliases(Scanned m, List<String[]> out) {
        for (ModInfo.Entry e : m.summary().modinfo()) {
            if (e.key().equals("alias")) {
                out.add(new String[] {e.value(), m.file().modname()});
            }
        }
    }

    private byte[] aliasText() {
        ByteBuilder t = new ByteBuilder().line("# Aliases extracted from modules themselves.");
        List<String[]> aliases = aliases();
        for (int i = 0; i < aliases.size(); i++) {
            aliasLine(t, aliases.get(i));
        }
        return t.toBytes();
    }

    private static void aliasLine(ByteBuilder t, String[] a) {
        t.add("alias ").add(a[0]).add(' ').add(a[1]).nl();
    }

    private byte[] aliasBin() {
        IndexWriter w = new IndexWriter();
        for (int i = 0; i < modules.size(); i++) {
            indexAliases(w, i);
        }
        return w.toBytes();
    }

    private void indexAliases(IndexWriter w, int i) {
        Scanned m = modules.get(i);
        for (ModInfo.Entry e : m.summary().modinfo()) {
            if (e.key().equals("alias")) {
                String alias = normalizeAlias(e.value());
                if (alias != null) {
                    w.add(alias, m.file().modname(), i);
                }
            }
        }
    }

    /** kmod's alias normalization for index keys: '-' becomes '_' outside brackets; null if a bracket is unmatched. */
    String normalizeAlias(String alias) {
        if (alias.indexOf('-') < 0 && alias.indexOf('[') < 0 && alias.indexOf(']') < 0) {
            return alias; // nothing to change, as for most bus ids
        }
        StringBuilder sb = new StringBuilder(alias.length());
        for (int i = 0; i < alias.length(); i++) {
            char c = alias.charAt(i);
            if (c == '-') {
                sb.append('_');
            } else if (c == ']') {
                warn("Unmatched bracket in " + alias);
                return null;
            } else if (c == '[') {
                int close = alias.indexOf(']', i);
                if (close < 0) {
                    warn("Unmatched bracket in " + alias);
                    return null;
                }
                sb.append(alias, i, close + 1);
                i = close;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** (module, softdep value) pairs. */
    public List<String[]> softdeps() {
        return modinfoValues("softdep");
    }

    /** (module, weakdep value) pairs: the modules' MODULE_WEAKDEP (.modinfo "weakdep=..."), as kmod 34 collects them. */
    public List<String[]> weakdeps() {
        return modinfoValues("weakdep");
    }

    private List<String[]> modinfoValues(String key) {
        List<String[]> out = new ArrayList<>();
        for (Scanned m : modules) {
            for (ModInfo.Entry e : m.summary().modinfo()) {
                if (e.key().equals(key)) {
                    out.add(new String[] {m.file().modname(), e.value()});
                }
            }
        }
        return out;
    }

    /** kmod 34's output_weakdeps (depmod.c): a header line, then "weakdep MODULE VALUE" per value, module order. */
    private byte[] weakdepText() {
        ByteBuilder t = new ByteBuilder().line("# Weak dependencies extracted from modules themselves.");
        for (String[] s : weakdeps()) {
            t.add("weakdep ").add(s[0]).add(' ').add(s[1]).nl();
        }
        return t.toBytes();
    }

    private byte[] softdepText() {
        ByteBuilder t = new ByteBuilder().line("# Soft dependencies extracted from modules themselves.");
        for (String[] s : softdeps()) {
            t.add("softdep ").add(s[0]).add(' ').add(s[1]).nl();
        }
        return t.toBytes();
    }

    /** (symbol, owning module index) in kmod's hash order. */
    public synchronized List<Map.Entry<String, Integer>> symbols() {
        if (symbols == null) {
            symbols = KmodHash.iterationOrder(graph.symbolOwners(), Map.Entry::getKey, KmodHash.SYMBOL_BUCKETS);
        }
        return symbols;
    }

    private byte[] symbolText() {
        ByteBuilder t = new ByteBuilder().line("# Aliases for symbols, used by symbol_request().");
        List<Map.Entry<String, Integer>> symbols = symbols();
        for (int i = 0; i < symbols.size(); i++) {
            symbolLine(t, symbols.get(i));
        }
        return t.toBytes();
    }

    private void symbolLine(ByteBuilder t, Map.Entry<String, Integer> s) {
        t.add("alias symbol:").add(s.getKey()).add(' ').add(modules.get(s.getValue()).file().modname()).nl();
    }

    private byte[] symbolsBin() {
        IndexWriter w = new IndexWriter();
        List<Map.Entry<String, Integer>> symbols = symbols();
        for (int i = 0; i < symbols.size(); i++) {
            indexSymbol(w, symbols.get(i));
        }
        return w.toBytes();
    }

    private void indexSymbol(IndexWriter w, Map.Entry<String, Integer> s) {
        w.add("symbol:" + s.getKey(), modules.get(s.getValue()).file().modname(), s.getValue());
    }

    private static final Pattern CHAR_MAJOR = Pattern.compile("char-major-(\\d+)-(\\d+)");
    private static final Pattern BLOCK_MAJOR = Pattern.compile("block-major-(\\d+)-(\\d+)");

    /**
     * Device nodes: a module with a {@code devname:NAME} alias and a {@code char-major-M-N} or
     * {@code block-major-M-N} alias. A devname without numbers is reported and skipped, as kmod does.
     */
    public List<Devname> devnames() {
        List<Devname> out = new ArrayList<>();
        for (int i = 0; i < modules.size(); i++) {
            addDevname(modules.get(i), out);
        }
        return out;
    }

    private void addDevname(Scanned m, List<Devname> out) {
        String devname = null;
        char type = 0;
        long major = 0;
        long minor = 0;
        for (ModInfo.Entry e : m.summary().modinfo()) {
            if (!e.key().equals("alias")) {
                continue;
            }
            String v = e.value();
            Matcher cm;
            if (v.startsWith("devname:")) {
                devname = v.substring("devname:".length());
            } else if (!v.startsWith("char-major-") && !v.startsWith("block-major-")) {
                continue; // most aliases are bus ids: skip them before any regex work
            } else if ((cm = CHAR_MAJOR.matcher(v)).lookingAt()) {
                type = 'c';
                major = Long.parseLong(cm.group(1));
                minor = Long.parseLong(cm.group(2));
            } else if ((cm = BLOCK_MAJOR.matcher(v)).lookingAt()) {
                type = 'b';
                major = Long.parseLong(cm.group(1));
                minor = Long.parseLong(cm.group(2));
            }
            if (type != 0 && devname != null) {
                break;
            }
        }
        if (devname != null) {
            if (type != 0) {
                out.add(new Devname(m.file().modname(), devname, type, major, minor));
            } else {
                warn("Module '" + m.file().modname() + "' has devname (" + devname
                        + ") but lacks major and minor information. Ignoring.");
            }
        }
    }

    private byte[] devnameText() {
        List<Devname> d = devnames();
        ByteBuilder t = new ByteBuilder();
        if (!d.isEmpty()) {
            t.line("# Device nodes to trigger on-demand module loading.");
        }
        for (Devname n : d) {
            t.add(n.modname()).add(' ').add(n.devname()).add(' ').add(n.type()).add(n.major()).add(':').add(n.minor()).nl();
        }
        return t.toBytes();
    }

    private byte[] builtinBin() {
        if (builtin == null) {
            return new byte[0];
        }
        IndexWriter w = new IndexWriter();
        for (String name : ModulesBuiltin.names(builtin, line -> warn("Invalid modules.builtin line: " + line))) {
            w.add(name, "", 0);
        }
        return w.toBytes();
    }

    private byte[] builtinAliasBin() {
        if (builtinModinfo == null) {
            return new byte[0];
        }
        Map<String, List<ModInfo.Entry>> mods = BuiltinModinfo.byModule(builtinModinfo);
        if (mods.isEmpty()) {
            return new byte[0];
        }
        IndexWriter w = new IndexWriter();
        for (Map.Entry<String, List<ModInfo.Entry>> m : mods.entrySet()) {
            for (ModInfo.Entry e : m.getValue()) {
                if (e.key().equals("alias")) {
                    String alias = normalizeAlias(e.value());
                    if (alias != null) {
                        w.add(alias, m.getKey(), 0);
                    }
                }
            }
        }
        return w.toBytes();
    }

    // The JSON views of the text files (depmod --json): the same lines as data, in the same order.

    private List<Object> depJson() {
        List<Object> out = new ArrayList<>();
        for (DepLine d : deps()) {
            out.add(pair("module", d.module(), "dependencies", d.dependencies()));
        }
        return out;
    }

    private List<Object> aliasJson() {
        return pairs(aliases(), "alias", "module");
    }

    private List<Object> softdepJson() {
        return pairs(softdeps(), "module", "softdep");
    }

    private List<Object> weakdepJson() {
        return pairs(weakdeps(), "module", "weakdep");
    }

    private List<Object> symbolJson() {
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, Integer> s : symbols()) {
            out.add(pair("symbol", s.getKey(), "module", moduleName(s.getValue())));
        }
        return out;
    }

    private List<Object> devnameJson() {
        List<Object> out = new ArrayList<>();
        for (Devname d : devnames()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("module", d.modname());
            m.put("devname", d.devname());
            m.put("type", String.valueOf(d.type()));
            m.put("major", d.major());
            m.put("minor", d.minor());
            out.add(m);
        }
        return out;
    }

    private static List<Object> pairs(List<String[]> rows, String k1, String k2) {
        List<Object> out = new ArrayList<>(rows.size());
        for (String[] r : rows) {
            out.add(pair(k1, r[0], k2, r[1]));
        }
        return out;
    }

    private static Map<String, Object> pair(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
