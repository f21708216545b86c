package modkit.modinfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.elf.ModInfo;
import modkit.elf.ModuleNames;
import modkit.moddir.BinaryIndexes;
import modkit.moddir.BuiltinModinfo;
import modkit.moddir.ModprobeConfig;
import modkit.moddir.ModuleLookup;

/**
 * The modules modinfo shows for a name given to it: the name is looked up in {@code ROOT/lib/modules/VERSION}
 * as kmod looks it up ({@link ModuleLookup}) through the binary indexes depmod writes, with no modprobe.d (kmod's
 * modinfo reads no configuration); each module found is then read from its file, or, built in, from
 * modules.builtin.modinfo.
 */
public final class ModinfoSearch {
    private final BinaryIndexes dir;
    private final ModuleLookup<BinaryIndexes> lookup;
    private Map<String, List<ModInfo.Entry>> builtinEntries;

    /** {@code sysroot}: {@code --sysroot}, under which modules.dep's absolute paths (external modules) are taken. */
    public ModinfoSearch(Path dir, String sysroot) {
        this.dir = new BinaryIndexes(dir, sysroot);
        this.lookup = new ModuleLookup<>(ModprobeConfig.empty(), this.dir);
    }

    /**
     * Every module {@code name} resolves to, once per matching index entry (a device id may match two of a
     * module's patterns, and kmod's modinfo then prints it twice); empty if none. Modules a symbol or an alias
     * names but modules.dep lacks are passed over, and if none is left the built-in modules are looked up.
     */
    public List<ModuleInfo> find(String name) {
        List<ModuleInfo> out = new ArrayList<>();
        for (ModuleLookup.Ref r : lookup.resolveLoadable(name)) {
            String path = dir.pathOf(r.name());
            if (path != null) {
                out.add(ModuleInfo.read(Path.of(path), path));
            }
        }
        if (out.isEmpty()) {
            for (ModuleLookup.Ref r : lookup.builtin(ModuleNames.underscores(name))) {
                out.add(ModuleInfo.builtin(r.name(), builtinEntries(r.name())));
            }
        }
        return out;
    }

    /**
     * {@code modinfo -m}: the argument is a module name only (kmod's {@code kmod_module_new_from_name_lookup}:
     * dashes as underscores, cut at the first dot), never an alias or a file. Its file, else the built-in module
     * of that name; empty if neither.
     */
    public List<ModuleInfo> findByName(String name) {
        String n = name.replace('-', '_');
        int dot = n.indexOf('.');
        String modname = dot < 0 ? n : n.substring(0, dot);
        String path = dir.pathOf(modname);
        if (path != null) {
            return List.of(ModuleInfo.read(Path.of(path), path));
        }
        if (dir.inBuiltinList(modname)) {
            return List.of(ModuleInfo.builtin(modname, builtinEntries(modname)));
        }
        return List.of();
    }

    private List<ModInfo.Entry> builtinEntries(String name) {
        if (builtinEntries == null) {
            try {
                builtinEntries = BuiltinModinfo.byModule(Files.readAllBytes(dir.file("modules.builtin.modinfo")));
            } catch (IOException e) {
                builtinEntries = Map.of();
            }
        }
        return builtinEntries.getOrDefault(name, List.of());
    }
}
