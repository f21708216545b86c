package modkit.depmod;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.moddir.DepmodConfig;

/**
 * Finds the module files of a tree: every {@code *.ko}, {@code .ko.gz}, {@code .ko.xz} and {@code .ko.zst} under
 * the module directory and the configured external directories, skipping {@code build}, {@code source} and
 * excluded names. When two files give the same module name, the depmod.d priorities choose one (see
 * {@link DepmodConfig}); on a tie the first found is kept, directories being read in name order.
 */
public final class ModuleTree {
    static final String[] EXTENSIONS = {".ko", ".ko.gz", ".ko.xz", ".ko.zst"};

    /**
     * One module file. {@code relpath} is relative to the module directory, or null for a file outside it (an
     * external directory); {@link #depPath} is what modules.dep names it by.
     */
    public record ModuleFile(Path path, String relpath, String modname, String sysroot) {
        public ModuleFile(Path path, String relpath, String modname) {
            this(path, relpath, modname, "");
        }

        /**
         * An external module (outside the module directory) is named by its absolute path as the system whose root
         * this is sees it: under {@code --sysroot R}, {@code R/opt/x.ko} is {@code /opt/x.ko}, as kmod run inside
         * that root writes it.
         */
        public String depPath() {
            if (relpath != null) {
                return relpath;
            }
            String p = path.toString();
            return !sysroot.isEmpty() && p.startsWith(sysroot + "/") ? p.substring(sysroot.length()) : p;
        }

        /** The path with the compression extension removed, as modules.order names modules. */
        public String uncompressedRelpath() {
            if (relpath == null) {
                return null;
            }
            int ko = relpath.lastIndexOf(".ko");
            return ko < 0 ? relpath : relpath.substring(0, ko + 3);
        }
    }

    private final Path dir;
    private final DepmodConfig cfg;
    private final Consumer<String> warn;
    private final Consumer<ModuleFile> found;
    private final Map<String, ModuleFile> byName = new LinkedHashMap<>();

    private ModuleTree(Path dir, DepmodConfig cfg, Consumer<String> warn, Consumer<ModuleFile> found) {
        this.dir = dir;
        this.cfg = cfg;
        this.warn = warn;
        this.found = found;
    }

    /** The chosen file of every module name, in the order found. */
    public static List<ModuleFile> find(Path dir, DepmodConfig cfg, Consumer<String> warn) {
        return find(dir, cfg, warn, f -> {});
    }

    /**
     * Like {@link #find(Path, DepmodConfig, Consumer)}, telling {@code found} of every module file as the walk
     * meets it (so reading can start), including files a higher-priority one with the same name later replaces.
     */
    public static List<ModuleFile> find(Path dir, DepmodConfig cfg, Consumer<String> warn, Consumer<ModuleFile> found) {
        if (!Files.isDirectory(dir)) {
            throw new ModkitException("could not open directory " + dir + ": No such file or directory",
                    "give the kernel version whose modules are in " + dir.getParent() + ", or -b for another root");
        }
        ModuleTree t = new ModuleTree(dir, cfg, warn, found);
        t.walk(dir, "");
        for (Path ext : cfg.externals()) {
            if (Files.isDirectory(ext)) {
                t.walk(ext, null);
            }
        }
        return new ArrayList<>(t.byName.values());
    }

    static boolean isModuleFile(String name) {
        for (String e : EXTENSIONS) {
            if (name.endsWith(e) && name.length() > e.length()) {
                return true;
            }
        }
        return false;
    }

    /** {@code rel}: the path of {@code d} relative to the module directory, with a trailing '/' (null: external). */
    private void walk(Path d, String rel) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path p : ds) {
                entries.add(p);
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            warn.accept("could not read directory " + d + ": " + e.getMessage());
            return;
        }
        entries.sort(null);
        for (Path p : entries) {
            visit(p, rel); // (a method: the JIT compiles it while a directory of hundreds of modules is listed)
        }
    }

    private void visit(Path p, String rel) {
        String name = p.getFileName().toString();
        if (name.equals("build") || name.equals("source") || cfg.excludes().contains(name)) {
            return;
        }
        if (isModuleFile(name)) {
            // Taken as a file without a stat (kmod uses readdir's d_type, which Java does not expose); a
            // directory or device with a module's name fails when read and is reported then.
            ModuleFile f = new ModuleFile(p, rel == null ? null : rel + name, ModuleNames.fromPath(name), cfg.sysroot());
            found.accept(f);
            add(f);
        } else if (Files.isDirectory(p)) {
            walk(p, rel == null ? null : rel + name + "/");
        }
    }

    private void add(ModuleFile f) {
        ModuleFile old = byName.get(f.modname());
        if (old == null || !keepsOld(old, f)) {
            if (old != null) {
                byName.remove(f.modname()); // the winner takes its place in scan order
            }
            byName.put(f.modname(), f);
        }
    }

    /** True if the file already found outranks the new one (kmod: depmod_module_is_higher_priority). */
    private boolean keepsOld(ModuleFile old, ModuleFile f) {
        for (DepmodConfig.Override o : cfg.overrides()) {
            if (matches(o, f)) {
                return false;
            }
            if (matches(o, old)) {
                return true;
            }
        }
        return rank(f) <= rank(old);
    }

    private static boolean matches(DepmodConfig.Override o, ModuleFile f) {
        if (f.relpath() == null || !f.modname().equals(o.modname())) {
            return false;
        }
        int slash = f.relpath().lastIndexOf('/');
        return slash >= 0 && f.relpath().substring(0, slash).equals(o.subdir());
    }

    /** Higher is better: the first matching search entry wins; files matching none rank as "built-in", or last. */
    private int rank(ModuleFile f) {
        List<String> s = cfg.searches();
        int n = s.size();
        int builtin = -1;
        for (int i = 0; i < n; i++) {
            String e = s.get(i);
            if (e.equals(DepmodConfig.BUILTIN)) {
                builtin = builtin < 0 ? n - i : builtin;
            } else if (e.equals(DepmodConfig.EXTERNAL)) {
                if (f.relpath() == null) {
                    return n - i;
                }
            } else if (f.relpath() != null && f.relpath().startsWith(trim(e) + "/")) {
                return n - i;
            }
        }
        return builtin;
    }

    private static String trim(String s) {
        String t = s;
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        return t;
    }
}
