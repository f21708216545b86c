package modkit.depmod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import modkit.depmod.ModuleScanner.Scanned;
import modkit.depmod.ModuleTree.ModuleFile;
import modkit.elf.Invocation;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.moddir.ByteBuilder;
import modkit.moddir.RootPrefix;
import modkit.moddir.DepmodConfig;

/**
 * depmod: scans {@code ROOT/lib/modules/VERSION}, resolves every module's needed symbols against the others'
 * exports, and writes modules.dep, modules.alias, modules.symbols, modules.softdep, modules.devname and the binary
 * indexes, in kmod's formats (see {@link DepmodOutput}).
 *
 * <p>Steps: read depmod.d ({@link DepmodConfig}); find the module files ({@link ModuleTree}); read them on every
 * core while the walk goes on ({@link ModuleScanner}); order them as modules.order lists them, the rest in kmod's hash order; resolve and
 * sort ({@link DependencyGraph}); render. A dependency cycle stops depmod before anything is written, as in kmod.
 * A module file that cannot be read is named with its reason and left out; the indexes are still written for all
 * the others.
 */
public final class Depmod {
    /** Messages for the user; the command prefixes them with "depmod: ERROR: " or "depmod: WARNING: ". */
    public interface Log {
        void error(String message);

        void warning(String message);
    }

    /**
     * What to do.
     *
     * @param root where the module directory ({@code -b}, {@code -m}) and depmod.d ({@code --sysroot}) are
     * @param configPaths depmod.d files or directories ({@code -C}); null for the defaults under the sysroot
     * @param files explicit module files to index instead of the whole tree (may be empty)
     * @param systemMap {@code -F}: kernel exports, for {@code -e}
     * @param symvers {@code -E}: kernel exports with CRCs, for {@code -e}
     * @param symbolPrefix {@code -P}, 0 for none
     */
    public record Options(RootPrefix root, String version, List<Path> configPaths, List<Path> files, boolean quick,
            boolean errsyms, Path systemMap, Path symvers, char symbolPrefix) {}

    /**
     * The outcome: the files kept in memory (empty when they went to a directory; null if nothing was produced: up
     * to date, or a cycle), the modules that could not be read, the cycles, and the exit status.
     */
    public record Result(Map<String, byte[]> files, DepmodOutput output, List<ModuleScanner.Bad> bad,
            List<String> cycles, int exitCode) {}

    private Depmod() {}

    /** Phase times on stderr when the system property modkit.timing is set (for the benchmark). */
    private static final class Timing {
        private final boolean on = System.getProperty("modkit.timing") != null;
        private long last = System.nanoTime();

        void mark(String phase) {
            if (on) {
                long now = System.nanoTime();
                System.err.printf("depmod timing: %-26s %7.1f ms%n", phase, (now - last) / 1e6);
                last = now;
            }
        }
    }

    public static Path moduleDir(Options o) {
        return o.root().moduleDirPath(o.version());
    }

    /** Computes everything, keeping the files in memory; writes nothing. */
    public static Result compute(Options o, Log log) {
        DepmodOutput.InMemory files = new DepmodOutput.InMemory();
        Result r = compute(o, log, files);
        return r.files() == null ? r : new Result(files.files(), r.output(), r.bad(), r.cycles(), r.exitCode());
    }

    /**
     * Computes everything and renders each file into {@code sink} (files are rendered in parallel; see
     * {@link #toDirectory}); nothing is rendered when there is nothing to write (up to date, or a dependency
     * cycle).
     */
    public static Result compute(Options o, Log log, DepmodOutput.Sink sink) {
        Timing time = new Timing();
        Path dir = moduleDir(o);
        if (o.quick() && isUpToDate(dir)) {
            return new Result(null, null, List.of(), List.of(), 0);
        }
        DepmodConfig cfg = DepmodConfig.load(configPaths(o), o.root(), o.version(), log::error);
        ModuleScanner scanner = new ModuleScanner();
        List<ModuleFile> files = o.files().isEmpty() ? ModuleTree.find(dir, cfg, log::error, scanner::found)
                : explicitFiles(dir, o.files());
        time.mark("find");
        ModuleScanner.Result scan = scanner.scan(files);
        time.mark("scan");
        for (ModuleScanner.Bad b : scan.bad()) {
            log.error(b.reason());
        }
        List<Scanned> modules = order(scan.modules(), readOptional(dir, "modules.order", log), dir, log);
        // The builtin files are read now, for the renders that start before the graph is built, but kmod reads
        // them when it writes: their warnings wait until then.
        List<String> readWarnings = new ArrayList<>();
        Log deferred = new Log() {
            @Override
            public void error(String message) {
                log.error(message);
            }

            @Override
            public void warning(String message) {
                readWarnings.add(message);
            }
        };
        DepmodOutput out = new DepmodOutput(modules, readOptional(dir, "modules.builtin", deferred),
                readOptional(dir, "modules.builtin.modinfo", deferred), log::warning);
        out.startGraphFree(sink);
        DependencyGraph graph;
        try {
            graph = resolve(o, modules, log);
        } catch (RuntimeException e) { // (a -E or -F file that cannot be read, say): nothing is left behind
            try {
                out.discardEarly();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        time.mark("resolve");
        if (!graph.cycles().isEmpty()) {
            for (String c : graph.cycles()) {
                log.error("Cycle detected: " + c);
            }
            log.error("Found " + graph.modulesInCycles() + " modules in dependency cycles!");
            out.discardEarly();
            return new Result(null, null, scan.bad(), graph.cycles(), 1);
        }
        readWarnings.forEach(log::warning);
        out.renderAll(graph, sink);
        time.mark("render");
        return new Result(Map.of(), out, scan.bad(), List.of(), scan.bad().isEmpty() ? 0 : 1);
    }

    /** The dependency graph, with the kernel's exports from -E or -F when given. */
    private static DependencyGraph resolve(Options o, List<Scanned> modules, Log log) {
        Map<String, Long> kernel = null;
        boolean printUnknown = o.errsyms();
        if (o.symvers() != null) {
            kernel = KernelSymbols.fromSymvers(o.symvers(), o.symbolPrefix(), log::error);
        } else if (o.systemMap() != null) {
            kernel = KernelSymbols.fromSystemMap(o.systemMap(), o.symbolPrefix(), log::error);
        } else if (printUnknown) {
            log.warning("-e needs -E or -F");
            printUnknown = false;
        }
        return DependencyGraph.build(modules,
                kernel, new DependencyGraph.Checks(printUnknown, o.symvers() != null, o.symbolPrefix()), log::warning);
    }

    /** A sink that writes each file into {@code dir} as it is rendered (see {@link #write}). */
    public static DepmodOutput.Sink toDirectory(Path dir) {
        return (name, render) -> write(dir, name, render);
    }

    /**
     * Writes one file as NAME.tmp while {@code render} fills it; publishing renames it into place, so a reader
     * never sees half a file. The directory is made if missing (kmod 34 makes its {@code --outdir} so). The bytes
     * go to the file as they are made: none of the files is ever whole in memory.
     */
    public static DepmodOutput.Made write(Path dir, String name, Consumer<ByteBuilder> render) {
        Path tmp = dir.resolve(name + ".tmp");
        Path dst = dir.resolve(name);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(Invocation.absolute(dir)); // (the JDK makes a relative one absolute against its start directory)
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuilder b = ByteBuilder.to(ch);
                render.accept(b);
                b.flush();
            } catch (UncheckedIOException x) {
                throw x.getCause();
            }
        } catch (IOException x) {
            throw cannotWrite(name, dir, x);
        }
        return new DepmodOutput.Made() {
            @Override
            public void publish() {
                try {
                    try {
                        Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException x) {
                        Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException x) {
                    throw cannotWrite(name, dir, x);
                }
            }

            @Override
            public void discard() {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException x) {
                    throw cannotWrite(name, dir, x);
                }
            }
        };
    }

    private static ModkitException cannotWrite(String name, Path dir, IOException x) {
        return new ModkitException("could not write index '" + name + "' in " + dir + ": " + x.getMessage());
    }

    /** The text files concatenated, as {@code depmod -n} prints them. */
    public static byte[] dryRun(Map<String, byte[]> files) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (!DepmodOutput.file(e.getKey()).binary()) {
                out.writeBytes(e.getValue());
            }
        }
        return out.toByteArray();
    }

    private static List<Path> configPaths(Options o) {
        if (o.configPaths() != null) {
            return o.configPaths();
        }
        List<Path> out = new ArrayList<>();
        for (String d : DepmodConfig.DEFAULT_DIRS) {
            out.add(o.root().systemPath(d));
        }
        return out;
    }

    private static List<ModuleFile> explicitFiles(Path dir, List<Path> files) {
        List<ModuleFile> out = new ArrayList<>();
        for (Path p : files) {
            Path abs = Invocation.absolute(p).normalize();
            Path base = Invocation.absolute(dir).normalize();
            String rel = abs.startsWith(base)
                    ? base.relativize(abs).toString()
                    : null;
            out.add(new ModuleFile(abs, rel, ModuleNames.fromPath(abs.getFileName().toString())));
        }
        return out;
    }

    private static byte[] readOptional(Path dir, String name, Log log) {
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            log.warning("could not open " + name + " at " + dir + ": No such file or directory");
            return null;
        } catch (IOException e) {
            log.warning("could not open " + name + " at " + dir + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * Module order: modules.order's lines first, in that order; modules it does not list after them, in the order
     * kmod's module hash table yields them. A modules.order whose last line lacks its newline is ignored, as kmod
     * ignores it.
     */
    static List<Scanned> order(List<Scanned> scanned, byte[] modulesOrder, Path dir, Log log) {
        List<Scanned> hashOrder = KmodHash.iterationOrder(scanned, s -> s.file().modname(), KmodHash.MODULE_BUCKETS);
        if (modulesOrder == null) {
            return hashOrder;
        }
        String text = new String(modulesOrder, StandardCharsets.ISO_8859_1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            int lines = text.split("\n", -1).length;
            log.error(dir.resolve("modules.order") + ":" + lines + " corrupted line misses '\\n'");
            return hashOrder;
        }
        Map<String, Integer> position = new HashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            position.put(lines[i], i - lines.length - 1);
        }
        // Sorted stably by rank, like glibc's msort (no map lookups or boxes per comparison).
        int[] order = StableOrder.byKey(hashOrder.size(), i -> rank(hashOrder.get(i), position));
        List<Scanned> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(hashOrder.get(i));
        }
        return out;
    }

    /** modules.order's listed modules first, in its order (negative ranks), then the others (1), as in kmod. */
    private static int rank(Scanned s, Map<String, Integer> position) {
        String rel = s.file().uncompressedRelpath();
        Integer p = rel == null ? null : position.get(rel);
        return p == null ? 1 : p;
    }

    /** depmod -A: true if modules.dep exists and no module file is newer. */
    static boolean isUpToDate(Path dir) {
        FileTime depTime;
        try {
            depTime = Files.getLastModifiedTime(dir.resolve("modules.dep"));
        } catch (IOException e) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(p -> ModuleTree.isModuleFile(p.getFileName().toString())).noneMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(depTime) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
