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
    public record OutputFile(String name, boolean binary, boolean needsGraph, BiConsumer<DepmodOutput, ByteBuilder> render,
            Function<DepmodOutput, List<Object>> json) {
        public OutputFile {
            if (binary != (json == null)) {
                throw new IllegalArgumentException(name + ": a text file has a JSON view, an index has none");
            }
        }

        static OutputFile text(String name, boolean needsGraph, BiConsumer<DepmodOutput, ByteBuilder> render,
                Function<DepmodOutput, List<Object>> json) {
            return new OutputFile(name, false, needsGraph, render, json);
        }

        static OutputFile index(String name, boolean needsGraph, BiConsumer<DepmodOutput, ByteBuilder> render) {
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
    // By identity (each file is one constant of TABLE): a record's own hashCode is bootstrapped at run time, and
    // spun six classes in every depmod run.
    private final Map<OutputFile, CompletableFuture<Rendered>> early = new java.util.IdentityHashMap<>();

    /**
     * Where the files go as they are rendered: each is handed a builder to fill, one in memory or one that writes a
     * file as it fills.
     */
    public interface Sink {
        /** Makes file {@code name} with {@code render}, on the calling thread, out of sight until published. */
        Made put(String name, Consumer<ByteBuilder> render);
    }

    /**
     * A file made: published once the dependency graph is known to have no cycle, discarded otherwise (the files
     * that need no graph are made before that is known).
     */
    public interface Made {
        void publish();

        void discard();
    }

    /** One file made and the warnings rendering it gave. */
    private record Rendered(Made made, List<String> warnings) {}

    /** A sink that keeps the files in memory. */
    public static final class InMemory implements Sink {
        private final Map<String, byte[]> files = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Made put(String name, Consumer<ByteBuilder> render) {
            ByteBuilder b = new ByteBuilder();
            render.accept(b);
            byte[] bytes = b.toBytes();
            return new Made() {
                @Override
                public void publish() {
                    files.put(name, bytes);
                }

                @Override
                public void discard() {}
            };
        }

        /** The files made, in table order. */
        public Map<String, byte[]> files() {
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (OutputFile f : TABLE) {
                byte[] b = files.get(f.name());
                if (b != null) {
                    out.put(f.name(), b);
                }
            }
            return out;
        }
    }

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
     * builtins) into {@code sink}, so they are made while the caller builds the graph.
     */
    public void startGraphFree(Sink sink) {
        for (OutputFile f : TABLE) {
            if (!f.needsGraph()) {
                early.computeIfAbsent(f, k -> CompletableFuture.supplyAsync(() -> renderCollecting(k, sink)));
            }
        }
    }

    /**
     * Renders every file with {@code graph} into {@code sink}, in parallel (they are independent), joining those
     * started early. Each file's warnings go to {@code warn} after all are rendered, in file order, so the output
     * does not depend on thread timing.
     */
    public void renderAll(DependencyGraph graph, Sink sink) {
        this.graph = graph;
        deps(); // computed once, up front: the dependency walk is not thread-safe
        List<List<String>> warnings = new ArrayList<>(java.util.Collections.nCopies(TABLE.size(), null));
        IntStream.range(0, TABLE.size()).parallel().forEach(i -> {
            OutputFile file = TABLE.get(i);
            CompletableFuture<Rendered> started = early.get(file);
            Rendered r = started != null ? started.join() : renderCollecting(file, sink);
            r.made().publish();
            warnings.set(i, r.warnings());
        });
        for (List<String> w : warnings) {
            w.forEach(defaultWarn);
        }
    }

    /** Waits for the files started early and discards them: the graph has a cycle, and nothing is written. */
    public void discardEarly() {
        for (CompletableFuture<Rendered> f : early.values()) {
            f.join().made().discard();
        }
    }

    /** Renders {@code file} into {@code sink}, with the warnings it gave. */
    private Rendered renderCollecting(OutputFile file, Sink sink) {
        List<String> warnings = new ArrayList<>();
        warn.set(warnings::add);
        try {
            return new Rendered(sink.put(file.name(), b -> file.render().accept(this, b)), warnings);
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

    private void depText(ByteBuilder t) {
        deps();
        for (byte[] l : depLines) {
            t.add(l, 0, l.length).nl();
        }
    }

    private void depBin(ByteBuilder out) {
        deps();
        IndexWriter w = new IndexWriter();
        for (int i = 0; i < modules.size(); i++) {
            w.add(modules.get(i).file().modname(), depLines[i], i);
        }
        w.writeTo(out);
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
        eachAlias(m, a -> out.add(new String[] {a, m.file().modname()}));
    }

    private void aliasText(ByteBuilder t) {
        t.line("# Aliases extracted from modules themselves.");
        for (int i = 0; i < modules.size(); i++) {
            aliasLines(t, modules.get(i));
        }
    }

    /** (Straight from the modules: the list of pairs {@link #aliases} makes was 26,000 arrays on Debian's tree.) */
    private static void aliasLines(ByteBuilder t, Scanned m) {
        eachAlias(m, a -> t.add("alias ").add(a).add(' ').add(m.file().modname()).nl());
    }

    private void aliasBin(ByteBuilder out) {
        IndexWriter w = new IndexWriter();
        for (int i = 0; i < modules.size(); i++) {
            indexAliases(w, i);
        }
        w.writeTo(out);
    }

    private void indexAliases(IndexWriter w, int i) {
        Scanned m = modules.get(i);
        eachAlias(m, a -> {
            String alias = normalizeAlias(a);
            if (alias != null) {
                w.add(alias, m.file().modname(), i);
            }
        });
    }

    /** Each pattern of the module's alias= entries, in order: the one reading behind all three alias outputs. */
    private static void eachAlias(Scanned m, Consumer<String> to) {
        for (ModInfo.Entry e : m.summary().modinfo()) {
            if (e.key().equals("alias")) {
                to.accept(e.value());
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
    private void weakdepText(ByteBuilder t) {
        t.line("# Weak dependencies extracted from modules themselves.");
        for (String[] s : weakdeps()) {
            t.add("weakdep ").add(s[0]).add(' ').add(s[1]).nl();
        }
    }

    private void softdepText(ByteBuilder t) {
        t.line("# Soft dependencies extracted from modules themselves.");
        for (String[] s : softdeps()) {
            t.add("softdep ").add(s[0]).add(' ').add(s[1]).nl();
        }
    }

    /** (symbol, owning module index) in kmod's hash order. */
    public synchronized List<Map.Entry<String, Integer>> symbols() {
        if (symbols == null) {
            symbols = KmodHash.iterationOrder(graph.symbolOwners(), Map.Entry::getKey, KmodHash.SYMBOL_BUCKETS);
        }
        return symbols;
    }

    private void symbolText(ByteBuilder t) {
        t.line("# Aliases for symbols, used by symbol_request().");
        List<Map.Entry<String, Integer>> symbols = symbols();
        for (int i = 0; i < symbols.size(); i++) {
            symbolLine(t, symbols.get(i));
        }
    }

    private void symbolLine(ByteBuilder t, Map.Entry<String, Integer> s) {
        t.add("alias symbol:").add(s.getKey()).add(' ').add(modules.get(s.getValue()).file().modname()).nl();
    }

    private void symbolsBin(ByteBuilder out) {
        IndexWriter w = new IndexWriter();
        List<Map.Entry<String, Integer>> symbols = symbols();
        for (int i = 0; i < symbols.size(); i++) {
            indexSymbol(w, symbols.get(i));
        }
        w.writeTo(out);
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

    private void devnameText(ByteBuilder t) {
        List<Devname> d = devnames();
        if (!d.isEmpty()) {
            t.line("# Device nodes to trigger on-demand module loading.");
        }
        for (Devname n : d) {
            t.add(n.modname()).add(' ').add(n.devname()).add(' ').add(n.type()).add(n.major()).add(':').add(n.minor()).nl();
        }
    }

    /** Without modules.builtin the file is empty, as kmod leaves it. */
    private void builtinBin(ByteBuilder out) {
        if (builtin == null) {
            return;
        }
        IndexWriter w = new IndexWriter();
        for (String name : ModulesBuiltin.names(builtin, line -> warn("Invalid modules.builtin line: " + line))) {
            w.add(name, "", 0);
        }
        w.writeTo(out);
    }

    /** Empty without modules.builtin.modinfo, or when it has no module, as kmod leaves it. */
    private void builtinAliasBin(ByteBuilder out) {
        if (builtinModinfo == null) {
            return;
        }
        Map<String, List<ModInfo.Entry>> mods = BuiltinModinfo.byModule(builtinModinfo);
        if (mods.isEmpty()) {
            return;
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
        w.writeTo(out);
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
