package modkit.moddir;

import java.util.ArrayList;
import java.util.List;
import modkit.elf.ModuleNames;

/**
 * What a name given to modprobe stands for, in kmod's order ({@code kmod_module_new_from_lookup}); the first
 * step that finds anything wins:
 * <ol>
 *   <li>{@code alias} lines of the configuration whose pattern matches (all of them, in reading order);
 *   <li>a module of that name in modules.dep;
 *   <li>for {@code symbol:NAME}, the modules exporting it (modules.symbols);
 *   <li>an {@code install} or {@code remove} command for exactly that name;
 *   <li>modules.alias patterns that match, by modules.order priority;
 *   <li>a built-in module of that name (modules.builtin);
 *   <li>aliases of built-in modules (modules.builtin.modinfo).
 * </ol>
 * The given name is normalised first ({@code -} as {@code _} outside brackets). A module found through an alias
 * remembers it, and a blacklist stops such a module. {@code options} written for the alias apply to it too: for
 * a configuration alias the alias is its pattern as written ({@code options myloop[0-9] ...}, not
 * {@code options myloop7}: checked against kmod 30), for an index alias the name that was looked up.
 *
 * <p>modprobe looks up in the text files ({@link ModuleDirectory}), modinfo in the binary indexes
 * ({@link BinaryIndexes}) with an empty configuration (kmod's modinfo reads none); the order is the same.
 *
 * @param <D> the module directory's reader
 */
public final class ModuleLookup<D extends ModuleIndex> {
    /**
     * A module to act on.
     *
     * @param alias the alias it was found through (the configuration pattern, or the name looked up in an index),
     *     or null when named directly or as a dependency
     * @param file a file given on the command line instead of the modules.dep path, or null
     */
    public record Ref(String name, String alias, String file) {
        public static Ref named(String name) {
            return new Ref(name, null, null);
        }
    }

    private final ModprobeConfig config;
    private final D dir;

    public ModuleLookup(ModprobeConfig config, D dir) {
        this.config = config;
        this.dir = dir;
    }

    public ModprobeConfig config() {
        return config;
    }

    public D directory() {
        return dir;
    }

    public List<Ref> resolve(String given) {
        List<Ref> out = resolveLoadable(given);
        return out.isEmpty() ? builtin(ModuleNames.underscores(given)) : out;
    }

    /** The first five steps alone: the configuration's aliases, modules.dep, symbols, commands, modules.alias. */
    public List<Ref> resolveLoadable(String given) {
        String name = ModuleNames.underscores(given);
        List<Ref> out = new ArrayList<>();
        for (ModprobeConfig.Alias a : config.aliases()) {
            if (Fnmatch.matches(a.pattern(), name)) {
                out.add(new Ref(a.module(), a.pattern(), null));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (dir.has(name)) {
            return List.of(Ref.named(name));
        }
        if (name.startsWith("symbol:")) {
            out.addAll(refs(dir.symbolOwners(name), name));
            if (!out.isEmpty()) {
                return out;
            }
        }
        if (hasCommand(config.installCommands(), name) || hasCommand(config.removeCommands(), name)) {
            return List.of(Ref.named(name));
        }
        return refs(dir.aliasOwners(name), name);
    }

    /**
     * The last two steps alone, for a normalised name: the built-in module of that name, else the built-in modules
     * whose aliases match it.
     */
    public List<Ref> builtin(String name) {
        if (dir.inBuiltinList(name)) {
            return List.of(Ref.named(name));
        }
        return refs(dir.builtinAliasOwners(name), name);
    }

    private static List<Ref> refs(List<String> modules, String alias) {
        List<Ref> out = new ArrayList<>(modules.size());
        for (String m : modules) {
            out.add(new Ref(m, alias, null));
        }
        return out;
    }

    private static boolean hasCommand(List<ModprobeConfig.Command> commands, String name) {
        for (ModprobeConfig.Command c : commands) {
            if (c.module().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
