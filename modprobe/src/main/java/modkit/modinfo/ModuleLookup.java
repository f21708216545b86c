package modkit.modinfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.depmod.DepmodOutput;
import modkit.moddir.IndexFile;
import modkit.elf.ModInfo;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;

/**
 * Finds the modules a name stands for in {@code ROOT/lib/modules/VERSION}, in kmod's lookup order, through the
 * binary indexes depmod writes: a module name ({@code modules.dep.bin}), {@code symbol:NAME}
 * ({@code modules.symbols.bin}), an alias pattern ({@code modules.alias.bin}), a built-in module
 * ({@code modules.builtin.bin}), a built-in module's alias ({@code modules.builtin.alias.bin}). The first step
 * with a result wins. Names compare with '-' and '_' equal (outside brackets). modprobe.d's {@code alias} lines
 * are not consulted: kmod's modinfo reads no configuration.
 */
public final class ModuleLookup {
    private final Path dir;
    private final String sysroot;

    public ModuleLookup(Path dir) {
        this(dir, "");
    }

    /** {@code sysroot}: {@code --sysroot}, under which modules.dep's absolute paths (external modules) are taken. */
    public ModuleLookup(Path dir, String sysroot) {
        this.dir = dir;
        this.sysroot = sysroot;
    }

    public Path dir() {
        return dir;
    }

    /** Every module {@code name} resolves to, once per matching index entry; empty if none. */
    public List<ModuleInfo> find(String name) {
        String key = ModuleNames.underscores(name);
        String path = modulePath(key);
        if (path != null) {
            return List.of(ModuleInfo.read(Path.of(path), path));
        }
        // Not de-duplicated: kmod lists a module once per matching index entry (a device id may match two of a
        // module's patterns), and modinfo then prints it twice.
        List<String> modules = new ArrayList<>();
        if (key.startsWith("symbol:")) {
            for (IndexFile.Value v : index("modules.symbols.bin").lookup(key)) {
                modules.add(v.value());
            }
        }
        if (modules.isEmpty()) {
            for (IndexFile.Value v : index("modules.alias.bin").searchWild(key)) {
                modules.add(v.value());
            }
        }
        List<ModuleInfo> out = new ArrayList<>();
        for (String m : modules) {
            String p = modulePath(m);
            if (p != null) {
                out.add(ModuleInfo.read(Path.of(p), p));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        List<String> builtins = new ArrayList<>();
        if (!index("modules.builtin.bin").lookup(key).isEmpty()) {
            builtins.add(key);
        } else {
            for (IndexFile.Value v : index("modules.builtin.alias.bin").searchWild(key)) {
                builtins.add(v.value());
            }
        }
        for (String b : builtins) {
            out.add(ModuleInfo.builtin(b, builtinEntries(b)));
        }
        return out;
    }

    /**
     * {@code modinfo -m}: the argument is a module name only (kmod's {@code kmod_module_new_from_name_lookup}:
     * dashes as underscores, cut at the first dot), never an alias or a file.
     */
    public List<ModuleInfo> findByName(String name) {
        String n = name.replace('-', '_');
        int dot = n.indexOf('.');
        return findModule(dot < 0 ? n : n.substring(0, dot));
    }

    /** Module {@code modname} itself: its file, else the built-in module of that name; empty if neither. */
    private List<ModuleInfo> findModule(String modname) {
        String path = modulePath(modname);
        if (path != null) {
            return List.of(ModuleInfo.read(Path.of(path), path));
        }
        if (!index("modules.builtin.bin").lookup(modname).isEmpty()) {
            return List.of(ModuleInfo.builtin(modname, builtinEntries(modname)));
        }
        return List.of();
    }

    /** The file of module {@code modname} per modules.dep.bin, absolute, or null. */
    private String modulePath(String modname) {
        String line = index("modules.dep.bin").search(modname);
        if (line == null) {
            return null;
        }
        int colon = line.indexOf(':');
        String rel = colon < 0 ? line : line.substring(0, colon);
        return rel.startsWith("/") ? sysroot + rel : dir + "/" + rel;
    }

    private final java.util.HashMap<String, IndexFile> indexes = new java.util.HashMap<>();

    private static final IndexFile EMPTY = IndexFile.of("(none)", emptyIndex());

    private static byte[] emptyIndex() {
        return new modkit.moddir.IndexWriter().toBytes();
    }

    /** An index of the module directory; a missing one is empty (kmod then finds nothing there either). */
    private IndexFile index(String name) {
        return indexes.computeIfAbsent(name, n -> {
            Path p = dir.resolve(n);
            if (!Files.exists(p)) {
                return EMPTY;
            }
            try {
                if (Files.size(p) == 0) {
                    return EMPTY; // depmod writes an empty file when there is nothing to index
                }
            } catch (IOException e) {
                throw new ModkitException(p + ": cannot read: " + e.getMessage());
            }
            return IndexFile.read(p);
        });
    }

    private List<ModInfo.Entry> builtinEntries(String name) {
        Path p = dir.resolve("modules.builtin.modinfo");
        try {
            Map<String, List<ModInfo.Entry>> all = DepmodOutput.parseBuiltinModinfo(Files.readAllBytes(p));
            return all.getOrDefault(name, List.of());
        } catch (IOException e) {
            return List.of();
        }
    }
}
